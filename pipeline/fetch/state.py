"""Which URLs a source has already ingested, as files that survive re-runs.

One file per (source, date): ``<state_dir>/<source>/ingested/<YYYY-MM-DD>.txt``,
one canonical URL per line. A run for date D skips URLs listed for *other*
dates and rewrites D's file, so re-running D reproduces D (its own earlier
claims do not hide its articles) while an article that stays in a feed for a
week is ingested only on the first day it was seen.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path


class SeenState:
    """Per-source record of ingested canonical URLs, partitioned by date."""

    def __init__(self, state_dir: str | Path, source_id: str) -> None:
        self.folder = Path(state_dir) / source_id / "ingested"

    def seen_on_other_dates(self, day: date) -> set[str]:
        seen: set[str] = set()
        if not self.folder.is_dir():
            return seen
        own = f"{day.isoformat()}.txt"
        for path in sorted(self.folder.glob("*.txt")):
            if path.name != own:
                seen.update(line for line in path.read_text("utf-8").splitlines() if line)
        return seen

    def record(self, day: date, urls: Iterable[str]) -> None:
        """Replace the list for ``day`` (atomically: a crash keeps the old list)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{day.isoformat()}.txt"
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        tmp.write_text("".join(f"{url}\n" for url in sorted(set(urls))), encoding="utf-8")
        os.replace(tmp, path)
