"""Score sheets (CSV or XLSX) as the command line and the lead's desk import them.

A sheet is input from outside: it is read whole, every row checked against the campaign,
and either all of it is returned as typed rows or `InputError` names every bad row and
why. Nothing here writes anything; a service applies the rows in one transaction.

Formats (SPEC §6), with a header row; Chinese headers are accepted as well:
- inspection: county,item,score,report,materials,online,field,comment and optionally
  report_result,materials_result,online_result,field_result (符合 / 基本符合 / 不符合 / 未检查)
- an imported method (self-check, third-party): county,score or county,item,score

A CSV comes as Chinese counties send it: UTF-8 (a BOM allowed), GB18030/GBK (Chinese
Excel's "CSV (逗号分隔)") or UTF-16 with a BOM (Excel's "Unicode 文本", tab-separated),
told apart by the bytes alone (see `_decode`).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from desktop.core.campaign import Campaign, County
from desktop.core.documents import read_input
from desktop.core.errors import InputError, Problem
from desktop.core.indicators import Indicator
from desktop.core.inspection import FindingStatus, InspectionMode
from desktop.core.numbers import parse_decimal, places
from desktop.core.scoring import score_problem

MAX_SHEET_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
MAX_CELL = 5_000  # a text cell: the admission check's bound (db.admission.MAX_TEXT; a test keeps them equal)
MAX_COLUMNS = 64
# A workbook is a zip: what its directory says it unpacks to is checked before any parsing
# (a 1.5 MB file can hold a 1.5 GB cell).
MAX_XLSX_UNPACKED = 64 * 1024 * 1024
MAX_XLSX_ENTRIES = 1_000
_ALLOWED_CONTROLS = {"\t", "\n", "\r"}
HUNDRED = Decimal(100)

# Header aliases → canonical column names.
_ALIASES = {
    "county": "county", "县区": "county", "县(区)": "county", "试点县区": "county", "单位": "county",
    "item": "item", "指标": "item", "指标编号": "item", "编号": "item",
    "score": "score", "得分": "score", "分数": "score", "评分": "score",
    "report": "report", "听取汇报": "report",
    "materials": "materials", "查看材料": "materials", "检验材料": "materials",
    "online": "online", "网上检查": "online",
    "field": "field", "实地核查": "field",
    "comment": "comment", "备注": "comment", "评分说明": "comment",
    "report_result": "report_result", "听取汇报结果": "report_result",
    "materials_result": "materials_result", "查看材料结果": "materials_result", "检验材料结果": "materials_result",
    "online_result": "online_result", "网上检查结果": "online_result",
    "field_result": "field_result", "实地核查结果": "field_result",
}
_MODES = tuple(m.value for m in InspectionMode)
_RESULT_COLUMNS = {f"{m.value}_result": m for m in InspectionMode}
# A result cell's words → the finding's status: the Chinese the record prints, and the
# status's own value (what `FindingStatus` spells).
_RESULTS = {**{s.label: s for s in FindingStatus}, **{s.value: s for s in FindingStatus}}

# Every code a sheet is refused with (read_input's included): the desk has Chinese words for
# each (desktop.ui.messages.sheet_problem; a test keeps the two in step).
CODES = frozenset({
    "not_found", "not_a_file", "unreadable", "too_large", "empty", "unknown_encoding", "damaged_text", "bad_csv",
    "bad_xlsx", "too_many_rows", "too_many_columns", "text_too_long", "control_character", "unknown_column",
    "duplicate_column", "no_rows", "wrong_column", "missing_column", "unknown_county", "unknown_item", "not_a_number",
    "score_range", "score_grid", "score_places", "unknown_result", "duplicate_row", "empty_row", "missing_score",
    "cell_without_column", "hidden_sheet", "hidden_row", "hidden_column", "formula_uncomputed",
})


@dataclass(frozen=True)
class InspectionRow:
    row: int
    county: str  # county code
    item: str  # item code
    score: Decimal | None  # None: the row leaves the score as it was
    findings: Mapping[InspectionMode, str]  # only the mode columns the sheet has; "" = not checked
    comment: str | None  # None: no comment column
    # only the result cells the row fills in; a mode absent keeps the result it had
    results: Mapping[InspectionMode, FindingStatus] = field(default_factory=dict)


@dataclass(frozen=True)
class InspectionSheet:
    rows: tuple[InspectionRow, ...]


@dataclass(frozen=True)
class MethodSheet:
    """Imported scores for one method: per county either a total or a map of item scores."""

    method: str
    totals: Mapping[str, Decimal]  # county code → total out of 100
    items: Mapping[str, Mapping[str, Decimal]]  # county code → item code → score
    rows: int


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header (canonical names) and the non-empty data rows with their row numbers."""
    raw = read_input(path, MAX_SHEET_BYTES)
    if not raw.strip():
        raise InputError.single(path, "empty", "the file is empty")
    if raw.startswith(b"PK\x03\x04") or path.suffix.lower() in {".xlsx", ".xlsm"}:
        table = _xlsx_rows(raw, path)
    else:
        table = _csv_rows(raw, path)
    table = [(n, cells) for n, cells in table if any(c.strip() for c in cells)]
    if not table:
        raise InputError.single(path, "empty", "the sheet has no rows")
    _check_cells(path, table)
    header_row, header = table[0]
    if len(table) - 1 > MAX_ROWS:
        raise InputError.single(path, "too_many_rows", f"the sheet has {len(table) - 1} rows; at most {MAX_ROWS}")
    names = []
    problems = []
    for cell in header:
        name = _ALIASES.get(cell.strip().lower())
        if name is None and cell.strip():
            problems.append(Problem("unknown_column", f"unknown column '{cell.strip()}'", row=header_row))
        names.append(name or "")
    for name in sorted({n for n in names if n and names.count(n) > 1}):
        problems.append(Problem("duplicate_column", f"column '{name}' appears twice", row=header_row))
    if len(table) == 1:
        problems.append(Problem("no_rows", "the sheet has a header row but no data rows", row=header_row))
    for number, cells in table[1:]:  # a value no column names would be dropped: a score of 86,9 was taken as 86
        for index, cell in enumerate(cells):
            if cell.strip() and (index >= len(header) or not header[index].strip()):  # (an unknown column is said above)
                problems.append(Problem(
                    "cell_without_column",
                    f"the cell holds '{cell.strip()[:20]}' under no column of the header: a decimal comma (write 86.9, not 86,9) "
                    "or a cell out of place",
                    row=number, column=column_letter(index),
                ))
                break
        if len(problems) >= 100:
            break
    if problems:
        raise InputError(path, problems)
    return names, table[1:]


