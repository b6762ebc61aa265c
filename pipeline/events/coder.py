"""Code the political events of an Arabic article in CAMEO.

One pass over the article's sentences. For each sentence: tokens, actor
mentions (``actors``), event words (``verbs``) and places (``gazetteer``);
then the structure around each event word is read with a few rules that cover
news Arabic:

* word order: SVO (``روسيا قصفت``) and VSO (``قصفت الطائرات الروسية``), verbs
  mostly used in the passive (``قتل ثلاثة مدنيين``: a lone actor is the
  victim), verbal nouns with their genitive, adjective (``الغارات الروسية``),
  support verb (``شنت القوات غارات``), relative clause
  (``الغارات التي استهدفت X``) or target marker (``هجوم على X``);
* reported speech: ``قال X إن Y ...`` codes Y's event with ``quoted_by`` X,
  ``بحسب X`` attributes the whole sentence; a speech verb that is itself an
  event (deny, accuse, condemn) is coded for the speaker too;
* negation and denial: ``لم``/``لن``/``عدم`` before the event word, or the
  clause after ``نفى``/``أنكر``, gives ``negated=True``;
* conjoined actors (``روسيا والولايات المتحدة``) give one event per actor,
  reciprocal when the verb has no object;
* coreference within the article: anaphors (``الوزارة``, ``المتحدث ذاته``),
  named people introduced with their role (``وزير الدفاع الأميركي، آشتون
  كارتر،``), bare agents taking the country of the last actor of that role,
  and the political opposition read as armed once the article has said so.

Precision over recall: talk about events (the future, conditions, threats,
trials, statistics, history) is not coded; an event with no actor at all is
only kept for violence and protests, and only with evidence of an incident (a
count, a day, a place...). Every event carries a confidence; those below
``MIN_CONFIDENCE`` are dropped. README.md describes the rules and dictionaries.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from pipeline.arabic_dates import resolve_event_date
from pipeline.events.actors import ActorMention, actor_dictionary, find_actors
from pipeline.events.cameo import lookup
from pipeline.events.gazetteer import best_place, find_places
from pipeline.events.lexicon import Match, Token, dictionary_key, tokenize
from pipeline.events.verbs import VerbEntry, verb_dictionary
from pipeline.records import Actor, Event, Location
from pipeline.segment import sentence_spans

CODER_VERSION = "akhbar-events-0.1"
# Events below this confidence are not emitted: a wrong event costs researchers
# more than a missed one. See README.md ("Confidence").
MIN_CONFIDENCE = 0.6

_WINDOW = 7  # tokens searched on each side of an event word for its actors
_HARD_STOPS = frozenset({".", "؛", ";", ":", "!", "?", "؟"})
_QUOTES = frozenset({'"', "«", "»", "“", "”"})
_ACTORLESS_ROOTS = frozenset({"14", "18", "19", "20"})
# Intents, appeals and threats are about the future by nature.
_FUTURE_ROOTS = frozenset({"02", "03", "13"})
_ARMED_ROLES = frozenset({"MIL", "REB", "UAF", "COP", "SPY", "GOV", "INS"})
_PRONOUN_SUFFIXES = ("", "ه", "ها", "هم", "هما", "نا", "ني")
_DENIAL_CODE = "016"
_PLURAL_ENDINGS = ("ون", "وا")
# Confidence factor for 0, 1, 2... pieces of evidence that an incident took place.
_EVIDENCE_WEIGHT = (0.3, 0.5, 0.7, 0.85, 1.0, 1.0)
_PREPOSITIONS = ("ب", "ل", "ك")
_KANA = frozenset({"كان", "كون"})  # تكون, يكون: verb forms of "to be"


@dataclass
class _Memory:
    """What the article has said so far, for coreference."""

    by_head: dict[str, ActorMention] = field(default_factory=dict)
    country_by_role: dict[str, str] = field(default_factory=dict)
    names: dict[str, ActorMention] = field(default_factory=dict)
    armed_opposition: set[str] = field(default_factory=set)  # countries
    last_speaker: ActorMention | None = None
    last_country: str | None = None


@dataclass
class _Sentence:
    """One sentence's tokens and actors, with what is shared by its event words."""

    tokens: Sequence[Token]
    mentions: list[ActorMention]  # every mention, modifiers and places included
    actors: list[ActorMention]  # mentions that can be a source or target
    groups: dict[int, list[ActorMention]]  # id(actor) -> its conjoined group
    evidence: int  # incident evidence found in the whole sentence
    background: bool  # the sentence's violence is history, a trial, statistics


