"""The batch one :meth:`~pipeline.dedup.index.DedupIndex.decide` call assigns,
kept in a temporary SQLite database instead of Python objects.

Why: the duplicate rule needs every signature of the batch before any answer
is final, and the answers must stay until ``commit``; one (date, source)
partition may hold tens of thousands of articles. As Python objects (entries,
sketches, band arrays, verdicts) that cost about 5 KB per article; here it is
rows in a file read through a bounded page cache, so the memory of a decision
does not grow with the batch, and SQLite's sorter and indexes (on disk when
large) give the rank order and the lookups the rule needs.

One database per decision, in the system temp dir or a directory the caller
names: created by ``decide``, read by the verdict lookups and by ``commit``,
closed by :meth:`Workspace.close` (``commit``, the next ``decide``,
:meth:`Verdicts.close`), or when it is garbage-collected or the interpreter
exits. Its file is unlinked as soon as it is open, like a
``tempfile.TemporaryFile``, so no error, not even a killed process, leaves a
file behind; closing gives the space back.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
import weakref
from collections.abc import ItemsView, Iterable, Iterator, Mapping, ValuesView
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice

import numpy as np
import pyarrow as pa

from pipeline.dedup.lsh import band_keys, banding, is_near
from pipeline.dedup.signature import DedupSettings, Fingerprint, Sketch, content_hash
from pipeline.dedup.store import SIGNATURES
from pipeline.records import Article
from pipeline.storage import PARTITIONING_SCHEMA

PartitionKey = tuple[date, str]
EntryKey = tuple[date, str, str]
Rank = tuple[date, datetime, str]

# Bodies that normalise to nothing are never duplicates of each other.
EMPTY_HASH = content_hash("")
# Signatures with their partition columns, as SignatureStore.read returns them.
PARTITIONED_SIGNATURES = pa.schema(list(SIGNATURES) + list(PARTITIONING_SCHEMA))

CACHE_KIB = 4096  # SQLite page cache: the memory a decision holds, whatever the batch size
CHUNK = 256  # rows per page of results or Arrow batch
FIRSTS = 1024  # answers of first_decided kept in memory
SKETCH_CHUNK = 256  # articles per insert: 37 band keys each become Python ints on the way
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_DAY = date(1970, 1, 1).toordinal()
_MICROSECOND = timedelta(microseconds=1)


def utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive time is taken to be UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def rank(day: date, published_at: datetime | None, article_id: str) -> Rank:
    """Sort key of the canonical rule: partition date, then publication time
    (start of the partition day when unknown), then article_id."""
    moment = utc(published_at) if published_at else datetime.combine(day, time.min, UTC)
    return (day, moment, article_id)


@dataclass(frozen=True, slots=True)
class Entry:
    """One article known to the index or the batch, and the answer recorded for
    it (its MinHash sketch travels beside it)."""

    day: date
    source_id: str
    article_id: str
    published_at: datetime | None
    content_hash: str
    canonical_id: str

    @property
    def key(self) -> EntryKey:
        return (self.day, self.source_id, self.article_id)

    @property
    def partition(self) -> PartitionKey:
        return (self.day, self.source_id)

    @property
    def rank(self) -> Rank:
        return rank(self.day, self.published_at, self.article_id)


@dataclass(frozen=True, slots=True)
class Verdict:
    """The dedup fields :meth:`DedupIndex.decide` gives one article."""

    partition_date: date
    source_id: str
    article_id: str
    content_hash: str
    near_dup_cluster: str
    duplicate_of: str | None

    def apply(self, article: Article) -> None:
        """Fill ``article``'s dedup fields with this verdict."""
        article.content_hash = self.content_hash
        article.near_dup_cluster = self.near_dup_cluster
        article.duplicate_of = self.duplicate_of


