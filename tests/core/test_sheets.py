"""Score sheets (SPEC §6): good ones parse, every bad one names its row and column."""

from __future__ import annotations

import functools
import os
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.core.campaign import Campaign, load_campaign
from desktop.core.errors import InputError
from desktop.core.inspection import InspectionMode
from desktop.core.sheets import InspectionSheet, MethodSheet, parse_inspection_sheet, parse_method_sheet

ROOT = Path(__file__).parents[2]
CAMPAIGN_FILE = ROOT / "resources" / "campaigns" / "luan-2018.toml"
HEADER = "county,item,score,report,materials,online,field,comment"
D = Decimal


@pytest.fixture(scope="module")
def campaign() -> Campaign:
    return load_campaign(CAMPAIGN_FILE)


def write(tmp_path: Path, text: str, name: str = "sheet.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def inspection(tmp_path: Path, campaign: Campaign, text: str) -> InspectionSheet:
    return parse_inspection_sheet(write(tmp_path, text), campaign)


def method(tmp_path: Path, campaign: Campaign, text: str) -> MethodSheet:
    return parse_method_sheet(write(tmp_path, text), campaign, "self-check")


def problems(exc: pytest.ExceptionInfo[InputError]) -> list[tuple[str, int | None, str | None]]:
    return [(p.code, p.row, p.column) for p in exc.value.problems]


def refused_inspection(tmp_path: Path, campaign: Campaign, text: str) -> list[tuple[str, int | None, str | None]]:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as exc:
        parse_inspection_sheet(path, campaign)
    assert exc.value.source == str(path)
    assert str(path) in str(exc.value)
    return problems(exc)


def refused_method(tmp_path: Path, campaign: Campaign, text: str) -> list[tuple[str, int | None, str | None]]:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as exc:
        parse_method_sheet(path, campaign, "self-check")
    return problems(exc)


# --- good inspection sheets ------------------------------------------------------------------


def test_good_inspection_sheet(tmp_path: Path, campaign: Campaign) -> None:
    sheet = inspection(tmp_path, campaign, "\n".join([
        HEADER,
        "金安区,1.1.1,3,会议纪要齐全,,,,",
        "金安区,2.3.2,2.5,,缺少公开属性说明,网站已公开,现场核实,扣0.5分",
        "341503,1.2.1,0,,,,,",
    ]) + "\n")
    assert [(r.row, r.county, r.item, r.score) for r in sheet.rows] == [
        (2, "341502", "1.1.1", D(3)),
        (3, "341502", "2.3.2", D("2.5")),
        (4, "341503", "1.2.1", D(0)),
    ]
    second = sheet.rows[1]
    assert second.findings == {
        InspectionMode.REPORT: "",
        InspectionMode.MATERIALS: "缺少公开属性说明",
        InspectionMode.ONLINE: "网站已公开",
        InspectionMode.FIELD: "现场核实",
    }
    assert second.comment == "扣0.5分"


def test_minimal_columns(tmp_path: Path, campaign: Campaign) -> None:
    sheet = inspection(tmp_path, campaign, "county,item,score\n霍山县,5.3.1,1\n")
    row = sheet.rows[0]
    assert (row.row, row.county, row.item, row.score) == (2, "341525", "5.3.1", D(1))
    assert row.findings == {}
    assert row.comment is None


def test_bom_allowed(tmp_path: Path, campaign: Campaign) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + f"{HEADER}\n金安区,1.1.1,2.5,,,,,\n".encode())
    sheet = parse_inspection_sheet(path, campaign)
    assert sheet.rows[0].score == D("2.5")


def test_chinese_header_aliases(tmp_path: Path, campaign: Campaign) -> None:
    header = "县区,指标编号,得分,听取汇报,查看材料,网上检查,实地核查,备注"
    sheet = inspection(tmp_path, campaign, f"{header}\n叶集区,1.1.2,1.5,汇报,材料,网上,实地,说明\n")
    row = sheet.rows[0]
    assert (row.county, row.item, row.score) == ("341504", "1.1.2", D("1.5"))
    assert row.findings[InspectionMode.FIELD] == "实地"
    assert row.comment == "说明"


