"""WARC bronze: write what the fetcher saw, replay it as pages.

Writing: one WARC per (date, source), built under a temporary name and renamed
into place only when complete, so a crash never leaves a partial file that a
later stage would mistake for the whole day. Responses keep their raw bytes
(still content-encoded, as served); failures are ``metadata`` records so the
file is a complete log of the run. Records of discovery documents (robots.txt,
feeds, sitemaps, archive pages) carry an ``Akhbar-Role`` field so replay can
skip them.

Reading: :func:`iter_pages` turns any WARC, ours or foreign (Common Crawl,
wget, web-archive exports), into :class:`~pipeline.records.RawPage` records,
decoding each body with :func:`decode_html`. Records that are not pages
(requests, metadata, redirects, revisits) are skipped; records that should
be pages but are unusable become :class:`~pipeline.records.Reject`.
"""

from __future__ import annotations

import codecs
import contextlib
import gzip
import io
import os
import re
import threading
import zlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, BinaryIO

from charset_normalizer import from_bytes
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.records import RawPage, Reject

if TYPE_CHECKING:
    from pipeline.fetch.http import Exchange

ROLE_FIELD = "Akhbar-Role"
ARTICLE_ROLE = "article"
MAX_PAGE_BYTES = 20 * 1024 * 1024
SOFTWARE = "akhbar/0.1 (warcio)"
GZIP_MAGIC = b"\x1f\x8b"

# ---------------------------------------------------------------- writing


class BronzeWriter:
    """Writes one WARC file atomically; thread-safe, used as a context manager."""

    def __init__(self, warc_path: str | Path, source_id: str, day: date) -> None:
        self.path = Path(warc_path)
        self.source_id = source_id
        self.day = day
        self._tmp = self.path.with_name(f".{self.path.name}.tmp-{os.getpid()}")
        self._lock = threading.Lock()
        self._file: io.BufferedWriter | None = None
        self._writer: WARCWriter | None = None

    def __enter__(self) -> BronzeWriter:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(self._tmp, "wb")
        self._writer = WARCWriter(self._file, gzip=self.path.name.endswith(".gz"))
        info = {
            "software": SOFTWARE,
            "format": "WARC File Format 1.1",
            "isPartOf": f"akhbar/{self.source_id}/{self.day.isoformat()}",
        }
        self._writer.write_record(self._writer.create_warcinfo_record(self.path.name, info))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._file is not None
        if exc_type is None:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            os.replace(self._tmp, self.path)
        else:
            self._file.close()
            self._tmp.unlink(missing_ok=True)

    def write_exchange(self, exchange: Exchange) -> None:
        """A request record and its response record, linked by WARC-Concurrent-To."""
        writer = self._require_writer()
        warc_date = _warc_date(exchange.fetched_at)
        status = f"{exchange.status} {exchange.reason}".strip()
        response = writer.create_warc_record(
            exchange.url,
            "response",
            payload=io.BytesIO(exchange.body),
            length=len(exchange.body),
            http_headers=StatusAndHeaders(
                status, exchange.headers, protocol=exchange.http_version or "HTTP/1.1"
            ),
            warc_headers_dict={"WARC-Date": warc_date, ROLE_FIELD: exchange.role},
        )
        path = exchange.url.split("://", 1)[-1]
        path = "/" + path.split("/", 1)[1] if "/" in path else "/"
        request = writer.create_warc_record(
            exchange.url,
            "request",
            payload=io.BytesIO(b""),
            length=0,
            http_headers=StatusAndHeaders(
                f"GET {path} HTTP/1.1", exchange.request_headers, is_http_request=True
            ),
            warc_headers_dict={
                "WARC-Date": warc_date,
                "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
            },
        )
        with self._lock:
            writer.write_record(request)
            writer.write_record(response)

    def write_resource(
        self, url: str, body: bytes, content_type: str, when: datetime | None = None
    ) -> None:
        """A local file stored as if archived from ``url`` (the offline seeds)."""
        writer = self._require_writer()
        record = writer.create_warc_record(
            url,
            "resource",
            payload=io.BytesIO(body),
            length=len(body),
            warc_content_type=content_type,
            warc_headers_dict={
                "WARC-Date": _warc_date(when or datetime.now(UTC)),
                ROLE_FIELD: ARTICLE_ROLE,
            },
        )
        with self._lock:
            writer.write_record(record)

    def write_failure(self, url: str, stage: str, reason: str, detail: str = "") -> None:
        """A ``metadata`` record saying why ``url`` has no usable response."""
        writer = self._require_writer()
        fields = f"stage: {stage}\r\nreason: {reason}\r\ndetail: {_one_line(detail)}\r\n"
        record = writer.create_warc_record(
            url,
            "metadata",
            payload=io.BytesIO(fields.encode("utf-8")),
            warc_content_type="application/warc-fields",
            warc_headers_dict={"WARC-Date": _warc_date(datetime.now(UTC))},
        )
        with self._lock:
            writer.write_record(record)

    def _require_writer(self) -> WARCWriter:
        if self._writer is None:
            raise RuntimeError("BronzeWriter used outside its 'with' block")
        return self._writer


