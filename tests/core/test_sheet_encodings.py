"""Score sheets as Chinese counties send them (SPEC §6): UTF-8, GB18030/GBK (Chinese Excel's
"CSV (逗号分隔)") and UTF-16 with a BOM (Excel's "Unicode 文本", tab-separated) read to the
same rows, told apart without asking; anything else refused naming the encodings tried and
the row. And the inspection sheet's result columns (符合 / 基本符合 / 不符合 / 未检查)."""

from __future__ import annotations

import codecs
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.core.campaign import Campaign, load_campaign
from desktop.core.errors import InputError
from desktop.core.inspection import FindingStatus, InspectionMode
from desktop.core.sheets import InspectionRow, MethodSheet, parse_inspection_sheet, parse_method_sheet

ROOT = Path(__file__).parents[2]
CAMPAIGN_FILE = ROOT / "resources" / "campaigns" / "luan-2018.toml"
D = Decimal

# Findings with characters whose UTF-16 code units hold a 0x0A or 0x0D byte (上 is U+4E0A,
# 不 U+4E0D): a reader that split the bytes into lines would cut them.
INSPECTION_ROWS = [
    ["county", "item", "score", "report", "materials", "online", "field", "comment"],
    ["金安区", "1.1.1", "3", "会议纪要齐全，上墙公示", "", "", "", ""],
    ["裕安区", "2.3.2", "2.5", "", "缺少公开属性说明", "网站已公开", "城区窗口现场核实", "扣0.5分"],
    ["霍邱县", "1.2.1", "0", "", "", "", "", "材料不全"],
]
METHOD_ROWS = [["县区", "得分"], ["金安区", "92"], ["裕安区", "85.5"], ["叶集区", "78"]]


@pytest.fixture(scope="module")
def campaign() -> Campaign:
    return load_campaign(CAMPAIGN_FILE)


