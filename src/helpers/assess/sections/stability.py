"""The stability section: entries and exits between CQC directory snapshots, and how concentrated the market is."""
from __future__ import annotations

import pandas as pd

from helpers.assess import narrative, national, stability
from helpers.assess.sections.common import BuiltSection, Section, rounded
from helpers.load.inputs import Inputs
from helpers.present import charts
from helpers.present.charts import Chart
from helpers.present import wording
from helpers.present.tables import Table
from helpers.services import Service


def stability_section(svc: Service, inputs: Inputs, area: pd.Series) -> BuiltSection:
    """Entries and exits between directory snapshots; concentration (top-5 share, HHI) and the group view."""
    capacity = "beds" if svc.capacity == "cqc_beds" else None
    flows = national.flows(inputs, svc, area["code"])  # entries_exits of the council's locations in each snapshot
    conc, groups = national.concentration(inputs, svc, area["code"])  # concentration_summary of the latest's
    groups = groups.head(10)
    unit = "beds" if capacity else "locations"
    items: list[Table | Chart] = []
    if len(flows) > 1:
        shown = flows.iloc[1:]
        items.append(charts.grouped_bar_chart("entries_exits", shown, "year", {"entries": "Entries", "exits": "Exits"},
                                              f"{svc.title}: locations registered and closed each year", "Locations",
                                              x_label="Year"))
    counts = ["locations", "entries", "exits", "net_change"] + [c for c in flows.columns if c.startswith(f"{unit}_")]
    items.append(Table("entries_exits", flows, f"{svc.title}: entries, exits and net change between CQC directory "
                       "snapshots", {"date": "Directory date", "year": "Year", "locations": "Locations",
                                     "entries": "Entries", "exits": "Exits", "net_change": "Net change",
                                     f"{unit}_total": "Beds", f"{unit}_entering": "Beds in new homes",
                                     f"{unit}_leaving": "Beds in closed homes",
                                     f"{unit}_resized": "Beds added or removed in continuing homes",
                                     f"{unit}_net": "Net change in beds"},
                       {"date": "date", "year": "year"} | {c: "int" for c in counts}
                       | {c: "signed" for c in ("net_change", f"{unit}_resized", f"{unit}_net") if c in flows}))
    summary = pd.DataFrame([
        {"measure": "Providers (provider groups)",
         "value": f"{wording.whole(conc['providers'])} ({wording.whole(conc['groups'])})"},
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
                       {"share_pct": "pct", "capacity": "int", "locations": "int"}))
    figures: dict[str, object] = {"providers_hhi": rounded(conc["hhi"], 0), "hhi_band": conc["hhi_band"],
                                  "top5_share": rounded(conc["top5_share_pct"]), "group_hhi": rounded(conc["group_hhi"], 0)}
    if len(flows) > 1:
        figures |= {"entries_latest_year": int(flows["entries"].iloc[-1]),
                    "exits_latest_year": int(flows["exits"].iloc[-1])}
    messages = [narrative.concentration_message(svc, conc, unit)]
    if len(flows) > 1:
        messages.append(narrative.flows_message(svc, flows))
    notes = ["Entries and exits compare consecutive CQC directory snapshots. A location in this snapshot but not the "
             "previous one entered; one in the previous snapshot but not this one left.",
             "The Herfindahl–Hirschman index (HHI) is the sum of the squared percentage shares of "
             f"{unit}: one provider alone scores 10,000. The bands follow the {stability.HHI_SOURCE}. Below 1,000 "
             "is unconcentrated, 1,000 to 2,000 concentrated and above 2,000 highly concentrated."]
    return BuiltSection(Section("stability", "Stability", messages, items, notes), figures)
