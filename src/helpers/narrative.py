"""Plain-English key messages generated from the figures (numbers in prose come from here, never typed)."""
from __future__ import annotations

import pandas as pd


def fmt_int(n: float) -> str:
    """1234 → '1,234'."""
    return f"{int(round(n)):,}"


def fmt_pct(p: float | None) -> str:
    """81.25 → '81%'; None → 'not available'."""
    return "not available" if p is None or pd.isna(p) else f"{p:.0f}%"


def care_home_messages(area: str, supply: pd.DataFrame, good_or_outstanding: float | None,
                       not_yet_rated: int) -> list[str]:
    """Key messages for the care homes chapter."""
    s = supply.set_index("category")
    total, nursing = s.loc["All care homes"], s.loc["Nursing"]
    messages = [
        f"{area} has {fmt_int(total['locations'])} care homes run by {fmt_int(total['providers'])} providers, "
        f"with {fmt_int(total['beds'])} beds; {fmt_int(nursing['locations'])} are nursing homes "
        f"with {fmt_int(nursing['beds'])} beds.",
    ]
    if good_or_outstanding is None:
        messages.append("No care home has a published CQC rating yet.")
    else:
        messages.append(f"{fmt_pct(good_or_outstanding)} of rated care homes are rated Good or Outstanding by CQC"
                        + (f"; {fmt_int(not_yet_rated)} are not yet rated." if not_yet_rated else "."))
    return messages
