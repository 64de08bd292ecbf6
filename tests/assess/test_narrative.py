"""narrative: number formatting, comparisons and the generated key messages."""
import pandas as pd
import pytest

from helpers import services
from helpers.assess import narrative


@pytest.fixture
def svc(monkeypatch):
    monkeypatch.delenv("CAREMARKET_PARAMS", raising=False)
    return {k: services.service(k) for k in services.SERVICES}


def test_formatters():
    assert narrative.fmt_int(1234.6) == "1,235"
    assert narrative.fmt_int(0) == "0"
    assert narrative.fmt_int(1_234_567) == "1,234,567"
    assert narrative.fmt_pct(None) == "not available"
    assert narrative.fmt_pct(float("nan")) == "not available"
    assert narrative.fmt_pct(pd.NA) == "not available"
    assert narrative.fmt_pct(79.6) == "80%"
    assert narrative.fmt_pct(81.25) == "81%"
    assert narrative.fmt_num(12.345) == "12.3"
    assert narrative.fmt_num(1234.56) == "1,234.6"
    assert narrative.fmt_num(2.0, 2) == "2.00"
    assert narrative.fmt_num(None) == "not available"


def test_noun_singular_and_plural(svc):
    assert narrative.noun(svc["care_homes"]) == "care homes"
    assert narrative.noun(svc["care_homes"], 1) == "care home"
    assert narrative.noun(svc["care_homes"], 0) == "care homes"
    assert narrative.noun(svc["home_care"], 1) == "home care location"
    assert narrative.noun(svc["supported_living"], 2) == "supported living locations"


@pytest.mark.parametrize("value, other, what, unit, expected", [
    (5.2, 5.1, "region", "", "above the region's 5.1"),            # 2.0% higher
    (5.14, 5.1, "region", "", "in line with the region's 5.1"),    # 0.8% higher
    (5.06, 5.1, "region", "", "in line with the region's 5.1"),
    (4.9, 5.1, "comparator group", "", "below the comparator group's 5.1"),
    (101.0, 100.0, "region", "", "above the region's 100.0"),      # exactly 1%: not in line
    (84.0, 88.0, "region", "%", "below the region's 88.0%"),       # % compared in points
    (88.5, 88.0, "England", "%", "in line with England's 88.0%"),
    (10.0, 10.96, "England", "%", "in line with England's 11.0%"),  # 0.96 points
    (12.0, 12.71, "region", "£", "below the region's £12.71"),
    (12.75, 12.71, "region", "£", "in line with the region's £12.71"),
    (5.0, 0.0, "region", "", "above the region's 0.0"),            # no division by zero
    (-2.0, -4.0, "region", "", "above the region's −4.0"),          # the house minus sign
])
def test_compare(value, other, what, unit, expected):
    assert narrative.compare(value, other, what, unit) == expected


@pytest.mark.parametrize("value, other", [(None, 5.0), (5.0, None), (float("nan"), 5.0), (5.0, pd.NA)])
def test_compare_missing(value, other):
    assert narrative.compare(value, other, "region") == "no region figure to compare with"


def _bench(values):
    return pd.DataFrame({"area": ["Sheffield", "Comparator group", "Yorkshire region", "England"], "value": values,
                         "councils": [1, 6, 15, 150]})


def test_supply_message_care_homes(svc):
    supply = pd.DataFrame({"category": ["Nursing", "Residential", "All care homes"], "locations": [30, 70, 100],
                           "providers": [20, 50, 65], "beds": [1450, 2100, 3550]})
    msg = narrative.supply_message("Sheffield", svc["care_homes"], supply, _bench([62.04, 60.0, 58.0, 61.0]), "beds")
    assert msg == ("Sheffield has 100 care homes run by 65 providers with 3,550 beds. That is 62.0 beds per 1,000 "
                   "people aged 75+, above the region's 58.0.")


def test_supply_message_home_care_per_100000(svc):
    supply = pd.DataFrame({"category": ["All home care"], "locations": [2], "providers": [2]})
    msg = narrative.supply_message("Rutland", svc["home_care"], supply, _bench([1200.0, None, 1205.0, None]),
                                   "hours a week")
    assert msg == ("Rutland has 2 home care locations run by 2 providers. That is 1,200.0 hours a week per 100,000 "
                   "people aged 65+, in line with the region's 1,205.0.")


def test_supply_message_single_provider_is_singular(svc):
    supply = pd.DataFrame({"category": ["All home care"], "locations": [1], "providers": [1]})
    msg = narrative.supply_message("Rutland", svc["home_care"], supply, _bench([1200.0, None, 1205.0, None]),
                                   "hours a week")
    assert msg.startswith("Rutland has 1 home care location run by 1 provider. ")


def test_quality_message(svc):
    msg = narrative.quality_message("Sheffield", svc["care_homes"], 81.25, _bench([81.25, 80, 85.0, 81.0]), 3)
    assert msg == ("81% of rated care homes are rated Good or Outstanding by CQC, below the region's 85.0% and "
                   "in line with England's 81.0%; 3 not yet rated.")
    assert narrative.quality_message("Rutland", svc["care_homes"], None, _bench([None] * 4), 2) == (
        "No care home in Rutland has a published CQC rating yet.")


def test_change_message(svc):
    ch = svc["care_homes"]
    assert narrative.change_message(ch, 70.0, 81.0, "November 2024") == (
        "The share rated Good or Outstanding is up 11 percentage points since November 2024 (70% then).")
    assert narrative.change_message(ch, 80.0, 79.0, "2018") == (
        "The share rated Good or Outstanding is down 1 percentage point since 2018 (80% then).")
    assert narrative.change_message(ch, 80.0, 80.4, "2018").startswith("The share rated Good or Outstanding is "
                                                                       "unchanged since 2018")
    assert narrative.change_message(ch, None, 80.0, "2018") == "There is no rated care home to compare with 2018."


def test_occupancy_and_unmet_need_messages():
    total = pd.Series({"occupancy_pct": 84.2, "date": pd.Timestamp("2026-10-01"), "min_home_pct": 74.0,
                       "max_home_pct": 89.4, "vacant": 160, "vacancy_pct": 15.8})
    assert narrative.occupancy_message(total) == (
        "Occupancy was 84% of beds on 1 October 2026 (range 74%–89% across homes), leaving 160 beds vacant (16%).")
    weekly = pd.DataFrame({"week_ending": pd.to_datetime(["2026-05-03", "2026-10-25"]), "people_waiting": [12, 20],
                           "hours_waiting": [150.0, 210.0], "hours_waiting_pct": [3.0, 4.2]})
    assert narrative.unmet_need_message(weekly) == (
        "In the week ending 25 October 2026, 20 people were waiting for 210 hours of home care a week (4% of "
        "commissioned hours). That is up from 150 hours in the week ending 3 May 2026.")
