"""Backfills from corpus dumps: dates, idempotence, resume after an interruption.

The dump is built at run time in a temp folder from a few days of the shared
corpus sample (``shared_data``): publication-dated ANT records and SaudiNewsNet
records that only carry a crawl time.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow.dataset as ds
import pytest
import yaml
from typer.testing import CliRunner

from pipeline.backfill.dates import parse_moment, record_date
from pipeline.backfill.runner import backfill
from pipeline.cli import app
from pipeline.sources import SourceConfigError, load_sources
from pipeline.storage import PartitionWriter
from tests.corpus_dates import corpus_moment

AKHBAR = str(Path(sys.executable).parent / "akhbar")
DATASETS = ("articles", "sentences", "events", "rejects")
PER_DAY = 3


def _pick_days(records: list[dict], corpus: str, days: int) -> list[dict]:
    """``PER_DAY`` records on each of ``days`` consecutive days of one corpus."""
    by_day: dict[date, list[dict]] = defaultdict(list)
    for record in records:
        if record["corpus"] == corpus and record.get("body") and record.get("date"):
            by_day[corpus_moment(record["date"]).date()].append(record)
    for start in sorted(by_day):
        span = [start + timedelta(days=i) for i in range(days)]
        if all(len(by_day[d]) >= PER_DAY for d in span):
            return [r for d in span for r in by_day[d][:PER_DAY]]
    raise AssertionError(f"no {days} consecutive days of {corpus} in the sample")


@pytest.fixture(scope="module")
def corpus(shared_data: Path, tmp_path_factory) -> dict:
    """A gzipped JSONL dump of a few days plus a sources file naming it."""
    with open(shared_data / "corpus" / "articles.jsonl", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh]
    published = _pick_days(records, "antcorpus.multisource.data", 3)
    crawled = _pick_days(records, "SaudiNewsNet", 2)
    folder = tmp_path_factory.mktemp("dump")
    with gzip.open(folder / "dump.jsonl.gz", "wt", encoding="utf-8") as fh:
        for record in published + crawled:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    sources = folder / "sources.yaml"
    sources.write_text(yaml.safe_dump({"sources": [{
        "id": "corpus", "name": "Corpus sample", "home": "https://example.org/",
        "dumps": ["dump.jsonl.gz"],
    }]}), encoding="utf-8")
    days = sorted({corpus_moment(r["date"]).date() for r in published + crawled})
    return {"sources": str(sources), "dump": folder / "dump.jsonl.gz", "published": published,
            "crawled": crawled, "first": days[0], "last": days[-1]}


def snapshot(out: Path) -> dict[str, list[tuple]]:
    """Every row of every dataset, sorted, as comparable tuples."""
    rows = {}
    for name in DATASETS:
        folder = out / name
        if not folder.exists():
            rows[name] = []
            continue
        table = ds.dataset(folder, format="parquet", partitioning="hive").to_table()
        rows[name] = sorted(tuple(json.dumps(v, sort_keys=True, ensure_ascii=False, default=str)
                                  for v in row.values()) for row in table.to_pylist())
    return rows


def _cli_backfill(corpus: dict, out: Path, *extra: str) -> dict:
    result = CliRunner().invoke(app, [
        "backfill", "--from", corpus["first"].isoformat(), "--to", corpus["last"].isoformat(),
        "--source", "corpus", "--out", str(out), "--sources", corpus["sources"], *extra,
    ])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("reference")
    return out, _cli_backfill(corpus, out)


# ---------------------------------------------------------------- dates


def test_dump_dates_are_read_in_utc_and_crawl_times_are_archive_dates():
    assert parse_moment("Sun, 18 Feb 2018 21:35:43 +0400") == datetime(2018, 2, 18, 17, 35, 43,
                                                                        tzinfo=UTC)
    assert parse_moment("2017-01-20T00:30:00+01:00") == datetime(2017, 1, 19, 23, 30, tzinfo=UTC)
    assert parse_moment("20/01/2017") == datetime(2017, 1, 20, tzinfo=UTC)
    assert parse_moment("31/02/2017") is None and parse_moment("soon") is None
    crawled = record_date("2015-07-21 02:51:32", "extraction timestamp")
    assert crawled is not None and not crawled.published and crawled.day == date(2015, 7, 21)
    stated = record_date("Sun, 18 Feb 2018 21:35:43 GMT", "publication time (from RSS pubDate)")
    assert stated is not None and stated.published


# ---------------------------------------------------------------- the CLI path


def test_every_record_lands_in_its_day_with_its_date_basis(corpus, reference):
    out, summary = reference
    articles = ds.dataset(out / "articles", format="parquet", partitioning="hive").to_table()
    rows = {row["url"]: row for row in articles.to_pylist()}
    rejects = ds.dataset(out / "rejects", format="parquet", partitioning="hive").to_table()
    rejected = set(rejects.column("url").to_pylist())
    for record in corpus["published"]:
        if record["url"] in rejected:
            continue
        row = rows[record["url"]]
        moment = corpus_moment(record["date"])
        assert row["date"] == moment.date().isoformat() and row["date_basis"] == "published"
        assert row["published_at"] == moment
        assert row["title"] == " ".join(record["title"].split())
    for record in corpus["crawled"]:
        if record["url"] in rejected:
            continue
        row = rows[record["url"]]
        assert row["date"] == corpus_moment(record["date"]).date().isoformat()  # the crawl day
        # A crawl time is never taken for a publication time.
        assert row["published_at"] is None or row["date_basis"] == "archive" or (
            row["published_at"].date().isoformat() == row["date"])
        assert row["published_at"] != corpus_moment(record["date"])
    kept = len(rows) + len(rejected & {r["url"] for r in corpus["published"] + corpus["crawled"]})
    assert kept == len(corpus["published"]) + len(corpus["crawled"])
    assert articles.num_rows == len(set(articles.column("article_id").to_pylist()))
    assert summary["failed"] == 0 and summary["articles"] == articles.num_rows


def test_days_without_archived_records_are_not_run(corpus, reference):
    out, summary = reference
    covered = {corpus_moment(r["date"]).date() for r in corpus["published"] + corpus["crawled"]}
    span = (corpus["last"] - corpus["first"]).days + 1
    assert summary["done"] == len(covered) and summary["not_archived"] == span - len(covered)
    written = {p.name for p in (out / "articles").iterdir()}
    assert written == {f"date={d.isoformat()}" for d in covered}


def test_rerun_skips_complete_dates_and_force_gives_identical_rows(corpus, reference,
                                                                    tmp_path):
    ref_out, _ = reference
    out = tmp_path / "out"
    first = _cli_backfill(corpus, out)
    again = _cli_backfill(corpus, out)
    assert again["done"] == 0 and again["skipped"] == first["done"]
    forced = _cli_backfill(corpus, out, "--force")
    assert forced["done"] == first["done"]
    assert snapshot(out) == snapshot(ref_out)


def test_rerunning_one_middle_date_changes_nothing(corpus, reference, tmp_path):
    ref_out, _ = reference
    out = tmp_path / "out"
    _cli_backfill(corpus, out)
    middle = sorted({corpus_moment(r["date"]).date() for r in corpus["published"]})[1]
    result = CliRunner().invoke(app, [
        "backfill", "--from", middle.isoformat(), "--to", middle.isoformat(), "--source",
        "corpus", "--out", str(out), "--sources", corpus["sources"], "--force"])
    assert result.exit_code == 0, result.output
    assert snapshot(out) == snapshot(ref_out)


def test_an_error_in_the_middle_of_a_date_then_resume_equals_an_uninterrupted_run(
        corpus, reference, tmp_path, monkeypatch):
    ref_out, _ = reference
    out = tmp_path / "out"
    records = corpus["published"] + corpus["crawled"]
    days = sorted({corpus_moment(r["date"]).date() for r in records})
    broken_day = days[len(days) // 2]
    real_publish = PartitionWriter.publish

    def publish_then_stop(writer):
        if writer.day == broken_day and writer.dataset == "sentences":  # articles replaced
            raise KeyboardInterrupt("operator pressed Ctrl-C mid-date")
        return real_publish(writer)

    monkeypatch.setattr(PartitionWriter, "publish", publish_then_stop)
    with pytest.raises(KeyboardInterrupt):
        backfill(corpus["first"], corpus["last"], ["corpus"], str(out), corpus["sources"])
    monkeypatch.setattr(PartitionWriter, "publish", real_publish)

    resumed = backfill(corpus["first"], corpus["last"], ["corpus"], str(out), corpus["sources"])
    redone = [r.day for r in resumed.results if r.status == "done"]
    assert redone == [d for d in days if d >= broken_day]
    assert resumed.count("skipped") == len(days) - len(redone)
    assert snapshot(out) == snapshot(ref_out)


def test_a_killed_backfill_resumes_to_the_same_datasets(corpus, reference, tmp_path):
    ref_out, _ = reference
    out = tmp_path / "out"
    command = [AKHBAR, "backfill", "--from", corpus["first"].isoformat(), "--to",
               corpus["last"].isoformat(), "--source", "corpus", "--out", str(out),
               "--sources", corpus["sources"]]
    done = out / "_state" / "backfill" / "done" / "corpus"
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while not (done.exists() and any(done.iterdir())) and proc.poll() is None:
            assert time.monotonic() < deadline, "no date completed in 300 s"
            time.sleep(0.05)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    finished_before_kill = len(list(done.iterdir()))
    resumed = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    summary = json.loads(resumed.stdout.strip().splitlines()[-1])
    assert summary["skipped"] == finished_before_kill
    assert snapshot(out) == snapshot(ref_out)


# ---------------------------------------------------------------- the per-date index


def test_the_index_is_built_once_and_rebuilt_when_the_dump_changes(corpus, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    dump = folder / "dump.jsonl.gz"
    dump.write_bytes(corpus["dump"].read_bytes())
    sources = folder / "sources.yaml"
    sources.write_text(Path(corpus["sources"]).read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    backfill(corpus["first"], corpus["last"], ["corpus"], str(out), str(sources))
    (index,) = (out / "_state" / "backfill" / "index").glob("*.sqlite")
    built = index.stat().st_mtime_ns
    backfill(corpus["first"], corpus["last"], ["corpus"], str(out), str(sources), force=True)
    assert index.stat().st_mtime_ns == built

    # The dump gains a record on a new day: the index is rebuilt and, because the
    # inputs changed, every date runs again rather than being skipped.
    extra = dict(corpus["published"][0], url="https://example.org/extra",
                 date=datetime.combine(corpus["last"] + timedelta(days=1), datetime.min.time(),
                                       UTC).isoformat())
    with gzip.open(dump, "at", encoding="utf-8") as fh:
        fh.write(json.dumps(extra, ensure_ascii=False) + "\n")
    summary = backfill(corpus["first"], corpus["last"] + timedelta(days=1), ["corpus"],
                       str(out), str(sources))
    assert index.stat().st_mtime_ns != built
    assert summary.count("skipped") == 0
    assert (out / "articles" / f"date={corpus['last'] + timedelta(days=1)}").is_dir()


def test_bad_dump_lines_are_counted_not_fatal(tmp_path, seed_text):
    dump = tmp_path / "dump.jsonl"
    good = {"url": "https://example.org/a", "title": seed_text.split("\n", 1)[0],
            "date": "2016-06-19T10:00:00+00:00", "body": seed_text.split("+ الخط -", 1)[1]}
    dump.write_text("\n".join([
        json.dumps(good, ensure_ascii=False), "{not json", json.dumps({"title": "no url"}),
        json.dumps({**good, "url": "https://example.org/b", "date": "someday"}),
    ]) + "\n", encoding="utf-8")
    sources = tmp_path / "sources.yaml"
    sources.write_text(yaml.safe_dump({"sources": [{
        "id": "d", "name": "D", "home": "https://example.org/", "dumps": [str(dump)]}]}))
    summary = backfill(date(2016, 6, 19), date(2016, 6, 19), ["d"], str(tmp_path / "out"),
                       str(sources))
    assert summary.ok and summary.total("articles") == 1
    (index,) = (tmp_path / "out" / "_state" / "backfill" / "index").glob("*.sqlite")
    from pipeline.backfill.index import ShardIndex

    meta = ShardIndex(index).meta()
    assert meta["entries"] == "4" and meta["undated"] == "3"


# ---------------------------------------------------------------- plain-text dumps and config


def test_plain_text_dump_like_the_seed(tmp_path, seed_text):
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "russia-us.txt").write_text(seed_text, encoding="utf-8")
    sources = tmp_path / "sources.yaml"
    sources.write_text(yaml.safe_dump({"sources": [{
        "id": "texts", "name": "Texts", "home": "https://www.alaraby.co.uk/",
        "dumps": [{"path": "texts/*.txt", "url_prefix": "https://www.alaraby.co.uk/archive/"}],
    }]}))
    out = tmp_path / "out"
    summary = backfill(date(2016, 6, 1), date(2016, 6, 30), ["texts"], str(out), str(sources))
    assert [r.day for r in summary.results] == [date(2016, 6, 19)]
    (row,) = ds.dataset(out / "articles", format="parquet", partitioning="hive").to_table(
    ).to_pylist()
    assert row["url"] == "https://www.alaraby.co.uk/archive/russia-us.txt"
    assert row["title"] == seed_text.split("\n", 1)[0] and row["date_basis"] == "published"


@pytest.mark.parametrize(("entry", "message"), [
    ({"dumps": "x.jsonl"}, "sources[0].dumps: expected a list"),
    ({"dumps": [{"path": "x.txt", "url_prefix": "ftp://x"}]},
     "sources[0].dumps[0].url_prefix: not an http(s) URL"),
    ({"dumps": [{"path": "x.txt", "dates": "x"}]}, "sources[0].dumps[0].dates: unknown field"),
    ({"warc_inputs": [3]}, "sources[0].warc_inputs[0]: expected a path"),
    ({"domains": ["not a host"]}, "sources[0].domains[0]: not a host name"),
    ({"local_files": [{"path": "a.txt", "url": "https://x.org/a", "date": "2020-01-01"}],
      "dumps": ["x.jsonl"]}, "cannot also have dumps"),
])
def test_archive_fields_are_validated(tmp_path, entry, message):
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump({"sources": [
        {"id": "x", "name": "X", "home": "https://x.org/", **entry}]}))
    with pytest.raises(SourceConfigError, match=re.escape(message)):
        load_sources(path)


def test_archive_paths_are_relative_to_the_sources_file(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump({"sources": [{
        "id": "x", "name": "X", "home": "https://www.x.org/", "dumps": ["d/*.jsonl"],
        "warc_inputs": ["w/*.warc.gz", "https://data.example/cc/warc.paths.gz"],
        "domains": ["WWW.X.org"]}]}))
    source = load_sources(path)["x"]
    assert source.dumps[0].pattern == str(tmp_path / "d" / "*.jsonl")
    assert source.warc_inputs == [str(tmp_path / "w" / "*.warc.gz"),
                                  "https://data.example/cc/warc.paths.gz"]
    assert source.domains == ["x.org"]


def test_a_missing_dump_is_a_clear_error(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump({"sources": [{
        "id": "x", "name": "X", "home": "https://x.org/", "dumps": ["nowhere/*.jsonl"]}]}))
    result = CliRunner().invoke(app, ["backfill", "--from", "2020-01-01", "--to", "2020-01-02",
                                      "--source", "x", "--out", str(tmp_path / "o"),
                                      "--sources", str(path)])
    assert result.exit_code != 0
    assert "no file matches" in str(result.exception)


def test_dedup_window_is_fixed_on_a_new_output_and_never_silently_changed(corpus, tmp_path):
    from pipeline.dedup.store import SignatureStore

    out = tmp_path / "out"
    summary = backfill(corpus["first"], corpus["last"], ["corpus"], str(out), corpus["sources"],
                       dedup_window=7)
    assert summary.ok
    stored = SignatureStore(str(out / "_state" / "dedup")).read_settings()
    assert stored is not None and stored.window_days == 7
    with pytest.raises(ValueError, match="already compares across 7 days"):
        backfill(corpus["first"], corpus["last"], ["corpus"], str(out), corpus["sources"],
                 dedup_window=30)


def test_a_web_source_is_backfilled_through_its_sitemaps_and_archive_by_date(
        shared_data, tmp_path, monkeypatch):
    """No archive inputs: each past date runs the nightly discovery for that date."""
    from tests.sites.news_site import serve_news_site

    with open(shared_data / "corpus" / "articles.jsonl", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    articles = [r for r in rows if r.get("title") and len(r.get("body") or "") > 400][:8]
    day = date(2024, 3, 5)
    monkeypatch.setenv("AKHBAR_FETCH_TIMEOUT", "2")
    monkeypatch.setenv("AKHBAR_FETCH_RETRIES", "0")
    with serve_news_site(articles, day, hostile=False) as site:
        sources = site.write_sources_yaml(tmp_path / "sources.yaml")
        summary = backfill(day - timedelta(days=1), day, ["testsite"], str(tmp_path / "out"),
                           str(sources))
    assert summary.ok and summary.count("done") == 2
    table = ds.dataset(tmp_path / "out" / "articles", format="parquet",
                       partitioning="hive").to_table()
    by_day = defaultdict(set)
    for row in table.to_pylist():
        by_day[row["date"]].add(row["url"])
    assert by_day[(day - timedelta(days=1)).isoformat()] == {site.url(p) for p in site.old_paths}
    assert by_day[day.isoformat()] == set(site.good_urls)
    assert table.num_rows == len(site.old_paths) + len(site.good_urls)
