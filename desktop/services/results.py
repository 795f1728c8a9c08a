"""The weighted result of every county, from the database's current state."""

from __future__ import annotations

import json
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
