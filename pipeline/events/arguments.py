"""Who did it to whom: the source and target actors of an event word.

Arabic news word order is read with a few rules: SVO takes the nearest actor
before the verb in its clause and the first after it; VSO the two actors after
it; a plural verb (``يقاتلون``) carries its own subject; verbs mostly used in
the passive (``قتل ثلاثة مدنيين``) make a lone actor the victim, unless they
have an object of their own (``الجيش قتلهم``, ``مسلحون خطفوا صحافيا``); a
verb passive in form (``أصيب``) or a count right after a passive (``قتل 12
جنديا``) has no subject, only victims; an actor after ``لل`` owns the
object (``هاجموا حافلة للجيش``); an accused actor with no accuser is a
passive's target, and the actors of its charge (``بقتل X``) are not its;
``من قبل X`` names the agent of a passive; the subject between the words of a verb phrase
(``أطلق مسلحون النار``) is its source. Event nouns take their source from a support
verb's subject (``شنت القوات غارات``), a nisba adjective (``الغارات الروسية``)
or an armed genitive, and their target from a genitive, a target marker
(``هجوم على``) or a relative clause (``الغارات التي استهدفت X``). A protest
addresses the institution it faces (``أمام السفارة``); violence with no
other target is aimed at the place it hits (``قصفوا غزة``: PSE). A verb of
urging ends at the urged act (``حثت روسيا على الضغط على سوريا``): its actors
are not the appeal's and its event words are asked for, not done. An actor
after a preposition (``مع``, ``عن``) or inside the object of ``أشاد ب`` is no
subject, nor one the possessive pronoun of an event noun already names
(``اتهامه للولايات المتحدة``), nor one with a preposition right after the
verb (``أجرى اتصالا بالرئيس``); a verb after ``و`` whose clause before has
only prepositional objects (``العقوبات على إيران وتهدد واشنطن``) takes the
actor after it as subject; a leader or a post after an actor (``بقيادة``,
``لدى``) is part of it. Conjoined actors (``X وY``), also two counted groups
(``3 جنود و5 مدنيين``), come back as one group.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from pipeline.events.actors import ActorMention
from pipeline.events.clauses import PRONOUN_SUFFIXES, QUOTES, WINDOW, Frame, bounds, is_break
from pipeline.events.lexicon import (
    Match,
    Token,
    dictionary_key,
    head_verb,
    lookup_keys,
    verb_key,
    without_conjunction,
)
from pipeline.events.verbs import VerbEntry, is_count, verb_dictionary
from pipeline.records import Location

_ARMED_ROLES = frozenset({"MIL", "REB", "UAF", "COP", "SPY", "GOV", "INS"})
_PLURAL_ENDINGS = ("ون", "وا")
_ACCUSE = "112"  # اتهم: an accused actor with no subject is the passive's target
_AMONG = lookup_keys(dictionary_key(w) for w in ("بينهم", "بينهن", "منهم", "منهن"))
# Who heads an actor (التحالف بقيادة السعودية, السلطة برأسها عباس, "with at its
# head"): the leader named after it belongs to it, no argument of its own.
_LEADERS = lookup_keys(dictionary_key(w) for w in ("قيادة", "رئاسة", "رأس"))
# Prepositions in ب after an actor, and its leader: not the charge of an accusation.
_NOT_CHARGES = _LEADERS | lookup_keys(dictionary_key(w) for w in (
    "بعد", "بين", "بسبب", "بهدف", "بحسب", "بينما", "بشأن", "بدون", "بن"))  # بن: "son of"
# Verbs of urging (حث X على, دعا X إلى, طالب X ب): the one urged is the target;
# the urged act after its marker has actors of its own, not the appeal's.
_URGE_VERBS = frozenset(verb_key(w) for w in ("حث", "حض", "دعا", "ناشد", "طالب", "طلب"))
_URGED_ACT = frozenset({"علي", "الي"})  # على, إلى (normalised); ل+ and, after طالب, ب+ too
_DEMAND = verb_key("طالب")  # طالب X بالإفراج: the demand follows ب
_NOT_PURPOSES = frozenset({"لدي", "لكن", "لان", "لانه", "لانها", "لكي"})  # ل words, no act
# على هامش, على خلفية, إلى جانب: a compound preposition, not the urged act.
_COMPOUND_PREPOSITIONS = lookup_keys(dictionary_key(w) for w in (
    "هامش", "خلفية", "لسان", "صعيد", "مستوى", "رغم", "جانب", "حد"))
# دعت إليه النقابات: the resumptive pronoun of a relative clause; the actor after is the subject.
_RESUMPTIVE = frozenset({"اليه", "اليها", "اليهم"})
_HANDS = frozenset({"يد", "ايدي"})  # على يد, على أيدي: "at the hands of"
_BY_FIRE = frozenset({"برصاص", "بنيران", "بايدي", "بيد"})
# A protest held in front of an institution addresses it (أمام السفارة, خارج مقر الحكومة).
_FACING = lookup_keys(dictionary_key(w) for w in ("أمام", "خارج", "محيط", "حول"))
# احتجاجا على زيارة بوش, تنديدا ب: what the protest is against, a word or two on.
_PROTEST_PURPOSE = lookup_keys(dictionary_key(w) for w in ("احتجاج", "احتجاجا", "تنديد", "تنديدا"))
_AGAINST = lookup_keys(dictionary_key(w) for w in ("على", "ضد"))
_AGAINST_REACH = 3
_MARKED_REACH = 3  # على مواقع X: the marker, then up to two nouns before the actor
# شعارات ضد الحكومة, هتافات مناهضة لبوش, للتنديد بإعدام ..., للمطالبة بإقالة ...,
# رفضهم لترشيح فلان, يطالبون باستقالة الحكومة: what a protest is against (or whose
# removal it demands), named anywhere in its sentence.
_OPPOSING = lookup_keys(dictionary_key(w) for w in (
    "ضد", "مناهض", "مضاد", "تنديد", "مطالبة", "رفض", "استقالة", "إقالة", "رحيل"))
# أطلقوا صواريخ باتجاه إسرائيل: like على, the place after it is what was attacked.
_TOWARDS = lookup_keys(dictionary_key(w) for w in ("نحو", "اتجاه", "باتجاه"))
_PLACE_MARKER_REACH = 4  # words from the event word (or its subject) to على, نحو
_PLACE_REACH = 4  # words from على to the place (على البلدات المحيطة بقطاع غزة)
_PREMISES = lookup_keys(dictionary_key(w) for w in ("مقر", "مبنى"))
_ADDRESSEE_ROLES = frozenset({"GOV", "MIL", "COP", "JUD", "LEG", "SPY", "PTY", "BUS", "MED"})
# Words after a verb that are not its object (قتل أيضا, أصيب آخرون).
_NOT_OBJECTS = lookup_keys(dictionary_key(w) for w in ("أيضا", "آخر", "أخرى", "جميعا"))
# التقى مع الرئيس, رفع العقوبات عن طهران: an actor right after them is no subject.
_OBJECT_PREPOSITIONS = frozenset({"مع", "عن", "الي"})
# شنها, نفذته, قام به: a support verb after an event noun, its agent right after.
_AGENT_REACH = 4
_RESUMPTIVE_PRONOUNS = ("ه", "ها")
_WITH_IT = frozenset({"به", "بها"})
# Prepositions whose object is no subject of a later verb (على إيران وتهدد واشنطن).
_CLAUSE_PREPOSITIONS = frozenset({"علي", "ضد", "مع", "عن", "الي", "من", "في", "بين"})
# Words only a noun follows (في قصف, خلال هجوم, جراء غارة); not من ("who"), حين
# or منذ, which a verb may follow (حين قصف الجيش).
_NOUN_GOVERNORS = frozenset({"في", "علي", "الي", "عن", "خلال", "اثناء", "اثر", "جراء", "عقب",
                             "ضد", "مع", "داخل", "قرب", "امام", "عند"})
# Verbs whose object takes ب or ل: an actor that is its genitive is no subject.
_PREPOSITIONAL_VERBS = frozenset(verb_key(w) for w in (
    "أشاد", "رحب", "ندد", "نوه", "تعهد", "اعتذر", "تمسك"))
# أدانت بشدة الحكومة, تعهد بعض المتظاهرين, رحبت بعثة الأمم المتحدة: the actor is the subject.
_NOT_OBJECT_HEADS = lookup_keys(dictionary_key(w) for w in ("بشدة", "بقوة", "بعض", "بعثة"))
# Prepositions after a verb: what follows is not its direct object.
_FUNCTION_WORDS = frozenset({"في", "من", "علي", "الي", "عن", "خلال", "اثناء", "داخل", "قرب", "امام",
                             "عند", "مع", "اثر", "جراء", "حين", "منذ"})


@dataclass
class Sentence:
    """One sentence's tokens and actors, with what is shared by its event words."""

    tokens: Sequence[Token]
    mentions: list[ActorMention]  # every mention, modifiers and places included
    actors: list[ActorMention]  # mentions that can be a source or target
    groups: dict[int, list[ActorMention]]  # id(actor) -> its conjoined group
    evidence: int  # incident evidence found in the whole sentence
    background: bool  # the sentence's violence is history, a trial, statistics
    event_starts: frozenset[int]  # where the sentence's event words begin


