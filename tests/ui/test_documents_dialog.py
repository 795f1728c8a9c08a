"""Printing from the window: make a document off the GUI thread, see it, save it, print it
(to a PDF printer here), and a signed one that verifies."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QFileDialog

from desktop.reports.signing import verify_pdf
from desktop.services import sample, sync, workspace
from desktop.ui.documents import PROBLEMS, RECORD, SUMMARY, DocumentDialog

COUNTY = "341502"


@pytest.fixture
def master(tmp_path: Path):  # type: ignore[no-untyped-def]
    with workspace.create(tmp_path / "zhang.db", role="field", inspector="张三") as field:
        sample.fill(field, [COUNTY], tmp_path / "photos", photos_per_county=2)
        sync.export(field, tmp_path / "usb.db")
    ws = workspace.create(tmp_path / "master.db", role="master")
    sync.merge(ws, [tmp_path / "usb.db"], enroll=True)
    yield ws
    ws.close()


def made(qtbot, dialog: DocumentDialog) -> None:  # type: ignore[no-untyped-def]
    dialog.pdf = None
    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.pdf is not None, timeout=30000)
    qtbot.waitUntil(lambda: dialog.document.status() == QPdfDocument.Status.Ready and dialog.document.pageCount() > 0, timeout=10000)


def test_make_save_and_print_a_record(qtbot, master, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    dialog = DocumentDialog(master, kind=RECORD, county=COUNTY)
    qtbot.addWidget(dialog)
    assert not dialog.save_button.isEnabled() and not dialog.print_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.inspector.count() == 2)  # the county's inspectors, read off the GUI thread
    assert [dialog.inspector.itemData(i) for i in range(dialog.inspector.count())] == [None, "张三"]
    dialog.sign.setChecked(True)
    made(qtbot, dialog)
    assert dialog.print_button.isEnabled() and "检查记录表-金安区" in dialog.name
    target = tmp_path / "out" / "记录.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(target.exists, timeout=10000)
    checks = verify_pdf(target)
    assert len(checks) == 1 and checks[0].ok and checks[0].signer == "验收组组长"
    # printing: every page, to a PDF printer standing in for the real one
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    dialog.print_to(printer)
    assert not dialog.print_button.isEnabled()  # no second print while this one runs
    qtbot.waitUntil(dialog.print_button.isEnabled, timeout=60000)
    assert str(printed) in dialog.status.text()
    copy = QPdfDocument()
    assert copy.load(str(printed)) == QPdfDocument.Error.None_
    assert copy.pageCount() == dialog.document.pageCount()
    copy.close()


def test_the_summary_and_a_problem_list(qtbot, master) -> None:  # type: ignore[no-untyped-def]
    dialog = DocumentDialog(master, kind=SUMMARY)
    qtbot.addWidget(dialog)
    assert not dialog.county.isEnabled()
    made(qtbot, dialog)
    assert dialog.name == "验收结果汇总表.pdf"
    dialog.kind.setCurrentIndex(dialog.kind.findData(PROBLEMS))
    assert dialog.county.isEnabled() and not dialog.inspector.isEnabled()
    made(qtbot, dialog)
    assert dialog.name == "问题整改清单-金安区.pdf"
    dialog.close()


def test_a_signed_summary_over_a_planted_trigger_says_what_is_wrong(qtbot, master, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The window named a trigger planted in the master as results differing from the signed
    versions, which they did not: it says the database holds what the program did not make."""
    import sqlite3

    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QMessageBox

    conn = sqlite3.connect(master.path)
    try:
        conn.execute("CREATE TRIGGER later AFTER INSERT ON current_adjustment BEGIN UPDATE current_adjustment SET delta = '9'; END")
        conn.commit()
    finally:
        conn.close()
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *a, **k: said.append(text))
    dialog = DocumentDialog(master, kind=SUMMARY)
    qtbot.addWidget(dialog)
    dialog.sign.setChecked(True)
    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(said), timeout=30000)
    assert QCoreApplication.translate(
        "Messages", "the database holds what Yanshou did not make (edited outside Yanshou); nothing was signed: run yanshou verify",
    ) in said[0]
    assert dialog.pdf is None and not dialog.save_button.isEnabled()
    dialog.close()
