"""ASC-FR loader: the real 2015-16 and 2016-17 files, the current descriptions layout and broken copies."""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from helpers.errors import InputError
from helpers.load import ascfr

ACTIVITY = "CSV ASCFR Activity (2016-17).csv"
ADDITIONAL = "CSV ASCFR Additional (2016-17).csv"
TOTALS = "CSV ASCFR Totals (2016-17).csv"
ACT_2015_16 = "pss-exp-eng-15-16-fin-act.csv"

DESCRIPTIONS_HEADER = ("GEOGRAPHY_LEVEL,DATA_LEVEL,UUID,FY_ENDING,CASSR,GEOGRAPHY_CODE,DH_GEOGRAPHY_NAME,"
                       "REGION_GO_CODE,GEOGRAPHY_NAME,DimensionGroup,CareType,FinanceType,FinanceDescription,AgeBand,"
                       "PrimarySupportReason,SupportSetting,Purpose,CarerSupportType,DataType,ActivityProvision,"
                       "ComparativeTotals,DataSource,ValueType,ITEMVALUE")
ACTIVITY_HEADER = ("UUID,FY_Ending,CASSR_CODE,GEOGRAPHY_CODE,REGION_GO_CODE,DataType_KEY,AgeBand_KEY,"
                   "PrimarySupportReason_KEY,CareType_KEY,SupportSetting_KEY,Purpose_KEY,ActivityProvision_KEY,"
                   "ItemValue")


