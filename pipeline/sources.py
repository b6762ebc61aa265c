"""The news sources akhbar knows, read from ``seeds/sources.yaml``.

A source is configuration, not code: adding an outlet means adding a YAML
entry. The file is validated as a whole when loaded, and every error names the
offending field (``sources[3].feeds[0]: not an http(s) URL``) so that a typo is
found before a nightly run rather than in the middle of one.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCES = PROJECT_ROOT / "seeds" / "sources.yaml"
SOURCES_ENV = "AKHBAR_SOURCES"

# Source ids become Hive path segments (``source=<id>``): keep them boring.
_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")
_DATE_FIELD = re.compile(r"\{date(:[^}]*)?\}")


class SourceConfigError(ValueError):
    """The sources file is unusable; the message names the bad field."""


@dataclass(frozen=True)
class LocalFile:
    """A page stored beside the config, ingested as if fetched from ``url``."""

    path: Path
    url: str
    date: date


@dataclass(frozen=True)
class DumpInput:
    """A corpus dump to backfill from: ``pattern`` is an absolute path or glob.

    JSON Lines files (``.jsonl``, ``.jsonl.gz``) hold one article per line
    (url, title, date, body); any other file is one plain-text article like the
    seed (headline on the first line, then an optional dateline, then the body),
    archived as if fetched from ``url_prefix`` + its file name.
    """

    pattern: str
    url_prefix: str | None = None


@dataclass(frozen=True)
class Source:
    """One news outlet: where to discover its articles and how politely to fetch."""

    id: str
    name: str
    home: str
    language: str = "ar"
    country: str | None = None
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    # A per-day archive page, e.g. ``https://x/archive/{date:%Y/%m/%d}``.
    archive_pattern: str | None = None
    rate_per_second: float = 1.0
    concurrency: int = 2
    # Fetch tasks of this source that may run at once, across all runs of the
    # schedule (two dates of a backfill) and every worker; the DAG hands it to the
    # scheduler. 1 for a website: one polite crawler per site.
    fetch_tasks: int = 1
    allow: str | None = None
    deny: str | None = None
    # Lets the fetcher reach the private address the ``home`` host resolves to
    # (tests and intranet mirrors); every other private address stays refused.
    allow_private: bool = False
    local_files: list[LocalFile] = field(default_factory=list)
    user_agent: str | None = None
    # Archive inputs for backfills (see pipeline.backfill): corpus dumps, and
    # WARC files (paths, globs, http(s) URLs, or a CC-NEWS ``warc.paths.gz``).
    dumps: list[DumpInput] = field(default_factory=list)
    warc_inputs: list[str] = field(default_factory=list)
    # Hosts whose archived records belong to this source (subdomains included).
    # WARC inputs default to the ``home`` host; dumps keep every record unless set.
    domains: list[str] = field(default_factory=list)

    def archive_url(self, day: date) -> str | None:
        """The archive page URL for ``day``, if the source has one."""
        return self.archive_pattern.format(date=day) if self.archive_pattern else None

    @property
    def has_archive_inputs(self) -> bool:
        """Backfills of this source read dumps or WARC files."""
        return bool(self.dumps or self.warc_inputs)

    @property
    def discovers_on_web(self) -> bool:
        """The source has feeds, sitemaps or an archive page to discover URLs from."""
        return bool(self.feeds or self.sitemaps or self.archive_pattern)


def load_sources(path: str | Path | None = None) -> dict[str, Source]:
    """Read and validate a sources file; returns sources keyed by id, in file order.

    ``path`` defaults to ``$AKHBAR_SOURCES``, then the project's
    ``seeds/sources.yaml``. Local file paths are resolved against the folder of
    the YAML file, so a sources file and its offline pages travel together.
    """
    if path is None:
        path = os.environ.get(SOURCES_ENV) or DEFAULT_SOURCES
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SourceConfigError(f"{path}: cannot read sources file: {exc}") from exc
    except yaml.YAMLError as exc:
        raise SourceConfigError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("sources"), list):
        raise SourceConfigError(f"{path}: expected a mapping with a 'sources' list")
    sources: dict[str, Source] = {}
    for index, entry in enumerate(document["sources"]):
        source = _parse_source(entry, f"sources[{index}]", path.parent.resolve())
        if source.id in sources:
            raise SourceConfigError(f"sources[{index}].id: duplicate id {source.id!r}")
        sources[source.id] = source
    return sources


_KNOWN_KEYS = {f for f in Source.__dataclass_fields__}


def _parse_source(entry: Any, where: str, base: Path) -> Source:
    if not isinstance(entry, dict):
        raise SourceConfigError(f"{where}: expected a mapping")
    unknown = sorted(set(entry) - _KNOWN_KEYS)
    if unknown:
        raise SourceConfigError(f"{where}.{unknown[0]}: unknown field")
    source_id = _require_str(entry, "id", where)
    if not _ID.fullmatch(source_id):
        raise SourceConfigError(f"{where}.id: {source_id!r} must match [a-z0-9][a-z0-9_-]*")
    archive = _optional_str(entry, "archive_pattern", where)
    if archive is not None:
        _check_archive_pattern(archive, f"{where}.archive_pattern")
    rate = entry.get("rate_per_second", 1.0)
    if isinstance(rate, bool) or not isinstance(rate, int | float) or rate <= 0:
        raise SourceConfigError(f"{where}.rate_per_second: must be a positive number")
    concurrency = _positive_int(entry, "concurrency", 2, where)
    fetch_tasks = _positive_int(entry, "fetch_tasks", 1, where)
    allow_private = entry.get("allow_private", False)
    if not isinstance(allow_private, bool):
        raise SourceConfigError(f"{where}.allow_private: must be true or false")
    local_files = _local_files(entry.get("local_files", []), f"{where}.local_files", base)
    if local_files and (entry.get("feeds") or entry.get("sitemaps") or archive):
        raise SourceConfigError(
            f"{where}.local_files: an offline source cannot also have feeds, sitemaps or an archive"
        )
    dumps = _dumps(entry.get("dumps", []), f"{where}.dumps", base)
    warc_inputs = _warc_inputs(entry.get("warc_inputs", []), f"{where}.warc_inputs", base)
    if local_files and (dumps or warc_inputs):
        raise SourceConfigError(
            f"{where}.local_files: an offline source cannot also have dumps or warc_inputs"
        )
    return Source(
        id=source_id,
        name=_require_str(entry, "name", where),
        home=_url(entry.get("home"), f"{where}.home"),
        language=_optional_str(entry, "language", where) or "ar",
        country=_optional_str(entry, "country", where),
        feeds=_url_list(entry, "feeds", where),
        sitemaps=_url_list(entry, "sitemaps", where),
        archive_pattern=archive,
        rate_per_second=float(rate),
        concurrency=concurrency,
        fetch_tasks=fetch_tasks,
        allow=_regex(entry, "allow", where),
        deny=_regex(entry, "deny", where),
        allow_private=allow_private,
        local_files=local_files,
        user_agent=_optional_str(entry, "user_agent", where),
        dumps=dumps,
        warc_inputs=warc_inputs,
        domains=_domains(entry.get("domains", []), f"{where}.domains"),
    )


def _require_str(entry: dict, key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise SourceConfigError(f"{where}.{key}: required non-empty string")
    return value.strip()


def _optional_str(entry: dict, key: str, where: str) -> str | None:
    value = entry.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise SourceConfigError(f"{where}.{key}: must be a non-empty string")
    return value.strip()


def _url(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise SourceConfigError(f"{where}: not an http(s) URL")
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SourceConfigError(f"{where}: not an http(s) URL")
    return value.strip()


def _url_list(entry: dict, key: str, where: str) -> list[str]:
    values = entry.get(key) or []
    if not isinstance(values, list):
        raise SourceConfigError(f"{where}.{key}: expected a list of URLs")
    return [_url(value, f"{where}.{key}[{i}]") for i, value in enumerate(values)]


def _regex(entry: dict, key: str, where: str) -> str | None:
    pattern = _optional_str(entry, key, where)
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise SourceConfigError(f"{where}.{key}: invalid regular expression: {exc}") from exc
    return pattern


def _positive_int(entry: dict, name: str, default: int, where: str) -> int:
    value = entry.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SourceConfigError(f"{where}.{name}: must be a positive integer")
    return value


def _check_archive_pattern(pattern: str, where: str) -> None:
    if not _DATE_FIELD.search(pattern):
        raise SourceConfigError(f"{where}: must contain a {{date:...}} field")
    try:
        example = pattern.format(date=date(2020, 1, 31))
    except (KeyError, IndexError, ValueError) as exc:
        raise SourceConfigError(f"{where}: cannot be formatted with a date: {exc}") from exc
    _url(example, where)


def _local_files(values: Any, where: str, base: Path) -> list[LocalFile]:
    if not isinstance(values, list):
        raise SourceConfigError(f"{where}: expected a list")
    files = []
    for i, value in enumerate(values):
        item = f"{where}[{i}]"
        if not isinstance(value, dict):
            raise SourceConfigError(f"{item}: expected a mapping with path, url and date")
        raw_path = _require_str(value, "path", item)
        day = value.get("date")
        if isinstance(day, datetime):
            day = day.date()
        if isinstance(day, str):
            try:
                day = date.fromisoformat(day)
            except ValueError:
                day = None
        if not isinstance(day, date):
            raise SourceConfigError(f"{item}.date: expected an ISO date (YYYY-MM-DD)")
        files.append(
            LocalFile(
                path=(base / raw_path).resolve(),
                url=_url(value.get("url"), f"{item}.url"),
                date=day,
            )
        )
    return files


def _is_url(value: str) -> bool:
    return urlsplit(value).scheme in ("http", "https")


def _local_pattern(value: str, base: Path) -> str:
    """An absolute path or glob; relative ones are read from the YAML file's folder."""
    path = Path(value).expanduser()
    return str(path if path.is_absolute() else base / path)


