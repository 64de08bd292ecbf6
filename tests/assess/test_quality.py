import math

import pandas as pd
import pytest

from conftest import locations
from helpers.assess import quality


def test_rating_distribution_counts_and_percent_of_all_locations():
    frame = locations(overall_rating=["Good", "Good", "Outstanding", "Inadequate", "Not yet rated"])
    d = quality.rating_distribution(frame).set_index("rating")
    assert d["locations"].tolist() == [1, 2, 0, 1, 1]
    assert d.loc["Good", "percent"] == pytest.approx(40.0)
    assert d["percent"].sum() == pytest.approx(100.0)


def test_percent_good_or_outstanding_uses_rated_locations_as_denominator():
    frame = locations(overall_rating=["Good", "Outstanding", "Requires improvement", "Not yet rated"])
    assert quality.percent_good_or_outstanding(frame) == pytest.approx(200 / 3)


def test_percent_good_or_outstanding_is_none_when_nothing_is_rated():
    frame = locations(overall_rating=["Not yet rated", "Not yet rated"])
    assert quality.percent_good_or_outstanding(frame) is None


def test_rating_distribution_of_no_locations_has_zero_counts_and_no_percent():
    frame = locations(overall_rating=["Good"]).iloc[0:0]
    d = quality.rating_distribution(frame)
    assert d["locations"].sum() == 0
    assert all(math.isnan(p) for p in d["percent"])


def test_rating_distribution_of_a_single_location():
    d = quality.rating_distribution(locations(overall_rating=["Inadequate"])).set_index("rating")
    assert d.loc["Inadequate"].tolist() == [1, 100.0]
    assert d["locations"].sum() == 1


def test_percent_good_or_outstanding_all_rated_good():
    assert quality.percent_good_or_outstanding(locations(overall_rating=["Good", "Outstanding"])) == 100.0
    assert quality.percent_good_or_outstanding(locations(overall_rating=["Inadequate", "Not yet rated"])) == 0.0


def test_percent_good_or_outstanding_of_no_locations_is_none():
    assert quality.percent_good_or_outstanding(locations(overall_rating=["Good"]).iloc[0:0]) is None


def test_good_or_outstanding_by_category():
    frame = locations(category=["Nursing", "Residential", "Nursing", "Residential", "Nursing"],
                      overall_rating=["Good", "Inadequate", "Not yet rated", "Outstanding", "Requires improvement"])
    out = quality.good_or_outstanding_by(frame)
    assert out["category"].tolist() == ["Nursing", "Residential"]
    assert out["locations"].tolist() == [3, 2]
    assert out["rated"].tolist() == [2, 2]
    assert out["good_or_outstanding"].tolist() == [1, 1]
    assert out["percent"].tolist() == pytest.approx([50.0, 50.0])


def test_good_or_outstanding_by_group_with_nothing_rated_and_no_locations():
    frame = locations(category=["Nursing", "Residential"], overall_rating=["Not yet rated", "Good"])
    out = quality.good_or_outstanding_by(frame).set_index("category")
    assert out.loc["Nursing", "rated"] == 0 and pd.isna(out.loc["Nursing", "percent"])
    assert out.loc["Residential", "percent"] == 100.0
    empty = quality.good_or_outstanding_by(frame.iloc[0:0])
    assert empty.empty and empty.columns.tolist() == ["category", "locations", "rated", "good_or_outstanding",
                                                      "percent"]


def test_rating_change_counts_and_percentage_points():
    baseline = locations(overall_rating=["Good", "Requires improvement", "Requires improvement", "Inadequate"])
    current = locations(overall_rating=["Good", "Good", "Outstanding", "Requires improvement", "Not yet rated"])
    out = quality.rating_change(baseline, current).set_index("rating")
    assert out.index.tolist() == quality.RATING_ORDER
    assert out["baseline"].tolist() == [0, 1, 2, 1, 0]
    assert out["current"].tolist() == [1, 2, 1, 0, 1]
    assert out["change"].tolist() == [1, 1, -1, -1, 1]
    assert out.loc["Good", "baseline_pct"] == pytest.approx(25.0)
    assert out.loc["Good", "current_pct"] == pytest.approx(40.0)
    assert out.loc["Good", "change_pct_points"] == pytest.approx(15.0)
    assert out.loc["Requires improvement", "change_pct_points"] == pytest.approx(20.0 - 50.0)


