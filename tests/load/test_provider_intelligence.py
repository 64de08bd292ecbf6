"""Provider intelligence: template round trip (flags, blank food hygiene) and bad values."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from helpers.errors import InputError
from helpers.load.local import examples_frame, load_local, write_template
from helpers.load.provider_intelligence import SPEC

ROW = {"location_id": "1-5", "provider_name": "Elm Care", "service": "care_homes", "quality_rating": "Good",
       "food_hygiene": 4, "safeguarding_concerns": 0, "placement_embargo": False, "contract_default_notice": False,
       "unexpected_deaths": 0, "substantiated_concerns": 0, "in_administration": False, "manager_vacancy": False,
       "as_at": date(2026, 6, 30)}


def load_rows(tmp_path, rows: list[dict]):
    """Write rows through the template writer and load them back."""
    return load_local(SPEC, write_template(replace(SPEC, examples=rows), tmp_path / "provider_intelligence.xlsx"))


def test_template_round_trips_the_examples(tmp_path):
    table = load_local(SPEC, write_template(SPEC, tmp_path / "template_provider_intelligence.xlsx"))
    pd.testing.assert_frame_equal(table.data.drop(columns="_row"), examples_frame(SPEC))
    second = table.data.iloc[1]
    assert second["placement_embargo"] and second["manager_vacancy"] and not second["in_administration"]
    assert pd.isna(second["food_hygiene"]) and table.data.at[0, "food_hygiene"] == 5
    assert table.vintage == "30 September 2026"


def test_snapshots_of_one_location_at_two_dates_load_and_the_latest_is_the_vintage(tmp_path):
    table = load_rows(tmp_path, [ROW, {**ROW, "as_at": date(2026, 9, 30), "quality_rating": "not assessed"}])
    assert table.data["quality_rating"].tolist() == ["Good", "Not assessed"]
    assert table.vintage == "30 September 2026" and len(table.log) == 0


@pytest.mark.parametrize("change, column, message", [
    ({"food_hygiene": 6}, "Food hygiene rating", "expected a value of at most 5, found 6"),
    ({"safeguarding_concerns": -1}, "Safeguarding concerns", "expected a value of at least 0, found -1"),
    ({"location_id": "RX1"}, "Location ID", "'RX1' is not in the expected form (CQC location ID"),
    ({"quality_rating": "Fair"}, "Local quality assessment rating", "'Fair' is not an allowed value"),
    ({"placement_embargo": "Unknown"}, "Placement embargo (Y/N)", "expected Y or N, found 'Unknown'"),
    ({"as_at": date(2026, 6, 30), "location_id": "1-5"}, "Location ID + Service + As at date",
     "duplicate rows for Location ID '1-5', Service 'care_homes', As at date '30/06/2026': rows 2, 3"),
])
def test_bad_values_are_errors_naming_row_and_column(tmp_path, change, column, message):
    with pytest.raises(InputError) as err:
        load_rows(tmp_path, [ROW, {**ROW, "location_id": "1-6", **change}])
    assert message in str(err.value)
    assert (err.value.row, err.value.column, err.value.sheet) == (3, column, "Provider intelligence")
