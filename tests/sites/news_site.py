"""A small but realistic Arabic news site, served on 127.0.0.1 for offline tests.

Built at run time from real articles (dicts with ``title`` and ``body``, as in
``shared/data/corpus/articles.jsonl``): a home page, RSS and Atom feeds, a
gzip news sitemap behind a sitemap index, a per-day archive page and article
pages wrapped in the boilerplate real sites have (navigation, breadcrumbs,
share buttons, related links, cookie banner, footer). robots.txt disallows
``/private/``.

With ``hostile=True`` the site also links, from its RSS feed and its feed
list, the misbehaving endpoints a crawler meets in the wild; ``HOSTILE``
says what each one does and how ingest must end for it.

Usage::

    with serve_news_site(articles, day) as site:
        source = site.source()          # a pipeline.sources.Source for the site
        site.base_url, site.good_urls   # what must arrive, exactly once
        site.requests                   # paths the server saw, in order
"""

from __future__ import annotations

import contextlib
import gzip
import html
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

from pipeline.sources import Source, load_sources

SITE_NAME = "أخبار الساحل"
ARTICLE_ALLOW = r"/(news|hostile|private)/"
HUGE_BYTES = 50 * 1024 * 1024

# path -> (what the endpoint does, how ingest must end: "article" or "<stage>:<reason>")
HOSTILE: dict[str, tuple[str, str]] = {
    "/hostile/slow": ("sends nothing for 3 s", "fetch:timeout"),
    "/hostile/drip": ("sends one byte every 0.25 s", "fetch:timeout"),
    "/hostile/flaky": ("500 on the first request, then the article", "article"),
    "/hostile/ratelimited": ("429 Retry-After: 1, then the article", "article"),
    "/hostile/cp1256": ("windows-1256 bytes labelled UTF-8", "article"),
    "/hostile/loop-a": ("redirects to loop-b, which redirects back", "fetch:redirect_loop"),
    "/hostile/to-private": ("redirects to http://10.0.0.1/", "fetch:unsafe_address"),
    "/hostile/to-metadata": ("redirects to 169.254.169.254", "fetch:unsafe_address"),
    "/hostile/empty": ("200 with an empty body", "warc:empty_body"),
    "/hostile/binary": ("200 text/html with PNG bytes", "warc:binary"),
    "/hostile/huge": ("a 50 MB body with Content-Length", "fetch:body_too_large"),
    "/hostile/huge-stream": ("a 50 MB body without Content-Length", "fetch:body_too_large"),
    "/hostile/gone": ("404", "fetch:http_status"),
    "/private/leak": ("under a robots.txt Disallow", "fetch:robots_disallowed"),
}
# Feeds that are themselves hostile: they end as discover-stage rejects.
HOSTILE_FEEDS: dict[str, tuple[str, str]] = {
    "/feeds/broken.xml": ("malformed XML", "discover:bad_xml"),
    "/feeds/bomb.xml": ("billion-laughs entity bomb", "discover:bad_xml"),
}


@dataclass
class NewsSite:
    """A running site: where it is, what it holds, what it was asked for."""

    base_url: str
    day: date
    good_paths: list[str]
    old_paths: list[str]
    titles: dict[str, str]
    hostile: bool
    requests: list[str] = field(default_factory=list)
    user_agents: set[str] = field(default_factory=set)
    hits: Counter = field(default_factory=Counter)

    def __str__(self) -> str:
        return self.base_url

    def url(self, path: str) -> str:
        return self.base_url + path

    @property
    def good_urls(self) -> list[str]:
        """Every article of ``day`` that a correct ingest delivers (hostile-but-good included)."""
        extra = [p for p, (_, outcome) in HOSTILE.items() if outcome == "article"]
        return [self.url(p) for p in self.good_paths + (extra if self.hostile else [])]

    def expected_rejects(self) -> dict[str, str]:
        """URL -> "<stage>:<reason>" for every hostile endpoint and feed."""
        if not self.hostile:
            return {}
        expected = {self.url(p): o for p, (_, o) in HOSTILE.items() if o != "article"}
        expected.update({self.url(p): o for p, (_, o) in HOSTILE_FEEDS.items()})
        expected["file:///etc/passwd"] = "discover:unsafe_url"
        expected["http://127.0.0.1:9/news/internal-service"] = "fetch:unsafe_address"
        return expected

    def source(self, source_id: str = "testsite", **overrides: object) -> Source:
        """A Source for this site (loopback allowed, fast politeness for tests)."""
        feeds = [self.url("/rss.xml"), self.url("/atom.xml")]
        if self.hostile:
            feeds += [self.url(p) for p in HOSTILE_FEEDS]
        source = Source(
            id=source_id,
            name=SITE_NAME,
            home=self.url("/"),
            language="ar",
            country="QAT",
            feeds=feeds,
            sitemaps=[self.url("/sitemap_index.xml.gz")],
            archive_pattern=self.base_url + "/archive/{date:%Y/%m/%d}",
            rate_per_second=200.0,
            concurrency=4,
            allow=ARTICLE_ALLOW,
            allow_private=True,
        )
        return replace(source, **overrides)

    def write_sources_yaml(self, path: str | Path, source_id: str = "testsite") -> Path:
        """A sources.yaml holding this site (for CLI and DAG-level tests); validated."""
        source = self.source(source_id)
        entry = {
            key: getattr(source, key)
            for key in (
                "id",
                "name",
                "home",
                "language",
                "country",
                "feeds",
                "sitemaps",
                "archive_pattern",
                "rate_per_second",
                "concurrency",
                "allow",
                "allow_private",
            )
        }
        path = Path(path)
        path.write_text(yaml.safe_dump({"sources": [entry]}, allow_unicode=True), "utf-8")
        load_sources(path)
        return path


