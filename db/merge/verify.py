"""Steps 2 and 3 of a merge, on the quarantined copy, before anything is written: the file
itself (its header, opened read-only with SQLite's defences up, `integrity_check`, its schema
compared exactly with ours), then what it says (its campaign, its signed manifest and chain,
every figure recomputed, the devices and the lead's decision on new ones, every new version's
hash, signature, parents, sequence number and admission, the versions held already byte for
byte, every new blob's description). The result is a `_Plan`: what step 4 (db.merge.apply) may
add; step 4 hashes each new blob's bytes as it copies them. Any check failing refuses the file,
with the reason, naming whose file it is once known."""

from __future__ import annotations

import functools
import json
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, event, text
from sqlalchemy.exc import DBAPIError

from db import admission, canonical, engine, keys, manifest, migrations, projection, search
from db.database import Database
from db.errors import KnownDatabaseError, Refused
from db.merge.enrolment import DeviceInfo, Enroll, Enrolment, _not_enrolled, _who, enrolment
from db.merge.quarantine import _CHUNK
from db.merge.signatures import Checker

# A version as stored: the columns step 3 checks and step 4 inserts, in this order.
ROW_COLUMNS = ("version_id", "record_id", "entity", "device_id", "seq", "hlc", "deleted", "payload", "blob_hashes", "signature")
_ROW = f"SELECT {', '.join(ROW_COLUMNS)} FROM version"
_TAKEN = text("SELECT device_id, seq, version_id FROM version WHERE device_id IN :d").bindparams(bindparam("d", expanding=True))
MAX_BLOB_BYTES = 512 * 1024 * 1024  # one piece of evidence; SQLite's length limit is lowered to this
# Step 4 reads a blob in pieces of this size to hash and copy it: a photo in one piece or two.
# Each read and write lets the GIL go and takes it back, which may wait for the worker thread
# running Python beside it (up to the switch interval, 5 ms by default); 1 MiB pieces of 200 MB
# of evidence were some 400 reads and 400 writes.
BLOB_PIECE = 8 * 1024 * 1024


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
    new_blob_list: list[str]  # the new blobs, described rightly: hashed as step 4 copies them
    clock_ahead_ms: int = 0
    second_laptops: tuple[str, ...] = ()
    # What step 4 adds, as step 3 read and checked it: the new versions' rows (the columns of
    # _ROW), their parents; and every version and blob the file holds, which must all be
    # there after it. Step 4 reads none of it from the file again.
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    parent_rows: list[tuple[str, str]] = field(default_factory=list)
    file_versions: list[str] = field(default_factory=list)
    file_blobs: list[str] = field(default_factory=list)
    # Raises the file's refusal when a signature of its new versions is bad: the last check of
    # step 3, whose answer may come from the child process (db.merge.signatures), awaited by
    # the batch before step 4. Nothing else of the file is refused once the plan is made.
    confirm: Callable[[], None] = lambda: None


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


def schema_rows(conn: sqlite3.Connection) -> list[tuple[str, str, str, str | None]]:
    """A SQLite file's catalogue, as schema_differences compares it (a DB-API connection)."""
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()
    return [tuple(r) for r in rows]


def expected_schema(version: int = migrations.SCHEMA_VERSION) -> tuple[tuple[str, str, str, str | None], ...]:
    """sqlite_master of a database of a schema version made by this program (as `init` makes
    it, or as an older release made it: the same frozen steps). Made once a run: a second
    thread asking meanwhile waits for it (db.merge makes it while the first file is copied)."""
    with _SCHEMA_MADE:
        return _made_schema(version)


_SCHEMA_MADE = threading.Lock()


@functools.cache
def _made_schema(version: int) -> tuple[tuple[str, str, str, str | None], ...]:
    with tempfile.TemporaryDirectory(prefix="yanshou-schema-") as work:
        path = Path(work) / "schema.db"
        eng = engine.sqlite_engine(path)
        # a throwaway file: its commits need not reach the disk (the first merge of a run waited
        # 40-100 ms for their fsyncs)
        event.listen(eng, "connect", lambda dbapi, _record: dbapi.execute("PRAGMA synchronous=OFF"))
        try:
            migrations.upgrade(eng, path, target=version)
        finally:
            eng.dispose()
        conn = sqlite3.connect(path)
        try:
            return tuple(schema_rows(conn))
        finally:
            conn.close()