def sheet_bytes(rows: list[list[str]], encoding: str, delimiter: str = ",") -> bytes:
    """A sheet as a program writes it: Excel's line ends, BOM included where the encoding has one."""
    text = "".join(delimiter.join(cells) + "\r\n" for cells in rows)
    boms = {"utf-8-sig": b"", "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}
    return boms.get(encoding, b"") + text.encode(encoding)


def write(tmp_path: Path, raw: bytes, name: str = "sheet.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(raw)
    return path


def refused(path: Path, campaign: Campaign) -> InputError:
    with pytest.raises(InputError) as exc:
        parse_inspection_sheet(path, campaign)
    return exc.value


# the encodings Chinese counties' spreadsheets write, and the delimiter each is written with
ENCODINGS = [
    ("gb18030", ","),  # Excel 中文版 "CSV (逗号分隔)"
    ("gbk", ","),
    ("utf-16-le", "\t"),  # Excel "Unicode 文本"
    ("utf-16-be", "\t"),
    ("utf-8-sig", ","),  # Excel "CSV UTF-8"
    ("utf-8", "\t"),  # a tab-separated UTF-8 file: the header has tabs and no commas
    ("gb18030", "\t"),
    ("utf-16-le", ","),  # a UTF-16 file whose header says commas
]


@pytest.mark.parametrize(("encoding", "delimiter"), ENCODINGS)
def test_an_inspection_sheet_reads_the_same_in_every_encoding(
    tmp_path: Path, campaign: Campaign, encoding: str, delimiter: str
) -> None:
    utf8 = parse_inspection_sheet(write(tmp_path, sheet_bytes(INSPECTION_ROWS, "utf-8"), "utf8.csv"), campaign)
    other = parse_inspection_sheet(write(tmp_path, sheet_bytes(INSPECTION_ROWS, encoding, delimiter)), campaign)
    assert other == utf8
    assert [(r.row, r.county, r.item, r.score) for r in other.rows] == [
        (2, "341502", "1.1.1", D(3)), (3, "341503", "2.3.2", D("2.5")), (4, "341522", "1.2.1", D(0)),
    ]
    assert other.rows[0].findings[InspectionMode.REPORT] == "会议纪要齐全，上墙公示"
    assert other.rows[1].findings[InspectionMode.FIELD] == "城区窗口现场核实"
    assert other.rows[2].comment == "材料不全"


@pytest.mark.parametrize(("encoding", "delimiter"), ENCODINGS[:4])
def test_a_method_sheet_reads_the_same_in_every_encoding(tmp_path: Path, campaign: Campaign, encoding: str, delimiter: str) -> None:
    utf8 = parse_method_sheet(write(tmp_path, sheet_bytes(METHOD_ROWS, "utf-8"), "utf8.csv"), campaign, "self-check")
    other = parse_method_sheet(write(tmp_path, sheet_bytes(METHOD_ROWS, encoding, delimiter)), campaign, "self-check")
    assert other == utf8 == MethodSheet("self-check", {"341502": D(92), "341503": D("85.5"), "341504": D(78)}, {}, 3)


def test_a_bad_row_of_a_utf16_sheet_is_named_by_its_row(tmp_path: Path, campaign: Campaign) -> None:
    rows = [*INSPECTION_ROWS, ["金安区", "1.1.2", "9", "上", "", "", "", ""]]
    error = refused(write(tmp_path, sheet_bytes(rows, "utf-16-le", "\t")), campaign)
    assert [(p.code, p.row, p.column) for p in error.problems] == [("score_range", 5, "score")]


def test_a_file_neither_utf8_nor_gb18030_is_refused_naming_the_encodings_and_the_row(tmp_path: Path, campaign: Campaign) -> None:
    # Western Excel's latin-1: é followed by a comma is no GB18030 character (nor UTF-8)
    text = "county,item,score,comment\n金安区,1.1.1,3,ok\nYe Ji,1.1.2,3,café, déjà vu\n"
    raw = text.replace("金安区", "341502").encode("latin-1")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("gb18030")
    error = refused(write(tmp_path, raw), campaign)
    assert [(p.code, p.row) for p in error.problems] == [("unknown_encoding", 3)]
    assert error.problems[0].params["tried"] == ["UTF-8", "GB18030", "UTF-16"]
    assert "neither UTF-8, GB18030/GBK nor UTF-16" in str(error)
    assert "row 3" in str(error)


def test_a_file_marked_as_utf16_but_broken_is_refused_with_its_row(tmp_path: Path, campaign: Campaign) -> None:
    good = sheet_bytes(INSPECTION_ROWS, "utf-16-le", "\t")
    broken = good + "金安区\t1.1.2\t3".encode("utf-16-le") + b"\x00\xdc"  # a lone low surrogate on row 5
    error = refused(write(tmp_path, broken), campaign)
    assert [(p.code, p.row) for p in error.problems] == [("damaged_text", 5)]
    assert "UTF-16" in str(error)


def test_a_file_marked_as_utf8_is_not_read_as_gbk(tmp_path: Path, campaign: Campaign) -> None:
    # the BOM says UTF-8: GBK bytes after it are damage, not another encoding to try
    raw = codecs.BOM_UTF8 + "county,item,score\n金安区,1.1.1,3\n".encode("gbk")
    error = refused(write(tmp_path, raw), campaign)
    assert [(p.code, p.row) for p in error.problems] == [("damaged_text", 2)]


def test_a_pure_ascii_sheet_is_utf8(tmp_path: Path, campaign: Campaign) -> None:
    sheet = parse_inspection_sheet(write(tmp_path, b"county,item,score\n341502,1.1.1,3\n"), campaign)
    assert [(r.county, r.item, r.score) for r in sheet.rows] == [("341502", "1.1.1", D(3))]


def test_a_header_with_tabs_and_commas_stays_comma_separated(tmp_path: Path, campaign: Campaign) -> None:
    raw = "county,item,score,comment\n金安区,1.1.1,3,a\tb\n".encode("gb18030")
    sheet = parse_inspection_sheet(write(tmp_path, raw), campaign)
    assert sheet.rows[0].comment == "a\tb"


def test_the_caps_hold_in_utf16(tmp_path: Path, campaign: Campaign) -> None:
    rows = [INSPECTION_ROWS[0], ["金安区", "1.1.1", "3", "x\x01y", "", "", "", ""]]
    error = refused(write(tmp_path, sheet_bytes(rows, "utf-16-le", "\t")), campaign)
    assert [(p.code, p.row, p.column) for p in error.problems] == [("control_character", 2, "D")]


# --- result columns ---------------------------------------------------------------------------

RESULT_HEADER = "county,item,score,report,report_result,materials,materials_result,online_result,field_result"


def results_of(row: InspectionRow) -> dict[str, str]:
    return {mode.value: status.value for mode, status in row.results.items()}


def test_result_columns_are_read_into_the_row(tmp_path: Path, campaign: Campaign) -> None:
    text = "\n".join([
        RESULT_HEADER,
        "金安区,1.1.1,3,机制健全,符合,台账齐全,基本符合,不符合,未检查",
        "金安区,1.1.2,2,,,,,,",
        "金安区,1.2.1,,,met,,partly-met,NOT-MET,unchecked",
    ]) + "\n"
    sheet = parse_inspection_sheet(write(tmp_path, text.encode("gb18030")), campaign)
    assert [results_of(r) for r in sheet.rows] == [
        {"report": "met", "materials": "partly-met", "online": "not-met", "field": "unchecked"},
        {},  # empty result cells leave the results as they were
        {"report": "met", "materials": "partly-met", "online": "not-met", "field": "unchecked"},
    ]
    assert sheet.rows[0].results[InspectionMode.REPORT] is FindingStatus.MET


def test_result_columns_take_chinese_headers(tmp_path: Path, campaign: Campaign) -> None:
    text = "县区,指标,得分,听取汇报结果,查看材料结果,网上检查结果,实地核查结果\n金安区,1.1.1,,符合,不符合,基本符合,符合\n"
    sheet = parse_inspection_sheet(write(tmp_path, text.encode("utf-8")), campaign)
    assert results_of(sheet.rows[0]) == {"report": "met", "materials": "not-met", "online": "partly-met", "field": "met"}
    assert sheet.rows[0].score is None  # a row with a result only is not an empty row


def test_an_unknown_result_is_refused_naming_row_and_column(tmp_path: Path, campaign: Campaign) -> None:
    text = f"{RESULT_HEADER}\n金安区,1.1.1,3,,符合,,,,\n金安区,1.1.2,3,,,,合格,,\n金安区,1.2.1,1,,,,,,优\n"
    error = refused(write(tmp_path, text.encode("gbk")), campaign)
    assert [(p.code, p.row, p.column) for p in error.problems] == [
        ("unknown_result", 3, "materials_result"), ("unknown_result", 4, "field_result"),
    ]
    assert "'合格'" in str(error) and "row 3" in str(error)


def test_result_columns_do_not_belong_in_a_method_sheet(tmp_path: Path, campaign: Campaign) -> None:
    path = write(tmp_path, "county,score,report_result\n金安区,90,符合\n".encode())
    with pytest.raises(InputError) as exc:
        parse_method_sheet(path, campaign, "self-check")
    assert [(p.code, p.column) for p in exc.value.problems] == [("wrong_column", "report_result")]
