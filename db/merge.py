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
4. then, for the whole batch, one `BEGIN IMMEDIATE` transaction on the receiving database,
   each file in a savepoint: the union of versions, parents and blobs (set-based, from
   TEMP tables the verified rows are read into), the device enrolments, the manifests, the
   projection of the affected records, the counts checked against what step 3 verified,
   an import-log row; at the end the batch's report, then one COMMIT. A refusal at this
   step rolls its file back; a cancel, a failure or a kill -9 rolls all of it back.

The receiving database is backed up (backup API) before the first file of a batch that
changes anything. A dry run does steps 1–4 and rolls back: its report is exact, for the
batch as a whole (a later file's conflicts with an earlier one show).
"""

from __future__ import annotations

import datetime as dt
import errno
import functools
import getpass
import hashlib
import json
import os
import socket
import sqlite3
import stat
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import Connection, RootTransaction, bindparam, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from db import admission, canonical, engine, files, keys, local, manifest, migrations, projection
from db.database import Database
from db.errors import DiskFull, KnownDatabaseError, Refused

_CHUNK = 1024 * 1024
_TAKEN = text("SELECT device_id, seq, version_id FROM version WHERE device_id IN :d").bindparams(bindparam("d", expanding=True))
MAX_BLOB_BYTES = 512 * 1024 * 1024  # one piece of evidence; SQLite's length limit is lowered to this

@dataclass(frozen=True)
class Enrolment:
    """Which devices not seen before the lead accepts, by decision (SPEC §4):
    - `field`: field laptops — all (True), none (False), or those whose id starts with one of
      the given prefixes; on a laptop, its consent to take the master's export;
    - `lead`: another master (a second lead's desk), a separate, explicit choice, never implied
      by `field`;
    - `same_inspector`: a new laptop for an inspector who already has an enrolled one, which a
      blanket `field=True` does not accept: it must be named (or this be set).
    """

    field: bool | frozenset[str] = False
    lead: bool | frozenset[str] = False
    same_inspector: bool = False

    @staticmethod
    def _names(choice: bool | frozenset[str], device_id: str) -> bool:
        if isinstance(choice, bool):
            return choice
        return any(device_id.startswith(prefix) for prefix in choice if prefix)

    def accepts(self, device: DeviceInfo, *, receiver_role: str, inspector_taken: bool) -> bool:
        if receiver_role != "master":  # a laptop enrols only the master, with its consent
            return device.role == "master" and (self._names(self.field, device.id) or self._names(self.lead, device.id))
        if device.role == "master":
            return self._names(self.lead, device.id)
        named = not isinstance(self.field, bool) and self._names(self.field, device.id)
        if inspector_taken and not (named or self.same_inspector):
            return False
        return self._names(self.field, device.id)


# What the lead decided of new devices: an Enrolment; True and False say field laptops all or
# none, a set of ids names the field laptops accepted.
Enroll = bool | frozenset[str] | Enrolment


def enrolment(enroll: Enroll) -> Enrolment:
    return enroll if isinstance(enroll, Enrolment) else Enrolment(field=enroll)


class Cancelled(Exception):
    """The user cancelled; the whole batch was rolled back (nothing of it was written)."""


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
    refused_version: str = ""  # a refusal by the admission check: the version, who wrote it
    refused_author: str = ""
    clock_ahead_ms: int = 0  # the exporter's clock ran this far ahead of ours (when over an hour)
    second_laptops: list[str] = field(default_factory=list)  # new devices of an inspector who has one already


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
    max_hlc: int
    older_than: int
    verified_versions: list[str]  # the new versions whose signatures were checked
    verified_blobs: list[str]  # the new blobs whose bytes were hashed
    clock_ahead_ms: int = 0
    second_laptops: tuple[str, ...] = ()


# --- step 1: quarantine --------------------------------------------------------------------


# An exported file larger than this is refused before a byte of it is copied (the lead can
# raise it: YANSHOU_MAX_IMPORT_MB, read by the services). A laptop's whole season fits well inside.
MAX_FILE_BYTES = 16 * 1024**3
_SPARE_BYTES = 64 * 1024 * 1024  # left free in the data folder after a copy


def _offered(source: Path, quarantine_dir: Path, limit: int) -> int:
    """What a file offered to merge is, before anything is read: a regular file (a device, a
    pipe or a link to one is refused at once: /dev/zero would fill the disk, a pipe hang), of
    a size within the limit and within the data folder's free space. Its size."""
    try:
        info = source.stat()  # through a link: what it points to
    except OSError as exc:
        raise _unreadable(source, exc) from exc
    if stat.S_ISDIR(info.st_mode):
        raise Refused(source, "unreadable", "this is a folder, not an exported file")
    if not stat.S_ISREG(info.st_mode):
        raise Refused(source, "unreadable", "this is a device or a pipe (or a link to one), not an exported file")
    if info.st_size > limit:
        raise Refused(source, "too_large", f"the file is {info.st_size:,} bytes; files over {limit:,} bytes are not merged")
    if (problem := files.room_problem(quarantine_dir, info.st_size + _SPARE_BYTES)) is not None:
        raise DiskFull(quarantine_dir, f"the data folder cannot take the file's copy: {problem}")
    return info.st_size


def _unreadable(source: Path, exc: OSError) -> Refused:
    """Why a file offered to merge cannot be read, for the person who offered it."""
    if isinstance(exc, FileNotFoundError):
        return Refused(source, "unreadable", "the file is not there (was the USB stick removed?)")
    if isinstance(exc, IsADirectoryError):
        return Refused(source, "unreadable", "this is a folder, not an exported file")
    if isinstance(exc, PermissionError):
        return Refused(source, "unreadable", "the file cannot be read (permission denied)")
    return Refused(source, "unreadable", f"reading the file failed: {exc.strerror or exc}")


def _copy_hashing(source: Path, target: Path, size: int) -> str:
    """Copy and hash; a file that grows past the size it had when it was offered is refused
    (a stick or a program writing it meanwhile)."""
    digest = hashlib.sha256()
    copied = 0
    try:
        src = source.open("rb")
    except OSError as exc:
        raise _unreadable(source, exc) from exc
    with src, _target(target) as dst:
        while True:
            try:
                chunk = src.read(_CHUNK)
            except OSError as exc:
                raise _unreadable(source, exc) from exc
            if not chunk:
                break
            copied += len(chunk)
            if copied > size:
                raise Refused(source, "unreadable", "the file grew while it was copied: another program is writing it")
            digest.update(chunk)
            _write(dst, chunk, target)
    return digest.hexdigest()


def _target(target: Path) -> BinaryIO:
    try:
        return target.open("wb")
    except OSError as exc:  # our own data folder: the environment's failure, not the file's
        raise _environment(exc, target) from exc


def _write(dst: BinaryIO, chunk: bytes, target: Path) -> None:
    try:
        dst.write(chunk)
    except OSError as exc:
        raise _environment(exc, target) from exc


def _environment(exc: OSError, where: Path) -> KnownDatabaseError:
    """A failure of this computer's disk or folders, as an error a user can act on."""
    if exc.errno == errno.ENOSPC:
        return DiskFull(where, "the disk is full; nothing was merged")
    if exc.errno == errno.EROFS:
        return KnownDatabaseError(where, "the data folder is on a read-only disk; nothing was merged")
    return KnownDatabaseError(where, f"the data folder cannot be written ({exc.strerror or exc}); nothing was merged")


def _quarantine(source: Path, target: Path, limit: int = MAX_FILE_BYTES) -> str:
    """Copy the file to our own folder and hash it. A laptop's database copied as it is
    may hold its last commits in a WAL file beside it: then SQLite's backup API makes the
    copy, so those commits come along (the header is checked first)."""
    size = _offered(source, target.parent, limit)
    wal = source.with_name(source.name + "-wal")
    if not (wal.is_file() and wal.stat().st_size > 0):
        return _copy_hashing(source, target, size)
    _offered(wal, target.parent, limit)
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
def expected_schema(version: int = migrations.SCHEMA_VERSION) -> tuple[tuple[str, str, str, str | None], ...]:
    """sqlite_master of a database of a schema version made by this program (as `init` makes
    it, or as an older release made it: the same frozen steps)."""
    with tempfile.TemporaryDirectory(prefix="yanshou-schema-") as work:
        path = Path(work) / "schema.db"
        eng = engine.sqlite_engine(path)
        try:
            migrations.upgrade(eng, path, target=version)
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
    if version < migrations.MERGE_FROM:  # an older file whose tables a merge can read is merged as it is
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
        want = list(expected_schema(version))  # exactly the schema of the version its header says
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
    role: str
    campaign_key: str
    policy: admission.Policy


def _receiver(conn: Connection, database: Database) -> _Receiver:
    identity = database.identity(conn)
    campaigns = [tuple(r) for r in conn.execute(text("SELECT id, sha256 FROM campaign ORDER BY id"))]
    devices = {
        r[0]: DeviceInfo(r[0], r[1], r[2], bytes(r[3]), r[4])
        for r in conn.execute(text("SELECT id, role, inspector, public_key, fingerprint FROM device"))
    }
    return _Receiver(campaigns, devices, identity.device_id, identity.role, identity.campaign_key, database.policy)


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
    foreign: sqlite3.Connection, conn: Connection, receiver: _Receiver, shown: Path, *, enroll: Enroll) -> _Plan:
    exporter: list[DeviceInfo] = []  # once known, a refusal names whose file it is

    def refuse(code: str, message: str) -> Refused:
        refused = Refused(shown, code, message)
        refused.device = exporter[0] if exporter else None  # type: ignore[attr-defined]
        return refused

    # the campaign: reference data is the same everywhere, or the file belongs elsewhere
    campaigns = [tuple(r) for r in foreign.execute("SELECT id, sha256 FROM campaign ORDER BY id")]
    if campaigns != receiver.campaigns:
        raise refuse("campaign", "the file belongs to a different campaign (or a different version of its campaign file)")

    # the devices the file knows, each key matching its fingerprint
    devices: dict[str, DeviceInfo] = {}
    for r in foreign.execute("SELECT id, role, inspector, public_key, fingerprint FROM device"):
        if not (_text(r[0], 64) and _text(r[4], 128) and (r[2] is None or _text(r[2], 200)) and isinstance(r[3], bytes)):
            raise refuse("contents", "a device the file describes has an id, name or key no Yanshou writes")
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
    if source in devices:
        exporter.append(devices[source])
    # every device's sequence numbers run 1, 2, 3… without a gap (a removed row shows)
    for device_id, count, first, last in foreign.execute("SELECT device_id, count(*), min(seq), max(seq) FROM version GROUP BY device_id"):
        if first != 1 or last != count:
            raise refuse("contents", f"versions of device {str(device_id)[:8]} are missing (numbers {first}…{last}, {count} present)")

    # devices: known here with the same key (what this database enrolled is trusted, not
    # the file's unsigned device table), or new and enrolled only by the lead's decision
    decision = enrolment(enroll)
    used = {r[0] for r in foreign.execute("SELECT DISTINCT device_id FROM version")} | {source}
    trusted: dict[str, DeviceInfo] = {}
    new_devices = []
    for device_id in sorted(used):
        described = devices.get(device_id)
        if described is None:
            raise refuse("device_key", f"versions of a device the file does not describe ({device_id[:8]})")
        known = receiver.devices.get(device_id)
        if known is not None:
            if known.fingerprint != described.fingerprint:
                raise refuse("device_key", f"device {device_id[:8]} is enrolled here with another key: the file is not from it")
            trusted[device_id] = known
            continue
        trusted[device_id] = described
        new_devices.append(described)
    if exported is not None:
        claimed = trusted[source]
        if (exported.body.get("role"), exported.body.get("inspector")) != (claimed.role, claimed.inspector):
            raise refuse("manifest", "the export's manifest names another role or inspector than its device")
    # Only a master speaks for other devices: the devices whose work a file carries beside its
    # exporter's are admitted when a master this database trusts (enrolled here, or accepted by
    # the lead's decision now) lists them in its signed registry, a manifest the file holds. A
    # field laptop's own word (its device table) makes no device, so its owner cannot invent one.
    vouched = _vouched(foreign, devices, receiver, decision)
    second_laptops: list[str] = []
    for device in new_devices:
        if device.id == source:
            taken = device.role == "field" and any(
                d.inspector == device.inspector and d.role == "field" and d.id != device.id for d in receiver.devices.values()
            )
            if not decision.accepts(device, receiver_role=receiver.role, inspector_taken=taken):
                raise refuse("not_enrolled", _not_enrolled(device, receiver.role, taken))
            if taken:
                second_laptops.append(device.id)
        elif vouched.get(device.id) != (device.fingerprint, device.role, device.inspector):
            raise refuse(
                "not_enrolled",
                f"it carries work of a device no master trusted here vouches for ({_who(device)}); merge that laptop's own export",
            )

    # versions not yet here: content, signature, parents, sequence; then the admission check
    present_ids = set(conn.execute(text("SELECT version_id FROM version")).scalars())
    taken_seq = {(r[0], r[1]): r[2] for r in conn.execute(_TAKEN, {"d": sorted(used)})}
    parents: dict[str, list[str]] = {}
    for vid, pid in foreign.execute("SELECT version_id, parent_id FROM version_parent"):
        parents.setdefault(vid, []).append(pid)
    file_records = dict(foreign.execute("SELECT version_id, record_id FROM version").fetchall())
    verifiers = {d: keys.Verifier(devices[d].public_key) for d in used}
    referenced: set[str] = set()
    present: list[tuple[Any, ...]] = []
    max_hlc = 0
    to_check: list[tuple[str, bytes, bytes, str]] = []  # (version id, encoding, signature, device)
    fresh: list[tuple[admission.Candidate, dict[str, Any], DeviceInfo]] = []
    rows = foreign.execute(
        "SELECT version_id, record_id, entity, device_id, seq, hlc, deleted, payload, blob_hashes, signature FROM version"
    )
    for row in rows:
        vid, record_id, entity, device_id, seq, hlc, deleted, payload_text, blobs_text, signature = row
        if vid in present_ids:
            present.append(row)
            continue
        device = trusted[device_id]
        if not (_text(record_id, 64) and _text(entity, 32) and deleted in (0, 1) and isinstance(payload_text, str)):
            raise refuse("contents", f"version {str(vid)[:12]} has a field no Yanshou writes: made by another program")
        if not (isinstance(hlc, int) and 0 <= hlc < 2**63 and isinstance(seq, int) and 0 < seq < 2**63):
            raise refuse("contents", f"version {str(vid)[:12]} has a number no Yanshou writes: made by another program")
        version_parents = sorted(parents.get(vid, []))
        data = canonical.stored_envelope(
            record_id=record_id, entity=entity, parents=version_parents, device_id=device_id, seq=seq, hlc=hlc, deleted=deleted,
            payload_text=payload_text, blobs_text=blobs_text,
        )
        if canonical.digest(data) != vid:
            who = _who(device)
            raise refuse("signature", f"version {vid[:12]} (no. {seq} of {who}) does not match its signature: edited outside Yanshou")
        to_check.append((vid, data, bytes(signature), device_id))
        if any(p not in file_records and p not in present_ids for p in version_parents):
            raise refuse("history", f"version {vid[:12]} names an earlier version the file does not hold")
        clash = taken_seq.get((device_id, seq))
        if clash is not None and clash != vid:
            raise refuse(
                "sequence",
                f"{_who(device)} reused its number {seq}: its database was restored from an old copy; "
                "ask the inspector to create a new one",
            )
        author = admission.Author(device.id, device.role, device.inspector)
        try:
            payload = admission.parse_payload(payload_text)
            blob_list = canonical.loads(blobs_text, max_depth=1)
            listed = isinstance(blob_list, list) and all(isinstance(b, str) for b in blob_list)
            if not (listed and canonical.dumps(sorted(blob_list)) == blobs_text):
                raise admission.Inadmissible("canonical", "its list of evidence is not canonical")
        except (admission.Inadmissible, ValueError) as exc:
            rule = exc.rule if isinstance(exc, admission.Inadmissible) else "canonical"
            raise _inadmissible(refuse, rule, str(exc), vid, author) from None
        if not deleted and (lacking := projection.missing_fields(entity, payload)):
            raise refuse("contents", f"version {vid[:12]} is a {entity} without {', '.join(lacking)}: made by another program")
        candidate = admission.Candidate(vid, record_id, entity, tuple(version_parents), device_id, seq, hlc, bool(deleted), payload_text)
        fresh.append((candidate, payload, device))
        referenced.update(blob_list)
        max_hlc = max(max_hlc, int(hlc))
    _admit(conn, receiver, fresh, file_records, refuse)
    _compare_present(conn, foreign, present, parents, refuse)
    bad = _first_bad_signature(to_check, verifiers)
    if bad is not None:
        vid, device_id = bad
        who = _who(trusted[device_id])
        raise refuse("signature", f"version {vid[:12]} of {who} does not match its signature: it was edited outside Yanshou")
    new_count = len(to_check)
    ahead = admission.hlc_ms(max_hlc) - receiver.policy.clock() if max_hlc else 0

    # blobs not yet here: their bytes against their hash, streamed
    present_blobs = set(conn.execute(text("SELECT sha256 FROM blob")).scalars())
    file_blobs = {}
    new_blobs = 0
    verified_blobs: list[str] = []
    for rowid, sha, size, mime in foreign.execute("SELECT id, sha256, size, mime FROM blob").fetchall():
        file_blobs[sha] = size
        if sha in present_blobs:
            continue
        if not (_text(sha, 64) and _text(mime, 255) and isinstance(size, int) and size >= 0):
            raise refuse("blob", f"evidence {str(sha)[:12]}… is described in a way no Yanshou writes: the file was altered")
        digest = hashlib.sha256()
        length = 0
        with foreign.blobopen("blob", "data", rowid, readonly=True) as blob:
            while chunk := blob.read(_CHUNK):
                digest.update(chunk)
                length += len(chunk)
        if digest.hexdigest() != sha or length != size:
            raise refuse("blob", f"evidence {sha[:12]}…'s bytes do not match its hash: the file was altered or damaged")
        new_blobs += 1
        verified_blobs.append(sha)
    missing = referenced - set(file_blobs) - present_blobs
    if missing:
        raise refuse("blob", f"{len(missing)} pieces of evidence are missing from the file")

    return _Plan(
        exported, source, chain, devices, new_devices, new_count, len(present), new_blobs, max_hlc, older_than,
        [c[0] for c in to_check], verified_blobs, ahead if ahead > admission.CLOCK_NOTED_MS else 0, tuple(second_laptops),
    )


def _vouched(
    foreign: sqlite3.Connection, devices: dict[str, DeviceInfo], receiver: _Receiver, decision: Enrolment,
) -> dict[str, tuple[str, str, str | None]]:
    """The devices listed by the signed registries of the masters this receiver trusts: the
    latest manifest of each such master that the file holds and its key verifies."""
    out: dict[str, tuple[str, str, str | None]] = {}
    for device in devices.values():
        if device.role != "master":
            continue
        known = receiver.devices.get(device.id)
        if known is not None and known.role != "master":
            continue
        if known is None and not decision.accepts(device, receiver_role=receiver.role, inspector_taken=False):
            continue
        verifier = keys.Verifier(device.public_key)
        for m in reversed(manifest.chain(foreign, device.id)):
            if canonical.digest(m.encoded) == m.hash and verifier(m.signature, m.encoded):
                out.update(manifest.registry(m.body))
                break
    return out


def _not_enrolled(device: DeviceInfo, receiver_role: str, inspector_taken: bool) -> str:
    who = _who(device)
    if receiver_role != "master":
        if device.role != "master":
            return f"from a device that is not the lead's master ({who}): a laptop takes only the master's exports"
        return f"from the lead's master ({who}), not yet accepted here; check its key with the lead and merge with --enroll"
    if device.role == "master":
        return (
            f"from another master ({who}): a second lead's desk gets the lead's powers, so it is accepted only "
            "by its own choice, --enroll-lead"
        )
    if inspector_taken:
        return (
            f"from a second laptop of {device.inspector} ({who}), who has one enrolled already; check with the inspector, "
            f"then accept this one by name: --enroll {device.id[:8]}"
        )
    return f"from a device not enrolled here ({who}); check the key with the inspector and merge with --enroll"


def _inadmissible(refuse: Callable[[str, str], Refused], rule: str, why: str, vid: str, author: admission.Author) -> Refused:
    refused = refuse(rule, f"version {vid[:12]} written by {author.shown()} is refused: {why}")
    refused.version_id = vid  # type: ignore[attr-defined]
    refused.author = author.inspector or author.role  # type: ignore[attr-defined]
    return refused


def _chunks(values: Sequence[str], size: int = 500) -> Iterator[list[str]]:
    for i in range(0, len(values), size):
        yield list(values[i : i + size])


_RECORDS_HELD = text("SELECT record_id, entity, payload, version_id FROM version WHERE record_id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)
_PARENT_RECORDS = text("SELECT version_id, record_id FROM version WHERE version_id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)
_PARENT_PAYLOADS = text("SELECT version_id, payload FROM version WHERE version_id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)


def _admit(
    conn: Connection, receiver: _Receiver, fresh: list[tuple[admission.Candidate, dict[str, Any], DeviceInfo]],
    file_records: dict[str, str], refuse: Callable[[str, str], Refused],
) -> None:
    """The admission check (db.admission) for every new version of the file, against what the
    receiver holds of the same records and what the file holds before it."""
    if not fresh:
        return
    record_entity: dict[str, str] = {}
    record_owner: dict[str, str | None] = {}
    version_record = dict(file_records)
    records = sorted({c.record_id for c, _, _ in fresh})
    for chunk in _chunks(records):
        for record_id, entity, payload_text, _vid in conn.execute(_RECORDS_HELD, {"ids": chunk}):
            record_entity.setdefault(record_id, entity)
            if entity in admission.INSPECTOR_ENTITIES and record_id not in record_owner:
                owner = json.loads(payload_text).get("inspector")
                record_owner[record_id] = owner if isinstance(owner, str) else None
    outside = sorted({p for c, _, _ in fresh for p in c.parents if p not in file_records})
    for chunk in _chunks(outside):
        version_record.update(dict(conn.execute(_PARENT_RECORDS, {"ids": chunk}).all()))
    # the versions a problem's new versions continue: the file's new ones, or held here already
    stepped = [c for c, _, _ in fresh if c.entity in admission.STEPPED_ENTITIES]
    version_payload = {c.version_id: p for c, p, _ in fresh if c.entity in admission.STEPPED_ENTITIES}
    held = sorted({p for c in stepped for p in c.parents if p not in version_payload})
    for chunk in _chunks(held):
        version_payload.update((vid, json.loads(body)) for vid, body in conn.execute(_PARENT_PAYLOADS, {"ids": chunk}))
    # the file's own versions in causal order: a record's first version fixes its owner
    order = sorted(fresh, key=lambda f: (len(f[0].parents) > 0, f[0].hlc, f[0].version_id))
    # The master's clock is the campaign's reference: it refuses what is stamped too far ahead
    # of it. A laptop takes the master's export whatever its own clock says (a laptop a year
    # behind must still receive the team's work); its clock only learns up to its own time plus
    # the bound (db.local.observe), and the report points the difference out.
    now = receiver.policy.clock() if receiver.role == "master" else None
    known = admission.Known(record_entity, record_owner, version_record, version_payload)
    for candidate, payload, device in order:
        author = admission.Author(device.id, device.role, device.inspector)
        try:
            admission.check(
                candidate, author, payload, campaign_key=receiver.campaign_key, known=known, policy=receiver.policy, now=now,
                steps=receiver.role == "master",
            )
        except admission.Inadmissible as exc:
            raise _inadmissible(refuse, exc.rule, str(exc), candidate.version_id, author) from None
        record_entity.setdefault(candidate.record_id, candidate.entity)
        if candidate.entity in admission.INSPECTOR_ENTITIES:
            record_owner.setdefault(candidate.record_id, payload.get("inspector"))


_HELD = text(
    "SELECT version_id, record_id, entity, device_id, seq, hlc, deleted, payload, blob_hashes, signature FROM version "
    "WHERE version_id IN :ids"
).bindparams(bindparam("ids", expanding=True))
_HELD_PARENTS = text("SELECT version_id, parent_id FROM version_parent WHERE version_id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)


def _compare_present(
    conn: Connection, foreign: sqlite3.Connection, present: list[tuple[Any, ...]], parents: dict[str, list[str]],
    refuse: Callable[[str, str], Refused],
) -> None:
    """The file's versions that the receiver holds already must be the receiver's copies, byte
    for byte (payload, parents, signature, every field): an altered copy of a merged file is
    refused as altered, never taken for "nothing new"."""
    if not present:
        return
    mine = {r[0]: r for r in present}
    held_parents: dict[str, list[str]] = {}
    for chunk in _chunks(sorted(mine)):
        for row in conn.execute(_HELD, {"ids": chunk}):
            theirs = mine[row[0]]
            ours = (*row[:6], bool(row[6]), row[7], row[8], bytes(row[9]))
            signature = bytes(theirs[9]) if isinstance(theirs[9], bytes) else theirs[9]
            if ours != (*theirs[:6], bool(theirs[6]), theirs[7], theirs[8], signature):
                raise refuse("altered", f"version {row[0][:12]}, merged before, differs in this file from the copy merged: altered")
        for vid, pid in conn.execute(_HELD_PARENTS, {"ids": chunk}):
            held_parents.setdefault(vid, []).append(pid)
    for vid in mine:
        if sorted(parents.get(vid, [])) != sorted(held_parents.get(vid, [])):
            raise refuse("altered", f"version {vid[:12]}, merged before, names other parents in this file: altered")


def _text(value: object, limit: int) -> bool:
    """A text as this program writes it: a str, not too long, without NUL (which SQLite keeps
    and PostgreSQL refuses, so a server master would fail the batch instead of the file)."""
    return isinstance(value, str) and len(value) <= limit and "\x00" not in value


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
    version = foreign.execute("PRAGMA user_version").fetchone()[0]  # the header's, checked by _check_file
    if claims != (exported.device_id, exported.number, version):
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
        if key == manifest.REGISTRY and key not in body:
            continue  # an export of an older Yanshou: it vouches for no other device
        if body.get(key) != found:
            said = body.get(key)
            if key == "versions":
                message = f"the file holds {found['count']} versions, its manifest {said['count'] if isinstance(said, dict) else '?'}"
            else:
                message = f"the file's {key} differ from its manifest"
            raise refuse("contents", message + ": rows were removed, added or changed after export")
    return exported, chain, older_than


# --- step 4: one transaction for the batch --------------------------------------------------
#
# A batch of files is merged in ONE `BEGIN IMMEDIATE` transaction on the receiving database,
# each file inside a SAVEPOINT of its own (a file refused at this step is rolled back alone,
# the others stay in the batch). Cancel, a full disk, a crash or a `kill -9` anywhere before
# the single COMMIT leave the database exactly as it was: SQLite discards a transaction that
# was never committed (the WAL frames without a commit record are ignored when the file is
# next opened). Two alternatives were rejected:
# - a transaction per file, with the pre-batch backup restored on cancel: a kill -9 between
#   two files (or during the restore) leaves half a batch, and a restore would erase what
#   another writer (`yanshou resolve` in a terminal) committed between two files; here the
#   write lock is held for the whole batch, so no one writes in between;
# - ATTACHing each file to the batch's connection: SQLite cannot DETACH a database that the
#   open transaction has read ("database is locked"), and it attaches at most 10, so a USB
#   folder of 11 laptops would not fit in one transaction.
# So each file's new versions (already verified by step 3: their hashes and signatures) are
# read through the file's own hardened read-only connection into TEMP tables of the batch's
# connection, and its new blobs are streamed (blobopen) into the receiving blob table.

# The staging tables, per connection (TEMP: never in the file or the server's schema).
# Named without a schema: SQLite's `temp` and PostgreSQL's `pg_temp` are searched first.
_STAGING = [
    "CREATE TEMP TABLE IF NOT EXISTS merge_incoming(version_id TEXT PRIMARY KEY, record_id TEXT, entity TEXT, "
    "device_id TEXT, seq BIGINT, hlc BIGINT, deleted BOOLEAN, payload TEXT, blob_hashes TEXT, signature {binary}){keep}",
    "CREATE TEMP TABLE IF NOT EXISTS merge_incoming_parent(version_id TEXT, parent_id TEXT){keep}",
    "CREATE TEMP TABLE IF NOT EXISTS merge_file_version(version_id TEXT PRIMARY KEY){keep}",
    "CREATE TEMP TABLE IF NOT EXISTS merge_file_blob(sha256 TEXT PRIMARY KEY){keep}",
    "CREATE TEMP TABLE IF NOT EXISTS merge_new(version_id TEXT PRIMARY KEY){keep}",
    "DELETE FROM merge_incoming",
    "DELETE FROM merge_incoming_parent",
    "DELETE FROM merge_file_version",
    "DELETE FROM merge_file_blob",
    "DELETE FROM merge_new",
]
# On a server the connection goes back to a pool: the rows go at COMMIT, not with the connection.
_UNION = {
    "sqlite": [s.format(binary="BLOB", keep="") for s in _STAGING],
    "postgresql": [s.format(binary="BYTEA", keep=" ON COMMIT DELETE ROWS") for s in _STAGING],
}
_INCOMING = ("version_id", "record_id", "entity", "device_id", "seq", "hlc", "deleted", "payload", "blob_hashes", "signature")
# The versions to add: checked by step 3, not here yet. Step 3 may have run while an earlier
# file of the batch was being merged; what it did not check was here then.
_NEW = (
    "INSERT INTO merge_new(version_id) SELECT i.version_id FROM merge_incoming i "
    "WHERE NOT EXISTS (SELECT 1 FROM version v WHERE v.version_id = i.version_id)"
)
_SCOPE = (
    "INSERT INTO {scope}(record_id) "
    "SELECT DISTINCT i.record_id FROM merge_incoming i JOIN merge_new n ON n.version_id = i.version_id"
)
_INSERT_VERSIONS = (
    "INSERT INTO version(version_id, record_id, entity, device_id, seq, hlc, deleted, payload, blob_hashes, signature) "
    "SELECT i.version_id, i.record_id, i.entity, i.device_id, i.seq, i.hlc, i.deleted, i.payload, i.blob_hashes, i.signature "
    "FROM merge_incoming i JOIN merge_new n ON n.version_id = i.version_id"
)
_INSERT_PARENTS = (
    "INSERT INTO version_parent(version_id, parent_id) SELECT p.version_id, p.parent_id "
    "FROM merge_incoming_parent p JOIN merge_new n ON n.version_id = p.version_id"
)
# Afterwards everything the file holds must be here: a version or blob neither checked nor
# already present would mean the file changed under us.
_LEFT_OUT = (
    "SELECT (SELECT count(*) FROM merge_file_version i "
    "WHERE NOT EXISTS (SELECT 1 FROM version v WHERE v.version_id = i.version_id))"
    " + (SELECT count(*) FROM merge_file_blob i WHERE NOT EXISTS (SELECT 1 FROM blob b WHERE b.sha256 = i.sha256))"
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


def _stage(conn: Connection, foreign: sqlite3.Connection, plan: _Plan) -> None:
    """The file's verified versions and parents into the staging tables; every id and hash
    it holds. On a server by COPY (db.postgres), in SQLite by executemany."""
    verified = set(plan.verified_versions)
    versions = foreign.execute("SELECT " + ", ".join(_INCOMING) + " FROM version")
    parents = foreign.execute("SELECT version_id, parent_id FROM version_parent")
    tables: list[tuple[str, tuple[str, ...], Iterable[Any]]] = [
        ("merge_file_version", ("version_id",), foreign.execute("SELECT version_id FROM version")),
        ("merge_file_blob", ("sha256",), foreign.execute("SELECT sha256 FROM blob")),
    ]
    if verified:
        tables += [
            ("merge_incoming", _INCOMING, (r for r in versions if r[0] in verified)),
            ("merge_incoming_parent", ("version_id", "parent_id"), (r for r in parents if r[0] in verified)),
        ]
    if conn.dialect.name == "postgresql":
        from db import postgres

        for table, columns, rows in tables:
            postgres.stage(conn, table, columns, rows)
        return
    raw: sqlite3.Connection = conn.connection.driver_connection  # type: ignore[assignment]
    for table, columns, rows in tables:
        raw.executemany(f"INSERT INTO {table}({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})", rows)


def _pieces(foreign: sqlite3.Connection, rowid: int) -> Iterator[bytes]:
    with foreign.blobopen("blob", "data", rowid, readonly=True) as src:
        while chunk := src.read(_CHUNK):
            yield chunk


def _copy_blobs(conn: Connection, foreign: sqlite3.Connection, plan: _Plan) -> tuple[int, int]:
    """Stream the verified blobs not here yet; (count, bytes)."""
    server = conn.dialect.name == "postgresql"
    raw: sqlite3.Connection = conn.connection.driver_connection  # type: ignore[assignment]
    count = size_total = 0
    for sha in plan.verified_blobs:
        if conn.execute(text("SELECT 1 FROM blob WHERE sha256 = :h"), {"h": sha}).first():
            continue  # an earlier file of the batch (or another lead, on a server) brought it
        found = foreign.execute("SELECT id, size, mime FROM blob WHERE sha256 = ?", (sha,)).fetchone()
        if found is None:
            continue  # _LEFT_OUT names it
        rowid, size, mime = found
        if server:
            from db import postgres

            try:
                postgres.copy_blob(conn, sha, size, mime, _pieces(foreign, rowid))
            except OSError as exc:
                raise KnownDatabaseError(plan.source, "the file changed between its checks and the merge; nothing was merged") from exc
        else:
            target = raw.execute(
                "INSERT INTO blob(sha256, size, mime, data) VALUES (?, ?, ?, zeroblob(?))", (sha, size, mime, size)
            ).lastrowid
            assert target is not None  # an INSERT's row
            if size:
                with raw.blobopen("blob", "data", target, readonly=False, name="main") as dst:
                    for chunk in _pieces(foreign, rowid):
                        dst.write(chunk)
        count += 1
        size_total += size
    return count, size_total


_SAME_INSPECTOR = text("SELECT 1 FROM device WHERE role = 'field' AND inspector = :n AND id <> :i")


def _apply(
    conn: Connection, foreign: sqlite3.Connection, plan: _Plan, report: FileReport, now: str, *, decision: Enrolment,
) -> None:
    if plan.exporter is not None:  # again, as of now: an earlier file of the batch may have brought the device's manifests
        stored: dict[int, str] = {int(r[0]): str(r[1]) for r in conn.execute(_STORED_CHAIN, {"d": plan.exporter.device_id})}
        if any(stored.get(m.number, m.hash) != m.hash for m in plan.chain):
            raise Refused(report.file, "fork", _FORK)
        report.older_than = max((n for n in stored if n > plan.exporter.number), default=0)
    enrolled = []
    for device in plan.new_devices:
        # again, as of now: an earlier file of the batch may have enrolled the inspector's first laptop
        taken = (
            device.id == plan.source and device.role == "field" and local.get(conn, local.ROLE) == "master"
            and conn.execute(_SAME_INSPECTOR, {"n": device.inspector, "i": device.id}).first() is not None
        )
        if taken and not decision.accepts(device, receiver_role="master", inspector_taken=True) and decision.field is not False:
            raise Refused(report.file, "not_enrolled", _not_enrolled(device, "master", True))
        if conn.execute(_ENROLL, {"i": device.id, "r": device.role, "n": device.inspector, "k": device.public_key,
                                  "f": device.fingerprint, "t": now}).rowcount:
            enrolled.append(device)
        elif conn.execute(text("SELECT fingerprint FROM device WHERE id = :i"), {"i": device.id}).scalar() != device.fingerprint:
            raise Refused(report.file, "device_key", f"device {device.id[:8]} was enrolled meanwhile with another key")
    report.enrolled = enrolled
    for statement in _UNION[conn.dialect.name]:
        conn.exec_driver_sql(statement)
    _stage(conn, foreign, plan)
    conn.exec_driver_sql(_NEW)
    projection.begin_scope(conn)
    conn.exec_driver_sql(_SCOPE.format(scope=projection.AFFECTED))
    added = conn.exec_driver_sql(_INSERT_VERSIONS).rowcount
    conn.exec_driver_sql(_INSERT_PARENTS)
    blobs, blob_bytes = _copy_blobs(conn, foreign, plan)
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
    report.versions_added, report.blobs_added, report.blob_bytes = added, blobs, blob_bytes
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


def _transaction(
    conn: Connection, quarantined: Path, plan: _Plan, report: FileReport, now: str, *, target: Path, decision: Enrolment,
) -> None:
    """Step 4 of one file, in a SAVEPOINT of the batch's transaction: a file refused here is
    rolled back alone."""
    try:
        foreign = open_hardened(quarantined)
    except sqlite3.Error as exc:
        raise Refused(report.file, "unreadable", f"the file could not be read again ({exc})") from exc
    try:
        # a savepoint of our own (SQLAlchemy's would try to roll back to it after SQLite has
        # already rolled the whole transaction back, as it does on a full disk)
        conn.exec_driver_sql("SAVEPOINT merge_file")
        try:
            _apply(conn, foreign, plan, report, now, decision=decision)
        except BaseException:
            if _in_transaction(conn):
                conn.exec_driver_sql("ROLLBACK TO merge_file")
                conn.exec_driver_sql("RELEASE merge_file")
            raise
        conn.exec_driver_sql("RELEASE merge_file")
    except IntegrityError as exc:
        raise Refused(report.file, "contents", f"the file's versions cannot be stored beside those already here ({exc.orig})") from exc
    except DBAPIError as exc:
        if exc.orig is not None and _unstorable(exc.orig):
            raise Refused(report.file, "contents", f"the file holds values the master cannot store ({exc.orig})") from exc
        engine.reraise(exc, target)
    except sqlite3.OperationalError as exc:  # from the raw staging and blob streams
        engine.reraise(OperationalError(str(exc), None, exc), target)
    except Exception as exc:
        if not type(exc).__module__.startswith("psycopg"):
            raise
        if _unstorable(exc):  # from COPY on a server
            raise Refused(report.file, "contents", f"the file holds values the master cannot store ({exc})") from exc
        engine.reraise(OperationalError(str(exc), None, exc), target)
    finally:
        foreign.close()


def _unstorable(error: BaseException) -> bool:
    """A value PostgreSQL refuses (a NUL in a text, bytes that are not UTF-8, an index entry
    past its size limit: SQLite keeps them): the file is refused, not the batch failed."""
    if not type(error).__module__.startswith("psycopg"):
        return False
    import psycopg

    state = str(getattr(error, "sqlstate", "") or "")
    return isinstance(error, psycopg.DataError) or state.startswith(("22", "54"))  # 54: a value past a server limit


def _in_transaction(conn: Connection) -> bool:
    """Whether the batch's transaction is still open: SQLite rolls all of it back by itself
    on some failures (a full disk); PostgreSQL keeps it, aborted until a ROLLBACK TO."""
    raw = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        return bool(raw.info.transaction_status != 0)  # type: ignore[union-attr]  # 0: idle
    return bool(raw.in_transaction)  # type: ignore[union-attr]


# --- the reports, kept ----------------------------------------------------------------------
#
# Each batch's report is a row of the receiving database's `merge_report` table (schema 2:
# db/schema_v2.sql says why its columns are what they are; schema 1 kept it as JSON in
# local_state, and step 2 moved it). Why in the database, not a file beside it:
# - written in the batch's own transaction, a merge's report exists if and only if the merge
#   committed: a cancelled or killed batch leaves neither;
# - it travels with the master file (copied to another computer, its history comes along),
#   unlike a file in this computer's data folder;
# - import_log keeps one row per merged file and cannot say why a file was refused or that a
#   dry run was made.
# The table is this database's own: a merge never reads it from a file, an export empties it.
# A dry run writes nothing of the merge; its report alone is stored afterwards, in a small
# transaction of its own, and only the latest DRY_RUNS_KEPT of them are kept.

REPORT_KEY = "merge_report:"  # a report's identity: `merge_report:<time>:<id>`, its key in schema 1
DRY_RUNS_KEPT = 20


@dataclass(frozen=True)
class BatchReport:
    key: str  # stable: the same before and after the upgrade from schema 1
    at: str  # ISO 8601, UTC
    dry_run: bool
    files: tuple[FileReport, ...]
    id: int = 0
    device_id: str = ""  # the receiving database's device
    merged_by: str | None = None  # the desk (login@computer) that ran it; None: not known
    merged: int = 0  # the files merged (a dry run: that would be)
    refused: int = 0
    versions_added: int = 0
    conflicts: int = 0


def _file_json(r: FileReport) -> dict[str, object]:
    return {
        "file": str(r.file), "status": r.status, "reason": r.reason, "code": r.code, "device_id": r.device_id,
        "inspector": r.inspector, "role": r.role, "export_number": r.export_number, "versions_added": r.versions_added,
        "versions_present": r.versions_present, "blobs_added": r.blobs_added, "blob_bytes": r.blob_bytes,
        "conflicts": r.conflicts, "records_in_conflict": r.records_in_conflict[:1000],
        "enrolled": [{"id": d.id, "role": d.role, "inspector": d.inspector, "fingerprint": d.fingerprint} for d in r.enrolled],
        "older_than": r.older_than, "file_sha256": r.file_sha256, "refused_version": r.refused_version,
        "refused_author": r.refused_author, "clock_ahead_ms": r.clock_ahead_ms, "second_laptops": r.second_laptops,
    }


def _merged_by() -> str | None:
    """Who ran the batch, as this computer names them: login@computer (None if it cannot say)."""
    try:
        return f"{getpass.getuser()}@{socket.gethostname()}"
    except (OSError, KeyError, ImportError):  # no login name in the environment nor the user database
        return None


def _report_key(at: str, number: int) -> str:
    return f"{REPORT_KEY}{at}:{number:08d}"


_NEXT_REPORT = text("SELECT coalesce(max(id), 0) + 1 FROM merge_report")
_PUT_REPORT = text(
    "INSERT INTO merge_report(id, merged_at, device_id, merged_by, dry_run, files, merged, refused, versions_added, conflicts, detail) "
    "VALUES (:id, :at, :device, :by, :dry, :files, :merged, :refused, :added, :conflicts, :detail)"
)
_PRUNE_DRY_RUNS = text(
    "DELETE FROM merge_report WHERE dry_run = :t AND id NOT IN "
    "(SELECT id FROM merge_report WHERE dry_run = :t ORDER BY merged_at DESC, id DESC LIMIT :n)"
)
_REPORTS = text(
    "SELECT id, merged_at, dry_run, detail, device_id, merged_by, merged, refused, versions_added, conflicts "
    "FROM merge_report ORDER BY merged_at DESC, id DESC"
)


def _store_report(conn: Connection, reports: Sequence[FileReport], now: str, *, dry_run: bool) -> str:
    # the next number under the writer's lock: batches within the same second keep their order
    number = int(conn.execute(_NEXT_REPORT).scalar_one())
    conn.execute(_PUT_REPORT, {
        "id": number, "at": now, "device": local.get(conn, local.DEVICE) or "", "by": _merged_by(), "dry": dry_run,
        "files": len(reports), "merged": sum(r.status in {"merged", "dry-run"} for r in reports),
        "refused": sum(r.status == "refused" for r in reports), "added": sum(r.versions_added for r in reports),
        "conflicts": sum(r.conflicts for r in reports), "detail": json.dumps([_file_json(r) for r in reports], ensure_ascii=False),
    })
    if dry_run:
        conn.execute(_PRUNE_DRY_RUNS, {"t": True, "n": DRY_RUNS_KEPT})
    return _report_key(now, number)


def _parse_files(detail: str) -> tuple[FileReport, ...]:
    files = []
    for f in json.loads(detail):
        enrolled = [DeviceInfo(d["id"], d["role"], d["inspector"], b"", d["fingerprint"]) for d in f.get("enrolled", [])]
        files.append(FileReport(
            Path(f["file"]), f["status"], f.get("reason", ""), f.get("code", ""), f.get("device_id", ""), f.get("inspector"),
            f.get("role", ""), int(f.get("export_number", 0)), int(f.get("versions_added", 0)), int(f.get("versions_present", 0)),
            int(f.get("blobs_added", 0)), int(f.get("blob_bytes", 0)), int(f.get("conflicts", 0)),
            list(f.get("records_in_conflict", [])), enrolled, int(f.get("older_than", 0)), f.get("file_sha256", ""),
            str(f.get("refused_version", "")), str(f.get("refused_author", "")), int(f.get("clock_ahead_ms", 0)),
            [str(d) for d in f.get("second_laptops", [])],
        ))
    return tuple(files)


def stored_reports(database: Database) -> list[BatchReport]:
    """Every kept batch report, the latest first."""
    with database.read() as conn:
        rows = conn.execute(_REPORTS).all()
    out = []
    for number, at, dry_run, detail, device, by, merged, refused, added, conflicts in rows:
        try:
            files = _parse_files(detail)
        except (ValueError, KeyError, TypeError, AttributeError):  # a report another build wrote differently: skipped, not fatal
            continue
        out.append(BatchReport(
            _report_key(at, number), at, bool(dry_run), files, number, device, by, merged, refused, added, conflicts,
        ))
    return out


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
    except (sqlite3.Error, ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError) as exc:
        raise Refused(shown, "corrupt", "its contents cannot be read as an export: it was altered or damaged") from exc
    except DBAPIError as exc:
        if exc.orig is not None and _unstorable(exc.orig):  # a value of the file the server refuses even to compare
            raise Refused(shown, "corrupt", "its contents cannot be read as an export: it was altered or damaged") from exc
        raise


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


def _prepare(
    database: Database, path: Path, quarantine_dir: Path, *, enroll: Enroll, limit: int = MAX_FILE_BYTES
) -> _Prepared:
    """Steps 1–3 of one file. The quarantined copy is removed here if they fail in any way
    that is not the file's (the environment, a bug); the caller removes it otherwise."""
    report = FileReport(path, "refused")
    prepared = _Prepared(report, quarantine_dir / f"{uuid.uuid4().hex}.db")
    try:
        return _prepare_steps(database, path, prepared, enroll=enroll, limit=limit)
    except BaseException:
        prepared.quarantined.unlink(missing_ok=True)
        raise


def _prepare_steps(database: Database, path: Path, prepared: _Prepared, *, enroll: Enroll, limit: int) -> _Prepared:
    report = prepared.report
    try:
        if not database.on_server and path.resolve() == database.path.resolve():
            raise Refused(path, "unreadable", "this is the database being merged into")
        report.file_sha256 = _quarantine(path, prepared.quarantined, limit)
        known = _known_file(database, report.file_sha256)
        if known is not None:
            report.status, (report.device_id, report.inspector, report.export_number) = "nothing-new", known
            return prepared
        plan = _inspect(database, prepared.quarantined, path, enroll=enroll)
    except Refused as exc:
        prepared.refusal = exc
        report.refused_version = getattr(exc, "version_id", "")
        report.refused_author = getattr(exc, "author", "")
        device = getattr(exc, "device", None)
        if isinstance(device, DeviceInfo):  # whose file it is, when the file got that far
            report.device_id, report.inspector, report.role = device.id, device.inspector, device.role
        return prepared
    exporter = plan.devices[plan.source]
    report.device_id, report.inspector, report.role = exporter.id, exporter.inspector, exporter.role
    report.export_number = plan.exporter.number if plan.exporter else 0
    report.versions_present = plan.present_versions
    report.older_than, report.enrolled = plan.older_than, plan.new_devices
    report.clock_ahead_ms, report.second_laptops = plan.clock_ahead_ms, list(plan.second_laptops)
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
    max_file_bytes: int = MAX_FILE_BYTES,
) -> list[FileReport]:
    """Merge the files as one batch: one transaction, each file in a savepoint of its own; a
    refused file is reported, the others are merged. Raises `Cancelled` and the environment's
    failures (a full disk) after rolling the whole batch back: nothing of it is written. The
    batch's report is kept in the database (`stored_reports`), a dry run's too.

    Steps 1–3 of the next file (copy, hashes, signatures: mostly C code that releases the
    GIL) run in a worker thread while the current file's step 4 runs, so a batch costs
    little more than its inserts. A file checked before an earlier one of the batch was
    merged stays correct: step 4 adds only what step 3 checked, and requires that the rest
    was already here.
    """
    if database.read_only and not dry_run:
        raise KnownDatabaseError(
            database.path, "the database is on a read-only disk: copy it to a folder you can write to merge (a dry run works here)"
        )
    if dry_run and database.read_only:  # a master on a read-only disk: the dry run works on a copy of it
        with tempfile.TemporaryDirectory(prefix="yanshou-dry-run-") as work:
            try:
                copy = database.copy_to(Path(work))
            except (OSError, sqlite3.Error) as exc:
                raise KnownDatabaseError(database.path, f"a copy for the dry run could not be made ({exc})") from exc
            try:
                return merge(
                    copy, files, quarantine_dir=quarantine_dir, backup_dir=backup_dir, enroll=enroll, dry_run=True, now=now,
                    progress=progress, cancelled=cancelled, max_file_bytes=max_file_bytes,
                )
            finally:
                copy.close()
    now = now or dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    reports: list[FileReport] = []
    backed_up = False
    try:
        quarantine_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _environment(exc, quarantine_dir) from exc
    _sweep(quarantine_dir)
    paths = [Path(p) for p in files]
    seen: set[str] = set()  # the same bytes offered twice in one batch (the log is not committed yet)
    batch = database.engine.connect().execution_options(immediate=True, patient=True)
    with ThreadPoolExecutor(1, thread_name_prefix="yanshou-merge") as ahead, batch as conn:
        pending = [ahead.submit(_prepare, database, paths[0], quarantine_dir, enroll=enroll, limit=max_file_bytes)] if paths else []
        transaction = None
        try:
            for index, path in enumerate(paths):
                if progress:
                    progress(index, len(paths), str(path))
                prepared = pending.pop(0).result()
                if index + 1 < len(paths):
                    pending.append(
                        ahead.submit(_prepare, database, paths[index + 1], quarantine_dir, enroll=enroll, limit=max_file_bytes)
                    )
                report = prepared.report
                reports.append(report)
                try:
                    if cancelled():
                        raise Cancelled
                    if prepared.refusal is not None:
                        raise prepared.refusal
                    if prepared.plan is None:
                        continue
                    if report.file_sha256 in seen:
                        report.status = "nothing-new"
                        continue
                    seen.add(report.file_sha256)
                    if not dry_run and not backed_up and not database.on_server:
                        # a copy as of before the batch (the batch's transaction is not visible to it);
                        # a server's backups are its administrator's (pg_dump, base backups)
                        _back_up(database.path, backup_dir, keep_backups)
                        backed_up = True
                    if transaction is None:
                        transaction = _begin(conn, database.path)
                    _transaction(conn, prepared.quarantined, prepared.plan, report, now, target=database.path, decision=enrolment(enroll))
                    if cancelled():
                        raise Cancelled
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
            if progress:
                progress(len(paths), len(paths), "")
            if cancelled():
                raise Cancelled
            if dry_run:
                if transaction is not None:
                    transaction.rollback()
                    transaction = None
                _keep_dry_run(conn, reports, now, database.path)
            else:
                if transaction is None:
                    transaction = _begin(conn, database.path)
                _store_report(conn, reports, now, dry_run=False)
                _commit(transaction, database.path)
                transaction = None
        finally:
            if transaction is not None and transaction.is_active:  # cancelled, failed: nothing of the batch stays
                transaction.rollback()
            for future in pending:  # a cancelled or failed batch: the file checked ahead is dropped
                future.cancel()
                if not future.cancelled():
                    future.result().quarantined.unlink(missing_ok=True)
    return reports


def _back_up(master: Path, backup_dir: Path, keep: int) -> None:
    """A copy of the master as of before the batch, in the data folder's backups."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = backup_dir / f"{master.stem}-{stamp}.db"
    try:
        backup_dir.mkdir(parents=True, exist_ok=True)
        migrations.backup(master, target)
        _prune(backup_dir, master.stem, keep)
    except OSError as exc:
        target.unlink(missing_ok=True)
        raise _environment(exc, backup_dir) from exc
    except sqlite3.Error as exc:  # the backup's own file could not be written (a full or read-only disk)
        target.unlink(missing_ok=True)
        raise KnownDatabaseError(backup_dir, f"the master could not be backed up before merging ({exc}); nothing was merged") from exc


def _keep_dry_run(conn: Connection, reports: Sequence[FileReport], now: str, target: Path) -> None:
    """The dry run's report, alone, in a transaction of its own. Best effort: a master that
    cannot be written just now (read-only, busy) still gets its dry run, shown, not kept."""
    try:
        transaction = _begin(conn, target)
        try:
            _store_report(conn, reports, now, dry_run=True)
            _commit(transaction, target)
        finally:
            if transaction.is_active:
                transaction.rollback()
    except (KnownDatabaseError, DBAPIError):
        return


def _begin(conn: Connection, target: Path) -> RootTransaction:
    try:
        return conn.begin()
    except DBAPIError as exc:
        engine.reraise(exc, target)


def _commit(transaction: RootTransaction, target: Path) -> None:
    try:
        transaction.commit()
    except DBAPIError as exc:
        engine.reraise(exc, target)


__all__ = [
    "BatchReport", "Cancelled", "DeviceInfo", "Enrolment", "FileReport", "enrolment", "expected_schema", "merge", "open_hardened",
    "stored_reports",
]