@contextmanager
def serve_news_site(articles: list[dict], day: date, *, hostile: bool = True) -> Iterator[NewsSite]:
    """Serve ``articles`` as a news site publishing on ``day`` (and the day before).

    A quarter of the articles (at least one) are dated the day before and must
    not be discovered for ``day``. Needs at least four articles, plus three more
    for the hostile-but-good pages when ``hostile``.
    """
    articles = [a for a in articles if a.get("title") and a.get("body")]
    spare = articles[-3:] if hostile else []
    articles = articles[: len(articles) - len(spare)]
    if len(articles) < 4:
        raise ValueError("serve_news_site needs at least 4 articles with title and body")
    n_old = max(1, len(articles) // 4)
    pages: dict[str, tuple[dict, datetime]] = {}
    noon = datetime.combine(day, dtime(12, 0), UTC)
    for i, article in enumerate(articles):
        when = noon - timedelta(days=1) if i < n_old else noon + timedelta(minutes=7 * i)
        pages[f"/news/{when:%Y/%m/%d}/{i:05d}.html"] = (article, when)
    extra = dict(
        zip(["/hostile/flaky", "/hostile/ratelimited", "/hostile/cp1256"], spare, strict=False)
    )
    for path, article in extra.items():
        pages[path] = (article, noon)
    paths = list(pages)
    site_state = _SiteContent(pages, paths[:n_old], paths[n_old : len(articles)], day, hostile)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(site_state))
    server.daemon_threads = True
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    site = NewsSite(
        base_url=base_url,
        day=day,
        good_paths=site_state.good_paths,
        old_paths=site_state.old_paths,
        titles={base_url + p: a["title"] for p, (a, _) in pages.items()},
        hostile=hostile,
    )
    site_state.site = site
    site_state.base_url = base_url
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class _SiteContent:
    """Renders every page of the site; shared by the handler threads."""

    def __init__(
        self, pages: dict, old_paths: list[str], good_paths: list[str], day: date, hostile: bool
    ) -> None:
        self.pages = pages
        self.old_paths = old_paths
        self.good_paths = good_paths
        self.day = day
        self.hostile = hostile
        self.base_url = ""
        self.site: NewsSite | None = None
        self.lock = threading.Lock()

    # -- documents

    def rss(self) -> bytes:
        items = []
        paths = self.old_paths + self.good_paths[0::2]
        if self.hostile:
            paths += list(HOSTILE)
        for path in paths:
            article, when = self.pages.get(path, ({"title": path}, self._noon()))
            link = self.base_url + path
            if path == self.good_paths[0]:
                link += "?utm_source=rss&utm_medium=feed#comments"  # same article, tracked
            items.append(
                f"<item><title>{html.escape(article['title'])}</title><link>{html.escape(link)}"
                f"</link><pubDate>{format_datetime(when)}</pubDate>"
                f'<guid isPermaLink="false">{html.escape(path)}</guid></item>'
            )
        if self.hostile:
            for link in ("file:///etc/passwd", "http://127.0.0.1:9/news/internal-service"):
                items.append(
                    f"<item><title>x</title><link>{link}</link>"
                    f"<pubDate>{format_datetime(self._noon())}</pubDate></item>"
                )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            f"<title>{SITE_NAME}</title><link>{self.base_url}/</link>"
            f"<language>ar</language>{''.join(items)}</channel></rss>"
        ).encode()

    def atom(self) -> bytes:
        entries = []
        for path in self.old_paths + self.good_paths[1::2]:
            article, when = self.pages[path]
            entries.append(
                f"<entry><title>{html.escape(article['title'])}</title>"
                f'<link rel="alternate" href="{self.base_url}{path}"/>'
                f'<link rel="enclosure" href="{self.base_url}/media/photo.jpg"/>'
                f"<id>tag:site,{path}</id><published>{when.isoformat()}</published>"
                f"<updated>{when.isoformat()}</updated></entry>"
            )
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{SITE_NAME}</title><id>{self.base_url}/</id>"
            f"<updated>{self._noon().isoformat()}</updated>{''.join(entries)}</feed>"
        ).encode()

    def sitemap_index(self) -> bytes:
        """A gzip sitemap index: today's gzip news sitemap and yesterday's archive."""
        yesterday = self.day - timedelta(days=1)
        return gzip.compress(
            (
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<sitemap><loc>{self.base_url}/sitemaps/news-{self.day}.xml.gz</loc>"
                f"<lastmod>{self.day}T23:00:00+00:00</lastmod></sitemap>"
                f"<sitemap><loc>{self.base_url}/sitemaps/archive-{yesterday}.xml</loc>"
                f"<lastmod>{yesterday}T23:00:00+00:00</lastmod></sitemap>"
                "</sitemapindex>"
            ).encode()
        )

    def news_sitemap(self) -> bytes:
        urls = []
        for path in self.old_paths + self.good_paths:
            article, when = self.pages[path]
            urls.append(
                f"<url><loc>{self.base_url}{path}</loc><news:news><news:publication>"
                f"<news:name>{SITE_NAME}</news:name><news:language>ar</news:language>"
                f"</news:publication><news:publication_date>{when.isoformat()}"
                f"</news:publication_date><news:title>{html.escape(article['title'])}"
                "</news:title></news:news></url>"
            )
        return gzip.compress(
            (
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
                f"{''.join(urls)}</urlset>"
            ).encode()
        )

    def archive(self) -> bytes:
        links = "".join(
            f'<li><a href="{path}">{html.escape(self.pages[path][0]["title"])}</a></li>'
            for path in self.good_paths
        )
        return self._layout(f"أرشيف {self.day}", f"<ul class='archive'>{links}</ul>").encode()

    def home(self) -> bytes:
        links = "".join(
            f'<li><a href="{path}">{html.escape(self.pages[path][0]["title"])}</a></li>'
            for path in self.good_paths[:10]
        )
        return self._layout(SITE_NAME, f"<ul class='latest'>{links}</ul>").encode()

    def article(self, path: str) -> bytes:
        article, when = self.pages[path]
        title = html.escape(article["title"])
        paragraphs = "".join(
            f"<p>{html.escape(p.strip())}</p>" for p in article["body"].split("\n") if p.strip()
        )
        related = "".join(
            f'<li><a href="{p}">{html.escape(self.pages[p][0]["title"])}</a></li>'
            for p in self.good_paths[:3]
            if p != path
        )
        main = (
            f'<nav class="breadcrumb"><a href="/">الرئيسية</a> › <a href="/section/politics">'
            f"سياسة</a></nav><article><h1>{title}</h1>"
            f'<div class="meta"><time datetime="{when.isoformat()}">{when:%Y-%m-%d %H:%M}</time>'
            f' <span class="author">{SITE_NAME} - متابعات</span></div>'
            '<div class="share">شارك: <a href="#">فيسبوك</a> <a href="#">تويتر</a>'
            ' <a href="#">واتساب</a></div>'
            '<div class="font-size">+ الخط -</div>'
            f'<div class="article-body">{paragraphs}</div></article>'
            f'<aside class="related"><h3>اقرأ أيضا</h3><ul>{related}</ul></aside>'
        )
        head = (
            f'<meta property="og:title" content="{title}">'
            f'<meta property="article:published_time" content="{when.isoformat()}">'
            f'<link rel="canonical" href="{self.base_url}{path}">'
        )
        return self._layout(article["title"], main, head).encode()

    def _layout(self, title: str, main: str, head: str = "") -> str:
        return (
            '<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)} | {SITE_NAME}</title>{head}"
            "<script>window.dataLayer=window.dataLayer||[];</script></head><body>"
            f'<header><a class="logo" href="/">{SITE_NAME}</a><nav><a href="/">الرئيسية</a>'
            ' <a href="/section/politics">سياسة</a> <a href="/section/economy">اقتصاد</a>'
            ' <a href="/section/sport">رياضة</a> <a href="/about">من نحن</a></nav></header>'
            f"<main>{main}</main>"
            '<div class="cookies">نستخدم ملفات تعريف الارتباط لتحسين تجربتك. <button>موافق'
            "</button></div>"
            f"<footer>جميع الحقوق محفوظة © {SITE_NAME} {self.day.year}"
            ' <a href="/privacy">سياسة الخصوصية</a></footer></body></html>'
        )

    def _noon(self) -> datetime:
        return datetime.combine(self.day, dtime(12, 0), UTC)


