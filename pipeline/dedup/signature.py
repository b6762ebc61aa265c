"""What an article is compared by: an exact hash and a MinHash of its shingles.

Both are computed on :func:`pipeline.normalize.matching_key` of the body's
paragraphs, so a copy that differs only in diacritics, tatweel, alef/yaa forms,
punctuation or spacing has the same hash, and near-duplicates are judged on
words, not on how each site typed them. Shingles stay inside a paragraph, so
a copy with its paragraphs in another order has the same shingle set.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
from datasketch import MinHash

from pipeline.normalize import line_keys

# datasketch's 32-bit scheme: signatures are uint32 arrays, 4 bytes per permutation.
MINHASH_SCHEME = "affine32"
SIGNATURE_VERSION = 1


@dataclass(frozen=True)
class DedupSettings:
    """Every knob that changes which articles count as duplicates.

    Stored beside the index (signatures made with other settings are not
    comparable), so an index refuses to be opened with different settings.

    Two bodies of at least ``min_words`` words are near-duplicates when the
    estimated Jaccard similarity of their shingle sets is at least
    ``threshold``, or when at least ``containment`` of the smaller set is in
    the larger one and Jaccard is still at least ``containment_floor``: the
    second rule catches a story updated with a paragraph (or cut by one),
    which Jaccard alone misses on short articles, while the floor stops a
    40-word brief from swallowing the 400-word report that quotes it.
    ``lsh_threshold`` is where the (probabilistic) LSH candidate stage aims,
    below both rules so that it does not lose pairs just above them. Shorter
    bodies are matched exactly only: short texts on one topic share shingles.
    With ``window_days`` set, only articles whose partition dates are at most
    that many days apart are compared, and an index loads only the partitions
    within the window of the batch it assigns: memory then grows with the
    window, not with the archive. None compares across all dates.
    Defaults measured with ``benchmarks/dedup.py``.
    """

    num_perm: int = 128
    shingle: Literal["word", "char"] = "word"
    ngram: int = 5
    threshold: float = 0.8
    containment: float = 0.9
    containment_floor: float = 0.4
    lsh_threshold: float = 0.3
    min_words: int = 30
    window_days: int | None = None
    seed: int = 1

    def __post_init__(self) -> None:
        if self.shingle not in ("word", "char"):
            raise ValueError(f"shingle must be 'word' or 'char', got {self.shingle!r}")
        if not 0 < self.lsh_threshold <= min(self.threshold, self.containment_floor):
            raise ValueError("need 0 < lsh_threshold <= threshold and containment_floor")
        if not (self.threshold <= 1 and self.containment <= 1):
            raise ValueError("thresholds are similarities: at most 1")
        if self.ngram < 1 or self.num_perm < 16 or self.min_words < self.ngram:
            raise ValueError("need ngram >= 1, num_perm >= 16 and min_words >= ngram")
        if self.window_days is not None and self.window_days < 0:
            raise ValueError("window_days must be >= 0 (or None for all dates)")

    def to_json(self) -> str:
        return json.dumps({"version": SIGNATURE_VERSION, **asdict(self)}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> DedupSettings:
        values = json.loads(text)
        version = values.pop("version", None)
        if version != SIGNATURE_VERSION:
            raise ValueError(f"dedup index signature version {version}, expected "
                             f"{SIGNATURE_VERSION}: rebuild the index")
        return cls(**values)


def paragraph_keys(body: str) -> list[str]:
    """The matching key of each non-empty paragraph (line) of ``body``."""
    return [key for key, _ in line_keys(body)]


def hash_keys(keys: list[str]) -> str:
    """SHA-256 (hex) of the paragraph keys joined by spaces, which is the body's
    :func:`~pipeline.normalize.matching_key` (it folds line breaks to spaces)."""
    return hashlib.sha256(" ".join(keys).encode("utf-8")).hexdigest()


def content_hash(body: str) -> str:
    """SHA-256 (hex) of the body's matching key: equal for exact duplicates."""
    return hash_keys(paragraph_keys(body))


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What the duplicate rule needs of a body: its content hash and its MinHash
    sketch (None when too short to be near-matched). Computed apart from the
    index so that worker processes can compute it (:func:`fingerprint`)."""

    content_hash: str
    sketch: Sketch | None


def fingerprint(body: str, settings: DedupSettings) -> Fingerprint:
    """The :class:`Fingerprint` of ``body`` under ``settings``."""
    return fingerprint_keys(paragraph_keys(body), settings)


def fingerprint_keys(keys: list[str], settings: DedupSettings) -> Fingerprint:
    """The :class:`Fingerprint` of a body given its :func:`paragraph_keys`."""
    return Fingerprint(hash_keys(keys), _signer(settings).signature(keys))


@lru_cache(maxsize=8)
def _signer(settings: DedupSettings) -> Signer:
    """One Signer per settings and process: building its permutations is not free."""
    return Signer(settings)


def _identity(value: int) -> int:
    return value


class Signer:
    """Turns matching keys into MinHash signatures under one :class:`DedupSettings`.

    Shingles are hashed with CRC-32 (stable across processes, unlike ``hash``,
    which matters because signatures are stored); datasketch then mixes each
    value before permuting, so CRC-32's weak avalanche does not bias the minima.
    """

    def __init__(self, settings: DedupSettings) -> None:
        self.settings = settings
        template = MinHash(settings.num_perm, seed=settings.seed, scheme=MINHASH_SCHEME)
        self._permutations = template.permutations

    def shingles(self, paragraphs: list[str]) -> list[int]:
        """32-bit hashes of the word or character n-grams of each paragraph key
        (a paragraph shorter than n is one shingle), deduplicated."""
        n = self.settings.ngram
        words = self.settings.shingle == "word"
        joiner = " " if words else ""
        grams: list[str] = []
        for key in paragraphs:
            units: list[str] | str = key.split() if words else key
            grams.extend(joiner.join(units[i : i + n]) for i in range(max(len(units) - n, 0) + 1))
        return list({zlib.crc32(gram.encode("utf-8")) for gram in grams})

    def signature(self, paragraphs: list[str]) -> Sketch | None:
        """The MinHash of a body (its :func:`paragraph_keys`) and its shingle
        count, or None when it is too short to be near-matched."""
        if sum(len(key.split()) for key in paragraphs) < self.settings.min_words:
            return None
        values = self.shingles(paragraphs)
        minhash = MinHash(
            self.settings.num_perm,
            seed=self.settings.seed,
            hashfunc=_identity,
            permutations=self._permutations,
            scheme=MINHASH_SCHEME,
        )
        minhash.update_batch(values)
        return Sketch(minhash.hashvalues, len(values))


@dataclass(frozen=True, slots=True)
class Sketch:
    """A body's MinHash values (uint32) and the size of its shingle set."""

    minhash: np.ndarray
    shingles: int

