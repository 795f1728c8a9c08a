"""验收成绩单: one county on one page, gathered from the answers the other faces show.

The county's total, rank, grade and standing are desktop.services.results' (the core's
one rule: 暂定 when provisional, no rank or grade when not started); its first-level profile
is results.profile; where its inspectors disagree is desktop.services.agreement's; its
problems are the rectification board's, printed as every document prints them. Nothing is
scored here. A page holds only so many rows: the rest is counted, never dropped silently.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from desktop.core import words
from desktop.core.campaign import County
from desktop.core.numbers import canonical, round_half_up, show, signed
from desktop.core.problems import ProblemStatus
from desktop.core.scoring import CountyResult
from desktop.reports import model
from desktop.services import agreement, documents, rectification, results
from desktop.services.workspace import Workspace

# What one A4 page holds beside the result and the profile (tests/reports/test_scorecard.py
# prints a county that has more of each and finds one page).
MAX_DISAGREEMENTS = 6
MAX_PROBLEMS = 6
MAX_ADJUSTMENTS = 2
PERCENT = Decimal(1)


def scorecard(ws: Workspace, county: County, minimum: Decimal | None = None) -> model.Scorecard:
    """The scorecard of a county as the database stands. `minimum` is the spread at which an
    item is flagged, as `agreement.agreement_of` takes it (None: a third of its points)."""
    campaign = ws.campaign
    rows = results.results(ws)
    result = next(r for r in rows if r.county == county.code)
    found = agreement.agreement_of(ws, minimum)
    mine = [r for r in found.rows if r.spread.county == county.code]
    flagged = sorted((r for r in mine if r.flagged), key=lambda r: -r.spread.spread)  # stable: the set's order among equals
    entries = rectification.board(ws, county=county.code)
    today = dt.date.today()
    unsettled = [e for e in entries if e.status != ProblemStatus.VERIFIED]
    adjustments = tuple((signed(a.delta), a.reason) for a in result.adjustments)
    return model.Scorecard(
        campaign=campaign.name, document_number=campaign.document_number, county=county.name,
        standing=result.standing.value, total=show(result.total) if result.started else "", rank=result.rank,
        ranked=sum(r.started for r in rows), grade=words.grade(result), data=words.data(campaign, result),
        methods=tuple(
            model.MethodCell(m.name, canonical(m.weight * 100), "" if (v := result.score_of(m.key)) is None else show(v))
            for m in campaign.methods
        ),
        adjustment=signed(result.adjustment) if result.adjustments else "",
        adjustments=adjustments[:MAX_ADJUSTMENTS], adjustments_left_out=max(0, len(adjustments) - MAX_ADJUSTMENTS),
        profile=tuple(_profile_row(bar) for bar in results.profile(ws, county.code, rows)),
        inspectors=_inspectors(result), compared=len(mine), flagged=len(flagged),
        disagreements=tuple(_disagreement(ws, r) for r in flagged[:MAX_DISAGREEMENTS]),
        rule="各项分值的三分之一" if found.minimum is None else f"{canonical(found.minimum)} 分",
        problems=tuple(documents.problem_row(ws, e, today) for e in unsettled[:MAX_PROBLEMS]),
        open_problems=len(unsettled), verified_problems=len(entries) - len(unsettled),
        generated_on=today.isoformat(), record_id=f"CJ-{county.code}", notes=_notes(result),
    )


def _profile_row(bar: results.ProfileBar) -> model.ProfileRow:
    share = bar.share
    return model.ProfileRow(
        bar.code, bar.name, canonical(bar.points), show(bar.counted) if share is not None else "",
        "" if share is None else str(round_half_up(share * 100, PERCENT)), bar.scored_items, bar.items,
    )


def _disagreement(ws: Workspace, row: agreement.SpreadRow) -> model.DisagreementRow:
    s = row.spread
    node = ws.campaign.indicator_set.find(s.item)
    return model.DisagreementRow(
        s.item, node.name if node else "", canonical(s.points), tuple((who, canonical(v)) for who, v in s.scores.items()),
        canonical(s.spread), show(s.threshold), "" if row.adjudicated is None else canonical(row.adjudicated),
    )


def _inspectors(result: CountyResult) -> tuple[str, ...]:
    return tuple(sorted({s.inspector for item in result.items for s in item.scores}))


def _notes(result: CountyResult) -> tuple[str, ...]:
    if not result.started:
        return ("本县（市、区）尚无任何得分（未开始）：不排名次、不评等次，也不计入参评县（市、区）数。",)
    if result.provisional:
        return ("数据尚不完整，加权总分、名次和等次为暂定结果；缺项补齐后以最终结果为准。",)
    return ()
