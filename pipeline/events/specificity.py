"""Whether a sentence reports an incident or only talks about violence.

Conflict and protest words appear far more often in talk about violence
(threats, trials, statistics, history, opinion) than in reports of an
incident. :func:`hypothetical` and :func:`background` rule the talk out;
:func:`specificity` weighs the evidence of an incident (a count of people, a
day, a place, identified actors, corroborating words) into a confidence factor.
The word lists live in ``verbs.yaml`` (``grammar``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from itertools import islice

from pipeline.events.actors import ActorMention
from pipeline.events.clauses import Frame, is_complementizer
from pipeline.events.lexicon import (
    Match,
    Token,
    dictionary_key,
    head_verb,
    is_perfect,
    lookup_keys,
    nominal_forms,
    verb_key,
    without_conjunction,
)
from pipeline.events.verbs import DEFAULT_CONFIDENCE, VerbEntry, verb_dictionary

# Violence and protests: coded without actors, and only with incident evidence.
INCIDENT_ROOTS = frozenset({"14", "18", "19", "20"})
# Confidence factor for 0, 1, 2... pieces of evidence that an incident took place.
_EVIDENCE_WEIGHT = (0.3, 0.5, 0.7, 0.85, 1.0, 1.0)
# Tokens; longer sentences argue more than they report, and much longer ones
# are commentary that lists incidents (each limit takes one piece of evidence off).
_LONG_SENTENCES = (50, 80)
_CLAUSE_REACH = 12  # tokens read back from an event word to find its clause opener
_STOPS = frozenset({".", "؛", ";", ":", "!", "،", ","})
_PERCEPTION_REACH = 5  # شاهد + an object of up to three words + the present verb
_ANTECEDENT_REACH = 6  # words before a relative pronoun where its antecedent is read
_KANA = frozenset({"كان", "كانت", "كانوا", "كانا"})  # the perfect: pluperfect recaps
_PLUPERFECT_REACH = 6  # وكان (subject of up to three words) قد أكدوا أن
_PERSONS = lookup_keys({dictionary_key("شخص")})  # persons counted, not an actor (actors.yaml)
_BECAUSE = lookup_keys({dictionary_key("لأن")})  # a complementizer that gives a cause
_IN = frozenset({"في", "وفي", "ففي"})  # في حال, في حالة: a case
_BEFORE = "قبل"  # قبل عامين: years ago
_VSO_SUBJECT = 3  # words after a verb where its subject is read (تستهدف العقوبات الجديدة)
_ON = dictionary_key("على")  # تعليقا على: what a comment is about
_STAB = "1823"  # طعن: stabbing
_KIDNAP = "181"  # خطف, اختطف
_SNATCH_REACH = 4  # words: وخطف النجم المصري الأضواء, the object after a subject
_WELCOME_REACH = 3  # words: احتشد الآلاف، أمس، لتحية: the purpose after a subject and a day
_THAT = "بان"  # تظاهر بأنه: pretended that (normalised بأن)
_STRIKE = "143"  # أضرب, إضراب: a strike; يضرب also hits
_EXPLOSIONS = lookup_keys({dictionary_key("انفجار"), verb_key("انفجر")})
_GUNFIRE = "193"  # إطلاق النار, أطلق النار
_TRUCES = lookup_keys(dictionary_key(w) for w in ("وقف", "هدنة"))
_TRUCE_REACH = 4  # tokens: وقفا من جانب واحد لإطلاق النار
_ATTACK = "190"  # هاجم, هجوم, استهدف: an attack of no named kind
_LAUNCHES = frozenset({"194", "183"})  # أطلق صاروخا; انفجر (on the launch pad)


def sentence_evidence(tokens: Sequence[Token], places: Sequence[Match],
                       actors: list[ActorMention]) -> int:
    """Signs that the sentence reports an incident: a count of people, a day
    or time, a place, an identified actor or persons (``قتل 18 شخصا``: victims
    that are not coded, annotators leave a bare count of persons uncoded)."""
    grammar = verb_dictionary().grammar
    return (any(t.text.isdigit() or t.nominal & grammar.counts for t in tokens)
            + any(t.nominal & grammar.time_words for t in tokens)
            + (bool(places) or any(t.nominal & grammar.place_words for t in tokens))
            + (bool(actors) or any(t.nominal & _PERSONS for t in tokens)))


def background(tokens: Sequence[Token], published: date | None) -> bool:
    """The sentence mentions a trial, statistics, a toll, an anniversary, a
    tally "since" (``background`` in verbs.yaml), a year before publication
    or a year told relative to it (العام الماضي)."""
    background = verb_dictionary().grammar.background
    return _past_years(tokens) or any(t.nominal & background or _earlier_year(t, published)
                                      for t in tokens)


def specificity(word: Match[VerbEntry], words: list[Match[VerbEntry]], tokens: Sequence[Token],
                evidence: int, is_background: bool, paired: bool, told: bool) -> float:
    """How much the sentence reads as a report of one incident (0 to 1).

    0 for a question, and when the violence is background to other news: in
    the whole sentence (``is_background``: history, a trial, statistics) or
    in the event's own clause (:func:`_subordinate`). Protests are held on
    anniversaries and during trials, and a protest verb in a relative clause
    (المتظاهرون الذين تجمعوا) still reports the protest: for them only event
    nouns are checked, and a present verb right after the protesters
    (:func:`_describes_protesters`). 0 also when an accusation, claim or
    investigation comes before the event word (:func:`_alleged`), and for a
    weak protest word (تجمع, مظاهرة) without protesters in the sentence.
    Otherwise the sentence's ``evidence`` adds up with both actors of the
    event identified (``paired``) and a second word of the same family (قتل
    ... في انفجار; protesters for protests), and is discounted for a long
    sentence (commentary more than a report) and a verb in the present.
    A protest ``told`` second-hand (:func:`secondhand`) is 0: annotators count
    the protests the newspaper reports itself, not those a witness, an
    official or a report describes; so is violence told second-hand in the
    present (خبراء يقولون إن الميليشيات تستهدف المدنيين: what an actor is said
    to do, a habit or a purpose, not an incident)."""
    protest = word.value.code[:2] == "14"
    if told and (protest or _imperfect(word, tokens)):
        return 0.0
    if _question(tokens) or (not protest and (is_background or _clause_background(word, tokens))):
        return 0.0
    if ((not protest or word.value.kind == "noun") and _subordinate(word, words, tokens)) or (
            protest and _describes_protesters(word, tokens)):
        return 0.0
    if _alleged(word, tokens) or _figurative(word, words, tokens):
        return 0.0
    if not protest and (_mishap(word, words, tokens) or _civil_aim(word, words, tokens)):
        return 0.0
    if protest:
        grammar = verb_dictionary().grammar
        crowd = any(t.nominal & grammar.protesters for j, t in enumerate(tokens)
                    if not word.start <= j < word.end)
        if word.value.confidence < DEFAULT_CONFIDENCE and not crowd:
            # تجمع, مظاهرة, احتجاجا also gather summits, name festivals and
            # qualify other acts: without protesters they are not a protest.
            return 0.0
        # Chanting (مرددين هتافات) corroborates like a second protest word.
        evidence += (any(w is not word and w.value.code[:2] == "14" for w in words)
                     or any((t.nominal | t.verbal) & grammar.chants for t in tokens))
        evidence += crowd
    else:
        evidence += _other_incident(word, words)
    evidence += paired
    evidence -= sum(len(tokens) > limit for limit in _LONG_SENTENCES)
    evidence -= _imperfect(word, tokens)
    return _EVIDENCE_WEIGHT[max(0, min(evidence, len(_EVIDENCE_WEIGHT) - 1))]


def _other_incident(word: Match[VerbEntry], words: list[Match[VerbEntry]],
                    unless: Callable[[Match[VerbEntry]], bool] | None = None) -> bool:
    """Another word of violence or protest in the sentence than ``word``
    (one that ``unless`` does not set aside): the corroboration of a report,
    and what keeps a figure of speech, a mishap or a civil aim from being read."""
    return any(w is not word and w.value.code[:2] in INCIDENT_ROOTS
               and not (unless and unless(w)) for w in words)


def _figurative(word: Match[VerbEntry], words: list[Match[VerbEntry]],
                tokens: Sequence[Token]) -> bool:
    """A figure of speech or another sense of a word of violence: a blow to
    someone (:func:`_blow_to`); a stab in the back with no other word of
    violence in the sentence (طعنة في الظهر: betrayal, but تلقى طعنة في
    الظهر وأصيب بجروح is a stabbing); a kidnapping word with a prize or the
    limelight as its object (``snatched``: خطف الأضواء, خطف بطاقة التأهل);
    a rocket launched in a sentence with a satellite (``satellites``); the
    gunfire of a ceasefire (:func:`_truce`); a protest word in another sense
    (:func:`_not_a_protest`); an attack or a target (190) in a sentence about
    computers (``cyber``:
    تعرضت الشبكة لهجوم إلكتروني استهدف خوادمها; gunfire over a video game
    and casualty words still report harm); any of them on a football pitch
    (``pitch``: هجمة في الشوط الثاني)."""
    grammar = verb_dictionary().grammar
    code = word.value.code
    if code == _STAB and _in_the_back(word, tokens) and not _other_incident(word, words):
        return True
    if code.startswith(_KIDNAP) and any(t.nominal & grammar.snatched
                                        for t in _words_after(word, tokens, _SNATCH_REACH)):
        return True
    if code in _LAUNCHES and any(t.nominal & grammar.satellites for t in tokens):
        return True
    if code == _ATTACK and not _casualty(word, tokens) and any(
            t.nominal & grammar.cyber for t in tokens):
        return True
    if any(t.nominal & grammar.pitch for t in tokens):
        return True
    return (_blow_to(word, tokens) or _truce(word, tokens)
            or (code[:2] == "14" and _not_a_protest(word, tokens)))


def _truce(word: Match[VerbEntry], tokens: Sequence[Token]) -> bool:
    """Gunfire "for" a truce word a few words before it is the truce's: مدد
    وقفا من جانب واحد لإطلاق النار (a ceasefire, coded as its own entry when
    its words are adjacent). Without the ل it is gunfire: بعد وقف إطلاق
    النار، أطلق مسلحون النار."""
    if not (word.value.code.startswith(_GUNFIRE) and tokens[word.start].norm.startswith("ل")):
        return False
    return any(t.nominal & _TRUCES for t in tokens[max(0, word.start - _TRUCE_REACH) : word.start])


def _words_after(word: Match[VerbEntry], tokens: Sequence[Token], reach: int) -> list[Token]:
    """The first ``reach`` words after the event word, past punctuation
    (وخطف الزعيم، العين، بطاقة التأهل)."""
    return list(islice((t for t in tokens[word.end :] if t.is_word), reach))


def _not_a_protest(word: Match[VerbEntry], tokens: Sequence[Token]) -> bool:
    """Other senses of the protest words: a crowd that gathered to greet,
    watch or celebrate (``welcomes``: احتشدوا لتحية الرئيس); pretending
    (تظاهر بأنه, "pretended that"); and يضرب with a person or a protester as
    its object, which hits rather than strikes (يضرب متظاهرا)."""
    grammar = verb_dictionary().grammar
    after = _words_after(word, tokens, _WELCOME_REACH)
    if any(t.nominal & grammar.welcomes for t in after):
        return True
    if after and after[0].norm.startswith(_THAT):
        return True
    return word.value.code == _STRIKE and bool(after) and bool(
        after[0].nominal & (grammar.protesters | _PERSONS))


def _in_the_back(word: Match[VerbEntry], tokens: Sequence[Token]) -> bool:
    """The event word is followed by "in the back" (في الظهر, بالظهر)."""
    following = [t.norm for t in tokens[word.end : word.end + 2]]
    return following == ["في", "الظهر"] or following[:1] == ["بالظهر"]


def _blow_to(word: Match[VerbEntry], tokens: Sequence[Token]) -> bool:
    """A blow to someone (وجه ضربة للرئيس, ضربة قوية للاقتصاد): a noun of
    ``blows`` followed by a dative, at most one word after it, is a figure of
    speech. A real strike is air-borne (ضربة جوية, its own entry), falls on
    its target (ضربات على, ضد) or has a place as its dative (ضربات لمواقع
    المسلحين: ``strike_targets``, ``place_words``)."""
    grammar = verb_dictionary().grammar
    if not tokens[word.start].nominal & grammar.blows or word.end - word.start != 1:
        return False
    dative = next((t for t in tokens[word.end : word.end + 2]
                   if t.norm.removeprefix("و").startswith("ل")), None)
    places = grammar.strike_targets | grammar.place_words
    return dative is not None and not dative.nominal & places


def _casualty(word: Match[VerbEntry], tokens: Sequence[Token]) -> bool:
    """The event word only counts the dead or hurt (قتل, لقي مصرعه, أصيب):
    it names no act, so what caused the harm must come from elsewhere."""
    head = tokens[word.start]
    return bool((head.nominal | head.verbal) & verb_dictionary().grammar.casualties)


def _mishap(word: Match[VerbEntry], words: list[Match[VerbEntry]],
            tokens: Sequence[Token]) -> bool:
    """Casualties of an accident, a disaster, an illness or a match (لقي
    عشرة مصرعهم في حادث انقلاب حافلة, أصيب اللاعب بكسر): a casualty word
    (``casualties``) says someone was killed or hurt, not that someone did
    it; with a mishap in the sentence (:func:`_mishap_at`) and no other word
    of violence or protest (قتل عشرة في قصف, أصيب العشرات بحالات اختناق جراء
    قنابل الغاز), nobody did. So with a whole war as the cause (``wars``:
    خلفت الحرب عشرة آلاف قتيل): a toll, not an incident. A weak word of
    violence beside a fire word (``fires``: اشتعال النيران) is flames, not
    gunfire; a sign of attack (``attack_signs``: سيارة مفخخة, إسقاط) makes
    any harm an attack. Something that exploded in a factory, a mine or from a
    gas leak (``blasts``: انفجار في مصنع للكيماويات, انفجار ناجم عن تسرب
    للغاز) is an accident like the harm it does; a factory alone is not (فجر
    مسلحون مصنعا وقتلوا عماله)."""
    grammar = verb_dictionary().grammar
    industrial = (any(_explosion(w, tokens) for w in words)
                  and any(t.nominal & grammar.blasts for t in tokens))

    def harm(w: Match[VerbEntry]) -> bool:
        return _casualty(w, tokens) or (industrial and _explosion(w, tokens))

    if not harm(word):
        return False
    if _other_incident(word, words, unless=lambda w: harm(w) or _flames(w, tokens)):
        return False
    if any(t.nominal & (grammar.protesters | grammar.attack_signs) for t in tokens):
        return False  # أصيب ثلاثون متظاهرا بحالات اختناق: crowd control, not a mishap
    return industrial or any(_mishap_at(tokens, i)
                             or nominal_forms(t.norm, nisba=False) & grammar.wars
                             for i, t in enumerate(tokens))


def _explosion(word: Match[VerbEntry], tokens: Sequence[Token]) -> bool:
    """Something exploded (انفجار, انفجر): unlike فجروا ("they blew up"), it
    names no one who did it."""
    head = tokens[word.start]
    return bool((head.nominal | head.verbal) & _EXPLOSIONS)


def _mishap_at(tokens: Sequence[Token], i: int) -> bool:
    """A mishap noun (``mishaps``: غرق, حريق, على متنها) or a crash head
    right before a vehicle or a building (``crash_heads``, ``wrecks``: حادث
    مرور, انقلاب المركبة, سقوط طائرة, انهيار عقار). Nouns only: the verb
    forms of أداء ("performance") include داء."""
    grammar = verb_dictionary().grammar
    if tokens[i].nominal & grammar.mishaps:
        return True
    return (i + 1 < len(tokens) and bool(tokens[i].nominal & grammar.crash_heads)
            and bool(tokens[i + 1].nominal & grammar.wrecks))


def _flames(word: Match[VerbEntry], tokens: Sequence[Token]) -> bool:
    """A weak word of violence (النيران, النار) right after or before a fire
    word (``fires``: اشتعال النيران, نشوب النار): flames, not gunfire."""
    if word.value.confidence >= DEFAULT_CONFIDENCE:
        return False
    fires = verb_dictionary().grammar.fires
    return any(0 <= i < len(tokens) and tokens[i].nominal & fires
               for i in (word.start - 1, word.end))


def _civil_aim(word: Match[VerbEntry], words: list[Match[VerbEntry]],
               tokens: Sequence[Token]) -> bool:
    """An audience or a market "targeted" (دورة تدريبية استهدفت منسوبي
    الشركة, تستهدف العقوبات قطاع السيارات): an aim word (``aims``) after a
    course, a programme or sanctions (``civil_aims``), or right before them
    (the subject of a VSO verb), with no other word of violence in the
    sentence."""
    grammar = verb_dictionary().grammar
    head = tokens[word.start]
    if not (head.nominal | head.verbal) & grammar.aims or _other_incident(word, words):
        return False
    subject = [*tokens[: word.start], *tokens[word.end : word.end + _VSO_SUBJECT]]
    return any(t.nominal & grammar.civil_aims for t in subject)


def secondhand(word: Match[VerbEntry], tokens: Sequence[Token], frame: Frame | None) -> bool:
    """The event word is the content of what someone says, finds or notes: in
    a clause of reported speech (``frame``: قال شهود إن المتظاهرين, «...») or
    after a complementizer (تبين أن, واللافت أن), except لأن ("because": a
    cause, told as fact). A denied clause (نفت الشرطة أن يكون المتظاهرون
    اعتصموا) is not: its event is coded, negated."""
    if frame is not None:
        return not frame.denied
    return any(is_complementizer(t) and not t.nominal & _BECAUSE for t in tokens[: word.start])


def _past_years(tokens: Sequence[Token]) -> bool:
    """A year told relative to the publication (العام الماضي, السنوات الأربع
    الماضية; one word may come between the year word and "past"), or years
    ago (قبل عامين, قبل نحو 17 عاما: two words may come between "before" and
    the year word)."""
    grammar = verb_dictionary().grammar
    return any((t.nominal & grammar.past_words
                and any(u.nominal & grammar.year_words for u in tokens[max(0, j - 2) : j]))
               or (t.nominal & grammar.year_words
                   and any(u.norm.removeprefix("و") == _BEFORE for u in tokens[max(0, j - 3) : j]))
               for j, t in enumerate(tokens))


def _clause_background(word: Match[VerbEntry], tokens: Sequence[Token]) -> bool:
    """A tally or a record "since" a date, an anniversary, or what has been
    happening lately (:func:`_period`), in the event's own clause (قتل خمسون
    منذ بداية العام, أعنف هجوم منذ الحرب): statistics or history, not one
    incident. In another clause it only dates the sentence."""
    grammar = verb_dictionary().grammar
    start = word.start
    while start > 0 and tokens[start - 1].text not in _STOPS:
        start -= 1
    end = word.end
    while end < len(tokens) and tokens[end].text not in _STOPS:
        end += 1
    return any(t.nominal & grammar.clause_background for t in tokens[start:end]) or _period(
        tokens[start:end])


def _period(clause: Sequence[Token]) -> bool:
    """What has been happening lately (في الأسابيع الأخيرة, في الشهور
    الأخيرة, في الآونة الأخيرة): a habit or a tally, not one incident. One
    word may come between the period and "last". "Past" (خلال الأسابيع
    الأربعة الماضية) is not read: annotators accept such tallies."""
    grammar = verb_dictionary().grammar
    return any(t.nominal & grammar.recent_words
               and any(u.nominal & grammar.periods for u in clause[max(0, j - 2) : j])
               for j, t in enumerate(clause))


def _subordinate(word: Match[VerbEntry], words: list[Match[VerbEntry]],
                 tokens: Sequence[Token]) -> bool:
    """The event is the cause, time or object of other news, read back from
    the event word to the start of its clause: a subordinator (إثر مقتل, غداة
    الهجوم, بعد أن خطف, ثالث هجوم), a word of talk whose object it is (أدان
    الهجوم, اتهم ... بالتفجير), a pluperfect recap (وكان ... قد خطفوا), a relative
    clause describing a person (الصحافي الذي اختطف). A relative clause or the
    toll (أسفر عن مقتل) of an event noun shares that noun's status."""
    grammar = verb_dictionary().grammar
    talk_ends = {w.end for w in words if w.value.code[:2] not in INCIDENT_ROOTS}
    incidents = {w.end: w for w in words if w.value.code[:2] in INCIDENT_ROOTS}
    for j in range(word.start - 1, max(-1, word.start - _CLAUSE_REACH), -1):
        token = tokens[j]
        if _time_adverbial(tokens, j):  # بعد صلاة العشاء, قبل منتصف الليل: when, not why
            return False
        if token.nominal & grammar.subordinators or j + 1 in talk_ends:
            return True
        if _pluperfect_auxiliary(token):  # وكان المسلحون قد خطفوا: a recap
            return True
        if token.nominal & grammar.relatives:
            # الصحافي الذي اختطف describes the journalist; غداة الهجوم الذي أسفر عن
            # مقتل: the clause is as much background as the attack it describes.
            antecedent = incidents.get(j)
            return antecedent is None or _subordinate(antecedent, words, tokens)
        if token.verbal & grammar.consequences:
            # غداة هجوم شنه مسلحون، وأسفر عن مقتل: the toll shares its attack's status.
            cause = next((w for w in reversed(words) if w.end <= j and w.end in incidents), None)
            return cause is not None and _subordinate(cause, words, tokens)
        if _ends_clause(token):
            return False
        if is_complementizer(token):
            return j > 0 and (bool(tokens[j - 1].nominal & grammar.subordinators)
                              or _pluperfect_report(tokens, j))
    return False


