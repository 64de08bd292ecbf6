"""ONS's mid-year estimates workbook (.xls and .xlsx, one sheet per sex, header on row 8) loads to the same
tidy frame as the equivalent Nomis CSV."""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xlwt

from helpers.errors import InputError
from helpers.load import catalogue, ons_mid_year, ons_population

YEAR = 2024
AREAS = [("E10000019", "Lincolnshire", "County"), ("E07000136", "Boston", "Non-metropolitan District"),
         ("E06000047", "County Durham", "Unitary Authority")]
AGGREGATES = [("K04000001", "England and Wales", "Country and region")]  # left out: Nomis has no such area
TITLES = [f"Mid-{YEAR} population estimates for England and Wales by single year of age",
          "Source: Office for National Statistics", "", "Notes:", "1. Figures may not add due to rounding.",
          "2. Geography as at 2024.", ""]  # seven title and notes rows: the header is on row 8
SHEETS = {"Mid-2024 Persons": "Total", "Mid-2024 Males": "Male", "Mid-2024 Females": "Female"}


def counts(seed: int) -> dict[str, list[int]]:
    """Whole persons per area for ages 0 … 89 and 90+ (index 90)."""
    rng = np.random.default_rng(seed)
    return {code: [int(v) for v in rng.integers(50, 9000, size=91)] for code, _, _ in AREAS + AGGREGATES}


PERSONS = counts(1)
BY_SEX = {"Total": PERSONS, "Male": counts(2), "Female": counts(3)}


def sheet_rows(sex: str, *, titles: list[str] = TITLES, top: str = "90+") -> list[list[object]]:
    """One sheet in ONS's layout: titles, header (ages as numbers, the top group as text), one row per area."""
    header: list[object] = ["Code", "Name", "Geography", "All ages", *range(90), top]
    rows: list[list[object]] = [[t] for t in titles] + [header]
    for code, name, geography in AGGREGATES + AREAS:
        ages = BY_SEX[sex][code]
        rows.append([code, name, geography, sum(ages), *ages])
    return rows


def write_xlsx(path: Path, **kw) -> Path:
    book = openpyxl.Workbook()
    book.active.title = "Contents"
    book.active["A1"] = "Contents"
    for name, sex in SHEETS.items():
        sheet = book.create_sheet(name)
        for row in sheet_rows(sex, **kw):
            sheet.append(row)
    book.save(path)
    return path


def write_xls(path: Path, **kw) -> Path:
    book = xlwt.Workbook()
    book.add_sheet("Contents").write(0, 0, "Contents")
    for name, sex in SHEETS.items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(sheet_rows(sex, **kw)):
            for c, value in enumerate(row):
                if value != "":
                    sheet.write(r, c, value)
    book.save(str(path))
    return path


def write_nomis_csv(path: Path) -> Path:
    """The same persons' numbers in the Nomis CSV layout that ons_population.load_mid_year reads."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, quoting=csv.QUOTE_NONNUMERIC)
        out.writerow(["GEOGRAPHY_NAME", "GEOGRAPHY_CODE", "DATE_NAME", "GENDER_NAME", "C_AGE_NAME", "OBS_VALUE"])
        for code, name, _ in AREAS:
            ages = PERSONS[code]
            labels = ["All Ages", *[f"Age {a}" for a in range(90)], "Aged 90+"]
            for label, value in zip(labels, [sum(ages), *ages]):
                out.writerow([name, code, str(YEAR), "Total", label, value])
    return path


def tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame without the spreadsheet row (a row per area in the workbook, per value in the CSV), sorted."""
    return frame.drop(columns="_row").sort_values(["area_code", "sex", "age_group"]).reset_index(drop=True)


@pytest.mark.parametrize("write, name", [(write_xls, "ukpopestimatesmid2024on2021geography.xls"),
                                         (write_xlsx, "mye24tablesew.xlsx")])
