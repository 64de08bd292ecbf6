"""Cost of care analysis: hand-computed quartiles, totals, suppression, gap, uplift, budget, checks, demo section."""
from __future__ import annotations

import copy
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.assess import cost_of_care as coc
from helpers.errors import InputError
from helpers.params import load
from helpers.load import cost_returns, fee_rates
from helpers.load.cost_returns import COST_LINES, LINE_GROUP, UNITS
from helpers.load.local import load_council, load_local, write_template
from helpers.load.reading import SourceTable
from helpers.present.tables import Table

SHEFFIELD = "E08000019"
MARKER = "[c]"
HOME_CARE_LINES = [line for lines in COST_LINES["home_care"].values() for line in lines]


def returns_frame(rows: list[tuple[str, str, str, float]], service: str = "home_care") -> pd.DataFrame:
    """A returns frame in the loader's shape from (provider, category, cost line, value) tuples."""
    n = len(rows)
    return pd.DataFrame({
        "provider_id": [r[0] for r in rows], "service": [service] * n, "category": [r[1] for r in rows],
        "cost_line": [r[2] for r in rows], "group": [LINE_GROUP[(service, r[2])] for r in rows],
        "value": pd.array([r[3] for r in rows], dtype="Float64"), "unit": [UNITS[service]] * n,
        "beds": pd.array([50 if service == "care_homes" else None] * n, dtype="Int64"),
        "occupancy": pd.array([90.0 if service == "care_homes" else None] * n, dtype="Float64"),
        "contact_hours_per_week": pd.array([1000.0 if service != "care_homes" else None] * n, dtype="Float64"),
        "visit_length_minutes": pd.array([35.0 if service == "home_care" else None] * n, dtype="Float64"),
        "_row": list(range(2, n + 2))})


def full_home_care_returns(totals: list[float]) -> pd.DataFrame:
    """One complete home care return per total: Direct care carries 60% of it, the other lines share the rest."""
    rows = []
    for i, total in enumerate(totals, start=1):
        rest = total * 0.4 / (len(HOME_CARE_LINES) - 1)
        rows += [(f"P{i}", "", line, total * 0.6 if line == "Direct care" else rest)
                 for line in HOME_CARE_LINES]
    return returns_frame(rows)


def fees_frame(rows: list[tuple[str, str, str, float, float]]) -> pd.DataFrame:
    """A fee rates frame from (service, band, unit, rate, volume) tuples."""
    return pd.DataFrame({"service": [r[0] for r in rows], "band": [r[1] for r in rows], "unit": [r[2] for r in rows],
                         "current_rate": pd.array([r[3] for r in rows], dtype="Float64"),
                         "contracted_volume": pd.array([r[4] for r in rows], dtype="Float64"),
                         "budget": pd.array([None] * len(rows), dtype="Float64"),
                         "financial_year": ["2026-27"] * len(rows), "_row": list(range(2, len(rows) + 2))})


def source(frame: pd.DataFrame, name: str = "returns.xlsx") -> SourceTable:
    return SourceTable(frame, Path(name), "test vintage")


@pytest.fixture(scope="module")
def params() -> dict:
    return coc.load_params()


# ---------------------------------------------------------------------------------------------- quartiles


def test_quartiles_are_quartile_inc_by_hand():
    # QUARTILE.INC: position (n − 1)p, linear interpolation. 1,2,3,4: LQ at 0.75 → 1 + 0.75 = 1.75,
    # median at 1.5 → 2.5, UQ at 2.25 → 3 + 0.25 = 3.25.
    assert coc.quartiles(pd.Series([4, 1, 3, 2])).tolist() == [1.75, 2.5, 3.25]
    # 10..50: positions 1, 2, 3 fall on values exactly.
    assert coc.quartiles(pd.Series([50, 10, 40, 20, 30])).tolist() == [20.0, 30.0, 40.0]
    # 1, 2, 4, 8, 16, 32: LQ at 1.25 → 2 + 0.25×2 = 2.5; median at 2.5 → 6; UQ at 3.75 → 8 + 0.75×8 = 14.
    assert coc.quartiles(pd.Series([1, 2, 4, 8, 16, 32])).tolist() == [2.5, 6.0, 14.0]
    # Not QUARTILE.EXC, which gives 1.25 and 3.75 for 1,2,3,4.
    assert np.quantile([1, 2, 3, 4], 0.25, method="weibull") == 1.25


