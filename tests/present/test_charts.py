"""Tests of helpers.present.charts: the MPS chart template."""
import plotly.io as pio

from helpers.present.charts import TEMPLATE


def test_template_keeps_plotly_whites_look_without_its_unused_trace_defaults():
    white = pio.templates["plotly_white"]
    assert TEMPLATE.layout == white.layout
    assert TEMPLATE.data.bar == white.data.bar and TEMPLATE.data.scatter == white.data.scatter
    assert TEMPLATE.data.heatmap == () and white.data.heatmap != ()


import pandas as pd  # noqa: E402

from helpers.present.charts import (LINE_DASHES, LINE_SYMBOLS, count_axis, grouped_bar_chart, line_chart,  # noqa: E402
                            rating_chart)


def test_line_series_differ_by_marker_and_dash_not_colour_alone_and_keep_their_data() -> None:
    frame = pd.DataFrame({"date": pd.to_datetime(["2026-01-01", "2026-02-01"]), "a": [80.0, 81.0], "b": [70.0, 72.0],
                          "c": [60.0, 61.0]})
    chart = line_chart("trend", frame, "date", {"a": "A", "b": "B", "c": "C"}, "Trend", "%", "%")
    markers = [t.marker.symbol for t in chart.figure.data]
    dashes = [t.line.dash for t in chart.figure.data]
    assert markers == LINE_SYMBOLS[:3] and dashes == LINE_DASHES[:3]
    assert chart.figure.layout.width is None  # sized by its container on the page
    assert list(chart.data.columns) == ["Date", "A", "B", "C"] and chart.data["B"].tolist() == [70.0, 72.0]
    assert "A went from 80.0% on 1 January 2026 to 81.0% on 1 February 2026." in chart.alt  # one sentence a series
    assert "%-d" in chart.figure.data[0].hovertemplate  # hover dates without a leading zero


def test_count_axes_tick_whole_numbers() -> None:
    assert count_axis(7) == {"tickformat": ",d", "rangemode": "tozero", "dtick": 1}
    assert "dtick" not in count_axis(120)
    frame = pd.DataFrame({"year": [2025, 2026], "entries": [7, 7], "exits": [0, 1]})
    chart = grouped_bar_chart("flows", frame, "year", {"entries": "Entries", "exits": "Exits"}, "Flows", "Locations")
    assert chart.figure.layout.yaxis.dtick == 1 and chart.figure.layout.yaxis.tickformat == ",d"
    assert chart.figure.layout.yaxis.range[1] > 7  # headroom: the labels above the bars are not clipped
    assert all(t.cliponaxis is False for t in chart.figure.data)
    assert chart.figure.data[1].marker.pattern.shape == "/"  # exits hatched, not told apart by colour alone


def test_rating_chart_has_no_fixed_width_and_its_data() -> None:
    dist = pd.DataFrame({"rating": ["Good", "Outstanding"], "locations": [3, 1], "percent": [75.0, 25.0]})
    chart = rating_chart(dist, "Sheffield")
    assert chart.figure.layout.width is None and chart.figure.layout.xaxis.dtick == 1
    assert chart.data.set_index("CQC overall rating").loc["Good", "Locations"] == 3
    assert list(chart.data.columns) == ["CQC overall rating", "Locations", "% of locations"]


def test_line_series_skip_missing_values_and_dates() -> None:
    frame = pd.DataFrame({"date": pd.to_datetime(["2026-01-01", "2026-02-01", None, "2026-04-01"]),
                          "a": [None, 81.0, 82.0, 83.0], "b": [70.0, None, 71.0, None]})
    chart = line_chart("trend", frame, "date", {"a": "A", "b": "B"}, "Trend", "%", "%")
    assert [list(t.y) for t in chart.figure.data] == [[81.0, 83.0], [70.0]]
    assert "A went from 81.0% on 1 February 2026 to 83.0% on 1 April 2026." in chart.alt
    assert "B went from 70.0% on 1 January 2026 to 70.0% on 1 January 2026." in chart.alt
    assert len(chart.data) == 4  # the data table keeps every row


def test_series_become_the_arrays_plotly_makes_of_them() -> None:
    """_readonly_array's direct copy (numbers, naive dates) and Plotly's own conversion (the rest) agree."""
    from _plotly_utils.basevalidators import copy_to_readonly_numpy_array
    from helpers.present.charts import _readonly_array
    for values in (pd.Series([1.5, None]), pd.Series([3, 4], index=[7, 2]), pd.Index([1, 2]),
                   pd.Series(pd.to_datetime(["2025-01-01", None])), pd.Series([1, None], dtype="Int64"),
                   pd.Series(["a", "b"]), pd.Series([True, False]), pd.Series(pd.array([1.0, None], dtype="Float64")),
                   pd.Series([3, 4], dtype="Int64"), pd.Series([3, 4], dtype="Int32"), pd.Series([3, 4], dtype="UInt8"),
                   pd.Series([1.5, 2.0], dtype="Float64"), pd.Series(["a", None]), pd.Series(["a", "b"], dtype=object),
                   pd.Series(["a", "b"], dtype=pd.StringDtype("python")), pd.Series([2025, 2026], dtype="Int64").astype(str),
                   pd.Series([True, None], dtype="boolean"), pd.Series(pd.to_datetime(["2025-01-01"]).tz_localize("UTC"))):
        got, expected = _readonly_array(values), copy_to_readonly_numpy_array(values)
        assert got.dtype == expected.dtype and not got.flags["WRITEABLE"] and got.flags["C_CONTIGUOUS"]
        assert repr(got.tolist()) == repr(expected.tolist())


def test_grouped_bar_alt_text_reads_rows_as_iterrows_does() -> None:
    """Mixed int and float columns upcast together, as iterrows gives them ("2025.0" stays as it was)."""
    frame = pd.DataFrame({"year": [2025, 2026], "entries": [3.0, 4.5], "exits": [1, 2]})
    chart = grouped_bar_chart("e", frame, "year", {"entries": "Entries", "exits": "Exits"}, "T", "Locations")
    assert chart.alt.startswith("Bar chart: T. 2025.0: Entries 3, Exits 1; 2026.0: ")


def test_rating_chart_of_a_distribution_in_rating_order_is_the_reindexed_ones() -> None:
    """A distribution already in RATING_ORDER is drawn as it is: the same figure, alt text and data as re-indexed."""
    from helpers.assess.quality import RATING_ORDER, distribution_of
    from helpers.present.charts import _in_rating_order
    ordered = distribution_of(pd.Series([3, 10, 2, 0, 1], index=RATING_ORDER))
    shuffled = ordered.iloc[[4, 2, 0, 1, 3]].reset_index(drop=True)
    assert _in_rating_order(ordered) and not _in_rating_order(shuffled)
    assert not _in_rating_order(ordered.astype({"rating": object}))
    a, b = rating_chart(ordered, "Sheffield"), rating_chart(shuffled, "Sheffield")
    assert a.figure.to_json() == b.figure.to_json()
    assert a.alt == b.alt
    pd.testing.assert_frame_equal(a.data, b.data)
