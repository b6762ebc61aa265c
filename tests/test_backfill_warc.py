"""Backfills from WARC archives: local files, the shared samples, CC-NEWS listings.

Good records become articles in the partition of their date; damaged and
non-article records become rejects with a reason; records of other domains
and revisits are left out.
"""

from __future__ import annotations

import gzip
import io
import re
from datetime import date
from pathlib import Path

import pyarrow.dataset as ds
import pytest
import yaml
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.backfill.runner import backfill
from pipeline.fetch import canonicalize_url
from tests.sites.tiny import Reply, serve

SEED_HTML = (Path(__file__).resolve().parents[1] / "seeds" / "seed_article.html").read_bytes()
HOST = "https://www.alaraby.co.uk"


def _member(url: str, kind: str, body: bytes, when: str, content_type: str = "text/html",
            extra: dict[str, str] | None = None) -> bytes:
    """One WARC record as its own gzip member."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    headers = {"WARC-Date": when, **(extra or {})}
    if kind == "revisit":
        record = writer.create_revisit_record(url, "sha1:AAAA", url, "2016-06-20T08:00:00Z",
                                              warc_headers_dict=headers)
    elif kind == "request":
        record = writer.create_warc_record(
            url, "request", payload=io.BytesIO(b""), length=0, warc_headers_dict=headers,
            http_headers=StatusAndHeaders("GET / HTTP/1.1", [], is_http_request=True))
    else:
        record = writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), length=len(body),
            warc_headers_dict=headers,
            http_headers=StatusAndHeaders("200 OK", [("Content-Type", content_type)],
                                          protocol="HTTP/1.1"))
    writer.write_record(record)
    return buffer.getvalue()


def _no_meta_date(html: bytes) -> bytes:
    return re.sub(rb'<meta property="article:published_time"[^>]*>', b"", html)


def write_test_warcs(folder: Path) -> None:
    """Two crawl files: pages and everything that is not one, in crawl order.

    A record the crawler marked ``WARC-Truncated`` sits before other records:
    replay must go on after it.
    """
    good = f"{HOST}/politics/2016/6/19/agreement"
    first = [
        _member(good, "request", b"", "2016-06-20T08:00:00Z"),
        _member(good, "response", SEED_HTML, "2016-06-20T08:00:00Z"),
        _member(good, "revisit", b"", "2016-06-20T09:00:00Z"),
        _member(f"{HOST}/politics/cut", "response", SEED_HTML, "2016-06-20T08:00:30Z",
                extra={"WARC-Truncated": "length"}),
        _member(f"{HOST}/logo.png", "response", b"\x89PNG\r\n\x1a\n" + bytes(200),
                "2016-06-20T08:01:00Z", "image/png"),
        _member(f"{HOST}/api/latest.json", "response", b'{"latest": []}',
                "2016-06-20T08:02:00Z", "application/json"),
        _member("https://other.example/politics/story", "response", SEED_HTML,
                "2016-06-20T08:03:00Z"),
    ]
    (folder / "crawl-1.warc.gz").write_bytes(b"".join(first))
    copy = _member(f"{HOST}/politics/2016/6/21/copy", "response", _no_meta_date(SEED_HTML),
                   "2016-06-21T10:00:00Z")
    last = _member(f"{HOST}/politics/2016/6/21/lost", "response", SEED_HTML,
                   "2016-06-21T11:00:00Z")
    (folder / "crawl-2.warc.gz").write_bytes(copy + last[: len(last) // 2])  # a cut gzip member


def _sources(tmp_path: Path, source: dict) -> str:
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump({"sources": [source]}, allow_unicode=True), encoding="utf-8")
    return str(path)


def _rows(out: Path, dataset: str) -> list[dict]:
    folder = out / dataset
    if not folder.exists():
        return []
    return ds.dataset(folder, format="parquet", partitioning="hive").to_table().to_pylist()


@pytest.fixture(scope="module")
def warc_backfill(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("warc")
    write_test_warcs(folder)
    sources = _sources(folder, {"id": "alaraby", "name": "Al-Araby", "home": f"{HOST}/",
                                "warc_inputs": ["*.warc.gz"]})
    out = folder / "out"
    summary = backfill(date(2016, 6, 18), date(2016, 6, 22), ["alaraby"], str(out), sources)
    assert summary.ok, summary.to_dict()
    return out


def test_good_records_become_articles_in_their_dates_partition(warc_backfill):
    articles = {row["url"]: row for row in _rows(warc_backfill, "articles")}
    assert set(articles) == {f"{HOST}/politics/2016/6/19/agreement",
                             f"{HOST}/politics/2016/6/21/copy"}
    stated = articles[f"{HOST}/politics/2016/6/19/agreement"]
    # The page states its publication time: the day it was crawled does not matter.
    assert stated["date"] == "2016-06-19" and stated["date_basis"] == "published"
    copy = articles[f"{HOST}/politics/2016/6/21/copy"]
    # No stated time in the metadata: the capture day places it.
    assert copy["date"] == "2016-06-21"
    assert copy["duplicate_of"] == stated["article_id"]


def test_bad_records_become_rejects_with_reasons(warc_backfill):
    rejects = {(row["date"], row["url"]): row["reason"] for row in _rows(warc_backfill, "rejects")}
    assert rejects[("2016-06-19", f"{HOST}/logo.png")] == "binary"
    assert rejects[("2016-06-19", f"{HOST}/api/latest.json")] == "non_html"
    assert rejects[("2016-06-19", f"{HOST}/politics/cut")] == "truncated_by_crawler"
    cut = [reason for (day, url), reason in rejects.items() if day == "2016-06-21"]
    assert cut and set(cut) <= {"truncated", "truncated_warc"}


def test_other_domains_and_revisits_are_left_out(warc_backfill):
    every_url = {row["url"] for name in ("articles", "rejects")
                 for row in _rows(warc_backfill, name)}
    assert not any("other.example" in url for url in every_url)
    dates = {p.name for p in (warc_backfill / "articles").iterdir()}
    assert dates == {"date=2016-06-19", "date=2016-06-21"}  # 18, 20, 22: nothing archived


def test_shared_warc_samples(shared_data, tmp_path):
    """Every in-domain HTML response of the shared samples is an article or a reject."""
    files = sorted((shared_data / "warc").glob("*.warc.gz"))
    expected: dict[str, set[date]] = {}
    for path in files:
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                url = record.rec_headers.get_header("WARC-Target-URI") or ""
                if record.rec_type != "response" or not url.startswith("http"):
                    continue
                status = record.http_headers.get_statuscode() if record.http_headers else ""
                kind = (record.http_headers.get_header("Content-Type") or "").lower()
                if status == "200" and "html" in kind:
                    when = record.rec_headers.get_header("WARC-Date")
                    expected.setdefault(url, set()).add(date.fromisoformat(when[:10]))
    assert expected, "the samples hold HTML responses"
    days = {day for found in expected.values() for day in found}
    sources = _sources(tmp_path, {
        "id": "samples", "name": "Samples", "home": "https://example.com/",
        "domains": sorted({re.sub(r"^www\.", "", url.split("/")[2].split(":")[0])
                           for url in expected}),
        "warc_inputs": [str(shared_data / "warc" / "*.warc.gz")],
    })
    out = tmp_path / "out"
    summary = backfill(min(days), max(days), ["samples"], str(out), sources)
    # These are random web pages, not news: a day may fail its quality checks
    # (a guessed publication date after the capture), never the backfill.
    failures = summary.to_dict()["failures"]
    assert all(f["error"].startswith("QualityError") for f in failures), failures
    # A URL archived on several days is taken on the first (later copies count as
    # fetch duplicates), so URLs are compared canonical and over the whole range.
    seen = {canonicalize_url(row["url"]) for name in ("articles", "rejects")
            for row in _rows(out, name)}
    assert {canonicalize_url(url) for url in expected} <= seen
    rejects = {row["url"]: row["reason"] for row in _rows(out, "rejects")}
    clipped = [url for url in expected if "houstonpress.com" in url]
    assert clipped and all(rejects.get(url) == "truncated" for url in clipped)
    assert len(_rows(out, "articles")) > 0


def test_cc_news_listing_fetches_only_the_months_files_for_the_range(tmp_path):
    prefix = "/crawl-data/CC-NEWS/2016/06"
    inside = [f"{prefix}/CC-NEWS-2016062{i}080000-0000{i}.warc.gz" for i in (0, 1)]
    outside = f"{prefix}/CC-NEWS-20160627080000-00009.warc.gz"
    write_test_warcs(tmp_path)
    listing = gzip.compress("".join(f"{p.lstrip('/')}\n" for p in [*inside, outside]).encode())
    routes = {f"{prefix}/warc.paths.gz": [Reply(body=listing)],
              inside[0]: [Reply(body=(tmp_path / "crawl-1.warc.gz").read_bytes())],
              inside[1]: [Reply(body=(tmp_path / "crawl-2.warc.gz").read_bytes())],
              outside: [Reply(body=(tmp_path / "crawl-1.warc.gz").read_bytes())]}
    with serve(routes) as site:
        sources = _sources(tmp_path, {
            "id": "alaraby", "name": "Al-Araby", "home": f"{HOST}/",
            "warc_inputs": [site.url(f"{prefix}/warc.paths.gz")]})
        out = tmp_path / "out"
        summary = backfill(date(2016, 6, 19), date(2016, 6, 21), ["alaraby"], str(out), sources)
        assert summary.ok, summary.to_dict()
        requested = site.paths()
    assert outside not in requested
    assert all(requested.count(path) == 1 for path in inside)  # indexed once, read by every day
    urls = {row["url"] for row in _rows(out, "articles")}
    assert urls == {f"{HOST}/politics/2016/6/19/agreement", f"{HOST}/politics/2016/6/21/copy"}


def test_an_unreachable_warc_url_is_a_reject_not_a_crash(tmp_path):
    with serve({}) as site:
        sources = _sources(tmp_path, {
            "id": "alaraby", "name": "Al-Araby", "home": f"{HOST}/",
            "warc_inputs": [site.url("/missing.warc.gz")]})
        out = tmp_path / "out"
        summary = backfill(date(2016, 6, 19), date(2016, 6, 19), ["alaraby"], str(out), sources)
    assert summary.ok
    index_dir = out / "_state" / "backfill" / "index"
    from pipeline.backfill.index import ShardIndex

    (index,) = index_dir.glob("*.sqlite")
    assert ShardIndex(index).meta()["undated"] == "1"
