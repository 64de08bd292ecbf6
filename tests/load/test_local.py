"""The generic local-source mechanism: every field kind, templates, file names, and every class of bad input."""
from __future__ import annotations

import csv
import os
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from helpers.errors import InputError
from helpers.load import local
from helpers.load.catalogue import LOCAL_SOURCES as SOURCES
from helpers.load.local_loader import council_file, examples_frame, find_files, load_council, load_local
from helpers.load.local_schema import Check, Field, LocalSource
from helpers.load.templates import write_template, write_templates

FIELDS = (
    Field("council", "Council code", "council"),
    Field("ref", "Ref", "text", pattern=r"W\d+", description="W then digits"),
    Field("name", "Name", "text", required=False),
    Field("count", "Count", "int", minimum=0),
    Field("weight", "Weight", "number", required=False),
    Field("cost", "Cost (£)", "money", minimum=0),
    Field("share", "Share (%)", "percent", required=False),
    Field("day", "Day", "date"),
    Field("colour", "Colour", "code", allowed=("Red", "Light blue")),
    Field("active", "Active (Y/N)", "flag"),
)
HEADER = [f.published for f in FIELDS]
GOOD = {"council": "E08000019", "ref": "W1", "name": "Example widget", "count": 3, "weight": 1.5, "cost": 12.5,
        "share": 40, "day": date(2026, 9, 27), "colour": "Red", "active": True}
SPEC = LocalSource(
    name="widgets", title="Test widgets", sheet="Widgets", fields=FIELDS, key=("council", "ref"), readme="Test data.",
    examples=[GOOD, {**GOOD, "ref": "W2", "name": "", "weight": None, "share": 55.5, "day": date(2026, 10, 4),
                     "colour": "Light blue", "active": False}],
    checks=(Check("count", "count {count} is more than cost {cost:g}", lambda d: d["count"] > d["cost"]),
            Check("weight", "weight {weight:g} is over 100", lambda d: d["weight"] > 100, error=True)),
    vintage_field="day",
)
ROW = ["E08000019", "W1", "Widget", "3", "1.5", "12.50", "40", "27/09/2026", "Red", "Y"]


def write_sheet(path: Path, rows: list[list[object]], *, header: list[str] = HEADER, sheet: str = "Widgets",
                above: list[list[object]] = (), readme: list[list[object]] = ()) -> Path:
    """An xlsx with a README sheet and one data sheet: `above` rows, the header, then rows."""
    wb = Workbook()
    wb.active.title = "README"
    for line in readme:
        wb.active.append(line)
    ws = wb.create_sheet(sheet)
    for line in [*above, header, *rows]:
        ws.append(line)
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    """A CSV of the given rows."""
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


def load_error(path: Path, spec: LocalSource = SPEC) -> InputError:
    """Load a file expected to fail and return the error."""
    with pytest.raises(InputError) as err:
        load_local(spec, path)
    return err.value


def assert_where(err: InputError, path: Path, row: int | None, column: str, sheet: str | None = "Widgets") -> None:
    """The error names the file, sheet, row and column (attributes and message)."""
    assert (Path(err.file), err.sheet, err.row, err.column) == (path, sheet, row, column)
    assert str(path) in str(err) and f"column '{column}'" in str(err)
    assert (f"sheet '{sheet}'" in str(err)) == (sheet is not None)
    assert row is None or f"row {row}," in str(err)


def test_template_round_trips_every_kind(tmp_path):
    table = load_local(SPEC, write_template(SPEC, tmp_path / "widgets.xlsx"))
    pd.testing.assert_frame_equal(table.data.drop(columns="_row"), examples_frame(SPEC))
    assert table.data["_row"].tolist() == [2, 3]
    assert table.data["weight"].isna().tolist() == [False, True]
    assert table.data["name"].tolist() == ["Example widget", ""]
    assert table.vintage == "04 October 2026" and table.synthetic is False


def test_text_values_are_parsed_and_normalised(tmp_path):
    rows = [["e08000019 ", "W7", "", "12", "", "£1,234.50", "85%", "2026-09-27", "light-blue", "yes"],
            ["E08000018", "W8", "Plain", "0", "-2.5", "0", "", "03/10/2026", "RED", "n"]]
    data = load_local(SPEC, write_sheet(tmp_path / "w.xlsx", rows)).data
    first, second = data.iloc[0], data.iloc[1]
    assert (first["council"], first["cost"], first["share"], first["colour"], first["active"]) == \
        ("E08000019", 1234.5, 85.0, "Light blue", True)
    assert (second["colour"], second["active"], second["weight"], second["day"]) == \
        ("Red", False, -2.5, pd.Timestamp("2026-10-03"))
    assert pd.isna(second["share"]) and first["name"] == ""
    assert str(data["count"].dtype) == "Int64" and str(data["day"].dtype) == "datetime64[ns]"


