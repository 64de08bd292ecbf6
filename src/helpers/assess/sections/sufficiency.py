"""The sufficiency section: providers, locations and capacity, per head against comparators, region and England.

Besides its section it returns ``CurrentCapacity``: today's capacity and its use, which the demand
section projects forward (passed to ``demand_section`` as an argument).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from helpers.assess import benchmarks, narrative, national, sufficiency
from helpers.assess.sections.common import BENCHMARK_HEADERS, BuiltSection, Section, bench_value, rounded
from helpers.assess.sections.whole_market import whole_market
from helpers.load import occupancy
from helpers.load.inputs import Inputs
from helpers.present import charts, wording
from helpers.present.charts import Chart
from helpers.present.tables import Table
from helpers.services import Service


@dataclass(frozen=True)
class CurrentCapacity:
    """Today's capacity and its use, as the sufficiency section publishes them (rounded like its key figures).

    ``source`` is the service's capacity source (params/services.yml): ``cqc_beds`` (capacity is the
    beds in the CQC directory, occupancy from the council's occupancy return), ``delivered_hours``
    (hours delivered a week, and hours awaiting a provider) or ``contracted_volume``.
    """

    source: str
    capacity: float | None
    occupancy_pct: float | None = None
    hours_waiting: float | None = None

    @property
    def in_use(self) -> float | None:
        """Today's use: occupied beds; hours delivered or awaiting care; else the contracted volume."""
        if self.source == "cqc_beds":
            if self.capacity is None or self.occupancy_pct is None:
                return None
            return self.capacity * self.occupancy_pct / 100
        if self.source == "delivered_hours" and self.capacity is not None:
            return self.capacity + (self.hours_waiting or 0)
        return self.capacity


def _capacity_benchmark(svc: Service, inputs: Inputs, area: pd.Series, comparators: list[str]) -> pd.DataFrame:
    """Beds (care homes) or locations per head of the service's band, from every council's (the national pass)."""
    rates = national.capacity_rates(inputs, svc, national.base_year(inputs))
    return rates.benchmark(area["code"], comparators, 1000 if svc.capacity == "cqc_beds" else 100_000)


@dataclass
class LocalCapacity:
    """Capacity in the service's unit from the council's own data, the items, messages and figures that show it,
    and (care homes) the occupancy return's latest date by category (``sufficiency.occupancy_latest``)."""

    capacity: float | None
    items: list[Table | Chart]
    messages: list[str]
    figures: dict[str, object]
    occupancy_latest: pd.DataFrame | None = None


