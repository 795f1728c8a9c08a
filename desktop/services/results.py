"""The weighted result of every county, from the database's current state."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from db import inspection_queries, queries
from desktop.core import scoring
from desktop.core.campaign import MethodSource
from desktop.core.indicators import Level
from desktop.core.scoring import Adjudication, Adjustment, CountyResult, InspectorScore, MethodScore, compute_results
from desktop.services import rectification
from desktop.services.items import Evidence, _evidence
from desktop.services.workspace import Workspace


def results(ws: Workspace) -> list[CountyResult]:
    with ws.read() as conn:
        scores = [InspectorScore(r.county, r.item, r.inspector, Decimal(r.score)) for r in queries.current_scores(conn)]
        adjudications = [
            Adjudication(r.county, r.item, Decimal(r.score), r.reason) for r in queries.current_adjudications(conn)
        ]
        methods = []
        for m in queries.current_method_scores(conn):
            if m.total is not None:
                methods.append(MethodScore(m.county, m.method, Decimal(m.total)))
            elif m.items is not None:
                methods.append(MethodScore(m.county, m.method, sum((Decimal(v) for v in json.loads(m.items).values()), Decimal(0))))
        adjustments = [Adjustment(r.county, Decimal(r.delta), r.reason) for r in queries.current_adjustments(conn)]
    return compute_results(ws.campaign, scores, adjudications, methods, adjustments)


@dataclass(frozen=True)
class InspectorWork:
    score: Decimal | None
    comment: str
    findings: dict[str, str]  # mode → text
    evidence: tuple[Evidence, ...]  # by capture (else attachment) time, then name


@dataclass(frozen=True)
class ItemDetail:
    """One item of one county, as every inspector recorded it and as it counts."""

    by_inspector: dict[str, InspectorWork]
    adjudicated: Decimal | None
    adjudication_reason: str
    problems: int

    @property
    def counted(self) -> Decimal | None:
        """The score the results use: the adjudication, else the inspectors' mean, else none."""
        if self.adjudicated is not None:
            return self.adjudicated
        return scoring.mean(w.score for w in self.by_inspector.values() if w.score is not None)


def county_detail(ws: Workspace, county: str) -> dict[str, ItemDetail]:
    """Every item of a county down to each inspector's score, findings and evidence."""
    work: dict[str, dict[str, dict]] = {}  # type: ignore[type-arg]

    def entry(item: str, who: str) -> dict:  # type: ignore[type-arg]
        return work.setdefault(item, {}).setdefault(who, {"score": None, "comment": "", "findings": {}, "evidence": []})

    with ws.read() as conn:
        found = queries.county_work(conn, county)
        evidence = inspection_queries.county_evidence(conn, county)
    for s in found.scores:
        e = entry(s.item, s.inspector)
        e["score"], e["comment"] = Decimal(s.score), s.comment
    for f in found.findings:
        entry(f.item, f.inspector)["findings"][f.mode] = f.text
    for row in evidence:
        if row.item is not None:
            entry(row.item, row.inspector)["evidence"].append(_evidence(row))
    adjudications = {a.item: a for a in found.adjudications}
    problems: dict[str, int] = {p.item: p.count for p in found.problems}
    out = {}
    for node in ws.campaign.indicator_set.items:
        adjudicated = adjudications.get(node.code)
        out[node.code] = ItemDetail(
            {
                who: InspectorWork(v["score"], v["comment"], dict(v["findings"]), tuple(v["evidence"]))
                for who, v in sorted(work.get(node.code, {}).items())
            },
            Decimal(adjudicated.score) if adjudicated else None,
            adjudicated.reason if adjudicated else "",
            int(problems.get(node.code, 0)),
        )
    return out


# --- the dashboard's charts ------------------------------------------------------------------


@dataclass(frozen=True)
class TotalBar:
    """One county's bar in the chart of totals: the total as the results table shows it
    (two places, half up), and whether anything behind it is missing."""

    county: str  # code
    name: str
    total: Decimal
    rank: int | None  # None: not started
    grade: str  # "" when not started
    complete: bool
    missing_methods: tuple[str, ...]  # method keys with a weight and no score imported
    unscored_items: int
    started: bool = True


