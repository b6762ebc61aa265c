"""Language identification without models: script counts plus letter evidence.

Why no model: the pipeline must run offline with nothing downloaded, and the
decision that matters downstream is coarse ("is this Arabic, so that the
Arabic-only stages may run?"). Arabic, Persian and Urdu share one script, so
they are told apart by letters and digits that only Persian or Urdu use; Latin
text is told apart by frequent function words.
"""

from __future__ import annotations

import re

UNDETERMINED = "und"

# Letters (and digits) Arabic does not use. Urdu letters are checked first
# because Urdu also uses the Persian letters پ چ ژ گ ک ی.
_URDU_ONLY = frozenset("ٹڈڑںےۓھ")
_PERSIAN_ONLY = frozenset("پچژگکی۰۱۲۳۴۵۶۷۸۹")
_KURDISH_ONLY = frozenset("ڵڕۆێە")
# Persian text also uses ی and ک where Arabic has ي and ك; Arabic pages may
# quote a Persian name, so a share threshold is used rather than "any".
_ARABIC_ONLY = frozenset("يكة")

_LATIN_STOPWORDS: dict[str, str] = {
    "en": "the and of to in is that for on with was said by from",
    "fr": "le la les des et est une dans du pour que qui sur par",
    "es": "el la los las y es una en del para que por con se",
    "de": "der die das und ist ein eine nicht mit von zu den",
}
_STOPWORD_SETS = {lang: frozenset(words.split()) for lang, words in _LATIN_STOPWORDS.items()}
_LATIN_WORD = re.compile(r"[a-zà-ÿ]+")

# Enough letters to say anything at all; below it the answer is "und".
_MIN_LETTERS = 20


# Counted with regular expressions and str.count, which run in C: a loop over
# the characters in Python cost as much as all of the article's cleaning.
_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufefc]")
_LATIN = re.compile("[A-Za-z\u00c0-\u024f]")


def _count(letters: frozenset[str], text: str) -> int:
    return sum(map(text.count, letters))


def detect_language(text: str) -> str:
    """ISO 639-1 code of the dominant language of ``text``, or ``"und"``.

    Arabic-script text is Arabic unless letters that only Urdu, Persian or
    Kurdish use make up a visible share of it; Latin text is scored by function
    words. Good enough to flag a non-Arabic article, not to label dialects.
    """
    sample = text[:20000]
    arabic_count = len(_ARABIC_SCRIPT.findall(sample))
    latin_count = len(_LATIN.findall(sample))
    if max(arabic_count, latin_count) < _MIN_LETTERS:
        return UNDETERMINED
    if arabic_count >= latin_count:
        return _arabic_script_language(sample, arabic_count)
    return _latin_language(sample)


def _arabic_script_language(text: str, total: int) -> str:
    """Language of Arabic-script ``text`` with ``total`` letters of that script
    (the letters counted below all belong to it)."""
    urdu = _count(_URDU_ONLY, text)
    persian = _count(_PERSIAN_ONLY, text)
    kurdish = _count(_KURDISH_ONLY, text)
    arabic = _count(_ARABIC_ONLY, text)
    # Shares chosen so that an Arabic article quoting a few Persian names stays
    # Arabic: in running Persian text ی/ک/پ/گ/چ are several percent of letters.
    if urdu / total > 0.01 and urdu >= 3:
        return "ur"
    if kurdish / total > 0.01 and kurdish >= 3:
        return "ku"
    if persian / total > 0.02 and persian > arabic:
        return "fa"
    return "ar"


def _latin_language(text: str) -> str:
    words = _LATIN_WORD.findall(text.lower())
    scores = {
        lang: sum(1 for word in words if word in stops)
        for lang, stops in _STOPWORD_SETS.items()
    }
    best = max(scores, key=lambda lang: scores[lang])
    return best if scores[best] >= 2 else UNDETERMINED


def is_arabic(language: str) -> bool:
    """Whether Arabic-only stages (segmentation, event coding) may run on it."""
    return language == "ar"
