"""Reports of an incident versus talk about violence (issue 7, second pass).

Each sentence is our own, written for one rule of ``pipeline/events/specificity.py``
or of the readings in ``coder.py``/``arguments.py``: a violent or protest word
is coded only when the sentence reports that it happened.
"""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.events import code_article
from pipeline.records import Event
from tests.event_readers import PROTEST, readers

PUBLISHED = date(2020, 3, 4)
_, violent, _ = readers(PUBLISHED)


def protests(text: str) -> list[Event]:
    """Protest events, negated ones included (unlike the shared reader)."""
    return [e for e in code_article(text, published=PUBLISHED) if e.root_code == PROTEST]


# --- the incident is background to other news ----------------------------------------


@pytest.mark.parametrize("text", [
    # the cause or time of the news: إثر, غداة, بعد أن
    "شددت الشرطة إجراءاتها في المدينة أمس إثر مقتل ثلاثة جنود.",
    "وصل وزير الداخلية إلى كابول أمس غداة الهجوم الانتحاري الذي أسفر عن مقتل عشرة أشخاص.",
    "أغلقت السلطات الحدود أمس بعد أن خطف مسلحون خمسة عمال.",
    # the object of a word of talk: condemning, accusing
    "أدانت الحكومة الفرنسية أمس الهجوم الانتحاري في بغداد.",
    # a relative clause that describes a person, not news
    "وكرم الرئيس أمس الصحافي الذي اختطف في بغداد.",
    # a pluperfect recap
    "وكان مسلحون مجهولون قد خطفوا المهندس في بغداد.",
    # a comparison of incidents
    "وهذا ثالث هجوم انتحاري تشهده المدينة.",
])
def test_background_violence_is_not_coded(text):
    assert violent(text) == []


def test_the_condemnation_itself_is_coded():
    events = code_article("أدانت الحكومة الفرنسية أمس الهجوم الانتحاري في بغداد.",
                          published=PUBLISHED)
    assert any(e.event_code == "111" and e.source.code == "FRAGOV" for e in events)


def test_the_toll_of_a_background_attack_is_background_too():
    text = "عاد السفير إلى بلاده عقب هجوم شنه مسلحون على السفارة وأسفر عن مقتل حارسين."
    assert violent(text) == []


def test_a_reported_toll_is_coded():
    events = violent("قتل ثلاثة جنود في هجوم شنه مسلحون على حاجز للجيش قرب الموصل أمس.")
    assert events


# --- talk about violence ----------------------------------------------------------


@pytest.mark.parametrize("text", [
    "هل قصف الجيش المدينة أمس؟",  # a question
    "تخطف العصابات المسافرين على الطريق الصحراوي.",  # a habit, in the present
    "ومن المقرر أن يتظاهر الطلاب أمام الوزارة غدا.",  # a plan
    "وأجرى الجيش مناورات أمس تحسبا لأي هجوم على الحدود.",  # any attack: generic
])
def test_questions_habits_and_plans_are_not_coded(text):
    assert violent(text) == [] and protests(text) == []


def test_a_negated_verb_after_lam_is_past_not_a_habit():
    (event,) = [e for e in code_article("لم تقصف الطائرات الروسية المدينة أمس.",
                                        published=PUBLISHED) if e.root_code == "19"]
    assert event.negated


# --- support verbs, verb forms, agents --------------------------------------------


def test_support_verb_makes_the_verbal_noun_a_report():
    events = violent("وقامت طائرات حربية أميركية بقصف مواقع المسلحين في الموصل أمس.")
    assert any(e.root_code == "19" and (e.source.code or "").startswith("USA") for e in events)


def test_fired_rockets_with_words_between_are_a_report():
    events = violent("وأطلقت حركة حماس عشرات الصواريخ على البلدات الإسرائيلية أمس.")
    assert any(e.event_code == "194" for e in events)


def test_an_attack_that_took_place_is_a_report():
    # وقع "took place": its و is a root letter, not the conjunction.
    events = violent("ووقع الهجوم فجر أمس على حاجز للشرطة في بلدة قرب بغداد.")
    assert any(e.root_code == "19" for e in events)


def test_form_eight_verbs_in_the_present_are_matched():
    # يعتصم -> اعتصم: the imperfect drops the alef of form VIII verbs.
    events = protests("ويعتصم مئات العمال أمام وزارة العمل في القاهرة منذ الصباح.")
    assert any(e.event_code == "1412" for e in events)


def test_agent_after_by_the_fire_of():
    (event,) = violent("وقتل شرطي برصاص مسلحين مجهولين في بغداد أمس.")
    assert (event.source.code, event.target.code) == ("UAF", "COP")


def test_civilians_before_a_passive_verb_are_its_victims():
    events = violent("ستة مدنيين قتلوا أمس قرب مواقع الجيش السوري في حلب.")
    assert events and not any(e.source.code == "CVL" for e in events)
    assert any(e.target.code == "CVL" for e in events)
