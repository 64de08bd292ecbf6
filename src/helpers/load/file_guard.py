"""Cheap checks on an input file before any parser reads it: is it really what its name says, and
how large would each sheet be once loaded?

python-calamine (0.9) allocates a sheet's whole used area at once: every cell from A1 to the
farthest cell holding a value, 32 bytes each. One stray value at XFD1048576 in an 8 KB xlsx asks
for 512 GiB, and the failed allocation aborts the process: no Python exception, nothing to catch
(python-calamine #130, calamine PR #661). Values far apart add up the same way: a row of 20,000
cells and 20,000 rows of one cell ask for 12.8 GB. ODS files are parsed whole, every sheet, when
they are opened; calamine refuses more than 100 million cells itself, but 81 million (a 1 KB file
repeating one cell) took over 3 GB and aborted under a 3 GB memory limit. And a shared-strings part
declaring 4 billion strings makes calamine reserve 96 GB as it opens the file.

So each sheet's area is measured here, streaming the XML out of the zip before calamine sees the
file, and a sheet larger than any published layout is refused with an InputError naming the file
and the sheet. The measure follows calamine's reading (only what calamine can take for a value
moves the far corner; an xlsx cell without a reference takes the next column; an ODS cell or row
repeated N times counts N) and errs only towards a larger area, never a smaller one. A
``<dimension ref>`` element is not trusted: it may be missing or wrong, and calamine does not size
by it either.

It is long (~550 lines) because the xlsx and ODS measures are streaming parsers that must agree with
calamine's rules in every detail; they are kept side by side, with nothing else in the module.
"""
from __future__ import annotations

import html
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, Callable, Iterator
from xml.etree import ElementTree

import numpy as np

from helpers.errors import InputError

MAX_ROWS = 1_048_576  # the most rows an xlsx (and LibreOffice's ODS) sheet can have
MAX_COLUMNS = 16_384  # the most columns (XFD)
# The area calamine would allocate, rows x columns from A1. The largest published layouts are the
# CQC care directory (about 57,000 rows x 119 columns, 6.8 million cells) and CQC's national latest
# ratings (about 290,000 rows x 28 columns, 8 million); 20 million leaves room for growth while
# keeping the worst case (32 bytes a cell in calamine, then Python objects) well under the memory
# of an ordinary laptop.
MAX_CELLS = 20_000_000
MAX_XML_BYTES = 2 << 30  # one sheet's (or an ODS file's content.xml) XML; the CQC directory ODS is ~440 MB
MAX_PIECE_BYTES = 256 << 20  # one xlsx tag or one ODS row; published rows are a few KB
CHUNK_BYTES = 8 << 20

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and password-protected .xlsx
# what reading a damaged zip raises (NotImplementedError: a compression method zipfile lacks)
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError)
WEB_PAGE = "this is a web page, not a spreadsheet (was it downloaded from a link that needed signing in?)"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def column_letters(column: int) -> str:
    """The spreadsheet letters of a 1-based column number (1 -> A, 16384 -> XFD)."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _preview(head: bytes) -> str:
    text = head[:24].decode("latin-1")
    return "".join(c if c.isprintable() and ord(c) < 127 else "." for c in text)


def web_page(head: bytes) -> bool:
    """Whether the first bytes of a file are an HTML page (an error or sign-in page saved under the file's name)."""
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if text.startswith(b"<?xml"):
        return b"<html" in text
    return text.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<!--", b"<meta", b"<title",
                            b"<script", b"<div", b"<p>", b"<h1"))


def head_bytes(path: Path, size: int = 512) -> bytes:
    """The first bytes of a file."""
    with open(path, "rb") as f:
        return f.read(size)