_SCHEMA = """
CREATE TABLE article (
    seq INTEGER PRIMARY KEY,    -- arrival order (of an article_id's first copy)
    day INTEGER NOT NULL,       -- partition date, proleptic ordinal
    source TEXT NOT NULL,
    article_id TEXT NOT NULL,
    moment INTEGER NOT NULL,    -- rank time, UTC microseconds since 1970
    published INTEGER,          -- published_at, UTC microseconds since 1970, or null
    content_hash TEXT NOT NULL,
    canonical_id TEXT,          -- null until decided
    duplicate_of TEXT,
    chosen INTEGER NOT NULL DEFAULT 0,  -- named by commit
    UNIQUE (day, source, article_id)
);
CREATE TABLE sketch (seq INTEGER PRIMARY KEY, minhash BLOB NOT NULL, shingles INTEGER NOT NULL);
CREATE TABLE band (key INTEGER NOT NULL, seq INTEGER NOT NULL);
"""
# Built once every article is in (one sort each, faster than keeping them up to
# date). executescript commits first; everything after runs in one transaction
# again, so that no statement writes its pages out on its own.
_INDEXES = """
CREATE INDEX article_rank ON article (day, moment, article_id, seq);
CREATE INDEX article_hash ON article (content_hash);
CREATE INDEX article_first ON article (article_id, day, moment, seq);
CREATE INDEX band_key ON band (key, seq);
BEGIN;
"""
_ENTRY = "a.seq, a.day, a.source, a.article_id, a.published, a.content_hash, a.canonical_id"
_VERDICT = "a.day, a.source, a.article_id, a.content_hash, a.canonical_id, a.duplicate_of"
_RANK_ORDER = "a.day, a.moment, a.article_id, a.seq"


