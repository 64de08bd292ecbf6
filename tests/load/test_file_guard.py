"""helpers.load.file_guard: a sheet that would load too large is refused before calamine reads it
(calamine aborts the whole process on a far cell), and a file that is not the spreadsheet its name says
gets one clear error. Crashing cases run calamine only in a child process."""
from __future__ import annotations

import random
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from bad_files import (A1_ROW, FAR_ROW, ODS_VALUE, add_far_cell, no_calamine, ods, ods_empty,  # noqa: F401
                       sheet_xml, text_cell, xlsx)
from helpers.errors import InputError
from helpers.load import file_guard
from helpers.load.file_guard import MAX_CELLS, column_letters
from helpers.load.reading import read_raw

A1 = A1_ROW
FAR_ONLY = b'<row r="1048576">' + text_cell("XFD1048576") + b"</row>"


def refused(path: Path, *sheets: str) -> InputError:
    with pytest.raises(InputError) as caught:
        read_raw(path, sheets)
    return caught.value


# ---- far cells in xlsx ---------------------------------------------------------------------------

@pytest.mark.parametrize("dimension", ["A1:XFD1048576", None, "A1"], ids=["dimension", "no-dimension", "lying"])
@pytest.mark.parametrize("rows", [FAR_ONLY, A1 + FAR_ROW], ids=["far-cell-only", "A1-and-far-cell"])
def test_a_far_cell_is_refused_before_calamine_opens_the_file(tmp_path, no_calamine, dimension, rows):
    path = xlsx(tmp_path / "far.xlsx", rows, dimension=dimension)
    assert path.stat().st_size < 10_000
    error = refused(path)
    assert no_calamine == []
    assert (error.file, error.sheet) == (path, "Data")
    assert str(error).startswith(f"{path}, sheet 'Data': ")
    assert "XFD1048576" in error.message and "1,048,576 x 16,384" in error.message
    assert f"at most 1,048,576 rows, 16,384 columns and {MAX_CELLS:,} cells" in error.message


