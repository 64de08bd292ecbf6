"""Bad input files through the real entry points (read_raw, a national and a local loader, and
`caremarket validate`): one clear error naming the file (and sheet, row where known), never a crash,
a hang or a silent misreading. CSV encodings: UTF-8 first, Windows-1252 read correctly, nothing replaced."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from bad_files import A1_ROW, FAR_ROW, add_far_cell, no_calamine, xlsx  # noqa: F401
from helpers.errors import InputError
from helpers.load import cqc_directory, cqc_ratings, file_guard, local
from helpers.load.reading import decode_text, read_raw, text_encoding

RATINGS = Path("cqc_ratings") / "cqc_lincolnshire_prefiltered.csv"  # under the `realdata` folder


def refused(path: Path, *sheets: str) -> InputError:
    with pytest.raises(InputError) as caught:
        read_raw(path, sheets)
    return caught.value


# ---- CSV: bytes that are not text -----------------------------------------------------------------

def test_a_csv_of_nul_bytes_names_the_file(tmp_path):
    path = tmp_path / "ASC-FR Data File 2025.csv"
    path.write_bytes(bytes(300_000))
    error = refused(path)
    assert (error.file, error.row) == (path, 1)
    assert str(error).startswith(f"{path}, row 1: the file contains NUL bytes (the first at line 1, character 1")


def test_nul_bytes_further_down_are_placed_by_line(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"a,b\n1,2\n3,\x00\x004\n")
    error = refused(path)
    assert error.row == 3 and "line 3, character 3, byte 11" in error.message


def test_an_overlong_field_names_the_file_and_row(tmp_path):
    """An unclosed quote makes the rest of the file one field: the csv module's limit, reported with the file."""
    path = tmp_path / "data.csv"
    path.write_bytes(b"a,b\n1,2\n3,\"" + b"x" * 200_000 + b"\n5,6\n")
    error = refused(path)
    assert error.file == path and error.row is not None and error.row >= 3
    assert "longer than 131,072 characters" in error.message and "quotation mark" in error.message


def test_a_web_page_or_a_workbook_saved_as_csv_is_named_as_such(tmp_path):
    page = tmp_path / "page.csv"
    page.write_bytes(b"<!doctype html><html><body>Please sign in</body></html>")
    assert refused(page).message.startswith("this is a web page, not a CSV file")
    book = tmp_path / "book.csv"
    book.write_bytes(xlsx(tmp_path / "book.xlsx", A1_ROW).read_bytes())
    assert "spreadsheet workbook saved under a .csv name" in refused(book).message


# ---- CSV: encodings ----------------------------------------------------------------------------

TEXT = "Council,Service,Note\nBrighton and Hove,Café support,£1,234.50 a week\n"


