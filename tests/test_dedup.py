"""Deduplication: exact and near duplicates, the canonical rule, and the
persistent index across runs, re-runs and backfills."""

from __future__ import annotations

import gzip
import json
import random
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pytest

from pipeline.dedup import DedupIndex, DedupSettings, content_hash
from pipeline.dedup.lsh import BandIndex
from pipeline.dedup.signature import Sketch
from pipeline.records import Article

pytest_plugins = ["s3"]

DAY1 = date(2026, 11, 20)
DAY2 = date(2026, 11, 21)

# A different story on the same topic as the seed article (Russia, the US and
# Syria), written for these tests: shares vocabulary, not sentences.
OTHER_STORY = "\n".join(
    [
        "قال مسؤولون في وزارة الخارجية الأميركية، مساء الاثنين، إن واشنطن تدرس فرض عقوبات "
        "جديدة على شركات روسية تتهمها بتزويد الحكومة السورية بالوقود والسلاح، في خطوة قد تزيد "
        "التوتر بين البلدين قبل جولة المفاوضات المقبلة في جنيف.",
        "وأوضح المسؤولون أن القرار النهائي سيصدر خلال أسابيع بعد مشاورات مع الحلفاء "
        "الأوروبيين، مشيرين إلى أن العقوبات ستشمل تجميد أصول ومنع سفر عدد من رجال الأعمال.",
        "في المقابل، وصف نائب وزير الخارجية الروسي التهديد الأميركي بأنه محاولة للضغط على "
        "موسكو، مؤكداً أن بلاده ستواصل دعم دمشق وفق الاتفاقات الثنائية الموقعة بين البلدين.",
    ]
)
EXTRA_PARAGRAPH = (
    "وفي تطور لاحق، أعلنت هيئة الأركان الروسية مساء اليوم أن خطاً ساخناً جديداً سيعمل على "
    "مدار الساعة بين قاعدة حميميم ومركز العمليات الأميركي في المنطقة."
)


def make(
    article_id: str,
    body: str,
    day: date = DAY1,
    source: str = "alpha",
    hour: int | None = None,
) -> Article:
    published = None if hour is None else datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
    return Article(
        article_id=article_id,
        source_id=source,
        url=f"https://{source}.example/{article_id}",
        canonical_url=f"https://{source}.example/{article_id}",
        title="عنوان",
        body=body,
        lead=None,
        authors=[],
        published_at=published,
        language="ar",
        date_basis="published",
        partition_date=day,
    )


def decorate(text: str) -> str:
    """The same words as a different site might type them: fatha on every
    third Arabic letter, tatweel after lam, bare alef for hamza-alef."""
    out = []
    for i, char in enumerate(text.replace("أ", "ا")):
        out.append(char)
        if "\u0621" <= char <= "\u064a":
            if char == "ل":
                out.append("\u0640")
            elif i % 3 == 0:
                out.append("\u064e")
    return "".join(out)


@pytest.fixture(scope="module")
def story(seed_text: str) -> list[str]:
    """The seed article's body paragraphs (our own text)."""
    return [line.strip() for line in seed_text.splitlines() if len(line.split()) >= 15]


def run(root: Path | str, articles: list[Article]) -> list:
    index = DedupIndex(str(root))
    index.assign(articles)
    return index.commit(articles)


def answers(articles: list[Article]) -> dict[str, tuple[str | None, str | None]]:
    return {a.article_id: (a.near_dup_cluster, a.duplicate_of) for a in articles}


# --- the rule within one batch ----------------------------------------------------


def test_content_hash_ignores_diacritics_tatweel_and_letter_forms(story: list[str]) -> None:
    body = "\n".join(story[:3])
    assert content_hash(decorate(body)) == content_hash(body)
    assert content_hash(body) != content_hash("\n".join(story[1:4]))


def test_exact_duplicate_after_diacritics_points_to_earlier(tmp_path: Path, story: list[str]):
    body = "\n".join(story[:4])
    later = make("b-copy", decorate(body), hour=15)
    earlier = make("a-orig", body, hour=9)
    run(tmp_path, [later, earlier])
    assert earlier.duplicate_of is None
    assert earlier.near_dup_cluster == "a-orig"
    assert later.duplicate_of == "a-orig"
    assert later.near_dup_cluster == "a-orig"
    assert later.content_hash == earlier.content_hash != ""


