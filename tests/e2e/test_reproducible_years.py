"""One data folder, two years: `run --year 2025` after 2026's files arrived reproduces the 2025 statement exactly."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from helpers.cli import main

pytestmark = pytest.mark.slow
CODE = "E08000019"


def published_in_2026(path: Path, data: Path) -> bool:
    """This demo's files published during 2026: the 1 November 2026 CQC files, the councils' files as at 2026."""
    relative = path.relative_to(data)
    return "2026" in path.name or (relative.parts[0] == "local" and len(relative.parts) == 2
                                   and path.suffix == ".xlsx")


def run(data: Path, out: Path, year: int) -> Path:
    code = main(["run", "--data", str(data), "--out", str(out), "--year", str(year), "--council", CODE,
                 "--service", "care_homes", "--formats", "html", "--timeout", "0"])
    assert code == 0
    return out / str(year) / CODE


def cells(path: Path) -> dict[str, list[tuple]]:
    wb = load_workbook(path, read_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb}


def used(folder: Path) -> set[tuple[str, str]]:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return {(r["path"], r["sha256"]) for r in manifest["inputs"] if r["used"]}


@pytest.fixture(scope="module")
def statements(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("years")
    then = root / "data-2025"  # the folder as it was at the end of 2025
    shutil.copytree(demo_dir, then, ignore=lambda folder, names: [
        n for n in names if (Path(folder) / n).is_file() and published_in_2026(Path(folder) / n, demo_dir)])
    assert not list(then.rglob("*2026*")) and (then / "local" / "2025").is_dir()
    before = run(then, root / "out-then", 2025)
    now = root / "data-now"  # the same folder after 2026's downloads were added
    shutil.copytree(demo_dir, now)
    after = run(now, root / "out-now", 2025)
    current = run(now, root / "out-now", 2026)
    return before, after, current


def test_a_past_year_reruns_to_the_same_statement_after_newer_files_arrive(statements):
    before, after, _ = statements
    assert json.loads((after / "key_figures.json").read_text()) == json.loads((before / "key_figures.json").read_text())
    assert (after / "mps.html").read_bytes() == (before / "mps.html").read_bytes()
    assert cells(after / "mps_data.xlsx") == cells(before / "mps_data.xlsx")
    assert used(after) == used(before)  # the manifests' hashes: the very same files


def test_the_current_year_uses_the_newer_files_and_compares_with_last_years_statement(statements):
    _, then, now = statements
    figures = json.loads((now / "key_figures.json").read_text())
    assert figures["vintage"] == "1 November 2026"
    assert json.loads((then / "key_figures.json").read_text())["vintage"] == "1 November 2025"
    now_files, then_files = {p for p, _ in used(now)}, {p for p, _ in used(then)}
    assert {"cqc/01_November_2026_HSCA_Active_Locations.xlsx", f"local/{CODE}_occupancy.xlsx"} <= now_files
    assert {"cqc/01_November_2025_HSCA_Active_Locations.xlsx", f"local/2025/{CODE}_occupancy.xlsx"} <= then_files
    assert not any(p.startswith("local/2025/") for p in now_files)
    html = (now / "mps.html").read_text(encoding="utf-8")
    assert 'id="sec-changes"' in html and "Changes since the 2025 statement" in html
