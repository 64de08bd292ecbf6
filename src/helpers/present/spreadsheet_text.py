"""Untrusted text in published spreadsheets and CSVs: always data, never a formula.

Text from inputs (CQC brand names, action plans, KPI names, fee bands) can start with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return, which a spreadsheet may run as a formula ("CSV injection").

- **CSV** (:func:`write_csv`): every *text* cell (and column name) that starts with one of those characters
  gets a leading single quote, as OWASP recommends, e.g. ``=HYPERLINK(…)`` → ``'=HYPERLINK(…)``. Numbers
  stored as numbers are never touched (``-3.5`` stays ``-3.5``); a negative number held as text is text and
  is neutralised. Text is written in double quotes and numbers bare (``csv.QUOTE_NONNUMERIC``), so a line
  break, tab, comma or carriage return inside a cell stays inside its cell. The prefix is reversible:
  text that already starts with quotes followed by one of those characters gets one more quote, and
  :func:`restore` (used by :func:`read_csv`) removes exactly one.
- **xlsx** (:func:`write_cell`, :func:`force_text`): every text value is a string cell (openpyxl would
  otherwise store a str starting with ``=`` as a formula and ``#N/A`` as an error), with wrap-text
  alignment when it has line breaks or is long. Characters XML cannot carry (C0 control characters
  other than tab and line feed) become U+FFFD, a carriage return becomes a line feed (Excel's line break
  in a cell; XML would turn it into one anyway) and text is cut at Excel's 32,767 characters a cell.
  Numbers are number cells with a number format; percentages are fractions with a % format (0.39 shown
  as 39.0%), as the cost-of-care workbook has always written them.
"""
from __future__ import annotations

import csv
import datetime as dt
import math
import numbers
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment

from helpers.files import replacing

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may run as a formula at a cell's start
_TRIGGER = "[" + re.escape("".join(FORMULA_START)) + "]"
_NEUTRALISE = re.compile("'*" + _TRIGGER)
_RESTORE = re.compile("'+" + _TRIGGER)
EXCEL_MAX_TEXT = 32767
WRAP_AT = 60  # text longer than this (or with a line break) wraps within its cell

# Excel number formats for the display formats of helpers.present.tables.Table.formats (pct values are 0–100 there
# and written as fractions: see excel_number).
NUMBER_FORMATS = {"gbp": '"£"#,##0.00', "gbp0": '"£"#,##0', "pct": "0.0%", "int": "#,##0", "num1": "#,##0.0"}


# ------------------------------------------------------------------------------------------------------ CSV


def neutralise(text: str) -> str:
    """Text as a CSV cell no spreadsheet runs as a formula: a leading ``'`` if it starts with = + - @ tab or CR."""
    return "'" + text if _NEUTRALISE.match(text) else text


def restore(text: str) -> str:
    """The text :func:`neutralise` was given (removes the one quote it added)."""
    return text[1:] if _RESTORE.match(text) else text


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _is_bool(value: Any) -> bool:
    return isinstance(value, (bool, np.bool_))


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Number) and not _is_bool(value)


def _text_cell(value: Any, convert: Any) -> Any:
    """Apply convert to a text cell; numbers, booleans, dates and missing values are left as they are."""
    if isinstance(value, str):
        return convert(value)
    if _is_missing(value) or _is_bool(value) or isinstance(value, (numbers.Number, dt.date, dt.time, dt.timedelta)):
        return value
    return convert(str(value))


def _map_text(frame: pd.DataFrame, convert: Any) -> pd.DataFrame:
    out = frame.copy()
    out.columns = [_text_cell(c, convert) for c in frame.columns]
    for i in range(frame.shape[1]):
        series = frame.iloc[:, i]
        if not (pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_datetime64_any_dtype(series.dtype)
                or pd.api.types.is_timedelta64_dtype(series.dtype)):  # object, string and categorical columns
            out.isetitem(i, pd.Series([_text_cell(v, convert) for v in series], index=frame.index, dtype=object))
    return out


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of frame whose text cells and column names are neutralised (numbers untouched)."""
    return _map_text(frame, neutralise)


def restore_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of frame with :func:`restore` applied to its text cells and column names."""
    return _map_text(frame, restore)


