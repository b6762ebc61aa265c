"""Matching form and stored form of Arabic text."""

from __future__ import annotations

from camel_tools.utils.normalize import normalize_unicode

from pipeline.normalize import matching_key, normalize_for_matching, strip_invisible


def test_strip_invisible_keeps_letters_and_drops_junk():
    text = "\u200fأعلنت\u200b  الوزارة&quot;\u00a0اليوم\r\n\n\n\nوأضافت"
    assert strip_invisible(text) == 'أعلنت الوزارة" اليوم\n\nوأضافت'


def test_spelling_variants_share_one_matching_key():
    variants = [
        "روسيا وأميركا تتفقان على تحسين التنسيق العسكري في سورية",
        "روسيا وامـــيركا تتّفقان علی تحسين التنسيق العسكري في سوريه!",
        "\u200fروسيا  وإميركا تتفقان على تحسين التنسيق العسكري في سورية.",
    ]
    assert len({matching_key(v) for v in variants}) == 1


def test_digits_and_latin_are_folded():
    assert normalize_for_matching("قتل ١٥ شخصا في UN") == "قتل 15 شخصا في un"


def test_word_ligatures_follow_camel_tools():
    # camel-tools expands the rial and basmala ligatures before NFKC.
    text = "السعر 5 \ufdfc"
    assert normalize_for_matching(text) == normalize_for_matching(normalize_unicode(text))
    assert "ريال" in normalize_for_matching(text)
