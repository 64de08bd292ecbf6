"""The published cost-of-care section of one service: the recipe that puts the other modules together."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from helpers.assess.cost_of_care.checks import check_fees, check_returns, returns_location
from helpers.assess.cost_of_care.disclosure import holds_marker, is_suppressed, suppress
from helpers.assess.cost_of_care.fees import FEE_UNITS, fee_gap, hca_comparison, service_fees
from helpers.assess.cost_of_care.messages import cost_messages, gap_messages, uplift_message
from helpers.assess.cost_of_care.parameters import footnote, load_params
from helpers.assess.cost_of_care.published import (gap_chart, median_chart, published_fees, published_lines,
                                                    published_sensitivity, published_totals, published_uplift)
from helpers.assess.cost_of_care.rates import hca_price, latest_cpi, nlw_change
from helpers.assess.cost_of_care.statistics import STATS, line_statistics, return_totals, total_statistics
from helpers.assess.cost_of_care.uplift import band_staff_shares, sensitivity_table, uplift_table
from helpers.assess.cost_of_care.wording import SOURCE
from helpers.errors import DataQualityLog
from helpers.load.cost_returns import UNITS
from helpers.load.reading import SourceTable
from helpers.present.charts import Chart
from helpers.present.tables import Table
from helpers.services import SERVICES, name as service_name


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
    statistics: pd.DataFrame | None = None  # total_statistics of the service's returns (unpublished; None: no returns)


def _number(value: object) -> float | None:
    """A published cell as a float, None when suppressed or missing (for key figures)."""
    if isinstance(value, str) or value is None or pd.isna(value):
        return None
    return round(float(value), 2)


def _unavailable(service: str, council: str, fees: SourceTable | None) -> CostSection:
    """The section when the council supplied no returns for the service."""
    msg = (f"{council} supplied no cost of care returns for {service_name(service)}, so this section has no "
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
    log = check_returns(data, totals, p, returns_location(returns))
    stats = total_statistics(totals)
    tables = [published_lines(line_statistics(data), service, council_name, p, returns.vintage),
              published_totals(stats, service, council_name, p, returns.vintage)]
    messages = cost_messages(tables[1].frame, service, council_name, p)
    sources = [_source(SOURCE, returns)]
    key: dict[str, Any] = {"service": service, "available": True, "unit": UNITS[service],
                           "returns": int(data["provider_id"].nunique()), "min_providers": p["min_providers"],
                           "median_total": {c: _number(m) for c, m in zip(tables[1].frame["category"].tolist(),
                                                                           tables[1].frame["median"].tolist())},
                           "suppressed": any(holds_marker(t.frame, marker) for t in tables)}
    bands = pd.DataFrame() if fees is None else service_fees(fees.data, service)
    if fees is not None:
        sources.append(_source("Fee rates", fees))
    if bands.empty:
        messages.append(f"{council_name} supplied no fee rates for {service_name(service)}, so there is no fee gap "
                        "or uplift.")
        chart = median_chart(suppress(stats, STATS, p["min_providers"], marker), service, council_name, p)
        return CostSection(service, True, tables, [chart], key, messages, log, sources, note, stats)
    log.extend(check_fees(bands, service, fees))
    year = str(bands["financial_year"].iloc[0])
    comparable = bands[(bands["unit"] == FEE_UNITS[service]) & bands["category"].notna()]
    gaps = fee_gap(comparable, stats)
    hca = hca_price(p, year) if service == "home_care" else None
    if hca is not None:
        gaps = hca_comparison(gaps, hca[1])
    fees_table = published_fees(gaps, service, council_name, p, hca, year)
    change, basis = nlw_change(p, year)
    cpi = latest_cpi(p)
    shares = band_staff_shares(bands.assign(category=bands["category"].fillna("")), stats,
                               float(p["fallback_staff_share"][service]), p["min_providers"])
    uplift = uplift_table(shares, change, float(cpi["rate_pct"]))
    sens = sensitivity_table(shares, p["sensitivity"]["nlw_change_pct"], p["sensitivity"]["cpi_pct"])
    tables += [fees_table, published_uplift(uplift, service, council_name, year, basis, cpi),
               published_sensitivity(sens, service, council_name, year)]
    published_gaps = suppress(gaps, [*STATS, "gap_gbp", "gap_pct", "impact_median"], p["min_providers"], marker)
    messages += gap_messages(published_gaps, service, p)
    messages.append(uplift_message(uplift, service, year, basis, cpi))
    main = published_gaps.loc[published_gaps["contracted_volume"].astype(float).idxmax()] if len(gaps) else None
    key |= {"financial_year": year, "main_band": None if main is None else str(main["band"]),
            "main_current_rate": None if main is None else _number(main["current_rate"]),
            "main_median_cost": None if main is None else _number(main["median"]),
            "gap_gbp": None if main is None else _number(main["gap_gbp"]),
            "gap_pct": None if main is None else _number(main["gap_pct"]),
            "gap_by_band": {str(b): _number(g) for b, g in zip(published_gaps["band"].tolist(),
                                                                published_gaps["gap_gbp"].tolist())},
            "nlw_change_pct": round(change, 2), "nlw_basis": basis, "cpi_pct": float(cpi["rate_pct"]),
            "cpi_period": str(cpi["period"]),
            "uplift_budget_impact": round(float(uplift["budget_impact"].sum()), 2),
            "uplift_pct_by_band": {str(b): round(float(u), 2) for b, u in zip(uplift["band"], uplift["uplift_pct"])},
            "hca_year": None if hca is None else hca[0], "hca_price": None if hca is None else hca[1],
            "suppressed": key["suppressed"] or any(is_suppressed(v, marker) for v in fees_table.frame["median"])}
    if math.isnan(key["uplift_budget_impact"]):
        key["uplift_budget_impact"] = None
    charts = [gap_chart(published_gaps, service, council_name, p, hca)]
    return CostSection(service, True, tables, charts, key, messages, log, sources, note, stats)
