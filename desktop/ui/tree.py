"""The indicator tree of one county: first level → second level → items, with what the
inspector has done on each (modes with findings, score, problems, evidence) and the
running score of every node against its points."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QStandardItem, QStandardItemModel

from desktop.core.indicators import Indicator, IndicatorSet, Level
from desktop.core.inspection import InspectionMode
from desktop.core.numbers import canonical as show
from desktop.services.views import CountyStatus

CODE_ROLE = Qt.ItemDataRole.UserRole + 1
SCORED_ROLE = Qt.ItemDataRole.UserRole + 2
PROBLEMS_ROLE = Qt.ItemDataRole.UserRole + 3
EVIDENCE_ROLE = Qt.ItemDataRole.UserRole + 4

# One character per mode, in the order of the tabs: 汇 材 网 实.
MODE_MARKS = {
    InspectionMode.REPORT: "汇",
    InspectionMode.MATERIALS: "材",
    InspectionMode.ONLINE: "网",
    InspectionMode.FIELD: "实",
}
_DONE = QColor("#1a7f37")
_TODO = QColor("#b8b8b8")
_PROBLEM = QColor("#c62828")


class Column(IntEnum):
    NAME = 0
    MODES = 1
    SCORE = 2


def short_name(node: Indicator, length: int = 18) -> str:
    name = node.name.replace("\n", " ")
    return name if len(name) <= length else name[: length - 1] + "…"


class IndicatorTreeModel(QStandardItemModel):
    statuses_changed = Signal()  # after update_status: filters must look at every row again

    def __init__(self, indicators: IndicatorSet, parent=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self.indicators = indicators
        self.setHorizontalHeaderLabels([self.tr("Indicator"), self.tr("Modes"), self.tr("Score")])
        self._rows: dict[str, list[QStandardItem]] = {}
        self._shown: dict[str, tuple[object, ...]] = {}  # what each row shows now (_drawn)
        for node in indicators.nodes:
            row = [QStandardItem(), QStandardItem(), QStandardItem()]
            for cell in row:
                cell.setEditable(False)
                cell.setData(node.code, CODE_ROLE)
            row[Column.NAME].setText(f"{node.code}  {short_name(node, 40 if node.level is not Level.ITEM else 18)}")
            row[Column.NAME].setToolTip(f"{node.code} {node.name}（{show(node.points)}分）")
            row[Column.SCORE].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if node.level is not Level.ITEM:
                bold = QFont()
                bold.setBold(True)
                row[Column.NAME].setFont(bold)
            parent_row = self._rows[node.parent][Column.NAME] if node.parent else self.invisibleRootItem()
            parent_row.appendRow(row)
            self._rows[node.code] = row
        self.update_status(CountyStatus())

    def index_of(self, code: str) -> QModelIndex:
        return self._rows[code][Column.NAME].index()

    def update_status(self, status: CountyStatus) -> None:
        """Redraw every node from the county's status (34 items: cheap)."""
        self._update(status)
        self.statuses_changed.emit()

    def _update(self, status: CountyStatus) -> None:
        for node in self.indicators.nodes:
            shown = self._drawn(node, status)
            if self._shown.get(node.code) == shown:
                continue  # as drawn already: nothing set, nothing signalled (a start draws its empty county twice)
            self._shown[node.code] = shown
            row = self._rows[node.code]
            modes, modes_tip, modes_colour, score, score_colour, marks = shown
            row[Column.MODES].setText(modes)
            row[Column.MODES].setToolTip(modes_tip)
            row[Column.MODES].setForeground(QBrush(modes_colour))
            row[Column.SCORE].setText(score)
            if score_colour is not None:
                row[Column.SCORE].setForeground(QBrush(score_colour))
            if marks is not None:
                scored, problems, evidence = marks
                for cell in row:
                    cell.setData(scored, SCORED_ROLE)
                    cell.setData(problems, PROBLEMS_ROLE)
                    cell.setData(evidence, EVIDENCE_ROLE)

    def _drawn(self, node: Indicator, status: CountyStatus) -> tuple[str, str, QColor, str, QColor | None, tuple[bool, int, int] | None]:
        """What a node's row shows of the county's status: the modes column's text, tooltip and
        colour, the score column's text and colour, and (an item's) the filters' roles."""
        if node.level is Level.ITEM:
            item = status.item(node.code)
            marks = []
            if item.problems:
                marks.append(self.tr("{0} problems").format(item.problems))
            if item.evidence:
                marks.append(self.tr("{0} evidence").format(item.evidence))
            score = show(item.score) if item.score is not None else "—"
            return (" ".join(MODE_MARKS[m] if m in item.modes else "·" for m in InspectionMode),
                    "；".join(marks) if marks else self.tr("No findings yet"), _DONE if item.modes else _TODO,
                    f"{score}/{show(node.points)}", _PROBLEM if item.problems else (_DONE if item.scored else _TODO),
                    (item.scored, item.problems, item.evidence))
        got = status.node_score(self.indicators, node.code)
        return (f"{got.scored}/{got.items}", self.tr("{0}/{1} scored").format(got.scored, got.items),
                _DONE if got.scored == got.items else _TODO,
                f"{show(got.score) if got.score is not None else '—'}/{show(node.points)}", None, None)


class Filter(IntEnum):
    ALL = 0
    UNSCORED = 1
    PROBLEMS = 2
    NO_EVIDENCE = 3


class ItemFilter(QSortFilterProxyModel):
    """Shows the items a filter keeps, with the nodes above them."""

    def __init__(self, parent=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self._filter = Filter.ALL
        self.setRecursiveFilteringEnabled(True)

    def set_filter(self, value: Filter) -> None:
        self._filter = value
        self.refilter()

    def setSourceModel(self, model: QAbstractItemModel) -> None:
        super().setSourceModel(model)
        if isinstance(model, IndicatorTreeModel):
            model.statuses_changed.connect(self._statuses_changed)

    def _statuses_changed(self) -> None:
        if self._filter is not Filter.ALL:
            self.refilter()

    def refilter(self) -> None:
        """Filter every row again (needed after the statuses change: Qt does not look again
        at rows whose branch the filter had hidden)."""
        if hasattr(self, "beginFilterChange"):  # Qt ≥ 6.10
            self.beginFilterChange()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()
        index = model.index(source_row, 0, source_parent)
        if model.hasChildren(index):
            return self._filter is Filter.ALL  # parents show when a child does (recursive filtering)
        if self._filter is Filter.UNSCORED:
            return not index.data(SCORED_ROLE)
        if self._filter is Filter.PROBLEMS:
            return bool(index.data(PROBLEMS_ROLE))
        if self._filter is Filter.NO_EVIDENCE:
            return not index.data(EVIDENCE_ROLE)
        return True
