"""Which of last year's statements a run compares with, and that the comparison is part of the render's key."""
from __future__ import annotations

from pathlib import Path

from helpers.run import run_cache
from helpers.run.pipeline import last_statement


def figures(root: Path, code: str = "E08000019") -> Path:
    path = root / code / "key_figures.json"
    path.parent.mkdir(parents=True)
    path.write_text("{}")
    return path


def test_last_years_folder_under_the_output_root_is_the_default(tmp_path: Path) -> None:
    assert last_statement(tmp_path, 2026, "E08000019") is None
    expected = figures(tmp_path / "2025")
    figures(tmp_path / "2024")
    assert last_statement(tmp_path, 2026, "E08000019") == expected
    assert last_statement(tmp_path, 2026, "E08000018") is None


def test_previous_may_name_a_year_folder_or_a_reports_folder(tmp_path: Path) -> None:
    figures(tmp_path / "out" / "2025")  # ignored when --previous is given
    year_folder = figures(tmp_path / "elsewhere" / "2025")
    assert last_statement(tmp_path / "out", 2026, "E08000019", tmp_path / "elsewhere" / "2025") == year_folder
    assert last_statement(tmp_path / "out", 2026, "E08000019", tmp_path / "elsewhere") == year_folder
    assert last_statement(tmp_path / "out", 2026, "E08000019", tmp_path / "nothing") is None


def test_the_render_key_changes_with_last_years_figures() -> None:
    keys = {"care_homes": "a", "render": "b"}
    assert run_cache.render_key(keys, ("html",), "pandoc") == run_cache.render_key(keys, ("html",), "pandoc", None)
    assert run_cache.render_key(keys, ("html",), "pandoc", "abc") != run_cache.render_key(keys, ("html",), "pandoc")
    assert run_cache.render_key(keys, ("html",), "pandoc", "abc") != run_cache.render_key(keys, ("html",), "pandoc",
                                                                                         "abd")
