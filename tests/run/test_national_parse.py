"""England's files parsed into the run's cache by worker processes before the councils run (helpers.run.national_parse)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers.load import cqc_directory, cqc_ratings
from helpers.load.inputs import Inputs
from helpers.load.reading import cache_file
from helpers.run import national_parse, workers

DEMO = Path(__file__).parents[2] / "data" / "demo"
CODE, YEAR = "E08000019", 2026
TABLES = ["snapshots", "ratings", "snpp", "ascfr", "ascof_turnover", "ascof_ratings", "skills_for_care"]


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    """The demo's national files (no council files: they are not parsed here)."""
    target = tmp_path / "data"
    shutil.copytree(DEMO, target, ignore=shutil.ignore_patterns("local"))
    return target


def _tables(inputs: Inputs) -> dict[str, list[pd.DataFrame]]:
    out = {}
    for name in TABLES:
        value = getattr(inputs, name)
        out[name] = [t.data for t in (value if isinstance(value, list) else [value])]
    return out


def test_a_cold_cache_is_filled_by_the_workers_with_the_tables_a_council_would_parse(data, tmp_path, monkeypatch):
    cache, said = tmp_path / "cache", []
    parsed = national_parse.parse_national(data, CODE, cache, YEAR, 2, said.append)
    snapshots = Inputs(data, CODE, cache, YEAR).snapshot_files()
    assert parsed == 1 + len(snapshots) + len(national_parse.SOURCES)  # every task returned
    assert said == [f"reading England's files ({parsed} tables) into the cache with 2 workers: once per data folder"]
    for snapshot in snapshots:
        assert cache_file(snapshot, cache, cqc_directory.CACHE_KEY).is_file()
    ratings = data / "cqc" / "01_November_2026_Latest_ratings.xlsx"
    assert cache_file(ratings, cache, f"cqc_ratings-v{cqc_ratings.LOADER_VERSION}").is_file()
    assert not cache_file(data / "cqc" / "01_November_2025_Latest_ratings.xlsx", cache,
                          f"cqc_ratings-v{cqc_ratings.LOADER_VERSION}").exists()  # last year's: not this statement's

    def parse_refused(*args, **kwargs):
        raise AssertionError(f"a council parsed a national file the workers should have parsed: {args[0]}")
    for module in (cqc_directory, cqc_ratings):
        monkeypatch.setattr(module, "read_raw", parse_refused)
    from_cache = _tables(Inputs(data, CODE, cache, YEAR))  # read back, nothing parsed again
    monkeypatch.undo()
    parsed_here = _tables(Inputs(data, CODE, tmp_path / "fresh", YEAR))
    for name in TABLES:
        assert len(from_cache[name]) == len(parsed_here[name])
        for a, b in zip(from_cache[name], parsed_here[name]):
            pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_a_cache_holding_only_the_newest_snapshot_is_cold(data, tmp_path):
    cache = tmp_path / "cache"
    cqc_directory.load_latest(data, cache)  # what `run --all` parses to list the councils
    assert national_parse.parse_national(data, CODE, cache, YEAR, 2) > 0


def test_a_warm_cache_or_a_single_process_starts_no_worker(data, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    inputs = Inputs(data, CODE, cache, YEAR)
    inputs.snapshots, inputs.ratings  # the largest tables parsed: warm

    def no_pool(*args, **kwargs):
        raise AssertionError("a worker pool was started")
    monkeypatch.setattr(workers, "imap_unordered", no_pool)
    said = []
    assert national_parse.parse_national(data, CODE, cache, YEAR, 2, said.append) == 0
    assert said == []
    assert national_parse.parse_national(data, CODE, tmp_path / "cold", YEAR, 1) == 0


def test_a_bad_national_file_is_left_for_the_councils_runs_to_report(data, tmp_path):
    (data / "cqc" / "01_November_2026_Latest_ratings.xlsx").write_bytes(b"<html>sign in</html>")
    cache = tmp_path / "cache"
    parsed = national_parse.parse_national(data, CODE, cache, YEAR, 2)
    snapshots = Inputs(data, CODE, cache, YEAR).snapshot_files()
    assert parsed == len(snapshots) + len(national_parse.SOURCES)  # all but the ratings
    assert all(cache_file(s, cache, cqc_directory.CACHE_KEY).is_file() for s in snapshots)
    assert national_parse.parse_national(tmp_path / "missing", CODE, tmp_path / "c2", YEAR, 2) == 0


def test_the_parse_keeps_to_the_runs_time_limit(data, tmp_path, monkeypatch):
    asked = {}

    def pool(fn, jobs, processes, teardown=None, timeout=None):
        asked.update(processes=processes, timeout=timeout, jobs=len(list(jobs)))
        yield from ()
    monkeypatch.setattr(workers, "imap_unordered", pool)
    assert national_parse.parse_national(data, CODE, tmp_path / "cache", YEAR, 2, timeout=900) == 0
    assert asked["processes"] == 2 and asked["timeout"] == 900 and asked["jobs"] > 1
