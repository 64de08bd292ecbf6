"""Fees in the national fee-return categories: volume-weighted rates, last year, the increase and the gaps."""
from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
import pytest

from helpers.assess import cost_of_care as coc
from helpers.assess.cost_of_care import categories as cat
from helpers.load.cost_returns import COST_LINES, LINE_GROUP, UNITS
from helpers.load.reading import SourceTable
from helpers.params import load

MARKER = "[c]"


def fees(rows: list[tuple]) -> pd.DataFrame:
    """A fee rates frame from (service, band, unit, rate, volume, year, category) tuples."""
    return pd.DataFrame({
        "service": [r[0] for r in rows], "band": [r[1] for r in rows], "unit": [r[2] for r in rows],
        "current_rate": pd.array([r[3] for r in rows], dtype="Float64"),
        "contracted_volume": pd.array([r[4] for r in rows], dtype="Float64"),
        "budget": pd.array([None] * len(rows), dtype="Float64"), "financial_year": [r[5] for r in rows],
        "fee_category": [r[6] for r in rows], "_row": list(range(2, len(rows) + 2))})


CARE_HOMES = fees([
    ("care_homes", "Residential standard", "per week", 800.0, 1000, "2026-27", "65+ residential"),
    ("care_homes", "Residential dementia", "per week", 900.0, 500, "2026-27", "65+ residential"),
    ("care_homes", "Nursing standard", "per week", 1000.0, 300, "2026-27", "65+ nursing"),
    ("care_homes", "Respite", "per week", 700.0, 50, "2026-27", ""),
    ("care_homes", "Residential standard", "per week", 760.0, 1000, "2025-26", "65+ residential"),
    ("care_homes", "Residential dementia", "per week", 850.0, 1000, "2025-26", "65+ residential"),
    ("care_homes", "Nursing standard", "per week", 950.0, 300, "2025-26", "65+ nursing"),
    ("care_homes", "Nursing standard", "per week", 900.0, 300, "2024-25", "65+ nursing"),
])
HOME_CARE = fees([
    ("home_care", "Standard", "per hour", 25.0, 900, "2026-27", "Home care per contact hour"),
    ("home_care", "Rural", "per hour", 27.0, 100, "2026-27", "Home care per contact hour"),
    ("home_care", "Standard", "per hour", 24.0, 1000, "2025-26", "Home care per contact hour"),
    ("day_opportunities", "Session", "per session", 50.0, 100, "2026-27", ""),
])
STATS = pd.DataFrame({"service": ["care_homes", "care_homes", "care_homes", "home_care"],
                      "category": ["Residential", "Nursing", "Residential dementia", ""],
                      "returns": [3, 2, 5, 4], "median": [900.0, 1100.0, 2000.0, 28.0]})


def test_previous_year():
    assert cat.previous_year("2026-27") == "2025-26" and cat.previous_year("2000-01") == "1999-00"


def test_weighted_rate_weights_by_volume_and_falls_back_to_the_mean():
    assert cat.weighted_rate(CARE_HOMES.iloc[:2]) == pytest.approx((800 * 1000 + 900 * 500) / 1500)
    no_volume = CARE_HOMES.iloc[:2].assign(contracted_volume=pd.array([0, 0], dtype="Float64"))
    assert cat.weighted_rate(no_volume) == 850.0
    assert cat.weighted_rate(CARE_HOMES.iloc[:0]) is None


def test_category_rates_this_year_last_year_and_the_increase():
    year, rates = cat.category_rates(CARE_HOMES, "care_homes")
    assert year == "2026-27"
    assert rates["category"].tolist() == ["65+ residential", "65+ nursing"]  # the uncategorised band is left out
    res, nur = rates.iloc[0], rates.iloc[1]
    assert res["rate"] == pytest.approx(833.3333, abs=1e-4) and res["previous"] == 805.0  # (760 + 850) / 2
    assert res["increase_gbp"] == pytest.approx(28.3333, abs=1e-4)
    assert res["increase_pct"] == pytest.approx(28.3333 / 805 * 100, abs=1e-4)  # 3.52%
    assert (res["bands"], res["volume"]) == (2, 1500.0)
    assert (nur["rate"], nur["previous"], nur["increase_gbp"]) == (1000.0, 950.0, 50.0)
    assert nur["increase_pct"] == pytest.approx(5.2632, abs=1e-4)


