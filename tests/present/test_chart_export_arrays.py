"""A plain figure holds its pandas columns as the arrays validation would store: each export converts nothing again."""
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from helpers.present.charts import PLAIN_LAYOUT, plain_figure


def _trace() -> dict:
    frame = pd.DataFrame({"when": pd.date_range("2026-01-04", periods=4, freq="W"),
                          "value": pd.array([1, None, 3, 4], dtype="Int64"), "share": [0.5, np.nan, 1.25, 2.0],
                          "area": ["Sheffield", "Region", "England", "<b>x</b>"]})
    return dict(type="scatter", x=frame["when"], y=frame["value"], text=frame["area"], customdata=frame["share"],
                marker=dict(color=frame["share"]), mode="lines+markers")


def test_series_are_stored_as_the_numpy_arrays_validation_makes():
    trace = _trace()
    fig = plain_figure([trace], dict(title=dict(text="t"), xaxis=dict(tickvals=pd.Index([1, 2]), range=[0, 5])))
    plain = fig.data[0]
    for value in (plain.x, plain.y, plain.text, plain.customdata, plain.marker.color, fig.layout.xaxis.tickvals):
        assert isinstance(value, np.ndarray)
    assert isinstance(trace["x"], pd.Series) and isinstance(trace["marker"]["color"], pd.Series)  # caller's untouched


def test_a_plain_figure_has_the_json_of_its_validated_figure():
    layout = dict(title=dict(text="t"), height=300)
    plain = plain_figure([_trace()], layout)
    validated = go.Figure(go.Scatter(**{k: v for k, v in _trace().items() if k != "type"}), layout={**layout,
                                                                                                   **PLAIN_LAYOUT})
    assert pio.to_json(plain, validate=False) == pio.to_json(validated, validate=False)
    assert plain.to_json() == validated.to_json()
