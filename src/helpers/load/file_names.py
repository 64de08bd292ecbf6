"""File names as people save them: the rule that tells a source's files apart, one per source.

Each source's loader module declares its ``FILE_NAMES`` (a ``FileNames``); ``helpers.load.catalogue``
collects them, and both ``caremarket run`` and ``caremarket validate`` find files only through
``find`` and ``FileNames.accepts`` here, so the two always agree on which names they accept.

A name is compared in its folded form (``fold``): lower case, every run of spaces and underscores
as one space, and a browser's duplicate-download suffix (``" (1)"``, ``" (2)"`` … just before the
extension) removed. So CQC's ``01_November_2026_HSCA_Active_Locations.ods``, the same name with
spaces, in other case, or saved twice as ``01 November 2026 HSCA Active Locations (1).ods`` are
one name. The extension must be one the source allows. Office lock files (``~$…``) and hidden
files (``.…``) are never data.

Two files of one source that share a vintage are an ``InputError`` naming both: neither `run`
nor `validate` guesses which one is meant. The vintage, as told by the name, is the date in it
(DD Month YYYY) for sources published under dated names (``dated=True``), else the whole folded
name without its extension.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

from helpers.errors import InputError
from helpers.load.reading import data_files, per_listing

BROWSER_COPY = re.compile(r"\s*\(\d+\)$")
NAME_DATE = re.compile(r"(?<!\d)(\d{1,2}) ([a-z]+) (\d{4})(?!\d)")
NOT_DATA = ("~$", ".")  # Office lock files and hidden files


def fold(stem: str) -> str:
    """A file name's stem as names are compared: lower case, spaces and underscores alike, no ' (1)' suffix."""
    folded = re.sub(r"[\s_]+", " ", stem.casefold()).strip()
    return BROWSER_COPY.sub("", folded).strip()


@lru_cache(maxsize=65536)
def _folded(stem: str) -> str:
    return fold(stem)


@lru_cache(maxsize=65536)  # a datetime cannot be changed, and a run asks for the same names' dates many times
def name_date(name: str) -> datetime | None:
    """The date a file name carries as DD_Month_YYYY (or with spaces, any case), else None."""
    m = NAME_DATE.search(fold(Path(name).stem))
    if not m:
        return None
    try:
        return datetime.strptime(" ".join(m.groups()), "%d %B %Y")
    except ValueError:
        return None


@dataclass(frozen=True)
class FileNames:
    """The names a source's files may have.

    ``patterns`` are regular expressions that the folded stem must match whole (written in lower
    case with single spaces, e.g. ``r".*hsca active locations"``); ``suffixes`` the extensions
    allowed; ``example`` a name as the publisher gives it.
    """

    patterns: tuple[str, ...]
    suffixes: tuple[str, ...]
    example: str
    dated: bool = False

    def __post_init__(self) -> None:
        if not self.accepts(self.example):
            raise ValueError(f"file-name rule {self.patterns}: its own example {self.example!r} is refused")

    def accepts(self, name: str) -> bool:
        """True when a file of this name belongs to the source."""
        return _accepts(self, name)

    def vintage(self, name: str) -> str:
        """What the name says about the file's vintage: its date when the source's names are dated, else
        the folded name (files of one source with the same vintage are duplicates)."""
        date = name_date(name) if self.dated else None
        return date.strftime("%d %B %Y") if date else fold(Path(name).stem)


@lru_cache(maxsize=65536)
def _accepts(rule: FileNames, name: str) -> bool:
    return _matches(_pattern(rule.patterns), rule.suffixes, Path(name))


def _matches(pattern: re.Pattern[str], suffixes: tuple[str, ...], path: Path) -> bool:
    """The test of a plain rule: a data file's name (not a lock or hidden file), an allowed extension, and a folded
    stem the rule's pattern matches whole."""
    return (not path.name.startswith(NOT_DATA) and path.suffix.casefold() in suffixes
            and pattern.fullmatch(_folded(path.stem)) is not None)


@lru_cache(maxsize=256)
def _pattern(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def twins(files: list[Path], rule: FileNames) -> dict[str, list[Path]]:
    """Vintage → the files that share it, for each vintage (as told by the names) held by more than one file."""
    by_vintage: dict[str, list[Path]] = {}
    for path in files:
        by_vintage.setdefault(rule.vintage(path.name), []).append(path)
    return {vintage: group for vintage, group in by_vintage.items() if len(group) > 1}


def twin_error(source: str, vintage: str, files: list[Path]) -> InputError:
    """The error for files of one source that share a vintage: it names every one of them."""
    names = [f"'{p}'" for p in files]
    listed = f"{', '.join(names[:-1])} and {names[-1]}"
    return InputError(f"{len(files)} {source} files share the vintage '{vintage}': {listed}. Keep one (a browser "
                      "names a second download of the same file '… (1)')")


def one_per_vintage(files: list[Path], rule: FileNames, source: str) -> list[Path]:
    """The files, unchanged; an InputError naming them when two share a vintage."""
    for vintage, group in twins(files, rule).items():
        raise twin_error(source, vintage, group)
    return files


_accepted: OrderedDict[tuple[FileNames, Path], tuple[tuple[Path, ...], list[Path]]] = OrderedDict()
ACCEPTED_MEMORY = 256  # (rule, data folder) pairs remembered per process


def accepted(rule: FileNames, data_dir: Path) -> list[Path]:
    """The files under data_dir whose names the rule accepts, sorted by path: worked out once per listing of the
    folder (``data_files``), since a council's run asks for each source's files several times."""
    return per_listing(_accepted, (rule, Path(data_dir)), data_dir, ACCEPTED_MEMORY,
                       lambda: _accepted_in(rule, data_dir))


def _accepted_in(rule: FileNames, data_dir: Path) -> list[Path]:
    listing = data_files(data_dir)
    if type(rule).accepts is FileNames.accepts:  # its test, without a cache lookup keyed on the rule per file
        pattern = _pattern(rule.patterns)
        return [p for p in listing if _matches(pattern, rule.suffixes, p)]
    return [p for p in listing if rule.accepts(p.name)]  # a rule of its own kind (e.g. one source in two layouts)


_found: OrderedDict[tuple[FileNames, Path, str], tuple[tuple[Path, ...], list[Path]]] = OrderedDict()


def find(rule: FileNames, data_dir: Path, source: str) -> list[Path]:
    """The files under data_dir whose names the rule accepts, sorted by path; two of one vintage are an InputError.

    The vintage check is done once per listing of the folder (``data_files``), like ``accepted``; a listing whose
    files fail it is not remembered, so every call raises afresh."""
    return per_listing(_found, (rule, Path(data_dir), source), data_dir, ACCEPTED_MEMORY,
                       lambda: one_per_vintage(accepted(rule, data_dir), rule, source))
