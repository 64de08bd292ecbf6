"""Action plan: template round trip, README wording on owners, status read ignoring case (overdue: tests/assess/test_action_tracker.py)."""
from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from openpyxl import load_workbook

from helpers.load.action_plan import SPEC
from helpers.load.local import examples_frame, load_local, write_template


def test_template_round_trips_the_examples(tmp_path):
    path = write_template(SPEC, tmp_path / "template_action_plan.xlsx")
    table = load_local(SPEC, path)
    pd.testing.assert_frame_equal(table.data.drop(columns="_row"), examples_frame(SPEC))
    assert table.data["status"].tolist() == ["Green", "Amber", "Ongoing"] and pd.isna(table.data.at[2, "target_date"])
    assert table.vintage == "template_action_plan.xlsx"
    readme = " ".join(str(c) for row in load_workbook(path)["README"].iter_rows(values_only=True) for c in row if c)
    assert "never a person's name" in readme


@pytest.mark.parametrize("status", ["green", "COMPLETE"])
def test_status_is_matched_ignoring_case(tmp_path, status):
    rows = [{**SPEC.examples[0], "action": "Recruit", "status": status}]
    table = load_local(SPEC, write_template(replace(SPEC, examples=rows), tmp_path / "action_plan.xlsx"))
    assert table.data.at[0, "status"] == status.capitalize()
