"""Find the article URLs a source published on one logical date.

Three kinds of discovery document, all optional per source:

* RSS / Atom / RDF feeds: items whose publication date is the day;
* sitemaps: news sitemaps (``news:publication_date``) or plain ones
  (``lastmod``), reached through sitemap indexes (gzip or not), skipping child
  sitemaps last modified before the day or named for another month or day;
* a per-day archive page: its same-site links.

Dates are compared in UTC, the timezone of the pipeline's logical dates.
Items without any date are left out: a run for a past date must not pick up
whatever a feed shows today. Every URL is canonicalised and filtered through
the source's allow/deny patterns. A broken document becomes a ``Reject`` with
stage ``discover``; the other documents still count.
"""

from __future__ import annotations

import email.utils
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from urllib.parse import urljoin, urlsplit
from xml.etree.ElementTree import Element

import lxml.html
from dateutil import parser as date_parser
from lxml import etree

from pipeline.fetch.conditional import ConditionalCache
from pipeline.fetch.http import FetchError, PoliteClient
from pipeline.fetch.safety import UnsafeURLError, check_scheme
from pipeline.fetch.urls import canonicalize_url
from pipeline.fetch.xml import UnsafeContentError, local_name, parse_xml
from pipeline.records import Reject
from pipeline.sources import Source
from pipeline.warc import decode_html

STAGE = "discover"


@dataclass
class Discovery:
    """Canonical article URLs for the day, in first-seen order, and what failed."""

    urls: list[str] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


class _Discoverer:
    def __init__(
        self, source: Source, day: date, client: PoliteClient, cache: ConditionalCache
    ) -> None:
        self.source = source
        self.day = day
        self.client = client
        self.cache = cache
        self.found: dict[str, None] = {}
        self.rejects: list[Reject] = []
        self._sitemap_limit_hit = False
        self._allow = re.compile(source.allow) if source.allow else None
        self._deny = re.compile(source.deny) if source.deny else None
        self._sitemaps_read = 0

    def add(self, url: str, found_in: str) -> None:
        url = url.strip()
        try:
            check_scheme(url)
            canonical = canonicalize_url(url)
        except (UnsafeURLError, ValueError) as exc:
            self.reject(url[:2000], "unsafe_url", f"linked from {found_in}: {exc}")
            return
        if self._allow and not self._allow.search(canonical):
            return
        if self._deny and self._deny.search(canonical):
            return
        self.found.setdefault(canonical, None)

    def reject(self, url: str, reason: str, detail: str = "") -> None:
        self.rejects.append(Reject(self.source.id, url, STAGE, reason, detail))

    def document(self, url: str, role: str) -> bytes | None:
        """A discovery document's decoded bytes, via a conditional GET when possible."""
        settings = self.client.settings
        result = self.client.fetch(url, role, extra_headers=self.cache.validators(url))
        final = result.final
        if not result.ok or final is None:
            error = result.error or FetchError("fetch_failed")
            self.reject(url, error.reason, error.detail)
            return None
        try:
            if final.status == 304:
                cached = self.cache.body(url)
                if cached is None:
                    self.reject(url, "cache_missing", "304 Not Modified but no cached copy")
                return cached
            body = final.content(settings.max_inflated_bytes)
        except UnsafeContentError as exc:
            self.reject(url, "bad_encoding", str(exc))
            return None
        self.cache.store(url, final.header("etag"), final.header("last-modified"), body)
        return body

    def xml(self, url: str, role: str) -> Element | None:
        data = self.document(url, role)
        if data is None:
            return None
        try:
            return parse_xml(data, self.client.settings.max_inflated_bytes)
        except UnsafeContentError as exc:
            self.reject(url, "bad_xml", str(exc))
            return None

    # -- feeds

    def feed(self, url: str) -> None:
        root = self.xml(url, "feed")
        if root is None:
            return
        items = [el for el in root.iter() if local_name(el) in ("item", "entry")]
        if not items and local_name(root) not in ("rss", "feed", "RDF"):
            self.reject(url, "bad_xml", f"not a feed: root element <{local_name(root)}>")
        for item in items:
            link = _feed_link(item)
            published = _first_date(
                item, ("pubDate", "published", "date", "updated", "issued", "modified")
            )
            if link and published == self.day:
                self.add(urljoin(url, link), url)

    # -- sitemaps

    def sitemap(self, url: str, depth: int = 0) -> None:
        settings = self.client.settings
        if self._sitemaps_read >= settings.max_sitemaps:
            if not self._sitemap_limit_hit:  # say it once, not once per skipped sitemap
                self._sitemap_limit_hit = True
                self.reject(url, "sitemap_limit", f"more than {settings.max_sitemaps} sitemaps")
            return
        self._sitemaps_read += 1
        root = self.xml(url, "sitemap")
        if root is None:
            return
        kind = local_name(root)
        if kind == "sitemapindex":
            if depth >= settings.max_sitemap_depth:
                self.reject(url, "sitemap_depth", f"index nested deeper than {depth}")
                return
            for child in root:
                loc = _child_text(child, "loc")
                lastmod = _parse_date(_child_text(child, "lastmod"))
                if not loc or (lastmod is not None and lastmod < self.day):
                    continue  # last changed before the day: cannot list the day's articles
                if not _names_other_period(loc, self.day):
                    self.sitemap(urljoin(url, loc), depth + 1)
        elif kind == "urlset":
            for entry in root:
                loc = _child_text(entry, "loc")
                published = _first_date(entry, ("publication_date",)) or _first_date(
                    entry, ("lastmod",)
                )
                if loc and published == self.day:
                    self.add(urljoin(url, loc), url)
        else:
            self.reject(url, "bad_xml", f"not a sitemap: root element <{kind}>")

    # -- archive pages

    def archive(self, url: str) -> None:
        data = self.document(url, "archive")
        if not data:
            return
        try:
            tree = lxml.html.document_fromstring(decode_html(data))
        except (ValueError, etree.ParserError) as exc:
            self.reject(url, "bad_html", str(exc))
            return
        site = urlsplit(url).hostname
        skip = {canonicalize_url(url), canonicalize_url(self.source.home)}
        for anchor in tree.iter("a"):
            href = anchor.get("href")
            if not href:
                continue
            link = urljoin(url, href.strip())
            if urlsplit(link).hostname == site and canonicalize_url(link) not in skip:
                self.add(link, url)


