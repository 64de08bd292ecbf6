"""mps_data.xlsx: every table behind the MPS's charts and tables, one sheet each, with a README sheet.

Every cell from a table is data: text is a string cell, never a formula (``=HYPERLINK(…)`` in a brand name is
shown as written), and numbers are number cells with a number format. A table's CSV may carry numbers as
display text ('39.0%', '£12.56', '1,016'); those become numbers whose format shows the same (0.39 with '0.0%').
Numeric columns take the Table's display formats when the artefacts' manifest lists them (``formats`` of a
table item): ``pct`` columns, which hold 39.0 for 39%, are written as the fraction 0.39 with '0.0%'.

Everything a reader sees is in the statement's house style (helpers.present.wording): a table's columns carry
the headers the statement shows (read back from the table's Markdown), a chart's data its own labels, sheets
are named in words ("CH cost totals"); a date is a real date shown "1 November 2026"; a year is a plain
number (2026, never 2,026); a negative number written with the minus sign "−" is still a number.

Each cell is made once, as it is added: typed (text a string cell, a number with its format) and styled from
the few style objects made once for the module. Nothing is restyled or re-typed in a second pass over the cells;
save_atomically's force_text still checks every text cell before the save.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from io import BytesIO
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from helpers.files import replacing
from helpers.present import wording
from helpers.present.publish import artefact_dir
from helpers.present.tables import header, headers_of
from helpers.present.spreadsheet_text import cell_value, display_number, excel_number, force_text, restore, write_cell

HEADER_FILL = PatternFill("solid", fgColor="1D4F91")
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
SYNTHETIC_FONT = Font(bold=True, color="B3261E")
SYNTHETIC = "SYNTHETIC DEMO DATA: every figure is invented to show how the workbook works."
MAX_SHEET = 31
DATE_FORMAT = "d mmmm yyyy"  # 1 November 2026: no leading zero
YEAR_FORMAT = "0"  # 2026, never 2,026
SIGNED_FORMATS = {"signed": '+#,##0;"−"#,##0;0', "signed1": '+#,##0.0;"−"#,##0.0;0.0'}
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00(?::00(?:\.0+)?)?)?")


def _sheet_name(service: str, table: str, used: set[str]) -> str:
    short = {"care_homes": "CH", "home_care": "HC", "supported_living": "SL", "day_opportunities": "DO",
             "oversight": "OV"}.get(service, service[:3])
    base = f"{short} {table.replace('_', ' ')}"[:MAX_SHEET]
    name, n = base, 2
    while name.casefold() in used:
        name = f"{base[:MAX_SHEET - 3]} {n}"
        n += 1
    used.add(name.casefold())
    return name


def _typed(value: Any, fmt: str | None) -> tuple[Any, str | None]:
    """A table cell as (value, number format): numbers in the column's format, numbers shown as text parsed back,
    an ISO date a real date, a year a plain number."""
    if isinstance(value, str):
        day = _ISO_DATE.fullmatch(value.strip())
        if day:
            return dt.date(*(int(part) for part in day.groups())), DATE_FORMAT
        value = value.replace(wording.MINUS, "-") if value.lstrip("+£").startswith(wording.MINUS) else value
        parsed = display_number(value)
        if parsed is None:
            return value, None
        number, number_format = parsed
        plain = not any(ch in value for ch in "%£,")
        return excel_number(number, fmt) if plain and fmt else (number, number_format)
    if fmt == "year":
        return value, YEAR_FORMAT
    if fmt in SIGNED_FORMATS:
        return value, SIGNED_FORMATS[fmt]
    return excel_number(value, fmt)


def _shown_width(value: Any) -> int:
    """Characters of the widest line a cell shows."""
    value = cell_value(value)
    return 0 if value is None else max(len(line) for line in str(value).split("\n"))


def _year_column(column: str, shown: str) -> bool:
    return str(column).strip().lower() == "year" or shown.strip().lower() == "year"


def _cell(ws: Worksheet, value: Any, number_format: str | None = None, font: Font | None = None,
          fill: PatternFill | None = None, alignment: Alignment | None = None) -> Cell | None:
    """One cell as spreadsheet_text.write_cell makes it (text a string cell, never a formula; a number with
    number_format; a date shown as DATE_FORMAT), with the given style; None for a missing value."""
    cell = write_cell(Cell(ws), value, number_format)
    if cell.value is None and font is None and fill is None:
        return None
    if isinstance(cell.value, (dt.date, dt.datetime)):
        cell.number_format = DATE_FORMAT
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _write_sheet(wb: Workbook, name: str, columns: list[str], rows: list[tuple], formats: dict[str, str] | None = None,
                 headers: list[str] | None = None) -> None:
    """One table on its sheet: a header row (the published headers), then every cell typed (text as string
    cells, numbers formatted)."""
    shown = headers if headers and len(headers) == len(columns) else [header(c, {}) for c in columns]
    formats = {**{str(c): "year" for c, h in zip(columns, shown) if _year_column(c, h)}, **(formats or {})}
    column_formats = [formats.get(str(column)) for column in columns]
    ws = wb.create_sheet(name)
    ws.append([_cell(ws, str(column), font=HEADER_FONT, fill=HEADER_FILL, alignment=HEADER_ALIGNMENT)
               for column in shown])
    for row in rows:
        ws.append([_cell(ws, *_typed(value, fmt)) for value, fmt in zip(row, column_formats)])
    for j, column in enumerate(shown):
        width = max([_shown_width(column)] + [_shown_width(row[j]) for row in rows[:200]])
        ws.column_dimensions[get_column_letter(j + 1)].width = min(60, max(10, width + 2))
    ws.freeze_panes = "A2"


def read_table(csv: Path) -> tuple[list[str], list[tuple]]:
    """A published table's CSV as written, as (column names, rows): text restored from its CSV-injection guard
    (spreadsheet_text.read_csv's restore, done on the rows, not the frame), only empty cells missing (NaN)."""
    frame = pd.read_csv(csv, keep_default_na=False, na_values=[""])
    columns = [restore(c) if isinstance(c, str) else c for c in frame.columns]
    rows = [tuple(restore(v) if isinstance(v, str) else v for v in row)
            for row in frame.itertuples(index=False, name=None)]
    return columns, rows


def write_data_workbook(project: Path, services: list[str], path: Path, council_name: str, year: int) -> Path:
    """Write every published table and chart's data (``<chart>.chart.csv``) of the MPS project's artefacts to one
    xlsx (temp file, then moved into place)."""
    wb = Workbook()
    readme = wb.active
    readme.title = "README"  # the first sheet; its rows are written once every sheet is known
    listed: list[list[str]] = []
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
                md = folder / f"{item['name']}.md"
                headers = None if chart or not md.exists() else headers_of(md.read_text(encoding="utf-8"))
                _write_sheet(wb, name, *read_table(csv), item.get("formats"), headers)
                listed.append([name, summary.get("title", service), label.replace("_", " "), item["caption"]])
    readme.append([_cell(readme, f"Market Position Statement {year}: {council_name} — the data behind every chart "
                                 "and table", font=TITLE_FONT)])
    if synthetic:
        readme.append([_cell(readme, SYNTHETIC, font=SYNTHETIC_FONT)])
    readme.append([_cell(readme, "One sheet per table and per chart's data, named by service (CH care homes, HC home "
                                 "care, SL supported living, DO day opportunities, OV oversight) and table or chart. "
                                 "'[c]' marks a cost figure suppressed because fewer than the minimum number of "
                                 "providers returned costs.")])
    readme.append([])
    readme.append([_cell(readme, text, font=BOLD) for text in ("Sheet", "Service", "Table or chart", "Caption")])
    for row in listed:
        readme.append([_cell(readme, value) for value in row])
    readme.column_dimensions["A"].width, readme.column_dimensions["D"].width = 28, 100
    return save_atomically(wb, path)


def save_atomically(wb: Workbook, path: Path) -> Path:
    """Save a workbook to a temp file beside the target, then move it into place (a failure leaves the old file).

    Every str cell is made a string cell first (never a formula), and the file gets the permissions any
    other output gets (0o666 less the umask), not the private 0600 of the temporary file.
    """
    force_text(wb)
    with replacing(path) as tmp:
        _save(wb, tmp)
    return Path(path)


class _InMemoryWriter(ExcelWriter):
    """openpyxl's ExcelWriter with each worksheet's XML made in memory: openpyxl writes it to a temporary file in
    the system's temp folder, reads that into the zip and deletes it, one file per sheet (a data workbook has ~120)."""

    def write_worksheet(self, ws: Worksheet) -> None:
        """ExcelWriter.write_worksheet for a workbook that is not write-only, through a BytesIO."""
        if self.workbook.write_only:
            super().write_worksheet(ws)
            return
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = WorksheetWriter(ws, out=BytesIO())
        writer.write()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], writer.read())
        self.manifest.append(ws)


def _save(wb: Workbook, path: Path) -> None:
    """What Workbook.save (openpyxl.writer.excel.save_workbook) does, with _InMemoryWriter."""
    if wb.read_only or wb.write_only:
        wb.save(path)
        return
    archive = ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True)
    wb.properties.modified = dt.datetime.now(tz=dt.timezone.utc).replace(tzinfo=None)
    _InMemoryWriter(wb, archive).save()
