"""Token-level dictionary matching robust to Arabic clitics and inflection.

Dictionary phrases are written once in a readable base form (``روسي``,
``وزارة الدفاع``, ``قصف``); the text carries clitics and inflection
(``والروسية``, ``بوزارة``, ``وقصفت``). Instead of writing every surface form
into the dictionaries, each text token is expanded once (cached) into the set
of forms obtained by peeling off the regular prefixes and suffixes, and a phrase
matches when each of its (normalised, article-less) tokens is in the expansion
of the corresponding text token. This keeps matching a set look-up per token,
with no regular expressions compiled per sentence.

Most forms of news words are a key of nothing: a token keeps only the forms
that some dictionary, grammar list or word set can look up (the lookup
vocabulary, :func:`lookup_keys`), which keeps the cached tokens small.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
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
_NISBA_SUFFIXES = frozenset({"ي", "يه", "يين", "يون"})
_POSSESSIVES = frozenset({"ه", "ها", "هم", "هما"})
_FEMININE_PLURALS = ("ات", "تان", "تين")
_NOMINAL_PREFIXES = (*_PREPOSITIONS, "لل")
_VERB_PREFIXES = ("ي", "ت", "ن", "ا", "س", "سي", "ست", "سن", "ل")
_VERB_SUBJECT_SUFFIXES = ("ت", "تا", "وا", "ا", "ون", "ان", "ن", "نا", "تم", "ين", "و")
_OBJECT_SUFFIXES = ("ه", "ها", "هم", "هما", "كم", "ني", "نا")
_WORD = re.compile(r"\w", re.UNICODE)
QUOTES = frozenset({'"', "«", "»", "“", "”"})
_NO_FORMS: frozenset[str] = frozenset()


def _by_last_letter(suffixes: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Suffixes by their last letter: a word is only tried with those it can end with."""
    return {s[-1]: tuple(t for t in suffixes if t[-1] == s[-1]) for s in suffixes}


_NOUN_ENDINGS = _by_last_letter(_NOUN_SUFFIXES)
_SUBJECT_ENDINGS = _by_last_letter(_VERB_SUBJECT_SUFFIXES)


@dataclass(slots=True)
class Token:
    """One token of a sentence: original text, offsets and matching forms.

    ``nominal`` and ``verbal`` hold only the forms in the lookup vocabulary
    (:func:`lookup_keys`): compare them with such sets, never list them. Not
    frozen: a token is made for every word of every sentence, and a frozen
    dataclass takes three times as long to build; nothing changes a token.
    """

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
    for stem in (word, word[1:]) if word.startswith(_CONJUNCTIONS) else (word,):
        forms.add(stem)
        for prefix in prefixes:
            if stem.startswith(prefix):
                forms.add(stem[len(prefix):])
    return {f for f in forms if len(f) >= _MIN_STEM or f == word}


# Token forms are cached per distinct token. A token keeps only its forms in
# the lookup vocabulary (three in four distinct news tokens keep none, and equal
# sets are shared), so 64k entries take less memory (13.5 MiB, token strings
# aside) than 16k took when every form was kept (19.9 MiB; a larger cache then
# cost 20-70 MiB more per worker). On 5,000 distinct full-corpus articles 16k
# entries answer 80% of look-ups, 64k 91%, and no size more than 93% (a token
# seen once is always a miss). The form functions below are not cached
# themselves: they only run on a token this cache misses, which they had seen
# before in under 2% of calls.
_TOKENS_CACHED = 65536

# Every key that a dictionary, a grammar word list or a word set of the coder
# compares token forms with (see lookup_keys); and the functions compiling the
# shipped dictionaries that no token has been made since (compiled_before_tokens).
_LOOKUP_KEYS: set[str] = set()
_UNCOMPILED: list[Callable[[], object]] = []
# Verbs whose dictionary form has two letters: doubled roots (شنّ, حثّ, فكّ),
# whose stem, once a suffix or prefix is off (شنت, شنوا, يشن), is shorter than
# ``_MIN_STEM``. Only these two-letter stems become verbal forms: any other
# (معا -> مع, أنا -> ان) would read a function word into a verb.
_DOUBLED: set[str] = set()


