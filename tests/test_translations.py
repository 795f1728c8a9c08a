"""The Chinese translation is complete: every string the GUI shows has a translation."""

from __future__ import annotations

import shutil
import subprocess
import sysconfig
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TS = ROOT / "resources" / "translations" / "yanshou_zh_CN.ts"


def _messages(path: Path) -> dict[tuple[str, str], ET.Element]:
    tree = ET.parse(path)
    out = {}
    for context in tree.getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            out[(name, message.findtext("source") or "")] = message
    return out


def test_every_string_is_translated() -> None:
    messages = _messages(TS)
    assert len(messages) > 100
    untranslated = [
        f"{ctx}: {src}" for (ctx, src), m in messages.items()
        if not (m.findtext("translation") or "").strip() or m.find("translation").get("type") in {"unfinished", "vanished", "obsolete"}
    ]
    assert untranslated == []


def test_the_translation_file_knows_every_string_of_the_code(tmp_path: Path) -> None:
    """lupdate run on today's code finds no string the .ts file lacks (run `make translations`)."""
    found = shutil.which("pyside6-lupdate", path=sysconfig.get_path("scripts"))  # .venv/bin, or .venv\\Scripts on Windows
    if found is None:
        pytest.skip("pyside6-lupdate is not installed beside this Python")
    lupdate = Path(found)
    fresh = tmp_path / "fresh.ts"
    shutil.copy(TS, fresh)
    sources = sorted(str(p) for p in (ROOT / "desktop" / "ui").rglob("*.py"))  # the lead/ package too
    subprocess.run([str(lupdate), "-no-obsolete", "-silent", *sources, "-ts", str(fresh)], check=True, capture_output=True)
    assert set(_messages(fresh)) == set(_messages(TS))


def test_chinese_translations_keep_their_placeholders() -> None:
    for (ctx, src), message in _messages(TS).items():
        translation = message.findtext("translation") or ""
        for n in range(4):
            assert (f"{{{n}}}" in src) == (f"{{{n}}}" in translation), f"{ctx}: {src!r} → {translation!r}"


def test_every_string_the_gui_translates_is_a_literal_lupdate_can_see() -> None:
    """A helper that passes a variable to tr() or translate() hides its callers' strings from
    lupdate: they silently leave the .ts file, and the window shows them in English."""
    import ast

    hidden = []
    for path in sorted((ROOT / "desktop" / "ui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            name, args = node.func.attr, node.args
            text = args[0] if name == "tr" and args else args[1] if name == "translate" and len(args) > 1 else None
            if text is not None and not (isinstance(text, ast.Constant) and isinstance(text.value, str)):
                hidden.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert hidden == []
