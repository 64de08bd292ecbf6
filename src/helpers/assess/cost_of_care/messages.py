"""The cost-of-care key messages, written from the published (suppressed) figures."""
from __future__ import annotations

from typing import Any

import pandas as pd

from helpers.assess.cost_of_care.disclosure import is_suppressed
from helpers.assess.cost_of_care.rates import next_year, period_name
from helpers.assess.cost_of_care.wording import money, rates_of, year as fy
from helpers.present import wording
from helpers.load.cost_returns import UNITS
from helpers.services import name as service_name


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The frame's rows as {column: cell}, the cells as iterrows gives them for a frame with a text column (plain
    Python values, NA for a missing nullable number), without building a Series per row."""
    return [dict(zip(frame.columns, cells)) for cells in zip(*(frame[c].tolist() for c in frame.columns))]


def cost_messages(totals_pub: pd.DataFrame, service: str, council: str, p: dict[str, Any]) -> list[str]:
    """One message per category (or the service): the median total and quartiles, or why it is suppressed."""
    out = []
    for r in records(totals_pub):
        what = service_name(service) + ("" if r["category"] == "All returns" else f" ({r['category']})")
        if is_suppressed(r["median"], p["suppression_marker"]):
            out.append(f"Fewer than {wording.plural(p['min_providers'], 'provider')} returned costs for {what} "
                       f"({wording.plural(r['returns'], 'return')}), so the cost figures are not published.")
            continue
        out.append(f"The median cost of {what} in {council} was {money(r['median'])} {UNITS[service]}, from "
                   f"{wording.plural(r['returns'], 'provider')}' returns. The lower quartile was {money(r['lq'])} and "
                   f"the upper quartile {money(r['uq'])}."
                   + ("" if r["staff_share"] is None else
                      f" Staff costs were a median {wording.percent(r['staff_share'])} of a provider's total."))
    return out


def gap_messages(gaps_pub: pd.DataFrame, service: str, p: dict[str, Any]) -> list[str]:
    """One message per fee band with a publishable median: the gap to the median, and to the HCA price."""
    out = []
    for r in records(gaps_pub):
        rate = f"The current rate for {r['band']} ({money(float(r['current_rate']))} {r['unit']})"
        if is_suppressed(r["median"], p["suppression_marker"]):
            out.append(f"{rate} is not compared with a median cost: fewer than "
                       f"{wording.plural(p['min_providers'], 'provider')} returned costs for it "
                       f"({wording.whole(r['returns'])}).")
        elif r["median"] is not None:
            gap = float(r["gap_gbp"])
            side = "below" if gap > 0 else "above"
            out.append(f"{rate} is {money(abs(gap))} ({wording.percent(abs(float(r['gap_pct'])))}) {side} the median "
                       f"cost of {money(float(r['median']))}." + (f" Paying the median would cost "
                                                                  f"{money(float(r['impact_median']), False)} a year "
                                                                  "more." if gap > 0 else ""))
        if "hca_price" in r and pd.notna(r.get("hca_price")):
            gap = float(r["hca_gap_gbp"])
            side = "below" if gap > 0 else "above"
            out.append(f"{rate} is {money(abs(gap))} ({wording.percent(abs(float(r['hca_gap_pct'])))}) {side} the "
                       f"Homecare Association Minimum Price ({money(float(r['hca_price']))}).")
    return out


def uplift_message(uplift: pd.DataFrame, service: str, year: str, basis: str, cpi: dict) -> str:
    """The uplift and its budget impact over all bands."""
    volume = uplift["contracted_volume"].astype("float64")
    weighted = float((uplift["uplift_pct"] * volume).sum() / volume.sum()) if volume.sum() > 0 else float(
        uplift["uplift_pct"].mean())
    return (f"Raising {rates_of(service)} rates for {fy(next_year(year))} in line with costs would add "
            f"{wording.percent(weighted, 1)} on average and cost {money(float(uplift['budget_impact'].sum()), False)} "
            f"a year more. Staff costs rise with the National Living Wage, by {basis}. Other costs rise with CPI "
            f"inflation ({wording.percent(cpi['rate_pct'], _places(cpi['rate_pct']))}, {period_name(cpi['period'])}).")


def _places(value: float) -> int:
    """Decimal places that show a rate as given: 4 → 0, 3.8 → 1."""
    return 0 if float(value).is_integer() else 1 if round(value, 1) == round(value, 6) else 2
