"""The batch side of deduplication on local disk: the answers are those of the
rule applied the plain way, the temporary database never outlives its use, and
a decision's memory does not grow with the batch."""

from __future__ import annotations

import contextlib
import gc
import json
import os
import random
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest

from pipeline.dedup import (
    DedupIndex,
    DedupSettings,
    Fingerprint,
    article_key,
    fingerprint,
    workspace,
)
from pipeline.dedup.lsh import band_keys, is_near
from pipeline.dedup.signature import Sketch
from pipeline.dedup.workspace import EMPTY_HASH, Verdicts, rank
from pipeline.records import Article

SETTINGS = DedupSettings()
DAYS = (date(2026, 11, 20), date(2026, 11, 21))
PLUS3 = timezone(timedelta(hours=3))

Pair = tuple[Article, Fingerprint]


def stub(article_id: str, day: date, source: str, published: datetime | None) -> Article:
    """An article as ``decide`` sees it: keys and time only (the body is not read)."""
    return Article(article_id=article_id, source_id=source, url=article_id,
                   canonical_url=article_id, title="", body="", lead=None, authors=[],
                   published_at=published, language="ar", date_basis="published",
                   partition_date=day)


def synthetic(count: int, seed: int, recent: int | None = None) -> Iterator[Pair]:
    """Articles with made-up fingerprints: originals, exact copies, near copies
    (some MinHash values changed, shingle-set size changed, so both the Jaccard
    and the containment rule fire, and copies of copies form chains), short and
    empty bodies; two days and two sources; publication times from a few
    hours, in UTC, +03:00, naive or unknown (so ranks tie on time); a few
    article_ids in both sources, a few repeated in one partition. ``recent``
    bounds how many earlier articles copies are drawn from (memory tests)."""
    rng = np.random.default_rng(seed)
    pool: list[Fingerprint] = []
    for i in range(count):
        kind = rng.random()
        if pool and kind < 0.2:
            print_ = pool[rng.integers(len(pool))]
        elif pool and kind < 0.5 and (base := pool[rng.integers(len(pool))]).sketch is not None:
            minhash = base.sketch.minhash.copy()
            changed = rng.choice(len(minhash), size=int(rng.integers(0, 80)), replace=False)
            minhash[changed] = rng.integers(0, 2**32, size=len(changed), dtype=np.uint32)
            shingles = max(1, int(base.sketch.shingles * rng.choice([0.5, 0.9, 1.0, 1.2, 2.0])))
            print_ = Fingerprint(f"h{i}", Sketch(minhash, shingles))
        elif kind < 0.55:
            print_ = Fingerprint(f"h{i}", None)  # too short to be near-matched
        elif kind < 0.58:
            print_ = Fingerprint(EMPTY_HASH, None)
        else:
            minhash = rng.integers(0, 2**32, size=SETTINGS.num_perm, dtype=np.uint32)
            print_ = Fingerprint(f"h{i}", Sketch(minhash, int(rng.integers(30, 400))))
        pool.append(print_)
        if recent is not None:
            pool = pool[-recent:]
        day = DAYS[int(rng.integers(2))]
        hour = int(rng.choice([0, 6, 9]))
        published = [None, datetime(day.year, day.month, day.day, hour, tzinfo=UTC),
                     datetime(day.year, day.month, day.day, hour),
                     datetime(day.year, day.month, day.day, hour, tzinfo=PLUS3)][i % 4]
        article_id = f"a{i:05d}" if i % 50 else f"a{i - 50 * int(rng.integers(2)):05d}"
        source = "beta" if i % 7 == 0 else "alpha"
        yield stub(article_id, day, source, published), print_


