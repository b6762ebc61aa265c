"""The datasets' pyarrow schemas, declared once, and record-to-row converters.

Every Parquet file akhbar writes goes through :func:`to_table`, which refuses
rows carrying a column the schema does not declare, so a schema change is
always a deliberate edit here (bump ``SCHEMA_VERSION`` and add a migration
note to the README).

Partition columns (``date``, ``source``) live in the Hive path only, never in
the files, so DuckDB, Polars and Spark see them exactly once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

import pyarrow as pa

from pipeline.records import Article, Event, Reject, Sentence

SCHEMA_VERSION = "1"

# Plausible publication times: nothing before any Arabic news site (older
# dates are parse errors), nothing after the partition's day (a UTC timestamp
# may fall on the next local day).
EARLIEST = date(1990, 1, 1)
CLOCK_SLACK = timedelta(days=1)

# The range of ``events.event_date`` relative to the partition's date: articles
# recall history (coded events may predate any news site), and events may be
# announced for the coming year. The coder falls back to the publication date
# outside it, and the quality checks enforce it.
EARLIEST_EVENT = date(1900, 1, 1)
EVENT_HORIZON = timedelta(days=366)


def _f(name: str, type_: pa.DataType, doc: str, nullable: bool = True) -> pa.Field:
    return pa.field(name, type_, nullable=nullable, metadata={"doc": doc})


_ACTOR = pa.struct([("text", pa.string()), ("code", pa.string())])
_LOCATION = pa.struct(
    [("text", pa.string()), ("country", pa.string()), ("lat", pa.float64()), ("lon", pa.float64())]
)
_UTC = pa.timestamp("us", tz="UTC")

ARTICLES = pa.schema(
    [
        _f("article_id", pa.string(), "Stable hash of the canonical URL", nullable=False),
        _f("source_id", pa.string(), "Source id from sources.yaml", nullable=False),
        _f("url", pa.string(), "URL as discovered", nullable=False),
        _f("canonical_url", pa.string(), "URL after canonicalisation", nullable=False),
        _f("published_at", _UTC, "Publication time in UTC, when known"),
        _f("date_basis", pa.string(), "'published' or 'archive': what chose the partition date",
           nullable=False),
        _f("title", pa.string(), "Headline, once, original letters", nullable=False),
        _f("body", pa.string(), "Cleaned body text, original letters, paragraphs split by \\n",
           nullable=False),
        _f("lead", pa.string(), "First paragraph or page description"),
        _f("authors", pa.list_(pa.string()), "Bylines"),
        _f("language", pa.string(), "ISO 639-1 code of the body ('und' when unknown)",
           nullable=False),
        _f("word_count", pa.int32(), "Whitespace words in body", nullable=False),
        _f("content_hash", pa.string(), "Hash of the normalised body", nullable=False),
        _f("near_dup_cluster", pa.string(), "Cluster id shared by near-duplicate articles"),
        _f("duplicate_of", pa.string(), "article_id of the canonical copy; null when canonical"),
        _f("site_name", pa.string(), "Site name from page metadata"),
        _f("extractor_version", pa.string(), "Version of extraction and cleaning", nullable=False),
    ]
)

SENTENCES = pa.schema(
    [
        _f("article_id", pa.string(), "Article the sentence belongs to", nullable=False),
        _f("sentence_idx", pa.int32(), "0-based position in the article body", nullable=False),
        _f("text", pa.string(), "The sentence, exactly body[char_start:char_end]", nullable=False),
        _f("char_start", pa.int32(), "Start offset into articles.body", nullable=False),
        _f("char_end", pa.int32(), "End offset (exclusive) into articles.body", nullable=False),
        _f("token_count", pa.int32(), "Whitespace tokens", nullable=False),
    ]
)

EVENTS = pa.schema(
    [
        _f("event_id", pa.string(), "Stable hash of article, sentence and coding", nullable=False),
        _f("article_id", pa.string(), "Article the event was coded from", nullable=False),
        _f("sentence_idx", pa.int32(), "Sentence the event was coded from", nullable=False),
        _f("event_date", pa.date32(), "Resolved date of the event"),
        _f("source_actor", _ACTOR, "Who acted: text span and CAMEO actor code"),
        _f("target_actor", _ACTOR, "Whom it was done to"),
        _f("event_code", pa.string(), "CAMEO event code, e.g. '195'", nullable=False),
        _f("root_code", pa.string(), "CAMEO root code, e.g. '19'", nullable=False),
        _f("quad_class", pa.int8(), "1 verbal coop, 2 material coop, 3 verbal conflict, "
           "4 material conflict", nullable=False),
        _f("goldstein", pa.float32(), "Goldstein scale value of event_code", nullable=False),
        _f("location", _LOCATION, "Where, from the gazetteer"),
        _f("negated", pa.bool_(), "True when the text negates or denies the event",
           nullable=False),
        _f("quoted_by", pa.string(), "Speaker when the event is reported speech"),
        _f("confidence", pa.float32(), "Coder confidence in [0, 1]", nullable=False),
        _f("matched", pa.list_(pa.string()), "Dictionary entries that fired"),
        _f("coder_version", pa.string(), "Version of the event coder", nullable=False),
    ]
)

REJECTS = pa.schema(
    [
        _f("source_id", pa.string(), "Source id", nullable=False),
        _f("url", pa.string(), "Input that was refused", nullable=False),
        _f("stage", pa.string(), "Stage that refused it: fetch, warc, extract, ...",
           nullable=False),
        _f("reason", pa.string(), "Short machine-readable reason", nullable=False),
        _f("detail", pa.string(), "Human-readable detail"),
    ]
)

RUNS = pa.schema(
    [
        _f("run_id", pa.string(), "Airflow run id or CLI run id", nullable=False),
        _f("task", pa.string(), "Stage or task name", nullable=False),
        _f("source_id", pa.string(), "Source id", nullable=False),
        _f("logical_date", pa.date32(), "Date the run covered", nullable=False),
        _f("started_at", _UTC, "Start time", nullable=False),
        _f("finished_at", _UTC, "End time", nullable=False),
        _f("status", pa.string(), "'success' or 'failed'", nullable=False),
        _f("counts", pa.map_(pa.string(), pa.int64()), "Counts by name (fetched, rejected, ...)"),
        _f("quality_failures", pa.list_(pa.string()), "Failed data-quality checks"),
        _f("akhbar_version", pa.string(), "Package version", nullable=False),
        _f("schema_version", pa.string(), "SCHEMA_VERSION of the files written", nullable=False),
    ]
)

EVENT_COUNTS = pa.schema(
    [
        _f("source_code", pa.string(), "CAMEO code of the acting actor ('' when uncoded)",
           nullable=False),
        _f("target_code", pa.string(), "CAMEO code of the target ('' when uncoded)",
           nullable=False),
        _f("root_code", pa.string(), "CAMEO root code", nullable=False),
        _f("events", pa.int64(), "Events that happened (negated ones excluded)", nullable=False),
        _f("articles", pa.int64(), "Distinct articles they were coded from", nullable=False),
        _f("goldstein_sum", pa.float64(), "Sum of Goldstein values", nullable=False),
    ]
)

SCHEMAS: dict[str, pa.Schema] = {
    "articles": ARTICLES,
    "sentences": SENTENCES,
    "events": EVENTS,
    "rejects": REJECTS,
    "runs": RUNS,
    "event_counts": EVENT_COUNTS,
}

# Sort keys, so readers can prune row groups.
SORT_KEYS: dict[str, list[str]] = {
    "articles": ["published_at", "article_id"],
    "sentences": ["article_id", "sentence_idx"],
    "events": ["article_id", "sentence_idx", "event_id"],
    "rejects": ["stage", "url"],
    "runs": ["started_at"],
    "event_counts": ["root_code", "source_code", "target_code"],
}


class SchemaError(ValueError):
    """Rows or a table do not match the declared schema."""


def to_table(dataset: str, rows: Iterable[Mapping[str, Any]]) -> pa.Table:
    """Build a table for ``dataset``, refusing undeclared or missing columns."""
    schema = SCHEMAS[dataset]
    names = set(schema.names)
    rows = list(rows)
    for row in rows:
        extra = set(row) - names
        if extra:
            raise SchemaError(f"{dataset}: undeclared column(s) {sorted(extra)}")
        missing = names - set(row)
        if missing:
            raise SchemaError(f"{dataset}: missing column(s) {sorted(missing)}")
    return pa.Table.from_pylist(rows, schema=schema)


def stable_id(*parts: object) -> str:
    """A short, stable, content-derived id (16 hex chars of SHA-256)."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8"))
    return digest.hexdigest()[:16]


