"""What a file written for the user (a PDF, a sheet, an export on the USB stick) may be
written over: never a database a laptop or a master works in, in the clear or encrypted at
rest (a slip of the arguments, `export laptop.db master.db`, would lose the lead's whole
master); never a device or a pipe (`/dev/null` would be replaced by a file). Every face that
writes such a file asks here before it writes (desktop.services.documents.write_file,
db.snapshot.export), and the window's save dialogs end in those.

An export may replace an earlier export (the same name on the stick each day), sealed or in
the clear; a document may replace anything else that is a regular file, as a save dialog
that asked first does. A database encrypted at rest has no header to know it by (all but its
random salt is encrypted): a file that is neither plain SQLite nor a document, and a whole
number of the encrypted files' pages long, is taken for one.
"""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

from db import cipher, manifest, seal
from db.errors import KnownDatabaseError
from db.files import file_uri

# How documents we write, or that a user may keep, begin: such a file is not taken for an
# encrypted database whatever its length (a PDF; an XLSX, a DOCX, a zip).
DOCUMENT_MAGICS = (b"%PDF-", b"PK\x03\x04")


class WouldOverwrite(KnownDatabaseError):
    """The file to be written is there and must not be written over (kind: `what_is_there`)."""

    code = "would_overwrite"

    def __init__(self, path: str | Path, message: str, kind: str) -> None:
        super().__init__(path, message)
        self.kind = kind


def what_is_there(target: Path) -> str:
    """What is at `target`: "none" (nothing, or nothing that can be looked at: the write then
    says why), "folder", "special" (a device, a pipe, a socket), "export" (a sealed export, or
    an export in the clear), "database" (another SQLite file: a laptop's or a master's own),
    "encrypted" (looks like a database encrypted at rest), or "other"."""
    try:
        info = target.stat()  # through a link: what it points to
    except OSError:
        return "none"
    if stat.S_ISDIR(info.st_mode):
        return "folder"
    if not stat.S_ISREG(info.st_mode):
        return "special"
    try:
        with target.open("rb") as f:
            head = f.read(max(len(seal.MAGIC), len(cipher.PLAIN_MAGIC)))
    except OSError:
        return "none"
    if head.startswith(seal.MAGIC):
        return "export"
    if head.startswith(cipher.PLAIN_MAGIC):
        return "export" if _plain_export(target) else "database"
    if head and not head.startswith(DOCUMENT_MAGICS) and info.st_size % cipher.PAGE_SIZE == 0:
        return "encrypted"
    return "other"


def _plain_export(path: Path) -> bool:
    """Whether a plain SQLite file is an export (its manifest named in its local state), read
    as any file from outside is: read-only, nothing of its schema trusted."""
    try:
        conn = sqlite3.connect(file_uri(path, "mode=ro&immutable=1"), uri=True)
    except sqlite3.Error:
        return False
    try:
        conn.execute("PRAGMA trusted_schema=OFF")
        return conn.execute("SELECT 1 FROM local_state WHERE key = ?", (manifest.EXPORT_KEY,)).fetchone() is not None
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def check_export(target: Path) -> None:
    """An export may be written at `target`: nothing is there, an earlier export, or a file of
    no kind of ours. WouldOverwrite names what is there otherwise."""
    kind = what_is_there(target)
    if kind in {"none", "export", "other"}:
        return
    raise WouldOverwrite(target, _why(kind, "the export"), kind)


def document_refusal(target: Path) -> tuple[str, str] | None:
    """Why a document (a PDF, a sheet) may not be written at `target`, as (what is there,
    why), or None: what is there is nothing, or a file of no kind of ours."""
    kind = what_is_there(target)
    return None if kind in {"none", "other"} else (kind, _why(kind, "the document"))


def _why(kind: str, what: str) -> str:
    return {
        "folder": f"a folder has that name; give {what} a file name",
        "special": "that is a device or a pipe, not a file; choose a file",
        "export": f"that file is an export of a laptop or the master: writing {what} over it would lose it; choose another name",
        "database": f"that file is a database: writing {what} over it would lose it; choose another name",
        "encrypted": f"that file looks like a database encrypted at rest: writing {what} over it would lose it; choose another name",
    }[kind]
