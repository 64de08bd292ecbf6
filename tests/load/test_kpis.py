"""KPIs: template round trip, the fraction warning and RAG against target on a hand-computed table."""
from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from helpers.load.kpis import HIGHER, LOWER, SPEC, kpi_rag
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


def hand() -> pd.DataFrame:
    """One KPI per case; amber margin 5% of the target."""
    return pd.DataFrame({
        "kpi": ["met", "just short", "well short", "lower just over", "lower under", "no actual", "zero target",
                "exact"],
        "target": [80.0, 80.0, 80.0, 20.0, 20.0, 60.0, 0.0, 80.0],
        "actual": pd.array([85.0, 77.0, 75.0, 21.0, 18.0, None, 1.0, 80.0], dtype="Float64"),
        "direction": [HIGHER, HIGHER, HIGHER, LOWER, LOWER, HIGHER, LOWER, HIGHER],
    })


def test_kpi_rag_against_target_with_amber_margin():
    out = kpi_rag(hand(), amber_margin=0.05)
    assert out["rag"].tolist() == ["Green", "Amber", "Red", "Amber", "Green", "Not reported", "Red", "Green"]
    assert out["gap"].tolist()[:5] == [5.0, -3.0, -5.0, 1.0, -2.0] and pd.isna(out.at[5, "gap"])


def test_kpi_rag_with_no_margin_and_a_bad_margin():
    assert kpi_rag(hand(), amber_margin=0)["rag"].tolist()[:4] == ["Green", "Red", "Red", "Red"]
    with pytest.raises(ValueError, match="amber_margin"):
        kpi_rag(hand(), amber_margin=-0.1)