def _pluperfect_report(tokens: Sequence[Token], at: int) -> bool:
    """``وكان مسؤولون قد أكدوا أن ...``: what a pluperfect verb of saying
    reported, the complementizer at ``at``, is a recap too."""
    for j in range(at - 1, max(-1, at - _PLUPERFECT_REACH), -1):
        if _pluperfect_auxiliary(tokens[j]):
            return True
        if _ends_clause(tokens[j]):
            return False
    return False


def _pluperfect_auxiliary(token: Token) -> bool:
    """``كان``, ``وكانت``: the perfect of "to be" that makes a pluperfect."""
    return token.norm.removeprefix("و") in _KANA


def _ends_clause(token: Token) -> bool:
    """Punctuation or a clause break (``بينما``, ``فيما``): reading back stops here."""
    return token.text in _STOPS or bool(token.nominal & verb_dictionary().grammar.clause_breaks)


def _time_adverbial(tokens: Sequence[Token], j: int) -> bool:
    """A subordinator that governs a time of day (بعد صلاة الجمعة, عقب منتصف
    الليل) dates the clause; it does not make the event background."""
    grammar = verb_dictionary().grammar
    return (bool(tokens[j].nominal & grammar.subordinators) and j + 1 < len(tokens)
            and bool(tokens[j + 1].nominal & grammar.time_words))


