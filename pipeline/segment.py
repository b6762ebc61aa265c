"""Arabic sentence segmentation by rules, as character offsets into the original text.

Why rules and not a model: news text has a small, known set of traps (quotes
around statements, agency abbreviations such as ``أ.ف.ب``, decimal numbers,
``د.`` before names, paragraph breaks that end sentences without a full stop)
and a rule set handles them at several MB per second without model files.

How it works: the text is cut into paragraphs at line breaks (a line break
always ends a sentence, which also covers headlines and datelines on their own
line). Inside a paragraph one regular expression finds the only characters that
matter (sentence-final punctuation, quotes, brackets); quotes and brackets are
paired first, so only a pair that closes inside the same paragraph protects its
content, and a stray quote can never swallow the rest of the document. Each
remaining full stop, question or exclamation mark is then judged by its
neighbours (numbers, URLs, abbreviations, initials, ellipses).

The text is never changed: every sentence is a ``(start, end)`` span into it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise

# Characters that may close a quotation or bracket right after a full stop.
_CLOSERS = frozenset("\"'»«”“’)]")
# Line breaks, and events inside a paragraph: a quote or a bracket, or a run of
# final punctuation (tokenised text spaces its dots, ". . .") that is followed
# by a space, a closer or the end, or that may glue two Arabic sentences
# ("العراق.وقال"). Dots inside numbers, URLs and abbreviations never become
# events, which keeps dense tokens cheap.
_EVENT = re.compile(
    r"\r\n?|[\n\u2028\u2029\x0c\x85]"
    r"|[\"«»“”()\[\]]"
    r"|[.؟?!…](?: ?[.؟?!…])*+(?=[\s\"'»«”“’)\]]|$)"
    r"|\.(?:(?<=[\u0621-\u064a]{2}\.)|(?<=[\d%)»\"]\.))(?=[\u0621-\u064a])"
)
_BREAK_CHARS = frozenset("\r\n\u2028\u2029\x0c\x85")
_QUOTE_MARKS = frozenset('"«»“”()[]')
_STRONG_FINAL = frozenset("؟?!")
# Pairs whose direction is written both ways in RTL text (» … « is common).
_SYMMETRIC_PAIRS = {"«": "»", "»": "«", "“": "”", "”": "“"}
_OPEN_CONTEXT = frozenset("([{«“:،,ـ-/")
_CLOSE_CONTEXT = frozenset(".,،؛;:!?؟)]}»”…-/")

# Bounds that keep the work per character constant on pathological input.
_MAX_DEPTH = 16  # open quotes and brackets tracked at once
_LONGEST_WORD = 64  # characters looked back for the word before a full stop

_LETTER = re.compile(r"[^\W\d_]")
_ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")
_WORD_CHAR = re.compile(r"\w")
_OR_AFTER_QUESTION = re.compile(r"\s*(?:أو|او|أم)(?!\w)")
_NUMBER = re.compile(r"^[\d٠-٩۰-۹]+(?:[.,٫٬/:-][\d٠-٩۰-۹]+)*$")
# Letters separated by dots: أ.ف.ب, ق.م, U.S, e.g, Ph.D
_DOTTED = re.compile(r"^(?:[^\W\d_]{1,2}ـ?\.)+[^\W\d_]{1,2}ـ?$")
_OPENING_PUNCT = "\"'«»“”(["

# Titles and references that are followed by a full stop inside a sentence.
# fmt: off
_ABBREVIATIONS = frozenset({
    # Single letters (د. م. أ. ص.) are caught by the initial rule; these are the
    # longer forms (هجري with tatweel, أستاذ دكتور) and Latin titles common in
    # names quoted in Arabic news.
    "هـ", "أ.د", "ا.د",
    "Mr", "Mrs", "Ms", "Dr", "Prof", "St", "Jr", "Sr", "vs", "No", "Gen", "Col", "Lt",
    "Capt", "Sgt", "Gov", "Sen", "Rep", "Mt", "Fig", "Vol", "pp", "cf",
})
# Latin letters spelt in Arabic, used as initials: "جون إف. كينيدي". After another
# one they spell an acronym that may end the sentence: "بي بي سي."
_LETTER_NAMES = frozenset({
    "إف", "إس", "إم", "إل", "إن", "إتش", "إكس", "إي", "آر", "بي", "تي", "دي", "جي",
    "جيه", "كيه", "دبليو", "واي", "زد", "يو", "سي",
})
# fmt: on
# After a number these abbreviations are era or time-of-day markers (١٤٣٧ هـ.،
# ٧٠٠ ق.م.، ١٠ ص.) and their full stop usually ends the sentence as well.
_NUMBER_MARKERS = frozenset({"م", "هـ", "ه", "ق.م", "ق.هـ", "ص", "ب.م"})
# Words that continue a sentence after such a marker: "١٤٣٧ هـ. الموافق ...".
_CONTINUATIONS = ("الموافق", "الموافقة", "الى", "إلى", "حتى", "وحتى")


def iter_sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    """Yield ``(start, end)`` of each sentence, paragraph by paragraph.

    Streaming matters for long archive dumps: a paragraph is segmented as soon
    as its line break is seen, so memory stays at one paragraph of events.
    Spans never include surrounding whitespace and never are empty.
    """
    para_start = 0
    events: list[re.Match[str]] = []
    for match in _EVENT.finditer(text):
        if match.group()[0] in _BREAK_CHARS:
            yield from _paragraph_spans(text, para_start, match.start(), events)
            para_start = match.end()
            events = []
        else:
            events.append(match)
    yield from _paragraph_spans(text, para_start, len(text), events)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """All sentence spans of ``text``, as ``(start, end)`` character offsets."""
    return list(iter_sentence_spans(text))


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` as strings (slices of the original)."""
    return [text[start:end] for start, end in iter_sentence_spans(text)]


