"""Self-funders in care homes: occupied beds less council-funded long-term residents, floored at 0, by setting."""
from __future__ import annotations

import pandas as pd
import pytest

from helpers.assess import self_funders
from helpers.assess.sections.whole_market import self_funder_message


def latest(occupied: dict[str, int]) -> pd.DataFrame:
    """One date's occupancy by category (occupancy_by_period's shape), with the 'All care homes' row."""
    rows = [{"category": c, "occupied": n} for c, n in occupied.items()]
    rows.append({"category": "All care homes", "occupied": sum(occupied.values())})
    return pd.DataFrame(rows).assign(date=pd.Timestamp("2026-10-31"))


def test_estimate_is_occupied_less_council_funded_and_its_share():
    e = self_funders.estimate(400, 300)
    assert (e.occupied, e.council_funded, e.self_funders, e.floored) == (400.0, 300.0, 100.0, False)
    assert e.share_pct == 25.0


def test_estimate_is_floored_at_zero_and_says_so():
    e = self_funders.estimate(300, 420)
    assert (e.self_funders, e.share_pct, e.floored) == (0.0, 0.0, True)
    assert self_funders.estimate(300, 300).floored is False  # exactly 0 is not floored


def test_no_occupied_bed_has_no_share():
    assert self_funders.estimate(0, 0).share_pct is None


def test_table_by_setting_and_in_total():
    occ = latest({"Residential": 100, "Residential dementia": 50, "Nursing": 80, "Nursing dementia": 20})
    table = self_funders.estimate_table(occ, {"Residential": 90, "Nursing": 120})
    assert table["setting"].tolist() == ["Residential", "Nursing", "All care homes"]
    assert table["occupied"].tolist() == [150.0, 100.0, 250.0]
    assert table["council_funded"].tolist() == [90.0, 120.0, 210.0]
    # nursing: 100 − 120 < 0 → 0 (floored); the total is computed from the totals, not the floored rows
    assert table["self_funders"].tolist() == [60.0, 0.0, 40.0]
    assert table["self_funder_pct"].tolist() == [40.0, 0.0, 16.0]
    assert table["floored"].tolist() == [False, True, False]


def test_table_without_the_all_row_sums_the_categories_and_a_setting_not_given_has_no_row():
    occ = pd.DataFrame({"category": ["Residential", "Nursing"], "occupied": [30, 10]})
    table = self_funders.estimate_table(occ, {"Residential": 12})
    assert table["setting"].tolist() == ["Residential", "All care homes"]
    assert table["self_funders"].tolist() == [18.0, 28.0]  # all: 40 − 12
    assert table["self_funder_pct"].iloc[-1] == pytest.approx(70.0)


def test_message_in_the_house_style_and_when_floored():
    total = pd.Series({"occupied": 3370.0, "council_funded": 2391.0, "self_funders": 979.0,
                       "self_funder_pct": 29.05, "floored": False})
    assert self_funder_message("Sheffield", total, "31 October 2026", "2024–25") == (
        "An estimated 979 care home residents in Sheffield pay for their own care: 29% of the 3,370 beds occupied on "
        "31 October 2026. That is occupied beds less the 2,391 people the council funded in long-term residential or "
        "nursing care in 2024–25 (ASC-FR), a rough estimate.")
    floored = total.copy()
    floored[["council_funded", "self_funders", "self_funder_pct", "floored"]] = [3400.0, 0.0, 0.0, True]
    assert self_funder_message("Sheffield", floored, "31 October 2026", "2024–25") == (
        "The council funded 3,400 people in long-term residential or nursing care in 2024–25 (ASC-FR), more than the "
        "3,370 beds occupied on 31 October 2026, so self-funders are estimated at 0.")