def _alleged(word: Match[VerbEntry], tokens: Sequence[Token]) -> bool:
    """An accusation, claim, confession, investigation, claim of responsibility,
    condemnation, memory or comment earlier in the sentence (اتهم الجماعة
    بمحاولة اغتيال, يزعم أن, التحقيق في الهجوم, أعلنت مسؤوليتها عن, ويتذكر,
    تعليقا على): the news is the claim, and whether and how the incident took
    place is what it is about. A comment word counts only before على: alone
    it also suspends and hangs (علقت أعمالها)."""
    grammar = verb_dictionary().grammar
    return any((t.nominal | t.verbal) & grammar.allegations
               or ((t.nominal | t.verbal) & grammar.comments and tokens[j + 1].norm == _ON)
               for j, t in enumerate(tokens[: word.start]))


def _describes_protesters(word: Match[VerbEntry], tokens: Sequence[Token]) -> bool:
    """A protest verb in the present right after the protesters, or in a
    relative clause on them, describes them (أطلقت النار على متظاهرين يحتجون
    على الغلاء; اعتقلت الشرطة عددا من المتظاهرين الذين تجمعوا): the news is
    what happened to them or what they did next, the protest is background.
    A relative clause on other people (السكان الذين خرجوا للاحتجاج) may be
    the only report of their protest, and is kept."""
    grammar = verb_dictionary().grammar
    before = [t for t in tokens[: word.start] if t.is_word]
    if _imperfect(word, tokens) and before and before[-1].nominal & grammar.protesters:
        return True
    for j in range(word.start - 1, max(-1, word.start - _CLAUSE_REACH), -1):
        if tokens[j].nominal & grammar.relatives:
            # The antecedent may carry a complement (المتظاهرين من طلاب الجامعة، الذين).
            antecedent = [t for t in tokens[:j] if t.is_word][-_ANTECEDENT_REACH:]
            return any(t.nominal & grammar.protesters for t in antecedent)
        if _ends_clause(tokens[j]):
            return False
    return False