def conjoined_groups(actors: list[ActorMention],
                      tokens: Sequence[Token]) -> dict[int, list[ActorMention]]:
    """Each actor's group of conjoined actors ``X وY وZ``, keyed by ``id``."""
    groups: dict[int, list[ActorMention]] = {}
    current: list[ActorMention] = []
    for i, actor in enumerate(actors):
        if not (i and ((actor.conjoined and _adjacent(actors[i - 1], actor, tokens))
                       or _counted_conjunct(actors[i - 1], actor, tokens))):
            current = []
        current.append(actor)
        groups[id(actor)] = current
    return groups


def _adjacent(left: ActorMention, right: ActorMention, tokens: Sequence[Token]) -> bool:
    """Only commas between two actors: they can be one conjoined group."""
    return all(t.text in {"،", ","} for t in tokens[left.end : right.start])


def _counted_conjunct(left: ActorMention, right: ActorMention, tokens: Sequence[Token]) -> bool:
    """``3 جنود و5 مدنيين``, ``ثلاثة جنود وخمسة مدنيين``: two counted groups
    joined by the conjunction on the second count are one group (both died)."""
    if not (_counted(left, tokens) and right.start == left.end + 1):
        return False
    joint = tokens[left.end]  # و5, وخمسة: is_count reads the count word, not a digit after و
    return joint.norm.startswith("و") and (joint.norm[1:].isdigit() or is_count(joint))


