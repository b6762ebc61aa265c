"""Sentence segmentation benchmark: quality on UD gold boundaries, and speed.

Usage (from the project root):

    .venv/bin/python benchmarks/segmentation.py                 # library + other segmenters
    .venv/bin/python benchmarks/segmentation.py --cli           # also through `akhbar segment`
    .venv/bin/python benchmarks/segmentation.py --data DIR --speed-mb 5

Quality, per gold file in ``<data>/segmentation/*.jsonl`` (``{"text", "sentences"}``):
sentence ends are compared as positions in the stream of non-space characters,
so a segmenter that trims or re-spaces its output is scored fairly.

- boundary P/R/F1: a predicted sentence end is right when a gold sentence ends
  there (the end of each document counts, as one gold sentence ends there);
- sentence F1: a predicted sentence is right when both its ends match a gold
  sentence (the CoNLL 2018 shared-task measure).

Precision on real news: over all article bodies of
``<data>/corpus/articles.jsonl`` (which keep their line breaks), the number of
one-word sentences, the number of boundaries made by the news-layout rules
(neither final punctuation nor a line break there), and how many of those
boundaries touch a one-word sentence. Only those rules can add a boundary, so
when that last figure is 0 the layout rules made no bare place name or other
one-word fragment.

Speed: MB (UTF-8) per second of ``sentence_spans`` over the article bodies of
``<data>/corpus/articles.jsonl`` (real news with paragraph breaks), one core.

Other segmenters are measured when they import (none downloads anything):
pysbd (Arabic mode), sentencex (Arabic), blingfire.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.segment import sentence_spans, split_sentences  # noqa: E402

Segmenter = Callable[[str], list[str]]


def default_data_dir() -> Path:
    env = os.environ.get("AKHBAR_SHARED_DATA")
    return Path(env) if env else ROOT.parent / "shared" / "data"


def load_gold(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def end_positions(sentences: Iterable[str]) -> list[int]:
    """Sentence ends as counts of non-space characters from the document start."""
    ends, total = [], 0
    for sentence in sentences:
        total += sum(1 for ch in sentence if not ch.isspace())
        ends.append(total)
    return ends


def score(gold_docs: list[list[str]], predicted_docs: list[list[str]]) -> dict[str, float]:
    hits = n_pred = n_gold = sent_hits = 0
    for gold, pred in zip(gold_docs, predicted_docs, strict=True):
        gold_ends, pred_ends = end_positions(gold), end_positions(pred)
        hits += len(set(gold_ends) & set(pred_ends))
        n_pred += len(pred_ends)
        n_gold += len(gold_ends)
        gold_spans = set(zip([0, *gold_ends], gold_ends, strict=False))
        pred_spans = set(zip([0, *pred_ends], pred_ends, strict=False))
        sent_hits += len(gold_spans & pred_spans)
    precision = hits / n_pred if n_pred else 0.0
    recall = hits / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    sent_p = sent_hits / n_pred if n_pred else 0.0
    sent_r = sent_hits / n_gold if n_gold else 0.0
    sent_f1 = 2 * sent_p * sent_r / (sent_p + sent_r) if sent_p + sent_r else 0.0
    return {
        "P": precision,
        "R": recall,
        "F1": f1,
        "sentF1": sent_f1,
        "n_pred": n_pred,
        "n_gold": n_gold,
    }


def other_segmenters() -> dict[str, Segmenter]:
    found: dict[str, Segmenter] = {}
    try:
        import pysbd

        pysbd_ar = pysbd.Segmenter(language="ar", clean=False)
        found["pysbd (ar)"] = pysbd_ar.segment
    except ImportError:
        pass
    try:
        import sentencex

        found["sentencex (ar)"] = lambda text: list(sentencex.segment("ar", text))
    except ImportError:
        pass
    try:
        import blingfire

        found["blingfire"] = lambda text: blingfire.text_to_sentences(text).split("\n")
    except ImportError:
        pass
    return found


def run_cli(texts: list[str]) -> list[list[str]]:
    """Segment through `akhbar segment` (JSONL in, JSONL out), one process."""
    lines = "".join(
        json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(texts)
    )
    done = subprocess.run(
        ["akhbar", "segment"], input=lines, capture_output=True, text=True, check=True
    )
    out = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return [record["sentences"] for record in out]


def quality(data: Path, use_cli: bool) -> None:
    segmenters: dict[str, Segmenter] = {"akhbar": split_sentences, **other_segmenters()}
    files = sorted((data / "segmentation").glob("*.jsonl"))
    if not files:
        sys.exit(f"no gold files in {data / 'segmentation'}")
    print(
        f"{'file':24} {'segmenter':16} {'P':>6} {'R':>6} {'F1':>6} {'sentF1':>7} "
        f"{'pred':>6} {'gold':>6}"
    )
    for path in files:
        docs = load_gold(path)
        texts = [doc["text"] for doc in docs]
        gold = [doc["sentences"] for doc in docs]
        runs = {name: [seg(t) for t in texts] for name, seg in segmenters.items()}
        if use_cli:
            if shutil.which("akhbar") is None:
                sys.exit("--cli: `akhbar` is not on PATH (activate .venv)")
            runs["akhbar (cli)"] = run_cli(texts)
        for name, predicted in runs.items():
            s = score(gold, predicted)
            print(
                f"{path.name:24} {name:16} {s['P']:6.3f} {s['R']:6.3f} {s['F1']:6.3f} "
                f"{s['sentF1']:7.3f} {s['n_pred']:6d} {s['n_gold']:6d}"
            )
        # Gold sentences that end without punctuation inside a document (the
        # files join sentences with spaces, so headlines and bylines lose the
        # line break that marks them): no punctuation-based splitter finds these.
        unmarked = sum(
            1 for doc in gold for sentence in doc[:-1] if sentence.rstrip()[-1:] not in ".؟?!"
        )
        total = sum(len(doc) for doc in gold)
        print(f"{path.name:24} {unmarked} of {total} gold ends have no final punctuation")


def corpus_bodies(data: Path, megabytes: float = float("inf")) -> list[str]:
    """Article bodies of the shared corpus, up to ``megabytes`` of UTF-8."""
    bodies: list[str] = []
    size = 0
    with (data / "corpus" / "articles.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            body = json.loads(line).get("body") or ""
            bodies.append(body)
            size += len(body.encode("utf-8"))
            if size >= megabytes * 1e6:
                break
    return bodies


_CLOSERS = "\"'»«”“’)]"


def by_punctuation(sentence: str) -> bool:
    """Whether the sentence ends with final punctuation (maybe inside closing
    quotes or brackets): such a boundary was not made by a layout rule."""
    return sentence.rstrip(_CLOSERS)[-1:] in ".؟?!…"


def layout_precision(data: Path) -> None:
    if not (data / "corpus" / "articles.jsonl").is_file():
        print("corpus precision: articles.jsonl not found, skipped")
        return
    sentences = one_word = layout = touching = 0
    for body in corpus_bodies(data):
        spans = sentence_spans(body)
        sentences += len(spans)
        one_word += sum(1 for a, b in spans if len(body[a:b].split()) == 1)
        for (a1, b1), (a2, b2) in pairwise(spans):
            if "\n" in body[b1:a2] or by_punctuation(body[a1:b1]):
                continue
            layout += 1
            touching += len(body[a1:b1].split()) == 1 or len(body[a2:b2].split()) == 1
    print(
        f"corpus precision: {sentences} sentences, {one_word} of one word; {layout} boundaries "
        f"from layout rules, {touching} of them next to a one-word sentence"
    )


def speed(data: Path, megabytes: float) -> None:
    if not (data / "corpus" / "articles.jsonl").is_file():
        print("speed: articles.jsonl not found, skipped")
        return
    bodies = corpus_bodies(data, megabytes)
    size = sum(len(body.encode("utf-8")) for body in bodies)
    started = time.process_time()
    count = sum(len(sentence_spans(body)) for body in bodies)
    elapsed = time.process_time() - started
    print(
        f"speed: {size / 1e6:.1f} MB, {len(bodies)} articles, {count} sentences in "
        f"{elapsed:.2f} s CPU = {size / 1e6 / elapsed:.1f} MB/s"
    )


def worst_cases(seed: str) -> None:
    """Speed on inputs built to defeat a naive scanner: one paragraph of
    several MB, a dotted token without spaces, thousands of stray quotes and
    brackets."""
    cases = {
        "one 5 MB paragraph": seed.replace("\n", " ") * (5_000_000 // len(seed.encode())),
        "dotted token, 2 MB": "أ." * 500_000,
        "stray marks, 2 MB": '(" «'.replace(" ", "ق. ") * 250_000,
    }
    for name, text in cases.items():
        size = len(text.encode("utf-8")) / 1e6
        started = time.process_time()
        count = len(sentence_spans(text))
        elapsed = max(time.process_time() - started, 1e-9)
        print(f"worst case, {name}: {count} sentences, {size / elapsed:.1f} MB/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--cli", action="store_true", help="also run `akhbar segment`")
    parser.add_argument(
        "--speed-mb",
        type=float,
        default=10.0,
        help="MB of news text for the speed figure (0 to skip)",
    )
    args = parser.parse_args()
    quality(args.data, args.cli)
    layout_precision(args.data)
    if args.speed_mb > 0:
        speed(args.data, args.speed_mb)
        worst_cases((ROOT / "seeds" / "seed_article.txt").read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