def schema_differences(rows: list[tuple[str, str, str, str | None]], version: int) -> str | None:
    """How a file's catalogue (sqlite_master's rows) differs from the schema this program made
    at that version, with its own full-text index left aside: None when it is exactly that, else
    what is not ours and what is missing (a trigger, a view or a table planted or dropped), or
    that a definition was changed. The one comparison, for a file offered to a merge and for
    `verify` of a database here."""
    got = search.without_local_index(rows)  # (both in sqlite_master order by type, name)
    want = list(expected_schema(version))
    if got == want:
        return None
    named_got, named_want = {f"{r[0]} {r[1]}" for r in got}, {f"{r[0]} {r[1]}" for r in want}
    return differences_said(named_got - named_want, named_want - named_got) or "a table's definition was changed"


def differences_said(extra: Iterable[str], missing: Iterable[str]) -> str | None:
    """What a schema holds that is not ours and what it lacks, each as "kind name", in the
    words every check of a schema uses (a file's here, a server's: db.postgres); None: nothing."""
    extra, missing = sorted(extra), sorted(missing)
    parts = [f"not ours: {', '.join(extra)}" if extra else "", f"missing: {', '.join(missing)}" if missing else ""]
    return "; ".join(p for p in parts if p) or None


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
        # The schema first, read from the file's catalogue alone: a laptop's database file
        # copied as it is holds its full-text index (db/search.py), outside the versioned schema;
        # an export never does; anything else is refused before any of its pages is parsed.
        try:
            rows = schema_rows(conn)
        except sqlite3.DatabaseError as exc:
            raise Refused(shown, "corrupt", f"the file is damaged or truncated ({exc})") from exc
        detail = schema_differences(rows, version)
        if detail is not None:
            raise Refused(shown, "schema", f"its tables differ from a Yanshou export ({detail})")
        want = expected_schema(version)
        # Then the integrity of the versioned tables, one by one: never of the full-text index
        # a laptop's file may carry (SQLite 3.44 and later check a virtual table's own data in
        # integrity_check, and FTS5's is the file's, hostile until proven otherwise; the merge
        # never reads it).
        for table in sorted({r[2] for r in want if r[0] == "table"}):
            try:
                check = [r[0] for r in conn.execute(f'PRAGMA integrity_check("{table}")')]
            except sqlite3.DatabaseError as exc:
                raise Refused(shown, "corrupt", f"the file is damaged or truncated ({exc})") from exc
            if check != ["ok"]:
                raise Refused(shown, "corrupt", "the file is damaged: " + "; ".join(check[:3]))
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



# A refusal as step 3 makes it: Refused with its code and message, naming whose file it is once known.
_Refuse = Callable[[str, str], Refused]


