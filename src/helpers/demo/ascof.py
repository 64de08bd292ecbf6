"""Synthetic ASCOF time series (``ascof_YYYY_YY``) with Tables 6a and 6b in the real sheet layouts.

Written as .xlsx, not the published .ods (odfpy is slow; the loader reads both). Sheets: Cover
(says SYNTHETIC), Contents, Notes, ``Table_6a`` (staff turnover %, header on 0-based row 4) and
``Table_6b`` (residential providers rated outstanding / good / other / not yet rated / 6b ×
numerator / denominator / outcome, header on row 7), each for the two latest years. Rows in the
published order: England, the council types (S, U, M, I, O), the nine regions, then councils with
their ASCOF code, both ONS codes as published, except that Dorset is given as Dorset (E06000059)
rather than the superseded "Dorset County" row, and 6a's extra "Cornwall and Isles of Scilly" row
is left out. Aggregate rows cover only the councils written (6a: population-weighted mean; 6b:
sums), "[x]" where none are. Markers as in the real tables: Isles of Scilly has no 6a figures
([x], it is inside Cornwall in ASC-WDS), Cumberland and Westmorland and Furness no 2023-24 6b
figures ([x]), council types no 2023-24 6a figure ([z]), and about 2% of council 6a cells are
suppressed ([c]).

Table 6b counts the care homes of the synthetic CQC market active on 1 April after each
financial year, by their latest overall rating, so it agrees with the demo CQC files.
"""
from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

from helpers.councils import councils
from helpers.demo import cqc

# ASCOF (DH CASSR) code of each council, in the published row order; ASC-FR uses the same codes.
_CODES = """
E06000057:104 E08000037:106 E08000021:107 E08000022:108 E08000023:109 E08000024:110 E06000001:111 E06000002:112
E06000003:113 E06000004:114 E06000047:116 E06000005:117 E08000016:204 E08000017:205 E08000018:206 E08000019:207
E08000032:209 E08000033:210 E08000034:211 E08000035:212 E08000036:213 E06000011:214 E06000010:215 E06000012:216
E06000013:217 E06000065:218 E06000014:219 E08000001:304 E08000002:305 E08000003:306 E08000004:307 E08000005:308
E08000006:309 E08000007:310 E08000008:311 E08000009:312 E08000010:313 E08000011:315 E08000012:316 E08000014:317
E08000013:318 E08000015:319 E06000006:321 E06000007:322 E10000017:323 E06000008:324 E06000009:325 E06000049:326
E06000050:327 E10000031:404 E08000025:406 E08000026:407 E08000027:408 E08000028:409 E08000029:410 E08000030:411
E08000031:412 E10000028:413 E06000021:414 E06000019:415 E10000034:416 E06000051:417 E06000020:418 E10000019:503
E10000007:506 E06000015:507 E10000018:508 E06000016:509 E06000017:510 E10000024:511 E06000018:512 E10000015:606
E10000020:607 E10000025:608 E10000029:609 E06000032:611 E06000042:613 E06000036:614 E06000037:615 E06000038:616
E06000039:617 E06000040:618 E06000041:619 E10000012:620 E06000033:621 E06000034:622 E10000003:623 E06000031:624
E06000055:625 E06000056:626 E09000007:702 E09000011:703 E09000012:704 E09000013:705 E09000019:706 E09000020:707
E09000022:708 E09000023:709 E09000028:710 E09000030:711 E09000032:712 E09000033:713 E09000001:714 E09000002:716
E09000003:717 E09000004:718 E09000005:719 E09000006:720 E09000008:721 E09000009:722 E09000010:723 E09000014:724
E09000015:725 E09000016:726 E09000017:727 E09000018:728 E09000021:729 E09000024:730 E09000025:731 E09000026:732
E09000027:733 E09000029:734 E09000031:735 E06000058:738 E06000046:803 E10000030:805 E10000032:807 E06000059:809
E10000014:812 E06000044:813 E06000045:814 E10000011:815 E06000043:816 E06000054:817 E06000030:819 E10000016:820
E06000035:821 E06000052:902 E10000013:904 E06000066:905 E06000053:906 E06000022:908 E06000023:909 E06000024:910
E06000025:911 E10000008:912 E06000026:913 E06000027:914 E06000060:916 E06000061:Z9D4Z E06000062:U6Q5Z
E06000064:W8X1Q E06000063:H6X4G
"""
ASCOF_CODES: dict[str, str] = dict(pair.split(":") for pair in _CODES.split())
COUNCIL_TYPES = {"S": "Shire Counties", "U": "Unitary Authorities", "M": "Metropolitan Districts",
                 "I": "Inner London", "O": "Outer London"}
