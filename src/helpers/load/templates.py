"""The xlsx templates the workbook ships for the council's own data: one per local source.

Each template has a README sheet (the source's description, an "As at" cell and one line per
column: type, required, allowed values, description, example), the data sheet with the source's
example rows, and a hidden sheet of drop-down lists.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from helpers.load.catalogue import LOCAL_SOURCES
from helpers.load.local_schema import README_SHEET, Field, LocalSource

LISTS_SHEET = "Lists"
TEMPLATE_ROWS = 2000
README_LINE_CHARS = 180
NUMBER_FORMATS = {"int": "0", "number": "General", "money": '"£"#,##0.00', "percent": '0.0"%"',
                  "date": "DD/MM/YYYY", "text": "@", "code": "@", "council": "@"}
TYPE_NAMES = {"text": "text", "int": "whole number", "number": "number", "money": "£ amount",
              "percent": "percentage (85 = 85%)", "date": "date (DD/MM/YYYY)", "code": "one of a list",
              "flag": "Y or N", "council": "ONS council code"}

def _allowed_text(f: Field) -> str:
    """How the README describes the values a field accepts."""
    if f.kind == "council":
        return "ONS code of an English council with adult social care responsibility, e.g. E08000019 (Sheffield)"
    if f.choices:
        return "; ".join(f.choices)
    if f.lower is not None and f.upper is not None:
        return f"{f.lower:g} to {f.upper:g}"
    if f.lower is not None or f.upper is not None:
        return f"at least {f.lower:g}" if f.lower is not None else f"at most {f.upper:g}"
    return "DD/MM/YYYY" if f.kind == "date" else ""


def _example_value(spec: LocalSource, f: Field) -> object:
    """The first example row's non-blank value of a field, as written into a cell."""
    return _cell_value(next((e[f.canonical] for e in spec.examples if e.get(f.canonical) not in (None, "")), None))


def _write_readme(spec: LocalSource, wb: Workbook, as_at: date | None) -> None:
    ws = wb.active
    ws.title = README_SHEET
    ws.append([spec.title])
    ws["A1"].font = Font(bold=True, size=14)
    paragraphs = [" ".join(p.split()) for p in spec.readme.strip().split("\n\n")]
    for text in [*paragraphs, f"Fill in the '{spec.sheet}' sheet: keep the header row as it is (rows above it are "
                 "allowed), one row per record. The example rows, marked 'Example', show the format: delete them. "
                 "Blank cells are allowed only where 'Required' says No. Dates are DD/MM/YYYY."]:
        ws.append([text])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=6)
        ws.cell(ws.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[ws.max_row].height = 15 * (len(text) // README_LINE_CHARS + 1)
    ws.append([])
    ws.append(["As at", None, "← the date the data describe (DD/MM/YYYY)"])
    ws.cell(ws.max_row, 1).font = Font(bold=True)
    ws.cell(ws.max_row, 2).number_format = NUMBER_FORMATS["date"]
    if as_at is not None:
        ws.cell(ws.max_row, 2).value = as_at
    ws.append([])
    ws.append(["Column", "Type", "Required", "Allowed values", "Description", "Example"])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for f in spec.fields:
        example = _example_value(spec, f)
        ws.append([f.published, TYPE_NAMES[f.kind], "Yes" if f.required else "No", _allowed_text(f), f.description,
                   example.strftime("%d/%m/%Y") if isinstance(example, date) else example])
        for cell in ws[ws.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEF", [32, 22, 10, 50, 70, 28]):
        ws.column_dimensions[letter].width = width


def _write_lists(spec: LocalSource, wb: Workbook) -> dict[str, str]:
    """A hidden sheet with one column per drop-down; returns field → list range formula."""
    ws = wb.create_sheet(LISTS_SHEET)
    ws.sheet_state = "hidden"
    ranges = {}
    for f in (f for f in spec.fields if f.choices):
        col = len(ranges) + 1
        ws.cell(1, col, f.published)
        for r, value in enumerate(f.choices, start=2):
            ws.cell(r, col, value)
        letter = get_column_letter(col)
        ranges[f.canonical] = f"{LISTS_SHEET}!${letter}$2:${letter}${len(f.choices) + 1}"
    return ranges


def _cell_value(value: object) -> object:
    """A value as written into a template cell: flags as Y/N."""
    if isinstance(value, bool):
        return "Y" if value else "N"
    return value


def _write_data(spec: LocalSource, wb: Workbook, ranges: dict[str, str]) -> None:
    ws = wb.create_sheet(spec.sheet, 1)
    ws.append([f.published for f in spec.fields])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for example in spec.examples:
        ws.append([_cell_value(example.get(f.canonical)) for f in spec.fields])
    for col, f in enumerate(spec.fields, start=1):
        letter = get_column_letter(col)
        fmt = NUMBER_FORMATS.get(f.kind)
        if fmt:
            ws.column_dimensions[letter].number_format = fmt
            for row in range(2, len(spec.examples) + 2):
                ws.cell(row, col).number_format = fmt
        longest = max([len(f.published), *(len(str(_cell_value(e.get(f.canonical)))) for e in spec.examples)])
        ws.column_dimensions[letter].width = min(max(longest, 8) + 2, 45)
        if f.canonical in ranges:
            dv = DataValidation(type="list", formula1=ranges[f.canonical], allow_blank=not f.required,
                                showErrorMessage=True, errorTitle=f.published[:32],
                                error="Choose a value from the drop-down list (the README sheet lists them).")
            dv.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
            ws.add_data_validation(dv)


def write_template(spec: LocalSource, path: Path, as_at: date | None = None) -> Path:
    """Write the source's xlsx template: README sheet, data sheet with the example rows, hidden drop-down lists.

    ``as_at`` fills the README's "As at" cell (left blank in a template; the demo data fill it).
    """
    path = Path(path)
    wb = Workbook()
    _write_readme(spec, wb, as_at)
    _write_data(spec, wb, _write_lists(spec, wb))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_templates(out_dir: Path) -> list[Path]:
    """Write every local source's template as ``template_<name>.xlsx`` under out_dir."""
    return [write_template(spec, Path(out_dir) / f"template_{name}.xlsx") for name, spec in LOCAL_SOURCES.items()]
