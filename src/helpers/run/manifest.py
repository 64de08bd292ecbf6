"""Run manifests: what a run read (files with hashes and vintages), with which parameters and versions,
and what happened to each unit — one per council beside its reports, one for the whole run (the last
successful run's in run_manifest.json; a failed or interrupted run's in run_manifest.failed.json, so it never
replaces the last good one).

A council's manifest also holds the unit keys the next run compares against (see run_cache).
"""
from __future__ import annotations

import json
import platform
from datetime import datetime, timezone
from pathlib import Path

from helpers import params
from helpers.files import write_text
from helpers.load.reading import sha256_file
from helpers.run.run_cache import InputFile, RunInputs, library_versions

COUNCIL_MANIFEST = "manifest.json"
RUN_MANIFEST = "run_manifest.json"  # the last run that succeeded
RUN_MANIFEST_FAILED = "run_manifest.failed.json"  # the last run that failed or was interrupted, beside it
SCHEMA = 1


def now() -> str:
    """The current time as an ISO 8601 UTC timestamp."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def write_json(path: Path, data: object) -> Path:
    """Write JSON through a temporary file and an atomic rename."""
    return write_text(path, json.dumps(data, indent=2, sort_keys=False, default=str) + "\n")


def read_json(path: Path) -> dict:
    """A manifest's content, or {} when it is missing or unreadable (then nothing counts as cached)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def params_record() -> dict[str, object]:
    """The parameter folder, its fingerprint and each file's hash."""
    folder = params.params_dir()
    return {"dir": str(folder), "fingerprint": params.fingerprint(),
            "files": {p.name: sha256_file(p) for p in sorted(folder.glob("*.yml"))}}


def environment() -> dict[str, object]:
    """Python, platform and library versions."""
    return {"python": platform.python_version(), "platform": platform.platform(), "libraries": library_versions()}


def vintages(project: Path) -> dict[str, str]:
    """The files the notebooks used → vintage, from the `sources` lists they publish in their key_figures.json:
    by SHA-256 (files of one name in several folders, one per year, are told apart), else by file name."""
    found: dict[str, str] = {}
    for path in sorted(Path(project).rglob("key_figures.json")):
        sources = read_json(path).get("sources", [])
        for source in sources if isinstance(sources, list) else []:
            if isinstance(source, dict) and source.get("file") and source.get("vintage"):
                found[str(source.get("sha256") or source["file"])] = str(source["vintage"])
    return found


def input_records(files: list[InputFile], known_vintages: dict[str, str]) -> list[dict[str, object]]:
    """One record per input file: path, SHA-256, size, national or local, whether this statement used it and its
    vintage where it did."""
    records = []
    for f in files:
        vintage = known_vintages.get(f.sha256) or known_vintages.get(Path(f.path).name)
        records.append({"path": f.path, "sha256": f.sha256, "bytes": f.size,
                        "scope": "local" if f.council else "national", "council": f.council,
                        "used": vintage is not None, "vintage": vintage})
    return records


def council_manifest(*, code: str, name: str, year: int, inputs: RunInputs, files: list[InputFile],
                     known_vintages: dict[str, str], units: list[dict[str, object]], formats: tuple[str, ...],
                     engine: str, params_info: dict[str, object], env: dict[str, object],
                     last_statement: Path | None = None) -> dict[str, object]:
    """The manifest written beside one council's reports (with the last statement it compares with, if any)."""
    return {"schema": SCHEMA, "kind": "council", "council": {"code": code, "name": name}, "year": year,
            "written": now(), "formats": list(formats), "engine": engine, "params": params_info,
            "notebook_sha256": inputs.notebook, "package_sha256": inputs.package, "environment": env,
            "inputs": input_records(files, known_vintages), "units": units,
            "compared_with": None if last_statement is None else {
                "path": str(Path(last_statement).resolve()), "sha256": sha256_file(last_statement)}}


def run_manifest(*, options: dict[str, object], started: str, seconds: float, outcome: str, inputs: RunInputs,
                 known_vintages: dict[str, str], units: list[dict[str, object]], params_info: dict[str, object],
                 env: dict[str, object]) -> dict[str, object]:
    """The manifest of a whole run, written beside the year's council folders."""
    return {"schema": SCHEMA, "kind": "run", "started": started, "finished": now(), "seconds": round(seconds, 2),
            "outcome": outcome, "options": options, "params": params_info, "notebook_sha256": inputs.notebook,
            "package_sha256": inputs.package, "environment": env,
            "inputs": input_records(list(inputs.files), known_vintages), "units": units}
