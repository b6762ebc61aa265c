"""What the event coder finds in everyday news: the corpus side of issue 7.

The dev sets were chosen around violence words in 2007-2008 newswire and hold
almost no road accidents, launches, football or executions, so rules about
them are checked on the corpus instead. This script codes every sentence of a
slice of a corpus file on its own (as the dev benchmark does) and writes one
line per sentence with an event of the chosen families:
``file<TAB>article<TAB>sentence<TAB>codes``. With ``--compare OLD.tsv`` it
prints the sentences that lost or gained an event against an earlier run (for
reading one by one); with ``--sample N`` it prints N of them at random, with
their actors, for a precision reading.

Usage:
  .venv/bin/python -P benchmarks/event_corpus.py ant_multisource_full.jsonl.gz:0:12000 \\
      [more FILE:START:STOP] [--family ASSAULT|PROTEST] [--out NEW.tsv]
      [--compare OLD.tsv] [--sample 100 --seed 14]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
from collections.abc import Iterator
from pathlib import Path

from pipeline.events import code_article
from pipeline.records import Event
from pipeline.segment import sentence_spans

ROOT = Path(__file__).resolve().parents[1]
FAMILIES = {"ASSAULT": ("18", "19", "20"), "PROTEST": ("14",)}


def _articles(path: Path, start: int, stop: int) -> Iterator[tuple[int, dict]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for i, line in enumerate(lines):
            if i >= stop:
                return
            if i >= start:
                yield i, json.loads(line)


def coded_sentences(corpus: Path, slices: list[str],
                    roots: tuple[str, ...]) -> Iterator[tuple[str, int, str, list[Event]]]:
    """(file, article index, sentence, non-negated events of the family)."""
    for spec in slices:
        name, start, stop = spec.split(":")
        for i, row in _articles(corpus / name, int(start), int(stop)):
            body = row.get("body") or ""
            for a, b in sentence_spans(body):
                sentence = body[a:b]
                events = [e for e in code_article(sentence, published=None,
                                                  spans=[(0, len(sentence))])
                          if e.root_code in roots and not e.negated]
                if events:
                    yield name, i, " ".join(sentence.split()), events


def _load(path: Path) -> dict[tuple[str, str, str], str]:
    rows = (line.rstrip("\n").split("\t") for line in path.open(encoding="utf-8"))
    return {(f, i, s): codes for f, i, s, codes in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("slices", nargs="+", help="FILE:START:STOP under corpus/")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--family", choices=sorted(FAMILIES), default="ASSAULT")
    parser.add_argument("--out", type=Path, help="write the coded sentences here (TSV)")
    parser.add_argument("--compare", type=Path, help="an earlier --out to compare with")
    parser.add_argument("--sample", type=int, default=0, help="print N coded sentences at random")
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    found = list(coded_sentences(args.data / "corpus", args.slices, FAMILIES[args.family]))
    rows = {(f, str(i), s): ",".join(sorted({e.event_code for e in events}))
            for f, i, s, events in found}
    print(f"{args.family}: {len(rows)} sentence rows, {len({s for _, _, s in rows})} distinct")
    if args.out:
        args.out.write_text("".join(f"{f}\t{i}\t{s}\t{c}\n" for (f, i, s), c in rows.items()),
                            encoding="utf-8")
    if args.compare:
        old = _load(args.compare)
        for tag, keys, codes in (("-", old.keys() - rows.keys(), old),
                                 ("+", rows.keys() - old.keys(), rows)):
            texts = sorted({k[2]: k for k in keys}.values())
            print(f"{'lost' if tag == '-' else 'gained'}: {len(texts)} distinct sentences")
            for key in texts:
                print(tag, key[0], key[1], codes[key], "|", key[2])
    if args.sample:
        for f, i, sentence, events in random.Random(args.seed).sample(
                found, min(args.sample, len(found))):
            best = max(events, key=lambda e: e.confidence)
            print(f"{f}:{i} {best.event_code} {best.confidence:.2f} "
                  f"{best.source.code} -> {best.target.code} | {sentence}")


if __name__ == "__main__":
    main()
