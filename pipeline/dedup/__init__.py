"""Deduplication across articles, sources and nights.

Two articles are **duplicates** when

* their bodies have the same :func:`content_hash` (SHA-256 of
  :func:`pipeline.normalize.matching_key`: equal after folding diacritics,
  tatweel, letter forms, punctuation and spacing), or
* both have at least 30 words and they are near-duplicates: on word 5-gram
  shingles taken inside each paragraph (so reordered paragraphs change
  nothing), estimated Jaccard similarity >= 0.8, or >= 90% of the smaller
  shingle set inside the larger with Jaccard still >= 0.4 (a story updated
  with, or cut by, a paragraph). 128-permutation MinHash, LSH candidates, each
  candidate checked on its signature. Shorter bodies are matched exactly only.
* A URL seen again in another partition (one article_id, two rows: the caller
  should prevent it) makes the later row a copy of the earlier one, whatever
  its text.

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
  the partitions whose stored articles match the backfilled ones, or belong
  to a cluster headed by one of those; re-running them in date order gives the
  in-order answer. Known limit: longer chains (a match of a match that heads
  no cluster) are not listed; re-running every later date is always exact.
* partitions of one date from different sources: whichever is committed first
  cannot see the other. Assign all of a date's sources in one call (``assign``
  accepts several partitions), or re-run the partitions ``commit`` returns.

The index is data: one Parquet file of signatures per (date, source) under the
index root (see :mod:`pipeline.dedup.store`), loaded whole when a
:class:`DedupIndex` opens. With ``DedupSettings.window_days`` set, duplicates
are looked for only that many days apart and only those partitions are loaded,
so memory follows the window, not the archive (the rule above holds within it).
"""

from pipeline.dedup.index import DedupIndex, article_key
from pipeline.dedup.signature import (
    DedupSettings,
    Fingerprint,
    content_hash,
    fingerprint,
    fingerprint_keys,
)
from pipeline.dedup.workspace import Verdict, Verdicts

__all__ = [
    "DedupIndex", "DedupSettings", "Fingerprint", "Verdict", "Verdicts", "article_key",
    "content_hash", "fingerprint", "fingerprint_keys",
]
