"""Tables for the MPS as Markdown pipe tables (they render the same in HTML and Typst).

Cell formats: int (1,234), pct (12.3%), gbp (£1,234.56), gbp0 (£1,235), num1 (1,234.5); a string
cell (e.g. a suppression marker) is shown as literal text (escaped: never markup); a missing value as an en dash.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers.present.escape import markdown


def _cell(value: object, fmt: str | None) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    if isinstance(value, str):
        return markdown(value)
    if fmt == "int" or (fmt is None and isinstance(value, (int, np.integer))):
        return f"{int(round(float(value))):,}"
    if fmt == "pct":
        return f"{float(value):.1f}%"
    if fmt == "gbp":
        return f"£{float(value):,.2f}"
    if fmt == "gbp0":
        return f"£{float(value):,.0f}"
    if fmt == "num1":
        return f"{float(value):,.1f}"
    return markdown(value)


def pipe_table(frame: pd.DataFrame, caption: str, headers: dict[str, str] | None = None,
               formats: dict[str, str] | None = None) -> str:
    """Render a DataFrame as a pipe table with a caption; numeric columns right-aligned."""
    headers, formats = headers or {}, formats or {}
    cols = list(frame.columns)
    numeric = {c: pd.api.types.is_numeric_dtype(frame[c]) for c in cols}
    lines = ["| " + " | ".join(markdown(headers.get(c, c)) for c in cols) + " |",
             "|" + "|".join("---:" if numeric[c] else ":---" for c in cols) + "|"]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(_cell(v, formats.get(c)) for c, v in zip(cols, row)) + " |")
    return "\n".join(lines) + f"\n\n: {markdown(caption)}\n"


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