def _warc_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _one_line(text: str) -> str:
    return " ".join(text.split())[:2000]


# ---------------------------------------------------------------- reading


def iter_pages(warc_path: str | Path, source_id: str, day: date) -> Iterator[RawPage | Reject]:
    """Replay a WARC (``.warc`` or ``.warc.gz``) as pages, rejecting unusable records.

    A damaged file yields the pages before the damage, then a ``Reject``
    (``truncated`` naming the cut record, or ``truncated_warc`` / ``bad_warc``
    naming the file): the rest of the day is never lost silently.
    """
    path = Path(warc_path)

    def file_reject(exc: Exception) -> Reject:
        reason = "bad_warc" if isinstance(exc, ArchiveLoadFailed) else "truncated_warc"
        return Reject(source_id, str(path), "warc", reason, f"{type(exc).__name__}: {exc}"[:500])

    with open(path, "rb") as raw, _decompressed(raw) as (stream, compressed):
        records = ArchiveIterator(stream, arc2warc=True)
        last_end = 0
        while True:
            try:
                record = next(records, None)
            except _FILE_DAMAGE as exc:
                yield file_reject(exc)
                return
            if record is None:
                break
            item = _guarded_record_to_page(record, source_id, day)
            if item is not None:
                yield replace(item, url=item.url or str(path)) if isinstance(item, Reject) else item
            if isinstance(item, Reject) and item.reason == "truncated":
                return  # the stream ends inside this record
            try:
                last_end = records.get_record_offset() + records.get_record_length()
            except _FILE_DAMAGE as exc:
                yield file_reject(exc)
                return
        tail = 0 if compressed else _bytes_after(raw, last_end)
        if tail:
            detail = f"{tail} bytes after the last complete record"
            yield Reject(source_id, str(path), "warc", "truncated_warc", detail)


def _guarded_record_to_page(
    record: ArcWarcRecord, source_id: str, day: date
) -> RawPage | Reject | None:
    """One record to a page; a broken record becomes a reject, not an exception."""
    try:
        return _record_to_page(record, source_id, day)
    except _DAMAGE as exc:
        url = record.rec_headers.get_header("WARC-Target-URI") or ""
        cut = isinstance(exc, TruncatedWARCError | EOFError)
        detail = f"{type(exc).__name__}: {exc}"[:500]
        return Reject(source_id, url, "warc", "truncated" if cut else "garbled", detail)


def _bytes_after(raw: io.BufferedReader, last_end: int) -> int:
    """Bytes of an uncompressed WARC after its last complete record.

    warcio ends quietly when the file stops inside a record's header block;
    anything but blank lines after the last complete record is such a stub.
    """
    raw.seek(last_end)
    tail = raw.read()
    return len(tail) if tail.strip() else 0


