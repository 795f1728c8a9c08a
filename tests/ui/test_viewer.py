"""Looking at a piece of evidence: the viewer opens at once saying it is loading, its bytes
are streamed out of the database off the GUI thread (the guard holds it to that) into a
temporary file that goes with the viewer; then QtPdf shows a PDF a page at a time, the
buttons turn the pages, and a file that is no PDF says so instead of showing an empty page;
a photo shows turned as the camera held it."""

from __future__ import annotations

import time
from pathlib import Path

from PIL import Image
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


def opened(qtbot, field, evidence) -> EvidenceViewer:  # type: ignore[no-untyped-def]
    """A viewer on the evidence, once what it shows has arrived."""
    viewer = EvidenceViewer(None, field, evidence)
    qtbot.addWidget(viewer)
    assert viewer.loading  # nothing read on the GUI thread: it says so until the bytes arrive
    assert viewer.status.text() == QCoreApplication.translate("EvidenceViewer", "Loading…")
    qtbot.waitUntil(lambda: not viewer.loading, timeout=10000)
    return viewer


def test_a_pdf_page_by_page(qtbot, field, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    evidence, unreadable = inspection.attach(
        field, three_pages(tmp_path / "自查报告.pdf"), county=COUNTY, item="1.1.1", mode=InspectionMode.MATERIALS
    )
    assert evidence.is_pdf and not unreadable
    viewer = opened(qtbot, field, evidence)
    assert viewer.document is not None and viewer.document.pageCount() == 3
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
    viewer = opened(qtbot, field, evidence)
    assert not hasattr(viewer, "view")
    assert viewer.label.text() == QCoreApplication.translate("EvidenceViewer", "This PDF cannot be shown; open it in another program.")
    viewer.close()


def test_a_photo_shows_as_the_camera_held_it_and_its_copy_goes_with_the_viewer(qtbot, field, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    photo = tmp_path / "现场.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # held upright: turned 90° when shown
    Image.new("RGB", (320, 200), (30, 120, 200)).save(photo, "JPEG", exif=exif)
    evidence, _ = inspection.attach(field, photo, county=COUNTY, item="1.1.1", mode=InspectionMode.FIELD)
    viewer = opened(qtbot, field, evidence)
    assert (viewer.original.width(), viewer.original.height()) == (200, 320)
    copy = viewer._file
    assert copy is not None and copy.read_bytes() == photo.read_bytes()  # streamed whole, byte for byte
    viewer.done(0)
    assert not copy.exists() and not copy.parent.exists()


def test_a_viewer_closed_while_loading_leaves_nothing(qtbot, field, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    evidence, _ = inspection.attach(field, three_pages(tmp_path / "a.pdf"), county=COUNTY, item="1.1.1", mode=None)
    folders: list[Path] = []

    def slow(ws, sha, target, *, progress=None):  # type: ignore[no-untyped-def]
        """A blob too big to have arrived before the user closes the viewer."""
        folders.append(target.parent)
        target.write_bytes(b"%PDF-1.4\n")
        while True:
            progress(1)  # raises Cancelled once the viewer is closed
            time.sleep(0.005)

    monkeypatch.setattr(inspection, "blob_to_file", slow)
    viewer = EvidenceViewer(None, field, evidence)
    qtbot.addWidget(viewer)
    qtbot.waitUntil(lambda: bool(folders))
    viewer.done(0)  # closed: the read stops at its next piece
    assert viewer.ops.wait(10000)
    assert not folders[0].exists()  # its partial copy removed
    assert viewer.loading and viewer.document is None  # nothing was shown


def test_another_program_gets_a_copy_read_off_the_gui_thread(qtbot, field, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QDesktopServices

    from desktop.services import handoff
    from desktop.ui.viewer import open_externally

    evidence, _ = inspection.attach(field, three_pages(tmp_path / "自查报告.pdf"), county=COUNTY, item="1.1.1", mode=None)
    urls: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: urls.append(url.toLocalFile()))
    monkeypatch.setattr(handoff, "SESSION", handoff.Handoff(tmp_path))
    viewer = opened(qtbot, field, evidence)
    open_externally(viewer.ops, field, evidence, viewer)
    assert urls == []  # not at once: the copy is read by a query
    qtbot.waitUntil(lambda: bool(urls), timeout=10000)
    assert Path(urls[0]).read_bytes() == (tmp_path / "自查报告.pdf").read_bytes()
    viewer.done(0)
    handoff.SESSION.clear()
