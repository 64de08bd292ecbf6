"""Local provider list: template round trip, registration in the catalogue, its vintage and bad values."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from helpers.errors import InputError
from helpers.load import catalogue
from helpers.load.local import examples_frame, load_local, write_template
from helpers.load.local_providers import SPEC

ROW = {"provider": "Acorn Trust", "service": "day_opportunities", "scheme": "Acorn Centre", "capacity": 30,
       "capacity_unit": "places", "funding": "Council", "cqc_registered": False, "as_at": date(2026, 9, 30)}


def load_rows(tmp_path, rows: list[dict]):
    """Write rows through the template writer and load them back."""
    return load_local(SPEC, write_template(replace(SPEC, examples=rows), tmp_path / "E08000019_local_providers.xlsx"))


def test_template_round_trips_the_examples(tmp_path):
    table = load_local(SPEC, write_template(SPEC, tmp_path / "template_local_providers.xlsx"))
    pd.testing.assert_frame_equal(table.data.drop(columns="_row"), examples_frame(SPEC))
    assert table.data["cqc_registered"].tolist() == [False, False, False]
    assert pd.isna(table.data.at[2, "capacity"]) and table.data.at[2, "capacity_unit"] == ""
    assert table.vintage == "30 September 2026"
    assert all("template example row" in w.message for w in table.log.warnings)


def test_it_is_a_registered_local_source_found_by_its_file_name():
    assert catalogue.LOCAL_SOURCES["local_providers"] is SPEC
    found = catalogue.by_file_name("E08000019_local_providers.xlsx")
    assert found is not None and found.name == "Local provider list" and found.local is SPEC


def test_words_are_normalised_and_the_vintage_is_the_latest_as_at(tmp_path):
    rows = [{**ROW, "service": "Day opportunities", "funding": "self funded", "cqc_registered": True},
            {**ROW, "scheme": "Other", "funding": "MIXED", "as_at": date(2026, 10, 31)}]
    table = load_rows(tmp_path, rows)
    assert table.data["service"].tolist() == ["day_opportunities"] * 2
    assert table.data["funding"].tolist() == ["Self-funded", "Mixed"]
    assert table.data["cqc_registered"].tolist() == [True, False]
    assert table.vintage == "31 October 2026" and len(table.log) == 0


@pytest.mark.parametrize("change, column, message", [
    ({"funding": "Charity"}, "Funding",
     "'Charity' is not an allowed value; expected one of: 'Council', 'Self-funded', 'Mixed', 'Other'"),
    ({"service": "Extra care"}, "Service", "expected one of: 'care_homes', 'home_care', 'supported_living'"),
    ({"capacity_unit": "rooms"}, "Capacity unit", "'rooms' is not an allowed value"),
    ({"capacity": -1}, "Capacity", "expected a value of at least 0, found -1"),
    ({"capacity_unit": ""}, "Capacity unit", "a capacity (30) needs its unit"),
    ({"cqc_registered": None}, "Registered with CQC (Y/N)", "a value is required here"),
])
def test_bad_values_are_errors_naming_file_sheet_row_and_column(tmp_path, change, column, message):
    with pytest.raises(InputError) as err:
        load_rows(tmp_path, [ROW, {**ROW, "scheme": "Second", **change}])
    assert message in str(err.value)
    assert (err.value.sheet, err.value.row, err.value.column) == ("Local providers", 3, column)
    assert err.value.file is not None and "E08000019_local_providers.xlsx" in str(err.value.file)


def test_a_service_listed_twice_on_one_date_is_an_error(tmp_path):
    with pytest.raises(InputError, match="duplicate rows"):
        load_rows(tmp_path, [ROW, ROW])
