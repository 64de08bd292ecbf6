"""Local provider list, a local source: the services the council knows of, including those CQC does not register.

CQC registers a service only when it provides a regulated activity (personal care, nursing, accommodation
with care). Much of the market for day opportunities and community support is not registered: day
centres, community groups, supported housing without personal care. The council's list names each one
with its capacity and how it is funded, so the sufficiency section can count it beside the CQC figures.

One row per scheme or service and as-at date (a list kept over time holds a row per update; the latest
row of each service counts). A service registered with CQC may be listed too (marked Y): it is already in
the CQC figures, so it is counted apart.
"""
from __future__ import annotations

from datetime import date

from helpers.load.local_schema import Check, Field, LocalSource
from helpers.services import SERVICES

FUNDING = ("Council", "Self-funded", "Mixed", "Other")
CAPACITY_UNITS = ("beds", "places", "flats", "people", "hours a week", "sessions a week")

FIELDS = (
    Field("provider", "Provider", "text", description="The organisation that runs the service."),
    Field("service", "Service", "code", allowed=SERVICES,
          description="Which of the four services it is part of (care_homes, home_care, supported_living, "
                      "day_opportunities; words like 'Day opportunities' are accepted)."),
    Field("scheme", "Scheme or service name", "text",
          description="The scheme's or service's own name, e.g. a day centre or a supported housing scheme."),
    Field("capacity", "Capacity", "number", required=False, minimum=0,
          description="How much it can provide, in the capacity unit; blank if not known."),
    Field("capacity_unit", "Capacity unit", "code", required=False, allowed=CAPACITY_UNITS,
          description="The unit of the capacity: required when a capacity is given."),
    Field("funding", "Funding", "code", allowed=FUNDING,
          description="Who pays for most of the places: the council, people themselves (self-funded), a mix, "
                      "or another body (the NHS, a charity's own funds)."),
    Field("cqc_registered", "Registered with CQC (Y/N)", "flag",
          description="Y if the service is registered with CQC (it is then already in the CQC figures)."),
    Field("as_at", "As at date", "date", description="The date the row describes (when it was last checked)."),
)

CHECKS = (
    Check("capacity_unit", "a capacity ({capacity:g}) needs its unit: choose one from the drop-down list",
          lambda d: d["capacity"].notna() & (d["capacity_unit"] == ""), error=True),
)

EXAMPLES = [
    {"provider": "Example Community Trust", "service": "day_opportunities", "scheme": "Example Lane Day Centre",
     "capacity": 35, "capacity_unit": "places", "funding": "Mixed", "cqc_registered": False,
     "as_at": date(2026, 9, 30)},
    {"provider": "Example Housing Association", "service": "supported_living", "scheme": "Example Court",
     "capacity": 12, "capacity_unit": "flats", "funding": "Council", "cqc_registered": False,
     "as_at": date(2026, 9, 30)},
    {"provider": "Example Friends Group", "service": "day_opportunities", "scheme": "Example lunch club",
     "funding": "Self-funded", "cqc_registered": False, "as_at": date(2026, 9, 30)},
]

SPEC = LocalSource(
    name="local_providers", title="Local provider list", sheet="Local providers", fields=FIELDS,
    key=("provider", "service", "scheme", "as_at"), checks=CHECKS, vintage_field="as_at", examples=EXAMPLES,
    readme="""Every service the council knows of in its area, including those CQC does not register.
    For each of the four services, list the day centres, community groups, supported housing without
    personal care and other services: who runs each one, its capacity and who funds it. The statement
    counts the services not registered with CQC beside the CQC figures, as a separate, locally listed count.

    One row per service; when the list is updated, add a row with the new as-at date (the latest row of
    each service counts) or replace the row.""",
)
