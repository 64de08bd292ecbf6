"""Plain-English key messages generated from the figures (numbers in prose come from here, never typed).

Numbers, dates and plurals are written by helpers.present.wording, the statement's one house style.
"""
from __future__ import annotations

import pandas as pd

from helpers.present import wording
from helpers.present.wording import day
from helpers.services import Service

CLOSE_POINTS = 1.0
HEADLINE_WORKFORCE = ("turnover_rate_pct", "vacancy_rate_pct", "median_hourly_pay")  # differences under this many points (or %) read as "in line with"


def fmt_int(n: float) -> str:
    """1234 → '1,234' (wording.whole)."""
    return wording.whole(n)


def fmt_pct(p: float | None) -> str:
    """81.25 → '81%'; None → 'not available' (wording.percent)."""
    return wording.percent(p)


def fmt_num(x: float | None, digits: int = 1) -> str:
    """12.345 → '12.3'; None → 'not available' (wording.number)."""
    return wording.number(x, digits)


def noun(svc: Service, n: int | None = None) -> str:
    """'care homes' / 'home care locations' (singular when n == 1)."""
    word = "care home" if svc.care_home else f"{svc.title.lower()} location"
    return word if n == 1 else word + "s"


def age_band(text: str) -> str:
    """An age band as published: '18-64' → '18–64' (en dash), '75+' unchanged."""
    return wording.dashed(text)


def compare(value: float | None, other: float | None, what: str, unit: str = "") -> str:
    """'above the region's 5.1' / 'below …' / 'in line with …' (relative differences under 1% read as in line)."""
    if value is None or other is None or pd.isna(value) or pd.isna(other):
        return f"no {what} figure to compare with"
    gap = value - other
    scale = abs(other) if unit != "%" and other else 100
    shown = wording.percent(other, 1) if unit == "%" else wording.money(other) if unit == "£" else fmt_num(other)
    if abs(gap) / scale * 100 < CLOSE_POINTS:
        return f"in line with {_the(what)}'s {shown}"
    return f"{'above' if gap > 0 else 'below'} {_the(what)}'s {shown}"


def _the(what: str) -> str:
    return what if what[:1].isupper() else f"the {what}"


def supply_message(area: str, svc: Service, supply: pd.DataFrame, bench: pd.DataFrame, measure: str) -> str:
    """Locations, providers (beds) and the rate per 1,000 against the region."""
    total = supply.iloc[-1]
    beds = f" with {fmt_int(total['beds'])} beds" if "beds" in supply else ""
    rate, region = bench["value"].iloc[0], bench["value"].iloc[2]
    per = "1,000" if measure == "beds" else "100,000"
    return (f"{area} has {fmt_int(total['locations'])} {noun(svc, total['locations'])} run by "
            f"{wording.plural(total['providers'], 'provider')}{beds}. That is {fmt_num(rate)} {measure} per {per} "
            f"people aged {age_band(svc.population_band)}, {compare(rate, region, 'region')}.")


def occupancy_message(total: pd.Series) -> str:
    """'Occupancy was 84% of beds on 31 October 2026 (range 74%–89% across homes), leaving 160 beds vacant (16%).'"""
    return (f"Occupancy was {fmt_pct(total['occupancy_pct'])} of beds on {day(total['date'])} (range "
            f"{fmt_pct(total['min_home_pct'])}–{fmt_pct(total['max_home_pct'])} across homes), leaving "
            f"{fmt_int(total['vacant'])} beds vacant ({fmt_pct(total['vacancy_pct'])}).")


def unmet_need_message(weekly: pd.DataFrame) -> str:
    """People and hours waiting in the latest week, as % of commissioned hours, and the change over the period."""
    first, last = weekly.iloc[0], weekly.iloc[-1]
    direction = ("up from" if last["hours_waiting"] > first["hours_waiting"]
                 else "down from" if last["hours_waiting"] < first["hours_waiting"] else "the same as")
    return (f"In the week ending {day(last['week_ending'])}, {wording.plural(last['people_waiting'], 'person', 'people')} "
            f"{'was' if last['people_waiting'] == 1 else 'were'} waiting for {fmt_int(last['hours_waiting'])} hours of "
            f"home care a week ({fmt_pct(last['hours_waiting_pct'])} of commissioned hours). That is {direction} "
            f"{fmt_int(first['hours_waiting'])} hours in the week ending {day(first['week_ending'])}.")


def quality_message(area: str, svc: Service, good: float | None, bench: pd.DataFrame, not_rated: int) -> str:
    """% rated Good or Outstanding against region and England, and how many are not yet rated."""
    if good is None:
        return f"No {noun(svc, 1)} in {area} has a published CQC rating yet."
    tail = f"; {fmt_int(not_rated)} not yet rated." if not_rated else "."
    return (f"{fmt_pct(good)} of rated {noun(svc)} are rated Good or Outstanding by CQC, "
            f"{compare(good, bench['value'].iloc[2], 'region', '%')} and "
            f"{compare(good, bench['value'].iloc[3], 'England', '%')}{tail}")


