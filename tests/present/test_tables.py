import pandas as pd

from helpers.present.tables import pipe_table


def test_pipe_table_formats_numbers_aligns_and_captions():
    frame = pd.DataFrame({"rating": ["Good", "Inadequate|x"], "n": [1234, 5], "pct": [81.25, None]})
    text = pipe_table(frame, "Ratings", {"rating": "Rating", "n": "Homes"}, {"pct": "pct"})
    lines = text.splitlines()
    assert lines[0] == "| Rating | Homes | pct |"
    assert lines[1] == "|:---|---:|---:|"
    assert lines[2] == "| Good | 1,234 | 81.2% |"
    assert lines[3] == "| Inadequate\\|x | 5 | – |"
    assert lines[-1] == ": Ratings"