def arguments(word: Match[VerbEntry], sent: Sentence, frames: list[Frame],
               implicit: ActorMention | None) -> tuple[list[ActorMention], list[ActorMention]]:
    """Source and target actors of an event word (each a conjoined group)."""
    tokens = sent.tokens
    left, right = bounds(word.start, word.end, tokens, frames)
    actors = [m for m in sent.actors
              if not _part_of_previous(sent.groups.get(id(m), [m])[0], tokens)]
    before = [m for m in actors if left <= m.start and m.end <= word.start]
    if word.start > 0 and tokens[word.start - 1].text in {"،", ","}:
        before = []  # "X، يقاتلون": X closes an aside, it is not the subject
    after = [m for m in actors if word.end <= m.start and m.end <= right]
    if word.value.kind == "noun":
        return _noun_arguments(word, sent, before)
    if _governed_after_actor(word, sent):
        as_noun = _noun_arguments(word, sent, before)
        if as_noun[0]:
            return as_noun
    gapped = _gapped_arguments(word, word.tail, sent, frames) if word.tail else None
    if gapped:
        return gapped
    source: ActorMention | None = None
    target: ActorMention | None = None
    after = _first_of_groups(after, sent)
    if word.value.passive:
        # قتل جنديان وأصيب مدنيان, جنديان قتلا في معارك ضد الحوثيين, طبيب قتل وأصيب
        # ثلاثة: an actor after another event word is that word's, not this verb's.
        # An event noun right after the verb is its subject (قتل رصاص الجيش فلسطينيا).
        later = [j for j in sent.event_starts
                 if j > word.end or (j == word.end and tokens[j].norm.startswith("و"))]
        after = [m for m in after if not any(j < m.start for j in later)]
    urge = head_verb(word.phrase) in _URGE_VERBS
    if urge and word.end < len(tokens) and tokens[word.end].norm in _RESUMPTIVE:
        before = []  # الإضراب الذي دعت إليه النقابات: the unions called for it
    elif urge:
        urged_at = _urged_act(word, tokens, sent.actors)
        after = [m for m in after if m.start < urged_at]
        if not before and not implicit and after and (
                len(word.phrase.split()) > 1  # طالب بسحب القوات: the act's object
                or (len(after) == 1 and after[0].start > word.end and after[0].end == urged_at
                    and _unknown_subject(word, after[0], tokens))):
            return [], _expand(after[0], sent)  # حثت ميركل روسيا على: Russia is urged
    if word.value.code == _ACCUSE:
        after = _before_charge(_up_to_charge(word, after, actors, sent), tokens)
        if (not before and len(after) == 1 and _charged(after[0], tokens)
                and not object_pronoun(word, tokens)):  # تتهمه واشنطن ب: Washington accuses
            return [], _expand(after[0], sent)  # اتهم الجيش بقتل: the army is accused
    if implicit and not before:
        source, target = implicit, (after[0] if after else None)
    elif (before and after and not word.value.passive and after[0].start == word.end
          and object_pronoun(word, tokens)):
        # وتنتقده المعارضة: the pronoun is the object, the actor right after the
        # subject; the actor before is the object only right before the verb.
        source = after[0]
        target = before[-1] if before[-1].end == word.start else None
    elif before and after and _own_subject_after(word, before, after[0], tokens):
        # العقوبات على إيران وتهدد واشنطن: a new clause with its subject after its verb.
        source = after[0]
        target = after[1] if len(after) > 1 else None
    elif before:
        source = before[-1]
        target = after[0] if after else None
        # A passive reading makes the actor before the victim (ستة مدنيين قتلوا),
        # unless the verb has its own object: a pronoun (الجيش قتلهم في) or,
        # after an armed actor, a noun (مسلحون خطفوا صحافيا). A pronoun and
        # then a noun (جنودا خطفهم مسلحون) put the object first, the subject last.
        pronoun = object_pronoun(word, tokens)
        if word.value.passive and pronoun and _object_follows(word, tokens):
            subject = after[0] if after and after[0].start - word.end <= 1 else None
            source, target = subject, before[-1]
        elif (word.value.passive and (not after or before[-1].role == "CVL")
              and not (pronoun or _acts_on_object(word, before[-1], tokens))):
            source, target = None, before[-1]
        elif (word.value.passive and after and _passive_form(tokens[word.start])
              and _victim_follows(word, after[0], sent)):
            # قتل جنديان وأصيب ثلاثة مدنيين: the actor before is the earlier verb's
            source, target = None, after[0]
    elif after and _has_plural_subject(tokens[word.start]):
        target = after[0]  # يقاتلون التنظيم: the subject is in the verb
    elif after and _after_marker(after[0], tokens):
        # أطلقت النار على الجنود, اعتدى على المتظاهرين رجال الشرطة: a subject
        # never follows a preposition; the actor after the object is the subject.
        target = after[0]
        source = after[1] if len(after) >= 2 else None
    elif len(after) >= 2 and not _not_subject(word, after[0], tokens) and not (
            word.value.passive and (
                after[1].start - after[0].end > 2 or _counted(after[0], tokens))):
        # VSO, unless the first actor is no subject (أشاد سرحان بمواقف الرئيس);
        # a passive needs its object right after, and a count right after
        # it is its victim (قتل 12 جنديا و3 مسلحين: both groups died).
        source, target = after[0], after[1]
    elif after:
        if word.value.passive:
            target = _among(after, tokens) or after[0]  # قتل ثلاثة جنود
        elif _owner_of_object(after[0], word, tokens) or _not_subject(word, after[0], tokens):
            target = after[0]  # هاجموا حافلة للجيش, أشاد بمواقف الرئيس, التقى مع الرئيس
        else:
            source = after[0]
    agent = _by_agent(word.end, right, tokens, actors)
    if agent:  # خطف ... من قبل أربعة مسلحين: the passive's agent; the other is the victim
        victim = target if target is not agent else source
        source, target = agent, (victim if victim is not agent else None)
    return _expand(source, sent), _expand(target, sent)


