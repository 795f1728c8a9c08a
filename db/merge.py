"""Merging exported files into a database: the master's intake, and back to the laptops.

A file offered to merge is hostile until proven otherwise (SYNC.md):
1. it is copied to a local quarantine folder, hashed on the way (a USB stick may vanish
   or change under us; a copy we made cannot). A file whose exact bytes were merged
   before is "nothing new" at once;
2. its header is checked (SQLite, our application_id, our schema version), then it is
   opened read-only and immutable with hardened settings, `integrity_check`ed, and its
   schema compared with ours exactly (a view or a trigger can impersonate a table);
3. its signed manifest is checked: signature, chain, and every figure recomputed from the
   file (a removed row shows here); then the devices (enrolled? same key?), every new
   version's hash and signature, its parents, its sequence number, what a field device
   may sign, and every new blob's bytes against its hash;
4. then one `BEGIN IMMEDIATE` transaction on the receiving database: the union of versions,
   parents and blobs (set-based, through ATTACH), the device enrolments, the manifests,
   the projection of the affected records, the counts checked against what step 3
   verified, and an import-log row. A failure anywhere rolls all of it back.

The receiving database is backed up (backup API) before the first file of a batch that
changes anything. A dry run does steps 1–4 and rolls back: its report is exact.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import sqlite3
import tempfile
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, bindparam, text
from sqlalchemy.exc import IntegrityError, OperationalError

from db import canonical, engine, keys, local, manifest, migrations, projection
from db.database import Database
from db.errors import DiskFull, KnownDatabaseError, Refused

_CHUNK = 1024 * 1024
_TAKEN = text("SELECT device_id, seq, version_id FROM version WHERE device_id IN :d").bindparams(bindparam("d", expanding=True))
MAX_BLOB_BYTES = 512 * 1024 * 1024  # one piece of evidence; SQLite's length limit is lowered to this

# What a field device may sign. A master signs anything (resolutions, adjudications).
_FIELD_ENTITIES = {"score", "finding", "method_score", "evidence", "problem", "signature"}
_PER_INSPECTOR = {"score", "finding", "evidence", "problem", "signature"}


# Which devices not seen before may be enrolled: all (True), none (False), or those named.
Enroll = bool | frozenset[str]


class Cancelled(Exception):
    """The user cancelled; the file being merged was rolled back, earlier ones stay merged."""


@dataclass(frozen=True)
class DeviceInfo:
    id: str
    role: str
    inspector: str | None
    public_key: bytes
    fingerprint: str


@dataclass
class FileReport:
    file: Path
    status: str  # merged | nothing-new | refused | dry-run
    reason: str = ""
    code: str = ""
    device_id: str = ""
    inspector: str | None = None
    role: str = ""
    export_number: int = 0
    versions_added: int = 0
    versions_present: int = 0
    blobs_added: int = 0
    blob_bytes: int = 0
    conflicts: int = 0
    records_in_conflict: list[str] = field(default_factory=list)
    enrolled: list[DeviceInfo] = field(default_factory=list)
    older_than: int = 0  # the receiver has merged a later export of the same device
    file_sha256: str = ""


@dataclass
class _Plan:
    """What verification established about one quarantined file."""

    exporter: manifest.Manifest | None  # None: a laptop's database file, merged as it is
    source: str  # the device whose file it is
    chain: list[manifest.Manifest]
    devices: dict[str, DeviceInfo]
    new_devices: list[DeviceInfo]
    new_versions: int
    present_versions: int
    new_blobs: int
    new_blob_bytes: int
    max_hlc: int
    older_than: int
    verified_versions: list[str]  # the new versions whose signatures were checked
    verified_blobs: list[str]  # the new blobs whose bytes were hashed


# --- step 1: quarantine --------------------------------------------------------------------


def _copy_hashing(source: Path, target: Path) -> str:
    digest = hashlib.sha256()
    try:
        with source.open("rb") as src, target.open("wb") as dst:
            while chunk := src.read(_CHUNK):
                digest.update(chunk)
                dst.write(chunk)
    except FileNotFoundError as exc:
        raise Refused(source, "unreadable", "the file is not there (was the USB stick removed?)") from exc
    except IsADirectoryError as exc:
        raise Refused(source, "unreadable", "this is a folder, not an exported file") from exc
    except PermissionError as exc:
        raise Refused(source, "unreadable", "the file cannot be read (permission denied)") from exc
    except OSError as exc:
        raise Refused(source, "unreadable", f"reading the file failed: {exc.strerror or exc}") from exc
    return digest.hexdigest()


def _quarantine(source: Path, target: Path) -> str:
    """Copy the file to our own folder and hash it. A laptop's database copied as it is
    may hold its last commits in a WAL file beside it: then SQLite's backup API makes the
    copy, so those commits come along (the header is checked first)."""
    wal = source.with_name(source.name + "-wal")
    if not (wal.is_file() and wal.stat().st_size > 0):
        return _copy_hashing(source, target)
    try:
        app_id, _ = migrations.header(source)
    except KnownDatabaseError as exc:
        raise Refused(source, "not_yanshou", "not a SQLite database file (empty, truncated or something else)") from exc
    if app_id != migrations.APPLICATION_ID:
        raise Refused(source, "not_yanshou", "a SQLite database, but not one made by Yanshou")
    try:
        migrations.backup(source, target)
    except sqlite3.Error as exc:
        raise Refused(source, "unreadable", f"the database could not be read ({exc})") from exc
    digest = hashlib.sha256()
    with target.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- step 2: the file itself -----------------------------------------------------------------


def open_hardened(path: Path) -> sqlite3.Connection:
    """A foreign file, read-only and immutable, with SQLite's defences up."""
    conn = sqlite3.connect(engine.file_uri(path, "mode=ro&immutable=1"), uri=True, isolation_level=None)
    try:
        conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_BLOB_BYTES + _CHUNK)
        conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, 100_000)
        conn.setlimit(sqlite3.SQLITE_LIMIT_EXPR_DEPTH, 100)
        conn.setlimit(sqlite3.SQLITE_LIMIT_COLUMN, 100)
        conn.setlimit(sqlite3.SQLITE_LIMIT_TRIGGER_DEPTH, 1)
        for pragma in ("trusted_schema=OFF", "cell_size_check=ON", "mmap_size=0", "query_only=ON"):
            conn.execute(f"PRAGMA {pragma}")
    except BaseException:
        conn.close()
        raise
    return conn


