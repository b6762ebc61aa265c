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
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
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


@lru_cache(maxsize=65536)
def normalize_word(word: str) -> str:
    """Normalise one token; cached because news vocabulary repeats heavily."""
    return normalize_for_matching(word)


def normalize_for_matching(text: str) -> str:
    """The matching form: Unicode-normalised, alef/yaa/teh-marbuta folded,
    dediacritised, without tatweel, with Western digits and lower-cased Latin.

    Punctuation is kept; use :func:`matching_key` to also drop it.
    """
    text = normalize_unicode(strip_invisible(text))
    text = dediac_ar(text).replace(_TATWEEL, "")
    text = normalize_alef_ar(text)
    text = normalize_alef_maksura_ar(text)
    text = normalize_teh_marbuta_ar(text)
    return text.translate(_DIGITS).lower()


def matching_key(text: str) -> str:
    """Normalised text reduced to words separated by single spaces.

    Two strings that differ only in letter forms, diacritics, tatweel,
    punctuation, whitespace or bidi marks get the same key.
    """
    text = _NON_WORD.sub(" ", normalize_for_matching(text)).replace("_", " ")
    return " ".join(text.split())


def nfc(text: str) -> str:
    """Canonical composition, so that stored text compares byte-wise."""
    return unicodedata.normalize("NFC", text)
