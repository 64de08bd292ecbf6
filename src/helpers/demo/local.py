"""Synthetic local sources (occupancy, home care activity, fee rates, cost returns, provider intelligence,
action plan, KPIs, care home financial sustainability, local provider list) for one council, consistent with its
CQC snapshot.

Each file is the source's template with synthetic rows in place of the example rows
(``helpers.demo.local_template``). Files are named ``<council code>_<source name>.xlsx``, a name the
source's file-name rule accepts and that carries the council's code.
"""
from __future__ import annotations

import zlib
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.councils import council
from helpers.demo.financial_sustainability import write_financial_sustainability
from helpers.demo.local_template import AS_AT, write_rows
from helpers.demo.local_providers import local_provider_rows, with_fee_categories
from helpers.load import action_plan, cost_returns, kpis
from helpers.load.catalogue import LOCAL_SOURCES

LAST_MONTH = pd.Timestamp("2026-10-31")
LAST_WEEK = pd.Timestamp("2026-10-25")  # a Sunday
FINANCIAL_YEAR = "2026-27"
HOURS_PER_1000 = 63.0  # home care hours a week per 1,000 residents (Sheffield ≈ 37,000)
HOURS_PER_PERSON = 14.8
ZONES = ("North", "South", "Central")
CALL_SHARES = (0.05, 0.55, 0.28, 0.12)  # 15, 30, 45, 60+ minutes
CALL_MINUTES = (15, 30, 45, 65)


def _rng(seed: int, code: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(code.encode())])


# ---------------------------------------------------------------------------------------------- occupancy


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    """The rows of a frame as dicts of these columns (those it has), as Python values: what ``iterrows``
    gave, without building a Series per row."""
    columns = [c for c in columns if c in frame]
    return [dict(zip(columns, values)) for values in zip(*(frame[c].tolist() for c in columns))]


def _home_categories(homes: pd.DataFrame, rng: np.random.Generator) -> list[tuple[dict, str, int]]:
    """(home, category, beds) per bed category of each care home: dementia homes split some beds off."""
    out = []
    for home in _records(homes, ["location_id", "name", "nursing", "beds", "dementia"]):
        base = "Nursing" if home["nursing"] else "Residential"
        beds = int(home["beds"])
        if home.get("dementia", False) and beds >= 8 and rng.random() < 0.6:
            dem = int(round(beds * rng.uniform(0.25, 0.5)))
            out += [(home, base, beds - dem), (home, f"{base} dementia", dem)]
        elif home.get("dementia", False) and rng.random() < 0.3:
            out.append((home, f"{base} dementia", beds))
        else:
            out.append((home, base, beds))
    return out


def _occupancy(code: str, homes: pd.DataFrame, rng: np.random.Generator) -> list[dict]:
    months = [m.date() for m in pd.date_range(end=LAST_MONTH, periods=12, freq="ME")]
    rows = []
    for home, category, beds in _home_categories(homes, rng):
        level = float(np.clip(rng.normal(0.84, 0.035), 0.76, 0.88))
        funded = rng.uniform(0.5, 0.6)
        for month, wobble in zip(months, rng.normal(0, 0.012, len(months))):
            occupied = int(round(beds * float(np.clip(level + wobble, 0.73, 0.89))))
            closed = int(rng.random() < 0.05 and beds - occupied > 1)
            rows.append({"council": code, "location_id": home["location_id"], "home_name": home["name"],
                         "date": month, "category": category, "beds": beds, "occupied": occupied,
                         "vacant": beds - occupied - closed, "council_funded": int(round(occupied * funded))})
    return rows


# ---------------------------------------------------------------------------------------------- home care


