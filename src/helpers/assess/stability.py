"""Stability: entries and exits between directory snapshots, and how concentrated the market is.

Concentration bands (``hhi_band``) follow the UK merger guidelines' Herfindahl–Hirschman index
thresholds: Competition Commission and Office of Fair Trading, *Merger Assessment Guidelines*
(CC2 Revised / OFT1254, September 2010, §5.3.5, adopted by the CMA in 2014): a market with an HHI
below 1,000 is unconcentrated, one above 1,000 concentrated and one above 2,000 highly
concentrated. The CMA's 2021 guidelines (CMA129) no longer set thresholds, so the bands describe
the market; they are not a test the CMA applies. HHI is the sum of squared % shares (0–10,000).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

NO_BRAND = "-"
UNCONCENTRATED, CONCENTRATED, HIGHLY_CONCENTRATED = "unconcentrated", "concentrated", "highly concentrated"
NO_PROVIDERS = "no providers"
HHI_CONCENTRATED, HHI_HIGHLY_CONCENTRATED = 1000.0, 2000.0
HHI_SOURCE = "CC/OFT Merger Assessment Guidelines (2010, CC2 Revised/OFT1254) §5.3.5"
SHARE_COLUMNS = ["id", "name", "locations", "capacity", "basis", "share_pct"]


def _capacity_total(frame: pd.DataFrame, capacity: str) -> float:
    """Total capacity of a snapshot (missing values count as 0)."""
    return float(pd.to_numeric(frame[capacity], errors="coerce").fillna(0).sum())


def _capacity_of(frame: pd.DataFrame, ids: set, capacity: str) -> float:
    """Total capacity of the given locations in a snapshot."""
    return _capacity_total(frame[frame["location_id"].isin(ids)], capacity)


def entries_exits(snapshots: list[tuple[pd.Timestamp, pd.DataFrame]], capacity: str | None = None) -> pd.DataFrame:
    """Locations entering and leaving between consecutive snapshots (already one council and service).

    One row per snapshot in date order: ``date``, ``year``, ``locations``, ``entries`` (in this
    snapshot, not the previous), ``exits`` (in the previous, not this), ``net_change``; blank (NA)
    for the first snapshot. With ``capacity`` (e.g. "beds"): ``<capacity>_total``,
    ``<capacity>_entering``, ``<capacity>_leaving``, ``<capacity>_resized`` (change at continuing
    locations) and ``<capacity>_net`` (total minus the previous total = entering − leaving + resized).
    """
    rows = []
    previous: pd.DataFrame | None = None
    for date, frame in sorted(snapshots, key=lambda s: pd.Timestamp(s[0])):
        ids = set(frame["location_id"])
        row: dict[str, object] = {"date": pd.Timestamp(date), "year": pd.Timestamp(date).year, "locations": len(ids)}
        if capacity:
            row[f"{capacity}_total"] = _capacity_total(frame, capacity)
        if previous is not None:
            before = set(previous["location_id"])
            entered, left = ids - before, before - ids
            row |= {"entries": len(entered), "exits": len(left), "net_change": len(ids) - len(before)}
            if capacity:
                entering, leaving = _capacity_of(frame, entered, capacity), _capacity_of(previous, left, capacity)
                net = row[f"{capacity}_total"] - _capacity_total(previous, capacity)
                row |= {f"{capacity}_entering": entering, f"{capacity}_leaving": leaving,
                        f"{capacity}_resized": net - entering + leaving, f"{capacity}_net": net}
        rows.append(row)
        previous = frame
    return _flows_frame(rows, capacity)


def _flows_frame(rows: list[dict[str, object]], capacity: str | None) -> pd.DataFrame:
    columns = ["date", "year", "locations", "entries", "exits", "net_change"]
    if capacity:
        columns += [f"{capacity}_{c}" for c in ("total", "entering", "leaving", "resized", "net")]
    out = pd.DataFrame(rows, columns=columns)
    counts = {c: "Int64" for c in ("year", "locations", "entries", "exits", "net_change")}
    return out.astype(counts | {c: "Float64" for c in columns[6:]})


FLOW_COUNTS = ["snapshot", "locations", "total", "entries", "exits", "entering", "leaving"]


def flows_by_area(snapshots: list[tuple[pd.Timestamp, pd.DataFrame]], capacity: str | None = None,
                  area: str = "la_code") -> pd.DataFrame | None:
    """What ``entries_exits`` counts, for every area at once, from snapshots of every area's locations: one row per
    area and snapshot (``snapshot`` its position in date order) with columns ``area``, FLOW_COUNTS — locations
    (distinct ids), total capacity, and against the previous snapshot entries, exits and the capacity entering
    and leaving (0 for the first snapshot and where none). An area's locations in a snapshot are its rows, as
    when entries_exits is given that area's locations alone, so a location moving between areas leaves one and
    enters the other. ``flows_of`` turns an area's rows into entries_exits' table. None when a location has no
    id or a capacity is not a whole number (then totals could depend on the order they are added in).
    """
    ordered = sorted(snapshots, key=lambda s: pd.Timestamp(s[0]))
    parts, previous = [], None
    for i, (_, frame) in enumerate(ordered):
        located = frame[frame[area].notna()]
        amount = (pd.to_numeric(located[capacity], errors="coerce").fillna(0).astype("float64") if capacity
                  else pd.Series(0.0, index=located.index))
        if located["location_id"].isna().any() or not (amount % 1 == 0).all():
            return None
        current = pd.DataFrame({area: located[area], "location_id": located["location_id"], "amount": amount})
        stats = current.groupby(area).agg(locations=("location_id", "nunique"), total=("amount", "sum"))
        if previous is not None:
            now = pd.MultiIndex.from_frame(current[[area, "location_id"]])
            before = pd.MultiIndex.from_frame(previous[[area, "location_id"]])
            new, gone = current[~now.isin(before)], previous[~before.isin(now)]
            stats = stats.join(new.groupby(area).agg(entries=("location_id", "nunique"), entering=("amount", "sum")),
                               how="outer")
            stats = stats.join(gone.groupby(area).agg(exits=("location_id", "nunique"), leaving=("amount", "sum")),
                               how="outer")
        parts.append(stats.reindex(columns=FLOW_COUNTS[1:]).fillna(0).reset_index().assign(snapshot=i))
        previous = current
    if not parts:
        return pd.DataFrame({area: pd.Series(dtype="str"), **{c: pd.Series(dtype="int64") for c in FLOW_COUNTS}})
    out = pd.concat(parts, ignore_index=True)[[area, *FLOW_COUNTS]]
    return out.astype({"snapshot": "int64", "locations": "int64", "entries": "int64", "exits": "int64",
                       "total": "float64", "entering": "float64", "leaving": "float64"})


def flows_of(counts: pd.DataFrame, dates: list[pd.Timestamp], capacity: str | None = None) -> pd.DataFrame:
    """``entries_exits`` of one area from its rows of ``flows_by_area`` (``dates``: the snapshots' dates, in the
    order flows_by_area numbered them; a snapshot without a row: no locations)."""
    found = {int(r["snapshot"]): r for r in counts.to_dict("records")}
    zero = {"locations": 0, "total": 0.0, "entries": 0, "exits": 0, "entering": 0.0, "leaving": 0.0}
    rows, before = [], None
    for i, date in enumerate(dates):
        here = found.get(i, zero)
        row: dict[str, object] = {"date": pd.Timestamp(date), "year": pd.Timestamp(date).year,
                                  "locations": int(here["locations"])}
        if capacity:
            row[f"{capacity}_total"] = float(here["total"])
        if before is not None:
            row |= {"entries": int(here["entries"]), "exits": int(here["exits"]),
                    "net_change": int(here["locations"]) - int(before["locations"])}
            if capacity:
                entering, leaving = float(here["entering"]), float(here["leaving"])
                net = row[f"{capacity}_total"] - float(before["total"])
                row |= {f"{capacity}_entering": entering, f"{capacity}_leaving": leaving,
                        f"{capacity}_resized": net - entering + leaving, f"{capacity}_net": net}
        rows.append(row)
        before = here
    return _flows_frame(rows, capacity)


def _group_keys(locations: pd.DataFrame, by: str) -> tuple[pd.Series, pd.Series]:
    """The (id, name) each location's capacity is counted under: its provider, or its brand if it has one."""
    pid = locations["provider_id"].astype("string")
    pname = locations["provider_name"].astype("string") if "provider_name" in locations else pid
    if by == "provider":
        return pid, pname
    if by != "brand":
        raise ValueError(f"by must be 'provider' or 'brand', not '{by}'")
    brand = locations["brand_name"].astype("string").str.strip() if "brand_name" in locations else pid.str.slice(0, 0)
    branded = brand.notna() & (brand != "") & (brand != NO_BRAND)
    bid = locations["brand_id"].astype("string") if "brand_id" in locations else brand
    bid = bid.where(bid.notna() & (bid.str.strip() != "") & (bid.str.strip() != NO_BRAND), "brand:" + brand)
    return bid.where(branded, pid), brand.where(branded, pname)


