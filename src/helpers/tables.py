"""Tables for the MPS as Markdown pipe tables (they render the same in HTML and Typst)."""
from __future__ import annotations

import numpy as np
import pandas as pd


def _cell(value: object, fmt: str | None) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    if fmt == "int" or (fmt is None and isinstance(value, (int, np.integer))):
        return f"{int(round(float(value))):,}"
    if fmt == "pct":
        return f"{float(value):.1f}%"
    return str(value).replace("|", "\\|")


def pipe_table(frame: pd.DataFrame, caption: str, headers: dict[str, str] | None = None,
               formats: dict[str, str] | None = None) -> str:
    """Render a DataFrame as a pipe table with a caption; numeric columns right-aligned."""
    headers, formats = headers or {}, formats or {}
    cols = list(frame.columns)
    numeric = {c: pd.api.types.is_numeric_dtype(frame[c]) for c in cols}
    lines = ["| " + " | ".join(headers.get(c, c) for c in cols) + " |",
             "|" + "|".join("---:" if numeric[c] else ":---" for c in cols) + "|"]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(_cell(v, formats.get(c)) for c, v in zip(cols, row)) + " |")
    return "\n".join(lines) + f"\n\n: {caption}\n"