@contextlib.contextmanager
def _decompressed(raw: io.BufferedReader) -> Iterator[tuple[BinaryIO, bool]]:
    """The WARC byte stream (gunzipped by Python's gzip module when compressed)
    and whether it was compressed.

    warcio's own gzip handling expects one gzip member per record and stops
    quietly at a truncated member; ``gzip`` reads per-record and whole-file
    compression alike and raises on truncation, which replay reports instead
    of silently losing the rest of the day.
    """
    if raw.peek(2)[:2] == GZIP_MAGIC:
        with _StrictGzipFile(fileobj=raw) as stream:
            yield stream, True
    else:
        yield raw, False


class TruncatedWARCError(Exception):
    """The compressed stream ends mid-member (not an ``EOFError``: warcio reads
    that as a clean end of file)."""


class _StrictGzipFile(gzip.GzipFile):
    """Reads at most one compressed chunk per call, so the records before a
    truncation are handed out before the error, and raises a non-EOF error."""

    def read(self, size: int | None = -1) -> bytes:
        try:
            return super().read1(size) if size and size > 0 else super().read(size)
        except EOFError as exc:
            raise TruncatedWARCError(str(exc)) from exc


# What a damaged record raises from inside warcio.
_DAMAGE = (TruncatedWARCError, EOFError, OSError, zlib.error, ValueError)
# What a damaged file raises while warcio looks for the next record; warcio 1.8
# fails with AttributeError / TypeError / KeyError when a file ends inside a
# record's header block.
_FILE_DAMAGE = (ArchiveLoadFailed, *_DAMAGE, AttributeError, TypeError, KeyError)


def _record_to_page(record: ArcWarcRecord, source_id: str, day: date) -> RawPage | Reject | None:
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    if not (record.rec_headers.get_header("Content-Length") or "").isdigit():
        return Reject(source_id, url, "warc", "truncated", "record headers cut short")
    if record.rec_type not in ("response", "resource"):
        return None
    if not url.startswith(("http://", "https://")):
        return None  # wget logs and other metadata:// resources
    role = record.rec_headers.get_header(ROLE_FIELD)
    if role is not None and role != ARTICLE_ROLE:
        return None
    if record.rec_type == "response":
        if record.http_headers is None:
            return Reject(source_id, url, "warc", "garbled", "response without HTTP headers")
        status = record.http_headers.get_statuscode() or ""
        if not status.startswith("2"):
            return None  # redirects and errors are not pages
        content_type = record.http_headers.get_header("Content-Type")
    else:
        content_type = record.rec_headers.get_header("Content-Type")

    def reject(reason: str, detail: str = "") -> Reject:
        return Reject(source_id, url, "warc", reason, detail)

    if record.rec_headers.get_header("WARC-Truncated"):
        # The crawler cut this body (length or time limit); the file itself is
        # intact, so replay goes on with the next record.
        return reject("truncated_by_crawler",
                      record.rec_headers.get_header("WARC-Truncated") or "")
    body = record.content_stream().read(MAX_PAGE_BYTES + 1)
    if len(body) > MAX_PAGE_BYTES:
        return reject("too_large", f"more than {MAX_PAGE_BYTES} bytes")
    record.raw_stream.read()
    if getattr(record.raw_stream, "limit", 0) > 0:
        return reject("truncated", "record shorter than its Content-Length")
    if not body.strip():
        return reject("empty_body")
    kind = _page_kind(body, content_type, record.rec_type)
    if kind is None:
        return reject("non_html", f"content type {content_type!r}")
    if kind == "binary":
        return reject("binary", f"content type {content_type!r}")
    text = decode_html(body, content_type)
    if _garbled(text):
        return reject("garbled", "text does not decode to readable characters")
    fetched_at = _parse_warc_date(record.rec_headers.get_header("WARC-Date"))
    if kind == "text":
        return RawPage(source_id, url, day, text=text, fetched_at=fetched_at)
    return RawPage(source_id, url, day, html=text, fetched_at=fetched_at)


_BINARY_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"PK\x03\x04", b"\x1f\x8b", b"RIFF")
_HTML_SNIFF = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)", re.I | re.S)