@dataclass
class _Frame:
    """A reported or denied clause: tokens [start, end) and who said it."""

    start: int
    end: int
    speaker: ActorMention | None
    denied: bool
    pronoun_subject: bool  # إنها / أنه: the speaker is the clause's subject


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
    memory = _Memory()
    if title:
        title_tokens = tokenize(title)
        _resolve(find_actors(title_tokens, title), title_tokens, memory)
    events: list[Event] = []
    for idx, (start, end) in enumerate(spans if spans is not None else sentence_spans(text)):
        events.extend(_code_sentence(idx, text[start:end], start, published, memory))
    return events


def _code_sentence(
    idx: int, sentence: str, offset: int, published: date | None, memory: _Memory
) -> list[Event]:
    tokens = tokenize(sentence, offset)
    if not tokens:
        return []
    mentions = _resolve(find_actors(tokens, sentence, offset), tokens, memory)
    words = [_reading(w, tokens) for w in verb_dictionary().index.find_all(tokens)
             if not any(m.start < w.end and w.start < m.end for m in mentions)]
    # Reported speech is read even without event words: it names the speaker
    # that a later "وأضاف أن" refers to.
    frames, attribution = _frames(tokens, mentions, words, memory)
    if not words:
        return []
    actors = [m for m in mentions if m.is_actor]
    places = [p for p in find_places(tokens) if not _inside_actor(p.start, actors)]
    sent = _Sentence(tokens, mentions, actors, _conjoined_groups(actors, tokens),
                     _sentence_evidence(tokens, places, actors),
                     _background(tokens, published))
    event_date = (resolve_event_date(sentence, published) if published else None) or published
    absorbed = _relative_clause_verbs(tokens, words)
    events: list[Event] = []
    for word in words:
        if word.start in absorbed:
            continue
        frame = _innermost_frame(frames, word.start)
        implicit = _implicit_subject(frame, word, words, tokens)
        sources, targets = _arguments(word, sent, frames, implicit)
        if not sources and not targets and word.value.code[:2] not in _ACTORLESS_ROOTS:
            continue
        if word.value.code[:2] not in _FUTURE_ROOTS and _hypothetical(word, tokens):
            continue
        negated = _negated(tokens, word.start) or bool(frame and frame.denied)
        specificity = 1.0
        if word.value.code[:2] in _ACTORLESS_ROOTS:
            specificity = _specificity(word, words, sent, paired=bool(sources and targets))
            if specificity == 0.0:
                continue
        quoted = frame.speaker if frame else attribution
        location = best_place(places, word.start, sentence, offset, tokens)
        if word.value.code[:2] == "14" and not sources:
            sources = [m for m in actors if _is_protester(tokens, m)][:1]
        targets = [t for t in targets if t.code not in {s.code for s in sources}]
        for source, target in _pairs(sources, targets):
            event = _event(idx, word, source, target, event_date, location, negated, quoted,
                           specificity)
            if event.confidence >= MIN_CONFIDENCE:
                events.append(event)
    return _unique(events)


def _is_protester(tokens: Sequence[Token], mention: ActorMention) -> bool:
    protesters = verb_dictionary().grammar.protesters
    return any(t.nominal & protesters for t in tokens[mention.start : mention.end])


def _reading(word: Match[VerbEntry], tokens: Sequence[Token]) -> Match[VerbEntry]:
    """A verb entry behind a preposition or the article is its verbal noun
    (المتهم بقتل, لقتال التنظيم, القتل): an accusation, a purpose or a concept
    more often than a report."""
    if word.value.kind != "verb":
        return word
    norm = tokens[word.start].norm.removeprefix("و").removeprefix("ف")
    first_key = dictionary_key(word.phrase.split()[0])
    if norm.startswith((*_PREPOSITIONS, "ال")) and not norm.startswith(first_key):
        entry = replace(word.value, kind="noun", confidence=word.value.confidence * 0.6)
        return replace(word, value=entry)
    return word


# --- actors and coreference ---------------------------------------------------


