"""Cost of care and value for money (PRODUCT §3 "Cost of care", §5 disclosure control; issue 5).

Method, following the DHSC Fair Cost of Care convention:

- Per cost line (per service and, for care homes, per category) the number of returns and the lower
  quartile, median and upper quartile of the providers' £ values.
- Quartiles use the spreadsheet QUARTILE.INC method: for n sorted values x₀…xₙ₋₁ the p-quantile
  sits at position h = (n − 1)·p and is interpolated linearly, x⌊h⌋ + (h − ⌊h⌋)(x⌊h⌋₊₁ − x⌊h⌋).
  This is numpy/pandas' default ``linear`` method; 1, 2, 3, 4 → LQ 1.75, median 2.5, UQ 3.25.
- The total is the median of the providers' totals, reported separately: it is not the sum of the
  line medians (medians do not add).
- Staff vs non-staff: the cost-line groups params ``staff_groups`` names are staff costs; the staff
  share is the median of the returns' staff shares.
- Fee gap = median cost − current rate (£, and % of the median): positive means the rate is below
  the median. Home care rates are also compared with the Homecare Association Minimum Price.
- Uplift for the year after the fee year = staff share × NLW change + non-staff share × CPI; budget
  impact = (proposed rate − current rate) × contracted volume (units a year).
- Disclosure control: a statistic from fewer than ``min_providers`` returns is replaced by a marker
  with a footnote; published tables never carry a provider ID or a provider's own figures.

Outlier and completeness checks only add warnings to the data-quality log: no row is dropped.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from pandas.api.typing import DataFrameGroupBy

from helpers.present.charts import LAYOUT, TEMPLATE, Chart
from helpers.errors import DataQualityLog, InputError
from helpers.params import load, path_of, require
from helpers.load.cost_returns import COST_LINES, SPEC as RETURNS_SPEC, UNITS
from helpers.load.local import CARE_HOME_CATEGORIES
from helpers.services import SERVICES
from helpers.load.reading import SourceTable
from helpers.present.tables import Table

PARAMS_NAME = "cost_of_care"
SOURCE = "Cost of care returns"
SERVICE_NAMES = {"care_homes": "care homes", "home_care": "home care", "supported_living": "supported living",
                 "day_opportunities": "day opportunities"}
FEE_UNITS = {"care_homes": "per week", "home_care": "per hour", "supported_living": "per hour",
             "day_opportunities": "per session"}
EXPECTED_VOLUMES = {"care_homes": ("beds", "occupancy"),
                    "home_care": ("contact_hours_per_week", "visit_length_minutes"),
                    "supported_living": ("contact_hours_per_week",), "day_opportunities": ()}
RETURN_KEY = ["provider_id", "service", "category"]
STATS = ["lq", "median", "uq"]
LINE_ORDER = {(service, line): i for service, groups in COST_LINES.items()
              for i, line in enumerate(line for lines in groups.values() for line in lines)}
YEAR = re.compile(r"20\d\d-\d\d")
PROVIDER_COLUMNS = {"provider_id", "_row"}


@dataclass
class CostSection:
    """One service's cost-of-care section: published (suppressed) tables, the gap chart, figures and messages."""

    service: str
    available: bool
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    key_figures: dict[str, Any] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)
    log: DataQualityLog = field(default_factory=DataQualityLog)
    sources: list[dict[str, Any]] = field(default_factory=list)
    footnote: str = ""


# ---------------------------------------------------------------------------------------------- params


def load_params(params: dict[str, Any] | None = None) -> dict[str, Any]:
    """The cost-of-care parameters (params/cost_of_care.yml unless given), each key checked."""
    p = load(PARAMS_NAME) if params is None else params
    n = PARAMS_NAME
    require(p, "min_providers", "int", name=n, minimum=1)
    require(p, "suppression_marker", "text", name=n)
    require(p, "suppression_footnote", "text", name=n)
    require(p, "outliers.iqr_multiplier", "number", name=n, minimum=0)
    require(p, "outliers.band_pct", "number", name=n, minimum=0)
    require(p, "outliers.min_returns", "int", name=n, minimum=2)
    for service in SERVICES:
        groups = require(p, f"staff_groups.{service}", "list", name=n)
        unknown = sorted(set(groups) - set(COST_LINES[service]))
        if unknown:
            raise InputError(f"key 'staff_groups.{service}': {unknown} are not {service} cost-line groups "
                             f"(expected some of {list(COST_LINES[service])})", file=path_of(n))
        require(p, f"fallback_staff_share.{service}", "number", name=n, minimum=0, maximum=1)
    for block, inner in (("homecare_minimum_price", "prices"), ("national_living_wage", "rates")):
        require(p, f"{block}.source", "text", name=n)
        for year in require(p, f"{block}.{inner}", "mapping", name=n):
            if not YEAR.fullmatch(str(year)):
                raise InputError(f"key '{block}.{inner}': '{year}' is not a financial year like 2026-27",
                                 file=path_of(n))
            require(p, f"{block}.{inner}.{year}", "number", name=n, minimum=0)
    require(p, "national_living_wage.assumed_change_pct", "number", name=n, minimum=-100)
    require(p, "cpi.source", "text", name=n)
    readings = require(p, "cpi.readings", "list", name=n)
    if not readings:
        raise InputError("key 'cpi.readings': at least one CPI reading is needed", file=path_of(n))
    for i, reading in enumerate(readings):
        for key, kind in (("period", "text"), ("rate_pct", "number"), ("published", "text")):
            require({"cpi": {"readings": {str(i): reading}}}, f"cpi.readings.{i}.{key}", kind, name=n)
    for key in ("nlw_change_pct", "cpi_pct"):
        values = require(p, f"sensitivity.{key}", "list", name=n)
        if not values or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            raise InputError(f"key 'sensitivity.{key}': expected a list of numbers, got {values!r}", file=path_of(n))
    return p


