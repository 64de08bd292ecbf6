from conftest import locations
from helpers import sufficiency


def test_care_homes_keeps_only_the_councils_active_adult_care_homes():
    frame = locations(
        la_code=["E08000019", "E08000019", "E08000019", "E08000018", "E08000019"],
        care_home=[True, True, False, True, True],
        dormant=[False, True, False, False, False],
        directorate=["Adult social care"] * 4 + ["Hospitals"],
        svc_care_home_nursing=[True, False, False, False, False])
    homes = sufficiency.care_homes(frame, "E08000019")
    assert homes["location_id"].tolist() == ["1-0"]
    assert homes["category"].tolist() == ["Nursing"]


def test_care_home_supply_counts_locations_distinct_providers_and_beds_by_category():
    frame = locations(svc_care_home_nursing=[True, True, False, False, False],
                      provider_id=["P1", "P1", "P1", "P2", "P3"], beds=[60, 40, 20, 15, 5])
    supply = sufficiency.care_home_supply(sufficiency.care_homes(frame, "E08000019")).set_index("category")
    assert supply.loc["Nursing"].tolist() == [2, 1, 100]
    assert supply.loc["Residential"].tolist() == [3, 3, 40]
    assert supply.loc["All care homes"].tolist() == [5, 3, 140]  # P1 counted once across categories


def test_care_home_supply_with_no_homes_is_all_zero():
    frame = locations(la_code=["E08000018"])
    supply = sufficiency.care_home_supply(sufficiency.care_homes(frame, "E08000019"))
    assert supply[["locations", "providers", "beds"]].to_numpy().sum() == 0
    assert supply["category"].tolist() == ["Residential", "Nursing", "All care homes"]
