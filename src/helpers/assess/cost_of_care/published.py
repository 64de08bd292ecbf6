"""The published cost-of-care tables and charts: suppressed figures only, with captions and text alternatives."""
from __future__ import annotations

from typing import Any

import pandas as pd

from helpers.assess.cost_of_care.disclosure import caption, is_suppressed, refuse_provider_columns, suppress
from helpers.assess.cost_of_care.parameters import footnote
from helpers.assess.cost_of_care.rates import next_year, period_name
from helpers.assess.cost_of_care.statistics import STATS
from helpers.assess.cost_of_care.wording import money, rates_of, year as fy
from helpers.present import wording
from helpers.load.cost_returns import UNITS
from helpers.present.charts import LEGEND_ABOVE, Chart, hline, plain_figure
from helpers.present.tables import Table
from helpers.services import name as service_name


def published_lines(stats: pd.DataFrame, service: str, council: str, p: dict[str, Any], vintage: str) -> Table:
    """The published per-line quartile table."""
    d = suppress(stats, STATS, p["min_providers"], p["suppression_marker"])
    cols = (["category"] if service == "care_homes" else []) + ["group", "cost_line", "returns", *STATS]
    d = d[cols]
    text = (f"Cost of {service_name(service)} in {council} by cost line, £ {UNITS[service]}: lower quartile, "
            f"median and upper quartile of providers' returns ({wording.vintage(vintage)})")
    return refuse_provider_columns(Table("cost_lines", d, caption(text, d, p["suppression_marker"], footnote(p)),
                            {"category": "Category", "group": "Group", "cost_line": "Cost line", "returns": "Returns",
                             "lq": "Lower quartile", "median": "Median", "uq": "Upper quartile"},
                            {"returns": "int", "lq": "gbp", "median": "gbp", "uq": "gbp"}))


def published_totals(stats: pd.DataFrame, service: str, council: str, p: dict[str, Any], vintage: str) -> Table:
    """The published table of total cost (median of providers' totals) and the staff split."""
    d = stats.assign(staff_share=stats["staff_share"].astype("float64") * 100)
    d = suppress(d, [*STATS, "median_staff", "median_non_staff", "staff_share"], p["min_providers"],
                 p["suppression_marker"])
    d = d.assign(category=d["category"].replace("", "All returns"))[
        ["category", "returns", *STATS, "median_staff", "median_non_staff", "staff_share"]]
    text = (f"Total cost of {service_name(service)} in {council}, £ {UNITS[service]}: quartiles of providers' "
            f"totals and the staff and non-staff split ({wording.vintage(vintage)}). The total is not the sum of "
            "the line medians")
    return refuse_provider_columns(Table("cost_totals", d, caption(text, d, p["suppression_marker"], footnote(p)),
                            {"category": "Category", "returns": "Returns", "lq": "Lower quartile",
                             "median": "Median total", "uq": "Upper quartile", "median_staff": "Median staff costs",
                             "median_non_staff": "Median non-staff costs", "staff_share": "Median staff share"},
                            {"returns": "int", "lq": "gbp", "median": "gbp", "uq": "gbp", "median_staff": "gbp",
                             "median_non_staff": "gbp", "staff_share": "pct"}))


def published_fees(gaps: pd.DataFrame, service: str, council: str, p: dict[str, Any], hca: tuple[str, float] | None,
                year: str) -> Table:
    """The published fee rate vs median cost table (and vs the HCA minimum price for home care)."""
    d = suppress(gaps, ["median", "gap_gbp", "gap_pct", "impact_median"], p["min_providers"], p["suppression_marker"])
    cols = ["band", "unit", "current_rate", "returns", "median", "gap_gbp", "gap_pct", "contracted_volume",
            "impact_median"]
    headers = {"band": "Band", "unit": "Unit", "current_rate": f"Current rate {fy(year)}", "returns": "Returns",
               "median": "Median cost", "gap_gbp": "Gap (median − rate)", "gap_pct": "Gap (% of median)",
               "contracted_volume": "Contracted volume a year",
               "impact_median": "Cost of paying the median (£ a year)"}
    formats = {"current_rate": "gbp", "returns": "int", "median": "gbp", "gap_gbp": "gbp", "gap_pct": "pct",
               "contracted_volume": "int", "impact_median": "gbp0"}
    if service == "home_care" and hca is not None:
        cols += ["hca_price", "hca_gap_gbp", "hca_gap_pct"]
        headers |= {"hca_price": f"HCA minimum price {fy(hca[0])}", "hca_gap_gbp": "Gap to HCA price",
                    "hca_gap_pct": "Gap (% of HCA price)"}
        formats |= {"hca_price": "gbp", "hca_gap_gbp": "gbp", "hca_gap_pct": "pct"}
    d = d[cols]
    text = (f"Fee rates of {service_name(service)} in {council} ({fy(year)}) compared with the median cost of care. "
            "Gap = median − rate (positive: rate below the median)")
    return refuse_provider_columns(Table("cost_fees", d, caption(text, d, p["suppression_marker"], footnote(p)), headers, formats))