def test_csv_loads_without_a_sheet(tmp_path):
    table = load_local(SPEC, write_csv(tmp_path / "widgets.csv", [HEADER, ROW]))
    assert table.data.at[0, "cost"] == 12.5 and table.vintage == "27 September 2026"
    err = load_error(write_csv(tmp_path / "bad.csv", [HEADER, [*ROW[:3], "x", *ROW[4:]]]))
    assert_where(err, tmp_path / "bad.csv", 2, "Count", sheet=None)


def test_shifted_header_still_loads(tmp_path):
    path = write_sheet(tmp_path / "w.xlsx", [["", *ROW]], header=["", *HEADER],
                       above=[["Widget return, Sheffield"], [], ["Notes: internal"]])
    data = load_local(SPEC, path).data
    assert data.at[0, "_row"] == 5 and data.at[0, "ref"] == "W1" and data.at[0, "count"] == 3


def test_renamed_column_names_expected_and_closest(tmp_path):
    path = write_sheet(tmp_path / "w.xlsx", [ROW], header=[("Costs (£)" if h == "Cost (£)" else h) for h in HEADER])
    err = load_error(path)
    assert "expected column 'Cost (£)' not found" in str(err) and "closest found: 'Costs (£)'" in str(err)
    assert_where(err, path, None, "Cost (£)")


def test_renamed_anchor_column_still_finds_the_header_and_names_it(tmp_path):
    path = write_sheet(tmp_path / "w.xlsx", [ROW], header=["Council", *HEADER[1:]])
    err = load_error(path)
    assert "expected column 'Council code' not found" in str(err) and "closest found: 'Council'" in str(err)


def test_missing_required_column_is_an_error_and_missing_optional_column_is_blank(tmp_path):
    keep = [i for i, h in enumerate(HEADER) if h != "Day"]
    path = write_sheet(tmp_path / "a.xlsx", [[ROW[i] for i in keep]], header=[HEADER[i] for i in keep])
    assert "expected column 'Day' not found" in str(load_error(path))
    keep = [i for i, h in enumerate(HEADER) if h != "Weight"]
    data = load_local(SPEC, write_sheet(tmp_path / "b.xlsx", [[ROW[i] for i in keep]],
                                        header=[HEADER[i] for i in keep])).data
    assert data["weight"].isna().all() and data.at[0, "count"] == 3


def test_wrong_or_missing_sheet_lists_the_sheets_found(tmp_path):
    path = write_sheet(tmp_path / "w.xlsx", [ROW], sheet="Data")
    with pytest.raises(InputError, match=r"no sheet named 'Widgets'; sheets found: 'README', 'Data'"):
        load_local(SPEC, path)


def test_empty_file_and_header_without_rows(tmp_path):
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    assert "the file is empty" in str(load_error(empty))
    err = load_error(write_sheet(tmp_path / "w.xlsx", []))
    assert "no data rows under the header (row 1)" in str(err) and err.sheet == "Widgets"


@pytest.mark.parametrize("column, value, row, message", [
    ("Count", "three", 3, "expected a number, found 'three'"),
    ("Count", "-1", 3, "expected a value of at least 0, found -1"),
    ("Count", "2.5", 3, "expected a whole number, found '2.5'"),
    ("Cost (£)", "-0.01", 3, "expected a value of at least 0, found -0.01"),
    ("Share (%)", "120", 3, "expected a value of at most 100, found 120"),
    ("Council code", "E08000099", 3, "unknown council code 'E08000099'"),
    ("Colour", "Green", 3, "'Green' is not an allowed value; expected one of: 'Red', 'Light blue'"),
    ("Colour", "Lite blue", 3, "closest: 'Light blue'"),
    ("Active (Y/N)", "maybe", 3, "expected Y or N, found 'maybe'"),
    ("Day", "27/09/1926", 3, "date 1926-09-27 is outside the expected range"),
    ("Day", "next week", 3, "expected a date (DD/MM/YYYY), found 'next week'"),
    ("Day", "", 3, "a value is required here (the cell is blank)"),
    ("Ref", "X1", 3, "'X1' is not in the expected form (W then digits)"),
    ("Weight", "101", 3, "weight 101 is over 100"),
])
def test_bad_value_names_file_sheet_row_and_column(tmp_path, column, value, row, message):
    bad = [ROW[0], "W2", *ROW[2:]]
    bad[HEADER.index(column)] = value
    path = write_sheet(tmp_path / "w.xlsx", [ROW, bad])
    err = load_error(path)
    assert message in str(err)
    assert_where(err, path, row, column)