def _schema_rows(conn: sqlite3.Connection) -> list[tuple[str, str, str, str | None]]:
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()
    return [tuple(r) for r in rows]


@functools.cache
def expected_schema() -> tuple[tuple[str, str, str, str | None], ...]:
    """sqlite_master of a database made by this program, as `init` makes it."""
    with tempfile.TemporaryDirectory(prefix="yanshou-schema-") as work:
        path = Path(work) / "schema.db"
        eng = engine.sqlite_engine(path)
        try:
            migrations.upgrade(eng, path)
        finally:
            eng.dispose()
        conn = sqlite3.connect(path)
        try:
            return tuple(_schema_rows(conn))
        finally:
            conn.close()


def _check_file(path: Path, shown: Path) -> sqlite3.Connection:
    try:
        app_id, version = migrations.header(path)
    except KnownDatabaseError as exc:
        raise Refused(shown, "not_yanshou", "not a SQLite database file (empty, truncated or something else)") from exc
    if app_id != migrations.APPLICATION_ID:
        raise Refused(shown, "not_yanshou", "a SQLite database, but not one made by Yanshou")
    if version > migrations.SCHEMA_VERSION:
        ours = migrations.SCHEMA_VERSION
        raise Refused(shown, "too_new", f"made by a newer Yanshou (schema {version}, this program reads {ours}); update this program")
    if version < migrations.SCHEMA_VERSION:
        raise Refused(shown, "too_old", f"made by an older Yanshou (schema {version}); update Yanshou on that laptop and export again")
    conn = open_hardened(path)
    try:
        try:
            check = [r[0] for r in conn.execute("PRAGMA integrity_check(20)")]
        except sqlite3.DatabaseError as exc:
            raise Refused(shown, "corrupt", f"the file is damaged or truncated ({exc})") from exc
        if check != ["ok"]:
            raise Refused(shown, "corrupt", "the file is damaged: " + "; ".join(check[:3]))
        got = _schema_rows(conn)
        want = list(expected_schema())
        if got != want:
            extra = sorted({f"{r[0]} {r[1]}" for r in got} - {f"{r[0]} {r[1]}" for r in want})
            missing = sorted({f"{r[0]} {r[1]}" for r in want} - {f"{r[0]} {r[1]}" for r in got})
            parts = [f"not ours: {', '.join(extra)}" if extra else "", f"missing: {', '.join(missing)}" if missing else ""]
            detail = "; ".join(p for p in parts if p) or "a table's definition was changed"
            raise Refused(shown, "schema", f"its tables differ from a Yanshou export ({detail})")
    except BaseException:
        conn.close()
        raise
    return conn


