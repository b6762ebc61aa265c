"""Where :func:`pipeline.run.process_pages` sends a partition's rows as it makes them.

Two sinks, one interface (``add(dataset, rows)``): :class:`PartitionData` keeps
the records in memory (for tests and callers that want the objects), and
:class:`PartitionWriters` streams them into the four partitions of a
(date, source) in the output store, so a run holds at most a row group per
dataset however large its partition is.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from pipeline.extract import EXTRACTOR_VERSION
from pipeline.records import Article, Reject, Sentence
from pipeline.schemas import article_row, reject_row, sentence_row, to_table
from pipeline.storage import PartitionInfo, PartitionWriter

# Publication order: sentences and events refer to articles, so the articles
# partition is replaced first (what the quality checks rely on).
DATASETS = ("articles", "sentences", "events", "rejects")

# Rows converted to Arrow at once: small enough to stay cheap in memory, large
# enough that the per-table overhead does not show.
BATCH_ROWS = 512


class Sink(Protocol):
    """Receives a partition's records: Article, Sentence, event row dict, Reject."""

    def add(self, dataset: str, rows: Iterable[Any]) -> None: ...


@dataclass
class PartitionData:
    """A sink keeping one (date, source) partition's records in memory."""

    articles: list[Article] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)

    def add(self, dataset: str, rows: Iterable[Any]) -> None:
        getattr(self, dataset).extend(rows)


_ROW: dict[str, Callable[[Any], dict[str, Any]]] = {
    "articles": lambda article: article_row(article, EXTRACTOR_VERSION),
    "sentences": sentence_row,
    "events": dict,
    "rejects": reject_row,
}


class PartitionWriters:
    """A sink writing the four partitions of (``day``, ``source_id``) under ``out``.

    Use as a context manager and call :meth:`publish` at the end: the
    partitions are replaced one after the other, each atomically. Leaving the
    block without publishing (an error, a kill) leaves every old partition as
    it was: nothing is visible until then.
    """

    def __init__(self, out: str, day: date, source_id: str) -> None:
        self._writers = {name: PartitionWriter(out, name, day, source_id) for name in DATASETS}
        self._pending: dict[str, list[dict[str, Any]]] = {name: [] for name in DATASETS}
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> PartitionWriters:
        for writer in self._writers.values():
            self._stack.enter_context(writer)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def add(self, dataset: str, rows: Iterable[Any]) -> None:
        pending = self._pending[dataset]
        pending.extend(map(_ROW[dataset], rows))
        if len(pending) >= BATCH_ROWS:
            self._flush(dataset)

    def _flush(self, dataset: str) -> None:
        self._writers[dataset].write(to_table(dataset, self._pending[dataset]))
        self._pending[dataset] = []

    @property
    def counts(self) -> dict[str, int]:
        """Rows written so far per dataset."""
        return {name: writer.rows + len(self._pending[name])
                for name, writer in self._writers.items()}

    def publish(self) -> dict[str, PartitionInfo]:
        """Replace the partitions, articles first."""
        published = {}
        for name in DATASETS:
            self._flush(name)
            published[name] = self._writers[name].publish()
        return published