def footnote(params: dict[str, Any]) -> str:
    """The suppression footnote with the minimum number of providers filled in."""
    return params["suppression_footnote"].format(min_providers=params["min_providers"])


def next_year(financial_year: str) -> str:
    """The financial year after one like 2026-27 (→ 2027-28)."""
    start = int(financial_year[:4]) + 1
    return f"{start}-{(start + 1) % 100:02d}"


def nlw_change(params: dict[str, Any], financial_year: str) -> tuple[float, str]:
    """The NLW % change from the fee year to the next, and how it was found (params rates, else the assumption)."""
    rates = {str(k): float(v) for k, v in params["national_living_wage"]["rates"].items()}
    following = next_year(financial_year)
    if financial_year in rates and following in rates:
        change = (rates[following] / rates[financial_year] - 1) * 100
        return change, f"NLW £{rates[financial_year]:.2f} ({financial_year}) to £{rates[following]:.2f} ({following})"
    assumed = float(params["national_living_wage"]["assumed_change_pct"])
    return assumed, f"an assumption: params have no NLW rate for {following} yet"


def latest_cpi(params: dict[str, Any]) -> dict[str, Any]:
    """The latest CPI reading in params: period, rate_pct and published date."""
    return max(params["cpi"]["readings"], key=lambda r: str(r["period"]))


def period_name(period: str) -> str:
    """A CPI period like 2025-09 as 'September 2025' (other text unchanged)."""
    try:
        return pd.Timestamp(f"{period}-01").strftime("%B %Y")
    except ValueError:
        return period


def hca_price(params: dict[str, Any], financial_year: str) -> tuple[str, float] | None:
    """The Homecare Association Minimum Price of the fee year, else the latest earlier year; None if none."""
    prices = {str(k): float(v) for k, v in params["homecare_minimum_price"]["prices"].items()}
    years = [y for y in sorted(prices) if y <= financial_year]
    return (years[-1], prices[years[-1]]) if years else None


# ---------------------------------------------------------------------------------------------- statistics


def quartiles(values: pd.Series) -> pd.Series:
    """LQ, median and UQ of the values by QUARTILE.INC (linear interpolation); NaN when there are none."""
    v = pd.to_numeric(pd.Series(values), errors="raise").dropna().astype("float64").to_numpy()
    return pd.Series(_quartile_array(v), index=STATS)


def _quartile_array(values: np.ndarray) -> np.ndarray:
    """LQ, median and UQ of a float array with no missing values (QUARTILE.INC); NaN when it is empty."""
    if values.size == 0:
        return np.full(len(STATS), np.nan)
    return np.quantile(values, [0.25, 0.5, 0.75], method="linear")


def _groups(grouped: DataFrameGroupBy) -> list[np.ndarray]:
    """Row positions of each group, in the groupby's order of groups (rows with a missing key left out)."""
    codes = grouped.ngroup().fillna(-1).to_numpy(dtype=np.int64)
    order = np.argsort(codes, kind="stable")
    order = order[codes[order] >= 0]
    if order.size == 0:
        return []
    return np.split(order, np.flatnonzero(np.diff(codes[order])) + 1)


def _group_quartiles(values: pd.Series, groups: list[np.ndarray]) -> np.ndarray:
    """LQ, median and UQ (one row per group) of the values at each group's positions, missing values ignored."""
    numbers = pd.to_numeric(values, errors="raise")
    present, floats = numbers.notna().to_numpy(), numbers.to_numpy(dtype="float64", na_value=np.nan)
    return np.array([_quartile_array(floats[g[present[g]]]) for g in groups]).reshape(len(groups), len(STATS))


def _order(frame: pd.DataFrame) -> pd.DataFrame:
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
    q = _group_quartiles(d["value"], _groups(grouped))
    rows = [{"service": s, "category": c, "group": g, "cost_line": line, "returns": int(n),
             **dict(zip(STATS, map(float, qs)))}
            for (s, c, g, line), n, qs in zip(counts.index, counts, q)]
    return _order(pd.DataFrame(rows, columns=cols))


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
    return _order(out.assign(cost_line="")).drop(columns="cost_line")


def total_statistics(totals: pd.DataFrame) -> pd.DataFrame:
    """Per service and category: returns, LQ/median/UQ of the providers' totals, median staff, non-staff and share."""
    cols = ["service", "category", "returns", *STATS, "median_staff", "median_non_staff", "staff_share"]
    keys = ["service", "category"]
    grouped = totals.groupby(keys, sort=False)
    groups, counts = _groups(grouped), grouped["provider_id"].nunique()
    total, staff, non_staff, share = (_group_quartiles(totals[c], groups)
                                      for c in ("total", "staff", "non_staff", "staff_share"))
    rows = [{"service": s, "category": c, "returns": int(n), **dict(zip(STATS, map(float, total[i]))),
             "median_staff": staff[i, 1], "median_non_staff": non_staff[i, 1], "staff_share": share[i, 1]}
            for i, ((s, c), n) in enumerate(zip(counts.index, counts))]
    return _order(pd.DataFrame(rows, columns=cols))


def suppress(frame: pd.DataFrame, columns: list[str], min_providers: int, marker: str,
             count: str = "returns") -> pd.DataFrame:
    """Replace the columns' values by the marker on rows whose count is below min_providers (or missing).

    The columns become object columns of plain floats (None for missing) and markers.
    """
    out = frame.copy()
    small = ~(out[count].fillna(0).astype(float) >= min_providers)
    for c in columns:
        out[c] = pd.Series([marker if hide else None if pd.isna(v) else float(v) for v, hide in zip(out[c], small)],
                           index=out.index, dtype=object)
    return out


