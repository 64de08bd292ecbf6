"""The "What we will do" section of a service chapter: the action plan's actions for the service."""
from __future__ import annotations

import pandas as pd

from helpers.assess import action_tracker, narrative
from helpers.assess.sections.common import BuiltSection, Section
from helpers.load.inputs import Inputs
from helpers.present import wording
from helpers.present.tables import Table
from helpers.services import Service


def actions_section(svc: Service, inputs: Inputs, area: pd.Series) -> BuiltSection:
    """The action plan's actions for this service, with status labels that read without colour."""
    plan = inputs.local("action_plan")
    if plan is None:
        return BuiltSection(Section("actions", "What we will do", ["No action plan was supplied."]))
    mine = plan.data[plan.data["service"] == svc.key]
    if mine.empty:
        return BuiltSection(Section("actions", "What we will do", [
            f"The action plan has no actions for {svc.title.lower()}; see the council-wide actions in the market "
            "oversight chapter."]))
    today = inputs.vintage_date
    days = action_tracker.due_soon_days()
    table = action_tracker.what_we_will_do(mine, today, days).drop(columns=["service"])
    figures = action_tracker.summary(mine, today, days)
    message = (f"The action plan has {wording.plural(figures['actions'], 'action')} for {svc.title.lower()}: "
               f"{narrative.fmt_int(figures['overdue'])} overdue and {narrative.fmt_int(figures['due_soon'])} due within "
               f"{wording.plural(days, 'day')} of {wording.day(today)}.")
    section = Section("actions", "What we will do", [message], [Table(
        "actions", table, f"{svc.title}: actions from the council's action plan ({wording.vintage(plan.vintage)}); "
        f"status as at {wording.day(today)}", {"theme": "Theme", "action": "Action", "owner": "Owner",
                                               "target": "Target date", "status": "Status"})])
    return BuiltSection(section, {"actions": {"total": figures["actions"], "overdue": figures["overdue"],
                                              "due_soon": figures["due_soon"]}})
