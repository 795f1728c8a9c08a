"""Camera-like JPEG bytes for the tests: an EXIF block with an IFD1 thumbnail, as cameras
write it (Pillow writes no IFD1 of its own)."""

from __future__ import annotations


def with_ifd1(exif: bytes, jpeg: bytes) -> bytes:
    """Pillow's EXIF bytes ('Exif\\0\\0' + TIFF) with an IFD1 holding a JPEG, as a camera writes it."""
    head, tiff = exif[:6], bytearray(exif[6:])
    endian = "little" if tiff[:2] == b"II" else "big"
    ifd0 = int.from_bytes(tiff[4:8], endian)
    link = ifd0 + 2 + 12 * int.from_bytes(tiff[ifd0 : ifd0 + 2], endian)
    if len(tiff) % 2:
        tiff += b"\0"
    ifd1 = len(tiff)
    tiff[link : link + 4] = ifd1.to_bytes(4, endian)
    tiff += (2).to_bytes(2, endian)
    for tag, value in ((0x0201, ifd1 + 2 + 2 * 12 + 4), (0x0202, len(jpeg))):
        tiff += tag.to_bytes(2, endian) + (4).to_bytes(2, endian) + (1).to_bytes(4, endian) + value.to_bytes(4, endian)
    tiff += (0).to_bytes(4, endian) + jpeg
    return head + bytes(tiff)
