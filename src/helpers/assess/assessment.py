"""The market assessment of one council × service: five sections of tables, charts, key figures and messages.

Sections follow PRODUCT §3: sufficiency, quality, stability, workforce, demand. Each section is
built by one function from the council's ``Inputs`` and the service definition (params/services.yml);
the metrics themselves live in the modules named after what they compute.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers import params
from helpers.assess import (action_tracker, benchmarks, cost_of_care, demand, narrative, oversight, quality,
                            stability, sufficiency, usage, workforce)
from helpers.present import charts
from helpers.present.charts import Chart
from helpers.councils import council
from helpers.errors import DataQualityLog, UsageError
from helpers.load.inputs import Inputs
from helpers.services import OVERSIGHT, OVERSIGHT_TITLE, SERVICES, Service, service
from helpers.load import (action_plan, ascfr, ascof, cost_returns, cqc_directory, cqc_ratings, fee_rates,
                          financial_sustainability, home_care_activity, kpis, occupancy, ons_population,
                          skills_for_care)
from helpers.present.tables import Table

BENCHMARK_HEADERS = {"area": "Area", "value": "Value", "councils": "Councils in the figure"}


@dataclass
class Section:
    """One section of a service chapter: key messages, then its charts and tables in display order."""

    key: str
    title: str
    messages: list[str]
    items: list[Table | Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    source: str = ""


@dataclass
class Assessment:
    """Everything one service's chapter shows, all computed from the inputs."""

    council_code: str
    council_name: str
    service: str
    title: str
    sections: list[Section]
    key_figures: dict[str, object]
    sources: list[dict[str, object]]
    synthetic: bool
    log: DataQualityLog

    @property
    def tables(self) -> list[Table]:
        """Every table, in chapter order."""
        return [i for s in self.sections for i in s.items if isinstance(i, Table)]

    @property
    def charts(self) -> list[Chart]:
        """Every chart, in chapter order."""
        return [i for s in self.sections for i in s.items if isinstance(i, Chart)]

    @property
    def messages(self) -> list[str]:
        """The chapter's headline messages: the first key message of each section."""
        return [s.messages[0] for s in self.sections if s.messages]


def assess(service_key: str, data_dir: Path, council_code: str, cache_dir: Path | None = None) -> Assessment:
    """Compute the assessment of one service for one council from the files under data_dir."""
    if service_key not in SERVICES:
        raise UsageError(f"unknown service '{service_key}': expected one of {', '.join(SERVICES)}")
    svc, area = service(service_key), council(council_code)
    inputs = Inputs(data_dir, area["code"], cache_dir)
    key: dict[str, object] = {}
    sections = [build(svc, inputs, area, key) for build in SECTIONS]
    for section in sections:
        section.source = source_line(section.key, inputs.sources)
    synthetic = any(s["synthetic"] for s in inputs.sources)
    return Assessment(council_code=area["code"], council_name=area["name"], service=svc.key, title=svc.title,
                      sections=sections, key_figures=key, sources=inputs.sources, synthetic=synthetic,
                      log=publishable_log(inputs.log))


OVERSIGHT_PARTS = (("actions", "Action plan", ("action_status_chart", "action_status", "action_plan")),
                   ("kpis", "Key performance indicators", ("kpis",)),
                   ("home_care_delivery", "Home care delivery", ("home_care_calls", "home_care_delivery")),
                   ("financial_risk", "Care home financial sustainability", ("financial_risk",)))


def assess_oversight(data_dir: Path, council_code: str, cache_dir: Path | None = None) -> Assessment:
    """The council-wide oversight chapter (aggregate only): action plan, KPIs, home care delivery, financial risk."""
    area = council(council_code)
    inputs = Inputs(data_dir, area["code"], cache_dir)
    result = oversight.oversight_section(Path(data_dir), area["code"], area["name"], cache_dir,
                                         inputs.vintage_date.date())
    sections = []
    for key, title, names in OVERSIGHT_PARTS:  # a part's charts, then its tables (a chart may share its table's name)
        items = [item for kind in (result.charts, result.tables) for n in names for item in kind if item.name == n]
        if items or not sections:
            sections.append(Section(key, title, [] if sections else result.messages, items))
    log = DataQualityLog()
    log.extend(result.log)
    sources = [*inputs.sources, *result.sources]
    for section in sections:
        section.source = source_line(section.key, sources)
    return Assessment(council_code=area["code"], council_name=area["name"], service=OVERSIGHT,
                      title=OVERSIGHT_TITLE, sections=sections, key_figures=result.key_figures,
                      sources=sources, synthetic=any(s["synthetic"] for s in sources), log=publishable_log(log))


