"""The inspector's work on one county: what the field GUI reads and writes.

Reads are cheap and whole (one query per table for a county), so the tree and the item
view are always drawn from the database as it is, never from a copy that could drift.
Every write is one transaction that the caller may report as saved once it returns;
`editing` puts several of them (a county's whole record, written at once) in one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import io
import json
import math
import mimetypes
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, bindparam, text

from db import blobs, versions
from db.errors import KnownDatabaseError
from desktop import paths
from desktop.core import scoring, validity
from desktop.core.errors import InputError
from desktop.core.indicators import IndicatorSet
from desktop.core.inspection import FindingStatus, InspectionMode
from desktop.core.numbers import canonical
from desktop.core.scoring import score_problem
from desktop.services import records
from desktop.services.workspace import Workspace

if TYPE_CHECKING:
    from db.keys import Signer

SEVERITIES = ("minor", "major", "serious")
DEFAULT_MAX_EVIDENCE_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class Finding:
    mode: InspectionMode
    text: str = ""
    status: FindingStatus = FindingStatus.UNCHECKED
    area: str = ""

    @property
    def empty(self) -> bool:
        return not self.text and self.status is FindingStatus.UNCHECKED and not self.area


@dataclass(frozen=True)
class Problem:
    record_id: str
    description: str
    severity: str
    deadline: dt.date | None
    created_at: str
    status: str = "open"  # desktop.core.problems.ProblemStatus's value


@dataclass(frozen=True)
class Evidence:
    record_id: str
    sha256: str
    name: str
    mime: str
    size: int
    mode: InspectionMode | None
    caption: str
    taken_at: str | None
    gps: str | None
    attached_at: str

    @property
    def is_image(self) -> bool:
        return self.mime.startswith("image/")

    @property
    def is_pdf(self) -> bool:
        return self.mime == "application/pdf"


@dataclass(frozen=True)
class ItemRecord:
    """Everything one inspector recorded for one item of one county."""

    county: str
    item: str
    score: Decimal | None
    comment: str
    findings: dict[InspectionMode, Finding]
    problems: tuple[Problem, ...]
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class ItemStatus:
    """What the tree shows of an item."""

    score: Decimal | None = None
    modes: frozenset[InspectionMode] = frozenset()
    problems: int = 0
    evidence: int = 0

    @property
    def scored(self) -> bool:
        return self.score is not None


@dataclass
class CountyStatus:
    items: dict[str, ItemStatus] = field(default_factory=dict)

    def item(self, code: str) -> ItemStatus:
        return self.items.get(code, ItemStatus())

    def node_score(self, indicators: IndicatorSet, code: str) -> scoring.Subtotal:
        """The subtotal so far over the items under an indicator (the core's one rule)."""
        return scoring.subtotal(indicators, code, {c: i.score for c, i in self.items.items() if i.scored})


def _inspector(ws: Workspace) -> str:
    who = ws.identity.inspector
    if not who:
        raise InputError.single(ws.path, "no_inspector", "this database has no inspector (a master); the field workspace needs one")
    return who


def county_status(ws: Workspace, county: str) -> CountyStatus:
    who = _inspector(ws)
    status: dict[str, dict[str, Any]] = {}

    def entry(item: str) -> dict[str, Any]:
        return status.setdefault(item, {"score": None, "modes": set(), "problems": 0, "evidence": 0})

    with ws.read() as conn:
        args = {"c": county, "i": who}
        for item, score in conn.execute(text("SELECT item, score FROM current_score WHERE county = :c AND inspector = :i"), args):
            entry(item)["score"] = Decimal(score)
        for item, mode, body, state in conn.execute(
            text("SELECT item, mode, text, status FROM current_finding WHERE county = :c AND inspector = :i"), args
        ):
            if body or state != FindingStatus.UNCHECKED:
                entry(item)["modes"].add(InspectionMode(mode))
        for item, count in conn.execute(
            text("SELECT item, count(*) FROM current_problem WHERE county = :c AND inspector = :i GROUP BY item"), args
        ):
            entry(item)["problems"] = count
        for item, count in conn.execute(
            text("SELECT item, count(*) FROM current_evidence WHERE county = :c AND inspector = :i GROUP BY item"), args
        ):
            entry(item)["evidence"] = count
    return CountyStatus({
        code: ItemStatus(v["score"], frozenset(v["modes"]), v["problems"], v["evidence"])
        for code, v in status.items()
    })


def _evidence(row: tuple) -> Evidence:  # type: ignore[type-arg]
    return Evidence(
        row[0], row[1], row[2], row[3], int(row[4]), InspectionMode(row[5]) if row[5] else None, row[6], row[7], row[8], row[9]
    )


_EVIDENCE_COLUMNS = "record_id, sha256, name, mime, size, mode, caption, taken_at, gps, attached_at"


def item_record(ws: Workspace, county: str, item: str) -> ItemRecord:
    who = _inspector(ws)
    args = {"c": county, "t": item, "i": who}
    with ws.read() as conn:
        row = conn.execute(
            text("SELECT score, comment FROM current_score WHERE county = :c AND item = :t AND inspector = :i"), args
        ).first()
        findings = {mode: Finding(mode) for mode in InspectionMode}
        for mode, body, state, area in conn.execute(
            text("SELECT mode, text, status, area FROM current_finding WHERE county = :c AND item = :t AND inspector = :i"), args
        ):
            findings[InspectionMode(mode)] = Finding(InspectionMode(mode), body, FindingStatus(state), area)
        problems = tuple(
            Problem(r[0], r[1], r[2], dt.date.fromisoformat(r[3]) if r[3] else None, r[4], r[5])
            for r in conn.execute(
                text(
                    "SELECT record_id, description, severity, deadline, created_at, status FROM current_problem "
                    "WHERE county = :c AND item = :t AND inspector = :i ORDER BY created_at, record_id"
                ),
                args,
            )
        )
        evidence = tuple(
            _evidence(tuple(r))
            for r in conn.execute(
                text(
                    f"SELECT {_EVIDENCE_COLUMNS} FROM current_evidence WHERE county = :c AND item = :t AND inspector = :i "
                    "ORDER BY coalesce(taken_at, attached_at), record_id"
                ),
                args,
            )
        )
    return ItemRecord(
        county, item, Decimal(row[0]) if row else None, row[1] if row else "", findings, problems, evidence,
    )


def check_score(ws: Workspace, item: str, value: str) -> Decimal | None:
    """A score as typed: empty for none, else 0 to the item's points in steps of 0.5."""
    value = value.strip()
    if not value:
        return None
    node = ws.campaign.indicator_set.node(item)
    try:
        score = Decimal(value)
    except InvalidOperation:
        raise InputError.single("score", "not_a_number", f"'{value}' is not a number") from None
    problem = score_problem(score, node.points)
    if problem == "out_of_range":
        raise InputError.single("score", problem, f"{value} is outside 0 to {canonical(node.points)}")
    if problem == "not_half_step":
        raise InputError.single("score", problem, f"{value} is not a multiple of 0.5")
    return score


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def save_item(
    ws: Workspace, county: str, item: str, *, score: Decimal | None, comment: str, findings: Iterable[Finding]
) -> int:
    """Write what the item editor holds, in one transaction; returns the records changed
    (0 when nothing differs from what is stored, so an idle autosave writes nothing)."""
    with editing(ws) as edits:
        return edits.save_item(county, item, score=score, comment=comment, findings=findings)


def _put_finding(conn: Connection, signer, ws: Workspace, finding: Finding, *, county: str, item: str, inspector: str) -> bool:  # type: ignore[no-untyped-def]
    record = records.finding_id(ws, county, item, inspector, finding.mode)
    payload = {
        "county": county, "item": item, "inspector": inspector, "mode": finding.mode.value, "text": finding.text,
        "status": finding.status.value, "area": finding.area,
    }
    return versions.put(conn, signer, entity="finding", record_id=record, payload=payload, deleted=finding.empty) is not None


# --- problems ---------------------------------------------------------------------------------


def default_deadline(ws: Workspace) -> dt.date | None:
    """The campaign's rectification milestone, the default deadline of a problem."""
    return next((m.due for m in ws.campaign.milestones if m.key == "rectification"), None)


def save_problem(
    ws: Workspace, county: str, item: str, *, description: str, severity: str, deadline: dt.date | None, record_id: str | None = None
) -> str:
    _inspector(ws)
    _check_problem(description, severity)  # before the transaction: a refusal opens none
    with editing(ws) as edits:
        return edits.save_problem(county, item, description=description, severity=severity, deadline=deadline, record_id=record_id)


def _check_problem(description: str, severity: str) -> None:
    if not description.strip():
        raise InputError.single("problem", "empty", "a problem needs a description")
    if severity not in SEVERITIES:
        raise InputError.single("problem", "severity", f"severity must be one of {', '.join(SEVERITIES)}")


# --- several edits, one transaction -------------------------------------------------------------


class Edits:
    """Edits of the inspector's work inside one transaction (see `editing`): the very writes
    of save_item and save_problem, with one commit for the lot. A county's whole record
    written at once (the demo's laptops) costs one commit instead of one per item; an
    error anywhere rolls the lot back."""

    def __init__(self, ws: Workspace, conn: Connection, signer: Signer) -> None:
        self.ws, self.conn, self.signer = ws, conn, signer
        self.inspector = _inspector(ws)

    def save_item(self, county: str, item: str, *, score: Decimal | None, comment: str, findings: Iterable[Finding]) -> int:
        """save_item() in this transaction; returns the records changed."""
        conn, signer, ws, who = self.conn, self.signer, self.ws, self.inspector
        where = {"county": county, "item": item, "inspector": who}
        changed = 0
        if score is not None:
            changed += records.set_score(conn, signer, ws, score=score, comment=comment, **where)
        else:
            changed += versions.withdraw(conn, signer, records.score_id(ws, county, item, who), entity="score") is not None
        for finding in findings:
            changed += _put_finding(conn, signer, ws, finding, **where)
        return changed

    def save_problem(
        self, county: str, item: str, *, description: str, severity: str, deadline: dt.date | None, record_id: str | None = None
    ) -> str:
        """save_problem() in this transaction; returns the problem's id."""
        _check_problem(description, severity)
        record_id = record_id or versions.new_id()
        current = versions.current_payload(self.conn, record_id)
        created = current[0].get("created_at") if current else None
        status = current[0].get("status", "open") if current else "open"
        stepped: dict[str, Any] = {k: current[0][k] for k in ("evidence", "account", "reason") if k in current[0]} if current else {}
        versions.put(
            self.conn, self.signer, entity="problem", record_id=record_id,
            payload={
                "county": county, "item": item, "inspector": self.inspector, "description": description.strip(),
                "severity": severity, "deadline": deadline.isoformat() if deadline else None, "created_at": created or _now(),
                "status": status, **stepped,
            },
        )
        return record_id


@contextlib.contextmanager
def editing(ws: Workspace) -> Iterator[Edits]:
    """One write transaction for several edits (Edits), committed when the block ends."""
    with ws.write() as conn:
        yield Edits(ws, conn, ws.database.signer(paths.keys_dir(), conn))


def remove(ws: Workspace, entity: str, record_id: str) -> bool:
    """Delete a problem or a piece of evidence (a tombstone; the history keeps it). An id
    of another kind of record than `entity` deletes nothing."""
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        return versions.withdraw(conn, signer, record_id, entity=entity) is not None


# --- evidence ---------------------------------------------------------------------------------

THUMBNAIL_SIZE = 160  # the size cached at attach and import; the grids draw it at 100 px (150 on a 1.5× screen)
IN_MEMORY_BYTES = 32 * 1024 * 1024  # larger files are streamed into the blob table, not held
# A folder import commits a batch at a time: few fsyncs, a memory bound, and a cancel (or a
# crash) keeps every batch committed before it.
BATCH_BYTES = 32 * 1024 * 1024
BATCH_PHOTOS = 40


@functools.cache
def _heif() -> None:
    """Let Pillow open the HEIC photos of phones (once per process), and photos of up to
    250 megapixels (a 200 MP phone camera) without taking them for decompression bombs."""
    from pi_heif import register_heif_opener
    from PIL import Image

    register_heif_opener()
    Image.MAX_IMAGE_PIXELS = 250_000_000


@dataclass(frozen=True)
class PhotoFacts:
    mime: str
    taken_at: str | None = None
    gps: str | None = None
    readable: bool = True  # False: it claimed to be an image and could not be decoded


def _looks_like_image(name: str) -> tuple[str, bool]:
    mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return mime, mime.startswith("image/") or Path(name).suffix.lower() in {".heic", ".heif"}


def photo_facts(path: Path) -> PhotoFacts:
    """MIME type, and for images the capture time and position from EXIF (Pillow)."""
    mime, image = _looks_like_image(path.name)
    return _picture(path, mime, thumbnail_size=None)[0] if image else PhotoFacts(mime)


def _source(source: Path | bytes) -> Path | io.BytesIO:
    return io.BytesIO(source) if isinstance(source, bytes) else source


def _picture(source: Path | bytes, mime: str, thumbnail_size: int | None) -> tuple[PhotoFacts, bytes | None]:
    """What a picture tells (MIME from its content, EXIF time and position) and, asked for,
    its thumbnail, from one reading of the file or of bytes in memory."""
    from PIL import Image, UnidentifiedImageError

    _heif()
    failures = (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError)
    try:
        with Image.open(_source(source)) as image:
            image.verify()
        with Image.open(_source(source)) as image:
            exif = image.getexif()
            mime = Image.MIME.get(image.format or "", mime)
            facts = PhotoFacts(mime, *_exif_facts(exif))
            if thumbnail_size is None:
                return facts, None
            try:  # a picture whose headers read and whose data does not is still a picture, without a thumbnail
                embedded = _exif_thumbnail(source) if isinstance(source, bytes) and image.format == "JPEG" else None
                return facts, _thumbnail_of(image, exif, embedded, thumbnail_size)
            except failures:
                return facts, None
    except failures:
        return PhotoFacts("application/octet-stream", readable=False), None


def _exif_facts(exif: Any) -> tuple[str | None, str | None]:
    """Capture time and position ('lat,lon') from EXIF."""
    taken = _exif_time(exif.get_ifd(0x8769).get(0x9003) or exif.get(0x0132))  # DateTimeOriginal, else DateTime
    gps = None
    info = exif.get_ifd(0x8825)
    try:
        if info.get(2) and info.get(4):
            def degrees(v) -> float:  # type: ignore[no-untyped-def]
                return float(v[0]) + float(v[1]) / 60 + float(v[2]) / 3600

            lat = degrees(info[2]) * (-1 if info.get(1) == "S" else 1)
            lon = degrees(info[4]) * (-1 if info.get(3) == "W" else 1)
            if math.isfinite(lat) and math.isfinite(lon) and (lat, lon) != (0.0, 0.0):  # 0/0: the camera had no fix
                gps = f"{lat:.6f},{lon:.6f}"
    except (TypeError, ValueError, ZeroDivisionError, IndexError):
        gps = None
    return taken, gps


def _exif_time(value: object) -> str | None:
    """EXIF's '2018:09:12 10:31:05' (the camera's local time) as ISO '2018-09-12T10:31:05'."""
    if not value:
        return None
    text_value = str(value).strip().rstrip("\x00")
    try:
        return dt.datetime.strptime(text_value[:19], "%Y:%m:%d %H:%M:%S").isoformat()
    except ValueError:
        return None  # not a time: what a camera (or anyone) wrote there is not shown as one


def _exif_thumbnail(jpeg: bytes) -> bytes | None:
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


# EXIF orientation → the turn that shows the picture upright (as ImageOps.exif_transpose does)
_UPRIGHT = {2: "FLIP_LEFT_RIGHT", 3: "ROTATE_180", 4: "FLIP_TOP_BOTTOM", 5: "TRANSPOSE", 6: "ROTATE_270", 7: "TRANSVERSE",
            8: "ROTATE_90"}


def _thumbnail_of(image: Any, exif: Any, embedded: bytes | None, size: int) -> bytes:
    """A JPEG of at most size×size, upright, of an opened picture: from the EXIF thumbnail
    when it has the photo's proportions (some cameras letterbox it) and is big enough,
    else decoded at reduced size (JPEG draft mode: an eighth of a 12-megapixel photo)."""
    from PIL import Image

    source = None
    if embedded is not None:
        try:
            small = Image.open(io.BytesIO(embedded))
            small.load()
            (w, h), (tw, th) = image.size, small.size
            if max(tw, th) >= min(size, max(w, h)) and abs(tw * h - th * w) <= 0.02 * w * th:
                source = small
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
            source = None
    if source is None:
        # The decoder's own downscaling (DCT scaling) to the smallest eighth, quarter or half
        # still at least `size` on the side, then a proper resample to `size`.
        image.draft("RGB", (size, size))
        source = image
    source.thumbnail((size, size))
    turn = _UPRIGHT.get(exif.get(0x0112) or 1)
    upright = source.transpose(getattr(Image.Transpose, turn)) if turn else source
    out = io.BytesIO()
    upright.convert("RGB").save(out, "JPEG", quality=85)
    return out.getvalue()


def evidence_id(
    ws: Workspace, sha: str, *, county: str | None, item: str | None, mode: InspectionMode | None, inspector: str
) -> str:
    """One file in one place (county, item, mode) by one person is one piece of evidence."""
    place = json.dumps([sha, county, item, mode.value if mode else None, inspector])
    return versions.natural_id(ws.campaign.id, "evidence", hashlib.sha256(place.encode()).hexdigest())


@dataclass(frozen=True)
class _Incoming:
    """A file read once, ready to store: its bytes and hash (or, too big to hold, its path,
    hashed while it is stored), what it shows, and its thumbnail."""

    name: str
    size: int
    facts: PhotoFacts
    data: bytes | None = None
    sha256: str | None = None
    path: Path | None = None
    thumbnail: bytes | None = None


def _incoming_bytes(data: bytes, name: str) -> _Incoming:
    mime, image = _looks_like_image(name)
    facts, thumb = _picture(data, mime, THUMBNAIL_SIZE) if image else (PhotoFacts(mime), None)
    return _Incoming(name, len(data), facts, data, hashlib.sha256(data).hexdigest(), thumbnail=thumb)


def _read(path: Path, max_bytes: int) -> _Incoming:
    """A file as evidence: refused with a clear message (missing, a folder, unreadable, too
    big), else read once."""
    try:
        if path.is_dir():
            raise InputError.single(path, "folder", "this is a folder, not a file")
        with path.open("rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size > max_bytes:
                raise InputError.single(
                    path, "too_big", f"the file is {size // (1024 * 1024)} MB; the limit is {max_bytes // (1024 * 1024)} MB"
                )
            if size > IN_MEMORY_BYTES:
                return _Incoming(path.name, size, photo_facts(path), path=path)
            data = f.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError.single(path, "missing", "the file is not there (moved or removed?)") from None
    except PermissionError:
        raise InputError.single(path, "unreadable", "the file cannot be read (permission denied)") from None
    except OSError as exc:
        raise InputError.single(path, "unreadable", f"reading the file failed: {exc.strerror or exc}") from None
    if len(data) > max_bytes:  # it grew since it was measured
        raise InputError.single(path, "too_big", f"the file is over the limit of {max_bytes // (1024 * 1024)} MB")
    return _incoming_bytes(data, path.name)


def _store(
    conn: Connection, signer: Signer, ws: Workspace, incoming: _Incoming, *,
    county: str | None, item: str | None, mode: InspectionMode | None, inspector: str, caption: str = "",
    taken_at: str | None = None,
) -> Evidence:
    """Write a file read by _read (its blob, its thumbnail, its evidence version) in the
    caller's transaction. The same file in the same place again writes no new version."""
    if incoming.data is not None:
        sha = blobs.put_bytes(conn, incoming.data, incoming.facts.mime, incoming.sha256)
    else:
        assert incoming.path is not None
        sha = blobs.put_file(conn, incoming.path, incoming.facts.mime)
    if incoming.thumbnail is not None:
        conn.execute(
            text("INSERT INTO thumbnail(sha256, size, data) VALUES (:h, :s, :d) ON CONFLICT DO NOTHING"),
            {"h": sha, "s": THUMBNAIL_SIZE, "d": incoming.thumbnail},
        )
    record_id = evidence_id(ws, sha, county=county, item=item, mode=mode, inspector=inspector)
    current = versions.current_payload(conn, record_id)
    if current is not None and not current[1]:
        payload = current[0]
    else:
        payload = {
            "county": county, "item": item, "mode": mode.value if mode else None, "inspector": inspector, "sha256": sha,
            "name": incoming.name, "mime": incoming.facts.mime, "size": incoming.size, "caption": caption,
            "taken_at": incoming.facts.taken_at or taken_at, "gps": incoming.facts.gps, "attached_at": _now(),
        }
        versions.put(conn, signer, entity="evidence", record_id=record_id, payload=payload, blob_hashes=[sha])
    return Evidence(
        record_id, sha, payload["name"], payload["mime"], int(payload["size"]),
        InspectionMode(payload["mode"]) if payload.get("mode") else None, payload.get("caption", ""), payload.get("taken_at"),
        payload.get("gps"), payload["attached_at"],
    )


def attach(
    ws: Workspace, path: Path, *, county: str | None, item: str | None, mode: InspectionMode | None,
    max_bytes: int = DEFAULT_MAX_EVIDENCE_BYTES, caption: str = "", inspector: str | None = None,
) -> tuple[Evidence, bool]:
    """Store a file as evidence of an item and mode (or in the inbox when county is None),
    with its thumbnail. Returns the evidence and whether it is a picture that could not be
    read (then it is kept as a document). A file attached twice to the same place is one
    piece of evidence. `inspector` names the author where the database has none (the
    lead, on a master)."""
    who = inspector or _inspector(ws)
    incoming = _read(path, max_bytes)
    try:
        with ws.write() as conn:
            signer = ws.database.signer(paths.keys_dir(), conn)
            evidence = _store(conn, signer, ws, incoming, county=county, item=item, mode=mode, inspector=who, caption=caption)
    except OSError as exc:  # a large file, streamed, changed or vanished meanwhile
        raise InputError.single(path, "unreadable", f"reading the file failed: {exc.strerror or exc}") from None
    return evidence, not incoming.facts.readable


def attach_bytes(
    ws: Workspace, data: bytes, name: str, *, county: str | None, item: str | None, mode: InspectionMode | None,
    taken_at: str | None = None, max_bytes: int = DEFAULT_MAX_EVIDENCE_BYTES,
) -> tuple[Evidence, bool]:
    """attach() for bytes that are no file (a photo taken with the computer's camera):
    `name` gives the type by its suffix, `taken_at` the capture time when the bytes carry
    no EXIF."""
    who = _inspector(ws)
    if len(data) > max_bytes:
        raise InputError.single(name, "too_big", f"the picture is over the limit of {max_bytes // (1024 * 1024)} MB")
    incoming = _incoming_bytes(data, name)
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        evidence = _store(conn, signer, ws, incoming, county=county, item=item, mode=mode, inspector=who, taken_at=taken_at)
    return evidence, not incoming.facts.readable


def set_caption(ws: Workspace, record_id: str, caption: str) -> bool:
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        current = versions.current_payload(conn, record_id)
        if current is None or current[1]:
            return False
        payload = {**current[0], "caption": caption.strip()}
        written = versions.put(conn, signer, entity="evidence", record_id=record_id, payload=payload, blob_hashes=[payload["sha256"]])
        return written is not None


def blob_bytes(ws: Workspace, sha: str) -> bytes:
    with ws.read() as conn:
        return b"".join(blobs.read(conn, sha))


def blob_to_file(ws: Workspace, sha: str, target: Path, *, progress: Callable[[int], None] | None = None) -> int:
    """A blob's bytes written to `target` a piece at a time (a 512 MB video is never held
    whole); `progress(bytes so far)` after each piece may raise to stop, and then the partial
    file is removed. Returns the bytes written."""
    written = 0
    try:
        with ws.read() as conn, target.open("wb") as out:
            for chunk in blobs.read(conn, sha):
                out.write(chunk)
                written += len(chunk)
                if progress is not None:
                    progress(written)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return written


def thumbnail(ws: Workspace, sha: str, size: int = THUMBNAIL_SIZE) -> bytes | None:
    """A JPEG thumbnail of an image blob, made once and cached in the file; None for a
    blob that is not a readable image. Attach and import cache it already; this makes it
    for photos that came otherwise (a merge, an older file), from the EXIF thumbnail or
    decoded at reduced size."""
    return thumbnails(ws, [sha], size, workers=1)[sha]


_CACHED_THUMBNAILS = text("SELECT sha256, data FROM thumbnail WHERE size = :s AND sha256 IN :h").bindparams(
    bindparam("h", expanding=True)
)


def thumbnails(ws: Workspace, shas: Sequence[str], size: int = THUMBNAIL_SIZE, *, workers: int = 2) -> dict[str, bytes | None]:
    """thumbnail() of many blobs: the cached ones in one read, the others made `workers` at a
    time (decoding runs outside the GIL) and cached in one transaction — a printed record's
    fifty photos cost fifty decodes and one commit, not fifty."""
    found: dict[str, bytes | None] = {}
    with ws.read() as conn:
        for start in range(0, len(shas), 500):
            chunk = list(shas[start : start + 500])
            rows = conn.execute(_CACHED_THUMBNAILS, {"s": size, "h": chunk})
            found.update((h, bytes(d)) for h, d in rows)
    missing = [h for h in dict.fromkeys(shas) if h not in found]
    if not missing:
        return found
    if workers > 1 and len(missing) > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=workers) as pool:
            made = dict(zip(missing, pool.map(lambda h: _make_thumbnail(ws, h, size), missing), strict=True))
    else:
        made = {h: _make_thumbnail(ws, h, size) for h in missing}
    try:
        with ws.write() as conn:
            for h, thumb in made.items():
                if thumb is not None:
                    conn.execute(
                        text("INSERT INTO thumbnail(sha256, size, data) VALUES (:h, :s, :d) ON CONFLICT DO NOTHING"),
                        {"h": h, "s": size, "d": thumb},
                    )
    except KnownDatabaseError:
        pass  # a cache: a busy or read-only database still gets its thumbnails, made again next time
    return {**found, **made}


def _make_thumbnail(ws: Workspace, sha: str, size: int) -> bytes | None:
    from PIL import Image, UnidentifiedImageError

    _heif()
    data = blob_bytes(ws, sha)
    try:
        with Image.open(io.BytesIO(data)) as opened:
            # Larger than the grid's (the printed record's): always from the photo itself, never
            # from an embedded thumbnail that could show another picture than the one stored.
            embedded = _exif_thumbnail(data) if opened.format == "JPEG" and size <= THUMBNAIL_SIZE else None
            return _thumbnail_of(opened, opened.getexif(), embedded, size)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError):
        return None


