"""Reading the data files that describe indicator sets and campaigns (TOML, UTF-8).

The readers here only turn bytes into plain tables and refuse what is not a readable
TOML document; `indicators` and `campaign` check the meaning.
"""

from __future__ import annotations

import datetime as dt
import stat
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from desktop.core.errors import InputError, Problem
from desktop.core.numbers import parse_decimal, places

MAX_DOCUMENT_BYTES = 4 * 1024 * 1024


def read_input(path: Path, limit: int) -> bytes:
    """The bytes of an input file, refused with a clear reason when they cannot be had."""
    try:
        info = path.stat()  # through a link: what it points to
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(path)
        if not stat.S_ISREG(info.st_mode):  # a device (/dev/zero) or a pipe would never end
            raise InputError.single(path, "not_a_file", "this is a device or a pipe, not a file")
        size = info.st_size
        if size > limit:
            raise InputError.single(path, "too_large", f"the file is {size} bytes; at most {limit} are read")
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError.single(path, "not_found", "no such file") from None
    except IsADirectoryError:
        raise InputError.single(path, "not_a_file", "this is a folder, not a file") from None
    except PermissionError:
        raise InputError.single(path, "unreadable", "permission denied") from None


def read_toml(path: Path) -> dict[str, Any]:
    return parse_toml(read_input(path, MAX_DOCUMENT_BYTES), path)


def parse_toml(raw: bytes, source: str | Path) -> dict[str, Any]:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError.single(source, "not_utf8", f"not UTF-8 text (byte {exc.start})") from None
    import tomllib  # (here: a window's start reads no TOML, and tomllib takes some 4 ms to import)

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError.single(source, "bad_toml", f"not a valid TOML document: {exc}") from None


class Checker:
    """Collects the problems of one document, each tagged with the node it concerns."""

    def __init__(self, source: str | Path) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def fail(self, node: str, code: str, message: str) -> None:
        self.problems.append(Problem(code, message, node=node))

    def raise_if_any(self) -> None:
        if self.problems:
            raise InputError(self.source, self.problems)

    def text(self, table: Mapping[str, Any], key: str, node: str, *, required: bool = True) -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.fail(node, "missing", f"'{key}' is missing")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.fail(node, "bad_text", f"'{key}' must be a non-empty text")
            return ""
        return value.strip()

    def decimal(self, table: Mapping[str, Any], key: str, node: str, *, required: bool = True) -> Decimal | None:
        value = table.get(key)
        if value is None:
            if required:
                self.fail(node, "missing", f"'{key}' is missing")
            return None
        number = parse_decimal(value)
        if number is None:
            self.fail(node, "not_a_number", f"'{key}' is not a decimal number: {value!r}")
            return None
        if places(number) > 4:
            self.fail(node, "too_precise", f"'{key}' has more than 4 decimal places: {value!r}")
            return None
        return number

    def tables(self, table: Mapping[str, Any], key: str, node: str, *, required: bool = True) -> list[Mapping[str, Any]]:
        value = table.get(key)
        if value is None:
            if required:
                self.fail(node, "missing", f"'{key}' is missing (an array of tables, [[{key}]])")
            return []
        if not isinstance(value, Sequence) or isinstance(value, str) or not all(isinstance(v, Mapping) for v in value):
            self.fail(node, "bad_list", f"'{key}' must be an array of tables ([[{key}]])")
            return []
        if required and not value:
            self.fail(node, "empty", f"'{key}' is empty")
        return list(value)

    def strings(self, table: Mapping[str, Any], key: str, node: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, Sequence) or isinstance(value, str) or not all(
            isinstance(v, str) and v.strip() for v in value
        ):
            self.fail(node, "bad_list", f"'{key}' must be a list of non-empty texts")
            return ()
        return tuple(v.strip() for v in value)

    def known_keys(self, table: Mapping[str, Any], allowed: set[str], node: str) -> None:
        for key in table:
            if key not in allowed:
                self.fail(node, "unknown_key", f"unknown key '{key}' (allowed: {', '.join(sorted(allowed))})")


# --- file names -------------------------------------------------------------------------------

_FORBIDDEN_IN_NAMES = frozenset('<>:"/\\|?*')
_DEVICE_NAMES = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))})
MAX_NAME_CHARS = 120  # within FAT's and NTFS's 255 UTF-16 units, with room for the folder's path


def safe_file_name(name: str) -> str:
    """A file name made from data (a county's or inspector's name) that Windows and a FAT
    stick accept as one plain file: no folder separator (a '/' made a subfolder), no ':' (an
    NTFS stream), none of *?"<>|, no control character, no trailing dot or space, no device
    name (CON, NUL, COM1…), not too long; the extension kept."""
    cleaned = "".join("_" if ch in _FORBIDDEN_IN_NAMES or ord(ch) < 32 or ord(ch) == 127 else ch for ch in name).strip()
    stem, dot, extension = cleaned.rpartition(".")
    if not dot or not stem or len(extension) > 8:
        stem, extension = cleaned, ""
    stem = stem.rstrip(" .")
    if stem.split(".")[0].upper() in _DEVICE_NAMES:
        stem = "_" + stem
    suffix = f".{extension}" if extension else ""
    stem = stem[: MAX_NAME_CHARS - len(suffix)].rstrip(" .") or "_"
    return stem + suffix


def export_name(who: str, device_id: str, when: dt.datetime) -> str:
    """The default name of a laptop's export: whose (the inspector), which device, and the
    local date and time to the minute — two inspectors exporting to one stick on the same day
    get two names; safe for Windows and FAT."""
    return safe_file_name(f"{who}-{device_id[:8]}-{when:%Y%m%d-%H%M}.yanshou")
