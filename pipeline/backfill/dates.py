"""The date of an archived record, and whether it is a publication date.

Corpus dumps state dates in many shapes (RFC 822 from RSS, ISO 8601 with or
without an offset, ``dd/mm/yyyy``) and sometimes state a crawl time rather than
a publication time (SaudiNewsNet's ``date_kind: extraction timestamp``). Only a
publication date may choose the partition as ``published``; a crawl time is an
archive date, which still places the record but says nothing about when the
article appeared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
# date_kind values that describe when a crawler saw the page, not when it appeared.
_ARCHIVE_KINDS = ("extraction", "crawl", "fetch", "archive", "download", "scrape")


@dataclass(frozen=True)
class RecordDate:
    """When a record belongs: ``moment`` (UTC; midnight for a bare date) and
    whether it is the article's own publication time."""

    moment: datetime
    published: bool

    @property
    def day(self) -> date:
        return self.moment.date()


def parse_moment(value: str) -> datetime | None:
    """A UTC datetime from an RFC 822, ISO 8601 or ``dd/mm/yyyy`` string, or None.

    A time without an offset is read as UTC: the dumps do not say otherwise,
    and a fixed rule keeps re-runs identical.
    """
    value = value.strip()
    if not value:
        return None
    moment: datetime | None = None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        if match := _DMY.fullmatch(value):
            day, month, year = (int(group) for group in match.groups())
            try:
                moment = datetime(year, month, day)
            except ValueError:
                return None
        else:
            try:
                moment = parsedate_to_datetime(value)
            except (TypeError, ValueError, IndexError):
                return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def record_date(value: object, kind: object = None) -> RecordDate | None:
    """The date of a dump record from its ``date`` and optional ``date_kind`` fields."""
    if not isinstance(value, str):
        return None
    moment = parse_moment(value)
    if moment is None:
        return None
    archive = isinstance(kind, str) and any(word in kind.lower() for word in _ARCHIVE_KINDS)
    return RecordDate(moment, published=not archive)
