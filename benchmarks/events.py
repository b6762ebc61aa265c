"""Evaluate the Arabic CAMEO event coder on the shared development sets.

Prints, for a deterministic document-level split (``tune`` = documents whose
id hash is not 0 mod 5, ``held-out`` = the rest, never looked at while writing
the dictionaries):

* detection (``detection.dev.jsonl``): for each sentence labelled for ASSAULT
  (CAMEO roots 18, 19, 20) or PROTEST (root 14), does the coder produce a
  non-negated event of that type? Precision, recall and F1 per type, and the
  false-positive rate on the "difficult no" and "easy no" sentences;
* coding (``gold_sentences.dev.jsonl``): accuracy of the category and of the
  source/target (country, sector) of the most confident event of the right
  family, against the noisy single gold event of each sentence (a merge of
  the annotators' codings) and against any one annotator's coding (``any:``),
  on each split and on the five folds of tune;
* spread: how far detection F1 moves with the sample (tune F1 on five folds
  of its documents, and a 95% interval from resampling documents); the dev
  sets are small (33 held-out ASSAULT "yes" sentences), so a change worth
  less than that spread is not shown to generalise;
* speed: articles and sentences per second over ``corpus/articles.jsonl``.

Usage: .venv/bin/python benchmarks/events.py [--data ../shared/data] [--articles 500]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from pipeline.events import code_article
from pipeline.events.lexicon import tokenize
from pipeline.events.verbs import verb_dictionary
from pipeline.records import Event
from pipeline.segment import sentence_spans

ROOT = Path(__file__).resolve().parents[1]

BOOTSTRAP_SAMPLES = 1000
STRICT = 0.7  # a stricter confidence filter a user may apply on top of the shipped one
ROOTS = {"ASSAULT": {"18", "19", "20"}, "PROTEST": {"14"}}
_ROLES = (
    "GOV", "MIL", "REB", "OPP", "COP", "CVL", "UAF", "JUD", "LEG", "SPY", "INS", "SEP",
    "PTY", "MED", "EDU", "REF", "HLH", "BUS", "LAB", "REL", "CRM", "ELI",
)


def split_of(document_id: str) -> str:
    """Deterministic document-level split: one document never straddles both."""
    return "held-out" if zlib.crc32(document_id.encode()) % 5 == 0 else "tune"


def document_of(sentence_id: str) -> str:
    """The document of a sentence id: Gigaword ids end in ``-N``, web-news ids in ``_N``.

    Splitting only on ``-`` made every web-news sentence (474 PROTEST rows) its
    own document, so sentences of one article straddled tune and held-out.
    """
    return re.sub(r"[-_]\d+$", "", sentence_id)


def published_of(sentence_id: str) -> date | None:
    """The article date in a Gigaword-style id (AAW_ARB_20071026.0026-2)."""
    match = re.search(r"_(\d{4})(\d{2})(\d{2})\.", sentence_id)
    return date(*map(int, match.groups())) if match else None


def read_jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def events_of(text: str, published: date | None = None) -> list[Event]:
    return code_article(text, published=published, spans=[(0, len(text))])


def country_sector(code: str | None) -> tuple[str, str]:
    """("USA", "MIL") from "USAMIL"; "None" where the code says nothing."""
    if not code:
        return "None", "None"
    country = code[:3] if code[:3] not in _ROLES else "None"
    rest = code[3:] if country != "None" else code
    sector = next((rest[i : i + 3] for i in range(0, len(rest), 3) if rest[i : i + 3] in _ROLES),
                  "None")
    return country, sector


def fold_of(document_id: str, folds: int = 5) -> int:
    """A fold of the tune split, independent of the split's own hash."""
    return zlib.adler32(document_id.encode()) % folds


# One scored sentence: (event type, split, document, gold label, coder found an event).
Outcome = tuple[str, str, str, str, bool]


def _rate(counts: Counter, label: str) -> float:
    """Share of the sentences with ``label`` where the coder found an event."""
    return counts[(label, True)] / max(1, counts[(label, True)] + counts[(label, False)])


