"""Importing score sheets: inspection findings and scores, self-check, third party.

A sheet is checked whole before anything is written (desktop.core.sheets), then applied
in one write transaction: it lands entirely or not at all, even if the process dies.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop import paths
from desktop.core.campaign import MethodSource
from desktop.core.errors import InputError
from desktop.core.sheets import parse_inspection_sheet, parse_method_sheet
from desktop.services import records, workspace
from desktop.services.workspace import Workspace

INSPECTION = "inspection"


@dataclass(frozen=True)
class ImportSummary:
    kind: str
    rows: int
    counties: int
    changed: int  # records that got a new version; 0 when the sheet was imported before


def import_sheet(ws: Workspace, sheet: Path, kind: str, inspector: str | None = None) -> ImportSummary:
    if kind == INSPECTION:
        return _inspection(ws, sheet, inspector or ws.identity.inspector)
    method = ws.campaign.method(kind)
    if method is None or method.source is not MethodSource.IMPORT:
        keys = [m.key for m in ws.campaign.methods if m.source is MethodSource.IMPORT]
        raise InputError.single(sheet, "unknown_kind", f"the campaign has no imported method '{kind}' (it has: {', '.join(keys)})")
    return _method(ws, sheet, kind)


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
            for mode, text in row.findings.items():
                changed += records.set_finding(conn, signer, ws, mode=mode, text=text, **where)
    return ImportSummary(INSPECTION, len(parsed.rows), len({r.county for r in parsed.rows}), changed)


def _method(ws: Workspace, sheet: Path, method: str) -> ImportSummary:
    parsed = parse_method_sheet(sheet, ws.campaign, method)
    changed = 0
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        for county, total in parsed.totals.items():
            changed += records.set_method_total(conn, signer, ws, county=county, method=method, total=total)
        for county, items in parsed.items.items():
            changed += records.set_method_items(conn, signer, ws, county=county, method=method, items=dict(items))
    return ImportSummary(method, parsed.rows, len(set(parsed.totals) | set(parsed.items)), changed)
