"""Partitions on a local filesystem: layout, schema enforcement, atomic replacement.

The S3 variant of the same guarantees is in ``test_storage_s3.py``; the table
builders here are shared with it.
"""

from __future__ import annotations

import fcntl
import itertools
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline import storage
from pipeline.schemas import SCHEMA_VERSION, SCHEMAS, SchemaError, to_table
from pipeline.storage import (
    LockTimeoutError,
    PartitionKeyError,
    list_partitions,
    read_dataset,
    write_partition,
)

DAY = date(2016, 6, 19)
TESTS_DIR = Path(__file__).resolve().parent


def article_rows(n: int, *, prefix: str = "a", source_id: str = "seeds", day: date = DAY):
    """``n`` distinct, valid articles published on ``day``, ids ``<prefix>000000``..."""
    start = datetime(day.year, day.month, day.day, 6, tzinfo=UTC)
    return [
        {
            "article_id": f"{prefix}{i:06d}",
            "source_id": source_id,
            "url": f"https://example.org/{prefix}/{i}",
            "canonical_url": f"https://example.org/{prefix}/{i}",
            "published_at": start + timedelta(minutes=i),
            "date_basis": "published",
            "title": f"عنوان {i}",
            "body": f"نص الخبر رقم {i}.\nفقرة ثانية.",
            "lead": None,
            "authors": ["مراسل"],
            "language": "ar",
            "word_count": 6,
            "content_hash": f"{prefix}-hash-{i}",
            "near_dup_cluster": None,
            "duplicate_of": None,
            "site_name": None,
            "extractor_version": "test",
        }
        for i in range(n)
    ]


def articles_table(n: int, **kwargs) -> pa.Table:
    return to_table("articles", article_rows(n, **kwargs))


def sentences_table(n: int, version: str) -> pa.Table:
    """``n`` sentence rows whose ids all carry ``version``, to tell whole partitions apart."""
    return pa.table(
        {
            "article_id": [f"{version}-{i // 20:06d}" for i in range(n)],
            "sentence_idx": pa.array([i % 20 for i in range(n)], pa.int32()),
            "text": [f"جملة رقم {i}" for i in range(n)],
            "char_start": pa.array([0] * n, pa.int32()),
            "char_end": pa.array([9] * n, pa.int32()),
            "token_count": pa.array([2] * n, pa.int32()),
        }
    )


def versions(table: pa.Table) -> set[str]:
    return {article_id.split("-")[0] for article_id in table["article_id"].to_pylist()}


def versions_of_articles(root: str) -> set[str]:
    return {aid.rstrip("0123456789") for aid in read_dataset(root, "articles")["article_id"]
            .to_pylist()}


# --- layout and reading -------------------------------------------------------------


def test_layout_is_hive_with_one_zstd_file_per_partition(tmp_path: Path) -> None:
    info = write_partition(str(tmp_path), "articles", DAY, "seeds", articles_table(5))

    expected = tmp_path / "articles" / "date=2016-06-19" / "source=seeds" / "part-0.parquet"
    assert info.files == [str(expected)]
    assert info.rows == 5
    assert [p.name for p in expected.parent.iterdir()] == ["part-0.parquet"]
    meta = pq.read_metadata(expected)
    assert meta.row_group(0).column(0).compression == "ZSTD"
    assert meta.metadata[b"akhbar.schema_version"].decode() == SCHEMA_VERSION
    # Partition values live in the path only: no clash with the Hive columns.
    assert not {"date", "source"} & set(pq.read_schema(expected).names)


def test_rows_are_sorted_by_the_dataset_sort_key(tmp_path: Path) -> None:
    rows = article_rows(30)
    rows[3]["published_at"] = None  # unknown dates go last
    write_partition(str(tmp_path), "articles", DAY, "seeds",
                    to_table("articles", list(reversed(rows))))

    stored = read_dataset(str(tmp_path), "articles")["published_at"].to_pylist()
    known = [value for value in stored if value is not None]
    assert known == sorted(known)
    assert stored[-1] is None
    file = next((tmp_path / "articles").rglob("*.parquet"))
    sorting = pq.ParquetFile(file).metadata.row_group(0).sorting_columns
    assert sorting and sorting[0].column_index == SCHEMAS["articles"].get_field_index(
        "published_at")


def test_row_groups_cover_disjoint_time_ranges_so_readers_can_skip_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage, "ROW_GROUP_BYTES", 4096)  # force many row groups
    rows = article_rows(200)
    write_partition(str(tmp_path), "articles", DAY, "seeds",
                    to_table("articles", rows[::2] + rows[1::2]))

    meta = pq.read_metadata(next((tmp_path / "articles").rglob("*.parquet")))
    column = SCHEMAS["articles"].get_field_index("published_at")
    ranges = [(meta.row_group(i).column(column).statistics.min,
               meta.row_group(i).column(column).statistics.max)
              for i in range(meta.num_row_groups)]
    assert len(ranges) > 1
    assert all(high < low for (_, high), (low, _) in itertools.pairwise(ranges))


