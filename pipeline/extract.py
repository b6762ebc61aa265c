"""Extract and clean one page: HTML (via trafilatura) or a plain-text dump.

This is the whole "extract+clean" stage for a single :class:`RawPage`. The
result keeps the original letters of title and body; every comparison inside
uses the matching form from :mod:`pipeline.normalize`. Input that cannot yield
an article raises :class:`ExtractionError` with a short machine reason, which
the caller records as a Reject, so one bad page never stops a run.
"""

from __future__ import annotations

import json
import re
from contextlib import suppress
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import trafilatura
from dateutil.parser import isoparse
from htmldate import find_date
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.json_metadata import normalize_authors
from trafilatura.metadata import (
    META_URL,
    Document,
    examine_meta,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.utils import load_html, trim
from trafilatura.xml import delete_element

from pipeline.arabic_dates import parse_date
from pipeline.boilerplate import BoilerplateModel
from pipeline.clean import (
    SITE_SEPARATOR,
    clean_body,
    compact_key,
    headline_keys,
    is_dateline,
)
from pipeline.language import detect_language
from pipeline.normalize import matching_key, strip_invisible
from pipeline.records import RawPage

EXTRACTOR_VERSION = f"akhbar-extract-1/trafilatura-{trafilatura.__version__}"

# News pages are 50-500 kB; a few MB is a listing, a feed dump or an attack.
# Beyond this the page is rejected rather than parsed (lxml and trafilatura
# are superlinear on pathological trees).
MAX_INPUT_CHARS = 5_000_000
# Fewer words than this after cleaning is a stub, a paywall or a gallery.
MIN_BODY_WORDS = 5
# Datelines sit in the first lines of the page text, before the story.
_DATELINE_SCAN_LINES = 8

# Characters of a description that must open the lead block it came from.
_LEAD_PROBE_CHARS = 60
# Page chrome: a lead is never inside these.
_CHROME = frozenset({"header", "nav", "aside", "footer"})

# Share of control/replacement characters above which input is not text.
_MAX_JUNK_SHARE = 0.05
_JUNK = re.compile("[\x00-\x08\x0e-\x1f\ufffd]")

# Structured publication-date metadata, most specific first.
_META_DATE_XPATHS = (
    '//meta[@property="article:published_time"]/@content',
    '//meta[@property="og:article:published_time"]/@content',
    '//meta[@itemprop="datePublished"]/@content',
    '//*[@itemprop="datePublished"]/@datetime',
    '//meta[@name="pubdate" or @name="publishdate" or @name="publish-date"]/@content',
    '//meta[@name="date" or @name="DC.date.issued" or @name="dcterms.created"]/@content',
)


# Byline rules of trafilatura 2.3.1 (xpaths.AUTHOR_XPATHS and
# AUTHOR_DISCARD_XPATHS), evaluated in one pass in Python (see _byline_author);
# its `rel='me'` test, which asks for a child element named `rel`, is left out.
# Elements that may carry a byline, most specific rule first:
_BYLINE_TAGS = frozenset({"a", "address", "div", "link", "p", "span", "strong"})
_BYLINE_CLASS = re.compile("author-?name|AuthorName|authorName")
_BYLINE_LOOSE_TAGS = frozenset({"a", "div", "h3", "h4", "p", "span"})
_BYLINE_LOOSE_CLASSES = frozenset({"byline", "username", "byl", "BBL"})
_BYLINE_LOOSE_ID = re.compile("author|zuozhe|bianji|xiaobian")
_BYLINE_LOOSE_CLASS = re.compile(
    "author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name"
)
_BYLINE_ANY_ID = re.compile("[Aa]uthor")
_BYLINE_ANY_CLASS = re.compile("[Aa]uthor|screenname|writer|[Bb]yline")
# Some attribute value of every element the rules above accept contains one of
# these: a cheap first test, since most elements of a page carry no byline.
_BYLINE_HINT = re.compile(
    "uthor|yl|BBL|sername|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by"
    "|journalist-name|screenname|writer"
)
# Where a byline is never taken from: comments, sidebars, share and print
# widgets, dates and figures.
_NOT_BYLINE_TAGS = frozenset({"time", "figure"})
_NOT_BYLINE_HOST_TAGS = frozenset({"a", "div", "section", "span"})
_NOT_BYLINE_CLASSES = frozenset({"comments", "title", "date"})
_NOT_BYLINE_ID = re.compile("^comments|comment-?list|ProductReviews")
_NOT_BYLINE_CLASS = re.compile(
    "^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram"
    "|article-(?:share|support)|print|category|meta-date|meta-reviewer"
)
# A byline's text is longer than this and shorter than the next (trafilatura's limits).
_MIN_BYLINE_CHARS = 2
_MAX_BYLINE_CHARS = 120


class ExtractionError(Exception):
    """The page cannot yield an article; ``reason`` is a short machine code
    ("empty", "binary", "no_body", "too_large", "malformed")."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass
class Extracted:
    """What the extract+clean stage found in one page."""

    title: str
    body: str
    lead: str | None
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None  # aware, UTC
    # The UTC offset the page stated with its publication time (`+04:00`), so
    # the source's local day stays known; None when the page gave no offset.
    published_offset: timedelta | None = None
    language: str = "und"
    site_name: str | None = None
    description: str | None = None


def extract_page(page: RawPage, boilerplate: BoilerplateModel | None = None) -> Extracted:
    """Extract title, cleaned body and metadata from one page.

    HTML goes through trafilatura; a plain-text dump (``page.text``) has its
    headline on the first non-empty line unless ``page.hint_title`` gives it.
    Both then go through the same cleaning (:func:`pipeline.clean.clean_body`).
    """
    if page.html is not None:
        return _from_html(page, boilerplate)
    if page.text is not None:
        return _from_text(page, boilerplate)
    raise ExtractionError("empty", "page has neither html nor text")


def _check_input(raw: str) -> None:
    if len(raw) > MAX_INPUT_CHARS:
        raise ExtractionError("too_large", f"{len(raw)} characters > {MAX_INPUT_CHARS}")
    if not raw.strip():
        raise ExtractionError("empty")
    head = raw[:8192]
    if len(_JUNK.findall(head)) > _MAX_JUNK_SHARE * len(head):
        raise ExtractionError("binary", "control or undecodable characters")


def _finish(
    page: RawPage,
    title: str,
    raw_body: str,
    boilerplate: BoilerplateModel | None,
    *,
    authors: list[str],
    published: tuple[datetime | None, timedelta | None],
    site_name: str | None = None,
    description: str | None = None,
    lead: str | None = None,
) -> Extracted:
    title = strip_invisible(title)
    body = clean_body(title, raw_body, boilerplate, source_id=page.source_id, authors=authors)
    if lead:  # a lead paragraph the extractor skipped (see _missing_lead)
        body = f"{strip_invisible(lead)}\n{body}".strip()
    if len(body.split()) < MIN_BODY_WORDS:
        raise ExtractionError("no_body", f"{len(body.split())} words after cleaning")
    if not title:
        raise ExtractionError("no_body", "no title")
    return Extracted(
        title=title,
        body=body,
        lead=body.split("\n", 1)[0],
        authors=authors,
        published=published[0],
        published_offset=published[1],
        language=detect_language(f"{title}\n{body}"),
        site_name=site_name,
        description=strip_invisible(description) if description else None,
    )


def _from_text(page: RawPage, boilerplate: BoilerplateModel | None) -> Extracted:
    raw = page.text or ""
    _check_input(raw)
    text = strip_invisible(raw)
    if page.hint_title:
        title, body = page.hint_title, text
    else:
        title, _, body = text.partition("\n")
    if page.hint_published:
        published = _stated(page.hint_published)
    else:
        published = (_dateline_date(body), None)
    return _finish(page, title, body, boilerplate, authors=[], published=published)


def _from_html(page: RawPage, boilerplate: BoilerplateModel | None) -> Extracted:
    raw = page.html or ""
    _check_input(raw)
    tree = load_html(raw)
    if tree is None or not isinstance(tree, HtmlElement):
        raise ExtractionError("malformed", "HTML could not be parsed")
    headings = [_text_of(h) for h in tree.iter("h1")]
    meta_date = _metadata_date(tree)
    try:
        meta = _page_metadata(tree, page.url)
        doc = trafilatura.bare_extraction(
            tree,
            url=page.url or None,
            # Metadata comes from _page_metadata, on the same tree and without the
            # date, category, tag and licence searches trafilatura would add.
            with_metadata=False,
            # Settings measured on the shared Arabic pages (benchmarks/extraction.py):
            # the fallback extractors (fast=False) pulled in a comment policy; a
            # lead they would have found is put back by _missing_lead instead.
            fast=True,
            include_comments=False,
            include_tables=True,  # match schedules, results and budgets are tables
            # True lost one Jawhara FM story outright and the datelines of others.
            favor_precision=False,
        )
    except (ValueError, etree.LxmlError) as exc:  # trafilatura surfaces lxml errors
        raise ExtractionError("malformed", str(exc)) from exc
    if doc is None or not (doc.text or "").strip():
        raise ExtractionError("no_body", "trafilatura found no main text")
    title = _pick_title(meta.title or page.hint_title or "", headings, meta.sitename)
    authors = _authors(meta.author, meta.sitename, page.url)
    published = _html_published(meta_date, doc.text, page.hint_published, tree)
    return _finish(
        page,
        title,
        doc.text,
        boilerplate,
        authors=authors,
        published=published,
        site_name=meta.sitename,
        description=meta.description,
        lead=_missing_lead(tree, doc.text, meta.description),
    )


def _page_metadata(tree: HtmlElement, url: str) -> Document:
    """Title, author, site name and description, as trafilatura's
    ``extract_metadata`` finds them (meta tags, JSON-LD, then the page itself),
    on the tree already parsed. Leaves out what this stage does not use (its
    date, see _html_published; categories, tags, licence) and searches for a
    byline in one pass (_byline_author): 0.4 ms a page instead of 3.
    """
    meta = examine_meta(tree)
    if meta.author and " " not in meta.author:  # a bare handle, as trafilatura decides
        meta.author = None
    # trafilatura guards its JSON-LD reader the same way: odd JSON-LD costs the
    # JSON-LD fields, not the page.
    with suppress(Exception):
        meta = extract_meta_json(tree, meta)
    meta.title = meta.title or extract_title(tree)
    meta.author = meta.author or _byline_author(tree)
    meta.sitename = meta.sitename or extract_sitename(tree)
    if meta.sitename:
        meta.sitename = meta.sitename.lstrip("@")
        if meta.sitename and "." not in meta.sitename and not meta.sitename[0].isupper():
            meta.sitename = meta.sitename.title()
    elif (found := META_URL.match(meta.url or extract_url(tree, url) or "")) is not None:
        meta.sitename = found[1]
    meta.clean_and_trim()
    return meta


def _byline_author(tree: HtmlElement) -> str | None:
    """The author named in a byline element of the page, by trafilatura's rules.

    trafilatura evaluates these rules as XPath expressions over a pruned deep
    copy of the page: 2 ms a page, two thirds of its metadata step (lxml walks
    the page once per expression and calls back into Python for every regular
    expression test). One pass over the elements, pruning only around the
    hits, finds the same byline in a seventh of that. The first element (in
    page order) of the most specific rule whose text has a byline's length wins.
    """
    found: dict[int, str] = {}
    for element in tree.iter(etree.Element):
        if element.tag != "author" and not _BYLINE_HINT.search(" ".join(element.values())):
            continue
        rank = _byline_rank(element)
        if rank is None or any(better <= rank for better in found):
            continue
        if _not_byline(element) or any(_not_byline(a) for a in element.iterancestors()):
            continue
        text = _byline_text(element)
        if _MIN_BYLINE_CHARS < len(text) < _MAX_BYLINE_CHARS:
            found[rank] = text
            if rank == 0:
                break
    return normalize_authors(None, found[min(found)]) if found else None


def _byline_rank(element: HtmlElement) -> int | None:
    """0, 1 or 2 for the most specific byline rule ``element`` meets, else None."""
    tag, get = element.tag, element.get
    css, ident, prop = get("class", ""), get("id", ""), get("itemprop", "")
    if tag == "author" or (
        tag in _BYLINE_TAGS
        and (
            "author" in (get("rel"), ident, css)
            or prop == "author name"
            or get("data-testid") in ("AuthorCard", "AuthorURL")
            or _BYLINE_CLASS.search(css)
        )
    ):
        return 0
    if tag in _BYLINE_LOOSE_TAGS and (
        css in _BYLINE_LOOSE_CLASSES
        or "author" in prop
        or _BYLINE_LOOSE_ID.search(ident)
        or _BYLINE_LOOSE_CLASS.search(css)
    ):
        return 1
    if (
        "Byline" in get("data-component", "")
        or "author" in prop
        or _BYLINE_ANY_ID.search(ident)
        or _BYLINE_ANY_CLASS.search(css)
    ):
        return 2
    return None


def _not_byline(element: HtmlElement) -> bool:
    """Whether ``element`` (and all inside it) is outside the byline search."""
    if element.tag in _NOT_BYLINE_TAGS:
        return True
    if element.tag not in _NOT_BYLINE_HOST_TAGS:
        return False
    ident, css = element.get("id", ""), element.get("class", "")
    return (
        ident == "comments"
        or css in _NOT_BYLINE_CLASSES
        or _NOT_BYLINE_ID.search(ident) is not None
        or _NOT_BYLINE_CLASS.search(css) is not None
        or "Figure" in element.get("data-component", "")
    )


def _byline_text(element: HtmlElement) -> str:
    """The element's text without the dates and widgets inside it."""
    copied = deepcopy(element)
    for inner in [e for e in copied.iterdescendants(etree.Element) if _not_byline(e)]:
        delete_element(inner)  # keeps the tail text, as trafilatura's pruning does
    return trim(" ".join(copied.itertext()))


def _missing_lead(tree: HtmlElement, text: str, description: str | None) -> str | None:
    """The page's lead paragraph when trafilatura left it out.

    Many Arabic sites print the lead in a block of its own above the story
    (`div.b-article__lead`), which the main-text extractor skips; the page's
    description metadata is that lead, often cut short with "...". The
    smallest element outside header/nav/aside/footer whose text starts like
    the description is the lead.
    """
    if not description:
        return None
    probe = compact_key(description)[:_LEAD_PROBE_CHARS]
    if len(probe) < _LEAD_PROBE_CHARS or probe in compact_key(text):
        return None
    opening = " ".join(description.split()[:3])
    found = [
        candidate
        for element in tree.iter("p", "div")
        if opening in (candidate := _text_of(element))[: 4 * len(opening)]
        and not any(a.tag in _CHROME for a in element.iterancestors())
        and compact_key(candidate).startswith(probe)
    ]
    return min(found, key=len) if found else None


def _text_of(element: HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _pick_title(meta_title: str, headings: list[str], site_name: str | None) -> str:
    """The headline as printed on the page.

    Metadata titles often carry the site name (`عنوان | العربي الجديد`) or lose
    quotation marks; the page's own <h1> with the same words is preferred.
    """
    keys = headline_keys(meta_title)
    for heading in headings:
        if headline_keys(heading) & keys:
            return heading
    return _strip_site_name(meta_title, site_name)


def _strip_site_name(title: str, site_name: str | None) -> str:
    parts = SITE_SEPARATOR.split(title)
    if len(parts) < 2 or not site_name:
        return title
    site = matching_key(site_name)
    for index in (-1, 0):
        segment = matching_key(parts[index])
        if segment and (segment in site or site in segment):
            del parts[index]
            return " - ".join(parts)
    return title


def _authors(raw: str | None, site_name: str | None, url: str) -> list[str]:
    """Author names from trafilatura's `;`-joined field, without the site's
    own name (`المدينة نيوز`, `Akhbarelyom`) and the logo/URL debris that some
    templates put in author metadata."""
    if not raw:
        return []
    site = matching_key(site_name or "")
    host = (urlsplit(url).hostname or "").replace(".", "")
    names = []
    for name in (part.strip() for part in raw.split(";")):
        key = matching_key(name)
        if len(key) < 3 or (site and key in site) or key.replace(" ", "") in host:
            continue
        if any(junk in key for junk in ("http", "logo", "png", "jpg", "www")):
            continue
        names.append(name)
    return names


def _html_published(
    meta: datetime | None, text: str, hint: datetime | None, tree: HtmlElement
) -> tuple[datetime | None, timedelta | None]:
    """Publication time (UTC) and the offset the page stated, best source first:
    structured metadata, the dateline printed above the story, the date that
    came with the input, and last htmldate's extensive heuristics over the
    whole page (slow, so only when everything else failed; given our parsed
    tree, which it leaves unchanged, rather than the HTML it would parse again
    at several times the cost).

    A guessed 1 January is dropped: it is what htmldate makes of a bare year
    (`© 2016` in a footer), and no date is better than a wrong one, since the
    date chooses the partition.
    """
    if meta:
        return _stated(meta)
    dateline = _dateline_date(text)
    if dateline:
        return dateline, None
    if hint:
        return _stated(hint)
    guessed = find_date(tree, original_date=True, extensive_search=True)
    if not guessed or guessed[5:10] == "01-01":
        return None, None
    return _to_utc(datetime.fromisoformat(guessed)), None


def _stated(value: datetime) -> tuple[datetime | None, timedelta | None]:
    return _to_utc(value), value.utcoffset()


def _metadata_date(tree: HtmlElement) -> datetime | None:
    """Publication time from structured metadata (Open Graph, schema.org,
    JSON-LD), as stated: with its own UTC offset when the page gives one."""
    for xpath in _META_DATE_XPATHS:
        for value in tree.xpath(xpath):
            found = _parse_iso(str(value))
            if found:
                return found
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        found = _jsonld_date(script)
        if found:
            return found
    return None


def _jsonld_date(script: str) -> datetime | None:
    try:
        data = json.loads(script)
    except ValueError:
        return None
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            value = item.get("datePublished")
            if isinstance(value, str) and (found := _parse_iso(value)):
                return found
            stack.extend(v for v in item.values() if isinstance(v, dict | list))
    return None


def _parse_iso(value: str) -> datetime | None:
    try:
        return isoparse(value.strip())
    except (ValueError, OverflowError):
        return None


def _dateline_date(text: str) -> datetime | None:
    """The date printed in a dateline near the top of the text (`19 يونيو 2016`)."""
    lines = [line for line in text.split("\n") if line.strip()][:_DATELINE_SCAN_LINES]
    for line in lines:
        if is_dateline(line):
            return parse_date(line)
    return None


def _to_utc(value: datetime | None) -> datetime | None:
    """Aware UTC datetime; a time without a zone is read as UTC (the source's
    own offset is unknown here)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