def _resolve(mentions: list[ActorMention], tokens: Sequence[Token],
             memory: _Memory) -> list[ActorMention]:
    """Resolve anaphors, names and bare agents against the article so far,
    then remember this sentence's actors."""
    mentions = mentions + _name_mentions(tokens, mentions, memory)
    mentions.sort(key=lambda m: m.start)
    for i, mention in enumerate(mentions):
        if mention.anaphor_head:
            antecedent = memory.by_head.get(mention.anaphor_head)
            if antecedent:
                mention.fixed_code = antecedent.code
                mention.country, mention.role = antecedent.country, antecedent.role
        elif mention.kind == "agent" and not mention.country and _possessive(tokens, mention):
            mention.country = memory.last_country  # قواته, طائراتها: the forces of the last actor
        elif (mention.kind == "agent" and not mention.country
              and _definite(tokens[mention.start : mention.end])):
            mention.country = memory.country_by_role.get(mention.role or "")
        if mention.role == "OPP" and (mention.country or "") in memory.armed_opposition:
            mention.role = "REB"
        if not mention.is_actor:
            continue
        memory.by_head[mention.head] = mention
        if mention.role and mention.country:
            memory.country_by_role[mention.role] = mention.country
        if mention.country:
            memory.last_country = mention.country
        if mention.role == "REB":
            memory.armed_opposition.add(mention.country or "")
        _learn_name(tokens, mention, mentions[i + 1 :], memory)
    return mentions


def _possessive(tokens: Sequence[Token], mention: ActorMention) -> bool:
    """قواته, طائراتها: a one-word agent carrying a possessive pronoun."""
    if mention.end - mention.start != 1:
        return False
    word = mention.matched[-1].removeprefix("actor:")
    norm = tokens[mention.start].norm.removeprefix("و").removeprefix("ف")
    key = dictionary_key(word)
    bases = (key, key.removesuffix("ه") + "ت")  # وزارة -> وزارته
    return any(norm == base + pronoun for base in bases for pronoun in ("ه", "ها", "هم"))


def _definite(tokens: Sequence[Token]) -> bool:
    """الجيش, بوزارة الدفاع: a bare definite agent refers back; قوات does not."""
    return any(t.norm.removeprefix("و").removeprefix("ف").startswith(("ال", "بال", "لل", "كال"))
               for t in tokens)


def _learn_name(tokens: Sequence[Token], mention: ActorMention,
                later: list[ActorMention], memory: _Memory) -> None:
    """``ROLE، NAME،``: a person named right after his role is that actor."""
    if mention.head not in actor_dictionary().people:
        return
    if mention.end >= len(tokens) or tokens[mention.end].text not in {"،", ","}:
        return
    name: list[Token] = []
    for token in tokens[mention.end + 1 : mention.end + 5]:
        if not token.is_word or any(c.isdigit() for c in token.text):
            break
        name.append(token)
    closing = mention.end + 1 + len(name)
    if not 1 <= len(name) <= 3 or closing >= len(tokens) or tokens[closing].text not in {"،", ","}:
        return
    if any(m.start < closing and m.end > mention.end for m in later):
        return  # the words after the comma are another actor, not a name
    for token in name:
        memory.names[token.norm.removeprefix("و")] = mention


def _name_mentions(tokens: Sequence[Token], mentions: list[ActorMention],
                   memory: _Memory) -> list[ActorMention]:
    found: list[ActorMention] = []
    for i, token in enumerate(tokens):
        known = memory.names.get(token.norm) or memory.names.get(token.norm.removeprefix("و"))
        if known and not _inside_actor(i, mentions) and not _inside_actor(i, found):
            found.append(replace(known, start=i, end=i + 1, text=token.text, kind="name",
                                 conjoined=False, locative=False, modifier=False,
                                 matched=[*known.matched, f"name:{token.text}"]))
    return found


def _inside_actor(i: int, mentions: Sequence[ActorMention | Match]) -> bool:
    return any(m.start <= i < m.end for m in mentions)


def _conjoined_groups(actors: list[ActorMention],
                      tokens: Sequence[Token]) -> dict[int, list[ActorMention]]:
    """Each actor's group of conjoined actors ``X وY وZ``, keyed by ``id``."""
    groups: dict[int, list[ActorMention]] = {}
    current: list[ActorMention] = []
    for i, actor in enumerate(actors):
        if not (i and actor.conjoined and _adjacent(actors[i - 1], actor, tokens)):
            current = []
        current.append(actor)
        groups[id(actor)] = current
    return groups


def _adjacent(left: ActorMention, right: ActorMention, tokens: Sequence[Token]) -> bool:
    """Only commas between two actors: they can be one conjoined group."""
    return all(t.text in {"،", ","} for t in tokens[left.end : right.start])


# --- clause structure -----------------------------------------------------------


