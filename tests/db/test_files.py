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


def test_a_file_held_for_a_moment_is_replaced_after_a_retry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows refuses to replace a file another program has open (Defender scans for a moment)."""
    target = tmp_path / "表.pdf"
    target.write_bytes(b"old")
    real = os.replace
    refusals = iter([PermissionError(13, "Access is denied")] * 2)

    def held(src: object, dst: object) -> None:
        if (error := next(refusals, None)) is not None:
            raise error
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", held)
    monkeypatch.setattr(files, "RETRY_PAUSE_S", 0)
    files.write_bytes(target, b"new")
    assert target.read_bytes() == b"new"


def test_a_file_kept_open_elsewhere_is_said_as_such(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop.core.errors import InputError
    from desktop.services import tables

    target = tmp_path / "结果.csv"
    target.write_bytes(b"old")

    def held(_src: object, _dst: object) -> None:
        raise PermissionError(13, "Access is denied")

    monkeypatch.setattr(os, "replace", held)
    monkeypatch.setattr(files, "RETRY_PAUSE_S", 0)
    with pytest.raises(InputError) as caught:
        tables.write(target, ["县区"], [["金安区"]], title="验收结果")
    assert caught.value.problems[0].code == "in_use" and "close it there" in caught.value.problems[0].message
    assert target.read_bytes() == b"old" and not files.partial_name(target).exists()


def test_an_export_too_big_for_a_fat32_stick_is_refused_before_copying(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert files.room_problem(tmp_path, 10) is None
    monkeypatch.setattr(files, "filesystem", lambda _folder: "vfat")
    problem = files.room_problem(tmp_path, 5 * 1024**3)
    assert problem is not None and "FAT32" in problem and "exFAT" in problem
    assert files.room_problem(tmp_path, 1024) is None  # small files fit a FAT stick
    monkeypatch.setattr(files, "filesystem", lambda _folder: "exfat")
    too_much = files.room_problem(tmp_path, 10**18)
    assert too_much is not None and "free" in too_much


def test_the_export_says_it_does_not_fit_and_uses_no_number(field_db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy import text

    from db import snapshot
    from db.errors import KnownDatabaseError

    monkeypatch.setattr(files, "room_problem", lambda _folder, _size: "this stick is formatted FAT32, which holds files up to 4 GiB")
    with field_db.read() as conn:
        signer = field_db.signer(tmp_path / "keys", conn)
    with pytest.raises(KnownDatabaseError, match="does not fit"):
        snapshot.export(field_db, signer, tmp_path / "usb" / "out.db", created="2026-12-01T00:00:00+00:00")
    with field_db.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM manifest")).scalar() == 0  # no export number used up
    assert not (tmp_path / "usb" / "out.db").exists()
