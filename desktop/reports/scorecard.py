"""验收成绩单: one county on one A4 page — its result and where it stands, the methods'
scores, the inspection over the first-level indicators against their points, where its
inspectors disagree, and the problems still open.

The page must hold: every table row is one line (long text cut with "…", at the column's
width), and the service gives at most so many rows of each kind, counting the rest.
"""

from __future__ import annotations

import io

from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table

from desktop.reports import layout as L
from desktop.reports.model import OVERDUE, DisagreementRow, ProblemRow, ProfileRow, Scorecard

RED = "#a8321e"
GREY = "#777777"
COMPLETE = colors.HexColor("#3f6e9e")  # the summary's chart: every item scored
INCOMPLETE = colors.HexColor("#c9a227")  # some items unscored
TRACK = colors.HexColor("#eceff3")
PAD = 6  # a cell's left and right padding together (layout.table_style)
SIZE = 9  # the tables' type size (layout.CELL)
GAP = "\u00a0" * 4  # between the parts of a line (a Paragraph collapses ordinary spaces, the ideographic one too)
LINE = L.CONTENT_WIDTH - 12  # a paragraph's width: the page's frame pads 6 points each side
# Rows a little tighter than the other documents' (the page must hold): 9-point type, 15.7-point rows.
COMPACT = (("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5))

HEADING = L.style(11.5, leading=15, spaceBefore=2.5 * mm, spaceAfter=1 * mm)
LABEL = L.style(8.5, align=TA_CENTER, leading=11, color=colors.HexColor("#444444"))
FIGURE = L.style(17, align=TA_CENTER, leading=22)
FIGURE_SMALL = L.style(11, align=TA_CENTER, leading=15)
BELOW = L.style(8, align=TA_CENTER, leading=10.5, color=colors.HexColor("#555555"))


def render(doc: Scorecard) -> bytes:
    L.register_font()
    out = io.BytesIO()
    story: list[object] = [
        *L.heading("验收成绩单", doc.campaign, doc.document_number),
        Paragraph(L.one_line(GAP.join((
            f"被检查单位：{doc.county}", f"制表日期：{doc.generated_on}",
            f"评分人员（{len(doc.inspectors)} 人）：{'、'.join(doc.inspectors)}" if doc.inspectors else "评分人员：—",
        )), LINE, L.BODY.fontSize), L.BODY),
        Spacer(1, 2 * mm),
        _headline(doc),
        *[Paragraph(f"<font color='{RED if doc.provisional else GREY}'>{L.escape(n)}</font>", L.SMALL) for n in doc.notes],
        Paragraph("各方法得分", HEADING),
        _methods(doc),
        *_adjustments(doc),
        Paragraph("一级指标得分", HEADING),
        _profile(doc.profile),
        Paragraph("检查人员评分差异", HEADING),
        *_disagreements(doc),
        Paragraph("尚未办结的问题", HEADING),
        *_problems(doc),
    ]
    L.template(out, f"验收成绩单 {doc.county}", doc.campaign).build(story, canvasmaker=L.footer_canvas(doc.record_id, doc.digest()))
    return out.getvalue()


def _cell(text: str, width: float, style: ParagraphStyle = L.CELL) -> Paragraph:
    """One line of text in a column `width` points wide."""
    return Paragraph(L.one_line(text, width - PAD, style.fontSize), style)


HEADLINE_WIDTHS = (38 * mm, 40 * mm, 38 * mm, 64 * mm)  # what is missing may take two lines


def _headline(doc: Scorecard) -> Table:
    """Total, rank, grade and the data behind them, large; a county not started says so."""
    if doc.started:
        total = [Paragraph(doc.total, FIGURE)]
        if doc.adjustment:
            total.append(Paragraph(f"含调整 {doc.adjustment}", BELOW))
        rank = [Paragraph(f"第 {doc.rank} 名", FIGURE), Paragraph(f"共 {doc.ranked} 个参评县（市、区）", BELOW)]
        # words.grade's "良好（暂定）": the grade large, what qualifies it on a line of its own
        grade, _, qualifier = doc.grade.partition("（")
        grades = [Paragraph(L.escape(grade), FIGURE)]
        if qualifier:
            grades.append(Paragraph(f"<font color='{RED}'>{L.escape(qualifier.removesuffix('）'))}</font>", BELOW))
    else:
        total = [Paragraph("—", FIGURE)]
        rank = [Paragraph("不排名次", FIGURE_SMALL)]
        grades = [Paragraph("不评等次", FIGURE_SMALL)]
    colour = RED if doc.provisional else GREY if not doc.started else "#000000"
    data = [Paragraph(f"<font color='{colour}'>{L.escape(doc.data)}</font>", FIGURE_SMALL)]
    table = Table(
        [[Paragraph(t, LABEL) for t in ("加权总分", "名次", "等次", "数据")], [total, rank, grades, data]],
        colWidths=HEADLINE_WIDTHS,
    )
    table.setStyle(L.table_style(("BACKGROUND", (0, 0), (-1, 0), L.SHADE_2), ("TOPPADDING", (0, 1), (-1, 1), 4),
                                 ("BOTTOMPADDING", (0, 1), (-1, 1), 5)))
    return table


def _methods(doc: Scorecard) -> Table:
    """Each method's score (with its weight), the adjustment and the weighted total, in a row."""
    width = L.CONTENT_WIDTH / (len(doc.methods) + 2)

    def name(text: str, under: str) -> Paragraph:
        return Paragraph(f"{L.one_line(text, width - PAD, SIZE)}<br/><font size=7.5>{under}</font>", L.CELL_HEAD)

    head = [name(m.name, f"权重 {m.weight}%") for m in doc.methods]
    head += [name("调整", "理由见下" if doc.adjustments else "组长"), name("加权总分", "满分 100")]
    missing = f"<font color='{RED}'>缺</font>" if doc.started else "—"
    values = [Paragraph(m.score or missing, L.CELL_CENTER) for m in doc.methods] + [
        Paragraph(doc.adjustment or "—", L.CELL_CENTER), Paragraph(doc.total or "—", L.CELL_CENTER),
    ]
    table = Table([head, values], colWidths=[width] * len(head))
    table.setStyle(L.table_style(*COMPACT))
    return table


def _adjustments(doc: Scorecard) -> list[object]:
    lines = [_cell(f"总分调整 {delta}：{reason}", LINE + PAD, L.SMALL) for delta, reason in doc.adjustments]
    if doc.adjustments_left_out:
        lines.append(Paragraph(f"另有调整 {doc.adjustments_left_out} 项未列出。", L.SMALL))
    return [Spacer(1, 1 * mm), *lines] if lines else []


PROFILE_WIDTHS = (12 * mm, 52 * mm, 14 * mm, 16 * mm, 14 * mm, 50 * mm, 22 * mm)


def _profile(rows: tuple[ProfileRow, ...]) -> Table:
    """The points counted under each first-level indicator against its points, with a bar."""
    w = PROFILE_WIDTHS
    head = [Paragraph(t, L.CELL_HEAD) for t in ("编号", "一级指标", "分值", "得分", "得分率", "", "已评分项")]
    data: list[list[object]] = [head]
    for r in rows:
        scored = bool(r.percent)
        items = f"{r.scored_items}/{r.items}"
        data.append([
            _cell(r.code, w[0]), _cell(r.name, w[1]), Paragraph(r.points, L.CELL_RIGHT),
            Paragraph(r.counted or f"<font color='{RED}'>未评分</font>", L.CELL_RIGHT),
            Paragraph(f"{r.percent}%" if scored else "—", L.CELL_RIGHT),
            _bar(r, w[5] - PAD),
            Paragraph(items if r.scored_items == r.items else f"<font color='{RED}'>{items}</font>", L.CELL_CENTER),
        ])
    table = Table(data, colWidths=w)
    table.setStyle(L.table_style(*COMPACT))
    return table


def _bar(row: ProfileRow, width: float) -> Drawing:
    height = 3.2 * mm
    drawing = Drawing(width, height)
    drawing.add(Rect(0, 0, width, height, fillColor=TRACK, strokeColor=None))
    if row.percent:
        share = min(max(float(row.percent) / 100, 0.0), 1.0)
        colour = COMPLETE if row.scored_items == row.items else INCOMPLETE
        drawing.add(Rect(0, 0, width * share, height, fillColor=colour, strokeColor=None))
    return drawing


DISAGREEMENT_WIDTHS = (13 * mm, 50 * mm, 11 * mm, 54 * mm, 13 * mm, 16 * mm, 23 * mm)


def _disagreements(doc: Scorecard) -> list[object]:
    if not doc.compared:
        return [Paragraph("本县（市、区）没有由两名及以上检查人员评分的指标。", L.BODY)]
    said = (
        f"两名及以上检查人员评分的指标 {doc.compared} 项，其中 {doc.flagged} 项差距达到标记线"
        f"（{L.escape(doc.rule)}）" + ("，差距大者在前：" if doc.flagged else "。")
    )
    story: list[object] = [Paragraph(said, L.BODY)]
    if not doc.flagged:
        return story
    w = DISAGREEMENT_WIDTHS
    head = [Paragraph(t, L.CELL_HEAD) for t in ("编号", "指标", "分值", "各检查人员评分", "差距", "标记线", "组长裁定")]
    data: list[list[object]] = [head]
    for r in doc.disagreements:
        data.append(_disagreement(r))
    table = Table(data, colWidths=w)
    table.setStyle(L.table_style(*COMPACT))
    story += [Spacer(1, 1 * mm), table]
    if left := doc.flagged - len(doc.disagreements):
        story += [Spacer(1, 0.8 * mm), Paragraph(f"另有 {left} 项差距达到标记线，未列出（见组长台的“一致性”或 yanshou spread）。", L.SMALL)]
    return story


def _disagreement(r: DisagreementRow) -> list[object]:
    w = DISAGREEMENT_WIDTHS
    return [
        _cell(r.item, w[0]), _cell(r.item_name, w[1]), Paragraph(r.points, L.CELL_RIGHT),
        _cell("、".join(f"{who} {score}" for who, score in r.scores), w[3]),
        Paragraph(f"<font color='{RED}'>{r.spread}</font>", L.CELL_RIGHT), Paragraph(r.threshold, L.CELL_RIGHT),
        Paragraph(r.adjudicated or "未裁定", L.CELL_CENTER),
    ]


PROBLEM_WIDTHS = (9 * mm, 13 * mm, 84 * mm, 11 * mm, 20 * mm, 23 * mm, 20 * mm)


def _problems(doc: Scorecard) -> list[object]:
    total = doc.open_problems + doc.verified_problems
    if not doc.open_problems:
        said = f"共记录问题 {total} 项，均已核实办结。" if total else "本县（市、区）未记录问题。"
        return [Paragraph(said, L.BODY)]
    story: list[object] = [
        Paragraph(f"共记录问题 {total} 项，其中 {doc.open_problems} 项尚未核实办结（待整改或已整改待核实）：", L.BODY),
        Spacer(1, 1 * mm),
    ]
    w = PROBLEM_WIDTHS
    head = [Paragraph(t, L.CELL_HEAD) for t in ("序号", "指标", "问题描述", "程度", "整改期限", "状态", "发现人")]
    data: list[list[object]] = [head]
    for n, p in enumerate(doc.problems, 1):
        data.append(_problem(n, p))
    table = Table(data, colWidths=w)
    table.setStyle(L.table_style(*COMPACT))
    story.append(table)
    if left := doc.open_problems - len(doc.problems):
        story += [Spacer(1, 0.8 * mm), Paragraph(f"另有 {left} 项未列出（见问题整改清单）。", L.SMALL)]
    return story


def _problem(n: int, p: ProblemRow) -> list[object]:
    w = PROBLEM_WIDTHS
    status = L.escape(p.status)
    return [
        Paragraph(str(n), L.CELL_CENTER), _cell(p.item, w[1]), _cell(p.description, w[2]), _cell(p.severity, w[3], L.CELL_CENTER),
        _cell(p.deadline or "—", w[4], L.CELL_CENTER),
        Paragraph(f"<font color='{RED}'>{status}</font>" if p.status == OVERDUE else status, L.CELL_CENTER),
        _cell(p.inspector or "—", w[6], L.CELL_CENTER),
    ]
