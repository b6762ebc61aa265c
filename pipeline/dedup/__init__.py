"""Deduplication across articles, sources and nights.

Two articles are **duplicates** when

* their bodies have the same :func:`content_hash` (SHA-256 of
  :func:`pipeline.normalize.matching_key`: equal after folding diacritics,
  tatweel, letter forms, punctuation and spacing), or
* both have at least ``min_words`` (30) words and the estimated Jaccard
  similarity of their word 5-gram shingle sets is at least ``threshold`` (0.8)
  (128-permutation MinHash; datasketch LSH finds candidates, each candidate is
  checked on its signature). Shorter bodies are matched exactly only.

**Canonical rule.** Every article has a *rank*: (partition_date, published_at in
UTC, or the start of that day when unknown, article_id); lower ranks first. An
article's canonical is the lowest-ranked canonical among those of its
duplicates that rank *before* it; with no earlier duplicate it is its own
canonical. Every article gets ``near_dup_cluster`` = its canonical's article_id
(singletons included, so a canonical never needs rewriting when a later copy
appears) and ``duplicate_of`` = the same id, or null when it is the canonical.

**Order.** An article's answer depends only on articles ranked before it, so:

* nightly runs in date order give the exact answer, whatever came before;
* re-running a (date, source) is idempotent: its stored signatures are ignored
  while assigning and replaced on commit;
* backfilling an earlier date after later ones gives that date exactly the
  in-order answer. Later partitions already written keep their old answer
  (rewriting them is not this module's job): :meth:`DedupIndex.commit` returns
  the partitions whose stored articles match the backfilled ones, and
  re-running them in date order gives the in-order answer. Known limit: that
  list covers direct matches and the clusters they head, not longer chains;
  re-running every later date is always exact.
* partitions of one date from different sources: whichever is committed first
  cannot see the other. Assign all of a date's sources in one call (``assign``
  accepts several partitions), or re-run the partitions ``commit`` returns.

The index is data: one Parquet file of signatures per (date, source) under the
index root (see :mod:`pipeline.dedup.store`), loaded whole when a
:class:`DedupIndex` opens; with ``DedupSettings.window_days`` set, duplicates
are looked for only that many days apart and only those partitions are loaded
(the rule above still holds within the window).
"""

from pipeline.dedup.index import DedupIndex
from pipeline.dedup.signature import DedupSettings, content_hash

__all__ = ["DedupIndex", "DedupSettings", "content_hash"]
