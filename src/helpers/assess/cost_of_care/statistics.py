"""Quartiles of providers' cost returns: per cost line, per return (totals and staff split), per service and category.

Quartiles use the spreadsheet QUARTILE.INC method (numpy's ``linear``): for n sorted values the
p-quantile sits at position (n − 1)·p, interpolated linearly; 1, 2, 3, 4 → LQ 1.75, median 2.5,
UQ 3.25. The total is the median of the providers' totals, not the sum of the line medians.
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

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


def key_groups(frame: pd.DataFrame, keys: list[str], keep: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Each row's group over the key columns, numbered as ``frame[keep].groupby(keys, sort=False)`` numbers its
    groups (in order of first appearance; -1 for a row with a missing key or not kept), and each group's first row.

    The same groups as the groupby without building one: on frames of a few hundred rows the groupby's own
    set-up costs far more than the arithmetic done with its groups."""
    n = len(frame)
    combined = np.zeros(n, dtype=np.int64)
    missing = np.zeros(n, dtype=bool) if keep is None else ~keep
    span = 1  # the numbers combined so far are below span
    for k in keys:
        codes, uniques = pd.factorize(frame[k])
        missing |= codes < 0
        if span * (len(uniques) + 1) >= 2 ** 62:  # renumber the combinations densely before they could overflow
            combined, seen = pd.factorize(combined)
            span = len(seen)
        combined = combined * (len(uniques) + 1) + codes  # a number per distinct combination of the keys
        span *= len(uniques) + 1
    rows = np.flatnonzero(~missing)
    out = np.full(n, -1, dtype=np.intp)
    if rows.size == 0:
        return out, rows
    codes, _ = pd.factorize(combined[rows])  # numbered in order of first appearance, as groupby(sort=False)
    out[rows] = codes
    return out, rows[np.unique(codes, return_index=True)[1]]


def positions_of(codes: np.ndarray, count: int) -> list[np.ndarray]:
    """Row positions of each of ``count`` groups from each row's group number (-1: in none), rows in order."""
    order = np.argsort(codes, kind="stable")
    order = order[codes[order] >= 0]
    if order.size == 0:
        return []
    return np.split(order, np.cumsum(np.bincount(codes[order], minlength=count))[:-1])


