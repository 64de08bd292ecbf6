"""INTERNAL exploration charts for the cost of care notebook: they show provider IDs and figures, never published."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from helpers.assess.cost_of_care.statistics import quartiles, template_order
from helpers.assess.cost_of_care.wording import money
from helpers.load.cost_returns import UNITS
from helpers.present.charts import TEMPLATE
from helpers.services import name as service_name


def internal_box_plot(returns: pd.DataFrame, service: str, category: str = "") -> go.Figure:
    """INTERNAL: box plot of every provider's value per cost line (hover shows the provider ID)."""
    d = returns[(returns["service"] == service) & (returns["category"] == category)]
    d = template_order(d.assign(value=d["value"].astype("float64")))
    fig = go.Figure()
    for line, part in d.groupby("cost_line", sort=False):
        fig.add_trace(go.Box(x=part["value"], name=line, boxpoints="all", jitter=0.3, quartilemethod="inclusive",
                             text=part["provider_id"],
                             hovertemplate="%{text}: £%{x:,.2f}<extra>%{fullData.name}</extra>",
                             showlegend=False, marker_color="#1f5f8b"))
    what = service_name(service) + (f" ({category})" if category else "")
    fig.update_layout(title=f"INTERNAL: providers' costs of {what} by cost line, £ {UNITS[service]}",
                      template=TEMPLATE, height=max(400, 22 * d["cost_line"].nunique() + 120), width=900,
                      yaxis=dict(autorange="reversed"), margin=dict(l=320))
    return fig


def internal_provider_chart(totals: pd.DataFrame, service: str, category: str = "") -> go.Figure:
    """INTERNAL: each provider's total, split into staff and non-staff, against the median total."""
    d = totals[(totals["service"] == service) & (totals["category"] == category)].sort_values("total")
    median = quartiles(d["total"])["median"]
    fig = go.Figure([go.Bar(name="Staff", x=d["provider_id"], y=d["staff"].astype("float64"), marker_color="#1f5f8b"),
                     go.Bar(name="Non-staff", x=d["provider_id"], y=d["non_staff"].astype("float64"),
                            marker_color="#c77c02")])
    fig.add_hline(y=median, line_dash="dash", annotation_text=f"median total {money(median)}")
    what = service_name(service) + (f" ({category})" if category else "")
    fig.update_layout(barmode="stack", template=TEMPLATE, height=420, width=900,
                      title=f"INTERNAL: total cost of {what} per provider, £ {UNITS[service]}")
    return fig