def test_empty_score_keeps_none(tmp_path: Path, campaign: Campaign) -> None:
    sheet = inspection(tmp_path, campaign, f"{HEADER}\n金安区,1.1.1,,材料已报送,,,,\n")
    assert sheet.rows[0].score is None
    assert sheet.rows[0].findings[InspectionMode.REPORT] == "材料已报送"


def test_blank_lines_skipped_row_numbers_kept(tmp_path: Path, campaign: Campaign) -> None:
    sheet = inspection(tmp_path, campaign, "county,item,score\n\n金安区,1.1.1,3\n,,\n金安区,1.1.2,3\n")
    assert [r.row for r in sheet.rows] == [3, 5]


def test_blank_lines_do_not_shift_error_row(tmp_path: Path, campaign: Campaign) -> None:
    assert refused_inspection(tmp_path, campaign, "county,item,score\n\n金安区,1.1.1,3\n\n金安区,1.1.2,9\n") == [
        ("score_range", 5, "score"),
    ]


def test_xlsx_sheet(tmp_path: Path, campaign: Campaign) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.append(["县区", "指标", "得分", "备注"])
    ws.append(["金安区", "1.1.1", 2.5, "ok"])
    ws.append(["裕安区", "2.3.2", 3, None])
    ws.append([341504, "1.1.2", 3.0, None])
    path = tmp_path / "sheet.xlsx"
    workbook.save(path)
    sheet = parse_inspection_sheet(path, campaign)
    assert [(r.row, r.county, r.item, r.score, r.comment) for r in sheet.rows] == [
        (2, "341502", "1.1.1", D("2.5"), "ok"),
        (3, "341503", "2.3.2", D(3), ""),
        (4, "341504", "1.1.2", D(3), ""),
    ]


def test_xlsx_bad_cell_names_row(tmp_path: Path, campaign: Campaign) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.append(["county", "item", "score"])
    ws.append(["金安区", "1.1.1", 1.3])
    path = tmp_path / "sheet.xlsx"
    workbook.save(path)
    with pytest.raises(InputError) as exc:
        parse_inspection_sheet(path, campaign)
    assert problems(exc) == [("score_grid", 2, "score")]


def test_a_workbook_is_read_on_the_sheet_it_was_saved_on(tmp_path: Path, campaign: Campaign) -> None:
    """A workbook of two sheets saved on the second (专业机构测评 beside 自查自评): the sheet the
    lead sees when opening it is the one read, not the first."""
    import openpyxl

    workbook = openpyxl.Workbook()
    first = workbook.active
    first.title = "自查自评"
    first.append(["县区", "得分"])
    first.append(["金安区", 10])
    second = workbook.create_sheet("专业机构测评")
    second.append(["县区", "得分"])
    second.append(["金安区", 89.7])
    workbook.active = 1
    path = tmp_path / "two.xlsx"
    workbook.save(path)
    assert parse_method_sheet(path, campaign, "third-party").totals == {"341502": D("89.7")}


def test_what_a_sheet_hides_is_refused_not_imported_unseen(tmp_path: Path, campaign: Campaign) -> None:
    """A row hidden or filtered out in Excel, a hidden column: what the lead checked on screen is
    not all that would be imported (the rows were taken as if shown). Hidden but empty: no matter."""
    import openpyxl

    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.append(["county", "item", "score", "comment"])
    ws.append(["金安区", "1.1.1", 2, None])
    ws.append(["裕安区", "1.1.1", 3, None])
    ws.append(["霍邱县", "1.1.1", 1, "备注在隐藏列"])
    ws.row_dimensions[3].hidden = True
    ws.row_dimensions[9].hidden = True  # (empty)
    ws.column_dimensions["D"].hidden = True
    ws.column_dimensions["F"].hidden = True  # (empty)
    path = tmp_path / "hidden.xlsx"
    workbook.save(path)
    with pytest.raises(InputError) as exc:
        parse_inspection_sheet(path, campaign)
    assert problems(exc) == [("hidden_row", 3, None), ("hidden_column", None, "D")]
    ws.row_dimensions[3].hidden = False
    ws.column_dimensions["D"].hidden = False
    workbook.save(path)
    assert [r.county for r in parse_inspection_sheet(path, campaign).rows] == ["341502", "341503", "341522"]


