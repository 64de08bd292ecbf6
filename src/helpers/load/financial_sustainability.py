"""Care home financial sustainability, a local source: the council's per-home finance return.

One row per care home × As at date: beds, council-funded beds (blank: taken from the occupancy return),
payments outstanding, the average monthly payment, hardship fund used and credit red flags. Per-home
figures are internal; only the share of homes at moderate or high risk is published.
"""
from __future__ import annotations

from datetime import date

from helpers.load.local_schema import Check, Field, LocalSource

FIELDS = (
    Field("location_id", "Location ID", "text", pattern=r"1-\d+",
          description="CQC location ID: '1-' then digits, as in the CQC care directory."),
    Field("home_name", "Care home name", "text", required=False, description="The home's name."),
    Field("beds", "Beds", "int", minimum=0, description="Beds the home can use (registered and open)."),
    Field("council_funded_beds", "Council-funded beds", "int", required=False, minimum=0,
          description="Beds paid for (wholly or partly) by the council; blank to use the occupancy return's latest "
                      "council-funded beds."),
    Field("payments_outstanding", "Payments outstanding (£)", "money", minimum=0,
          description="Payments between the council and the home due but not yet made at the As at date."),
    Field("average_monthly_payment", "Average monthly payment (£)", "money", minimum=0,
          description="The council's average monthly payment to the home over the last 12 months."),
    Field("hardship_fund_used", "Hardship fund used (£)", "money", minimum=0,
          description="Hardship or sustainability fund paid to the home in the last 12 months; 0 if none."),
    Field("credit_red_flag", "Credit red flags (Y/N)", "flag",
          description="Y if a credit check (e.g. a credit reference agency alert) shows a red flag."),
    Field("as_at", "As at date", "date", description="The date this row's figures describe."),
)

CHECKS = (
    Check("council_funded_beds", "council-funded beds ({council_funded_beds}) are more than beds ({beds})",
          lambda d: d["council_funded_beds"] > d["beds"]),
    Check("average_monthly_payment", "payments outstanding but no average monthly payment: the outstanding % "
          "cannot be worked out", lambda d: (d["payments_outstanding"] > 0) & (d["average_monthly_payment"] == 0)),
)

EXAMPLES = [
    {"location_id": "1-000000001", "home_name": "Example House", "beds": 42, "council_funded_beds": 27,
     "payments_outstanding": 12500.0, "average_monthly_payment": 98000.0, "hardship_fund_used": 0.0,
     "credit_red_flag": False, "as_at": date(2026, 9, 30)},
    {"location_id": "1-000000002", "home_name": "Example Court Nursing Home", "beds": 40,
     "payments_outstanding": 165000.0, "average_monthly_payment": 110000.0, "hardship_fund_used": 15000.0,
     "credit_red_flag": True, "as_at": date(2026, 9, 30)},
]

SPEC = LocalSource(
    name="financial_sustainability", title="Care home financial sustainability", sheet="Financial sustainability",
    fields=FIELDS, key=("location_id", "as_at"), checks=CHECKS, vintage_field="as_at", examples=EXAMPLES,
    readme="""Per care home: how much the home depends on the council (council-funded beds as a share of
    beds), payments outstanding against the council's average monthly payment, hardship fund used and
    credit red flags. Leave Council-funded beds blank to take them from the occupancy return.

    The per-home figures are internal; the Market Position Statement publishes only the share of
    homes at moderate or high financial risk.""",
)