def _governed_after_actor(word: Match[VerbEntry], sent: Sentence) -> bool:
    """``قتل خمسة أشخاص أغلبهم من المدنيين في قصف قام به المتمردون``: an event
    word right after a preposition written apart is a verbal noun (a verb never
    follows one), and the actor right before the preposition is no subject of
    it: the noun's agent is its genitive or the subject of its support verb
    (``قام به المتمردون``). Only when that agent is found after it: in
    ``نجح الجيش في قتل المسلحين`` the noun is the object of a verb whose
    subject, before the preposition, is the noun's agent too."""
    tokens = sent.tokens
    at = word.start - 1
    return (at > 0 and bool(without_conjunction(tokens[at].norm) & _NOUN_GOVERNORS)
            and any(m.end == at for m in sent.actors))


def _own_subject_after(word: Match[VerbEntry], before: list[ActorMention],
                       following: ActorMention, tokens: Sequence[Token]) -> bool:
    """``وأعاد العقوبات على إيران وتهدد واشنطن الدول``: a verb after the
    conjunction ``و`` opens a clause of its own; when every actor before it
    is the object of a preposition of the clause before (``على إيران``,
    ``مع قطر``), none is a subject the verb could share, so the actor right
    after the verb is its own subject (VSO). With a possible subject before
    (``اجتمع الوزير مع السفير وانتقد روسيا``) the actor after stays the
    object. A plural verb carries its subject, and a mostly-passive one has
    victims after it."""
    if (word.value.passive or following.start != word.end
            or _has_plural_subject(tokens[word.start]) or _prepositional(following, tokens)):
        return False
    norm, key = tokens[word.start].norm, head_verb(word.phrase)
    if not norm.startswith("و") or (key.startswith("و") and not norm.startswith("وو")):
        return False  # وقع, وجه: the verb's own first letter
    return all(m.start > 0 and (tokens[m.start - 1].norm in _CLAUSE_PREPOSITIONS
                                or _after_marker(m, tokens)) for m in before)


def _prepositional(mention: ActorMention, tokens: Sequence[Token]) -> bool:
    """The actor carries a preposition (``باللاجئين``, ``لإيران``), one its
    name does not begin with (``بغداد``, ``ولي العهد``): an object, never a
    subject. A name the article learned (``وقال بومبيو``) is matched bare."""
    if mention.kind == "name":
        return False
    heads = {dictionary_key(m.removeprefix("actor:").split()[0])
             for m in mention.matched if m.startswith("actor:")} | {mention.head}
    own = (*heads, *("ال" + head for head in heads))
    norm = tokens[mention.start].norm
    stem = norm[1:] if norm.startswith(("و", "ف")) and not norm.startswith(own) else norm
    return stem.startswith(("ب", "ل", "ك")) and not stem.startswith(own)


def _gapped_arguments(word: Match[VerbEntry], tail: tuple[int, int], sent: Sentence,
                      frames: list[Frame],
                      ) -> tuple[list[ActorMention], list[ActorMention]] | None:
    """``أطلق مسلحون مجهولون النار على الشرطة``: an actor in the gap is the
    subject, the object follows the phrase; the subject of a passive phrase
    (``تعرض موكب الوزير لهجوم``) is its victim, its agent comes after
    ``من قبل``. None without an actor in the gap (``أطلقت عشرات الصواريخ``):
    the phrase is then read like a one-word verb."""
    gap_start, (tail_start, tail_end) = word.end, tail
    subject = next((m for m in sent.actors if gap_start <= m.start and m.end <= tail_start), None)
    if subject is None:
        return None
    _, right = bounds(word.start, tail_end, sent.tokens, frames)
    after = [m for m in sent.actors if tail_end <= m.start and m.end <= right]
    if word.value.passive:
        source, target = _by_agent(tail_end, right, sent.tokens, sent.actors), subject
    else:
        source, target = subject, (after[0] if after else None)
    return _expand(source, sent), _expand(target, sent)


def stimulus_arguments(word: Match[VerbEntry], sent: Sentence, frame: Frame | None,
                        ) -> tuple[list[ActorMention], list[ActorMention]]:
    """``أبلغ مسؤولو الوزارة نظراءهم أن استمرار ضربات موسكو ... يثير المخاوف``:
    the speaker is concerned (source) about the clause's subject (target), the
    first actor of the reported clause, or else the nearest before the verb."""
    start = frame.start if frame else max(0, word.start - WINDOW)
    before = [m for m in sent.actors if start <= m.start and m.end <= word.start]
    target = (before[0] if frame else before[-1]) if before else None
    source = frame.speaker if frame else None
    return _expand(source, sent), _expand(target, sent)


def _passive_form(token: Token) -> bool:
    """أصيب, جرح, لقي مصرعه: passive in form, never active."""
    return bool(token.verbal & verb_dictionary().grammar.passive_only)


