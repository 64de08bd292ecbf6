"""mps_data.xlsx: every table behind the MPS's charts and tables, one sheet each, with a README sheet.

Every cell from a table is data: text is a string cell, never a formula (``=HYPERLINK(…)`` in a brand name is
shown as written), and numbers are number cells with a number format. A table's CSV may carry numbers as
display text ('39.0%', '£12.56', '1,016'); those become numbers whose format shows the same (0.39 with '0.0%').
Numeric columns take the Table's display formats when the artefacts' manifest lists them (``formats`` of a
table item): ``pct`` columns, which hold 39.0 for 39%, are written as the fraction 0.39 with '0.0%'.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from helpers.files import replacing
from helpers.present.publish import artefact_dir
from helpers.present.spreadsheet_text import (append_row, cell_value, display_number, excel_number, force_text, read_csv,
                                      write_cell)

HEADER_FILL = PatternFill("solid", fgColor="1D4F91")
MAX_SHEET = 31


def _sheet_name(service: str, table: str, used: set[str]) -> str:
    short = {"care_homes": "CH", "home_care": "HC", "supported_living": "SL", "day_opportunities": "DO",
             "oversight": "OV"}.get(service, service[:3])
    base = f"{short} {table}"[:MAX_SHEET]
    name, n = base, 2
    while name.casefold() in used:
        name = f"{base[:MAX_SHEET - 3]} {n}"
        n += 1
    used.add(name.casefold())
    return name


def _typed(value: Any, fmt: str | None) -> tuple[Any, str | None]:
    """A table cell as (value, number format): numbers in the column's format, numbers shown as text parsed back."""
    if isinstance(value, str):
        parsed = display_number(value)
        if parsed is None:
            return value, None
        number, number_format = parsed
        plain = not any(ch in value for ch in "%£,")
        return excel_number(number, fmt) if plain and fmt else (number, number_format)
    return excel_number(value, fmt)


def _shown_width(value: Any) -> int:
    """Characters of the widest line a cell shows."""
    value = cell_value(value)
    return 0 if value is None else max(len(line) for line in str(value).split("\n"))


def _write_sheet(wb: Workbook, name: str, frame: pd.DataFrame, formats: dict[str, str] | None = None) -> None:
    """One table on its sheet: a header row, then every cell typed (text as string cells, numbers formatted)."""
    formats = formats or {}
    ws = wb.create_sheet(name)
    columns = list(frame.columns)
    for j, column in enumerate(columns, 1):
        cell = write_cell(ws.cell(1, j), str(column))
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, row in enumerate(frame.itertuples(index=False, name=None), 2):
        for j, (column, value) in enumerate(zip(columns, row), 1):
            write_cell(ws.cell(i, j), *_typed(value, formats.get(str(column))))
    for j, column in enumerate(columns, 1):
        width = max([_shown_width(column)] + [_shown_width(v) for v in frame.iloc[:200, j - 1]])
        ws.column_dimensions[get_column_letter(j)].width = min(60, max(10, width + 2))
    ws.freeze_panes = "A2"


def read_table(csv: Path) -> pd.DataFrame:
    """A published table's CSV as written: text restored from its CSV-injection guard, only empty cells missing."""
    return read_csv(csv, keep_default_na=False, na_values=[""])


def write_data_workbook(project: Path, services: list[str], path: Path, council_name: str, year: int) -> Path:
    """Write every published table and chart's data (``<chart>.chart.csv``) of the MPS project's artefacts to one
    xlsx (temp file, then moved into place)."""
    wb = Workbook()
    readme = wb.active
    readme.title = "README"
    append_row(readme, [f"Market Position Statement {year}: {council_name} — the data behind every chart and table"])
    readme["A1"].font = Font(bold=True, size=14)
    append_row(readme, ["One sheet per table and per chart's data, named by service (CH care homes, HC home care, "
                        "SL supported living, DO day opportunities, OV oversight) and table or chart. '[c]' marks a "
                        "cost figure suppressed because fewer than the minimum number of providers returned costs."])
    readme.append([])
    readme.append(["Sheet", "Service", "Table or chart", "Caption"])
    for cell in readme[4]:
        cell.font = Font(bold=True)
    used: set[str] = {"readme"}
    synthetic = False
    for service in services:
        folder = artefact_dir(project, service)
        summary = json.loads((folder / "key_figures.json").read_text(encoding="utf-8"))
        synthetic |= bool(summary.get("synthetic"))
        for section in summary["sections"]:
            for item in section["items"]:
                chart = item["kind"] == "chart"
                csv = folder / f"{item['name']}{'.chart' if chart else ''}.csv"
                if item["kind"] not in ("table", "chart") or not csv.exists():
                    continue
                label = f"{item['name']} chart" if chart else item["name"]
                name = _sheet_name(service, label, used)
                _write_sheet(wb, name, read_table(csv), item.get("formats"))
                append_row(readme, [name, summary.get("title", service), label, item["caption"]])
    if synthetic:
        readme.insert_rows(2)
        readme["A2"] = "SYNTHETIC DEMO DATA: every figure is invented to show how the workbook works."
        readme["A2"].font = Font(bold=True, color="B3261E")
    readme.column_dimensions["A"].width, readme.column_dimensions["D"].width = 28, 100
    return save_atomically(wb, path)


def save_atomically(wb: Workbook, path: Path) -> Path:
    """Save a workbook to a temp file beside the target, then move it into place (a failure leaves the old file).

    Every str cell is made a string cell first (never a formula), and the file gets the permissions any
    other output gets (0o666 less the umask), not the private 0600 of the temporary file.
    """
    force_text(wb)
    with replacing(path) as tmp:
        wb.save(tmp)
    return Path(path)