def is_suppressed(value: object, marker: str) -> bool:
    """Whether a published cell holds the suppression marker."""
    return isinstance(value, str) and value == marker


# ---------------------------------------------------------------------------------------------- fees


def band_category(band: str, service: str) -> str | None:
    """The care home category a fee band is for (the longest category its name starts with); "" for other services."""
    if service != "care_homes":
        return ""
    folded = band.strip().casefold()
    hits = [c for c in CARE_HOME_CATEGORIES if folded.startswith(c.casefold())]
    return max(hits, key=len) if hits else None


def service_fees(fees: pd.DataFrame, service: str) -> pd.DataFrame:
    """The service's fee bands of its latest financial year, with the cost category each band matches."""
    d = fees[fees["service"] == service]
    if d.empty:
        return d.assign(category=pd.Series(dtype=object))
    d = d[d["financial_year"] == d["financial_year"].max()]
    return d.assign(category=[band_category(b, service) for b in d["band"]]).reset_index(drop=True)


def fee_gap(bands: pd.DataFrame, stats: pd.DataFrame) -> pd.DataFrame:
    """Per fee band: returns, quartiles of the matching total, gap £ and % of the median, cost of paying it."""
    merged = bands.merge(stats[["service", "category", "returns", *STATS]], on=["service", "category"], how="left")
    merged["returns"] = merged["returns"].fillna(0).astype(int)
    rate = merged["current_rate"].astype("float64")
    median = pd.to_numeric(merged["median"], errors="coerce").astype("float64")
    merged["gap_gbp"] = median - rate
    merged["gap_pct"] = merged["gap_gbp"] / median.where(median > 0) * 100
    merged["impact_median"] = budget_impact(rate, median, merged["contracted_volume"].astype("float64"))
    return merged


def hca_comparison(bands: pd.DataFrame, price: float) -> pd.DataFrame:
    """Per home care band: the HCA minimum price and the rate's shortfall below it (£ and % of the price)."""
    out = bands.copy()
    out["hca_price"] = float(price)
    out["hca_gap_gbp"] = out["hca_price"] - out["current_rate"].astype("float64")
    out["hca_gap_pct"] = out["hca_gap_gbp"] / out["hca_price"] * 100
    return out


def uplift_pct(staff_share: float | pd.Series | np.ndarray, nlw_change_pct: float,
               cpi_pct: float) -> float | pd.Series | np.ndarray:
    """Uplift % = staff share × NLW change % + (1 − staff share) × CPI %."""
    return staff_share * nlw_change_pct + (1 - staff_share) * cpi_pct


def budget_impact(current_rate: float | pd.Series | np.ndarray, proposed_rate: float | pd.Series | np.ndarray,
                  contracted_volume: float | pd.Series | np.ndarray) -> float | pd.Series | np.ndarray:
    """Budget impact £ a year = (proposed rate − current rate) × contracted volume (units a year)."""
    return (proposed_rate - current_rate) * contracted_volume


def proposed_rate(current_rate: float | pd.Series | np.ndarray,
                  uplift: float | pd.Series | np.ndarray) -> float | pd.Series | np.ndarray:
    """The current rate raised by an uplift %, to the penny."""
    raised = current_rate * (1 + uplift / 100)
    return raised.round(2) if isinstance(raised, (pd.Series, np.ndarray)) else round(float(raised), 2)


def band_staff_shares(bands: pd.DataFrame, stats: pd.DataFrame, fallback: float, min_providers: int) -> pd.DataFrame:
    """Per band the staff share for the uplift: the returns' median when publishable, else the params fallback."""
    merged = bands.merge(stats[["service", "category", "returns", "staff_share"]], on=["service", "category"],
                         how="left")
    enough = merged["returns"].fillna(0) >= min_providers
    share = pd.to_numeric(merged["staff_share"], errors="coerce").astype("float64")
    merged["staff_share"] = share.where(enough & share.notna(), fallback)
    merged["share_basis"] = [f"returns ({int(n)})" if ok else "assumed (too few returns)"
                             for n, ok in zip(merged["returns"].fillna(0), enough & share.notna())]
    return merged.drop(columns="returns")


def uplift_table(bands: pd.DataFrame, nlw_change_pct: float, cpi_pct: float) -> pd.DataFrame:
    """Per band (with staff_share): uplift %, proposed rate and budget impact £ a year."""
    out = bands.copy()
    out["nlw_change_pct"], out["cpi_pct"] = float(nlw_change_pct), float(cpi_pct)
    out["uplift_pct"] = uplift_pct(out["staff_share"].astype("float64"), nlw_change_pct, cpi_pct)
    rate = out["current_rate"].astype("float64")
    out["proposed_rate"] = proposed_rate(rate, out["uplift_pct"])
    out["budget_impact"] = budget_impact(rate, out["proposed_rate"], out["contracted_volume"].astype("float64"))
    return out


def sensitivity_table(bands: pd.DataFrame, nlw_values: list[float], cpi_values: list[float]) -> pd.DataFrame:
    """Total budget impact £ a year of the uplift over all bands: one row per NLW change, one column per CPI."""
    share, rate, volume = (bands[c].astype("float64").to_numpy()
                           for c in ("staff_share", "current_rate", "contracted_volume"))
    rows = []
    for nlw in nlw_values:
        row: dict[str, Any] = {"nlw_change_pct": float(nlw)}
        for cpi in cpi_values:
            impact = budget_impact(rate, proposed_rate(rate, uplift_pct(share, nlw, cpi)), volume)
            row[f"cpi_{float(cpi):g}"] = float(np.nansum(impact))
        rows.append(row)
    return pd.DataFrame(rows)


