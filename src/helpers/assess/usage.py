"""Current use of services from ASC-FR: long-term clients by council, support setting and age band."""
from __future__ import annotations

import numpy as np
import pandas as pd

AGE_BANDS = {"18 to 64": "18-64", "65 and Over": "65+"}
CLIENTS = "Clients"


CLIENT_COLUMNS = ["geography_code", "data_type", "value_type", "support_setting", "age_band", "care_type", "value"]


def _clients(ascfr: pd.DataFrame, settings: tuple[str, ...] | list[str]) -> pd.DataFrame:
    """Long-term clients' rows in the settings, by ASC-FR age band, of councils (the columns CLIENT_COLUMNS)."""
    # one pass over the rows in Python: the same test as pandas' column by column (text compared as is, a blank
    # cell never matching, care type case-folded), in far fewer steps on one council's hundred-odd rows
    wanted, bands = set(settings), set(AGE_BANDS)
    columns = [ascfr[c].to_numpy(dtype=object) for c in CLIENT_COLUMNS[:-1]]
    keep = np.fromiter((data == CLIENTS and kind == "" and code != "" and setting in wanted and band in bands
                        and _long_term(care) for code, data, kind, setting, band, care in zip(*columns)),
                       dtype=bool, count=len(ascfr))
    return ascfr.loc[keep, CLIENT_COLUMNS]


def _long_term(care: object) -> bool:
    """Whether a care type reads 'Long Term …' (as ``astype(str).str.casefold().str.startswith``; blank: no)."""
    if isinstance(care, str):
        return care.casefold().startswith("long term")
    return care is not None and not pd.isna(care) and str(care).casefold().startswith("long term")


def clients_by_council(ascfr: pd.DataFrame, settings: tuple[str, ...] | list[str]) -> pd.DataFrame:
    """Long-term support clients per council (all adult ages) in the given support settings."""
    rows = _clients(ascfr, settings)
    out = rows.groupby("geography_code", as_index=False)["value"].sum(min_count=1).dropna()
    return out.rename(columns={"geography_code": "la_code", "value": "clients"})


def splits_by_council(ascfr: pd.DataFrame, settings: tuple[str, ...] | list[str]) -> pd.DataFrame:
    """``age_split`` of every council, from one pass over England's rows: columns la_code, band, clients, share (a
    council with none is left out).

    Each council's clients are added up by the same group sum, over the same rows in the same order, as age_split
    adds them up for it alone, so each is equal to its own to the last bit. (A group sum over all councils at once
    is not: pandas' grouped sum of the same values can differ in the last bit with the grouping.)
    """
    rows = _clients(ascfr, settings)
    parts = []
    for code, part in rows.groupby("geography_code", sort=True):
        split = split_of(part.groupby("age_band")["value"].sum(min_count=1))
        if split is not None:
            parts.append(split.assign(la_code=code))
    if not parts:
        return pd.DataFrame({"la_code": pd.Series(dtype="str"), "band": pd.Series(dtype="str"),
                             "clients": pd.Series(dtype="float64"), "share": pd.Series(dtype="float64")})
    return pd.concat(parts, ignore_index=True)[["la_code", "band", "clients", "share"]]


def age_split(ascfr: pd.DataFrame, la_code: str, settings: tuple[str, ...] | list[str]) -> pd.DataFrame | None:
    """The council's clients in the settings by age band (18-64, 65+) and each band's share; None if none.

    One council's, from England's rows (for exploring): the statement looks it up in the national pass
    (``national.age_split``), which tests/assess/test_national.py holds equal to this."""
    rows = _clients(ascfr.loc[ascfr["geography_code"] == la_code, CLIENT_COLUMNS], settings)
    return split_of(rows.groupby("age_band")["value"].sum(min_count=1))


def split_of(by_band: pd.Series) -> pd.DataFrame | None:
    """``age_split`` from one council's clients by ASC-FR age band (NaN where unknown); None if none."""
    by_band = by_band.dropna()
    if by_band.empty or by_band.sum() <= 0:
        return None
    out = pd.DataFrame({"band": [AGE_BANDS[b] for b in by_band.index], "clients": by_band.to_numpy()})
    out["share"] = out["clients"] / out["clients"].sum()
    return out.sort_values("band").reset_index(drop=True)
