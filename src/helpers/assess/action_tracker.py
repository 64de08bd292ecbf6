"""The action plan tracked for the statement: counts, overdue, due soon and the "what we will do" table.

Overdue: not Complete and the target date is before today (a target date of today is not overdue).
Due soon: not Complete and the target date is from today to today + ``due_soon_days`` inclusive.
The published table's RAG cell is a text label ("Red – overdue", "Green – on track") so it reads in
greyscale; ``RAG_COLOURS`` gives the matching colours for formats that can show them.
"""
from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from helpers import params as params_module
from helpers.load.action_plan import ALL_SERVICES, COMPLETE, STATUSES, THEMES
from helpers.present import wording
from helpers.services import SERVICES, title

PARAMS = "oversight"
ALL_SERVICES_TITLE = "All services"
STATUS_WORDS = {"Green": "on track", "Amber": "at risk", "Red": "off track"}
RAG_COLOURS = {"Green": "#00703c", "Amber": "#c77c02", "Red": "#b3261e", "Complete": "#505a5f", "Ongoing": "#1d70b8"}
# Text written on each colour with at least 4.5:1 contrast (black on amber: white would be 3.3:1).
RAG_TEXT_COLOURS = {"Green": "#ffffff", "Amber": "#000000", "Red": "#ffffff", "Complete": "#ffffff", "Ongoing": "#ffffff"}
TOTAL_ROW = "All actions"
HEADERS = {"theme": "Theme", "action": "Action", "service": "Service", "owner": "Owner", "target": "Target date",
           "status": "Status"}


def due_soon_days(raw: dict[str, Any] | None = None) -> int:
    """The due-soon window in days (``actions.due_soon_days`` of params/oversight.yml)."""
    raw = params_module.load(PARAMS) if raw is None else raw
    return params_module.require(raw, "actions.due_soon_days", "int", name=PARAMS, minimum=0)


def service_title(key: str) -> str:
    """A plan's (or KPI's) service as a table shows it: its title from params/services.yml ("Care homes"),
    "All services" for the council-wide All, anything else as given."""
    if key == ALL_SERVICES:
        return ALL_SERVICES_TITLE
    return title(key) if key in SERVICES else key


def overdue_mask(plan: pd.DataFrame, today: date | pd.Timestamp) -> pd.Series:
    """True for actions not Complete whose target date is before today (strictly)."""
    dates = _dates(plan)
    if dates is None:
        return ((plan["target_date"] < pd.Timestamp(today)) & (plan["status"] != COMPLETE)).fillna(False).astype(bool)
    return pd.Series((dates < np.datetime64(pd.Timestamp(today))) & _open(plan), index=plan.index)


def due_soon_mask(plan: pd.DataFrame, today: date | pd.Timestamp, days: int) -> pd.Series:
    """True for actions not Complete whose target date is from today to today + days (inclusive)."""
    start = pd.Timestamp(today)
    dates = _dates(plan)
    if dates is None:
        inside = (plan["target_date"] >= start) & (plan["target_date"] <= start + pd.Timedelta(days=days))
        return (inside & (plan["status"] != COMPLETE)).fillna(False).astype(bool)
    inside = (dates >= np.datetime64(start)) & (dates <= np.datetime64(start + pd.Timedelta(days=days)))
    return pd.Series(inside & _open(plan), index=plan.index)


def _dates(plan: pd.DataFrame) -> np.ndarray | None:
    """The target dates as a NumPy datetime array (NaT compares False, as NA did), or None when not held as one."""
    column = plan["target_date"]
    return column.to_numpy() if pd.api.types.is_datetime64_dtype(column) else None


def _open(plan: pd.DataFrame) -> np.ndarray:
    return np.array([s != COMPLETE for s in plan["status"].tolist()], dtype=bool)