__all__ = [
    "CountyStatus", "Edits", "Evidence", "Finding", "ItemRecord", "ItemStatus", "Problem", "attach", "attach_bytes",
    "check_score", "county_status", "default_deadline", "editing", "item_record", "remove", "save_item", "save_problem",
    "set_caption", "thumbnail", "thumbnails",
]


# --- signatures -------------------------------------------------------------------------------

SIGNER_ROLES = validity.SIGNER_ROLES


@dataclass(frozen=True)
class Signature:
    record_id: str
    signer_role: str
    signer_name: str
    signed_at: str
    image_sha256: str
    current: bool  # False: the record changed after it was signed, so it needs signing again


def record_digest(ws: Workspace, county: str) -> str:
    """A fingerprint of everything this inspector recorded for the county (scores,
    findings, problems, evidence): any edit changes it, so a signature made before the
    edit no longer matches."""
    who = _inspector(ws)
    with ws.read() as conn:
        return digest_of_record(conn, county, who)


def digest_of_record(conn: Connection, county: str, inspector: str) -> str:
    """record_digest of any inspector's record (the master prints everyone's signatures)."""
    digest = hashlib.sha256()
    for table in ("current_score", "current_finding", "current_problem", "current_evidence"):
        for record_id, version_id in conn.execute(
            text(f"SELECT record_id, version_id FROM {table} WHERE county = :c AND inspector = :i ORDER BY record_id"),
            {"c": county, "i": inspector},
        ):
            digest.update(f"{table}:{record_id}:{version_id}\n".encode())
    return digest.hexdigest()


