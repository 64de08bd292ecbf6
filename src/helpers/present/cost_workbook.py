"""The cost-of-care tables as an xlsx workbook for finance colleagues: one sheet per table and a README sheet.

Only the published (already suppressed) tables of each ``CostSection`` are written, so the workbook
never carries a provider ID or a statistic from fewer than ``min_providers`` returns: its figures are the
ones the statement's cost chapters and mps_data.xlsx publish, laid out for finance (money and percentage
formats, the method, NLW and CPI sources). ``caremarket run`` writes it for each council into the internal
tree, OUT/internal/<year>/<code>/cost_of_care_<code>.xlsx, from notebooks/provider_risk_dashboard.ipynb: a
working file for the council's own staff, not a second published workbook. Money cells get
£ formats, percentages real Excel % formats (stored as fractions), headers are bold and filled and
the header row is frozen. Every text cell (fee band names, source file names, messages) is a string cell,
never a formula, and wraps when it has line breaks or is long. The file is written to a temporary file and
moved into place with the usual permissions (0o666 less the umask), so a failed run never leaves a
half-written workbook.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from helpers.assess.cost_of_care import CostSection, footnote, latest_cpi, load_params, period_name
from helpers.present.data_workbook import save_atomically
from helpers.present.spreadsheet_text import NUMBER_FORMATS, append_row, cell_value
from helpers.present.tables import Table
from helpers.services import name as service_name

HEADER_FILL = PatternFill("solid", fgColor="1F5F8B")
HEADER_FONT = Font(bold=True, color="FFFFFF")
KINDS = {"cost_lines": "lines", "cost_totals": "totals", "cost_fees": "fees", "cost_uplift": "uplift",
         "cost_sensitivity": "sensitivity"}
MIN_WIDTH, MAX_WIDTH = 10, 50
METHOD = (
    "Quartiles use the spreadsheet QUARTILE.INC method (linear interpolation between the sorted values: "
    "position (n − 1) × p), e.g. 1, 2, 3, 4 → lower quartile 1.75, median 2.5, upper quartile 3.25. The total "
    "cost is the median of providers' totals, not the sum of the line medians. Gap = median cost − current "
    "rate (positive: the rate is below the median), as £ and % of the median. Uplift = staff share × NLW change "
    "+ non-staff share × CPI; budget impact = (proposed rate − current rate) × contracted volume a year.")


def sheet_name(service: str, table_name: str) -> str:
    """The sheet of one service's table, e.g. 'Home care fees' (at most 31 characters)."""
    kind = KINDS.get(table_name, table_name.removeprefix("cost_"))
    return f"{service_name(service).capitalize()} {kind}"[:31]


def _excel_value(value: Any, fmt: str | None) -> Any:
    """A cell value as written: markers and text as they are, missing as blank, percentages as fractions."""
    if value is None or isinstance(value, str):
        return cell_value(value)
    try:
        if value != value:  # NaN and pd.NA are blank cells
            return None
    except TypeError:
        return None
    if isinstance(value, bool):
        return value
    if fmt == "pct":
        return round(float(value) / 100, 6)
    if fmt in ("gbp", "gbp0", "num1"):
        return round(float(value), 2)
    return float(value) if fmt == "int" else value


def _write_table(ws: Worksheet, table: Table) -> None:
    """One table on its sheet: formatted header row, typed cells, frozen header, filter and column widths."""
    columns = list(table.frame.columns)
    append_row(ws, [table.headers.get(c, c) for c in columns])
    for cell in ws[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table.frame.itertuples(index=False):
        append_row(ws, [_excel_value(v, table.formats.get(c)) for c, v in zip(columns, row)])
    for j, c in enumerate(columns, start=1):
        fmt = NUMBER_FORMATS.get(table.formats.get(c, ""))
        for i in range(2, ws.max_row + 1):
            cell = ws.cell(i, j)
            if fmt and not isinstance(cell.value, str):
                cell.number_format = fmt
            elif isinstance(cell.value, str) and fmt:
                cell.alignment = Alignment(horizontal="right", vertical=cell.alignment.vertical,
                                           wrap_text=cell.alignment.wrap_text)
        longest = max([len(str(ws.cell(i, j).value or "")) for i in range(2, ws.max_row + 1)] + [0])
        header = len(str(ws.cell(1, j).value))
        ws.column_dimensions[get_column_letter(j)].width = min(max(longest + 4, min(header, 24) + 2, MIN_WIDTH),
                                                               MAX_WIDTH)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = ws.dimensions


def _readme(ws: Worksheet, sections: dict[str, CostSection], council_name: str, contents: list[tuple[str, str]],
            params: dict[str, Any]) -> None:
    """The README sheet: what the workbook is, its sources and vintages, the method and the disclosure rule."""
    append_row(ws, [f"Cost of care and value for money: {council_name}"])
    ws["A1"].font = Font(bold=True, size=14)
    synthetic = any(s.get("synthetic") for sec in sections.values() for s in sec.sources)
    cpi = latest_cpi(params)
    rows: list[list[Any]] = [
        [],
        ["About", "Published cost-of-care tables behind the Market Position Statement: quartiles of providers' cost "
                  "returns per cost line and in total, fee rates against the median cost, the uplift for next year "
                  "and its budget impact."],
        *([["Warning", "SYNTHETIC DEMO DATA: not a real council's figures."]] if synthetic else []),
        ["Method", METHOD],
        ["Disclosure rule", f"No figure is computed from fewer than {params['min_providers']} providers' returns; such "
                            f"cells show {params['suppression_marker']}. {footnote(params)} No provider's own figures "
                            "or IDs appear in this workbook."],
        ["NLW", f"{params['national_living_wage']['source']}"],
        ["CPI", f"{params['cpi']['source']}: latest reading {cpi['rate_pct']:g}% ({period_name(str(cpi['period']))}, "
                f"published {cpi['published']})"],
        ["HCA minimum price", params["homecare_minimum_price"]["source"]],
        [],
        ["Source", "Service", "File", "Vintage"],
    ]
    for row in rows:
        append_row(ws, row)
    header_row = ws.max_row
    for service, section in sections.items():
        for s in section.sources:
            append_row(ws, [s["source"], service_name(service), s["file"], s["vintage"]])
        if not section.available:
            append_row(ws, ["(none)", service_name(service), "", " ".join(section.messages)])
    ws.append([])
    ws.append(["Sheet", "Contents"])
    contents_row = ws.max_row
    for name, caption in contents:
        append_row(ws, [name, caption])
    for r in (header_row, contents_row):
        for cell in ws[r]:
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if isinstance(row[0].value, str) and row[0].value and row[0].row not in (header_row, contents_row):
            row[0].font = Font(bold=True)
    for letter, width in zip("ABCD", (30, 90, 30, 40)):
        ws.column_dimensions[letter].width = width


def write_cost_workbook(sections: dict[str, CostSection], path: Path, council_name: str,
                        params: dict[str, Any] | None = None) -> Path:
    """Write every section's published cost tables and a README sheet to path (atomically); returns path."""
    path = Path(path)
    p = load_params(params)
    wb = Workbook()
    readme = wb.active
    readme.title = "README"
    contents: list[tuple[str, str]] = []
    for service, section in sections.items():
        for table in section.tables:
            name = sheet_name(service, table.name)
            _write_table(wb.create_sheet(name), table)
            contents.append((name, table.caption))
    _readme(readme, sections, council_name, contents, p)
    return save_atomically(wb, path)
