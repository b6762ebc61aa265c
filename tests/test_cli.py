"""The ``akhbar`` command line: help, and the JSONL contracts of the stage commands."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

AKHBAR = str(Path(sys.executable).parent / "akhbar")


def _jsonl(command: str, records: list[dict | str]) -> list[dict]:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    proc = subprocess.run([AKHBAR, command], input="\n".join(lines) + "\n", text=True,
                          capture_output=True, timeout=300, check=True)
    return [json.loads(line) for line in proc.stdout.splitlines()]


def test_help_lists_the_commands():
    out = subprocess.run([AKHBAR, "--help"], capture_output=True, text=True, check=True).stdout
    for command in ("run", "extract", "segment", "events", "show", "report"):
        assert command in out


def test_extract_contract_on_the_seed(seed_text):
    (result,) = _jsonl("extract", [{"id": "seed", "text": seed_text}])
    assert set(result) == {"id", "title", "body", "published", "authors", "lead", "language"}
    assert result["id"] == "seed"
    assert result["title"] == "روسيا وأميركا تتفقان على تحسين التنسيق العسكري في سورية"
    assert result["published"].startswith("2016-06-19")
    assert result["body"].startswith("أعلنت وزارة الدفاع الروسية")
    assert result["language"] == "ar"


def test_segment_keeps_order_and_reports_bad_lines():
    results = _jsonl("segment", [
        {"id": 1, "text": "قال الوزير إن المحادثات مستمرة. وأضاف أنها ستنتهي غداً."},
        "not json",
        {"id": 3, "text": "جملة واحدة فقط"},
    ])
    assert [r.get("id") for r in results] == [1, None, 3]
    assert results[0]["sentences"] == ["قال الوزير إن المحادثات مستمرة.", "وأضاف أنها ستنتهي غداً."]
    assert "error" in results[1]
    assert results[2]["sentences"] == ["جملة واحدة فقط"]


def test_events_contract(seed_text):
    body = seed_text.split("+ الخط -", 1)[1]
    (result,) = _jsonl("events", [{"id": "s", "text": body, "published": "2016-06-19"}])
    assert result["id"] == "s" and result["events"]
    keys = {"sentence_idx", "source", "target", "event_code", "root_code", "quad_class",
            "goldstein", "event_date", "location", "negated", "quoted_by"}
    for event in result["events"]:
        assert set(event) == keys
        assert isinstance(event["event_code"], str) and event["event_code"].startswith(
            event["root_code"])
        assert event["quad_class"] in (1, 2, 3, 4)
