"""Importing score sheets: inspection findings, their results and scores, self-check, third party.

A sheet is checked whole before anything is written (desktop.core.sheets), then applied
in one write transaction: it lands entirely or not at all, even if the process dies.
`preview` says beforehand what a method sheet would change, county by county, from the
very comparison the import makes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from desktop import paths
from desktop.core.campaign import MethodSource
from desktop.core.errors import InputError
from desktop.core.inspection import InspectionMode
from desktop.core.sheets import MethodSheet, parse_inspection_sheet, parse_method_sheet
from desktop.services import records, workspace
from desktop.services.changes import NOTHING, Changes
from desktop.services.workspace import Workspace

INSPECTION = "inspection"


@dataclass(frozen=True)
class ImportSummary:
    kind: str
    rows: int
    counties: int
    changed: int  # records that got a new version; 0 when the sheet was imported before
    # a method sheet's counties whose earlier score it replaced, and those it left as they were
    replaced: int = 0
    unchanged: int = 0
    changes: Changes = NOTHING  # what the import wrote, for the views that show it


@dataclass(frozen=True)
class MethodValue:
    """A county's score for an imported method: a total out of 100, or per-item scores."""

    total: Decimal | None  # None for per-item scores
    items: tuple[tuple[str, Decimal], ...] = ()  # item code → score, in code order

    @property
    def score(self) -> Decimal:
        """The total, or the sum of the items (what the results count)."""
        return self.total if self.total is not None else sum((s for _, s in self.items), Decimal(0))

    @classmethod
    def of(cls, payload: dict[str, Any]) -> MethodValue:
        if payload.get("total") is not None:
            return cls(Decimal(payload["total"]))
        scores = payload.get("items") or {}
        return cls(None, tuple(sorted((code, Decimal(s)) for code, s in scores.items())))


class Change(StrEnum):
    NEW = "new"  # the county had no score for the method
    REPLACED = "replaced"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class CountyChange:
    county: str  # code
    name: str
    now: MethodValue | None  # None: no score yet
    after: MethodValue

    @property
    def change(self) -> Change:
        if self.now is None:
            return Change.NEW
        return Change.UNCHANGED if self.now == self.after else Change.REPLACED


@dataclass(frozen=True)
class ImportPreview:
    """What importing a method sheet would do, per county in the sheet's order."""

    method: str
    rows: int
    counties: tuple[CountyChange, ...]

    def count(self, change: Change) -> int:
        return sum(1 for c in self.counties if c.change is change)

    @property
    def replaced(self) -> int:
        """How many existing values the import replaces."""
        return self.count(Change.REPLACED)


def import_sheet(ws: Workspace, sheet: Path, kind: str, inspector: str | None = None) -> ImportSummary:
    if kind == INSPECTION:
        return _inspection(ws, sheet, inspector or ws.identity.inspector)
    _check_method(ws, sheet, kind)
    return _method(ws, sheet, kind)


def preview(ws: Workspace, sheet: Path, kind: str) -> ImportPreview:
    """A self-check or third-party sheet checked, and per county its score now and after the
    import; nothing is written. Raises InputError as `import_sheet` would."""
    _check_method(ws, sheet, kind)
    parsed = parse_method_sheet(sheet, ws.campaign, kind)
    with ws.read() as conn:
        changes = tuple(_changes(conn, ws, parsed))
    return ImportPreview(kind, parsed.rows, changes)


def _check_method(ws: Workspace, sheet: Path, kind: str) -> None:
    method = ws.campaign.method(kind)
    if method is None or method.source is not MethodSource.IMPORT:
        keys = [m.key for m in ws.campaign.methods if m.source is MethodSource.IMPORT]
        raise InputError.single(sheet, "unknown_kind", f"the campaign has no imported method '{kind}' (it has: {', '.join(keys)})")


def _inspection(ws: Workspace, sheet: Path, inspector: str | None) -> ImportSummary:
    if not inspector or not inspector.strip():
        raise InputError.single(sheet, "no_inspector", "whose sheet is it? this database has no inspector; name one with --inspector")
    inspector = workspace.inspector_name(inspector)
    own = ws.identity.inspector
    if ws.identity.role == "field" and own and inspector != own:
        # the master refuses a laptop's signature on another inspector's record (db.merge)
        raise InputError.single(
            sheet, "not_own_inspector", f"this laptop belongs to {own}; it cannot record {inspector}'s inspection (import it on theirs)"
        )
    parsed = parse_inspection_sheet(sheet, ws.campaign)
    changed = 0
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        for row in parsed.rows:
            where = {"county": row.county, "item": row.item, "inspector": inspector}
            if row.score is not None:
                changed += records.set_score(conn, signer, ws, score=row.score, comment=row.comment or "", **where)
            elif row.comment is not None:
                changed += records.set_comment(conn, signer, ws, comment=row.comment, **where)
            for mode in [m for m in InspectionMode if m in row.findings or m in row.results]:
                changed += records.set_finding(
                    conn, signer, ws, mode=mode, text=row.findings.get(mode), status=row.results.get(mode), **where
                )
    places = [(r.county, r.item) for r in parsed.rows]
    wrote = (Changes.of("score", places) | Changes.of("finding", places)) if changed else NOTHING
    return ImportSummary(INSPECTION, len(parsed.rows), len({r.county for r in parsed.rows}), changed, changes=wrote)


def _changes(conn: Connection, ws: Workspace, parsed: MethodSheet) -> list[CountyChange]:
    """Per county of the sheet, its value now and what the import makes of it (records' own rules)."""
    names = {c.code: c.name for c in ws.campaign.counties}
    method = parsed.method
    out = []
    for county in [*parsed.totals, *parsed.items]:
        previous = records.current_method_payload(conn, ws, county=county, method=method)
        if county in parsed.totals:
            after = records.method_total_payload(county=county, method=method, total=parsed.totals[county])
        else:
            after = records.method_items_payload(previous, county=county, method=method, items=dict(parsed.items[county]))
        now = None if previous is None else MethodValue.of(previous)
        out.append(CountyChange(county, names[county], now, MethodValue.of(after)))
    return out


def _method(ws: Workspace, sheet: Path, method: str) -> ImportSummary:
    parsed = parse_method_sheet(sheet, ws.campaign, method)
    changed = 0
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        changes = _changes(conn, ws, parsed)
        for county, total in parsed.totals.items():
            changed += records.set_method_total(conn, signer, ws, county=county, method=method, total=total)
        for county, items in parsed.items.items():
            changed += records.set_method_items(conn, signer, ws, county=county, method=method, items=dict(items))
    kinds = [c.change for c in changes]
    wrote = Changes.of("method_score", [(c.county, "") for c in changes]) if changed else NOTHING
    return ImportSummary(
        method, parsed.rows, len(changes), changed, kinds.count(Change.REPLACED), kinds.count(Change.UNCHANGED), wrote,
    )
