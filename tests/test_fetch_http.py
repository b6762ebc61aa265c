"""The polite client against scripted local servers: retries, limits, robots, safety."""

from __future__ import annotations

import gzip
from datetime import date

import pytest

from pipeline.fetch import FetchSettings, ingest
from pipeline.fetch.http import Exchange, PoliteClient
from pipeline.records import RawPage
from pipeline.sources import Source
from pipeline.warc import iter_pages
from tests.sites.tiny import Reply, serve

DAY = date(2024, 3, 5)
PAGE = b"<html><body><p>\xd8\xae\xd8\xa8\xd8\xb1</p></body></html>"  # "خبر"
FAST = FetchSettings(timeout=1.0, retries=2, backoff_base=0.05, max_retry_after=5.0)
ROBOTS_OK = [Reply(200, b"User-agent: *\nAllow: /\n")]


def _source(base_url: str, **overrides) -> Source:
    values = {"id": "tiny", "name": "Tiny", "home": base_url + "/", "allow_private": True,
              "rate_per_second": 100.0, "concurrency": 2}  # fmt: skip
    values.update(overrides)
    return Source(**values)


def _rss(*paths: str) -> bytes:
    """An RSS feed listing ``paths`` as items published on DAY."""
    items = "".join(
        f"<item><link>{p}</link><pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate></item>"
        for p in paths
    )
    return f"<rss><channel>{items}</channel></rss>".encode()


def _fetch(source: Source, url: str, settings: FetchSettings = FAST):
    seen: list[Exchange] = []
    with PoliteClient(source, settings, seen.append) as client:
        return client.fetch(url, "article"), seen


def test_server_error_is_retried_and_every_attempt_is_recorded():
    routes = {"/robots.txt": ROBOTS_OK, "/a": [Reply(500), Reply(503), Reply(200, PAGE)]}
    with serve(routes) as site:
        result, seen = _fetch(_source(site.base_url), site.url("/a"))
    assert result.ok and result.final.body == PAGE
    assert [e.status for e in seen if e.role == "article"] == [500, 503, 200]


def test_retry_after_is_honoured():
    routes = {
        "/robots.txt": ROBOTS_OK,
        "/a": [Reply(429, headers={"Retry-After": "1"}), Reply(200, PAGE)],
    }
    with serve(routes) as site:
        result, _ = _fetch(_source(site.base_url), site.url("/a"))
        first, second = site.times("/a")
    assert result.ok
    assert second - first >= 0.9


def test_a_retry_after_beyond_the_limit_gives_up_at_once():
    routes = {"/robots.txt": ROBOTS_OK, "/a": [Reply(503, headers={"Retry-After": "3600"})]}
    with serve(routes) as site:
        result, _ = _fetch(_source(site.base_url), site.url("/a"))
        assert site.paths().count("/a") == 1
    assert result.error.reason == "retry_after_too_long"


def test_retries_stop_after_the_configured_number():
    with serve({"/robots.txt": ROBOTS_OK, "/a": [Reply(502)]}) as site:
        result, _ = _fetch(_source(site.base_url), site.url("/a"))
        assert site.paths().count("/a") == FAST.retries + 1
    assert result.error.reason == "http_status" and "502" in result.error.detail


def test_redirects_are_followed_up_to_the_limit():
    chain = {f"/r{i}": [Reply(302, headers={"Location": f"/r{i + 1}"})] for i in range(12)}
    routes = {"/robots.txt": ROBOTS_OK, **chain, "/r2": [Reply(301, headers={"Location": "/a"})],
              "/a": [Reply(200, PAGE)]}  # fmt: skip
    with serve(routes) as site:
        short, _ = _fetch(_source(site.base_url), site.url("/r0"))
        long, _ = _fetch(_source(site.base_url), site.url("/r3"))
    assert short.ok and short.final.url == site.url("/a")
    assert long.error.reason == "too_many_redirects"


def test_robots_server_error_means_nothing_is_fetched():
    with serve({"/robots.txt": [Reply(500)], "/a": [Reply(200, PAGE)]}) as site:
        result, _ = _fetch(_source(site.base_url), site.url("/a"), FetchSettings(retries=0))
        assert "/a" not in site.paths()
    assert result.error.reason == "robots_disallowed"


def test_missing_robots_allows_everything_and_is_read_once():
    with serve({"/a": [Reply(200, PAGE)], "/b": [Reply(200, PAGE)]}) as site:
        seen: list[Exchange] = []
        with PoliteClient(_source(site.base_url), FAST, seen.append) as client:
            assert client.fetch(site.url("/a"), "article").ok
            assert client.fetch(site.url("/b"), "article").ok
        assert site.paths().count("/robots.txt") == 1


def test_robots_agent_specific_rules_apply_to_our_user_agent():
    robots = b"User-agent: akhbar\nDisallow: /news/\n\nUser-agent: *\nAllow: /\n"
    with serve({"/robots.txt": [Reply(200, robots)], "/news/a": [Reply(200, PAGE)]}) as site:
        result, _ = _fetch(_source(site.base_url), site.url("/news/a"))
        assert "/news/a" not in site.paths()
    assert result.error.reason == "robots_disallowed"


