"""`caremarket validate`: find every known source under a folder, load it, and report what is wrong.

Files are recognised by ``helpers.load.catalogue`` — the same rules ``caremarket run`` finds them
by — so a file `validate` accepts is one `run` reads, and a name it refuses `run` never sees.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from helpers.councils import councils
from helpers.errors import DataWarning, InputError
from helpers.load.catalogue import SOURCES, Source, identify
from helpers.load.file_names import twin_error, twins
from helpers.load.reading import SourceTable, data_files, text_encoding

CODE_COLUMNS = ("la_code", "area_code", "geography_code", "ons_code", "council_code")


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


def _councils(tables: list[SourceTable]) -> int:
    known = set(councils()["code"])
    codes = {c for t in tables for col in CODE_COLUMNS if col in t.data for c in t.data[col].dropna().astype(str)}
    return len(codes & known)


def validate(data_dir: Path, cache_dir: Path | None = None) -> list[SourceReport]:
    """Load every recognised file under data_dir; one report per file (errors caught and reported).

    Two files of one source that share a vintage are each reported with the error naming both, unloaded.
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise InputError(f"data folder not found: {data_dir}")
    found = [(path, identify(path)) for path in data_files(data_dir)]
    found = [(path, source) for path, source in found if source is not None]
    clashes = _same_vintage(found)
    reports = []
    for path, source in found:
        report = SourceReport(source.name, path)
        try:
            if path in clashes:
                raise clashes[path]
            tables = source.load(path, cache_dir)
        except InputError as exc:
            report.error = str(exc)
        else:
            report.vintage = tables[0].vintage
            report.rows = sum(len(t.data) for t in tables)
            report.councils = _councils(tables)
            report.warnings = [str(w) for t in tables for w in t.log.warnings] + encoding_notes(source, path)
        reports.append(report)
    _same_loaded_vintage(reports)
    return reports


def _same_vintage(found: list[tuple[Path, Source]]) -> dict[Path, InputError]:
    """Each file that shares a vintage (by name) with another file of its source, with the error naming them."""
    errors: dict[Path, InputError] = {}
    for source in SOURCES:  # a council's files of several years may share a name in different folders
        files = [path for path, s in found if s is source]
        if source.local is not None:
            for folder in dict.fromkeys(p.parent for p in files):
                for vintage, group in twins([p for p in files if p.parent == folder], source.file_names).items():
                    errors.update(dict.fromkeys(group, twin_error(source.name, vintage, group)))
            continue
        for vintage, group in twins(files, source.file_names).items():
            errors.update(dict.fromkeys(group, twin_error(source.name, vintage, group)))
    return errors


def _same_loaded_vintage(reports: list[SourceReport]) -> None:
    """Snapshots (the CQC directory) as at the same date, however named, are an error on each, as in `run`; so are
    a council's files of one source (same name, in different folders) as at the same date."""
    snapshots = {s.name for s in SOURCES if s.snapshots}
    local = {s.name for s in SOURCES if s.local is not None}
    groups: dict[tuple[str, str, str], list[SourceReport]] = {}
    for report in reports:
        if report.source in snapshots and not report.error:
            groups.setdefault((report.source, "", report.vintage), []).append(report)
        elif report.source in local and not report.error:
            groups.setdefault((report.source, Path(report.file).name.casefold(), report.vintage), []).append(report)
    for (source, _, vintage), group in groups.items():
        if len(group) > 1:
            message = str(twin_error(source, vintage, [r.file for r in group]))
            for report in group:
                report.error = message


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
