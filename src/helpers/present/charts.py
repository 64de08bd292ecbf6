"""Plotly charts for the MPS, each with a title and alt text, and their static/interactive exports."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from helpers.assess.quality import RATING_ORDER
from helpers.present import wording


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
    """A figure with the title, alt text and data table that every published chart must carry."""

    name: str
    figure: go.Figure
    title: str
    alt: str
    data: pd.DataFrame | None = None


# Charts size to their container on the page (no fixed width); the PDF's PNG is drawn PRINT_WIDTH px wide, so
# 13 px text prints at 13 × 453 / 640 ≈ 9.2 pt across an A4 text column (453 pt): legible, and ≥ 8 pt.
PRINT_WIDTH = 640
FONT = dict(size=13)
# Line series differ by colour, marker and dash, so colour is never the only cue.
LINE_COLOURS = ["#1d4f91", "#a3480b", "#2e6b1f", "#7b2a8a", "#4d4d4d"]
LINE_SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x"]
LINE_DASHES = ["solid", "dash", "dot", "dashdot", "longdash"]
BAR_PATTERNS = ["", "/", ".", "x", "-"]  # grouped bars: the second series hatched, and so on


LAYOUT = dict(template=TEMPLATE, font=FONT)
# A legend between the title and the plot, for charts whose category labels may turn and run under a legend below.
LEGEND_ABOVE = dict(orientation="h", yanchor="bottom", y=1.02, x=0, xanchor="left")


def count_axis(largest: float, **extra: object) -> dict[str, object]:
    """An axis of whole numbers: integer tick labels, a tick per unit while the largest value is 10 or fewer."""
    axis: dict[str, object] = {"tickformat": ",d", "rangemode": "tozero", **extra}
    if largest <= 10:
        axis["dtick"] = 1
    return axis


def rating_chart(distribution: pd.DataFrame, area: str, subject: str = "care homes") -> Chart:
    """Horizontal bar chart of locations by CQC overall rating."""
    d = distribution.set_index("rating").reindex(RATING_ORDER).reset_index()
    fig = go.Figure(go.Bar(
        x=d["locations"], y=d["rating"], orientation="h", marker_color=[RATING_COLOURS[r] for r in d["rating"]],
        text=[f"{wording.whole(n)} ({wording.percent(p)})" if pd.notna(p) else wording.whole(n)
              for n, p in zip(d["locations"], d["percent"])],
        textposition="outside", cliponaxis=False, hovertemplate="%{y}: %{x} locations<extra></extra>"))
    title = f"CQC overall ratings of {subject} in {area}"
    top = max(1, d["locations"].max())
    fig.update_layout(title=title, height=360, margin=dict(l=10, r=20, t=60, b=50),
                      xaxis=count_axis(top, title="Number of locations", range=[0, top * 1.3]),
                      yaxis=dict(autorange="reversed", automargin=True), **LAYOUT)
    parts = ", ".join(f"{r}: {wording.whole(n)}" for r, n in zip(d["rating"], d["locations"]))
    data = d[["rating", "locations", "percent"]].rename(columns=RATING_DATA_HEADERS)
    return Chart("ratings", fig, title, f"Bar chart of {subject} in {area} by CQC overall rating. {parts}.", data)


BENCHMARK_COLOURS = ["#1d4f91", "#7a9cc6", "#9e9e9e", "#5f5f5f"]
RATING_DATA_HEADERS = {"rating": "CQC overall rating", "locations": "Locations", "percent": "% of locations"}
BENCHMARK_DATA_HEADERS = {"area": "Area", "councils": "Councils in the figure"}


def _fmt(value: float | None, suffix: str) -> str:
    return "no data" if value is None or pd.isna(value) else f"{wording.number(value, 1)}{suffix}"


def column_label(column: str) -> str:
    """A data column's published name: "week_ending" → "Week ending"."""
    name = str(column).replace("_", " ").strip()
    return name[:1].upper() + name[1:]


