"""Per-source boilerplate: learned from the source's own articles, stored as
readable JSON, compared on the matching form."""

from __future__ import annotations

import json

import pytest

from pipeline.boilerplate import BoilerplateLearner, BoilerplateModel

FOOTER = "حمّل تطبيقنا الجديد لتصلك آخر الأخبار على هاتفك"
CREDIT = "عين المدينة – متابعات"


def _story(i: int) -> str:
    return (
        f"قال المسؤول في تصريح رقم {i} إن الاجتماع رقم {i} انتهى.\n"
        f"وأضاف أن الجلسة {i} ستعقد لاحقاً."
    )


def _learner_with(source: str, n: int, extra: str) -> BoilerplateLearner:
    learner = BoilerplateLearner()
    for i in range(n):
        learner.add(source, f"{CREDIT}\n{_story(i)}\n{extra}")
    return learner


def test_lines_recurring_across_a_sources_articles_are_learned() -> None:
    model = _learner_with("site", 20, FOOTER).model(min_count=5)
    assert model.is_boilerplate("site", FOOTER)
    assert model.is_boilerplate("site", CREDIT)
    assert not model.is_boilerplate("site", "قال المسؤول في تصريح رقم 3 إن الاجتماع رقم 3 انتهى.")


def test_matching_ignores_letter_forms_diacritics_and_invisible_marks() -> None:
    model = _learner_with("site", 20, FOOTER).model(min_count=5)
    assert model.is_boilerplate("site", "\u200fحمل تطبيقنا الجديد لتصلك اخر الاخبار علي هاتفك.")


def test_lines_are_learned_per_source() -> None:
    model = _learner_with("site", 20, FOOTER).model(min_count=5)
    assert not model.is_boilerplate("other-site", FOOTER)


def test_rare_lines_and_small_batches_learn_nothing() -> None:
    model = _learner_with("site", 4, FOOTER).model(min_count=5)
    assert not model.is_boilerplate("site", FOOTER)


def test_share_threshold_keeps_common_formulas_in_large_archives() -> None:
    learner = BoilerplateLearner()
    for i in range(1000):
        learner.add("site", _story(i) + ("\nوقال المتحدث" if i % 100 == 0 else ""))
    assert not learner.model(min_count=5, min_share=0.02).is_boilerplate("site", "وقال المتحدث")
    assert learner.model(min_count=5, min_share=0.005).is_boilerplate("site", "وقال المتحدث")


def test_the_same_article_fetched_many_times_is_counted_once() -> None:
    learner = BoilerplateLearner()
    for _ in range(30):
        learner.add("site", _story(1))
    assert learner.model(min_count=5).lines["site"] == {}


def test_learning_resumes_from_a_stored_model_without_forgetting() -> None:
    """Later runs see bodies already cleaned of the footer; it stays learned."""
    first = _learner_with("site", 20, FOOTER).model(min_count=5)
    learner = BoilerplateLearner(previous=first)
    for i in range(100, 400):
        learner.add("site", _story(i))
    resumed = learner.model(min_count=5)
    assert resumed.is_boilerplate("site", FOOTER)
    assert resumed.documents["site"] == 320


def test_model_round_trips_through_readable_json(tmp_path) -> None:
    model = _learner_with("site", 20, FOOTER).model(min_count=5)
    path = tmp_path / "state" / "boilerplate" / "site.json"
    model.save(path)
    stored = json.loads(path.read_text(encoding="utf-8"))
    texts = {line["text"] for line in stored["sources"]["site"]["lines"]}
    assert {FOOTER, CREDIT} <= texts  # inspectable: the original text is stored
    assert stored["sources"]["site"]["documents"] == 20
    loaded = BoilerplateModel.load(path)
    assert loaded.is_boilerplate("site", FOOTER)
    assert loaded.lines == model.lines


def test_a_line_added_by_hand_to_the_file_is_honoured(tmp_path) -> None:
    path = tmp_path / "site.json"
    path.write_text(
        json.dumps(
            {"format_version": 1, "sources": {"site": {"lines": [{"text": "تابعونا على تويتر"}]}}},
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    assert BoilerplateModel.load(path).is_boilerplate("site", "تابعونا على تويتر")


def test_unknown_file_format_is_a_clear_error(tmp_path) -> None:
    path = tmp_path / "site.json"
    path.write_text('{"format_version": 99, "sources": {}}', encoding="utf-8")
    with pytest.raises(ValueError, match="format"):
        BoilerplateModel.load(path)