def _is_complementizer(token: Token) -> bool:
    keys = verb_dictionary().grammar.complementizers
    norm = token.norm.removeprefix("و").removeprefix("ف")
    return any(norm == key + suffix for key in keys for suffix in _PRONOUN_SUFFIXES)


def _frames(tokens: Sequence[Token], mentions: list[ActorMention],
            words: list[Match[VerbEntry]], memory: _Memory) -> tuple[list[_Frame], str | None]:
    """Reported clauses (after a verb of saying or denial) and the sentence's
    attribution (``بحسب X``)."""
    grammar = verb_dictionary().grammar
    openers = [(m.start, m.end, False) for m in grammar.speech.find_all(tokens)]
    openers += [(w.start, w.end, True) for w in words if w.value.code == _DENIAL_CODE]
    frames: list[_Frame] = []
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
                 memory: _Memory, denied: bool) -> _Frame:
    """The clause a verb of saying introduces: from its complementizer (or colon
    or opening quote) to the end of the sentence."""
    speaker = _speaker(start, end, tokens, mentions) or memory.last_speaker
    opening = None
    for i in range(end, min(len(tokens), end + 10)):
        text = tokens[i].text
        if _is_complementizer(tokens[i]) or text in {":", *_QUOTES}:
            opening = i
            break
    if opening is None:
        if not denied:
            return _Frame(0, 0, speaker, denied, False)
        # نفت الوزارة، اليوم، استهدافهم: the denied event is the object, up to the
        # next clause break.
        close = next((j for j in range(end, len(tokens)) if _is_break(tokens, j)), len(tokens))
        return _Frame(end, close, speaker, denied, False)
    norm = tokens[opening].norm
    pronoun = _is_complementizer(tokens[opening]) and not norm.endswith(("ان", "ن"))
    return _Frame(opening + 1, len(tokens), speaker, denied, pronoun)


def _speaker(start: int, end: int, tokens: Sequence[Token],
             mentions: list[ActorMention]) -> ActorMention | None:
    after = [m for m in mentions if m.is_actor and end <= m.start <= end + 4
             and not any(_is_complementizer(t) for t in tokens[end : m.start])]
    if after:
        return after[0]
    before = [m for m in mentions if m.is_actor and m.end <= start and start - m.end <= 3]
    return before[-1] if before else None


