"""Search, one box in each window: the inspectors' written words (findings, problems and their
rectification accounts, evidence captions and file names: db.search's index), the campaign's
scoring items by text or code, and the inspectors' names; each hit names where to go.

On a laptop a search sees its own inspector's records only (and every item); on a master,
everyone's. Hits come best first (desktop.core.search.Rank: the whole text, the query as
typed, each term apart), and within a rank the items and names before the records, the
records in the campaign's order of counties and items. Items and names are matched here in
the campaign the workspace holds (a few dozen texts); records in the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from db import search as index
from db.search import SearchRow
from desktop.core import search as rules
from desktop.core.inspection import InspectionMode
from desktop.core.search import HitKind, Rank
from desktop.services.workspace import Workspace

LIMIT = 50


@dataclass(frozen=True)
class Hit:
    """One search result: what it is, where it belongs (codes, and their names for showing),
    and the few words around the match."""

    kind: HitKind
    record_id: str | None  # the record to open; None for an item or an inspector
    county: str | None  # the county's code; None for an item, an inspector, evidence not filed yet
    item: str | None  # the scoring item's code
    inspector: str | None  # whose record it is; the name itself for an inspector
    mode: InspectionMode | None  # a finding's or a piece of evidence's mode
    snippet: str  # the matched text, cut around the match, on one line
    match: tuple[int, int]  # where the match is in `snippet` (start, end)
    rank: Rank
    county_name: str = ""
    item_name: str = ""  # the item's full text


def search(ws: Workspace, text: str, *, limit: int = LIMIT) -> list[Hit]:
    """The hits for what was typed in a search box, best first, at most `limit`."""
    words = rules.terms(text)
    if not words or limit <= 0:
        return []
    typed = rules.phrase(text)
    mine = None if ws.identity.role == "master" else ws.identity.inspector or ""
    with ws.read() as conn:
        rows = index.find(conn, words, phrase=typed, campaign_id=ws.identity.campaign_id, inspector=mine, limit=limit)
        names = [mine] if mine else [*(i.name for i in ws.campaign.inspectors), *index.inspectors(conn)]
    reference = [*_inspector_hits(names, words, typed), *_item_hits(ws, words, typed)]
    counties = {c.code: c.name for c in ws.campaign.counties}
    records = [_record_hit(ws, counties, row, words, typed) for row in rows]
    ordered = [h for r in Rank for h in (*(x for x in reference if x.rank is r), *(x for x in records if x.rank is r))]
    return ordered[:limit]


def _inspector_hits(names: Iterable[str], words: tuple[str, ...], typed: str) -> list[Hit]:
    hits = []
    for name in dict.fromkeys(names):  # each once, in order
        found = rules.rank(name, words, typed)
        if found is not None:
            cut = rules.snippet(name, words, typed)
            hits.append(Hit(HitKind.INSPECTOR, None, None, None, name, None, cut.text, (cut.start, cut.end), found))
    return hits


def _item_hits(ws: Workspace, words: tuple[str, ...], typed: str) -> list[Hit]:
    """Items by text, or by code: the code typed whole is exact, its start a phrase."""
    hits = []
    for item in ws.campaign.indicator_set.items:
        by_text = rules.rank(item.name, words, typed)
        by_code = Rank.EXACT if item.code == typed else Rank.PHRASE if len(words) == 1 and item.code.startswith(typed) else None
        found = min((r for r in (by_text, by_code) if r is not None), default=None)
        if found is None:
            continue
        cut = rules.snippet(item.name, words, typed) if by_text is not None else rules.snippet(item.name, (), "")
        hits.append(Hit(
            HitKind.ITEM, None, None, item.code, None, None, cut.text, (cut.start, cut.end), found, item_name=item.name,
        ))
    return hits


def _record_hit(ws: Workspace, counties: dict[str, str], row: SearchRow, words: tuple[str, ...], typed: str) -> Hit:
    node = ws.campaign.indicator_set.find(row.item) if row.item else None
    cut = rules.snippet(row.body, words, typed)
    return Hit(
        HitKind(row.kind), row.record_id, row.county, row.item, row.inspector, InspectionMode(row.mode) if row.mode else None,
        cut.text, (cut.start, cut.end), Rank(row.rank), counties.get(row.county or "", ""), node.name if node else "",
    )


__all__ = ["LIMIT", "Hit", "HitKind", "Rank", "search"]
