"""Per-source boilerplate lines, learned from the source's own articles.

A line that recurs across many different articles of one source is not news:
it is a footer ("** جميع المقالات المنشورة تمثل رأي كتابها فقط."), an app
promotion, or a fixed credit ("عين اليوم – متابعات"). No hand-written list can
keep up with every site, so the pipeline counts lines per source and stores
the frequent ones in a small JSON file that a person can read and edit.

Lines are compared on :func:`pipeline.normalize.matching_key`, so a footer
typed with a different alef or an extra bidi mark still matches.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import fsspec

from pipeline.normalize import line_keys, matching_key

FORMAT_VERSION = 1

# Longer lines are paragraphs: when they repeat, it is the same story published
# twice (dedup's job), not a site template.
MAX_LINE_WORDS = 40


@dataclass(frozen=True)
class LearnedLine:
    """One recurring line: how it was first seen, and in how many articles."""

    text: str
    count: int


@dataclass(frozen=True)
class BoilerplateModel:
    """Recurring lines per source; ask it whether a body line is boilerplate.

    Read-only once built (by :meth:`BoilerplateLearner.model` or :meth:`load`).
    """

    lines: dict[str, dict[str, LearnedLine]] = field(default_factory=dict)
    documents: dict[str, int] = field(default_factory=dict)
    # Per source, an upper bound on the raw length of a line that can match:
    # most body lines are paragraphs far longer than any footer, and a length
    # test is much cheaper than a matching key.
    _max_chars: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        bounds = {
            source: 3 * max(len(key) for key in learned) + 20
            for source, learned in self.lines.items()
            if learned
        }
        object.__setattr__(self, "_max_chars", bounds)

    def is_boilerplate(self, source_id: str, line: str) -> bool:
        """True when ``line`` is one of the recurring lines learned for the source."""
        if len(line) > self._max_chars.get(source_id, -1):
            return False
        return matching_key(line) in self.lines[source_id]

    def save(self, path: str | Path) -> None:
        """Write the model as readable JSON (sorted by frequency, most common first)."""
        payload = {
            "format_version": FORMAT_VERSION,
            "sources": {
                source: {
                    "documents": self.documents.get(source, 0),
                    "lines": [
                        {"key": key, "text": line.text, "count": line.count}
                        for key, line in sorted(learned.items(), key=lambda kv: -kv[1].count)
                    ],
                }
                for source, learned in sorted(self.lines.items())
            },
        }
        with fsspec.open(str(path), "w", encoding="utf-8", auto_mkdir=True) as fh:
            json.dump(payload, fh, ensure_ascii=False, indent=1)

    @staticmethod
    def path_for(state_dir: str, source_id: str) -> str:
        """Where a source's model lives under the run state (local path or URL)."""
        return f"{state_dir.rstrip('/')}/boilerplate/{source_id}.json"

    def learned_keys(self, source_id: str) -> frozenset[str]:
        """The matching keys learned for one source (to tell whether a model grew)."""
        return frozenset(self.lines.get(source_id, {}))

    @classmethod
    def load(cls, path: str | Path) -> BoilerplateModel:
        """Read a model written by :meth:`save`; keys are recomputed from ``text``
        so that a line a person added by hand (text only) works too."""
        with fsspec.open(str(path), "r", encoding="utf-8") as fh:
            payload = json.load(fh)
        version = payload.get("format_version")
        if version != FORMAT_VERSION:
            raise ValueError(f"{path}: unsupported boilerplate format {version}")
        sources = payload["sources"]
        return cls(
            lines={
                source: {
                    matching_key(item["text"]): LearnedLine(item["text"], int(item.get("count", 0)))
                    for item in entry["lines"]
                    if matching_key(item["text"])
                }
                for source, entry in sources.items()
            },
            documents={source: int(entry.get("documents", 0)) for source, entry in sources.items()},
        )


def line_id(key: str) -> int:
    """A line's identity within a run: the hash of its matching key."""
    return hash(key)


class BoilerplateLearner:
    """Counts, per source, in how many distinct articles each line appears.

    Identical bodies (the same article fetched twice) are counted once, so a
    repeated story does not turn its own paragraphs into "boilerplate".

    ``previous`` resumes from a stored model: its lines stay learned (they no
    longer appear in bodies cleaned with it, so they could not be re-counted)
    and its article counts carry over. A stale line costs nothing; a person
    can delete it from the JSON file.
    """

    def __init__(self, previous: BoilerplateModel | None = None) -> None:
        # Lines are counted under line_id(key), and their text is kept only from
        # their second sighting on: most lines of a night are seen once, and
        # this keeps a large partition's learner small.
        self._counts: dict[str, Counter[int]] = {}
        self._lines: dict[str, dict[int, tuple[str, str]]] = {}
        self._seen: dict[str, set[bytes]] = {}
        self._previous = previous or BoilerplateModel()
        for source, learned in self._previous.lines.items():
            self._counts[source] = Counter({line_id(key): line.count
                                            for key, line in learned.items()})
            self._lines[source] = {line_id(key): (key, line.text)
                                   for key, line in learned.items()}

    @property
    def sources(self) -> list[str]:
        """The sources whose articles were counted by this learner."""
        return list(self._seen)

    def add(self, source_id: str, body: str) -> frozenset[int]:
        """Count the lines of one article body of ``source_id`` (see :meth:`add_lines`)."""
        return self.add_lines(source_id, line_keys(body))

    def add_lines(self, source_id: str, lines: list[tuple[str, str]]) -> frozenset[int]:
        """Count an article's lines, given as :func:`~pipeline.normalize.line_keys`;
        returns the :func:`line_id` of each line that could be boilerplate, so the
        caller can tell later, without reading the body again, whether a line
        learned at the end of the night is in this article."""
        keyed = dict(lines)
        candidates = {line_id(key): (key, text) for key, text in keyed.items()
                      if len(key.split()) <= MAX_LINE_WORDS}
        digest = hashlib.blake2b("\n".join(sorted(keyed)).encode(), digest_size=16).digest()
        seen = self._seen.setdefault(source_id, set())
        if keyed and digest not in seen:
            seen.add(digest)
            counts = self._counts.setdefault(source_id, Counter())
            texts = self._lines.setdefault(source_id, {})
            for line, key_text in candidates.items():
                counts[line] += 1
                if counts[line] > 1:
                    texts.setdefault(line, key_text)
        return frozenset(candidates)

    def model(self, min_count: int = 5, min_share: float = 0.005) -> BoilerplateModel:
        """Lines seen in at least ``min_count`` articles and ``min_share`` of
        the source's distinct articles (plus the lines of ``previous``).

        Both bounds matter: the count keeps a small nightly batch from flagging
        a line seen twice; the share keeps a large archive from flagging a
        common formula ("وقال المتحدث") that happens to fill a whole line. A
        line seen in a single article is never learned.
        """
        lines, documents = {}, {}
        for source, counts in self._counts.items():
            documents[source] = self._previous.documents.get(source, 0) + len(
                self._seen.get(source, ())
            )
            threshold = max(min_count, min_share * documents[source])
            kept = {line_id(key) for key in self._previous.lines.get(source, {})}
            texts = self._lines.get(source, {})
            lines[source] = {
                texts[digest][0]: LearnedLine(texts[digest][1], count)
                for digest, count in counts.items()
                if digest in texts and (count >= threshold or digest in kept)
            }
        return BoilerplateModel(lines, documents)