def what_if_rate(current_rate: float, contracted_volume: float, staff_share: float, nlw_change_pct: float,
                 cpi_pct: float, target_rate: float | None = None) -> pd.Series:
    """A what-if calculator: uplift %, proposed rate and budget impact; and the cost of paying a target rate."""
    uplift = float(uplift_pct(staff_share, nlw_change_pct, cpi_pct))
    proposed = proposed_rate(current_rate, uplift)
    out = {"current_rate": current_rate, "uplift_pct": uplift, "proposed_rate": proposed,
           "budget_impact": float(budget_impact(current_rate, proposed, contracted_volume))}
    if target_rate is not None:
        out["target_rate"] = target_rate
        out["target_budget_impact"] = float(budget_impact(current_rate, target_rate, contracted_volume))
    return pd.Series(out)


# ---------------------------------------------------------------------------------------------- checks


def _fences(values: np.ndarray, k: float) -> tuple[float, float]:
    """Q1 − k×IQR and Q3 + k×IQR of a float array with no missing values (QUARTILE.INC)."""
    lq, _, uq = _quartile_array(values)
    iqr = uq - lq
    return lq - k * iqr, uq + k * iqr


def _where(source: SourceTable | None) -> dict[str, Any]:
    """The file and sheet of the returns, for warnings."""
    if source is None:
        return {}
    sheet = None if source.file.suffix.lower() == ".csv" else RETURNS_SPEC.sheet
    return {"file": str(source.file), "sheet": sheet}


def _return_name(provider: str, service: str, category: str) -> str:
    """How a warning names one return: provider reference, service and care home category."""
    return f"provider {provider}, {service}" + (f" {category}" if category else "")


def check_returns(returns: pd.DataFrame, params: dict[str, Any], where: dict[str, Any] | None = None) -> DataQualityLog:
    """Completeness and outlier warnings on the returns (missing lines and volumes, zero totals, outliers)."""
    return _check_returns(returns, return_totals(returns, params["staff_groups"]), params, where)


def _check_returns(returns: pd.DataFrame, totals: pd.DataFrame, params: dict[str, Any],
                   where: dict[str, Any] | None) -> DataQualityLog:
    """check_returns given the returns' totals (return_totals), so a caller that has them need not recompute."""
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
    grouped = returns.groupby(RETURN_KEY, sort=False)
    first_rows = grouped["_row"].min()
    volumes = {v for names in EXPECTED_VOLUMES.values() for v in names if v in returns}
    given = {v: grouped[v].count().to_numpy() for v in volumes}
    present = set(zip(*(returns[c] for c in [*RETURN_KEY, "cost_line"])))
    for i, ((pid, service, category), row) in enumerate(first_rows.items()):
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
    d = returns.dropna(subset=["value"])
    grouped = d.groupby(keys, sort=False)
    counts = grouped["provider_id"].nunique().to_numpy()
    values = d["value"].to_numpy(dtype="float64", na_value=np.nan)
    pids, services, categories, lines, rows = (d[c].to_numpy() for c in ["provider_id", *keys, "_row"])
    for g, n in zip(_groups(grouped), counts):
        if n < min_returns:
            continue
        lo, hi = _fences(values[g], k)
        for i in g[(values[g] < lo) | (values[g] > hi)]:
            log.warn(SOURCE, f"{_return_name(pids[i], services[i], categories[i])}: {lines[i]} £{values[i]:,.2f} is "
                     f"outside {k:g}×IQR of {len(g)} returns (£{lo:,.2f} to £{hi:,.2f}); check it (kept)",
                     row=int(rows[i]), column=value_col, **where)
    return log


def _total_warnings(totals: pd.DataFrame, k: float, band: float, min_returns: int,
                    where: dict[str, Any]) -> DataQualityLog:
    """Per service and category: returns whose lines add up to £0, then totals outside the fences or the band."""
    log, value_col = DataQualityLog(), RETURNS_SPEC.published("value")
    total = totals["total"].to_numpy(dtype="float64", na_value=np.nan)
    pids, services, categories, rows = (totals[c].to_numpy() for c in [*RETURN_KEY, "row"])
    for g in _groups(totals.groupby(["service", "category"], sort=False)):
        t = total[g]
        for i in g[np.isnan(t) | (t <= 0)]:
            log.warn(SOURCE, f"{_return_name(pids[i], services[i], categories[i])}: the return's lines add up to £0",
                     row=int(rows[i]), column=value_col, **where)
        if len(g) < min_returns:
            continue
        known = t[~np.isnan(t)]
        lo, hi = _fences(known, k)
        median = _quartile_array(known)[1]
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
    for _, b in bands.iterrows():
        row = int(b["_row"]) if "_row" in b and pd.notna(b["_row"]) else None
        if b["unit"] != FEE_UNITS[service]:
            log.warn("Fee rates", f"band '{b['band']}': unit '{b['unit']}' is not the {SERVICE_NAMES[service]} unit "
                     f"'{FEE_UNITS[service]}', so it is not compared with the cost returns", row=row, column="Unit",
                     **where)
        if b["category"] is None:
            log.warn("Fee rates", f"band '{b['band']}' does not start with a care home category "
                     f"({', '.join(CARE_HOME_CATEGORIES)}), so it is not compared with a median cost", row=row,
                     column="Band or category", **where)
    return log


# ---------------------------------------------------------------------------------------------- published


def _money(value: float, pence: bool = True) -> str:
    """£ with thousands separators, to the penny or the pound."""
    return f"£{value:,.2f}" if pence else f"£{value:,.0f}"


def _published(table: Table) -> Table:
    """Guard: a published table must not carry a provider ID or a spreadsheet row."""
    leaked = PROVIDER_COLUMNS & set(table.frame.columns)
    if leaked:
        raise ValueError(f"table {table.name} would publish provider-level columns {sorted(leaked)}")
    return table


