"""NHS England ASC-FR (Adult Social Care Activity and Finance Report): every published CSV layout.

One loader, three header layouts, told apart by their header row (found by the cell
``GEOGRAPHY_CODE``, or ``Council Code`` for 2015-16 — never a fixed row):

* ``data_file`` — the long "data file" CSVs, one value per row:
  - current (2019-20 on) ``ASC-FR Data File (descriptions) v2_YYYY.csv``: GEOGRAPHY_LEVEL,
    DATA_LEVEL, UUID, FY_ENDING, CASSR, GEOGRAPHY_CODE, DH_GEOGRAPHY_NAME, REGION_GO_CODE,
    GEOGRAPHY_NAME, DimensionGroup, CareType, FinanceType, FinanceDescription, AgeBand ("18 to
    64", "65 and Over"), PrimarySupportReason, SupportSetting ("Community: Home Care", …,
    "Residential", "Nursing"), Purpose, CarerSupportType, DataType, ActivityProvision,
    ComparativeTotals, DataSource, ValueType (Numerator / Denominator / UNIT COST / blank),
    ITEMVALUE; dimension values are descriptions.
  - 2017-18 and 2018-19: the same with dimension headers suffixed ``_Key``.
  - 2016-17 ``CSV ASCFR Activity.csv``: UUID, FY_Ending, CASSR_CODE, GEOGRAPHY_CODE,
    REGION_GO_CODE, DataType_KEY, AgeBand_KEY, PrimarySupportReason_KEY, CareType_KEY,
    SupportSetting_KEY, Purpose_KEY, ActivityProvision_KEY, ItemValue (20,125 rows = 125 UUIDs ×
    161 geographies). ``CSV ASCFR Additional.csv``: UUID, FY_Ending, CASSR_CODE, GEOGRAPHY_CODE,
    REGION_GO_CODE, DataSource_KEY, Datatype_KEY, AgeBand_KEY, FinanceType_KEY,
    PrimarySupportReason_KEY, ComparativeTotals_KEY, ItemValue (5,152 rows = 32 UUIDs × 161).
    Dimension values are numeric codes with no description in the file; they are kept as codes.
    Matched on UUID with the 2015-16 file they read: DataType 1 Mandatory, 2 Voluntary; AgeBand
    1 "18 to 64", 2 "65 and over", 3 "65 to 74", 4 "75 to 84", 5 "85 and over";
    PrimarySupportReason 4 Learning disability, 5 Mental health, 6 Physical, 7 Sensory, 13
    Memory and cognition; CareType 2 Long term, 4 Short term; SupportSetting 6 Nursing, 7
    Residential; Purpose 2 To maximise independence; ActivityProvision 2 External, 3 In house.
    Activity values there (and in 2015-16) are weeks of care — days ÷ 7 (52.142857 = one person
    all year) — not numbers of people.
  In all of them the 151 councils (CASSRs) come first; then region and England rows with CASSR
  and GEOGRAPHY_CODE blank and REGION_GO_CODE ``E12…``/``E92000001``. ItemValue ``:`` means
  suppressed.
* ``totals`` — 2016-17 ``CSV ASCFR Totals.csv``: FY_Ending, CASSR_CODE, GEOGRAPHY_CODE,
  REGION_GO_CODE, CareType_KEY, AgeBand_KEY, PrimarySupportReason_KEY, SupportSetting_KEY,
  Purpose_KEY, CarerSupportType_KEY, DataType_KEY, then six money columns (£ thousands)
  TOTALEXPENDITURE, TOTALINCOME, NETTOTALEXPENDITURE, GROSSTOTALEXPENDITURE,
  NETCURRENTEXPENDITURE, GROSSCURRENTEXPENDITURE (41,699 rows = 259 per geography × 161; no
  UUID). Melted to one row per money column, named in ``measure``. Income and net values can be
  negative.
* ``activity_2015_16`` — ``pss-exp-eng-15-16-fin-act.csv``: UUID, Council Code, Council Name,
  Care Type (Long term / Short term), Activity Provision (In house / External), Age Bands ("Age
  18 to 64", "Age 65 and over", "Age 65 to 74", "Age 75 to 84", "Age 85 and over"), Primary
  support reason, Long Term Support Setting (Residential / Nursing / "-"), Short Term Purpose
  ("-" / To maximise independence), Data Type (Mandatory / Voluntary), Value (blank = missing),
  Notes ("Estimate"). 19,000 rows = 125 UUIDs × 152 councils; no region/England rows, no ONS
  code and no year: the year comes from the file name ("15-16" → 2016) and the ONS code from
  the council name (``helpers.councils.code_for_name``, today's codes — councils since merged
  or split match none, and are warned about).

Tidy result, one row per value: ``fy_ending`` (year the financial year ends), ``geography_level``
(CASSR / Region / England), ``geography_code`` (ONS code; the region/England code on aggregate
rows), ``geography_name`` (a council row's from DH_GEOGRAPHY_NAME: its GEOGRAPHY_NAME is the
region's), ``cassr_code``, ``region_code``, ``uuid`` when the file has one, each
dimension column present in the file (canonical names below), ``measure`` (totals only),
``value`` (float, NaN when suppressed or blank), ``marker_reason`` (why value is NaN), ``note``
(2015-16 only) and ``_row`` (spreadsheet row). Activity-only files (ActivityProvision and no
FinanceType) must not hold negative values.
"""
from __future__ import annotations

