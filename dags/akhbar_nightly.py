"""Nightly ingestion: for the logical date, every configured source goes
fetch -> WARC (bronze) -> extract, clean, dedup, segment, code -> Parquet (silver).

Thin wiring only: all logic lives in ``pipeline`` (which never imports Airflow).
Each configured source has its own ``fetch_<id>`` and ``process_<id>`` task, so
one bad source never fails the others, and only paths and small count
dictionaries travel through XCom.

Scaling out: each task instance is one (date, source), the unit that owns its
partitions, so a backfill of many dates and sources (many runs, up to
``max_active_runs`` at once) spreads over every worker of the executor. Politeness
across workers is the scheduler's job, not a lock's: ``fetch_<id>`` carries
``max_active_tis_per_dag`` = the source's ``fetch_tasks`` (default 1), so two runs
never crawl the same site at once, whichever workers they land on, and all fetches
share the ``akhbar_fetch`` pool (a cap on crawling overall). That is why sources
are tasks of their own rather than map indexes of one task: a mapped task has a
single concurrency limit for all its indexes. Tasks hand over only URLs in the
output store (bronze WARC, fetch rejects, ``_state``), never a worker's local
files, so fetch and process of a source may run on different machines. Inside a
``process`` task, ``$AKHBAR_WORKERS`` processes share the CPU-bound stages.

Configuration:
- env ``AKHBAR_SOURCES_DEFAULT`` (read when the DAG file is parsed): the source ids,
  as a comma list, this deployment ingests (default ``seeds``); each must be in
  sources.yaml (env ``AKHBAR_SOURCES``, else the packaged seeds).
- DAG params, overridable per run with ``--conf``: ``sources``, the ids to run this
  time (default: all configured; the others' tasks are skipped), and ``out``, the
  output root, a folder or ``s3://bucket/prefix`` (default: env ``AKHBAR_OUT``, else
  ``data``).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from airflow.sdk import Asset, Param, dag, get_current_context, task
from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException
from airflow.timetables.interval import CronDataIntervalTimetable

from pipeline.sources import load_sources

# Updated whenever partitions are (re)written; the event carries them in its extra
# ({"out": root, "partitions": [[date, source_id], ...]}) for downstream DAGs such
# as akhbar_event_counts.
ARTICLES = Asset(name="akhbar_articles", uri="file:///akhbar/articles")

CONFIGURED = [s for s in os.environ.get("AKHBAR_SOURCES_DEFAULT", "seeds").split(",") if s]
# Read at parse time for each source's fetch limit; an unknown id is an import error.
SOURCES = {source_id: load_sources()[source_id] for source_id in CONFIGURED}
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
        "sources": Param(CONFIGURED, type="array",
                         description="source ids to run (among those configured)"),
        "out": Param(os.environ.get("AKHBAR_OUT", "data"), type="string",
                     description="output root"),
    },
    doc_md=__doc__,
)
def akhbar_nightly():
    @task
    def check_sources() -> list[str]:
        """Refuse requested source ids that this deployment has no tasks for."""
        params = get_current_context()["params"]
        unknown = [s for s in params["sources"] if s not in SOURCES]
        if unknown:  # a configuration error: retrying cannot help
            raise AirflowFailException(
                f"source id(s) {unknown} are not configured (AKHBAR_SOURCES_DEFAULT); "
                f"configured: {sorted(SOURCES)}")
        return list(params["sources"])

    @task(retries=3, retry_exponential_backoff=True, pool="akhbar_fetch")
    def fetch(source_id: str, requested: list[str]) -> dict:
        """Fetch the day's pages of one source into its WARC file."""
        from pipeline.run import fetch_stage

        if source_id not in requested:
            raise AirflowSkipException(f"{source_id} not requested for this run")
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

        context = get_current_context()
        source = load_sources()[fetched["source_id"]]
        summary = process_stage(source, _run_day(), context["params"]["out"],
                                fetched["warc_path"], fetched["rejects_path"],
                                run_id=context["run_id"])
        print(f"process {source.id}: {summary.counts}")
        context["outlet_events"][ARTICLES].extra = {
            "out": context["params"]["out"], "partitions": [[summary.day.isoformat(), source.id]]}
        return summary.to_dict()

    @task(outlets=[ARTICLES], trigger_rule="none_failed")
    def settle(summaries: list[dict | None]) -> dict:
        """Re-process partitions whose duplicate answers went stale because sources
        of the same date ran in parallel; log totals over the sources that ran."""
        from datetime import date

        from pipeline.run import settle as settle_partitions

        summaries = [summary for summary in summaries if summary is not None]
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

    requested = check_sources()
    settle([
        process.override(task_id=f"process_{source_id}")(
            fetch.override(task_id=f"fetch_{source_id}",
                           max_active_tis_per_dag=source.fetch_tasks)(source_id, requested))
        for source_id, source in SOURCES.items()
    ])


akhbar_nightly()
