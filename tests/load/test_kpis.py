"""KPIs: template round trip and the fraction warning (RAG against target: tests/assess/test_kpi_tracker.py)."""
from __future__ import annotations

from dataclasses import replace

import pandas as pd

from helpers.load.kpis import HIGHER, LOWER, SPEC
from helpers.load.local import examples_frame, load_local, write_template


def test_template_round_trips_the_examples(tmp_path):
    table = load_local(SPEC, write_template(SPEC, tmp_path / "template_kpis.xlsx"))
    pd.testing.assert_frame_equal(table.data.drop(columns="_row"), examples_frame(SPEC))
    assert table.data["target"].tolist() == [85, 60, 20] and pd.isna(table.data.at[1, "actual"])
    assert table.data["direction"].tolist() == [HIGHER, HIGHER, LOWER]


def test_percent_written_as_a_fraction_is_a_warning(tmp_path):
    rows = [{"kpi": "Staff trained", "service": "All", "target": 0.85, "actual": 80, "unit": "%", "period": "2026-27",
             "direction": HIGHER}]
    table = load_local(SPEC, write_template(replace(SPEC, examples=rows), tmp_path / "kpis.xlsx"))
    assert [(w.row, w.column, w.message) for w in table.log.warnings] == \
        [(2, "Target", "target 0.85 with unit % looks like a fraction: write 85 for 85%")]
