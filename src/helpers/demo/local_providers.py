"""Synthetic whole-market data of one council: its local provider list and its fee rates' national categories.

Both are drawn from a random stream of their own (the seed, the council's code and a stream number), so every
other demo value is the same with or without them:

- ``local_provider_rows``: the rows of ``<code>_local_providers.xlsx``: a few dozen invented services for a
  council the size of Sheffield (about one day service per 20,000 residents, one supported housing scheme per
  60,000 and one community support service per 40,000), none registered with CQC, plus the council's
  CQC-registered day services from its snapshot, listed as registered;
- ``with_fee_categories``: the fee rates' rows with each band's fee category, followed by the previous
  financial year's rows of the same bands (this year's rates 3% to 7% above them, volumes within 5%).
"""
from __future__ import annotations

import zlib
from datetime import date

import numpy as np
import pandas as pd

from helpers.councils import council
from helpers.demo.local_template import AS_AT
from helpers.load import local_providers
from helpers.load.fee_rates import HOME_CARE_CATEGORY

FEE_STREAM, LIST_STREAM = 16, 17  # beside helpers.demo.local's stream of the council, [seed, crc32(code)]
AS_AT_DATES = (date(2026, 4, 30), date(2026, 7, 31), AS_AT)
_PLACES = ("Hillside", "Riverside", "Oakwood", "Northfield", "Meadowbank", "Parkside", "Valley", "Brookside",
           "Greenway", "Westgate", "Eastfield", "Millbrook")
_ORGANISATIONS = ("Community Trust", "Friends Group", "Neighbourhood Network", "Support CIC", "Age Well Partnership",
                  "Community Association")
_HOUSING = ("Housing Association", "Homes Trust", "Housing Cooperative")
# kind: service, name, capacity unit, capacity range, funding shares (Council, Self-funded, Mixed, Other), per residents
_KINDS = {
    "day": ("day_opportunities", ("Day Centre", "Activity Hub", "Lunch Club", "Community Group"),
            ("places", "places", "places", "sessions a week"), (10, 60), (0.45, 0.20, 0.25, 0.10), 20_000),
    "housing": ("supported_living", ("Supported Housing", "Court", "House"), ("flats",) * 3, (6, 24),
                (0.70, 0.0, 0.20, 0.10), 60_000),
    "support": ("home_care", ("Befriending Service", "Shopping and Help at Home", "Good Neighbours Scheme"),
                ("people",) * 3, (20, 150), (0.30, 0.40, 0.20, 0.10), 40_000),
}


def _rng(seed: int, code: str, stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(code.encode()), stream])


def _year_before(financial_year: str) -> str:
    start = int(financial_year[:4]) - 1
    return f"{start}-{(start + 1) % 100:02d}"


def _fee_category(row: dict) -> str:
    """The national fee-return category of a demo band: its care home type (the demo's homes are for older
    people), or home care; other services' bands have none."""
    if row["service"] == "care_homes":
        return "65+ nursing" if row["band"].startswith("Nursing") else "65+ residential"
    return HOME_CARE_CATEGORY if row["service"] == "home_care" else ""


def with_fee_categories(rows: list[dict], council_code: str, seed: int) -> list[dict]:
    """The fee rates' rows with their fee category, then the previous financial year's rows of the same bands."""
    rng = _rng(seed, council_code, FEE_STREAM)
    current = [{**row, "fee_category": _fee_category(row)} for row in rows]
    previous = []
    for row in current:
        rate = round(row["current_rate"] / (1 + rng.uniform(0.03, 0.07)), 2)
        volume = round(row["contracted_volume"] * rng.uniform(0.95, 1.05))
        previous.append({**row, "current_rate": rate, "contracted_volume": volume,
                         "budget": round(rate * volume * rng.uniform(0.97, 1.03), -2),
                         "financial_year": _year_before(row["financial_year"])})
    return current + previous


def _listed(population: int, rng: np.random.Generator) -> list[dict]:
    """Services not registered with CQC: day services, supported housing and community support."""
    rows = []
    for key, (service, names, units, (low, high), shares, per) in _KINDS.items():
        n = max(2, int(round(population / per * rng.uniform(0.85, 1.15))))
        words = _HOUSING if key == "housing" else _ORGANISATIONS
        providers = [f"{rng.choice(_PLACES)} {rng.choice(words)}" for _ in range(max(1, n // 2))]
        for i in range(n):
            kind = int(rng.integers(len(names)))
            known = rng.random() >= 0.1
            rows.append({"provider": str(rng.choice(providers)), "service": service,
                         "scheme": f"{rng.choice(_PLACES)} {names[kind]} {i + 1}",
                         "capacity": int(rng.integers(low, high + 1)) if known else None,
                         "capacity_unit": units[kind] if known else "",
                         "funding": str(rng.choice(local_providers.FUNDING, p=shares)), "cqc_registered": False,
                         "as_at": AS_AT_DATES[int(rng.choice(len(AS_AT_DATES), p=(0.15, 0.25, 0.6)))]})
    return rows


def local_provider_rows(council_code: str, active: pd.DataFrame, seed: int) -> list[dict]:
    """The council's synthetic local provider list (``active``: its rows of the latest CQC snapshot)."""
    rng = _rng(seed, council_code, LIST_STREAM)
    rows = _listed(int(council(council_code)["population_2020"]), rng)
    day = active[active["kind"] == "day_service"].sort_values("location_id")
    rows += [{"provider": provider, "service": "day_opportunities", "scheme": name,
              "capacity": int(rng.integers(15, 41)), "capacity_unit": "places", "funding": "Council",
              "cqc_registered": True, "as_at": AS_AT}
             for provider, name in zip(day["provider_name"], day["name"])]
    rows[0]["as_at"] = AS_AT  # the list's vintage: the date the demo's local files describe
    return rows
