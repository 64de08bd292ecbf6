"""The Skills for Care LA workforce loader on its published layout and on bad input, and the workforce summary."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from helpers.errors import InputError
from helpers.load import skills_for_care
from helpers.load.skills_for_care import workforce_summary

NAME = "LA-data-download.xlsx"
SHEET = "LA level data"
DC, CW = "Job role group - Direct care", "Individual role - Care worker"
COLUMNS = ["CSSR (LA area)", "Sector", "Service", "Job role", "Turnover rate", "Vacancy rate",
           "Sickness - Mean (divide by Employees)", "Zero Hour Contracts - Yes", "Median hourly pay",
           "Aged 55 and above", "Filled posts", "Relevant qualification"]
# Turnover, zero hours and qualification as fractions (percent-formatted cells); vacancy as "x%" text;
# aged 55+ as percent numbers. One small group's turnover is above 100% (1.2).
ROWS = [
    ["England", "All sectors", "All services", DC, 0.25, "8.1%", 4.5, 0.22, "£12.40", 29, 1200000, 0.45],
    ["England", "All sectors", "All services", CW, 0.3, "9.0%", 4.8, 0.3, 12.2, 27, 600000, 0.4],
    ["North East", "All sectors", "All services", DC, 0.27, "7.5%", 5.1, 0.18, 12.1, 31, 60000, 0.5],
    ["North East", "All sectors", "All services", CW, 0.31, "8.0%", 5.0, 0.2, 12.0, 30, 30000, 0.48],
    ["Redcar & Cleveland", "All sectors", "All services", DC, 0.2, "*", 6.0, "*", 12.05, 33, 2500, 0.52],
    ["Redcar & Cleveland", "All sectors", "All services", CW, 0.22, "5.5%", 6.2, 0.12, 11.95, "*", 1200, 0.5],
    ["Bristol", "All sectors", "All services", DC, 0.35, "10.0%", 3.9, 0.3, 12.5, 25, 9000, 0.4],
    ["Durham", "Independent", "Care home services with nursing", CW, 1.2, "12.0%", 4.0, 0.05, 11.8, 28, 40, 0.3],
    ["Cornwall and Isles of Scilly", "All sectors", "All services", DC, 0.28, "9.5%", 4.1, 0.25, 12.3, 35, 11000,
     0.47],
    ["London", "All sectors", "All services", DC, 0.29, "9.9%", 3.5, 0.35, 13.1, 24, 180000, 0.42],
    ["Eastern", "All sectors", "All services", DC, 0.3, "8.8%", 4.2, 0.2, 12.3, 30, 110000, 0.46],
]
NOTES = ["Skills for Care: local authority area data download",
         "Source: Adult Social Care Workforce Data Set (ASC-WDS), 2024/25",
         "* Suppressed: fewer than 10 workers or 5 establishments"]


def write_sfc(path: Path, rows: list[list], *, sheet: str = SHEET, preamble: int = 0,
              columns: list[str] | None = None, notes: list[str] | None = None) -> Path:
    """A small LA data download in the published layout (Notes sheet, optional notice rows, a footnote)."""
    wb = Workbook()
    wb.active.title = "Notes"
    for line in NOTES if notes is None else notes:
        wb.active.append([line])
    ws = wb.create_sheet(sheet)
    for i in range(preamble):
        ws.append([f"Notice line {i + 1}"])
    ws.append(columns or COLUMNS)
    for r in rows:
        ws.append(r)
    if rows:
        ws.append([])
        ws.append(["Source: Skills for Care estimates"])
    wb.save(path)
    return path


def changed(i: int, column: str, value: object) -> list[list]:
    """ROWS with one cell changed (row i, published column name)."""
    rows = [list(r) for r in ROWS]
    rows[i][COLUMNS.index(column)] = value
    return rows


def load_error(path: Path) -> InputError:
    """The InputError that loading path raises."""
    with pytest.raises(InputError) as err:
        skills_for_care.load(path)
    return err.value


def assert_where(err: InputError, path: Path, row: int | None, column: str | None) -> None:
    """The error names the file, the sheet, the row and the column."""
    assert (Path(err.file).name, err.sheet, err.row, err.column) == (path.name, SHEET, row, column)
    assert path.name in str(err) and f"sheet '{SHEET}'" in str(err)


@pytest.fixture()
def loaded(tmp_path):
    """The ROWS file, header below three notice rows, loaded."""
    return skills_for_care.load(write_sfc(tmp_path / NAME, ROWS, preamble=3))


def cell(data: pd.DataFrame, name: str, job_role: str, column: str) -> object:
    """One value of the tidy frame."""
    return data.loc[(data["la_name"] == name) & (data["job_role"] == job_role), column].iloc[0]


# --- the published layout ------------------------------------------------------------------------

def test_areas_levels_and_codes(loaded):
    data = loaded.data
    codes = data.drop_duplicates("la_name").set_index("la_name")[["la_code", "level"]].apply(tuple, axis=1).to_dict()
    assert codes == {"England": ("E92000001", "England"), "North East": ("E12000001", "Region"),
                     "Redcar & Cleveland": ("E06000003", "LA"), "Bristol": ("E06000023", "LA"),
                     "Durham": ("E06000047", "LA"), "Cornwall and Isles of Scilly": ("E06000052", "LA"),
                     "London": ("E12000007", "Region"), "Eastern": ("E12000006", "Region")}
    assert len(data) == len(ROWS)  # the footnote under the table is not a row
    assert data["_row"].tolist() == list(range(5, 5 + len(ROWS)))
    assert (loaded.vintage, loaded.synthetic, len(loaded.log)) == ("2024/25", False, 0)


def test_tidy_values_fractions_and_percents(loaded):
    data = loaded.data
    england = data.iloc[0]
    assert england[["sector", "service", "job_role"]].tolist() == ["All sectors", "All services", DC]
    assert england["turnover_rate_pct"] == 25.0           # fraction 0.25 → 25%
    assert england["vacancy_rate_pct"] == 8.1             # "8.1%" text
    assert england["pct_aged_55_plus"] == 29.0            # percent numbers stay as they are
    assert england["zero_hours_pct"] == 22.0 and england["pct_relevant_qualification"] == 45.0
    assert england["median_hourly_pay"] == 12.4           # "£12.40"
    assert (england["sickness_days_mean"], england["filled_posts"]) == (4.5, 1200000.0)
    assert cell(data, "Durham", CW, "turnover_rate_pct") == 120.0  # above 100% yet still read as a fraction
    assert all(data[c].dtype == "float64" for c in skills_for_care.METRICS)


def test_suppressed_cells_are_nan_with_a_reason(loaded):
    data = loaded.data
    redcar_dc = data[(data["la_name"] == "Redcar & Cleveland") & (data["job_role"] == DC)].iloc[0]
    assert math.isnan(redcar_dc["vacancy_rate_pct"]) and redcar_dc["vacancy_rate_pct_reason"] == "suppressed"
    assert math.isnan(redcar_dc["zero_hours_pct"]) and redcar_dc["zero_hours_pct_reason"] == "suppressed"
    assert redcar_dc["turnover_rate_pct"] == 20.0 and pd.isna(redcar_dc["turnover_rate_pct_reason"])
    assert cell(data, "Redcar & Cleveland", CW, "pct_aged_55_plus_reason") == "suppressed"


def test_percent_numbers_column_is_not_scaled(tmp_path):
    rows = [r[:4] + [28.0, 7.0, *r[6:]] for r in ROWS]  # turnover and vacancy written as 28 and 7
    data = skills_for_care.load(write_sfc(tmp_path / NAME, rows)).data
    assert data["turnover_rate_pct"].unique().tolist() == [28.0]
    assert data["vacancy_rate_pct"].unique().tolist() == [7.0]


def test_unverified_columns_may_be_absent(tmp_path):
    keep = COLUMNS[:8]
    table = skills_for_care.load(write_sfc(tmp_path / NAME, [r[:8] for r in ROWS], columns=keep))
    data = table.data
    assert data["median_hourly_pay"].isna().all() and (data["median_hourly_pay_reason"] == "not in file").all()
    assert data["turnover_rate_pct"].iloc[0] == 25.0
    warned = {w.column for w in table.log.warnings}
    assert warned == {"Median hourly pay", "Aged 55 and above", "Filled posts", "Relevant qualification"}
    assert "its published name is unverified" in str(table.log.warnings[0])


def test_vintage_from_file_name_else_unknown_with_warning(tmp_path):
    named = skills_for_care.load(write_sfc(tmp_path / "LA-data-download-Oct-2021.xlsx", ROWS, notes=["Notes"]))
    assert named.vintage == "Oct 2021" and len(named.log) == 0
    plain = skills_for_care.load(write_sfc(tmp_path / NAME, ROWS, notes=["Synthetic demo data"]))
    assert (plain.vintage, plain.synthetic) == ("unknown", True)
    assert "cannot tell the data's vintage" in str(plain.log.warnings[0])


def test_cache_is_reused_and_keyed_on_content(tmp_path):
    path = write_sfc(tmp_path / NAME, ROWS)
    cache = tmp_path / "cache"
    first = skills_for_care.load(path, cache).data
    pd.testing.assert_frame_equal(skills_for_care.load(path, cache).data, first)
    assert len(list(cache.glob("skills_for_care-v*.parquet"))) == 1
    write_sfc(path, changed(0, "Filled posts", 1300000))
    assert skills_for_care.load(path, cache).data["filled_posts"].iloc[0] == 1300000
    assert len(list(cache.glob("skills_for_care-v*.parquet"))) == 2


# --- bad input ---------------------------------------------------------------------------------

def test_renamed_column_names_expected_and_closest(tmp_path):
    columns = ["Staff turnover rate" if c == "Turnover rate" else c for c in COLUMNS]
    path = write_sfc(tmp_path / NAME, ROWS, columns=columns, preamble=1)
    err = load_error(path)
    assert_where(err, path, None, "Turnover rate")
    assert "expected column 'Turnover rate' not found in the header (row 2)" in str(err)
    assert "closest found: 'Staff turnover rate'" in str(err)


def test_missing_column(tmp_path):
    i = COLUMNS.index("Vacancy rate")
    path = write_sfc(tmp_path / NAME, [r[:i] + r[i + 1:] for r in ROWS], columns=COLUMNS[:i] + COLUMNS[i + 1:])
    err = load_error(path)
    assert_where(err, path, None, "Vacancy rate")
    assert "expected column 'Vacancy rate' not found" in str(err)


def test_wrong_sheet_and_header_not_found(tmp_path):
    path = write_sfc(tmp_path / NAME, ROWS, sheet="LA data")
    err = load_error(path)
    assert Path(err.file).name == NAME and err.sheet is None
    assert "no sheet named 'LA level data'; sheets found: 'Notes', 'LA data'" in str(err)
    path = write_sfc(tmp_path / "other.xlsx", ROWS, columns=["Local authority", *COLUMNS[1:]])
    err = load_error(path)
    assert_where(err, path, None, None)
    assert "header row not found: no cell 'CSSR (LA area)'" in str(err)


def test_empty_and_missing_file(tmp_path):
    empty = tmp_path / NAME
    empty.write_bytes(b"")
    assert "the file is empty" in str(load_error(empty))
    with pytest.raises(InputError, match="file not found"):
        skills_for_care.load(tmp_path / "nothing.xlsx", tmp_path / "cache")
    path = write_sfc(tmp_path / "header_only.xlsx", [])
    assert "no data rows under the header (row 1)" in str(load_error(path))


@pytest.mark.parametrize("i, column, value, message", [
    (2, "Filled posts", "lots", "expected a number, found 'lots'"),
    (3, "Turnover rate", "high", "expected a number, found 'high'"),
    (4, "Filled posts", -5, "expected a value of at least 0, found '-5'"),
    (5, "Vacancy rate", "-2%", "expected a value of at least 0, found '-2'"),
    (6, "Vacancy rate", "140%", "expected a percentage from 0 to 100, found '140%'"),
    (1, "Median hourly pay", "£-1.00", "expected a value of at least 0"),
])
def test_bad_values_name_row_and_column(tmp_path, i, column, value, message):
    path = write_sfc(tmp_path / NAME, changed(i, column, value), preamble=2)
    err = load_error(path)
    assert_where(err, path, i + 4, column)
    assert message in str(err)


def test_duplicate_rows_name_both(tmp_path):
    path = write_sfc(tmp_path / NAME, [*ROWS, ROWS[2]])
    err = load_error(path)
    assert_where(err, path, len(ROWS) + 2, "CSSR (LA area) + Sector + Service + Job role")
    assert f"duplicate ID 'North East / All sectors / All services / {DC}' on rows 4, {len(ROWS) + 2}" in str(err)


def test_unknown_area_is_a_warning_not_an_error(tmp_path):
    rows = changed(6, "CSSR (LA area)", "Cumbria")
    table = skills_for_care.load(write_sfc(tmp_path / NAME, rows))
    unknown = table.data[table.data["la_name"] == "Cumbria"].iloc[0]
    assert pd.isna(unknown["la_code"]) and unknown["level"] == "LA" and unknown["turnover_rate_pct"] == 35.0
    assert len(table.log) == 1
    warning = table.log.warnings[0]
    assert (warning.sheet, warning.column, Path(warning.file).name) == (SHEET, "CSSR (LA area)", NAME)
    assert "area 'Cumbria' matches no council, region or England" in str(warning) and "row 8" in str(warning)


def test_area_code_names():
    assert skills_for_care.area_code("Yorkshire & the Humber") == ("E12000003", "Region")
    assert skills_for_care.area_code("East of England region") == ("E12000006", "Region")
    assert skills_for_care.area_code("City of London") == ("E09000001", "LA")
    assert skills_for_care.area_code("Stockton on Tees") == ("E06000004", "LA")
    assert skills_for_care.area_code("Atlantis") == (None, "LA")


# --- workforce summary ----------------------------------------------------------------------------

def summary_frame() -> pd.DataFrame:
    """A small tidy frame: England, North East and Redcar & Cleveland, direct care and care workers."""
    rows = [  # la_name, la_code, job_role, turnover, vacancy, pay, aged 55+
        ("England", "E92000001", DC, 25.0, 8.1, 12.40, 29.0), ("England", "E92000001", CW, 30.0, 9.0, 12.20, 27.0),
        ("North East", "E12000001", DC, 27.0, 7.5, 12.10, 31.0), ("North East", "E12000001", CW, 31.0, 8.0, 12.00, 30.0),
        ("Redcar & Cleveland", "E06000003", DC, 20.0, np.nan, 12.05, 33.0),
        ("Redcar & Cleveland", "E06000003", CW, 22.0, 5.5, 11.95, np.nan),
        ("Redcar & Cleveland", "E06000003", DC.upper(), 99.0, 99.0, 99.0, 99.0),  # another sector below
    ]
    frame = pd.DataFrame(rows, columns=["la_name", "la_code", "job_role", "turnover_rate_pct", "vacancy_rate_pct",
                                        "median_hourly_pay", "pct_aged_55_plus"])
    frame["sector"] = ["All sectors"] * 6 + ["Independent"]
    frame["service"] = "All services"
    for column in ["zero_hours_pct", "sickness_days_mean", "filled_posts", "pct_relevant_qualification"]:
        frame[column] = 1.0
    return frame


def test_workforce_summary_council_region_england_and_pay_vs_nlw():
    got = workforce_summary(summary_frame(), "E06000003", "E12000001", nlw=12.21)
    assert got["area"].tolist() == ["council", "region", "England"]
    assert got["area_code"].tolist() == ["E06000003", "E12000001", "E92000001"]
    assert got["area_name"].tolist() == ["Redcar & Cleveland", "North East", "England"]
    assert got["turnover_rate_pct"].tolist() == [20.0, 27.0, 25.0]            # direct care
    assert math.isnan(got["vacancy_rate_pct"].iloc[0]) and got["vacancy_rate_pct"].iloc[1:].tolist() == [7.5, 8.1]
    assert got["median_hourly_pay"].tolist() == [11.95, 12.00, 12.20]          # care workers
    assert got["pay_minus_nlw"].round(2).tolist() == [-0.26, -0.21, -0.01]
    assert got["pay_vs_nlw_pct"].round(3).tolist() == [round((11.95 / 12.21 - 1) * 100, 3),
                                                       round((12.00 / 12.21 - 1) * 100, 3),
                                                       round((12.20 / 12.21 - 1) * 100, 3)]


def test_workforce_summary_other_role_and_a_council_with_no_rows():
    got = workforce_summary(summary_frame(), "E08000019", "E12000001", nlw=12.0, job_role=CW.lower(), pay_role=DC)
    council = got.iloc[0]
    assert pd.isna(council["area_name"]) and council[skills_for_care.METRICS].isna().all()
    assert math.isnan(council["pay_minus_nlw"])
    assert got["turnover_rate_pct"].iloc[1:].tolist() == [31.0, 30.0]         # care workers, matched ignoring case
    assert got["pay_minus_nlw"].iloc[1:].round(2).tolist() == [0.10, 0.40]    # direct-care pay this time