def provider_shares(locations: pd.DataFrame, capacity: str | None, by: str = "provider") -> pd.DataFrame:
    """Each provider's (or brand/group's) share of capacity, largest first.

    ``by="provider"`` groups on provider_id; ``by="brand"`` on the brand (brand_id/brand_name),
    a location without a brand ("-") counting as its own provider. Shares are of ``capacity`` (e.g.
    beds), or of locations when capacity is None or totals zero (``basis`` says which). Columns:
    id, name, locations, capacity (NaN when the basis is locations), basis, share_pct.
    """
    if locations.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c in ("capacity", "share_pct") else
                                          "int64" if c == "locations" else "string") for c in SHARE_COLUMNS})
    ids, names = _group_keys(locations, by)
    amount = (pd.to_numeric(locations[capacity], errors="coerce").fillna(0).astype("float64")
              if capacity else pd.Series(0.0, index=locations.index))
    use_capacity = bool(capacity) and amount.sum() > 0
    grouped = pd.DataFrame({"id": ids, "name": names, "amount": amount}).groupby("id", sort=False)
    out = grouped.agg(name=("name", "first"), locations=("amount", "size"), capacity=("amount", "sum")).reset_index()
    basis_values = out["capacity"] if use_capacity else out["locations"].astype("float64")
    out["share_pct"] = basis_values / basis_values.sum() * 100
    out["basis"] = capacity if use_capacity else "locations"
    if not use_capacity:
        out["capacity"] = np.nan
    out = out.sort_values(["share_pct", "name"], ascending=[False, True], kind="stable").reset_index(drop=True)
    return out[SHARE_COLUMNS].astype({"locations": "int64", "capacity": "float64", "share_pct": "float64"})