def _home_care(code: str, population: int, providers: pd.DataFrame, rng: np.random.Generator) -> list[dict]:
    weeks = [w.date() for w in pd.date_range(end=LAST_WEEK, periods=26, freq="7D")]
    zones = ZONES[:2] if population < 300_000 else ZONES
    shares = rng.gamma(2.0, 1.0, len(providers))
    shares = shares / shares.sum() if len(providers) else shares
    zone_of = [zones[i % len(zones)] for i in rng.permutation(len(providers))]
    growth = np.linspace(0.985, 1.0, len(weeks))
    total = population / 1000 * HOURS_PER_1000
    minutes_per_call = np.dot(CALL_SHARES, CALL_MINUTES)
    call_shares = np.array(CALL_SHARES)
    who = list(zip(providers["provider_id"], providers["provider_name"], shares, zone_of))
    rows = []
    for w, week in enumerate(weeks):
        week_total = total * growth[w] * rng.uniform(0.99, 1.01)
        for provider_id, provider_name, share, zone in who:
            commissioned = round(week_total * share * rng.uniform(0.97, 1.03) * 4) / 4
            delivered = round(commissioned * rng.uniform(0.97, 1.0) * 4) / 4
            packages = int(rng.poisson(commissioned * 0.015 / 10))
            calls = rng.multinomial(int(delivered * 60 / minutes_per_call), call_shares)
            rows.append({"council": code, "provider_id": provider_id, "provider_name": provider_name,
                         "zone": zone, "week_ending": week, "commissioned_hours": commissioned,
                         "delivered_hours": delivered,
                         "people_supported": int(round(commissioned / HOURS_PER_PERSON * rng.uniform(0.95, 1.05))),
                         "packages_awaiting": packages,
                         "hours_awaiting": round(packages * rng.uniform(8, 12) * 2) / 2 if packages else 0.0,
                         "calls_15": int(calls[0]), "calls_30": int(calls[1]), "calls_45": int(calls[2]),
                         "calls_60_plus": int(calls[3]), "hand_backs": int(rng.poisson(0.3))})
        for zone in zones:  # need not yet offered to any provider: ≈ 3.5% of commissioned hours
            packages = max(1, int(rng.poisson(week_total * 0.035 / len(zones) / 10)))
            rows.append({"council": code, "provider_id": "UNALLOCATED", "provider_name": "Not yet offered to a provider",
                         "zone": zone, "week_ending": week, "commissioned_hours": 0.0, "delivered_hours": 0.0,
                         "people_supported": 0, "packages_awaiting": packages,
                         "hours_awaiting": round(packages * rng.uniform(8, 12) * 2) / 2})
    return rows


# ---------------------------------------------------------------------------------------------- fee rates


def _fee_rates(occupancy: pd.DataFrame, home_care: pd.DataFrame, active: pd.DataFrame,
               rng: np.random.Generator) -> list[dict]:
    last = occupancy[occupancy["date"] == LAST_MONTH.date()] if len(occupancy) else occupancy
    funded = last.groupby("category")["council_funded"].sum() if len(last) else pd.Series(dtype=float)
    weekly_hours = home_care.loc[home_care["week_ending"] == LAST_WEEK.date(), "commissioned_hours"].sum()
    rows = []

    def add(service: str, band: str, unit: str, rate: float, volume: float) -> None:
        rate, volume = round(rate, 2), round(volume)
        rows.append({"service": service, "band": band, "unit": unit, "current_rate": rate,
                     "contracted_volume": volume, "budget": round(rate * volume * rng.uniform(0.97, 1.03), -2),
                     "financial_year": FINANCIAL_YEAR})

    base = rng.uniform(750, 820)
    for category, uplift in zip(("Residential", "Residential dementia", "Nursing", "Nursing dementia"),
                                (0, 70, 150, 210)):
        add("care_homes", f"{category} standard", "per week", base + uplift + rng.uniform(-10, 10),
            max(int(funded.get(category, 0)), 1) * 52)
    rate = rng.uniform(21, 23)
    add("home_care", "Standard hourly rate", "per hour", rate, weekly_hours * 52 * 0.9)
    add("home_care", "Rural hourly rate", "per hour", rate + rng.uniform(0.5, 1.0), weekly_hours * 52 * 0.1)
    n_sl = max(1, int((active["kind"] == "supported_living").sum()))
    add("supported_living", "Standard hourly rate", "per hour", rng.uniform(20, 23), n_sl * rng.uniform(500, 700) * 52)
    n_day = max(1, int((active["kind"] == "day_service").sum()))
    add("day_opportunities", "Standard session", "per session", rng.uniform(40, 52), n_day * 60 * 5 * 50)
    add("day_opportunities", "Complex needs session", "per session", rng.uniform(58, 70), n_day * 15 * 5 * 50)
    return rows


# ---------------------------------------------------------------------------------------------- cost returns

