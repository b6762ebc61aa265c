"""Canonical URLs, so one article is one key however a feed spelled its link."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

# Query parameters that only say where a click came from.
_TRACKING = re.compile(
    r"^(utm_.*|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|mc_cid|mc_eid|igshid|_ga|_gl"
    r"|ocid|cmpid|ito|at_medium|at_campaign|at_custom\d*|spm|__twitter_impression)$",
    re.IGNORECASE,
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Characters left as they are when re-quoting a path or query (RFC 3986 reserved + '%').
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"


def canonicalize_url(url: str) -> str:
    """Scheme and host lower-cased, default port, fragment and tracking parameters
    dropped, remaining query parameters sorted, non-ASCII percent-encoded (UTF-8).

    Raw Arabic and percent-encoded spellings of the same link get the same form.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        host = host.lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    path = _requote(parts.path) or "/"
    query_pairs = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _TRACKING.match(key)
    ]
    query = urlencode(sorted(query_pairs), quote_via=quote)
    return urlunsplit((scheme, netloc, path, query, ""))


def _requote(path: str) -> str:
    """One spelling per path: decode escapes, then encode everything non-ASCII.

    Escapes that are not UTF-8 (old windows-1256 links) are kept as they are
    rather than turned into replacement characters.
    """
    try:
        decoded = unquote(path, errors="strict")
    except UnicodeDecodeError:
        return quote(path, safe=_PATH_SAFE)
    return quote(decoded, safe=_PATH_SAFE.replace("%", ""))
