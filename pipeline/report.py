"""The human-readable closing report of a run: rows per dataset and a sample.

Read back from the written Parquet partitions (not from memory), so what it
prints is what a user will find on disk.
"""

from __future__ import annotations

from datetime import date

import pyarrow.compute as pc

from pipeline.run import DATASETS
from pipeline.storage import read_dataset


def describe_run(out: str, day: date, source_id: str, max_articles: int = 3) -> str:
    """Rows per dataset for one (date, source), then title, first sentence and
    events of up to ``max_articles`` canonical articles."""
    tables = {name: read_dataset(out, name, day=day, source_id=source_id) for name in DATASETS}
    lines = [f"akhbar wrote date={day.isoformat()} source={source_id} under {out}:"]
    lines += [f"  {name:<10} {tables[name].num_rows:>6} rows" for name in DATASETS]
    articles = tables["articles"].filter(pc.is_null(tables["articles"]["duplicate_of"]))
    sentences = tables["sentences"]
    events = tables["events"]
    for article in articles.slice(0, max_articles).to_pylist():
        aid = article["article_id"]
        lines.append("")
        lines.append(f"  title     : {article['title']}")
        published = article["published_at"]
        lines.append(f"  published : {published.isoformat() if published else 'unknown'}")
        first = sentences.filter(
            pc.and_(pc.equal(sentences["article_id"], aid), pc.equal(sentences["sentence_idx"], 0))
        ).to_pylist()
        if first:
            lines.append(f"  sentence 0: {first[0]['text']}")
        mine = events.filter(pc.equal(events["article_id"], aid)).to_pylist()
        lines.append(f"  events    : {len(mine)}")
        for event in sorted(mine, key=lambda e: (e["sentence_idx"], e["event_code"])):
            neg = " (negated)" if event["negated"] else ""
            lines.append(
                f"    [{event['sentence_idx']:>2}] {event['event_date']} "
                f"{event['source_actor']['code'] or '-'} -> {event['target_actor']['code'] or '-'}"
                f"  CAMEO {event['event_code']}{neg}"
            )
    return "\n".join(lines)