import re
from functools import reduce
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.councils import code_for_name, councils
from helpers.errors import DataQualityLog, InputError
from helpers.load.file_names import FileNames
from helpers.load.reading import (HEADER_SEARCH_ROWS, Column, RawSheet, SourceTable, cached, check_unique,
                                     locate_header, read_raw, table_below_header, to_number)

SOURCE = "ASC-FR"
FILE_NAMES = FileNames((r".*asc-fr.*", r".*ascfr.*", r"pss-exp-.*"), (".csv",),
                       "ASC-FR Data File (descriptions) v2_2025.csv")
ANCHORS = ("GEOGRAPHY_CODE", "Council Code")
LOADER_VERSION = "2"  # 2: council names from DH_GEOGRAPHY_NAME
FY_RANGE = (2000, 2100)

# The mapping table: canonical name → (published name(s) in the ASC-FR data files, matched
# case-insensitively so "AgeBand_Key" and "AgeBand_KEY" are one name; name in the 2015-16 file).
COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "uuid": (("UUID",), ("UUID",)),
    "fy_ending": (("FY_ENDING",), ()),
    "cassr_code": (("CASSR", "CASSR_CODE"), ("Council Code",)),
    "geography_code": (("GEOGRAPHY_CODE",), ()),
    "geography_name": (("GEOGRAPHY_NAME", "DH_GEOGRAPHY_NAME"), ("Council Name",)),
    "region_code": (("REGION_GO_CODE",), ()),
    "dimension_group": (("DimensionGroup", "DimensionGroup_Key"), ()),
    "care_type": (("CareType", "CareType_Key"), ("Care Type",)),
    "finance_type": (("FinanceType", "FinanceType_Key"), ()),
    "finance_description": (("FinanceDescription", "FinanceDescription_Key"), ()),
    "age_band": (("AgeBand", "AgeBand_Key"), ("Age Bands",)),
    "primary_support_reason": (("PrimarySupportReason", "PrimarySupportReason_Key"), ("Primary support reason",)),
    "support_setting": (("SupportSetting", "SupportSetting_Key"), ("Long Term Support Setting",)),
    "purpose": (("Purpose", "Purpose_Key"), ("Short Term Purpose",)),
    "carer_support_type": (("CarerSupportType", "CarerSupportType_Key"), ()),
    "data_type": (("DataType", "DataType_Key"), ("Data Type",)),
    "activity_provision": (("ActivityProvision", "ActivityProvision_Key"), ("Activity Provision",)),
    "comparative_totals": (("ComparativeTotals", "ComparativeTotals_Key"), ()),
    "data_source": (("DataSource", "DataSource_Key"), ()),
    "value_type": (("ValueType", "ValueType_Key"), ()),
    "value": (("ITEMVALUE",), ("Value",)),
    "note": ((), ("Notes",)),
    "total_expenditure": (("TOTALEXPENDITURE",), ()),
    "total_income": (("TOTALINCOME",), ()),
    "net_total_expenditure": (("NETTOTALEXPENDITURE",), ()),
    "gross_total_expenditure": (("GROSSTOTALEXPENDITURE",), ()),
    "net_current_expenditure": (("NETCURRENTEXPENDITURE",), ()),
    "gross_current_expenditure": (("GROSSCURRENTEXPENDITURE",), ()),
}
DIMENSIONS = ["dimension_group", "care_type", "finance_type", "finance_description", "age_band",
              "primary_support_reason", "support_setting", "purpose", "carer_support_type", "data_type",
              "activity_provision", "comparative_totals", "data_source", "value_type"]
MEASURES = ["total_expenditure", "total_income", "net_total_expenditure", "gross_total_expenditure",
            "net_current_expenditure", "gross_current_expenditure"]
