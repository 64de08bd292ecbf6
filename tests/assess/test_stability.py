"""Stability metrics on hand-computed tables: entries/exits, provider shares, top-5 share, HHI and its bands."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from helpers.assess.stability import (CONCENTRATED, HIGHLY_CONCENTRATED, NO_PROVIDERS, UNCONCENTRATED, concentration_summary,
                               entries_exits, hhi, hhi_band, provider_shares, top_share)


def homes(ids: list[str], beds: list[int], providers: list[str] | None = None,
          brands: list[str] | None = None) -> pd.DataFrame:
    """A tiny tidy directory extract: location ids, beds, providers and brands ("-" = none)."""
    providers = providers or [f"P{i}" for i in range(len(ids))]
    brands = brands or ["-"] * len(ids)
    return pd.DataFrame({"location_id": ids, "beds": beds, "provider_id": providers,
                         "provider_name": [f"Provider {p}" for p in providers],
                         "brand_id": ["-" if b == "-" else f"BD-{b}" for b in brands], "brand_name": brands})


SNAPSHOTS = [
    (pd.Timestamp("2026-11-01"), homes(["A", "C", "D"], [12, 35, 40])),  # C resized 30 → 35; B left; D entered
    (pd.Timestamp("2024-11-01"), homes(["A", "B"], [10, 20])),
    (pd.Timestamp("2025-11-01"), homes(["A", "B", "C"], [12, 20, 30])),  # A resized 10 → 12; C entered
]


def test_entries_and_exits_between_consecutive_snapshots_in_date_order():
    out = entries_exits(SNAPSHOTS)
    assert out["year"].tolist() == [2024, 2025, 2026]
    assert out["locations"].tolist() == [2, 3, 3]
    assert out["entries"].isna().iloc[0] and out["exits"].isna().iloc[0]
    assert out["entries"].tolist()[1:] == [1, 1]
    assert out["exits"].tolist()[1:] == [0, 1]
    assert out["net_change"].tolist()[1:] == [1, 0]
    assert "beds_total" not in out


def test_capacity_entering_leaving_resized_and_net():
    out = entries_exits(SNAPSHOTS, capacity="beds").set_index("year")
    assert out["beds_total"].tolist() == [30, 62, 87]
    assert out.loc[2025, ["beds_entering", "beds_leaving", "beds_resized", "beds_net"]].tolist() == [30, 0, 2, 32]
    assert out.loc[2026, ["beds_entering", "beds_leaving", "beds_resized", "beds_net"]].tolist() == [40, 20, 5, 25]
    assert pd.isna(out.loc[2024, "beds_net"])


def test_one_snapshot_and_empty_snapshots():
    one = entries_exits([(pd.Timestamp("2025-01-01"), homes(["A"], [5]))], capacity="beds")
    assert len(one) == 1 and one["entries"].isna().all() and one["beds_total"].tolist() == [5]
    empty = entries_exits([(pd.Timestamp("2025-01-01"), homes([], [])),
                           (pd.Timestamp("2026-01-01"), homes(["A"], [5]))])
    assert empty["locations"].tolist() == [0, 1] and empty["entries"].tolist()[1] == 1


def test_shares_of_beds_largest_first_and_provider_totals():
    locs = homes(["A", "B", "C", "D"], [10, 30, 20, 40], providers=["P1", "P2", "P1", "P3"])
    shares = provider_shares(locs, "beds")
    assert shares["id"].tolist() == ["P3", "P1", "P2"]
    assert shares["capacity"].tolist() == [40, 30, 30]
    assert shares["share_pct"].tolist() == pytest.approx([40, 30, 30])
    assert shares["locations"].tolist() == [1, 2, 1]
    assert (shares["basis"] == "beds").all()
    assert hhi(shares) == pytest.approx(40 ** 2 + 30 ** 2 + 30 ** 2)  # 3,400


def test_shares_of_locations_when_capacity_is_none_or_all_zero():
    locs = homes(["A", "B", "C", "D"], [0, 0, 0, 0], providers=["P1", "P1", "P1", "P2"])
    for capacity in (None, "beds"):
        shares = provider_shares(locs, capacity)
        assert shares["share_pct"].tolist() == pytest.approx([75, 25])
        assert (shares["basis"] == "locations").all() and shares["capacity"].isna().all()


def test_hhi_single_provider_two_equal_and_none():
    assert hhi(provider_shares(homes(["A", "B"], [10, 5], providers=["P1", "P1"]), "beds")) == pytest.approx(10_000)
    assert hhi(provider_shares(homes(["A", "B"], [10, 10]), "beds")) == pytest.approx(5_000)
    none = provider_shares(homes([], []), "beds")
    assert none.empty and hhi(none) is None and top_share(none) is None


@pytest.mark.parametrize(("value", "band"), [(999, UNCONCENTRATED), (999.99, UNCONCENTRATED), (1000, CONCENTRATED),
                                             (2000, CONCENTRATED), (2000.01, HIGHLY_CONCENTRATED),
                                             (2001, HIGHLY_CONCENTRATED), (10_000, HIGHLY_CONCENTRATED),
                                             (None, NO_PROVIDERS), (math.nan, NO_PROVIDERS)])
def test_hhi_band_boundaries(value, band):
    assert hhi_band(value) == band


def test_top_five_share_with_fewer_and_more_than_five_providers():
    three = provider_shares(homes(["A", "B", "C"], [50, 30, 20]), "beds")
    assert top_share(three) == pytest.approx(100)
    assert top_share(three, n=2) == pytest.approx(80)
    seven = provider_shares(homes(list("ABCDEFG"), [30, 20, 15, 10, 10, 10, 5]), "beds")
    assert top_share(seven) == pytest.approx(85)


def test_brand_grouping_counts_unbranded_locations_as_their_own_provider():
    locs = homes(["A", "B", "C", "D"], [10, 20, 30, 40], providers=["P1", "P2", "P3", "P3"],
                 brands=["Big Care", "Big Care", "-", "-"])
    groups = provider_shares(locs, "beds", by="brand")
    assert groups["name"].tolist() == ["Provider P3", "Big Care"]
    assert groups["share_pct"].tolist() == pytest.approx([70, 30])
    assert groups["locations"].tolist() == [2, 2]
    assert len(provider_shares(locs, "beds")) == 3
    with pytest.raises(ValueError):
        provider_shares(locs, "beds", by="owner")


def test_concentration_summary_provider_and_group_views():
    locs = homes(["A", "B", "C"], [50, 30, 20], providers=["P1", "P2", "P3"], brands=["-", "G", "G"])
    summary = concentration_summary(locs, "beds")
    assert summary["providers"] == 3 and summary["groups"] == 2
    assert summary["hhi"] == pytest.approx(2500 + 900 + 400)  # 3,800
    assert summary["hhi_band"] == HIGHLY_CONCENTRATED
    assert summary["group_hhi"] == pytest.approx(5000)
    assert summary["largest_provider"] == "Provider P1" and summary["largest_share_pct"] == pytest.approx(50)
    assert summary["top5_share_pct"] == pytest.approx(100)
    empty = concentration_summary(homes([], []), "beds")
    assert empty["providers"] == 0 and empty["hhi"] is None and empty["hhi_band"] == NO_PROVIDERS
