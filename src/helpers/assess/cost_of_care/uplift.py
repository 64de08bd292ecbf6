"""Next year's fee uplift and its budget impact, the sensitivity of that impact, and a what-if calculator.

Uplift % = staff share × NLW change % + (1 − staff share) × CPI %; proposed rate = current rate
raised by the uplift, to the penny; budget impact £ a year = (proposed − current rate) × contracted
volume (units a year).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from helpers.assess.cost_of_care.statistics import with_statistics


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
    merged = with_statistics(bands, stats, ["returns", "staff_share"])
    returns = merged["returns"].fillna(0).to_numpy()
    share = pd.to_numeric(merged["staff_share"], errors="coerce").astype("float64").to_numpy()
    used = (returns >= min_providers) & ~np.isnan(share)
    merged["staff_share"] = np.where(used, share, float(fallback))
    merged["share_basis"] = [f"returns ({int(n)})" if ok else "assumed (too few returns)" for n, ok in zip(returns, used)]
    del merged["returns"]  # merged is this function's own frame
    return merged


def uplift_table(bands: pd.DataFrame, nlw_change_pct: float, cpi_pct: float) -> pd.DataFrame:
    """Per band (with staff_share): uplift %, proposed rate and budget impact £ a year."""
    out = bands.copy()
    out["nlw_change_pct"], out["cpi_pct"] = float(nlw_change_pct), float(cpi_pct)
    # on plain arrays: the same float operations as on the columns, without a Series each
    uplift = uplift_pct(out["staff_share"].astype("float64").to_numpy(), nlw_change_pct, cpi_pct)
    rate = out["current_rate"].astype("float64").to_numpy()
    proposed = proposed_rate(rate, uplift)
    out["uplift_pct"], out["proposed_rate"] = uplift, proposed
    out["budget_impact"] = budget_impact(rate, proposed, out["contracted_volume"].astype("float64").to_numpy())
    return out


def sensitivity_table(bands: pd.DataFrame, nlw_values: list[float], cpi_values: list[float]) -> pd.DataFrame:
    """Total budget impact £ a year of the uplift over all bands: one row per NLW change, one column per CPI."""
    share, rate, volume = (bands[c].astype("float64").to_numpy()
                           for c in ("staff_share", "current_rate", "contracted_volume"))
    # every NLW change × CPI × band at once (axes in that order): each cell the same float operations as one by one,
    # and each total the same sum over the bands (a contiguous last axis is summed as a 1-D array is)
    nlw = np.asarray(nlw_values, dtype="float64").reshape(-1, 1, 1)
    cpi = np.asarray(cpi_values, dtype="float64").reshape(1, -1, 1)
    impact = np.nansum(budget_impact(rate, proposed_rate(rate, uplift_pct(share, nlw, cpi)), volume), axis=-1)
    return pd.DataFrame([{"nlw_change_pct": float(n), **{f"cpi_{float(c):g}": float(impact[i, j])
                                                         for j, c in enumerate(cpi_values)}}
                         for i, n in enumerate(nlw_values)])


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
