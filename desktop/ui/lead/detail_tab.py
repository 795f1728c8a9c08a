"""The desk's county detail: one county from its first-level indicators down to each
inspector's score, findings, reasoning and evidence for every item; below it, the chosen
item's evidence, each piece opened as the inspector's window opens it (desktop.ui.viewer)."""

from __future__ import annotations

from collections.abc import Collection

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core import scoring
from desktop.core.inspection import InspectionMode
from desktop.core.numbers import canonical, show
from desktop.services import results as results_service
from desktop.services.inspection import Evidence
from desktop.services.workspace import Workspace
from desktop.ui.item_view import mode_label
from desktop.ui.operations import Operations
from desktop.ui.viewer import EvidenceViewer, open_evidence

_SCORE_OF = Qt.ItemDataRole.UserRole + 1  # an inspector's row: (item, inspector) of the score it shows
_ITEM_OF = Qt.ItemDataRole.UserRole + 2  # an item's row and its inspectors' rows: the item's code
_EVIDENCE = Qt.ItemDataRole.UserRole + 3  # a row of the evidence list: its Evidence



def _headed(tree: QTreeWidget, columns: tuple[tuple[str, int | None], ...]) -> None:
    """A tree's headings and the widths of its columns (None: what is left, the last)."""
    tree.setHeaderLabels([heading for heading, _width in columns])
    for n, (_heading, width) in enumerate(columns):
        if width is not None:
            tree.setColumnWidth(n, width)

