"""The cost-of-care parameters (params/cost_of_care.yml), each key checked where it is read."""
from __future__ import annotations

import re
from typing import Any

from helpers.errors import InputError
from helpers.load.cost_returns import COST_LINES
from helpers.params import load, path_of, require
from helpers.services import SERVICES

PARAMS_NAME = "cost_of_care"
YEAR = re.compile(r"20\d\d-\d\d")


def load_params(params: dict[str, Any] | None = None) -> dict[str, Any]:
    """The cost-of-care parameters (params/cost_of_care.yml unless given), each key checked."""
    p = load(PARAMS_NAME) if params is None else params
    n = PARAMS_NAME
    require(p, "min_providers", "int", name=n, minimum=1)
    require(p, "suppression_marker", "text", name=n)
    require(p, "suppression_footnote", "text", name=n)
    require(p, "outliers.iqr_multiplier", "number", name=n, minimum=0)
    require(p, "outliers.band_pct", "number", name=n, minimum=0)
    require(p, "outliers.min_returns", "int", name=n, minimum=2)
    for service in SERVICES:
        groups = require(p, f"staff_groups.{service}", "list", name=n)
        unknown = sorted(set(groups) - set(COST_LINES[service]))
        if unknown:
            raise InputError(f"key 'staff_groups.{service}': {unknown} are not {service} cost-line groups "
                             f"(expected some of {list(COST_LINES[service])})", file=path_of(n))
        require(p, f"fallback_staff_share.{service}", "number", name=n, minimum=0, maximum=1)
    for block, inner in (("homecare_minimum_price", "prices"), ("national_living_wage", "rates")):
        require(p, f"{block}.source", "text", name=n)
        for year in require(p, f"{block}.{inner}", "mapping", name=n):
            if not YEAR.fullmatch(str(year)):
                raise InputError(f"key '{block}.{inner}': '{year}' is not a financial year like 2026-27",
                                 file=path_of(n))
            require(p, f"{block}.{inner}.{year}", "number", name=n, minimum=0)
    require(p, "national_living_wage.assumed_change_pct", "number", name=n, minimum=-100)
    require(p, "cpi.source", "text", name=n)
    readings = require(p, "cpi.readings", "list", name=n)
    if not readings:
        raise InputError("key 'cpi.readings': at least one CPI reading is needed", file=path_of(n))
    for i, reading in enumerate(readings):
        for key, kind in (("period", "text"), ("rate_pct", "number"), ("published", "text")):
            require({"cpi": {"readings": {str(i): reading}}}, f"cpi.readings.{i}.{key}", kind, name=n)
    for key in ("nlw_change_pct", "cpi_pct"):
        values = require(p, f"sensitivity.{key}", "list", name=n)
        if not values or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            raise InputError(f"key 'sensitivity.{key}': expected a list of numbers, got {values!r}", file=path_of(n))
    return p


def footnote(params: dict[str, Any]) -> str:
    """The suppression footnote with the minimum number of providers filled in."""
    return params["suppression_footnote"].format(min_providers=params["min_providers"])
