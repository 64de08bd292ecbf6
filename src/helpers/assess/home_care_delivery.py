"""Home care delivery monitoring from the home care activity table: short calls, calls and hours per person, hand-backs.

Over a window of the latest weeks, per provider (internal) and for the whole council (published):
- share of 15- and 30-minute calls = calls in the band ÷ all calls with a planned length × 100;
- calls per person per week = calls ÷ person-weeks (people supported summed over the weeks that report calls);
- hours per person per week = delivered hours ÷ person-weeks (people supported summed over the weeks);
- delivered % = delivered hours ÷ commissioned hours × 100; hand-backs: packages handed back (total and a week).
Rows for need not yet offered to a provider (Provider ID UNALLOCATED) hold no delivery and are left out.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from helpers import params as params_module
from helpers.load.home_care_activity import CALL_BANDS
from helpers.load.local import percent_of

PARAMS = "oversight"
UNALLOCATED = "UNALLOCATED"
CALL_COLUMNS = list(CALL_BANDS)
MEASURES = ["weeks", "commissioned_hours", "delivered_hours", "delivered_pct", "person_weeks",
            "hours_per_person_week", "calls", "calls_15_pct", "calls_30_pct", "calls_per_person_week", "hand_backs",
            "hand_backs_per_week"]


def window_weeks(raw: dict[str, Any] | None = None) -> int:
    """The number of latest weeks measured (``home_care.weeks`` of params/oversight.yml)."""
    raw = params_module.load(PARAMS) if raw is None else raw
    return params_module.require(raw, "home_care.weeks", "int", name=PARAMS, minimum=1)


def latest_weeks(activity: pd.DataFrame, weeks: int) -> pd.DataFrame:
    """The provider rows (UNALLOCATED left out) of the latest ``weeks`` week endings."""
    rows = activity[activity["provider_id"] != UNALLOCATED]
    ends = sorted(rows["week_ending"].dropna().unique())[-weeks:]
    return rows[rows["week_ending"].isin(ends)].reset_index(drop=True)


SUMMED = ["commissioned_hours", "delivered_hours", "person_weeks", "person_weeks_with_calls", "calls", "calls_15",
          "calls_30", "hand_backs"]


def _floats(column: pd.Series) -> np.ndarray:
    return column.to_numpy(dtype="float64", na_value=np.nan)


def _ratio(part: np.ndarray, whole: np.ndarray, scale: float | None = None) -> pd.arrays.FloatingArray:
    """part ÷ whole (× scale) as Float64, <NA> where either is unknown or whole is not above 0 (``percent_of``'s
    rule, and the same arithmetic in the same order)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = part / whole if scale is None else part / whole * scale
    return pd.array(np.where(whole > 0, ratio, np.nan), dtype="Float64")


def delivery(rows: pd.DataFrame, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """The delivery measures (see the module docstring) over all rows, or per ``by`` group."""
    # the measures as plain float arrays (NaN for unknown): a few array operations instead of one pandas operation
    # per column and per measure, which cost more than the arithmetic on these small frames
    bands = np.column_stack([_floats(rows[c]) for c in CALL_COLUMNS])
    calls_known = ~np.isnan(bands).all(axis=1)
    people = _floats(rows["people_supported"])
    values = pd.DataFrame({
        "commissioned_hours": _floats(rows["commissioned_hours"]), "delivered_hours": _floats(rows["delivered_hours"]),
        "person_weeks": people, "person_weeks_with_calls": np.where(calls_known, people, np.nan),
        "calls": np.where(calls_known, np.nansum(bands, axis=1), np.nan), "calls_15": _floats(rows["calls_15"]),
        "calls_30": _floats(rows["calls_30"]), "hand_backs": _floats(rows["hand_backs"])}, index=rows.index)
    keys = [rows[k] for k in by] or np.zeros(len(rows), dtype="int64")  # no groups: every row in one
    # per-group sums skip unknowns (0 when a group has none), summed in row order as the named aggregation did
    sums = values.groupby(keys, dropna=False).sum()
    weeks, providers = (rows[c].groupby(keys, dropna=False).nunique().to_numpy()
                        for c in ("week_ending", "provider_id"))
    total = {c: sums[c].to_numpy() for c in SUMMED}
    out = pd.DataFrame({
        "providers": providers, "weeks": weeks,
        **{c: pd.array(total[c], dtype="Float64") for c in ("commissioned_hours", "delivered_hours", "person_weeks")},
        "delivered_pct": _ratio(total["delivered_hours"], total["commissioned_hours"], 100),
        "hours_per_person_week": _ratio(total["delivered_hours"], total["person_weeks"]),
        "calls": pd.array(total["calls"], dtype="Float64"),
        "calls_15_pct": _ratio(total["calls_15"], total["calls"], 100),
        "calls_30_pct": _ratio(total["calls_30"], total["calls"], 100),
        "calls_per_person_week": _ratio(total["calls"], total["person_weeks_with_calls"]),
        "hand_backs": pd.array(total["hand_backs"], dtype="Float64"),
        "hand_backs_per_week": _ratio(total["hand_backs"], weeks.astype("float64"))}, index=sums.index)
    out = out.reset_index() if by else out.reset_index(drop=True)
    return out[[*by, "providers", *MEASURES]]


def per_provider(activity: pd.DataFrame, weeks: int) -> pd.DataFrame:
    """INTERNAL: the delivery measures of each provider over the latest weeks, lowest delivered % first."""
    out = delivery(latest_weeks(activity, weeks), ("provider_id", "provider_name"))
    return out.drop(columns="providers").sort_values(["delivered_pct", "provider_id"]).reset_index(drop=True)


def aggregate(activity: pd.DataFrame, weeks: int) -> dict[str, Any]:
    """Published: the council's delivery measures over the latest weeks, as plain numbers (None where not known)."""
    rows = latest_weeks(activity, weeks)
    if rows.empty:
        return {"providers": 0, **{m: None for m in MEASURES}, "from": None, "to": None}
    out = delivery(rows).iloc[0]
    figures = {k: (None if pd.isna(v) else float(v)) for k, v in out.items()}
    figures["providers"], figures["weeks"] = int(out["providers"]), int(out["weeks"])
    figures["from"] = pd.Timestamp(rows["week_ending"].min()).date().isoformat()
    figures["to"] = pd.Timestamp(rows["week_ending"].max()).date().isoformat()
    return figures


def weekly(activity: pd.DataFrame, weeks: int) -> pd.DataFrame:
    """Published trend: the council's measures week by week over the latest weeks."""
    return delivery(latest_weeks(activity, weeks), ("week_ending",))
