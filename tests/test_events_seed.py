"""The seed article's events (issue 7): what a reader of it would code.

Asserted by CAMEO family and actor-country prefix, not by exact output, so the
dictionaries can grow without rewriting the test.
"""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.events import code_article
from pipeline.records import Event
from pipeline.segment import sentence_spans

PUBLISHED = date(2016, 6, 19)  # a Sunday


@pytest.fixture(scope="module")
def coded(seed_text: str) -> tuple[list[Event], list[str]]:
    spans = sentence_spans(seed_text)
    sentences = [seed_text[start:end] for start, end in spans]
    title = sentences[0]
    return code_article(seed_text, published=PUBLISHED, title=title, spans=spans), sentences


def _code(event_actor_code: str | None) -> str:
    return event_actor_code or ""


def test_russia_and_united_states_agree_to_cooperate(coded):
    events, _ = coded
    assert any(
        e.root_code in {"03", "05"} and not e.negated
        and {_code(e.source.code)[:3], _code(e.target.code)[:3]} == {"RUS", "USA"}
        for e in events
    )


def test_pentagon_disapproves_of_the_strikes(coded):
    events, _ = coded
    assert any(
        e.root_code == "11" and not e.negated
        and _code(e.source.code).startswith("USA") and _code(e.target.code).startswith("RUS")
        for e in events
    )


def test_russian_strikes_on_us_backed_syrian_rebels(coded):
    events, _ = coded
    assert any(
        e.root_code == "19" and not e.negated
        and _code(e.source.code).startswith("RUS") and e.target.code == "SYRREB"
        for e in events
    )


def test_russia_denies_and_its_denied_bombing_is_flagged(coded):
    events, _ = coded
    assert any(
        (e.event_code == "016" or e.root_code == "12") and _code(e.source.code).startswith("RUS")
        and not e.negated
        for e in events
    )
    # The bombing Russia denies is coded, but flagged as not having happened.
    assert any(
        e.root_code == "19" and e.negated and _code(e.source.code).startswith("RUS")
        for e in events
    )


@pytest.mark.parametrize(
    ("expression", "day"),
    [
        ("اليوم الأحد", date(2016, 6, 19)),
        ("أمس السبت", date(2016, 6, 18)),
        ("أول أمس الجمعة", date(2016, 6, 17)),
        ("يوم الخميس", date(2016, 6, 16)),
    ],
)
def test_events_are_dated_from_their_sentence(coded, expression, day):
    events, sentences = coded
    dated = [e for e in events if expression in sentences[e.sentence_idx]
             and not (expression == "أمس السبت" and "أول" in sentences[e.sentence_idx])]
    assert dated, f"no event coded in the sentence with {expression!r}"
    assert {e.event_date for e in dated} == {day}


def test_every_event_is_well_formed(coded):
    events, sentences = coded
    assert events
    for e in events:
        assert 0 <= e.sentence_idx < len(sentences)
        assert e.event_code.startswith(e.root_code)
        assert e.quad_class in {1, 2, 3, 4}
        assert -10.0 <= e.goldstein <= 10.0
        assert 0.0 < e.confidence <= 1.0
        assert e.matched
