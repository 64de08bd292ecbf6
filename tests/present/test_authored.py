"""The council's own text: slots, figures cited by name, confinement, drafts."""
from __future__ import annotations

from pathlib import Path

import pytest

from helpers.errors import InputError
from helpers.present import authored

FIGURES = {"council_name": "Sheffield", "year": 2026, "vintage": "01 November 2026",
           "services": {"care_homes": {"occupancy_pct": 83.94, "beds": 4019, "pct_good_or_outstanding": 78.9,
                                       "surplus_10y": -159.0, "demand_10y": 3977.0,
                                       "cost": {"main_current_rate": 805.14, "main_band": "Residential standard",
                                                "uplift_budget_impact": 3343679.04}}},
           "oversight": {"actions": {"overdue": 3}, "as_at": "2026-11-01"}}


def write_slot(tmp_path: Path, key: str, text: str, code: str = "E08000019") -> Path:
    home = tmp_path / "local" / f"{code}_statement"
    home.mkdir(parents=True, exist_ok=True)
    path = home / f"{key}.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_slots_cover_the_council_wide_texts_and_three_per_service_in_statement_order() -> None:
    keys = [s.key for s in authored.slots(["care_homes", "home_care"])]
    assert keys == ["introduction", "care_homes_more_of", "care_homes_less_of", "care_homes_opportunities",
                    "home_care_more_of", "home_care_less_of", "home_care_opportunities", "risks",
                    "working_with_us", "how_produced"]
    assert len(authored.slots()) == 4 + 4 * 3


@pytest.mark.parametrize("name, value, shown", [
    ("care_homes.occupancy_pct", 83.94, "84%"),
    ("care_homes.pct_good_or_outstanding", 78.9, "79%"),
    ("care_homes.beds", 4019, "4,019"),
    ("care_homes.demand_10y", 3977.0, "3,977"),
    ("care_homes.surplus_10y", -159.0, "\u2212159"),
    ("care_homes.cost.main_current_rate", 805.14, "£805.14"),
    ("care_homes.cost.uplift_budget_impact", 3343679.04, "£3,343,679"),
    ("year", 2026, "2026"),
    ("oversight.as_at", "2026-11-01", "1 November 2026"),
    ("care_homes.cost.main_band", "Residential standard", "Residential standard"),
    ("care_homes.workforce_median_hourly_pay", None, "not available"),
])
def test_a_cited_figure_is_printed_in_the_house_style(name: str, value: object, shown: str) -> None:
    assert authored.styled(name, value) == shown


def test_figures_are_cited_by_name_with_or_without_the_services_prefix(tmp_path: Path) -> None:
    figures = authored.figure_names(FIGURES)
    text = ("Occupancy was {{ care_homes.occupancy_pct }}; {{services.care_homes.beds}} beds;\n"
            "{{ oversight.actions.overdue }} overdue in {{ year }}.")
    out = authored.cite(text, tmp_path / "x.md", figures)
    assert out == "Occupancy was 84\\%; 4\\,019 beds;\n3 overdue in 2026."  # literal Markdown: punctuation escaped


def test_a_cited_text_figure_is_literal_markdown(tmp_path: Path) -> None:
    figures = authored.figure_names({"council_name": "*Bold* <b>x</b> [link](http://x)"})
    out = authored.cite("{{ council_name }}", tmp_path / "x.md", figures)
    assert "*" not in out.replace("\\*", "") and "<b>" not in out and "](" not in out.replace("\\]\\(", "")


def test_a_misspelt_figure_names_the_file_line_and_the_closest_names(tmp_path: Path) -> None:
    figures = authored.figure_names(FIGURES)
    with pytest.raises(InputError) as err:
        authored.cite("Intro.\n\nOccupancy {{ care_homes.ocupancy_pct }}.", tmp_path / "introduction.md", figures)
    message = str(err.value)
    assert "introduction.md" in message and "line 3" in message
    assert "care_homes.occupancy_pct" in message.split("closest known names:")[1]


def test_a_group_of_figures_is_not_a_figure(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="line 1: unknown figure"):
        authored.cite("{{ care_homes.cost }}", tmp_path / "x.md", authored.figure_names(FIGURES))


