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


def delivery(rows: pd.DataFrame, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """The delivery measures (see the module docstring) over all rows, or per ``by`` group."""
    calls_known = rows[CALL_COLUMNS].notna().any(axis=1)
    work = rows.assign(
        calls=rows[CALL_COLUMNS].sum(axis=1, min_count=1).astype("Float64"),
        people_with_calls=rows["people_supported"].where(calls_known).astype("Float64"),
        people=rows["people_supported"].astype("Float64"))
    keys = list(by) or (lambda _: 0)
    grouped = work.groupby(keys, dropna=False)
    out = grouped.agg(weeks=("week_ending", "nunique"), providers=("provider_id", "nunique"),
                      commissioned_hours=("commissioned_hours", "sum"), delivered_hours=("delivered_hours", "sum"),
                      person_weeks=("people", "sum"), person_weeks_with_calls=("people_with_calls", "sum"),
                      calls=("calls", "sum"), calls_15=("calls_15", "sum"), calls_30=("calls_30", "sum"),
                      hand_backs=("hand_backs", "sum"))
    out = out.astype({c: "Float64" for c in out.columns if c not in ("weeks", "providers")})
    out["delivered_pct"] = percent_of(out["delivered_hours"], out["commissioned_hours"])
    out["hours_per_person_week"] = (out["delivered_hours"] / out["person_weeks"].where(out["person_weeks"] > 0))
    out["calls_15_pct"] = percent_of(out["calls_15"], out["calls"])
    out["calls_30_pct"] = percent_of(out["calls_30"], out["calls"])
    out["calls_per_person_week"] = out["calls"] / out["person_weeks_with_calls"].where(
        out["person_weeks_with_calls"] > 0)
    out["hand_backs_per_week"] = out["hand_backs"] / out["weeks"].where(out["weeks"] > 0)
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