# --- step 3: what the file says, checked ----------------------------------------------------


@dataclass(frozen=True)
class _Receiver:
    campaigns: list[tuple[str, str]]
    devices: dict[str, DeviceInfo]
    device_id: str


def _receiver(conn: Connection, database: Database) -> _Receiver:
    identity = database.identity(conn)
    campaigns = [tuple(r) for r in conn.execute(text("SELECT id, sha256 FROM campaign ORDER BY id"))]
    devices = {
        r[0]: DeviceInfo(r[0], r[1], r[2], bytes(r[3]), r[4])
        for r in conn.execute(text("SELECT id, role, inspector, public_key, fingerprint FROM device"))
    }
    return _Receiver(campaigns, devices, identity.device_id)  # type: ignore[arg-type]


def _who(device: DeviceInfo) -> str:
    name = device.inspector or ("the lead's master" if device.role == "master" else "no inspector")
    return f"{name}, device {device.id[:8]}, key {keys.show_fingerprint(device.fingerprint)}"


def _first_bad_signature(
    items: list[tuple[str, bytes, bytes, str]], verifiers: dict[str, keys.Verifier]
) -> tuple[str, str] | None:
    """Check signatures on every core (the library releases the GIL); the first failure."""

    def check(chunk: list[tuple[str, bytes, bytes, str]]) -> tuple[str, str] | None:
        for vid, data, signature, device_id in chunk:
            if not verifiers[device_id](signature, data):
                return vid, device_id
        return None

    workers = max(1, min(os.cpu_count() or 1, 8))
    if len(items) < 200 or workers == 1:
        return check(items)
    size = -(-len(items) // workers)
    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(check, [items[i : i + size] for i in range(0, len(items), size)]))
    return next((r for r in results if r is not None), None)


