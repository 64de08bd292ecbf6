"""Fees in the national fee-return categories: each category's rate this year and last, and its gaps.

Method (docs/data_sources.md, "Fees in the national fee-return categories"):

- A category's rate is the average of its bands' current rates weighted by their contracted volume,
  Σ(rate × volume) ÷ Σ volume (the plain mean when no band has a volume). "This year" is the service's
  latest financial year in the fee rates (the year the cost section uses); last year is the financial
  year before it, from the same file's rows, when it has rows of that category.
- Increase: rate − last year's rate (£) and as % of last year's rate.
- Gap to the median cost of care = median − rate (£, and % of the median; positive: the rate is below
  the median), with the median of providers' totals of the matching cost category: the residential
  categories (65+ and 18–64) against the Residential median, the nursing ones against the Nursing
  median (cost returns are not split by age), home care against the home care median. A median from
  fewer than ``min_providers`` returns is suppressed, and so is its gap.
- Home care also against the Homecare Association Minimum Price of the year (else the latest earlier
  year in params): (price − rate) ÷ price × 100.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from helpers.assess.cost_of_care.disclosure import caption, is_suppressed, refuse_provider_columns
from helpers.assess.cost_of_care.messages import records
from helpers.assess.cost_of_care.parameters import footnote, load_params
from helpers.assess.cost_of_care.rates import hca_price
from helpers.assess.cost_of_care.statistics import return_totals, total_statistics
from helpers.assess.cost_of_care.wording import money, year as fy
from helpers.load.fee_rates import CARE_HOME_FEE_CATEGORIES, FEE_CATEGORIES, HOME_CARE_CATEGORY
from helpers.load.reading import SourceTable
from helpers.present import wording
from helpers.present.tables import Table
from helpers.services import name as service_name

SERVICE = {**{c: "care_homes" for c in CARE_HOME_FEE_CATEGORIES}, HOME_CARE_CATEGORY: "home_care"}
COST_CATEGORY = {c: ("Nursing" if c.endswith("nursing") else "Residential") for c in CARE_HOME_FEE_CATEGORIES} | {
    HOME_CARE_CATEGORY: ""}
RATE_NAME = {**{c: f"{c} rate" for c in CARE_HOME_FEE_CATEGORIES},
             HOME_CARE_CATEGORY: "home care rate per contact hour"}
UNIT = {"care_homes": " a week", "home_care": ""}


def previous_year(financial_year: str) -> str:
    """The financial year before one like 2026-27 (→ 2025-26)."""
    start = int(financial_year[:4]) - 1
    return f"{start}-{(start + 1) % 100:02d}"


def weighted_rate(rows: pd.DataFrame) -> float | None:
    """Σ(rate × volume) ÷ Σ volume over the rows; the plain mean when the volumes add to 0; None without rows."""
    if rows.empty:
        return None
    return _weighted(*(rows[c].astype("float64").to_numpy() for c in ("current_rate", "contracted_volume")))


def _weighted(rate: np.ndarray, volume: np.ndarray) -> float:
    """``weighted_rate`` of non-empty float rates and volumes (NaN: missing), summed as pandas sums: NaN as 0."""
    volume = np.where(np.isnan(volume), 0.0, volume)
    total = volume.sum()
    if not total > 0:
        return float(pd.Series(rate).mean())
    weighted = rate * volume
    return float(np.where(np.isnan(weighted), 0.0, weighted).sum() / total)


def category_rates(fees: pd.DataFrame, service: str) -> tuple[str | None, pd.DataFrame]:
    """The service's fee year and, per fee category with bands in that year (in FEE_CATEGORIES order): bands,
    volume, rate, last year's rate and the increase in £ and %. (None, empty) when the service has no rows."""
    cols = ["category", "bands", "volume", "rate", "previous", "increase_gbp", "increase_pct"]
    mine = (fees["service"] == service).to_numpy(dtype=bool)
    if not mine.any():
        return None, pd.DataFrame(columns=cols)
    years = fees["financial_year"]
    year = str(years[mine].max())
    # the rows' year and category as plain arrays, compared once per category (a fee file has a few dozen rows)
    years, categories = years.to_numpy(dtype=object), fees["fee_category"].to_numpy(dtype=object)
    rate, volume = (fees[c].astype("float64").to_numpy() for c in ("current_rate", "contracted_volume"))
    this, last = mine & (years == year), mine & (years == previous_year(year))
    rows = []
    for category in (c for c in FEE_CATEGORIES if SERVICE[c] == service):
        now = this & (categories == category)
        if not now.any():
            continue
        before = last & (categories == category)
        rate_now = _weighted(rate[now], volume[now])
        previous = _weighted(rate[before], volume[before]) if before.any() else None
        increase = None if previous is None else rate_now - previous
        rows.append({"category": category, "bands": int(now.sum()),
                     "volume": float(np.where(np.isnan(volume[now]), 0.0, volume[now]).sum()), "rate": rate_now,
                     "previous": previous, "increase_gbp": increase,
                     "increase_pct": None if previous is None or previous <= 0 else increase / previous * 100})
    return year, pd.DataFrame(rows, columns=cols)