def _implicit_subject(
    frame: _Frame | None, word: Match[VerbEntry], words: list[Match[VerbEntry]],
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


def _innermost_frame(frames: list[_Frame], i: int) -> _Frame | None:
    inside = [f for f in frames if f.start <= i < f.end]
    return max(inside, key=lambda f: f.start) if inside else None


def _relative_clause_verbs(tokens: Sequence[Token], words: list[Match[VerbEntry]]) -> set[int]:
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


def _is_break(tokens: Sequence[Token], j: int) -> bool:
    """Whether token ``j`` ends the stretch where an event word finds actors.

    ``إما أن تكون`` and ``أن يكون`` are modal, not a new clause."""
    token = tokens[j]
    if token.text in _HARD_STOPS or token.nominal & verb_dictionary().grammar.clause_breaks:
        return True
    if not _is_complementizer(token):
        return False
    modal_before = j > 0 and tokens[j - 1].norm.removeprefix("و") == "اما"
    modal_after = j + 1 < len(tokens) and tokens[j + 1].verbal & _KANA
    return not (modal_before or modal_after)


def _bounds(i: int, end: int, tokens: Sequence[Token], frames: list[_Frame]) -> tuple[int, int]:
    """The stretch of tokens that can hold an event word's actors."""
    left = max(0, i - _WINDOW)
    for j in range(i - 1, left - 1, -1):
        if _is_break(tokens, j):
            left = j + 1
            break
    right = min(len(tokens), end + _WINDOW)
    for j in range(end, right):
        if _is_break(tokens, j):
            right = j
            break
    for frame in frames:  # a reported clause's actors stay inside it
        if frame.start <= i < frame.end:
            left = max(left, frame.start)
    return left, right


def _arguments(word: Match[VerbEntry], sent: _Sentence, frames: list[_Frame],
               implicit: ActorMention | None) -> tuple[list[ActorMention], list[ActorMention]]:
    """Source and target actors of an event word (each a conjoined group)."""
    tokens = sent.tokens
    left, right = _bounds(word.start, word.end, tokens, frames)
    actors = sent.actors
    before = [m for m in actors if left <= m.start and m.end <= word.start]
    if word.start > 0 and tokens[word.start - 1].text in {"،", ","}:
        before = []  # "X، يقاتلون": X closes an aside, it is not the subject
    after = [m for m in actors if word.end <= m.start and m.end <= right]
    if word.value.kind == "noun":
        return _noun_arguments(word, sent, before)
    source: ActorMention | None = None
    target: ActorMention | None = None
    after = _first_of_groups(after, sent)
    if implicit and not before:
        source, target = implicit, (after[0] if after else None)
    elif before:
        source = before[-1]
        target = after[0] if after else None
        if word.value.passive and not after:
            source, target = None, before[-1]
    elif after and _has_plural_subject(tokens[word.start]):
        target = after[0]  # يقاتلون التنظيم: the subject is in the verb
    elif len(after) >= 2:
        source, target = after[0], after[1]
    elif after:
        if word.value.passive:
            target = after[0]
        else:
            source = after[0]
    agent = _by_agent(word.end, right, tokens, actors)
    if agent:  # خطف ... من قبل أربعة مسلحين: the passive's agent
        source, target = agent, (target if target is not agent else None)
    return _expand(source, sent), _expand(target, sent)


def _by_agent(start: int, end: int, tokens: Sequence[Token],
              actors: list[ActorMention]) -> ActorMention | None:
    """The actor after ``من قبل`` (by), the agent of a passive."""
    for j in range(start, min(end, len(tokens) - 1)):
        if tokens[j].norm == "من" and tokens[j + 1].norm == "قبل":
            return next((m for m in actors if 0 < m.start - (j + 1) <= 2), None)
    return None


def _sentence_evidence(tokens: Sequence[Token], places: Sequence[Match],
                       actors: list[ActorMention]) -> int:
    """Signs that the sentence reports an incident: a count of people, a day
    or time, a place, an identified actor."""
    grammar = verb_dictionary().grammar
    return (any(t.text.isdigit() or t.nominal & grammar.counts for t in tokens)
            + any(t.nominal & grammar.time_words for t in tokens)
            + (bool(places) or any(t.nominal & grammar.place_words for t in tokens))
            + bool(actors))


def _background(tokens: Sequence[Token], published: date | None) -> bool:
    """The sentence mentions a trial, statistics, an anniversary, a tally
    "since", or a year before publication (``background`` in verbs.yaml)."""
    background = verb_dictionary().grammar.background
    return any(t.nominal & background or _earlier_year(t, published) for t in tokens)


def _specificity(word: Match[VerbEntry], words: list[Match[VerbEntry]], sent: _Sentence,
                 paired: bool) -> float:
    """How much the sentence reads as a report of one incident (0 to 1).

    0 when the violence is background to something else. Otherwise the
    sentence's evidence adds up with both actors of the event identified and a
    second word of the same family (قتل ... في انفجار; protesters for protests)."""
    if word.value.code[:2] == "14":  # protests are held on anniversaries, during trials...
        evidence = sent.evidence + any(w is not word and w.value.code[:2] == "14" for w in words)
        evidence += any(t.nominal & verb_dictionary().grammar.protesters for t in sent.tokens)
    elif sent.background:
        return 0.0
    else:
        evidence = sent.evidence + any(
            w is not word and w.value.code[:2] in _ACTORLESS_ROOTS for w in words)
    evidence += paired
    return _EVIDENCE_WEIGHT[min(evidence, len(_EVIDENCE_WEIGHT) - 1)]


def _hypothetical(word: Match[VerbEntry], tokens: Sequence[Token]) -> bool:
    """The future (سيقصف, سوف), a condition, an intention or a habit near the
    event word: the text talks about the event, it does not report it."""
    head = tokens[word.start]
    if word.value.kind == "verb" and head.norm.removeprefix("و").removeprefix("ف").startswith(
            ("سي", "ست", "سن")) and not head.norm.startswith(("ست", "سن")):
        return True
    window = tokens[max(0, word.start - 6) : word.end + 3]
    return any(t.nominal & verb_dictionary().grammar.hypothetical for t in window)


def _earlier_year(token: Token, published: date | None) -> bool:
    """A year (1950..) before the publication year: the sentence recalls history."""
    if not (token.text.isdigit() and len(token.text) == 4):
        return False
    year = int(token.text)
    return 1950 <= year < (published.year if published else date.today().year)


def _has_plural_subject(token: Token) -> bool:
    """Verbs agree in number only with a subject before them: a plural verb
    (قاتلوا, يقاتلون) carries its own subject, so the actor after it is the object."""
    return token.norm.endswith(_PLURAL_ENDINGS) or any(
        token.norm.endswith(ending + obj) for ending in ("وا", "و") for obj in _PRONOUN_SUFFIXES[1:]
    )


def _noun_arguments(word: Match[VerbEntry], sent: _Sentence, before: list[ActorMention],
                    ) -> tuple[list[ActorMention], list[ActorMention]]:
    """Actors of a verbal noun: its support verb's subject, its genitive or
    nisba adjective, and what follows a target marker or relative clause."""
    grammar = verb_dictionary().grammar
    tokens, actors = sent.tokens, sent.actors
    source: ActorMention | None = None
    target: ActorMention | None = None
    support = next((j for j in range(word.start - 1, max(-1, word.start - 9), -1)
                    if tokens[j].verbal & (grammar.active_support | grammar.passive_support)),
                   None)
    if support is not None:
        inside = [m for m in actors if support < m.start < word.start]
        subject = inside[0] if inside else next(
            (m for m in reversed(before) if m.end <= support and support - m.end <= 2), None)
        if subject and tokens[support].verbal & grammar.passive_support:
            target = subject
        elif subject:
            source = subject
    follow = _skip_quotes(tokens, word.end)
    modifier = next((m for m in sent.mentions if m.modifier
                     and word.end <= m.start <= follow + 1), None)
    if modifier and source is None:
        source = replace(modifier, modifier=False)
    genitive = next((m for m in actors if m.start == follow), None)
    if genitive:
        agent_first = bool(tokens[word.start].nominal & grammar.agent_genitive)
        armed = genitive.role in _ARMED_ROLES or genitive.fixed_code or not genitive.role
        if source is not None or word.value.passive or not (agent_first and armed):
            target = target or genitive
        else:
            source = genitive
    for marker_at in range(word.end, min(len(tokens), word.end + 5)):
        token = tokens[marker_at]
        if token.nominal & grammar.target_markers or token.verbal & grammar.target_markers:
            marked = next((m for m in actors if 0 < m.start - marker_at <= 3), None)
            if marked and marked is not source:
                target = target or marked
            break
    return _expand(source, sent), _expand(target, sent)


def _skip_quotes(tokens: Sequence[Token], i: int) -> int:
    """Past quotes and numbers: مقتل 20 مسلحا, لقتال "الدولة الإسلامية"."""
    while i < len(tokens) and (tokens[i].text in _QUOTES or tokens[i].text.isdigit()):
        i += 1
    return i


def _first_of_groups(actors: list[ActorMention], sent: _Sentence) -> list[ActorMention]:
    """One actor per conjoined group: the group is expanded afterwards."""
    firsts: list[ActorMention] = []
    for mention in actors:
        if not (firsts and sent.groups.get(id(mention)) is sent.groups.get(id(firsts[-1]))):
            firsts.append(mention)
    return firsts


def _expand(mention: ActorMention | None, sent: _Sentence) -> list[ActorMention]:
    """The actor with the actors conjoined to it."""
    return sent.groups.get(id(mention), [mention]) if mention else []


def _negated(tokens: Sequence[Token], i: int) -> bool:
    """A negator right before the event word (لم تقصف, عدم استهداف, لوقف الهجوم)."""
    negators = verb_dictionary().grammar.negators
    return i > 0 and bool(tokens[i - 1].nominal & negators or tokens[i - 1].norm in negators)


# --- events ---------------------------------------------------------------------


def _pairs(sources: list[ActorMention],
           targets: list[ActorMention]) -> list[tuple[ActorMention | None, ActorMention | None]]:
    """One (source, target) per conjoined actor; a group acting with no object
    acts on itself pairwise (روسيا والولايات المتحدة اتفقتا)."""
    if len(sources) > 1 and not targets:
        return [(s, t) for s in sources for t in sources if s is not t]
    return [(s, t) for s in (sources or [None]) for t in (targets or [None])]


def _event(idx: int, word: Match[VerbEntry], source: ActorMention | None,
           target: ActorMention | None, event_date: date | None, location: Location,
           negated: bool, quoted: ActorMention | str | None, specificity: float) -> Event:
    cameo = lookup(word.value.code)
    confidence = word.value.confidence * specificity
    if word.value.code[:2] not in _ACTORLESS_ROOTS:  # there, actors are part of specificity
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
