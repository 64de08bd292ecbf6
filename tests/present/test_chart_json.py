"""Charts built from plain dicts (helpers.present.charts.plain_figure) publish the JSON Plotly's validation gave.

Each reference below is a builder's figure code as it was written with Plotly's validating objects (go.Bar,
update_layout, add_hline, **LAYOUT) before issue 17: every builder must give the same figure JSON (parsed, so key
order does not matter) on small hand-made inputs, edge cases included (missing values, suppressed medians, the HCA
line, whole-number axes, dates and years, typed arrays of ints and floats).
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from helpers.assess import action_tracker, oversight
from helpers.assess.cost_of_care import internal, published
from helpers.assess.cost_of_care.statistics import quartiles, template_order
from helpers.assess.cost_of_care.wording import money, year as fy
from helpers.assess.quality import RATING_ORDER
from helpers.load import action_plan
from helpers.load.cost_returns import UNITS
from helpers.present import charts, wording
from helpers.present.charts import (BAR_PATTERNS, BENCHMARK_COLOURS, LAYOUT, LEGEND_ABOVE, LINE_COLOURS, LINE_DASHES,
                                    LINE_SYMBOLS, RATING_COLOURS, TEMPLATE, _fmt, count_axis)
from helpers.services import name as service_name

P = {"suppression_marker": "[c]", "min_providers": 3}


def as_json(fig: go.Figure) -> dict:
    return json.loads(fig.to_json())


# ------------------------------------------------------------------ the validated references (the code before)


def ref_rating(distribution: pd.DataFrame, area: str, subject: str = "care homes") -> go.Figure:
    d = distribution.set_index("rating").reindex(RATING_ORDER).reset_index()
    fig = go.Figure(go.Bar(
        x=d["locations"], y=d["rating"], orientation="h", marker_color=[RATING_COLOURS[r] for r in d["rating"]],
        text=[f"{wording.whole(n)} ({wording.percent(p)})" if pd.notna(p) else wording.whole(n)
              for n, p in zip(d["locations"], d["percent"])],
        textposition="outside", cliponaxis=False, hovertemplate="%{y}: %{x} locations<extra></extra>"))
    top = max(1, d["locations"].max())
    fig.update_layout(title=f"CQC overall ratings of {subject} in {area}", height=360,
                      margin=dict(l=10, r=20, t=60, b=50),
                      xaxis=count_axis(top, title="Number of locations", range=[0, top * 1.3]),
                      yaxis=dict(autorange="reversed", automargin=True), **LAYOUT)
    return fig


def ref_benchmark(bench: pd.DataFrame, title: str, measure: str, suffix: str = "") -> go.Figure:
    values = [None if v is None or pd.isna(v) else float(v) for v in bench["value"]]
    fig = go.Figure(go.Bar(
        x=[v if v is not None else 0 for v in values], y=bench["area"], orientation="h",
        marker_color=BENCHMARK_COLOURS[:len(bench)], text=[_fmt(v, suffix) for v in values], textposition="outside",
        cliponaxis=False, hovertemplate="%{y}: %{x:,.1f}" + suffix + "<extra></extra>"))
    top = max([v for v in values if v is not None] or [1])
    fig.update_layout(title=title, height=300, margin=dict(l=10, r=20, t=60, b=50),
                      xaxis=dict(title=measure, range=[0, top * 1.3]),
                      yaxis=dict(autorange="reversed", automargin=True), **LAYOUT)
    return fig


def ref_line(frame: pd.DataFrame, x: str, series: dict[str, str], title: str, y_title: str, suffix: str = "",
             yearly: bool = False) -> go.Figure:
    fig = go.Figure()
    for (column, label), colour, symbol, dash in zip(series.items(), LINE_COLOURS, LINE_SYMBOLS, LINE_DASHES):
        d = frame[[x, column]].dropna()
        fig.add_trace(go.Scatter(x=d[x], y=d[column], mode="lines+markers", name=label,
                                 line=dict(color=colour, dash=dash), marker=dict(symbol=symbol, size=8),
                                 hovertemplate=("%{x|%Y}" if yearly else "%{x|%-d %b %Y}") + ": %{y:,.1f}"
                                 + suffix + f"<extra>{label}</extra>"))
    fig.update_layout(title=title, height=380, margin=dict(l=70, r=20, t=60, b=50), yaxis=dict(title=y_title),
                      legend=dict(orientation="h", y=-0.2), showlegend=True, **LAYOUT)
    return fig


def ref_grouped(frame: pd.DataFrame, x: str, series: dict[str, str], title: str, y_title: str) -> go.Figure:
    fig = go.Figure()
    for (column, label), colour, pattern in zip(series.items(), LINE_COLOURS, BAR_PATTERNS):
        fig.add_trace(go.Bar(x=frame[x].astype(str), y=frame[column], name=label, marker_color=colour,
                             marker_pattern_shape=pattern, text=[wording.whole(v) for v in frame[column]],
                             textposition="outside", cliponaxis=False))
    top = float(frame[list(series)].max().max()) if len(frame) else 0.0
    fig.update_layout(title=title, barmode="group", height=360, margin=dict(l=70, r=20, t=60, b=50),
                      yaxis=count_axis(top, title=y_title, range=[0, max(top, 1) * 1.25]),
                      legend=dict(orientation="h", y=-0.2), showlegend=True, **LAYOUT)
    return fig


def _shown(frame: pd.DataFrame, marker: str) -> tuple[list, list, list]:
    shown = [not published.is_suppressed(v, marker) and v is not None and not pd.isna(v) for v in frame["median"]]
    return tuple([float(v) if ok else None for v, ok in zip(frame[c], shown)] for c in ("median", "lq", "uq"))


def ref_gap(gaps: pd.DataFrame, service: str, council: str, p: dict, hca: tuple[str, float] | None) -> go.Figure:
    marker = p["suppression_marker"]
    label = [str(b) for b in gaps["band"]]
    med, lq, uq = _shown(gaps, marker)
    rate = gaps["current_rate"].astype("float64").tolist()
    fig = go.Figure([
        go.Bar(name="Current rate", x=label, y=rate, marker_color="#1f5f8b",
               text=[money(r) for r in rate], textposition="outside",
               hovertemplate="%{x}: current rate £%{y:,.2f}<extra></extra>"),
        go.Bar(name="Median cost (whiskers: lower to upper quartile)", x=label, y=med, marker_color="#c77c02",
               error_y=dict(type="data", symmetric=False,
                            array=[(u - m) if m is not None else None for m, u in zip(med, uq)],
                            arrayminus=[(m - q) if m is not None else None for m, q in zip(med, lq)]),
               text=[money(m) if m is not None else marker for m in med], textposition="outside",
               hovertemplate="%{x}: median cost £%{y:,.2f}<extra></extra>")])
    if hca is not None and service == "home_care":
        fig.add_hline(y=hca[1], line_dash="dash", line_color="#b3261e",
                      annotation_text=f"HCA minimum price {fy(hca[0])}: {money(hca[1])}")
    top = max([*rate, *[u for u in uq if u is not None], hca[1] if hca and service == "home_care" else 0, 1])
    fig.update_layout(title=f"Fee rates and median cost of {service_name(service)} in {council}", barmode="group",
                      height=420, yaxis=dict(title=f"£ {UNITS[service]}", range=[0, top * 1.2]),
                      legend=LEGEND_ABOVE, margin=dict(l=70, r=20, t=100, b=110), **LAYOUT)
    return fig


def ref_median(stats_pub: pd.DataFrame, service: str, council: str, p: dict) -> go.Figure:
    marker = p["suppression_marker"]
    label = [str(c) or "All returns" for c in stats_pub["category"]]
    med, lq, uq = _shown(stats_pub, marker)
    fig = go.Figure(go.Bar(x=label, y=med, marker_color="#c77c02", text=[money(m) if m is not None else marker
                                                                          for m in med], textposition="outside",
                           error_y=dict(type="data", symmetric=False,
                                        array=[(u - m) if m is not None else None for m, u in zip(med, uq)],
                                        arrayminus=[(m - q) if m is not None else None for m, q in zip(med, lq)])))
    fig.update_layout(title=f"Median cost of {service_name(service)} in {council} (no fee rates supplied)",
                      height=420, margin=dict(l=70, r=20, t=60, b=50), **LAYOUT,
                      yaxis=dict(title=f"£ {UNITS[service]}",
                                 range=[0, max([u for u in uq if u is not None] or [1]) * 1.2]))
    return fig


def ref_status(counts: pd.DataFrame) -> go.Figure:
    body = counts[counts["theme"] != action_tracker.TOTAL_ROW]
    fig = go.Figure()
    for status in action_plan.STATUSES:
        fig.add_trace(go.Bar(y=body["theme"], x=body[status], name=status, orientation="h",
                             marker_color=action_tracker.RAG_COLOURS[status],
                             insidetextfont=dict(color=action_tracker.RAG_TEXT_COLOURS[status]),
                             text=[f"{status}: {wording.whole(n)}" if n else "" for n in body[status]],
                             textposition="inside"))
    fig.update_layout(barmode="stack", title="Actions by theme and status", height=360,
                      margin=dict(l=10, r=20, t=60, b=50),
                      xaxis=count_axis(body[list(action_plan.STATUSES)].sum(axis=1).max(), title="Number of actions"),
                      yaxis=dict(autorange="reversed", automargin=True),
                      legend=dict(orientation="h", yanchor="top", y=-0.3), **LAYOUT)
    return fig


def ref_calls(weekly: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    for column, name, symbol, dash in (("calls_15_pct", "15-minute calls", "circle", "solid"),
                                       ("calls_30_pct", "16 to 30-minute calls", "square", "dash")):
        fig.add_trace(go.Scatter(x=weekly["week_ending"], y=weekly[column].astype(float), name=name,
                                 mode="lines+markers", marker_symbol=symbol, line_dash=dash))
    fig.update_layout(title="Share of home care calls by planned length, week by week", height=360,
                      yaxis=dict(title="% of calls"), xaxis=dict(title="Week ending"),
                      legend=dict(orientation="h", y=-0.25), margin=dict(l=70, r=20, t=60, b=50), **LAYOUT)
    return fig


def ref_box(returns: pd.DataFrame, service: str, category: str = "") -> go.Figure:
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


def ref_providers(totals: pd.DataFrame, service: str, category: str = "") -> go.Figure:
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


# ------------------------------------------------------------------ hand-made inputs


def ratings(counts: list[int]) -> pd.DataFrame:
    total = sum(counts)
    return pd.DataFrame({"rating": RATING_ORDER, "locations": counts,
                         "percent": [100 * n / total if total else np.nan for n in counts]})


BENCH = pd.DataFrame({"area": ["Sheffield", "Comparators", "Yorkshire and The Humber", "England"],
                      "value": [7.25, np.nan, 6.8, 7.0], "councils": [1, 15, 15, 153]})
WEEKS = pd.date_range("2026-01-04", periods=12, freq="W")
OCCUPANCY = pd.DataFrame({"date": WEEKS, "Residential": np.linspace(88.0, 91.5, 12),
                          "Nursing": [np.nan, 84.0, *np.linspace(85.0, 86.5, 10)]})
PROJECTION = pd.DataFrame({"year": pd.to_datetime(["2026", "2031", "2036"]), "demand": [4100.0, 4450.5, 4900.0],
                           "capacity": [4000.0, 4000.0, np.nan]})
FLOWS = pd.DataFrame({"year": [2023, 2024, 2025], "entries": [3, 0, 7], "exits": [1, 2, 0]})
BIG_FLOWS = pd.DataFrame({"year": [2024, 2025], "entries": [120, 95], "exits": [80, 130]})
GAPS = pd.DataFrame({"band": ["Standard hourly rate", "Rural hourly rate", "Double-up"],
                     "current_rate": [22.74, 23.35, 45.0], "median": [27.005, "[c]", 50.1],
                     "lq": [25.1825, "[c]", 48.0], "uq": [28.9025, "[c]", 52.25],
                     "gap_gbp": [4.265, "[c]", 5.1], "gap_pct": [15.79, "[c]", 10.18]})
STATS_PUB = pd.DataFrame({"category": ["", "Nursing"], "median": [812.4, "[c]"], "lq": [790.0, "[c]"],
                          "uq": [840.55, "[c]"]})
COUNTS = pd.DataFrame({"theme": ["Workforce", "Quality", action_tracker.TOTAL_ROW],
                       "Complete": [2, 0, 2], "Green": [1, 3, 4], "Amber": [0, 1, 1], "Red": [1, 0, 1],
                       "Ongoing": [0, 2, 2]})
CALLS = pd.DataFrame({"week_ending": WEEKS[:6], "calls_15_pct": [12.5, 11.0, 13.25, 10.0, 9.5, 12.0],
                      "calls_30_pct": [40, 42, 41, 39, 44, 43]})
RETURNS = pd.DataFrame({"service": "home_care", "category": "",
                        "cost_line": ["Care worker pay", "Care worker pay", "Care worker pay", "Travel time",
                                      "Travel time", "Travel time"],
                        "provider_id": ["HC001", "HC002", "HC003", "HC001", "HC002", "HC003"],
                        "value": [15.2, 16.1, 14.85, 1.9, 2.25, 2.0]})
TOTALS = pd.DataFrame({"service": "home_care", "category": "", "provider_id": ["HC001", "HC002", "HC003"],
                       "total": [24.0, 26.5, 25.0], "staff": [18.0, 20.25, 19.5], "non_staff": [6.0, 6.25, 5.5]})

CASES = {
    "ratings": (lambda: charts.rating_chart(ratings([1, 74, 18, 2, 11]), "Sheffield").figure,
                lambda: ref_rating(ratings([1, 74, 18, 2, 11]), "Sheffield")),
    "ratings, few and some none": (
        lambda: charts.rating_chart(ratings([0, 3, 1, 0, 0]), "Rutland", "home care agencies").figure,
        lambda: ref_rating(ratings([0, 3, 1, 0, 0]), "Rutland", "home care agencies")),
    "benchmark, a missing value": (
        lambda: charts.benchmark_chart("capacity_benchmark", BENCH, "Beds per 1,000", "Beds", " beds").figure,
        lambda: ref_benchmark(BENCH, "Beds per 1,000", "Beds", " beds")),
    "weekly lines, a gap": (
        lambda: charts.line_chart("occupancy_trend", OCCUPANCY, "date", {"Residential": "Residential",
                                  "Nursing": "Nursing"}, "Occupancy", "% occupied", "%").figure,
        lambda: ref_line(OCCUPANCY, "date", {"Residential": "Residential", "Nursing": "Nursing"}, "Occupancy",
                         "% occupied", "%")),
    "yearly lines": (
        lambda: charts.line_chart("demand_projection", PROJECTION, "year", {"demand": "Demand", "capacity": "Capacity"},
                                  "Demand", "Beds", yearly=True).figure,
        lambda: ref_line(PROJECTION, "year", {"demand": "Demand", "capacity": "Capacity"}, "Demand", "Beds",
                         yearly=True)),
    "grouped bars, small counts": (
        lambda: charts.grouped_bar_chart("entries_exits", FLOWS, "year", {"entries": "Entries", "exits": "Exits"},
                                         "Entries and exits", "Locations").figure,
        lambda: ref_grouped(FLOWS, "year", {"entries": "Entries", "exits": "Exits"}, "Entries and exits",
                            "Locations")),
    "grouped bars, large counts": (
        lambda: charts.grouped_bar_chart("entries_exits", BIG_FLOWS, "year", {"entries": "Entries", "exits": "Exits"},
                                         "Entries and exits", "Locations").figure,
        lambda: ref_grouped(BIG_FLOWS, "year", {"entries": "Entries", "exits": "Exits"}, "Entries and exits",
                            "Locations")),
    "fee gap with the HCA line, a suppressed median": (
        lambda: published.gap_chart(GAPS, "home_care", "Rotherham", P, ("2025-26", 32.14)).figure,
        lambda: ref_gap(GAPS, "home_care", "Rotherham", P, ("2025-26", 32.14))),
    "fee gap without the HCA line": (
        lambda: published.gap_chart(GAPS, "care_homes", "Rotherham", P, None).figure,
        lambda: ref_gap(GAPS, "care_homes", "Rotherham", P, None)),
    "median cost, a suppressed category": (
        lambda: published.median_chart(STATS_PUB, "care_homes", "Kent", P).figure,
        lambda: ref_median(STATS_PUB, "care_homes", "Kent", P)),
    "action status": (lambda: oversight._status_chart(COUNTS).figure, lambda: ref_status(COUNTS)),
    "call lengths": (lambda: oversight._calls_chart(CALLS).figure, lambda: ref_calls(CALLS)),
    "internal box plot": (lambda: internal.internal_box_plot(RETURNS, "home_care"),
                          lambda: ref_box(RETURNS, "home_care")),
    "internal providers": (lambda: internal.internal_provider_chart(TOTALS, "home_care"),
                           lambda: ref_providers(TOTALS, "home_care")),
}


@pytest.mark.parametrize("case", CASES)
def test_plain_figure_json_equals_the_validated_figures(case):
    built, reference = CASES[case]
    assert as_json(built()) == as_json(reference())


def test_typed_arrays_and_dates_survive_as_before():
    fig = charts.rating_chart(ratings([1, 74, 18, 2, 11]), "Sheffield").figure
    assert as_json(fig)["data"][0]["x"]["dtype"] == "i1"  # int counts as plotly.js typed arrays, as validated
    line = as_json(charts.line_chart("t", OCCUPANCY, "date", {"Residential": "R"}, "T", "%").figure)
    assert line["data"][0]["x"][0].startswith("2026-01-04") and line["data"][0]["y"]["dtype"] == "f8"


def test_figures_read_like_validated_ones():
    chart = published.gap_chart(GAPS, "home_care", "Rotherham", P, ("2025-26", 32.14))
    assert chart.figure.data[1].y == (27.005, None, 50.1) and chart.figure.data[0].marker.color == "#1f5f8b"
    assert chart.figure.layout.title.text == "Fee rates and median cost of home care in Rotherham"
    assert chart.figure.layout.shapes[0].line.dash == "dash" and chart.figure.layout.width is None


def test_later_edits_are_validated_and_the_shared_layout_is_not_aliased():
    template = json.dumps(charts.TEMPLATE_JSON, sort_keys=True)
    fig = charts.rating_chart(ratings([1, 2, 3, 4, 5]), "Sheffield").figure
    fig.update_layout(title="Edited", xaxis_title="Count")
    fig.layout.template.layout.font.color = "red"
    fig.layout.font.size = 20
    assert as_json(fig)["layout"]["title"] == {"text": "Edited"}
    assert as_json(fig)["layout"]["xaxis"]["title"] == {"text": "Count"}
    with pytest.raises(ValueError):
        fig.update_layout(not_a_property=1)
    with pytest.raises(ValueError):
        fig.data[0].update(not_a_property=1)
    assert json.dumps(charts.TEMPLATE_JSON, sort_keys=True) == template and charts.FONT == {"size": 13}


def test_hline_is_what_add_hline_adds():
    fig = go.Figure(go.Bar(x=[1], y=[2]))
    fig.add_hline(y=2.5, line_dash="dash", line_color="#b3261e", annotation_text="A line")
    shape, annotation = charts.hline(2.5, "A line", color="#b3261e", dash="dash")
    assert as_json(fig)["layout"]["shapes"] == [shape] and as_json(fig)["layout"]["annotations"] == [annotation]
