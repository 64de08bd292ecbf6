"""Untrusted text in CSVs and xlsx cells: CSV-injection guard (OWASP), string cells, displayed numbers parsed."""
from __future__ import annotations

import csv
import os
import stat

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from helpers.present.spreadsheet_text import (EXCEL_MAX_TEXT, cell_value, display_number, force_text, neutralise,
                                      read_csv, restore, write_cell, write_csv)

PAYLOADS = ['=HYPERLINK("http://x","click")', "+1", "-x", "@SUM(A1)", "\tx", "\rx", "=1+1"]
LONG = "word " * 2000  # 10,000 characters
MULTILINE = "first line\nsecond, with a comma\r\nthird \"quoted\""


def reread(path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


@pytest.fixture()
def umask():
    """Run with umask 027 (group may read, others nothing); the previous umask is put back."""
    previous = os.umask(0o027)
    yield 0o027
    os.umask(previous)


@pytest.mark.parametrize("text", PAYLOADS)
def test_formula_starts_get_one_quote_and_come_back(text):
    assert neutralise(text) == "'" + text
    assert restore(neutralise(text)) == text


@pytest.mark.parametrize("text", ["Care UK", "'tis", "", "a=b", "100%", "3.5", "O'Neill", "£12"])
def test_other_text_is_left_as_it_is(text):
    assert neutralise(text) == text and restore(text) == text


@pytest.mark.parametrize("text", ["'=x", "''+1", "'-3"])
def test_text_already_quoted_before_a_formula_start_round_trips(text):
    assert neutralise(text) == "'" + text and restore(neutralise(text)) == text


def test_write_csv_neutralises_text_cells_and_never_numbers(tmp_path):
    frame = pd.DataFrame({
        "name": PAYLOADS + ["Plain"],
        "number": [-3.5, -1.0, 2.0, 0.0, -7.25, 1.0, 3.0, np.nan],
        "mixed": ["[c]", -2, "-2", "+3", 4.5, None, "=A1", "-"],
        "=header": ["a"] * 8})
    path = write_csv(frame, tmp_path / "t.csv")
    rows = reread(path)
    assert rows[0] == ["name", "number", "mixed", "'=header"]
    body = rows[1:]
    assert [r[0] for r in body] == ["'" + p for p in PAYLOADS] + ["Plain"]
    assert [r[1] for r in body] == ["-3.5", "-1.0", "2.0", "0.0", "-7.25", "1.0", "3.0", ""]
    assert [r[2] for r in body] == ["[c]", "-2", "'-2", "'+3", "4.5", "", "'=A1", "'-"]


def test_write_csv_keeps_line_breaks_quotes_and_long_text_in_one_cell(tmp_path):
    frame = pd.DataFrame({"text": [MULTILINE, LONG, "\rx", "tab\tinside"], "n": [1, 2, 3, 4]})
    rows = reread(write_csv(frame, tmp_path / "t.csv"))
    assert len(rows) == 5 and all(len(r) == 2 for r in rows)
    assert [r[0] for r in rows[1:]] == [MULTILINE, LONG, "'\rx", "tab\tinside"]
    assert [r[1] for r in rows[1:]] == ["1", "2", "3", "4"]


def test_read_csv_gives_back_the_frame_written(tmp_path):
    frame = pd.DataFrame({"name": PAYLOADS + [MULTILINE, "'=x"], "value": [-3.5, 1, 2, 3, 4, 5, 6, 7, 8]})
    back = read_csv(write_csv(frame, tmp_path / "t.csv"))
    assert back["name"].tolist() == frame["name"].tolist()
    assert back["value"].tolist() == frame["value"].tolist()


def test_write_csv_is_readable_like_other_outputs_and_leaves_no_temp_file(tmp_path, umask):
    path = write_csv(pd.DataFrame({"a": [1]}), tmp_path / "t.csv")
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def test_write_csv_neutralises_categorical_and_string_columns(tmp_path):
    frame = pd.DataFrame({"c": pd.Categorical(["=1", "ok"]), "s": pd.array(["@x", None], dtype="string")})
    rows = reread(write_csv(frame, tmp_path / "t.csv"))
    assert rows[1:] == [["'=1", "'@x"], ["ok", ""]]


def test_xlsx_cells_are_strings_never_formulas_or_errors(tmp_path):
    wb = Workbook()
    ws = wb.active
    values = PAYLOADS + ["#N/A", MULTILINE, LONG]
    for i, value in enumerate(values, 1):
        write_cell(ws.cell(i, 1), value)
    ws.append(["=SUM(1,2)"])  # a cell written behind the helpers' back: the save-time guard catches it
    force_text(wb)
    wb.save(tmp_path / "t.xlsx")
    back = load_workbook(tmp_path / "t.xlsx").active
    cells = [back.cell(i, 1) for i in range(1, len(values) + 2)]
    assert all(c.data_type == "s" for c in cells)
    expected = [v.replace("\r\n", "\n").replace("\r", "\n") for v in values] + ["=SUM(1,2)"]
    assert [c.value for c in cells] == expected  # a CR is stored as Excel's in-cell line break (LF)
    assert cells[values.index(MULTILINE)].alignment.wrap_text and cells[values.index(LONG)].alignment.wrap_text


def test_text_excel_cannot_hold_is_cleaned_not_fatal():
    assert cell_value("a\x00b\x1bc") == "a\ufffdb\ufffdc"
    long = cell_value("x" * 40000)
    assert len(long) == EXCEL_MAX_TEXT and long.endswith("…")
    assert cell_value(float("nan")) is None and cell_value(pd.NA) is None and cell_value(np.int64(3)) == 3
    assert cell_value(float("inf")) == "inf" and cell_value(np.bool_(True)) is True


@pytest.mark.parametrize("text, value, fmt", [
    ("39%", 0.39, "0%"), ("39.0%", 0.39, "0.0%"), ("-1.2%", -0.012, "0.0%"), ("£12.56", 12.56, '"£"#,##0.00'),
    ("£-0.15", -0.15, '"£"#,##0.00'), ("£1,235", 1235, '"£"#,##0'), ("1,016", 1016, "#,##0"), ("585", 585, "0"),
    ("21.3", 21.3, "0.0"), ("-3.5", -3.5, "0.0"), ("0", 0, "0")])
def test_numbers_shown_as_text_are_read_back_with_a_format_showing_the_same(text, value, fmt):
    assert display_number(text) == (pytest.approx(value), fmt)


@pytest.mark.parametrize("text", ["+1", "007", "1e5", "60 (60)", "£5%", "1,00", "2026-27", "1234567890123456", "",
                                  "- 3", "-x", "12 ", "−3"])
def test_other_text_is_not_a_number(text):
    assert display_number(text) is None
