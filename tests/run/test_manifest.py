"""Manifests: every input with its hash and vintage, params and versions, each unit's outcome; written atomically."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from helpers.run import manifest, run_cache


def make_data(folder: Path) -> Path:
    (folder / "cqc").mkdir(parents=True)
    (folder / "cqc" / "01_November_2026_HSCA_Active_Locations.csv").write_text("Location ID\n1-1\n")
    (folder / "E08000019_kpis.csv").write_text("kpi\nx\n")
    (folder / "E08000018_kpis.csv").write_text("kpi\ny\n")
    return folder


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_write_json_is_atomic_and_read_json_tolerates_missing_or_broken_files(tmp_path):
    target = manifest.write_json(tmp_path / "m" / "manifest.json", {"a": 1})
    assert json.loads(target.read_text()) == {"a": 1}
    assert [p.name for p in target.parent.iterdir()] == ["manifest.json"]
    assert manifest.read_json(tmp_path / "missing.json") == {}
    (tmp_path / "broken.json").write_text("{not json")
    assert manifest.read_json(tmp_path / "broken.json") == {}


def test_vintages_come_from_the_sources_the_notebooks_publish(tmp_path):
    folder = tmp_path / "artefacts" / "care_homes"
    folder.mkdir(parents=True)
    (folder / "key_figures.json").write_text(json.dumps({"sources": [
        {"source": "CQC", "file": "01_November_2026_HSCA_Active_Locations.csv", "vintage": "01 November 2026"}]}))
    assert manifest.vintages(tmp_path) == {"01_November_2026_HSCA_Active_Locations.csv": "01 November 2026"}


def test_run_manifest_lists_every_input_with_its_hash_and_vintage(tmp_path):
    data = make_data(tmp_path / "data")
    inputs = run_cache.run_inputs(data, "params-hash", data / "E08000019_kpis.csv")
    units = [{"council": "E08000019", "unit": "care_homes", "status": "ran", "seconds": 1.5, "error": "", "key": "k"}]
    record = manifest.run_manifest(options={"year": 2026}, started=manifest.now(), seconds=2.0, outcome="ok",
                                   inputs=inputs, known_vintages={"01_November_2026_HSCA_Active_Locations.csv": "Nov"},
                                   units=units, params_info=manifest.params_record(), env=manifest.environment())
    files = sorted(p for p in data.rglob("*") if p.is_file())
    assert {r["path"]: r["sha256"] for r in record["inputs"]} == {p.relative_to(data).as_posix(): sha256(p)
                                                                   for p in files}
    by_path = {r["path"]: r for r in record["inputs"]}
    assert by_path["cqc/01_November_2026_HSCA_Active_Locations.csv"]["vintage"] == "Nov"
    assert by_path["E08000018_kpis.csv"]["scope"] == "local" and by_path["E08000018_kpis.csv"]["council"] == "E08000018"
    assert record["units"] == units and record["outcome"] == "ok"
    assert record["params"]["fingerprint"] and record["params"]["files"]
    assert record["environment"]["libraries"]["pandas"]
    json.dumps(record)  # serialisable as it is


def test_council_manifest_lists_national_and_only_its_own_local_inputs(tmp_path):
    data = make_data(tmp_path / "data")
    inputs = run_cache.run_inputs(data, "params-hash", data / "E08000019_kpis.csv")
    record = manifest.council_manifest(code="E08000019", name="Sheffield", year=2026, inputs=inputs,
                                       files=run_cache.council_inputs(inputs.files, "E08000019"), known_vintages={},
                                       units=[], formats=("html",), engine="pandoc", params_info={}, env={})
    assert [r["path"] for r in record["inputs"]] == ["E08000019_kpis.csv",
                                                     "cqc/01_November_2026_HSCA_Active_Locations.csv"]
    assert record["council"] == {"code": "E08000019", "name": "Sheffield"}
