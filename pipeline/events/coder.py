"""Code the political events of an Arabic article in CAMEO.

One pass over the article's sentences. For each sentence: tokens and word
forms (``lexicon``), actor mentions (``actors``) resolved against what the
article said before (``coreference``), event words (``verbs``) and places
(``gazetteer``). Then, for each event word: the reported or denied clause it
sits in (``clauses``), its source and target (``arguments``), whether the
sentence reports an incident or only talks about one (``specificity``), its
date (``pipeline.arabic_dates``) and its CAMEO code, Goldstein score and quad
class (``cameo``).

Precision over recall: talk about events (the future, conditions, threats,
trials, statistics, history) is not coded; an event with no actor at all is
only kept for violence and protests, and only with evidence of an incident (a
count, a day, a place...). Every event carries a confidence; those below
``MIN_CONFIDENCE`` are dropped. README.md describes the rules and dictionaries.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from pipeline.arabic_dates import resolve_event_date
from pipeline.events.actors import ActorMention, find_actors
from pipeline.events.arguments import (
    Sentence,
    arguments,
    attacked_place,
    conjoined_groups,
    is_protester,
    object_pronoun,
    protest_addressee,
    stimulus_arguments,
    urged_words,
)
from pipeline.events.cameo import lookup
from pipeline.events.clauses import (
    frames,
    implicit_subject,
    innermost_frame,
    is_break,
    negated,
    relative_clause_verbs,
)
from pipeline.events.coreference import Memory, inside, resolve
from pipeline.events.gazetteer import best_place, find_places, named_places
from pipeline.events.lexicon import (
    Match,
    Token,
    has_article,
    head_verb,
    is_perfect,
    tokenize,
    verb_key,
)
from pipeline.events.specificity import (
    INCIDENT_ROOTS,
    background,
    hypothetical,
    secondhand,
    sentence_evidence,
    specificity,
)
from pipeline.events.verbs import DEFAULT_CONFIDENCE, VerbEntry, verb_dictionary
from pipeline.records import Actor, Event, Location
from pipeline.schemas import EARLIEST_EVENT, EVENT_HORIZON
from pipeline.segment import sentence_spans

CODER_VERSION = "akhbar-events-1.5"
# Events below this confidence are not emitted: a wrong event costs researchers
# more than a missed one. See README.md ("Specificity and confidence").
MIN_CONFIDENCE = 0.6
# Codes whose words name an incident that readers often do not count as one
# unless the sentence is a plain report: a kidnapping (181) is mostly told as a
# claim, a hijacked ship or a recap. Calibrated on the tune split.
MIN_CONFIDENCE_BY_CODE = {"181": 0.8}
# A definite event noun (المظاهرة, الهجوم) mostly refers back to an incident
# already reported; an indefinite one (مظاهرة, هجوم) reports a new one.
_DEFINITE_FACTOR = {"14": 0.5}  # protests: the article names them once, then refers
_DEFINITE_FACTOR_DEFAULT = 0.75  # violence: "the attack" also opens many reports

# Intents, appeals and threats are about the future by nature.
_FUTURE_ROOTS = frozenset({"02", "03", "13"})
_PREPOSITIONS = ("ب", "ل", "ك")
_CALL = verb_key("دعا")
# دّ, دَّ: the doubled د of ادّعى, يدّعي (a shadda, maybe after another vowel mark).
_CLAIM_SHADDA = re.compile("د[\u064b-\u0650\u0652]?\u0651")
# Words from a verb to its required object, past a long subject (تبنى تنظيم ... مسؤولية).
_OBJECT_REACH = 15
_SENSE_REACH = 5  # verb to the word that gives it another sense, past a subject of 3 words
_SUPPORT_REACH = 6  # support verb to event noun (قام مسلحون من داخل السيارة بإطلاق صواريخ)
_CRITICISM = "111"  # an attack made of words (هاجم ... بقوله)
_CRITICISM_REACH = 10
# Violence, whose object may be a place (قصفت الطائرات غزة): see ``attacked_place``.
_VIOLENCE_ROOTS = frozenset({"18", "19", "20"})
# Agreeing, meeting, cooperating: a conjoined subject does it with itself.
_RECIPROCAL_ROOTS = frozenset({"03", "04", "05", "06"})
# ... except the acts of those roots that go one way: visiting, hosting,
# mediating, praising, defending, recognising, apologising, forgiving. A list
# that does them (رحبت اليونان والعائلات بالقرار, استقبل الوزراء والقادة) does
# them to someone else, never to its own members.
_ONE_WAY_CODES = frozenset({"042", "043", "045", "051", "052", "053", "054", "055", "056"})


def code_article(
    text: str,
    *,
    published: date | None,
    title: str | None = None,
    spans: Sequence[tuple[int, int]] | None = None,
) -> list[Event]:
    """CAMEO events of one article, in sentence order.

    ``spans`` are the sentence offsets into ``text`` (``sentence_idx`` of each
    event indexes them); computed with :func:`pipeline.segment.sentence_spans`
    when not given. ``title`` only primes coreference (the headline restates
    the lead, and has no sentence row of its own). Events without a date in
    their sentence are dated ``published``.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    memory = Memory()
    if title:
        title_tokens = tokenize(title)
        resolve(find_actors(title_tokens, title, day=published), title_tokens, memory)
    events: list[Event] = []
    for idx, (start, end) in enumerate(spans if spans is not None else sentence_spans(text)):
        events.extend(_code_sentence(idx, text[start:end], start, published, memory))
    return events


