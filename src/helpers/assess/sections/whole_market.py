"""The sufficiency section's view of the whole market, beyond the CQC-registered supply it counts.

Three parts, each added to the section by ``whole_market`` (one call from ``sufficiency_section``):

- care homes: self-funded residents, estimated from occupied beds less the council's long-term residents
  (``helpers.assess.self_funders``);
- every service: services on the council's local provider list that are not registered with CQC, counted
  beside the CQC locations and labelled as such (``helpers.assess.outside_cqc``);
- supported living: locations CQC registers for extra care housing, counted beside it (not a fifth service).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from helpers.assess import national, outside_cqc, self_funders, sufficiency
from helpers.assess.narrative import noun
from helpers.assess.sections.common import rounded
from helpers.load import occupancy
from helpers.load.inputs import Inputs
from helpers.present import wording
from helpers.present.charts import Chart
from helpers.present.tables import Table
from helpers.services import Service

EXTRA_CARE_SERVICE = "supported_living"  # the chapter extra care housing is counted beside
UNIT_NOUNS = {"beds": ("bed", "beds"), "places": ("place", "places"), "flats": ("flat", "flats"),
              "people": ("person", "people"), "hours a week": ("hour a week", "hours a week"),
              "sessions a week": ("session a week", "sessions a week")}
FUNDING_LABELS = {"Council": "Of which council-funded", "Self-funded": "Of which self-funded",
                  "Mixed": "Of which mixed funding", "Other": "Of which other funding"}
FUNDING_WORDS = {"Council": "council-funded", "Self-funded": "self-funded", "Mixed": "mixed", "Other": "other"}


@dataclass
class WholeMarket:
    """What the whole-market parts add to the sufficiency section."""

    items: list[Table | Chart] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    figures: dict[str, object] = field(default_factory=dict)


def whole_market(svc: Service, inputs: Inputs, area: pd.Series, supply: pd.DataFrame,
                 occupancy_latest: pd.DataFrame | None = None) -> WholeMarket:
    """Self-funders (care homes), locally listed services outside CQC registration (every service) and extra care
    housing (supported living), as tables, messages, notes and key figures for the sufficiency section.

    ``occupancy_latest``: ``sufficiency.occupancy_latest`` of the council's occupancy return as ``inputs`` loaded it
    (so it is already among their sources), when the caller has it.
    """
    out = WholeMarket()
    if svc.capacity == "cqc_beds":
        _self_funders(svc, inputs, area, out, occupancy_latest)
    _local_listed(svc, inputs, area, supply, out)
    if svc.key == EXTRA_CARE_SERVICE:
        _extra_care(inputs, area, out)
    return out


# ------------------------------------------------------------------------------------------------ self-funders

SELF_FUNDER_NOTE = ("Self-funders are estimated as occupied beds on one day less the people the council funded in "
                    "long-term residential or nursing care over a year (ASC-FR), and never below 0. "
                    "Residents funded by the NHS or placed by other councils count as self-funders here. "
                    "The council's count includes people it placed outside the area and people who left during "
                    "the year, which lowers the estimate.")


def _funded_by_setting(svc: Service, inputs: Inputs, code: str) -> dict[str, float] | None:
    """The council's ASC-FR long-term clients in each of the service's settings; None unless every one is known."""
    if inputs.ascfr is None or not svc.ascfr_settings:
        return None
    funded = {}
    for setting in svc.ascfr_settings:
        clients = national.clients(inputs, (setting,))  # usage.clients_by_council(ascfr, [setting]), made once
        own = clients.loc[clients["la_code"] == code, "clients"]
        if own.empty:
            return None
        funded[setting] = float(own.iloc[0])
    return funded


def _self_funders(svc: Service, inputs: Inputs, area: pd.Series, out: WholeMarket,
                  latest: pd.DataFrame | None = None) -> None:
    # the caller's latest rows come from the council's occupancy return, already loaded (and recorded) by these
    # inputs: looking it up again would find the same file
    table = inputs.local("occupancy") if latest is None else None
    if latest is None and table is None:
        return  # the section already says no occupancy return was supplied
    funded = _funded_by_setting(svc, inputs, area["code"])
    if funded is None:
        out.notes.append("Self-funders are not estimated: ASC-FR gives no count of the council's long-term residential "
                         "and nursing clients.")
        return
    if latest is None:
        latest = sufficiency.occupancy_latest(occupancy.occupancy_by_period(table.data))
    estimate = self_funders.estimate_table(latest, funded)
    total = estimate.iloc[-1]
    on, year = wording.day(latest["date"].iloc[0]), wording.vintage(inputs.ascfr.vintage)
    floored = ". Set to 0 where the council funds more residents than beds are occupied" \
        if estimate["floored"].any() else ""
    out.items.append(Table(
        "self_funders", estimate.drop(columns="floored"),
        f"Estimated self-funded care home residents in {area['name']}: occupied beds on {on} (council's occupancy "
        f"return) less council-funded long-term residents in {year} (ASC-FR){floored}",
        {"setting": "Setting", "occupied": "Occupied beds", "council_funded": "Council-funded long-term residents",
         "self_funders": "Estimated self-funders", "self_funder_pct": "Self-funders, % of occupied beds"},
        {"occupied": "int", "council_funded": "int", "self_funders": "int", "self_funder_pct": "pct"}))
    out.figures |= {"self_funders": int(round(float(total["self_funders"]))),
                    "self_funder_pct": rounded(total["self_funder_pct"])}
    out.messages.append(self_funder_message(area["name"], total, on, year))
    out.notes.append(SELF_FUNDER_NOTE)


def self_funder_message(area: str, total: pd.Series, on: str, year: str) -> str:
    """'An estimated 979 care home residents in Sheffield pay for their own care: …' (or why it is 0)."""
    funded = wording.plural(total["council_funded"], "person", "people")
    occupied = wording.plural(total["occupied"], "bed")
    if total["floored"]:
        return (f"The council funded {funded} in long-term residential or nursing care in {year} (ASC-FR), more "
                f"than the {occupied} occupied on {on}, so self-funders are estimated at 0.")
    return (f"An estimated {wording.plural(total['self_funders'], 'care home resident')} in {area} pay for their own "
            f"care: {wording.percent(total['self_funder_pct'])} of the {occupied} occupied on {on}. That is "
            f"occupied beds less the {funded} the council funded in long-term residential or nursing care in {year} "
            "(ASC-FR), a rough estimate.")


# ------------------------------------------------------------------------------------------------ local list


def capacity_text(capacity: dict[str, float]) -> str:
    """{"places": 650, "sessions a week": 120} → '650 places and 120 sessions a week' ('' when empty)."""
    parts = [wording.plural(value, *UNIT_NOUNS.get(unit, (unit, unit))) for unit, value in capacity.items()]
    if len(parts) < 2:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _local_listed(svc: Service, inputs: Inputs, area: pd.Series, supply: pd.DataFrame, out: WholeMarket) -> None:
    table = inputs.local("local_providers")
    if table is None:
        out.notes.append("Services not registered with CQC are not counted: the council supplied no local provider "
                         "list.")
        return
    latest = outside_cqc.latest_entries(table.data, svc.key)  # once for both counts
    summary, registered = outside_cqc.summary_of(latest), outside_cqc.registered_of(latest)
    total, cqc = summary.iloc[-1], supply.iloc[-1]
    out.figures |= {"local_listed": int(total["services"]), "local_listed_capacity": total["capacity"]}
    as_at = wording.vintage(table.vintage)
    if total["services"] == 0:
        out.notes.append(f"The council's local provider list (as at {as_at}) names no {svc.title.lower()} services "
                         "that are not registered with CQC.")
        return
    rows = [{"what": "CQC-registered locations", "services": int(cqc["locations"]), "providers": int(cqc["providers"]),
             "capacity": capacity_text({"beds": float(cqc["beds"])}) if "beds" in cqc else None},
            {"what": "Locally listed, not registered with CQC", "services": int(total["services"]),
             "providers": int(total["providers"]), "capacity": capacity_text(total["capacity"]) or None}]
    rows += [{"what": FUNDING_LABELS[r["funding"]], "services": int(r["services"]), "providers": int(r["providers"]),
              "capacity": capacity_text(r["capacity"]) or None} for _, r in summary.iloc[:-1].iterrows()]
    out.items.append(Table(
        "local_listed", pd.DataFrame(rows),
        f"{svc.title} in {area['name']}: CQC-registered locations (CQC care directory) and, counted separately, the "
        f"services on the council's local provider list (as at {as_at}) that are not registered with CQC",
        {"what": "Supply", "services": "Locations or services", "providers": "Providers", "capacity": "Capacity"},
        {"services": "int", "providers": "int"}))
    out.messages.append(local_listed_message(area["name"], svc, cqc, summary, registered))


def local_listed_message(area: str, svc: Service, cqc: pd.Series, summary: pd.DataFrame, registered: int) -> str:
    """'Besides its 16 CQC-registered day opportunities locations, Sheffield's local provider list names 42 …'."""
    total = summary.iloc[-1]
    n = int(total["services"])
    text = (f"Besides its {wording.whole(cqc['locations'])} CQC-registered {noun(svc, int(cqc['locations']))}, "
            f"{area}'s local provider list names {wording.plural(n, 'service')} not registered with CQC, run by "
            f"{wording.plural(total['providers'], 'provider')}.")
    funding = [f"{wording.whole(r['services'])} {FUNDING_WORDS[r['funding']]}" for _, r in summary.iloc[:-1].iterrows()]
    if len(funding) > 1:
        text += f" By funding: {', '.join(funding[:-1])} and {funding[-1]}."
    capacity = capacity_text(total["capacity"])
    if capacity:
        known = int(total["with_capacity"])
        text += (f" {'They' if known == n else f'The {wording.whole(known)} with a known capacity'} add up to "
                 f"{capacity}.")
    if registered:
        text += (f" The list also names {wording.plural(registered, 'CQC-registered service')}, already in the CQC "
                 "figures.")
    return text