def csv_rows(path: Path) -> list[dict[str, str]]:
    """The file's rows as dicts, read with the csv module (independently of the loader)."""
    with path.open(newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def write(tmp_path: Path, name: str, lines: list[str]) -> Path:
    """Write a small CSV from lines."""
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def descriptions_lines() -> list[str]:
    """A few rows in the current 'ASC-FR Data File (descriptions)' layout."""
    # As published: a council row's DH_GEOGRAPHY_NAME is the council, its GEOGRAPHY_NAME the region.
    lincs = "Council,Detailed,{uuid},2023,925,E10000019,Lincolnshire,E12000004,East Midlands"
    return [
        DESCRIPTIONS_HEADER,
        lincs.format(uuid="1001") + ",Activity,Long Term Support,,,65 and Over,Physical Support,Residential,,,"
                                    "Clients,External,,ASC-FR,,1200",
        lincs.format(uuid="1002") + ",Activity,Long Term Support,,,65 and Over,Mental Health Support,Residential,,,"
                                    "Clients,External,,ASC-FR,,:",
        lincs.format(uuid="1003") + ",Activity,Long Term Support,,,18 to 64,Physical Support,Nursing,,,"
                                    "Clients,In House,,ASC-FR,,40",
        lincs.format(uuid="1004") + ",Unit Costs,Long Term Support,,,65 and Over,,Residential,,,"
                                    "Clients,,,ASC-FR,UNIT COST,850.5",
        lincs.format(uuid="1005") + ",Expenditure,Long Term Support,Income,Client contributions,65 and Over,,"
                                    "Residential,,,,,,ASC-FR,,-2500",
        "Region,Detailed,1001,2023,,E12000004,,E12000004,East Midlands,Activity,Long Term Support,,,65 and Over,"
        "Physical Support,Residential,,,Clients,External,,ASC-FR,,5000",
    ]


def activity_lines() -> list[str]:
    """A few rows in the 2016-17 coded Activity layout (two councils, one region, England)."""
    return [
        ACTIVITY_HEADER,
        "8610101,2017,102,E10000006,E12000002,1,1,6,2,7,,3,295.86",
        "8610101,2017,104,E06000057,E12000001,1,1,6,2,7,,3,0",
        "8610102,2017,102,E10000006,E12000002,1,1,6,2,7,,2,:",
        "8610101,2017,,,E12000001,1,1,6,2,7,,3,12.5",
        "8610101,2017,,,E92000001,1,1,6,2,7,,3,2288.728571",
    ]


# --- real files -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def real(realdata: Path) -> Path:
    """The folder of the real ASC-FR files (2015-16 and 2016-17)."""
    return realdata / "ascfr"


def test_activity_2016_17_has_151_councils_plus_regions_and_england(real: Path) -> None:
    rows = csv_rows(real / ACTIVITY)
    cassrs = {r["CASSR_CODE"] for r in rows if r["CASSR_CODE"]}
    assert len(cassrs) == 151

    table = ascfr.load(real / ACTIVITY)
    data = table.data
    assert len(data) == len(rows) == 20125
    assert data.loc[data["cassr_code"] != "", "cassr_code"].nunique() == 151
    assert data.groupby("geography_level")["geography_code"].nunique().to_dict() == {
        "CASSR": 151, "Region": 9, "England": 1}
    assert table.vintage == "2016-17" and set(data["fy_ending"]) == {2017}


def test_activity_2016_17_one_item_value_and_codes_kept(real: Path) -> None:
    expected = next(float(r["ItemValue"]) for r in csv_rows(real / ACTIVITY)
                    if r["UUID"] == "8610101" and r["GEOGRAPHY_CODE"] == "E10000006")
    assert expected == 295.86

    data = ascfr.load(real / ACTIVITY).data
    row = data[(data["uuid"] == "8610101") & (data["geography_code"] == "E10000006")].iloc[0]
    assert row["value"] == expected
    assert (row["cassr_code"], row["region_code"], row["care_type"], row["support_setting"],
            row["activity_provision"]) == ("102", "E12000002", "2", "7", "3")
    england = data[(data["uuid"] == "8610101") & (data["geography_level"] == "England")]
    assert england["value"].item() == pytest.approx(2288.728571) and england["geography_code"].item() == "E92000001"


def test_activity_2016_17_colon_becomes_nan_with_a_reason(real: Path) -> None:
    colons = [i + 2 for i, r in enumerate(csv_rows(real / ACTIVITY)) if r["ItemValue"] == ":"]
    assert len(colons) == 8453

    data = ascfr.load(real / ACTIVITY).data
    suppressed = data[data["marker_reason"] == "suppressed"]
    assert sorted(suppressed["_row"]) == colons
    assert suppressed["value"].isna().all()
    assert data.loc[data["marker_reason"].isna(), "value"].notna().all()


def test_additional_2016_17_keeps_negative_finance_values(real: Path) -> None:
    expected = next(float(r["ItemValue"]) for r in csv_rows(real / ADDITIONAL)
                    if r["UUID"] == "8326110" and r["GEOGRAPHY_CODE"] == "E09000010")
    data = ascfr.load(real / ADDITIONAL).data
    got = data[(data["uuid"] == "8326110") & (data["geography_code"] == "E09000010")]["value"].item()
    assert got == expected == -455
    assert {"finance_type", "comparative_totals", "data_source"} <= set(data.columns)
    assert "support_setting" not in data.columns


def test_totals_2016_17_row_count_and_one_value(real: Path) -> None:
    rows = csv_rows(real / TOTALS)
    assert len(rows) == 41699
    first = rows[0]

    data = ascfr.load(real / TOTALS).data
    assert len(data) == 6 * len(rows) and data["_row"].nunique() == len(rows)
    assert set(data["measure"]) == set(ascfr.MEASURES)
    cell = data[(data["_row"] == 2) & (data["measure"] == "total_expenditure")]
    assert cell["value"].item() == float(first["TOTALEXPENDITURE"]) == 12930.31183
    assert cell["geography_code"].item() == first["GEOGRAPHY_CODE"] == "E10000006"
    assert (data.loc[data["measure"] == "total_income", "value"] < 0).any()


def test_activity_2015_16_layout_year_blanks_and_unmatched_councils(real: Path) -> None:
    rows = csv_rows(real / ACT_2015_16)
    blanks = sum(1 for r in rows if r["Value"] == "")
    assert blanks == 8170

    table = ascfr.load(real / ACT_2015_16)
    data = table.data
    assert len(data) == len(rows) == 19000
    assert set(data["fy_ending"]) == {2016} and table.vintage == "2015-16"
    assert (data["marker_reason"] == "missing").sum() == blanks
    assert data.loc[data["cassr_code"] == "912", "geography_code"].unique().tolist() == ["E10000008"]  # Devon
    warned = sorted(w.message.split("'")[1] for w in table.log.warnings)
    assert warned == ["Cumbria", "Northamptonshire", "Poole"]  # councils since reorganised


def test_2015_16_long_term_values_are_the_files(real: Path) -> None:
    expected = sum(float(r["Value"]) for r in csv_rows(real / ACT_2015_16)
                   if r["Council Code"] == "912" and r["Care Type"] == "Long term"
                   and r["Long Term Support Setting"] == "Residential" and r["Age Bands"] == "Age 18 to 64")
    data = ascfr.load(real / ACT_2015_16).data
    devon = data[(data["geography_code"] == "E10000008") & (data["care_type"] == "Long term")
                 & (data["support_setting"] == "Residential")]
    assert devon.loc[devon["age_band"] == "Age 18 to 64", "value"].sum() == pytest.approx(expected)
    assert expected == pytest.approx(24479.01)
    voluntary = devon[devon["age_band"] == "Age 65 to 74"]  # a voluntary sub-band, all blank
    assert len(voluntary) == 10 and voluntary["value"].isna().all()


# --- the current descriptions layout and the _Key variant ------------------------------------

def test_descriptions_layout_loads_with_descriptions(tmp_path: Path) -> None:
    data = ascfr.load(write(tmp_path, "ASC-FR Data File (descriptions) v2_2023.csv", descriptions_lines())).data
    assert len(data) == 6
    first = data.iloc[0]
    assert (first["fy_ending"], first["geography_code"], first["cassr_code"], first["geography_name"],
            first["age_band"], first["support_setting"], first["value"]) == (
        2023, "E10000019", "925", "Lincolnshire", "65 and Over", "Residential", 1200.0)
    assert data.loc[1, "marker_reason"] == "suppressed" and np.isnan(data.loc[1, "value"])
    assert data.loc[4, "value"] == -2500  # income may be negative in a file with finance rows
    assert data.loc[5, "geography_level"] == "Region"
    assert set(ascfr.DIMENSIONS) <= set(data.columns)


def test_key_suffixed_headers_map_to_the_same_names(tmp_path: Path) -> None:
    lines = descriptions_lines()
    for dim in ("CareType", "AgeBand", "SupportSetting", "DataType"):
        lines[0] = lines[0].replace(f",{dim},", f",{dim}_Key,")
    data = ascfr.load(write(tmp_path, "ASC-FR Data File (descriptions) v2_2019.csv", lines)).data
    assert data.loc[0, "age_band"] == "65 and Over" and data.loc[0, "care_type"] == "Long Term Support"


def test_small_coded_activity_file(tmp_path: Path) -> None:
    data = ascfr.load(write(tmp_path, "act.csv", activity_lines())).data
    assert data["geography_level"].tolist() == ["CASSR", "CASSR", "CASSR", "Region", "England"]
    assert data["geography_code"].tolist() == ["E10000006", "E06000057", "E10000006", "E12000001", "E92000001"]
    assert data["marker_reason"].tolist()[2] == "suppressed"


def test_cache_is_reused(tmp_path: Path) -> None:
    path = write(tmp_path, "act.csv", activity_lines())
    first = ascfr.load(path, cache_dir=tmp_path / "cache").data
    assert len(list((tmp_path / "cache").glob("ascfr-v*.parquet"))) == 1
    again = ascfr.load(path, cache_dir=tmp_path / "cache").data
    assert again["value"].tolist()[:2] == first["value"].tolist()[:2] == [295.86, 0.0]


# --- broken files ----------------------------------------------------------------------------

def test_renamed_value_column_names_expected_and_closest(tmp_path: Path) -> None:
    lines = descriptions_lines()
    lines[0] = lines[0].replace("ITEMVALUE", "ITEM_VALUE")
    with pytest.raises(InputError) as err:
        ascfr.load(write(tmp_path, "renamed.csv", lines))
    msg = str(err.value)
    assert "renamed.csv" in msg and "expected column 'ITEMVALUE'" in msg and "closest found: 'ITEM_VALUE'" in msg


def test_missing_region_column(tmp_path: Path) -> None:
    lines = [",".join(c for i, c in enumerate(line.split(",")) if i != 4) for line in activity_lines()]
    with pytest.raises(InputError) as err:
        ascfr.load(write(tmp_path, "act.csv", lines))
    assert "act.csv" in str(err.value) and "expected column 'REGION_GO_CODE' not found in the header" in str(err.value)


def test_shifted_header_still_loads(tmp_path: Path) -> None:
    lines = ["Adult Social Care Activity and Finance Report, England 2016-17", "", "Data file"] + activity_lines()
    data = ascfr.load(write(tmp_path, "shifted.csv", lines)).data
    assert data["_row"].tolist() == [5, 6, 7, 8, 9] and data.loc[0, "value"] == 295.86


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="empty.csv: the file is empty"):
        ascfr.load(path)


