"""event_counts: events per actor pair and CAMEO root, negated ones excluded."""

from __future__ import annotations

from pipeline.aggregate import count_events
from pipeline.schemas import to_table


def _event(article: str, idx: int, source: str | None, target: str | None, code: str,
           goldstein: float, negated: bool = False) -> dict:
    return {
        "event_id": f"{article}-{idx}-{code}", "article_id": article, "sentence_idx": idx,
        "event_date": None, "source_actor": {"text": "x", "code": source},
        "target_actor": {"text": "y", "code": target}, "event_code": code,
        "root_code": code[:2], "quad_class": 4, "goldstein": goldstein,
        "location": {"text": None, "country": None, "lat": None, "lon": None},
        "negated": negated, "quoted_by": None, "confidence": 0.9, "matched": [],
        "coder_version": "test",
    }


def test_counts_group_by_actor_pair_and_root():
    events = to_table("events", [
        _event("a1", 0, "RUS", "SYRREB", "195", -10.0),
        _event("a1", 3, "RUS", "SYRREB", "190", -10.0),
        _event("a2", 1, "RUS", "SYRREB", "195", -10.0),
        _event("a2", 2, "RUS", "SYRREB", "195", -10.0, negated=True),  # denied: not counted
        _event("a2", 4, "USA", None, "112", -2.0),
    ])
    rows = {(r["source_code"], r["target_code"], r["root_code"]): r
            for r in count_events(events).to_pylist()}
    assert set(rows) == {("RUS", "SYRREB", "19"), ("USA", "", "11")}
    strikes = rows[("RUS", "SYRREB", "19")]
    assert (strikes["events"], strikes["articles"], strikes["goldstein_sum"]) == (3, 2, -30.0)
    assert rows[("USA", "", "11")]["events"] == 1
