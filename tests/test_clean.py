"""Cleaning of one body: the headline in all its repeated forms, widget crumbs,
captions, bylines, datelines and learned boilerplate, with the text kept."""

from __future__ import annotations

import gzip
import json
from itertools import islice

import pytest

from pipeline.boilerplate import BoilerplateLearner
from pipeline.clean import clean_body, is_byline, is_caption, is_widget_crumb, strip_headline
from pipeline.normalize import matching_key, strip_invisible

TITLE = "الرئيس يلتقي وفد الأمم المتحدة لبحث الأزمة الإنسانية في المدينة"
FIRST = "التقى الرئيس، صباح اليوم، وفداً من الأمم المتحدة في القصر الجمهوري."
SECOND = "وقال بيان الرئاسة إن اللقاء تناول سبل إيصال المساعدات إلى السكان."
BODY = f"{FIRST}\n{SECOND}"


@pytest.mark.parametrize(
    "repeated",
    [
        TITLE,
        f"{TITLE} | العربي الجديد",
        f"{TITLE} - الجزيرة نت",
        f"العربي الجديد | {TITLE}",
        # alef forms, alef maqsura/yaa, teh marbuta/heh, diacritics, tatweel
        "الرئيس يلتقى وفد الامم المتحده لبحث الازمه الانسانيه فى المدينه",
        "الرَّئِيسُ يلتقـــي وفدَ الأُمم المتحدة لبحث الأزمة الإنسانية في المدينة",
        # punctuation, whitespace and bidi marks
        "\u200fالرئيس يلتقي وفد «الأمم المتحدة»   لبحث الأزمة الإنسانية، في المدينة!",
        # split over two lines
        "الرئيس يلتقي وفد الأمم المتحدة\nلبحث الأزمة الإنسانية في المدينة",
        # printed twice, once with the site name
        f"{TITLE}\n\n{TITLE} | العربي الجديد",
    ],
)
def test_repeated_headline_is_removed_in_every_form(repeated: str) -> None:
    assert strip_headline(TITLE, f"{repeated}\n\n{BODY}") == BODY


def test_title_carrying_the_site_name_still_matches_the_bare_headline() -> None:
    assert strip_headline(f"{TITLE} | العربي الجديد", f"{TITLE}\n{BODY}") == BODY


def test_headline_glued_to_the_first_paragraph_is_cut_off() -> None:
    assert strip_headline(TITLE, f"{TITLE} {FIRST}\n{SECOND}") == BODY


def test_headline_fused_to_the_first_word_is_cut_inside_the_word() -> None:
    # The page lost the space: "...في المدينةالتقى الرئيس..."
    assert strip_headline(TITLE, f"{TITLE}{FIRST}\n{SECOND}") == BODY


def test_first_sentence_sharing_words_with_the_title_is_kept() -> None:
    body = "الرئيس يلتقي وفد الأمم المتحدة غداً في العاصمة بعد تأجيل الموعد.\n" + SECOND
    assert strip_headline(TITLE, body) == body


def test_short_title_that_opens_the_text_is_not_cut() -> None:
    # A column titled with its own first words ("السلام", "ماذا لو؟").
    body = "السلام قصة خالدة وأمنية دائمة ورسالة سامية منذ بداية الخليقة."
    assert strip_headline("السلام", body) == body


def test_headline_later_in_the_body_is_not_touched() -> None:
    body = f"{FIRST}\n{TITLE}\n{SECOND}"
    assert strip_headline(TITLE, body) == body


@pytest.mark.parametrize(
    "crumb", ["+ الخط -", "- الخط +", "طباعة", "شارك على فيسبوك تويتر واتساب", "حجم الخط", "Print"]
)
def test_widget_crumbs_are_recognised(crumb: str) -> None:
    assert is_widget_crumb(crumb)


@pytest.mark.parametrize("line", [FIRST, "الخط الأحمر الذي رسمته الحكومة لن يتغير أبداً."])
def test_text_lines_are_not_crumbs(line: str) -> None:
    assert not is_widget_crumb(line)


@pytest.mark.parametrize(
    "caption",
    [
        "جانب من الاجتماع في القصر الجمهوري(الأناضول)",
        "متظاهرون في ساحة التحرير (محمد حمود/Getty)",
        "الرئيس خلال المؤتمر الصحافي (فرانس برس)",
    ],
)
def test_photo_captions_with_agency_credit_are_recognised(caption: str) -> None:
    assert is_caption(caption)


@pytest.mark.parametrize(
    "line",
    [
        # a sentence that ends before its credit is body text
        "وقالت الوزارة إن الهجوم أوقع عشرة قتلى. (رويترز)",
        # a parenthesis that is not a credit
        "وارتفع عدد الإصابات إلى مئتي حالة (بزيادة عشرين حالة)",
    ],
)
def test_body_sentences_ending_in_parentheses_are_not_captions(line: str) -> None:
    assert not is_caption(line)


