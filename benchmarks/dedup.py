"""Benchmark deduplication: pair precision/recall on a built set, and throughput
and memory over the full shared corpora.

Quality: originals are real articles from ``corpus/articles.jsonl`` that have no
known duplicate in the sample; each gets one edited copy (a paragraph added,
removed, or two swapped, diacritics/tatweel/alef changed, a different headline
line on top). True pairs are (original, copy); predicted pairs are articles
sharing ``near_dup_cluster``. Pairs predicted between two originals count as
false positives, although some may be real unlabelled duplicates (printed).
A sweep compares shingle kinds and thresholds on the pair decision alone.

Throughput: the three full corpora (~72k articles) are split into one JSONL
file per day in a temporary folder (one streaming pass), then fed day by day,
one batch per (day, source), through one DedupIndex: assign, commit. Reports
articles/s and the process's memory; ``open`` then times opening that index
in a fresh process, which is what every nightly task pays.

Partition: one (day, source) partition of N articles decided in one call, as
``process_pages`` does (``decide`` over streamed fingerprints, one verdict
lookup per article, ``commit``), each size in a fresh process: seconds per
step, and the memory the decision adds (peak RSS over the process before it,
sampled, and the tracemalloc peak of Python objects, in a second pass).

    .venv/bin/python benchmarks/dedup.py quality
    .venv/bin/python benchmarks/dedup.py sweep
    .venv/bin/python benchmarks/dedup.py short
    .venv/bin/python benchmarks/dedup.py throughput [--limit N] [--index DIR] [--window DAYS]
    .venv/bin/python benchmarks/dedup.py open --index DIR
    .venv/bin/python benchmarks/dedup.py partition [--sizes 500,5000]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import itertools
import json
import multiprocessing
import random
import re
import resource
import sys
import tempfile
import threading
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from itertools import combinations
from pathlib import Path

import numpy as np
import psutil
from datasketch import LeanMinHash, MinHashLSH

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.dedup import DedupIndex, DedupSettings, Fingerprint, content_hash, fingerprint
from pipeline.dedup.signature import MINHASH_SCHEME, Signer, paragraph_keys
from pipeline.records import Article

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "corpus"
FULL = ("saudinewsnet_full", "ant_multisource_full", "ant_v1_jawharafm_full")
EDITS = ("add_paragraph", "remove_paragraph", "swap_paragraphs", "diacritics", "headline")
_SOURCE_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


def article(article_id: str, body: str, day: date, source: str,
            published: datetime | None = None) -> Article:
    return Article(article_id=article_id, source_id=source, url=article_id,
                   canonical_url=article_id, title="", body=body, lead=None, authors=[],
                   published_at=published, language="ar", date_basis="published",
                   partition_date=day)


# --- quality -------------------------------------------------------------------------


def decorate(text: str, rng: random.Random) -> str:
    """Same words, typed differently: random fatha/damma/shadda, tatweel, bare alef."""
    out = []
    for char in text.replace("أ", "ا").replace("إ", "ا"):
        out.append(char)
        if "\u0628" <= char <= "\u064a" and rng.random() < 0.3:
            out.append(rng.choice("\u064e\u064f\u0651\u0640"))
    return "".join(out)


def edit(kind: str, body: str, donor: dict, rng: random.Random) -> str:
    paragraphs = body.split("\n")
    if kind == "add_paragraph":
        paragraphs.insert(rng.randrange(len(paragraphs) + 1), donor["body"].split("\n")[0])
    elif kind == "remove_paragraph":
        del paragraphs[rng.randrange(len(paragraphs))]
    elif kind == "swap_paragraphs":
        i, j = rng.sample(range(len(paragraphs)), 2)
        paragraphs[i], paragraphs[j] = paragraphs[j], paragraphs[i]
    elif kind == "diacritics":
        paragraphs = [decorate(p, rng) for p in paragraphs]
    else:  # another site's headline repeated as the first line
        paragraphs.insert(0, donor["title"] or "")
    return "\n".join(paragraphs)


def built_set(seed: int = 7) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """(id, body) of originals and copies, and the true pairs (original, copy, edit)."""
    rows = [json.loads(line) for line in (CORPUS / "articles.jsonl").open(encoding="utf-8")]
    with (CORPUS / "articles_neardup_pairs.jsonl").open() as lines:
        paired = {i for p in map(json.loads, lines) for i in (p["a"], p["b"])}
    hashes: dict[str, int] = defaultdict(int)
    for row in rows:
        hashes[content_hash(row["body"] or "")] += 1
    clean = [r for r in rows if r["id"] not in paired and r["body"]
             and hashes[content_hash(r["body"])] == 1 and r["body"].count("\n") >= 1]
    # Added paragraphs and headlines come from articles outside the set, so that
    # an edit never copies text of another original into a copy.
    donors = [r for r in rows if r not in clean and r["body"] and r["title"]]
    rng = random.Random(seed)
    docs = [(r["id"], r["body"]) for r in clean]
    truth = []
    for i, row in enumerate(clean):
        kind = EDITS[i % len(EDITS)]
        donor = donors[i % len(donors)]
        copy_id = f"{row['id']}~{kind}"
        docs.append((copy_id, edit(kind, row["body"], donor, rng)))
        truth.append((row["id"], copy_id, kind))
    return docs, truth


def length_bucket(words: int) -> str:
    for limit, name in ((30, "<30w"), (100, "30-99w"), (300, "100-299w")):
        if words < limit:
            return name
    return ">=300w"


def quality(settings: DedupSettings) -> None:
    docs, truth = built_set()
    words = {doc_id: len(body.split()) for doc_id, body in docs}
    articles = [article(doc_id, body, date(2026, 1, 1), "bench") for doc_id, body in docs]
    with tempfile.TemporaryDirectory() as root:
        index = DedupIndex(root, settings)
        index.assign(articles)
    clusters: dict[str, list[str]] = defaultdict(list)
    for a in articles:
        clusters[a.near_dup_cluster or a.article_id].append(a.article_id)
    predicted = {frozenset(pair) for members in clusters.values()
                 for pair in combinations(members, 2)}
    true_pairs = {frozenset(t[:2]): t[2] for t in truth}
    tp = len(predicted & true_pairs.keys())
    fp_pairs = predicted - true_pairs.keys()
    print(f"built set: {len(docs)} articles ({len(truth)} originals + 1 edited copy each), "
          f"settings {settings}")
    print(f"pairs: true {len(true_pairs)}  predicted {len(predicted)}  TP {tp}  "
          f"FP {len(fp_pairs)}  precision {tp / max(len(predicted), 1):.4f}  "
          f"recall {tp / len(true_pairs):.4f}")
    print("recall by edit / by original length:")
    for kind in EDITS:
        pairs = [p for p, k in true_pairs.items() if k == kind]
        found = sum(p in predicted for p in pairs)
        print(f"  {kind:18s} {found / len(pairs):.3f}  (n={len(pairs)})")
    by_len: dict[str, list[bool]] = defaultdict(list)
    for original, copy_id, _ in truth:
        by_len[length_bucket(words[original])].append(frozenset((original, copy_id)) in predicted)
    for bucket in ("<30w", "30-99w", "100-299w", ">=300w"):
        hits = by_len.get(bucket, [])
        if hits:
            print(f"  {bucket:18s} {sum(hits) / len(hits):.3f}  (n={len(hits)})")
    originals = sorted({tuple(sorted(i.split("~")[0] for i in p)) for p in fp_pairs})
    print(f"false-positive pairs come from {len(originals)} pairs of originals; their titles:")
    titles = {r["id"]: r["title"] for r in map(json.loads, (CORPUS / "articles.jsonl").open())}
    for a, b in originals:
        print(f"  {a}: {titles[a]}\n  {b}: {titles[b]}")


def sweep() -> None:
    """Pair decision alone (LSH candidates at a low threshold, then estimated
    Jaccard >= t, no containment rule) for several shingle kinds:
    precision/recall per threshold."""
    docs, truth = built_set()
    true_pairs = {frozenset(t[:2]) for t in truth}
    keys = {doc_id: paragraph_keys(body) for doc_id, body in docs}
    for shingle, n in (("word", 5), ("word", 3), ("char", 5), ("char", 9)):
        settings = DedupSettings(shingle=shingle, ngram=n, threshold=0.5, containment_floor=0.4,
                                 lsh_threshold=0.4)
        signer = Signer(settings)
        started = time.perf_counter()
        sigs = {d: s for d, k in keys.items() if (s := signer.signature(k)) is not None}
        seconds = time.perf_counter() - started
        lsh = MinHashLSH(threshold=0.4, num_perm=settings.num_perm)
        lean = {d: LeanMinHash(seed=1, hashvalues=s.minhash, scheme=MINHASH_SCHEME)
                for d, s in sigs.items()}
        for doc_id, sketch in lean.items():
            lsh.insert(doc_id, sketch)
        scored = {}
        for doc_id, sketch in lean.items():
            for other in lsh.query(sketch):
                if other != doc_id:
                    scored[frozenset((doc_id, other))] = float(
                        np.mean(sigs[doc_id].minhash == sigs[other].minhash))
        line = [f"{shingle}{n}: {len(docs) / seconds:6.0f} docs/s signing |"]
        for t in (0.5, 0.6, 0.7, 0.8, 0.9):
            hit = {p for p, j in scored.items() if j >= t}
            tp = len(hit & true_pairs)
            line.append(f"t={t}: P {tp / max(len(hit), 1):.3f} R {tp / len(true_pairs):.3f} |")
        print(" ".join(line))


def short_bodies() -> None:
    """Why bodies under 30 words are matched exactly only: over the full corpora,
    the duplicates that near-matching short bodies would add (min_words 5 vs 30),
    by length, with samples to read."""
    rows: dict[str, str] = {}
    for name in FULL:
        with gzip.open(CORPUS / f"{name}.jsonl.gz", "rt", encoding="utf-8") as lines:
            for n, line in enumerate(lines):
                body = json.loads(line).get("body") or ""
                if 5 <= len(body.split()) < 60:
                    rows[f"{name}:{n}"] = body
    print(f"{len(rows)} bodies of 5-59 words in the full corpora")
    answers = {}
    for min_words in (5, 30):
        articles = [article(i, body, date(2026, 1, 1), "short") for i, body in rows.items()]
        with tempfile.TemporaryDirectory() as root:
            DedupIndex(root, DedupSettings(min_words=min_words)).assign(articles)
        answers[min_words] = {a.article_id: a.duplicate_of for a in articles}
    extra: dict[str, list[str]] = defaultdict(list)
    for article_id, canonical in answers[5].items():
        if canonical and not answers[30][article_id]:
            words = len(paragraph_keys(rows[article_id])) and sum(
                len(k.split()) for k in paragraph_keys(rows[article_id]))
            extra["5-14w" if words < 15 else "15-29w" if words < 30 else "30-59w"].append(
                article_id)
    for bucket in ("5-14w", "15-29w", "30-59w"):
        found = extra.get(bucket, [])
        print(f"  {bucket}: {len(found)} more duplicates when near-matched")
        for article_id in random.Random(3).sample(found, min(3, len(found))):
            print(f"    {rows[article_id][:120]!r}\n    -> "
                  f"{rows[answers[5][article_id]][:120]!r}")


# --- throughput ----------------------------------------------------------------------


def parse_date(raw: str | None) -> datetime | None:
    if not raw:
        return None
    for parse in (datetime.fromisoformat, parsedate_to_datetime,
                  lambda s: datetime.strptime(s, "%d/%m/%Y")):
        try:
            moment = parse(raw)
        except (ValueError, TypeError):
            continue
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return None


def split_by_day(folder: Path, limit: int | None) -> int:
    """One streaming pass over the gzipped corpora into one JSONL file per UTC day."""
    count = 0
    for name in FULL:
        with gzip.open(CORPUS / f"{name}.jsonl.gz", "rt", encoding="utf-8") as lines:
            for n, line in enumerate(lines):
                row = json.loads(line)
                moment = parse_date(row.get("date"))
                day = moment.date() if moment else date(1970, 1, 1)
                record = {"id": hashlib.sha256(f"{name}:{n}".encode()).hexdigest()[:16],
                          "source": _SOURCE_CHARS.sub("-", row.get("source") or "unknown"),
                          "published": moment.isoformat() if moment else None,
                          "body": row.get("body") or ""}
                with (folder / f"{day.isoformat()}.jsonl").open("a", encoding="utf-8") as out:
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
                if limit and count >= limit:
                    return count
    return count


def batches(folder: Path) -> Iterator[list[Article]]:
    for path in sorted(folder.glob("*.jsonl")):
        day = date.fromisoformat(path.stem)
        by_source: dict[str, list[Article]] = defaultdict(list)
        for line in path.open(encoding="utf-8"):
            row = json.loads(line)
            published = datetime.fromisoformat(row["published"]) if row["published"] else None
            by_source[row["source"]].append(
                article(row["id"], row["body"], day, row["source"], published))
        yield from by_source.values()


def throughput(limit: int | None, keep: Path | None, settings: DedupSettings) -> None:
    process = psutil.Process()
    with tempfile.TemporaryDirectory() as tmp:
        days, root = Path(tmp) / "days", keep or Path(tmp) / "index"
        days.mkdir()
        total = split_by_day(days, limit)
        rss_start = process.memory_info().rss
        index = DedupIndex(str(root), settings)
        done = duplicates = partitions = 0
        busy = 0.0
        for batch in batches(days):
            started = time.perf_counter()
            index.assign(batch)
            index.commit(batch)
            busy += time.perf_counter() - started
            done += len(batch)
            partitions += 1
            duplicates += sum(a.duplicate_of is not None for a in batch)
        rss_end = process.memory_info().rss
        size = sum(f.stat().st_size for f in root.rglob("*.parquet"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{done} articles (of {total} read) in {partitions} (day, source) batches: "
          f"{busy:.1f} s in assign+commit = {done / busy:.0f} articles/s; "
          f"{duplicates} marked duplicate ({duplicates / done:.1%})")
    print(f"index: {len(index)} signatures, {size / 2**20:.1f} MiB on disk; RSS "
          f"{rss_start / 2**20:.0f} -> {rss_end / 2**20:.0f} MiB during the run, "
          f"peak RSS {peak:.0f} MiB")


def cold_open(root: Path) -> None:
    """What each nightly task pays: open the index in a fresh process and assign
    one article dated on the index's latest day (which loads the window, if any)."""
    latest = max(date.fromisoformat(path.name.split("=", 1)[1]) for path in root.glob("date=*"))
    process = psutil.Process()
    rss_start = process.memory_info().rss
    started = time.perf_counter()
    index = DedupIndex(str(root))
    index.assign([article("probe", "", latest, "probe")])
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"opened for {latest} (window {index.settings.window_days} days): "
          f"{len(index)} signatures loaded in {seconds:.1f} s; RSS "
          f"{rss_start / 2**20:.0f} -> {process.memory_info().rss / 2**20:.0f} MiB, "
          f"peak {peak / 2**20:.0f} MiB")


