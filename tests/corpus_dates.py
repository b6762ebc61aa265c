"""The tests' own reading of the shared corpus dates, independent of the code under test."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def corpus_moment(value: str) -> datetime:
    """A corpus ``date`` field (ISO 8601 or RFC 822) as an aware UTC datetime."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = parsedate_to_datetime(value)
    return moment.replace(tzinfo=moment.tzinfo or UTC).astimezone(UTC)
