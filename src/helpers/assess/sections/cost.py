"""The cost of care section of a service chapter: the published cost-of-care section (helpers.assess.cost_of_care) as a Section."""
from __future__ import annotations

import pandas as pd

from helpers.assess import cost_of_care
from helpers.assess.sections.common import BuiltSection, Section
from helpers.load.inputs import Inputs
from helpers.load.reading import SourceTable
from helpers.present.charts import Chart
from helpers.present.tables import Table
from helpers.services import Service


def cost_section(svc: Service, inputs: Inputs, area: pd.Series) -> BuiltSection:
    """Fair Cost of Care quartiles, fee gap, uplift and budget impact (published: suppressed below min providers).

    The checks on the returns and fee rates come back in the BuiltSection's log (the provider-level
    ones are counted, not listed, in the published log).
    """
    returns, fees = inputs.local("cost_returns"), inputs.local("fee_rates")
    cost = cost_of_care.cost_section(svc.key, returns, fees, area["name"])
    items: list[Table | Chart] = [*cost.charts, *cost.tables]
    notes = [cost.footnote] if cost.footnote and cost.available else []
    notes.append("Cost figures are quartiles over providers' returns, computed as a spreadsheet's inclusive quartile "
                 "does. The total is the median of providers' totals, not the sum of the line medians.")
    section = Section("cost", "Cost of care and value for money", cost.messages or
                      [f"No cost of care returns for {svc.title.lower()} were supplied."],
                      items if cost.available else [], notes)
    figures = {"cost": cost.key_figures} | _fee_categories(svc, returns, fees, area, section, cost.statistics)
    return BuiltSection(section, figures, cost.log)


def _fee_categories(svc: Service, returns: SourceTable | None, fees: SourceTable | None, area: pd.Series,
                    section: Section, statistics: pd.DataFrame | None = None) -> dict[str, object]:
    """Add the fee categories' messages and table to the section (helpers.assess.cost_of_care.categories); return
    their key figures ({} when no band of the service has a fee category)."""
    part = cost_of_care.fee_categories(svc.key, returns, fees, area["name"], statistics=statistics)
    if part.table is not None:
        section.messages = [*section.messages, *part.messages]
        section.items = [*section.items, part.table]
    return part.key_figures
