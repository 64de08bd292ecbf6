"""Workforce: turnover, vacancy, pay against the National Living Wage and workforce profile — council vs region
vs England, from Skills for Care's LA data download, or ASCOF Table_6a turnover when that file is absent.

Both functions return the same shape: one row per measure (``key``, ``measure``, ``unit``), the
areas as columns (``council``, ``region``, ``England``; NaN where suppressed or absent, never 0)
and a ``note`` saying where the figure comes from.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.load import skills_for_care as sfc_source
from helpers.load.skills_for_care import ALL_SECTORS, CARE_WORKER, DIRECT_CARE, NOT_IN_FILE, workforce_summary

AREAS = list(sfc_source.AREAS)  # council, region, England
COLUMNS = ["key", "measure", "unit", *AREAS, "note"]
ENGLAND_CODE = sfc_source.ENGLAND_CODE
# Measure rows in order: key → (label, unit, the loader column it needs).
MEASURES = {
    "turnover_rate_pct": ("Staff turnover rate", "%", "turnover_rate_pct"),
    "vacancy_rate_pct": ("Vacancy rate", "%", "vacancy_rate_pct"),
    "median_hourly_pay": ("Median care worker hourly pay", "£", "median_hourly_pay"),
    "pay_minus_nlw": ("Care worker pay above the National Living Wage (£ per hour)", "£", "median_hourly_pay"),
    "pay_vs_nlw_pct": ("Care worker pay above the National Living Wage (%)", "%", "median_hourly_pay"),
    "zero_hours_pct": ("Workers on zero-hours contracts", "%", "zero_hours_pct"),
    "pct_aged_55_plus": ("Workers aged 55 and over", "%", "pct_aged_55_plus"),
    "pct_relevant_qualification": ("Workers holding a relevant social care qualification", "%",
                                   "pct_relevant_qualification"),
}
ASCOF_KEY = "turnover_rate_pct"


def _in_file(sfc: pd.DataFrame, column: str) -> bool:
    """Whether the loaded file has this column (present and not marked 'not in file' on every row)."""
    if column not in sfc:
        return False
    reason = f"{column}_reason"
    return not (reason in sfc and len(sfc) and (sfc[reason] == NOT_IN_FILE).all())


def _combine(values: pd.DataFrame, weights: pd.DataFrame) -> pd.Series:
    """Per area, the filled-posts-weighted mean over services; NaN if any service's value or weight is missing."""
    return pd.Series(_combine_arrays(values.to_numpy(dtype="float64"), weights.to_numpy(dtype="float64")),
                     index=values.index)