def article_row(article: Article, extractor_version: str) -> dict[str, Any]:
    return {
        "article_id": article.article_id,
        "source_id": article.source_id,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "published_at": article.published_at,
        "date_basis": article.date_basis,
        "title": article.title,
        "body": article.body,
        "lead": article.lead,
        "authors": article.authors,
        "language": article.language,
        "word_count": len(article.body.split()),
        "content_hash": article.content_hash,
        "near_dup_cluster": article.near_dup_cluster,
        "duplicate_of": article.duplicate_of,
        "site_name": article.site_name,
        "extractor_version": extractor_version,
    }


def sentence_row(sentence: Sentence) -> dict[str, Any]:
    return {
        "article_id": sentence.article_id,
        "sentence_idx": sentence.sentence_idx,
        "text": sentence.text,
        "char_start": sentence.char_start,
        "char_end": sentence.char_end,
        "token_count": len(sentence.text.split()),
    }


def event_row(article_id: str, ordinal: int, event: Event, coder_version: str) -> dict[str, Any]:
    """One events row; ``ordinal`` keeps ids distinct for repeated codings."""
    return {
        "event_id": stable_id(
            article_id, event.sentence_idx, event.event_code,
            event.source.code, event.target.code, ordinal,
        ),
        "article_id": article_id,
        "sentence_idx": event.sentence_idx,
        "event_date": event.event_date,
        "source_actor": {"text": event.source.text, "code": event.source.code},
        "target_actor": {"text": event.target.text, "code": event.target.code},
        "event_code": event.event_code,
        "root_code": event.root_code,
        "quad_class": event.quad_class,
        "goldstein": event.goldstein,
        "location": {
            "text": event.location.text,
            "country": event.location.country,
            "lat": event.location.lat,
            "lon": event.location.lon,
        },
        "negated": event.negated,
        "quoted_by": event.quoted_by,
        "confidence": event.confidence,
        "matched": list(event.matched),
        "coder_version": coder_version,
    }


def reject_row(reject: Reject) -> dict[str, Any]:
    return {
        "source_id": reject.source_id,
        "url": reject.url,
        "stage": reject.stage,
        "reason": reject.reason,
        "detail": reject.detail,
    }
