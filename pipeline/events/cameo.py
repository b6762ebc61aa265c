"""The CAMEO event-code table: names, Goldstein scores and quad classes.

Read once from ``cameo_codes.tsv`` (regenerated from the CAMEO 1.1b3 reference
by ``benchmarks/make_cameo_codes.py``) so that every coded event carries the
score and class of its code without the package needing the reference files.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class CameoCode:
    code: str
    name: str
    goldstein: float
    quad_class: int

    @property
    def root(self) -> str:
        return self.code[:2]


@cache
def cameo_codes() -> dict[str, CameoCode]:
    """All CAMEO event codes by code string (``"195"``, ``"0311"``, ``"19"``)."""
    text = resources.files("pipeline.events").joinpath("cameo_codes.tsv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines(), delimiter="\t")
    return {
        r["code"]: CameoCode(r["code"], r["name"], float(r["goldstein"]), int(r["quad_class"]))
        for r in rows
    }


def lookup(code: str) -> CameoCode:
    """The table entry for ``code``; a clear error for a code CAMEO does not define."""
    try:
        return cameo_codes()[code]
    except KeyError:
        raise ValueError(f"{code!r} is not a CAMEO event code") from None
