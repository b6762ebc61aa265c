"""What an archive input is cut into: one entry per page or reject, with its date.

An entry is small JSON that :func:`pipeline.fetch.ingest` turns back into a
WARC record of the day's bronze file: a page (``url``, ``when``,
``content_type``, ``text``) becomes a ``resource`` record; a reject (``url``,
``stage``, ``reason``, ``detail``) becomes a ``metadata`` record and a row of
the day's ``rejects`` dataset.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Entry:
    """One archived page or reject; ``day`` None when no date could be found."""

    day: date | None
    host: str
    payload: dict[str, Any]

    @property
    def is_reject(self) -> bool:
        return "reason" in self.payload


def host_of(url: str) -> str:
    """The URL's host without ``www.``, or "" for anything that is not http(s)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return ""
    return (parts.hostname or "").removeprefix("www.")


def page_entry(
    day: date | None, url: str, when: datetime | None, text: str, content_type: str
) -> Entry:
    return Entry(day, host_of(url), {"url": url, "when": when.isoformat() if when else None,
                                     "content_type": content_type, "text": text})


def reject_entry(day: date | None, url: str, stage: str, reason: str, detail: str = "") -> Entry:
    return Entry(day, host_of(url), {"url": url, "stage": stage, "reason": reason,
                                     "detail": detail[:500]})


def host_matches(host: str, domains: list[str]) -> bool:
    """``host`` is one of ``domains`` or a subdomain of one."""
    return any(host == domain or host.endswith("." + domain) for domain in domains)