def test_story_updated_with_one_paragraph_is_near_duplicate(tmp_path: Path, story: list[str]):
    first = make("first", "\n".join(story[:8]), hour=8)
    update = make("update", "\n".join([*story[:8], EXTRA_PARAGRAPH]), hour=12)
    run(tmp_path, [first, update])
    assert update.content_hash != first.content_hash
    assert update.duplicate_of == "first"


def test_reordered_or_cut_paragraphs_are_near_duplicates(tmp_path: Path, story: list[str]):
    first = make("first", "\n".join(story[:8]), hour=8)
    reordered = make("reordered", "\n".join(story[4:8] + story[:4]), hour=9)
    cut = make("cut", "\n".join(story[:3] + story[4:8]), hour=10)
    run(tmp_path, [first, reordered, cut])
    assert (reordered.duplicate_of, cut.duplicate_of) == ("first", "first")


def test_a_brief_does_not_swallow_the_long_report_that_contains_it(tmp_path: Path, story):
    brief = make("brief", "\n".join(story[:2]), hour=8)
    report = make("report", "\n".join(story), hour=12)
    run(tmp_path, [brief, report])
    assert report.duplicate_of is None


def test_different_stories_on_the_same_topic_are_not_duplicates(tmp_path: Path, story):
    seed = make("seed", "\n".join(story[:6]), hour=8)
    other = make("other", OTHER_STORY, hour=9)
    run(tmp_path, [seed, other])
    assert seed.duplicate_of is None
    assert other.duplicate_of is None
    assert other.near_dup_cluster == "other"


def test_short_bodies_match_exactly_only(tmp_path: Path) -> None:
    short = "قال الوزير إن الاجتماع سيعقد غدا في العاصمة لبحث الأوضاع الأمنية"
    near = short + " الراهنة"
    articles = [make("s1", short, hour=1), make("s2", near, hour=2), make("s3", short, hour=3)]
    run(tmp_path, articles)
    assert answers(articles) == {"s1": ("s1", None), "s2": ("s2", None), "s3": ("s1", "s1")}


def test_empty_bodies_are_never_duplicates(tmp_path: Path) -> None:
    articles = [make("e1", "", hour=1), make("e2", " ... ", hour=2)]
    run(tmp_path, articles)
    assert [a.duplicate_of for a in articles] == [None, None]


def test_canonical_is_earliest_whatever_the_list_order(tmp_path: Path, story: list[str]):
    body = "\n".join(story[:6])
    copies = [
        make("zz", body, source="gamma", hour=7),
        make("mm", body + "\n" + EXTRA_PARAGRAPH, source="beta", hour=11),
        make("aa", decorate(body), source="alpha", hour=10),
    ]
    for i, order in enumerate([copies, copies[::-1], copies[1:] + copies[:1]]):
        fresh = [replace(a) for a in order]
        run(tmp_path / str(i), fresh)
        assert {a.article_id: a.duplicate_of for a in fresh} == {
            "zz": None, "aa": "zz", "mm": "zz"}


def test_same_time_ties_break_on_article_id(tmp_path: Path, story: list[str]) -> None:
    body = "\n".join(story[:6])
    articles = [make("b", body, source="s2"), make("a", body, source="s1")]
    run(tmp_path, articles)
    assert answers(articles) == {"a": ("a", None), "b": ("a", "a")}


def test_repeated_article_id_in_a_batch_gets_one_answer(tmp_path: Path, story: list[str]):
    body = "\n".join(story[:5])
    articles = [make("orig", body, hour=1), make("dup", body, hour=2), make("dup", body, hour=2)]
    index = DedupIndex(str(tmp_path))
    index.assign(articles)
    index.commit(articles)
    assert [a.duplicate_of for a in articles] == [None, "orig", "orig"]
    assert len(index) == 2


