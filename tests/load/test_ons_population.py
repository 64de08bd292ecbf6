"""ONS population loaders (SNPP and Nomis mid-year estimates) on the real files and on broken copies."""
from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from helpers.errors import InputError
from helpers.load import ons_population as op

SNPP = Path("ons_snpp") / "2022_SNPP_Population_persons_EXTRACT_CountyDurham_Darlington.csv"
MID_YEAR = Path("ons_population") / "ons_population_2024.csv"

SNPP_HEADER = '"AREA_CODE","AREA_NAME","COMPONENT","SEX","AGE_GROUP","2022","2023"'
MID_HEADER = '"GEOGRAPHY_NAME","GEOGRAPHY_CODE","DATE_NAME","GENDER_NAME","C_AGE_NAME","OBS_VALUE"'


def csv_rows(path: Path) -> list[dict[str, str]]:
    """The file's rows as dicts, read with the csv module (independently of the loader)."""
    with path.open(newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def write(tmp_path: Path, name: str, lines: list[str]) -> Path:
    """Write a small CSV from lines."""
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def snpp_lines(ages: range = range(0, 3)) -> list[str]:
    """A tiny SNPP file: single ages, an open top group and All ages that add up."""
    rows = [SNPP_HEADER]
    for age in ages:
        rows.append(f"E06000001,Hartlepool,Population,persons,{age},10.000,11.000")
    rows.append("E06000001,Hartlepool,Population,persons,90 and over,5.000,6.000")
    n = len(ages)
    rows.append(f"E06000001,Hartlepool,Population,persons,All ages,{10 * n + 5:.3f},{11 * n + 6:.3f}")
    return rows


# --- real files (paths under the `realdata` folder) --------------------------------------------

def test_snpp_county_durham_all_ages_2022_matches_the_file_and_its_single_ages(realdata: Path) -> None:
    rows = [r for r in csv_rows(realdata / SNPP) if r["AREA_CODE"] == "E06000047"]
    all_ages = float(next(r["2022"] for r in rows if r["AGE_GROUP"] == "All ages"))
    singles = sum(float(r["2022"]) for r in rows if r["AGE_GROUP"] != "All ages")
    assert all_ages == 527704
    assert singles == pytest.approx(527704, abs=0.5)

    pop = op.load_snpp(realdata / SNPP).data
    durham = pop[(pop["area_code"] == "E06000047") & (pop["year"] == 2022)]
    assert durham.loc[durham["age_group"] == "All ages", "population"].item() == all_ages
    assert durham.loc[durham["age"].notna(), "population"].sum() == pytest.approx(singles)
    assert len(durham) == 92  # 0..89, 90+, All ages
    assert durham.loc[durham["age_group"] == "90+", "age"].item() == 90


def test_snpp_years_are_detected_from_the_header(realdata: Path) -> None:
    table = op.load_snpp(realdata / SNPP)
    with (realdata / SNPP).open(encoding="utf-8") as f:
        header = next(csv.reader(f))
    years = [int(h) for h in header if h.isdigit()]
    assert sorted(table.data["year"].unique()) == years
    assert years[0] == 2022 and years[-1] == 2047
    assert table.vintage == "2022-based projections"


def test_darlington_65_plus_in_2032(realdata: Path) -> None:
    rows = [r for r in csv_rows(realdata / SNPP) if r["AREA_CODE"] == "E06000005"]
    expected = sum(float(r["2032"]) for r in rows
                   if r["AGE_GROUP"] == "90 and over" or (r["AGE_GROUP"].isdigit() and int(r["AGE_GROUP"]) >= 65))
    assert expected == pytest.approx(28180.001, abs=0.001)

    bands = op.age_band_population(op.load_snpp(realdata / SNPP).data, "E06000005", 2032, bands={"65+": (65, None)})
    assert bands.set_index("band").loc["65+", "population"] == pytest.approx(expected)


def test_darlington_projection_from_2022(realdata: Path) -> None:
    rows = {r["AGE_GROUP"]: r for r in csv_rows(realdata / SNPP) if r["AREA_CODE"] == "E06000005"}
    over_85 = {y: sum(float(r[y]) for g, r in rows.items() if g == "90 and over" or (g.isdigit() and int(g) >= 85))
               for y in ("2022", "2027", "2032")}

    proj = op.projection(op.load_snpp(realdata / SNPP).data, "E06000005", 2022, bands={"85+": (85, None)})
    got = proj.set_index("horizon")
    assert list(got["year"]) == [2022, 2027, 2032]
    assert got.loc[10, "population"] == pytest.approx(over_85["2032"])
    assert got.loc[10, "change_pct"] == pytest.approx(100 * (over_85["2032"] / over_85["2022"] - 1))
    assert got.loc[0, "change"] == 0


def test_darlington_extract_warns_that_single_ages_do_not_add_up(realdata: Path) -> None:
    table = op.load_snpp(realdata / SNPP)
    messages = [w.message for w in table.log.warnings]
    assert len(messages) == 1  # County Durham adds up; the Darlington extract holds only ages 65+
    assert "Darlington (E06000005, persons)" in messages[0] and "109,413" in messages[0]


def test_darlington_working_age_band_is_refused_when_ages_are_missing(realdata: Path) -> None:
    pop = op.load_snpp(realdata / SNPP).data
    with pytest.raises(InputError) as err:
        op.age_band_population(pop, "E06000005", 2032, bands={"18-64": (18, 64)})
    assert "band '18-64'" in str(err.value) and "47 age(s) missing (18–64)" in str(err.value)


def test_mid_year_lincolnshire_all_ages_and_75_plus(realdata: Path) -> None:
    rows = [r for r in csv_rows(realdata / MID_YEAR)
            if r["GEOGRAPHY_CODE"] == "E10000019" and r["GENDER_NAME"] == "Total"]
    all_ages = int(next(r["OBS_VALUE"] for r in rows if r["C_AGE_NAME"] == "All Ages"))
    over_75 = sum(int(r["OBS_VALUE"]) for r in rows
                  if r["C_AGE_NAME"] == "Aged 90+" or (r["C_AGE_NAME"].startswith("Age ")
                                                        and int(r["C_AGE_NAME"][4:]) >= 75))
    assert all_ages == 789502

    table = op.load_mid_year(realdata / MID_YEAR)
    pop = table.data
    lincs = pop[(pop["area_code"] == "E10000019") & (pop["sex"] == "persons") & (pop["year"] == 2024)]
    assert lincs.loc[lincs["age_group"] == "All ages", "population"].item() == all_ages
    bands = op.age_band_population(pop, "E10000019", 2024).set_index("band")
    assert bands.loc["75+", "population"] == over_75 == 96070
    assert table.vintage == "mid-2024 estimates"
    assert len(table.log) == 0  # every area's single ages add up in the real file


def test_mid_year_keeps_every_sex_and_area(realdata: Path) -> None:
    pop = op.load_mid_year(realdata / MID_YEAR).data
    assert len(pop) == len(csv_rows(realdata / MID_YEAR)) == 2208
    assert pop["sex"].value_counts().to_dict() == {"persons": 736, "male": 736, "female": 736}
    assert pop["area_code"].nunique() == 8


def test_cache_returns_the_same_frame(tmp_path: Path, realdata: Path) -> None:
    first = op.load_snpp(realdata / SNPP, cache_dir=tmp_path).data
    assert len(list(tmp_path.glob("ons_snpp-v*.parquet"))) == 1
    again = op.load_snpp(realdata / SNPP, cache_dir=tmp_path).data
    pd.testing.assert_frame_equal(first.reset_index(drop=True), again.reset_index(drop=True), check_dtype=False)


# --- pure functions on hand-made frames ------------------------------------------------------

def hand_frame() -> pd.DataFrame:
    """Ages 0..3 and 4+ for one area and two years, population = age + 10 × (year - 2030)."""
    rows = []
    for year in (2030, 2035):
        for age in range(5):
            rows.append({"area_code": "E06000001", "area_name": "Hartlepool", "sex": "persons",
                         "age_group": f"{age}+" if age == 4 else str(age), "age": age, "year": year,
                         "population": float(age + (year - 2030) * 10), "_row": 0})
    frame = pd.DataFrame(rows)
    frame["age"] = frame["age"].astype("Int64")
    return frame


def test_age_band_population_on_a_hand_computed_table() -> None:
    bands = op.age_band_population(hand_frame(), "E06000001", 2035, bands={"1-2": (1, 2), "3+": (3, None)})
    assert bands.set_index("band")["population"].to_dict() == {"1-2": 103.0, "3+": 107.0}


def test_projection_on_a_hand_computed_table() -> None:
    proj = op.projection(hand_frame(), "E06000001", 2030, horizons=(5,), bands={"3+": (3, None)})
    assert proj[["horizon", "population", "change"]].values.tolist() == [[0, 7.0, 0.0], [5, 107.0, 100.0]]
    assert proj["change_pct"].tolist() == pytest.approx([0.0, 100 * 100 / 7])


def test_band_ending_inside_the_open_top_group_is_refused() -> None:
    with pytest.raises(ValueError, match="band '2-5'"):
        op.age_band_population(hand_frame(), "E06000001", 2030, bands={"2-5": (2, 5)})


def test_unknown_area_and_missing_year_are_named() -> None:
    with pytest.raises(InputError, match="'E06000099'"):
        op.age_band_population(hand_frame(), "E06000099", 2030)
    with pytest.raises(InputError, match="in 2040; years available: 2030–2035"):
        op.projection(hand_frame(), "E06000001", 2030, bands={"3+": (3, None)})


# --- broken SNPP files -----------------------------------------------------------------------

def test_small_snpp_file_loads_in_the_tidy_shape(tmp_path: Path) -> None:
    table = op.load_snpp(write(tmp_path, "snpp.csv", snpp_lines()))
    assert list(table.data.columns) == op.TIDY_COLUMNS
    assert len(table.data) == 5 * 2 and len(table.log) == 0
    assert table.data.loc[table.data["age_group"] == "All ages", "age"].isna().all()


def test_snpp_renamed_column_names_expected_and_closest(tmp_path: Path) -> None:
    lines = snpp_lines()
    lines[0] = lines[0].replace('"AGE_GROUP"', '"AGE GROUP"')
    with pytest.raises(InputError) as err:
        op.load_snpp(write(tmp_path, "renamed.csv", lines))
    msg = str(err.value)
    assert "renamed.csv" in msg and "expected column 'AGE_GROUP'" in msg and "closest found: 'AGE GROUP'" in msg


def test_snpp_missing_column(tmp_path: Path) -> None:
    lines = [line.split(",", 1)[0] + "," + ",".join(line.split(",")[2:]) for line in snpp_lines()]  # drop AREA_NAME
    with pytest.raises(InputError, match="expected column 'AREA_NAME' not found in the header \\(row 1\\)"):
        op.load_snpp(write(tmp_path, "missing.csv", lines))


def test_snpp_shifted_header_still_loads_with_true_row_numbers(tmp_path: Path) -> None:
    lines = ["Population projections for local authorities", "Source: ONS", ""] + snpp_lines()
    pop = op.load_snpp(write(tmp_path, "shifted.csv", lines)).data
    assert pop["_row"].min() == 5
    assert pop.loc[(pop["age_group"] == "All ages") & (pop["year"] == 2023), "population"].item() == 39.0


def test_snpp_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="empty.csv: the file is empty"):
        op.load_snpp(path)


