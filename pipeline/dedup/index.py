"""The persistent dedup index and the rule that picks each cluster's canonical article.

See :mod:`pipeline.dedup` for the rule and its guarantees; this module implements
it. In memory the index holds the stored signatures (all of them, or those
within the window) by content hash, by article_id and in a
:class:`~pipeline.dedup.lsh.BandIndex`; on disk it is a
:class:`~pipeline.dedup.store.SignatureStore`. The batch being assigned lives
in a :class:`~pipeline.dedup.workspace.Workspace` on local disk from
``decide`` to ``commit``, so that its size does not change the memory used.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, timedelta

import numpy as np
import pyarrow as pa

from pipeline.dedup.lsh import BandIndex
from pipeline.dedup.signature import DedupSettings, Fingerprint, Sketch, fingerprint
from pipeline.dedup.store import SignatureStore
from pipeline.dedup.workspace import (
    CHUNK,
    EMPTY_HASH,
    Entry,
    EntryKey,
    PartitionKey,
    Rank,
    Verdict,
    Verdicts,
    Workspace,
)
from pipeline.records import Article
from pipeline.storage import PARTITIONING_SCHEMA

log = logging.getLogger(__name__)


class _Signatures:
    """The stored entries, reachable by key, exact hash, article_id and
    near-duplicate search."""

    def __init__(self, settings: DedupSettings) -> None:
        self.entries: dict[EntryKey, Entry] = {}
        self.partitions: dict[PartitionKey, set[EntryKey]] = {}
        self.by_id: dict[str, Entry] = {}
        # Lists, not sets: most hashes have one article, and a one-item set costs
        # three times a one-item list (this index holds every stored article).
        self._by_hash: dict[str, list[EntryKey]] = {}
        self._bands = BandIndex(settings)
        self._rows: dict[EntryKey, int] = {}
        self._row_keys: list[EntryKey] = []

    def add(self, entries: list[Entry], sketches: list[Sketch | None]) -> None:
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
            if is_new and entry.content_hash != EMPTY_HASH:
                self._by_hash.setdefault(entry.content_hash, []).append(key)
            known = self.by_id.get(entry.article_id)
            if known is None or entry.rank < known.rank:
                self.by_id[entry.article_id] = entry

    def reserve(self, sketched: int) -> None:
        """Make room for ``sketched`` more signatures, about to be added in parts."""
        self._bands.reserve(sketched)

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

    def matches(self, entry: Entry, sketch: Sketch | None, keys: np.ndarray | None) -> list[Entry]:
        """Entries that are exact or near duplicates of ``entry`` (other article_ids
        only); ``keys`` are the sketch's band keys."""
        found = set(self._by_hash.get(entry.content_hash, ()))  # never holds EMPTY_HASH
        if sketch is not None:
            found.update(self._row_keys[row] for row in self._bands.near(sketch, keys).tolist())
        return [self.entries[key] for key in found if key[2] != entry.article_id]


def article_key(article: Article) -> EntryKey:
    """The key :meth:`DedupIndex.decide` gives an article's verdict under."""
    return (article.partition_date, article.source_id, article.article_id)