REGIONS = {"EM": "E12000004", "E": "E12000006", "L": "E12000007", "NE": "E12000001", "NW": "E12000002",
           "SE": "E12000008", "SW": "E12000009", "WM": "E12000005", "YH": "E12000003"}
FIRST_COLUMNS = ["Local authority code", "Local authority", "ONS area code"]
CATEGORIES = ["outstanding", "good", "other", "not yet rated", "6b"]
NO_6A = {"E06000053"}  # Isles of Scilly: inside Cornwall in the workforce data
NO_6B_FIRST_YEAR = {"E06000063", "E06000064"}  # Cumberland, Westmorland and Furness: new in 2023
SUPPRESSED_SHARE = 0.02
TABLE_6A_NOTES = [
    "Table 6a: the proportion of staff in the formal care workforce leaving their role in the past 12 months "
    "[note 17]",
    "This worksheet contains one table. Some cells make reference to notes which can be found on the notes worksheet.",
    "Outcome refers to the proportion of staff in the formal care workforce leaving their role in the past 12 "
    "months (%).",
    "Cells marked with an [x] indicate no data is available. Cells marked with an [c] indicate the figure has been "
    "suppressed. Cells marked with a [z] denotes data is not applicable. SYNTHETIC DEMO DATA.",
]
TABLE_6B_NOTES = [
    "Table 6b: the percentage of residential adult social care providers rated good or outstanding by CQC [note 18]",
    "This worksheet contains one table. Some cells refer to notes which can be found in the notes worksheet.",
    "Care providers inspected by the CQC can be rated 'outstanding', 'good', 'requires improvement' or "
    "'inadequate', if they have not been inspected they are considered 'not yet rated'. Other refers to care "
    "providers rated 'requires improvement' or 'inadequate'.",
    "Numerator refers to the number of residential adult social care providers rated good or outstanding by CQC.",
    "Denominator refers to the number of residential adult social care providers.",
    "Outcome refers to the proportion of residential adult social care providers rated good or outstanding by CQC "
    "(%).",
    "Cells marked with an [x] indicate no data is available. Cells marked with an [c] indicate the figure has been "
    "suppressed. Cells marked with a [z] denotes data is not applicable. SYNTHETIC DEMO DATA.",
]
COVER = [
    "Measures from the adult social care outcomes framework (ASCOF), England - time series of aggregated measures "
    "- SYNTHETIC DEMO DATA",
    cqc.SYNTHETIC_NOTICE.replace("CQC", "ASCOF"),
    "Invented figures in the published layout of Tables 6a and 6b, for trying the workbook. "
    "Never publish them as fact.",
    "Key",
    "[c] denotes the value is suppressed.\n[z] denotes data is not applicable. \n[x] denotes data is not available.",
]
CONTENTS = [
    ["Contents table: measure descriptions and the start year"],
    ["Metric", "Description", "Source", "Start year", "2022 to 2023 Code"],
    ["6A", "The proportion of staff in the formal care workforce leaving their role in the past 12 months",
     "Skills for Care Adult Social Care Workforce Data Set (ASC-WDS): 'Trended Data' download", "2023 to 2024",
     "Not applicable"],
    ["6B", "The percentage of residential adult social care providers rated good or outstanding by CQC",
     "Care Quality Commission: 'Care Directory with filters' data download", "2023 to 2024", "Not applicable"],
]
NOTES = [
    ["Notes"],
    ["This worksheet contains one table with a description of the notes referenced in this workbook."],
    ["Note number ", "Note text", "Note Link"],
    ["[note 17]", "Synthetic: Isles of Scilly is included within Cornwall, as in the ASC-WDS data used for metric 6a. "
                  "Numerator and denominator data are not presented for this measure.", "Not applicable"],
    ["[note 18]", "Synthetic: care homes of the demo CQC data active on 1 April after the year, by latest overall "
                  "rating.", "Not applicable"],
]