# Typical £ per unit of each cost line, scaled to each return's drawn total.
_CARE_HOME_LINES = {
    "Nursing staff": 0, "Care staff": 330, "Therapy staff (Occupational and Physio)": 4, "Activity coordinators": 12,
    "Service management (Registered manager/deputy)": 35, "Reception and admin staff at the home": 12,
    "Chefs / Cooks": 20, "Domestic staff (cleaning, laundry and kitchen)": 45, "Maintenance and gardening": 10,
    "Other care home staffing": 5, "Fixtures and fittings": 8, "Repairs and maintenance": 18,
    "Furniture, furnishings and equipment": 8, "Other care home premises costs": 4, "Food supplies": 42,
    "Domestic and cleaning supplies": 6, "Medical supplies (excluding PPE)": 4, "PPE": 3,
    "Office supplies (home specific)": 3, "Insurance (all risks)": 8, "Registration fees": 3,
    "Telephone and internet": 2, "Council Tax / rates": 4, "Electricity, gas and water": 35,
    "Trade and clinical waste": 4, "Transport and activities": 5, "Other care home supplies and services costs": 4,
    "Central / Regional management": 30, "Recruitment, training and vetting (incl. DBS checks)": 8,
    "Other head office costs": 10, "Return on operations": 48, "Return on capital": 90}
_HOME_CARE_LINES = {
    "Direct care": 13.2, "Travel time": 2.2, "Mileage": 1.1, "PPE": 0.2, "Training (staff time)": 0.3,
    "Holiday": 1.7, "Additional non-contact pay costs": 0.3, "Sickness/maternity and paternity pay": 0.4,
    "Notice/suspension pay": 0.1, "NI (direct care hours)": 1.2, "Pension (direct care hours)": 0.5,
    "Back office staff": 2.8, "Travel costs (parking/vehicle lease etc.)": 0.2, "Rent / rates / utilities": 0.4,
    "Recruitment / DBS": 0.2, "Training (third party)": 0.1, "IT (hardware, software CRM, ECM)": 0.3,
    "Telephony": 0.1, "Stationery / postage": 0.05, "Insurance": 0.2, "Legal / finance / professional fees": 0.15,
    "Marketing": 0.05, "Audit and compliance": 0.05, "Uniforms and other consumables": 0.05,
    "Assistive technology": 0.03, "Central / head office recharges": 0.6, "Other overheads": 0.2,
    "CQC registration fees": 0.1, "Return on operations": 1.1}
_CATEGORY_TOTAL = {"Residential": (850, 1000), "Residential dementia": (930, 1080), "Nursing": (1040, 1200),
                   "Nursing dementia": (1100, 1300)}
_TOTALS = {"home_care": (24, 30), "supported_living": (23, 29), "day_opportunities": (45, 75)}


def _line_values(service: str, weights: dict[str, float], total: float, rng: np.random.Generator) -> dict[str, float]:
    """Each cost line's £ (weights with noise, scaled to total; lines of zero weight stay 0)."""
    lines = [line for lines in cost_returns.COST_LINES[service].values() for line in lines]
    raw = np.array([weights.get(line, 1.0) for line in lines]) * rng.lognormal(0, 0.15, len(lines))
    return dict(zip(lines, np.round(raw / raw.sum() * total, 2)))


