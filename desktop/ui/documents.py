"""Printing: choose a document (检查记录表, 验收结果汇总表, 问题整改清单), make it off the GUI
thread (signed when asked), look at it (QtPdf), save it, and print it straight to a
printer — pages rendered at the printer's resolution (up to 300 dpi) in a worker thread,
with progress and a cancel button between pages."""

from __future__ import annotations

import threading

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QObject, QRectF, QSize, Qt, QThreadPool, Signal
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import paths
from desktop.services import documents
from desktop.services.workspace import Workspace
from desktop.ui import files, jobs
from desktop.ui.messages import explain
from desktop.ui.screen import fit_to_screen

RECORD, SUMMARY, PROBLEMS, SCORECARD = documents.RECORD, documents.SUMMARY, documents.PROBLEMS, documents.SCORECARD
PRINT_DPI_LIMIT = 300  # a page at 300 dpi is 26 MB of RGB: enough for text, bearable for an old laptop


class Cancelled(Exception):
    """The user cancelled printing."""


class _Progress(QObject):
    step = Signal(int, int)


def make(ws: Workspace, kind: str, county: str | None, inspector: str | None, signed: bool) -> tuple[bytes, str]:
    """The PDF and a file name for it (what the worker runs)."""
    place = ws.campaign.county(county) if county and kind != SUMMARY else None
    document = documents.build(ws, kind, place, inspector)
    return documents.produce(ws, document, signed=signed), documents.file_name(document)


def print_pdf(pdf: bytes, printer: QPrinter, *, progress=None, cancelled=lambda: False) -> int:  # type: ignore[no-untyped-def]
    """Print every page (QPainter on a QPrinter is allowed outside the GUI thread); returns
    the pages printed. Pages are rendered by QtPdf at the printer's resolution, by a
    QPdfDocument made, used and deleted in this thread: QtPdf serialises every PDFium call
    with one lock, so the preview on the GUI thread may draw meanwhile."""
    source = QBuffer()
    source.setData(QByteArray(pdf))
    source.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(source)  # a buffer holds it all: loaded when load() returns
    try:
        if document.status() != QPdfDocument.Status.Ready:
            raise OSError(QCoreApplication.translate("Documents", "the document could not be read for printing"))
        dpi = min(printer.resolution(), PRINT_DPI_LIMIT)
        count = document.pageCount()
        options = QPdfDocumentRenderOptions()
        options.setRenderFlags(QPdfDocumentRenderOptions.RenderFlag.Annotations)  # the signature's field, form fields
        painter = QPainter()
        if not painter.begin(printer):
            raise OSError(QCoreApplication.translate("Documents", "the printer could not be started"))
        try:
            for index in range(count):
                if cancelled():
                    printer.abort()
                    raise Cancelled
                if progress:
                    progress(index, count)
                if index:
                    printer.newPage()
                image = _page_image(document, index, dpi, options)
                target = QRectF(painter.viewport())
                scale = min(target.width() / image.width(), target.height() / image.height())
                painter.drawImage(QRectF(0, 0, image.width() * scale, image.height() * scale), image)
        finally:
            painter.end()
        if progress:
            progress(count, count)
        return count
    finally:
        document.close()


def _page_image(document: QPdfDocument, index: int, dpi: int, options: QPdfDocumentRenderOptions) -> QImage:
    """A page at `dpi`, on white paper: QtPdf leaves what the page does not paint transparent."""
    points = document.pagePointSize(index)
    size = QSize(max(1, round(points.width() * dpi / 72)), max(1, round(points.height() * dpi / 72)))
    page = QImage(size, QImage.Format.Format_RGB32)
    page.fill(Qt.GlobalColor.white)
    paper = QPainter(page)
    paper.drawImage(0, 0, document.render(index, size, options))
    paper.end()
    return page


