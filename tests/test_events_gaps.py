"""Fourth pass of the event coder: verb phrases split by their subject, derived
defective verbs, dual anaphors, definite-only dictionary words, quoted names.

Every sentence is our own, written for the rule it exercises.
"""

from __future__ import annotations

from datetime import date

from pipeline.events import code_article
from pipeline.events.actors import find_actors
from pipeline.events.lexicon import PhraseIndex, tokenize
from pipeline.records import Event

PUBLISHED = date(2021, 6, 9)


def coded(text: str) -> list[Event]:
    return code_article(text, published=PUBLISHED)


def codes(events: list[Event]) -> set[tuple[str, str | None, str | None]]:
    return {(e.event_code, e.source.code, e.target.code) for e in events}


# --- gapped verb phrases ---------------------------------------------------------


def test_subject_between_the_words_of_a_verb_phrase():
    events = coded("أطلق مسلحون مجهولون النار على دورية للشرطة في الموصل صباح اليوم.")
    assert ("193", "UAF", "COP") in codes(events)


def test_subject_inside_an_arrest_phrase_is_the_source():
    events = coded("ألقت الشرطة العراقية القبض على خمسة مسلحين في كركوك أمس.")
    assert ("173", "IRQCOP", "UAF") in codes(events)


def test_crowd_between_going_out_and_the_demonstration():
    events = coded("خرج آلاف الطلاب في مظاهرة حاشدة وسط الخرطوم أمس.")
    assert [e.root_code for e in events] == ["14"]
    assert events[0].source.code == "EDU"


def test_suicide_bomber_between_the_verb_and_himself():
    events = coded("فجر انتحاري نفسه في سوق شعبي بمدينة بعقوبة مساء أمس.")
    assert "1831" in {e.event_code for e in events}


def test_gap_is_short_and_stops_at_a_clause_break():
    # Four words between the parts: too far to be one phrase.
    index: PhraseIndex[str] = PhraseIndex(verbal=True, max_gap=3)
    index.add("أطلق النار", "193", verb=True)
    assert index.find_all(tokenize("أطلق رجال الأمن الليلة الماضية النار")) == []
    matches = index.find_all(tokenize("أطلق رجال الأمن النار"))
    assert [(m.start, m.end, m.tail) for m in matches] == [(0, 1, (3, 4))]
    # A comma or a clause break ends the gap: the rest belongs to another clause.
    stops: PhraseIndex[str] = PhraseIndex(verbal=True, max_gap=3,
                                          gap_stops=frozenset({"حين"}))
    stops.add("أطلق النار", "193", verb=True)
    assert stops.find_all(tokenize("أطلق الجنود، النار")) == []
    assert stops.find_all(tokenize("أطلق حين النار")) == []


def test_noun_phrases_are_never_split():
    index: PhraseIndex[str] = PhraseIndex(verbal=True, max_gap=3)
    index.add("إطلاق النار", "193")
    assert index.find_all(tokenize("إطلاق كثيف النار")) == []


def test_a_verb_in_the_gap_ends_it():
    # "قتل" is a verb of the dictionary: the words after it are its own.
    events = coded("أطلق مسلح قتل شرطيا النار على المارة في السوق أمس.")
    assert "193" not in {e.event_code for e in events}


def test_actor_on_the_matched_words_still_blocks_the_phrase():
    index: PhraseIndex[str] = PhraseIndex(verbal=True, max_gap=3)
    index.add("نشر قوات", "153", verb=True)
    [match] = index.find_all(tokenize("نشر الجيش المصري قوات إضافية"))
    assert match.tail == (3, 4)
    assert not match.covers(1, 3)  # the subject in the gap does not block the phrase
    assert match.covers(3, 5)  # an actor on the tail (قوات إضافية) does
    assert "153" not in {e.event_code for e in coded("نشر الجيش المصري قوات إضافية في سيناء.")}


# --- verbs whose first letters look like the article; defective verbs ------------


