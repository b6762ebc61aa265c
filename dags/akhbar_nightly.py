"""Nightly ingestion: for the logical date, every configured source goes
fetch -> WARC (bronze) -> extract, clean, dedup, segment, code -> Parquet (silver).

Thin wiring only: all logic lives in ``pipeline`` (which never imports Airflow).
Tasks are mapped over sources so one bad source never fails the others, and
only paths and small count dictionaries travel through XCom.

Scaling out: each mapped task instance is one (date, source), the unit that
owns its partitions, so a backfill of many dates and sources (many runs, up to
``max_active_runs`` at once) spreads over every worker of the executor; fetches
share the ``akhbar_fetch`` pool across all workers. Tasks hand over only URLs in
the output store (bronze WARC, fetch rejects, ``_state``), never a worker's local
files, so fetch and process of a source may run on different machines. Inside a
``process`` task, ``$AKHBAR_WORKERS`` processes share the CPU-bound stages.

Configuration (DAG params, overridable per run with ``--conf``):
- ``sources``: source ids from sources.yaml (default: env ``AKHBAR_SOURCES_DEFAULT``
  as a comma list, else ``seeds``).
- ``out``: output root, a folder or ``s3://bucket/prefix`` (default: env ``AKHBAR_OUT``,
  else ``data``).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from airflow.sdk import Asset, Param, dag, get_current_context, task
from airflow.sdk.exceptions import AirflowFailException
from airflow.timetables.interval import CronDataIntervalTimetable

# Updated whenever partitions are (re)written; the event carries them in its extra
# ({"out": root, "partitions": [[date, source_id], ...]}) for downstream DAGs such
# as akhbar_event_counts.
ARTICLES = Asset(name="akhbar_articles", uri="file:///akhbar/articles")

DEFAULT_SOURCES = [s for s in os.environ.get("AKHBAR_SOURCES_DEFAULT", "seeds").split(",") if s]
DEFAULT_ARGS = {"retries": 2, "retry_delay": timedelta(minutes=5), "owner": "akhbar"}


def _run_day():
    """The covered date: the run's logical date (the start of its daily interval
    for scheduled and backfill runs; the given date for ``airflow dags test``)."""
    context = get_current_context()
    moment = context.get("logical_date") or context["data_interval_start"]
    return moment.date()


@dag(
    dag_id="akhbar_nightly",
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone="UTC"),
    start_date=datetime(2016, 1, 1),
    catchup=False,
    max_active_runs=4,
    default_args=DEFAULT_ARGS,
    tags=["akhbar", "ingestion"],
    params={
        "sources": Param(DEFAULT_SOURCES, type="array", description="source ids"),
        "out": Param(os.environ.get("AKHBAR_OUT", "data"), type="string",
                     description="output root"),
    },
    doc_md=__doc__,
)
def akhbar_nightly():
    @task
    def list_sources() -> list[str]:
        """Validate the requested source ids against sources.yaml."""
        from pipeline.sources import load_sources

        params = get_current_context()["params"]
        known = load_sources()
        unknown = [s for s in params["sources"] if s not in known]
        if unknown:  # a configuration error: retrying cannot help
            raise AirflowFailException(f"unknown source id(s) {unknown}; known: {sorted(known)}")
        return list(params["sources"])

    @task(retries=3, retry_exponential_backoff=True, pool="akhbar_fetch")
    def fetch(source_id: str) -> dict:
        """Fetch the day's pages of one source into its WARC file."""
        from pipeline.run import fetch_stage
        from pipeline.sources import load_sources

        out = get_current_context()["params"]["out"]
        fetched = fetch_stage(load_sources()[source_id], _run_day(), out,
                              run_id=get_current_context()["run_id"])
        fetched["source_id"] = source_id
        print(f"fetch {source_id}: {fetched['counts']}")
        return fetched

    @task(outlets=[ARTICLES])
    def process(fetched: dict) -> dict:
        """Extract to Parquet partitions for one source, replacing them atomically."""
        from pipeline.run import process_stage
        from pipeline.sources import load_sources

        context = get_current_context()
        source = load_sources()[fetched["source_id"]]
        summary = process_stage(source, _run_day(), context["params"]["out"],
                                fetched["warc_path"], fetched["rejects_path"],
                                run_id=context["run_id"])
        print(f"process {source.id}: {summary.counts}")
        context["outlet_events"][ARTICLES].extra = {
            "out": context["params"]["out"], "partitions": [[summary.day.isoformat(), source.id]]}
        return summary.to_dict()

    @task(outlets=[ARTICLES])
    def settle(summaries: list[dict]) -> dict:
        """Re-process partitions whose duplicate answers went stale because sources
        of the same date ran in parallel; log totals over sources."""
        from datetime import date

        from pipeline.run import settle as settle_partitions
        from pipeline.sources import load_sources

        summaries = list(summaries)
        stale = [(date.fromisoformat(day), source_id)
                 for summary in summaries for day, source_id in summary["stale"]]
        context = get_current_context()
        left = settle_partitions(context["params"]["out"], stale, load_sources(),
                                 run_id=context["run_id"])
        context["outlet_events"][ARTICLES].extra = {
            "out": context["params"]["out"],
            "partitions": sorted({(day.isoformat(), source_id) for day, source_id in stale})}
        totals: dict[str, int] = {"resettled": len(set(stale))}
        for summary in summaries:
            for key, value in summary["counts"].items():
                totals[key] = totals.get(key, 0) + value
        print(f"akhbar nightly totals: {totals}; still stale: {left}")
        return totals

    settle(process.expand(fetched=fetch.expand(source_id=list_sources())))


akhbar_nightly()
