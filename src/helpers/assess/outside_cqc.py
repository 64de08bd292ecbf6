"""The market the CQC supply figures leave out or file elsewhere: locally listed services and extra care housing.

- **Locally listed services** (the council's local provider list, ``helpers.load.local_providers``): each
  listed service counts once, by its latest row (the latest as-at date of its provider, service and
  name). Services not registered with CQC are counted beside the CQC figures, by funding, with their
  capacity summed per capacity unit (units are never added together); services the list marks as
  registered with CQC are already in the CQC figures and are only counted apart.
- **Extra care housing**: active adult social care locations with CQC's service type "Extra Care housing
  services" (the directory flag ``svc_extra_care``), whatever else they are registered for. The care is
  registered (usually as a home care agency on the scheme); the housing is not. They are reported in
  the supported living chapter, as a count beside it, not as a fifth service; ``also_supported_living``
  says how many are in the supported living figures already.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.assess.sufficiency import active_adult_social_care
from helpers.load.local_providers import CAPACITY_UNITS, FUNDING

LISTED_KEY = ["provider", "service", "scheme"]
NOT_REGISTERED = "Not registered with CQC"


def latest_entries(listed: pd.DataFrame, service: str | None = None) -> pd.DataFrame:
    """Each listed service's latest row (by as-at date), of one service when given."""
    picked = _latest_positions(listed, service)
    if picked is not None:
        return listed.take(picked)
    rows = listed if service is None else listed[listed["service"] == service]
    keys = [rows[k].str.strip().str.casefold() for k in LISTED_KEY]
    order = rows.assign(_k0=keys[0], _k1=keys[1], _k2=keys[2]).sort_values("as_at", kind="stable")
    latest = order.drop_duplicates(["_k0", "_k1", "_k2"], keep="last")
    return latest.drop(columns=["_k0", "_k1", "_k2"]).sort_index()


_ASCII_SPACE = " \t\n\r\x0b\x0c"


def _folded(value: object) -> str | None:
    """``str.strip().casefold()`` as pandas does it, or None where pandas' string dtype might strip otherwise (a
    value that is not text, or one whose ends Python strips past ASCII spaces: Arrow's whitespace is narrower)."""
    if not isinstance(value, str):
        return None
    stripped = value.strip()
    return stripped.casefold() if stripped == value.strip(_ASCII_SPACE) else None


def _latest_positions(listed: pd.DataFrame, service: str | None) -> np.ndarray | None:
    """The positions in ``listed`` of the rows ``latest_entries`` keeps, in index order, found in plain Python (a
    list holds tens of rows, where each pandas step costs more than the whole loop); None when it cannot be sure
    of the same rows (a key that is not plain text, an as-at date missing, an index not in ascending order)."""
    if not (listed.index.is_unique and listed.index.is_monotonic_increasing):
        return None
    mine = range(len(listed)) if service is None else \
        [i for i, s in enumerate(listed["service"].tolist()) if s == service]
    columns = [listed[k].tolist() for k in LISTED_KEY]
    keys = [tuple(_folded(c[i]) for c in columns) for i in mine]
    dates = listed["as_at"].to_numpy()
    if any(None in key for key in keys) or pd.isna(dates[list(mine)]).any():
        return None
    latest: dict[tuple, int] = {}
    for i, key in zip(mine, keys):  # a stable sort by date, then each key's last row: its latest, the later on ties
        j = latest.get(key)
        if j is None or dates[i] >= dates[j]:
            latest[key] = i
    return np.array(sorted(latest.values()), dtype=np.intp)


def capacity_by_unit(rows: pd.DataFrame) -> dict[str, float]:
    """Capacity summed per unit, in the source's order of units; services without a capacity left out."""
    known = rows[rows["capacity"].notna() & (rows["capacity_unit"] != "")]
    sums = known.groupby("capacity_unit")["capacity"].sum()
    return {unit: float(sums[unit]) for unit in CAPACITY_UNITS if unit in sums.index}


def listed_summary(listed: pd.DataFrame, service: str) -> pd.DataFrame:
    """The service's locally listed services not registered with CQC: per funding (those present) and in all,
    services, providers (distinct names, ignoring case), services with a capacity and capacity per unit; the
    statement uses ``summary_of`` on entries it has already picked (tested equal)."""
    return summary_of(latest_entries(listed, service))