def test_without_the_guard_calamine_aborts_the_process_on_the_same_file(tmp_path):
    """The hazard is real: read directly, the 8 KB file kills the interpreter (no Python exception)."""
    path = xlsx(tmp_path / "far.xlsx", A1 + FAR_ROW)
    script = textwrap.dedent(f"""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
        from python_calamine import CalamineWorkbook
        try:
            CalamineWorkbook.from_path({str(path)!r}).get_sheet_by_name("Data").to_python(skip_empty_area=False)
        except BaseException as exc:
            print("caught", type(exc).__name__)
        print("survived")
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "survived" not in done.stdout
    assert "memory allocation" in done.stderr


def test_a_calamine_panic_becomes_an_input_error_naming_file_and_sheet(tmp_path):
    """A lone far cell makes calamine panic (a BaseException) rather than abort; the reader turns it into an
    InputError. Run in a child process, in case a calamine version aborts instead."""
    path = xlsx(tmp_path / "lone.xlsx", FAR_ONLY)
    script = textwrap.dedent(f"""
        from pathlib import Path
        from helpers.errors import InputError
        from helpers.load.reading import _calamine_sheet
        try:
            _calamine_sheet(Path({str(path)!r}), "Data", [])
        except InputError as exc:
            print("InputError:", exc)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"InputError: {path}, sheet 'Data': cannot open as a spreadsheet" in done.stdout


def two_sheets_far_cell_in_readme(tmp_path: Path) -> Path:
    from openpyxl import Workbook
    wb = Workbook()
    wb.active.title = "README"
    wb.active["A1"] = "notes"
    wb.create_sheet("Data")["A1"] = "Location ID"
    wb.save(tmp_path / "two.xlsx")
    return add_far_cell(tmp_path / "two.xlsx", "xl/worksheets/sheet1.xml")  # the README sheet


def test_the_sheet_asked_for_is_measured(tmp_path, no_calamine):
    assert refused(two_sheets_far_cell_in_readme(tmp_path), "README").sheet == "README"
    assert no_calamine == []


def test_a_far_cell_in_another_sheet_of_an_xlsx_is_left_alone(tmp_path):
    """calamine reads only the sheet asked for from an xlsx (unlike an ODS file)."""
    assert read_raw(two_sheets_far_cell_in_readme(tmp_path), ["Data"]).cells.iloc[0, 0] == "Location ID"


def test_a_big_dimension_or_far_empty_cells_are_not_refused(tmp_path):
    """calamine sizes by cells holding values, not by <dimension> nor by formatted empty cells."""
    big_dimension = xlsx(tmp_path / "dim.xlsx", A1, dimension="A1:XFD1048576")
    styled = xlsx(tmp_path / "styled.xlsx", A1 + b'<row r="1048576"><c r="XFD1048576" s="0"/></row>')
    for path in (big_dimension, styled):
        assert read_raw(path).cells.shape == (1, 1)


def test_cells_without_references_are_placed_one_after_another(tmp_path):
    """Cells without r="..." take the next column and rows without r the next row, as calamine places them:
    one row of 20,000 such cells is 20,000 columns wide."""
    plain = b'<c t="inlineStr"><is><t>x</t></is></c>'
    wide = xlsx(tmp_path / "wide.xlsx", b"<row>" + plain * 20_000 + b"</row>")
    assert "as far out as row 1, column 16,385" in refused(wide).message
    small = xlsx(tmp_path / "small.xlsx", b"<row>" + plain * 3 + b"</row><row>" + plain * 2 + b"</row>")
    assert read_raw(small).cells.shape == (2, 3)


@pytest.mark.parametrize("cell", [
    b'<x:c r="XFD1048576" t="inlineStr"><is><t>x</t></is></x:c>',  # a namespace prefix
    b'<c r="xfd1048576" t="inlineStr"><is><t>x</t></is></c>',  # lower case (calamine accepts it)
    b'<c t="inlineStr" r="XFD1048576"><is><t>x</t></is></c>',  # r not first
    b"<c r='XFD1048576' t=\"inlineStr\"><is><t>x</t></is></c>",  # single quotes
    b'<c foo=">" r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>',  # a ">" inside an attribute
    b'<c r="XFD0001048576" t="inlineStr"><is><t>x</t></is></c>',  # leading zeros
], ids=["prefix", "lower-case", "r-not-first", "single-quotes", "angle-in-attribute", "leading-zeros"])
def test_unusual_ways_of_writing_a_far_cell_are_refused_too(tmp_path, no_calamine, cell):
    path = xlsx(tmp_path / "odd.xlsx", A1 + b'<row r="1048576">' + cell + b"</row>")
    assert "XFD1048576" in refused(path).message
    assert no_calamine == []


def test_many_rows_times_many_columns_is_refused_even_below_the_sheet_limits(tmp_path, no_calamine):
    rows = A1 + b'<row r="5000">' + text_cell("E5000") + b"</row>"
    error = refused(xlsx(tmp_path / "area.xlsx", rows + b'<row r="30000">' + text_cell("ZZ30000") + b"</row>"))
    assert "ZZ30000" in error.message and f"30,000 x 702 = {30_000 * 702:,} cells" in error.message
    fits = xlsx(tmp_path / "fits.xlsx", rows + b'<row r="28000">' + text_cell("ZZ28000") + b"</row>")
    file_guard.check_xlsx_sheet(fits, "Data", "xl/worksheets/sheet1.xml")  # 19.7 million cells: accepted


def test_quick_and_exact_measures_agree_on_random_sheets():
    """The vectorised measure (cells written <c r="..."), the exact one and a plain reckoning agree,
    whatever the order of the cells; the quick one declines a cell without a reference among referenced rows."""
    rng = random.Random(13)
    for _ in range(200):
        refs = [(rng.randint(1, 2_000_000 if rng.random() < 0.05 else 60_000),
                 rng.randint(1, 20_000 if rng.random() < 0.05 else 200)) for _ in range(rng.randint(1, 40))]
        rows = b"".join(b"<row>" + text_cell(f"{column_letters(c)}{r}") + b"</row>" for r, c in refs)
        data = sheet_xml(rows)
        truth = (max(r for r, _ in refs), max(c for _, c in refs))
        quick = file_guard._xlsx_fast(_stream(data))
        if file_guard._within(*truth):
            assert quick == file_guard._xlsx_exact(_stream(data)) == truth
        else:  # both stop at the first cell out of bounds (the quick one declines a 4-letter column)
            assert quick is None or not file_guard._within(*quick)
            with pytest.raises(file_guard._TooLarge):
                file_guard._xlsx_exact(_stream(data))
    assert file_guard._xlsx_fast(_stream(sheet_xml(b'<row><c t="n"><v>1</v></c></row>'))) == (1, 1)  # in order
    assert file_guard._xlsx_fast(_stream(sheet_xml(b'<row r="1"><c t="n"><v>1</v></c></row>'))) is None


def _stream(data: bytes):
    import io
    return io.BytesIO(data)


def test_a_cell_split_across_read_blocks_is_still_measured(monkeypatch):
    monkeypatch.setattr(file_guard, "CHUNK_BYTES", 7)
    data = sheet_xml(A1 + b'<row r="30">' + text_cell("AB30", "x" * 50) + b"</row>")
    assert file_guard._xlsx_fast(_stream(data)) == (30, 28) == file_guard._xlsx_exact(_stream(data))


SHARED_STRINGS = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                  '2006/main" count="{count}" uniqueCount="{unique}"><si><t>x</t></si></sst>')


