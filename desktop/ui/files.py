"""The file dialogs, in one place: each kind of file (an export for the USB stick, the
exports to merge, a document, a score sheet, evidence…) opens where the last one of its kind
was chosen, and the folder chosen is kept (Preferences.folder). A name suggested is made safe
for Windows and FAT sticks first."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QStorageInfo
from PySide6.QtWidgets import QFileDialog, QWidget

from desktop.core.documents import export_name, safe_file_name
from desktop.ui.preferences import Preferences

if TYPE_CHECKING:
    from desktop.services.workspace import Workspace


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


def removable_drives() -> list[Path]:
    """The USB sticks and cards mounted now, as far as the system tells: on Windows every
    ready, writable drive but the system's; elsewhere what is mounted under /media, /run/media
    or /mnt."""
    system = Path(os.environ.get("SYSTEMDRIVE", "C:") + "\\") if sys.platform == "win32" else Path("/")
    found = []
    for volume in QStorageInfo.mountedVolumes():
        root = Path(volume.rootPath())
        if not volume.isValid() or not volume.isReady() or volume.isReadOnly() or root == system:
            continue
        if sys.platform == "win32" or str(root).startswith(("/media/", "/run/media/", "/mnt/")):
            found.append(root)
    return found


def save_file(parent: QWidget | None, kind: str, title: str, suggested: str, filters: str, *, extension: str = "") -> Path | None:
    """The file to write: the suggested name (made safe) in the kind's folder; the extension
    added when the name typed has none of the filter's. An export with no folder of its own
    yet starts on the USB stick plugged in, if there is one."""
    folder = Preferences().folder(kind)
    if kind == "export" and folder == Path.home():
        folder = next(iter(removable_drives()), folder)
    start = folder / safe_file_name(suggested)
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


def export_target(parent: QWidget | None, ws: Workspace, title: str) -> Path | None:
    """Where an export of this database goes: named by whose (the inspector, or the lead's
    master), which device and when, in the export folder or on the USB stick plugged in."""
    identity = ws.identity
    who = identity.inspector or QCoreApplication.translate("MainWindow", "master")
    suggested = export_name(who, identity.device_id, dt.datetime.now())
    filters = QCoreApplication.translate("MainWindow", "Yanshou export (*.yanshou *.db)")
    return save_file(parent, "export", title, suggested, filters, extension=".yanshou")
