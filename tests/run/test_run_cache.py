"""Unit keys: a byte changed in a file a council reads changes its keys; anything else leaves them alone."""
from __future__ import annotations

from pathlib import Path

import pytest

from helpers.run import run_cache

SHEFFIELD, ROTHERHAM = "E08000019", "E08000018"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A tiny data folder: two national files, one local file per council, and files that are not inputs."""
    (tmp_path / "cqc").mkdir()
    (tmp_path / "local").mkdir()
    (tmp_path / "cqc" / "directory.csv").write_text("Location ID,Beds\n1-1,10\n")
    (tmp_path / "ons.csv").write_text("code,population\nE08000019,500000\n")
    (tmp_path / "local" / f"{SHEFFIELD}_occupancy.csv").write_text("beds\n10\n")
    (tmp_path / "local" / f"{ROTHERHAM}_occupancy.csv").write_text("beds\n20\n")
    (tmp_path / "README.md").write_text("about the data")
    (tmp_path / "local" / f"~${SHEFFIELD}_occupancy.xlsx").write_text("lock file")
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "x.parquet").write_text("cache")
    return tmp_path


def keys(data: Path, code: str, params: str = "p") -> tuple[str, str]:
    inputs = run_cache.RunInputs(run_cache.scan_inputs(data), params, "notebook", "package")
    service = run_cache.service_key(inputs, code, 2026, "care_homes")
    return service, run_cache.render_key({"care_homes": service}, ("html",), "pandoc")


def flip_last_byte(path: Path) -> None:
    raw = bytearray(path.read_bytes())
    raw[-1] ^= 1
    path.write_bytes(bytes(raw))


def test_scan_finds_data_files_with_hashes_and_owner(data):
    files = {f.path: f for f in run_cache.scan_inputs(data)}
    assert set(files) == {"cqc/directory.csv", "ons.csv", f"local/{SHEFFIELD}_occupancy.csv",
                          f"local/{ROTHERHAM}_occupancy.csv"}
    assert files["ons.csv"].council is None
    assert files[f"local/{SHEFFIELD}_occupancy.csv"].council == SHEFFIELD
    assert all(len(f.sha256) == 64 for f in files.values())


def test_a_council_reads_national_files_and_only_its_own_local_files(data):
    mine = [f.path for f in run_cache.council_inputs(run_cache.scan_inputs(data), SHEFFIELD)]
    assert mine == ["cqc/directory.csv", f"local/{SHEFFIELD}_occupancy.csv", "ons.csv"]


def test_unchanged_inputs_give_the_same_keys(data):
    assert keys(data, SHEFFIELD) == keys(data, SHEFFIELD)


def test_one_byte_in_a_national_file_changes_every_councils_keys(data):
    before = keys(data, SHEFFIELD), keys(data, ROTHERHAM)
    flip_last_byte(data / "cqc" / "directory.csv")
    after = keys(data, SHEFFIELD), keys(data, ROTHERHAM)
    assert all(b[0] != a[0] and b[1] != a[1] for b, a in zip(before, after))


def test_one_byte_in_a_local_file_changes_only_that_councils_keys(data):
    sheffield, rotherham = keys(data, SHEFFIELD), keys(data, ROTHERHAM)
    flip_last_byte(data / "local" / f"{ROTHERHAM}_occupancy.csv")
    assert keys(data, SHEFFIELD) == sheffield
    assert keys(data, ROTHERHAM)[0] != rotherham[0] and keys(data, ROTHERHAM)[1] != rotherham[1]


def test_files_that_are_not_inputs_do_not_change_keys(data):
    before = keys(data, SHEFFIELD)
    (data / "README.md").write_text("edited")
    (data / ".cache" / "y.parquet").write_text("more cache")
    assert keys(data, SHEFFIELD) == before


def test_params_and_formats_are_part_of_the_keys(data):
    service, render = keys(data, SHEFFIELD)
    assert keys(data, SHEFFIELD, params="q")[0] != service
    assert run_cache.render_key({"care_homes": service}, ("html", "pdf"), "pandoc") != render


def test_package_hash_changes_with_the_source(tmp_path, monkeypatch):
    (tmp_path / "a.py").write_text("x = 1\n")
    monkeypatch.setattr(run_cache, "PACKAGE_DIR", tmp_path)
    before = run_cache.package_hash()
    (tmp_path / "a.py").write_text("x = 2\n")
    assert run_cache.package_hash() != before


def test_previous_keys_keep_only_units_that_succeeded():
    manifest = {"units": [{"unit": "care_homes", "status": "ran", "key": "a"},
                          {"unit": "home_care", "status": "failed", "key": "b"},
                          {"unit": "render", "status": "cached", "key": "c"}]}
    assert run_cache.previous_keys(manifest) == {"care_homes": "a", "render": "c"}


@pytest.mark.parametrize("name", ["charts.js", "mps.html5", "mps.css", "quarto_subset.lua", "mps.typ"])
def test_package_hash_changes_with_the_statements_template_files(tmp_path, monkeypatch, name):
    (tmp_path / "mps").mkdir()
    (tmp_path / "mps" / name).write_text("one\n")
    monkeypatch.setattr(run_cache, "PACKAGE_DIR", tmp_path)
    before = run_cache.package_hash()
    (tmp_path / "mps" / name).write_text("two\n")
    assert run_cache.package_hash() != before


def test_a_scanned_file_is_not_read_again_to_key_the_parse_cache(data, monkeypatch):
    from helpers.load import reading
    reads: list[Path] = []
    real = reading.sha256_file
    monkeypatch.setattr(reading, "SETTLED_NS", -1)  # files written a moment ago count as settled
    monkeypatch.setattr(reading, "sha256_file", lambda path: reads.append(Path(path)) or real(path))
    files = {f.path: f for f in run_cache.scan_inputs(data)}
    assert len(reads) == 4
    assert reading.file_hash(data / "cqc" / "directory.csv") == files["cqc/directory.csv"].sha256 \
        == real(data / "cqc" / "directory.csv")
    assert len(reads) == 4  # remembered from the scan: England's largest files are read once per run


def test_a_data_folder_of_england_size_stays_remembered_after_the_scan(tmp_path, monkeypatch):
    """England's data folder holds ~1,500 files and its largest, the CQC directory, sorts early: the scan must not
    forget it by the time the run keys its parse cache."""
    from helpers.load import reading
    monkeypatch.setattr(reading, "SETTLED_NS", -1)
    (tmp_path / "cqc").mkdir()
    (tmp_path / "cqc" / "directory.csv").write_text("Location ID,Beds\n1-1,10\n")
    (tmp_path / "local").mkdir()
    for i in range(1600):
        (tmp_path / "local" / f"E{i:08d}_occupancy.csv").write_text(f"beds\n{i}\n")
    run_cache.scan_inputs(tmp_path)
    reads: list[Path] = []
    real = reading.sha256_file
    monkeypatch.setattr(reading, "sha256_file", lambda path: reads.append(Path(path)) or real(path))
    reading.file_hash(tmp_path / "cqc" / "directory.csv")
    assert reads == []
