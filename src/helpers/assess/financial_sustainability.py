"""Care home financial sustainability: dependency on council funding, payments outstanding and a per-home risk level.

- dependency % = council-funded beds ÷ beds × 100 (council-funded beds from the finance return, else the
  occupancy return's latest date);
- outstanding % = payments outstanding ÷ average monthly payment × 100;
- risk level: High if dependency or outstanding % reaches its ``high_from`` or a credit red flag is set;
  else Moderate if either reaches its ``moderate_from`` or any hardship fund was used; else Low. A value
  equal to a threshold takes the higher level; a metric that cannot be worked out triggers nothing.

Per-home rows are internal; the MPS gets only ``share_at_risk`` (suppressed below ``min_homes`` homes).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from helpers import params as params_module
from helpers.errors import InputError
from helpers.load.local import percent_of

PARAMS = "oversight"
LEVELS = ("Low", "Moderate", "High")
AT_RISK = ("Moderate", "High")
FROM_RETURN, FROM_OCCUPANCY, NOT_KNOWN = "finance return", "occupancy return", "not known"


@dataclass(frozen=True)
class FinanceParams:
    """Validated thresholds of the per-home financial risk level."""

    dependency_moderate: float
    dependency_high: float
    outstanding_moderate: float
    outstanding_high: float
    hardship_is_moderate: bool
    credit_is_high: bool
    min_homes: int


def finance_params(raw: dict[str, Any] | None = None) -> FinanceParams:
    """Read and check ``financial_risk`` and ``published.min_homes`` of params/oversight.yml."""
    raw = params_module.load(PARAMS) if raw is None else raw

    def need(key: str, kind: str = "number", **limits: float) -> Any:
        return params_module.require(raw, key, kind, name=PARAMS, **limits)

    pairs = {}
    for metric in ("dependency_pct", "outstanding_pct"):
        low = float(need(f"financial_risk.{metric}.moderate_from", minimum=0))
        high = float(need(f"financial_risk.{metric}.high_from", minimum=0))
        if high < low:
            raise InputError(f"key 'financial_risk.{metric}': high_from ({high:g}) is below moderate_from ({low:g})",
                             file=params_module.path_of(PARAMS))
        pairs[metric] = (low, high)
    return FinanceParams(*pairs["dependency_pct"], *pairs["outstanding_pct"],
                         need("financial_risk.hardship_fund_is_moderate", "bool"),
                         need("financial_risk.credit_red_flag_is_high", "bool"),
                         need("published.min_homes", "int", minimum=1))


def latest_returns(fin: pd.DataFrame) -> pd.DataFrame:
    """Each home's latest row (by As at date)."""
    ordered = fin.sort_values(["location_id", "as_at"])
    # the last row of each home in that order (a required field, never missing: groupby's tail(1) without a grouping)
    return ordered.drop_duplicates("location_id", keep="last").reset_index(drop=True)


def occupancy_council_funded(occupancy: pd.DataFrame) -> pd.DataFrame:
    """Council-funded beds per home at the occupancy return's latest date (summed over bed categories)."""
    latest = occupancy[occupancy["date"] == occupancy["date"].max()]
    grouped = latest.groupby("location_id")["council_funded"]  # one grouping for both
    known, funded = grouped.count(), grouped.sum()
    return funded[known > 0].astype("Int64").rename("occupancy_council_funded").reset_index()


def fill_council_funded(fin: pd.DataFrame, occupancy: pd.DataFrame | None) -> pd.DataFrame:
    """Fill blank council-funded beds from the occupancy return; ``council_funded_source`` says where each came from."""
    out = fin.copy()
    source = pd.Series(FROM_RETURN, index=out.index, dtype="str").where(out["council_funded_beds"].notna(), NOT_KNOWN)
    if occupancy is not None and len(occupancy):
        # each home's figure looked up by its ID (the IDs are unique there), as a left merge gave it
        funded = occupancy_council_funded(occupancy).set_index("location_id")["occupancy_council_funded"]
        fill = pd.Series(out["location_id"].map(funded).to_numpy(), index=out.index, dtype="Int64")
        source = source.where(~(out["council_funded_beds"].isna() & fill.notna()), FROM_OCCUPANCY)
        out["council_funded_beds"] = out["council_funded_beds"].astype("Int64").fillna(fill)
    out["council_funded_source"] = source
    return out


