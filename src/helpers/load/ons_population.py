"""ONS population: subnational projections (SNPP) and Nomis mid-year estimates, in one tidy shape.

Two published layouts, one loader each:

* SNPP ``2022 SNPP Population persons.csv`` (also ``males``/``females``; 2018-based edition
  ``2018 SNPP Population persons.csv``): header ``"AREA_CODE","AREA_NAME","COMPONENT","SEX",
  "AGE_GROUP"`` then one column per projection year, quoted 4-digit headers ``"2022"`` …
  ``"2047"`` (the 2018-based edition runs 2018 … 2043, so the year columns are found as 4-digit
  headers, never hard-coded). Data rows are unquoted; COMPONENT is ``Population``; SEX is
  ``persons`` (``males``/``females`` in the other files); AGE_GROUP is ``0`` … ``89``,
  ``90 and over``, ``All ages``; values to 3 decimal places, 92 rows per area. The header is found
  by the cell ``AREA_CODE``. The 2018-based edition held LAs, counties, regions and England; the
  2022-based file holds districts and unitary authorities only. So after loading, any upper-tier
  council, region or England with no row of its own is summed from its parts
  (``add_upper_tiers``): councils from their districts through the bundled ONS lookup
  ``helpers/reference/ltla_utla_2022.csv`` (ONS Open Geography Portal, Lower Tier Local Authority
  to Upper Tier Local Authority (December 2022) Lookup in England and Wales, Open Government
  Licence), councils reorganised since then under their current codes (North Yorkshire E06000065,
  Somerset E06000066, Cumberland E06000063, Westmorland and Furness E06000064); regions from their
  councils (``councils.csv``); England from the regions. An area is summed only when every one of
  its parts has rows; rows in the file always win (a county row present is never added to). The
  statement's data-quality list says which areas were summed. Summed rows have ``_row`` 0.
* Nomis mid-year estimates CSV (dataset "population estimates - local authority based by single
  year of age"): ``GEOGRAPHY_NAME, GEOGRAPHY_CODE, DATE_NAME, GENDER_NAME, C_AGE_NAME,
  OBS_VALUE``, one row per area × year × sex × age. DATE_NAME is the year (``2024``);
  GENDER_NAME ``Total``/``Male``/``Female``; C_AGE_NAME ``All Ages``, ``Age 0`` … ``Age 89``,
  ``Aged 90+``; OBS_VALUE whole persons. Full Nomis downloads add more columns (ignored) and may
  carry ``MEASURES_NAME``: only its ``Value`` rows are kept. The header is found by the cell
  ``GEOGRAPHY_CODE``.

Both return the same tidy long frame, one row per area × sex × age group × year:
``area_code, area_name, sex, age_group, age, year, population, _row``. ``sex`` is ``persons``
(SNPP ``persons``, Nomis ``Total``), ``male`` or ``female`` — every sex in the file is kept.
``age_group`` is ``"0"`` … ``"89"``, ``"90+"`` (the open top group) or ``"All ages"``; ``age`` is
the single age, 90 for ``90+`` and <NA> for ``All ages``. ``_row`` is the spreadsheet row.

Checks: an area code that is not a letter E/W/S/N and 8 digits, a negative or non-numeric
population, a year outside 1971–2100, an unknown age label or sex and a repeated
area/sex/age/year are InputErrors; an area whose single ages do not add up to its ``All ages``
row within 0.5% is a DataQualityLog warning.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache, reduce
from importlib import resources
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

from helpers.councils import councils
from helpers.errors import DataQualityLog, InputError
from helpers.load.file_names import FileNames
from helpers.load.reading import (Column, RawSheet, SourceTable, cached, check_unique, locate_header, read_raw,
                                     table_below_header, to_number)

SOURCE_SNPP = "ONS subnational population projections"
SOURCE_MID_YEAR = "ONS mid-year population estimates"
SNPP_FILE_NAMES = FileNames((r".*snpp.*population.*persons.*",), (".csv",), "2022 SNPP Population persons.csv")
MID_YEAR_FILE_NAMES = FileNames((r".*population 20\d\d", r".*mid year.*", r".*mye.*"), (".csv",),
                                "ons_population_2024.csv")
SNPP_ANCHOR = "AREA_CODE"
MID_YEAR_ANCHOR = "GEOGRAPHY_CODE"
LOADER_VERSION = "1"
YEAR_RANGE = (1971, 2100)
SUM_TOLERANCE = 0.005  # single ages must add up to "All ages" within 0.5%
ALL_AGES = "All ages"

# The mapping table: per layout, canonical name → published name(s). SNPP year columns are
# added at load time from the 4-digit headers found.
COLUMNS = {
    "snpp": [
        Column("area_code", ("AREA_CODE",)),
        Column("area_name", ("AREA_NAME",)),
        Column("sex", ("SEX",)),
        Column("age_group", ("AGE_GROUP",)),
    ],
    "mid_year": [
        Column("area_name", ("GEOGRAPHY_NAME",)),
        Column("area_code", ("GEOGRAPHY_CODE",)),
        Column("year", ("DATE_NAME",)),
        Column("sex", ("GENDER_NAME",)),
        Column("age_group", ("C_AGE_NAME",)),
        Column("population", ("OBS_VALUE",)),
        Column("measure", ("MEASURES_NAME",), required=False),
    ],
}
PUBLISHED = {layout: {c.canonical: c.published[0] for c in cols} for layout, cols in COLUMNS.items()}
SEXES = {"persons": "persons", "total": "persons", "all persons": "persons", "male": "male", "males": "male",
         "female": "female", "females": "female"}
BANDS: Mapping[str, tuple[int, int | None]] = MappingProxyType(
    {"18-64": (18, 64), "65+": (65, None), "75+": (75, None), "85+": (85, None)})

_AREA_CODE = re.compile(r"^[EWSN]\d{8}$")
_YEAR_HEADER = re.compile(r"^\d{4}$")
_YEAR_TEXT = re.compile(r"(\d{4})$")
_SINGLE_AGE = re.compile(r"^(?:aged?\s+)?(\d{1,3})$", re.IGNORECASE)
_OPEN_AGE = re.compile(r"^(?:aged?\s+)?(\d{1,3})\s*(?:\+|and over)$", re.IGNORECASE)
TIDY_COLUMNS = ["area_code", "area_name", "sex", "age_group", "age", "year", "population", "_row"]


def _check_area_codes(table: pd.DataFrame, raw: RawSheet, published: str) -> None:
    """Every area code must be an ONS code: E, W, S or N followed by 8 digits."""
    bad = ~table["area_code"].str.match(_AREA_CODE)
    if bad.any():
        i = bad.idxmax()
        raise InputError(f"expected an ONS area code like 'E06000047' (E, W, S or N and 8 digits), "
                         f"found '{table.at[i, 'area_code']}'", file=raw.file, sheet=raw.sheet,
                         row=int(table.at[i, "_row"]), column=published)


def _age_label(label: str) -> tuple[str, int | None] | None:
    """Return (canonical age group, age) for a published age label, or None when not recognised."""
    text = label.strip()
    if text.casefold() == "all ages":
        return ALL_AGES, None
    if text.casefold() == "age under 1":
        return "0", 0
    if m := _SINGLE_AGE.match(text):
        return str(int(m.group(1))), int(m.group(1))
    if m := _OPEN_AGE.match(text):
        return f"{int(m.group(1))}+", int(m.group(1))
    return None


def _parse_ages(table: pd.DataFrame, raw: RawSheet, published: str) -> tuple[pd.Series, pd.Series]:
    """Map published age labels to canonical age groups and single ages; an unknown label is an InputError."""
    parsed = {label: _age_label(label) for label in table["age_group"].unique()}
    bad = table["age_group"].map(lambda v: parsed[v] is None)
    if bad.any():
        i = bad.idxmax()
        raise InputError(f"expected an age like '65', 'Age 65', '90 and over', 'Aged 90+' or 'All ages', "
                         f"found '{table.at[i, 'age_group']}'", file=raw.file, sheet=raw.sheet,
                         row=int(table.at[i, "_row"]), column=published)
    groups = table["age_group"].map(lambda v: parsed[v][0])
    ages = table["age_group"].map(lambda v: parsed[v][1]).astype("Int64")
    return groups, ages


def _parse_sex(table: pd.DataFrame, raw: RawSheet, published: str) -> pd.Series:
    """Map published sex labels (persons/Total, Male(s), Female(s)) to persons/male/female."""
    folded = table["sex"].str.strip().str.casefold()
    bad = ~folded.isin(list(SEXES))
    if bad.any():
        i = bad.idxmax()
        raise InputError(f"expected persons/Total, Male(s) or Female(s), found '{table.at[i, 'sex']}'",
                         file=raw.file, sheet=raw.sheet, row=int(table.at[i, "_row"]), column=published)
    return folded.map(SEXES)


def _check_year(year: int, raw: RawSheet, *, row: int | None, column: str) -> None:
    """A year outside YEAR_RANGE is an InputError."""
    lo, hi = YEAR_RANGE
    if not lo <= year <= hi:
        raise InputError(f"year {year} is outside the expected range {lo}–{hi}", file=raw.file, sheet=raw.sheet,
                         row=row, column=column)


def population_counts(table: pd.DataFrame, column: str, raw: RawSheet, published: str) -> np.ndarray:
    """Parse a population column: numbers ≥ 0, none missing or suppressed."""
    values, reasons = to_number(table, column, raw, minimum=0, published=published)
    missing = reasons.notna()
    if missing.any():
        i = missing.idxmax()
        raise InputError(f"expected a population count, found '{table.at[i, column]}' ({reasons[i]})",
                         file=raw.file, sheet=raw.sheet, row=int(table.at[i, "_row"]), column=published)
    return values.to_numpy(dtype=float, na_value=np.nan)


def _check_unique_keys(table: pd.DataFrame, raw: RawSheet, keys: list[str], published: str) -> None:
    """Raise an InputError naming both rows when an area/sex/age(/year) combination repeats."""
    keyed = table.assign(_key=reduce(lambda a, b: a + " / " + b, (table[k].astype(str) for k in keys)))
    check_unique(keyed, "_key", raw, published=published)


def _parse_snpp(raw: RawSheet) -> pd.DataFrame:
    """Tidy an SNPP sheet: validate, then one row per area × sex × age group × year column."""
    h = locate_header(raw, SNPP_ANCHOR)
    years = [v for v in (str(c).strip() for c in raw.cells.iloc[h]) if _YEAR_HEADER.match(v)]
    if not years:
        raise InputError(f"no year columns (4-digit headers such as '2022') in the header (row {h + 1})",
                         file=raw.file, sheet=raw.sheet)
    for y in years:
        _check_year(int(y), raw, row=h + 1, column=y)
    year_columns = [Column(f"pop_{y}", (y,)) for y in years]
    table = table_below_header(raw, SNPP_ANCHOR, COLUMNS["snpp"] + year_columns)
    published = PUBLISHED["snpp"]
    _check_area_codes(table, raw, published["area_code"])
    base = table[["area_code", "area_name", "_row"]].copy()
    base["sex"] = _parse_sex(table, raw, published["sex"])
    base["age_group"], base["age"] = _parse_ages(table, raw, published["age_group"])
    _check_unique_keys(base, raw, ["area_code", "sex", "age_group"], "AREA_CODE+SEX+AGE_GROUP")
    frames = [base.assign(year=int(y), population=population_counts(table, f"pop_{y}", raw, y)) for y in years]
    return pd.concat(frames, ignore_index=True)[TIDY_COLUMNS]


def _parse_mid_year(raw: RawSheet) -> pd.DataFrame:
    """Tidy a Nomis mid-year estimates extract: validate and map to the tidy long shape."""
    table = table_below_header(raw, MID_YEAR_ANCHOR, COLUMNS["mid_year"])
    published = PUBLISHED["mid_year"]
    table = table[table["measure"].isin(["", "Value"])].reset_index(drop=True)
    _check_area_codes(table, raw, published["area_code"])
    year_text = table["year"].str.strip().str.extract(_YEAR_TEXT)[0]
    bad = year_text.isna()
    if bad.any():
        i = bad.idxmax()
        raise InputError(f"expected a year like '2024', found '{table.at[i, 'year']}'", file=raw.file,
                         sheet=raw.sheet, row=int(table.at[i, "_row"]), column=published["year"])
    years = year_text.astype(int)
    out_of_range = (years < YEAR_RANGE[0]) | (years > YEAR_RANGE[1])
    if out_of_range.any():
        i = out_of_range.idxmax()
        _check_year(int(years[i]), raw, row=int(table.at[i, "_row"]), column=published["year"])
    out = table[["area_code", "area_name", "_row"]].copy()
    out["sex"] = _parse_sex(table, raw, published["sex"])
    out["age_group"], out["age"] = _parse_ages(table, raw, published["age_group"])
    out["year"] = years
    _check_unique_keys(out, raw, ["area_code", "sex", "age_group", "year"],
                       "GEOGRAPHY_CODE+GENDER_NAME+C_AGE_NAME+DATE_NAME")
    out["population"] = population_counts(table, "population", raw, published["population"])
    return out[TIDY_COLUMNS]


def sum_check(pop: pd.DataFrame, source: str, file: Path, column: str) -> DataQualityLog:
    """Warn, once per area and sex, when single ages do not add up to 'All ages' within 0.5% in some year."""
    log = DataQualityLog()
    keys = ["area_code", "sex", "year"]
    singles = pop[pop["age"].notna()].groupby(keys)["population"].sum()
    totals = pop[pop["age_group"] == ALL_AGES].set_index(keys)[["population", "_row", "area_name"]]
    both = totals.join(singles.rename("singles")).fillna({"singles": 0.0})
    both["gap"] = (both["singles"] - both["population"]).abs() / both["population"].where(both["population"] > 0)
    off = both[both["gap"] > SUM_TOLERANCE].reset_index()
    for (code, sex), group in off.groupby(["area_code", "sex"], sort=False):
        worst = group.loc[group["gap"].idxmax()]
        log.warn(source, f"{worst['area_name']} ({code}, {sex}): single ages add up to {worst['singles']:,.0f} but "
                 f"'All ages' is {worst['population']:,.0f} in {int(worst['year'])} ({100 * worst['gap']:.1f}% apart; "
                 f"{len(group)} year(s) outside 0.5%)", file=str(file), row=int(worst["_row"]), column=column)
    return log


LOOKUP_FILE = "ltla_utla_2022.csv"
LOOKUP_TEXT = "ONS LTLA→UTLA lookup, December 2022"
ENGLAND_CODE, ENGLAND_NAME = "E92000001", "England"
# Councils reorganised since the lookup (April 2023): a whole county's districts, or single districts.
REORGANISED_COUNTIES = MappingProxyType({"E10000023": "E06000065",   # North Yorkshire
                                         "E10000027": "E06000066"})  # Somerset
REORGANISED_DISTRICTS = MappingProxyType({  # Cumbria (E10000006) split in two
    "E07000026": "E06000063", "E07000028": "E06000063", "E07000029": "E06000063",  # → Cumberland
    "E07000027": "E06000064", "E07000030": "E06000064", "E07000031": "E06000064"})  # → Westmorland and Furness


@lru_cache(maxsize=1)
def district_to_council() -> pd.DataFrame:
    """``district_code, district_name → council_code`` for every English district of the bundled ONS lookup, current codes."""
    with resources.files("helpers.reference").joinpath(LOOKUP_FILE).open(encoding="utf-8-sig") as f:
        table = pd.read_csv(f, dtype=str, keep_default_na=False)
    table = table[table["LTLA22CD"].str.startswith("E")]
    council = table["LTLA22CD"].map(REORGANISED_DISTRICTS).fillna(table["UTLA22CD"].replace(REORGANISED_COUNTIES))
    return pd.DataFrame({"district_code": table["LTLA22CD"].to_numpy(), "district_name": table["LTLA22NM"].to_numpy(),
                         "council_code": council.to_numpy()})


def _complete_parts(parts: pd.DataFrame, present: set[str], names: Mapping[str, str],
                    log: DataQualityLog, source: str, file: Path, warn: bool) -> dict[str, list[str]]:
    """Of the wholes (column ``whole``) with no rows, those whose every part (``part``) has rows.

    With ``warn``, a whole some of whose parts have rows and some not is a warning (a county's
    population would be too low); regions and England are not used for any figure, so no warning.
    """
    out: dict[str, list[str]] = {}
    for whole, group in parts[~parts["whole"].isin(present)].groupby("whole", sort=True):
        wanted = list(dict.fromkeys(group["part"]))
        absent = [p for p in wanted if p not in present]
        if not absent:
            out[whole] = wanted
        elif warn and len(absent) < len(wanted):
            log.warn(source, f"{names.get(whole, whole)} ({whole}) has no population rows and was not summed from its "
                     f"parts: {len(absent)} of {len(wanted)} have no rows ({', '.join(absent[:5])}"
                     f"{', …' if len(absent) > 5 else ''})", file=str(file))
    return out


def _sum_parts(pop: pd.DataFrame, wholes: Mapping[str, list[str]], names: Mapping[str, str]) -> pd.DataFrame:
    """Rows for each whole: its parts' populations added up per sex, age group and year."""
    target = {part: whole for whole, parts in wholes.items() for part in parts}
    rows = pop[pop["area_code"].isin(list(target))]
    summed = (rows.assign(area_code=rows["area_code"].map(target))
              .groupby(["area_code", "sex", "age_group", "age", "year"], dropna=False, sort=False, as_index=False)
              ["population"].sum())
    summed["area_name"] = summed["area_code"].map(names)
    summed["_row"] = 0
    return summed[TIDY_COLUMNS]


