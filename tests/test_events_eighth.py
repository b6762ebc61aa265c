"""Eighth pass of the event coder (issue 7): precision, through constructions
of Arabic news that talk about violence and protests without reporting them.

Every sentence is our own, written for the rule it exercises; each rule is
paired with a plain report that must still be coded.
"""

from __future__ import annotations

from datetime import date

from pipeline.events import code_article
from tests.event_readers import readers

PUBLISHED = date(2008, 3, 14)
coded, violent, protests = readers(PUBLISHED)


# --- a protest told second-hand is not a protest report --------------------------------


def test_a_protest_a_witness_reports_is_not_coded():
    assert protests("وأكد شهود أن مئات المتظاهرين خرجوا أمس في مظاهرة وسط العاصمة.") == []


def test_a_protest_after_a_complementizer_without_a_speaker_is_not_coded():
    assert protests("واللافت أن مئات المتظاهرين خرجوا أمس في مظاهرة وسط العاصمة.") == []


def test_the_same_protest_reported_by_the_newspaper_is_coded():
    events = protests("وخرج مئات المتظاهرين أمس في مظاهرة وسط العاصمة.")
    assert events and all(e.source.code == "CVL" for e in events)


def test_a_denied_protest_is_still_coded_as_negated():
    events = code_article("ونفى المتحدث أن يكون مئات المتظاهرين خرجوا أمس في مظاهرة وسط العاصمة.",
                          published=PUBLISHED)
    assert [e.negated for e in events if e.root_code == "14"] == [True]


def test_a_protest_given_as_a_cause_is_still_coded():
    assert protests("وأغلقت المتاجر أمس لأن آلاف المتظاهرين خرجوا في مظاهرة وسط العاصمة.")


def test_an_attack_in_reported_speech_is_still_coded():
    events = violent("وقال مسؤولون إن مسلحين أطلقوا النار على الجنود عند الحاجز أمس.")
    assert [(e.source.code, e.target.code) for e in events] == [("UAF", "MIL")]


# --- violence in the present, told second-hand, is a habit or a purpose ---------------


def test_what_residents_say_gunmen_do_every_night_is_not_an_incident():
    assert violent("ويقول السكان إن عشرات المسلحين يهاجمون مواقع الجيش في شمال المدينة "
                   "كل ليلة.") == []


def test_what_residents_say_gunmen_did_yesterday_is_an_incident():
    assert violent("وقال السكان إن مسلحي الحركة استهدفوا الجنود في وسط المدينة أمس.")


# --- what did not take place -----------------------------------------------------------


def test_a_negator_before_a_noun_of_occurrence_negates_the_event():
    events = code_article("وأكدت الشرطة عدم وقوع اشتباكات بين المتظاهرين وقوات الأمن في العاصمة "
                          "أمس.", published=PUBLISHED)
    clashes = [e for e in events if e.event_code == "193"]
    assert clashes and all(e.negated for e in clashes)


def test_clashes_that_took_place_are_not_negated():
    assert violent("ووقعت اشتباكات بين المتظاهرين وقوات الأمن في العاصمة أمس.")


def test_an_attack_in_case_of_a_condition_is_not_coded():
    assert violent("وتستعد القوات للرد في حال قصف المسلحون مواقعها قرب الحدود.") == []


def test_cases_of_suffocation_and_a_victims_condition_are_not_conditions():
    assert violent("وأصيب ثلاثون متظاهرا بحالات اختناق في ساحة المدينة أمس.")
    assert violent("وقتل ثلاثة جنود في انفجار لغم قرب الحدود أمس وحالة جندي رابع خطيرة.")
    assert violent("وقتل ثلاثة جنود في انفجار لغم قرب الحدود في الأسبوع الثاني من الشهر "
                   "الحالي.")


def test_the_shelling_that_took_place_is_coded():
    events = violent("وقصف المسلحون مواقع الجيش قرب الحدود صباح أمس.")
    assert [(e.event_code, e.source.code, e.target.code) for e in events] == [
        ("194", "UAF", "MIL")]


# --- history, memories and comments ---------------------------------------------------


def test_a_bombing_last_year_is_background():
    assert violent("وقتل عشرون شخصا في انفجار سيارة مفخخة في سوق المدينة العام الماضي.") == []


def test_a_bombing_over_the_past_years_is_background():
    assert violent("وقتل مئات الجنود في هجمات المتمردين خلال السنوات الثلاث الماضية.") == []


def test_the_same_bombing_yesterday_is_reported():
    assert violent("وقتل عشرون شخصا في انفجار سيارة مفخخة في سوق المدينة أمس.")


def test_a_killing_residents_remember_is_not_reported():
    assert violent("ويتذكر الأهالي كيف قتل مسلحون ثلاثة صيادين قرب الشاطئ صباح يوم الأحد.") == []


def test_the_killing_told_as_news_is_reported():
    events = violent("وقتل مسلحون ثلاثة صيادين قرب الشاطئ صباح يوم الأحد.")
    assert [(e.source.code, e.target.code) for e in events] == [("UAF", "CVL")]


def test_a_killing_commented_on_is_the_topic_of_the_comment():
    assert violent("وقال الوزير تعليقا على مقتل ثلاثة جنود في انفجار لغم قرب الحدود أمس إن "
                   "الحكومة لن تتراجع.") == []


def test_a_body_that_suspended_its_work_does_not_comment_on_the_protest():
    assert protests("وتجمع مئات المتظاهرين أمام مبنى البلدية التي علقت أعمالها أمس احتجاجا "
                    "على الغلاء.")


# --- a blow to someone -----------------------------------------------------------------


def test_a_blow_to_the_government_is_a_figure_of_speech():
    assert violent("ووجهت المعارضة أمس ضربة موجعة للحكومة في البرلمان بالعاصمة.") == []


def test_a_strike_on_positions_is_an_attack():
    events = violent("ووجهت الطائرات أمس ضربة موجعة على مواقع المتمردين في العاصمة.")
    assert [(e.event_code, e.source.code, e.target.code) for e in events] == [
        ("195", "MIL", "REB")]


def test_strikes_on_positions_with_a_dative_are_an_attack():
    events = violent("ووجهت القوات ضربات لمواقع المسلحين قرب الحدود أمس.")
    assert [e.event_code for e in events] == ["195"]
