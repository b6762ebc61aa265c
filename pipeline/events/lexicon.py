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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar

from camel_tools.tokenizers.word import simple_word_tokenize
from camel_tools.utils.charsets import EMOJI_ALL_CHARSET, UNICODE_PUNCT_SYMBOL_CHARSET

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


# Token forms are cached per distinct token: 16k tokens answer ~85% of lookups
# on a news day (3,000 corpus articles). Larger caches bought no speed
# (whole-pipeline CPU time on 5,000 pages: the same with 16k or 32k entries) and
# cost 20-70 MiB more per worker, filled as the corpus grows. The form functions
# below are not cached themselves: they only run on a token this cache misses,
# which they had seen before in under 2% of calls.
_TOKENS_CACHED = 16384


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


def verbal_forms(norm: str) -> frozenset[str]:
    """Forms of a normalised verb token without conjunction, person affixes
    and object pronouns (``وقصفتهم`` gives ``قصف``; ``يستهدفون`` gives
    ``استهدف`` via the alef restored after the imperfect prefix)."""
    forms = set(nominal_forms(norm, nisba=False))
    prefixed = _prefix_forms(norm, _VERB_PREFIXES)
    # The alef comes back only after a person prefix: تهم ("charges",
    # "concerns") is not اتهم.
    bare = without_conjunction(norm)
    # Imperfect of derived forms drops the initial alef: يستهدف -> استهدف.
    prefixed |= {"ا" + f for f in prefixed if f.startswith(("ست", "نت", "ت")) and f not in bare}
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
                    if base.startswith(("ا", "ت")) and len(base) - len(subj) >= _MIN_STEM:
                        # Derived defective verbs lose their final ى before a
                        # suffix: اعتدت -> اعتدى, ألقوا -> ألقى, استدعت -> استدعى,
                        # and form V: تبنت -> تبنى, تلقوا -> تلقى.
                        forms.add(base[: -len(subj)] + "ي")
    forms |= {w for f in list(forms) for w in _weak_roots(f)}
    # Form IV (أفعل) keeps no alef in the imperfect: يثير -> أثار, يطلق -> أطلق;
    # nor does form VIII (افتعل): يعتصم -> اعتصم, يقتحمون -> اقتحم.
    if norm.removeprefix("و").removeprefix("ف").startswith(("ي", "ت", "ن")):
        forms |= {"ا" + f for f in list(forms)
                  if f not in bare and (len(f) == 3 or (len(f) == 4 and f[1] == "ت"))}
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


def verb_key(word: str) -> str:
    """The form a dictionary verb is stored under: normalised, with its alef
    and lam, which are root letters or a prefix of a verb, never the article
    (ألقى, التقى, التمس)."""
    return normalize_word(word)


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


# First characters of everything camel-tools' tokenizer splits off (punctuation,
# symbols, emoji sequences): a word with none of them is one token as it stands.
_SPLIT_STARTS = frozenset(s[0] for s in UNICODE_PUNCT_SYMBOL_CHARSET | EMOJI_ALL_CHARSET)


def _pieces(sentence: str) -> Iterator[str]:
    """``simple_word_tokenize``'s tokens (checked identical on 3,000 corpus
    articles), three times faster: its per-character loop runs only on the
    words that have something to split off, not on every word."""
    for word in sentence.split():
        if _SPLIT_STARTS.isdisjoint(word):
            yield word
        else:
            yield from simple_word_tokenize(word)


def tokenize(sentence: str, offset: int = 0) -> list[Token]:
    """camel-tools word tokenisation with character offsets into the text."""
    tokens: list[Token] = []
    cursor = 0
    for piece in _pieces(sentence):
        start = sentence.find(piece, cursor)
        if start < 0:  # tokenizer changed the piece; keep going without offsets drift
            start = cursor
        end = start + len(piece)
        cursor = end
        tokens.append(Token(piece, offset + start, offset + end, *_token_forms(piece)))
    return tokens


@dataclass(frozen=True)
class Match(Generic[T]):
    """A dictionary phrase found at tokens ``[start, end)``.

    A gapped phrase (``أطلق مسلحون النار``) spans ``[start, end)`` with its
    first word only; ``tail`` holds the token range of the rest, after the gap.
    The gap is not part of the event word: an actor there (most often the
    subject) does not block the phrase, and the coder reads it as the subject.
    """

    start: int
    end: int
    value: T
    phrase: str
    tail: tuple[int, int] | None = None

    def covers(self, start: int, end: int) -> bool:
        """Whether the matched words (not the gap) overlap tokens ``[start, end)``."""
        spans = [(self.start, self.end), *([self.tail] if self.tail else [])]
        return any(s < end and start < e for s, e in spans)