def lookup_keys(keys: Iterable[str]) -> frozenset[str]:
    """``keys`` as a set to compare token forms with (``token.nominal & keys``).

    A token keeps only the forms that such a set or a :class:`PhraseIndex`
    can look up, so every set compared with ``Token.nominal`` or
    ``Token.verbal`` must be made here. New keys empty the token cache; a token
    made before them misses them (build a dictionary before tokenising the
    text it reads; the shipped ones see to it with :func:`compiled_before_tokens`).
    """
    keys = frozenset(keys)
    if not keys <= _LOOKUP_KEYS:
        _LOOKUP_KEYS.update(keys)
        _token_forms.cache_clear()
    return keys


def _doubled_verb(key: str) -> None:
    """Register a verb key of two letters (a doubled root): its inflected
    forms (شنت, يشنون) then give it back."""
    if len(key) == 2 and key not in _DOUBLED:
        _DOUBLED.add(key)
        _token_forms.cache_clear()


def compiled_before_tokens(compile_dictionary: Callable[[], T]) -> Callable[[], T]:
    """Mark the (cached) function compiling a shipped dictionary: the first
    :func:`tokenize` calls it, so tokens carry its keys even when it is first
    used after the text was tokenised (``find_actors(tokenize(text), text)``)."""
    _UNCOMPILED.append(compile_dictionary)
    return compile_dictionary


def _nominal_forms(norm: str) -> tuple[set[str], set[str]]:
    """The forms of :func:`nominal_forms` without ``nisba``, and those only a
    nisba ending gives: both readings in one pass over the token."""
    prefixed = _prefix_forms(norm, _NOMINAL_PREFIXES)
    stems = {_strip_article(f) for f in prefixed} | {
        f[1:] for f in prefixed if f.startswith("لل") and len(f) > 4
    }
    plain = stems | prefixed
    nisba: set[str] = set()
    for stem in stems:
        for suffix in _NOUN_ENDINGS.get(stem[-1:], ()):
            cut = len(stem) - len(suffix)
            if cut < _MIN_STEM or not stem.endswith(suffix):
                continue
            if suffix in _NISBA_SUFFIXES:
                nisba.add(stem[:cut])
                continue
            plain.add(stem[:cut])
            if suffix in _FEMININE_PLURALS:  # غارات -> غاره, the singular
                plain.add(stem[:cut] + "ه")
            elif suffix in _POSSESSIVES and stem[cut - 1] == "ت":
                # Teh marbuta is spelled ت before a pronoun: مسؤوليتها -> مسؤوليه.
                plain.add(stem[: cut - 1] + "ه")
    return plain, nisba


def nominal_forms(norm: str, *, nisba: bool = True) -> frozenset[str]:
    """Article-less forms of a normalised noun/adjective/name token.

    ``والروسيه`` gives ``روسيه``, ``روسي``, ``روس`` among others; ``للبنان``
    (``ل`` + article with its alef dropped) gives ``بنان`` and ``لبنان``.
    Without ``nisba`` the adjective endings stay: ``الهجومية`` (offensive) is
    not ``هجوم`` (an attack).
    """
    plain, nisba_only = _nominal_forms(norm)
    return frozenset(plain | nisba_only if nisba else plain)


def verbal_forms(norm: str) -> frozenset[str]:
    """Forms of a normalised verb token without conjunction, person affixes
    and object pronouns (``وقصفتهم`` gives ``قصف``; ``يستهدفون`` gives
    ``استهدف`` via the alef restored after the imperfect prefix)."""
    return frozenset(_verbal_forms(norm, _nominal_forms(norm)[0]))


