"""The desk's merge history (合并记录): every merge and dry run kept in the master, a row
each; below, the chosen one's report, file by file, as the merge dialog showed it."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from desktop.core.devices import shown_time
from desktop.services import sync
from desktop.ui import cells
from desktop.ui.lead.merge_dialog import fill_report, report_table


class HistoryTab(QWidget):
    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        hint = QLabel(
            QCoreApplication.translate(
                "LeadWindow", "Every merge and dry run is kept in the master database. Choose one to see its report."
            )
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.splitter = splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("history-split")  # kept as the lead left it (preferences; LeadWindow.kept_splitters)
        self.batches = cells.table(
            [
                QCoreApplication.translate("LeadWindow", "When"),
                QCoreApplication.translate("LeadWindow", "Kind"),
                QCoreApplication.translate("LeadWindow", "Files"),
                QCoreApplication.translate("LeadWindow", "Merged"),
                QCoreApplication.translate("LeadWindow", "Refused"),
                QCoreApplication.translate("LeadWindow", "New versions"),
                QCoreApplication.translate("LeadWindow", "Conflicts"),
            ]
        )
        self.batches.setObjectName("merge-batches")
        self.batches.currentCellChanged.connect(lambda row, *_: self._show_batch(row))
        splitter.addWidget(self.batches)
        self.report = report_table()
        self.report.setObjectName("history")
        splitter.addWidget(self.report)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)
        self.shown: list[sync.BatchReport] = []

    def show_batches(self, batches: list[sync.BatchReport]) -> None:
        current = self.batches.currentRow()
        shown = self.shown[current].key if 0 <= current < len(self.shown) else None
        known = {b.key for b in self.shown}
        self.shown = batches
        with cells.refilling(self.batches, len(batches)):
            for row, batch in enumerate(batches):
                when = shown_time(batch.at, seconds=True)
                files = batch.files
                values = (
                    when,
                    (QCoreApplication.translate("LeadWindow", "dry run") if batch.dry_run
                     else QCoreApplication.translate("LeadWindow", "merge")),
                    len(files),
                    sum(f.status in {"merged", "dry-run"} for f in files),
                    sum(f.status == "refused" for f in files),
                    sum(f.versions_added for f in files),
                    sum(f.conflicts for f in files),
                )
                for col, value in enumerate(values):
                    cell = cells.cell(value, right=isinstance(value, int))
                    if batch.dry_run:
                        cell.setForeground(QColor("#5f6b7a"))
                    self.batches.setItem(row, col, cell)
        keys = [b.key for b in batches]
        # after a new merge or dry run, its report; otherwise the one the lead was looking at
        row = keys.index(shown) if shown in keys and set(keys) <= known else 0
        if keys:  # chosen without its signal: the report is drawn once, below, not twice
            self.batches.blockSignals(True)
            self.batches.setCurrentCell(row, 0)
            self.batches.blockSignals(False)
        self._show_batch(row if keys else -1)

    def _show_batch(self, row: int) -> None:
        fill_report(self.report, list(self.shown[row].files) if 0 <= row < len(self.shown) else [])
