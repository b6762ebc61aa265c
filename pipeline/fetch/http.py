"""A polite HTTP client: one per source and run.

Politeness is per host: at most ``concurrency`` requests in flight and at most
``rate_per_second`` request starts (slower if robots.txt asks for a
Crawl-delay, paused when the server sends ``Retry-After``). Redirects are
followed by hand so that every hop is vetted (scheme, robots, address) and
recorded. Bodies are streamed with a byte and a time budget, so a 50 MB page or
a server that drips one byte a second costs a bounded amount.

Every HTTP exchange, including redirects and failed attempts, is handed to an
``on_exchange`` callback (the WARC writer); a fetch never raises, it returns a
:class:`FetchResult` whose ``error`` says what went wrong.
"""

from __future__ import annotations

import email.utils
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from pipeline.fetch.robots import RobotsCache
from pipeline.fetch.safety import (
    GuardedBackend,
    GuardedTransport,
    UnsafeURLError,
    check_scheme,
    home_endpoints,
)
from pipeline.fetch.settings import FetchSettings
from pipeline.fetch.xml import inflate_bounded
from pipeline.sources import Source

_RETRY_STATUS = {429, 500, 502, 503, 504}
_REDIRECT_STATUS = {301, 302, 303, 307, 308}
# Hop-by-hop framing that no longer describes the stored (de-chunked) body.
_FRAMING_HEADERS = {"transfer-encoding", "connection", "keep-alive"}


@dataclass
class Exchange:
    """One HTTP request and the response it got (raw body, still content-encoded)."""

    url: str
    request_headers: list[tuple[str, str]]
    status: int
    reason: str
    http_version: str
    headers: list[tuple[str, str]]
    body: bytes
    fetched_at: datetime
    role: str

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((value for key, value in self.headers if key.lower() == name), None)

    def content(self, limit: int) -> bytes:
        """The body with its Content-Encoding undone, inflated to at most ``limit`` bytes."""
        encoding = (self.header("content-encoding") or "").strip().lower()
        if encoding in ("gzip", "x-gzip"):
            return inflate_bounded(self.body, limit)
        if encoding == "deflate":
            return inflate_bounded(self.body, limit, wbits=zlib.MAX_WBITS | 32)
        return self.body


@dataclass
class FetchError:
    reason: str
    detail: str = ""


@dataclass
class FetchResult:
    """Outcome of fetching one URL: the final exchange, or why there is none."""

    url: str
    final: Exchange | None = None
    error: FetchError | None = None
    # URLs that redirected, in order, before ``final``.
    history: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None and self.final is not None


class _Refused(Exception):
    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}")
        self.error = FetchError(reason, detail)


class HostGate:
    """Per-host concurrency slots and a minimum spacing between request starts."""

    def __init__(self, concurrency: int, interval: float) -> None:
        self._concurrency = concurrency
        self._interval = interval
        self._lock = threading.Lock()
        self._slots: dict[str, threading.Semaphore] = {}
        self._next_start: dict[str, float] = {}
        self._intervals: dict[str, float] = {}

    def set_interval(self, host: str, seconds: float) -> None:
        with self._lock:
            self._intervals[host] = max(self._interval, seconds)

    def pause(self, host: str, seconds: float) -> None:
        """Nobody starts a request to ``host`` for ``seconds`` (Retry-After)."""
        with self._lock:
            self._next_start[host] = max(
                self._next_start.get(host, 0.0), time.monotonic() + seconds
            )

    def acquire(self, host: str) -> threading.Semaphore:
        with self._lock:
            slot = self._slots.setdefault(host, threading.Semaphore(self._concurrency))
        slot.acquire()
        with self._lock:
            start = max(time.monotonic(), self._next_start.get(host, 0.0))
            self._next_start[host] = start + self._intervals.get(host, self._interval)
        delay = start - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        return slot