def check_kind(path: Path, suffix: str) -> None:
    """Raise an InputError unless the file's first bytes are those of the kind of spreadsheet its name says."""
    head = head_bytes(path)
    if web_page(head):
        raise InputError(WEB_PAGE, file=path)
    if head.startswith(b"%PDF"):
        raise InputError("this is a PDF document, not a spreadsheet", file=path)
    if suffix == ".xls":
        if head.startswith(ZIP_MAGIC):
            raise InputError("cannot open as a spreadsheet: this is an .xlsx or .ods workbook saved under an .xls "
                             "name; rename it to its real type", file=path)
        if not head.startswith(OLE2_MAGIC):
            raise InputError(f"cannot open as a spreadsheet: an .xls workbook starts with the bytes D0 CF 11 E0, "
                             f"this file starts with '{_preview(head)}'", file=path)
        return
    if head.startswith(OLE2_MAGIC):
        raise InputError(f"cannot open as a spreadsheet: this is an old-format Excel (.xls) workbook or a "
                         f"password-protected file saved under a {suffix} name; open it and save it as {suffix} "
                         f"without a password", file=path)
    if not head.startswith(ZIP_MAGIC):
        raise InputError(f"cannot open as a spreadsheet: {suffix} files are zip archives, but this one starts with "
                         f"'{_preview(head)}' (it is not a spreadsheet, or it is damaged)", file=path)


def open_zip(path: Path) -> zipfile.ZipFile:
    """The file as a zip archive; a damaged or truncated one is an InputError."""
    try:
        return zipfile.ZipFile(path)
    except DAMAGED as exc:
        raise InputError(f"cannot open as a spreadsheet: the file is damaged or incomplete ({exc}); "
                         f"download or save it again", file=path) from None


def _member(book: zipfile.ZipFile, name: str, path: Path, sheet: str | None = None) -> zipfile.ZipInfo:
    try:
        info = book.getinfo(name)
    except KeyError:
        raise InputError(f"cannot open as a spreadsheet: the workbook has no part '{name}'",
                         file=path, sheet=sheet) from None
    if info.file_size > MAX_XML_BYTES:
        raise InputError(f"cannot open as a spreadsheet: its part '{name}' would unpack to {info.file_size:,} "
                         f"bytes, more than the {MAX_XML_BYTES:,} this program reads", file=path, sheet=sheet)
    return info


def _wrong_family(book: zipfile.ZipFile, path: Path, suffix: str) -> None:
    names = set(book.namelist())
    mimetype = book.NameToInfo.get("mimetype")
    try:
        declared = book.read(mimetype).strip() if mimetype is not None and mimetype.file_size < 200 else None
    except DAMAGED:
        declared = None
    is_ods = "content.xml" in names and (mimetype is None or declared == ODS_MIMETYPE)
    is_xlsx = "xl/workbook.xml" in names
    if suffix == ".ods" and not is_ods:
        hint = "; it is an .xlsx workbook: rename it to .xlsx" if is_xlsx else ""
        raise InputError(f"cannot open as a spreadsheet: the zip archive is not an ODS spreadsheet (no content.xml)"
                         f"{hint}", file=path)
    if suffix in {".xlsx", ".xlsm"} and not is_xlsx:
        hint = "; it is an ODS spreadsheet: rename it to .ods" if is_ods else ""
        raise InputError(f"cannot open as a spreadsheet: the zip archive is not an Excel workbook "
                         f"(no xl/workbook.xml){hint}", file=path)


# ---- xlsx ---------------------------------------------------------------------------------------

def xlsx_sheets(path: Path) -> dict[str, str]:
    """Each sheet's name in an xlsx, in workbook order, with the zip part holding its cells."""
    path = Path(path)
    check_kind(path, path.suffix.lower())
    with open_zip(path) as book:
        _wrong_family(book, path, path.suffix.lower())
        try:
            workbook = ElementTree.fromstring(book.read(_member(book, "xl/workbook.xml", path).filename))
            rels_name = "xl/_rels/workbook.xml.rels"
            rels = ElementTree.fromstring(book.read(_member(book, rels_name, path))) if rels_name in book.NameToInfo \
                else None
        except (ElementTree.ParseError, *DAMAGED) as exc:
            raise InputError(f"cannot open as a spreadsheet: the workbook part is damaged ({exc})", file=path) from None
        targets = {}
        for rel in (rels if rels is not None else []):
            target = rel.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            targets[rel.get("Id")] = part
        sheets = {}
        for element in workbook.iter():
            if element.tag.rsplit("}", 1)[-1] == "sheet" and element.get("name") is not None:
                rel = next((v for k, v in element.attrib.items() if k.endswith("}id")), None)  # r:id, any namespace
                sheets[element.get("name")] = targets.get(rel, "")
        return sheets


