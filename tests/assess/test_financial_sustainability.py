"""Financial sustainability: the template, dependency and outstanding arithmetic, risk levels, share at risk, demo."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from helpers.demo.financial_sustainability import write_financial_sustainability
from helpers.assess.financial_sustainability import (FROM_OCCUPANCY, FROM_RETURN, NOT_KNOWN, FinanceParams, fill_council_funded,
                                              finance_params, financial_risk, per_home, share_at_risk)
from helpers.load.financial_sustainability import SPEC
from helpers.load.local import examples_frame, load_local, write_template

P = FinanceParams(dependency_moderate=50, dependency_high=75, outstanding_moderate=100, outstanding_high=200,
                  hardship_is_moderate=True, credit_is_high=True, min_homes=3)


def homes(*rows: dict) -> pd.DataFrame:
    base = {"location_id": "1-1", "home_name": "Elm", "beds": 40, "council_funded_beds": 10,
            "payments_outstanding": 0.0, "average_monthly_payment": 100.0, "hardship_fund_used": 0.0,
            "credit_red_flag": False, "as_at": pd.Timestamp("2026-09-30")}
    out = pd.DataFrame([{**base, "location_id": f"1-{i}", **r} for i, r in enumerate(rows)])
    return out.astype({"beds": "Int64", "council_funded_beds": "Int64", "payments_outstanding": "Float64",
                       "average_monthly_payment": "Float64", "hardship_fund_used": "Float64"})


def test_the_shipped_params_match_the_documented_thresholds():
    assert finance_params() == P


def test_template_round_trips_the_examples(tmp_path):
    table = load_local(SPEC, write_template(SPEC, tmp_path / "template_financial_sustainability.xlsx"))
    pd.testing.assert_frame_equal(table.data.drop(columns="_row"), examples_frame(SPEC))
    assert pd.isna(table.data.at[1, "council_funded_beds"]) and table.data.at[1, "credit_red_flag"]
    assert table.vintage == "30 September 2026"


def test_more_council_funded_beds_than_beds_is_a_warning(tmp_path):
    rows = [{**SPEC.examples[0], "council_funded_beds": 50, "home_name": "Elm"}]
    table = load_local(SPEC, write_template(replace(SPEC, examples=rows), tmp_path / "financial_sustainability.xlsx"))
    assert any("council-funded beds (50) are more than beds (42)" in w.message for w in table.log.warnings)


def test_dependency_and_outstanding_arithmetic():
    out = financial_risk(homes({"beds": 40, "council_funded_beds": 30, "payments_outstanding": 150.0,
                                "average_monthly_payment": 100.0},
                               {"beds": 0, "council_funded_beds": 0, "payments_outstanding": 50.0,
                                "average_monthly_payment": 0.0}), P)
    assert out.loc[0, "dependency_pct"] == 75.0 and out.loc[0, "outstanding_pct"] == 150.0
    assert pd.isna(out.loc[1, "dependency_pct"]) and pd.isna(out.loc[1, "outstanding_pct"])
    assert out["risk_level"].tolist() == ["High", "Low"]  # a metric that cannot be worked out triggers nothing


@pytest.mark.parametrize("change, level, reason", [
    ({"council_funded_beds": 19}, "Low", ""),             # 47.5%
    ({"council_funded_beds": 20}, "Moderate", "Moderate: dependency"),  # 50% exactly
    ({"council_funded_beds": 29}, "Moderate", "Moderate: dependency"),  # 72.5%
    ({"council_funded_beds": 30}, "High", "High: dependency"),          # 75% exactly
    ({"payments_outstanding": 99.99}, "Low", ""),
    ({"payments_outstanding": 100.0}, "Moderate", "Moderate: outstanding payments"),
    ({"payments_outstanding": 200.0}, "High", "High: outstanding payments"),
    ({"hardship_fund_used": 5000.0}, "Moderate", "Moderate: hardship fund used"),
    ({"credit_red_flag": True}, "High", "High: credit red flag"),
    ({"credit_red_flag": True, "hardship_fund_used": 1.0}, "High", "High: credit red flag; Moderate: hardship fund used"),
])
def test_risk_level_at_each_threshold(change, level, reason):
    out = financial_risk(homes(change), P)
    assert (out.loc[0, "risk_level"], out.loc[0, "risk_reasons"]) == (level, reason)


def test_switching_off_hardship_and_credit_rules():
    out = financial_risk(homes({"hardship_fund_used": 10.0, "credit_red_flag": True}),
                         replace(P, hardship_is_moderate=False, credit_is_high=False))
    assert out.loc[0, "risk_level"] == "Low"


def test_blank_council_funded_beds_come_from_the_latest_occupancy_date():
    fin = homes({"council_funded_beds": None}, {"council_funded_beds": 12}, {"council_funded_beds": None})
    occ = pd.DataFrame({"location_id": ["1-0", "1-0", "1-0", "1-1"],
                        "date": pd.to_datetime(["2026-08-31", "2026-09-30", "2026-09-30", "2026-09-30"]),
                        "council_funded": pd.array([99, 18, 9, 30], dtype="Int64")})
    out = fill_council_funded(fin, occ)
    assert out["council_funded_beds"].tolist()[:2] == [27, 12] and pd.isna(out.loc[2, "council_funded_beds"])
    assert out["council_funded_source"].tolist() == [FROM_OCCUPANCY, FROM_RETURN, NOT_KNOWN]


def test_share_at_risk_and_its_suppression():
    risk = financial_risk(homes({}, {}, {"council_funded_beds": 20}, {"credit_red_flag": True}, {}), P)
    assert share_at_risk(risk, 3) == {"homes": 5, "moderate": 1, "high": 1, "at_risk_pct": 40.0, "suppressed": False}
    small = share_at_risk(risk.head(2), 3)
    assert small["suppressed"] and small["at_risk_pct"] is None and small["moderate"] is None


def test_per_home_keeps_each_homes_latest_return_highest_risk_first():
    fin = homes({"location_id": "1-7", "credit_red_flag": True, "as_at": pd.Timestamp("2026-03-31")},
                {"location_id": "1-7"}, {"location_id": "1-8", "payments_outstanding": 250.0})
    out = per_home(fin, None, P)
    assert out["location_id"].tolist() == ["1-8", "1-7"] and out["risk_level"].tolist() == ["High", "Low"]


def test_demo_writer_writes_a_synthetic_file_with_one_row_per_care_home(tmp_path):
    active = pd.DataFrame({"location_id": ["1-3", "1-1", "1-2"], "kind": ["care_home", "care_home", "home_care"],
                           "name": ["C", "A", "B"], "beds": [30, 20, 0]})
    path = write_financial_sustainability("E08000019", active, 2026, tmp_path)
    assert path.name == "E08000019_financial_sustainability.xlsx"
    table = load_local(SPEC, path)
    assert table.synthetic and table.vintage == "31 October 2026" and len(table.log) == 0
    assert table.data["location_id"].tolist() == ["1-1", "1-3"] and table.data["beds"].tolist() == [20, 30]
    assert table.data["council_funded_beds"].isna().all()
    again = load_local(SPEC, write_financial_sustainability("E08000019", active, 2026, tmp_path / "again"))
    pd.testing.assert_frame_equal(table.data, again.data)
    assert date(2026, 10, 31) == table.data["as_at"].iloc[0].date()


def test_risk_reasons_follow_each_home_whatever_the_rows_labels():
    """The reasons are read by position: a frame labelled out of order (or with repeated labels) gets each home's
    own reasons, the same as the frame labelled 0, 1, 2, …"""
    frame = homes({"council_funded_beds": 35, "hardship_fund_used": 5.0}, {}, {"credit_red_flag": True},
                  {"council_funded_beds": 20, "payments_outstanding": 250.0}, {"payments_outstanding": 120.0})
    plain = financial_risk(frame, P)
    assert plain["risk_reasons"].tolist() == ["High: dependency; Moderate: hardship fund used", "",
                                              "High: credit red flag", "High: outstanding payments; Moderate: dependency",
                                              "Moderate: outstanding payments"]
    for labels in ([4, 2, 0, 3, 1], [7, 7, 3, 3, 0]):
        out = financial_risk(frame.set_axis(labels), P)
        assert out["risk_reasons"].tolist() == plain["risk_reasons"].tolist()
        assert out.index.tolist() == labels and out["risk_level"].tolist() == plain["risk_level"].tolist()