def financial_risk(fin: pd.DataFrame, p: FinanceParams) -> pd.DataFrame:
    """Add ``dependency_pct``, ``outstanding_pct``, ``risk_level`` (Low/Moderate/High) and ``risk_reasons``."""
    out = fin.copy()
    out["dependency_pct"] = percent_of(out["council_funded_beds"].astype("Float64"), out["beds"].astype("Float64"))
    out["outstanding_pct"] = percent_of(out["payments_outstanding"], out["average_monthly_payment"])
    hardship = (out["hardship_fund_used"].fillna(0) > 0) & p.hardship_is_moderate
    credit = out["credit_red_flag"].astype(bool) & p.credit_is_high
    high = {"dependency": out["dependency_pct"] >= p.dependency_high,
            "outstanding payments": out["outstanding_pct"] >= p.outstanding_high, "credit red flag": credit}
    moderate = {"dependency": out["dependency_pct"] >= p.dependency_moderate,
                "outstanding payments": out["outstanding_pct"] >= p.outstanding_moderate,
                "hardship fund used": hardship}
    high_any = _any(high, out.index)
    moderate_any = _any(moderate, out.index)
    out["risk_level"] = pd.Series("Low", index=out.index, dtype="str").where(~moderate_any, "Moderate").where(
        ~high_any, "High")
    out["risk_reasons"] = _reasons(out, high, moderate)
    return out


def _any(conditions: dict[str, pd.Series], index: pd.Index) -> pd.Series:
    flags = [v.fillna(False).astype(bool).to_numpy(dtype=bool) for v in conditions.values()]
    return pd.Series(np.logical_or.reduce(flags) if flags else np.zeros(len(index), dtype=bool), index=index)


def _reasons(out: pd.DataFrame, high: dict[str, pd.Series], moderate: dict[str, pd.Series]) -> pd.Series:
    """Per home the triggers, e.g. 'High: dependency; Moderate: hardship fund used' ('' when Low).

    ``high`` and ``moderate``: conditions on ``out``'s rows (indexed like it), read by position."""
    hi = {k: v.fillna(False).astype(bool).to_numpy(dtype=bool) for k, v in high.items()}
    mo = {k: v.fillna(False).astype(bool).to_numpy(dtype=bool) & ~hi[k] if k in hi else
          v.fillna(False).astype(bool).to_numpy(dtype=bool) for k, v in moderate.items()}

    def text(i: int) -> str:
        parts = [f"{level}: {', '.join(hits)}" for level, flags in (("High", hi), ("Moderate", mo))
                 if (hits := [c for c, hit in flags.items() if hit[i]])]
        return "; ".join(parts)
    return pd.Series([text(i) for i in range(len(out))], index=out.index, dtype="str")


def share_at_risk(risk: pd.DataFrame, min_homes: int) -> dict[str, Any]:
    """Homes assessed, at moderate and at high risk, and the % at moderate or high (None when suppressed)."""
    homes = int(len(risk))
    moderate = int((risk["risk_level"] == "Moderate").sum())
    high = int((risk["risk_level"] == "High").sum())
    suppressed = homes < min_homes
    share = None if suppressed or homes == 0 else round((moderate + high) / homes * 100, 1)
    return {"homes": homes, "moderate": None if suppressed else moderate, "high": None if suppressed else high,
            "at_risk_pct": share, "suppressed": suppressed}


def per_home(fin: pd.DataFrame, occupancy: pd.DataFrame | None, p: FinanceParams) -> pd.DataFrame:
    """Each home's latest return with council-funded beds filled in and its risk level, highest risk first."""
    risk = financial_risk(fill_council_funded(latest_returns(fin), occupancy), p)
    order = risk["risk_level"].map({level: i for i, level in enumerate(reversed(LEVELS))})
    risk = risk.assign(_order=order).sort_values(["_order", "location_id"]).drop(columns="_order")
    return risk.drop(columns=[c for c in ("_row",) if c in risk]).reset_index(drop=True)