def _make_handler(content: _SiteContent) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out as separate writes: without this, Nagle plus
        # delayed ACKs stall every keep-alive response by 40 ms.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the site records requests in ``NewsSite.requests`` instead."""

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            site = content.site
            assert site is not None
            with content.lock:
                site.requests.append(self.path)
                site.user_agents.add(self.headers.get("User-Agent", ""))
                site.hits[path] += 1
                hit = site.hits[path]
            # The crawler hangs up on purpose when a size or time limit is hit.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._route(path, hit)

        def _send(
            self,
            status: int,
            body: bytes,
            content_type: str = "text/html; charset=utf-8",
            headers: dict[str, str] | None = None,
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

        def _route(self, path: str, hit: int) -> None:
            day = content.day
            static = {
                "/": (content.home, "text/html; charset=utf-8"),
                "/rss.xml": (content.rss, "application/rss+xml; charset=utf-8"),
                "/atom.xml": (content.atom, "application/atom+xml; charset=utf-8"),
                "/sitemap_index.xml.gz": (content.sitemap_index, "application/gzip"),
                f"/sitemaps/news-{day}.xml.gz": (content.news_sitemap, "application/x-gzip"),
                f"/archive/{day:%Y/%m/%d}": (content.archive, "text/html; charset=utf-8"),
            }
            if path == "/robots.txt":
                self._send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
            elif path in static:
                render, content_type = static[path]
                self._send(200, render(), content_type)
            elif path.startswith("/hostile/") or path.startswith("/feeds/"):
                self._hostile(path, hit)
            elif path in content.pages:
                self._send(200, content.article(path))
            else:
                self._send(404, b"<html><body>404</body></html>")

        def _hostile(self, path: str, hit: int) -> None:
            if path == "/hostile/slow":
                time.sleep(3)
                self._send(200, b"<html><body>too late</body></html>")
            elif path == "/hostile/drip":
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", "100")
                self.end_headers()
                for _ in range(100):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.25)
            elif path == "/hostile/flaky" and hit == 1:
                self._send(500, b"<html><body>Internal Server Error</body></html>")
            elif path == "/hostile/ratelimited" and hit == 1:
                self._send(429, b"slow down", "text/plain", {"Retry-After": "1"})
            elif path == "/hostile/cp1256":
                body = content.article(path).decode("utf-8").encode("windows-1256", "replace")
                self._send(200, body, "text/html; charset=utf-8")
            elif path in ("/hostile/flaky", "/hostile/ratelimited"):
                self._send(200, content.article(path))
            elif path == "/hostile/loop-a":
                self._send(302, b"", headers={"Location": "/hostile/loop-b"})
            elif path == "/hostile/loop-b":
                self._send(301, b"", headers={"Location": content.base_url + "/hostile/loop-a"})
            elif path == "/hostile/to-private":
                self._send(302, b"", headers={"Location": "http://10.0.0.1/admin"})
            elif path == "/hostile/to-metadata":
                self._send(302, b"", headers={"Location": "http://169.254.169.254/latest/"})
            elif path == "/hostile/empty":
                self._send(200, b"")
            elif path == "/hostile/binary":
                self._send(200, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64)
            elif path in ("/hostile/huge", "/hostile/huge-stream"):
                self._huge(with_length=path == "/hostile/huge")
            elif path == "/feeds/broken.xml":
                self._send(
                    200,
                    b"<?xml version='1.0'?><rss><channel><item><title>unclosed",
                    "application/rss+xml",
                )
            elif path == "/feeds/bomb.xml":
                self._send(200, _entity_bomb(), "application/rss+xml")
            else:
                self._send(404, b"<html><body>404</body></html>")

        def _huge(self, with_length: bool) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            if with_length:
                self.send_header("Content-Length", str(HUGE_BYTES))
            else:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            chunk = b"<p>" + b"x" * (1024 * 1024 - 3)
            for _ in range(HUGE_BYTES // len(chunk)):
                self.wfile.write(chunk)

    return Handler


def _entity_bomb() -> bytes:
    """The classic "billion laughs": ten nested entities, each ten of the previous."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    ]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [' + "".join(entities) + "]>"
        "<rss><channel><item><title>&lol9;</title></item></channel></rss>"
    ).encode()
