"""Actor mentions in a tokenised sentence, with CAMEO-style codes.

The dictionary (``actors.yaml``) names countries, their adjectives, capitals
and seats of power, sector agents, organisations and armed groups. This module
finds them in a sentence and combines neighbours the way Arabic does:
an agent followed by a country adjective or name takes that country
(``وزارة الدفاع الروسية`` -> RUSMIL), a "transparent" head stands for the actor
after it (``المتحدث باسم البنتاغون`` -> USAMIL), and a capital after a
locative word is a place, not an actor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from importlib import resources

import yaml

from pipeline.events.lexicon import (
    QUOTES,
    Match,
    PhraseIndex,
    Token,
    bare_name,
    compiled_before_tokens,
    dictionary_key,
    has_article,
    lookup_keys,
    nominal_forms,
)
from pipeline.events.verbs import is_count

# Words after which a country or city is where something happened, not who did it.
_LOCATIVES = lookup_keys(
    dictionary_key(w)
    for w in (
        "في", "داخل", "قرب", "بالقرب", "شمال", "جنوب", "شرق", "غرب", "وسط", "أنحاء",
        "حدود", "الحدود", "أراضي", "أرض", "مدينة", "محافظة", "ريف", "عبر", "أجواء",
        "إلى", "الى", "نحو", "سماء", "مناطق", "منطقة", "خارج", "شمالي", "جنوبي",
        "شرقي", "غربي", "العاصمة",
    )
)
# Buildings and places named after a city or a country (قلعة القاهرة, مطار
# بغداد, ميناء الكويت, جسر بغداد): the name is part of a place's name, not a
# metonym for the government.
_NAMED_PLACES = lookup_keys(
    dictionary_key(w)
    for w in (
        "قلعة", "مطار", "ميناء", "جسر", "فندق", "برج", "ساحة", "ميدان", "سجن", "ملعب",
        "محطة", "مبنى", "معبر", "متحف", "سوق", "شارع", "طريق", "ضاحية", "مخيم", "بوابة",
        "كورنيش",
    )
)
# Words after which an institution is a place (أمام الجامعة, في المستشفى).
_PLACE_PREPOSITIONS = lookup_keys(
    dictionary_key(w) for w in ("في", "أمام", "داخل", "قرب", "عند", "خارج", "وسط", "مقر", "محيط")
)
_IN = lookup_keys({dictionary_key("في")})
_MEMBER_OF = frozenset({"من", "في"})
_MEMBER_ROLES = frozenset({"UAF", "REB"})  # generic fighters, not soldiers of a state
# Volunteers who enlist in a force are that force: متطوعا في الجيش العراقي,
# المتطوعين للجيش العراقي (IRQMIL); alone they are civilians.
_ENLISTED = lookup_keys({dictionary_key("متطوع")})
_FORCES = frozenset({"MIL", "COP", "SPY", "UAF", "REB"})
_FEMININE_PLACES = lookup_keys(dictionary_key(w) for w in ("محافظة", "مديرية"))
_PEOPLE_PLURALS = ("يون", "يين")
_PEOPLE_DUAL = "يان"  # عراقيان, فرنسيان: two persons (the oblique يين is the plural's)
# فلسطينيا, أميركيا: one person, as an object (خطفوا أميركيا) or counted (15 فلسطينيا);
# after an indefinite accusative or a feminine word it agrees with it (دعما أميركيا).
_PERSON_ACCUSATIVE = "يا"
_HONORIFIC = dictionary_key("الشيخ")  # a cleric alone; after another actor, its title
_ORGANISATION = dictionary_key("منظمة")
_INTERNATIONAL = frozenset(dictionary_key(w) for w in ("الدولية", "العالمية"))
_QUOTED_REACH = 4  # words from a quote to a country inside a quoted name
_MINISTER = dictionary_key("وزير")
_HEADSHIPS = frozenset(dictionary_key(w) for w in ("رئاسة", "قيادة"))  # the head of an institution
_MAX_COMBINE_GAP = 1  # words allowed between an agent and its country adjective


@dataclass(frozen=True)
class ActorEntry:
    """One dictionary meaning of a phrase."""

    kind: str  # country | adjective | capital | seat | agent | organisation | person
    #            | transparent | anaphor | pair
    country: str | None = None
    role: str | None = None
    code: str | None = None  # organisations and persons: the full code
    head: str | None = None  # anaphors: the head word they refer back to
    pair_of: str | None = None  # pairs: "actors" or "countries", what they refer back to
    valid_from: date | None = None  # persons: when the code starts to hold
    valid_to: date | None = None

    def code_on(self, day: date | None) -> str | None:
        """A person's code on ``day``: out of office, an elite of the country."""
        if self.code is None or day is None:
            return self.code
        if (self.valid_from and day < self.valid_from) or (self.valid_to and day > self.valid_to):
            return self.code[:3] + "ELI"
        return self.code