def add_upper_tiers(pop: pd.DataFrame, source: str = SOURCE_SNPP,
                    file: Path | str = "") -> tuple[pd.DataFrame, DataQualityLog]:
    """Add rows for upper-tier councils, regions and England that the file lacks, summed from their parts.

    Councils from their districts (``district_to_council``), regions from their councils, England
    from the regions; only areas with no rows of their own and all of their parts present. The log
    says what was summed (the statement lists it), and which areas could not be.
    """
    log = DataQualityLog()
    table = councils()
    names = {**dict(zip(table["code"], table["name"])), **dict(zip(table["region_code"], table["region_name"])),
             ENGLAND_CODE: ENGLAND_NAME}
    present = set(pop["area_code"].unique())
    lookup = district_to_council()
    lookup = lookup[lookup["district_code"] != lookup["council_code"]]
    steps = [("councils", "districts", f" ({LOOKUP_TEXT})",
              lookup.rename(columns={"council_code": "whole", "district_code": "part"})),
             ("regions", "councils", "", pd.DataFrame({"whole": table["region_code"], "part": table["code"]})),
             ("", "regions", "", pd.DataFrame({"whole": ENGLAND_CODE, "part": table["region_code"]}))]
    frames = [pop]
    for kind, of, how, parts in steps:
        wholes = _complete_parts(parts, present, names, log, source, Path(file), warn=kind == "councils")
        if not wholes:
            continue
        current = pd.concat(frames, ignore_index=True) if len(frames) > 1 else pop
        frames.append(_sum_parts(current, wholes, names))
        present |= set(wholes)
        listed = ", ".join(names[w] for w in wholes)
        what = f"{len(wholes)} upper-tier councils ({listed})" if kind == "councils" else (
            f"{len(wholes)} regions ({listed})" if kind == "regions" else listed)
        whose, them = ("their", "them") if kind else ("its", "it")
        log.warn(source, f"Population for {what} summed from {whose} {of}{how}: the projection file has no rows "
                 f"for {them}", file=str(file))
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else pop
    return out, log


