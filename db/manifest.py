"""Signed export manifests (SYNC.md): what one export of one device holds.

Row signatures prove who wrote each version, but not that a file holds every version it
should: a row deleted from an export, or an old export passed off as new, leaves every
remaining signature valid. The manifest closes that gap. It states the export's number,
the hash of the device's previous manifest, how many versions the file holds and a hash
over their sorted ids, the device's own sequence range, the blobs (count, bytes, hash
over their hashes), the devices the file knows, the campaign and the schema version.
The device signs it; a merge recomputes every figure from the file and compares.

Functions here take a plain `sqlite3.Connection`: a manifest is computed on a snapshot
(export) or on a quarantined foreign file (merge), never on a live database.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from db import canonical
from db.keys import Signer, verify

FORMAT = 1
EXPORT_KEY = "export_manifest"  # local_state key, in an exported file: the hash of its own manifest
REGISTRY = "registry"  # the figure listing the devices the exporter knows (absent from older exports)
# The exporter's public encryption key (db.seal), base64 DER: what a receiver seals its own
# exports for. Signed with the rest, so a stick cannot swap in a key of its own; absent from
# the exports of older Yanshous. Not a figure of the file: a merge does not recompute it.
SEAL_KEY = "seal_key"


@dataclass(frozen=True)
class Manifest:
    hash: str
    device_id: str
    number: int
    body: dict[str, Any]
    signature: bytes

    @property
    def encoded(self) -> bytes:
        return canonical.dumps(self.body).encode("utf-8")

    @property
    def previous(self) -> str | None:
        previous = self.body.get("previous")
        return previous if isinstance(previous, str) else None

    def verify(self, public_key_der: bytes) -> bool:
        return canonical.digest(self.encoded) == self.hash and verify(public_key_der, self.signature, self.encoded)


def _lines_hash(values: list[str]) -> str:
    digest = hashlib.sha256()
    for value in values:
        digest.update(value.encode("utf-8") + b"\n")
    return digest.hexdigest()


def contents(conn: sqlite3.Connection, device_id: str) -> dict[str, Any]:
    """The figures a manifest states, computed from a file's tables."""
    ids = [r[0] for r in conn.execute("SELECT version_id FROM version ORDER BY version_id")]
    own = conn.execute(
        "SELECT count(*), coalesce(min(seq), 0), coalesce(max(seq), 0) FROM version WHERE device_id = ?", (device_id,)
    ).fetchone()
    blobs = conn.execute("SELECT count(*), coalesce(sum(size), 0) FROM blob").fetchone()
    blob_hashes = [r[0] for r in conn.execute("SELECT sha256 FROM blob ORDER BY sha256")]
    # id, key, role and inspector of every device the file knows: the exporter vouches for them
    rows = [list(r) for r in conn.execute("SELECT id, fingerprint, role, inspector FROM device ORDER BY id")]
    devices = [canonical.dumps(r) for r in rows]
    campaign = conn.execute("SELECT id, sha256 FROM campaign ORDER BY id").fetchall()
    return {
        "versions": {"count": len(ids), "ids_sha256": _lines_hash(ids)},
        "own": {"count": own[0], "first_seq": own[1], "last_seq": own[2]},
        "blobs": {"count": blobs[0], "bytes": blobs[1], "hashes_sha256": _lines_hash(blob_hashes)},
        "devices_sha256": _lines_hash(devices),
        # the same devices, listed: a master's signed registry, which vouches on a receiver for
        # the devices whose work the master's export (or a laptop that took it) carries
        REGISTRY: rows,
        "campaigns": [{"id": c[0], "sha256": c[1]} for c in campaign],
    }


def create(
    signer: Signer, *, number: int, previous: str | None, figures: dict[str, Any], schema_version: int, created: str, inspector: str | None,
    role: str, seal_key: bytes | None = None,
) -> Manifest:
    announced = {SEAL_KEY: base64.b64encode(seal_key).decode("ascii")} if seal_key else {}
    body = {
        "format": FORMAT,
        "device": signer.device_id,
        "role": role,
        "inspector": inspector,
        "number": number,
        "previous": previous,
        "created": created,
        "schema_version": schema_version,
        **figures,
        **announced,
    }
    data = canonical.dumps(body).encode("utf-8")
    return Manifest(canonical.digest(data), signer.device_id, number, json.loads(data), signer.sign(data))


def registry(body: dict[str, Any]) -> dict[str, tuple[str, str, str | None]]:
    """The devices a manifest lists, as id → (fingerprint, role, inspector); empty for a
    manifest of an older Yanshou, or one that lists them in a shape no Yanshou writes."""
    out: dict[str, tuple[str, str, str | None]] = {}
    rows = body.get(REGISTRY)
    if not isinstance(rows, list):
        return {}
    for row in rows:
        if not (isinstance(row, list) and len(row) == 4 and all(isinstance(v, str) for v in row[:3])):
            return {}
        if row[3] is not None and not isinstance(row[3], str):
            return {}
        out[row[0]] = (row[1], row[2], row[3])
    return out


def announced_key(body: dict[str, Any]) -> bytes | None:
    """The encryption key a manifest announces for its device (DER), or None: none (an
    older Yanshou's), or one that is no key."""
    from db import seal

    value = body.get(SEAL_KEY)
    if not isinstance(value, str) or len(value) > 400:
        return None
    try:
        der = base64.b64decode(value, validate=True)
    except ValueError:
        return None
    return der if seal.usable_public_key(der) else None


def store(conn: sqlite3.Connection, manifest: Manifest) -> None:
    conn.execute(
        "INSERT INTO manifest(hash, device_id, number, body, signature) VALUES (?, ?, ?, ?, ?) ON CONFLICT(hash) DO NOTHING",
        (manifest.hash, manifest.device_id, manifest.number, canonical.dumps(manifest.body), manifest.signature),
    )


def _from_row(row: tuple[Any, ...]) -> Manifest:
    """A manifest as a file holds it; its body read strictly (a foreign file's: a duplicate key,
    or nesting 50,000 deep, raises ValueError, which refuses the file)."""
    body = canonical.loads(row[3])
    if not isinstance(body, dict):
        raise ValueError("a manifest that is not an object")
    return Manifest(row[0], row[1], row[2], body, bytes(row[4]))


def chain(conn: sqlite3.Connection, device_id: str) -> list[Manifest]:
    """A device's manifests as this file holds them, by number."""
    rows = conn.execute(
        "SELECT hash, device_id, number, body, signature FROM manifest WHERE device_id = ? ORDER BY number", (device_id,)
    ).fetchall()
    return [_from_row(r) for r in rows]


def by_hash(conn: sqlite3.Connection, value: str) -> Manifest | None:
    row = conn.execute("SELECT hash, device_id, number, body, signature FROM manifest WHERE hash = ?", (value,)).fetchone()
    return _from_row(row) if row else None


__all__ = ["EXPORT_KEY", "REGISTRY", "SEAL_KEY", "Manifest", "announced_key", "by_hash", "chain", "contents", "create", "registry", "store"]
