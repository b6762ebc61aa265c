"""The persistent dedup index and the rule that picks each cluster's canonical article.

See :mod:`pipeline.dedup` for the rule and its guarantees; this module implements
it. In memory the index holds the stored signatures (all of them, or those
within the window) by content hash, by article_id and in a
:class:`~pipeline.dedup.lsh.BandIndex`; on disk it is a
:class:`~pipeline.dedup.store.SignatureStore`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pyarrow as pa

from pipeline.dedup.lsh import BandIndex
from pipeline.dedup.signature import (
    DedupSettings,
    Fingerprint,
    Sketch,
    content_hash,
    fingerprint,
)
from pipeline.dedup.store import SIGNATURES, SignatureStore
from pipeline.records import Article

log = logging.getLogger(__name__)

PartitionKey = tuple[date, str]
EntryKey = tuple[date, str, str]
Rank = tuple[date, datetime, str]

# Bodies that normalise to nothing are never duplicates of each other.
_EMPTY_HASH = content_hash("")


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def rank(day: date, published_at: datetime | None, article_id: str) -> Rank:
    """Sort key of the canonical rule: partition date, then publication time
    (start of the partition day when unknown), then article_id."""
    moment = _utc(published_at) if published_at else datetime.combine(day, time.min, UTC)
    return (day, moment, article_id)


@dataclass(frozen=True, slots=True)
class _Entry:
    """One article known to the index and the answer recorded for it (its MinHash
    sketch travels beside it: stored entries keep theirs in a BandIndex)."""

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


class _Signatures:
    """Entries reachable by key, exact hash, article_id and near-duplicate search;
    used for the stored index and, separately, for the batch being assigned."""

    def __init__(self, settings: DedupSettings, capacity: int = 0) -> None:
        self.entries: dict[EntryKey, _Entry] = {}
        self.partitions: dict[PartitionKey, set[EntryKey]] = {}
        self.by_id: dict[str, _Entry] = {}
        # Lists, not sets: most hashes have one article, and a one-item set costs
        # three times a one-item list (this index holds every stored article).
        self._by_hash: dict[str, list[EntryKey]] = {}
        self._bands = BandIndex(settings, capacity)
        self._rows: dict[EntryKey, int] = {}
        self._row_keys: list[EntryKey] = []

    def add(self, entries: list[_Entry], sketches: list[Sketch | None]) -> None:
        sketched = [(e.key, s) for e, s in zip(entries, sketches, strict=True) if s is not None]
        if sketched:
            rows = self._bands.add(np.stack([s.minhash for _, s in sketched]),
                                   np.array([s.shingles for _, s in sketched]))
            for (key, _), row in zip(sketched, rows.tolist(), strict=True):
                self._rows[key] = row
                self._row_keys.append(key)
        for entry in entries:
            key = entry.key
            is_new = key not in self.entries
            self.entries[key] = entry
            self.partitions.setdefault(entry.partition, set()).add(key)
            if is_new and entry.content_hash != _EMPTY_HASH:
                self._by_hash.setdefault(entry.content_hash, []).append(key)
            known = self.by_id.get(entry.article_id)
            if known is None or entry.rank < known.rank:
                self.by_id[entry.article_id] = entry

    def remove_partition(self, partition: PartitionKey) -> None:
        for key in self.partitions.pop(partition, set()):
            entry = self.entries.pop(key)
            same_hash = self._by_hash.get(entry.content_hash, [])
            if key in same_hash:
                same_hash.remove(key)
            if not same_hash:
                self._by_hash.pop(entry.content_hash, None)
            if self.by_id.get(entry.article_id) is entry:
                del self.by_id[entry.article_id]
            row = self._rows.pop(key, None)
            if row is not None:
                self._bands.remove(row)

    def matches(self, entry: _Entry, sketch: Sketch | None) -> list[_Entry]:
        """Entries that are exact or near duplicates of ``entry`` (other article_ids only)."""
        found = set(self._by_hash.get(entry.content_hash, ()))  # never holds _EMPTY_HASH
        if sketch is not None:
            found.update(self._row_keys[row] for row in self._bands.near(sketch).tolist())
        return [self.entries[key] for key in found if key[2] != entry.article_id]


def article_key(article: Article) -> EntryKey:
    """The key :meth:`DedupIndex.decide` gives an article's verdict under."""
    return (article.partition_date, article.source_id, article.article_id)


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