def test_a_windows_1252_csv_is_read_correctly_not_replaced(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(TEXT.encode("cp1252"))
    cells = read_raw(path).cells
    assert cells.iloc[1].tolist() == ["Brighton and Hove", "Café support", "£1", "234.50 a week"]
    assert text_encoding(path) == "cp1252"
    assert "\ufffd" not in "".join(cells.stack())


@pytest.mark.parametrize("encoded", [TEXT.encode("utf-8"), b"\xef\xbb\xbf" + TEXT.encode("utf-8")],
                         ids=["utf-8", "utf-8-bom"])
def test_utf8_with_or_without_bom_is_read_first(tmp_path, encoded):
    path = tmp_path / "data.csv"
    path.write_bytes(encoded)
    assert read_raw(path).cells.iloc[0, 0] == "Council" and read_raw(path).cells.iloc[1, 2] == "£1"
    assert text_encoding(path) == "utf-8"


def test_bytes_neither_utf8_nor_windows_1252_are_refused_with_their_place(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"a,b\nx,y\nfirst,bad \x81 byte\n")
    error = refused(path)
    assert (error.file, error.row) == (path, 3)
    assert "neither UTF-8 nor Windows-1252" in error.message and "byte 0x81 at line 3, character 11" in error.message


def test_utf8_mixed_with_windows_1252_is_refused_rather_than_half_misread(tmp_path):
    """Read as Windows-1252, the UTF-8 'é' would silently become 'Ã©': refuse instead."""
    path = tmp_path / "data.csv"
    path.write_bytes("name\nCafé\n".encode("utf-8") + b"Flo\x92s\n")
    error = refused(path)
    assert error.row == 3 and "mixes UTF-8 with another encoding: byte 0x92 at line 3" in error.message


def test_utf16_text_is_refused_with_advice(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(TEXT.encode("utf-16"))
    assert "UTF-16" in refused(path).message and "CSV UTF-8" in refused(path).message


def test_a_real_windows_1252_file_decodes(realdata):
    """The ONS read-me shipped with the SNPP files is Windows-1252 (a © sign)."""
    path = realdata / "ons_snpp" / "SNPP Z1 Population_read me.txt"
    text, encoding = decode_text(path.read_bytes(), path)
    assert encoding == "cp1252" and "© Crown" in text


def test_the_real_ratings_file_saved_as_windows_1252_loads_exactly_as_the_original(tmp_path, realdata):
    """Excel's 'CSV (Comma delimited)' on an English Windows machine writes Windows-1252: the real
    extract's 'Flo’s Friends Care Limited' must survive it."""
    copy = tmp_path / "cqc_lincolnshire_prefiltered.csv"
    copy.write_bytes((realdata / RATINGS).read_text(encoding="utf-8").encode("cp1252"))
    original, resaved = cqc_ratings.load(realdata / RATINGS, None).data, cqc_ratings.load(copy, None).data
    pd.testing.assert_frame_equal(original, resaved)
    assert "Flo’s Friends Care Limited" in set(resaved["location_name"])


# ---- spreadsheets through the loaders -----------------------------------------------------------

def test_the_cqc_directory_loader_refuses_a_far_cell_before_reading(tmp_path, no_calamine):
    from openpyxl import Workbook
    wb = Workbook()
    wb.active.title = "HSCA_Active_Locations"
    wb.active.append(["Location ID", "Location Name"])
    path = tmp_path / "01_November_2026_HSCA_Active_Locations.xlsx"
    wb.save(path)
    add_far_cell(path, "xl/worksheets/sheet1.xml")
    with pytest.raises(InputError) as caught:
        cqc_directory.load(path, tmp_path / "cache")
    assert (caught.value.file, caught.value.sheet) == (path, "HSCA_Active_Locations")
    assert "XFD1048576" in caught.value.message
    assert no_calamine == [] and not list((tmp_path / "cache").glob("*.parquet"))


def test_a_local_template_with_a_far_cell_in_its_data_sheet_is_refused(tmp_path, no_calamine):
    spec = next(iter(local.SOURCES.values()))
    path = next(p for p in local.write_templates(tmp_path) if p.name == f"template_{spec.name}.xlsx")
    add_far_cell(path, file_guard.xlsx_sheets(path)[spec.sheet])
    with pytest.raises(InputError) as caught:
        local.load_local(spec, path)
    assert (caught.value.file, caught.value.sheet) == (path, spec.sheet) and "XFD1048576" in caught.value.message


def test_a_local_template_saved_from_a_sign_in_page_is_named_a_web_page(tmp_path, no_calamine):
    spec = next(iter(local.SOURCES.values()))
    path = tmp_path / f"E08000019_{spec.name}.xlsx"
    path.write_text("<!DOCTYPE html><html><head><title>Sign in to your account</title></head></html>")
    with pytest.raises(InputError) as caught:
        local.load_local(spec, path)
    assert caught.value.file == path and caught.value.message.startswith("this is a web page, not a spreadsheet")


# ---- caremarket validate: exit 1, one line per problem, no traceback --------------------------------

def test_validate_reports_every_bad_file_on_one_line_and_exits_1(tmp_path, realdata):
    """Run as the command (a child process: a crash or a hang there cannot take the tests down with it)."""
    data = tmp_path / "data"
    (data / "cqc").mkdir(parents=True)
    far = xlsx(data / "cqc" / "01_November_2026_HSCA_Active_Locations.xlsx", A1_ROW + FAR_ROW,
               dimension="A1:XFD1048576", sheet="HSCA_Active_Locations")
    page = data / "cqc" / "01_November_2026_Latest_ratings.xlsx"
    page.write_text("<!DOCTYPE html>\n<html><body>Sign in</body></html>")
    (data / "ascfr").mkdir()
    nul = data / "ascfr" / "ASC-FR Data File 2025.csv"
    nul.write_bytes(bytes(200_000))
    resaved = data / "cqc_lincolnshire_prefiltered.csv"
    resaved.write_bytes((realdata / RATINGS).read_text(encoding="utf-8").encode("cp1252"))
    done = subprocess.run([sys.executable, "-c", "import sys; from helpers.cli import main; sys.exit(main())",
                           "validate", "--data", str(data)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr[-3000:]
    assert "Traceback" not in done.stdout + done.stderr
    lines = done.stdout.splitlines()
    errors = [line for line in lines if line.startswith("error: ")]
    assert sorted(errors) == sorted([
        f"error: {far}, sheet 'HSCA_Active_Locations': the sheet has a value as far out as cell XFD1048576, so it "
        f"would load as 1,048,576 x 16,384 = 17,179,869,184 cells; expected at most 1,048,576 rows, 16,384 columns "
        f"and 20,000,000 cells in all (published files are far smaller): delete the stray cells outside the table, "
        f"save and try again",
        f"error: {page}: {file_guard.WEB_PAGE}",
        f"error: {nul}, row 1: the file contains NUL bytes (the first at line 1, character 1, byte 1), which text "
        f"never has: it is not a CSV file, or it is damaged",
    ])
    assert [line for line in lines if line.startswith("warning: ")] == [
        f"warning: [CQC ratings] {resaved}: read as Windows-1252 text, not UTF-8: check that £ signs and accented "
        f"letters look right, or save it as 'CSV UTF-8 (Comma delimited)'"]
    assert "4 file(s) checked: 3 with errors, 1 warning(s)" in done.stdout