def published_uplift(uplift: pd.DataFrame, service: str, council: str, year: str, basis: str, cpi: dict) -> Table:
    """The published uplift and budget impact table."""
    d = uplift.assign(staff_share=uplift["staff_share"] * 100)[
        ["band", "current_rate", "staff_share", "share_basis", "nlw_change_pct", "cpi_pct", "uplift_pct",
         "proposed_rate", "contracted_volume", "budget_impact"]]
    text = (f"Uplift of {rates_of(service)} rates in {council} for {fy(next_year(year))}. Uplift = staff share × "
            "National Living Wage (NLW) change + non-staff share × CPI. The NLW change is "
            f"{basis}; CPI is {wording.percent(cpi['rate_pct'], 1)} ({period_name(cpi['period'])}). "
            "Budget impact = (proposed − current rate) × contracted volume")
    return refuse_provider_columns(Table("cost_uplift", d, text,
                            {"band": "Band", "current_rate": f"Current rate {fy(year)}", "staff_share": "Staff share",
                             "share_basis": "Staff share from", "nlw_change_pct": "NLW change",
                             "cpi_pct": "CPI", "uplift_pct": "Uplift",
                             "proposed_rate": f"Proposed rate {fy(next_year(year))}",
                             "contracted_volume": "Contracted volume a year",
                             "budget_impact": "Budget impact (£ a year)"},
                            {"current_rate": "gbp", "staff_share": "pct", "nlw_change_pct": "pct", "cpi_pct": "pct",
                             "uplift_pct": "pct", "proposed_rate": "gbp", "contracted_volume": "int",
                             "budget_impact": "gbp0"}))


def published_sensitivity(sens: pd.DataFrame, service: str, council: str, year: str) -> Table:
    """The published sensitivity table of the uplift's budget impact."""
    cpi_cols = [c for c in sens.columns if c.startswith("cpi_")]
    return refuse_provider_columns(Table(
        "cost_sensitivity", sens,
        f"Budget impact (£ a year) of uplifting {rates_of(service)} rates in {council} for "
        f"{fy(next_year(year))} under a range of National Living Wage changes (rows) and CPI rates (columns)",
        {"nlw_change_pct": "NLW change", **{c: f"CPI {wording.percent(float(c[4:]), 1)}" for c in cpi_cols}},
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
    title = f"Fee rates and median cost of {service_name(service)} in {council}"
    top = max([*rate, *[u for u in uq if u is not None], hca[1] if hca and service == "home_care" else 0, 1])
    layout = dict(title=dict(text=title), barmode="group", height=420,
                  yaxis=dict(title=dict(text=f"£ {UNITS[service]}"), range=[0, top * 1.2]),
                  legend=LEGEND_ABOVE, margin=dict(l=70, r=20, t=100, b=110))
    if hca is not None and service == "home_care":
        shape, annotation = hline(hca[1], f"HCA minimum price {fy(hca[0])}: {money(hca[1])}",
                                  color="#b3261e", dash="dash")
        layout |= dict(shapes=[shape], annotations=[annotation])
    fig = plain_figure([
        dict(type="bar", name="Current rate", x=label, y=rate, marker=dict(color="#1f5f8b"),
             text=[money(r) for r in rate], textposition="outside",
             hovertemplate="%{x}: current rate £%{y:,.2f}<extra></extra>"),
        dict(type="bar", name="Median cost (whiskers: lower to upper quartile)", x=label, y=med,
             marker=dict(color="#c77c02"),
             error_y=dict(array=[(u - m) if m is not None else None for m, u in zip(med, uq)],
                          arrayminus=[(m - q) if m is not None else None for m, q in zip(med, lq)],
                          symmetric=False, type="data"),
             text=[money(m) if m is not None else marker for m in med], textposition="outside",
             hovertemplate="%{x}: median cost £%{y:,.2f}<extra></extra>")], layout)
    parts = []
    for b, r, m, g, pct in zip(label, rate, med, gaps["gap_gbp"], gaps["gap_pct"]):
        if m is None:
            parts.append(f"{b}: rate {money(r)}, median cost suppressed (fewer than "
                         f"{wording.plural(p['min_providers'], 'return')}).")
        else:
            parts.append(f"{b}: rate {money(r)}, median cost {money(m)} (gap {money(float(g))}, "
                         f"{wording.percent(float(pct))}).")
    hca_text = f" Dashed line: Homecare Association minimum price {fy(hca[0])}, {money(hca[1])}." \
        if hca is not None and service == "home_care" else ""
    alt = (f"Bar chart comparing each fee band's current rate with the median cost of care from providers' returns, "
           f"£ {UNITS[service]}. " + " ".join(parts) + hca_text)
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
    title = f"Median cost of {service_name(service)} in {council} (no fee rates supplied)"
    fig = plain_figure([dict(
        type="bar", x=label, y=med, marker=dict(color="#c77c02"),
        text=[money(m) if m is not None else marker for m in med], textposition="outside",
        error_y=dict(array=[(u - m) if m is not None else None for m, u in zip(med, uq)],
                     arrayminus=[(m - q) if m is not None else None for m, q in zip(med, lq)],
                     symmetric=False, type="data"))],
        dict(title=dict(text=title), height=420, margin=dict(l=70, r=20, t=60, b=50),
             yaxis=dict(title=dict(text=f"£ {UNITS[service]}"),
                        range=[0, max([u for u in uq if u is not None] or [1]) * 1.2])))
    parts = [f"{b}: median {money(m)}." if m is not None else f"{b}: suppressed (fewer than "
             f"{wording.plural(p['min_providers'], 'return')})." for b, m in zip(label, med)]
    alt = (f"Bar chart of the median total cost of {service_name(service)} from providers' returns, £ "
           f"{UNITS[service]}, with whiskers from the lower to the upper quartile. " + " ".join(parts))
    data = pd.DataFrame({"Category": label, "Median cost, £": med, "Lower quartile, £": lq, "Upper quartile, £": uq})
    return Chart("cost_gap", fig, title, alt, data)
