"""What every printed document shares: A4, the embedded CJK font, paragraph styles, and a
footer on every page with "page X of Y", the record id, the hash of the data shown and a
QR code carrying both.

reportlab keeps its font registry and some caches in module globals and is not
thread-safe: the font is registered once under a lock, and the documents are built on
one worker at a time (desktop/services/documents.py holds the lock around a build).
"""

from __future__ import annotations

import io
import itertools
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reportlab import rl_config
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import STATE_DEFAULTS
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, TableStyle

FONT = "YanshouCJK"
PAGE = A4
MARGIN_X = 15 * mm
MARGIN_TOP = 15 * mm
FOOTER_HEIGHT = 30 * mm  # the band under the text: rule, page number, ids, QR code, signature field
CONTENT_WIDTH = PAGE[0] - 2 * MARGIN_X
QR_SIZE = 22 * mm
QR_FORM = "YanshouQR"
# Where the digital signature's visible field goes on the last page (PDF points, lower
# left and upper right): inside the footer band, left of the page number, never over text.
SIGNATURE_BOX = (int(MARGIN_X), int(5 * mm), int(MARGIN_X + 62 * mm), int(25 * mm))

GRID = colors.HexColor("#6b6b6b")
FAINT = colors.HexColor("#c4c4c4")
SHADE_1 = colors.HexColor("#dfe6ee")  # first-level rows
SHADE_2 = colors.HexColor("#f0f3f6")  # second-level rows
HEADER = colors.HexColor("#c9d3de")

_lock = threading.Lock()
BUILD_LOCK = threading.Lock()  # one document at a time: reportlab's state is process-wide


def font_file() -> Path:
    from desktop import paths

    return paths.resources() / "fonts" / "wqy-microhei.ttc"


def register_font() -> None:
    """Register the CJK font once. WenQuanYi Micro Hei has TrueType outlines, which
    reportlab embeds as a subset (it cannot embed CFF fonts such as Noto CJK's OTF)."""
    with _lock:
        if FONT in pdfmetrics.getRegisteredFontNames():
            return
        pdfmetrics.registerFont(TTFont(FONT, str(font_file()), subfontIndex=0))
        # Drawings (the QR code, the chart) start from this state: with the default font
        # they would name Helvetica, a font the PDF does not carry.
        STATE_DEFAULTS["fontName"] = FONT
        # Streams in binary, not ASCII85: a fifth smaller, and no encoding pass over every
        # photo (the slowest step of drawing a record with fifty of them).
        rl_config.useA85 = 0


def style(size: float = 9.5, *, align: int = TA_LEFT, leading: float | None = None, color: Any = colors.black, **kw: Any) -> ParagraphStyle:
    # wordWrap CJK breaks lines between any two Chinese characters, as Chinese typesetting does.
    return ParagraphStyle(
        f"s{size}{align}", fontName=FONT, fontSize=size, leading=leading or size * 1.38, alignment=align,
        wordWrap="CJK", textColor=color, **kw,
    )


TITLE = style(17, align=TA_CENTER, leading=24, spaceAfter=2 * mm)
SUBTITLE = style(10, align=TA_CENTER, leading=14, spaceAfter=3 * mm, color=colors.HexColor("#333333"))
HEADING = style(12, leading=17, spaceBefore=4 * mm, spaceAfter=2 * mm)
BODY = style(9.5)
SMALL = style(8, leading=10.5)
SMALL_CENTER = style(8, align=TA_CENTER, leading=10.5)
CELL = style(9, leading=12.2)
CELL_CENTER = style(9, align=TA_CENTER, leading=12.2)
CELL_RIGHT = style(9, align=TA_RIGHT, leading=12.2)
CELL_HEAD = style(9, align=TA_CENTER, leading=12.2)


def table_style(*extra: tuple, grid: bool = True) -> TableStyle:  # type: ignore[type-arg]
    return TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), FONT, 9),
            *([("GRID", (0, 0), (-1, -1), 0.5, GRID)] if grid else []),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            *extra,
        ]
    )