def test_quartiles_ignore_missing_and_are_nan_when_empty():
    assert coc.quartiles(pd.Series([1.0, None, 3.0], dtype="Float64")).tolist() == [1.5, 2.0, 2.5]
    assert coc.quartiles(pd.Series([], dtype="Float64")).isna().all()


def test_line_statistics_per_line_and_care_home_category():
    d = returns_frame([("A", "Residential", "Care staff", 300), ("B", "Residential", "Care staff", 320),
                       ("C", "Residential", "Care staff", 340), ("D", "Residential", "Care staff", 400),
                       ("A", "Nursing", "Care staff", 500), ("A", "Residential", "Food supplies", 40)], "care_homes")
    stats = coc.line_statistics(d).set_index(["category", "cost_line"])
    assert stats.loc[("Residential", "Care staff"), ["returns", "lq", "median", "uq"]].tolist() == [4, 315, 330, 355]
    assert stats.loc[("Nursing", "Care staff"), "returns"] == 1
    assert stats.loc[("Residential", "Food supplies"), "median"] == 40
    assert list(stats.index.get_level_values(0)) == ["Residential", "Residential", "Nursing"]  # template order


def test_total_is_the_median_of_totals_not_the_sum_of_line_medians(params):
    d = returns_frame([("A", "", "Direct care", 1), ("A", "", "Back office staff", 10),
                       ("B", "", "Direct care", 2), ("B", "", "Back office staff", 1),
                       ("C", "", "Direct care", 10), ("C", "", "Back office staff", 2)])
    line_medians = coc.line_statistics(d)["median"].sum()
    totals = coc.return_totals(d, params["staff_groups"])
    stats = coc.total_statistics(totals)
    assert line_medians == 4.0  # 2 + 2
    assert totals["total"].tolist() == [11, 3, 12] and stats["median"].iloc[0] == 11.0


def test_staff_split_uses_the_params_staff_groups(params):
    d = returns_frame([("A", "", "Direct care", 15), ("A", "", "Travel time", 5), ("A", "", "Back office staff", 5),
                       ("B", "", "Direct care", 12), ("B", "", "Back office staff", 8)])
    totals = coc.return_totals(d, params["staff_groups"]).set_index("provider_id")
    assert totals.loc["A", ["total", "staff", "non_staff"]].tolist() == [25, 20, 5]
    assert totals.loc["A", "staff_share"] == 0.8 and totals.loc["B", "staff_share"] == 0.6
    assert coc.total_statistics(totals.reset_index())["staff_share"].iloc[0] == pytest.approx(0.7)


# ---------------------------------------------------------------------------------------------- suppression


def test_two_returns_are_suppressed_three_are_shown(params):
    fees = source(fees_frame([("home_care", "Standard hourly rate", "per hour", 24.5, 100000)]), "fees.xlsx")
    two = coc.cost_section("home_care", source(full_home_care_returns([26, 28])), fees, "Testshire", params)
    three = coc.cost_section("home_care", source(full_home_care_returns([26, 28, 30])), fees, "Testshire", params)
    two_tables, three_tables = {t.name: t.frame for t in two.tables}, {t.name: t.frame for t in three.tables}
    assert set(two_tables["cost_lines"]["median"]) == {MARKER}
    assert two_tables["cost_totals"][["lq", "median", "uq", "staff_share"]].iloc[0].tolist() == [MARKER] * 4
    assert two_tables["cost_fees"][["median", "gap_gbp", "gap_pct"]].iloc[0].tolist() == [MARKER] * 3
    assert "[c] = suppressed" in next(t.caption for t in two.tables if t.name == "cost_totals")
    assert two.key_figures["median_total"] == {"All returns": None} and two.key_figures["suppressed"] is True
    assert not any("£27.00" in m for m in two.messages)  # the mean of the two returns is never shown
    assert MARKER not in set(three_tables["cost_lines"]["median"])
    assert three_tables["cost_totals"]["median"].iloc[0] == pytest.approx(28.0)
    assert three.key_figures["median_total"] == {"All returns": 28.0} and three.key_figures["suppressed"] is False
    assert "[c]" not in next(t.caption for t in three.tables if t.name == "cost_totals")