def category_gaps(rates: pd.DataFrame, stats: pd.DataFrame | None, service: str, min_providers: int, marker: str,
                  hca: tuple[str, float] | None = None) -> pd.DataFrame:
    """Each category's matching median cost (of ``total_statistics`` rows), returns, gap £ and % of the median
    (marker when the median is from fewer than min_providers returns; None without a median), and for home
    care the gap to the HCA price (£ and % of the price)."""
    out = rates.copy()
    first: dict[tuple, int] = {}  # each service and category's first statistics row
    if stats is not None:
        for i, key in enumerate(zip(stats["service"].tolist(), stats["category"].tolist())):
            first.setdefault(key, i)
        median_of, returns_of = stats["median"].tolist(), stats["returns"].tolist()
    medians, returns = [], []
    for category in out["category"]:
        i = first.get((service, COST_CATEGORY[category]))
        returns.append(0 if i is None else int(returns_of[i]))
        medians.append(float(median_of[i]) if i is not None and pd.notna(median_of[i]) else None)
    out["returns"] = returns
    shown = [m is not None and n >= min_providers for m, n in zip(medians, returns)]
    gap = [None if m is None else m - r for m, r in zip(medians, out["rate"])]
    out["median"] = [m if ok else (marker if m is not None else None) for m, ok in zip(medians, shown)]
    out["gap_gbp"] = [g if ok else (marker if g is not None else None) for g, ok in zip(gap, shown)]
    out["gap_pct"] = [g / m * 100 if ok and m > 0 else (marker if g is not None else None)
                      for g, m, ok in zip(gap, medians, shown)]
    if hca is not None and service == "home_care":
        out["hca_price"] = float(hca[1])
        out["hca_gap_gbp"] = out["hca_price"] - out["rate"]
        out["hca_gap_pct"] = out["hca_gap_gbp"] / out["hca_price"] * 100
    return out


def _figure(value: object) -> float | None:
    """A key figure: rounded to 2 places; None when missing or suppressed."""
    if value is None or isinstance(value, str) or pd.isna(value):
        return None
    return round(float(value), 2)


def key_figures(gaps: pd.DataFrame) -> dict[str, dict[str, float | None]]:
    """{category: {rate, previous, increase_pct, gap_to_median_pct, gap_to_hca_pct}}."""
    return {str(r["category"]): {"rate": _figure(r["rate"]), "previous": _figure(r["previous"]),
                                 "increase_pct": _figure(r["increase_pct"]),
                                 "gap_to_median_pct": _figure(r["gap_pct"]),
                                 "gap_to_hca_pct": _figure(r.get("hca_gap_pct"))} for r in records(gaps)}


def _median_name(category: str, service: str) -> str:
    cost = COST_CATEGORY[category]
    return f"{cost.lower()} care" if cost else service_name(service)


def messages(gaps: pd.DataFrame, service: str, year: str, marker: str, min_providers: int) -> list[str]:
    """One message per category: its rate and the change on last year; the gap to the median; the HCA gap."""
    out = []
    for r in records(gaps):
        text = f"The council's {RATE_NAME[r['category']]} for {fy(year)} is {money(r['rate'])}{UNIT[service]}"
        if r["previous"] is None or pd.isna(r["previous"]):
            text += f" (no {fy(previous_year(year))} rate to compare)."
        else:
            change = float(r["increase_gbp"])
            text += (f", {'up' if change >= 0 else 'down'} {money(abs(change))} "
                     f"({wording.percent(abs(float(r['increase_pct'])), 1)}) on {fy(previous_year(year))}.")
        if is_suppressed(r["median"], marker):
            text += (f" Its median cost is not published: fewer than {wording.plural(min_providers, 'provider')} "
                     "returned costs.")
        elif r["median"] is not None:
            gap = float(r["gap_gbp"])
            text += (f" That is {money(abs(gap))} ({wording.percent(abs(float(r['gap_pct'])), 1)}) "
                     f"{'below' if gap > 0 else 'above'} the median cost of {_median_name(r['category'], service)} "
                     f"({money(float(r['median']))}).")
        if "hca_price" in r and pd.notna(r.get("hca_price")):
            gap = float(r["hca_gap_gbp"])
            text += (f" It is {wording.percent(abs(float(r['hca_gap_pct'])), 1)} {'below' if gap > 0 else 'above'} "
                     f"the Homecare Association Minimum Price ({money(float(r['hca_price']))}).")
        out.append(text)
    return out