def test_a_formula_no_program_computed_is_refused_not_read_as_empty(tmp_path: Path, campaign: Campaign) -> None:
    """A workbook written by a script holds its formulas without their values: the score cell read
    as empty, and the row imported with no score. Saved by Excel or WPS, the value is there."""
    import zipfile

    import openpyxl

    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.append(["county", "item", "score"])
    ws.append(["金安区", "1.1.1", "=1+1"])
    path = tmp_path / "formula.xlsx"
    workbook.save(path)
    with pytest.raises(InputError) as exc:
        parse_inspection_sheet(path, campaign)
    assert problems(exc) == [("formula_uncomputed", 2, "C")]
    computed = tmp_path / "computed.xlsx"  # the same file as a program that calculates saves it: the value cached
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(computed, "w") as dst:
        for entry in src.infolist():
            data = src.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                assert data.count(b"<f>1+1</f><v></v>") == 1
                data = data.replace(b"<f>1+1</f><v></v>", b"<f>1+1</f><v>2</v>")
            dst.writestr(entry, data)
    assert [(r.county, r.score) for r in parse_inspection_sheet(computed, campaign).rows] == [("341502", D(2))]


@pytest.mark.parametrize(("text", "column"), [("county,score\n金安区,86,9\n", "C"), ("county,item,score,\n金安区,1.1.1,2,5\n", "D")])
def test_a_value_under_no_column_is_refused_not_dropped(tmp_path: Path, campaign: Campaign, text: str, column: str) -> None:
    """86,9 (a decimal comma) was taken as 86, the 9 dropped without a word; a cell past the
    header, or under a blank header cell, is refused with its row and column."""
    parse = functools.partial(parse_method_sheet, method="third-party") if column == "C" else parse_inspection_sheet
    path = write(tmp_path, text)
    with pytest.raises(InputError) as exc:
        parse(path, campaign)
    assert [(p.code, p.row, p.column) for p in exc.value.problems] == [("cell_without_column", 2, column)]
    assert "86.9" in str(exc.value)


# --- bad inspection sheets -------------------------------------------------------------------


def test_unknown_county(tmp_path: Path, campaign: Campaign) -> None:
    assert refused_inspection(tmp_path, campaign, f"{HEADER}\n金安区,1.1.1,3,,,,,\n六安市,1.1.1,3,,,,,\n") == [
        ("unknown_county", 3, "county"),
    ]


def test_empty_county(tmp_path: Path, campaign: Campaign) -> None:
    assert refused_inspection(tmp_path, campaign, "county,item,score\n,1.1.1,3\n") == [("unknown_county", 2, "county")]


def test_unknown_item(tmp_path: Path, campaign: Campaign) -> None:
    assert refused_inspection(tmp_path, campaign, f"{HEADER}\n金安区,9.9.9,3,,,,,\n") == [("unknown_item", 2, "item")]


@pytest.mark.parametrize("code", ["2.3", "2"])
def test_non_item_code_refused(tmp_path: Path, campaign: Campaign, code: str) -> None:
    path = write(tmp_path, f"county,item,score\n金安区,{code},3\n")
    with pytest.raises(InputError) as exc:
        parse_inspection_sheet(path, campaign)
    assert problems(exc) == [("unknown_item", 2, "item")]
    assert "level 3" in str(exc.value)


def test_score_above_points(tmp_path: Path, campaign: Campaign) -> None:
    # 2.3.2 is worth 3
    assert refused_inspection(tmp_path, campaign, "county,item,score\n金安区,2.3.2,3\n金安区,1.2.1,2.5\n") == [
        ("score_range", 3, "score"),
    ]


