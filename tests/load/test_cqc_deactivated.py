"""The CQC deactivated-locations loader on its published layout and on bad input, and the entries/exits helpers."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from helpers.errors import InputError
from helpers.load import cqc_deactivated
from helpers.load.cqc_deactivated import entries_by_year, exits_by_year

NAME = "01_October_2026_Deactivated_Locations.xlsx"
SHEET = "Deactivated_Locations"
BEDS = "Care homes beds at point location de-activated"
GOOD_ROW = {"Location ID": "1-101", "Location Name": "Oak House", "Location Status": "Deactivated",
            "Location HSCA start date": "01/02/2015", "Location HSCA End Date": "31/03/2024", "Care home?": "Y",
            BEDS: 30, "Location Type/Sector": "Social Care Org",
            "Location Primary Inspection Category": "Residential social care",
            "Location Inspection Directorate": "Adult social care", "Location Region": "North East",
            "Location Local Authority": "Redcar & Cleveland", "Location Latest Overall Rating": "Good",
            "Publication Date": "13/03/2023", "Brand ID": "-", "Brand Name": "-", "Provider ID": "1-201",
            "Provider Name": "Oak Care Ltd"}


def row(changes: dict) -> dict:
    """GOOD_ROW with some published columns changed."""
    return {**GOOD_ROW, **changes}


def write_deactivated(path: Path, rows: list[dict], *, sheet: str = SHEET, preamble: int = 0,
                      columns: list[str] | None = None, readme: str = "Source: CQC database as at 01 October 2026"
                      ) -> Path:
    """A small deactivated-locations file in the published layout (README sheet, optional notice rows)."""
    columns = columns or cqc_deactivated.PUBLISHED_COLUMNS
    wb = Workbook()
    wb.active.title = "README"
    wb.active.append(["Deactivated locations"])
    wb.active.append([readme])
    ws = wb.create_sheet(sheet)
    for i in range(preamble):
        ws.append([f"Notice line {i + 1}"])
    ws.append(columns)
    for r in rows:
        ws.append([r.get(c, "") for c in columns])
    wb.save(path)
    return path


def load_error(path: Path) -> InputError:
    """The InputError that loading path raises."""
    with pytest.raises(InputError) as err:
        cqc_deactivated.load(path)
    return err.value


def assert_where(err: InputError, path: Path, row: int | None, column: str | None) -> None:
    """The error names the file, the sheet, the row and the column."""
    assert (Path(err.file).name, err.sheet, err.row, err.column) == (path.name, SHEET, row, column)
    assert path.name in str(err) and f"sheet '{SHEET}'" in str(err)


# --- the published layout ------------------------------------------------------------------------

def test_tidy_values_below_notice_rows_with_council_names_mapped(tmp_path):
    rows = [GOOD_ROW,
            row({"Location ID": "1-102", "Location Local Authority": "Bristol", "Care home?": "N", BEDS: 0,
                   "Location HSCA End Date": "15/07/2025", "Location Latest Overall Rating": "Not Rated"}),
            row({"Location ID": "RX1AB", "Location Local Authority": "Durham", BEDS: "",
                   "Location Inspection Directorate": "Hospitals"})]
    path = write_deactivated(tmp_path / NAME, rows, preamble=3)
    table = cqc_deactivated.load(path)
    data = table.data.set_index("location_id")
    assert table.vintage == "01 October 2026" and table.synthetic is False and len(table.log) == 0
    assert data["la_code"].to_dict() == {"1-101": "E06000003", "1-102": "E06000023", "RX1AB": "E06000047"}
    assert data["_row"].tolist() == [5, 6, 7]
    oak = data.loc["1-101"]
    assert (oak["start_date"], oak["end_date"]) == (pd.Timestamp("2015-02-01"), pd.Timestamp("2024-03-31"))
    assert data["care_home"].dtype == bool and oak["care_home"]
    assert (oak["beds"], oak["overall_rating"], oak["status"], oak["provider_id"]) == (30, "Good", "Deactivated", "1-201")
    assert not data.loc["1-102", "care_home"] and data.loc["1-102", "overall_rating"] == "Not yet rated"
    assert data.loc["RX1AB", "beds"] == 0 and data["beds"].dtype == "int64"


def test_ods_with_real_dates_and_vintage_from_file_name(tmp_path):
    path = tmp_path / "01_September_2026_Deactivated_Locations.ods"
    header = cqc_deactivated.PUBLISHED_COLUMNS
    body = [[{**GOOD_ROW, "Location HSCA End Date": pd.Timestamp("2024-03-31")}.get(c, "") for c in header]]
    with pd.ExcelWriter(path, engine="odf") as writer:
        pd.DataFrame([["Deactivated locations"], [""]]).to_excel(writer, sheet_name="Contents", header=False, index=False)
        pd.DataFrame([header, *body]).to_excel(writer, sheet_name=SHEET, header=False, index=False)
    table = cqc_deactivated.load(path)
    assert table.vintage == "01 September 2026"
    assert table.data.loc[0, "end_date"] == pd.Timestamp("2024-03-31") and table.data.loc[0, "beds"] == 30


def test_synthetic_readme_and_load_latest_picks_the_newest(tmp_path):
    write_deactivated(tmp_path / "01_September_2026_Deactivated_Locations.xlsx", [GOOD_ROW],
                      readme="Source: CQC database as at 01 September 2026")
    write_deactivated(tmp_path / NAME, [GOOD_ROW, row({"Location ID": "1-102"})],
                      readme="Synthetic demo data. Source: CQC database as at 01 October 2026")
    latest = cqc_deactivated.load_latest(tmp_path)
    assert (latest.file.name, latest.synthetic, len(latest.data)) == (NAME, True, 2)
    with pytest.raises(InputError, match="no CQC deactivated locations file found"):
        cqc_deactivated.load_latest(tmp_path / "nothing-here")


def test_cache_is_reused_and_keyed_on_content(tmp_path):
    path = write_deactivated(tmp_path / NAME, [GOOD_ROW])
    cache = tmp_path / "cache"
    first = cqc_deactivated.load(path, cache)
    pd.testing.assert_frame_equal(cqc_deactivated.load(path, cache).data, first.data)
    assert first.vintage == "01 October 2026"
    assert len(list(cache.glob("cqc_deactivated-v*.parquet"))) == 1
    write_deactivated(path, [row({BEDS: 31})])
    assert cqc_deactivated.load(path, cache).data["beds"].iloc[0] == 31
    assert len(list(cache.glob("cqc_deactivated-v*.parquet"))) == 2


# --- bad input ---------------------------------------------------------------------------------

def test_renamed_column_names_expected_and_closest(tmp_path):
    cols = [("Care home beds at de-activation" if c == BEDS else c) for c in cqc_deactivated.PUBLISHED_COLUMNS]
    path = write_deactivated(tmp_path / NAME, [GOOD_ROW], columns=cols)
    err = load_error(path)
    assert_where(err, path, None, BEDS)
    assert f"expected column '{BEDS}' not found in the header (row 1)" in str(err)
    assert "closest found: 'Care home beds at de-activation'" in str(err)


def test_missing_column(tmp_path):
    cols = [c for c in cqc_deactivated.PUBLISHED_COLUMNS if c != "Location HSCA End Date"]
    path = write_deactivated(tmp_path / NAME, [GOOD_ROW], columns=cols, preamble=2)
    err = load_error(path)
    assert_where(err, path, None, "Location HSCA End Date")
    assert "expected column 'Location HSCA End Date' not found in the header (row 3)" in str(err)


def test_optional_column_may_be_missing(tmp_path):
    cols = [c for c in cqc_deactivated.PUBLISHED_COLUMNS if c not in {"Location Status", "Brand ID", "Publication Date"}]
    data = cqc_deactivated.load(write_deactivated(tmp_path / NAME, [GOOD_ROW], columns=cols)).data
    assert data.loc[0, "status"] == "" and pd.isna(data.loc[0, "rating_date"])


def test_wrong_or_missing_sheet_lists_the_sheets_found(tmp_path):
    path = write_deactivated(tmp_path / NAME, [GOOD_ROW], sheet="Data")
    err = load_error(path)
    assert Path(err.file).name == NAME and err.sheet is None
    assert "no sheet named 'Deactivated_Locations' or 'Deactivated Locations'; sheets found: 'README', 'Data'" in str(err)


def test_empty_file_missing_file_and_header_without_rows(tmp_path):
    empty = tmp_path / NAME
    empty.write_bytes(b"")
    assert "the file is empty" in str(load_error(empty))
    assert "file not found" in str(load_error(tmp_path / "01_May_2026_Deactivated_Locations.xlsx"))
    with pytest.raises(InputError, match="file not found"):
        cqc_deactivated.load(tmp_path / "01_May_2026_Deactivated_Locations.xlsx", tmp_path / "cache")
    path = write_deactivated(tmp_path / "01_June_2026_Deactivated_Locations.xlsx", [])
    err = load_error(path)
    assert_where(err, path, None, None)
    assert "no data rows under the header (row 1)" in str(err)


def test_non_numeric_beds(tmp_path):
    path = write_deactivated(tmp_path / NAME, [GOOD_ROW, row({"Location ID": "1-102", BEDS: "thirty"})])
    err = load_error(path)
    assert_where(err, path, 3, BEDS)
    assert "expected a number, found 'thirty'" in str(err)


def test_negative_beds(tmp_path):
    path = write_deactivated(tmp_path / NAME, [row({BEDS: -4})], preamble=1)
    err = load_error(path)
    assert_where(err, path, 3, BEDS)
    assert "expected a value of at least 0, found '-4'" in str(err)


def test_duplicate_ids_name_both_rows(tmp_path):
    path = write_deactivated(tmp_path / NAME, [GOOD_ROW, row({"Location ID": "1-102"}), GOOD_ROW])
    err = load_error(path)
    assert_where(err, path, 4, "Location ID")
    assert "duplicate ID '1-101' on rows 2, 4" in str(err)


def test_malformed_id(tmp_path):
    path = write_deactivated(tmp_path / NAME, [row({"Location ID": "location 7"})])
    err = load_error(path)
    assert_where(err, path, 2, "Location ID")
    assert "expected a CQC location ID like '1-123456789'" in str(err)


def test_unknown_local_authority_is_a_warning_not_an_error(tmp_path):
    rows = [GOOD_ROW, row({"Location ID": "1-102", "Location Local Authority": "Unspecified"}),
            row({"Location ID": "1-103", "Location Local Authority": "Unspecified"})]
    table = cqc_deactivated.load(write_deactivated(tmp_path / NAME, rows))
    assert table.data["la_code"].isna().sum() == 2 and len(table.log) == 1
    warning = table.log.warnings[0]
    assert warning.column == "Location Local Authority" and warning.file.endswith(NAME)
    assert "2 location(s) with local authority 'Unspecified' match no council" in str(warning)
    assert "first at row 3" in str(warning)


@pytest.mark.parametrize("column, value, message", [
    ("Location HSCA End Date", "31/03/1824", "date 1824-03-31 is outside the expected range 1990-01-01 to 2026-10-01"),
    ("Location HSCA End Date", "02/10/2026", "date 2026-10-02 is outside the expected range 1990-01-01 to 2026-10-01"),
    ("Location HSCA start date", "01/02/2215", "date 2215-02-01 is outside the expected range"),
    ("Location HSCA End Date", "31/02/2024", "expected a date (DD/MM/YYYY), found '31/02/2024'"),
    ("Location HSCA End Date", "", "no end date: every deactivated location must have one"),
])
def test_bad_dates(tmp_path, column, value, message):
    path = write_deactivated(tmp_path / NAME, [GOOD_ROW, row({"Location ID": "1-102", column: value})])
    err = load_error(path)
    assert_where(err, path, 3, column)
    assert message in str(err)


def test_end_date_before_start_date(tmp_path):
    bad = row({"Location ID": "1-102", "Location HSCA start date": "01/06/2020", "Location HSCA End Date": "31/05/2020"})
    path = write_deactivated(tmp_path / NAME, [GOOD_ROW, bad], preamble=2)
    err = load_error(path)
    assert_where(err, path, 5, "Location HSCA End Date")
    assert "end date 2020-05-31 is before the start date 2020-06-01 ('Location HSCA start date')" in str(err)


@pytest.mark.parametrize("name", ["Deactivated_Locations.xlsx", "01_Sept_2026_Deactivated_Locations.xlsx"])
def test_no_vintage_anywhere(tmp_path, name):
    path = write_deactivated(tmp_path / name, [GOOD_ROW], readme="Deactivated locations")
    with pytest.raises(InputError, match="cannot tell the file's vintage"):
        cqc_deactivated.load(path)


# --- entries and exits by year --------------------------------------------------------------------

SHEFFIELD, ROTHERHAM = "E08000019", "E08000018"


def deactivated(*rows: tuple) -> pd.DataFrame:
    """A tidy deactivated frame from (la_code, care_home, beds, start, end, directorate) tuples."""
    cols = ["la_code", "care_home", "beds", "start_date", "end_date", "directorate"]
    frame = pd.DataFrame(list(rows), columns=cols)
    return frame.astype({"start_date": "datetime64[ns]", "end_date": "datetime64[ns]"})


EXITS = deactivated(
    (SHEFFIELD, True, 30, "2015-01-01", "2022-03-01", "Adult social care"),
    (SHEFFIELD, True, 12, "2016-01-01", "2022-11-30", "Adult social care"),
    (SHEFFIELD, False, 0, "2017-01-01", "2022-05-05", "Adult social care"),
    (SHEFFIELD, True, 40, "2018-01-01", "2024-01-10", "Adult social care"),
    (SHEFFIELD, False, 0, "2019-01-01", "2024-02-02", "Hospitals"),       # not adult social care
    (ROTHERHAM, True, 25, "2012-01-01", "2023-06-01", "Adult social care"),  # another council
)


def expected(rows: list[tuple]) -> pd.DataFrame:
    """A by-year frame from (year, setting, locations, beds) tuples."""
    return pd.DataFrame(rows, columns=["year", "setting", "locations", "beds"]).astype(
        {"year": "int64", "locations": "int64", "beds": "int64"})


def test_exits_by_year_counts_by_end_date_zero_fills_the_gap():
    got = exits_by_year(EXITS, SHEFFIELD)
    want = expected([(2022, "care_home", 2, 42), (2022, "other", 1, 0), (2023, "care_home", 0, 0),
                     (2023, "other", 0, 0), (2024, "care_home", 1, 40), (2024, "other", 0, 0)])
    pd.testing.assert_frame_equal(got, want)


def test_exits_all_directorates_and_fixed_years():
    got = exits_by_year(EXITS, SHEFFIELD, directorate=None, years=[2024, 2025])
    want = expected([(2024, "care_home", 1, 40), (2024, "other", 1, 0), (2025, "care_home", 0, 0),
                     (2025, "other", 0, 0)])
    pd.testing.assert_frame_equal(got, want)


def test_a_council_with_no_exits():
    got = exits_by_year(EXITS, "E06000001")
    assert got.empty and list(got.columns) == ["year", "setting", "locations", "beds"]
    got = exits_by_year(EXITS.iloc[0:0], SHEFFIELD, years=[2024])
    pd.testing.assert_frame_equal(got, expected([(2024, "care_home", 0, 0), (2024, "other", 0, 0)]))


def test_entries_by_year_from_the_directory_and_closed_locations():
    locations = pd.DataFrame({
        "la_code": [SHEFFIELD, SHEFFIELD, SHEFFIELD, ROTHERHAM],
        "care_home": [True, False, True, True], "beds": [20, 0, 35, 50],
        "registration_date": pd.to_datetime(["2018-04-01", "2018-09-09", "2020-01-15", "2018-01-01"]),
        "directorate": ["Adult social care"] * 4, "dormant": [False, False, True, False]})
    got = entries_by_year(locations, SHEFFIELD)
    want = expected([(2018, "care_home", 1, 20), (2018, "other", 1, 0), (2019, "care_home", 0, 0),
                     (2019, "other", 0, 0), (2020, "care_home", 1, 35), (2020, "other", 0, 0)])
    pd.testing.assert_frame_equal(got, want)
    # With the locations that opened and have since closed (EXITS: started 2015–2018 in Sheffield).
    got = entries_by_year(locations, SHEFFIELD, deactivated=EXITS, years=range(2015, 2019))
    want = expected([(2015, "care_home", 1, 30), (2015, "other", 0, 0), (2016, "care_home", 1, 12),
                     (2016, "other", 0, 0), (2017, "care_home", 0, 0), (2017, "other", 1, 0),
                     (2018, "care_home", 2, 60), (2018, "other", 1, 0)])
    pd.testing.assert_frame_equal(got, want)


def test_net_change_lines_up_entries_and_exits():
    locations = pd.DataFrame({"la_code": [SHEFFIELD], "care_home": [True], "beds": [20],
                              "registration_date": pd.to_datetime(["2022-06-01"]), "directorate": ["Adult social care"]})
    years = range(2022, 2025)
    net = (entries_by_year(locations, SHEFFIELD, years=years).set_index(["year", "setting"])
           - exits_by_year(EXITS, SHEFFIELD, years=years).set_index(["year", "setting"]))
    assert net.loc[(2022, "care_home")].tolist() == [-1, -22]
