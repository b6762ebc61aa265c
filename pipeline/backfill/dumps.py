"""Corpus dumps as archive entries: JSON Lines and plain-text files.

A dump record becomes a plain-text page in the seed's format (headline on the
first line, a dateline, then the body), which the extractor's text path
already reads: the publication time travels as the dateline (ISO 8601, UTC),
so the article's ``published_at`` and ``date_basis`` come out of extraction
exactly as for any other text page. Records dated only by a crawl time get no
dateline: their date is an archive date.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO
from urllib.parse import quote

from pipeline.arabic_dates import parse_date
from pipeline.backfill.dates import RecordDate, record_date
from pipeline.backfill.entries import Entry, page_entry, reject_entry
from pipeline.clean import is_dateline

STAGE = "backfill"
TEXT_TYPE = "text/plain; charset=utf-8"
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
# A plain-text article's dateline, if any, sits in its first few lines.
_DATELINE_LINES = 6


def is_jsonl(path: str) -> bool:
    return path.lower().endswith(JSONL_SUFFIXES)


def _open_text(path: str) -> IO[str]:
    """The dump as text, gunzipped when its bytes are gzip (whatever its name says)."""
    with open(path, "rb") as fh:
        compressed = fh.read(2) == b"\x1f\x8b"
    if compressed:
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8", errors="replace")


def jsonl_entries(path: str) -> Iterator[Entry]:
    """One entry per line of a JSON Lines dump (``url``, ``title``, ``date``,
    ``date_kind``, ``body``); a line without a usable url, date or JSON
    becomes an undated reject naming ``file:line``."""
    with _open_text(path) as fh:
        lineno = 0
        try:
            for lineno, line in enumerate(fh, 1):
                if line.strip():
                    yield _record_entry(line, f"{path}:{lineno}")
        except (OSError, EOFError, zlib.error) as exc:  # a cut gzip member: keep what came before
            yield reject_entry(None, f"{path}:{lineno + 1}", STAGE, "truncated_dump",
                               f"{type(exc).__name__}: {exc}")


def _record_entry(line: str, where: str) -> Entry:
    try:
        record = json.loads(line)
    except ValueError as exc:
        return reject_entry(None, where, STAGE, "bad_json", str(exc))
    if not isinstance(record, dict):
        return reject_entry(None, where, STAGE, "bad_json", "line is not a JSON object")
    url = record.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        return reject_entry(None, where, STAGE, "no_url", f"url field: {url!r}"[:200])
    stamp = record_date(record.get("date"), record.get("date_kind"))
    if stamp is None:
        return reject_entry(None, url, STAGE, "no_date", f"date field: {record.get('date')!r}")
    title = " ".join(str(record.get("title") or "").split())
    body = str(record.get("body") or "")
    return page_entry(stamp.day, url, stamp.moment, render_text(title, body, stamp), TEXT_TYPE)


def render_text(title: str, body: str, stamp: RecordDate) -> str:
    """The seed's plain-text layout: headline, dateline (publication dates only), body."""
    if stamp.published:
        return f"{title}\n{stamp.moment.isoformat()}\n{body}"
    return f"{title}\n{body}"


def text_entries(paths: list[str], url_prefix: str) -> Iterator[Entry]:
    """One entry per plain-text article file, archived as ``url_prefix`` + its name.

    The date is the dateline in the first lines when there is one (a
    publication date), else the file's modification day (an archive date).
    """
    for path in paths:
        url = url_prefix + quote(Path(path).name)
        try:
            text = Path(path).read_bytes().decode("utf-8", errors="replace")
            mtime = datetime.fromtimestamp(Path(path).stat().st_mtime, UTC)
        except OSError as exc:
            yield reject_entry(None, url, STAGE, "unreadable_file", f"{path}: {exc}")
            continue
        published = _dateline(text)
        day: date = published.date() if published else mtime.date()
        yield page_entry(day, url, published or mtime, text, TEXT_TYPE)


def _dateline(text: str) -> datetime | None:
    lines = [line for line in text.split("\n") if line.strip()][1:_DATELINE_LINES]
    for line in lines:
        if is_dateline(line):
            return parse_date(line)
    return None
