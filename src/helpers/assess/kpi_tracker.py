"""KPIs against their targets, for the oversight chapter: latest value, RAG and a trend sparkline.

RAG (``kpi_rag``), with shortfall = target − actual (higher is better) or actual − target
(lower is better): Green when shortfall ≤ 0 (meeting the target exactly is Green); Amber when
0 < shortfall ≤ amber_margin × |target|; Red when shortfall > amber_margin × |target|; "Not reported"
without an actual. The trend is a unicode sparkline of the actuals, oldest period first, with words
(e.g. "rising (better)") so it reads without seeing the glyphs; blank with fewer than two actuals.
"""
from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from helpers import params as params_module
from helpers.assess.action_tracker import service_title
from helpers.load.kpis import LOWER
from helpers.present import wording

PARAMS = "oversight"
BLOCKS = "▁▂▃▄▅▆▇█"
MISSING = "·"
_QUARTER = re.compile(r"\bQ([1-4])\b", re.IGNORECASE)
_YEAR = re.compile(r"\b((?:19|20)\d{2})(?:\s*[-/–]\s*\d{2,4})?\b")
HEADERS = {"kpi": "KPI", "service": "Service", "period": "Period", "target_text": "Target", "actual_text": "Actual",
           "direction": "Direction", "rag_label": "RAG", "trend": "Trend"}


def amber_margin(raw: dict[str, Any] | None = None) -> float:
    """The KPI amber margin (``kpis.amber_margin`` of params/oversight.yml), a fraction of the target."""
    raw = params_module.load(PARAMS) if raw is None else raw
    return float(params_module.require(raw, "kpis.amber_margin", "number", name=PARAMS, minimum=0, maximum=1))


def kpi_rag(df: pd.DataFrame, amber_margin: float) -> pd.DataFrame:
    """Add ``gap`` (actual − target) and ``rag``: Green meets the target, Amber misses it by at most
    amber_margin × |target| (e.g. 0.05 = within 5%), Red misses it by more, Not reported without an actual."""
    if amber_margin < 0:
        raise ValueError(f"amber_margin must be 0 or more, not {amber_margin}")
    out = df.copy()
    out["gap"] = out["actual"] - out["target"]
    shortfall = out["gap"].where(out["direction"] == LOWER, -out["gap"])
    tolerance = amber_margin * out["target"].abs()
    rag = np.select([out["actual"].isna().to_numpy(dtype=bool), (shortfall <= 0).fillna(False).to_numpy(dtype=bool),
                     (shortfall <= tolerance).fillna(False).to_numpy(dtype=bool)],
                    ["Not reported", "Green", "Amber"], default="Red")
    out["rag"] = rag
    return out


def period_key(period: str) -> tuple[int, int] | None:
    """(year, part) to order periods: '2026-27' → (2026, 5) after its quarters 'Q1 2026-27' → (2026, 1); else None."""
    year = _YEAR.search(period)
    if year is None:
        return None
    quarter = _QUARTER.search(period)
    return int(year.group(1)), int(quarter.group(1)) if quarter else 5


def period_order(periods: pd.Series) -> list[str]:
    """The distinct periods oldest first: by period_key when every period has one, else in order of appearance."""
    distinct = list(dict.fromkeys(periods.astype(str)))
    keys = {p: period_key(p) for p in distinct}
    if all(k is not None for k in keys.values()):
        return sorted(distinct, key=lambda p: keys[p])
    return distinct