def _verify(
    foreign: sqlite3.Connection, conn: Connection, receiver: _Receiver, shown: Path, *, enroll: Enroll, signatures: Checker,
) -> _Plan:
    """Step 3, a named check after another: the campaign, the devices the file describes, the
    exporter's manifest and chain, the sequence numbers, which devices are trusted and which
    the lead's decision enrols, every version not yet here, every blob not yet here, the new
    versions' signatures. The order is the refusal's (the first check a file fails says why)
    and the cost's (signatures and blob bytes last). The signatures are checked while the blobs
    are (in the child process, for a large file of a batch): a bad one is what the file is
    refused for, before any refusal of its blobs, as when it was checked first."""
    exporter: list[DeviceInfo] = []  # once known, a refusal names whose file it is

    def refuse(code: str, message: str) -> Refused:
        refused = Refused(shown, code, message)
        refused.device = exporter[0] if exporter else None  # type: ignore[attr-defined]
        return refused

    # the campaign: reference data is the same everywhere, or the file belongs elsewhere
    campaigns = [tuple(r) for r in foreign.execute("SELECT id, sha256 FROM campaign ORDER BY id")]
    if campaigns != receiver.campaigns:
        raise refuse("campaign", "the file belongs to a different campaign (or a different version of its campaign file)")
    devices = _described_devices(foreign, refuse)
    exported, chain, older_than, source = _exporter(foreign, conn, devices, refuse)
    if source in devices:
        exporter.append(devices[source])
    _check_sequences(foreign, refuse)
    decision = enrolment(enroll)
    used = {r[0] for r in foreign.execute("SELECT DISTINCT device_id FROM version")} | {source}
    trusted, new_devices = _trusted(used, devices, receiver, refuse)
    if receiver.role != "master" and source != receiver.device_id and trusted[source].role != "master":
        # (a new device is refused so below; one known here, another laptop, too: only the master
        # checks a laptop's work, its clock and its steps, before a laptop takes it)
        raise refuse("not_enrolled", _not_enrolled(trusted[source], receiver.role, False))
    if exported is not None:
        claimed = trusted[source]
        if (exported.body.get("role"), exported.body.get("inspector")) != (claimed.role, claimed.inspector):
            raise refuse("manifest", "the export's manifest names another role or inspector than its device")
    second_laptops = _admit_devices(foreign, receiver, new_devices, devices=devices, source=source, decision=decision, refuse=refuse)
    versions = _check_versions(
        foreign, conn, receiver, used=used, trusted=trusted, devices=devices, refuse=refuse, signatures=signatures,
    )
    try:
        ahead = admission.hlc_ms(versions.max_hlc) - receiver.policy.clock() if versions.max_hlc else 0
        new_blobs, file_blobs = _check_blobs(foreign, conn, versions.referenced, refuse)
    except BaseException:
        versions.confirm()  # a bad signature, found before the blobs were looked at, says why
        raise
    return _Plan(
        exported, source, chain, devices, new_devices, len(versions.checked), versions.present, len(new_blobs),
        versions.max_hlc, older_than, versions.checked, new_blobs, ahead if ahead > admission.CLOCK_NOTED_MS else 0,
        tuple(second_laptops), versions.rows, versions.parent_rows, versions.file_versions, file_blobs, versions.confirm,
    )


def _described_devices(foreign: sqlite3.Connection, refuse: _Refuse) -> dict[str, DeviceInfo]:
    """The devices the file knows (its own unsigned word), each key matching its fingerprint."""
    devices: dict[str, DeviceInfo] = {}
    for r in foreign.execute("SELECT id, role, inspector, public_key, fingerprint FROM device"):
        if not (_text(r[0], 64) and _text(r[4], 128) and (r[2] is None or _text(r[2], 200)) and isinstance(r[3], bytes)):
            raise refuse("contents", "a device the file describes has an id, name or key no Yanshou writes")
        info = DeviceInfo(r[0], r[1], r[2], bytes(r[3]), r[4])
        if keys.fingerprint(info.public_key) != info.fingerprint or info.role not in {"field", "master"}:
            raise refuse("device_key", f"device {info.id[:8]}'s key does not match its fingerprint")
        devices[info.id] = info
    return devices


def _exporter(
    foreign: sqlite3.Connection, conn: Connection, devices: dict[str, DeviceInfo], refuse: _Refuse
) -> tuple[manifest.Manifest | None, list[manifest.Manifest], int, str]:
    """The exporter's manifest, its chain, the number of a later export of it merged here (or
    0), and the device whose file it is. A database file copied as it is has no manifest: it
    names its device in its local state."""
    row = foreign.execute("SELECT value FROM local_state WHERE key = ?", (manifest.EXPORT_KEY,)).fetchone()
    if row is not None:
        exported, chain, older_than = _check_manifest(foreign, conn, devices, row[0], refuse)
        return exported, chain, older_than, exported.device_id
    claimed = foreign.execute("SELECT value FROM local_state WHERE key = 'device_id'").fetchone()
    if claimed is None or claimed[0] not in devices:
        raise refuse("not_export", "neither an export nor a laptop's database: it names no device of its own")
    return None, [], 0, claimed[0]


