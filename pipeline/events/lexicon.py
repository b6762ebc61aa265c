"""Token-level dictionary matching robust to Arabic clitics and inflection.

Dictionary phrases are written once in a readable base form (``روسي``,
``وزارة الدفاع``, ``قصف``); the text carries clitics and inflection
(``والروسية``, ``بوزارة``, ``وقصفت``). Instead of writing every surface form
into the dictionaries, each text token is expanded once (cached) into the set
of forms obtained by peeling off the regular prefixes and suffixes, and a phrase
matches when each of its (normalised, article-less) tokens is in the expansion
of the corresponding text token. This keeps matching a set look-up per token,
with no regular expressions compiled per sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar

from camel_tools.tokenizers.word import simple_word_tokenize

from pipeline.normalize import normalize_word

T = TypeVar("T")

# Stripped forms shorter than this are never produced: two-letter remnants of
# a three-letter root match far too much.
_MIN_STEM = 3
_CONJUNCTIONS = ("و", "ف")
_PREPOSITIONS = ("ب", "ل", "ك")
_ARTICLE = "ال"
# Nominal suffixes after normalisation (teh marbuta is folded to heh).
_NOUN_SUFFIXES = (
    "ه", "يه", "ي", "ون", "ين", "يون", "يين", "ات", "ان", "تان", "تين",
    "ها", "هم", "هما", "ا",  # the last one: accusative tanween (مسلحا, شخصا)
)
_POSSESSIVES = frozenset({"ه", "ها", "هم", "هما"})
_NON_NISBA_SUFFIXES = tuple(s for s in _NOUN_SUFFIXES if s not in {"ي", "يه", "يين", "يون"})
_FEMININE_PLURALS = ("ات", "تان", "تين")
_VERB_PREFIXES = ("ي", "ت", "ن", "ا", "س", "سي", "ست", "سن", "ل")
_VERB_SUBJECT_SUFFIXES = ("ت", "تا", "وا", "ا", "ون", "ان", "ن", "نا", "تم", "ين", "و")
_OBJECT_SUFFIXES = ("ه", "ها", "هم", "هما", "كم", "ني", "نا")
_WORD = re.compile(r"\w", re.UNICODE)


@dataclass(frozen=True)
class Token:
    """One token of a sentence: original text, offsets and matching forms."""

    text: str
    start: int
    end: int
    norm: str
    nominal: frozenset[str]
    verbal: frozenset[str]
    is_word: bool  # has a letter or digit (not punctuation)


def _strip_article(form: str) -> str:
    if form.startswith(_ARTICLE) and len(form) - 2 >= 2:
        return form[2:]
    return form


def _prefix_forms(word: str, prefixes: Iterable[str]) -> set[str]:
    forms = {word}
    for stem in [word, *(word[1:] for c in _CONJUNCTIONS if word.startswith(c))]:
        forms.add(stem)
        for prefix in prefixes:
            if stem.startswith(prefix):
                forms.add(stem[len(prefix):])
    return {f for f in forms if len(f) >= _MIN_STEM or f == word}


# Token forms are cached per distinct token: 32k tokens cover ~90% of a news
# day's tokens; the inner caches only serve dictionary loading and tokens the
# outer cache dropped. Larger caches bought no speed (measured on 1,500
# articles) and cost ~50 MiB per worker, memory that grew with the corpus.
_TOKENS_CACHED = 32768
_FORMS_CACHED = 4096


@lru_cache(maxsize=_FORMS_CACHED)
def nominal_forms(norm: str, *, nisba: bool = True) -> frozenset[str]:
    """Article-less forms of a normalised noun/adjective/name token.

    ``والروسيه`` gives ``روسيه``, ``روسي``, ``روس`` among others; ``للبنان``
    (``ل`` + article with its alef dropped) gives ``بنان`` and ``لبنان``.
    Without ``nisba`` the adjective endings stay: ``الهجومية`` (offensive) is
    not ``هجوم`` (an attack).
    """
    suffixes = _NOUN_SUFFIXES if nisba else _NON_NISBA_SUFFIXES
    prefixed = _prefix_forms(norm, (*_PREPOSITIONS, "لل"))
    stems = {_strip_article(f) for f in prefixed} | {
        f[1:] for f in prefixed if f.startswith("لل") and len(f) > 4
    }
    stems |= {f for f in prefixed if not f.startswith(_ARTICLE)}
    forms = set(stems) | {f for f in prefixed if f.startswith(_ARTICLE)}
    for stem in stems:
        for suffix in suffixes:
            if stem.endswith(suffix) and len(stem) - len(suffix) >= _MIN_STEM:
                forms.add(stem[: -len(suffix)])
                if suffix in _FEMININE_PLURALS:  # غارات -> غاره, the singular
                    forms.add(stem[: -len(suffix)] + "ه")
                elif suffix in _POSSESSIVES and stem[-len(suffix) - 1] == "ت":
                    # Teh marbuta is spelled ت before a pronoun: مسؤوليتها -> مسؤوليه.
                    forms.add(stem[: -len(suffix) - 1] + "ه")
    return frozenset(forms)


@lru_cache(maxsize=_FORMS_CACHED)
def verbal_forms(norm: str) -> frozenset[str]:
    """Forms of a normalised verb token without conjunction, person affixes
    and object pronouns (``وقصفتهم`` gives ``قصف``; ``يستهدفون`` gives
    ``استهدف`` via the alef restored after the imperfect prefix)."""
    forms = set(nominal_forms(norm, nisba=False))
    prefixed = _prefix_forms(norm, _VERB_PREFIXES)
    # Imperfect of derived forms drops the initial alef: يستهدف -> استهدف.
    prefixed |= {"ا" + f for f in prefixed if f.startswith(("ست", "نت", "ت")) and f != norm}
    for form in prefixed:
        forms.add(form)
        for obj in ("", *_OBJECT_SUFFIXES):
            if obj and not form.endswith(obj):
                continue
            base = form[: len(form) - len(obj)]
            if len(base) >= _MIN_STEM:
                forms.add(base)
            for subj in _VERB_SUBJECT_SUFFIXES:
                if base.endswith(subj):
                    forms.update(_weak_roots(base[: -len(subj)]))
    forms |= {w for f in list(forms) for w in _weak_roots(f)}
    # Form IV (أفعل) keeps no alef in the imperfect: يثير -> أثار, يطلق -> أطلق;
    # nor does form VIII (افتعل): يعتصم -> اعتصم, يقتحمون -> اقتحم.
    if norm.removeprefix("و").removeprefix("ف").startswith(("ي", "ت", "ن")):
        forms |= {"ا" + f for f in list(forms)
                  if len(f) == 3 or (len(f) == 4 and f[1] == "ت")}
    return frozenset(forms)


def _weak_roots(stem: str) -> set[str]:
    """Dictionary forms of weak verbs, whose last or middle letter changes
    with inflection: نفت/ينفي -> نفي (نفى), يدعو -> دعا, يقول -> قال."""
    if len(stem) == 2:
        return {stem + "ي", stem + "ا"}
    if len(stem) == 3 and stem[2] == "و":
        return {stem, stem[:2] + "ا"}
    if len(stem) == 3 and stem[1] in "وي":
        return {stem, stem[0] + "ا" + stem[2]}
    return {stem} if len(stem) >= _MIN_STEM else set()


def without_conjunction(norm: str) -> set[str]:
    """A token with and without a leading و or ف, which may be the conjunction
    or a root letter (وقعت "it happened", فتحت "she opened")."""
    return {norm, *(norm[1:] for c in _CONJUNCTIONS if norm.startswith(c))}


def has_article(token: Token, *, dative: bool = True) -> bool:
    """The token carries the article, after a conjunction or a preposition
    (الجيش, والمظاهرة, بالهجوم; with ``dative``, also للجيش)."""
    norm = token.norm.removeprefix("و").removeprefix("ف")
    return norm.startswith(("ال", "بال", "كال", *(("لل",) if dative else ())))


def is_perfect(norm: str, key: str) -> bool:
    """Whether a verb token is a perfect (past) form of the verb ``key``: the
    key starts it, after an optional conjunction (وقصفت, قامت, وقعت)."""
    return any(stem.startswith(key) for stem in without_conjunction(norm))


def dictionary_key(word: str) -> str:
    """The form a dictionary word is stored under: normalised, article-less.

    A word written ``=القاعدة`` keeps its article: it then matches only a
    definite text word (``القاعدة``, ``والقاعدة``), not ``قاعدة`` (a base)."""
    if word.startswith("="):
        return normalize_word(word[1:])
    return _strip_article(normalize_word(word))


@lru_cache(maxsize=_TOKENS_CACHED)
def _token_forms(text: str) -> tuple[str, frozenset[str], frozenset[str], bool]:
    norm = normalize_word(text)
    return norm, nominal_forms(norm), verbal_forms(norm), bool(_WORD.search(text))


def tokenize(sentence: str, offset: int = 0) -> list[Token]:
    """camel-tools word tokenisation with character offsets into the text."""
    tokens: list[Token] = []
    cursor = 0
    for piece in simple_word_tokenize(sentence):
        start = sentence.find(piece, cursor)
        if start < 0:  # tokenizer changed the piece; keep going without offsets drift
            start = cursor
        end = start + len(piece)
        cursor = end
        tokens.append(Token(piece, offset + start, offset + end, *_token_forms(piece)))
    return tokens


@dataclass(frozen=True)
class Match(Generic[T]):
    """A dictionary phrase found at tokens ``[start, end)``."""

    start: int
    end: int
    value: T
    phrase: str


class PhraseIndex(Generic[T]):
    """Multi-word phrases indexed by their first token's key.

    ``verbal`` selects the verb expansion of text tokens (person affixes,
    object pronouns) instead of the nominal one (articles, plural and
    feminine endings).
    """

    def __init__(self, *, verbal: bool = False) -> None:
        self._verbal = verbal
        self._by_first: dict[str, list[tuple[tuple[str, ...], T, str]]] = {}
        # The first keys as a set: most tokens start no phrase, and one set
        # intersection (in C) tells so faster than a look-up per word form.
        self._first_keys: set[str] = set()

    def add(self, phrase: str, value: T) -> None:
        keys = tuple(dictionary_key(w) for w in simple_word_tokenize(phrase))
        if not keys:
            raise ValueError(f"empty dictionary phrase: {phrase!r}")
        self._first_keys.add(keys[0])
        bucket = self._by_first.setdefault(keys[0], [])
        bucket.append((keys, value, phrase))
        bucket.sort(key=lambda item: -len(item[0]))

    def _forms(self, token: Token) -> frozenset[str]:
        return token.verbal if self._verbal else token.nominal

    def match_at(self, tokens: Sequence[Token], i: int) -> Match[T] | None:
        """The longest phrase starting at token ``i``, if any."""
        best: Match[T] | None = None
        best_rank = (0, 0)
        for form in self._forms(tokens[i]) & self._first_keys:
            for keys, value, phrase in self._by_first[form]:
                end = i + len(keys)
                # Prefer more words, then the least-stripped reading: ضربات is
                # "strikes" (ضربات) before it is "he hit" (ضرب).
                rank = (len(keys), sum(map(len, keys)))
                if end > len(tokens) or rank <= best_rank:
                    continue
                if all(keys[k] in self._forms(tokens[i + k]) for k in range(1, len(keys))):
                    best, best_rank = Match(i, end, value, phrase), rank
        return best

    def find_all(self, tokens: Sequence[Token]) -> list[Match[T]]:
        """Non-overlapping longest matches, left to right."""
        found: list[Match[T]] = []
        first_keys = self._first_keys
        i = 0
        while i < len(tokens):
            token = tokens[i]
            match = None
            if token.is_word and not first_keys.isdisjoint(self._forms(token)):
                match = self.match_at(tokens, i)
            if match:
                found.append(match)
                i = match.end
            else:
                i += 1
        return found
