"""Language flags: Arabic kept for Arabic-only stages, everything else flagged."""

from __future__ import annotations

import json
from datetime import date

import pytest

from pipeline.extract import extract_page
from pipeline.language import detect_language, is_arabic
from pipeline.records import RawPage

ARABIC = "أعلنت الحكومة اليوم عن خطة جديدة لدعم المزارعين في المناطق الريفية خلال الموسم المقبل."
PERSIAN = (
    "دولت امروز برنامه‌ای تازه برای کمک به کشاورزان در روستاهای کشور اعلام کرد"
    " و گفت که این طرح از ماه آینده اجرا می‌شود."
)
URDU = (
    "حکومت نے آج دیہی علاقوں کے کسانوں کی مدد کے لیے ایک نیا منصوبہ پیش کیا ہے"
    " جو اگلے مہینے سے شروع ہوگا۔"
)
KURDISH = "حکوومەتی هەرێمی کوردستان ئەمڕۆ پلانێکی نوێی بۆ پشتگیری جووتیارانی گوندەکان ڕاگەیاند."
ENGLISH = "The government announced a new plan to support farmers in rural areas this season."
FRENCH = "Le gouvernement a annoncé un plan pour les agriculteurs dans les zones rurales."


@pytest.mark.parametrize(
    ("text", "expected"),
    [(ARABIC, "ar"), (PERSIAN, "fa"), (URDU, "ur"), (KURDISH, "ku"), (ENGLISH, "en"),
     (FRENCH, "fr")],
)
def test_languages_are_told_apart(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_arabic_quoting_persian_names_stays_arabic() -> None:
    text = f"{ARABIC} وقال الوزير محمد جواد ظريف إن زيارة كرمانشاه ستتم قريباً. {ARABIC}"
    assert detect_language(text) == "ar"


def test_arabic_article_with_some_english_stays_arabic() -> None:
    assert detect_language(f"{ARABIC} (Reuters, AFP) {ARABIC}") == "ar"


@pytest.mark.parametrize("text", ["", "   ", "123 456 !!!", "نعم"])
def test_too_little_text_is_undetermined(text: str) -> None:
    assert detect_language(text) == "und"


def test_only_arabic_feeds_arabic_only_stages() -> None:
    assert is_arabic("ar")
    assert not any(is_arabic(code) for code in ("fa", "ur", "en", "und"))


def test_persian_news_pages_are_kept_but_flagged(shared_data) -> None:
    """The Persian pages of the shared HTML set extract fine and say "fa"."""
    with (shared_data / "html" / "manifest.jsonl").open(encoding="utf-8") as fh:
        manifest = [json.loads(line) for line in fh]
    checked = 0
    for entry in manifest:
        html = (shared_data / "html" / entry["file"]).read_text(encoding="utf-8")
        page = RawPage("test", entry["url"], archive_date=date(2020, 1, 1), html=html)
        assert extract_page(page).language == entry["language"], entry["file"]
        checked += 1
    assert checked >= 10
