"""A throwaway HTTP server for one test: a table of paths to canned responses.

Each route is a list of responses served in turn (the last one repeats), so a
test can script "500, then 200" or "200 with an ETag, then 304".
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering


@dataclass
class TinySite:
    base_url: str
    # (path, request headers, monotonic arrival time) for every request, in order.
    requests: list[tuple[str, dict[str, str], float]] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0

    def url(self, path: str) -> str:
        return self.base_url + path

    def paths(self) -> list[str]:
        return [path for path, _, _ in self.requests]

    def times(self, prefix: str) -> list[float]:
        return [at for path, _, at in self.requests if path.startswith(prefix)]


@contextmanager
def serve(routes: dict[str, list[Reply]]) -> Iterator[TinySite]:
    """Serve ``routes`` on 127.0.0.1; unknown paths get a 404."""
    served: dict[str, int] = {}
    lock = threading.Lock()
    site = TinySite(base_url="")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out as separate writes: without this, Nagle plus
        # delayed ACKs stall every keep-alive response by 40 ms.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: requests are recorded in ``TinySite.requests``."""

        def do_GET(self) -> None:
            with lock:
                site.requests.append((self.path, dict(self.headers.items()), time.monotonic()))
                replies = routes.get(self.path) or [Reply(404, b"not found")]
                index = served.get(self.path, 0)
                served[self.path] = index + 1
                site.in_flight += 1
                site.max_in_flight = max(site.max_in_flight, site.in_flight)
            reply = replies[min(index, len(replies) - 1)]
            time.sleep(reply.delay)
            with lock:
                site.in_flight -= 1
            self.send_response(reply.status)
            for key, value in reply.headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    site.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