class Workspace:
    """One batch's articles, sketches, LSH band keys and answers, on disk."""

    def __init__(self, settings: DedupSettings, directory: str | None = None) -> None:
        self.settings = settings
        self._bands = banding(settings)[0]
        handle, path = tempfile.mkstemp(prefix="akhbar-dedup-", suffix=".sqlite", dir=directory)
        os.close(handle)
        try:
            # Any thread may close it: garbage collection and exit run finalizers anywhere.
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error:
            os.remove(path)
            raise
        named = [path]  # what the finalizer must still remove
        self._finalizer = weakref.finalize(self, _discard, self._db, named, os.getpid())
        # Private and disposable: no journal, no fsync, no locking between calls.
        self._db.executescript(f"""
            PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
            PRAGMA locking_mode = EXCLUSIVE; PRAGMA temp_store = FILE;
            PRAGMA cache_size = -{CACHE_KIB};
            {_SCHEMA}
            BEGIN;
        """)
        # Without a journal SQLite never reopens the file by name, so its name can
        # go now (as for tempfile.TemporaryFile): even a killed process leaves
        # nothing behind, and the space is freed when the connection closes.
        with contextlib.suppress(OSError):  # not where open files cannot be unlinked
            os.remove(path)
            named.clear()
        self._firsts: dict[str, Entry] = {}  # see first_decided
        # Exact (same hash) or LSH candidates (a shared band key) among the decided.
        self._match_query = (
            f"SELECT {_ENTRY}, s.minhash, s.shingles FROM article a LEFT JOIN sketch s "
            "USING (seq) WHERE (a.content_hash = ? OR a.seq IN (SELECT seq FROM band WHERE "
            f"key IN ({', '.join('?' * self._bands)}))) "
            "AND a.canonical_id IS NOT NULL AND a.article_id != ?"
        )

    @property
    def closed(self) -> bool:
        return not self._finalizer.alive

    def close(self) -> None:
        """Delete the database (again: a no-op)."""
        self._finalizer()

    # --- filling ---------------------------------------------------------------------

    def add(self, articles: Iterable[tuple[Article, Fingerprint]]) -> int:
        """Store ``articles`` (streamed) and index them; return how many repeated
        the (partition_date, source_id, article_id) of an earlier one, which are
        dropped: an article_id repeated within a partition gets its first copy's
        answer."""
        repeats = 0
        rows: list[tuple] = []
        sketched: list[tuple[int, Sketch]] = []
        for seq, (article, print_) in enumerate(articles):
            day, published = article.partition_date, article.published_at
            rows.append((seq, day.toordinal(), article.source_id, article.article_id,
                         _micros(rank(day, published, article.article_id)[1]),
                         _micros(utc(published)) if published else None, print_.content_hash))
            if print_.sketch is not None:
                sketched.append((seq, print_.sketch))
            if len(rows) == SKETCH_CHUNK:
                repeats += self._insert(rows, sketched)
                rows, sketched = [], []
        repeats += self._insert(rows, sketched)
        self._db.executescript(_INDEXES)
        return repeats

    def _insert(self, rows: list[tuple], sketched: list[tuple[int, Sketch]]) -> int:
        """Insert a chunk of article rows and their sketches; return the repeats."""
        inserted = self._db.executemany(
            "INSERT OR IGNORE INTO article (seq, day, source, article_id, moment, published,"
            " content_hash) VALUES (?, ?, ?, ?, ?, ?, ?)", rows).rowcount
        if inserted < len(rows):  # rare: keep the sketches of first copies only
            kept = {seq for (seq,) in self._db.execute(
                "SELECT seq FROM article WHERE seq BETWEEN ? AND ?", (rows[0][0], rows[-1][0]))}
            sketched = [(seq, sketch) for seq, sketch in sketched if seq in kept]
        if sketched:
            seqs = np.array([seq for seq, _ in sketched], dtype=np.int64)
            minhash = np.stack([sketch.minhash for _, sketch in sketched]).astype("<u4")
            self._db.executemany(
                "INSERT INTO sketch VALUES (?, ?, ?)",
                ((seq, row.tobytes(), sketch.shingles)
                 for (seq, sketch), row in zip(sketched, minhash, strict=True)))
            keys = band_keys(self.settings, minhash).view(np.int64)  # SQLite integers are signed
            self._db.executemany(
                "INSERT INTO band VALUES (?, ?)",
                zip(keys.ravel().tolist(), np.repeat(seqs, self._bands).tolist(), strict=True))
        return len(rows) - inserted

    # --- the decision ----------------------------------------------------------------

    def partitions(self) -> set[PartitionKey]:
        return {(date.fromordinal(day), source) for day, source in
                self._db.execute("SELECT DISTINCT day, source FROM article")}

    def in_rank_order(self) -> Iterator[tuple[int, Entry, Sketch | None, np.ndarray | None]]:
        """(seq, entry, sketch, the sketch's band keys) of every article, lowest
        rank first (ties in arrival order)."""
        for page in self._ranked(f"{_ENTRY}, s.minhash, s.shingles"):
            sketches = [self._sketch(row[7], row[8]) for row in page]
            sketched = [sketch.minhash for sketch in sketches if sketch is not None]
            keys = iter(band_keys(self.settings, np.stack(sketched)) if sketched else ())
            for row, sketch in zip(page, sketches, strict=True):
                yield row[0], _entry(row), sketch, None if sketch is None else next(keys)

    def _ranked(self, columns: str) -> Iterator[list[tuple]]:
        """Pages of ``columns`` of every article in rank order. Keyset pagination:
        no statement stays open between pages, so the caller may record answers
        (or read others) in between."""
        query = (f"SELECT {columns}, {_RANK_ORDER} FROM article a LEFT JOIN sketch s "
                 f"USING (seq) {{where}} ORDER BY {_RANK_ORDER} LIMIT {CHUNK}")
        page = self._db.execute(query.format(where="")).fetchall()
        while page:
            yield page
            page = self._db.execute(query.format(where=f"WHERE ({_RANK_ORDER}) > (?, ?, ?, ?)"),
                                    page[-1][-4:]).fetchall()

    def matches(self, entry: Entry, sketch: Sketch | None, keys: np.ndarray | None) -> list[Entry]:
        """Decided articles that are exact or near duplicates of ``entry`` (other
        article_ids only); ``keys`` are the sketch's band keys."""
        exact = None if entry.content_hash == EMPTY_HASH else entry.content_hash
        bands = [None] * self._bands if keys is None else keys.view(np.int64).tolist()
        rows = self._db.execute(self._match_query, (exact, *bands, entry.article_id)).fetchall()
        hits = [row[5] == exact for row in rows]
        # The others came by a band key (so both have a sketch): check them.
        candidates = [i for i, hit in enumerate(hits) if not hit]
        if sketch is not None and candidates:
            minhash = np.frombuffer(b"".join(rows[i][7] for i in candidates), dtype="<u4")
            near = is_near(self.settings, sketch,
                           minhash.reshape(len(candidates), self.settings.num_perm),
                           np.array([rows[i][8] for i in candidates], dtype=np.int64))
            for i, hit in zip(candidates, near.tolist(), strict=True):
                hits[i] = hit
        return [_entry(row) for row, hit in zip(rows, hits, strict=True) if hit]

    def first_decided(self, article_id: str) -> Entry | None:
        """The lowest-ranked decided article with this article_id, if any.

        Articles are decided in rank order, so once found the answer never
        changes: the last ``FIRSTS`` found are kept (the canonical of a large
        cluster is asked for by every copy)."""
        found = self._firsts.get(article_id)
        if found is None:
            row = self._db.execute(
                f"SELECT {_ENTRY} FROM article a WHERE a.article_id = ? "
                f"AND a.canonical_id IS NOT NULL ORDER BY {_RANK_ORDER} LIMIT 1",
                (article_id,)).fetchone()
            if row is None:
                return None
            if len(self._firsts) == FIRSTS:
                del self._firsts[next(iter(self._firsts))]
            found = self._firsts[article_id] = _entry(row)
        return found

    def record(self, seq: int, canonical_id: str, duplicate_of: str | None) -> None:
        self._db.execute("UPDATE article SET canonical_id = ?, duplicate_of = ? WHERE seq = ?",
                         (canonical_id, duplicate_of, seq))

    # --- the answers -----------------------------------------------------------------

    def verdict(self, key: EntryKey) -> Verdict:
        day, source_id, article_id = key
        row = self._db.execute(
            f"SELECT {_VERDICT} FROM article a "
            "WHERE a.day = ? AND a.source = ? AND a.article_id = ?",
            (day.toordinal(), source_id, article_id)).fetchone()
        if row is None:
            raise KeyError(key)
        return _verdict(row)

    def verdicts(self) -> Iterator[Verdict]:
        """Every answer, in rank order."""
        for page in self._ranked(_VERDICT):
            yield from map(_verdict, page)

    def count(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM article").fetchone()[0]

    # --- commit ----------------------------------------------------------------------

    def choose(self, articles: Iterable[Article | Verdict]) -> Article | Verdict | None:
        """Mark ``articles`` (their key and content hash) for commit, forgetting
        any earlier choice; return the first one this batch does not hold with
        that content hash (None when all are held)."""
        self._db.execute("UPDATE article SET chosen = 0 WHERE chosen")
        iterator = iter(articles)
        while chunk := list(islice(iterator, CHUNK)):
            params = [(a.partition_date.toordinal(), a.source_id, a.article_id, a.content_hash)
                      for a in chunk]
            statement = ("UPDATE article SET chosen = 1 WHERE day = ? AND source = ? "
                         "AND article_id = ? AND content_hash = ?")
            if self._db.executemany(statement, params).rowcount != len(chunk):
                for article, values in zip(chunk, params, strict=True):
                    if self._db.execute(statement, values).rowcount == 0:
                        return article
        return None

    def chosen_partitions(self) -> list[PartitionKey]:
        """Partitions of the chosen articles, in the rank order of their first one."""
        found = self._db.execute(
            f"SELECT a.day, a.source FROM article a WHERE a.chosen ORDER BY {_RANK_ORDER}")
        return [(date.fromordinal(day), source) for day, source in dict.fromkeys(found)]

    def signatures(self, partition: PartitionKey) -> Iterator[pa.RecordBatch]:
        """The chosen articles of ``partition`` as rows of the signature store
        (:data:`PARTITIONED_SIGNATURES`), in rank order, ``CHUNK`` at a time."""
        day, source_id = partition
        cursor = self._db.execute(
            "SELECT a.article_id, a.published, a.content_hash, a.canonical_id, s.minhash, "
            f"s.shingles FROM article a LEFT JOIN sketch s USING (seq) WHERE a.chosen "
            f"AND a.day = ? AND a.source = ? ORDER BY {_RANK_ORDER}",
            (day.toordinal(), source_id))
        while rows := cursor.fetchmany(CHUNK):
            columns = list(zip(*rows, strict=True))
            columns.append([day.toordinal() - _EPOCH_DAY] * len(rows))  # date32: days
            columns.append([source_id] * len(rows))
            yield pa.record_batch(
                [pa.array(values, field.type)
                 for values, field in zip(columns, PARTITIONED_SIGNATURES, strict=True)],
                schema=PARTITIONED_SIGNATURES)

    def _sketch(self, minhash: bytes | None, shingles: int | None) -> Sketch | None:
        if minhash is None or shingles is None:
            return None
        return Sketch(np.frombuffer(minhash, dtype="<u4"), shingles)


class Verdicts(Mapping[EntryKey, Verdict]):
    """The answers of one :meth:`DedupIndex.decide` call by :func:`article_key`,
    read from its :class:`Workspace` on demand (``values()`` and ``items()``
    stream in rank order). Closing it, or committing, deletes the workspace;
    a ``with`` block closes it on the way out."""

    def __init__(self, workspace: Workspace) -> None:
        self._workspace = workspace

    def __getitem__(self, key: EntryKey) -> Verdict:
        return self._workspace.verdict(key)

    def __iter__(self) -> Iterator[EntryKey]:
        return ((v.partition_date, v.source_id, v.article_id) for v in self._workspace.verdicts())

    def __len__(self) -> int:
        return self._workspace.count()

    def values(self) -> ValuesView[Verdict]:
        return _StreamedValues(self)

    def items(self) -> ItemsView[EntryKey, Verdict]:
        return _StreamedItems(self)

    def close(self) -> None:
        self._workspace.close()

    def __enter__(self) -> Verdicts:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _StreamedValues(ValuesView[Verdict]):
    _mapping: Verdicts

    def __iter__(self) -> Iterator[Verdict]:
        return self._mapping._workspace.verdicts()


class _StreamedItems(ItemsView[EntryKey, Verdict]):
    _mapping: Verdicts

    def __iter__(self) -> Iterator[tuple[EntryKey, Verdict]]:
        return (((v.partition_date, v.source_id, v.article_id), v)
                for v in self._mapping._workspace.verdicts())


def _discard(db: sqlite3.Connection, named: list[str], owner: int) -> None:
    if os.getpid() != owner:  # a forked worker's copy: the database is its parent's
        return
    try:
        db.close()
    finally:
        for path in named:
            with contextlib.suppress(FileNotFoundError):
                os.remove(path)


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICROSECOND


def _moment(micros: int) -> datetime:
    return _EPOCH + timedelta(microseconds=micros)


def _entry(row: tuple) -> Entry:
    """An Entry from a row starting with the columns of ``_ENTRY``."""
    _, day, source, article_id, published, content_hash_, canonical_id = row[:7]
    return Entry(date.fromordinal(day), source, article_id,
                 None if published is None else _moment(published), content_hash_, canonical_id)


def _verdict(row: tuple) -> Verdict:
    day, source, article_id, content_hash_, canonical_id, duplicate_of = row[:6]
    return Verdict(date.fromordinal(day), source, article_id, content_hash_, canonical_id,
                   duplicate_of)
