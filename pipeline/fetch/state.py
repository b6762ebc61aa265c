"""Which URLs a source has already ingested, as files that survive re-runs.

The source of truth is one file per (source, date),
``<state_dir>/<source>/ingested/<YYYY-MM-DD>.txt``, one canonical URL per line,
written only by the run for that date. A run for date D skips URLs listed for
*other* dates and rewrites D's file, so re-running D reproduces D (its own
earlier claims do not hide its articles) while an article that stays in a feed
for a week is ingested only on the first day it was run for.

Reading every day file on every lookup costs one file per day of history
(3,650 for a ten-year backfill, each one a GET when the state is on S3), so a
month's day files are also kept together in a *summary*,
``ingested/months/<YYYY-MM>.<token>.txt``: each day file under a
``# day <YYYY-MM-DD>`` line, then a ``# end <lines>`` trailer that tells a
complete summary from an interrupted write. The token is a digest of the names,
sizes and modification times of the day files the summary was built from, so:

- a summary is used only while the month's day files are exactly those it was
  built from; a late day, or a day re-run after the summary, changes the token
  and the month is read from its day files again (and summarised anew);
- a summary's name fixes its content, so concurrent tasks that build the same
  summary write the same bytes, and tasks that see different day files write
  different names: nobody's claims are lost (day files stay the truth);
- the token is computable from a folder listing alone, so a mirror of the
  state in object storage fetches only the summaries that are current and the
  day files of months without one (:func:`mirrored_files`);
- each URL stays under its day, so a summary serves a lookup for one of its
  own days too: that day's section is skipped.

A month is summarised by the first lookup that reads it from day files, unless
it is D's month or next to it: those are still being written in a backfill or
a nightly run, and a summary of them would soon be stale.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

INGESTED = "ingested"
SUMMARIES = "months"
_DAY_FILE = re.compile(r"(\d{4}-\d{2})-\d{2}\.txt")
_SUMMARY_FILE = re.compile(rf"{SUMMARIES}/(\d{{4}}-\d{{2}})\.[0-9a-f]{{16}}\.txt")
# Lines of a summary that are not URLs (canonical URLs never start with "#"): a day's
# section starts with a header, and the trailer counts the lines before it.
_DAY_HEADER = "# day "
_TRAILER = "# end "
# Months this close to the lookup's own month are read from day files but not summarised.
_UNSETTLED_MONTHS = 1

# A file's (size in bytes, modification time in ns), as a listing reports it.
FileStat = tuple[int, int]


class SeenStateError(RuntimeError):
    """The seen-state holds a summary that cannot be trusted and nothing to rebuild it from."""


@dataclass
class _Month:
    """The files of one month in a listing of ``ingested/``."""

    days: dict[str, FileStat] = field(default_factory=dict)
    summaries: list[str] = field(default_factory=list)

    def current_summary(self, month: str) -> str | None:
        """The summary built from exactly the present day files, if there is one."""
        name = summary_name(month, self.days)
        return name if self.days and name in self.summaries else None


def summary_name(month: str, days: Mapping[str, FileStat]) -> str:
    """The summary of ``month`` built from the day files ``days`` (name -> stat)."""
    digest = hashlib.sha256()
    for name in sorted(days):
        size, mtime_ns = days[name]
        digest.update(f"{name} {size} {mtime_ns}\n".encode())
    return f"{SUMMARIES}/{month}.{digest.hexdigest()[:16]}.txt"


def _by_month(listing: Mapping[str, FileStat]) -> dict[str, _Month]:
    """Day files and summaries of a listing of ``ingested/`` (paths relative to it),
    grouped by month; anything else (temporary files of interrupted writes) is ignored."""
    months: dict[str, _Month] = {}
    for path, stat in listing.items():
        if day := _DAY_FILE.fullmatch(path):
            months.setdefault(day.group(1), _Month()).days[path] = stat
        elif summary := _SUMMARY_FILE.fullmatch(path):
            months.setdefault(summary.group(1), _Month()).summaries.append(path)
    return months


def mirrored_files(listing: Mapping[str, FileStat]) -> list[str]:
    """The files of ``ingested/`` (listed as path -> stat) that a lookup can need.

    For each month: its current summary if it has one, else its day files; a
    month whose day files are all absent is represented by its summaries. This
    is what a mirror of object storage should fetch (``pipeline.remote.Narrowed``):
    one file per settled month instead of one per day.
    """
    wanted: list[str] = []
    for month, files in sorted(_by_month(listing).items()):
        current = files.current_summary(month)
        if current:
            wanted.append(current)
        else:
            wanted.extend(sorted(files.days) or sorted(files.summaries))
    return wanted


class SeenState:
    """Per-source record of ingested canonical URLs, partitioned by date."""

    def __init__(self, state_dir: str | Path, source_id: str) -> None:
        self.folder = Path(state_dir) / source_id / INGESTED

    def seen_elsewhere(self, day: date, urls: Iterable[str]) -> set[str]:
        """Which of ``urls`` were ingested for a date other than ``day``.

        Files are read one at a time and only hits are kept, so memory holds
        the candidates and one month's file, not the source's history.
        Summarises, on the way, settled months read from day files (see the
        module docstring).
        """
        candidates = set(urls)
        if not candidates or not self.folder.is_dir():
            return set()
        own_day = day.isoformat()
        own_month = _month_number(own_day[:7])
        hits: set[str] = set()
        for month, files in sorted(_by_month(self._listing()).items()):
            current = files.current_summary(month)
            found = self._scan_summary(current, candidates, own_day) if current else None
            if found is None and files.days:
                settled = abs(_month_number(month) - own_month) > _UNSETTLED_MONTHS
                found = self._scan_days(month, files.days, candidates, own_day, settled)
            elif found is None:
                found = self._scan_stand_ins(files.summaries, candidates, own_day)
            hits |= found
        return hits

    def record(self, day: date, urls: Iterable[str]) -> None:
        """Replace the list for ``day`` (atomically: a crash keeps the old list)."""
        path = self.folder / f"{day.isoformat()}.txt"
        _write_atomically(path, (f"{url}\n" for url in sorted(set(urls))))

    def _listing(self) -> dict[str, FileStat]:
        """Day files and summaries with their stats, taken *before* any is read: a file
        rewritten meanwhile then gets a stat (and a summary token) that no longer matches."""
        listing: dict[str, FileStat] = {}
        for folder, prefix in ((self.folder, ""), (self.folder / SUMMARIES, f"{SUMMARIES}/")):
            if not folder.is_dir():
                continue
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_file():
                        stat = entry.stat()
                        listing[prefix + entry.name] = (stat.st_size, stat.st_mtime_ns)
        return listing

    def _scan_summary(self, name: str, candidates: set[str], own_day: str) -> set[str] | None:
        """Hits in the summary ``name``, or None if it is incomplete (no valid trailer)."""
        text = (self.folder / name).read_text("utf-8")
        body, _, trailer = text.rpartition(_TRAILER)
        if not body.endswith("\n") or trailer != f"{body.count(chr(10))}\n":
            return None
        hits: set[str] = set()
        for section in f"\n{body}".split(f"\n{_DAY_HEADER}")[1:]:
            day, _, urls = section.partition("\n")
            if day != own_day:
                hits |= candidates.intersection(urls.split("\n"))
        return hits

    def _scan_stand_ins(self, names: list[str], candidates: set[str], own_day: str) -> set[str]:
        """Hits in the summaries of a month whose day files are not here (a mirror
        fetched only its current summary): they are all there is to go by."""
        hits: set[str] = set()
        for name in names:
            found = self._scan_summary(name, candidates, own_day)
            if found is None:
                raise SeenStateError(
                    f"{self.folder / name} is incomplete and its month's day files are "
                    "missing; delete it and restore the day files"
                )
            hits |= found
        return hits

    def _scan_days(self, month: str, days: Mapping[str, FileStat], candidates: set[str],
                   own_day: str, summarise: bool) -> set[str]:
        """Hits in the month's day files; if ``summarise``, its summary is written on the
        way (one day file in memory at a time)."""
        hits: set[str] = set()
        own = f"{own_day}.txt"

        def urls_of(name: str) -> list[str]:
            urls = [url for url in (self.folder / name).read_text("utf-8").split("\n") if url]
            if name != own:
                hits.update(candidates.intersection(urls))
            return urls

        if summarise:
            sections = ((name.removesuffix(".txt"), urls_of(name)) for name in sorted(days))
            _write_atomically(self.folder / summary_name(month, days), _summary_lines(sections))
        else:
            for name in days:
                if name != own:
                    urls_of(name)
        return hits


def _summary_lines(sections: Iterable[tuple[str, list[str]]]) -> Iterator[str]:
    """A summary's text from (day, URLs) in day order: each day's URLs under its
    header, then the trailer that :meth:`SeenState._scan_summary` checks."""
    lines = 0
    for day, urls in sections:
        lines += 1 + len(urls)
        yield f"{_DAY_HEADER}{day}\n"
        yield from (f"{url}\n" for url in urls)
    yield f"{_TRAILER}{lines}\n"


def _month_number(month: str) -> int:
    year, number = month.split("-")
    return int(year) * 12 + int(number)


def _write_atomically(path: Path, lines: Iterable[str]) -> None:
    """Write ``path`` under a temporary name, flush it to disk, then rename it: a crash
    leaves either the old file or the new one, never part of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.writelines(lines)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
