"""Quality: the CQC overall ratings of the market's locations."""
from __future__ import annotations

import pandas as pd

RATED = ["Outstanding", "Good", "Requires improvement", "Inadequate"]
NOT_YET_RATED = "Not yet rated"
RATING_ORDER = [*RATED, NOT_YET_RATED]


def rating_distribution(locations: pd.DataFrame) -> pd.DataFrame:
    """Count and % of locations by latest CQC overall rating (% of all locations, not-yet-rated included)."""
    counts = locations["overall_rating"].value_counts().reindex(RATING_ORDER, fill_value=0).astype(int)
    total = int(counts.sum())
    percent = (counts / total * 100) if total else counts * float("nan")
    return pd.DataFrame({"rating": RATING_ORDER, "locations": counts.to_numpy(), "percent": percent.to_numpy()})


def percent_good_or_outstanding(locations: pd.DataFrame) -> float | None:
    """% of rated locations rated Good or Outstanding (as ASCOF 2B(2)/Table_6b); None when none is rated."""
    rated = locations["overall_rating"].isin(RATED)
    if not rated.any():
        return None
    good = locations["overall_rating"].isin(["Outstanding", "Good"])
    return float(good.sum() / rated.sum() * 100)