def test_suppress_marks_rows_below_the_minimum_only():
    frame = pd.DataFrame({"returns": [2, 3, 0], "median": [10.0, 11.0, None]})
    out = coc.suppress(frame, ["median"], 3, MARKER)
    assert out["median"].tolist() == [MARKER, 11.0, MARKER] and out["returns"].tolist() == [2, 3, 0]


def test_published_tables_refuse_provider_columns():
    with pytest.raises(ValueError, match="provider_id"):
        coc.refuse_provider_columns(Table("cost_x", pd.DataFrame({"provider_id": ["P1"]}), "x"))


# ---------------------------------------------------------------------------------------------- fees, uplift


def test_fee_gap_in_pounds_and_percent_of_median(params):
    fees = source(fees_frame([("home_care", "Standard hourly rate", "per hour", 24.50, 1000)]), "fees.xlsx")
    section = coc.cost_section("home_care", source(full_home_care_returns([26.0, 27.40, 29.0])), fees, "Testshire",
                               params)
    row = next(t.frame for t in section.tables if t.name == "cost_fees").iloc[0]
    assert row["median"] == pytest.approx(27.40)
    assert row["gap_gbp"] == pytest.approx(2.90) and row["gap_pct"] == pytest.approx(2.90 / 27.40 * 100)
    assert row["impact_median"] == pytest.approx(2900.0)
    assert any("(£24.50 per hour) is £2.90 (11%) below the median cost of £27.40" in m for m in section.messages)


def test_hca_minimum_price_by_year_and_gap(params):
    assert coc.hca_price(params, "2024-25") == ("2024-25", 28.53)
    assert coc.hca_price(params, "2026-27") == ("2025-26", 32.14)  # latest earlier year
    assert coc.hca_price(params, "2021-22") is None
    bands = coc.hca_comparison(pd.DataFrame({"current_rate": [25.0, 33.0]}), 32.14)
    assert bands["hca_gap_gbp"].round(2).tolist() == [7.14, -0.86]
    assert bands["hca_gap_pct"].iloc[0] == pytest.approx(7.14 / 32.14 * 100)


def test_home_care_section_compares_with_the_hca_price(params):
    fees = source(fees_frame([("home_care", "Standard hourly rate", "per hour", 24.50, 1000)]), "fees.xlsx")
    section = coc.cost_section("home_care", source(full_home_care_returns([26, 27, 28])), fees, "Testshire", params)
    row = next(t.frame for t in section.tables if t.name == "cost_fees").iloc[0]
    assert row["hca_price"] == 32.14 and row["hca_gap_gbp"] == pytest.approx(7.64)
    assert any("£7.64 (24%) below the Homecare Association Minimum Price (£32.14)" in m for m in section.messages)
    assert section.key_figures["hca_year"] == "2025-26"


def test_uplift_and_budget_arithmetic():
    assert coc.uplift_pct(0.75, 4.0, 2.0) == pytest.approx(3.5)  # 0.75×4 + 0.25×2
    assert coc.budget_impact(20.0, 22.0, 1000) == 2000.0
    assert coc.proposed_rate(20.0, 3.5) == 20.70
    bands = pd.DataFrame({"band": ["A", "B"], "current_rate": [20.0, 800.0], "contracted_volume": [1000.0, 52.0],
                          "staff_share": [0.75, 0.5]})
    up = coc.uplift_table(bands, 4.0, 2.0)
    assert up["uplift_pct"].tolist() == pytest.approx([3.5, 3.0])
    assert up["proposed_rate"].tolist() == [20.70, 824.0]
    assert up["budget_impact"].tolist() == pytest.approx([700.0, 24.0 * 52])


