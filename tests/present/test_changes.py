"""Changes since the last statement: headline figures then and now, judged as printed."""
from __future__ import annotations

from helpers.present import changes, wording


def test_direction_is_judged_on_the_printed_figure() -> None:
    assert changes.direction(78.9, 79.2, wording.percent) == "no change"  # both print 79%
    assert changes.direction(78.4, 79.6, wording.percent) == "up"
    assert changes.direction(4019, 4000, wording.whole) == "down"


def test_changes_lists_each_headline_present_in_both_years_only() -> None:
    then = {"services": {"care_homes": {"beds": 3989, "occupancy_pct": 83.9, "surplus_10y": -120.0}},
            "oversight": {"actions": {"overdue": 5}}}
    now = {"services": {"care_homes": {"beds": 4019, "occupancy_pct": 84.2, "surplus_10y": -159.0,
                                       "locations": 106},
                        "home_care": {"locations": 97}},
           "oversight": {"actions": {"overdue": 3}}}
    frame = changes.changes(then, now)
    assert frame.values.tolist() == [
        ["Care homes", "Beds", "3,989", "4,019", "up"],
        ["Care homes", "Occupancy", "84%", "84%", "no change"],
        ["Care homes", "Projected gap in ten years", "120 short", "159 short", "down"],
        ["Market oversight and what we will do", "Overdue actions", "5", "3", "down"],
    ]


def test_since_is_empty_without_last_years_figure() -> None:
    assert changes.since(None, "care_homes", "beds", 4019, wording.whole) == ""
    assert changes.since({"services": {}}, "care_homes", "beds", 4019, wording.whole) == ""
    last = {"services": {"care_homes": {"cost": {"main_current_rate": 780.0}}}}
    assert changes.since(last, "care_homes", "cost.main_current_rate", 805.14, wording.money) == "up from £780.00"