# --- one large partition -------------------------------------------------------------


def partition_inputs(size: int, settings: DedupSettings) -> list[tuple[Article, Fingerprint]]:
    """``size`` articles of one (day, source) partition from the full corpora with
    their fingerprints (bodies dropped, as ``decide`` never sees them). Every
    third one is a copy of an earlier article (its first paragraph cut, or
    verbatim), so clusters and ties exist; a fifth have no publication time."""
    rng = random.Random(size)
    day = date(2026, 1, 1)
    rows = []
    for name in FULL:
        with gzip.open(CORPUS / f"{name}.jsonl.gz", "rt", encoding="utf-8") as lines:
            rows.extend(itertools.islice((json.loads(line).get("body") or "" for line in lines),
                                         size - len(rows)))
    inputs = []
    for i, body in enumerate(rows):
        if i % 3 == 2:
            source = rows[rng.randrange(i)]
            body = source.split("\n", 1)[-1] if i % 2 else source
        hour = None if i % 5 == 0 else rng.randrange(24)
        published = None if hour is None else datetime(2026, 1, 1, hour, tzinfo=UTC)
        stub = article(f"p{i:06d}", "", day, "bench", published)
        inputs.append((stub, fingerprint(body, settings)))
    return inputs


def _rss_peak_during(step: Callable[[], object]) -> tuple[float, int]:
    """(seconds, peak RSS in bytes) of ``step``, RSS sampled every 2 ms."""
    process, peak, done = psutil.Process(), [0], threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], process.memory_info().rss)
            time.sleep(0.002)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    step()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    return seconds, max(peak[0], process.memory_info().rss)


