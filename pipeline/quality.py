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
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.schemas import CLOCK_SLACK, EARLIEST, EARLIEST_EVENT, EVENT_HORIZON, SCHEMAS
from pipeline.storage import read_dataset

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
    """:func:`check_partition` for every dataset a (date, source) run wrote, reading
    each partition once.

    Meant for the end of a run: put ``[m for r in reports for m in r.messages]``
    in the ``runs`` row (status ``failed`` when not empty), write it, then call
    ``raise_for_failures`` on each report so the task fails visibly.
    """
    loaded: dict[str, pa.Table] = {}

    def load(name: str) -> pa.Table:
        if name not in loaded:
            loaded[name] = read_dataset(root, name, day=day, source_id=source_id)
        return loaded[name]

    return [
        check_table(
            name, load(name), day=day, source_id=source_id,
            articles=load("articles") if name in ("sentences", "events") else None,
            sentences=load("sentences") if name == "events" else None,
            today=today,
        )
        for name in datasets
    ]


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
    """The checks themselves, on tables already in memory (see the module docstring)."""
    report = QualityReport(dataset, day, source_id, table.num_rows)
    found = report.failures
    found += _required(dataset, table)
    found += _unique(dataset, table)
    found += _partition_keys(table, day, source_id)
    found += _dates(dataset, table, day, today or datetime.now(UTC).date())
    found += _values(dataset, table)
    if dataset == "articles":
        found += _canonical_duplicates(table)
    if dataset in ("sentences", "events") and articles is not None:
        found += _dangling(table, ["article_id"], articles, "article_exists")
    if dataset == "sentences" and articles is not None:
        found += _sentence_offsets(table, articles)
    if dataset == "events" and sentences is not None:
        found += _dangling(table, ["article_id", "sentence_idx"], sentences, "sentence_exists")
    return report


def _failure(check: str, bad: Iterable[object], detail: str) -> list[CheckFailure]:
    bad = list(bad)
    if not bad:
        return []
    sample = ", ".join(repr(value) for value in bad[:_SAMPLE])
    return [CheckFailure(check, len(bad), f"{detail} (e.g. {sample})")]


def _required(dataset: str, table: pa.Table) -> list[CheckFailure]:
    failures = []
    for spec in SCHEMAS[dataset]:
        if spec.name not in table.column_names:
            if not spec.nullable:
                failures.append(CheckFailure("required_fields", table.num_rows,
                                             f"column {spec.name!r} is missing"))
            continue
        column = table[spec.name]
        nulls = column.null_count if not spec.nullable else 0
        empty = 0
        if spec.name in _NONEMPTY.get(dataset, []):
            empty = pc.sum(pc.equal(pc.utf8_trim_whitespace(column), "")).as_py() or 0
        if nulls or empty:
            failures.append(CheckFailure("required_fields", nulls + empty,
                                         f"{spec.name!r} is null or empty"))
    return failures


def _keys(table: pa.Table, names: list[str]) -> list[tuple[object, ...]]:
    return list(zip(*(table[name].to_pylist() for name in names), strict=True))


def _unique(dataset: str, table: pa.Table) -> list[CheckFailure]:
    names = _UNIQUE_KEYS.get(dataset)
    if not names or not set(names) <= set(table.column_names):
        return []
    counts = Counter(_keys(table, names))
    repeated = [key if len(key) > 1 else key[0] for key, n in counts.items() if n > 1]
    return _failure("unique_ids", repeated, f"repeated {'+'.join(names)}")


def _partition_keys(table: pa.Table, day: date, source_id: str) -> list[CheckFailure]:
    failures = []
    if "source_id" in table.column_names:
        others = pc.unique(table["source_id"].filter(pc.not_equal(table["source_id"], source_id)))
        failures += _failure("partition_keys", others.to_pylist(),
                             f"source_id differs from the partition's {source_id!r}")
    if "logical_date" in table.column_names:
        others = pc.unique(table["logical_date"].filter(
            pc.not_equal(table["logical_date"], pa.scalar(day, pa.date32()))))
        failures += _failure("partition_keys", others.to_pylist(),
                             f"logical_date differs from the partition's {day.isoformat()}")
    return failures


