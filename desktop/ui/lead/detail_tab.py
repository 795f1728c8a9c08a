"""The desk's county detail: one county from its first-level indicators down to each
inspector's score, findings, reasoning and evidence for every item."""

from __future__ import annotations

from collections.abc import Collection

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from desktop.core import scoring
from desktop.core.inspection import InspectionMode
from desktop.core.numbers import canonical, show
from desktop.services import results as results_service
from desktop.services.workspace import Workspace
from desktop.ui.item_view import mode_label

_SCORE_OF = Qt.ItemDataRole.UserRole + 1  # an inspector's row: (item, inspector) of the score it shows


class DetailTab(QWidget):
    county_chosen = Signal()
    """The lead chose another county: the window reads its detail."""
    history_requested = Signal(str, str, str)
    """The history of a score: (county, item, inspector) — a conflict's resolution revisited too."""

    def __init__(self, ws: Workspace) -> None:
        super().__init__()
        self.ws = ws
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
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels(
            [
                QCoreApplication.translate("LeadWindow", "Indicator / inspector"),
                QCoreApplication.translate("LeadWindow", "Counted"),
                QCoreApplication.translate("LeadWindow", "Points"),
                QCoreApplication.translate("LeadWindow", "Findings, reasoning, evidence"),
            ]
        )
        self.tree.setColumnWidth(0, 420)
        self.tree.setColumnWidth(1, 90)
        self.tree.setColumnWidth(2, 60)
        layout.addWidget(self.tree, 1)
        self._wanted: str | None = None  # an item to choose once the county's detail is shown
        # an inspector's score, every version of it (who kept which when a conflict was settled)
        self.history_action = QAction(QCoreApplication.translate("LeadWindow", "History of this score…"), self.tree)
        self.history_action.setObjectName("score-history")
        self.history_action.triggered.connect(self._on_history_triggered)
        self.tree.addAction(self.history_action)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

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
                    extra.append(QCoreApplication.translate("LeadWindow", "{0} evidence").format(work.evidence))
                child = QTreeWidgetItem([who, show(work.score) if work.score is not None else "—", "", "  ".join(extra)])
                child.setToolTip(3, "\n".join(extra))
                child.setData(0, _SCORE_OF, (node.code, who))
                item.addChild(child)
        for node in indicators.nodes:  # subtotals of the first two levels
            if not node.is_item:
                got = scoring.subtotal(indicators, node.code, {code: d.counted for code, d in detail.items()})
                nodes[node.code].setText(1, show(got.score) if got.score is not None else "—")
                nodes[node.code].setText(3, QCoreApplication.translate("LeadWindow", "{0}/{1} items scored").format(got.scored, got.items))
        for i in range(self.tree.topLevelItemCount()):
            self.tree.topLevelItem(i).setExpanded(True)
        self._choose_wanted()
