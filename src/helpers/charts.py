"""Plotly charts for the MPS, each with a title and alt text, and their static/interactive exports."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from helpers.quality import RATING_ORDER


def _template() -> go.layout.Template:
    """plotly_white's layout and its defaults for the trace types the MPS draws (bar, scatter, box).

    The same look as ``template=TEMPLATE`` at a quarter of the cost: Plotly copies the template
    into every figure, and plotly_white's defaults for ~40 unused trace types dominate that copy
    (and every figure's JSON and HTML).
    """
    white = pio.templates["plotly_white"]
    return go.layout.Template(layout=white.layout, data={kind: white.data[kind] for kind in ("bar", "scatter", "box")})


TEMPLATE = _template()

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
    fig.update_layout(title=title, template=TEMPLATE, height=360, width=760, margin=dict(l=170, r=60, t=60, b=50),
                      xaxis=dict(title="Number of locations", range=[0, max(1, d["locations"].max()) * 1.25]), yaxis=dict(autorange="reversed"), font=dict(size=13))
    parts = ", ".join(f"{r}: {n}" for r, n in zip(d["rating"], d["locations"]))
    return Chart("ratings", fig, title, f"Bar chart of {subject} in {area} by CQC overall rating. {parts}.")


BENCHMARK_COLOURS = ["#1d4f91", "#7a9cc6", "#9e9e9e", "#5f5f5f"]
LINE_COLOURS = ["#1d4f91", "#c77c02", "#4c9a2a", "#b3261e", "#6b6b6b"]
LAYOUT = dict(template=TEMPLATE, width=760, font=dict(size=13))


def _fmt(value: float | None, suffix: str) -> str:
    return "no data" if value is None or pd.isna(value) else f"{value:,.1f}{suffix}"


def benchmark_chart(name: str, bench: pd.DataFrame, title: str, measure: str, suffix: str = "") -> Chart:
    """Bars of one measure for the council, its comparators, region and England (labelled values)."""
    values = [None if v is None or pd.isna(v) else float(v) for v in bench["value"]]
    fig = go.Figure(go.Bar(
        x=[v if v is not None else 0 for v in values], y=bench["area"], orientation="h",
        marker_color=BENCHMARK_COLOURS[:len(bench)], text=[_fmt(v, suffix) for v in values], textposition="outside",
        hovertemplate="%{y}: %{x:,.1f}" + suffix + "<extra></extra>"))
    top = max([v for v in values if v is not None] or [1])
    fig.update_layout(title=title, height=300, margin=dict(l=230, r=80, t=60, b=50),
                      xaxis=dict(title=measure, range=[0, top * 1.3]), yaxis=dict(autorange="reversed"), **LAYOUT)
    parts = "; ".join(f"{a}: {_fmt(v, suffix)}" for a, v in zip(bench["area"], values))
    return Chart(name, fig, title, f"Bar chart of {measure.lower()}. {parts}.")


def line_chart(name: str, frame: pd.DataFrame, x: str, series: dict[str, str], title: str, y_title: str,
               suffix: str = "") -> Chart:
    """Lines over time (column → label), e.g. occupancy or hours waiting by week; alt text gives first and last."""
    fig = go.Figure()
    described = []
    for (column, label), colour in zip(series.items(), LINE_COLOURS):
        d = frame[[x, column]].dropna()
        fig.add_trace(go.Scatter(x=d[x], y=d[column], mode="lines+markers", name=label, line=dict(color=colour),
                                 hovertemplate="%{x|%d %b %Y}: %{y:,.1f}" + suffix + f"<extra>{label}</extra>"))
        if len(d):
            described.append(f"{label} went from {_fmt(d[column].iloc[0], suffix)} on "
                             f"{pd.Timestamp(d[x].iloc[0]):%d %B %Y} to {_fmt(d[column].iloc[-1], suffix)} on "
                             f"{pd.Timestamp(d[x].iloc[-1]):%d %B %Y}")
    fig.update_layout(title=title, height=380, margin=dict(l=70, r=30, t=60, b=50), yaxis=dict(title=y_title),
                      legend=dict(orientation="h", y=-0.2), **LAYOUT)
    return Chart(name, fig, title, f"Line chart: {title}. " + ("; ".join(described) or "No data") + ".")


def grouped_bar_chart(name: str, frame: pd.DataFrame, x: str, series: dict[str, str], title: str,
                      y_title: str) -> Chart:
    """Grouped bars (column → label) per x value, e.g. entries and exits by year; values written on bars."""
    fig = go.Figure()
    for (column, label), colour in zip(series.items(), LINE_COLOURS):
        fig.add_trace(go.Bar(x=frame[x].astype(str), y=frame[column], name=label, marker_color=colour,
                             text=frame[column], textposition="outside"))
    fig.update_layout(title=title, barmode="group", height=360, margin=dict(l=70, r=30, t=60, b=50),
                      yaxis=dict(title=y_title), legend=dict(orientation="h", y=-0.2), **LAYOUT)
    parts = "; ".join(f"{row[x]}: " + ", ".join(f"{label} {row[c]:,.0f}" for c, label in series.items())
                      for _, row in frame.iterrows())
    return Chart(name, fig, title, f"Bar chart: {title}. {parts}.")