def test_rating_change_from_an_empty_baseline_has_no_percent_change():
    out = quality.rating_change(locations(overall_rating=["Good"]).iloc[0:0], locations(overall_rating=["Good"]))
    good = out.set_index("rating").loc["Good"]
    assert good["change"] == 1 and good["current_pct"] == 100.0
    assert math.isnan(good["baseline_pct"]) and math.isnan(good["change_pct_points"])


def _key_questions() -> pd.DataFrame:
    return pd.DataFrame({"location_id": ["1-1", "1-2", "1-3", "1-4"],
                         "Safe": ["Good", "Requires improvement", None, "Inadequate"],
                         "Effective": ["Outstanding", "Good", "Good", "Good"],
                         "Well-led": [None, None, None, "Good"]})


def test_key_question_breakdown_counts_only_the_given_locations():
    out = quality.key_question_breakdown(_key_questions(), pd.Series(["1-1", "1-2", "1-3", "9-9"]))
    out = out.set_index("key_question")
    assert out.index.tolist() == ["Safe", "Effective", "Well-led"]
    assert out.loc["Safe", ["Outstanding", "Good", "Requires improvement", "Inadequate", "rated"]].tolist() == [
        0, 1, 1, 0, 2]
    assert out.loc["Safe", "percent_good_or_outstanding"] == pytest.approx(50.0)
    assert out.loc["Effective", ["Outstanding", "Good", "rated"]].tolist() == [1, 2, 3]
    assert out.loc["Effective", "percent_good_or_outstanding"] == pytest.approx(100.0)
    assert out.loc["Well-led", "rated"] == 0  # 1-4 (the only Well-led rating) is not in the service
    assert math.isnan(out.loc["Well-led", "percent_good_or_outstanding"])


def test_key_question_breakdown_of_no_locations():
    out = quality.key_question_breakdown(_key_questions(), pd.Series([], dtype=str))
    assert out["rated"].tolist() == [0, 0, 0]
    assert out["percent_good_or_outstanding"].isna().all()


def _table6b() -> pd.DataFrame:
    return pd.DataFrame({
        "council_code": ["E08000019", "E08000019", "E08000019", "E08000019", "E08000018", "E08000018"],
        "quantity": ["6b outcome", "6b outcome", "outstanding numerator", "6b outcome", "6b outcome", "6b outcome"],
        "period": ["2022 to 2023", "2023 to 2024", "2023 to 2024", "2024 to 2025", "2023 to 2024", "2024 to 2025"],
        "value": [70.5, 74.2, 12.0, None, 81.0, None]})


def test_ascof_good_or_outstanding_takes_the_latest_published_period():
    # 2024 to 2025 is suppressed (no value), so the latest with a value is 2023 to 2024
    assert quality.ascof_good_or_outstanding(_table6b(), "E08000019") == ("2023 to 2024", 74.2)
    assert quality.ascof_good_or_outstanding(_table6b(), "E08000018") == ("2023 to 2024", 81.0)


def test_ascof_good_or_outstanding_none_when_absent_or_all_suppressed():
    assert quality.ascof_good_or_outstanding(_table6b(), "E06000001") is None
    suppressed = _table6b().assign(value=None)
    assert quality.ascof_good_or_outstanding(suppressed, "E08000019") is None


def test_good_share_of_counts_in_rating_order_is_the_labelled_sums():
    """The array path (int64 counts in RATING_ORDER) gives what the labelled sums give, to the bit."""
    import numpy as np
    from helpers.assess.quality import RATED, RATING_ORDER, good_share_of
    rng = np.random.default_rng(3)
    for _ in range(200):
        counts = pd.Series(rng.integers(0, 50, len(RATING_ORDER)) * rng.integers(0, 2, len(RATING_ORDER)),
                           index=RATING_ORDER, dtype="int64")
        rated = counts[RATED].sum()
        expected = None if not rated else float((counts["Outstanding"] + counts["Good"]) / rated * 100)
        assert good_share_of(counts) == expected
        assert good_share_of(counts.iloc[::-1]) == expected  # another order: the labelled path