def f1(outcomes: list[Outcome]) -> float:
    """Detection F1 of the outcomes ("yes" is positive, both kinds of "no" negative)."""
    tp = sum(1 for *_, label, found in outcomes if found and label == "yes")
    fp = sum(1 for *_, label, found in outcomes if found and label != "yes")
    fn = sum(1 for *_, label, found in outcomes if not found and label == "yes")
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def detection(path: Path) -> list[Outcome]:
    """Print the detection table; return the plain coder's outcome per sentence."""
    counts: dict[tuple[str, str], Counter] = {}
    outcomes: list[Outcome] = []
    for row in read_jsonl(path):
        if row["label"] == "ambiguous":
            continue
        document = document_of(row["id"])
        split = split_of(document)
        found = [e for e in events_of(row["text"], published_of(row["id"]))
                 if e.root_code in ROOTS[row["event_type"]] and not e.negated]
        counts.setdefault((row["event_type"], split), Counter())[(row["label"], bool(found))] += 1
        outcomes.append((row["event_type"], split, document, row["label"], bool(found)))
        confident = any(e.confidence >= STRICT for e in found)
        strict = counts.setdefault((row["event_type"], f"{split}/c{STRICT}"), Counter())
        strict[(row["label"], confident)] += 1
        keyword = any(m.value.code[:2] in ROOTS[row["event_type"]]
                      for m in verb_dictionary().index.find_all(tokenize(row["text"])))
        baseline = counts.setdefault((row["event_type"], split + "/kw"), Counter())
        baseline[(row["label"], keyword)] += 1
    print("== detection (non-negated event of the labelled type; "
          f"'/c{STRICT}' = only events with confidence >= {STRICT}; "
          "'/kw' = any dictionary word of the type, the keyword baseline) ==")
    print(f"{'type':8} {'split':13} {'n':>5} {'P':>6} {'R':>6} {'F1':>6} "
          f"{'FP@diff':>8} {'FP@easy':>8}")
    for (event_type, split), c in sorted(counts.items()):
        tp, fn = c[("yes", True)], c[("yes", False)]
        fp = c[("difficult no", True)] + c[("easy no", True)]
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        diff = _rate(c, "difficult no")
        easy = _rate(c, "easy no")
        n = sum(c.values())
        print(f"{event_type:8} {split:13} {n:5d} {p:6.3f} {r:6.3f} {f1:6.3f} "
              f"{diff:8.3f} {easy:8.3f}")
    return outcomes


def spread(outcomes: list[Outcome]) -> None:
    """Print tune F1 per fold of documents and a bootstrap interval of F1 per split.

    Documents, not sentences, are resampled: sentences of one article share
    their wording and their annotators, so they are not independent.
    """
    print(f"== spread of detection F1 (tune: five folds of its documents; 95% interval: "
          f"{BOOTSTRAP_SAMPLES} resamples of documents, seed 0) ==")
    groups: dict[tuple[str, str], dict[str, list[Outcome]]] = {}
    for outcome in outcomes:
        event_type, split, document = outcome[:3]
        groups.setdefault((event_type, split), {}).setdefault(document, []).append(outcome)
    rng = random.Random(0)
    for (event_type, split), documents in sorted(groups.items()):
        names = sorted(documents)
        samples = sorted(
            f1([o for name in rng.choices(names, k=len(names)) for o in documents[name]])
            for _ in range(BOOTSTRAP_SAMPLES)
        )
        low = samples[int(0.025 * BOOTSTRAP_SAMPLES)]
        high = samples[int(0.975 * BOOTSTRAP_SAMPLES) - 1]
        line = (f"{event_type:8} {split:9} F1 {f1([o for d in names for o in documents[d]]):.3f}"
                f"  95% interval {low:.3f} - {high:.3f}")
        if split == "tune":
            folds = [f1([o for d in names if fold_of(d) == k for o in documents[d]])
                     for k in range(5)]
            line += "  folds " + " ".join(f"{value:.3f}" for value in folds)
        print(line)


CODING_FIELDS = ("source country", "source sector", "target country", "target sector")