# The sources each section's charts and tables are drawn from, by the names the loaders record.
SECTION_SOURCES = {
    "sufficiency": (cqc_directory.SOURCE, ons_population.SOURCE_SNPP, ascfr.SOURCE, occupancy.SPEC.title,
                    home_care_activity.SPEC.title, fee_rates.SPEC.title),
    "quality": (cqc_directory.SOURCE, cqc_ratings.SOURCE, ascof.SOURCE),
    "stability": (cqc_directory.SOURCE,),
    "workforce": (skills_for_care.SOURCE, ascof.SOURCE),
    "cost": (cost_returns.SPEC.title, fee_rates.SPEC.title),
    "demand": (ons_population.SOURCE_SNPP, ascfr.SOURCE, cqc_directory.SOURCE, occupancy.SPEC.title,
               home_care_activity.SPEC.title, fee_rates.SPEC.title),
    "actions": (action_plan.SPEC.title,),
    "kpis": (kpis.SPEC.title,),
    "home_care_delivery": (home_care_activity.SPEC.title,),
    "financial_risk": (financial_sustainability.SPEC.title,),
}


def source_line(section_key: str, sources: list[dict[str, object]]) -> str:
    """'Source: …' for a section's charts and tables: each source it draws on that was read, with its vintage."""
    names = SECTION_SOURCES.get(section_key, ())
    used = [s for name in names for s in sources if s["source"] == name]
    seen: list[str] = []
    for s in used:
        text = f"{s['source']}, {s['vintage']}"
        if text not in seen:
            seen.append(text)
    if not seen:
        return ""
    synthetic = " (synthetic demo data)" if any(s["synthetic"] for s in used) else ""
    return "Source: " + "; ".join(seen) + synthetic + "."


def _base_year(inputs: Inputs) -> int:
    """The population year rates use: the directory's year, within the projection's years."""
    years = inputs.snpp.data["year"]
    return int(min(max(inputs.vintage_date.year, years.min()), years.max()))


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), digits)


def _bench_value(bench: pd.DataFrame, row: int) -> float | None:
    value = bench["value"].iloc[row]
    return None if value is None or pd.isna(value) else float(value)


# ----------------------------------------------------------------------------------------- sufficiency


def _capacity_benchmark(svc: Service, inputs: Inputs, area: pd.Series, comparators: list[str],
                        pop: pd.DataFrame) -> pd.DataFrame:
    everyone = sufficiency.service_locations(inputs.directory.data, svc)
    measure = "beds" if svc.capacity == "cqc_beds" else "location_id"
    counts = everyone.groupby("la_code")[measure].agg("sum" if measure == "beds" else "count")
    per_council = pop.assign(numerator=pop["la_code"].map(counts).fillna(0)).rename(columns={"population": "denominator"})
    return benchmarks.benchmark(per_council, area["code"], comparators, scale=1000 if measure == "beds" else 100_000)


