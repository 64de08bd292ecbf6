"""Key performance indicators with targets: their template, columns and checks (RAG and trends are helpers.assess.kpi_tracker)."""
from __future__ import annotations

from helpers.services import SERVICES
from helpers.load.local_schema import Check, Field, LocalSource

UNITS = ("%", "number", "£")
HIGHER, LOWER = "Higher is better", "Lower is better"

FIELDS = (
    Field("kpi", "KPI", "text", description="What is measured, in plain English."),
    Field("service", "Service", "code", allowed=(*SERVICES, "All"), description="The service measured, or All."),
    Field("target", "Target", "number", description="The target value, in the unit (85 for 85%)."),
    Field("actual", "Actual", "number", required=False, description="The value achieved; blank if not yet known."),
    Field("unit", "Unit", "code", allowed=UNITS, description="% (percentage points), number or £."),
    Field("period", "Period", "text", description="The period measured, e.g. 2025-26 or Q2 2026-27."),
    Field("direction", "Direction", "code", allowed=(HIGHER, LOWER), description="Whether more is better or worse."),
)

CHECKS = tuple(
    Check(column, f"{column} {{{column}:g}} with unit % looks like a fraction: write 85 for 85%",
          lambda d, c=column: (d["unit"] == "%") & (d[c] > 0) & (d[c] < 1))
    for column in ("target", "actual"))

EXAMPLES = [
    {"kpi": "Example: % of care workers who have completed the Care Certificate", "service": "All", "target": 85,
     "actual": 78.5, "unit": "%", "period": "2026-27", "direction": HIGHER},
    {"kpi": "Example: % of new home care customers offered assistive technology", "service": "home_care",
     "target": 60, "unit": "%", "period": "2026-27", "direction": HIGHER},
    {"kpi": "Example: people waiting for home care at month end", "service": "home_care", "target": 20, "actual": 18,
     "unit": "number", "period": "2026-27", "direction": LOWER},
]

SPEC = LocalSource(
    name="kpis", title="Key performance indicators", sheet="KPIs", fields=FIELDS,
    key=("kpi", "service", "period"), checks=CHECKS, examples=EXAMPLES,
    readme="""The council's market KPIs with their targets, e.g. % of care workers trained, % of
    customers offered assistive technology. Write percentages as percentage points (85 for 85%).""",
)
