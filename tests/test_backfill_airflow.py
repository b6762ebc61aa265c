"""Airflow 3's own backfill of the nightly DAG equals ``akhbar backfill``, row for row.

An embedded Airflow (SQLite metadata DB, LocalExecutor) runs the way a
deployment does: ``airflow backfill create`` queues one DAG run per logical
date, then an api-server (task execution goes through its API in Airflow 3)
and a scheduler, started here as subprocesses for a bounded time, execute
them. The dump source is built in a temp folder from a few days of the shared
corpus sample.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import signal
import socket
import sqlite3
import subprocess
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import httpx
import pyarrow.dataset as ds
import pytest
import yaml

from pipeline.backfill.runner import backfill
from tests.airflow_env import BIN, PROJECT_ROOT, airflow_env
from tests.corpus_dates import corpus_moment

pytestmark = pytest.mark.slow
DAG_ID = "akhbar_nightly"
DATASETS = ("articles", "sentences", "events", "rejects")
DAYS, PER_DAY = 3, 3
WAIT_SECONDS = 420


@pytest.fixture(scope="module")
def dump_source(shared_data: Path, tmp_path_factory) -> dict:
    """``PER_DAY`` publication-dated records on each of ``DAYS`` consecutive days."""
    by_day: dict[date, list[dict]] = defaultdict(list)
    with open(shared_data / "corpus" / "articles.jsonl", encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            if record["corpus"] == "antcorpus.multisource.data" and record.get("body"):
                by_day[corpus_moment(record["date"]).date()].append(record)
    first = next(d for d in sorted(by_day)
                 if all(len(by_day[d + timedelta(days=i)]) >= PER_DAY for i in range(DAYS)))
    folder = tmp_path_factory.mktemp("dump")
    with gzip.open(folder / "dump.jsonl.gz", "wt", encoding="utf-8") as fh:
        for i in range(DAYS):
            for record in by_day[first + timedelta(days=i)][:PER_DAY]:
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    sources = folder / "sources.yaml"
    sources.write_text(yaml.safe_dump({"sources": [{
        "id": "corpus", "name": "Corpus sample", "home": "https://example.org/",
        "dumps": ["dump.jsonl.gz"]}]}), encoding="utf-8")
    return {"sources": str(sources), "first": first, "last": first + timedelta(days=DAYS - 1)}


def snapshot(out: Path) -> dict[str, list[str]]:
    rows = {}
    for name in DATASETS:
        table = ds.dataset(out / name, format="parquet", partitioning="hive").to_table()
        rows[name] = sorted(json.dumps(row, sort_keys=True, ensure_ascii=False, default=str)
                            for row in table.to_pylist())
    return rows


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def _daemon(args: list[str], env: dict[str, str], log: Path):
    """An Airflow component in its own process group, stopped (group-wide) on exit."""
    with open(log, "w") as fh:
        proc = subprocess.Popen([str(BIN / "airflow"), *args], env=env, stdout=fh,
                                stderr=subprocess.STDOUT, cwd=PROJECT_ROOT,
                                start_new_session=True)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def _backfill_states(home: Path) -> dict[str, str]:
    with contextlib.closing(sqlite3.connect(home / "airflow.db", timeout=30)) as db:
        return dict(db.execute("SELECT run_id, state FROM dag_run WHERE run_type = 'backfill'"))


@pytest.fixture(scope="module")
def airflow_backfill(dump_source, tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("airflow")
    out = tmp_path_factory.mktemp("airflow_out")
    port = _free_port()
    env = airflow_env(home)
    env.update(
        AIRFLOW__CORE__EXECUTOR="LocalExecutor",
        AIRFLOW__CORE__PARALLELISM="2",
        AIRFLOW__API__PORT=str(port),
        AIRFLOW__CORE__EXECUTION_API_SERVER_URL=f"http://127.0.0.1:{port}/execution/",
        # SQLite serialises writers: give the task API calls time under load.
        AIRFLOW__WORKERS__EXECUTION_API_TIMEOUT="60",
        AKHBAR_SOURCES=dump_source["sources"],
        AKHBAR_SOURCES_DEFAULT="corpus",
        # Unpausing also queues the latest scheduled interval (not part of the backfill).
        AKHBAR_OUT=str(tmp_path_factory.mktemp("scheduled_out")),
    )
    for args in (("db", "migrate"), ("pools", "set", "akhbar_fetch", "4", "fetch"),
                 ("dags", "reserialize")):
        _airflow(env, *args)
    conf = json.dumps({"sources": ["corpus"], "out": str(out)})
    _airflow(env, "backfill", "create", "--dag-id", DAG_ID, "--from-date",
             dump_source["first"].isoformat(), "--to-date", dump_source["last"].isoformat(),
             "--max-active-runs", "1", "--dag-run-conf", conf)
    assert len(_backfill_states(home)) == DAYS

    with _daemon(["api-server", "--port", str(port)], env, home / "api-server.log"):
        _wait_healthy(port)
        _airflow(env, "dags", "unpause", DAG_ID)
        with _daemon(["scheduler"], env, home / "scheduler.log"):
            deadline = time.monotonic() + WAIT_SECONDS
            while True:
                states = _backfill_states(home)
                if all(state in ("success", "failed") for state in states.values()):
                    break
                assert time.monotonic() < deadline, (
                    f"backfill runs not finished in {WAIT_SECONDS} s: {states}\n"
                    + (home / "scheduler.log").read_text()[-4000:])
                time.sleep(2)
    assert set(states.values()) == {"success"}, (home / "scheduler.log").read_text()[-4000:]
    return out


def _airflow(env: dict[str, str], *args: str) -> None:
    proc = subprocess.run([str(BIN / "airflow"), *args], env=env, capture_output=True,
                          text=True, timeout=600, cwd=PROJECT_ROOT)
    assert proc.returncode == 0, f"airflow {' '.join(args)}:\n{proc.stdout[-3000:]}" \
                                 f"\n{proc.stderr[-3000:]}"


def _wait_healthy(port: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"http://127.0.0.1:{port}/api/v2/monitor/health", timeout=5).is_success:
                return
        time.sleep(1)
    raise AssertionError("the Airflow api-server did not come up in 120 s")


def test_airflow_backfill_equals_cli_backfill_row_for_row(dump_source, airflow_backfill,
                                                         tmp_path):
    cli_out = tmp_path / "cli"
    summary = backfill(dump_source["first"], dump_source["last"], ["corpus"], str(cli_out),
                       dump_source["sources"])
    assert summary.ok and summary.count("done") == DAYS
    airflow_rows, cli_rows = snapshot(airflow_backfill), snapshot(cli_out)
    assert len(airflow_rows["articles"]) >= DAYS
    assert airflow_rows == cli_rows


def test_airflow_backfill_wrote_one_partition_per_logical_date(dump_source, airflow_backfill):
    written = sorted(p.name for p in (airflow_backfill / "articles").iterdir())
    days = [dump_source["first"] + timedelta(days=i) for i in range(DAYS)]
    assert written == [f"date={d.isoformat()}" for d in days]