def _local_capacity(svc: Service, inputs: Inputs, key: dict) -> tuple[float | None, list[Table | Chart], list[str]]:
    """Capacity in the service's unit from the local data, with the tables and charts that show it."""
    items: list[Table | Chart] = []
    messages: list[str] = []
    if svc.capacity == "cqc_beds":
        table = inputs.local("occupancy")
        if table is None:
            return None, items, ["No occupancy return was supplied, so occupancy and vacancy are not shown."]
        trend = occupancy.occupancy_by_period(table.data)
        latest = sufficiency.occupancy_latest(trend)
        items.append(Table("occupancy", latest[["category", "homes", "beds", "occupied", "vacant", "occupancy_pct",
                                                "vacancy_pct", "min_home_pct", "max_home_pct"]],
                           f"Care home occupancy on {latest['date'].iloc[0]:%d %B %Y} (council's occupancy return)",
                           {"category": "Category", "homes": "Homes", "beds": "Beds", "occupied": "Occupied",
                            "vacant": "Vacant", "occupancy_pct": "Occupancy", "vacancy_pct": "Vacancy",
                            "min_home_pct": "Lowest home", "max_home_pct": "Highest home"},
                           {"occupancy_pct": "pct", "vacancy_pct": "pct", "min_home_pct": "pct",
                            "max_home_pct": "pct"}))
        wide = trend.pivot(index="date", columns="category", values="occupancy_pct").reset_index()
        series = {c: c for c in wide.columns if c != "date"}
        items.append(charts.line_chart("occupancy_trend", wide, "date", series, "Care home occupancy over time",
                                       "Occupancy (% of beds)", "%"))
        total = latest[latest["category"] == sufficiency.ALL_CARE_HOMES].iloc[0]
        key.update(occupancy_pct=_round(total["occupancy_pct"]), vacancy_pct=_round(total["vacancy_pct"]))
        messages.append(narrative.occupancy_message(total))
        return float(total["beds"]), items, messages
    if svc.capacity == "delivered_hours":
        table = inputs.local("home_care_activity")
        if table is None:
            return None, items, ["No home care activity return was supplied, so hours and unmet need are not shown."]
        weekly = sufficiency.weekly_totals(table.data)
        latest = weekly.iloc[-1]
        items.append(Table("home_care_weeks", weekly.tail(8), "Home care by week (last 8 weeks; council's activity return)",
                           {"week_ending": "Week ending", "commissioned_hours": "Commissioned hours",
                            "delivered_hours": "Delivered hours", "people_supported": "People supported",
                            "people_waiting": "People waiting", "hours_waiting": "Hours waiting",
                            "hours_waiting_pct": "Hours waiting, % of commissioned"},
                           {"commissioned_hours": "int", "delivered_hours": "int", "hours_waiting": "int",
                            "hours_waiting_pct": "pct"}))
        items.append(charts.line_chart("unmet_need", weekly, "week_ending",
                                       {"hours_waiting": "Hours a week awaiting care"},
                                       "Home care hours awaiting a provider, by week", "Hours a week"))
        zones = sufficiency.unmet_need_by_zone(table.data)
        if len(zones) > 1:
            items.append(Table("unmet_need_zones", zones, "People and hours awaiting home care by zone, latest week",
                               {"zone": "Zone", "people_waiting": "People waiting", "hours_waiting": "Hours waiting",
                                "commissioned_hours": "Commissioned hours",
                                "hours_waiting_pct": "Hours waiting, % of commissioned"},
                               {"hours_waiting": "int", "commissioned_hours": "int", "hours_waiting_pct": "pct"}))
        key.update(people_waiting=int(latest["people_waiting"]), hours_waiting=_round(latest["hours_waiting"]),
                   hours_waiting_pct=_round(latest["hours_waiting_pct"]), people_supported=int(latest["people_supported"]))
        messages.append(narrative.unmet_need_message(weekly))
        return float(latest["delivered_hours"]), items, messages
    fees = inputs.local("fee_rates")
    volume = None if fees is None else sufficiency.contracted_per_week(fees.data, svc.key)
    if volume is None:
        messages.append(f"No contracted volume for {svc.title.lower()} was found in the fee rates return.")
    return volume, items, messages


def _people_supported(svc: Service, inputs: Inputs, area: pd.Series, comparators: list[str]) -> pd.DataFrame | None:
    if not svc.ascfr_settings or inputs.ascfr is None:
        return None
    clients = usage.clients_by_council(inputs.ascfr.data, svc.ascfr_settings)
    if clients.empty:
        return None
    pop = benchmarks.population_by_council(inputs.snpp.data, _base_year(inputs), "18+")
    per_council = clients.rename(columns={"clients": "numerator"}).merge(
        pop.rename(columns={"population": "denominator"}), on="la_code")
    return benchmarks.benchmark(per_council, area["code"], comparators, scale=1000)