def test_sensitivity_cells_equal_the_uplift_budget_impact():
    bands = pd.DataFrame({"band": ["A"], "current_rate": [20.0], "contracted_volume": [1000.0], "staff_share": [0.75]})
    sens = coc.sensitivity_table(bands, [2.0, 4.0], [1.0, 2.0]).set_index("nlw_change_pct")
    assert list(sens.columns) == ["cpi_1", "cpi_2"]
    assert sens.loc[4.0, "cpi_2"] == pytest.approx(700.0)  # 3.5% of £20 = £0.70 × 1,000
    assert sens.loc[2.0, "cpi_1"] == pytest.approx(round(20 * 1.0175, 2) * 1000 - 20000)


def test_what_if_calculator():
    out = coc.what_if_rate(24.50, 100000, 0.8, 5.0, 2.0, target_rate=27.40)
    assert out["uplift_pct"] == pytest.approx(4.4) and out["proposed_rate"] == 25.58
    assert out["budget_impact"] == pytest.approx(108000.0)
    assert out["target_budget_impact"] == pytest.approx(290000.0)


def test_nlw_change_from_params_else_the_assumption(params):
    change, basis = coc.nlw_change(params, "2025-26")
    assert change == pytest.approx((12.71 / 12.21 - 1) * 100) and "£12.21" in basis
    change, basis = coc.nlw_change(params, "2026-27")
    assert change == params["national_living_wage"]["assumed_change_pct"]
    assert basis == "an assumed 4.0% because the 2027–28 rate has not been announced"
    assert coc.latest_cpi(params)["period"] == max(r["period"] for r in params["cpi"]["readings"])


def test_nlw_in_force_is_the_rate_of_the_days_financial_year(params):
    assert coc.nlw_in_force(params, pd.Timestamp("2026-11-01")) == {
        "rate": 12.71, "financial_year": "2026-27", "from": "1 April 2026",
        "source": "GOV.UK, National Minimum Wage and National Living Wage rates, April 2026"}
    assert coc.nlw_in_force(params, pd.Timestamp("2026-03-31"))["rate"] == 12.21  # the day before 1 April
    assert coc.nlw_in_force(params, pd.Timestamp("2031-06-01"))["financial_year"] == "2026-27"  # latest known
    with pytest.raises(InputError, match="no rate for 2019-20 or an earlier year"):
        coc.nlw_in_force(params, pd.Timestamp("2019-05-01"))
    assert coc.financial_year_of(pd.Timestamp("2027-01-15")) == "2026-27"


def test_staff_share_falls_back_when_too_few_returns(params):
    bands = pd.DataFrame({"service": ["home_care"] * 2, "category": ["", ""], "band": ["A", "B"]})
    stats = pd.DataFrame({"service": ["home_care"], "category": [""], "returns": [2], "staff_share": [0.9]})
    out = coc.band_staff_shares(bands, stats, 0.75, 3)
    assert out["staff_share"].tolist() == [0.75, 0.75] and out["share_basis"].iloc[0].startswith("assumed")
    out = coc.band_staff_shares(bands, stats.assign(returns=3), 0.75, 3)
    assert out["staff_share"].tolist() == [0.9, 0.9]


def test_care_home_bands_match_the_longest_category():
    assert coc.band_category("Residential dementia standard", "care_homes") == "Residential dementia"
    assert coc.band_category("Nursing standard", "care_homes") == "Nursing"
    assert coc.band_category("Respite", "care_homes") is None
    assert coc.band_category("Rural hourly rate", "home_care") == ""


