"""Fee rates and budgets: template round trip, the budget cross-check and bad values."""
from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from helpers.errors import InputError
from helpers.load.fee_rates import SPEC
from helpers.load.local import examples_frame, load_local, write_template

RATE = {"service": "home_care", "band": "Standard", "unit": "per hour", "current_rate": 25.0,
        "contracted_volume": 1000, "budget": 25000, "financial_year": "2026-27"}


def load_rows(tmp_path, rows: list[dict]):
    """Write rows through the template writer and load them back."""
    return load_local(SPEC, write_template(replace(SPEC, examples=rows), tmp_path / "fee_rates.xlsx"))


def test_template_round_trips_the_examples(tmp_path):
    table = load_local(SPEC, write_template(SPEC, tmp_path / "template_fee_rates.xlsx"))
    pd.testing.assert_frame_equal(table.data.drop(columns="_row"), examples_frame(SPEC))
    assert table.data["current_rate"].tolist() == [812.40, 945.10, 24.50, 48.00, 23.10]
    assert table.data["fee_category"].tolist() == ["65+ residential", "65+ nursing", "Home care per contact hour", "",
                                                   "Home care per contact hour"]
    assert pd.isna(table.data.at[3, "budget"]) and table.vintage == "2026-27"
    assert all("template example row" in w.message for w in table.log.warnings)


def test_vintage_is_the_latest_financial_year(tmp_path):
    table = load_rows(tmp_path, [RATE, {**RATE, "financial_year": "2025-26"}])
    assert table.vintage == "2026-27" and len(table.log) == 0


def test_budget_far_from_rate_times_volume_is_a_warning(tmp_path):
    rows = [{**RATE, "budget": 30001}, {**RATE, "band": "Rural", "budget": 29999},
            {**RATE, "band": "Blank", "budget": None}]
    table = load_rows(tmp_path, rows)
    assert [(w.row, w.column) for w in table.log.warnings] == [(2, "Budget (£)")]
    assert "budget (£30,001) differs by more than 20% from current rate × contracted volume (£25.00 × 1,000)" \
        in table.log.warnings[0].message


@pytest.mark.parametrize("change, message", [
    ({"financial_year": "2026/27"},
     "'2026/27' is not in the expected form (The financial year the rate applies to, like 2026-27)"),
    ({"unit": "per day"}, "'per day' is not an allowed value; expected one of: 'per hour', 'per week', 'per session'"),
    ({"current_rate": -1}, "expected a value of at least 0, found -1"),
    ({"service": "Extra care"}, "expected one of: 'care_homes', 'home_care', 'supported_living', 'day_opportunities'"),
])
def test_bad_values_are_errors_naming_row_and_column(tmp_path, change, message):
    with pytest.raises(InputError) as err:
        load_rows(tmp_path, [RATE, {**RATE, "band": "Other", **change}])
    assert message in str(err.value) and err.value.row == 3 and err.value.sheet == "Fee rates"


def test_service_spelt_as_words_is_normalised(tmp_path):
    assert load_rows(tmp_path, [{**RATE, "service": "Home care"}]).data.at[0, "service"] == "home_care"


# --- fee categories (the national fee return's) ----------------------------------------------------------------

def test_fee_category_is_optional_and_normalised(tmp_path):
    rows = [{**RATE, "fee_category": "home care per contact hour"}, {**RATE, "band": "Other"},
            {**RATE, "service": "care_homes", "unit": "per week", "band": "Res", "fee_category": "18–64 RESIDENTIAL"}]
    table = load_rows(tmp_path, rows)
    assert table.data["fee_category"].tolist() == ["Home care per contact hour", "", "18–64 residential"]


@pytest.mark.parametrize("typed", ["18-64 nursing", "18 - 64 nursing", "18\u221264 nursing", "18\u201464_nursing"])
def test_a_fee_category_typed_with_a_hyphen_or_another_dash_is_the_en_dash_category(tmp_path, typed):
    row = {**RATE, "service": "care_homes", "unit": "per week", "band": "Nursing", "fee_category": typed}
    assert load_rows(tmp_path, [row]).data["fee_category"].tolist() == ["18–64 nursing"]


def test_a_file_without_the_fee_category_column_still_loads(tmp_path):
    fields = tuple(f for f in SPEC.fields if f.canonical != "fee_category")
    checks = tuple(c for c in SPEC.checks if c.column != "fee_category")
    path = write_template(replace(SPEC, fields=fields, checks=checks, examples=[RATE]), tmp_path / "fee_rates.xlsx")
    assert load_local(SPEC, path).data["fee_category"].tolist() == [""]


def test_unknown_fee_category_is_an_error_naming_file_sheet_row_and_column(tmp_path):
    with pytest.raises(InputError) as err:
        load_rows(tmp_path, [RATE, {**RATE, "band": "Other", "fee_category": "65+ extra care"}])
    e = err.value
    assert (e.sheet, e.row, e.column) == ("Fee rates", 3, "Fee category") and str(e.file).endswith("fee_rates.xlsx")
    assert "'65+ extra care' is not an allowed value; expected one of: '65+ residential', '65+ nursing', " \
        "'18–64 residential', '18–64 nursing', 'Home care per contact hour'" in str(e)


@pytest.mark.parametrize("change, message", [
    ({"fee_category": "65+ nursing"}, "fee category '65+ nursing' is a care home rate: the row's service must be "
                                      "care_homes (not home_care) and its unit 'per week' (not 'per hour')"),
    ({"service": "care_homes", "fee_category": "Home care per contact hour"},
     "fee category 'Home care per contact hour' is a home care rate: the row's service must be home_care"),
    ({"unit": "per week", "fee_category": "Home care per contact hour"}, "its unit 'per hour' (not 'per week')"),
])
def test_a_category_of_another_service_or_unit_is_an_error(tmp_path, change, message):
    with pytest.raises(InputError) as err:
        load_rows(tmp_path, [RATE, {**RATE, "band": "Other", **change}])
    assert message in str(err.value) and (err.value.row, err.value.column) == (3, "Fee category")