def test_a_category_without_last_years_rows_has_no_increase():
    _, rates = cat.category_rates(CARE_HOMES[CARE_HOMES["financial_year"] != "2025-26"], "care_homes")
    assert rates["previous"].isna().all() and rates["increase_pct"].isna().all()  # 2024-25 is not last year


def test_a_service_without_categories_or_rows_gives_no_rates():
    year, rates = cat.category_rates(HOME_CARE, "day_opportunities")
    assert year == "2026-27" and rates.empty
    year, rates = cat.category_rates(HOME_CARE, "supported_living")
    assert year is None and rates.empty


def test_gap_to_the_matching_median_residential_vs_nursing_with_suppression():
    _, rates = cat.category_rates(CARE_HOMES, "care_homes")
    gaps = cat.category_gaps(rates, STATS, "care_homes", 3, MARKER)
    res, nur = gaps.iloc[0], gaps.iloc[1]
    # residential against the Residential median (not Residential dementia's), 3 returns: shown
    assert (res["returns"], res["median"]) == (3, 900.0)
    assert res["gap_gbp"] == pytest.approx(66.6667, abs=1e-4)
    assert res["gap_pct"] == pytest.approx(66.6667 / 900 * 100, abs=1e-4)  # 7.41%
    # nursing against the Nursing median from 2 returns: suppressed, and so is its gap
    assert (nur["returns"], nur["median"], nur["gap_gbp"], nur["gap_pct"]) == (2, MARKER, MARKER, MARKER)
    assert "hca_price" not in gaps


def test_no_returns_leaves_the_gap_blank():
    _, rates = cat.category_rates(CARE_HOMES, "care_homes")
    gaps = cat.category_gaps(rates, None, "care_homes", 3, MARKER)
    assert gaps["median"].tolist() == [None, None] and gaps["gap_pct"].tolist() == [None, None]
    assert gaps["returns"].tolist() == [0, 0]


def test_home_care_gap_to_the_median_and_to_the_hca_price():
    year, rates = cat.category_rates(HOME_CARE, "home_care")
    gaps = cat.category_gaps(rates, STATS, "home_care", 3, MARKER, ("2026-27", 30.0))
    r = gaps.iloc[0]
    assert r["rate"] == pytest.approx(25.2) and r["previous"] == 24.0  # (25 × 900 + 27 × 100) / 1000
    assert r["increase_gbp"] == pytest.approx(1.2) and r["increase_pct"] == pytest.approx(5.0)
    assert r["gap_gbp"] == pytest.approx(2.8) and r["gap_pct"] == pytest.approx(10.0)  # median 28
    assert r["hca_gap_gbp"] == pytest.approx(4.8) and r["hca_gap_pct"] == pytest.approx(16.0)  # price 30
    assert cat.key_figures(gaps) == {"Home care per contact hour": {
        "rate": 25.2, "previous": 24.0, "increase_pct": 5.0, "gap_to_median_pct": 10.0, "gap_to_hca_pct": 16.0}}


def test_key_figures_are_none_where_suppressed_or_missing():
    _, rates = cat.category_rates(CARE_HOMES, "care_homes")
    figures = cat.key_figures(cat.category_gaps(rates, STATS, "care_homes", 3, MARKER))
    assert figures["65+ residential"] == {"rate": 833.33, "previous": 805.0, "increase_pct": 3.52,
                                          "gap_to_median_pct": 7.41, "gap_to_hca_pct": None}
    assert figures["65+ nursing"]["gap_to_median_pct"] is None and figures["65+ nursing"]["increase_pct"] == 5.26


def test_messages_in_the_house_style():
    _, rates = cat.category_rates(CARE_HOMES, "care_homes")
    gaps = cat.category_gaps(rates, STATS, "care_homes", 3, MARKER)
    text = cat.messages(gaps, "care_homes", "2026-27", MARKER, 3)
    assert text[0] == ("The council's 65+ residential rate for 2026–27 is £833.33 a week, up £28.33 (3.5%) on "
                       "2025–26. That is £66.67 (7.4%) below the median cost of residential care (£900.00).")
    assert text[1] == ("The council's 65+ nursing rate for 2026–27 is £1,000.00 a week, up £50.00 (5.3%) on "
                       "2025–26. Its median cost is not published: fewer than 3 providers returned costs.")
    _, rates = cat.category_rates(HOME_CARE, "home_care")
    gaps = cat.category_gaps(rates, STATS, "home_care", 3, MARKER, ("2025-26", 30.0))
    assert cat.messages(gaps, "home_care", "2026-27", MARKER, 3) == [
        "The council's home care rate per contact hour for 2026–27 is £25.20, up £1.20 (5.0%) on 2025–26. That "
        "is £2.80 (10.0%) below the median cost of home care (£28.00). It is 16.0% below the Homecare "
        "Association Minimum Price (£30.00)."]