def load_snpp(path: Path, cache_dir: Path | None = None) -> SourceTable:
    """Load an SNPP population CSV into the tidy long frame (area × sex × age group × year).

    Upper-tier councils, regions and England missing from the file are summed from their parts
    (``add_upper_tiers``), so every caller sees council rows.
    """
    path = Path(path)
    pop = cached(path, cache_dir, f"ons_snpp-v{LOADER_VERSION}", lambda: _parse_snpp(read_raw(path)))
    log = sum_check(pop, SOURCE_SNPP, path, PUBLISHED["snpp"]["age_group"])
    pop, summed = add_upper_tiers(pop, SOURCE_SNPP, path)
    log.extend(summed)
    return SourceTable(pop, path, f"{int(pop['year'].min())}-based projections", False, log)


def load_mid_year(path: Path, cache_dir: Path | None = None) -> SourceTable:
    """Load a Nomis mid-year population estimates CSV into the tidy long frame.

    Feeds nothing into the statement yet (``caremarket validate`` checks such files). ONS's own
    workbook of the same estimates is read to this same frame by ``helpers.load.ons_mid_year``.
    """
    path = Path(path)
    pop = cached(path, cache_dir, f"ons_mid_year-v{LOADER_VERSION}", lambda: _parse_mid_year(read_raw(path)))
    log = sum_check(pop, SOURCE_MID_YEAR, path, PUBLISHED["mid_year"]["age_group"])
    return SourceTable(pop, path, f"mid-{int(pop['year'].max())} estimates", False, log)