class PoliteClient:
    """Fetches URLs for one source under its politeness rules."""

    def __init__(
        self,
        source: Source,
        settings: FetchSettings,
        on_exchange: Callable[[Exchange], None],
    ) -> None:
        self.settings = settings
        self.on_exchange = on_exchange
        allowed: frozenset[tuple[str, int]] = frozenset()
        if source.allow_private:
            try:
                allowed = home_endpoints(source.home)
            except OSError:
                allowed = frozenset()  # home does not resolve: nothing private is allowed
        limits = httpx.Limits(
            max_connections=max(4, source.concurrency * 2),
            max_keepalive_connections=max(4, source.concurrency * 2),
        )
        self._backend = GuardedBackend(allowed)
        self._vetted: set[tuple[str, int]] = set()
        self._client = httpx.Client(
            transport=GuardedTransport(self._backend, limits),
            timeout=httpx.Timeout(settings.timeout),
            follow_redirects=False,
            trust_env=False,
            headers={
                "User-Agent": source.user_agent or settings.user_agent,
                "Accept-Encoding": "gzip, deflate",
            },
        )
        self.gate = HostGate(source.concurrency, 1.0 / source.rate_per_second)
        self.robots = RobotsCache(self._fetch_robots)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fetch(
        self, url: str, role: str, *, extra_headers: dict[str, str] | None = None
    ) -> FetchResult:
        """GET ``url`` following redirects; never raises for network or HTTP problems."""
        result = FetchResult(url=url)
        current = url
        try:
            for _ in range(self.settings.max_redirects + 1):
                self._vet(current)
                self._obey_robots(current)
                exchange = self._get_with_retries(current, role, extra_headers)
                if exchange.status in _REDIRECT_STATUS and exchange.header("location"):
                    result.history.append(current)
                    current = urljoin(current, exchange.header("location") or "")
                    if current in result.history:
                        raise _Refused("redirect_loop", " -> ".join([*result.history, current]))
                    continue
                result.final = exchange
                if exchange.status not in (200, 304):
                    raise _Refused("http_status", f"{exchange.status} {exchange.reason}")
                return result
            raise _Refused("too_many_redirects", f"more than {self.settings.max_redirects}")
        except _Refused as refused:
            result.error = refused.error
        except UnsafeURLError as exc:
            result.error = FetchError("unsafe_address", str(exc))
        except (httpx.InvalidURL, ValueError) as exc:
            result.error = FetchError("bad_url", f"{current[:200]}: {exc}")
        return result

    def _vet(self, url: str) -> None:
        """Scheme and address checks before anything is sent, robots.txt included.

        The connect-time check in :class:`GuardedBackend` stays the authority;
        this one makes the reason "unsafe address", not "robots.txt unreachable".
        """
        check_scheme(url)
        parts = httpx.URL(url)
        endpoint = (parts.host, parts.port or (443 if parts.scheme == "https" else 80))
        if endpoint in self._vetted:
            return
        try:
            self._backend.vet(*endpoint)
        except httpcore.ConnectError as exc:
            raise _Refused("network_error", str(exc)) from exc
        self._vetted.add(endpoint)

    def _obey_robots(self, url: str) -> None:
        if not self.settings.respect_robots:
            return
        agent = self._client.headers["User-Agent"]
        if not self.robots.allowed(url, agent):
            raise _Refused("robots_disallowed", url)
        delay = self.robots.crawl_delay(url, agent)
        if delay:
            self.gate.set_interval(urlsplit(url).netloc.lower(), delay)

    def _get_with_retries(
        self, url: str, role: str, extra_headers: dict[str, str] | None
    ) -> Exchange:
        host = urlsplit(url).netloc.lower()
        attempt = 0
        while True:
            wait = self.settings.backoff_base * (2**attempt)
            try:
                exchange = self._exchange(url, role, host, extra_headers)
            except httpx.TimeoutException as exc:
                error = _Refused("timeout", f"{type(exc).__name__}: {exc}")
            except httpx.TransportError as exc:
                error = _Refused("network_error", f"{type(exc).__name__}: {exc}")
            else:
                if exchange.status not in _RETRY_STATUS:
                    return exchange
                error = _Refused("http_status", f"{exchange.status} {exchange.reason}")
                retry_after = _retry_after(exchange.header("retry-after"))
                if retry_after is not None and exchange.status in (429, 503):
                    if retry_after > self.settings.max_retry_after:
                        raise _Refused("retry_after_too_long", f"Retry-After {retry_after:.0f}s")
                    wait = max(wait, retry_after)
                    self.gate.pause(host, retry_after)
                if attempt >= self.settings.retries:
                    return exchange
            if attempt >= self.settings.retries:
                raise error
            attempt += 1
            time.sleep(wait)

    def _exchange(
        self, url: str, role: str, host: str, extra_headers: dict[str, str] | None
    ) -> Exchange:
        slot = self.gate.acquire(host)
        try:
            return self._stream(url, role, extra_headers)
        finally:
            slot.release()

    def _stream(self, url: str, role: str, extra_headers: dict[str, str] | None) -> Exchange:
        settings = self.settings
        request = self._client.build_request("GET", url, headers=extra_headers)
        fetched_at = datetime.now(UTC)
        started = time.monotonic()
        response = self._client.send(request, stream=True)
        try:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > settings.max_body_bytes:
                raise _Refused("body_too_large", f"Content-Length {declared}")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_raw():
                size += len(chunk)
                if size > settings.max_body_bytes:
                    raise _Refused("body_too_large", f"more than {settings.max_body_bytes} bytes")
                if time.monotonic() - started > settings.max_response_seconds:
                    raise _Refused("timeout", f"body took over {settings.max_response_seconds}s")
                chunks.append(chunk)
        finally:
            response.close()
        exchange = Exchange(
            url=str(request.url),
            request_headers=[(k.decode(), v.decode()) for k, v in request.headers.raw],
            status=response.status_code,
            reason=response.reason_phrase,
            http_version=response.http_version,
            headers=[
                (k.decode("latin-1"), v.decode("latin-1"))
                for k, v in response.headers.raw
                if k.decode("latin-1").lower() not in _FRAMING_HEADERS
            ],
            body=b"".join(chunks),
            fetched_at=fetched_at,
            role=role,
        )
        self.on_exchange(exchange)
        return exchange

    def _fetch_robots(self, robots_url: str) -> FetchResult:
        """Fetch robots.txt, following up to ``max_redirects`` redirects (RFC 9309)."""
        result = FetchResult(url=robots_url)
        current = robots_url
        try:
            for _ in range(self.settings.max_redirects + 1):
                check_scheme(current)
                result.final = self._get_with_retries(current, "robots", None)
                location = result.final.header("location")
                if result.final.status not in _REDIRECT_STATUS or not location:
                    break
                current = urljoin(current, location)
        except _Refused as refused:
            result.error = refused.error
        except UnsafeURLError as exc:
            result.error = FetchError("unsafe_address", str(exc))
        except (httpx.InvalidURL, ValueError) as exc:
            result.error = FetchError("bad_url", str(exc))
        return result


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
