"""Disclosure control: published cost figures never come from fewer than ``min_providers`` returns, nor name a provider.

A statistic from too few returns is replaced by the suppression marker (params/cost_of_care.yml),
and a caption holding a marker carries the footnote; a published table may not carry a provider ID
or a spreadsheet row number.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.present.tables import Table

PROVIDER_COLUMNS = {"provider_id", "_row"}


def suppress(frame: pd.DataFrame, columns: list[str], min_providers: int, marker: str,
             count: str = "returns") -> pd.DataFrame:
    """Replace the columns' values by the marker on rows whose count is below min_providers (or missing).

    The columns become object columns of plain floats (None for missing) and markers.
    """
    counts = frame[count]
    if counts.dtype == np.int64:  # the statistics' own counts: no missing value to fill
        small = ~(counts.to_numpy() >= min_providers)
    else:
        small = ~(counts.fillna(0).astype(float) >= min_providers).to_numpy()
    out = frame.copy(deep=False)  # copy-on-write: replacing a column below leaves frame as it was
    for c in columns:
        values = frame[c]
        cells = np.empty(len(values), dtype=object)  # filled element by element: never inferred as text
        cells[:] = [marker if hide else None if missing else float(v)
                    for v, missing, hide in zip(values.tolist(), np.asarray(values.array.isna(), dtype=bool), small)]
        out.isetitem(out.columns.get_loc(c), pd.Series(cells, index=out.index, dtype=object, copy=False))
    return out


def is_suppressed(value: object, marker: str) -> bool:
    """Whether a published cell holds the suppression marker."""
    return isinstance(value, str) and value == marker


def refuse_provider_columns(table: Table) -> Table:
    """Guard: a published table must not carry a provider ID or a spreadsheet row."""
    leaked = PROVIDER_COLUMNS & set(table.frame.columns)
    if leaked:
        raise ValueError(f"table {table.name} would publish provider-level columns {sorted(leaked)}")
    return table


def caption(text: str, frame: pd.DataFrame, marker: str, note: str) -> str:
    """The caption, with the suppression footnote when any cell holds the marker (a caption ends without a full
    stop, like every other; the footnote after it is a sentence of its own)."""
    return f"{text}. {note}" if holds_marker(frame, marker) else text


def holds_marker(frame: pd.DataFrame, marker: str) -> bool:
    """Whether any cell of the frame holds the suppression marker (only a column of text or objects can)."""
    for col, dtype in zip(frame.columns, frame.dtypes):
        if dtype.kind not in "fiubcmM" and any(isinstance(v, str) and v == marker for v in frame[col].tolist()):
            return True
    return False