def test_unknown_council_code_suggests_close_codes(tmp_path):
    path = write_sheet(tmp_path / "w.xlsx", [["E8000019", *ROW[1:]]])
    assert "closest: E08000019 (Sheffield), " in str(load_error(path))


def test_duplicate_keys_name_the_rows(tmp_path):
    path = write_sheet(tmp_path / "w.xlsx", [ROW, [*ROW[:1], "W2", *ROW[2:]], ["e08000019", *ROW[1:]]])
    err = load_error(path)
    assert "duplicate rows for Council code 'E08000019', Ref 'W1': rows 2, 4" in str(err)
    assert_where(err, path, 4, "Council code + Ref")


def test_fraction_only_percent_column_is_read_as_percent_with_a_warning(tmp_path):
    rows = [[*ROW[:6], "0.4", *ROW[7:]], [*ROW[:1], "W2", *ROW[2:6], "1", *ROW[7:]]]
    table = load_local(SPEC, write_sheet(tmp_path / "w.xlsx", rows))
    assert table.data["share"].tolist() == [40.0, 100.0]
    assert any("read as fractions" in str(w) and w.column == "Share (%)" for w in table.log.warnings)
    mixed = [[*ROW[:6], "0.4", *ROW[7:]], [*ROW[:1], "W2", *ROW[2:6], "60", *ROW[7:]]]
    table = load_local(SPEC, write_sheet(tmp_path / "m.xlsx", mixed))
    assert table.data["share"].tolist() == [0.4, 60.0] and not any("fractions" in str(w) for w in table.log.warnings)


def test_check_warnings_and_example_rows_carry_row_numbers(tmp_path):
    rows = [ROW, [*ROW[:1], "W2", "Example widget", "20", *ROW[4:]]]
    table = load_local(SPEC, write_sheet(tmp_path / "w.xlsx", rows))
    assert len(table.data) == 2
    messages = {(w.row, w.column, w.message) for w in table.log.warnings}
    assert (3, "Count", "count 20 is more than cost 12.5") in messages
    assert any(row == 3 and column == "Name" and "template example row" in m for row, column, m in messages)
    assert all(w.row == 3 and w.sheet == "Widgets" for w in table.log.warnings)


def test_vintage_from_readme_as_at_then_file_name(tmp_path):
    undated = replace(SPEC, vintage_field=None)
    path = write_sheet(tmp_path / "w.xlsx", [ROW], readme=[["Widgets"], ["As at:", "30/09/2026"]])
    assert load_local(undated, path).vintage == "30 September 2026"
    path = write_sheet(tmp_path / "v.xlsx", [ROW], readme=[["As at", "Quarter 2 2026-27"], ["synthetic demo data"]])
    table = load_local(undated, path)
    assert table.vintage == "Quarter 2 2026-27" and table.synthetic is True
    assert load_local(undated, write_sheet(tmp_path / "widgets_2026.xlsx", [ROW])).vintage == "widgets_2026.xlsx"


def test_the_readme_is_read_once_per_file_version_with_a_cache(tmp_path, monkeypatch):
    from helpers.load import local_loader
    undated = replace(SPEC, vintage_field=None)
    path = write_sheet(tmp_path / "v.xlsx", [ROW], readme=[["As at", "Quarter 2 2026-27"], ["synthetic demo data"]])
    cache = tmp_path / "cache"
    reads: list[list[str]] = []
    real = local_loader.read_raw
    monkeypatch.setattr(local_loader, "read_raw", lambda p, sheets: reads.append(list(sheets)) or real(p, sheets))
    for _ in range(2):
        local_loader._local.clear()  # as a new worker would: only the cache on disk is left
        table = load_local(undated, path, cache)
        assert table.vintage == "Quarter 2 2026-27" and table.synthetic is True
    assert reads.count(["README"]) == 1
    write_sheet(path, [ROW], readme=[["As at", "30/09/2026"]])  # a new version of the file is read afresh
    table = load_local(undated, path, cache)
    assert table.vintage == "30 September 2026" and table.synthetic is False and reads.count(["README"]) == 2