def _single_ages(pop: pd.DataFrame, area_code: str, year: int, sex: str) -> pd.DataFrame:
    """Single-age rows (including the open top group) of one area, sex and year; absent data is an InputError."""
    area = pop[(pop["area_code"] == area_code) & (pop["sex"] == sex)]
    if area.empty:
        raise InputError(f"the population data has no rows for area '{area_code}' (sex '{sex}')")
    rows = area[(area["year"] == year) & area["age"].notna()]
    if rows.empty:
        raise InputError(f"the population data has no single ages for area '{area_code}' in {year}; years "
                         f"available: {int(area['year'].min())}–{int(area['year'].max())}")
    return rows


def _band_total(ages: pd.DataFrame, name: str, lo: int, hi: int | None, where: str) -> float:
    """Sum one age band; the open top group counts only in open-ended bands, and every age must be present."""
    open_top = ages.loc[ages["age_group"].str.endswith("+"), "age"]
    top = int(open_top.iloc[0]) if len(open_top) else int(ages["age"].max())
    if (hi is not None and len(open_top) and hi >= top) or lo > top:
        raise ValueError(f"band '{name}' cannot be taken from ages 0–{top - 1} and {top}+")
    wanted = set(range(lo, (hi if hi is not None else top) + 1))
    missing = sorted(wanted - set(ages["age"].astype(int)))
    if missing:
        raise InputError(f"cannot compute band '{name}' for {where}: {len(missing)} age(s) missing "
                         f"({missing[0]}–{missing[-1]})")
    return float(ages.loc[ages["age"].isin(wanted), "population"].sum())


