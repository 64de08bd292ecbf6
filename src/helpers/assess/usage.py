"""Current use of services from ASC-FR: long-term clients by council, support setting and age band."""
from __future__ import annotations

import pandas as pd

AGE_BANDS = {"18 to 64": "18-64", "65 and Over": "65+"}
CLIENTS = "Clients"


def _clients(ascfr: pd.DataFrame, settings: tuple[str, ...] | list[str]) -> pd.DataFrame:
    rows = ascfr[(ascfr["data_type"] == CLIENTS) & ascfr["support_setting"].isin(list(settings))
                 & ascfr["care_type"].astype(str).str.casefold().str.startswith("long term")
                 & (ascfr["value_type"] == "") & ascfr["age_band"].isin(list(AGE_BANDS)) & (ascfr["geography_code"] != "")]
    return rows


def clients_by_council(ascfr: pd.DataFrame, settings: tuple[str, ...] | list[str]) -> pd.DataFrame:
    """Long-term support clients per council (all adult ages) in the given support settings."""
    rows = _clients(ascfr, settings)
    out = rows.groupby("geography_code", as_index=False)["value"].sum(min_count=1).dropna()
    return out.rename(columns={"geography_code": "la_code", "value": "clients"})


def age_split(ascfr: pd.DataFrame, la_code: str, settings: tuple[str, ...] | list[str]) -> pd.DataFrame | None:
    """The council's clients in the settings by age band (18-64, 65+) and each band's share; None if none."""
    rows = _clients(ascfr, settings)
    rows = rows[rows["geography_code"] == la_code]
    by_band = rows.groupby("age_band")["value"].sum(min_count=1).dropna()
    if by_band.empty or by_band.sum() <= 0:
        return None
    out = pd.DataFrame({"band": [AGE_BANDS[b] for b in by_band.index], "clients": by_band.to_numpy()})
    out["share"] = out["clients"] / out["clients"].sum()
    return out.sort_values("band").reset_index(drop=True)