def coding_scores(row: dict, best: Event | None) -> Counter:
    """What the coder's event got right in one gold sentence.

    Each field is scored twice: against the gold, a merge of the annotators'
    codings field by field, and against any one annotator's coding (``any:``),
    since matching one careful annotator is also right; the ``any:`` pairs and
    triple need one annotator to agree on the whole of it.
    """
    gold = row["gold"]
    category = None
    if best:
        category = next(t for t, roots in ROOTS.items() if best.root_code in roots)
    src = country_sector(best.source.code if best else None)
    tgt = country_sector(best.target.code if best else None)
    mine = (*src, *tgt)
    gold_codes = (gold["source_country"], gold["source_sector"],
                  gold["target_country"], gold["target_sector"])
    annotators = [(*(str(v) for v in a["source_code"]), *(str(v) for v in a["target_code"]))
                  for a in row["annotator_codings"]]
    cat_ok = category == row["category"]
    c = Counter(n=1, category=cat_ok)
    for prefix, codings in (("", [gold_codes]), ("any: ", annotators)):
        for i, name in enumerate(CODING_FIELDS):
            c[prefix + name] += any(mine[i] == a[i] for a in codings)
        c[prefix + "category+source"] += cat_ok and any(mine[:2] == a[:2] for a in codings)
        c[prefix + "triple"] += cat_ok and any(mine == a for a in codings)
    c["all-None floor: category+source"] += gold_codes[:2] == ("None", "None")
    c["all-None floor: triple"] += gold_codes == ("None",) * 4
    return c


def coding(path: Path) -> None:
    """Print coding accuracy per split, and per fold of the tune split."""
    scores: dict[str, Counter] = {}
    for row in read_jsonl(path):
        document = document_of(row["doc_sentence_id"])
        split = split_of(document)
        published = date(int(row["date"][:4]), int(row["date"][4:6]), int(row["date"][6:8]))
        family = [e for e in events_of(row["text"], published)
                  if not e.negated and any(e.root_code in r for r in ROOTS.values())]
        # The most confident event, the one with more actors on ties.
        best = max(family, default=None, key=lambda e: (
            e.confidence, bool(e.source.code) + bool(e.target.code)))
        c = coding_scores(row, best)
        scores.setdefault(split, Counter()).update(c)
        if split == "tune":
            scores.setdefault(f"tune/f{fold_of(document)}", Counter()).update(c)
    print("== coding (most confident ASSAULT/PROTEST event, more actors on ties, vs the gold "
          "event; 'any:' = vs any one annotator; tune/fN = fold N of tune) ==")
    for split, c in sorted(scores.items()):
        n = c.pop("n")
        figures = "  ".join(f"{k} {c[k] / n:.3f}" for k in sorted(c, key=_coding_order))
        print(f"{split:9} n={n:4d}  {figures}")


def _coding_order(name: str) -> tuple[bool, bool, str]:
    """Gold figures first, then ``any:``, then the floors; fields in their own order."""
    order = ("category", *CODING_FIELDS, "category+source", "triple")
    base = name.removeprefix("any: ")
    return (name.startswith("all-None"), name.startswith("any: "),
            f"{order.index(base):02d}" if base in order else base)


def speed(path: Path, limit: int) -> None:
    rows = [r for _, r in zip(range(limit), read_jsonl(path), strict=False) if r.get("body")]
    spans = [sentence_spans(r["body"]) for r in rows]
    code_article("تمهيد", published=None)  # compile the dictionaries outside the timing
    n_sentences = sum(map(len, spans))
    print("== speed (segmentation excluded; 'warm' = word-form caches filled, as in a long run, "
          "best of 3 runs: the machine is shared) ==")
    for run, repeats in (("cold", 1), ("warm", 3)):
        seconds = float("inf")
        for _ in range(repeats):
            start = time.process_time()
            n_events = 0
            for row, article_spans in zip(rows, spans, strict=True):
                n_events += len(code_article(row["body"], published=None, title=row.get("title"),
                                             spans=article_spans))
            seconds = min(seconds, time.process_time() - start)
        print(f"{run}: {len(rows)} articles, {n_sentences} sentences, {n_events} events in "
              f"{seconds:.2f} s CPU: {len(rows) / seconds:.1f} articles/s, "
              f"{n_sentences / seconds:.0f} sentences/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path,
                        default=ROOT.parent / "shared" / "data")
    parser.add_argument("--articles", type=int, default=300, help="articles timed (0: skip)")
    args = parser.parse_args()
    spread(detection(args.data / "events" / "detection.dev.jsonl"))
    coding(args.data / "events" / "gold_sentences.dev.jsonl")
    if args.articles:
        speed(args.data / "corpus" / "articles.jsonl", args.articles)


if __name__ == "__main__":
    main()
