"""Headline and boilerplate removal on the shared corpora, with throughput.

Learns each source's boilerplate from the corpus itself (as a backfill would),
cleans every body with ``pipeline.clean.clean_body`` and prints, per corpus:
bodies that start with their title (all, and those whose title has 5+ words:
shorter titles often are the text's own first words, "السلام قصة خالدة ...")
and bodies that contain a known boilerplate line, before and after cleaning;
how much text cleaning removed; the bodies that lost the largest share (to
check by hand that only boilerplate went); and bodies per second.

    .venv/bin/python benchmarks/cleaning.py [--data ../shared/data] [--limit N] [--show 20]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import time
from collections import Counter
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from pipeline.boilerplate import BoilerplateLearner
from pipeline.clean import clean_body
from pipeline.normalize import matching_key, strip_invisible

CORPORA = ("saudinewsnet_full.jsonl.gz", "ant_multisource_full.jsonl.gz",
           "ant_v1_jawharafm_full.jsonl.gz")
# Boilerplate lines named in the data notes (corpus/SOURCES.md) and the issue.
KNOWN_BOILERPLATE = [
    "عين اليوم – متابعات",
    "للتواصل مع الكاتب ارسل رسالة SMS",
    "** جميع المقالات المنشورة تمثل رأي كتابها فقط.",
    "يمكنكم استلام إشعارات بأهم الموضوعات بعد تحميل أحدث نسخة من تطبيق بي بي سي عربي على "
    "هاتفكم المحمول.",
    "يمكنكم تسلم إشعارات بأهم الموضوعات بعد تحميل أحدث نسخة من تطبيق بي بي سي عربي على "
    "هاتفكم المحمول.",
]
_KNOWN_KEYS = {matching_key(line) for line in KNOWN_BOILERPLATE}


def rows(path: Path, limit: int | None) -> Iterator[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in islice(fh, limit):
            row = json.loads(line)
            if row.get("body", "").strip():
                yield row


def starts_with_title(title: str, body: str) -> bool:
    key = matching_key(title).replace(" ", "")
    return bool(key) and matching_key(body[: 3 * len(title) + 40]).replace(" ", "").startswith(key)


def has_known_line(body: str) -> bool:
    return any(matching_key(line) in _KNOWN_KEYS for line in body.split("\n"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).parents[2] / "shared" / "data")
    parser.add_argument("--limit", type=int, default=None, help="bodies per corpus")
    parser.add_argument("--show", type=int, default=10, help="most-shortened bodies to print")
    args = parser.parse_args()
    for name in CORPORA:
        corpus = list(rows(args.data / "corpus" / name, args.limit))
        started = time.perf_counter()
        learner = BoilerplateLearner()
        for row in corpus:
            learner.add(row["source"] or "unknown", row["body"])
        model = learner.model()
        learn_seconds = time.perf_counter() - started

        before, after = Counter(), Counter()
        removed_words, total_words = 0, 0
        shortened: list[tuple[float, dict, str]] = []
        started = time.perf_counter()
        cleaned_bodies = [
            clean_body(row["title"], row["body"], model, source_id=row["source"] or "unknown")
            for row in corpus
        ]
        clean_seconds = time.perf_counter() - started
        for row, cleaned in zip(corpus, cleaned_bodies, strict=True):
            long_title = len(matching_key(row["title"]).split()) >= 5
            for counter, body in ((before, row["body"]), (after, cleaned)):
                starts = starts_with_title(row["title"], body)
                counter["starts with title"] += starts
                counter["... title of 5+ words"] += starts and long_title
                counter["known boilerplate line"] += has_known_line(body)
            words_before, words_after = len(row["body"].split()), len(cleaned.split())
            total_words += words_before
            removed_words += words_before - words_after
            shortened.append((1 - words_after / max(1, words_before), row, cleaned))

        learned = sum(len(lines) for lines in model.lines.values())
        print(f"== {name}: {len(corpus)} bodies, {learned} learned lines in "
              f"{len(model.lines)} sources (learning {len(corpus) / learn_seconds:.0f} bodies/s)")
        for measure in ("starts with title", "... title of 5+ words", "known boilerplate line"):
            print(f"   {measure:24s} before {before[measure]:6d}  after {after[measure]:6d}")
        print(f"   words removed {removed_words} of {total_words} "
              f"({100 * removed_words / max(1, total_words):.2f}%); "
              f"bodies emptied: {sum(1 for c in cleaned_bodies if not c.strip())}; "
              f"cleaning {len(corpus) / clean_seconds:.0f} bodies/s")
        shortened.sort(key=lambda item: -item[0])
        sample = shortened[: args.show] + random.Random(0).sample(shortened, min(args.show, 5))
        for share, row, cleaned in sample:
            gone = [line for line in strip_invisible(row["body"]).split("\n")
                    if line and line not in cleaned]
            print(f"   -{share:.0%} {row['url'][:70]}\n      title: {row['title'][:80]}")
            for line in gone[:4]:
                print(f"      removed: {line[:100]}")


if __name__ == "__main__":
    main()
