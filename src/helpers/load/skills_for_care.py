"""Skills for Care local authority workforce data ("LA data download"): the one place that knows its layout.

File ``LA-data-download.xlsx`` (some years ``LA-data-download-Oct-2021.xlsx``; ``FILE_NAMES``), sheets ``Notes`` and
``LA level data``. The header is found by the cell "CSSR (LA area)" (notices may sit above it).
One row per area × Sector × Service × Job role; totals are Sector "All sectors" and Service "All
services"; job roles read like "Job role group - Direct care" and "Individual role - Care worker"
(older files: "Direct care", "Care worker"). Rows under the table with text in the first cell
only (footnotes) are dropped.

Columns [CODE], required: CSSR (LA area), Sector, Service, Job role, Turnover rate, Vacancy rate,
Sickness - Mean (divide by Employees) (mean days per employee), Zero Hour Contracts - Yes (share
of workers). Columns [INFERRED], UNVERIFIED and optional: median hourly pay, % aged 55 and above,
filled posts, % holding a relevant qualification — the published names in ``COLUMNS`` are guesses
to correct when a real file is seen; an absent one is left blank (reason "not in file") with a
warning.

Values: "*" is suppressed (too few workers) → NaN with the reason in ``<column>_reason``. Rates
may be stored as fractions (0.28, a percent-formatted cell) or as percents ("28%", or 28): the
scale is decided per column — percents if any cell ends in "%" or the column's median is above
1, else fractions (× 100). The median rather than the maximum, so one small group with turnover
above 100% does not turn a fraction column into percents. Tidy rates are percentages, 0–100
(turnover may exceed 100).

Areas: CSSR names are non-standard ("Redcar & Cleveland", "Bristol", "Durham", "Cornwall and
Isles of Scilly" — one combined area, given Cornwall's code E06000052) and are mapped with
``helpers.councils.code_for_name``. England and region rows are kept: ``level`` is "England",
"Region" or "LA", and ``la_code`` holds the area's ONS code at that level (E92000001, E12…).
Region names are matched on their text (``REGION_CODES``) before council names, because
"London" normalises to the City of London's key. A name matching nothing is a warning, not an
error: the row is kept without a code, so one new or renamed council does not stop every other
council's run. Vintage: a "YYYY/YY" year in the Notes sheet, else "Mon-YYYY" in the file name.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.councils import code_for_name
from helpers.errors import DataQualityLog, InputError
from helpers.load.file_names import FileNames
from helpers.load.reading import (Column, RawSheet, SourceTable, cached, check_unique, locate_header, read_raw,
                                     sheet_lines, table_below_header, to_number)

SOURCE = "Skills for Care"
SHEETS = ("LA level data",)
NOTES_SHEET = "Notes"
ANCHOR = "CSSR (LA area)"
FILE_NAMES = FileNames((r"la[- ]data[- ]download.*",), (".xlsx", ".xlsm", ".xls"), "LA-data-download.xlsx")
LOADER_VERSION = "1"
NOT_IN_FILE = "not in file"
ENGLAND_CODE = "E92000001"
ALL_SECTORS, ALL_SERVICES = "All sectors", "All services"
DIRECT_CARE, CARE_WORKER = "Job role group - Direct care", "Individual role - Care worker"

# The mapping table: canonical name → published name(s). Optional ones are [INFERRED].
COLUMNS = [
    Column("la_name", ("CSSR (LA area)",)),
    Column("sector", ("Sector",)),
    Column("service", ("Service",)),
    Column("job_role", ("Job role",)),
    Column("turnover_rate_pct", ("Turnover rate",)),
    Column("vacancy_rate_pct", ("Vacancy rate",)),
    Column("sickness_days_mean", ("Sickness - Mean (divide by Employees)",)),
    Column("zero_hours_pct", ("Zero Hour Contracts - Yes",)),
    Column("median_hourly_pay", ("Median hourly pay", "Median hourly rate", "Hourly pay - Median"), required=False),
    Column("pct_aged_55_plus", ("Aged 55 and above", "Aged 55+", "Age 55 and over"), required=False),
    Column("filled_posts", ("Filled posts", "Total filled posts"), required=False),
    Column("pct_relevant_qualification", ("Relevant qualification", "Holding a relevant social care qualification"),
           required=False),
]
PUBLISHED = {c.canonical: c.published[0] for c in COLUMNS}
# Every column of the sheet as this module expects it, in order (what a writer of this layout uses).
PUBLISHED_COLUMNS = [c.published[0] for c in COLUMNS]
# Percentage columns and their upper bound (None: turnover can exceed 100%).
RATES = {"turnover_rate_pct": None, "vacancy_rate_pct": 100.0, "zero_hours_pct": 100.0, "pct_aged_55_plus": 100.0,
         "pct_relevant_qualification": 100.0}
AMOUNTS = ["sickness_days_mean", "median_hourly_pay", "filled_posts"]
METRICS = [*RATES, *AMOUNTS]
REGION_CODES = {
    "north east": "E12000001", "north west": "E12000002", "yorkshire and the humber": "E12000003",
    "yorkshire and humber": "E12000003", "east midlands": "E12000004", "west midlands": "E12000005",
    "east of england": "E12000006", "eastern": "E12000006", "east": "E12000006", "london": "E12000007",
    "south east": "E12000008", "south west": "E12000009",
}
ENGLAND_NAMES = {"england", "all england", "england total"}
KEY = ["la_name", "sector", "service", "job_role"]
AREAS = ("council", "region", "England")
_NOTES_YEAR = re.compile(r"\b(20\d\d)\s*/\s*(\d\d)\b")
_FILE_MONTH = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*[-_ ](20\d\d)\b",
                         re.IGNORECASE)


def area_code(name: str) -> tuple[str | None, str]:
    """Return (ONS code, level) for a CSSR name: England, a region, or a council (code None if unknown)."""
    key = " ".join(str(name).casefold().replace("&", " and ").split()).removesuffix(" region")
    if key in ENGLAND_NAMES:
        return ENGLAND_CODE, "England"
    if key in REGION_CODES:
        return REGION_CODES[key], "Region"
    return code_for_name(name), "LA"


def vintage_of(path: Path, notes: list[str]) -> str | None:
    """Return the data year ('2024/25') from the Notes lines, else 'Mon YYYY' from the file name, else None."""
    for line in notes:
        m = _NOTES_YEAR.search(line)
        if m:
            return f"{m.group(1)}/{m.group(2)}"
    m = _FILE_MONTH.search(Path(path).stem)
    return f"{m.group(1).title()} {m.group(2)}" if m else None


def _absent(raw: RawSheet) -> set[str]:
    """Canonical names of the optional columns that are not in the header row."""
    header = {str(v).strip().casefold() for v in raw.cells.iloc[locate_header(raw, ANCHOR)]}
    return {c.canonical for c in COLUMNS if not c.required and not any(p.casefold() in header for p in c.published)}


def _percent(table: pd.DataFrame, column: str, raw: RawSheet) -> tuple[pd.Series, pd.Series]:
    """Parse a rate column to percentages, deciding per column whether it holds fractions or percents."""
    text = table[column].astype(str).str.strip()
    values, reasons = to_number(table.assign(**{column: text.str.removesuffix("%")}), column, raw, minimum=0,
                                published=PUBLISHED[column])
    median = values.median()
    scale = 1 if text.str.endswith("%").any() or (pd.notna(median) and median > 1) else 100
    pct = (values.astype("float64") * scale).round(6)  # round off the float noise of × 100
    high = pct > RATES[column] if RATES[column] is not None else pd.Series(False, index=pct.index)
    if high.any():
        i = high.idxmax()
        raise InputError(f"expected a percentage from 0 to 100, found '{table.at[i, column]}'", file=raw.file,
                         sheet=raw.sheet, row=int(table.at[i, "_row"]), column=PUBLISHED[column])
    return pct, reasons


def _parse(raw: RawSheet) -> pd.DataFrame:
    """Validate the LA level data sheet and return one tidy row per area × sector × service × job role."""
    table = table_below_header(raw, ANCHOR, COLUMNS)
    footnote = table.drop(columns=["_row", "la_name"]).apply(lambda s: s.astype(str).str.len() == 0).all(axis=1)
    table = table[~footnote].reset_index(drop=True)
    check_unique(table.assign(key=table[KEY].agg(" / ".join, axis=1)), "key", raw,
                 published=" + ".join(PUBLISHED[c] for c in KEY))
    out = table[["_row", *KEY]].copy()
    areas = {name: area_code(name) for name in out["la_name"].unique()}
    out["la_code"] = out["la_name"].map(lambda n: areas[n][0])
    out["level"] = out["la_name"].map(lambda n: areas[n][1])
    absent = _absent(raw)
    for column in METRICS:
        if column in RATES:
            values, reasons = _percent(table, column, raw)
        else:
            values, reasons = to_number(table, column, raw, minimum=0, published=PUBLISHED[column])
        out[column] = values.astype("float64")
        out[f"{column}_reason"] = NOT_IN_FILE if column in absent else reasons
    return out[["_row", "la_name", "la_code", "level", "sector", "service", "job_role", *METRICS,
                *[f"{m}_reason" for m in METRICS]]]


def _warnings(path: Path, data: pd.DataFrame, vintage: str | None) -> DataQualityLog:
    """Warn about unknown area names, optional columns not in the file and an unstated vintage."""
    log = DataQualityLog()
    sheet = SHEETS[0]
    unknown = data[data["la_code"].isna()]
    for name, group in unknown.groupby("la_name"):
        log.warn(SOURCE, f"area '{name}' matches no council, region or England; its {len(group)} row(s) are left "
                 f"out of council figures (first at row {int(group['_row'].min())})",
                 file=str(path), sheet=sheet, column=PUBLISHED["la_name"])
    for column in METRICS:
        if len(data) and (data[f"{column}_reason"] == NOT_IN_FILE).all():
            log.warn(SOURCE, f"column '{PUBLISHED[column]}' not found, so {column} is blank (its published name is "
                     "unverified: correct it in skills_for_care.COLUMNS)", file=str(path), sheet=sheet,
                     column=PUBLISHED[column])
    if vintage is None:
        log.warn(SOURCE, "cannot tell the data's vintage: no 'YYYY/YY' in the Notes sheet and no 'Mon-YYYY' in the "
                 "file name", file=str(path))
    return log


def load(path: Path, cache_dir: Path | None = None) -> SourceTable:
    """Load an LA data download into a tidy frame (one row per area × sector × service × job role)."""
    path = Path(path)
    notes = sheet_lines(path, NOTES_SHEET, cache_dir)
    data = cached(path, cache_dir, f"skills_for_care-v{LOADER_VERSION}", lambda: _parse(read_raw(path, SHEETS)))
    vintage = vintage_of(path, notes)
    synthetic = any("synthetic" in line.casefold() for line in notes)
    return SourceTable(data, path, vintage or "unknown", synthetic, _warnings(path, data, vintage))


def _pick(df: pd.DataFrame, code: str, sector: str, service: str, job_role: str) -> pd.Series:
    """The row for one area, sector, service and job role (matched ignoring case), or an empty Series."""
    match = df[(df["la_code"] == code) & (df["sector"].str.casefold() == sector.casefold())
               & (df["service"].str.casefold() == service.casefold())
               & (df["job_role"].str.casefold() == job_role.casefold())]
    return match.iloc[0] if len(match) else pd.Series(dtype=object)


def row_index(df: pd.DataFrame) -> dict[tuple[str, str, str, str], int]:
    """Every area's rows at once: (la_code, sector, service, job role, the last three case-folded) → the position of
    the first row with them, the row ``_pick`` finds for them (rows without a code or a key are left out)."""
    keys = pd.DataFrame({"la_code": df["la_code"], "sector": df["sector"].str.casefold(),
                         "service": df["service"].str.casefold(), "job_role": df["job_role"].str.casefold(),
                         "at": np.arange(len(df))})
    keys = keys.dropna(subset=["la_code", "sector", "service", "job_role"]).drop_duplicates(
        ["la_code", "sector", "service", "job_role"], keep="first")
    return {(a, b, c, d): int(at) for a, b, c, d, at in
            zip(keys["la_code"], keys["sector"], keys["service"], keys["job_role"], keys["at"])}


def workforce_summary(df: pd.DataFrame, la_code: str, region_code: str, nlw: float, *, sector: str = ALL_SECTORS,
                      service: str = ALL_SERVICES, job_role: str = DIRECT_CARE,
                      pay_role: str = CARE_WORKER) -> pd.DataFrame:
    """Council vs region vs England for one sector/service/job role, with pay_role's median pay vs the NLW.

    One row per area (``area`` council/region/England, ``area_code``, ``area_name``): the METRICS
    for job_role, except ``median_hourly_pay`` which is pay_role's; ``pay_minus_nlw`` (£ per hour)
    and ``pay_vs_nlw_pct`` (% above the NLW). An area with no matching row gets NaN.
    """
    rows = []
    for area, code in zip(AREAS, (la_code, region_code, ENGLAND_CODE)):
        main = _pick(df, code, sector, service, job_role)
        pay = _pick(df, code, sector, service, pay_role)
        metrics = {m: main.get(m, np.nan) for m in METRICS}
        metrics["median_hourly_pay"] = pay.get("median_hourly_pay", np.nan)
        rows.append({"area": area, "area_code": code, "area_name": main.get("la_name", pay.get("la_name")), **metrics})
    out = pd.DataFrame(rows).astype({m: "float64" for m in METRICS})
    out["pay_minus_nlw"] = out["median_hourly_pay"] - nlw
    out["pay_vs_nlw_pct"] = (out["median_hourly_pay"] / nlw - 1) * 100
    return out