def test_a_shared_strings_part_declaring_billions_of_strings_is_refused(tmp_path, no_calamine):
    """calamine reserves 24 bytes per declared distinct string when it opens the file (96 GB here)."""
    path = xlsx(tmp_path / "sst.xlsx", A1_ROW)
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/sharedStrings.xml", SHARED_STRINGS.format(count=1, unique=4_000_000_000))
    error = refused(path)
    assert error.file == path and "declares 4,000,000,000 distinct strings in" in error.message


def test_a_large_total_count_of_shared_strings_is_fine(tmp_path):
    """count (uses of the strings) may be far above the part's size; only uniqueCount is reserved."""
    path = xlsx(tmp_path / "sst.xlsx", A1_ROW)
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/sharedStrings.xml", SHARED_STRINGS.format(count=4_000_000_000, unique=1))
    assert read_raw(path).cells.shape == (1, 1)


# ---- ODS ----------------------------------------------------------------------------------------

def test_an_ods_far_cell_is_refused_naming_the_sheet(tmp_path, no_calamine):
    far = (b"<table:table-row>" + ODS_VALUE + ods_empty(16383) + b"</table:table-row>"
           + b'<table:table-row table:number-rows-repeated="1048574">' + ods_empty(16384) + b"</table:table-row>"
           + b"<table:table-row>" + ods_empty(16383) + ODS_VALUE + b"</table:table-row>")
    path = ods(tmp_path / "far.ods", {"Cover": b"<table:table-row>" + ODS_VALUE + b"</table:table-row>",
                                      "Table 1": far})
    error = refused(path, "Cover")  # calamine reads every sheet when it opens an ODS file
    assert no_calamine == []
    assert (error.file, error.sheet) == (path, "Table 1") and "XFD1048576" in error.message


def test_a_repeated_value_cell_is_counted_as_every_cell_it_fills(tmp_path, no_calamine):
    """One <table:table-cell> repeated 9,000 times in a row repeated 9,000 times: 81 million cells from a
    1 KB file, which calamine (it refuses only above 100 million) would try to allocate."""
    rows = (b'<table:table-row table:number-rows-repeated="9000"><table:table-cell '
            b'table:number-columns-repeated="9000" office:value-type="float" office:value="1"/></table:table-row>')
    path = ods(tmp_path / "square.ods", {"Data": rows})
    assert path.stat().st_size < 2_000
    assert "9,000 x 9,000 = 81,000,000 cells" in refused(path).message


def test_libreoffice_trailing_empty_cells_and_rows_are_not_counted(tmp_path):
    rows = (b"<table:table-row>" + ODS_VALUE * 3 + ods_empty(16381) + b"</table:table-row>"
            + b'<table:table-row table:number-rows-repeated="1048575">' + ods_empty(16384) + b"</table:table-row>")
    path = ods(tmp_path / "normal.ods", {"Data": rows})
    assert file_guard.check_ods(path) == ["Data"]
    assert read_raw(path).cells.shape == (1, 3)


def test_a_table_nested_in_a_cell_is_refused_not_mismeasured(tmp_path, no_calamine):
    nested = (b'<table:table-cell><table:table table:name="inner"><table:table-row>' + ODS_VALUE
              + b"</table:table-row></table:table></table:table-cell>")
    rows = (b'<table:table-row table:number-rows-repeated="5000">' + nested
            + b'<table:table-cell table:number-columns-repeated="16000" office:value-type="float" office:value="1"/>'
            + b"</table:table-row>")
    error = refused(ods(tmp_path / "nested.ods", {"Data": rows}))
    assert error.sheet == "Data" and "nested inside a cell" in error.message


def test_the_real_ascof_file_passes_with_all_its_sheets(realdata):
    names = file_guard.check_ods(realdata / "ascof" / "ascof_2024_25.ods")
    assert len(names) == 29 and names[0] == "Cover" and "Table_6a" in names


# ---- what the file really is ----------------------------------------------------------------------

WEB_PAGE = "this is a web page, not a spreadsheet (was it downloaded from a link that needed signing in?)"


