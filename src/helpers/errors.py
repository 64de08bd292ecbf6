"""Errors and warnings about input data that name the file, sheet, row and column."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


def _where(file: str | Path | None, sheet: str | None, row: int | None, column: str | None) -> str:
    parts = []
    if file is not None:
        parts.append(str(file))
    if sheet is not None:
        parts.append(f"sheet '{sheet}'")
    if row is not None:
        parts.append(f"row {row}")
    if column is not None:
        parts.append(f"column '{column}'")
    return ", ".join(parts)


class InputError(Exception):
    """A problem with an input file that stops the run; rows are spreadsheet row numbers (1-based)."""

    def __init__(self, message: str, *, file: str | Path | None = None, sheet: str | None = None,
                 row: int | None = None, column: str | None = None) -> None:
        self.message, self.file, self.sheet, self.row, self.column = message, file, sheet, row, column
        where = _where(file, sheet, row, column)
        super().__init__(f"{where}: {message}" if where else message)


class UsageError(Exception):
    """A bad command-line argument (exit code 2)."""


@dataclass(frozen=True)
class DataWarning:
    """A recoverable problem with an input, shown in the report's data-quality section."""

    source: str
    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = _where(self.file, self.sheet, self.row, self.column)
        return f"[{self.source}] {where}: {self.message}" if where else f"[{self.source}] {self.message}"


@dataclass
class DataQualityLog:
    """Collects DataWarnings from every loader in a run."""

    warnings: list[DataWarning] = field(default_factory=list)

    def warn(self, source: str, message: str, **where: object) -> None:
        """Record one warning."""
        self.warnings.append(DataWarning(source, message, **where))  # type: ignore[arg-type]

    def extend(self, other: "DataQualityLog") -> None:
        """Add another log's warnings to this one."""
        self.warnings.extend(other.warnings)

    def __len__(self) -> int:
        return len(self.warnings)