def check_xlsx_sheet(path: Path, sheet: str, part: str) -> None:
    """Raise an InputError when this sheet of an xlsx would load as more cells than any published layout has.

    ``part`` is the zip member holding the sheet (from ``xlsx_sheets``); when it is unknown every XML
    part that may be a worksheet is measured, since the one calamine reads cannot be told.
    """
    path = Path(path)
    stat = path.stat()
    _check_xlsx_cached(str(path.resolve()), stat.st_size, stat.st_mtime_ns, sheet, part)


@lru_cache(maxsize=256)
def _check_xlsx_cached(path_text: str, size: int, mtime_ns: int, sheet: str, part: str) -> None:
    path = Path(path_text)
    with open_zip(path) as book:
        names = book.namelist()
        parts = [part] if part in names else [n for n in names if n.endswith(".xml") and not n.startswith(
            ("xl/theme/", "xl/_rels/", "docProps/", "_rels/", "xl/styles", "xl/sharedStrings", "xl/workbook"))]
        for name in ("xl/sharedStrings.xml", "xl/styles.xml"):  # read whole when calamine opens the file
            if name in names:
                _member(book, name, path)
        _check_shared_strings(book, path)
        for name in parts:
            info = _member(book, name, path, sheet)
            rows, columns = _measured(lambda: book.open(info), _xlsx_fast, _xlsx_exact, path, sheet)
            _refuse_if_too_large(rows, columns, path, sheet)


_SST_TAG = re.compile(rb"<(?:[^\s<>/!?:]+:)?sst(?=[\s/>])((?:[^<>\"']|\"[^<\"]*\"|'[^<']*')*)>")