def test_negative_score(tmp_path: Path, campaign: Campaign) -> None:
    assert refused_inspection(tmp_path, campaign, "county,item,score\n金安区,2.3.2,-0.5\n") == [("score_range", 2, "score")]


@pytest.mark.parametrize("text", ["1.3", "0.25", "2.75"])
def test_off_half_grid(tmp_path: Path, campaign: Campaign, text: str) -> None:
    assert refused_inspection(tmp_path, campaign, f"county,item,score\n金安区,2.3.2,{text}\n") == [("score_grid", 2, "score")]


@pytest.mark.parametrize("text", ["abc", "1e1", "NaN", "inf", "1,5", "2 5", "0x1"])
def test_not_a_number(tmp_path: Path, campaign: Campaign, text: str) -> None:
    assert refused_inspection(tmp_path, campaign, f'county,item,score\n金安区,2.3.2,"{text}"\n') == [
        ("not_a_number", 2, "score"),
    ]


def test_every_bad_row_reported(tmp_path: Path, campaign: Campaign) -> None:
    text = "county,item,score\n金安区,1.1.1,3\n无名县,1.1.1,3\n金安区,7.1.1,3\n金安区,1.1.2,abc\n金安区,1.2.1,1.3\n"
    assert refused_inspection(tmp_path, campaign, text) == [
        ("unknown_county", 3, "county"),
        ("unknown_item", 4, "item"),
        ("not_a_number", 5, "score"),
        ("score_grid", 6, "score"),
    ]


def test_non_utf8(tmp_path: Path, campaign: Campaign) -> None:
    # neither UTF-8 nor GB18030 (a GBK sheet is read: tests/core/test_sheet_encodings.py)
    path = write(tmp_path, "county,item,score\nCaf\u00e9,1.1.1,3\n", encoding="latin-1")
    with pytest.raises(InputError) as exc:
        parse_inspection_sheet(path, campaign)
    assert problems(exc) == [("unknown_encoding", 2, None)]
    assert "UTF-8" in str(exc.value)


def test_empty_file(tmp_path: Path, campaign: Campaign) -> None:
    for text in ("", "  \n\n"):
        path = write(tmp_path, text)
        with pytest.raises(InputError) as exc:
            parse_inspection_sheet(path, campaign)
        assert [p.code for p in exc.value.problems] == ["empty"]


def test_only_empty_cells(tmp_path: Path, campaign: Campaign) -> None:
    path = write(tmp_path, ",,\n,,\n")
    with pytest.raises(InputError) as exc:
        parse_inspection_sheet(path, campaign)
    assert [p.code for p in exc.value.problems] == ["empty"]


def test_header_only_refused(tmp_path: Path, campaign: Campaign) -> None:
    path = write(tmp_path, f"{HEADER}\n")
    with pytest.raises(InputError):
        parse_inspection_sheet(path, campaign)


def test_duplicate_row(tmp_path: Path, campaign: Campaign) -> None:
    # the same county and item, once by name and once by code
    path = write(tmp_path, "county,item,score\n金安区,1.1.1,3\n金安区,1.1.2,3\n341502,1.1.1,2\n")
    with pytest.raises(InputError) as exc:
        parse_inspection_sheet(path, campaign)
    assert problems(exc) == [("duplicate_row", 4, None)]
    assert "row 2" in exc.value.problems[0].message


def test_unknown_column(tmp_path: Path, campaign: Campaign) -> None:
    path = write(tmp_path, "county,item,score,points\n金安区,1.1.1,3,3\n")
    with pytest.raises(InputError) as exc:
        parse_inspection_sheet(path, campaign)
    assert [(p.code, p.row) for p in exc.value.problems] == [("unknown_column", 1)]
    assert "'points'" in str(exc.value)


