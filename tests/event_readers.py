"""What the event-coder tests read from ``code_article``: the events a text
reports as having happened, all of them or of one CAMEO family.

Each test file fixes its own publication date (dates in its sentences resolve
against it), so the readers are made per file: ``coded, violent, protests =
readers(PUBLISHED)``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from pipeline.events import code_article
from pipeline.records import Event

VIOLENT = frozenset({"18", "19", "20"})  # CAMEO roots of assault, fight, mass violence
PROTEST = "14"

Reader = Callable[[str], list[Event]]


def readers(published: date) -> tuple[Reader, Reader, Reader]:
    """(coded, violent, protests): the non-negated events of a text, those of
    the violent roots, and the protests."""

    def coded(text: str) -> list[Event]:
        return [e for e in code_article(text, published=published) if not e.negated]

    def violent(text: str) -> list[Event]:
        return [e for e in coded(text) if e.root_code in VIOLENT]

    def protests(text: str) -> list[Event]:
        return [e for e in coded(text) if e.root_code == PROTEST]

    return coded, violent, protests


def pairs(events: list[Event]) -> set[tuple[str | None, str | None]]:
    """(source code, target code) of each event: who did it to whom."""
    return {(e.source.code, e.target.code) for e in events}


def sources(events: list[Event]) -> set[str | None]:
    """The source codes of the events: who did it."""
    return {e.source.code for e in events}


def targets(events: list[Event]) -> set[str | None]:
    """The target codes of the events: to whom."""
    return {e.target.code for e in events}
