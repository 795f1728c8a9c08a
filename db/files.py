"""Durable file writes: the one place that flushes a file to the disk and renames it in.

Windows' `os.fsync` is `FlushFileBuffers`, which needs a handle open for writing: a file
opened read-only to be flushed fails there with EBADF. So a file is flushed through the
handle that wrote it, never reopened read-only for the purpose; a folder is flushed only
where a folder can be opened (POSIX), which is what makes a rename durable there.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
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


def discard(path: Path) -> None:
    """Remove what a failed write left, if it can: the error on its way is the one to tell
    (a folder that is a file, a stick pulled out, a read-only medium make the removal fail
    too, and its error would hide the first)."""
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def partial_name(path: Path) -> Path:
    """Where a file is written before it is renamed to `path`."""
    return path.with_name(path.name + ".partial")


class FileInUse(PermissionError):
    """The target is held by another program (a PDF open in Acrobat or WPS, a table in Excel):
    Windows refuses to replace it. Said as such, after a short retry (Defender's scans hold
    files for a moment too)."""


RETRIES = 10
RETRY_PAUSE_S = 0.2


def replace(partial: Path, target: Path) -> None:
    """Rename the flushed `partial` over `target`, durably; a target another program holds is
    retried for about two seconds, then FileInUse (the partial file stays for the caller)."""
    for attempt in range(RETRIES):
        try:
            os.replace(partial, target)
            break
        except PermissionError as exc:
            if attempt == RETRIES - 1 or not target.exists():
                raise FileInUse(
                    exc.errno, "the file is open in another program: close it there, then try again", str(target),
                ) from exc
            time.sleep(RETRY_PAUSE_S)
    flush_folder(target.parent)


# --- room on the target -------------------------------------------------------------------------

FAT_MAX_BYTES = 4 * 1024**3 - 1  # the largest file FAT32 holds
_FAT = {"vfat", "msdos", "fat", "fat32", "fat16"}


def filesystem(folder: Path) -> str | None:
    """The kind of file system a folder is on, lower case ("vfat", "exfat", "ntfs"…), or None
    when it cannot be told."""
    try:
        if os.name == "nt":
            return _windows_filesystem(folder)
        where = str(folder.resolve())
        best, kind = "", None
        with open("/proc/mounts", encoding="utf-8", errors="replace") as mounts:
            for line in mounts:
                parts = line.split()
                if len(parts) >= 3:
                    point = parts[1].replace("\\040", " ")
                    if (where == point or where.startswith(point.rstrip("/") + "/")) and len(point) > len(best):
                        best, kind = point, parts[2].lower()
        return kind
    except OSError:
        return None


def _windows_filesystem(folder: Path) -> str | None:  # pragma: no cover - Windows only
    import ctypes

    root = ctypes.create_unicode_buffer(261)
    if not ctypes.windll.kernel32.GetVolumePathNameW(str(folder.resolve()), root, 261):  # type: ignore[attr-defined]
        return None
    name = ctypes.create_unicode_buffer(261)
    ok = ctypes.windll.kernel32.GetVolumeInformationW(root, None, 0, None, None, None, name, 261)  # type: ignore[attr-defined]
    return name.value.lower() if ok else None


_NETWORK = {"nfs", "nfs4", "cifs", "smb", "smb3", "smbfs", "fuse.sshfs", "9p", "afs", "ncpfs", "davfs", "fuse.davfs2"}


def file_uri(path: Path, query: str = "") -> str:
    """A SQLite URI for a path; percent-encoded, so '?', '#', '%' or spaces in a folder name are safe."""
    return path.resolve().as_uri() + (f"?{query}" if query else "")


def writable(path: Path) -> bool:
    """Whether SQLite can write the file: the file and its folder (the WAL's -shm lives there)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def on_network(path: Path) -> bool:
    """Whether a path is on a network share: a UNC path (\\\\server\\share), a mapped network
    drive, or a network file system's mount."""
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return True
    if os.name == "nt":  # pragma: no cover - Windows only
        import ctypes

        drive = os.path.splitdrive(os.path.abspath(text))[0]
        return bool(drive) and ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == 4  # type: ignore[attr-defined]  # DRIVE_REMOTE
    folder = path if path.is_dir() else path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return (filesystem(folder) or "") in _NETWORK


def room_problem(folder: Path, size: int) -> str | None:
    """Why a file of `size` bytes will not fit in `folder`, before a byte is written: the free
    space, or a FAT32 stick's 4 GiB limit. None when it fits (or nothing can be told)."""
    if filesystem(folder) in _FAT and size > FAT_MAX_BYTES:
        return (
            f"the file will be {size / 1024**3:.1f} GiB and this stick is formatted FAT32, which holds files up to 4 GiB: "
            "format it as exFAT (Windows: right-click the stick, Format…, exFAT) or use another"
        )
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return None
    if size > free:
        return f"the file will be {size:,} bytes and {folder} has {free:,} free: free some space or use another stick"
    return None


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
        discard(partial)
        raise
