"""WARC archives as entries: local files, http(s) URLs and CC-NEWS listings.

Records are read with :func:`pipeline.warc.iter_pages`, the one WARC reader,
so foreign archives are judged exactly like our own bronze: revisits,
requests and metadata are skipped; truncated, binary, non-HTML or garbled
records become rejects with its reasons. A page is dated by the publication
time in its metadata when the HTML states one, else by its capture time; a
reject takes the date of the page before it in the file (crawls are written
in time order), so it lands in the partition the broken record came from.

Common Crawl's CC-NEWS publishes one ``warc.paths.gz`` listing per month;
its lines are paths relative to the listing host (``crawl-data/CC-NEWS/...``).
"""

from __future__ import annotations

import functools
import gzip
import re
import tempfile
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO
from urllib.parse import urljoin, urlsplit

import httpx
from warcio.archiveiterator import ArchiveIterator

from pipeline.backfill.dates import parse_moment
from pipeline.backfill.entries import Entry, page_entry, reject_entry
from pipeline.records import RawPage
from pipeline.warc import iter_pages

HTML_TYPE = "text/html; charset=utf-8"
TEXT_TYPE = "text/plain; charset=utf-8"
LISTING_SUFFIXES = (".paths.gz", ".paths", ".paths.txt")
USER_AGENT = "akhbar-backfill/0.1"
# A CC-NEWS file named for day F holds pages crawled on F, published then or a
# little before: a day's pages are looked for in the files of the next few days.
CRAWL_LAG_DAYS = 2
_FILE_DAY = re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})\d{6}(?!\d)")
_META_TAG = re.compile(
    r"<meta\b[^>]*(?:property|name|itemprop)\s*=\s*[\"'](?:article:published_time|"
    r"og:published_time|datePublished|pubdate|publishdate|publish-date)[\"'][^>]*>",
    re.IGNORECASE,
)
_CONTENT = re.compile(r"content\s*=\s*[\"']([^\"']+)", re.IGNORECASE)
_JSONLD_DATE = re.compile(r"\"datePublished\"\s*:\s*\"([^\"]+)\"")
_PROBE_CHARS = 200_000


class ArchiveFetchError(RuntimeError):
    """A remote archive file or listing could not be downloaded."""


def is_url(value: str) -> bool:
    return urlsplit(value).scheme in ("http", "https")


def is_listing(value: str) -> bool:
    return urlsplit(value).path.lower().endswith(LISTING_SUFFIXES)


def file_day(name: str) -> date | None:
    """The crawl day in a CC-NEWS file name (``CC-NEWS-20160619123456-00012``)."""
    match = _FILE_DAY.search(name.rsplit("/", 1)[-1])
    if not match:
        return None
    try:
        return date(*(int(group) for group in match.groups()))
    except ValueError:
        return None


def listing_files(listing: str, text: str) -> list[str]:
    """The WARC locations of a listing, resolved like Common Crawl's own tools:
    absolute URLs as they are, other lines against the listing's host (URL
    listings) or folder (local listings)."""
    files = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if is_url(line):
            files.append(line)
        elif is_url(listing):
            files.append(urljoin(listing, "/" + line.lstrip("/")))
        else:
            files.append(str(Path(listing).parent / line))
    return files


@functools.lru_cache(maxsize=16)
def read_listing(listing: str) -> str:
    """A listing's text (gunzipped when it is gzip); read once per process, as
    every day of a backfill consults it."""
    data = _download_bytes(listing) if is_url(listing) else Path(listing).read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace")


def files_for_days(files: list[str], first: date, last: date) -> list[str]:
    """Listed files that may hold pages of ``first``..``last`` (files whose name
    carries no date are always kept)."""
    kept = []
    for name in files:
        day = file_day(name)
        if day is None or first <= day <= last + timedelta(days=CRAWL_LAG_DAYS):
            kept.append(name)
    return kept


def warc_entries(location: str, workdir: Path) -> Iterator[Entry]:
    """Entries of one WARC file or URL (downloaded into ``workdir`` first)."""
    if not is_url(location):
        yield from _file_entries(Path(location), location)
        return
    with tempfile.NamedTemporaryFile(dir=workdir, suffix=".warc.tmp") as tmp:
        try:
            _download_to(location, tmp)
        except ArchiveFetchError as exc:
            yield reject_entry(None, location, "warc", "download_failed", str(exc))
            return
        yield from _file_entries(Path(tmp.name), location)


def _file_entries(path: Path, location: str) -> Iterator[Entry]:
    current: date | None = None
    waiting: list[Entry] = []  # rejects before the first dated page
    try:
        pages = iter_pages(path, "backfill", date.min)
        for item in pages:
            if isinstance(item, RawPage):
                entry = _page(item)
                current = entry.day or current
                if current is not None and waiting:
                    yield from (Entry(current, e.host, e.payload) for e in waiting)
                    waiting.clear()
                yield entry
                continue
            url = location if item.url == str(path) else item.url
            reject = reject_entry(current, url, item.stage, item.reason, item.detail)
            if current is None:
                waiting.append(reject)
            else:
                yield reject
    except OSError as exc:
        yield reject_entry(current, location, "warc", "unreadable_file", str(exc))
    if waiting:  # not one page in the file: date each reject by its own capture time
        captured = _capture_days(path)
        yield from (Entry(captured.get(e.payload["url"]), e.host, e.payload) for e in waiting)


def _capture_days(path: Path) -> dict[str, date]:
    """Capture day of each record URL, from WARC headers alone (as far as the
    file can be read)."""
    days: dict[str, date] = {}
    try:
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                url = record.rec_headers.get_header("WARC-Target-URI") or ""
                moment = parse_moment(record.rec_headers.get_header("WARC-Date") or "")
                if url and moment:
                    days.setdefault(url, moment.date())
    except Exception:  # a damaged file: keep the days read before the damage
        pass
    return days


def _page(page: RawPage) -> Entry:
    html = page.html
    published = _stated_published(html) if html is not None else None
    moment = published or page.fetched_at
    day = moment.date() if moment else None
    if html is not None:
        return page_entry(day, page.url, moment, html, HTML_TYPE)
    return page_entry(day, page.url, moment, page.text or "", TEXT_TYPE)


def _stated_published(html: str) -> datetime | None:
    """The publication time the page's metadata states (Open Graph, JSON-LD)."""
    head = html[:_PROBE_CHARS]
    for tag in _META_TAG.finditer(head):
        content = _CONTENT.search(tag.group())
        if content and (moment := parse_moment(content.group(1))):
            return moment
    match = _JSONLD_DATE.search(head)
    return parse_moment(match.group(1)) if match else None


def _client() -> httpx.Client:
    return httpx.Client(timeout=httpx.Timeout(60.0, connect=20.0), follow_redirects=True,
                        headers={"User-Agent": USER_AGENT})


def _download_bytes(url: str) -> bytes:
    try:
        with _client() as client:
            response = client.get(url)
            response.raise_for_status()
            return response.content
    except httpx.HTTPError as exc:
        raise ArchiveFetchError(f"{url}: {exc}") from exc


def _download_to(url: str, target: IO[bytes]) -> None:
    try:
        with _client() as client, client.stream("GET", url) as response:
            response.raise_for_status()
            for chunk in response.iter_raw(1 << 20):
                target.write(chunk)
        target.flush()
    except httpx.HTTPError as exc:
        raise ArchiveFetchError(f"{url}: {exc}") from exc
