"""Sufficiency: how much care is on the market — providers, locations, capacity and its use."""
from __future__ import annotations

import pandas as pd

from helpers.services import Service
from helpers.load.local import percent_of

ALL = "All"
ALL_CARE_HOMES = "All care homes"


def active_adult_social_care(locations: pd.DataFrame, la_code: str | None = None) -> pd.DataFrame:
    """Locations regulated by CQC's adult social care directorate and not dormant (of one council, or all)."""
    keep = (locations["directorate"] == "Adult social care") & ~locations["dormant"]
    if la_code is not None:
        keep &= locations["la_code"] == la_code
    return locations[keep].copy()


def service_locations(locations: pd.DataFrame, svc: Service, la_code: str | None = None) -> pd.DataFrame:
    """Active locations registered for the service (any of its CQC service types), each with its sub-category."""
    active = active_adult_social_care(locations, la_code)
    registered = active[list(svc.cqc_service_types)].any(axis=1) & (active["care_home"] == svc.care_home)
    out = active[registered].copy()
    out["category"] = svc.title
    for label, flag in reversed(list(svc.subcategories.items())):
        out.loc[out[flag], "category"] = label
    return out


def supply(locs: pd.DataFrame, svc: Service) -> pd.DataFrame:
    """Locations, providers (and beds for care homes) by sub-category and in total.

    One council's, from its locations (for exploring): the statement looks it up in the national pass
    (``national.supply``), which tests/assess/test_national.py holds equal to this."""
    total = _total_label(svc)
    parts = [(c, locs[locs["category"] == c]) for c in svc.subcategories] + [(total, locs)]
    rows = [{"category": name, "locations": int(len(part)), "providers": int(part["provider_id"].nunique())}
            | ({"beds": int(part["beds"].sum())} if svc.capacity == "cqc_beds" else {}) for name, part in parts]
    return pd.DataFrame(rows)


def _total_label(svc: Service) -> str:
    return ALL_CARE_HOMES if svc.care_home else f"All {svc.title.lower()}"


SUPPLY_COUNTS = ["la_code", "category", "locations", "providers", "beds"]


def supply_by_council(locations: pd.DataFrame, svc: Service) -> pd.DataFrame:
    """``supply`` for every council at once, from the service's locations of all councils (``service_locations``):
    columns la_code, category, locations, providers, beds — a council's sub-categories it has locations in, then
    its total (beds are summed whatever the capacity source; ``supply_of`` shows them only for beds)."""
    located = locations[locations["la_code"].notna()]
    counts = {"locations": ("location_id", "size"), "providers": ("provider_id", "nunique"), "beds": ("beds", "sum")}
    parts = located[located["category"].isin(list(svc.subcategories))].groupby(
        ["la_code", "category"], sort=True).agg(**counts).reset_index()
    totals = located.groupby("la_code", sort=True).agg(**counts).reset_index().assign(category=_total_label(svc))
    out = pd.concat([parts, totals], ignore_index=True)[SUPPLY_COUNTS]
    return out.astype({"locations": "int64", "providers": "int64", "beds": "int64"})


def supply_of(counts: pd.DataFrame, svc: Service) -> pd.DataFrame:
    """``supply`` of one council from its rows of ``supply_by_council`` (none: a council with no locations)."""
    found = {c: (int(n), int(p), int(b)) for c, n, p, b in
             zip(counts["category"], counts["locations"], counts["providers"], counts["beds"])}
    rows = []
    for name in [*svc.subcategories, _total_label(svc)]:
        n, p, b = found.get(name, (0, 0, 0))
        beds = {"beds": b} if svc.capacity == "cqc_beds" else {}
        rows.append({"category": name, "locations": n, "providers": p} | beds)
    return pd.DataFrame(rows)


def per_thousand(numerator: float | None, population: float | None) -> float | None:
    """numerator per 1,000 population; None when either is missing or the population is 0."""
    if numerator is None or population is None or pd.isna(numerator) or pd.isna(population) or population <= 0:
        return None
    return float(numerator) / float(population) * 1000


def occupancy_latest(trend: pd.DataFrame) -> pd.DataFrame:
    """The latest date's rows of an occupancy trend (helpers.load.occupancy.occupancy_by_period)."""
    return trend[trend["date"] == trend["date"].max()].reset_index(drop=True)


def weekly_totals(activity: pd.DataFrame) -> pd.DataFrame:
    """Home care per week: commissioned and delivered hours, people supported, packages and hours awaiting care."""
    # one grouped sum of the five columns (named aggregation runs a group-by per column, five times the cost)
    out = _group_sums(activity, "week_ending", {"commissioned_hours": "commissioned_hours",
                                                "delivered_hours": "delivered_hours",
                                                "people_supported": "people_supported",
                                                "packages_awaiting": "people_waiting", "hours_awaiting": "hours_waiting"})
    out["hours_waiting_pct"] = percent_of(out["hours_waiting"], out["commissioned_hours"])
    return out.sort_values("week_ending").reset_index(drop=True)


def unmet_need_by_zone(activity: pd.DataFrame) -> pd.DataFrame:
    """People and hours waiting in the latest week by zone, with hours waiting as % of commissioned hours."""
    latest = activity[activity["week_ending"] == activity["week_ending"].max()]
    zones = latest.assign(zone=latest["zone"].replace("", "Not zoned"))
    out = _group_sums(zones, "zone", {"packages_awaiting": "people_waiting", "hours_awaiting": "hours_waiting",
                                      "commissioned_hours": "commissioned_hours"})
    out["hours_waiting_pct"] = percent_of(out["hours_waiting"], out["commissioned_hours"])
    return out.sort_values("zone").reset_index(drop=True)


def _group_sums(frame: pd.DataFrame, by: str, columns: dict[str, str]) -> pd.DataFrame:
    """``frame.groupby(by, as_index=False).agg(**{name: (column, "sum")})`` for ``columns`` (column → name): the same
    grouped sums, taken in one pass."""
    sums = frame.groupby(by)[list(columns)].sum()
    return sums.set_axis([columns[c] for c in sums.columns], axis=1).reset_index()


def contracted_per_week(fees: pd.DataFrame, service: str) -> float | None:
    """Contracted units a week of one service from the fee-rates table (units a year ÷ 52); None if none."""
    rows = fees[fees["service"] == service]
    if rows.empty:
        return None
    latest = rows[rows["financial_year"] == rows["financial_year"].max()]
    return float(latest["contracted_volume"].sum()) / 52
