"""Last year's demo files: every date and financial year a year earlier, weeks by whole weeks."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from helpers.demo.previous_year import rows_a_year_earlier, year_earlier


def test_dates_move_back_a_year_and_weeks_by_52_weeks_keeping_the_weekday() -> None:
    assert year_earlier(dt.date(2026, 10, 31), "date") == dt.date(2025, 10, 31)
    assert year_earlier(dt.date(2024, 2, 29), "as_at") == dt.date(2023, 2, 28)
    week = year_earlier(dt.date(2026, 10, 25), "week_ending")
    assert week == dt.date(2025, 10, 26) and week.weekday() == 6  # still a Sunday
    assert year_earlier(pd.Timestamp("2026-10-31"), "date") == pd.Timestamp("2025-10-31")


def test_financial_years_and_quarters_move_back_a_year_other_values_stay() -> None:
    assert year_earlier("2026-27", "financial_year") == "2025-26"
    assert year_earlier("Q2 2026-27", "period") == "Q2 2025-26"
    assert year_earlier("2099–00", "x") == "2098–99"
    assert year_earlier("Residential standard", "band") == "Residential standard"
    assert year_earlier(812.4, "current_rate") == 812.4 and year_earlier(None, "budget") is None


def test_rows_keep_their_keys() -> None:
    rows = rows_a_year_earlier([{"date": dt.date(2026, 10, 31), "beds": 40, "financial_year": "2026-27"}])
    assert rows == [{"date": dt.date(2025, 10, 31), "beds": 40, "financial_year": "2025-26"}]
