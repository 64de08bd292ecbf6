"""Synthetic ASC-FR data file in the current layout: ``ASC-FR Data File (descriptions) v2_YYYY``.

One row per value with the published columns (GEOGRAPHY_LEVEL … ITEMVALUE). Written for each
council, then its region and England (sums over the councils written, not over every council):

* long-term support clients during the year (DimensionGroup "Activity", DataType "Clients") by
  SupportSetting (Community: Home Care, Community: Direct Payments, Supported Accommodation,
  Residential, Nursing) × AgeBand (18 to 64, 65 and Over) × PrimarySupportReason ×
  ActivityProvision (In House / External; blank for direct payments). Rates per head of the
  council's synthetic population in the year (``helpers.demo.population``), e.g. home care for
  about 1.8% of people aged 65+, so Sheffield has about 2,500 home care clients. Council cells of
  a single client are suppressed (":"), as small cells are in the published files;
* unit costs (DimensionGroup "Unit Costs") for Residential and Nursing (£ per week) and
  Community: Home Care (£ per hour) by age band: ValueType Numerator (gross current expenditure,
  £ thousands), Denominator (weeks or hours) and UNIT COST (numerator × 1000 ÷ denominator), e.g.
  residential 65+ about £800-£1,000 a week and home care about £21-£28 an hour. Aggregate unit
  costs are recomputed from the summed numerators and denominators.

The real CSV has no room for a notice, so the file name ends in ``_SYNTHETIC`` (it still matches
the loader's ``*ASC-FR*.csv`` pattern). CASSR codes are the DH codes ASCOF uses. Deterministic per
seed and council.
"""
from __future__ import annotations

import zlib
from functools import lru_cache
from itertools import product
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.councils import councils
from helpers.demo.ascof import ASCOF_CODES
from helpers.demo.population import BASE_YEAR, LAST_YEAR, YEARS, council_population

HEADER = ["GEOGRAPHY_LEVEL", "DATA_LEVEL", "UUID", "FY_ENDING", "CASSR", "GEOGRAPHY_CODE", "DH_GEOGRAPHY_NAME",
          "REGION_GO_CODE", "GEOGRAPHY_NAME", "DimensionGroup", "CareType", "FinanceType", "FinanceDescription",
          "AgeBand", "PrimarySupportReason", "SupportSetting", "Purpose", "CarerSupportType", "DataType",
          "ActivityProvision", "ComparativeTotals", "DataSource", "ValueType", "ITEMVALUE"]
AGE_BANDS = ["18 to 64", "65 and Over"]
# Clients during the year per head of the age band's population: (18 to 64, 65 and Over).
CLIENT_RATES = {"Community: Home Care": (0.0013, 0.018), "Community: Direct Payments": (0.0025, 0.0035),
                "Supported Accommodation": (0.0020, 0.0010), "Residential": (0.0007, 0.0125),
                "Nursing": (0.00012, 0.0050)}
IN_HOUSE_SHARE = {"Community: Home Care": 0.10, "Supported Accommodation": 0.15, "Residential": 0.08,
                  "Nursing": 0.02}
REASONS = ["Physical Support", "Sensory Support", "Support with Memory and Cognition", "Learning Disability Support",
           "Mental Health Support", "Social Support"]
REASON_SHARES = {"18 to 64": [0.25, 0.02, 0.02, 0.45, 0.20, 0.06], "65 and Over": [0.60, 0.02, 0.20, 0.02, 0.06, 0.10]}
# Unit cost (£ per week, or per hour for home care) by age band, and the units per client a year.
UNIT_COSTS = {"Residential": ((1650.0, 900.0), "Weeks", (30, 40)), "Nursing": ((1250.0, 950.0), "Weeks", (28, 38)),
              "Community: Home Care": ((25.0, 24.5), "Hours", (350, 500))}
REGION_COST = {"E12000007": 1.10, "E12000008": 1.05, "E12000006": 1.03}
SUPPRESS_BELOW = 2


def _rng(seed: int, code: str) -> np.random.Generator:
    """This council's own random stream for ASC-FR figures."""
    return np.random.default_rng([seed, zlib.crc32(code.encode()), zlib.crc32(b"ascfr")])


@lru_cache(maxsize=1)
def _cells() -> pd.DataFrame:
    """The dimension columns of every value a geography has, with a fixed UUID per combination.

    Unit-cost cells come in threes: Numerator, Denominator, then UNIT COST.
    """
    rows = []
    for setting, age, reason in product(CLIENT_RATES, AGE_BANDS, REASONS):
        for provision in (["In House", "External"] if setting in IN_HOUSE_SHARE else [""]):
            rows.append({"DimensionGroup": "Activity", "AgeBand": age, "PrimarySupportReason": reason,
                         "SupportSetting": setting, "DataType": "Clients", "ActivityProvision": provision,
                         "ValueType": ""})
    for setting, age in product(UNIT_COSTS, AGE_BANDS):
        unit = UNIT_COSTS[setting][1]
        per = "Cost per week" if unit == "Weeks" else "Cost per hour"
        for value_type, data_type in [("Numerator", "Gross current expenditure (£000s)"), ("Denominator", unit),
                                      ("UNIT COST", per)]:
            rows.append({"DimensionGroup": "Unit Costs", "AgeBand": age, "PrimarySupportReason": "",
                         "SupportSetting": setting, "DataType": data_type, "ActivityProvision": "",
                         "ValueType": value_type})
    cells = pd.DataFrame(rows).assign(CareType="Long Term Support", DataSource="ASC-FR")
    return cells.assign(UUID=[str(3100001 + i) for i in range(len(cells))])


