"""Benchmarks: a council's figure beside its comparator group, its region and England.

Rates for a group of councils are pooled (total numerator ÷ total denominator over the councils
in the data), never an average of the councils' rates; every row says how many councils it pools,
so a benchmark built from partial data (e.g. the demo's 40 councils) shows it.
"""
from __future__ import annotations

from typing import Callable, TypeVar

import pandas as pd

from helpers.load.ons_population import BANDS

from helpers import params
from helpers.councils import council, councils

PARAMS = "comparators"
T = TypeVar("T")


def comparator_group(code: str) -> list[str]:
    """The council's comparators: its list in params/comparators.yml, else the same-type councils nearest in size."""
    raw = params.load(PARAMS)
    return list(_remembered(("group", code), raw, lambda: _comparator_group(code, raw)))


def _comparator_group(code: str, raw: dict) -> list[str]:
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
    raw = params.load(PARAMS)
    return _remembered(("description", code, tuple(comparators)), raw,
                       lambda: _comparator_description(code, comparators, raw))


def _comparator_description(code: str, comparators: list[str], raw: dict) -> str:
    names = ", ".join(_area(c)["name"] for c in comparators)
    if code in (raw.get("groups") or {}):
        return f"The comparator group is the council's chosen group of councils: {names}."
    return (f"The comparator group is the {len(comparators)} councils of the same type nearest in population, as the "
            f"council has not chosen a group: {names}.")


_REMEMBERED: dict[tuple, tuple[dict, pd.DataFrame, object]] = {}


def _remembered(key: tuple, raw: dict, compute: Callable[[], T]) -> T:
    """compute(), once per key while params/comparators.yml (``raw``, params.load's object for the file as it is)
    and the council table are unchanged: every service of every council asks for its group and its words."""
    table = councils()
    held = _REMEMBERED.get(key)
    if held is None or held[0] is not raw or held[1] is not table:
        if len(_REMEMBERED) > 4096:
            _REMEMBERED.clear()
        held = _REMEMBERED[key] = (raw, table, compute())
    return held[2]


def benchmark(per_council: pd.DataFrame, code: str, comparators: list[str], *, scale: float = 1.0) -> pd.DataFrame:
    """Pooled rate (numerator ÷ denominator × scale) for the council, its comparators, its region and England
    (for exploring: the statement pools every council's once, ``national``'s rates tables, tested equal to this).

    ``per_council`` has columns la_code, numerator, denominator (one row per council in the data).
    """
    frame = with_regions(per_council)
    return pd.DataFrame([{"area": name, **pooled(frame[area_mask(frame, kind, key)], scale)}
                         for name, kind, key in benchmark_areas(code, comparators)])


def benchmark_areas(code: str, comparators: list[str]) -> list[tuple[str, str, object]]:
    """The benchmark's rows in order: (label, kind, key) for the council, its comparators, its region, England."""
    me = _area(code)
    return [(me["name"], "council", code), ("Comparator group", "comparators", tuple(comparators)),
            (f"{me['region_name']} region", "region", me["region_code"]), ("England", "England", None)]


def with_regions(per_council: pd.DataFrame) -> pd.DataFrame:
    """per_council with each council's region_code."""
    regions = councils().set_index("code")["region_code"]
    return per_council.assign(region_code=per_council["la_code"].map(regions))


def area_mask(frame: pd.DataFrame, kind: str, key: object) -> pd.Series:
    """The rows of one benchmark area (``benchmark_areas``) in a ``with_regions`` frame."""
    if kind == "council":
        return frame["la_code"] == key
    if kind == "comparators":
        return frame["la_code"].isin(list(key))
    if kind == "region":
        return frame["region_code"] == key
    return frame["la_code"].notna()


def pooled(part: pd.DataFrame, scale: float) -> dict[str, object]:
    """One benchmark row's value (total numerator ÷ total denominator × scale; None without a denominator) and
    the number of councils it pools."""
    den = part["denominator"].sum()
    value = float(part["numerator"].sum() / den * scale) if len(part) and den > 0 else None
    return {"value": value, "councils": int(len(part))}


def missing_comparators(per_council: pd.DataFrame, comparators: list[str]) -> list[str]:
    """Names of comparators with no row in the data (so the MPS can list them)."""
    present = set(per_council["la_code"])
    return [_area(c)["name"] for c in comparators if c not in present]


_AREAS: dict[str, tuple[pd.DataFrame, pd.Series]] = {}


def _area(code: str) -> pd.Series:
    """``council(code)``, looked up once per code while the council table is the same (every service of every
    council's benchmarks name the council, its region and its comparators)."""
    table = councils()
    held = _AREAS.get(code)
    if held is None or held[0] is not table:
        held = _AREAS[code] = (table, council(code))
    return held[1]


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
