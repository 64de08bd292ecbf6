"""Provision outside the CQC supply figures: the council's local provider list and CQC's extra care housing."""
from __future__ import annotations

import pandas as pd

from conftest import locations
from helpers.assess import outside_cqc
from helpers.assess.sections.whole_market import capacity_text, extra_care_message, local_listed_message
from helpers.services import service


def listed(rows: list[tuple]) -> pd.DataFrame:
    """A local provider list in the loader's shape from (provider, service, scheme, capacity, unit, funding,
    registered, as at) tuples."""
    return pd.DataFrame({
        "provider": [r[0] for r in rows], "service": [r[1] for r in rows], "scheme": [r[2] for r in rows],
        "capacity": pd.array([r[3] for r in rows], dtype="Float64"), "capacity_unit": [r[4] for r in rows],
        "funding": [r[5] for r in rows], "cqc_registered": [r[6] for r in rows],
        "as_at": pd.to_datetime([r[7] for r in rows]), "_row": list(range(2, len(rows) + 2))})


DAY = "day_opportunities"
LIST = listed([
    ("Acorn Trust", DAY, "Acorn Centre", 30, "places", "Council", False, "2026-03-31"),
    ("Acorn Trust", DAY, "Acorn Centre", 35, "places", "Council", False, "2026-09-30"),  # the later row counts
    ("acorn trust ", DAY, "Riverside Club", 10, "sessions a week", "Mixed", False, "2026-09-30"),
    ("Birch Friends", DAY, "Lunch club", None, "", "Self-funded", False, "2026-09-30"),
    ("Cedar Care Ltd", DAY, "Cedar Day Service", 20, "places", "Council", True, "2026-09-30"),  # registered
    ("Dale Housing", "supported_living", "Dale Court", 12, "flats", "Council", False, "2026-09-30"),
])


def test_latest_entries_keep_each_services_latest_row_ignoring_case_and_spaces():
    latest = outside_cqc.latest_entries(LIST, DAY)
    assert latest["scheme"].tolist() == ["Acorn Centre", "Riverside Club", "Lunch club", "Cedar Day Service"]
    assert latest.loc[latest["scheme"] == "Acorn Centre", "capacity"].tolist() == [35]
    again = pd.concat([LIST, LIST.iloc[[1]].assign(provider="ACORN TRUST", as_at=pd.Timestamp("2026-01-01"))])
    assert len(outside_cqc.latest_entries(again, DAY)) == 4


def test_listed_summary_counts_services_outside_cqc_by_funding_with_capacity_per_unit():
    summary = outside_cqc.listed_summary(LIST, DAY)
    assert summary["funding"].tolist() == ["Council", "Self-funded", "Mixed", "Not registered with CQC"]
    assert summary["services"].tolist() == [1, 1, 1, 3]  # Cedar (registered with CQC) is not counted
    assert summary["providers"].tolist() == [1, 1, 1, 2]  # 'acorn trust ' is Acorn Trust
    assert summary["with_capacity"].tolist() == [1, 0, 1, 2]
    assert summary["capacity"].iloc[-1] == {"places": 35.0, "sessions a week": 10.0}
    assert summary["capacity"].iloc[1] == {}
    assert outside_cqc.listed_registered(LIST, DAY) == 1


def test_a_service_the_list_does_not_hold_counts_zero():
    summary = outside_cqc.listed_summary(LIST, "home_care")
    assert summary["funding"].tolist() == ["Not registered with CQC"]
    assert (summary["services"].iloc[0], summary["capacity"].iloc[0]) == (0, {})
    assert outside_cqc.listed_registered(LIST, "home_care") == 0


def test_capacity_text():
    assert capacity_text({}) == ""
    assert capacity_text({"places": 1}) == "1 place"
    assert capacity_text({"places": 650, "flats": 12, "sessions a week": 1200}) == \
        "650 places, 12 flats and 1,200 sessions a week"


def test_local_listed_message():
    cqc = pd.Series({"locations": 16, "providers": 12})
    text = local_listed_message("Sheffield", service(DAY), cqc, outside_cqc.listed_summary(LIST, DAY), 1)
    assert text == ("Besides its 16 CQC-registered day opportunities locations, Sheffield's local provider list names "
                    "3 services not registered with CQC, run by 2 providers. By funding: 1 council-funded, 1 "
                    "self-funded and 1 mixed. The 2 with a known capacity add up to 35 places and 10 sessions a "
                    "week. The list also names 1 CQC-registered service, already in the CQC figures.")


def test_extra_care_counts_active_adult_social_care_locations_with_the_flag():
    locs = locations(
        care_home=[False, False, False, False, True, False],
        svc_extra_care=[True, True, True, False, True, True],
        svc_supported_living=[True, False, False, True, False, False],
        provider_id=["P1", "P1", "P2", "P3", "P4", "P5"],
        dormant=[False, False, False, False, False, True],
        la_code=["E08000019"] * 5 + ["E08000019"])
    counts = outside_cqc.extra_care(locs, "E08000019")
    # the dormant location is left out; the care home flagged for extra care counts; one is also supported living
    assert counts == {"locations": 4, "providers": 3, "also_supported_living": 1}
    assert outside_cqc.extra_care(locs, "E08000018") == {"locations": 0, "providers": 0, "also_supported_living": 0}