def _check_shared_strings(book: zipfile.ZipFile, path: Path) -> None:
    """calamine reserves room for the number of distinct strings the shared-strings part declares
    (``uniqueCount``, 24 bytes each) when it opens the file: 4 billion in a 1 KB file aborts the process.
    Each string takes at least 5 bytes of XML (``<si/>``), so a larger count than that cannot be true."""
    for info in book.infolist():
        if not info.filename.lower().endswith("sharedstrings.xml"):
            continue
        try:
            with book.open(info) as stream:
                head = stream.read(64 * 1024)
        except DAMAGED as exc:
            raise InputError(f"cannot open as a spreadsheet: the file is damaged ({exc}); download or save it again",
                             file=path) from None
        tag = _SST_TAG.search(head)
        if tag is None and head.strip():  # programs write it in the first hundred bytes
            raise InputError(f"cannot open as a spreadsheet: its list of text values ({info.filename}) does not start "
                             f"as a spreadsheet program writes it", file=path)
        declared = _number(_attributes(tag[1]).get(b"uniqueCount")) if tag else 0
        if declared > max(info.file_size // 5, 1):
            raise InputError(f"cannot open as a spreadsheet: its list of text values ({info.filename}) declares "
                             f"{declared:,} distinct strings in {info.file_size:,} bytes, which cannot be true: "
                             f"the file is damaged or was not written by a spreadsheet program", file=path)


def _measured(open_stream: Callable[[], IO[bytes]], fast: Callable[[IO[bytes]], tuple[int, int] | None],
              exact: Callable[[IO[bytes]], tuple[int, int]], path: Path, sheet: str | None) -> tuple[int, int]:
    """(rows, columns) of a sheet: the quick measure when it applies and finds the sheet within bounds,
    else the exact one."""
    try:
        with open_stream() as stream:
            quick = fast(stream)
        if quick is not None and _within(*quick):
            return quick
        with open_stream() as stream:
            return exact(stream)
    except DAMAGED as exc:  # e.g. "Bad CRC-32", "invalid stored block lengths": a damaged zip
        raise InputError(f"cannot open as a spreadsheet: the file is damaged ({exc}); download or save it again",
                         file=path, sheet=sheet) from None
    except _TooLarge as big:
        return big.rows, big.columns


class _TooLarge(Exception):
    """Raised mid-stream as soon as a sheet is known to be out of bounds (fail fast, read no further)."""

    def __init__(self, rows: int, columns: int) -> None:
        super().__init__(rows, columns)
        self.rows, self.columns = rows, columns


def _within(rows: int, columns: int) -> bool:
    return rows <= MAX_ROWS and columns <= MAX_COLUMNS and rows * columns <= MAX_CELLS


def _refuse_if_too_large(rows: int, columns: int, path: Path, sheet: str | None) -> None:
    if _within(rows, columns):
        return
    corner = f"cell {column_letters(columns)}{rows}" if columns <= MAX_COLUMNS and rows <= 10 * MAX_ROWS \
        else f"row {rows:,}, column {columns:,}"
    raise InputError(
        f"the sheet has a value as far out as {corner}, so it would load as {rows:,} x {columns:,} = "
        f"{rows * columns:,} cells; expected at most {MAX_ROWS:,} rows, {MAX_COLUMNS:,} columns and "
        f"{MAX_CELLS:,} cells in all (published files are far smaller): delete the stray cells outside "
        f"the table, save and try again", file=path, sheet=sheet)


def _pieces(stream: IO[bytes], cut: Callable[[bytes], int]) -> Iterator[bytes]:
    """The stream in pieces, each ending where ``cut`` says a block may be split (-1: not in this block).

    Blocks with no cut point are joined to the next one (linear, never re-copied); a piece larger
    than MAX_PIECE_BYTES means one tag or row of that size, which no spreadsheet has.
    """
    parts: list[bytes] = []
    held = 0
    while block := stream.read(CHUNK_BYTES):
        k = cut(block)
        if k < 0:
            parts.append(block)
            held += len(block)
            if held > MAX_PIECE_BYTES:
                raise ValueError(f"no tag or row ends within {MAX_PIECE_BYTES:,} bytes")
            continue
        parts.append(block[:k])
        yield b"".join(parts)
        parts, held = [block[k:]], len(block) - k
    if held:
        yield b"".join(parts)


def _before_last_tag(block: bytes) -> int:
    return block.rfind(b"<")


_OTHER_CELL = re.compile(rb'<c(?! r=")[\s/>]')  # a cell written without a leading r="..."
_PREFIXED_CELL = re.compile(rb":c[\s/>]")  # perhaps a prefixed cell (<x:c ...>)
_CELL_REF_OPENING = b'<c r='
_REFERENCED = re.compile(rb'<(?:c|row)\s[^<>]*?\br\s*=')  # a cell or row with a reference
_ROW_OPEN = re.compile(rb"<row[\s/>]")


_TAG_END = np.zeros(256, dtype=bool)
_TAG_END[[9, 10, 11, 12, 13, 32, ord("/"), ord(">")]] = True  # what may follow a tag's name (regex: [\s/>])


def _tag_starts(data: np.ndarray, name: bytes) -> np.ndarray:
    """Offsets of every ``<name`` followed by white space, "/" or ">" in a piece (what a regular expression finds,
    without a Python object per match: a published sheet has millions of cells)."""
    at = np.flatnonzero(data[: max(len(data) - len(name) - 1, 0)] == 60)  # "<" with room for the name and one byte
    for i, byte in enumerate(name, start=1):
        at = at[data[at + i] == byte]
    return at[_TAG_END[data[at + len(name) + 1]]].astype(np.int64)


def _xlsx_fast(stream: IO[bytes]) -> tuple[int, int] | None:
    """Farthest (row, column) over every cell written ``<c r="A1"...``, the form Excel, LibreOffice and
    openpyxl write — or, in a sheet whose rows and cells carry no reference at all (as minimal writers leave
    them), the number of rows and the most cells in a row; None when cells are written otherwise or the two
    forms mix (then the exact reading decides).

    Vectorised over each piece: every quote is found at once, those opening a cell reference kept,
    and each reference's length is the distance to the next quote. Empty cells count too, so a sheet
    found too large here is measured again exactly before it is refused.
    """
    rows = columns = 0
    sequential = None  # cells and rows written without references: counted in order, as calamine places them
    row_cells = 0  # the cells of the row still open at the end of the previous piece (sequential sheets)
    for piece in _pieces(stream, _before_last_tag):
        if sequential is None and (_OTHER_CELL.search(piece) or _REFERENCED.search(piece) or _ROW_OPEN.search(piece)):
            sequential = _REFERENCED.search(piece) is None
        if sequential:
            if _REFERENCED.search(piece) or _PREFIXED_CELL.search(piece):
                return None  # references after all: the exact reading follows calamine
            data = np.frombuffer(piece, dtype=np.uint8)
            opens, cells = _tag_starts(data, b"row"), _tag_starts(data, b"c")
            bounds = np.searchsorted(cells, opens)
            per_row = np.diff(np.concatenate([bounds, [len(cells)]])) if opens.size else np.array([], dtype=np.int64)
            before = int(bounds[0]) if opens.size else len(cells)  # cells before the first row opening: the open row's
            columns = max(columns, row_cells + before, int(per_row.max()) if per_row.size else 0)
            row_cells = int(per_row[-1]) if opens.size else row_cells + before
            rows += len(opens)
            if not _within(rows, columns):
                return rows, columns  # fail fast: the exact reading confirms
            continue
        if _OTHER_CELL.search(piece) or _PREFIXED_CELL.search(piece):
            return None
        data = np.frombuffer(piece, dtype=np.uint8)
        last = len(data) - 1
        quotes = np.flatnonzero(data == 34).astype(np.int32 if len(data) < 1 << 31 else np.int64)
        index = np.flatnonzero(quotes[:-1] >= len(_CELL_REF_OPENING))  # quotes that may open a reference
        for back, char in enumerate(reversed(_CELL_REF_OPENING), start=1):  # preceded by '<c r='
            index = index[data[quotes[index] - back] == char]
        if not index.size:
            continue
        opening, closing = quotes[index], quotes[index + 1]  # a reference ends at the next quote
        b0, b1, b2, b3 = (data[np.minimum(opening + i, last)].astype(np.int32) for i in range(1, 5))
        up0, up1, up2, up3 = ((b >= 65) & (b <= 90) for b in (b0, b1, b2, b3))
        letters = up0.astype(np.int32) + (up0 & up1) + (up0 & up1 & up2)
        digits = closing - opening - 1 - letters
        after = data[np.minimum(opening + 1 + letters, last)]  # the first byte after the letters
        if not up0.all() or (up0 & up1 & up2 & up3).any() or (digits < 1).any() or (digits > 7).any() \
                or not ((after >= 48) & (after <= 57)).all():
            return None  # lower case, too long or malformed: the exact reading follows calamine
        col = np.where(letters == 1, b0 - 64, np.where(letters == 2, (b0 - 64) * 26 + b1 - 64,
                                                       (b0 - 64) * 676 + (b1 - 64) * 26 + b2 - 64))
        longest = int(digits.max())  # the farthest row is among the references with the most digits
        first_digit = (opening + 1 + letters)[digits == longest]
        row = np.zeros(first_digit.size, dtype=np.int32)
        for k in range(longest):
            byte = data[first_digit + k].astype(np.int32)
            if not ((byte >= 48) & (byte <= 57)).all():
                return None
            row = row * 10 + byte - 48
        rows, columns = max(rows, int(row.max())), max(columns, int(col.max()))
        if not _within(rows, columns):
            return rows, columns  # fail fast: the exact reading confirms
    return rows, columns


_XLSX_TAG = re.compile(rb"<(/?)(?:[^\s<>/!?:]+:)?(row|c)(?=[\s/>])((?:[^<>\"']|\"[^<\"]*\"|'[^<']*')*)>")
_ATTRIBUTE = re.compile(rb"([^\s=/]+)\s*=\s*(?:\"([^<\"]*)\"|'([^<']*)')")
_REF = re.compile(rb"([A-Za-z]*)([0-9]*)")
_EMPTY_CLOSE = re.compile(rb"\s*</(?:[^\s<>/!?:]+:)?c\s*>")


def _attributes(text: bytes) -> dict[bytes, bytes]:
    found: dict[bytes, bytes] = {}
    for m in _ATTRIBUTE.finditer(text):
        found.setdefault(m[1], m[2] if m[2] is not None else m[3])
    return found


def _whole_number(digits: bytes) -> int:
    """The value of a string of digits, capped at 10^12 (far beyond any bound; a longer string is just as absurd)."""
    digits = digits.lstrip(b"0") or b"0"
    return int(digits) if len(digits) <= 12 else 10 ** 12


def _ref(text: bytes) -> tuple[int, int] | None:
    """(row, column), 1-based, of a cell reference as calamine parses it (letters of either case, then
    digits); None when calamine would reject it with its own error."""
    m = _REF.fullmatch(text)
    if m is None or not m[1] or not m[2] or _whole_number(m[2]) == 0:
        return None
    if len(m[1]) > 3:  # beyond XFD however it is read
        return _whole_number(m[2]), 26 ** len(m[1])
    column = 0
    for ch in m[1].upper():
        column = column * 26 + ch - 64
    return _whole_number(m[2]), column


def _xlsx_exact(stream: IO[bytes]) -> tuple[int, int]:
    """Farthest (row, column) holding anything calamine could read as a value, following its reading:
    a cell's reference, else the row's position and the column after the previous cell."""
    row_index, col_index = 1, 1  # 1-based
    rows = columns = 0
    for piece in _pieces(stream, _before_last_tag):
        for m in _XLSX_TAG.finditer(piece):
            closing, name, attributes = m[1], m[2], m[3]
            self_closing = attributes.rstrip().endswith(b"/")
            if name == b"row":
                if closing:
                    row_index, col_index = row_index + 1, 1
                    continue
                r = _attributes(attributes).get(b"r")
                if r is not None and (m2 := _REF.fullmatch(r)) and m2[2]:
                    row_index = _whole_number(m2[2])
                if self_closing:
                    row_index, col_index = row_index + 1, 1
                continue
            if closing:
                continue
            r = _attributes(attributes).get(b"r")
            where = _ref(r) if r is not None else (row_index, col_index)
            if where is None:
                continue  # calamine stops with its own error on this reference
            empty = self_closing or _EMPTY_CLOSE.match(piece, m.end()) is not None
            if not empty:
                rows, columns = max(rows, where[0]), max(columns, where[1])
                if not _within(rows, columns):
                    raise _TooLarge(rows, columns)
            col_index = where[1] + 1
    return rows, columns


# ---- ODS ----------------------------------------------------------------------------------------

@dataclass
class _Table:
    name: str
    position: int = 0  # rows so far, repeats included
    rows: int = 0  # through the last row holding a value
    columns: int = 0


def check_ods(path: Path) -> list[str]:
    """Raise an InputError when any sheet of an ODS file would load larger than any published layout
    (calamine reads every sheet when it opens the file); otherwise return the sheet names."""
    path = Path(path)
    check_kind(path, ".ods")
    stat = path.stat()
    return list(_check_ods_cached(str(path.resolve()), stat.st_size, stat.st_mtime_ns))


@lru_cache(maxsize=64)
def _check_ods_cached(path_text: str, size: int, mtime_ns: int) -> tuple[str, ...]:
    path = Path(path_text)
    with open_zip(path) as book:
        _wrong_family(book, path, ".ods")
        info = _member(book, "content.xml", path)
        tables: list[_Table] = []
        try:
            with book.open(info) as stream:
                _ods_tables(stream, tables, path)
        except DAMAGED as exc:
            sheet = tables[-1].name if tables else None
            raise InputError(f"cannot open as a spreadsheet: the file is damaged ({exc}); download or save it again",
                             file=path, sheet=sheet) from None
        return tuple(t.name for t in tables)


_ROW_END = b"</table:table-row>"
_TABLE_TAG = b"<table:table"
_DELIMITERS = b" \t\r\n/>"
_TABLE_START = re.compile(rb"<table:table[\s/>]")
_ODS_TAG = re.compile(rb"<table:[\w-]+((?:[^<>\"']|\"[^<\"]*\"|'[^<']*')*)>")
_ODS_CELL = re.compile(rb"<table:(?:covered-)?table-cell(?=[\s/>])((?:[^<>\"']|\"[^<\"]*\"|'[^<']*')*)>")
_COLUMN_REPEAT = re.compile(rb"table:number-columns-repeated\s*=\s*[\"']\s*([0-9]+)")
_EMPTY_CELL = re.compile(rb"<table:(?:covered-)?table-cell(?:\s+(?:table:style-name|table:number-columns-repeated)"
                         rb"\s*=\s*(?:\"[^<\"]*\"|'[^<']*'))*\s*/>\s*")
_VALUE_ATTRIBUTES = (b"office:value", b"office:string-value", b"office:date-value", b"office:time-value",
                     b"office:boolean-value", b"office:value-type", b"table:formula")
_QUICK_WIDTH = 1024  # a row measured wider than this (only stray or repeated cells make one) is read cell by cell


def _after_last_row(block: bytes) -> int:
    k = block.rfind(_ROW_END)
    return k + len(_ROW_END) if k >= 0 else -1


def _ods_tables(stream: IO[bytes], tables: list[_Table], path: Path) -> None:
    """Measure every table (sheet): rows are found with plain searches and their cells counted in C;
    only a row that looks wide, or is repeated, is read cell by cell."""
    table: _Table | None = None
    for piece in _pieces(stream, _after_last_row):
        pos = 0
        covered = b"<table:covered-table-cell" in piece  # merged cells: rare, counted only when present
        while (start := piece.find(_TABLE_TAG, pos)) >= 0:
            after = start + len(_TABLE_TAG)
            is_row = piece.startswith(b"-row", after) and piece[after + 4:after + 5] in _DELIMITERS
            if not is_row and not (piece[after:after + 1] and piece[after:after + 1] in _DELIMITERS):
                pos = after  # a column, a header group...: nothing to measure
                continue
            tag = _ODS_TAG.match(piece, start)
            if tag is None:
                pos = after
                continue
            pos = tag.end()
            if not is_row:
                name = _attributes(tag[1]).get(b"table:name", b"")
                table = _Table(html.unescape(name.decode("utf-8", "replace")))
                tables.append(table)
                continue
            body_start = body_end = pos
            if not tag[1].rstrip().endswith(b"/"):
                body_end = piece.find(_ROW_END, pos)
                body_end = len(piece) if body_end < 0 else body_end
                pos = body_end + len(_ROW_END)
            if table is None:
                continue
            if _TABLE_START.search(piece, body_start, body_end):
                raise InputError("cannot open as a spreadsheet: a table nested inside a cell, which spreadsheet "
                                 "programs do not write", file=path, sheet=table.name)
            repeat = _number(_attributes(tag[1]).get(b"table:number-rows-repeated")) if b"rows-repeated" in tag[1] else 1
            width = _ods_row_width(piece, body_start, body_end, exact=repeat > 1, covered=covered)
            table.position += repeat
            if width:
                table.rows, table.columns = table.position, max(table.columns, width)
                _refuse_if_too_large(table.rows, table.columns, path, table.name)


def _number(text: bytes | None) -> int:
    """A repeat count; 1 when absent or not a number (calamine rejects those itself)."""
    digits = (text or b"").strip()
    return _whole_number(digits) if digits.isdigit() else 1


def _ods_row_width(piece: bytes, start: int, end: int, *, exact: bool, covered: bool = True) -> int:
    """Columns up to the last cell that can hold a value (repeats counted) of the row in piece[start:end]."""
    if not exact:
        cut = end  # leave out the empty cells ending the row (LibreOffice writes one repeated 16,000 times)
        while (k := piece.rfind(b"table-cell", start, cut)) >= 0:
            if k - 7 >= start and piece.startswith(b"<table:", k - 7):
                k -= 7
            elif k - 15 >= start and piece.startswith(b"<table:covered-", k - 15):
                k -= 15
            else:
                break  # the end of a cell with content
            if not _EMPTY_CELL.fullmatch(piece, k, cut):
                break
            cut = k
        width = piece.count(b"<table:table-cell", start, cut)
        if covered:
            width += piece.count(b"<table:covered-table-cell", start, cut)
        if piece.find(b"columns-repeated", start, cut) >= 0:
            width += sum(_number(r) - 1 for r in _COLUMN_REPEAT.findall(piece, start, cut))
        if width <= _QUICK_WIDTH:
            return width  # at least the exact width: empty cells left in count as filled
    width = position = 0
    for m in _ODS_CELL.finditer(piece, start, end):
        attributes = _attributes(m[1])
        position += _number(attributes.get(b"table:number-columns-repeated"))
        if any(a in attributes for a in _VALUE_ATTRIBUTES):
            width = position
    return width