def test_duplicate_column(tmp_path: Path, campaign: Campaign) -> None:
    path = write(tmp_path, "county,item,score,得分\n金安区,1.1.1,3,3\n")
    with pytest.raises(InputError) as exc:
        parse_inspection_sheet(path, campaign)
    assert [(p.code, p.row) for p in exc.value.problems] == [("duplicate_column", 1)]


def test_missing_score_column(tmp_path: Path, campaign: Campaign) -> None:
    path = write(tmp_path, "county,item,report\n金安区,1.1.1,ok\n")
    with pytest.raises(InputError) as exc:
        parse_inspection_sheet(path, campaign)
    assert [(p.code, p.row) for p in exc.value.problems] == [("missing_column", 1)]
    assert "score" in str(exc.value)


def test_row_with_nothing_to_set(tmp_path: Path, campaign: Campaign) -> None:
    assert refused_inspection(tmp_path, campaign, f"{HEADER}\n金安区,1.1.1,,,,,,\n") == [("empty_row", 2, "score")]


def test_malformed_csv(tmp_path: Path, campaign: Campaign) -> None:
    path = write(tmp_path, 'county,item,score\n金安区,1.1.1,"3\n')
    with pytest.raises(InputError) as exc:
        parse_inspection_sheet(path, campaign)
    assert [p.code for p in exc.value.problems] == ["bad_csv"]


def test_corrupt_xlsx(tmp_path: Path, campaign: Campaign) -> None:
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(os.urandom(2048))
    with pytest.raises(InputError) as exc:
        parse_inspection_sheet(path, campaign)
    assert [p.code for p in exc.value.problems] == ["bad_xlsx"]


def test_truncated_xlsx(tmp_path: Path, campaign: Campaign) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["county", "item", "score"])
    good = tmp_path / "good.xlsx"
    workbook.save(good)
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(good.read_bytes()[:300])
    with pytest.raises(InputError) as exc:
        parse_inspection_sheet(path, campaign)
    assert [p.code for p in exc.value.problems] == ["bad_xlsx"]


def test_missing_file(tmp_path: Path, campaign: Campaign) -> None:
    with pytest.raises(InputError) as exc:
        parse_inspection_sheet(tmp_path / "nope.csv", campaign)
    assert [p.code for p in exc.value.problems] == ["not_found"]


# --- method sheets ---------------------------------------------------------------------------


def test_method_totals(tmp_path: Path, campaign: Campaign) -> None:
    sheet = method(tmp_path, campaign, "county,score\n金安区,70.5\n裕安区,100\n叶集区,0\n霍邱县,88.25\n")
    assert sheet.method == "self-check"
    assert sheet.totals == {"341502": D("70.5"), "341503": D(100), "341504": D(0), "341522": D("88.25")}
    assert sheet.items == {}
    assert sheet.rows == 4


def test_method_totals_chinese_header(tmp_path: Path, campaign: Campaign) -> None:
    sheet = method(tmp_path, campaign, "单位,分数\n金寨县,91\n")
    assert sheet.totals == {"341524": D(91)}


@pytest.mark.parametrize(
    ("text", "code"),
    [("100.5", "score_range"), ("-1", "score_range"), ("70.555", "score_places"), ("七十", "not_a_number")],
)
def test_method_total_refused(tmp_path: Path, campaign: Campaign, text: str, code: str) -> None:
    assert refused_method(tmp_path, campaign, f"county,score\n金安区,70\n裕安区,{text}\n") == [(code, 3, "score")]


def test_method_missing_score(tmp_path: Path, campaign: Campaign) -> None:
    assert refused_method(tmp_path, campaign, "county,score\n金安区,\n") == [("missing_score", 2, "score")]


def test_method_duplicate_county(tmp_path: Path, campaign: Campaign) -> None:
    assert refused_method(tmp_path, campaign, "county,score\n金安区,70\n金安区,80\n") == [("duplicate_row", 3, None)]


def test_method_unknown_county(tmp_path: Path, campaign: Campaign) -> None:
    assert refused_method(tmp_path, campaign, "county,score\n金安县,70\n") == [("unknown_county", 2, "county")]


