"""Quality: the CQC overall ratings of the market's locations."""
from __future__ import annotations

import numpy as np
import pandas as pd

RATED = ["Outstanding", "Good", "Requires improvement", "Inadequate"]
NOT_YET_RATED = "Not yet rated"
RATING_ORDER = [*RATED, NOT_YET_RATED]


def rating_distribution(locations: pd.DataFrame) -> pd.DataFrame:
    """Count and % of locations by latest CQC overall rating (% of all locations, not-yet-rated included)."""
    return distribution_of(locations["overall_rating"].value_counts().reindex(RATING_ORDER, fill_value=0).astype(int))


def distribution_of(counts: pd.Series) -> pd.DataFrame:
    """``rating_distribution`` from the number of locations with each rating (indexed by RATING_ORDER)."""
    total = int(counts.sum())
    percent = (counts / total * 100) if total else counts * float("nan")
    return pd.DataFrame({"rating": RATING_ORDER, "locations": counts.to_numpy(), "percent": percent.to_numpy()})


def rating_counts_by(locations: pd.DataFrame, by: str = "la_code") -> pd.DataFrame:
    """Every council's (``by``) number of locations with each rating: one row per council, columns RATING_ORDER
    (int64), as ``rating_distribution`` counts them (ratings outside RATING_ORDER and blanks are not counted)."""
    located = locations[locations[by].notna()]
    counts = located.groupby([by, "overall_rating"]).size().unstack(fill_value=0)
    return counts.reindex(columns=RATING_ORDER, fill_value=0).astype("int64")


def percent_good_or_outstanding(locations: pd.DataFrame) -> float | None:
    """% of rated locations rated Good or Outstanding (as ASCOF 2B(2)/Table_6b); None when none is rated."""
    rated = locations["overall_rating"].isin(RATED)
    if not rated.any():
        return None
    good = locations["overall_rating"].isin(["Outstanding", "Good"])
    return float(good.sum() / rated.sum() * 100)


def good_share_of(counts: pd.Series) -> float | None:
    """``percent_good_or_outstanding`` from the number of locations with each rating (indexed by RATING_ORDER)."""
    if counts.dtype == np.int64 and counts.index.tolist() == RATING_ORDER:  # the same int64 sums, on the array
        values = counts.to_numpy()
        rated = values[:len(RATED)].sum()
        return float((values[0] + values[1]) / rated * 100) if rated else None
    rated = counts[RATED].sum()
    if not rated:
        return None
    return float((counts["Outstanding"] + counts["Good"]) / rated * 100)


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
    """Locations by overall rating at a baseline and now, with the change in count and in percentage points.

    One council's, from its locations (for exploring): the statement uses ``change_of`` on the national pass's
    rating counts, which tests/assess/test_national.py holds equal to this."""
    return change_of(rating_distribution(baseline), rating_distribution(current))


def change_of(before: pd.DataFrame, now: pd.DataFrame) -> pd.DataFrame:
    """``rating_change`` from the two rating distributions (``rating_distribution``)."""
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
    return key_questions_of(rows)


def key_question_counts_by(key_questions: pd.DataFrame, by: str = "la_code") -> pd.DataFrame:
    """``key_question_breakdown``'s counts for every council (``by``) at once, from every location's key-question
    ratings with its council: one row per council and key question, columns by, key_question, *RATED, rated."""
    questions = [c for c in key_questions.columns if c not in ("location_id", by)]
    located = key_questions[key_questions[by].notna()]
    long = located.melt(id_vars=[by], value_vars=questions, var_name="key_question", value_name="rating")
    long = long[long["rating"].isin(RATED)]
    counts = long.groupby([by, "key_question", "rating"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=RATED, fill_value=0).astype("int64")
    counts["rated"] = counts.sum(axis=1)
    return counts.reset_index()


def key_questions_of(rows: list[dict]) -> pd.DataFrame:
    """``key_question_breakdown``'s table from its rows: key_question, a count per RATED rating and rated."""
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
