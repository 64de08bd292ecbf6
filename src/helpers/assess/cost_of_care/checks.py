"""Data-quality checks on the returns and fee rates: warnings only, no row is ever dropped.

Completeness (cost lines missing from a return, expected volumes left blank), line values and
return totals outside k×IQR fences or a band around the median, returns adding up to £0, and fee
bands in another unit or matching no care home category. Warnings name the provider's reference,
so the published log replaces them with a count.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from helpers.assess.cost_of_care.fees import FEE_UNITS
from helpers.assess.cost_of_care.statistics import (RETURN_KEY, distinct_per_group, float_values, group_min, key_groups,
                                                     positions_of, quartile_array, quartiles_by_group)
from helpers.assess.cost_of_care.wording import SOURCE
from helpers.errors import DataQualityLog
from helpers.load.cost_returns import COST_LINES, SPEC as RETURNS_SPEC
from helpers.load.local import CARE_HOME_CATEGORIES
from helpers.load.reading import SourceTable
from helpers.services import name as service_name

EXPECTED_VOLUMES = {"care_homes": ("beds", "occupancy"),
                    "home_care": ("contact_hours_per_week", "visit_length_minutes"),
                    "supported_living": ("contact_hours_per_week",), "day_opportunities": ()}


def _fences(values: np.ndarray, k: float) -> tuple[float, float]:
    """Q1 − k×IQR and Q3 + k×IQR of a float array with no missing values (QUARTILE.INC)."""
    lq, _, uq = quartile_array(values)
    return _fences_of(lq, uq, k)


def _fences_of(lq: float | np.ndarray, uq: float | np.ndarray, k: float) -> tuple[float, float] | tuple[np.ndarray, ...]:
    """Q1 − k×IQR and Q3 + k×IQR from the quartiles (of one group, or arrays of many)."""
    iqr = uq - lq
    return lq - k * iqr, uq + k * iqr


def returns_location(source: SourceTable | None) -> dict[str, Any]:
    """The file and sheet of the returns, for warnings."""
    if source is None:
        return {}
    sheet = None if source.file.suffix.lower() == ".csv" else RETURNS_SPEC.sheet
    return {"file": str(source.file), "sheet": sheet}


def _return_name(provider: str, service: str, category: str) -> str:
    """How a warning names one return: provider reference, service and care home category."""
    return f"provider {provider}, {service}" + (f" {category}" if category else "")


def check_returns(returns: pd.DataFrame, totals: pd.DataFrame, params: dict[str, Any],
                   where: dict[str, Any] | None = None) -> DataQualityLog:
    """Completeness and outlier warnings on the returns, given their totals (``return_totals``).

    ``where`` (file and sheet, from ``returns_location``) is added to every warning.
    """
    where = where or {}
    k, band = float(params["outliers"]["iqr_multiplier"]), float(params["outliers"]["band_pct"])
    min_returns = int(params["outliers"]["min_returns"])
    log = _completeness_warnings(returns, where)
    log.extend(_line_outlier_warnings(returns, k, min_returns, where))
    log.extend(_total_warnings(totals, k, band, min_returns, where))
    return log


def _completeness_warnings(returns: pd.DataFrame, where: dict[str, Any]) -> DataQualityLog:
    """Per return, in order: the template's cost lines it lacks, then each expected volume it leaves blank."""
    log = DataQualityLog()
    codes, first = key_groups(returns, RETURN_KEY)
    first_rows = group_min(returns["_row"], codes, len(first))
    volumes = {v for names in EXPECTED_VOLUMES.values() for v in names if v in returns}
    given = {v: np.bincount(codes[(codes >= 0) & returns[v].notna().to_numpy()], minlength=len(first))
             for v in volumes}
    present = set(zip(*(returns[c].to_numpy(dtype=object) for c in [*RETURN_KEY, "cost_line"])))  # same values
    keys = zip(*(returns[c].to_numpy(dtype=object)[first] for c in RETURN_KEY))
    for i, ((pid, service, category), row) in enumerate(zip(keys, first_rows)):
        name = _return_name(pid, service, category)
        missing = [line for lines in COST_LINES.get(service, {}).values() for line in lines
                   if (pid, service, category, line) not in present]
        if missing:
            log.warn(SOURCE, f"{name}: {len(missing)} cost line(s) missing from the return ({'; '.join(missing)}); "
                     "its total is the sum of the lines given", row=int(row),
                     column=RETURNS_SPEC.published("cost_line"), **where)
        for v in EXPECTED_VOLUMES.get(service, ()):
            if v in given and given[v][i] == 0:
                log.warn(SOURCE, f"{name}: no {RETURNS_SPEC.published(v)} given", row=int(row),
                         column=RETURNS_SPEC.published(v), **where)
    return log


