"""Synthetic ONS population files in the real published layouts: SNPP projections and a Nomis extract.

Each council's base-year (2022) age structure is one national profile — births by cohort (the
post-war and 1960s booms), Gompertz survival and young-adult net migration — tilted older or
younger by council type (London youngest, shire counties oldest) with a little noise per age,
scaled to about its ``population_2020``. It is then projected year by year with cohort
survival, improving mortality, migration and births, so the population ages as in the real
projections (England 65+ ≈ 18.5% in 2022 rising to ≈ 24% by 2047, 85+ ≈ 2.5% rising to ≈ 5%).
Region and England rows are the sums of the councils written, not of every council. The base
year is in whole persons, later years to 3 dp; "All ages" is the sum of the single ages.
Deterministic per seed and council: ``np.random.default_rng([seed, crc32(code), crc32("population")])``.

The real CSVs have no room for a notice, so the word SYNTHETIC is in each file name (the
loaders' file-name patterns still match).
"""
from __future__ import annotations

import csv
import zlib
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.councils import councils
from helpers.load.ons_population import district_to_council

BASE_YEAR, LAST_YEAR = 2022, 2047
YEARS = list(range(BASE_YEAR, LAST_YEAR + 1))
AGES = np.arange(91)  # 0 … 89 and 90 = "90 and over"
SNPP_FILE = "2022 SNPP Population persons_SYNTHETIC.csv"
ENGLAND = ("E92000001", "England")
TILT_BY_TYPE = {"E09": -0.35, "E08": -0.08, "E06": 0.02, "E10": 0.15}  # older (+) or younger (−) than England


def _rng(seed: int, code: str) -> np.random.Generator:
    """This council's own random stream for population figures."""
    return np.random.default_rng([seed, zlib.crc32(code.encode()), zlib.crc32(b"population")])


def _mortality(ages: np.ndarray, years_on: int) -> np.ndarray:
    """Annual death rate by age (Gompertz), improving 1.5% a year after the base year."""
    return (0.0003 + 1.7e-5 * np.exp(0.101 * ages)) * 0.985 ** years_on


def _cohort_births(birth_year: np.ndarray) -> np.ndarray:
    """Relative births by year of birth: the 1947 and 1964 booms, the 1970s dip, fewer before 1942."""
    y = birth_year.astype(float)
    b = (1 + 0.22 * np.exp(-((y - 1947) / 2.5) ** 2) + 0.25 * np.exp(-((y - 1964) / 5) ** 2)
         - 0.12 * np.exp(-((y - 1977) / 4) ** 2) - 0.08 * np.clip((BASE_YEAR - y) / 10, 0, 1) * (y > 2012))
    return np.where(y < 1942, 0.75, b)


@lru_cache(maxsize=1)
def _national_profile() -> np.ndarray:
    """Share of the base-year population at each age 0 … 89 and 90+ (sums to 1)."""
    ages = np.arange(110)
    survival = np.exp(-np.concatenate([[0.0], np.cumsum(_mortality(ages[:-1], 0))]))
    migration = 1 + 0.3 * np.exp(-((ages - 38) / 16) ** 2)
    people = _cohort_births(BASE_YEAR - ages) * survival * migration
    profile = np.append(people[:90], people[90:].sum())
    return profile / profile.sum()


def _project(base: np.ndarray) -> np.ndarray:
    """Project a base-year age vector to every year in YEARS: survival, net migration and births."""
    migration = 0.008 * np.exp(-((AGES - 27) / 8) ** 2) + 0.002
    parents = slice(20, 40)
    out = [base]
    for t in range(1, len(YEARS)):
        cur = out[-1]
        survive = np.exp(-_mortality(AGES, t))
        nxt = np.empty_like(cur)
        nxt[1:90] = cur[:89] * survive[:89]
        nxt[90] = cur[89] * survive[89] + cur[90] * np.exp(-_mortality(np.array(93.0), t))
        nxt[0] = base[0] * cur[parents].sum() / base[parents].sum()
        out.append(nxt * (1 + migration))
    return np.vstack(out)


def council_population(council: pd.Series, seed: int) -> np.ndarray:
    """One council's persons by year (rows, YEARS) and age (columns, AGES), not rounded."""
    rng = _rng(seed, council["code"])
    tilt = TILT_BY_TYPE.get(council["type"], 0.0) + rng.normal(0, 0.07)
    shape = _national_profile() * np.exp(tilt * (AGES - 40) / 40) * rng.normal(1, 0.03, AGES.size).clip(0.9, 1.1)
    total = int(council["population_2020"]) * rng.uniform(1.005, 1.02)
    return _project(total * shape / shape.sum())


