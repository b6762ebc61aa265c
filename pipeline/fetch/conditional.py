"""Conditional GETs for discovery documents (feeds, sitemaps, archive pages).

Feeds and sitemaps are re-read every run; when the server supports ETag or
Last-Modified, an unchanged document costs a 304 instead of a full download,
and its last body is replayed from ``state_dir``. Article pages are not
cached this way: each is fetched once, for one date, and kept in WARC.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path


class ConditionalCache:
    """Validators and last body per discovery URL, as files under one folder."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]
        return self.folder / f"{key}.json", self.folder / f"{key}.body"

    def validators(self, url: str) -> dict[str, str]:
        """Request headers that make the next GET of ``url`` conditional."""
        meta_path, body_path = self._paths(url)
        if not (meta_path.is_file() and body_path.is_file()):
            return {}
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        headers = {}
        if meta.get("etag"):
            headers["If-None-Match"] = meta["etag"]
        if meta.get("last_modified"):
            headers["If-Modified-Since"] = meta["last_modified"]
        return headers

    def body(self, url: str) -> bytes | None:
        _, body_path = self._paths(url)
        try:
            return body_path.read_bytes()
        except OSError:
            return None

    def store(self, url: str, etag: str | None, last_modified: str | None, body: bytes) -> None:
        """Remember a 200 response, only if the server gave a validator to reuse it with."""
        if not (etag or last_modified):
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        meta_path, body_path = self._paths(url)
        meta = {"url": url, "etag": etag, "last_modified": last_modified}
        _atomic_write(body_path, body)
        _atomic_write(meta_path, json.dumps(meta).encode("utf-8"))


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)