def write_csv(frame: pd.DataFrame, path: Path | str, index: bool = False) -> Path:
    """Write frame to a published CSV: text neutralised and quoted, numbers bare; UTF-8, ``\\n`` line ends.

    Written to a temporary file beside path (created with the process's umask, like any other output),
    then moved into place, so a failure never leaves a half-written file.
    """
    path = Path(path)
    out = neutralise_frame(frame.reset_index() if index else frame)
    with replacing(path) as tmp, open(tmp, "x", encoding="utf-8", newline="") as f:
        out.to_csv(f, index=False, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    return path


def read_csv(path: Path | str, **kwargs: Any) -> pd.DataFrame:
    """Read a CSV written by :func:`write_csv` back to its text (keyword arguments go to ``pd.read_csv``)."""
    return restore_frame(pd.read_csv(path, **kwargs))


# ----------------------------------------------------------------------------------------------------- xlsx


def excel_text(text: str) -> str:
    """Text as an xlsx cell can hold it: control characters → U+FFFD, CR → LF, at most 32,767 characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
    if len(text) > EXCEL_MAX_TEXT:
        text = text[:EXCEL_MAX_TEXT - 1] + "…"
    return text


def cell_value(value: Any) -> Any:
    """A Python value as openpyxl should store it: None for missing, numbers, booleans, naive dates, clean text."""
    if _is_missing(value):
        return None
    if _is_bool(value):
        return bool(value)
    if _is_number(value):
        if isinstance(value, numbers.Integral):
            return int(value)
        number = float(value)
        return number if math.isfinite(number) else excel_text(str(number))
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, (dt.datetime, dt.time)) and value.tzinfo is not None:
        return excel_text(value.isoformat())
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        return value
    return excel_text(str(value))


def _wrap(cell: Any) -> None:
    a = cell.alignment
    if not a.wrap_text:
        cell.alignment = Alignment(horizontal=a.horizontal, vertical=a.vertical or "top", wrap_text=True,
                                   indent=a.indent, text_rotation=a.text_rotation)


def _as_string_cell(cell: Any) -> None:
    """Make a cell holding a str a string cell (never a formula or error) that wraps if multi-line or long."""
    cell.data_type = "s"
    if "\n" in cell.value or len(cell.value) > WRAP_AT:
        _wrap(cell)


def write_cell(cell: Any, value: Any, number_format: str | None = None) -> Any:
    """Store value in an openpyxl cell: text as a string cell, a number with number_format (if given)."""
    value = cell_value(value)
    cell.value = value
    if isinstance(value, str):
        _as_string_cell(cell)
    elif number_format and _is_number(value):
        cell.number_format = number_format
    return cell


def append_row(ws: Any, values: list[Any]) -> None:
    """Append a row of values (cleaned by :func:`cell_value`); text becomes string cells at the latest in force_text."""
    ws.append([cell_value(v) for v in values])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            _as_string_cell(cell)


def force_text(workbook: Any) -> None:
    """Every cell of every sheet holding a str becomes a string cell: the guard run before any xlsx is saved."""
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    _as_string_cell(cell)


# --------------------------------------------------------------------------- numbers displayed as text

_DISPLAY = re.compile(r"(?P<sign1>-)?(?P<gbp>£)?(?P<sign2>-)?"
                      r"(?P<int>0|[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*)(?:\.(?P<dec>\d+))?(?P<pct>%)?")
EXCEL_DIGITS = 15  # an integer with more digits (an ID) would lose digits as a number: it stays text


def display_number(text: str) -> tuple[float | int, str] | None:
    """A number written out as text, as (value, Excel number format) that shows the same; else None.

    '39.0%' → (0.39, '0.0%'), '39%' → (0.39, '0%'), '£1,234.50' → (1234.5, '"£"#,##0.00'), '1,016' → (1016,
    '#,##0'), '21.3' → (21.3, '0.0'), '585' → (585, '0'). Anything else stays text: words, '+1', '007',
    '1e5', '60 (60)', a '£' with a '%', or an integer of more than 15 digits.
    """
    m = _DISPLAY.fullmatch(text)
    if not m or (m["gbp"] and m["pct"]) or (m["sign1"] and m["sign2"]):
        return None
    digits = m["int"].replace(",", "")
    if not m["dec"] and len(digits) > EXCEL_DIGITS:
        return None
    negative = bool(m["sign1"] or m["sign2"])
    decimals = "." + "0" * len(m["dec"]) if m["dec"] else ""
    fmt = ("#,##0" if "," in m["int"] else "0") + decimals
    if m["dec"]:
        value: float | int = float(f"{digits}.{m['dec']}")
    else:
        value = int(digits)
    value = -value if negative else value
    if m["pct"]:
        return round(value / 100, 12), fmt + "%"
    if m["gbp"]:
        return value, f'"£"#,##0{decimals}'
    return value, fmt


def excel_number(value: Any, fmt: str | None) -> tuple[Any, str | None]:
    """A number of a Table column with display format fmt as (cell value, Excel number format).

    ``pct`` columns hold 39.0 for 39%: written as the fraction 0.39 with '0.0%', so the cell is a real
    percentage in Excel (sums and charts work) and shows what the MPS shows.
    """
    if not _is_number(value) or _is_missing(value) or fmt not in NUMBER_FORMATS:
        return value, None
    if fmt == "pct":
        return round(float(value) / 100, 12), NUMBER_FORMATS["pct"]
    return value, NUMBER_FORMATS[fmt]