# ---------------------------------------------------------------------------------------------- bad input


def load_rows(tmp_path: Path, rows: list[dict]) -> SourceTable:
    """Write rows through the returns template and load them back with the loader."""
    return load_local(cost_returns.SPEC, write_template(replace(cost_returns.SPEC, examples=rows),
                                                        tmp_path / "cost_returns.xlsx"))


ROW = {"provider_id": "P1", "service": "home_care", "category": "", "cost_line": "Direct care", "group": "careworker",
       "value": 13.2, "unit": "per contact hour", "contact_hours_per_week": 1000, "visit_length_minutes": 30}


def test_negative_cost_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="at least 0") as err:
        load_rows(tmp_path, [ROW, {**ROW, "provider_id": "P2", "value": -1.5}])
    assert err.value.row == 3 and err.value.column == "Value (£)"


def test_text_in_a_number_cell_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="expected a number") as err:
        load_rows(tmp_path, [{**ROW, "value": "about twelve"}])
    assert err.value.row == 2 and err.value.column == "Value (£)"


def test_unknown_cost_line_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="not an allowed value|not a home_care cost line") as err:
        load_rows(tmp_path, [{**ROW, "cost_line": "Yacht"}])
    assert err.value.row == 2


def test_outlier_is_flagged_with_provider_and_row_and_kept(params):
    d = full_home_care_returns([26, 27, 28, 29, 30])
    d.loc[(d["provider_id"] == "P3") & (d["cost_line"] == "Mileage"), "value"] = 50.0
    log = coc.check_returns(d, coc.return_totals(d, params["staff_groups"]), params,
                            {"file": "returns.xlsx", "sheet": "Cost returns"})
    row = int(d.loc[(d["provider_id"] == "P3") & (d["cost_line"] == "Mileage"), "_row"].iloc[0])
    hits = [w for w in log.warnings if "Mileage" in w.message]
    assert len(hits) == 1 and "provider P3" in hits[0].message and hits[0].row == row
    assert hits[0].file == "returns.xlsx" and "kept" in hits[0].message
    assert any("total" in w.message and "provider P3" in w.message for w in log.warnings)  # its total is odd too
    assert coc.line_statistics(d).set_index("cost_line").loc["Mileage", "returns"] == 5  # never dropped


def test_missing_lines_and_volumes_are_flagged(params):
    d = full_home_care_returns([26, 27, 28])
    d = d[~((d["provider_id"] == "P2") & d["cost_line"].isin(["PPE", "Marketing"]))]
    d.loc[d["provider_id"] == "P1", "contact_hours_per_week"] = pd.NA
    log = coc.check_returns(d, coc.return_totals(d, params["staff_groups"]), params)
    messages = [w.message for w in log.warnings]
    assert any("provider P2" in m and "2 cost line(s) missing" in m and "PPE" in m for m in messages)
    assert any("provider P1" in m and "Contact hours per week" in m for m in messages)
    assert not any("provider P3" in m for m in messages)


def test_bad_params_are_clear_errors(params):
    bad = copy.deepcopy(params)
    bad["min_providers"] = "three"
    with pytest.raises(InputError, match="min_providers"):
        coc.load_params(bad)
    bad = copy.deepcopy(params)
    bad["staff_groups"]["home_care"] = ["staffing"]
    with pytest.raises(InputError, match="staff_groups.home_care"):
        coc.load_params(bad)
    assert load("cost_of_care")["min_providers"] == 3  # the shipped default


# ---------------------------------------------------------------------------------------------- demo


@pytest.fixture(scope="module")
def sheffield(params, demo_dir) -> dict[str, coc.CostSection]:
    returns = load_council(cost_returns.SPEC, demo_dir / "local", SHEFFIELD)
    fees = load_council(fee_rates.SPEC, demo_dir / "local", SHEFFIELD)
    assert returns is not None and fees is not None
    return {s: coc.cost_section(s, returns, fees, "Sheffield", params) for s in COST_LINES}


