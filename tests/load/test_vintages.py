"""Which file of each source a year's statement uses: the newest published by 31 December of that year."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers.errors import InputError
from helpers.load import vintages
from helpers.load.inputs import Inputs


@pytest.mark.parametrize("vintage, rates, expected", [
    ("01 November 2026", False, "2026-11-01"),
    ("31 October 2025", False, "2025-10-31"),
    ("2026-03-31", False, "2026-03-31"),
    ("2024-25", False, "2025-10-31"),          # national outturn: the autumn after the year ends
    ("2024 to 2025", False, "2025-10-31"),
    ("2024/25", False, "2025-10-31"),
    ("2026-27", True, "2026-04-01"),           # a council's rates: from the 1 April the year starts
    ("2022-based projections", False, "2025-07-01"),
])
def test_a_vintage_says_when_its_file_counts_as_published(vintage: str, rates: bool, expected: str) -> None:
    assert vintages.published(vintage, rates=rates) == pd.Timestamp(expected)


def test_a_vintage_without_a_date_is_none() -> None:
    assert vintages.published("LA-data-download.xlsx") is None


def test_statement_date_is_the_last_day_of_its_year() -> None:
    assert vintages.statement_date(2025) == pd.Timestamp("2025-12-31")


def test_newest_takes_the_last_published_by_the_date_and_none_when_all_are_later() -> None:
    items = ["a", "b", "c"]
    dates = [pd.Timestamp("2024-11-01"), pd.Timestamp("2026-11-01"), pd.Timestamp("2025-11-01")]
    paths = [Path(x) for x in items]
    assert vintages.newest(items, dates, pd.Timestamp("2025-12-31"), "X", paths) == "c"
    assert vintages.newest(items, dates, pd.Timestamp("2025-11-01"), "X", paths) == "c"  # on the day counts
    assert vintages.newest(items, dates, pd.Timestamp("2025-10-31"), "X", paths) == "a"
    assert vintages.newest(items, dates, None, "X", paths) == "b"
    assert vintages.newest(items, dates, pd.Timestamp("2023-12-31"), "X", paths) is None


def test_an_undated_file_is_always_usable_but_ranks_below_dated_ones() -> None:
    paths = [Path("u"), Path("d")]
    assert vintages.newest(["u", "d"], [None, pd.Timestamp("2025-01-01")], pd.Timestamp("2025-12-31"), "X",
                           paths) == "d"
    assert vintages.newest(["u", "d"], [None, pd.Timestamp("2026-01-01")], pd.Timestamp("2025-12-31"), "X",
                           paths) == "u"


def test_two_files_of_one_date_are_an_error_naming_both() -> None:
    when = pd.Timestamp("2025-11-01")
    with pytest.raises(InputError, match="two files of Occupancy are both as at 1 November 2025: a and b"):
        vintages.newest([1, 2], [when, when], None, "Occupancy", [Path("a"), Path("b")])


@pytest.fixture(scope="module")
def three_directories(default_demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("years")
    for folder in ("cqc", "ons", "ascfr"):
        shutil.copytree(default_demo / folder, data / folder)
    return data


@pytest.mark.parametrize("year, expected", [(2024, "2024-11-01"), (2025, "2025-11-01"), (2026, "2026-11-01"),
                                            (2030, "2026-11-01"), (None, "2026-11-01")])
def test_the_directory_of_a_years_statement_is_its_newest_by_31_december(three_directories, year, expected):
    inputs = Inputs(three_directories, "E08000019", year=year)
    assert inputs.vintage_date == pd.Timestamp(expected)
    assert all(vintages.published(s.vintage) <= (inputs.when or pd.Timestamp.max) for s in inputs.snapshots)


def test_a_year_before_any_directory_is_an_error_saying_so(three_directories):
    with pytest.raises(InputError, match="no CQC care directory as at 31 December 2023 or earlier"):
        Inputs(three_directories, "E08000019", year=2023).directory


def test_national_outturn_published_after_the_statement_is_not_used(three_directories):
    assert Inputs(three_directories, "E08000019", year=2025).ascfr.vintage == "2024-25"  # 31 October 2025
    assert Inputs(three_directories, "E08000019", year=2024).ascfr.vintage == "2023-24"  # 31 October 2024
    assert Inputs(three_directories, "E08000019", year=2023).ascfr is None
    with pytest.raises(InputError, match="no ONS population projections published by 31 December 2024"):
        Inputs(three_directories, "E08000019", year=2024).snpp  # 2022-based: 1 July 2025
