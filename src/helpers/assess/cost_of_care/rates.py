"""The outside rates the uplift and the comparisons use: National Living Wage, CPI and Homecare Association price.

All three come from params/cost_of_care.yml by financial year (or CPI period). The National Living
Wage changes on 1 April, the start of a financial year; the rate in force on a date is the rate of
the financial year it falls in (the latest known one when params hold no rate for that year yet).
"""
from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from helpers.assess.cost_of_care.parameters import PARAMS_NAME
from helpers.errors import InputError
from helpers.params import path_of
from helpers.present import wording


def next_year(financial_year: str) -> str:
    """The financial year after one like 2026-27 (→ 2027-28)."""
    start = int(financial_year[:4]) + 1
    return f"{start}-{(start + 1) % 100:02d}"


def nlw_change(params: dict[str, Any], financial_year: str) -> tuple[float, str]:
    """The NLW % change from the fee year to the next, and how it was found, in words for the statement: the two
    announced rates, else the assumed change because the next year's rate has not been announced (is not in params)."""
    rates = {str(k): float(v) for k, v in params["national_living_wage"]["rates"].items()}
    following = next_year(financial_year)
    if financial_year in rates and following in rates:
        change = (rates[following] / rates[financial_year] - 1) * 100
        return change, (f"{wording.percent(change, 1)}, from {wording.money(rates[financial_year])} in "
                        f"{wording.dashed(financial_year)} to {wording.money(rates[following])} in "
                        f"{wording.dashed(following)}")
    assumed = float(params["national_living_wage"]["assumed_change_pct"])
    return assumed, (f"an assumed {wording.percent(assumed, 1)} because the {wording.dashed(following)} rate has not "
                     "been announced")


def latest_cpi(params: dict[str, Any]) -> dict[str, Any]:
    """The latest CPI reading in params: period, rate_pct and published date."""
    return max(params["cpi"]["readings"], key=lambda r: str(r["period"]))


def period_name(period: str) -> str:
    """A CPI period like 2025-09 as 'September 2025' (other text unchanged)."""
    try:
        return wording.month(pd.Timestamp(f"{period}-01"))
    except ValueError:
        return period


def hca_price(params: dict[str, Any], financial_year: str) -> tuple[str, float] | None:
    """The Homecare Association Minimum Price of the fee year, else the latest earlier year; None if none."""
    prices = {str(k): float(v) for k, v in params["homecare_minimum_price"]["prices"].items()}
    years = [y for y in sorted(prices) if y <= financial_year]
    return (years[-1], prices[years[-1]]) if years else None



def financial_year_of(day: date | pd.Timestamp) -> str:
    """The financial year (1 April to 31 March) a date falls in, like 2026-27."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def nlw_in_force(params: dict[str, Any], day: date | pd.Timestamp) -> dict[str, Any]:
    """The National Living Wage in force on a day: rate, financial year, date from and source.

    The rate of the day's financial year, else the latest earlier year in params (a rate not yet
    added); an InputError when params hold no rate for that year or an earlier one.
    """
    nlw = params["national_living_wage"]
    rates = {str(k): float(v) for k, v in nlw["rates"].items()}
    wanted = financial_year_of(day)
    years = [y for y in sorted(rates) if y <= wanted]
    if not years:
        raise InputError(f"key 'national_living_wage.rates': no rate for {wanted} or an earlier year",
                         file=path_of(PARAMS_NAME))
    year = years[-1]
    return {"rate": rates[year], "financial_year": year, "from": f"1 April {year[:4]}",
            "source": f"{nlw['source']}, April {year[:4]}"}
