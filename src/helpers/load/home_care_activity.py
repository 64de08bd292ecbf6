"""Home care activity and unmet need, a local source: per provider (and zone) per week.

Hours and packages awaiting care are need the council has assessed but no provider has yet picked up;
packages not yet offered to any provider go on a row with Provider ID ``UNALLOCATED``.
"""
from __future__ import annotations

from datetime import date

from helpers.load.local_schema import Check, Field, LocalSource

DELIVERY_WARNING_RATIO = 1.5
CALL_BANDS = {"calls_15": "15 min", "calls_30": "30 min", "calls_45": "45 min", "calls_60_plus": "60+ min"}

FIELDS = (
    Field("council", "Council code", "council", description="ONS code of the commissioning council."),
    Field("provider_id", "Provider ID", "text",
          description="CQC provider ID or the council's supplier reference; UNALLOCATED for need not yet offered."),
    Field("provider_name", "Provider name", "text", description="The provider's name."),
    Field("zone", "Zone", "text", required=False, description="Zone, locality or lot, if home care is zoned."),
    Field("week_ending", "Week ending", "date", description="Last day of the week the figures cover."),
    Field("commissioned_hours", "Commissioned hours", "number", minimum=0,
          description="Hours of care commissioned from the provider for the week."),
    Field("delivered_hours", "Delivered hours", "number", minimum=0, description="Hours of care actually delivered."),
    Field("people_supported", "People supported", "int", minimum=0,
          description="People who received care in the week."),
    Field("packages_awaiting", "Packages awaiting care", "int", minimum=0,
          description="Packages (people) assessed and waiting for the care to start at the week's end."),
    Field("hours_awaiting", "Hours awaiting care", "number", minimum=0,
          description="Weekly hours of those waiting packages."),
    Field("calls_15", "Calls 15 min", "int", required=False, minimum=0,
          description="Calls planned as 15 minutes or less."),
    Field("calls_30", "Calls 30 min", "int", required=False, minimum=0,
          description="Calls planned as 16 to 30 minutes."),
    Field("calls_45", "Calls 45 min", "int", required=False, minimum=0,
          description="Calls planned as 31 to 45 minutes."),
    Field("calls_60_plus", "Calls 60+ min", "int", required=False, minimum=0,
          description="Calls planned as more than 45 minutes."),
    Field("hand_backs", "Hand-backs", "int", required=False, minimum=0,
          description="Packages the provider handed back to the council in the week."),
)

CHECKS = (
    Check("delivered_hours", "delivered hours ({delivered_hours:g}) are more than 150% of commissioned hours "
          "({commissioned_hours:g})",
          lambda d: d["delivered_hours"] > DELIVERY_WARNING_RATIO * d["commissioned_hours"]),
    Check("hours_awaiting", "{hours_awaiting:g} hours awaiting care but no packages awaiting care",
          lambda d: (d["hours_awaiting"] > 0) & (d["packages_awaiting"] == 0)),
    Check("hours_awaiting", "{packages_awaiting} packages awaiting care but no hours awaiting care",
          lambda d: (d["packages_awaiting"] > 0) & (d["hours_awaiting"] == 0)),
)

EXAMPLES = [
    {"council": "E08000019", "provider_id": "1-000000101", "provider_name": "Example Homecare Ltd", "zone": "North",
     "week_ending": date(2026, 9, 27), "commissioned_hours": 1250.5, "delivered_hours": 1198.25,
     "people_supported": 96, "packages_awaiting": 3, "hours_awaiting": 31.5, "calls_15": 40, "calls_30": 1710,
     "calls_45": 520, "calls_60_plus": 115, "hand_backs": 1},
    {"council": "E08000019", "provider_id": "UNALLOCATED", "provider_name": "Example: not yet offered to a provider",
     "zone": "North", "week_ending": date(2026, 9, 27), "commissioned_hours": 0, "delivered_hours": 0,
     "people_supported": 0, "packages_awaiting": 5, "hours_awaiting": 52},
]

SPEC = LocalSource(
    name="home_care_activity", title="Home care activity and unmet need", sheet="Home care activity",
    fields=FIELDS, key=("council", "provider_id", "zone", "week_ending"), checks=CHECKS, vintage_field="week_ending",
    examples=EXAMPLES,
    readme="""Weekly home care activity per provider (and zone, where home care is zoned): hours
    commissioned and delivered, people supported, packages and hours awaiting care, calls by planned
    length (for 15-minute call monitoring) and hand-backs.

    Put packages not yet offered to any provider on a row with Provider ID UNALLOCATED.""",
)
