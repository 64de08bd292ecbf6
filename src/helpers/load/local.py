"""The council's own data (PRODUCT §2 items 8–14): one declarative spec per source, one loader for all,
and the xlsx templates the workbook ships.

A source is a ``LocalSource``: a sheet whose header row holds one column per ``Field``. The header
is found by the first field's published name (never a fixed row). Each field has a kind:

- ``text``: free text (optionally matching ``pattern``); ``code``: one of ``allowed`` (matched
  ignoring case, spaces, underscores and hyphens; normalised to the allowed spelling);
  ``council``: an ONS code of a council with adult social care responsibility; ``flag``: Y/N;
- ``int``, ``number``, ``money`` (£ and thousands separators allowed): numbers within
  ``minimum``/``maximum``; ``percent``: percentage points (85 or "85%" = 85%; a column holding only
  fractions ≤ 1, as a %-formatted Excel cell stores them, is read as fractions, with a warning);
- ``date``: DD/MM/YYYY text (or MM/DD/YYYY for a whole US-saved column), ISO or spreadsheet dates.

Blank optional cells load as "" (text, code, council), <NA> (numbers), NaT (dates) or False (flags).
Problems that make a figure wrong are an ``InputError`` naming file, sheet, row and column;
recoverable oddities (``Check`` rules, example rows left in) are warnings with row numbers.
"""
from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Callable

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from helpers.councils import councils
from helpers.services import SERVICES
from helpers.errors import DataQualityLog, InputError
from helpers.load.reading import (Column, RawSheet, SourceTable, files_named, cached, locate_header, read_raw, table_below_header,
                                     to_date, to_flag, to_number)

KINDS = ("text", "int", "number", "money", "percent", "date", "code", "flag", "council")
CARE_HOME_CATEGORIES = ("Residential", "Residential dementia", "Nursing", "Nursing dementia")
FLAG_VALUES = ("Y", "N")
EARLIEST, LATEST = "2000-01-01", "2100-12-31"
LOADER_VERSION = "1"
README_SHEET, LISTS_SHEET = "README", "Lists"
TEMPLATE_ROWS = 2000
README_LINE_CHARS = 180
DATA_SUFFIXES = {".xlsx", ".xlsm", ".ods", ".csv"}
NUMBER_FORMATS = {"int": "0", "number": "General", "money": '"£"#,##0.00', "percent": '0.0"%"',
                  "date": "DD/MM/YYYY", "text": "@", "code": "@", "council": "@"}
DATE_DTYPE = "datetime64[ns]"
DTYPES = {"text": "str", "code": "str", "council": "str", "int": "Int64", "number": "Float64", "money": "Float64",
          "percent": "Float64", "flag": "bool"}
TYPE_NAMES = {"text": "text", "int": "whole number", "number": "number", "money": "£ amount",
              "percent": "percentage (85 = 85%)", "date": "date (DD/MM/YYYY)", "code": "one of a list",
              "flag": "Y or N", "council": "ONS council code"}


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

    @property
    def file_glob(self) -> str:
        """The file-name pattern (case-insensitive) of this source's files in a data folder."""
        return f"*{self.name}*"

    def published(self, canonical: str) -> str:
        """The published column name of a canonical field."""
        return next(f.published for f in self.fields if f.canonical == canonical)


def percent_of(part: pd.Series, whole: pd.Series) -> pd.Series:
    """part / whole × 100 as Float64, <NA> where whole is 0 or missing (for the source modules' helpers)."""
    return (part / whole.where(whole > 0) * 100).astype("Float64")


# ---------------------------------------------------------------------------------------------- loading


def find_files(spec: LocalSource, data_dir: Path) -> list[Path]:
    """Return the files under data_dir whose names match the source's glob, sorted by path."""
    return [p for p in files_named(data_dir, spec.file_glob) if p.suffix.lower() in DATA_SUFFIXES
            and not p.name.startswith("~$")]


def council_file(spec: LocalSource, data_dir: Path, council_code: str) -> Path | None:
    """The council's file of a source: the newest-named match whose name contains the council's code."""
    found = [p for p in find_files(spec, data_dir) if council_code.casefold() in p.name.casefold()]
    return found[-1] if found else None


def load_council(spec: LocalSource, data_dir: Path, council_code: str,
                 cache_dir: Path | None = None) -> SourceTable | None:
    """Load the council's file of a source, or None when the council has not supplied one."""
    path = council_file(spec, data_dir, council_code)
    return None if path is None else load_local(spec, path, cache_dir)


