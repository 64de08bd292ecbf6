"""What each unit of a run depends on, as one hash, so an unchanged rerun can skip it.

A unit is a council × service notebook or a council's render. Its key hashes the content of the
data files it may read (for simplicity every national file plus the council's own local files —
those whose name carries its code), the run parameters (params/*.yml), the notebook source, the
helpers package source and the versions of the libraries that shape the output.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from helpers.load.reading import file_hash, sha256_file

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # the whole helpers package
COUNCIL_CODE = re.compile(r"E\d{8}", re.IGNORECASE)
LIBRARIES = ("care-market-workbook", "pandas", "pyarrow", "plotly", "kaleido", "papermill", "nbclient",
             "python-calamine", "openpyxl", "pypandoc-binary", "typst", "pyyaml")


@dataclass(frozen=True)
class InputFile:
    """One data file: where it is (relative to the data folder), its SHA-256 and whose it is."""

    path: str
    sha256: str
    size: int
    council: str | None  # the council code in the file's name; None for a national file


@dataclass(frozen=True)
class RunInputs:
    """Everything outside the data files that every unit's key depends on, hashed once per run."""

    files: tuple[InputFile, ...]
    params: str
    notebook: str
    package: str


def digest(*parts: object) -> str:
    """SHA-256 of the parts' canonical JSON."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def is_data_file(relative: Path) -> bool:
    """True for a path a loader may read: not hidden, not an Office lock file, not a README."""
    return (not any(part.startswith(".") for part in relative.parts) and not relative.name.startswith("~$")
            and relative.stem.casefold() != "readme")


def scan_inputs(data_dir: Path) -> tuple[InputFile, ...]:
    """Every data file under data_dir with its content hash and, for a local file, its council."""
    data_dir = Path(data_dir)
    files = []
    for path in sorted(data_dir.rglob("*")):
        relative = path.relative_to(data_dir)
        if not path.is_file() or not is_data_file(relative):
            continue
        code = COUNCIL_CODE.search(path.name) or COUNCIL_CODE.search(relative.parent.as_posix())
        # file_hash: the same SHA-256, remembered for this version of the file, so the run's check of its parse cache
        # (national_parse) does not read England's largest files a second time (≈ 0.15 s)
        files.append(InputFile(relative.as_posix(), file_hash(path), path.stat().st_size,
                               code.group(0).upper() if code else None))
    return tuple(files)


def council_inputs(files: tuple[InputFile, ...], code: str) -> list[InputFile]:
    """The files one council's units may read: every national file and that council's own files."""
    return [f for f in files if f.council in (None, code)]


def tree_hash(folder: Path, suffixes: tuple[str, ...] = (".py", ".csv", ".yml", ".qmd", ".css", ".lua", ".typ",
                                                         ".html", ".html5", ".js", ".md", ".json", ".j2")) -> str:
    """SHA-256 over the names and contents of the source files under folder (caches excluded)."""
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in suffixes and "__pycache__" not in path.parts:
            h.update(path.relative_to(folder).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def library_versions() -> dict[str, str]:
    """Installed versions of the project and the libraries that shape its outputs."""
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def package_hash() -> str:
    """The helpers package's source (templates included) and the library versions, as one hash."""
    return digest(tree_hash(PACKAGE_DIR), library_versions())


def run_inputs(data_dir: Path, params_fingerprint: str, notebooks: Path | list[Path]) -> RunInputs:
    """Hash the data files, and take the params, notebook(s) and package hashes, once for the whole run."""
    paths = [notebooks] if isinstance(notebooks, Path) else list(notebooks)
    return RunInputs(scan_inputs(data_dir), params_fingerprint, digest(*(sha256_file(p) for p in paths)), package_hash())


def service_key(inputs: RunInputs, code: str, year: int, service: str) -> str:
    """The key of one council × service notebook."""
    files = [(f.path, f.sha256) for f in council_inputs(inputs.files, code)]
    return digest("notebook", code, year, service, files, inputs.params, inputs.notebook, inputs.package)


def render_key(service_keys: dict[str, str], formats: tuple[str, ...], engine: str,
               last_statement: str | None = None) -> str:
    """The key of a council's render: its notebooks' keys (in order), the formats, the engine used and the hash of
    last year's key figures it compares with (None: no comparison)."""
    return digest("render", list(service_keys.items()), list(formats), engine, last_statement)


def previous_keys(manifest: dict) -> dict[str, str]:
    """Unit → key of the units that succeeded in a council's previous manifest."""
    return {u["unit"]: u["key"] for u in manifest.get("units", [])
            if u.get("status") in ("ran", "cached") and u.get("key")}
