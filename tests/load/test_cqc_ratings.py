"""CQC latest ratings loader: the real Lincolnshire extract, the DD/MM and MM/DD date forms, bad inputs,
and the pure location-level helpers."""
from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from helpers.errors import InputError
from helpers.load import cqc_ratings
from helpers.load.cqc_ratings import key_questions, load

HEADER = ["Location ID", "Location ODS Code", "Location Name", "Care Home?", "Location Type",
          "Location Primary Inspection Category", "Location Street Address", "Location Address Line 2",
          "Location City", "Location Post Code", "Location Local Authority", "Location Region",
          "Location NHS Region", "Location ONSPD CCG Code", "Location ONSPD CCG",
          "Location Commissioning CCG Code", "Location Commissioning CCG Name", "Service / Population Group",
          "Domain", "Latest Rating", "Publication Date", "Report Type", "Inherited Rating (Y/N)", "URL",
          "Provider ID", "Provider Name", "Brand ID", "Brand Name"]


@pytest.fixture(scope="module")
def real(realdata: Path) -> Path:
    """The real Lincolnshire extract of the latest ratings (a CSV under its own name)."""
    return realdata / "cqc_ratings" / "cqc_lincolnshire_prefiltered.csv"


def real_rows(path: Path) -> list[dict[str, str]]:
    """The real extract read with the csv module (independently of the loader)."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def row(**overrides: str) -> dict[str, str]:
    """One plausible published row; keyword names use _ for spaces (e.g. Latest_Rating)."""
    base = {name: "" for name in HEADER}
    base.update({"Location ID": "1-101", "Location Name": "Ash House", "Care Home?": "Y",
                 "Location Primary Inspection Category": "Residential social care",
                 "Location Local Authority": "Sheffield", "Location Region": "Yorkshire and The Humber",
                 "Service / Population Group": "Overall", "Domain": "Overall", "Latest Rating": "Good",
                 "Publication Date": "25/12/2024", "Provider ID": "1-900", "Provider Name": "Ash Care Ltd",
                 "Brand Name": "-"})
    base.update({k.replace("_", " "): v for k, v in overrides.items()})
    return base


def write_csv(path: Path, rows: list[dict[str, str]], header: list[str] = HEADER, above: int = 0) -> Path:
    """Write rows under the header, with `above` notice lines before it."""
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        for i in range(above):
            w.writerow([f"Notice line {i + 1}"])
        w.writerow(header)
        for r in rows:
            w.writerow([r.get(h, "") for h in header])
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """Write an xlsx with the given sheets (list of rows each)."""
    from openpyxl import Workbook
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def error_of(path: Path) -> InputError:
    """Load and return the InputError raised."""
    with pytest.raises(InputError) as info:
        load(path)
    return info.value


# --- the real Lincolnshire extract -------------------------------------------------------------

def test_real_extract_has_every_location_and_row(real: Path) -> None:
    rows = real_rows(real)
    data = load(real).data
    assert len(data) == len(rows) == 4159
    assert data["location_id"].nunique() == len({r["Location ID"] for r in rows}) == 478


def test_real_rating_counts_match_the_file(real: Path) -> None:
    rows = real_rows(real)
    data = load(real).data
    for rating in ["Requires improvement", "Inadequate", "Regulations met"]:
        assert (data["rating"] == rating).sum() == sum(r["Latest Rating"] == rating for r in rows)
    assert (data["rating"] == "Requires improvement").sum() == 461


def test_real_month_first_dates_parse_to_the_right_day(real: Path) -> None:
    rows = real_rows(real)
    i = next(i for i, r in enumerate(rows) if r["Publication Date"] == "07/03/2018")
    data = load(real).data.set_index("_row")
    # spreadsheet row = index in the data rows + 2 (header is row 1)
    assert data.loc[i + 2, "publication_date"] == pd.Timestamp(2018, 7, 3)
    assert data.loc[2, "publication_date"] == pd.Timestamp(datetime.strptime(rows[0]["Publication Date"], "%m/%d/%Y"))
    blank = sum(r["Publication Date"] == "" for r in rows)
    assert data["publication_date"].isna().sum() == blank == 60


def test_real_extract_maps_council_keeps_nhs_sites_and_states_vintage(real: Path) -> None:
    table = load(real)
    assert set(table.data["la_code"]) == {"E10000019"}
    assert len(table.log) == 0
    assert "RWDDA" in set(table.data["location_id"])
    assert table.vintage == "ratings published to 29 May 2026"


def test_real_location_level_ratings_match_the_file(real: Path) -> None:
    rows = real_rows(real)
    data = load(real).data
    overall = data[(data["service_group"] == "Overall") & (data["domain"] == "Overall")]
    expected = sum(r["Latest Rating"] == "Good" and r["Service / Population Group"] == "Overall"
                   and r["Domain"] == "Overall" for r in rows)
    assert (overall["rating"] == "Good").sum() == expected == 344
    assert key_questions(data).shape == (478, 6)


def test_real_extract_is_cached_as_parquet(tmp_path: Path, real: Path) -> None:
    first = load(real, cache_dir=tmp_path).data
    assert len(list(tmp_path.glob("cqc_ratings-*.parquet"))) == 1
    second = load(real, cache_dir=tmp_path).data
    pd.testing.assert_frame_equal(first, second, check_dtype=False)


# --- published forms ---------------------------------------------------------------------------

def test_day_first_dates(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "ratings.csv", [row(Domain="Overall", Publication_Date="25/12/2024"),
                                                row(Domain="Safe", Publication_Date="03/01/2021")])
    dates = load(path).data["publication_date"].tolist()
    assert dates == [pd.Timestamp(2024, 12, 25), pd.Timestamp(2021, 1, 3)]


def test_ods_style_workbook_with_real_dates_and_shifted_header(tmp_path: Path) -> None:
    body = [[row()[h] for h in HEADER], [row(Domain="Caring", Latest_Rating="Outstanding")[h] for h in HEADER]]
    for r in body:
        r[HEADER.index("Publication Date")] = datetime(2025, 2, 3)
    sheets = {"Providers": [["Provider ID"], ["1-900"]],
              "Locations": [["CQC ratings"], ["Notice: data as at 1 March 2025"], [], HEADER, *body]}
    path = write_xlsx(tmp_path / "01_March_2025_Latest_ratings.xlsx", sheets)
    table = load(path)
    assert table.data["_row"].tolist() == [5, 6]
    assert table.data["publication_date"].tolist() == [pd.Timestamp(2025, 2, 3)] * 2
    assert table.data["la_code"].tolist() == ["E08000019"] * 2
    assert table.vintage == "01 March 2025"


def test_rating_and_domain_spelling_is_normalised(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [row(Domain="well-led", Latest_Rating="Requires Improvement")])
    data = load(path).data
    assert (data.at[0, "domain"], data.at[0, "rating"]) == ("Well-led", "Requires improvement")


def test_unknown_local_authority_is_a_warning(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [row(Location_Local_Authority="Atlantis")])
    table = load(path)
    assert table.data["la_code"].isna().all()
    assert "Atlantis" in str(table.log.warnings[0])


# --- bad inputs --------------------------------------------------------------------------------

def test_renamed_column_names_expected_and_closest(tmp_path: Path) -> None:
    header = [("Latest Ratings" if h == "Latest Rating" else h) for h in HEADER]
    rows = [{("Latest Ratings" if k == "Latest Rating" else k): v for k, v in row().items()}]
    err = error_of(write_csv(tmp_path / "renamed.csv", rows, header))
    assert "renamed.csv" in str(err)
    assert "expected column 'Latest Rating'" in err.message and "'Latest Ratings'" in err.message


def test_missing_column(tmp_path: Path) -> None:
    err = error_of(write_csv(tmp_path / "r.csv", [row()], [h for h in HEADER if h != "Domain"]))
    assert "expected column 'Domain'" in err.message


def test_wrong_sheet_lists_sheets_found(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "ratings.xlsx", {"Providers": [["Provider ID"], ["1-900"]]})
    err = error_of(path)
    assert "'Locations'" in err.message and "'Providers'" in err.message


def test_header_shifted_down_still_loads(tmp_path: Path) -> None:
    data = load(write_csv(tmp_path / "r.csv", [row()], above=4)).data
    assert data["_row"].tolist() == [6]
    assert data.at[0, "rating"] == "Good"


def test_empty_file_and_header_only(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert "empty" in error_of(empty).message
    assert "no data rows" in error_of(write_csv(tmp_path / "header.csv", [])).message


def test_unknown_rating_names_row_column_and_allowed_values(tmp_path: Path) -> None:
    err = error_of(write_csv(tmp_path / "r.csv", [row(), row(Domain="Safe", Latest_Rating="Very good")]))
    assert (err.row, err.column) == (3, "Latest Rating")
    assert "'Very good'" in err.message and "'Requires improvement'" in err.message


def test_unknown_domain(tmp_path: Path) -> None:
    err = error_of(write_csv(tmp_path / "r.csv", [row(Domain="Kind")]))
    assert (err.row, err.column) == (2, "Domain")
    assert "'Kind'" in err.message and "'Well-led'" in err.message


def test_bad_location_id(tmp_path: Path) -> None:
    err = error_of(write_csv(tmp_path / "r.csv", [row(Location_ID="12345")]))
    assert (err.row, err.column) == (2, "Location ID") and "'12345'" in err.message


def test_duplicate_location_group_domain(tmp_path: Path) -> None:
    err = error_of(write_csv(tmp_path / "dup.csv", [row(), row(Domain="Safe"), row()]))
    assert "dup.csv" in str(err) and err.row == 4
    assert "1-101 / Overall / Overall" in err.message and "rows 2, 4" in err.message


def test_date_out_of_range(tmp_path: Path) -> None:
    err = error_of(write_csv(tmp_path / "r.csv", [row(Publication_Date="01/01/2099")]))
    assert (err.row, err.column) == (2, "Publication Date") and "outside the expected range" in err.message


def test_unparseable_date(tmp_path: Path) -> None:
    err = error_of(write_csv(tmp_path / "r.csv", [row(Publication_Date="soon")]))
    assert err.column == "Publication Date" and "'soon'" in err.message


def test_bad_care_home_flag(tmp_path: Path) -> None:
    err = error_of(write_csv(tmp_path / "r.csv", [row(), row(Domain="Safe", **{"Care Home?": "Maybe"})]))
    assert (err.row, err.column) == (3, "Care Home?")


# --- pure helpers ------------------------------------------------------------------------------

def ratings_frame() -> pd.DataFrame:
    """Two locations: A rated at location level and per service, B without a location-level Overall."""
    rows = [("1-1", "Overall", "Overall", "Good", "2024-01-05"),
            ("1-1", "Overall", "Safe", "Requires improvement", "2024-01-05"),
            ("1-1", "Overall", "Caring", "Outstanding", "2024-01-05"),
            ("1-1", "Care Homes", "Overall", "Inadequate", "2023-06-01"),
            ("1-1", "Care Homes", "Safe", "Inadequate", "2023-06-01"),
            ("1-2", "Homecare", "Overall", "Good", "2022-02-02"),
            ("1-2", "Overall", "Safe", "Good", "2022-02-02")]
    frame = pd.DataFrame(rows, columns=["location_id", "service_group", "domain", "rating", "publication_date"])
    frame["publication_date"] = pd.to_datetime(frame["publication_date"])
    frame["location_name"] = frame["location_id"].map({"1-1": "Ash House", "1-2": "Birch Care"})
    return frame


def test_key_questions_wide_table() -> None:
    out = key_questions(ratings_frame()).set_index("location_id")
    assert list(out.columns) == ["Safe", "Effective", "Caring", "Responsive", "Well-led"]
    assert out.at["1-1", "Safe"] == "Requires improvement"
    assert out.at["1-1", "Caring"] == "Outstanding"
    assert pd.isna(out.at["1-1", "Effective"])
    assert out.at["1-2", "Safe"] == "Good" and pd.isna(out.at["1-2", "Caring"])


def test_mapping_table_covers_the_published_layout() -> None:
    published = {p for c in cqc_ratings.COLUMNS for p in c.published[:1]}
    assert published <= set(HEADER)