def _code_sentence(
    idx: int, sentence: str, offset: int, published: date | None, memory: Memory
) -> list[Event]:
    tokens = tokenize(sentence, offset)
    if not tokens:
        return []
    mentions = resolve(find_actors(tokens, sentence, offset, published), tokens, memory)
    words = [_reading(_as_criticism(w, tokens), tokens)
             for w in verb_dictionary().index.find_all(tokens)
             if not any(w.covers(m.start, m.end) for m in mentions) and _has_object(w, tokens)
             and not _other_sense(w, tokens) and not _claims(w, tokens)]
    # Reported speech is read even without event words: it names the speaker
    # that a later "وأضاف أن" refers to.
    clause_frames, attribution = frames(tokens, mentions, words, memory)
    if not words:
        return []
    actors = [m for m in mentions if m.is_actor]
    mentioned = [p for p in find_places(tokens) if not inside(p.start, actors)]
    places = named_places(mentioned, tokens)
    sent = Sentence(tokens, mentions, actors, conjoined_groups(actors, tokens),
                     sentence_evidence(tokens, mentioned, actors),
                     background(tokens, published), frozenset(w.start for w in words))
    event_date = _event_date(sentence, published)
    skipped = relative_clause_verbs(tokens, words) | urged_words(words, sent)
    events: list[Event] = []
    for word in words:
        if word.start in skipped:
            continue
        frame = innermost_frame(clause_frames, word.start)
        implicit = implicit_subject(frame, word, words, tokens)
        if word.value.stimulus:
            sources, targets = stimulus_arguments(word, sent, frame)
        else:
            sources, targets = arguments(word, sent, clause_frames, implicit)
        if not sources and not targets and (word.value.code[:2] not in INCIDENT_ROOTS
                                            or _told_before(word, tokens)):
            continue
        if word.value.code[:2] not in _FUTURE_ROOTS and hypothetical(word, tokens):
            continue
        is_negated = negated(tokens, word.start) or bool(frame and frame.denied)
        factor = 1.0
        if word.value.code[:2] in INCIDENT_ROOTS:
            factor = specificity(word, words, tokens, sent.evidence, sent.background,
                                 paired=bool(sources and targets),
                                 told=secondhand(word, tokens, frame))
            if factor == 0.0:
                continue
        quoted = frame.speaker if frame else attribution
        location = best_place(places, word.start, sentence, offset, tokens)
        if word.value.code[:2] == "14" and not sources:
            sources = [m for m in actors if is_protester(tokens, m)][:1]
        if word.value.code[:2] == "14" and not targets:
            targets = protest_addressee(sent)
        targets = [t for t in targets if t.code not in {s.code for s in sources}]
        if not targets and word.value.code[:2] in _VIOLENCE_ROOTS:
            targets = attacked_place(word, sent, places, sources, sentence, offset)
        for source, target in _pairs(sources, targets, word.value.code):
            event = _event(idx, word, source, target, event_date, location, is_negated, quoted,
                           factor)
            if event.confidence >= MIN_CONFIDENCE_BY_CODE.get(event.event_code, MIN_CONFIDENCE):
                events.append(event)
    return _unique(events)


