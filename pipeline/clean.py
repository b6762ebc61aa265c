"""Cleaning of one article body: repeated headline, widget crumbs, captions,
datelines, bylines and per-source boilerplate lines.

Every decision compares :func:`pipeline.normalize.matching_key` forms, so that
a headline repeated with another alef, a tatweel or a bidi mark is still
recognised, while the stored body keeps the original letters: lines are either
kept verbatim or dropped, never rewritten (except a headline glued to the
start of the first paragraph, which is cut off).

The cleaned body has one paragraph per line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from pipeline.arabic_dates import parse_date
from pipeline.boilerplate import BoilerplateModel
from pipeline.normalize import matching_key, strip_invisible

# A site name is attached to a headline with one of these (`| العربي الجديد`,
# `- الجزيرة نت`); a hyphen inside a word is not a separator.
SITE_SEPARATOR = re.compile(r"\s*\|\s*|\s+[-–—]+\s+")
# A separated segment this short is a site name, not part of the headline.
_MAX_SITE_WORDS = 4
# Below this length a title that opens the first paragraph is more likely the
# paragraph's own first words ("السلام قصة خالدة ...") than a glued headline.
_MIN_GLUED_TITLE_WORDS = 5
# A kicker (a short overline such as `عاجل` or `رئيس البورصة أعلن:`) may sit
# above the repeated headline; it belongs to the headline block, not the story.
_MAX_KICKER_LINES = 2
_MAX_KICKER_WORDS = 12

# Words of share/print/font widgets; a short line made only of them is a crumb
# (`+ الخط -`, `طباعة`, `شارك على فيسبوك تويتر`). Stored as matching keys.
_WIDGET_TEXT = (
    "الخط حجم تكبير تصغير طباعة اطبع طباعه شارك شاركها مشاركة المشاركة ارسل أرسل إرسال"
    " لصديق عبر على فيسبوك تويتر واتساب واتس اب تلغرام تيليغرام لينكدإن بريد البريد"
    " الإلكتروني نسخ الرابط انسخ حفظ المفضلة تعليق تعليقات اضف أضف التعليق A a"
    " تحميل تنزيل download print share email facebook twitter whatsapp telegram linkedin"
    " copy link font size"
)
_WIDGET_WORDS = frozenset(matching_key(word) for word in _WIDGET_TEXT.split())
_MAX_WIDGET_WORDS = 6

# Photo and agency credits that close a caption: `(الأناضول)`, `(محمد حمود/Getty)`.
_CREDITS = frozenset(
    matching_key(credit)
    for credit in (
        "الأناضول", "الاناضول", "رويترز", "أ ف ب", "أ.ف.ب", "فرانس برس", "فرانس بريس",
        "أسوشييتد برس", "أسوشيتد برس", "أ ب", "غيتي", "جيتي", "Getty", "Getty Images", "AFP",
        "EPA", "Reuters", "AP", "Anadolu", "العربي الجديد", "أرشيف", "أرشيفية", "صورة أرشيفية",
        "وكالات", "تويتر", "فيسبوك", "مواقع التواصل", "مواقع التواصل الاجتماعي", "إنترنت",
        "الإنترنت", "سانا", "واس", "وام", "قنا", "كونا", "بترا", "شينخوا", "إرنا", "إيرنا",
        "الجزيرة", "أرشيف الجزيرة", "Shutterstock", "iStock", "Xinhua", "Getty/AFP", "متابعات",
    )
)
_CAPTION_END = re.compile(r"\(([^()]{1,60})\)\s*$")
_MAX_CAPTION_WORDS = 25
# A caption is a noun phrase: it does not end a sentence before its credit.
_SENTENCE_END = re.compile(r"[.!?؟…]\s*$")

# Bylines: `كتب: فلان`, `بقلم - فلان`, `حوار: آسيا العتروس`.
_BYLINE = re.compile(
    r"^\s*(كتب|كتبت|بقلم|حوار|إعداد|اعداد|تقرير|ترجمة|متابعة|تحرير|تصوير|by)\s*[:\-–]",
    re.IGNORECASE,
)
_MAX_BYLINE_WORDS = 7
_BYLINE_SEPARATOR = re.compile(r"\s*[:|]\s*|\s+[-–—]+\s+|\s*[-–—]\s*(?=[«\"(])")
# Datelines are short lines that are (almost) only a date and a time.
_MAX_DATELINE_WORDS = 10
_DIGIT = re.compile(r"[0-9٠-٩۰-۹]")


@lru_cache(maxsize=1 << 12)
def _key(text: str) -> str:
    """:func:`matching_key`, remembered: clean_body keys the same short line in
    several checks (widget, byline, dateline, headline, kicker), which was half
    of its cost. Only short lines are keyed, so the cache stays small."""
    return matching_key(text)


def compact_key(text: str) -> str:
    """Matching key without spaces: punctuation inside a word (`لـ"الخطاب"`)
    splits it in one spelling of a headline and not in another."""
    return matching_key(text).replace(" ", "")


@lru_cache(maxsize=1 << 12)  # clean_body tests the same top lines on each pass of its loop
def headline_keys(title: str) -> frozenset[str]:
    """Compact keys under which a headline may be repeated in a body.

    The full title, and the title without a short site-name segment at
    either end (`عنوان | العربي الجديد`, `المدينة نيوز - عنوان`).
    """
    full = compact_key(title)
    if not full:
        return frozenset()
    keys = {full}
    parts = [part for part in SITE_SEPARATOR.split(title) if matching_key(part)]
    if len(parts) >= 2:
        for core, site in (
            (" ".join(parts[:-1]), parts[-1]),
            (" ".join(parts[1:]), parts[0]),
        ):
            site_words = len(matching_key(site).split())
            if site_words <= _MAX_SITE_WORDS and len(matching_key(core).split()) > site_words:
                keys.add(compact_key(core))
    return frozenset(keys)


def strip_headline(title: str, body: str) -> str:
    """Remove every repetition of ``title`` at the top of ``body``.

    Handles the exact headline, the headline with a site-name suffix or
    prefix, any difference that :func:`matching_key` folds away, a headline
    split over two lines, a headline repeated twice, and a long headline glued
    to the start of the first paragraph. A first sentence that merely shares
    words with the title is not touched: only whole-headline matches go.
    """
    keys = headline_keys(title)
    if not keys:
        return body
    title_words = len(_key(title).split())
    limit = _headline_chars(title)
    lines = body.split("\n")
    while True:
        start = next((i for i, line in enumerate(lines) if line.strip()), None)
        if start is None:
            break
        consumed = _headline_lines(lines, start, keys, title_words, limit)
        if consumed:
            lines = lines[start + consumed :]
            continue
        unglued = _cut_glued_headline(lines[start], keys, title_words, limit)
        if unglued is None:
            break
        lines[start] = unglued
    return "\n".join(lines).strip()


def _headline_chars(title: str) -> int:
    """Longest line that can still be the headline (with diacritics, tatweel
    and a site name added); longer lines are not keyed at all."""
    return 3 * len(title) + 60


def _is_headline(line: str, keys: frozenset[str], limit: int) -> bool:
    return len(line) <= limit and bool(headline_keys(line) & keys)


def _headline_lines(
    lines: list[str], start: int, keys: frozenset[str], title_words: int, limit: int
) -> int:
    """How many lines from ``start`` (1 or 2, skipping blanks) repeat the headline."""
    if _is_headline(lines[start], keys, limit):
        return 1
    nxt = next((i for i in range(start + 1, len(lines)) if lines[i].strip()), None)
    if nxt is not None and nxt - start <= 2:
        joined = f"{lines[start]} {lines[nxt]}"
        # Both halves must be short, so a paragraph is never joined to a headline.
        short = len(joined.split()) <= title_words + 2 * _MAX_SITE_WORDS
        if short and _is_headline(joined, keys, limit):
            return nxt - start + 1
    return 0


def _cut_glued_headline(
    line: str, keys: frozenset[str], title_words: int, limit: int
) -> str | None:
    """The line without a headline glued to its start, or None if there is none.

    The cut falls after the token that completes the headline, or inside it
    when the page lost the space between headline and story (`الجديدةقلّد`).
    """
    if title_words < _MIN_GLUED_TITLE_WORDS:
        return None
    line_key = compact_key(line[:limit])
    if not any(line_key.startswith(key) and len(line_key) > len(key) for key in keys):
        return None
    tokens = line.split()
    prefix = ""
    for cut, token in enumerate(tokens):
        grown = prefix + compact_key(token)
        if grown in keys:
            return " ".join(tokens[cut + 1 :])
        if not any(key.startswith(grown) for key in keys):
            for end in range(1, len(token)):
                if prefix + compact_key(token[:end]) in keys:
                    return " ".join([token[end:], *tokens[cut + 1 :]])
            return None
        prefix = grown
    return None


def _short(line: str, max_words: int) -> bool:
    """Cheap pre-check before computing a matching key: a line with many more
    tokens than ``max_words`` cannot be that short once punctuation is gone."""
    return len(line.split()) <= 3 * max_words


def is_widget_crumb(line: str) -> bool:
    """A print/share/font-size control left in the text (`+ الخط -`), or a
    line of symbols only (`***`, `| |`)."""
    if not _short(line, _MAX_WIDGET_WORDS):
        return False
    words = _key(line).split()
    if not words:
        return bool(line.strip()) and not any(ch.isalnum() for ch in line)
    return len(words) <= _MAX_WIDGET_WORDS and all(word in _WIDGET_WORDS for word in words)


def is_caption(line: str) -> bool:
    """A short photo caption closed by an agency or photographer credit:
    `(الأناضول)`, `(محمد حمود/Getty)`."""
    match = _CAPTION_END.search(line)
    if not match or not _short(line, _MAX_CAPTION_WORDS):
        return False
    before = line[: match.start()]
    if len(_key(before).split()) > _MAX_CAPTION_WORDS or _SENTENCE_END.search(before):
        return False
    credit = match.group(1)
    parts = [_key(credit), *(_key(part) for part in credit.split("/"))]
    return any(part in _CREDITS for part in parts)


def is_byline(line: str, authors: Iterable[str] = ()) -> bool:
    """A byline or agency dateline that is not body text: `كتب: فلان`,
    `الرياض - واس`, `بيروت: العربي الجديد`, or a short line that is only a
    known author's name (`لندن: رنيم حنوش` when she is the author)."""
    if not _short(line, _MAX_BYLINE_WORDS):
        return False
    words = _key(line).split()
    if not words or len(words) > _MAX_BYLINE_WORDS:
        return False
    if _BYLINE.match(line):
        return True
    parts = _BYLINE_SEPARATOR.split(line)
    if len(parts) >= 2 and _key(parts[-1]) in _CREDITS:
        return True
    key = " ".join(words)
    author_keys = (_key(author) for author in authors)
    return any(k and (key == k or key.endswith(" " + k)) for k in author_keys)


