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


def good_or_outstanding_by(locations: pd.DataFrame, by: str = "category") -> pd.DataFrame:
    """Per group (e.g. residential vs nursing): locations, rated, rated Good or Outstanding and its % of rated."""
    rows = []
    for name, part in locations.groupby(by, sort=True):
        rated = int(part["overall_rating"].isin(RATED).sum())
        good = int(part["overall_rating"].isin(["Outstanding", "Good"]).sum())
        rows.append({by: name, "locations": int(len(part)), "rated": rated, "good_or_outstanding": good,
                     "percent": good / rated * 100 if rated else None})
    return pd.DataFrame(rows, columns=[by, "locations", "rated", "good_or_outstanding", "percent"])


def rating_change(baseline: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """Locations by overall rating at a baseline and now, with the change in count and in percentage points."""
    before, now = rating_distribution(baseline), rating_distribution(current)
    out = pd.DataFrame({"rating": RATING_ORDER, "baseline": before["locations"], "baseline_pct": before["percent"],
                        "current": now["locations"], "current_pct": now["percent"]})
    out["change"] = out["current"] - out["baseline"]
    out["change_pct_points"] = out["current_pct"] - out["baseline_pct"]
    return out


def key_question_breakdown(key_questions: pd.DataFrame, location_ids: pd.Series) -> pd.DataFrame:
    """For the given locations, the count of each rating per key question (Safe … Well-led)."""
    wide = key_questions[key_questions["location_id"].isin(set(location_ids))]
    questions = [c for c in wide.columns if c != "location_id"]
    rows = []
    for q in questions:
        counts = wide[q].value_counts()
        rows.append({"key_question": q, **{r: int(counts.get(r, 0)) for r in RATED},
                     "rated": int(wide[q].isin(RATED).sum())})
    out = pd.DataFrame(rows, columns=["key_question", *RATED, "rated"])
    out["percent_good_or_outstanding"] = ((out["Outstanding"] + out["Good"]) / out["rated"].where(out["rated"] > 0)
                                          * 100).astype(float)
    return out


def ascof_good_or_outstanding(table6b: pd.DataFrame, la_code: str) -> tuple[str, float] | None:
    """ASCOF Table_6b (% of residential providers rated Good or Outstanding) for a council: (period, value)."""
    rows = table6b[(table6b["council_code"] == la_code) & (table6b["quantity"] == "6b outcome")
                   & table6b["value"].notna()]
    if rows.empty:
        return None
    latest = rows.sort_values("period").iloc[-1]
    return str(latest["period"]), float(latest["value"])