def _verify(
    foreign: sqlite3.Connection, conn: Connection, receiver: _Receiver, shown: Path, *, enroll: Enroll
) -> _Plan:
    def refuse(code: str, message: str) -> Refused:
        return Refused(shown, code, message)

    # the campaign: reference data is the same everywhere, or the file belongs elsewhere
    campaigns = [tuple(r) for r in foreign.execute("SELECT id, sha256 FROM campaign ORDER BY id")]
    if campaigns != receiver.campaigns:
        raise refuse("campaign", "the file belongs to a different campaign (or a different version of its campaign file)")

    # the devices the file knows, each key matching its fingerprint
    devices: dict[str, DeviceInfo] = {}
    for r in foreign.execute("SELECT id, role, inspector, public_key, fingerprint FROM device"):
        info = DeviceInfo(r[0], r[1], r[2], bytes(r[3]), r[4])
        if keys.fingerprint(info.public_key) != info.fingerprint or info.role not in {"field", "master"}:
            raise refuse("device_key", f"device {info.id[:8]}'s key does not match its fingerprint")
        devices[info.id] = info

    # the exporter's manifest and its chain; a database file copied as it is has none
    row = foreign.execute("SELECT value FROM local_state WHERE key = ?", (manifest.EXPORT_KEY,)).fetchone()
    if row is not None:
        exported, chain, older_than = _check_manifest(foreign, conn, devices, row[0], refuse)
        source = exported.device_id
    else:
        exported, chain, older_than = None, [], 0
        claimed = foreign.execute("SELECT value FROM local_state WHERE key = 'device_id'").fetchone()
        if claimed is None or claimed[0] not in devices:
            raise refuse("not_export", "neither an export nor a laptop's database: it names no device of its own")
        source = claimed[0]
    # every device's sequence numbers run 1, 2, 3… without a gap (a removed row shows)
    for device_id, count, first, last in foreign.execute("SELECT device_id, count(*), min(seq), max(seq) FROM version GROUP BY device_id"):
        if first != 1 or last != count:
            raise refuse("contents", f"versions of device {str(device_id)[:8]} are missing (numbers {first}…{last}, {count} present)")

    # devices: known here with the same key (what this database enrolled is trusted, not
    # the file's unsigned device table), or new and enrolled only with consent
    used = {r[0] for r in foreign.execute("SELECT DISTINCT device_id FROM version")} | {source}
    trusted: dict[str, DeviceInfo] = {}
    new_devices = []
    for device_id in sorted(used):
        info = devices.get(device_id)
        if info is None:
            raise refuse("device_key", f"versions of a device the file does not describe ({device_id[:8]})")
        known = receiver.devices.get(device_id)
        if known is not None:
            if known.fingerprint != info.fingerprint:
                raise refuse("device_key", f"device {device_id[:8]} is enrolled here with another key: the file is not from it")
            trusted[device_id] = known
            continue
        # new: as the file describes it; an export's signed manifest covers that description
        # (devices_sha256), and the lead checks name and key with the inspector before enrolling
        trusted[device_id] = info
        new_devices.append(info)
    if exported is not None:
        claimed = trusted[source]
        if (exported.body.get("role"), exported.body.get("inspector")) != (claimed.role, claimed.inspector):
            raise refuse("manifest", "the export's manifest names another role or inspector than its device")
    refused_devices = [d for d in new_devices if not (enroll is True or (not isinstance(enroll, bool) and d.id in enroll))]
    if refused_devices:
        names = "; ".join(_who(d) for d in refused_devices)
        raise refuse("not_enrolled", f"from a device not enrolled here ({names}); check the key with the inspector and merge with --enroll")

    # versions not yet here: content, signature, parents, sequence, what the device may sign
    present_ids = set(conn.execute(text("SELECT version_id FROM version")).scalars())
    taken = {(r[0], r[1]): r[2] for r in conn.execute(_TAKEN, {"d": sorted(used)})}
    parents: dict[str, list[str]] = {}
    for vid, pid in foreign.execute("SELECT version_id, parent_id FROM version_parent"):
        parents.setdefault(vid, []).append(pid)
    file_ids = {r[0] for r in foreign.execute("SELECT version_id FROM version")}
    verifiers = {d: keys.Verifier(devices[d].public_key) for d in used}
    referenced: set[str] = set()
    present = 0
    max_hlc = 0
    to_check: list[tuple[str, bytes, bytes, str]] = []  # (version id, encoding, signature, device)
    rows = foreign.execute(
        "SELECT version_id, record_id, entity, device_id, seq, hlc, deleted, payload, blob_hashes, signature FROM version"
    )
    for vid, record_id, entity, device_id, seq, hlc, deleted, payload_text, blobs_text, signature in rows:
        if vid in present_ids:
            present += 1
            continue
        device = trusted[device_id]
        version_parents = sorted(parents.get(vid, []))
        data = canonical.stored_envelope(
            record_id=record_id, entity=entity, parents=version_parents, device_id=device_id, seq=seq, hlc=hlc, deleted=deleted,
            payload_text=payload_text, blobs_text=blobs_text,
        )
        if canonical.digest(data) != vid:
            who = _who(device)
            raise refuse("signature", f"version {vid[:12]} (no. {seq} of {who}) does not match its signature: edited outside Yanshou")
        to_check.append((vid, data, bytes(signature), device_id))
        if any(p not in file_ids and p not in present_ids for p in version_parents):
            raise refuse("history", f"version {vid[:12]} names an earlier version the file does not hold")
        clash = taken.get((device_id, seq))
        if clash is not None and clash != vid:
            raise refuse(
                "sequence",
                f"{_who(device)} reused its number {seq}: its database was restored from an old copy; "
                "ask the inspector to create a new one",
            )
        payload = json.loads(payload_text)
        if not deleted and (lacking := projection.missing_fields(entity, payload)):
            raise refuse("contents", f"version {vid[:12]} is a {entity} without {', '.join(lacking)}: made by another program")
        if device.role == "field":
            if entity not in _FIELD_ENTITIES:
                raise refuse("permission", f"a field laptop ({_who(device)}) signed a {entity}, which only the lead may write")
            if entity in _PER_INSPECTOR and payload.get("inspector") != device.inspector:
                raise refuse("permission", f"{_who(device)} signed another inspector's {entity}")
        referenced.update(json.loads(blobs_text))
        max_hlc = max(max_hlc, int(hlc))
    bad = _first_bad_signature(to_check, verifiers)
    if bad is not None:
        vid, device_id = bad
        who = _who(trusted[device_id])
        raise refuse("signature", f"version {vid[:12]} of {who} does not match its signature: it was edited outside Yanshou")
    new_count = len(to_check)

    # blobs not yet here: their bytes against their hash, streamed
    present_blobs = set(conn.execute(text("SELECT sha256 FROM blob")).scalars())
    file_blobs = {}
    new_blobs = new_bytes = 0
    verified_blobs: list[str] = []
    for rowid, sha, size in foreign.execute("SELECT id, sha256, size FROM blob").fetchall():
        file_blobs[sha] = size
        if sha in present_blobs:
            continue
        digest = hashlib.sha256()
        length = 0
        with foreign.blobopen("blob", "data", rowid, readonly=True) as blob:
            while chunk := blob.read(_CHUNK):
                digest.update(chunk)
                length += len(chunk)
        if digest.hexdigest() != sha or length != size:
            raise refuse("blob", f"evidence {sha[:12]}…'s bytes do not match its hash: the file was altered or damaged")
        new_blobs += 1
        new_bytes += size
        verified_blobs.append(sha)
    missing = referenced - set(file_blobs) - present_blobs
    if missing:
        raise refuse("blob", f"{len(missing)} pieces of evidence are missing from the file")

    return _Plan(
        exported, source, chain, devices, new_devices, new_count, present, new_blobs, new_bytes, max_hlc, older_than,
        [c[0] for c in to_check], verified_blobs,
    )