def test_snpp_header_only_has_no_data_rows(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no data rows under the header \\(row 1\\)"):
        op.load_snpp(write(tmp_path, "header.csv", [SNPP_HEADER]))


def test_snpp_non_numeric_value_names_row_and_year_column(tmp_path: Path) -> None:
    lines = snpp_lines()
    lines[2] = lines[2].replace("11.000", "eleven")
    with pytest.raises(InputError) as err:
        op.load_snpp(write(tmp_path, "text.csv", lines))
    assert err.value.row == 3 and err.value.column == "2023"
    assert "text.csv, row 3, column '2023': expected a number, found 'eleven'" in str(err.value)


def test_snpp_negative_population(tmp_path: Path) -> None:
    lines = snpp_lines()
    lines[3] = lines[3].replace("10.000", "-10.000")
    with pytest.raises(InputError) as err:
        op.load_snpp(write(tmp_path, "negative.csv", lines))
    assert (err.value.row, err.value.column) == (4, "2022") and "at least 0, found '-10.000'" in str(err.value)


def test_snpp_suppressed_population_is_an_error(tmp_path: Path) -> None:
    lines = snpp_lines()
    lines[1] = lines[1].replace("10.000", ":")
    with pytest.raises(InputError) as err:
        op.load_snpp(write(tmp_path, "marker.csv", lines))
    assert "row 2, column '2022': expected a population count, found ':' (suppressed)" in str(err.value)


def test_snpp_duplicate_row(tmp_path: Path) -> None:
    lines = snpp_lines()
    lines.insert(3, lines[2])
    with pytest.raises(InputError) as err:
        op.load_snpp(write(tmp_path, "dup.csv", lines))
    assert "duplicate ID 'E06000001 / persons / 1' on rows 3, 4" in str(err.value)


def test_snpp_unknown_area_code(tmp_path: Path) -> None:
    lines = snpp_lines()
    lines[2] = lines[2].replace("E06000001", "Hartlepool UA")
    with pytest.raises(InputError) as err:
        op.load_snpp(write(tmp_path, "code.csv", lines))
    assert (err.value.row, err.value.column) == (3, "AREA_CODE")
    assert "found 'Hartlepool UA'" in str(err.value)


def test_snpp_year_column_out_of_range(tmp_path: Path) -> None:
    lines = snpp_lines()
    lines[0] = lines[0].replace('"2023"', '"1823"')
    with pytest.raises(InputError) as err:
        op.load_snpp(write(tmp_path, "year.csv", lines))
    assert err.value.column == "1823" and "year 1823 is outside the expected range 1971–2100" in str(err.value)


def test_snpp_without_year_columns(tmp_path: Path) -> None:
    lines = [line.rsplit(",", 2)[0] for line in snpp_lines()]
    with pytest.raises(InputError, match="no year columns"):
        op.load_snpp(write(tmp_path, "noyears.csv", lines))


def test_snpp_unknown_age_label(tmp_path: Path) -> None:
    lines = snpp_lines()
    lines[1] = lines[1].replace(",0,", ",zero,")
    with pytest.raises(InputError) as err:
        op.load_snpp(write(tmp_path, "age.csv", lines))
    assert (err.value.row, err.value.column) == (2, "AGE_GROUP") and "found 'zero'" in str(err.value)


def test_snpp_single_ages_off_by_more_than_half_a_percent_is_a_warning(tmp_path: Path) -> None:
    lines = snpp_lines()
    lines[-1] = lines[-1].replace("35.000", "36.000")  # singles 35 vs All ages 36 in 2022 (2.8% apart)
    table = op.load_snpp(write(tmp_path, "sum.csv", lines))
    assert len(table.log) == 1
    warning = table.log.warnings[0]
    assert warning.row == 6 and warning.column == "AGE_GROUP" and "2022 (2.8% apart; 1 year(s)" in warning.message


# --- broken mid-year files -------------------------------------------------------------------

def mid_lines() -> list[str]:
    """A tiny Nomis extract: ages 0, 1 and 90+ adding up to All Ages, persons and males."""
    rows = [MID_HEADER]
    for sex, scale in (("Total", 2), ("Male", 1)):
        rows += [f'"Hartlepool","E06000001","2024","{sex}","All Ages",{6 * scale}',
                 f'"Hartlepool","E06000001","2024","{sex}","Age 0",{1 * scale}',
                 f'"Hartlepool","E06000001","2024","{sex}","Age 1",{2 * scale}',
                 f'"Hartlepool","E06000001","2024","{sex}","Aged 90+",{3 * scale}']
    return rows


def test_mid_year_small_file(tmp_path: Path) -> None:
    pop = op.load_mid_year(write(tmp_path, "mye.csv", mid_lines())).data
    persons = pop[pop["sex"] == "persons"].set_index("age_group")
    assert persons["population"].to_dict() == {"All ages": 12.0, "0": 2.0, "1": 4.0, "90+": 6.0}
    assert persons.loc["90+", "age"] == 90


def test_mid_year_keeps_only_value_rows_of_measures(tmp_path: Path) -> None:
    lines = [line + (',"MEASURES_NAME"' if i == 0 else ',"Value"') for i, line in enumerate(mid_lines())]
    lines.append('"Hartlepool","E06000001","2024","Total","Age 0",16.7,"Percent"')
    pop = op.load_mid_year(write(tmp_path, "measures.csv", lines)).data
    assert len(pop) == 8 and 16.7 not in pop["population"].tolist()


def test_mid_year_renamed_value_column(tmp_path: Path) -> None:
    lines = mid_lines()
    lines[0] = lines[0].replace("OBS_VALUE", "OBS VALUE")
    with pytest.raises(InputError) as err:
        op.load_mid_year(write(tmp_path, "mye.csv", lines))
    assert "expected column 'OBS_VALUE'" in str(err.value) and "closest found: 'OBS VALUE'" in str(err.value)


def test_mid_year_year_out_of_range(tmp_path: Path) -> None:
    lines = mid_lines()
    lines[3] = lines[3].replace('"2024"', '"2224"')
    with pytest.raises(InputError) as err:
        op.load_mid_year(write(tmp_path, "mye.csv", lines))
    assert (err.value.row, err.value.column) == (4, "DATE_NAME") and "year 2224 is outside" in str(err.value)


def test_mid_year_date_that_is_not_a_year(tmp_path: Path) -> None:
    lines = mid_lines()
    lines[2] = lines[2].replace('"2024"', '"mid-year"')
    with pytest.raises(InputError, match="row 3, column 'DATE_NAME': expected a year like '2024', found 'mid-year'"):
        op.load_mid_year(write(tmp_path, "mye.csv", lines))


def test_mid_year_unknown_sex(tmp_path: Path) -> None:
    lines = mid_lines()
    lines[5] = lines[5].replace('"Male"', '"Unknown"')
    with pytest.raises(InputError, match="row 6, column 'GENDER_NAME': expected persons/Total"):
        op.load_mid_year(write(tmp_path, "mye.csv", lines))


def test_mid_year_duplicate_row(tmp_path: Path) -> None:
    lines = mid_lines() + [mid_lines()[2]]
    with pytest.raises(InputError, match="duplicate ID 'E06000001 / persons / 0 / 2024' on rows 3, 10"):
        op.load_mid_year(write(tmp_path, "mye.csv", lines))


def test_mid_year_negative_value(tmp_path: Path) -> None:
    lines = mid_lines()
    lines[4] = lines[4].rsplit(",", 1)[0] + ",-6"
    with pytest.raises(InputError) as err:
        op.load_mid_year(write(tmp_path, "mye.csv", lines))
    assert (err.value.row, err.value.column) == (5, "OBS_VALUE")


def test_mid_year_unknown_area_code(tmp_path: Path) -> None:
    lines = mid_lines()
    lines[1] = lines[1].replace("E06000001", "2013265921")  # a Nomis internal geography id
    with pytest.raises(InputError) as err:
        op.load_mid_year(write(tmp_path, "mye.csv", lines))
    assert (err.value.row, err.value.column) == (2, "GEOGRAPHY_CODE") and "'2013265921'" in str(err.value)


# --- upper-tier councils, regions and England summed from their parts ---------------------------

def tidy(areas: dict[str, float], years: tuple[int, ...] = (2026,)) -> pd.DataFrame:
    """A tidy persons frame: per area, ages 0 … 89 and 90+ each worth `value` (+ the year offset), and All ages."""
    rows = []
    for code, value in areas.items():
        for year in years:
            v = value + (year - years[0])
            rows += [{"area_code": code, "area_name": code, "sex": "persons", "age_group": str(a), "age": a,
                      "year": year, "population": v, "_row": 1} for a in range(90)]
            rows += [{"area_code": code, "area_name": code, "sex": "persons", "age_group": "90+", "age": 90,
                      "year": year, "population": v, "_row": 1},
                     {"area_code": code, "area_name": code, "sex": "persons", "age_group": "All ages", "age": None,
                      "year": year, "population": 91 * v, "_row": 1}]
    out = pd.DataFrame(rows)
    out["age"] = out["age"].astype("Int64")
    return out[op.TIDY_COLUMNS]


def all_ages(pop: pd.DataFrame, code: str, year: int = 2026) -> float:
    rows = pop[(pop["area_code"] == code) & (pop["year"] == year) & (pop["age_group"] == "All ages")]
    assert len(rows) == 1, f"{code}: {len(rows)} All ages rows"
    return float(rows["population"].iloc[0])


def test_lookup_maps_every_district_to_a_current_council() -> None:
    from helpers.councils import councils
    lookup = op.district_to_council()
    codes = set(councils()["code"])
    assert set(lookup["council_code"]) == codes  # every council, and only current codes
    assert lookup["district_code"].is_unique and lookup["district_code"].str.startswith("E").all()
    by_district = lookup.set_index("district_code")["council_code"]
    assert {by_district[d] for d in ("E07000026", "E07000028", "E07000029")} == {"E06000063"}  # Cumberland
    assert {by_district[d] for d in ("E07000027", "E07000030", "E07000031")} == {"E06000064"}  # Westmorland and F.
    assert set(lookup.loc[lookup["district_code"].isin(["E07000163", "E07000169"]), "council_code"]) == {"E06000065"}
    assert set(lookup.loc[lookup["district_code"].isin(["E07000187", "E07000246"]), "council_code"]) == {"E06000066"}
    assert not lookup["council_code"].isin(["E10000006", "E10000023", "E10000027"]).any()


def test_districts_only_covering_england_gives_every_council_region_and_england() -> None:
    from helpers.councils import councils
    districts = op.district_to_council()["district_code"].tolist()
    values = {d: float(i + 1) for i, d in enumerate(districts)}
    pop, log = op.add_upper_tiers(tidy(values), file="snpp.csv")
    table = councils()
    lookup = op.district_to_council()
    for code in table["code"]:
        expected = 91 * sum(values[d] for d in lookup.loc[lookup["council_code"] == code, "district_code"])
        assert all_ages(pop, code) == pytest.approx(expected), code
    for region in table["region_code"].unique():
        members = table.loc[table["region_code"] == region, "code"]
        assert all_ages(pop, region) == pytest.approx(sum(all_ages(pop, c) for c in members))
    assert all_ages(pop, "E92000001") == pytest.approx(91 * sum(values.values()))
    assert pop.loc[pop["area_code"] == "E10000008", "area_name"].iloc[0] == "Devon"
    messages = [w.message for w in log.warnings]
    assert len(messages) == 3
    assert messages[0].startswith("Population for 25 upper-tier councils (") and "Devon" in messages[0]
    assert "Cumberland" in messages[0] and "North Yorkshire" in messages[0] and "Somerset" in messages[0]
    assert "summed from their districts (ONS LTLA→UTLA lookup, December 2022)" in messages[0]
    assert messages[1].startswith("Population for 9 regions (")
    assert messages[2].startswith("Population for England summed from its regions")


def test_hand_made_districts_only_frame_sums_devon_by_age_and_year() -> None:
    lookup = op.district_to_council()
    devon = lookup.loc[lookup["council_code"] == "E10000008", "district_code"].tolist()
    assert len(devon) == 8
    frame = tidy({d: float(i + 1) for i, d in enumerate(devon)} | {"E06000026": 100.0}, years=(2026, 2031))
    pop, log = op.add_upper_tiers(frame)
    assert all_ages(pop, "E10000008") == 91 * 36.0
    assert all_ages(pop, "E10000008", 2031) == 91 * (36.0 + 8 * 5)
    assert all_ages(pop, "E06000026") == 91 * 100.0  # Plymouth: its own row, unchanged
    bands = op.age_band_population(pop, "E10000008", 2026)
    assert bands.set_index("band")["population"]["65+"] == 36.0 * 26
    assert len(log) == 1 and "1 upper-tier councils (Devon)" in log.warnings[0].message
    assert (pop.loc[pop["area_code"] == "E10000008", "_row"] == 0).all()


def test_rows_in_the_file_win_and_nothing_is_counted_twice() -> None:
    lookup = op.district_to_council()
    devon = lookup.loc[lookup["council_code"] == "E10000008", "district_code"].tolist()
    frame = tidy({d: 1.0 for d in devon} | {"E10000008": 50.0})
    pop, log = op.add_upper_tiers(frame)
    assert all_ages(pop, "E10000008") == 91 * 50.0
    assert len(pop) == len(frame) and len(log) == 0


def test_county_with_some_districts_missing_is_not_summed_but_warned() -> None:
    lookup = op.district_to_council()
    devon = lookup.loc[lookup["council_code"] == "E10000008", "district_code"].tolist()
    pop, log = op.add_upper_tiers(tidy({d: 1.0 for d in devon[:5]}), file="x.csv")
    assert "E10000008" not in set(pop["area_code"])
    assert len(log) == 1 and "Devon (E10000008)" in log.warnings[0].message
    assert "3 of 8 have no rows" in log.warnings[0].message


def test_load_snpp_sums_a_county_from_a_districts_only_file_and_says_so(tmp_path: Path) -> None:
    lookup = op.district_to_council()
    lincs = lookup.loc[lookup["council_code"] == "E10000019", ["district_code", "district_name"]]
    rows = [SNPP_HEADER]
    for i, (code, name) in enumerate(lincs.itertuples(index=False)):
        rows += [f"{code},{name},Population,persons,{a},{i + 1}.000,{i + 2}.500" for a in range(90)]
        rows += [f"{code},{name},Population,persons,90 and over,1.000,1.000",
                 f"{code},{name},Population,persons,All ages,{90 * (i + 1) + 1:.3f},{90 * (i + 2.5) + 1:.3f}"]
    table = op.load_snpp(write(tmp_path, "2022 SNPP Population persons.csv", rows))
    assert all_ages(table.data, "E10000019", 2022) == sum(90 * (i + 1) + 1 for i in range(len(lincs)))
    assert [w.message.split(":")[0] for w in table.log.warnings] == [
        "Population for 1 upper-tier councils (Lincolnshire) summed from their districts "
        "(ONS LTLA→UTLA lookup, December 2022)"]


def test_real_extract_of_unitaries_gets_no_summed_rows(realdata: Path) -> None:
    table = op.load_snpp(realdata / SNPP)
    assert set(table.data["area_code"]) == {"E06000047", "E06000005"}
    assert not any("summed" in w.message for w in table.log.warnings)


def test_bundled_lookup_is_the_real_ons_lookup(realdata: Path) -> None:
    from importlib import resources
    bundled = resources.files("helpers.reference").joinpath(op.LOOKUP_FILE).read_bytes()
    real = (realdata / "ons_la_codes" / "Lower_Tier_Local_Authority_to_Upper_Tier_Local_Authority_"
            "(December_2022)_Lookup_in_England_and_Wales.csv").read_bytes()
    assert bundled == real
