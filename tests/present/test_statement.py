"""The statement's shape: at a glance first, the council's text in its slots, detail in the appendix, no repeats."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helpers.errors import InputError
from helpers.present import placement, statement
from helpers.services import OVERSIGHT

SOURCES = [{"source": "CQC care directory", "file": "01_November_2026_HSCA_Active_Locations.xlsx",
            "vintage": "01 November 2026", "synthetic": True}]
CARE_HOMES = {"locations": 106, "beds": 4019, "pct_good_or_outstanding": 78.9, "pct_good_or_outstanding_region": 80.6,
              "surplus_10y": -159.0, "occupancy_pct": 83.9,
              "cost": {"available": True, "suppressed": False, "gap_gbp": 123.24, "gap_pct": 13.27,
                       "main_band": "Residential standard", "main_current_rate": 805.14, "main_median_cost": 928.38}}


def unescaped(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def section(key: str, messages: list[str], items: list[dict], notes: list[str] = ()) -> dict:
    return {"key": key, "title": key.title(), "messages": messages, "notes": list(notes), "source": "Source: CQC.",
            "items": items}


def summary(service: str, figures: dict, sections: list[dict]) -> dict:
    return {"title": service.replace("_", " ").capitalize(), "key_figures": figures, "messages": [],
            "sections": sections, "sources": SOURCES, "warnings": [], "synthetic": True}


def test_glance_row_is_hand_computed_from_the_key_figures() -> None:
    row = statement.glance_row("care_homes", {**CARE_HOMES, "sustainability": {"verdict": "at risk"}}, 2036)
    assert row == ["Care homes", "At risk", "106 homes, 4,019 beds", "79% (region 81%)", "159 beds short by 2036",
                   "Residential standard: fee £805.14, 13% below the median cost £928.38"]
    spare = statement.glance_row("day_opportunities", {"locations": 1, "capacity": 5769.2,
                                                       "capacity_unit": "sessions a week", "surplus_10y": 21.0,
                                                       "cost": {"available": False}}, None)
    assert spare[1:] == ["Not assessed", "1 location, 5,769 sessions a week", "not available", "21 sessions a week to spare",
                         "no cost of care comparison"]


def test_a_suppressed_cost_of_care_gives_the_fee_and_says_why_there_is_no_comparison() -> None:
    cost = {"available": True, "suppressed": True, "gap_gbp": None, "main_band": "Standard session",
            "main_current_rate": 44.97, "main_median_cost": None, "min_providers": 3}
    assert statement.glance_row("day_opportunities", {"cost": cost}, None)[5] == (
        "Standard session: fee £44.97; the cost of care is not published (fewer than 3 providers' returns)")


def test_fee_above_the_median_cost_says_above() -> None:
    figures = {**CARE_HOMES, "cost": {**CARE_HOMES["cost"], "gap_gbp": -10.0, "gap_pct": -1.2}}
    assert statement.glance_row("care_homes", figures, None)[5].endswith("1% above the median cost £928.38")


def test_chapter_links_appendix_detail_keeps_body_items_and_prints_each_sentence_once() -> None:
    items = [{"kind": "chart", "name": "ratings", "caption": "Ratings", "place": "body"},
             {"kind": "table", "name": "supply", "caption": "Supply", "place": "body"},
             {"kind": "table", "name": "cost_lines", "caption": "Cost per line", "place": "appendix"},
             {"kind": "chart", "name": "entries_exits", "caption": "Entries", "place": "appendix"}]
    once: set[str] = {"Said already.", "Shared note."}
    text = statement.chapter("care_homes", summary("care_homes", CARE_HOMES, [
        section("quality", ["Said already.", "New sentence. Said already."], items, ["A note. Shared note."])]),
        {"care_homes_opportunities": "Our tender."}, once)
    assert "{{< include artefacts/care_homes/ratings.fig.md >}}" in text
    assert "{{< include artefacts/care_homes/supply.md >}}" in text
    assert "cost_lines.md" not in text and "entries_exits.fig.md" not in text
    assert "[More on care homes: quality: 1 table and 1 chart in the appendix](#sec-appendix-care-homes-quality)" in \
        unescaped(text)
    assert "Said already" not in text and "- New sentence\\." in text and "Shared note" not in text
    assert "Our tender." in text and "New sentence." in once and "*A note\\.*" in text


def test_the_appendix_holds_each_detail_item_under_the_id_its_section_links_to() -> None:
    items = [{"kind": "table", "name": "cost_lines", "caption": "Cost per line", "place": "appendix"},
             {"kind": "table", "name": "supply", "caption": "Supply", "place": "body"}]
    text = statement.appendix({"care_homes": summary("care_homes", CARE_HOMES, [section("cost", [], items)])})
    assert "### Cost {#sec-appendix-care-homes-cost}\n\n::: {#app-table-care-homes-cost-lines}\n" \
           "{{< include artefacts/care_homes/cost_lines.md >}}\n:::" in text
    assert "supply" not in text


def test_notes_in_more_than_one_chapter_are_shared() -> None:
    a = summary("care_homes", {}, [section("cost", [], [], ["[c] = suppressed. Only care homes.", "Beds."])])
    b = summary("home_care", {}, [section("cost", [], [], ["Hours. [c] = suppressed."])])
    assert statement.shared_notes({"care_homes": a, "home_care": b}) == ["[c] = suppressed."]


@pytest.mark.parametrize("vintage, shown", [("01 November 2026", "1 November 2026"), ("2024-25", "2024\u201325"),
                                            ("2024 to 2025", "2024 to 2025")])
def test_vintages_are_written_in_the_house_style(vintage: str, shown: str) -> None:
    assert statement.vintage_text(vintage) == shown


def test_a_place_other_than_body_appendix_or_internal_is_an_error(tmp_path: Path, monkeypatch) -> None:
    for name in ("services", "comparators", "cost_of_care", "oversight"):
        (tmp_path / f"{name}.yml").write_text("{}\n")
    (tmp_path / "statement.yml").write_text("tables: {cost_lines: hidden}\ncharts: {}\n")
    monkeypatch.setenv("CAREMARKET_PARAMS", str(tmp_path))
    with pytest.raises(InputError, match="statement.yml: key 'tables.cost_lines': expected one of body, appendix"):
        placement.places("tables")
    (tmp_path / "statement.yml").write_text("tables: {}\ncharts: {ratings: internal}\n")
    with pytest.raises(InputError, match="'charts.ratings': expected one of body, appendix, got 'internal'"):
        placement.places("charts")


def project_with(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    for service, figures in (("care_homes", CARE_HOMES), (OVERSIGHT, {"actions": {"overdue": 3}})):
        folder = project / "artefacts" / service
        folder.mkdir(parents=True)
        sections = [section("sufficiency", [f"{service} sentence."], [])]
        (folder / "key_figures.json").write_text(json.dumps(summary(service, figures, sections)))
    return project


def test_build_project_puts_the_glance_first_the_councils_text_in_its_slots_and_marks_the_rest(tmp_path) -> None:
    data = tmp_path / "data"
    home = data / "local" / "E08000019_statement"
    home.mkdir(parents=True)
    (home / "introduction.md").write_text("We have {{ care_homes.beds }} beds; {{ oversight.actions.overdue }} late.")
    (home / "care_homes_more_of.md").write_text("- Nursing care.\n")
    project = project_with(tmp_path)
    figures = statement.build_project(project, "Sheffield", 2026, ["care_homes"], data, "E08000019")
    index = (project / "index.qmd").read_text()
    headings = re.findall(r"^# (.+?) \{#", index, re.M)
    assert headings == ["At a glance", "Introduction and vision", "Risks and contingency", "Working with us",
                        "How this statement was produced", "Glossary", "Appendix: detail", "Data sources and methods"]
    assert index.index("# At a glance") < index.index("{{< include _care_homes.qmd >}}") < index.index("# Risks")
    assert "We have 4,019 beds; 3 late." in index and "- Nursing care." in index
    assert "This is a draft: 5 sections still to be written by the council" in index  # 7 slots, 2 written
    assert index.count("## To be written by the council") == 4  # risks, working, produced, less of (opportunities
    assert "To be written by the council" in (project / "_care_homes.qmd").read_text()  # is in the chapter)
    assert "Data as at 1 November 2026" in index and "The text written in the council's voice is invented" in index
    assert figures["services"]["care_homes"]["beds"] == 4019 and figures["oversight"]["actions"]["overdue"] == 3


def test_build_project_without_a_statement_folder_is_a_draft_of_every_slot(tmp_path: Path) -> None:
    project = project_with(tmp_path)
    statement.build_project(project, "Sheffield", 2026, ["care_homes"], tmp_path, "E08000019")
    index = (project / "index.qmd").read_text()
    assert "7 sections still to be written" in index and "invented too" not in index


def test_a_misspelt_figure_in_the_councils_text_stops_the_build_naming_file_and_line(tmp_path: Path) -> None:
    home = tmp_path / "data" / "E08000019_statement"
    home.mkdir(parents=True)
    (home / "risks.md").write_text("Fine.\nWe have {{ care_homes.bedz }} beds.\n")
    with pytest.raises(InputError, match=r"risks.md: line 2: unknown figure .*closest known names: care_homes.beds"):
        statement.build_project(project_with(tmp_path), "Sheffield", 2026, ["care_homes"], tmp_path / "data",
                                "E08000019")


def test_with_last_years_figures_the_glance_says_what_changed_and_the_appendix_has_the_table(tmp_path) -> None:
    project = project_with(tmp_path)
    last = {"year": 2025, "services": {"care_homes": {**CARE_HOMES, "beds": 3989, "pct_good_or_outstanding": 76.6,
                                                      "cost": {**CARE_HOMES["cost"], "main_current_rate": 780.0}}},
            OVERSIGHT: {"actions": {"overdue": 3}}}
    (project / "previous_key_figures.json").write_text(json.dumps(last))
    statement.build_project(project, "Sheffield", 2026, ["care_homes"])
    index = (project / "index.qmd").read_text()
    glance = unescaped(index[index.index("# At a glance"):index.index("# Introduction")])
    assert "4,019 beds; up from 3,989" in glance and "79% (region 81%); up from 77%" in glance
    assert "fee £805.14 (up from £780.00)" in glance and "changes since the 2025 statement](#sec-changes)" in glance
    appendix = unescaped(index[index.index("# Appendix"):index.index("# Data sources")])
    assert "## Changes since the 2025 statement {#sec-changes}" in appendix
    assert "| Care homes | Beds | 3,989 | 4,019 | up |" in appendix
    assert "| Care homes | Occupancy | 84% | 84% | no change |" in appendix
    assert "| Market oversight and what we will do | Overdue actions | 3 | 3 | no change |" in appendix


def test_without_last_years_figures_there_is_no_changes_section(tmp_path) -> None:
    project = project_with(tmp_path)
    statement.build_project(project, "Sheffield", 2026, ["care_homes"])
    index = (project / "index.qmd").read_text()
    assert "sec-changes" not in index and "up from" not in index


def test_the_risks_chapter_sums_up_each_services_risks_and_links_their_actions(tmp_path: Path) -> None:
    project = project_with(tmp_path)
    folder = project / "artefacts" / "care_homes"
    (folder / "sustainability_risks.csv").write_text(
        "risk,likelihood,impact,action,target,status\n"
        "Fees below cost.,Possible,High,Agree the uplift,28 February 2027,Green\n"
        "Fees below cost.,Possible,High,Publish the strategy,31 October 2026,Complete\n"
        "Staff leave.,Likely,Medium,No action in the council's plan yet.,,\n", encoding="utf-8")
    summary_json = json.loads((folder / "key_figures.json").read_text())
    summary_json["sections"].append(section("sustainability", [], [
        {"kind": "table", "name": "sustainability_risks", "caption": "Risks", "place": "appendix"}]))
    (folder / "key_figures.json").write_text(json.dumps(summary_json))
    statement.build_project(project, "Sheffield", 2026, ["care_homes"])
    index = unescaped((project / "index.qmd").read_text())
    risks = index[index.index("# Risks and contingency"):index.index("# Working with us")]
    assert "| Care homes | Fees below cost. | Possible | High | [2 actions in its plan]" \
           "(#app-table-care-homes-sustainability-risks) |" in risks
    assert "| Care homes | Staff leave. | Likely | Medium | No action in the council's plan yet. |" in risks


def test_shared_notes_come_in_the_order_the_first_chapter_gives_them() -> None:
    notes = ["Alpha one.", "Bravo two.", "Charlie three.", "Delta four.", "Echo five.", "Foxtrot six."]
    a = summary("care_homes", {}, [section("cost", [], [], [" ".join(notes)])])
    b = summary("home_care", {}, [section("cost", [], [], [" ".join(reversed(notes))])])
    assert statement.shared_notes({"care_homes": a, "home_care": b}) == notes  # not a set's (hash-seeded) order


def test_pipe_table_sets_relative_widths_with_its_dashes() -> None:
    assert statement.pipe_table(["A", "B"], [["1", "2"]], [3, 12]) == "| A | B |\n|:---|:------------|\n| 1 | 2 |"
    assert statement.pipe_table(["A", "B"], []) == "| A | B |\n|---|---|"
