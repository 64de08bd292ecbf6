"""Last year's files of every yearly source, so the demo data reproduce two years' statements from one folder.

``caremarket run --year 2025`` on the demo data uses what a council would have had at the end of 2025:
the 1 November 2025 CQC directory and ratings, the financial-year releases before 2025-26, and (for the seed
councils, whose statements the demo shows over two years) the council's own files as at 31 October 2025,
written to ``local/2025/`` under the same names as this year's (the loaders tell
them apart by their as-at date: ``helpers.load.vintages``). A council's own figures are drawn afresh for the
year (a different random stream), so the two statements differ as real years do; every date in them is a year
earlier (weeks by 52 weeks, so a Sunday stays a Sunday).
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from helpers.demo.financial_sustainability import SPEC as FINANCIAL_SUSTAINABILITY
from helpers.demo.financial_sustainability import financial_sustainability_rows
from helpers.demo.local import local_rows
from helpers.demo.local_template import AS_AT, write_rows
from helpers.load.catalogue import LOCAL_SOURCES

YEAR_STREAM = 1  # added to the seed: last year's draws are another year's, not this year's again
FINANCIAL_YEAR = re.compile(r"(20\d\d)([-–/])(\d\d)\b")
WEEK_FIELDS = ("week_ending",)


def year_earlier(value: object, field: str) -> object:
    """A value of one of this year's rows, a year earlier: dates (weeks: 52 weeks earlier), financial years."""
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value - (pd.Timedelta(weeks=52) if field in WEEK_FIELDS else pd.DateOffset(years=1))
    if isinstance(value, dt.date):
        if field in WEEK_FIELDS:
            return value - dt.timedelta(weeks=52)
        return (pd.Timestamp(value) - pd.DateOffset(years=1)).date()
    if isinstance(value, str):
        return FINANCIAL_YEAR.sub(lambda m: f"{int(m[1]) - 1}{m[2]}{(int(m[3]) - 1) % 100:02d}", value)
    return value


def rows_a_year_earlier(rows: list[dict]) -> list[dict]:
    """Every row with its dates and financial years a year earlier."""
    return [{k: year_earlier(v, k) for k, v in row.items()} for row in rows]


def write_local_previous_year(council_code: str, active: pd.DataFrame, seed: int, out_dir: Path) -> list[Path]:
    """Write the council's local files as at a year before this year's, into out_dir/<year>/ (same names).

    ``active``: the council's rows of last year's CQC snapshot."""
    as_at = (pd.Timestamp(AS_AT) - pd.DateOffset(years=1)).date()
    folder = Path(out_dir) / str(as_at.year)
    rows = local_rows(council_code, active, seed + YEAR_STREAM)
    rows[FINANCIAL_SUSTAINABILITY.name] = financial_sustainability_rows(council_code, active, seed + YEAR_STREAM)
    specs = {**LOCAL_SOURCES, FINANCIAL_SUSTAINABILITY.name: FINANCIAL_SUSTAINABILITY}
    return [write_rows(specs[name], rows_a_year_earlier(data), folder / f"{council_code}_{name}.xlsx", as_at)
            for name, data in rows.items()]