def test_demo_sheffield_sections_publish_no_provider_level_columns(sheffield):
    for service, section in sheffield.items():
        assert section.available, service
        assert [t.name for t in section.tables] == ["cost_lines", "cost_totals", "cost_fees", "cost_uplift",
                                                   "cost_sensitivity"]
        for table in section.tables:
            assert not {"provider_id", "_row"} & set(table.frame.columns), (service, table.name)
            cells = {str(v) for c in table.frame.columns for v in table.frame[c]}
            assert not any(v.startswith(("CH0", "HC0", "SL0", "DO0")) for v in cells)
        chart = section.charts[0]
        assert chart.name == "cost_gap" and chart.title and len(chart.alt) > 50
        json.dumps(section.key_figures)


def test_demo_sheffield_figures_agree_with_the_tables(sheffield):
    home = sheffield["home_care"]
    totals = next(t.frame for t in home.tables if t.name == "cost_totals")
    median = totals["median"].iloc[0]
    assert home.key_figures["median_total"]["All returns"] == round(median, 2)
    assert any(f"£{median:,.2f} per contact hour" in m for m in home.messages)
    uplift = next(t.frame for t in home.tables if t.name == "cost_uplift")
    assert home.key_figures["uplift_budget_impact"] == pytest.approx(uplift["budget_impact"].sum(), abs=0.01)
    lines = next(t.frame for t in sheffield["care_homes"].tables if t.name == "cost_lines")
    assert set(lines["category"]) == {"Residential", "Residential dementia", "Nursing", "Nursing dementia"}


def test_demo_day_opportunities_has_two_returns_so_is_suppressed(sheffield):
    day = sheffield["day_opportunities"]
    assert day.key_figures["returns"] == 2 and day.key_figures["suppressed"] is True
    assert set(next(t.frame for t in day.tables if t.name == "cost_lines")["median"]) == {MARKER}
    assert day.charts[0].figure.data[1].y == (None, None)  # no median bars
    assert "suppressed" in day.charts[0].alt


def test_no_returns_means_not_available(params):
    fees = source(fees_frame([("home_care", "Standard hourly rate", "per hour", 24.5, 100000)]), "fees.xlsx")
    section = coc.cost_section("supported_living", source(full_home_care_returns([26, 27, 28])), fees, "Testshire",
                               params)
    assert not section.available and section.tables == [] and "no cost of care returns" in section.messages[0]
    assert not coc.cost_section("home_care", None, None, "Testshire", params).available
    with pytest.raises(ValueError, match="unknown service"):
        coc.cost_section("hospitals", None, None, "Testshire", params)


def test_no_fee_rates_still_gives_the_quartiles_and_a_chart(params):
    section = coc.cost_section("home_care", source(full_home_care_returns([26, 27, 28])), None, "Testshire", params)
    assert [t.name for t in section.tables] == ["cost_lines", "cost_totals"]
    assert section.charts[0].name == "cost_gap" and "no fee rates" in section.charts[0].title
    assert any("no fee rates" in m for m in section.messages)


def test_quartiles_of_all_groups_at_once_are_each_groups_own_to_the_last_bit():
    """statistics.quartiles_by_group repeats numpy's linear quantile for many groups at once: every figure must be
    bit-for-bit quartile_array's (sizes 0 to 30, ties, negatives, pennies, large values; positions in any order)."""
    import numpy as np
    from helpers.assess.cost_of_care.statistics import quartile_array, quartiles_by_group
    rng = np.random.default_rng(17)
    for trial in range(400):
        sizes = rng.integers(0, 30, size=rng.integers(0, 8))
        n = int(sizes.sum())
        draws = [rng.normal(500, 200, n), rng.integers(0, 4, n) * 12.37, np.round(rng.lognormal(3, 2, n), 2),
                 rng.uniform(-1e6, 1e6, n)][trial % 4]
        spots = rng.permutation(n + 3)[:n]
        values = np.full(n + 3, np.nan)
        values[spots] = draws
        groups = np.split(spots, np.cumsum(sizes)[:-1]) if len(sizes) else []
        got = quartiles_by_group(values, groups)
        want = np.array([quartile_array(values[g]) for g in groups]).reshape(len(groups), 3)
        assert got.shape == want.shape
        assert ((got.view(np.int64) == want.view(np.int64)) | (np.isnan(got) & np.isnan(want))).all()


