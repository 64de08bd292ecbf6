"""Provider intelligence for early warning, a local source: per location, the council's own quality signals.

Internal only: this feeds the provider risk dashboard, never the published MPS.
"""
from __future__ import annotations

from datetime import date

from helpers.services import SERVICES
from helpers.load.local_schema import Field, LocalSource

QUALITY_RATINGS = ("Outstanding", "Good", "Requires improvement", "Inadequate", "Not assessed")

FIELDS = (
    Field("location_id", "Location ID", "text", pattern=r"1-\d+",
          description="CQC location ID: '1-' then digits, as in the CQC care directory."),
    Field("location_name", "Location name", "text", required=False, description="The location's name."),
    Field("provider_name", "Provider", "text", description="The registered provider's name."),
    Field("service", "Service", "code", allowed=SERVICES, description="The service the intelligence is about."),
    Field("quality_rating", "Local quality assessment rating", "code", allowed=QUALITY_RATINGS,
          description="The council's own latest quality assessment (not CQC's)."),
    Field("food_hygiene", "Food hygiene rating", "int", required=False, minimum=0, maximum=5,
          description="Food Standards Agency rating 0 to 5; blank if none (e.g. home care)."),
    Field("safeguarding_concerns", "Safeguarding concerns", "int", minimum=0,
          description="Safeguarding concerns raised in the last 12 months."),
    Field("placement_embargo", "Placement embargo (Y/N)", "flag", description="Y if new placements are suspended."),
    Field("contract_default_notice", "Contract default notice (Y/N)", "flag",
          description="Y if a contract default notice is in force."),
    Field("unexpected_deaths", "Unexpected deaths", "int", minimum=0,
          description="Unexpected deaths in the last 12 months."),
    Field("substantiated_concerns", "Substantiated concerns", "int", minimum=0,
          description="Concerns (any kind) substantiated in the last 12 months."),
    Field("in_administration", "Company in administration (Y/N)", "flag",
          description="Y if the provider company is in administration or insolvent."),
    Field("manager_vacancy", "Registered manager vacancy (Y/N)", "flag",
          description="Y if the location has no registered manager in post."),
    Field("as_at", "As at date", "date", description="The date this row's information was correct."),
)

EXAMPLES = [
    {"location_id": "1-000000001", "location_name": "Example House", "provider_name": "Example Care Ltd",
     "service": "care_homes", "quality_rating": "Good", "food_hygiene": 5, "safeguarding_concerns": 1,
     "placement_embargo": False, "contract_default_notice": False, "unexpected_deaths": 0,
     "substantiated_concerns": 0, "in_administration": False, "manager_vacancy": False, "as_at": date(2026, 9, 30)},
    {"location_id": "1-000000101", "location_name": "Example Homecare (North office)",
     "provider_name": "Example Homecare Ltd", "service": "home_care", "quality_rating": "Requires improvement",
     "safeguarding_concerns": 3, "placement_embargo": True, "contract_default_notice": True, "unexpected_deaths": 0,
     "substantiated_concerns": 2, "in_administration": False, "manager_vacancy": True, "as_at": date(2026, 9, 30)},
]

SPEC = LocalSource(
    name="provider_intelligence", title="Provider intelligence (internal)", sheet="Provider intelligence",
    fields=FIELDS, key=("location_id", "service", "as_at"), vintage_field="as_at", examples=EXAMPLES,
    readme="""The council's own intelligence about each location, for the internal provider risk
    dashboard: local quality rating, safeguarding and other concerns, embargoes, default notices,
    unexpected deaths, financial distress, registered manager vacancy and food hygiene rating.

    Internal and confidential: it is never published in the Market Position Statement.""",
)