def test_read_dataset_filters_by_date_and_source(tmp_path: Path) -> None:
    root = str(tmp_path)
    other_day = DAY + timedelta(days=1)
    write_partition(root, "articles", DAY, "seeds", articles_table(2, prefix="a"))
    write_partition(root, "articles", DAY, "bbc-arabic",
                    articles_table(3, prefix="b", source_id="bbc-arabic"))
    write_partition(root, "articles", other_day, "seeds",
                    articles_table(4, prefix="c", day=other_day))

    everything = read_dataset(root, "articles")
    assert everything.num_rows == 9
    assert set(everything["date"].to_pylist()) == {DAY, other_day}
    assert read_dataset(root, "articles", day=DAY).num_rows == 5
    assert read_dataset(root, "articles", source_id="seeds").num_rows == 6
    one = read_dataset(root, "articles", day=DAY, source_id="bbc-arabic")
    assert set(one["source"].to_pylist()) == {"bbc-arabic"}
    assert one.num_rows == 3


def test_reading_what_does_not_exist_gives_an_empty_table_with_the_schema(tmp_path: Path) -> None:
    table = read_dataset(str(tmp_path), "events", day=DAY, source_id="seeds")
    assert table.num_rows == 0
    assert table.schema.names == [*SCHEMAS["events"].names, "date", "source"]


def test_files_of_an_older_schema_version_read_with_nulls_for_new_columns(
    tmp_path: Path,
) -> None:
    """A column added by a later schema version must not make old partitions unreadable."""
    old_file = tmp_path / "articles" / "date=2016-06-18" / "source=seeds" / "part-0.parquet"
    old_file.parent.mkdir(parents=True)
    pq.write_table(articles_table(1, prefix="old").drop_columns(["site_name"]), old_file)
    write_partition(str(tmp_path), "articles", DAY, "seeds", articles_table(1, prefix="new"))

    table = read_dataset(str(tmp_path), "articles")
    assert table.schema.field("site_name").type == pa.string()
    assert sorted(table["article_id"].to_pylist()) == ["new000000", "old000000"]
    assert table["site_name"].to_pylist() == [None, None]


def test_list_partitions_ignores_staging_and_foreign_files(tmp_path: Path) -> None:
    write_partition(str(tmp_path), "articles", DAY, "seeds", articles_table(1))
    (tmp_path / "articles" / "README.txt").write_text("not data")
    parts = list_partitions(str(tmp_path), "articles")
    assert [(p.day, p.source_id) for p in parts] == [(DAY, "seeds")]


# --- replacing -----------------------------------------------------------------------


def test_rewriting_a_partition_replaces_it(tmp_path: Path) -> None:
    root = str(tmp_path)
    write_partition(root, "articles", DAY, "seeds", articles_table(5, prefix="old"))
    write_partition(root, "articles", DAY, "seeds", articles_table(2, prefix="new"))

    ids = read_dataset(root, "articles")["article_id"].to_pylist()
    assert sorted(ids) == ["new000000", "new000001"]


def test_an_empty_rerun_leaves_a_valid_empty_partition(tmp_path: Path) -> None:
    root = str(tmp_path)
    write_partition(root, "articles", DAY, "seeds", articles_table(5))
    info = write_partition(root, "articles", DAY, "seeds", SCHEMAS["articles"].empty_table())

    assert info.rows == 0
    assert pq.read_metadata(info.files[0]).num_rows == 0
    assert read_dataset(root, "articles", day=DAY).num_rows == 0


def test_stray_files_in_a_partition_are_removed_on_replace(tmp_path: Path) -> None:
    root = str(tmp_path)
    info = write_partition(root, "articles", DAY, "seeds", articles_table(1, prefix="old"))
    stray = Path(info.path) / "part-1.parquet"
    pq.write_table(articles_table(3, prefix="stray"), stray)

    write_partition(root, "articles", DAY, "seeds", articles_table(1, prefix="new"))
    assert not stray.exists()
    assert read_dataset(root, "articles")["article_id"].to_pylist() == ["new000000"]


# --- schema enforcement --------------------------------------------------------------


def test_an_undeclared_column_is_refused(tmp_path: Path) -> None:
    table = articles_table(1).append_column("sentiment", pa.array([0.5]))
    with pytest.raises(SchemaError, match="sentiment"):
        write_partition(str(tmp_path), "articles", DAY, "seeds", table)
    assert not (tmp_path / "articles").exists()


