"""The command line's contract (SPEC §6): formats, exit codes, nothing written on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import rawdb
from commands import ok, run

from desktop.cli import main


def test_indicators_json_has_the_seed_tree(capsys) -> None:
    code, out, _ = run(capsys, "indicators", "--format", "json")
    assert code == 0
    nodes = json.loads(out)
    assert len(nodes) == 56
    assert [n["level"] for n in nodes].count(3) == 34
    assert set(nodes[0]) == {"code", "level", "name", "points"}
    item = next(n for n in nodes if n["code"] == "2.3.2")
    assert item["points"] == "3"
    assert item["name"].startswith("“五公开”纳入公文办理")
    assert next(n for n in nodes if n["code"] == "2")["points"] == "34"


def test_indicator_table_lines_up(capsys) -> None:
    code, out, _ = run(capsys, "indicators")
    assert code == 0
    from desktop.textwidth import width

    lines = [line for line in out.splitlines() if line[:1].isdigit()]
    assert len(lines) == 56
    # the points column ends in the same terminal column on every row
    assert len({width(line) for line in lines}) == 1


def test_init_import_results(tmp_path: Path, capsys) -> None:
    laptop = tmp_path / "f.db"
    assert run(capsys, "init", laptop, "--role", "field", "--inspector", "张三")[0] == 0
    sheet = tmp_path / "s.csv"
    sheet.write_text("\ufeffcounty,score\n金安区,88.5\n", encoding="utf-8")
    code, _, err = run(capsys, "import-sheet", laptop, sheet, "--kind", "third-party")
    assert code == 2 and "only the lead's master writes" in err and "on the master" in err  # the lead's scores
    db = tmp_path / "m.db"
    assert run(capsys, "init", db, "--role", "master")[0] == 0
    assert run(capsys, "import-sheet", db, sheet, "--kind", "third-party")[0] == 0
    code, out, _ = run(capsys, "results", db, "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 7
    first = rows[0]
    assert list(first) == ["county", "self_check", "third_party", "inspection", "adjustment", "total", "rank", "grade", "complete",
                           "provisional", "missing"]
    assert first == {
        "county": "金安区", "self_check": None, "third_party": "88.50", "inspection": None, "adjustment": "0.00",
        "total": "35.40", "rank": 1, "grade": "良好", "complete": False, "provisional": True, "missing": ["self-check", "inspection"],
    }
    # one county graded (n = 1: no 优秀 place, round(0.3) = 0); the six with nothing at all are
    # not started: after it, no rank, no grade
    assert [(r["rank"], r["grade"], r["provisional"]) for r in rows[1:]] == [(None, None, False)] * 6
    code, out, _ = run(capsys, "results", db, "--format", "csv")
    assert out.splitlines()[0] == "county,self_check,third_party,inspection,adjustment,total,rank,grade,complete,provisional,missing"
    assert out.splitlines()[1] == "金安区,,88.50,,0.00,35.40,1,良好,false,true,self-check;inspection"
    assert out.splitlines()[2] == "裕安区,,,,0.00,0.00,,,false,false,self-check;third-party;inspection"


def test_results_csv_holds_no_live_formula(tmp_path: Path, capsys) -> None:
    import csv
    import dataclasses

    from desktop.core.campaign import County
    from desktop.services import settings
    from desktop.services.workspace import open_workspace

    db = tmp_path / "m.db"
    assert run(capsys, "init", db, "--role", "master")[0] == 0
    with open_workspace(db) as master:
        current = settings.current(master)
        named = '=HYPERLINK("http://evil.invalid","点我")'
        settings.save(master, dataclasses.replace(current, counties=(*current.counties, County("341598", named))))
    code, out, _ = run(capsys, "results", db, "--format", "csv")
    assert code == 0
    cells = [cell for row in csv.reader(out.splitlines()) for cell in row]
    assert "'" + named in cells and named not in cells  # the name kept, marked as text for Excel
    assert not [c for c in cells if c.startswith(("=", "+", "@"))]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("county,item,score\n不存在县,1.1.1,1\n", "unknown county"),
        ("county,item,score\n金安区,9.9.9,1\n", "not an item"),
        ("county,item,score\n金安区,1.1.1,4\n", "out of range"),
        ("county,item,score\n金安区,1.1.1,1.2\n", "multiple of 0.5"),
        ("county,item,score\n金安区,1.1.1,abc\n", "not a number"),
        ("county,item,score\n金安区,1.1.1,1\n金安区,1.1.1,2\n", "already on row 2"),
        ("", "empty"),
    ],
)
def test_bad_sheet_exit_2_names_row_and_writes_nothing(tmp_path: Path, capsys, content: str, reason: str) -> None:
    db = tmp_path / "f.db"
    run(capsys, "init", db, "--role", "field", "--inspector", "张三")
    before = db.read_bytes()
    sheet = tmp_path / "bad.csv"
    sheet.write_text(content, encoding="utf-8")
    code, _, err = run(capsys, "import-sheet", db, sheet, "--kind", "inspection")
    assert code == 2
    assert "bad.csv" in err
    assert reason in err
    if content:
        assert "row" in err
    assert db.read_bytes() == before


def test_non_utf8_sheet(tmp_path: Path, capsys) -> None:
    db = tmp_path / "f.db"
    run(capsys, "init", db, "--role", "field", "--inspector", "张三")
    sheet = tmp_path / "latin1.csv"  # neither UTF-8 nor GB18030 (a GBK sheet is read: tests/core/test_sheet_encodings.py)
    sheet.write_bytes("county,score\nCaf\u00e9,80\n".encode("latin-1"))
    code, _, err = run(capsys, "import-sheet", db, sheet, "--kind", "self-check")
    assert code == 2
    assert "UTF-8" in err
    assert "GB18030" in err


def test_not_a_database(tmp_path: Path, capsys) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00" * 4096)
    code, _, err = run(capsys, "results", junk)
    assert code == 2
    assert "junk.db" in err
    assert "Traceback" not in err


def test_init_refuses_an_existing_file_and_a_bad_campaign(tmp_path: Path, capsys) -> None:
    db = tmp_path / "f.db"
    assert run(capsys, "init", db, "--role", "master")[0] == 0
    assert run(capsys, "init", db, "--role", "master")[0] == 2
    bad = tmp_path / "campaigns" / "bad.toml"
    bad.parent.mkdir()
    bad.write_text('id = "x"\nname = "x"\nindicator_set = "luan-2018"\n[grading]\nrule = "proportion"\nexcellent = "0.8"\ngood = "0.5"\n',
                   encoding="utf-8")
    code, _, err = run(capsys, "init", tmp_path / "g.db", "--role", "master", "--campaign", bad)
    assert code == 2
    assert "bad.toml" in err
    assert "grading" in err
    assert not (tmp_path / "g.db").exists()


def test_python_dash_m_desktop_works(tmp_path: Path) -> None:
    import locale
    import os

    # what the child writes in: its console's code page (the suite also runs under cp936)
    encoding = (os.environ.get("PYTHONIOENCODING") or locale.getpreferredencoding(False)).split(":")[0]
    done = subprocess.run([sys.executable, "-m", "desktop", "indicators", "--format", "json"], capture_output=True, text=True,
                          encoding=encoding, check=False)
    assert done.returncode == 0
    assert len(json.loads(done.stdout)) == 56


def test_verify_database_signatures_and_tampering(tmp_path: Path, capsys) -> None:

    db = tmp_path / "f.db"
    run(capsys, "init", db, "--role", "field", "--inspector", "张三")
    sheet = tmp_path / "s.csv"
    sheet.write_text("county,item,score,report\n金安区,1.1.1,2,汇报\n霍山县,1.1.2,3,\n", encoding="utf-8")
    run(capsys, "import-sheet", db, sheet, "--kind", "inspection")
    code, out, _ = run(capsys, "verify", db)
    assert code == 0
    assert "3 versions" in out
    assert "intact" in out
    # someone edits a score in the file with a SQLite tool, bypassing the program
    raw = rawdb.connect(db)
    raw.execute("UPDATE version SET payload = replace(payload, '\"score\":\"3\"', '\"score\":\"2.5\"')")
    raw.commit()
    raw.close()
    code, out, _ = run(capsys, "verify", db)
    assert code == 1
    assert "NOT INTACT" in out
    assert out.count("BAD   version") == 1  # the one edited version (the rows derived from it differ too)
    assert "CURRENT STATE ALTERED" in out


def test_verify_finds_a_trigger_or_view_planted_in_the_database(tmp_path: Path, capsys) -> None:
    """Someone with the file plants a trigger (it would rewrite every score the window saves
    next, each version still signed by its author) or a view: every signature still verifies and
    the current state equals a rebuild, so verify said the file was intact."""
    db = tmp_path / "f.db"
    run(capsys, "init", db, "--role", "field", "--inspector", "张三")
    assert run(capsys, "verify", db)[0] == 0
    raw = rawdb.connect(db)
    raw.execute("CREATE TRIGGER quiet AFTER INSERT ON current_score BEGIN UPDATE current_score SET score = '3' "
                "WHERE record_id = new.record_id; END")
    raw.commit()
    raw.close()
    code, out, _ = run(capsys, "verify", db)
    assert code == 1 and "intact: every signature verifies" in out
    assert "SCHEMA ALTERED" in out and "not ours: trigger quiet" in out
    raw = rawdb.connect(db)
    raw.execute("DROP TRIGGER quiet")
    raw.execute("CREATE VIEW v AS SELECT 1")
    raw.commit()
    raw.close()
    code, out, _ = run(capsys, "verify", db)
    assert code == 1 and "not ours: view v" in out
    raw = rawdb.connect(db)
    raw.execute("DROP VIEW v")
    raw.commit()
    raw.close()
    code, out, _ = run(capsys, "verify", db)
    assert code == 0 and "SCHEMA ALTERED" not in out


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """`yanshou indicators | head`: the reader goes away; no traceback, no error log."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "YANSHOU_DATA_DIR": str(tmp_path / "data")}
    with subprocess.Popen(
        [sys.executable, "-m", "desktop.cli", "indicators", "--format", "json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # before a byte is read
        err = proc.stderr.read().decode()
        assert proc.wait(timeout=60) == 0, err
    assert "Traceback" not in err and "BrokenPipe" not in err and "internal error" not in err
    assert not (tmp_path / "data").exists() or not list((tmp_path / "data").rglob("*.log"))


def test_an_unknown_address_is_refused_and_its_password_never_shown(capsys) -> None:
    with pytest.raises(SystemExit) as exited:  # argparse's refusal of an argument: exit 2
        main(["results", "postgresql+psycopg2://bob:s3cret@db.invalid/master"])
    assert exited.value.code == 2
    out, err = capsys.readouterr()
    assert "s3cret" not in out + err and "postgresql+psycopg2://…" in err


@pytest.mark.parametrize("name", ["张\u200b三", "张三\n李四", "王" * 5000, "\u202e三张", "组长"])  # 组长: the master's own name
def test_an_inspector_name_that_is_no_name_is_refused(tmp_path: Path, capsys, name: str) -> None:
    db = tmp_path / "f.db"
    code, _, err = run(capsys, "init", db, "--role", "field", "--inspector", name)
    assert code == 2 and "name" in err
    assert not db.exists()
    master = tmp_path / "m.db"
    assert run(capsys, "init", master, "--role", "master")[0] == 0
    sheet = tmp_path / "s.csv"
    sheet.write_text("county,item,score\n金安区,1.1.1,2\n", encoding="utf-8")
    code, _, err = run(capsys, "import-sheet", master, sheet, "--kind", "inspection", "--inspector", name)
    assert code == 2 and "name" in err


@pytest.mark.parametrize("code_page", ["cp936", "cp1252"])
def test_a_console_in_another_code_page_gets_what_it_can_show(tmp_path: Path, code_page: str) -> None:
    """`init --inspector 王䶮 | cat` on a Chinese Windows console (cp936 has no 䶮) exited 1
    after the database was made."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONIOENCODING": code_page, "TZ": "Asia/Shanghai"}
    env.pop("PYTHONUTF8", None)
    db = tmp_path / "f.db"
    done = subprocess.run(
        [sys.executable, "-m", "desktop.cli", "init", str(db), "--role", "field", "--inspector", "王䶮"],
        capture_output=True, env=env, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr.decode(code_page, "replace")
    assert db.exists()
    shown = done.stdout.decode(code_page)
    assert "?" in shown  # 䶮 (and, in cp1252, every Chinese character) replaced, the rest as it is
    listed = subprocess.run([sys.executable, "-m", "desktop.cli", "indicators"], capture_output=True, env=env, timeout=120, check=False)
    assert listed.returncode == 0 and listed.stdout


@pytest.mark.parametrize("argv", [[], ["gui"], ["gui", "laptop.db"], ["gui", "U盘/张三-1.yanshou"], ["gui", "postgresql://lead@server/master"]])
def test_the_windows_start_reads_its_arguments_as_the_parser_does(argv: list[str]) -> None:
    # the shortcut's and a double-clicked file's start skip building every command's parser: what
    # they read must be what the parser reads, and anything else goes to the parser
    from desktop.cli import _parser, _window_start

    quick, parsed = _window_start(list(argv)), _parser().parse_args(list(argv))
    assert quick is not None
    assert (quick.command, quick.db) == (parsed.command, getattr(parsed, "db", None))
    assert quick.screenshot is getattr(parsed, "screenshot", None) is None


@pytest.mark.parametrize("argv", [["gui", "--screenshot", "a.png"], ["gui", "a.db", "b.db"], ["init", "a.db"], ["-h"],
                                  ["gui", "mysql://lead@server/master"]])
def test_anything_else_goes_to_the_parser(argv: list[str]) -> None:
    from desktop.cli import _window_start

    assert _window_start(list(argv)) is None


def test_a_window_start_that_ends_early_leaves_garbage_collection_on(tmp_path: Path) -> None:
    # the window's start pauses Python's collections until its first frame; one that never gets
    # there (no such file) must not leave them off for whoever called main (a test, a script)
    import gc

    assert gc.isenabled()
    assert main(["gui", str(tmp_path / "nowhere.db")]) == 2
    assert gc.isenabled()


def test_a_database_cut_short_is_said_damaged_by_every_command_not_an_internal_error(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """A master copied half-way (a stick pulled out): exit 2 and 'damaged', never 'internal error'."""
    master = tmp_path / "master.db"
    ok(capsys, "init", master, "--role", "master")
    whole = master.read_bytes()
    cut = tmp_path / "cut.db"
    cut.write_bytes(whole[: len(whole) // 2])
    for command in ("results", "devices", "spread", "conflicts", "verify"):
        code, out, err = run(capsys, command, cut)
        assert code == 2 and "damaged" in err and "internal error" not in err and "Traceback" not in err, (command, out, err)


@pytest.mark.parametrize("name", ["", "  ", "张\u200b三"])
def test_init_refuses_an_inspector_name_that_is_no_name(tmp_path: Path, capsys, name: str) -> None:
    laptop = tmp_path / "f.db"
    code, _, err = run(capsys, "init", laptop, "--role", "field", "--inspector", name)
    assert code == 2 and "inspector" in err and "not usable" in err
    assert not laptop.exists()