class DedupIndex:
    """Assigns ``content_hash``, ``near_dup_cluster`` and ``duplicate_of`` to
    articles against each other and against every article already stored.

    Use: ``index.assign(articles)`` (fills the fields, writes nothing), write
    the articles partition, then ``index.commit(articles)`` (replaces those
    partitions' stored signatures). Committing after the articles are written
    means a crash in between leaves the index behind the data, never ahead of it.
    """

    def __init__(self, root: str, settings: DedupSettings | None = None, *,
                 workdir: str | None = None) -> None:
        """``workdir``: local directory for the temporary database of the batch
        being assigned (see :mod:`pipeline.dedup.workspace`); default the
        system temp dir."""
        self._store = SignatureStore(root)
        stored = self._store.read_settings()
        if stored is not None and settings is not None and stored != settings:
            raise ValueError(
                f"dedup index at {root} was built with {stored}, not {settings}: "
                "signatures are not comparable; use another root or rebuild it"
            )
        self.settings = stored or settings or DedupSettings()
        self._settings_stored = stored is not None
        self._workdir = workdir
        self._index = _Signatures(self.settings)
        self._pending: Workspace | None = None  # the last decide's batch, until commit
        self._stale: set[PartitionKey] = set()
        self._loaded: tuple[date, date] | None = None  # span of partition dates in memory
        # Committed partitions within that span, read back from the store only when
        # the index is used again: a run that commits and closes never holds them.
        self._unloaded: set[PartitionKey] = set()
        if self.settings.window_days is None:
            self._load(date.min, date.max)
            self._loaded = (date.min, date.max)

    def __len__(self) -> int:
        """Signatures in memory: all of them, or those loaded for the window so far."""
        self._reload()
        return len(self._index.entries)

    def _reload(self) -> None:
        """Read back the partitions committed since the index was last used."""
        for day, source_id in sorted(self._unloaded):
            if self._loaded is not None and self._loaded[0] <= day <= self._loaded[1]:
                table = self._store.read_partition(day, source_id)
                if table is not None:
                    self._add_table(table)
        self._unloaded = set()

    def close(self) -> None:
        """Delete the temporary database of an uncommitted batch, if any."""
        if self._pending is not None:
            self._pending.close()
            self._pending = None

    def __enter__(self) -> DedupIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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

    def _within_window(self, entry: Entry, other: Entry) -> bool:
        window = self.settings.window_days
        return window is None or abs((entry.day - other.day).days) <= window

    def _load(self, first: date, last: date) -> None:
        for table in self._store.read(first, last):
            self._add_table(table)

    def _add_table(self, table: pa.Table) -> None:
        """Add signature rows (:data:`PARTITIONED_SIGNATURES`), a chunk at a time
        so that the Python objects of one conversion stay few. They stay in
        memory, so equal values share one object: a partition's date and
        source, a canonical's article_id and canonical_id."""
        width = 4 * self.settings.num_perm
        self._index.reserve(table.num_rows - table["minhash"].null_count)
        shared: dict[object, object] = {}
        for batch in table.to_batches(max_chunksize=CHUNK):
            column = {name: batch[name].to_pylist() for name in batch.schema.names}
            for name in PARTITIONING_SCHEMA.names:
                column[name] = [shared.setdefault(value, value) for value in column[name]]
            column["canonical_id"] = [
                own if canonical == own else canonical
                for own, canonical in zip(column["article_id"], column["canonical_id"], strict=True)
            ]
            sketches: list[Sketch | None] = []
            for article_id, raw, shingles in zip(
                column["article_id"], column["minhash"], column["shingles"], strict=True
            ):
                if raw is not None and len(raw) != width:
                    raise ValueError(f"dedup index signature of {article_id} has "
                                     f"{len(raw) // 4} values, expected {width // 4}")
                sketches.append(None if raw is None
                                else Sketch(np.frombuffer(raw, dtype="<u4"), shingles))
            entries = list(map(Entry, column["date"], column["source"], column["article_id"],
                               column["published_at"], column["content_hash"],
                               column["canonical_id"]))
            self._index.add(entries, sketches)

    def assign(self, articles: list[Article]) -> None:
        """Fill the dedup fields of ``articles``, in place (see :meth:`decide`)."""
        verdicts = self.decide((a, fingerprint(a.body, self.settings)) for a in articles)
        for article in articles:
            verdicts[article_key(article)].apply(article)

    def decide(self, articles: Iterable[tuple[Article, Fingerprint]]) -> Verdicts:
        """The dedup fields of ``articles``, by :func:`article_key`.

        Each article comes with the :func:`~pipeline.dedup.signature.fingerprint`
        of its body under this index's ``settings`` (computed by the caller, so
        that it can be computed in worker processes).

        ``articles`` usually form one (partition_date, source_id) partition but
        may span several (e.g. every source of one date, which makes same-day
        cross-source matches independent of task order). Stored signatures of
        those partitions are ignored: a re-run replaces them. An article_id
        repeated within a partition gets the answer of its first copy.
        ``articles`` is streamed into a temporary database on local disk
        (:class:`~pipeline.dedup.workspace.Workspace`), and so are the answers:
        the memory used does not grow with the batch. The returned
        :class:`~pipeline.dedup.workspace.Verdicts` reads them from there until
        :meth:`commit`, the next ``decide``, or its own ``close``.
        """
        self.close()
        workspace = Workspace(self.settings, self._workdir)
        try:
            self._decide(workspace, articles)
        except BaseException:
            workspace.close()
            raise
        self._pending = workspace
        return Verdicts(workspace)

    def _decide(self, batch: Workspace, articles: Iterable[tuple[Article, Fingerprint]]) -> None:
        """Apply the canonical rule to every article of ``batch``, lowest rank first."""
        repeats = batch.add(articles)
        if repeats:
            log.warning("dedup: %d article(s) repeat an article_id of the same partition",
                        repeats)
        batch_partitions = batch.partitions()
        self._reload()  # before the span grows: a newly loaded range reads them anyway
        self._ensure_loaded({day for day, _ in batch_partitions})
        stale: set[PartitionKey] = set()
        reopened: set[str] = set()
        for seq, entry, sketch, keys in batch.in_rank_order():
            stored = [m for m in self._index.matches(entry, sketch, keys) + self._same_url(entry)
                      if m.partition not in batch_partitions and self._within_window(entry, m)]
            matches = stored + [m for m in batch.matches(entry, sketch, keys)
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
            batch.record(seq, canonical_id, canonical_id if earlier else None)

        if reopened:
            stale.update(e.partition for e in self._index.entries.values()
                         if e.canonical_id in reopened)
        self._stale = stale - batch_partitions

    def commit(
        self, articles: Iterable[Article | Verdict], partitions: Iterable[PartitionKey] = ()
    ) -> list[PartitionKey]:
        """Store the signatures of assigned ``articles`` (or their verdicts, e.g.
        ``verdicts.values()``, streamed), replacing whatever their (date, source)
        partitions held, and return the later partitions whose stored answers
        this batch makes out of date (re-run them, in date order, to get the
        answer an in-order run would give). The batch's temporary database is
        deleted once this succeeds.

        ``partitions`` names extra partitions to replace, for a re-run that now
        has no articles at all (their old signatures are removed).
        """
        batch = self._pending if self._pending is not None and not self._pending.closed else None
        refused = next(iter(articles), None) if batch is None else batch.choose(articles)
        if refused is not None:
            raise ValueError(f"article {refused.article_id} was not assigned by this "
                             "index: call assign() on the same articles before commit()")
        chosen = [] if batch is None else batch.chosen_partitions()
        groups = list(dict.fromkeys([*partitions, *chosen]))
        if groups and not self._settings_stored:
            self._store.write_settings(self.settings)
            self._settings_stored = True
        for partition in groups:
            self._store.replace(*partition, () if batch is None else batch.signatures(partition))
            self._index.remove_partition(partition)
            self._unloaded.add(partition)
        stale = sorted(self._stale - set(groups))
        self.close()
        self._stale = set()
        return stale

    def _same_url(self, entry: Entry) -> list[Entry]:
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

    def _canonical_rank(self, entry: Entry, batch: Workspace) -> Rank:
        """Rank of ``entry``'s canonical; the entry's own rank if that article is gone."""
        canonical = batch.first_decided(entry.canonical_id) or self._index.by_id.get(
            entry.canonical_id
        )
        return canonical.rank if canonical is not None else entry.rank


def _shift(day: date, days: int) -> date:
    """``day`` moved by ``days``, clamped to the representable dates."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.min if days < 0 else date.max
