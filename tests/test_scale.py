"""Process-pool execution: same rows for any number of workers, bounded read-ahead,
per-page failures isolated inside workers, and the ``AKHBAR_WORKERS`` setting."""

from __future__ import annotations

import html
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from pipeline.parallel import BatchPool, workers_from_env
from pipeline.run import DATASETS, process_stage
from pipeline.schemas import SCHEMAS
from pipeline.sources import Source
from pipeline.warc import BronzeWriter

DAY = date(2016, 6, 19)
SOURCE = Source(id="scale", name="scale test", home="https://news.example/")


def _double(item: int, offset: int) -> int:
    return 2 * item + offset


def _fail_on_three(item: int) -> int:
    if item == 3:
        raise RuntimeError("boom")
    return item


def test_pool_keeps_input_order_across_workers_and_batches():
    with BatchPool(2, batch_size=3) as pool:
        assert list(pool.map(_double, range(50), 1)) == [2 * i + 1 for i in range(50)]
        # The same pool serves a second map (one start-up per task, not per stage).
        assert list(pool.map(_double, [5, 4], 0)) == [10, 8]


def test_pool_reads_input_only_a_bounded_distance_ahead():
    consumed = 0

    def items():
        nonlocal consumed
        for i in range(1000):
            consumed += 1
            yield i

    with BatchPool(2, batch_size=4, max_pending=3) as pool:
        results = pool.map(_double, items(), 0)
        assert next(results) == 0
        # At most max_pending batches were taken from the input, not all of it.
        assert consumed <= 3 * 4 + 1
        assert list(results) == [2 * i for i in range(1, 1000)]


def test_pool_error_reaches_the_caller():
    with BatchPool(2, batch_size=2) as pool, pytest.raises(RuntimeError, match="boom"):
        list(pool.map(_fail_on_three, range(8)))


def test_workers_from_env(monkeypatch):
    monkeypatch.delenv("AKHBAR_WORKERS", raising=False)
    assert workers_from_env() == 1
    monkeypatch.setenv("AKHBAR_WORKERS", "3")
    assert workers_from_env() == 3
    monkeypatch.setenv("AKHBAR_WORKERS", "auto")
    assert workers_from_env() >= 1
    monkeypatch.setenv("AKHBAR_WORKERS", "many")
    with pytest.raises(ValueError, match="AKHBAR_WORKERS"):
        workers_from_env()


def _page(title: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        '<html lang="ar" dir="rtl"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        '<meta property="article:published_time" content="2016-06-19T08:00:00+00:00">'
        "</head><body><nav><a href='/'>الرئيسية</a></nav>"
        f"<article><h1>{html.escape(title)}</h1>{body}</article>"
        "<footer>جميع الحقوق محفوظة</footer></body></html>"
    )


@pytest.fixture(scope="module")
def warc(tmp_path_factory, seed_text) -> Path:
    """A WARC of distinct articles cut from the seed, one exact copy (a duplicate),
    one page with no text (a reject) and the seed itself as a text page."""
    paragraphs = [p.strip() for p in seed_text.split("\n") if len(p.split()) > 12]
    path = tmp_path_factory.mktemp("bronze") / "pages.warc.gz"
    when = datetime(2016, 6, 19, tzinfo=UTC)
    with BronzeWriter(path, SOURCE.id, DAY) as writer:
        for n in range(len(paragraphs) - 2):
            page = _page(f"خبر رقم {n}: {paragraphs[n][:40]}", paragraphs[n:n + 3])
            writer.write_resource(f"https://news.example/a/{n}", page.encode(), "text/html", when)
        copy = _page("خبر رقم 0 منقول", paragraphs[0:3])
        writer.write_resource("https://news.example/copy", copy.encode(), "text/html", when)
        writer.write_resource("https://news.example/empty", b"<html><body></body></html>",
                              "text/html", when)
        writer.write_resource("https://news.example/seed", seed_text.encode(), "text/plain", when)
    return path


def _rows(out: Path) -> dict[str, list[dict]]:
    return {
        name: ds.dataset(out / name, format="parquet", partitioning="hive").to_table().to_pylist()
        for name in DATASETS
    }


def test_workers_write_exactly_the_rows_of_a_single_process(warc, tmp_path):
    single = process_stage(SOURCE, DAY, str(tmp_path / "one"), str(warc), workers=1)
    pooled = process_stage(SOURCE, DAY, str(tmp_path / "three"), str(warc), workers=3)
    assert single.counts == pooled.counts
    assert single.counts["articles"] >= 10 and single.counts["events"] > 0
    assert single.counts["duplicates"] >= 1  # the copy, found by the parent's dedup
    one, three = _rows(tmp_path / "one"), _rows(tmp_path / "three")
    for name in DATASETS:
        assert one[name] == three[name], name
    # The empty page became a recorded reject inside a worker, not a failed run.
    assert [r["url"] for r in three["rejects"]] == ["https://news.example/empty"]


