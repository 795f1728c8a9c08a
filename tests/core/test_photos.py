"""What a photo's bytes say (desktop.core.photos), without a database: the capture time and
position from EXIF, the turn that shows it upright, the JPEG a camera embeds in IFD1 — and
hostile bytes (cut off, garbage, offsets out of bounds, an IFD that points at itself) that
give None, never an exception or a hang."""

from __future__ import annotations

import io
import random

import pytest
from jpegs import with_ifd1
from PIL import Image

from desktop.core import photos

TAKEN = "2018:09:12 10:31:05"


def thumbnail_jpeg(size: tuple[int, int] = (160, 120)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (20, 200, 20)).save(out, "JPEG")
    return out.getvalue()


def camera_jpeg(*, orientation: int = 6, taken: str | None = TAKEN, embedded: bytes | None = None) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    if taken is not None:
        exif.get_ifd(0x8769)[0x9003] = taken
    raw = exif.tobytes()
    if embedded is not None:
        raw = with_ifd1(raw, embedded)
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (220, 20, 20)).save(out, "JPEG", exif=raw)
    return out.getvalue()


def app1(tiff: bytes) -> bytes:
    """A JPEG of only SOI and an APP1 segment holding `tiff` as EXIF."""
    body = b"Exif\x00\x00" + tiff
    return b"\xff\xd8\xff\xe1" + (len(body) + 2).to_bytes(2, "big") + body + b"\xff\xd9"


class FakeExif:
    """The little of Pillow's Exif that exif_facts uses, holding whatever a file claimed."""

    def __init__(self, tags: dict[int, object], ifds: dict[int, dict[int, object]]) -> None:
        self.tags, self.ifds = tags, ifds

    def get(self, tag: int) -> object:
        return self.tags.get(tag)

    def get_ifd(self, tag: int) -> dict[int, object]:
        return self.ifds.get(tag, {})


# --- time, position, orientation ----------------------------------------------------------------


def test_a_camera_photo_tells_its_time_and_orientation() -> None:
    with Image.open(io.BytesIO(camera_jpeg(orientation=6))) as image:
        exif = image.getexif()
    assert photos.exif_facts(exif) == ("2018-09-12T10:31:05", None)
    assert photos.upright_turn(exif.get(0x0112)) == "ROTATE_270"


def test_without_date_taken_the_file_time_is_used_and_without_either_none() -> None:
    assert photos.exif_facts(FakeExif({0x0132: "2020:01:02 03:04:05"}, {}))[0] == "2020-01-02T03:04:05"
    assert photos.exif_facts(FakeExif({0x0132: "2020:01:02 03:04:05"}, {0x8769: {0x9003: TAKEN}}))[0] == "2018-09-12T10:31:05"
    assert photos.exif_facts(FakeExif({}, {})) == (None, None)


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2018:09:12 10:31:05", "2018-09-12T10:31:05"),
        ("2018:09:12 10:31:05\x00\x00", "2018-09-12T10:31:05"),
        ("  2018:09:12 10:31:05.123+08:00", "2018-09-12T10:31:05"),
        ("0000:00:00 00:00:00", None),
        ("yesterday", None),
        ("", None),
        (None, None),
        (b"\xff\xfe", None),
    ],
)
def test_exif_time(value: object, iso: str | None) -> None:
    assert photos.exif_time(value) == iso


def test_a_position_north_east_and_south_west() -> None:
    north_east = {1: "N", 2: (31, 45, 36), 3: "E", 4: (116, 30, 0)}
    assert photos.exif_facts(FakeExif({}, {0x8825: north_east}))[1] == "31.760000,116.500000"
    south_west = {**north_east, 1: "S", 3: "W"}
    assert photos.exif_facts(FakeExif({}, {0x8825: south_west}))[1] == "-31.760000,-116.500000"


@pytest.mark.parametrize(
    "gps",
    [
        {2: (0, 0, 0), 4: (0, 0, 0)},  # the camera had no fix
        {2: (31, 45), 4: (116, 30, 0)},  # too short
        {2: ("north", 0, 0), 4: (116, 30, 0)},  # not a number
        {2: (float("nan"), 0, 0), 4: (116, 30, 0)},
        {2: (float("inf"), 0, 0), 4: (116, 30, 0)},
        {2: 31, 4: 116},  # not a triple
        {2: (31, 45, 0)},  # no longitude
    ],
)
def test_a_position_that_is_none_is_not_shown(gps: dict[int, object]) -> None:
    assert photos.exif_facts(FakeExif({0x0132: TAKEN}, {0x8825: gps})) == ("2018-09-12T10:31:05", None)


def test_every_orientation_names_a_turn_of_pillow() -> None:
    for orientation in range(2, 9):
        turn = photos.upright_turn(orientation)
        assert turn is not None
        assert hasattr(Image.Transpose, turn)
    for upright in (1, 0, None, 9, 65535, "6", b"\x06"):
        assert photos.upright_turn(upright) is None