def _caption(text: str, frame: pd.DataFrame, marker: str, note: str) -> str:
    """The caption, with the suppression footnote when any cell holds the marker."""
    hit = any(is_suppressed(v, marker) for col in frame.columns for v in frame[col])
    return f"{text}. {note}" if hit else f"{text}."


def _lines_table(stats: pd.DataFrame, service: str, council: str, p: dict[str, Any], vintage: str) -> Table:
    """The published per-line quartile table."""
    d = suppress(stats, STATS, p["min_providers"], p["suppression_marker"])
    cols = (["category"] if service == "care_homes" else []) + ["group", "cost_line", "returns", *STATS]
    d = d[cols]
    text = (f"Cost of {SERVICE_NAMES[service]} in {council} by cost line, £ {UNITS[service]}: lower quartile, "
            f"median and upper quartile of providers' returns ({vintage})")
    return _published(Table("cost_lines", d, _caption(text, d, p["suppression_marker"], footnote(p)),
                            {"category": "Category", "group": "Group", "cost_line": "Cost line", "returns": "Returns",
                             "lq": "Lower quartile", "median": "Median", "uq": "Upper quartile"},
                            {"returns": "int", "lq": "gbp", "median": "gbp", "uq": "gbp"}))


def _totals_table(stats: pd.DataFrame, service: str, council: str, p: dict[str, Any], vintage: str) -> Table:
    """The published table of total cost (median of providers' totals) and the staff split."""
    d = stats.assign(staff_share=stats["staff_share"].astype("float64") * 100)
    d = suppress(d, [*STATS, "median_staff", "median_non_staff", "staff_share"], p["min_providers"],
                 p["suppression_marker"])
    d = d.assign(category=d["category"].replace("", "All returns"))[
        ["category", "returns", *STATS, "median_staff", "median_non_staff", "staff_share"]]
    text = (f"Total cost of {SERVICE_NAMES[service]} in {council}, £ {UNITS[service]}: quartiles of providers' "
            f"totals (not the sum of the line medians) and the staff / non-staff split ({vintage})")
    return _published(Table("cost_totals", d, _caption(text, d, p["suppression_marker"], footnote(p)),
                            {"category": "Category", "returns": "Returns", "lq": "Lower quartile",
                             "median": "Median total", "uq": "Upper quartile", "median_staff": "Median staff costs",
                             "median_non_staff": "Median non-staff costs", "staff_share": "Median staff share"},
                            {"returns": "int", "lq": "gbp", "median": "gbp", "uq": "gbp", "median_staff": "gbp",
                             "median_non_staff": "gbp", "staff_share": "pct"}))


def _fees_table(gaps: pd.DataFrame, service: str, council: str, p: dict[str, Any], hca: tuple[str, float] | None,
                year: str) -> Table:
    """The published fee rate vs median cost table (and vs the HCA minimum price for home care)."""
    d = suppress(gaps, ["median", "gap_gbp", "gap_pct", "impact_median"], p["min_providers"], p["suppression_marker"])
    cols = ["band", "unit", "current_rate", "returns", "median", "gap_gbp", "gap_pct", "contracted_volume",
            "impact_median"]
    headers = {"band": "Band", "unit": "Unit", "current_rate": f"Current rate {year}", "returns": "Returns",
               "median": "Median cost", "gap_gbp": "Gap (median − rate)", "gap_pct": "Gap (% of median)",
               "contracted_volume": "Contracted volume a year",
               "impact_median": "Cost of paying the median (£ a year)"}
    formats = {"current_rate": "gbp", "returns": "int", "median": "gbp", "gap_gbp": "gbp", "gap_pct": "pct",
               "contracted_volume": "int", "impact_median": "gbp0"}
    if service == "home_care" and hca is not None:
        cols += ["hca_price", "hca_gap_gbp", "hca_gap_pct"]
        headers |= {"hca_price": f"HCA minimum price {hca[0]}", "hca_gap_gbp": "Gap to HCA price",
                    "hca_gap_pct": "Gap (% of HCA price)"}
        formats |= {"hca_price": "gbp", "hca_gap_gbp": "gbp", "hca_gap_pct": "pct"}
    d = d[cols]
    text = (f"Fee rates of {SERVICE_NAMES[service]} in {council} ({year}) compared with the median cost of care: "
            "gap = median − rate (positive: rate below the median)")
    return _published(Table("cost_fees", d, _caption(text, d, p["suppression_marker"], footnote(p)), headers, formats))


def _uplift_table(uplift: pd.DataFrame, service: str, council: str, year: str, basis: str, cpi: dict) -> Table:
    """The published uplift and budget impact table."""
    d = uplift.assign(staff_share=uplift["staff_share"] * 100)[
        ["band", "current_rate", "staff_share", "share_basis", "nlw_change_pct", "cpi_pct", "uplift_pct",
         "proposed_rate", "contracted_volume", "budget_impact"]]
    text = (f"Uplift of {SERVICE_NAMES[service]} rates in {council} for {next_year(year)}: staff share × NLW change "
            f"({basis}) + non-staff share × CPI ({cpi['rate_pct']:g}%, {period_name(cpi['period'])}); "
            "budget impact = (proposed − current rate) × contracted volume.")
    return _published(Table("cost_uplift", d, text,
                            {"band": "Band", "current_rate": f"Current rate {year}", "staff_share": "Staff share",
                             "share_basis": "Staff share from", "nlw_change_pct": "NLW change",
                             "cpi_pct": "CPI", "uplift_pct": "Uplift",
                             "proposed_rate": f"Proposed rate {next_year(year)}",
                             "contracted_volume": "Contracted volume a year",
                             "budget_impact": "Budget impact (£ a year)"},
                            {"current_rate": "gbp", "staff_share": "pct", "nlw_change_pct": "pct", "cpi_pct": "pct",
                             "uplift_pct": "pct", "proposed_rate": "gbp", "contracted_volume": "int",
                             "budget_impact": "gbp0"}))


