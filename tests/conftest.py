"""Shared fixtures: the real files in ../shared/realdata and a small synthetic demo dataset."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
REALDATA = REPO.parent / "shared" / "realdata"
DEMO_COUNCILS = ["E08000019", "E08000018"]  # Sheffield, Rotherham


@pytest.fixture(scope="session")
def realdata() -> Path:
    """The folder of real published files (read-only)."""
    if not REALDATA.is_dir():
        pytest.fail(f"real data folder not found at {REALDATA}: CI keeps shared/ beside the repo")
    return REALDATA


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic demo dataset for Sheffield and Rotherham, generated once per test session."""
    from helpers import demo
    out = tmp_path_factory.mktemp("demo")
    demo.generate(out, DEMO_COUNCILS, seed=2026)
    return out


@pytest.fixture(scope="session")
def default_demo() -> Path:
    """The default demo dataset in data/demo, the one the nbval references run on (`make test` writes it first)."""
    folder = REPO / "data" / "demo"
    if not folder.is_dir() or not any(folder.iterdir()):
        pytest.fail(f"{folder} is empty: run `make demo-data` (make test does) to write the default demo dataset")
    return folder


def locations(**columns: list) -> pd.DataFrame:
    """A small hand-made frame in the tidy CQC directory shape (defaults fill the other columns)."""
    n = len(next(iter(columns.values())))
    base = {"location_id": [f"1-{i}" for i in range(n)], "la_code": ["E08000019"] * n,
            "directorate": ["Adult social care"] * n, "dormant": [False] * n, "care_home": [True] * n,
            "svc_care_home_nursing": [False] * n, "provider_id": [f"1-9{i}" for i in range(n)], "beds": [10] * n,
            "overall_rating": ["Good"] * n}
    base.update(columns)
    return pd.DataFrame(base)
