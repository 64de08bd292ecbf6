"""`caremarket validate`: find every known source under a folder, load it, and report what is wrong."""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from helpers.councils import councils
from helpers.errors import DataWarning, InputError
from helpers.load import ascfr, ascof, cqc_deactivated, cqc_directory, cqc_ratings, ons_population, skills_for_care
from helpers.load.reading import SourceTable, data_files, text_encoding

Loader = Callable[[Path, Path | None], list[SourceTable]]
CODE_COLUMNS = ("la_code", "area_code", "geography_code", "ons_code", "council_code")


@dataclass(frozen=True)
class Source:
    """A source the workbook reads: the file-name patterns that identify it and how to load it."""

    name: str
    patterns: tuple[str, ...]
    load: Loader
    signature: tuple[str, ...] = ()  # header cells that identify a CSV whose name matches no pattern


def national_sources() -> list[Source]:
    """The public national sources (spec §2, 1–7) with the file names they are published under."""
    return [
        Source(cqc_directory.SOURCE, ("*HSCA_Active_Locations.*", "*HSCA Active Locations.*"),
               lambda p, c: [cqc_directory.load(p, c)]),
        Source(cqc_ratings.SOURCE, ("*Latest_ratings.*",), lambda p, c: [cqc_ratings.load(p, c)],
               ("Location ID", "Service / Population Group", "Domain", "Latest Rating")),
        Source(cqc_deactivated.SOURCE, (cqc_deactivated.FILE_GLOB,), lambda p, c: [cqc_deactivated.load(p, c)]),
        Source(skills_for_care.SOURCE, (skills_for_care.FILE_GLOB,), lambda p, c: [skills_for_care.load(p, c)]),
        Source(ascof.SOURCE, ("*ascof*.ods", "*ascof*.xlsx"),
               lambda p, c: [ascof.staff_turnover(p, c), ascof.provider_ratings(p, c)]),
        Source(ascfr.SOURCE, ("*ASC-FR*.csv", "*ASCFR*.csv", "pss-exp-*.csv"), lambda p, c: [ascfr.load(p, c)]),
        Source(ons_population.SOURCE_SNPP, ("*SNPP*Population*persons*.csv",),
               lambda p, c: [ons_population.load_snpp(p, c)]),
        Source(ons_population.SOURCE_MID_YEAR, ("*population_20[0-9][0-9].csv", "*mid_year*.csv", "*MYE*.csv"),
               lambda p, c: [ons_population.load_mid_year(p, c)]),
    ]


def local_sources() -> list[Source]:
    """The council's own sources (spec §2, 8–14), found by their template's file-name pattern."""
    from helpers.load import local
    return [Source(spec.title, (spec.file_glob,), lambda p, c, spec=spec: [local.load_local(spec, p, c)])
            for spec in local.SOURCES.values()]


def all_sources() -> list[Source]:
    """Every source the workbook knows."""
    return national_sources() + local_sources()


@dataclass
class SourceReport:
    """One file's line in the validation summary."""

    source: str
    file: Path
    vintage: str = ""
    rows: int = 0
    councils: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str = ""


def identify(path: Path, sources: list[Source]) -> Source | None:
    """The source whose file-name patterns match this file (case-insensitive), else whose header a CSV has."""
    name = path.name.lower()
    by_name = next((s for s in sources if any(fnmatch.fnmatch(name, p.lower()) for p in s.patterns)), None)
    if by_name or path.suffix.lower() != ".csv":
        return by_name
    with path.open("rb") as f:  # the first lines only, however long the file; the loader reports bad bytes
        head = "\n".join(f.read(64 * 1024).decode("utf-8-sig", errors="replace").splitlines()[:10])
    return next((s for s in sources if s.signature and all(cell in head for cell in s.signature)), None)


def _councils(tables: list[SourceTable]) -> int:
    known = set(councils()["code"])
    codes = {c for t in tables for col in CODE_COLUMNS if col in t.data for c in t.data[col].dropna().astype(str)}
    return len(codes & known)


def validate(data_dir: Path, cache_dir: Path | None = None) -> list[SourceReport]:
    """Load every recognised file under data_dir; one report per file (errors caught and reported)."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise InputError(f"data folder not found: {data_dir}")
    sources = all_sources()
    reports = []
    for path in data_files(data_dir):
        source = identify(path, sources)
        if source is None:
            continue
        report = SourceReport(source.name, path)
        try:
            tables = source.load(path, cache_dir)
        except InputError as exc:
            report.error = str(exc)
        else:
            report.vintage = tables[0].vintage
            report.rows = sum(len(t.data) for t in tables)
            report.councils = _councils(tables)
            report.warnings = [str(w) for t in tables for w in t.log.warnings] + encoding_notes(source, path)
        reports.append(report)
    return reports


def encoding_notes(source: Source, path: Path) -> list[str]:
    """A note when a CSV was read as Windows-1252 rather than UTF-8 (read correctly, but worth checking)."""
    if path.suffix.lower() not in {".csv", ".txt"} or text_encoding(path) == "utf-8":
        return []
    return [str(DataWarning(source.name, "read as Windows-1252 text, not UTF-8: check that £ signs and accented "
                            "letters look right, or save it as 'CSV UTF-8 (Comma delimited)'", file=str(path)))]


def summary_table(reports: list[SourceReport], root: Path) -> str:
    """A plain-text table: source, file, vintage, rows, councils, warnings, status."""
    header = ("source", "file", "vintage", "rows", "councils", "warnings", "status")
    rows = [(r.source, str(r.file.relative_to(root)), r.vintage, f"{r.rows:,}", str(r.councils),
             str(len(r.warnings)), "ERROR" if r.error else "ok") for r in reports]
    widths = [max(len(x) for x in col) for col in zip(header, *rows)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])
