"""Reading a council's own file against its source's declaration (``helpers.load.local_schema``).

Problems that make a figure wrong are an ``InputError`` naming file, sheet, row and column;
recoverable oddities (``Check`` rules, example rows left in) are warnings with row numbers.
The vintage is the latest value of the source's vintage field, else the README sheet's "As at"
date, else the file name.
"""
from __future__ import annotations

import dataclasses
import difflib
import hashlib
import re
from datetime import datetime
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from helpers.councils import councils
from helpers.errors import DataQualityLog, DataWarning, InputError
from helpers.load import vintages
from helpers.load.file_names import accepted, one_per_vintage
from helpers.load.local_schema import DATE_DTYPE, DTYPES, README_SHEET, Field, LocalSource
from helpers.load.reading import (Column, RawSheet, SourceTable, cached, cached_json,
                                  file_hash, kept, per_listing, locate_header, read_raw, table_below_header, to_date,
                                  to_flag, to_number)

EARLIEST, LATEST = "2000-01-01", "2100-12-31"
LOADER_VERSION = "1"


def find_files(spec: LocalSource, data_dir: Path, council_code: str | None = None) -> list[Path]:
    """The files under data_dir that the source's file-name rule accepts (with a council code, only those whose
    name carries it), sorted by path. A council's files of one source may share a name in different folders (one
    per year, e.g. local/2025/): their as-at dates tell them apart (``load_council``). Two of one name in one
    folder (a browser's second download, "… (1).xlsx") are an InputError naming both."""
    return per_listing(_found, (spec.file_names, spec.title, Path(data_dir), council_code), data_dir, FOUND_MEMORY,
                       lambda: _find_files(spec, data_dir, council_code))


FOUND_MEMORY = 4096  # (source, folder, council) lookups kept per process: a national run's councils × sources
_found: OrderedDict[tuple[object, ...], tuple[tuple[Path, ...], list[Path]]] = OrderedDict()


def _find_files(spec: LocalSource, data_dir: Path, council_code: str | None) -> list[Path]:
    code = council_code.casefold() if council_code is not None else None
    files = sorted(p for p in accepted(spec.file_names, data_dir) if code is None or code in p.name.casefold())
    for folder in dict.fromkeys(p.parent for p in files):
        one_per_vintage([p for p in files if p.parent == folder], spec.file_names, spec.title)
    return files


def council_file(spec: LocalSource, data_dir: Path, council_code: str) -> Path | None:
    """A council's file of a source, by name alone (the last by path), or None; ``load_council`` chooses among
    several by their as-at dates."""
    found = find_files(spec, data_dir, council_code)
    return found[-1] if found else None


def load_council(spec: LocalSource, data_dir: Path, council_code: str, cache_dir: Path | None = None,
                 when: pd.Timestamp | None = None) -> SourceTable | None:
    """Load the council's file of a source — the newest as at ``when`` or earlier (helpers.load.vintages; None: the
    newest of all) — or None when the council has supplied none (for that date). Two of one as-at date are an
    InputError naming both."""
    files = find_files(spec, data_dir, council_code)
    if len(files) == 1 and when is None:
        return load_local(spec, files[0], cache_dir)
    tables = [load_local(spec, path, cache_dir) for path in files]
    dates = [vintages.published(t.vintage, rates=spec.vintage_field is not None
                                and vintages.FINANCIAL_YEAR.match(str(t.vintage)) is not None) for t in tables]
    return vintages.newest(tables, dates, when, spec.title, files)


LOCAL_MEMORY = 32  # a council's local tables kept per process: each is read by several services' sections
_local: OrderedDict[tuple[str, str, str, str], SourceTable] = OrderedDict()


def load_local(spec: LocalSource, path: Path, cache_dir: Path | None = None) -> SourceTable:
    """Load and validate one local source file into a tidy frame (canonical columns plus ``_row``).

    Kept per process, keyed on the file's content hash: the four services and the oversight chapter of a council
    read the same files, so a worker validates each once; every caller gets its own frame and warnings."""
    path = Path(path)
    key = (spec.name, str(path), file_hash(path), str(cache_dir))
    table = kept(_local, key, LOCAL_MEMORY, lambda: _load_local(spec, path, cache_dir))
    log = DataQualityLog()
    log.extend(table.log)
    return dataclasses.replace(table, data=table.data.copy(deep=False), log=log)


def _load_local(spec: LocalSource, path: Path, cache_dir: Path | None) -> SourceTable:
    """The checked table: from the cache when this file (this content, at this path) passed this code's checks
    before, else parsed and checked (an InputError is never kept: a bad file fails afresh on every load)."""
    if cache_dir is None:
        return _checked(spec, path, None)
    # keyed on the file's content (as every cache entry), its path (the warnings name it), its fields and the package's
    # source and libraries (the declarations and their checks are Python source)
    key = (f"local-checked-{spec.name}-" + hashlib.sha1(repr((str(Path(path).absolute()), repr(spec.fields),
                                                              _code_version())).encode()).hexdigest()[:16])
    checked: list[SourceTable] = []  # checked at most once, whichever half of the entry is missing

    def table() -> SourceTable:
        if not checked:
            checked.append(_checked(spec, path, cache_dir))
        return checked[0]

    data = cached(path, cache_dir, key, lambda: table().data)
    facts = cached_json(path, cache_dir, key, lambda: {
        "vintage": table().vintage, "synthetic": table().synthetic,
        "warnings": [dataclasses.asdict(w) for w in table().log.warnings]})
    log = DataQualityLog([DataWarning(**w) for w in facts["warnings"]])
    return SourceTable(data, path, facts["vintage"], facts["synthetic"], log)


