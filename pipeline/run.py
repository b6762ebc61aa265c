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

import contextlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from pipeline import __version__
from pipeline.boilerplate import BoilerplateLearner, BoilerplateModel, line_id
from pipeline.clean import clean_body
from pipeline.dedup import (
    DedupIndex,
    DedupSettings,
    Fingerprint,
    Verdicts,
    article_key,
    fingerprint,
    fingerprint_keys,
)
from pipeline.events import CODER_VERSION, code_article
from pipeline.extract import ExtractionError, extract_page
from pipeline.fetch import canonicalize_url, ingest
from pipeline.fetch.state import INGESTED, mirrored_files
from pipeline.language import is_arabic
from pipeline.normalize import line_keys
from pipeline.parallel import BatchPool, workers_from_env
from pipeline.quality import check_run
from pipeline.records import Article, RawPage, Reject, Sentence
from pipeline.remote import Narrowed, exists, local_input, local_mirror, local_output
from pipeline.schemas import (
    CLOCK_SLACK,
    EARLIEST,
    SCHEMA_VERSION,
    event_row,
    reject_row,
    stable_id,
)
from pipeline.segment import sentence_spans
from pipeline.sink import DATASETS, PartitionWriters, Sink
from pipeline.sources import Source, load_sources
from pipeline.spill import Spill
from pipeline.storage import record_run
from pipeline.warc import iter_pages


def _join(root: str, *parts: str) -> str:
    return "/".join([root.rstrip("/"), *parts])


def bronze_dir(out: str, day: date, source_id: str) -> str:
    """Where the raw WARC and fetch-stage rejects of a (date, source) live."""
    return _join(out, "_bronze", f"date={day.isoformat()}", f"source={source_id}")


def bronze_files(out: str, day: date, source_id: str) -> tuple[str, str]:
    """The (WARC, fetch rejects) URLs of a (date, source), as fetch writes them."""
    folder = bronze_dir(out, day, source_id)
    return _join(folder, "pages.warc.gz"), _join(folder, "fetch_rejects.jsonl")


def state_dir(out: str) -> str:
    """Persistent state shared by runs: seen URLs, dedup index, boilerplate."""
    return _join(out, "_state")


def fetch_state_parts(source_id: str) -> tuple[str | Narrowed, ...]:
    """The folders of ``_state`` the fetcher reads and writes for a source: its own
    (seen URLs, HTTP validators) and the shared per-date index of archive inputs
    (:mod:`pipeline.backfill.index`), so that an index built once is kept. Of the
    seen URLs, only the current month summaries and the day files they do not
    cover are needed (:func:`pipeline.fetch.state.mirrored_files`)."""
    seen = Narrowed(f"{source_id}/{INGESTED}", mirrored_files)
    return (source_id, seen, "backfill/index")


@dataclass
class ProcessResult:
    """What :func:`process_pages` leaves besides the rows it sent to its sink."""

    # The source's boilerplate model after learning from this partition.
    boilerplate: BoilerplateModel | None
    # The dedup answers given (on local disk until committed), for
    # ``DedupIndex.commit(verdicts.values())`` once the rows are stored.
    verdicts: Verdicts

    @property
    def duplicates(self) -> int:
        return sum(1 for verdict in self.verdicts.values() if verdict.duplicate_of is not None)


@dataclass
class RunSummary:
    """What a run wrote, for logs, XCom and the CLI's closing report."""

    source_id: str
    day: date
    counts: dict[str, int]
    paths: dict[str, str]
    # Partitions written earlier whose duplicate answers this run made stale
    # (see :func:`settle`).
    stale: list[tuple[date, str]] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "source_id": self.source_id,
            "date": self.day.isoformat(),
            "counts": self.counts,
            "paths": self.paths,
            "stale": [[day.isoformat(), source_id] for day, source_id in self.stale],
        }


