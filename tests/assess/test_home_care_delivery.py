"""Home care delivery: call-length shares, per-person rates, delivered %, hand-backs, window and UNALLOCATED."""
from __future__ import annotations

import pandas as pd
import pytest

from helpers.assess.home_care_delivery import aggregate, delivery, latest_weeks, per_provider, weekly, window_weeks


def activity() -> pd.DataFrame:
    """Two providers over two weeks, plus an UNALLOCATED row; provider B reports no calls in week 2."""
    rows = [  # provider, week, commissioned, delivered, people, calls 15/30/45/60+, hand-backs
        ("P1", "A Care", "2026-10-18", 100.0, 90.0, 10, (10, 50, 30, 10), 1),
        ("P1", "A Care", "2026-10-25", 100.0, 95.0, 10, (20, 40, 30, 10), 0),
        ("P2", "B Care", "2026-10-18", 50.0, 50.0, 5, (0, 30, 15, 5), 2),
        ("P2", "B Care", "2026-10-25", 50.0, 45.0, 5, (None, None, None, None), 1),
        ("UNALLOCATED", "Not yet offered", "2026-10-25", 0.0, 0.0, 0, (None, None, None, None), None),
    ]
    frame = pd.DataFrame([{"council": "E08000019", "provider_id": p, "provider_name": n,
                           "week_ending": pd.Timestamp(w), "commissioned_hours": c, "delivered_hours": d,
                           "people_supported": people, "calls_15": calls[0], "calls_30": calls[1],
                           "calls_45": calls[2], "calls_60_plus": calls[3], "hand_backs": h}
                          for p, n, w, c, d, people, calls, h in rows])
    return frame.astype({c: "Int64" for c in ("people_supported", "calls_15", "calls_30", "calls_45",
                                             "calls_60_plus", "hand_backs")})


def test_the_window_param_is_read():
    assert window_weeks() == 12
    assert window_weeks({"home_care": {"weeks": 4}}) == 4


def test_aggregate_over_both_weeks_by_hand():
    f = aggregate(activity(), 2)
    assert f["providers"] == 2 and f["weeks"] == 2 and (f["from"], f["to"]) == ("2026-10-18", "2026-10-25")
    assert f["calls"] == 250  # 100 + 100 + 50 (+ B's blank week)
    assert f["calls_15_pct"] == pytest.approx(30 / 250 * 100)
    assert f["calls_30_pct"] == pytest.approx(120 / 250 * 100)
    assert f["calls_per_person_week"] == pytest.approx(250 / 25)  # B's week without calls is not in the denominator
    assert f["hours_per_person_week"] == pytest.approx(280 / 30)
    assert f["delivered_pct"] == pytest.approx(280 / 300 * 100)
    assert f["hand_backs"] == 4 and f["hand_backs_per_week"] == 2


def test_per_provider_leaves_out_unallocated_and_sorts_by_delivered_pct():
    out = per_provider(activity(), 2).set_index("provider_id")
    assert list(out.index) == ["P1", "P2"]  # 92.5% then 95%
    assert out.loc["P1", "delivered_pct"] == pytest.approx(92.5)
    assert out.loc["P1", "calls_15_pct"] == pytest.approx(15.0)
    assert out.loc["P2", "calls_15_pct"] == 0 and out.loc["P2", "calls_per_person_week"] == pytest.approx(10.0)


def test_the_window_keeps_only_the_latest_weeks():
    rows = latest_weeks(activity(), 1)
    assert set(rows["week_ending"]) == {pd.Timestamp("2026-10-25")} and "UNALLOCATED" not in set(rows["provider_id"])
    f = aggregate(activity(), 1)
    assert f["calls_15_pct"] == pytest.approx(20.0) and f["weeks"] == 1


def test_weekly_trend_and_empty_input():
    trend = weekly(activity(), 2)
    assert trend["calls_15_pct"].round(6).tolist() == [pytest.approx(10 / 150 * 100, abs=1e-6), 20.0]
    empty = aggregate(activity().iloc[0:0], 2)
    assert empty["providers"] == 0 and empty["calls_15_pct"] is None


def test_delivery_groups_by_any_column():
    out = delivery(latest_weeks(activity(), 2), ("provider_name",))
    assert out["provider_name"].tolist() == ["A Care", "B Care"] and out["hand_backs"].tolist() == [1, 3]
