"""The declared schemas are complete enough to be the contract readers rely on."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pyarrow.parquet as pq
import pytest

from pipeline.records import Actor, Article, Event, Reject, Sentence
from pipeline.schemas import (
    SCHEMAS,
    SORT_KEYS,
    article_row,
    event_row,
    reject_row,
    sentence_row,
    to_table,
)
from pipeline.storage import PARTITION_COLUMNS, write_partition


@pytest.mark.parametrize("dataset", sorted(SCHEMAS))
def test_every_field_is_documented(dataset: str) -> None:
    undocumented = [f.name for f in SCHEMAS[dataset]
                    if not (f.metadata or {}).get(b"doc", b"").strip()]
    assert undocumented == []


@pytest.mark.parametrize("dataset", sorted(SCHEMAS))
def test_no_schema_declares_a_partition_column(dataset: str) -> None:
    assert not set(PARTITION_COLUMNS) & set(SCHEMAS[dataset].names)


@pytest.mark.parametrize("dataset", sorted(SCHEMAS))
def test_every_dataset_has_a_sort_key_of_declared_columns(dataset: str) -> None:
    schema = SCHEMAS[dataset]
    assert SORT_KEYS[dataset]
    assert set(SORT_KEYS[dataset]) <= set(schema.names)


def test_record_converters_produce_rows_the_storage_accepts(tmp_path) -> None:
    """The path every run takes: records -> rows -> table -> partition -> same columns."""
    article = Article(
        article_id="a1", source_id="seeds", url="https://example.org/1",
        canonical_url="https://example.org/1", title="عنوان", body="جملة أولى. جملة ثانية.",
        lead=None, authors=[], published_at=datetime(2016, 6, 19, 8, tzinfo=UTC),
        language="ar", date_basis="published", partition_date=date(2016, 6, 19),
        content_hash="h1",
    )
    event = Event(sentence_idx=0, source=Actor("روسيا", "RUS"), target=Actor("سورية", "SYR"),
                  event_code="042", root_code="04", quad_class=1, goldstein=1.9,
                  event_date=date(2016, 6, 19))
    rows = {
        "articles": [article_row(article, "test")],
        "sentences": [sentence_row(Sentence("a1", 0, "جملة أولى.", 0, 10))],
        "events": [event_row("a1", 0, event, "test")],
        "rejects": [reject_row(Reject("seeds", "https://example.org/2", "extract", "empty"))],
    }
    for dataset, dataset_rows in rows.items():
        info = write_partition(str(tmp_path), dataset, date(2016, 6, 19), "seeds",
                               to_table(dataset, dataset_rows))
        assert pq.read_schema(info.files[0]).names == SCHEMAS[dataset].names
