"""Evidence of the item: thumbnails of photos and icons of documents, attached by button
or by dropping files; thumbnails are made in a worker thread and cached in the file, so
the GUI never decodes a full photo to draw the strip. The panels show what the window gives
them and ask it for every change (signals); opening a piece of evidence reads it through the
window's operations (desktop.ui.viewer)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QObject, QSize, Qt, QThreadPool, Signal
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QGuiApplication, QIcon, QImage, QKeyEvent, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import paths
from desktop.core.devices import shown_time
from desktop.services.views import Evidence
from desktop.ui import files, jobs, later
from desktop.ui.item_view import mode_label
from desktop.ui.operations import Operations

if TYPE_CHECKING:
    from desktop.services import inspection
    from desktop.services.workspace import Workspace
else:
    (inspection,) = later.modules("desktop.services.inspection")  # thumbnails and files, read off the GUI thread

THUMB = 100
RECORD_ROLE = Qt.ItemDataRole.UserRole + 1


def _thumbnail_grid(widget: QListWidget, name: str) -> QListWidget:
    """A list shown as a grid of thumbnails with their labels."""
    widget.setObjectName(name)
    widget.setViewMode(QListView.ViewMode.IconMode)
    widget.setIconSize(QSize(THUMB, THUMB))
    widget.setGridSize(QSize(THUMB + 30, THUMB + 44))
    widget.setResizeMode(QListView.ResizeMode.Adjust)
    widget.setMovement(QListView.Movement.Static)
    return widget


def _thumbnail_image(ws: Workspace, sha: str) -> QImage:
    data = inspection.thumbnail(ws, sha)
    return QImage.fromData(data) if data else QImage()


class _Thumbnails(QObject):
    """The icons of a list of evidence: a document icon at once, then the photo's thumbnail
    when a worker has made it (one decode at a time: old laptops, and the GUI keeps a core)."""

    def __init__(self, ws: Workspace, parent: QWidget) -> None:
        super().__init__(parent)
        self.ws = ws
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._owner = parent  # its style() is asked when first needed (document)
        self._document: QIcon | None = None
        self._items: dict[str, list[QListWidgetItem]] = {}

    @property
    def document(self) -> QIcon:
        """A document's icon, and a photo's until its thumbnail is made. Asked of the style
        when first needed: QStyle's Python type costs some 15 ms (its wrapper is made by style()
        itself), and the first window to paint often shows no evidence."""
        if self._document is None:
            from PySide6.QtWidgets import QStyle

            self._document = self._owner.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)
        return self._document

    def clear(self) -> None:
        self._items.clear()

    def item(self, evidence: Evidence, text: str) -> QListWidgetItem:
        item = QListWidgetItem(self.document, text)
        item.setData(RECORD_ROLE, evidence.record_id)
        self._items.setdefault(evidence.sha256, []).append(item)
        if evidence.is_image:
            sha = evidence.sha256
            # a thumbnail that cannot be made is logged; the document icon stays
            jobs.start(
                self.pool,
                lambda: _thumbnail_image(self.ws, sha),
                parent=self,
                done=lambda image: self._ready(sha, image),
                failed=paths.log_error,
            )
        return item

    def _ready(self, sha: str, image: QImage) -> None:
        if image.isNull():
            return
        icon = QIcon(QPixmap.fromImage(image))
        for item in self._items.get(sha, []):
            try:
                item.setIcon(icon)
            except RuntimeError:  # the list was cleared meanwhile (moved to another item)
                pass

    def wait(self, msecs: int) -> bool:
        return self.pool.waitForDone(msecs)


class EvidencePanel(QWidget):
    attach_requested = Signal(list)  # paths
    camera_requested = Signal()  # 拍照: a photo from the computer's camera, for the current item and mode
    removed = Signal(str)  # record id
    caption_changed = Signal(str, str)  # record id, caption
    history_requested = Signal(object)  # the Evidence whose versions are to be shown

    def __init__(self, ws: Workspace, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws, self.ops = ws, ops
        self.setAcceptDrops(True)
        self.thumbnails = _Thumbnails(ws, self)
        self._evidence: dict[str, Evidence] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.heading)
        self.list = _thumbnail_grid(QListWidget(), "evidence")
        self.list.setWordWrap(True)
        self.list.setSpacing(4)
        self.list.itemDoubleClicked.connect(self._open)
        layout.addWidget(self.list, 1)
        self.hint = QLabel(self.tr("Drop photos or documents here"))
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setStyleSheet("color: #888;")
        layout.addWidget(self.hint)
        buttons = QHBoxLayout()
        self.add = QPushButton(self.tr("Attach…"))
        self.add.setObjectName("attach")
        self.add.clicked.connect(self._choose)
        self.caption = QPushButton(self.tr("Caption…"))
        self.caption.clicked.connect(self._caption)
        self.delete = QPushButton(self.tr("Remove"))
        self.delete.clicked.connect(self._remove)
        # a file's history from its menu (the row of buttons below is full at 1366×768)
        self.history = QAction(self.tr("History…"), self.list)
        self.history.setObjectName("evidence-history")
        self.history.triggered.connect(self._history)
        self.list.addAction(self.history)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.add.setToolTip(self.tr("Attach files; or drop them here, or paste (Ctrl+V) files or a picture"))
        # shown only while the computer has a camera (set_camera_available)
        self.camera = QPushButton(self.tr("Take photo…"))
        self.camera.setObjectName("camera")
        self.camera.setToolTip(self.tr("Take a photo with the computer's camera; it is attached to this item and mode"))
        self.camera.setVisible(False)
        self.camera.clicked.connect(self.camera_requested)
        for button in (self.add, self.camera, self.caption, self.delete):
            buttons.addWidget(button)
        layout.addLayout(buttons)

    def set_camera_available(self, available: bool) -> None:
        self.camera.setVisible(available)

    # --- showing ---------------------------------------------------------------------

    def show_evidence(self, evidence: tuple[Evidence, ...]) -> None:
        self.list.clear()
        self.thumbnails.clear()
        self._evidence = {e.record_id: e for e in evidence}
        self.heading.setText(self.tr("Evidence ({0})").format(len(evidence)))
        self.hint.setVisible(not evidence)
        for e in evidence:
            where = mode_label(e.mode) if e.mode else ""
            label = e.caption or e.name
            item = self.thumbnails.item(e, f"{where}\n{_elide(label)}")
            taken = self.tr("taken {0}").format(e.taken_at) if e.taken_at else self.tr("no capture time")
            gps = f"\nGPS {e.gps}" if e.gps else ""
            attached = self.tr("attached {0}").format(shown_time(e.attached_at, seconds=True))
            item.setToolTip(f"{e.name}\n{taken}{gps}\n{attached}")
            self.list.addItem(item)

    def wait(self, msecs: int) -> bool:
        return self.thumbnails.wait(msecs)

    # --- actions ---------------------------------------------------------------------

    def _selected(self) -> Evidence | None:
        item = self.list.currentItem()
        return self._evidence.get(item.data(RECORD_ROLE)) if item else None

    def _history(self) -> None:
        chosen = self._selected()
        if chosen is not None:
            self.history_requested.emit(chosen)

    def _choose(self) -> None:
        chosen = files.open_files(
            self,
            "evidence",
            self.tr("Attach evidence"),
            self.tr("Photos and documents (*.jpg *.jpeg *.png *.heic *.pdf *.doc *.docx *.xls *.xlsx);;All files (*)"),
        )
        if chosen:
            self.attach_requested.emit(chosen)

    def _caption(self) -> None:
        chosen = self._selected()
        if chosen is None:
            return
        text, ok = QInputDialog.getText(self, self.tr("Caption"), self.tr("What the picture or document shows:"), text=chosen.caption)
        if ok:
            self.caption_changed.emit(chosen.record_id, text)

    def _remove(self) -> None:
        chosen = self._selected()
        if chosen is not None:
            self.removed.emit(chosen.record_id)

    def _open(self, item: QListWidgetItem) -> None:
        """Photos and PDFs in the viewer; anything else in the system's program."""
        from desktop.ui.viewer import open_evidence

        chosen = self._evidence.get(item.data(RECORD_ROLE))
        if chosen is not None:
            open_evidence(self, self.ws, self.ops, chosen)

    # --- paste, drag and drop ----------------------------------------------------------

    def paste(self) -> None:
        """Files copied in the file manager, or a picture copied from another program."""
        data = QGuiApplication.clipboard().mimeData()
        files = [Path(u.toLocalFile()) for u in data.urls() if u.isLocalFile()] if data.hasUrls() else []
        if not files and data.hasImage():
            image = QImage(data.imageData())
            if not image.isNull():
                folder = Path(tempfile.mkdtemp(prefix="yanshou-paste-"))
                stem = self.tr("pasted")
                target = folder / f"{stem}-{dt.datetime.now():%Y%m%d-%H%M%S}.png"
                image.save(str(target), "PNG")
                files = [target]
        if files:
            self.attach_requested.emit(files)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste()
            event.accept()
            return
        super().keyPressEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            self.attach_requested.emit(files)
            event.acceptProposedAction()


