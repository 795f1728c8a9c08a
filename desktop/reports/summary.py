"""验收结果汇总表 (every county's result) and 问题整改清单 (one county's problems)."""

from __future__ import annotations

import io

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table

from desktop.reports import layout as L
from desktop.reports.model import NO_EVIDENCE, OVERDUE, ProblemList, ProblemRow, ResultSummary

COMPLETE = colors.HexColor("#3f6e9e")
INCOMPLETE = colors.HexColor("#c9a227")


def render_summary(doc: ResultSummary) -> bytes:
    L.register_font()
    out = io.BytesIO()
    method_heads = [f"{L.escape(name)}<br/>（{weight}%）" for name, weight in doc.methods]
    head = [Paragraph(t, L.CELL_HEAD) for t in ("名次", "县（市、区）", *method_heads, "调整", "加权总分", "等次", "数据")]
    data: list[list[object]] = [head]
    grey: list[int] = []  # rows of counties not started
    for r in doc.rows:
        if not r.started:
            grey.append(len(data))
            data.append([
                Paragraph("—", L.CELL_CENTER), Paragraph(L.escape(r.county), L.CELL_CENTER),
                *[Paragraph("", L.CELL_RIGHT) for _ in r.methods],
                Paragraph("", L.CELL_RIGHT), Paragraph("—", L.CELL_RIGHT), Paragraph("—", L.CELL_CENTER),
                Paragraph(L.escape(r.data), L.SMALL),
            ])
            continue
        grade = L.escape(r.grade) if not r.provisional else f"{L.escape(r.grade)}<br/><font size=7 color='#777777'>暂定</font>"
        data.append([
            Paragraph(str(r.rank), L.CELL_CENTER), Paragraph(L.escape(r.county), L.CELL_CENTER),
            *[Paragraph(v or "<font color='#a8321e'>缺</font>", L.CELL_RIGHT) for v in r.methods],
            Paragraph(r.adjustment or "—", L.CELL_RIGHT), Paragraph(r.total, L.CELL_RIGHT),
            Paragraph(grade, L.CELL_CENTER),  # the grade is the campaign's own vocabulary
            Paragraph(L.escape(r.data) if r.complete else f"<font color='#a8321e'>{L.escape(r.data)}</font>", L.SMALL),
        ])
    n = len(doc.methods)
    widths = [10 * mm, 20 * mm] + [23 * mm] * n + [13 * mm, 18 * mm, 13 * mm]
    widths.append(L.CONTENT_WIDTH - sum(widths))
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(L.table_style(*[("TEXTCOLOR", (0, row), (-1, row), colors.HexColor("#777777")) for row in grey]))
    story: list[object] = [
        *L.heading("验收结果汇总表", doc.campaign, doc.document_number),
        Paragraph(f"制表日期：{doc.generated_on}", L.SMALL),
        Spacer(1, 2 * mm),
        table,
        Spacer(1, 3 * mm),
        Paragraph("评定规则：" + L.escape(doc.grading_rule), L.BODY),
    ]
    story += [Paragraph(L.escape(note), L.SMALL) for note in doc.notes]
    adjusted = [(r.county, d, reason) for r in doc.rows for d, reason in r.adjustments]
    if adjusted:
        story.append(Paragraph("总分调整", L.HEADING))
        for county, delta, reason in adjusted:
            story.append(Paragraph(f"{L.escape(county)}：{delta}，{L.escape(reason)}", L.BODY))
    adjudicated = _adjudications(doc)
    if adjudicated is not None:
        story += [Paragraph("组长裁定的指标（裁定分代替检查员平均分计入全面检查得分）", L.HEADING), adjudicated]
    story.append(KeepTogether([Paragraph("加权总分", L.HEADING), _chart(doc)]))
    L.template(out, "验收结果汇总表", doc.campaign).build(story, canvasmaker=L.footer_canvas(doc.record_id, doc.digest()))
    return out.getvalue()


def _adjudications(doc: ResultSummary) -> Table | None:
    rows = [(r.county, *a) for r in doc.rows for a in r.adjudications]
    if not rows:
        return None
    data: list[list[object]] = [[Paragraph(t, L.CELL_HEAD) for t in ("县（市、区）", "指标", "裁定分", "检查员<br/>平均分", "理由")]]
    for county, item, name, score, mean, reason in rows:
        data.append([
            Paragraph(L.escape(county), L.CELL_CENTER), Paragraph(f"{item} {L.escape(name)}", L.SMALL),
            Paragraph(score, L.CELL_RIGHT), Paragraph(mean or "未评分", L.CELL_RIGHT), Paragraph(L.escape(reason), L.SMALL),
        ])
    widths = [20 * mm, 0.0, 14 * mm, 16 * mm, 50 * mm]
    widths[1] = L.CONTENT_WIDTH - sum(widths)
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(L.table_style())
    return table


