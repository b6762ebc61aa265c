"""Seventh pass of the event coder (issue 7): whom an event is done to, and
the sectors and countries of its actors.

Every sentence is our own, written for the rule it exercises.
"""

from __future__ import annotations

from datetime import date

from tests.event_readers import readers, targets

PUBLISHED = date(2008, 3, 14)
coded, violent, protests = readers(PUBLISHED)


# --- an actor after على or ضد is the object, never the subject ----------------------


def test_an_actor_after_ala_is_the_target_of_a_verb_without_a_subject():
    events = violent("وفي المساء أطلقت مجموعة من الملثمين النار على الجنود قرب الحاجز.")
    assert events and all(e.target.code == "MIL" for e in events)
    assert all(e.source.code != "MIL" for e in events)


def test_a_prepositional_object_before_the_subject_stays_the_target():
    events = violent("واعتدى على المتظاهرين رجال الشرطة بالهراوات أمس.")
    assert [(e.source.code, e.target.code) for e in events] == [("COP", "CVL")]


def test_an_actor_after_the_verb_without_a_preposition_is_still_its_subject():
    events = violent("وهاجمت الشرطة الليلة الماضية مخزنا للأسلحة في ضواحي المدينة.")
    assert events and all(e.source.code == "COP" for e in events)


# --- casualties: a partitive and a bare count of persons -----------------------------


def test_casualties_of_a_group_are_the_group_after_min():
    events = violent("وأعلن مصدر طبي مقتل أربعة من عناصر الشرطة في انفجار عبوة ناسفة أمس.")
    assert "COP" in targets(events)


def test_a_count_of_persons_names_no_actor():
    events = violent("وقتل 23 شخصا وأصيب عشرات آخرون في انفجار سيارة مفخخة بسوق المدينة أمس.")
    assert events and targets(events) == {None}


def test_a_plural_of_persons_is_civilians():
    events = violent("وأدى انفجار سيارة مفخخة أمس إلى مقتل خمسة أشخاص في سوق الخضار.")
    assert "CVL" in targets(events)


def test_fighters_of_a_named_group_are_that_group():
    events = violent("وقال الجيش إن قواته قتلت ستة مسلحين من حركة طالبان في كمين أمس.")
    assert "AFGREBTAL" in targets(events)


# --- what a protest is against -------------------------------------------------------


def test_a_protest_is_against_the_actor_after_did():
    events = protests("وتظاهر مئات الطلاب أمس في وسط المدينة ورفعوا شعارات ضد الحكومة.")
    assert "GOV" in targets(events)


def test_a_protest_is_against_the_actor_after_a_hostile_adjective():
    events = protests("وتجمع آلاف المتظاهرين في الساحة الكبرى مرددين هتافات مناهضة لحركة حماس.")
    assert "PSEREBHMS" in targets(events)


def test_a_protest_is_against_the_actor_whose_removal_it_demands():
    text = "واعتصم مئات العمال أمام المصنع أمس للمطالبة بإقالة وزير الصناعة المصري."
    assert "EGYGOV" in targets(protests(text))


def test_civilians_after_a_hostile_word_are_not_the_protest_target():
    events = protests("وتجمع المتظاهرون أمس في الساحة للتنديد بمقتل المدنيين في القصف الأخير.")
    assert events and "CVL" not in targets(events)


def test_a_protest_before_a_building_addresses_the_institution_inside():
    events = protests("وتظاهر مئات الطلاب أمس أمام مبنى المحكمة في وسط العاصمة.")
    assert events and targets(events) == {"JUD"}
    assert all(e.source.code == "EDU" for e in events)


# --- countries and sectors of the actors ---------------------------------------------


def test_an_agent_followed_by_a_capital_takes_its_country():
    events = violent("واغتال مسلحون مجهولون أمس أحد أساتذة جامعة بغداد.")
    assert "IRQEDU" in targets(events)


def test_a_police_officer_is_police_not_military():
    events = violent("واغتال مسلحون مجهولون ضابطا في الشرطة أثناء خروجه من منزله أمس.")
    assert "COP" in targets(events)


def test_a_province_after_in_is_a_place_not_a_governor():
    events = violent("وقتل جندي أمريكي أمس في انفجار عبوة ناسفة بمحافظة ديالى.")
    assert events and "GOV" not in {e.target.code for e in events} | {
        e.source.code for e in events}


def test_the_governor_himself_is_still_an_actor():
    assert "GOV" in targets(violent("واغتال مسلحون مجهولون محافظ المدينة صباح أمس."))


def test_awakening_councils_are_an_armed_group_of_iraq():
    events = violent("وأعلنت الشرطة مقتل ثلاثة من عناصر مجالس الصحوة في هجوم صباح أمس.")
    assert "IRQUAF" in targets(events)


def test_a_group_near_whose_office_a_bomb_explodes_is_a_place():
    events = violent("وانفجرت سيارة مفخخة أمس قرب مقر حركة حماس في وسط المدينة.")
    assert all(e.source.code != "PSEREBHMS" for e in events)


def test_a_member_of_a_group_is_not_placed_in_it():
    events = violent("وقتل مسلحون أمس عضوا في حركة فتح في كمين قرب المدينة.")
    assert "PSEGOVFTA" in targets(events)


def test_a_capital_starting_with_ba_is_not_read_as_in():
    events = violent("واغتال مسلحون مجهولون أمس أحد ضباط شرطة بيروت.")
    assert "LBNCOP" in targets(events)


def test_a_consul_is_government():
    events = violent("وخطف مسلحون مجهولون أمس القنصل المصري في المدينة وقتلوا سائقه.")
    assert any(e.target.code == "EGYGOV" for e in events)


def test_a_country_whose_name_starts_with_ba_can_act():
    events = coded("واتهمت باكستان الهند أمس بقصف قرى حدودية في إقليم كشمير.")
    assert any(e.source.code == "PAK" and e.target.code == "IND" for e in events)


def test_an_actor_after_another_event_word_is_not_the_victim_of_a_passive():
    events = violent("وقتل أمس 15 شخصا خلال هجوم المتمردين على القرية الحدودية.")
    assert all(e.target.code != "REB" for e in events if e.event_code == "190")


def test_a_protest_in_front_of_a_building_addresses_the_institution():
    events = protests("وخرج الآلاف أمس في مظاهرة سلمية أمام مبنى المحافظة في البصرة.")
    assert "GOV" in targets(events)
