"""The CQC care directory loader on its real layout (as written by the demo generator) and on bad input."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from helpers.errors import InputError
from helpers.load import cqc_directory, reading

GOOD_ROW = {"Location ID": "1-101", "Location HSCA start date": "01/02/2015", "Dormant (Y/N)": "N",
            "Care home?": "Y", "Location Name": "Oak House", "Care homes beds": 30,
            "Location Inspection Directorate": "Adult social care",
            "Location Primary Inspection Category": "Residential social care",
            "Location Latest Overall Rating": "Good", "Publication Date": "13/03/2024",
            "Location Region": "Yorkshire and The Humber", "Location Local Authority": "Sheffield",
            "Provider ID": "1-201", "Provider Name": "Oak Care Ltd",
            "Service type - Care home service with nursing": "Y"}


def write_directory(path: Path, rows: list[dict], *, sheet: str = "HSCA_Active_Locations", preamble: int = 0,
                    columns: list[str] | None = None) -> Path:
    """A small directory file in the published layout (optionally with notice rows above the header)."""
    columns = columns or cqc_directory.PUBLISHED_COLUMNS
    wb = Workbook()
    wb.active.title = "README"
    wb.active.append(["Source: CQC database as at 01 October 2026"])
    ws = wb.create_sheet(sheet)
    for i in range(preamble):
        ws.append([f"Notice line {i + 1}"])
    ws.append(columns)
    for row in rows:
        ws.append([row.get(c, "") for c in columns])
    wb.save(path)
    return path


def test_demo_directory_round_trips_and_matches_an_independent_count(demo_dir):
    path = sorted((demo_dir / "cqc").glob("*2026_HSCA_Active_Locations.xlsx"))[0]
    table = cqc_directory.load(path)
    ws = load_workbook(path, read_only=True)["HSCA_Active_Locations"]
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[0])
    ids = [r[header.index("Location ID")] for r in rows[1:]]
    assert len(table.data) == len(ids) and set(table.data["location_id"]) == set(ids)
    assert table.vintage == "01 November 2026"
    assert table.synthetic is True
    assert len(table.log) == 0
    assert set(table.data["la_code"]) == {"E08000019", "E08000018"}


def test_find_files_orders_snapshots_by_vintage(demo_dir):
    names = [p.name[:16] for p in cqc_directory.find_files(demo_dir)]
    assert names == ["01_November_2024", "01_November_2025", "01_November_2026"]


def test_header_found_below_notice_rows_and_old_sheet_name(tmp_path):
    path = write_directory(tmp_path / "01_October_2026_HSCA_Active_Locations.xlsx", [GOOD_ROW],
                           sheet="HSCA Active Locations", preamble=7)
    data = cqc_directory.load(path).data
    row = data.iloc[0]
    assert (row["location_id"], row["beds"], row["la_code"], row["_row"]) == ("1-101", 30, "E08000019", 9)
    assert row["svc_care_home_nursing"] and row["care_home"] and not row["dormant"]
    assert row["rating_date"] == pd.Timestamp("2024-03-13")


def test_renamed_column_names_expected_and_closest(tmp_path):
    cols = [("Care home bed count" if c == "Care homes beds" else c) for c in cqc_directory.PUBLISHED_COLUMNS]
    path = write_directory(tmp_path / "x_HSCA_Active_Locations.xlsx", [GOOD_ROW], columns=cols)
    with pytest.raises(InputError) as err:
        cqc_directory.load(path)
    msg = str(err.value)
    assert "x_HSCA_Active_Locations.xlsx" in msg and "sheet 'HSCA_Active_Locations'" in msg
    assert "expected column 'Care homes beds'" in msg and "'Care home bed count'" in msg


def test_wrong_sheet_lists_the_sheets_found(tmp_path):
    path = write_directory(tmp_path / "x_HSCA_Active_Locations.xlsx", [GOOD_ROW], sheet="Data")
    with pytest.raises(InputError, match=r"no sheet named 'HSCA_Active_Locations' or 'HSCA Active Locations'; sheets found: 'README', 'Data'"):
        cqc_directory.load(path)


def test_non_numeric_beds_names_row_and_column(tmp_path):
    path = write_directory(tmp_path / "x_HSCA_Active_Locations.xlsx", [GOOD_ROW, {**GOOD_ROW, "Location ID": "1-102", "Care homes beds": "thirty"}])
    with pytest.raises(InputError, match=r"row 3, column 'Care homes beds': expected a number, found 'thirty'"):
        cqc_directory.load(path)


def test_negative_beds_is_an_error(tmp_path):
    path = write_directory(tmp_path / "x_HSCA_Active_Locations.xlsx", [{**GOOD_ROW, "Care homes beds": -4}])
    with pytest.raises(InputError, match=r"row 2, column 'Care homes beds': expected a value of at least 0"):
        cqc_directory.load(path)


def test_duplicate_location_ids_name_both_rows(tmp_path):
    path = write_directory(tmp_path / "x_HSCA_Active_Locations.xlsx", [GOOD_ROW, GOOD_ROW])
    with pytest.raises(InputError, match=r"duplicate ID '1-101' on rows 2, 3"):
        cqc_directory.load(path)


def test_date_out_of_range_and_malformed_id(tmp_path):
    path = write_directory(tmp_path / "a_HSCA_Active_Locations.xlsx", [{**GOOD_ROW, "Publication Date": "13/03/1824"}])
    with pytest.raises(InputError, match=r"column 'Publication Date': date 1824-03-13 is outside"):
        cqc_directory.load(path)
    path = write_directory(tmp_path / "b_HSCA_Active_Locations.xlsx", [{**GOOD_ROW, "Location ID": "RX1"}])
    with pytest.raises(InputError, match=r"row 2, column 'Location ID': expected a CQC location ID"):
        cqc_directory.load(path)


def test_unknown_local_authority_is_a_warning_not_an_error(tmp_path):
    path = write_directory(tmp_path / "x_HSCA_Active_Locations.xlsx",
                           [GOOD_ROW, {**GOOD_ROW, "Location ID": "1-102", "Location Local Authority": "Unspecified"}])
    table = cqc_directory.load(path)
    assert table.data["la_code"].isna().sum() == 1
    assert "local authority 'Unspecified' match no council" in str(table.log.warnings[0])


def test_empty_file_and_missing_folder(tmp_path):
    empty = tmp_path / "01_October_2026_HSCA_Active_Locations.csv"
    empty.write_text("")
    with pytest.raises(InputError, match="the file is empty"):
        cqc_directory.load(empty)
    with pytest.raises(InputError, match="no CQC care directory found"):
        cqc_directory.load_latest(tmp_path / "nothing-here")


def test_cache_is_reused_and_keyed_on_content(tmp_path):
    path = write_directory(tmp_path / "x_HSCA_Active_Locations.xlsx", [GOOD_ROW])
    cache = tmp_path / "cache"
    first = cqc_directory.load(path, cache).data
    assert len(list(cache.glob("cqc_directory-*.parquet"))) == 1
    pd.testing.assert_frame_equal(cqc_directory.load(path, cache).data, first)
    write_directory(path, [{**GOOD_ROW, "Care homes beds": 31}])
    assert cqc_directory.load(path, cache).data["beds"].iloc[0] == 31
    assert len(list(cache.glob("cqc_directory-*.parquet"))) == 2


def test_vintage_is_read_once_per_version_of_the_file(tmp_path, monkeypatch):
    path = write_directory(tmp_path / "01_November_2026_HSCA_Active_Locations.xlsx", [GOOD_ROW])
    reads: list[str] = []
    real = cqc_directory.sheet_lines
    monkeypatch.setattr(cqc_directory, "sheet_lines", lambda *a: reads.append(str(a[0])) or real(*a))
    monkeypatch.setattr(reading, "SETTLED_NS", -10**18)  # its hash remembered at once, as at rest
    assert cqc_directory.vintage_of(path) == cqc_directory.vintage_of(path) == pd.Timestamp("2026-10-01")
    assert len(reads) == 1
    wb = load_workbook(path)
    wb["README"]["A1"] = "Source: CQC database as at 02 October 2026"
    wb.save(path)  # a new version: read again
    assert cqc_directory.vintage_of(path) == pd.Timestamp("2026-10-02") and len(reads) == 2
    with pytest.raises(InputError, match="cannot tell the directory's vintage"):
        cqc_directory.vintage_of(tmp_path / "gone.xlsx")
