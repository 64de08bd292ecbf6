"""Cost workbook: sheets, header styles, number formats, frozen panes, README, suppression, atomic write, text cells."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from helpers.assess import cost_of_care as coc
from helpers.present import data_workbook
from helpers.present.cost_workbook import sheet_name, write_cost_workbook
from helpers.load import cost_returns, fee_rates
from helpers.load.local import load_council
from helpers.present.tables import Table
from helpers.services import SERVICES

ROTHERHAM = "E08000018"  # its demo has two nursing dementia returns: a suppressed care home row


@pytest.fixture(scope="module")
def sections(demo_dir) -> dict[str, coc.CostSection]:
    returns = load_council(cost_returns.SPEC, demo_dir / "local", ROTHERHAM)
    fees = load_council(fee_rates.SPEC, demo_dir / "local", ROTHERHAM)
    return {s: coc.cost_section(s, returns, fees, "Rotherham") for s in SERVICES}


@pytest.fixture(scope="module")
def book(sections, tmp_path_factory) -> Path:
    return write_cost_workbook(sections, tmp_path_factory.mktemp("wb") / "out" / "cost_of_care.xlsx", "Rotherham")


def column(ws, header: str) -> int:
    """The 1-based column of a header in row 1."""
    return next(c.column for c in ws[1] if c.value == header)


def test_one_sheet_per_table_after_the_readme(book, sections):
    wb = load_workbook(book)
    expected = ["README"] + [sheet_name(s, t.name) for s, sec in sections.items() for t in sec.tables]
    assert wb.sheetnames == expected and "Home care fees" in expected
    assert all(len(name) <= 31 for name in wb.sheetnames)


def test_headers_are_bold_filled_and_frozen(book):
    ws = load_workbook(book)["Home care totals"]
    assert ws.freeze_panes == "B2"
    assert all(c.font.b and c.fill.fgColor.rgb.endswith("1F5F8B") for c in ws[1])
    assert ws.column_dimensions["A"].width >= 10 and ws.auto_filter.ref.startswith("A1:")


def test_money_and_percent_formats(book, sections):
    ws = load_workbook(book)["Home care fees"]
    rate, gap_pct, impact = (column(ws, h) for h in ("Current rate 2026–27", "Gap (% of median)",
                                                       "Cost of paying the median (£ a year)"))
    assert ws.cell(2, rate).number_format == '"£"#,##0.00'
    assert ws.cell(2, impact).number_format == '"£"#,##0'
    assert ws.cell(2, gap_pct).number_format == "0.0%"
    fees = next(t.frame for t in sections["home_care"].tables if t.name == "cost_fees")
    assert ws.cell(2, gap_pct).value == pytest.approx(fees["gap_pct"].iloc[0] / 100, abs=1e-6)  # a real fraction
    assert ws.cell(2, rate).value == pytest.approx(float(fees["current_rate"].iloc[0]))


def test_suppressed_cells_carry_the_marker(book):
    ws = load_workbook(book)["Care homes totals"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["Nursing dementia"][1] == 2 and set(rows["Nursing dementia"][2:]) == {"[c]"}
    assert isinstance(rows["Residential"][3], float)


def test_readme_names_sources_method_and_disclosure_rule(book):
    text = " ".join(str(v) for row in load_workbook(book)["README"].iter_rows(values_only=True) for v in row if v)
    assert "Rotherham" in text and "QUARTILE.INC" in text and "median of providers' totals" in text
    assert "fewer than 3 providers' returns" in text and "[c]" in text
    assert "E08000018_cost_returns.xlsx" in text and "31 October 2026" in text and "SYNTHETIC" in text
    assert "Home care fees" in text  # the contents list


def test_no_provider_ids_anywhere(book):
    wb = load_workbook(book)
    cells = [str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert cells and not any(v.startswith(("CH0", "HC0", "SL0", "DO0")) for v in cells)


def test_a_failed_write_leaves_the_previous_file_untouched(sections, tmp_path, monkeypatch):
    path = write_cost_workbook(sections, tmp_path / "cost.xlsx", "Rotherham")
    before = path.read_bytes()

    def broken(wb, filename):
        Path(filename).write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(data_workbook, "_save", broken)  # save_atomically's writer of the temporary file
    with pytest.raises(OSError, match="disk full"):
        write_cost_workbook(sections, path, "Rotherham")
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["cost.xlsx"]


def test_unavailable_services_are_listed_in_the_readme(tmp_path):
    sections = {"day_opportunities": coc.cost_section("day_opportunities", None, None, "Testshire")}
    wb = load_workbook(write_cost_workbook(sections, tmp_path / "c.xlsx", "Testshire"))
    assert wb.sheetnames == ["README"]
    text = " ".join(str(v) for row in wb["README"].iter_rows(values_only=True) for v in row if v)
    assert "supplied no cost of care returns for day opportunities" in text


HOSTILE = ['=HYPERLINK("http://x","click")', "+1", "-x", "@SUM(A1)", "\tx", "#N/A", "band\nwith a line break",
           "long " * 2000]


def hostile_sections() -> dict[str, coc.CostSection]:
    """A home care section whose fee bands and source file name are untrusted text."""
    n = len(HOSTILE)
    frame = pd.DataFrame({"band": HOSTILE, "current_rate": [-3.5] + [24.5] * (n - 1), "gap_pct": [12.3] * n,
                          "median": ["[c]"] + [26.0] * (n - 1)})
    table = Table("cost_fees", frame, "=caption", {"band": "=Band", "current_rate": "Rate"},
                  {"current_rate": "gbp", "gap_pct": "pct", "median": "gbp"})
    source = {"source": "@source", "file": '=HYPERLINK("http://x","file")', "vintage": "-1", "synthetic": False}
    return {"home_care": coc.CostSection("home_care", True, tables=[table], sources=[source])}


def test_untrusted_text_is_written_as_text_never_a_formula(tmp_path):
    wb = load_workbook(write_cost_workbook(hostile_sections(), tmp_path / "c.xlsx", "=Council"))
    assert not [c.coordinate for ws in wb for row in ws.iter_rows() for c in row if c.data_type in ("f", "e")]
    ws = wb["Home care fees"]
    assert ws.cell(1, 1).value == "=Band" and ws.cell(1, 1).data_type == "s"
    bands = [ws.cell(i, 1) for i in range(2, len(HOSTILE) + 2)]
    assert [c.value for c in bands] == HOSTILE and {c.data_type for c in bands} == {"s"}
    assert bands[-2].alignment.wrap_text and bands[-1].alignment.wrap_text
    rate, pct, median = ws.cell(2, 2), ws.cell(2, 3), ws.cell(3, 4)
    assert (rate.data_type, rate.value, rate.number_format) == ("n", -3.5, '"£"#,##0.00')
    assert (pct.data_type, pct.number_format) == ("n", "0.0%") and pct.value == pytest.approx(0.123)
    assert (median.value, ws.cell(2, 4).value) == (26.0, "[c]")
    readme = [c.value for row in wb["README"].iter_rows() for c in row if c.value is not None]
    assert {'=HYPERLINK("http://x","file")', "@source", "-1", "=caption"} <= set(readme)


def test_workbook_is_readable_like_the_other_outputs(sections, tmp_path):
    previous = os.umask(0o027)
    try:
        path = write_cost_workbook(sections, tmp_path / "c.xlsx", "Rotherham")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
