"""One run of the pipeline for one (logical date, source): the stage chain.

The two halves are separate functions because Airflow runs them as separate
tasks (and, on a cluster, on separate workers): :func:`fetch_stage` turns a
source's day into a WARC file in the output store (bronze), and
:func:`process_stage` turns that WARC into the silver datasets. Everything a
later task needs is addressed by path under the output root, never held in a
worker's memory or local disk.

Partitioning: a run writes exactly the ``date=<logical date>/source=<id>``
partition of every dataset, replacing it atomically. Each article records in
``date_basis`` whether its own publication date matched the run's date
("published") or was unknown or different ("archive").
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from pipeline import __version__
from pipeline.boilerplate import BoilerplateModel
from pipeline.dedup import DedupIndex
from pipeline.events import CODER_VERSION, code_article
from pipeline.extract import EXTRACTOR_VERSION, ExtractionError, extract_page
from pipeline.fetch import canonicalize_url, ingest
from pipeline.language import is_arabic
from pipeline.quality import check_run
from pipeline.records import Article, RawPage, Reject, Sentence
from pipeline.schemas import (
    SCHEMA_VERSION,
    article_row,
    event_row,
    reject_row,
    sentence_row,
    stable_id,
    to_table,
)
from pipeline.segment import sentence_spans
from pipeline.sources import Source, load_sources
from pipeline.storage import record_run, write_partition
from pipeline.warc import iter_pages

DATASETS = ("articles", "sentences", "events", "rejects")


def _join(root: str, *parts: str) -> str:
    return "/".join([root.rstrip("/"), *parts])


def bronze_dir(out: str, day: date, source_id: str) -> str:
    """Where the raw WARC and fetch-stage rejects of a (date, source) live."""
    return _join(out, "_bronze", f"date={day.isoformat()}", f"source={source_id}")


def state_dir(out: str) -> str:
    """Persistent state shared by runs: seen URLs, dedup index, boilerplate."""
    return _join(out, "_state")


@dataclass
class PartitionData:
    """Rows of one (date, source) partition, before writing."""

    articles: list[Article] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


@dataclass
class RunSummary:
    """What a run wrote, for logs, XCom and the CLI's closing report."""

    source_id: str
    day: date
    counts: dict[str, int]
    paths: dict[str, str]

    def to_dict(self) -> dict:
        return {
            "source_id": self.source_id,
            "date": self.day.isoformat(),
            "counts": self.counts,
            "paths": self.paths,
        }


def fetch_stage(source: Source, day: date, out: str) -> dict:
    """Discover and fetch a source's day into a WARC file (bronze).

    Returns the WARC path and fetch counts; fetch-level rejects are kept as
    JSON Lines beside the WARC so that the process stage, the only writer of
    the ``rejects`` partition, can include them.
    """
    folder = bronze_dir(out, day, source.id)
    Path(folder).mkdir(parents=True, exist_ok=True)
    report = ingest(source, day, _join(folder, "pages.warc.gz"), state_dir(out))
    rejects_path = _join(folder, "fetch_rejects.jsonl")
    tmp = rejects_path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        for reject in report.rejects:
            fh.write(json.dumps(reject_row(reject), ensure_ascii=False) + "\n")
    Path(tmp).replace(rejects_path)
    return {"warc_path": str(report.warc_path), "rejects_path": rejects_path,
            "counts": dict(report.counts)}


def _read_fetch_rejects(path: str) -> Iterator[Reject]:
    if not Path(path).exists():
        return
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            yield Reject(**json.loads(line))


def build_article(page: RawPage, boilerplate: BoilerplateModel | None, day: date) -> Article:
    """Extract and clean one page into an :class:`Article` (raises ExtractionError)."""
    extracted = extract_page(page, boilerplate)
    canonical = canonicalize_url(page.url)
    published = extracted.published or page.hint_published
    basis = "published" if published is not None and published.date() == day else "archive"
    return Article(
        article_id=stable_id(canonical),
        source_id=page.source_id,
        url=page.url,
        canonical_url=canonical,
        title=extracted.title,
        body=extracted.body,
        lead=extracted.lead,
        authors=list(extracted.authors),
        published_at=published,
        language=extracted.language,
        date_basis=basis,
        partition_date=day,
        site_name=extracted.site_name,
        description=extracted.description,
    )