def _rng(seed: int, code: str) -> np.random.Generator:
    """This council's own random stream for ASCOF figures."""
    return np.random.default_rng([seed, zlib.crc32(code.encode()), zlib.crc32(b"ascof")])


def periods(year: int) -> list[str]:
    """The two financial years of the tables, e.g. ['2023 to 2024', '2024 to 2025'] for year 2025."""
    return [f"{y - 1} to {y}" for y in (year - 1, year)]


def council_type(code: str) -> str:
    """The ASCOF council-type letter of a council: S, U, M, I (Inner London, codes 702-714) or O."""
    if code.startswith("E09"):
        return "I" if int(ASCOF_CODES[code]) <= 714 else "O"
    return {"E10": "S", "E06": "U", "E08": "M"}[code[:3]]


def _chosen(council_codes: list[str]) -> pd.DataFrame:
    """The chosen councils in the published row order, with ASCOF code and council type."""
    table = councils().set_index("code")
    codes = [c for c in ASCOF_CODES if c in set(council_codes)]
    out = table.loc[codes, ["name", "region_code", "population_2020"]].reset_index()
    return out.assign(ascof=out["code"].map(ASCOF_CODES), kind=out["code"].map(council_type),
                      population=out["population_2020"].astype(float))


def _aggregates(chosen: pd.DataFrame, region_names: dict[str, str]) -> list[tuple[str, str, str, pd.Series]]:
    """(code, name, ONS code, mask of chosen councils) for England, the council types and the regions."""
    rows = [("England", "England", "E92000001", pd.Series(True, index=chosen.index))]
    rows += [(t, name, "[z]", chosen["kind"] == t) for t, name in COUNCIL_TYPES.items()]
    rows += [(r, region_names[ons], ons, chosen["region_code"] == ons) for r, ons in REGIONS.items()]
    return rows


def _region_names(east: str) -> dict[str, str]:
    """Region names by ONS code, with the East named as the table names it ('Eastern' or 'East of England')."""
    names = councils().drop_duplicates("region_code").set_index("region_code")["region_name"].to_dict()
    return {**names, "E12000006": east}


def _code_cell(ascof: str) -> object:
    """ASCOF codes are numbers in the published file, except the 5-character codes of the newest councils."""
    return int(ascof) if ascof.isdigit() else ascof


def _turnover(chosen: pd.DataFrame, seed: int) -> dict[str, list[object]]:
    """Each council's staff turnover % for the two years, or its markers ([x] no data, [c] suppressed)."""
    values = {}
    for _, c in chosen.iterrows():
        rng = _rng(seed, c["code"])
        first = float(np.clip(rng.normal(25, 4), 10, 40))
        pair = [round(first, 1), round(float(np.clip(first + rng.normal(-1, 3), 10, 40)), 1)]
        masks = rng.random(2) < SUPPRESSED_SHARE
        values[c["code"]] = ["[x]"] * 2 if c["code"] in NO_6A else ["[c]" if m else v for v, m in zip(pair, masks)]
    return values


def _weighted_mean(values: list[object], weights: list[float]) -> object:
    """Population-weighted mean of the numeric values, to 1 dp; [x] when there are none."""
    pairs = [(v, w) for v, w in zip(values, weights) if not isinstance(v, str)]
    if not pairs:
        return "[x]"
    return round(float(np.average([v for v, _ in pairs], weights=[w for _, w in pairs])), 1)


def table_6a(chosen: pd.DataFrame, seed: int, year: int) -> list[list[object]]:
    """Header and rows of Table_6a: staff turnover % for the two years."""
    values = _turnover(chosen, seed)
    rows: list[list[object]] = [FIRST_COLUMNS + [f"{p} - outcome" for p in periods(year)]]
    for code, name, ons, mask in _aggregates(chosen, _region_names("Eastern")):
        members = chosen[mask]
        means = [_weighted_mean([values[c][i] for c in members["code"]], members["population"].tolist())
                 for i in range(2)]
        rows.append([code, name, ons, "[z]" if code in COUNCIL_TYPES else means[0], means[1]])
    rows += [[_code_cell(c["ascof"]), c["name"], c["code"], *values[c["code"]]] for _, c in chosen.iterrows()]
    return rows


