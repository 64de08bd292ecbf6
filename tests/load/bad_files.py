"""Builders of bad input files for the tests of file_guard and reading: a real openpyxl workbook whose
sheet XML is then rewritten inside the zip (a far cell, a lying or missing dimension, cells without
references), and ODS files written by hand."""
from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Callable

import pytest
from openpyxl import Workbook

NS = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
FAR_ROW = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>far</t></is></c></row>'


def text_cell(ref: str, text: str = "x") -> bytes:
    """An inline-string cell."""
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


A1_ROW = b'<row r="1">' + text_cell("A1") + b"</row>"


def sheet_xml(rows: bytes, dimension: str | None = None) -> bytes:
    """A whole worksheet part holding these <row> elements, with a <dimension ref> when given."""
    dim = f'<dimension ref="{dimension}"/>'.encode() if dimension else b""
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + NS + dim + b"<sheetData>" + rows
            + b"</sheetData></worksheet>")


def rewrite_part(path: Path, part: str, change: Callable[[bytes], bytes]) -> None:
    """Rewrite one member of a zip (an xlsx) in place."""
    with zipfile.ZipFile(path) as old:
        members = [(info, old.read(info.filename)) for info in old.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info, data in members:
            new.writestr(info, change(data) if info.filename == part else data)


def xlsx(path: Path, rows: bytes, *, dimension: str | None = None, sheet: str = "Data") -> Path:
    """A valid one-sheet workbook written by openpyxl whose sheet XML is replaced by these rows."""
    wb = Workbook()
    wb.active.title = sheet
    wb.active["A1"] = "x"
    wb.save(path)
    rewrite_part(path, "xl/worksheets/sheet1.xml", lambda _: sheet_xml(rows, dimension))
    return path


def add_far_cell(path: Path, part: str) -> Path:
    """Add a value at XFD1048576 to a sheet of an existing workbook (its other cells are kept)."""
    rewrite_part(path, part, lambda data: data.replace(b"</sheetData>", FAR_ROW + b"</sheetData>"))
    return path


ODS_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
            b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
            b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
            b'<office:body><office:spreadsheet>')
ODS_TAIL = b"</office:spreadsheet></office:body></office:document-content>"
ODS_MANIFEST = (b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                b'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                b'<manifest:file-entry manifest:full-path="/" '
                b'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                b"</manifest:manifest>")
ODS_VALUE = b'<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'


def ods_empty(columns: int) -> bytes:
    """Empty cells repeated, the way LibreOffice fills a row out to the last column."""
    return f'<table:table-cell table:number-columns-repeated="{columns}"/>'.encode()


def ods(path: Path, tables: dict[str, bytes]) -> Path:
    """An ODS file whose content.xml holds these tables (name -> <table:table-row> elements)."""
    body = b"".join(f'<table:table table:name="{name}">'.encode() + rows + b"</table:table>"
                    for name, rows in tables.items())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", ODS_MANIFEST)
        z.writestr("content.xml", ODS_HEAD + body + ODS_TAIL)
    return path


@pytest.fixture
def no_calamine(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make any use of python-calamine fail the test: proves a check ran before the reader touched the file."""
    import python_calamine
    calls: list[str] = []

    class Refuse:
        @staticmethod
        def from_path(path: str, *args: object, **kwargs: object) -> None:
            calls.append(path)
            raise AssertionError(f"calamine was asked to open {path}")

    monkeypatch.setattr(python_calamine, "CalamineWorkbook", Refuse)
    return calls
