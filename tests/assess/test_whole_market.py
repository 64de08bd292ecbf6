"""The whole market in a chapter, on the demo data: self-funders, services outside CQC, extra care, fee categories.

Each figure is checked against a hand count from the loaded sources, so the wiring (which file, which rows) is
what is tested here; the calculations have their own tests on small tables.
"""
from __future__ import annotations

import pandas as pd
import pytest

from helpers.assess import outside_cqc, usage
from helpers.assess.assessment import assess
from helpers.load import occupancy
from helpers.load.inputs import Inputs

SHEFFIELD = "E08000019"
SERVICES = ("care_homes", "home_care", "supported_living", "day_opportunities")


@pytest.fixture(scope="module")
def chapters(demo_dir):
    return {s: assess(s, demo_dir, SHEFFIELD, year=2026) for s in SERVICES}


@pytest.fixture(scope="module")
def inputs(demo_dir):
    return Inputs(demo_dir, SHEFFIELD, year=2026)


def section(chapter, key: str):
    return next(s for s in chapter.sections if s.key == key)


def test_self_funders_are_occupied_beds_less_asc_fr_residents(chapters, inputs):
    trend = occupancy.occupancy_by_period(inputs.local("occupancy").data)
    occupied = int(trend.loc[(trend["date"] == trend["date"].max()) & (trend["category"] == "All care homes"),
                             "occupied"].iloc[0])
    clients = usage.clients_by_council(inputs.ascfr.data, ["Residential", "Nursing"])
    funded = int(clients.loc[clients["la_code"] == SHEFFIELD, "clients"].iloc[0])
    figures = chapters["care_homes"].key_figures
    assert figures["self_funders"] == max(occupied - funded, 0)
    assert figures["self_funder_pct"] == round(max(occupied - funded, 0) / occupied * 100, 1)
    suff = section(chapters["care_homes"], "sufficiency")
    assert "self_funders" in [i.name for i in suff.items]
    assert any(m.startswith("An estimated ") and "pay for their own care" in m for m in suff.messages)
    assert all("self_funders" not in chapters[s].key_figures for s in SERVICES[1:])


def test_locally_listed_services_beside_the_cqc_locations_in_every_chapter(chapters, inputs):
    listed = inputs.local("local_providers").data
    for service in SERVICES:
        latest = outside_cqc.latest_entries(listed, service)
        outside = latest[~latest["cqc_registered"]]
        figures = chapters[service].key_figures
        assert figures["local_listed"] == len(outside), service
        assert figures["local_listed_capacity"] == outside_cqc.capacity_by_unit(outside), service
        names = [i.name for i in section(chapters[service], "sufficiency").items]
        assert ("local_listed" in names) == (len(outside) > 0), service
    day = section(chapters["day_opportunities"], "sufficiency")
    table = next(i for i in day.items if i.name == "local_listed")
    assert table.frame["what"].iloc[:2].tolist() == ["CQC-registered locations", "Locally listed, not registered "
                                                                                  "with CQC"]
    assert table.frame["services"].iloc[0] == chapters["day_opportunities"].key_figures["locations"]
    assert any("not registered with CQC" in m and m.startswith("Besides its") for m in day.messages)


def test_extra_care_is_counted_in_the_supported_living_chapter_only(chapters, inputs):
    expected = outside_cqc.extra_care(inputs.directory.data, SHEFFIELD)["locations"]
    assert chapters["supported_living"].key_figures["extra_care_locations"] == expected
    assert all("extra_care_locations" not in chapters[s].key_figures for s in SERVICES if s != "supported_living")
    assert any("extra care housing" in m for m in section(chapters["supported_living"], "sufficiency").messages)


def test_fee_categories_in_the_care_home_and_home_care_cost_sections(chapters):
    homes = chapters["care_homes"].key_figures["fee_categories"]
    assert list(homes) == ["65+ residential", "65+ nursing"]
    assert list(chapters["home_care"].key_figures["fee_categories"]) == ["Home care per contact hour"]
    for figures in [*homes.values(), *chapters["home_care"].key_figures["fee_categories"].values()]:
        assert figures["rate"] > figures["previous"] > 0 and 2.9 < figures["increase_pct"] < 7.1
    assert chapters["home_care"].key_figures["fee_categories"]["Home care per contact hour"]["gap_to_hca_pct"] > 0
    assert homes["65+ residential"]["gap_to_hca_pct"] is None
    assert "fee_categories" not in chapters["day_opportunities"].key_figures
    cost = section(chapters["care_homes"], "cost")
    assert "fee_categories" in [i.name for i in cost.items]


def test_whole_market_given_the_sufficiency_sections_occupancy_is_the_same(inputs):
    """sufficiency_section hands whole_market the occupancy it computed; whole_market alone computes it again."""
    from helpers.assess import national, sufficiency
    from helpers.assess.sections.whole_market import whole_market
    from helpers.councils import council
    from helpers.services import service
    svc, area = service("care_homes"), council(SHEFFIELD)
    supply = national.supply(inputs, svc, SHEFFIELD)
    latest = sufficiency.occupancy_latest(occupancy.occupancy_by_period(inputs.local("occupancy").data))
    alone, given = whole_market(svc, inputs, area, supply), whole_market(svc, inputs, area, supply, latest)
    assert given.messages == alone.messages and given.notes == alone.notes and given.figures == alone.figures
    assert [i.name for i in given.items] == [i.name for i in alone.items]
    for a, b in zip(alone.items, given.items):
        pd.testing.assert_frame_equal(a.frame, b.frame, check_exact=True)
        assert a.caption == b.caption


def test_self_funders_use_every_councils_clients_computed_once(inputs):
    """national.clients per setting is usage.clients_by_council of that setting."""
    from helpers.assess import national
    for setting in ("Residential", "Nursing"):
        pd.testing.assert_frame_equal(national.clients(inputs, (setting,)),
                                      usage.clients_by_council(inputs.ascfr.data, [setting]).reset_index(drop=True),
                                      check_exact=True)


def test_financial_risk_from_the_return_looked_up_once_is_the_same(inputs):
    """The sustainability section looks the financial sustainability return up once and hands it on."""
    from helpers.assess.sections.sustainability import financial_risk_pct
    fin = inputs.local("financial_sustainability")
    assert fin is not None
    assert financial_risk_pct(inputs, fin) == financial_risk_pct(inputs) is not None
    assert financial_risk_pct(inputs, None) is None