def sufficiency_section(svc: Service, inputs: Inputs, area: pd.Series, key: dict) -> Section:
    """Providers, locations and capacity; per 1,000 of the service's age band vs comparators, region, England."""
    locs = sufficiency.service_locations(inputs.directory.data, svc, area["code"])
    supply = sufficiency.supply(locs, svc)
    comparators = benchmarks.comparator_group(area["code"])
    pop = benchmarks.population_by_council(inputs.snpp.data, _base_year(inputs), svc.population_band)
    bench = _capacity_benchmark(svc, inputs, area, comparators, pop)
    measure = "beds" if svc.capacity == "cqc_beds" else "locations"
    per = "1,000" if measure == "beds" else "100,000"
    band = svc.population_band
    vintage = f"CQC care directory as at {inputs.directory.vintage}"
    items: list[Table | Chart] = [
        Table("supply", supply, f"{svc.title} in {area['name']} ({vintage})",
              {"category": "Category", "locations": "Locations", "providers": "Providers", "beds": "Beds"}),
        charts.benchmark_chart("capacity_benchmark", bench,
                               f"{svc.title}: {measure} per {per} people aged {band}", f"{measure.capitalize()} per {per} aged {band}"),
        Table("capacity_benchmark", bench, f"{svc.title}: {measure} per {per} people aged {band} "
              f"(CQC directory; ONS projections {_base_year(inputs)}); comparator, region and England figures pool "
              "the councils in the data", BENCHMARK_HEADERS | {"value": f"{measure.capitalize()} per {per} aged {band}"},
              {"value": "num1"})]
    total = supply.iloc[-1]
    rate_key = "beds_per_1000" if measure == "beds" else "locations_per_100000"
    key.update({"locations": int(total["locations"]), "providers": int(total["providers"]),
                rate_key: _round(_bench_value(bench, 0), 2), f"{rate_key}_region": _round(_bench_value(bench, 2), 2)})
    if "beds" in supply:
        key["beds"] = int(total["beds"])
    messages = [narrative.supply_message(area["name"], svc, supply, bench, measure)]
    capacity, local_items, local_messages = _local_capacity(svc, inputs, key)
    items += local_items
    messages += local_messages
    own = pop.loc[pop["la_code"] == area["code"], "population"]
    if capacity is not None and svc.capacity != "cqc_beds":
        rate = sufficiency.per_thousand(capacity, own.iloc[0] if len(own) else None)
        key.update(capacity=_round(capacity), capacity_unit=svc.unit, capacity_per_1000_band=_round(rate, 2))
        messages.append(f"The council's {svc.title.lower()} capacity is {narrative.fmt_int(capacity)} {svc.unit} "
                        f"({narrative.fmt_num(rate)} per 1,000 people aged {band}).")
    people = _people_supported(svc, inputs, area, comparators)
    if people is not None:
        items.append(Table("people_benchmark", people,
                           f"People in long-term council-funded {svc.title.lower()} per 1,000 adults (ASC-FR {inputs.ascfr.vintage})",
                           BENCHMARK_HEADERS | {"value": "Clients per 1,000 adults"}, {"value": "num1"}))
        key["clients_per_1000_adults"] = _round(_bench_value(people, 0), 2)
    absent = benchmarks.missing_comparators(pop, comparators)
    notes = [f"Comparators not in the data: {', '.join(absent)}."] if absent else []
    notes.append(f"Comparator group: {', '.join(council(c)['name'] for c in comparators)} (params/comparators.yml).")
    return Section("sufficiency", "Sufficiency", messages, items, notes)


# ---------------------------------------------------------------------------------------------- quality


def _good_benchmark(svc: Service, inputs: Inputs, area: pd.Series, comparators: list[str]) -> pd.DataFrame:
    everyone = sufficiency.service_locations(inputs.directory.data, svc)
    rated = everyone["overall_rating"].isin(quality.RATED)
    good = everyone["overall_rating"].isin(["Outstanding", "Good"])
    per_council = pd.DataFrame({"la_code": everyone["la_code"], "numerator": good, "denominator": rated}).groupby(
        "la_code", as_index=False).sum()
    return benchmarks.benchmark(per_council, area["code"], comparators, scale=100)


