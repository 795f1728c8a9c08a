"""`yanshou recovery-code` (the lead) and `yanshou recover` (the laptop), T2-8: a laptop whose
protected store lost its key opens its files again with the code the lead read from its
recovery file; what will not do ends with exit status 2, the reason, and nothing changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from commands import ok, run
from protected_store import FileStore

from db import vault
from desktop import paths


def on(monkeypatch: pytest.MonkeyPatch, root: Path, computer: str) -> None:
    monkeypatch.setenv("YANSHOU_CONFIG_DIR", str(root / computer / "config"))
    vault.forget()


def lose_the_stores_item() -> None:
    made = vault.protection(paths.keys_dir())
    assert made is not None
    FileStore().delete_password(vault.SERVICE, f"files {made.id}")
    vault.forget()


def test_the_lead_reads_a_code_that_opens_the_laptops_files_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    usb = tmp_path / "usb"
    on(monkeypatch, tmp_path, "lead")
    ok(capsys, "init", tmp_path / "master.db", "--role", "master")
    ok(capsys, "export", tmp_path / "master.db", usb / "master-1.yanshou")
    on(monkeypatch, tmp_path, "laptop")
    ok(capsys, "init", tmp_path / "张三.db", "--role", "field", "--inspector", "张三")
    ok(capsys, "merge", tmp_path / "张三.db", usb / "master-1.yanshou", "--enroll-lead")
    [held] = paths.keys_dir().glob("recovery-*.bin")
    handed = usb / held.name
    handed.write_bytes(held.read_bytes())
    lose_the_stores_item()
    code, _out, err = run(capsys, "results", tmp_path / "张三.db")
    assert code == 2 and "no longer in the system's protected store" in err

    on(monkeypatch, tmp_path, "lead")
    out = ok(capsys, "recovery-code", tmp_path / "master.db", handed)
    assert "opens that laptop's encrypted Yanshou files" in out
    assert "WARNING: this master has merged nothing from that laptop" in out  # (it never merged the laptop's export)
    [recovery_code] = [line.strip() for line in out.splitlines() if line.startswith("  ")]
    code, _out, err = run(capsys, "recovery-code", tmp_path / "master.db", usb / "master-1.yanshou")
    assert code == 2 and "not a Yanshou recovery file" in err

    on(monkeypatch, tmp_path, "laptop")
    wrong = recovery_code[:-1] + ("A" if recovery_code[-1] != "A" else "B")
    code, _out, err = run(capsys, "recover", "--code", wrong)
    assert code == 2 and "mistyped" in err and "Traceback" not in err
    code, _out, _err = run(capsys, "results", tmp_path / "张三.db")
    assert code == 2  # still lost
    assert "back in the system's protected store" in ok(capsys, "recover", "--code", recovery_code)
    vault.forget()
    ok(capsys, "results", tmp_path / "张三.db")
    ok(capsys, "export", tmp_path / "张三.db", usb / "张三-1.yanshou")