@dataclass(frozen=True)
class ProfileBar:
    """A county over one first-level indicator: the points it counts there (adjudicated or
    the inspectors' mean, item by item) out of the indicator's points."""

    code: str
    name: str
    points: Decimal
    counted: Decimal  # over the scored items; an unscored item counts nothing (and is named)
    scored_items: int
    items: int

    @property
    def share(self) -> Decimal | None:
        """counted / points, from 0 to 1; None when none of its items was scored (no bar)."""
        if self.scored_items == 0 or not self.points:
            return None
        return self.counted / self.points

    @property
    def complete(self) -> bool:
        return self.scored_items == self.items


def totals_chart(ws: Workspace, rows: list[CountyResult] | None = None) -> list[TotalBar]:
    """Every county of the campaign, best first, as the chart of totals draws it."""
    rows = results(ws) if rows is None else rows
    names = {c.code: c.name for c in ws.campaign.counties}
    return [
        TotalBar(
            r.county, names.get(r.county, r.county), r.shown_total, r.rank, r.grade.value if r.grade else "", r.complete,
            r.missing_methods, len(r.unscored_items), r.started,
        )
        for r in rows
    ]


def profile(ws: Workspace, county: str, rows: list[CountyResult] | None = None) -> list[ProfileBar]:
    """A county's inspection over the first-level indicators, in the indicator set's order."""
    rows = results(ws) if rows is None else rows
    found = next((r for r in rows if r.county == county), None)
    if found is None:
        raise KeyError(county)
    by_item = {i.item: i for i in found.items}
    indicators = ws.campaign.indicator_set
    out = []
    for node in indicators.level(Level.FIRST):
        items = [by_item[n.code] for n in indicators.items_under(node.code) if n.code in by_item]
        scored = [i for i in items if i.scored]
        out.append(ProfileBar(node.code, node.name, node.points, sum((i.score for i in scored), Decimal(0)), len(scored), len(items)))
    return out


# --- the timeline ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneProgress:
    """A date of the campaign and how far the work it stands for has got. Milestones are
    data; the ones the campaign names as a method (self-check, third-party, inspection),
    `results` and `rectification` are counted, any other only dated."""

    key: str
    name: str
    due: dt.date
    unit: str  # counties | problems | "" (nothing to count)
    done: int
    of: int

    @property
    def counted(self) -> bool:
        return bool(self.unit)

    @property
    def finished(self) -> bool:
        return self.counted and self.done >= self.of

    def overdue(self, today: dt.date) -> bool:
        return self.counted and not self.finished and self.due < today


def timeline(
    ws: Workspace, rows: list[CountyResult] | None = None, problems: list[rectification.Entry] | None = None,
    conflicted: Collection[str] | None = None,
) -> list[MilestoneProgress]:
    """The campaign's milestones by date, each with what is done of what it asks for (the
    results, the problem board and the counties with open conflicts read here unless the
    caller has them already). A county's result is formed when it is complete — not
    provisional — and no conflict of its records is open."""
    rows = results(ws) if rows is None else rows
    if conflicted is None:
        from desktop.services import sync  # (sync reads the results' records: no cycle at import)

        conflicted = {c.county for c in sync.conflicts(ws)}
    counties = len(rows)
    out = []
    for m in sorted(ws.campaign.milestones, key=lambda m: (m.due, m.key)):
        method = ws.campaign.method(m.key)
        unit, done, of = "counties", 0, counties
        if method is not None and method.source is MethodSource.IMPORT:
            done = sum(m.key not in r.missing_methods for r in rows)
        elif method is not None or m.key == "inspection":
            done = sum(not r.unscored_items for r in rows)
        elif m.key == "results":
            done = sum(r.complete and r.county not in conflicted for r in rows)
        elif m.key == "rectification":
            problems = rectification.board(ws) if problems is None else problems
            unit, done, of = "problems", sum(p.status != "open" for p in problems), len(problems)
        else:
            unit, done, of = "", 0, 0
        out.append(MilestoneProgress(m.key, m.name, m.due, unit, done, of))
    return out