def sparkline(values: list[float | None]) -> str:
    """One block character per value scaled between the series' min and max ('·' for a missing value)."""
    known = [v for v in values if v is not None and not pd.isna(v)]
    if not known:
        return ""
    low, high = min(known), max(known)
    span = high - low

    def block(v: float | None) -> str:
        if v is None or pd.isna(v):
            return MISSING
        return BLOCKS[len(BLOCKS) // 2 - 1] if span == 0 else BLOCKS[round((v - low) / span * (len(BLOCKS) - 1))]
    return "".join(block(v) for v in values)


def trend_word(values: list[float | None], direction: str) -> str:
    """'level', or 'rising'/'falling' with '(better)'/'(worse)': the last known actual against the first."""
    known = [v for v in values if v is not None and not pd.isna(v)]
    if len(known) < 2 or known[-1] == known[0]:
        return "level"
    rising = known[-1] > known[0]
    better = rising != (direction == LOWER)
    return f"{'rising' if rising else 'falling'} ({'better' if better else 'worse'})"


def _places(points: float) -> int:
    """Decimal places that show a margin as given: 5 → 0 (5%), 2.5 → 1 (2.5%)."""
    return 0 if float(points).is_integer() else 1 if round(points, 1) == round(points, 6) else 2


def rag_label(rag: str, margin: float) -> str:
    """The RAG cell's text, so it reads in greyscale: e.g. 'Amber – within 5% of target'."""
    words = {"Green": "target met", "Amber": f"within {wording.percent(margin * 100, _places(margin * 100))} of target",
             "Red": f"more than {wording.percent(margin * 100, _places(margin * 100))} off target"}
    return f"{rag} – {words[rag]}" if rag in words else rag


def format_value(value: float | None, unit: str) -> str:
    """A target or actual in its unit: 81.0%, £12.50 or 1,234 (en dash when missing; negatives with "−")."""
    if value is None or pd.isna(value):
        return "–"
    if unit == "%":
        return wording.percent(value, 1)
    if unit == "£":
        return wording.money(value)
    return wording.whole(value) if float(value).is_integer() else wording.number(value, 1)


def kpi_table(kpis: pd.DataFrame, margin: float) -> pd.DataFrame:
    """One row per KPI × service: its latest period's target, actual, RAG and label, and the trend over periods."""
    rated = kpi_rag(kpis, margin)
    order = period_order(rated["period"])
    rated = rated.assign(_p=rated["period"].astype(str).map({p: i for i, p in enumerate(order)}))
    rated = rated.sort_values(["_p"], kind="stable")
    # each KPI × service's rows by position (in order of first appearance, as groupby(sort=False) gives them): the
    # cells are read from the columns, not by making a row Series per group
    groups: dict[tuple[Any, Any], list[int]] = {}
    for i, key in enumerate(zip(rated["kpi"].tolist(), rated["service"].tolist())):
        if not (pd.isna(key[0]) or pd.isna(key[1])):  # groupby leaves out a missing key
            groups.setdefault(key, []).append(i)
    cells = {c: rated[c].array for c in ("period", "target", "actual", "unit", "direction", "gap", "rag")}
    actual = rated["actual"].array
    rows = []
    for (kpi, service), positions in groups.items():
        at = positions[-1]
        last = {c: values[at] for c, values in cells.items()}
        actuals = [None if pd.isna(v) else float(v) for v in (actual[i] for i in positions)]
        known = sum(v is not None for v in actuals)
        trend = f"{sparkline(actuals)} {trend_word(actuals, last['direction'])}" if len(actuals) >= 2 and known >= 2 else ""
        rows.append({"kpi": kpi, "service": service, "period": last["period"], "target": last["target"],
                     "actual": last["actual"], "unit": last["unit"], "direction": last["direction"],
                     "gap": last["gap"], "rag": last["rag"], "rag_label": rag_label(last["rag"], margin),
                     "periods": len(positions), "trend": trend, "history": actuals})
    first_seen = {key: i for i, key in enumerate(dict.fromkeys(zip(kpis["kpi"], kpis["service"])))}
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    out = out.assign(_o=[first_seen[k] for k in zip(out["kpi"], out["service"])]).sort_values("_o")
    return out.drop(columns="_o").reset_index(drop=True)


def published(table: pd.DataFrame) -> pd.DataFrame:
    """The MPS table: KPI, service, period, target and actual in their units, direction, RAG label and trend."""
    out = table.assign(target_text=[format_value(v, u) for v, u in zip(table["target"], table["unit"])],
                       actual_text=[format_value(v, u) for v, u in zip(table["actual"], table["unit"])],
                       service=table["service"].map(service_title), period=table["period"].astype(str).map(wording.dashed))
    return out[list(HEADERS)].astype("str").reset_index(drop=True)


def rag_summary(table: pd.DataFrame) -> dict[str, int]:
    """KPIs per RAG (Green, Amber, Red, Not reported) and in all."""
    counts = {r: int((table["rag"] == r).sum()) for r in ("Green", "Amber", "Red", "Not reported")}
    return {"kpis": int(len(table)), **counts}
