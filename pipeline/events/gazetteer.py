"""Where an event happened: countries, capitals, cities and border crossings.

The gazetteer (``gazetteer.tsv``) ships with the package; places are matched
with the same clitic-tolerant token matcher as actors (``بدمشق``,
``قرب معبر التنف``), and the most specific place nearest the event word wins.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from functools import cache
from importlib import resources

from pipeline.events.lexicon import (
    Match,
    PhraseIndex,
    Token,
    bare_name,
    compiled_before_tokens,
)
from pipeline.records import Location

# More specific places win over the country that contains them.
_SPECIFICITY = {"crossing": 4, "city": 3, "capital": 3, "region": 2, "country": 1}


@compiled_before_tokens
@cache
def gazetteer() -> PhraseIndex[tuple[Location, int]]:
    """Compile ``gazetteer.tsv`` once per process."""
    text = resources.files("pipeline.events").joinpath("gazetteer.tsv").read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    index: PhraseIndex[tuple[Location, int]] = PhraseIndex()
    for row in csv.DictReader(lines, delimiter="\t"):
        specificity = _SPECIFICITY[row["kind"]]
        for name in row["names"].split("|"):
            place = Location(name, row["country"], float(row["lat"]), float(row["lon"]))
            index.add(name, (place, specificity))
    return index


def find_places(tokens: Sequence[Token]) -> list[Match[tuple[Location, int]]]:
    """Every place word of a sentence, its name or an adjective or inflection
    of it (``الأراضي السورية``, ``الغارات الإسرائيلية``): a sign that the
    sentence reports something that happened somewhere."""
    return gazetteer().find_all(tokens)


def named_places(places: Sequence[Match[tuple[Location, int]]],
                 tokens: Sequence[Token]) -> list[Match[tuple[Location, int]]]:
    """The places among ``places`` written as their own name, where an event
    can be located: a one-word name only bare (``بصور``, not ``بالصور``, "with
    the pictures", nor the adjective ``السورية``)."""
    return [m for m in places if bare_name(tokens[m.start], m.phrase)]


def best_place(
    places: Sequence[Match[tuple[Location, int]]], anchor: int, sentence: str, offset: int,
    tokens: Sequence[Token],
) -> Location:
    """The most specific place, nearest token ``anchor`` on ties; its text as written."""
    if not places:
        return Location()
    best = max(places, key=lambda m: (m.value[1], -abs(m.start - anchor)))
    place = best.value[0]
    text = sentence[tokens[best.start].start - offset : tokens[best.end - 1].end - offset]
    return Location(text, place.country, place.lat, place.lon)
