"""Looking at a piece of evidence: photos with zoom and the camera's rotation honoured
(EXIF), PDFs page by page (QtPdf), anything else in the system's program from a
temporary copy. What the camera recorded (time, place) is shown apart from when the
photo was attached.

The bytes (up to the evidence limit, hundreds of MB) are never read on the GUI thread: the
viewer opens at once saying it is loading, a query of the window's operations streams the
blob into a temporary file a piece at a time (and decodes a photo there), and the picture
or the PDF shows when it has arrived. Closing stops a read under way; the file goes with the
viewer."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import shiboken6
from PySide6.QtCore import QCoreApplication, QPointF, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices, QImage, QImageReader, QPixmap, QTransform
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from db.errors import KnownDatabaseError
from desktop import paths
from desktop.core.devices import shown_time
from desktop.core.errors import InputError
from desktop.services import handoff, inspection
from desktop.services.inspection import Evidence
from desktop.services.workspace import Workspace
from desktop.ui import files
from desktop.ui.item_view import mode_label
from desktop.ui.jobs import Cancelled
from desktop.ui.messages import explain
from desktop.ui.operations import Operations, Progress
from desktop.ui.screen import fit_to_screen

# The prefix of handoff's folders: what a crash leaves behind, handoff.sweep removes a day later.
VIEW_PREFIX = "yanshou-view-"
PROGRESS_MS = 200


def open_externally(ops: Operations, ws: Workspace, evidence: Evidence, parent: QWidget | None = None) -> None:
    """Pictures, PDFs and office documents in the system's program, from a marked copy
    (desktop.services.handoff); anything else is only saved where the user chooses. The copy
    is read from the database by a query of `ops`, never on the GUI thread."""

    def refused(exc: BaseException) -> None:
        if not isinstance(exc, InputError | OSError):
            paths.log_error(exc)
        owner = parent if parent is not None and shiboken6.isValid(parent) else None
        QMessageBox.warning(owner, QCoreApplication.translate("EvidenceViewer", "Evidence"), explain(exc))

    def opened(copy: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(copy)))

    if handoff.can_open_outside(evidence):
        ops.query(lambda: handoff.SESSION.copy(ws, evidence), done=opened, failed=refused)
        return
    chosen = files.save_file(
        parent, "documents", QCoreApplication.translate("EvidenceViewer", "Save the file (it is not opened from Yanshou)"),
        Path(evidence.name).name, "",
    )
    if chosen is not None:
        saved = chosen
        ops.query(lambda: handoff.save_as(ws, evidence, saved), failed=refused)


def open_evidence(parent: QWidget, ws: Workspace, ops: Operations, evidence: Evidence) -> EvidenceViewer | None:
    """A piece of evidence opened, as each window opens it: a photo or a PDF in the viewer
    (over its window, gone when closed; returned), anything else in the system's program
    (open_externally). Its bytes are read by a query of `ops`, never on the GUI thread."""
    if evidence.is_image or evidence.is_pdf:
        viewer = EvidenceViewer(parent, ws, evidence, ops)
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.open()
        return viewer
    open_externally(ops, ws, evidence, parent)
    return None


@dataclass(frozen=True)
class Fetched:
    """A piece of evidence copied out of the database for the viewer."""

    path: Path
    image: QImage | None  # a photo, decoded off the GUI thread (null when it cannot be read); None for a PDF


def fetch(ws: Workspace, evidence: Evidence, progress: Progress) -> Fetched:
    """The evidence's bytes into a temporary file of its own, a piece at a time; a photo
    decoded there too, the camera's rotation applied (QImage is safe off the GUI thread).
    Stops (Cancelled) when the viewer closed meanwhile; nothing is left behind then."""
    folder = Path(tempfile.mkdtemp(prefix=VIEW_PREFIX))
    try:
        suffix = "".join(c for c in Path(evidence.name).suffix.lower() if c.isalnum())[:8]
        path = folder / (f"evidence.{suffix}" if suffix else "evidence")
        inspection.blob_to_file(ws, evidence.sha256, path, progress=lambda done: progress.report(done, evidence.size))
        image = None
        if not evidence.is_pdf:
            reader = QImageReader(str(path))
            reader.setAutoTransform(True)  # the camera's orientation (EXIF)
            image = reader.read()
        return Fetched(path, image)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


class EvidenceViewer(QDialog):
    """One photo or PDF: says it is loading until its bytes have arrived (`loading`), then
    shows it (`shown`)."""

    shown = Signal()
    """The evidence arrived and is shown (or said to be unshowable)."""

    def __init__(self, parent: QWidget | None, ws: Workspace, evidence: Evidence, ops: Operations | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(evidence.caption or evidence.name)
        fit_to_screen(self, 1000, 720)
        self.ws, self.evidence = ws, evidence
        self.ops = ops if ops is not None else Operations(self)  # the window's; a viewer of its own has its own
        self.loading = True
        self._closed = False
        self._file: Path | None = None
        self.document: QPdfDocument | None = None
        self._body = QVBoxLayout(self)
        facts = [evidence.name]
        if evidence.mode:
            facts.append(mode_label(evidence.mode))
        facts.append(self.tr("taken {0}").format(evidence.taken_at.replace("T", " ")) if evidence.taken_at else self.tr("no capture time"))
        if evidence.gps:
            facts.append(self.tr("place {0}").format(evidence.gps))
        facts.append(self.tr("attached {0}").format(shown_time(evidence.attached_at, seconds=True)))
        info = QLabel(" · ".join(facts))
        info.setWordWrap(True)
        self._body.addWidget(info)
        if evidence.caption:
            self._body.addWidget(QLabel(evidence.caption))
        tools = QHBoxLayout()
        self.tools = QHBoxLayout()  # the photo's or the PDF's own buttons, once it is shown
        tools.addLayout(self.tools)
        tools.addStretch(1)
        external = QPushButton(self.tr("Open in another program") if handoff.can_open_outside(evidence) else self.tr("Save as…"))
        external.clicked.connect(lambda: open_externally(self.ops, ws, evidence, self))
        tools.addWidget(external)
        self._body.addLayout(tools)
        self.status = QLabel(self.tr("Loading…"))
        self.status.setObjectName("viewer-status")
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._body.addWidget(self.status, 1)

        self._progress = Progress()
        self._ticker = QTimer(self)
        self._ticker.setInterval(PROGRESS_MS)
        self._ticker.timeout.connect(self._on_ticker_timeout)
        self._ticker.start()
        self.ops.query(lambda: fetch(ws, evidence, self._progress), done=self._arrived, failed=self._not_arrived)

    # --- loading ---------------------------------------------------------------------------

    def _on_ticker_timeout(self) -> None:
        done, total, _label = self._progress.read()
        if total:
            self.status.setText(self.tr("Loading… {0} %").format(min(100, done * 100 // total)))

    def _arrived(self, fetched: Fetched) -> None:
        if self._closed or not shiboken6.isValid(self):  # closed meanwhile: the copy goes at once
            shutil.rmtree(fetched.path.parent, ignore_errors=True)
            return
        self._file = fetched.path
        self._ticker.stop()
        self.status.hide()
        if self.evidence.is_pdf:
            self._pdf(fetched.path)
        else:
            self._image(fetched.image if fetched.image is not None else QImage())
        self.loading = False
        self.shown.emit()

    def _not_arrived(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled) or self._closed or not shiboken6.isValid(self):
            return
        if not isinstance(exc, InputError | KnownDatabaseError | OSError):
            paths.log_error(exc)
        self._ticker.stop()
        self.status.setText(explain(exc))
        self.loading = False
        self.shown.emit()

    # --- photos ------------------------------------------------------------------------

    def _image(self, image: QImage) -> None:
        self.original = QPixmap.fromImage(image)
        self.scale = 1.0
        self.rotation = 0
        self.label = QLabel()
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.area = QScrollArea()
        self.area.setWidget(self.label)
        self.area.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._body.addWidget(self.area, 1)
        if self.original.isNull():
            self.label.setText(self.tr("This picture cannot be shown; open it in another program."))
            self.area.setWidgetResizable(True)
            return
        for text, action in (
            (self.tr("Zoom in"), lambda: self._zoom(1.25)),
            (self.tr("Zoom out"), lambda: self._zoom(0.8)),
            (self.tr("Fit"), self.fit),
            (self.tr("Actual size"), lambda: self._set_scale(1.0)),
            (self.tr("Rotate"), self._rotate),
        ):
            button = QPushButton(text)
            button.clicked.connect(action)
            self.tools.addWidget(button)
        self.fit()

    def _render(self) -> None:
        pixmap = self.original.transformed(QTransform().rotate(self.rotation), Qt.TransformationMode.SmoothTransformation)
        size = pixmap.size() * self.scale
        self.label.setPixmap(pixmap.scaled(size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))
        self.label.resize(size)

    def _set_scale(self, scale: float) -> None:
        self.scale = max(0.05, min(8.0, scale))
        self._render()

    def _zoom(self, factor: float) -> None:
        self._set_scale(self.scale * factor)

    def fit(self) -> None:
        rotated = self.original.transformed(QTransform().rotate(self.rotation))
        view = self.area.viewport().size()
        if rotated.width() and rotated.height():
            self._set_scale(min(view.width() / rotated.width(), view.height() / rotated.height(), 1.0))

    def _rotate(self) -> None:
        self.rotation = (self.rotation + 90) % 360
        self.fit()

    # --- PDFs ------------------------------------------------------------------------

    def _pdf(self, path: Path) -> None:
        """Pages shown by QtPdf one at a time, fitted to the window's width; it reads the
        temporary file as it needs pages, never the whole of a large PDF at once."""
        self.page = 0
        self.document = QPdfDocument(self)
        self.document.load(str(path))
        if self.document.status() != QPdfDocument.Status.Ready or not self.document.pageCount():
            self.document.close()
            self.label = QLabel(self.tr("This PDF cannot be shown; open it in another program."))
            self.label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            self._body.addWidget(self.label, 1)
            return
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.SinglePage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._body.addWidget(self.view, 1)
        self.page_label = QLabel()
        previous = QPushButton(self.tr("Previous page"))
        following = QPushButton(self.tr("Next page"))
        previous.clicked.connect(lambda: self._show_page(self.page - 1))
        following.clicked.connect(lambda: self._show_page(self.page + 1))
        for widget in (previous, following, self.page_label):
            self.tools.addWidget(widget)
        self._show_page(0)

    def _show_page(self, number: int) -> None:
        assert self.document is not None
        count = self.document.pageCount()
        self.page = max(0, min(count - 1, number))
        navigator = self.view.pageNavigator()
        navigator.jump(self.page, QPointF(), navigator.currentZoom())
        self.page_label.setText(self.tr("Page {0} of {1}").format(self.page + 1, count))

    # --- closing ---------------------------------------------------------------------------

    def _release(self) -> None:
        """Stop a read under way, let go of the file (QtPdf first) and remove it."""
        if self._closed:
            return
        self._closed = True
        self._progress.cancel()
        self._ticker.stop()
        if self.document is not None:
            self.document.close()
        if self._file is not None:
            shutil.rmtree(self._file.parent, ignore_errors=True)
            self._file = None

    def done(self, result: int) -> None:
        self._release()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._release()
        super().closeEvent(event)