def test_cache_is_reused_and_warnings_survive_a_cache_hit(tmp_path):
    path = write_sheet(tmp_path / "w.xlsx", [[*ROW[:3], "20", *ROW[4:]]])
    cache = tmp_path / "cache"
    first = load_local(SPEC, path, cache)
    second = load_local(SPEC, path, cache)
    assert len(list(cache.glob("*.parquet"))) == 2  # the parsed table and the checked one
    pd.testing.assert_frame_equal(first.data, second.data)
    pd.testing.assert_frame_equal(load_local(SPEC, path).data, second.data)  # the same dtypes with or without cache
    assert [str(w) for w in second.log.warnings] == [str(w) for w in first.log.warnings] and len(first.log) == 1
    write_sheet(path, [[*ROW[:3], "21", *ROW[4:]]])
    assert load_local(SPEC, path, cache).data.at[0, "count"] == 21
    assert len(list(cache.glob("*.parquet"))) == 4


def test_a_checked_table_comes_from_the_cache_with_its_warnings_vintage_and_flags(tmp_path, monkeypatch):
    """A new worker (nothing kept in memory) reads a file that passed the checks back from the cache without checking
    it again: the same data, dtypes, warnings, vintage and synthetic flag."""
    from helpers.load import local_loader
    path = write_sheet(tmp_path / "w.xlsx", [[*ROW[:3], "20", *ROW[4:]]], readme=[["synthetic demo data"]])
    cache = tmp_path / "cache"
    local_loader._local.clear()
    checked = load_local(SPEC, path, cache)
    monkeypatch.setattr(local_loader, "_apply_checks", lambda *args: pytest.fail("checked again"))
    local_loader._local.clear()
    again = load_local(SPEC, path, cache)
    pd.testing.assert_frame_equal(checked.data, again.data)
    assert again.log.warnings == checked.log.warnings and len(again.log) == 1
    assert (again.vintage, again.synthetic, again.file) == (checked.vintage, checked.synthetic, checked.file) \
        and again.synthetic is True


def test_the_checked_cache_is_per_path_and_per_version_of_the_code(tmp_path, monkeypatch):
    from helpers.load import local_loader
    rows = [[*ROW[:3], "20", *ROW[4:]]]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    here, there = write_sheet(tmp_path / "a" / "w.xlsx", rows), write_sheet(tmp_path / "b" / "w.xlsx", rows)
    cache = tmp_path / "cache"
    local_loader._local.clear()
    assert [w.file for w in load_local(SPEC, here, cache).log.warnings] == [str(here)]
    assert [w.file for w in load_local(SPEC, there, cache).log.warnings] == [str(there)]  # same bytes, its own name
    checks: list[Path] = []
    real = local_loader._apply_checks
    monkeypatch.setattr(local_loader, "_apply_checks", lambda spec, data, path, *rest: checks.append(path)
                        or real(spec, data, path, *rest))
    monkeypatch.setattr(local_loader, "_code_version", lambda: "another version of the checks")
    local_loader._local.clear()
    load_local(SPEC, here, cache)
    assert checks == [here]  # checked afresh by the new code


def test_a_file_that_fails_its_checks_fails_on_every_load_and_leaves_no_checked_table(tmp_path):
    from helpers.load import local_loader
    path = write_sheet(tmp_path / "w.xlsx", [[*ROW[:4], "150", *ROW[5:]]])  # a check that is an error
    cache = tmp_path / "cache"
    for _ in range(2):
        local_loader._local.clear()
        with pytest.raises(InputError, match="weight 150 is over 100"):
            load_local(SPEC, path, cache)
    assert list(cache.glob("local-widgets-*.parquet"))  # the parsed table is kept: parsing is not checking
    assert not list(cache.glob("local-checked-*"))


def test_template_layout_has_readme_drop_downs_and_formats(tmp_path):
    wb = load_workbook(write_template(SPEC, tmp_path / "w.xlsx"))
    assert wb.sheetnames == ["README", "Widgets", "Lists"] and wb["Lists"].sheet_state == "hidden"
    ws = wb["Widgets"]
    assert [c.value for c in ws[1]] == HEADER and all(c.font.b for c in ws[1]) and ws.freeze_panes == "A2"
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert set(lists) == {"A2:A2000", "I2:I2000", "J2:J2000"}
    values = {cell.value for row in wb["Lists"][lists["I2:I2000"].split("!")[1].replace("$", "")] for cell in row}
    assert values == {"Red", "Light blue"}
    assert len(wb["Lists"]["A"]) == 1 + 153
    assert (ws["F2"].number_format, ws["G2"].number_format, ws["H2"].number_format) == \
        ('"£"#,##0.00', '0.0"%"', "DD/MM/YYYY")
    assert ws["J2"].value == "Y" and ws["J3"].value == "N"
    readme = [[c for c in row] for row in wb["README"].iter_rows(values_only=True)]
    described = {row[0]: row for row in readme if row[0] in HEADER}
    assert set(described) == set(HEADER)
    assert described["Colour"][2:4] == ["Yes", "Red; Light blue"] and described["Name"][2] == "No"
    assert described["Share (%)"][3] == "0 to 100"


