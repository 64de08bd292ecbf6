"""Fast xlsx writing for the demo files: the worksheet XML openpyxl writes, built a column at a time.

openpyxl builds an object per cell and serialises it through ElementTree, about 20 µs a cell; England's
demo data have about 25 million cells. Here openpyxl still writes each workbook's *shell* (every part:
styles, README, drop-down lists, data validations, the header row), and only the data rows are made
here, as the same XML text openpyxl would write for them (``cell_suffixes`` follows
``openpyxl.cell._writer.etree_write_cell``): inline strings, numbers as ``"%.16g"``, dates as Excel
serial numbers (in styled cells only), ``""`` as an empty inline string, ``None`` left out unless the
cell is styled. Values openpyxl would turn into something else (a formula, an error code, a date given
a format of its own) are refused rather than written differently. The zip is deflated at level 1, not
openpyxl's 6 (a fifth larger, five times faster to compress); its parts are the same.
``tests/demo/test_demo_writers.py`` checks the output part by part against openpyxl's own.
"""
from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from xml.etree.ElementTree import _escape_cdata  # the escaping openpyxl's writer uses

import numpy as np
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

NUMBER = (int, float)
CHUNK_ROWS = 2000  # rows of XML built at a time when streaming a large sheet


def _string_suffix(value: str) -> str:
    value = value[:32767]  # as openpyxl: a cell holds at most 32,767 characters
    if value == "":
        return ' t="inlineStr" />'
    if len(value) > 1 and value.startswith("=") or value in ERROR_CODES or ILLEGAL_CHARACTERS_RE.search(value):
        raise ValueError(f"the fast xlsx writer does not write formulas, error codes or control characters: "
                         f"{value!r}")
    stripped = value.strip()
    space = ' xml:space="preserve"' if stripped and stripped != value else ""
    return f' t="inlineStr"><is><t{space}>{_escape_cdata(value)}</t></is></c>'


def _number_suffix(value: float) -> str:
    text = "" if math.isnan(value) or math.isinf(value) else "%.16g" % value
    return f' t="n"><v>{text}</v></c>' if text else ' t="n"><v /></c>'


def _suffix(value: object) -> str | None:
    """What follows ``<c r="A1"`` (and the style) for one value; None: no cell at all (unstyled None)."""
    if value is None:
        return None
    if isinstance(value, str):
        return _string_suffix(value)
    if isinstance(value, bool):
        return f' t="b"><v>{int(value)}</v></c>'
    if isinstance(value, dt.date):  # dates and datetimes: Excel serial numbers, as openpyxl writes them
        serial = to_excel(value)
        return ' t="n" />' if serial is None else _number_suffix(serial)
    if isinstance(value, NUMBER) or hasattr(value, "dtype"):  # Python and NumPy numbers
        return _number_suffix(value)
    raise ValueError(f"the fast xlsx writer does not write {type(value).__name__} values: {value!r}")


def cell_suffixes(values: Sequence[object], style: int | None) -> list[str | None]:
    """Each value's cell XML after ``<c r="…"``, with ``s="style"``; None where no cell is written.

    Each distinct value is formatted once. Values are told apart by value alone (1, 1.0 and
    ``numpy.int64(1)`` are written alike), except that a column mixing booleans with other types keys
    on the type too (True == 1, but True is written as a boolean), and a column holding -0.0 is
    written value by value.
    """
    styled = f' s="{style}"' if style is not None else ""
    empty = f'{styled} t="n" />' if style is not None else None

    def piece(value: object) -> str | None:
        if style is None and isinstance(value, dt.date):
            raise ValueError("the fast xlsx writer writes dates only with a style (openpyxl gives them a date format)")
        base = _suffix(value)
        return empty if base is None else styled + base

    kinds = set(map(type, values))
    floats = kinds & {float, np.float64, np.float32}
    if floats:  # -0.0 == 0.0, but it is written "-0": no sharing between them
        numbers = np.array([v for v in values if type(v) in floats], dtype=float)
        if np.any(np.signbit(numbers) & (numbers == 0)):
            return [piece(value) for value in values]
    if len(kinds) > 1 and kinds & {bool, np.bool_}:
        keys = [(type(v), v) for v in values]
        table = {key: piece(key[1]) for key in dict.fromkeys(keys)}
        return list(map(table.__getitem__, keys))
    try:
        table = {value: piece(value) for value in dict.fromkeys(values)}
    except TypeError:  # unhashable values: one at a time
        return [piece(value) for value in values]
    return list(map(table.__getitem__, values))


def rows_xml(columns: Sequence[Sequence[object]], styles: Sequence[int | None], first_row: int) -> Iterator[str]:
    """``<row>`` elements for these columns (each a sequence of values, all of one length), CHUNK_ROWS at a time."""
    letters = [get_column_letter(j + 1) for j in range(len(columns))]
    suffixes = [cell_suffixes(values, style) for values, style in zip(columns, styles)]
    n = len(columns[0]) if columns else 0
    starts = [f'<c r="{letter}' for letter in letters]
    for lo in range(0, n, CHUNK_ROWS):
        parts = []
        for i in range(lo, min(lo + CHUNK_ROWS, n)):
            r = str(first_row + i)
            parts.append(f'<row r="{r}">')
            parts += [f'{start}{r}"{column[i]}' for start, column in zip(starts, suffixes) if column[i] is not None]
            parts.append("</row>")
        yield "".join(parts)


def read_parts(data: bytes) -> dict[str, bytes]:
    """Every part of an xlsx (zip) in its order."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def write_parts(path: Path, parts: dict[str, bytes | Iterable[str]]) -> Path:
    """Write the parts as an xlsx in their order, deflated at level 1; a part may be an iterable of text chunks."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True, compresslevel=1) as z:
        for name, content in parts.items():
            if isinstance(content, bytes):
                z.writestr(name, content)
                continue
            with z.open(name, "w") as f:
                for chunk in content:
                    f.write(chunk.encode("utf-8"))
    return path


def sheet_part(parts: dict[str, bytes], position: int) -> str:
    """The part name of the sheet at this position (0-based) of an openpyxl workbook: sheet<position + 1>.xml."""
    name = f"xl/worksheets/sheet{position + 1}.xml"
    if name not in parts:
        raise ValueError(f"no {name} in the workbook")
    return name


def with_rows(sheet: str, first_row: int, rows: Iterable[str]) -> Iterator[str]:
    """A worksheet's XML with its rows from ``first_row`` on replaced by ``rows`` (chunks of ``<row>`` text)."""
    start = sheet.find(f'<row r="{first_row}">')
    end = sheet.index("</sheetData>")
    if start < 0:
        start = end
    yield sheet[:start]
    yield from rows
    yield sheet[end:]


DIMENSION = re.compile(r'<dimension ref="[^"]*" />')


def set_dimension(sheet: str, ref: str) -> str:
    """The worksheet XML with its ``<dimension ref>`` (the used range) set."""
    out, n = DIMENSION.subn(f'<dimension ref="{ref}" />', sheet, count=1)
    if n != 1:
        raise ValueError("worksheet has no <dimension>")
    return out