def quality_section(svc: Service, inputs: Inputs, area: pd.Series, key: dict) -> Section:
    """CQC ratings: distribution, % Good or Outstanding vs benchmarks, by sub-category, change, key questions."""
    locs = sufficiency.service_locations(inputs.directory.data, svc, area["code"])
    dist = quality.rating_distribution(locs)
    good = quality.percent_good_or_outstanding(locs)
    bench = _good_benchmark(svc, inputs, area, benchmarks.comparator_group(area["code"]))
    vintage = f"CQC care directory as at {inputs.directory.vintage}"
    subject = svc.title.lower()
    items: list[Table | Chart] = [
        charts.rating_chart(dist, area["name"], subject),
        Table("ratings", dist, f"{svc.title} in {area['name']} by CQC overall rating ({vintage})",
              {"rating": "CQC overall rating", "locations": "Locations", "percent": "% of locations"}, {"percent": "pct"}),
        Table("good_benchmark", bench, f"{svc.title}: % of rated locations rated Good or Outstanding ({vintage})",
              BENCHMARK_HEADERS | {"value": "% Good or Outstanding"}, {"value": "pct"})]
    not_rated = int(dist.set_index("rating").loc[quality.NOT_YET_RATED, "locations"])
    key.update(pct_good_or_outstanding=_round(good), pct_good_or_outstanding_region=_round(_bench_value(bench, 2)),
               not_yet_rated=not_rated)
    messages = [narrative.quality_message(area["name"], svc, good, bench, not_rated)]
    if svc.subcategories:
        by = quality.good_or_outstanding_by(locs)
        items.append(Table("ratings_by_category", by, f"{svc.title} rated Good or Outstanding by category ({vintage})",
                           {"category": "Category", "locations": "Locations", "rated": "Rated",
                            "good_or_outstanding": "Good or Outstanding", "percent": "% of rated"}, {"percent": "pct"}))
    baseline = inputs.snapshots[0]
    if baseline.file != inputs.directory.file:
        before = sufficiency.service_locations(baseline.data, svc, area["code"])
        change = quality.rating_change(before, locs)
        items.append(Table("ratings_change", change,
                           f"{svc.title} by CQC overall rating: {baseline.vintage} vs {inputs.directory.vintage}",
                           {"rating": "Rating", "baseline": baseline.vintage, "baseline_pct": "%",
                            "current": inputs.directory.vintage, "current_pct": "% ", "change": "Change",
                            "change_pct_points": "Change (points)"},
                           {"baseline_pct": "pct", "current_pct": "pct", "change_pct_points": "num1"}))
        before_good = quality.percent_good_or_outstanding(before)
        messages.append(narrative.change_message(svc, before_good, good, baseline.vintage))
    if inputs.ratings is not None:
        ratings = inputs.ratings.data
        kq = quality.key_question_breakdown(
            cqc_ratings.key_questions(ratings[ratings["location_id"].isin(locs["location_id"])]), locs["location_id"])
        if kq["rated"].sum() > 0:
            items.append(Table("key_questions", kq, f"{svc.title}: CQC ratings by key question "
                               f"(CQC latest ratings, {inputs.ratings.vintage})",
                               {"key_question": "Key question", "rated": "Rated",
                                "percent_good_or_outstanding": "% Good or Outstanding"},
                               {"percent_good_or_outstanding": "pct"}))
            weakest = kq.sort_values("percent_good_or_outstanding").iloc[0]
            messages.append(f"Of the five key questions, '{weakest['key_question']}' has the lowest share rated Good or "
                            f"Outstanding ({narrative.fmt_pct(weakest['percent_good_or_outstanding'])}).")
    notes = []
    if svc.care_home and inputs.ascof_ratings is not None:
        ascof = quality.ascof_good_or_outstanding(inputs.ascof_ratings.data, area["code"])
        if ascof is not None:
            period, value = ascof
            key["ascof_6b_pct"] = _round(value)
            notes.append(narrative.ascof_note(value, period, good, inputs.directory.vintage))
    return Section("quality", "Quality", messages, items, notes)


# -------------------------------------------------------------------------------------------- stability


