"""``akhbar show``: what a dataset holds, read from storage, without opening a notebook.

Row counts come from the Parquet footers (no data pages are read), so the
listing stays quick on object storage; only the sample reads rows, from the
most recent non-empty partition.
"""

from __future__ import annotations

import pyarrow.parquet as pq

from pipeline.storage import filesystem_for, list_partitions, read_dataset

MAX_PARTITIONS = 30  # most recent partitions listed; older ones are summed up
SAMPLE_ROWS = 3
CELL_WIDTH = 60


def summarize(root: str, dataset: str, *, sample_rows: int = SAMPLE_ROWS) -> str:
    """A plain-text summary of ``dataset`` under ``root``: one line per partition
    (date, source, rows, bytes, schema version), totals, then a few sample rows."""
    partitions = list_partitions(root, dataset)
    if not partitions:
        return f"{dataset}: no partitions under {root}"
    fs, _ = filesystem_for(root)
    lines = [f"{dataset} under {root}", f"  {'date':<10}  {'source':<20} {'rows':>9} {'bytes':>11}"
             f"  schema"]
    total_rows = total_bytes = 0
    latest = None  # the most recent partition with rows, for the sample
    hidden = max(0, len(partitions) - MAX_PARTITIONS)
    for index, part in enumerate(partitions):
        with fs.open_input_file(part.path) as handle:
            meta = pq.read_metadata(handle)
        total_rows += meta.num_rows
        total_bytes += part.size
        if meta.num_rows:
            latest = part
        if index >= hidden:
            version = (meta.metadata or {}).get(b"akhbar.schema_version", b"?").decode()
            lines.append(f"  {part.day.isoformat():<10}  {part.source_id:<20} "
                         f"{meta.num_rows:>9} {part.size:>11}  v{version}")
    if hidden:
        lines.insert(2, f"  ... {hidden} older partition(s) not listed")
    lines.append(f"  {len(partitions)} partition(s), {total_rows} rows, {total_bytes} bytes")
    if latest is None or sample_rows <= 0:
        return "\n".join(lines)
    sample = read_dataset(root, dataset, day=latest.day, source_id=latest.source_id)
    if sample.num_rows:
        lines.append(f"sample from date={latest.day.isoformat()} source={latest.source_id}:")
        for row in sample.slice(0, sample_rows).to_pylist():
            lines.append("  " + "-" * 40)
            lines += [f"  {name}: {_cell(value)}" for name, value in row.items()]
    return "\n".join(lines)


def _cell(value: object) -> str:
    text = str(value).replace("\n", " ⏎ ")
    return text if len(text) <= CELL_WIDTH else text[: CELL_WIDTH - 1] + "…"
