"""Twelfth pass of the event coder (issue 7): actor dictionary gaps and misreadings.

Volunteers, guards and recruits are actors; a nationality noun names its
country's people in the singular and the dual too; a nisba adjective of an
agent noun (``الرئيسي``, "main") names no one; a city after a building noun
is a place's name; a doubled support verb (``شنت``) gives its event noun a
source; what a pluperfect verb of saying reported is a recap. Every sentence
is our own, written for the rule it exercises; each rule is paired with a
sentence that must keep its old coding.
"""

from __future__ import annotations

from datetime import date

from tests.event_readers import pairs, readers

PUBLISHED = date(2008, 3, 14)
coded, violent, protests = readers(PUBLISHED)


# --- victims the dictionary did not code ---------------------------------------------


def test_volunteers_in_an_army_are_that_army():
    events = violent("قتل عشرون متطوعا في الجيش العراقي في تفجير انتحاري صباح أمس.")
    assert "IRQMIL" in {e.target.code for e in events}


def test_volunteers_for_an_army_are_that_army():
    events = violent("قتل عشرة من المتطوعين للجيش العراقي في تفجير قرب بعقوبة أمس.")
    assert [e.target.text for e in events if e.target.code == "IRQMIL"] == [
        "المتطوعين للجيش العراقي"]


def test_volunteers_alone_are_civilians():
    events = violent("خطف مسلحون خمسة متطوعين في قرية قرب المدينة أمس.")
    assert pairs(events) == {("UAF", "CVL")}


def test_guards_are_coded():
    events = violent("قتل ثلاثة حراس في هجوم على مصرف في المدينة أمس.")
    assert "MIL" in {e.target.code for e in events}


def test_a_nationality_noun_in_the_singular_is_a_person_of_that_country():
    events = violent("خطف مسلحون مجهولون أميركيا في البصرة أمس.")
    assert pairs(events) == {("UAF", "USA")}


def test_a_counted_nationality_noun_is_the_victims():
    events = violent("قتل 15 فلسطينيا في قصف على المخيم أمس.")
    assert "PSE" in {e.target.code for e in events}


def test_a_nationality_noun_in_the_dual_is_two_persons_of_that_country():
    events = violent("قتل عراقيان في انفجار عبوة ناسفة في السوق أمس.")
    assert "IRQ" in {e.target.code for e in events}


def test_a_nationality_adjective_after_its_noun_still_qualifies_it():
    # دعما أميركيا: American support, not an American person.
    events = coded("قدم الوزير دعما أميركيا جديدا للجيش أمس.")
    assert "USA" not in {e.target.code for e in events} | {e.source.code for e in events}


def test_a_subject_and_its_object_do_not_merge_across_case():
    # مسلحون ... بريطانيين: the gunmen kidnapped Britons; they are not British gunmen.
    events = violent("خطف مسلحون ثلاثة بريطانيين في البصرة أمس.")
    assert pairs(events) == {("UAF", "GBR")}


def test_an_agent_and_its_agreeing_adjective_still_merge():
    events = violent("قتل مسلحون ستة جنود أميركيين في كمين أمس.")
    assert pairs(events) == {("UAF", "USAMIL")}


# --- misreadings ---------------------------------------------------------------------


def test_main_is_not_the_presidency():
    events = violent("هاجم مسلحون الحاجز الرئيسي عند مدخل المدينة صباح أمس.")
    assert events and "GOV" not in {e.target.code for e in events}


def test_the_president_is_still_the_government():
    events = coded("انتقد الرئيس الحكومة أمس.")
    assert "GOV" in {e.source.code for e in events}


def test_two_ministers_in_construct_are_still_the_government():
    events = coded("فرضت واشنطن عقوبات على وزيري العدل والداخلية أمس.")
    assert ("USAGOV", "GOV") in pairs(events)


def test_a_capital_in_a_building_name_is_not_the_government():
    events = violent("هاجم مسلحون قلعة القاهرة صباح أمس.")
    assert events and "EGYGOV" not in {e.target.code for e in events}


def test_a_capital_as_subject_is_still_the_government():
    events = coded("انتقدت القاهرة المعارضة بشدة أمس.")
    assert ("EGYGOV", "OPP") in pairs(events)


# --- a doubled support verb ------------------------------------------------------------


def test_a_doubled_support_verb_gives_the_event_noun_its_subject():
    events = violent("شنت الطائرات الأمريكية غارات على مواقع المسلحين أمس.")
    assert ("USAMIL", "UAF") in pairs(events)


def test_a_support_verb_that_was_already_read_keeps_its_subject():
    events = violent("نفذت الطائرات الأمريكية غارات على مواقع المسلحين أمس.")
    assert ("USAMIL", "UAF") in pairs(events)


def test_a_doubled_verb_in_the_present_and_plural_is_read():
    events = violent("وقال الشهود إن المسلحين شنوا هجوما على الحاجز أمس.")
    assert "UAF" in {e.source.code for e in events}


# --- a pluperfect report is a recap ----------------------------------------------------


def test_what_a_pluperfect_verb_of_saying_reported_is_a_recap():
    assert not violent("وكان مسؤولون قد أكدوا أن مسلحين هاجموا دورية للشرطة قرب المدينة أمس.")


def test_what_a_plain_verb_of_saying_reports_is_still_coded():
    assert pairs(violent("وأكد مسؤولون أن مسلحين هاجموا دورية للشرطة قرب المدينة أمس.")) == {
        ("UAF", "COP")}


# --- an actor after على and a noun is the object ----------------------------------------


def test_an_actor_after_ala_and_a_noun_is_the_object():
    events = violent("شنت الطائرات أمس غارات على مواقع المتمردين قرب المدينة.")
    assert events and {e.target.code for e in events} == {"REB"}
    assert "REB" not in {e.source.code for e in events}


def test_a_subject_after_the_verb_is_still_the_source():
    events = violent("هاجم المسلحون مواقع الجيش قرب المدينة أمس.")
    assert ("UAF", "MIL") in pairs(events)
