"""Scale-out: nothing assumes one process or one machine's disk.

Against a local S3-compatible server (moto, see tests/s3.py):

- the fetch and process stages run in separate processes with separate temp
  folders and meet only through the object store (bronze WARC, fetch rejects,
  fetch seen-state, dedup index);
- the fetcher's seen-state written by one run is found by the next;
- the nightly DAG runs under Airflow's LocalExecutor (each task in its own
  process, several at once, talking to a real API server) for two sources,
  writing only to the bucket.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pyarrow.fs as pafs
import pytest

from pipeline.storage import filesystem_for, read_dataset
from tests.airflow_env import BIN, PROJECT_ROOT, airflow, airflow_env
from tests.processes import stop_process

pytest_plugins = ["s3"]
pytestmark = pytest.mark.slow

DAY = "2016-06-19"
SEED_URL = "https://www.alaraby.co.uk/politics/2016/6/19/seed"


@pytest.fixture
def sources_file(tmp_path: Path, seed_text: str) -> Path:
    """Two offline sources; ``reposted`` lists the same page on two dates."""
    (tmp_path / "seed.txt").write_text(seed_text, encoding="utf-8")
    entries = [
        {"id": "seeds", "name": "seed", "home": "https://www.alaraby.co.uk/",
         "local_files": [{"path": "seed.txt", "url": SEED_URL, "date": DAY}]},
        {"id": "reposted", "name": "reposted", "home": "https://repost.example/",
         "local_files": [
             {"path": "seed.txt", "url": "https://repost.example/story", "date": DAY},
             {"path": "seed.txt", "url": "https://repost.example/story", "date": "2016-06-20"},
         ]},
    ]
    path = tmp_path / "sources.yaml"
    path.write_text(json.dumps({"sources": entries}, ensure_ascii=False), encoding="utf-8")
    return path


def _in_fresh_process(code: str, workdir: Path, env: dict[str, str]) -> dict:
    """Run ``code`` (which prints one JSON line) in a new interpreter whose working
    and temporary folders are its own, as on another machine."""
    workdir.mkdir()
    full_env = {**os.environ, **env, "TMPDIR": str(workdir), "PYTHONPATH": str(PROJECT_ROOT)}
    proc = subprocess.run([sys.executable, "-c", code], cwd=workdir, env=full_env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _files(root: str) -> list[str]:
    fs, path = filesystem_for(root)
    return sorted(info.path[len(path) + 1:]
                  for info in fs.get_file_info(pafs.FileSelector(path, recursive=True))
                  if info.type == pafs.FileType.File)


def test_stages_meet_only_through_the_object_store(s3_root, sources_file, tmp_path):
    env = {"AKHBAR_SOURCES": str(sources_file)}
    fetched = _in_fresh_process(
        "import json, datetime; from pipeline.run import fetch_stage; "
        "from pipeline.sources import load_sources; "
        f"print(json.dumps(fetch_stage(load_sources()['seeds'], datetime.date(2016, 6, 19), "
        f"{s3_root!r})))",
        tmp_path / "fetch-machine", env,
    )
    assert fetched["warc_path"].startswith(f"{s3_root}/_bronze/date={DAY}/source=seeds/")
    assert fetched["counts"]["fetched"] == 1
    summary = _in_fresh_process(
        "import json, datetime; from pipeline.run import process_stage; "
        "from pipeline.sources import load_sources; "
        f"s = process_stage(load_sources()['seeds'], datetime.date(2016, 6, 19), {s3_root!r}, "
        f"{fetched['warc_path']!r}, {fetched['rejects_path']!r}, workers=2); "
        "print(json.dumps(s.to_dict()))",
        tmp_path / "process-machine", env,
    )
    assert summary["counts"]["articles"] == 1 and summary["counts"]["events"] > 0

    stored = _files(s3_root)
    assert f"_bronze/date={DAY}/source=seeds/pages.warc.gz" in stored
    assert f"_bronze/date={DAY}/source=seeds/fetch_rejects.jsonl" in stored
    assert f"_state/seeds/ingested/{DAY}.txt" in stored
    assert any(p.startswith(f"_state/dedup/date={DAY}/source=seeds/") for p in stored)
    assert not any(".tmp" in p for p in stored)
    articles = read_dataset(s3_root, "articles").to_pylist()
    assert [a["url"] for a in articles] == [SEED_URL]
    # Neither "machine" kept anything on its own disk.
    assert list((tmp_path / "fetch-machine").iterdir()) == []
    assert list((tmp_path / "process-machine").iterdir()) == []


def test_seen_state_in_the_store_carries_over_to_the_next_run(s3_root, sources_file):
    from pipeline.run import fetch_stage
    from pipeline.sources import load_sources

    source = load_sources(sources_file)["reposted"]
    first = fetch_stage(source, date(2016, 6, 19), s3_root)
    second = fetch_stage(source, date(2016, 6, 20), s3_root)
    assert first["counts"]["fetched"] == 1
    # Already ingested on the 19th, found through the bucket, not a local folder.
    assert second["counts"]["duplicate"] == 1 and second["counts"]["fetched"] == 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def local_executor(tmp_path: Path, monkeypatch) -> Iterator[Path]:
    """An Airflow home configured for the LocalExecutor, with its API server running
    (LocalExecutor task processes report to it, as on a real deployment)."""
    home = tmp_path / "airflow"
    home.mkdir()
    port = _free_port()
    for key, value in {
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
        "AIRFLOW__API_AUTH__JWT_SECRET": "akhbar-test-secret-" + "x" * 48,
    }.items():
        monkeypatch.setenv(key, value)
    airflow(home, "db", "migrate")
    with open(home / "api-server.log", "w") as log:
        server = subprocess.Popen(
            [str(BIN / "airflow"), "api-server", "-H", "127.0.0.1", "-p", str(port)],
            env=airflow_env(home), stdout=log, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT,
        )
    try:
        deadline = time.monotonic() + 180
        while True:
            assert server.poll() is None, (home / "api-server.log").read_text()[-3000:]
            try:
                httpx.get(f"http://127.0.0.1:{port}/api/v2/monitor/health", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "API server did not start"
                time.sleep(0.5)
        yield home
    finally:
        stop_process(server, timeout=30)


def test_nightly_dag_under_local_executor_writes_only_to_the_bucket(
    s3_root, sources_file, local_executor, monkeypatch
):
    monkeypatch.setenv("AKHBAR_SOURCES", str(sources_file))
    monkeypatch.setenv("AKHBAR_SOURCES_DEFAULT", "seeds,reposted")
    monkeypatch.setenv("AKHBAR_WORKERS", "2")
    conf = {"sources": ["seeds", "reposted"], "out": s3_root}
    # Own process group: on a timeout the executor's worker processes go too.
    proc = subprocess.Popen(
        [str(BIN / "airflow"), "dags", "test", "akhbar_nightly", DAY, "--use-executor",
         "-c", json.dumps(conf)],
        env=airflow_env(local_executor), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, cwd=PROJECT_ROOT, start_new_session=True,
    )
    try:
        output, _ = proc.communicate(timeout=300)
    except subprocess.TimeoutExpired:  # a failed task waits for its retry: show why it failed
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        logs = sorted((local_executor / "logs").rglob("attempt=*.log"))
        pytest.fail("DAG run did not finish; task logs:\n" + "\n".join(
            f"{log}:\n{log.read_text()[-2000:]}" for log in logs))
    state = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "scripts" / "last_dag_run.py"), "akhbar_nightly"],
        env=airflow_env(local_executor), capture_output=True, text=True, cwd=PROJECT_ROOT,
    )
    assert proc.returncode == 0 and state.returncode == 0, state.stdout + output[-4000:]

    articles = read_dataset(s3_root, "articles")
    assert sorted(articles["source"].to_pylist()) == ["reposted", "seeds"]
    runs = read_dataset(s3_root, "runs").to_pylist()
    for stage in ("fetch", "process"):
        assert sorted(r["source_id"] for r in runs
                      if r["status"] == "success" and r["task"] == stage) == ["reposted", "seeds"]
    # One task instance per (task, source), each run by the executor in its own process.
    ran = {log.parent.name for log in (local_executor / "logs").rglob("attempt=*.log")}
    assert {f"task_id={task}_{source}" for task in ("fetch", "process")
            for source in ("seeds", "reposted")} <= ran


def test_boilerplate_model_is_read_from_the_bucket(s3_root, tmp_path):
    from pipeline.boilerplate import BoilerplateLearner, BoilerplateModel
    from pipeline.remote import upload
    from pipeline.run import load_boilerplate, state_dir

    footer = "تابعونا على مواقع التواصل الاجتماعي"
    learner = BoilerplateLearner()
    for n in range(10):
        learner.add("seeds", f"خبر عن الاجتماع رقم {n} في العاصمة\n{footer}")
    local = tmp_path / "model.json"
    learner.model(min_count=5).save(local)
    assert load_boilerplate(s3_root, "seeds") is None
    upload(local, BoilerplateModel.path_for(state_dir(s3_root), "seeds"))
    model = load_boilerplate(s3_root, "seeds")
    assert model is not None and model.is_boilerplate("seeds", footer)
