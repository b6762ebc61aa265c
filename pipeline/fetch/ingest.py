"""Ingest one (source, date) into one WARC file: discover, fetch politely, record.

This is the single entry point the pipeline and the DAG call. Web sources go
through discovery and the polite client; sources with ``local_files`` (the
offline seeds) are written as WARC ``resource`` records, and so are the day's
records of a source's archive inputs (corpus dumps, WARC files, CC-NEWS; see
:mod:`pipeline.backfill`), so that every source reaches extraction the same
way, through :func:`pipeline.warc.iter_pages`.

Nothing a page or a document does can fail the run: each problem becomes a
``Reject`` (stage ``discover`` or ``fetch``) and a ``metadata`` record in the
WARC. Problems with the *content* of a fetched page (empty, binary, garbled)
are judged on replay, by :func:`pipeline.warc.iter_pages`, so that they are
decided the same way for our WARCs and for foreign ones.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path

from pipeline.backfill.index import day_entries, source_inputs
from pipeline.fetch.conditional import ConditionalCache
from pipeline.fetch.discover import discover
from pipeline.fetch.http import FetchError, FetchResult, PoliteClient
from pipeline.fetch.settings import FetchSettings
from pipeline.fetch.state import SeenState
from pipeline.fetch.urls import canonicalize_url
from pipeline.records import Reject
from pipeline.sources import LocalFile, Source
from pipeline.warc import ARTICLE_ROLE, BronzeWriter

STAGE = "fetch"
COUNT_KEYS = ("discovered", "new", "duplicate", "fetched", "failed")
_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


@dataclass
class IngestReport:
    """What one ingest did. ``counts`` keys: discovered, new, duplicate, fetched, failed."""

    counts: dict[str, int]
    rejects: list[Reject] = field(default_factory=list)
    warc_path: str = ""


def ingest(
    source: Source,
    day: date,
    warc_path: str | Path,
    state_dir: str | Path,
    *,
    settings: FetchSettings | None = None,
) -> IngestReport:
    """Fetch what ``source`` published on ``day`` into the WARC file ``warc_path``.

    ``settings`` default to :meth:`FetchSettings.from_env`. URLs already
    ingested for another date of the source (per ``state_dir``) are counted as
    ``duplicate`` and not fetched again. The WARC appears at ``warc_path`` only
    once complete; the seen-state is updated after that.
    """
    report = IngestReport(counts=dict.fromkeys(COUNT_KEYS, 0), warc_path=str(warc_path))
    state = SeenState(state_dir, source.id)
    ingested: list[str] = []
    with BronzeWriter(warc_path, source.id, day) as writer:
        if source.local_files:
            _ingest_local(source, day, state, writer, report, ingested)
        if source.has_archive_inputs:
            _ingest_archive(source, day, state, writer, report, ingested, state_dir)
        if source.discovers_on_web or not (source.local_files or source.has_archive_inputs):
            settings = settings or FetchSettings.from_env()
            cache = ConditionalCache(Path(state_dir) / source.id / "http_cache")
            _ingest_web(source, day, state, writer, report, ingested, settings, cache)
    state.record(day, ingested)
    return report


def _ingest_web(
    source: Source,
    day: date,
    state: SeenState,
    writer: BronzeWriter,
    report: IngestReport,
    ingested: list[str],
    settings: FetchSettings,
    cache: ConditionalCache,
) -> None:
    counts = report.counts
    with PoliteClient(source, settings, writer.write_exchange) as client:
        discovery = discover(source, day, client, cache)
        for reject in discovery.rejects:
            _record_reject(writer, report, reject)
        counts["discovered"] = len(discovery.urls)
        seen = state.seen_elsewhere(day, discovery.urls)
        new = [url for url in discovery.urls if url not in seen]
        counts["new"] = len(new)
        counts["duplicate"] = counts["discovered"] - counts["new"]

        def fetch_article(url: str) -> FetchResult:
            try:
                return client.fetch(url, ARTICLE_ROLE)
            except Exception as exc:  # isolation boundary: one page never ends the run
                return FetchResult(url, error=FetchError("unexpected_error", repr(exc)))

        with ThreadPoolExecutor(max_workers=source.concurrency) as pool:
            for url, result in zip(new, pool.map(fetch_article, new), strict=True):
                if result.ok and result.final is not None:
                    counts["fetched"] += 1
                    ingested.extend({url, canonicalize_url(result.final.url)})
                else:
                    counts["failed"] += 1
                    error = result.error or FetchError("fetch_failed")
                    _record_reject(
                        writer, report, Reject(source.id, url, STAGE, error.reason, error.detail)
                    )


def _ingest_local(
    source: Source,
    day: date,
    state: SeenState,
    writer: BronzeWriter,
    report: IngestReport,
    ingested: list[str],
) -> None:
    counts = report.counts
    todays: list[LocalFile] = [item for item in source.local_files if item.date == day]
    counts["discovered"] = len(todays)
    urls = [canonicalize_url(item.url) for item in todays]
    seen = state.seen_elsewhere(day, urls)
    for item, url in zip(todays, urls, strict=True):
        if url in seen:
            counts["duplicate"] += 1
            continue
        counts["new"] += 1
        try:
            body = item.path.read_bytes()
        except OSError as exc:
            counts["failed"] += 1
            reject = Reject(source.id, url, STAGE, "unreadable_file", f"{item.path}: {exc}")
            _record_reject(writer, report, reject)
            continue
        content_type = "text/html" if item.path.suffix.lower() in _HTML_SUFFIXES else "text/plain"
        # The capture time of a local file is its logical date: re-runs write identical WARCs.
        writer.write_resource(url, body, content_type, datetime.combine(day, time(), UTC))
        counts["fetched"] += 1
        ingested.append(url)


def _ingest_archive(
    source: Source,
    day: date,
    state: SeenState,
    writer: BronzeWriter,
    report: IngestReport,
    ingested: list[str],
    state_dir: str | Path,
) -> None:
    """The day's records of the source's dumps and WARC files, from their
    per-date index (built on first use; see :mod:`pipeline.backfill.index`).

    The index is read twice: first for the day's URLs alone, to ask the
    seen-state about all of them in one pass over its files, then for the
    records, so that the day's texts are never all in memory at once."""
    counts = report.counts
    inputs = source_inputs(source, day, day)
    seen = state.seen_elsewhere(day, (canonicalize_url(entry.payload["url"])
                                      for entry in day_entries(inputs, day, state_dir)
                                      if not entry.is_reject))
    for entry in day_entries(inputs, day, state_dir):
        fields = entry.payload
        if entry.is_reject:
            counts["failed"] += 1
            reject = Reject(source.id, fields["url"], fields["stage"], fields["reason"],
                            fields["detail"])
            _record_reject(writer, report, reject)
            continue
        counts["discovered"] += 1
        url = canonicalize_url(fields["url"])
        if url in seen:
            counts["duplicate"] += 1
            continue
        counts["new"] += 1
        when = datetime.fromisoformat(fields["when"]) if fields["when"] else None
        # The archive's own capture time: re-runs write identical records.
        writer.write_resource(fields["url"], fields["text"].encode("utf-8"),
                              fields["content_type"], when or datetime.combine(day, time(), UTC))
        counts["fetched"] += 1
        ingested.append(url)


def _record_reject(writer: BronzeWriter, report: IngestReport, reject: Reject) -> None:
    report.rejects.append(reject)
    writer.write_failure(reject.url, reject.stage, reject.reason, reject.detail)