@lru_cache(maxsize=1)
def _code_version() -> str:
    """run_cache.package_hash, once per process: a checked table cached by another version of the checks (or of the
    libraries that parse it) is never used."""
    from helpers.run.run_cache import package_hash  # the run's own hash of the package's source and libraries
    return package_hash()


def _checked(spec: LocalSource, path: Path, cache_dir: Path | None) -> SourceTable:
    key = f"local-{spec.name}-v{LOADER_VERSION}-{hashlib.sha1(repr(spec.fields).encode()).hexdigest()[:8]}"
    data = cached(path, cache_dir, key, lambda: _parse(spec, read_raw(path, [spec.sheet])))
    sheet = None if path.suffix.lower() == ".csv" else spec.sheet
    log = DataQualityLog()
    data = _percent_points(spec, data, path, sheet, log)
    _check_ranges(spec, data, path, sheet)
    _check_key(spec, data, path, sheet)
    _apply_checks(spec, data, path, sheet, log)
    _warn_examples(spec, data, path, sheet, log)
    lines = _readme_lines(path, cache_dir)
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
    """A coded value as matched: case, spaces, underscores and every kind of dash ignored ("18-64" is "18–64")."""
    return re.sub(r"[\s_\-\u2010-\u2015\u2212]+", " ", value.strip().casefold())


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
        if f.lower is None and f.upper is None:
            continue
        values = data[f.canonical]
        # numbers are compared as one float array (NA never out of range); anything else as pandas compares it
        numbers = values.to_numpy(dtype="float64", na_value=np.nan) if pd.api.types.is_numeric_dtype(values) \
            else None
        if f.lower is not None:
            mask = numbers < f.lower if numbers is not None else values < f.lower
            _raise_first(data, mask, path, sheet, f, f"expected a value of at least {f.lower:g}")
        if f.upper is not None:
            mask = numbers > f.upper if numbers is not None else values > f.upper
            _raise_first(data, mask, path, sheet, f, f"expected a value of at most {f.upper:g}")


def _raise_first(data: pd.DataFrame, mask: pd.Series | np.ndarray, path: Path, sheet: str | None, f: Field,
                 message: str) -> None:
    hits = _rows(mask)
    if hits.size:
        i = data.index[hits[0]]
        raise _error(data, i, path, sheet, f.published, f"{message}, found {data.at[i, f.canonical]:g}")


def _rows(mask: pd.Series | np.ndarray) -> np.ndarray:
    """The positions where a mask is True (NA counts as False)."""
    if isinstance(mask, pd.Series):
        mask = mask.to_numpy(dtype=bool, na_value=False)
    return np.flatnonzero(mask)


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
        hits = _rows(check.rows(data))
        if not hits.size:  # the usual case: no row flagged, nothing per row to do
            continue
        column = spec.published(check.column)
        for i in data.index[hits]:
            message = check.message.format_map(data.loc[i].to_dict())
            if check.error:
                raise _error(data, i, path, sheet, column, message)
            log.warn(spec.title, message, file=str(path), sheet=sheet, row=int(data.at[i, "_row"]), column=column)


def _warn_examples(spec: LocalSource, data: pd.DataFrame, path: Path, sheet: str | None, log: DataQualityLog) -> None:
    """Warn about rows that look like the template's example rows (a text value starting 'Example')."""
    texts = [f for f in spec.fields if f.kind == "text"]
    # one pass of plain Python over each column's values: the pandas string methods cost more on these small frames
    starts = {f.canonical: np.array([isinstance(v, str) and v.casefold().startswith("example")
                                     for v in data[f.canonical].tolist()], dtype=bool) for f in texts}
    if not texts or not np.logical_or.reduce(list(starts.values())).any():
        return
    for pos in np.flatnonzero(np.logical_or.reduce(list(starts.values()))):
        i = data.index[pos]
        hit = next(f for f in texts if starts[f.canonical][pos])
        log.warn(spec.title, f"looks like a template example row ('{data.at[i, hit.canonical]}'): delete it if it is "
                 "not real data", file=str(path), sheet=sheet, row=int(data.at[i, "_row"]), column=hit.published)


def _readme_lines(path: Path, cache_dir: Path | None = None) -> list[list[str]]:
    """The cells of each row of the file's README sheet ([] when there is none).

    Kept in the cache (keyed on the file's content, like the table): opening the workbook again for its README
    cost more than reading the cached table."""
    if path.suffix.lower() == ".csv":
        return []
    return cached_json(path, cache_dir, f"local-readme-v{LOADER_VERSION}", lambda: _read_readme(path))


def _read_readme(path: Path) -> list[list[str]]:
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
        if pd.api.types.is_datetime64_dtype(values):  # a date is never blank text: only NaT is left out
            values = values[values.notna()]
        else:
            values = values[values.notna() & (values.astype(str) != "")]
        if len(values):
            latest = values.max()
            return latest.strftime("%d %B %Y") if isinstance(latest, pd.Timestamp) else str(latest)
    return _as_at(lines) or path.name


def examples_frame(spec: LocalSource) -> pd.DataFrame:
    """The spec's example rows as a frame with the dtypes ``load_local`` gives (without ``_row``).

    The loader's dtype contract, kept beside the loader: the tests of every local source compare a
    template's round trip with it (nothing in a run calls it).
    """
    frame = pd.DataFrame({f.canonical: [e.get(f.canonical) for e in spec.examples] for f in spec.fields})
    for f in spec.fields:
        if f.kind == "date":
            frame[f.canonical] = pd.to_datetime(frame[f.canonical]).astype(DATE_DTYPE)
        elif DTYPES[f.kind] == "str":
            frame[f.canonical] = frame[f.canonical].fillna("").astype(str)
        else:
            frame[f.canonical] = frame[f.canonical].astype(DTYPES[f.kind])
    return frame