def _cost_returns(occupancy: pd.DataFrame, home_care: pd.DataFrame, active: pd.DataFrame,
                  rng: np.random.Generator) -> list[dict]:
    rows = []
    last = occupancy[occupancy["date"] == LAST_MONTH.date()].merge(active[["location_id", "provider_id"]],
                                                                  on="location_id")
    per = last.groupby(["provider_id", "category"], as_index=False)[["beds", "occupied"]].sum()
    providers = sorted(per["provider_id"].unique())
    chosen = [p for p in providers if rng.random() < 0.6]
    by_provider: dict[str, list[dict]] = {}
    for r in _records(per, ["provider_id", "category", "beds", "occupied"]):
        by_provider.setdefault(r["provider_id"], []).append(r)
    for n, provider in enumerate(chosen, start=1):
        for r in by_provider[provider]:
            weights = dict(_CARE_HOME_LINES)
            if r["category"].startswith("Nursing"):
                weights.update({"Nursing staff": 260, "Care staff": 280, "Medical supplies (excluding PPE)": 8})
            values = _line_values("care_homes", weights, rng.uniform(*_CATEGORY_TOTAL[r["category"]]), rng)
            occupancy_pct = round(float(r["occupied"]) / float(r["beds"]) * 100 + rng.uniform(2, 6), 1)
            for line, value in values.items():
                rows.append({"provider_id": f"CH{n:03d}", "service": "care_homes", "category": r["category"],
                             "cost_line": line, "group": cost_returns.LINE_GROUP[("care_homes", line)],
                             "value": float(value), "unit": cost_returns.UNITS["care_homes"], "beds": int(r["beds"]),
                             "occupancy": min(occupancy_pct, 99.0)})
    hc = home_care[(home_care["week_ending"] == LAST_WEEK.date()) & (home_care["provider_id"] != "UNALLOCATED")]
    n_hc = min(10, len(hc))
    others = {"home_care": hc.sample(n=n_hc, random_state=rng)["commissioned_hours"].tolist(),
              "supported_living": [float(rng.uniform(300, 1500)) for _ in
                                   range(min(4, max(1, int((active["kind"] == "supported_living").sum()))))],
              "day_opportunities": [None, None]}  # two returns only: suppressed below three providers
    prefix = {"home_care": "HC", "supported_living": "SL", "day_opportunities": "DO"}
    for service, volumes in others.items():
        weights = _HOME_CARE_LINES if service == "home_care" else {}
        for n, hours in enumerate(volumes, start=1):
            values = _line_values(service, weights, rng.uniform(*_TOTALS[service]), rng)
            visit = round(float(rng.uniform(30, 40)), 1) if service == "home_care" else None
            for line, value in values.items():
                rows.append({"provider_id": f"{prefix[service]}{n:03d}", "service": service, "category": "",
                             "cost_line": line, "group": cost_returns.LINE_GROUP[(service, line)],
                             "value": float(value), "unit": cost_returns.UNITS[service],
                             "contact_hours_per_week": round(hours, 1) if hours else None,
                             "visit_length_minutes": visit})
    return rows


# ---------------------------------------------------------------------------------------------- intelligence

_LOCAL_RATING = {"Outstanding": "Outstanding", "Good": "Good", "Requires improvement": "Requires improvement",
                 "Inadequate": "Inadequate", "": "Not assessed"}


def _intelligence(active: pd.DataFrame, rng: np.random.Generator) -> list[dict]:
    rows = []
    for loc in _records(active[active["kind"].isin(["care_home", "home_care"])],
                        ["location_id", "name", "provider_name", "kind", "rating"]):
        care_home = loc["kind"] == "care_home"
        rating = _LOCAL_RATING.get(loc.get("rating", ""), "Good")
        concern = rng.random() < 0.06 or rating == "Inadequate"
        rows.append({"location_id": loc["location_id"], "location_name": loc["name"],
                     "provider_name": loc["provider_name"], "service": "care_homes" if care_home else "home_care",
                     "quality_rating": rating,
                     "food_hygiene": int(rng.choice([5, 5, 5, 4, 4, 3])) if care_home else None,
                     "safeguarding_concerns": int(rng.poisson(3 if concern else 0.5)),
                     "placement_embargo": bool(concern and rng.random() < 0.5),
                     "contract_default_notice": bool(concern and rng.random() < 0.3),
                     "unexpected_deaths": int(rng.poisson(0.03)),
                     "substantiated_concerns": int(rng.poisson(1.5 if concern else 0.15)),
                     "in_administration": bool(rng.random() < 0.01),
                     "manager_vacancy": bool(rng.random() < 0.06), "as_at": AS_AT})
    return rows


# ---------------------------------------------------------------------------------------------- plan and KPIs

_ACTIONS = [  # theme, action, service, owner, target date (None = ongoing)
    ("Market oversight", "Monthly provider risk panel reviewing early warning intelligence", "All",
     "Head of Commissioning", None),
    ("Financial support and funding", "Agree the 2027-28 fee uplift with providers", "All",
     "Director of Adult Social Care", date(2027, 2, 28)),
    ("Finance processes", "Pay providers within 14 days of invoice", "All", "Head of Finance (Adults)",
     date(2026, 9, 30)),
    ("Commissioning strategy", "Publish the care home commissioning strategy", "care_homes", "Head of Commissioning",
     date(2026, 10, 31)),
    ("Commissioning strategy", "Re-procure the home care framework with zoned lots", "home_care",
     "Commissioning Manager (Home Care)", date(2027, 4, 1)),
    ("Market shaping", "Grow specialist nursing dementia capacity", "care_homes", "Commissioning Manager (Care Homes)",
     date(2027, 3, 31)),
    ("Market shaping", "Extend day opportunities for younger adults", "day_opportunities",
     "Commissioning Manager (Learning Disability)", date(2026, 6, 30)),
    ("Contract management and quality", "Quarterly quality reviews of every home care provider", "home_care",
     "Quality Assurance Lead", None),
    ("Workforce", "Joint recruitment campaign with care providers", "All", "Workforce Development Manager",
     date(2026, 8, 31)),
    ("Workforce", "Fund Care Certificate training for new care workers", "All", "Workforce Development Manager",
     date(2027, 3, 31)),
    ("Contract management and quality", "Review supported living contracts against outcomes", "supported_living",
     "Contract Manager", date(2026, 11, 30)),
]


