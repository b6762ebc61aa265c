"""The ``akhbar`` command line: whole runs, and single stages as JSONL filters.

The single-stage commands (``extract``, ``segment``, ``events``) read JSON
Lines on stdin and write exactly one JSON object per input line, in order, so
evaluation scripts can zip input and output. A line that cannot be processed
yields ``{"id": ..., "error": "..."}`` instead of stopping the batch.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

import typer

from pipeline import __version__

app = typer.Typer(
    name="akhbar",
    help="Arabic news to clean, deduplicated Parquet datasets of articles, sentences and events.",
    no_args_is_help=True,
    add_completion=False,
)

DateOpt = Annotated[str, typer.Option("--date", help="Logical date, YYYY-MM-DD")]
OutOpt = Annotated[str, typer.Option("--out", help="Output root: a folder or s3://bucket/prefix")]
SourcesOpt = Annotated[
    str | None, typer.Option("--sources", help="sources.yaml (default: seeds/sources.yaml)")
]


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"not a YYYY-MM-DD date: {value!r}") from exc


def _jsonl_filter(handle: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """Apply ``handle`` to each stdin JSON line; one output line per input line."""
    for lineno, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        record_id: Any = None
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("each line must be a JSON object")
            record_id = record.get("id")
            result = handle(record)
        except Exception as exc:  # one bad line must not stop the batch
            result = {"id": record_id, "error": f"line {lineno}: {type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(result, ensure_ascii=False, default=str) + "\n")
        sys.stdout.flush()


@app.command()
def version() -> None:
    """Print the akhbar version."""
    typer.echo(__version__)


@app.command()
def run(date_: DateOpt, source: Annotated[str, typer.Option("--source")] = "seeds",
        out: OutOpt = "data", sources: SourcesOpt = None) -> None:
    """Run every stage for one date and source, without Airflow."""
    from pipeline.report import describe_run
    from pipeline.run import run as run_pipeline

    day = _parse_date(date_)
    summary = run_pipeline(day, source, out, sources)
    typer.echo(json.dumps(summary.to_dict(), ensure_ascii=False))
    typer.echo(describe_run(out, day, source))


@app.command()
def backfill(
    from_: Annotated[str, typer.Option("--from", help="First date, YYYY-MM-DD")],
    to: Annotated[str, typer.Option("--to", help="Last date, YYYY-MM-DD (inclusive)")],
    source: Annotated[list[str], typer.Option("--source", help="Source id (repeatable)")],
    out: OutOpt = "data",
    sources: SourcesOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Redo dates already complete")] = False,
    dedup_window: Annotated[int | None, typer.Option(
        "--dedup-window", help="Days apart within which duplicates are looked for; set "
        "on a new output so each date's cost stays flat (default: all dates)")] = None,
) -> None:
    """Run every stage for each date of a range and each source; resumable.

    Dates already complete are skipped (``--force`` redoes them); sources with
    dumps or WARC inputs run only the dates their archives cover.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from pipeline.backfill.runner import DONE
    from pipeline.backfill.runner import backfill as run_backfill

    console = Console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn("{task.fields[articles]} articles"))
    with Progress(*columns, console=console) as progress:
        bar = progress.add_task("backfill", total=None, articles=0)

        def advance(result: Any) -> None:
            articles = result.counts.get("articles", 0) if result.status == DONE else 0
            done_articles = progress.tasks[bar].fields["articles"] + articles
            progress.update(bar, advance=1, articles=done_articles,
                            description=f"{result.day} {result.source_id} {result.status}")

        summary = run_backfill(
            _parse_date(from_), _parse_date(to), source, out, sources, force=force,
            dedup_window=dedup_window, on_result=advance,
            on_start=lambda total: progress.update(bar, total=total),
        )
    facts = summary.to_dict()
    console.print(
        f"backfill {facts['from']}..{facts['to']}: {facts['done']} done, "
        f"{facts['skipped']} already complete, {facts['failed']} failed, "
        f"{facts['not_archived']} with nothing archived; {facts['articles']} articles "
        f"({facts['duplicates']} duplicates), {facts['sentences']} sentences, "
        f"{facts['events']} events, {facts['rejects']} rejects in {facts['seconds']} s "
        f"({facts['articles_per_second']} articles/s)"
    )
    for failure in facts["failures"]:
        console.print(f"[red]failed[/red] {failure['date']} {failure['source']}: "
                      f"{failure['error']}")
    typer.echo(json.dumps(facts, ensure_ascii=False))
    if not summary.ok:
        raise typer.Exit(code=1)


@app.command()
def report(date_: DateOpt, source: Annotated[str, typer.Option("--source")] = "seeds",
           out: OutOpt = "data") -> None:
    """Print what a run wrote: rows per dataset and a readable sample."""
    from pipeline.report import describe_run

    typer.echo(describe_run(out, _parse_date(date_), source))


@app.command()
def show(dataset: Annotated[str, typer.Argument(help="articles, sentences, events, rejects, runs")],
         out: OutOpt = "data") -> None:
    """Summarise a dataset: partitions, row counts, a sample."""
    from pipeline.show import summarize

    typer.echo(summarize(out, dataset))


@app.command()
def extract() -> None:
    """JSONL in {id, url?, html} or {id, text}; out {id, title, body, published, authors,
    lead, language}."""
    from pipeline.extract import extract_page
    from pipeline.records import RawPage

    def handle(record: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(record.get("html"), str) and not isinstance(record.get("text"), str):
            raise ValueError("needs an 'html' or a 'text' string")
        page = RawPage(source_id="cli", url=record.get("url") or "", archive_date=date.today(),
                       html=record.get("html"), text=record.get("text"))
        got = extract_page(page)
        return {"id": record.get("id"), "title": got.title, "body": got.body,
                "published": got.published.isoformat() if got.published else None,
                "authors": got.authors, "lead": got.lead, "language": got.language}

    _jsonl_filter(handle)


@app.command()
def segment() -> None:
    """JSONL in {id, text}; out {id, sentences: [str, ...]}."""
    from pipeline.segment import split_sentences

    def handle(record: dict[str, Any]) -> dict[str, Any]:
        text = record.get("text")
        if not isinstance(text, str):
            raise ValueError("needs a 'text' string")
        return {"id": record.get("id"), "sentences": split_sentences(text)}

    _jsonl_filter(handle)


def _event_json(event: Any) -> dict[str, Any]:
    return {
        "sentence_idx": event.sentence_idx,
        "source": {"text": event.source.text, "code": event.source.code},
        "target": {"text": event.target.text, "code": event.target.code},
        "event_code": event.event_code,
        "root_code": event.root_code,
        "quad_class": event.quad_class,
        "goldstein": event.goldstein,
        "event_date": event.event_date.isoformat() if event.event_date else None,
        "location": {"text": event.location.text, "country": event.location.country},
        "negated": event.negated,
        "quoted_by": event.quoted_by,
    }


@app.command()
def events() -> None:
    """JSONL in {id, text, title?, published?}; out {id, events: [...]} (CAMEO-coded)."""
    from pipeline.events import code_article

    def handle(record: dict[str, Any]) -> dict[str, Any]:
        text = record.get("text")
        if not isinstance(text, str):
            raise ValueError("needs a 'text' string")
        published = record.get("published")
        day = date.fromisoformat(published[:10]) if published else None
        coded = code_article(text, published=day, title=record.get("title"))
        return {"id": record.get("id"), "events": [_event_json(e) for e in coded]}

    _jsonl_filter(handle)
