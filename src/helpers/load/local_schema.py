"""The council's own data sources, declared: one ``LocalSource`` per source, made of ``Field``s and ``Check``s.

A source is a sheet whose header row holds one column per ``Field``. The header is found by the
first field's published name (never a fixed row). Each field has a kind:

- ``text``: free text (optionally matching ``pattern``); ``code``: one of ``allowed`` (matched
  ignoring case, spaces, underscores and hyphens or dashes; normalised to the allowed spelling);
  ``council``: an ONS code of a council with adult social care responsibility; ``flag``: Y/N;
- ``int``, ``number``, ``money`` (£ and thousands separators allowed): numbers within
  ``minimum``/``maximum``; ``percent``: percentage points (85 or "85%" = 85%; a column holding only
  fractions ≤ 1, as a %-formatted Excel cell stores them, is read as fractions, with a warning);
- ``date``: DD/MM/YYYY text (or MM/DD/YYYY for a whole US-saved column), ISO or spreadsheet dates.

Blank optional cells load as "" (text, code, council), <NA> (numbers), NaT (dates) or False (flags).
This module only declares; ``local_loader`` reads a file against a declaration, ``templates`` writes
the xlsx template of one, and ``catalogue`` lists the sources the workbook knows.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

import pandas as pd

from helpers.councils import councils
from helpers.load.file_names import FileNames

KINDS = ("text", "int", "number", "money", "percent", "date", "code", "flag", "council")
CARE_HOME_CATEGORIES = ("Residential", "Residential dementia", "Nursing", "Nursing dementia")
FLAG_VALUES = ("Y", "N")
README_SHEET = "README"  # a local file's notes sheet: the template's description and its "As at" date
DATA_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".csv")
DATE_DTYPE = "datetime64[ns]"
DTYPES = {"text": "str", "code": "str", "council": "str", "int": "Int64", "number": "Float64", "money": "Float64",
          "percent": "Float64", "flag": "bool"}


@dataclass(frozen=True)
class Field:
    """One column of a local source: published header, kind, and what values it may take."""

    canonical: str
    published: str
    kind: str
    required: bool = True
    allowed: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    description: str = ""
    pattern: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"field {self.canonical!r}: kind {self.kind!r} is not one of {KINDS}")
        if (self.kind == "code") != (self.allowed is not None):
            raise ValueError(f"field {self.canonical!r}: 'allowed' is for (and required by) kind 'code'")

    @property
    def choices(self) -> tuple[str, ...]:
        """The values offered in the template's drop-down (empty for free-entry fields)."""
        if self.kind == "flag":
            return FLAG_VALUES
        if self.kind == "council":
            return tuple(councils()["code"])
        return self.allowed or ()

    @property
    def lower(self) -> float | None:
        """The smallest value allowed (percentages start at 0 unless told otherwise)."""
        return 0.0 if self.minimum is None and self.kind == "percent" else self.minimum

    @property
    def upper(self) -> float | None:
        """The largest value allowed (percentages stop at 100 unless told otherwise)."""
        return 100.0 if self.maximum is None and self.kind == "percent" else self.maximum


@dataclass(frozen=True)
class Check:
    """A rule across fields: rows where ``rows(data)`` is True get a warning, or stop the load when ``error``.

    ``message`` is formatted with the row's canonical values, e.g. "occupied ({occupied}) is more than beds".
    """

    column: str
    message: str
    rows: Callable[[pd.DataFrame], pd.Series]
    error: bool = False


@dataclass(frozen=True)
class LocalSource:
    """A council's own data source: the data sheet, its fields, its key and its template text."""

    name: str
    title: str
    sheet: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    readme: str
    examples: list[dict] = field(default_factory=list)
    checks: tuple[Check, ...] = ()
    vintage_field: str | None = None

    def __post_init__(self) -> None:
        names = {f.canonical for f in self.fields}
        used = {*self.key, *(c.column for c in self.checks), *(k for example in self.examples for k in example)}
        if self.vintage_field:
            used.add(self.vintage_field)
        if used - names:
            raise ValueError(f"source {self.name!r}: unknown fields {sorted(used - names)}")

    @property
    def anchor(self) -> str:
        """The header cell that locates the table: the first field's published name."""
        return self.fields[0].published

    @cached_property
    def file_names(self) -> FileNames:
        """The rule for this source's file names: any name containing the source's name (e.g. the template
        ``template_occupancy.xlsx`` or a council's ``E08000019_occupancy.xlsx``); a council's file also
        carries its code."""
        return FileNames((f".*{self.name.replace('_', ' ')}.*",), DATA_SUFFIXES, f"E08000019_{self.name}.xlsx")

    def published(self, canonical: str) -> str:
        """The published column name of a canonical field."""
        return next(f.published for f in self.fields if f.canonical == canonical)


def percent_of(part: pd.Series, whole: pd.Series) -> pd.Series:
    """part / whole × 100 as Float64, <NA> where whole is 0 or missing: the one percentage rule of the tables
    derived from local sources (occupancy, home care activity) and of the assessment's figures built on them."""
    return (part / whole.where(whole > 0) * 100).astype("Float64")