def escape(value: str) -> str:
    """Text for a Paragraph, which reads a little markup: the user's text is never markup.
    A character the font lacks (a rare name's CJK Extension B character, an emoji) prints as
    □ rather than as nothing, so a reader sees that something is there."""
    value = printable(value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")


def printable(value: str) -> str:
    """The text with each character the font lacks as MISSING (line breaks kept)."""
    glyphs = _glyphs()
    if any(ord(c) not in glyphs for c in value if c != "\n"):
        value = "".join(c if c == "\n" or ord(c) in glyphs else MISSING for c in value)
    return value


def one_line(value: str, width: float, size: float) -> str:
    """Text for a Paragraph that fits on one line `width` points wide at `size` points: cut
    with "…" when longer (line breaks read as spaces). For a page that must hold its rows."""
    text = re.sub(r"[\r\n\t]+", " ", printable(value)).strip()
    if pdfmetrics.stringWidth(text, FONT, size) > width:
        low, high = 0, len(text)  # the longest head that fits with the ellipsis
        while low < high:
            middle = (low + high + 1) // 2
            if pdfmetrics.stringWidth(text[:middle] + "…", FONT, size) <= width:
                low = middle
            else:
                high = middle - 1
        text = text[:low].rstrip() + "…"
    return escape(text)


MISSING = "□"


def _glyphs() -> dict[int, int]:
    register_font()
    glyphs: dict[int, int] = pdfmetrics.getFont(FONT).face.charToGlyph
    return glyphs


def footer_canvas(record_id: str, data_hash: str) -> Callable[..., canvas.Canvas]:
    """A canvas class that holds its pages back until the document is complete, then draws
    each page's footer knowing the page count ("第 3 页 共 7 页")."""

    class Numbered(canvas.Canvas):  # type: ignore[misc]  # reportlab has no type hints
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # The CJK font from the start: no standard (unembedded) font is ever set.
            kwargs.update(initialFontName=FONT, initialFontSize=9)
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            # The QR code is the same on every page: drawn once as a form, placed on each.
            self.beginForm(QR_FORM)
            # Upper case, digits and ':' only: QR's alphanumeric mode, a smaller symbol and
            # half the encoding time of the same text in byte mode.
            draw_qr(self, f"YANSHOU:{record_id}:{data_hash}".upper())
            self.endForm()
            for state in self._pages:
                self.__dict__.update(state)
                draw_footer(self, self._pageNumber, total, record_id, data_hash)
                super().showPage()
            super().save()

    return Numbered


def draw_footer(c: canvas.Canvas, page: int, total: int, record_id: str, data_hash: str) -> None:
    width = PAGE[0]
    top = FOOTER_HEIGHT - 3 * mm
    c.saveState()
    c.setStrokeColor(GRID)
    c.setLineWidth(0.5)
    c.line(MARGIN_X, top, width - MARGIN_X, top)
    middle = (SIGNATURE_BOX[2] + width - MARGIN_X - QR_SIZE) / 2
    c.setFont(FONT, 9.5)
    c.drawCentredString(middle, top - 7 * mm, f"第 {page} 页  共 {total} 页")
    c.setFont(FONT, 7)
    c.setFillColor(colors.HexColor("#444444"))
    c.drawCentredString(middle, top - 12 * mm, f"记录编号 {record_id}")
    c.drawCentredString(middle, top - 16 * mm, f"数据摘要 SHA-256 {data_hash[:32]}")
    c.drawCentredString(middle, top - 19.5 * mm, data_hash[32:])
    c.translate(width - MARGIN_X - QR_SIZE, top - QR_SIZE - 1 * mm)
    c.doForm(QR_FORM)
    c.restoreState()


def draw_qr(c: canvas.Canvas, payload: str) -> None:
    """The QR code in a QR_SIZE square at the origin, with the usual quiet zone of four
    modules. reportlab's widget encodes the payload twice (for its bounds, then to draw)
    and draws every run of dark modules as a shape of its own; one encoding and one path
    make the same picture in a quarter of the time."""
    code = QrCodeWidget(payload, barLevel="M").qr
    code.make()
    quiet = 4
    box = QR_SIZE / (code.getModuleCount() + 2 * quiet)
    path = c.beginPath()
    for r, row in enumerate(code.modules):
        column = 0
        for dark, run in itertools.groupby(bool(module) for module in row):
            length = len(list(run))
            if dark:
                path.rect((column + quiet) * box, QR_SIZE - (r + quiet + 1) * box, length * box, box)
            column += length
    c.saveState()
    c.setFillColor(colors.black)
    c.drawPath(path, stroke=0, fill=1)
    c.restoreState()


def template(out: io.BytesIO, title: str, subject: str) -> SimpleDocTemplate:
    """Every document's page: A4, the margins, room for the footer, the PDF's metadata."""
    return SimpleDocTemplate(
        out, pagesize=PAGE, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
        bottomMargin=FOOTER_HEIGHT, title=title, author="Yanshou", subject=subject, creator="Yanshou 验收",
    )


def heading(title: str, campaign: str, document_number: str) -> list[Paragraph]:
    """A document's title, and under it the campaign and its document number."""
    return [Paragraph(title, TITLE), Paragraph(escape(f"{campaign}　{document_number}".strip()), SUBTITLE)]
