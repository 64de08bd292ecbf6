"""Synthetic national sources (CQC ratings, ONS population, ASC-FR, ASCOF): each file round-trips through
its loader with no errors or warnings, holds plausible and consistent values, is deterministic for a
seed, does not depend on which other councils are chosen, and says it is synthetic."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from helpers.councils import council, councils
from helpers.demo import cqc
from helpers.demo.ascfr import write_ascfr
from helpers.demo.ascof import write_ascof
from helpers.demo.population import write_mid_year, write_snpp
from helpers.demo.ratings import SCALE, write_ratings
from helpers.load import ascfr, ascof, cqc_ratings, ons_population
from helpers.load.catalogue import identify
from helpers.load.validation import validate

CODES = ["E08000019", "E08000018", "E10000008"]  # Sheffield, Rotherham (Yorkshire), Devon (South West)
SEED = 2026
AS_AT = pd.Timestamp("2025-11-01")


def market_of(codes: list[str], seed: int) -> pd.DataFrame:
    """The synthetic CQC market of these councils, as helpers.demo.generate draws it."""
    table = councils()
    return pd.concat([cqc.council_market(row, seed, start_id=i * 10000)
                      for i, row in table.iterrows() if row["code"] in codes], ignore_index=True)


def write_all(out: Path, codes: list[str], seed: int) -> dict[str, Path]:
    """Write the four national sources (and the mid-year estimates) for these councils."""
    market = market_of(codes, seed)
    return {"ratings": write_ratings(cqc.snapshot(market, AS_AT), AS_AT, out),
            "snpp": write_snpp(codes, seed, out), "mid_year": write_mid_year(codes, seed, out),
            "ascfr": write_ascfr(codes, seed, out), "ascof": write_ascof(codes, seed, out, market=market)}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The files written once for the three test councils."""
    return write_all(tmp_path_factory.mktemp("national"), CODES, SEED)


@pytest.fixture(scope="module")
def snapshot() -> pd.DataFrame:
    """The CQC snapshot the ratings file was written from."""
    return cqc.snapshot(market_of(CODES, SEED), AS_AT)


def sheet_rows(path: Path, sheet: str) -> list[list[object]]:
    """All rows of one sheet, read with calamine directly."""
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)


# --- round trip through the loaders and `caremarket validate` ----------------------------------

def test_every_file_is_recognised_by_its_name_and_validates_without_errors_or_warnings(files):
    expected = {"ratings": cqc_ratings.SOURCE, "snpp": ons_population.SOURCE_SNPP,
                "mid_year": ons_population.SOURCE_MID_YEAR, "ascfr": ascfr.SOURCE, "ascof": ascof.SOURCE}
    for key, path in files.items():
        assert identify(path).name == expected[key], path.name
    reports = validate(files["snpp"].parent)
    assert len(reports) == len(files)
    for report in reports:
        assert report.error == "" and report.warnings == [], report.file.name
        assert report.councils == len(CODES), report.file.name


def test_every_loader_reads_its_file_with_no_warnings(files):
    tables = [cqc_ratings.load(files["ratings"]), ons_population.load_snpp(files["snpp"]),
              ons_population.load_mid_year(files["mid_year"]), ascfr.load(files["ascfr"]),
              ascof.staff_turnover(files["ascof"]), ascof.provider_ratings(files["ascof"])]
    for table in tables:
        assert not table.data.empty and table.log.warnings == [], table.file.name


# --- CQC ratings -------------------------------------------------------------------------------

def test_ratings_file_name_sheets_and_published_columns(files):
    path = files["ratings"]
    assert path.name == "01_November_2025_Latest_ratings.xlsx"
    assert CalamineWorkbook.from_path(str(path)).sheet_names == ["README", "Locations", "Providers"]
    header = sheet_rows(path, "Locations")[0]
    assert header[:3] == ["Location ID", "Location ODS Code", "Location Name"] and len(header) == 28
    assert header[17:21] == ["Service / Population Group", "Domain", "Latest Rating", "Publication Date"]
    providers = sheet_rows(path, "Providers")
    assert providers[0][:3] == ["Provider ID", "Provider ODS Code", "Provider Name"] and len(providers) > 6


