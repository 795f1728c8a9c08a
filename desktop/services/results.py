"""The weighted result of every county, from the database's current state."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import text

from desktop.core.scoring import Adjudication, Adjustment, CountyResult, InspectorScore, MethodScore, compute_results
from desktop.services.workspace import Workspace


def results(ws: Workspace) -> list[CountyResult]:
    with ws.read() as conn:
        scores = [
            InspectorScore(c, i, who, Decimal(s))
            for c, i, who, s in conn.execute(text("SELECT county, item, inspector, score FROM current_score"))
        ]
        adjudications = [
            Adjudication(c, i, Decimal(s), r)
            for c, i, s, r in conn.execute(text("SELECT county, item, score, reason FROM current_adjudication"))
        ]
        methods = []
        for county, method, total, items in conn.execute(text("SELECT county, method, total, items FROM current_method_score")):
            if total is not None:
                methods.append(MethodScore(county, method, Decimal(total)))
            elif items is not None:
                methods.append(MethodScore(county, method, sum((Decimal(v) for v in json.loads(items).values()), Decimal(0))))
        adjustments = [
            Adjustment(c, Decimal(d), r) for c, d, r in conn.execute(text("SELECT county, delta, reason FROM current_adjustment"))
        ]
    return compute_results(ws.campaign, scores, adjudications, methods, adjustments)


@dataclass(frozen=True)
class InspectorWork:
    score: Decimal | None
    comment: str
    findings: dict[str, str]  # mode → text
    evidence: int


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
        scores = [w.score for w in self.by_inspector.values() if w.score is not None]
        return sum(scores, Decimal(0)) / len(scores) if scores else None


def county_detail(ws: Workspace, county: str) -> dict[str, ItemDetail]:
    """Every item of a county down to each inspector's score, findings and evidence."""
    work: dict[str, dict[str, dict]] = {}  # type: ignore[type-arg]

    def entry(item: str, who: str) -> dict:  # type: ignore[type-arg]
        return work.setdefault(item, {}).setdefault(who, {"score": None, "comment": "", "findings": {}, "evidence": 0})

    args = {"c": county}
    with ws.read() as conn:
        for item, who, score, comment in conn.execute(
            text("SELECT item, inspector, score, comment FROM current_score WHERE county = :c"), args
        ):
            e = entry(item, who)
            e["score"], e["comment"] = Decimal(score), comment
        for item, who, mode, body in conn.execute(
            text("SELECT item, inspector, mode, text FROM current_finding WHERE county = :c AND text != ''"), args
        ):
            entry(item, who)["findings"][mode] = body
        for item, who, count in conn.execute(
            text("SELECT item, inspector, count(*) FROM current_evidence WHERE county = :c GROUP BY item, inspector"), args
        ):
            entry(item, who)["evidence"] = count
        adjudications = {
            r[0]: (Decimal(r[1]), r[2])
            for r in conn.execute(text("SELECT item, score, reason FROM current_adjudication WHERE county = :c"), args)
        }
        problems = dict(conn.execute(text("SELECT item, count(*) FROM current_problem WHERE county = :c GROUP BY item"), args).all())
    out = {}
    for node in ws.campaign.indicator_set.items:
        adjudicated = adjudications.get(node.code)
        out[node.code] = ItemDetail(
            {
                who: InspectorWork(v["score"], v["comment"], dict(v["findings"]), v["evidence"])
                for who, v in sorted(work.get(node.code, {}).items())
            },
            adjudicated[0] if adjudicated else None,
            adjudicated[1] if adjudicated else "",
            int(problems.get(node.code, 0)),
        )
    return out
