"""Build src/helpers/reference/councils.csv from the real ONS / mySociety lookups in shared/realdata.

The 153 English councils with adult social care responsibility are the upper-tier
authorities of ONS's LTLA→UTLA lookup (Dec 2022), brought up to April 2023 (Cumbria split into
Cumberland and Westmorland and Furness; North Yorkshire and Somerset became unitaries).
Region names come from mySociety's register, corrected where it disagrees with ONS.

Usage: python scripts/build_council_reference.py ../shared/realdata/ons_la_codes > src/helpers/reference/councils.csv
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

REGIONS = {
    "North East": ("E12000001", "North East"),
    "North West": ("E12000002", "North West"),
    "Yorkshire and The Humber": ("E12000003", "Yorkshire and The Humber"),
    "East Midlands": ("E12000004", "East Midlands"),
    "West Midlands": ("E12000005", "West Midlands"),
    "East of England": ("E12000006", "East of England"),
    "London": ("E12000007", "London"),
    "South East": ("E12000008", "South East"),
    "South West": ("E12000009", "South West"),
}
# April 2023 reorganisations: old UTLA22 code -> current codes.
REORGANISED = {"E10000006": ["E06000063", "E06000064"], "E10000023": ["E06000065"], "E10000027": ["E06000066"]}
# mySociety's register places these in the wrong ONS region.
REGION_FIXES = {"E10000007": "East Midlands", "E10000019": "East Midlands"}


def build(folder: Path) -> list[dict[str, str]]:
    """Return one row per council with adult social care responsibility."""
    lookup = folder / "Lower_Tier_Local_Authority_to_Upper_Tier_Local_Authority_(December_2022)_Lookup_in_England_and_Wales.csv"
    with lookup.open(encoding="utf-8-sig") as f:
        utla = sorted({r["UTLA22CD"] for r in csv.DictReader(f) if r["UTLA22CD"].startswith("E")})
    codes = sorted(c for old in utla for c in REORGANISED.get(old, [old]))
    with (folder / "mysociety_uk_local_authorities.csv").open(encoding="utf-8") as f:
        register = {r["gss-code"]: r for r in csv.DictReader(f)}
    rows = []
    for code in codes:
        r = register[code]
        region_code, region_name = REGIONS[REGION_FIXES.get(code, r["region"])]
        aliases = {a.strip() for a in r["alt-names"].split(",") if a.strip()} | {r["official-name"]}
        aliases.discard(r["nice-name"])
        rows.append({
            "code": code, "name": r["nice-name"], "region_code": region_code, "region_name": region_name,
            "type": code[:3], "population_2020": str(int(float(r["pop-2020"] or 0))),
            "aliases": "|".join(sorted(aliases)),
        })
    return rows


def main() -> None:
    rows = build(Path(sys.argv[1]))
    w = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)


if __name__ == "__main__":
    main()