def _page_kind(body: bytes, content_type: str | None, rec_type: str) -> str | None:
    """``html``, ``text`` (plain-text resources), ``binary``, or ``None`` (other formats)."""
    head = body[:2048]
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if head.startswith(_BINARY_MAGIC) or (b"\x00" in head and not utf16):
        return "binary"
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if mime in ("text/html", "application/xhtml+xml"):
        return "html"
    if mime == "text/plain" and rec_type == "resource":
        return "text"
    if mime in ("", "text/plain", "application/octet-stream") and _HTML_SNIFF.match(head):
        return "html"
    if mime.startswith(("image/", "audio/", "video/", "font/")) or mime.endswith(
        ("/pdf", "/zip", "/octet-stream")
    ):
        return "binary"
    return None


def _garbled(text: str) -> bool:
    replacement = text.count("\ufffd")
    return (replacement > 16 and replacement / max(1, len(text)) > 0.01) or not _plausible(text)


def _parse_warc_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


# ---------------------------------------------------------------- charsets
#
# Arabic sites still serve windows-1256, often with a missing or wrong charset
# (a UTF-8 header on cp1256 bytes is common after CMS migrations). Bytes stay
# raw in the WARC and are decoded only here. The order matters:
# 1. a byte-order mark is authoritative;
# 2. bytes that are valid UTF-8 *and* contain non-ASCII are UTF-8 whatever the
#    label says (other encodings almost never form valid multi-byte UTF-8);
# 3. the HTTP header charset, then the <meta> charset, if they decode cleanly
#    to plausible text;
# 4. statistical detection (charset-normalizer), checked for plausibility;
#    windows-1256 as the last resort.

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Labels browsers map to a wider codepage (WHATWG encoding standard).
_ALIASES = {
    "iso-8859-1": "windows-1252",
    "latin1": "windows-1252",
    "us-ascii": "windows-1252",
    "ascii": "windows-1252",
    "arabic": "windows-1256",
}


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode an HTML or text body to ``str``; never raises."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(encoding, errors="replace")
    if not body.isascii():
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            pass
    meta = _META_CHARSET.search(body[:4096])
    for label in (
        _charset_label(content_type),
        meta.group(1).decode("ascii", "ignore") if meta else None,
    ):
        text = _decode_as(body, label)
        if text is not None:
            return text
    best = from_bytes(body).best()
    if best is not None and _plausible(str(best)):
        return str(best)
    return body.decode("windows-1256", errors="replace")


def _charset_label(content_type: str | None) -> str | None:
    match = _HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def _decode_as(body: bytes, label: str | None) -> str | None:
    if not label:
        return None
    try:
        codec = codecs.lookup(_ALIASES.get(label.lower(), label))
    except LookupError:
        return None
    if codec.name == "utf-8":
        return None  # strict UTF-8 already failed: the label is wrong
    try:
        text = body.decode(codec.name)
    except UnicodeDecodeError:
        return None
    return text if _plausible(text) else None


# Scripts, styles and tags: ASCII that would dilute the letters readers see.
_MARKUP = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]*>", re.IGNORECASE | re.DOTALL)


def _plausible(text: str) -> bool:
    """Does decoded text read as a language rather than as Latin mojibake?

    Arabic (or UTF-8) decoded with a Latin codepage comes out as a stream of
    accented capitals and symbols (``Ø§Ù„``); real French or German text has
    only a few accented letters among plain ones. Counted with regexes, not a
    loop over characters: this runs on every page replayed.
    """
    if not _LATIN_ACCENTED.search(text):
        return True
    letters = _NON_LETTERS.sub("", _MARKUP.sub(" ", text))
    if not letters:
        return True
    return len(_LATIN_ACCENTED.findall(letters)) / len(letters) < 0.3


# Latin letters with diacritics (U+00C0-U+024F without the signs × and ÷).
_LATIN_ACCENTED = re.compile("[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")
_NON_LETTERS = re.compile(r"[\W\d_]+")
