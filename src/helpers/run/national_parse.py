"""England's files parsed into a run's parquet cache in parallel, before any council needs them.

The national files (CQC directory snapshots and ratings, ONS projections, ASC-FR, ASCOF, Skills for Care) are
the same for every council. On a fresh data folder or cache, parsing them is most of a council's first run (about
20 s of CPU for all of England's files), and one process would parse them one after another; here each file the
statement's year uses is parsed by one of ``processes`` worker processes (``helpers.run.workers``: Ctrl-C and a
dying worker are handled as in the run itself), largest first, and written to the cache the councils then read.
A warm cache (the snapshots and the ratings already parsed) is left alone, and so are errors: the councils' own
runs report them, naming the council.
"""
from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from helpers.load import cqc_directory, cqc_ratings
from helpers.load.inputs import Inputs
from helpers.load.reading import cache_file
from helpers.run import workers

# Inputs' properties holding a national table other than the ratings and the directory snapshots, largest first
SOURCES = ("snpp", "ascfr", "skills_for_care", "ascof_turnover", "ascof_ratings")


@dataclass(frozen=True)
class Task:
    """One national table to parse into the cache: an ``Inputs`` property, or one directory snapshot."""

    data_dir: Path
    code: str
    cache_dir: Path
    year: int | None
    what: str  # an Inputs property name, or "snapshot"
    file: Path | None = None  # the snapshot's file


def tasks(data_dir: Path, code: str, cache_dir: Path, year: int | None, snapshots: list[Path]) -> list[Task]:
    """What a council's run of ``year`` parses from England's files, largest first: the ratings, each directory
    snapshot (newest first), then the other national sources."""
    return [Task(data_dir, code, cache_dir, year, "ratings"),
            *(Task(data_dir, code, cache_dir, year, "snapshot", f) for f in reversed(snapshots)),
            *(Task(data_dir, code, cache_dir, year, what) for what in SOURCES)]


def _parsed(inputs: Inputs, cache_dir: Path) -> tuple[list[Path], bool]:
    """The statement's directory snapshots, and whether they and its ratings file are in the cache already (the
    largest tables; ``caremarket run --all`` has parsed the newest snapshot to list the councils)."""
    snapshots = inputs.snapshot_files()
    wanted = [cache_file(s, cache_dir, cqc_directory.CACHE_KEY) for s in snapshots]
    ratings = inputs.chosen_by_name(cqc_ratings.SOURCE) if inputs.when is not None else None
    wanted += [cache_file(ratings, cache_dir, cqc_ratings.CACHE_KEY)] if ratings is not None else []
    return snapshots, all(p.exists() for p in wanted)


def parse(task: Task) -> str:
    """Parse one national table into the cache (a worker's job); returns what it parsed."""
    from helpers.load.inputs import load_national
    if task.what == "snapshot":
        load_national(cqc_directory.load, task.file, task.cache_dir)
    else:
        getattr(Inputs(task.data_dir, task.code, task.cache_dir, task.year), task.what)
    return task.what


def parse_national(data_dir: Path, code: str, cache_dir: Path, year: int | None, processes: int,
                   echo: Callable[[str], None] = lambda message: None, timeout: float | None = None) -> int:
    """Parse what a run of ``year`` needs from England's files into cache_dir with ``processes`` workers when the
    cache is cold (a directory snapshot or the ratings file not parsed yet), saying so with ``echo``; returns the number of
    tables parsed here. A table still parsing after ``timeout`` seconds (the run's time limit per council) is
    stopped and left to the councils' runs, which report it."""
    if processes < 2:
        return 0
    try:
        snapshots, parsed = _parsed(Inputs(data_dir, code, cache_dir, year), Path(cache_dir))
    except Exception:  # no directory, twins, a bad README: the councils' runs report it
        return 0
    if parsed:
        return 0
    todo = tasks(Path(data_dir), code, Path(cache_dir), year, snapshots)
    echo(f"reading England's files ({len(todo)} tables) into the cache with {min(processes, len(todo))} workers: "
         "once per data folder")
    with closing(workers.imap_unordered(parse, todo, processes, timeout=timeout)) as finished:
        return sum(isinstance(outcome, str) for _, outcome in finished)