def stability_section(svc: Service, inputs: Inputs, area: pd.Series, key: dict) -> Section:
    """Entries and exits between directory snapshots; concentration (top-5 share, HHI) and the group view."""
    capacity = "beds" if svc.capacity == "cqc_beds" else None
    snaps = [(pd.Timestamp(s.vintage), sufficiency.service_locations(s.data, svc, area["code"]))
             for s in inputs.snapshots]
    flows = stability.entries_exits(snaps, capacity)
    locs = snaps[-1][1]
    conc = stability.concentration_summary(locs, capacity)
    groups = stability.provider_shares(locs, capacity, by="brand").head(10)
    unit = "beds" if capacity else "locations"
    items: list[Table | Chart] = []
    if len(flows) > 1:
        shown = flows.iloc[1:]
        items.append(charts.grouped_bar_chart("entries_exits", shown, "year", {"entries": "Entries", "exits": "Exits"},
                                              f"{svc.title}: locations registered and closed each year", "Locations"))
    items.append(Table("entries_exits", flows, f"{svc.title}: entries, exits and net change between CQC directory "
                       "snapshots", {"year": "Year", "locations": "Locations", "entries": "Entries", "exits": "Exits",
                                     "net_change": "Net change"}))
    summary = pd.DataFrame([
        {"measure": "Providers (provider groups)", "value": f"{conc['providers']:,} ({conc['groups']:,})"},
        {"measure": f"Largest 5 providers' share of {unit}", "value": narrative.fmt_pct(conc["top5_share_pct"])},
        {"measure": f"Largest 5 provider groups' share of {unit}",
         "value": narrative.fmt_pct(conc["group_top5_share_pct"])},
        {"measure": "Herfindahl–Hirschman index, providers (0–10,000)", "value": narrative.fmt_num(conc["hhi"], 0)},
        {"measure": "Concentration band (providers)", "value": conc["hhi_band"]},
        {"measure": "Herfindahl–Hirschman index, provider groups", "value": narrative.fmt_num(conc["group_hhi"], 0)},
        {"measure": "Concentration band (provider groups)", "value": conc["group_hhi_band"]}])
    items.append(Table("concentration", summary, f"{svc.title}: market concentration by {unit}",
                       {"measure": "Measure", "value": "Value"}))
    items.append(Table("largest_groups", groups[["name", "locations", "share_pct"] + (["capacity"] if capacity else [])],
                       f"{svc.title}: largest provider groups (brand where CQC records one) by share of {unit}",
                       {"name": "Provider group", "locations": "Locations", "capacity": "Beds", "share_pct": "Share"},
                       {"share_pct": "pct", "capacity": "int"}))
    key.update(providers_hhi=_round(conc["hhi"], 0), hhi_band=conc["hhi_band"], top5_share=_round(conc["top5_share_pct"]),
               group_hhi=_round(conc["group_hhi"], 0))
    if len(flows) > 1:
        key.update(entries_latest_year=int(flows["entries"].iloc[-1]), exits_latest_year=int(flows["exits"].iloc[-1]))
    messages = [narrative.concentration_message(svc, conc, unit)]
    if len(flows) > 1:
        messages.append(narrative.flows_message(svc, flows))
    notes = ["Entries and exits compare consecutive CQC directory snapshots: a location in this snapshot but not the "
             "previous one entered; one in the previous but not this one left. The HHI is the sum of squared "
             f"percentage shares of {unit} (one provider alone: 10,000); bands follow {stability.HHI_SOURCE}: below "
             "1,000 unconcentrated, 1,000–2,000 concentrated, above 2,000 highly concentrated."]
    return Section("stability", "Stability", messages, items, notes)


# -------------------------------------------------------------------------------------------- workforce


def workforce_section(svc: Service, inputs: Inputs, area: pd.Series, key: dict) -> Section:
    """Skills for Care workforce measures vs region and England; ASCOF Table_6a turnover as the fallback."""
    nlw = usage.national_living_wage()
    if inputs.skills_for_care is not None and svc.skills_for_care_services:
        table = workforce.workforce_comparison(inputs.skills_for_care.data, area["code"], area["region_code"],
                                               list(svc.skills_for_care_services), nlw["rate"])
        caption = (f"{svc.title} workforce: {area['name']} vs region and England (Skills for Care, "
                   f"{inputs.skills_for_care.vintage})")
    elif inputs.ascof_turnover is not None:
        table = workforce.turnover_from_ascof(inputs.ascof_turnover.data, area["code"], area["region_code"])
        caption = (f"Adult social care staff turnover: {area['name']} vs region and England (ASCOF Table 6a, "
                   f"{inputs.ascof_turnover.vintage}; all services — no Skills for Care file was supplied)")
    else:
        return Section("workforce", "Workforce", ["No Skills for Care or ASCOF file was supplied, so the workforce "
                                                  "section could not be computed."])
    shown = narrative.workforce_display(table)
    items: list[Table | Chart] = [Table("workforce", shown, caption,
                                        {"measure": "Measure", "council": area["name"]})]
    messages = narrative.workforce_messages(area["name"], table)
    key.update({f"workforce_{k}": _round(v, 2) for k, v in zip(table["key"], table["council"])})
    notes = [f"National Living Wage: £{nlw['rate']:.2f} an hour from {nlw['from']} ({nlw['source']})."]
    return Section("workforce", "Workforce", messages, items, notes)


