"""Clause structure around an event word: reported speech, negation, bounds.

``قال X إن Y ...`` opens a reported clause (a :class:`Frame`) whose events are
quoted by X; ``نفى X أن ...`` opens a denied one. :func:`bounds` gives the
stretch of tokens where an event word looks for its actors, cut at
complementizers, sentence punctuation and clause breaks (``بعدما``, ``الذي``).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from pipeline.events.actors import ActorMention
from pipeline.events.coreference import Memory
from pipeline.events.lexicon import QUOTES, Match, Token, lookup_keys
from pipeline.events.verbs import VerbEntry, verb_dictionary

WINDOW = 7  # tokens searched on each side of an event word for its actors
PRONOUN_SUFFIXES = ("", "ه", "ها", "هم", "هما", "نا", "ني")
DENIAL_CODE = "016"
_HARD_STOPS = frozenset({".", "؛", ";", ":", "!", "?", "؟"})
_QUOTED_NAME = 3  # words between quotes that make a name rather than a quotation
_KANA = lookup_keys({"كان", "كون"})  # تكون, يكون: verb forms of "to be"


@dataclass
class Frame:
    """A reported or denied clause: tokens [start, end) and who said it."""

    start: int
    end: int
    speaker: ActorMention | None
    denied: bool
    pronoun_subject: bool  # إنها / أنه: the speaker is the clause's subject


def is_complementizer(token: Token) -> bool:
    """أن, إن, بأن with or without a pronoun (إنها, أنهم), after و or ف."""
    return token.norm.removeprefix("و").removeprefix("ف") in _complementizer_forms()


@cache
def _complementizer_forms() -> frozenset[str]:
    keys = verb_dictionary().grammar.complementizers
    return frozenset(key + suffix for key in keys for suffix in PRONOUN_SUFFIXES)


def frames(tokens: Sequence[Token], mentions: list[ActorMention],
            words: list[Match[VerbEntry]], memory: Memory) -> tuple[list[Frame], str | None]:
    """Reported clauses (after a verb of saying or denial) and the sentence's
    attribution (``بحسب X``)."""
    grammar = verb_dictionary().grammar
    openers = [(m.start, m.end, False) for m in grammar.speech.find_all(tokens)]
    openers += [(w.start, w.end, True) for w in words if w.value.code == DENIAL_CODE]
    frames: list[Frame] = []
    for start, end, denied in sorted(openers):
        frame = _frame_after(start, end, tokens, mentions, memory, denied)
        if frame.speaker and frame.speaker.is_actor and not frames:
            memory.last_speaker = frame.speaker  # the outermost speaker of the sentence
        frames.append(frame)
    attribution = None
    for i, token in enumerate(tokens):
        if token.nominal & grammar.attribution:
            source = next((m for m in mentions if m.is_actor and 1 <= m.start - i <= 3), None)
            if source:
                attribution = source.code
                break
    return [f for f in frames if f.end > f.start], attribution


def _frame_after(start: int, end: int, tokens: Sequence[Token], mentions: list[ActorMention],
                 memory: Memory, denied: bool) -> Frame:
    """The clause a verb of saying introduces: from its complementizer (or colon
    or opening quote) to the end of the sentence."""
    speaker = _speaker(start, end, tokens, mentions) or memory.last_speaker
    opening = None
    i = end
    while i < min(len(tokens), end + 10):
        text = tokens[i].text
        closing = _quoted_name_end(tokens, i) if text in QUOTES else None
        if closing is not None:
            i = closing + 1
            continue
        if is_complementizer(tokens[i]) or text in {":", *QUOTES}:
            opening = i
            break
        i += 1
    if opening is None:
        if not denied:
            return Frame(0, 0, speaker, denied, False)
        # نفت الوزارة، اليوم، استهدافهم: the denied event is the object, up to the
        # next clause break.
        close = next((j for j in range(end, len(tokens)) if is_break(tokens, j)), len(tokens))
        return Frame(end, close, speaker, denied, False)
    norm = tokens[opening].norm
    pronoun = is_complementizer(tokens[opening]) and not norm.endswith(("ان", "ن"))
    return Frame(opening + 1, len(tokens), speaker, denied, pronoun)


def _quoted_name_end(tokens: Sequence[Token], i: int) -> int | None:
    """Where a quote at ``i`` closes when it sets off a name of a few words
    (تنظيم «القاعدة», صحيفة «الشرق الأوسط»), not the words of the speaker."""
    return next((j for j in range(i + 1, min(len(tokens), i + 2 + _QUOTED_NAME))
                 if tokens[j].text in QUOTES), None)


def _speaker(start: int, end: int, tokens: Sequence[Token],
             mentions: list[ActorMention]) -> ActorMention | None:
    """Who speaks: the actor right after the verb of saying (VSO), else right before."""
    after = [m for m in mentions if m.is_actor and end <= m.start <= end + 4
             and not any(is_complementizer(t) for t in tokens[end : m.start])]
    if after:
        return after[0]
    before = [m for m in mentions if m.is_actor and m.end <= start and start - m.end <= 3]
    return before[-1] if before else None


def implicit_subject(
    frame: Frame | None, word: Match[VerbEntry], words: list[Match[VerbEntry]],
    tokens: Sequence[Token],
) -> ActorMention | None:
    """``قالت الوزارة إنها عبرت ...``: the first verb of a clause opened by a
    complementizer with a pronoun has the speaker as subject."""
    if not (frame and frame.pronoun_subject and frame.speaker and word.value.kind == "verb"):
        return None
    first = next((w for w in words if w.start >= frame.start), None)
    between = tokens[frame.start : word.start]
    if first is word and all(not t.is_word or t.text == "قد" for t in between):
        return frame.speaker
    return None


def innermost_frame(frames: list[Frame], i: int) -> Frame | None:
    """The reported clause closest around token ``i`` (quotes nest)."""
    inside = [f for f in frames if f.start <= i < f.end]
    return max(inside, key=lambda f: f.start) if inside else None


def relative_clause_verbs(tokens: Sequence[Token], words: list[Match[VerbEntry]]) -> set[int]:
    """Starts of verbs that only restate an event noun's target
    (``الغارات التي استهدفت``): they are read with the noun, not coded twice."""
    grammar = verb_dictionary().grammar
    absorbed: set[int] = set()
    for noun, verb in itertools.pairwise(words):
        between = tokens[noun.end : verb.start]
        if (noun.value.kind == "noun" and len(between) <= 3
                and any(t.nominal & grammar.relatives for t in between)
                and (verb.value.code[:2] == noun.value.code[:2] or verb.value.code == "190")):
            absorbed.add(verb.start)
    return absorbed


def is_break(tokens: Sequence[Token], j: int) -> bool:
    """Whether token ``j`` ends the stretch where an event word finds actors.

    ``إما أن تكون`` and ``أن يكون`` are modal, not a new clause."""
    token = tokens[j]
    if token.text in _HARD_STOPS or token.nominal & verb_dictionary().grammar.clause_breaks:
        return True
    if not is_complementizer(token):
        return False
    modal_before = j > 0 and tokens[j - 1].norm.removeprefix("و") == "اما"
    modal_after = j + 1 < len(tokens) and tokens[j + 1].verbal & _KANA
    return not (modal_before or modal_after)


def bounds(i: int, end: int, tokens: Sequence[Token], frames: list[Frame]) -> tuple[int, int]:
    """The stretch of tokens that can hold an event word's actors."""
    left = max(0, i - WINDOW)
    for j in range(i - 1, left - 1, -1):
        if is_break(tokens, j):
            left = j + 1
            break
    right = min(len(tokens), end + WINDOW)
    for j in range(end, right):
        if is_break(tokens, j):
            right = j
            break
    for frame in frames:  # a reported clause's actors stay inside it
        if frame.start <= i < frame.end:
            left = max(left, frame.start)
    return left, right


def negated(tokens: Sequence[Token], i: int) -> bool:
    """A negator right before the event word (لم تقصف, عدم استهداف, لوقف الهجوم),
    or before a noun of occurrence that governs it (عدم وقوع هجمات, دون وصول
    مظاهرة): what did not take place is still the event."""
    grammar = verb_dictionary().grammar
    if i > 1 and tokens[i - 1].nominal & grammar.occurrences:
        i -= 1
    return i > 0 and bool(tokens[i - 1].nominal & grammar.negators
                          or tokens[i - 1].norm in grammar.negators)
