"""Shared machinery for reading published spreadsheets: find the sheet and header, map columns,
parse numbers, flags and dates, list a data folder, and cache the tidy result as parquet keyed on
file content (``file_hash``, the one content hash of an input file).

It is long (~500 lines) because every loader shares it: splitting the header search, the cell parsers and
the parquet cache into modules would make each loader import three places for one job.
"""
from __future__ import annotations

import csv
import difflib
import errno
import hashlib
import io
import json
import os
import re
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from stat import S_ISREG
from typing import Callable, Hashable, Iterable, TypeVar

import numpy as np
import pandas as pd

from helpers.errors import DataQualityLog, InputError
from helpers.files import replacing
from helpers.load import file_guard

SUPPRESSION_MARKERS = {"*": "suppressed", ":": "suppressed", "[c]": "suppressed",
                       "[x]": "not available", "[z]": "not applicable", "..": "not available"}
HEADER_SEARCH_ROWS = 50
SETTLED_NS = 1_000_000_000  # a file or folder changed less than this before it is looked at is looked at afresh


@dataclass(frozen=True)
class Column:
    """One canonical column: the published names it may appear under, and whether it must exist."""

    canonical: str
    published: tuple[str, ...]
    required: bool = True


@dataclass
class SourceTable:
    """What every loader returns: the tidy data, where it came from, its vintage and the warnings."""

    data: pd.DataFrame
    file: Path
    vintage: str
    synthetic: bool = False
    log: DataQualityLog = field(default_factory=DataQualityLog)


@dataclass
class RawSheet:
    """All cells of one sheet as text, with where they came from."""

    file: Path
    sheet: str | None
    cells: pd.DataFrame  # positional columns, every value a stripped string ("" when blank)


def file_hash(path: Path) -> str:
    """The SHA-256 of a file's bytes (``sha256_file``), computed once per version of the file.

    A version is the path, device, inode, size, modification and change times: any write changes the
    change time, which no tool can set back (``touch -d`` and ``rsync -t`` set only the
    modification time), and the hash of a file changed less than a second ago is not remembered,
    so a same-size edit within one tick of the filesystem's clock is hashed afresh too.

    Remembered because the parquet cache and the per-process national tables key on it about 60
    times per council, 56 of them on national files (measured on the demo data): hashing afresh
    (77 ms per 100 MB here) would re-read each national file some seven times per council, a large
    share of a warm worker's 1.7 s per council once the files are the published sizes.
    """
    path = Path(path)
    stat = _file_stat(path)  # one stat call (``Path.is_file`` and ``Path.stat`` made two, ``resolve`` one per part)
    if stat is None:
        raise InputError("file not found", file=path)
    if time.time_ns() - max(stat.st_mtime_ns, stat.st_ctime_ns) <= SETTLED_NS:
        return sha256_file(path)
    # the device and inode name the file whatever the path's spelling (and follow a symlink to what it points at)
    return _hash(os.path.abspath(path), stat.st_dev, stat.st_size, stat.st_ino, stat.st_mtime_ns, stat.st_ctime_ns)


_NOT_THERE = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)  # what ``Path.is_file`` takes for "no file"


def _file_stat(path: Path) -> os.stat_result | None:
    """The path's stat when it is a regular file (following symlinks), else None; other errors raise, as in
    ``Path.is_file``."""
    try:
        stat = os.stat(path)
    except OSError as exc:
        if exc.errno not in _NOT_THERE:
            raise
        return None
    except ValueError:
        return None
    return stat if S_ISREG(stat.st_mode) else None


@lru_cache(maxsize=8192)  # every file of a data folder (England's: 1,500) and then some; ≈ 200 bytes an entry
def _hash(path: str, device: int, size: int, inode: int, mtime_ns: int, ctime_ns: int) -> str:
    return sha256_file(path)


