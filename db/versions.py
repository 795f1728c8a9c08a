"""Work records as an append-only set of signed versions (SYNC.md).

A record has a stable id: from its natural key where it has one (uuid5 over campaign,
entity and key, so the same inspector's score of the same item written on two laptops
meets as one record), else a UUIDv7. Every change is a new version whose id is the
SHA-256 of its canonical encoding and which the writing device signs. Inserting a version
that is already present does nothing, so a merge is a set union.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, bindparam, text

from db import admission, canonical, local, projection
from db.queries import chunks

if TYPE_CHECKING:
    from db.keys import Signer

NAMESPACE = canonical.NAMESPACE
natural_id = canonical.natural_id  # (defined there: the start computes one without SQLAlchemy, db.peek)


def new_id() -> str:
    """A UUIDv7: time-ordered, so new rows land at the end of the b-tree."""
    ms = time.time_ns() // 1_000_000
    raw = bytearray(ms.to_bytes(6, "big") + os.urandom(10))
    raw[6] = (raw[6] & 0x0F) | 0x70
    raw[8] = (raw[8] & 0x3F) | 0x80
    return str(uuid.UUID(bytes=bytes(raw)))


@dataclass(frozen=True)
class Version:
    version_id: str
    record_id: str
    entity: str
    parents: tuple[str, ...]
    device_id: str
    seq: int
    hlc: int
    deleted: bool
    payload: dict[str, Any]
    blob_hashes: tuple[str, ...]
    signature: bytes

    def encoded(self) -> bytes:
        return canonical.envelope(
            record_id=self.record_id, entity=self.entity, parents=self.parents, device_id=self.device_id,
            seq=self.seq, hlc=self.hlc, deleted=self.deleted, payload=self.payload, blob_hashes=self.blob_hashes,
        )

    def verify(self, public_key_der: bytes) -> bool:
        """True when the id is the hash of the content and the device signed it."""
        data = self.encoded()
        from db.keys import verify  # (cryptography: loaded when a signature is first checked)

        return canonical.digest(data) == self.version_id and verify(public_key_der, self.signature, data)


_INSERT = text(
    "INSERT INTO version(version_id, record_id, entity, device_id, seq, hlc, deleted, payload, blob_hashes, signature) "
    "VALUES (:version_id, :record_id, :entity, :device_id, :seq, :hlc, :deleted, :payload, :blobs, :signature) "
    "ON CONFLICT(version_id) DO NOTHING"
)
_SCOPE_RECORD = text(f"INSERT INTO {projection.AFFECTED}(record_id) VALUES (:r)")
_INSERT_PARENT = text("INSERT INTO version_parent(version_id, parent_id) VALUES (:v, :p) ON CONFLICT DO NOTHING")


def written_at(hlc: int) -> dt.datetime:
    """When a version was written, by its hybrid logical clock, as this computer's local time
    (with its offset) to the second: the one reading of a version's time that every face shows."""
    return dt.datetime.fromtimestamp(admission.hlc_ms(hlc) // 1000, tz=dt.UTC).astimezone()


def current_payload(conn: Connection, record_id: str) -> projection.Current | None:
    """The record's current payload and deleted flag (a soft conflict's merge), or None for a new record."""
    return projection.current(conn, record_id)


@dataclass(frozen=True)
class Write:
    """A new version of one record, as `put` takes it (`put_many` takes several)."""

    entity: str
    record_id: str
    payload: dict[str, Any]
    deleted: bool = False
    blob_hashes: tuple[str, ...] = ()


def put(
    conn: Connection,
    signer: Signer,
    *,
    entity: str,
    record_id: str,
    payload: dict[str, Any],
    deleted: bool = False,
    blob_hashes: Iterable[str] = (),
) -> Version | None:
    """Write a new version of a record from this device, in the caller's transaction.

    The version passes the admission check (db.admission) as a merged one would: a write
    the rules refuse raises `Inadmissible` and writes nothing. On a master the new version's
    parents are all the record's current heads (so an edit on a conflicted record settles
    it); a field laptop does not settle conflicts, so its edit continues its own head (or
    the provisional winner) and the lead sees the conflict. Writing what the record already
    holds writes nothing and returns None: importing the same sheet twice adds no versions.
    """
    return put_many(conn, signer, [Write(entity, record_id, payload, deleted, tuple(blob_hashes))])[0]


def put_many(conn: Connection, signer: Signer, writes: Sequence[Write]) -> list[Version | None]:
    """put() of several records, each at most once, in the caller's transaction: each version
    decided, numbered, signed and admitted as put() does one (put is this of one write), and
    the batch written with a few statements whatever its size: the heads read in one query,
    the device's sequence and clock read and advanced once, the rows inserted together, the
    projection recomputed set-based. One refused raises `Inadmissible` before anything is
    inserted (the caller's transaction rolls back). The versions (or None for a write of what
    the record holds already), in the order of `writes`."""
    records = [w.record_id for w in writes]
    if len(set(records)) != len(records):
        raise ValueError("a batch of versions writes each record once")
    if not writes:
        return []
    all_heads = _head_rows_of(conn, records)
    identity = local.identity(conn)
    planned: list[tuple[int, Write, dict[str, Any], list[tuple[str, str, bool, str, str]], tuple[str, ...]]] = []
    for index, write in enumerate(writes):
        payload = canonical.normalise(write.payload)
        heads = all_heads.get(write.record_id, [])
        if len(heads) == 1 and (json.loads(heads[0][3]), heads[0][2]) == (payload, write.deleted):
            continue
        if not heads and write.deleted:
            continue
        parents = tuple(h[0] for h in heads)
        if identity.role != "master" and len(parents) > 1:
            own = [h[0] for h in heads if h[4] == signer.device_id]
            parents = (own[0] if own else parents[0],)
        planned.append((index, write, payload, heads, parents))
    written: list[Version | None] = [None] * len(writes)
    if not planned:
        return written
    policy = policy_of(conn)
    now = policy.clock()
    author = admission.Author(signer.device_id, identity.role, identity.inspector)
    for (index, write, payload, heads, parents), (seq, hlc) in zip(planned, _stamps(conn, len(planned), now_ms=now), strict=True):
        version = _signed(signer, entity=write.entity, record_id=write.record_id, payload=payload, deleted=write.deleted,
                          blob_hashes=write.blob_hashes, parents=parents, seq=seq, hlc=hlc)
        _admit(version, author, heads, campaign_key=identity.campaign_key, policy=policy, now=now)
        written[index] = version
    made = [v for v in written if v is not None]
    if len(made) == 1:
        insert(conn, made[0])
    else:
        _insert_new(conn, made)
    return written


def _admit(
    version: Version, author: admission.Author, heads: list[tuple[str, str, bool, str, str]], *, campaign_key: str,
    policy: admission.Policy, now: int,
) -> None:
    """The admission check of a version this device writes, against what the record held."""
    entity, record_id, parents = version.entity, version.record_id, version.parents
    payload_text = canonical.dumps(version.payload)
    candidate = admission.Candidate(
        version.version_id, record_id, entity, parents, version.device_id, version.seq, version.hlc, version.deleted, payload_text,
    )
    first = heads[0] if heads else None
    known = admission.Known(
        {record_id: first[1]} if first else {},
        {record_id: _owner(first[3])} if first and entity in admission.INSPECTOR_ENTITIES else {},
        dict.fromkeys(parents, record_id),
        {h[0]: json.loads(h[3]) for h in heads if h[0] in parents} if entity in admission.STEPPED_ENTITIES else {},
    )
    admission.check(
        candidate, author, admission.parse_payload(payload_text), campaign_key=campaign_key, known=known, policy=policy, now=now,
    )


def sign(
    conn: Connection, signer: Signer, *, entity: str, record_id: str, payload: dict[str, Any], deleted: bool = False,
    blob_hashes: Iterable[str] = (), parents: Iterable[str] = (), now_ms: int | None = None,
) -> Version:
    """A version signed by this device, numbered and stamped, not checked and not stored:
    `put` checks it and stores it. (The tests forge with it what an insider could.)"""
    [(seq, hlc)] = _stamps(conn, 1, now_ms=now_ms)
    return _signed(signer, entity=entity, record_id=record_id, payload=payload, deleted=deleted, blob_hashes=blob_hashes,
                   parents=parents, seq=seq, hlc=hlc)


def _stamps(conn: Connection, count: int, *, now_ms: int | None) -> list[tuple[int, int]]:
    """The (seq, hlc) of `count` versions written one after the other: the first as next_seq
    and tick give it, each next one after it (within one wall-clock millisecond the clock counts
    on), the stored values advanced once."""
    seq, hlc = local.next_seq(conn), local.tick(conn, now_ms=now_ms)
    if count > 1:
        local.put(conn, local.SEQ, str(seq + count - 1))
        local.put(conn, local.HLC, str(hlc + count - 1))
    return [(seq + n, hlc + n) for n in range(count)]


_HEADS_OF = text(  # projection.head_rows of many records
    "SELECT h.record_id, v.version_id, v.entity, v.deleted, v.payload, v.device_id FROM head h "
    "JOIN version v ON v.version_id = h.version_id WHERE h.record_id IN :r ORDER BY h.record_id, v.hlc DESC, v.device_id DESC"
).bindparams(bindparam("r", expanding=True))


def _head_rows_of(conn: Connection, record_ids: Sequence[str]) -> dict[str, list[tuple[str, str, bool, str, str]]]:
    """projection.head_rows() of each record, in a query a chunk of ids: a record never written is absent."""
    found: dict[str, list[tuple[str, str, bool, str, str]]] = {}
    for piece in chunks(list(record_ids)):
        for r in conn.execute(_HEADS_OF, {"r": piece}):
            found.setdefault(r[0], []).append((r[1], r[2], bool(r[3]), r[4], r[5]))
    return found


def _signed(
    signer: Signer, *, entity: str, record_id: str, payload: dict[str, Any], deleted: bool, blob_hashes: Iterable[str],
    parents: Iterable[str], seq: int, hlc: int,
) -> Version:
    blobs = tuple(sorted(set(blob_hashes)))
    parents = tuple(sorted(parents))
    data = canonical.envelope(
        record_id=record_id, entity=entity, parents=parents, device_id=signer.device_id,
        seq=seq, hlc=hlc, deleted=deleted, payload=payload, blob_hashes=blobs,
    )
    return Version(canonical.digest(data), record_id, entity, parents, signer.device_id, seq, hlc, deleted, payload, blobs,
                   signer.sign(data))


def _owner(payload_text: str) -> str | None:
    owner = json.loads(payload_text).get("inspector")
    return owner if isinstance(owner, str) else None


POLICY = "yanshou.admission"  # the key of a connection's `info` that holds its database's Policy


def policy_of(conn: Connection) -> admission.Policy:
    """The admission policy of the database this connection writes (db.database sets it)."""
    found = conn.info.get(POLICY)
    return found if isinstance(found, admission.Policy) else admission.Policy()


def withdraw(conn: Connection, signer: Signer, record_id: str, *, entity: str | None = None) -> Version | None:
    """Delete a record: a tombstone carrying its last payload (the history keeps the rest).
    Nothing happens to a record never written, already deleted, or — when `entity` is
    given — of another kind than the caller meant."""
    rows = projection.head_rows(conn, record_id)
    if not rows or (entity is not None and rows[0][1] != entity):
        return None
    current = projection.current(conn, record_id)
    if current is None or current.deleted:
        return None
    return put(conn, signer, entity=rows[0][1], record_id=record_id, payload=current.payload, deleted=True)


def _row(version: Version) -> dict[str, Any]:
    return {
        "version_id": version.version_id, "record_id": version.record_id, "entity": version.entity,
        "device_id": version.device_id, "seq": version.seq, "hlc": version.hlc, "deleted": version.deleted,
        "payload": canonical.dumps(version.payload), "blobs": canonical.dumps(list(version.blob_hashes)),
        "signature": version.signature,
    }


def insert(conn: Connection, version: Version) -> bool:
    """Add a version to the set and update the projection; False if it was there already."""
    added = conn.execute(_INSERT, _row(version)).rowcount
    if not added:
        return False
    local.observe(conn, version.hlc, now_ms=policy_of(conn).clock())  # a later local edit sorts after what it has seen
    for parent in version.parents:
        conn.execute(_INSERT_PARENT, {"v": version.version_id, "p": parent})
    projection.refresh(conn, version.record_id, version.entity)
    return True


def _insert_new(conn: Connection, made: Sequence[Version]) -> None:
    """insert() of versions this device has just numbered (put_many), each statement once for
    all of them: none can be in the set already (their sequence numbers are new), and the
    clock has stamped them itself (nothing for it to observe)."""
    conn.execute(_INSERT, [_row(v) for v in made])
    links = [{"v": v.version_id, "p": p} for v in made for p in v.parents]
    if links:
        conn.execute(_INSERT_PARENT, links)
    projection.begin_scope(conn)  # the merge's set-based statements, a handful for the batch
    conn.execute(_SCOPE_RECORD, [{"r": v.record_id} for v in made])
    projection.refresh_scope(conn, [v.entity for v in made])


def load(conn: Connection, where: str = "", params: dict[str, Any] | None = None) -> list[Version]:
    """Versions as stored, parents included (for verification, export and tests)."""
    rows = conn.execute(
        text(
            "SELECT version_id, record_id, entity, device_id, seq, hlc, deleted, payload, blob_hashes, signature "
            f"FROM version {where} ORDER BY device_id, seq"
        ),
        params or {},
    ).all()
    parents: dict[str, list[str]] = {}
    for vid, pid in conn.execute(text("SELECT version_id, parent_id FROM version_parent")):
        parents.setdefault(vid, []).append(pid)
    return [
        Version(
            r[0], r[1], r[2], tuple(sorted(parents.get(r[0], []))), r[3], r[4], r[5], bool(r[6]),
            json.loads(r[7]), tuple(json.loads(r[8])), bytes(r[9]),
        )
        for r in rows
    ]
