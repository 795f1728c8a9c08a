"""A USB stick's folder of laptops' exports, as the lead hands it to the merge: every export
in it and in its subfolders (each inspector's folder, a dated one), and every other file
with the reason it was left out — nothing skipped without a word."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

EXPORT_SUFFIXES = frozenset({".yanshou", ".db"})
MAX_DEPTH = 6  # a stick's folders are shallow; a link loop or a copied tree stops here
# What Windows keeps on every stick: never an inspector's work.
_SYSTEM_FOLDERS = frozenset({"system volume information", "$recycle.bin", "recycler", ".trashes", ".spotlight-v100", ".fseventsd"})
_SYSTEM_FILES = frozenset({"thumbs.db", "desktop.ini", ".ds_store"})  # Thumbs.db is no export, though it ends in .db


@dataclass(frozen=True)
class Skipped:
    path: Path
    reason: str  # not_export | hidden | unreadable | too_deep | link


@dataclass(frozen=True)
class FolderScan:
    exports: tuple[Path, ...]
    skipped: tuple[Skipped, ...]


def exports_in(folder: Path) -> FolderScan:
    """The exports under `folder`, in name order, and what was left out and why."""
    exports: list[Path] = []
    skipped: list[Skipped] = []

    def walk(here: Path, depth: int) -> None:
        try:
            entries = sorted(os.scandir(here), key=lambda e: e.name)
        except OSError:
            skipped.append(Skipped(here, "unreadable"))
            return
        for entry in entries:
            path = Path(entry.path)
            if entry.is_symlink():
                skipped.append(Skipped(path, "link"))
            elif entry.is_dir(follow_symlinks=False):
                if entry.name.lower() in _SYSTEM_FOLDERS:
                    continue  # said nowhere: every stick has them, none holds an export
                if entry.name.startswith("."):
                    skipped.append(Skipped(path, "hidden"))
                elif depth >= MAX_DEPTH:
                    skipped.append(Skipped(path, "too_deep"))
                else:
                    walk(path, depth + 1)
            elif entry.name.startswith(("._", "~$")) or entry.name.lower() in _SYSTEM_FILES:
                continue  # a Mac's or Office's shadow of another file, Explorer's thumbnails
            elif path.suffix.lower() in EXPORT_SUFFIXES:
                exports.append(path)
            else:
                skipped.append(Skipped(path, "not_export"))

    walk(folder, 0)
    return FolderScan(tuple(exports), tuple(skipped))
