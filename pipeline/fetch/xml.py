"""Parse XML from the outside safely: feeds and sitemaps are attacker-controlled.

defusedxml refuses entity declarations (billion laughs, quadratic blow-up) and
external entities/DTDs (local file disclosure, SSRF). Gzip is inflated with a
hard output bound, so a 10 KB "sitemap.xml.gz" cannot become 10 GB in memory.
"""

from __future__ import annotations

import zlib
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

GZIP_MAGIC = b"\x1f\x8b"


class UnsafeContentError(ValueError):
    """The document is malformed, hostile, or too large once inflated."""


def inflate_bounded(data: bytes, limit: int, wbits: int = 16 + zlib.MAX_WBITS) -> bytes:
    """Inflate gzip (or, with other ``wbits``, zlib/deflate) data up to ``limit`` bytes."""
    inflater = zlib.decompressobj(wbits)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise UnsafeContentError(f"corrupt gzip: {exc}") from exc
    if len(out) > limit or inflater.unconsumed_tail:
        raise UnsafeContentError(f"gzip inflates beyond {limit} bytes")
    return out


def parse_xml(data: bytes, inflate_limit: int) -> Element:
    """Parse a feed or sitemap (gzip-compressed or not) without trusting it."""
    if data.startswith(GZIP_MAGIC):
        data = inflate_bounded(data, inflate_limit)
    try:
        return SafeET.fromstring(data)
    except DefusedXmlException as exc:
        raise UnsafeContentError(f"forbidden XML construct: {type(exc).__name__}") from exc
    except ParseError as exc:
        raise UnsafeContentError(f"malformed XML: {exc}") from exc


def local_name(element: Element) -> str:
    """Tag without its namespace: RSS, Atom and sitemap dialects vary in namespaces."""
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
