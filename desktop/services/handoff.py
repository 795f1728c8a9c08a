"""Evidence handed to another program: which files may be, and how.

A piece of evidence may come from any laptop, by merge: its name and bytes are whatever its
sender chose. Opening it with the system's default action would run an attached `.exe`,
`.bat`, `.js`, `.hta` or `.lnk` on the lead's PC with one double-click. So:
- only pictures, PDFs and a short list of office documents (no macro formats) are opened
  outside, from a copy under a cleaned name in a folder of our own, marked on Windows as
  coming from elsewhere (the `Zone.Identifier` stream: Office opens it in Protected View,
  SmartScreen warns), and removed when the window closes;
- anything else is only saved where the user chooses ("save as"), never opened.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from db import files
from desktop.core.documents import safe_file_name
from desktop.core.errors import InputError
from desktop.services import inspection
from desktop.services.inspection import Evidence
from desktop.services.workspace import Workspace

OPENABLE = frozenset({
    ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".heic", ".webp", ".pdf",
    ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods", ".odp", ".wps", ".et", ".dps", ".txt", ".csv",
})
_PREFIX = "yanshou-view-"
_ZONE = "[ZoneTransfer]\r\nZoneId=3\r\n"  # the Internet zone: what a browser marks a download with


def can_open_outside(evidence: Evidence) -> bool:
    """Whether another program may open it: a picture, a PDF or an office document by its
    name's extension (macro formats and everything that runs are not)."""
    return Path(evidence.name).suffix.lower() in OPENABLE


class Handoff:
    """The folder the copies for other programs go in, one per window; `clear` removes it
    (the window calls it when it closes)."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root
        self.folder: Path | None = None

    def copy(self, ws: Workspace, evidence: Evidence) -> Path:
        """A copy another program may open, under a cleaned name, marked as from elsewhere."""
        if not can_open_outside(evidence):
            raise InputError.single(
                evidence.name, "not_openable", "this kind of file is not opened from Yanshou; save it and check it first",
            )
        if self.folder is None:
            self.folder = Path(tempfile.mkdtemp(prefix=_PREFIX, dir=self.root))
        target = self.folder / evidence.sha256[:8] / safe_file_name(Path(evidence.name).name)
        target.parent.mkdir(exist_ok=True)
        inspection.blob_to_file(ws, evidence.sha256, target)  # a piece at a time: a large video is never held whole
        mark_as_downloaded(target)
        return target

    def clear(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


SESSION = Handoff()  # this program's copies (the window clears them when it closes)


def mark_as_downloaded(path: Path) -> None:
    """The Zone.Identifier stream Windows reads to tell a file came from elsewhere (NTFS only:
    elsewhere, and on FAT, there is no such stream and nothing to do)."""
    if os.name != "nt":
        return
    try:  # pragma: no cover - Windows only
        with open(f"{path}:Zone.Identifier", "w", encoding="ascii") as stream:
            stream.write(_ZONE)
    except OSError:  # pragma: no cover - a file system without streams
        pass


def sweep(root: Path | None = None, older_than_s: float = 24 * 3600) -> None:
    """Remove copies left by a window that did not close (a crash, a power cut)."""
    base = Path(root or tempfile.gettempdir())
    limit = time.time() - older_than_s
    for folder in base.glob(f"{_PREFIX}*"):
        try:
            if folder.is_dir() and folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def save_as(ws: Workspace, evidence: Evidence, target: Path) -> None:
    """The evidence's bytes where the user chose, whole or not at all (streamed into a partial
    file, flushed, renamed)."""
    partial = files.partial_name(target)
    try:
        inspection.blob_to_file(ws, evidence.sha256, partial)
        files.flush_path(partial)
        files.replace(partial, target)
    except files.FileInUse:
        files.discard(partial)
        raise InputError.single(target, "in_use", "the file is open in another program: close it there, then save again") from None
    except OSError as exc:
        files.discard(partial)
        raise InputError.single(target, "unwritable", f"the file cannot be written there ({exc.strerror or exc})") from None
