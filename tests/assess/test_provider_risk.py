"""Provider risk: per-indicator points, RAG at each threshold, red-flag override, CQC signals and who turned Red."""
from __future__ import annotations

import copy

import pandas as pd
import pytest

from helpers import params
from helpers.errors import InputError
from helpers.assess.provider_risk import (IDENTITY, INDICATORS, POINT_COLUMNS, change_since, council_risk,
                                          points_column, provider_risk, rag_counts, risk_params, score,
                                          with_cqc_signals)

BASE = {"location_id": "1-1", "location_name": "Elm House", "provider_name": "Elm Care", "service": "care_homes",
        "quality_rating": "Good", "food_hygiene": 5, "safeguarding_concerns": 0, "placement_embargo": False,
        "contract_default_notice": False, "unexpected_deaths": 0, "substantiated_concerns": 0,
        "in_administration": False, "manager_vacancy": False, "as_at": pd.Timestamp("2026-09-30"),
        "cqc_rating": "Good", "cqc_dormant": False, "cqc_deregistered": False}


def raw() -> dict:
    """A deep copy of params/oversight.yml."""
    return copy.deepcopy(params.load("oversight"))


def frame(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame([{**BASE, "location_id": f"1-{i}", **r} for i, r in enumerate(rows)]).astype(
        {"food_hygiene": "Int64"})


@pytest.fixture(scope="module")
def p():
    return risk_params()


def test_the_shipped_params_load_with_their_documented_thresholds(p):
    assert (p.amber_from, p.red_from) == (15, 30)
    assert set(p.red_flags) == {"placement_embargo", "in_administration", "cqc_deregistered"}


def test_each_indicator_keeps_its_own_points_column_and_the_score_is_their_sum(p):
    out = score(frame({"food_hygiene": 2, "manager_vacancy": True, "safeguarding_concerns": 2}), p)
    assert out.loc[0, points_column("food_hygiene")] == 10
    assert out.loc[0, points_column("manager_vacancy")] == 10
    assert out.loc[0, points_column("safeguarding_concerns")] == 6
    assert out.loc[0, "score"] == 26 == out.loc[0, POINT_COLUMNS].sum()
    assert out.loc[0, "rag"] == "Amber" and out.loc[0, "red_flags"] == ""


def test_counts_are_capped_and_blank_food_hygiene_scores_nothing(p):
    out = score(frame({"safeguarding_concerns": 10, "food_hygiene": None, "unexpected_deaths": 5}), p)
    assert out.loc[0, points_column("safeguarding_concerns")] == 15
    assert out.loc[0, points_column("unexpected_deaths")] == 20
    assert out.loc[0, points_column("food_hygiene")] == 0


@pytest.mark.parametrize("concerns, rag", [(14, "Green"), (15, "Amber"), (29, "Amber"), (30, "Red"), (31, "Red")])
def test_rag_at_each_threshold_boundary(concerns, rag):
    settings = raw()
    settings["provider_risk"]["weights"]["safeguarding_concerns"] = {"per_count": 1, "cap": 100}
    out = score(frame({"safeguarding_concerns": concerns}), risk_params(settings))
    assert out.loc[0, "score"] == concerns and out.loc[0, "rag"] == rag


@pytest.mark.parametrize("flag", ["placement_embargo", "in_administration"])
def test_a_red_flag_forces_red_whatever_the_score(flag):
    settings = raw()
    settings["provider_risk"]["weights"][flag] = 1
    out = score(frame({flag: True}, {}), risk_params(settings))
    assert out.loc[0, "score"] == 1 and out.loc[0, "rag_by_score"] == "Green"
    assert out.loc[0, "rag"] == "Red" and out.loc[0, "red_flags"] != ""
    assert out.loc[1, "rag"] == "Green"


def test_a_flag_that_is_not_a_red_flag_does_not_force_red():
    settings = raw()
    settings["provider_risk"]["red_flags"] = ["in_administration"]
    out = score(frame({"placement_embargo": True}), risk_params(settings))
    assert out.loc[0, "score"] == 30 and out.loc[0, "red_flags"] == ""
    settings["provider_risk"]["weights"]["placement_embargo"] = 20
    assert score(frame({"placement_embargo": True}), risk_params(settings)).loc[0, "rag"] == "Amber"


def test_cqc_signals_dormant_and_deregistered_from_the_directory(p):
    intel = frame({}, {}, {}).drop(columns=["cqc_rating", "cqc_dormant", "cqc_deregistered"])
    directory = pd.DataFrame({"location_id": ["1-0", "1-1"], "overall_rating": ["Inadequate", "Good"],
                              "dormant": [False, True]})
    out = score(with_cqc_signals(intel, directory), p).set_index("location_id")
    assert out.loc["1-0", points_column("cqc_rating")] == 30 and out.loc["1-0", "rag"] == "Red"
    assert out.loc["1-1", points_column("cqc_dormant")] == 10 and out.loc["1-1", "rag"] == "Green"
    assert out.loc["1-2", "cqc_rating"] == "Not in CQC directory"
    assert out.loc["1-2", points_column("cqc_deregistered")] == 30 and out.loc["1-2", "rag"] == "Red"
    assert "CQC deregistered" in out.loc["1-2", "red_flags"]


def test_provider_risk_uses_each_locations_latest_row_and_puts_the_most_at_risk_first(p):
    intel = frame({"location_id": "1-5", "as_at": pd.Timestamp("2026-03-31"), "in_administration": True},
                  {"location_id": "1-5"}, {"location_id": "1-6", "manager_vacancy": True, "food_hygiene": 1})
    intel = intel.drop(columns=["cqc_rating", "cqc_dormant", "cqc_deregistered"])
    directory = pd.DataFrame({"location_id": ["1-5", "1-6"], "overall_rating": ["Good", "Good"],
                              "dormant": [False, False]})
    out = provider_risk(intel, directory, p)
    assert out["location_id"].tolist() == ["1-6", "1-5"]
    assert out["rag"].tolist() == ["Amber", "Green"] and out["score"].tolist() == [25, 0]  # 1-5's March row is old
    assert [c for c in out.columns if c.startswith("pts_")] == [points_column(i) for i in INDICATORS]


def test_rag_counts_per_service_with_totals(p):
    risk = pd.DataFrame({"service": ["care_homes", "care_homes", "home_care"], "rag": ["Red", "Green", "Red"]})
    counts = rag_counts(risk).set_index("service")
    assert counts.loc["care_homes", ["Green", "Amber", "Red", "Total"]].tolist() == [1, 0, 1, 2]
    assert counts.loc["All services", ["Red", "Total"]].tolist() == [2, 3]


def test_change_since_lists_only_locations_that_turned_red():
    current = pd.DataFrame({"location_id": ["1-1", "1-2", "1-3", "1-4"], "location_name": list("abcd"),
                            "provider_name": list("ABCD"), "service": ["care_homes"] * 4,
                            "rag": ["Red", "Red", "Amber", "Red"], "score": [40.0, 35.0, 20.0, 30.0],
                            "red_flags": ["", "", "", ""]})
    previous = pd.DataFrame({"location_id": ["1-1", "1-2", "1-3"], "service": ["care_homes"] * 3,
                             "rag": ["Amber", "Red", "Red"]})
    turned = change_since(previous, current)
    assert turned["location_id"].tolist() == ["1-1", "1-4"]
    assert turned["previous_rag"].tolist() == ["Amber", "Not in previous run"]
    assert change_since(None, current).empty


@pytest.mark.parametrize("change, message", [
    (lambda r: r["provider_risk"].update(red_flags=["bogus"]), "unknown indicator 'bogus'"),
    (lambda r: r["provider_risk"]["thresholds"].update(red_from=10), "red_from (10) is below amber_from (15)"),
    (lambda r: r["provider_risk"]["weights"].update(placement_embargo=0), "has no positive weight"),
    (lambda r: r["provider_risk"]["weights"]["food_hygiene"].pop(3), "expected points for each rating 0 to 5"),
    (lambda r: r["provider_risk"]["weights"]["cqc_rating"].pop("Good"), "missing key"),
])
def test_bad_params_are_errors_naming_the_key(change, message):
    settings = raw()
    change(settings)
    with pytest.raises(InputError, match="oversight.yml") as err:
        risk_params(settings)
    assert message in str(err.value)


# ---------------------------------------------------------------------------------------------- one council


@pytest.fixture(scope="module")
def sheffield(demo_dir):
    """Everything the internal dashboard shows for Sheffield's demo data, without a previous run."""
    return council_risk(demo_dir, "E08000019")


def test_council_risk_is_as_at_the_latest_directory_and_counts_every_location(demo_dir, sheffield):
    from helpers.load.inputs import Inputs
    assert sheffield.council_name == "Sheffield"
    assert sheffield.as_at == Inputs(demo_dir, "E08000019").vintage_date.date()
    assert sheffield.counts.set_index("service").loc["All services", "Total"] == len(sheffield.risk) > 0
    assert sheffield.previous is None and sheffield.turned.empty
    assert {"Provider intelligence (internal)", "CQC care directory"} <= {s["source"] for s in sheffield.sources}
    assert sheffield.delivery is not None and sheffield.homes is not None and sheffield.delivery_weeks > 0


def test_most_at_risk_and_the_summary_sentence(sheffield):
    top = sheffield.most_at_risk(5)
    assert len(top) == 5 and list(top.columns) == [*IDENTITY, "score", "red_flags", "rag"]
    assert top["rag"].iloc[0] == "Red"
    red = int((sheffield.risk["rag"] == "Red").sum())
    assert sheffield.summary().startswith(f"Sheffield: {len(sheffield.risk)} locations scored as at ")
    assert f"{red} Red" in sheffield.summary() and "no previous run" in sheffield.summary()


def test_council_risk_lists_who_turned_red_since_the_previous_table(demo_dir, sheffield):
    previous = sheffield.risk.assign(rag="Green")
    again = council_risk(demo_dir, "E08000019", previous=previous, today=sheffield.as_at)
    red = set(sheffield.risk.loc[sheffield.risk["rag"] == "Red", "location_id"])
    assert set(again.turned["location_id"]) == red
    assert f"{len(red)} turned Red since the previous run" in again.summary()