def _returns(totals: list[float]) -> pd.DataFrame:
    lines = [line for group in COST_LINES["home_care"].values() for line in group]
    rows = [(f"P{i}", line, total / len(lines)) for i, total in enumerate(totals, start=1) for line in lines]
    n = len(rows)
    return pd.DataFrame({"provider_id": [r[0] for r in rows], "service": ["home_care"] * n, "category": [""] * n,
                         "cost_line": [r[1] for r in rows], "group": [LINE_GROUP[("home_care", r[1])] for r in rows],
                         "value": pd.array([r[2] for r in rows], dtype="Float64"), "unit": [UNITS["home_care"]] * n,
                         "_row": list(range(2, n + 2))})


def test_fee_categories_builds_the_table_messages_and_key_figures_from_the_sources():
    params = copy.deepcopy(load("cost_of_care"))
    params["homecare_minimum_price"]["prices"] = {"2025-26": 30.0}
    part = coc.fee_categories("home_care", SourceTable(_returns([26, 28, 30]), Path("r.xlsx"), "2025"),
                              SourceTable(HOME_CARE, Path("f.xlsx"), "2026-27"), "Testshire", params)
    assert part.key_figures["fee_categories"]["Home care per contact hour"] == {
        "rate": 25.2, "previous": 24.0, "increase_pct": 5.0, "gap_to_median_pct": 10.0, "gap_to_hca_pct": 16.0}
    table = part.table
    assert table.name == "fee_categories" and table.frame["category"].tolist() == ["Home care per contact hour"]
    assert table.headers["rate"] == "Rate 2026–27" and table.headers["previous"] == "Rate 2025–26"
    assert table.headers["hca_price"] == "HCA minimum price 2025–26"
    assert "weighted by contracted volume" in table.caption and "[c]" not in table.caption
    assert len(part.messages) == 1


def test_fee_categories_is_empty_without_categories_or_an_old_file():
    table = SourceTable(HOME_CARE, Path("f.xlsx"), "2026-27")
    assert coc.fee_categories("day_opportunities", None, table, "Testshire") == coc.FeeCategories()
    old = SourceTable(HOME_CARE.drop(columns="fee_category"), Path("f.xlsx"), "2026-27")
    assert coc.fee_categories("home_care", None, old, "Testshire").table is None
    assert coc.fee_categories("home_care", None, None, "Testshire").key_figures == {}


def test_suppressed_median_puts_the_footnote_in_the_caption():
    part = coc.fee_categories("care_homes", None, SourceTable(CARE_HOMES, Path("f.xlsx"), "2026-27"), "Testshire")
    assert part.table.frame["median"].tolist() == [None, None]  # no returns: nothing to suppress
    stats_part = cat.table(cat.category_gaps(cat.category_rates(CARE_HOMES, "care_homes")[1], STATS, "care_homes", 3,
                                             MARKER), "care_homes", "Testshire", "2026-27", load("cost_of_care"), None)
    assert "[c] = suppressed" in stats_part.caption and "hca_price" not in stats_part.frame


def test_the_cost_sections_statistics_give_the_same_fee_categories():
    """The cost section hands its total_statistics to fee_categories instead of computing them twice: the part must
    be the one fee_categories computes from the returns itself."""
    params = copy.deepcopy(load("cost_of_care"))
    returns = SourceTable(_returns([26, 28, 30, 27.5]), Path("r.xlsx"), "2025")
    fees = SourceTable(HOME_CARE, Path("f.xlsx"), "2026-27")
    section = coc.cost_section("home_care", returns, fees, "Testshire", params)
    assert section.statistics is not None
    pd.testing.assert_frame_equal(section.statistics, coc.total_statistics(coc.return_totals(
        returns.data, params["staff_groups"])), check_exact=True)
    alone = coc.fee_categories("home_care", returns, fees, "Testshire", params)
    given = coc.fee_categories("home_care", returns, fees, "Testshire", params, statistics=section.statistics)
    assert given.messages == alone.messages and given.key_figures == alone.key_figures
    pd.testing.assert_frame_equal(given.table.frame, alone.table.frame, check_exact=True)
    assert coc.cost_section("care_homes", returns, fees, "Testshire", params).statistics is None  # no returns
