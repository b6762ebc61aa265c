"""robots.txt, fetched once per host per run and obeyed (RFC 9309 semantics).

A missing robots.txt (4xx) allows everything; a server error or an unreachable
robots.txt disallows everything for the run, because we cannot tell what the
site wants. The robots response itself is recorded like any other exchange.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from protego import Protego

if TYPE_CHECKING:
    from pipeline.fetch.http import FetchResult

_MAX_ROBOTS_BYTES = 512 * 1024  # RFC 9309 asks parsers to read at least 500 KiB


class RobotsCache:
    """Answers "may I fetch this URL?" with one robots.txt fetch per host."""

    def __init__(self, fetch: Callable[[str], FetchResult]) -> None:
        self._fetch = fetch
        self._lock = threading.Lock()
        self._host_locks: dict[str, threading.Lock] = {}
        self._rules: dict[str, Protego | None] = {}

    def allowed(self, url: str, user_agent: str) -> bool:
        rules = self.rules_for(url)
        return rules is not None and rules.can_fetch(url, user_agent)

    def crawl_delay(self, url: str, user_agent: str) -> float | None:
        rules = self.rules_for(url)
        delay = rules.crawl_delay(user_agent) if rules is not None else None
        return float(delay) if delay is not None else None

    def rules_for(self, url: str) -> Protego | None:
        """Parsed rules for the URL's host; ``None`` means "disallow everything"."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc.lower()}"
        with self._lock:
            host_lock = self._host_locks.setdefault(origin, threading.Lock())
        with host_lock:
            if origin not in self._rules:
                self._rules[origin] = self._load(origin + "/robots.txt")
            return self._rules[origin]

    def _load(self, robots_url: str) -> Protego | None:
        result = self._fetch(robots_url)
        final = result.final
        if final is None:
            return None
        if 300 <= final.status < 500:
            return Protego.parse("")  # missing (or redirected too often): no rules
        if final.status != 200:
            return None
        try:
            body = final.content(_MAX_ROBOTS_BYTES)
        except ValueError:
            return None
        text = body[:_MAX_ROBOTS_BYTES].decode("utf-8", errors="replace")
        return Protego.parse(text)
