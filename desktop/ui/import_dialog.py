"""Importing a self-check or third-party sheet on the desk: checked and previewed before
anything is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QMessageBox, QVBoxLayout, QWidget

from db.errors import KnownDatabaseError
from desktop.core.campaign import MethodSource
from desktop.core.errors import InputError
from desktop.core.numbers import show
from desktop.core.sheets import parse_method_sheet, read_rows
from desktop.services import imports
from desktop.services.workspace import Workspace
from desktop.ui import cells
from desktop.ui.messages import explain, field_name, sheet_problem


class ImportDialog(QDialog):
    """A self-check or third-party sheet: checked and previewed row by row before anything
    is written; a sheet with a bad row is not imported at all."""

    def __init__(self, parent: QWidget | None, ws: Workspace, path: Path) -> None:
        super().__init__(parent)
        self.ws, self.path = ws, path
        self.setWindowTitle(QCoreApplication.translate("LeadWindow", "Import scores — {0}").format(path.name))
        self.resize(760, 480)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel(QCoreApplication.translate("LeadWindow", "Method")))
        self.kind = QComboBox()
        self.kind.setObjectName("method")
        for method in ws.campaign.methods:
            if method.source is MethodSource.IMPORT:
                self.kind.addItem(method.name, method.key)
        self.kind.currentIndexChanged.connect(self.preview)
        row.addWidget(self.kind, 1)
        layout.addLayout(row)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = cells.table([])
        self.table.setObjectName("preview")
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = buttons.addButton(QCoreApplication.translate("LeadWindow", "Import"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setObjectName("import")
        self.import_button.clicked.connect(self._import)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.imported = False
        self.preview()

    def preview(self) -> None:
        method = str(self.kind.currentData())
        names = {c.code: c.name for c in self.ws.campaign.counties}
        try:
            sheet = parse_method_sheet(self.path, self.ws.campaign, method)
        except InputError as exc:
            self.import_button.setEnabled(False)
            self.summary.setText(
                QCoreApplication.translate("LeadWindow", "{0} problems: nothing will be imported until they are fixed.").format(
                    len(exc.problems)
                )
            )
            self.summary.setStyleSheet("color: #c62828;")
            try:
                header, rows = read_rows(self.path)
            except InputError:  # the file or its header is what is wrong: the problems alone
                self._show_problems(exc)
            else:
                self._show_sheet(header, rows, exc)
            return
        self.import_button.setEnabled(True)
        self.summary.setStyleSheet("")
        self.summary.setText(
            QCoreApplication.translate("LeadWindow", "{0} rows, all valid. Counties not in the sheet keep their scores.").format(sheet.rows)
        )
        self.table.setColumnCount(2)
        self.table.setHorizontalHeaderLabels(
            [QCoreApplication.translate("LeadWindow", "County"), QCoreApplication.translate("LeadWindow", "Score")]
        )
        rows = [(names[c], show(t)) for c, t in sheet.totals.items()]
        rows += [
            (names[c], QCoreApplication.translate("LeadWindow", "{0} items, sum {1}").format(len(items), show(sum(items.values()))))
            for c, items in sheet.items.items()
        ]
        self.table.setRowCount(len(rows))
        for r, (county, value) in enumerate(rows):
            self.table.setItem(r, 0, cells.cell(county))
            self.table.setItem(r, 1, cells.cell(value, right=True))

    def _show_problems(self, exc: InputError) -> None:
        self.table.clear()
        self.table.setColumnCount(3)
        self.table.setHorizontalHeaderLabels(
            [
                QCoreApplication.translate("LeadWindow", "Row"),
                QCoreApplication.translate("LeadWindow", "Column"),
                QCoreApplication.translate("LeadWindow", "Problem"),
            ]
        )
        self.table.setRowCount(len(exc.problems))
        for r, problem in enumerate(exc.problems):
            column = field_name(problem.column) if problem.column else ""
            for c, value in enumerate((problem.row or "", column, sheet_problem(problem.code))):
                cell = cells.cell(value, right=c == 0)
                cell.setToolTip(problem.message)
                cell.setForeground(QColor("#c62828"))
                self.table.setItem(r, c, cell)

    def _show_sheet(self, header: list[str], rows: list[tuple[int, list[str]]], exc: InputError) -> None:
        """Every row of the sheet as read, each bad one in red with its reasons, its bad cell marked."""
        by_row: dict[int | None, list[Any]] = {}
        for problem in exc.problems:
            by_row.setdefault(problem.row, []).append(problem)
        shown = [i for i, name in enumerate(header) if name]
        self.table.clear()
        self.table.setColumnCount(len(shown) + 2)
        self.table.setHorizontalHeaderLabels(
            [
                QCoreApplication.translate("LeadWindow", "Row"),
                *[field_name(header[i]) for i in shown],
                QCoreApplication.translate("LeadWindow", "Problem"),
            ]
        )
        loose = by_row.get(None, [])  # problems of the whole sheet, listed after its rows
        self.table.setRowCount(len(rows) + len(loose))
        red, marked = QColor("#c62828"), QColor("#fdecea")
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

    def _import(self) -> None:
        try:
            imports.import_sheet(self.ws, self.path, str(self.kind.currentData()))
        except (InputError, KnownDatabaseError, OSError) as exc:
            QMessageBox.critical(self, self.windowTitle(), explain(exc))
            return
        self.imported = True
        self.accept()