def test_write_templates_writes_every_source_and_each_reads_back(tmp_path):
    paths = write_templates(tmp_path / "templates")
    assert [p.name for p in paths] == [f"template_{name}.xlsx" for name in SOURCES]
    assert set(SOURCES) == {"occupancy", "home_care_activity", "fee_rates", "cost_returns", "provider_intelligence",
                            "action_plan", "kpis", "financial_sustainability", "local_providers"}
    for path, spec in zip(paths, SOURCES.values()):
        table = load_local(spec, path)
        pd.testing.assert_frame_equal(table.data.drop(columns="_row"), examples_frame(spec))
        assert all("template example row" in w.message for w in table.log.warnings if w.row is not None)
        assert len(table.log) >= 1  # every template's examples are marked "Example"


def test_find_files_matches_the_source_name_in_any_case_with_spaces_or_underscores(tmp_path):
    for name in ["Widgets_2026.xlsx", "old/widgets.csv", "~$widgets.xlsx", "gadgets.xlsx", "widgets.pdf",
                 "E08000019 WIDGETS (1).ods"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert [p.relative_to(tmp_path).as_posix() for p in find_files(SPEC, tmp_path)] == \
        ["E08000019 WIDGETS (1).ods", "Widgets_2026.xlsx", "old/widgets.csv"]
    assert council_file(SPEC, tmp_path, "E08000019") == tmp_path / "E08000019 WIDGETS (1).ods"
    assert council_file(SPEC, tmp_path, "E08000018") is None


def test_find_files_follows_the_folder_and_raises_on_every_call_while_a_file_is_there_twice(tmp_path, monkeypatch):
    from helpers.load import reading
    monkeypatch.setattr(reading, "SETTLED_NS", -10**18)  # listings are kept at once, as for a folder at rest
    (tmp_path / "E08000019_widgets.xlsx").write_text("x")
    assert find_files(SPEC, tmp_path, "E08000019") == [tmp_path / "E08000019_widgets.xlsx"]
    found = find_files(SPEC, tmp_path, "E08000019")
    found.clear()  # a caller's list is its own
    assert find_files(SPEC, tmp_path, "E08000019") == [tmp_path / "E08000019_widgets.xlsx"]
    (tmp_path / "e08000019 widgets (1).xlsx").write_text("x")
    os.utime(tmp_path, ns=(1, 1))  # a folder time unlike the listing's, however coarse the clock
    for _ in range(2):
        with pytest.raises(InputError, match="share the vintage"):
            find_files(SPEC, tmp_path, "E08000019")
    (tmp_path / "e08000019 widgets (1).xlsx").unlink()
    os.utime(tmp_path, ns=(2, 2))
    assert find_files(SPEC, tmp_path, "E08000019") == [tmp_path / "E08000019_widgets.xlsx"]


def test_a_council_file_saved_twice_is_an_error_naming_both(tmp_path):
    first = write_template(SPEC, tmp_path / "E08000019_widgets.xlsx")
    second = write_template(SPEC, tmp_path / "e08000019 widgets (1).xlsx")
    with pytest.raises(InputError) as err:
        load_council(SPEC, tmp_path, "E08000019")
    assert f"'{first}'" in str(err.value) and f"'{second}'" in str(err.value)
    assert "share the vintage 'e08000019 widgets'" in str(err.value)


def test_the_facade_re_exports_each_name_from_its_home():
    assert local.SOURCES is SOURCES and local.load_council is load_council and local.LocalSource is LocalSource
    assert local.write_templates is write_templates and local.examples_frame is examples_frame
    assert all(hasattr(local, name) for name in local.__all__)


def test_specs_are_checked_when_declared():
    with pytest.raises(ValueError, match="kind 'boolean'"):
        Field("x", "X", "boolean")
    with pytest.raises(ValueError, match="'allowed' is for"):
        Field("x", "X", "code")
    with pytest.raises(ValueError, match=r"unknown fields \['missing'\]"):
        replace(SPEC, key=("missing",))
