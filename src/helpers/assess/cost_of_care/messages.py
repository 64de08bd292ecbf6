"""The cost-of-care key messages, written from the published (suppressed) figures."""
from __future__ import annotations

from typing import Any

import pandas as pd

from helpers.assess.cost_of_care.disclosure import is_suppressed
from helpers.assess.cost_of_care.rates import next_year, period_name
from helpers.assess.cost_of_care.wording import money
from helpers.load.cost_returns import UNITS
from helpers.services import name as service_name


def cost_messages(totals_pub: pd.DataFrame, service: str, council: str, p: dict[str, Any]) -> list[str]:
    """One message per category (or the service): the median total and quartiles, or why it is suppressed."""
    out = []
    for _, r in totals_pub.iterrows():
        what = service_name(service) + ("" if r["category"] == "All returns" else f" ({r['category']})")
        if is_suppressed(r["median"], p["suppression_marker"]):
            out.append(f"Fewer than {p['min_providers']} providers returned costs for {what} ({int(r['returns'])} "
                       "returns), so the cost figures are not published.")
            continue
        out.append(f"The median cost of {what} in {council} was {money(r['median'])} {UNITS[service]} (lower quartile "
                   f"{money(r['lq'])}, upper quartile {money(r['uq'])}; {int(r['returns'])} providers' returns)"
                   + ("." if r["staff_share"] is None else
                      f"; staff costs were a median {r['staff_share']:.0f}% of a provider's total."))
    return out


def gap_messages(gaps_pub: pd.DataFrame, service: str, p: dict[str, Any]) -> list[str]:
    """One message per fee band with a publishable median: the gap to the median, and to the HCA price."""
    out = []
    for _, r in gaps_pub.iterrows():
        rate = f"The current rate for {r['band']} ({money(float(r['current_rate']))} {r['unit']})"
        if is_suppressed(r["median"], p["suppression_marker"]):
            out.append(f"{rate} is not compared with a median cost: fewer than {p['min_providers']} providers "
                       f"returned costs for it ({int(r['returns'])}).")
        elif r["median"] is not None:
            gap = float(r["gap_gbp"])
            side = "below" if gap > 0 else "above"
            out.append(f"{rate} is {money(abs(gap))} ({abs(float(r['gap_pct'])):.0f}%) {side} the median cost "
                       f"of {money(float(r['median']))}" + (f"; paying the median would cost "
                                                            f"{money(float(r['impact_median']), False)} a year more."
                                                            if gap > 0 else "."))
        if "hca_price" in r and pd.notna(r.get("hca_price")):
            gap = float(r["hca_gap_gbp"])
            side = "below" if gap > 0 else "above"
            out.append(f"{rate} is {money(abs(gap))} ({abs(float(r['hca_gap_pct'])):.0f}%) {side} the Homecare "
                       f"Association Minimum Price ({money(float(r['hca_price']))})" + ".")
    return out


def uplift_message(uplift: pd.DataFrame, service: str, year: str, basis: str, cpi: dict) -> str:
    """The uplift and its budget impact over all bands."""
    volume = uplift["contracted_volume"].astype("float64")
    weighted = float((uplift["uplift_pct"] * volume).sum() / volume.sum()) if volume.sum() > 0 else float(
        uplift["uplift_pct"].mean())
    return (f"Uplifting {service_name(service)} rates for {next_year(year)} by staff share × NLW change "
            f"({uplift['nlw_change_pct'].iloc[0]:.1f}%; {basis}) + non-staff share × CPI ({cpi['rate_pct']:g}%, "
            f"{period_name(cpi['period'])}) gives {weighted:.1f}% on average and would cost "
            f"{money(float(uplift['budget_impact'].sum()), False)} a year more.")
