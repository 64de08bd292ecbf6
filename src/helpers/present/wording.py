"""The one house style for numbers, dates and plurals in published text (statement, data workbook, charts).

Rules: whole numbers with a thousands comma ("4,019"); negatives with the minus sign U+2212 ("−3%"),
never the ASCII hyphen; a value that rounds to zero prints without a sign ("0%", never "-0%");
dates as "1 November 2026" (no leading zero, no time); years as "2026" (no separator); ranges with an
en dash ("2024–25"); proper plurals ("1 action", "2 actions"). Missing values (None, NaN, NaT) print
as NOT_AVAILABLE.
"""
from __future__ import annotations

import datetime as _dt
import math
import re
from typing import Any

MINUS = "\u2212"
EN_DASH = "\u2013"
NOT_AVAILABLE = "not available"

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def missing(x: Any) -> bool:
    """True for None, NaN, pandas NA/NaT and other values that are not a number or date."""
    if x is None:
        return True
    import pandas as pd
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def _fixed(x: float, digits: int, comma: bool = True) -> str:
    """x rounded to digits places, thousands comma, "−" for negatives, and no sign on a rounded zero."""
    text = f"{abs(float(x)):,.{digits}f}" if comma else f"{abs(float(x)):.{digits}f}"
    if float(x) < 0 and any(c in "123456789" for c in text):
        return MINUS + text
    return text


def whole(n: Any) -> str:
    """A whole number with a thousands comma: 4019 → "4,019", −3.6 → "−4", None → "not available"."""
    if missing(n):
        return NOT_AVAILABLE
    return _fixed(round(float(n)), 0)


def number(x: Any, digits: int = 1) -> str:
    """A number to `digits` places with a thousands comma: 67.66 → "67.7", 1234.5 → "1,234.5"."""
    if missing(x):
        return NOT_AVAILABLE
    return _fixed(float(x), digits)


def percent(x: Any, digits: int = 0) -> str:
    """A percentage already in points: 84.2 → "84%"; −0.4 → "0%" (a rounded zero has no sign)."""
    if missing(x):
        return NOT_AVAILABLE
    return _fixed(float(x), digits) + "%"


def signed_percent(x: Any, digits: int = 0) -> str:
    """A change in points with its sign: 20 → "+20%", −3 → "−3%", 0.3 → "0%"."""
    text = signed_number(x, digits)
    return text if text == NOT_AVAILABLE else text + "%"


def signed_number(x: Any, digits: int = 1) -> str:
    """A change with its sign: 2.5 → "+2.5", −1 → "−1.0", 0.04 → "0.0"."""
    if missing(x):
        return NOT_AVAILABLE
    text = _fixed(float(x), digits)
    if float(x) > 0 and any(c in "123456789" for c in text):
        text = "+" + text
    return text


def money(x: Any, pence: bool = True) -> str:
    """Pounds: 928.375 → "£928.38"; pence=False → "£5,158,617"; −3.2 → "−£3.20"."""
    if missing(x):
        return NOT_AVAILABLE
    text = _fixed(float(x), 2 if pence else 0)
    return MINUS + "£" + text[1:] if text.startswith(MINUS) else "£" + text


def _as_date(d: Any) -> _dt.date:
    """A date from a date, datetime, pandas Timestamp, numpy datetime64 or ISO string."""
    if isinstance(d, _dt.datetime):
        return d.date()
    if isinstance(d, _dt.date):
        return d
    if isinstance(d, str):
        text = d.strip()
        try:
            return _dt.date.fromisoformat(text[:10])
        except ValueError:
            return _dt.datetime.fromisoformat(text).date()
    to_py = getattr(d, "to_pydatetime", None)
    if to_py is not None:
        return to_py().date()
    import pandas as pd
    return pd.Timestamp(d).date()


def day(d: Any) -> str:
    """A date as "1 November 2026" (no leading zero, no time) from a date, datetime, Timestamp or ISO string."""
    if missing(d):
        return NOT_AVAILABLE
    value = _as_date(d)
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def month(d: Any) -> str:
    """A month as "November 2026" from a date, datetime, Timestamp or ISO string."""
    if missing(d):
        return NOT_AVAILABLE
    value = _as_date(d)
    return f"{_MONTHS[value.month - 1]} {value.year}"


def year(y: Any) -> str:
    """A year as "2026" (no thousands separator) from an int, float, date or string."""
    if missing(y):
        return NOT_AVAILABLE
    if isinstance(y, (_dt.date, _dt.datetime)) or hasattr(y, "year") and not isinstance(y, (int, float, str)):
        return str(y.year)
    if isinstance(y, str):
        return y.strip().replace(",", "")
    return str(int(round(float(y))))


def year_range(first: Any, last: Any) -> str:
    """Two years joined by an en dash: (2024, 2030) → "2024–2030"."""
    return f"{year(first)}{EN_DASH}{year(last)}"


def plural(n: Any, singular: str, plural: str | None = None) -> str:
    """A count and its noun: (1, "action") → "1 action", (2, "action") → "2 actions", (3, "care home", …)."""
    word = singular if not missing(n) and float(n) == 1 else (plural or singular + "s")
    return f"{whole(n)} {word}"


def noun(n: Any, singular: str, plural: str | None = None) -> str:
    """The noun alone in the right number: (1, "action") → "action", (2, "action") → "actions"."""
    return singular if not missing(n) and float(n) == 1 else (plural or singular + "s")


_RANGE = re.compile(r"(?<![\w.\-/–])(\d{1,4})\s?[-/–]\s?(\d{1,4})(?![\w\-/–])")
_WRITTEN_DATE = re.compile(rf"\b0?(\d{{1,2}}) ({'|'.join(_MONTHS)}) (\d{{4}})\b")
_ISO_DATE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*$")


def dashed(text: Any) -> str:
    """Ranges of years or ages with an en dash: "2024-25" / "2024/25" → "2024–25", "18-64" → "18–64"."""
    return _RANGE.sub(lambda m: f"{m[1]}{EN_DASH}{m[2]}", str(text))


def vintage(text: Any) -> str:
    """A source's as-at text in house style: a date as "1 November 2026", a year range with an en dash."""
    if missing(text):
        return NOT_AVAILABLE
    if not isinstance(text, str) or _ISO_DATE.match(text):
        return day(text)
    return dashed(_WRITTEN_DATE.sub(lambda m: f"{int(m[1])} {m[2]} {m[3]}", text))