def test_method_per_item(tmp_path: Path, campaign: Campaign) -> None:
    sheet = method(tmp_path, campaign, "county,item,score\n金安区,1.1.1,2.75\n金安区,2.3.2,3\n裕安区,1.1.1,0\n")
    assert sheet.totals == {}
    assert sheet.items == {"341502": {"1.1.1": D("2.75"), "2.3.2": D(3)}, "341503": {"1.1.1": D(0)}}


def test_method_per_item_over_points(tmp_path: Path, campaign: Campaign) -> None:
    assert refused_method(tmp_path, campaign, "county,item,score\n金安区,1.1.1,3\n金安区,2.3.2,3.5\n") == [
        ("score_range", 3, "score"),
    ]


def test_method_per_item_unknown_item(tmp_path: Path, campaign: Campaign) -> None:
    assert refused_method(tmp_path, campaign, "county,item,score\n金安区,1.1,3\n") == [("unknown_item", 2, "item")]


def test_method_sheet_wrong_column(tmp_path: Path, campaign: Campaign) -> None:
    path = write(tmp_path, "county,score,report\n金安区,70,ok\n")
    with pytest.raises(InputError) as exc:
        parse_method_sheet(path, campaign, "self-check")
    assert problems(exc) == [("wrong_column", 1, "report")]


def test_method_sheet_missing_score_column(tmp_path: Path, campaign: Campaign) -> None:
    path = write(tmp_path, "county,item\n金安区,1.1.1\n")
    with pytest.raises(InputError) as exc:
        parse_method_sheet(path, campaign, "self-check")
    assert [(p.code, p.row) for p in exc.value.problems] == [("missing_column", 1)]


def test_xlsx_rows_counted_from_sheet_top(tmp_path: Path, campaign: Campaign) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws["A3"], ws["B3"], ws["C3"] = "county", "item", "score"
    ws["A4"], ws["B4"], ws["C4"] = "金安区", "1.1.1", 9
    path = tmp_path / "sheet.xlsx"
    workbook.save(path)
    with pytest.raises(InputError) as exc:
        parse_inspection_sheet(path, campaign)
    assert problems(exc) == [("score_range", 4, "score")]


def test_cells_with_a_nul_or_control_character_are_refused_naming_row_and_column(tmp_path: Path) -> None:
    from desktop.core import sheets

    path = tmp_path / "s.csv"
    path.write_text("county,item,score,report\n金安区,1.1.1,2,看到\x00了\n金安区,1.1.2,1,响铃\x07\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        sheets.read_rows(path)
    found = [(p.code, p.row, p.column) for p in caught.value.problems]
    assert found == [("control_character", 2, "D"), ("control_character", 3, "D")]


def test_a_cell_past_the_admission_checks_bound_is_refused(tmp_path: Path) -> None:
    from db import admission
    from desktop.core import sheets

    assert sheets.MAX_CELL == admission.MAX_TEXT  # the sheet refuses what the database would
    path = tmp_path / "s.csv"
    path.write_text("county,item,score,report\n金安区,1.1.1,2," + "字" * (sheets.MAX_CELL + 1) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        sheets.read_rows(path)
    assert [(p.code, p.row, p.column) for p in caught.value.problems] == [("text_too_long", 2, "D")]


def test_a_workbook_that_unpacks_too_large_is_refused_before_parsing(tmp_path: Path) -> None:
    import zipfile

    from desktop.core import sheets

    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (sheets.MAX_XLSX_UNPACKED + 1))
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(InputError) as caught:
        sheets.read_rows(path)
    assert caught.value.problems[0].code == "too_large"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX: a named pipe (Windows has none in the file system)")
def test_a_pipe_or_a_device_is_refused_at_once(tmp_path: Path) -> None:
    from desktop.core import sheets

    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    link = tmp_path / "zero.csv"
    link.symlink_to("/dev/zero")
    for path in (fifo, link):
        with pytest.raises(InputError) as caught:
            sheets.read_rows(path)
        assert caught.value.problems[0].code == "not_a_file"
