"""CQC care directory ("HSCA Active Locations"): the one place that knows its published layout.

File ``DD_Month_YYYY_HSCA_Active_Locations.ods`` (before 2024 ``.xlsx``; ``FILE_NAMES``); sheets ``README``
(holds "Source: CQC database as at DD Month YYYY") and ``HSCA_Active_Locations`` (older
``HSCA Active Locations``). The header row has moved (row 1, 7, 8): it is found by the cell
"Location ID". ``Location Local Authority`` is a name, mapped to an ONS code.
"""
from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import pandas as pd

from helpers.councils import codes_for_names
from helpers.errors import InputError
from helpers.load.file_names import FileNames, find, name_date, twin_error
from helpers.load.reading import (Column, RawSheet, SourceTable, cached, check_unique, file_hash, read_raw, sheet_lines,
                                  table_below_header, to_date, to_flag, to_number, unmatched_councils)

SOURCE = "CQC care directory"
SHEETS = ("HSCA_Active_Locations", "HSCA Active Locations")
ANCHOR = "Location ID"
FILE_NAMES = FileNames((r".*hsca active locations",), (".ods", ".xlsx", ".csv"),
                       "01_November_2026_HSCA_Active_Locations.ods", dated=True)
LOADER_VERSION = "2"
CACHE_KEY = f"cqc_directory-v{LOADER_VERSION}"  # the parsed snapshot's name in the parquet cache

REGULATED_ACTIVITIES = [
    "Accommodation for persons who require nursing or personal care",
    "Accommodation for persons who require treatment for substance misuse",
    "Assessment or medical treatment for persons detained under the Mental Health Act 1983",
    "Diagnostic and screening procedures", "Family planning services",
    "Management of supply of blood and blood derived products", "Maternity and midwifery services",
    "Nursing care", "Personal care", "Services for everyone", "Services in slimming clinics",
    "Surgical procedures", "Transport services, triage and medical advice provided remotely",
    "Treatment of disease, disorder or injury",
]
SERVICE_TYPES = [
    "Acute services with overnight beds", "Acute services without overnight beds / listed acute services with or without overnight beds",
    "Ambulance service", "Blood and Transplant service", "Care home service with nursing",
    "Care home service without nursing", "Community based services for people who misuse substances",
    "Community based services for people with a learning disability",
    "Community based services for people with mental health needs", "Community health care services - Nurses Agency only",
    "Community healthcare service", "Dental service", "Diagnostic and/or screening service",
    "Diagnostic and/or screening service - single handed sessional providers", "Doctors consultation service",
    "Doctors treatment service", "Domiciliary care service", "Extra Care housing services",
    "Hospice services", "Hospital services for people with mental health needs, learning disabilities and problems with substance misuse",
    "Long term conditions services", "Mobile doctors service", "Prison Healthcare Services",
    "Rehabilitation services", "Remote clinical advice service", "Residential substance misuse treatment and rehabilitation service",
    "Shared Lives", "Specialist college service", "Supported housing service", "Supported living service",
]
SERVICE_USER_BANDS = [
    "Children 0-18 years", "Dementia", "Learning disabilities or autistic spectrum disorder", "Mental Health",
    "Older People", "People detained under the Mental Health Act", "People who misuse drugs and alcohol",
    "People with an eating disorder", "Physical Disability", "Sensory Impairment", "Whole Population",
    "Younger Adults",
]
LOCATION_COLUMNS = [
    "Location ID", "Location HSCA start date", "Dormant (Y/N)", "Care home?", "Location Name", "Location ODS Code",
    "Location Telephone Number", "Registered manager", "Location Web Address", "Care homes beds",
    "Location Type/Sector", "Location Inspection Directorate", "Location Primary Inspection Category",
    "Location Latest Overall Rating", "Publication Date", "Inherited Rating (Y/N)", "Location Region",
    "Location NHS Region", "Location Local Authority", "Location ONSPD CCG Code", "Location ONSPD CCG",
    "Location Commissioning CCG Code", "Location Commissioning CCG", "Location Street Address",
    "Location Address Line 2", "Location City", "Location County", "Location Postal Code", "Location PAF ID",
    "Location UPRN ID", "Location Latitude", "Location Longitude", "Location Parliamentary Constituency",
    "Brand ID", "Brand Name", "Provider Companies House Number", "Provider Charity Number", "Provider ID",
    "Provider Name", "Provider HSCA start date", "Provider Type/Sector", "Provider Inspection Directorate",
    "Provider Primary Inspection Category", "Provider Ownership Type", "Provider Telephone Number",
    "Provider Web Address", "Provider Street Address", "Provider Address Line 2", "Provider City",
    "Provider County", "Provider Postal Code", "Provider PAF ID", "Provider UPRN ID", "Provider Local Authority",
    "Provider Region", "Provider NHS Region", "Provider Latitude", "Provider Longitude",
    "Provider Parliamentary Constituency", "Provider Nominated Individual Name", "Provider Main Partner Name",
]
# Every column of the published sheet, in order (the demo data writes exactly these).
PUBLISHED_COLUMNS = (
    LOCATION_COLUMNS
    + [f"Regulated activity - {a}" for a in REGULATED_ACTIVITIES]
    + [f"Service type - {s}" for s in SERVICE_TYPES]
    + [f"Service user band - {b}" for b in SERVICE_USER_BANDS]
    + ["Location Dual Registered", "Primary ID (Dual registration locations)"]
)

