"""Tables for the MPS as Markdown pipe tables (they render the same in HTML and Typst).

Cell formats, all in the house style of helpers.present.wording: int (1,234), pct (12.3%), gbp (£1,234.56),
gbp0 (£1,235), num1 (1,234.5), signed (+7, −3), signed1 (+1.0, −0.4), year (2026, never 2,026), date
(1 November 2026). Negative numbers take the minus sign "−" and a value that rounds to zero has no sign. Without
a format: a whole number (int, or a float that is whole) as int, another float as num1, a date as date, and
a column named "year" as year. A string cell (e.g. a suppression marker) is shown as literal text (escaped:
never markup); a missing value as an en dash. A column without a header whose name is lower-case is headed by that name
with spaces for underscores, capitalised ("beds_total" → "Beds total"), so no raw column name is published.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers.present import wording
from helpers.present.escape import markdown

MISSING = "–"
YEAR_COLUMNS = ("year",)


def is_date(value: object) -> bool:
    """A date or a date-time (pandas, numpy or the standard library's)."""
    return isinstance(value, (dt.date, np.datetime64, pd.Timestamp))


def cell_text(value: object, fmt: str | None = None) -> str:
    """One cell's text in the house style (before Markdown escaping)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return MISSING
    if isinstance(value, str):
        return value
    if fmt == "date" or is_date(value):
        return wording.day(value)
    if isinstance(value, (bool, np.bool_)):
        return "Yes" if value else "No"
    if fmt == "year":
        return wording.year(value)
    if fmt == "pct":
        return wording.percent(value, 1)
    if fmt == "gbp":
        return wording.money(value)
    if fmt == "gbp0":
        return wording.money(value, pence=False)
    if fmt == "num1":
        return wording.number(value, 1)
    if fmt == "signed":
        return wording.signed_number(value, 0)
    if fmt == "signed1":
        return wording.signed_number(value, 1)
    if fmt == "int" or isinstance(value, (int, np.integer)) or float(value).is_integer():
        return wording.whole(value)
    return wording.number(value, 1)


def _cell(value: object, fmt: str | None) -> str:
    """A cell for the pipe table: input text escaped (never markup); numbers and dates are ours, shown as made."""
    return markdown(value) if isinstance(value, str) else cell_text(value, fmt)


def header(column: object, headers: dict[str, str]) -> str:
    """A column's published header: the given one; else a lower-case name with spaces for underscores, capitalised."""
    if column in headers:
        return headers[column]
    name = str(column)
    if re.fullmatch(r"[a-z][a-z0-9_]*", name):
        name = name.replace("_", " ").strip()
        return name[:1].upper() + name[1:]
    return name


def column_formats(frame: pd.DataFrame, headers: dict[str, str], formats: dict[str, str]) -> dict[str, str]:
    """The display formats with the defaults filled in: a column named or headed "year" shows years as years."""
    out = dict(formats)
    for c in frame.columns:
        if c not in out and (str(c).lower() in YEAR_COLUMNS or headers.get(c, "").strip().lower() in YEAR_COLUMNS):
            out[c] = "year"
    return out


def pipe_table(frame: pd.DataFrame, caption: str, headers: dict[str, str] | None = None,
               formats: dict[str, str] | None = None) -> str:
    """Render a DataFrame as a pipe table with a caption; numeric and date columns right-aligned."""
    headers = headers or {}
    formats = column_formats(frame, headers, formats or {})
    cols = list(frame.columns)
    right = {c: pd.api.types.is_numeric_dtype(frame[c]) or pd.api.types.is_datetime64_any_dtype(frame[c])
             for c in cols}
    lines = ["| " + " | ".join(markdown(header(c, headers)) for c in cols) + " |",
             "|" + "|".join("---:" if right[c] else ":---" for c in cols) + "|"]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(_cell(v, formats.get(c)) for c, v in zip(cols, row)) + " |")
    return "\n".join(lines) + f"\n\n: {markdown(caption)}\n"


_HEADER_CELL = re.compile(r"((?:\\.|[^|\\])*)\|")


def headers_of(table_markdown: str) -> list[str]:
    """The published headers of a pipe table written by ``pipe_table`` (its first line, escapes undone)."""
    first = table_markdown.split("\n", 1)[0].strip()
    if not first.startswith("|"):
        return []
    cells = _HEADER_CELL.findall(first[1:])
    return [re.sub(r"\\(.)", r"\1", c.strip()) for c in cells]


@dataclass
class Table:
    """A table behind a chart or a section, with its caption and display formats."""

    name: str
    frame: pd.DataFrame
    caption: str
    headers: dict[str, str] = field(default_factory=dict)
    formats: dict[str, str] = field(default_factory=dict)

    def markdown(self) -> str:
        """The table as a captioned pipe table."""
        return pipe_table(self.frame, self.caption, self.headers, self.formats)