def sha256_file(path: Path | str) -> str:
    """The SHA-256 of a file's bytes, read afresh."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if np.isnan(value):
            return ""
        return repr(int(value)) if value.is_integer() else repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def read_raw(path: Path, sheet_candidates: Iterable[str] = ()) -> RawSheet:
    """Read every cell of a CSV, or of the first matching sheet of an xlsx/ods, as text.

    Before any parser sees a spreadsheet, ``file_guard`` checks that it is the kind of file its
    name says (not a web page, not damaged) and that the sheet would not load larger than any
    published layout: a stray far cell would otherwise abort the process inside calamine.
    """
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", file=path)
    if path.stat().st_size == 0:
        raise InputError("the file is empty", file=path)
    suffix = path.suffix.lower()
    if suffix in {".csv", ".txt"}:
        return RawSheet(path, None, _frame(_csv_rows(path)))
    if suffix not in {".xlsx", ".xlsm", ".xls", ".ods"}:
        raise InputError(f"unsupported file type '{suffix}': expected .ods, .xlsx or .csv", file=path)
    wanted = list(sheet_candidates)
    if suffix == ".ods":
        chosen: str | None = choose_sheet(path, file_guard.check_ods(path), wanted)
    elif suffix in {".xlsx", ".xlsm"}:
        parts = file_guard.xlsx_sheets(path)
        chosen = choose_sheet(path, list(parts), wanted)
        file_guard.check_xlsx_sheet(path, chosen, parts[chosen])
    else:  # .xls holds at most 65,536 x 256 cells: nothing to measure
        file_guard.check_kind(path, suffix)
        chosen = None
    return _calamine_sheet(path, chosen, wanted)


def choose_sheet(path: Path, names: list[str], wanted: list[str]) -> str:
    """The first sheet named like a candidate (trimmed, case-insensitive); the first sheet when none is asked for."""
    chosen = next((n for w in wanted for n in names if n.strip().casefold() == w.casefold()), None)
    if chosen is not None:
        return chosen
    if wanted:
        raise InputError(f"no sheet named {' or '.join(repr(w) for w in wanted)}; sheets found: "
                         f"{', '.join(repr(n) for n in names)}", file=path)
    if not names:
        raise InputError("the spreadsheet has no sheets", file=path)
    return names[0]


def _calamine_sheet(path: Path, chosen: str | None, wanted: list[str]) -> RawSheet:
    """The chosen sheet read by calamine; any failure of the reader (even a Rust panic) is an InputError."""
    from python_calamine import CalamineWorkbook
    try:
        book = CalamineWorkbook.from_path(str(path))
        if chosen is None:
            chosen = choose_sheet(path, list(book.sheet_names), wanted)
        rows = book.get_sheet_by_name(chosen).to_python(skip_empty_area=False)
    except InputError:
        raise
    except BaseException as exc:  # calamine raises its own types; a Rust panic is a BaseException
        if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
            raise  # KeyboardInterrupt, SystemExit
        raise InputError(f"cannot open as a spreadsheet ({exc})", file=path, sheet=chosen) from None
    return RawSheet(path, chosen, _frame(rows))


_UTF8_ADVICE = "save it again as 'CSV UTF-8 (Comma delimited)'"


def decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """The text of a CSV or text file and the encoding it was read with: "utf-8" (with or without a
    byte-order mark) or, failing that, "cp1252" (Windows' encoding, which Excel uses for 'CSV (Comma
    delimited)' on English systems). Nothing is ever replaced: a file in neither encoding, or mixing
    UTF-8 with other bytes, is an InputError naming the line and byte.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"the file is UTF-16 text (Excel's 'Unicode Text'), not a CSV: {_UTF8_ADVICE}", file=path)
    head = data[:512]
    if file_guard.web_page(head):
        raise InputError("this is a web page, not a CSV file (was it downloaded from a link that needed signing in?)",
                         file=path)
    if head.startswith(file_guard.ZIP_MAGIC) or head.startswith(file_guard.OLE2_MAGIC):
        raise InputError("this is a spreadsheet workbook saved under a .csv name, not a CSV file: rename it to its "
                         "real type (.xlsx or .ods) or export the sheet as CSV", file=path)
    nul = data.find(b"\x00")
    if nul >= 0:
        line, column = _line_and_column(data, nul)
        raise InputError(f"the file contains NUL bytes (the first at line {line}, character {column}, byte {nul + 1}), "
                         f"which text never has: it is not a CSV file, or it is damaged", file=path, row=line)
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        bad = exc.start
    line, column = _line_and_column(data, bad)
    where = f"byte 0x{data[bad]:02X} at line {line}, character {column} (byte {bad + 1} of the file)"
    if _UTF8_NON_ASCII.search(data.decode("utf-8", "surrogateescape")):
        raise InputError(f"the file mixes UTF-8 with another encoding: {where} is not UTF-8, yet other "
                         f"characters in the file are; {_UTF8_ADVICE}", file=path, row=line)
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        line, column = _line_and_column(data, exc.start)
        raise InputError(f"the file is neither UTF-8 nor Windows-1252 text: byte 0x{data[exc.start]:02X} at line "
                         f"{line}, character {column} (byte {exc.start + 1} of the file) cannot be read; "
                         f"{_UTF8_ADVICE}", file=path, row=line) from None


