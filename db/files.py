"""Durable file writes: the one place that flushes a file to the disk and renames it in.

Windows' `os.fsync` is `FlushFileBuffers`, which needs a handle open for writing: a file
opened read-only to be flushed fails there with EBADF. So a file is flushed through the
handle that wrote it, never reopened read-only for the purpose; a folder is flushed only
where a folder can be opened (POSIX), which is what makes a rename durable there.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

_CHUNK = 1024 * 1024


def flush(f: IO[Any]) -> None:
    """Python's buffer, then the system's, of a file open for writing."""
    f.flush()
    os.fsync(f.fileno())


def flush_path(path: Path) -> None:
    """Flush a file someone else wrote (SQLite, a library) through a writable handle."""
    with open(path, "r+b") as f:
        os.fsync(f.fileno())


def flush_folder(path: Path) -> None:
    """Make a rename inside `path` durable. Windows cannot open a folder; its renames are
    journalled by NTFS, so nothing is needed there."""
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def copy(source: Path, target: Path, *, progress: Callable[[int], None] | None = None) -> str:
    """Copy `source` to `target` in our own loop (write, flush, fsync through the writing
    handle), returning the SHA-256 of the bytes written."""
    digest = hashlib.sha256()
    done = 0
    with open(source, "rb") as src, open(target, "wb") as dst:
        while chunk := src.read(_CHUNK):
            dst.write(chunk)
            digest.update(chunk)
            done += len(chunk)
            if progress is not None:
                progress(done)
        flush(dst)
    return digest.hexdigest()


def partial_name(path: Path) -> Path:
    """Where a file is written before it is renamed to `path`."""
    return path.with_name(path.name + ".partial")


def replace(partial: Path, target: Path) -> None:
    """Rename the flushed `partial` over `target`, durably."""
    os.replace(partial, target)
    flush_folder(target.parent)


def write_bytes(target: Path, data: bytes) -> None:
    """Write whole or not at all: to a partial name, flushed, renamed. Raises OSError (the
    partial file removed)."""
    partial = partial_name(target)
    try:
        with open(partial, "wb") as f:
            f.write(data)
            flush(f)
        replace(partial, target)
    except OSError:
        partial.unlink(missing_ok=True)
        raise
