"""mps_data.xlsx: every table behind the MPS's charts and tables, one sheet each, with a README sheet (PRODUCT §4)."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from helpers.publish import artefact_dir

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


def _write_sheet(wb: Workbook, name: str, frame: pd.DataFrame) -> None:
    ws = wb.create_sheet(name)
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        ws.append([None if not isinstance(v, str) and pd.isna(v) else v for v in row])
    for cell in ws[1]:
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, column in enumerate(frame.columns, 1):
        width = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200)])
        ws.column_dimensions[get_column_letter(i)].width = min(60, max(10, width + 2))
    ws.freeze_panes = "A2"


def write_data_workbook(project: Path, services: list[str], path: Path, council_name: str, year: int) -> Path:
    """Write every published table of the MPS project's artefacts to one xlsx (temp file, then moved into place)."""
    wb = Workbook()
    readme = wb.active
    readme.title = "README"
    readme.append([f"Market Position Statement {year}: {council_name} — the data behind every chart and table"])
    readme["A1"].font = Font(bold=True, size=14)
    readme.append(["One sheet per table, named by service (CH care homes, HC home care, SL supported living, "
                   "DO day opportunities, OV oversight) and table. '[c]' marks a cost figure suppressed because "
                   "fewer than the minimum number of providers returned costs."])
    readme.append([])
    readme.append(["Sheet", "Service", "Table", "Caption"])
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
                csv = folder / f"{item['name']}.csv"
                if item["kind"] != "table" or not csv.exists():
                    continue
                name = _sheet_name(service, item["name"], used)
                _write_sheet(wb, name, pd.read_csv(csv))
                readme.append([name, summary.get("title", service), item["name"], item["caption"]])
    if synthetic:
        readme.insert_rows(2)
        readme["A2"] = "SYNTHETIC DEMO DATA: every figure is invented to show how the workbook works."
        readme["A2"].font = Font(bold=True, color="B3261E")
    readme.column_dimensions["A"].width, readme.column_dimensions["D"].width = 28, 100
    return save_atomically(wb, path)


def save_atomically(wb: Workbook, path: Path) -> Path:
    """Save a workbook to a temp file beside the target, then move it into place (a failure leaves the old file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