def test_every_rated_location_has_six_location_level_rows_and_unrated_ones_are_left_out(files, snapshot):
    data = cqc_ratings.load(files["ratings"]).data
    rated = snapshot[snapshot["rating"] != ""]
    assert set(data["location_id"]) == set(rated["location_id"])
    level = data[data["service_group"] == "Overall"]
    assert level.groupby("location_id")["domain"].apply(lambda d: sorted(d) == sorted(cqc_ratings.DOMAINS)).all()
    assert set(data["service_group"]) == {"Overall", "Care Homes", "Homecare", "Supported Living"}


def test_overall_rating_is_the_snapshot_rating_and_key_questions_sit_within_one_step(files, snapshot):
    data = cqc_ratings.load(files["ratings"]).data
    location_level = data[(data["service_group"] == "Overall") & (data["domain"] == "Overall")]
    overall = location_level.set_index("location_id")["rating"]
    assert overall.to_dict() == snapshot.set_index("location_id").loc[overall.index, "rating"].to_dict()
    steps = cqc_ratings.key_questions(data).set_index("location_id").apply(lambda s: s.map(SCALE.index))
    gap = steps.sub(overall.map(SCALE.index), axis=0).abs()
    assert gap.max().max() == 1 and (gap == 0).to_numpy().mean() > 0.8
    services = data[data["service_group"] != "Overall"].merge(
        data[data["service_group"] == "Overall"], on=["location_id", "domain"], suffixes=("", "_overall"))
    assert (services["rating"] == services["rating_overall"]).all()


def test_publication_dates_are_dd_mm_yyyy_text_within_cqc_ratings_era(files):
    rows = sheet_rows(files["ratings"], "Locations")
    dates = {r[20] for r in rows[1:]}
    assert all(isinstance(d, str) and re.fullmatch(r"\d{2}/\d{2}/\d{4}", d) for d in dates)
    parsed = pd.to_datetime(pd.Series(sorted(dates)), format="%d/%m/%Y")
    assert parsed.min() >= pd.Timestamp("2014-10-01") and parsed.max() <= AS_AT


# --- ONS population ----------------------------------------------------------------------------

def test_snpp_layout_quoted_header_age_labels_and_three_decimals(files):
    lines = files["snpp"].read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(f'"{c}"' for c in ["AREA_CODE", "AREA_NAME", "COMPONENT", "SEX", "AGE_GROUP",
                                                     *map(str, range(2022, 2048))])
    with files["snpp"].open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))[1:]
    sheffield = [r for r in rows if r[0] == "E08000019"]
    assert [r[4] for r in sheffield] == [str(a) for a in range(90)] + ["90 and over", "All ages"]
    assert {(r[2], r[3]) for r in rows} == {("Population", "persons")}
    assert all(re.fullmatch(r"\d+\.\d{3}", v) for v in sheffield[0][5:])


def test_snpp_all_ages_is_the_sum_of_single_ages_and_regions_sum_their_councils(files):
    pop = ons_population.load_snpp(files["snpp"]).data
    singles = pop[pop["age"].notna()].groupby(["area_code", "year"])["population"].sum()
    totals = pop[pop["age_group"] == "All ages"].set_index(["area_code", "year"])["population"]
    assert np.allclose(singles.loc[totals.index], totals, atol=0.01)
    areas = set(pop["area_code"])
    assert areas == set(CODES) | {"E12000003", "E12000009", "E92000001"}
    assert np.allclose(totals.xs("E12000003"), totals.xs("E08000019") + totals.xs("E08000018"), atol=0.01)
    assert np.allclose(totals.xs("E92000001"), sum(totals.xs(c) for c in CODES), atol=0.01)


def test_snpp_age_structure_is_plausible_and_ages(files):
    pop = ons_population.load_snpp(files["snpp"]).data
    for code in CODES:
        base = ons_population.age_band_population(pop, code, 2022).set_index("band")["population"]
        later = ons_population.age_band_population(pop, code, 2047).set_index("band")["population"]
        total = pop[(pop["area_code"] == code) & (pop["year"] == 2022) & (pop["age_group"] == "All ages")]
        total = float(total["population"].iloc[0])
        assert abs(total / float(council(code)["population_2020"]) - 1) < 0.05
        assert 0.14 < base["65+"] / total < 0.26 and 0.015 < base["85+"] / total < 0.04
        assert later["85+"] > 1.3 * base["85+"]


