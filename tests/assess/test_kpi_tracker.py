"""KPI tracker: RAG at the boundaries, latest period, sparkline and trend words, published table."""
from __future__ import annotations

import pandas as pd
import pytest

from helpers.assess.kpi_tracker import (amber_margin, kpi_rag, kpi_table, period_key, period_order, published,
                                        rag_summary, sparkline, trend_word)
from helpers.load.kpis import HIGHER, LOWER


def kpis(*rows: tuple) -> pd.DataFrame:
    """Rows of (kpi, target, actual, unit, period, direction)."""
    return pd.DataFrame({"kpi": [r[0] for r in rows], "service": ["All"] * len(rows),
                         "target": pd.array([r[1] for r in rows], dtype="Float64"),
                         "actual": pd.array([r[2] for r in rows], dtype="Float64"), "unit": [r[3] for r in rows],
                         "period": [r[4] for r in rows], "direction": [r[5] for r in rows]})


def test_the_amber_margin_is_read_from_params():
    assert amber_margin() == 0.05


@pytest.mark.parametrize("target, actual, direction, rag", [
    (100, 100, HIGHER, "Green"), (100, 101, HIGHER, "Green"), (100, 95, HIGHER, "Amber"),
    (100, 94.9, HIGHER, "Red"), (20, 20, LOWER, "Green"), (20, 21, LOWER, "Amber"), (20, 21.1, LOWER, "Red"),
    (20, None, LOWER, "Not reported"),
])
def test_rag_at_each_boundary(target, actual, direction, rag):
    out = kpi_table(kpis(("K", target, actual, "%", "2026-27", direction)), 0.05)
    assert out.loc[0, "rag"] == rag
    assert out.loc[0, "rag_label"].startswith(rag)


def test_labels_say_what_the_colour_means():
    out = kpi_table(kpis(("A", 75, 72, "%", "2026-27", HIGHER), ("B", 100, 81, "%", "2026-27", HIGHER)), 0.05)
    assert out["rag_label"].tolist() == ["Amber – within 5% of target", "Red – more than 5% off target"]


def test_periods_are_ordered_by_year_and_quarter_else_by_appearance():
    assert period_key("Q2 2026-27") == (2026, 2) and period_key("2026/27") == (2026, 5)
    assert period_order(pd.Series(["Q2 2026-27", "Q1 2026-27", "2025-26", "Q1 2026-27"])) == [
        "2025-26", "Q1 2026-27", "Q2 2026-27"]
    assert period_order(pd.Series(["Spring", "Autumn"])) == ["Spring", "Autumn"]


def test_the_latest_period_is_shown_with_the_trend_oldest_first():
    rows = kpis(("Trained", 100, 81, "%", "Q3 2026-27", HIGHER), ("Trained", 100, 70, "%", "Q1 2026-27", HIGHER),
                ("Trained", 100, 75, "%", "Q2 2026-27", HIGHER), ("Waiting", 60, 70, "number", "Q1 2026-27", LOWER))
    out = kpi_table(rows, 0.05).set_index("kpi")
    assert out.loc["Trained", "period"] == "Q3 2026-27" and out.loc["Trained", "actual"] == 81
    assert out.loc["Trained", "history"] == [70, 75, 81]
    assert out.loc["Trained", "trend"] == f"{sparkline([70, 75, 81])} rising (better)"
    assert out.loc["Waiting", "trend"] == ""  # one period only
    assert list(out.index) == ["Trained", "Waiting"]


def test_sparkline_and_trend_words():
    assert sparkline([1, 2, 3]) == "▁▅█"
    assert sparkline([5, None, 5]) == "▄·▄"
    assert sparkline([None]) == ""
    assert trend_word([3, 1], HIGHER) == "falling (worse)" and trend_word([3, 1], LOWER) == "falling (better)"
    assert trend_word([2, None, 2], HIGHER) == "level"


def test_published_table_formats_values_in_their_units_and_counts_rags():
    rows = kpis(("Trained", 100, 81, "%", "2026-27", HIGHER), ("Cost", 12.5, 12, "£", "2026-27", LOWER),
                ("Waiting", 60, None, "number", "2026-27", LOWER))
    table = kpi_table(rows, 0.05)
    out = published(table)
    assert out["target_text"].tolist() == ["100.0%", "£12.50", "60"]
    assert out["actual_text"].tolist() == ["81.0%", "£12.00", "–"]
    assert out["service"].tolist() == ["All services"] * 3
    assert rag_summary(table) == {"kpis": 3, "Green": 1, "Amber": 0, "Red": 1, "Not reported": 1}


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