def care_home_counts(market: pd.DataFrame, chosen: pd.DataFrame, as_at: pd.Timestamp) -> pd.DataFrame:
    """Care homes active on a date per council (rows, ONS code) by rating category (columns CATEGORIES[:4])."""
    homes = cqc.snapshot(market[market["kind"] == "care_home"], as_at)
    category = homes["rating"].map({"Outstanding": "outstanding", "Good": "good", "Requires improvement": "other",
                                    "Inadequate": "other", "": "not yet rated"})
    code = homes["la_name"].map(chosen.set_index("name")["code"])
    return pd.crosstab(code, category).reindex(index=chosen["code"], columns=CATEGORIES[:4], fill_value=0)


def _6b_cells(counts: pd.Series) -> list[object]:
    """Numerator, denominator and outcome for each category from counts by category (denominator = all)."""
    counts = pd.concat([counts, pd.Series({"6b": counts["outstanding"] + counts["good"]})])
    total = int(counts[CATEGORIES[:4]].sum())
    return [x for c in CATEGORIES
            for x in (int(counts[c]), total, round(100 * counts[c] / total, 1) if total else "[x]")]


def table_6b(chosen: pd.DataFrame, market: pd.DataFrame, year: int) -> list[list[object]]:
    """Header and rows of Table_6b from the care homes of the synthetic CQC market."""
    header = FIRST_COLUMNS + [f"{p} - {c} {q}" for p in periods(year) for c in CATEGORIES
                              for q in ("numerator", "denominator", "outcome")]
    counts = [care_home_counts(market, chosen, pd.Timestamp(f"{y}-04-01")) for y in (year - 1, year)]
    missing = [chosen["code"].isin(NO_6B_FIRST_YEAR).to_numpy(), np.zeros(len(chosen), dtype=bool)]
    rows: list[list[object]] = [header]
    for code, name, ons, mask in _aggregates(chosen, _region_names("East of England")):
        cells = []
        for c, gone in zip(counts, missing):
            use = (mask.to_numpy() & ~gone)
            cells += _6b_cells(c[use].sum()) if use.any() else ["[x]"] * 15
        rows.append([code, name, ons, *cells])
    for i, c in chosen.iterrows():
        cells = []
        for year_counts, gone in zip(counts, missing):
            cells += ["[x]"] * 15 if gone[i] else _6b_cells(year_counts.loc[c["code"]])
        rows.append([_code_cell(c["ascof"]), c["name"], c["code"], *cells])
    return rows


def _market(chosen: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The synthetic CQC market of the chosen councils, drawn as the demo CQC files draw it."""
    table = councils()
    rows = table[table["code"].isin(chosen["code"])]
    return pd.concat([cqc.council_market(row, seed, start_id=0) for _, row in rows.iterrows()], ignore_index=True)


def write_ascof(council_codes: list[str], seed: int, out_dir: Path, market: pd.DataFrame | None = None,
                year: int = 2025) -> Path:
    """Write ascof_YYYY_YY.xlsx (Cover, Contents, Notes, Table_6a, Table_6b) for these councils."""
    chosen = _chosen(council_codes)
    market = _market(chosen, seed) if market is None else market
    path = Path(out_dir) / f"ascof_{year - 1}_{year % 100:02d}.xlsx"
    wb = Workbook(write_only=True)
    sheets = {"Cover": [[line] for line in COVER], "Contents": CONTENTS, "Notes": NOTES,
              "Table_6a": [[n] for n in TABLE_6A_NOTES] + table_6a(chosen, seed, year),
              "Table_6b": [[n] for n in TABLE_6B_NOTES] + table_6b(chosen, market, year)}
    for name, rows in sheets.items():
        sheet = wb.create_sheet(name)
        for row in rows:
            sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