def _reading(word: Match[VerbEntry], tokens: Sequence[Token]) -> Match[VerbEntry]:
    """A verb entry behind a preposition or the article is its verbal noun
    (المتهم بقتل, لقتال التنظيم, القتل): an accusation, a purpose or a concept
    more often than a report; so is any event word after an operation noun
    (عمليات خطف, عملية اقتحام: a kind of act). After a support verb (قامت
    الدبابة بقصف, أطلقت عشرات الصواريخ, تعرضت لقصف) the noun reports the act as
    firmly as a verb. Without one, a definite violence or protest noun
    (المظاهرة, الهجوم) mostly refers back to an incident reported before, and
    counts for less; ل+ال (للاحتجاج على) is a purpose, not a reference."""
    supported = _after_support_verb(word, tokens)
    root = word.value.code[:2]
    if _refers_back(word, tokens, supported):
        factor = _DEFINITE_FACTOR.get(root, _DEFINITE_FACTOR_DEFAULT)
        return replace(word, value=replace(word.value, confidence=word.value.confidence * factor))
    if supported and word.value.kind != "verb":
        confidence = max(word.value.confidence, DEFAULT_CONFIDENCE)
        return replace(word, value=replace(word.value, confidence=confidence))
    norm = tokens[word.start].norm.removeprefix("و").removeprefix("ف")
    first_key = head_verb(word.phrase)
    prefix = next((p for p in (*_PREPOSITIONS, "ال") if norm.startswith(p)), None)
    # بقتل, القتل: a clitic before the verb; ألقت, لقي: the verb's own letters.
    clitic = word.value.kind == "verb" and prefix and not first_key.startswith(prefix)
    if clitic or _after_operation(word, tokens):
        factor = 1.0 if supported else 0.6
        entry = replace(word.value, kind="noun", confidence=word.value.confidence * factor)
        return replace(word, value=entry)
    return word


def _as_criticism(word: Match[VerbEntry], tokens: Sequence[Token]) -> Match[VerbEntry]:
    """An attack made of words (هاجمت الصين الولايات المتحدة بقولها, هاجم
    الرئيس ... مشددا, أطلقت هجوما على سياسة ترمب) is criticism, 111: an
    attack word (``attacks``) with the words or the policy it is made of
    (``verbal_cues``) among the ten words after it. A definite attack
    (لهذا الهجوم، ... معلقا بالقول) is one reported before, and stays."""
    grammar = verb_dictionary().grammar
    head = tokens[word.start]
    if not (head.nominal | head.verbal) & grammar.attacks or has_article(head):
        return word
    after = [t for t in tokens[word.end :] if t.is_word][:_CRITICISM_REACH]
    if not any(t.nominal & grammar.verbal_cues for t in after):
        return word
    return replace(word, value=replace(word.value, code=_CRITICISM))


def _has_object(word: Match[VerbEntry], tokens: Sequence[Token]) -> bool:
    """Whether an entry that needs a certain object (``objects`` in verbs.yaml)
    has one: within reach after it, or, for a verb with an object pronoun,
    earlier in the sentence (التفجير الذي تبناه التنظيم)."""
    objects = word.value.objects
    if not objects:
        return True
    end = word.tail[1] if word.tail else word.end
    after = [t for t in tokens[end:] if t.is_word][:_OBJECT_REACH]
    if any(t.nominal & objects for t in after):
        return True
    return object_pronoun(word, tokens) and any(t.nominal & objects for t in tokens[: word.start])


def _other_sense(word: Match[VerbEntry], tokens: Sequence[Token]) -> bool:
    """Whether a word of the entry's ``other_sense`` (verbs.yaml) comes right
    after the verb or its subject, a few words on in its clause: then the
    letters are another verb (يدين غالبية السكان بالإسلام "profess Islam",
    يدين له بالفضل "owes him"), not the event."""
    other = word.value.other_sense
    if not other:
        return False
    for j in range(word.end, min(len(tokens), word.end + _SENSE_REACH)):
        if not tokens[j].is_word or is_break(tokens, j):
            return False
        if tokens[j].nominal & other:
            return True
    return False


def _claims(word: Match[VerbEntry], tokens: Sequence[Token]) -> bool:
    """``ادّعى`` ("claimed", form VIII) read as ``دعا`` ("called"): matching
    drops the shadda and reads the alef of ``ادعت``, ``ادعوا`` as a person
    prefix. A shadda written on its د (``يدّعون الانتماء``) or a perfect
    ending after that alef (which no imperfect takes) is the claim."""
    if head_verb(word.phrase) != _CALL:
        return False
    text = tokens[word.start].text
    stem = tokens[word.start].norm.removeprefix("و").removeprefix("ف")
    perfect_viii = stem.startswith("ادع") and stem.endswith(("ت", "وا", "تا"))
    return perfect_viii or bool(_CLAIM_SHADDA.search(text))


def _after_operation(word: Match[VerbEntry], tokens: Sequence[Token]) -> bool:
    """The event word right after عملية, عمليات, حملة (عمليات خطف السفن): a
    verbal noun naming a kind of operation, not a verb."""
    return word.start > 0 and bool(
        tokens[word.start - 1].nominal & verb_dictionary().grammar.operations)