def _local_capacity(svc: Service, inputs: Inputs) -> LocalCapacity:
    """Capacity in the service's unit from the local data, with the tables, charts, messages and figures that show it."""
    items: list[Table | Chart] = []
    messages: list[str] = []
    if svc.capacity == "cqc_beds":
        table = inputs.local("occupancy")
        if table is None:
            return LocalCapacity(None, items, ["No occupancy return was supplied, so occupancy and vacancy are not "
                                               "shown."], {})
        trend = occupancy.occupancy_by_period(table.data)
        latest = sufficiency.occupancy_latest(trend)
        items.append(Table("occupancy", latest[["category", "homes", "beds", "occupied", "vacant", "occupancy_pct",
                                                "vacancy_pct", "min_home_pct", "max_home_pct"]],
                           f"Care home occupancy on {wording.day(latest['date'].iloc[0])} (council's occupancy return)",
                           {"category": "Category", "homes": "Homes", "beds": "Beds", "occupied": "Occupied",
                            "vacant": "Vacant", "occupancy_pct": "Occupancy", "vacancy_pct": "Vacancy",
                            "min_home_pct": "Lowest home", "max_home_pct": "Highest home"},
                           {"homes": "int", "beds": "int", "occupied": "int", "vacant": "int", "occupancy_pct": "pct",
                            "vacancy_pct": "pct", "min_home_pct": "pct", "max_home_pct": "pct"}))
        wide = trend.pivot(index="date", columns="category", values="occupancy_pct").reset_index()
        series = {c: c for c in wide.columns if c != "date"}
        items.append(charts.line_chart("occupancy_trend", wide, "date", series, "Care home occupancy over time",
                                       "Occupancy (% of beds)", "%", x_label="Date"))
        total = latest[latest["category"] == sufficiency.ALL_CARE_HOMES].iloc[0]
        figures = {"occupancy_pct": rounded(total["occupancy_pct"]), "vacancy_pct": rounded(total["vacancy_pct"])}
        messages.append(narrative.occupancy_message(total))
        return LocalCapacity(float(total["beds"]), items, messages, figures, latest)
    if svc.capacity == "delivered_hours":
        table = inputs.local("home_care_activity")
        if table is None:
            return LocalCapacity(None, items, ["No home care activity return was supplied, so hours and unmet need "
                                               "are not shown."], {})
        weekly = sufficiency.weekly_totals(table.data)
        latest = weekly.iloc[-1]
        items.append(Table("home_care_weeks", weekly.tail(8), "Home care by week (last 8 weeks; council's activity return)",
                           {"week_ending": "Week ending", "commissioned_hours": "Commissioned hours",
                            "delivered_hours": "Delivered hours", "people_supported": "People supported",
                            "people_waiting": "People waiting", "hours_waiting": "Hours waiting",
                            "hours_waiting_pct": "Hours waiting, % of commissioned"},
                           {"week_ending": "date", "commissioned_hours": "int", "delivered_hours": "int",
                            "people_supported": "int", "people_waiting": "int", "hours_waiting": "int",
                            "hours_waiting_pct": "pct"}))
        items.append(charts.line_chart("unmet_need", weekly, "week_ending",
                                       {"hours_waiting": "Hours a week awaiting care"},
                                       "Home care hours awaiting a provider, by week", "Hours a week",
                                       x_label="Week ending"))
        zones = sufficiency.unmet_need_by_zone(table.data)
        if len(zones) > 1:
            items.append(Table("unmet_need_zones", zones, "People and hours awaiting home care by zone, latest week",
                               {"zone": "Zone", "people_waiting": "People waiting", "hours_waiting": "Hours waiting",
                                "commissioned_hours": "Commissioned hours",
                                "hours_waiting_pct": "Hours waiting, % of commissioned"},
                               {"people_waiting": "int", "hours_waiting": "int", "commissioned_hours": "int",
                                "hours_waiting_pct": "pct"}))
        figures = {"people_waiting": int(latest["people_waiting"]), "hours_waiting": rounded(latest["hours_waiting"]),
                   "hours_waiting_pct": rounded(latest["hours_waiting_pct"]),
                   "people_supported": int(latest["people_supported"])}
        messages.append(narrative.unmet_need_message(weekly))
        return LocalCapacity(float(latest["delivered_hours"]), items, messages, figures)
    fees = inputs.local("fee_rates")
    volume = None if fees is None else sufficiency.contracted_per_week(fees.data, svc.key)
    if volume is None:
        messages.append(f"No contracted volume for {svc.title.lower()} was found in the fee rates return.")
    return LocalCapacity(volume, items, messages, {})


def _people_supported(svc: Service, inputs: Inputs, area: pd.Series, comparators: list[str]) -> pd.DataFrame | None:
    """Long-term clients per 1,000 adults, from every council's (the national pass); None without ASC-FR clients."""
    rates = national.people_rates(inputs, svc, national.base_year(inputs))
    return None if rates is None else rates.benchmark(area["code"], comparators, 1000)