def signatures(ws: Workspace, county: str) -> dict[str, Signature]:
    """The county's signatures by signer role, each marked current or outdated."""
    who = _inspector(ws)
    now = record_digest(ws, county)
    with ws.read() as conn:
        rows = conn.execute(
            text(
                "SELECT record_id, signer_role, signer_name, signed_at, image_sha256, record_digest FROM current_signature "
                "WHERE county = :c AND inspector = :i"
            ),
            {"c": county, "i": who},
        ).all()
    return {r[1]: Signature(r[0], r[1], r[2], r[3], r[4], r[5] == now) for r in rows}


def sign(ws: Workspace, county: str, *, signer_role: str, signer_name: str, strokes: list[list[list[float]]], png: bytes) -> Signature:
    """Sign the county's record as it is now: the strokes (as vectors, 0…1 of the pad) and
    their picture, the signer's name and role, the time, and the record's fingerprint."""
    who = _inspector(ws)
    if signer_role not in SIGNER_ROLES:
        raise InputError.single("signature", "role", f"signer role must be one of {', '.join(SIGNER_ROLES)}")
    if not signer_name.strip():
        raise InputError.single("signature", "name", "the signer's name is missing")
    if not strokes or not any(len(s) > 1 for s in strokes):
        raise InputError.single("signature", "empty", "the signature pad is empty")
    vectors = [[[round(float(x), 4), round(float(y), 4)] for x, y in stroke] for stroke in strokes]
    digest = record_digest(ws, county)
    record_id = versions.natural_id(ws.campaign.id, "signature", county, who, signer_role)
    signed_at = _now()
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        sha = blobs.put_bytes(conn, png, "image/png")
        versions.put(
            conn, signer, entity="signature", record_id=record_id, blob_hashes=[sha],
            payload={
                "county": county, "inspector": who, "signer_role": signer_role, "signer_name": signer_name.strip(),
                "signed_at": signed_at, "strokes": json.dumps(vectors, separators=(",", ":")), "image_sha256": sha,
                "record_digest": digest,
            },
        )
    return Signature(record_id, signer_role, signer_name.strip(), signed_at, sha, True)


