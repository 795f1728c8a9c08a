"""`yanshou spread` and `yanshou devices` as a lead runs them, on a SQLite and a PostgreSQL
master that merged two laptops' exports made with `init`, `import-sheet` and `export`."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from commands import HEADER, ok, run


@dataclass
class Team:
    master: Path | str
    zhang: Path
    li: Path


@pytest.fixture
def team(tmp_path: Path, master_location: Path | str, capsys: pytest.CaptureFixture[str]) -> Team:
    """张三 exports four times (the third never reaches the master), 李四 once; both scored
    金安区 1.1.1 (3 points) and 1.2.1 (2 points), each one more item alone."""
    sheets = {
        "张三": ["金安区,1.1.1,2,,,,,", "金安区,1.2.1,2,,,,,", "裕安区,2.2.1,4,,,,,"],
        "李四": ["金安区,1.1.1,0.5,,,,,", "金安区,1.2.1,1.5,,,,,", "霍山县,1.1.1,3,,,,,"],
    }
    usb = tmp_path / "usb"
    for who, rows in sheets.items():
        db = tmp_path / f"{who}.db"
        ok(capsys, "init", db, "--role", "field", "--inspector", who)
        sheet = tmp_path / f"{who}.csv"
        sheet.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
        ok(capsys, "import-sheet", db, sheet, "--kind", "inspection")
    for n in (1, 2, 3, 4):
        ok(capsys, "export", tmp_path / "张三.db", usb / f"张三-{n}.db")
    ok(capsys, "export", tmp_path / "李四.db", usb / "李四-1.db")
    ok(capsys, "init", master_location, "--role", "master")
    ok(capsys, "merge", master_location, usb / "张三-1.db", usb / "张三-2.db", usb / "张三-4.db", usb / "李四-1.db", "--enroll")
    return Team(master_location, tmp_path / "张三.db", tmp_path / "李四.db")


def test_spread_json_by_hand(team: Team, capsys: pytest.CaptureFixture[str]) -> None:
    got = json.loads(ok(capsys, "spread", team.master, "--format", "json"))
    assert got == [
        {"county": "金安区", "item": "1.1.1", "points": "3", "scores": {"张三": "2", "李四": "0.5"}, "spread": "1.5", "flagged": True},
        # 0.5 is under a third of 2 points
        {"county": "金安区", "item": "1.2.1", "points": "2", "scores": {"张三": "2", "李四": "1.5"}, "spread": "0.5", "flagged": False},
    ]
    flagged = [r["flagged"] for r in json.loads(ok(capsys, "spread", team.master, "--format", "json", "--min", "0.5"))]
    assert flagged == [True, True]
    flagged = [r["flagged"] for r in json.loads(ok(capsys, "spread", team.master, "--format", "json", "--min", "1.6"))]
    assert flagged == [False, False]


def test_spread_table_with_each_inspectors_distance(team: Team, capsys: pytest.CaptureFixture[str]) -> None:
    out = ok(capsys, "spread", team.master)
    lines = out.splitlines()
    assert "flagged when the spread reaches a third of each item's points" in out
    row = next(line for line in lines if "1.1.1" in line)
    assert row.split() == ["金安区", "1.1.1", "3", "张三", "2,", "李四", "0.5", "1.5", "1.00", "FLAGGED", "-"]
    row = next(line for line in lines if "1.2.1" in line)
    assert row.split() == ["金安区", "1.2.1", "2", "张三", "2,", "李四", "1.5", "0.5", "0.67", "-"]
    assert "2 county items scored by two or more inspectors, 1 flagged" in out
    # 张三: +1.5 and +0.5 from the other's score; 李四 the opposite
    assert next(line for line in lines if line.startswith("张三 ")).split() == ["张三", "2", "1.00", "+1.00", "1"]
    assert next(line for line in lines if line.startswith("李四 ")).split() == ["李四", "2", "1.00", "-1.00", "1"]
    assert "flagged when the spread reaches 1.5 points" in ok(capsys, "spread", team.master, "--min", "1.5")


@pytest.mark.usefixtures("shanghai")
def test_devices_json_by_hand(team: Team, capsys: pytest.CaptureFixture[str]) -> None:
    got = json.loads(ok(capsys, "devices", team.master, "--format", "json"))
    assert [d["inspector"] for d in got] == [None, "张三", "李四"]
    lead, zhang, li = got
    assert set(lead) == {
        "device", "inspector", "role", "fingerprint", "exports", "last_export", "last_merged_at", "counties", "gaps",
        "revoked", "revoked_at",
    }
    assert all((d["revoked"], d["revoked_at"]) == (False, None) for d in got)  # none revoked (tests/sync/test_sealed.py revokes)
    assert (lead["role"], lead["exports"], lead["last_export"], lead["last_merged_at"], lead["counties"], lead["gaps"]) == (
        "master", 0, None, None, [], []
    )
    assert (zhang["role"], zhang["exports"], zhang["last_export"], zhang["gaps"], zhang["counties"]) == (
        "field", 3, 4, [3], ["金安区", "裕安区"]
    )
    assert (li["exports"], li["last_export"], li["gaps"], li["counties"]) == (1, 1, [], ["金安区", "霍山县"])
    merged = dt.datetime.fromisoformat(zhang["last_merged_at"])
    assert zhang["last_merged_at"].endswith("+08:00")
    assert abs(dt.datetime.now(dt.UTC) - merged) < dt.timedelta(minutes=10)
    assert all(len(d["fingerprint"]) == 64 and len(d["device"]) == 36 for d in got)


def test_devices_table_flags_the_gap_and_says_how_long_ago(team: Team, capsys: pytest.CaptureFixture[str]) -> None:
    out = ok(capsys, "devices", team.master)
    lines = out.splitlines()
    zhang = next(line for line in lines if " 张三 " in line)
    assert "GAP: #3" in zhang and " #4 " in zhang and "just now" in zhang
    li = next(line for line in lines if " 李四 " in line)
    assert "GAP" not in li and " #1 " in li
    lead = next(line for line in lines if "(this)" in line)
    assert " master " in lead and "never" in lead
    assert "3 enrolled devices; 1 with exports never merged" in out


def test_a_database_merged_as_a_file_has_no_export_number(tmp_path: Path, team: Team, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "王五.db"
    ok(capsys, "init", db, "--role", "field", "--inspector", "王五")
    sheet = tmp_path / "w.csv"
    sheet.write_text(f"{HEADER}\n金安区,1.1.1,3,,,,,\n", encoding="utf-8")
    ok(capsys, "import-sheet", db, sheet, "--kind", "inspection")
    ok(capsys, "merge", team.master, db, "--enroll")
    wang = next(d for d in json.loads(ok(capsys, "devices", team.master, "--format", "json")) if d["inspector"] == "王五")
    assert (wang["exports"], wang["last_export"], wang["gaps"], wang["counties"]) == (0, None, [], ["金安区"])
    assert wang["last_merged_at"] is not None
    assert "0 + 1 as file" in next(line for line in ok(capsys, "devices", team.master).splitlines() if " 王五 " in line)
    spread = json.loads(ok(capsys, "spread", team.master, "--format", "json"))[0]
    assert spread["scores"] == {"张三": "2", "李四": "0.5", "王五": "3"} and spread["spread"] == "2.5"


@pytest.mark.parametrize("value", ["abc", "1/3", "1e1", "-1", "-0.5", "NaN", ""])
def test_a_bad_threshold_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str) -> None:
    master = tmp_path / "m.db"
    ok(capsys, "init", master, "--role", "master")
    code, out, err = run(capsys, "spread", master, "--min", value)
    assert code == 2 and not out
    assert err.startswith("error: ") and ("is not a number of points" in err or "from 0 up" in err), err
    # said before the database is looked at
    assert run(capsys, "spread", tmp_path / "none.db", "--min", value)[2] == err


def test_a_master_where_no_two_inspectors_met(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    master = tmp_path / "m.db"
    ok(capsys, "init", master, "--role", "master")
    assert json.loads(ok(capsys, "spread", master, "--format", "json")) == []
    assert "no item of any county is scored by two or more inspectors" in ok(capsys, "spread", master)
    (lead,) = json.loads(ok(capsys, "devices", master, "--format", "json"))
    assert (lead["role"], lead["exports"], lead["last_export"], lead["last_merged_at"]) == ("master", 0, None, None)


@pytest.mark.parametrize("command", ["spread", "devices"])
def test_an_unknown_database_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str) -> None:
    code, out, err = run(capsys, command, tmp_path / "none.db")
    assert code == 2 and not out
    assert "no such database file" in err
    assert not (tmp_path / "none.db").exists()