@pytest.mark.parametrize("name", ["ratings.xlsx", "ratings.ods", "ratings.xlsm"])
@pytest.mark.parametrize("page", [b"<!DOCTYPE html>\n<html><body>Sign in</body></html>",
                                  b"\xef\xbb\xbf  <html lang='en'><head><title>Error</title></head></html>",
                                  b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"></html>'])
def test_a_web_page_saved_as_a_spreadsheet_is_named_as_such(tmp_path, no_calamine, name, page):
    path = tmp_path / name
    path.write_bytes(page)
    error = refused(path)
    assert error.file == path and error.message == WEB_PAGE


@pytest.mark.parametrize("content, expected", [
    (b"Location ID,Name\n1-1,A home\n",
     ".xlsx files are zip archives, but this one starts with 'Location ID,Name.1-1,A h'"),
    (b"%PDF-1.7 ...", "this is a PDF document, not a spreadsheet"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "old-format Excel (.xls) workbook or a password-protected file"),
])
def test_other_files_under_a_spreadsheet_name_get_one_clear_message(tmp_path, no_calamine, content, expected):
    path = tmp_path / "book.xlsx"
    path.write_bytes(content)
    assert expected in refused(path).message


def test_a_truncated_download_is_called_damaged(tmp_path, no_calamine):
    whole = xlsx(tmp_path / "whole.xlsx", A1)
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    error = refused(cut)
    assert error.file == cut and "damaged or incomplete" in error.message


def test_an_ods_file_named_xlsx_and_the_reverse_are_told_to_be_renamed(tmp_path, no_calamine):
    as_xlsx = ods(tmp_path / "book.xlsx", {"Data": b"<table:table-row>" + ODS_VALUE + b"</table:table-row>"})
    assert "it is an ODS spreadsheet: rename it to .ods" in refused(as_xlsx).message
    as_ods = tmp_path / "book.ods"
    as_ods.write_bytes(xlsx(tmp_path / "real.xlsx", A1).read_bytes())
    assert "it is an .xlsx workbook: rename it to .xlsx" in refused(as_ods).message


def test_a_part_claiming_to_unpack_beyond_the_limit_is_refused(tmp_path, monkeypatch):
    path = xlsx(tmp_path / "book.xlsx", A1)
    monkeypatch.setattr(file_guard, "MAX_XML_BYTES", 100)
    assert "would unpack to" in refused(path).message


def test_a_damaged_sheet_part_is_reported_not_raised(tmp_path):
    path = xlsx(tmp_path / "book.xlsx", A1)
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
        offset = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data = bytearray(path.read_bytes())
    data[offset + 5] ^= 0xFF  # corrupt the compressed sheet: bad data or a CRC mismatch
    path.write_bytes(bytes(data))
    error = refused(path)
    assert error.file == path and "damaged" in error.message


def test_column_letters():
    assert [column_letters(n) for n in (1, 26, 27, 702, 703, 16384)] == ["A", "Z", "AA", "ZZ", "AAA", "XFD"]


@pytest.mark.parametrize("chunk", [7, 64, 1 << 16])
def test_a_sheet_without_references_is_measured_quickly_by_counting_rows_and_cells(monkeypatch, chunk):
    """Minimal writers leave cells and rows without references (calamine places them in order): the quick measure
    counts the rows and the most cells in a row, across read blocks, and agrees with the exact one when every
    cell holds a value; references mixed in send it to the exact reading."""
    monkeypatch.setattr(file_guard, "CHUNK_BYTES", chunk)
    rng = random.Random(chunk)
    widths = [rng.randint(1, 30) for _ in range(rng.randint(1, 60))]
    rows = b"".join(b"<row>" + b"".join(b'<c t="s"><v>%d</v></c>' % j for j in range(w)) + b"</row>"
                    for w in widths)
    data = sheet_xml(rows)
    assert file_guard._xlsx_fast(_stream(data)) == (len(widths), max(widths)) == file_guard._xlsx_exact(_stream(data))
    mixed = sheet_xml(rows + b'<row r="900"><c r="C900"><v>1</v></c></row>')
    assert file_guard._xlsx_fast(_stream(mixed)) is None


def test_tag_starts_finds_what_the_tag_pattern_finds():
    import re
    import numpy as np
    rng = random.Random(7)
    alphabet = [b"<", b"c", b"r", b"o", b"w", b" ", b"\t", b"\n", b"/", b">", b"x", b"\"", b"<c", b"<row", b"<c/"]
    for _ in range(300):
        piece = b"".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 60)))
        data = np.frombuffer(piece, dtype=np.uint8)
        for name in (b"c", b"row"):
            expected = [m.start() for m in re.finditer(rb"<" + name + rb"[\s/>]", piece)]
            assert file_guard._tag_starts(data, name).tolist() == expected, (piece, name)