# The mapping table: canonical name → published name(s). Flags are Y/blank.
FLAGS = {
    "svc_care_home_nursing": "Service type - Care home service with nursing",
    "svc_care_home_residential": "Service type - Care home service without nursing",
    "svc_domiciliary": "Service type - Domiciliary care service",
    "svc_supported_living": "Service type - Supported living service",
    "svc_extra_care": "Service type - Extra Care housing services",
    "svc_shared_lives": "Service type - Shared Lives",
    "svc_community_learning_disability": "Service type - Community based services for people with a learning disability",
    "svc_community_mental_health": "Service type - Community based services for people with mental health needs",
    "band_dementia": "Service user band - Dementia",
    "band_learning_disability": "Service user band - Learning disabilities or autistic spectrum disorder",
    "band_mental_health": "Service user band - Mental Health",
    "band_older_people": "Service user band - Older People",
    "band_physical_disability": "Service user band - Physical Disability",
    "band_younger_adults": "Service user band - Younger Adults",
}
COLUMNS = [
    Column("location_id", ("Location ID",)),
    Column("registration_date", ("Location HSCA start date",)),
    Column("dormant", ("Dormant (Y/N)",)),
    Column("care_home", ("Care home?",)),
    Column("location_name", ("Location Name",)),
    Column("beds", ("Care homes beds", "Care home beds")),
    Column("directorate", ("Location Inspection Directorate",)),
    Column("primary_category", ("Location Primary Inspection Category",)),
    Column("overall_rating", ("Location Latest Overall Rating",)),
    Column("rating_date", ("Publication Date",)),
    Column("region", ("Location Region",)),
    Column("local_authority", ("Location Local Authority",)),
    Column("postcode", ("Location Postal Code",), required=False),
    Column("brand_id", ("Brand ID",), required=False),
    Column("brand_name", ("Brand Name",), required=False),
    Column("provider_id", ("Provider ID",)),
    Column("provider_name", ("Provider Name",)),
    *[Column(c, (p,)) for c, p in FLAGS.items()],
]
PUBLISHED = {c.canonical: c.published[0] for c in COLUMNS}
RATINGS = ["Outstanding", "Good", "Requires improvement", "Inadequate"]
_VINTAGE = re.compile(r"as at\s+(\d{1,2}\s+\w+\s+\d{4})", re.IGNORECASE)


def _date(text: str) -> pd.Timestamp | None:
    try:
        return pd.Timestamp(datetime.strptime(text, "%d %B %Y"))
    except ValueError:
        return None


def vintage_of(path: Path, cache_dir: Path | None = None) -> pd.Timestamp:
    """Return the 'CQC database as at' date from the README sheet, else from the file name."""
    path = Path(path)
    if not path.is_file():
        return _vintage_of(path, cache_dir)
    # remembered per version of the file (its content hash): a run asks for each snapshot's date several times
    # per council, and the answer depends only on the file's name and contents (a Timestamp cannot be changed)
    return _remembered_vintage(path, file_hash(path), None if cache_dir is None else Path(cache_dir))