def _check_sequences(foreign: sqlite3.Connection, refuse: _Refuse) -> None:
    """Every device's sequence numbers run 1, 2, 3… without a gap (a removed row shows)."""
    for device_id, count, first, last in foreign.execute("SELECT device_id, count(*), min(seq), max(seq) FROM version GROUP BY device_id"):
        if first != 1 or last != count:
            raise refuse("contents", f"versions of device {str(device_id)[:8]} are missing (numbers {first}…{last}, {count} present)")


def _trusted(
    used: set[str], devices: dict[str, DeviceInfo], receiver: _Receiver, refuse: _Refuse
) -> tuple[dict[str, DeviceInfo], list[DeviceInfo]]:
    """The devices whose work the file carries, as trusted here, and those new here. A device
    known here must have the same key (what this database enrolled is trusted, not the file's
    unsigned device table); a new one is enrolled only by the lead's decision (_admit_devices)."""
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
    return trusted, new_devices


def _admit_devices(
    foreign: sqlite3.Connection, receiver: _Receiver, new_devices: list[DeviceInfo], *, devices: dict[str, DeviceInfo],
    source: str, decision: Enrolment, refuse: _Refuse,
) -> list[str]:
    """The new devices, each accepted or the file refused; the ids of the new laptops of an
    inspector who has one enrolled already (a second laptop, which the report points out).

    Only a master speaks for other devices: the devices whose work a file carries beside its
    exporter's are admitted when a master this database trusts (enrolled here, or accepted by
    the lead's decision now) lists them in its signed registry, a manifest the file holds. A
    field laptop's own word (its device table) makes no device, so its owner cannot invent one."""
    vouched = _vouched(foreign, devices, receiver, decision)
    second_laptops: list[str] = []
    for device in new_devices:
        if device.id == source:
            taken = _taken(device, receiver)
            if not decision.accepts(device, receiver_role=receiver.role, taken=taken):
                raise refuse("not_enrolled", _not_enrolled(device, receiver.role, taken))
            if taken and device.role == "field":
                second_laptops.append(device.id)
        elif vouched.get(device.id) != (device.fingerprint, device.role, device.inspector):
            raise refuse(
                "not_enrolled",
                f"it carries work of a device no master trusted here vouches for ({_who(device)}); merge that laptop's own export",
            )
        elif receiver.role == "master" and device.role == "master" and not decision.accepts(
            device, receiver_role=receiver.role, taken=False,
        ):  # another lead's desk is a master's lead's own choice (--enroll-lead), whoever vouches for it
            raise refuse("not_enrolled", _not_enrolled(device, receiver.role, False))
    return second_laptops


def _taken(device: DeviceInfo, receiver: _Receiver) -> bool:
    """Whether a new device's place is held here already: at a master, the inspector's laptop
    by another device; at a laptop, the lead's master by an enrolled one."""
    if receiver.role != "master":
        return any(d.role == "master" for d in receiver.devices.values())
    return device.role == "field" and any(
        d.inspector == device.inspector and d.role == "field" and d.id != device.id for d in receiver.devices.values()
    )


@dataclass(frozen=True)
class _Held:
    """What each new version of a file is checked against."""

    trusted: dict[str, DeviceInfo]  # the devices whose work the file carries, as trusted here
    present_ids: set[str]  # the versions the receiver holds
    taken_seq: dict[tuple[str, int], str]  # (device, seq) → the version the receiver holds under it
    parents: dict[str, list[str]]  # the file's versions' parents
    file_records: dict[str, str]  # the file's versions → their records
    refuse: _Refuse


