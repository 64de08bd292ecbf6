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


_DATED = r"\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}"


@pytest.mark.parametrize("service", [*SERVICES, "oversight"])
def test_every_section_with_a_table_or_chart_names_its_sources_and_their_dates(demo_dir, cache, service):
    import re
    chapter = (assess_oversight(demo_dir, "E08000019", cache) if service == "oversight"
               else assess(service, demo_dir, "E08000019", cache))
    for section in chapter.sections:
        if not section.items:
            continue
        assert section.source.startswith("Source: ") and section.source.endswith("."), (service, section.key)
        named = [s for s in chapter.sources if f"{s['source']}, " in section.source]
        assert named, (service, section.key, section.source)
        assert re.search(_DATED + r"|\d{4}[–-]\d\d|\d{4}-based", section.source), section.source
        assert not re.search(r"\b0\d (January|February|March|April|May|June|July|August|September|October|"
                             r"November|December)", section.source), section.source  # no leading zero


def test_source_line_writes_vintages_in_the_house_style():
    from helpers.assess.assessment import source_line
    sources = [{"source": "CQC care directory", "vintage": "01 November 2026", "synthetic": False},
               {"source": "ONS subnational population projections", "vintage": "2022-based projections",
                "synthetic": False},
               {"source": "ASC-FR", "vintage": "2024-25", "synthetic": True}]
    assert source_line("sufficiency", sources) == (
        "Source: CQC care directory, 1 November 2026; ONS subnational population projections, 2022-based; "
        "ASC-FR, 2024–25 (synthetic demo data).")
    assert source_line("actions", sources) == ""  # no source read: the section has nothing to show either
