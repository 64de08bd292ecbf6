"""The market assessment of one council × service: tables, charts, key figures and messages."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers import charts, narrative, quality, sufficiency
from helpers.councils import council
from helpers.errors import DataQualityLog, UsageError
from helpers.sources import cqc_directory
from helpers.tables import Table

SERVICES = ["care_homes", "home_care", "supported_living", "day_opportunities"]
SERVICE_TITLES = {"care_homes": "Care homes", "home_care": "Home care", "supported_living": "Supported living",
                  "day_opportunities": "Day opportunities"}


@dataclass
class Assessment:
    """Everything one service's chapter shows, all computed from the inputs."""

    council_code: str
    council_name: str
    service: str
    tables: list[Table]
    charts: list[charts.Chart]
    key_figures: dict[str, object]
    messages: list[str]
    sources: list[dict[str, object]]
    synthetic: bool
    log: DataQualityLog


def assess(service: str, data_dir: Path, council_code: str, cache_dir: Path | None = None) -> Assessment:
    """Compute the assessment of one service for one council from the files under data_dir."""
    if service not in ASSESSORS:
        raise UsageError(f"unknown service '{service}': expected one of {', '.join(ASSESSORS)}")
    return ASSESSORS[service](Path(data_dir), council(council_code), cache_dir)


def _care_homes(data_dir: Path, area: pd.Series, cache_dir: Path | None) -> Assessment:
    directory = cqc_directory.load_latest(data_dir, cache_dir)
    homes = sufficiency.care_homes(directory.data, area["code"])
    supply = sufficiency.care_home_supply(homes)
    ratings = quality.rating_distribution(homes)
    good = quality.percent_good_or_outstanding(homes)
    not_rated = int(ratings.set_index("rating").loc[quality.NOT_YET_RATED, "locations"])
    total = supply.set_index("category").loc[sufficiency.ALL_CARE_HOMES]
    key = {"care_home_locations": int(total["locations"]), "care_home_providers": int(total["providers"]),
           "care_home_beds": int(total["beds"]),
           "nursing_home_beds": int(supply.set_index("category").loc["Nursing", "beds"]),
           "care_home_pct_good_or_outstanding": None if good is None else round(good, 1),
           "care_home_not_yet_rated": not_rated}
    vintage = f"CQC database as at {directory.vintage}"
    return Assessment(
        council_code=area["code"], council_name=area["name"], service="care_homes",
        tables=[Table("supply", supply, f"Care homes in {area['name']} by category ({vintage})",
                      {"category": "Category", "locations": "Care homes", "providers": "Providers", "beds": "Beds"}),
                Table("ratings", ratings, f"Care homes in {area['name']} by CQC overall rating ({vintage})",
                      {"rating": "CQC overall rating", "locations": "Care homes", "percent": "% of care homes"},
                      {"percent": "pct"})],
        charts=[charts.rating_chart(ratings, area["name"])],
        key_figures=key,
        messages=narrative.care_home_messages(area["name"], supply, good, not_rated),
        sources=[{"source": cqc_directory.SOURCE, "file": directory.file.name, "vintage": directory.vintage,
                  "synthetic": directory.synthetic}],
        synthetic=directory.synthetic, log=directory.log)


ASSESSORS = {"care_homes": _care_homes}