def reference(pairs: list[Pair]) -> dict[tuple, tuple[str, str | None]]:
    """The canonical rule of :mod:`pipeline.dedup` applied the plain way, within
    one batch and nothing stored: articles in rank order (ties in arrival
    order, first copy of a key only), each compared with every article before
    it (same non-empty content hash, or a shared LSH band key and the
    near-duplicate check); canonical = the lowest-ranked canonical among those."""
    firsts: dict[tuple, Pair] = {}
    for article, print_ in pairs:
        firsts.setdefault(article_key(article), (article, print_))
    ordered = sorted(firsts.values(), key=lambda pair: _rank(pair[0]))
    # Everything decided so far, by position in ``ordered``.
    sketched = [p.sketch for _, p in ordered]
    minhash = np.stack([s.minhash if s else np.zeros(SETTINGS.num_perm) for s in sketched])
    shingles = np.array([s.shingles if s else 1 for s in sketched])
    keys = band_keys(SETTINGS, minhash)
    has_sketch = np.array([s is not None for s in sketched])
    ids = np.array([a.article_id for a, _ in ordered])
    hashes = np.array([p.content_hash for _, p in ordered])
    first_of: dict[str, int] = {}
    canonicals: list[str] = []
    answers: dict[tuple, tuple[str, str | None]] = {}
    for i, (article, print_) in enumerate(ordered):
        match = (hashes[:i] == print_.content_hash) & (print_.content_hash != EMPTY_HASH)
        if print_.sketch is not None:
            near = has_sketch[:i] & (keys[:i] == keys[i]).any(axis=1)
            near[near] = is_near(SETTINGS, print_.sketch, minhash[:i][near], shingles[:i][near])
            match |= near
        match &= ids[:i] != article.article_id
        earlier = [(_rank(ordered[first_of.get(canonicals[j], j)][0]), canonicals[j])
                   for j in np.flatnonzero(match)]
        canonical = min(earlier, default=(None, article.article_id))[1]
        answers[article_key(article)] = (canonical, canonical if earlier else None)
        canonicals.append(canonical)
        first_of.setdefault(article.article_id, i)
    return answers


def _rank(article: Article) -> tuple:
    return rank(article.partition_date, article.published_at, article.article_id)


def given(verdicts: Verdicts) -> dict[tuple, tuple[str, str | None]]:
    return {key: (v.near_dup_cluster, v.duplicate_of) for key, v in verdicts.items()}


# --- the answers ---------------------------------------------------------------------


@pytest.mark.parametrize("page", [workspace.CHUNK, 7])
def test_verdicts_equal_the_plain_rule_on_synthetic_batches(tmp_path: Path, monkeypatch, page):
    """Also with tiny pages, so that tied ranks straddle page boundaries."""
    monkeypatch.setattr(workspace, "CHUNK", page)
    for seed in range(2):
        pairs = list(synthetic(2000, seed))
        with DedupIndex(str(tmp_path / str(seed)), SETTINGS) as index:
            verdicts = index.decide(pairs)
            expected = reference(pairs)
            assert given(verdicts) == expected
            assert len(verdicts) == len(expected)
            # The cases the synthetic batch is made of do occur.
            assert sum(d is not None for _, d in expected.values()) > 300
            assert len({c for c, d in expected.values() if d}) > 100


def test_verdicts_equal_the_plain_rule_on_real_articles(tmp_path: Path, shared_data: Path):
    """Corpus articles and edited copies (first paragraph cut, or repeated
    verbatim under another id), through the real fingerprint."""
    with (shared_data / "corpus" / "articles.jsonl").open(encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines][:500]
    rng = random.Random(3)
    pairs = []
    for i, row in enumerate(rows):
        body = row["body"] or ""
        published = None if i % 3 else datetime(2026, 11, 20, rng.randrange(24), tzinfo=UTC)
        pairs.append((stub(row["id"], DAYS[0], "corpus", published), fingerprint(body, SETTINGS)))
        if i % 4 == 0:
            copy = body.split("\n", 1)[-1] if i % 8 else body
            pairs.append((stub(f"{row['id']}-copy", DAYS[0], "copies", published),
                          fingerprint(copy, SETTINGS)))
    with DedupIndex(str(tmp_path), SETTINGS) as index:
        expected = reference(pairs)
        assert given(index.decide(pairs)) == expected
    assert sum(d is not None for _, d in expected.values()) > 60


def test_verdicts_read_like_a_mapping(tmp_path: Path) -> None:
    pairs = list(synthetic(300, 7))
    with DedupIndex(str(tmp_path), SETTINGS) as index:
        verdicts = index.decide(pairs)
        key = article_key(pairs[0][0])
        assert key in verdicts
        assert verdicts[key].article_id == pairs[0][0].article_id
        assert (DAYS[0], "alpha", "nobody") not in verdicts
        with pytest.raises(KeyError):
            verdicts[(DAYS[0], "alpha", "nobody")]
        keys = list(verdicts)
        assert keys == [(v.partition_date, v.source_id, v.article_id) for v in verdicts.values()]
        ranks = [rank(key[0], _published(pairs, key), key[2]) for key in keys]
        assert ranks == sorted(ranks)  # streamed in rank order


