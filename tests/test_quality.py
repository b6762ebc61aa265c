"""Data-quality checks: a clean run passes, and each kind of breakage is named."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pyarrow as pa
import pytest
from test_storage import DAY, article_rows

from pipeline.quality import QualityError, check_partition, check_run, check_table
from pipeline.records import Actor, Event
from pipeline.schemas import event_row, to_table
from pipeline.storage import write_partition


@pytest.fixture
def clean(seed_text: str) -> dict[str, pa.Table]:
    """A consistent (articles, sentences, events) triple built on the seed article."""
    article = article_rows(1)[0] | {"article_id": "seed", "body": seed_text}
    others = article_rows(2, prefix="x")
    spans = [m.span() for m in re.finditer(r"[^.\n]+[.]?", seed_text)][:5]
    sentences = [
        {"article_id": "seed", "sentence_idx": i, "text": seed_text[start:end],
         "char_start": start, "char_end": end, "token_count": len(seed_text[start:end].split())}
        for i, (start, end) in enumerate(spans)
    ]
    event = Event(sentence_idx=3, source=Actor("روسيا", "RUS"), target=Actor("أميركا", "USA"),
                  event_code="036", root_code="03", quad_class=1, goldstein=4.0,
                  event_date=DAY)
    return {
        "articles": to_table("articles", [article, *others]),
        "sentences": to_table("sentences", sentences),
        "events": to_table("events", [event_row("seed", 0, event, "test")]),
    }


def check(dataset: str, tables: dict[str, pa.Table], **changes: list) -> list[str]:
    """Names of the checks ``dataset`` fails after replacing the given columns."""
    table = tables[dataset]
    for name, values in changes.items():
        table = table.set_column(table.schema.get_field_index(name), name,
                                 pa.array(values, table.schema.field(name).type))
    report = check_table(dataset, table, day=DAY, source_id="seeds",
                         articles=tables["articles"], sentences=tables["sentences"],
                         today=date(2026, 1, 1))
    return sorted({failure.check for failure in report.failures})


@pytest.mark.parametrize("dataset", ["articles", "sentences", "events"])
def test_a_consistent_run_passes_every_check(clean: dict[str, pa.Table], dataset: str) -> None:
    assert check(dataset, clean) == []


def test_repeated_article_ids_fail(clean: dict[str, pa.Table]) -> None:
    assert check("articles", clean, article_id=["seed", "x000000", "seed"]) == ["unique_ids"]


def test_repeated_sentence_positions_fail(clean: dict[str, pa.Table]) -> None:
    n = clean["sentences"].num_rows
    assert "unique_ids" in check("sentences", clean, sentence_idx=[0] * n)


def test_empty_required_text_fails(clean: dict[str, pa.Table]) -> None:
    bodies = clean["articles"]["body"].to_pylist()
    assert check("articles", clean, body=[bodies[0], "  ", bodies[2]]) == ["required_fields"]


def test_two_canonical_copies_of_one_text_fail(clean: dict[str, pa.Table]) -> None:
    hashes = clean["articles"]["content_hash"].to_pylist()
    same = [hashes[0], hashes[1], hashes[1]]
    assert check("articles", clean, content_hash=same) == ["no_duplicate_canonical"]
    # Marking the second copy as a duplicate of the first is exactly what dedup should do.
    assert check("articles", clean, content_hash=same,
                 duplicate_of=[None, None, "x000000"]) == []


def test_publication_dates_out_of_range_fail(clean: dict[str, pa.Table]) -> None:
    """Published after the day the run covered, or before any Arabic news site existed."""
    published = clean["articles"]["published_at"].to_pylist()
    late = datetime(2016, 6, 25, tzinfo=UTC)
    early = datetime(1970, 1, 1, tzinfo=UTC)
    assert check("articles", clean, published_at=[late, *published[1:]]) == ["dates_in_range"]
    assert check("articles", clean, published_at=[early, *published[1:]]) == ["dates_in_range"]
    assert check("articles", clean, published_at=[None, *published[1:]]) == []


def test_a_partition_dated_in_the_future_fails() -> None:
    report = check_table("rejects", to_table("rejects", []), day=date(2030, 1, 1),
                         source_id="seeds", today=date(2026, 1, 1))
    assert [f.check for f in report.failures] == ["dates_in_range"]


def test_rows_of_another_source_fail(clean: dict[str, pa.Table]) -> None:
    assert check("articles", clean, source_id=["seeds", "seeds", "elsewhere"]) == [
        "partition_keys"]


def test_sentences_of_a_missing_article_fail(clean: dict[str, pa.Table]) -> None:
    n = clean["sentences"].num_rows
    assert check("sentences", clean, article_id=["ghost"] * n) == ["article_exists"]


def test_sentence_text_must_be_the_body_slice(clean: dict[str, pa.Table]) -> None:
    ends = clean["sentences"]["char_end"].to_pylist()
    assert check("sentences", clean, char_end=[ends[0] - 1, *ends[1:]]) == ["sentence_offsets"]


def test_events_must_point_to_an_existing_sentence(clean: dict[str, pa.Table]) -> None:
    assert check("events", clean, sentence_idx=[99]) == ["sentence_exists"]
    assert check("events", clean, article_id=["ghost"]) == ["article_exists", "sentence_exists"]


@pytest.mark.parametrize(
    "change",
    [{"goldstein": [11.0]}, {"quad_class": [5]}, {"confidence": [1.5]}, {"root_code": ["19"]}],
)
def test_event_values_out_of_range_fail(clean: dict[str, pa.Table], change: dict) -> None:
    assert check("events", clean, **change) == ["values_in_range"]


def test_check_partition_reads_back_what_was_written_and_fails_the_task(
    tmp_path, clean: dict[str, pa.Table]
) -> None:
    root = str(tmp_path)
    for name in ("articles", "sentences", "events"):
        write_partition(root, name, DAY, "seeds", clean[name])
    assert [report.ok for report in check_run(root, DAY, "seeds")] == [True] * 4
    write_partition(root, "articles", DAY, "seeds", clean["articles"].slice(1))  # drop "seed"

    report = check_partition(root, "sentences", DAY, "seeds")
    assert report.messages and report.messages[0].startswith("sentences.article_exists:")
    assert "'seed'" in report.messages[0]  # the offending id is quoted, to start debugging
    with pytest.raises(QualityError, match="sentences date=2016-06-19 source=seeds failed"):
        report.raise_for_failures()


def test_references_are_checked_only_against_the_tables_given(clean: dict[str, pa.Table]) -> None:
    report = check_table("events", clean["events"], day=DAY, source_id="seeds",
                         articles=clean["articles"], today=date(2026, 1, 1))
    assert report.ok  # no sentences given: nothing to say about sentence references
    orphan = check_table("events", clean["events"], day=DAY, source_id="seeds",
                         articles=clean["articles"].slice(1), today=date(2026, 1, 1))
    assert [f.check for f in orphan.failures] == ["article_exists"]
