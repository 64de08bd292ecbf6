"""What every section builder shares: the Section it shows, the BuiltSection it returns, and small helpers.

A section builder is a function of the council's ``Inputs``, the service definition and the council
(plus, where a section depends on another, that section's result as an argument). It returns a
``BuiltSection``: the Section the chapter shows, the key figures it adds to key_figures.json and the
data-quality warnings it found itself. Builders share no state.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from helpers.errors import DataQualityLog
from helpers.present.charts import Chart
from helpers.present.tables import Table

BENCHMARK_HEADERS = {"area": "Area", "value": "Value", "councils": "Councils in the figure"}


@dataclass
class Section:
    """One section of a service chapter: key messages, then its charts and tables in display order."""

    key: str
    title: str
    messages: list[str]
    items: list[Table | Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    source: str = ""


@dataclass
class BuiltSection:
    """What a section builder returns: the section, its key figures and the warnings it raised itself."""

    section: Section
    key_figures: dict[str, object] = field(default_factory=dict)
    log: DataQualityLog = field(default_factory=DataQualityLog)


def rounded(value: float | None, digits: int = 1) -> float | None:
    """A key figure rounded to ``digits`` places; None when missing."""
    return None if value is None or pd.isna(value) else round(float(value), digits)


def bench_value(bench: pd.DataFrame, row: int) -> float | None:
    """One row's value of a benchmark table (0 the council, 1 comparators, 2 region, 3 England); None when missing."""
    value = bench["value"].iloc[row]
    return None if value is None or pd.isna(value) else float(value)
