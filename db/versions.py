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
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, text

from db import admission, canonical, local, projection

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
_INSERT_PARENT = text("INSERT INTO version_parent(version_id, parent_id) VALUES (:v, :p) ON CONFLICT DO NOTHING")


def written_at(hlc: int) -> dt.datetime:
    """When a version was written, by its hybrid logical clock, as this computer's local time
    (with its offset) to the second: the one reading of a version's time that every face shows."""
    return dt.datetime.fromtimestamp(admission.hlc_ms(hlc) // 1000, tz=dt.UTC).astimezone()


def current_payload(conn: Connection, record_id: str) -> projection.Current | None:
    """The record's current payload and deleted flag (a soft conflict's merge), or None for a new record."""
    return projection.current(conn, record_id)


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
    payload = canonical.normalise(payload)
    heads = projection.head_rows(conn, record_id)
    identity = local.identity(conn)
    if len(heads) == 1 and (json.loads(heads[0][3]), heads[0][2]) == (payload, deleted):
        return None
    if not heads and deleted:
        return None
    parents = tuple(h[0] for h in heads)
    if identity.role != "master" and len(parents) > 1:
        own = [h[0] for h in heads if h[4] == signer.device_id]
        parents = (own[0] if own else parents[0],)
    policy = policy_of(conn)
    now = policy.clock()
    version = sign(conn, signer, entity=entity, record_id=record_id, payload=payload, deleted=deleted,
                   blob_hashes=blob_hashes, parents=parents, now_ms=now)
    seq, hlc = version.seq, version.hlc
    payload_text = canonical.dumps(payload)
    author = admission.Author(signer.device_id, identity.role, identity.inspector)
    candidate = admission.Candidate(
        version.version_id, record_id, entity, version.parents, signer.device_id, seq, hlc, deleted, payload_text,
    )
    first = heads[0] if heads else None
    known = admission.Known(
        {record_id: first[1]} if first else {},
        {record_id: _owner(first[3])} if first and entity in admission.INSPECTOR_ENTITIES else {},
        dict.fromkeys(parents, record_id),
        {h[0]: json.loads(h[3]) for h in heads if h[0] in parents} if entity in admission.STEPPED_ENTITIES else {},
    )
    admission.check(
        candidate, author, admission.parse_payload(payload_text), campaign_key=identity.campaign_key, known=known,
        policy=policy, now=now,
    )
    insert(conn, version)
    return version


def sign(
    conn: Connection, signer: Signer, *, entity: str, record_id: str, payload: dict[str, Any], deleted: bool = False,
    blob_hashes: Iterable[str] = (), parents: Iterable[str] = (), now_ms: int | None = None,
) -> Version:
    """A version signed by this device, numbered and stamped, not checked and not stored:
    `put` checks it and stores it. (The tests forge with it what an insider could.)"""
    blobs = tuple(sorted(set(blob_hashes)))
    parents = tuple(sorted(parents))
    seq = local.next_seq(conn)
    hlc = local.tick(conn, now_ms=now_ms)
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


def insert(conn: Connection, version: Version) -> bool:
    """Add a version to the set and update the projection; False if it was there already."""
    added = conn.execute(
        _INSERT,
        {
            "version_id": version.version_id, "record_id": version.record_id, "entity": version.entity,
            "device_id": version.device_id, "seq": version.seq, "hlc": version.hlc, "deleted": version.deleted,
            "payload": canonical.dumps(version.payload), "blobs": canonical.dumps(list(version.blob_hashes)),
            "signature": version.signature,
        },
    ).rowcount
    if not added:
        return False
    local.observe(conn, version.hlc, now_ms=policy_of(conn).clock())  # a later local edit sorts after what it has seen
    for parent in version.parents:
        conn.execute(_INSERT_PARENT, {"v": version.version_id, "p": parent})
    projection.refresh(conn, version.record_id, version.entity)
    return True


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