def test_mid_year_extract_matches_the_projection_and_regions_sum_their_councils(files):
    mid = ons_population.load_mid_year(files["mid_year"]).data
    snpp = ons_population.load_snpp(files["snpp"]).data
    assert set(mid["year"]) == {2024} and (mid["population"] % 1 == 0).all()
    singles = mid[mid["area_code"].isin(CODES) & mid["age"].notna()]
    both = singles.merge(snpp[snpp["year"] == 2024], on=["area_code", "age_group"], suffixes=("", "_snpp"))
    assert len(both) == len(singles) and np.allclose(both["population"], both["population_snpp"], atol=0.5)
    by_area = mid.pivot(index="age_group", columns="area_code", values="population")
    assert (by_area["E12000003"] == by_area["E08000019"] + by_area["E08000018"]).all()
    assert (by_area["E92000001"] == by_area[CODES].sum(axis=1)).all()


# --- ASC-FR ------------------------------------------------------------------------------------

def test_ascfr_rows_for_each_council_its_region_and_england(files):
    data = ascfr.load(files["ascfr"]).data
    levels = data.drop_duplicates("geography_code").set_index("geography_code")["geography_level"]
    assert levels.to_dict() == {"E08000018": "CASSR", "E08000019": "CASSR", "E10000008": "CASSR",
                                "E12000003": "Region", "E12000009": "Region", "E92000001": "England"}
    assert set(data.loc[data["geography_level"] == "CASSR", "cassr_code"]) == {"206", "207", "912"}
    assert (data["marker_reason"] == "suppressed").any()


def test_ascfr_long_term_support_and_unit_costs_are_plausible(files):
    data = ascfr.load(files["ascfr"]).data
    long_term = data[(data["geography_code"] == "E08000019") & (data["care_type"].str.startswith("Long Term"))
                     & (data["finance_type"] == "") & (data["value_type"] == "")]
    assert set(long_term["support_setting"]) == {"Community: Home Care", "Community: Direct Payments",
                                                 "Supported Accommodation", "Residential", "Nursing"}
    assert 1800 < long_term.loc[long_term["support_setting"] == "Community: Home Care", "value"].sum() < 3500
    costs = data[data["value_type"] == "UNIT COST"].set_index(["geography_code", "support_setting", "age_band"])
    for code in CODES:
        assert 700 < costs.loc[(code, "Residential", "65 and Over"), "value"] < 1150
        assert 19 < costs.loc[(code, "Community: Home Care", "65 and Over"), "value"] < 31


def test_ascfr_aggregates_sum_councils_and_unit_costs_follow_numerator_and_denominator(files):
    data = ascfr.load(files["ascfr"]).data
    parts = data[data["value_type"].isin(["Numerator", "Denominator"])]
    wide = parts.pivot_table(index=["support_setting", "age_band", "value_type"], columns="geography_code",
                             values="value")
    assert np.allclose(wide["E92000001"], wide[CODES].sum(axis=1))
    assert np.allclose(wide["E12000003"], wide[["E08000019", "E08000018"]].sum(axis=1))
    costs = data[data["value_type"] == "UNIT COST"].set_index(["geography_code", "support_setting", "age_band"])
    costs = costs.sort_index()
    ratio = 1000 * wide.xs("Numerator", level="value_type") / wide.xs("Denominator", level="value_type")
    for code in [*CODES, "E92000001"]:
        assert np.allclose(costs.loc[code, "value"].sort_index(), ratio[code].sort_index(), atol=0.006)


# --- ASCOF -------------------------------------------------------------------------------------

def test_ascof_sheets_header_rows_and_value_columns_as_published(files):
    path = files["ascof"]
    assert path.name == "ascof_2024_25.xlsx"
    assert CalamineWorkbook.from_path(str(path)).sheet_names == ["Cover", "Contents", "Notes", "Table_6a", "Table_6b"]
    rows_6a, rows_6b = sheet_rows(path, "Table_6a"), sheet_rows(path, "Table_6b")
    assert rows_6a[4] == ["Local authority code", "Local authority", "ONS area code", "2023 to 2024 - outcome",
                          "2024 to 2025 - outcome"]
    assert rows_6b[7][:6] == ["Local authority code", "Local authority", "ONS area code",
                              "2023 to 2024 - outstanding numerator", "2023 to 2024 - outstanding denominator",
                              "2023 to 2024 - outstanding outcome"]
    assert len(rows_6b[7]) == 33 and rows_6b[7][-1] == "2024 to 2025 - 6b outcome"


