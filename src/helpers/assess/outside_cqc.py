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
    rows = listed if service is None else listed[listed["service"] == service]
    keys = [rows[k].str.strip().str.casefold() for k in LISTED_KEY]
    order = rows.assign(_k0=keys[0], _k1=keys[1], _k2=keys[2]).sort_values("as_at", kind="stable")
    latest = order.drop_duplicates(["_k0", "_k1", "_k2"], keep="last")
    return latest.drop(columns=["_k0", "_k1", "_k2"]).sort_index()


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