_UTF8_NON_ASCII = re.compile("[^\x00-\x7f\udc80-\udcff]")


def _line_and_column(data: bytes, offset: int) -> tuple[int, int]:
    return data.count(b"\n", 0, offset) + 1, offset - (data.rfind(b"\n", 0, offset) + 1) + 1


def text_encoding(path: Path) -> str:
    """The encoding ``read_raw`` reads a CSV or text file with ("utf-8" or "cp1252"); an InputError when neither."""
    path = Path(path)
    return decode_text(path.read_bytes(), path)[1]


def _csv_rows(path: Path) -> list[list[str]]:
    text, _ = decode_text(path.read_bytes(), path)
    reader = csv.reader(io.StringIO(text))
    rows = []
    try:
        for row in reader:
            rows.append(row)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            message = (f"a field is longer than {csv.field_size_limit():,} characters, the most a CSV cell is read "
                       f"with: a quotation mark is probably not closed, or this is not a CSV file")
        else:
            message = f"cannot be read as CSV ({exc})"
        raise InputError(message, file=path, row=reader.line_num) from None
    return rows


def _frame(rows: list[list[object]]) -> pd.DataFrame:
    width = max((len(r) for r in rows), default=0)
    data = [[_cell_text(v) for v in r] + [""] * (width - len(r)) for r in rows]
    return pd.DataFrame(data, dtype=object)


def sheet_lines(path: Path, sheet: str, cache_dir: Path | None = None) -> list[str]:
    """The text of a notes sheet (e.g. README), one string per row; [] when the file has no such sheet."""
    path = Path(path)
    if path.suffix.lower() in {".csv", ".txt"}:
        return []

    def build() -> pd.DataFrame:
        try:
            raw = read_raw(path, [sheet])
        except InputError:
            return pd.DataFrame({"line": pd.Series([], dtype=str)})
        return pd.DataFrame({"line": [" ".join(v for v in row if v) for row in raw.cells.itertuples(index=False)]})

    return cached(path, cache_dir, f"lines-{sheet}", build)["line"].astype(str).tolist()


def locate_header(raw: RawSheet, anchor: str) -> int:
    """Return the 0-based index of the row holding the anchor cell (e.g. 'Location ID')."""
    top = raw.cells.head(HEADER_SEARCH_ROWS)
    target = anchor.casefold()
    for i, row in top.iterrows():
        if any(str(v).strip().casefold() == target for v in row):
            return int(i)
    if raw.cells.empty:
        raise InputError("the sheet is empty", file=raw.file, sheet=raw.sheet)
    raise InputError(f"header row not found: no cell '{anchor}' in the first {HEADER_SEARCH_ROWS} rows",
                     file=raw.file, sheet=raw.sheet)


