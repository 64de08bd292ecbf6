"""The output folder of a run and its staging folders: checked before any work, written only through staging.

Staging folders are the only things a run ever deletes outside its councils' own folders, and only
those it can prove it made: the exact name ``.staging-<pid>-<8 hex>`` *and* a marker file inside
naming that pid (written when the folder is made). Anything else under the output root is left alone.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Callable

from helpers.errors import UsageError
from helpers.files import as_published
from helpers.run import manifest

INTERNAL = "internal"  # the unit (and the tree, OUT/internal/) of the outputs never published
STAGING_PREFIX = ".staging-"
STAGING_NAME = re.compile(r"\.staging-(\d+)-([0-9a-f]{8})")  # exactly what new_staging makes
STAGING_MARKER = ".caremarket-staging"  # written inside every staging folder when it is made


# ------------------------------------------------------------------------------- staging folders


class Staging:
    """Temporary folders in the run's staging folder, moved into place together by commit(), else removed."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.pending: list[tuple[Path, Path]] = []

    def folder(self, final: Path) -> Path:
        """A new empty folder that will become ``final`` on commit."""
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f"{final.name}-", dir=self.root))
        as_published(tmp)
        self.pending.append((tmp, Path(final)))
        return tmp

    def commit(self) -> None:
        """Move every staged folder into place, each replacing its previous version."""
        while self.pending:
            tmp, final = self.pending.pop(0)
            replace_dir(tmp, final, self.root)

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        for tmp, _ in self.pending:
            shutil.rmtree(tmp, ignore_errors=True)
        self.pending.clear()


def replace_dir(new: Path, final: Path, staging: Path | None = None) -> None:
    """Move a finished folder into place, removing the previous one only once the new one is there.

    The previous folder waits in the staging folder with a note of where it belongs, so a run killed
    between the two renames is repaired by the next run (recover_staging).
    """
    staging = Path(staging or new.parent)
    final.parent.mkdir(parents=True, exist_ok=True)
    old = staging / f"old-{uuid.uuid4().hex}"
    note = old.with_suffix(".target")
    try:  # relative to the output root, so the note stays right whatever the working folder of the next run
        where = final.resolve().relative_to(staging.resolve().parent).as_posix()
    except ValueError:
        where = str(final.resolve())
    note.write_text(where, encoding="utf-8")
    if final.exists():
        final.rename(old)
    new.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    note.unlink()


def new_staging(out_root: Path) -> Path:
    """This run's staging folder under the output root (same file system, so moves are renames), with its marker."""
    folder = Path(out_root) / f"{STAGING_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}"
    folder.mkdir(parents=True)
    write_staging_marker(folder, os.getpid())
    return folder


def write_staging_marker(folder: Path, pid: int) -> None:
    """The marker that proves a staging folder is this program's: the owning pid and that process's start time."""
    (Path(folder) / STAGING_MARKER).write_text(json.dumps(
        {"program": "caremarket", "pid": pid, "process_start": _process_start(pid), "created": manifest.now()}),
        encoding="utf-8")


def staging_owner(folder: Path) -> dict | None:
    """The marker of a staging folder this program made, or None: the name must match exactly, the folder be a real
    folder (not a link) and hold a marker naming the same pid."""
    folder = Path(folder)
    match = STAGING_NAME.fullmatch(folder.name)
    if not match or folder.is_symlink() or not folder.is_dir():
        return None
    marker = folder / STAGING_MARKER
    if marker.is_symlink() or not marker.is_file():
        return None
    record = manifest.read_json(marker)
    if record.get("program") != "caremarket" or str(record.get("pid")) != match.group(1):
        return None
    return record


def recover_staging(out_root: Path, echo: Callable[[str], None] = print) -> None:
    """Clear the staging folders of runs that were killed, putting back any previous output caught mid-move.

    Only staging folders this program provably made are touched (see staging_owner); a folder that has the
    name but not the marker is reported and left alone, as is everything else (a user's `.staging-notes`).
    """
    out_root = Path(out_root)
    for folder in sorted(out_root.glob(f"{STAGING_PREFIX}*")):
        if not STAGING_NAME.fullmatch(folder.name):
            continue  # not a name this program makes: not ours
        owner = staging_owner(folder)
        if owner is None:
            if folder.is_dir() and not folder.is_symlink():
                echo(f"warning: {folder} looks like a caremarket staging folder but has no valid "
                     f"{STAGING_MARKER} marker; left alone (remove it yourself if it is not needed)")
            continue
        if not _owner_alive(owner):
            clear_staging(folder, echo)


