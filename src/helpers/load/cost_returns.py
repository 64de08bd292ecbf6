"""Cost-of-care provider returns, a local source: providers' costs in the lines of DHSC's Fair Cost of Care
"Annex A" templates.

One row per provider × service × care-home category × cost line, with the provider's volumes
repeated on each row. Care homes report £ per resident per week, home care £ per contact hour, as
the Annex A templates ask (docs/data_sources.md). Supported living (£ per hour) and day
opportunities (£ per session) have no DHSC template: their lines below follow the home care and
care home structures. This module only loads and validates; quartiles are computed in
``helpers.assess.cost_of_care``.
"""
from __future__ import annotations

from typing import Callable

import pandas as pd

from helpers.load.local_schema import CARE_HOME_CATEGORIES, Check, Field, LocalSource
from helpers.services import SERVICES

# The one list of cost lines: service → group → lines (Annex A wording where DHSC has a template).
COST_LINES: dict[str, dict[str, tuple[str, ...]]] = {
    "care_homes": {
        "staffing": ("Nursing staff", "Care staff", "Therapy staff (Occupational and Physio)", "Activity coordinators",
                     "Service management (Registered manager/deputy)", "Reception and admin staff at the home",
                     "Chefs / Cooks", "Domestic staff (cleaning, laundry and kitchen)", "Maintenance and gardening",
                     "Other care home staffing"),
        "premises": ("Fixtures and fittings", "Repairs and maintenance", "Furniture, furnishings and equipment",
                     "Other care home premises costs"),
        "supplies and services": ("Food supplies", "Domestic and cleaning supplies",
                                  "Medical supplies (excluding PPE)", "PPE", "Office supplies (home specific)",
                                  "Insurance (all risks)", "Registration fees", "Telephone and internet",
                                  "Council Tax / rates", "Electricity, gas and water", "Trade and clinical waste",
                                  "Transport and activities",
                                  "Other care home supplies and services costs"),
        "head office": ("Central / Regional management", "Recruitment, training and vetting (incl. DBS checks)",
                        "Other head office costs"),
        "return": ("Return on operations", "Return on capital"),
    },
    "home_care": {
        "careworker": ("Direct care", "Travel time", "Mileage", "PPE", "Training (staff time)", "Holiday",
                       "Additional non-contact pay costs", "Sickness/maternity and paternity pay",
                       "Notice/suspension pay", "NI (direct care hours)", "Pension (direct care hours)"),
        "business": ("Back office staff", "Travel costs (parking/vehicle lease etc.)", "Rent / rates / utilities",
                     "Recruitment / DBS", "Training (third party)", "IT (hardware, software CRM, ECM)", "Telephony",
                     "Stationery / postage", "Insurance", "Legal / finance / professional fees", "Marketing",
                     "Audit and compliance", "Uniforms and other consumables", "Assistive technology",
                     "Central / head office recharges", "Other overheads", "CQC registration fees"),
        "return": ("Return on operations",),
    },
    "supported_living": {
        "careworker": ("Direct support", "Sleep-in and waking night cover", "Travel time", "Training (staff time)",
                       "Holiday", "Sickness/maternity and paternity pay", "NI (direct support hours)",
                       "Pension (direct support hours)"),
        "business": ("Service management and supervision", "Back office staff", "Rent / rates / utilities",
                     "Recruitment / DBS", "Training (third party)", "IT and telephony", "Insurance",
                     "CQC registration fees", "Central / head office recharges", "Other overheads"),
        "return": ("Return on operations",),
    },
    "day_opportunities": {
        "staffing": ("Support staff", "Service management", "Activity and sessional staff", "Other staffing"),
        "premises": ("Building rent / lease", "Repairs and maintenance", "Utilities", "Other premises costs"),
        "supplies and services": ("Activity materials and equipment", "Food and refreshments", "Transport",
                                  "Insurance", "Registration and compliance", "Other supplies and services"),
        "head office": ("Central / head office recharges",),
        "return": ("Return on operations",),
    },
}
UNITS = {"care_homes": "per resident per week", "home_care": "per contact hour", "supported_living": "per hour",
         "day_opportunities": "per session"}
LINE_GROUP = {(service, line): group for service, groups in COST_LINES.items()
              for group, lines in groups.items() for line in lines}
GROUPS = tuple(dict.fromkeys(group for groups in COST_LINES.values() for group in groups))
ALL_LINES = tuple(dict.fromkeys(line for _, line in LINE_GROUP))
VOLUMES = ("beds", "occupancy", "contact_hours_per_week", "visit_length_minutes")
_SEE_README = "the README sheet lists the lines of each service and group"