def process_pages(
    pages: Iterable[RawPage | Reject],
    day: date,
    dedup: DedupIndex,
    boilerplate: BoilerplateModel | None = None,
) -> PartitionData:
    """Extract, clean, deduplicate, segment and code one partition's pages.

    Per-page failures become rejects; nothing here fails the whole run. Two
    pages with the same canonical URL give one article (the first kept, the
    second rejected as ``same_url``). Duplicates of another article keep their
    ``duplicate_of`` and get no sentences or events; non-Arabic articles are
    segmented but not event-coded (the coder is Arabic-only).
    """
    data = PartitionData()
    seen: set[str] = set()
    for page in pages:
        if isinstance(page, Reject):
            data.rejects.append(page)
            continue
        try:
            article = build_article(page, boilerplate, day)
        except ExtractionError as exc:
            data.rejects.append(Reject(page.source_id, page.url, "extract", exc.reason, str(exc)))
            continue
        if article.article_id in seen:
            data.rejects.append(Reject(page.source_id, page.url, "dedup", "same_url",
                                       f"canonical URL {article.canonical_url} seen in this run"))
            continue
        seen.add(article.article_id)
        data.articles.append(article)

    dedup.assign(data.articles)

    for article in data.articles:
        if article.duplicate_of is not None:
            continue
        spans = sentence_spans(article.body)
        data.sentences.extend(
            Sentence(article.article_id, idx, article.body[start:end], start, end)
            for idx, (start, end) in enumerate(spans)
        )
        if not is_arabic(article.language):
            continue
        reference = article.published_at.date() if article.published_at else day
        events = code_article(article.body, published=reference, title=article.title, spans=spans)
        data.events.extend(
            event_row(article.article_id, ordinal, event, CODER_VERSION)
            for ordinal, event in enumerate(events)
        )
    return data


def process_stage(
    source: Source, day: date, out: str, warc_path: str, rejects_path: str | None = None,
    *, run_id: str | None = None,
) -> RunSummary:
    """Turn a (date, source) WARC into the four silver partitions, atomically each.

    After writing, data-quality checks run on what was written; their result is
    recorded in the ``runs`` manifest, and a failure raises ``QualityError``
    (so the task fails visibly) before the dedup index learns the batch.
    """
    started = datetime.now(UTC)
    dedup = DedupIndex(_join(state_dir(out), "dedup"))
    boilerplate = BoilerplateModel.load_for(state_dir(out), source.id)
    pages: Iterator[RawPage | Reject] = iter_pages(warc_path, source.id, day)
    data = process_pages(pages, day, dedup, boilerplate)
    if rejects_path:
        data.rejects[:0] = list(_read_fetch_rejects(rejects_path))

    tables = {
        "articles": to_table("articles", (article_row(a, EXTRACTOR_VERSION)
                                          for a in data.articles)),
        "sentences": to_table("sentences", (sentence_row(s) for s in data.sentences)),
        "events": to_table("events", data.events),
        "rejects": to_table("rejects", (reject_row(r) for r in data.rejects)),
    }
    paths = {name: write_partition(out, name, day, source.id, tables[name]).path
             for name in DATASETS}
    counts = {name: tables[name].num_rows for name in DATASETS}
    counts["duplicates"] = sum(1 for a in data.articles if a.duplicate_of)

    reports = check_run(out, day, source.id, DATASETS)
    failures = [message for report in reports for message in report.messages]
    record_run(out, {
        "run_id": run_id or f"cli__{started.isoformat()}",
        "task": "process",
        "source_id": source.id,
        "logical_date": day,
        "started_at": started,
        "finished_at": datetime.now(UTC),
        "status": "failed" if failures else "success",
        "counts": list(counts.items()),
        "quality_failures": failures,
        "akhbar_version": __version__,
        "schema_version": SCHEMA_VERSION,
    })
    for report in reports:
        report.raise_for_failures()
    dedup.commit(data.articles)
    return RunSummary(source.id, day, counts, paths)


def run(day: date, source_id: str, out: str, sources_path: str | None = None) -> RunSummary:
    """Fetch then process one (date, source): the CLI's ``akhbar run``."""
    source = load_sources(sources_path)[source_id]
    fetched = fetch_stage(source, day, out)
    summary = process_stage(source, day, out, fetched["warc_path"], fetched["rejects_path"])
    summary.counts.update({f"fetch_{k}": v for k, v in fetched["counts"].items()})
    return summary
