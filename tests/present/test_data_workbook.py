"""mps_data.xlsx from a tiny MPS project: hostile text stays text, numbers are numbers with formats, file mode."""
from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from helpers.present.data_workbook import write_data_workbook
from helpers.present.publish import artefact_dir
from helpers.present.spreadsheet_text import write_csv

PAYLOADS = ['=HYPERLINK("http://x","click")', "+1", "-x", "@SUM(A1)", "\tx", "\rx", "#N/A",
            "first line\nsecond line", "long " * 2000]


def raw_csv(frame: pd.DataFrame, path: Path) -> None:
    """The artefact CSV as publish.py wrote it before the CSV-injection guard (text raw)."""
    frame.to_csv(path, index=False)


def make_project(root: Path, tables: dict[str, dict[str, pd.DataFrame]], writer=write_csv,
                 formats: dict[str, dict[str, str]] | None = None, caption: str = "A caption") -> Path:
    """artefacts/<service>/key_figures.json (one section listing its tables) and one CSV per table."""
    for service, frames in tables.items():
        folder = artefact_dir(root, service)
        folder.mkdir(parents=True)
        items = []
        for name, frame in frames.items():
            writer(frame, folder / f"{name}.csv")
            item = {"kind": "table", "name": name, "caption": caption}
            if formats and name in formats:
                item["formats"] = formats[name]
            items.append(item)
        summary = {"title": service.replace("_", " ").capitalize(), "synthetic": True,
                   "sections": [{"key": "s", "title": "S", "messages": [], "notes": [], "items": items}]}
        (folder / "key_figures.json").write_text(json.dumps(summary), encoding="utf-8")
    return root


def hostile_frame(payloads: list[str] = PAYLOADS) -> pd.DataFrame:
    return pd.DataFrame({"brand": payloads, "beds": range(len(payloads)), "share_pct": [39.0] * len(payloads)})


def sheet_cells(path: Path, sheet: str) -> list[list]:
    return [list(row) for row in load_workbook(path)[sheet].iter_rows()]


