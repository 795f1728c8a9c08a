"""Looking at a PDF among the evidence: QtPdf shows it a page at a time, the buttons turn
the pages, and a file that is no PDF says so instead of showing an empty page."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QPushButton
from reportlab.pdfgen import canvas

from desktop.core.inspection import InspectionMode
from desktop.services import inspection
from desktop.ui.viewer import EvidenceViewer

COUNTY = "341502"


def three_pages(path: Path) -> Path:
    pdf = canvas.Canvas(str(path))
    for n in range(3):
        pdf.drawString(72, 720, f"page {n + 1}")
        pdf.showPage()
    pdf.save()
    return path


def page_label(n: int, of: int) -> str:
    return QCoreApplication.translate("EvidenceViewer", "Page {0} of {1}").format(n, of)


def test_a_pdf_page_by_page(qtbot, field, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    evidence, unreadable = inspection.attach(
        field, three_pages(tmp_path / "自查报告.pdf"), county=COUNTY, item="1.1.1", mode=InspectionMode.MATERIALS
    )
    assert evidence.is_pdf and not unreadable
    viewer = EvidenceViewer(None, field, evidence)
    qtbot.addWidget(viewer)
    assert viewer.document.pageCount() == 3
    assert viewer.page_label.text() == page_label(1, 3)
    following = next(b for b in viewer.findChildren(QPushButton) if b.text() == QCoreApplication.translate("EvidenceViewer", "Next page"))
    for _ in range(3):  # past the last page it stays there
        qtbot.mouseClick(following, Qt.MouseButton.LeftButton)
    assert viewer.view.pageNavigator().currentPage() == 2
    assert viewer.page_label.text() == page_label(3, 3)
    viewer.close()


def test_a_broken_pdf_says_so(qtbot, field, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n" + b"\x00" * 200)
    evidence, _ = inspection.attach(field, broken, county=COUNTY, item="1.1.1", mode=InspectionMode.MATERIALS)
    viewer = EvidenceViewer(None, field, evidence)
    qtbot.addWidget(viewer)
    assert not hasattr(viewer, "view")
    assert viewer.label.text() == QCoreApplication.translate("EvidenceViewer", "This PDF cannot be shown; open it in another program.")
    viewer.close()