@lru_cache(maxsize=256)
def _remembered_vintage(path: Path, digest: str, cache_dir: Path | None) -> pd.Timestamp:
    return _vintage_of(path, cache_dir)


def _vintage_of(path: Path, cache_dir: Path | None) -> pd.Timestamp:
    for line in sheet_lines(path, "README", cache_dir):
        m = _VINTAGE.search(line)
        if m and _date(m.group(1)) is not None:
            return _date(m.group(1))
    named = name_date(Path(path).name)
    if named is not None:
        return pd.Timestamp(named)
    raise InputError("cannot tell the directory's vintage: no 'Source: CQC database as at DD Month YYYY' line "
                     "in the README sheet and no DD_Month_YYYY in the file name", file=path)


def find_files(data_dir: Path, cache_dir: Path | None = None) -> list[Path]:
    """The directory snapshots under data_dir, oldest first (by vintage); two of one vintage are an InputError."""
    return in_vintage_order(find(FILE_NAMES, data_dir, SOURCE), cache_dir)


def in_vintage_order(files: list[Path], cache_dir: Path | None = None) -> list[Path]:
    """Directory snapshots oldest first; two as at the same date, however named, are an InputError naming both."""
    by_vintage: dict[pd.Timestamp, Path] = {}
    for path in files:
        when = vintage_of(path, cache_dir)
        if when in by_vintage:
            raise twin_error(SOURCE, f"{when:%d %B %Y}", [by_vintage[when], path])
        by_vintage[when] = path
    return [path for _, path in sorted(by_vintage.items())]


def _parse(raw: RawSheet) -> pd.DataFrame:
    table = table_below_header(raw, ANCHOR, COLUMNS)
    bad_id = ~table["location_id"].str.match(r"^1-\d+$")
    if bad_id.any():
        i = bad_id.idxmax()
        raise InputError(f"expected a CQC location ID like '1-123456789', found '{table.at[i, 'location_id']}'",
                         file=raw.file, sheet=raw.sheet, row=int(table.at[i, "_row"]), column="Location ID")
    check_unique(table, "location_id", raw, published="Location ID")
    out = table[["_row", "location_id", "location_name", "directorate", "primary_category", "region",
                 "local_authority", "postcode", "provider_id", "provider_name", "brand_id", "brand_name"]].copy()
    beds, _ = to_number(table, "beds", raw, minimum=0, integer=True, published=PUBLISHED["beds"])
    out["beds"] = beds.fillna(0).astype("int64")
    for flag in ["dormant", "care_home", *FLAGS]:
        out[flag] = to_flag(table, flag, raw, published=PUBLISHED[flag])
    out["registration_date"] = to_date(table, "registration_date", raw, published=PUBLISHED["registration_date"])
    out["rating_date"] = to_date(table, "rating_date", raw, published=PUBLISHED["rating_date"])
    rating = table["overall_rating"].astype(str).str.strip()
    out["overall_rating"] = rating.where(rating.isin(RATINGS), "Not yet rated")
    out["la_code"] = codes_for_names(out["local_authority"])
    return out


def load(path: Path, cache_dir: Path | None = None) -> SourceTable:
    """Load one directory snapshot into a tidy frame (one row per location, canonical columns)."""
    path = Path(path)
    raw_holder: dict[str, RawSheet] = {}

    def build() -> pd.DataFrame:
        raw_holder["raw"] = read_raw(path, SHEETS)
        return _parse(raw_holder["raw"])

    locations = cached(path, cache_dir, CACHE_KEY, build)
    log = unmatched_councils(SOURCE, path, locations, PUBLISHED["local_authority"])
    synthetic = any("synthetic" in line.casefold() for line in sheet_lines(path, "README", cache_dir))
    return SourceTable(locations, path, vintage_of(path, cache_dir).strftime("%d %B %Y"), synthetic, log)


def load_latest(data_dir: Path, cache_dir: Path | None = None) -> SourceTable:
    """Load the most recent directory snapshot found under data_dir."""
    files = find_files(data_dir, cache_dir)
    if not files:
        raise InputError(f"no CQC care directory found: expected a file named like '{FILE_NAMES.example}' "
                         f"under {data_dir}")
    return load(files[-1], cache_dir)