def sufficiency_section(svc: Service, inputs: Inputs, area: pd.Series) -> tuple[BuiltSection, CurrentCapacity]:
    """Providers, locations and capacity; per 1,000 of the service's age band vs comparators, region, England.

    Also returns today's capacity and its use (``CurrentCapacity``) for the demand projection.
    """
    supply = national.supply(inputs, svc, area["code"])
    comparators = benchmarks.comparator_group(area["code"])
    year = national.base_year(inputs)
    pop = national.population(inputs, year, svc.population_band)
    bench = _capacity_benchmark(svc, inputs, area, comparators)
    measure = "beds" if svc.capacity == "cqc_beds" else "locations"
    per = "1,000" if measure == "beds" else "100,000"
    band = narrative.age_band(svc.population_band)
    vintage = f"CQC care directory as at {wording.vintage(inputs.directory.vintage)}"
    items: list[Table | Chart] = [
        Table("supply", supply, f"{svc.title} in {area['name']} ({vintage})",
              {"category": "Category", "locations": "Locations", "providers": "Providers", "beds": "Beds"},
              {"locations": "int", "providers": "int", "beds": "int"}),
        charts.benchmark_chart("capacity_benchmark", bench,
                               f"{svc.title}: {measure} per {per} people aged {band}", f"{measure.capitalize()} per {per} aged {band}"),
        Table("capacity_benchmark", bench, f"{svc.title}: {measure} per {per} people aged {band} "
              f"(CQC directory; ONS projections for {wording.year(year)}). Comparator, region and England "
              "figures pool the councils in the data", BENCHMARK_HEADERS | {"value": f"{measure.capitalize()} per {per} aged {band}"},
              {"value": "num1", "councils": "int"})]
    total = supply.iloc[-1]
    rate_key = "beds_per_1000" if measure == "beds" else "locations_per_100000"
    figures: dict[str, object] = {"locations": int(total["locations"]), "providers": int(total["providers"]),
                                  rate_key: rounded(bench_value(bench, 0), 2),
                                  f"{rate_key}_region": rounded(bench_value(bench, 2), 2)}
    if "beds" in supply:
        figures["beds"] = int(total["beds"])
    messages = [narrative.supply_message(area["name"], svc, supply, bench, measure)]
    local = _local_capacity(svc, inputs)
    capacity = local.capacity
    items += local.items
    messages += local.messages
    figures |= local.figures
    own = pop.loc[pop["la_code"] == area["code"], "population"]
    if capacity is not None and svc.capacity != "cqc_beds":
        rate = sufficiency.per_thousand(capacity, own.iloc[0] if len(own) else None)
        figures |= {"capacity": rounded(capacity), "capacity_unit": svc.unit,
                    "capacity_per_1000_band": rounded(rate, 2)}
        messages.append(f"The council's {svc.title.lower()} capacity is {narrative.fmt_int(capacity)} {svc.unit} "
                        f"({narrative.fmt_num(rate)} per 1,000 people aged {band}).")
    people = _people_supported(svc, inputs, area, comparators)
    if people is not None:
        items.append(Table("people_benchmark", people,
                           f"People in long-term council-funded {svc.title.lower()} per 1,000 adults (ASC-FR "
                           f"{wording.vintage(inputs.ascfr.vintage)})",
                           BENCHMARK_HEADERS | {"value": "Clients per 1,000 adults"}, {"value": "num1", "councils": "int"}))
        figures["clients_per_1000_adults"] = rounded(bench_value(people, 0), 2)
    absent = benchmarks.missing_comparators(pop, comparators)
    notes = [benchmarks.comparator_description(area["code"], comparators)]
    if absent:
        notes.append(f"Comparators not in the data: {', '.join(absent)}.")
    market = whole_market(svc, inputs, area, supply, local.occupancy_latest)  # self-funders, services outside CQC registration, extra care
    items, messages, notes = items + market.items, messages + market.messages, notes + market.notes
    figures |= market.figures
    current = CurrentCapacity(source=svc.capacity,
                              capacity=figures.get("beds") if svc.capacity == "cqc_beds" else figures.get("capacity"),
                              occupancy_pct=figures.get("occupancy_pct"), hours_waiting=figures.get("hours_waiting"))
    return BuiltSection(Section("sufficiency", "Sufficiency", messages, items, notes), figures), current
