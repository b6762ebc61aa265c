"""Data-quality checks run on a partition right after it is written.

The checks read the partition back from storage (not the table in memory), so
they vouch for what users will actually find. Each failed check becomes one
line in the ``runs`` manifest (``QualityReport.messages``) and, through
:meth:`QualityReport.raise_for_failures`, fails the task: a broken partition is
published (it replaced the old one atomically) but never silently.

What is checked, per dataset:

- required fields present: no nulls in non-nullable columns, no empty keys;
- unique ids (article_id; article_id + sentence_idx; event_id; run_id + task);
- the partition's own keys: ``source_id`` inside the files equals ``source=``;
- dates in range: nothing published after the day the run covered (one day of
  time-zone slack) or before ``EARLIEST``; events from ``EARLIEST_EVENT`` to a
  year after the day;
- values in range: sentence offsets, CAMEO quad class, Goldstein, confidence;
- references: every sentence and event points to an article of the same
  (date, source) partition, every event to an existing sentence, and each
  sentence's text is exactly ``body[char_start:char_end]``;
- no duplicate canonical articles (same canonical URL or same content hash
  among rows whose ``duplicate_of`` is null).

Partitions of one run are written in the order articles, sentences, events,
so checking sentences and events can rely on that run's articles being there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.schemas import CLOCK_SLACK, EARLIEST, EARLIEST_EVENT, EVENT_HORIZON, SCHEMAS
from pipeline.storage import iter_partition

_UNIQUE_KEYS: dict[str, list[str]] = {
    "articles": ["article_id"],
    "sentences": ["article_id", "sentence_idx"],
    "events": ["event_id"],
    "runs": ["run_id", "task"],
}
_NONEMPTY: dict[str, list[str]] = {
    "articles": ["article_id", "url", "canonical_url", "body"],
    "sentences": ["article_id", "text"],
    "events": ["event_id", "article_id", "event_code", "root_code"],
    "rejects": ["url", "stage", "reason"],
    "runs": ["run_id", "task", "status"],
}
_SAMPLE = 3  # offending values quoted per failure, enough to start debugging


@dataclass(frozen=True)
class CheckFailure:
    """One failed check: which, how many rows, and a few offending values."""

    check: str
    rows: int
    detail: str

    def __str__(self) -> str:
        return f"{self.check}: {self.rows} row(s): {self.detail}"


@dataclass
class QualityReport:
    """The outcome of :func:`check_partition`; empty ``failures`` means all checks passed."""

    dataset: str
    day: date
    source_id: str
    rows: int
    failures: list[CheckFailure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def messages(self) -> list[str]:
        """One line per failure, prefixed by the dataset: the ``runs.quality_failures`` value."""
        return [f"{self.dataset}.{failure}" for failure in self.failures]

    def raise_for_failures(self) -> None:
        if self.failures:
            raise QualityError(self)


class QualityError(Exception):
    """A written partition failed data-quality checks; ``report`` says which."""

    def __init__(self, report: QualityReport) -> None:
        where = f"date={report.day.isoformat()} source={report.source_id}"
        super().__init__(f"{report.dataset} {where} failed: " + "; ".join(report.messages))
        self.report = report


def check_partition(
    root: str, dataset: str, day: date, source_id: str, *, today: date | None = None
) -> QualityReport:
    """Read back one written partition (and, for sentences and events, the articles
    and sentences of the same partition) and run every check that applies."""
    return check_run(root, day, source_id, [dataset], today=today)[0]


def check_run(
    root: str,
    day: date,
    source_id: str,
    datasets: Iterable[str] = ("articles", "sentences", "events", "rejects"),
    *,
    today: date | None = None,
) -> list[QualityReport]:
    """:func:`check_partition` for every dataset a (date, source) run wrote.

    Partitions are read a batch at a time (:func:`pipeline.storage.iter_partition`):
    across batches only a hash per key (for uniqueness and references) and a
    few sample values per failure are kept. The keys sentences and events
    refer to are read once for all datasets.

    Meant for the end of a run: put ``[m for r in reports for m in r.messages]``
    in the ``runs`` row (status ``failed`` when not empty), write it, then call
    ``raise_for_failures`` on each report so the task fails visibly.
    """
    def batches(name: str, columns: list[str] | None = None,
                batch_rows: int = 2048) -> Iterator[pa.Table]:
        return iter_partition(root, name, day, source_id, columns=columns,
                              batch_rows=batch_rows)

    references = _References(batches, {"articles", "sentences"})
    return [_check(name, day, source_id, today, batches, references) for name in datasets]


def check_table(
    dataset: str,
    table: pa.Table,
    *,
    day: date,
    source_id: str,
    articles: pa.Table | None = None,
    sentences: pa.Table | None = None,
    today: date | None = None,
) -> QualityReport:
    """The same checks on tables already in memory; references are checked only
    against the ``articles`` and ``sentences`` given."""
    given = {"articles": articles, "sentences": sentences, dataset: table}

    def batches(name: str, columns: list[str] | None = None,
                batch_rows: int | None = None) -> Iterator[pa.Table]:
        found = given.get(name)
        if found is not None:  # already in memory: one batch
            yield found.select(columns) if columns else found

    parents = {name for name in ("articles", "sentences") if given[name] is not None}
    return _check(dataset, day, source_id, today, batches, _References(batches, parents))


# Reads one dataset of the partition being checked, optionally some columns only.
Batches = Callable[..., Iterator[pa.Table]]


class _References:
    """Hashes of the keys sentences and events refer to, read on first use and
    shared by the checks of every dataset; ``None`` for a dataset not at hand."""

    def __init__(self, batches: Batches, available: set[str]) -> None:
        self._batches = batches
        self._available = available

    @cached_property
    def article_ids(self) -> set[int] | None:
        return self._read("articles", ["article_id"])

    @cached_property
    def sentence_keys(self) -> set[int] | None:
        return self._read("sentences", ["article_id", "sentence_idx"])

    def _read(self, dataset: str, names: list[str]) -> set[int] | None:
        if dataset not in self._available:
            return None
        return _key_hashes(self._batches(dataset, names), names)


def _check(dataset: str, day: date, source_id: str, today: date | None, batches: Batches,
           references: _References) -> QualityReport:
    article_ids = references.article_ids if dataset in ("sentences", "events") else None
    sentence_keys = references.sentence_keys if dataset == "events" else None
    checks = _Checks(dataset, day, source_id, today or datetime.now(UTC).date(),
                     article_ids, sentence_keys)
    for table in batches(dataset):
        checks.feed(table)
    if dataset == "sentences" and article_ids is not None:
        checks.offsets = _sentence_offsets(batches)
    return QualityReport(dataset, day, source_id, checks.rows, checks.failures())


class _Tally:
    """Rows (or distinct keys) failing one check, with the first few as examples."""

    def __init__(self, *, distinct: bool = False) -> None:
        self.count = 0
        self.sample: list[object] = []
        self._seen: set[object] | None = set() if distinct else None

    def add(self, values: Iterable[object]) -> None:
        for value in values:
            if self._seen is not None:
                if value in self._seen:
                    continue
                self._seen.add(value)
            self.count += 1
            if len(self.sample) < _SAMPLE:
                self.sample.append(value)

    def failure(self, check: str, detail: str) -> list[CheckFailure]:
        if not self.count:
            return []
        sample = ", ".join(repr(value) for value in self.sample)
        return [CheckFailure(check, self.count, f"{detail} (e.g. {sample})")]


def _key_hashes(tables: Iterable[pa.Table], names: list[str]) -> set[int]:
    """Hashes of the key tuples: enough to test membership, far smaller than the keys."""
    return {hash(key) for table in tables for key in _keys(table, names)}


def _keys(table: pa.Table, names: list[str]) -> Iterator[tuple[object, ...]]:
    return zip(*(table[name].to_pylist() for name in names), strict=True)


def _shown(key: tuple[object, ...]) -> object:
    return key if len(key) > 1 else key[0]


class _Checks:
    """Every check of one dataset, fed batch by batch, in report order."""

    def __init__(self, dataset: str, day: date, source_id: str, today: date,
                 article_ids: set[int] | None, sentence_keys: set[int] | None) -> None:
        self.dataset, self.day, self.source_id, self.today = dataset, day, source_id, today
        self.article_ids, self.sentence_keys = article_ids, sentence_keys
        self.rows = 0
        self.columns: set[str] = set()
        self.empty: Counter[str] = Counter()
        self.unique_seen: set[int] = set()
        self.unique = _Tally(distinct=True)
        self.sources = _Tally(distinct=True)
        self.logical_dates = _Tally(distinct=True)
        self.dates = _Tally(distinct=True)
        if not EARLIEST <= day <= today + CLOCK_SLACK:
            self.dates.add([day])
        self.out_of_range = _Tally()
        self.values = _Tally()
        self.canonical_seen: dict[str, set[int]] = {"canonical_url": set(),
                                                    "content_hash": set()}
        self.canonical = {name: _Tally(distinct=True) for name in self.canonical_seen}
        self.self_refs = _Tally()
        self.missing_articles = _Tally(distinct=True)
        self.missing_sentences = _Tally(distinct=True)
        self.offsets = _Tally()

    def feed(self, table: pa.Table) -> None:
        self.rows += table.num_rows
        self.columns.update(table.column_names)
        self._required(table)
        self._unique(table)
        self._partition_keys(table)
        self._dates(table)
        self._values(table)
        if self.dataset == "articles":
            self._canonical_duplicates(table)
        if self.article_ids is not None and "article_id" in table.column_names:
            self.missing_articles.add(
                key[0] for key in _keys(table, ["article_id"])
                if hash(key) not in self.article_ids)
        if self.sentence_keys is not None:
            self.missing_sentences.add(
                key for key in _keys(table, ["article_id", "sentence_idx"])
                if hash(key) not in self.sentence_keys)

    def failures(self) -> list[CheckFailure]:
        found: list[CheckFailure] = []
        for spec in SCHEMAS[self.dataset]:
            if self.rows and spec.name not in self.columns and not spec.nullable:
                found.append(CheckFailure("required_fields", self.rows,
                                          f"column {spec.name!r} is missing"))
            elif self.empty[spec.name]:
                found.append(CheckFailure("required_fields", self.empty[spec.name],
                                          f"{spec.name!r} is null or empty"))
        names = _UNIQUE_KEYS.get(self.dataset, [])
        found += self.unique.failure("unique_ids", f"repeated {'+'.join(names)}")
        found += self.sources.failure(
            "partition_keys", f"source_id differs from the partition's {self.source_id!r}")
        found += self.logical_dates.failure(
            "partition_keys", f"logical_date differs from the partition's {self.day.isoformat()}")
        found += self.dates.failure(
            "dates_in_range",
            f"partition date outside {EARLIEST.isoformat()}.."
            f"{(self.today + CLOCK_SLACK).isoformat()}")
        bounds = _bounds(self.dataset, self.day)
        if bounds is not None:
            column, earliest, latest = bounds
            found += self.out_of_range.failure(
                "dates_in_range",
                f"{column} outside {earliest.isoformat()}..{latest.isoformat()}")
        found += self.values.failure("values_in_range", _VALUE_RULES.get(self.dataset, ""))
        for column, tally in self.canonical.items():
            found += tally.failure("no_duplicate_canonical",
                                   f"canonical articles sharing a {column}")
        found += self.self_refs.failure("no_duplicate_canonical",
                                        "article marked as a duplicate of itself")
        found += self.missing_articles.failure("article_exists",
                                               "article_id not found in the same partition")
        found += self.missing_sentences.failure(
            "sentence_exists", "article_id+sentence_idx not found in the same partition")
        found += self.offsets.failure("sentence_offsets", "text is not body[char_start:char_end]")
        return found

    def _required(self, table: pa.Table) -> None:
        for spec in SCHEMAS[self.dataset]:
            if spec.name not in table.column_names:
                continue
            column = table[spec.name]
            nulls = column.null_count if not spec.nullable else 0
            empty = 0
            if spec.name in _NONEMPTY.get(self.dataset, []):
                # A regex test allocates no copy of the strings (bodies are large).
                blank = pc.match_substring_regex(column, r"^\s*$")
                empty = pc.sum(blank).as_py() or 0
            self.empty[spec.name] += nulls + empty

    def _unique(self, table: pa.Table) -> None:
        names = _UNIQUE_KEYS.get(self.dataset)
        if not names or not set(names) <= set(table.column_names):
            return
        for key in _keys(table, names):
            digest = hash(key)
            if digest in self.unique_seen:
                self.unique.add([_shown(key)])
            self.unique_seen.add(digest)

    def _partition_keys(self, table: pa.Table) -> None:
        if "source_id" in table.column_names:
            column = table["source_id"]
            self.sources.add(pc.unique(column.filter(
                pc.not_equal(column, self.source_id))).to_pylist())
        if "logical_date" in table.column_names:
            column = table["logical_date"]
            self.logical_dates.add(pc.unique(column.filter(
                pc.not_equal(column, pa.scalar(self.day, pa.date32())))).to_pylist())

    def _dates(self, table: pa.Table) -> None:
        bounds = _bounds(self.dataset, self.day)
        if bounds is None or bounds[0] not in table.column_names:
            return
        column, earliest, latest = bounds
        values = (v.date() if isinstance(v, datetime) else v
                  for v in table[column].to_pylist() if v is not None)
        self.out_of_range.add(v.isoformat() for v in values if not earliest <= v <= latest)

    def _values(self, table: pa.Table) -> None:
        if self.dataset == "sentences":
            self.values.add(
                (r["article_id"], r["sentence_idx"]) for r in table.select(
                    ["article_id", "sentence_idx", "char_start", "char_end"]).to_pylist()
                if r["sentence_idx"] < 0 or not 0 <= r["char_start"] < r["char_end"])
        elif self.dataset == "events":
            self.values.add(
                r["event_id"] for r in table.select(
                    ["event_id", "quad_class", "goldstein", "confidence", "event_code",
                     "root_code"]).to_pylist()
                if r["quad_class"] not in (1, 2, 3, 4)
                or not -10.0 <= r["goldstein"] <= 10.0
                or not 0.0 <= r["confidence"] <= 1.0
                or not r["event_code"].startswith(r["root_code"]))
        elif self.dataset == "runs":
            self.values.add(r["run_id"] for r in table.select(
                ["run_id", "started_at", "finished_at"]).to_pylist()
                if r["finished_at"] < r["started_at"])

    def _canonical_duplicates(self, table: pa.Table) -> None:
        table = table.select(["article_id", "canonical_url", "content_hash", "duplicate_of"])
        canonical = table.filter(pc.is_null(table["duplicate_of"]))
        for column, seen in self.canonical_seen.items():
            for value in canonical[column].to_pylist():
                if not value:
                    continue
                digest = hash(value)
                if digest in seen:
                    self.canonical[column].add([value])
                seen.add(digest)
        self.self_refs.add(table.filter(pc.equal(table["duplicate_of"], table["article_id"]))
                           ["article_id"].to_pylist())


_VALUE_RULES = {
    "sentences": "negative index or empty/reversed offsets",
    "events": "quad_class not 1-4, goldstein not in [-10, 10], confidence not in [0, 1] "
              "or event_code not under root_code",
    "runs": "finished_at before started_at",
}
_OFFSET_ARTICLES = 1024  # articles whose bodies are held at once by the offsets check


def _bounds(dataset: str, day: date) -> tuple[str, date, date] | None:
    """The dated column of ``dataset`` and its allowed range, if it has one."""
    if dataset == "articles":
        return "published_at", EARLIEST, day + CLOCK_SLACK
    if dataset == "events":
        return "event_date", EARLIEST_EVENT, day + EVENT_HORIZON
    return None


def _sentence_offsets(batches: Batches) -> _Tally:
    """Sentences whose text is not ``body[char_start:char_end]`` of their article.

    Bodies are held ``_OFFSET_ARTICLES`` at a time; for each group the
    sentences are scanned for that group's articles, so memory stays bounded
    at the price of one scan of the sentences per group.
    """
    bad = _Tally()
    columns = ["article_id", "sentence_idx", "text", "char_start", "char_end"]
    group: dict[str, str] = {}

    def scan() -> None:
        ids = pa.array(list(group), pa.string())
        for table in batches("sentences", columns):
            mine = table.filter(pc.is_in(table["article_id"], value_set=ids))
            bad.add((r["article_id"], r["sentence_idx"]) for r in mine.to_pylist()
                    if group[r["article_id"]][r["char_start"]:r["char_end"]] != r["text"])
        group.clear()

    for articles in batches("articles", ["article_id", "body"], _OFFSET_ARTICLES):
        for article_id, body in _keys(articles, ["article_id", "body"]):
            group[article_id] = body
            if len(group) >= _OFFSET_ARTICLES:
                scan()
    if group:
        scan()
    return bad