def change_message(svc: Service, before: float | None, now: float | None, baseline: str) -> str:
    """The change in % Good or Outstanding since the baseline snapshot."""
    if before is None or now is None:
        return f"There is no rated {noun(svc, 1)} to compare with {baseline}."
    diff = now - before
    points = round(abs(diff))
    movement = ("unchanged" if points == 0
                else f"{'up' if diff > 0 else 'down'} {points} percentage point{'s' if points != 1 else ''}")
    return f"The share rated Good or Outstanding is {movement} since {wording.vintage(baseline)} ({fmt_pct(before)} then)."


def ascof_note(value: float, period: str, ours: float | None, vintage: str) -> str:
    """Why ASCOF Table 6b and our own figure may differ."""
    return (f"ASCOF Table 6b gives {wording.percent(value, 1)} of the council's residential care providers rated Good "
            f"or Outstanding in {wording.vintage(period)}. Our figure ({fmt_pct(ours)}) counts care home locations in "
            f"the CQC directory as at {wording.vintage(vintage)}. They differ because the dates differ. ASCOF also "
            "counts providers' locations with a rating at its own snapshot, including some registrations our "
            "service definition leaves out.")


def concentration_message(svc: Service, conc: dict, unit: str) -> str:
    """Top-5 share and HHI band."""
    if not conc.get("providers"):
        return f"There are no {svc.title.lower()} providers, so concentration cannot be measured."
    what = f"{noun(svc, 1)} beds" if unit == "beds" else noun(svc)
    return (f"The five largest providers hold {fmt_pct(conc['top5_share_pct'])} of {what}. "
            f"The Herfindahl–Hirschman index is {fmt_int(conc['hhi'])}, so the market is {conc['hhi_band']}.")


def flows_message(svc: Service, flows: pd.DataFrame) -> str:
    """Entries and exits in the latest year and the net change over the whole period."""
    last = flows.iloc[-1]
    net = int(flows["locations"].iloc[-1] - flows["locations"].iloc[0])
    return (f"In the year to {wording.year(last['year'])}, {fmt_int(last['entries'])} {noun(svc, last['entries'])} "
            f"registered and {fmt_int(last['exits'])} closed. Since {wording.year(flows['year'].iloc[0])} the number "
            f"of {noun(svc)} has {'risen' if net > 0 else 'fallen' if net < 0 else 'not changed'}"
            + (f" by {fmt_int(abs(net))}." if net else "."))


def _unit_value(value: float | None, unit: str) -> str:
    if value is None or pd.isna(value):
        return "–"
    return wording.money(value) if unit == "£" else wording.percent(value, 1) if unit == "%" else fmt_num(value)


def workforce_display(table: pd.DataFrame) -> pd.DataFrame:
    """The workforce comparison with each value written in its unit (£12.95, 28.1%)."""
    areas = [c for c in ("council", "region", "England") if c in table]
    out = table[["measure"]].copy()
    for area in areas:
        out[area] = [_unit_value(v, u) for v, u in zip(table[area], table["unit"])]
    return out


def workforce_messages(area: str, table: pd.DataFrame) -> list[str]:
    """One message per measure the council has a value for, compared with the region."""
    out = []
    for _, row in table.iterrows():
        if pd.isna(row["council"]) or row["key"] not in HEADLINE_WORKFORCE:
            continue
        out.append(f"{row['measure']}: {_unit_value(row['council'], row['unit'])} in {area}, "
                   f"{compare(row['council'], row['region'], 'region', row['unit'])}.")
    return out or [f"No workforce measure is published for {area} (all suppressed or absent)."]


def projection_message(area: str, proj: pd.DataFrame, band: str, base: int) -> str:
    """Growth of the service's age band over 10 years."""
    rows = proj[proj["band"] == band].set_index("year")["population"]
    start, end = rows.get(base), rows.get(base + 10)
    if start is None or end is None or not start:
        return f"No population projection for people aged {age_band(band)} in {area} is available."
    return (f"The number of people aged {age_band(band)} in {area} is projected to change from "
            f"{fmt_int(start)} in {wording.year(base)} to {fmt_int(end)} in {wording.year(base + 10)} "
            f"({wording.signed_percent((end - start) / start * 100)}).")


def gap_message(svc: Service, gap: pd.DataFrame) -> str:
    """Projected surplus or shortfall in 10 years at today's usage rates."""
    last = gap.iloc[-1]
    word = "surplus" if last["surplus"] >= 0 else "shortfall"
    return (f"At today's usage rates, demand would reach {fmt_int(last['demand'])} {svc.unit} by "
            f"{wording.year(last['year'])}. That is a {word} of {fmt_int(abs(last['surplus']))} {svc.unit} against "
            "today's usable capacity.")
