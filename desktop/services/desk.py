"""What the lead's desk shows, read in one go off the GUI thread: the results with their
charts, the county detail, the problem board, the conflicts, the merge history and the
timeline. The desk asks for the parts a change concerns and draws what it gets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from desktop.core.campaign import Campaign
from desktop.core.scoring import CountyResult
from desktop.services import rectification, results, sync
from desktop.services.changes import Changes
from desktop.services.workspace import Workspace


class Part(Enum):
    RESULTS = "results"  # the results table, both charts, the timeline
    DETAIL = "detail"  # the county detail
    PROBLEMS = "problems"  # the rectification board (and the timeline's count)
    CONFLICTS = "conflicts"
    HISTORY = "history"  # the merge history


EVERY_PART = frozenset(Part)
# which parts show which kinds of record
_SHOWN_BY = {
    Part.RESULTS: {"score", "method_score", "adjudication", "adjustment"},
    Part.DETAIL: {"score", "finding", "evidence", "problem", "adjudication"},
    Part.PROBLEMS: {"problem", "evidence"},
    Part.HISTORY: {"merge_report"},
}


def merge_changes(reports: Sequence[sync.FileReport], *, dry_run: bool) -> Changes:
    """What a merge changed on the desk: a dry run, or a batch that brought nothing, only its
    kept report (the history); a batch that merged a file, everything (versions, devices,
    perhaps the lead's settings from another master)."""
    if not dry_run and any(r.status == "merged" for r in reports):
        return Changes(everything=True)
    return Changes.of("merge_report")


def parts_for(changes: Changes) -> frozenset[Part]:
    """The parts of the desk a write's changes concern."""
    if changes.everything:
        return EVERY_PART
    parts = {part for part, shown in _SHOWN_BY.items() if changes.entities & shown}
    if changes.conflicts:
        parts |= {Part.CONFLICTS, Part.RESULTS, Part.DETAIL}
    return frozenset(parts)


@dataclass(frozen=True)
class DeskView:
    campaign: Campaign  # the effective campaign the rest was read with
    parts: frozenset[Part]
    rows: tuple[CountyResult, ...] = ()
    totals: tuple[results.TotalBar, ...] = ()
    detail_county: str | None = None
    detail: dict[str, results.ItemDetail] | None = None
    problems: tuple[rectification.Entry, ...] = ()
    conflicts: tuple[sync.Conflict, ...] = ()
    batches: tuple[sync.BatchReport, ...] = ()


def read(ws: Workspace, parts: frozenset[Part] = EVERY_PART, *, detail_county: str | None = None) -> DeskView:
    """The parts asked for, as of now. The lead's settings are read again first (another desk
    on a shared server, a merge or a kept version may have changed them)."""
    ws.reload_campaign()
    rows = tuple(results.results(ws)) if Part.RESULTS in parts else ()
    return DeskView(
        campaign=ws.campaign,
        parts=parts,
        rows=rows,
        totals=tuple(results.totals_chart(ws, list(rows))) if Part.RESULTS in parts else (),
        detail_county=detail_county,
        detail=results.county_detail(ws, detail_county) if Part.DETAIL in parts and detail_county else None,
        problems=tuple(rectification.board(ws)) if Part.PROBLEMS in parts or Part.RESULTS in parts else (),
        conflicts=tuple(sync.conflicts(ws)) if Part.CONFLICTS in parts else (),
        batches=tuple(sync.merge_reports(ws)) if Part.HISTORY in parts else (),
    )
