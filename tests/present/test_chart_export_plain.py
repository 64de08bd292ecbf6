"""chart_export draws a figure dict as given, without Plotly's validation: the same PNG as the validated figure."""
import json

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from helpers.assess.cost_of_care import published
from helpers.present import chart_export
from helpers.present.charts import PRINT_WIDTH, line_chart


def _dicts() -> list[dict]:
    weeks = pd.date_range("2026-01-04", periods=8, freq="W")
    frame = pd.DataFrame({"date": weeks, "a": [88.0, 89.5, None, 90.0, 90.25, 91.0, 90.5, 91.5]})
    gaps = pd.DataFrame({"band": ["Standard", "Rural"], "current_rate": [22.74, 23.35], "median": [27.005, "[c]"],
                         "lq": [25.18, "[c]"], "uq": [28.9, "[c]"], "gap_gbp": [4.27, "[c]"], "gap_pct": [15.8, "[c]"]})
    figures = [line_chart("trend", frame, "date", {"a": "<b>A</b> & B"}, "Trend", "%", "%").figure,
               published.gap_chart(gaps, "home_care", "Rotherham", {"suppression_marker": "[c]", "min_providers": 3},
                                   ("2025-26", 32.14)).figure]
    specs = [json.loads(pio.to_json(f, validate=False)) for f in figures]
    for spec in specs:
        spec["layout"]["width"] = PRINT_WIDTH
    return specs


def test_a_figure_dict_draws_the_same_png_as_its_validated_figure(tmp_path):
    specs = _dicts()
    plain = [tmp_path / f"plain{i}.png" for i in range(len(specs))]
    validated = [tmp_path / f"validated{i}.png" for i in range(len(specs))]
    chart_export.write_pngs(specs, plain)
    chart_export.write_pngs([go.Figure(spec) for spec in specs], validated)
    for a, b in zip(plain, validated):
        assert a.read_bytes() == b.read_bytes(), a.name