def age_band_population(pop: pd.DataFrame, area_code: str, year: int,
                        bands: Mapping[str, tuple[int, int | None]] = BANDS, sex: str = "persons") -> pd.DataFrame:
    """Population of one area and year per age band (upper bound None = and over)."""
    ages = _single_ages(pop, area_code, year, sex)
    where = f"{area_code} in {year}"
    totals = [_band_total(ages, name, lo, hi, where) for name, (lo, hi) in bands.items()]
    return _band_frame(area_code, year, bands, totals)


def _band_frame(area_code: str, year: int, bands: Mapping[str, tuple[int, int | None]],
                totals: list[float]) -> pd.DataFrame:
    """age_band_population's frame from the bands' totals."""
    rows = [{"area_code": area_code, "year": year, "band": name, "age_from": lo, "age_to": hi, "population": total}
            for (name, (lo, hi)), total in zip(bands.items(), totals)]
    out = pd.DataFrame(rows)
    out["age_to"] = out["age_to"].astype("Int64")
    return out


def projection(pop: pd.DataFrame, area_code: str, base_year: int, horizons: tuple[int, ...] = (5, 10),
               bands: Mapping[str, tuple[int, int | None]] = BANDS, sex: str = "persons") -> pd.DataFrame:
    """Per band, population at the base year and each horizon, with the change and % change from the base."""
    area = pop[pop["area_code"] == area_code]  # once, not once per year
    frames = [age_band_population(area if len(area) else pop, area_code, base_year + h, bands, sex).assign(horizon=h)
              for h in (0, *horizons)]
    return _projection_frame(frames)


