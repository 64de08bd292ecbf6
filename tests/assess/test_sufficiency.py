"""sufficiency: locations of a service, supply, rates per 1,000, occupancy, home care weeks and zones, volumes."""

import pandas as pd
import pytest

from conftest import locations
from helpers.assess import sufficiency
from helpers.services import Service


def _svc(**kw) -> Service:
    base = dict(key="care_homes", title="Care homes", cqc_service_types=("svc_care_home_nursing",
                "svc_care_home_residential"), care_home=True,
                subcategories={"Nursing": "svc_care_home_nursing", "Residential": "svc_care_home_residential"},
                capacity="cqc_beds", unit="beds", population_band="75+", ascfr_settings=(),
                skills_for_care_services=(), target_occupancy=0.95)
    base.update(kw)
    return Service(**base)


CARE_HOMES = _svc()
HOME_CARE = _svc(key="home_care", title="Home care", cqc_service_types=("svc_domiciliary",), care_home=False,
                 subcategories={}, capacity="delivered_hours", unit="hours a week", population_band="65+")


def _homes(**cols) -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    cols.setdefault("svc_care_home_residential", [not x for x in cols.get("svc_care_home_nursing", [False] * n)])
    cols.setdefault("svc_domiciliary", [False] * n)
    return locations(**cols)


def test_service_locations_keeps_the_councils_active_adult_locations_of_the_service():
    frame = _homes(
        la_code=["E08000019", "E08000019", "E08000019", "E08000018", "E08000019", "E08000019"],
        care_home=[True, True, False, True, True, True],
        dormant=[False, True, False, False, False, False],
        directorate=["Adult social care"] * 4 + ["Hospitals", "Adult social care"],
        svc_care_home_nursing=[True, False, False, False, False, False],
        svc_care_home_residential=[False, True, True, True, True, False])  # last: a care home of neither type
    out = sufficiency.service_locations(frame, CARE_HOMES, "E08000019")
    assert out["location_id"].tolist() == ["1-0"]
    assert out["category"].tolist() == ["Nursing"]
    every = sufficiency.service_locations(frame, CARE_HOMES)  # all councils
    assert every["location_id"].tolist() == ["1-0", "1-3"]


def test_subcategory_first_label_wins_and_care_home_flag_must_match():
    frame = _homes(svc_care_home_nursing=[True, True, False, False],
                   svc_care_home_residential=[True, False, True, False],
                   svc_domiciliary=[False, False, False, True],
                   care_home=[True, True, True, False])
    homes = sufficiency.service_locations(frame, CARE_HOMES, "E08000019")
    assert homes["category"].tolist() == ["Nursing", "Nursing", "Residential"]  # both flags → Nursing (listed first)
    swapped = _svc(subcategories={"Residential": "svc_care_home_residential", "Nursing": "svc_care_home_nursing"})
    assert sufficiency.service_locations(frame, swapped)["category"].tolist() == ["Residential", "Nursing",
                                                                                  "Residential"]
    home = sufficiency.service_locations(frame, HOME_CARE, "E08000019")
    assert home["location_id"].tolist() == ["1-3"] and home["category"].tolist() == ["Home care"]
    # a care home that also has a domiciliary registration is not a home care location
    frame.loc[0, "svc_domiciliary"] = True
    assert sufficiency.service_locations(frame, HOME_CARE)["location_id"].tolist() == ["1-3"]


def test_supply_counts_locations_distinct_providers_and_beds_by_category():
    frame = _homes(svc_care_home_nursing=[True, True, False, False, False],
                   provider_id=["P1", "P1", "P1", "P2", "P3"], beds=[60, 40, 20, 15, 5])
    supply = sufficiency.supply(sufficiency.service_locations(frame, CARE_HOMES), CARE_HOMES).set_index("category")
    assert supply.index.tolist() == ["Nursing", "Residential", "All care homes"]
    assert supply.loc["Nursing"].tolist() == [2, 1, 100]
    assert supply.loc["Residential"].tolist() == [3, 3, 40]
    assert supply.loc["All care homes"].tolist() == [5, 3, 140]  # P1 counted once across categories


def test_supply_of_a_single_provider():
    frame = _homes(svc_care_home_nursing=[False, False], provider_id=["P1", "P1"], beds=[30, 12])
    supply = sufficiency.supply(sufficiency.service_locations(frame, CARE_HOMES), CARE_HOMES).set_index("category")
    assert supply.loc["All care homes"].tolist() == [2, 1, 42]
    assert supply.loc["Nursing"].tolist() == [0, 0, 0]


def test_supply_with_no_locations_is_all_zero():
    frame = _homes(la_code=["E08000018"])
    supply = sufficiency.supply(sufficiency.service_locations(frame, CARE_HOMES, "E08000019"), CARE_HOMES)
    assert supply["category"].tolist() == ["Nursing", "Residential", "All care homes"]
    assert supply[["locations", "providers", "beds"]].to_numpy().sum() == 0


