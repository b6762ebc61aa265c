"""The fetcher's seen-URL lookup over a long history: time, files opened, peak memory.

Builds ``--days`` days of synthetic claims (``--urls`` canonical URLs a day,
files dated long ago) in a temporary folder, then asks which of a day's
candidates (half already claimed on earlier days, half new) were ingested on
another date, for the day after the history (a nightly run) and for a day in
the middle of it (a re-run during a backfill):

- before: the previous algorithm (read every other day's file into one set);
- after, first: :meth:`SeenState.seen_elsewhere` on bare day files, which also
  writes the summaries of settled months;
- after: the same lookup once summaries exist (every later task).

    .venv/bin/python benchmarks/seen_state.py                  # 3,650 days x 200 URLs
    .venv/bin/python benchmarks/seen_state.py --days 400 --urls 50
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from pipeline.fetch.state import SeenState

LONG_AGO_NS = 1_600_000_000 * 10**9
FIRST = date(2015, 1, 1)
_opened = [0]
_counting = [False]


def _count_opens(event: str, args: tuple) -> None:
    if event == "open" and _counting[0]:
        _opened[0] += 1


def _url(day: date, n: int) -> str:
    return f"https://www.example-news.com/ar/{day:%Y/%m/%d}/politics/article-{n:05d}.html"


def build_history(root: Path, days: int, per_day: int) -> SeenState:
    state = SeenState(root, "site")
    for i in range(days):
        day = FIRST + timedelta(days=i)
        state.record(day, (_url(day, n) for n in range(per_day)))
    for i, path in enumerate(sorted(state.folder.glob("*.txt"))):
        os.utime(path, ns=(LONG_AGO_NS + i, LONG_AGO_NS + i))
    return state


def seen_on_other_dates(folder: Path, day: date) -> set[str]:
    """The previous algorithm, kept here only for comparison."""
    seen: set[str] = set()
    own = f"{day.isoformat()}.txt"
    for path in sorted(folder.glob("*.txt")):
        if path.name != own:
            seen.update(line for line in path.read_text("utf-8").splitlines() if line)
    return seen


def candidates(day: date, history: int, per_day: int) -> list[str]:
    """Half the day's size re-listed from the history's days, half new URLs."""
    old = [_url(FIRST + timedelta(days=(i * 7919) % history), i % per_day)
           for i in range(per_day // 2)]
    return old + [_url(day, 90000 + n) for n in range(per_day - len(old))]


def measure(label: str, lookup: Callable[[], int]) -> None:
    _opened[0] = 0
    _counting[0] = True
    started = time.perf_counter()
    hits = lookup()
    elapsed = time.perf_counter() - started
    _counting[0] = False
    print(f"  {label:<34} {elapsed * 1000:9.1f} ms  {_opened[0]:6d} files  hits={hits}")


def peak_memory(lookup: Callable[[], int]) -> float:
    tracemalloc.start()
    lookup()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=3650)
    parser.add_argument("--urls", type=int, default=200, help="URLs claimed per day")
    args = parser.parse_args()
    sys.addaudithook(_count_opens)
    with tempfile.TemporaryDirectory(prefix="akhbar-seen-bench-") as tmp:
        started = time.perf_counter()
        state = build_history(Path(tmp), args.days, args.urls)
        print(f"history: {args.days} days x {args.urls} URLs "
              f"(built in {time.perf_counter() - started:.1f} s)")
        nightly = FIRST + timedelta(days=args.days)
        rerun = FIRST + timedelta(days=args.days // 2)
        for name, day in (("nightly (day after history)", nightly),
                          ("re-run (middle of history)", rerun)):
            wanted = candidates(day, args.days, args.urls)

            def before(day: date = day, wanted: list[str] = wanted) -> int:
                return len(seen_on_other_dates(state.folder, day).intersection(wanted))

            def after(day: date = day, wanted: list[str] = wanted) -> int:
                return len(state.seen_elsewhere(day, wanted))

            print(f"{name}, {day}, {len(wanted)} candidates:")
            measure("before", before)
            measure("after, first lookup (summarises)", after)
            measure("after", after)
            print(f"  peak Python memory: before {peak_memory(before):.1f} MiB, "
                  f"after {peak_memory(after):.2f} MiB")
        summaries = list((state.folder / "months").iterdir())
        size = sum(p.stat().st_size for p in summaries) / 2**20
        days = sum(p.stat().st_size for p in state.folder.glob("*.txt")) / 2**20
        print(f"summaries: {len(summaries)} files, {size:.1f} MiB (day files {days:.1f} MiB)")


if __name__ == "__main__":
    main()
