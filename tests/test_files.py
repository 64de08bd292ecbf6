"""helpers.files: published files and folders get the umask's mode, not tempfile's private one."""
from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

import pytest

from helpers.files import as_published, replacing, umask, write_text


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


def test_an_atomic_write_that_fails_keeps_the_previous_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = write_text(tmp_path / "out.json", "previous")
    with pytest.raises(RuntimeError):
        with replacing(target) as tmp:
            tmp.write_text("half", encoding="utf-8")
            raise RuntimeError("killed mid-write")
    assert target.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]
    write_text(target, "new")
    assert target.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o666 & ~umask()