def _dumps(values: Any, where: str, base: Path) -> list[DumpInput]:
    if not isinstance(values, list):
        raise SourceConfigError(f"{where}: expected a list")
    dumps = []
    for i, value in enumerate(values):
        item = f"{where}[{i}]"
        if isinstance(value, str):
            value = {"path": value}
        if not isinstance(value, dict):
            raise SourceConfigError(f"{item}: expected a path or a mapping with path, url_prefix")
        unknown = sorted(set(value) - {"path", "url_prefix"})
        if unknown:
            raise SourceConfigError(f"{item}.{unknown[0]}: unknown field")
        prefix = value.get("url_prefix")
        dumps.append(DumpInput(
            pattern=_local_pattern(_require_str(value, "path", item), base),
            url_prefix=None if prefix is None else _url(prefix, f"{item}.url_prefix"),
        ))
    return dumps


def _warc_inputs(values: Any, where: str, base: Path) -> list[str]:
    if not isinstance(values, list):
        raise SourceConfigError(f"{where}: expected a list of paths, globs or URLs")
    inputs = []
    for i, value in enumerate(values):
        if not isinstance(value, str) or not value.strip():
            raise SourceConfigError(f"{where}[{i}]: expected a path, glob or http(s) URL")
        value = value.strip()
        inputs.append(value if _is_url(value) else _local_pattern(value, base))
    return inputs


_HOST = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")


def _domains(values: Any, where: str) -> list[str]:
    if not isinstance(values, list):
        raise SourceConfigError(f"{where}: expected a list of host names")
    domains = []
    for i, value in enumerate(values):
        host = value.strip().lower().removeprefix("www.") if isinstance(value, str) else ""
        if not _HOST.fullmatch(host):
            raise SourceConfigError(f"{where}[{i}]: not a host name (like example.com)")
        domains.append(host)
    return domains