def projections(totals: pd.DataFrame, base_year: int, horizons: tuple[int, ...] = (5, 10),
                bands: Mapping[str, tuple[int, int | None]] = BANDS) -> pd.DataFrame:
    """``projection`` of every area at once, from the band totals of every area and year (``band_totals``): the
    areas one after another, each with the rows ``projection`` gives it, in the same order, with the same columns.

    An area is included only when every year and band it needs is in ``totals`` (``projection`` itself computes
    the others, or says what is wrong). Every figure is the same arithmetic on the same totals, so it is equal to
    the last bit.
    """
    steps = (0, *horizons)
    columns = ["area_code", "band", "horizon", "year", "population", "change", "change_pct"]
    years, names = [base_year + h for h in steps], list(bands)
    if len(set(steps)) != len(steps) or len(set(names)) != len(names):
        return pd.DataFrame({c: pd.Series(dtype="str" if c in ("area_code", "band") else "float64") for c in columns})
    wanted = totals[totals["year"].isin(years) & totals["band"].isin(names)]
    found = wanted.set_index(["area_code", "year", "band"])["population"]
    found = found[~found.index.duplicated()]
    areas = sorted(set(wanted["area_code"]))
    grid = found.reindex(pd.MultiIndex.from_product([areas, years, names])).to_numpy(dtype="float64").reshape(
        len(areas), len(years) * len(names))
    complete = ~np.isnan(grid).any(axis=1)
    grid, areas = grid[complete], [a for a, keep in zip(areas, complete) if keep]
    per = len(years) * len(names)
    out = pd.DataFrame({"area_code": np.repeat(np.array(areas, dtype=object), per),
                        "band": np.tile(np.array(names, dtype=object), len(areas) * len(years)),
                        "horizon": np.tile(np.repeat(np.array(steps, dtype="int64"), len(names)), len(areas)),
                        "year": np.tile(np.repeat(np.array(years, dtype="int64"), len(names)), len(areas)),
                        "population": grid.reshape(-1)})
    base = pd.Series(np.repeat(grid[:, :len(names)], len(years), axis=0).reshape(-1), index=out.index)
    out["change"] = out["population"] - base
    out["change_pct"] = (100 * out["change"] / base.where(base > 0)).astype(float)
    return out[columns].astype({"area_code": "str", "band": "str"})


