"""helpers.run.file_modes: published files and folders get the umask's mode, not tempfile's private one."""
from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

import pytest

from helpers.run.file_modes import as_published, umask


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o002])
def test_temp_files_and_folders_get_the_mode_the_umask_gives(tmp_path: Path, mask: int) -> None:
    old = os.umask(mask)
    try:
        assert umask() == mask
        fd, name = tempfile.mkstemp(dir=tmp_path)
        os.close(fd)
        folder = tempfile.mkdtemp(dir=tmp_path)
        assert stat.S_IMODE(os.stat(name).st_mode) == 0o600  # what tempfile makes
        as_published(name)
        as_published(folder)
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(name).st_mode) == 0o666 & ~mask
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o777 & ~mask
