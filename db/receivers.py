"""Whom an export is sealed for (db.seal), read from the database that exports.

Each device announces its public encryption key in the signed manifest of its exports
(db.manifest.SEAL_KEY). A receiver keeps the manifests of the files it merged, so it knows
the key of every device whose export it merged: a laptop knows the lead's master's once it
has merged the master's export (the merge that enrols the master, or any later one); the
master knows each laptop's once it has merged an export of it. The latest manifest of a
device held here is its current key, and it counts only when its signature verifies with the
key this database enrolled for the device: a manifest row changed here is no key.

- a laptop seals for the lead's master (every master it has enrolled and knows the key of);
- the master seals for every enrolled device but itself that is not revoked and whose key it
  knows; the enrolled laptops whose key it does not know yet are named, so the lead knows who
  cannot open the file (each can once an export of it has been merged).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

from db import canonical, keys, manifest, revocation
from db.seal import Recipient

_LATEST = text(
    "SELECT d.id, d.role, d.inspector, d.public_key, m.hash, m.body, m.signature FROM device d "
    "LEFT JOIN manifest m ON m.device_id = d.id "
    "AND m.number = (SELECT max(l.number) FROM manifest l WHERE l.device_id = d.id) "
    "ORDER BY d.role DESC, d.inspector, d.id"
)


MASTER_NAME = "the lead's master"  # how a master is named as a receiver (the window translates it)


@dataclass(frozen=True)
class Known:
    """An enrolled device and the encryption key its latest verified manifest announces."""

    device_id: str
    role: str
    inspector: str | None
    seal_key: bytes | None

    @property
    def name(self) -> str:
        return self.inspector or MASTER_NAME


def known_keys(conn: Connection) -> list[Known]:
    """Every enrolled device, with its announced encryption key when there is one that verifies."""
    out = []
    for device_id, role, inspector, public_key, digest, body_text, signature in conn.execute(_LATEST):
        key = None
        if body_text is not None:
            try:
                body = canonical.loads(body_text)
            except ValueError:
                body = None
            if isinstance(body, dict):
                encoded = canonical.dumps(body).encode("utf-8")
                if canonical.digest(encoded) == digest and keys.verify(bytes(public_key), bytes(signature), encoded):
                    key = manifest.announced_key(body)
        out.append(Known(str(device_id), str(role), inspector, key))
    return out


@dataclass(frozen=True)
class Receivers:
    """Whom this database's next export is sealed for, and who is left out."""

    recipients: tuple[Recipient, ...]
    without_key: tuple[Known, ...]  # devices that would receive it but whose key is not known here yet
    revoked: tuple[Known, ...]  # devices revoked here: never sealed for


def receivers(conn: Connection, *, device_id: str, role: str) -> Receivers:
    """The receivers of an export of this database (its device and role as it says)."""
    revoked = revocation.revocations(conn) if role == "master" else {}
    recipients: list[Recipient] = []
    without: list[Known] = []
    gone: list[Known] = []
    for k in known_keys(conn):
        if k.device_id == device_id or (role != "master" and k.role != "master"):
            continue
        if k.device_id in revoked:
            gone.append(k)
        elif k.seal_key is None:
            without.append(k)
        else:
            recipients.append(Recipient(k.name, k.device_id, k.seal_key))
    return Receivers(tuple(recipients), tuple(without), tuple(gone))


def announced_by(conn: Connection, device_id: str) -> bytes | None:
    """The encryption key this database's own latest manifest announced (None: none yet)."""
    for k in known_keys(conn):
        if k.device_id == device_id:
            return k.seal_key
    return None


__all__ = ["MASTER_NAME", "Known", "Receivers", "announced_by", "known_keys", "receivers"]
