"""ASCOF time series ODS (NHS England, "Measures from the Adult Social Care Outcomes Framework, England
- time series of aggregated measures"): the one place that knows its published layout.

Layout of ``ascof_2024_25.ods`` (``FILE_NAMES``; read sheet by sheet with calamine):

- Sheets: Cover, Contents, Comparability_over_time_log, Notes, then 25 data sheets ``Table_1a``,
  ``Table_1b``, ``Table_1c``, ``Table_1d``, ``Table_1e``, ``Table_2a`` … ``Table_2c``,
  ``Table_2d(1)``, ``Table_2d(2)``, ``Table_2e(1)``, ``Table_2e(2a)``, ``Table_2e(2b)``, ``Table_3a``,
  ``Table_3b``, ``Table_3c(1)``, ``Table_3c(2)``, ``Table_3d(1a)``, ``Table_3d(2a)``, ``Table_4a``,
  ``Table_4b``, ``Table_5a(1)``, ``Table_5a(2)``, ``Table_6a``, ``Table_6b``.
- Each data sheet: a title and 3-6 lines of notes, then the header row (0-based row 4 in 6a,
  5 in survey tables 1a-1e/3a-3c/4a/5a, 6 in client-level-data tables 2a-2e/3d/4b, 7 in 6b) —
  found by the cell "Local authority code". First columns "Local authority code", "Local
  authority", "ONS area code"; then value columns "YYYY to YYYY - <quantity>":
  survey tables: margin of error / number of respondents / outcome, 2015-16 (1b: 2016-17) to
  2024-25; CLD tables: numerator / denominator / outcome, 2024-25 only (4b: 2023-24 and 2024-25);
  6a: outcome only (staff turnover %), 2023-24 and 2024-25; 6b: outstanding / good / other /
  not yet rated / 6b × numerator / denominator / outcome, 2023-24 and 2024-25.
- Rows, in order: England (code "England", ONS E92000001); council types with one-letter codes
  S Shire Counties, U Unitary Authorities, M Metropolitan Districts, I Inner London, O Outer
  London, D District (survey tables and 4b only), ONS "[z]"; nine regions (codes EM, E, L, NE,
  NW, SE, SW, WM, YH; ONS E12…; "Eastern" or "East of England"); then councils with a numeric
  ASCOF code (e.g. 503 Lincolnshire) or, for the newest councils, a 5-character code (Z9D4Z
  North Northamptonshire, U6Q5Z West Northamptonshire, H6X4G Cumberland, W8X1Q Westmorland and
  Furness). Survey tables also keep former councils (Cumbria, Northamptonshire, Dorset County,
  Bournemouth, Poole), so the ASCOF code is not unique (809 is both "Dorset County" E10000009
  and "Dorset" E06000059): the ONS code identifies a council. 4b, 6a and 6b give Dorset only
  as "Dorset County" E10000009, code 809 (no E06000059 row) — mapped to Dorset here, with a
  warning. 6a ends with "Cornwall and Isles of Scilly" (both codes "[z]"): level "Other".
  Every table has exactly one row for each of the 153 current councils (after that mapping).
- Cells: numbers; markers [x] no data, [c] suppressed, [z] not applicable (→ NaN + reason).
  In the SACE tables (1c, 1e, 3b, 3c(2), 5a(2)) the 2016-17 cells read "7.7 (7.6)" or
  "51,230 (35,415)": the official figure, then in brackets the figure on the original eligible
  population (Comparability_over_time_log) — kept as ``value_in_brackets``.

Output (long): _row, la_code (ASCOF code), la_name, ons_code (as published), council_code (the
current council the row stands for, else None), level (England / Region / Council type /
Council / Former council / Other), measure (sheet name), period, quantity, value, marker_reason,
value_in_brackets.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from helpers.councils import councils
from helpers.errors import DataQualityLog, InputError
from helpers.load.file_names import FileNames
from helpers.load.reading import (Column, RawSheet, SourceTable, check_unique, cached, locate_header, read_raw,
                                     table_below_header, to_number)

SOURCE = "ASCOF"
FILE_NAMES = FileNames((r".*ascof.*",), (".ods", ".xlsx"), "ascof_2024_25.ods")
ANCHOR = "Local authority code"
LOADER_VERSION = "1"
STAFF_TURNOVER = "Table_6a"
PROVIDER_RATINGS = "Table_6b"

# The mapping table: canonical name → published name(s). Value columns follow VALUE_HEADER.
COLUMNS = [
    Column("la_code", ("Local authority code",)),
    Column("la_name", ("Local authority",)),
    Column("ons_code", ("ONS area code",)),
]
PUBLISHED = {c.canonical: c.published[0] for c in COLUMNS}
VALUE_HEADER = re.compile(r"^(?P<period>\d{4} to \d{4}) - (?P<quantity>.+)$")
COUNT_QUANTITIES = re.compile(r"(numerator|denominator|number of respondents|margin of error)$")
COUNCIL_TYPES = {"S", "U", "M", "I", "O", "D"}
# Superseded council codes still used by some tables, and their successor (used only when the
# table has no row for the successor itself).
SUCCESSORS = {"E10000009": "E06000059"}  # Dorset County → Dorset (2019)
_BRACKETED = re.compile(r"^\s*(?P<main>[^()]*?)\s*\((?P<bracket>[^()]*)\)\s*$")
_ONS = re.compile(r"^E\d{8}$")


def sheet_for(table: str) -> str:
    """Return the sheet name for a table given as 'Table_6a' or '6a'."""
    table = table.strip()
    return table if table.casefold().startswith("table_") else f"Table_{table}"


def _value_columns(raw: RawSheet) -> tuple[list[Column], list[str]]:
    """Return one Column per 'YYYY to YYYY - quantity' header, and the other unknown non-blank headers."""
    header = [str(v).strip() for v in raw.cells.iloc[locate_header(raw, ANCHOR)]]
    known = {p.casefold() for c in COLUMNS for p in c.published}
    extra = [name for name in header if name and name.casefold() not in known]
    return [Column(n, (n,)) for n in extra if VALUE_HEADER.match(n)], [n for n in extra if not VALUE_HEADER.match(n)]


def _check_value_columns(raw: RawSheet, values: list[Column], unexpected: list[str]) -> None:
    """Unknown headers, a repeated value column or no value column at all are errors."""
    h = locate_header(raw, ANCHOR) + 1
    if unexpected:
        raise InputError(f"unexpected column '{unexpected[0]}' in the header (row {h}): value columns must read "
                         f"like '2024 to 2025 - outcome'", file=raw.file, sheet=raw.sheet, column=unexpected[0])
    names = [c.canonical.casefold() for c in values]
    repeated = next((c.canonical for c, n in zip(values, names) if names.count(n) > 1), None)
    if repeated:
        raise InputError(f"column '{repeated}' appears twice in the header (row {h})", file=raw.file,
                         sheet=raw.sheet, column=repeated)
    if not values:
        raise InputError(f"no value columns like '2024 to 2025 - outcome' in the header (row {h})",
                         file=raw.file, sheet=raw.sheet)


def _split_brackets(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Split '7.7 (7.6)' into ('7.7', '7.6'); cells without brackets give ('…', '')."""
    parts = text.astype(str).str.extract(_BRACKETED)
    has = parts["main"].notna()
    return text.where(~has, parts["main"]), parts["bracket"].where(has, "")


