"""Coreference within an article: who "the ministry", "its forces" and "Carter" are.

The coder reads an article sentence by sentence; this module keeps what the
article has said so far (:class:`Memory`) and resolves each sentence's mentions
against it: anaphors (``الوزارة`` -> the last ``وزارة ...``; ``الجانبان`` -> the
last two actors), people named right
after their role (``وزير الدفاع الأميركي، آشتون كارتر،`` then ``كارتر``), bare
definite agents (``الجيش``) taking the country of the last actor of that role,
possessives (``قواته``) the last country, and the political opposition read as
armed once the article has called it so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from pipeline.events.actors import ActorMention, actor_dictionary
from pipeline.events.lexicon import Match, Token, dictionary_key, has_article

_BETWEEN = frozenset({"بين", "وبين"})


@dataclass
class Memory:
    """What the article has said so far, for coreference."""

    by_head: dict[str, ActorMention] = field(default_factory=dict)
    country_by_role: dict[str, str] = field(default_factory=dict)
    names: dict[str, ActorMention] = field(default_factory=dict)
    armed_opposition: set[str] = field(default_factory=set)  # countries
    last_speaker: ActorMention | None = None
    last_country: str | None = None
    # The latest actors with distinct codes, and countries, oldest first: what
    # a plural anaphor (الجانبان, البلدين) refers back to.
    recent_actors: list[ActorMention] = field(default_factory=list)
    recent_countries: list[ActorMention] = field(default_factory=list)

    def remember(self, mention: ActorMention) -> None:
        """Keep ``mention`` as the latest of its code (and of its country)."""
        self.recent_actors = _latest(self.recent_actors, mention, lambda m: m.code)
        if mention.country:
            self.recent_countries = _latest(self.recent_countries, mention, lambda m: m.country)

    def pair(self, scope: str) -> list[ActorMention]:
        """The two latest distinct actors (``scope`` "actors") or countries."""
        if scope == "countries":
            return [replace(m, fixed_code=m.country) for m in self.recent_countries]
        return list(self.recent_actors)


def _latest(recent: list[ActorMention], mention: ActorMention,
            key: Callable[[ActorMention], str | None]) -> list[ActorMention]:
    """The last two of ``recent`` + ``mention`` with distinct keys, oldest first."""
    return [*[m for m in recent if key(m) != key(mention)][-1:], mention]


def resolve(mentions: list[ActorMention], tokens: Sequence[Token],
             memory: Memory) -> list[ActorMention]:
    """Resolve anaphors, names and bare agents against the article so far,
    then remember this sentence's actors."""
    mentions = mentions + _name_mentions(tokens, mentions, memory)
    mentions.sort(key=lambda m: m.start)
    resolved: list[ActorMention] = []
    for i, mention in enumerate(mentions):
        if mention.pair_of:
            resolved.extend(_pair_mentions(mention, tokens, memory))
            continue
        resolved.append(mention)
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
        memory.remember(mention)
        _learn_name(tokens, mention, mentions[i + 1 :], memory)
    return resolved


def _pair_mentions(mention: ActorMention, tokens: Sequence[Token],
                   memory: Memory) -> list[ActorMention]:
    """الجانبان, الطرفين, البلدين: the two actors (countries) named last, as a
    conjoined pair at the anaphor's place; unresolved without two of them.
    After بين it is left unresolved: ``العلاقات بين البلدين`` names a relation,
    and read as actors it became the object of whatever verb was near."""
    antecedents = memory.pair(mention.pair_of or "")
    after_between = mention.start > 0 and tokens[mention.start - 1].norm in _BETWEEN
    if len(antecedents) < 2 or after_between:
        return [mention]
    return [replace(antecedent, start=mention.start, end=mention.end, text=mention.text,
                    kind="pair", conjoined=mention.conjoined or k > 0, locative=False,
                    modifier=False, matched=[*antecedent.matched, f"pair:{mention.text}"])
            for k, antecedent in enumerate(antecedents)]


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
    return any(has_article(t) for t in tokens)


def _learn_name(tokens: Sequence[Token], mention: ActorMention,
                later: list[ActorMention], memory: Memory) -> None:
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
                   memory: Memory) -> list[ActorMention]:
    """Mentions of the people the article has named so far (وقال كارتر)."""
    found: list[ActorMention] = []
    names = memory.names
    if not names:  # most articles name nobody after a role
        return found
    for i, token in enumerate(tokens):
        known = names.get(token.norm) or names.get(token.norm.removeprefix("و"))
        if known and not inside(i, mentions) and not inside(i, found):
            found.append(replace(known, start=i, end=i + 1, text=token.text, kind="name",
                                 conjoined=False, locative=False, modifier=False,
                                 matched=[*known.matched, f"name:{token.text}"]))
    return found


def inside(i: int, mentions: Sequence[ActorMention | Match]) -> bool:
    """Whether token ``i`` belongs to one of the mentions or matches."""
    return any(m.start <= i < m.end for m in mentions)