def _verbal_forms(norm: str, plain_nominal: set[str]) -> set[str]:
    """:func:`verbal_forms` given the token's nominal forms without nisba."""
    forms = set(plain_nominal)
    prefixed = _prefix_forms(norm, _VERB_PREFIXES)
    # The alef comes back only after a person prefix: تهم ("charges",
    # "concerns") is not اتهم.
    bare = without_conjunction(norm)
    # Imperfect of derived forms drops the initial alef: يستهدف -> استهدف.
    prefixed |= {"ا" + f for f in prefixed if f.startswith(("ست", "نت", "ت")) and f not in bare}
    for form in prefixed:
        forms.add(form)
        bases = [form]
        if form.endswith(_OBJECT_SUFFIXES):
            bases += [form[: len(form) - len(obj)] for obj in _OBJECT_SUFFIXES
                      if form.endswith(obj)]
        for base in bases:
            if len(base) >= _MIN_STEM:
                forms.add(base)
            for subj in _SUBJECT_ENDINGS.get(base[-1:], ()):
                if base.endswith(subj):
                    stem = base[: -len(subj)]
                    forms.update(_weak_roots(stem))
                    if base.startswith(("ا", "ت")) and len(stem) >= _MIN_STEM:
                        # Derived defective verbs lose their final ى before a
                        # suffix: اعتدت -> اعتدى, ألقوا -> ألقى, استدعت -> استدعى,
                        # and form V: تبنت -> تبنى, تلقوا -> تلقى.
                        forms.add(stem + "ي")
    # Weak-root readings (a form of four letters or more is its only one).
    forms |= {w for f in list(forms) if len(f) <= _MIN_STEM for w in _weak_roots(f)}
    if _DOUBLED:
        forms |= _doubled_stems(bare, prefixed)
    # Form IV (أفعل) keeps no alef in the imperfect: يثير -> أثار, يطلق -> أطلق;
    # nor does form VIII (افتعل): يعتصم -> اعتصم, يقتحمون -> اقتحم.
    if norm.removeprefix("و").removeprefix("ف").startswith(("ي", "ت", "ن")):
        forms |= {"ا" + f for f in list(forms)
                  if f not in bare and (len(f) == 3 or (len(f) == 4 and f[1] == "ت"))}
    return forms


def _doubled_stems(bare: set[str], prefixed: set[str]) -> set[str]:
    """Doubled verbs (شنّ) in their inflected forms: the two letters left
    once a person prefix (يشن, تشن), a subject suffix (شنت, شنوا, يشنون)
    or an object pronoun (شنها, شنتها) is off, or bare (وحث, شن), when they
    are a registered doubled verb."""
    stems = {f[len(p):] for f in bare for p in _VERB_PREFIXES if f.startswith(p)}
    forms = {*bare, *prefixed, *stems}
    # شنها, شنته: an object pronoun after the stem or the subject ending.
    forms |= {f[: -len(obj)] for f in forms for obj in _OBJECT_SUFFIXES if f.endswith(obj)}
    for form in forms:
        stems.update(form[: -len(s)] for s in _SUBJECT_ENDINGS.get(form[-1:], ())
                     if form.endswith(s))
    stems |= forms
    return _DOUBLED.intersection(stems)


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


def bare_name(token: Token, phrase: str) -> bool:
    """Whether ``token`` can be the one-word proper name ``phrase``: a name
    takes no article or ending of its own, only the clitics و ف and ب ل ك
    (``ومصر``, ``بصور``), so ``المصرة`` ("insistent") and ``بالصور`` ("with
    the pictures") are other words that stripping read the name into; nor
    does a name written with the article take an ending (``الرياضي``
    "sporting" is not ``الرياض``); its article loses its alef after ``ل``
    (``للرياض``) and is sometimes dropped. A name of several words is always
    taken as matched."""
    written = normalize_word(phrase)
    if " " in phrase.strip():
        return True
    names = {written, _strip_article(written)}  # its article may be dropped (خليل)
    forms = {preposition + name for preposition in ("", *_PREPOSITIONS) for name in names}
    if written.startswith(_ARTICLE):
        forms.add("ل" + written[1:])
    return bool(without_conjunction(token.norm) & forms)


def is_perfect(norm: str, key: str) -> bool:
    """Whether a verb token is a perfect (past) form of the verb ``key``: the
    key starts it, after an optional conjunction (وقصفت, قامت, وقعت)."""
    return any(stem.startswith(key) for stem in without_conjunction(norm))


def verb_key(word: str) -> str:
    """The form a dictionary verb is stored under: normalised, with its alef
    and lam, which are root letters or a prefix of a verb, never the article
    (ألقى, التقى, التمس)."""
    return normalize_word(word)


@cache
def head_verb(phrase: str) -> str:
    """The verb key of a matched phrase's first word (قصف of ``قصف جوا``), the
    word rules about particular verbs compare (urging, claims, prepositional
    objects). Cached: its argument is one of the dictionary's phrases."""
    return verb_key(phrase.split()[0])


def dictionary_key(word: str) -> str:
    """The form a dictionary word is stored under: normalised, article-less.

    A word written ``=القاعدة`` keeps its article: it then matches only a
    definite text word (``القاعدة``, ``والقاعدة``), not ``قاعدة`` (a base)."""
    if word.startswith("="):
        return normalize_word(word[1:])
    return _strip_article(normalize_word(word))


