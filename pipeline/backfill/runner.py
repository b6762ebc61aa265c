"""Drive a backfill: every (date, source) of a range through the nightly run.

Each completed (date, source) leaves a marker under
``<out>/_state/backfill/done/<source>/<date>.json``; a re-started backfill
skips dates whose marker is there and still matches the source's archive
inputs, so a killed backfill finishes the rest without redoing finished days.
A day interrupted midway has no marker and is redone whole: its partitions
are replaced atomically by :func:`pipeline.run.process_stage`, so nothing
partial survives. ``force`` redoes every date.

Dates run in order, one at a time, so every run sees the dedup index exactly
as an in-order nightly schedule would: re-runs give the same rows. For a
source fed only by archives, days without a single archived record are not
run (a multi-year dump touches a fraction of its days).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pipeline.backfill.index import days_with_entries, source_inputs
from pipeline.dedup import DedupSettings
from pipeline.dedup.store import SignatureStore
from pipeline.remote import exists, is_local, local_input, local_output
from pipeline.run import run, settle, state_dir
from pipeline.sources import Source, load_sources

DONE, SKIPPED, FAILED = "done", "skipped", "failed"


@dataclass
class DayResult:
    """The outcome of one (date, source): done, skipped (already complete) or failed."""

    day: date
    source_id: str
    status: str
    counts: dict[str, int] = field(default_factory=dict)
    error: str = ""


@dataclass
class BackfillSummary:
    """Everything a backfill did, for the closing report and the exit code."""

    first: date
    last: date
    results: list[DayResult] = field(default_factory=list)
    not_archived: int = 0  # (date, source) pairs with nothing archived: not run
    seconds: float = 0.0

    def total(self, key: str) -> int:
        return sum(r.counts.get(key, 0) for r in self.results if r.status == DONE)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def ok(self) -> bool:
        return self.count(FAILED) == 0

    def to_dict(self) -> dict:
        articles = self.total("articles")
        return {
            "from": self.first.isoformat(), "to": self.last.isoformat(),
            "done": self.count(DONE), "skipped": self.count(SKIPPED),
            "failed": self.count(FAILED), "not_archived": self.not_archived,
            "articles": articles, "duplicates": self.total("duplicates"),
            "sentences": self.total("sentences"), "events": self.total("events"),
            "rejects": self.total("rejects"), "seconds": round(self.seconds, 2),
            "articles_per_second": round(articles / self.seconds, 2) if self.seconds else 0.0,
            "failures": [{"date": r.day.isoformat(), "source": r.source_id, "error": r.error}
                         for r in self.results if r.status == FAILED],
        }


@dataclass(frozen=True)
class Task:
    """One (date, source) to run, with the fingerprint its marker must carry."""

    day: date
    source: Source
    fingerprint: str


def date_range(first: date, last: date) -> Iterator[date]:
    if last < first:
        raise ValueError(f"--to {last} is before --from {first}")
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def plan(
    first: date, last: date, sources: list[Source], out: str
) -> tuple[list[Task], int]:
    """The (date, source) pairs to run, in date order; and how many were left
    out for having nothing archived. Builds the archive indexes on the way."""
    tasks: list[Task] = []
    not_archived = 0
    days = list(date_range(first, last))
    for source in sources:
        run_days = days
        if source.has_archive_inputs and not (source.discovers_on_web or source.local_files):
            inputs = source_inputs(source, first, last)
            run_days = days_with_entries(inputs, first, last, index_root(out))
            not_archived += len(days) - len(run_days)
        tasks.extend(Task(day, source, _fingerprint(source, day)) for day in run_days)
    tasks.sort(key=lambda task: task.day)  # stable: sources keep their order within a day
    return tasks, not_archived


def _fingerprint(source: Source, day: date) -> str:
    """What a (date, source) was built from: its archive inputs for that day
    (a CC-NEWS listing contributes only the files near the day)."""
    return source_inputs(source, day, day).fingerprint() if source.has_archive_inputs else ""


def marker_url(out: str, source_id: str, day: date) -> str:
    """Where the completion marker of a (date, source) lives in the output store."""
    return "/".join([state_dir(out), "backfill", "done", source_id, f"{day.isoformat()}.json"])


def is_complete(out: str, task: Task) -> bool:
    url = marker_url(out, task.source.id, task.day)
    if not exists(url):
        return False
    try:
        with local_input(url) as path:
            marker = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return marker.get("fingerprint") == task.fingerprint


def _mark_complete(out: str, task: Task, counts: dict[str, int]) -> None:
    with local_output(marker_url(out, task.source.id, task.day)) as path:
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        tmp.write_text(json.dumps({
            "date": task.day.isoformat(), "source": task.source.id,
            "fingerprint": task.fingerprint, "counts": counts,
            "finished_at": datetime.now(UTC).isoformat(),
        }), encoding="utf-8")
        os.replace(tmp, path)


def index_root(out: str) -> Path:
    """Where archive indexes are built: the output's state folder when it is on
    this machine (where ingest finds them), else a local cache (an index is
    derived from local or http inputs and cheap to rebuild)."""
    if is_local(out):
        return Path(state_dir(out))
    return Path(tempfile.gettempdir()) / "akhbar-backfill"


def fix_dedup_window(out: str, window_days: int) -> None:
    """Give the output's dedup index a window of ``window_days`` before its first use.

    Without a window every run loads every signature ever stored, so the time
    and memory of each date grow with the archive: over a multi-year backfill
    that dominates. The window is a setting of the index itself (every later
    run, CLI or Airflow, uses it), so it can only be chosen while the index is
    empty; a different stored choice is an error, not silently kept.
    """
    store = SignatureStore("/".join([state_dir(out), "dedup"]))
    stored = store.read_settings()
    if stored is None:
        store.write_settings(DedupSettings(window_days=window_days))
    elif stored.window_days != window_days:
        raise ValueError(f"the dedup index under {out} already compares across "
                         f"{stored.window_days} days, not {window_days}")


def backfill(
    first: date,
    last: date,
    source_ids: list[str],
    out: str,
    sources_path: str | None = None,
    *,
    force: bool = False,
    dedup_window: int | None = None,
    on_start: Callable[[int], None] | None = None,
    on_result: Callable[[DayResult], None] | None = None,
) -> BackfillSummary:
    """Run every (date, source) of ``first``..``last`` not already complete.

    ``dedup_window`` (days) sets the dedup index's window on first use (see
    :func:`fix_dedup_window`). A failing day is recorded (and left without a
    marker, so the next backfill retries it) and the other days go on.
    ``on_start`` receives the number of pairs to visit and ``on_result`` each
    outcome, for a progress display.
    """
    started = time.monotonic()
    known = load_sources(sources_path)
    unknown = [s for s in source_ids if s not in known]
    if unknown:
        raise KeyError(f"unknown source id(s) {unknown}; known: {sorted(known)}")
    if dedup_window is not None:
        fix_dedup_window(out, dedup_window)
    tasks, not_archived = plan(first, last, [known[s] for s in source_ids], out)
    summary = BackfillSummary(first, last, not_archived=not_archived)
    if on_start:
        on_start(len(tasks))
    for task in tasks:
        if not force and is_complete(out, task):
            result = DayResult(task.day, task.source.id, SKIPPED)
        else:
            try:
                done = run(task.day, task.source.id, out, sources_path)
                # A source ranked before an earlier-processed one on the same day
                # (or a date backfilled before later ones) makes their answers stale.
                settle(out, done.stale, known)
                counts = done.counts
            except Exception as exc:  # one bad day must not stop the range
                result = DayResult(task.day, task.source.id, FAILED,
                                   error=f"{type(exc).__name__}: {exc}"[:1000])
            else:
                _mark_complete(out, task, counts)
                result = DayResult(task.day, task.source.id, DONE, counts)
        summary.results.append(result)
        if on_result:
            on_result(result)
    summary.seconds = time.monotonic() - started
    return summary