def is_dateline(line: str) -> bool:
    """A short line that is only a date (and perhaps a time or a section name)."""
    if not _short(line, _MAX_DATELINE_WORDS) or not _DIGIT.search(line):
        return False
    words = _key(line).split()
    if not words or len(words) > _MAX_DATELINE_WORDS:
        return False
    if _SENTENCE_END.search(line) and not _DIGIT.search(line.rstrip()[-1]):
        return False
    return parse_date(line) is not None


def clean_body(
    title: str,
    body: str,
    boilerplate: BoilerplateModel | None = None,
    *,
    source_id: str = "",
    authors: Iterable[str] = (),
) -> str:
    """The article text without anything a reader would not call the article.

    Drops invisible junk, widget crumbs, captions, bylines and the source's
    learned boilerplate lines anywhere in the body; then, at the top only,
    every repetition of the headline with the datelines and kickers around it
    (a date line further down is content: a match schedule, a timeline).
    Paragraphs come out one per line.
    """
    authors = tuple(authors)
    kept = [
        line
        for line in strip_invisible(body).split("\n")
        if line
        and not (
            is_widget_crumb(line)
            or is_caption(line)
            or is_byline(line, authors)
            or (boilerplate is not None and boilerplate.is_boilerplate(source_id, line))
        )
    ]
    text = "\n".join(kept)
    keys, limit = headline_keys(title), _headline_chars(title)
    while True:
        text = strip_headline(title, text)
        lines = text.split("\n", _MAX_KICKER_LINES + 1)
        if is_dateline(lines[0]):
            text = "\n".join(lines[1:])
            continue
        headline_at = next(
            (i for i in range(1, min(len(lines), _MAX_KICKER_LINES + 1))
             if _is_headline(lines[i], keys, limit)),
            None,
        )
        if headline_at is None or any(
            len(line.split()) > _MAX_KICKER_WORDS for line in lines[:headline_at]
        ):
            return text
        text = "\n".join(lines[headline_at:])
