"""Cost of care provider returns: the Annex A cost lines, template round trip and every validation rule."""
from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from helpers.errors import InputError
from helpers.load.cost_returns import ALL_LINES, COST_LINES, GROUPS, LINE_GROUP, SPEC, UNITS
from helpers.services import SERVICES
from helpers.load.local import examples_frame, load_local, write_template

ANNEX_B = Path("fair_cost_of_care") / "brighton_hove_annexB_carehome_table_EXCERPT.csv"  # under `realdata`
LINE = {"provider_id": "H1", "service": "care_homes", "category": "Nursing", "cost_line": "Nursing staff",
        "group": "staffing", "value": 250.0, "unit": "per resident per week", "beds": 50, "occupancy": 90.0}


def load_rows(tmp_path, rows: list[dict]):
    """Write rows through the template writer and load them back."""
    return load_local(SPEC, write_template(replace(SPEC, examples=rows), tmp_path / "cost_returns.xlsx"))


def test_template_round_trips_the_examples(tmp_path):
    table = load_local(SPEC, write_template(SPEC, tmp_path / "template_cost_returns.xlsx"))
    pd.testing.assert_frame_equal(table.data.drop(columns="_row"), examples_frame(SPEC))
    assert table.data["value"].tolist() == [312.88, 43.62, 48.00, 13.21, 2.85]
    assert table.data["category"].tolist()[3:] == ["", ""] and table.vintage == "template_cost_returns.xlsx"


def test_care_home_lines_are_the_annex_a_lines_in_the_real_council_table(realdata):
    with (realdata / ANNEX_B).open(encoding="utf-8") as f:
        rows = [r for r in csv.reader(f) if len(r) == 5][1:]
    published = [r[0].replace(" (please specify)", "") for r in rows if not r[0].startswith("Total")]
    ours = {line.casefold() for line in ALL_LINES}
    assert len(published) == 27 and [p for p in published if p.casefold() not in ours] == []
    sizes = {group: len(lines) for group, lines in COST_LINES["care_homes"].items()}
    assert sizes == {"staffing": 10, "premises": 4, "supplies and services": 13, "head office": 3, "return": 2}


def test_every_service_has_lines_a_unit_and_a_return_line():
    assert set(COST_LINES) == set(SERVICES) == set(UNITS)
    assert all(LINE_GROUP[(s, "Return on operations")] == "return" for s in SERVICES)
    assert set(GROUPS) == {"staffing", "premises", "supplies and services", "head office", "return", "careworker",
                           "business"}
    assert LINE_GROUP[("home_care", "PPE")] == "careworker"
    assert LINE_GROUP[("care_homes", "PPE")] == "supplies and services"


@pytest.mark.parametrize("change, column, message", [
    ({"value": -0.5}, "Value (£)", "expected a value of at least 0, found -0.5"),
    ({"cost_line": "Carers"}, "Cost line", "'Carers' is not an allowed value; expected one of: 'Nursing staff', "
                                           "'Care staff',"),
    ({"cost_line": "Direct care"}, "Cost line", "'Direct care' is not a care_homes cost line"),
    ({"group": "premises"}, "Group", "'Care staff' is not in group 'premises' for care_homes"),
    ({"unit": "per contact hour"}, "Unit", "unit 'per contact hour' is not the care_homes unit"),
    ({"category": ""}, "Category", "care_homes rows need a category"),
    ({"occupancy": 101}, "Occupancy (%)", "expected a value of at most 100, found 101"),
])
def test_bad_rows_are_errors_naming_row_and_column(tmp_path, change, column, message):
    with pytest.raises(InputError) as err:
        load_rows(tmp_path, [LINE, {**LINE, "cost_line": "Care staff", **change}])
    assert message in str(err.value)
    assert (err.value.row, err.value.column, err.value.sheet) == (3, column, "Cost returns")


def test_unknown_line_lists_every_allowed_line(tmp_path):
    with pytest.raises(InputError) as err:
        load_rows(tmp_path, [{**LINE, "cost_line": "Carers"}])
    assert all(f"'{line}'" in str(err.value) for line in ALL_LINES)


def test_category_off_care_homes_and_differing_volumes_are_warnings(tmp_path):
    home_care = {**LINE, "provider_id": "D1", "service": "home_care", "category": "", "cost_line": "Direct care",
                 "group": "careworker", "unit": "per contact hour", "beds": None, "occupancy": None,
                 "contact_hours_per_week": 1000}
    rows = [LINE, {**LINE, "cost_line": "Care staff", "beds": 52}, {**home_care, "category": "Nursing"},
            {**home_care, "cost_line": "Travel time", "contact_hours_per_week": None}]
    table = load_rows(tmp_path, rows)
    found = {(w.row, w.column, w.message) for w in table.log.warnings}
    assert found == {(2, "Beds", "beds differs between rows of the same return (provider H1, care_homes Nursing)"),
                     (3, "Beds", "beds differs between rows of the same return (provider H1, care_homes Nursing)"),
                     (4, "Category", "a category ('Nursing') on a home_care row: categories are for care homes only")}
    assert len(table.data) == 4


def test_same_provider_line_twice_is_a_duplicate(tmp_path):
    with pytest.raises(InputError, match=r"duplicate rows for Provider ID 'H1', Service 'care_homes', "
                                         r"Category 'Nursing', Cost line 'Nursing staff': rows 2, 3"):
        load_rows(tmp_path, [LINE, {**LINE, "value": 1.0}])
