"""The same partition guarantees on object storage, against a real S3 server (moto, local)."""

from __future__ import annotations

import os
import signal
from datetime import timedelta

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq
import pytest
from test_storage import (
    DAY,
    articles_table,
    sentences_table,
    versions,
    versions_of_articles,
    writer_process,
)

from pipeline import storage
from pipeline.quality import check_partition
from pipeline.schemas import SCHEMAS
from pipeline.show import summarize
from pipeline.storage import filesystem_for, list_partitions, read_dataset, write_partition

pytest_plugins = ["s3"]
pytestmark = pytest.mark.slow


def _objects(root: str, under: str = "") -> list[str]:
    fs, path = filesystem_for(root)
    base = f"{path}/{under}".rstrip("/")
    infos = fs.get_file_info(pafs.FileSelector(base, recursive=True, allow_not_found=True))
    return sorted(i.path[len(path) + 1:] for i in infos if i.type == pafs.FileType.File)


def test_filesystem_for_reads_the_endpoint_from_the_environment(s3_root: str) -> None:
    fs, path = filesystem_for(s3_root)
    assert isinstance(fs, pafs.S3FileSystem)
    assert path == s3_root.removeprefix("s3://")


def test_write_read_and_replace_on_s3(s3_root: str) -> None:
    write_partition(s3_root, "articles", DAY, "seeds", articles_table(4, prefix="old"))
    write_partition(s3_root, "articles", DAY + timedelta(days=1), "seeds",
                    articles_table(2, prefix="next", day=DAY + timedelta(days=1)))
    write_partition(s3_root, "articles", DAY, "seeds", articles_table(3, prefix="new"))

    assert _objects(s3_root) == [
        "articles/date=2016-06-19/source=seeds/part-0.parquet",
        "articles/date=2016-06-20/source=seeds/part-0.parquet",
    ]
    assert read_dataset(s3_root, "articles").num_rows == 5
    assert read_dataset(s3_root, "articles", day=DAY)["article_id"].to_pylist() == [
        "new000000", "new000001", "new000002"]
    assert [p.day for p in list_partitions(s3_root, "articles")] == [
        DAY, DAY + timedelta(days=1)]


def test_an_empty_rerun_replaces_stale_rows_on_s3(s3_root: str) -> None:
    write_partition(s3_root, "articles", DAY, "seeds", articles_table(4))
    write_partition(s3_root, "articles", DAY, "seeds", SCHEMAS["articles"].empty_table())
    assert read_dataset(s3_root, "articles", day=DAY, source_id="seeds").num_rows == 0
    assert len(_objects(s3_root, "articles")) == 1


def test_a_failed_upload_is_never_published(s3_root: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """S3 output streams complete the upload even when closed after an error; the
    staged footer check must stop that truncated object from being published."""
    write_partition(s3_root, "articles", DAY, "seeds", articles_table(3, prefix="old"))

    def half_write(writer: pq.ParquetWriter, table: pa.Table) -> None:
        writer.write_table(table.slice(0, 1))
        raise ConnectionError("connection reset")

    monkeypatch.setattr(storage, "_write_row_groups", half_write)
    with pytest.raises(ConnectionError):
        write_partition(s3_root, "articles", DAY, "seeds", articles_table(1, prefix="new"))
    assert versions_of_articles(s3_root) == {"old"}
    assert _objects(s3_root, "_staging") == []


def test_a_writer_killed_while_replacing_leaves_a_whole_partition_on_s3(
    s3_root: str, s3_endpoint: str
) -> None:
    write_partition(s3_root, "sentences", DAY, "seeds", sentences_table(30_000, "new"))
    env = {key: os.environ[key] for key in os.environ if key.startswith("AWS_")}
    writer = writer_process(s3_root, version="new", rows=30_000, repeat=50, env=env)
    # Wait until the writer has published at least once, so it is mid-loop (and
    # almost surely mid-upload, where it spends its time) when killed.
    while writer.poll() is None and versions(read_dataset(s3_root, "sentences")) != {"alt"}:
        pass
    writer.send_signal(signal.SIGKILL)
    writer.wait()

    after = read_dataset(s3_root, "sentences", day=DAY, source_id="seeds")
    assert (versions(after), after.num_rows) in [({"new"}, 30_000), ({"alt"}, 30_001)]


def test_quality_and_show_read_from_s3(s3_root: str) -> None:
    write_partition(s3_root, "articles", DAY, "seeds", articles_table(2))
    assert check_partition(s3_root, "articles", DAY, "seeds").ok
    text = summarize(s3_root, "articles")
    assert "2016-06-19" in text
    assert "2 rows" in text


def test_readers_see_only_whole_partitions_while_it_is_replaced_on_s3(s3_root: str) -> None:
    write_partition(s3_root, "sentences", DAY, "seeds", sentences_table(20_000, "new"))
    env = {key: os.environ[key] for key in os.environ if key.startswith("AWS_")}
    writer = writer_process(s3_root, version="new", rows=20_000, repeat=10, env=env)
    seen = set()
    while writer.poll() is None:
        table = read_dataset(s3_root, "sentences", day=DAY)
        seen.add((frozenset(versions(table)), table.num_rows))
    assert writer.returncode == 0
    assert seen <= {(frozenset({"new"}), 20_000), (frozenset({"alt"}), 20_001)}
