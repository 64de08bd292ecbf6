"""Regression: Sheffield's headline figures on the default demo dataset equal the last accepted ones.

The reference (tests/expected/key_figures_E08000019.json) and the nbval references (tests/nbval/) are made
from the same dataset: the default demo set `make demo-data` writes to data/demo (seed 2026), which `make test`
regenerates before the suite runs. Refresh the reference on purpose with `make accept-key-figures`.
"""
from __future__ import annotations

import json

import pytest

from conftest import REPO
from helpers.cli import main

EXPECTED = REPO / "tests" / "expected" / "key_figures_E08000019.json"


@pytest.fixture(scope="module")
def sheffield_key_figures(default_demo, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("regression")
    code = main(["run", "--data", str(default_demo), "--out", str(out), "--year", "2026", "--council", "E08000019",
                 "--formats", "html", "--timeout", "0"])
    assert code == 0
    return json.loads((out / "2026" / "E08000019" / "key_figures.json").read_text(encoding="utf-8"))


def test_key_figures_equal_the_last_accepted_run(sheffield_key_figures):
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    changed = sorted(k for k in expected["services"] if expected["services"][k] != sheffield_key_figures["services"].get(k))
    assert sheffield_key_figures == expected, f"changed: {changed or 'oversight or metadata'}"
