"""Demand: current usage rate per age band × projected population (ONS SNPP), against current capacity.

Projected demand assumes each age band's usage rate stays at today's level: only the size of the
population changes. Bands must not overlap (e.g. 18-64 and 65+, not 65+ and 75+), or people would be
counted twice in the totals. Demand and capacity must be in the same unit (people and beds, or hours).
"""
from __future__ import annotations

from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from helpers.assess.cost_of_care.statistics import group_sums
from helpers.load.ons_population import BANDS, projection
from helpers.present import wording

TOTAL = "Total"
HORIZONS = (5, 10)  # the population projection's years after the base year (the demand section's population table)
DEMAND_HORIZONS = (3, 5, 10)  # the demand projection's: 3 years for the sustainability assessment, 5 and 10 as before
SURPLUS, SHORTFALL, BALANCED = "surplus", "shortfall", "balanced"


def _check_no_overlap(population: pd.DataFrame, bands: Iterable[str]) -> None:
    """Bands used together must not overlap (checked where the population frame gives their ages)."""
    if not {"age_from", "age_to"} <= set(population.columns):
        return
    ages = population.drop_duplicates("band").set_index("band").loc[list(bands), ["age_from", "age_to"]]
    spans = sorted((int(lo), np.inf if pd.isna(hi) else int(hi), name) for name, (lo, hi) in ages.iterrows())
    for (_, hi, a), (lo, _, b) in zip(spans, spans[1:]):
        if lo <= hi:
            raise ValueError(f"age bands '{a}' and '{b}' overlap: demand would count people twice")


def with_band_values(frame: pd.DataFrame, column: str, by_band: pd.DataFrame) -> pd.DataFrame:
    """``frame.merge(by_band[["band", column]], on="band", how="left")`` when ``by_band`` has each band once and
    every band of ``frame``: the frame's rows in order (labelled 0, 1, …) with the band's value added."""
    value = dict(zip(by_band["band"], by_band[column]))
    out = frame.reset_index(drop=True)
    out[column] = pd.Series([value[b] for b in out["band"]], index=out.index, dtype=by_band[column].dtype)
    return out