def discover(source: Source, day: date, client: PoliteClient, cache: ConditionalCache) -> Discovery:
    """All article URLs of ``source`` for ``day`` from its feeds, sitemaps and archive."""
    finder = _Discoverer(source, day, client, cache)
    archive_url = source.archive_url(day)
    jobs = [(finder.feed, url) for url in source.feeds]
    jobs += [(finder.sitemap, url) for url in source.sitemaps]
    jobs += [(finder.archive, archive_url)] if archive_url else []
    for read, url in jobs:
        try:
            read(url)
        except Exception as exc:  # isolation boundary: one bad document never ends the run
            finder.reject(url, "unexpected_error", repr(exc))
    return Discovery(urls=list(finder.found), rejects=finder.rejects)


# A year-month (and maybe day) in a child sitemap's name: sitemap-2024-03.xml,
# /sitemaps/2024/03/05.xml, news_2024_03_05.xml.
_PERIOD = re.compile(
    r"(?<!\d)((?:19|20)\d{2})[-/_](0[1-9]|1[0-2])(?:[-/_](0[1-9]|[12]\d|3[01]))?(?!\d)"
)


def _names_other_period(url: str, day: date) -> bool:
    """Does a child sitemap's URL name a month or day other than ``day``?

    Big news sites split sitemaps by month or day; reading only the right one
    is what makes a backfill of one date cheap.
    """
    match = _PERIOD.search(urlsplit(url).path)
    if match is None:
        return False
    year, month, dom = match.groups()
    if (int(year), int(month)) != (day.year, day.month):
        return True
    return dom is not None and int(dom) != day.day


def _feed_link(item: Element) -> str | None:
    """The article link of an RSS item or Atom entry."""
    for child in item:
        name = local_name(child)
        if name == "link":
            href = child.get("href")
            if href is not None:  # Atom
                if child.get("rel", "alternate") == "alternate":
                    return href
            elif child.text and child.text.strip():  # RSS
                return child.text.strip()
    for child in item:
        if local_name(child) == "guid" and child.get("isPermaLink", "true") == "true":
            text = (child.text or "").strip()
            if text.startswith(("http://", "https://")):
                return text
    return None


def _child_text(element: Element, name: str) -> str | None:
    for child in element:
        if local_name(child) == name:
            return (child.text or "").strip() or None
    return None


def _first_date(element: Element, names: tuple[str, ...]) -> date | None:
    """UTC date of the first child (at any depth) named in ``names``, in that order."""
    by_name: dict[str, str] = {}
    for child in element.iter():
        name = local_name(child)
        if name in names and name not in by_name and child.text:
            by_name[name] = child.text
    for name in names:
        parsed = _parse_date(by_name.get(name))
        if parsed is not None:
            return parsed
    return None


def _parse_date(value: str | None) -> date | None:
    """RFC 822 (RSS) or ISO 8601 (Atom, sitemaps) to a UTC date; naive means UTC."""
    if not value:
        return None
    value = value.strip()
    moment: datetime | None
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        try:
            moment = date_parser.isoparse(value)
        except (ValueError, OverflowError):
            return None
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(UTC).date()