def provider_shares_by_area(locations: pd.DataFrame, capacity: str | None, by: str = "provider",
                            area: str = "la_code") -> pd.DataFrame | None:
    """``provider_shares`` of every area at once (column ``area`` first, then SHARE_COLUMNS; each area's rows in
    the order provider_shares gives them); None when a capacity is not a whole number.

    Each area's shares are those provider_shares computes from the area's locations alone, to the last bit:
    groups are numbered in the order they first appear, shares divide by the area's total, an exact sum of
    whole numbers (so the order it is added up in does not matter), and the sort is the same stable one with
    the area as its first key. An area with no located provider has no rows.
    """
    located = locations[locations[area].notna()]
    amount = (pd.to_numeric(located[capacity], errors="coerce").fillna(0).astype("float64")
              if capacity else pd.Series(0.0, index=located.index))
    if not (amount % 1 == 0).all():
        return None
    ids, names = _group_keys(located, by)
    use_capacity = (amount.groupby(located[area]).sum() > 0) if capacity else None
    grouped = pd.DataFrame({area: located[area], "id": ids, "name": names, "amount": amount}).groupby(
        [area, "id"], sort=False)
    out = grouped.agg(name=("name", "first"), locations=("amount", "size"), capacity=("amount", "sum")).reset_index()
    on_capacity = (out[area].map(use_capacity).fillna(False).astype(bool) if capacity
                   else pd.Series(False, index=out.index))
    basis_values = out["capacity"].where(on_capacity, out["locations"].astype("float64"))
    out["share_pct"] = basis_values / basis_values.groupby(out[area], sort=False).transform("sum") * 100
    out["basis"] = np.where(on_capacity, capacity or "locations", "locations")
    out["capacity"] = out["capacity"].where(on_capacity, np.nan)
    out = out.sort_values([area, "share_pct", "name"], ascending=[True, False, True], kind="stable")
    return out[[area, *SHARE_COLUMNS]].astype(
        {"locations": "int64", "capacity": "float64", "share_pct": "float64"}).reset_index(drop=True)