def load_local(spec: LocalSource, path: Path, cache_dir: Path | None = None) -> SourceTable:
    """Load and validate one local source file into a tidy frame (canonical columns plus ``_row``)."""
    path = Path(path)
    key = f"local-{spec.name}-v{LOADER_VERSION}-{hashlib.sha1(repr(spec.fields).encode()).hexdigest()[:8]}"
    data = cached(path, cache_dir, key, lambda: _parse(spec, read_raw(path, [spec.sheet])))
    sheet = None if path.suffix.lower() == ".csv" else spec.sheet
    log = DataQualityLog()
    data = _percent_points(spec, data, path, sheet, log)
    _check_ranges(spec, data, path, sheet)
    _check_key(spec, data, path, sheet)
    _apply_checks(spec, data, path, sheet, log)
    _warn_examples(spec, data, path, sheet, log)
    lines = _readme_lines(path)
    synthetic = any("synthetic" in cell.casefold() for cells in lines for cell in cells)
    return SourceTable(data, path, _vintage(spec, data, path, lines), synthetic, log)


def _parse(spec: LocalSource, raw: RawSheet) -> pd.DataFrame:
    """Cut the table, then give every field its type: the per-cell checks that need the raw text."""
    columns = [Column(f.canonical, (f.published,), f.required) for f in spec.fields]
    table = table_below_header(raw, _anchor(spec, raw), columns)
    out = pd.DataFrame({"_row": table["_row"].astype("int64")})
    for f in spec.fields:
        _require(table, f, raw)
        out[f.canonical] = PARSERS[f.kind](table, f, raw)
    return out[[f.canonical for f in spec.fields] + ["_row"]]


def _anchor(spec: LocalSource, raw: RawSheet) -> str:
    """The anchor; if it was renamed, the first other required column found, so the error names the closest."""
    for f in (f for f in spec.fields if f.required):
        try:
            locate_header(raw, f.published)
            return f.published
        except InputError:
            continue
    return spec.anchor


def _fail_at(table: pd.DataFrame, mask: pd.Series, f: Field, raw: RawSheet, message: str) -> None:
    """Raise an InputError for the first row where mask is True; {value} in message is that cell."""
    if mask.any():
        i = mask.idxmax()
        raise InputError(message.replace("{value}", str(table.at[i, f.canonical])), file=raw.file, sheet=raw.sheet,
                         row=int(table.at[i, "_row"]), column=f.published)


def _require(table: pd.DataFrame, f: Field, raw: RawSheet) -> None:
    if f.required:
        _fail_at(table, table[f.canonical] == "", f, raw, "a value is required here (the cell is blank)")


def _text(table: pd.DataFrame, f: Field, raw: RawSheet) -> pd.Series:
    values = table[f.canonical]
    if f.pattern:
        bad = (values != "") & ~values.str.fullmatch(f.pattern)
        _fail_at(table, bad, f, raw, f"'{{value}}' is not in the expected form ({f.description or f.pattern})")
    return values.astype(str)


def _fold(value: str) -> str:
    return re.sub(r"[\s_\-]+", " ", value.strip().casefold())


