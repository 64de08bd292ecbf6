"""Oversight: the published chapter holds aggregates only (the internal dashboard is tested in tests/present)."""
from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from helpers.assess import oversight
from helpers.demo.financial_sustainability import write_financial_sustainability
from helpers.load import cqc_directory, home_care_activity, provider_intelligence
from helpers.load.local import load_council

CODE, NAME = "E08000019", "Sheffield"
TODAY = date(2026, 11, 25)
PROVIDER_LEVEL_COLUMNS = {"location_id", "location_name", "provider_id", "provider_name", "home_name"}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Demo data for Sheffield plus its financial sustainability return."""
    from helpers import demo
    out = tmp_path_factory.mktemp("oversight")
    demo.generate(out, [CODE], seed=2026)
    directory = cqc_directory.load_latest(out).data
    write_financial_sustainability(CODE, directory[directory["la_code"] == CODE], 2026, out / "local")
    return out


@pytest.fixture(scope="module")
def section(data: Path) -> oversight.OversightSection:
    return oversight.oversight_section(data, CODE, NAME, today=TODAY)


def test_section_has_the_published_tables_charts_and_json_figures(section):
    assert [t.name for t in section.tables] == ["action_plan", "action_status", "kpis", "home_care_delivery",
                                                "financial_risk"]
    assert {c.name for c in section.charts} == {"action_status", "home_care_calls"}
    assert all(c.alt and c.title for c in section.charts)
    figures = json.loads(json.dumps(section.key_figures))
    assert figures["actions"]["overdue"] >= 1 and figures["kpis"]["kpis"] == 6
    assert 0 < figures["financial_risk"]["at_risk_pct"] < 100
    assert {s["source"] for s in section.sources} >= {"Market sustainability action plan",
                                                       "Care home financial sustainability"}


def test_messages_quote_the_figures_from_code(section):
    f = section.key_figures
    text = " ".join(section.messages)
    assert f"{f['financial_risk']['at_risk_pct']:.1f}% ({f['financial_risk']['moderate'] + f['financial_risk']['high']})" \
        in text
    assert f"Of the {f['actions']['actions']} actions in the plan" in text
    assert f"{f['home_care']['calls_15_pct']:.1f}% of calls were 15-minute calls" in text


def test_the_action_table_labels_rag_in_text(section):
    table = next(t for t in section.tables if t.name == "action_plan")
    assert "Red – overdue" in set(table.frame["status"])
    assert all(re.fullmatch(r"(Green|Amber|Red)( – .+)?|Complete|Ongoing", s) for s in table.frame["status"])


def test_no_provider_level_data_leaks_into_the_published_section(data, section):
    intel = load_council(provider_intelligence.SPEC, data, CODE).data
    activity = load_council(home_care_activity.SPEC, data, CODE).data
    names = set(intel["location_id"]) | set(intel["provider_name"]) | set(intel["location_name"]) | set(
        activity["provider_id"]) | set(activity["provider_name"])
    names.discard("")
    for table in section.tables:
        assert not PROVIDER_LEVEL_COLUMNS & set(table.frame.columns), table.name
        cells = {str(v) for v in table.frame.to_numpy().ravel()}
        assert not cells & names, table.name
        assert not any(n in table.markdown() for n in names if len(n) > 6), table.name
    for chart in section.charts:
        dumped = chart.figure.to_json()
        assert not any(n in dumped for n in names if len(n) > 6), chart.name


def test_aggregates_over_too_few_providers_are_suppressed(data):
    activity = load_council(home_care_activity.SPEC, data, CODE).data
    two = activity[activity["provider_id"].isin(sorted(set(activity["provider_id"]) - {"UNALLOCATED"})[:2])]
    tables, charts, figures, messages = oversight.home_care_part(two, 12, 3)
    assert figures["suppressed"] and figures["calls_15_pct"] is None and not charts
    values = dict(zip(tables[0].frame["measure"], tables[0].frame["value"]))
    assert values["Providers"] == "2" and values["Share of calls of 15 minutes"] == oversight.SUPPRESSED


def test_missing_sources_are_said_not_guessed(tmp_path):
    empty = oversight.oversight_section(tmp_path, CODE, NAME, today=TODAY)
    assert empty.tables == [] and len(empty.messages) == 4
    assert all("has not supplied" in m for m in empty.messages)


@pytest.mark.parametrize("per_theme, dtick", [(2, 1), (11, None)])
def test_action_status_chart_ticks_whole_actions_while_they_fit(per_theme, dtick):
    from helpers.load.action_plan import STATUSES
    counts = pd.DataFrame({"theme": ["Workforce", "Market shaping"],
                           **{s: [per_theme if s == "Green" else 0] * 2 for s in STATUSES}})
    assert oversight._status_chart(counts).figure.layout.xaxis.dtick == dtick


def test_the_published_module_holds_no_dashboard():
    """The provider-level dashboard lives in helpers.present.dashboard, its figures in helpers.assess.provider_risk."""
    assert not any(hasattr(oversight, name) for name in ("write_internal_dashboard", "INTERNAL", "DASHBOARD", "CSS",
                                                          "SCRIPT", "SERVICE_NAMES"))