def _chart(doc: ResultSummary) -> Drawing:
    """The started counties' totals, best first; the counties not started are named apart
    under the chart (a bar of 0 would read as a result)."""
    rows = [r for r in doc.rows if r.started]
    waiting = [r.county for r in doc.rows if not r.started]
    width, height = L.CONTENT_WIDTH, 78 * mm
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 14 * mm, 14 * mm
    chart.width, chart.height = width - 20 * mm, height - 22 * mm
    chart.data = [[float(r.total) for r in rows] or [0.0]]
    chart.valueAxis.valueMin = 0
    # Above 100 only with an adjustment; the axis follows rather than cut the bar off.
    chart.valueAxis.valueMax = max([100.0, *(float(r.total) for r in rows)])
    chart.valueAxis.valueStep = 20
    chart.valueAxis.labels.fontName = L.FONT
    crowded = len(rows) > 10
    # Many counties (a province's round): labels shortened and slanted so they do not collide.
    chart.categoryAxis.categoryNames = [r.county if len(r.county) <= 6 else r.county[:5] + "…" for r in rows]
    chart.categoryAxis.labels.fontName = L.FONT
    chart.categoryAxis.labels.fontSize = 8 if not crowded else 6
    if crowded:
        chart.categoryAxis.labels.angle = 45
        chart.categoryAxis.labels.boxAnchor = "ne"
        chart.y += 6 * mm
        chart.height -= 6 * mm
    chart.barWidth = 8
    for i, r in enumerate(rows):
        chart.bars[(0, i)].fillColor = COMPLETE if r.complete else INCOMPLETE
        chart.bars[(0, i)].strokeColor = None
    chart.barLabelFormat = "%.2f" if not crowded else None
    chart.barLabels.fontName = L.FONT
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 6
    drawing.add(chart)
    if any(r.provisional for r in rows):
        legend = "黄色：数据不完整，总分未含缺项（暂定）"
        drawing.add(String(width - 2 * mm, height - 5 * mm, legend, fontName=L.FONT, fontSize=8, textAnchor="end"))
    if waiting:
        names = "、".join(waiting)
        drawing.add(String(2 * mm, 2 * mm, f"未开始（不在图中）：{names}", fontName=L.FONT, fontSize=8))
    return drawing


def _found_by(inspector: str) -> str:
    return f"<br/><font size=7 color='#555555'>发现人：{L.escape(inspector)}</font>" if inspector else ""


def _steps(p: ProblemRow) -> str:
    """The steps of a problem, each its line and the lines of what it stands on (grey); a
    rectification on no record in red. A problem never moved since it was found: a dash."""
    if not p.steps:
        return L.escape("；".join(p.evidence)) or "—"
    return "<br/>".join(
        f"<font color='#a8321e'>{L.escape(line)}</font>" if line == NO_EVIDENCE
        else L.escape(line) if line[:1].isdigit()  # a step's own line: when, what, who
        else f"<font color='#555555'>{L.escape(line)}</font>"
        for line in p.steps
    )


def render_problems(doc: ProblemList) -> bytes:
    L.register_font()
    out = io.BytesIO()
    head = [Paragraph(t, L.CELL_HEAD) for t in ("序号", "指标", "问题描述", "程度", "整改期限", "状态", "整改经过及佐证")]
    data: list[list[object]] = [head]
    for n, p in enumerate(doc.problems, 1):
        data.append([
            Paragraph(str(n), L.CELL_CENTER), Paragraph(L.escape(f"{p.item} {p.item_name}"), L.SMALL),
            Paragraph(L.escape(p.description) + _found_by(p.inspector), L.CELL),
            Paragraph(L.escape(p.severity), L.CELL_CENTER), Paragraph(L.escape(p.deadline) or "—", L.CELL_CENTER),
            Paragraph(L.escape(p.status) if p.status != OVERDUE else f"<font color='#a8321e'>{p.status}</font>", L.CELL_CENTER),
            Paragraph(_steps(p), L.SMALL),
        ])
    if not doc.problems:
        data.append([Paragraph("本县（市、区）未记录问题。", L.CELL_CENTER), "", "", "", "", "", ""])
    # 状态 holds 逾期未整改 on one line (five characters and the cell's padding: it wrapped at 17 mm)
    table = Table(data, colWidths=(9 * mm, 28 * mm, 52 * mm, 11 * mm, 19 * mm, 21 * mm, 40 * mm), repeatRows=1, splitInRow=1)
    table.setStyle(L.table_style(("VALIGN", (0, 1), (-1, -1), "TOP"), *([("SPAN", (0, 1), (-1, 1))] if not doc.problems else [])))
    story = [
        *L.heading("问题整改清单", doc.campaign, doc.document_number),
        Paragraph(L.escape(f"被检查单位：{doc.county}　　制表日期：{doc.generated_on}　　问题 {len(doc.problems)} 项"), L.BODY),
        Spacer(1, 2 * mm),
        table,
    ]
    L.template(out, f"问题整改清单 {doc.county}", doc.campaign).build(story, canvasmaker=L.footer_canvas(doc.record_id, doc.digest()))
    return out.getvalue()
