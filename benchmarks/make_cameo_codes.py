"""Regenerate ``pipeline/events/cameo_codes.tsv`` from the CAMEO reference table.

The package never reads the shared reference data at run time; this script
copies the facts it needs (code, name, Goldstein score, quad class) once.
Six codes added in the CAMEO 1.1b3 manual have no GDELT Goldstein value; they
inherit the score of their nearest listed ancestor so that every code carries one.

Usage: .venv/bin/python benchmarks/make_cameo_codes.py [cameo_eventcodes_goldstein_merged.tsv]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = (
    ROOT.parent / "shared/data/events/reference/cameo_eventcodes_goldstein_merged.tsv"
)
TARGET = ROOT / "pipeline/events/cameo_codes.tsv"


def main(source: Path = DEFAULT_SOURCE) -> None:
    with source.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    goldstein = {r["CAMEO_CODE"]: r["GOLDSTEIN_GDELT"] for r in rows}
    with TARGET.open("w", encoding="utf-8", newline="") as out:
        out.write("code\tname\tgoldstein\tquad_class\n")
        for row in rows:
            code = row["CAMEO_CODE"]
            parent = code
            while not goldstein.get(parent):
                parent = parent[:-1]
            score = goldstein[parent]
            name = row["DESC_CAMEO_MANUAL_1.1b3"] or row["DESC_GDELT_LOOKUP"]
            out.write(f"{code}\t{name.strip()}\t{float(score):.1f}\t{row['QUADCLASS']}\n")
    print(f"wrote {len(rows)} codes to {TARGET}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE)
