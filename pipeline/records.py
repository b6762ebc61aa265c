"""Typed records that flow between stages.

One dataclass per thing a stage hands to the next. They are deliberately plain
(no behaviour) so that any stage can be tested alone and so that the Parquet
schemas in ``pipeline.schemas`` map onto them field by field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class RawPage:
    """One input document before extraction: fetched HTML or a plain-text dump.

    Exactly one of ``html`` and ``text`` is set. ``archive_date`` is the
    logical date of the run or archive that produced the page; the article's
    own publication date, when found, wins over it for partitioning.
    """

    source_id: str
    url: str
    archive_date: date
    html: str | None = None
    text: str | None = None
    fetched_at: datetime | None = None
    # Metadata that came with the input (a corpus dump's own title/date fields).
    hint_title: str | None = None
    hint_published: datetime | None = None


@dataclass
class Article:
    """One extracted, cleaned article (a row of the ``articles`` dataset)."""

    article_id: str
    source_id: str
    url: str
    canonical_url: str
    title: str
    body: str
    lead: str | None
    authors: list[str]
    published_at: datetime | None
    language: str
    date_basis: str  # "published" or "archive": which date chose the partition
    partition_date: date
    content_hash: str = ""
    near_dup_cluster: str | None = None
    duplicate_of: str | None = None
    site_name: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Sentence:
    """One sentence of a kept article; offsets index into ``Article.body``."""

    article_id: str
    sentence_idx: int
    text: str
    char_start: int
    char_end: int


@dataclass(frozen=True)
class Actor:
    text: str
    code: str | None


@dataclass(frozen=True)
class Location:
    text: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass
class Event:
    """One coded event (CAMEO), pointing back to its sentence."""

    sentence_idx: int
    source: Actor
    target: Actor
    event_code: str
    root_code: str
    quad_class: int
    goldstein: float
    event_date: date | None
    location: Location = field(default_factory=Location)
    negated: bool = False
    quoted_by: str | None = None
    confidence: float = 1.0
    matched: list[str] = field(default_factory=list)  # dictionary entries that fired


@dataclass(frozen=True)
class Reject:
    """One input the pipeline refused, with the stage and the reason."""

    source_id: str
    url: str
    stage: str
    reason: str
    detail: str = ""
