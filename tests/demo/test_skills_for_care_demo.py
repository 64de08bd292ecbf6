"""The synthetic Skills for Care file: read by the real loader without warnings, deterministic, consistent."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers.councils import councils
from helpers.demo.skills_for_care import FILE_NAME, JOB_ROLES, SECTORS, SERVICES, write_skills_for_care
from helpers.load import skills_for_care
from helpers.load.reading import sheet_lines

CODES = ["E08000019", "E08000018", "E06000052", "E06000053"]  # Sheffield, Rotherham, Cornwall, Isles of Scilly


def chosen(codes: list[str]) -> pd.DataFrame:
    """Reference rows of these councils."""
    table = councils()
    return table[table["code"].isin(codes)]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo file for Sheffield, Rotherham, Cornwall and the Isles of Scilly."""
    return write_skills_for_care(chosen(CODES), 2026, tmp_path_factory.mktemp("sfc"))


def test_loader_reads_it_with_no_warnings_and_sees_synthetic_data(written: Path):
    table = skills_for_care.load(written)
    assert written.name == FILE_NAME
    assert table.synthetic and table.vintage == "2024/25"
    assert not table.log.warnings
    assert any("SYNTHETIC DEMO DATA" in line for line in sheet_lines(written, "Notes"))


def test_rows_for_each_council_region_and_england(written: Path):
    data = skills_for_care.load(written).data
    per_area = len(SECTORS) * len(SERVICES) * len(JOB_ROLES)  # 24
    assert data.groupby("la_code").size().eq(per_area).all()
    # Scilly sits inside "Cornwall and Isles of Scilly"; two regions (Yorkshire, South West) and England.
    assert set(data["la_code"]) == {"E08000019", "E08000018", "E06000052", "E12000003", "E12000009", "E92000001"}
    assert data.loc[data["la_code"] == "E06000052", "la_name"].iloc[0] == "Cornwall and Isles of Scilly"
    assert set(data["service"]) == {"All services", "Care home services with nursing",
                                    "Care home services without nursing", "Domiciliary care services"}
    assert set(data["sector"]) == {"All sectors", "Independent"}
    assert {skills_for_care.DIRECT_CARE, skills_for_care.CARE_WORKER} <= set(data["job_role"])


def test_some_cells_suppressed_only_in_council_rows_and_values_plausible(written: Path):
    data = skills_for_care.load(written).data
    suppressed = data[[f"{m}_reason" for m in skills_for_care.METRICS]].eq("suppressed").any(axis=1)
    assert suppressed.any()
    assert (data.loc[suppressed, "level"] == "LA").all()
    assert data["turnover_rate_pct"].dropna().between(5, 80).all()
    assert data["median_hourly_pay"].dropna().between(12.21, 16).all()
    assert (data["filled_posts"] > 0).all()


def test_region_posts_are_the_sum_of_its_councils(written: Path):
    data = skills_for_care.load(written).data
    key = {"sector": "Independent", "service": "Domiciliary care services", "job_role": skills_for_care.CARE_WORKER}
    rows = data[(data[list(key)] == pd.Series(key)).all(axis=1)].set_index("la_code")
    yorkshire = rows.loc["E12000003"]
    assert yorkshire["filled_posts"] == rows.loc["E08000019", "filled_posts"] + rows.loc["E08000018", "filled_posts"]


def test_deterministic_for_a_seed(tmp_path: Path, written: Path):
    again = write_skills_for_care(chosen(CODES), 2026, tmp_path / "a")
    other = write_skills_for_care(chosen(CODES), 7, tmp_path / "b")
    first = skills_for_care.load(written).data
    pd.testing.assert_frame_equal(first, skills_for_care.load(again).data)
    assert not first["turnover_rate_pct"].equals(skills_for_care.load(other).data["turnover_rate_pct"])
