"""Every DAG file imports, has no cycles, and sets retries and tags."""

from __future__ import annotations

from pathlib import Path

import pytest

DAGS = Path(__file__).resolve().parents[1] / "dags"


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


def test_every_dag_file_imports(dagbag):
    assert dagbag.import_errors == {}
    assert "akhbar_nightly" in dagbag.dags


def test_dags_have_tags_and_retries(dagbag):
    for dag_id, dag in dagbag.dags.items():
        assert dag.tags, f"{dag_id} has no tags"
        for task in dag.tasks:
            assert task.retries is not None and task.retries >= 1, f"{dag_id}.{task.task_id}"


def test_dags_are_acyclic(dagbag):
    for dag in dagbag.dags.values():
        # topological_sort raises on a cycle
        order = [t.task_id for t in dag.topological_sort()]
        assert len(order) == len(dag.tasks)


def test_pipeline_library_never_imports_airflow():
    root = DAGS.parent / "pipeline"
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "import airflow" in path.read_text() or "from airflow" in path.read_text()
    ]
    assert offenders == []


def test_event_counts_dag_is_triggered_by_the_nightly_articles_asset(dagbag):
    nightly = dagbag.dags["akhbar_nightly"]
    produced = {outlet.uri for task in nightly.tasks for outlet in task.outlets}
    consumer = dagbag.dags["akhbar_event_counts"]
    consumed = {asset.uri for asset in consumer.timetable.asset_condition.objects}
    assert consumed and consumed <= produced


def test_each_configured_source_has_its_own_fetch_limited_across_runs(tmp_path, monkeypatch):
    """Politeness across workers is the scheduler's: a site's fetch task may run
    ``fetch_tasks`` times at once over all DAG runs (1 by default), and every fetch
    takes a slot of the shared ``akhbar_fetch`` pool."""
    import yaml
    from airflow.dag_processing.dagbag import DagBag

    sources = tmp_path / "sources.yaml"
    sources.write_text(yaml.safe_dump({"sources": [
        {"id": "site", "name": "A site", "home": "https://site.example/",
         "feeds": ["https://site.example/rss"]},
        {"id": "archive", "name": "An archive", "home": "https://archive.example/",
         "dumps": ["dump.jsonl.gz"], "fetch_tasks": 4},
    ]}), encoding="utf-8")
    monkeypatch.setenv("AKHBAR_SOURCES", str(sources))
    monkeypatch.setenv("AKHBAR_SOURCES_DEFAULT", "site,archive")
    dag = DagBag(dag_folder=str(DAGS / "akhbar_nightly.py")).dags["akhbar_nightly"]

    limits = {t.task_id: t.max_active_tis_per_dag for t in dag.tasks
              if t.task_id.startswith("fetch_")}
    assert limits == {"fetch_site": 1, "fetch_archive": 4}
    assert {t.pool for t in dag.tasks if t.task_id.startswith("fetch_")} == {"akhbar_fetch"}
    for source_id in ("site", "archive"):  # one chain per source, ending in settle
        process = dag.get_task(f"process_{source_id}")
        assert process.upstream_task_ids == {f"fetch_{source_id}"}
        assert process.downstream_task_ids == {"settle"}
    assert dag.params["sources"] == ["site", "archive"]
