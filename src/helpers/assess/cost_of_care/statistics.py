"""Quartiles of providers' cost returns: per cost line, per return (totals and staff split), per service and category.

Quartiles use the spreadsheet QUARTILE.INC method (numpy's ``linear``): for n sorted values the
p-quantile sits at position (n − 1)·p, interpolated linearly; 1, 2, 3, 4 → LQ 1.75, median 2.5,
UQ 3.25. The total is the median of the providers' totals, not the sum of the line medians.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api.typing import DataFrameGroupBy

from helpers.load.cost_returns import COST_LINES
from helpers.load.local import CARE_HOME_CATEGORIES
from helpers.services import SERVICES

RETURN_KEY = ["provider_id", "service", "category"]
STATS = ["lq", "median", "uq"]
LINE_ORDER = {(service, line): i for service, groups in COST_LINES.items()
              for i, line in enumerate(line for lines in groups.values() for line in lines)}


def quartiles(values: pd.Series) -> pd.Series:
    """LQ, median and UQ of the values by QUARTILE.INC (linear interpolation); NaN when there are none."""
    v = pd.to_numeric(pd.Series(values), errors="raise").dropna().astype("float64").to_numpy()
    return pd.Series(quartile_array(v), index=STATS)


def quartile_array(values: np.ndarray) -> np.ndarray:
    """LQ, median and UQ of a float array with no missing values (QUARTILE.INC); NaN when it is empty."""
    if values.size == 0:
        return np.full(len(STATS), np.nan)
    return np.quantile(values, [0.25, 0.5, 0.75], method="linear")


def group_positions(grouped: DataFrameGroupBy) -> list[np.ndarray]:
    """Row positions of each group, in the groupby's order of groups (rows with a missing key left out)."""
    codes = grouped.ngroup().fillna(-1).to_numpy(dtype=np.int64)
    order = np.argsort(codes, kind="stable")
    order = order[codes[order] >= 0]
    if order.size == 0:
        return []
    return np.split(order, np.flatnonzero(np.diff(codes[order])) + 1)


def group_quartiles(values: pd.Series, groups: list[np.ndarray]) -> np.ndarray:
    """LQ, median and UQ (one row per group) of the values at each group's positions, missing values ignored."""
    numbers = pd.to_numeric(values, errors="raise")
    present, floats = numbers.notna().to_numpy(), numbers.to_numpy(dtype="float64", na_value=np.nan)
    return quartiles_by_group(floats, [g[present[g]] for g in groups])


QUARTILES = np.array([0.25, 0.5, 0.75])


def quartiles_by_group(values: np.ndarray, groups: list[np.ndarray]) -> np.ndarray:
    """``quartile_array`` of each group's values (rows of positions into a float array with no missing values at
    them), for all groups at once: one row of LQ, median and UQ per group (NaN for an empty group).

    The same arithmetic as numpy's ``quantile(method="linear")``, step by step, so each figure is equal to
    ``quartile_array``'s to the last bit: virtual index h = (n − 1)·p, neighbours ⌊h⌋ and ⌊h⌋ + 1 (both the
    last value when h ≥ n − 1), γ = h − ⌊h⌋, and numpy's two-sided interpolation a + (b − a)·γ, or
    b − (b − a)·(1 − γ) when γ ≥ 0.5. (The order statistics are those of a full sort; numpy's partial sort gives
    the same values, a 0.0 and a −0.0 apart.)
    """
    out = np.full((len(groups), len(QUARTILES)), np.nan)
    sizes = np.fromiter((len(g) for g in groups), dtype=np.int64, count=len(groups))
    if not sizes.any():
        return out
    owner = np.repeat(np.arange(len(groups)), sizes)
    picked = values[np.concatenate(groups)]
    ordered = picked[np.lexsort((picked, owner))]  # each group's values, ascending, groups in turn
    starts = np.cumsum(sizes) - sizes
    filled = sizes > 0
    n = sizes[filled][:, None]
    virtual = (n - 1) * QUARTILES
    previous = np.floor(virtual)
    above = virtual >= n - 1
    previous[above] = -1
    after = previous + 1
    after[above] = -1
    gamma = virtual - previous
    first, last = starts[filled][:, None], (starts + sizes - 1)[filled][:, None]
    a = ordered[np.where(previous < 0, last, first + previous.astype(np.int64))]
    b = ordered[np.where(after < 0, last, first + after.astype(np.int64))]
    diff = b - a
    result = a + diff * gamma
    upper = gamma >= 0.5
    result[upper] = (b - diff * (1 - gamma))[upper]
    out[filled] = result
    return out