def test_bands_with_statistics_are_the_left_merge_they_replace():
    """fee_gap and band_staff_shares look each band's statistics up instead of merging: the same frame as the left
    merge (rows, order, labels, dtypes), with every band matched, some or none, and for stats the merge must
    handle itself (a repeated service and category, no rows)."""
    from helpers.assess.cost_of_care.statistics import with_statistics
    stats = pd.DataFrame({"service": ["care_homes", "care_homes", "home_care"],
                          "category": ["Residential", "Nursing", ""], "returns": [5, 2, 7],
                          "lq": [700.0, 900.5, 20.0], "median": [800.25, 1000.0, 24.5], "uq": [900.0, 1100.0, 27.0],
                          "staff_share": [0.61, 0.7, np.nan]})
    bands = pd.DataFrame({"service": ["care_homes", "care_homes", "care_homes", "home_care"],
                          "band": ["Nursing dementia", "Residential", "Nursing", "Standard"],
                          "category": ["Nursing", "Residential", None, ""],
                          "current_rate": pd.array([950.0, 780.0, 990.0, 23.1], dtype="Float64")}).set_axis([4, 2, 9, 0])
    for frame in (bands, bands.iloc[[0, 1, 3]], bands.iloc[[2]], bands.iloc[0:0], bands.assign(category="")):
        for columns in (["returns", "lq", "median", "uq"], ["returns", "staff_share"]):
            for table in (stats, pd.concat([stats, stats.iloc[[0]]]), stats.iloc[0:0].astype(object)):
                pd.testing.assert_frame_equal(
                    with_statistics(frame, table, columns),
                    frame.merge(table[["service", "category", *columns]], on=["service", "category"], how="left"),
                    check_exact=True)


def test_grouped_statistics_are_the_pandas_groupby_they_replace(params):
    """return_totals, line_statistics and total_statistics group rows themselves (statistics.key_groups): the same
    frames, to the last bit, as pandas' groupby gives (its Kahan-compensated sums, groups in order of first
    appearance, rows with a missing key or value left out), on shuffled returns with gaps."""
    from helpers.assess.cost_of_care.statistics import _grouped_totals, quartile_array
    rng = np.random.default_rng(5)
    lines = [(s, line) for s in ("care_homes", "home_care") for line in [x for ls in COST_LINES[s].values() for x in ls]]
    for trial in range(40):
        picks = rng.integers(0, len(lines), 300)
        n = len(picks)
        value = np.round(rng.lognormal(3, 2, n), 2)
        frame = pd.DataFrame({
            "provider_id": [f"P{i}" for i in rng.integers(0, 12, n)], "service": [lines[i][0] for i in picks],
            "category": pd.Series(rng.choice(["Residential", "Nursing", "", None], n), dtype="str"),
            "cost_line": [lines[i][1] for i in picks], "group": [LINE_GROUP[lines[i]] for i in picks],
            "value": pd.array(np.where(rng.random(n) < 0.1, np.nan, value), dtype="Float64"),
            "_row": rng.permutation(n) + 2})
        totals = coc.return_totals(frame, params["staff_groups"])
        pd.testing.assert_frame_equal(totals, _grouped_totals(frame, params["staff_groups"]), check_exact=True)
        d = frame.dropna(subset=["value"])
        grouped = d.groupby(["service", "category", "group", "cost_line"], sort=False)
        q = np.array([quartile_array(v.to_numpy(dtype="float64")) for _, v in grouped["value"]])
        want = grouped["provider_id"].nunique().rename("returns").reset_index().assign(lq=q[:, 0], median=q[:, 1],
                                                                                       uq=q[:, 2])
        got = coc.line_statistics(frame)
        assert len(got) == len(want)
        pd.testing.assert_frame_equal(
            got.sort_values(["service", "category", "group", "cost_line"]).reset_index(drop=True),
            want.sort_values(["service", "category", "group", "cost_line"]).reset_index(drop=True), check_exact=True)
        stats = coc.total_statistics(totals)
        by = totals.groupby(["service", "category"], sort=False)
        assert list(zip(stats["service"], stats["category"])) == sorted(by.groups, key=lambda k: (
            coc.SERVICES.index(k[0]), ("", "Residential", "Nursing").index(k[1])))
        for _, r in stats.iterrows():
            k = (r["service"], r["category"])
            assert r["returns"] == by["provider_id"].nunique()[k]
            rows = by.get_group(k)
            assert r["median"] == quartile_array(rows["total"].to_numpy(dtype="float64"))[1]
            assert r["median_staff"] == quartile_array(rows["staff"].to_numpy(dtype="float64"))[1]