def counts_by(plan: pd.DataFrame, by: str) -> pd.DataFrame:
    """Actions per ``by`` value (theme in plan order, or service) × status, with a Total column and row."""
    order = [t for t in THEMES if t in set(plan["theme"])] if by == "theme" else sorted(set(plan[by]))
    # counted in plain Python (a plan has tens of rows): the frame crosstab and reindex built, without their overhead
    rows, columns = {v: i for i, v in enumerate(order)}, {s: j for j, s in enumerate(STATUSES)}
    cells = np.zeros((len(order), len(STATUSES)), dtype="int64")
    for value, status in zip(plan[by].tolist(), plan["status"].tolist()):
        if value in rows and status in columns:
            cells[rows[value], columns[status]] += 1
    counts = pd.DataFrame(cells, index=pd.Index(order, name=by), columns=pd.Index(list(STATUSES)))
    counts.loc[TOTAL_ROW] = counts.sum()
    counts["Total"] = counts.sum(axis=1)
    return counts.rename_axis(index=by, columns=None).reset_index()


def status_label(status: str, late: bool, soon: bool) -> str:
    """The text shown in the RAG cell: the status and what it means, e.g. 'Red – overdue'."""
    if status == COMPLETE or status not in STATUS_WORDS and not late:
        return status
    if late:
        return f"{status} – overdue"
    return f"{status} – {STATUS_WORDS[status]}{', due soon' if soon else ''}"


def what_we_will_do(plan: pd.DataFrame, today: date | pd.Timestamp, days: int) -> pd.DataFrame:
    """The published action table: theme, action, service, owner, target date (text), status label; plan order."""
    return published_rows(plan, today, days).reset_index(drop=True)


def published_rows(plan: pd.DataFrame, today: date | pd.Timestamp, days: int) -> pd.DataFrame:
    """``what_we_will_do``, each row labelled with its position in ``plan``: the table of any subset of the plan's
    rows is these rows at the subset's positions, in this order (each row's cells depend on that row alone, and
    the order is a stable sort)."""
    late = overdue_mask(plan, today).to_numpy(dtype=bool)
    soon = due_soon_mask(plan, today, days).to_numpy(dtype=bool)
    themes = {t: i for i, t in enumerate(THEMES)}
    targets = plan["target_date"]
    # per-row cells from Python lists (a plan has tens of rows): Series.map cost more per call than the work
    cells = {
        "theme": plan["theme"].to_numpy(), "action": plan["action"].to_numpy(),
        "service": [service_title(s) for s in plan["service"].tolist()], "owner": plan["owner"].to_numpy(),
        "target": ["Ongoing" if pd.isna(d) else wording.day(d) for d in targets.tolist()],
        "status": [status_label(s, bool(a), bool(b)) for s, a, b in zip(plan["status"].tolist(), late, soon)]}
    order = np.array([themes.get(t, np.nan) for t in plan["theme"].tolist()], dtype="float64")
    dates = _dates(plan)
    if dates is None:  # target dates not held as datetimes: pandas sorts them
        out = pd.DataFrame({**cells, "_order": order, "_date": targets.to_numpy()}, index=pd.RangeIndex(len(plan)))
        out = out.sort_values(["_order", "_date"], kind="stable", na_position="last").drop(columns=["_order", "_date"])
        return out.astype("str")
    # the same stable order by theme then date, missing ones last, as one lexsort (the last key sorts first)
    ticks = np.where(np.isnat(dates), np.iinfo("int64").max, dates.view("int64"))
    perm = np.lexsort((ticks, np.where(np.isnan(order), np.inf, order)))
    index = pd.RangeIndex(len(plan))
    if not np.array_equal(perm, np.arange(len(plan))):  # as sort_values labels rows: kept in place, the same index
        index = index.take(perm)
    out = pd.DataFrame({c: np.asarray(v, dtype=object)[perm] for c, v in cells.items()}, index=index)
    return out.astype("str")


def summary(plan: pd.DataFrame, today: date | pd.Timestamp, days: int) -> dict[str, Any]:
    """Headline counts: actions, per status, overdue and due soon."""
    return {"actions": int(len(plan)), **{s: int((plan["status"] == s).sum()) for s in STATUSES},
            "overdue": int(overdue_mask(plan, today).sum()), "due_soon": int(due_soon_mask(plan, today, days).sum())}