@dataclass
class ActorMention:
    """An actor found at tokens ``[start, end)`` of a sentence."""

    start: int
    end: int
    text: str
    kind: str
    country: str | None = None
    role: str | None = None
    fixed_code: str | None = None
    head: str = ""  # first dictionary word of the mention, for anaphora
    anaphor_head: str | None = None
    pair_of: str | None = None  # الجانبان, البلدين: the last two actors (countries) of the article
    conjoined: bool = False  # starts with the conjunction و (X وY)
    locative: bool = False
    modifier: bool = False  # a lone adjective (الإعلان الروسي): only qualifies an event noun
    matched: list[str] = field(default_factory=list)

    @property
    def code(self) -> str | None:
        if self.fixed_code:
            return self.fixed_code
        if self.country or self.role:
            return (self.country or "") + (self.role or "")
        return None

    @property
    def is_actor(self) -> bool:
        """Whether the mention can fill a source or target slot."""
        return not (self.locative or self.modifier) and self.code is not None


@dataclass(frozen=True)
class ActorDictionary:
    index: PhraseIndex[ActorEntry]
    people: frozenset[str]  # head words naming one person (وزير, المتحدث)
    # A country -> the keys of its nisba adjective: what an article or an
    # ending makes of its one-word name (المالية, ماليا, السورية) is the adjective.
    adjectives: dict[str, frozenset[str]]
    ordinary: frozenset[str]  # adjectives that are also an everyday word (مالي: financial)


def _add_all(index: PhraseIndex[ActorEntry], phrases: Sequence[str], entry: ActorEntry) -> None:
    for phrase in phrases:
        index.add(phrase, entry)