@dataclass(frozen=True)
class _Versions:
    """What the check of a file's versions established."""

    checked: list[str]  # the new versions, their hashes and signatures checked
    present: int  # the versions held here already, compared byte for byte
    referenced: set[str]  # the blobs the new versions name
    max_hlc: int  # the latest clock of the new versions (0: none)
    confirm: Callable[[], None]  # raises the refusal of a bad signature among them (db.merge.signatures)
    rows: list[tuple[Any, ...]]  # the new versions as read (_ROW)
    parent_rows: list[tuple[str, str]]  # their parents
    file_versions: list[str]  # every version the file holds


def _check_versions(
    foreign: sqlite3.Connection, conn: Connection, receiver: _Receiver, *, used: set[str], trusted: dict[str, DeviceInfo],
    devices: dict[str, DeviceInfo], refuse: _Refuse, signatures: Checker,
) -> _Versions:
    """The versions not yet here: each one's content, hash, parents and sequence
    (_new_version); then the admission check of them all (_admit) and the versions held
    already compared byte for byte (_compare_present), refused in that order; last every new
    version's signature, handed to `signatures` (checked meanwhile, in the child process for
    a large file of a batch) and refused when the caller confirms it. A version held already
    is its held copy, byte for byte, signature included: its signature is not checked again."""
    present_ids = set(conn.execute(text("SELECT version_id FROM version")).scalars())
    taken_seq = {(r[0], r[1]): r[2] for r in conn.execute(_TAKEN, {"d": sorted(used)})}
    parents: dict[str, list[str]] = {}
    for vid, pid in foreign.execute("SELECT version_id, parent_id FROM version_parent"):
        parents.setdefault(vid, []).append(pid)
    file_records = dict(foreign.execute("SELECT version_id, record_id FROM version").fetchall())
    held = _Held(trusted, present_ids, taken_seq, parents, file_records, refuse)
    referenced: set[str] = set()
    present: list[tuple[Any, ...]] = []
    max_hlc = 0
    # (version id, encoding, signature, device) of each new version, checked as they come
    to_check = signatures.stream({d: devices[d].public_key for d in used}, expected=len(file_records))
    fresh: list[tuple[admission.Candidate, dict[str, Any], DeviceInfo]] = []
    new_rows: list[tuple[Any, ...]] = []
    for row in foreign.execute(_ROW):
        if row[0] in present_ids:
            present.append(row)
            continue
        signed, admitted, blob_list = _new_version(row, held)
        new_rows.append(row)
        to_check.add(signed)
        fresh.append(admitted)
        referenced.update(blob_list)
        max_hlc = max(max_hlc, int(admitted[0].hlc))
    checking = to_check.done()
    _admit(conn, receiver, fresh, file_records, refuse)
    _compare_present(conn, foreign, present, parents, refuse)

    def confirm() -> None:
        bad = checking.result()
        if bad is not None:
            vid, device_id = bad
            who = _who(trusted[device_id])
            raise refuse("signature", f"version {vid[:12]} of {who} does not match its signature: it was edited outside Yanshou")

    parent_rows = [(vid, pid) for vid, *_ in new_rows for pid in parents.get(vid, ())]
    return _Versions(
        [c[0] for c in to_check.items], len(present), referenced, max_hlc, confirm, new_rows, parent_rows, list(file_records),
    )


