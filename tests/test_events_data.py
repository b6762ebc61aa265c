"""The coder against the shared Arabic event gold data (skipped when absent).

Sentences are read at run time through the ``shared_data`` fixture; none is
copied here. The thresholds are the floors of the issue: a coder that does not
beat keyword matching, or an all-None coder, is not worth shipping.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from pipeline.events import code_article
from pipeline.events.lexicon import tokenize
from pipeline.events.verbs import verb_dictionary

ROOTS = {"ASSAULT": {"18", "19", "20"}, "PROTEST": {"14"}}


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _detects(text: str, event_type: str) -> bool:
    events = code_article(text, published=None, spans=[(0, len(text))])
    return any(e.root_code in ROOTS[event_type] and not e.negated for e in events)


def _keyword(text: str, event_type: str) -> bool:
    matches = verb_dictionary().index.find_all(tokenize(text))
    return any(m.value.code[:2] in ROOTS[event_type] for m in matches)


def _f1(pairs: list[tuple[bool, bool]]) -> float:
    tp = sum(gold and pred for gold, pred in pairs)
    fp = sum(pred and not gold for gold, pred in pairs)
    fn = sum(gold and not pred for gold, pred in pairs)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


@pytest.fixture(scope="module")
def detection(shared_data: Path) -> list[dict]:
    return [r for r in _rows(shared_data / "events" / "detection.dev.jsonl")
            if r["label"] != "ambiguous"]


@pytest.mark.parametrize(("event_type", "floor"), [("ASSAULT", 0.29), ("PROTEST", 0.12)])
def test_detection_beats_keyword_matching(detection, event_type, floor):
    rows = [r for r in detection if r["event_type"] == event_type]
    coder = [(r["label"] == "yes", _detects(r["text"], event_type)) for r in rows]
    keyword = [(r["label"] == "yes", _keyword(r["text"], event_type)) for r in rows]
    assert _f1(coder) > max(floor, _f1(keyword))


def test_difficult_negatives_are_mostly_rejected(detection):
    rows = [r for r in detection if r["label"] == "difficult no"]
    fired = sum(_detects(r["text"], r["event_type"]) for r in rows)
    keyword = sum(_keyword(r["text"], r["event_type"]) for r in rows)
    assert fired < 0.5 * len(rows) and fired < 0.6 * keyword


def test_assault_sources_beat_the_all_none_coder(shared_data):
    """Where the gold names the attacker's country, the coder finds it more
    often than not; an all-None coder never does."""
    rows = [r for r in _rows(shared_data / "events" / "gold_sentences.dev.jsonl")
            if r["category"] == "ASSAULT" and r["gold"]["source_country"] != "None"]
    hits = 0
    for row in rows:
        published = date(int(row["date"][:4]), int(row["date"][4:6]), int(row["date"][6:8]))
        events = code_article(row["text"], published=published, spans=[(0, len(row["text"]))])
        countries = {(e.source.code or "")[:3] for e in events if e.root_code in ROOTS["ASSAULT"]}
        hits += row["gold"]["source_country"] in countries
    assert rows and hits / len(rows) > 0.3
