"""Behaviour of the Arabic CAMEO event coder on hand-written news sentences.

Each sentence is our own, written to exercise one rule of the coder (word
order, clitics, reported speech, negation, coreference...). Evaluation on the
research data lives in ``test_events_data.py`` and ``benchmarks/events.py``.
"""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from pipeline.events import CODER_VERSION, code_article
from pipeline.events.cameo import cameo_codes, lookup
from pipeline.events.gazetteer import gazetteer
from pipeline.events.verbs import verb_dictionary
from pipeline.records import Event

PUBLISHED = date(2020, 3, 4)  # a Wednesday


def coded(text: str) -> list[Event]:
    return code_article(text, published=PUBLISHED)


def only(events: list[Event], root: str) -> list[Event]:
    return [e for e in events if e.root_code == root]


# --- dictionaries -----------------------------------------------------------------


def test_every_dictionary_code_is_a_cameo_code():
    from importlib import resources

    text = resources.files("pipeline.events").joinpath("verbs.yaml").read_text("utf-8")
    codes = [str(code) for code in yaml.safe_load(text) if code != "grammar"]
    assert len({c[:2] for c in codes}) == 20, "every CAMEO root category has verbs"
    for code in codes:
        assert code in cameo_codes(), code


def test_cameo_table_carries_goldstein_and_quad_class():
    assert lookup("195").goldstein == -10.0 and lookup("195").quad_class == 4
    assert lookup("057").quad_class == 1 and lookup("057").goldstein > 0
    assert lookup("0841").quad_class == 2
    assert all(-10 <= c.goldstein <= 10 and c.quad_class in {1, 2, 3, 4}
               for c in cameo_codes().values())
    with pytest.raises(ValueError, match="not a CAMEO event code"):
        lookup("999")


def test_dictionaries_compile_once():
    assert verb_dictionary() is verb_dictionary()
    assert gazetteer() is gazetteer()
    assert CODER_VERSION


# --- actors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "source"),
    [
        ("ووزارة الدفاع الروسية قصفت مواقع المسلحين في حلب أمس.", "RUSMIL"),
        ("وقصف الجيش السوري مواقع المسلحين في حلب أمس.", "SYRMIL"),
        ("والجيشُ السّوريّ قَصَفَ مواقع المسلحين في حلب أمس.", "SYRMIL"),  # diacritics
        ("وقصفت القوات الامريكية مواقع المسلحين في حلب أمس.", "USAMIL"),  # bare alef
        ("وقصف البنتاغون مواقع المسلحين في حلب أمس.", "USAMIL"),
        ("وقصفت موسكو مواقع المسلحين في حلب أمس.", "RUSGOV"),
        ("وقصف تنظيم داعش مواقع الجيش في حلب أمس.", "IMGREBISI"),
        ("وقصفت قوات حلف الناتو مواقع المسلحين في كابول أمس.", "IGOWSTNAT"),
    ],
)
def test_actor_codes_survive_clitics_and_spelling(sentence, source):
    assert any(e.source.code == source for e in only(coded(sentence), "19"))


def test_article_marked_entries_need_the_article():
    base = coded("وسيطر الجيش العراقي على قاعدة عسكرية قرب الموصل أمس.")
    assert all(e.target.code != "IMGREBALQ" for e in base)
    group = coded("وهاجم تنظيم القاعدة قاعدة عسكرية قرب الموصل أمس.")
    assert any(e.source.code == "IMGREBALQ" for e in only(group, "19"))


def test_office_holders_are_coded_for_their_term():
    text = "وانتقد أوباما الحكومة الإيرانية بشدة."
    in_office = code_article(text, published=date(2015, 5, 1))
    assert [(e.source.code, e.target.code) for e in in_office] == [("USAGOV", "IRNGOV")]
    retired = code_article(text, published=date(2019, 5, 1))
    assert [e.source.code for e in retired] == ["USAELI"]


def test_a_capital_after_in_is_a_place_not_an_actor():
    events = coded("قتل خمسة مدنيين في انفجار سيارة مفخخة في بغداد أمس.")
    assert events and all(e.source.code != "IRQGOV" for e in events)
    assert {e.location.country for e in events} == {"IRQ"}
    assert events[0].location.text == "بغداد" and events[0].location.lat is not None


# --- structure ----------------------------------------------------------------------


def test_vso_order_gives_source_then_target():
    (event,) = only(coded("قصفت الطائرات الروسية مقاتلي المعارضة في حلب أمس."), "19")
    assert (event.source.code, event.target.code) == ("RUSMIL", "REB")
    assert event.event_date == date(2020, 3, 3)
    assert event.location.text == "حلب"


def test_svo_order_gives_source_then_target():
    events = coded("الجيش الإسرائيلي اعتقل عشرة فلسطينيين في الخليل اليوم.")
    assert any(e.event_code == "173" and e.source.code == "ISRMIL" and e.target.code == "PSE"
               for e in events)


def test_lone_victim_of_a_passive_verb_is_the_target():
    events = only(coded("قتل خمسة مدنيين في هجوم على سوق شعبي أمس."), "19")
    assert events and all(e.source.code is None for e in events)
    assert any(e.target.code == "CVL" for e in events)


def test_reported_speech_codes_the_reported_event_with_its_speaker():
    events = coded("قال وزير الخارجية الفرنسي إن القوات السورية قصفت المدنيين في إدلب أمس.")
    (event,) = only(events, "19")
    assert (event.source.code, event.target.code) == ("SYRMIL", "CVL")
    assert event.quoted_by == "FRAGOV"


