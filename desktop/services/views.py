"""What the inspector's window shows of a county's record: plain values, read by
desktop.services.items and shown by the window. Nothing here touches a database, so the
window can build and paint its first frame with them before the database layer is loaded
(issue 19: the cold start)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from desktop.core import scoring
from desktop.core.inspection import FindingStatus, InspectionMode

if TYPE_CHECKING:
    from desktop.core.indicators import IndicatorSet

SEVERITIES = ("minor", "major", "serious")


@dataclass(frozen=True)
class Finding:
    mode: InspectionMode
    text: str = ""
    status: FindingStatus = FindingStatus.UNCHECKED
    area: str = ""

    @property
    def empty(self) -> bool:
        return not self.text and self.status is FindingStatus.UNCHECKED and not self.area


@dataclass(frozen=True)
class Problem:
    record_id: str
    description: str
    severity: str
    deadline: dt.date | None
    created_at: str
    status: str = "open"  # desktop.core.problems.ProblemStatus's value


@dataclass(frozen=True)
class Evidence:
    record_id: str
    sha256: str
    name: str
    mime: str
    size: int
    mode: InspectionMode | None
    caption: str
    taken_at: str | None
    gps: str | None
    attached_at: str

    @property
    def is_image(self) -> bool:
        return self.mime.startswith("image/")

    @property
    def is_pdf(self) -> bool:
        return self.mime == "application/pdf"


@dataclass(frozen=True)
class ItemRecord:
    """Everything one inspector recorded for one item of one county."""

    county: str
    item: str
    score: Decimal | None
    comment: str
    findings: dict[InspectionMode, Finding]
    problems: tuple[Problem, ...]
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class ItemStatus:
    """What the tree shows of an item."""

    score: Decimal | None = None
    modes: frozenset[InspectionMode] = frozenset()
    problems: int = 0
    evidence: int = 0

    @property
    def scored(self) -> bool:
        return self.score is not None


@dataclass
class CountyStatus:
    items: dict[str, ItemStatus] = field(default_factory=dict)

    def item(self, code: str) -> ItemStatus:
        return self.items.get(code, ItemStatus())

    def node_score(self, indicators: IndicatorSet, code: str) -> scoring.Subtotal:
        """The subtotal so far over the items under an indicator (the core's one rule)."""
        return scoring.subtotal(indicators, code, {c: i.score for c, i in self.items.items() if i.scored})