def expected_text(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")  # XML keeps no CR: Excel's in-cell line break is LF


# raw_csv: the artefacts as publish.py wrote them before write_csv. Its unquoted lone CR splits the row (the
# CSV bug write_csv fixes), so that one payload is left out there.
@pytest.mark.parametrize("writer, payloads", [(write_csv, PAYLOADS), (raw_csv, [p for p in PAYLOADS if p != "\rx"])],
                         ids=["guarded_csv", "raw_csv"])
def test_hostile_text_is_written_literally_as_string_cells(tmp_path, writer, payloads):
    project = make_project(tmp_path / "p", {"care_homes": {"supply": hostile_frame(payloads)}}, writer,
                           caption='=HYPERLINK("http://x","caption")')
    path = write_data_workbook(project, ["care_homes"], tmp_path / "out" / "mps_data.xlsx", "=Council", 2026)
    wb = load_workbook(path)
    assert not [c.coordinate for ws in wb for row in ws.iter_rows() for c in row if c.data_type in ("f", "e")]
    rows = sheet_cells(path, "CH supply")
    assert [c.value for c in rows[0]] == ["Brand", "Beds", "Share pct"]  # no raw column name is published
    brands = [row[0] for row in rows[1:]]
    assert [c.value for c in brands] == [expected_text(p) for p in payloads]
    assert all(c.data_type == "s" for c in brands)
    assert brands[payloads.index("first line\nsecond line")].alignment.wrap_text
    assert brands[-1].alignment.wrap_text and len(brands[-1].value) == 10_000
    readme = [c.value for row in wb["README"].iter_rows() for c in row if c.value is not None]
    assert '=HYPERLINK("http://x","caption")' in readme and any(str(v).endswith("=Council — the data behind "
                                                                              "every chart and table") for v in readme)


def test_numbers_are_number_cells_with_their_table_formats(tmp_path):
    frame = pd.DataFrame({"category": ["Residential", "Nursing", "All"], "homes": [10, 12, 22],
                          "occupancy_pct": [87.5, 91.25, -3.5], "rate": [812.4, 1010.0, None],
                          "median": ["12.5", "[c]", "-3.5"]})
    project = make_project(tmp_path / "p", {"care_homes": {"occupancy": frame}},
                           formats={"occupancy": {"homes": "int", "occupancy_pct": "pct", "rate": "gbp",
                                                  "median": "gbp"}})
    rows = sheet_cells(write_data_workbook(project, ["care_homes"], tmp_path / "d.xlsx", "X", 2026), "CH occupancy")
    homes, pct, rate, median = ([row[j] for row in rows[1:]] for j in (1, 2, 3, 4))
    assert [(c.data_type, c.value, c.number_format) for c in homes] == [("n", 10, "#,##0"), ("n", 12, "#,##0"),
                                                                         ("n", 22, "#,##0")]
    assert [c.value for c in pct] == pytest.approx([0.875, 0.9125, -0.035])  # 87.5 (%) as a real fraction
    assert {c.number_format for c in pct} == {"0.0%"} and {c.data_type for c in pct} == {"n"}
    assert rate[0].value == 812.4 and rate[0].number_format == '"£"#,##0.00' and rate[2].value is None
    assert (median[0].value, median[0].number_format) == (12.5, '"£"#,##0.00')
    assert (median[1].value, median[1].data_type) == ("[c]", "s")  # the suppression marker stays a marker
    assert (median[2].value, median[2].data_type) == (-3.5, "n")  # a negative number stays a number


def test_numbers_shown_as_text_become_numbers_that_show_the_same(tmp_path):
    # As the workforce, concentration, KPI and oversight tables publish them: values already formatted as text.
    frame = pd.DataFrame({"measure": ["Turnover", "Pay", "Gap", "HHI", "Providers", "Band", "Target", "Missing"],
                          "value": ["25.2%", "£12.56", "£-0.15", "1,016", "60 (60)", "unconcentrated", "39%", "–"]})
    project = make_project(tmp_path / "p", {"oversight": {"kpis": frame}})
    rows = sheet_cells(write_data_workbook(project, ["oversight"], tmp_path / "d.xlsx", "X", 2026), "OV kpis")
    cells = [row[1] for row in rows[1:]]
    assert [(c.data_type, c.number_format) for c in cells[:4]] == [
        ("n", "0.0%"), ("n", '"£"#,##0.00'), ("n", '"£"#,##0.00'), ("n", "#,##0")]
    assert [c.value for c in cells[:4]] == pytest.approx([0.252, 12.56, -0.15, 1016])
    assert [(c.value, c.data_type) for c in cells[4:6]] == [("60 (60)", "s"), ("unconcentrated", "s")]
    assert (cells[6].value, cells[6].number_format) == (pytest.approx(0.39), "0%")
    assert (cells[7].value, cells[7].data_type) == ("–", "s")
    assert [row[0].data_type for row in rows[1:]] == ["s"] * 8


def test_text_that_only_looks_numeric_stays_text(tmp_path):
    frame = pd.DataFrame({"code": ["007", "+1", "1e5", "12345678901234567"], "name": ["a", "b", "c", "d"]})
    project = make_project(tmp_path / "p", {"home_care": {"ids": frame}})
    rows = sheet_cells(write_data_workbook(project, ["home_care"], tmp_path / "d.xlsx", "X", 2026), "HC ids")
    assert [(row[0].value, row[0].data_type) for row in rows[1:]] == [
        ("007", "s"), ("+1", "s"), ("1e5", "s"), ("12345678901234567", "s")]


def test_text_excel_cannot_hold_does_not_stop_the_workbook(tmp_path):
    frame = pd.DataFrame({"brand": ["bell\x07name", "ok"], "n": [1, 2]})
    project = make_project(tmp_path / "p", {"care_homes": {"supply": frame}})
    rows = sheet_cells(write_data_workbook(project, ["care_homes"], tmp_path / "d.xlsx", "X", 2026), "CH supply")
    assert rows[1][0].value == "bell\ufffdname"


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o002])
def test_workbook_is_readable_like_the_other_outputs(tmp_path, mask):
    project = make_project(tmp_path / "p", {"care_homes": {"supply": hostile_frame()}})
    previous = os.umask(mask)
    try:
        path = write_data_workbook(project, ["care_homes"], tmp_path / "out" / "mps_data.xlsx", "X", 2026)
        neighbour = tmp_path / "out" / "neighbour.txt"
        neighbour.write_text("x")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask == stat.S_IMODE(neighbour.stat().st_mode)
    assert sorted(p.name for p in path.parent.iterdir()) == ["mps_data.xlsx", "neighbour.txt"]


