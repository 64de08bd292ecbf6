"""Fee rates and budgets, a local source: the council's current rate per service and band.

Contracted volume is in the rate's units a year (hours, bed-weeks or sessions), so rate × volume is
a year's cost and a fee gap × volume is the budget impact.

A band may name its fee category in the national fee return (``FEE_CATEGORIES``: the four care home
categories by age and nursing, and home care per contact hour); the cost section then gives each
category's rate, volume-weighted over its bands, against last year's (the previous financial year's
rows of the same file) and the median cost of care.
"""
from __future__ import annotations

from helpers.services import SERVICES
from helpers.load.local_schema import Check, Field, LocalSource

UNITS = ("per hour", "per week", "per session")
BUDGET_TOLERANCE = 0.2
HOME_CARE_CATEGORY = "Home care per contact hour"
CARE_HOME_FEE_CATEGORIES = ("65+ residential", "65+ nursing", "18–64 residential", "18–64 nursing")
FEE_CATEGORIES = (*CARE_HOME_FEE_CATEGORIES, HOME_CARE_CATEGORY)  # the national fee return's categories

FIELDS = (
    Field("service", "Service", "code", allowed=SERVICES, description="The service the rate pays for."),
    Field("band", "Band or category", "text",
          description="The rate's band, e.g. Residential standard, Nursing enhanced, Rural hourly rate."),
    Field("unit", "Unit", "code", allowed=UNITS, description="What one rate buys."),
    Field("current_rate", "Current rate (£)", "money", minimum=0, description="The rate paid now, £ per unit."),
    Field("contracted_volume", "Contracted volume (units a year)", "number", minimum=0,
          description="Units bought a year at this rate: hours, bed-weeks (beds × 52) or sessions."),
    Field("budget", "Budget (£)", "money", required=False, minimum=0,
          description="The year's budget for this band, £; blank if not set per band."),
    Field("financial_year", "Financial year", "text", pattern=r"20\d\d-\d\d",
          description="The financial year the rate applies to, like 2026-27"),
    Field("fee_category", "Fee category", "code", required=False, allowed=FEE_CATEGORIES,
          description="The band's category in the national fee return (care homes: 65+ or 18–64, residential "
                      "or nursing, per week; home care: per contact hour); blank for other bands. A category's rate "
                      "is the volume-weighted average of its bands; give last year's rows too to show the increase."),
)

CHECKS = (
    Check("budget", "budget (£{budget:,.0f}) differs by more than 20% from current rate × contracted volume "
          "(£{current_rate:,.2f} × {contracted_volume:,.0f}): is the volume in units a year?",
          lambda d: (d["budget"] - d["current_rate"] * d["contracted_volume"]).abs()
          > BUDGET_TOLERANCE * d["current_rate"] * d["contracted_volume"]),
    Check("fee_category", "fee category '{fee_category}' is a care home rate: the row's service must be care_homes "
          "(not {service}) and its unit 'per week' (not '{unit}')",
          lambda d: d["fee_category"].isin(CARE_HOME_FEE_CATEGORIES)
          & ((d["service"] != "care_homes") | (d["unit"] != "per week")), error=True),
    Check("fee_category", "fee category '{fee_category}' is a home care rate: the row's service must be home_care "
          "(not {service}) and its unit 'per hour' (not '{unit}')",
          lambda d: (d["fee_category"] == HOME_CARE_CATEGORY)
          & ((d["service"] != "home_care") | (d["unit"] != "per hour")), error=True),
)

EXAMPLES = [
    {"service": "care_homes", "band": "Example: residential standard", "unit": "per week", "current_rate": 812.40,
     "contracted_volume": 52000, "budget": 42244800, "financial_year": "2026-27", "fee_category": "65+ residential"},
    {"service": "care_homes", "band": "Example: nursing standard", "unit": "per week", "current_rate": 945.10,
     "contracted_volume": 20800, "budget": 19658080, "financial_year": "2026-27", "fee_category": "65+ nursing"},
    {"service": "home_care", "band": "Example: standard hourly rate", "unit": "per hour", "current_rate": 24.50,
     "contracted_volume": 1300000, "budget": 31850000, "financial_year": "2026-27",
     "fee_category": HOME_CARE_CATEGORY},
    {"service": "day_opportunities", "band": "Example: standard session", "unit": "per session",
     "current_rate": 48.00, "contracted_volume": 45000, "financial_year": "2026-27"},
    {"service": "home_care", "band": "Example: standard hourly rate", "unit": "per hour", "current_rate": 23.10,
     "contracted_volume": 1250000, "financial_year": "2025-26", "fee_category": HOME_CARE_CATEGORY},
]

SPEC = LocalSource(
    name="fee_rates", title="Fee rates and budgets", sheet="Fee rates", fields=FIELDS,
    key=("service", "band", "financial_year"), checks=CHECKS, vintage_field="financial_year", examples=EXAMPLES,
    readme="""The council's current fee rate for each service and band, the volume it buys a year
    and the budget. Used to compare rates with the median cost of care and to size the budget impact of
    closing the gap (gap £ per unit × contracted volume).

    Give each band its category in the national fee return where it has one (Fee category), and keep
    last financial year's rows in the same sheet: the statement then shows each category's rate against
    last year's and the median cost of care. Only the latest financial year's rows are used otherwise.""",
)
