"""The results table and the problem list as spreadsheets (XLSX or CSV), for the lead to
hand on. Numbers go out as the results show them (two places), never recomputed."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from db import files
from desktop.core.errors import InputError
from desktop.core.numbers import canonical, show
from desktop.services import rectification
from desktop.services import results as results_service
from desktop.services.workspace import Workspace

Row = Sequence[object]


def results_table(ws: Workspace) -> tuple[list[str], list[Row]]:
    campaign = ws.campaign
    header = ["排名", "县区", *[f"{m.name}（{canonical(m.weight * 100)}%）" for m in campaign.methods], "总分", "等次", "数据完整"]
    rows: list[Row] = []
    for r in sorted(results_service.results(ws), key=lambda r: (r.rank, r.county)):
        complete = "是" if r.complete else f"否：{len(r.unscored_items)} 项未评分" if r.unscored_items else "否"
        rows.append([r.rank, campaign.county(r.county).name, *[show(r.method_scores[m.key]) for m in campaign.methods],
                     show(r.total), r.grade.value, complete])
    return header, rows


STATUS = rectification.STATUS_LABELS
SEVERITY = rectification.SEVERITY_LABELS


def problems_table(ws: Workspace) -> tuple[list[str], list[Row]]:
    names = {c.code: c.name for c in ws.campaign.counties}
    header = ["县区", "指标", "检查员", "问题描述", "严重程度", "整改期限", "状态"]
    rows: list[Row] = [
        [names.get(e.county, e.county), e.item, e.inspector, e.description, SEVERITY.get(e.severity, e.severity),
         e.deadline.isoformat() if e.deadline else "", STATUS.get(e.status, e.status)]
        for e in rectification.board(ws)
    ]
    return header, rows


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


def write(path: Path, header: Sequence[str], rows: Sequence[Row], *, title: str = "Sheet") -> Path:
    """Write a table as XLSX or CSV (by the file's suffix), to a temporary name renamed at
    the end: a failed write leaves no half file. No cell is ever a live formula: text is
    written as text (a string cell in XLSX; in CSV quoted, and marked by `formula_safe`)."""
    suffix = path.suffix.lower()
    if suffix not in {".xlsx", ".csv"}:
        raise InputError.single(path, "format", "choose a file ending in .xlsx or .csv")
    partial = files.partial_name(path)
    safe_rows = [[formula_safe(v) for v in row] for row in [list(header), *rows]]
    try:
        if suffix == ".csv":
            with partial.open("w", newline="", encoding="utf-8-sig") as f:  # the BOM lets Excel read the Chinese
                writer = csv.writer(f, quoting=csv.QUOTE_NONNUMERIC)
                writer.writerows(safe_rows)
                files.flush(f)
        else:
            from openpyxl import Workbook
            from openpyxl.cell import WriteOnlyCell

            book = Workbook(write_only=True)
            sheet = book.create_sheet(title[:31])
            for row in safe_rows:
                cells = []
                for value in row:
                    cell = WriteOnlyCell(sheet, value=value)
                    if isinstance(value, str):
                        cell.data_type = "s"  # openpyxl would store "=…" as a formula
                    cells.append(cell)
                sheet.append(cells)
            book.save(partial)
            files.flush_path(partial)
        files.replace(partial, path)
    except files.FileInUse:
        partial.unlink(missing_ok=True)
        raise InputError.single(
            path, "in_use", "the file is open in another program (Excel, WPS): close it there, then save again",
        ) from None
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise InputError.single(path, "unwritable", f"the file cannot be written ({exc.strerror or exc})") from None
    return path