# ------------------------------------------------------------------------------------------------ extra care


def _extra_care(inputs: Inputs, area: pd.Series, out: WholeMarket) -> None:
    counts = outside_cqc.extra_care(inputs.directory.data, area["code"])
    out.figures["extra_care_locations"] = counts["locations"]
    out.messages.append(extra_care_message(area["name"], counts))
    if counts["locations"]:
        out.items.append(Table(
            "extra_care", pd.DataFrame([
                {"what": "Registered for extra care housing", "locations": counts["locations"],
                 "providers": counts["providers"]},
                {"what": "Of which also registered for supported living", "locations": counts["also_supported_living"],
                 "providers": None}]),
            f"Extra care housing in {area['name']}: locations CQC registers with the service type 'Extra Care housing "
            f"services' (CQC care directory as at {wording.vintage(inputs.directory.vintage)}), counted beside "
            "supported living",
            {"what": "Extra care housing", "locations": "Locations", "providers": "Providers"},
            {"locations": "int", "providers": "int"}))


def extra_care_message(area: str, counts: dict[str, int]) -> str:
    """'CQC registers 5 locations in Sheffield, run by 4 providers, to provide care in extra care housing. …'."""
    if not counts["locations"]:
        return f"CQC registers no locations in {area} to provide care in extra care housing."
    text = (f"CQC registers {wording.plural(counts['locations'], 'location')} in {area}, run by "
            f"{wording.plural(counts['providers'], 'provider')}, to provide care in extra care housing. They are "
            "counted beside supported living, not as a service of their own")
    also = counts["also_supported_living"]
    if also:
        text += (f"; {wording.whole(also)} of them {'is' if also == 1 else 'are'} also registered for supported "
                 "living and counted above")
    return text + "."
