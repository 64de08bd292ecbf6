"""Synthetic CQC latest-ratings file (``DD_Month_YYYY_Latest_ratings``), in the real long layout.

Written as .xlsx, not the published .ods: odfpy takes minutes for the ~150,000 rows of every
council, and the loader reads both. Even openpyxl is too slow at that size, so ``write_xlsx``
writes the workbook XML directly (all cells text, one shared-string table, fixed zip times so the
same input gives the same bytes), a column at a time and streamed a few thousand rows at a time.

Sheets: README (says SYNTHETIC), ``Locations`` and ``Providers`` with the published columns.
``Locations`` has one row per location × "Service / Population Group" × Domain for every
location of the snapshot with a published rating; locations not yet inspected are left out, as
in the real file. Every rated location has the location-level group "Overall" (six rows:
Overall, Safe, Effective, Caring, Responsive, Well-led); about one in five care homes, home care
and supported living services also has its service's group ("Care Homes", "Homecare",
"Supported Living") with the same ratings, as in the real file. Key-question ratings equal the
overall rating or sit one step from it, about as often as in the real file; they are drawn from
the location ID, so a location keeps them across snapshots and councils do not affect each other.
Publication Date is DD/MM/YYYY text. CQC's ratings began in October 2014, so a snapshot rating
dated earlier (the synthetic directory draws some from 2011) is shown as published the same day
a whole number of years later, on or after 1 October 2014. ``Providers`` holds illustrative rows
for the multi-council care groups (the workbook reads ``Locations`` only).
"""
from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from helpers.demo.cqc import SYNTHETIC_NOTICE
from helpers.load.cqc_ratings import DOMAINS, KEY_QUESTIONS

LOCATION_COLUMNS = [
    "Location ID", "Location ODS Code", "Location Name", "Care Home?", "Location Type",
    "Location Primary Inspection Category", "Location Street Address", "Location Address Line 2", "Location City",
    "Location Post Code", "Location Local Authority", "Location Region", "Location NHS Region",
    "Location ONSPD CCG Code", "Location ONSPD CCG", "Location Commissioning CCG Code",
    "Location Commissioning CCG Name", "Service / Population Group", "Domain", "Latest Rating", "Publication Date",
    "Report Type", "Inherited Rating (Y/N)", "URL", "Provider ID", "Provider Name", "Brand ID", "Brand Name"]
PROVIDER_COLUMNS = [
    "Provider ID", "Provider ODS Code", "Provider Name", "Provider Type", "Provider Primary Inspection Category",
    "Provider Street Address", "Provider Address Line 2", "Provider City", "Provider Post Code",
    "Provider Local Authority", "Provider Region", "Provider NHS Region", "Service / Population Group", "Domain",
    "Latest Rating", "Publication Date", "Report Type", "Inherited Rating (Y/N)", "URL", "Brand ID", "Brand Name"]
NHS_REGION = {"North East": "North East and Yorkshire", "Yorkshire and The Humber": "North East and Yorkshire",
              "North West": "North West", "East Midlands": "Midlands", "West Midlands": "Midlands",
              "East of England": "East of England", "London": "London", "South East": "South East",
              "South West": "South West"}
SERVICE_GROUP = {"care_home": "Care Homes", "home_care": "Homecare", "supported_living": "Supported Living"}
FIRST_RATINGS = pd.Timestamp("2014-10-01")
SCALE = ["Outstanding", "Good", "Requires improvement", "Inadequate"]
SERVICE_GROUP_SHARE = 0.2
# Share of each key question rated one step better / worse than the overall rating (as in the real
# Lincolnshire extract: Caring and Responsive are more often better, Safe and Well-led worse).
KEY_QUESTION_MOVES = {"Safe": (0.02, 0.08), "Effective": (0.12, 0.08), "Caring": (0.16, 0.03),
                      "Responsive": (0.15, 0.02), "Well-led": (0.02, 0.07)}
_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CHUNK_ROWS = 5000


def _unit(ids: pd.Series, salt: str) -> np.ndarray:
    """A uniform number in [0, 1) per ID, fixed by the ID and salt (independent of the other rows)."""
    return np.array([zlib.crc32(f"{i}:{salt}".encode()) / 2 ** 32 for i in ids])


