import pandas as pd

from helpers.present.tables import headers_of, pipe_table


def test_pipe_table_formats_numbers_aligns_and_captions():
    frame = pd.DataFrame({"rating": ["Good", "Inadequate|x"], "n": [1234, 5], "pct": [81.25, None]})
    text = pipe_table(frame, "Ratings", {"rating": "Rating", "n": "Homes"}, {"pct": "pct"})
    lines = text.splitlines()
    assert lines[0] == "| Rating | Homes | Pct |"  # a lower-case name without a header is capitalised
    assert lines[1] == "|:---|---:|---:|"
    assert lines[2] == "| Good | 1,234 | 81.2% |"
    assert lines[3] == "| Inadequate\\|x | 5 | – |"
    assert lines[-1] == ": Ratings"


def test_house_style_cells_years_dates_signs_and_whole_floats():
    frame = pd.DataFrame({"date": pd.to_datetime(["2024-11-01", "2025-11-01"]), "year": [2024, 2025],
                          "beds_total": [3356.0, None], "change": [-3, 0], "points": [-0.04, 1.25],
                          "share": [-0.04, 12.0], "rate": [12.345, -3.2]})
    text = pipe_table(frame, "Flows", {"points": "Change (points)"},
                      {"change": "signed", "points": "signed1", "share": "pct", "rate": "gbp"})
    lines = text.splitlines()
    assert lines[0] == "| Date | Year | Beds total | Change | Change \\(points\\) | Share | Rate |"
    assert lines[2] == "| 1 November 2024 | 2024 | 3,356 | −3 | 0.0 | 0.0% | £12.35 |"  # no "-0.0", no "2,024"
    assert lines[3] == "| 1 November 2025 | 2025 | – | 0 | +1.2 | 12.0% | −£3.20 |"
    assert "00:00:00" not in text and "-" not in text.replace("|---:", "").replace("|:---", "")


def test_headers_of_reads_back_the_published_headers():
    frame = pd.DataFrame({"a_b": [1], "c": [2], "d": [3]})
    text = pipe_table(frame, "x", {"c": "Gap (median − rate) | £", "d": "Staff\\share"})
    assert headers_of(text) == ["A b", "Gap (median − rate) | £", "Staff\\share"]