def _action_plan(rng: np.random.Generator) -> list[dict]:
    rows = []
    for theme, action, service, owner, target in _ACTIONS:
        if target is None:
            status = "Ongoing"
        elif target < date(2026, 11, 25):
            status = str(rng.choice(["Complete", "Amber", "Red"], p=[0.4, 0.3, 0.3]))
        else:
            status = str(rng.choice(["Green", "Amber", "Red"], p=[0.6, 0.3, 0.1]))
        rows.append({"theme": theme, "action": action, "service": service, "owner": owner, "target_date": target,
                     "status": status, "notes": ""})
    rows[2]["status"] = "Red"  # always at least one overdue action
    rows[2]["notes"] = "Average payment time 19 days: invoice system upgrade delayed"
    assert {r["theme"] for r in rows} == set(action_plan.THEMES)
    return rows


_KPIS = [  # kpi, service, target, typical actual, unit, direction
    ("% care workers completing the Care Certificate", "All", 100, 81, "%", kpis.HIGHER),
    ("% new customers offered assistive technology", "home_care", 75, 72, "%", kpis.HIGHER),
    ("% of care home beds occupied", "care_homes", 90, 84, "%", kpis.HIGHER),
    ("People waiting for home care at month end", "home_care", 60, 70, "number", kpis.LOWER),
    ("% of providers rated Good or Outstanding", "All", 85, 82, "%", kpis.HIGHER),
    ("Average days to pay a provider invoice", "All", 14, 17, "number", kpis.LOWER),
]


def _kpis(rng: np.random.Generator) -> list[dict]:
    rows = []
    for kpi, service, target, actual, unit, direction in _KPIS:
        for period in ("Q1 2026-27", "Q2 2026-27"):
            value = actual * rng.uniform(0.95, 1.05)
            rows.append({"kpi": kpi, "service": service, "target": target,
                         "actual": round(min(value, 100.0) if unit == "%" else value, 1 if unit == "%" else 0),
                         "unit": unit, "period": period, "direction": direction})
    return rows


# ---------------------------------------------------------------------------------------------- all


def write_local(council_code: str, active: pd.DataFrame, seed: int, out_dir: Path) -> list[Path]:
    """Write the nine local sources of one council (``active``: its rows of the CQC snapshot) into out_dir."""
    rows = local_rows(council_code, active, seed)
    out_dir = Path(out_dir)
    return [*(write_rows(LOCAL_SOURCES[name], data, out_dir / f"{council_code}_{name}.xlsx")
              for name, data in rows.items()),
            write_financial_sustainability(council_code, active, seed, out_dir)]


def local_rows(council_code: str, active: pd.DataFrame, seed: int) -> dict[str, list[dict]]:
    """The rows of the council's local sources (but financial sustainability), source name → rows."""
    rng = _rng(seed, council_code)
    population = int(council(council_code)["population_2020"])
    active = active.sort_values("location_id")
    homes = active[active["kind"] == "care_home"]
    hc_providers = (active[active["kind"] == "home_care"].groupby("provider_id", as_index=False)["provider_name"]
                    .first().sort_values("provider_id"))
    occupancy = _occupancy(council_code, homes, rng)
    home_care = _home_care(council_code, population, hc_providers, rng)
    frames = pd.DataFrame(occupancy), pd.DataFrame(home_care)  # built once for the fee rates and cost returns
    rows = {"occupancy": occupancy, "home_care_activity": home_care,
            "fee_rates": _fee_rates(*frames, active, rng),
            "cost_returns": _cost_returns(*frames, active, rng),
            "provider_intelligence": _intelligence(active, rng), "action_plan": _action_plan(rng),
            "kpis": _kpis(rng)}
    rows["fee_rates"] = with_fee_categories(rows["fee_rates"], council_code, seed)  # and last financial year's rows
    rows["local_providers"] = local_provider_rows(council_code, active, seed)  # own streams: nothing else moves
    return rows
