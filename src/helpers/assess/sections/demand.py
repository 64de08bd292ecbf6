"""The demand section: the population projection, and today's use projected forward against today's capacity.

Today's capacity and use come from the sufficiency section (``CurrentCapacity``, an argument), so
the projection cannot run before, or without, the figures it starts from.
"""
from __future__ import annotations

import pandas as pd

from helpers.assess import demand, narrative, national
from helpers.assess.sections.common import BuiltSection, Section, rounded
from helpers.assess.sections.sufficiency import CurrentCapacity
from helpers.load import ons_population
from helpers.load.inputs import Inputs
from helpers.present import charts
from helpers.present.charts import Chart
from helpers.present import wording
from helpers.present.tables import Table
from helpers.services import Service


def demand_section(svc: Service, inputs: Inputs, area: pd.Series, current: CurrentCapacity) -> BuiltSection:
    """Population projection of the service's ages; projected demand at today's usage rates vs today's capacity."""
    base = national.base_year(inputs)
    band = svc.population_band
    table = national.projection(inputs, area["code"], base, demand.HORIZONS)
    wide = table.pivot(index="band", columns="year", values="population").reindex(list(ons_population.BANDS))
    wide.columns = [str(c) for c in wide.columns]
    wide = wide.reset_index()
    wide["band"] = wide["band"].map(narrative.age_band)
    items: list[Table | Chart] = [Table("population_projection", wide, f"Population of {area['name']} by age band, "
                                        f"{base}, {base + 5} and {base + 10} (ONS {wording.vintage(inputs.snpp.vintage)})",
                                        {"band": "Age band"}, {c: "int" for c in wide.columns if c != "band"})]
    messages = [narrative.projection_message(area["name"], table, band, base)]
    ten = table[(table["band"] == band) & (table["horizon"] == 10)]["change_pct"]
    figures: dict[str, object] = {"population_band": band,
                                  "population_change_10y_pct": rounded(ten.iloc[0]) if len(ten) else None}
    in_use, capacity = current.in_use, current.capacity
    if in_use is None or capacity is None:
        messages.append(f"Current use of {svc.title.lower()} is not known from the inputs, so demand is not projected.")
        return BuiltSection(Section("demand", "Demand", messages, items), figures)
    split = usage_split(svc, inputs, area["code"])
    users = split.assign(users=split["share"] * in_use)[["band", "users"]]
    bands = users["band"].tolist()
    proj = national.projection(inputs, area["code"], base, demand.DEMAND_HORIZONS,
                               {b: ons_population.BANDS[b] for b in bands})  # demand.projected_population's
    rates = demand.usage_rates(users, proj[proj["horizon"] == 0][["band", "population"]])
    projected = demand.projected_demand(rates, proj)
    occupancy = None if current.occupancy_pct is None else current.occupancy_pct / 100
    gap = demand.capacity_gap(projected, capacity, occupancy, svc.target_occupancy)
    shown = gap[["year", "demand", "capacity", "usable_capacity", "surplus"]]
    items.append(charts.line_chart("demand_projection", shown.assign(year=pd.to_datetime(shown["year"].astype(str))),
                                   "year", {"demand": f"Projected demand ({svc.unit})",
                                            "usable_capacity": f"Usable capacity ({svc.unit})"},
                                   f"{svc.title}: projected demand against today's usable capacity",
                                   svc.unit.capitalize(), x_label="Year", yearly=True))
    items.append(Table("demand_projection", shown, f"{svc.title}: projected demand and surplus (+) or shortfall (−), "
                       f"{svc.unit}", {"year": "Year", "demand": "Projected demand", "capacity": "Capacity",
                                       "usable_capacity": "Usable capacity", "surplus": "Surplus (+) / shortfall (−)"},
                       {"year": "year", "demand": "int", "capacity": "int", "usable_capacity": "int", "surplus": "signed"}))
    last = gap.iloc[-1]
    figures |= {"demand_10y": rounded(last["demand"], 0), "surplus_10y": rounded(last["surplus"], 0)}
    for h in (3, 5):  # the nearer horizons the sustainability assessment judges
        row = gap[gap["horizon"] == h]
        if len(row):
            figures |= {f"demand_{h}y": rounded(row["demand"].iloc[0], 0),
                        f"surplus_{h}y": rounded(row["surplus"].iloc[0], 0)}
    messages.append(narrative.gap_message(svc, gap))
    notes = [n for n in demand.gap_assumptions(base, capacity, svc.unit, occupancy, svc.target_occupancy, bands,
                                               f"ONS {wording.vintage(inputs.snpp.vintage)}")
             if svc.capacity == "cqc_beds" or not n.startswith(("Usable capacity", "Current occupancy"))]
    notes.append("Today's use is " + (f"occupied beds ({narrative.fmt_int(in_use)})" if svc.capacity == "cqc_beds"
                                      else f"{narrative.fmt_int(in_use)} {svc.unit}"
                                      + (" delivered or awaiting care" if svc.capacity == "delivered_hours" else ""))
                 + ", split across age bands "
                 + ("by the council's long-term clients in ASC-FR (" + ", ".join(
                     f"{narrative.age_band(b)} {wording.percent(sh * 100)}" for b, sh in zip(split["band"], split["share"]))
                    + ")." if len(split) > 1 else f"as all in the {narrative.age_band(split['band'].iloc[0])} band."))
    return BuiltSection(Section("demand", "Demand", messages, items, notes), figures)


def usage_split(svc: Service, inputs: Inputs, la_code: str) -> pd.DataFrame:
    """Shares of today's use by age band: the council's ASC-FR client split, else all in the service's band."""
    split = national.age_split(inputs, svc.ascfr_settings, la_code)  # usage.age_split's, looked up
    if split is None:
        return pd.DataFrame({"band": [svc.population_band], "share": [1.0]})
    return split[["band", "share"]]