# --- the embedded thumbnail -------------------------------------------------------------------


def test_the_thumbnail_a_camera_embeds_is_read_from_the_headers() -> None:
    small = thumbnail_jpeg()
    assert photos.exif_thumbnail(camera_jpeg(embedded=small)) == small


def test_a_photo_without_one_has_none() -> None:
    assert photos.exif_thumbnail(camera_jpeg()) is None
    plain = io.BytesIO()
    Image.new("RGB", (8, 8)).save(plain, "JPEG")
    assert photos.exif_thumbnail(plain.getvalue()) is None


@pytest.mark.parametrize("data", [b"", b"\xff", b"\xff\xd8", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, b"\xff\xd8\xff\xe1\x00"])
def test_what_is_no_jpeg_has_none(data: bytes) -> None:
    assert photos.exif_thumbnail(data) is None


def test_a_photo_cut_off_anywhere_has_none_or_its_thumbnail() -> None:
    small = thumbnail_jpeg()
    whole = camera_jpeg(embedded=small)
    for end in range(len(whole)):
        assert photos.exif_thumbnail(whole[:end]) in (None, small)


def test_garbage_after_the_start_of_a_jpeg_has_none() -> None:
    rng = random.Random(7)
    for _ in range(300):
        data = b"\xff\xd8" + rng.randbytes(rng.randrange(0, 400))
        result = photos.exif_thumbnail(data)
        assert result is None or result.startswith(b"\xff\xd8")


def test_segments_of_length_zero_and_fill_bytes_end() -> None:
    assert photos.exif_thumbnail(b"\xff\xd8" + b"\xff\xe0\x00\x00" * 1000) is None
    assert photos.exif_thumbnail(b"\xff\xd8" + b"\xff" * 10_000) is None


def tiff(entries_ifd0: int, ifd1_at: int, entries_ifd1: int, *, tags: bytes = b"") -> bytes:
    """A little-endian TIFF: IFD0 at 8 claiming `entries_ifd0` entries, a link to IFD1 at `ifd1_at`."""
    ifd0 = entries_ifd0.to_bytes(2, "little")
    link = ifd1_at.to_bytes(4, "little")
    ifd1 = entries_ifd1.to_bytes(2, "little") + tags
    return b"II*\x00" + (8).to_bytes(4, "little") + ifd0 + link + ifd1


def test_counts_and_offsets_out_of_bounds_have_none() -> None:
    assert photos.exif_thumbnail(app1(tiff(0xFFFF, 14, 0))) is None  # IFD0's count runs past the end
    assert photos.exif_thumbnail(app1(tiff(0, 14, 0xFFFF))) is None  # IFD1's count runs past the end
    assert photos.exif_thumbnail(app1(tiff(0, 0xFFFF_FFFF, 1))) is None  # IFD1 far outside
    assert photos.exif_thumbnail(app1(tiff(0, 0, 0))) is None  # no IFD1
    assert photos.exif_thumbnail(app1(b"MM\x00*" + (0xFFFF_FFF0).to_bytes(4, "big"))) is None  # IFD0 outside
    assert photos.exif_thumbnail(app1(b"XX*\x00\x08\x00\x00\x00")) is None  # no byte order
    # a thumbnail said to lie past the end, or not to be a JPEG
    entry = (0x0201).to_bytes(2, "little") + (4).to_bytes(2, "little") + (1).to_bytes(4, "little")
    past_end = entry + (16).to_bytes(4, "little") + (0x0202).to_bytes(2, "little") + (4).to_bytes(2, "little")
    past_end += (1).to_bytes(4, "little") + (10_000).to_bytes(4, "little")
    assert photos.exif_thumbnail(app1(tiff(0, 14, 2, tags=past_end))) is None
    not_jpeg = entry + (8).to_bytes(4, "little") + (0x0202).to_bytes(2, "little") + (4).to_bytes(2, "little")
    not_jpeg += (1).to_bytes(4, "little") + (8).to_bytes(4, "little")
    assert photos.exif_thumbnail(app1(tiff(0, 14, 2, tags=not_jpeg))) is None


def test_an_ifd_that_points_at_itself_ends() -> None:
    # IFD1 is IFD0 (offset 8): read once, no chain followed, no thumbnail tags
    assert photos.exif_thumbnail(app1(tiff(0, 8, 0))) is None
    # the largest count an IFD can claim, over entries that fill the segment: read as far as the
    # data goes, no hang; and as many entries as fit, every one inside: none is a thumbnail
    fit = (65_533 - 6 - 14 - 2) // 12
    entries = b"".join((0x0100 + i % 16).to_bytes(2, "little") + b"\x03\x00\x01\x00\x00\x00\x01\x00\x00\x00" for i in range(fit))
    assert photos.exif_thumbnail(app1(tiff(0, 14, 0xFFFF, tags=entries))) is None
    assert photos.exif_thumbnail(app1(tiff(0, 14, fit, tags=entries))) is None