def usage_rates(users: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """Per age band, users ÷ population (columns band, users, population, rate, rate_per_1000).

    ``users``: band, users; ``population``: band, population (one year, e.g. from
    ons_population.age_band_population). A band with zero population has rate NaN (not inf); a band
    of users with no population row is an error.
    """
    pop = population[["band", "population"]].drop_duplicates("band")
    missing = sorted(set(users["band"]) - set(pop["band"]))
    if missing:
        raise ValueError(f"no population for age band(s) {', '.join(map(str, missing))}")
    _check_no_overlap(population, users["band"])
    quick = _usage_rates_arrays(users, population)
    return quick if quick is not None else _usage_rates_frames(users, pop)


def _usage_rates_arrays(users: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame | None:
    """``usage_rates``' frame from arrays (one or two bands, where each pandas step costs more than the sums): each
    band's first population row, the same float64 conversions and division. None (use the frames) for a band
    repeated in ``users`` or missing, or columns that are not plain numbers."""
    band = users["band"]
    if band.hasnans or band.duplicated().any() or users["users"].dtype.kind not in "if" \
            or population["population"].dtype.kind not in "if":
        return None
    first: dict[object, object] = {}
    for b, value in zip(population["band"].tolist(), population["population"].tolist()):
        first.setdefault(b, value)
    bands = band.tolist()
    if any(b not in first for b in bands):
        return None
    counts = users["users"].to_numpy().astype("float64")
    people = pd.Series([first[b] for b in bands], dtype=population["population"].dtype).to_numpy().astype("float64")
    rate = counts / np.where(people > 0, people, np.nan)
    return pd.DataFrame({"band": band.reset_index(drop=True), "users": counts, "population": people, "rate": rate,
                         "rate_per_1000": rate * 1000})


def _usage_rates_frames(users: pd.DataFrame, pop: pd.DataFrame) -> pd.DataFrame:
    """``usage_rates`` with pandas (``pop``: each band's first population row): its definition, for any input."""
    if users["band"].duplicated().any():  # refused as the one-to-one merge refuses it
        users[["band", "users"]].merge(pop, on="band", how="left", validate="one_to_one")
    out = with_band_values(users[["band", "users"]], "population", pop)
    out = out.astype({"users": "float64", "population": "float64"})
    out["rate"] = out["users"] / out["population"].where(out["population"] > 0)
    out["rate_per_1000"] = out["rate"] * 1000
    return out.reset_index(drop=True)


def projected_population(snpp: pd.DataFrame, area_code: str, base_year: int, bands: Iterable[str] = ("18-64", "65+"),
                         horizons: tuple[int, ...] = HORIZONS,
                         band_ages: Mapping[str, tuple[int, int | None]] = BANDS) -> pd.DataFrame:
    """An area's population per band at the base year and each horizon (default +5/+10 years) from the SNPP frame
    (for exploring: the statement looks it up in ``national.projection``, tested equal to this).

    Columns (from ons_population.projection): area_code, band, horizon, year, population, change, change_pct.
    """
    wanted = {b: band_ages[b] for b in bands}
    return projection(snpp, area_code, base_year, horizons, wanted)


def projected_demand(rates: pd.DataFrame, projected_population: pd.DataFrame) -> pd.DataFrame:
    """Per band and year: population, rate and demand = rate × population; plus a "Total" row per year.

    ``rates``: band, rate (from usage_rates); ``projected_population``: band, year, population (and
    horizon if present). Columns: band, [horizon,] year, population, rate, demand. A band without a
    rate (NaN) has NaN demand, and so does that year's total; the total's rate is demand ÷ population.
    """
    missing = sorted(set(rates["band"]) - set(projected_population["band"]))
    if missing:
        raise ValueError(f"no projected population for age band(s) {', '.join(map(str, missing))}")
    keys = ["horizon", "year"] if "horizon" in projected_population else ["year"]
    quick = _projected_demand_arrays(rates, projected_population, keys)
    return quick if quick is not None else _projected_demand_frames(rates, projected_population, keys)


def _projected_demand_frames(rates: pd.DataFrame, projected_population: pd.DataFrame,
                             keys: list[str]) -> pd.DataFrame:
    """``projected_demand`` with pandas' merge, group-by and sort: its definition, for any input."""
    pop = projected_population[projected_population["band"].isin(rates["band"])]
    if rates["band"].duplicated().any():  # a band's rows repeated for each of its rates, as the merge does
        out = pop[["band", *keys, "population"]].merge(rates[["band", "rate"]], on="band", how="left")
    else:
        out = with_band_values(pop[["band", *keys, "population"]], "rate", rates)
    out = out.astype({"population": "float64", "rate": "float64"})
    out["demand"] = out["rate"] * out["population"]
    totals = out.groupby(keys, sort=True).agg(population=("population", "sum"),
                                              demand=("demand", lambda s: s.sum(skipna=False))).reset_index()
    totals["band"] = TOTAL
    totals["rate"] = totals["demand"] / totals["population"].where(totals["population"] > 0)
    out = pd.concat([out, totals], ignore_index=True)
    return out[["band", *keys, "population", "rate", "demand"]].sort_values(
        [*keys, "band"], key=lambda c: c.eq(TOTAL) if c.name == "band" else c, kind="stable").reset_index(drop=True)


def _projected_demand_arrays(rates: pd.DataFrame, projected_population: pd.DataFrame,
                             keys: list[str]) -> pd.DataFrame | None:
    """``projected_demand``'s frame built from arrays: the demand projection has a few bands at four horizons, where
    each pandas step (merge, group-by with a Python aggregate, concat, sort) costs more than the arithmetic. The same
    values: demand is the same element-wise product, a total's population pandas' compensated grouped sum and its
    demand numpy's sum of the group's values, as ``Series.sum(skipna=False)`` takes it. None (use the frames) unless
    the bands are rated once each, the keys are whole numbers and the bands are text of the default string dtype."""
    if rates["band"].duplicated().any() or rates["band"].hasnans or rates["rate"].dtype != np.float64:
        return None
    band = projected_population["band"]
    if band.hasnans or band.dtype != pd.Series([TOTAL]).dtype or projected_population["population"].dtype.kind not in "if" \
            or any(projected_population[k].dtype != np.int64 for k in keys):
        return None
    rate_of = dict(zip(rates["band"].tolist(), rates["rate"].tolist()))
    kept = [i for i, b in enumerate(band.tolist()) if b in rate_of]
    if not kept:
        return None
    bands = [band.iat[i] for i in kept]
    key_values = [projected_population[k].to_numpy()[kept] for k in keys]
    population = projected_population["population"].to_numpy()[kept].astype("float64")
    rate = np.array([rate_of[b] for b in bands], dtype="float64")
    demand = rate * population
    groups: dict[tuple, list[int]] = {}
    for i, key in enumerate(zip(*(v.tolist() for v in key_values))):
        groups.setdefault(key, []).append(i)
    codes = np.empty(len(bands), dtype=np.int64)
    for g, key in enumerate(sorted(groups)):
        codes[groups[key]] = g
    # each total's population as pandas' grouped sum adds it (NaN skipped, compensated, in row order)
    populations = group_sums(population[:, None], ~np.isnan(population)[:, None], codes, len(groups))[:, 0]
    order, totals = [], []
    for g, key in enumerate(sorted(groups)):  # group-by's sorted keys; within a key the bands in order, then its total
        rows = groups[key]
        order += rows
        total_population = float(populations[g])
        total_demand = demand[rows].sum()
        totals.append((len(order), key, total_population, total_demand))
        order.append(-1)
    n = len(order)
    out_band, out_population, out_rate, out_demand = [], np.empty(n), np.empty(n), np.empty(n)
    out_keys = [np.empty(n, dtype=np.int64) for _ in keys]
    total_at = {at: (key, p, d) for at, key, p, d in totals}
    for at, i in enumerate(order):
        if i < 0:
            key, p, d = total_at[at]
            out_band.append(TOTAL)
            out_population[at], out_demand[at] = p, d
            out_rate[at] = np.float64(d) / (np.float64(p) if p > 0 else np.nan)
            for column, value in zip(out_keys, key):
                column[at] = value
        else:
            out_band.append(bands[i])
            out_population[at], out_rate[at], out_demand[at] = population[i], rate[i], demand[i]
            for column, values in zip(out_keys, key_values):
                column[at] = values[i]
    return pd.DataFrame({"band": pd.array(out_band, dtype=band.dtype), **dict(zip(keys, out_keys)),
                         "population": out_population, "rate": out_rate, "demand": out_demand})


def capacity_gap(demand_by_year: pd.DataFrame, capacity: float, occupancy: float | None,
                 target_occupancy: float) -> pd.DataFrame:
    """Per year: demand against usable capacity (capacity × target occupancy); surplus +, shortfall −.

    ``demand_by_year``: year, demand (projected_demand's output is fine: its "Total" rows are used).
    Columns: year, [horizon,] demand, capacity, target_occupancy, usable_capacity, surplus
    (usable − demand), surplus_pct (of demand), status, current_occupancy, occupied_now
    (capacity × current occupancy; NaN when occupancy is unknown). Capacity is held at today's level.
    """
    if not 0 < target_occupancy <= 1:
        raise ValueError(f"target occupancy must be a fraction above 0 and at most 1, not {target_occupancy}")
    if occupancy is not None and not 0 <= occupancy <= 1:
        raise ValueError(f"occupancy must be a fraction from 0 to 1, not {occupancy}")
    frame = demand_by_year[demand_by_year["band"] == TOTAL] if "band" in demand_by_year else demand_by_year
    keys = [c for c in ("year", "horizon") if c in frame]
    # one frame built from arrays (the same element-wise arithmetic as column by column, in far fewer steps)
    demand = frame["demand"].astype("float64").to_numpy()
    rows = len(demand)
    capacities = np.full(rows, float(capacity))
    usable = capacities * target_occupancy
    surplus = usable - demand
    status = np.select([surplus > 0, surplus < 0, surplus == 0], [SURPLUS, SHORTFALL, BALANCED], default="unknown")
    current = np.full(rows, np.nan if occupancy is None else float(occupancy))
    out = pd.DataFrame({**{k: frame[k].reset_index(drop=True) for k in keys}, "demand": demand,
                        "capacity": capacities, "target_occupancy": np.full(rows, float(target_occupancy)),
                        "usable_capacity": usable, "surplus": surplus,
                        "surplus_pct": surplus / np.where(demand > 0, demand, np.nan) * 100,
                        "status": pd.array(status, dtype="string"), "current_occupancy": current,
                        "occupied_now": capacities * current}, index=pd.RangeIndex(rows))
    return out.sort_values("year", kind="stable").reset_index(drop=True)


def gap_assumptions(base_year: int, capacity: float, unit: str, occupancy: float | None,
                    target_occupancy: float, bands: Iterable[str], source: str = "ONS 2022-based SNPP") -> list[str]:
    """The assumptions behind capacity_gap, as plain-English sentences for the report."""
    lines = [f"Usage rates per age band ({', '.join(wording.dashed(b) for b in bands)}) stay at their "
             f"{wording.year(base_year)} level; only the population changes ({source}).",
             f"Capacity stays at today's {wording.whole(capacity)} {unit}; no services open or close.",
             f"Usable capacity is {wording.percent(target_occupancy * 100)} of capacity (the target occupancy), leaving "
             "room for choice and turnover."]
    if occupancy is not None:
        lines.append(f"Current occupancy is {wording.percent(occupancy * 100)}, so about "
                     f"{wording.whole(capacity * occupancy)} {unit} are in use today.")
    else:
        lines.append("Current occupancy is not known.")
    return lines
