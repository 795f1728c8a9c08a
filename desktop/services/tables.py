"""The results table and the problem list as spreadsheets (XLSX or CSV), for the lead to
hand on. Numbers go out as the results show them (two places), never recomputed."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from desktop.core import problems, words
from desktop.core.errors import InputError
from desktop.core.numbers import canonical, round_half_up
from desktop.core.sheets import column_letter
from desktop.services import rectification
from desktop.services import results as results_service
from desktop.services.workspace import Workspace

Row = Sequence[object]


def results_table(ws: Workspace) -> tuple[list[str], list[Row]]:
    """The results as the 汇总表 prints them: numbers as numbers (two places), the
    adjustment beside the total, 暂定 beside a provisional grade and what is missing;
    counties not started last, with no rank or grade."""
    campaign = ws.campaign
    header = ["名次", "县（市、区）", *[f"{m.name}（{canonical(m.weight * 100)}%）" for m in campaign.methods], "调整", "加权总分",
              "等次", "数据"]
    rows: list[Row] = []
    for r in results_service.results(ws):
        scores = [None if (v := r.score_of(m.key)) is None else round_half_up(v) for m in campaign.methods]
        rows.append([r.rank, campaign.county(r.county).name, *scores, round_half_up(r.adjustment) if r.adjustments else None,
                     round_half_up(r.total) if r.started else None, words.grade(r), words.data(campaign, r)])
    return header, rows


SEVERITY = rectification.SEVERITY_LABELS


def problems_table(ws: Workspace) -> tuple[list[str], list[Row]]:
    """Every problem as the board shows it, with its rectification's evidence (how many
    files, the written account) and whether it is overdue today."""
    names = {c.code: c.name for c in ws.campaign.counties}
    today = dt.date.today()
    header = ["县（市、区）", "指标", "检查员", "问题描述", "严重程度", "整改期限", "状态", "整改佐证（份）", "书面说明", "是否逾期"]
    rows: list[Row] = [
        [names.get(e.county, e.county), e.item, e.inspector, e.description, SEVERITY.get(e.severity, e.severity),
         e.deadline.isoformat() if e.deadline else "", problems.label_zh(e.shown_status(today)), e.evidence_count, e.account,
         "逾期" if e.overdue(today) else ""]
        for e in rectification.board(ws)
    ]
    return header, rows


TABLES = {"results": ("验收结果", results_table), "problems": ("问题清单", problems_table)}


def export(ws: Workspace, which: str, target: Path) -> Path:
    """The results or the problem list written to `target` (.xlsx or .csv), its sheet named
    in Chinese; never over the database it was read from."""
    title, table = TABLES[which]
    header, rows = table(ws)
    return write(target, header, rows, title=title, protected=(ws.path,) if not ws.database.on_server else ())


# A spreadsheet evaluates a cell that starts with one of these as a formula (CSV injection):
# `=HYPERLINK(…)` in a problem's description would run when the lead opens the table.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return value.strip() == value


def formula_safe(value: object) -> object:
    """A cell's value as it may go into a spreadsheet: text that a spreadsheet would take
    for a formula gets a leading apostrophe (Excel's own mark for "this is text"); numbers,
    and text that is a plain number (a negative adjustment), are left as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS) and not _is_number(value):
        return "'" + value
    return value


def write(path: Path, header: Sequence[str], rows: Sequence[Row], *, title: str, protected: Sequence[Path] = ()) -> Path:
    """Write a table as XLSX or CSV (by the file's suffix), whole or not at all, by the
    helper that writes the PDFs. Numbers (Decimal, int) stay numbers: in XLSX numeric cells
    shown with two places, so Excel sums and sorts them; None is an empty cell. No cell is
    ever a live formula: text is written as text (a string cell in XLSX; in CSV quoted and
    marked by `formula_safe`). The CSV is UTF-8 with a BOM, which Excel on a Chinese
    Windows needs to read it as UTF-8."""
    from desktop.services import documents

    suffix = path.suffix.lower()
    if suffix not in {".xlsx", ".csv"}:
        raise InputError.single(path, "format", "choose a file ending in .xlsx or .csv")
    safe_rows = [[formula_safe(v) for v in row] for row in [list(header), *rows]]
    data = _csv(safe_rows) if suffix == ".csv" else _xlsx(safe_rows, title)
    documents.write_file(path, data, *protected)
    return path


def _csv(rows: list[list[object]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    for row in rows:
        # text quoted always (a number-like text stays text), numbers bare, None an empty cell
        writer.writerow(["" if v is None else v if isinstance(v, Decimal | int) else str(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def _xlsx(rows: list[list[object]], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_title(title))
    sheet.freeze_panes = "A2"
    widths = [max(len(str(v)) if v is not None else 0 for v in column) for column in zip(*rows, strict=False)]
    for index, width in enumerate(widths):
        sheet.column_dimensions[column_letter(index)].width = min(60, max(8, width * 2 + 2))  # a Chinese character is two wide
    bold = Font(bold=True)
    for number, row in enumerate(rows):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would store "=…" as a formula
            elif isinstance(value, Decimal):
                cell.number_format = "0.00"
            if number == 0:
                cell.font = bold
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(title: str) -> str:
    """Excel's rules for a sheet's name: at most 31 characters, none of : \\ / ? * [ ]."""
    cleaned = "".join("_" if ch in ':\\/?*[]' else ch for ch in title).strip("'")
    return cleaned[:31] or "Sheet1"