FIELDS = (
    Field("provider_id", "Provider ID", "text",
          description="Your reference for the provider or home; returns are confidential, so no names."),
    Field("service", "Service", "code", allowed=SERVICES, description="The service the return costs."),
    Field("category", "Category", "code", required=False, allowed=CARE_HOME_CATEGORIES,
          description="Care homes only: the bed category the costs are for; blank for other services."),
    Field("cost_line", "Cost line", "code", allowed=ALL_LINES, description="An Annex A cost line of the service."),
    Field("group", "Group", "code", allowed=GROUPS, description="The group of the cost line (see the lists above)."),
    Field("value", "Value (£)", "money", minimum=0,
          description="£ per unit (care homes: per resident per week; home care: per contact hour)."),
    Field("unit", "Unit", "code", allowed=tuple(UNITS.values()),
          description="; ".join(f"{service}: {unit}" for service, unit in UNITS.items())),
    Field("beds", "Beds", "int", required=False, minimum=0, description="Care homes: registered beds."),
    Field("occupancy", "Occupancy (%)", "percent", required=False,
          description="Care homes: average occupancy over the return's year, e.g. 91.5."),
    Field("contact_hours_per_week", "Contact hours per week", "number", required=False, minimum=0,
          description="Home care and supported living: hours of care delivered a week."),
    Field("visit_length_minutes", "Average visit length (minutes)", "number", required=False, minimum=0,
          description="Home care: average planned visit length in minutes."),
)


def _not_line_of_service(d: pd.DataFrame) -> pd.Series:
    # the columns as Python lists first: iterating a pyarrow-backed column yields one scalar at a time, slowly
    return ~pd.Series([k in LINE_GROUP for k in zip(d["service"].tolist(), d["cost_line"].tolist())], index=d.index,
                      dtype=bool)


def _wrong_group(d: pd.DataFrame) -> pd.Series:
    expected = [LINE_GROUP.get(k, g) for k, g in zip(zip(d["service"].tolist(), d["cost_line"].tolist()),
                                                     d["group"].tolist())]
    return d["group"] != pd.Series(expected, index=d.index)


def _differs_within_return(column: str) -> Callable[[pd.DataFrame], pd.Series]:
    """Rows whose provider × service × category has more than one non-blank value of the column."""
    return lambda d: d.groupby(["provider_id", "service", "category"])[column].transform("nunique") > 1


CHECKS = (
    Check("cost_line", f"'{{cost_line}}' is not a {{service}} cost line ({_SEE_README})", _not_line_of_service,
          error=True),
    Check("group", f"'{{cost_line}}' is not in group '{{group}}' for {{service}} ({_SEE_README})", _wrong_group,
          error=True),
    Check("unit", "unit '{unit}' is not the {service} unit (" + "; ".join(f"{s}: {u}" for s, u in UNITS.items()) + ")",
          lambda d: d["unit"] != d["service"].map(UNITS), error=True),
    Check("category", "care_homes rows need a category (" + ", ".join(CARE_HOME_CATEGORIES) + ")",
          lambda d: (d["service"] == "care_homes") & (d["category"] == ""), error=True),
    Check("category", "a category ('{category}') on a {service} row: categories are for care homes only",
          lambda d: (d["service"] != "care_homes") & (d["category"] != "")),
    *(Check(v, f"{v.replace('_', ' ')} differs between rows of the same return (provider {{provider_id}}, "
               "{service} {category})", _differs_within_return(v)) for v in VOLUMES),
)

EXAMPLES = [
    {"provider_id": "EXAMPLE-CH01", "service": "care_homes", "category": "Residential", "cost_line": "Care staff",
     "group": "staffing", "value": 312.88, "unit": "per resident per week", "beds": 40, "occupancy": 91.5},
    {"provider_id": "EXAMPLE-CH01", "service": "care_homes", "category": "Residential", "cost_line": "Food supplies",
     "group": "supplies and services", "value": 43.62, "unit": "per resident per week", "beds": 40, "occupancy": 91.5},
    {"provider_id": "EXAMPLE-CH01", "service": "care_homes", "category": "Residential",
     "cost_line": "Return on operations", "group": "return", "value": 48.00, "unit": "per resident per week",
     "beds": 40, "occupancy": 91.5},
    {"provider_id": "EXAMPLE-HC01", "service": "home_care", "category": "", "cost_line": "Direct care",
     "group": "careworker", "value": 13.21, "unit": "per contact hour", "contact_hours_per_week": 2450,
     "visit_length_minutes": 34},
    {"provider_id": "EXAMPLE-HC01", "service": "home_care", "category": "", "cost_line": "Back office staff",
     "group": "business", "value": 2.85, "unit": "per contact hour", "contact_hours_per_week": 2450,
     "visit_length_minutes": 34},
]


def _lines_readme() -> str:
    """One README paragraph per service listing its unit, groups and cost lines."""
    return "\n\n".join(f"{service} (£ {UNITS[service]}): " + " | ".join(
        f"{group}: {'; '.join(lines)}" for group, lines in groups.items()) for service, groups in COST_LINES.items())


SPEC = LocalSource(
    name="cost_returns", title="Cost of care provider returns (Fair Cost of Care Annex A)", sheet="Cost returns",
    fields=FIELDS, key=("provider_id", "service", "category", "cost_line"), checks=CHECKS, examples=EXAMPLES,
    readme="""Providers' cost of care returns, one row per provider, service, care home category and cost
    line, in the DHSC Fair Cost of Care Annex A lines. Give the provider's volumes (beds and occupancy
    for care homes; contact hours and visit length for home care) on each of its rows. Never put
    provider names here: the figures are published only as quartiles over at least three providers.

    The cost lines of each service, by group:\n\n""" + _lines_readme(),
)