# ----------------------------------------------------------------------------------------------- demand


def demand_section(svc: Service, inputs: Inputs, area: pd.Series, key: dict) -> Section:
    """Population projection of the service's ages; projected demand at today's usage rates vs capacity."""
    base = _base_year(inputs)
    band = svc.population_band
    table = ons_population.projection(inputs.snpp.data, area["code"], base, demand.HORIZONS)
    wide = table.pivot(index="band", columns="year", values="population").reindex(list(ons_population.BANDS))
    wide.columns = [str(c) for c in wide.columns]
    wide = wide.reset_index()
    items: list[Table | Chart] = [Table("population_projection", wide, f"Population of {area['name']} by age band, "
                                        f"{base}, {base + 5} and {base + 10} (ONS {inputs.snpp.vintage})",
                                        {"band": "Age band"}, {c: "int" for c in wide.columns if c != "band"})]
    messages = [narrative.projection_message(area["name"], table, band, base)]
    ten = table[(table["band"] == band) & (table["horizon"] == 10)]["change_pct"]
    key.update(population_band=band, population_change_10y_pct=_round(ten.iloc[0]) if len(ten) else None)
    usage, capacity = _current_usage(svc, key), _capacity(svc, key)
    if usage is None or capacity is None:
        messages.append(f"Current use of {svc.title.lower()} is not known from the inputs, so demand is not projected.")
        return Section("demand", "Demand", messages, items)
    split = usage_split(svc, inputs, area["code"])
    users = split.assign(users=split["share"] * usage)[["band", "users"]]
    bands = users["band"].tolist()
    proj = demand.projected_population(inputs.snpp.data, area["code"], base, bands)
    rates = demand.usage_rates(users, proj[proj["horizon"] == 0][["band", "population"]])
    projected = demand.projected_demand(rates, proj)
    occupancy = key.get("occupancy_pct")
    gap = demand.capacity_gap(projected, capacity, None if occupancy is None else occupancy / 100, svc.target_occupancy)
    shown = gap[["year", "demand", "capacity", "usable_capacity", "surplus"]]
    items.append(charts.line_chart("demand_projection", shown.assign(year=pd.to_datetime(shown["year"].astype(str))),
                                   "year", {"demand": f"Projected demand ({svc.unit})",
                                            "usable_capacity": f"Usable capacity ({svc.unit})"},
                                   f"{svc.title}: projected demand against today's usable capacity",
                                   svc.unit.capitalize()))
    items.append(Table("demand_projection", shown, f"{svc.title}: projected demand and surplus (+) or shortfall (−), "
                       f"{svc.unit}", {"year": "Year", "demand": "Projected demand", "capacity": "Capacity",
                                       "usable_capacity": "Usable capacity", "surplus": "Surplus (+) / shortfall (−)"},
                       {"demand": "int", "capacity": "int", "usable_capacity": "int", "surplus": "int"}))
    last = gap.iloc[-1]
    key.update(demand_10y=_round(last["demand"], 0), surplus_10y=_round(last["surplus"], 0))
    messages.append(narrative.gap_message(svc, gap))
    notes = [n for n in demand.gap_assumptions(base, capacity, svc.unit, None if occupancy is None else occupancy / 100,
                                               svc.target_occupancy, bands, f"ONS {inputs.snpp.vintage}")
             if svc.capacity == "cqc_beds" or not n.startswith(("Usable capacity", "Current occupancy"))]
    notes.append("Today's use is " + (f"occupied beds ({narrative.fmt_int(usage)})" if svc.capacity == "cqc_beds"
                                      else f"{narrative.fmt_int(usage)} {svc.unit}"
                                      + (" delivered or awaiting care" if svc.capacity == "delivered_hours" else ""))
                 + ", split across age bands "
                 + ("by the council's long-term clients in ASC-FR (" + ", ".join(
                     f"{b} {sh:.0%}" for b, sh in zip(split["band"], split["share"])) + ")."
                    if len(split) > 1 else f"as all in the {split['band'].iloc[0]} band."))
    return Section("demand", "Demand", messages, items, notes)