def _column(name: str) -> np.ndarray:
    """One dimension column of the cells as a NumPy array (fast to compare)."""
    return _cells()[name].to_numpy(dtype=object)


def _activity(rng: np.random.Generator, people: dict[str, float]) -> np.ndarray:
    """Clients per activity cell: a total per setting and age band split over reasons and provision."""
    activity = _column("DimensionGroup") == "Activity"
    setting_of, age_of = _column("SupportSetting"), _column("AgeBand")
    values = np.zeros(len(activity))
    for setting, rates in CLIENT_RATES.items():
        factor = rng.lognormal(0, 0.15)
        in_house = IN_HOUSE_SHARE.get(setting)
        for age, rate in zip(AGE_BANDS, rates):
            shares = np.array(REASON_SHARES[age])
            if in_house is not None:
                split = float(np.clip(rng.normal(in_house, in_house / 3), 0, 0.5))
                shares = np.outer(shares, [split, 1 - split]).ravel()
            values[activity & (setting_of == setting) & (age_of == age)] = rng.multinomial(
                round(rate * people[age] * factor), shares)
    return values


def _unit_costs(rng: np.random.Generator, region: str, activity: np.ndarray) -> np.ndarray:
    """The activity values plus numerator (£000s), denominator and unit cost values for the unit-cost cells."""
    is_activity = _column("DimensionGroup") == "Activity"
    setting_of, age_of, value_type = _column("SupportSetting"), _column("AgeBand"), _column("ValueType")
    values = activity.copy()
    for setting, (costs, _, per_client) in UNIT_COSTS.items():
        for age, cost in zip(AGE_BANDS, costs):
            same = (setting_of == setting) & (age_of == age)
            unit_cost = cost * REGION_COST.get(region, 1.0) * rng.lognormal(0, 0.06)
            denominator = max(1, round(activity[same & is_activity].sum() * rng.uniform(*per_client)))
            values[same & (value_type == "Numerator")] = round(unit_cost * denominator / 1000)
            values[same & (value_type == "Denominator")] = denominator
    return _with_unit_cost(values)


def _with_unit_cost(values: np.ndarray) -> np.ndarray:
    """Set each UNIT COST cell to its numerator × 1000 ÷ denominator (to the penny)."""
    out = values.copy()
    for i in np.flatnonzero(_column("ValueType") == "UNIT COST"):
        out[i] = round(1000 * values[i - 2] / values[i - 1], 2) if values[i - 1] else 0.0
    return out


def _text(values: np.ndarray, suppress: bool) -> list[str]:
    """ITEMVALUE text: whole numbers, unit costs to 2 dp, ':' for suppressed small activity cells."""
    unit_cost = _column("ValueType") == "UNIT COST"
    small = suppress & (_column("DimensionGroup") == "Activity") & (values > 0) & (values < SUPPRESS_BELOW)
    return [":" if s else f"{v:.2f}" if u else f"{v:.0f}" for v, u, s in zip(values, unit_cost, small)]


def write_ascfr(council_codes: list[str], seed: int, out_dir: Path, year: int = 2025) -> Path:
    """Write 'ASC-FR Data File (descriptions) v2_YYYY_SYNTHETIC.csv' for these councils, their regions and England."""
    table = councils()
    chosen = table[table["code"].isin(council_codes)]
    population_year = YEARS.index(min(max(year - 1, BASE_YEAR), LAST_YEAR))
    geographies, texts, values = [], [], {}
    for _, c in chosen.iterrows():
        rng = _rng(seed, c["code"])
        pop = council_population(c, seed)[population_year]
        activity = _activity(rng, {"18 to 64": pop[18:65].sum(), "65 and Over": pop[65:].sum()})
        values[c["code"]] = _unit_costs(rng, c["region_code"], activity)
        geographies.append(("Local Authority", ASCOF_CODES[c["code"]], c["code"], c["name"], c["region_code"],
                            c["region_name"]))  # as published: the council in DH_GEOGRAPHY_NAME, its region here
        texts += _text(values[c["code"]], True)
    groups = [("Region", code, name, group["code"]) for (code, name), group in
              chosen.groupby(["region_code", "region_name"], sort=True)]
    for level, code, name, members in groups + [("England", "E92000001", "England", chosen["code"])]:
        geographies.append((level, "", "", "", code, name))
        texts += _text(_with_unit_cost(sum(values[m] for m in members)), False)
    cells = _cells()
    data = cells.iloc[np.tile(np.arange(len(cells)), len(geographies))].reset_index(drop=True)
    names = ["GEOGRAPHY_LEVEL", "CASSR", "GEOGRAPHY_CODE", "DH_GEOGRAPHY_NAME", "REGION_GO_CODE", "GEOGRAPHY_NAME"]
    for i, name in enumerate(names):
        data[name] = np.repeat([g[i] for g in geographies], len(cells))
    data = data.assign(DATA_LEVEL="Detailed", FY_ENDING=str(year), ITEMVALUE=texts).reindex(columns=HEADER,
                                                                                             fill_value="")
    path = Path(out_dir) / f"ASC-FR Data File (descriptions) v2_{year}_SYNTHETIC.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    data.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return path