def _imperfect(word: Match[VerbEntry], tokens: Sequence[Token]) -> bool:
    """A verb in the present (يستهدفون, تخطف): a habit or a general claim more
    often than the report of an incident. After لم it is the past (لم تقصف);
    after a verb of perception and its object (شاهد مسلحين يطلقون النار) it is
    what the witness saw."""
    if word.value.kind != "verb" or (
            word.start and tokens[word.start - 1].norm.removeprefix("و") in {"لم", "فلم"}):
        return False
    norm = tokens[word.start].norm
    return not is_perfect(norm, head_verb(word.phrase)) and any(
        stem.startswith(("ي", "ت", "ن")) for stem in without_conjunction(norm)
    ) and not _perceived(word, tokens)


def _perceived(word: Match[VerbEntry], tokens: Sequence[Token]) -> bool:
    """A verb of perception a few words before, in the same clause."""
    perception = verb_dictionary().grammar.perception
    for j in range(word.start - 1, max(-1, word.start - _PERCEPTION_REACH), -1):
        if tokens[j].verbal & perception:
            return True
        if tokens[j].text in _STOPS or is_complementizer(tokens[j]):
            return False
    return False


def _question(tokens: Sequence[Token]) -> bool:
    """A question asks about violence, it does not report it."""
    return any(t.text in {"؟", "?"} for t in tokens) or tokens[0].norm in {"هل", "وهل", "فهل"}


