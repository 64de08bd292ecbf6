"""Benchmarks: a council's figure beside its comparator group, its region and England.

Rates for a group of councils are pooled (total numerator ÷ total denominator over the councils
in the data), never an average of the councils' rates; every row says how many councils it pools,
so a benchmark built from partial data (e.g. the demo's 40 councils) shows it.
"""
from __future__ import annotations

import pandas as pd

from helpers.load.ons_population import BANDS

from helpers import params
from helpers.councils import council, councils

PARAMS = "comparators"


def comparator_group(code: str) -> list[str]:
    """The council's comparators: its list in params/comparators.yml, else the same-type councils nearest in size."""
    raw = params.load(PARAMS)
    groups = raw.get("groups") or {}
    if code in groups:
        return [council(c)["code"] for c in groups[code]]
    size = params.require(raw, "default_size", "int", name=PARAMS, minimum=1)
    table = councils()
    me = council(code)
    same = table[(table["code"].str[:3] == code[:3]) & (table["code"] != code)].copy()
    # the reference table is read as text: compare populations as numbers
    same["distance"] = (pd.to_numeric(same["population_2020"]) - float(me["population_2020"])).abs()
    return same.sort_values(["distance", "code"])["code"].head(size).tolist()


def comparator_description(code: str, comparators: list[str]) -> str:
    """The comparator group in words for the statement: chosen by the council, or the same-type councils nearest in size."""
    names = ", ".join(council(c)["name"] for c in comparators)
    if code in (params.load(PARAMS).get("groups") or {}):
        return f"The comparator group is the council's chosen group of councils: {names}."
    return (f"The comparator group is the {len(comparators)} councils of the same type nearest in population, as the "
            f"council has not chosen a group: {names}.")


def benchmark(per_council: pd.DataFrame, code: str, comparators: list[str], *, scale: float = 1.0) -> pd.DataFrame:
    """Pooled rate (numerator ÷ denominator × scale) for the council, its comparators, its region and England.

    ``per_council`` has columns la_code, numerator, denominator (one row per council in the data).
    """
    me = council(code)
    regions = councils().set_index("code")["region_code"]
    frame = per_council.assign(region_code=per_council["la_code"].map(regions))
    areas = [(me["name"], frame["la_code"] == code),
             ("Comparator group", frame["la_code"].isin(comparators)),
             (f"{me['region_name']} region", frame["region_code"] == me["region_code"]),
             ("England", frame["la_code"].notna())]
    rows = []
    for area, mask in areas:
        part = frame[mask]
        den = part["denominator"].sum()
        value = float(part["numerator"].sum() / den * scale) if len(part) and den > 0 else None
        rows.append({"area": area, "value": value, "councils": int(len(part))})
    return pd.DataFrame(rows)


def missing_comparators(per_council: pd.DataFrame, comparators: list[str]) -> list[str]:
    """Names of comparators with no row in the data (so the MPS can list them)."""
    present = set(per_council["la_code"])
    return [council(c)["name"] for c in comparators if c not in present]


ADULTS = "18+"


def population_by_council(snpp: pd.DataFrame, year: int, band: str) -> pd.DataFrame:
    """Population of every council in the projections in one year and age band (or 18+ for all adults)."""
    lo, hi = (18, None) if band == ADULTS else BANDS[band]
    rows = snpp[(snpp["sex"] == "persons") & (snpp["year"] == year) & snpp["age"].notna() & (snpp["age"] >= lo)]
    if hi is not None:
        rows = rows[rows["age"] <= hi]
    known = set(councils()["code"])
    out = rows[rows["area_code"].isin(known)].groupby("area_code", as_index=False)["population"].sum()
    return out.rename(columns={"area_code": "la_code"})