def _projection_frame(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The projection's frame from one age_band_population frame per horizon (with its ``horizon``)."""
    out = pd.concat(frames, ignore_index=True)
    base = out["band"].map(out[out["horizon"] == 0].set_index("band")["population"])
    out["change"] = out["population"] - base
    out["change_pct"] = (100 * out["change"] / base.where(base > 0)).astype(float)
    return out[["area_code", "band", "horizon", "year", "population", "change", "change_pct"]]


def band_totals(pop: pd.DataFrame, bands: Mapping[str, tuple[int, int | None]] = BANDS,
                sex: str = "persons") -> pd.DataFrame:
    """``_band_total`` for every area and year at once: columns area_code, year, band, population.

    Only an area-year whose single ages run 0, 1, …, top once each in row order (an open top group, if
    any, last) is included, and only the bands that can be taken from it; each total is the same sum,
    over the same rows in the same order, as ``age_band_population`` takes (numpy's sum of the band's
    contiguous ages), so it is equal to the last bit. Any other area-year is left out: there
    ``age_band_population`` computes the figure, or says what is wrong.
    """
    rows = pop[(pop["sex"] == sex) & pop["age"].notna()]
    empty = pd.DataFrame({"area_code": pd.Series(dtype="str"), "year": pd.Series(dtype="int64"),
                          "band": pd.Series(dtype="str"), "population": pd.Series(dtype="float64")})
    if rows.empty:
        return empty
    keys = ["area_code", "year"]
    group = rows.groupby(keys, sort=False).ngroup().to_numpy()
    position = rows.groupby(keys, sort=False).cumcount().to_numpy()
    age = rows["age"].to_numpy(dtype="int64")
    is_open = rows["age_group"].str.endswith("+").to_numpy(dtype=bool)
    n_groups = int(group.max()) + 1
    size = np.bincount(group, minlength=n_groups)
    bad = np.zeros(n_groups, dtype=bool)
    bad[group[age != position]] = True  # not 0, 1, 2, … in row order
    bad[group[is_open & (position != size[group] - 1)]] = True  # an open group that is not the last age
    has_open = np.zeros(n_groups, dtype=bool)
    has_open[group[is_open]] = True
    population = rows["population"].to_numpy(dtype="float64")
    first = rows.drop_duplicates(keys)  # one row per group, in group order
    codes, years = first["area_code"].to_numpy(), first["year"].to_numpy(dtype="int64")
    parts = []
    for n in np.unique(size):
        chosen = np.flatnonzero((size == n) & ~bad)
        if not len(chosen):
            continue
        grid = np.empty((n_groups, n))
        in_grid = ~bad[group] & (size[group] == n)
        grid[group[in_grid], position[in_grid]] = population[in_grid]
        grid = grid[chosen]
        top = n - 1
        for name, (lo, hi) in bands.items():
            for opened in (True, False):
                if (hi is not None and opened and hi >= top) or lo > top or (hi is not None and hi > top):
                    continue  # refused or missing ages: left to age_band_population
                which = has_open[chosen] == opened
                if not which.any():
                    continue
                end = (hi if hi is not None else top) + 1
                # numpy sums each row's contiguous ages pairwise, as it sums the one area's selected ages
                totals = np.add.reduce(grid[which, lo:end], axis=1)
                parts.append(pd.DataFrame({"area_code": codes[chosen][which], "year": years[chosen][which],
                                           "band": name, "population": totals}))
    if not parts:
        return empty
    return pd.concat(parts, ignore_index=True).astype({"area_code": "str", "year": "int64", "band": "str",
                                                       "population": "float64"})
