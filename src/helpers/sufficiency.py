"""Sufficiency: how much care is on the market — providers, locations and capacity."""
from __future__ import annotations

import pandas as pd

CARE_HOME_CATEGORIES = ["Residential", "Nursing"]
ALL_CARE_HOMES = "All care homes"


def active_adult_social_care(locations: pd.DataFrame, la_code: str) -> pd.DataFrame:
    """Locations of one council regulated by CQC's adult social care directorate and not dormant."""
    keep = (locations["la_code"] == la_code) & (locations["directorate"] == "Adult social care") & ~locations["dormant"]
    return locations[keep].copy()


def care_homes(locations: pd.DataFrame, la_code: str) -> pd.DataFrame:
    """The council's active care homes, each with its category: Nursing if registered for nursing, else Residential."""
    homes = active_adult_social_care(locations, la_code)
    homes = homes[homes["care_home"]].copy()
    homes["category"] = homes["svc_care_home_nursing"].map({True: "Nursing", False: "Residential"})
    return homes


def care_home_supply(homes: pd.DataFrame) -> pd.DataFrame:
    """Locations, providers and beds by category (Residential, Nursing) and for all care homes."""
    rows = []
    for name, part in [*((c, homes[homes["category"] == c]) for c in CARE_HOME_CATEGORIES), (ALL_CARE_HOMES, homes)]:
        rows.append({"category": name, "locations": int(len(part)),
                     "providers": int(part["provider_id"].nunique()), "beds": int(part["beds"].sum())})
    return pd.DataFrame(rows)
