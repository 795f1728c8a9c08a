"""检查记录表: the inspection record of one county, as the inspectors and the county sign it."""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Image, KeepTogether, Paragraph, Spacer, Table

from desktop.reports import layout as L
from desktop.reports.model import InspectionRecord, Photo, ProblemRow, RecordRow, SignatureBlock

# Column widths of the main table (180 mm in all): code, item, points, score, findings.
WIDTHS = (13 * mm, 57 * mm, 12 * mm, 12 * mm, 86 * mm)
# A cell taller than a page cannot be split by reportlab: a long finding goes in pieces
# of at most this many characters and lines, each a row of its own (well under a page).
CHUNK = 500
CHUNK_LINES = 18
# A caption under a photo in the appendix: the first this many characters (the whole caption
# is in the database and on screen).
CAPTION_CHARS = 120


def render(doc: InspectionRecord) -> bytes:
    L.register_font()
    out = io.BytesIO()
    digest = doc.digest()
    template = L.template(out, f"检查记录表 {doc.county}", doc.campaign)
    story = [
        *L.heading("检查记录表", doc.campaign, doc.document_number),
        _header(doc),
        Spacer(1, 4 * mm),
        _items(doc.rows, doc.total_points, doc.total_score),
        *_problems(doc.problems),
        *_signatures(doc.signatures),
        *_photos(doc.photos, doc.other_evidence, doc.photos_left_out),
    ]
    template.build(story, canvasmaker=L.footer_canvas(doc.record_id, digest))
    return out.getvalue()


def _header(doc: InspectionRecord) -> Table:
    p = L.CELL
    rows = [
        [Paragraph("被检查单位", L.CELL_CENTER), Paragraph(L.escape(doc.county), p),
         Paragraph("检查日期", L.CELL_CENTER), Paragraph(L.escape(doc.dates or "—"), p)],
        [Paragraph("检查地点", L.CELL_CENTER), Paragraph(L.escape(doc.place), p),
         Paragraph("记录范围", L.CELL_CENTER), Paragraph(L.escape(doc.scope), p)],
        [Paragraph("检查人员", L.CELL_CENTER), Paragraph(L.escape("、".join(doc.inspectors) or "—"), p), "", ""],
    ]
    if doc.conflicts:  # said on the record itself: it may be printed and signed before the lead settles them
        rows.append([Paragraph("注意", L.CELL_CENTER), Paragraph(
            f'<font color="#c62828">本县尚有 {doc.conflicts} 项冲突未解决，相关分数以组长裁决为准，本记录为暂定。</font>', p), "", ""])
    table = Table(rows, colWidths=(24 * mm, 66 * mm, 24 * mm, 66 * mm))
    table.setStyle(L.table_style(
        *((("SPAN", (1, 3), (3, 3)),) if doc.conflicts else ()),
        ("SPAN", (1, 2), (3, 2)),
        ("BACKGROUND", (0, 0), (-1, 0), colors.white),
        ("BACKGROUND", (0, 0), (0, -1), L.SHADE_2),
        ("BACKGROUND", (2, 0), (2, 1), L.SHADE_2),
    ))
    return table