def _check_manifest(
    foreign: sqlite3.Connection, conn: Connection, devices: dict[str, DeviceInfo], value: str, refuse: Callable[[str, str], Refused]
) -> tuple[manifest.Manifest, list[manifest.Manifest], int]:
    """The export's signed manifest, its chain, and every figure it states; returns it,
    the chain, and the number of a later export of the device already merged here (or 0)."""
    exported = manifest.by_hash(foreign, value)
    if exported is None or exported.device_id not in devices:
        raise refuse("manifest", "the export's manifest is missing")
    exporter = devices[exported.device_id]
    verifier = keys.Verifier(exporter.public_key)
    if not exported.verify(exporter.public_key):
        raise refuse("manifest", "the export's manifest does not match its signature: the file was altered after export")
    body = exported.body
    claims = (body.get("device"), body.get("number"), body.get("schema_version"))
    if claims != (exported.device_id, exported.number, migrations.SCHEMA_VERSION):
        raise refuse("manifest", "the export's manifest contradicts itself")
    chain = manifest.chain(foreign, exported.device_id)
    if [m.number for m in chain] != list(range(1, exported.number + 1)) or chain[-1].hash != exported.hash:
        raise refuse("chain", f"the device's earlier exports are missing from the file (export #{exported.number})")
    previous = None
    for m in chain:
        if m.previous != previous or canonical.digest(m.encoded) != m.hash or not verifier(m.signature, m.encoded):
            raise refuse("chain", f"the chain of exports is broken at export #{m.number}")
        previous = m.hash
    stored = {
        r[0]: r[1] for r in conn.execute(text("SELECT number, hash FROM manifest WHERE device_id = :d"), {"d": exported.device_id})
    }
    for number, known in stored.items():
        if number <= exported.number and chain[number - 1].hash != known:
            raise refuse("fork", f"export #{number}: {_FORK}")
    older_than = max((n for n in stored if n > exported.number), default=0)

    # every figure of the manifest, recomputed from the file
    figures = manifest.contents(foreign, exported.device_id)
    for key, found in figures.items():
        if body.get(key) != found:
            said = body.get(key)
            if key == "versions":
                message = f"the file holds {found['count']} versions, its manifest {said['count'] if isinstance(said, dict) else '?'}"
            else:
                message = f"the file's {key} differ from its manifest"
            raise refuse("contents", message + ": rows were removed, added or changed after export")
    return exported, chain, older_than


# --- step 4: one transaction ---------------------------------------------------------------