def clear_staging(folder: Path, echo: Callable[[str], None] = print) -> bool:
    """Remove one of this program's staging folders, first moving back any previous output whose replacement
    never arrived. A folder not provably ours, or holding a previous output that cannot be put back, is kept
    (and reported); returns True when the folder was removed."""
    folder = Path(folder)
    if staging_owner(folder) is None:
        echo(f"warning: {folder} is not a caremarket staging folder; left alone")
        return False
    root = folder.parent.resolve()
    kept = False
    for note in sorted(folder.glob("old-*.target")):
        old = note.with_suffix("")
        if old.is_symlink() or not old.is_dir():
            continue
        final = root / note.read_text(encoding="utf-8").strip()
        if root not in final.resolve().parents:
            echo(f"warning: {folder} holds a previous output for {final}, outside {root}; left alone")
            kept = True
        elif not final.exists():
            final.parent.mkdir(parents=True, exist_ok=True)
            old.rename(final)
    if kept:
        return False
    shutil.rmtree(folder, ignore_errors=True)
    return True


def _process_start(pid: int) -> str | None:
    """When a process started (clock ticks since boot, from /proc), to tell it from a later one with its pid."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat[stat.rindex(")") + 2:].split()[19]
    except (OSError, ValueError, IndexError):
        return None


def _owner_alive(owner: dict) -> bool:
    """True while the run that made a staging folder is still running (a reused pid does not count)."""
    pid = owner.get("pid")
    if not _pid_alive(str(pid)):
        return False
    started = owner.get("process_start")
    return started is None or _process_start(int(pid)) in (None, started)


def _pid_alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True
    return int(pid) != os.getpid()  # our own pid: a finished earlier run in this process


# ------------------------------------------------------------------------------- the output folder


def check_out(out_root: Path, year: int | None = None, codes: list[str] | tuple[str, ...] = ()) -> None:
    """Raise a UsageError, before any work, when the run could not write its output: the output root (or the
    nearest existing folder above it, if it is to be created) must be a writable folder, and so must every
    existing folder the run writes into or replaces — OUT/<year>/, the caches, and each council's folders.

    Writable means a probe file can be created and removed in it (permission bits alone say nothing for root
    or on a read-only file system). Nothing is left behind.
    """
    out_root = Path(out_root)

    def fail(what: str) -> UsageError:
        return UsageError(f"--out {out_root}: {what}")

    existing = next((p for p in [out_root, *out_root.parents] if os.path.lexists(p)), None)
    if existing is None:
        raise fail("no part of this path exists")
    if existing != out_root:
        problem = _folder_problem(existing)
        if problem:
            raise fail(f"cannot be created: {existing} {problem}")
        return  # everything below it is created by the run
    problem = _folder_problem(out_root)
    if problem:
        raise fail(problem)
    if year is None:
        return
    folders = [out_root / str(year), out_root / ".cache", out_root / ".failed", out_root / INTERNAL,
               out_root / INTERNAL / str(year)]
    for folder in folders:
        if os.path.lexists(folder) and (problem := _folder_problem(folder)):
            raise fail(f"{folder} {problem}")
    for code in codes:  # a folder moved to another parent must itself be writable (its '..' entry changes)
        for folder in (out_root / str(year) / code, internal_dir(out_root, year, code)):
            if os.path.lexists(folder) and (problem := _folder_problem(folder)):
                raise fail(f"{folder} {problem}, so it cannot be replaced")


def _folder_problem(path: Path) -> str | None:
    """Why path is not a folder the run can write in (phrased after the path), or None when it is."""
    path = Path(path)
    if not path.exists():
        return "is a broken link" if path.is_symlink() else "does not exist"
    if not path.is_dir():
        return "is a file, not a folder"
    if not os.access(path, os.W_OK | os.X_OK):
        return "is not writable (permission denied)"
    try:
        fd, probe = tempfile.mkstemp(prefix=".caremarket-probe-", dir=path)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        return f"is not writable ({exc.strerror or exc})"
    return None


def internal_dir(out_root: Path, year: int, code: str) -> Path:
    """Where a council's internal (never published) outputs go: a tree apart from OUT/<year>/."""
    return Path(out_root) / INTERNAL / str(year) / code
