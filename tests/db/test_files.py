"""Durable writes (db.files) under Windows' rule for fsync, which the suite's conftest applies."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from db import files


def test_the_suite_refuses_fsync_of_a_read_only_handle_as_windows_does(tmp_path: Path) -> None:
    path = tmp_path / "a"
    path.write_bytes(b"x")
    fd = os.open(path, os.O_RDONLY)
    try:
        with pytest.raises(OSError, match="read-only handle"):
            os.fsync(fd)
    finally:
        os.close(fd)
    files.flush_path(path)  # through a writable handle: allowed


def test_copy_and_write_are_whole_and_flushed(tmp_path: Path) -> None:
    source = tmp_path / "s"
    source.write_bytes(b"abc" * 500_000)
    target = tmp_path / "t"
    digest = files.copy(source, target)
    assert target.read_bytes() == source.read_bytes() and len(digest) == 64
    out = tmp_path / "out.bin"
    files.write_bytes(out, b"new")
    assert out.read_bytes() == b"new" and not files.partial_name(out).exists()


def test_a_failed_write_leaves_no_partial_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        files.write_bytes(tmp_path / "no-such-folder" / "x", b"data")
    assert list(tmp_path.iterdir()) == []