def _victim_follows(word: Match[VerbEntry], mention: ActorMention, sent: Sentence) -> bool:
    """The actor follows the verb directly, past numbers (أصيب ثلاثة مدنيين)."""
    return _skip_quantities(sent.tokens, word.end, sent.actors) == mention.start


def _counted(mention: ActorMention, tokens: Sequence[Token]) -> bool:
    """A number or count word is right before the actor (12 جنديا, خمسة مدنيين):
    a tally of persons, which a casualty verb makes its victims."""
    return mention.start > 0 and is_count(tokens[mention.start - 1])


def _among(after: list[ActorMention], tokens: Sequence[Token]) -> ActorMention | None:
    """``عشرة أشخاص بينهم ثلاثة صحافيين``: victims of another sector named
    among a counted group are the specific target CAMEO codes; their count is
    no source. Of the same sector (``مدنيين سوريين بينهم طفل``) the group,
    which may name a country, stays the target."""
    if len(after) < 2 or not _counted(after[0], tokens) or after[1].role == after[0].role:
        return None
    between = tokens[after[0].end : after[1].start]
    return after[1] if 0 < len(between) <= 2 and between[0].nominal & _AMONG else None


def _by_agent(start: int, end: int, tokens: Sequence[Token],
              actors: list[ActorMention]) -> ActorMention | None:
    """The actor after ``من قبل``, ``على يد`` (by) or ``برصاص``, ``بنيران`` (by
    the fire of), a number between them: the agent of a passive."""
    for j in range(start, min(end, len(tokens) - 1)):
        marker_end = _agent_marker_end(tokens, j)
        if marker_end:
            return next((m for m in actors if 0 <= m.start - marker_end <= 1), None)
    return None


def _agent_marker_end(tokens: Sequence[Token], j: int) -> int | None:
    """Where an agent marker starting at token ``j`` ends, if there is one."""
    norm, following = tokens[j].norm, tokens[j + 1].norm
    if (norm == "من" and following == "قبل") or (norm == "علي" and following in _HANDS):
        return j + 2
    return j + 1 if norm in _BY_FIRE else None


def _acts_on_object(word: Match[VerbEntry], subject: ActorMention,
                    tokens: Sequence[Token]) -> bool:
    """A mostly-passive verb after an armed actor and followed directly by its
    object (مجهولون خطفوا مصورا, طالبان اختطفت حاكما, المسلحين قتلوا ثلاثة): the
    armed actor did it. Followed by a preposition, a time or a clause break
    (جنود قتلوا في الهجوم, قتل جندي أمس) it stays passive: the soldiers died."""
    role = subject.role or (subject.fixed_code or "")[3:6]  # طالبان: AFGREBTAL
    if role not in _ARMED_ROLES or role == "GOV":
        return False
    if word.start - subject.end > 2 or not all(t.is_word for t in tokens[subject.end:word.start]):
        return False  # the subject right before the verb (الشرطة في مالي احتجزت)
    if _passive_form(tokens[word.start]):
        return False  # أصيب, لقي مصرعه: passive in form, never active
    return _object_follows(word, tokens)


def _object_follows(word: Match[VerbEntry], tokens: Sequence[Token]) -> bool:
    """The word after the verb is a noun it governs (its object, or its subject
    after an object pronoun), not a preposition, a time, a clause break or
    "also", "others" (قتلوا في الهجوم, قتل أمس, أصيب آخرون)."""
    if word.end >= len(tokens):
        return False
    grammar = verb_dictionary().grammar
    following = tokens[word.end]
    return following.is_word and not (
        following.norm.startswith(("و", "ب", "ل", "ف")) or following.norm in _FUNCTION_WORDS
        or following.nominal & (grammar.time_words | grammar.clause_breaks | _NOT_OBJECTS))


def _possessed(word: Match[VerbEntry], tokens: Sequence[Token]) -> bool:
    """The event noun carries a possessive pronoun, its agent (``اتهامه``,
    ``قصفها``, ``دعمهم``): the actor after it is its object, not its agent."""
    norm = tokens[word.start].norm
    key = dictionary_key(word.phrase.split()[0])
    return any(norm.endswith(key + s) for s in PRONOUN_SUFFIXES[1:])


def object_pronoun(word: Match[VerbEntry], tokens: Sequence[Token]) -> bool:
    """The verb carries an object pronoun (خطفهم, قتلته), one its dictionary
    form does not end with (وجه "directed" is not وج + ه)."""
    norm = tokens[word.start].norm
    norm = norm[1:] if norm.startswith(("و", "ف")) else norm
    key = head_verb(word.phrase)
    return any(norm.endswith(s) and not key.endswith(s) and len(norm) > len(key)
               for s in PRONOUN_SUFFIXES[1:])


