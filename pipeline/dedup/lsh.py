"""MinHash LSH kept in numpy arrays, so the whole index fits in memory cheaply.

Why not ``datasketch.MinHashLSH`` itself: it keeps one Python set per bucket
and one bytes key per band per article, about 10 KB per article at our
threshold (850 MB for the 72k shared corpus), and rebuilding it from Parquet
takes seconds per 10k articles. Here the same banding (datasketch's own
optimal bands/rows for the threshold) lives in flat arrays: about 1.3 KB per
article, loaded with a handful of numpy calls.

Layout: row ``i`` holds one signature (``minhash[i]``, ``shingles[i]``) and its
:func:`band_keys` (64-bit, band number in the top bits, so that every band
shares one sorted array). Rows ``< indexed`` are in the sorted array (binary search);
newer rows form a tail searched by brute force until a search finds it worth
re-sorting.
Removed rows are masked, never reused.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from datasketch import MinHashLSH

from pipeline.dedup.signature import DedupSettings, Sketch

_BAND_BITS = 6  # up to 64 bands
_MIX = np.uint64(0x9E3779B97F4A7C15)  # golden-ratio multiplier: spreads band values
_TAIL_MIN = 4096


class BandIndex:
    """Signatures by row, with LSH candidate search and the near-duplicate check."""

    def __init__(self, settings: DedupSettings) -> None:
        self._bands = banding(settings)[0]
        self._settings = settings
        self._size = 0
        self.minhash = np.zeros((0, settings.num_perm), dtype=np.uint32)
        self.shingles = np.zeros(0, dtype=np.int64)
        self._keys = np.zeros((0, self._bands), dtype=np.uint64)
        self._alive = np.zeros(0, dtype=bool)
        self._indexed = 0
        self._sorted_keys = np.zeros(0, dtype=np.uint64)
        self._sorted_rows = np.zeros(0, dtype=np.int32)

    def add(self, minhash: np.ndarray, shingles: np.ndarray) -> np.ndarray:
        """Append signatures (n, num_perm) with their shingle counts; return their rows."""
        start, count = self._size, len(minhash)
        self.reserve(count)
        rows = slice(start, start + count)
        self.minhash[rows] = minhash
        self.shingles[rows] = shingles
        self._keys[rows] = band_keys(self._settings, minhash)
        self._alive[rows] = True
        self._size += count
        return np.arange(start, start + count)

    def reserve(self, count: int) -> None:
        """Make room for ``count`` more rows now, when the caller adds them in
        parts: each growth (by doubling) briefly holds old and new arrays."""
        if self._size + count > len(self.minhash):
            capacity = max(2 * len(self.minhash), self._size + count, 1024)
            self.minhash = _grow(self.minhash, capacity)
            self.shingles = _grow(self.shingles, capacity)
            self._keys = _grow(self._keys, capacity)
            self._alive = _grow(self._alive, capacity)

    def remove(self, row: int) -> None:
        self._alive[row] = False

    def _reindex(self) -> None:
        alive = np.flatnonzero(self._alive[: self._size])
        keys = self._keys[alive].ravel()
        order = np.argsort(keys, kind="stable")
        self._sorted_keys = keys[order]
        self._sorted_rows = alive[order // self._bands].astype(np.int32)
        self._indexed = self._size

    def near(self, sketch: Sketch, keys: np.ndarray | None = None) -> np.ndarray:
        """Rows holding near-duplicates of ``sketch`` under the settings' rule;
        ``keys``: its :func:`band_keys`, when the caller has them already."""
        if self._size - self._indexed > max(_TAIL_MIN, self._indexed // 8):
            self._reindex()  # here, not in add: a load in many parts sorts once
        query = band_keys(self._settings, sketch.minhash[None, :])[0] if keys is None else keys
        found = []
        starts = np.searchsorted(self._sorted_keys, query, side="left")
        ends = np.searchsorted(self._sorted_keys, query, side="right")
        for lo, hi in zip(starts[ends > starts], ends[ends > starts], strict=True):
            found.append(self._sorted_rows[lo:hi])
        tail = self._keys[self._indexed : self._size]
        if len(tail):
            found.append(np.flatnonzero((tail == query).any(axis=1)) + self._indexed)
        if not found:
            return np.zeros(0, dtype=np.int64)
        rows = np.unique(np.concatenate(found))
        rows = rows[self._alive[rows]]
        return rows[is_near(self._settings, sketch, self.minhash[rows], self.shingles[rows])]


def banding(settings: DedupSettings) -> tuple[int, int]:
    """(bands, rows per band) of the LSH stage under ``settings``."""
    bands, rows = _banding(settings.lsh_threshold, settings.num_perm)
    if bands > 2**_BAND_BITS:
        raise ValueError(f"{bands} LSH bands: at most {2**_BAND_BITS} supported")
    return bands, rows


def band_keys(settings: DedupSettings, minhash: np.ndarray) -> np.ndarray:
    """(n, bands) keys of signatures (n, num_perm): FNV-style hash of each band's
    values, band id in the top bits (so that every band shares one sorted array
    or one table index). Two signatures are LSH candidates when a key is equal."""
    bands, rows_per_band = banding(settings)
    used = minhash[:, : bands * rows_per_band].astype(np.uint64)
    values = used.reshape(len(minhash), bands, rows_per_band)
    keys = np.zeros((len(minhash), bands), dtype=np.uint64)
    for i in range(rows_per_band):
        keys = (keys ^ values[:, :, i]) * _MIX
    band_ids = np.arange(bands, dtype=np.uint64) << np.uint64(64 - _BAND_BITS)
    return (keys >> np.uint64(_BAND_BITS)) | band_ids


def is_near(settings: DedupSettings, sketch: Sketch, minhash: np.ndarray,
            shingles: np.ndarray) -> np.ndarray:
    """Which candidate signatures (rows of ``minhash``, with their shingle counts)
    are near-duplicates of ``sketch`` under the rule of :class:`DedupSettings`:
    Jaccard >= threshold, or containment >= containment with Jaccard >=
    containment_floor (estimated from MinHash agreement and the shingle-set
    sizes: |A and B| = J (|A| + |B|) / (1 + J))."""
    jaccard = (minhash == sketch.minhash).mean(axis=1)
    shared = jaccard * (shingles + sketch.shingles) / (1 + jaccard)
    containment = shared / np.minimum(shingles, sketch.shingles)
    return (jaccard >= settings.threshold) | (
        (jaccard >= settings.containment_floor) & (containment >= settings.containment)
    )


@lru_cache
def _banding(threshold: float, num_perm: int) -> tuple[int, int]:
    """datasketch's (bands, rows per band) for the threshold; cached because
    datasketch finds them by numerical integration (tens of ms) and every
    batch needs them."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


def _grow(array: np.ndarray, capacity: int) -> np.ndarray:
    grown = np.zeros((capacity, *array.shape[1:]), dtype=array.dtype)
    grown[: len(array)] = array
    return grown
