"""The council's fee rates against the median cost: which cost category a fee band is, the gap and what closing it costs.

Fee gap = median cost − current rate (£, and % of the median): positive means the rate is below
the median. Home care rates are also compared with the Homecare Association Minimum Price.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.assess.cost_of_care.statistics import STATS, with_statistics
from helpers.assess.cost_of_care.uplift import budget_impact
from helpers.load.local import CARE_HOME_CATEGORIES

FEE_UNITS = {"care_homes": "per week", "home_care": "per hour", "supported_living": "per hour",
             "day_opportunities": "per session"}


def band_category(band: str, service: str) -> str | None:
    """The care home category a fee band is for (the longest category its name starts with); "" for other services."""
    if service != "care_homes":
        return ""
    folded = band.strip().casefold()
    hits = [c for c in CARE_HOME_CATEGORIES if folded.startswith(c.casefold())]
    return max(hits, key=len) if hits else None


def service_fees(fees: pd.DataFrame, service: str) -> pd.DataFrame:
    """The service's fee bands of its latest financial year, with the cost category each band matches."""
    mine = (fees["service"] == service).to_numpy(dtype=bool)
    if not mine.any():
        return fees[mine].assign(category=pd.Series(dtype=object))
    years = fees["financial_year"]
    d = fees.iloc[np.flatnonzero(mine & (years == years[mine].max()).to_numpy(dtype=bool))].reset_index(drop=True)
    d["category"] = [band_category(b, service) for b in d["band"]]
    return d


def fee_gap(bands: pd.DataFrame, stats: pd.DataFrame) -> pd.DataFrame:
    """Per fee band: returns, quartiles of the matching total, gap £ and % of the median, cost of paying it."""
    merged = with_statistics(bands, stats, ["returns", *STATS])
    if merged["returns"].dtype != np.int64:  # a band without statistics: no returns
        merged["returns"] = merged["returns"].fillna(0).astype(int)
    # the arithmetic on plain arrays: the same float operations as on the columns, without a Series each
    rate = merged["current_rate"].astype("float64").to_numpy()
    median = pd.to_numeric(merged["median"], errors="coerce").astype("float64").to_numpy()
    gap = median - rate
    merged["gap_gbp"] = gap
    merged["gap_pct"] = gap / np.where(median > 0, median, np.nan) * 100
    merged["impact_median"] = budget_impact(rate, median, merged["contracted_volume"].astype("float64").to_numpy())
    return merged


def hca_comparison(bands: pd.DataFrame, price: float) -> pd.DataFrame:
    """Per home care band: the HCA minimum price and the rate's shortfall below it (£ and % of the price)."""
    out = bands.copy()
    out["hca_price"] = float(price)
    out["hca_gap_gbp"] = out["hca_price"] - out["current_rate"].astype("float64")
    out["hca_gap_pct"] = out["hca_gap_gbp"] / out["hca_price"] * 100
    return out