def _paragraph_spans(
    text: str, start: int, end: int, events: list[re.Match[str]]
) -> Iterator[tuple[int, int]]:
    """Segment one paragraph (no line breaks inside) given its events."""
    while start < end and text[start].isspace():
        start += 1
    if start >= end:
        return
    protected = _protected_intervals(text, start, end, events)
    cuts = [start]
    k = 0
    for match in events:
        if match.group()[0] in _QUOTE_MARKS:
            continue
        pos = match.start()
        while k < len(protected) and protected[k][1] < pos:
            k += 1
        inside = protected[k] if k < len(protected) and protected[k][0] < pos else None
        cut = _cut_after(text, start, end, match, inside)
        if cut is not None and cut > cuts[-1]:
            cuts.append(cut)
    cuts.append(end)
    yield from _trimmed_spans(text, cuts)


def _trimmed_spans(text: str, cuts: list[int]) -> Iterator[tuple[int, int]]:
    """Spans between cut points without surrounding whitespace.

    A piece without any letter or digit (a stray ". ." after a sentence) is not
    a sentence: it is attached to the sentence before it, or dropped when it
    opens the paragraph.
    """
    pending: tuple[int, int] | None = None
    for a, b in pairwise(cuts):
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a == b:
            continue
        if _WORD_CHAR.search(text, a, b) is None:
            if pending is not None:
                pending = (pending[0], b)
            continue
        if pending is not None:
            yield pending
        pending = (a, b)
    if pending is not None:
        yield pending


def _protected_intervals(
    text: str, start: int, end: int, events: list[re.Match[str]]
) -> list[tuple[int, int]]:
    """Merged ``(open, close)`` positions of quotes and brackets that pair up.

    Only pairs closed within the paragraph count, so an unbalanced quote
    protects nothing. ASCII ``"`` has no direction: it opens when it stands
    before a word and closes after one; when the context cannot tell (spaced
    tokenised text, ``بـ"كلمة``) it closes an open ``"`` or else opens one.
    """
    stack: list[tuple[str, int]] = []  # (expected closer, position)
    pairs: list[tuple[int, int]] = []
    for match in events:
        mark = match.group()
        if mark not in _QUOTE_MARKS:
            continue
        pos = match.start()
        if len(stack) == _MAX_DEPTH:
            del stack[0]  # nothing nests this deep in news: the oldest opener was stray
        if mark == "(" or mark == "[":
            stack.append((")" if mark == "(" else "]", pos))
        elif mark == ")" or mark == "]":
            _close(stack, mark, pos, pairs)
        elif mark == '"':
            if _quote_opens(text, start, end, pos, stack):
                stack.append(('"', pos))
            else:
                _close(stack, '"', pos, pairs)
        elif any(expected == mark for expected, _ in stack):
            _close(stack, mark, pos, pairs)
        else:
            stack.append((_SYMMETRIC_PAIRS[mark], pos))
    pairs.sort()
    merged: list[tuple[int, int]] = []
    for a, b in pairs:
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _quote_opens(text: str, start: int, end: int, pos: int, stack: list[tuple[str, int]]) -> bool:
    """Whether the ASCII quote at ``pos`` opens a quotation (else it closes one)."""
    before = text[pos - 1] if pos > start else " "
    after = text[pos + 1] if pos + 1 < end else " "
    opens = before.isspace() or before in _OPEN_CONTEXT
    closes = after.isspace() or after in _CLOSE_CONTEXT
    if opens and closes and before.isspace() and after.isspace():
        # A spaced quote (' " '): look past the space. Punctuation after it
        # closes ('... " .'); a colon or the paragraph start before it opens.
        after = text[pos + 2] if pos + 2 < end else " "
        before = text[pos - 2] if pos - 2 >= start else ":"
        closes = after in _CLOSE_CONTEXT
        opens = before in _OPEN_CONTEXT
    if opens != closes:
        return opens
    return not any(expected == '"' for expected, _ in stack)


