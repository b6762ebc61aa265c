"""Events per day, actor pair and CAMEO root, rebuilt whenever the nightly DAG
(re)writes partitions: an example of analysis chained on akhbar's datasets
through Airflow Assets.

Triggered by the ``akhbar_articles`` Asset; each triggering event names the
output root and the (date, source) partitions it wrote, and this DAG writes
the matching ``event_counts`` partitions.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import Asset, dag, get_current_context, task

# The same Asset (same name and URI) that dags/akhbar_nightly.py updates.
ARTICLES = Asset(name="akhbar_articles", uri="file:///akhbar/articles")


@dag(
    dag_id="akhbar_event_counts",
    schedule=[ARTICLES],
    start_date=datetime(2016, 1, 1),
    catchup=False,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=1), "owner": "akhbar"},
    tags=["akhbar", "analysis"],
    doc_md=__doc__,
)
def akhbar_event_counts():
    @task
    def count_events() -> list[str]:
        """Write event_counts for every partition the triggering events name."""
        from datetime import date

        from pipeline.aggregate import aggregate_events

        written = []
        events = get_current_context()["triggering_asset_events"]
        for asset_events in events.values():
            for event in asset_events:
                out = event.extra.get("out")
                for day, source_id in event.extra.get("partitions", []):
                    info = aggregate_events(out, date.fromisoformat(day), source_id)
                    written.append(info.path)
        print(f"event_counts partitions written: {written}")
        return written

    count_events()


akhbar_event_counts()
