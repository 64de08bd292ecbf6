"""Plotly charts for the MPS, each with a title and alt text, and their static/interactive exports.

Every chart is built from plain dicts by ``plain_figure``: through Plotly's validating object model (``go.Bar(...)``,
``update_layout``) a chart cost 8–25 ms, through ``plain_figure`` its figure costs about 1 ms, with the same JSON
(benchmarks/chart_construction.py). So write each property as Plotly stores it after validation: nested dicts, not
magic underscores (``marker=dict(color=c)``, not ``marker_color=c``), and titles as ``dict(text=...)``, not
strings; tests/present/test_chart_json.py holds each builder to the JSON of its validated figure.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from _plotly_utils.basevalidators import copy_to_readonly_numpy_array
from pandas.core.dtypes.dtypes import BaseMaskedDtype

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


LAYOUT = dict(template=TEMPLATE, font=FONT)  # for validated figures: fig.update_layout(..., **LAYOUT)
# The same as plain JSON, for plain_figure(): the template as Plotly stores it in a figure's layout.
TEMPLATE_JSON = TEMPLATE.to_plotly_json()
PLAIN_LAYOUT = dict(template=TEMPLATE_JSON, font=FONT)
# A legend between the title and the plot, for charts whose category labels may turn and run under a legend below.
LEGEND_ABOVE = dict(orientation="h", yanchor="bottom", y=1.02, x=0, xanchor="left")


def plain_figure(data: Sequence[dict[str, Any]], layout: dict[str, Any],
                 shared: dict[str, Any] = PLAIN_LAYOUT) -> go.Figure:
    """A figure of plain trace dicts (each with its ``type``) and a layout, merged with the shared one, unvalidated.

    Nothing is checked or coerced on the way in: each value must already be what validation would have stored
    (see the module's docstring). The figure deep-copies what it is given, so the shared layout is never aliased.
    Edits made after construction (``update_layout`` in a notebook) are validated as usual.
    """
    fig = go.Figure(data=[_as_validated(trace) for trace in data], layout={**_as_validated(layout), **shared},
                    _validate=False)
    fig._validate = fig._layout_obj._validate = True
    for trace in fig._data_objs:
        trace._validate = True
    return fig


# Keys whose arrays Plotly's JSON leaves as they are (plotly's _plotly_utils.utils.is_skipped_key).
_UNCONVERTED = frozenset({"geojson", "layer", "layers", "range"})


def _as_validated(value: Any) -> Any:
    """A trace or layout with each pandas Series or Index replaced by the numpy array Plotly would make of it.

    Validation stores that array, and every ``to_dict``/``to_json`` of the figure (its JSON, its PNG export, the
    notebook's display) would otherwise convert the Series again (about 0.5 ms a chart each time); the JSON is
    the same. Containers are copied, never changed in place.
    """
    if isinstance(value, (pd.Series, pd.Index)):
        return _readonly_array(value)
    if isinstance(value, dict):
        return {k: v if k in _UNCONVERTED else _as_validated(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_as_validated(v) for v in value)
    return value


def _readonly_array(values: pd.Series | pd.Index) -> Any:
    """``copy_to_readonly_numpy_array(values)``: for numbers and naive dates held in numpy, nullable numbers and text
    without missing values (the charts' usual columns), the same copy made directly, without the dataframe-agnostic
    layer Plotly goes through (most of its cost)."""
    dtype = values.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "iufM":
        out = np.array(values.to_numpy(), dtype=dtype, order="C", copy=True)
    elif isinstance(dtype, BaseMaskedDtype) and dtype.kind in "iuf" and not values.hasnans:
        out = np.array(values.to_numpy(dtype=dtype.numpy_dtype), order="C", copy=True)  # Int64 → int64
    elif isinstance(dtype, pd.StringDtype) and not values.hasnans:
        out = np.array(values.to_numpy(dtype=object), dtype=object, copy=True)  # text → objects
    else:
        return copy_to_readonly_numpy_array(values)
    out.flags["WRITEABLE"] = False
    return out


def hline(y: float, text: str, **line: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The layout shape and annotation of ``fig.add_hline(y, line_...=..., annotation_text=text)`` on a single plot:
    a line across the plot at ``y``, labelled at its right end."""
    shape = {"line": line, "type": "line", "x0": 0, "x1": 1, "xref": "x domain", "y0": y, "y1": y, "yref": "y"}
    annotation = {"showarrow": False, "text": text, "x": 1, "xanchor": "right", "xref": "x domain", "y": y,
                  "yanchor": "bottom", "yref": "y"}
    return shape, annotation


def count_axis(largest: float, **extra: object) -> dict[str, object]:
    """An axis of whole numbers: integer tick labels, a tick per unit while the largest value is 10 or fewer."""
    axis: dict[str, object] = {"tickformat": ",d", "rangemode": "tozero", **extra}
    if largest <= 10:
        axis["dtick"] = 1
    return axis


def rating_chart(distribution: pd.DataFrame, area: str, subject: str = "care homes") -> Chart:
    """Horizontal bar chart of locations by CQC overall rating."""
    d = distribution if _in_rating_order(distribution) else \
        distribution.set_index("rating").reindex(RATING_ORDER).reset_index()
    title = f"CQC overall ratings of {subject} in {area}"
    top = max(1, d["locations"].max())
    fig = plain_figure([dict(
        type="bar", x=d["locations"], y=d["rating"], orientation="h",
        marker=dict(color=[RATING_COLOURS[r] for r in d["rating"]]),
        text=[f"{wording.whole(n)} ({wording.percent(p)})" if pd.notna(p) else wording.whole(n)
              for n, p in zip(d["locations"], d["percent"])],
        textposition="outside", cliponaxis=False, hovertemplate="%{y}: %{x} locations<extra></extra>")],
        dict(title=dict(text=title), height=360, margin=dict(l=10, r=20, t=60, b=50),
             xaxis=count_axis(top, title=dict(text="Number of locations"), range=[0, top * 1.3]),
             yaxis=dict(autorange="reversed", automargin=True)))
    parts = ", ".join(f"{r}: {wording.whole(n)}" for r, n in zip(d["rating"], d["locations"]))
    data = _renamed(d[["rating", "locations", "percent"]], RATING_DATA_HEADERS)
    return Chart("ratings", fig, title, f"Bar chart of {subject} in {area} by CQC overall rating. {parts}.", data)


def _in_rating_order(distribution: pd.DataFrame) -> bool:
    """Whether re-indexing by RATING_ORDER would give the same frame back (``quality.distribution_of``'s always is)."""
    index, columns = distribution.index, distribution.columns
    return (isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1 and columns.name is None
            and columns.is_unique and columns[0] == "rating" and distribution["rating"].tolist() == RATING_ORDER
            and distribution["rating"].dtype == pd.Series(RATING_ORDER).dtype)


BENCHMARK_COLOURS = ["#1d4f91", "#7a9cc6", "#9e9e9e", "#5f5f5f"]
RATING_DATA_HEADERS = {"rating": "CQC overall rating", "locations": "Locations", "percent": "% of locations"}
BENCHMARK_DATA_HEADERS = {"area": "Area", "councils": "Councils in the figure"}


def _rows(frame: pd.DataFrame) -> Any:
    """The rows of ``frame.iterrows()`` as column → value dicts: each row's values are the row of ``frame.values``
    (one dtype for all columns, as iterrows upcasts them), without building a Series per row."""
    if not frame.columns.is_unique:
        return (row for _, row in frame.iterrows())
    columns = list(frame.columns)
    return (dict(zip(columns, values)) for values in frame.values)


def _renamed(frame: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """``frame.rename(columns=names)``, at a quarter of its cost (a chart's data table is renamed once or twice)."""
    columns = frame.columns
    return frame.set_axis(pd.Index([names.get(c, c) for c in columns], name=columns.name, tupleize_cols=False),
                          axis=1)


def _fmt(value: float | None, suffix: str) -> str:
    return "no data" if value is None or pd.isna(value) else f"{wording.number(value, 1)}{suffix}"


def column_label(column: str) -> str:
    """A data column's published name: "week_ending" → "Week ending"."""
    name = str(column).replace("_", " ").strip()
    return name[:1].upper() + name[1:]


def benchmark_chart(name: str, bench: pd.DataFrame, title: str, measure: str, suffix: str = "") -> Chart:
    """Bars of one measure for the council, its comparators, region and England (labelled values)."""
    values = [None if v is None or pd.isna(v) else float(v) for v in bench["value"]]
    top = max([v for v in values if v is not None] or [1])
    fig = plain_figure([dict(
        type="bar", x=[v if v is not None else 0 for v in values], y=bench["area"], orientation="h",
        marker=dict(color=BENCHMARK_COLOURS[:len(bench)]), text=[_fmt(v, suffix) for v in values],
        textposition="outside", cliponaxis=False, hovertemplate="%{y}: %{x:,.1f}" + suffix + "<extra></extra>")],
        dict(title=dict(text=title), height=300, margin=dict(l=10, r=20, t=60, b=50),
             xaxis=dict(title=dict(text=measure), range=[0, top * 1.3]),
             yaxis=dict(autorange="reversed", automargin=True)))
    parts = "; ".join(f"{a}: {_fmt(v, suffix)}" for a, v in zip(bench["area"], values))
    return Chart(name, fig, title, f"{title.rstrip('.')}, as a bar chart. {parts}.",
                 _renamed(bench, BENCHMARK_DATA_HEADERS | {"value": measure}))


def line_chart(name: str, frame: pd.DataFrame, x: str, series: dict[str, str], title: str, y_title: str,
               suffix: str = "", x_label: str | None = None, yearly: bool = False) -> Chart:
    """Lines over time (column → label), e.g. occupancy or hours waiting by week; alt text gives first and last.

    ``x`` holds dates; ``yearly`` says they stand for years (alt text and hover show "2026", the data "2026").
    """
    traces, described = [], []
    when = (lambda t: f"in {pd.Timestamp(t).year}") if yearly else (lambda t: f"on {wording.day(t)}")
    xs = frame[x]
    dated = xs.notna()
    for (column, label), colour, symbol, dash in zip(series.items(), LINE_COLOURS, LINE_SYMBOLS, LINE_DASHES):
        keep = dated & frame[column].notna()  # the rows of frame[[x, column]].dropna(), at a fifth of its cost
        dx, dy = xs[keep], frame[column][keep]
        traces.append(dict(type="scatter", x=dx, y=dy, mode="lines+markers", name=label,
                           line=dict(color=colour, dash=dash), marker=dict(size=8, symbol=symbol),
                           hovertemplate=("%{x|%Y}" if yearly else "%{x|%-d %b %Y}") + ": %{y:,.1f}"
                           + suffix + f"<extra>{label}</extra>"))
        if len(dx):
            described.append(f"{label} went from {_fmt(dy.iloc[0], suffix)} {when(dx.iloc[0])} to "
                             f"{_fmt(dy.iloc[-1], suffix)} {when(dx.iloc[-1])}.")
    fig = plain_figure(traces, dict(title=dict(text=title), height=380, margin=dict(l=70, r=20, t=60, b=50),
                                    yaxis=dict(title=dict(text=y_title)), legend=dict(orientation="h", y=-0.2),
                                    showlegend=True))
    data = _renamed(frame[[x, *series]], series)
    if yearly:
        data[x] = pd.to_datetime(data[x]).dt.year
    data = _renamed(data, {x: x_label or column_label(x)})
    return Chart(name, fig, title, f"Line chart: {title}. " + (" ".join(described) or "No data."), data)


def grouped_bar_chart(name: str, frame: pd.DataFrame, x: str, series: dict[str, str], title: str,
                      y_title: str, x_label: str | None = None) -> Chart:
    """Grouped bars (column → label) per x value, e.g. entries and exits by year; values written on bars."""
    traces = [dict(type="bar", x=frame[x].astype(str), y=frame[column], name=label,
                   marker=dict(color=colour, pattern=dict(shape=pattern)),
                   text=[wording.whole(v) for v in frame[column]], textposition="outside", cliponaxis=False)
              for (column, label), colour, pattern in zip(series.items(), LINE_COLOURS, BAR_PATTERNS)]
    top = float(frame[list(series)].max().max()) if len(frame) else 0.0
    fig = plain_figure(traces, dict(title=dict(text=title), barmode="group", height=360,
                                    margin=dict(l=70, r=20, t=60, b=50),
                                    yaxis=count_axis(top, title=dict(text=y_title), range=[0, max(top, 1) * 1.25]),
                                    legend=dict(orientation="h", y=-0.2), showlegend=True))
    parts = "; ".join(f"{row[x]}: " + ", ".join(f"{label} {wording.whole(row[c])}" for c, label in series.items())
                      for row in _rows(frame))
    data = _renamed(frame[[x, *series]], series | {x: x_label or column_label(x)})
    return Chart(name, fig, title, f"Bar chart: {title}. {parts}.", data)