def test_no_known_header(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no cell 'GEOGRAPHY_CODE' or 'Council Code' in the first 50 rows"):
        ascfr.load(write(tmp_path, "other.csv", ["a,b,c", "1,2,3"]))


def test_non_numeric_value_names_row_and_published_column(tmp_path: Path) -> None:
    lines = activity_lines()
    lines[2] = lines[2].rsplit(",", 1)[0] + ",n/a"
    with pytest.raises(InputError) as err:
        ascfr.load(write(tmp_path, "act.csv", lines))
    assert (err.value.row, err.value.column) == (3, "ItemValue") and "found 'n/a'" in str(err.value)


def test_negative_value_in_an_activity_file(tmp_path: Path) -> None:
    lines = activity_lines()
    lines[1] = lines[1].rsplit(",", 1)[0] + ",-3"
    with pytest.raises(InputError) as err:
        ascfr.load(write(tmp_path, "act.csv", lines))
    assert (err.value.row, err.value.column) == (2, "ItemValue") and "at least 0, found '-3'" in str(err.value)


def test_duplicate_row(tmp_path: Path) -> None:
    lines = activity_lines()
    lines.insert(2, lines[1])
    with pytest.raises(InputError) as err:
        ascfr.load(write(tmp_path, "dup.csv", lines))
    assert "duplicate ID '2017 / 102 / E10000006 / 8610101 /" in str(err.value) and "on rows 2, 3" in str(err.value)


def test_unknown_geography_code(tmp_path: Path) -> None:
    lines = activity_lines()
    lines[2] = lines[2].replace("E06000057", "Northumberland")
    with pytest.raises(InputError) as err:
        ascfr.load(write(tmp_path, "act.csv", lines))
    assert (err.value.row, err.value.column) == (3, "GEOGRAPHY_CODE") and "found 'Northumberland'" in str(err.value)


def test_row_with_no_geography_at_all(tmp_path: Path) -> None:
    lines = activity_lines()
    lines[4] = lines[4].replace("E12000001", "")
    with pytest.raises(InputError, match="row 5: no GEOGRAPHY_CODE and no REGION_GO_CODE"):
        ascfr.load(write(tmp_path, "act.csv", lines))


def test_financial_year_out_of_range(tmp_path: Path) -> None:
    lines = activity_lines()
    lines[3] = lines[3].replace(",2017,", ",1917,")
    with pytest.raises(InputError) as err:
        ascfr.load(write(tmp_path, "act.csv", lines))
    assert (err.value.row, err.value.column) == (4, "FY_Ending") and "found '1917'" in str(err.value)


def test_2015_16_layout_needs_the_year_in_the_file_name(tmp_path: Path) -> None:
    lines = ["UUID,Council Code,Council Name,Care Type,Activity Provision,Age Bands,Primary support reason,"
             "Long Term Support Setting,Short Term Purpose,Data Type,Value,Notes",
             "8610101,912,Devon,Long term,In house,Age 18 to 64,Physical support,Residential,-,Mandatory,5,"]
    data = ascfr.load(write(tmp_path, "pss-exp-eng-15-16-fin-act.csv", lines)).data
    assert (data.loc[0, "fy_ending"], data.loc[0, "geography_code"], data.loc[0, "region_code"]) == (
        2016, "E10000008", "E12000009")
    with pytest.raises(InputError, match="nameless.csv: cannot tell the financial year"):
        ascfr.load(write(tmp_path, "nameless.csv", lines))


# --- council names: DH_GEOGRAPHY_NAME, not the region's GEOGRAPHY_NAME (issue 18) ---------------

def test_council_row_is_named_after_the_council_and_region_row_after_the_region(tmp_path: Path) -> None:
    data = ascfr.load(write(tmp_path, "ASC-FR Data File (descriptions) v2_2023.csv", descriptions_lines())).data
    names = data.groupby("geography_code")["geography_name"].unique().to_dict()
    assert {k: list(v) for k, v in names.items()} == {"E10000019": ["Lincolnshire"], "E12000004": ["East Midlands"]}


def test_file_without_dh_geography_name_keeps_geography_name(tmp_path: Path) -> None:
    lines = [line.split(",") for line in descriptions_lines()]
    dh = lines[0].index("DH_GEOGRAPHY_NAME")
    kept = [",".join(cells[:dh] + cells[dh + 1:]) for cells in lines]
    data = ascfr.load(write(tmp_path, "ASC-FR Data File (descriptions) v2_2023.csv", kept)).data
    assert data.loc[0, "geography_name"] == "East Midlands" and data.loc[5, "geography_name"] == "East Midlands"


def test_real_2015_16_council_rows_are_named_after_the_council(real: Path) -> None:
    data = ascfr.load(real / ACT_2015_16).data
    row = data[data["geography_code"] == "E06000012"].iloc[0]  # North East Lincolnshire, Yorkshire and The Humber
    assert (row["geography_name"], row["cassr_code"], row["region_code"]) == (
        "North East Lincolnshire", "216", "E12000003")


def test_demo_writes_the_region_in_geography_name_and_the_loader_reads_the_council(tmp_path: Path) -> None:
    from helpers.demo.ascfr import write_ascfr
    path = write_ascfr(["E10000008"], 2026, tmp_path)
    raw = csv_rows(path)
    council = next(r for r in raw if r["GEOGRAPHY_CODE"] == "E10000008")
    assert (council["DH_GEOGRAPHY_NAME"], council["GEOGRAPHY_NAME"]) == ("Devon", "South West")
    data = ascfr.load(path).data
    assert set(data.loc[data["geography_code"] == "E10000008", "geography_name"]) == {"Devon"}
    assert set(data.loc[data["geography_code"] == "E12000009", "geography_name"]) == {"South West"}
