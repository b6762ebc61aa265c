"""The datasets open in the tools analysts use, and a one-date query opens one date's files.

Pruning is checked by behaviour: the other date's file is replaced by garbage,
so a reader that opened it would fail. A query without the date filter does
fail, which proves the garbage would be noticed.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pytest
from test_storage import DAY, articles_table

from pipeline.show import summarize
from pipeline.storage import StorageError, read_dataset, write_partition

OTHER_DAY = DAY + timedelta(days=1)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """Two dates of articles (two sources on ``DAY``); ``OTHER_DAY``'s file is garbage."""
    write_partition(str(tmp_path), "articles", DAY, "seeds", articles_table(3, prefix="s"))
    write_partition(str(tmp_path), "articles", DAY, "bbc-arabic",
                    articles_table(2, prefix="b", source_id="bbc-arabic"))
    info = write_partition(str(tmp_path), "articles", OTHER_DAY, "seeds",
                           articles_table(4, prefix="o", day=OTHER_DAY))
    Path(info.files[0]).write_bytes(b"not parquet: a reader that opens this file fails")
    return tmp_path


def test_duckdb_reads_one_date_without_opening_the_others(root: Path) -> None:
    files = f"{root}/articles/**/*.parquet"
    query = f"SELECT source, count(*) FROM read_parquet('{files}', hive_partitioning = true)"

    rows = duckdb.sql(f"{query} WHERE date = DATE '{DAY}' GROUP BY source ORDER BY source")
    assert rows.fetchall() == [("bbc-arabic", 2), ("seeds", 3)]
    with pytest.raises(duckdb.Error):
        duckdb.sql(f"{query} GROUP BY source").fetchall()


def test_duckdb_sees_typed_partition_columns(root: Path) -> None:
    files = f"{root}/articles/date={DAY}/*/*.parquet"
    relation = duckdb.sql(f"SELECT * FROM read_parquet('{files}', hive_partitioning = true)")
    types = dict(zip(relation.columns, map(str, relation.types), strict=True))
    assert types["date"] == "DATE"
    assert types["published_at"].startswith("TIMESTAMP WITH TIME ZONE")
    assert relation.columns.count("source") == 1


def test_polars_reads_one_date_without_opening_the_others(root: Path) -> None:
    lazy = pl.scan_parquet(f"{root}/articles/", hive_partitioning=True)

    one_day = lazy.filter(pl.col("date") == DAY).collect()
    assert one_day.schema["date"] == pl.Date
    assert sorted(one_day["source"].to_list()) == ["bbc-arabic"] * 2 + ["seeds"] * 3
    with pytest.raises(pl.exceptions.PolarsError):
        lazy.collect()


def test_pandas_reads_one_date_through_pyarrow_filters(root: Path) -> None:
    frame = pd.read_parquet(f"{root}/articles", filters=[("date", "=", DAY.isoformat())])
    assert sorted(frame["article_id"]) == ["b000000", "b000001", "s000000", "s000001", "s000002"]


def test_read_dataset_prunes_by_date_and_reports_the_broken_file(root: Path) -> None:
    assert read_dataset(str(root), "articles", day=DAY).num_rows == 5
    with pytest.raises(StorageError, match=f"date={OTHER_DAY}"):
        read_dataset(str(root), "articles", source_id="seeds")


def test_show_lists_partitions_with_row_counts_and_a_sample(tmp_path: Path) -> None:
    root = str(tmp_path)
    write_partition(root, "articles", DAY, "seeds", articles_table(3, prefix="s"))
    write_partition(root, "articles", OTHER_DAY, "seeds", articles_table(0))

    text = summarize(root, "articles")
    lines = text.splitlines()
    assert any(line.split()[:3] == [DAY.isoformat(), "seeds", "3"] for line in lines)
    assert any(line.split()[:3] == [OTHER_DAY.isoformat(), "seeds", "0"] for line in lines)
    assert "2 partition(s), 3 rows" in text
    assert f"sample from date={DAY.isoformat()} source=seeds" in text  # the newest with rows
    assert "article_id: s000000" in text
    assert summarize(root, "events") == f"events: no partitions under {root}"
