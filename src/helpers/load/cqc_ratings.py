"""CQC latest ratings ("Care directory with ratings"): the one place that knows its published layout.

File ``DD_Month_YYYY_Latest_ratings.ods`` (``FILE_NAMES``; a CSV extract under another name is
recognised by its header, ``SIGNATURE``), sheets ``Locations`` and ``Providers``; we read
``Locations`` (or a CSV extract of it). Header row 1 in the files seen, but it is found by the
cell "Location ID". Long format: one row per location × "Service / Population Group" × Domain.
Columns: Location ID, Location ODS Code, Location Name, Care Home?, Location Type, Location
Primary Inspection Category, Location Street Address, Location Address Line 2, Location City,
Location Post Code, Location Local Authority, Location Region, Location NHS Region, Location
ONSPD CCG Code, Location ONSPD CCG, Location Commissioning CCG Code, Location Commissioning CCG
Name, Service / Population Group, Domain, Latest Rating, Publication Date, Report Type, Inherited
Rating (Y/N), URL, Provider ID, Provider Name, Brand ID, Brand Name.

Values: Domain is Overall/Safe/Effective/Caring/Responsive/Well-led; Latest Rating one of
``RATINGS``. Location IDs are ``1-`` + digits, except NHS trust sites, which carry their ODS
site code (e.g. ``RWDDA``). The location-level rating is Service / Population Group "Overall";
other groups (Care Homes, Homecare, Supported Living, …) rate one service of the location.
Publication Date is blank for "Not Rated"/"Not applicable" rows. The ODS holds real dates; CSV
re-saves hold DD/MM/YYYY or (a US-locale re-save) MM/DD/YYYY text — decided per column by ``to_date``.
``Location Local Authority`` is a name, mapped to an ONS code.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.councils import codes_for_names
from helpers.errors import InputError
from helpers.load.file_names import FileNames, name_date
from helpers.load.reading import (Column, RawSheet, SourceTable, cached, check_unique, read_raw,
                                     table_below_header, to_date, to_flag, unmatched_councils)

SOURCE = "CQC ratings"
SHEETS = ("Locations",)
ANCHOR = "Location ID"
FILE_NAMES = FileNames((r".*latest ratings",), (".ods", ".xlsx", ".csv"), "01_November_2026_Latest_ratings.ods",
                       dated=True)
SIGNATURE = ("Location ID", "Service / Population Group", "Domain", "Latest Rating")  # header cells of a CSV extract
LOADER_VERSION = "1"
CACHE_KEY = f"cqc_ratings-v{LOADER_VERSION}"  # the parsed file's name in the parquet cache
EARLIEST_RATING = "2013-01-01"

# The mapping table: canonical name → published name(s).
COLUMNS = [
    Column("location_id", ("Location ID",)),
    Column("location_name", ("Location Name",)),
    Column("care_home", ("Care Home?", "Care home")),
    Column("primary_category", ("Location Primary Inspection Category",)),
    Column("local_authority", ("Location Local Authority",)),
    Column("region", ("Location Region",)),
    Column("service_group", ("Service / Population Group", "Service/Population Group")),
    Column("domain", ("Domain", "Key Question")),
    Column("rating", ("Latest Rating",)),
    Column("publication_date", ("Publication Date",)),
    Column("provider_id", ("Provider ID",)),
    Column("provider_name", ("Provider Name",)),
    Column("brand_name", ("Brand Name",), required=False),
]
PUBLISHED = {c.canonical: c.published[0] for c in COLUMNS}
DOMAINS = ["Overall", "Safe", "Effective", "Caring", "Responsive", "Well-led"]
KEY_QUESTIONS = DOMAINS[1:]
RATINGS = ["Outstanding", "Good", "Requires improvement", "Inadequate", "Not Rated",
           "Insufficient evidence to rate", "Not applicable", "Regulations met"]
LOCATION_LEVEL = "Overall"
LOCATION_FIELDS = ["location_id", "location_name", "care_home", "primary_category", "local_authority", "la_code",
                   "region", "provider_id", "provider_name", "brand_name"]
_LOCATION_ID = r"^(1-\d+|[A-Z][A-Z0-9]{2,9})$"


def _fail(raw: RawSheet, table: pd.DataFrame, mask: pd.Series, column: str, message: str) -> None:
    """Raise an InputError for the first row where mask is True."""
    if mask.any():
        i = mask.idxmax()
        raise InputError(message.format(value=table.at[i, column]), file=raw.file, sheet=raw.sheet,
                         row=int(table.at[i, "_row"]), column=PUBLISHED[column])


def _canonical(table: pd.DataFrame, column: str, allowed: list[str], raw: RawSheet) -> pd.Series:
    """Map a coded text column onto its allowed spellings (case-insensitive); anything else is an error."""
    lookup = {a.casefold(): a for a in allowed}
    values = table[column].astype(str).str.strip().str.casefold().map(lookup)
    _fail(raw, table, values.isna(), column,
          "unknown value '{value}': expected one of " + ", ".join(repr(a) for a in allowed))
    return values.astype(object)


def _parse(raw: RawSheet) -> pd.DataFrame:
    """Validate the Locations sheet and return the tidy long ratings table."""
    table = table_below_header(raw, ANCHOR, COLUMNS)
    table["location_id"] = table["location_id"].astype(str).str.strip()
    _fail(raw, table, ~table["location_id"].str.match(_LOCATION_ID), "location_id",
          "expected a CQC location ID like '1-123456789' (or an NHS site code like 'RWDDA'), found '{value}'")
    out = table[["_row", "location_id", "location_name", "primary_category", "local_authority", "region",
                 "service_group", "provider_id", "provider_name", "brand_name"]].copy()
    out["care_home"] = to_flag(table, "care_home", raw, published=PUBLISHED["care_home"])
    out["domain"] = _canonical(table, "domain", DOMAINS, raw)
    out["rating"] = _canonical(table, "rating", RATINGS, raw)
    out["publication_date"] = to_date(table, "publication_date", raw, earliest=EARLIEST_RATING,
                                      latest=str(pd.Timestamp.today().date()), published=PUBLISHED["publication_date"])
    key = out["location_id"] + " / " + out["service_group"] + " / " + out["domain"]
    check_unique(out.assign(key=key), "key", raw,
                 published=f"{PUBLISHED['location_id']} + {PUBLISHED['service_group']} + {PUBLISHED['domain']}")
    out["la_code"] = codes_for_names(out["local_authority"])
    return out


def vintage_of(path: Path, ratings: pd.DataFrame) -> str:
    """Return the file's date from its name (DD_Month_YYYY), else the latest publication date in it."""
    named = name_date(Path(path).name)
    if named is not None:
        return named.strftime("%d %B %Y")
    latest = ratings["publication_date"].max()
    return f"ratings published to {latest:%d %B %Y}" if pd.notna(latest) else "unknown"


def load(path: Path, cache_dir: Path | None = None) -> SourceTable:
    """Load a latest-ratings file into a tidy long frame (location × service group × domain)."""
    path = Path(path)
    ratings = cached(path, cache_dir, CACHE_KEY, lambda: _parse(read_raw(path, SHEETS)))
    log = unmatched_councils(SOURCE, path, ratings, PUBLISHED["local_authority"])
    return SourceTable(ratings, path, vintage_of(path, ratings), False, log)


def key_questions(ratings: pd.DataFrame) -> pd.DataFrame:
    """Location-level rating of each key question: one row per location, columns Safe … Well-led."""
    level = ratings[(ratings["service_group"] == LOCATION_LEVEL) & ratings["domain"].isin(KEY_QUESTIONS)]
    wide = level.pivot(index="location_id", columns="domain", values="rating")
    wide = wide.reindex(index=ratings["location_id"].drop_duplicates(), columns=KEY_QUESTIONS)
    wide.columns.name = None
    return wide.reset_index()