def hypothetical(word: Match[VerbEntry], tokens: Sequence[Token]) -> bool:
    """The future (سيقصف, سوف), a condition, an intention or a habit near the
    event word, a case (في حال, في حالة) or a purpose (بهدف, لتنفيذ; both
    matched as whole words: ``cases``, ``purposes``):
    the text talks about the event, it does not report it."""
    head = tokens[word.start]
    if word.value.kind == "verb" and head.norm.removeprefix("و").removeprefix("ف").startswith(
            ("سي", "ست", "سن")) and not head.norm.startswith(("ست", "سن")):
        return True
    grammar = verb_dictionary().grammar
    start = max(0, word.start - 6)
    window = [*range(start, word.start), *range(word.end, min(len(tokens), word.end + 3))]
    return any(tokens[j].nominal & grammar.hypothetical
               or tokens[j].norm.removeprefix("و") in grammar.purposes
               or (j > 0 and tokens[j].norm in grammar.cases and tokens[j - 1].norm in _IN)
               for j in window)


def _earlier_year(token: Token, published: date | None) -> bool:
    """A year (1950..) before the publication year: the sentence recalls history."""
    if not (token.text.isdigit() and len(token.text) == 4):
        return False
    year = int(token.text)
    return 1950 <= year < (published.year if published else date.today().year)