def _elide(text: str, length: int = 12) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


EVIDENCE_MIME = "application/x-yanshou-evidence"


class _InboxList(QListWidget):
    """Photos waiting in the inbox; dragged onto an item of the tree, they go there."""

    def mimeData(self, items) -> QMimeData:  # type: ignore[no-untyped-def]
        data = QMimeData()
        data.setData(EVIDENCE_MIME, "\n".join(i.data(RECORD_ROLE) for i in items).encode())
        return data

    def mimeTypes(self) -> list[str]:
        return [EVIDENCE_MIME]


class InboxPanel(QWidget):
    """The photo inbox: a whole folder imported at once (a camera card, a phone's DCIM),
    sorted by capture time; each photo then goes to an item, by button or by dragging it
    onto the tree."""

    import_requested = Signal(Path)  # a folder
    assign_requested = Signal(list)  # record ids, to the current item and mode
    removed = Signal(str)

    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.thumbnails = _Thumbnails(ws, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.list = _thumbnail_grid(_InboxList(), "inbox")
        self.list.setSelectionMode(QListView.SelectionMode.ExtendedSelection)
        self.list.setDragEnabled(True)
        self.list.setDragDropMode(QListView.DragDropMode.DragOnly)
        layout.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        folder = QPushButton(self.tr("Import folder…"))
        folder.setObjectName("import-folder")
        folder.clicked.connect(self._choose_folder)
        assign = QPushButton(self.tr("To this item"))
        assign.setObjectName("assign")
        assign.setToolTip(self.tr("Put the selected photos under the current item, in the current mode"))
        assign.clicked.connect(lambda: self.assign_requested.emit(self.selected()))
        remove = QPushButton(self.tr("Remove"))
        remove.clicked.connect(self._remove)
        for button in (folder, assign, remove):
            buttons.addWidget(button)
        layout.addLayout(buttons)

    def selected(self) -> list[str]:
        return [i.data(RECORD_ROLE) for i in self.list.selectedItems()]

    def show_inbox(self, photos: tuple[Evidence, ...]) -> None:
        self.list.clear()
        self.thumbnails.clear()
        self.heading.setText(self.tr("Photo inbox ({0}): drag photos onto an item of the tree").format(len(photos)))
        for e in photos:
            when = e.taken_at.replace("T", " ")[:16] if e.taken_at else e.name
            item = self.thumbnails.item(e, _elide(when, 16))
            item.setToolTip(e.name)
            self.list.addItem(item)

    def _choose_folder(self) -> None:
        folder = files.folder(self, "photos", self.tr("Import a folder of photos"))
        if folder is not None:
            self.import_requested.emit(folder)

    def _remove(self) -> None:
        for record_id in self.selected():
            self.removed.emit(record_id)

    def wait(self, msecs: int) -> bool:
        return self.thumbnails.wait(msecs)