@pytest.mark.parametrize("column", ["date", "source"])
def test_partition_columns_may_not_appear_inside_files(tmp_path: Path, column: str) -> None:
    table = articles_table(1).append_column(column, pa.array(["x"]))
    with pytest.raises(SchemaError, match="path only"):
        write_partition(str(tmp_path), "articles", DAY, "seeds", table)


def test_a_missing_required_column_is_refused(tmp_path: Path) -> None:
    table = articles_table(1).drop_columns(["body"])
    with pytest.raises(SchemaError, match="body"):
        write_partition(str(tmp_path), "articles", DAY, "seeds", table)


def test_a_null_in_a_required_column_is_refused(tmp_path: Path) -> None:
    table = articles_table(2)
    table = table.set_column(table.schema.get_field_index("title"), "title",
                             pa.array(["ok", None]))
    with pytest.raises(SchemaError, match="title"):
        write_partition(str(tmp_path), "articles", DAY, "seeds", table)


def test_a_value_of_the_wrong_type_is_refused(tmp_path: Path) -> None:
    table = sentences_table(2, "v1")
    table = table.set_column(1, "sentence_idx", pa.array(["first", "second"]))
    with pytest.raises(SchemaError, match="sentence_idx"):
        write_partition(str(tmp_path), "sentences", DAY, "seeds", table)


def test_missing_optional_columns_are_stored_as_nulls(tmp_path: Path) -> None:
    table = articles_table(1).drop_columns(["lead", "site_name"])
    write_partition(str(tmp_path), "articles", DAY, "seeds", table)
    stored = read_dataset(str(tmp_path), "articles")
    assert stored["lead"].to_pylist() == [None]
    assert stored.schema.field("lead").type == SCHEMAS["articles"].field("lead").type


# --- partition keys ------------------------------------------------------------------


@pytest.mark.parametrize(
    "source_id",
    ["", "../etc", "a/b", "a\\b", "a=b", "a b", "a%2Fb", ".hidden", "_staging", "جزيرة", "a\nb"],
)
def test_unsafe_source_ids_are_refused(tmp_path: Path, source_id: str) -> None:
    with pytest.raises(PartitionKeyError):
        write_partition(str(tmp_path / "out"), "articles", DAY, source_id, articles_table(1))
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("dataset", ["../articles", "articles/x", "unknown", ""])
def test_unknown_datasets_are_refused(tmp_path: Path, dataset: str) -> None:
    with pytest.raises(PartitionKeyError):
        write_partition(str(tmp_path), dataset, DAY, "seeds", articles_table(1))


def test_a_datetime_is_not_a_partition_date(tmp_path: Path) -> None:
    with pytest.raises(PartitionKeyError):
        write_partition(str(tmp_path), "articles", datetime(2016, 6, 19, 12), "seeds",
                        articles_table(1))


def test_ordinary_source_ids_are_accepted(tmp_path: Path) -> None:
    for source_id in ("aljazeera", "bbc-arabic", "alarabiya.net", "cc_news_2016"):
        info = write_partition(str(tmp_path), "rejects", DAY, source_id,
                               SCHEMAS["rejects"].empty_table())
        assert info.path.endswith(f"/source={source_id}")


# --- crashes and concurrency ---------------------------------------------------------


