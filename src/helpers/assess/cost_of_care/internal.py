"""INTERNAL exploration charts for the cost of care notebook: they show provider IDs and figures, never published."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from helpers.assess.cost_of_care.statistics import quartiles, template_order
from helpers.assess.cost_of_care.wording import money
from helpers.load.cost_returns import UNITS
from helpers.present.charts import TEMPLATE_JSON, hline, plain_figure
from helpers.services import name as service_name


def internal_box_plot(returns: pd.DataFrame, service: str, category: str = "") -> go.Figure:
    """INTERNAL: box plot of every provider's value per cost line (hover shows the provider ID)."""
    d = returns[(returns["service"] == service) & (returns["category"] == category)]
    d = template_order(d.assign(value=d["value"].astype("float64")))
    traces = [dict(type="box", x=part["value"], name=line, boxpoints="all", jitter=0.3, quartilemethod="inclusive",
                   text=part["provider_id"], hovertemplate="%{text}: £%{x:,.2f}<extra>%{fullData.name}</extra>",
                   showlegend=False, marker=dict(color="#1f5f8b"))
              for line, part in d.groupby("cost_line", sort=False)]
    what = service_name(service) + (f" ({category})" if category else "")
    return plain_figure(traces, dict(title=dict(text=f"INTERNAL: providers' costs of {what} by cost line, "
                                                    f"£ {UNITS[service]}"),
                                     height=max(400, 22 * d["cost_line"].nunique() + 120), width=900,
                                     yaxis=dict(autorange="reversed"), margin=dict(l=320)),
                        shared=dict(template=TEMPLATE_JSON))


def internal_provider_chart(totals: pd.DataFrame, service: str, category: str = "") -> go.Figure:
    """INTERNAL: each provider's total, split into staff and non-staff, against the median total."""
    d = totals[(totals["service"] == service) & (totals["category"] == category)].sort_values("total")
    median = quartiles(d["total"])["median"]
    shape, annotation = hline(median, f"median total {money(median)}", dash="dash")
    what = service_name(service) + (f" ({category})" if category else "")
    return plain_figure([dict(type="bar", name="Staff", x=d["provider_id"], y=d["staff"].astype("float64"),
                              marker=dict(color="#1f5f8b")),
                         dict(type="bar", name="Non-staff", x=d["provider_id"], y=d["non_staff"].astype("float64"),
                              marker=dict(color="#c77c02"))],
                        dict(barmode="stack", height=420, width=900, shapes=[shape], annotations=[annotation],
                             title=dict(text=f"INTERNAL: total cost of {what} per provider, £ {UNITS[service]}")),
                        shared=dict(template=TEMPLATE_JSON))
