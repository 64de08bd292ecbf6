"""Synthetic Skills for Care LA data download (``LA-data-download.xlsx``) in the layout the loader reads.

Sheets: ``Notes`` (says SYNTHETIC DEMO DATA and the year, "2024/25") and ``LA level data``: one
notice line, then the header row starting "CSSR (LA area)" with every column of
``skills_for_care.PUBLISHED_COLUMNS``, one row per area × Sector × Service × Job role, and a
footnote under the table. Areas: each council given (under its name; Isles of Scilly is left out
and Cornwall written as "Cornwall and Isles of Scilly", as in the real file), the regions of those
councils and England. Sectors "All sectors" and "Independent"; services "All services", "Care home
services with nursing", "Care home services without nursing", "Domiciliary care services"; job
roles "All job roles", "Job role group - Direct care", "Individual role - Care worker".

Rates are written as fractions in percent-formatted cells (as the real file), pay in £, filled
posts as whole numbers. Council figures are drawn from the council's own random stream; region
and England rows are the filled-posts-weighted means (sums for posts) of the councils written. A
council's "All services" row is the weighted mean of its three services (plus 10% posts in other
services); "All sectors" adds 8% posts at the Independent sector's rates. About 3% of council rate
and pay cells are suppressed ("*"), as are all of a council row's rates when it has fewer than 25
filled posts.
"""
from __future__ import annotations

import datetime as dt
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from helpers.load import skills_for_care as sfc

FILE_NAME = "LA-data-download.xlsx"
YEAR = "2024/25"
INDEPENDENT = "Independent"
SECTORS = [sfc.ALL_SECTORS, INDEPENDENT]
SERVICES = [sfc.ALL_SERVICES, "Care home services with nursing", "Care home services without nursing",
            "Domiciliary care services"]
ALL_ROLES = "All job roles"
JOB_ROLES = [ALL_ROLES, sfc.DIRECT_CARE, sfc.CARE_WORKER]
ENGLAND = "England"
CORNWALL, SCILLY = "E06000052", "E06000053"
CORNWALL_NAME = "Cornwall and Isles of Scilly"
SUPPRESSED_SHARE = 0.03
SMALL_GROUP = 25  # filled posts below which a row's figures are suppressed
OTHER_SERVICES = 1.10  # All services posts = the three services' posts × this
OTHER_SECTORS = 1.08  # All sectors posts = Independent posts × this
FIXED_TIME = dt.datetime(2025, 10, 1)
RATE_COLUMNS = ["turnover_rate_pct", "vacancy_rate_pct", "zero_hours_pct", "pct_aged_55_plus",
                "pct_relevant_qualification"]
# Per service: (turnover, vacancy, zero hours, aged 55+, relevant qualification) centres as fractions,
# sickness days, care worker pay above £12.21, and filled posts per 1,000 people.
PROFILES = {
    "Care home services with nursing": ((0.30, 0.08, 0.10, 0.27, 0.48), 5.0, 0.45, 3.0),
    "Care home services without nursing": ((0.28, 0.07, 0.12, 0.29, 0.50), 4.8, 0.35, 4.0),
    "Domiciliary care services": ((0.33, 0.11, 0.45, 0.31, 0.42), 4.2, 0.60, 6.0),
}
ROLE_PAY = {ALL_ROLES: 1.40, sfc.DIRECT_CARE: 0.15, sfc.CARE_WORKER: 0.0}  # £ above the care worker's pay
ROLE_POSTS = {ALL_ROLES: 1.0, sfc.DIRECT_CARE: 0.75, sfc.CARE_WORKER: 0.55}
NOTES = ["Skills for Care: local authority area workforce data download - SYNTHETIC DEMO DATA",
         f"Source: Adult Social Care Workforce Data Set (ASC-WDS), {YEAR} - SYNTHETIC DEMO DATA.",
         "Invented figures in the published layout, for trying the workbook. Never publish them as fact.",
         "* Suppressed: fewer than 25 filled posts, or too few establishments to publish.",
         "Rates are shares of filled posts; turnover and vacancy are for the past 12 months."]
