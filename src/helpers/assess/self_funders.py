"""Self-funders in care homes: occupied beds less the council's long-term residents, a rough estimate of the rest.

Method (docs/data_sources.md, "Self-funders: how the estimate is made"):

- occupied beds: the council's occupancy return on its latest date, summed over the homes in it;
- council-funded residents: ASC-FR long-term support clients in the residential and nursing settings
  (all adult ages), the council's count over a financial year;
- self-funders = occupied beds − council-funded residents, never below 0 (set to 0 and marked
  ``floored`` when the council funds more people than beds are occupied); share = self-funders ÷
  occupied beds × 100.

Split by setting, the residential row compares beds in the Residential and Residential dementia
categories with ASC-FR's Residential setting, the nursing row the Nursing categories with its Nursing
setting; each row is floored on its own, so the rows need not add up to the total.

What it leaves in or out, all of which the published note names: residents funded by the NHS
(continuing healthcare) or placed by other councils are in the occupied beds, so they count as
self-funders here; the council's residents placed outside its area are in ASC-FR but not in the
beds; ASC-FR counts everyone supported during a year while the occupancy return counts one day, so it
is larger than the council's residents on any one day. The estimate is a lower bound in the last
respect and an upper bound in the first two.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

SETTINGS = {"Residential": ("Residential", "Residential dementia"), "Nursing": ("Nursing", "Nursing dementia")}
ALL = "All care homes"


@dataclass(frozen=True)
class Estimate:
    """One self-funder estimate: the two counts it comes from, the estimate and its share of occupied beds."""

    occupied: float
    council_funded: float
    self_funders: float
    share_pct: float | None
    floored: bool


def estimate(occupied: float, council_funded: float) -> Estimate:
    """Self-funders = occupied − council-funded, floored at 0; share = self-funders ÷ occupied × 100 (None when
    no bed is occupied)."""
    occupied, council_funded = float(occupied), float(council_funded)
    raw = occupied - council_funded
    self_funders = max(raw, 0.0)
    share = self_funders / occupied * 100 if occupied > 0 else None
    return Estimate(occupied, council_funded, self_funders, share, raw < 0)


def estimate_table(latest: pd.DataFrame, funded: dict[str, float]) -> pd.DataFrame:
    """Per setting (Residential, Nursing) and for all care homes: occupied beds, council-funded residents, the
    estimate, its share and whether it was floored at 0.

    ``latest``: one date's occupancy by category (``helpers.load.occupancy.occupancy_by_period`` rows of the
    latest date); ``funded``: ASC-FR long-term clients by setting ({"Residential": 1500, "Nursing": 900}); a
    setting missing from ``funded`` gets no row of its own (the total uses the settings given).
    """
    rows = []
    for setting, categories in SETTINGS.items():
        if setting not in funded:
            continue
        occupied = float(latest.loc[latest["category"].isin(categories), "occupied"].sum())
        rows.append((setting, estimate(occupied, funded[setting])))
    total_occupied = latest.loc[latest["category"] == ALL, "occupied"]
    occupied = float(total_occupied.iloc[0]) if len(total_occupied) else float(
        latest.loc[latest["category"].isin([c for cs in SETTINGS.values() for c in cs]), "occupied"].sum())
    rows.append((ALL, estimate(occupied, sum(funded.values()))))
    return pd.DataFrame([{"setting": name, "occupied": e.occupied, "council_funded": e.council_funded,
                          "self_funders": e.self_funders, "self_funder_pct": e.share_pct, "floored": e.floored}
                         for name, e in rows])