# --- the photo inbox ----------------------------------------------------------------------------

PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".heic", ".heif", ".tif", ".tiff", ".webp"}


def inbox(ws: Workspace) -> tuple[Evidence, ...]:
    """Photos imported but not yet put under an item, oldest capture first."""
    who = _inspector(ws)
    with ws.read() as conn:
        rows = conn.execute(
            text(
                f"SELECT {_EVIDENCE_COLUMNS} FROM current_evidence WHERE county IS NULL AND inspector = :i "
                "ORDER BY coalesce(taken_at, attached_at), name, record_id"
            ),
            {"i": who},
        ).all()
    return tuple(_evidence(tuple(r)) for r in rows)


@dataclass
class FolderImport:
    imported: int = 0
    # (file name, why): a problem code (missing, unreadable, too_big, …) or "not_picture"
    # for a picture that could not be read and was kept as a document
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _batches(photos: list[Path]) -> Iterator[list[Path]]:
    """Photos in batches of at most BATCH_PHOTOS and about BATCH_BYTES (a larger photo alone)."""
    batch: list[Path] = []
    size = 0
    for path in photos:
        try:
            length = path.stat().st_size
        except OSError:
            length = 0  # refused with its reason when it is read
        if batch and (len(batch) >= BATCH_PHOTOS or size + length > BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(path)
        size += length
    if batch:
        yield batch


def import_folder(
    ws: Workspace, folder: Path, *, progress: Callable[[int, int], None] | None = None, cancelled: Callable[[], bool] = lambda: False,
    max_bytes: int = DEFAULT_MAX_EVIDENCE_BYTES,
) -> FolderImport:
    """Put every photo of a folder (a camera card, a phone's DCIM), sub-folders included,
    into the inbox, each with its thumbnail. A photo is read once (hash, EXIF, thumbnail
    from the same bytes, before the transaction); photos are written a batch per
    transaction, so there are few fsyncs, and a cancel or a crash keeps the batches
    committed before it and nothing of the next. (Reading the next batch in a second thread
    while one is written gained nothing measurable: the disk's writes and fsyncs are the
    cost.) `progress(done, total)` is called after each committed batch."""
    who = _inspector(ws)
    if not folder.is_dir():
        raise InputError.single(folder, "missing", "the folder is not there")
    photos = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in PHOTO_SUFFIXES)
    result = FolderImport()
    if progress:
        progress(0, len(photos))

    def read_batch(batch: list[Path]) -> list[tuple[Path, _Incoming | InputError]] | None:
        ready: list[tuple[Path, _Incoming | InputError]] = []
        for path in batch:
            if cancelled():
                return None
            try:
                ready.append((path, _read(path, max_bytes)))
            except InputError as exc:
                ready.append((path, exc))
        return ready

    done = 0
    # An idle connection (no transaction, so checkpoints go on) held for the whole import keeps
    # the write-ahead log between batches: otherwise each batch's connection, the file's last,
    # checkpoints and deletes it on closing, and the next batch grows a new one (some 15 %).
    with ws.database.engine.connect():
        for batch in _batches(photos):
            ready = read_batch(batch)
            if ready is None:
                break
            imported, skipped = _import_batch(ws, ready, who)
            result.imported += imported
            result.skipped += skipped
            done += len(ready)
            if progress:
                progress(done, len(photos))
    return result


