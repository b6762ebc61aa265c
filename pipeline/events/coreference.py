"""Coreference within an article: who "the ministry", "its forces" and "Carter" are.

The coder reads an article sentence by sentence; this module keeps what the
article has said so far (:class:`Memory`) and resolves each sentence's mentions
against it: anaphors (``الوزارة`` -> the last ``وزارة ...``), people named right
after their role (``وزير الدفاع الأميركي، آشتون كارتر،`` then ``كارتر``), bare
definite agents (``الجيش``) taking the country of the last actor of that role,
possessives (``قواته``) the last country, and the political opposition read as
armed once the article has called it so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from pipeline.events.actors import ActorMention, actor_dictionary
from pipeline.events.lexicon import Match, Token, dictionary_key, has_article


@dataclass
class Memory:
    """What the article has said so far, for coreference."""

    by_head: dict[str, ActorMention] = field(default_factory=dict)
    country_by_role: dict[str, str] = field(default_factory=dict)
    names: dict[str, ActorMention] = field(default_factory=dict)
    armed_opposition: set[str] = field(default_factory=set)  # countries
    last_speaker: ActorMention | None = None
    last_country: str | None = None


def resolve(mentions: list[ActorMention], tokens: Sequence[Token],
             memory: Memory) -> list[ActorMention]:
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
    for i, token in enumerate(tokens):
        known = memory.names.get(token.norm) or memory.names.get(token.norm.removeprefix("و"))
        if known and not inside(i, mentions) and not inside(i, found):
            found.append(replace(known, start=i, end=i + 1, text=token.text, kind="name",
                                 conjoined=False, locative=False, modifier=False,
                                 matched=[*known.matched, f"name:{token.text}"]))
    return found


def inside(i: int, mentions: Sequence[ActorMention | Match]) -> bool:
    """Whether token ``i`` belongs to one of the mentions or matches."""
    return any(m.start <= i < m.end for m in mentions)