def writer_process(root: str, *, version: str, rows: int, repeat: int = 1,
                    env: dict[str, str] | None = None) -> subprocess.Popen:
    """A separate Python process writing the sentences partition of ``DAY``/seeds.

    Tiny row groups make the staged file grow for a good fraction of a second,
    so the test can catch the writer in the middle of writing it.
    """
    code = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(TESTS_DIR)!r})
        from datetime import date
        from pipeline import storage
        from test_storage import sentences_table
        storage.ROW_GROUP_BYTES = 8 * 1024
        for i in range({repeat}):
            version = {version!r} if i % 2 == 0 else "alt"
            table = sentences_table({rows} + i % 2, version)
            storage.write_partition({root!r}, "sentences", date({DAY.year}, {DAY.month},
                                    {DAY.day}), "seeds", table)
    """)
    return subprocess.Popen([sys.executable, "-c", code], env={**os.environ, **(env or {})})


def _staged_files(root: Path) -> list[Path]:
    return [p for p in (root / "_staging").rglob("*.parquet") if p.stat().st_size > 0]


def test_a_writer_killed_midway_leaves_the_old_partition_whole(tmp_path: Path) -> None:
    root = str(tmp_path)
    write_partition(root, "sentences", DAY, "seeds", sentences_table(1000, "old"))

    writer = writer_process(root, version="new", rows=200_000)
    deadline = time.monotonic() + 120
    while not _staged_files(tmp_path) and writer.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    caught_midway = bool(_staged_files(tmp_path))
    writer.send_signal(signal.SIGKILL)
    writer.wait()

    assert caught_midway, "the writer finished before it could be killed; make it slower"
    after = read_dataset(root, "sentences", day=DAY, source_id="seeds")
    # Old or new, never a mix and never a prefix of the new one.
    assert (versions(after), after.num_rows) in [({"old"}, 1000), ({"new"}, 200_000)]
    # The next writer of the partition clears the dead writer's staged leftovers.
    write_partition(root, "sentences", DAY, "seeds", sentences_table(10, "next"))
    assert _staged_files(tmp_path) == []
    assert versions(read_dataset(root, "sentences")) == {"next"}


def test_readers_see_only_whole_partitions_while_it_is_replaced(tmp_path: Path) -> None:
    root = str(tmp_path)
    write_partition(root, "sentences", DAY, "seeds", sentences_table(20_000, "new"))
    writer = writer_process(root, version="new", rows=20_000, repeat=12)
    seen = set()
    while writer.poll() is None:
        table = read_dataset(root, "sentences", day=DAY)
        seen.add((frozenset(versions(table)), table.num_rows))
    assert writer.returncode == 0
    assert seen <= {(frozenset({"new"}), 20_000), (frozenset({"alt"}), 20_001)}


def test_a_second_writer_waits_for_the_partition_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = str(tmp_path)
    write_partition(root, "articles", DAY, "seeds", articles_table(3, prefix="old"))
    lock = tmp_path / "_staging" / "articles" / "date=2016-06-19" / "source=seeds" / ".lock"
    monkeypatch.setattr(storage, "LOCK_TIMEOUT_SECONDS", 0.3)

    with lock.open("a") as held:  # another writer, as far as flock is concerned
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(LockTimeoutError):
            write_partition(root, "articles", DAY, "seeds", articles_table(1, prefix="new"))
        assert versions_of_articles(root) == {"old"}

    write_partition(root, "articles", DAY, "seeds", articles_table(1, prefix="new"))
    assert versions_of_articles(root) == {"new"}


def test_an_error_while_writing_keeps_the_old_partition_and_cleans_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = str(tmp_path)
    write_partition(root, "articles", DAY, "seeds", articles_table(3, prefix="old"))

    def half_write(writer: pq.ParquetWriter, table: pa.Table) -> None:
        writer.write_table(table.slice(0, 1))
        raise OSError("No space left on device")

    monkeypatch.setattr(storage, "_write_row_groups", half_write)
    with pytest.raises(OSError, match="No space"):
        write_partition(root, "articles", DAY, "seeds", articles_table(1, prefix="new"))
    assert versions_of_articles(root) == {"old"}
    assert _staged_files(tmp_path) == []


# --- runs manifest -------------------------------------------------------------------


def run_row(run_id: str, task: str, status: str = "success") -> dict:
    started = datetime(2026, 1, 1, 2, tzinfo=UTC)
    return {
        "run_id": run_id, "task": task, "source_id": "seeds", "logical_date": DAY,
        "started_at": started, "finished_at": started + timedelta(seconds=5), "status": status,
        "counts": [("articles", 1)], "quality_failures": [], "akhbar_version": "test",
        "schema_version": SCHEMA_VERSION,
    }


def test_the_runs_manifest_keeps_one_row_per_task_run(tmp_path: Path) -> None:
    root = str(tmp_path)
    storage.record_run(root, run_row("manual_1", "fetch"))
    storage.record_run(root, run_row("manual_1", "process", status="failed"))
    storage.record_run(root, run_row("manual_2", "fetch"))
    storage.record_run(root, run_row("manual_1", "process"))  # the retry replaces its row

    runs = read_dataset(root, "runs", day=DAY, source_id="seeds")
    got = sorted(zip(runs["run_id"].to_pylist(), runs["task"].to_pylist(),
                     runs["status"].to_pylist(), strict=True))
    assert got == [("manual_1", "fetch", "success"), ("manual_1", "process", "success"),
                   ("manual_2", "fetch", "success")]
    assert dict(runs["counts"].to_pylist()[0]) == {"articles": 1}


def test_a_streamed_partition_is_invisible_until_published(tmp_path: Path) -> None:
    root = str(tmp_path)
    write_partition(root, "articles", DAY, "seeds", articles_table(3, prefix="old"))
    with (pytest.raises(RuntimeError, match="extraction failed"),
          storage.PartitionWriter(root, "articles", DAY, "seeds") as writer):
        writer.write(articles_table(2, prefix="new"))
        assert versions_of_articles(root) == {"old"}  # written, not yet visible
        raise RuntimeError("extraction failed half-way")
    assert versions_of_articles(root) == {"old"}
    assert _staged_files(tmp_path) == []

    with storage.PartitionWriter(root, "articles", DAY, "seeds") as writer:
        for batch in range(3):
            writer.write(articles_table(2, prefix=f"new{batch}"))
        info = writer.publish()
    assert info.rows == 6
    assert read_dataset(root, "articles", day=DAY).num_rows == 6