def _import_batch(ws: Workspace, ready: list[tuple[Path, _Incoming | InputError]], who: str) -> tuple[int, list[tuple[str, str]]]:
    """One batch of a folder into the inbox, in one transaction: (photos stored, reasons left out)."""
    imported, skipped = 0, list[tuple[str, str]]()
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        for path, incoming in ready:
            if isinstance(incoming, InputError):
                skipped.append((path.name, incoming.problems[0].code))
                continue
            try:
                with conn.begin_nested():  # a large file streamed from the card may vanish meanwhile: it alone is left out
                    _store(conn, signer, ws, incoming, county=None, item=None, mode=None, inspector=who)
            except OSError:
                skipped.append((path.name, "unreadable"))
                continue
            if not incoming.facts.readable:
                skipped.append((path.name, "not_picture"))
            imported += 1
    return imported, skipped


def assign(ws: Workspace, record_ids: Iterable[str], *, county: str, item: str, mode: InspectionMode) -> int:
    """Move photos from the inbox to an item and mode of a county, in one transaction."""
    who = _inspector(ws)
    moved = 0
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        for record_id in record_ids:
            current = versions.current_payload(conn, record_id)
            if current is None or current[1] or current[0].get("county") is not None or current[0].get("inspector") != who:
                continue
            payload = dict(current[0])
            sha = payload["sha256"]
            target = evidence_id(ws, sha, county=county, item=item, mode=mode, inspector=who)
            existing = versions.current_payload(conn, target)
            if existing is None or existing[1]:
                versions.put(
                    conn, signer, entity="evidence", record_id=target, blob_hashes=[sha],
                    payload={**payload, "county": county, "item": item, "mode": mode.value},
                )
            versions.withdraw(conn, signer, record_id, entity="evidence")
            moved += 1
    return moved
