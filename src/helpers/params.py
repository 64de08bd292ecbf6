"""Run parameters: plain YAML files in ``params/`` (one per subject), validated where they are read.

``CAREMARKET_PARAMS`` points at another folder of the same files (e.g. a council's own copy).
A missing file, a missing key or a value of the wrong type is an InputError naming the file and key.
"""
from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from helpers.errors import InputError

REPO_PARAMS = Path(__file__).resolve().parents[2] / "params"
KINDS: dict[str, tuple[type, ...]] = {"number": (int, float), "int": (int,), "text": (str,), "list": (list,),
                                      "mapping": (dict,), "bool": (bool,)}


def params_dir() -> Path:
    """The folder the parameter files are read from."""
    return Path(os.environ.get("CAREMARKET_PARAMS", REPO_PARAMS))


def path_of(name: str) -> Path:
    """The file of one parameter set, e.g. ``services`` → params/services.yml."""
    return params_dir() / f"{name}.yml"


@lru_cache(maxsize=None)
def _read(path: Path, stamp: tuple[int, int]) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", file=path) from None
    if not isinstance(data, dict):
        raise InputError("expected a mapping of names to values at the top level", file=path)
    return data


def load(name: str) -> dict[str, Any]:
    """Read params/<name>.yml as a dict (cached until the file changes)."""
    path = path_of(name)
    if not path.is_file():
        raise InputError(f"parameter file not found (expected {path.name} in {path.parent})", file=path)
    stat = path.stat()
    return _read(path, (stat.st_mtime_ns, stat.st_size))


def require(params: dict[str, Any], key: str, kind: str, *, name: str, minimum: float | None = None,
            maximum: float | None = None) -> Any:
    """The value at a dotted key of a parameter set, checked for kind and range."""
    value: Any = params
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            raise InputError(f"missing key '{key}'", file=path_of(name))
        value = value[part]
    expected = KINDS[kind]
    if isinstance(value, bool) and kind != "bool" or not isinstance(value, expected):
        raise InputError(f"key '{key}': expected {kind}, got {value!r}", file=path_of(name))
    if minimum is not None and value < minimum or maximum is not None and value > maximum:
        raise InputError(f"key '{key}': {value!r} is outside {minimum}..{maximum}", file=path_of(name))
    return value


def fingerprint() -> str:
    """A hash of every parameter file's name and content (for cache keys)."""
    digest = hashlib.sha256()
    for path in sorted(params_dir().glob("*.yml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
