"""The demo's fast xlsx writing (helpers.demo.xlsx): the same workbooks as openpyxl writes cell by cell, and
the same values as before it was made fast.

- hand-checked cell XML for each kind of value;
- a local file is, part by part, the workbook ``helpers.load.templates.write_template`` writes for the
  same rows (hand-made rows with every kind of value, and every source of one council);
- a CQC directory snapshot is, part by part, the workbook openpyxl writes row by row from
  ``cqc._published_row`` (the per-location definition of the published columns);
- the values of a whole small dataset (``generate`` for two councils) hash to the figure the generator
  gave before the fast writers and the vectorised rows (computed with that code, commit 08fba32).
"""
from __future__ import annotations

import dataclasses
import hashlib
import io
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from helpers.councils import councils
from helpers.demo import cqc, generate, local_template, xlsx
from helpers.demo.local import write_local
from helpers.load import cqc_directory
from helpers.load.catalogue import LOCAL_SOURCES
from helpers.load.templates import write_template

SEED = 2026
AS_AT = pd.Timestamp("2026-11-01")
SMALL = ["E06000017", "E08000018"]  # Rutland (East Midlands), Rotherham (Yorkshire and The Humber)
# sha256 of every value of generate(SMALL, seed 2026)'s csv and xlsx files (values_digest below), as the
# generator wrote them before it was made fast. A deliberate change to the demo data changes it: then
# regenerate data/demo and the test references, and put the new digest here.
SMALL_DATASET_DIGEST = "9a259a4f0c410fda4208008747c11adbbaffb1e7302ff1c6350d49381142307e"


def parts(path: Path) -> dict[str, bytes]:
    """Every part of an xlsx except its creation and modification times."""
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist() if name != "docProps/core.xml"}


LAST_YEAR = ("local/2025/", "cqc/01_November_2025_Latest_ratings", "v2_2024", "ascof_2023_24",
             "LA-data-download-Oct-2024")  # last year's files (helpers.demo.previous_year): new, not the old generator's


def values_digest(folder: Path) -> str:
    """sha256 over the csv files' bytes and the xlsx files' cell values and types (openpyxl), in path order."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.suffix in (".csv", ".xlsx")
                       and not any(part in p.relative_to(folder).as_posix() for part in LAST_YEAR)):
        h.update(path.relative_to(folder).as_posix().encode())
        if path.suffix == ".csv":
            h.update(path.read_bytes())
            continue
        wb = openpyxl.load_workbook(path, read_only=True)
        for ws in wb.worksheets:
            h.update(ws.title.encode())
            for row in ws.iter_rows(values_only=True):
                h.update(repr([(type(v).__name__, v) for v in row]).encode())
        wb.close()
    return h.hexdigest()


def active_of(code: str) -> pd.DataFrame:
    """The council's rows of the latest CQC snapshot, drawn as helpers.demo.generate draws them."""
    table = councils()
    i = table.index[table["code"] == code][0]
    return cqc.snapshot(cqc.council_market(table.loc[i], SEED, start_id=i * 10000), AS_AT)


# --- cell XML -----------------------------------------------------------------------------------

def test_cell_xml_is_what_openpyxl_writes_for_each_kind_of_value():
    values = ["Oak & Ash <Lodge>", "", " padded ", None, 21, 0.1 + 0.2, float("nan"), True]
    assert xlsx.cell_suffixes(values, None) == [
        ' t="inlineStr"><is><t>Oak &amp; Ash &lt;Lodge&gt;</t></is></c>',
        ' t="inlineStr" />',
        ' t="inlineStr"><is><t xml:space="preserve"> padded </t></is></c>',
        None,  # an unstyled empty cell is not written
        ' t="n"><v>21</v></c>',
        ' t="n"><v>0.3</v></c>',  # 16 significant digits, as openpyxl ("%.16g"; repr would give 17)
        ' t="n"><v /></c>',
        ' t="b"><v>1</v></c>',
    ]
    assert xlsx.cell_suffixes([None, "x", date(2026, 10, 31)], 5) == [
        ' s="5" t="n" />', ' s="5" t="inlineStr"><is><t>x</t></is></c>',
        ' s="5" t="n"><v>46326</v></c>']  # 31/10/2026 as an Excel serial date
    with pytest.raises(ValueError, match="dates only with a style"):  # openpyxl would give it a date format
        xlsx.cell_suffixes([date(2026, 10, 31)], None)
    # True == 1, but a boolean is written as one
    assert xlsx.cell_suffixes([1, True, 1.0], None) == [' t="n"><v>1</v></c>', ' t="b"><v>1</v></c>',
                                                        ' t="n"><v>1</v></c>']
    assert xlsx.cell_suffixes([0.0, -0.0, 0], None) == [' t="n"><v>0</v></c>', ' t="n"><v>-0</v></c>',
                                                        ' t="n"><v>0</v></c>']
    with pytest.raises(ValueError, match="formulas"):
        xlsx.cell_suffixes(["=1+1"], None)