class PhraseIndex(Generic[T]):
    """Multi-word phrases indexed by their first token's key.

    ``verbal`` selects the verb expansion of text tokens (person affixes,
    object pronouns) instead of the nominal one (articles, plural and
    feminine endings).

    A verb phrase (``add(..., verb=True)``) may have up to ``max_gap`` words between
    its first word and the rest: Arabic puts the subject right after the verb
    (``أطلق مسلحون النار``, ``ألقت الشرطة القبض على``, ``خرج آلاف الطلاب في
    مظاهرة``). A gap holds words only, none of them in ``gap_stops`` (clause
    breaks, complementizers) nor a verb of the index: the rest would belong
    to another clause.
    """

    def __init__(self, *, verbal: bool = False, max_gap: int = 0,
                 gap_stops: frozenset[str] = frozenset()) -> None:
        self._verbal = verbal
        self._max_gap = max_gap
        self._gap_stops = gap_stops
        # first key -> (the other keys, value, phrase, may have a gap, letters), longest first
        self._by_first: dict[str, list[tuple[tuple[str, ...], T, str, bool, int]]] = {}
        # The first keys as a set: most tokens start no phrase, and one set
        # intersection (in C) tells so faster than a look-up per word form.
        self._first_keys: set[str] = set()
        self._verb_keys: set[str] = set()  # first words of verb phrases: a gap holds none

    def add(self, phrase: str, value: T, *, verb: bool = False) -> None:
        """Index ``phrase``; a ``verb`` phrase starts with a verb (its key is
        :func:`verb_key`) and, with more than one word, may have a gap."""
        # Tokenised word by word: the tokenizer would split a leading = off.
        words = [("=" if word.startswith("=") else "") + piece for word in phrase.split()
                 for piece in simple_word_tokenize(word.removeprefix("="))]
        if not words:
            raise ValueError(f"empty dictionary phrase: {phrase!r}")
        first = verb_key(words[0]) if verb else dictionary_key(words[0])
        keys = (first, *(dictionary_key(w) for w in words[1:]))
        self._first_keys.add(keys[0])
        if verb:
            self._verb_keys.add(keys[0])
        bucket = self._by_first.setdefault(keys[0], [])
        bucket.append((keys[1:], value, phrase, verb and len(keys) > 1, sum(map(len, keys))))
        bucket.sort(key=lambda item: -len(item[0]))

    def _forms(self, token: Token) -> frozenset[str]:
        return token.verbal if self._verbal else token.nominal

    def _matches_at(self, keys: tuple[str, ...], tokens: Sequence[Token], i: int) -> bool:
        if i + len(keys) > len(tokens):
            return False
        for key in keys:
            if key not in self._forms(tokens[i]):
                return False
            i += 1
        return True

    def _gap_ends(self, tokens: Sequence[Token], i: int) -> list[int]:
        """Where the rest of a gapped phrase starting at ``i`` may begin (after
        a gap of at least one word)."""
        ends: list[int] = []
        for j in range(i + 1, min(len(tokens), i + 1 + self._max_gap)):
            token = tokens[j]
            if (not token.is_word or not self._gap_stops.isdisjoint(token.nominal)
                    or not self._verb_keys.isdisjoint(self._forms(token))):
                break
            if j + 1 < len(tokens):
                ends.append(j + 1)
        return ends

    def match_at(self, tokens: Sequence[Token], i: int) -> Match[T] | None:
        """The longest phrase starting at token ``i``, if any."""
        best: Match[T] | None = None
        best_rank = (0, 0, 0)
        gap_ends: list[int] | None = None  # computed for the first gapped phrase only
        for form in self._forms(tokens[i]) & self._first_keys:
            for rest, value, phrase, gapped, letters in self._by_first[form]:
                # Prefer more words, then no gap, then the least-stripped
                # reading: ضربات is "strikes" (ضربات) before "he hit" (ضرب).
                rank = (len(rest) + 1, 1, letters)
                if rank <= best_rank:
                    continue
                if self._matches_at(rest, tokens, i + 1):
                    best, best_rank = Match(i, i + 1 + len(rest), value, phrase), rank
                    continue
                rank = (len(rest) + 1, 0, letters)
                if not gapped or rank <= best_rank:
                    continue
                if gap_ends is None:
                    gap_ends = self._gap_ends(tokens, i)
                # The shortest gap where the rest matches.
                tail = next((j for j in gap_ends if self._matches_at(rest, tokens, j)), None)
                if tail is not None:
                    best_rank = rank
                    best = Match(i, i + 1, value, phrase, (tail, tail + len(rest)))
        return best

    def find_all(self, tokens: Sequence[Token]) -> list[Match[T]]:
        """Non-overlapping longest matches, left to right (the words in a
        gapped phrase's gap are matched too; its tail is not)."""
        found: list[Match[T]] = []
        first_keys = self._first_keys
        taken: set[int] = set()
        i = 0
        while i < len(tokens):
            token = tokens[i]
            match = None
            if (i not in taken and token.is_word
                    and not first_keys.isdisjoint(self._forms(token))):
                match = self.match_at(tokens, i)
            if match and match.tail and taken.intersection(range(*match.tail)):
                match = None
            if match:
                found.append(match)
                if match.tail:
                    taken.update(range(*match.tail))
                i = match.end
            else:
                i += 1
        return found