def _chunks(text: str) -> list[str]:
    """A text in pieces a page can hold: at most CHUNK characters and CHUNK_LINES lines,
    cut at a line break where there is one."""
    pieces: list[str] = []
    while True:
        lines = text.split("\n")
        if len(text) <= CHUNK and len(lines) <= CHUNK_LINES:
            return [*pieces, text]
        head = "\n".join(lines[:CHUNK_LINES])
        if len(head) > CHUNK:
            cut = head.rfind("\n", 0, CHUNK)
            head = head[: cut if cut > CHUNK // 2 else CHUNK]
        pieces.append(head)
        text = text[len(head) :].lstrip("\n")


def _items(rows: tuple[RecordRow, ...], total_points: str, total_score: str) -> Table:
    """The item table. An item takes one row per finding, so that a page may break between
    two findings (reportlab splits tables between rows only); rules are drawn above an
    item's first row, and between its findings only in the findings column."""
    head = [Paragraph(t, L.CELL_HEAD) for t in ("编号", "指标及评分内容", "分值", "得分", "检查情况")]
    data: list[list[object]] = [head]
    commands: list[tuple] = [  # type: ignore[type-arg]
        ("BOX", (0, 0), (-1, -1), 0.6, L.GRID),
        ("INNERGRID", (0, 0), (-1, 0), 0.5, L.GRID),
        ("LINEAFTER", (0, 0), (-2, -1), 0.5, L.GRID),
    ]
    for row in rows:
        r = len(data)
        commands.append(("LINEABOVE", (0, r), (-1, r), 0.5, L.GRID))
        if row.level < 3:
            data.append([
                Paragraph(row.code, L.CELL), Paragraph(L.escape(row.name), L.CELL), Paragraph(row.points, L.CELL_RIGHT),
                Paragraph(row.score or "—", L.CELL_RIGHT), Paragraph(L.escape(row.note), L.SMALL),
            ])
            commands.append(("BACKGROUND", (0, r), (-1, r), L.SHADE_1 if row.level == 1 else L.SHADE_2))
            continue
        # A finding's label once, on its first piece; the pieces after it continue its text.
        pieces = [
            (f"【{L.escape(label)}】" if n == 0 else "") + L.escape(part)
            for label, body in row.findings for n, part in enumerate(_chunks(body))
        ]
        pieces += [f"<font color='#4a4a4a' size=8.5>评分说明：{L.escape(part)}</font>" for part in (_chunks(row.note) if row.note else [])]
        if not pieces:
            pieces = ["<font color='#777777'>（未记录检查情况）</font>"]
        for n, piece in enumerate(pieces):
            if n == 0:
                data.append([
                    Paragraph(row.code, L.CELL), Paragraph(L.escape(row.name), L.CELL), Paragraph(row.points, L.CELL_RIGHT),
                    Paragraph(row.score or "<font color='#a8321e'>未评分</font>", L.CELL_RIGHT), Paragraph(piece, L.CELL),
                ])
            else:
                data.append(["", "", "", "", Paragraph(piece, L.CELL)])
                commands.append(("LINEABOVE", (4, len(data) - 1), (4, len(data) - 1), 0.3, L.FAINT))
    r = len(data)
    data.append([
        Paragraph("合计", L.CELL_CENTER), "", Paragraph(total_points, L.CELL_RIGHT), Paragraph(total_score or "—", L.CELL_RIGHT), "",
    ])
    commands += [("SPAN", (0, r), (1, r)), ("BACKGROUND", (0, r), (-1, r), L.HEADER), ("LINEABOVE", (0, r), (-1, r), 0.6, L.GRID)]
    table = Table(data, colWidths=WIDTHS, repeatRows=1)
    table.setStyle(L.table_style(("VALIGN", (0, 1), (-1, -1), "TOP"), *commands, grid=False))
    return table


def _problems(problems: tuple[ProblemRow, ...]) -> list[object]:
    story: list[object] = [CondPageBreak(30 * mm), Paragraph("发现的问题", L.HEADING)]
    if not problems:
        return [*story, Paragraph("本次检查未记录问题。", L.BODY)]
    head = [Paragraph(t, L.CELL_HEAD) for t in ("序号", "指标", "问题描述", "程度", "整改期限", "状态", "发现人")]
    data: list[list[object]] = [head]
    for n, p in enumerate(problems, 1):
        data.append([
            Paragraph(str(n), L.CELL_CENTER), Paragraph(L.escape(p.item), L.CELL), Paragraph(L.escape(p.description), L.CELL),
            Paragraph(L.escape(p.severity), L.CELL_CENTER), Paragraph(L.escape(p.deadline) or "—", L.CELL_CENTER),
            Paragraph(L.escape(p.status), L.CELL_CENTER),
            Paragraph(L.escape(p.inspector), L.CELL_CENTER),
        ])
    table = Table(data, colWidths=(10 * mm, 15 * mm, 78 * mm, 12 * mm, 22 * mm, 21 * mm, 22 * mm), repeatRows=1, splitInRow=1)
    table.setStyle(L.table_style(("VALIGN", (0, 1), (-1, -1), "TOP")))
    return [*story, table]


def _signatures(blocks: tuple[SignatureBlock, ...]) -> list[object]:
    head = [Paragraph(t, L.CELL_HEAD) for t in ("签字人", "姓名", "签名", "签署时间", "状态")]
    data: list[list[object]] = [head]
    commands: list[tuple] = []  # type: ignore[type-arg]
    for b in blocks:
        picture: object = Paragraph("—", L.CELL_CENTER)
        if b.png is not None:
            picture = _image(b.png, 44 * mm, 16 * mm)
        else:
            picture = Table([[picture]], rowHeights=[16 * mm])  # an empty signature keeps the row's height
        status = "有效" if b.current else "签署后记录已修改，需重新签名"
        data.append([
            Paragraph(L.escape(b.role), L.CELL_CENTER), Paragraph(L.escape(b.name), L.CELL_CENTER), picture,
            Paragraph(L.escape(b.signed_at) or "—", L.CELL_CENTER),
            Paragraph(status if b.current else f"<font color='#a8321e'>{status}</font>", L.CELL_CENTER),
        ])
    if not blocks:
        data.append([Paragraph("（尚无签名）", L.CELL_CENTER), "", "", "", ""])
        commands.append(("SPAN", (0, 1), (-1, 1)))
    table = Table(data, colWidths=(30 * mm, 26 * mm, 50 * mm, 36 * mm, 38 * mm), repeatRows=1, splitInRow=1)
    table.setStyle(L.table_style(*commands))
    return [KeepTogether([Paragraph("签字确认", L.HEADING), table])]


def _image(data: bytes, width: float, height: float) -> Image:
    """A picture scaled to fit the box, keeping its proportions."""
    from reportlab.lib.utils import ImageReader

    reader = ImageReader(io.BytesIO(data))
    w, h = reader.getSize()
    scale = min(width / w, height / h)
    return Image(io.BytesIO(data), width=w * scale, height=h * scale)


def _photos(photos: tuple[Photo, ...], other_evidence: int, photos_left_out: int) -> list[object]:
    story: list[object] = [CondPageBreak(60 * mm), Paragraph("附：佐证照片", L.HEADING)]
    if not photos:
        story.append(Paragraph("本记录未附照片。", L.BODY))
    per_row = 3
    cell_width = L.CONTENT_WIDTH / per_row
    data: list[list[object]] = []
    for start in range(0, len(photos), per_row):
        row: list[object] = []
        for photo in photos[start : start + per_row]:
            lines = [f"{L.escape(photo.item)} · {L.escape(photo.mode)} · {L.escape(photo.inspector)}"]
            if photo.caption:
                caption = photo.caption if len(photo.caption) <= CAPTION_CHARS else photo.caption[: CAPTION_CHARS - 1] + "…"
                lines.append(L.escape(caption))
            lines.append(f"拍摄：{L.escape(photo.taken_at) or '无记录'}")
            lines.append(f"附加：{L.escape(photo.attached_at)}")
            row.append([_image(photo.jpeg, cell_width - 8 * mm, 42 * mm), Spacer(1, 1.5 * mm),
                        Paragraph("<br/>".join(lines), L.SMALL_CENTER)])
        row += [""] * (per_row - len(row))
        data.append(row)
    if data:
        # Rows of photos never split (a picture cut across two pages); captions are bounded instead.
        table = Table(data, colWidths=[cell_width] * per_row)
        table.setStyle(L.table_style(
            ("BACKGROUND", (0, 0), (-1, 0), colors.white), ("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            ("GRID", (0, 0), (-1, -1), 0.3, L.FAINT), grid=False,
        ))
        story.append(table)
    if photos_left_out:
        story.append(Spacer(1, 2 * mm))
        story.append(Paragraph(f"另有照片 {photos_left_out} 张未印出（每份记录最多印 {len(photos)} 张），存于数据库。", L.BODY))
    if other_evidence:
        story.append(Spacer(1, 2 * mm))
        story.append(Paragraph(f"另附文件类佐证材料 {other_evidence} 份（存于数据库，未印出）。", L.BODY))
    return story