def test_rows_xml_numbers_rows_and_columns_and_leaves_out_unstyled_blanks():
    rows = "".join(xlsx.rows_xml([["a", "b"], [None, 2]], [None, None], 2))
    assert rows == ('<row r="2"><c r="A2" t="inlineStr"><is><t>a</t></is></c></row>'
                    '<row r="3"><c r="A3" t="inlineStr"><is><t>b</t></is></c><c r="B3" t="n"><v>2</v></c></row>')


# --- local files: the template's workbook --------------------------------------------------------

def test_hand_made_rows_give_the_workbook_write_template_writes(tmp_path: Path):
    spec = LOCAL_SOURCES["provider_intelligence"]
    base = {"location_id": "1-0100000001", "location_name": "Oak & Ash <Lodge>", "provider_name": " Demo Care ",
            "service": "care_homes", "quality_rating": "Good", "food_hygiene": None, "safeguarding_concerns": 0,
            "placement_embargo": True, "contract_default_notice": False, "unexpected_deaths": 2,
            "substantiated_concerns": 1, "in_administration": False, "manager_vacancy": True, "as_at": date(2026, 10, 31)}
    rows = [base, base | {"location_id": "1-0100000002", "food_hygiene": 5, "placement_embargo": False,
                          "location_name": "A much longer care home name than the column is wide"}]
    fast = local_template.write_rows(spec, rows, tmp_path / "fast.xlsx")
    filled = dataclasses.replace(spec, examples=rows, readme=f"{local_template.SYNTHETIC_NOTICE}\n\n{spec.readme}")
    slow = write_template(filled, tmp_path / "slow.xlsx", as_at=local_template.AS_AT)
    assert parts(fast) == parts(slow)


def test_every_local_file_of_a_council_is_the_workbook_write_template_writes(tmp_path: Path, monkeypatch):
    written = {}

    def slow(spec, rows, path):  # what write_rows wrote before: write_template with the rows as examples
        readme = f"{local_template.SYNTHETIC_NOTICE}\n\n{spec.readme}"
        written[Path(path).name] = write_template(dataclasses.replace(spec, examples=rows, readme=readme),
                                                  tmp_path / "slow" / Path(path).name, as_at=local_template.AS_AT)
        return local_template.write_rows(spec, rows, path)

    monkeypatch.setattr("helpers.demo.local.write_rows", slow)
    monkeypatch.setattr("helpers.demo.financial_sustainability.write_rows", slow)
    fast = write_local("E08000018", active_of("E08000018"), SEED, tmp_path / "fast")
    assert sorted(p.name for p in fast) == sorted(written) and fast
    for path in fast:
        assert parts(path) == parts(written[path.name]), path.name


# --- CQC directory: openpyxl's rows from _published_row ------------------------------------------

def test_directory_is_the_workbook_openpyxl_writes_row_by_row(tmp_path: Path):
    active = pd.concat([active_of(code) for code in SMALL], ignore_index=True)
    fast = cqc.write_directory(active, AS_AT, tmp_path)
    wb = openpyxl.Workbook(write_only=True)
    readme = wb.create_sheet("README")
    for line in ["Care directory with filters", cqc.SYNTHETIC_NOTICE, "Source: CQC database as at 01 November 2026",
                 "Layout: the published HSCA_Active_Locations sheet (same columns, in the same order)."]:
        readme.append([line])
    sheet = wb.create_sheet(cqc_directory.SHEETS[0])
    sheet.append(cqc_directory.PUBLISHED_COLUMNS)
    for _, loc in active.iterrows():
        values = cqc._published_row(loc)
        sheet.append([values.get(c, "") for c in cqc_directory.PUBLISHED_COLUMNS])
    buffer = io.BytesIO()
    wb.save(buffer)
    (tmp_path / "slow.xlsx").write_bytes(buffer.getvalue())
    assert parts(fast) == parts(tmp_path / "slow.xlsx")


# --- the values, as before -------------------------------------------------------------------------

def test_a_small_dataset_has_the_values_the_generator_gave_before_it_was_made_fast(tmp_path: Path):
    generate(tmp_path, SMALL, SEED)
    digest = values_digest(tmp_path)
    assert digest == SMALL_DATASET_DIGEST, (
        f"the demo data's values changed (digest {digest}): if on purpose, put it in SMALL_DATASET_DIGEST, "
        "and regenerate data/demo and the test references")