def measure_partition(size: int) -> None:
    settings = DedupSettings()
    inputs = partition_inputs(size, settings)
    with tempfile.TemporaryDirectory() as root:
        index = DedupIndex(f"{root}/timed", settings)
        found: dict = {}

        def decide_and_look_up() -> None:
            verdicts = index.decide(iter(inputs))
            found["verdicts"] = verdicts
            found["duplicates"] = sum(
                verdicts[(a.partition_date, a.source_id, a.article_id)].duplicate_of is not None
                for a, _ in inputs)

        before = psutil.Process().memory_info().rss
        seconds, peak = _rss_peak_during(decide_and_look_up)
        started = time.perf_counter()
        index.commit(found.pop("verdicts").values())
        commit_seconds = time.perf_counter() - started
        # Python objects, on a fresh index: deciding again on this one would also
        # count the stored index's first search since the commit grew it.
        fresh = DedupIndex(f"{root}/traced", settings)
        tracemalloc.start()
        verdicts = fresh.decide(iter(inputs))
        for a, _ in inputs:
            verdicts[(a.partition_date, a.source_id, a.article_id)]
        traced = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    print(f"{size:6d} articles ({found['duplicates']} duplicates): decide + lookups "
          f"{seconds:.2f} s ({size / seconds:.0f} articles/s), commit {commit_seconds:.2f} s; "
          f"memory added: RSS peak +{(peak - before) / 2**20:.1f} MiB, "
          f"tracemalloc peak {traced / 2**20:.1f} MiB", flush=True)


