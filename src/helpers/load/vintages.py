"""Which file of each source a year's statement uses: the newest published on or before the statement's date.

One data folder can then gain each year's downloads and still reproduce every past statement exactly:
``caremarket run --year 2025`` after the 2026 files arrived uses what it used in 2025.

The rule (also in docs/data_sources.md):

- a statement for year Y is dated **31 December Y**;
- a file counts as published on the date its vintage says:
  - a dated vintage (the CQC directory and ratings "as at" date; a council's file "as at" date): that day;
  - a national financial year of outturn (ASC-FR, ASCOF, Skills for Care: "2024-25", "2024 to 2025",
    "2024/25"): **31 October** after the year ends (they are published in the autumn after it);
  - a population projection ("2022-based"): **1 July, three years after its base year** (ONS has published
    each set two to three years after its base);
  - a council's own file whose vintage is a financial year (fee rates for "2026-27"): **1 April** that year starts;
- a file whose vintage cannot be read as a date is treated as always published (a warning-free fallback:
  the loaders already refuse files without a vintage where one is required).

Two files of one source published on the same date are an InputError naming both.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Sequence, TypeVar

import pandas as pd

from helpers.errors import InputError

STATEMENT_DAY = (12, 31)
OUTTURN_PUBLISHED = (10, 31)
RATES_START = (4, 1)
PROJECTION_PUBLISHED = (7, 1)
PROJECTION_LAG_YEARS = 3
FINANCIAL_YEAR = re.compile(r"^\s*(?:FY\s*)?((?:19|20)\d\d)\s*(?:-|–|/|to)\s*(\d{2}|(?:19|20)\d\d)\s*$", re.I)
PROJECTION = re.compile(r"((?:19|20)\d\d)[\s-]*based", re.I)
T = TypeVar("T")


def statement_date(year: int) -> pd.Timestamp:
    """The date a statement for ``year`` is made on: 31 December of that year."""
    return pd.Timestamp(year, *STATEMENT_DAY)


def published(vintage: str, *, rates: bool = False) -> pd.Timestamp | None:
    """The date a file of this vintage counts as published (see the module's rule); None when it says no date.

    ``rates``: the vintage is the financial year a council's rates apply to (counted from its 1 April)."""
    return _published(str(vintage), rates)


@lru_cache(maxsize=4096)  # a Timestamp cannot be changed; a council's files are dated on every load (3 formats tried)
def _published(vintage: str, rates: bool) -> pd.Timestamp | None:
    text = vintage.strip()
    fy = FINANCIAL_YEAR.match(text)
    if fy:
        start = int(fy.group(1))
        return pd.Timestamp(start, *RATES_START) if rates else pd.Timestamp(start + 1, *OUTTURN_PUBLISHED)
    projection = PROJECTION.search(text)
    if projection:
        return pd.Timestamp(int(projection.group(1)) + PROJECTION_LAG_YEARS, *PROJECTION_PUBLISHED)
    for fmt in ("%d %B %Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return pd.Timestamp(pd.to_datetime(text, format=fmt))
        except (ValueError, TypeError):
            continue
    return None


def newest(items: Sequence[T], dates: Sequence[pd.Timestamp | None], when: pd.Timestamp | None,
           source: str, paths: Sequence[Path]) -> T | None:
    """The item published last on or before ``when`` (None: any date); None when none was.

    Items with no readable date count as published always and rank before dated ones; two items of one date are an
    InputError naming both files."""
    seen: dict[pd.Timestamp, Path] = {}
    for date, path in zip(dates, paths):
        if date is not None and date in seen:
            raise InputError(f"two files of {source} are both as at {date.day} {date:%B %Y}: {seen[date]} and {path}; "
                             "keep one")
        if date is not None:
            seen[date] = path
    usable = [(date, i) for i, date in enumerate(dates) if when is None or date is None or date <= when]
    if not usable:
        return None
    _, index = max(usable, key=lambda d: (d[0] is not None, d[0] or pd.Timestamp.min, d[1]))
    return items[index]
