"""Where the inspectors disagree, read from a database's current scores (SPEC §6 `spread`,
the lead's 一致性 tab): the rows, each inspector's distance from the others, and the
spread under each first-level indicator. The rules are desktop.core.agreement's; this
module reads the scores and the lead's adjudications and hands them over.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from db import queries
from desktop.core import agreement
from desktop.core.agreement import IndicatorSpread, InspectorDeviation, ItemSpread
from desktop.core.scoring import InspectorScore
from desktop.services.workspace import Workspace


@dataclass(frozen=True)
class SpreadRow:
    """One county item scored by two or more inspectors, with the lead's adjudication of it
    when there is one (a flagged row the lead has settled)."""

    spread: ItemSpread
    county_name: str
    adjudicated: Decimal | None

    @property
    def flagged(self) -> bool:
        return self.spread.flagged


@dataclass(frozen=True)
class Agreement:
    """Everything the `spread` command and the 一致性 tab show."""

    rows: tuple[SpreadRow, ...]  # by county (the campaign's order), then item
    inspectors: tuple[InspectorDeviation, ...]  # the furthest from the others first
    indicators: tuple[IndicatorSpread, ...]  # per first-level indicator, in the set's order
    minimum: Decimal | None  # the threshold the lead gave; None: a third of each item's points

    @property
    def flagged(self) -> tuple[SpreadRow, ...]:
        return tuple(r for r in self.rows if r.flagged)


def agreement_of(ws: Workspace, minimum: Decimal | None = None) -> Agreement:
    """The disagreement in the database as it stands. `minimum` (points, from 0 up) flags a
    row whose spread reaches it; None flags at a third of each item's points. A negative or
    infinite minimum is refused (InputError, code `bad_threshold`) before anything is read."""
    if minimum is not None:
        agreement.check_minimum(minimum)
    with ws.read() as conn:
        scores = [InspectorScore(r.county, r.item, r.inspector, Decimal(r.score)) for r in queries.current_scores(conn)]
        adjudicated = {(a.county, a.item): Decimal(a.score) for a in queries.current_adjudications(conn)}
    campaign = ws.campaign
    found = agreement.spreads(campaign, scores, minimum)
    names = {c.code: c.name for c in campaign.counties}
    rows = tuple(SpreadRow(s, names[s.county], adjudicated.get((s.county, s.item))) for s in found)
    return Agreement(
        rows, tuple(agreement.deviations(found)), tuple(agreement.by_first_level(campaign.indicator_set, found)), minimum,
    )