def test_sensitivity_table_is_the_band_by_band_sum_to_the_last_bit():
    """sensitivity_table works out every NLW change × CPI at once: each cell must be, bit for bit, the nansum of
    that pair's budget impacts band by band (0 to 40 bands, missing shares and volumes, integer params)."""
    rng = np.random.default_rng(11)
    nlw, cpi = [2, 3.5, 4.1, 6.0], [1.0, 2, 3.8]
    for trial in range(60):
        n = int(rng.integers(0, 40))
        bands = pd.DataFrame({"current_rate": np.round(rng.uniform(15, 1500, n), 2),
                              "contracted_volume": np.where(rng.random(n) < 0.1, np.nan, np.round(rng.uniform(0, 5e5, n))),
                              "staff_share": np.where(rng.random(n) < 0.1, np.nan, rng.uniform(0.3, 0.9, n))})
        share, rate, volume = (bands[c].to_numpy() for c in ("staff_share", "current_rate", "contracted_volume"))
        got = coc.sensitivity_table(bands, nlw, cpi)
        assert list(got.columns) == ["nlw_change_pct", "cpi_1", "cpi_2", "cpi_3.8"]
        for i, a in enumerate(nlw):
            for b in cpi:
                one = np.nansum(coc.budget_impact(rate, coc.proposed_rate(rate, coc.uplift_pct(share, a, b)), volume))
                assert float(got.loc[i, f"cpi_{float(b):g}"]).hex() == float(one).hex()
    assert coc.sensitivity_table(bands, [], cpi).empty


def test_key_groups_number_groups_as_groupby_does():
    """statistics.key_groups numbers rows' groups as groupby(sort=False).ngroup() does, rows with a missing key or
    left out by keep at -1; also with keys whose combinations would overflow int64 if not renumbered."""
    from helpers.assess.cost_of_care.statistics import key_groups
    rng = np.random.default_rng(23)
    frame = pd.DataFrame({"a": pd.Series(rng.choice(["x", "y", None], 500), dtype="str"),
                          "b": rng.choice(["p", "q", "r"], 500), "c": pd.Series(rng.choice(["", "s", None], 500))})
    keep = rng.random(500) < 0.8
    codes, first = key_groups(frame, ["a", "b", "c"], keep)
    want = frame[keep].groupby(["a", "b", "c"], sort=False).ngroup()
    assert np.array_equal(codes[keep], want.fillna(-1).to_numpy()) and (codes[~keep] == -1).all()
    assert np.array_equal(codes[first], np.arange(len(first)))
    big = pd.DataFrame({k: pd.Series(rng.integers(0, 70000, 70000).astype(str), dtype="str") for k in "abcde"})
    codes, first = key_groups(big, list("abcde"))
    assert np.array_equal(codes, big.groupby(list("abcde"), sort=False).ngroup().to_numpy())