def usage_split(svc: Service, inputs: Inputs, la_code: str) -> pd.DataFrame:
    """Shares of today's use by age band: the council's ASC-FR client split, else all in the service's band."""
    split = (usage.age_split(inputs.ascfr.data, la_code, svc.ascfr_settings)
             if inputs.ascfr is not None and svc.ascfr_settings else None)
    if split is None:
        return pd.DataFrame({"band": [svc.population_band], "share": [1.0]})
    return split[["band", "share"]]


# ------------------------------------------------------------------------------------------ cost of care


def cost_section(svc: Service, inputs: Inputs, area: pd.Series, key: dict) -> Section:
    """Fair Cost of Care quartiles, fee gap, uplift and budget impact (published: suppressed below min providers)."""
    returns, fees = inputs.local("cost_returns"), inputs.local("fee_rates")
    cost = cost_of_care.cost_section(svc.key, returns, fees, area["name"])
    inputs.log.extend(cost.log)
    key["cost"] = cost.key_figures
    items: list[Table | Chart] = [*cost.charts, *cost.tables]
    notes = [cost.footnote] if cost.footnote and cost.available else []
    notes.append("Cost figures are quartiles over providers' returns (QUARTILE.INC, as a spreadsheet computes them); "
                 "the total is the median of providers' totals, not the sum of line medians. See docs/cost_of_care.md.")
    return Section("cost", "Cost of care and value for money", cost.messages or
                   [f"No cost of care returns for {svc.title.lower()} were supplied."], items if cost.available else [],
                   notes)


def actions_section(svc: Service, inputs: Inputs, area: pd.Series, key: dict) -> Section:
    """The action plan's actions for this service, with status labels that read without colour."""
    plan = inputs.local("action_plan")
    if plan is None:
        return Section("actions", "What we will do", ["No action plan was supplied."])
    mine = plan.data[plan.data["service"] == svc.key]
    if mine.empty:
        return Section("actions", "What we will do", [f"The action plan has no actions for {svc.title.lower()}; "
                                                      "see the council-wide actions in the market oversight chapter."])
    today = inputs.vintage_date
    days = action_tracker.due_soon_days(params.load(oversight.PARAMS))
    table = action_tracker.what_we_will_do(mine, today, days).drop(columns=["service"])
    figures = action_tracker.summary(mine, today, days)
    key["actions"] = {"total": figures["actions"], "overdue": figures["overdue"], "due_soon": figures["due_soon"]}
    message = (f"The action plan has {narrative.fmt_int(figures['actions'])} action(s) for {svc.title.lower()}: "
               f"{narrative.fmt_int(figures['overdue'])} overdue and {narrative.fmt_int(figures['due_soon'])} due within "
               f"{days} days of {today:%d %B %Y}.")
    return Section("actions", "What we will do", [message], [Table(
        "actions", table, f"{svc.title}: actions from the council's action plan ({plan.vintage}); status as at "
        f"{today:%d %B %Y}", {"theme": "Theme", "action": "Action", "owner": "Owner", "target": "Target date",
                              "status": "Status"})])


def publishable_log(log: DataQualityLog) -> DataQualityLog:
    """The data-quality log for publication: cost-return warnings (which name providers) become one count."""
    private = {cost_of_care.SOURCE, cost_returns.SPEC.title}
    out = DataQualityLog([w for w in log.warnings if w.source not in private])
    flagged = len(log.warnings) - len(out.warnings)
    if flagged:
        out.warn(cost_of_care.SOURCE, f"{flagged} check(s) on providers' cost returns were flagged (outliers, missing "
                 "lines or volumes); they are listed by provider in the internal cost of care notebook, not here.")
    return out


def _current_usage(svc: Service, key: dict) -> float | None:
    if svc.capacity == "cqc_beds":
        if key.get("beds") is None or key.get("occupancy_pct") is None:
            return None
        return key["beds"] * key["occupancy_pct"] / 100
    if svc.capacity == "delivered_hours" and key.get("capacity") is not None:
        return key["capacity"] + (key.get("hours_waiting") or 0)
    return key.get("capacity")


def _capacity(svc: Service, key: dict) -> float | None:
    return key.get("beds") if svc.capacity == "cqc_beds" else key.get("capacity")


SECTIONS = (sufficiency_section, quality_section, stability_section, workforce_section, cost_section,
            demand_section, actions_section)