def _level(table: pd.DataFrame) -> pd.Series:
    """Classify rows: England, Region, Council type, Council, Former council or Other."""
    ons, code = table["ons_code"], table["la_code"]
    current = set(councils()["code"])
    level = pd.Series("Other", index=table.index, dtype=object)
    level[ons.str.match(r"^E(06|08|09|10)\d{6}$")] = "Former council"
    level[table["council_code"].isin(current)] = "Council"
    level[ons.str.startswith("E12")] = "Region"
    level[code.isin(COUNCIL_TYPES) & ~ons.str.match(_ONS)] = "Council type"
    level[(ons == "E92000001") | (code.str.casefold() == "england")] = "England"
    return level


def _council_code(ons: pd.Series) -> pd.Series:
    """Current council code of each row: its own ONS code, or a successor's when the table lacks it."""
    present = set(ons)
    successor = ons.map(lambda c: SUCCESSORS.get(c) if SUCCESSORS.get(c) not in present else None)
    return successor.fillna(ons).where(ons.str.match(_ONS), None)


def _validate_ids(table: pd.DataFrame, raw: RawSheet) -> None:
    """ONS codes must be E + 8 digits or a marker; no area may repeat (ONS code, else ASCOF code)."""
    ons = table["ons_code"]
    bad = ~(ons.str.match(_ONS) | ons.str.lower().isin(["[z]", "[x]"]))
    if bad.any():
        i = bad.idxmax()
        raise InputError(f"expected an ONS area code like 'E10000019' or [z], found '{ons[i]}'", file=raw.file,
                         sheet=raw.sheet, row=int(table.at[i, "_row"]), column=PUBLISHED["ons_code"])
    code = table["la_code"].where(~table["la_code"].str.lower().isin(["[z]", "[x]"]), "")
    check_unique(table.assign(key=ons.where(ons.str.match(_ONS), code)), "key", raw,
                 published=f"{PUBLISHED['ons_code']} (else {PUBLISHED['la_code']})")