def _areas(council_codes: list[str], seed: int, whole: bool = False) -> list[tuple[str, str, np.ndarray]]:
    """(code, name, persons by year × age) for the councils, then their regions, then England.

    Council figures are rounded first (whole persons in the base year, or throughout when
    ``whole``; else 3 dp), so aggregates are exact sums of the published council figures.
    """
    table = councils()
    chosen = table[table["code"].isin(council_codes)]
    pops = {row["code"]: council_population(row, seed) for _, row in chosen.iterrows()}
    pops = {code: p.round(0) if whole else np.vstack([p[:1].round(0), p[1:].round(3)]) for code, p in pops.items()}
    areas = [(row["code"], row["name"], pops[row["code"]]) for _, row in chosen.iterrows()]
    for (code, name), group in chosen.groupby(["region_code", "region_name"], sort=True):
        areas.append((code, name, sum(pops[c] for c in group["code"])))
    areas.append((*ENGLAND, sum(pops.values())))
    return areas


def _split(pop: np.ndarray, n: int) -> list[np.ndarray]:
    """Split a council's published figures (years × ages) into n equal shares, the remainder on the last.

    In the published units (whole persons in the base year, thousandths later), so the shares add
    up exactly to the council's figures.
    """
    scale = np.ones((pop.shape[0], 1)) * 1000
    scale[0] = 1
    units = np.rint(pop * scale).astype(np.int64)
    share = units // n
    shares = [share] * (n - 1) + [units - share * (n - 1)]
    return [s / scale for s in shares]


def _district_areas(council_codes: list[str], seed: int) -> list[tuple[str, str, np.ndarray]]:
    """As the 2022-based file: districts and unitaries only, each council with districts split across them."""
    lookup = district_to_council()
    lookup = lookup[lookup["district_code"] != lookup["council_code"]]
    areas = []
    for code, name, pop in _areas(council_codes, seed):
        if code not in set(council_codes):
            continue  # regions and England: not in the 2022-based file
        districts = lookup[lookup["council_code"] == code]
        if districts.empty:
            areas.append((code, name, pop))
            continue
        areas += [(d, n, part) for d, n, part in zip(districts["district_code"], districts["district_name"],
                                                     _split(pop, len(districts)))]
    return areas


def write_snpp(council_codes: list[str], seed: int, out_dir: Path, districts_only: bool = False) -> Path:
    """Write '2022 SNPP Population persons_SYNTHETIC.csv': 92 rows an area (ages, 90 and over, All ages).

    With ``districts_only``, as the real 2022-based file: no county, region or England rows; each
    county's figures are split across its districts (the ONS lookup), adding up exactly.
    """
    labels = [str(a) for a in range(90)] + ["90 and over", "All ages"]
    frames = []
    for code, name, pop in (_district_areas if districts_only else _areas)(council_codes, seed):
        values = np.vstack([pop.T, pop.sum(axis=1)])  # ages × years, then All ages
        frame = pd.DataFrame(values, columns=[str(y) for y in YEARS])
        frame.insert(0, "AGE_GROUP", labels)
        frame.insert(0, "SEX", "persons")
        frame.insert(0, "COMPONENT", "Population")
        frame.insert(0, "AREA_NAME", name)
        frame.insert(0, "AREA_CODE", code)
        frames.append(frame)
    path = Path(out_dir) / SNPP_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    header = ",".join(f'"{c}"' for c in frames[0].columns)
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(header + "\n")
        pd.concat(frames).to_csv(f, header=False, index=False, float_format="%.3f", lineterminator="\n")
    return path


def write_mid_year(council_codes: list[str], seed: int, out_dir: Path, year: int = 2024) -> Path:
    """Write a Nomis mid-year estimates extract (persons, single year of age) for one year of the model."""
    labels = ["All Ages"] + [f"Age {a}" for a in range(90)] + ["Aged 90+"]
    rows = []
    for code, name, pop in _areas(council_codes, seed, whole=True):
        ages = pop[YEARS.index(year)].astype(int)
        counts = [int(ages.sum()), *ages.tolist()]
        rows += [[name, code, str(year), "Total", label, n] for label, n in zip(labels, counts)]
    path = Path(out_dir) / f"ons_mid_year_population_{year}_SYNTHETIC.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
        writer.writerow(["GEOGRAPHY_NAME", "GEOGRAPHY_CODE", "DATE_NAME", "GENDER_NAME", "C_AGE_NAME", "OBS_VALUE"])
        writer.writerows(rows)
    return path
