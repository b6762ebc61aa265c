"""MinHash LSH kept in numpy arrays, so the whole index fits in memory cheaply.

Why not ``datasketch.MinHashLSH`` itself: it keeps one Python set per bucket
and one bytes key per band per article, about 10 KB per article at our
threshold (850 MB for the 72k shared corpus), and rebuilding it from Parquet
takes seconds per 10k articles. Here the same banding (datasketch's own
optimal bands/rows for the threshold) lives in flat arrays: about 1.3 KB per
article, loaded with a handful of numpy calls.

Layout: row ``i`` holds one signature (``minhash[i]``, ``shingles[i]``) and its
band keys (64-bit, band number in the top bits, so that every band shares one
sorted array). Rows ``< indexed`` are in the sorted array (binary search);
newer rows form a tail searched by brute force until it is worth re-sorting.
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

    def __init__(self, settings: DedupSettings, capacity: int = 0) -> None:
        """``capacity``: rows to allocate at once, when the caller knows how many
        it will add (growing by doubling briefly holds three times the rows)."""
        self._bands, self._rows_per_band = _banding(settings.lsh_threshold, settings.num_perm)
        if self._bands > 2**_BAND_BITS:
            raise ValueError(f"{self._bands} LSH bands: at most {2**_BAND_BITS} supported")
        self._settings = settings
        self._size = 0
        self.minhash = np.zeros((capacity, settings.num_perm), dtype=np.uint32)
        self.shingles = np.zeros(capacity, dtype=np.int64)
        self._keys = np.zeros((capacity, self._bands), dtype=np.uint64)
        self._alive = np.zeros(capacity, dtype=bool)
        self._indexed = 0
        self._sorted_keys = np.zeros(0, dtype=np.uint64)
        self._sorted_rows = np.zeros(0, dtype=np.int32)

    def _band_keys(self, minhash: np.ndarray) -> np.ndarray:
        """(n, bands) keys: FNV-style hash of each band's values, band id in the top bits."""
        used = minhash[:, : self._bands * self._rows_per_band].astype(np.uint64)
        values = used.reshape(len(minhash), self._bands, self._rows_per_band)
        keys = np.zeros((len(minhash), self._bands), dtype=np.uint64)
        for i in range(self._rows_per_band):
            keys = (keys ^ values[:, :, i]) * _MIX
        band_ids = np.arange(self._bands, dtype=np.uint64) << np.uint64(64 - _BAND_BITS)
        return (keys >> np.uint64(_BAND_BITS)) | band_ids

    def add(self, minhash: np.ndarray, shingles: np.ndarray) -> np.ndarray:
        """Append signatures (n, num_perm) with their shingle counts; return their rows."""
        start, count = self._size, len(minhash)
        if start + count > len(self.minhash):
            capacity = max(2 * len(self.minhash), start + count, 1024)
            self.minhash = _grow(self.minhash, capacity)
            self.shingles = _grow(self.shingles, capacity)
            self._keys = _grow(self._keys, capacity)
            self._alive = _grow(self._alive, capacity)
        rows = slice(start, start + count)
        self.minhash[rows] = minhash
        self.shingles[rows] = shingles
        self._keys[rows] = self._band_keys(minhash)
        self._alive[rows] = True
        self._size += count
        if self._size - self._indexed > max(_TAIL_MIN, self._indexed // 8):
            self._reindex()
        return np.arange(start, start + count)

    def remove(self, row: int) -> None:
        self._alive[row] = False

    def _reindex(self) -> None:
        alive = np.flatnonzero(self._alive[: self._size])
        keys = self._keys[alive].ravel()
        order = np.argsort(keys, kind="stable")
        self._sorted_keys = keys[order]
        self._sorted_rows = alive[order // self._bands].astype(np.int32)
        self._indexed = self._size

    def near(self, sketch: Sketch) -> np.ndarray:
        """Rows holding near-duplicates of ``sketch`` under the settings' rule."""
        query = self._band_keys(sketch.minhash[None, :])[0]
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
        return rows[self._is_near(sketch, rows)]

    def _is_near(self, sketch: Sketch, rows: np.ndarray) -> np.ndarray:
        """The rule of :class:`DedupSettings`: Jaccard >= threshold, or containment
        >= containment with Jaccard >= containment_floor (estimated from MinHash
        agreement and the shingle-set sizes: |A and B| = J (|A| + |B|) / (1 + J))."""
        settings = self._settings
        jaccard = (self.minhash[rows] == sketch.minhash).mean(axis=1)
        sizes = self.shingles[rows]
        shared = jaccard * (sizes + sketch.shingles) / (1 + jaccard)
        containment = shared / np.minimum(sizes, sketch.shingles)
        return (jaccard >= settings.threshold) | (
            (jaccard >= settings.containment_floor) & (containment >= settings.containment)
        )


@lru_cache
def _banding(threshold: float, num_perm: int) -> tuple[int, int]:
    """datasketch's (bands, rows per band) for the threshold; cached because
    datasketch finds them by numerical integration (tens of ms) and every
    batch builds a BandIndex."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


def _grow(array: np.ndarray, capacity: int) -> np.ndarray:
    grown = np.zeros((capacity, *array.shape[1:]), dtype=array.dtype)
    grown[: len(array)] = array
    return grown