@compiled_before_tokens
@cache
def actor_dictionary() -> ActorDictionary:
    """Compile ``actors.yaml`` once per process."""
    text = resources.files("pipeline.events").joinpath("actors.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    index: PhraseIndex[ActorEntry] = PhraseIndex()
    adjectives: dict[str, frozenset[str]] = {}
    for code, spec in data["countries"].items():
        adjectives[code] = frozenset(map(dictionary_key, spec.get("adj", [])))
        _add_all(index, spec.get("names", []), ActorEntry("country", country=code))
        _add_all(index, spec.get("adj", []), ActorEntry("adjective", country=code))
        _add_all(index, spec.get("capital", []), ActorEntry("capital", code, "GOV"))
        for phrase, role in spec.get("seats", {}).items():
            index.add(phrase, ActorEntry("seat", country=code, role=role))
    for role, phrases in data["agents"].items():
        _add_all(index, phrases, ActorEntry("agent", role=role))
    for code, phrases in data["organisations"].items():
        _add_all(index, [*phrases, *_short_names(phrases)], ActorEntry("organisation", code=code))
    for name, spec in data["persons"].items():
        index.add(name, ActorEntry("person", code=spec["code"], valid_from=spec.get("from"),
                                   valid_to=spec.get("to")))
    _add_all(index, data["transparent"], ActorEntry("transparent"))
    for phrase, head in data["anaphors"].items():
        index.add(phrase, ActorEntry("anaphor", head=dictionary_key(head)))
    for scope, phrases in data["pairs"].items():
        _add_all(index, phrases, ActorEntry("pair", pair_of=scope))
    people = frozenset(dictionary_key(p.split()[0]) for p in data["people"])
    ordinary = frozenset(dictionary_key(w) for w in data["ordinary"])
    return ActorDictionary(index, people, adjectives, ordinary)


def _short_names(phrases: Sequence[str]) -> list[str]:
    """``منظمة العفو`` for ``منظمة العفو الدولية``: news names an international
    organisation without its last word ("international", "world") once it
    has said ``منظمة``, the word that keeps the short name unambiguous
    (``المحكمة الجنائية``, ``صندوق النقد`` also name national bodies or stay rare)."""
    return [phrase.rsplit(" ", 1)[0] for phrase in phrases
            if len(phrase.split()) >= 3 and _head_key(phrase) == _ORGANISATION
            and dictionary_key(phrase.split()[-1]) in _INTERNATIONAL]


@cache
def _head_key(phrase: str) -> str:
    """The key of a dictionary phrase's first word, cached: each mention of an
    actor needs it several times, and the same few phrases match again and again."""
    return dictionary_key(phrase.split()[0])


def _is_conjoined(token: Token, phrase: str) -> bool:
    """``والولايات``, ``ووزارة``: the conjunction و, not a word's own first letter."""
    key = _head_key(phrase)
    return token.norm.startswith("و") and not token.norm.startswith((key, "ال" + key))


def _is_locative(tokens: Sequence[Token], start: int, kind: str, phrase: str) -> bool:
    """Whether the mention names where something happened rather than who acted."""
    previous = tokens[start - 1].nominal if start > 0 else frozenset()
    if kind == "organisation":  # قرب مقر مجلس الصحوة is a place; عضو في حماس a member
        return bool(previous & _PLACE_PREPOSITIONS - _IN)
    if kind not in {"country", "capital"}:
        return bool(previous & _PLACE_PREPOSITIONS)
    token = tokens[start]
    own_b = _head_key(phrase).startswith("ب")  # بغداد, بيروت: not "in"
    if (token.norm.startswith(("ب", "وب", "فب")) and not token.norm.startswith("بال")
            and not (own_b and token.norm.startswith(("ب", "و", "ف"))
                     and not token.norm.startswith(("بب", "وبب", "فبب")))):
        return True  # بدمشق, وببغداد: "in"
    return bool(previous & (_LOCATIVES | _PLACE_PREPOSITIONS | _NAMED_PLACES))


def _mention(tokens: Sequence[Token], sentence: str, offset: int, start: int, end: int,
             entry: ActorEntry, phrase: str, day: date | None) -> ActorMention:
    text = sentence[tokens[start].start - offset : tokens[end - 1].end - offset]
    mention = ActorMention(
        start, end, text, entry.kind, country=entry.country, role=entry.role,
        fixed_code=entry.code_on(day), head=_head_key(phrase),
        anaphor_head=entry.head, pair_of=entry.pair_of,
        conjoined=_is_conjoined(tokens[start], phrase),
        matched=[f"actor:{phrase}"],
    )
    if entry.kind in {"country", "capital", "agent", "organisation"}:
        mention.locative = _is_locative(tokens, start, entry.kind, phrase)
    return mention


def _feminine_place(tokens: Sequence[Token], start: int, phrase: str) -> bool:
    """``بمحافظة ديالى``, ``في محافظة الأنبار`` are a province, not ``محافظ`` (a
    governor) that stripping the feminine ending reads into them; elsewhere
    (``أمام مبنى المحافظة``) the governorate is an institution and stays one."""
    token = tokens[start]
    if not (token.nominal & _FEMININE_PLACES
            and _head_key(phrase) + "ه" in _FEMININE_PLACES):
        return False
    norm = token.norm.removeprefix("و").removeprefix("ف")
    return norm.startswith("ب") or (start > 0 and bool(tokens[start - 1].nominal & _IN))


def _agent_adjective(tokens: Sequence[Token], match: Match[ActorEntry]) -> bool:
    """``الطريق الرئيسي``, ``الشوارع الرئيسية`` ("main"), ``المدينة العمالية``:
    the nisba adjective of an agent noun (رئيس, عمال) agrees with the noun
    before it and names no one; stripping its ending read the agent into it.
    A one-word agent is such an adjective when only a nisba ending gives its
    key, unless it is a plural naming people (البرلمانيين, listed or not)."""
    if match.value.kind != "agent" or match.end - match.start != 1:
        return False
    norm = tokens[match.start].norm
    key = _head_key(match.phrase)
    if key in nominal_forms(norm, nisba=False):
        return False
    if norm.endswith("ي") and not has_article(tokens[match.start]):
        return False  # وزيري العدل, مقاتلي الحركة: a dual or plural in construct
    return not any(form.endswith(_PEOPLE_PLURALS) for form in nominal_forms(norm)
                   if key in form)


def _gap_ok(tokens: Sequence[Token], left: int, right: int) -> bool:
    gap = tokens[left:right]
    return len(gap) <= _MAX_COMBINE_GAP and all(t.is_word for t in gap)


def find_actors(tokens: Sequence[Token], sentence: str, offset: int = 0,
                day: date | None = None) -> list[ActorMention]:
    """Actor mentions of a sentence, left to right, neighbours combined;
    persons get the code they held on ``day`` (the publication date)."""
    dictionary = actor_dictionary()
    readings = [(m, _reading(tokens, m)) for m in dictionary.index.find_all(tokens)
                if not (_feminine_place(tokens, m.start, m.phrase) or _agent_adjective(tokens, m))]
    raw = [_mention(tokens, sentence, offset, m.start, m.end, entry, m.phrase, day)
           for m, entry in readings if entry is not None]
    # فتح alone is "opening" (بفتح المعابر), before it joins a neighbour (الحكومة بفتح).
    raw = [m for m in raw if not (m.kind == "organisation" and m.end - m.start == 1
                                  and m.head in dictionary.ordinary and not _named(tokens, m, raw))]
    combined: list[ActorMention] = []
    for mention in raw:
        prev = combined[-1] if combined else None
        if prev and _gap_ok(tokens, prev.end, mention.start) and not mention.conjoined:
            merged = _combine(prev, mention, tokens, sentence, offset)
            if merged:
                combined[-1] = merged
                continue
        combined.append(mention)
    covered = {j for m in combined for j in range(m.start, m.end)}
    combined = [m for m in combined if not _in_quoted_name(tokens, m, covered)]
    ends = {m.end for m in combined}
    for mention in combined:
        if mention.kind == "adjective" and mention.end - mention.start == 1:
            mention.modifier = not _names_people(tokens, mention.start, mention.matched[-1],
                                                 after_actor=mention.start in ends)
    # مالي alone is "financial": Malian people only counted (12 ماليا).
    return [m for m in combined if (m.kind != "transparent" or m.country)
            and not (m.kind == "adjective" and m.head in dictionary.ordinary
                     and not (m.start and is_count(tokens[m.start - 1])))]


def _named(tokens: Sequence[Token], mention: ActorMention,
           mentions: Sequence[ActorMention]) -> bool:
    """An organisation's name that is also an everyday word (فتح "opening":
    بفتح ملف, إعادة فتح المعبر, فتح الله) names it set in quotes («فتح») or
    conjoined with another organisation (فتح وحماس, حماس وفتح)."""
    start, end = mention.start, mention.end
    quoted = start > 0 and end < len(tokens) and tokens[start - 1].text in QUOTES
    if quoted and tokens[end].text in QUOTES:
        return True
    return any(m.kind == "organisation" and m is not mention
               and ((m.end == start and mention.conjoined) or (m.start == end and m.conjoined))
               for m in mentions)


def _in_quoted_name(tokens: Sequence[Token], mention: ActorMention, covered: set[int]) -> bool:
    """A country or capital set in quotes with other words (موقع «بانغي ري»,
    شركة «1 ماليزيا ديفلوبمنت برهارد») is part of the name of a site, a company
    or an operation, not an actor; alone in its quotes («إيران») it is one,
    and so it is beside another actor (a quoted statement: «إيران ترفض القرار
    الأمريكي»)."""
    if mention.kind not in {"country", "capital"}:
        return False
    opening = next((j for j in range(mention.start - 1, max(-1, mention.start - _QUOTED_REACH), -1)
                    if tokens[j].text in QUOTES), None)
    closing = next((j for j in range(mention.end, min(len(tokens), mention.end + _QUOTED_REACH))
                    if tokens[j].text in QUOTES), None)
    if opening is None or closing is None:
        return False
    inside = range(opening + 1, closing)
    others = [j for j in inside if not mention.start <= j < mention.end]
    return bool(others) and all(tokens[j].is_word and j not in covered for j in others)


def _reading(tokens: Sequence[Token], match: Match[ActorEntry]) -> ActorEntry | None:
    """A one-word country or capital name is the name only bare, with clitics
    at most (في مالي, ومصر, للرياض); with the article or an ending it is
    another word: a country's nisba adjective when it is one (المالية, ماليا,
    السورية, البنغلاديشي), else none of the country's (المصرة "insistent",
    الرياضي "sporting")."""
    entry = match.value
    token = tokens[match.start]
    if entry.kind not in {"country", "capital"} or bare_name(token, match.phrase):
        return entry
    if entry.kind == "capital":
        return None  # الرياضي "sporting", البغدادي a family name: not the city
    forms = nominal_forms(token.norm)
    adjectives = actor_dictionary().adjectives.get(entry.country or "", frozenset())
    nisba = _head_key(match.phrase) not in nominal_forms(token.norm, nisba=False)
    if nisba or adjectives & forms:  # البنغلاديشي: the name with a nisba ending
        return ActorEntry("adjective", country=entry.country)
    return None


def _names_people(tokens: Sequence[Token], at: int, matched: str, *,
                  after_actor: bool = False) -> bool:
    """A lone nisba adjective is an actor only as a noun naming people: a
    plural (السوريين, الروس), a dual (عراقيان) or a singular accusative that
    agrees with no noun before it (خطفوا أميركيا, مقتل 15 فلسطينيا, إن
    فلسطينيا; not دعما أميركيا, مدعومة أميركيا)."""
    adjective = dictionary_key(matched.removeprefix("actor:"))
    if not adjective.endswith("ي"):
        return True  # a listed broken plural: روس, أتراك
    # Every form, not only those of the lookup vocabulary that the token keeps.
    forms = [f for f in nominal_forms(tokens[at].norm) if adjective in f]
    if any(f.endswith((*_PEOPLE_PLURALS, _PEOPLE_DUAL)) for f in forms):
        return True
    if not any(f.endswith(_PERSON_ACCUSATIVE) for f in forms):
        return False
    return after_actor or at == 0 or not _agrees_before(tokens[at - 1])


def _agrees_before(token: Token) -> bool:
    """A word a masculine accusative adjective can follow: an indefinite
    accusative (دعما, ردا) or a feminine word (مدعومة), not a plural verb
    (خطفوا) nor a number."""
    norm = token.norm
    return token.is_word and not norm.isdigit() and (
        (norm.endswith("ا") and not norm.endswith("وا")) or norm.endswith("ه"))


def _enlists_in(left: ActorMention, right: ActorMention, tokens: Sequence[Token]) -> bool:
    """Volunteers in or for a force (``متطوعا في الجيش``, ``المتطوعين للجيش``)."""
    if not (left.kind == "agent" and tokens[left.start].nominal & _ENLISTED
            and right.role in _FORCES and right.kind in {"agent", "organisation"}):
        return False
    if right.start == left.end + 1:
        return tokens[left.end].norm == "في"
    return right.start == left.end and tokens[right.start].norm.startswith("ل")


def _case_agrees(noun: str, adjective: str) -> bool:
    """An adjective agrees in case with its noun, and sound plurals and the
    indefinite accusative show it: ``مسلحون أميركيا``, ``مسلحون ثلاثة
    بريطانيين`` are a subject and its object (gunmen ... an American, three
    Britons), not American gunmen; ``جنديا أميركيا``, ``جنود أميركيون`` agree."""
    if noun.endswith("ون"):
        return not adjective.endswith(("يين", "يا"))
    if noun.endswith("ين"):
        return not adjective.endswith("يون")
    return not adjective.endswith("يا") or noun.endswith("ا")


def _construct(left: ActorMention, right: ActorMention, tokens: Sequence[Token]) -> bool:
    """``حزب العمال``, ``رئيس البرلمان``, ``قوات الطوارئ``: an agent noun
    without the article right before a definite agent is its construct head,
    one actor with it, not a subject and its object. A nominative plural
    (``مسلحون مستشفى``) or one with ``ين`` is no construct head: the
    construct drops its ``ن`` (مقاتلو, مقاتلي), and a genitive is never
    nominative (``وطالب المتظاهرون``: the verb "demanded", not a student)."""
    if not (left.kind == right.kind == "agent" and right.start == left.end
            and not has_article(tokens[left.end - 1])):
        return False
    if tokens[left.end - 1].norm.endswith(("ون", "ين")) or tokens[right.start].norm.endswith("ون"):
        return False
    first = tokens[right.start]  # للمسلحين: a preposition, not a genitive
    return has_article(first, dative=False) or right.end - right.start > 1 or (
        right.end < len(tokens) and has_article(tokens[right.end], dative=False))


def _combine(left: ActorMention, right: ActorMention, tokens: Sequence[Token],
             sentence: str, offset: int) -> ActorMention | None:
    """Merge two neighbouring mentions into one when Arabic syntax makes them one."""
    text = sentence[tokens[left.start].start - offset : tokens[right.end - 1].end - offset]
    matched = left.matched + right.matched
    adjective = (right.kind == "adjective" and left.kind in {"agent", "transparent", "anaphor"}
                 and _case_agrees(tokens[left.end - 1].norm, tokens[right.start].norm))
    # وزارة الدفاع العراقية, جامعة بغداد, محافظ مقديشو: the country of a capital too
    genitive = (right.kind in {"country", "capital"} and right.start == left.end
                and not right.locative and left.kind in {"agent", "transparent"})
    if (adjective or genitive) and not left.country:
        return replace(left, end=right.end, text=text, country=right.country, matched=matched)
    if left.kind == "transparent" and right.start == left.end and right.kind != "adjective":
        return replace(right, start=left.start, text=text, conjoined=left.conjoined,
                       head=left.head, locative=False, matched=matched)
    if (left.kind in {"agent", "seat"} and right.kind in {"organisation", "person"}
            and right.start == left.end):  # رئيس حزب الله, الرئيس السوري بشار الأسد
        return replace(right, start=left.start, text=text, conjoined=left.conjoined,
                       matched=matched)
    member = left.kind == "transparent" or (left.kind == "agent" and left.role in _MEMBER_ROLES)
    if (member and right.kind == "organisation" and right.start == left.end + 1
            and tokens[left.end].norm in _MEMBER_OF):
        # مسلحا من تنظيم القاعدة, عضوا في حركة فتح: members of a named group are that group
        return replace(right, start=left.start, text=text, conjoined=left.conjoined,
                       locative=False, matched=matched)
    if right.head == _HONORIFIC and right.start == left.end and left.kind != "adjective":
        # وزير خارجية البحرين الشيخ خالد, الأمير الشيخ تميم: a title of the same
        # person, not a cleric beside him.
        return replace(left, end=right.end, text=text, matched=matched)
    if _construct(left, right, tokens):
        # حزب العمال, نقابة الأطباء: an institution named by its genitive is
        # the institution; رئيس البرلمان, قائد الجيش, رئاسة المحكمة: the head
        # of one is coded as it, and forces of a force as that force (قوات
        # الشرطة); a minister is the government whatever his portfolio.
        person = (left.end - left.start == 1 and left.head != _MINISTER
                  and left.head in actor_dictionary().people | _HEADSHIPS)
        base = right if person or (left.role in _FORCES and right.role in _FORCES) else left
        return replace(base, start=left.start, end=right.end, text=text, head=left.head,
                       country=left.country or right.country, conjoined=left.conjoined,
                       locative=left.locative, matched=matched)
    if _enlists_in(left, right, tokens):
        return replace(right, start=left.start, text=text, conjoined=left.conjoined,
                       locative=False, matched=matched)
    if (left.kind == right.kind == "agent" and left.role == right.role and not left.country
            and right.start == left.end and left.end - left.start == 1):
        # مسلحون مجهولون: one actor, not subject and object; not after a
        # construct (وزير التجارة الحكومة: the minister, then his object).
        return replace(left, end=right.end, text=text, country=right.country, matched=matched)
    return None