def benchmark_chart(name: str, bench: pd.DataFrame, title: str, measure: str, suffix: str = "") -> Chart:
    """Bars of one measure for the council, its comparators, region and England (labelled values)."""
    values = [None if v is None or pd.isna(v) else float(v) for v in bench["value"]]
    fig = go.Figure(go.Bar(
        x=[v if v is not None else 0 for v in values], y=bench["area"], orientation="h",
        marker_color=BENCHMARK_COLOURS[:len(bench)], text=[_fmt(v, suffix) for v in values], textposition="outside",
        cliponaxis=False, hovertemplate="%{y}: %{x:,.1f}" + suffix + "<extra></extra>"))
    top = max([v for v in values if v is not None] or [1])
    fig.update_layout(title=title, height=300, margin=dict(l=10, r=20, t=60, b=50),
                      xaxis=dict(title=measure, range=[0, top * 1.3]), yaxis=dict(autorange="reversed", automargin=True),
                      **LAYOUT)
    parts = "; ".join(f"{a}: {_fmt(v, suffix)}" for a, v in zip(bench["area"], values))
    return Chart(name, fig, title, f"{title.rstrip('.')}, as a bar chart. {parts}.",
                 bench.rename(columns=BENCHMARK_DATA_HEADERS | {"value": measure}))


def line_chart(name: str, frame: pd.DataFrame, x: str, series: dict[str, str], title: str, y_title: str,
               suffix: str = "", x_label: str | None = None, yearly: bool = False) -> Chart:
    """Lines over time (column → label), e.g. occupancy or hours waiting by week; alt text gives first and last.

    ``x`` holds dates; ``yearly`` says they stand for years (alt text and hover show "2026", the data "2026").
    """
    fig = go.Figure()
    described = []
    when = (lambda t: f"in {pd.Timestamp(t).year}") if yearly else (lambda t: f"on {wording.day(t)}")
    for (column, label), colour, symbol, dash in zip(series.items(), LINE_COLOURS, LINE_SYMBOLS, LINE_DASHES):
        d = frame[[x, column]].dropna()
        fig.add_trace(go.Scatter(x=d[x], y=d[column], mode="lines+markers", name=label,
                                 line=dict(color=colour, dash=dash), marker=dict(symbol=symbol, size=8),
                                 hovertemplate=("%{x|%Y}" if yearly else "%{x|%-d %b %Y}") + ": %{y:,.1f}"
                                 + suffix + f"<extra>{label}</extra>"))
        if len(d):
            described.append(f"{label} went from {_fmt(d[column].iloc[0], suffix)} {when(d[x].iloc[0])} to "
                             f"{_fmt(d[column].iloc[-1], suffix)} {when(d[x].iloc[-1])}.")
    fig.update_layout(title=title, height=380, margin=dict(l=70, r=20, t=60, b=50), yaxis=dict(title=y_title),
                      legend=dict(orientation="h", y=-0.2), showlegend=True, **LAYOUT)
    data = frame[[x, *series]].rename(columns=series)
    if yearly:
        data[x] = pd.to_datetime(data[x]).dt.year
    data = data.rename(columns={x: x_label or column_label(x)})
    return Chart(name, fig, title, f"Line chart: {title}. " + (" ".join(described) or "No data."), data)


def grouped_bar_chart(name: str, frame: pd.DataFrame, x: str, series: dict[str, str], title: str,
                      y_title: str, x_label: str | None = None) -> Chart:
    """Grouped bars (column → label) per x value, e.g. entries and exits by year; values written on bars."""
    fig = go.Figure()
    for (column, label), colour, pattern in zip(series.items(), LINE_COLOURS, BAR_PATTERNS):
        fig.add_trace(go.Bar(x=frame[x].astype(str), y=frame[column], name=label, marker_color=colour,
                             marker_pattern_shape=pattern, text=[wording.whole(v) for v in frame[column]],
                             textposition="outside", cliponaxis=False))
    top = float(frame[list(series)].max().max()) if len(frame) else 0.0
    fig.update_layout(title=title, barmode="group", height=360, margin=dict(l=70, r=20, t=60, b=50),
                      yaxis=count_axis(top, title=y_title, range=[0, max(top, 1) * 1.25]),
                      legend=dict(orientation="h", y=-0.2), showlegend=True, **LAYOUT)
    parts = "; ".join(f"{row[x]}: " + ", ".join(f"{label} {wording.whole(row[c])}" for c, label in series.items())
                      for _, row in frame.iterrows())
    data = frame[[x, *series]].rename(columns=series | {x: x_label or column_label(x)})
    return Chart(name, fig, title, f"Bar chart: {title}. {parts}.", data)