def test_extra_care_message():
    assert extra_care_message("Sheffield", {"locations": 0, "providers": 0, "also_supported_living": 0}) == \
        "CQC registers no locations in Sheffield to provide care in extra care housing."
    assert extra_care_message("Sheffield", {"locations": 5, "providers": 4, "also_supported_living": 1}) == (
        "CQC registers 5 locations in Sheffield, run by 4 providers, to provide care in extra care housing. They are "
        "counted beside supported living, not as a service of their own; 1 of them is also registered for supported "
        "living and counted above.")


def test_counts_of_the_latest_entries_found_once_are_the_listed_counts():
    """whole_market finds a service's latest entries once and counts both figures from them."""
    for service in (DAY, "supported_living", "home_care"):
        latest = outside_cqc.latest_entries(LIST, service)
        pd.testing.assert_frame_equal(outside_cqc.summary_of(latest), outside_cqc.listed_summary(LIST, service),
                                      check_exact=True)
        assert outside_cqc.registered_of(latest) == outside_cqc.listed_registered(LIST, service)


def test_summary_of_counts_each_funding_part_as_filtering_it_would():
    """summary_of folds provider names and finds capacities once and picks each part's rows: the same as filtering
    each funding part and counting it (the computation it replaces), on a list with blanks and repeated names."""
    rows = listed([
        ("Acorn Trust", DAY, "A", 30, "places", "Council", False, "2026-09-30"),
        (" ACORN trust", DAY, "B", 12.5, "sessions a week", "Council", False, "2026-09-30"),
        ("Birch", DAY, "C", None, "", "Mixed", False, "2026-09-30"),
        ("Birch", DAY, "D", 7.25, "places", "Mixed", False, "2026-09-30"),
        ("Cedar", DAY, "E", 3, "", "Other", False, "2026-09-30"),
        ("Dale", DAY, "F", 40, "places", "Council", True, "2026-09-30"),
        ("Elm", DAY, "G", 0.1, "places", "Self-funded", False, "2026-09-30"),
        ("elm ", DAY, "H", 0.2, "places", "Self-funded", False, "2026-09-30"),
    ])
    latest = outside_cqc.latest_entries(rows, DAY)
    outside = latest[~latest["cqc_registered"].astype(bool)]
    parts = [(f, outside[outside["funding"] == f]) for f in outside_cqc.FUNDING if (outside["funding"] == f).any()]
    expected = pd.DataFrame([{"funding": name, "services": int(len(part)),
                              "providers": int(part["provider"].str.strip().str.casefold().nunique()),
                              "with_capacity": int((part["capacity"].notna() & (part["capacity_unit"] != "")).sum()),
                              "capacity": outside_cqc.capacity_by_unit(part)}
                             for name, part in [*parts, (outside_cqc.NOT_REGISTERED, outside)]])
    got = outside_cqc.summary_of(latest)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert got["providers"].tolist() == [1, 1, 1, 1, 4] and got["services"].iloc[-1] == 7


def test_the_plain_python_count_gives_the_pandas_frames():
    """latest_entries' and summary_of's loops pick and count what the pandas steps would, and hand the rows they
    cannot be sure of (a name with a non-ASCII space at its end, an index out of order) to those steps."""
    odd = pd.concat([LIST, LIST.iloc[[2]].assign(provider="Acorn Trust\u00a0", as_at=pd.Timestamp("2026-10-01"))],
                    ignore_index=True)
    shuffled = LIST.iloc[[3, 0, 2, 1, 4, 5]]
    for listed_ in (LIST, odd, shuffled):
        for svc in (DAY, "supported_living", None):
            rows = listed_ if svc is None else listed_[listed_["service"] == svc]
            keys = [rows[k].str.strip().str.casefold() for k in outside_cqc.LISTED_KEY]
            expected = (rows.assign(_k0=keys[0], _k1=keys[1], _k2=keys[2]).sort_values("as_at", kind="stable")
                        .drop_duplicates(["_k0", "_k1", "_k2"], keep="last").drop(columns=["_k0", "_k1", "_k2"])
                        .sort_index())
            latest = outside_cqc.latest_entries(listed_, svc)
            pd.testing.assert_frame_equal(latest, expected)
            pd.testing.assert_frame_equal(outside_cqc.summary_of(latest), outside_cqc._summary_frame(latest))
    assert outside_cqc._latest_positions(odd, DAY) is None and outside_cqc._latest_positions(shuffled, DAY) is None
    fractional = LIST.assign(capacity=pd.array([30.5, 35.25, 10.1, None, 20, 12], dtype="Float64"))
    latest = outside_cqc.latest_entries(fractional, DAY)
    pd.testing.assert_frame_equal(outside_cqc.summary_of(latest), outside_cqc._summary_frame(latest))
