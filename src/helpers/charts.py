"""Plotly charts for the MPS, each with a title and alt text, and their static/interactive exports."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from helpers.quality import RATING_ORDER

# CQC's own rating colours, with the rating written on each bar so colour is never the only cue.
RATING_COLOURS = {"Outstanding": "#1a6b3c", "Good": "#4c9a2a", "Requires improvement": "#c77c02",
                  "Inadequate": "#b3261e", "Not yet rated": "#6b6b6b"}


@dataclass
class Chart:
    """A figure with the title and alt text that every published chart must carry."""

    name: str
    figure: go.Figure
    title: str
    alt: str


def rating_chart(distribution: pd.DataFrame, area: str, subject: str = "care homes") -> Chart:
    """Horizontal bar chart of locations by CQC overall rating."""
    d = distribution.set_index("rating").reindex(RATING_ORDER).reset_index()
    fig = go.Figure(go.Bar(
        x=d["locations"], y=d["rating"], orientation="h", marker_color=[RATING_COLOURS[r] for r in d["rating"]],
        text=[f"{n} ({p:.0f}%)" if pd.notna(p) else str(n) for n, p in zip(d["locations"], d["percent"])],
        textposition="outside", hovertemplate="%{y}: %{x} locations<extra></extra>"))
    title = f"CQC overall ratings of {subject} in {area}"
    fig.update_layout(title=title, template="plotly_white", height=360, width=760, margin=dict(l=170, r=60, t=60, b=50),
                      xaxis=dict(title="Number of locations", range=[0, max(1, d["locations"].max()) * 1.25]), yaxis=dict(autorange="reversed"), font=dict(size=13))
    parts = ", ".join(f"{r}: {n}" for r, n in zip(d["rating"], d["locations"]))
    return Chart("ratings", fig, title, f"Bar chart of {subject} in {area} by CQC overall rating. {parts}.")
