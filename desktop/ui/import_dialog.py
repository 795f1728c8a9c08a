"""Importing a self-check or third-party sheet on the desk: checked and previewed before
anything is written. The lead names the method (a sheet does not say whose it is); the
preview shows, county by county, the score now and after the import, read through
`desktop.services.imports.preview`."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QMessageBox, QVBoxLayout, QWidget

from desktop.core.campaign import MethodSource
from desktop.core.errors import InputError
from desktop.core.numbers import show
from desktop.core.sheets import MethodSheet, parse_method_sheet, read_rows
from desktop.services import imports
from desktop.services.imports import Change, ImportPreview, MethodValue
from desktop.services.workspace import Workspace
from desktop.ui import cells
from desktop.ui.messages import explain, field_name, sheet_problem
from desktop.ui.operations import Operations

RED, MARKED = "#c62828", "#fdecea"


class ImportDialog(QDialog):
    """A self-check or third-party sheet: checked and previewed row by row before anything
    is written; a sheet with a bad row is not imported at all, nor one whose method the lead
    has not chosen."""

    imported = Signal(str)
    """The sheet was imported; the sentence saying what was (also `result_text`)."""

    def __init__(self, parent: QWidget | None, ws: Workspace, path: Path, ops: Operations | None = None) -> None:
        super().__init__(parent)
        self.ws, self.path = ws, path
        self.ops = ops if ops is not None else Operations(self)  # the desk's: the sheet and the scores read off the GUI thread
        self.result_text = ""
        self.setWindowTitle(QCoreApplication.translate("LeadWindow", "Import scores — {0}").format(path.name))
        self.resize(760, 480)
        layout = QVBoxLayout(self)
        self.file_label = QLabel(QCoreApplication.translate("LeadWindow", "File: {0}").format(path))
        self.file_label.setWordWrap(True)
        layout.addWidget(self.file_label)
        row = QHBoxLayout()
        row.addWidget(QLabel(QCoreApplication.translate("LeadWindow", "Method")))
        self.kind = QComboBox()
        self.kind.setObjectName("method")
        # never preselected: a self-check sheet imported as the third party's is a wrong result
        self.kind.addItem(QCoreApplication.translate("LeadWindow", "Choose the method…"), None)
        for method in ws.campaign.methods:
            if method.source is MethodSource.IMPORT:
                self.kind.addItem(method.name, method.key)
        row.addWidget(self.kind, 1)
        layout.addLayout(row)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.replacing = QLabel()
        self.replacing.setObjectName("replacing")
        self.replacing.setWordWrap(True)
        layout.addWidget(self.replacing)
        self.table = cells.table([])
        self.table.setObjectName("preview")
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = buttons.addButton(QCoreApplication.translate("LeadWindow", "Import"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setObjectName("import")
        layout.addWidget(buttons)

        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self.import_button.clicked.connect(self._on_import_clicked)
        buttons.rejected.connect(self.reject)
        self.preview()

    def method(self) -> str | None:
        """The method chosen, None while the placeholder is."""
        data = self.kind.currentData()
        return None if data is None else str(data)

    @Slot(int)
    def _on_kind_changed(self, _index: int) -> None:
        self.preview()

    def preview(self) -> None:
        """Check the sheet again and show what importing it as the chosen method would change."""
        self.import_button.setEnabled(False)
        self.replacing.setVisible(False)
        self.summary.setStyleSheet("")
        method = self.method()
        campaign, path, ws = self.ws.campaign, self.path, self.ws

        def read() -> tuple[str, Any]:  # off the GUI thread: the file, and the current scores
            try:
                if method is None:
                    return "sheet", parse_method_sheet(path, campaign, "self-check or third-party")
                return "preview", imports.preview(ws, path, method)
            except InputError as exc:
                return "refused", (exc, _rows_or_none(path))

        def show(answer: tuple[str, Any]) -> None:
            if self.method() != method:  # another method was chosen meanwhile: its own answer follows
                return
            kind, value = answer
            if kind == "sheet":
                self._show_sheet_only(value)
            elif kind == "preview":
                self._show_preview(value)
            else:
                self._refused(*value)

        def unreadable(exc: BaseException) -> None:  # the current scores could not be read
            if self.method() != method:
                return
            self.summary.setStyleSheet(f"color: {RED};")
            self.summary.setText(explain(exc))
            self.table.clear()
            self.table.setRowCount(0)

        self.ops.query(read, done=show, failed=unreadable)

    def _show_sheet_only(self, sheet: MethodSheet) -> None:
        self.summary.setText(
            QCoreApplication.translate(
                "LeadWindow", "{0} rows, all valid. Choose the method to see what the import will change."
            ).format(sheet.rows)
        )
        names = {c.code: c.name for c in self.ws.campaign.counties}
        values = [(names[c], show(t)) for c, t in sheet.totals.items()]
        values += [(names[c], _items(len(items), sum(items.values(), Decimal(0)))) for c, items in sheet.items.items()]
        self._headers(QCoreApplication.translate("LeadWindow", "County"), QCoreApplication.translate("LeadWindow", "In the sheet"))
        self.table.setRowCount(len(values))
        for r, (county, value) in enumerate(values):
            self.table.setItem(r, 0, cells.cell(county))
            self.table.setItem(r, 1, cells.cell(value, right=True))

    def _show_preview(self, preview: ImportPreview) -> None:
        self.import_button.setEnabled(True)
        self.summary.setText(
            QCoreApplication.translate("LeadWindow", "{0} rows, all valid. Counties not in the sheet keep their scores.").format(
                preview.rows
            )
        )
        self.replacing.setText(QCoreApplication.translate("LeadWindow", "{0} values will be replaced.").format(preview.replaced))
        self.replacing.setVisible(True)
        self._headers(
            QCoreApplication.translate("LeadWindow", "County"),
            QCoreApplication.translate("LeadWindow", "Now"),
            QCoreApplication.translate("LeadWindow", "After the import"),
        )
        self.table.setRowCount(len(preview.counties))
        for r, county in enumerate(preview.counties):
            after = cells.cell(_value(county.after), right=True)
            if county.change is Change.REPLACED:
                font = after.font()
                font.setBold(True)
                after.setFont(font)
            self.table.setItem(r, 0, cells.cell(county.name))
            self.table.setItem(r, 1, cells.cell(_value(county.now), right=True))
            self.table.setItem(r, 2, after)

    def _headers(self, *labels: str) -> None:
        self.table.clear()
        self.table.setColumnCount(len(labels))
        self.table.setHorizontalHeaderLabels(list(labels))

    def _refused(self, exc: InputError, read: tuple[list[str], list[tuple[int, list[str]]]] | None) -> None:
        """The sheet's problems; with its rows as read when the file itself could be read."""
        self.import_button.setEnabled(False)
        self.summary.setText(
            QCoreApplication.translate("LeadWindow", "{0} problems: nothing will be imported until they are fixed.").format(
                len(exc.problems)
            )
        )
        self.summary.setStyleSheet(f"color: {RED};")
        if read is None:  # the file or its header is what is wrong: the problems alone
            self._show_problems(exc)
        else:
            self._show_sheet(*read, exc)

    def _show_problems(self, exc: InputError) -> None:
        self._headers(
            QCoreApplication.translate("LeadWindow", "Row"),
            QCoreApplication.translate("LeadWindow", "Column"),
            QCoreApplication.translate("LeadWindow", "Problem"),
        )
        self.table.setRowCount(len(exc.problems))
        for r, problem in enumerate(exc.problems):
            column = field_name(problem.column) if problem.column else ""
            for c, value in enumerate((problem.row or "", column, sheet_problem(problem.code))):
                cell = cells.cell(value, right=c == 0)
                cell.setToolTip(problem.message)
                cell.setForeground(QColor(RED))
                self.table.setItem(r, c, cell)

    def _show_sheet(self, header: list[str], rows: list[tuple[int, list[str]]], exc: InputError) -> None:
        """Every row of the sheet as read, each bad one in red with its reasons, its bad cell marked."""
        by_row: dict[int | None, list[Any]] = {}
        for problem in exc.problems:
            by_row.setdefault(problem.row, []).append(problem)
        shown = [i for i, name in enumerate(header) if name]
        self._headers(
            QCoreApplication.translate("LeadWindow", "Row"),
            *[field_name(header[i]) for i in shown],
            QCoreApplication.translate("LeadWindow", "Problem"),
        )
        loose = by_row.get(None, [])  # problems of the whole sheet, listed after its rows
        self.table.setRowCount(len(rows) + len(loose))
        red, marked = QColor(RED), QColor(MARKED)
        for r, (number, row_cells) in enumerate(rows):
            problems = by_row.get(number, [])
            reasons = "；".join(
                f"{field_name(p.column)}：{sheet_problem(p.code)}" if p.column else sheet_problem(p.code) for p in problems
            )
            values = [number, *[row_cells[i].strip() if i < len(row_cells) else "" for i in shown], reasons]
            bad_columns = {p.column for p in problems}
            for c, value in enumerate(values):
                cell = cells.cell(value, right=c == 0)
                if problems:
                    cell.setForeground(red)
                    cell.setToolTip("\n".join(p.message for p in problems))
                    if 0 < c <= len(shown) and header[shown[c - 1]] in bad_columns:
                        cell.setBackground(marked)
                self.table.setItem(r, c, cell)
        for r, problem in enumerate(loose, start=len(rows)):
            cell = cells.cell(sheet_problem(problem.code))
            cell.setForeground(red)
            cell.setToolTip(problem.message)
            self.table.setItem(r, len(shown) + 1, cell)

    @Slot()
    def _on_import_clicked(self) -> None:
        method = self.method()
        if method is None:  # the button is disabled then; a keyboard shortcut must not get past it
            return
        self.import_button.setEnabled(False)  # one click, one import
        ws, path = self.ws, self.path

        def failed(exc: BaseException) -> None:
            if isinstance(exc, InputError):  # the file changed since the preview: shown as it is now
                self.preview()
            else:
                QMessageBox.critical(self, self.windowTitle(), explain(exc))
                self.import_button.setEnabled(True)

        self.ops.write(lambda: imports.import_sheet(ws, path, method), done=self._imported, failed=failed)

    def _imported(self, summary: imports.ImportSummary) -> None:
        self.result_text = QCoreApplication.translate(
            "LeadWindow", "Imported {0}: {1} rows, {2} counties — {3} values replaced, {4} unchanged, {5} new."
        ).format(
            self.kind.currentText(), summary.rows, summary.counties, summary.replaced, summary.unchanged,
            summary.counties - summary.replaced - summary.unchanged,
        )
        self.imported.emit(self.result_text)
        self.accept()


def _rows_or_none(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]] | None:
    try:
        return read_rows(path)
    except InputError:
        return None


def _items(count: int, total: Decimal) -> str:
    return QCoreApplication.translate("LeadWindow", "{0} items, sum {1}").format(count, show(total))


def _value(value: MethodValue | None) -> str:
    """A method score as the preview shows it: a total, or its items' count and sum."""
    if value is None:
        return "—"
    if value.total is not None:
        return show(value.total)
    return _items(len(value.items), value.score)
