"""Storage figures on real Arabic news text: write, read-back, quality check, DuckDB scan.

Builds one articles partition from ``<data>/corpus/articles.jsonl`` (3,000 real
articles; repeated ``--copies`` times with fresh ids to reach a large day) and
prints rows, uncompressed and on-disk size, row groups, and seconds for
``write_partition``, ``read_dataset``, ``check_partition`` and a DuckDB count
over the partition, in a temporary directory.

    .venv/bin/python benchmarks/storage.py [--copies 10] [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from pipeline.quality import check_partition
from pipeline.schemas import to_table
from pipeline.storage import read_dataset, write_partition

DAY = date(2015, 7, 27)


def load_rows(path: Path, copies: int) -> list[dict]:
    originals = [json.loads(line) for line in path.open(encoding="utf-8")]
    start = datetime(DAY.year, DAY.month, DAY.day, tzinfo=UTC)
    rows = []
    for copy in range(copies):
        for i, item in enumerate(originals):
            n = copy * len(originals) + i
            body = item.get("body") or ""
            rows.append({
                "article_id": f"{n:016x}", "source_id": "bench", "url": f"{item['url']}#{n}",
                "canonical_url": f"{item['url']}#{n}",
                "published_at": start + timedelta(seconds=(n * 7919) % 86_400),
                "date_basis": "published", "title": item.get("title") or "", "body": body,
                "lead": None, "authors": [item["author"]] if item.get("author") else [],
                "language": "ar", "word_count": len(body.split()),
                "content_hash": f"{n:016x}", "near_dup_cluster": None, "duplicate_of": None,
                "site_name": item.get("source"), "extractor_version": "bench",
            })
    return rows


def timed(label: str, func):
    started = time.perf_counter()
    result = func()
    print(f"{label:<28} {time.perf_counter() - started:8.3f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--data", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared" / "data")
    args = parser.parse_args()
    table = to_table("articles", load_rows(args.data / "corpus" / "articles.jsonl", args.copies))
    print(f"rows {table.num_rows}, uncompressed {table.nbytes / 2**20:.1f} MiB")
    with tempfile.TemporaryDirectory() as root:
        info = timed("write_partition", lambda: write_partition(root, "articles", DAY, "bench",
                                                                table))
        meta = pq.read_metadata(info.files[0])
        size = Path(info.files[0]).stat().st_size
        print(f"file {size / 2**20:.1f} MiB ({table.nbytes / size:.1f}x), "
              f"{meta.num_row_groups} row group(s)")
        timed("read_dataset (one partition)", lambda: read_dataset(root, "articles", day=DAY))
        report = timed("check_partition (articles)",
                       lambda: check_partition(root, "articles", DAY, "bench"))
        print(f"quality failures: {report.messages or 'none'}")
        files = f"{root}/articles/**/*.parquet"
        timed("duckdb count one date", lambda: duckdb.sql(
            f"SELECT count(*) FROM read_parquet('{files}', hive_partitioning = true) "
            f"WHERE date = DATE '{DAY}'").fetchall())


if __name__ == "__main__":
    main()