def column_letter(index: int) -> str:
    """A spreadsheet's column by its 0-based index: A, …, Z, AA, …."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _check_cells(path: Path, table: list[tuple[int, list[str]]]) -> None:
    """Every cell of every row: not too many columns, no cell past MAX_CELL, no NUL or control
    character (a NUL would cut a finding short in the database): each named by row and column."""
    problems = []
    for number, cells in table:
        if len(cells) > MAX_COLUMNS and any(c.strip() for c in cells[MAX_COLUMNS:]):
            problems.append(Problem("too_many_columns", f"the row has more than {MAX_COLUMNS} columns", row=number))
            continue
        for index, cell in enumerate(cells):
            where = column_letter(index)
            if len(cell) > MAX_CELL:
                problems.append(Problem("text_too_long", f"the cell has {len(cell)} characters; at most {MAX_CELL}",
                                        row=number, column=where))
            elif bad := next((ch for ch in cell if (ch < " " and ch not in _ALLOWED_CONTROLS) or ch == "\x7f"), None):
                problems.append(Problem("control_character", f"the cell holds the control character U+{ord(bad):04X}",
                                        row=number, column=where))
        if len(problems) >= 100:
            break
    if problems:
        raise InputError(path, problems)


# Byte order marks and what each says the text is.
_BOMS = ((codecs.BOM_UTF8, "utf-8", "UTF-8"), (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
         (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"))


def _decode(raw: bytes, path: Path) -> tuple[str, bool]:
    """The sheet's text and whether it came as UTF-16. A BOM decides first; without one the
    bytes are tried strictly as UTF-8, then as GB18030 (a superset of GBK and GB2312). A
    GBK file is almost never valid UTF-8, so the order does not guess wrong in practice."""
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            body = raw[len(bom):]
            try:
                return body.decode(codec), name == "UTF-16"
            except UnicodeDecodeError as exc:
                raise InputError.single(
                    path, "damaged_text", f"the file starts as {name} text but is not valid {name}",
                    row=_line_of(body, exc.start, codec), params={"encoding": name},
                ) from None
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030"), False
    except UnicodeDecodeError as exc:
        raise InputError.single(
            path, "unknown_encoding", "the file is neither UTF-8, GB18030/GBK nor UTF-16 text",
            row=_line_of(raw, exc.start, "gb18030"), params={"tried": ["UTF-8", "GB18030", "UTF-16"]},
        ) from None


def _line_of(raw: bytes, offset: int, codec: str) -> int:
    """The line a decoding failure is on, counted in the text before it (in UTF-16 a 0x0A byte
    is half of many characters, so the bytes themselves cannot be counted)."""
    return raw[:offset].decode(codec, errors="replace").count("\n") + 1


def _delimiter(text: str, utf16: bool) -> str:
    """Excel's "Unicode 文本" is tab-separated, its CSV comma-separated; a header row that
    says otherwise (tabs and no comma, or the reverse) is believed."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    if utf16:
        return "," if "," in header and "\t" not in header else "\t"
    return "\t" if "\t" in header and "," not in header else ","