def test_according_to_attributes_the_sentence():
    events = coded("وقتل ثلاثة جنود في هجوم على حاجز للجيش قرب الموصل أمس، بحسب الشرطة العراقية.")
    (event,) = only(events, "19")
    assert event.target.code == "MIL" and event.source.code is None
    assert event.quoted_by == "IRQCOP"


def test_agent_of_a_passive_after_by():
    events = coded("واختطف مهندس تركي في وسط بغداد أمس من قبل أربعة مسلحين.")
    (event,) = only(events, "18")
    assert event.event_code == "181" and event.source.code == "UAF"


def test_negated_event_is_flagged():
    (event,) = only(coded("لم تقصف الطائرات الروسية المدينة أمس."), "19")
    assert event.negated and event.source.code == "RUSMIL"


def test_denial_is_coded_and_the_denied_event_is_negated():
    events = coded("نفى الجيش التركي أنه قصف قرى في شمال العراق أمس.")
    denial = [e for e in events if e.event_code == "016"]
    assert denial and denial[0].source.code == "TURMIL" and not denial[0].negated
    attacks = only(events, "19")
    assert attacks and all(e.negated for e in attacks)


def test_future_and_conditional_violence_is_not_an_event():
    assert only(coded("سيقصف الجيش المدينة إذا لم ينسحب المسلحون."), "19") == []


def test_conjoined_actors_each_get_the_event():
    events = only(coded("وأدانت مصر والأردن الهجوم الإسرائيلي على غزة."), "11")
    assert {e.source.code for e in events} == {"EGY", "JOR"}


def test_conjoined_actors_without_object_act_on_each_other():
    events = only(coded("وقعت روسيا وتركيا اتفاقا للتعاون العسكري في موسكو."), "05")
    assert {(e.source.code, e.target.code) for e in events} == {("RUS", "TUR"), ("TUR", "RUS")}


def test_conjoined_critics_do_not_criticise_each_other():
    events = only(coded("ونددت الولايات المتحدة والأمم المتحدة بالتصريحات."), "11")
    assert {e.source.code for e in events} == {"USA", "IGOUNO"}
    assert all(e.target.code is None for e in events)


def test_anaphor_refers_to_the_ministry_named_before():
    events = coded("أعلنت وزارة الدفاع الروسية أن طائراتها قصفت مواقع لداعش في الرقة. "
                   "واتهمت الوزارة الولايات المتحدة بدعم الإرهابيين.")
    accusations = [e for e in events if e.event_code == "112"]
    assert accusations and accusations[0].source.code == "RUSMIL"
    assert accusations[0].target.code == "USA"


def test_named_person_keeps_the_role_he_was_introduced_with():
    events = coded("قال وزير الخارجية الأردني، سامي الخطيب، إن بلاده تدعم الحل السياسي. "
                   "وانتقد الخطيب الحكومة السورية.")
    (criticism,) = [e for e in events if e.root_code == "11"]
    assert (criticism.source.code, criticism.target.code) == ("JORGOV", "SYRGOV")
    assert criticism.sentence_idx == 1


def test_protest_with_its_protesters():
    events = coded("تظاهر آلاف الطلاب أمام الجامعة في القاهرة أمس احتجاجا على الرسوم.")
    (event,) = only(events, "14")
    assert event.source.code == "EDU" and event.location.country == "EGY"
    assert event.goldstein < 0 and event.quad_class == 3


def test_event_date_defaults_to_publication_and_follows_the_text():
    events = coded("اغتال مسلحون مجهولون ضابطا في الشرطة في بغداد يوم الأحد.")
    assert events and {e.event_date for e in events} == {date(2020, 3, 1)}
    undated = coded("اغتال مسلحون مجهولون ضابطا في الشرطة في بغداد.")
    assert undated and {e.event_date for e in undated} == {PUBLISHED}


def test_sentence_idx_indexes_the_given_spans():
    text = "مقدمة بلا أحداث.\nقصفت الطائرات الروسية مقاتلي المعارضة في حلب أمس."
    spans = [(0, 16), (17, len(text))]
    events = code_article(text, published=PUBLISHED, spans=spans)
    assert events and {e.sentence_idx for e in events} == {1}


# --- bad input ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["", "   \n\n", "...؟!", "Breaking news in English only.", "١٢٣ ٤٥٦"]
)
def test_text_without_events_gives_no_events(text):
    assert code_article(text, published=None) == []


def test_non_text_input_is_a_clear_error():
    with pytest.raises(TypeError, match="text must be str"):
        code_article(None, published=PUBLISHED)  # type: ignore[arg-type]


def test_implausible_sentence_dates_fall_back_to_publication():
    from datetime import date

    from pipeline.events import code_article

    published = date(2016, 6, 19)
    # A date years after publication is a misreading, not news.
    far = code_article("قصفت الطائرات الروسية مواقع المعارضة في حلب يوم 5 يونيو 2031.",
                       published=published)
    assert far and all(e.event_date == published for e in far)
    # A date inside the window is kept.
    near = code_article("قصفت الطائرات الروسية مواقع المعارضة في حلب أمس السبت.",
                        published=published)
    assert near and all(e.event_date == date(2016, 6, 18) for e in near)


def test_tokens_are_camel_tools_tokens():
    """The coder's fast path must split exactly as camel-tools' tokenizer does."""
    from camel_tools.tokenizers.word import simple_word_tokenize

    from pipeline.events.lexicon import tokenize

    for text in ["قال الوزير: «لن نتراجع»، وأضاف (في بيان) إن 2016 كان صعبا!",
                 "e-mail: a.b@c.d — 1⃣ 👍🏽 ‏٣٠٪ و\u200fالحكومة؟؟",
                 "الـ 15 ألفاً/العام …  ﷽  x²+y³",
                 ""]:
        assert [t.text for t in tokenize(text)] == simple_word_tokenize(text)
