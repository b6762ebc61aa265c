"""Sixth pass of the event coder (issue 7): تبنى claims responsibility only
for an attack; who acts in a mostly-passive verb with an object of its own;
whom a protest addresses; protesters counted in the singular.

Every sentence is our own, written for the rule it exercises.
"""

from __future__ import annotations

from datetime import date

from pipeline.events import code_article
from pipeline.records import Event
from tests.event_readers import readers

PUBLISHED = date(2021, 3, 14)
coded, violent, protests = readers(PUBLISHED)


def codes(text: str) -> set[str]:
    return {e.event_code for e in coded(text)}


# --- تبنى: claiming an attack, or adopting a law ------------------------------------


def test_adopting_a_law_is_not_a_claim_of_responsibility():
    assert "015" not in codes("ويتوقع أن يتبنى البرلمان التعديل الجديد على قانون الضرائب.")
    assert "015" not in codes("وتبنت الحكومة الفرنسية خطة لإصلاح التعليم يوم الخميس.")


def test_adopting_a_view_is_not_a_claim_of_responsibility():
    assert "015" not in codes("وهو الموقف الذي يتبناه الأزهر منذ سنوات في قضايا الإصلاح.")


def test_a_claim_of_an_attack_is_coded():
    assert "015" in codes("وتبنت حركة طالبان الهجوم على القافلة في بيان نشرته مساء الأحد.")


def test_the_object_may_follow_a_long_subject():
    text = "وتبنى تنظيم الدولة الإسلامية في بيان على موقعه الإلكتروني الأحد مسؤولية التفجير."
    assert "015" in codes(text)


def test_a_pronoun_on_the_verb_refers_back_to_the_attack():
    assert "015" in codes("وشيع الأهالي ضحايا التفجير الذي تبناه تنظيم داعش في المدينة.")


def test_a_pronoun_without_an_attack_before_it_is_not_a_claim():
    assert "015" not in codes("وانتقد الوزير القانون الذي تبناه البرلمان الأسبوع الماضي.")


# --- armed men who kidnap someone act; soldiers who "were killed" do not ------------


def _one(text: str, code_prefix: str) -> Event:
    found = [e for e in coded(text) if e.event_code.startswith(code_prefix)]
    assert found, text
    return found[0]


def test_armed_men_before_a_kidnapping_verb_and_its_object_are_the_kidnappers():
    event = _one("وقالت الشرطة إن مسلحين خطفوا مهندسا أجنبيا في المدينة صباح أمس.", "181")
    assert event.source.code == "UAF"


def test_an_armed_group_before_the_verb_and_its_object_acts():
    event = _one("وقال مسؤولون إن حركة طالبان قتلت مهندسا تركيا صباح أمس في الولاية.", "19")
    assert event.source.code == "AFGREBTAL"


def test_an_object_pronoun_makes_the_verb_active():
    event = _one("وقال شهود إن الجيش قتلهم صباح أمس عند الحاجز في وسط المدينة.", "19")
    assert event.source.code == "MIL"


def test_soldiers_killed_in_an_attack_are_its_victims():
    event = _one("وقال الجيش إن ثلاثة جنود قتلوا في الهجوم على الحاجز صباح أمس.", "19")
    assert event.target.code == "MIL" and event.source.code is None


def test_a_verb_passive_in_form_is_never_active():
    text = "وقال الجيش إن عشرة جنود أصيبوا ثلاثة منهم بجروح خطيرة في الانفجار صباح أمس."
    assert all(e.source.code != "MIL" for e in violent(text))


def test_a_topicalised_object_is_not_the_agent():
    # "Soldiers, armed men kidnapped them": the pronoun on the verb is the soldiers.
    event = _one("وقال مصدر إن جنودا خطفهم مسلحون مجهولون قرب الحدود صباح أمس.", "181")
    assert (event.source.code, event.target.code) == ("UAF", "MIL")


# --- whom a protest addresses ----------------------------------------------------


def test_a_protest_in_front_of_an_embassy_addresses_its_government():
    event = _one("وتظاهر مئات الطلاب أمس أمام السفارة الأمريكية في العاصمة.", "14")
    assert event.target.code == "USAGOV"


def test_a_protest_against_a_leader_addresses_him():
    text = "وتظاهر آلاف الأشخاص في المدينة أمس احتجاجا على زيارة بوش إلى المنطقة."
    events = code_article(text, published=date(2007, 5, 1))
    assert [e.target.code for e in events if e.root_code == "14"] == ["USAGOV"]
    # Out of office, the same name is an elite of his country.
    assert {e.target.code for e in protests(text)} == {"USAELI"}


def test_a_protest_against_the_killing_of_civilians_does_not_target_them():
    text = "وتظاهر آلاف الأشخاص في المدينة أمس احتجاجا على مقتل مدنيين في القصف."
    assert all(e.target.code != "CVL" for e in protests(text))


def test_a_protester_counted_in_the_singular_is_a_civilian_source():
    event = _one("وتجمع نحو ثلاثمئة متظاهر مساء أمس في وسط العاصمة رافعين لافتات.", "14")
    assert event.source.code == "CVL"
