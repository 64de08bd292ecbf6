"""ASCOF time-series loader: real values read independently from the published ODS, and bad inputs."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from helpers.councils import councils
from helpers.errors import InputError
from helpers.load.ascof import load_table, provider_ratings, staff_turnover

LATEST = "2024 to 2025"


@pytest.fixture(scope="module")
def real(realdata: Path) -> Path:
    """The published ASCOF time-series ODS."""
    return realdata / "ascof" / "ascof_2024_25.ods"


def raw_sheet(path: Path, sheet: str) -> tuple[int, list[str], list[list[object]]]:
    """Read a sheet with calamine directly: (1-based header row, header, rows below it)."""
    from python_calamine import CalamineWorkbook
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    h = next(i for i, r in enumerate(rows) if "Local authority code" in [str(c).strip() for c in r])
    return h + 1, [str(c).strip() for c in rows[h]], rows[h + 1:]


def raw_cell(path: Path, sheet: str, first: str, column: str) -> object:
    """The raw cell of the row whose 'Local authority code' or name is `first`, in `column`."""
    _, header, rows = raw_sheet(path, sheet)
    r = next(r for r in rows if first in (str(r[0]), str(r[1])))
    return r[header.index(column)]


def pick(data: pd.DataFrame, name: str, period: str, quantity: str) -> pd.Series:
    """The single loaded row for an area name, period and quantity."""
    hit = data[(data["la_name"] == name) & (data["period"] == period) & (data["quantity"] == quantity)]
    assert len(hit) == 1
    return hit.iloc[0]


# --- the real ODS ------------------------------------------------------------------------------

def test_real_6a_england_latest_year(real: Path) -> None:
    data = staff_turnover(real).data
    expected = raw_cell(real, "Table_6a", "England", f"{LATEST} - outcome")
    got = pick(data, "England", LATEST, "outcome")
    assert got["value"] == pytest.approx(float(expected)) == pytest.approx(23.7)
    assert (got["level"], got["ons_code"], got["measure"]) == ("England", "E92000001", "Table_6a")


def test_real_6b_england_latest_year(real: Path) -> None:
    data = provider_ratings(real).data
    for quantity in ["6b numerator", "6b denominator", "6b outcome", "outstanding numerator"]:
        expected = raw_cell(real, "Table_6b", "England", f"{LATEST} - {quantity}")
        assert pick(data, "England", LATEST, quantity)["value"] == pytest.approx(float(expected))


def test_real_council_value_and_vintage(real: Path) -> None:
    table = staff_turnover(real)
    expected = raw_cell(real, "Table_6a", "Lincolnshire", f"{LATEST} - outcome")
    got = pick(table.data, "Lincolnshire", LATEST, "outcome")
    assert got["value"] == pytest.approx(float(expected)) == pytest.approx(30.2)
    assert (got["council_code"], got["la_code"], got["level"]) == ("E10000019", "503", "Council")
    assert table.vintage == LATEST


@pytest.mark.parametrize("sheet", ["Table_6a", "Table_6b", "Table_1a", "Table_2a"])
def test_real_levels_match_the_codes_in_the_file(sheet: str, real: Path) -> None:
    _, _, rows = raw_sheet(real, sheet)
    councils_in_file = sum(bool(re.match(r"^E(06|08|09|10)\d{6}$", str(r[2]))) for r in rows)
    regions_in_file = sum(str(r[2]).startswith("E12") for r in rows)
    types_in_file = sum(str(r[0]) in {"S", "U", "M", "I", "O", "D"} for r in rows)
    per_row = load_table(real, sheet).data.drop_duplicates("_row")
    counts = per_row["level"].value_counts()
    assert counts["Council"] + counts.get("Former council", 0) == councils_in_file
    assert (counts["England"], counts["Region"], counts["Council type"]) == (1, regions_in_file, types_in_file)
    assert counts["Council"] == 153
    assert set(per_row.loc[per_row["level"] == "Council", "council_code"]) == set(councils()["code"])


def test_real_6a_council_rows_and_dorset_successor(real: Path) -> None:
    _, _, rows = raw_sheet(real, "Table_6a")
    assert sum(bool(re.match(r"^E(06|08|09|10)\d{6}$", str(r[2]))) for r in rows) == 153
    table = staff_turnover(real)
    dorset = table.data[table.data["ons_code"] == "E10000009"].iloc[0]
    assert (dorset["la_name"], dorset["council_code"], dorset["level"]) == ("Dorset County", "E06000059", "Council")
    assert any("E10000009" in str(w) and "E06000059" in str(w) for w in table.log.warnings)
    other = table.data[table.data["level"] == "Other"]
    assert set(other["la_name"]) == {"Cornwall and Isles of Scilly"}


def test_real_markers_become_nan_with_reason(real: Path) -> None:
    assert raw_cell(real, "Table_6a", "Isles of Scilly", f"{LATEST} - outcome") == "[x]"
    scilly = pick(staff_turnover(real).data, "Isles of Scilly", LATEST, "outcome")
    assert pd.isna(scilly["value"]) and scilly["marker_reason"] == "not available"
    header_row, header, rows = raw_sheet(real, "Table_2a")
    i, j = next((i, j) for i, r in enumerate(rows) for j, c in enumerate(r) if c == "[c]")
    data = load_table(real, "2a").data
    hit = data[(data["_row"] == header_row + 1 + i) & (data["period"] + " - " + data["quantity"] == header[j])]
    assert len(hit) == 1 and pd.isna(hit.iloc[0]["value"]) and hit.iloc[0]["marker_reason"] == "suppressed"
    assert data["marker_reason"].eq("suppressed").sum() == sum(c == "[c]" for r in rows for c in r)


def test_real_bracketed_sace_figures(real: Path) -> None:
    text = raw_cell(real, "Table_1c", "England", "2016 to 2017 - outcome")
    main, bracket = (float(x) for x in re.match(r"^([\d.]+) \(([\d.]+)\)$", text).groups())
    got = pick(load_table(real, "Table_1c").data, "England", "2016 to 2017", "outcome")
    assert (got["value"], got["value_in_brackets"]) == (pytest.approx(main), pytest.approx(bracket))
    respondents = pick(load_table(real, "Table_1c").data, "England", "2016 to 2017", "number of respondents")
    assert respondents["value"] == 51230


def test_real_every_table_loads(real: Path) -> None:
    from python_calamine import CalamineWorkbook
    sheets = [s for s in CalamineWorkbook.from_path(str(real)).sheet_names if s.startswith("Table_")]
    assert len(sheets) == 25
    for sheet in sheets:
        data = load_table(real, sheet).data
        assert (data["level"] == "England").any(), sheet
        assert data["period"].str.fullmatch(r"\d{4} to \d{4}").all(), sheet


def test_real_missing_table_lists_sheets(real: Path) -> None:
    with pytest.raises(InputError) as info:
        load_table(real, "Table_9z")
    assert "'Table_9z'" in info.value.message and "'Table_6b'" in info.value.message


def test_real_table_is_cached(tmp_path: Path, real: Path) -> None:
    first = staff_turnover(real, cache_dir=tmp_path).data
    assert len(list(tmp_path.glob("ascof-Table_6a-*.parquet"))) == 1
    pd.testing.assert_frame_equal(first, staff_turnover(real, cache_dir=tmp_path).data, check_dtype=False)


# --- bad inputs (small xlsx files in the published layout) -------------------------------------

HEADER = ["Local authority code", "Local authority", "ONS area code",
          "2023 to 2024 - outcome", "2024 to 2025 - outcome"]
ROWS = [["England", "England", "E92000001", 24.8, 23.7],
        ["S", "Shire Counties", "[z]", "[z]", 25.1],
        ["EM", "East Midlands", "E12000004", 26.0, 25.0],
        [503, "Lincolnshire", "E10000019", 33.0, 30.2],
        [207, "Sheffield", "E08000019", "[x]", "[c]"]]


def write_ascof(path: Path, rows: list[list[object]] = ROWS, header: list[str] = HEADER, above: int = 4,
                sheet: str = "Table_6a") -> Path:
    """Write an xlsx with title lines, then the header, then rows."""
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for i in range(above):
        ws.append([f"Table 6a note line {i + 1}"])
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def error_of(path: Path, table: str = "Table_6a") -> InputError:
    """Load and return the InputError raised."""
    with pytest.raises(InputError) as info:
        load_table(path, table)
    return info.value


def test_small_file_loads_long_with_levels(tmp_path: Path) -> None:
    data = load_table(write_ascof(tmp_path / "a.xlsx"), "6a").data
    assert len(data) == 10
    levels = data.drop_duplicates("_row").set_index("la_name")["level"].to_dict()
    assert levels == {"England": "England", "Shire Counties": "Council type", "East Midlands": "Region",
                      "Lincolnshire": "Council", "Sheffield": "Council"}
    sheffield = data[data["la_name"] == "Sheffield"].set_index("period")
    assert sheffield["marker_reason"].to_dict() == {"2023 to 2024": "not available", "2024 to 2025": "suppressed"}
    assert sheffield["value"].isna().all()
    assert pick(data, "Lincolnshire", LATEST, "outcome")["_row"] == 9


def test_header_shifted_down_still_loads(tmp_path: Path) -> None:
    data = load_table(write_ascof(tmp_path / "a.xlsx", above=12), "Table_6a").data
    assert pick(data, "Lincolnshire", LATEST, "outcome")["value"] == pytest.approx(30.2)
    assert pick(data, "Lincolnshire", LATEST, "outcome")["_row"] == 17


def test_renamed_column_names_expected_and_closest(tmp_path: Path) -> None:
    header = [h if h != "Local authority" else "Local authority name" for h in HEADER]
    err = error_of(write_ascof(tmp_path / "renamed.xlsx", header=header))
    assert "renamed.xlsx" in str(err) and err.sheet == "Table_6a"
    assert "expected column 'Local authority'" in err.message and "'Local authority name'" in err.message


def test_missing_column(tmp_path: Path) -> None:
    err = error_of(write_ascof(tmp_path / "a.xlsx", rows=[r[:2] + r[3:] for r in ROWS],
                               header=[h for h in HEADER if h != "ONS area code"]))
    assert "expected column 'ONS area code'" in err.message


def test_unrecognised_value_header(tmp_path: Path) -> None:
    header = HEADER[:4] + ["Outcome 2024-25"]
    err = error_of(write_ascof(tmp_path / "a.xlsx", header=header))
    assert err.column == "Outcome 2024-25" and "2024 to 2025 - outcome" in err.message


def test_wrong_sheet(tmp_path: Path) -> None:
    err = error_of(write_ascof(tmp_path / "a.xlsx", sheet="Table_6b"), "Table_6a")
    assert "'Table_6a'" in err.message and "'Table_6b'" in err.message


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "ascof.ods"
    path.write_bytes(b"")
    err = error_of(path)
    assert "ascof.ods" in str(err) and "empty" in err.message


def test_anchor_missing(tmp_path: Path) -> None:
    err = error_of(write_ascof(tmp_path / "a.xlsx", header=["LA code"] + HEADER[1:]))
    assert "'Local authority code'" in err.message


def test_non_numeric_value(tmp_path: Path) -> None:
    rows = [r[:] for r in ROWS]
    rows[3][4] = "thirty"
    err = error_of(write_ascof(tmp_path / "a.xlsx", rows=rows))
    assert (err.row, err.column) == (9, "2024 to 2025 - outcome") and "'thirty'" in err.message


def test_negative_count(tmp_path: Path) -> None:
    header = HEADER[:3] + ["2024 to 2025 - numerator", "2024 to 2025 - denominator"]
    rows = [r[:] for r in ROWS]
    rows[4][3:5] = [-5, 100]
    err = error_of(write_ascof(tmp_path / "a.xlsx", rows=rows, header=header))
    assert (err.row, err.column) == (10, "2024 to 2025 - numerator") and "at least 0" in err.message


def test_duplicate_area(tmp_path: Path) -> None:
    err = error_of(write_ascof(tmp_path / "a.xlsx", rows=ROWS + [[999, "Lincs again", "E10000019", 1, 2]]))
    assert "E10000019" in err.message and "rows 9, 11" in err.message


def test_bad_ons_code(tmp_path: Path) -> None:
    rows = [r[:] for r in ROWS]
    rows[3][2] = "Lincs"
    err = error_of(write_ascof(tmp_path / "a.xlsx", rows=rows))
    assert (err.row, err.column) == (9, "ONS area code") and "'Lincs'" in err.message


def test_repeated_value_column(tmp_path: Path) -> None:
    header = HEADER[:4] + ["2023 to 2024 - outcome"]
    err = error_of(write_ascof(tmp_path / "a.xlsx", header=header))
    assert err.column == "2023 to 2024 - outcome" and "twice" in err.message