def _urged_act(word: Match[VerbEntry], tokens: Sequence[Token],
               actors: list[ActorMention]) -> int:
    """Where the act a verb of urging asks for begins: ``على`` or ``إلى``
    (not ``على هامش``, ``إلى جانب``), or a ``ل`` word (after ``طالب`` a ``ب``
    word) right after the verb or an actor (``حثت روسيا على الضغط على
    سوريا``, ``دعت الجماعة إلى إخراج مصر``, ``حث X لتقديم``). The actors of
    the act (Syria, Egypt) are not those of the appeal; a marker inside the
    verb's phrase (``دعا إلى الحوار بين X وY``) is not one: its parties are
    what the appeal is about. The sentence's end when there is no marker."""
    first = word.tail[1] if word.tail else word.end
    ends = {first} | {m.end for m in actors if m.start >= first}
    starts = {m.start for m in actors}
    demand = head_verb(word.phrase) == _DEMAND
    previous = first
    for j in range(first, len(tokens)):
        token = tokens[j]
        if token.text in QUOTES or token.text in {"،", ","}:
            continue  # دعا «جميع الفاعلين» إلى «التعاون»
        norm = token.norm
        if norm in _URGED_ACT:
            if not (j + 1 < len(tokens) and tokens[j + 1].nominal & _COMPOUND_PREPOSITIONS):
                return j
        elif previous in ends and j not in starts and len(norm) > 3 and (
                (norm.startswith("ل") and norm not in _NOT_PURPOSES)
                or (demand and norm.startswith("ب") and not token.nominal & _NOT_CHARGES)):
            return j
        if is_break(tokens, j):
            break
        previous = j + 1
    return len(tokens)


def _not_subject(word: Match[VerbEntry], mention: ActorMention,
                 tokens: Sequence[Token]) -> bool:
    """The only actor after a verb is not its subject when a preposition is
    right before it (``التقى مع الرئيس``, ``رفع العقوبات عن طهران``), or,
    after a verb whose object takes ``ب`` or ``ل`` (``أشاد ب``, ``رحب ب``,
    ``ندد ب``, ``اعتذر ل``), when it is the genitive of that object (``أشاد
    سرحان بمواقف الرئيس``, ``رحبت بموافقة أنقرة``): a subject carries no
    preposition, nor does the noun it is the genitive of. Not after a
    resumptive pronoun (``نددت بها المعارضة``), an adverb (``لاحقا``,
    ``بشدة``), ``بعض`` or a preposition of time or cause (``بعد``, ``بسبب``):
    the actor is then the subject."""
    start = word.tail[1] if word.tail else word.end
    between = tokens[start : mention.start]
    if between and between[-1].norm in _OBJECT_PREPOSITIONS:
        return True
    if not between and _prepositional(mention, tokens):
        return True  # أشادت بالسعودية (after a noun, مصدر بالجيش, the actor stands for it)
    if (head_verb(word.phrase) not in _PREPOSITIONAL_VERBS
            or not 0 < len(between) <= 2
            or not all(t.is_word and not is_count(t) for t in between)):
        return False
    head, norm = between[-1], between[-1].norm  # بمواقف الرئيس: the noun the actor is of
    return (norm.startswith(("ب", "ل")) and norm[1:] not in PRONOUN_SUFFIXES
            and not norm.endswith("ا") and norm not in _NOT_PURPOSES
            and not head.nominal & (_NOT_CHARGES | _NOT_OBJECT_HEADS
                                    | verb_dictionary().grammar.time_words))


def urged_words(words: Sequence[Match[VerbEntry]], sent: Sentence) -> frozenset[int]:
    """Starts of the event words inside an act a verb of urging asks for
    (``حضت شركاءها على فرض عقوبات على إيران``, ``طالبت بالإفراج عن``): asked
    for, not done, so not events of their own."""
    tokens = sent.tokens
    urges = [w for w in words
             if w.value.kind == "verb" and head_verb(w.phrase) in _URGE_VERBS]
    appeals = {w.start for w in urges}
    inside: set[int] = set()
    for word in urges:
        start = _urged_act(word, tokens, sent.actors)
        # The act ends with the clause or at the next appeal (وطلبت من السفير).
        end = next((j for j in range(start + 1, len(tokens))
                    if is_break(tokens, j) or j in appeals), len(tokens))
        inside.update(w.start for w in words if start <= w.start < end)
    return frozenset(inside)


def _unknown_subject(word: Match[VerbEntry], urged: ActorMention,
                     tokens: Sequence[Token]) -> bool:
    """``حثت ميركل روسيا على``: words the dictionary does not know come
    between the verb of urging and the one actor before the urged act; they
    are the subject (a name), and the actor is the one urged. Not an adverb
    or a time (``دعت مجددا روسيا إلى``, ``دعت أمس``): the actor is then the
    subject."""
    grammar = verb_dictionary().grammar
    between = tokens[word.end : urged.start]
    return len(between) <= 2 and _object_follows(word, tokens) and all(
        t.is_word and not t.norm.endswith("ا") and not t.nominal & grammar.time_words
        for t in between)


def _part_of_previous(mention: ActorMention, tokens: Sequence[Token]) -> bool:
    """The actor (the first of its conjoined group) names who leads the one
    before it (``بقيادة السعودية``, ``برئاسة عباس``, ``على رأسها``) or where
    it is posted (``السفيرة الأمريكية لدى الأمم المتحدة``): part of that
    actor, not an argument."""
    at = mention.start - 1
    if at < 0:
        return False
    if tokens[at].norm == "لدي":
        return True
    if not tokens[at].nominal & _LEADERS:
        return False
    return tokens[at].norm.startswith("ب") or (at > 0 and tokens[at - 1].norm == "علي")


