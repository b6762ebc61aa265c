"""Thirteenth pass of the event coder (issue 7): the victim read as the attacker.

An accused actor with no subject before it is accused, not accusing; the
actors of the charge (``بقتل ...``) are not the accusation's; an actor after
``لل`` owns what was attacked; a verb passive in form (``أصيب``) has no
subject; a counted group right after a casualty verb is its victim, and a
group of another sector named "among" it is the specific victim. Every
sentence is our own, written for the rule it exercises; each rule is paired
with a sentence that must keep its old coding.
"""

from __future__ import annotations

from datetime import date

from tests.event_readers import pairs, readers, sources

PUBLISHED = date(2009, 5, 20)
coded, violent, protests = readers(PUBLISHED)


# --- accusations ----------------------------------------------------------------------


def test_an_accused_army_without_an_accuser_is_not_the_source():
    events = coded("اتهم الجيش بقتل خمسة مدنيين في القرية بعد اعتقالهم.")
    assert "MIL" not in sources(events)


def test_an_accuser_named_before_the_verb_still_accuses():
    events = coded("الحكومة اتهمت الجيش بقتل خمسة مدنيين في القرية.")
    assert ("GOV", "MIL") in pairs(events)


def test_the_victims_of_the_charge_are_not_the_accused():
    events = coded("اتهمت منظمة العفو الجيش بقتل المدنيين في الجنوب.")
    assert ("MIL", "CVL") not in pairs(events)


def test_an_accuser_after_an_object_pronoun_accuses():
    events = coded("تتهمه الحكومة بالتحريض على العنف في الشمال.")
    assert "GOV" in sources(events)


def test_a_name_after_a_title_beginning_with_ba_is_not_the_charge():
    events = coded("اتهم وزير الخارجية البريطاني بول سميث إيران بتهريب الأسلحة.")
    assert pairs(events) == {("GBRGOV", "IRN")}


# --- the owner of what was attacked -----------------------------------------------------


def test_an_armed_group_attacking_an_army_bus_is_the_source():
    events = violent("هاجمت مجموعة مسلحة حافلة للجيش قرب الحدود.")
    assert pairs(events) == {("UAF", "MIL")}


def test_the_owner_of_an_attacked_place_is_the_target():
    events = violent("استهدفت الغارات مخازن للمتمردين قرب الحدود.")
    assert "REB" in {e.target.code for e in events}
    assert "REB" not in sources(events)


def test_an_actor_right_after_an_active_verb_stays_its_subject():
    events = violent("هاجم المسلحون القرية ليلا.")
    assert sources(events) == {"UAF"}


# --- casualties --------------------------------------------------------------------------


def test_the_wounded_after_the_dead_are_not_their_victims():
    events = violent("وقتل شرطيان وأصيب أربعة مدنيين في الانفجار.")
    assert ("COP", "CVL") not in pairs(events)
    assert (None, "CVL") in pairs(events)


def test_the_wounded_by_the_fire_of_an_armed_group_keep_their_attacker():
    events = violent("أصيب خمسة جنود برصاص المسلحين في الكمين.")
    assert ("UAF", "MIL") in pairs(events)


def test_a_counted_group_of_dead_is_no_killer_of_the_next():
    events = violent("قتل 14 شرطيا و5 مسلحين في اشتباك عند الحاجز.")
    assert ("COP", "UAF") not in pairs(events)
    assert "COP" in {e.target.code for e in events}


def test_an_army_killing_a_counted_group_stays_the_source():
    events = violent("قتل الجيش 14 مسلحا في اشتباك عند الحاجز.")
    assert pairs(events) == {("MIL", "UAF")}


def test_victims_of_another_sector_among_a_count_are_the_target():
    events = violent("أصيب عشرة أشخاص بينهم ثلاثة صحافيين في الانفجار.")
    assert pairs(events) == {(None, "MED")}


def test_victims_of_the_same_sector_among_a_count_keep_the_group():
    events = violent("قتل أربعة مدنيين سوريين بينهم طفل في القصف.")
    assert pairs(events) == {(None, "SYRCVL")}


def test_the_dead_before_killed_and_wounded_is_a_victim():
    events = violent("وقال المتحدث إن طبيبا قتل وأصيب ثلاثة أشخاص في انفجار عبوة.")
    assert {e.target.code for e in events} >= {"HLH", "CVL"}
    assert sources(events) == {None}


def test_armed_men_who_killed_and_kidnapped_stay_the_source():
    events = violent("المسلحون قتلوا وخطفوا عشرة أشخاص.")
    assert ("UAF", "CVL") in pairs(events)
