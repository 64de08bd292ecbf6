"""The house style for numbers, dates and plurals (helpers.present.wording)."""
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from helpers.present import wording as w

M = "\u2212"


def test_constants():
    assert w.MINUS == "−" and w.NOT_AVAILABLE == "not available"


@pytest.mark.parametrize("value, text", [
    (4019, "4,019"), (4019.4, "4,019"), (3356.0, "3,356"), (0, "0"), (-0.4, "0"), (-3.6, f"{M}4"),
    (-1234, f"{M}1,234"), (np.int64(12), "12"), (7, "7")])
def test_whole(value, text):
    assert w.whole(value) == text


@pytest.mark.parametrize("value, digits, text", [
    (67.66, 1, "67.7"), (1234.5, 1, "1,234.5"), (-0.04, 1, "0.0"), (-2.25, 2, f"{M}2.25"), (5, 0, "5"),
    (-12.3, 1, f"{M}12.3")])
def test_number(value, digits, text):
    assert w.number(value, digits) == text


@pytest.mark.parametrize("value, digits, text", [
    (84.2, 0, "84%"), (-0.4, 0, "0%"), (0.4, 0, "0%"), (-0.5001, 0, f"{M}1%"), (-3, 0, f"{M}3%"),
    (12.345, 1, "12.3%"), (-0.04, 1, "0.0%")])
def test_percent(value, digits, text):
    assert w.percent(value, digits) == text


@pytest.mark.parametrize("value, text", [(20, "+20%"), (-3, f"{M}3%"), (0, "0%"), (0.3, "0%"), (-0.4, "0%"),
                                         (0.6, "+1%")])
def test_signed_percent(value, text):
    assert w.signed_percent(value) == text


def test_signed_number():
    assert w.signed_number(2.5) == "+2.5" and w.signed_number(-1) == f"{M}1.0" and w.signed_number(-0.04) == "0.0"


@pytest.mark.parametrize("value, pence, text", [
    (928.375, True, "£928.38"), (5158617.2, False, "£5,158,617"), (-3.2, True, f"{M}£3.20"),
    (-0.001, True, "£0.00"), (1234.5, True, "£1,234.50")])
def test_money(value, pence, text):
    assert w.money(value, pence=pence) == text


@pytest.mark.parametrize("value", [dt.date(2026, 11, 1), dt.datetime(2026, 11, 1, 0, 0), pd.Timestamp("2026-11-01"),
                                   "2026-11-01", "2026-11-01T00:00:00", np.datetime64("2026-11-01")])
def test_day(value):
    assert w.day(value) == "1 November 2026"


def test_day_two_digits_and_month():
    assert w.day("2025-03-31") == "31 March 2025"
    assert w.month(dt.date(2026, 4, 9)) == "April 2026"


@pytest.mark.parametrize("value", [2026, 2026.0, np.int64(2026), "2026", "2,026", dt.date(2026, 1, 5)])
def test_year(value):
    assert w.year(value) == "2026"


def test_year_range_uses_en_dash():
    assert w.year_range(2024, 2030) == "2024–2030"


@pytest.mark.parametrize("n, args, text", [
    (1, ("action",), "1 action"), (2, ("action",), "2 actions"), (0, ("action",), "0 actions"),
    (3, ("care home",), "3 care homes"), (1, ("care home",), "1 care home"),
    (2, ("activity", "activities"), "2 activities"), (1234, ("bed",), "1,234 beds")])
def test_plural(n, args, text):
    assert w.plural(n, *args) == text
    assert "(s)" not in text


def test_noun():
    assert w.noun(1, "action") == "action" and w.noun(2, "action") == "actions"


@pytest.mark.parametrize("fn", [w.whole, w.number, w.percent, w.signed_percent, w.money, w.day, w.year])
@pytest.mark.parametrize("value", [None, float("nan"), pd.NA, pd.NaT, np.nan])
def test_missing_values(fn, value):
    assert fn(value) == w.NOT_AVAILABLE


def test_no_ascii_minus_anywhere():
    for text in (w.whole(-5), w.number(-5.5), w.percent(-5), w.signed_percent(-5), w.money(-5)):
        assert "-" not in text and M in text


@pytest.mark.parametrize("text, shown", [("18-64", "18–64"), ("2024-25", "2024–25"), ("2024/25", "2024–25"),
                                         ("Q1 2026-27", "Q1 2026–27"), ("75+", "75+"), ("2026-11-01", "2026-11-01"),
                                         ("01/11/2026", "01/11/2026"), ("ASC-FR", "ASC-FR")])
def test_dashed_ranges_take_an_en_dash_dates_and_words_do_not(text, shown):
    assert w.dashed(text) == shown


@pytest.mark.parametrize("text, shown", [("01 November 2026", "1 November 2026"), ("2026-11-01", "1 November 2026"),
                                         ("2024-25", "2024–25"), ("2022-based projections", "2022-based projections"),
                                         ("2024 to 2025", "2024 to 2025"), (dt.date(2026, 3, 5), "5 March 2026")])
def test_vintage(text, shown):
    assert w.vintage(text) == shown
