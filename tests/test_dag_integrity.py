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
