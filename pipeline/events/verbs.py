"""The event-verb dictionary: Arabic verbs and verbal nouns -> CAMEO codes.

Compiled once from ``verbs.yaml`` into a verbal :class:`PhraseIndex`, plus the
small closed lists of grammar words (verbs of saying, negators, relative
pronouns...) the coder uses to read the structure around a verb.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from pipeline.events.cameo import lookup
from pipeline.events.lexicon import (
    PhraseIndex,
    Token,
    compiled_before_tokens,
    dictionary_key,
    lookup_keys,
)

DEFAULT_CONFIDENCE = 0.8
# Words allowed between the verb and the rest of a verb phrase: a subject of
# up to three words (أطلق مسلحون مجهولون النار, ألقت قوات الأمن القبض على).
MAX_GAP = 3


@dataclass(frozen=True)
class VerbEntry:
    code: str
    kind: str  # verb | noun
    passive: bool  # the lone actor is the target (قتل ثلاثة مدنيين)
    confidence: float
    stimulus: bool = False  # the subject is the target, the speaker the source (أثار المخاوف)
    # Words one of which must be the object for the entry to mean the event:
    # تبنى claims responsibility only for an attack (تبنى التنظيم الهجوم), else
    # it adopts a law or a view. Empty: any object.
    objects: frozenset[str] = frozenset()
    # Words which, right after the verb or its subject, make it another verb
    # that shares its letters: يدين بالإسلام "professes", not "condemns".
    other_sense: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Grammar:
    """Closed word classes, as sets of dictionary keys (one-word entries) and
    a phrase index (multi-word entries such as ``وفقا ل``)."""

    speech: PhraseIndex[str]
    attribution: frozenset[str]
    complementizers: frozenset[str]
    negators: frozenset[str]
    occurrences: frozenset[str]
    passive_support: frozenset[str]
    passive_only: frozenset[str]
    active_support: frozenset[str]
    relatives: frozenset[str]
    target_markers: frozenset[str]
    clause_breaks: frozenset[str]
    agent_genitive: frozenset[str]
    counts: frozenset[str]
    time_words: frozenset[str]
    place_words: frozenset[str]
    hypothetical: frozenset[str]
    cases: frozenset[str]
    purposes: frozenset[str]
    background: frozenset[str]
    clause_background: frozenset[str]
    year_words: frozenset[str]
    past_words: frozenset[str]
    periods: frozenset[str]
    recent_words: frozenset[str]
    allegations: frozenset[str]
    comments: frozenset[str]
    subordinators: frozenset[str]
    consequences: frozenset[str]
    operations: frozenset[str]
    blows: frozenset[str]
    snatched: frozenset[str]
    satellites: frozenset[str]
    welcomes: frozenset[str]
    pitch: frozenset[str]
    cyber: frozenset[str]
    strike_targets: frozenset[str]
    perception: frozenset[str]
    protesters: frozenset[str]
    chants: frozenset[str]
    casualties: frozenset[str]
    aims: frozenset[str]
    civil_aims: frozenset[str]
    attacks: frozenset[str]
    verbal_cues: frozenset[str]
    mishaps: frozenset[str]
    crash_heads: frozenset[str]
    wrecks: frozenset[str]
    blasts: frozenset[str]
    fires: frozenset[str]
    attack_signs: frozenset[str]
    wars: frozenset[str]


@dataclass(frozen=True)
class VerbDictionary:
    index: PhraseIndex[VerbEntry]
    grammar: Grammar


def _keys(words: list[str]) -> frozenset[str]:
    """One-word grammar lists as dictionary keys (a phrase here would never match)."""
    phrases = [w for w in words if len(w.split()) != 1]
    if phrases:
        raise ValueError(f"grammar word lists take single words, not {phrases}")
    return lookup_keys(dictionary_key(w) for w in words)


def _phrases(words: list[str]) -> PhraseIndex[str]:
    index: PhraseIndex[str] = PhraseIndex(verbal=True)
    for word in words:
        index.add(word, word)
    return index


@compiled_before_tokens
@cache
def verb_dictionary() -> VerbDictionary:
    """Compile ``verbs.yaml`` once per process; every code is checked against CAMEO."""
    text = resources.files("pipeline.events").joinpath("verbs.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    grammar_words = data.pop("grammar")
    grammar = _grammar(grammar_words)
    # A verb phrase's subject comes between its words (VSO); a noun phrase
    # (إطلاق النار) is never split.
    index: PhraseIndex[VerbEntry] = PhraseIndex(
        verbal=True, max_gap=MAX_GAP,
        gap_stops=grammar.clause_breaks | grammar.complementizers | grammar.relatives)
    for code, groups in data.items():
        code = str(code)
        lookup(code)  # raises on a code CAMEO does not define
        for spec in groups if isinstance(groups, list) else [groups]:
            confidence = float(spec.get("confidence", DEFAULT_CONFIDENCE))
            objects = _keys(spec.get("objects", []))
            other_sense = _keys(spec.get("other_sense", []))
            for kind in ("verbs", "nouns", "passive", "stimulus"):
                for phrase in spec.get(kind, []):
                    entry = VerbEntry(code, "noun" if kind == "nouns" else "verb",
                                      kind == "passive", confidence, kind == "stimulus",
                                      objects, other_sense)
                    index.add(phrase, entry, verb=kind != "nouns")
    return VerbDictionary(index, grammar)


def _grammar(grammar_words: dict[str, list[str]]) -> Grammar:
    """The ``grammar`` lists, compiled first: the event index needs the clause
    breaks to know where a verb phrase's gap ends."""
    return Grammar(
        speech=_phrases(grammar_words["speech"]),
        attribution=_keys(grammar_words["attribution"]),
        complementizers=_keys(grammar_words["complementizers"]),
        negators=_keys(grammar_words["negators"]),
        occurrences=_keys(grammar_words["occurrences"]),
        passive_support=_keys(grammar_words["passive_support"]),
        passive_only=_keys(grammar_words["passive_only"]),
        active_support=_keys(grammar_words["active_support"]),
        relatives=_keys(grammar_words["relatives"]),
        target_markers=_keys(grammar_words["target_markers"]),
        clause_breaks=_keys(grammar_words["clause_breaks"]),
        agent_genitive=_keys(grammar_words["agent_genitive"]),
        counts=_keys(grammar_words["counts"]),
        time_words=_keys(grammar_words["time_words"]),
        place_words=_keys(grammar_words["place_words"]),
        hypothetical=_keys(grammar_words["hypothetical"]),
        cases=_keys(grammar_words["cases"]),
        purposes=_keys(grammar_words["purposes"]),
        background=_keys(grammar_words["background"]),
        clause_background=_keys(grammar_words["clause_background"]),
        year_words=_keys(grammar_words["year_words"]),
        past_words=_keys(grammar_words["past_words"]),
        periods=_keys(grammar_words["periods"]),
        recent_words=_keys(grammar_words["recent_words"]),
        allegations=_keys(grammar_words["allegations"]),
        comments=_keys(grammar_words["comments"]),
        subordinators=_keys(grammar_words["subordinators"]),
        consequences=_keys(grammar_words["consequences"]),
        operations=_keys(grammar_words["operations"]),
        blows=_keys(grammar_words["blows"]),
        snatched=_keys(grammar_words["snatched"]),
        satellites=_keys(grammar_words["satellites"]),
        welcomes=_keys(grammar_words["welcomes"]),
        pitch=_keys(grammar_words["pitch"]),
        cyber=_keys(grammar_words["cyber"]),
        strike_targets=_keys(grammar_words["strike_targets"]),
        perception=_keys(grammar_words["perception"]),
        protesters=_keys(grammar_words["protesters"]),
        chants=_keys(grammar_words["chants"]),
        casualties=_keys(grammar_words["casualties"]),
        aims=_keys(grammar_words["aims"]),
        civil_aims=_keys(grammar_words["civil_aims"]),
        attacks=_keys(grammar_words["attacks"]),
        verbal_cues=_keys(grammar_words["verbal_cues"]),
        mishaps=_keys(grammar_words["mishaps"]),
        crash_heads=_keys(grammar_words["crash_heads"]),
        wrecks=_keys(grammar_words["wrecks"]),
        blasts=_keys(grammar_words["blasts"]),
        fires=_keys(grammar_words["fires"]),
        attack_signs=_keys(grammar_words["attack_signs"]),
        wars=_keys(grammar_words["wars"]),
    )


def is_count(token: Token) -> bool:
    """A number (12) or a count word (ثلاثة, عشرات): what makes the persons
    after it a tally (victims of a casualty verb, people rather than an
    adjective)."""
    return token.text.isdigit() or bool(token.nominal & verb_dictionary().grammar.counts)