def test_same_url_on_another_date_becomes_a_copy_of_the_first_row(tmp_path: Path, story):
    run(tmp_path, [make("url-1", "\n".join(story[:6]), day=DAY1)])
    again = make("url-1", OTHER_STORY, day=DAY2)  # same URL, text rewritten since
    run(tmp_path, [again])
    assert again.duplicate_of == "url-1"  # the DAY1 row
    assert again.near_dup_cluster == "url-1"


def test_band_index_search_before_and_after_sorting() -> None:
    """6,000 unrelated signatures (sorted part), then ten edited copies of the
    first ten (unsorted tail): each original finds itself and its copy only."""
    rng = np.random.default_rng(0)
    index = BandIndex(DedupSettings())
    originals = rng.integers(0, 2**32, size=(6000, 128), dtype=np.uint32)
    index.add(originals, np.full(6000, 200))
    assert index.near(Sketch(originals[0], 200)).tolist() == [0]  # sorts the 6,000
    copies = originals[:10].copy()
    copies[:, ::10] = 0  # 13 of 128 values differ: estimated Jaccard 0.9
    copy_rows = index.add(copies, np.full(10, 200))
    for i in range(10):
        assert set(index.near(Sketch(originals[i], 200)).tolist()) == {i, copy_rows[i]}
    index.remove(copy_rows[0])
    assert index.near(Sketch(originals[0], 200)).tolist() == [0]


# --- the persistent index -----------------------------------------------------------


def test_story_from_last_night_is_recognised_by_a_new_index(tmp_path: Path, story: list[str]):
    yesterday = make("yesterday", "\n".join(story[:7]), day=DAY1, source="alpha")
    run(tmp_path, [yesterday])
    tonight = make("tonight", decorate("\n".join(story[:7])), day=DAY2, source="beta")
    run(tmp_path, [tonight])
    assert tonight.duplicate_of == "yesterday"
    assert len(DedupIndex(str(tmp_path))) == 2
    assert (tmp_path / "date=2026-11-20" / "source=alpha" / "signatures.parquet").is_file()


def test_rerun_of_a_partition_is_idempotent(tmp_path: Path, story: list[str]) -> None:
    def night() -> list[Article]:
        return [make("n1", "\n".join(story[:6]), hour=1),
                make("n2", "\n".join(story[:6]) + "\n" + EXTRA_PARAGRAPH, hour=2),
                make("n3", OTHER_STORY, hour=3)]

    first = night()
    run(tmp_path, first)
    again = night()
    run(tmp_path, again)
    assert answers(again) == answers(first)
    assert answers(again)["n2"] == ("n1", "n1")  # not pointing to its own stored copy
    assert len(DedupIndex(str(tmp_path))) == 3


def test_rerun_replaces_the_partition_signatures(tmp_path: Path, story: list[str]) -> None:
    run(tmp_path, [make("gone", "\n".join(story[:6]), day=DAY1)])
    index = DedupIndex(str(tmp_path))
    index.assign([])
    index.commit([], partitions=[(DAY1, "alpha")])  # the re-run found nothing
    later = make("later", "\n".join(story[:6]), day=DAY2)
    run(tmp_path, [later])
    assert later.duplicate_of is None


def test_backfill_out_of_order_gives_the_in_order_answer(tmp_path: Path, story: list[str]):
    body = "\n".join(story[:6])

    def day1() -> list[Article]:
        return [make("d1-copy", decorate(body), day=DAY1, source="alpha", hour=20)]

    def day2() -> list[Article]:
        return [make("d2-copy", body, day=DAY2, source="beta", hour=5),
                make("d2-other", OTHER_STORY, day=DAY2, source="beta", hour=6)]

    in_order = day1() + day2()
    assert run(tmp_path / "in_order", in_order[:1]) == []
    assert run(tmp_path / "in_order", in_order[1:]) == []

    root = tmp_path / "backfill"
    late = day2()
    assert run(root, late) == []
    assert late[0].duplicate_of is None  # nothing earlier known yet
    early = day1()
    assert run(root, early) == [(DAY2, "beta")]  # day 2 is now out of date
    assert answers(early) == answers(in_order[:1])
    rerun = day2()
    assert run(root, rerun) == []
    assert answers(rerun) == answers(in_order[1:])
    assert rerun[0].duplicate_of == "d1-copy"


