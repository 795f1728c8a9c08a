"""The printed records: gather a document's contents from the database, draw it
(desktop/reports), sign it with this computer's device key, write it whole.

A PDF is written to `NAME.partial`, fsynced and renamed, so a crash leaves either the
old file or the new one, never half of one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Connection

from db import files, inspection_queries, targets, versions
from db.inspection_queries import EvidenceRow
from desktop import paths
from desktop.core import problems, scoring, visits, words
from desktop.core.campaign import BandsRule, Campaign, County
from desktop.core.devices import shown_time
from desktop.core.documents import safe_file_name
from desktop.core.errors import InputError
from desktop.core.indicators import Level
from desktop.core.inspection import FindingStatus, InspectionMode
from desktop.core.numbers import canonical, exact_sum, round_half_up, show, signed
from desktop.core.problems import STEP_LABELS_ZH, ProblemStatus, StepKind
from desktop.reports import layout, model
from desktop.reports.signing import SignerInfo, sign_pdf
from desktop.services import inspection, rectification, results, sync
from desktop.services import visits as visit_records
from desktop.services.workspace import Workspace

SEVERITY = rectification.SEVERITY_LABELS
FINDING_STATUS = {s.value: s.label for s in FindingStatus if s is not FindingStatus.UNCHECKED}  # 未检查 prints as nothing
SIGNER_ROLE = {"inspector": "检查人员", "liaison": "被检查单位负责人"}
ALL_INSPECTORS = "全体检查人员"
MAX_PHOTOS = 200  # an appendix beyond this lists the rest by count: a record stays printable


def county_by_name(ws: Workspace, name: str) -> County:
    """A county named as on the command line: its name (金安区) or its code."""
    county = ws.campaign.find_county(name)
    if county is None:
        names = "、".join(c.name for c in ws.campaign.counties)
        raise InputError.single("--county", "unknown_county", f"no county '{name}' in the campaign (it has: {names})")
    return county


def _score(value: Decimal | None) -> str:
    return "" if value is None else canonical(round_half_up(value))


_local = shown_time  # a stored time as the local time it was, to the minute


NOT_ENTERED = "未填写"


def _place_and_dates(conn: Connection, county: str, scope: list[str] | None) -> tuple[str, str]:
    """检查地点 and 检查日期 as the inspectors entered them (desktop.core.visits; several
    inspectors' combined); where none did, said so, with the days the work was written."""
    entered = [v for who, v in visit_records.entered(conn, county).items() if scope is None or who in scope]
    if entered:
        return visits.combined(entered)
    span = inspection_queries.work_span(conn, county, scope[0] if scope else None)
    if span is None:
        return NOT_ENTERED, NOT_ENTERED
    first, last = (versions.written_at(hlc).date() for hlc in (span.earliest, span.latest))
    return NOT_ENTERED, f"{NOT_ENTERED}（记录写于 {visits.span(first, last)}）"


def unsettled(ws: Workspace, county: str) -> int:
    """How many open conflicts touch the county's records (a record printed now is provisional)."""
    return sum(c.county == county for c in sync.conflicts(ws))


def inspectors_of(ws: Workspace, county: str) -> list[str]:
    """Who recorded anything for a county (scores or findings): one small query, for a list."""
    with ws.read() as conn:
        return inspection_queries.inspectors(conn, county)


def inspection_record(ws: Workspace, county: County, inspector: str | None = None) -> model.InspectionRecord:
    """检查记录表 of a county: every inspector's work (the lead's view, scores as they count)
    or one inspector's (that inspector's own scores; on a laptop, its inspector's)."""
    # Long (and branchy) on purpose: it gathers every section of the 检查记录表 in the order the document
    # prints them, each from its own typed read; splitting it would scatter one document's contents.
    campaign = ws.campaign
    tree = campaign.indicator_set
    asked = inspector is not None
    if inspector is None and ws.identity.role == "field":
        inspector = ws.identity.inspector  # a laptop prints its own inspector's record, empty or not
    detail = results.county_detail(ws, county.code)
    if asked and not any(inspector in d.by_inspector for d in detail.values()):
        known = sorted({who for d in detail.values() for who in d.by_inspector})
        who_did = ", ".join(known) or "nobody"
        raise InputError.single("--inspector", "unknown_inspector", f"{inspector} recorded nothing for {county.name} (who did: {who_did})")
    scope = [inspector] if inspector else None
    with ws.read() as conn:
        statuses = {(f.item, f.inspector, f.mode): f.status for f in inspection_queries.finding_states(conn, county.code)}
        problems = _problems(ws, conn, county, scope)
        evidence = _evidence(ws, conn, county, scope)
        signatures = _signatures(ws, conn, county, scope)
        place, dates = _place_and_dates(conn, county.code, scope)
    photos, documents, left_out = _photos(ws, evidence)
    inspectors = tuple(sorted({who for d in detail.values() for who in d.by_inspector if scope is None or who in scope} | set(scope or ())))
    several = len(inspectors) > 1
    item_scores: dict[str, Decimal | None] = {}
    item_rows: dict[str, model.RecordRow] = {}
    for node in tree.items:
        d = detail[node.code]
        if inspector:
            work = d.by_inspector.get(inspector)
            value = work.score if work else None
        else:
            value = d.counted
        item_scores[node.code] = value
        findings = []
        notes = []
        for who, work in d.by_inspector.items():
            if scope and who not in scope:
                continue
            for mode in InspectionMode:
                body = work.findings.get(mode.value, "")
                if not body:
                    continue
                label = mode.label + (f"·{who}" if several else "")
                status = FINDING_STATUS.get(statuses.get((node.code, who, mode.value), ""), "")
                findings.append((label + (f"·{status}" if status else ""), body))
            comment = work.comment.strip().rstrip("。；;")
            if several:
                given = f"{canonical(work.score)} 分" if work.score is not None else "未评分"
                notes.append(f"{who} {given}" + (f"（{comment}）" if comment else ""))
            elif comment:
                notes.append(comment)
        if not inspector and d.adjudicated is not None:
            notes.append(f"组长裁定 {canonical(d.adjudicated)}：{d.adjudication_reason}")
        item_rows[node.code] = model.RecordRow(
            3, node.code, node.name, canonical(node.points), _score(value), tuple(findings), "；".join(notes)
        )
    rows = []
    for first in tree.level(Level.FIRST):
        rows.append(_subtotal(tree, first, item_scores))
        for second in (tree.node(c) for c in first.children):
            rows.append(_subtotal(tree, second, item_scores))
            rows.extend(item_rows[c] for c in second.children if c in item_rows)
    scored = [v for v in item_scores.values() if v is not None]
    total = exact_sum(scored) if scored else None
    record_id = f"JL-{county.code}-" + (hashlib.sha256(inspector.encode()).hexdigest()[:8].upper() if inspector else "ALL")
    return model.InspectionRecord(
        campaign=campaign.name, document_number=campaign.document_number, county=county.name, place=place,
        dates=dates, inspectors=inspectors, rows=tuple(rows), total_points=canonical(tree.total_points),
        total_score=_score(total) + ("（未评完）" if total is not None and len(scored) < len(item_scores) else ""),
        problems=problems, photos=photos, signatures=signatures, record_id=record_id,
        scope=inspector or ALL_INSPECTORS, other_evidence=documents, photos_left_out=left_out,
        conflicts=unsettled(ws, county.code),
    )


def _subtotal(tree, node, item_scores: dict[str, Decimal | None]) -> model.RecordRow:  # type: ignore[no-untyped-def]
    got = scoring.subtotal(tree, node.code, item_scores)
    note = f"{got.unscored} 项未评分" if got.score is not None and got.unscored else ""
    subtotal = _score(got.score) if got.score is not None else ""
    return model.RecordRow(int(node.level), node.code, node.name, canonical(node.points), subtotal, (), note)


def _problems(ws: Workspace, conn: Connection, county: County, scope: list[str] | None) -> tuple[model.ProblemRow, ...]:
    today = dt.date.today()
    entries = [e for e in rectification.board(ws, county=county.code) if not scope or e.inspector in scope]
    return tuple(problem_row(ws, e, today) for e in entries)


def problem_row(ws: Workspace, entry: rectification.Entry, today: dt.date) -> model.ProblemRow:
    """A problem of the board as every document prints it: its words, 逾期未整改 when open past its deadline."""
    status = problems.label_zh(entry.shown_status(today))
    node = ws.campaign.indicator_set.find(entry.item)
    return model.ProblemRow(
        entry.item, node.name if node else "", entry.description, SEVERITY.get(entry.severity, entry.severity),
        entry.deadline.isoformat() if entry.deadline else "", status, entry.inspector, entry.evidence_names,
        _step_lines(entry),
    )


NO_EVIDENCE = model.NO_EVIDENCE  # a rectified or verified problem whose rectification names nothing


def _step_lines(entry: rectification.Entry) -> tuple[str, ...]:
    """The problem's steps after it was found: for each a line of when, what and who, then a
    line for each thing it stands on (the rectification's files and account, the reopening's
    reason). A rectified or verified problem always says what it stands on — NO_EVIDENCE
    when nothing was recorded."""
    lines = []
    latest = next((s for s in reversed(entry.steps) if s.kind == StepKind.RECTIFIED), None)
    for s in entry.steps:
        if s.kind == StepKind.FOUND:
            continue
        lines.append(f"{s.at.strftime('%Y-%m-%d %H:%M')} {STEP_LABELS_ZH[s.kind]}（{s.by or '—'}）")
        names, account = s.evidence, s.account
        if s is latest and not (names or account):  # written before a step named its files: the item's
            names, account = entry.evidence_names, entry.account
        if s.kind == StepKind.RECTIFIED:
            lines += [f"佐证 {len(names)} 份：{'、'.join(names)}"] if names else []
            lines += [f"书面说明：{account}"] if account else []
            lines += [] if names or account else [NO_EVIDENCE]
        if s.kind == StepKind.REOPENED:
            lines.append(f"理由：{s.reason}")
    if entry.status != ProblemStatus.OPEN and latest is None:  # verified with no rectification on record (older desks)
        lines.append(f"佐证 {len(entry.evidence_names)} 份：{'、'.join(entry.evidence_names)}" if entry.evidence_names else NO_EVIDENCE)
    return tuple(lines)


def _evidence(ws: Workspace, conn: Connection, county: County, scope: list[str] | None) -> list[EvidenceRow]:
    """The county's evidence in indicator order (the rows; pictures are made afterwards)."""
    rows = inspection_queries.county_evidence(conn, county.code)
    order = {n.code: i for i, n in enumerate(ws.campaign.indicator_set.nodes)}
    return sorted((r for r in rows if not scope or r.inspector in scope), key=lambda r: order.get(r.item or "", 999))


def _mode_label(mode: str | None) -> str:
    return InspectionMode(mode).label if mode else "整改佐证"  # a rectification's evidence has no mode


def _photos(ws: Workspace, rows: list[EvidenceRow]) -> tuple[tuple[model.Photo, ...], int, int]:
    """The appendix's pictures, how many other files there are, and how many pictures are
    beyond the appendix's limit. Thumbnails not made yet (on a master, none are: they do
    not travel with a merge) are made two at a time — the decoding runs outside the GIL —
    and cached for the next print."""
    images = [r for r in rows if r.mime.startswith("image/")]
    pictures, left_out = images[:MAX_PHOTOS], max(0, len(images) - MAX_PHOTOS)
    made = inspection.thumbnails(ws, [r.sha256 for r in pictures], THUMBNAIL)
    photos = [
        model.Photo(
            sha256=r.sha256, jpeg=thumb, name=r.name, caption=r.caption, item=r.item or "", mode=_mode_label(r.mode),
            taken_at=_local(r.taken_at), attached_at=_local(r.attached_at), inspector=r.inspector,
        )
        for r in pictures
        if (thumb := made[r.sha256]) is not None
    ]
    unreadable = len(pictures) - len(photos)  # said to be pictures, and not readable: listed with the documents
    return tuple(photos), len(rows) - len(images) + unreadable, left_out


THUMBNAIL = 320  # pixels on the long side: 55 mm printed at about 150 dpi


def _signatures(ws: Workspace, conn: Connection, county: County, scope: list[str] | None) -> tuple[model.SignatureBlock, ...]:
    out = []
    now: dict[str, frozenset[str]] = {}  # each inspector's record read once, however many signed it
    for signature in inspection_queries.county_signatures(conn, county.code):
        who = signature.inspector
        if scope and who not in scope:
            continue
        if who not in now:
            now[who] = inspection.signing_digests(conn, county.code, who)
        title = SIGNER_ROLE.get(signature.signer_role, signature.signer_role)
        if signature.signer_role != "inspector" and (scope is None):
            title += f"（确认{who}的记录）"
        out.append(model.SignatureBlock(
            role=title, name=signature.signer_name, signed_at=_local(signature.signed_at), png=signature.image,
            current=signature.record_digest in now[who], inspector=who,
        ))
    return tuple(out)


def grading_text(campaign: Campaign) -> str:
    rule = campaign.grading
    if isinstance(rule, BandsRule):
        bands = "，".join(f"{canonical(b.minimum)} 分及以上为{b.grade.value}" for b in rule.bands)
        return f"按分数段评定：{bands}，其余为不合格。"
    return (
        f"按名次比例评定：前 {canonical(rule.excellent * 100)}% 为优秀，其后 {canonical(rule.good * 100)}% 为良好，其余为合格"
        "（人数按四舍五入取整）。"
    )


def result_summary(ws: Workspace) -> model.ResultSummary:
    campaign = ws.campaign
    rows = []
    for r in results.results(ws):
        rows.append(model.SummaryRow(
            campaign.county(r.county).name, tuple("" if (v := r.score_of(m.key)) is None else show(v) for m in campaign.methods),
            show(r.total) if r.started else "", r.rank, r.grade.value if r.grade else "", r.standing.value, words.data(campaign, r),
            signed(r.adjustment) if r.adjustments else "", tuple((signed(a.delta), a.reason) for a in r.adjustments),
            _adjudications(campaign, r),
        ))
    notes = []
    if any(r.provisional for r in rows):
        notes.append("“数据”栏标明缺项的县（市、区）数据尚不完整，其加权总分、名次和等次为暂定结果。")
    if any(not r.started for r in rows):
        notes.append("标为“未开始”的县（市、区）尚无任何得分，不排名次、不评等次，也不计入参评县（市、区）数。")
    return model.ResultSummary(
        campaign=campaign.name, document_number=campaign.document_number,
        methods=tuple((m.name, canonical(m.weight * 100)) for m in campaign.methods), rows=tuple(rows),
        grading_rule=grading_text(campaign), generated_on=dt.date.today().isoformat(), record_id=f"HZ-{campaign.id}".upper()[:40],
        notes=tuple(notes),
    )


def _adjudications(campaign: Campaign, result: scoring.CountyResult) -> tuple[tuple[str, str, str, str, str], ...]:
    """The county's items the lead scored, with the inspectors' mean the lead's score replaced."""
    out = []
    for item in result.items:
        if item.adjudication is not None:
            mean = scoring.mean(s.score for s in item.scores)
            out.append((
                item.item, campaign.indicator_set.node(item.item).name, show(item.adjudication.score),
                "" if mean is None else show(mean), item.adjudication.reason,
            ))
    return tuple(out)


def problem_list(ws: Workspace, county: County) -> model.ProblemList:
    with ws.read() as conn:
        problems = _problems(ws, conn, county, None)
    return model.ProblemList(
        campaign=ws.campaign.name, document_number=ws.campaign.document_number, county=county.name, problems=problems,
        generated_on=dt.date.today().isoformat(), record_id=f"ZG-{county.code}",
    )


# --- drawing, signing, writing ------------------------------------------------------------------


@dataclass(frozen=True)
class Written:
    path: Path
    pages: int
    digest: str
    signed: bool


def _signer_info(ws: Workspace) -> SignerInfo:
    name = ws.identity.inspector or "验收组组长"
    return SignerInfo(name, ws.identity.device_id, ws.identity.role)


def render(document: Document) -> bytes:
    from desktop.reports import record, scorecard, summary

    with layout.BUILD_LOCK:
        if isinstance(document, model.InspectionRecord):
            return record.render(document)
        if isinstance(document, model.Scorecard):
            return scorecard.render(document)
        if isinstance(document, model.ResultSummary):
            return summary.render_summary(document)
        return summary.render_problems(document)


def sign(ws: Workspace, pdf: bytes, reason: str) -> bytes:
    """The PDF signed with this computer's key for the database's device."""
    with ws.read() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
    return sign_pdf(pdf, signer.private_key, _signer_info(ws), reason=reason)


RECORD, SUMMARY, PROBLEMS, SCORECARD = "record", "summary", "problems", "scorecard"
Document = model.InspectionRecord | model.ResultSummary | model.ProblemList | model.Scorecard


def build(ws: Workspace, kind: str, county: County | None = None, inspector: str | None = None) -> Document:
    """The document of a kind (RECORD, PROBLEMS and SCORECARD are a county's), as the command
    line and the window ask for it."""
    if kind == SUMMARY:
        return result_summary(ws)
    if county is None:
        raise InputError.single("--county", "missing", "a county is needed for this document")
    if kind == SCORECARD:
        from desktop.services.scorecard import scorecard

        return scorecard(ws, county)
    return inspection_record(ws, county, inspector) if kind == RECORD else problem_list(ws, county)


def file_name(document: Document) -> str:
    """What the document is called when saved: its title, and whose it is."""
    if isinstance(document, model.ResultSummary):
        return "验收结果汇总表.pdf"
    if isinstance(document, model.ProblemList):
        return safe_file_name(f"问题整改清单-{document.county}.pdf")
    if isinstance(document, model.Scorecard):
        return safe_file_name(f"验收成绩单-{document.county}.pdf")
    whose = "" if document.scope == ALL_INSPECTORS else f"-{document.scope}"
    return safe_file_name(f"检查记录表-{document.county}{whose}.pdf")


def produce(ws: Workspace, document: Document, *, signed: bool = False) -> bytes:
    """The PDF's bytes: drawn, and signed with this computer's device key when asked."""
    pdf = render(document)
    return _signed(ws, pdf, document) if signed else pdf


def _signed(ws: Workspace, pdf: bytes, document: Document) -> bytes:
    if isinstance(document, model.ResultSummary | model.Scorecard):  # grades hang on it: the state it shows must be the versions'
        from desktop.services import sync

        state = sync.check_state(ws)
        if state.schema is not None:
            raise InputError.single(
                ws.path, "schema_altered",
                f"the database holds what Yanshou did not make ({state.schema}; edited outside Yanshou); nothing was signed — "
                "run 'yanshou verify'",
            )
        if not state.equal:
            raise InputError.single(
                ws.path, "state_altered",
                "the database's current results differ from a rebuild from its signed versions (a table was edited "
                "outside Yanshou); nothing was signed — run 'yanshou verify' to see the rows",
            )
    return sign(ws, pdf, reason=f"Yanshou record {document.record_id}")


def write(ws: Workspace, document: Document, out: Path, *, signed: bool = False) -> Written:
    check_target(out, ws.path)  # before the drawing: a refusal costs nothing
    pdf = render(document)
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))  # before signing, which writes the last page anew
    if signed:
        pdf = _signed(ws, pdf, document)
    write_file(out, pdf, ws.path)
    return Written(out, pages, document.digest(), signed)


def check_target(out: Path, *protected: Path) -> None:
    """Refuse to write a document over a database (the one printed from, or any other: in the
    clear or encrypted at rest, an export), a folder, a device or a pipe (db.targets)."""
    if any(out.resolve() == p.resolve() for p in protected):
        raise InputError.single(out, "is_database", "that is the database itself; choose another file")
    refused = targets.document_refusal(out)
    if refused is not None:
        kind, why = refused
        raise InputError.single(out, {"folder": "folder", "special": "not_a_file"}.get(kind, "is_database"), why)


def write_file(out: Path, data: bytes, *protected: Path) -> None:
    """Write whole or not at all, never over a database; a clear InputError when the place
    cannot be written."""
    check_target(out, *protected)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        files.write_bytes(out, data)
    except files.FileInUse:
        raise InputError.single(out, "in_use", "the file is open in another program (a PDF reader, Excel, WPS): close it there, "
                                "then save again") from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        if isinstance(exc, IsADirectoryError) or out.is_dir():
            reason = f"a folder has that name; give a file name ending in {out.suffix or '.pdf'}"
        raise InputError.single(out, "unwritable", f"the file cannot be written there ({reason})") from None