def table(gaps: pd.DataFrame, service: str, council: str, year: str, p: dict[str, Any],
          hca: tuple[str, float] | None) -> Table:
    """The published table: each category's rate, last year's, the increase and the gaps (suppressed medians
    marked)."""
    prev = previous_year(year)
    cols = ["category", "rate", "previous", "increase_gbp", "increase_pct", "returns", "median", "gap_gbp", "gap_pct"]
    headers = {"category": "Fee category", "rate": f"Rate {fy(year)}", "previous": f"Rate {fy(prev)}",
               "increase_gbp": "Increase (£)", "increase_pct": "Increase (%)", "returns": "Returns",
               "median": "Median cost", "gap_gbp": "Gap (median − rate)", "gap_pct": "Gap (% of median)"}
    formats = {"rate": "gbp", "previous": "gbp", "increase_gbp": "gbp", "increase_pct": "pct", "returns": "int",
               "median": "gbp", "gap_gbp": "gbp", "gap_pct": "pct"}
    if "hca_price" in gaps and hca is not None:
        cols += ["hca_price", "hca_gap_gbp", "hca_gap_pct"]
        headers |= {"hca_price": f"HCA minimum price {fy(hca[0])}", "hca_gap_gbp": "Gap to HCA price",
                    "hca_gap_pct": "Gap (% of HCA price)"}
        formats |= {"hca_price": "gbp", "hca_gap_gbp": "gbp", "hca_gap_pct": "pct"}
    d = gaps[cols]
    what = ("Care home fee rates" if service == "care_homes" else f"Fee rates of {service_name(service)}")
    cost = "the Residential or Nursing median cost" if service == "care_homes" else "the median cost"
    text = (f"{what} in {council} in the national fee-return categories, {fy(year)} against {fy(prev)}, and {cost} "
            "of care. A category's rate is its bands' rates weighted by contracted volume. Gap = median − rate "
            "(positive: rate below the median)")
    return refuse_provider_columns(Table("fee_categories", d, caption(text, d, p["suppression_marker"],
                                                                      footnote(p)), headers, formats))


@dataclass
class FeeCategories:
    """The fee categories part of a service's cost section: a table (None when no band has a category),
    messages and key figures ({} when none)."""

    table: Table | None = None
    messages: list[str] = field(default_factory=list)
    key_figures: dict[str, Any] = field(default_factory=dict)


def fee_categories(service: str, returns: SourceTable | None, fees: SourceTable | None, council: str,
                   params: dict[str, Any] | None = None, statistics: pd.DataFrame | None = None) -> FeeCategories:
    """The service's fee categories: rates this year and last, increase, gap to the median cost and to the HCA
    price (home care). Empty for a service without categorised bands (supported living, day opportunities).

    ``statistics``: ``total_statistics`` of the service's returns when the caller has them (the cost section's,
    ``CostSection.statistics``); else computed here from ``returns``."""
    if fees is None or "fee_category" not in fees.data:
        return FeeCategories()
    year, rates = category_rates(fees.data, service)
    if year is None or rates.empty:
        return FeeCategories()
    p = load_params(params)
    stats = statistics
    if stats is None:
        data = None if returns is None else returns.data[returns.data["service"] == service]
        stats = None if data is None or data.empty else total_statistics(return_totals(data, p["staff_groups"]))
    hca = hca_price(p, year) if service == "home_care" else None
    gaps = category_gaps(rates, stats, service, p["min_providers"], p["suppression_marker"], hca)
    return FeeCategories(table(gaps, service, council, year, p, hca),
                         messages(gaps, service, year, p["suppression_marker"], p["min_providers"]),
                         {"fee_categories": key_figures(gaps)})