def _csv_rows(raw: bytes, path: Path) -> list[tuple[int, list[str]]]:
    text, utf16 = _decode(raw, path)
    rows = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text, utf16), strict=True)
        for cells in reader:
            rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise InputError.single(path, "bad_csv", f"malformed CSV: {exc}", row=reader.line_num) from None
    return rows


def _xlsx_rows(raw: bytes, path: Path) -> list[tuple[int, list[str]]]:
    import zipfile

    import openpyxl  # imported here: it is slow to import and only sheets need it

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise InputError.single(path, "bad_xlsx", "not a readable XLSX workbook (not a zip archive)") from None
    unpacked = sum(e.file_size for e in entries)
    if len(entries) > MAX_XLSX_ENTRIES or unpacked > MAX_XLSX_UNPACKED:
        raise InputError.single(
            path, "too_large", f"the workbook unpacks to {unpacked} bytes in {len(entries)} parts; at most {MAX_XLSX_UNPACKED} are read",
        )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # a hostile workbook can fail inside openpyxl in many ways (zip, XML, styles)
        raise InputError.single(path, "bad_xlsx", f"not a readable XLSX workbook ({type(exc).__name__})") from None
    try:
        sheet = workbook.active  # the sheet the workbook was saved on, as Excel and WPS open it (not the first, which may be hidden)
        if sheet is None or getattr(sheet, "sheet_state", "visible") != "visible":
            raise InputError.single(
                path, "hidden_sheet", "the workbook's open sheet is hidden: open the sheet to import, save, then import",
            )
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS + 1:
                raise InputError.single(path, "too_many_rows", f"the sheet has more than {MAX_ROWS} rows")
            rows.append((number, [_cell_text(v) for v in values]))
        unseen = _unseen(path, rows, _scan_sheet(raw, str(getattr(sheet, "_worksheet_path", "")), path))
        if unseen:
            raise InputError(path, unseen)
        return rows
    except InputError:
        raise
    except Exception as exc:
        raise InputError.single(path, "bad_xlsx", f"not a readable XLSX workbook ({type(exc).__name__})") from None
    finally:
        workbook.close()


@dataclass
class _SheetScan:
    """What the values of a sheet do not show: its hidden rows and columns (by Excel's filter
    or by hand), and formulas no program ever computed (a workbook written by a script: the
    cell reads as empty)."""

    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: list[tuple[int, int]] = field(default_factory=list)  # 1-based ranges, inclusive
    uncomputed: list[tuple[int, str]] = field(default_factory=list)  # (row, column letter)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]  # (transitional and strict OOXML name the same elements in two namespaces)


def _scan_sheet(raw: bytes, part: str, path: Path) -> _SheetScan:
    """The sheet's own XML part read once more, as a stream (openpyxl's read-only sheet says
    nothing of hidden rows and columns): what _unseen refuses."""
    import zipfile
    from xml.etree.ElementTree import ParseError, iterparse  # (expat ≥ 2.4: no entity expansion blow-up)

    scan = _SheetScan()
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        name = part.lstrip("/")
        if name not in archive.namelist():
            return scan  # (openpyxl read the values from it: a name it gave cannot be missing; no scan, no claim)
        row = 0
        try:
            with archive.open(name) as xml:
                for _event, element in iterparse(xml, events=("end",)):
                    tag = _local(element.tag)
                    if tag == "c":
                        _scan_cell(element, row, scan)
                        element.clear()
                    elif tag == "row":
                        row = int(element.get("r") or row + 1)
                        if element.get("hidden") in {"1", "true"}:
                            scan.hidden_rows.add(row)
                        element.clear()
                    elif tag == "col" and element.get("hidden") in {"1", "true"}:
                        scan.hidden_columns.append((int(element.get("min") or 1), int(element.get("max") or element.get("min") or 1)))
        except (ParseError, ValueError, OSError, zipfile.BadZipFile):
            raise InputError.single(path, "bad_xlsx", "not a readable XLSX workbook (its sheet's XML)") from None
    return scan


