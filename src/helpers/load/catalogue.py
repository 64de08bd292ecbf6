"""Every source the workbook reads, in one list: its name, its file-name rule and its loader.

``caremarket run`` (``helpers.load.inputs``) and ``caremarket validate`` (``helpers.load.validation``)
both find files here, so they accept exactly the same names. National sources come first; then the
council's own (local) sources, whose declarations live in one module each (``occupancy``,
``fee_rates``, …) and are registered in ``LOCAL_SOURCES``.

A file belongs to a source when the source's rule (``helpers.load.file_names``) accepts its name
(the rules are written so that no published or template name fits two of them: a test checks it);
a CSV whose name no rule accepts belongs to a source whose ``signature`` (header cells) its first
lines hold — CQC's ratings are often shared as a CSV extract under any name.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

from helpers.load import (action_plan, ascfr, ascof, cost_returns, cqc_directory, cqc_ratings,
                          fee_rates, financial_sustainability, home_care_activity, kpis, local_providers, occupancy,
                          ons_mid_year, ons_population, provider_intelligence, skills_for_care)
from helpers.load.file_names import FileNames, find, one_per_vintage
from helpers.load.local_loader import load_local
from helpers.load.local_schema import LocalSource
from helpers.load.reading import SourceTable, data_files, per_listing

Loader = Callable[[Path, Path | None], list[SourceTable]]
SIGNATURE_BYTES = 64 * 1024  # how much of a CSV is read to look for a signature (its first lines)
SIGNATURE_LINES = 10


@dataclass(frozen=True)
class Source:
    """A source the workbook reads: its name (as the loaders record it), the names of its files and how to load one.

    ``load`` returns every table the file holds (ASCOF gives two). ``signature``: header cells that
    identify a CSV of this source whose name no rule accepts. ``snapshots``: the files are dated
    snapshots, of which two as at the same date by their contents (however named) are an error.
    """

    name: str
    file_names: FileNames
    load: Loader
    signature: tuple[str, ...] = ()
    local: LocalSource | None = None
    snapshots: bool = False


LOCAL_SOURCES: dict[str, LocalSource] = {spec.name: spec for spec in (
    occupancy.SPEC, home_care_activity.SPEC, fee_rates.SPEC, cost_returns.SPEC, provider_intelligence.SPEC,
    action_plan.SPEC, kpis.SPEC, financial_sustainability.SPEC, local_providers.SPEC)}

NATIONAL: tuple[Source, ...] = (
    Source(cqc_directory.SOURCE, cqc_directory.FILE_NAMES, lambda p, c: [cqc_directory.load(p, c)],
           snapshots=True),
    Source(cqc_ratings.SOURCE, cqc_ratings.FILE_NAMES, lambda p, c: [cqc_ratings.load(p, c)], cqc_ratings.SIGNATURE),
    Source(skills_for_care.SOURCE, skills_for_care.FILE_NAMES, lambda p, c: [skills_for_care.load(p, c)]),
    Source(ascof.SOURCE, ascof.FILE_NAMES, lambda p, c: [ascof.staff_turnover(p, c), ascof.provider_ratings(p, c)]),
    Source(ascfr.SOURCE, ascfr.FILE_NAMES, lambda p, c: [ascfr.load(p, c)]),
    Source(ons_population.SOURCE_SNPP, ons_population.SNPP_FILE_NAMES, lambda p, c: [ons_population.load_snpp(p, c)]),
    # one source in two layouts: the Nomis CSV or ONS's own workbook (.xls/.xlsx), each with its file-name rule
    Source(ons_mid_year.SOURCE, ons_mid_year.RULE, lambda p, c: [ons_mid_year.load(p, c)]),
)
LOCAL: tuple[Source, ...] = tuple(
    Source(spec.title, spec.file_names, lambda p, c, spec=spec: [load_local(spec, p, c)], local=spec)
    for spec in LOCAL_SOURCES.values())
SOURCES: tuple[Source, ...] = NATIONAL + LOCAL


def source(name: str) -> Source:
    """The source of this name (e.g. "CQC ratings", or a local source's title)."""
    found = next((s for s in SOURCES if s.name == name), None)
    if found is None:
        raise KeyError(f"no source named {name!r}; known: {', '.join(s.name for s in SOURCES)}")
    return found


def identify(path: Path) -> Source | None:
    """The source a file belongs to: by its name, else (a CSV) by the header cells of its first lines."""
    path = Path(path)
    by_name = by_file_name(path.name)
    if by_name is not None or path.suffix.casefold() != ".csv":
        return by_name
    stat = path.stat()
    return _by_signature(str(path), stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


@lru_cache(maxsize=4096)
def by_file_name(name: str) -> Source | None:
    """The first source whose file-name rule accepts this name."""
    return next((s for s in SOURCES if s.file_names.accepts(name)), None)


@lru_cache(maxsize=1024)
def _by_signature(path: str, size: int, mtime_ns: int, ctime_ns: int) -> Source | None:
    with open(path, "rb") as f:  # the first lines only, however long the file; the loader reports bad bytes
        lines = f.read(SIGNATURE_BYTES).decode("utf-8-sig", errors="replace").splitlines()[:SIGNATURE_LINES]
    head = "\n".join(lines)
    return next((s for s in SOURCES if s.signature and all(cell in head for cell in s.signature)), None)


def files(src: Source, data_dir: Path) -> list[Path]:
    """The files of a source under data_dir, sorted by path; two of one vintage are an InputError naming both."""
    named = find(src.file_names, data_dir, src.name)
    if not src.signature:
        return named
    unnamed = [p for p in _unnamed_csvs(data_dir) if identify(p) is src]
    return one_per_vintage(sorted(named + unnamed), src.file_names, src.name)


_unnamed: OrderedDict[Path, tuple[tuple[Path, ...], list[Path]]] = OrderedDict()
UNNAMED_MEMORY = 16  # data folders whose unnamed CSVs are remembered per process


def _unnamed_csvs(data_dir: Path) -> list[Path]:
    """The CSVs under data_dir whose names no rule accepts, worked out once per listing of the folder
    (``data_files``): a council's run asks for the ratings' files several times, and the folder holds ~1,500 files.
    Only the names are remembered; each is identified (its first lines, by size and times) on every call."""
    return per_listing(_unnamed, Path(data_dir), data_dir, UNNAMED_MEMORY,
                       lambda: [p for p in data_files(data_dir) if p.suffix.casefold() == ".csv"
                                and by_file_name(p.name) is None])
