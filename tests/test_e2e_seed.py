"""The walking skeleton: the nightly DAG on the offline seed, under Airflow.

Runs the real DAG with ``airflow dags test`` on an embedded SQLite Airflow,
then reads the Parquet back with pyarrow and DuckDB and checks what a reader
of the seed article would expect. Also checks the same stages without Airflow
(``akhbar run``) give the same rows, and that a re-run replaces, not appends.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow.dataset as ds
import pytest

from tests.airflow_env import dags_test

TITLE = "روسيا وأميركا تتفقان على تحسين التنسيق العسكري في سورية"
DAY = "2016-06-19"
pytestmark = pytest.mark.slow


def _read(out: Path, dataset: str):
    return ds.dataset(out / dataset, format="parquet", partitioning="hive").to_table()


@pytest.fixture(scope="module")
def airflow_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("airflow")


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory, airflow_home) -> Path:
    home = airflow_home
    out = tmp_path_factory.mktemp("data")
    dags_test(home, "akhbar_nightly", DAY, {"sources": ["seeds"], "out": str(out)})
    # A second run of the same date must replace the partitions, not add rows.
    dags_test(home, "akhbar_nightly", DAY, {"sources": ["seeds"], "out": str(out)})
    return out


def test_exactly_one_clean_article(seed_run):
    articles = _read(seed_run, "articles").to_pylist()
    assert len(articles) == 1
    article = articles[0]
    assert article["title"] == TITLE
    assert article["published_at"].date().isoformat() == DAY
    assert str(article["date"]) == DAY and article["source"] == "seeds"
    body = article["body"]
    assert body.startswith("أعلنت وزارة الدفاع الروسية")
    assert TITLE not in body
    assert "+ الخط -" not in body
    assert "(الأناضول)" not in body and "دوائر تلفزيونية(" not in body
    assert article["duplicate_of"] is None


def test_every_paragraph_of_the_seed_is_kept(seed_run, seed_text):
    # Whitespace is normalised in the stored body (a no-break space becomes a space).
    body = " ".join(_read(seed_run, "articles").to_pylist()[0]["body"].split())
    paragraphs = [" ".join(p.split()) for p in seed_text.split("\n") if len(p.split()) > 12]
    assert len(paragraphs) >= 12
    for paragraph in paragraphs:
        assert paragraph in body


def test_sentences_index_into_the_body(seed_run):
    body = _read(seed_run, "articles").to_pylist()[0]["body"]
    sentences = sorted(_read(seed_run, "sentences").to_pylist(), key=lambda s: s["sentence_idx"])
    assert len(sentences) >= 12
    assert [s["sentence_idx"] for s in sentences] == list(range(len(sentences)))
    for sentence in sentences:
        assert sentence["text"].strip()
        assert body[sentence["char_start"]:sentence["char_end"]] == sentence["text"]
    # A quotation stays inside the sentence that introduces it.
    quoted = [s["text"] for s in sentences if "عبرت عن قلقها البالغ" in s["text"]]
    assert len(quoted) == 1 and quoted[0].startswith("وفي بيان صدر")
    assert "يوم الخميس" in quoted[0]


def _events(out: Path) -> list[dict]:
    return _read(out, "events").to_pylist()


def _has(events, roots, source_prefix, target_prefix=None, **extra):
    """An event that happened (not negated) in ``roots`` between the actors."""
    for e in events:
        if e["root_code"] not in roots or e["negated"]:
            continue
        if not (e["source_actor"]["code"] or "").startswith(source_prefix):
            continue
        if target_prefix and not (e["target_actor"]["code"] or "").startswith(target_prefix):
            continue
        if "event_date" in extra and e["event_date"].isoformat() != extra["event_date"]:
            continue
        return True
    return False


def test_seed_events(seed_run):
    events = _events(seed_run)
    # Russia and the United States agree to improve coordination.
    assert _has(events, {"03", "05"}, "RUS", "USA") or _has(events, {"03", "05"}, "USA", "RUS")
    # The Pentagon expresses concern / criticises Russia over the air strikes.
    assert _has(events, {"11"}, "USA", "RUS")
    # Russian air strikes on US-backed Syrian opposition fighters near al-Tanf.
    assert _has(events, {"19"}, "RUS", "SYRREB")
    # Russia denies: CAMEO 016 (deny responsibility) or the 12 (reject) family.
    assert any(
        (e["source_actor"]["code"] or "").startswith("RUS")
        and (e["event_code"] == "016" or e["root_code"] == "12")
        for e in events
    )


def test_seed_event_dates(seed_run):
    dates = {e["event_date"].isoformat() for e in _events(seed_run) if e["event_date"]}
    assert {"2016-06-19", "2016-06-18", "2016-06-17", "2016-06-16"} <= dates


def test_rerun_leaves_one_file_per_partition(seed_run):
    for dataset in ("articles", "sentences", "events", "rejects"):
        files = list((seed_run / dataset).rglob("*.parquet"))
        assert len(files) == 1, (dataset, files)
        assert files[0].parent.name == "source=seeds"
        assert files[0].parent.parent.name == f"date={DAY}"


def test_duckdb_reads_the_datasets(seed_run):
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    rows = con.execute(
        "SELECT a.title, count(e.event_id) FROM read_parquet(?, hive_partitioning=true) a "
        "JOIN read_parquet(?, hive_partitioning=true) e USING (article_id) "
        "WHERE a.date = DATE '2016-06-19' GROUP BY a.title",
        [str(seed_run / "articles/**/*.parquet"), str(seed_run / "events/**/*.parquet")],
    ).fetchall()
    assert len(rows) == 1 and rows[0][0] == TITLE and rows[0][1] >= 4


def test_cli_run_matches_airflow_run(seed_run, tmp_path):
    from pipeline.run import run

    run(__import__("datetime").date(2016, 6, 19), "seeds", str(tmp_path))
    for dataset, key in (("articles", "article_id"), ("sentences", "sentence_idx"),
                         ("events", "event_id")):
        ours = sorted(_read(tmp_path, dataset).to_pylist(), key=lambda r: r[key])
        theirs = sorted(_read(seed_run, dataset).to_pylist(), key=lambda r: r[key])
        assert ours == theirs, dataset


def test_articles_asset_event_names_the_partition_for_downstream_dags(seed_run, airflow_home):
    """The nightly DAG's asset events tell akhbar_event_counts what to rebuild; the
    aggregate it runs then counts the seed's events per actor pair and root."""
    import json
    import sqlite3

    from pipeline.aggregate import aggregate_events
    from pipeline.storage import read_dataset

    with sqlite3.connect(airflow_home / "airflow.db") as db:
        extras = [json.loads(row[0]) for row in db.execute(
            "SELECT extra FROM asset_event WHERE source_task_id = 'process_seeds'")]
    assert extras and all(e["partitions"] == [[DAY, "seeds"]] for e in extras)
    assert all(e["out"] == str(seed_run) for e in extras)

    day = __import__("datetime").date(2016, 6, 19)
    aggregate_events(str(seed_run), day, "seeds")
    counts = read_dataset(str(seed_run), "event_counts", day=day, source_id="seeds").to_pylist()
    events = [e for e in _events(seed_run) if not e["negated"]]
    assert sum(row["events"] for row in counts) == len(events)
    assert any(row["root_code"] == "19" and row["target_code"] == "SYRREB" for row in counts)


def test_runs_manifest_records_fetch_and_process_of_each_dag_run(seed_run):
    from pipeline.storage import read_dataset

    runs = read_dataset(str(seed_run), "runs").to_pylist()
    by_task: dict[str, list[dict]] = {}
    for row in runs:
        by_task.setdefault(row["task"], []).append(row)
    # Two DAG runs of the same date: two rows per stage, all successful.
    assert len(by_task["fetch"]) == 2 and len(by_task["process"]) == 2
    assert all(row["status"] == "success" and row["quality_failures"] == [] for row in runs)
    fetch_counts = dict(by_task["fetch"][0]["counts"])
    assert fetch_counts["fetched"] == 1 and fetch_counts["failed"] == 0
    assert dict(by_task["process"][0]["counts"])["articles"] == 1
    fetch_runs = {row["run_id"] for row in by_task["fetch"]}
    assert fetch_runs == {row["run_id"] for row in by_task["process"]}