def table_below_header(raw: RawSheet, anchor: str, columns: list[Column]) -> pd.DataFrame:
    """Cut the table under the header row, rename to canonical names and keep the spreadsheet row number.

    A required column that is missing raises an InputError naming the expected name and the
    closest names found. The result has a ``_row`` column (1-based spreadsheet row).
    """
    h = locate_header(raw, anchor)
    header = [str(v).strip() for v in raw.cells.iloc[h]]
    body = raw.cells.iloc[h + 1:].copy()
    body.columns = range(body.shape[1])
    folded = {name.casefold(): i for i, name in reversed(list(enumerate(header))) if name}
    out = {}
    for col in columns:
        idx = next((folded[p.casefold()] for p in col.published if p.casefold() in folded), None)
        if idx is None:
            if col.required:
                close = difflib.get_close_matches(col.published[0], [x for x in header if x], n=3, cutoff=0.5)
                hint = f"; closest found: {', '.join(repr(c) for c in close)}" if close else ""
                raise InputError(f"expected column '{col.published[0]}' not found in the header (row {h + 1}){hint}",
                                 file=raw.file, sheet=raw.sheet, column=col.published[0])
            out[col.canonical] = pd.Series("", index=body.index, dtype=object)
        else:
            out[col.canonical] = body[idx]
    table = pd.DataFrame(out)
    table["_row"] = body.index + 1
    nonblank = table.drop(columns="_row").astype(str).apply(lambda s: s.str.len() > 0).any(axis=1)
    table = table[nonblank].reset_index(drop=True)
    if table.empty:
        raise InputError(f"no data rows under the header (row {h + 1})", file=raw.file, sheet=raw.sheet)
    return table


def to_number(table: pd.DataFrame, column: str, raw: RawSheet, *, minimum: float | None = None,
              integer: bool = False, published: str | None = None) -> tuple[pd.Series, pd.Series]:
    """Parse a text column to numbers; markers (*, :, [c], [x]) become NaN with a reason.

    Returns (values, reasons). Any other non-numeric text, or a value below ``minimum``,
    raises an InputError naming the spreadsheet row and the published column name.
    """
    text = table[column].astype(str).str.strip().str.replace(",", "", regex=False).str.replace("£", "", regex=False)
    reasons = text.map(lambda v: SUPPRESSION_MARKERS.get(v.lower(), "missing" if v == "" else None))
    candidates = text.where(reasons.isna())
    values = pd.to_numeric(candidates, errors="coerce")
    bad = candidates.notna() & values.isna()
    name = published or column
    if bad.any():
        i = bad.idxmax()
        raise InputError(f"expected a number, found '{table.at[i, column]}'", file=raw.file, sheet=raw.sheet,
                         row=int(table.at[i, "_row"]), column=name)
    if integer:
        frac = values.notna() & (values % 1 != 0)
        if frac.any():
            i = frac.idxmax()
            raise InputError(f"expected a whole number, found '{table.at[i, column]}'", file=raw.file,
                             sheet=raw.sheet, row=int(table.at[i, "_row"]), column=name)
    if minimum is not None:
        low = values.notna() & (values < minimum)
        if low.any():
            i = low.idxmax()
            raise InputError(f"expected a value of at least {minimum:g}, found '{table.at[i, column]}'",
                             file=raw.file, sheet=raw.sheet, row=int(table.at[i, "_row"]), column=name)
    return values.astype("Float64"), reasons.astype(object)


def to_flag(table: pd.DataFrame, column: str, raw: RawSheet, *, published: str | None = None) -> pd.Series:
    """Parse a Y/N (or Y/blank) flag column to booleans; anything else is an InputError."""
    text = table[column].astype(str).str.strip().str.upper()
    mapping = {"Y": True, "YES": True, "N": False, "NO": False, "": False}
    bad = ~text.isin(list(mapping))
    if bad.any():
        i = bad.idxmax()
        raise InputError(f"expected Y or N, found '{table.at[i, column]}'", file=raw.file, sheet=raw.sheet,
                         row=int(table.at[i, "_row"]), column=published or column)
    return text.map(mapping).astype(bool)


