"""Action plan: template round trip, README wording on owners, overdue actions and status counts by theme."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook

from helpers.load.action_plan import SPEC, STATUSES, overdue, status_counts
from helpers.load.local import examples_frame, load_local, write_template

TODAY = date(2026, 10, 15)


def test_template_round_trips_the_examples(tmp_path):
    path = write_template(SPEC, tmp_path / "template_action_plan.xlsx")
    table = load_local(SPEC, path)
    pd.testing.assert_frame_equal(table.data.drop(columns="_row"), examples_frame(SPEC))
    assert table.data["status"].tolist() == ["Green", "Amber", "Ongoing"] and pd.isna(table.data.at[2, "target_date"])
    assert table.vintage == "template_action_plan.xlsx"
    readme = " ".join(str(c) for row in load_workbook(path)["README"].iter_rows(values_only=True) for c in row if c)
    assert "never a person's name" in readme


def plan() -> pd.DataFrame:
    """Five actions around TODAY (15/10/2026)."""
    return pd.DataFrame({
        "theme": ["Workforce", "Workforce", "Market shaping", "Market shaping", "Market oversight"],
        "action": ["a", "b", "c", "d", "e"],
        "status": ["Amber", "Red", "Complete", "Ongoing", "Green"],
        "target_date": pd.to_datetime(["2026-10-01", "2026-10-15", "2026-09-01", None, "2026-10-14"]),
    })


def test_overdue_is_strictly_before_today_and_not_complete():
    assert overdue(plan(), TODAY)["action"].tolist() == ["a", "e"]  # b is due today; c is complete; d has no date
    assert overdue(plan(), pd.Timestamp("2026-10-16"))["action"].tolist() == ["a", "b", "e"]
    assert overdue(plan(), date(2026, 1, 1)).empty


def test_status_counts_by_theme_in_plan_order():
    out = status_counts(plan())
    assert out["theme"].tolist() == ["Market oversight", "Market shaping", "Workforce"]
    assert list(out.columns) == ["theme", *STATUSES, "Total"]
    shaping = out.set_index("theme").loc["Market shaping"]
    assert shaping[list(STATUSES)].tolist() == [1, 0, 0, 0, 1] and shaping["Total"] == 2
    assert out["Total"].sum() == 5 and out.set_index("theme").loc["Workforce", "Red"] == 1


@pytest.mark.parametrize("status", ["green", "COMPLETE"])
def test_status_is_matched_ignoring_case(tmp_path, status):
    rows = [{**SPEC.examples[0], "action": "Recruit", "status": status}]
    table = load_local(SPEC, write_template(replace(SPEC, examples=rows), tmp_path / "action_plan.xlsx"))
    assert table.data.at[0, "status"] == status.capitalize()
