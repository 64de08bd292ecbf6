"""Tests of helpers.assess.assessment: the chapters' structure on the demo data (the figures are tested module by module)."""
from __future__ import annotations

from datetime import date

import pytest

from helpers.assess import oversight
from helpers.assess.assessment import assess, assess_oversight
from helpers.services import SERVICES
from helpers.present.charts import Chart


def kinds_and_names(items) -> list[tuple[str, str]]:
    return [("chart" if isinstance(item, Chart) else "table", item.name) for item in items]


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.mark.parametrize("service", SERVICES)
def test_a_chart_or_table_name_is_used_once_per_kind(demo_dir, cache, service):
    chapter = assess(service, demo_dir, "E08000019", cache)
    for kind in ("chart", "table"):
        names = [n for k, n in kinds_and_names(i for s in chapter.sections for i in s.items) if k == kind]
        assert len(names) == len(set(names)), (service, kind)


def test_oversight_chapter_keeps_every_chart_and_table_of_the_oversight_section(demo_dir, cache):
    # the action status chart shares its table's name; a lookup by name alone once dropped the chart
    chapter = assess_oversight(demo_dir, "E08000019", cache)
    section = oversight.oversight_section(demo_dir, "E08000019", "Sheffield", cache,
                                          date.fromisoformat(chapter.key_figures["as_at"]))
    shown = kinds_and_names(i for s in chapter.sections for i in s.items)
    assert sorted(shown) == sorted(kinds_and_names([*section.charts, *section.tables]))
    assert kinds_and_names(chapter.sections[0].items) == [("chart", "action_status"), ("table", "action_status"),
                                                          ("table", "action_plan")]
