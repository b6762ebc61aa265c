"""Eleventh pass of the event coder (issue 7): who did it to whom.

A place that a violent act is aimed at is its target, coded as the place's
country; a protest that demands a resignation or declares its rejection of
something is addressed to whoever it names. Every sentence is our own,
written for the rule it exercises; each rule is paired with a sentence that
must keep its old coding.
"""

from __future__ import annotations

from datetime import date

from tests.event_readers import pairs, readers

PUBLISHED = date(2008, 3, 14)
coded, violent, protests = readers(PUBLISHED)


# --- a place as the object of an attack -------------------------------------------


def test_a_shelled_city_is_the_target_as_its_country():
    events = violent("قصف الجيش الإسرائيلي غزة مساء الثلاثاء.")
    assert pairs(events) == {("ISRMIL", "PSE")}
    assert events[0].target.text == "غزة"


def test_a_place_after_towards_is_the_target():
    events = violent("أطلق مسلحون صواريخ باتجاه مدينة سديروت مساء الثلاثاء.")
    assert pairs(events) == {("UAF", "ISR")}


def test_a_place_after_ala_is_the_target():
    events = violent("شن الطيران غارات على الموصل فجر الأحد.")
    assert {e.target.code for e in events} == {"IRQ"}


def test_a_nisba_adjective_after_the_attack_is_not_its_target():
    # The gazetteer reads the country in its adjective; the target is the place after على.
    events = violent("قتل فلسطيني في قصف إسرائيلي على شمال غزة أمس.")
    assert events and {e.target.code for e in events} <= {"PSE", "PSECVL"}
    assert "ISR" not in {e.target.code for e in events}


def test_a_place_after_fi_is_only_where_it_happened():
    events = violent("قتل ثلاثة جنود في انفجار عبوة ناسفة في بعقوبة مساء الثلاثاء.")
    assert events
    assert {e.target.code for e in events} <= {"MIL", None}
    assert {e.location.country for e in events} == {"IRQ"}


def test_an_actor_target_is_not_replaced_by_the_place_after_it():
    events = violent("هاجم مسلحون دورية للشرطة قرب كركوك أمس.")
    assert pairs(events) == {("UAF", "COP")}


def test_victims_in_a_known_place_keep_no_country():
    # Annotators code the victims of a bombing in a city without its country.
    events = violent("أصيب خمسة أشخاص بجروح في هجوم على سوق في كركوك أمس.")
    assert {e.target.code for e in events} == {"CVL"}


# --- whom a protest addresses: resignation and rejection ---------------------------


def test_a_protest_demanding_a_resignation_addresses_who_should_resign():
    events = protests("تظاهر آلاف الطلاب أمس في وسط المدينة مطالبين باستقالة الحكومة.")
    assert pairs(events) == {("EDU", "GOV")}


def test_a_protest_declaring_its_rejection_addresses_what_it_rejects():
    events = protests("تجمع مئات المحتجين أمس في ساحة المدينة معلنين رفضهم لقرار البرلمان.")
    assert ("CVL", "LEG") in pairs(events)


def test_a_protest_naming_no_one_to_oppose_keeps_no_target():
    events = protests("تظاهر مئات الطلاب أمس في ساحة الجامعة احتفالا بالعيد الوطني.")
    assert events and {e.target.code for e in events} == {None}