def _closest(value: str, allowed: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(value, allowed, n=3, cutoff=0.6)
    return f"; closest: {', '.join(repr(c) for c in close)}" if close else ""


def _code(table: pd.DataFrame, f: Field, raw: RawSheet) -> pd.Series:
    lookup = {_fold(a): a for a in f.choices}
    values = table[f.canonical].map(lambda v: lookup.get(_fold(v)) if v else "")
    if values.isna().any():
        i = values.isna().idxmax()
        found = table.at[i, f.canonical]
        _fail_at(table, values.isna(), f, raw, f"'{{value}}' is not an allowed value; expected one of: "
                 f"{', '.join(repr(a) for a in f.choices)}{_closest(found, f.choices)}")
    return values.astype(str)


def _council(table: pd.DataFrame, f: Field, raw: RawSheet) -> pd.Series:
    values = table[f.canonical].str.upper()
    bad = (values != "") & ~values.isin(f.choices)
    if bad.any():
        names = dict(zip(councils()["code"], councils()["name"]))
        close = difflib.get_close_matches(values[bad.idxmax()], f.choices, n=3, cutoff=0.6)
        hint = f"; closest: {', '.join(f'{c} ({names[c]})' for c in close)}" if close else ""
        _fail_at(table, bad, f, raw, "unknown council code '{value}': expected the ONS code of an English council "
                 f"with adult social care responsibility (E06/E08/E09/E10…){hint}")
    return values.astype(str)


def _number(table: pd.DataFrame, f: Field, raw: RawSheet) -> pd.Series:
    source = table
    if f.kind == "percent":
        source = table.assign(**{f.canonical: table[f.canonical].str.rstrip("%").str.strip()})
    values, _ = to_number(source, f.canonical, raw, integer=f.kind == "int", published=f.published)
    return values.astype(DTYPES[f.kind])


def _date(table: pd.DataFrame, f: Field, raw: RawSheet) -> pd.Series:
    return to_date(table, f.canonical, raw, earliest=EARLIEST, latest=LATEST, published=f.published).astype(DATE_DTYPE)


def _flag(table: pd.DataFrame, f: Field, raw: RawSheet) -> pd.Series:
    return to_flag(table, f.canonical, raw, published=f.published)


PARSERS: dict[str, Callable[[pd.DataFrame, Field, RawSheet], pd.Series]] = {
    "text": _text, "code": _code, "council": _council, "int": _number, "number": _number, "money": _number,
    "percent": _number, "date": _date, "flag": _flag}


def _error(data: pd.DataFrame, i: object, path: Path, sheet: str | None, column: str, message: str) -> InputError:
    return InputError(message, file=path, sheet=sheet, row=int(data.at[i, "_row"]), column=column)


def _percent_points(spec: LocalSource, data: pd.DataFrame, path: Path, sheet: str | None,
                    log: DataQualityLog) -> pd.DataFrame:
    """Read a percent column that holds only fractions (0.85) as percentage points (85), with a warning."""
    data = data.copy()
    for f in (f for f in spec.fields if f.kind == "percent"):
        values = data[f.canonical].dropna()
        if (values <= 1).all() and (values > 0).any():
            data[f.canonical] = data[f.canonical] * 100
            log.warn(spec.title, "every value is 1 or less, so they were read as fractions (0.85 = 85%); "
                     "write 85 for 85% if that is wrong", file=str(path), sheet=sheet, column=f.published)
    return data


def _check_ranges(spec: LocalSource, data: pd.DataFrame, path: Path, sheet: str | None) -> None:
    """Raise for the first number below a field's minimum or above its maximum."""
    for f in spec.fields:
        values = data[f.canonical]
        if f.lower is not None:
            _raise_first(data, values < f.lower, path, sheet, f, f"expected a value of at least {f.lower:g}")
        if f.upper is not None:
            _raise_first(data, values > f.upper, path, sheet, f, f"expected a value of at most {f.upper:g}")


def _raise_first(data: pd.DataFrame, mask: pd.Series, path: Path, sheet: str | None, f: Field, message: str) -> None:
    mask = mask.fillna(False).astype(bool)
    if mask.any():
        i = mask.idxmax()
        raise _error(data, i, path, sheet, f.published, f"{message}, found {data.at[i, f.canonical]:g}")


def _show(value: object) -> str:
    return value.strftime("%d/%m/%Y") if isinstance(value, (pd.Timestamp, datetime)) else str(value)


def _check_key(spec: LocalSource, data: pd.DataFrame, path: Path, sheet: str | None) -> None:
    """Raise naming the rows when two rows share the source's key."""
    dup = data.duplicated(subset=list(spec.key), keep=False)
    if dup.any():
        first = data[dup].iloc[0]
        same = data[dup & (data[list(spec.key)] == first[list(spec.key)]).all(axis=1)]
        what = ", ".join(f"{spec.published(k)} '{_show(first[k])}'" for k in spec.key)
        rows = same["_row"].tolist()
        raise InputError(f"duplicate rows for {what}: rows {', '.join(map(str, rows))} (each must appear once)",
                         file=path, sheet=sheet, row=int(rows[1]),
                         column=" + ".join(spec.published(k) for k in spec.key))


def _apply_checks(spec: LocalSource, data: pd.DataFrame, path: Path, sheet: str | None, log: DataQualityLog) -> None:
    """Run the source's cross-field rules: raise on the first error row, warn on every warning row."""
    for check in spec.checks:
        flagged = check.rows(data).fillna(False).astype(bool)
        column = spec.published(check.column)
        for i in flagged[flagged].index:
            message = check.message.format_map(data.loc[i].to_dict())
            if check.error:
                raise _error(data, i, path, sheet, column, message)
            log.warn(spec.title, message, file=str(path), sheet=sheet, row=int(data.at[i, "_row"]), column=column)


def _warn_examples(spec: LocalSource, data: pd.DataFrame, path: Path, sheet: str | None, log: DataQualityLog) -> None:
    """Warn about rows that look like the template's example rows (a text value starting 'Example')."""
    texts = [f for f in spec.fields if f.kind == "text"]
    starts = pd.DataFrame({f.canonical: data[f.canonical].str.casefold().str.startswith("example") for f in texts},
                          index=data.index)
    for i in starts.index[starts.any(axis=1)]:
        hit = next(f for f in texts if starts.at[i, f.canonical])
        log.warn(spec.title, f"looks like a template example row ('{data.at[i, hit.canonical]}'): delete it if it is "
                 "not real data", file=str(path), sheet=sheet, row=int(data.at[i, "_row"]), column=hit.published)


def _readme_lines(path: Path) -> list[list[str]]:
    """The cells of each row of the file's README sheet ([] when there is none)."""
    if path.suffix.lower() == ".csv":
        return []
    try:
        raw = read_raw(path, [README_SHEET])
    except InputError:
        return []
    return [[str(v) for v in row] for row in raw.cells.itertuples(index=False)]


def _as_at(lines: list[list[str]]) -> str | None:
    """The cell right of an 'As at' label in the README sheet, as 'DD Month YYYY' when it is a date."""
    for cells in lines:
        labels = [j for j, c in enumerate(cells[:-1]) if c.rstrip(":").strip().casefold() == "as at"]
        text = cells[labels[0] + 1].strip() if labels else ""
        for fmt, part in [("%Y-%m-%d", text[:10]), ("%d/%m/%Y", text), ("%d %B %Y", text)]:
            try:
                return datetime.strptime(part, fmt).strftime("%d %B %Y")
            except ValueError:
                continue
        if text:
            return text
    return None


def _vintage(spec: LocalSource, data: pd.DataFrame, path: Path, lines: list[list[str]]) -> str:
    """The latest value of the vintage field, else the README 'As at' line, else the file name."""
    if spec.vintage_field:
        values = data[spec.vintage_field]
        values = values[values.notna() & (values.astype(str) != "")]
        if len(values):
            latest = values.max()
            return latest.strftime("%d %B %Y") if isinstance(latest, pd.Timestamp) else str(latest)
    return _as_at(lines) or path.name


def examples_frame(spec: LocalSource) -> pd.DataFrame:
    """The spec's example rows as a frame with the dtypes ``load_local`` gives (without ``_row``)."""
    frame = pd.DataFrame({f.canonical: [e.get(f.canonical) for e in spec.examples] for f in spec.fields})
    for f in spec.fields:
        if f.kind == "date":
            frame[f.canonical] = pd.to_datetime(frame[f.canonical]).astype(DATE_DTYPE)
        elif DTYPES[f.kind] == "str":
            frame[f.canonical] = frame[f.canonical].fillna("").astype(str)
        else:
            frame[f.canonical] = frame[f.canonical].astype(DTYPES[f.kind])
    return frame


# ---------------------------------------------------------------------------------------------- templates


def _allowed_text(f: Field) -> str:
    """How the README describes the values a field accepts."""
    if f.kind == "council":
        return "ONS code of an English council with adult social care responsibility, e.g. E08000019 (Sheffield)"
    if f.choices:
        return "; ".join(f.choices)
    if f.lower is not None and f.upper is not None:
        return f"{f.lower:g} to {f.upper:g}"
    if f.lower is not None or f.upper is not None:
        return f"at least {f.lower:g}" if f.lower is not None else f"at most {f.upper:g}"
    return "DD/MM/YYYY" if f.kind == "date" else ""


def _example_value(spec: LocalSource, f: Field) -> object:
    """The first example row's non-blank value of a field, as written into a cell."""
    return _cell_value(next((e[f.canonical] for e in spec.examples if e.get(f.canonical) not in (None, "")), None))


def _write_readme(spec: LocalSource, wb: Workbook) -> None:
    ws = wb.active
    ws.title = README_SHEET
    ws.append([spec.title])
    ws["A1"].font = Font(bold=True, size=14)
    paragraphs = [" ".join(p.split()) for p in spec.readme.strip().split("\n\n")]
    for text in [*paragraphs, f"Fill in the '{spec.sheet}' sheet: keep the header row as it is (rows above it are "
                 "allowed), one row per record. The example rows, marked 'Example', show the format: delete them. "
                 "Blank cells are allowed only where 'Required' says No. Dates are DD/MM/YYYY."]:
        ws.append([text])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=6)
        ws.cell(ws.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[ws.max_row].height = 15 * (len(text) // README_LINE_CHARS + 1)
    ws.append([])
    ws.append(["As at", None, "← the date the data describe (DD/MM/YYYY)"])
    ws.cell(ws.max_row, 1).font = Font(bold=True)
    ws.cell(ws.max_row, 2).number_format = NUMBER_FORMATS["date"]
    ws.append([])
    ws.append(["Column", "Type", "Required", "Allowed values", "Description", "Example"])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for f in spec.fields:
        example = _example_value(spec, f)
        ws.append([f.published, TYPE_NAMES[f.kind], "Yes" if f.required else "No", _allowed_text(f), f.description,
                   example.strftime("%d/%m/%Y") if isinstance(example, date) else example])
        for cell in ws[ws.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEF", [32, 22, 10, 50, 70, 28]):
        ws.column_dimensions[letter].width = width


def _write_lists(spec: LocalSource, wb: Workbook) -> dict[str, str]:
    """A hidden sheet with one column per drop-down; returns field → list range formula."""
    ws = wb.create_sheet(LISTS_SHEET)
    ws.sheet_state = "hidden"
    ranges = {}
    for f in (f for f in spec.fields if f.choices):
        col = len(ranges) + 1
        ws.cell(1, col, f.published)
        for r, value in enumerate(f.choices, start=2):
            ws.cell(r, col, value)
        letter = get_column_letter(col)
        ranges[f.canonical] = f"{LISTS_SHEET}!${letter}$2:${letter}${len(f.choices) + 1}"
    return ranges


def _cell_value(value: object) -> object:
    """A value as written into a template cell: flags as Y/N."""
    if isinstance(value, bool):
        return "Y" if value else "N"
    return value


def _write_data(spec: LocalSource, wb: Workbook, ranges: dict[str, str]) -> None:
    ws = wb.create_sheet(spec.sheet, 1)
    ws.append([f.published for f in spec.fields])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for example in spec.examples:
        ws.append([_cell_value(example.get(f.canonical)) for f in spec.fields])
    for col, f in enumerate(spec.fields, start=1):
        letter = get_column_letter(col)
        fmt = NUMBER_FORMATS.get(f.kind)
        if fmt:
            ws.column_dimensions[letter].number_format = fmt
            for row in range(2, len(spec.examples) + 2):
                ws.cell(row, col).number_format = fmt
        longest = max([len(f.published), *(len(str(_cell_value(e.get(f.canonical)))) for e in spec.examples)])
        ws.column_dimensions[letter].width = min(max(longest, 8) + 2, 45)
        if f.canonical in ranges:
            dv = DataValidation(type="list", formula1=ranges[f.canonical], allow_blank=not f.required,
                                showErrorMessage=True, errorTitle=f.published[:32],
                                error="Choose a value from the drop-down list (the README sheet lists them).")
            dv.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
            ws.add_data_validation(dv)


def write_template(spec: LocalSource, path: Path) -> Path:
    """Write the source's xlsx template: README sheet, data sheet with the example rows, hidden drop-down lists."""
    path = Path(path)
    wb = Workbook()
    _write_readme(spec, wb)
    _write_data(spec, wb, _write_lists(spec, wb))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_templates(out_dir: Path) -> list[Path]:
    """Write every local source's template as ``template_<name>.xlsx`` under out_dir."""
    return [write_template(spec, Path(out_dir) / f"template_{name}.xlsx") for name, spec in _registry().items()]


@lru_cache(maxsize=1)
def _registry() -> dict[str, LocalSource]:
    """Name → spec of every local source (imported here: the spec modules import this one)."""
    from helpers.load import (action_plan, cost_returns, fee_rates, financial_sustainability, home_care_activity,
                              kpis, occupancy, provider_intelligence)
    specs = [occupancy.SPEC, home_care_activity.SPEC, fee_rates.SPEC, cost_returns.SPEC, provider_intelligence.SPEC,
             action_plan.SPEC, kpis.SPEC, financial_sustainability.SPEC]
    return {s.name: s for s in specs}


def __getattr__(name: str) -> object:
    """Module attribute ``SOURCES`` (name → spec), built on first use."""
    if name == "SOURCES":
        return _registry()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