def distinct_per_group(codes: np.ndarray, count: int, values: pd.Series) -> np.ndarray:
    """Per group, the number of distinct values (missing ones not counted), as ``groupby(...)[c].nunique()``."""
    found, uniques = pd.factorize(values)
    ok = (codes >= 0) & (found >= 0)
    pairs = np.unique(codes[ok].astype(np.int64) * (len(uniques) + 1) + found[ok])
    return np.bincount(pairs // (len(uniques) + 1), minlength=count).astype(np.int64)


def group_quartiles(values: pd.Series, groups: list[np.ndarray]) -> np.ndarray:
    """LQ, median and UQ (one row per group) of the values at each group's positions, missing values ignored."""
    floats, present = float_values(values)
    return quartiles_by_group(floats, [g[present[g]] for g in groups])


def float_values(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The values as floats (NaN when missing) and whether each is present, as ``pd.to_numeric(values)`` and its
    ``notna()`` give them (text that is not a number is an error)."""
    if values.dtype.kind not in "fiu":  # numeric columns come back from to_numeric unchanged: no need to call it
        values = pd.to_numeric(values, errors="raise")
    return values.to_numpy(dtype="float64", na_value=np.nan), ~np.asarray(values.array.isna(), dtype=bool)


def group_min(values: pd.Series, codes: np.ndarray, count: int) -> np.ndarray | pd.api.extensions.ExtensionArray:
    """Per group, the least value, as ``groupby(...)[c].min()`` gives it (of the same type)."""
    used = codes >= 0
    if values.dtype != np.int64:
        return values[used].groupby(codes[used]).min().array
    out = np.full(count, np.iinfo(np.int64).max)
    np.minimum.at(out, codes[used], values.to_numpy()[used])
    return out


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


SERVICE_ORDER = {s: i for i, s in enumerate(SERVICES)}
CATEGORY_ORDER = {c: i for i, c in enumerate(("", *CARE_HOME_CATEGORIES))}


def template_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Sort rows into service, care home category and template line order."""
    lines = frame["cost_line"] if "cost_line" in frame else frame["service"]
    return frame.iloc[template_positions(frame["service"], frame["category"], lines)].reset_index(drop=True)


def template_positions(services: Iterable, categories: Iterable, lines: Iterable) -> np.ndarray:
    """The row order ``template_order`` sorts into, from each row's service, care home category and cost line."""
    services = list(services)
    return np.lexsort(([LINE_ORDER.get(k, 999) for k in zip(services, lines)],
                       [CATEGORY_ORDER.get(c, 99) for c in categories],
                       [SERVICE_ORDER.get(s, len(SERVICES)) for s in services]))


def line_statistics(returns: pd.DataFrame) -> pd.DataFrame:
    """Per service, category and cost line: returns (distinct providers), LQ, median and UQ of the values."""
    cols = ["service", "category", "group", "cost_line", "returns", *STATS]
    keys = ["service", "category", "group", "cost_line"]
    values, present = float_values(returns["value"])
    codes, first = key_groups(returns, keys, present)  # the groups of the rows with a value
    if first.size == 0:
        return template_order(pd.DataFrame([], columns=cols))
    counts = distinct_per_group(codes, len(first), returns["provider_id"])
    q = quartiles_by_group(values, positions_of(codes, len(first)))
    s, c, g, line = (returns[k].to_numpy()[first] for k in keys)
    order = template_positions(s, c, line)
    return pd.DataFrame({"service": s[order], "category": c[order], "group": g[order], "cost_line": line[order],
                         "returns": counts[order], **{k: q[order, i] for i, k in enumerate(STATS)}}, columns=cols)


def group_sums(values: np.ndarray, present: np.ndarray, codes: np.ndarray, count: int) -> np.ndarray:
    """Per group (rows: one column per figure), the sums of the present values, to the last bit as pandas'
    groupby ``sum`` adds them: in row order, Kahan-compensated (its cython ``group_sum``), £0 for none."""
    width = values.shape[1]
    total, compensation = np.zeros((count, width)), np.zeros((count, width))
    used = codes >= 0
    if not used.any():
        return total
    rows = np.flatnonzero(used)
    rows = rows[np.argsort(codes[rows], kind="stable")]
    group = codes[rows]
    sizes = np.bincount(group, minlength=count)
    rank = np.arange(len(rows)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    grid, known = np.zeros((count, sizes.max(), width)), np.zeros((count, sizes.max(), width), dtype=bool)
    grid[group, rank], known[group, rank] = values[rows], present[rows]
    with np.errstate(invalid="ignore"):  # inf − inf, silent in pandas too
        for r in range(grid.shape[1]):  # the r-th row of every group at once
            y = grid[:, r] - compensation
            t = total + y
            c = t - total - y
            c[np.isnan(c)] = 0  # as pandas does, so that an infinite value sums to infinity, not NaN
            ok = known[:, r]
            total, compensation = np.where(ok, t, total), np.where(ok, c, compensation)
    return total


def return_totals(returns: pd.DataFrame, staff_groups: dict[str, list[str]]) -> pd.DataFrame:
    """Per return (provider × service × category): total, staff, non-staff, staff share, lines and first row."""
    codes, first = key_groups(returns, RETURN_KEY)
    if first.size == 0:
        return _grouped_totals(returns, staff_groups)
    services, groups = returns["service"].to_numpy(), returns["group"].to_numpy()
    staff = np.zeros(len(returns), dtype=bool)
    for service, names in staff_groups.items():
        staff |= (services == service) & np.isin(groups, list(names))
    value, present = float_values(returns["value"].astype("Float64"))
    sums = group_sums(np.column_stack([value, np.where(staff, value, 0.0)]),
                      np.column_stack([present, present | ~staff]), codes, len(first))
    total, staff_total = sums[:, 0], sums[:, 1]
    positive = total > 0
    share = np.divide(staff_total, total, out=np.zeros_like(total), where=positive)
    row = group_min(returns["_row"], codes, len(first)) if "_row" in returns else np.zeros(len(first), np.int64)
    order = template_positions(returns["service"].to_numpy()[first], returns["category"].to_numpy()[first],
                               [""] * len(first))
    keys = {k: returns[k].array.take(first[order]) for k in RETURN_KEY}
    floats = {"total": total, "staff": staff_total, "non_staff": total - staff_total}
    return pd.DataFrame({**keys, **{k: pd.arrays.FloatingArray(v[order], np.zeros(len(v), dtype=bool))
                                    for k, v in floats.items()},
                         "staff_share": pd.arrays.FloatingArray(share[order], ~positive[order]),
                         "lines": distinct_per_group(codes, len(first), returns["cost_line"])[order],
                         "row": row[order]})


def _grouped_totals(returns: pd.DataFrame, staff_groups: dict[str, list[str]]) -> pd.DataFrame:
    """``return_totals`` by pandas' groupby: for returns with no complete key, whose empty frame's column types
    are the groupby's."""
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
    codes, first = key_groups(totals, ["service", "category"])
    if first.size == 0:
        return template_order(pd.DataFrame([], columns=cols))
    groups, counts = positions_of(codes, len(first)), distinct_per_group(codes, len(first), totals["provider_id"])
    total, staff, non_staff, share = (group_quartiles(totals[c], groups)
                                      for c in ("total", "staff", "non_staff", "staff_share"))
    s, c = totals["service"].to_numpy()[first], totals["category"].to_numpy()[first]
    order = template_positions(s, c, s)
    return pd.DataFrame({"service": s[order], "category": c[order], "returns": counts[order],
                         **{k: total[order, i] for i, k in enumerate(STATS)}, "median_staff": staff[order, 1],
                         "median_non_staff": non_staff[order, 1], "staff_share": share[order, 1]}, columns=cols)


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
