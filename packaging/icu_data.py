"""A smaller ICU data library for the Linux bundle: PySide6's libicudata is 31 MB, Qt uses
a tenth of it.

Qt 6 Core is the one part of the bundle that calls ICU (`objdump -T libQt6Core.so.6`: ucol_*,
ucal_*, ucnv_*, u_strToUpper/Lower; no other Qt library, no plugin, no Python module), so
it needs ICU's collation (QCollator, sorting), time-zone names and rules, legacy text
codecs and the locale data under them — and none of the break-iterator dictionaries,
transliterators, unit, currency, language and region names, number spell-out, character
names or StringPrep profiles that make up most of the file. The collation and time-zone
names stay for Chinese, English and the root locale every other one falls back to
(a German desktop sorts by the root order); the codecs stay for single-byte sets and
Chinese (GB 18030, GBK, GB 2312, Big5).

libicudata holds the data as one symbol, `icudt<version>_dat`, in ICU's "common data"
format: a header, a table of (name, offset) sorted by name, the items 16-byte aligned.
This reads the table, keeps the items wanted, writes the same format and assembles it
into a library of the same name with `as` and `ld` (binutils, which the build needs
anyway). Run it alone to see what it keeps:

    python packaging/icu_data.py .venv/lib/python3.11/site-packages/PySide6/Qt/lib/libicudata.so.73 /tmp/icu
"""

from __future__ import annotations

import re
import struct
import subprocess
import sys
from pathlib import Path

KEEP_LANGUAGES = ("root", "zh", "en")
# Whole trees nothing in Qt opens.
DROPPED_TREES = ("brkitr", "translit", "unit", "curr", "lang", "region", "rbnf")
# Top-level items nothing in Qt opens: character names, the spoof checker, StringPrep.
DROPPED_ITEMS = re.compile(r"unames\.icu|confusables\.cfu|rfc\d+\w*\.spp")
# Multi-byte codecs kept (the single-byte ones are a few KB each and all stay): Chinese.
CHINESE_CODECS = re.compile(r"gb18030|windows-936-2000|windows-950-2000|ibm-1373_|ibm-1383_|ibm-1386_|ibm-5478_|ibm-950_")
SINGLE_BYTE_LIMIT = 24 * 1024
LOCALE = re.compile(r"[a-z]{2,3}(_[A-Za-z0-9]*)*\.res")  # zh_Hans_CN.res, de__PHONEBOOK.res
ALIGN = 16


def _kept_language(name: str) -> bool:
    return name == "res_index.res" or name.removesuffix(".res").split("_")[0] in KEEP_LANGUAGES


def wanted(item: str, size: int) -> bool:
    """Whether an item of the data ("coll/zh.res", "gb18030.cnv", …; the name without the
    "icudt73l/" prefix) of `size` bytes is kept."""
    tree, _, name = item.rpartition("/")
    if tree in DROPPED_TREES or (not tree and DROPPED_ITEMS.fullmatch(name)):
        return False
    if name.endswith(".cnv"):
        return size <= SINGLE_BYTE_LIMIT or bool(CHINESE_CODECS.match(name))
    # a locale's data (zh_Hans_CN.res), not the shared tables (supplementalData.res, pool.res …)
    return not LOCALE.fullmatch(name) or _kept_language(name)


def read_common_data(library: Path) -> tuple[str, bytes]:
    """(symbol, bytes) of the common data in a libicudata.so, found by its dynamic symbol."""
    symbols = subprocess.run(["objdump", "-T", str(library)], capture_output=True, text=True, check=True).stdout
    found = [line.split() for line in symbols.splitlines() if re.search(r"\bicudt\d+_dat$", line)]
    if len(found) != 1:
        raise SystemExit(f"{library}: no icudt*_dat symbol")
    address, size, symbol = int(found[0][0], 16), int(found[0][-2], 16), found[0][-1]
    sections = subprocess.run(["objdump", "-h", str(library)], capture_output=True, text=True, check=True).stdout
    for line in sections.splitlines():
        parts = line.split()
        if len(parts) >= 6 and parts[0].isdigit():
            start, length, offset = int(parts[3], 16), int(parts[2], 16), int(parts[5], 16)
            if start <= address < start + length:
                with library.open("rb") as f:
                    f.seek(offset + address - start)
                    return symbol, f.read(size)
    raise SystemExit(f"{library}: {symbol} is in no section")