def _new_version(
    row: tuple[Any, ...], held: _Held
) -> tuple[tuple[str, bytes, bytes, str], tuple[admission.Candidate, dict[str, Any], DeviceInfo], list[str]]:
    """One version not yet here, checked but for its signature: its fields as this program
    writes them, its hash, its parents held, its sequence number not reused, its payload and
    list of evidence parseable and canonical. What its signature is checked on, what the
    admission check takes, and the blobs it names."""
    vid, record_id, entity, device_id, seq, hlc, deleted, payload_text, blobs_text, signature = row
    refuse = held.refuse
    device = held.trusted[device_id]
    if not (_text(record_id, 64) and _text(entity, 32) and deleted in (0, 1) and isinstance(payload_text, str)):
        raise refuse("contents", f"version {str(vid)[:12]} has a field no Yanshou writes: made by another program")
    if not (isinstance(hlc, int) and 0 <= hlc < 2**63 and isinstance(seq, int) and 0 < seq < 2**63):
        raise refuse("contents", f"version {str(vid)[:12]} has a number no Yanshou writes: made by another program")
    version_parents = sorted(held.parents.get(vid, []))
    data = canonical.stored_envelope(
        record_id=record_id, entity=entity, parents=version_parents, device_id=device_id, seq=seq, hlc=hlc, deleted=deleted,
        payload_text=payload_text, blobs_text=blobs_text,
    )
    if canonical.digest(data) != vid:
        who = _who(device)
        raise refuse("signature", f"version {vid[:12]} (no. {seq} of {who}) does not match its signature: edited outside Yanshou")
    signed = (vid, data, bytes(signature), device_id)
    if version_parents and any(p not in held.file_records and p not in held.present_ids for p in version_parents):
        raise refuse("history", f"version {vid[:12]} names an earlier version the file does not hold")
    clash = held.taken_seq.get((device_id, seq))
    if clash is not None and clash != vid:
        raise refuse(
            "sequence",
            f"{_who(device)} reused its number {seq}: its database was restored from an old copy; "
            "ask the inspector to create a new one",
        )
    try:
        payload = admission.parse_payload(payload_text)
        blob_list = _blob_list(blobs_text)
    except (admission.Inadmissible, ValueError) as exc:
        rule = exc.rule if isinstance(exc, admission.Inadmissible) else "canonical"
        author = admission.Author(device.id, device.role, device.inspector)
        raise _inadmissible(refuse, rule, str(exc), vid, author) from None
    if not deleted and (lacking := projection.missing_fields(entity, payload)):
        raise refuse("contents", f"version {vid[:12]} is a {entity} without {', '.join(lacking)}: made by another program")
    candidate = admission.Candidate(vid, record_id, entity, tuple(version_parents), device_id, seq, hlc, bool(deleted), payload_text)
    return signed, (candidate, payload, device), blob_list


def _blob_list(blobs_text: Any) -> list[str]:
    """A version's list of evidence, which must be spelled as its canonical encoding (sorted
    hashes). Most versions (scores, findings) name none: "[]" is the one spelling of that."""
    if blobs_text == "[]":
        return []
    blob_list = canonical.loads(blobs_text, max_depth=1)
    listed = isinstance(blob_list, list) and all(isinstance(b, str) for b in blob_list)
    if not (listed and canonical.dumps(sorted(blob_list)) == blobs_text):
        raise admission.Inadmissible("canonical", "its list of evidence is not canonical")
    return list(blob_list)


def _check_blobs(
    foreign: sqlite3.Connection, conn: Connection, referenced: set[str], refuse: _Refuse
) -> tuple[list[str], list[str]]:
    """The blobs not yet here, described as this program describes them; every blob the new
    versions name is here or in the file. The new blobs, and every blob of the file. Their bytes
    are hashed in step 4 as they are copied (db.merge.apply._hashed), read once."""
    present_blobs = set(conn.execute(text("SELECT sha256 FROM blob")).scalars())
    file_blobs = {}
    new_blobs: list[str] = []
    # (the type and length of a blob come from its record's header: its pages are not read here)
    for sha, size, mime, kind, length in foreign.execute("SELECT sha256, size, mime, typeof(data), length(data) FROM blob").fetchall():
        file_blobs[sha] = size
        if sha in present_blobs:
            continue
        if not (_text(sha, 64) and _text(mime, 255) and isinstance(size, int) and 0 <= size <= MAX_BLOB_BYTES and kind == "blob"):
            raise refuse("blob", f"evidence {str(sha)[:12]}… is described in a way no Yanshou writes: the file was altered")
        if length != size:
            raise refuse("blob", altered_blob(sha))
        new_blobs.append(sha)
    missing = referenced - set(file_blobs) - present_blobs
    if missing:
        raise refuse("blob", f"{len(missing)} pieces of evidence are missing from the file")
    return new_blobs, list(file_blobs)


def altered_blob(sha: str) -> str:
    """The refusal's words for a blob whose bytes are not those of its hash."""
    return f"evidence {sha[:12]}…'s bytes do not match its hash: the file was altered or damaged"


