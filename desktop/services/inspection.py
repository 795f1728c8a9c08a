"""The inspector's work on one county: what the field GUI reads and writes.

Reads are cheap and whole (one query per table for a county), so the tree and the item
view are always drawn from the database as it is, never from a copy that could drift.
Every write is one transaction that the caller may report as saved once it returns.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import math
import mimetypes
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import Connection, text

from db import blobs, versions
from desktop import paths
from desktop.core.errors import InputError
from desktop.core.indicators import Indicator
from desktop.core.inspection import FindingStatus, InspectionMode
from desktop.core.numbers import canonical, on_half_grid
from desktop.services import records
from desktop.services.workspace import Workspace

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

    def node_score(self, node: Indicator, leaves: Iterable[str]) -> tuple[Decimal, int, int]:
        """(score so far, items scored, items) over the items under a node."""
        codes = list(leaves)
        scored = [self.item(c).score for c in codes if self.item(c).scored]
        return sum((s for s in scored if s is not None), Decimal(0)), len(scored), len(codes)


def _inspector(ws: Workspace) -> str:
    who = ws.identity.inspector
    if not who:
        raise InputError.single(ws.path, "no_inspector", "this database has no inspector (a master); the field workspace needs one")
    return who


def county_status(ws: Workspace, county: str) -> CountyStatus:
    who = _inspector(ws)
    status: dict[str, dict[str, object]] = {}

    def entry(item: str) -> dict[str, object]:
        return status.setdefault(item, {"score": None, "modes": set(), "problems": 0, "evidence": 0})

    with ws.read() as conn:
        args = {"c": county, "i": who}
        for item, score in conn.execute(text("SELECT item, score FROM current_score WHERE county = :c AND inspector = :i"), args):
            entry(item)["score"] = Decimal(score)
        for item, mode, body, state in conn.execute(
            text("SELECT item, mode, text, status FROM current_finding WHERE county = :c AND inspector = :i"), args
        ):
            if body or state != FindingStatus.UNCHECKED:
                entry(item)["modes"].add(InspectionMode(mode))  # type: ignore[attr-defined]
        for item, count in conn.execute(
            text("SELECT item, count(*) FROM current_problem WHERE county = :c AND inspector = :i GROUP BY item"), args
        ):
            entry(item)["problems"] = count
        for item, count in conn.execute(
            text("SELECT item, count(*) FROM current_evidence WHERE county = :c AND inspector = :i GROUP BY item"), args
        ):
            entry(item)["evidence"] = count
    return CountyStatus({
        code: ItemStatus(v["score"], frozenset(v["modes"]), v["problems"], v["evidence"])  # type: ignore[arg-type]
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
            Problem(r[0], r[1], r[2], dt.date.fromisoformat(r[3]) if r[3] else None, r[4])
            for r in conn.execute(
                text(
                    "SELECT record_id, description, severity, deadline, created_at FROM current_problem "
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
    if not score.is_finite() or score < 0 or score > node.points:
        raise InputError.single("score", "out_of_range", f"{value} is outside 0 to {canonical(node.points)}")
    if not on_half_grid(score):
        raise InputError.single("score", "not_half_step", f"{value} is not a multiple of 0.5")
    return score


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def save_item(
    ws: Workspace, county: str, item: str, *, score: Decimal | None, comment: str, findings: Iterable[Finding]
) -> int:
    """Write what the item editor holds, in one transaction; returns the records changed
    (0 when nothing differs from what is stored, so an idle autosave writes nothing)."""
    who = _inspector(ws)
    changed = 0
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        where = {"county": county, "item": item, "inspector": who}
        if score is not None:
            changed += records.set_score(conn, signer, ws, score=score, comment=comment, **where)
        else:
            changed += versions.withdraw(conn, signer, records.score_id(ws, county, item, who), entity="score") is not None
        for finding in findings:
            changed += _put_finding(conn, signer, ws, finding, **where)
    return changed


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
    who = _inspector(ws)
    if not description.strip():
        raise InputError.single("problem", "empty", "a problem needs a description")
    if severity not in SEVERITIES:
        raise InputError.single("problem", "severity", f"severity must be one of {', '.join(SEVERITIES)}")
    record_id = record_id or versions.new_id()
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        current = versions.current_payload(conn, record_id)
        created = current[0].get("created_at") if current else None
        status = current[0].get("status", "open") if current else "open"
        versions.put(
            conn, signer, entity="problem", record_id=record_id,
            payload={
                "county": county, "item": item, "inspector": who, "description": description.strip(), "severity": severity,
                "deadline": deadline.isoformat() if deadline else None, "created_at": created or _now(), "status": status,
            },
        )
    return record_id


def remove(ws: Workspace, entity: str, record_id: str) -> bool:
    """Delete a problem or a piece of evidence (a tombstone; the history keeps it). An id
    of another kind of record than `entity` deletes nothing."""
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        return versions.withdraw(conn, signer, record_id, entity=entity) is not None


# --- evidence ---------------------------------------------------------------------------------


@functools.cache
def _heif() -> None:
    """Let Pillow open the HEIC photos of phones (once per process), and photos of up to
    250 megapixels (a 200 MP phone camera) without taking them for decompression bombs."""
    from PIL import Image
    from pillow_heif import register_heif_opener

    register_heif_opener()
    Image.MAX_IMAGE_PIXELS = 250_000_000


@dataclass(frozen=True)
class PhotoFacts:
    mime: str
    taken_at: str | None = None
    gps: str | None = None
    readable: bool = True  # False: it claimed to be an image and could not be decoded


def photo_facts(path: Path) -> PhotoFacts:
    """MIME type, and for images the capture time and position from EXIF (Pillow)."""
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if not mime.startswith("image/") and path.suffix.lower() not in {".heic", ".heif"}:
        return PhotoFacts(mime)
    from PIL import Image, UnidentifiedImageError

    _heif()
    try:
        with Image.open(path) as image:
            image.verify()
        with Image.open(path) as image:
            exif = image.getexif()
            mime = Image.MIME.get(image.format or "", mime)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError):
        return PhotoFacts("application/octet-stream", readable=False)
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
    return PhotoFacts(mime, taken, gps)


def _exif_time(value: object) -> str | None:
    """EXIF's '2018:09:12 10:31:05' (the camera's local time) as ISO '2018-09-12T10:31:05'."""
    if not value:
        return None
    text_value = str(value).strip().rstrip("\x00")
    try:
        return dt.datetime.strptime(text_value[:19], "%Y:%m:%d %H:%M:%S").isoformat()
    except ValueError:
        return text_value or None


def evidence_id(
    ws: Workspace, sha: str, *, county: str | None, item: str | None, mode: InspectionMode | None, inspector: str
) -> str:
    """One file in one place (county, item, mode) by one person is one piece of evidence."""
    place = json.dumps([sha, county, item, mode.value if mode else None, inspector])
    return versions.natural_id(ws.campaign.id, "evidence", hashlib.sha256(place.encode()).hexdigest())


def attach(
    ws: Workspace, path: Path, *, county: str | None, item: str | None, mode: InspectionMode | None,
    max_bytes: int = DEFAULT_MAX_EVIDENCE_BYTES, caption: str = "", inspector: str | None = None,
) -> tuple[Evidence, bool]:
    """Store a file as evidence of an item and mode (or in the inbox when county is None).
    Returns the evidence and whether it is a picture that could not be read (then it is
    kept as a document). A file attached twice to the same place is one piece of evidence.
    `inspector` names the author where the database has none (the lead, on a master)."""
    who = inspector or _inspector(ws)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise InputError.single(path, "folder", "this is a folder, not a file")
    except FileNotFoundError:
        raise InputError.single(path, "missing", "the file is not there (moved or removed?)") from None
    except PermissionError:
        raise InputError.single(path, "unreadable", "the file cannot be read (permission denied)") from None
    if size > max_bytes:
        raise InputError.single(path, "too_big", f"the file is {size // (1024 * 1024)} MB; the limit is {max_bytes // (1024 * 1024)} MB")
    facts = photo_facts(path)
    try:
        with ws.write() as conn:
            signer = ws.database.signer(paths.keys_dir(), conn)
            sha = blobs.put_file(conn, path, facts.mime)
            record_id = evidence_id(ws, sha, county=county, item=item, mode=mode, inspector=who)
            current = versions.current_payload(conn, record_id)
            if current is not None and not current[1]:
                payload = current[0]
            else:
                payload = {
                    "county": county, "item": item, "mode": mode.value if mode else None, "inspector": who, "sha256": sha,
                    "name": path.name, "mime": facts.mime, "size": size, "caption": caption, "taken_at": facts.taken_at,
                    "gps": facts.gps, "attached_at": _now(),
                }
                versions.put(conn, signer, entity="evidence", record_id=record_id, payload=payload, blob_hashes=[sha])
    except OSError as exc:
        raise InputError.single(path, "unreadable", f"reading the file failed: {exc.strerror or exc}") from None
    evidence = Evidence(
        record_id, sha, payload["name"], payload["mime"], int(payload["size"]),
        InspectionMode(payload["mode"]) if payload.get("mode") else None, payload.get("caption", ""), payload.get("taken_at"),
        payload.get("gps"), payload["attached_at"],
    )
    return evidence, not facts.readable


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


def thumbnail(ws: Workspace, sha: str, size: int = 160) -> bytes | None:
    """A JPEG thumbnail of an image blob, made once and cached in the file; None for a
    blob that is not a readable image. Decodes at reduced size (JPEG draft mode), so a
    12-megapixel photo costs a fraction of a full decode."""
    with ws.read() as conn:
        cached = conn.execute(text("SELECT data FROM thumbnail WHERE sha256 = :h AND size = :s"), {"h": sha, "s": size}).scalar()
    if cached is not None:
        return bytes(cached)
    import io

    from PIL import Image, ImageOps, UnidentifiedImageError

    _heif()
    data = blob_bytes(ws, sha)
    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.draft("RGB", (size * 2, size * 2))
            image = ImageOps.exif_transpose(opened)
            image.thumbnail((size, size))
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=85)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError):
        return None
    thumb = out.getvalue()
    with ws.write() as conn:
        conn.execute(
            text("INSERT INTO thumbnail(sha256, size, data) VALUES (:h, :s, :d) ON CONFLICT DO NOTHING"), {"h": sha, "s": size, "d": thumb}
        )
    return thumb


__all__ = [
    "CountyStatus", "Evidence", "Finding", "ItemRecord", "ItemStatus", "Problem", "attach", "check_score", "county_status",
    "default_deadline", "item_record", "remove", "save_item", "save_problem", "set_caption", "thumbnail",
]


# --- signatures -------------------------------------------------------------------------------

SIGNER_ROLES = ("inspector", "liaison")  # 检查员, 被检查单位负责人


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
    digest = hashlib.sha256()
    with ws.read() as conn:
        for table in ("current_score", "current_finding", "current_problem", "current_evidence"):
            for record_id, version_id in conn.execute(
                text(f"SELECT record_id, version_id FROM {table} WHERE county = :c AND inspector = :i ORDER BY record_id"),
                {"c": county, "i": who},
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
    skipped: list[str] = field(default_factory=list)  # "name: reason"


def import_folder(
    ws: Workspace, folder: Path, *, progress: Callable[[int, int], None] | None = None, cancelled: Callable[[], bool] = lambda: False
) -> FolderImport:
    """Put every photo of a folder (a camera card, a phone's DCIM), sub-folders included,
    into the inbox. Each photo is its own transaction: a cancel keeps those done."""
    if not folder.is_dir():
        raise InputError.single(folder, "missing", "the folder is not there")
    photos = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in PHOTO_SUFFIXES)
    result = FolderImport()
    for index, path in enumerate(photos):
        if cancelled():
            break
        if progress:
            progress(index, len(photos))
        try:
            _evidence_item, unreadable = attach(ws, path, county=None, item=None, mode=None)
        except InputError as exc:
            result.skipped.append(f"{path.name}: {exc.problems[0].message}")
            continue
        if unreadable:
            result.skipped.append(f"{path.name}: not a readable picture (kept as a document)")
        result.imported += 1
    if progress:
        progress(len(photos), len(photos))
    return result


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