def test_ascof_rows_england_types_regions_then_one_row_per_council(files):
    for table in (ascof.staff_turnover(files["ascof"]), ascof.provider_ratings(files["ascof"])):
        rows = table.data.drop_duplicates("_row")
        assert rows["level"].tolist() == ["England"] + ["Council type"] * 5 + ["Region"] * 9 + ["Council"] * 3
        assert rows.iloc[0]["la_code"] == "England" and rows.iloc[0]["ons_code"] == "E92000001"
        assert set(rows.loc[rows["level"] == "Council", "council_code"]) == set(CODES)
        assert set(rows.loc[rows["level"] == "Council", "la_code"]) == {"206", "207", "912"}
    markers = set(ascof.staff_turnover(files["ascof"]).data["marker_reason"].dropna())
    assert {"not applicable", "not available"} <= markers


def test_ascof_6b_counts_the_demo_care_homes_by_rating(files):
    data = ascof.provider_ratings(files["ascof"]).data
    homes = cqc.snapshot(market_of(CODES, SEED), pd.Timestamp("2025-04-01"))
    homes = homes[(homes["kind"] == "care_home") & (homes["la_name"] == "Sheffield")]
    sheffield = data[(data["council_code"] == "E08000019") & (data["period"] == "2024 to 2025")]
    value = sheffield.set_index("quantity")["value"]
    assert value["6b denominator"] == len(homes)
    assert value["6b numerator"] == homes["rating"].isin(["Outstanding", "Good"]).sum()
    assert value["6b outcome"] == round(100 * value["6b numerator"] / value["6b denominator"], 1)
    england = data[(data["level"] == "England") & (data["period"] == "2024 to 2025")].set_index("quantity")["value"]
    councils_only = data[(data["level"] == "Council") & (data["period"] == "2024 to 2025")]
    assert england["6b denominator"] == councils_only.loc[councils_only["quantity"] == "6b denominator",
                                                          "value"].sum()


# --- determinism, independence and labelling ---------------------------------------------------

def test_same_seed_gives_identical_files(files, tmp_path):
    again = write_all(tmp_path, CODES, SEED)
    for key in ("ratings", "snpp", "mid_year", "ascfr"):
        assert again[key].read_bytes() == files[key].read_bytes(), key
    for load in (ascof.staff_turnover, ascof.provider_ratings):
        pd.testing.assert_frame_equal(load(again["ascof"]).data, load(files["ascof"]).data)


def test_a_council_does_not_depend_on_the_other_councils_chosen(files, tmp_path):
    alone = {"snpp": write_snpp(["E08000019"], SEED, tmp_path), "ascfr": write_ascfr(["E08000019"], SEED, tmp_path)}
    snpp = [ons_population.load_snpp(p).data for p in (alone["snpp"], files["snpp"])]
    fr = [ascfr.load(p).data for p in (alone["ascfr"], files["ascfr"])]
    for a, b, column in [(*snpp, "area_code"), (*fr, "geography_code")]:
        one = a[a[column] == "E08000019"].drop(columns="_row").reset_index(drop=True)
        other = b[b[column] == "E08000019"].drop(columns="_row").reset_index(drop=True)
        pd.testing.assert_frame_equal(one, other)


def test_another_seed_gives_other_figures(files, tmp_path):
    other = write_snpp(CODES, SEED + 1, tmp_path)
    assert other.read_bytes() != files["snpp"].read_bytes()


def test_every_file_says_it_is_synthetic(files):
    readme = " ".join(r[0] for r in sheet_rows(files["ratings"], "README"))
    cover = " ".join(str(r[0]) for r in sheet_rows(files["ascof"], "Cover"))
    assert "SYNTHETIC" in readme and "SYNTHETIC" in cover
    for key in ("snpp", "mid_year", "ascfr"):
        assert "SYNTHETIC" in files[key].name
