"""ONS mid-year population estimates as ONS publishes them: a workbook (``.xls`` or ``.xlsx``), one sheet per sex.

The layout (ONS's "Estimates of the population for the UK, England, Wales, Scotland and Northern
Ireland", table MYE2, e.g. ``ukpopestimatesmid2024on2021geography.xls``, ``mye24tablesew.xlsx``):

* sheets for persons, males and females (``Mid-2024 Persons``, ``Mid-2024 Males``, ``Mid-2024
  Females``; older editions ``MYE2 - Persons`` …), beside contents and notes sheets. The persons
  sheet is read: the first sheet whose name contains "Persons" (any case) and holds the header.
* title and notes rows above the header (seven in the published files, header on row 8). The header
  is found by its cell ``Code`` (also ``Area code`` or ``LAD code``) within the first 50 rows, never
  on a fixed row. **[INFERRED]** from the layout described in issue 18, not yet checked against a real
  file in the shared data folder.
* columns ``Code``, ``Name``, ``Geography`` (country, region, county, district …; not kept),
  ``All ages``, then one column per single age ``0`` … ``89`` (number header cells) and ``90+`` (text).
  One row per area; values are whole persons.
* the year is the 4-digit year in the sheet's name (``Mid-2024 Persons``), else the ``Mid-YYYY`` of
  the title rows above the header.

Rows with a UK-wide aggregate code (``K02000001`` UK, ``K03000001`` Great Britain, ``K04000001``
England and Wales) are left out, as Nomis has no such areas; every other code must be an ONS code
(E, W, S or N and 8 digits). Rows stop at the first row without a code (notes below the table).

The result is the same tidy frame as ``helpers.load.ons_population.load_mid_year`` returns for the
Nomis CSV (columns, dtypes, age labels, year, vintage and the sum check), with ``sex`` ``persons``
and ``_row`` the area's spreadsheet row.

The source is registered once in the catalogue, under ``ons_population.SOURCE_MID_YEAR``, with
``RULE`` (either the Nomis CSV's file-name rule or the workbook's ``FILE_NAMES``) and ``load``
(picks the reader by the file's extension), so ``run`` and ``validate`` see one source.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.errors import InputError
from helpers.load import file_guard
from helpers.load.file_names import FileNames
from helpers.load.ons_population import (ALL_AGES, MID_YEAR_FILE_NAMES, SOURCE_MID_YEAR, TIDY_COLUMNS, YEAR_RANGE,
                                         load_mid_year, population_counts, sum_check)
from helpers.load.reading import (HEADER_SEARCH_ROWS, Column, RawSheet, SourceTable, cached, read_raw,
                                  table_below_header)

SOURCE = SOURCE_MID_YEAR
# ONS's names for the MYE2 tables: mye24tablesew.xlsx, ukpopestimatesmid2024on2021geography.xls,
# ukmidyearestimates20192020ladcodes.xls. (MYEB1 "detailed population estimates series" is a long
# layout, one row per area x sex x age: not this one.)
FILE_NAMES = FileNames((r"mye\d{2}tables.*", r"ukpopestimatesmid\d{4}.*", r"ukmidyearestimates\d{4}.*"),
                       (".xls", ".xlsx"), "ukpopestimatesmid2024on2021geography.xls")
SUFFIXES = FILE_NAMES.suffixes
LOADER_VERSION = "1"
PERSONS = "persons"  # the persons sheet's name contains this (any case)
ANCHORS = ("Code", "Area code", "LAD code")
TOP_AGE = 90
AGGREGATE_CODE = re.compile(r"^K0[234]000001$")  # UK, Great Britain, England and Wales
_AREA_CODE = re.compile(r"^[EWSN]\d{8}$")
_YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_YEAR_IN_TITLE = re.compile(r"mid[-\s]?((?:19|20)\d{2})(?!\d)", re.IGNORECASE)

# canonical name → published name(s); single ages are added below, one column each
COLUMNS = [
    Column("area_code", ANCHORS),
    Column("area_name", ("Name", "Area name", "LAD name")),
    Column("geography", ("Geography", "Geography1"), required=False),
    Column("all_ages", ("All ages", "All persons")),
    *[Column(f"age_{age}", (str(age),)) for age in range(TOP_AGE)],
    Column(f"age_{TOP_AGE}", (f"{TOP_AGE}+", f"{TOP_AGE} and over")),
]
AGE_COLUMNS = ["all_ages", *[f"age_{age}" for age in range(TOP_AGE + 1)]]
AGE_GROUPS = [ALL_AGES, *[str(age) for age in range(TOP_AGE)], f"{TOP_AGE}+"]
AGES = [None, *range(TOP_AGE + 1)]


@dataclass(frozen=True)
class EitherRule(FileNames):
    """A source published in two layouts: a name belongs to it when either layout's rule accepts it.

    ``patterns`` and ``suffixes`` are the union (as the data dictionary lists them); ``accepts`` asks each rule.
    """

    rules: tuple[FileNames, ...] = ()

    def accepts(self, name: str) -> bool:
        return any(rule.accepts(name) for rule in self.rules)


RULE = EitherRule(MID_YEAR_FILE_NAMES.patterns + FILE_NAMES.patterns,
                  tuple(dict.fromkeys(MID_YEAR_FILE_NAMES.suffixes + FILE_NAMES.suffixes)),
                  MID_YEAR_FILE_NAMES.example, rules=(MID_YEAR_FILE_NAMES, FILE_NAMES))


def _sheet_names(path: Path) -> list[str]:
    """The workbook's sheet names, after the file guard's check that it is the kind its name says."""
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return list(file_guard.xlsx_sheets(path))
    if suffix != ".xls":
        raise InputError(f"unsupported file type '{suffix}': ONS's mid-year estimates workbook is .xls or .xlsx",
                         file=path)
    file_guard.check_kind(path, suffix)
    from python_calamine import CalamineWorkbook
    try:
        return list(CalamineWorkbook.from_path(str(path)).sheet_names)
    except BaseException as exc:  # calamine raises its own types; a Rust panic is a BaseException
        if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
            raise
        raise InputError(f"cannot open as a spreadsheet ({exc})", file=path) from None


def _header_row(raw: RawSheet) -> tuple[int, str] | None:
    """(0-based row, anchor cell) of the header: the first row within the search rows holding an anchor."""
    wanted = {a.casefold(): a for a in ANCHORS}
    for i, row in raw.cells.head(HEADER_SEARCH_ROWS).iterrows():
        for value in row:
            anchor = wanted.get(str(value).strip().casefold())
            if anchor is not None:
                return int(i), str(value).strip()
    return None


def _persons_sheet(path: Path) -> tuple[RawSheet, int, str]:
    """The persons sheet, its header row and anchor; an InputError naming the sheets when there is none."""
    names = _sheet_names(path)
    persons = [n for n in names if PERSONS in n.casefold()]
    if not persons:
        raise InputError(f"no sheet for persons (a sheet whose name contains 'Persons', such as 'Mid-2024 "
                         f"Persons'); sheets found: {', '.join(repr(n) for n in names)}", file=path)
    for name in persons:
        raw = read_raw(path, [name])
        found = _header_row(raw)
        if found is not None:
            return raw, *found
    raise InputError(f"header row not found: no cell {' or '.join(repr(a) for a in ANCHORS)} in the first "
                     f"{HEADER_SEARCH_ROWS} rows of {' or '.join(repr(n) for n in persons)}", file=path,
                     sheet=persons[0])


def _year(raw: RawSheet, header: int) -> int:
    """The estimates' year: from the sheet's name, else from a 'Mid-YYYY' in the title rows."""
    m = _YEAR_IN_NAME.search(raw.sheet or "")
    if m is None:
        titles = " ".join(v for row in raw.cells.head(header).itertuples(index=False) for v in row if v)
        m = _YEAR_IN_TITLE.search(titles)
    if m is None:
        raise InputError("cannot tell the year of the estimates: expected it in the sheet's name (such as "
                         "'Mid-2024 Persons') or as 'Mid-YYYY' in the title rows above the header",
                         file=raw.file, sheet=raw.sheet)
    year = int(m.group(1))
    lo, hi = YEAR_RANGE
    if not lo <= year <= hi:
        raise InputError(f"year {year} is outside the expected range {lo}–{hi}", file=raw.file, sheet=raw.sheet)
    return year


def _parse(path: Path) -> pd.DataFrame:
    """Tidy the persons sheet: one row per area × age group (All ages, 0 … 89, 90+)."""
    raw, header, anchor = _persons_sheet(path)
    year = _year(raw, header)
    table = table_below_header(raw, anchor, COLUMNS)
    code = table["area_code"].astype(str).str.strip()
    blank = code == ""
    if blank.any():  # the table ends at the first row without a code (notes below it)
        table, code = table[~blank.cummax()], code[~blank.cummax()]
    keep = ~code.str.match(AGGREGATE_CODE)
    table, code = table[keep].reset_index(drop=True), code[keep].reset_index(drop=True)
    if table.empty:
        raise InputError(f"no areas under the header (row {header + 1})", file=raw.file, sheet=raw.sheet)
    bad = ~code.str.match(_AREA_CODE)
    if bad.any():
        i = bad.idxmax()
        raise InputError(f"expected an ONS area code like 'E06000047' (E, W, S or N and 8 digits), found "
                         f"'{code[i]}'", file=raw.file, sheet=raw.sheet, row=int(table.at[i, "_row"]), column=anchor)
    dup = code.duplicated(keep=False)
    if dup.any():
        rows = table.loc[code == code[dup.idxmax()], "_row"].tolist()
        raise InputError(f"area '{code[dup.idxmax()]}' appears twice, on rows {rows[0]} and {rows[1]}",
                         file=raw.file, sheet=raw.sheet, row=int(rows[1]), column=anchor)
    published = {c.canonical: c.published[0] for c in COLUMNS}
    values = np.column_stack([population_counts(table, column, raw, published[column]) for column in AGE_COLUMNS])
    n, k = len(table), len(AGE_COLUMNS)
    out = pd.DataFrame({
        "area_code": pd.Series(np.repeat(code.to_numpy(dtype=object), k), dtype=object),
        "area_name": pd.Series(np.repeat(table["area_name"].astype(str).str.strip().to_numpy(dtype=object), k),
                               dtype=object),
        "sex": pd.Series(["persons"] * (n * k), dtype="str"),
        "age_group": pd.Series(AGE_GROUPS * n, dtype="str"),
        "age": pd.array(AGES * n, dtype="Int64"),
        "year": np.full(n * k, year, dtype="int64"),
        "population": values.reshape(-1).astype(float),
        "_row": np.repeat(table["_row"].to_numpy(dtype="int64"), k),
    })
    return out[TIDY_COLUMNS]


def load_workbook(path: Path, cache_dir: Path | None = None) -> SourceTable:
    """Load ONS's mid-year estimates workbook (persons sheet) into the tidy frame of the Nomis CSV."""
    path = Path(path)
    pop = cached(path, cache_dir, f"ons_mid_year_workbook-v{LOADER_VERSION}", lambda: _parse(path))
    log = sum_check(pop, SOURCE, path, "All ages")
    return SourceTable(pop, path, f"mid-{int(pop['year'].max())} estimates", False, log)


def load(path: Path, cache_dir: Path | None = None) -> SourceTable:
    """Either layout of the source: the workbook (.xls, .xlsx) or the Nomis CSV."""
    path = Path(path)
    if path.suffix.lower() in SUFFIXES:
        return load_workbook(path, cache_dir)
    return load_mid_year(path, cache_dir)