def _vouched(
    foreign: sqlite3.Connection, devices: dict[str, DeviceInfo], receiver: _Receiver, decision: Enrolment,
) -> dict[str, tuple[str, str, str | None]]:
    """The devices listed by the signed registries of the masters this receiver trusts: the
    latest manifest of each such master that the file holds and the master's key verifies —
    the key enrolled here for a master known here (the file's device table is its own unsigned
    word: a laptop's owner could give the master's id a key of their own and sign a registry
    with it), the file's for a master the lead accepts now."""
    out: dict[str, tuple[str, str, str | None]] = {}
    for device in devices.values():
        if device.role != "master":
            continue
        known = receiver.devices.get(device.id)
        if known is not None:
            if known.role != "master" or known.fingerprint != device.fingerprint:
                continue
            key = known.public_key
        elif decision.accepts(device, receiver_role=receiver.role, taken=_taken(device, receiver)):
            key = device.public_key  # (a master the lead accepts now, by --enroll-lead at a master)
        else:
            continue
        verifier = keys.Verifier(key)
        for m in reversed(manifest.chain(foreign, device.id)):
            if canonical.digest(m.encoded) == m.hash and verifier(m.signature, m.encoded):
                out.update(manifest.registry(m.body))
                break
    return out


def _inadmissible(refuse: _Refuse, rule: str, why: str, vid: str, author: admission.Author) -> Refused:
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
    file_records: dict[str, str], refuse: _Refuse,
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
    authors = {d.id: admission.Author(d.id, d.role, d.inspector) for _, _, d in fresh}
    for candidate, payload, device in order:
        author = authors[device.id]
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
    refuse: _Refuse,
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
    foreign: sqlite3.Connection, conn: Connection, devices: dict[str, DeviceInfo], value: str, refuse: _Refuse
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
    _check_figures(foreign, exported, refuse)
    return exported, chain, older_than


def _check_figures(foreign: sqlite3.Connection, exported: manifest.Manifest, refuse: _Refuse) -> None:
    """Every figure of the manifest, recomputed from the file (a row removed, added or
    changed after export shows)."""
    body = exported.body
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


_FORK = (
    "this export of the device differs from the one merged before: the laptop's database was restored from an old copy "
    "or replaced; ask the inspector to create a new one"
)


def _unstorable(error: BaseException) -> bool:
    """A value PostgreSQL refuses (a NUL in a text, bytes that are not UTF-8, an index entry
    past its size limit: SQLite keeps them): the file is refused, not the batch failed."""
    if not type(error).__module__.startswith("psycopg"):
        return False
    import psycopg

    state = str(getattr(error, "sqlstate", "") or "")
    return isinstance(error, psycopg.DataError) or state.startswith(("22", "54"))  # 54: a value past a server limit


def _inspect(
    database: Database, quarantined: Path, shown: Path, *, enroll: Enroll, signatures: Checker | None = None,
) -> _Plan:
    """Steps 2 and 3 (but for awaiting the signatures' answer: the plan's `confirm`). Whatever
    a damaged or crafted file makes the reading fail with (text that is not UTF-8, JSON that is
    not an object, a page SQLite cannot parse) refuses it."""
    try:
        foreign = _check_file(quarantined, shown)
        try:
            signatures = signatures or Checker(child=False)
            signatures.expect(foreign.execute("SELECT count(*) FROM version").fetchone()[0])
            with database.read() as conn:
                receiver = _receiver(conn, database)
                return _verify(foreign, conn, receiver, shown, enroll=enroll, signatures=signatures)
        finally:
            foreign.close()
    except (sqlite3.Error, ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError) as exc:
        raise Refused(shown, "corrupt", "its contents cannot be read as an export: it was altered or damaged") from exc
    except DBAPIError as exc:
        if exc.orig is not None and _unstorable(exc.orig):  # a value of the file the server refuses even to compare
            raise Refused(shown, "corrupt", "its contents cannot be read as an export: it was altered or damaged") from exc
        raise