def _sensitivity_table(sens: pd.DataFrame, service: str, council: str, year: str) -> Table:
    """The published sensitivity table of the uplift's budget impact."""
    cpi_cols = [c for c in sens.columns if c.startswith("cpi_")]
    return _published(Table(
        "cost_sensitivity", sens,
        f"Budget impact (£ a year) of uplifting {SERVICE_NAMES[service]} rates in {council} for {next_year(year)} "
        "under a range of NLW changes (rows) and CPI rates (columns).",
        {"nlw_change_pct": "NLW change", **{c: f"CPI {c[4:]}%" for c in cpi_cols}},
        {"nlw_change_pct": "pct", **{c: "gbp0" for c in cpi_cols}}))


def gap_chart(gaps: pd.DataFrame, service: str, council: str, p: dict[str, Any],
              hca: tuple[str, float] | None) -> Chart:
    """Bar chart of each band's current rate beside the median cost (LQ–UQ whiskers), suppressed medians marked."""
    marker = p["suppression_marker"]
    label = [str(b) for b in gaps["band"]]
    shown = [not is_suppressed(v, marker) and v is not None and not pd.isna(v) for v in gaps["median"]]
    med = [float(v) if ok else None for v, ok in zip(gaps["median"], shown)]
    lq = [float(v) if ok else None for v, ok in zip(gaps["lq"], shown)]
    uq = [float(v) if ok else None for v, ok in zip(gaps["uq"], shown)]
    rate = gaps["current_rate"].astype("float64").tolist()
    fig = go.Figure([
        go.Bar(name="Current rate", x=label, y=rate, marker_color="#1f5f8b",
               text=[_money(r) for r in rate], textposition="outside",
               hovertemplate="%{x}: current rate £%{y:,.2f}<extra></extra>"),
        go.Bar(name="Median cost (whiskers: lower to upper quartile)", x=label, y=med, marker_color="#c77c02",
               error_y=dict(type="data", symmetric=False,
                            array=[(u - m) if m is not None else None for m, u in zip(med, uq)],
                            arrayminus=[(m - q) if m is not None else None for m, q in zip(med, lq)]),
               text=[_money(m) if m is not None else marker for m in med], textposition="outside",
               hovertemplate="%{x}: median cost £%{y:,.2f}<extra></extra>")])
    if hca is not None and service == "home_care":
        fig.add_hline(y=hca[1], line_dash="dash", line_color="#b3261e",
                      annotation_text=f"HCA minimum price {hca[0]}: {_money(hca[1])}")
    title = f"Fee rates and median cost of {SERVICE_NAMES[service]} in {council}"
    top = max([*rate, *[u for u in uq if u is not None], hca[1] if hca and service == "home_care" else 0, 1])
    fig.update_layout(title=title, barmode="group", height=420,
                      yaxis=dict(title=f"£ {UNITS[service]}", range=[0, top * 1.2]),
                      legend=dict(orientation="h", y=-0.2), margin=dict(l=70, r=20, t=60, b=110), **LAYOUT)
    parts = []
    for b, r, m, g, pct in zip(label, rate, med, gaps["gap_gbp"], gaps["gap_pct"]):
        if m is None:
            parts.append(f"{b}: rate {_money(r)}, median cost suppressed (fewer than {p['min_providers']} returns)")
        else:
            parts.append(f"{b}: rate {_money(r)}, median cost {_money(m)} (gap {_money(float(g))}, {float(pct):.0f}%)")
    hca_text = f" Dashed line: Homecare Association minimum price {hca[0]}, {_money(hca[1])}." \
        if hca is not None and service == "home_care" else ""
    alt = (f"Bar chart comparing each fee band's current rate with the median cost of care from providers' returns, "
           f"£ {UNITS[service]}. " + "; ".join(parts) + "." + hca_text)
    data = pd.DataFrame({"Fee band": label, "Current rate, £": rate, "Median cost, £": med,
                         "Lower quartile, £": lq, "Upper quartile, £": uq})
    return Chart("cost_gap", fig, title, alt, data)


def median_chart(stats_pub: pd.DataFrame, service: str, council: str, p: dict[str, Any]) -> Chart:
    """Bar chart of the median total cost per category (LQ–UQ whiskers) when there are no fee rates to compare."""
    marker = p["suppression_marker"]
    label = [str(c) or "All returns" for c in stats_pub["category"]]
    shown = [not is_suppressed(v, marker) and v is not None for v in stats_pub["median"]]
    med = [float(v) if ok else None for v, ok in zip(stats_pub["median"], shown)]
    lq = [float(v) if ok else None for v, ok in zip(stats_pub["lq"], shown)]
    uq = [float(v) if ok else None for v, ok in zip(stats_pub["uq"], shown)]
    fig = go.Figure(go.Bar(x=label, y=med, marker_color="#c77c02", text=[_money(m) if m is not None else marker
                                                                          for m in med], textposition="outside",
                           error_y=dict(type="data", symmetric=False,
                                        array=[(u - m) if m is not None else None for m, u in zip(med, uq)],
                                        arrayminus=[(m - q) if m is not None else None for m, q in zip(med, lq)])))
    title = f"Median cost of {SERVICE_NAMES[service]} in {council} (no fee rates supplied)"
    fig.update_layout(title=title, height=420, margin=dict(l=70, r=20, t=60, b=50), **LAYOUT,
                      yaxis=dict(title=f"£ {UNITS[service]}",
                                 range=[0, max([u for u in uq if u is not None] or [1]) * 1.2]))
    parts = [f"{b}: median {_money(m)}" if m is not None else f"{b}: suppressed (fewer than {p['min_providers']} "
             "returns)" for b, m in zip(label, med)]
    alt = (f"Bar chart of the median total cost of {SERVICE_NAMES[service]} from providers' returns, £ "
           f"{UNITS[service]}, with whiskers from the lower to the upper quartile. " + "; ".join(parts) + ".")
    data = pd.DataFrame({"Category": label, "Median cost, £": med, "Lower quartile, £": lq, "Upper quartile, £": uq})
    return Chart("cost_gap", fig, title, alt, data)


