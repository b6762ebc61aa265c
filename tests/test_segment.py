"""Sentence segmentation: one test per rule of issue 6, on hand-written news
sentences and on real sentences loaded at run time from the shared corpus."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.segment import iter_sentence_spans, sentence_spans, split_sentences


def _one_sentence(text: str) -> bool:
    return split_sentences(text) == [text.strip()]


def _gold(shared_data: Path, name: str) -> list[dict]:
    path = shared_data / "segmentation" / name
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def _corpus_bodies(shared_data: Path) -> list[str]:
    path = shared_data / "corpus" / "articles.jsonl"
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line).get("body") or "" for line in handle]


# --- splitting on final punctuation -------------------------------------------------


@pytest.mark.parametrize("mark", [".", "؟", "?", "!"])
def test_final_punctuation_ends_a_sentence(mark: str) -> None:
    text = f"وصل الوفد إلى بغداد{mark} وبدأت المحادثات صباح اليوم."
    assert split_sentences(text) == [f"وصل الوفد إلى بغداد{mark}", "وبدأت المحادثات صباح اليوم."]


def test_runs_of_marks_stay_with_their_sentence() -> None:
    text = "هل هذا معقول؟! لا أحد يصدق ذلك."
    assert split_sentences(text) == ["هل هذا معقول؟!", "لا أحد يصدق ذلك."]


def test_question_going_on_with_or_is_one_sentence() -> None:
    assert _one_sentence("هل يبقى الرئيس في منصبه؟ أم يرحل قبل الانتخابات؟")
    assert _one_sentence("من أين جاء هذا المال؟ أو من أرسله؟")


def test_two_dots_separate_sentences_but_an_ellipsis_mid_sentence_does_not() -> None:
    assert split_sentences("انتهى الاجتماع.. وغادر الوزراء القاعة.") == [
        "انتهى الاجتماع..",
        "وغادر الوزراء القاعة.",
    ]
    assert _one_sentence("قال إن ما حدث… في الواقع لا يصدق.")
    assert _one_sentence("قال إن ما حدث... في الواقع لا يصدق.")


def test_paragraph_break_ends_a_sentence_without_punctuation() -> None:
    text = "روسيا وأميركا تتفقان على التنسيق\n\n19 يونيو 2016\nأعلنت الوزارة الاتفاق."
    assert split_sentences(text) == [
        "روسيا وأميركا تتفقان على التنسيق",
        "19 يونيو 2016",
        "أعلنت الوزارة الاتفاق.",
    ]


def test_semicolon_and_colon_do_not_end_a_sentence() -> None:
    assert _one_sentence("ارتفعت الأسعار؛ وتراجع الطلب في الأسواق.")
    assert _one_sentence('وقال الوزير: "سنواصل العمل حتى النهاية".')


def test_colon_before_a_paragraph_break_ends_the_line() -> None:
    text = 'وأضاف:\n"لن نتراجع عن قرارنا".'
    assert split_sentences(text) == ["وأضاف:", '"لن نتراجع عن قرارنا".']


# --- what must not be split ---------------------------------------------------------


@pytest.mark.parametrize(
    "quoted",
    [
        '"نحن ملتزمون بالاتفاق. سنواصل العمل"',
        "«نحن ملتزمون بالاتفاق. سنواصل العمل»",
        "“نحن ملتزمون بالاتفاق. سنواصل العمل”",
        "»نحن ملتزمون بالاتفاق. سنواصل العمل«",
    ],
)
def test_no_split_inside_quotations(quoted: str) -> None:
    assert _one_sentence(f"وقال المتحدث {quoted} في ختام المؤتمر.")


def test_quote_ending_with_a_full_stop_ends_the_sentence_after_the_quote() -> None:
    text = 'وقال المتحدث: "نحن ملتزمون بالاتفاق." وغادر القاعة.'
    assert split_sentences(text) == ['وقال المتحدث: "نحن ملتزمون بالاتفاق."', "وغادر القاعة."]


def test_nested_quotes_stay_in_one_sentence() -> None:
    text = 'وقال إن "الروس ذهبوا لقتال "الدولة الإسلامية".. لكن هذا لم يحدث". وأضاف أمرا آخر.'
    assert split_sentences(text) == [
        'وقال إن "الروس ذهبوا لقتال "الدولة الإسلامية".. لكن هذا لم يحدث".',
        "وأضاف أمرا آخر.",
    ]


def test_unbalanced_quote_does_not_swallow_the_paragraph_or_the_document() -> None:
    text = 'وقال المتحدث "إن الوضع خطير. وأضاف أن الجيش مستعد. وختم بالدعاء.\nفقرة ثانية هنا.'
    assert split_sentences(text) == [
        'وقال المتحدث "إن الوضع خطير.',
        "وأضاف أن الجيش مستعد.",
        "وختم بالدعاء.",
        "فقرة ثانية هنا.",
    ]


def test_quote_open_at_a_paragraph_break_is_closed_by_it() -> None:
    text = 'قال: "الجملة الأولى. الجملة الثانية.\nوقال آخر: "نعم. بالتأكيد".'
    sentences = split_sentences(text)
    assert "\n" not in "".join(sentences)
    assert sentences[-1] == 'وقال آخر: "نعم. بالتأكيد".'


def test_no_split_inside_parentheses() -> None:
    assert _one_sentence("أعلن المصدر (وهو مسؤول رفيع. طلب عدم ذكر اسمه) أن القوات انسحبت.")


@pytest.mark.parametrize("number", ["3.5", "١٫٥", "١.٥", "19.06.2016", "14.8%", "1.000.000"])
def test_no_split_inside_numbers(number: str) -> None:
    assert _one_sentence(f"بلغت النسبة {number} في المئة خلال العام الماضي.")


@pytest.mark.parametrize(
    "text",
    [
        "استقبل د. أحمد زويل الوفد في القاهرة.",
        "وصرح م. خالد العلي بأن المشروع اكتمل.",
        "وبحسب وكالة أ.ف.ب فإن الاجتماع انتهى.",
        "وحسب أ. ف. ب. فإن الاجتماع انتهى.",
        "بني المعبد نحو عام 700 ق.م على ضفاف النهر.",
        "انظر ص. 12 من التقرير الأخير.",
        "التقى الرئيس جون ف. كينيدي بالسفير.",
        "وتحدث في مركز جون إف. كينيدي للفنون المسرحية.",
        "وقال مسؤول في U.S. Army إن القوات وصلت.",
        "وقالت Mrs. Smith إن القرار نهائي.",
        "ولد في 14 رمضان 1437 هـ. الموافق 19 يونيو 2016.",
        "ولد في 14 رمضان 1437 ه. الموافق 19 يونيو 2016.",
    ],
)
def test_no_split_after_abbreviations_and_initials(text: str) -> None:
    assert _one_sentence(text)


def test_acronym_spelt_in_arabic_letters_can_end_a_sentence() -> None:
    assert split_sentences("وقالت بي بي سي. ثم انتهى البث.") == [
        "وقالت بي بي سي.",
        "ثم انتهى البث.",
    ]


def test_era_marker_after_a_year_ends_the_sentence() -> None:
    text = "انتهت البطولة في 17 شوال 1436 هـ. وعاد الفريق إلى الرياض."
    assert split_sentences(text) == [
        "انتهت البطولة في 17 شوال 1436 هـ.",
        "وعاد الفريق إلى الرياض.",
    ]


@pytest.mark.parametrize(
    "token",
    ["http://www.example.com/news/2016.html", "www.aljazeera.net", "info@agency.gov.sa"],
)
def test_no_split_inside_urls_and_email_addresses(token: str) -> None:
    assert _one_sentence(f"للمزيد راجع {token} أو اتصل بالمكتب.")


def test_missing_space_between_arabic_sentences_still_splits() -> None:
    assert split_sentences("انتهى الاجتماع.وقال الوزير إن النتائج جيدة.") == [
        "انتهى الاجتماع.",
        "وقال الوزير إن النتائج جيدة.",
    ]
    assert split_sentences("ارتفع المؤشر 2.3%.وأضاف التقرير أن") == [
        "ارتفع المؤشر 2.3%.",
        "وأضاف التقرير أن",
    ]
    assert _one_sentence("قال د.محمد إن الاجتماع انتهى.")


def test_latin_text_inside_arabic() -> None:
    text = 'وقالت صحيفة "The New York Times" إن الاتفاق وشيك. Officials declined to comment.'
    assert split_sentences(text) == [
        'وقالت صحيفة "The New York Times" إن الاتفاق وشيك.',
        "Officials declined to comment.",
    ]


def test_list_numbers_are_not_sentences() -> None:
    assert _one_sentence("1. وقف إطلاق النار في جميع المناطق.")
    assert split_sentences("جاء في البيان: 1. وقف النار. 2. تبادل الأسرى.") == [
        "جاء في البيان: 1. وقف النار.",
        "2. تبادل الأسرى.",
    ]


def test_full_stop_at_the_end_of_a_parenthesis_does_not_end_the_sentence() -> None:
    assert _one_sentence("وهذا الرقم (انظر الجدول 3.) أعلى من المتوقع.")


# --- news layout that has lost its line breaks ---------------------------------------
# A headline, a dateline and a byline end without punctuation; archive dumps
# join them to the body with a space. Each rule must also leave normal text
# (with its line breaks, or without any such unit) as it was.

HEADLINE = "الجيش يستعيد السيطرة على المدينة"
BODY = "أعلن الجيش اليوم استعادة السيطرة على المدينة بعد معارك عنيفة."
NEXT = "وقال متحدث عسكري إن العملية انتهت."


@pytest.mark.parametrize(
    "dateline",
    [
        "القاهرة (رويترز) -",
        "القاهرة ( رويترز ) -",
        "دمشق - أ ف ب -",
        "بيروت (الأناضول) —",
        "بغداد 15-7 (أ ف ب) -",
        "رفح (قطاع غزة) 15 - 7 (اف ب) -",
        "دبي، الإمارات العربية المتحدة (CNN)--",
        "القاهرة - «الحياة» -",
        "واشنطن/ وكالات:",
        "بكين 3 مايو / شينخوا /",
        "نيو دلهي 11 مايو (د ب أ) -",
    ],
)
def test_credited_dateline_after_a_headline_opens_the_body(dateline: str) -> None:
    text = f"{HEADLINE} {dateline} {BODY} {NEXT}"
    assert split_sentences(text) == [HEADLINE, f"{dateline} {BODY}", NEXT]


def test_bare_place_and_date_dateline_is_a_unit_of_its_own() -> None:
    for dateline in ("طوكيو 3 مايو", "القاهرة 2 مايو 08:29", "الرياض 25 شوال 1436 هـ"):
        text = f"{HEADLINE} {dateline} {BODY} {NEXT}"
        assert split_sentences(text) == [HEADLINE, dateline, BODY, NEXT]


def test_dateline_on_its_own_line_is_left_as_it_is() -> None:
    text = f"{HEADLINE}\nالقاهرة (رويترز) - {BODY}\nبكين 3 مايو\n{NEXT}"
    assert split_sentences(text) == [HEADLINE, f"القاهرة (رويترز) - {BODY}", "بكين 3 مايو", NEXT]


@pytest.mark.parametrize(
    "text",
    [
        "وصل الوفد إلى بغداد 3 مايو الماضي وبدأ المحادثات مع المسؤولين.",
        "وتنظر المحكمة في الطعن يوم الخميس 9 يونيو بحضور محامي الدفاع.",
        "وذكرت وكالة الأنباء الأردنية (بترا) نقلا عن الوزير أن الطريق سيفتح غدا.",
        "وقال المتحدث باسم حركة (حماس) - في تصريح مقتضب - إن الحركة ترفض العرض.",
        "تحدث الوزير في 31 تشرين الأول 1832 عن الخطة الجديدة للبلاد.",
    ],
)
def test_place_and_date_inside_a_sentence_is_not_a_dateline(text: str) -> None:
    assert split_sentences(f"{text} {NEXT}") == [text, NEXT]


def test_headline_ends_where_the_lead_verb_opens_the_body() -> None:
    text = f"{HEADLINE} {BODY} {NEXT}"
    assert split_sentences(text) == [HEADLINE, BODY, NEXT]


@pytest.mark.parametrize(
    "first",
    [
        # the text opens with a verb: it is a body sentence, not a headline
        "تراجعت صادرات القمح هذا الموسم أعلنت المزارع الصغيرة خسائر كبيرة.",
        # a reported clause: the verb follows its subject
        "أكد المدرب أن الفريق حقق الفوز رغم غياب ثلاثة لاعبين.",
        # a relative clause after an indefinite noun
        "وزعت البلدية على السكان نشرة أوضحت فيها مواعيد جمع النفايات.",
        # a fronted adverbial
        "خلال الشهر الماضي افتتح المجلس البلدي ثلاث حدائق عامة جديدة.",
        # a verb that follows a word carrying the sentence on
        "ازدحمت الطرق صباح اليوم عندما أغلقت الشرطة الجسر الرئيسي للصيانة.",
    ],
)
def test_verb_inside_a_first_sentence_is_not_a_headline_end(first: str) -> None:
    assert split_sentences(f"{first} {NEXT}") == [first, NEXT]


def test_a_lone_sentence_has_no_headline() -> None:
    assert _one_sentence("المعرض الدولي للكتاب في دورته العاشرة افتتح أبوابه للزوار صباح اليوم.")


def test_lead_verb_rule_applies_to_the_first_sentence_only() -> None:
    later = "الحكومة المصرية الجديدة في اجتماعها الأول أعلنت خطة للإصلاح الاقتصادي."
    assert split_sentences(f"{BODY} {later}") == [BODY, later]


@pytest.mark.parametrize("byline", ["بقلم سامي يوسف", "كتب: سامي يوسف", "تقرير: سامي يوسف"])
def test_byline_after_a_headline_is_its_own_unit(byline: str) -> None:
    text = f"{HEADLINE} {byline} {BODY} {NEXT}"
    assert split_sentences(text) == [HEADLINE, byline, BODY, NEXT]


def test_byline_words_inside_a_sentence_are_not_bylines() -> None:
    for first in (
        "قالت المنظمة في تقرير: إن الأوضاع الإنسانية تدهورت كثيرا.",
        "علق التلاميذ على الجدار لوحة كتب عليها اسم المدرسة.",
        "افتتح الوزير معرض كتب الأطفال في العاصمة صباح اليوم.",
    ):
        assert split_sentences(f"{first} {NEXT}") == [first, NEXT]


def test_headline_printed_twice_ends_before_its_repeat() -> None:
    text = f"{HEADLINE} {HEADLINE} {BODY} {NEXT}"
    assert split_sentences(text) == [HEADLINE, HEADLINE, BODY, NEXT]


# --- offsets and streaming -------------------------------------------------------------


def _check_spans(text: str, spans: list[tuple[int, int]]) -> None:
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        piece = text[start:end]
        assert piece == piece.strip(), "spans exclude surrounding whitespace"
        assert re.search(r"\w", piece), "no empty or punctuation-only sentences"
        previous_end = end


def test_spans_point_into_the_unchanged_text() -> None:
    text = "  أولاً.  \n\n ثانياً؟ \t ثالثاً!\r\nرابعاً  "
    spans = sentence_spans(text)
    _check_spans(text, spans)
    assert [text[a:b] for a, b in spans] == ["أولاً.", "ثانياً؟", "ثالثاً!", "رابعاً"]


def test_empty_and_blank_input_have_no_sentences() -> None:
    assert sentence_spans("") == []
    assert sentence_spans(" \n\n \t") == []
    assert sentence_spans(". . .\n!") == []


def test_streaming_form_is_lazy_and_agrees_with_the_list_form(seed_text: str) -> None:
    spans = iter_sentence_spans(seed_text)
    assert isinstance(spans, Iterator)
    assert next(spans) == sentence_spans(seed_text)[0]
    assert list(iter_sentence_spans(seed_text)) == sentence_spans(seed_text)


# --- the seed article -------------------------------------------------------------------


def test_seed_article_segments_as_a_reader_would(seed_text: str) -> None:
    sentences = split_sentences(seed_text)
    _check_spans(seed_text, sentence_spans(seed_text))
    assert all("\n" not in s for s in sentences)
    assert sentences[:3] == [
        "روسيا وأميركا تتفقان على تحسين التنسيق العسكري في سورية",
        "روسيا وأميركا تتفقان على تحسين التنسيق العسكري في سورية",
        "19 يونيو 2016",
    ]
    quoted = next(s for s in sentences if "قالت الوزارة إنها" in s)
    assert quoted.startswith("وفي بيان صدر عقب")
    assert quoted.endswith('قرب معبر التنف الحدودي مع العراق يوم الخميس".')
    continued = next(s for s in sentences if "ومضى قائلاً" in s)
    assert continued.startswith('ومضى قائلاً: "كرر الجانبان')
    assert continued.endswith('في المجال الجوي فوق سورية".')
    carter = next(s for s in sentences if "آشتون كارتر" in s)
    assert carter.endswith('لكن هذا لم يكن حقاً ما قاموا به".')
    # Every paragraph holds whole sentences; two paragraphs hold two each.
    paragraphs = [p.strip() for p in seed_text.split("\n") if p.strip()]
    assert len(sentences) == len(paragraphs) + 2


# --- real sentences from the shared corpus (loaded at run time) ---------------------


def test_pud_single_sentences_are_not_over_split(shared_data: Path) -> None:
    """UD Arabic-PUD holds one sentence per document: abbreviations (ق.م),
    initials, ellipses, quotes with full stops inside must not split them."""
    docs = _gold(shared_data, "ud_pud_ar.jsonl")
    tricky = re.compile(r"ق\.م|(?<!\S)\w\. |\.\.\.|:\s*\"|\d\.\d")
    selected = [d["text"] for d in docs if tricky.search(d["text"])]
    assert len(selected) >= 20
    over_split = [t for t in selected if len(split_sentences(t)) != 1]
    assert over_split == []


def test_pud_quote_with_inner_full_stop_is_one_sentence(shared_data: Path) -> None:
    docs = _gold(shared_data, "ud_pud_ar.jsonl")
    texts = [d["text"] for d in docs if re.search(r'"[^"]+\. [^"]+"', d["text"])]
    assert texts
    assert all(_one_sentence(t) for t in texts)


def test_padt_sentences_with_doctor_title_are_not_split(shared_data: Path) -> None:
    """PADT is tokenised ("د . عاطف"): the title is still not a sentence end."""
    gold = [s for d in _gold(shared_data, "ud_padt_1.2_dev.jsonl") for s in d["sentences"]]
    with_title = [s for s in gold if re.search(r"(?<!\S)د \. \w", s)]
    assert with_title
    for sentence in with_title:
        assert not any(re.search(r"(?<!\S)د \.$", s) for s in split_sentences(sentence))


def test_padt_question_and_exclamation_boundaries_are_found(shared_data: Path) -> None:
    """A gold sentence ending in ؟ or ! (and holding no other final mark) is
    split from the gold sentence after it."""
    checked = 0
    for doc in _gold(shared_data, "ud_padt_1.2_dev.jsonl"):
        for first, second in zip(doc["sentences"], doc["sentences"][1:], strict=False):
            if re.search(r"[؟!]$", first) and not re.search(r"[.؟!]", first[:-1]):
                assert split_sentences(f"{first} {second}")[0] == first.strip()
                checked += 1
    assert checked >= 10


def test_news_bodies_never_split_after_doctor_or_inside_numbers(shared_data: Path) -> None:
    bodies = [b for b in _corpus_bodies(shared_data) if re.search(r"(?<!\S)د\. |\d\.\d", b)]
    assert bodies
    for body in bodies:
        for sentence in split_sentences(body):
            assert not re.search(r"(?<!\S)د\.$", sentence), sentence
        for _, end in sentence_spans(body):
            assert not (body[end - 1] == "." and body[end : end + 1].isdigit())


def test_news_bodies_keep_urls_and_emails_whole(shared_data: Path) -> None:
    pattern = re.compile(r"(?:https?://|www\.)\S+\.\S+|\w+@\w+(?:\.\w+)+")
    checked = 0
    for body in _corpus_bodies(shared_data):
        for match in pattern.finditer(body):
            token = match.group()
            # Skip tokens whose last character is itself a sentence end.
            inner = token.rstrip('.؟?!،,)»"')
            assert any(inner in s for s in split_sentences(body)), token
            checked += 1
    assert checked >= 20


def _layout_boundaries(body: str, spans: list[tuple[int, int]]) -> list[int]:
    """Indexes of sentences that end with neither final punctuation nor a line
    break after them: the cuts made by the news-layout rules."""
    return [
        i
        for i, ((start, end), (following, _)) in enumerate(itertools.pairwise(spans))
        if "\n" not in body[end:following]
        and body[start:end].rstrip("\"'»«”“’)]")[-1:] not in ".؟?!…"
    ]


def test_news_bodies_get_no_one_word_fragments_from_layout_rules(shared_data: Path) -> None:
    """Real article bodies keep their line breaks; the layout rules must not
    cut a bare place name or any one-word piece off them."""
    checked = 0
    for body in _corpus_bodies(shared_data):
        spans = sentence_spans(body)
        for i in _layout_boundaries(body, spans):
            for start, end in spans[i : i + 2]:
                assert len(body[start:end].split()) > 1, body[start:end]
            checked += 1
    assert checked < 50  # rare in text that has its line breaks


def test_padt_credited_datelines_open_a_sentence(shared_data: Path) -> None:
    """Where a gold sentence opens with an agency dateline ("CITY D - M ( AGENCY ) -")
    after a headline without punctuation, a predicted sentence opens there."""
    dateline = re.compile(r"^\S+(?: \( [^)]+ \))? [٠-٩]+ - [٠-٩]+ \( [^)]+ \) -")
    checked = 0
    for doc in _gold(shared_data, "ud_padt_1.2_dev.jsonl"):
        starts = {doc["text"][a:b] for a, b in sentence_spans(doc["text"])}
        for sentence in doc["sentences"][1:]:
            if dateline.match(sentence):
                assert any(s.startswith(sentence[:40]) for s in starts), sentence[:60]
                checked += 1
    assert checked >= 5