def top_share(shares: pd.DataFrame, n: int = 5) -> float | None:
    """Combined % share of the n largest (all of them when there are fewer); None when there are none."""
    if shares.empty:
        return None
    return float(shares["share_pct"].nlargest(n).sum())


def hhi(shares: pd.DataFrame) -> float | None:
    """Herfindahl–Hirschman index: the sum of squared % shares (one provider 10,000); None when there are none."""
    if shares.empty:
        return None
    return float((shares["share_pct"] ** 2).sum())


def hhi_band(value: float | None) -> str:
    """The merger-guidelines band of an HHI: below 1,000 unconcentrated, 1,000–2,000 concentrated, above highly."""
    if value is None or pd.isna(value):
        return NO_PROVIDERS
    if value < HHI_CONCENTRATED:
        return UNCONCENTRATED
    return CONCENTRATED if value <= HHI_HIGHLY_CONCENTRATED else HIGHLY_CONCENTRATED


def concentration_summary(locations: pd.DataFrame, capacity: str | None) -> dict:
    """Providers, top-5 share, HHI and its band, for providers and for brands/groups (one council's, for exploring:
    the statement uses ``national.concentration``, which tests/assess/test_national.py holds equal to this).

    Keys: basis, locations, providers, largest_provider, largest_share_pct, top5_share_pct, hhi,
    hhi_band, groups, largest_group, group_top5_share_pct, group_hhi, group_hhi_band, hhi_source.
    """
    return concentration_from_shares(provider_shares(locations, capacity, "provider"),
                                     provider_shares(locations, capacity, "brand"), len(locations), capacity)


def concentration_from_shares(providers: pd.DataFrame, groups: pd.DataFrame, locations: int,
                              capacity: str | None) -> dict:
    """``concentration_summary`` from the providers' and the groups' shares (``provider_shares``) and the
    number of locations."""
    p_hhi, g_hhi = hhi(providers), hhi(groups)
    return {
        "basis": providers["basis"].iloc[0] if len(providers) else (capacity or "locations"),
        "locations": int(locations),
        "providers": int(len(providers)),
        "largest_provider": providers["name"].iloc[0] if len(providers) else None,
        "largest_share_pct": float(providers["share_pct"].iloc[0]) if len(providers) else None,
        "top5_share_pct": top_share(providers, 5),
        "hhi": p_hhi,
        "hhi_band": hhi_band(p_hhi),
        "groups": int(len(groups)),
        "largest_group": groups["name"].iloc[0] if len(groups) else None,
        "group_top5_share_pct": top_share(groups, 5),
        "group_hhi": g_hhi,
        "group_hhi_band": hhi_band(g_hhi),
        "hhi_source": HHI_SOURCE,
    }