# ---------------------------------------------------------------------------------------------- messages


def _number(value: object) -> float | None:
    """A published cell as a float, None when suppressed or missing (for key figures)."""
    if isinstance(value, str) or value is None or pd.isna(value):
        return None
    return round(float(value), 2)


def _cost_messages(totals_pub: pd.DataFrame, service: str, council: str, p: dict[str, Any]) -> list[str]:
    """One message per category (or the service): the median total and quartiles, or why it is suppressed."""
    out = []
    for _, r in totals_pub.iterrows():
        what = SERVICE_NAMES[service] + ("" if r["category"] == "All returns" else f" ({r['category']})")
        if is_suppressed(r["median"], p["suppression_marker"]):
            out.append(f"Fewer than {p['min_providers']} providers returned costs for {what} ({int(r['returns'])} "
                       "returns), so the cost figures are not published.")
            continue
        out.append(f"The median cost of {what} in {council} was {_money(r['median'])} {UNITS[service]} (lower quartile "
                   f"{_money(r['lq'])}, upper quartile {_money(r['uq'])}; {int(r['returns'])} providers' returns)"
                   + ("." if r["staff_share"] is None else
                      f"; staff costs were a median {r['staff_share']:.0f}% of a provider's total."))
    return out


def _gap_messages(gaps_pub: pd.DataFrame, service: str, p: dict[str, Any]) -> list[str]:
    """One message per fee band with a publishable median: the gap to the median, and to the HCA price."""
    out = []
    for _, r in gaps_pub.iterrows():
        rate = f"The current rate for {r['band']} ({_money(float(r['current_rate']))} {r['unit']})"
        if is_suppressed(r["median"], p["suppression_marker"]):
            out.append(f"{rate} is not compared with a median cost: fewer than {p['min_providers']} providers "
                       f"returned costs for it ({int(r['returns'])}).")
        elif r["median"] is not None:
            gap = float(r["gap_gbp"])
            side = "below" if gap > 0 else "above"
            out.append(f"{rate} is {_money(abs(gap))} ({abs(float(r['gap_pct'])):.0f}%) {side} the median cost "
                       f"of {_money(float(r['median']))}" + (f"; paying the median would cost "
                                                            f"{_money(float(r['impact_median']), False)} a year more."
                                                            if gap > 0 else "."))
        if "hca_price" in r and pd.notna(r.get("hca_price")):
            gap = float(r["hca_gap_gbp"])
            side = "below" if gap > 0 else "above"
            out.append(f"{rate} is {_money(abs(gap))} ({abs(float(r['hca_gap_pct'])):.0f}%) {side} the Homecare "
                       f"Association Minimum Price ({_money(float(r['hca_price']))})" + ".")
    return out


def _uplift_message(uplift: pd.DataFrame, service: str, year: str, basis: str, cpi: dict) -> str:
    """The uplift and its budget impact over all bands."""
    volume = uplift["contracted_volume"].astype("float64")
    weighted = float((uplift["uplift_pct"] * volume).sum() / volume.sum()) if volume.sum() > 0 else float(
        uplift["uplift_pct"].mean())
    return (f"Uplifting {SERVICE_NAMES[service]} rates for {next_year(year)} by staff share × NLW change "
            f"({uplift['nlw_change_pct'].iloc[0]:.1f}%; {basis}) + non-staff share × CPI ({cpi['rate_pct']:g}%, "
            f"{period_name(cpi['period'])}) gives {weighted:.1f}% on average and would cost "
            f"{_money(float(uplift['budget_impact'].sum()), False)} a year more.")


# ---------------------------------------------------------------------------------------------- entry point


def _unavailable(service: str, council: str, fees: SourceTable | None) -> CostSection:
    """The section when the council supplied no returns for the service."""
    msg = (f"{council} supplied no cost of care returns for {SERVICE_NAMES[service]}, so this section has no "
           "cost figures.")
    return CostSection(service=service, available=False, messages=[msg], key_figures={"service": service,
                       "available": False}, sources=[] if fees is None else [_source("Fee rates", fees)])


def _source(name: str, table: SourceTable) -> dict[str, Any]:
    """A source line for the methodology appendix: name, file name, vintage and whether it is synthetic."""
    return {"source": name, "file": table.file.name, "vintage": table.vintage, "synthetic": bool(table.synthetic)}