def _dates(dataset: str, table: pa.Table, day: date, today: date) -> list[CheckFailure]:
    failures = _failure(
        "dates_in_range", [day] if not EARLIEST <= day <= today + CLOCK_SLACK else [],
        f"partition date outside {EARLIEST.isoformat()}..{(today + CLOCK_SLACK).isoformat()}",
    )
    bounds = {
        "articles": ("published_at", EARLIEST, day + CLOCK_SLACK),
        "events": ("event_date", EARLIEST_EVENT, day + EVENT_HORIZON),
    }
    if dataset not in bounds or bounds[dataset][0] not in table.column_names:
        return failures
    column, earliest, latest = bounds[dataset]
    values = [v for v in table[column].to_pylist() if v is not None]
    as_dates = [v.date() if isinstance(v, datetime) else v for v in values]
    bad = [v.isoformat() for v in as_dates if not earliest <= v <= latest]
    failures += _failure("dates_in_range", bad,
                         f"{column} outside {earliest.isoformat()}..{latest.isoformat()}")
    return failures


def _values(dataset: str, table: pa.Table) -> list[CheckFailure]:
    rows = table.to_pylist() if dataset in ("sentences", "events", "runs") else []
    bad: list[object] = []
    if dataset == "sentences":
        bad = [(r["article_id"], r["sentence_idx"]) for r in rows
               if r["sentence_idx"] < 0 or not 0 <= r["char_start"] < r["char_end"]]
        return _failure("values_in_range", bad, "negative index or empty/reversed offsets")
    if dataset == "events":
        bad = [r["event_id"] for r in rows
               if r["quad_class"] not in (1, 2, 3, 4)
               or not -10.0 <= r["goldstein"] <= 10.0
               or not 0.0 <= r["confidence"] <= 1.0
               or not r["event_code"].startswith(r["root_code"])]
        return _failure("values_in_range", bad,
                        "quad_class not 1-4, goldstein not in [-10, 10], confidence not in "
                        "[0, 1] or event_code not under root_code")
    if dataset == "runs":
        bad = [r["run_id"] for r in rows if r["finished_at"] < r["started_at"]]
        return _failure("values_in_range", bad, "finished_at before started_at")
    return []


def _canonical_duplicates(table: pa.Table) -> list[CheckFailure]:
    canonical = table.filter(pc.is_null(table["duplicate_of"]))
    failures = []
    for column in ("canonical_url", "content_hash"):
        counts = Counter(v for v in canonical[column].to_pylist() if v)
        failures += _failure("no_duplicate_canonical", [v for v, n in counts.items() if n > 1],
                             f"canonical articles sharing a {column}")
    self_refs = table.filter(pc.equal(table["duplicate_of"], table["article_id"]))
    failures += _failure("no_duplicate_canonical", self_refs["article_id"].to_pylist(),
                         "article marked as a duplicate of itself")
    return failures


def _dangling(
    table: pa.Table, names: list[str], parents: pa.Table, check: str
) -> list[CheckFailure]:
    known = set(_keys(parents, names))
    missing = sorted({key for key in _keys(table, names) if key not in known}, key=str)
    shown = [key if len(key) > 1 else key[0] for key in missing]
    return _failure(check, shown, f"{'+'.join(names)} not found in the same partition")


def _sentence_offsets(sentences: pa.Table, articles: pa.Table) -> list[CheckFailure]:
    bodies = dict(zip(articles["article_id"].to_pylist(), articles["body"].to_pylist(),
                      strict=True))
    bad = [
        (row["article_id"], row["sentence_idx"])
        for row in sentences.select(["article_id", "sentence_idx", "text", "char_start",
                                     "char_end"]).to_pylist()
        if row["article_id"] in bodies
        and bodies[row["article_id"]][row["char_start"]:row["char_end"]] != row["text"]
    ]
    return _failure("sentence_offsets", bad, "text is not body[char_start:char_end]")