NOTICE = "SYNTHETIC DEMO DATA - not Skills for Care figures."
FOOTNOTE = "Source: synthetic demo data in the layout of the Skills for Care LA data download."


def _rng(seed: int, code: str) -> np.random.Generator:
    """This council's own random stream for workforce figures."""
    return np.random.default_rng([seed, zlib.crc32(code.encode()), zlib.crc32(b"skills_for_care")])


def _council_rows(code: str, name: str, population: float, rng: np.random.Generator) -> list[dict]:
    """True (unsuppressed) figures of one council for every sector × service × job role."""
    rows = []
    by_service: dict[tuple[str, str], dict] = {}
    for service, (rates, sickness, pay, per_1000) in PROFILES.items():
        base_posts = max(population, 20_000) / 1000 * per_1000 * rng.uniform(0.7, 1.3)
        care_worker_pay = 12.21 + pay * rng.uniform(0.6, 1.4)
        for role in JOB_ROLES:
            figures = {c: float(np.clip(r * rng.uniform(0.8, 1.2), 0.005, 0.95)) for c, r in zip(RATE_COLUMNS, rates)}
            figures |= {"sickness_days_mean": round(sickness * rng.uniform(0.7, 1.3), 1),
                        "median_hourly_pay": round(care_worker_pay + ROLE_PAY[role] + rng.uniform(-0.05, 0.05), 2),
                        "filled_posts": float(round(base_posts * ROLE_POSTS[role]))}
            by_service[(service, role)] = figures
            rows.append({"area": name, "code": code, "sector": INDEPENDENT, "service": service, "job_role": role,
                         **figures})
    for role in JOB_ROLES:
        parts = pd.DataFrame([by_service[(s, role)] for s in PROFILES])
        total = _weighted(parts) | {"filled_posts": float(round(parts["filled_posts"].sum() * OTHER_SERVICES))}
        rows.append({"area": name, "code": code, "sector": INDEPENDENT, "service": sfc.ALL_SERVICES, "job_role": role,
                     **total})
    independent = [r for r in rows if r["sector"] == INDEPENDENT]
    rows += [r | {"sector": sfc.ALL_SECTORS, "filled_posts": float(round(r["filled_posts"] * OTHER_SECTORS))}
             for r in independent]
    return rows


def _weighted(parts: pd.DataFrame) -> dict:
    """Filled-posts-weighted means of every figure but posts (summed)."""
    w = parts["filled_posts"]
    out = {c: float((parts[c] * w).sum() / w.sum()) for c in parts.columns if c != "filled_posts"}
    out["sickness_days_mean"] = round(out["sickness_days_mean"], 1)
    out["median_hourly_pay"] = round(out["median_hourly_pay"], 2)
    return out | {"filled_posts": float(w.sum())}


def _aggregate(councils_rows: pd.DataFrame, name: str, code: str) -> pd.DataFrame:
    """Region or England rows: per sector × service × role, the weighted means of the councils given."""
    figures = [*RATE_COLUMNS, "sickness_days_mean", "median_hourly_pay", "filled_posts"]
    out = [{"area": name, "code": code, "sector": s, "service": v, "job_role": j, **_weighted(g[figures])}
           for (s, v, j), g in councils_rows.groupby(["sector", "service", "job_role"], sort=False)]
    return pd.DataFrame(out)


