"""CQC deactivated locations: the one place that knows its published layout.

File ``DD_Month_YYYY_Deactivated_Locations.ods`` (older ``.xlsx``; ``FILE_NAMES``), sheet ``Deactivated_Locations``,
sometimes after a ``README`` sheet. One row per location whose registration has ended, ever: the
file is cumulative, so only the latest one is needed. The header was row 1 in the 01 September
2026 file, but notices have appeared above the directory's header, so it is found by the cell
"Location ID".

Columns (``PUBLISHED_COLUMNS``): as read from the 01 September 2026 file [CODE] up to "Provider
Charity Number"; the provider columns after it are [INFERRED] from the directory's provider block
(only "Provider ID" and "Provider Name" are read). Values: "Location HSCA start date" and
"Location HSCA End Date" are DD/MM/YYYY text (real dates in some re-saves; the day/month order is
decided per column); "Care home?" Y/N; "Care homes beds at point location de-activated" 0 for
non-care homes; "Location Local Authority" is a name, mapped to an ONS code (names matching no
council are warned about and left without a code). Location IDs are ``1-`` + digits, or an NHS
ODS site code for NHS trust locations.

Checks: required columns present; IDs well formed and unique; beds whole and at least 0; end date
present; both dates within [1990-01-01, the file's vintage]; end date not before start date.
A change of provider ends one registration and starts another, so it shows as one exit here and
one entry in the directory; net change is unaffected.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Iterable

import pandas as pd

from helpers.councils import code_for_name
from helpers.errors import InputError
from helpers.load.cqc_directory import RATINGS
from helpers.load.file_names import FileNames, find, name_date
from helpers.load.reading import (Column, RawSheet, SourceTable, cached, check_unique, read_raw, sheet_lines,
                                  table_below_header, to_date, to_flag, to_number, unmatched_councils)

SOURCE = "CQC deactivated locations"
SHEETS = ("Deactivated_Locations", "Deactivated Locations")
ANCHOR = "Location ID"
FILE_NAMES = FileNames((r".*deactivated locations",), (".ods", ".xlsx"), "01_November_2026_Deactivated_Locations.ods",
                       dated=True)
LOADER_VERSION = "1"
EARLIEST = "1990-01-01"
ADULT_SOCIAL_CARE = "Adult social care"

LOCATION_COLUMNS = [
    "Location ID", "Location ODS Code", "Location Name", "Location Status", "Location HSCA start date",
    "Location HSCA End Date", "Care home?", "Care homes beds at point location de-activated", "Location Type/Sector",
    "Location Primary Inspection Category", "Location Inspection Directorate", "Location Region",
    "Location Primary NHS Region", "Location Local Authority", "Location ONSPD CCG Code", "Location ONSPD CCG",
    "Location Commissioning CCG Code", "Location Commissioning CCG Name", "Location Parliamentary Constituency",
    "Location Latitude", "Location Longitude", "Location Street Address", "Location Address Line 2", "Location City",
    "Location County", "Location Postal Code", "Location PAF ID", "Location UPRN ID", "Location Latest Overall Rating",
    "Publication Date", "Inherited Rating (Y/N)", "Brand ID", "Brand Name", "Provider Charity Number",
]
PROVIDER_COLUMNS = [  # [INFERRED] order and names after "Provider Charity Number"
    "Provider Companies House Number", "Provider ID", "Provider Name", "Provider HSCA start date",
    "Provider Type/Sector", "Provider Inspection Directorate", "Provider Primary Inspection Category",
    "Provider Ownership Type", "Provider Local Authority", "Provider Region", "Provider Postal Code",
]
# Every column of the published sheet, in order (what a writer of this layout should use).
PUBLISHED_COLUMNS = LOCATION_COLUMNS + PROVIDER_COLUMNS

# The mapping table: canonical name → published name(s).
COLUMNS = [
    Column("location_id", ("Location ID",)),
    Column("location_name", ("Location Name",)),
    Column("status", ("Location Status",), required=False),
    Column("start_date", ("Location HSCA start date",)),
    Column("end_date", ("Location HSCA End Date",)),
    Column("care_home", ("Care home?",)),
    Column("beds", ("Care homes beds at point location de-activated", "Care homes beds at point location deactivated",
                    "Care homes beds")),
    Column("location_type", ("Location Type/Sector",), required=False),
    Column("primary_category", ("Location Primary Inspection Category",), required=False),
    Column("directorate", ("Location Inspection Directorate",)),
    Column("region", ("Location Region",)),
    Column("local_authority", ("Location Local Authority",)),
    Column("overall_rating", ("Location Latest Overall Rating",), required=False),
    Column("rating_date", ("Publication Date",), required=False),
    Column("brand_id", ("Brand ID",), required=False),
    Column("brand_name", ("Brand Name",), required=False),
    Column("provider_id", ("Provider ID",)),
    Column("provider_name", ("Provider Name",)),
]
PUBLISHED = {c.canonical: c.published[0] for c in COLUMNS}
TEXT_FIELDS = ["location_id", "location_name", "status", "location_type", "primary_category", "directorate", "region",
               "local_authority", "brand_id", "brand_name", "provider_id", "provider_name"]
BY_YEAR_COLUMNS = ["year", "setting", "locations", "beds"]
SETTINGS = ("care_home", "other")
_LOCATION_ID = r"^(1-\d+|[A-Z][A-Z0-9]{2,9})$"
_VINTAGE = re.compile(r"as at\s+(\d{1,2})\s+(\w+)\s+(\d{4})", re.IGNORECASE)


def vintage_of(path: Path, readme: list[str]) -> pd.Timestamp:
    """Return the 'as at DD Month YYYY' date from the README lines, else DD_Month_YYYY from the file name."""
    found = [" ".join(m.groups()) for m in map(_VINTAGE.search, readme) if m]
    named = name_date(Path(path).name)
    found += [named.strftime("%d %B %Y")] if named else []
    dates = pd.to_datetime(pd.Series(found, dtype=str), format="%d %B %Y", errors="coerce").dropna()
    if dates.empty:
        raise InputError("cannot tell the file's vintage: no 'as at DD Month YYYY' line in a README sheet and no "
                         "DD_Month_YYYY in the file name", file=path)
    return dates.iloc[0]


def _fail(raw: RawSheet, table: pd.DataFrame, mask: pd.Series, column: str, message: Callable[[int], str]) -> None:
    """Raise an InputError for the first row where mask is True; message(i) words it for that row."""
    if mask.any():
        i = mask.idxmax()
        raise InputError(message(i), file=raw.file, sheet=raw.sheet, row=int(table.at[i, "_row"]),
                         column=PUBLISHED[column])


def _dates(table: pd.DataFrame, raw: RawSheet, latest: pd.Timestamp) -> tuple[pd.Series, pd.Series]:
    """Parse and check the start and end dates: end present, both in range, end not before start."""
    bounds = {"earliest": EARLIEST, "latest": str(latest.date())}
    start = to_date(table, "start_date", raw, published=PUBLISHED["start_date"], **bounds)
    end = to_date(table, "end_date", raw, published=PUBLISHED["end_date"], **bounds)
    _fail(raw, table, end.isna(), "end_date", lambda i: "no end date: every deactivated location must have one")
    _fail(raw, table, end < start, "end_date",
          lambda i: f"end date {end[i].date()} is before the start date {start[i].date()} "
                    f"('{PUBLISHED['start_date']}')")
    return start, end


def _parse(raw: RawSheet, vintage: pd.Timestamp) -> pd.DataFrame:
    """Validate the Deactivated_Locations sheet and return one tidy row per location."""
    table = table_below_header(raw, ANCHOR, COLUMNS)
    table["location_id"] = table["location_id"].astype(str).str.strip()
    _fail(raw, table, ~table["location_id"].str.match(_LOCATION_ID), "location_id",
          lambda i: f"expected a CQC location ID like '1-123456789' (or an NHS site code like 'RWDDA'), "
                    f"found '{table.at[i, 'location_id']}'")
    check_unique(table, "location_id", raw, published=PUBLISHED["location_id"])
    out = table[["_row", *TEXT_FIELDS]].copy()
    out["start_date"], out["end_date"] = _dates(table, raw, vintage)
    out["care_home"] = to_flag(table, "care_home", raw, published=PUBLISHED["care_home"])
    beds, _ = to_number(table, "beds", raw, minimum=0, integer=True, published=PUBLISHED["beds"])
    out["beds"] = beds.fillna(0).astype("int64")
    out["rating_date"] = to_date(table, "rating_date", raw, earliest=EARLIEST, latest=str(vintage.date()),
                                 published=PUBLISHED["rating_date"])
    rating = table["overall_rating"].astype(str).str.strip()
    out["overall_rating"] = rating.where(rating.isin(RATINGS), "Not yet rated")
    out["la_code"] = out["local_authority"].map(lambda n: code_for_name(n) if n else None)
    return out


def load(path: Path, cache_dir: Path | None = None) -> SourceTable:
    """Load a deactivated-locations file into a tidy frame (one row per deactivated location)."""
    path = Path(path)
    readme = sheet_lines(path, "README", cache_dir)
    vintage = vintage_of(path, readme)
    data = cached(path, cache_dir, f"cqc_deactivated-v{LOADER_VERSION}-{vintage:%Y%m%d}",
                  lambda: _parse(read_raw(path, SHEETS), vintage))
    synthetic = any("synthetic" in line.casefold() for line in readme)
    log = unmatched_councils(SOURCE, path, data, PUBLISHED["local_authority"])
    return SourceTable(data, path, vintage.strftime("%d %B %Y"), synthetic, log)


def load_latest(data_dir: Path, cache_dir: Path | None = None) -> SourceTable:
    """Load the most recent deactivated-locations file under data_dir (the file is cumulative)."""
    files = find(FILE_NAMES, data_dir, SOURCE)
    if not files:
        raise InputError(f"no CQC deactivated locations file found: expected a file named like "
                         f"'{FILE_NAMES.example}' under {data_dir}")
    return load(max(files, key=lambda p: vintage_of(p, sheet_lines(p, "README", cache_dir))), cache_dir)


def _by_year(frame: pd.DataFrame, date_column: str, la_code: str, directorate: str | None,
             years: Iterable[int] | None) -> pd.DataFrame:
    """Count locations and beds per calendar year of date_column, care homes vs other, for one council."""
    rows = frame[(frame["la_code"] == la_code) & frame[date_column].notna()]
    if directorate is not None:
        rows = rows[rows["directorate"].astype(str).str.casefold() == directorate.casefold()]
    rows = rows.assign(year=pd.to_datetime(rows[date_column]).dt.year.astype("int64"),
                       setting=rows["care_home"].map({True: "care_home", False: "other"}))
    counts = rows.groupby(["year", "setting"]).agg(locations=("year", "size"), beds=("beds", "sum"))
    span = list(years) if years is not None else (
        list(range(rows["year"].min(), rows["year"].max() + 1)) if len(rows) else [])
    grid = pd.MultiIndex.from_product([span, SETTINGS], names=["year", "setting"])
    out = counts.reindex(grid, fill_value=0).reset_index()
    return out.astype({"year": "int64", "locations": "int64", "beds": "int64"})[BY_YEAR_COLUMNS]


def exits_by_year(deactivated: pd.DataFrame, la_code: str, *, directorate: str | None = ADULT_SOCIAL_CARE,
                  years: Iterable[int] | None = None) -> pd.DataFrame:
    """Exits per calendar year of end date: year, setting (care_home/other), locations, beds at exit.

    Every year from the first to the last exit (or each of ``years``) appears for both settings,
    zero-filled; no exits and no ``years`` gives an empty frame with these columns.
    """
    return _by_year(deactivated, "end_date", la_code, directorate, years)


def entries_by_year(locations: pd.DataFrame, la_code: str, *, deactivated: pd.DataFrame | None = None,
                    directorate: str | None = ADULT_SOCIAL_CARE, years: Iterable[int] | None = None) -> pd.DataFrame:
    """Entries per calendar year of registration date, in the same shape as ``exits_by_year``.

    ``locations`` is a tidy CQC directory frame (registration_date, care_home, beds, la_code,
    directorate). The directory holds only locations still registered; pass ``deactivated`` to count
    also those that opened and have since closed (by their start date, beds as at closure).
    """
    frame = locations[["la_code", "directorate", "care_home", "beds", "registration_date"]]
    if deactivated is not None:
        closed = deactivated[["la_code", "directorate", "care_home", "beds", "start_date"]]
        frame = pd.concat([frame, closed.rename(columns={"start_date": "registration_date"})], ignore_index=True)
    return _by_year(frame, "registration_date", la_code, directorate, years)