def test_index_lives_on_object_storage(s3_root: str, story: list[str]) -> None:
    root = f"{s3_root}/_state/dedup"
    body = "\n".join(story[:6])
    assert run(root, [make("first", body, day=DAY1)]) == []
    copy = make("copy", decorate(body), day=DAY2, source="beta")
    run(root, [copy])
    assert copy.duplicate_of == "first"
    again = make("first", body, day=DAY1)
    run(root, [again])  # re-run of day 1 replaces its object
    assert again.duplicate_of is None
    assert len(DedupIndex(root)) == 2


def test_window_limits_what_is_compared_and_loaded(tmp_path: Path, story: list[str]):
    body = "\n".join(story[:6])
    first = DedupIndex(str(tmp_path), DedupSettings(window_days=3))
    old = [make("old", body, day=date(2026, 11, 1))]
    first.assign(old)
    first.commit(old)

    index = DedupIndex(str(tmp_path))  # the settings come from the index itself
    assert index.settings.window_days == 3
    assert len(index) == 0  # nothing is loaded before a batch names its dates
    far = [make("far", body, day=date(2026, 11, 20))]
    index.assign(far)
    assert len(index) == 0
    assert far[0].duplicate_of is None
    index.commit(far)
    near = [make("near", body, day=date(2026, 11, 4))]
    index.assign(near)
    assert near[0].duplicate_of == "old"
    assert len(index) == 2  # "old" loaded, "far" committed


def test_backfill_reports_every_partition_of_a_cluster_it_takes_over(tmp_path, story):
    """Day 2: a story (beta) and a longer version pointing to it (gamma). A
    backfilled day-1 brief matches the story but not the longer version; it
    becomes canonical of the whole cluster, so both day-2 partitions are stale."""
    brief, story_body, longer = ("\n".join(story[:n]) for n in (4, 8, 14))
    alone = [make("brief", brief, day=DAY1), make("longer", longer, day=DAY2)]
    run(tmp_path / "check", alone)
    assert alone[1].duplicate_of is None  # precondition: no direct match

    root = tmp_path / "index"
    day2 = [make("story", story_body, day=DAY2, source="beta", hour=1),
            make("longer", longer, day=DAY2, source="gamma", hour=2)]
    run(root, day2)
    assert day2[1].duplicate_of == "story"
    stale = run(root, [make("brief", brief, day=DAY1, source="alpha")])
    assert stale == [(DAY2, "beta"), (DAY2, "gamma")]


def test_index_refuses_other_settings(tmp_path: Path, story: list[str]) -> None:
    run(tmp_path, [make("x", "\n".join(story[:6]))])
    with pytest.raises(ValueError, match="not comparable"):
        DedupIndex(str(tmp_path), DedupSettings(threshold=0.9))
    assert DedupIndex(str(tmp_path)).settings == DedupSettings()


def test_commit_without_assign_is_refused(tmp_path: Path, story: list[str]) -> None:
    article = make("x", "\n".join(story[:6]))
    with pytest.raises(ValueError, match="assign"):
        DedupIndex(str(tmp_path)).commit([article])


# --- the shared corpus ----------------------------------------------------------------