@pytest.mark.parametrize("text, expected", [
    ("{{< include ../../etc/passwd >}}", "shortcodes"),
    ("{{% meta x %}}", "shortcodes"),
    ("{{ care homes }}", "not a figure name"),
])
def test_includes_and_bad_names_are_refused_with_the_line(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(InputError, match=f"line 2: .*{expected}"):
        authored.cite("Fine.\n" + text, tmp_path / "x.md", authored.figure_names(FIGURES))


def test_guidance_comments_are_removed_keeping_line_numbers_and_a_skeleton_is_unwritten(tmp_path: Path) -> None:
    slot = authored.slots()[0]
    path = write_slot(tmp_path, slot.key, authored.skeleton(slot))
    assert authored.read(path).strip() == ""
    assert [s.key for s in authored.unwritten(tmp_path, "E08000019", ["care_homes"])][0] == "introduction"
    path.write_text("<!-- guidance\nover two lines -->\nOur vision.\n", encoding="utf-8")
    assert authored.read(path) == "\n\nOur vision.\n"
    assert "introduction" not in [s.key for s in authored.unwritten(tmp_path, "E08000019", ["care_homes"])]


def test_unwritten_lists_every_slot_not_written_and_only_those(tmp_path: Path) -> None:
    write_slot(tmp_path, "introduction", "Our vision.")
    write_slot(tmp_path, "care_homes_more_of", "   \n")
    missing = [s.key for s in authored.unwritten(tmp_path, "E08000019", ["care_homes"])]
    assert missing == ["care_homes_more_of", "care_homes_less_of", "care_homes_opportunities", "risks",
                       "working_with_us", "how_produced"]
    assert len(authored.unwritten(tmp_path, "E08000018", ["care_homes"])) == 7  # another council: nothing written


def test_a_file_that_is_not_utf8_is_an_error_naming_file_and_line(tmp_path: Path) -> None:
    path = write_slot(tmp_path, "introduction", "")
    path.write_bytes("Line one.\nCaf\xe9".encode("latin-1"))
    with pytest.raises(InputError, match="introduction.md: line 2: not UTF-8"):
        authored.read(path)


@pytest.mark.parametrize("text, expected", [
    ("Hello <script>alert(1)</script>", "raw HTML"),
    ("<p onclick='x'>para</p>\n", "raw HTML"),
    ("```{=html}\n<b>x</b>\n```\n", "raw HTML"),
    ("[click](javascript:alert(1))", "link to 'javascript:alert\\(1\\)' refused"),
    ("[file](file:///etc/passwd)", "refused"),
    ("![x](https://example.org/x.png)", "image 'https://example.org/x.png' refused"),
    ("![x](../../secret.png)", "refused"),
    ("![x](drawing.svg)", "refused"),
])
def test_confinement_refuses_raw_markup_odd_links_and_outside_images(tmp_path: Path, text: str,
                                                                    expected: str) -> None:
    path = write_slot(tmp_path, "introduction", text)
    (tmp_path / "local" / "E08000019_statement" / "drawing.svg").write_text("<svg/>", encoding="utf-8")
    (tmp_path / "secret.png").write_bytes(b"\x89PNG")
    with pytest.raises(InputError, match=expected):
        authored.confine(text, path, tmp_path / "project", 2)


def test_confinement_keeps_markdown_drops_ids_and_classes_and_renumbers_headings(tmp_path: Path) -> None:
    text = ("# Vision {#mine .callout-warning}\n\nSome **bold** and a [link](https://example.org).\n\n"
            "### Skipped a level\n\n::: {.content-visible when-format=\"html\"}\nInside\n:::\n")
    path = write_slot(tmp_path, "introduction", text)
    out = authored.confine(text, path, tmp_path / "project", 2)
    assert "## Vision" in out and "### Skipped a level" in out and "####" not in out
    assert "#mine" not in out and "callout" not in out and "content-visible" not in out and ":::" not in out
    assert "**bold**" in out and "[link](https://example.org)" in out and "Inside" in out


def test_html_divs_and_spans_lose_their_markup_and_attributes(tmp_path: Path) -> None:
    text = '<div onclick="steal()" class="callout-warning">block <span style="x" id="y">word</span></div>\n'
    path = write_slot(tmp_path, "introduction", text)
    out = authored.confine(text, path, tmp_path / "project", 2)
    assert "block" in out and "word" in out
    assert not any(bad in out for bad in ("<", "onclick", "steal", "callout", "style", "{"))


def test_an_image_in_the_slot_folder_is_copied_into_the_project(tmp_path: Path) -> None:
    path = write_slot(tmp_path, "introduction", "![Our map](map.png)")
    (path.parent / "map.png").write_bytes(b"\x89PNG\r\n")
    project = tmp_path / "project"
    out = authored.confine(path.read_text(), path, project, 2)
    assert "](authored/map.png)" in out and (project / "authored" / "map.png").read_bytes() == b"\x89PNG\r\n"


def test_escaped_shortcode_braces_never_reach_the_statement(tmp_path: Path) -> None:
    text = "\\{\\{< include x >\\}\\}"
    path = write_slot(tmp_path, "introduction", text)
    out = authored.confine(authored.cite(text, path, {}), path, tmp_path / "p", 2) if "{{<" not in text else ""
    assert "{{<" not in out


def test_publishable_gives_the_councils_text_with_figures_or_a_placeholder(tmp_path: Path) -> None:
    write_slot(tmp_path, "introduction", "Occupancy was {{ care_homes.occupancy_pct }}.")
    out = authored.publishable(authored.texts(tmp_path, "E08000019", ["care_homes"]), ["care_homes"], FIGURES,
                               tmp_path / "p", {})
    assert out["introduction"].strip() == "Occupancy was 84%."
    assert "To be written by the council" in out["risks"] and "Risks and contingency" in out["risks"]
    assert set(out) == {s.key for s in authored.slots(["care_homes"])}


def test_two_statement_folders_for_one_council_are_an_error(tmp_path: Path) -> None:
    write_slot(tmp_path, "introduction", "A")
    (tmp_path / "other" / "e08000019_STATEMENT").mkdir(parents=True)
    with pytest.raises(InputError, match="two statement folders E08000019_statement for E08000019"):
        authored.folder(tmp_path, "E08000019")


def test_a_statement_folder_is_found_at_any_depth_in_any_case_but_never_under_a_hidden_folder(tmp_path: Path) -> None:
    (tmp_path / ".git" / "E08000019_statement").mkdir(parents=True)  # hidden: ignored, so no "two folders" error
    (tmp_path / "local" / ".old" / "E08000019_statement").mkdir(parents=True)
    assert authored.folder(tmp_path, "E08000019") is None
    nested = tmp_path / "local" / "sheffield" / "e08000019_Statement"
    nested.mkdir(parents=True)
    assert authored.folder(tmp_path, "E08000019") == nested
    assert authored.folder(tmp_path / "local", "E08000019", 2026) == nested


def test_templates_write_a_skeleton_per_slot_that_counts_as_unwritten(tmp_path: Path) -> None:
    written = authored.write_skeletons(tmp_path)
    assert len(written) == len(authored.slots()) + 1
    home = tmp_path / authored.TEMPLATE_FOLDER
    renamed = home.rename(tmp_path / "E08000019_statement")
    assert len(authored.unwritten(tmp_path, "E08000019", ["care_homes", "home_care", "supported_living",
                                                          "day_opportunities"])) == 16
    assert "{{ care_homes.occupancy_pct }}" in (renamed / "introduction.md").read_text()


def test_a_years_own_statement_folder_wins_over_the_undated_one(tmp_path: Path) -> None:
    write_slot(tmp_path, "introduction", "Every year.")
    dated = tmp_path / "local" / "2025" / "E08000019_statement_2025"
    dated.mkdir(parents=True)
    (dated / "introduction.md").write_text("Our 2025 text.", encoding="utf-8")
    assert authored.texts(tmp_path, "E08000019", [], 2025)["introduction"][1] == "Our 2025 text."
    assert authored.texts(tmp_path, "E08000019", [], 2026)["introduction"][1] == "Every year."
    assert authored.texts(tmp_path, "E08000019", [])["introduction"][1] == "Every year."