def test_body_and_time_limits():
    routes = {
        "/robots.txt": ROBOTS_OK,
        "/big": [Reply(200, b"x" * 5000)],
        "/slow": [Reply(200, PAGE, delay=2.0)],
    }
    settings = FetchSettings(timeout=0.5, retries=0, max_body_bytes=4096)
    with serve(routes) as site:
        big, _ = _fetch(_source(site.base_url), site.url("/big"), settings)
        slow, _ = _fetch(_source(site.base_url), site.url("/slow"), settings)
    assert big.error.reason == "body_too_large"
    assert slow.error.reason == "timeout"


def test_loopback_is_refused_unless_the_source_allows_it():
    with serve({"/a": [Reply(200, PAGE)]}) as site:
        result, seen = _fetch(_source(site.base_url, allow_private=False), site.url("/a"))
        assert site.requests == [] and seen == []
    assert result.error.reason == "unsafe_address"


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1:70/", "http://[::1]:9/x"],
)
def test_non_http_and_other_local_targets_are_refused(url):
    with serve({}) as site:
        result, _ = _fetch(_source(site.base_url), url)
    assert result.error.reason == "unsafe_address"


def test_per_host_concurrency_is_capped(tmp_path):
    pages = {f"/p{i}": [Reply(200, PAGE, delay=0.2)] for i in range(6)}
    routes = {"/robots.txt": ROBOTS_OK, "/rss": [Reply(200, _rss(*pages))], **pages}
    with serve(routes) as site:
        source = _source(site.base_url, concurrency=2, feeds=[site.url("/rss")])
        report = ingest(source, DAY, tmp_path / "d.warc.gz", tmp_path / "state", settings=FAST)
        assert site.max_in_flight == 2
    assert report.counts["fetched"] == 6


def test_request_rate_is_limited_per_host():
    pages = {f"/p{i}": [Reply(200, PAGE)] for i in range(5)}
    with serve({"/robots.txt": ROBOTS_OK, **pages}) as site:
        with PoliteClient(
            _source(site.base_url, rate_per_second=10.0), FAST, lambda exchange: None
        ) as c:
            for i in range(5):
                assert c.fetch(site.url(f"/p{i}"), "article").ok
        times = site.times("/p")
    assert times[-1] - times[0] >= 4 * 0.1 * 0.9


def test_crawl_delay_slows_the_source_down():
    robots = b"User-agent: *\nCrawl-delay: 0.5\n"
    pages = {f"/p{i}": [Reply(200, PAGE)] for i in range(3)}
    with serve({"/robots.txt": [Reply(200, robots)], **pages}) as site:
        with PoliteClient(_source(site.base_url), FAST, lambda exchange: None) as client:
            for i in range(3):
                assert client.fetch(site.url(f"/p{i}"), "article").ok
        times = site.times("/p")
    assert times[-1] - times[0] >= 2 * 0.5 * 0.9


def test_gzip_content_encoding_is_stored_raw_and_replayed_decoded(tmp_path):
    feed = _rss("/a")
    routes = {
        "/robots.txt": ROBOTS_OK,
        "/rss": [Reply(200, gzip.compress(feed), {"Content-Encoding": "gzip"})],
        "/a": [Reply(200, gzip.compress(PAGE), {"Content-Encoding": "gzip",
                                                 "Content-Type": "text/html; charset=utf-8"})],
    }  # fmt: skip
    with serve(routes) as site:
        source = _source(site.base_url, feeds=[site.url("/rss")])
        report = ingest(source, DAY, tmp_path / "d.warc.gz", tmp_path / "state", settings=FAST)
    (page,) = iter_pages(tmp_path / "d.warc.gz", "tiny", DAY)
    assert report.counts["fetched"] == 1
    assert isinstance(page, RawPage) and "خبر" in page.html


def test_settings_come_from_the_environment():
    settings = FetchSettings.from_env(
        {"AKHBAR_FETCH_USER_AGENT": "desk-bot/2 (+mailto:desk@x.test)",
         "AKHBAR_FETCH_TIMEOUT": "2.5", "AKHBAR_FETCH_RETRIES": "0",
         "AKHBAR_FETCH_RESPECT_ROBOTS": "true", "UNRELATED": "x"}
    )  # fmt: skip
    assert settings.user_agent == "desk-bot/2 (+mailto:desk@x.test)"
    assert (settings.timeout, settings.retries, settings.respect_robots) == (2.5, 0, True)
    assert settings.max_body_bytes == FetchSettings().max_body_bytes
    with pytest.raises(ValueError, match="AKHBAR_FETCH_TIMEOUT='soon'"):
        FetchSettings.from_env({"AKHBAR_FETCH_TIMEOUT": "soon"})