def _close(stack: list[tuple[str, int]], mark: str, pos: int, pairs: list[tuple[int, int]]) -> None:
    """Close the nearest open mark expecting ``mark``; unmatched openers above it
    are dropped. A closer with no opener is ignored."""
    for i in range(len(stack) - 1, -1, -1):
        if stack[i][0] == mark:
            pairs.append((stack[i][1], pos))
            del stack[i:]
            return


def _cut_after(
    text: str,
    start: int,
    end: int,
    match: re.Match[str],
    inside: tuple[int, int] | None,
) -> int | None:
    """Where the sentence ends if this punctuation run ends one, else None."""
    run = match.group()
    s, e = match.span()
    q = e
    while q < end and text[q] in _CLOSERS:
        q += 1
    if inside is not None and (q <= inside[1] or text[inside[1]] in ")]"):
        # Inside a quotation or brackets that close later, or at the end of a
        # parenthesis: "(انظر الصفحة 3.) مهم" goes on after it.
        return None
    if q < end and not text[q].isspace() and not _glued_sentences(text, start, run, s, q):
        return None  # inside a token: 3.5, www.site.com, أ.ف.ب
    if not _STRONG_FINAL.isdisjoint(run):
        # "هل يبقى؟ أم يرحل؟": a question that goes on with "or" is one sentence.
        if "!" not in run and _OR_AFTER_QUESTION.match(text, q, end):
            return None
    else:
        dots = run.count(".")
        if "…" in run or dots > 2:
            return None  # an ellipsis inside a paragraph continues the sentence
        # Two dots ("..") are how Arabic news separates sentences; one dot
        # depends on the word before it.
        if dots == 1 and not _full_stop_ends(text, start, end, s):
            return None
    return q


def _glued_sentences(text: str, start: int, run: str, s: int, q: int) -> bool:
    """A full stop with no space before an Arabic word ("العراق.وقال",
    "2.3%.وأضاف"): a typing slip common in scraped news. URLs, e-mail
    addresses and decimals continue with Latin letters or digits, and
    abbreviations (أ.ف.ب، د.محمد) have a single letter before the stop."""
    if run != "." or q != s + 1 or s - start < 2 or not _ARABIC_LETTER.match(text, q):
        return False
    before = text[s - 1]
    if before.isdigit() or before in '%)»"':
        return True
    return (
        _ARABIC_LETTER.match(before) is not None and _ARABIC_LETTER.match(text, s - 2) is not None
    )


def _full_stop_ends(text: str, start: int, end: int, s: int) -> bool:
    """Whether the single full stop at ``s`` can end a sentence, judged by the
    word before it: numbers, initials and abbreviations keep the sentence open.
    Whether it is followed by a space is checked by the caller."""
    word_end = s
    if word_end > start and text[word_end - 1] == " ":
        word_end -= 1  # tokenised text puts a space before the full stop
    word_start = word_end
    limit = max(start, word_end - _LONGEST_WORD)
    while word_start > limit and not text[word_start - 1].isspace():
        word_start -= 1
    token = text[word_start:word_end]
    word = token.lstrip(_OPENING_PUNCT)
    if not word:
        # After a spaced closing quote or bracket ('... " .') the stop ends the
        # sentence; alone at the start of a paragraph it is noise.
        return bool(token) and word_start > start
    if word in _NUMBER_MARKERS and _NUMBER.match(_previous_word(text, start, word_start)):
        return not _continues(text, s + 1, end)
    # "ه" alone is a pronoun (tokenised "رأس ه .") or, after a year, هجري.
    abbreviation = (
        (word in _LETTER_NAMES and _previous_word(text, start, word_start) not in _LETTER_NAMES)
        or word in _ABBREVIATIONS
        or _DOTTED.match(word) is not None
        or (len(word) == 1 and word != "ه" and _LETTER.match(word) is not None)
    )
    if abbreviation:
        return False
    # A number opening the paragraph or a sentence is a list item: "1. ...".
    return not (_NUMBER.match(word) and _opens_sentence(text, start, word_start))


def _opens_sentence(text: str, start: int, word_start: int) -> bool:
    j = word_start
    while j > start and text[j - 1].isspace():
        j -= 1
    return j == start or text[j - 1] in ".:؟?!؛"


def _previous_word(text: str, start: int, word_start: int) -> str:
    j = word_start
    while j > start and text[j - 1] == " ":
        j -= 1
    i = j
    limit = max(start, j - _LONGEST_WORD)
    while i > limit and not text[i - 1].isspace():
        i -= 1
    return text[i:j]


def _continues(text: str, pos: int, end: int) -> bool:
    """Whether the text after an era/time marker carries on the same sentence."""
    rest = text[pos : min(end, pos + 12)].lstrip()
    if not rest:
        return False
    return rest[0].isdigit() or rest[0] in "(-–/،," or rest.startswith(_CONTINUATIONS)
