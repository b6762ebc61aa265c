"""Refuse to fetch anything but public http(s) addresses.

Feeds, sitemaps and redirects come from outside; without this guard a hostile
feed could point the crawler at ``file://``, the cloud metadata service
(169.254.169.254) or an internal admin port. The check runs at connect time on
the addresses DNS actually returned, so neither a redirect nor a DNS answer that
changes between check and use (DNS rebinding) can slip through, and a refused
address never receives a single packet.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

import httpcore
import httpx

Endpoint = tuple[str, int]


class UnsafeURLError(Exception):
    """The URL's scheme or resolved address is not allowed for this source."""


def check_scheme(url: str) -> None:
    """Only http(s) URLs with a host name may be fetched."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeURLError(f"not an http(s) URL: {url[:200]}")


def is_public(address: str) -> bool:
    """True for globally routable unicast addresses (not private, loopback, link-local...)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int) -> list[str]:
    """All addresses ``host`` resolves to (IPv4 and IPv6), in resolver order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def home_endpoints(home_url: str) -> frozenset[Endpoint]:
    """The (address, port) pairs of a source's home page: what ``allow_private`` permits."""
    parts = urlsplit(home_url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return frozenset((address, port) for address in resolve(parts.hostname or "", port))


class GuardedBackend(httpcore.SyncBackend):
    """httpcore network backend that vets every resolved address before connecting.

    All addresses of a host must be allowed (a name resolving to one public and
    one private address is refused), then the connection is made to a vetted
    address, never to the name again.
    """

    def __init__(self, allowed_private: Iterable[Endpoint] = ()) -> None:
        self.allowed_private = frozenset(allowed_private)

    def vet(self, host: str, port: int) -> list[str]:
        """The addresses of ``host``, or :class:`UnsafeURLError` if any is not allowed."""
        try:
            addresses = resolve(host, port)
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        for address in addresses:
            if not is_public(address) and (address, port) not in self.allowed_private:
                raise UnsafeURLError(f"{host} resolves to non-public address {address}:{port}")
        return addresses

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = self.vet(host, port)
        last_error: httpcore.ConnectError | None = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                last_error = exc
        raise last_error or httpcore.ConnectError(f"no address for {host}")


class GuardedTransport(httpx.HTTPTransport):
    """httpx transport whose connections all go through :class:`GuardedBackend`.

    Proxies are deliberately unsupported: through a proxy the crawler cannot
    see, let alone vet, the address it finally talks to.
    """

    def __init__(self, backend: GuardedBackend, limits: httpx.Limits) -> None:
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )
