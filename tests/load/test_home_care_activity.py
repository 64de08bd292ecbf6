"""Home care activity: template round trip and oddity warnings."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd

from helpers.load.home_care_activity import SPEC
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

