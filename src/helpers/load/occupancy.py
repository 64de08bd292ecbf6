"""Care home occupancy, a local source: the council's per-home occupancy return or its Capacity Tracker export.

One row per care home × date (weekly or monthly) × bed category. Occupancy is occupied beds over
beds, summed over homes (so large homes weigh more); the range is over homes with at least one bed.
"""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from helpers.load.local_schema import CARE_HOME_CATEGORIES, Check, Field, LocalSource, percent_of

ALL_CARE_HOMES = "All care homes"

FIELDS = (
    Field("council", "Council code", "council", description="ONS code of the council the home is in."),
    Field("location_id", "Location ID", "text", pattern=r"1-\d+",
          description="CQC location ID: '1-' then digits, as in the CQC care directory."),
    Field("home_name", "Care home name", "text", description="The home's name as registered with CQC."),
    Field("date", "Date", "date", description="The date the counts describe (e.g. the week ending or month end)."),
    Field("category", "Category", "code", allowed=CARE_HOME_CATEGORIES,
          description="Bed category; a home with several categories has one row for each."),
    Field("beds", "Beds", "int", minimum=0,
          description="Beds in this category that can be used (registered and open)."),
    Field("occupied", "Occupied beds", "int", minimum=0, description="Beds occupied on the date, whoever pays."),
    Field("vacant", "Vacant beds", "int", minimum=0,
          description="Beds free to admit to on the date (closed beds are neither occupied nor vacant)."),
    Field("council_funded", "Council-funded beds", "int", required=False, minimum=0,
          description="Occupied beds paid for (wholly or partly) by the council; blank if not known."),
)

CHECKS = (
    Check("occupied", "occupied beds ({occupied}) are more than beds ({beds})",
          lambda d: d["occupied"] > d["beds"]),
    Check("vacant", "occupied ({occupied}) plus vacant ({vacant}) beds are more than beds ({beds})",
          lambda d: (d["occupied"] <= d["beds"]) & (d["occupied"] + d["vacant"] > d["beds"])),
    Check("council_funded", "council-funded beds ({council_funded}) are more than occupied beds ({occupied})",
          lambda d: d["council_funded"] > d["occupied"]),
    Check("beds", "no beds in this category: the home is left out of the range of occupancy across homes",
          lambda d: d["beds"] == 0),
)

EXAMPLES = [
    {"council": "E08000019", "location_id": "1-000000001", "home_name": "Example House", "date": date(2026, 9, 27),
     "category": "Residential", "beds": 30, "occupied": 27, "vacant": 3, "council_funded": 18},
    {"council": "E08000019", "location_id": "1-000000001", "home_name": "Example House", "date": date(2026, 9, 27),
     "category": "Residential dementia", "beds": 12, "occupied": 12, "vacant": 0, "council_funded": 9},
    {"council": "E08000019", "location_id": "1-000000002", "home_name": "Example Court Nursing Home",
     "date": date(2026, 9, 27), "category": "Nursing", "beds": 40, "occupied": 35, "vacant": 4},
]

SPEC = LocalSource(
    name="occupancy", title="Care home occupancy", sheet="Occupancy", fields=FIELDS,
    key=("location_id", "date", "category"), checks=CHECKS, vintage_field="date", examples=EXAMPLES,
    readme="""Care home beds, occupied and vacant beds, per home, date and bed category: from the Capacity
    Tracker export or the council's own occupancy return. Weekly or monthly dates both work; use the
    same day each time (e.g. every Sunday or the last day of the month).""",
)


def occupancy_by_period(df: pd.DataFrame) -> pd.DataFrame:
    """Occupancy and vacancy % (of beds summed) and the min/max occupancy across homes, per date × category."""
    usual = (len(df) and all(df[c].dtype == "Int64" for c in ("beds", "occupied", "vacant"))
             and df["category"].isin(CARE_HOME_CATEGORIES).all()
             and not df[["council", "date", "location_id"]].isna().any(axis=None))
    return _by_period_arrays(df) if usual else _by_period_frames(df)


