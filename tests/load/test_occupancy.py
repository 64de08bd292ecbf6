"""Care home occupancy: template round trip, oddity warnings, and occupancy by period on a hand-computed table."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from helpers.errors import InputError
from helpers.load.local import examples_frame, load_local, write_template
from helpers.load.occupancy import SPEC, occupancy_by_period

HOME = {"council": "E08000019", "location_id": "1-1", "home_name": "Ash House", "date": date(2026, 9, 27),
        "category": "Residential", "beds": 30, "occupied": 27, "vacant": 3}


def load_rows(tmp_path, rows: list[dict]):
    """Write rows through the template writer and load them back."""
    return load_local(SPEC, write_template(replace(SPEC, examples=rows), tmp_path / "occupancy.xlsx"))


def test_template_round_trips_the_examples(tmp_path):
    table = load_local(SPEC, write_template(SPEC, tmp_path / "template_occupancy.xlsx"))
    pd.testing.assert_frame_equal(table.data.drop(columns="_row"), examples_frame(SPEC))
    assert table.data["beds"].tolist() == [30, 12, 40] and pd.isna(table.data.at[2, "council_funded"])
    assert table.vintage == "27 September 2026"
    assert [w.row for w in table.log.warnings] == [2, 3, 4]  # the example rows, and nothing else


def test_oddities_are_warnings_with_row_numbers(tmp_path):
    rows = [{**HOME, "occupied": 31, "vacant": 0},
            {**HOME, "location_id": "1-2", "occupied": 28, "vacant": 4, "council_funded": 29},
            {**HOME, "location_id": "1-3", "beds": 0, "occupied": 0, "vacant": 0}]
    table = load_rows(tmp_path, rows)
    found = {(w.row, w.column, w.message) for w in table.log.warnings}
    assert found == {(2, "Occupied beds", "occupied beds (31) are more than beds (30)"),
                     (3, "Vacant beds", "occupied (28) plus vacant (4) beds are more than beds (30)"),
                     (3, "Council-funded beds", "council-funded beds (29) are more than occupied beds (28)"),
                     (4, "Beds", "no beds in this category: the home is left out of the range of occupancy "
                                 "across homes")}
    assert len(table.data) == 3


def test_same_home_date_and_category_twice_is_an_error(tmp_path):
    with pytest.raises(InputError, match=r"duplicate rows for Location ID '1-1', Date '27/09/2026', "
                                        r"Category 'Residential': rows 2, 3"):
        load_rows(tmp_path, [HOME, {**HOME, "occupied": 20}])


def frame(rows: list[dict]) -> pd.DataFrame:
    """Rows over HOME, as load_local would give them (dates as timestamps)."""
    return pd.DataFrame([{**HOME, **r} for r in rows]).assign(date=lambda d: pd.to_datetime(d["date"]))


HAND = frame([
    {"date": date(2026, 8, 30), "occupied": 30, "vacant": 0},
    {"location_id": "1-1"},                                                              # 30 beds, 27 occupied
    {"location_id": "1-1", "category": "Residential dementia", "beds": 10, "occupied": 10, "vacant": 0},
    {"location_id": "1-2", "beds": 20, "occupied": 10, "vacant": 8},
    {"location_id": "1-3", "category": "Nursing", "beds": 0, "occupied": 0, "vacant": 0},  # zero beds
])


def latest(df: pd.DataFrame) -> pd.DataFrame:
    """occupancy_by_period's rows for the latest date, by category."""
    trend = occupancy_by_period(df)
    return trend[trend["date"] == trend["date"].max()].set_index("category")


def test_occupancy_is_occupied_over_beds_summed_with_range_across_homes():
    out = latest(HAND)
    assert out.index.tolist() == ["Residential", "Residential dementia", "Nursing", "All care homes"]
    assert (out.loc["Residential", ["homes", "beds", "occupied", "vacant"]].tolist()) == [2, 50, 37, 11]
    assert out.loc["Residential", "occupancy_pct"] == pytest.approx(74.0)
    assert out.loc["Residential", "vacancy_pct"] == pytest.approx(22.0)
    assert (out.loc["Residential", "min_home_pct"], out.loc["Residential", "max_home_pct"]) == (50.0, 90.0)
    assert out.loc["Residential dementia", "occupancy_pct"] == 100.0


def test_zero_beds_give_no_rate_and_are_left_out_of_the_range():
    out = latest(HAND)
    assert pd.isna(out.loc["Nursing", "occupancy_pct"]) and pd.isna(out.loc["Nursing", "min_home_pct"])
    everything = out.loc["All care homes"]
    assert everything["homes"] == 3 and everything["beds"] == 60
    assert everything["occupancy_pct"] == pytest.approx(47 / 60 * 100)
    assert (everything["min_home_pct"], everything["max_home_pct"]) == (50.0, pytest.approx(92.5))  # 37 of 40 beds


def test_by_period_keeps_every_date():
    trend = occupancy_by_period(HAND)
    assert set(trend["date"]) == {pd.Timestamp("2026-08-30"), pd.Timestamp("2026-09-27")}
    august = trend[trend["date"] == pd.Timestamp("2026-08-30")].set_index("category")
    assert august.index.tolist() == ["Residential", "All care homes"]
    assert august.loc["Residential", "occupancy_pct"] == 100.0


@pytest.mark.parametrize("change", ["none", "reversed", "missing counts", "one category"])
def test_the_array_path_gives_what_the_pandas_operations_give(change):
    from helpers.load.occupancy import _by_period_arrays, _by_period_frames
    df = HAND.astype({"beds": "Int64", "occupied": "Int64", "vacant": "Int64", "council": str, "location_id": str,
                      "category": str})
    if change == "reversed":
        df = df.iloc[::-1]
    elif change == "missing counts":
        df.loc[df.index[1], "occupied"] = pd.NA
        df.loc[df.index[2], "vacant"] = pd.NA
    elif change == "one category":
        df = df[df["category"] == "Residential"]
    arrays, frames = _by_period_arrays(df), _by_period_frames(df)
    pd.testing.assert_frame_equal(arrays, frames, check_exact=True)
    assert arrays.dtypes.tolist() == frames.dtypes.tolist() and arrays.to_csv() == frames.to_csv()
    pd.testing.assert_frame_equal(occupancy_by_period(df), frames, check_exact=True)
