"""A small derived dataset: events per day, actor pair and CAMEO root.

It is the example of analysis chained on akhbar's outputs (the
``akhbar_event_counts`` DAG runs it whenever the nightly DAG updates the
articles Asset), and the table most users build first. Like every dataset it
is one partition per (date, source), replaced atomically, so re-running it
after a re-run of the nightly partition gives the same rows.
"""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.schemas import to_table
from pipeline.storage import PartitionInfo, read_dataset, write_partition


def count_events(events: pa.Table) -> pa.Table:
    """Group non-negated events by (source code, target code, root code)."""
    happened = events.filter(pc.invert(events["negated"]))
    keyed = pa.table({
        "source_code": pc.fill_null(pc.struct_field(happened["source_actor"], "code"), ""),
        "target_code": pc.fill_null(pc.struct_field(happened["target_actor"], "code"), ""),
        "root_code": happened["root_code"],
        "article_id": happened["article_id"],
        "goldstein": pc.cast(happened["goldstein"], pa.float64()),
    })
    grouped = keyed.group_by(["source_code", "target_code", "root_code"]).aggregate(
        [([], "count_all"), ("article_id", "count_distinct"), ("goldstein", "sum")]
    )
    rows = [
        {"source_code": row["source_code"], "target_code": row["target_code"],
         "root_code": row["root_code"], "events": row["count_all"],
         "articles": row["article_id_count_distinct"], "goldstein_sum": row["goldstein_sum"]}
        for row in grouped.to_pylist()
    ]
    return to_table("event_counts", rows)


def aggregate_events(out: str, day: date, source_id: str) -> PartitionInfo:
    """Write the ``event_counts`` partition of one (date, source) from its events."""
    events = read_dataset(out, "events", day=day, source_id=source_id)
    return write_partition(out, "event_counts", day, source_id, count_events(events))