def _by_period_frames(df: pd.DataFrame) -> pd.DataFrame:
    """``occupancy_by_period`` in pandas operations: for any frame (a category outside the list, missing keys)."""
    both = pd.concat([df, df.assign(category=ALL_CARE_HOMES)])
    homes = both.groupby(["council", "date", "category", "location_id"], as_index=False)[
        ["beds", "occupied", "vacant"]].sum()
    homes["home_pct"] = percent_of(homes["occupied"], homes["beds"])
    out = homes.groupby(["council", "date", "category"], as_index=False).agg(
        homes=("location_id", "size"), beds=("beds", "sum"), occupied=("occupied", "sum"), vacant=("vacant", "sum"),
        min_home_pct=("home_pct", "min"), max_home_pct=("home_pct", "max"))
    out["occupancy_pct"] = percent_of(out["occupied"], out["beds"])
    out["vacancy_pct"] = percent_of(out["vacant"], out["beds"])
    out["category"] = pd.Categorical(out["category"], [*CARE_HOME_CATEGORIES, ALL_CARE_HOMES], ordered=True)
    out = out.sort_values(["council", "date", "category"]).astype({"category": str})
    return out[COLUMNS].reset_index(drop=True)


COLUMNS = ["council", "date", "category", "homes", "beds", "occupied", "vacant", "occupancy_pct", "vacancy_pct",
           "min_home_pct", "max_home_pct"]


def _by_period_arrays(df: pd.DataFrame) -> pd.DataFrame:
    """``occupancy_by_period`` on NumPy arrays, for the usual frame (as loaded: bed counts Int64, every category
    listed, no key missing).

    The same figures as ``_by_period_frames``: bed counts are whole numbers, so their sums in floats are exact in
    any order; each percentage is ``percent_of``'s arithmetic; the minimum and maximum do not depend on order."""
    levels = [*CARE_HOME_CATEGORIES, ALL_CARE_HOMES]
    width = len(levels)
    period = df.groupby(["council", "date"]).ngroup().to_numpy()  # numbered in (council, date) order
    home = df.groupby(["council", "date", "location_id"]).ngroup().to_numpy()
    code = {c: i for i, c in enumerate(levels)}
    category = np.array([code[c] for c in df["category"].tolist()], dtype="int64")
    # each row counts towards its home × category and its home × all care homes
    cell = np.concatenate([home * width + category, home * width + width - 1])
    n_cells = (home.max() + 1) * width
    present = np.bincount(cell, minlength=n_cells) > 0
    sums = {c: np.bincount(cell, weights=np.tile(np.nan_to_num(df[c].to_numpy(dtype="float64", na_value=np.nan)), 2),
                           minlength=n_cells) for c in ("beds", "occupied", "vacant")}
    with np.errstate(divide="ignore", invalid="ignore"):
        home_pct = np.where(sums["beds"] > 0, sums["occupied"] / sums["beds"] * 100, np.nan)
    period_of_home = np.zeros(home.max() + 1, dtype="int64")
    period_of_home[home] = period
    # the home × category cells present, then their period × category
    cells = np.flatnonzero(present)
    target = period_of_home[cells // width] * width + cells % width
    n_targets = (period.max() + 1) * width
    homes = np.bincount(target, minlength=n_targets)
    totals = {c: np.bincount(target, weights=sums[c][cells], minlength=n_targets) for c in sums}
    pct = home_pct[cells]
    low, high = np.full(n_targets, np.inf), np.full(n_targets, -np.inf)
    np.fmin.at(low, target, pct)
    np.fmax.at(high, target, pct)
    rows = np.flatnonzero(homes > 0)  # (council, date) order, then the categories' order
    first = np.zeros(period.max() + 1, dtype="int64")
    first[period[::-1]] = np.arange(len(period))[::-1]  # each period's first row
    at = first[rows // width]
    beds = totals["beds"][rows]
    out = pd.DataFrame({
        "council": df["council"].iloc[at].to_numpy(), "date": df["date"].iloc[at].to_numpy(),
        "category": pd.Series([levels[i] for i in rows % width]).astype(str).to_numpy(),
        "homes": homes[rows].astype("int64"),
        **{c: pd.array(totals[c][rows].astype("int64"), dtype="Int64") for c in ("beds", "occupied", "vacant")},
        "occupancy_pct": _percent(totals["occupied"][rows], beds),
        "vacancy_pct": _percent(totals["vacant"][rows], beds),
        "min_home_pct": pd.array(np.where(np.isfinite(low[rows]), low[rows], np.nan), dtype="Float64"),
        "max_home_pct": pd.array(np.where(np.isfinite(high[rows]), high[rows], np.nan), dtype="Float64")})
    return out.astype({"council": df["council"].dtype, "date": df["date"].dtype, "category": str})[COLUMNS]


def _percent(part: np.ndarray, whole: np.ndarray) -> pd.arrays.FloatingArray:
    """``percent_of`` on float arrays of whole numbers: part ÷ whole × 100, <NA> where whole is not above 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return pd.array(np.where(whole > 0, part / whole * 100, np.nan), dtype="Float64")