def test_each_charts_data_gets_its_own_sheet(tmp_path):
    project = make_project(tmp_path / "p", {"care_homes": {"occupancy": pd.DataFrame({"year": [2025], "pct": [90.0]})}})
    folder = artefact_dir(project, "care_homes")
    summary = json.loads((folder / "key_figures.json").read_text(encoding="utf-8"))
    summary["sections"][0]["items"] += [{"kind": "chart", "name": "occupancy", "caption": "=Occupancy trend"},
                                        {"kind": "chart", "name": "no_data", "caption": "A chart without data"}]
    (folder / "key_figures.json").write_text(json.dumps(summary), encoding="utf-8")
    write_csv(pd.DataFrame({"home": ["@Home"], "beds": [-3]}), folder / "occupancy.chart.csv")
    wb = load_workbook(write_data_workbook(project, ["care_homes"], tmp_path / "d.xlsx", "X", 2026))
    assert wb.sheetnames == ["README", "CH occupancy", "CH occupancy chart"]
    ws = wb["CH occupancy chart"]
    assert (ws["A2"].value, ws["A2"].data_type, ws["B2"].value, ws["B2"].data_type) == ("@Home", "s", -3, "n")
    readme = [[c.value for c in row] for row in wb["README"].iter_rows()]
    assert ["CH occupancy chart", "Care homes", "occupancy chart", "=Occupancy trend"] in readme


def test_published_headers_real_dates_plain_years_and_the_house_minus(tmp_path):
    from helpers.present.tables import Table
    frame = pd.DataFrame({"date": pd.to_datetime(["2024-11-01", "2025-11-01"]), "year": [2024, 2025],
                          "beds_total": [3356.0, 3594.0], "net_change": [None, -3],
                          "shown": ["−3.5%", "−£1,234.50"]})
    table = Table("entries_exits", frame, "Flows", {"date": "Directory date", "beds_total": "Beds"},
                  {"beds_total": "int", "net_change": "signed"})
    project = make_project(tmp_path / "p", {"care_homes": {"entries_exits": frame}},
                           formats={"entries_exits": table.formats})
    (artefact_dir(project, "care_homes") / "entries_exits.md").write_text(table.markdown(), encoding="utf-8")
    wb = load_workbook(write_data_workbook(project, ["care_homes"], tmp_path / "d.xlsx", "X", 2026))
    assert "CH entries exits" in wb.sheetnames  # sheets are named in words
    rows = [list(r) for r in wb["CH entries exits"].iter_rows()]
    assert [c.value for c in rows[0]] == ["Directory date", "Year", "Beds", "Net change", "Shown"]
    date, year, beds, net, shown = rows[1][0], rows[1][1], rows[1][2], rows[2][3], rows[1][4]
    assert date.is_date and date.value.date() == pd.Timestamp("2024-11-01").date() and date.number_format == "d mmmm yyyy"
    assert (year.value, year.number_format) == (2024, "0")  # 2024, never 2,024
    assert (beds.value, beds.number_format) == (3356, "#,##0")
    assert net.value == -3 and "−" in net.number_format
    assert (shown.value, shown.data_type) == (pytest.approx(-0.035), "n")  # "−3.5%" is still a number
    assert (rows[2][4].value, rows[2][4].number_format) == (-1234.5, '"£"#,##0.00')
    readme = [c.value for row in wb["README"].iter_rows() for c in row if isinstance(c.value, str)]
    assert "entries exits" in readme and not [v for v in readme if "_" in v]


