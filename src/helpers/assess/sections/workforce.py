"""The workforce section: Skills for Care measures against region and England (ASCOF staff turnover as the fallback)."""
from __future__ import annotations

import pandas as pd

from helpers.assess import narrative, national, workforce
from helpers.assess.cost_of_care import load_params, nlw_in_force
from helpers.assess.sections.common import BuiltSection, Section, rounded
from helpers.load.inputs import Inputs
from helpers.present.charts import Chart
from helpers.present import wording
from helpers.present.tables import Table
from helpers.services import Service


def workforce_section(svc: Service, inputs: Inputs, area: pd.Series) -> BuiltSection:
    """Skills for Care workforce measures vs region and England; ASCOF Table_6a turnover as the fallback.

    Pay is compared with the National Living Wage in force on the CQC directory's date
    (params/cost_of_care.yml, the one home of the NLW).
    """
    nlw = nlw_in_force(load_params(), inputs.vintage_date)
    if inputs.skills_for_care is not None and svc.skills_for_care_services:
        table = workforce.workforce_comparison(inputs.skills_for_care.data, area["code"], area["region_code"],
                                               list(svc.skills_for_care_services), nlw["rate"],
                                               rows=national.workforce_rows(inputs))
        caption = (f"{svc.title} workforce: {area['name']} vs region and England (Skills for Care, "
                   f"{wording.vintage(inputs.skills_for_care.vintage)})")
    elif inputs.ascof_turnover is not None:
        table = workforce.turnover_from_ascof(inputs.ascof_turnover.data, area["code"], area["region_code"])
        caption = (f"Adult social care staff turnover: {area['name']} vs region and England (ASCOF Table 6a, "
                   f"{wording.vintage(inputs.ascof_turnover.vintage)}; all services, as no Skills for Care file was "
                   "supplied)")
    else:
        return BuiltSection(Section("workforce", "Workforce", ["No Skills for Care or ASCOF file was supplied, so the "
                                                               "workforce section could not be computed."]))
    shown = narrative.workforce_display(table)
    items: list[Table | Chart] = [Table("workforce", shown, caption,
                                        {"measure": "Measure", "council": area["name"], "region": "Region"})]
    messages = narrative.workforce_messages(area["name"], table)
    figures: dict[str, object] = {f"workforce_{k}": rounded(v, 2) for k, v in zip(table["key"], table["council"])}
    notes = [f"National Living Wage: {wording.money(nlw['rate'])} an hour from {nlw['from']} ({nlw['source']})."]
    return BuiltSection(Section("workforce", "Workforce", messages, items, notes), figures)