_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def date_order(values: pd.Series) -> str:
    """Decide whether slash dates in a column are day-first ('dmy') or month-first ('mdy').

    UK files are day-first; a column in which some first part exceeds 12 and no second part
    does is a US-locale re-save (month-first is impossible there), and vice versa.
    """
    parts = values.astype(str).str.extract(_DMY).dropna().astype(int)
    if parts.empty:
        return "dmy"
    first_big, second_big = (parts[0] > 12).any(), (parts[1] > 12).any()
    if second_big and not first_big:
        return "mdy"
    return "dmy"


def to_date(table: pd.DataFrame, column: str, raw: RawSheet, *, earliest: str = "1990-01-01",
            latest: str = "2100-12-31", published: str | None = None) -> pd.Series:
    """Parse dates written DD/MM/YYYY, MM/DD/YYYY (whole-column decision), ISO or as spreadsheet dates.

    Unparseable text, or a date outside [earliest, latest], raises an InputError.
    """
    text = table[column].astype(str).str.strip()
    order = date_order(text)
    fmt = "%d/%m/%Y" if order == "dmy" else "%m/%d/%Y"
    slash = pd.to_datetime(text.where(text.str.match(_DMY)), format=fmt, errors="coerce")
    iso = pd.to_datetime(text.where(~text.str.match(_DMY) & (text != "")).str.slice(0, 10),
                         format="%Y-%m-%d", errors="coerce")
    dates = slash.fillna(iso)
    name = published or column
    bad = (text != "") & dates.isna()
    if bad.any():
        i = bad.idxmax()
        raise InputError(f"expected a date (DD/MM/YYYY), found '{table.at[i, column]}'", file=raw.file,
                         sheet=raw.sheet, row=int(table.at[i, "_row"]), column=name)
    out = dates.notna() & ((dates < pd.Timestamp(earliest)) | (dates > pd.Timestamp(latest)))
    if out.any():
        i = out.idxmax()
        raise InputError(f"date {dates[i].date()} is outside the expected range {earliest} to {latest}",
                         file=raw.file, sheet=raw.sheet, row=int(table.at[i, "_row"]), column=name)
    return dates


def check_unique(table: pd.DataFrame, column: str, raw: RawSheet, *, published: str | None = None) -> None:
    """Raise an InputError naming both rows when an ID column has a duplicate."""
    dup = table[column].duplicated(keep=False) & (table[column].astype(str) != "")
    if dup.any():
        rows = table.loc[dup, [column, "_row"]]
        first = rows.iloc[0][column]
        where = rows[rows[column] == first]["_row"].tolist()
        raise InputError(f"duplicate ID '{first}' on rows {', '.join(map(str, where))}",
                         file=raw.file, sheet=raw.sheet, row=int(where[1]), column=published or column)


_listings: dict[Path, tuple[tuple[tuple[str, int], ...], tuple[Path, ...]]] = {}


def data_files(data_dir: Path) -> tuple[Path, ...]:
    """Every file under a data folder, sorted by path.

    Listed once per process and again only when a folder in it changes (its modification time): a
    worker looks files up ~40 times per council, and walking a national data folder of ~1,300 files
    with pathlib each time cost more than the council's own computation. Folder times tick coarsely
    (a few ms), so a listing is only kept when every folder was last changed over a second before it.
    """
    root = Path(data_dir)
    if not root.is_dir():
        return ()
    known = _listings.get(root)
    if known is not None and all(_mtime(folder) == mtime for folder, mtime in known[0]):
        return known[1]
    listed_at = time.time_ns()
    folders: list[tuple[str, int]] = []
    files: list[Path] = []
    pending = [str(root)]
    while pending:
        folder = pending.pop()
        folders.append((folder, _mtime(folder)))
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir():
                    pending.append(entry.path)
                elif entry.is_file():
                    files.append(Path(entry.path))
    listing = tuple(sorted(files))
    if all(listed_at - mtime > SETTLED_NS for _, mtime in folders):
        _listings[root] = (tuple(folders), listing)
    else:
        _listings.pop(root, None)
    return listing


