"""Backfill the shared corpora with the CLI: articles per second, wall time, peak memory.

Builds one dump source per corpus (SaudiNewsNet, ANT multisource, ANT JawharaFM)
from the first ``--limit`` records in total (taken from each corpus in
proportion to its size, so every corpus and its date range is represented),
then runs ``akhbar backfill`` over each source's whole date range in a
subprocess and samples the resident memory of its process tree.

    .venv/bin/python benchmarks/backfill.py --limit 10000 --dedup-window 7
    .venv/bin/python benchmarks/backfill.py --dedup-window 7     # all ~72,700 records
    AKHBAR_WORKERS=2 .venv/bin/python benchmarks/backfill.py --limit 10000

Reads ``../shared/data/corpus`` (or ``$AKHBAR_SHARED_DATA/corpus``).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import yaml

PROJECT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("AKHBAR_SHARED_DATA", PROJECT.parent / "shared" / "data"))
CORPORA = {
    "saudinewsnet": "saudinewsnet_full.jsonl.gz",
    "antms": "ant_multisource_full.jsonl.gz",
    "jawharafm": "ant_v1_jawharafm_full.jsonl.gz",
}
FIRST, LAST = "2010-01-01", "2019-12-31"


def _count(path: Path) -> int:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return sum(1 for _ in fh)


def build_sources(folder: Path, limit: int | None) -> tuple[Path, int]:
    """One dump per corpus (its first records, in proportion) and a sources file."""
    sizes = {name: _count(SHARED / "corpus" / file) for name, file in CORPORA.items()}
    total = sum(sizes.values())
    entries, written = [], 0
    for name, file in CORPORA.items():
        take = sizes[name] if limit is None else round(limit * sizes[name] / total)
        with gzip.open(SHARED / "corpus" / file, "rt", encoding="utf-8") as src, \
                gzip.open(folder / f"{name}.jsonl.gz", "wt", encoding="utf-8") as dst:
            for i, line in enumerate(src):
                if i >= take:
                    break
                dst.write(line)
        written += min(take, sizes[name])
        entries.append({"id": name, "name": name, "home": "https://example.org/",
                        "dumps": [f"{name}.jsonl.gz"]})
    path = folder / "sources.yaml"
    path.write_text(yaml.safe_dump({"sources": entries}), encoding="utf-8")
    return path, written


def tree_rss(proc: psutil.Process) -> int:
    total = 0
    for member in [proc, *proc.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            total += member.memory_info().rss
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="records in total (default all)")
    parser.add_argument("--work", default=None, help="folder for dumps and output (default tmp)")
    parser.add_argument("--dedup-window", type=int, default=None,
                        help="passed to akhbar backfill (days; default: all dates)")
    args = parser.parse_args()

    folder = Path(args.work or tempfile.mkdtemp(prefix="akhbar-backfill-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    sources, records = build_sources(folder, args.limit)
    # The range covers every corpus; a dump-only source runs only its archived days.
    command = [str(Path(sys.executable).parent / "akhbar"), "backfill", "--from", FIRST,
               "--to", LAST, "--out", str(folder / "out"), "--sources", str(sources)]
    for name in CORPORA:
        command += ["--source", name]
    if args.dedup_window is not None:
        command += ["--dedup-window", str(args.dedup_window)]

    started = time.monotonic()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    watched = psutil.Process(proc.pid)
    peak, samples = 0, []

    def sample() -> None:
        nonlocal peak
        while proc.poll() is None:
            rss = tree_rss(watched)
            peak = max(peak, rss)
            samples.append((time.monotonic() - started, rss))
            time.sleep(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, _ = proc.communicate()
    wall = time.monotonic() - started
    sampler.join()
    summary = json.loads(stdout.strip().splitlines()[-1])
    quarters = [max((rss for at, rss in samples if q * wall / 4 <= at < (q + 1) * wall / 4),
                    default=0) for q in range(4)]
    print(f"records in dumps     {records}")
    print(f"dates run            {summary['done']} (+{summary['not_archived']} with nothing "
          f"archived, {summary['failed']} failed)")
    print(f"articles written     {summary['articles']} ({summary['duplicates']} duplicates), "
          f"{summary['sentences']} sentences, {summary['events']} events, "
          f"{summary['rejects']} rejects")
    print(f"wall time            {wall:.1f} s")
    print(f"articles per second  {summary['articles'] / wall:.2f} (records per second "
          f"{records / wall:.2f})")
    print(f"peak RSS (tree)      {peak / 2**20:.0f} MiB; per quarter of the run "
          + " / ".join(f"{q / 2**20:.0f}" for q in quarters) + " MiB")
    print(f"settings             AKHBAR_WORKERS={os.environ.get('AKHBAR_WORKERS', '1')}, "
          f"--dedup-window {args.dedup_window}")
    print(f"output               {folder / 'out'}")


if __name__ == "__main__":
    main()