def _long(table: pd.DataFrame, values: list[Column], raw: RawSheet, measure: str) -> pd.DataFrame:
    """Melt the value columns into one row per area × period × quantity, parsing numbers and markers."""
    frames = []
    for col in values:
        m = VALUE_HEADER.match(col.canonical)
        minimum = 0 if COUNT_QUANTITIES.search(m["quantity"]) else None
        main, bracket = _split_brackets(table[col.canonical])
        value, reason = to_number(table.assign(v=main), "v", raw, minimum=minimum, published=col.canonical)
        extra, _ = to_number(table.assign(v=bracket), "v", raw, minimum=minimum, published=col.canonical)
        frames.append(table[["_row", "la_code", "la_name", "ons_code", "council_code", "level"]].assign(
            measure=measure, period=m["period"], quantity=m["quantity"], value=value.astype(float).round(6),
            marker_reason=reason, value_in_brackets=extra.astype(float).round(6)))
    return pd.concat(frames, ignore_index=True)


def _parse(raw: RawSheet, measure: str) -> pd.DataFrame:
    """Validate one Table_* sheet and return it tidy and long."""
    values, unexpected = _value_columns(raw)
    table = table_below_header(raw, ANCHOR, COLUMNS + values)
    _check_value_columns(raw, values, unexpected)
    for c in ("la_code", "la_name", "ons_code"):
        table[c] = table[c].astype(str).str.strip()
    _validate_ids(table, raw)
    table["council_code"] = _council_code(table["ons_code"])
    table["level"] = _level(table)
    return _long(table, values, raw, measure)


def _warnings(path: Path, data: pd.DataFrame, measure: str) -> DataQualityLog:
    """Warn about successor mappings and rows that are neither an aggregate nor a council."""
    log = DataQualityLog()
    rows = data.drop_duplicates("_row").to_dict("records")
    for r in rows:
        if pd.notna(r["council_code"]) and r["council_code"] != r["ons_code"]:
            log.warn(SOURCE, f"'{r['la_name']}' is published under the superseded code {r['ons_code']}; "
                     f"used for {r['council_code']}", file=str(path), sheet=measure, row=r["_row"])
        if r["level"] == "Other":
            log.warn(SOURCE, f"'{r['la_name']}' is not England, a region, a council type or a current council; "
                     f"kept with level 'Other'", file=str(path), sheet=measure, row=r["_row"])
    return log


def load_table(path: Path, table: str, cache_dir: Path | None = None) -> SourceTable:
    """Load one ASCOF Table_* sheet into a tidy long frame (area × period × quantity)."""
    path, sheet = Path(path), sheet_for(table)
    data = cached(path, cache_dir, f"ascof-{sheet}-v{LOADER_VERSION}",
                  lambda: _parse(read_raw(path, [sheet]), sheet))
    return SourceTable(data, path, str(data["period"].max()), False, _warnings(path, data, sheet))


def staff_turnover(path: Path, cache_dir: Path | None = None) -> SourceTable:
    """ASCOF 6a: % of staff in the formal care workforce leaving their role in the past 12 months."""
    return load_table(path, STAFF_TURNOVER, cache_dir)


def provider_ratings(path: Path, cache_dir: Path | None = None) -> SourceTable:
    """ASCOF 6b: residential adult social care providers rated outstanding / good / other / not yet rated."""
    return load_table(path, PROVIDER_RATINGS, cache_dir)