def test_derived_defective_verbs_with_a_suffix():
    events = coded("واعتدت قوة من الشرطة على المصلين داخل المسجد في تلعفر مساء الخميس.")
    assert ("180", "COP", "CVL") in codes(events)


def test_feminine_meeting_verb_that_starts_like_the_article():
    events = coded("التقت وزيرة الخارجية الأميركية الرئيس المصري في القاهرة.")
    assert ("040", "USAGOV", "EGYGOV") in codes(events)


def test_verbal_noun_after_the_article_is_still_a_noun():
    events = coded("وأدانت الحكومة الفرنسية القتل في بيان.")
    assert not [e for e in events if e.root_code == "19"]


# --- dual anaphors ---------------------------------------------------------------


def test_the_two_sides_are_the_last_two_actors():
    events = coded("استقبل الرئيس المصري وزير الخارجية الروسي في القاهرة أمس. "
                   "واتفق الجانبان على تحسين التنسيق.")
    second = [e for e in events if e.sentence_idx == 1]
    assert {(e.source.code, e.target.code) for e in second} == {
        ("EGYGOV", "RUSGOV"), ("RUSGOV", "EGYGOV")}
    assert all(e.event_code == "032" for e in second)


def test_the_two_countries_are_the_last_two_countries():
    events = coded("زار وزير الدفاع التركي موسكو أمس. "
                   "وأدان البلدين الهجوم على السفارة.")
    condemners = {e.source.code for e in events if e.event_code == "111"}
    assert condemners == {"TUR", "RUS"}


def test_a_dual_anaphor_without_two_actors_stays_unresolved():
    assert not coded("واتفق الجانبان على تحسين التنسيق.")


def test_a_side_is_not_a_dual():
    tokens = tokenize("وقف إلى جانب الحكومة")
    assert all(m.kind != "pair" for m in find_actors(tokens, "وقف إلى جانب الحكومة"))


# --- definite-only dictionary words and quoted names ----------------------------


def test_definite_only_words_match_the_definite_word():
    text = "أعلن تنظيم القاعدة مسؤوليته عن الهجوم."
    assert "IMGREBALQ" in {m.code for m in find_actors(tokenize(text), text)}
    base = "نقل الجنود إلى قاعدة العند الجوية."
    assert all(m.code != "IMGREBALQ" for m in find_actors(tokenize(base), base))


def test_a_quoted_name_does_not_open_the_reported_clause():
    events = coded("وأعلنت حركة «حماس» أنها أطلقت صواريخ على مستوطنة سديروت صباح اليوم.")
    rockets = [e for e in events if e.event_code == "194"]
    assert rockets and rockets[0].source.code == "PSEREBHMS"
    assert rockets[0].quoted_by == "PSEREBHMS"


# --- chants show a crowd -----------------------------------------------------------


def test_a_gathering_with_chants_is_a_protest():
    events = coded("تجمع مئات من أنصار المرشح في ساحة البلدة مساء أمس مرددين هتافات غاضبة.")
    assert "14" in {e.root_code for e in events}


def test_a_gathering_without_protesters_or_chants_is_not():
    assert not coded("تجمع مئات من أنصار المرشح في ساحة البلدة مساء أمس.")


def test_chants_alone_are_not_their_own_crowd():
    assert not coded("وارتفعت الهتافات في الملعب مساء أمس.")


def test_concerns_is_not_an_accusation():
    # تهم: "concerns" (and "charges"); only after a person prefix is it اتهم.
    assert not [e for e in coded("بحث الوزيران الملفات التي تهم مصر والسعودية.")
                if e.event_code == "112"]
    assert [e for e in coded("وتتهم الحكومة السورية المعارضة بخرق الهدنة.")
            if e.event_code == "112"]


def test_between_the_two_countries_names_a_relation():
    events = coded("زار وزير الدفاع التركي موسكو أمس. "
                   "وأشاد الوزير بالعلاقات المتنامية بين البلدين.")
    assert all("pair" not in " ".join(e.matched) for e in events)
