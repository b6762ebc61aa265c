"""Per-date shards of archive inputs, built once per input and reused.

Scanning a 28 MB dump for every day of a multi-year backfill would read it
thousands of times; instead each input (one JSON Lines file, one WARC file or
URL, or the plain-text files of one ``dumps`` entry) is read once into a small
SQLite file of entries keyed by day, under ``<state>/backfill/index/``. A day's
ingest then reads only its rows. The file is built under a temporary name and
renamed into place (a killed build leaves nothing half-made), guarded by a
lock so concurrent tasks build it once, and rebuilt when the input changes
(size and modification time of every file; a URL's content is taken as fixed,
as archive files are).
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import hashlib
import json
import os
import sqlite3
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline.backfill.dumps import is_jsonl, jsonl_entries, text_entries
from pipeline.backfill.entries import Entry, host_matches, host_of
from pipeline.backfill.warcs import (
    ArchiveFetchError,
    files_for_days,
    is_listing,
    is_url,
    listing_files,
    read_listing,
    warc_entries,
)
from pipeline.sources import Source

INDEX_VERSION = "1"
_BATCH = 2000


class BackfillInputError(ValueError):
    """An archive input named in sources.yaml does not exist or cannot be read."""


@dataclass(frozen=True)
class ArchiveInput:
    """One indexable input: ``kind`` jsonl, text or warc; ``location`` a path,
    glob (text) or URL."""

    kind: str
    location: str
    files: tuple[str, ...] = ()
    url_prefix: str | None = None

    @property
    def key(self) -> str:
        return hashlib.sha1(f"{self.kind}\0{self.location}\0{self.url_prefix}".encode()).hexdigest()

    def fingerprint(self) -> str:
        """Changes whenever the input's content may have changed."""
        if is_url(self.location):
            return self.location
        stats = []
        for name in self.files:
            try:
                stat = os.stat(name)
            except OSError as exc:
                raise BackfillInputError(f"{name}: cannot read archive input: {exc}") from exc
            stats.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
        return hashlib.sha1("\n".join(stats).encode()).hexdigest()

    def entries(self, workdir: Path) -> Iterator[Entry]:
        if self.kind == "jsonl":
            return jsonl_entries(self.location)
        if self.kind == "text":
            return text_entries(list(self.files), self.url_prefix or "")
        return warc_entries(self.location, workdir)


@dataclass(frozen=True)
class SourceInputs:
    """A source's archive inputs for a span of days, and which hosts it keeps."""

    dumps: tuple[ArchiveInput, ...]
    warcs: tuple[ArchiveInput, ...]
    dump_domains: tuple[str, ...]
    warc_domains: tuple[str, ...]

    def by_domains(self) -> list[tuple[ArchiveInput, tuple[str, ...]]]:
        """Each input with the hosts kept from it (empty: every record)."""
        return [*((i, self.dump_domains) for i in self.dumps),
                *((i, self.warc_domains) for i in self.warcs)]

    def fingerprint(self) -> str:
        parts = [f"{i.key}:{i.fingerprint()}" for i in (*self.dumps, *self.warcs)]
        parts += [",".join(self.dump_domains), ",".join(self.warc_domains)]
        return hashlib.sha1("\n".join(parts).encode()).hexdigest()


def source_inputs(source: Source, first: date, last: date) -> SourceInputs:
    """Resolve a source's ``dumps`` and ``warc_inputs`` (globs, CC-NEWS listings)
    into indexable inputs that may hold records of ``first``..``last``."""
    dumps: list[ArchiveInput] = []
    for dump in source.dumps:
        files = _glob(dump.pattern, "dumps")
        jsonl = [f for f in files if is_jsonl(f)]
        dumps.extend(ArchiveInput("jsonl", name, (name,)) for name in jsonl)
        texts = tuple(f for f in files if not is_jsonl(f))
        if texts:
            if not dump.url_prefix:
                raise BackfillInputError(
                    f"source {source.id}: plain-text dump {dump.pattern} needs a url_prefix"
                )
            dumps.append(ArchiveInput("text", dump.pattern, texts, dump.url_prefix))
    warcs: list[ArchiveInput] = []
    for location in source.warc_inputs:
        if is_listing(location):
            try:
                listed = listing_files(location, read_listing(location))
            except (OSError, ArchiveFetchError) as exc:
                raise BackfillInputError(f"{location}: cannot read listing: {exc}") from exc
            names = files_for_days(listed, first, last)
        elif is_url(location):
            names = [location]
        else:
            names = _glob(location, "warc_inputs")
        warcs.extend(ArchiveInput("warc", n, () if is_url(n) else (n,)) for n in names)
    home = host_of(source.home)
    return SourceInputs(tuple(dumps), tuple(warcs), tuple(source.domains),
                        tuple(source.domains or [home]))