def _published(pairs: list[Pair], key: tuple) -> datetime | None:
    return next(a.published_at for a, _ in pairs if article_key(a) == key)


def test_committed_verdicts_are_what_the_next_batch_sees(tmp_path: Path) -> None:
    """commit() takes the streamed verdicts; a copy in a later batch then points
    to the committed canonical."""
    pairs = list(synthetic(400, 11))
    index = DedupIndex(str(tmp_path), SETTINGS)
    verdicts = index.decide(pairs)
    expected = given(verdicts)
    index.commit(verdicts.values())
    assert len(DedupIndex(str(tmp_path))) == len(expected)
    hashes = [p.content_hash for _, p in pairs]
    # A body matched exactly only, and by nothing else in the batch.
    article, print_ = next((a, p) for a, p in pairs if p.sketch is None
                           and p.content_hash != EMPTY_HASH and hashes.count(p.content_hash) == 1)
    later = stub("later-copy", date(2026, 11, 25), "gamma", None)
    assert index.decide([(later, print_)])[article_key(later)].duplicate_of == article.article_id


# --- the temporary database -------------------------------------------------------------


def held_open(folder: Path) -> int:
    """How many files under ``folder`` this process holds open (unlinked ones too)."""
    fds = Path("/proc/self/fd")
    if not fds.is_dir():
        pytest.skip("needs /proc/self/fd")
    held = 0
    for fd in fds.iterdir():
        with contextlib.suppress(OSError):  # fds close while we look
            held += os.readlink(fd).startswith(f"{folder}/")
    return held


def test_the_database_lives_from_decide_to_commit_and_is_never_left_named(tmp_path: Path):
    """Nothing is ever left in the folder, not even by a killed process (the
    file has no name once open); the space is given back on commit."""
    work = tmp_path / "work"
    work.mkdir()
    index = DedupIndex(str(tmp_path / "index"), SETTINGS, workdir=str(work))
    verdicts = index.decide(synthetic(200, 1))
    assert (held_open(work), list(work.iterdir())) == (1, [])
    index.decide(synthetic(200, 2))  # a new decision replaces the uncommitted one
    assert held_open(work) == 1
    index.commit(index.decide(synthetic(200, 3)).values())
    assert held_open(work) == 0
    with pytest.raises(Exception, match="closed"):
        verdicts[next(iter(verdicts))]


def test_an_error_close_or_garbage_collection_gives_the_database_back(tmp_path: Path):
    work = tmp_path / "work"
    work.mkdir()
    index = DedupIndex(str(tmp_path / "index"), SETTINGS, workdir=str(work))

    def failing() -> Iterator[Pair]:
        yield from synthetic(100, 4)
        raise OSError("spill file lost")

    with pytest.raises(OSError, match="spill file lost"):
        index.decide(failing())
    assert held_open(work) == 0

    with index.decide(synthetic(100, 5)) as verdicts:
        assert len(verdicts) > 0
    assert held_open(work) == 0
    with pytest.raises(ValueError, match="assign"):  # closed: nothing left to commit
        index.commit([stub("a00001", DAYS[0], "alpha", None)])

    index.decide(synthetic(100, 6))
    assert held_open(work) == 1
    del index
    gc.collect()
    assert held_open(work) == 0
    assert list(work.iterdir()) == []


def test_the_default_place_is_the_system_temp_dir(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    with DedupIndex(str(tmp_path / "index"), SETTINGS) as index:
        index.decide(synthetic(50, 8))
        assert held_open(tmp_path) == 1
    assert held_open(tmp_path) == 0


# --- memory -----------------------------------------------------------------------------


def _traced_peak(root: Path, count: int) -> int:
    """Peak Python memory allocated while deciding (and reading every answer
    of) ``count`` streamed articles."""
    with DedupIndex(str(root), SETTINGS) as index:
        tracemalloc.start()
        try:
            verdicts = index.decide(synthetic(count, 9, recent=64))
            duplicates = sum(v.duplicate_of is not None for v in verdicts.values())
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert duplicates > count // 5
    return peak


def test_memory_of_a_decision_does_not_grow_with_the_batch(tmp_path: Path) -> None:
    """Held in Python objects, 4,000 more articles cost about 11 MiB; on disk,
    the peak stays within a page of rows and a chunk of band keys."""
    small, large = _traced_peak(tmp_path, 2000), _traced_peak(tmp_path, 6000)
    assert large - small < 512 * 1024, (small, large)
