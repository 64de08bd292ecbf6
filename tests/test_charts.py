"""Tests of helpers.charts: the MPS chart template."""
import plotly.io as pio

from helpers.charts import TEMPLATE


def test_template_keeps_plotly_whites_look_without_its_unused_trace_defaults():
    white = pio.templates["plotly_white"]
    assert TEMPLATE.layout == white.layout
    assert TEMPLATE.data.bar == white.data.bar and TEMPLATE.data.scatter == white.data.scatter
    assert TEMPLATE.data.heatmap == () and white.data.heatmap != ()
