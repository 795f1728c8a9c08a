"""Checking a database's signatures: every version against its device's public key."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, text

from db import versions


@dataclass(frozen=True)
class SignatureReport:
    checked: int
    devices: int
    bad: tuple[str, ...] = field(default=())  # version ids whose hash or signature fails
    unknown_device: tuple[str, ...] = field(default=())  # versions from a device the file does not know

    @property
    def intact(self) -> bool:
        return not self.bad and not self.unknown_device


def check_signatures(conn: Connection) -> SignatureReport:
    keys = {d: bytes(k) for d, k in conn.execute(text("SELECT id, public_key FROM device"))}
    bad: list[str] = []
    unknown: list[str] = []
    loaded = versions.load(conn)
    for version in loaded:
        key = keys.get(version.device_id)
        if key is None:
            unknown.append(version.version_id)
        elif not version.verify(key):
            bad.append(version.version_id)
    return SignatureReport(len(loaded), len(keys), tuple(bad), tuple(unknown))
