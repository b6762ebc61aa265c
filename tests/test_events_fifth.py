"""Fifth pass of the event coder (issue 7): chanting, relative clauses on
protesters, times of day after a subordinator, weapons named without an
attack, support verbs further away, form V defective verbs, and how the
benchmark splits web-news documents.

Every sentence is our own, written for the rule it exercises.
"""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pytest

from pipeline.events.lexicon import verbal_forms
from tests.event_readers import VIOLENT, readers

PUBLISHED = date(2019, 10, 2)
coded, violent, protests = readers(PUBLISHED)


# --- chanting corroborates a protest, it is not one --------------------------------


def test_chanting_alone_is_not_coded():
    assert protests("وردد المتظاهرون هتافات ضد الحكومة في الساحة أمس.") == []


def test_chanting_still_corroborates_a_gathering():
    assert protests("تجمع عشرات العمال أمس أمام مقر الشركة مرددين هتافات ضد الإدارة.")


# --- a protest verb in a relative clause on the protesters describes them -----------


def test_protesters_who_gathered_are_background_to_their_arrest():
    text = "اعتقلت الشرطة عشرة من المتظاهرين الذين تجمعوا أمس أمام البرلمان."
    assert protests(text) == []
    assert [e for e in coded(text) if e.event_code == "173"]


def test_the_relative_clause_may_follow_a_complement_of_the_protesters():
    text = "وفرقت الشرطة أمس مئات المتظاهرين من طلاب الجامعة، الذين تجمعوا أمام البرلمان."
    assert protests(text) == []


def test_protesters_gathering_in_the_main_clause_is_a_protest():
    assert protests("تجمع مئات المتظاهرين أمس أمام البرلمان في العاصمة.")


# --- a time of day after a subordinator dates the clause ---------------------------


def test_after_evening_prayers_is_a_time_not_a_cause():
    text = "اقتحمت قوة من الشرطة المسجد بعد صلاة العشاء أمس واعتدت على المصلين بالضرب."
    assert {e.event_code for e in violent(text)} >= {"180"}


def test_after_a_killing_is_still_background():
    text = "واعتدى مسلحون بعد مقتل ثلاثة جنود أمس على المارة في السوق."
    assert not [e for e in violent(text) if e.event_code == "180"]


# --- "since" and anniversaries are background to their own clause -----------------


def test_an_occasion_in_another_clause_leaves_the_report():
    text = "وقتل ثلاثة أشخاص أمس في انفجار عبوة ناسفة قرب السوق، خلال احتفال السكان بذكرى المولد."
    assert {"183", "190"} <= {e.event_code for e in violent(text)}


def test_an_anniversary_of_an_attack_is_not_an_attack():
    text = "وأحيا السكان أمس الذكرى الخامسة لتفجير السوق الذي قتل فيه عشرون شخصا."
    assert violent(text) == []



def test_a_record_since_in_another_clause_leaves_the_report():
    text = "وقتل ثلاثة جنود أمس في انفجار عبوة ناسفة شمال المدينة، في أعنف هجوم منذ بداية العام."
    assert {"183", "190"} <= {e.event_code for e in violent(text)}


def test_a_tally_since_a_date_is_not_an_incident():
    assert violent("وقتل خمسون شخصا في انفجارات في المدينة منذ بداية العام.") == []


# --- a weapon named is not an attack ----------------------------------------------


@pytest.mark.parametrize("text", [
    "عرض الجيش أمس في مؤتمر صحافي عبوات ناسفة ضبطها في مخبأ قرب المدينة.",
    "وضبطت الشرطة أمس سيارة مفخخة في مرآب قرب المدينة واعتقلت سائقها.",
    "وعثر الجنود أمس على حزام ناسف في منزل مهجور شمال البلدة.",
])
def test_a_seized_or_shown_weapon_is_not_an_attack(text):
    assert violent(text) == []


