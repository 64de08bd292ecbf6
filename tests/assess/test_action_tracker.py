"""Action plan tracker: overdue and due soon at the date boundaries, counts, and the greyscale-readable labels."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from helpers.assess.action_tracker import (TOTAL_ROW, counts_by, due_soon_days, due_soon_mask, overdue_mask,
                                           service_title, status_label, summary, what_we_will_do)

TODAY = date(2026, 11, 25)


def plan(*rows: tuple) -> pd.DataFrame:
    """Rows of (theme, service, target date or None, status)."""
    return pd.DataFrame({"theme": [r[0] for r in rows], "action": [f"Action {i}" for i in range(len(rows))],
                         "service": [r[1] for r in rows], "owner": ["Head of Commissioning"] * len(rows),
                         "target_date": pd.to_datetime([r[2] for r in rows]), "status": [r[3] for r in rows],
                         "notes": [""] * len(rows)})


def test_the_due_soon_window_is_read_from_params():
    assert due_soon_days() == 30


@pytest.mark.parametrize("target, status, late", [
    ("2026-11-25", "Amber", False),   # target date today: not overdue
    ("2026-11-24", "Amber", True),    # yesterday: overdue
    ("2026-11-24", "Complete", False),
    ("2026-11-26", "Red", False),
    (None, "Ongoing", False),
])
def test_overdue_at_the_date_boundary(target, status, late):
    assert overdue_mask(plan(("Workforce", "All", target, status)), TODAY).tolist() == [late]


def test_overdue_is_strictly_before_today_and_not_complete_over_a_plan():
    p = plan(("Workforce", "All", "2026-10-01", "Amber"), ("Workforce", "All", "2026-10-15", "Red"),
             ("Market shaping", "All", "2026-09-01", "Complete"), ("Market shaping", "All", None, "Ongoing"),
             ("Market oversight", "All", "2026-10-14", "Green"))
    assert overdue_mask(p, date(2026, 10, 15)).tolist() == [True, False, False, False, True]  # the 2nd is due today
    assert overdue_mask(p, pd.Timestamp("2026-10-16")).tolist() == [True, True, False, False, True]
    assert not overdue_mask(p, date(2026, 1, 1)).any()


def test_the_day_after_the_target_date_it_becomes_overdue():
    p = plan(("Workforce", "All", "2026-11-25", "Green"))
    assert overdue_mask(p, date(2026, 11, 25)).tolist() == [False]
    assert overdue_mask(p, date(2026, 11, 26)).tolist() == [True]


@pytest.mark.parametrize("target, status, soon", [
    ("2026-11-25", "Green", True), ("2026-12-25", "Green", True), ("2026-12-26", "Green", False),
    ("2026-11-24", "Green", False), ("2026-12-01", "Complete", False), (None, "Ongoing", False),
])
def test_due_soon_is_today_to_today_plus_the_window_inclusive(target, status, soon):
    assert due_soon_mask(plan(("Workforce", "All", target, status)), TODAY, 30).tolist() == [soon]


def test_labels_carry_text_so_they_read_in_greyscale():
    assert status_label("Red", late=True, soon=False) == "Red – overdue"
    assert status_label("Green", late=False, soon=True) == "Green – on track, due soon"
    assert status_label("Amber", late=False, soon=False) == "Amber – at risk"
    assert status_label("Red", late=False, soon=False) == "Red – off track"
    assert status_label("Complete", late=False, soon=False) == "Complete"
    assert status_label("Ongoing", late=True, soon=False) == "Ongoing – overdue"


def test_what_we_will_do_is_in_theme_order_with_dates_and_labels():
    p = plan(("Workforce", "All", "2026-10-31", "Red"), ("Market oversight", "care_homes", None, "Ongoing"),
             ("Workforce", "home_care", "2026-12-01", "Green"))
    out = what_we_will_do(p, TODAY, 30)
    assert out["theme"].tolist() == ["Market oversight", "Workforce", "Workforce"]
    assert out["target"].tolist() == ["Ongoing", "31 October 2026", "1 December 2026"]
    assert out["status"].tolist() == ["Ongoing", "Red – overdue", "Green – on track, due soon"]
    assert out["service"].tolist() == ["Care homes", "All services", "Home care"]


def test_counts_by_theme_and_service_with_totals():
    p = plan(("Workforce", "All", None, "Red"), ("Market shaping", "care_homes", None, "Green"),
             ("Workforce", "care_homes", None, "Red"))
    by_theme = counts_by(p, "theme").set_index("theme")
    assert list(by_theme.index) == ["Market shaping", "Workforce", TOTAL_ROW]
    assert by_theme.loc["Workforce", ["Red", "Total"]].tolist() == [2, 2]
    by_service = counts_by(p, "service").set_index("service")
    assert by_service.loc["care_homes", ["Green", "Red", "Total"]].tolist() == [1, 1, 2]
    assert by_service.loc[TOTAL_ROW, "Total"] == 3


def test_summary_counts_overdue_and_due_soon():
    p = plan(("Workforce", "All", "2026-11-01", "Amber"), ("Workforce", "All", "2026-12-10", "Green"),
             ("Workforce", "All", "2026-11-30", "Green"), ("Workforce", "All", "2026-01-01", "Complete"))
    assert summary(p, TODAY, 30) == {"actions": 4, "Complete": 1, "Green": 2, "Amber": 1, "Red": 0, "Ongoing": 0,
                                     "overdue": 1, "due_soon": 2}


def test_service_titles_come_from_the_services_params():
    assert [service_title(k) for k in ("care_homes", "day_opportunities", "All", "other")] == [
        "Care homes", "Day opportunities", "All services", "other"]


def test_published_rows_of_a_subset_are_the_subsets_own_table():
    """The risk table takes each rule's actions from the whole plan's published rows: they must be exactly the
    table what_we_will_do makes of those rows alone, in its order (same dates sorted stably, undated last)."""
    from helpers.assess.action_tracker import published_rows
    p = plan(("Workforce", "All", "2027-01-31", "Green"), ("Market shaping", "care_homes", None, "Ongoing"),
             ("Workforce", "home_care", "2026-10-01", "Red"), ("Contract management and quality", "All",
                                                                 "2026-12-01", "Amber"),
             ("Workforce", "care_homes", "2027-01-31", "Amber"), ("Market shaping", "All", "2026-11-30", "Complete"))
    p.index = [10, 3, 7, 7, 0, 5]  # labels that are neither positions nor unique
    rows = published_rows(p, TODAY, 30)
    assert sorted(rows.index) == list(range(len(p)))
    pd.testing.assert_frame_equal(rows.reset_index(drop=True), what_we_will_do(p, TODAY, 30), check_exact=True)
    for keep in ([True, False, True, False, True, False], [False, True, False, True, False, True],
                 [True] * 6, [False, False, False, False, True, True]):
        mask = pd.Series(keep).to_numpy()
        pd.testing.assert_frame_equal(rows[mask[rows.index.to_numpy()]].reset_index(drop=True),
                                      what_we_will_do(p[mask], TODAY, 30), check_exact=True)