def test_supply_of_a_service_without_beds_has_no_beds_column():
    frame = _homes(care_home=[False, False, False], svc_domiciliary=[True, True, False],
                   provider_id=["P1", "P1", "P2"], beds=[0, 0, 0])
    supply = sufficiency.supply(sufficiency.service_locations(frame, HOME_CARE), HOME_CARE)
    assert supply.columns.tolist() == ["category", "locations", "providers"]
    assert supply.to_dict("records") == [{"category": "All home care", "locations": 2, "providers": 1}]


@pytest.mark.parametrize("num, pop, expected", [(50, 10_000, 5.0), (3550, 120_000, 3550 / 120),
                                                (0, 500, 0.0), (7, 0, None), (7, -1, None), (None, 100, None),
                                                (7, None, None), (float("nan"), 100, None), (7, float("nan"), None),
                                                (pd.NA, 100, None)])
def test_per_thousand(num, pop, expected):
    got = sufficiency.per_thousand(num, pop)
    assert got is None if expected is None else got == pytest.approx(expected)


def test_occupancy_latest_keeps_only_the_latest_date():
    trend = pd.DataFrame({"date": pd.to_datetime(["2026-01-01", "2026-02-01", "2026-02-01", "2026-01-01"]),
                          "category": ["All care homes", "Nursing", "All care homes", "Nursing"],
                          "occupancy_pct": [80.0, 85.0, 90.0, 70.0]})
    out = sufficiency.occupancy_latest(trend)
    assert out["category"].tolist() == ["Nursing", "All care homes"]
    assert out["occupancy_pct"].tolist() == [85.0, 90.0]
    assert out.index.tolist() == [0, 1]


def _activity() -> pd.DataFrame:
    return pd.DataFrame({
        "week_ending": pd.to_datetime(["2026-05-10", "2026-05-03", "2026-05-03", "2026-05-10", "2026-05-10"]),
        "zone": ["North", "North", "", "", "South"],
        "commissioned_hours": [100.0, 300.0, 100.0, 0.0, 300.0],
        "delivered_hours": [90.0, 280.0, 95.0, 0.0, 290.0],
        "people_supported": [10, 30, 8, 0, 25],
        "packages_awaiting": [1, 2, 3, 4, 5],
        "hours_awaiting": [10.0, 20.0, 20.0, 8.0, 12.0]})


def test_weekly_totals_sum_each_week_in_date_order():
    out = sufficiency.weekly_totals(_activity())
    assert out["week_ending"].dt.strftime("%Y-%m-%d").tolist() == ["2026-05-03", "2026-05-10"]
    assert out["commissioned_hours"].tolist() == [400.0, 400.0]
    assert out["delivered_hours"].tolist() == [375.0, 380.0]
    assert out["people_supported"].tolist() == [38, 35]
    assert out["people_waiting"].tolist() == [5, 10]
    assert out["hours_waiting"].tolist() == [40.0, 30.0]
    assert out["hours_waiting_pct"].astype(float).tolist() == pytest.approx([10.0, 7.5])


def test_weekly_totals_zero_commissioned_hours_gives_no_percent():
    act = _activity().iloc[[3]]  # one row, 0 commissioned, 8 hours waiting
    out = sufficiency.weekly_totals(act)
    assert out["hours_waiting"].tolist() == [8.0]
    assert pd.isna(out["hours_waiting_pct"].iloc[0])


def test_unmet_need_by_zone_uses_the_latest_week_and_names_unzoned():
    out = sufficiency.unmet_need_by_zone(_activity())
    assert out["zone"].tolist() == ["North", "Not zoned", "South"]
    assert out["people_waiting"].tolist() == [1, 4, 5]
    assert out["hours_waiting"].tolist() == [10.0, 8.0, 12.0]
    assert out["commissioned_hours"].tolist() == [100.0, 0.0, 300.0]
    pct = out["hours_waiting_pct"]
    assert pct.iloc[0] == pytest.approx(10.0) and pd.isna(pct.iloc[1]) and pct.iloc[2] == pytest.approx(4.0)


def test_contracted_per_week_sums_the_latest_year_of_the_service():
    fees = pd.DataFrame({"service": ["supported_living", "supported_living", "supported_living", "care_homes"],
                         "financial_year": ["2025-26", "2026-27", "2026-27", "2026-27"],
                         "contracted_volume": [999_999.0, 52_000.0, 2_600.0, 41_860.0]})
    assert sufficiency.contracted_per_week(fees, "supported_living") == pytest.approx(1050.0)
    assert sufficiency.contracted_per_week(fees, "care_homes") == pytest.approx(805.0)
    assert sufficiency.contracted_per_week(fees, "day_opportunities") is None
    assert sufficiency.contracted_per_week(fees.iloc[0:0], "care_homes") is None