@pytest.mark.parametrize("synthetic", [True, False])
def test_readme_comes_first_and_lists_every_sheet_in_order(tmp_path, synthetic):
    frames = {"care_homes": {"supply": hostile_frame(["a", "b"]), "fees": pd.DataFrame({"band": ["x"], "fee": [1.5]})},
              "oversight": {"kpis": pd.DataFrame({"measure": ["m"], "value": ["25.2%"]})}}
    project = make_project(tmp_path / "p", frames)
    if not synthetic:
        for service in frames:
            path = artefact_dir(project, service) / "key_figures.json"
            path.write_text(path.read_text(encoding="utf-8").replace('"synthetic": true', '"synthetic": false'),
                            encoding="utf-8")
    wb = load_workbook(write_data_workbook(project, list(frames), tmp_path / "d.xlsx", "Sheffield", 2026))
    assert wb.sheetnames == ["README", "CH supply", "CH fees", "OV kpis"]
    readme = wb["README"]
    rows = [[c.value for c in row] for row in readme.iter_rows()]
    title = readme["A1"]
    assert title.value == "Market Position Statement 2026: Sheffield — the data behind every chart and table"
    assert title.font.b and title.font.sz == 14 and title.alignment.wrap_text
    first = 3 if synthetic else 2  # the row of the description
    if synthetic:
        marker = readme["A2"]
        assert marker.value.startswith("SYNTHETIC DEMO DATA") and marker.font.b and marker.font.color.rgb == "00B3261E"
    assert rows[first - 1][0].startswith("One sheet per table") and all(v is None for v in rows[first])
    assert rows[first + 1] == ["Sheet", "Service", "Table or chart", "Caption"]
    assert all(c.font.b for c in readme[first + 2])
    assert rows[first + 2:] == [["CH supply", "Care homes", "supply", "A caption"],
                                ["CH fees", "Care homes", "fees", "A caption"],
                                ["OV kpis", "Oversight", "kpis", "A caption"]]
    assert (readme.column_dimensions["A"].width, readme.column_dimensions["D"].width) == (28, 100)
    sheet = wb["CH fees"]
    assert sheet.freeze_panes == "A2" and sheet.column_dimensions["A"].width == 10
    assert [(c.font.b, c.font.color.rgb, c.fill.fgColor.rgb, c.alignment.wrap_text) for c in sheet[1]] == [
        (True, "00FFFFFF", "001D4F91", True)] * 2


def test_sheets_are_written_in_memory_as_openpyxl_writes_them(tmp_path, monkeypatch):
    """save_atomically makes no temporary file per sheet, and its zip holds the same parts as Workbook.save's."""
    import zipfile

    from openpyxl.worksheet import _writer as openpyxl_writer

    from helpers.present import data_workbook

    project = make_project(tmp_path / "p", {"care_homes": {"supply": hostile_frame(), "ids": hostile_frame()}})
    made = []
    monkeypatch.setattr(data_workbook, "save_atomically", lambda wb, path: made.append(wb))
    for _ in range(2):
        write_data_workbook(project, ["care_homes"], tmp_path / "unused.xlsx", "X", 2026)
    monkeypatch.undo()
    data_workbook.force_text(made[0])
    made[0].save(tmp_path / "openpyxl.xlsx")
    temporary = []
    monkeypatch.setattr(openpyxl_writer, "create_temporary_file", lambda suffix="": temporary.append(suffix))
    data_workbook.save_atomically(made[1], tmp_path / "ours.xlsx")
    assert temporary == []
    with zipfile.ZipFile(tmp_path / "openpyxl.xlsx") as a, zipfile.ZipFile(tmp_path / "ours.xlsx") as b:
        assert a.namelist() == b.namelist()
        assert [a.read(n) for n in a.namelist() if n != "docProps/core.xml"] == \
            [b.read(n) for n in b.namelist() if n != "docProps/core.xml"]
