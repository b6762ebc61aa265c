"""Extraction quality on the shared HTML pages: akhbar vs plain trafilatura.

For every page of ``<data>/html/manifest.jsonl`` with ground truth, prints
word-level body precision/recall/F1 (pages with a full reference body), the
with/without snippet checks (trafilatura's own eval page), title accuracy and
date accuracy, for ``pipeline.extract.extract_page`` and for
``trafilatura.extract`` / ``bare_extraction`` with default settings, in the same
run. Also prints the time per page of each.

    .venv/bin/python benchmarks/extraction.py [--data ../shared/data] [--show]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from statistics import mean

import trafilatura

from pipeline.extract import ExtractionError, extract_page
from pipeline.normalize import matching_key, strip_invisible
from pipeline.records import RawPage


@dataclass
class Result:
    title: str | None
    body: str
    published: date | None
    seconds: float


@dataclass
class Scores:
    f1: list[float] = field(default_factory=list)
    precision: list[float] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)
    title_exact: list[bool] = field(default_factory=list)
    title_key: list[bool] = field(default_factory=list)
    date: list[bool] = field(default_factory=list)
    snippets: list[bool] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)


def words(text: str) -> Counter[str]:
    return Counter(matching_key(text).split())


def prf(predicted: str, reference: str) -> tuple[float, float, float]:
    got, want = words(predicted), words(reference)
    overlap = sum((got & want).values())
    precision = overlap / max(1, sum(got.values()))
    recall = overlap / max(1, sum(want.values()))
    f1 = 2 * precision * recall / (precision + recall) if overlap else 0.0
    return precision, recall, f1


def ours(entry: dict, html: str) -> Result:
    started = time.perf_counter()
    page = RawPage("bench", entry["url"], date(2000, 1, 1), html=html)
    try:
        got = extract_page(page)
    except ExtractionError:
        return Result(None, "", None, time.perf_counter() - started)
    published = None
    if got.published:  # the source's local day when the page stated its offset
        published = (got.published + (got.published_offset or timedelta())).date()
    return Result(got.title, got.body, published, time.perf_counter() - started)


def plain_trafilatura(entry: dict, html: str) -> Result:
    started = time.perf_counter()
    body = trafilatura.extract(html, url=entry["url"]) or ""
    seconds = time.perf_counter() - started  # metadata below is not timed: same parse
    doc = trafilatura.bare_extraction(html, url=entry["url"], with_metadata=True)
    published = date.fromisoformat(doc.date[:10]) if doc and doc.date else None
    return Result(doc.title if doc else None, body, published, seconds)


def reference(entry: dict, data: Path) -> dict:
    """Title, body, date and snippets of a page's ground truth, where known."""
    truth = entry["ground_truth"]
    out: dict = {"title": truth.get("title") or None}
    if entry["file"].startswith("fundus__"):
        gt = json.loads((data / "html" / "fundus__LBCGroup.groundtruth.json").read_text())
        paragraphs = truth.get("body_paragraphs") or _fundus_paragraphs(gt)
        out["body"] = "\n".join(paragraphs)
    elif "text" in truth:
        out["body"] = truth["text"]
    raw_date = truth.get("date") or truth.get("publishing_date") or truth.get("time")
    if raw_date:
        out["date"] = datetime.fromisoformat(raw_date).date()
    if truth.get("with"):
        out["with"], out["without"] = truth["with"], truth.get("without", [])
    return out


def _fundus_paragraphs(gt: dict) -> list[str]:
    body = next(iter(gt.values())).get("body", {})
    return [p for section in body.get("sections", []) for p in section.get("paragraphs", [])]


def score(result: Result, ref: dict, into: Scores) -> dict:
    row: dict = {}
    into.seconds.append(result.seconds)
    if "body" in ref:
        p, r, f = prf(result.body, ref["body"])
        into.precision.append(p)
        into.recall.append(r)
        into.f1.append(f)
        row["f1"] = f"{f:.3f}"
    if "with" in ref:
        body = matching_key(result.body)
        ok = all(matching_key(s) in body for s in ref["with"]) and not any(
            matching_key(s) in body for s in ref["without"]
        )
        into.snippets.append(ok)
        row["snip"] = ok
    if ref.get("title"):
        title = " ".join(strip_invisible(result.title or "").split())
        exact = title == " ".join(strip_invisible(ref["title"]).split())
        into.title_exact.append(exact)
        into.title_key.append(matching_key(title) == matching_key(ref["title"]))
        row["title"] = exact
    if ref.get("date"):
        ok = result.published == ref["date"]
        into.date.append(ok)
        row["date"] = f"{'ok' if ok else result.published}"
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).parents[2] / "shared" / "data")
    parser.add_argument("--show", action="store_true", help="print per-page rows")
    args = parser.parse_args()
    manifest = [json.loads(line) for line in (args.data / "html" / "manifest.jsonl").open()]
    totals = {"akhbar": Scores(), "trafilatura": Scores()}
    for entry in manifest:
        html = (args.data / "html" / entry["file"]).read_text(encoding="utf-8")
        ref = reference(entry, args.data)
        rows = {
            "akhbar": score(ours(entry, html), ref, totals["akhbar"]),
            "trafilatura": score(plain_trafilatura(entry, html), ref, totals["trafilatura"]),
        }
        if args.show:
            print(f"{entry['file'][:40]:40s} akhbar={rows['akhbar']} plain={rows['trafilatura']}")

    def avg(values: list) -> str:
        return f"{mean(values):.3f} (n={len(values)})" if values else "-"

    print(f"{'measure':22s} {'akhbar':>16s} {'trafilatura':>16s}")
    for label, attr in [
        ("body precision", "precision"),
        ("body recall", "recall"),
        ("body F1", "f1"),
        ("snippets with/without", "snippets"),
        ("title exact", "title_exact"),
        ("title (matching key)", "title_key"),
        ("date (local day)", "date"),
        ("seconds per page", "seconds"),
    ]:
        ours_v, plain_v = getattr(totals["akhbar"], attr), getattr(totals["trafilatura"], attr)
        print(f"{label:22s} {avg(ours_v):>16s} {avg(plain_v):>16s}")


if __name__ == "__main__":
    main()