def partition(sizes: list[int]) -> None:
    for size in sizes:
        child = multiprocessing.get_context("spawn").Process(target=measure_partition,
                                                             args=(size,))
        child.start()
        child.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("part", choices=("quality", "sweep", "short", "throughput", "open",
                                               "partition"))
    parser.add_argument("--limit", type=int, help="throughput: only the first N articles")
    parser.add_argument("--index", type=Path,
                        help="throughput: keep the index here; open: the index to open")
    parser.add_argument("--threshold", type=float, help="quality: override the threshold")
    parser.add_argument("--window", type=int, help="throughput: DedupSettings.window_days")
    parser.add_argument("--sizes", default="500,5000",
                        help="partition: articles per partition, comma-separated")
    args = parser.parse_args()
    if args.part == "quality":
        settings = DedupSettings()
        if args.threshold:
            settings = DedupSettings(threshold=args.threshold,
                                     lsh_threshold=min(settings.lsh_threshold, args.threshold))
        quality(settings)
    elif args.part == "sweep":
        sweep()
    elif args.part == "short":
        short_bodies()
    elif args.part == "throughput":
        throughput(args.limit, args.index, DedupSettings(window_days=args.window))
    elif args.part == "partition":
        partition([int(size) for size in args.sizes.split(",")])
    else:
        cold_open(args.index)


if __name__ == "__main__":
    main()
