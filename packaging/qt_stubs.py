"""Stand-ins for libraries a Qt plugin links but the program never reaches through it.

The camera's FFmpeg back end (plugins/multimedia/libffmpegmediaplugin.so) links QtQuick
and QtQml, 16 MB with the QtQml libraries QtQuick itself needs, for one thing: grabbing a
QtQuick window's picture when a program records a window (QWindowCapture), which this
program never does. Of QtQuick it takes two symbols, QQuickWindow::staticMetaObject (for
a qobject_cast that never matches) and QQuickWindow::grabWindow(); of QtQml none. Without
the libraries the back end does not load and the computer seems to have no camera.

`stub` writes a library of the same name and version tags defining exactly the symbols
the given users take from the real one: data as zeros of the real size (a metaobject is
compared by address, never read), functions as a trap that stops the program at once
should one ever be called, rather than running on. The symbols are read from the real
libraries at build time, so a Qt upgrade that takes more of them is stubbed as well.
Assembled with `as` and `ld` (binutils).
"""

from __future__ import annotations

import platform
import subprocess
from collections import defaultdict
from pathlib import Path

TRAPS = {"x86_64": "ud2", "aarch64": "brk #1000"}


def _soname(library: Path) -> str:
    out = subprocess.run(["objdump", "-p", str(library)], capture_output=True, text=True, check=True).stdout
    return next(line.split()[1] for line in out.splitlines() if line.strip().startswith("SONAME"))


def _dynamic_symbols(path: Path, *flags: str) -> list[list[str]]:
    out = subprocess.run(["nm", "-D", *flags, str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines() if line.strip()]


def taken(real: Path, users: list[Path]) -> dict[str, tuple[str, str, int]]:
    """{symbol: (version, kind, size)} of what the users take from `real`: kind "T" for
    code, "D" for data."""
    defined: dict[str, tuple[str, str, int]] = {}
    for parts in _dynamic_symbols(real, "-S", "--defined-only"):
        if len(parts) == 4:  # address, size, type, name@@version
            name, _, version = parts[3].partition("@@")
            defined[name] = (version, "T" if parts[2] in "TtWwi" else "D", int(parts[1], 16))
    wanted: dict[str, tuple[str, str, int]] = {}
    for user in users:
        for parts in _dynamic_symbols(user, "--undefined-only"):
            name = parts[-1].split("@", 1)[0]
            if name in defined:
                wanted[name] = defined[name]
    return wanted


def stub(real: Path, users: list[Path], folder: Path) -> Path:
    """A library in `folder` named as `real`, with what the users take from it stubbed."""
    trap = TRAPS.get(platform.machine())
    if trap is None:
        raise SystemExit(f"no trap instruction known for {platform.machine()}: keep {real.name} as it is")
    symbols = taken(real, users)
    lines = []
    for name, (_version, kind, size) in sorted(symbols.items()):
        if kind == "T":
            lines += ["\t.text", f"\t.globl {name}", f"\t.type {name}, @function", f"{name}:", f"\t{trap}", f"\t.size {name}, . - {name}"]
        else:
            lines += ["\t.data", "\t.balign 16", f"\t.globl {name}", f"\t.type {name}, @object", f"{name}:",
                      f"\t.zero {max(size, 1)}", f"\t.size {name}, {max(size, 1)}"]
    lines.append('\t.section .note.GNU-stack,"",@progbits')
    folder.mkdir(parents=True, exist_ok=True)
    stem = real.name.split(".so")[0]
    (folder / f"{stem}.s").write_text("\n".join(lines) + "\n")
    by_version: dict[str, list[str]] = defaultdict(list)
    for name, (version, _kind, _size) in symbols.items():
        by_version[version].append(name)
    link = ["ld", "-shared", "-soname", _soname(real), "-o", real.name, f"{stem}.o"]
    if by_version:
        script = "".join(
            f"{version} {{\n  global:\n" + "".join(f"    {n};\n" for n in sorted(names)) + "  local: *;\n};\n"
            for version, names in sorted(by_version.items())
        )
        (folder / f"{stem}.map").write_text(script)
        link[1:1] = ["--version-script", f"{stem}.map"]
    subprocess.run(["as", "-o", f"{stem}.o", f"{stem}.s"], cwd=folder, check=True)
    subprocess.run(link, cwd=folder, check=True)
    return folder / real.name