def template_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Sort rows into service, care home category and template line order."""
    services = {s: i for i, s in enumerate(SERVICES)}
    categories = {c: i for i, c in enumerate(("", *CARE_HOME_CATEGORIES))}
    lines = frame["cost_line"] if "cost_line" in frame else frame["service"]
    order = np.lexsort((
        [LINE_ORDER.get(k, 999) for k in zip(frame["service"], lines)],
        [categories.get(c, 99) for c in frame["category"]],
        [services.get(s, len(SERVICES)) for s in frame["service"]]))
    return frame.iloc[order].reset_index(drop=True)


def line_statistics(returns: pd.DataFrame) -> pd.DataFrame:
    """Per service, category and cost line: returns (distinct providers), LQ, median and UQ of the values."""
    cols = ["service", "category", "group", "cost_line", "returns", *STATS]
    keys = ["service", "category", "group", "cost_line"]
    d = returns.dropna(subset=["value"])
    grouped = d.groupby(keys, sort=False)
    counts = grouped["provider_id"].nunique()
    q = group_quartiles(d["value"], group_positions(grouped))
    rows = [{"service": s, "category": c, "group": g, "cost_line": line, "returns": int(n),
             **dict(zip(STATS, map(float, qs)))}
            for (s, c, g, line), n, qs in zip(counts.index, counts, q)]
    return template_order(pd.DataFrame(rows, columns=cols))


def return_totals(returns: pd.DataFrame, staff_groups: dict[str, list[str]]) -> pd.DataFrame:
    """Per return (provider × service × category): total, staff, non-staff, staff share, lines and first row."""
    staff = np.zeros(len(returns), dtype=bool)
    for service, groups in staff_groups.items():
        staff |= ((returns["service"] == service) & returns["group"].isin(list(groups))).to_numpy(dtype=bool)
    value = returns["value"].astype("Float64")
    d = returns.assign(value=value, staff=value.where(staff, 0.0),
                       _row=returns["_row"] if "_row" in returns else pd.Series(0, index=returns.index))
    grouped = d.groupby(RETURN_KEY, sort=False)
    out = grouped[["value", "staff"]].sum().rename(columns={"value": "total"})
    out["lines"], out["row"] = grouped["cost_line"].nunique(), grouped["_row"].min()
    out = out.reset_index()
    out["non_staff"] = out["total"] - out["staff"]
    out["staff_share"] = (out["staff"] / out["total"].where(out["total"] > 0)).astype("Float64")
    out = out[[*RETURN_KEY, "total", "staff", "non_staff", "staff_share", "lines", "row"]]
    return template_order(out.assign(cost_line="")).drop(columns="cost_line")


def total_statistics(totals: pd.DataFrame) -> pd.DataFrame:
    """Per service and category: returns, LQ/median/UQ of the providers' totals, median staff, non-staff and share."""
    cols = ["service", "category", "returns", *STATS, "median_staff", "median_non_staff", "staff_share"]
    keys = ["service", "category"]
    grouped = totals.groupby(keys, sort=False)
    groups, counts = group_positions(grouped), grouped["provider_id"].nunique()
    total, staff, non_staff, share = (group_quartiles(totals[c], groups)
                                      for c in ("total", "staff", "non_staff", "staff_share"))
    rows = [{"service": s, "category": c, "returns": int(n), **dict(zip(STATS, map(float, total[i]))),
             "median_staff": staff[i, 1], "median_non_staff": non_staff[i, 1], "staff_share": share[i, 1]}
            for i, ((s, c), n) in enumerate(zip(counts.index, counts))]
    return template_order(pd.DataFrame(rows, columns=cols))


STATISTICS_KEY = ["service", "category"]


def with_statistics(bands: pd.DataFrame, stats: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``bands.merge(stats[["service", "category", *columns]], on=["service", "category"], how="left")``: each band
    with its service and category's statistics (missing when it has none).

    Looked up when ``stats`` has each service and category once and the columns are plain integers or floats
    (a column of a band without statistics becomes float, as the merge makes it); otherwise merged."""
    keys = list(zip(*(stats[k] for k in STATISTICS_KEY)))
    plain = all(stats[c].dtype.kind in "if" and isinstance(stats[c].dtype, np.dtype) for c in columns)
    if bands.empty or not plain or len(set(keys)) < len(keys):
        return bands.merge(stats[[*STATISTICS_KEY, *columns]], on=STATISTICS_KEY, how="left")
    position = {k: i for i, k in enumerate(keys)}
    found = [position.get(k, -1) for k in zip(*(bands[k] for k in STATISTICS_KEY))]
    rows, matched = np.array(found, dtype=np.intp), all(i >= 0 for i in found)
    out = bands.reset_index(drop=True)
    for c in columns:
        values = stats[c].to_numpy()
        if matched:
            out[c] = values[rows]
        else:
            out[c] = np.where(rows >= 0, values.astype("float64")[rows], np.nan)
    return out
