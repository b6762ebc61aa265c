"""Arabic date parsing: datelines and metadata values, and dates mentioned in
article text resolved against the publication date."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from pipeline.arabic_dates import DateMention, find_date_mentions, parse_date, resolve_event_date

SEED_DAY = date(2016, 6, 19)  # the seed article's publication date, a Sunday
MIDNIGHT_SEED = datetime(2016, 6, 19, tzinfo=UTC)

# --- parse_date ---------------------------------------------------------------------

MONTHS = {
    1: ["يناير", "كانون الثاني", "جانفي"],
    2: ["فبراير", "شباط", "فيفري"],
    3: ["مارس", "آذار"],
    4: ["أبريل", "ابريل", "إبريل", "نيسان", "أفريل"],
    5: ["مايو", "أيار", "ماي"],
    6: ["يونيو", "يونية", "يونيه", "حزيران", "جوان"],
    7: ["يوليو", "يولية", "يوليه", "تموز", "جويلية", "يوليوز"],
    8: ["أغسطس", "اغسطس", "آب", "أوت", "غشت"],
    9: ["سبتمبر", "أيلول", "شتنبر"],
    10: ["أكتوبر", "اكتوبر", "تشرين الأول"],
    11: ["نوفمبر", "تشرين الثاني", "نونبر"],
    12: ["ديسمبر", "كانون الأول", "دجنبر"],
}


@pytest.mark.parametrize(
    ("month", "name"), [(m, name) for m, names in MONTHS.items() for name in names]
)
def test_every_regional_month_spelling(month: int, name: str) -> None:
    assert parse_date(f"5 {name} 2016") == datetime(2016, month, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "19 يونيو 2016",
        "١٩ يونيو ٢٠١٦",
        "الأحد 19 حزيران 2016",
        "الأحد، 19 جوان 2016",
        "19 يونيو (حزيران) 2016",
        "19 حزيران / يونيو 2016",
        "19 من يونيو عام 2016",
        "19 يونيو، 2016",
        "19/06/2016",
        "19-06-2016",
        "19.06.2016",
        "19 / 06 / 2016",
        "2016-06-19",
        "2016/06/19",
        "٢٠١٦/٠٦/١٩",
        "June 19, 2016",
        "19 June 2016",
        "نشر في: 19 يونيو 2016",
    ],
)
def test_date_only_forms_give_midnight_utc(text: str) -> None:
    assert parse_date(text) == MIDNIGHT_SEED


def test_diacritics_and_tatweel_do_not_matter() -> None:
    assert parse_date("19 يُونْيُو 2016") == MIDNIGHT_SEED
    assert parse_date("19 حزيـــران 2016") == MIDNIGHT_SEED


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2016-06-19T10:00:00+04:00", datetime(2016, 6, 19, 6, 0, tzinfo=UTC)),
        ("2016-06-19T10:00:00Z", datetime(2016, 6, 19, 10, 0, tzinfo=UTC)),
        ("2016-06-19 10:00", datetime(2016, 6, 19, 10, 0, tzinfo=UTC)),
        ("Sun, 19 Jun 2016 10:00:00 +0400", datetime(2016, 6, 19, 6, 0, tzinfo=UTC)),
        ("Sun, 19 Jun 2016 10:00:00 GMT", datetime(2016, 6, 19, 10, 0, tzinfo=UTC)),
        ("19 يونيو 2016 - 10:30 م", datetime(2016, 6, 19, 22, 30, tzinfo=UTC)),
        ("١٩ يونيو ٢٠١٦ - ١٠:٣٠ ص", datetime(2016, 6, 19, 10, 30, tzinfo=UTC)),
        ("19 يونيو 2016 10:00 بتوقيت غرينتش", datetime(2016, 6, 19, 10, 0, tzinfo=UTC)),
        ("19 يونيو 2016 الساعة 10:00 بتوقيت مكة المكرمة", datetime(2016, 6, 19, 7, 0, tzinfo=UTC)),
        ("19 يونيو 2016 10:00 GMT+3", datetime(2016, 6, 19, 7, 0, tzinfo=UTC)),
    ],
)
def test_times_and_offsets_are_converted_to_utc(text: str, expected: datetime) -> None:
    assert parse_date(text) == expected


def test_source_zone_applies_when_the_string_has_none() -> None:
    cairo_summer = timezone(timedelta(hours=2))
    assert parse_date("19 يونيو 2016", tz=cairo_summer) == datetime(2016, 6, 18, 22, tzinfo=UTC)
    assert parse_date("19 يونيو 2016 10:00", tz=cairo_summer) == datetime(
        2016, 6, 19, 8, tzinfo=UTC
    )
    # An explicit offset in the string wins over the source zone.
    assert parse_date("2016-06-19T10:00:00+04:00", tz=cairo_summer) == datetime(
        2016, 6, 19, 6, tzinfo=UTC
    )


@pytest.mark.parametrize(
    "text",
    ["14 رمضان 1437 هـ", "14 رمضان 1437", "١٤ رمضان ١٤٣٧هـ", "14/09/1437 هـ", "14 رَمَضَان 1437 هجري"],
)
def test_hijri_dates_convert_to_gregorian(text: str) -> None:
    # 14 Ramadan 1437 AH is 19 June 2016 in the Umm al-Qura calendar.
    assert parse_date(text) == MIDNIGHT_SEED


def test_hijri_month_names_with_two_words() -> None:
    assert parse_date("1 ذو الحجة 1437 هـ") == datetime(2016, 9, 2, tzinfo=UTC)
    assert parse_date("1 ذي الحجة 1437 هـ") == datetime(2016, 9, 2, tzinfo=UTC)
    assert parse_date("1 جمادى الأولى 1437 هـ") == datetime(2016, 2, 10, tzinfo=UTC)


def test_first_date_wins_in_a_dateline_with_both_calendars() -> None:
    text = "الأحد 14 رمضان 1437 هـ - 19 يونيو 2016 م"
    assert parse_date(text) == MIDNIGHT_SEED
    assert parse_date("تحديث 20 يونيو 2016، نشر 19 يونيو 2016") == datetime(2016, 6, 20, tzinfo=UTC)


def test_us_order_is_understood_when_unambiguous() -> None:
    assert parse_date("06/19/2016") == MIDNIGHT_SEED


@pytest.mark.parametrize(
    "text",
    ["", "لا يوجد تاريخ هنا", "19 يونيو", "31 فبراير 2016", "99/99/2016", "الخميس", "300 كلم"],
)
def test_no_complete_date_gives_none(text: str) -> None:
    assert parse_date(text) is None


def test_corpus_metadata_dates_agree_with_standard_parsers(shared_data: Path) -> None:
    """Every date of the shared news sample (RFC 822 from RSS, ISO 8601, plain
    timestamps) parses to the instant the standard library reads."""
    checked = 0
    with (shared_data / "corpus" / "articles.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            value = json.loads(line).get("date")
            if not value:
                continue
            if "/" in value:
                expected = datetime.strptime(value, "%d/%m/%Y")
            elif "," in value:
                expected = parsedate_to_datetime(value)
            else:
                expected = datetime.fromisoformat(value)
            if expected.tzinfo is None:
                expected = expected.replace(tzinfo=UTC)
            assert parse_date(value) == expected, value
            checked += 1
    assert checked > 1000


# --- find_date_mentions ----------------------------------------------------------


def _values(text: str, reference: date = SEED_DAY) -> list[tuple[str, date, str]]:
    return [(text[m.start : m.end], m.value, m.kind) for m in find_date_mentions(text, reference)]


def test_seed_article_dates(seed_text: str) -> None:
    found = {text: value for text, value, _ in _values(seed_text)}
    assert found["اليوم الأحد"] == date(2016, 6, 19)
    assert found["أمس السبت"] == date(2016, 6, 18)
    assert found["أول أمس الجمعة"] == date(2016, 6, 17)
    assert found["يوم الخميس"] == date(2016, 6, 16)
    assert found["الجمعة"] == date(2016, 6, 17)
    assert found["19 يونيو 2016"] == date(2016, 6, 19)
    assert not any("الأسبوع" in text for text in found)


@pytest.mark.parametrize(
    ("text", "days_before"),
    [
        ("أعلنت الوزارة اليوم أن", 0),
        ("أعلنت الوزارة اليوم الأحد أن", 0),
        ("أعلنت الوزارة اليوم (الأحد) أن", 0),
        ("أعلنت الوزارة اليوم، الأحد، أن", 0),
        ("أعلنت الوزارة، أمس، أن", 1),
        ("قالت امس السبت إن", 1),
        ("كما أعلن بالأمس أن", 1),
        ("وأمس قال الوزير", 1),
        ("أول أمس الجمعة", 2),
        ("أول من أمس", 2),
        ("أمس الأول", 2),
        ("يصل الوفد غداً", -1),
        ("يصل الوفد غدا الاثنين", -1),
        ("يصل الوفد يوم غد", -1),
        ("يصل الوفد بعد غد", -2),
    ],
)
def test_relative_days(text: str, days_before: int) -> None:
    mentions = find_date_mentions(text, SEED_DAY)
    assert [(m.value, m.kind) for m in mentions] == [
        (SEED_DAY - timedelta(days=days_before), "relative")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("وقعت الغارات يوم الخميس", date(2016, 6, 16)),
        ("وقعت الغارات الخميس", date(2016, 6, 16)),
        ("والخميس قال", date(2016, 6, 16)),
        ("وفي يوم الخميس الماضي", date(2016, 6, 16)),
        ("صدر الأحد", date(2016, 6, 19)),
        ("صدر الأحد الماضي", date(2016, 6, 12)),
        ("يعقد الاجتماع الخميس المقبل", date(2016, 6, 23)),
        ("يعقد الاجتماع الأحد القادم", date(2016, 6, 26)),
        ("يوم الإثنين", date(2016, 6, 13)),
        ("يوم الاثنين", date(2016, 6, 13)),
        ("الأربعاء", date(2016, 6, 15)),
        ("الثلاثاء", date(2016, 6, 14)),
        ("السبت", date(2016, 6, 18)),
    ],
)
def test_weekdays_resolve_to_the_latest_such_day(text: str, expected: date) -> None:
    assert [(m.value, m.kind) for m in find_date_mentions(text, SEED_DAY)] == [
        (expected, "weekday")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "خلال الأسبوع الماضي",
        "في اليوم التالي للهجوم",
        "بمناسبة اليوم الوطني",
        "بعد صلاة الجمعة في المسجد",
        "أحد المسؤولين قال",
        "الشهر الماضي",
    ],
)
def test_expressions_that_are_not_a_day(text: str) -> None:
    assert find_date_mentions(text, SEED_DAY) == []


def test_explicit_dates_in_text() -> None:
    text = "وقعت الحادثة في 16 حزيران، وكان الاتفاق وقع في 2 آب / أغسطس 1990."
    assert _values(text) == [
        ("16 حزيران", date(2016, 6, 16), "explicit"),
        ("2 آب / أغسطس 1990", date(1990, 8, 2), "explicit"),
    ]


def test_day_and_month_without_year_take_the_nearest_past_occurrence() -> None:
    assert _values("في 25 ديسمبر")[0][1] == date(2015, 12, 25)
    assert _values("في 19 يونيو")[0][1] == date(2016, 6, 19)
    assert _values("في 1 يناير")[0][1] == date(2016, 1, 1)


def test_first_of_the_month_in_words() -> None:
    assert _values("غزة أول مايو") == [("أول مايو", date(2016, 5, 1), "explicit")]


def test_hijri_mentions() -> None:
    assert _values("في 14 رمضان 1437 هـ") == [("14 رمضان 1437 هـ", SEED_DAY, "hijri")]
    assert _values("منذ 10 رمضان")[0][1:] == (date(2016, 6, 15), "hijri")


def test_weekday_naming_an_explicit_date_is_one_mention() -> None:
    assert _values("الخميس 16 يونيو 2016") == [
        ("الخميس 16 يونيو 2016", date(2016, 6, 16), "explicit")
    ]


def test_offsets_point_into_the_original_text_despite_diacritics() -> None:
    text = "وَقَالَ الوزيرُ أَمْسِ السَّبْتَ إنَّ الاجتماعَ عُقِدَ يومَ الخَمِيسِ."
    mentions = find_date_mentions(text, SEED_DAY)
    assert [text[m.start : m.end] for m in mentions] == ["أَمْسِ السَّبْتَ", "يومَ الخَمِيسِ"]
    assert [m.value for m in mentions] == [date(2016, 6, 18), date(2016, 6, 16)]


def test_mentions_are_frozen_records() -> None:
    mention = find_date_mentions("اليوم", SEED_DAY)[0]
    assert isinstance(mention, DateMention)
    with pytest.raises(AttributeError):
        mention.value = SEED_DAY  # type: ignore[misc]


# --- resolve_event_date ---------------------------------------------------------


def test_event_date_is_the_first_mention(seed_text: str) -> None:
    sentence = next(line for line in seed_text.split("\n") if "أول أمس الجمعة" in line)
    assert resolve_event_date(sentence, SEED_DAY) == date(2016, 6, 17)
    assert resolve_event_date("قصفت الطائرات يوم الخميس مواقع، وأعلن الجيش اليوم", SEED_DAY) == (
        date(2016, 6, 16)
    )


def test_no_date_in_the_sentence_gives_none() -> None:
    assert resolve_event_date("وقال المتحدث إن الوضع خطير.", SEED_DAY) is None
    assert resolve_event_date("", SEED_DAY) is None