_UNION = [
    "CREATE TEMP TABLE IF NOT EXISTS merge_verified(version_id TEXT PRIMARY KEY)",
    "CREATE TEMP TABLE IF NOT EXISTS merge_verified_blob(sha256 TEXT PRIMARY KEY)",
    "CREATE TEMP TABLE IF NOT EXISTS merge_new(version_id TEXT PRIMARY KEY)",
    "DELETE FROM temp.merge_new",
]
# The versions to add: in the file, checked by step 3, not here yet. Step 3 may have run
# while an earlier file of the batch was being merged; what it did not check was here then.
_NEW = (
    "INSERT INTO temp.merge_new(version_id) SELECT i.version_id FROM incoming.version i "
    "JOIN temp.merge_verified c ON c.version_id = i.version_id "
    "WHERE NOT EXISTS (SELECT 1 FROM main.version v WHERE v.version_id = i.version_id)"
)
_SCOPE = (
    "INSERT OR IGNORE INTO {scope}(record_id) "
    "SELECT DISTINCT i.record_id FROM incoming.version i JOIN temp.merge_new n ON n.version_id = i.version_id"
)
_INSERT_VERSIONS = (
    "INSERT INTO main.version(version_id, record_id, entity, device_id, seq, hlc, deleted, payload, blob_hashes, signature) "
    "SELECT i.version_id, i.record_id, i.entity, i.device_id, i.seq, i.hlc, i.deleted, i.payload, i.blob_hashes, i.signature "
    "FROM incoming.version i JOIN temp.merge_new n ON n.version_id = i.version_id"
)
_INSERT_PARENTS = (
    "INSERT INTO main.version_parent(version_id, parent_id) SELECT p.version_id, p.parent_id "
    "FROM incoming.version_parent p JOIN temp.merge_new n ON n.version_id = p.version_id"
)
_INSERT_BLOBS = (
    "INSERT INTO main.blob(sha256, size, mime, data) SELECT i.sha256, i.size, i.mime, i.data FROM incoming.blob i "
    "JOIN temp.merge_verified_blob c ON c.sha256 = i.sha256 "
    "WHERE NOT EXISTS (SELECT 1 FROM main.blob b WHERE b.sha256 = i.sha256)"
)
# Afterwards everything the file holds must be here: a version or blob neither checked nor
# already present would mean the file changed under us.
_LEFT_OUT = (
    "SELECT (SELECT count(*) FROM incoming.version i WHERE NOT EXISTS (SELECT 1 FROM main.version v WHERE v.version_id = i.version_id))"
    " + (SELECT count(*) FROM incoming.blob i WHERE NOT EXISTS (SELECT 1 FROM main.blob b WHERE b.sha256 = i.sha256))"
)
_STORED_CHAIN = text("SELECT number, hash FROM manifest WHERE device_id = :d")
_FORK = (
    "this export of the device differs from the one merged before: the laptop's database was restored from an old copy "
    "or replaced; ask the inspector to create a new one"
)
_ENROLL = text(
    "INSERT INTO device(id, role, inspector, public_key, fingerprint, enrolled_at) VALUES (:i, :r, :n, :k, :f, :t) "
    "ON CONFLICT(id) DO NOTHING"
)


def _apply(conn: Connection, plan: _Plan, report: FileReport, now: str) -> None:
    if plan.exporter is not None:  # again, as of now: an earlier file of the batch may have brought the device's manifests
        stored = dict(conn.execute(_STORED_CHAIN, {"d": plan.exporter.device_id}).all())
        if any(stored.get(m.number, m.hash) != m.hash for m in plan.chain):
            raise Refused(report.file, "fork", _FORK)
        report.older_than = max((n for n in stored if n > plan.exporter.number), default=0)
    enrolled = []
    for device in plan.new_devices:
        if conn.execute(_ENROLL, {"i": device.id, "r": device.role, "n": device.inspector, "k": device.public_key,
                                  "f": device.fingerprint, "t": now}).rowcount:
            enrolled.append(device)
        elif conn.execute(text("SELECT fingerprint FROM device WHERE id = :i"), {"i": device.id}).scalar() != device.fingerprint:
            raise Refused(report.file, "device_key", f"device {device.id[:8]} was enrolled meanwhile with another key")
    report.enrolled = enrolled
    for statement in _UNION:
        conn.exec_driver_sql(statement)
    raw = conn.connection.driver_connection
    raw.execute("DELETE FROM temp.merge_verified")  # type: ignore[union-attr]
    raw.executemany("INSERT INTO temp.merge_verified(version_id) VALUES (?)", [(v,) for v in plan.verified_versions])  # type: ignore[union-attr]
    raw.execute("DELETE FROM temp.merge_verified_blob")  # type: ignore[union-attr]
    raw.executemany("INSERT INTO temp.merge_verified_blob(sha256) VALUES (?)", [(b,) for b in plan.verified_blobs])  # type: ignore[union-attr]
    conn.exec_driver_sql(_NEW)
    projection.begin_scope(conn)
    conn.exec_driver_sql(_SCOPE.format(scope=projection.AFFECTED))
    added = conn.exec_driver_sql(_INSERT_VERSIONS).rowcount
    conn.exec_driver_sql(_INSERT_PARENTS)
    blob_bytes = conn.exec_driver_sql(
        "SELECT coalesce(sum(i.size), 0) FROM incoming.blob i JOIN temp.merge_verified_blob c ON c.sha256 = i.sha256 "
        "WHERE NOT EXISTS (SELECT 1 FROM main.blob b WHERE b.sha256 = i.sha256)"
    ).scalar()
    blobs = conn.exec_driver_sql(_INSERT_BLOBS).rowcount
    if conn.exec_driver_sql(_LEFT_OUT).scalar():
        raise KnownDatabaseError(report.file, "the file changed between its checks and the merge; nothing was merged")
    for m in plan.chain:
        conn.execute(
            text("INSERT INTO manifest(hash, device_id, number, body, signature) VALUES (:h, :d, :n, :b, :s) ON CONFLICT(hash) DO NOTHING"),
            {"h": m.hash, "d": m.device_id, "n": m.number, "b": canonical.dumps(m.body), "s": m.signature},
        )
    if plan.max_hlc:
        local.observe(conn, plan.max_hlc)
    conflicted = projection.refresh_scope(conn)
    report.versions_added, report.blobs_added, report.blob_bytes = added, blobs, int(blob_bytes or 0)
    report.conflicts, report.records_in_conflict = len(conflicted), conflicted
    conn.execute(
        text(
            "INSERT INTO import_log(merged_at, file_name, file_sha256, device_id, inspector, manifest_hash, export_number, "
            "versions_added, versions_present, blobs_added, blob_bytes, conflicts) "
            "VALUES (:t, :f, :h, :d, :i, :m, :n, :va, :vp, :ba, :bb, :c)"
        ),
        {
            "t": now, "f": report.file.name, "h": report.file_sha256, "d": report.device_id, "i": report.inspector,
            "m": plan.exporter.hash if plan.exporter else "",
            "n": plan.exporter.number if plan.exporter else 0, "va": added, "vp": plan.present_versions, "ba": blobs,
            "bb": report.blob_bytes, "c": len(conflicted),
        },
    )