@lru_cache(maxsize=_TOKENS_CACHED)
def _token_forms(text: str) -> tuple[str, frozenset[str], frozenset[str], bool]:
    """A token's normal form, its nominal and verbal forms in the lookup
    vocabulary, and whether it is a word."""
    norm = normalize_word(text)
    plain, nisba = _nominal_forms(norm)
    nominal = _kept(plain | nisba)
    verbal = _kept(_verbal_forms(norm, plain))
    return (text if norm == text else norm,  # one string kept, not two equal ones
            nominal, verbal, bool(_WORD.search(text)))


def _kept(forms: set[str]) -> frozenset[str]:
    """The forms in the lookup vocabulary."""
    kept = _LOOKUP_KEYS.intersection(forms)
    return _shared(frozenset(kept)) if kept else _NO_FORMS


@lru_cache(maxsize=4096)
def _shared(forms: frozenset[str]) -> frozenset[str]:
    """One object for equal sets of kept forms, which the token cache then
    holds once: about 2,000 distinct sets serve the 30,000 tokens that keep
    any form among 92,000 distinct news tokens."""
    return forms


# First characters of everything camel-tools' tokenizer splits off (punctuation,
# symbols, emoji sequences): a word with none of them is one token as it stands.
_SYMBOLS = UNICODE_PUNCT_SYMBOL_CHARSET | EMOJI_ALL_CHARSET
_SPLIT_STARTS = frozenset(s[0] for s in _SYMBOLS)
# Characters that extend an emoji into a sequence (regional indicators, skin
# tones, variation selector, keycap, zero-width joiner, tags). A word without
# them is cut at each of its punctuation and symbol characters, each one a
# token, as camel-tools' per-character loop cuts it.
_EMOJI_JOINERS = re.compile(
    "[\U0001F1E6-\U0001F1FF\U0001F3FB-\U0001F3FF\uFE0F\u20E3\u200D\U000E0020-\U000E007F]")
_SYMBOL_CHARS = frozenset(s for s in _SYMBOLS if len(s) == 1)


def _pieces(sentence: str) -> Iterator[str]:
    """``simple_word_tokenize``'s tokens (checked identical on 3,000 corpus
    articles), several times faster: its per-character loop runs only on the
    words that hold part of an emoji sequence, not on every word."""
    for word in sentence.split():
        if _SPLIT_STARTS.isdisjoint(word):
            yield word
        elif _EMOJI_JOINERS.search(word):
            yield from simple_word_tokenize(word)
        else:
            yield from _split_symbols(word)


def _split_symbols(word: str) -> Iterator[str]:
    """A word without emoji sequences cut at each punctuation or symbol character."""
    start = 0
    for i, char in enumerate(word):
        if char in _SYMBOL_CHARS:
            if i > start:
                yield word[start:i]
            yield char
            start = i + 1
    if start < len(word):
        yield word[start:]


def tokenize(sentence: str, offset: int = 0) -> list[Token]:
    """camel-tools word tokenisation with character offsets into the text."""
    while _UNCOMPILED:  # the first call: the shipped dictionaries' keys first
        _UNCOMPILED.pop()()
    tokens: list[Token] = []
    cursor = 0
    find = sentence.find
    for piece in _pieces(sentence):
        start = find(piece, cursor)
        if start < 0:  # tokenizer changed the piece; keep going without offsets drift
            start = cursor
        cursor = start + len(piece)
        norm, nominal, verbal, is_word = _token_forms(piece)
        tokens.append(Token(piece, offset + start, offset + cursor, norm, nominal, verbal, is_word))
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
        self._gap_stops = lookup_keys(gap_stops)
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
        lookup_keys(keys)
        self._first_keys.add(keys[0])
        if verb:
            _doubled_verb(first)
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
        first_keys, verbal = self._first_keys, self._verbal
        taken: set[int] = set()
        end = 0  # the end of the last match: the next one starts there or later
        for i, token in enumerate(tokens):
            # Most tokens keep no form at all (see lookup_keys): one test skips them.
            forms = token.verbal if verbal else token.nominal
            if (not forms or i < end or i in taken or not token.is_word
                    or first_keys.isdisjoint(forms)):
                continue
            match = self.match_at(tokens, i)
            if match is None or (match.tail and taken.intersection(range(*match.tail))):
                continue
            found.append(match)
            if match.tail:
                taken.update(range(*match.tail))
            end = match.end
        return found