class DetailTab(QWidget):
    county_chosen = Signal()
    """The lead chose another county: the window reads its detail."""
    history_requested = Signal(str, str, str)
    """The history of a score: (county, item, inspector) — a conflict's resolution revisited too."""

    def __init__(self, ws: Workspace, ops: Operations) -> None:
        super().__init__()
        self.ws, self.ops = ws, ops
        self._detail: dict[str, results_service.ItemDetail] = {}
        self._evidence_item: str | None = None  # the item whose evidence is listed
        self._viewers: dict[str, EvidenceViewer] = {}  # the viewers opened, by evidence record (gone once closed)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel(QCoreApplication.translate("LeadWindow", "County")))
        self.county = QComboBox()
        self.county.setObjectName("detail-county")
        for c in ws.campaign.counties:
            self.county.addItem(c.name, c.code)
        self.county.currentIndexChanged.connect(lambda _i: self.county_chosen.emit())
        row.addWidget(self.county)
        row.addStretch(1)
        layout.addLayout(row)
        self.tree = QTreeWidget()
        self.tree.setObjectName("detail")
        _headed(self.tree, (
            (QCoreApplication.translate("LeadWindow", "Indicator / inspector"), 420),
            (QCoreApplication.translate("LeadWindow", "Counted"), 90),
            (QCoreApplication.translate("LeadWindow", "Points"), 60),
            (QCoreApplication.translate("LeadWindow", "Findings, reasoning, evidence"), None),
        ))
        self.tree.currentItemChanged.connect(self._on_current_item_changed)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.tree)
        split.addWidget(self._evidence_panel())
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout.addWidget(split, 1)
        self._wanted: str | None = None  # an item to choose once the county's detail is shown
        # an inspector's score, every version of it (who kept which when a conflict was settled)
        self.history_action = QAction(QCoreApplication.translate("LeadWindow", "History of this score…"), self.tree)
        self.history_action.setObjectName("score-history")
        self.history_action.triggered.connect(self._on_history_triggered)
        self.tree.addAction(self.history_action)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

    def _evidence_panel(self) -> QWidget:
        """The chosen item's evidence, every inspector's: a double-click or Enter on a piece,
        or Open, shows a photo or a PDF in the viewer and anything else in its own program."""
        panel = QWidget()
        box = QVBoxLayout(panel)
        box.setContentsMargins(0, 0, 0, 0)
        heading = QHBoxLayout()
        self.evidence_heading = QLabel(QCoreApplication.translate("LeadWindow", "Choose an item to see its evidence."))
        self.evidence_heading.setObjectName("detail-evidence-heading")
        heading.addWidget(self.evidence_heading, 1)
        self.open_button = QPushButton(QCoreApplication.translate("LeadWindow", "Open"))
        self.open_button.setObjectName("open-evidence")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self._on_open_clicked)
        heading.addWidget(self.open_button)
        box.addLayout(heading)
        self.evidence = QTreeWidget()
        self.evidence.setObjectName("detail-evidence")
        self.evidence.setRootIsDecorated(False)
        _headed(self.evidence, (
            (QCoreApplication.translate("LeadWindow", "File"), 300),
            (QCoreApplication.translate("LeadWindow", "Caption"), 360),
            (QCoreApplication.translate("LeadWindow", "Inspector"), 120),
            (QCoreApplication.translate("LeadWindow", "Mode"), None),
        ))
        self.evidence.itemActivated.connect(self._on_evidence_activated)  # a double-click, or Enter
        self.evidence.currentItemChanged.connect(lambda current, _previous: self.open_button.setEnabled(current is not None))
        box.addWidget(self.evidence, 1)
        return panel

    def _on_current_item_changed(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        item = current.data(0, _ITEM_OF) if current is not None else None
        found = current.data(0, _SCORE_OF) if current is not None else None
        self._list_evidence(item, found[1] if found else None)

    def _list_evidence(self, item: str | None, inspector: str | None = None) -> None:
        """The item's evidence, by inspector; an inspector's row chosen, their first piece chosen."""
        self._evidence_item = item
        self.evidence.clear()
        detail = self._detail.get(item) if item else None
        if detail is None:
            self.evidence_heading.setText(QCoreApplication.translate("LeadWindow", "Choose an item to see its evidence."))
            self.open_button.setEnabled(False)
            return
        first: QTreeWidgetItem | None = None
        count = 0
        for who, work in detail.by_inspector.items():
            for e in work.evidence:
                row = QTreeWidgetItem([e.name, e.caption, who, mode_label(e.mode) if e.mode else ""])
                taken = (
                    QCoreApplication.translate("LeadWindow", "taken {0}").format(e.taken_at.replace("T", " "))
                    if e.taken_at else QCoreApplication.translate("LeadWindow", "no capture time")
                )
                attached = QCoreApplication.translate("LeadWindow", "attached {0}").format(e.attached_at.replace("T", " ")[:19])
                row.setToolTip(0, f"{e.name}\n{taken}\n{attached}")
                row.setData(0, _EVIDENCE, e)
                self.evidence.addTopLevelItem(row)
                count += 1
                if first is None and who == inspector:
                    first = row
        self.evidence_heading.setText(
            QCoreApplication.translate("LeadWindow", "Evidence of {0}: {1}").format(item, count)
            if count else QCoreApplication.translate("LeadWindow", "No evidence of {0}.").format(item)
        )
        chosen = first or self.evidence.topLevelItem(0)
        if chosen is not None:
            self.evidence.setCurrentItem(chosen)
        self.open_button.setEnabled(chosen is not None)

    def _on_evidence_activated(self, row: QTreeWidgetItem, _column: int) -> None:
        self.open(row.data(0, _EVIDENCE))

    def _on_open_clicked(self) -> None:
        row = self.evidence.currentItem()
        if row is not None:
            self.open(row.data(0, _EVIDENCE))

    def open(self, evidence: Evidence) -> EvidenceViewer | None:
        """A piece of evidence opened as the inspector's window opens it: a photo or a PDF in
        the viewer (returned), anything else in the system's program; read off the GUI thread.
        A piece whose viewer is open already is not opened twice (a double-click's second
        activation): its viewer comes to the front."""
        self._viewers = {record: v for record, v in self._viewers.items() if shiboken6.isValid(v)}  # closed ones are gone
        viewer = self._viewers.get(evidence.record_id)
        if viewer is not None and viewer.isVisible():
            viewer.raise_()
            viewer.activateWindow()
            return viewer
        viewer = open_evidence(self, self.ws, self.ops, evidence)
        if viewer is not None:
            self._viewers[evidence.record_id] = viewer
        return viewer

    def _on_history_triggered(self) -> None:
        current = self.tree.currentItem()
        found = current.data(0, _SCORE_OF) if current is not None else None
        county = self.chosen()
        if found and county:
            self.history_requested.emit(county, found[0], found[1])

    def show_item(self, county: str, item: str) -> None:
        """The county's detail with this item chosen (a search hit): now if it is shown, else
        once its detail arrives."""
        self._wanted = item
        index = self.county.findData(county)
        if index >= 0 and index != self.county.currentIndex():
            self.county.setCurrentIndex(index)  # its detail is read; show_detail chooses the item
        else:
            self._choose_wanted()

    def _choose_wanted(self) -> None:
        wanted, self._wanted = self._wanted, None
        if wanted is None:
            return
        found = self.tree.findItems(wanted + " ", Qt.MatchFlag.MatchStartsWith | Qt.MatchFlag.MatchRecursive, 0)
        if found:
            self.tree.setCurrentItem(found[0])
            found[0].setExpanded(True)
            self.tree.scrollToItem(found[0])

    def chosen(self) -> str | None:
        """The county shown (its code)."""
        code = self.county.currentData()
        return str(code) if code else None

    def show_detail(self, detail: dict[str, results_service.ItemDetail], conflicted: Collection[str] = ()) -> None:
        """The county's items; those whose records are in an open conflict (`conflicted`) marked."""
        indicators = self.ws.campaign.indicator_set
        self._detail = detail
        current = self.tree.currentItem()
        kept = current.data(0, _ITEM_OF) if current is not None else None  # chosen again once drawn
        self.tree.clear()
        nodes: dict[str, QTreeWidgetItem] = {}
        unscored = QColor("#b26a00")
        for node in indicators.nodes:
            parent = nodes.get(node.parent) if node.parent else None
            item = QTreeWidgetItem([f"{node.code}  {node.name}", "", canonical(node.points), ""])
            item.setToolTip(0, node.name)
            (parent.addChild(item) if parent else self.tree.addTopLevelItem(item))
            nodes[node.code] = item
            if not node.is_item:
                continue
            item.setData(0, _ITEM_OF, node.code)
            d = detail[node.code]
            counted = d.counted
            item.setText(1, show(counted) if counted is not None else QCoreApplication.translate("LeadWindow", "unscored"))
            if counted is None:
                item.setForeground(1, unscored)
            notes = []
            if d.adjudicated is not None:
                notes.append(QCoreApplication.translate("LeadWindow", "adjudicated: {0}").format(d.adjudication_reason))
            if d.problems:
                notes.append(QCoreApplication.translate("LeadWindow", "{0} problems").format(d.problems))
            if node.code in conflicted:
                notes.insert(0, QCoreApplication.translate("LeadWindow", "in conflict: see Conflicts"))
                for column in range(4):
                    item.setForeground(column, QColor("#c62828"))
            item.setText(3, "；".join(notes))
            for who, work in d.by_inspector.items():
                findings = "；".join(f"{mode_label(InspectionMode(m))}：{t}" for m, t in work.findings.items())
                extra = [findings] if findings else []
                if work.comment:
                    extra.append(QCoreApplication.translate("LeadWindow", "reasoning: {0}").format(work.comment))
                if work.evidence:
                    extra.append(QCoreApplication.translate("LeadWindow", "{0} evidence").format(len(work.evidence)))
                child = QTreeWidgetItem([who, show(work.score) if work.score is not None else "—", "", "  ".join(extra)])
                child.setToolTip(3, "\n".join(extra))
                child.setData(0, _SCORE_OF, (node.code, who))
                child.setData(0, _ITEM_OF, node.code)
                item.addChild(child)
        for node in indicators.nodes:  # subtotals of the first two levels
            if not node.is_item:
                got = scoring.subtotal(indicators, node.code, {code: d.counted for code, d in detail.items()})
                nodes[node.code].setText(1, show(got.score) if got.score is not None else "—")
                nodes[node.code].setText(3, QCoreApplication.translate("LeadWindow", "{0}/{1} items scored").format(got.scored, got.items))
        for i in range(self.tree.topLevelItemCount()):
            self.tree.topLevelItem(i).setExpanded(True)
        self._list_evidence(None)  # the tree's choice went with it
        if self._wanted is None and kept in nodes:
            self.tree.setCurrentItem(nodes[kept])
        self._choose_wanted()
