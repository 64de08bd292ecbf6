"""Home care activity: template round trip, oddity warnings, and unmet need and call-length shares on
hand-computed tables."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from helpers.load.home_care_activity import SPEC, call_duration_shares, unmet_need
from helpers.load.local import examples_frame, load_local, write_template

W1, W2 = date(2026, 9, 20), date(2026, 9, 27)
ROW = {"council": "E08000019", "provider_id": "1-11", "provider_name": "Birch Care", "zone": "North",
       "week_ending": W1, "commissioned_hours": 100.0, "delivered_hours": 95.0, "people_supported": 10,
       "packages_awaiting": 2, "hours_awaiting": 10.0}


def test_template_round_trips_the_examples(tmp_path):
    table = load_local(SPEC, write_template(SPEC, tmp_path / "template_home_care_activity.xlsx"))
    pd.testing.assert_frame_equal(table.data.drop(columns="_row"), examples_frame(SPEC))
    assert table.data["provider_id"].tolist() == ["1-000000101", "UNALLOCATED"]
    assert table.data.at[0, "delivered_hours"] == 1198.25 and pd.isna(table.data.at[1, "calls_15"])
    assert table.vintage == "27 September 2026"


def test_oddities_are_warnings_with_row_numbers(tmp_path):
    rows = [{**ROW, "delivered_hours": 151.0},
            {**ROW, "provider_id": "1-12", "commissioned_hours": 0.0, "delivered_hours": 1.0},
            {**ROW, "provider_id": "1-13", "delivered_hours": 150.0, "packages_awaiting": 0, "hours_awaiting": 4.0}]
    path = write_template(replace(SPEC, examples=rows), tmp_path / "home_care_activity.xlsx")
    found = {(w.row, w.message) for w in load_local(SPEC, path).log.warnings}
    assert found == {(2, "delivered hours (151) are more than 150% of commissioned hours (100)"),
                     (3, "delivered hours (1) are more than 150% of commissioned hours (0)"),
                     (4, "4 hours awaiting care but no packages awaiting care")}


def hand() -> pd.DataFrame:
    """Two weeks; week 1 has two zones and an unallocated row; week 2 commissions nothing."""
    rows = [{**ROW, "calls_15": 10, "calls_30": 30, "calls_45": 40, "calls_60_plus": 20},
            {**ROW, "provider_id": "1-12", "zone": "South", "commissioned_hours": 300.0, "packages_awaiting": 1,
             "hours_awaiting": 5.0},
            {**ROW, "provider_id": "UNALLOCATED", "commissioned_hours": 0.0, "packages_awaiting": 3,
             "hours_awaiting": 25.0},
            {**ROW, "week_ending": W2, "commissioned_hours": 0.0, "packages_awaiting": 4, "hours_awaiting": 12.0,
             "calls_15": 0, "calls_30": 0, "calls_45": 0, "calls_60_plus": 0}]
    frame = pd.DataFrame(rows).assign(week_ending=lambda d: pd.to_datetime(d["week_ending"]))
    return frame.astype({c: "Int64" for c in ["calls_15", "calls_30", "calls_45", "calls_60_plus"]})


def test_unmet_need_per_week_as_share_of_commissioned_hours():
    out = unmet_need(hand()).set_index("week_ending")
    week1 = out.loc[pd.Timestamp(W1)]
    assert (week1["people_waiting"], week1["hours_waiting"], week1["commissioned_hours"]) == (6, 40.0, 400.0)
    assert week1["hours_waiting_pct_of_commissioned"] == pytest.approx(10.0)
    assert pd.isna(out.loc[pd.Timestamp(W2), "hours_waiting_pct_of_commissioned"])  # zero commissioned hours


def test_unmet_need_by_zone():
    out = unmet_need(hand(), by=("zone",))
    week1 = out[out["week_ending"] == pd.Timestamp(W1)].set_index("zone")
    assert week1.loc["North", ["people_waiting", "hours_waiting"]].tolist() == [5, 35.0]
    assert week1.loc["North", "hours_waiting_pct_of_commissioned"] == pytest.approx(35.0)
    assert week1.loc["South", "hours_waiting_pct_of_commissioned"] == pytest.approx(5 / 300 * 100)


def test_call_duration_shares_ignore_rows_without_counts_and_zero_totals():
    out = call_duration_shares(hand()).set_index("week_ending")
    week1 = out.loc[pd.Timestamp(W1)]
    assert week1["calls"] == 100
    assert [week1[f"{b}_pct"] for b in ["calls_15", "calls_30", "calls_45", "calls_60_plus"]] == [10, 30, 40, 20]
    assert out.loc[pd.Timestamp(W2), "calls"] == 0 and pd.isna(out.loc[pd.Timestamp(W2), "calls_15_pct"])