def test_the_workbook_loads_to_the_same_frame_as_the_nomis_csv(tmp_path, write, name):
    workbook = ons_mid_year.load_workbook(write(tmp_path / name))
    nomis = ons_population.load_mid_year(write_nomis_csv(tmp_path / "ons_population_2024.csv"))
    pd.testing.assert_frame_equal(tidy(workbook.data), tidy(nomis.data))
    assert list(workbook.data.columns) == list(nomis.data.columns)
    assert workbook.vintage == nomis.vintage == "mid-2024 estimates"
    assert not workbook.synthetic and not workbook.log.warnings
    assert "K04000001" not in set(workbook.data["area_code"])  # England and Wales: no such area in Nomis
    assert workbook.data["_row"].min() == 10  # header on row 8, England and Wales on 9, Lincolnshire on 10


def test_the_workbook_feeds_the_age_bands_as_the_csv_does(tmp_path):
    workbook = ons_mid_year.load_workbook(write_xlsx(tmp_path / "mye24tablesew.xlsx")).data
    bands = ons_population.age_band_population(workbook, "E07000136", YEAR)
    assert bands.set_index("band").at["65+", "population"] == sum(PERSONS["E07000136"][65:])


def test_the_header_is_found_by_its_cell_on_any_row(tmp_path):
    titles = TITLES + ["3. Two more notes.", "4. And another."]  # header on row 10
    table = ons_mid_year.load_workbook(write_xlsx(tmp_path / "mye24tablesew.xlsx", titles=titles))
    assert table.data["_row"].min() == 12
    assert table.data.set_index(["area_code", "age_group"]).at[("E06000047", "90+"), "population"] == \
        PERSONS["E06000047"][90]


def test_the_year_comes_from_the_title_when_the_sheet_name_has_none(tmp_path):
    path = write_xlsx(tmp_path / "mye24tablesew.xlsx")
    book = openpyxl.load_workbook(path)
    book["Mid-2024 Persons"].title = "MYE2 - Persons"
    book.save(path)
    assert set(ons_mid_year.load_workbook(path).data["year"]) == {YEAR}


def test_a_missing_90_plus_column_names_the_file_sheet_and_column(tmp_path):
    path = write_xlsx(tmp_path / "mye24tablesew.xlsx", top="")
    with pytest.raises(InputError) as err:
        ons_mid_year.load_workbook(path)
    message = str(err.value)
    assert str(path) in message and "sheet 'Mid-2024 Persons'" in message
    assert "expected column '90+' not found in the header (row 8)" in message


def test_a_workbook_without_a_persons_sheet_is_refused_naming_the_sheets(tmp_path):
    path = write_xlsx(tmp_path / "mye24tablesew.xlsx")
    book = openpyxl.load_workbook(path)
    del book["Mid-2024 Persons"]
    book.save(path)
    with pytest.raises(InputError, match="no sheet for persons.*'Mid-2024 Males'"):
        ons_mid_year.load_workbook(path)


def test_an_xlsx_saved_as_xls_is_refused_by_the_file_guard(tmp_path):
    path = tmp_path / "ukpopestimatesmid2024on2021geography.xls"
    path.write_bytes(write_xlsx(tmp_path / "mye24tablesew.xlsx").read_bytes())
    with pytest.raises(InputError, match="saved under an .xls name"):
        ons_mid_year.load_workbook(path)


def test_one_source_reads_either_layout(tmp_path):
    source = catalogue.source(ons_population.SOURCE_MID_YEAR)
    xls = write_xls(tmp_path / "ukpopestimatesmid2024on2021geography.xls")
    csv_file = write_nomis_csv(tmp_path / "ons_population_2024.csv")
    assert catalogue.identify(xls) is source and catalogue.identify(csv_file) is source
    loaded = [source.load(p, tmp_path / "cache")[0].data for p in (xls, csv_file, xls)]  # the third from the cache
    pd.testing.assert_frame_equal(tidy(loaded[0]), tidy(loaded[1]))
    pd.testing.assert_frame_equal(loaded[0], loaded[2])
