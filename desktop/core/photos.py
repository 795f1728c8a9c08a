"""What a photo's bytes say of it: the capture time and position in its EXIF, the turn that
shows it upright, and the small JPEG a camera embeds in it.

Pure functions over bytes (and over an EXIF mapping already read, such as Pillow's
`Image.Exif`): no database, no Qt, no decoding of the picture itself. Hostile input (cut
off, garbage, offsets out of bounds) gives None, never an exception.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any


def exif_facts(exif: Any) -> tuple[str | None, str | None]:
    """Capture time and position ('lat,lon') from EXIF (a mapping with get_ifd, as Pillow's Exif)."""
    taken = exif_time(exif.get_ifd(0x8769).get(0x9003) or exif.get(0x0132))  # DateTimeOriginal, else DateTime
    gps = None
    info = exif.get_ifd(0x8825)
    try:
        if info.get(2) and info.get(4):
            def degrees(v: Any) -> float:
                return float(v[0]) + float(v[1]) / 60 + float(v[2]) / 3600

            lat = degrees(info[2]) * (-1 if info.get(1) == "S" else 1)
            lon = degrees(info[4]) * (-1 if info.get(3) == "W" else 1)
            if math.isfinite(lat) and math.isfinite(lon) and (lat, lon) != (0.0, 0.0):  # 0/0: the camera had no fix
                gps = f"{lat:.6f},{lon:.6f}"
    except (TypeError, ValueError, ZeroDivisionError, IndexError):
        gps = None
    return taken, gps


def exif_time(value: object) -> str | None:
    """EXIF's '2018:09:12 10:31:05' (the camera's local time) as ISO '2018-09-12T10:31:05'."""
    if not value:
        return None
    text_value = str(value).strip().rstrip("\x00")
    try:
        return dt.datetime.strptime(text_value[:19], "%Y:%m:%d %H:%M:%S").isoformat()
    except ValueError:
        return None  # not a time: what a camera (or anyone) wrote there is not shown as one


# EXIF orientation → the turn that shows the picture upright (as ImageOps.exif_transpose does),
# named as PIL.Image.Transpose's members
_UPRIGHT: dict[object, str] = {
    2: "FLIP_LEFT_RIGHT", 3: "ROTATE_180", 4: "FLIP_TOP_BOTTOM", 5: "TRANSPOSE", 6: "ROTATE_270", 7: "TRANSVERSE", 8: "ROTATE_90",
}


def upright_turn(orientation: object) -> str | None:
    """The name of the PIL.Image.Transpose that shows a picture of this EXIF orientation
    (tag 0x0112) upright; None when it is upright already (1, missing or unknown)."""
    return _UPRIGHT.get(orientation or 1)


def exif_thumbnail(jpeg: bytes) -> bytes | None:
    """The small JPEG a camera or phone embeds in its photo's EXIF (IFD1, about 160×120),
    or None. Read from the headers, so a thumbnail costs no decoding of the 12 megapixels."""
    view = memoryview(jpeg)
    if bytes(view[:2]) != b"\xff\xd8":
        return None
    pos = 2
    while pos + 4 <= len(view):
        if view[pos] != 0xFF:
            return None
        marker = view[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xDA, 0xD9):  # the picture's data begins: no EXIF before it
            return None
        length = int.from_bytes(view[pos + 2 : pos + 4], "big")
        if marker == 0xE1 and bytes(view[pos + 4 : pos + 10]) == b"Exif\x00\x00":
            return _ifd1_jpeg(view[pos + 10 : pos + 2 + length])
        pos += 2 + length
    return None


def _ifd1_jpeg(tiff: memoryview) -> bytes | None:
    """The JPEG that IFD1 of a TIFF structure (EXIF's) points to; None when absent or out of bounds."""
    order = bytes(tiff[:2])
    if order not in (b"II", b"MM") or len(tiff) < 8:
        return None
    endian = "little" if order == b"II" else "big"

    def number(at: int, width: int) -> int:
        if at < 0 or at + width > len(tiff):
            raise IndexError(at)
        return int.from_bytes(tiff[at : at + width], endian)  # type: ignore[arg-type]

    try:
        ifd0 = number(4, 4)
        ifd1 = number(ifd0 + 2 + 12 * number(ifd0, 2), 4)
        if not ifd1:
            return None
        tags = {}
        for entry in range(number(ifd1, 2)):
            at = ifd1 + 2 + 12 * entry
            kind = number(at + 2, 2)
            tags[number(at, 2)] = number(at + 8, 2 if kind == 3 else 4)  # SHORT or LONG, held in the entry
        start, length = tags.get(0x0201), tags.get(0x0202)  # JPEGInterchangeFormat, …Length
        if not start or not length or start + length > len(tiff) or bytes(tiff[start : start + 2]) != b"\xff\xd8":
            return None
        return bytes(tiff[start : start + length])
    except IndexError:
        return None