def _mtime(folder: str) -> int:
    try:
        return os.stat(folder).st_mtime_ns
    except OSError:
        return -1


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
MEMORY_SIZE = 64  # parsed cache files kept in memory per process (a worker's national files and a few councils')
_memory: OrderedDict[Path, pd.DataFrame] = OrderedDict()


def _read_parquet(target: Path) -> pd.DataFrame:
    """A parquet cache file, parsed once per process (its name carries the content hash, so it cannot go stale).

    Each caller gets its own shallow copy: with pandas' copy-on-write, changing it never changes the kept frame.
    """
    return kept(_memory, target, MEMORY_SIZE, lambda: pd.read_parquet(target)).copy(deep=False)


def kept(store: OrderedDict[K, V], key: K, size: int, build: Callable[[], V]) -> V:
    """store[key], built on first use; the store keeps the `size` most recently used entries (a per-process LRU)."""
    if key not in store:
        store[key] = build()
        while len(store) > size:
            store.popitem(last=False)
    store.move_to_end(key)
    return store[key]


def per_listing(store: OrderedDict[K, tuple[tuple[Path, ...], list[Path]]], key: K, data_dir: Path, size: int,
                build: Callable[[], list[Path]]) -> list[Path]:
    """``build()``'s files, worked out once per listing of data_dir (``data_files``) and kept under key in store (the
    `size` latest); an error is never kept, so a bad folder raises afresh on every call. Each caller gets its own
    list."""
    listing = data_files(data_dir)
    known = store.get(key)
    if known is None or known[0] is not listing:
        known = store[key] = (listing, build())
        while len(store) > size:
            store.popitem(last=False)
    return list(known[1])


def cache_file(path: Path, cache_dir: Path, key: str) -> Path:
    """Where ``cached`` keeps the table ``key`` built from a file: named by the key and the file's content hash."""
    return Path(cache_dir) / f"{key}-{file_hash(path)[:20]}.parquet"


def cached(path: Path, cache_dir: Path | None, key: str, build: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """Return ``build()``, cached as parquet under cache_dir keyed on the file's content hash and key."""
    if cache_dir is None:
        return build()
    target = cache_file(path, cache_dir, key)
    if target.exists():
        return _read_parquet(target)
    frame = build()
    target.parent.mkdir(parents=True, exist_ok=True)
    with replacing(target) as tmp:  # a temporary file per writer: workers may race to write the same entry
        frame.to_parquet(tmp, index=False)
    return _read_parquet(target)  # the same dtypes as a cache hit


def cached_json(path: Path, cache_dir: Path | None, key: str, build: Callable[[], object]) -> object:
    """Return ``build()`` (a value JSON can hold), cached as JSON under cache_dir keyed on the file's content hash
    and key: for a small result (a README's cells), which a parquet file takes milliseconds to read back."""
    if cache_dir is None:
        return build()
    target = Path(cache_dir) / f"{key}-{file_hash(path)[:20]}.json"
    try:
        return json.loads(target.read_text(encoding="utf-8"))
    except FileNotFoundError:
        pass
    text = json.dumps(build())
    with replacing(target) as tmp:  # a temporary file per writer: workers may race to write the same entry
        tmp.write_text(text, encoding="utf-8")
    return json.loads(text)  # the same value as a cache hit


def unmatched_councils(source: str, path: Path, data: pd.DataFrame, published: str) -> DataQualityLog:
    """Warn once per local-authority name (column ``local_authority``) that matches no council."""
    log = DataQualityLog()
    unmatched = data[data["la_code"].isna() & (data["local_authority"] != "")]
    for name, group in unmatched.groupby("local_authority"):
        log.warn(source, f"{group['location_id'].nunique()} location(s) with local authority '{name}' match no "
                 f"council; they are left out of council figures (first at row {int(group['_row'].min())})",
                 file=str(path), column=published)
    return log