def _suppress(frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Council rows only: '*' in about 3% of rate and pay cells, and in every rate of a small group."""
    out = frame.astype({c: object for c in [*RATE_COLUMNS, "median_hourly_pay"]})
    council = out["level"] == "LA"
    for column in [*RATE_COLUMNS, "median_hourly_pay"]:
        hide = council & ((rng.random(len(out)) < SUPPRESSED_SHARE) | (out["filled_posts"] < SMALL_GROUP))
        out.loc[hide, column] = "*"
    return out


def synthetic_rows(councils: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Every row of the LA level data sheet (values as written: fractions, £, posts, '*')."""
    wanted = councils[councils["code"] != SCILLY].sort_values("code")
    frames = []
    for row in wanted.itertuples():
        name = CORNWALL_NAME if row.code == CORNWALL else row.name
        population = float(getattr(row, "population_2020", 0) or 0)
        frames.append(pd.DataFrame(_council_rows(row.code, name, population, _rng(seed, row.code))))
    if not frames:
        raise ValueError("no councils to write Skills for Care data for")
    la = pd.concat(frames, ignore_index=True).assign(level="LA")
    la["region_code"] = la["code"].map(dict(zip(wanted["code"], wanted["region_code"])))
    region_names = dict(zip(wanted["region_code"], wanted["region_name"]))
    regions = [_aggregate(la[la["region_code"] == rc], region_names[rc], rc).assign(level="Region")
               for rc in sorted(region_names)]
    england = _aggregate(la, ENGLAND, sfc.ENGLAND_CODE).assign(level="England")
    every = pd.concat([england, *regions, la.drop(columns="region_code")], ignore_index=True)
    order = {"sector": SECTORS, "service": SERVICES, "job_role": JOB_ROLES}
    every["_area"] = pd.factorize(every["area"])[0]
    every = every.sort_values(["_area", *order], key=lambda c: c if c.name == "_area" else c.map(
        {v: i for i, v in enumerate(order[c.name])}), kind="stable").drop(columns="_area").reset_index(drop=True)
    return _suppress(every, np.random.default_rng([seed, zlib.crc32(b"skills_for_care-suppression")]))


def _sheet_rows(rows: pd.DataFrame) -> list[list[object]]:
    """The data rows in the published column order."""
    columns = ["area", "sector", "service", "job_role", "turnover_rate_pct", "vacancy_rate_pct", "sickness_days_mean",
               "zero_hours_pct", "median_hourly_pay", "pct_aged_55_plus", "filled_posts", "pct_relevant_qualification"]
    assert len(columns) == len(sfc.PUBLISHED_COLUMNS)
    def written(column: str, value: object) -> object:
        if isinstance(value, str):
            return value
        return int(value) if column == "filled_posts" else round(value, 4) if column in RATE_COLUMNS else value

    return [[written(c, v) for c, v in zip(columns, values)] for values in rows[columns].itertuples(index=False)]


def _cell(sheet: object, value: object, number_format: str | None) -> object:
    """A value, or a cell carrying its number format (percent, £) when it is a number that has one."""
    if number_format is None or isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def write_skills_for_care(councils: pd.DataFrame, seed: int, out_dir: Path, year: str = YEAR,
                          file_name: str = FILE_NAME) -> Path:
    """Write LA-data-download.xlsx (Notes, LA level data) for these councils (rows of councils()); return its path.

    ``year`` (e.g. "2023/24") and ``file_name`` write an earlier year's file, as Skills for Care names them."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = synthetic_rows(councils, seed)
    wb = Workbook(write_only=True)
    wb.properties.created = wb.properties.modified = FIXED_TIME
    notes = wb.create_sheet(sfc.NOTES_SHEET)
    for line in NOTES:
        notes.append([line.replace(YEAR, year)])
    data = wb.create_sheet(sfc.SHEETS[0])
    data.append([NOTICE])
    data.append(sfc.PUBLISHED_COLUMNS)
    formats = {sfc.PUBLISHED_COLUMNS.index(sfc.PUBLISHED[c]): "0.0%" for c in RATE_COLUMNS}
    formats[sfc.PUBLISHED_COLUMNS.index(sfc.PUBLISHED["median_hourly_pay"])] = '"£"#,##0.00'
    for values in _sheet_rows(rows):
        data.append([_cell(data, v, formats.get(i)) for i, v in enumerate(values)])
    data.append([])
    data.append([FOOTNOTE])
    path = out_dir / file_name
    wb.save(path)
    return path