def _scan_cell(cell: Any, row: int, scan: _SheetScan) -> None:
    """A formula whose cached value is missing or empty (a text result is cached in <v> too)."""
    formula = value = None
    for child in cell:
        kind = _local(child.tag)
        if kind == "f":
            formula = child
        elif kind == "v":
            value = child.text
    if formula is not None and not value:
        reference = cell.get("r") or ""
        letters = "".join(ch for ch in reference if ch.isalpha()).upper()
        number = int("".join(ch for ch in reference if ch.isdigit()) or row + 1)
        scan.uncomputed.append((number, letters or "?"))


def _unseen(path: Path, rows: list[tuple[int, list[str]]], scan: _SheetScan) -> list[Problem]:
    """A cell the person who filled the sheet cannot see in it is not imported unseen: a hidden
    row or column that holds something, a formula that shows a value in Excel but holds none in
    the file. Each named by its row or column, at most 100."""
    problems = []
    for number, column in scan.uncomputed:
        problems.append(Problem(
            "formula_uncomputed", "the cell holds a formula whose value was never computed (the file was written by a program "
            "that does not calculate): open it in Excel or WPS, save, then import", row=number, column=column,
        ))
    by_number = dict(rows)
    for number in sorted(scan.hidden_rows):
        if any(c.strip() for c in by_number.get(number, ())):
            problems.append(Problem("hidden_row", "the row is hidden (or filtered out) in the sheet: show it or delete it, save, "
                                    "then import", row=number))
    width = max((len(cells) for _n, cells in rows), default=0)
    for first, last in scan.hidden_columns:
        for index in range(max(first, 1) - 1, min(last, width)):
            if any(index < len(cells) and cells[index].strip() for _n, cells in rows):
                problems.append(Problem("hidden_column", "the column is hidden in the sheet: show it or delete it, save, then import",
                                        column=column_letter(index)))
    return problems[:100]


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return repr(value)
    return str(value)


class _Rows:
    """Checks cells row by row, collecting every problem with its row and column."""

    def __init__(self, path: Path, campaign: Campaign, header: Sequence[str]) -> None:
        self.path = path
        self.campaign = campaign
        self.header = header
        self.problems: list[Problem] = []

    def fail(self, row: int, column: str | None, code: str, message: str) -> None:
        self.problems.append(Problem(code, message, row=row, column=column))

    def cell(self, cells: Sequence[str], column: str) -> str | None:
        if column not in self.header:
            return None
        index = self.header.index(column)
        return cells[index].strip() if index < len(cells) else ""

    def county(self, row: int, cells: Sequence[str]) -> County | None:
        name = self.cell(cells, "county") or ""
        county = self.campaign.find_county(name)
        if county is None:
            self.fail(row, "county", "unknown_county", f"unknown county '{name}'" if name else "the county is empty")
        return county

    def item(self, row: int, cells: Sequence[str]) -> Indicator | None:
        code = self.cell(cells, "item") or ""
        item = self.campaign.indicator_set.find(code)
        if item is None or not item.is_item:
            what = "is not a scoring item (level 3)" if item else "is not an item of the indicator set"
            self.fail(row, "item", "unknown_item", f"'{code}' {what}" if code else "the item is empty")
            return None
        return item

    def score(self, row: int, text: str, maximum: Decimal, *, half_steps: bool) -> Decimal | None:
        value = parse_decimal(text)
        problem = None if value is None else score_problem(value, maximum, half_steps=half_steps)
        if value is None:
            self.fail(row, "score", "not_a_number", f"score '{text}' is not a number")
        elif problem == "out_of_range":
            self.fail(row, "score", "score_range", f"score {text} is out of range 0–{maximum}")
        elif problem == "not_half_step":
            self.fail(row, "score", "score_grid", f"score {text} is not a multiple of 0.5")
        elif places(value) > 2:
            self.fail(row, "score", "score_places", f"score {text} has more than 2 decimal places")
        else:
            return value
        return None

    def result(self, row: int, column: str, text: str) -> FindingStatus | None:
        """A mode's result cell; None when it is empty (the result stays as it was)."""
        if not text:
            return None
        status = _RESULTS.get(text) or _RESULTS.get(text.lower())
        if status is None:
            self.fail(row, column, "unknown_result", f"result '{text}' is not one of 符合, 基本符合, 不符合, 未检查")
        return status

    def long_text(self, row: int, column: str, text: str) -> str:
        if len(text) > MAX_CELL:
            self.fail(row, column, "text_too_long", f"the text has {len(text)} characters; at most {MAX_CELL}")
        return text

    def require(self, row: int, columns: Sequence[str]) -> None:
        missing = [c for c in columns if c not in self.header]
        if missing:
            self.fail(row, None, "missing_column", f"the header lacks the column(s) {', '.join(missing)}")

    def raise_if_any(self) -> None:
        if self.problems:
            raise InputError(self.path, self.problems)


