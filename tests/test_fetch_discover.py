"""Discovery: which URLs belong to a day, canonical URLs, safe XML, seen-state."""

from __future__ import annotations

import gzip
from datetime import date

import pytest

from pipeline.fetch import FetchSettings, canonicalize_url, ingest
from pipeline.fetch.xml import UnsafeContentError, parse_xml
from pipeline.records import RawPage
from pipeline.sources import Source
from pipeline.warc import iter_pages
from tests.sites.tiny import Reply, serve

DAY = date(2024, 3, 5)
PAGE = Reply(200, b"<html><body><p>news</p></body></html>", {"Content-Type": "text/html"})
ROBOTS = Reply(200, b"User-agent: *\nAllow: /\n")
FAST = FetchSettings(timeout=1.0, retries=0)


def _source(base_url: str, **fields) -> Source:
    return Source(id="tiny", name="Tiny", home=base_url + "/", allow_private=True,
                  rate_per_second=100.0, **fields)  # fmt: skip


def _ingest(source: Source, tmp_path, day: date = DAY, name: str = "d"):
    warc = tmp_path / f"{name}.warc.gz"
    report = ingest(source, day, warc, tmp_path / "state", settings=FAST)
    paths = sorted(p.url.split("/", 3)[3] for p in iter_pages(warc, "tiny", day))
    return report, ["/" + p for p in paths]


# ---------------------------------------------------------------- canonical URLs


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTPS://WWW.Example.COM:443/a?utm_source=x&b=2&a=1#top", "https://www.example.com/a?a=1&b=2"),
        ("http://example.com", "http://example.com/"),
        ("http://example.com:8080/x?fbclid=1&gclid=2", "http://example.com:8080/x"),
        ("https://x.com/سورية?q=خبر", "https://x.com/%D8%B3%D9%88%D8%B1%D9%8A%D8%A9?q=%D8%AE%D8%A8%D8%B1"),
        ("https://x.com/%d8%b3%d9%88", "https://x.com/%D8%B3%D9%88"),
        ("https://x.com/%E4%E6", "https://x.com/%E4%E6"),  # windows-1256 escapes kept as they are
    ],
)  # fmt: skip
def test_canonical_urls(url, canonical):
    assert canonicalize_url(url) == canonical
    assert canonicalize_url(canonical) == canonical


# ---------------------------------------------------------------- hostile XML


def test_external_entities_are_refused():
    xxe = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'
    with pytest.raises(UnsafeContentError, match="forbidden"):
        parse_xml(xxe, 1 << 20)


def test_gzip_bombs_are_refused():
    bomb = gzip.compress(b"<urlset>" + b" " * (8 << 20) + b"</urlset>")
    assert len(bomb) < 64 * 1024
    with pytest.raises(UnsafeContentError, match="inflates beyond"):
        parse_xml(bomb, 1 << 20)


# ---------------------------------------------------------------- feeds, sitemaps, archives