def test_an_exploding_device_is_an_attack():
    events = violent("انفجرت عبوة ناسفة أمس في سوق المدينة مما أدى إلى مقتل ثلاثة أشخاص.")
    assert {"183", "190"} <= {e.event_code for e in events}


def test_a_car_bomb_after_a_support_verb_is_an_attack():
    assert violent("وفجر مسلحون سيارة مفخخة أمس قرب مركز للشرطة في المدينة.")


# --- a definite violence noun with no actor names an incident told before ----------


def test_the_explosion_refers_back_an_explosion_reports():
    assert violent("وسمع عشرات السكان صباح أمس في وسط المدينة دوي الانفجار.") == []
    assert violent("وسمع عشرات السكان صباح أمس في وسط المدينة دوي انفجار.")


# --- an operation noun names a kind of act ----------------------------------------


def test_an_operation_named_is_not_an_incident():
    text = "وشرح الضابط أمس للصحافيين في العاصمة تفاصيل عملية اقتحام مخيم اللاجئين شمال المدينة."
    assert violent(text) == []


def test_an_operation_carried_out_is_an_incident():
    events = violent("ونفذ الجيش أمس عملية اقتحام لمخيم اللاجئين شمال المدينة.")
    assert [e for e in events if e.event_code == "192"]


# --- a support verb five words before its event noun -------------------------------


def test_support_verb_with_a_long_subject_before_the_noun():
    events = violent("قام مسلحون من داخل السيارة بإطلاق صواريخ على البلدة أمس.")
    assert [e for e in events if e.event_code == "194"]


# --- a present verb after a verb of perception is what was seen --------------------


def test_what_a_witness_saw_is_an_incident():
    text = "وشاهد السكان مسلحين يطلقون النار على سيارة للشرطة في وسط المدينة."
    assert [e for e in violent(text) if e.event_code == "193"]


def test_the_same_present_verb_reported_as_a_claim_is_a_habit():
    text = "وقال السكان إن مسلحين يطلقون النار على سيارات الشرطة في وسط المدينة."
    assert violent(text) == []


# --- form V defective verbs lose their final ى before a suffix ---------------------


def test_form_five_defective_verbs_give_back_their_dictionary_form():
    assert "تبني" in verbal_forms("وتبنت")  # تبنى, "claimed"
    assert "تلقي" in verbal_forms("تلقوا")  # تلقى, "received"


def test_a_claimed_bombing_is_the_claim():
    events = coded("وتبنت الجماعة تفجير سيارة مفخخة أمس في سوق المدينة.")
    assert not [e for e in events if e.root_code in VIOLENT]


# --- the benchmark splits by document ----------------------------------------------


def _benchmark():
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "events.py"
    spec = importlib.util.spec_from_file_location("events_benchmark", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sentences_of_one_web_document_share_a_split():
    benchmark = _benchmark()
    assert benchmark.document_of("AAW_ARB_20070101.0001-12") == "AAW_ARB_20070101.0001"
    assert benchmark.document_of("9f3ab0c1d2_3") == benchmark.document_of("9f3ab0c1d2_41")
    assert benchmark.document_of("Some Paper (Arabic)") == "Some Paper (Arabic)"


def test_benchmark_f1_counts_both_kinds_of_no_as_negatives():
    benchmark = _benchmark()
    outcomes = [
        ("ASSAULT", "tune", "d1", "yes", True),
        ("ASSAULT", "tune", "d1", "yes", True),
        ("ASSAULT", "tune", "d2", "yes", False),  # a miss
        ("ASSAULT", "tune", "d2", "difficult no", True),  # a false positive
        ("ASSAULT", "tune", "d3", "easy no", False),
    ]
    # P = 2/3, R = 2/3
    assert abs(benchmark.f1(outcomes) - 2 / 3) < 1e-9
    assert benchmark.f1([("ASSAULT", "tune", "d3", "easy no", True)]) == 0.0
