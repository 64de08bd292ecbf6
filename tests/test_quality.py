import math

import pytest

from conftest import locations
from helpers import quality


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