class DedupIndex:
    """Assigns ``content_hash``, ``near_dup_cluster`` and ``duplicate_of`` to
    articles against each other and against every article already stored.

    Use: ``index.assign(articles)`` (fills the fields, writes nothing), write
    the articles partition, then ``index.commit(articles)`` (replaces those
    partitions' stored signatures). Committing after the articles are written
    means a crash in between leaves the index behind the data, never ahead of it.
    """

    def __init__(self, root: str, settings: DedupSettings | None = None) -> None:
        self._store = SignatureStore(root)
        stored = self._store.read_settings()
        if stored is not None and settings is not None and stored != settings:
            raise ValueError(
                f"dedup index at {root} was built with {stored}, not {settings}: "
                "signatures are not comparable; use another root or rebuild it"
            )
        self.settings = stored or settings or DedupSettings()
        self._settings_stored = stored is not None
        self._index = _Signatures(self.settings)
        self._pending: dict[PartitionKey, dict[str, tuple[_Entry, Sketch | None]]] = {}
        self._stale: set[PartitionKey] = set()
        self._loaded: tuple[date, date] | None = None  # span of partition dates in memory
        if self.settings.window_days is None:
            self._load(date.min, date.max)
            self._loaded = (date.min, date.max)

    def __len__(self) -> int:
        """Signatures in memory: all of them, or those loaded for the window so far."""
        return len(self._index.entries)

    def _ensure_loaded(self, days: set[date]) -> None:
        """Load the partitions within ``window_days`` of ``days`` not yet in memory."""
        window = self.settings.window_days
        if window is None or not days:
            return
        first, last = _shift(min(days), -window), _shift(max(days), window)
        if self._loaded is None:
            self._load(first, last)
            self._loaded = (first, last)
            return
        loaded_first, loaded_last = self._loaded
        if first < loaded_first:
            self._load(first, _shift(loaded_first, -1))
        if last > loaded_last:
            self._load(_shift(loaded_last, 1), last)
        self._loaded = (min(first, loaded_first), max(last, loaded_last))

    def _within_window(self, entry: _Entry, other: _Entry) -> bool:
        window = self.settings.window_days
        return window is None or abs((entry.day - other.day).days) <= window

    def _load(self, first: date, last: date) -> None:
        for table in self._store.read(first, last):
            self._add_table(table)

    def _add_table(self, table: pa.Table) -> None:
        column = {name: table[name].to_pylist() for name in table.column_names}
        width = 4 * self.settings.num_perm
        sketches: list[Sketch | None] = []
        for article_id, raw, shingles in zip(
            column["article_id"], column["minhash"], column["shingles"], strict=True
        ):
            if raw is not None and len(raw) != width:
                raise ValueError(f"dedup index signature of {article_id} has "
                                 f"{len(raw) // 4} values, expected {width // 4}")
            sketches.append(None if raw is None
                            else Sketch(np.frombuffer(raw, dtype="<u4"), shingles))
        entries = list(map(_Entry, column["date"], column["source"], column["article_id"],
                           column["published_at"], column["content_hash"],
                           column["canonical_id"]))
        self._index.add(entries, sketches)

    def assign(self, articles: list[Article]) -> None:
        """Fill the dedup fields of ``articles``, in place (see :meth:`decide`)."""
        verdicts = self.decide((a, fingerprint(a.body, self.settings)) for a in articles)
        for article in articles:
            verdicts[article_key(article)].apply(article)

    def decide(
        self, articles: Iterable[tuple[Article, Fingerprint]]
    ) -> dict[EntryKey, Verdict]:
        """The dedup fields of ``articles``, by :func:`article_key`.

        Each article comes with the :func:`~pipeline.dedup.signature.fingerprint`
        of its body under this index's ``settings`` (computed by the caller, so
        that it can be computed in worker processes).

        ``articles`` usually form one (partition_date, source_id) partition but
        may span several (e.g. every source of one date, which makes same-day
        cross-source matches independent of task order). Stored signatures of
        those partitions are ignored: a re-run replaces them. An article_id
        repeated within a partition gets the answer of its first copy. Only
        signatures are kept while reading ``articles``, not the articles, so
        a partition can be streamed through.
        """
        firsts: set[EntryKey] = set()
        repeats = 0
        prepared: list[tuple[_Entry, Sketch | None]] = []
        for article, print_ in articles:
            key = article_key(article)
            if key in firsts:
                repeats += 1
                continue
            firsts.add(key)
            prepared.append((_Entry(article.partition_date, article.source_id,
                                    article.article_id, article.published_at,
                                    print_.content_hash, article.article_id), print_.sketch))
        if repeats:
            log.warning("dedup: %d article(s) repeat an article_id of the same partition",
                        repeats)
        batch_partitions = {entry.partition for entry, _ in prepared}
        self._ensure_loaded({day for day, _ in batch_partitions})
        prepared.sort(key=lambda item: item[0].rank)

        batch = _Signatures(self.settings, capacity=len(prepared))
        stale: set[PartitionKey] = set()
        reopened: set[str] = set()
        verdicts: dict[EntryKey, Verdict] = {}
        self._pending = {}
        for entry, sketch in prepared:
            stored = [m for m in self._index.matches(entry, sketch) + self._same_url(entry)
                      if m.partition not in batch_partitions and self._within_window(entry, m)]
            matches = stored + [m for m in batch.matches(entry, sketch)
                                if self._within_window(entry, m)]
            earlier = [m for m in matches if m.rank < entry.rank]
            canonical_rank, canonical_id = min(
                ((self._canonical_rank(m, batch), m.canonical_id) for m in earlier),
                default=(entry.rank, entry.article_id),
            )
            for later in (m for m in stored if m.rank > entry.rank):
                if canonical_rank < self._canonical_rank(later, batch):
                    stale.add(later.partition)
                    if later.canonical_id == later.article_id:
                        reopened.add(later.article_id)
            entry = replace(entry, canonical_id=canonical_id)
            batch.add([entry], [sketch])
            verdicts[entry.key] = Verdict(entry.day, entry.source_id, entry.article_id,
                                          entry.content_hash, canonical_id,
                                          canonical_id if earlier else None)
            self._pending.setdefault(entry.partition, {})[entry.article_id] = (entry, sketch)

        if reopened:
            stale.update(e.partition for e in self._index.entries.values()
                         if e.canonical_id in reopened)
        self._stale = stale - batch_partitions
        return verdicts

    def commit(
        self, articles: Iterable[Article | Verdict], partitions: Iterable[PartitionKey] = ()
    ) -> list[PartitionKey]:
        """Store the signatures of assigned ``articles`` (or their verdicts),
        replacing whatever their (date, source) partitions held, and return the
        later partitions whose stored answers this batch makes out of date
        (re-run them, in date order, to get the answer an in-order run would give).

        ``partitions`` names extra partitions to replace, for a re-run that now
        has no articles at all (their old signatures are removed).
        """
        groups: dict[PartitionKey, dict[str, tuple[_Entry, Sketch | None]]] = {
            p: {} for p in partitions
        }
        for article in articles:
            partition = (article.partition_date, article.source_id)
            pending = self._pending.get(partition, {}).get(article.article_id)
            if pending is None or pending[0].content_hash != article.content_hash:
                raise ValueError(f"article {article.article_id} was not assigned by this "
                                 "index: call assign() on the same articles before commit()")
            groups.setdefault(partition, {})[article.article_id] = pending
        if groups and not self._settings_stored:
            self._store.write_settings(self.settings)
            self._settings_stored = True
        for (day, source_id), entries in groups.items():
            self._store.replace(day, source_id, _to_table(entries.values()))
            self._index.remove_partition((day, source_id))
            self._index.add([e for e, _ in entries.values()], [s for _, s in entries.values()])
        stale = sorted(self._stale - groups.keys())
        self._pending, self._stale = {}, set()
        return stale

    def _same_url(self, entry: _Entry) -> list[_Entry]:
        """The stored row with ``entry``'s article_id in another partition, if any.

        The caller should never let one URL become two rows; if it does, the
        later row is a copy of the earlier one whatever its text (its
        ``duplicate_of`` then names its own article_id, i.e. the earlier row).
        """
        same = self._index.by_id.get(entry.article_id)
        if same is None or same.partition == entry.partition:
            return []
        log.warning("dedup: article %s is already stored in partition %s",
                    entry.article_id, same.partition)
        return [same]

    def _canonical_rank(self, entry: _Entry, batch: _Signatures) -> Rank:
        """Rank of ``entry``'s canonical; the entry's own rank if that article is gone."""
        canonical = batch.by_id.get(entry.canonical_id) or self._index.by_id.get(
            entry.canonical_id
        )
        return canonical.rank if canonical is not None else entry.rank


def _shift(day: date, days: int) -> date:
    """``day`` moved by ``days``, clamped to the representable dates."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.min if days < 0 else date.max


def _to_table(pairs: Iterable[tuple[_Entry, Sketch | None]]) -> pa.Table:
    rows = sorted(pairs, key=lambda pair: pair[0].rank)
    return pa.table(
        {
            "article_id": [e.article_id for e, _ in rows],
            "published_at": [_utc(e.published_at) if e.published_at else None for e, _ in rows],
            "content_hash": [e.content_hash for e, _ in rows],
            "canonical_id": [e.canonical_id for e, _ in rows],
            "minhash": [None if s is None else s.minhash.astype("<u4").tobytes() for _, s in rows],
            "shingles": [None if s is None else s.shingles for _, s in rows],
        },
        schema=SIGNATURES,
    )
