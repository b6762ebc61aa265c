"""Arabic text normalisation: one form for matching, the original for storage.

Stored text keeps its letters; only invisible junk is removed
(:func:`strip_invisible`). Every comparison (headline, boilerplate, dedup,
dictionaries) uses :func:`normalize_for_matching`, built on camel-tools so that
users who install its morphology data get the same folding the rest of the
camel-tools stack uses.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import (
    normalize_alef_ar,
    normalize_alef_maksura_ar,
    normalize_teh_marbuta_ar,
    normalize_unicode,
)

# Zero-width characters, bidi controls and the BOM: present in scraped Arabic
# pages, invisible to readers, and fatal to exact matching.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\u061c\ufeff\u00ad]")
_TATWEEL = "\u0640"
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")
# Arabic-Indic and Persian digits to Western; Persian yeh and keheh, typed on
# Persian keyboards inside Arabic text, to their Arabic letters.
_FOLD = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹\u06cc\u06a9", "01234567890123456789\u064a\u0643")
_NON_WORD = re.compile(r"[^\w\s]+")


def strip_invisible(text: str) -> str:
    """Remove invisible junk but keep every visible letter of the original.

    Decodes stray HTML entities (``&quot;`` left in a feed body), drops
    zero-width and bidi control characters, collapses runs of spaces and more
    than one blank line. Used on every stored ``title`` and ``body``.
    """
    if "&" in text:
        text = html.unescape(text)
    text = _INVISIBLE.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()


@lru_cache(maxsize=8192)
def normalize_word(word: str) -> str:
    """Normalise one token; cached because news vocabulary repeats heavily.

    The event coder caches whole tokens above this, so what repeats here is
    mostly its dictionary words: 8k entries cost the same CPU time as 64k on
    3,000 corpus articles, and 16 MiB less memory."""
    return normalize_for_matching(word)


# The only characters camel-tools' normalize_unicode maps before NFKC (ligatures of
# whole words); its mapper walks every character in Python, so it is called only
# when one of them is present and is otherwise exactly NFKC.
_CAMEL_LIGATURES = ("\ufdfc", "\ufdfd")


def _normalize_unicode(text: str) -> str:
    if any(ligature in text for ligature in _CAMEL_LIGATURES):
        return normalize_unicode(text)
    return unicodedata.normalize("NFKC", text)


def normalize_for_matching(text: str) -> str:
    """The matching form: Unicode-normalised, alef/yaa/teh-marbuta folded,
    dediacritised, without tatweel, with Western digits and lower-cased Latin.

    Punctuation is kept; use :func:`matching_key` to also drop it.
    """
    text = _normalize_unicode(strip_invisible(text))
    text = dediac_ar(text).replace(_TATWEEL, "")
    text = normalize_alef_ar(text)
    text = normalize_alef_maksura_ar(text)
    text = normalize_teh_marbuta_ar(text)
    return text.translate(_FOLD).lower()


def matching_key(text: str) -> str:
    """Normalised text reduced to words separated by single spaces.

    Two strings that differ only in letter forms, diacritics, tatweel,
    punctuation, whitespace or bidi marks get the same key.
    """
    text = _NON_WORD.sub(" ", normalize_for_matching(text)).replace("_", " ")
    return " ".join(text.split())


def line_keys(text: str) -> list[tuple[str, str]]:
    """(matching key, stripped line) of each line of ``text`` with a non-empty key,
    in order: computed once per article and shared by the boilerplate learner and
    the duplicate fingerprint, which both work line by line."""
    return [(key, raw.strip()) for raw in text.split("\n") if (key := matching_key(raw))]