def items(data: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """The header and the (name, bytes) items of ICU common data (format "CmnD" 1)."""
    header_size = struct.unpack_from("<H", data, 0)[0]
    if data[2:4] != b"\xda\x27" or data[12:16] != b"CmnD" or data[16] != 1 or data[4 + 4] != 0:
        raise SystemExit("not little-endian ICU common data of format 1")
    count = struct.unpack_from("<I", data, header_size)[0]
    table = [struct.unpack_from("<II", data, header_size + 4 + 8 * n) for n in range(count)]
    out = []
    for n, (name_at, data_at) in enumerate(table):
        start = header_size + name_at
        name = data[start : data.index(b"\0", start)].decode("ascii")
        end = header_size + table[n + 1][1] if n + 1 < count else len(data)
        out.append((name, data[header_size + data_at : end]))
    return data[:header_size], out


def common_data(header: bytes, kept: list[tuple[str, bytes]]) -> bytes:
    """ICU common data of the items, in the order given (sorted by name, as ICU searches)."""
    names = b"".join(name.encode("ascii") + b"\0" for name, _ in kept)
    table_size = 4 + 8 * len(kept)
    first = table_size + len(names)
    first += -(len(header) + first) % ALIGN
    entries, blobs, name_at, data_at = [], [], table_size, first
    for name, blob in kept:
        entries.append(struct.pack("<II", name_at, data_at))
        name_at += len(name) + 1
        padded = blob + b"\0" * (-len(blob) % ALIGN)
        blobs.append(padded)
        data_at += len(padded)
    toc = struct.pack("<I", len(kept)) + b"".join(entries) + names
    return header + toc + b"\0" * (first - len(toc)) + b"".join(blobs)


def slim(library: Path, folder: Path) -> Path:
    """A libicudata of the same name in `folder` with only the wanted items."""
    symbol, data = read_common_data(library)
    header, everything = items(data)
    prefix = everything[0][0].split("/", 1)[0] + "/"  # icudt73l/
    kept = [(name, blob) for name, blob in everything if wanted(name.removeprefix(prefix), len(blob))]
    if not any(name.endswith("coll/ucadata.icu") for name, _ in kept):
        raise SystemExit("the ICU data has no collation tables: not the layout this script knows")
    # A codec that only extends another (windows-949 → ibm-1363) names its base inside: it
    # goes with its base.
    dropped = {name.removeprefix(prefix).removesuffix(".cnv").encode() for name, _ in everything if name.endswith(".cnv")}
    dropped -= {name.removeprefix(prefix).removesuffix(".cnv").encode() for name, _ in kept}
    kept = [(name, blob) for name, blob in kept if not (name.endswith(".cnv") and any(base in blob for base in dropped))]
    folder.mkdir(parents=True, exist_ok=True)
    dat = folder / f"{prefix[:-1]}.dat"
    dat.write_bytes(common_data(header, kept))
    assembly = folder / "icudata.s"
    assembly.write_text(
        f'\t.section .rodata\n\t.globl {symbol}\n\t.type {symbol}, @object\n\t.balign {ALIGN}\n'
        f'{symbol}:\n\t.incbin "{dat.name}"\n\t.size {symbol}, . - {symbol}\n'
        '\t.section .note.GNU-stack,"",@progbits\n'
    )
    out = folder / library.name
    subprocess.run(["as", "-o", "icudata.o", assembly.name], cwd=folder, check=True)
    subprocess.run(["ld", "-shared", "-soname", library.name, "-o", out.name, "icudata.o"], cwd=folder, check=True)
    return out


if __name__ == "__main__":
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    made = slim(source, target)
    _, before = items(read_common_data(source)[1])
    _, after = items(read_common_data(made)[1])
    print(f"{made}: {made.stat().st_size / 1e6:.1f} MB (was {source.stat().st_size / 1e6:.1f} MB), {len(after)} of {len(before)} items")
