"""`caremarket validate` over the real files, the demo data and a broken file."""
from __future__ import annotations

import shutil

from helpers.load import validation
from helpers.cli import main
from helpers.load.catalogue import identify
from helpers.load.reading import data_files

REAL_FILES = {"CQC ratings": 1, "ASCOF": 1, "ASC-FR": 4, "ONS subnational population projections": 1,
              "ONS mid-year population estimates": 1}


def test_every_real_source_file_is_recognised_and_loads(realdata):
    reports = validation.validate(realdata)
    found: dict[str, int] = {}
    for r in reports:
        assert not r.error, r.error
        found[r.source] = found.get(r.source, 0) + 1
    assert found == REAL_FILES
    ascof = next(r for r in reports if r.source == "ASCOF")
    assert ascof.councils == 153 and ascof.vintage == "2024 to 2025"
    ratings = next(r for r in reports if r.source == "CQC ratings")
    assert ratings.rows == 4159 and ratings.councils == 1


def test_validate_cli_prints_summary_and_exits_0_on_demo_data(demo_dir, capsys):
    assert main(["validate", "--data", str(demo_dir)]) == 0
    out = capsys.readouterr().out
    assert "CQC care directory" in out and "01 November 2026" in out
    assert "Care home occupancy" in out and "Key performance indicators" in out
    # this year's and last year's files of every source (3 directory snapshots, ratings, SNPP, mid-year, ASC-FR,
    # ASCOF, Skills for Care; each council's local files, last year's in local/2025/): every one checked
    files = [p for p in data_files(demo_dir) if identify(p) is not None]
    assert len(files) >= 45 and any("2025" in p.parts for p in files)
    assert f"{len(files)} file(s) checked: 0 with errors, 0 warning(s)" in out
    assert "local/2025/E08000019_occupancy.xlsx" in out
    for source in ["CQC ratings", "ASCOF", "ASC-FR", "ONS subnational population projections"]:
        assert source in out


def test_validate_cli_exits_1_and_names_the_problem(demo_dir, tmp_path, capsys):
    bad = tmp_path / "data"
    shutil.copytree(demo_dir, bad)
    (bad / "cqc" / "01_November_2026_HSCA_Active_Locations.xlsx").write_bytes(b"not a spreadsheet")
    assert main(["validate", "--data", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "error: " in out and "01_November_2026_HSCA_Active_Locations.xlsx" in out and "cannot open as a spreadsheet" in out
    assert f"{sum(identify(p) is not None for p in data_files(demo_dir))} file(s) checked: 1 with errors" in out


def test_validate_with_no_known_files_exits_1(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("hello")
    assert main(["validate", "--data", str(tmp_path)]) == 1
    assert "no known source files found" in capsys.readouterr().err


def test_templates_cli_writes_every_local_template_and_validate_reads_them_back(tmp_path, capsys):
    from helpers.load.catalogue import LOCAL_SOURCES as SOURCES
    assert main(["templates", "--out", str(tmp_path)]) == 0
    written = sorted(p.name for p in tmp_path.glob("template_*.xlsx"))
    assert written == sorted(f"template_{name}.xlsx" for name in SOURCES)
    capsys.readouterr()
    assert main(["validate", "--data", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"{len(SOURCES)} file(s) checked: 0 with errors" in out
    assert "looks like a template example row" in out  # example rows are never used silently