def _corpus(shared_data: Path) -> list[dict]:
    with (shared_data / "corpus" / "articles.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def _article(row: dict, day: date = DAY1) -> Article:
    return make(row["id"], row["body"] or "", day=day, source="corpus")


def test_known_near_duplicate_pairs_share_a_cluster(tmp_path: Path, shared_data: Path):
    """The corpus's 301 pairs have Jaccard >= 0.8 by construction; pairs right at
    the threshold may fall either side of our MinHash estimate."""
    articles = [_article(row) for row in _corpus(shared_data)]
    run(tmp_path, articles)
    cluster = {a.article_id: a.near_dup_cluster for a in articles}
    with (shared_data / "corpus" / "articles_neardup_pairs.jsonl").open() as lines:
        pairs = [json.loads(line) for line in lines]
    same = sum(cluster[p["a"]] == cluster[p["b"]] for p in pairs)
    assert same >= 0.97 * len(pairs)


def test_edited_copies_of_real_articles_are_found(tmp_path: Path, shared_data: Path):
    """Originals on day 1, edited copies (paragraph added, reordered, diacritics)
    on day 2 from another source: each copy points to its original."""
    rng = random.Random(5)
    rows = [r for r in _corpus(shared_data)
            if len((r["body"] or "").split()) >= 150 and (r["body"] or "").count("\n") >= 3]
    rows = rng.sample(rows, 60)
    originals = [_article(r) for r in rows]
    run(tmp_path, originals)
    copies = []
    for i, row in enumerate(rows):
        paragraphs = row["body"].split("\n")
        donor = rows[(i + 1) % len(rows)]["body"].split("\n")[0]
        edits = [
            [*paragraphs, donor],
            [paragraphs[1], paragraphs[0], *paragraphs[2:]],
            [decorate(p) for p in paragraphs],
        ]
        copies.append(make(f"{row['id']}-copy", "\n".join(edits[i % 3]), day=DAY2, source="b"))
    run(tmp_path, copies)
    found = sum(c.duplicate_of == o.near_dup_cluster
                for c, o in zip(copies, originals, strict=True))
    assert found >= 0.95 * len(copies)


def test_any_partition_order_converges_to_the_in_order_answer(tmp_path, shared_data):
    """SaudiNewsNet sample (many papers carrying the same wire stories each day):
    reference = dates in order, all sources of a date in one batch. Then every
    (date, source) partition alone in a shuffled order, re-running whatever
    ``commit`` reports as stale: the answers must end up identical."""
    partitions: dict[tuple[date, str], list[dict]] = {}
    for row in _corpus(shared_data):
        if row["corpus"] == "SaudiNewsNet":
            moment = datetime.fromisoformat(row["date"]).replace(tzinfo=UTC)
            partitions.setdefault((moment.date(), row["source"]), []).append(row)

    def articles(keys: list[tuple[date, str]]) -> list[Article]:
        found = []
        for day, source in keys:
            for row in partitions[(day, source)]:
                article = make(row["id"], row["body"] or "", day=day, source=source)
                article.published_at = datetime.fromisoformat(row["date"]).replace(tzinfo=UTC)
                found.append(article)
        return found

    def step(index: DedupIndex, batch: list[Article]) -> list:
        index.assign(batch)
        return index.commit(batch)

    in_order, any_order = DedupIndex(str(tmp_path / "a")), DedupIndex(str(tmp_path / "b"))
    reference: dict[str, tuple] = {}
    for day in sorted({day for day, _ in partitions}):
        batch = articles([key for key in partitions if key[0] == day])
        assert step(in_order, batch) == []
        reference.update(answers(batch))
    assert sum(1 for _, duplicate_of in reference.values() if duplicate_of) > 50

    shuffled: dict[str, tuple] = {}
    order = sorted(partitions)
    random.Random(11).shuffle(order)
    stale: set[tuple[date, str]] = set()
    reruns = 0
    while order:
        batch = articles([order.pop(0)])
        stale.update(step(any_order, batch))
        shuffled.update(answers(batch))
        if not order:
            order, stale = sorted(stale), set()
            reruns += len(order)
    assert reruns > 0  # the shuffle did leave stale partitions to re-run
    assert shuffled == reference


def test_full_corpus_file_reads_as_batches(tmp_path: Path, shared_data: Path) -> None:
    """A real slice of a full corpus, batched by source, goes through without error
    and its exact duplicates end up in one cluster."""
    with gzip.open(shared_data / "corpus" / "ant_v1_jawharafm_full.jsonl.gz", "rt") as lines:
        rows = [json.loads(next(lines)) for _ in range(800)]
    articles = [make(f"j{i}", r["body"] or "", source="jawhara") for i, r in enumerate(rows)]
    run(tmp_path, articles)
    by_hash: dict[str, set[str | None]] = {}
    for a in articles:
        if a.body.strip():
            by_hash.setdefault(a.content_hash, set()).add(a.near_dup_cluster)
    assert all(len(clusters) == 1 for clusters in by_hash.values())