def _line_outlier_warnings(returns: pd.DataFrame, k: float, min_returns: int, where: dict[str, Any]) -> DataQualityLog:
    """Per cost line with enough providers, in row order: values outside the k×IQR fences."""
    log, value_col = DataQualityLog(), RETURNS_SPEC.published("value")
    keys = ["service", "category", "cost_line"]
    values, known = float_values(returns["value"])
    codes, first = key_groups(returns, keys, known)  # the lines' groups of the rows with a value
    counts = distinct_per_group(codes, len(first), returns["provider_id"])
    pids, services, categories, lines, rows = (returns[c].to_numpy() for c in ["provider_id", *keys, "_row"])
    quartiles = quartiles_by_group(values, positions_of(codes, len(first)))  # every line's, as quartile_array's
    lo, hi = _fences_of(quartiles[:, 0], quartiles[:, 2], k)  # each line's fences, at once
    sizes = np.bincount(codes[codes >= 0], minlength=len(first))
    at = np.flatnonzero(codes >= 0)
    line = codes[at]
    odd = at[((values[at] < lo[line]) | (values[at] > hi[line])) & (counts[line] >= min_returns)]
    for i in odd[np.argsort(codes[odd], kind="stable")]:  # line by line, each in row order
        c = codes[i]
        log.warn(SOURCE, f"{_return_name(pids[i], services[i], categories[i])}: {lines[i]} £{values[i]:,.2f} is "
                 f"outside {k:g}×IQR of {sizes[c]} returns (£{lo[c]:,.2f} to £{hi[c]:,.2f}); check it (kept)",
                 row=int(rows[i]), column=value_col, **where)
    return log


def _total_warnings(totals: pd.DataFrame, k: float, band: float, min_returns: int,
                    where: dict[str, Any]) -> DataQualityLog:
    """Per service and category: returns whose lines add up to £0, then totals outside the fences or the band."""
    log, value_col = DataQualityLog(), RETURNS_SPEC.published("value")
    total = totals["total"].to_numpy(dtype="float64", na_value=np.nan)
    pids, services, categories, rows = (totals[c].to_numpy() for c in [*RETURN_KEY, "row"])
    codes, first = key_groups(totals, ["service", "category"])
    for g in positions_of(codes, len(first)):
        t = total[g]
        for i in g[np.isnan(t) | (t <= 0)]:
            log.warn(SOURCE, f"{_return_name(pids[i], services[i], categories[i])}: the return's lines add up to £0",
                     row=int(rows[i]), column=value_col, **where)
        if len(g) < min_returns:
            continue
        known = t[~np.isnan(t)]
        lo, hi = _fences(known, k)
        median = quartile_array(known)[1]
        odd = (t < lo) | (t > hi) | (np.abs(t - median) > band / 100 * median)
        for i in g[odd & (t > 0)]:
            log.warn(SOURCE, f"{_return_name(pids[i], services[i], categories[i])}: total £{total[i]:,.2f} is "
                     f"outside {k:g}×IQR (£{lo:,.2f} to £{hi:,.2f}) or more than {band:g}% from the median "
                     f"£{median:,.2f}; check it (kept)", row=int(rows[i]), column=value_col, **where)
    return log


def check_fees(bands: pd.DataFrame, service: str, fees: SourceTable | None) -> DataQualityLog:
    """Warnings on the service's fee bands: a unit other than the service's, a care home band with no category."""
    log = DataQualityLog()
    where = {} if fees is None else {"file": str(fees.file), "sheet": None if fees.file.suffix.lower() == ".csv"
                                     else "Fee rates"}
    rows = bands["_row"].tolist() if "_row" in bands else [None] * len(bands)
    for band, unit, category, row in zip(bands["band"].tolist(), bands["unit"].tolist(), bands["category"].tolist(),
                                         rows):  # the cells as iterrows gives them, without a Series per band
        row = int(row) if row is not None and pd.notna(row) else None
        if unit != FEE_UNITS[service]:
            log.warn("Fee rates", f"band '{band}': unit '{unit}' is not the {service_name(service)} unit "
                     f"'{FEE_UNITS[service]}', so it is not compared with the cost returns", row=row, column="Unit",
                     **where)
        if category is None:
            log.warn("Fee rates", f"band '{band}' does not start with a care home category "
                     f"({', '.join(CARE_HOME_CATEGORIES)}), so it is not compared with a median cost", row=row,
                     column="Band or category", **where)
    return log
