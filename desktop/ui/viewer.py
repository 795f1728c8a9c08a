"""Looking at a piece of evidence: photos with zoom and the camera's rotation honoured
(EXIF), PDFs page by page (QtPdf), anything else in the system's program from a
temporary copy. What the camera recorded (time, place) is shown apart from when the
photo was attached."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QPointF, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImageReader, QPixmap, QTransform
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.core.documents import safe_file_name
from desktop.core.errors import InputError
from desktop.services import handoff, inspection
from desktop.services.inspection import Evidence
from desktop.services.workspace import Workspace
from desktop.ui.item_view import mode_label
from desktop.ui.messages import explain
from desktop.ui.screen import fit_to_screen


def open_externally(ws: Workspace, evidence: Evidence, parent: QWidget | None = None) -> None:
    """Pictures, PDFs and office documents in the system's program, from a marked copy
    (desktop.services.handoff); anything else is only saved where the user chooses."""
    try:
        if handoff.can_open_outside(evidence):
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(handoff.SESSION.copy(ws, evidence))))
            return
        chosen, _ = QFileDialog.getSaveFileName(
            parent, QCoreApplication.translate("EvidenceViewer", "Save the file (it is not opened from Yanshou)"),
            str(Path.home() / safe_file_name(Path(evidence.name).name)),
        )
        if chosen:
            handoff.save_as(ws, evidence, Path(chosen))
    except (InputError, OSError) as exc:
        QMessageBox.warning(parent, QCoreApplication.translate("EvidenceViewer", "Evidence"), explain(exc))


class EvidenceViewer(QDialog):
    def __init__(self, parent: QWidget | None, ws: Workspace, evidence: Evidence) -> None:
        super().__init__(parent)
        self.setWindowTitle(evidence.caption or evidence.name)
        fit_to_screen(self, 1000, 720)
        self.ws, self.evidence = ws, evidence
        self._data = QByteArray(inspection.blob_bytes(ws, evidence.sha256))
        layout = QVBoxLayout(self)
        facts = [evidence.name]
        if evidence.mode:
            facts.append(mode_label(evidence.mode))
        facts.append(self.tr("taken {0}").format(evidence.taken_at.replace("T", " ")) if evidence.taken_at else self.tr("no capture time"))
        if evidence.gps:
            facts.append(self.tr("place {0}").format(evidence.gps))
        facts.append(self.tr("attached {0}").format(evidence.attached_at.replace("T", " ")[:19]))
        info = QLabel(" · ".join(facts))
        info.setWordWrap(True)
        layout.addWidget(info)
        if evidence.caption:
            layout.addWidget(QLabel(evidence.caption))
        self.tools = QHBoxLayout()
        layout.addLayout(self.tools)
        if evidence.is_pdf:
            self._pdf(layout)
        else:
            self._image(layout)
        self.tools.addStretch(1)
        external = QPushButton(self.tr("Open in another program") if handoff.can_open_outside(evidence) else self.tr("Save as…"))
        external.clicked.connect(lambda: open_externally(ws, evidence, self))
        self.tools.addWidget(external)

    # --- photos ------------------------------------------------------------------------

    def _image(self, layout: QVBoxLayout) -> None:
        buffer = QBuffer(self._data, self)
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        reader = QImageReader(buffer)
        reader.setAutoTransform(True)  # the camera's orientation (EXIF)
        image = reader.read()
        self.original = QPixmap.fromImage(image)
        self.scale = 1.0
        self.rotation = 0
        self.label = QLabel()
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.area = QScrollArea()
        self.area.setWidget(self.label)
        self.area.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.area, 1)
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

    def _pdf(self, layout: QVBoxLayout) -> None:
        """Pages shown by QtPdf one at a time, fitted to the window's width."""
        self.page = 0
        self.document = QPdfDocument(self)
        self._buffer = QBuffer(self._data, self)  # the document reads from it as long as it is shown
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)  # a buffer holds it all: loaded when load() returns
        if self.document.status() != QPdfDocument.Status.Ready or not self.document.pageCount():
            self.document.close()
            self.label = QLabel(self.tr("This PDF cannot be shown; open it in another program."))
            self.label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            layout.addWidget(self.label, 1)
            return
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.SinglePage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        layout.addWidget(self.view, 1)
        self.page_label = QLabel()
        previous = QPushButton(self.tr("Previous page"))
        following = QPushButton(self.tr("Next page"))
        previous.clicked.connect(lambda: self._show_page(self.page - 1))
        following.clicked.connect(lambda: self._show_page(self.page + 1))
        for widget in (previous, following, self.page_label):
            self.tools.addWidget(widget)
        self._show_page(0)

    def _show_page(self, number: int) -> None:
        count = self.document.pageCount()
        self.page = max(0, min(count - 1, number))
        navigator = self.view.pageNavigator()
        navigator.jump(self.page, QPointF(), navigator.currentZoom())
        self.page_label.setText(self.tr("Page {0} of {1}").format(self.page + 1, count))

    def done(self, result: int) -> None:
        # The preview lets go of its buffer before the dialog goes: nothing is left reading
        # from a deleted object.
        if self.evidence.is_pdf:
            self.document.close()
        super().done(result)
