"""All knobs of the fetcher in one object, so a run's politeness is explicit.

The same code runs on a laptop, in tests and in a deployment: every field can
be set from the environment as ``AKHBAR_FETCH_<FIELD>`` (for example
``AKHBAR_FETCH_USER_AGENT`` or ``AKHBAR_FETCH_TIMEOUT=10``), which is how the
CLI and the DAG pick them up without code changes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields

DEFAULT_USER_AGENT = "akhbar/0.1 (+https://github.com/akhbar; research crawler)"
ENV_PREFIX = "AKHBAR_FETCH_"


@dataclass(frozen=True)
class FetchSettings:
    """How the fetcher behaves; per-source rate and concurrency live in ``Source``."""

    user_agent: str = DEFAULT_USER_AGENT
    # Seconds allowed for connecting and for each read.
    timeout: float = 20.0
    # Seconds a whole response may take: stops servers that drip bytes forever.
    max_response_seconds: float = 60.0
    max_body_bytes: int = 10 * 1024 * 1024
    # Bound on a gzip sitemap once inflated (the sitemap protocol allows 50 MB).
    max_inflated_bytes: int = 50 * 1024 * 1024
    max_redirects: int = 5
    # Extra attempts after the first, for errors worth retrying (5xx, 429, timeouts).
    retries: int = 3
    backoff_base: float = 1.0
    # A server asking to wait longer than this (Retry-After) is given up on for the run.
    max_retry_after: float = 120.0
    respect_robots: bool = True
    # Sitemap indexes nest; stop after this depth and this many child sitemaps.
    max_sitemap_depth: int = 3
    max_sitemaps: int = 200

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> FetchSettings:
        """Defaults overridden by ``AKHBAR_FETCH_*`` variables; a bad value names its variable."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for spec in fields(cls):
            name = ENV_PREFIX + spec.name.upper()
            raw = environ.get(name)
            if raw is None:
                continue
            kind = type(getattr(cls, spec.name))
            try:
                values[spec.name] = _parse(raw, kind)
            except ValueError as exc:
                raise ValueError(f"{name}={raw!r}: expected {kind.__name__}") from exc
        return cls(**values)


def _parse(raw: str, kind: type) -> object:
    if kind is bool:
        lowered = raw.strip().lower()
        if lowered not in ("1", "0", "true", "false", "yes", "no"):
            raise ValueError(raw)
        return lowered in ("1", "true", "yes")
    value = kind(raw.strip()) if kind is not str else raw
    if kind in (int, float) and value < 0:
        raise ValueError(raw)
    return value
