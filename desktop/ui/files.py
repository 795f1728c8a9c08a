"""The file dialogs, in one place: each kind of file (an export for the USB stick, the
exports to merge, a document, a score sheet, evidence…) opens where the last one of its kind
was chosen, and the folder chosen is kept (Preferences.folder). A name suggested is made safe
for Windows and FAT sticks first."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from desktop.core.documents import safe_file_name
from desktop.ui.preferences import Preferences


def open_files(parent: QWidget | None, kind: str, title: str, filters: str) -> list[Path]:
    names, _ = QFileDialog.getOpenFileNames(parent, title, str(Preferences().folder(kind)), filters)
    chosen = [Path(n) for n in names]
    if chosen:
        Preferences().remember_folder(kind, chosen[0])
    return chosen


def open_file(parent: QWidget | None, kind: str, title: str, filters: str) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, title, str(Preferences().folder(kind)), filters)
    if not name:
        return None
    Preferences().remember_folder(kind, Path(name))
    return Path(name)


def save_file(parent: QWidget | None, kind: str, title: str, suggested: str, filters: str, *, extension: str = "") -> Path | None:
    """The file to write: the suggested name (made safe) in the kind's folder; the extension
    added when the name typed has none of the filter's."""
    start = Preferences().folder(kind) / safe_file_name(suggested)
    name, _ = QFileDialog.getSaveFileName(parent, title, str(start), filters)
    if not name:
        return None
    target = Path(name)
    if extension and not target.suffix:
        target = target.with_suffix(extension)
    Preferences().remember_folder(kind, target)
    return target


def folder(parent: QWidget | None, kind: str, title: str) -> Path | None:
    name = QFileDialog.getExistingDirectory(parent, title, str(Preferences().folder(kind)))
    if not name:
        return None
    Preferences().remember_folder(kind, Path(name))
    return Path(name)
