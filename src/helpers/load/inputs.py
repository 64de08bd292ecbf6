"""The inputs of one council's assessment: every source found under the data folder, loaded once, on demand.

Files are found through ``helpers.load.catalogue``, exactly as ``caremarket validate`` finds them
(the council's own files must also carry the council's code in their name); two files of one
source that share a vintage are an InputError naming both. Optional sources that are
absent load as None (the MPS then says the section could not be computed and why). Each source
loaded is recorded (name, file, vintage, synthetic) for the MPS's sources list, and its warnings
are collected in one DataQualityLog.
"""
from __future__ import annotations

import dataclasses
from collections import OrderedDict
from functools import cached_property
from pathlib import Path
from typing import Callable

import pandas as pd

from helpers.errors import DataQualityLog, InputError
from helpers.load import ascfr, ascof, catalogue, cqc_directory, cqc_ratings, ons_population, skills_for_care, vintages
from helpers.load.local_loader import load_council
from helpers.load.file_names import name_date
from helpers.load.reading import SourceTable, file_hash, kept


NATIONAL_MEMORY = 16  # national tables kept per process
_national: OrderedDict[tuple[str, str, str], SourceTable] = OrderedDict()


def load_national(loader: Callable[[Path, Path | None], SourceTable], path: Path,
                  cache_dir: Path | None) -> SourceTable:
    """A national file's table, loaded (parsed and checked) once per process; each caller gets its own copy.

    England-wide files are the same for every council, so a worker running many councils keeps them,
    keyed on the file's content hash, instead of re-checking them for every notebook.
    """
    key = (f"{loader.__module__}.{loader.__qualname__}", file_hash(path), str(cache_dir))
    table = kept(_national, key, NATIONAL_MEMORY, lambda: loader(path, cache_dir))
    log = DataQualityLog()
    log.extend(table.log)
    return dataclasses.replace(table, data=table.data.copy(deep=False), log=log)