def test_clean_body_drops_noise_and_keeps_every_paragraph_verbatim() -> None:
    body = "\n".join(
        [
            TITLE,
            "جانب من الاجتماع(الأناضول)",
            "+ الخط -",
            "كتب: محمد أحمد",
            "\u200bالتقى الرَّئيس، صباح اليوم، وفداً من الأمم المتحدة.",
            "",
            SECOND,
            "شارك على فيسبوك تويتر",
        ]
    )
    cleaned = clean_body(TITLE, body)
    # Diacritics stay in the stored text; only the zero-width space goes.
    assert cleaned == "التقى الرَّئيس، صباح اليوم، وفداً من الأمم المتحدة.\n" + SECOND


def test_kicker_and_dateline_around_the_repeated_headline_go_with_it() -> None:
    body = f"عاجل\n{TITLE}\n19 يونيو 2016 - 14:05\n{BODY}"
    assert clean_body(TITLE, body) == BODY


def test_date_lines_inside_the_story_are_content() -> None:
    # A schedule: its date lines are what the article is about.
    body = f"{FIRST}\nالخميس 02 مارس 2017:\n{SECOND}\nالجمعة 3 مارس 2017:\n{SECOND}"
    assert clean_body(TITLE, body) == body


def test_short_lines_before_a_paragraph_are_not_taken_for_a_kicker() -> None:
    body = f"وأخيراً.\n{FIRST}\n{SECOND}"
    assert clean_body(TITLE, body) == body


@pytest.mark.parametrize(
    "line", ["كتب: محمد أحمد", "بقلم - سارة خليل", "الرياض - واس", "بيروت: العربي الجديد",
             "القاهرة – «الأناضول»"]
)
def test_bylines_and_agency_datelines_are_recognised(line: str) -> None:
    assert is_byline(line)


@pytest.mark.parametrize(
    "line", [FIRST, "الأمين العام للأمم المتحدة: لا حل عسكرياً", "كتب الشاعر قصيدته في المنفى."]
)
def test_short_text_lines_are_not_bylines(line: str) -> None:
    assert not is_byline(line)


def test_byline_of_a_known_author_is_dropped() -> None:
    cleaned = clean_body(TITLE, f"بيروت: سارة خليل\n{BODY}", authors=["سارة خليل"])
    assert cleaned == BODY


def test_learned_boilerplate_is_dropped_only_for_its_source() -> None:
    learner = BoilerplateLearner()
    for i in range(10):
        learner.add("site-a", f"خبر رقم {i} عن موضوع مختلف {i}\n** جميع المقالات تمثل رأي كتابها")
    model = learner.model(min_count=5)
    body = f"{BODY}\n** جميع المقالات تمثل رأي كتّابها"
    assert clean_body(TITLE, body, model, source_id="site-a") == BODY
    assert clean_body(TITLE, body, model, source_id="site-b") == body


def _corpus(shared_data, name: str, limit: int):
    with gzip.open(shared_data / "corpus" / name, "rt", encoding="utf-8") as fh:
        yield from islice((json.loads(line) for line in fh), limit)


def test_saudinewsnet_bodies_no_longer_start_with_their_title(shared_data) -> None:
    """Every body that opened with its (long enough) title loses it, and
    nothing else: the cleaned body is the old one minus the headline."""
    fixed = 0
    for row in _corpus(shared_data, "saudinewsnet_full.jsonl.gz", 40000):
        title, body = row["title"], row["body"]
        key = matching_key(title)
        opening = matching_key(body[: 3 * len(title)])
        if len(key.split()) < 5 or not opening.startswith(key + " "):
            continue
        cleaned = strip_headline(title, body)
        assert not matching_key(cleaned).startswith(key), row["url"]
        removed = len(matching_key(body).split()) - len(matching_key(cleaned).split())
        assert matching_key(body).endswith(matching_key(cleaned))
        # Only the headline went: once or twice, perhaps with a short site name.
        assert len(key.split()) <= removed <= 2 * len(key.split()) + 4
        fixed += 1
    assert fixed >= 20


def test_learned_footers_leave_corpus_bodies_and_nothing_else(shared_data) -> None:
    rows = list(_corpus(shared_data, "ant_multisource_full.jsonl.gz", 4000))
    learner = BoilerplateLearner()
    for row in rows:
        learner.add(row["source"], row["body"])
    model = learner.model()
    footer = matching_key("** جميع المقالات المنشورة تمثل رأي كتابها فقط.")
    assert any(footer in lines for lines in model.lines.values())
    with_footer = 0
    for row in rows:
        if not model.lines.get(row["source"]):
            continue
        cleaned = clean_body(row["title"], row["body"], model, source_id=row["source"])
        if "جميع المقالات" in row["body"]:
            with_footer += 1
            assert footer not in {matching_key(line) for line in cleaned.split("\n")}
        # Every kept line is an original line, unchanged (the first may have
        # lost a glued headline).
        original = {strip_invisible(line) for line in row["body"].split("\n")}
        assert all(line in original for line in cleaned.split("\n")[1:])
    assert with_footer >= 50