def _up_to_charge(word: Match[VerbEntry], after: list[ActorMention],
                  actors: list[ActorMention], sent: Sentence) -> list[ActorMention]:
    """The actors after an accusation, reaching past the usual window to its
    charge when an aside comes first (``اتهمت منظمة العفو في تقرير نشرته
    الخميس، القوات الحكومية بتعذيب``): the accused is named right before
    the charge, as far into the clause as it is."""
    if any(_charged(m, sent.tokens) for m in after):
        return after
    end = next((j for j in range(word.end, len(sent.tokens)) if is_break(sent.tokens, j)),
               len(sent.tokens))
    further = _first_of_groups([m for m in actors if word.end <= m.start and m.end <= end], sent)
    charged = [m for m in further if _charged(m, sent.tokens)]
    return [*after, charged[0]] if charged and charged[0].start >= (
        after[-1].end if after else word.end) else after


def _before_charge(after: list[ActorMention], tokens: Sequence[Token]) -> list[ActorMention]:
    """The actors of an accusation up to its charge (``اتهم X بقتل Y``): an
    actor after the ``ب`` word that follows the accused belongs to the alleged
    act, which the allegation rule does not code, not to the accusation. The
    accused is the last actor so followed: a name after a title may begin
    with ب too (``وزير الخارجية بول سميث إيران بتهريب``)."""
    charged = [i for i, mention in enumerate(after) if _charged(mention, tokens)]
    return after[: charged[-1] + 1] if charged else after


def _charged(mention: ActorMention, tokens: Sequence[Token]) -> bool:
    """The actor is directly followed by a ``ب`` word, the charge (``الجيش بقتل``),
    not a preposition (``مدنيين بعد``, ``موسكو بهدف``)."""
    if mention.end >= len(tokens):
        return False
    following = tokens[mention.end]
    return following.norm.startswith("ب") and not following.nominal & _NOT_CHARGES


def _owner_of_object(mention: ActorMention, word: Match[VerbEntry],
                     tokens: Sequence[Token]) -> bool:
    """``هاجموا حافلة للجيش``: an actor after ``لل`` ("of the") behind a noun
    owns the verb's object; a subject never carries a preposition."""
    return mention.start > word.end and tokens[mention.start].norm.startswith("لل")


def _after_marker(mention: ActorMention, tokens: Sequence[Token]) -> bool:
    """The actor follows ``على`` or ``ضد``, directly or as the genitive of
    one or two nouns (``اعتدت على المصلين``, ``فتحت النار على الجنود``, ``شنت
    أمس غارات على مواقع المتمردين``): it is what the act is aimed at, never
    its subject."""
    for j in range(mention.start - 1, max(-1, mention.start - 1 - _MARKED_REACH), -1):
        if tokens[j].norm in _AGAINST:
            return True
        if not tokens[j].is_word:
            return False
    return False


def _has_plural_subject(token: Token) -> bool:
    """Verbs agree in number only with a subject before them: a plural verb
    (قاتلوا, يقاتلون) carries its own subject, so the actor after it is the object."""
    return token.norm.endswith(_PLURAL_ENDINGS) or any(
        token.norm.endswith(ending + obj) for ending in ("وا", "و") for obj in PRONOUN_SUFFIXES[1:]
    )