class Inputs:
    """Lazy access to the sources of one council's assessment."""

    def __init__(self, data_dir: Path, council_code: str, cache_dir: Path | None = None,
                 year: int | None = None) -> None:
        self.data_dir, self.council_code = Path(data_dir), council_code
        self.cache_dir = Path(cache_dir) if cache_dir else None
        # a statement for `year` uses each source's newest file published by its date (helpers.load.vintages);
        # no year: the newest file of each source
        self.when = vintages.statement_date(year) if year else None
        if not self.data_dir.is_dir():
            raise InputError(f"data folder not found: {self.data_dir}")
        self.log = DataQualityLog()
        self.sources: list[dict[str, object]] = []

    def _record(self, name: str, table: SourceTable) -> SourceTable:
        if not any(s["file"] == table.file.name for s in self.sources):
            self.sources.append({"source": name, "file": table.file.name, "vintage": str(table.vintage),
                                 "synthetic": bool(table.synthetic) or "synthetic" in table.file.name.casefold(),
                                 "sha256": file_hash(table.file)})  # which of same-named files (the manifest)
            self.log.extend(table.log)
        return table

    def files(self, source_name: str) -> list[Path]:
        """The files of a national source under the data folder, sorted by path (``catalogue.files``)."""
        return catalogue.files(catalogue.source(source_name), self.data_dir)

    def snapshot_files(self) -> list[Path]:
        """The files of every CQC directory snapshot the statement uses, oldest first (none is parsed)."""
        files = cqc_directory.in_vintage_order(self.files(cqc_directory.SOURCE), self.cache_dir)
        if self.when is not None:
            files = [f for f in files if cqc_directory.vintage_of(f, self.cache_dir) <= self.when]
        if not files:
            by = f" as at {self.when.day} {self.when:%B %Y} or earlier" if self.when is not None else ""
            raise InputError(f"no CQC care directory{by} found: expected a file named like "
                             f"'{cqc_directory.FILE_NAMES.example}' under {self.data_dir}")
        return files

    @cached_property
    def snapshots(self) -> list[SourceTable]:
        """Every CQC directory snapshot, oldest first (the last is the current market)."""
        return [load_national(cqc_directory.load, f, self.cache_dir) for f in self.snapshot_files()]

    @cached_property
    def directory(self) -> SourceTable:
        """The latest CQC directory snapshot."""
        return self._record(cqc_directory.SOURCE, self.snapshots[-1])

    @cached_property
    def vintage_date(self) -> pd.Timestamp:
        """The date of the latest directory: 'now' for every figure."""
        return cqc_directory.vintage_of(self.directory.file, self.cache_dir)

    def named_by_date(self, source: str) -> bool:
        """Whether every file of a national source carries its date in its name (CQC's files do)."""
        files = self.files(source)
        return bool(files) and catalogue.source(source).file_names.dated and all(name_date(f.name) for f in files)

    def chosen_by_name(self, source: str) -> Path | None:
        """The file of a source named by date that the statement uses, chosen by name without parsing any; None
        when some file's name carries no date (``named_by_date``)."""
        if not self.named_by_date(source):
            return None
        files = self.files(source)
        return vintages.newest(files, [pd.Timestamp(name_date(f.name)) for f in files], self.when, source, files)

    def _newest(self, source: str, loader: Callable[[Path, Path | None], SourceTable]) -> SourceTable | None:
        """A national source's table for this statement: its newest file published by the statement's date (the
        last by path when no year is given, without loading the others); None when there is none."""
        files = self.files(source)
        if self.when is None or not files:
            return self._record(source, load_national(loader, files[-1], self.cache_dir)) if files else None
        if self.named_by_date(source):  # dated names (CQC's): choose by name, parse only the file chosen
            chosen = self.chosen_by_name(source)
            return None if chosen is None else self._record(source, load_national(loader, chosen, self.cache_dir))
        tables = [load_national(loader, f, self.cache_dir) for f in files]
        table = vintages.newest(tables, [vintages.published(t.vintage) for t in tables], self.when, source, files)
        return None if table is None else self._record(source, table)

    @cached_property
    def ratings(self) -> SourceTable | None:
        """The latest CQC ratings file, if any."""
        return self._newest(cqc_ratings.SOURCE, cqc_ratings.load)

    @cached_property
    def snpp(self) -> SourceTable:
        """ONS subnational population projections (required: every rate is per 1,000 of an age band)."""
        table = self._newest(ons_population.SOURCE_SNPP, ons_population.load_snpp)
        if table is None:
            by = f" published by {self.when.day} {self.when:%B %Y}" if self.when is not None else ""
            raise InputError(f"no ONS population projections{by} found: expected a file named like "
                             f"'{ons_population.SNPP_FILE_NAMES.example}' under {self.data_dir}")
        return table

    @cached_property
    def ascfr(self) -> SourceTable | None:
        """The latest ASC-FR activity and finance file (by financial year), if any."""
        files = self.files(ascfr.SOURCE)
        tables = [load_national(ascfr.load, f, self.cache_dir) for f in files]
        if self.when is not None:
            keep = [t for t in tables if (vintages.published(t.vintage) or self.when) <= self.when]
            tables = keep
        if not tables:
            return None
        return self._record(ascfr.SOURCE, max(tables, key=lambda t: int(t.data["fy_ending"].max())))

    def _ascof(self, loader) -> SourceTable | None:
        return self._newest(ascof.SOURCE, loader)

    @cached_property
    def ascof_turnover(self) -> SourceTable | None:
        """ASCOF Table_6a (staff turnover), if an ASCOF file is present."""
        return self._ascof(ascof.staff_turnover)

    @cached_property
    def ascof_ratings(self) -> SourceTable | None:
        """ASCOF Table_6b (% of residential providers rated Good or Outstanding), if present."""
        return self._ascof(ascof.provider_ratings)

    @cached_property
    def skills_for_care(self) -> SourceTable | None:
        """The Skills for Care LA workforce file, if any."""
        return self._newest(skills_for_care.SOURCE, skills_for_care.load)

    def local(self, name: str) -> SourceTable | None:
        """The council's own file of a local source (e.g. 'occupancy'), or None when not supplied."""
        spec = catalogue.LOCAL_SOURCES[name]
        table = load_council(spec, self.data_dir, self.council_code, self.cache_dir, self.when)
        return None if table is None else self._record(spec.title, table)
