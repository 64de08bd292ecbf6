"""Tests of helpers.load.reading: the content hash, the parquet cache and the in-process memory in front of it,
and the data-folder listing."""
import hashlib
import os
import time
from pathlib import Path

import pandas as pd
import pytest

from helpers.load import reading


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "source.csv"
    path.write_text("a,b\n1,x\n2,y\n")
    return path


def build_counter(calls: list[int]):
    def build() -> pd.DataFrame:
        calls.append(1)
        return pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    return build


def test_second_read_comes_from_memory_not_from_parquet_or_the_source(source, tmp_path, monkeypatch):
    calls: list[int] = []
    first = reading.cached(source, tmp_path / "cache", "demo", build_counter(calls))
    reads = []
    monkeypatch.setattr(reading.pd, "read_parquet", lambda *a, **k: reads.append(a) or pd.DataFrame())
    second = reading.cached(source, tmp_path / "cache", "demo", build_counter(calls))
    assert calls == [1] and reads == []
    pd.testing.assert_frame_equal(first, second)


def test_changing_a_returned_frame_does_not_change_the_next_one(source, tmp_path):
    first = reading.cached(source, tmp_path / "cache", "demo", build_counter([]))
    first["a"] = 99
    first.loc[0, "b"] = "changed"
    again = reading.cached(source, tmp_path / "cache", "demo", build_counter([]))
    assert again["a"].tolist() == [1, 2] and again["b"].tolist() == ["x", "y"]


def test_a_changed_source_is_rebuilt(source, tmp_path):
    calls: list[int] = []
    reading.cached(source, tmp_path / "cache", "demo", build_counter(calls))
    source.write_text("a,b\n1,x\n2,z\n")
    reading.cached(source, tmp_path / "cache", "demo", build_counter(calls))
    assert calls == [1, 1]


def test_memory_keeps_at_most_memory_size_frames(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "MEMORY_SIZE", 2)
    for i in range(4):
        path = tmp_path / f"s{i}.csv"
        path.write_text(f"a\n{i}\n")
        reading.cached(path, tmp_path / "cache", "demo", lambda i=i: pd.DataFrame({"a": [i]}))
    assert len(reading._memory) <= 2


def test_data_files_sees_a_file_added_to_a_subfolder_after_the_first_listing(tmp_path):
    (tmp_path / "local").mkdir()
    (tmp_path / "local" / "a.csv").write_text("x")
    assert reading.data_files(tmp_path) == (tmp_path / "local" / "a.csv",)
    (tmp_path / "local" / "b.csv").write_text("x")
    (tmp_path / "local" / "a.csv").unlink()
    assert reading.data_files(tmp_path) == (tmp_path / "local" / "b.csv",)


def test_a_missing_data_folder_has_no_files(tmp_path):
    assert reading.data_files(tmp_path / "absent") == ()


def test_a_settled_folder_is_listed_once_until_it_changes(tmp_path, monkeypatch):
    (tmp_path / "a.csv").write_text("x")
    settled = time.time() - 10
    os.utime(tmp_path, (settled, settled))
    reading.data_files(tmp_path)
    walks: list[str] = []
    scandir = os.scandir
    monkeypatch.setattr(reading.os, "scandir", lambda folder: walks.append(folder) or scandir(folder))
    assert reading.data_files(tmp_path) == (tmp_path / "a.csv",) and walks == []
    (tmp_path / "b.csv").write_text("x")
    assert reading.data_files(tmp_path) == (tmp_path / "a.csv", tmp_path / "b.csv") and walks == [str(tmp_path)]



@pytest.fixture
def hash_reads(monkeypatch) -> list[str]:
    """The files sha256_file reads (file_hash's one hashing routine)."""
    reads: list[str] = []
    real = reading.sha256_file
    monkeypatch.setattr(reading, "sha256_file", lambda p: reads.append(str(p)) or real(p))
    return reads


def test_file_hash_of_a_file_just_changed_is_never_remembered(tmp_path, hash_reads):
    fresh = tmp_path / "fresh.csv"
    fresh.write_text("a\n1\n")
    assert reading.file_hash(fresh) == reading.file_hash(fresh) == hashlib.sha256(b"a\n1\n").hexdigest()
    assert len(hash_reads) == 2


def test_file_hash_is_remembered_at_rest_and_a_same_size_edit_with_the_old_mtime_is_seen(tmp_path, hash_reads,
                                                                                          monkeypatch):
    path = tmp_path / "national.csv"
    path.write_text("a\n1\n")
    past = time.time_ns() - 5_000_000_000
    os.utime(path, ns=(past, past))
    time.sleep(1.1)  # the change time (set by utime) settles
    assert reading.file_hash(path) == reading.file_hash(path) == hashlib.sha256(b"a\n1\n").hexdigest()
    assert len(hash_reads) == 1  # remembered
    path.write_text("a\n2\n")  # the same size, and the modification time set back as `rsync -t` would
    os.utime(path, ns=(past, past))
    assert reading.file_hash(path) == hashlib.sha256(b"a\n2\n").hexdigest()
    later = time.time_ns() + 5_000_000_000
    monkeypatch.setattr(reading.time, "time_ns", lambda: later)  # once this change has settled too
    assert reading.file_hash(path) == hashlib.sha256(b"a\n2\n").hexdigest()