def test_feed_items_are_matched_to_the_day_in_utc(tmp_path):
    rss = b"""<rss><channel>
      <item><link>/late</link><pubDate>Tue, 05 Mar 2024 23:30:00 +0000</pubDate></item>
      <item><link>/next</link><pubDate>Tue, 05 Mar 2024 23:30:00 -0100</pubDate></item>
      <item><link>/early</link><pubDate>Wed, 06 Mar 2024 01:30:00 +0300</pubDate></item>
      <item><link>/undated</link></item>
      <item><link>/yesterday</link><pubDate>Mon, 04 Mar 2024 20:00:00 GMT</pubDate></item>
    </channel></rss>"""
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom">
      <entry><link rel="enclosure" href="/img.jpg"/><link href="/atom-a"/>
        <published>2024-03-05T08:00:00Z</published></entry>
      <entry><link href="/atom-old"/><updated>2024-03-01T08:00:00Z</updated></entry>
    </feed>"""
    rdf = b"""<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
      xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
      <item><link>/rdf-a</link><dc:date>2024-03-05T10:00:00+01:00</dc:date></item></rdf:RDF>"""
    listed = ("/late", "/next", "/early", "/atom-a", "/rdf-a", "/undated", "/yesterday")
    pages = {p: [PAGE] for p in listed}
    routes = {"/robots.txt": [ROBOTS], "/rss": [Reply(200, rss)], "/atom": [Reply(200, atom)],
              "/rdf": [Reply(200, rdf)], **pages}  # fmt: skip
    with serve(routes) as site:
        feeds = [site.url(p) for p in ("/rss", "/atom", "/rdf")]
        _, fetched = _ingest(_source(site.base_url, feeds=feeds), tmp_path)
    assert fetched == ["/atom-a", "/early", "/late", "/rdf-a"]


def test_sitemap_index_news_sitemap_and_lastmod(tmp_path):
    def urlset(entries: str) -> bytes:
        return (
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
            f"{entries}</urlset>"
        ).encode()

    news = urlset(
        "<url><loc>/n1</loc><news:news><news:publication_date>2024-03-05T09:00:00+00:00"
        "</news:publication_date></news:news><lastmod>2024-03-07</lastmod></url>"
        "<url><loc>/n-old</loc><news:news><news:publication_date>2024-02-01"
        "</news:publication_date></news:news><lastmod>2024-03-05</lastmod></url>"
    )
    plain = urlset("<url><loc>/p1</loc><lastmod>2024-03-05</lastmod></url>")
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>/news.xml.gz</loc><lastmod>2024-03-05T23:00:00Z</lastmod></sitemap>
      <sitemap><loc>/nested.xml</loc></sitemap>
      <sitemap><loc>/2023.xml</loc><lastmod>2023-12-31</lastmod></sitemap>
      <sitemap><loc>/sitemap-2024-02.xml</loc></sitemap>
      <sitemap><loc>/daily/2024/03/04.xml</loc></sitemap>
    </sitemapindex>"""
    nested = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>/plain.xml</loc></sitemap></sitemapindex>"""
    routes = {"/robots.txt": [ROBOTS], "/index.xml": [Reply(200, index)],
              "/news.xml.gz": [Reply(200, gzip.compress(news))],
              "/nested.xml": [Reply(200, nested)], "/plain.xml": [Reply(200, plain)],
              "/n1": [PAGE], "/p1": [PAGE]}  # fmt: skip
    with serve(routes) as site:
        report, fetched = _ingest(
            _source(site.base_url, sitemaps=[site.url("/index.xml")]), tmp_path
        )
        for skipped in ("/2023.xml", "/sitemap-2024-02.xml", "/daily/2024/03/04.xml"):
            assert skipped not in site.paths()  # last changed, or named, for another period
    assert fetched == ["/n1", "/p1"] and report.rejects == []


def test_archive_page_links_filtered_by_allow_and_deny(tmp_path):
    archive = b"""<html><body><nav><a href="/">home</a><a href="/section/x">x</a></nav>
      <a href="/news/1">one</a> <a href="news/2#comments">two</a>
      <a href="/news/video/3">video</a> <a href="https://elsewhere.test/news/4">other site</a>
      <a href="mailto:desk@x.test">mail</a></body></html>"""
    routes = {"/robots.txt": [ROBOTS], "/archive/2024-03-05": [Reply(200, archive)],
              "/news/1": [PAGE], "/archive/news/2": [PAGE]}  # fmt: skip
    with serve(routes) as site:
        source = _source(site.base_url, archive_pattern=site.base_url + "/archive/{date:%Y-%m-%d}",
                         allow="/news/", deny="/video/")  # fmt: skip
        report, fetched = _ingest(source, tmp_path)
    assert fetched == ["/archive/news/2", "/news/1"]
    assert report.counts["discovered"] == 2


def test_a_broken_feed_does_not_stop_the_others(tmp_path):
    rss = b"<rss><channel><item><link>/a</link><pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate></item></channel></rss>"  # noqa: E501
    routes = {"/robots.txt": [ROBOTS], "/bad": [Reply(200, b"<rss><channel><item>")],
              "/gone": [Reply(404)], "/rss": [Reply(200, rss)], "/a": [PAGE]}  # fmt: skip
    with serve(routes) as site:
        feeds = [site.url("/bad"), site.url("/gone"), site.url("/rss")]
        report, fetched = _ingest(_source(site.base_url, feeds=feeds), tmp_path)
    assert fetched == ["/a"]
    assert sorted((r.url.rsplit("/", 1)[1], r.stage, r.reason) for r in report.rejects) == [
        ("bad", "discover", "bad_xml"),
        ("gone", "discover", "http_status"),
    ]


# ---------------------------------------------------------------- state across runs


def test_urls_ingested_on_another_date_are_skipped_but_reruns_reproduce(tmp_path):
    def sitemap(day: str) -> Reply:
        return Reply(
            200, f"<urlset><url><loc>/a</loc><lastmod>{day}</lastmod></url></urlset>".encode()
        )

    # The article is listed on the 5th, then edited (new lastmod) on the 6th.
    routes = {
        "/robots.txt": [ROBOTS],
        "/a": [PAGE],
        "/sitemap.xml": [sitemap("2024-03-05"), sitemap("2024-03-06"), sitemap("2024-03-05")],
    }
    next_day = date(2024, 3, 6)
    with serve(routes) as site:
        source = _source(site.base_url, sitemaps=[site.url("/sitemap.xml")])
        first, pages_first = _ingest(source, tmp_path, DAY, "first")
        later, pages_later = _ingest(source, tmp_path, next_day, "later")
        again, pages_again = _ingest(source, tmp_path, DAY, "again")
        assert site.paths().count("/a") == 2
    assert pages_first == pages_again == ["/a"] and pages_later == []
    assert later.counts == {"discovered": 1, "new": 0, "duplicate": 1, "fetched": 0, "failed": 0}
    assert first.counts == again.counts


def test_feeds_are_fetched_conditionally(tmp_path):
    rss = b"<rss><channel><item><link>/a</link><pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate></item></channel></rss>"  # noqa: E501
    routes = {
        "/robots.txt": [ROBOTS],
        "/a": [PAGE],
        "/rss": [Reply(200, rss, {"ETag": '"v1"'}), Reply(304, b"", {"ETag": '"v1"'})],
    }
    with serve(routes) as site:
        source = _source(site.base_url, feeds=[site.url("/rss")])
        _, first = _ingest(source, tmp_path, DAY, "first")
        _, again = _ingest(source, tmp_path, DAY, "again")
        feed_requests = [headers for path, headers, _ in site.requests if path == "/rss"]
    assert "If-None-Match" not in feed_requests[0]
    assert feed_requests[1]["If-None-Match"] == '"v1"'
    assert first == again == ["/a"]


def test_the_offline_seeds_source_goes_through_warc(tmp_path, seed_text):
    from pipeline.sources import load_sources

    seeds = load_sources()["seeds"]
    report = ingest(seeds, date(2016, 6, 19), tmp_path / "s.warc.gz", tmp_path / "state")
    (page,) = iter_pages(tmp_path / "s.warc.gz", "seeds", date(2016, 6, 19))
    assert report.counts["fetched"] == 1 and report.rejects == []
    assert isinstance(page, RawPage) and page.text == seed_text
    assert canonicalize_url(page.url) == canonicalize_url(seeds.local_files[0].url)
    other_day = ingest(seeds, date(2016, 6, 20), tmp_path / "o.warc.gz", tmp_path / "state")
    assert other_day.counts["discovered"] == 0
    assert list(iter_pages(tmp_path / "o.warc.gz", "seeds", date(2016, 6, 20))) == []


# ---------------------------------------------------------------- real-world feeds


@pytest.mark.parametrize(
    ("name", "day", "content_type"),
    [
        ("rss-parser__guardian.rss", date(2018, 1, 31), "application/rss+xml"),
        ("node-feedparser__tpm_politics.atom", date(2017, 11, 8), "application/atom+xml"),
        ("node-feedparser__windows-1251_news.xml", date(2014, 1, 22), "text/xml"),
        ("news-crawl__sitemap-news.xml", date(2008, 12, 23), "application/xml"),
        ("trafilatura__sitemap.xml.gz", date(2016, 11, 21), "application/x-gzip"),
    ],
)
def test_real_feeds_and_sitemaps_yield_the_days_links(
    shared_data, tmp_path, name, day, content_type
):
    """Feeds and sitemaps published by real sites (shared/data/feeds) parse safely."""
    from pipeline.fetch.conditional import ConditionalCache
    from pipeline.fetch.discover import discover
    from pipeline.fetch.http import PoliteClient

    data = (shared_data / "feeds" / name).read_bytes()
    routes = {"/robots.txt": [ROBOTS], "/doc": [Reply(200, data, {"Content-Type": content_type})]}
    with serve(routes) as site:
        kind = "sitemaps" if "sitemap" in name else "feeds"
        source = _source(site.base_url, **{kind: [site.url("/doc")]})
        with PoliteClient(source, FAST, lambda exchange: None) as client:
            found = discover(source, day, client, ConditionalCache(tmp_path))
    assert found.rejects == []
    assert found.urls and all(url.startswith(("http://", "https://")) for url in found.urls)
    assert all(url == canonicalize_url(url) for url in found.urls)