def cost_section(service: str, returns: SourceTable | None, fees: SourceTable | None, council_name: str,
                 params: dict[str, Any] | None = None) -> CostSection:
    """The published cost-of-care section of one service: suppressed tables, gap chart, key figures and messages."""
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}: expected one of {', '.join(SERVICES)}")
    p = load_params(params)
    data = None if returns is None else returns.data[returns.data["service"] == service]
    if data is None or data.empty:
        return _unavailable(service, council_name, fees)
    marker, note = p["suppression_marker"], footnote(p)
    totals = return_totals(data, p["staff_groups"])
    log = _check_returns(data, totals, p, _where(returns))
    stats = total_statistics(totals)
    tables = [_lines_table(line_statistics(data), service, council_name, p, returns.vintage),
              _totals_table(stats, service, council_name, p, returns.vintage)]
    messages = _cost_messages(tables[1].frame, service, council_name, p)
    sources = [_source(SOURCE, returns)]
    key: dict[str, Any] = {"service": service, "available": True, "unit": UNITS[service],
                           "returns": int(data["provider_id"].nunique()), "min_providers": p["min_providers"],
                           "median_total": {r["category"]: _number(r["median"]) for _, r in tables[1].frame.iterrows()},
                           "suppressed": any(is_suppressed(v, marker) for t in tables for c in t.frame
                                             for v in t.frame[c])}
    bands = pd.DataFrame() if fees is None else service_fees(fees.data, service)
    if fees is not None:
        sources.append(_source("Fee rates", fees))
    if bands.empty:
        messages.append(f"{council_name} supplied no fee rates for {SERVICE_NAMES[service]}, so there is no fee gap "
                        "or uplift.")
        chart = median_chart(suppress(stats, STATS, p["min_providers"], marker), service, council_name, p)
        return CostSection(service, True, tables, [chart], key, messages, log, sources, note)
    log.extend(check_fees(bands, service, fees))
    year = str(bands["financial_year"].iloc[0])
    comparable = bands[(bands["unit"] == FEE_UNITS[service]) & bands["category"].notna()]
    gaps = fee_gap(comparable, stats)
    hca = hca_price(p, year) if service == "home_care" else None
    if hca is not None:
        gaps = hca_comparison(gaps, hca[1])
    fees_table = _fees_table(gaps, service, council_name, p, hca, year)
    change, basis = nlw_change(p, year)
    cpi = latest_cpi(p)
    shares = band_staff_shares(bands.assign(category=bands["category"].fillna("")), stats,
                               float(p["fallback_staff_share"][service]), p["min_providers"])
    uplift = uplift_table(shares, change, float(cpi["rate_pct"]))
    sens = sensitivity_table(shares, p["sensitivity"]["nlw_change_pct"], p["sensitivity"]["cpi_pct"])
    tables += [fees_table, _uplift_table(uplift, service, council_name, year, basis, cpi),
               _sensitivity_table(sens, service, council_name, year)]
    published_gaps = suppress(gaps, [*STATS, "gap_gbp", "gap_pct", "impact_median"], p["min_providers"], marker)
    messages += _gap_messages(published_gaps, service, p)
    messages.append(_uplift_message(uplift, service, year, basis, cpi))
    main = published_gaps.loc[published_gaps["contracted_volume"].astype(float).idxmax()] if len(gaps) else None
    key |= {"financial_year": year, "main_band": None if main is None else str(main["band"]),
            "main_current_rate": None if main is None else _number(main["current_rate"]),
            "main_median_cost": None if main is None else _number(main["median"]),
            "gap_gbp": None if main is None else _number(main["gap_gbp"]),
            "gap_pct": None if main is None else _number(main["gap_pct"]),
            "gap_by_band": {str(r["band"]): _number(r["gap_gbp"]) for _, r in published_gaps.iterrows()},
            "nlw_change_pct": round(change, 2), "nlw_basis": basis, "cpi_pct": float(cpi["rate_pct"]),
            "cpi_period": str(cpi["period"]),
            "uplift_budget_impact": round(float(uplift["budget_impact"].sum()), 2),
            "uplift_pct_by_band": {str(b): round(float(u), 2) for b, u in zip(uplift["band"], uplift["uplift_pct"])},
            "hca_year": None if hca is None else hca[0], "hca_price": None if hca is None else hca[1],
            "suppressed": key["suppressed"] or any(is_suppressed(v, marker) for v in fees_table.frame["median"])}
    if math.isnan(key["uplift_budget_impact"]):
        key["uplift_budget_impact"] = None
    charts = [gap_chart(published_gaps, service, council_name, p, hca)]
    return CostSection(service, True, tables, charts, key, messages, log, sources, note)


# ---------------------------------------------------------------------------------------------- internal


def internal_box_plot(returns: pd.DataFrame, service: str, category: str = "") -> go.Figure:
    """INTERNAL: box plot of every provider's value per cost line (hover shows the provider ID)."""
    d = returns[(returns["service"] == service) & (returns["category"] == category)]
    d = _order(d.assign(value=d["value"].astype("float64")))
    fig = go.Figure()
    for line, part in d.groupby("cost_line", sort=False):
        fig.add_trace(go.Box(x=part["value"], name=line, boxpoints="all", jitter=0.3, quartilemethod="inclusive",
                             text=part["provider_id"],
                             hovertemplate="%{text}: £%{x:,.2f}<extra>%{fullData.name}</extra>",
                             showlegend=False, marker_color="#1f5f8b"))
    what = SERVICE_NAMES[service] + (f" ({category})" if category else "")
    fig.update_layout(title=f"INTERNAL: providers' costs of {what} by cost line, £ {UNITS[service]}",
                      template=TEMPLATE, height=max(400, 22 * d["cost_line"].nunique() + 120), width=900,
                      yaxis=dict(autorange="reversed"), margin=dict(l=320))
    return fig


def internal_provider_chart(totals: pd.DataFrame, service: str, category: str = "") -> go.Figure:
    """INTERNAL: each provider's total, split into staff and non-staff, against the median total."""
    d = totals[(totals["service"] == service) & (totals["category"] == category)].sort_values("total")
    median = quartiles(d["total"])["median"]
    fig = go.Figure([go.Bar(name="Staff", x=d["provider_id"], y=d["staff"].astype("float64"), marker_color="#1f5f8b"),
                     go.Bar(name="Non-staff", x=d["provider_id"], y=d["non_staff"].astype("float64"),
                            marker_color="#c77c02")])
    fig.add_hline(y=median, line_dash="dash", annotation_text=f"median total {_money(median)}")
    what = SERVICE_NAMES[service] + (f" ({category})" if category else "")
    fig.update_layout(barmode="stack", template=TEMPLATE, height=420, width=900,
                      title=f"INTERNAL: total cost of {what} per provider, £ {UNITS[service]}")
    return fig