_GEOGRAPHY = ["fy_ending", "cassr_code", "geography_code", "region_code"]
REQUIRED = {
    "data_file": ["uuid", *_GEOGRAPHY, "value"],
    "totals": [*_GEOGRAPHY, *MEASURES],
    "activity_2015_16": ["uuid", "cassr_code", "geography_name", "care_type", "activity_provision", "age_band",
                         "primary_support_reason", "support_setting", "purpose", "data_type", "value"],
}
OPTIONAL = {
    "data_file": ["geography_name", *DIMENSIONS],
    "totals": ["geography_name", *DIMENSIONS],
    "activity_2015_16": ["note"],
}
_ONS_CODE = re.compile(r"^[EWSN]\d{8}$")
_FY_IN_NAME = re.compile(r"(?<!\d)(\d{2})-(\d{2})(?!\d)")


def _names(layout: str, name: str) -> tuple[str, ...]:
    """The published names of one canonical column in one layout, from the mapping table."""
    return COLUMNS[name][1 if layout == "activity_2015_16" else 0]


# Council rows of the data files carry the council's name in DH_GEOGRAPHY_NAME and their region's
# name in GEOGRAPHY_NAME; region and England rows have GEOGRAPHY_NAME only. ``geography_name`` is
# DH_GEOGRAPHY_NAME where present, else GEOGRAPHY_NAME.
COUNCIL_NAME = Column("council_name", ("DH_GEOGRAPHY_NAME",), required=False)


def _columns(layout: str) -> list[Column]:
    """The Column list of one layout."""
    return [Column(name, _names(layout, name), required=name in REQUIRED[layout])
            for name in REQUIRED[layout] + OPTIONAL[layout]] + ([] if layout == "activity_2015_16" else [COUNCIL_NAME])


def _find_header(raw: RawSheet) -> tuple[str, list[str]]:
    """Return the anchor that was found and the header row's cells."""
    for anchor in ANCHORS:
        try:
            h = locate_header(raw, anchor)
        except InputError:
            continue
        return anchor, [str(v).strip() for v in raw.cells.iloc[h]]
    raise InputError(f"header row not found: no cell {' or '.join(repr(a) for a in ANCHORS)} in the first "
                     f"{HEADER_SEARCH_ROWS} rows", file=raw.file, sheet=raw.sheet)


def layout_of(header: list[str]) -> str:
    """Tell the layout from a header row: 'activity_2015_16', 'totals' or 'data_file'."""
    folded = {h.casefold() for h in header}
    if "council code" in folded:
        return "activity_2015_16"
    if folded & {COLUMNS[m][0][0].casefold() for m in MEASURES}:
        return "totals"
    return "data_file"


def _header_names(header: list[str], layout: str) -> dict[str, str]:
    """Canonical name → the header cell it was found under, for the layout's columns in this header."""
    by_fold = {h.casefold(): h for h in reversed(header) if h}
    found = {name: next((by_fold[p.casefold()] for p in _names(layout, name) if p.casefold() in by_fold), None)
             for name in REQUIRED[layout] + OPTIONAL[layout]}
    return {name: cell for name, cell in found.items() if cell is not None}


def _check_codes(table: pd.DataFrame, column: str, raw: RawSheet, published: str) -> None:
    """Non-blank codes must be ONS codes (E, W, S or N and 8 digits)."""
    bad = (table[column] != "") & ~table[column].str.match(_ONS_CODE)
    if bad.any():
        i = bad.idxmax()
        raise InputError(f"expected an ONS code like 'E10000019', found '{table.at[i, column]}'", file=raw.file,
                         sheet=raw.sheet, row=int(table.at[i, "_row"]), column=published)


def _fy_from_column(table: pd.DataFrame, raw: RawSheet, published: str) -> pd.Series:
    """Parse FY_ENDING as a whole year within FY_RANGE."""
    values, reasons = to_number(table, "fy_ending", raw, integer=True, published=published)
    bad = reasons.notna() | (values < FY_RANGE[0]) | (values > FY_RANGE[1])
    if bad.any():
        i = bad.idxmax()
        raise InputError(f"expected the year the financial year ends ({FY_RANGE[0]}–{FY_RANGE[1]}), "
                         f"found '{table.at[i, 'fy_ending']}'", file=raw.file, sheet=raw.sheet,
                         row=int(table.at[i, "_row"]), column=published)
    return values.astype("int64")


def _fy_from_name(path: Path) -> int:
    """The year a financial year ends, from a 'YY-YY' in the file name (2015-16 layout has no year column)."""
    m = _FY_IN_NAME.search(path.name)
    if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
        raise InputError("cannot tell the financial year: this layout has no year column and the file name has "
                         "no 'YY-YY' such as '15-16'", file=path)
    return 2000 + int(m.group(2))