def _glob(pattern: str, field: str) -> list[str]:
    files = sorted(glob.glob(pattern, recursive=True)) if glob.has_magic(pattern) else [pattern]
    files = [f for f in files if os.path.isfile(f)]
    if not files:
        raise BackfillInputError(f"{field}: no file matches {pattern}")
    return files


def day_entries(inputs: SourceInputs, day: date, state_dir: str | Path) -> Iterator[Entry]:
    """The source's entries for ``day``, input by input, in file order."""
    for archive, domains in inputs.by_domains():
        for entry in ensure_index(archive, state_dir).read(day):
            if _kept(entry.host, domains):
                yield entry


def days_with_entries(
    inputs: SourceInputs, first: date, last: date, state_dir: str | Path
) -> list[date]:
    """Days of ``first``..``last`` on which the source has any entry."""
    days: set[date] = set()
    for archive, domains in inputs.by_domains():
        days.update(ensure_index(archive, state_dir).days(first, last, domains))
    return sorted(days)


def _kept(host: str, domains: tuple[str, ...]) -> bool:
    """Records without a host (file-level rejects) belong to every source reading the file."""
    return not domains or not host or host_matches(host, list(domains))


class ShardIndex:
    """A built index: read one day's entries, or which days have entries."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)

    def read(self, day: date) -> Iterator[Entry]:
        with contextlib.closing(self._connect()) as db:
            rows = db.execute("SELECT host, entry FROM entries WHERE day = ? ORDER BY seq",
                              (day.isoformat(),))
            for host, payload in rows:
                yield Entry(day, host, json.loads(payload))

    def days(self, first: date, last: date, domains: tuple[str, ...]) -> set[date]:
        with contextlib.closing(self._connect()) as db:
            rows = db.execute("SELECT DISTINCT day, host FROM entries WHERE day BETWEEN ? AND ?",
                              (first.isoformat(), last.isoformat()))
            return {date.fromisoformat(day) for day, host in rows if _kept(host, domains)}

    def meta(self) -> dict[str, str]:
        with contextlib.closing(self._connect()) as db:
            return dict(db.execute("SELECT key, value FROM meta"))


def ensure_index(archive: ArchiveInput, state_dir: str | Path) -> ShardIndex:
    """The input's index, built now if missing or stale (one builder at a time)."""
    folder = Path(state_dir) / "backfill" / "index"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{archive.key}.sqlite"
    fingerprint = archive.fingerprint()
    if _is_current(path, fingerprint):
        return ShardIndex(path)
    with open(folder / f"{archive.key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _is_current(path, fingerprint):  # another process may have built it meanwhile
            _build(archive, fingerprint, path)
    return ShardIndex(path)


def _is_current(path: Path, fingerprint: str) -> bool:
    if not path.exists():
        return False
    try:
        meta = ShardIndex(path).meta()
    except sqlite3.Error:
        return False
    return meta.get("version") == INDEX_VERSION and meta.get("fingerprint") == fingerprint


def _build(archive: ArchiveInput, fingerprint: str, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    per_day: Counter[str] = Counter()
    try:
        with contextlib.closing(sqlite3.connect(tmp)) as db:
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("PRAGMA synchronous = OFF")
            db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
            db.execute("CREATE TABLE entries (day TEXT, seq INTEGER, host TEXT, entry TEXT)")
            batch: list[tuple[str | None, int, str, str]] = []
            for seq, entry in enumerate(archive.entries(path.parent)):
                day = entry.day.isoformat() if entry.day else None
                per_day[day or "undated"] += 1
                batch.append((day, seq, entry.host,
                              json.dumps(entry.payload, ensure_ascii=False)))
                if len(batch) >= _BATCH:
                    db.executemany("INSERT INTO entries VALUES (?, ?, ?, ?)", batch)
                    batch.clear()
            db.executemany("INSERT INTO entries VALUES (?, ?, ?, ?)", batch)
            db.execute("CREATE INDEX by_day ON entries (day, seq)")
            db.executemany("INSERT INTO meta VALUES (?, ?)", [
                ("version", INDEX_VERSION), ("fingerprint", fingerprint),
                ("input", archive.location), ("kind", archive.kind),
                ("entries", str(sum(per_day.values()))),
                ("undated", str(per_day.pop("undated", 0))),
                ("days", str(len(per_day))),
            ])
            db.commit()
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
