"""Permissions of published files and folders: what the user's umask gives any new file, never a temp file's 0600."""
from __future__ import annotations

import os
from pathlib import Path


def umask() -> int:
    """The process's umask, read without changing it where the system says it (Linux), else set and restored."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def as_published(path: Path | str) -> None:
    """Give a file made by tempfile (0600) or a folder made by mkdtemp (0700) the mode a new one would have."""
    os.chmod(path, (0o777 if Path(path).is_dir() else 0o666) & ~umask())