def _geography(table: pd.DataFrame, raw: RawSheet, layout: str, names: dict[str, str]) -> pd.DataFrame:
    """fy_ending, geography level/code/name, cassr and region code for every row."""
    out = pd.DataFrame({"cassr_code": table["cassr_code"].str.strip()}, index=table.index)
    if layout == "activity_2015_16":
        out["fy_ending"] = _fy_from_name(raw.file)
        out["geography_code"] = table["geography_name"].map(lambda n: code_for_name(n) or "")
        out["region_code"] = out["geography_code"].map(councils().set_index("code")["region_code"]).fillna("")
    else:
        out["fy_ending"] = _fy_from_column(table, raw, names["fy_ending"])
        for name in ("geography_code", "region_code"):
            table[name] = table[name].str.strip()
            _check_codes(table, name, raw, names[name])
        out["geography_code"] = table["geography_code"].where(table["geography_code"] != "", table["region_code"])
        out["region_code"] = table["region_code"]
        blank = out["geography_code"] == ""
        if blank.any():
            i = blank.idxmax()
            raise InputError("no GEOGRAPHY_CODE and no REGION_GO_CODE: cannot tell whose value this is",
                             file=raw.file, sheet=raw.sheet, row=int(table.at[i, "_row"]))
    out["geography_level"] = np.select([out["geography_code"].str.startswith("E92"),
                                        out["geography_code"].str.startswith("E12")], ["England", "Region"], "CASSR")
    name = table["geography_name"].str.strip()
    if COUNCIL_NAME.canonical in table:  # the council's own name, not its region's (COUNCIL_NAME)
        council_name = table[COUNCIL_NAME.canonical].str.strip()
        name = council_name.where(council_name != "", name)
    out["geography_name"] = name
    return out[["fy_ending", "geography_level", "geography_code", "geography_name", "cassr_code", "region_code"]]


def _values(table: pd.DataFrame, column: str, raw: RawSheet, published: str, minimum: float | None
            ) -> tuple[np.ndarray, np.ndarray]:
    """Parse one value column: floats with NaN for markers/blanks, and the reasons (None when there is a value)."""
    values, reasons = to_number(table, column, raw, minimum=minimum, published=published)
    return values.to_numpy(dtype=float, na_value=np.nan), np.where(reasons.isna(), None, reasons.to_numpy(object))


def _parse(raw: RawSheet) -> pd.DataFrame:
    """Tidy one ASC-FR CSV of any known layout."""
    anchor, header = _find_header(raw)
    layout = layout_of(header)
    table = table_below_header(raw, anchor, _columns(layout))
    names = _header_names(header, layout)
    dims = [d for d in DIMENSIONS if d in names]
    keep = (["uuid"] if "uuid" in table else []) + dims
    base = pd.concat([_geography(table, raw, layout, names), table[keep].apply(lambda s: s.str.strip())], axis=1)
    key = ["fy_ending", "cassr_code", "geography_code", *keep]
    keyed = base.assign(_key=reduce(lambda a, b: a + " / " + b, (base[k].astype(str) for k in key)),
                        _row=table["_row"])
    check_unique(keyed, "_key", raw, published="+".join(names[k] for k in key if k in names))
    if layout == "totals":
        frames = []
        for m in MEASURES:
            values, reasons = _values(table, m, raw, names[m], None)
            frames.append(base.assign(measure=m, value=values, marker_reason=reasons, _row=table["_row"]))
        return pd.concat(frames, ignore_index=True)
    activity_only = layout == "activity_2015_16" or ("activity_provision" in dims and "finance_type" not in dims)
    values, reasons = _values(table, "value", raw, names["value"], 0 if activity_only else None)
    out = base.assign(value=values, marker_reason=reasons)
    if "note" in names:
        out["note"] = table["note"].str.strip()
    out["_row"] = table["_row"]
    return out.reset_index(drop=True)


def load(path: Path, cache_dir: Path | None = None) -> SourceTable:
    """Load one ASC-FR CSV (any known layout) into the tidy long frame."""
    path = Path(path)
    frame = cached(path, cache_dir, f"ascfr-v{LOADER_VERSION}", lambda: _parse(read_raw(path)))
    log = DataQualityLog()
    unmatched = frame[(frame["geography_code"] == "") & (frame["geography_name"] != "")]
    for name, group in unmatched.groupby("geography_name"):
        log.warn(SOURCE, f"council '{name}' (CASSR {group['cassr_code'].iloc[0]}) matches no current council: its "
                 f"{len(group)} value(s) have no ONS code (first at row {int(group['_row'].min())})",
                 file=str(path), column="Council Name")
    fy = int(frame["fy_ending"].max())
    return SourceTable(frame, path, f"{fy - 1}-{fy % 100:02d}", False, log)
