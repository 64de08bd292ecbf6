"""What changed since the last statement: headline figures then and now, from two years' key_figures.json."""
from __future__ import annotations

from typing import Any, Callable

import pandas as pd

from helpers.present import wording
from helpers.services import OVERSIGHT, SERVICES, title

PREVIOUS_FILE = "previous_key_figures.json"  # last year's key figures, copied into the statement's project


def _gap(x: Any) -> str:
    return f"{wording.whole(-x)} short" if x < 0 else f"{wording.whole(x)} to spare"


# (dotted key under the service's figures, what it is, how it is printed)
HEADLINES: list[tuple[str, str, Callable[[Any], str]]] = [
    ("locations", "Locations", wording.whole),
    ("beds", "Beds", wording.whole),
    ("capacity", "Capacity a week", wording.whole),
    ("pct_good_or_outstanding", "Rated Good or Outstanding", wording.percent),
    ("occupancy_pct", "Occupancy", wording.percent),
    ("surplus_10y", "Projected gap in ten years", _gap),
    ("cost.main_current_rate", "Main fee rate", wording.money),
    ("cost.main_median_cost", "Median cost of care", wording.money),
    ("workforce_turnover_rate_pct", "Staff turnover", wording.percent),
    ("workforce_vacancy_rate_pct", "Staff vacancy rate", wording.percent),
]
OVERSIGHT_HEADLINES: list[tuple[str, str, Callable[[Any], str]]] = [
    ("actions.overdue", "Overdue actions", wording.whole),
    ("financial_risk.at_risk_pct", "Care homes at moderate or high financial risk", wording.percent),
]


def _get(figures: dict[str, Any], key: str) -> Any:
    value: Any = figures
    for part in key.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def direction(then: float, now: float, shown: Callable[[Any], str]) -> str:
    """'up', 'down' or 'no change', judged on the figures as printed (a change too small to show is none)."""
    if shown(then) == shown(now):
        return "no change"
    return "up" if now > then else "down"


def changes(previous: dict[str, Any], current: dict[str, Any]) -> pd.DataFrame:
    """Headline figures in both statements: service, figure, then, now, direction (as printed, in house style)."""
    rows = []
    groups = [(s, HEADLINES, previous.get("services", {}).get(s, {}), current.get("services", {}).get(s, {}))
              for s in SERVICES]
    groups.append((OVERSIGHT, OVERSIGHT_HEADLINES, previous.get(OVERSIGHT, {}), current.get(OVERSIGHT, {})))
    for service, headlines, then_figures, now_figures in groups:
        for key, label, shown in headlines:
            then, now = _get(then_figures, key), _get(now_figures, key)
            if then is None or now is None:
                continue
            rows.append({"Service": title(service), "Figure": label, "Then": shown(then), "Now": shown(now),
                         "Change": direction(then, now, shown)})
    return pd.DataFrame(rows, columns=["Service", "Figure", "Then", "Now", "Change"])


def since(previous: dict[str, Any] | None, service: str, key: str, now: Any, shown: Callable[[Any], str]) -> str:
    """'up from 78%' / 'down from 78%' / 'unchanged' for the at-a-glance text; '' without last year's figure."""
    then = _get((previous or {}).get("services", {}).get(service, {}), key)
    if then is None or now is None:
        return ""
    change = direction(then, now, shown)
    return "unchanged" if change == "no change" else f"{change} from {shown(then)}"