def test_workers_default_from_environment(warc, tmp_path, monkeypatch):
    started: list[int] = []

    class RecordingPool(BatchPool):
        def __init__(self, workers: int, **options) -> None:
            started.append(workers)
            super().__init__(workers, **options)

    monkeypatch.setattr("pipeline.run.BatchPool", RecordingPool)
    monkeypatch.setenv("AKHBAR_WORKERS", "2")
    summary = process_stage(SOURCE, DAY, str(tmp_path), str(warc))
    assert started == [2]
    assert summary.counts["articles"] >= 10


def test_a_coder_failure_costs_one_article_not_the_run(warc, tmp_path, monkeypatch):
    from pipeline import run

    real = run.code_article

    def flaky(body: str, **options):
        if "خبر رقم 2" in options["title"]:
            raise IndexError("coder bug")
        return real(body, **options)

    monkeypatch.setattr(run, "code_article", flaky)
    summary = process_stage(SOURCE, DAY, str(tmp_path), str(warc), workers=1)
    rejects = _rows(tmp_path)["rejects"]
    failed = [r for r in rejects if r["stage"] == "events"]
    assert len(failed) == 1 and failed[0]["url"] == "https://news.example/a/2"
    assert "coder bug" in failed[0]["detail"]
    assert summary.counts["events"] > 0


def test_a_partition_streamed_in_many_row_groups_has_the_same_rows_and_passes_checks(
        warc, tmp_path, monkeypatch):
    """Memory is bounded by writing row groups as rows arrive and checking them
    batch by batch; with row groups of a few rows (as a huge partition would
    have), the rows, the duplicate answers and the quality checks are those of
    a partition written in one piece."""
    from pipeline import quality, sink, storage

    whole = process_stage(SOURCE, DAY, str(tmp_path / "whole"), str(warc), workers=1)
    monkeypatch.setattr(storage, "ROW_GROUP_BYTES", 2048)
    monkeypatch.setattr(sink, "BATCH_ROWS", 3)
    monkeypatch.setattr(quality, "_OFFSET_ARTICLES", 2)
    pieces = process_stage(SOURCE, DAY, str(tmp_path / "pieces"), str(warc), workers=1)

    assert pieces.counts == whole.counts
    one, many = _rows(tmp_path / "whole"), _rows(tmp_path / "pieces")
    for name in DATASETS:
        key = sorted(SCHEMAS[name].names)
        assert sorted(map(str, ([r[k] for k in key] for r in many[name]))) == sorted(
            map(str, ([r[k] for k in key] for r in one[name]))), name
    sentences = next((tmp_path / "pieces" / "sentences").rglob("*.parquet"))
    meta = pq.read_metadata(sentences)
    assert meta.num_row_groups > 1
    for index in range(meta.num_row_groups):  # each row group sorted, as its footer says
        group = pq.ParquetFile(sentences).read_row_group(index).to_pylist()
        keys = [(r["article_id"], r["sentence_idx"]) for r in group]
        assert keys == sorted(keys)
        assert meta.row_group(index).sorting_columns


def test_the_streamed_checks_see_repeats_across_batches(tmp_path, monkeypatch):
    from pipeline import storage
    from pipeline.quality import check_partition
    from pipeline.schemas import to_table
    from tests.test_storage import article_rows

    monkeypatch.setattr(storage, "ROW_GROUP_BYTES", 1024)
    rows = article_rows(40)
    rows[-1] = rows[-1] | {"article_id": rows[0]["article_id"]}  # far apart once sorted
    storage.write_partition(str(tmp_path), "articles", DAY, "seeds", to_table("articles", rows))
    assert pq.read_metadata(next(tmp_path.rglob("*.parquet"))).num_row_groups > 1
    report = check_partition(str(tmp_path), "articles", DAY, "seeds")
    assert [f.check for f in report.failures] == ["unique_ids"]
    assert rows[0]["article_id"] in report.messages[0]


@pytest.mark.parametrize(("chosen", "expected"), [(None, "system"), ("mimalloc", "mimalloc")])
def test_arrow_gives_freed_memory_back_unless_the_user_chose_an_allocator(chosen, expected):
    """Arrow's bundled allocators keep freed pages, so a long run's memory would
    keep every row group's high-water mark; importing the pipeline picks the C
    allocator, but an allocator set in the environment is respected."""
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    if chosen:
        env["ARROW_DEFAULT_MEMORY_POOL"] = chosen
    code = ("import pipeline.storage, pyarrow as pa; "
            "print(pa.default_memory_pool().backend_name)")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out[-1] == expected