def _noun_arguments(word: Match[VerbEntry], sent: Sentence, before: list[ActorMention],
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
    if source is None:
        source = _agent_after(word, sent)
    follow = _skip_quantities(tokens, word.end, actors)
    modifier = next((m for m in sent.mentions if m.modifier and _qualifies(tokens, follow, m)),
                    None)
    if modifier and source is None:
        source = replace(modifier, modifier=False)
    # غاراته الجوية والمدفعية: a conjoined word is coordinated with the noun, not its genitive.
    genitive = next((m for m in actors if m.start == follow and not m.conjoined), None)
    if genitive:
        agent_first = bool(tokens[word.start].nominal & grammar.agent_genitive)
        armed = genitive.role in _ARMED_ROLES or genitive.fixed_code or not genitive.role
        if (source is not None or word.value.passive or not (agent_first and armed)
                or _possessed(word, tokens)):  # اتهامه للولايات المتحدة: his, against the US
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


def _agent_after(word: Match[VerbEntry], sent: Sentence) -> ActorMention | None:
    """``غارات جوية شنها الطيران الروسي``, ``قصف قام به المتمردون``,
    ``الاتهامات التي وجهتها الحكومة``: a support verb a few words after the
    event noun, carrying its resumptive pronoun (or followed by ``به``,
    ``بها``), has the noun's agent as its subject, right after it; not an
    actor with a preposition (``الانتقادات التي توجه للحكومة``: its object)."""
    grammar = verb_dictionary().grammar
    tokens = sent.tokens
    for j in range(word.end, min(len(tokens) - 1, word.end + _AGENT_REACH)):
        token = tokens[j]
        if not token.is_word or (is_break(tokens, j) and not token.nominal & grammar.relatives):
            return None
        if not token.verbal & grammar.active_support:
            continue
        resumptive = token.norm.endswith(_RESUMPTIVE_PRONOUNS) or (
            tokens[j + 1].norm in _WITH_IT)
        subject_at = j + 1 + (tokens[j + 1].norm in _WITH_IT)
        if not resumptive:
            return None
        subject = next((m for m in sent.actors if m.start == subject_at), None)
        return None if subject is None or _prepositional(subject, tokens) else subject
    return None


def _qualifies(tokens: Sequence[Token], follow: int, adjective: ActorMention) -> bool:
    """A nisba adjective right after the event noun, or after another nisba
    adjective (الغارات الجوية الروسية), qualifies it; after another noun
    (حالة التأهب بالأراضي الفلسطينية) it qualifies that noun."""
    if adjective.start == follow:
        return True
    # An event noun that ends the sentence has nothing after it (follow == len).
    return (adjective.start == follow + 1 and tokens[follow].norm.startswith("ال")
            and tokens[follow].norm.endswith(("يه", "ي")))


def _skip_quantities(tokens: Sequence[Token], i: int, actors: list[ActorMention]) -> int:
    """Past quotes and numbers to the genitive: مقتل 20 مسلحا, مقتل سبعة أشخاص,
    لقتال "الدولة الإسلامية", and past the partitive ``من`` after a number:
    مقتل ثلاثة من عناصر الشرطة."""
    starts = {m.start for m in actors}
    start = i
    while i < len(tokens) and i not in starts and (
            tokens[i].text in QUOTES or is_count(tokens[i])):
        i += 1
    if start < i < len(tokens) - 1 and tokens[i].norm == "من":
        i += 1
    return i


def _first_of_groups(actors: list[ActorMention], sent: Sentence) -> list[ActorMention]:
    """One actor per conjoined group: the group is expanded afterwards."""
    firsts: list[ActorMention] = []
    for mention in actors:
        if not (firsts and sent.groups.get(id(mention)) is sent.groups.get(id(firsts[-1]))):
            firsts.append(mention)
    return firsts


def _expand(mention: ActorMention | None, sent: Sentence) -> list[ActorMention]:
    """The actor with the actors conjoined to it."""
    return sent.groups.get(id(mention), [mention]) if mention else []


def attacked_place(word: Match[VerbEntry], sent: Sentence,
                   places: Sequence[Match[tuple[Location, int]]],
                   sources: Sequence[ActorMention], sentence: str,
                   offset: int) -> list[ActorMention]:
    """The place a violent act with no other target was aimed at, as its
    country: CAMEO codes the place's country as the target of ``قصفت الطائرات
    غزة`` (PSE) and of ``أطلقوا صواريخ على البلدات المحيطة بقطاع غزة``. The
    place is the verb's direct object, right after the verb or its subject
    (not after a passive: ``قتل ... بغداد`` has no object), or follows a target
    marker (على, ضد, استهدف) or ``نحو``, ``باتجاه`` a few words on, with no
    actor, punctuation or clause break in between. A place after ``في`` is
    only where it happened, and stays the event's location alone; a nisba
    adjective (``قصف إسرائيلي``) is not a place."""
    tokens = sent.tokens
    markers = verb_dictionary().grammar.target_markers | _TOWARDS
    end = word.tail[1] if word.tail else word.end
    end = max([end, *(m.end for m in sources if 0 <= m.start - end <= 1)])
    # A nisba adjective is no place (قصف إسرائيلي: the gazetteer reads إسرائيل in it).
    adjectives = {j for m in sent.mentions if m.modifier for j in range(m.start, m.end)}
    starts = {p.start: p for p in places if p.start not in adjectives}
    actor_starts = {m.start for m in sent.actors}

    def stop(j: int) -> bool:
        return not tokens[j].is_word or is_break(tokens, j) or j in actor_starts

    def marker(j: int) -> bool:
        return bool(tokens[j].nominal & markers)

    if word.value.kind == "verb" and not word.value.passive and end in starts:
        found = starts[end]
    else:
        found = None
        at = next((j for j in range(end, min(len(tokens), end + _PLACE_MARKER_REACH))
                   if marker(j) or stop(j)), None)
        if at is not None and marker(at):
            place_at = next((k for k in range(at + 1, min(len(tokens), at + 1 + _PLACE_REACH))
                             if k in starts or stop(k)), None)
            found = starts.get(place_at) if place_at is not None else None
    if found is None or not found.value[0].country:
        return []
    text = sentence[tokens[found.start].start - offset : tokens[found.end - 1].end - offset]
    return [ActorMention(found.start, found.end, text, "place", country=found.value[0].country,
                         matched=[f"place:{found.phrase}"])]


def protest_addressee(sent: Sentence) -> list[ActorMention]:
    """Whom a protest with no object addresses: the institution it is held in
    front of (تظاهروا أمام السفارة الأمريكية, اعتصموا أمام مقر وزارة العمل),
    which the locative word otherwise makes a mere place; else the actor it is
    against (احتجاجا على زيارة بوش). Civilians named after "against" are the
    victims of what is protested, not its addressee."""
    tokens = sent.tokens
    for mention in sent.mentions:
        if not (mention.kind == "agent" and mention.code and mention.role in _ADDRESSEE_ROLES):
            continue
        before = mention.start - 1
        if before > 0 and tokens[before].nominal & _PREMISES:
            before -= 1
        if before >= 0 and tokens[before].nominal & _FACING:
            return _expand(replace(mention, locative=False), sent)
    for j in range(len(tokens) - 1):
        if tokens[j].nominal & _PROTEST_PURPOSE and tokens[j + 1].nominal & _AGAINST:
            cue = j + 1
        elif tokens[j].nominal & _OPPOSING:
            cue = j
        else:
            continue
        against = next((m for m in sent.actors if 0 < m.start - cue <= _AGAINST_REACH), None)
        if against and against.role != "CVL":
            return _expand(against, sent)
    return []


def is_protester(tokens: Sequence[Token], mention: ActorMention) -> bool:
    """المتظاهرون, المحتجين: the default source of a protest without one."""
    protesters = verb_dictionary().grammar.protesters
    return any(t.nominal & protesters for t in tokens[mention.start : mention.end])