def _combine_arrays(v: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``_combine`` on arrays (areas × services, laid out as DataFrame.to_numpy lays them out: column by column)."""
    total = w.sum(axis=1)
    complete = ~np.isnan(v).any(axis=1) & ~np.isnan(w).any(axis=1) & (total > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (v * w).sum(axis=1) / total
    return np.where(complete, mean, np.nan)


@dataclass(frozen=True)
class Rows:
    """A Skills for Care frame's rows, looked up: built once per file for every council (helpers.assess.national)."""

    index: Mapping[tuple[str, str, str, str], int]  # skills_for_care.row_index
    values: np.ndarray  # the METRICS of every row, float64, one column per metric
    in_file: frozenset[str]  # the loader columns the file has (_in_file)


def rows_of(sfc: pd.DataFrame) -> Rows:
    """Index a Skills for Care frame for ``workforce_comparison(..., rows=...)``."""
    values = np.column_stack([sfc[m].to_numpy(dtype="float64") if m in sfc else np.full(len(sfc), np.nan)
                              for m in sfc_source.METRICS])
    needs = {n for _, _, n in MEASURES.values()}
    return Rows(sfc_source.row_index(sfc), values, frozenset(n for n in needs if _in_file(sfc, n)))


def _service_note(services: list[str], job_role: str, pay_role: str) -> str:
    """Where the figures come from, in words."""
    what = services[0] if len(services) == 1 else " + ".join(services) + " (weighted by filled posts)"
    return f"Skills for Care, {what}; rates for '{job_role}', pay for '{pay_role}'"


def workforce_comparison(sfc: pd.DataFrame, la_code: str, region_code: str, services: list[str], nlw: float, *,
                         sector: str = ALL_SECTORS, job_role: str = DIRECT_CARE,
                         pay_role: str = CARE_WORKER, rows: Rows | None = None) -> pd.DataFrame:
    """Workforce measures for the council, its region and England, from a loaded Skills for Care frame.

    Rows: the MEASURES the file has (turnover, vacancy, median care worker pay, pay vs NLW in £ and
    %, zero-hours, aged 55+, relevant qualification). Several services (e.g. care homes with and
    without nursing) are combined as a mean weighted by each service's filled posts (of
    ``job_role``; ``pay_role``'s for pay); an area where any service is suppressed or lacks filled
    posts gets NaN. Columns: key, measure, unit, council, region, England, note.

    ``rows``: the frame's ``rows_of``, computed once for every council (helpers.assess.national): the same rows are
    then looked up instead of searched for, and the same arithmetic done on arrays, so the table is the same.
    """
    if not services:
        raise ValueError("services must name at least one Skills for Care service")
    if rows is not None:
        return _comparison_from_rows(rows, la_code, region_code, services, nlw, sector, job_role, pay_role)
    per_service = [workforce_summary(sfc, la_code, region_code, nlw, sector=sector, service=s, job_role=job_role,
                                     pay_role=pay_role).set_index("area") for s in services]
    weights_for = {}
    if len(services) > 1:
        for role in (job_role, pay_role):
            summaries = [workforce_summary(sfc, la_code, region_code, nlw, sector=sector, service=s, job_role=role,
                                           pay_role=role).set_index("area") for s in services]
            weights_for[role] = pd.concat([f["filled_posts"] for f in summaries], axis=1)
    combined = {}
    for column in sfc_source.METRICS:
        values = pd.concat([f[column] for f in per_service], axis=1)
        if len(services) == 1:
            combined[column] = values.iloc[:, 0]
        else:
            combined[column] = _combine(values, weights_for[pay_role if column == "median_hourly_pay" else job_role])
    areas = pd.DataFrame(combined).reindex(AREAS)
    areas["pay_minus_nlw"] = areas["median_hourly_pay"] - nlw
    areas["pay_vs_nlw_pct"] = (areas["median_hourly_pay"] / nlw - 1) * 100
    note = _service_note(services, job_role, pay_role)
    rows = []
    for key, (label, unit, needs) in MEASURES.items():
        if not _in_file(sfc, needs):
            continue
        row_note = f"{note}; NLW £{nlw:.2f}" if needs == "median_hourly_pay" and key != "median_hourly_pay" else note
        rows.append({"key": key, "measure": label, "unit": unit,
                     **{a: float(areas.at[a, key]) for a in AREAS}, "note": row_note})
    return pd.DataFrame(rows, columns=COLUMNS).astype({a: "float64" for a in AREAS})


def _comparison_from_rows(rows: Rows, la_code: str, region_code: str, services: list[str], nlw: float, sector: str,
                          job_role: str, pay_role: str) -> pd.DataFrame:
    """``workforce_comparison`` from looked-up rows: each value is the frame's own float, and the weighted means
    are taken on arrays of the same shape and layout as the DataFrames' (``_combine_arrays``)."""
    codes = (la_code, region_code, ENGLAND_CODE)
    where = {m: j for j, m in enumerate(sfc_source.METRICS)}

    def metric(service: str, role: str, column: str) -> np.ndarray:
        found = [rows.index.get((code, sector.casefold(), service.casefold(), role.casefold())) for code in codes]
        return np.array([np.nan if at is None else rows.values[at, where[column]] for at in found], dtype="float64")

    combined: dict[str, np.ndarray] = {}
    for column in sfc_source.METRICS:
        role = pay_role if column == "median_hourly_pay" else job_role
        values = [metric(s, role, column) for s in services]
        if len(services) == 1:
            combined[column] = values[0]
        else:  # areas × services, column by column, as DataFrame.to_numpy gives a frame of one column per service
            weights = [metric(s, role, "filled_posts") for s in services]
            combined[column] = _combine_arrays(np.array(values).T, np.array(weights).T)
    combined["pay_minus_nlw"] = combined["median_hourly_pay"] - nlw
    combined["pay_vs_nlw_pct"] = (combined["median_hourly_pay"] / nlw - 1) * 100
    note = _service_note(services, job_role, pay_role)
    out = []
    for key, (label, unit, needs) in MEASURES.items():
        if needs not in rows.in_file:
            continue
        row_note = f"{note}; NLW £{nlw:.2f}" if needs == "median_hourly_pay" and key != "median_hourly_pay" else note
        out.append({"key": key, "measure": label, "unit": unit,
                    **{a: float(v) for a, v in zip(AREAS, combined[key])}, "note": row_note})
    return pd.DataFrame(out, columns=COLUMNS).astype({a: "float64" for a in AREAS})


def _ascof_value(latest: pd.DataFrame, mask: pd.Series) -> float:
    """The one outcome value selected by mask, NaN if none (or suppressed)."""
    match = latest.loc[mask, "value"]
    return float(match.iloc[0]) if len(match) else np.nan


def turnover_from_ascof(table6a: pd.DataFrame, la_code: str, region_code: str) -> pd.DataFrame:
    """ASCOF Table_6a staff turnover (latest period) for the council, its region and England, shaped as
    ``workforce_comparison`` (one row, key turnover_rate_pct; the period in ``note``)."""
    outcome = table6a[table6a["quantity"].str.casefold() == "outcome"] if "quantity" in table6a else table6a
    if outcome.empty:
        return pd.DataFrame(columns=COLUMNS).astype({a: "float64" for a in AREAS})
    period = str(outcome["period"].max())
    latest = outcome[outcome["period"] == period]
    codes = latest["council_code"] if "council_code" in latest else latest["ons_code"]
    values = {"council": _ascof_value(latest, (codes == la_code) & (latest["level"] == "Council")),
              "region": _ascof_value(latest, (latest["ons_code"] == region_code) & (latest["level"] == "Region")),
              "England": _ascof_value(latest, latest["ons_code"] == ENGLAND_CODE)}
    label, unit, _ = MEASURES[ASCOF_KEY]
    row = {"key": ASCOF_KEY, "measure": label, "unit": unit, **values,
           "note": f"ASCOF Table_6a (staff in the formal care workforce leaving their role in the past 12 months), "
                   f"{period}"}
    return pd.DataFrame([row], columns=COLUMNS).astype({a: "float64" for a in AREAS})