class DocumentDialog(QDialog):
    def __init__(self, ws: Workspace, parent: QWidget | None = None, *, kind: str = RECORD, county: str | None = None) -> None:
        # Long on purpose: it builds the dialog's widgets in the order they are laid out.
        super().__init__(parent)
        self.ws = ws
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)  # reportlab is not thread-safe: one document at a time
        self.pdf: bytes | None = None
        self.name = ""
        self.setWindowTitle(self.tr("Print and export"))
        fit_to_screen(self, 980, 760)

        self.kind = QComboBox()
        for key, label in ((RECORD, self.tr("Inspection record (检查记录表)")), (SUMMARY, self.tr("Results summary (验收结果汇总表)")),
                           (PROBLEMS, self.tr("Problem list (问题整改清单)")), (SCORECARD, self.tr("County scorecard (验收成绩单)"))):
            self.kind.addItem(label, key)
        self.county = QComboBox()
        for c in ws.campaign.counties:
            self.county.addItem(c.name, c.code)
        self.inspector = QComboBox()
        self.sign = QCheckBox(self.tr("Sign digitally"))
        self.sign.setToolTip(self.tr("Signs the PDF with this computer's device key; any change to the file afterwards shows."))
        self.make_button = QPushButton(self.tr("Make"))
        self.make_button.setDefault(True)
        self.make_button.clicked.connect(self.make)

        choose = QHBoxLayout()
        for widget in (QLabel(self.tr("Document")), self.kind, QLabel(self.tr("County")), self.county,
                       QLabel(self.tr("Inspector")), self.inspector, self.sign, self.make_button):
            choose.addWidget(widget)
        choose.addStretch(1)

        self.document = QPdfDocument(self)
        self._buffer = QBuffer(self)  # the document reads the shown PDF from it; one for the dialog
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.status = QLabel(self.tr("Choose a document and press Make."))
        self.status.setWordWrap(True)

        self.save_button = QPushButton(self.tr("Save as…"))
        self.save_button.clicked.connect(self.save)
        self.print_button = QPushButton(self.tr("Print…"))
        self.print_button.clicked.connect(self.print_)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.reject)
        actions = QHBoxLayout()
        actions.addWidget(self.status, 1)
        for b in (self.save_button, self.print_button, close):
            actions.addWidget(b)

        layout = QVBoxLayout(self)
        layout.addLayout(choose)
        self.warning = QLabel()  # open conflicts of the county: what is printed now is provisional
        self.warning.setObjectName("documents-warning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #c62828; font-weight: bold;")
        self.warning.setVisible(False)
        layout.addWidget(self.warning)
        layout.addWidget(self.view, 1)
        layout.addLayout(actions)

        self.kind.setCurrentIndex(self.kind.findData(kind))
        if county:
            self.county.setCurrentIndex(max(0, self.county.findData(county)))
        self._kind_chosen()
        self._county_chosen()
        self.kind.currentIndexChanged.connect(self._kind_chosen)
        self.county.currentIndexChanged.connect(self._county_chosen)
        self._ready(False)

    def _kind_chosen(self) -> None:
        kind = self.kind.currentData()
        self.county.setEnabled(kind != SUMMARY)
        self.inspector.setEnabled(kind == RECORD and self.ws.identity.role == "master")

    def _county_chosen(self) -> None:
        """The county's inspectors (one small query off the GUI thread, on a master only, when
        the county changes); until they arrive the choice is all of them. Its open conflicts
        are said above the preview."""
        ws, code = self.ws, self.county.currentData()

        def counted(conflicts: int) -> None:
            if code != self.county.currentData():
                return
            self.warning.setText(self.tr(
                "{0} conflicts of this county are not settled yet: what is printed now is provisional (the record says so)."
            ).format(conflicts))
            self.warning.setVisible(conflicts > 0)

        jobs.start(self.pool, lambda: documents.unsettled(ws, code), parent=self, done=counted, failed=self._failed)
        current = self.inspector.currentData()
        self.inspector.clear()
        if self.ws.identity.role == "field":
            self.inspector.addItem(self.ws.identity.inspector or "", self.ws.identity.inspector)
            return
        self.inspector.addItem(self.tr("All inspectors"), None)
        ws, county = self.ws, self.county.currentData()

        def arrived(names: list[str]) -> None:
            if county != self.county.currentData():
                return  # another county was chosen meanwhile: its own answer follows
            for who in names:
                self.inspector.addItem(who, who)
            self.inspector.setCurrentIndex(max(0, self.inspector.findData(current)))

        jobs.start(self.pool, lambda: documents.inspectors_of(ws, county), parent=self, done=arrived, failed=self._failed)

    def _ready(self, ready: bool) -> None:
        self.save_button.setEnabled(ready)
        self.print_button.setEnabled(ready)

    # --- making ---------------------------------------------------------------------------------

    def make(self) -> None:
        kind, county, inspector = self.kind.currentData(), self.county.currentData(), self.inspector.currentData()
        signed = self.sign.isChecked()
        self.make_button.setEnabled(False)
        self._ready(False)
        self.status.setText(self.tr("Making the document…"))
        stop = threading.Event()
        progress = QProgressDialog(self.tr("Making the document…"), self.tr("Cancel"), 0, 0, self)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(400)
        progress.canceled.connect(stop.set)

        def done(result: tuple[bytes, str]) -> None:
            progress.reset()
            self.make_button.setEnabled(True)
            if stop.is_set():
                self.status.setText(self.tr("Cancelled."))
                return
            self.show_pdf(*result)

        def failed(exc: BaseException) -> None:
            progress.reset()
            self.make_button.setEnabled(True)
            self._failed(exc)

        jobs.start(self.pool, lambda: make(self.ws, kind, county, inspector, signed), parent=self, done=done, failed=failed)

    def show_pdf(self, pdf: bytes, name: str) -> None:
        self.document.close()  # the previous one, before its bytes are replaced
        self._buffer.close()
        self.pdf, self.name = pdf, name
        self._buffer.setData(QByteArray(pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        self.status.setText(self.tr("{0}: {1} pages.").format(name, self.document.pageCount()))
        self._ready(True)

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, Cancelled):
            paths.log_error(exc)
        self.status.setText(explain(exc) if not isinstance(exc, Cancelled) else self.tr("Cancelled."))
        if not isinstance(exc, Cancelled):
            QMessageBox.warning(self, self.windowTitle(), explain(exc))

    # --- saving and printing -------------------------------------------------------------------

    def save(self) -> None:
        if self.pdf is None:
            return
        chosen = files.save_file(self, "documents", self.tr("Save the document"), self.name, self.tr("PDF documents (*.pdf)"))
        if chosen is None:
            return
        target = chosen if chosen.suffix.lower() == ".pdf" else chosen.with_name(chosen.name + ".pdf")
        pdf = self.pdf

        def saved(_result: object) -> None:
            self.status.setText(self.tr("Saved to {0}.").format(target))

        database = self.ws.path
        jobs.start(self.pool, lambda: documents.write_file(target, pdf, database), parent=self, done=saved, failed=self._failed)

    def print_(self) -> None:
        if self.pdf is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.name)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """Print the document shown to a printer already set up, off the GUI thread."""
        assert self.pdf is not None
        pdf = self.pdf
        stop = threading.Event()
        bridge = _Progress(self)
        progress = QProgressDialog(self.tr("Printing…"), self.tr("Cancel"), 0, self.document.pageCount(), self)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.canceled.connect(stop.set)
        bridge.step.connect(lambda done, total: (progress.setMaximum(total), progress.setValue(done)))
        self.print_button.setEnabled(False)

        def done(pages: int) -> None:
            progress.reset()
            self.print_button.setEnabled(True)
            self.status.setText(self.tr("Sent {0} pages to {1}.").format(pages, printer.printerName() or printer.outputFileName()))

        def failed(exc: BaseException) -> None:
            progress.reset()
            self.print_button.setEnabled(True)
            self._failed(exc)

        jobs.start(
            self.pool, lambda: print_pdf(pdf, printer, progress=bridge.step.emit, cancelled=stop.is_set),
            parent=self, done=done, failed=failed,
        )

    def wait(self, msecs: int = 60000) -> bool:
        return self.pool.waitForDone(msecs)

    def done(self, result: int) -> None:
        # A document being made or printed finishes first, and the preview lets go of its
        # buffer before the dialog goes: nothing is left reading from a deleted object.
        self.pool.waitForDone()
        self.document.close()
        super().done(result)


def open_documents(ws: Workspace, parent: QWidget | None = None, *, kind: str = RECORD, county: str | None = None) -> None:
    DocumentDialog(ws, parent, kind=kind, county=county).exec()
