"""Workforce comparison on a hand-made tidy frame, on the demo Skills for Care file, and the ASCOF 6a fallback."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.councils import councils
from helpers.demo.skills_for_care import write_skills_for_care
from helpers.load import ascof, skills_for_care
from helpers.load.skills_for_care import CARE_WORKER, DIRECT_CARE, METRICS, NOT_IN_FILE
from helpers.assess.workforce import AREAS, COLUMNS, turnover_from_ascof, workforce_comparison

SHEFFIELD, YORKSHIRE, ENGLAND = "E08000019", "E12000003", "E92000001"
NURSING, RESIDENTIAL, HOME_CARE = ("Care home services with nursing", "Care home services without nursing",
                                   "Domiciliary care services")
NLW = 12.00


def row(code: str, service: str, role: str, turnover: float, pay: float, posts: float, **more: float) -> dict:
    """One tidy loader row (All sectors); unspecified metrics are NaN."""
    metrics = {m: np.nan for m in METRICS} | {"turnover_rate_pct": turnover, "median_hourly_pay": pay,
                                              "filled_posts": posts} | more
    return {"la_name": code, "la_code": code, "level": "LA", "sector": "All sectors", "service": service,
            "job_role": role, **metrics, **{f"{m}_reason": None for m in METRICS}}


def tiny() -> pd.DataFrame:
    """Sheffield, Yorkshire and England for two care home services; Yorkshire's nursing turnover suppressed."""
    rows = []
    for code, (t_n, t_r, p_n, p_r) in {SHEFFIELD: (30.0, 20.0, 12.60, 12.30), YORKSHIRE: (np.nan, 25.0, 12.5, 12.4),
                                       ENGLAND: (28.0, 26.0, 12.8, 12.2)}.items():
        rows += [row(code, NURSING, DIRECT_CARE, t_n, 99.0, 100, vacancy_rate_pct=10.0),
                 row(code, RESIDENTIAL, DIRECT_CARE, t_r, 99.0, 300, vacancy_rate_pct=6.0),
                 row(code, NURSING, CARE_WORKER, 99.0, p_n, 50),
                 row(code, RESIDENTIAL, CARE_WORKER, 99.0, p_r, 150)]
    frame = pd.DataFrame(rows)
    suppressed = (frame["la_code"] == YORKSHIRE) & (frame["service"] == NURSING) & (frame["job_role"] == DIRECT_CARE)
    frame.loc[suppressed, "turnover_rate_pct_reason"] = "suppressed"
    for m in ("zero_hours_pct", "pct_aged_55_plus", "pct_relevant_qualification"):
        frame[f"{m}_reason"] = NOT_IN_FILE
    return frame


def test_single_service_reads_the_rows_as_they_are():
    out = workforce_comparison(tiny(), SHEFFIELD, YORKSHIRE, [NURSING], NLW).set_index("key")
    assert list(out.columns) == COLUMNS[1:]
    assert out.loc["turnover_rate_pct", "council"] == 30.0
    assert math.isnan(out.loc["turnover_rate_pct", "region"])
    assert out.loc["median_hourly_pay", AREAS].tolist() == [12.60, 12.5, 12.8]
    assert out.loc["pay_minus_nlw", "council"] == pytest.approx(0.60)
    assert out.loc["pay_vs_nlw_pct", "council"] == pytest.approx(5.0)


def test_services_combined_by_filled_posts_and_suppressed_stays_nan():
    out = workforce_comparison(tiny(), SHEFFIELD, YORKSHIRE, [NURSING, RESIDENTIAL], NLW).set_index("key")
    assert out.loc["turnover_rate_pct", "council"] == pytest.approx((30 * 100 + 20 * 300) / 400)  # 22.5
    assert math.isnan(out.loc["turnover_rate_pct", "region"])  # one service suppressed → NaN, never 0
    assert out.loc["turnover_rate_pct", "England"] == pytest.approx((28 * 100 + 26 * 300) / 400)  # 26.5
    assert out.loc["vacancy_rate_pct", AREAS].tolist() == pytest.approx([7.0, 7.0, 7.0])
    assert out.loc["median_hourly_pay", "council"] == pytest.approx((12.60 * 50 + 12.30 * 150) / 200)  # 12.375
    assert out.loc["pay_minus_nlw", "council"] == pytest.approx(0.375)


