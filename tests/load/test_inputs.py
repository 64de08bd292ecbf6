"""inputs: one council's sources found under a demo data folder (the session's `demo_dir`), loaded once and
recorded once."""
from pathlib import Path

import pandas as pd
import pytest

from helpers.errors import InputError
from helpers.load.reading import sha256_file
from helpers.load.inputs import Inputs

SHEFFIELD = "E08000019"


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def sheffield(demo_dir: Path, cache: Path) -> Inputs:
    return Inputs(demo_dir, SHEFFIELD, cache)


def _link(src_dir: Path, dest: Path, names: list[str]) -> None:
    """A data folder holding links to some of the demo files (same sub-folders)."""
    for name in names:
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(src_dir / name)


def test_snapshots_oldest_first_and_directory_is_the_latest(sheffield):
    assert [t.file.name for t in sheffield.snapshots] == ["01_November_2024_HSCA_Active_Locations.xlsx",
                                                          "01_November_2025_HSCA_Active_Locations.xlsx",
                                                          "01_November_2026_HSCA_Active_Locations.xlsx"]
    assert sheffield.directory is sheffield.snapshots[-1]
    assert sheffield.vintage_date == pd.Timestamp("2026-11-01")
    assert (sheffield.directory.data["la_code"] == SHEFFIELD).any()


def test_each_source_is_recorded_once(demo_dir, cache):
    inputs = Inputs(demo_dir, SHEFFIELD, cache)
    assert inputs.sources == []  # nothing loaded until asked for
    inputs.directory
    inputs.directory
    inputs.ascof_turnover
    inputs.ascof_ratings  # the same ASCOF file: recorded once
    inputs.local("occupancy")
    inputs.local("occupancy")  # loaded again, still recorded once
    assert [(s["source"], s["file"]) for s in inputs.sources] == [
        ("CQC care directory", "01_November_2026_HSCA_Active_Locations.xlsx"),
        ("ASCOF", "ascof_2024_25.xlsx"),
        ("Care home occupancy", "E08000019_occupancy.xlsx")]
    assert inputs.sources[0]["vintage"] == "01 November 2026" and inputs.sources[0]["synthetic"] is True
    assert inputs.sources[2]["synthetic"] is True
    assert {k for s in inputs.sources for k in s} == {"source", "file", "vintage", "synthetic", "sha256"}
    assert inputs.sources[0]["sha256"] == sha256_file(demo_dir / "cqc" / "01_November_2026_HSCA_Active_Locations.xlsx")


def test_national_and_local_sources_of_the_council(sheffield):
    assert sheffield.snpp.file.name == "2022 SNPP Population persons_SYNTHETIC.csv"
    assert sheffield.ratings.file.name == "01_November_2026_Latest_ratings.xlsx"
    assert sheffield.skills_for_care.file.name == "LA-data-download.xlsx"
    assert sheffield.ascfr.file.name == "ASC-FR Data File (descriptions) v2_2025_SYNTHETIC.csv"
    activity = sheffield.local("home_care_activity")
    assert activity.file.name == "E08000019_home_care_activity.xlsx"
    assert set(activity.data["council"]) == {SHEFFIELD}


def test_optional_sources_absent_are_none(tmp_path, demo_dir, cache):
    _link(demo_dir, tmp_path, ["cqc/01_November_2026_HSCA_Active_Locations.xlsx",
                           "local/E08000019_fee_rates.xlsx", "local/E08000018_occupancy.xlsx"])
    inputs = Inputs(tmp_path, SHEFFIELD, cache)
    assert inputs.local("occupancy") is None  # only another council's occupancy file is there
    assert inputs.local("fee_rates").file.name == "E08000019_fee_rates.xlsx"
    assert inputs.ratings is None and inputs.ascfr is None and inputs.skills_for_care is None
    assert inputs.ascof_ratings is None and inputs.ascof_turnover is None
    assert [s["file"] for s in inputs.sources] == ["E08000019_fee_rates.xlsx"]
    assert [t.file.name for t in inputs.snapshots] == ["01_November_2026_HSCA_Active_Locations.xlsx"]


def test_required_sources_absent_are_input_errors(tmp_path, cache):
    inputs = Inputs(tmp_path, SHEFFIELD, cache)
    with pytest.raises(InputError, match="no CQC care directory found") as err:
        inputs.directory
    assert str(tmp_path) in str(err.value)
    with pytest.raises(InputError, match="no ONS population projections found"):
        inputs.snpp


def test_missing_data_folder_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="data folder not found") as err:
        Inputs(tmp_path / "nowhere", SHEFFIELD)
    assert str(tmp_path / "nowhere") in str(err.value)


def test_a_national_file_is_loaded_once_per_process_and_each_caller_gets_its_own_copy(tmp_path):
    from helpers.errors import DataQualityLog
    from helpers.load.inputs import load_national
    from helpers.load.reading import SourceTable
    calls = []

    def loader(path, cache_dir):
        calls.append(path)
        log = DataQualityLog()
        log.warn("Test source", "one warning from loading")
        return SourceTable(pd.DataFrame({"a": [1, 2]}), path, "2026", False, log)

    path = tmp_path / "national.csv"
    path.write_text("a\n1\n2\n")
    first = load_national(loader, path, None)
    first.data["a"] = 0
    first.log.warn("Test source", "added by one caller")
    second = load_national(loader, path, None)
    assert len(calls) == 1
    assert second.data["a"].tolist() == [1, 2] and len(second.log) == 1
    path.write_text("a\n3\n")
    load_national(loader, path, None)
    assert len(calls) == 2  # a changed file is loaded again
