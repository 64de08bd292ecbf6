"""The command-line contract: exit codes 0/1/2 and one clear message, never a traceback, for expected errors."""
from __future__ import annotations

import errno
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.run import output_folders, pipeline
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
    ("2026", ["--timeout", "-5"], "--timeout -5: expected a number of seconds, or 0 for no limit"),
    ("2026", ["--timeout", "nan"], "--timeout nan: expected a number of seconds, or 0 for no limit"),
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
    assert all(flag in out for flag in ["--all", "--jobs", "--force", "--service", "--formats", "--engine",
                                        "--timeout"])
    assert "(default: 900; 0: no limit)" in " ".join(out.split())


def test_demo_data_rejects_a_bad_council_count(tmp_path, capsys):
    assert main(["demo-data", "--out", str(tmp_path), "--councils", "0"]) == 2
    assert "--councils 0: expected a number from 1 to 153" in capsys.readouterr().err


def test_demo_data_is_deterministic_for_a_seed(tmp_path):
    assert main(["demo-data", "--out", str(tmp_path / "a"), "--councils", "E06000001", "--seed", "7"]) == 0
    assert main(["demo-data", "--out", str(tmp_path / "b"), "--councils", "E06000001", "--seed", "7"]) == 0
    from helpers.load.cqc_directory import load_latest
    a, b = load_latest(tmp_path / "a").data, load_latest(tmp_path / "b").data
    assert a.equals(b) and len(a) > 0


# ------------------------------------------------------------ an output folder the run cannot write: usage error


def listing(folder: Path) -> dict[str, bytes | None]:
    """Every entry under a folder (files with their bytes), to show that nothing was written."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() if p.is_file() else None for p in folder.rglob("*")}


def run_into(data: Path, out: Path, *who: str) -> list[str]:
    return ["run", "--data", str(data), "--out", str(out), "--year", "2026", *(who or ["--council", "E08000019"])]


@pytest.mark.parametrize("who", [(), ("--all",)], ids=["council", "all"])
def test_out_an_existing_file_is_a_usage_error_and_nothing_is_written(tmp_path, demo_dir, capsys, who):
    target = tmp_path / "reports.txt"
    target.write_text("not a folder")
    before = listing(tmp_path)
    assert main(run_into(demo_dir, target, *who)) == 2
    err = capsys.readouterr().err
    assert f"caremarket run: error: --out {target}: is a file, not a folder" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert listing(tmp_path) == before
    assert multiprocessing.active_children() == []  # the workers spawned before the check were stopped


def test_out_under_a_file_is_a_usage_error(tmp_path, demo_dir, capsys):
    (tmp_path / "file").write_text("x")
    before = listing(tmp_path)
    assert main(run_into(demo_dir, tmp_path / "file" / "sub")) == 2
    assert (f"--out {tmp_path / 'file' / 'sub'}: cannot be created: {tmp_path / 'file'} is a file, not a folder"
            in capsys.readouterr().err)
    assert listing(tmp_path) == before


def test_out_in_a_subprocess_gives_one_line_and_exit_2(tmp_path, demo_dir):
    (tmp_path / "file").write_text("x")
    result = caremarket(*run_into(demo_dir, tmp_path / "file"))
    assert result.returncode == 2 and result.stderr.strip().splitlines() == [
        f"caremarket run: error: --out {tmp_path / 'file'}: is a file, not a folder"]


@pytest.mark.parametrize("blocker", ["2026", "2026/E08000019", "internal/2026/E08000019", ".cache"])
def test_a_file_where_the_run_writes_a_folder_is_a_usage_error_before_any_work(tmp_path, demo_dir, capsys, blocker):
    (tmp_path / blocker).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / blocker).write_text("x")
    before = listing(tmp_path)
    assert main(run_into(demo_dir, tmp_path)) == 2
    assert f"--out {tmp_path}: {tmp_path / blocker} is a file, not a folder" in capsys.readouterr().err
    assert listing(tmp_path) == before


def test_a_folder_where_no_file_can_be_created_is_a_usage_error(tmp_path, demo_dir, capsys, monkeypatch):
    """The probe write, not the permission bits, decides (root passes every permission check): a read-only
    file system, simulated here, is refused, as root too."""
    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(output_folders.tempfile, "mkstemp", read_only)
    assert main(run_into(demo_dir, tmp_path)) == 2
    assert f"--out {tmp_path}: is not writable ({os.strerror(errno.EROFS)})" in capsys.readouterr().err


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores permission bits")
@pytest.mark.parametrize("read_only", ["", "2026", "2026/E08000019"])
def test_a_read_only_output_folder_is_a_usage_error_before_any_work(tmp_path, demo_dir, capsys, read_only):
    folder = tmp_path / read_only
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o555)
    try:
        before = listing(tmp_path)
        assert main(run_into(demo_dir, tmp_path)) == 2
        err = capsys.readouterr().err
        assert f"--out {tmp_path}: " in err and "is not writable" in err and "Traceback" not in err
        assert listing(tmp_path) == before
    finally:
        folder.chmod(0o755)


def test_check_out_accepts_a_folder_still_to_be_created(tmp_path):
    output_folders.check_out(tmp_path / "new" / "reports", 2026, ["E08000019"])
    assert list(tmp_path.iterdir()) == []  # checked, not created: the run creates it