def _refers_back(word: Match[VerbEntry], tokens: Sequence[Token], supported: bool) -> bool:
    """A definite violence or protest noun without a support verb (الهجوم,
    المظاهرة): most often the incident the article reported before."""
    return (word.value.kind == "noun" and word.value.code[:2] in INCIDENT_ROOTS
            and not supported and has_article(tokens[word.start], dative=False))


def _told_before(word: Match[VerbEntry], tokens: Sequence[Token]) -> bool:
    """A definite incident noun with no actor of its own (دوي الانفجار) names an
    incident, it does not report it, and is not coded; with an actor (الغارات
    الروسية على المدينة) it may still be the report. Casualties (القتلى) are
    counted, not referred to: they stay."""
    return (_refers_back(word, tokens, _after_support_verb(word, tokens))
            and not tokens[word.start].nominal & verb_dictionary().grammar.counts)


def _after_support_verb(word: Match[VerbEntry], tokens: Sequence[Token]) -> bool:
    """A light verb in the past (قامت, شن, أطلقوا, تعرض) a few words before, in
    the same clause; in the present (تقوم بفرض حصار) it tells a habit."""
    grammar = verb_dictionary().grammar
    support = grammar.active_support | grammar.passive_support
    for j in range(word.start - 1, max(-1, word.start - _SUPPORT_REACH), -1):
        found = tokens[j].verbal & support
        if found:
            return any(is_perfect(tokens[j].norm, key) for key in found)
        if not tokens[j].is_word or is_break(tokens, j):
            return False
    return False


# --- events ---------------------------------------------------------------------


def _pairs(sources: list[ActorMention], targets: list[ActorMention],
           code: str) -> list[tuple[ActorMention | None, ActorMention | None]]:
    """One (source, target) per conjoined actor; a group that cooperates with
    no object does so with itself, pairwise (روسيا والولايات المتحدة اتفقتا),
    unless the act goes one way (``_ONE_WAY_CODES``)."""
    if (len(sources) > 1 and not targets and code[:2] in _RECIPROCAL_ROOTS
            and code not in _ONE_WAY_CODES):
        return [(s, t) for s in sources for t in sources if s is not t]
    return [(s, t) for s in (sources or [None]) for t in (targets or [None])]


def _event(idx: int, word: Match[VerbEntry], source: ActorMention | None,
           target: ActorMention | None, event_date: date | None, location: Location,
           negated: bool, quoted: ActorMention | str | None, specificity: float) -> Event:
    cameo = lookup(word.value.code)
    confidence = word.value.confidence * specificity
    if word.value.code[:2] not in INCIDENT_ROOTS:  # there, actors are part of specificity
        confidence *= (1.0 if source else 0.7) * (1.0 if target else 0.85)
    matched = [f"verb:{word.phrase}={cameo.code}"]
    for mention in (source, target):
        if mention:
            matched.extend(mention.matched)
    if isinstance(quoted, ActorMention):
        quoted = quoted.code or quoted.text
    return Event(
        sentence_idx=idx,
        source=_actor(source),
        target=_actor(target),
        event_code=cameo.code,
        root_code=cameo.root,
        quad_class=cameo.quad_class,
        goldstein=cameo.goldstein,
        event_date=event_date,
        location=location,
        negated=negated,
        quoted_by=quoted,
        confidence=round(confidence, 3),
        matched=matched,
    )


def _actor(mention: ActorMention | None) -> Actor:
    return Actor(mention.text, mention.code) if mention else Actor("", None)


def _unique(events: list[Event]) -> list[Event]:
    """One event per (code, source, target, negated) in a sentence; an event
    without actors is dropped when the sentence codes its root with actors
    (تظاهر الطلاب ... احتجاجا: one protest)."""
    with_actors = {e.root_code for e in events if e.source.code or e.target.code}
    seen: set[tuple] = set()
    kept: list[Event] = []
    for event in events:
        key = (event.event_code, event.source.code, event.target.code, event.negated)
        actorless = not (event.source.code or event.target.code)
        if key in seen or (actorless and event.root_code in with_actors):
            continue
        seen.add(key)
        kept.append(event)
    return kept


def _event_date(sentence: str, published: date | None) -> date | None:
    """The sentence's own date when it is plausible, else the publication date.

    A mention resolved to more than a year after publication, or before
    ``EARLIEST_EVENT``, is a misread (a street named after a date, a Hijri year
    taken for a Gregorian one), not news: the publication date is the safer
    answer, the same as for a sentence that names no date.
    """
    if published is None:
        return None
    resolved = resolve_event_date(sentence, published)
    if resolved is None or not EARLIEST_EVENT <= resolved <= published + EVENT_HORIZON:
        return published
    return resolved

