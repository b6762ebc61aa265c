"""Ingest a realistic local Arabic news site, hostile endpoints included.

The site (tests/sites/news_site.py) is generated at run time from real corpus
articles and served on 127.0.0.1. One ingest of one day must deliver every
good article exactly once, turn every hostile endpoint into a clear reject,
never touch a robots-disallowed path or a private address, and leave a WARC
that replays to the same articles.
"""

from __future__ import annotations

import html
import json
import socket
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from pipeline.fetch import FetchSettings, ingest
from pipeline.records import RawPage, Reject
from pipeline.warc import iter_pages
from tests.sites.news_site import serve_news_site

DAY = date(2024, 3, 5)
# Short waits: 1 s timeouts, Retry-After of 1 s, one retry.
FAST = FetchSettings(
    timeout=1.0,
    max_response_seconds=2.0,
    max_body_bytes=1024 * 1024,
    retries=1,
    backoff_base=0.1,
    max_retry_after=5.0,
)


@pytest.fixture(scope="module")
def corpus_articles(shared_data: Path) -> list[dict]:
    """Twenty real articles with distinct titles and bodies of some length."""
    articles, titles = [], set()
    with open(shared_data / "corpus" / "articles.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row.get("title") and len(row.get("body") or "") > 400 and row["title"] not in titles:
                titles.add(row["title"])
                articles.append(row)
            if len(articles) == 20:
                break
    return articles


@pytest.fixture(scope="module")
def run(corpus_articles, tmp_path_factory):
    """One ingest of DAY, with every outgoing connection attempt recorded."""
    tmp = tmp_path_factory.mktemp("ingest")
    connections: list[tuple] = []
    real_connect = socket.create_connection

    def spy(address, *args, **kwargs):
        connections.append(address)
        return real_connect(address, *args, **kwargs)

    with serve_news_site(corpus_articles, DAY) as site, pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket, "create_connection", spy)
        warc_path = tmp / "day.warc.gz"
        report = ingest(site.source(), DAY, warc_path, tmp / "state", settings=FAST)
        replay = list(iter_pages(warc_path, "testsite", DAY))
    return site, report, replay, connections


def _pages(replay) -> list[RawPage]:
    return [item for item in replay if isinstance(item, RawPage)]


def test_every_good_article_arrives_exactly_once(run):
    site, _, replay, _ = run
    urls = [page.url for page in _pages(replay)]
    assert Counter(urls) == Counter(site.good_urls)


def test_every_discovery_channel_is_read(run):
    site, _, _, _ = run
    for path in ("/rss.xml", "/atom.xml", "/sitemap_index.xml.gz", "/archive/2024/03/05"):
        assert path in site.requests
    assert f"/sitemaps/news-{DAY}.xml.gz" in site.requests  # reached through the gzip index


def test_articles_of_other_days_are_not_discovered(run):
    site, _, _, _ = run
    for path in site.old_paths:
        assert path not in site.requests
    yesterday = DAY - timedelta(days=1)
    assert f"/sitemaps/archive-{yesterday}.xml" not in site.requests  # older child sitemap


def test_every_hostile_case_ends_as_one_clear_reject(run):
    site, report, replay, _ = run
    rejects = report.rejects + [item for item in replay if isinstance(item, Reject)]
    outcomes = Counter((r.url, f"{r.stage}:{r.reason}") for r in rejects)
    assert outcomes == Counter(site.expected_rejects().items())
    assert all(r.source_id == "testsite" and r.detail for r in report.rejects)


def test_counts_add_up(run):
    site, report, _, _ = run
    counts = report.counts
    fetch_rejects = [r for r in report.rejects if r.stage == "fetch"]
    assert counts["new"] == counts["discovered"] and counts["duplicate"] == 0
    assert counts["failed"] == len(fetch_rejects)
    # Empty and binary bodies arrive as HTTP responses; replay rejects them.
    assert counts["fetched"] == len(site.good_urls) + 2
    assert counts["discovered"] == counts["fetched"] + counts["failed"]


def test_robots_disallowed_path_is_never_requested(run):
    site, _, _, _ = run
    assert "/robots.txt" in site.requests
    assert not [path for path in site.requests if path.startswith("/private/")]


def test_no_packet_goes_to_a_private_address(run):
    _, _, _, connections = run
    hosts = {host for host, _ in connections}
    assert hosts == {"127.0.0.1"}
    assert all(port != 9 for _, port in connections)  # the "internal service" port


def test_replayed_pages_hold_the_articles_text(run, corpus_articles):
    site, _, replay, _ = run
    bodies = {a["title"]: a["body"] for a in corpus_articles}
    for page in _pages(replay):
        title = site.titles[page.url]
        assert page.html is not None and html.escape(title) in page.html
        for paragraph in filter(None, map(str.strip, bodies[title].split("\n"))):
            assert html.escape(paragraph) in page.html
        assert page.source_id == "testsite" and page.archive_date == DAY
        assert page.fetched_at is not None


def test_windows_1256_labelled_utf8_decodes_to_arabic(run):
    site, _, replay, _ = run
    page = next(p for p in _pages(replay) if p.url.endswith("/hostile/cp1256"))
    assert html.escape(site.titles[page.url]) in page.html
    assert "\ufffd" not in page.html and "Ø" not in page.html


def test_requests_carry_the_configured_user_agent(run):
    site, _, _, _ = run
    assert site.user_agents == {FAST.user_agent}


def test_rerun_of_the_same_day_reproduces_it_and_other_days_skip_it(corpus_articles, tmp_path):
    quick = FetchSettings(timeout=1.0, retries=0, max_retry_after=5.0)
    with serve_news_site(corpus_articles, DAY, hostile=False) as site:
        source = site.source()
        state = tmp_path / "state"
        first = ingest(source, DAY, tmp_path / "a.warc.gz", state, settings=quick)
        again = ingest(source, DAY, tmp_path / "b.warc.gz", state, settings=quick)
        yesterday = ingest(
            source, DAY - timedelta(days=1), tmp_path / "c.warc.gz", state, settings=quick
        )
    urls = [{p.url for p in _pages(iter_pages(tmp_path / f"{n}.warc.gz", "t", DAY))} for n in "ab"]
    assert urls[0] == urls[1] == set(site.good_urls)
    assert first.counts == again.counts
    assert yesterday.counts["fetched"] == len(site.old_paths)


def test_the_site_can_be_written_as_a_sources_file(corpus_articles, tmp_path):
    from pipeline.sources import load_sources

    with serve_news_site(corpus_articles, DAY, hostile=False) as site:
        path = site.write_sources_yaml(tmp_path / "sources.yaml")
        assert load_sources(path) == {"testsite": site.source()}
