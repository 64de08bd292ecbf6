"""The command-line contract: exit codes 0/1/2 and one clear message, never a traceback, for expected errors."""
from __future__ import annotations

import subprocess
import sys

import pytest

from helpers.cli import main

def caremarket(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "helpers.cli", *args], capture_output=True, text=True, timeout=120)


def test_unknown_council_code_exits_2_with_one_clear_message(tmp_path, demo_dir):
    result = caremarket("run", "--data", str(demo_dir), "--out", str(tmp_path), "--year", "2026", "--council", "E99999999")
    assert result.returncode == 2
    assert "unknown council code 'E99999999'" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_argument_exits_2(tmp_path):
    result = caremarket("run", "--data", str(tmp_path), "--out", str(tmp_path), "--year", "twenty", "--all")
    assert result.returncode == 2
    assert "invalid int value: 'twenty'" in result.stderr and "Traceback" not in result.stderr


def test_missing_data_folder_exits_1_naming_it(tmp_path):
    result = caremarket("run", "--data", str(tmp_path / "nope"), "--out", str(tmp_path), "--year", "2026",
                        "--council", "E08000019")
    assert result.returncode == 1
    assert f"data folder not found: {tmp_path / 'nope'}" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("year, extra, message", [
    ("2026", ["--formats", "docx"], "--formats docx: expected html, pdf"),
    ("26", [], "--year 26: expected a four-digit year"),
    ("2026", ["--jobs", "0"], "--jobs 0: expected a number of worker processes, 1 or more"),
    ("2026", ["--service", "respite"], "argument --service: invalid choice: 'respite'"),
])
def test_usage_errors_in_run_exit_2(tmp_path, capsys, year, extra, message):
    args = ["run", "--data", str(tmp_path), "--out", str(tmp_path), "--year", year, "--council", "E08000019", *extra]
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_run_all_with_a_missing_data_folder_exits_1_naming_it(tmp_path, capsys):
    assert main(["run", "--data", str(tmp_path / "nope"), "--out", str(tmp_path), "--year", "2026", "--all"]) == 1
    assert f"data folder not found: {tmp_path / 'nope'}" in capsys.readouterr().err


def test_run_help_lists_the_batch_flags(capsys):
    assert main(["run", "--help"]) == 0
    out = capsys.readouterr().out
    assert all(flag in out for flag in ["--all", "--jobs", "--force", "--service", "--formats", "--engine"])


def test_demo_data_rejects_a_bad_council_count(tmp_path, capsys):
    assert main(["demo-data", "--out", str(tmp_path), "--councils", "0"]) == 2
    assert "--councils 0: expected a number from 1 to 153" in capsys.readouterr().err


def test_demo_data_is_deterministic_for_a_seed(tmp_path):
    assert main(["demo-data", "--out", str(tmp_path / "a"), "--councils", "E06000001", "--seed", "7"]) == 0
    assert main(["demo-data", "--out", str(tmp_path / "b"), "--councils", "E06000001", "--seed", "7"]) == 0
    from helpers.sources.cqc_directory import load_latest
    a, b = load_latest(tmp_path / "a").data, load_latest(tmp_path / "b").data
    assert a.equals(b) and len(a) > 0