def test_measures_not_in_the_file_are_left_out_and_absent_areas_are_nan():
    out = workforce_comparison(tiny(), "E06000001", YORKSHIRE, [RESIDENTIAL], NLW)
    assert out["key"].tolist() == ["turnover_rate_pct", "vacancy_rate_pct", "median_hourly_pay", "pay_minus_nlw",
                                   "pay_vs_nlw_pct"]
    assert out["council"].isna().all() and (out["England"].notna()).all()
    assert not (out[AREAS] == 0).any().any()
    with pytest.raises(ValueError):
        workforce_comparison(tiny(), SHEFFIELD, YORKSHIRE, [], NLW)


@pytest.fixture(scope="module")
def demo_sfc(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """The demo Skills for Care file for Sheffield, Rotherham and Lincolnshire, loaded."""
    table = councils()
    path = write_skills_for_care(table[table["code"].isin([SHEFFIELD, "E08000018", "E10000019"])], 2026,
                                 tmp_path_factory.mktemp("sfc"))
    return skills_for_care.load(path).data


def test_demo_file_council_region_england_and_suppressed_cells(demo_sfc: pd.DataFrame):
    out = workforce_comparison(demo_sfc, SHEFFIELD, YORKSHIRE, [HOME_CARE], 12.21).set_index("key")
    assert len(out) == 8
    pick = demo_sfc[(demo_sfc["sector"] == "All sectors") & (demo_sfc["service"] == HOME_CARE)]
    for area, code in zip(AREAS, (SHEFFIELD, YORKSHIRE, ENGLAND)):
        mine = pick[(pick["la_code"] == code) & (pick["job_role"] == DIRECT_CARE)].iloc[0]
        for key in ("turnover_rate_pct", "vacancy_rate_pct", "zero_hours_pct"):
            assert out.loc[key, area] == pytest.approx(mine[key], nan_ok=True)
    reasons = demo_sfc[[f"{m}_reason" for m in METRICS]]
    suppressed = reasons.eq("suppressed")
    assert suppressed.any().any(), "the demo file suppresses some cells"
    i = suppressed.any(axis=1).idxmax()
    hidden, metric = demo_sfc.loc[i], suppressed.loc[i].idxmax().removesuffix("_reason")
    assert math.isnan(hidden[metric]) and hidden["level"] == "LA"
    region = councils().set_index("code").at[hidden["la_code"], "region_code"]
    again = workforce_comparison(demo_sfc, hidden["la_code"], region, [hidden["service"]], 12.21,
                                 sector=hidden["sector"], job_role=hidden["job_role"],
                                 pay_role=hidden["job_role"]).set_index("key")
    assert math.isnan(again.loc[metric, "council"])
    assert not math.isnan(again.loc[metric, "England"])


@pytest.fixture(scope="module")
def table6a(realdata: Path) -> pd.DataFrame:
    """ASCOF Table_6a from the real 2024-25 time series."""
    return ascof.staff_turnover(realdata / "ascof" / "ascof_2024_25.ods").data


def test_ascof_fallback_latest_period_on_the_real_file(table6a: pd.DataFrame):
    out = turnover_from_ascof(table6a, SHEFFIELD, YORKSHIRE)
    assert list(out.columns) == COLUMNS and out["key"].tolist() == ["turnover_rate_pct"]
    assert out.at[0, "England"] == pytest.approx(23.7)
    assert "2024 to 2025" in out.at[0, "note"]
    sheffield = table6a[(table6a["council_code"] == SHEFFIELD) & (table6a["period"] == "2024 to 2025")]["value"]
    assert out.at[0, "council"] == pytest.approx(float(sheffield.iloc[0]))
    region = table6a[(table6a["ons_code"] == YORKSHIRE) & (table6a["period"] == "2024 to 2025")]["value"]
    assert out.at[0, "region"] == pytest.approx(float(region.iloc[0]))


def test_ascof_fallback_unknown_council_is_nan_and_empty_table_gives_no_rows(table6a: pd.DataFrame):
    out = turnover_from_ascof(table6a, "E99999999", YORKSHIRE)
    assert math.isnan(out.at[0, "council"]) and out.at[0, "England"] == pytest.approx(23.7)
    assert turnover_from_ascof(table6a.iloc[0:0], SHEFFIELD, YORKSHIRE).empty
