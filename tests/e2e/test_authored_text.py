"""The council's own text through `caremarket run`: live figures in its prose, a misspelt name, --final."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from helpers.cli import main
from helpers.present import wording

pytestmark = pytest.mark.slow
CODE = "E08000019"


@pytest.fixture(scope="module")
def data(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("authored") / "data"
    shutil.copytree(demo_dir, copy)
    return copy


def run(data: Path, out: Path, *extra: str) -> int:
    return main(["run", "--data", str(data), "--out", str(out), "--year", "2026", "--council", CODE,
                 "--service", "care_homes", "--formats", "html", "--timeout", "0", *extra])


def visible(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<script.*?</script>", "", html, flags=re.S)))


def test_a_cited_figure_prints_the_computed_value_and_final_publishes_a_complete_statement(data, tmp_path):
    intro = data / "local" / f"{CODE}_statement" / "introduction.md"
    intro.write_text("Our care homes were {{ care_homes.occupancy_pct }} full on the latest return.\n",
                     encoding="utf-8")
    assert run(data, tmp_path, "--final") == 0
    folder = tmp_path / "2026" / CODE
    occupancy = json.loads((folder / "key_figures.json").read_text())["services"]["care_homes"]["occupancy_pct"]
    text = visible((folder / "mps.html").read_text(encoding="utf-8"))
    assert f"Our care homes were {wording.percent(occupancy)} full on the latest return." in text
    assert "To be written by the council" not in text and "This is a draft" not in text
    assert text.index("At a glance") < text.index("Introduction and vision") < text.index("Our care homes were")


def test_a_misspelt_figure_fails_with_file_line_and_suggestions_and_keeps_the_previous_output(data, tmp_path,
                                                                                           capsys):
    assert run(data, tmp_path) == 0
    before = (tmp_path / "2026" / CODE / "mps.html").read_bytes()
    risks = data / "local" / f"{CODE}_statement" / "risks.md"
    good = risks.read_text(encoding="utf-8")
    risks.write_text("First line.\n\nHomes are {{ care_homes.ocupancy_pct }} full.\n", encoding="utf-8")
    try:
        assert run(data, tmp_path, "--force") == 1
    finally:
        risks.write_text(good, encoding="utf-8")
    err = capsys.readouterr().err
    assert re.search(r"risks\.md: line 3: unknown figure \{\{ care_homes\.ocupancy_pct \}\}; closest known names: "
                     r"care_homes\.occupancy_pct", err), err
    assert (tmp_path / "2026" / CODE / "mps.html").read_bytes() == before


def test_final_refuses_an_unwritten_slot_listing_it_before_any_work(data, tmp_path, capsys):
    slot = data / "local" / f"{CODE}_statement" / "working_with_us.md"
    kept = slot.read_text(encoding="utf-8")
    slot.write_text("<!-- guidance only: still the template -->\n", encoding="utf-8")
    try:
        assert run(data, tmp_path, "--final") == 1
        assert run(data, tmp_path) == 0  # a draft is allowed, and marks the slot
    finally:
        slot.write_text(kept, encoding="utf-8")
    err = capsys.readouterr().err
    assert "--final: 1 section(s) of the statement are still to be written" in err
    assert f"Sheffield ({CODE}): Working with us (statement file {CODE}_statement/working_with_us.md)" in err
    html = visible((tmp_path / "2026" / CODE / "mps.html").read_text(encoding="utf-8"))
    assert "This is a draft: 1 section still to be written by the council" in html
    assert "To be written by the council Working with us:" in html