class _DryRun(Exception):
    pass


def _transaction(conn: Connection, quarantined: Path, plan: _Plan, report: FileReport, now: str, *, dry_run: bool,
                 cancelled: Callable[[], bool], target: Path) -> None:
    """Step 4 on the batch's connection: ATTACH (outside a transaction, as SQLite requires),
    one BEGIN IMMEDIATE … COMMIT, DETACH."""
    raw = conn.connection.driver_connection
    try:
        raw.execute("ATTACH DATABASE ? AS incoming", (engine.file_uri(quarantined, "mode=ro&immutable=1"),))  # type: ignore[union-attr]
        try:
            raw.execute("PRAGMA incoming.mmap_size=0")  # type: ignore[union-attr]
            with conn.begin():
                _apply(conn, plan, report, now)
                if cancelled():
                    raise Cancelled
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        finally:
            raw.execute("DETACH DATABASE incoming")  # type: ignore[union-attr]
    except IntegrityError as exc:
        raise Refused(report.file, "contents", f"the file's versions cannot be stored beside those already here ({exc.orig})") from exc
    except OperationalError as exc:
        raise engine.translate(exc, target) from exc
    except sqlite3.OperationalError as exc:  # from the raw ATTACH/DETACH
        raise engine.translate(OperationalError(str(exc), None, exc), target) from exc