def _ods_code(ids: pd.Series) -> np.ndarray:
    """A made-up ODS-style code per location: 'V' and four letters or digits fixed by the ID."""
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    codes = (_unit(ids, "ods") * 36 ** 4).astype(int)
    return np.array(["V" + "".join(digits[c // 36 ** k % 36] for k in (3, 2, 1, 0)) for c in codes])


def publication_dates(rating_date: pd.Series) -> pd.Series:
    """Rating dates as DD/MM/YYYY, moved on by whole years when before CQC's first ratings (October 2014)."""
    dates = pd.to_datetime(rating_date)
    years = np.ceil(((FIRST_RATINGS - dates).dt.days / 365.25).clip(lower=0)).astype(int)
    moved = [d + pd.DateOffset(years=n) if n else d for d, n in zip(dates, years)]
    return pd.Series(moved, index=rating_date.index).dt.strftime("%d/%m/%Y")


def key_question_ratings(rated: pd.DataFrame) -> np.ndarray:
    """Ratings (locations × DOMAINS): Overall, then key questions equal to it or one step away."""
    overall = rated["rating"].map({r: i for i, r in enumerate(SCALE)}).to_numpy()
    grid = np.repeat(overall[:, None], len(DOMAINS), axis=1)
    for j, question in enumerate(KEY_QUESTIONS, start=1):
        better, worse = KEY_QUESTION_MOVES[question]
        u = _unit(rated["location_id"], question)
        step = np.where(u < better, -1, np.where(u < better + worse, 1, 0))
        grid[:, j] = np.clip(overall + step, 0, len(SCALE) - 1)
    return np.array(SCALE, dtype=object)[grid]


def _location_fields(rated: pd.DataFrame) -> pd.DataFrame:
    """The per-location columns of the Locations sheet (everything but group, domain, rating and date)."""
    care_home = rated["kind"] == "care_home"
    ids = rated["location_id"]
    return pd.DataFrame({
        "Location ID": ids, "Location ODS Code": _ods_code(ids), "Location Name": rated["name"],
        "Care Home?": np.where(care_home, "Y", "N"), "Location Type": "Social Care Org",
        "Location Primary Inspection Category": np.where(care_home, "Residential social care",
                                                         "Community based adult social care services"),
        "Location City": rated["la_name"], "Location Post Code": "ZZ99 9ZZ",
        "Location Local Authority": rated["la_name"], "Location Region": rated["region"],
        "Location NHS Region": rated["region"].map(NHS_REGION).fillna(""),
        "Publication Date": publication_dates(rated["rating_date"]), "Report Type": "Location",
        "Inherited Rating (Y/N)": "N", "URL": "http://www.cqc.org.uk/location/" + ids,
        "Provider ID": rated["provider_id"], "Provider Name": rated["provider_name"],
        "Brand ID": rated["brand_id"], "Brand Name": rated["brand_name"],
    }).reindex(columns=LOCATION_COLUMNS, fill_value="")


def locations_sheet(market_snapshot: pd.DataFrame) -> pd.DataFrame:
    """The Locations sheet: rated locations × service group × domain, in the published columns."""
    rated = market_snapshot[market_snapshot["rating"] != ""].reset_index(drop=True)
    ratings = key_question_ratings(rated)
    extra = rated["kind"].isin(list(SERVICE_GROUP)) & (_unit(rated["location_id"], "group") < SERVICE_GROUP_SHARE)
    position = np.concatenate([np.arange(len(rated)), np.flatnonzero(extra)])
    groups = np.concatenate([np.full(len(rated), "Overall", dtype=object),
                             rated.loc[extra, "kind"].map(SERVICE_GROUP).to_numpy(dtype=object)])
    order = np.argsort(position, kind="stable")
    position, groups = np.repeat(position[order], len(DOMAINS)), np.repeat(groups[order], len(DOMAINS))
    domain_index = np.tile(np.arange(len(DOMAINS)), len(order))
    sheet = _location_fields(rated).iloc[position].reset_index(drop=True)
    sheet["Service / Population Group"] = groups
    sheet["Domain"] = np.array(DOMAINS, dtype=object)[domain_index]
    sheet["Latest Rating"] = ratings[position, domain_index]
    return sheet


def providers_sheet(locations: pd.DataFrame) -> pd.DataFrame:
    """Illustrative Providers rows: each care group's most common overall rating and latest date."""
    level = locations[(locations["Brand ID"] != "-") & (locations["Service / Population Group"] == "Overall")
                      & (locations["Domain"] == "Overall")]
    rows = []
    for (provider_id, name, brand_id), group in level.groupby(["Provider ID", "Provider Name", "Brand ID"]):
        dates = pd.to_datetime(group["Publication Date"], format="%d/%m/%Y")
        first = group.iloc[0]
        for domain in DOMAINS:
            rows.append({
                "Provider ID": provider_id, "Provider Name": name, "Provider Type": "Social Care Org",
                "Provider Primary Inspection Category": "Residential social care",
                "Provider Local Authority": first["Location Local Authority"],
                "Provider Region": first["Location Region"], "Provider NHS Region": first["Location NHS Region"],
                "Service / Population Group": "Overall", "Domain": domain,
                "Latest Rating": group["Latest Rating"].mode().iloc[0],
                "Publication Date": dates.max().strftime("%d/%m/%Y"), "Report Type": "Provider",
                "Inherited Rating (Y/N)": "N", "URL": f"http://www.cqc.org.uk/provider/{provider_id}",
                "Brand ID": brand_id, "Brand Name": first["Brand Name"]})
    return pd.DataFrame(rows).reindex(columns=PROVIDER_COLUMNS, fill_value="")


def _shared_strings(sheets: dict[str, pd.DataFrame]) -> tuple[list[np.ndarray], list[str]]:
    """Each sheet's cells (header row first) as indices into one shared-string table, and the table.

    Strings are numbered in order of first appearance reading the sheets row by row, as ``pd.factorize``
    over every cell would number them, but a column at a time: England's ~5 million cells are never one
    array of Python strings.
    """
    columns, strings, positions = [], [], []
    offset = 0
    for frame in sheets.values():
        n, m = frame.shape
        for j in range(m):
            values = np.concatenate([np.array([frame.columns[j]], dtype=object),
                                     frame.iloc[:, j].astype(str).to_numpy(dtype=object)])
            codes, uniques = pd.factorize(values)
            first_row = np.unique(codes, return_index=True)[1]  # codes count up in order of first appearance
            uniques = np.asarray(uniques, dtype=object)
            columns.append((codes, uniques))
            strings.append(uniques)
            positions.append(offset + first_row * m + j)
        offset += (n + 1) * m
    first = pd.Series(np.concatenate(positions), index=np.concatenate(strings)).groupby(level=0, sort=False).min()
    table = pd.Index(first.sort_values(kind="stable").index)
    grids, k = [], 0
    for frame in sheets.values():
        m = frame.shape[1]
        grids.append(np.column_stack([table.get_indexer(uniques)[codes] for codes, uniques in columns[k:k + m]]))
        k += m
    return grids, table.tolist()


def _sheet_xml(cells: np.ndarray, lookup: np.ndarray) -> Iterator[str]:
    """One worksheet of shared-string indices (rows × columns of ints), a few thousand rows at a time."""
    yield f'{_XML}<worksheet xmlns="{_MAIN}"><sheetData>'
    for lo in range(0, len(cells), _CHUNK_ROWS):
        yield "".join("<row>" + "".join(r) + "</row>" for r in lookup[cells[lo:lo + _CHUNK_ROWS]].tolist())
    yield "</sheetData></worksheet>"


def _package_xml(names: list[str]) -> dict[str, str]:
    """The content types, relationships and workbook parts of an xlsx with these sheets and shared strings."""
    n = len(names)
    sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_CONTENT_TYPE}.worksheet+xml"/>'
                     for i in range(1, n + 1))
    relations = "".join(f'<Relationship Id="rId{i}" Type="{_DOC_RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                        for i in range(1, n + 1))
    return {
        "[Content_Types].xml": (
            f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CONTENT_TYPE}.sheet.main+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CONTENT_TYPE}.sharedStrings+xml"/>'
            f"{sheets}</Types>"),
        "_rels/.rels": (f'{_XML}<Relationships xmlns="{_PACKAGE_RELS}"><Relationship Id="rId1" '
                        f'Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}"><sheets>'
                            + "".join(f'<sheet name="{escape(name)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
                                      for i, name in enumerate(names)) + "</sheets></workbook>"),
        "xl/_rels/workbook.xml.rels": (
            f'{_XML}<Relationships xmlns="{_PACKAGE_RELS}">{relations}<Relationship Id="rId{n + 1}" '
            f'Type="{_DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'),
    }


def write_xlsx(path: Path, sheets: dict[str, pd.DataFrame]) -> None:
    """Write text-only sheets (header row = the frame's columns) as a minimal, byte-stable xlsx."""
    grids, strings = _shared_strings(sheets)
    lookup = np.array([f'<c t="s"><v>{i}</v></c>' for i in range(len(strings))], dtype=object)
    parts: dict[str, str | Iterator[str]] = _package_xml(list(sheets))
    parts["xl/sharedStrings.xml"] = (
        f'{_XML}<sst xmlns="{_MAIN}" count="{sum(g.size for g in grids)}" uniqueCount="{len(strings)}">'
        + "".join(f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in strings) + "</sst>")
    for i, grid in enumerate(grids):
        parts[f"xl/worksheets/sheet{i + 1}.xml"] = _sheet_xml(grid, lookup)
    # Every part deflated at level 1 and dated 1 January 1980 (ZipInfo's default), so the bytes are stable.
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, text in parts.items():
            with z.open(name, "w") as f:
                for chunk in [text] if isinstance(text, str) else text:
                    f.write(chunk.encode("utf-8"))


def write_ratings(market_snapshot: pd.DataFrame, as_at: pd.Timestamp, out_dir: Path) -> Path:
    """Write one snapshot's ratings as DD_Month_YYYY_Latest_ratings.xlsx (README, Locations, Providers)."""
    path = Path(out_dir) / f"{as_at.strftime('%d_%B_%Y')}_Latest_ratings.xlsx"
    locations = locations_sheet(market_snapshot)
    readme = pd.DataFrame({"Latest ratings": [
        SYNTHETIC_NOTICE, f"Ratings published up to {as_at.strftime('%d %B %Y')}",
        "Layout: the published Latest_ratings Locations and Providers sheets (same columns); xlsx rather than ODS.",
        "Only locations with a published rating are listed. The Providers rows are illustrative."]})
    path.parent.mkdir(parents=True, exist_ok=True)
    write_xlsx(path, {"README": readme, "Locations": locations, "Providers": providers_sheet(locations)})
    return path