def parse_inspection_sheet(path: Path, campaign: Campaign) -> InspectionSheet:
    header, rows = read_rows(path)
    check = _Rows(path, campaign, header)
    allowed = {"county", "item", "score", "comment", *_MODES, *_RESULT_COLUMNS}
    for name in header:
        if name and name not in allowed:
            check.fail(1, name, "wrong_column", f"column '{name}' does not belong in an inspection sheet")
    check.require(1, ["county", "item", "score"])
    check.raise_if_any()
    seen: dict[tuple[str, str], int] = {}
    parsed = []
    for number, cells in rows:
        county = check.county(number, cells)
        item = check.item(number, cells)
        score_text = check.cell(cells, "score") or ""
        score = None
        if item is not None and score_text:
            score = check.score(number, score_text, item.points, half_steps=True)
        findings = {
            InspectionMode(m): check.long_text(number, m, text)
            for m in _MODES if (text := check.cell(cells, m)) is not None
        }
        results = {
            mode: status
            for column, mode in _RESULT_COLUMNS.items()
            if (status := check.result(number, column, check.cell(cells, column) or "")) is not None
        }
        comment = check.cell(cells, "comment")
        if comment is not None:
            check.long_text(number, "comment", comment)
        if county is None or item is None:
            continue
        key = (county.code, item.code)
        if key in seen:
            check.fail(number, None, "duplicate_row", f"{county.name} {item.code} is already on row {seen[key]}")
            continue
        seen[key] = number
        if not score_text and not any(findings.values()) and not results and not comment:
            check.fail(number, "score", "empty_row", "the row has neither a score nor any findings")
        parsed.append(InspectionRow(number, county.code, item.code, score, findings, comment, results))
    check.raise_if_any()
    return InspectionSheet(tuple(parsed))


def parse_method_sheet(path: Path, campaign: Campaign, method: str) -> MethodSheet:
    header, rows = read_rows(path)
    check = _Rows(path, campaign, header)
    per_item = "item" in header
    for name in header:
        if name and name not in {"county", "item", "score"}:
            check.fail(1, name, "wrong_column", f"column '{name}' does not belong in a {method} sheet (county,score or county,item,score)")
    check.require(1, ["county", "score"])
    check.raise_if_any()
    totals: dict[str, Decimal] = {}
    items: dict[str, dict[str, Decimal]] = {}
    seen: dict[tuple[str, str], int] = {}
    for number, cells in rows:
        county = check.county(number, cells)
        item = check.item(number, cells) if per_item else None
        text = check.cell(cells, "score") or ""
        maximum = item.points if item is not None else HUNDRED
        score = check.score(number, text, maximum, half_steps=False) if text else None
        if not text:
            check.fail(number, "score", "missing_score", "the score is empty")
        if county is None or (per_item and item is None) or score is None:
            continue
        key = (county.code, item.code if item else "")
        if key in seen:
            what = f"{county.name} {item.code}" if item else county.name
            check.fail(number, None, "duplicate_row", f"{what} is already on row {seen[key]}")
            continue
        seen[key] = number
        if item is not None:
            items.setdefault(county.code, {})[item.code] = score
        else:
            totals[county.code] = score
    check.raise_if_any()
    return MethodSheet(method, totals, items, len(rows))