def _inspect(database: Database, quarantined: Path, shown: Path, *, enroll: Enroll) -> _Plan:
    """Steps 2 and 3. Whatever a damaged or crafted file makes the reading fail with (text
    that is not UTF-8, JSON that is not an object, a page SQLite cannot parse) refuses it."""
    try:
        foreign = _check_file(quarantined, shown)
        try:
            with database.read() as conn:
                return _verify(foreign, conn, _receiver(conn, database), shown, enroll=enroll)
        finally:
            foreign.close()
    except (sqlite3.Error, ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:
        raise Refused(shown, "corrupt", "its contents cannot be read as an export: it was altered or damaged") from exc


# --- the whole -----------------------------------------------------------------------------


def _known_file(database: Database, sha: str) -> tuple[str, str | None, int] | None:
    with database.read() as conn:
        row = conn.execute(
            text("SELECT device_id, inspector, export_number FROM import_log WHERE file_sha256 = :h LIMIT 1"), {"h": sha}
        ).first()
    return (row[0], row[1], row[2]) if row else None


def _sweep(quarantine_dir: Path, older_than_s: float = 3600) -> None:
    """Remove copies left in quarantine by a merge that was killed (an hour old or more)."""
    limit = dt.datetime.now().timestamp() - older_than_s
    for leftover in quarantine_dir.glob("*.db"):
        try:
            if leftover.stat().st_mtime < limit:
                leftover.unlink()
        except OSError:
            pass


def _prune(folder: Path, stem: str, keep: int) -> None:
    old = sorted(folder.glob(f"{stem}-*.db"))[:-keep]
    for path in old:
        path.unlink(missing_ok=True)


@dataclass
class _Prepared:
    """Steps 1–3 of one file, done ahead in a worker thread."""

    report: FileReport
    quarantined: Path
    plan: _Plan | None = None  # None: refused, or nothing new
    refusal: Refused | None = None


def _prepare(database: Database, path: Path, quarantine_dir: Path, *, enroll: Enroll) -> _Prepared:
    report = FileReport(path, "refused")
    prepared = _Prepared(report, quarantine_dir / f"{uuid.uuid4().hex}.db")
    try:
        if path.resolve() == database.path.resolve():
            raise Refused(path, "unreadable", "this is the database being merged into")
        report.file_sha256 = _quarantine(path, prepared.quarantined)
        known = _known_file(database, report.file_sha256)
        if known is not None:
            report.status, (report.device_id, report.inspector, report.export_number) = "nothing-new", known
            return prepared
        plan = _inspect(database, prepared.quarantined, path, enroll=enroll)
    except Refused as exc:
        prepared.refusal = exc
        return prepared
    exporter = plan.devices[plan.source]
    report.device_id, report.inspector, report.role = exporter.id, exporter.inspector, exporter.role
    report.export_number = plan.exporter.number if plan.exporter else 0
    report.versions_present = plan.present_versions
    report.older_than, report.enrolled = plan.older_than, plan.new_devices
    if plan.new_versions == 0 and plan.new_blobs == 0 and not plan.new_devices and plan.older_than:
        report.status = "nothing-new"  # an old export replayed after a newer one
    else:
        prepared.plan = plan
    return prepared


def merge(
    database: Database,
    files: Sequence[Path],
    *,
    quarantine_dir: Path,
    backup_dir: Path,
    enroll: Enroll = False,
    dry_run: bool = False,
    now: str | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
    keep_backups: int = 10,
) -> list[FileReport]:
    """Merge each file in turn, each in its own transaction; a refused file is reported,
    the others are merged. Raises `Cancelled` (earlier files stay merged) and the
    environment's failures (a full disk) after rolling the current file back.

    Steps 1–3 of the next file (copy, hashes, signatures: mostly C code that releases the
    GIL) run in a worker thread while the current file's transaction runs, so a batch costs
    little more than its transactions. A file checked before an earlier one of the batch
    was merged stays correct: step 4 adds only what step 3 checked, and requires that the
    rest was already here.
    """
    now = now or dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    reports: list[FileReport] = []
    backed_up = False
    quarantine_dir.mkdir(parents=True, exist_ok=True)
    _sweep(quarantine_dir)
    paths = [Path(p) for p in files]
    batch = database.engine.connect().execution_options(immediate=True)
    with ThreadPoolExecutor(1, thread_name_prefix="yanshou-merge") as ahead, batch as conn:
        pending = [ahead.submit(_prepare, database, paths[0], quarantine_dir, enroll=enroll)] if paths else []
        try:
            for index, path in enumerate(paths):
                if progress:
                    progress(index, len(paths), str(path))
                prepared = pending.pop(0).result()
                if index + 1 < len(paths):
                    pending.append(ahead.submit(_prepare, database, paths[index + 1], quarantine_dir, enroll=enroll))
                report = prepared.report
                reports.append(report)
                try:
                    if cancelled():
                        raise Cancelled
                    if prepared.refusal is not None:
                        raise prepared.refusal
                    if prepared.plan is None:
                        continue
                    if not dry_run and not backed_up:
                        backup_dir.mkdir(parents=True, exist_ok=True)
                        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
                        migrations.backup(database.path, backup_dir / f"{database.path.stem}-{stamp}.db")
                        _prune(backup_dir, database.path.stem, keep_backups)
                        backed_up = True
                    _transaction(conn, prepared.quarantined, prepared.plan, report, now, dry_run=dry_run, cancelled=cancelled,
                                 target=database.path)
                    if dry_run:
                        report.status = "dry-run"
                    elif report.versions_added == 0 and report.blobs_added == 0 and not report.enrolled:
                        report.status = "nothing-new"
                    else:
                        report.status = "merged"
                except Refused as exc:
                    report.status, report.code, report.reason = "refused", exc.code, str(exc).split(": ", 1)[-1]
                except DiskFull:
                    report.status, report.code, report.reason = "refused", "disk_full", "the disk is full; the merge was rolled back"
                    raise
                finally:
                    prepared.quarantined.unlink(missing_ok=True)
        finally:
            for future in pending:  # a cancelled or failed batch: the file checked ahead is dropped
                future.cancel()
                if not future.cancelled():
                    future.result().quarantined.unlink(missing_ok=True)
    if progress:
        progress(len(paths), len(paths), "")
    return reports


__all__ = ["Cancelled", "DeviceInfo", "FileReport", "expected_schema", "merge", "open_hardened"]