def summary_of(latest: pd.DataFrame) -> pd.DataFrame:
    """``listed_summary`` of one service's latest entries (``latest_entries(listed, service)``)."""
    registered = latest["cqc_registered"].astype(bool).to_numpy()
    providers, funding = latest["provider"].tolist(), latest["funding"].tolist()
    capacity, units = latest["capacity"].tolist(), latest["capacity_unit"].tolist()
    out = [i for i in range(len(latest)) if not registered[i]]
    folded = {i: _folded(providers[i]) for i in out}
    if None in folded.values() or not all(_exact(capacity[i]) for i in out if _known(capacity[i], units[i])):
        return _summary_frame(latest)
    # in plain Python (tens of rows): names folded as pandas folds them, and capacities whole numbers well inside
    # float precision, so each sum is exact in whatever order it is taken
    parts = [(f, [i for i in out if funding[i] == f]) for f in FUNDING]
    parts = [(f, part) for f, part in parts if part] + [(NOT_REGISTERED, out)]
    rows = []
    for name, part in parts:
        known = [i for i in part if _known(capacity[i], units[i])]
        sums: dict[str, float] = {}
        for i in known:
            sums[units[i]] = sums.get(units[i], 0.0) + float(capacity[i])
        rows.append({"funding": name, "services": len(part), "providers": len({folded[i] for i in part}),
                     "with_capacity": len(known), "capacity": {u: sums[u] for u in CAPACITY_UNITS if u in sums}})
    return pd.DataFrame(rows)


def _known(capacity: object, unit: object) -> bool:
    """Whether a row counts in ``capacity_by_unit``: a capacity and a unit other than ''."""
    return not pd.isna(capacity) and unit != ""


def _exact(value: object) -> bool:
    """A whole number small enough that any sum of such numbers is exact in float64."""
    return isinstance(value, (int, float)) and float(value).is_integer() and abs(value) < 2 ** 40


def _summary_frame(latest: pd.DataFrame) -> pd.DataFrame:
    """``summary_of`` with pandas, for rows the plain-Python count cannot be sure of."""
    outside = latest[~latest["cqc_registered"].astype(bool)]
    # each row's folded provider name and whether it has a capacity, found once; a part takes its rows' values
    folded = outside["provider"].str.strip().str.casefold()
    known = (outside["capacity"].notna() & (outside["capacity_unit"] != "")).to_numpy(dtype=bool)
    funding = outside["funding"]
    masks = [(f, (funding == f).to_numpy(dtype=bool)) for f in FUNDING]
    parts = [(f, mask) for f, mask in masks if mask.any()] + [(NOT_REGISTERED, np.ones(len(outside), dtype=bool))]
    rows = [{"funding": name, "services": int(mask.sum()), "providers": int(folded[mask].nunique()),
             "with_capacity": int(known[mask].sum()), "capacity": capacity_by_unit(outside[mask])}
            for name, mask in parts]
    return pd.DataFrame(rows)


def listed_registered(listed: pd.DataFrame, service: str) -> int:
    """How many of the service's listed services the list marks as registered with CQC (already in its figures);
    the statement counts them with ``registered_of`` on entries it has already picked (tested equal)."""
    return registered_of(latest_entries(listed, service))


def registered_of(latest: pd.DataFrame) -> int:
    """``listed_registered`` of one service's latest entries (``latest_entries(listed, service)``)."""
    return int(latest["cqc_registered"].astype(bool).sum())


def extra_care(locations: pd.DataFrame, la_code: str) -> dict[str, int]:
    """The council's active adult social care locations registered for extra care housing: locations, providers,
    and how many of them the supported living figures already count (non-care-home, registered for supported
    living)."""
    active = active_adult_social_care(locations, la_code)
    flagged = active[active["svc_extra_care"].astype(bool)]
    also = flagged["svc_supported_living"].astype(bool) & ~flagged["care_home"].astype(bool)
    return {"locations": int(len(flagged)), "providers": int(flagged["provider_id"].nunique()),
            "also_supported_living": int(also.sum())}
