"""`yanshou scorecard` as a lead runs it, on a SQLite and a PostgreSQL master that merged two
laptops' exports made with `init`, `import-sheet` and `export`: the page says what `results`
says, `--sign` makes a PDF `yanshou verify` accepts, and a wrong county or database exits 2
with nothing written."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from commands import HEADER, ok, run

from desktop.cli import main

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) is not installed")

@pytest.fixture
def master(tmp_path: Path, master_location: Path | str, capsys: pytest.CaptureFixture[str]) -> Path | str:
    """张三 and 李四 scored 金安区's 1.1.1 (3 points) at 2 and 0.5 — flagged — and 1.2.1 (2
    points) at 2 and 1.5; the lead imported its self-check score (90) and no third-party one."""
    sheets = {"张三": ["金安区,1.1.1,2,,,,,", "金安区,1.2.1,2,,,,,"], "李四": ["金安区,1.1.1,0.5,,,,,", "金安区,1.2.1,1.5,,,,,"]}
    usb = []
    for who, rows in sheets.items():
        db = tmp_path / f"{who}.db"
        ok(capsys, "init", db, "--role", "field", "--inspector", who)
        sheet = tmp_path / f"{who}.csv"
        sheet.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
        ok(capsys, "import-sheet", db, sheet, "--kind", "inspection")
        usb.append(tmp_path / "usb" / f"{who}-1.db")
        ok(capsys, "export", db, usb[-1])
    ok(capsys, "init", master_location, "--role", "master")
    ok(capsys, "merge", master_location, *usb, "--enroll")
    selfcheck = tmp_path / "self.csv"
    selfcheck.write_text("county,score\n金安区,90\n", encoding="utf-8")
    ok(capsys, "import-sheet", master_location, selfcheck, "--kind", "self-check")
    return master_location


def test_a_signed_scorecard_says_what_results_says(master: Path | str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    result = next(r for r in json.loads(ok(capsys, "results", master, "--format", "json")) if r["county"] == "金安区")
    # by hand: 0.1 × 90 + 0.5 × ((2 + 0.5)/2 + (2 + 1.5)/2) = 10.5, the only county started; no third-party score yet
    assert (result["total"], result["rank"], result["provisional"]) == ("10.50", 1, True)
    out = tmp_path / "成绩单.pdf"
    said = ok(capsys, "scorecard", master, "--county", "金安区", "--out", out, "--sign")
    assert re.search(r"wrote .*: 1 pages, signed; record CJ-341502, data SHA-256 [0-9a-f]{64}", said), said
    lines = [line.split() for line in subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True,
    ).stdout.splitlines()]
    assert ["10.50", "第1名", result["grade"], "缺：专业机构测评、32", "项未评分"] in lines
    assert any("暂定" in words and "共" in words for words in lines)  # under the grade
    assert ["90.00", "缺", "3.00", "—", "10.50"] in lines
    flagged = next(words for words in lines if words[:1] == ["1.1.1"])
    assert flagged[-6:] == ["张三", "2、李四", "0.5", "1.5", "1.00", "未裁定"], flagged
    assert not any(words[:1] == ["1.2.1"] for words in lines)  # 0.5 apart, under a third of 2 points
    code, checked, _ = run(capsys, "verify", out, "--db", master)
    assert code == 0 and "intact:   yes" in checked and "enrolled device" in checked, checked


def test_a_wrong_county_or_database_exits_2(master: Path | str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "x.pdf"
    code, _, err = run(capsys, "scorecard", master, "--county", "金安", "--out", out)
    assert code == 2 and "'金安'" in err and "金安区" in err
    code, _, err = run(capsys, "scorecard", tmp_path / "没有.db", "--county", "金安区", "--out", out)
    assert code == 2 and "没有.db" in err and "Traceback" not in err
    with pytest.raises(SystemExit) as usage:  # argparse's own exit, before anything is opened
        main(["scorecard", str(master), "--out", str(out)])
    assert usage.value.code == 2 and "--county" in capsys.readouterr().err
    assert not out.exists() and not list(tmp_path.glob("*.partial"))
