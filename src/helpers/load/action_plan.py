"""The market sustainability action plan: its template, columns and checks (the tracking is helpers.assess.action_tracker)."""
from __future__ import annotations

from datetime import date

from helpers.services import SERVICES
from helpers.load.local_schema import Field, LocalSource

THEMES = ("Market oversight", "Financial support and funding", "Finance processes", "Commissioning strategy",
          "Market shaping", "Contract management and quality", "Workforce")
STATUSES = ("Complete", "Green", "Amber", "Red", "Ongoing")
COMPLETE = "Complete"
ALL_SERVICES = "All"

FIELDS = (
    Field("theme", "Theme", "code", allowed=THEMES, description="The action plan theme."),
    Field("action", "Action", "text", description="What will be done, in plain English."),
    Field("service", "Service", "code", allowed=(*SERVICES, ALL_SERVICES),
          description="The service the action is for, or All."),
    Field("owner", "Owner (role)", "text",
          description="The role accountable, e.g. Head of Commissioning: a role, never a person's name "
                      "(the plan is published)."),
    Field("target_date", "Target date", "date", required=False,
          description="When the action should be complete; blank for ongoing work."),
    Field("status", "Status", "code", allowed=STATUSES,
          description="Complete, or RAG: Green on track, Amber at risk, Red off track; Ongoing for continuing work."),
    Field("notes", "Notes", "text", required=False, description="Progress and context (published)."),
)

EXAMPLES = [
    {"theme": "Workforce", "action": "Example: run a joint recruitment campaign with care providers",
     "service": "All", "owner": "Workforce Development Manager", "target_date": date(2027, 3, 31),
     "status": "Green", "notes": "Example: first campaign launched in September"},
    {"theme": "Market shaping", "action": "Example: publish a care home commissioning strategy",
     "service": "care_homes", "owner": "Head of Commissioning", "target_date": date(2026, 12, 31), "status": "Amber",
     "notes": ""},
    {"theme": "Contract management and quality", "action": "Example: quarterly provider quality reviews",
     "service": "home_care", "owner": "Quality Assurance Lead", "status": "Ongoing", "notes": ""},
]

SPEC = LocalSource(
    name="action_plan", title="Market sustainability action plan", sheet="Action plan", fields=FIELDS,
    key=("theme", "action", "service"), examples=EXAMPLES,
    readme="""The council's actions to sustain and shape the care market, by theme, with owner, target
    date and status. Published in the Market Position Statement.

    Owner is a role (e.g. Head of Commissioning), never a person's name: the plan is published.""",
)