def fetch_stage(source: Source, day: date, out: str, *, run_id: str | None = None) -> dict:
    """Discover and fetch a source's day into a WARC file (bronze).

    Returns the WARC's URL and fetch counts; fetch-level rejects are kept as
    JSON Lines beside the WARC so that the process stage, the only writer of
    the ``rejects`` partition, can include them. Both files and the source's
    fetch state (seen URLs, HTTP validators) live in the output store, so the
    process task may run on another machine: with an object-store root the
    fetcher works on local copies that are uploaded when it succeeds. The
    counts (discovered, new, duplicate, fetched, failed) also go to the
    ``runs`` manifest as a ``fetch`` row.
    """
    started = datetime.now(UTC)
    warc_url, rejects_url = bronze_files(out, day, source.id)
    with (
        local_mirror(state_dir(out), fetch_state_parts(source.id)) as local_state,
        local_output(warc_url) as warc_path,
        local_output(rejects_url) as rejects_path,
    ):
        report = ingest(source, day, warc_path, local_state)
        tmp = rejects_path.with_name(f".{rejects_path.name}.tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            for reject in report.rejects:
                fh.write(json.dumps(reject_row(reject), ensure_ascii=False) + "\n")
        tmp.replace(rejects_path)
    _record(out, "fetch", source.id, day, started, run_id, dict(report.counts), [])
    return {"warc_path": warc_url, "rejects_path": rejects_url, "counts": dict(report.counts)}


def _record(out: str, task: str, source_id: str, day: date, started: datetime,
            run_id: str | None, counts: dict[str, int], failures: list[str]) -> None:
    """One row of the ``runs`` manifest for a finished stage."""
    record_run(out, {
        "run_id": run_id or f"cli__{started.isoformat()}",
        "task": task,
        "source_id": source_id,
        "logical_date": day,
        "started_at": started,
        "finished_at": datetime.now(UTC),
        "status": "failed" if failures else "success",
        "counts": list(counts.items()),
        "quality_failures": failures,
        "akhbar_version": __version__,
        "schema_version": SCHEMA_VERSION,
    })


def _read_fetch_rejects(url: str) -> Iterator[Reject]:
    if not exists(url):
        return
    with local_input(url) as path, open(path, encoding="utf-8") as fh:
        for line in fh:
            yield Reject(**json.loads(line))


def load_boilerplate(out: str, source_id: str) -> BoilerplateModel | None:
    """The source's learned boilerplate model, read through the output store (the
    model's own loader goes through fsspec, which has no ``s3://`` support here)."""
    url = BoilerplateModel.path_for(state_dir(out), source_id)
    if not exists(url):
        return None
    with local_input(url) as path:
        return BoilerplateModel.load(path)


def build_article(page: RawPage, boilerplate: BoilerplateModel | None, day: date) -> Article:
    """Extract and clean one page into an :class:`Article` (raises ExtractionError)."""
    extracted = extract_page(page, boilerplate)
    canonical = canonicalize_url(page.url)
    published = _plausible(extracted.published, day) or _plausible(page.hint_published, day)
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


def _plausible(published: datetime | None, day: date) -> datetime | None:
    """A publication time, unless it is impossible for a page archived on ``day``
    (a date guessed from a copyright line, a future date): such a guess is
    dropped, so the article is placed by its archive date instead."""
    if published is None or not EARLIEST <= published.date() <= day + CLOCK_SLACK:
        return None
    return published


# An article and its lines as (matching key, text), computed with it in a worker.
Extracted = tuple[Article, list[tuple[str, str]]]


def _extract(page: RawPage | Reject, day: date,
             boilerplate: BoilerplateModel | None) -> Extracted | Reject:
    """One page to an article and its line keys, or a reject (runs in a worker
    process). The line keys serve the boilerplate learner and the duplicate
    fingerprint, so the parent never normalises a body itself."""
    if isinstance(page, Reject):
        return page
    try:
        article = build_article(page, boilerplate, day)
    except ExtractionError as exc:
        return Reject(page.source_id, page.url, "extract", exc.reason, str(exc))
    except Exception as exc:  # isolation boundary: a parser bug costs one page, not the run
        return Reject(page.source_id, page.url, "extract", "unexpected_error", repr(exc))
    return article, line_keys(article.body)


def _analyse(article: Article, day: date) -> tuple[list[Sentence], list[dict], Reject | None]:
    """Sentences and event rows of one kept article (runs in a worker process).

    A failure of the event coder on one article is recorded as a reject of
    stage ``events`` (the article keeps its sentences, without events) rather
    than failing the partition: the coder is heuristic code run over
    arbitrary text.
    """
    spans = sentence_spans(article.body)
    sentences = [Sentence(article.article_id, idx, article.body[start:end], start, end)
                 for idx, (start, end) in enumerate(spans)]
    if not is_arabic(article.language):
        return sentences, [], None
    reference = article.published_at.date() if article.published_at else day
    try:
        events = code_article(article.body, published=reference, title=article.title,
                              spans=spans)
    except Exception as exc:  # isolation boundary, as for extraction
        return sentences, [], Reject(article.source_id, article.url, "events",
                                     "unexpected_error", repr(exc))
    return sentences, [event_row(article.article_id, ordinal, event, CODER_VERSION)
                       for ordinal, event in enumerate(events)], None


def process_pages(
    pages: Iterable[RawPage | Reject],
    day: date,
    dedup: DedupIndex,
    boilerplate: BoilerplateModel | None = None,
    *,
    sink: Sink,
    workers: int = 1,
) -> ProcessResult:
    """Extract, clean, deduplicate, segment and code one partition's pages into ``sink``.

    Per-page failures, expected or not, become rejects; nothing here fails the
    whole run. Two pages with the same canonical URL give one article (the
    first kept, the second rejected as ``same_url``). Duplicates of another
    article keep their ``duplicate_of`` and get no sentences or events;
    non-Arabic articles are segmented but not event-coded (the coder is
    Arabic-only).

    Three passes, with the articles on local disk in between
    (:class:`~pipeline.spill.Spill`) rather than in memory: extraction (also
    counting lines for boilerplate learning), the dedup decision (which needs
    every signature of the partition), then writing the articles while
    segmentation and coding run on the kept ones.
    With ``workers > 1`` extraction, then segmentation and coding, run in a
    process pool over bounded batches (:mod:`pipeline.parallel`); results come
    back in input order, so the rows are the same for any number of workers.
    """
    seen: set[str] = set()
    learner = BoilerplateLearner(previous=boilerplate)
    with contextlib.ExitStack() as stack:
        pool = stack.enter_context(BatchPool(workers))
        # (article, its paragraph keys, ids of its short lines, see BoilerplateLearner).
        extracted = stack.enter_context(Spill[tuple[Article, list[str], frozenset[int]]]())
        for result in pool.map(_extract, pages, day, boilerplate):
            if isinstance(result, Reject):
                sink.add("rejects", [result])
                continue
            article, lines = result
            if article.article_id in seen:
                sink.add("rejects", [Reject(
                    article.source_id, article.url, "dedup", "same_url",
                    f"canonical URL {article.canonical_url} seen in this run")])
            else:
                seen.add(article.article_id)
                extracted.append((article, [key for key, _ in lines],
                                  learner.add_lines(article.source_id, lines)))
        model, new_lines = _learned(learner, boilerplate)
        # Only articles holding a line learned tonight are cleaned again (in the
        # workers, with their fingerprints); the bodies are kept for the last pass.
        articles = stack.enter_context(Spill[Article]())
        prepared = _kept_in(pool.map(
            _fingerprinted, ((article, keys, not ids.isdisjoint(new_lines))
                             for article, keys, ids in extracted),
            model, dedup.settings), articles)
        verdicts = dedup.decide(prepared)

        def kept() -> Iterator[Article]:
            """Every article goes to the sink with its dedup answer; the canonical
            ones go on to segmentation and coding."""
            for article in articles:
                verdicts[article_key(article)].apply(article)
                sink.add("articles", [article])
                if article.duplicate_of is None:
                    yield article

        for sentences, events, reject in pool.map(_analyse, kept(), day):
            sink.add("sentences", sentences)
            sink.add("events", events)
            if reject is not None:
                sink.add("rejects", [reject])
    return ProcessResult(model, verdicts)


def _fingerprinted(item: tuple[Article, list[str], bool],
                   model: BoilerplateModel | None,
                   settings: DedupSettings) -> tuple[Article, Fingerprint]:
    """The article, cleaned again with tonight's ``model`` when it holds a line
    learned tonight, and its dedup fingerprint from its paragraph keys (runs in
    a worker process)."""
    article, keys, reclean = item
    if reclean:
        article.body = clean_body(article.title, article.body, model,
                                  source_id=article.source_id, authors=article.authors)
        return article, fingerprint(article.body, settings)
    return article, fingerprint_keys(keys, settings)


def _kept_in(prepared: Iterable[tuple[Article, Fingerprint]],
             spill: Spill[Article]) -> Iterator[tuple[Article, Fingerprint]]:
    for article, print_ in prepared:
        spill.append(article)
        yield article, print_


def _learned(
    learner: BoilerplateLearner, previous: BoilerplateModel | None
) -> tuple[BoilerplateModel | None, frozenset[int]]:
    """The source's model after tonight's lines were counted, and the line ids of
    the recurring lines it learned tonight (a footer seen in enough of tonight's
    articles): the articles holding one are cleaned again with the new model, so
    even the first night drops it."""
    if not learner.sources:
        return previous, frozenset()
    learned = learner.model()
    new = frozenset(
        line_id(key) for source in learner.sources
        for key in learned.learned_keys(source) - (previous.learned_keys(source) if previous
                                                   else frozenset()))
    return learned, new


def save_boilerplate(out: str, source_id: str, model: BoilerplateModel) -> None:
    """Store the source's model under the run state, in the output store."""
    with local_output(BoilerplateModel.path_for(state_dir(out), source_id)) as path:
        tmp = path.with_name(f".{path.name}.tmp")
        model.save(tmp)
        tmp.replace(path)


def process_stage(
    source: Source, day: date, out: str, warc_path: str, rejects_path: str | None = None,
    *, run_id: str | None = None, workers: int | None = None,
) -> RunSummary:
    """Turn a (date, source) WARC into the four silver partitions, atomically each.

    ``warc_path`` and ``rejects_path`` are paths or URLs in the output store
    (what :func:`fetch_stage` returned). ``workers`` processes share the
    CPU-bound stages (default: ``$AKHBAR_WORKERS``, else 1); the rows written
    do not depend on it. After writing, data-quality checks run on what was
    written; their result is recorded in the ``runs`` manifest, and a failure
    raises ``QualityError`` (so the task fails visibly) before the dedup index
    learns the batch.
    """
    started = datetime.now(UTC)
    boilerplate = load_boilerplate(out, source.id)
    # Closing the index frees its decision's temporary database, also when a check fails.
    with DedupIndex(_join(state_dir(out), "dedup")) as dedup:
        with local_input(warc_path) as local_warc, PartitionWriters(out, day, source.id) as sink:
            if rejects_path:
                sink.add("rejects", _read_fetch_rejects(rejects_path))
            pages: Iterator[RawPage | Reject] = iter_pages(local_warc, source.id, day)
            result = process_pages(pages, day, dedup, boilerplate, sink=sink,
                                   workers=workers_from_env() if workers is None else workers)
            counts = sink.counts
            paths = {name: info.path for name, info in sink.publish().items()}
        counts["duplicates"] = result.duplicates

        reports = check_run(out, day, source.id, DATASETS)
        failures = [message for report in reports for message in report.messages]
        _record(out, "process", source.id, day, started, run_id, counts, failures)
        for report in reports:
            report.raise_for_failures()
        # Naming the partition also clears its old signatures when it has no articles now.
        stale = dedup.commit(result.verdicts.values(), partitions=[(day, source.id)])
        if result.boilerplate is not None and result.boilerplate is not boilerplate:
            save_boilerplate(out, source.id, result.boilerplate)
        return RunSummary(source.id, day, counts, paths, stale)


MAX_SETTLE_ROUNDS = 3


def settle(
    out: str, stale: list[tuple[date, str]], sources: dict[str, Source],
    *, run_id: str | None = None,
) -> list[tuple[date, str]]:
    """Re-process, in date order, partitions whose duplicate answers are stale.

    Partitions of one date processed in parallel (the nightly DAG maps sources)
    cannot see each other, and a backfilled earlier date can change the
    canonical copy of a later one. Re-running a partition from its bronze WARC
    gives it the answer an in-order run would; that may flag others, so this
    repeats up to ``MAX_SETTLE_ROUNDS`` times and returns what is still stale.
    """
    pending = sorted(set(stale))
    for _ in range(MAX_SETTLE_ROUNDS):
        if not pending:
            break
        flagged: set[tuple[date, str]] = set()
        for day, source_id in pending:
            if source_id not in sources:  # no longer configured: left as reported
                flagged.add((day, source_id))
                continue
            summary = process_stage(sources[source_id], day, out,
                                    *bronze_files(out, day, source_id), run_id=run_id)
            flagged.update(summary.stale)
        pending = sorted(flagged)
    return pending


def run(day: date, source_id: str, out: str, sources_path: str | None = None) -> RunSummary:
    """Fetch then process one (date, source): the CLI's ``akhbar run``."""
    source = load_sources(sources_path)[source_id]
    run_id = f"cli__{datetime.now(UTC).isoformat()}"
    fetched = fetch_stage(source, day, out, run_id=run_id)
    summary = process_stage(source, day, out, fetched["warc_path"], fetched["rejects_path"],
                            run_id=run_id)
    summary.counts.update({f"fetch_{k}": v for k, v in fetched["counts"].items()})
    return summary
