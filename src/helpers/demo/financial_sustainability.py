"""Synthetic care home financial sustainability return for one council, in the template layout.

Council-funded beds are left blank, so they come from the demo occupancy return (as a council that
does not repeat them would do). Outstanding payments, hardship fund and credit flags are drawn so that
about a fifth of homes are at moderate or high risk (the seed: 21%).
"""
from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.demo.local_template import AS_AT, write_rows
from helpers.load.financial_sustainability import SPEC

STREAM = zlib.crc32(b"financial_sustainability")  # its own random stream: the other local files stay unchanged
FEE_PER_BED_MONTH = (2900.0, 3600.0)  # £ a council-funded bed earns a home in a month
STRESSED_SHARE = 0.05  # homes owed a month or more
HARDSHIP_SHARE = 0.03
CREDIT_FLAG_SHARE = 0.02


def _care_homes(active: pd.DataFrame) -> pd.DataFrame:
    """The care homes of a demo snapshot (``kind``) or a tidy CQC directory (``care_home``), by location ID."""
    mask = active["kind"] == "care_home" if "kind" in active else active["care_home"].astype(bool)
    homes = active[mask].sort_values("location_id")
    name = "name" if "name" in homes else "location_name"
    return homes[["location_id", name, "beds"]].rename(columns={name: "home_name"}).reset_index(drop=True)


def _rows(homes: pd.DataFrame, rng: np.random.Generator) -> list[dict]:
    rows = []
    for home in homes.to_dict("records"):
        beds = int(home["beds"])
        monthly = round(beds * 0.45 * rng.uniform(*FEE_PER_BED_MONTH), -1)
        stressed = rng.random() < STRESSED_SHARE
        owed = monthly * (rng.uniform(1.0, 2.5) if stressed else rng.uniform(0.0, 0.4))
        rows.append({"location_id": home["location_id"], "home_name": home["home_name"], "beds": beds,
                     "council_funded_beds": None, "payments_outstanding": round(float(owed), 2),
                     "average_monthly_payment": float(monthly),
                     "hardship_fund_used": round(float(rng.uniform(5000, 25000)), -2)
                     if rng.random() < HARDSHIP_SHARE else 0.0,
                     "credit_red_flag": bool(rng.random() < CREDIT_FLAG_SHARE), "as_at": AS_AT})
    return rows


def write_financial_sustainability(council_code: str, active_locations_df: pd.DataFrame, seed: int,
                                   out_dir: Path) -> Path:
    """Write ``<council_code>_financial_sustainability.xlsx`` (SYNTHETIC) for the council's active care homes."""
    rows = financial_sustainability_rows(council_code, active_locations_df, seed)
    return write_rows(SPEC, rows, Path(out_dir) / f"{council_code}_{SPEC.name}.xlsx")


def financial_sustainability_rows(council_code: str, active_locations_df: pd.DataFrame, seed: int) -> list[dict]:
    """The rows of the council's financial sustainability return."""
    rng = np.random.default_rng([seed, zlib.crc32(council_code.encode()), STREAM])
    return _rows(_care_homes(active_locations_df), rng)
