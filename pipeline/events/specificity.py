"""Whether a sentence reports an incident or only talks about violence.

Conflict and protest words appear far more often in talk about violence
(threats, trials, statistics, history, opinion) than in reports of an
incident. :func:`hypothetical` and :func:`background` rule the talk out;
:func:`specificity` weighs the evidence of an incident (a count of people, a
day, a place, identified actors, corroborating words) into a confidence factor.
The word lists live in ``verbs.yaml`` (``grammar``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pipeline.events.actors import ActorMention
from pipeline.events.lexicon import Match, Token
from pipeline.events.verbs import VerbEntry, verb_dictionary

# Violence and protests: coded without actors, and only with incident evidence.
INCIDENT_ROOTS = frozenset({"14", "18", "19", "20"})
# Confidence factor for 0, 1, 2... pieces of evidence that an incident took place.
_EVIDENCE_WEIGHT = (0.3, 0.5, 0.7, 0.85, 1.0, 1.0)


def sentence_evidence(tokens: Sequence[Token], places: Sequence[Match],
                       actors: list[ActorMention]) -> int:
    """Signs that the sentence reports an incident: a count of people, a day
    or time, a place, an identified actor."""
    grammar = verb_dictionary().grammar
    return (any(t.text.isdigit() or t.nominal & grammar.counts for t in tokens)
            + any(t.nominal & grammar.time_words for t in tokens)
            + (bool(places) or any(t.nominal & grammar.place_words for t in tokens))
            + bool(actors))


def background(tokens: Sequence[Token], published: date | None) -> bool:
    """The sentence mentions a trial, statistics, an anniversary, a tally
    "since", or a year before publication (``background`` in verbs.yaml)."""
    background = verb_dictionary().grammar.background
    return any(t.nominal & background or _earlier_year(t, published) for t in tokens)


def specificity(word: Match[VerbEntry], words: list[Match[VerbEntry]], tokens: Sequence[Token],
                evidence: int, is_background: bool, paired: bool) -> float:
    """How much the sentence reads as a report of one incident (0 to 1).

    0 when the violence is background to something else (``is_background``).
    Otherwise the sentence's ``evidence`` adds up with both actors of the event
    identified (``paired``) and a second word of the same family
    (قتل ... في انفجار; protesters for protests)."""
    if word.value.code[:2] == "14":  # protests are held on anniversaries, during trials...
        evidence += any(w is not word and w.value.code[:2] == "14" for w in words)
        evidence += any(t.nominal & verb_dictionary().grammar.protesters for t in tokens)
    elif is_background:
        return 0.0
    else:
        evidence += any(w is not word and w.value.code[:2] in INCIDENT_ROOTS for w in words)
    evidence += paired
    return _EVIDENCE_WEIGHT[min(evidence, len(_EVIDENCE_WEIGHT) - 1)]


def hypothetical(word: Match[VerbEntry], tokens: Sequence[Token]) -> bool:
    """The future (سيقصف, سوف), a condition, an intention or a habit near the
    event word: the text talks about the event, it does not report it."""
    head = tokens[word.start]
    if word.value.kind == "verb" and head.norm.removeprefix("و").removeprefix("ف").startswith(
            ("سي", "ست", "سن")) and not head.norm.startswith(("ست", "سن")):
        return True
    window = [*tokens[max(0, word.start - 6) : word.start], *tokens[word.end : word.end + 3]]
    return any(t.nominal & verb_dictionary().grammar.hypothetical for t in window)


def _earlier_year(token: Token, published: date | None) -> bool:
    """A year (1950..) before the publication year: the sentence recalls history."""
    if not (token.text.isdigit() and len(token.text) == 4):
        return False
    year = int(token.text)
    return 1950 <= year < (published.year if published else date.today().year)
