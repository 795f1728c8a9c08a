"""A Yanshou file's first read, through a bare DB-API connection (issue 19: the cold start).

The window's start needs who writes in the file and its campaign before anything else, and
SQLAlchemy with the rest of the data layer takes longer to import than the window takes to
paint. So the start reads them here, with the statements that db.local, db.reference and
db.projection run through SQLAlchemy for every later read (they take them from this module:
one statement each, not a copy for the start), and the full open (db.database.Database.open)
follows off the GUI thread.

`glance` reads only what a file can give without being changed: a file whose open would
write (an older schema, a search index to rebuild is Database.open's business and comes
after), whose settings are in conflict, or that is anything but a writable local file of
this version is left to the full open (None). Nothing here imports SQLAlchemy: a test keeps
it so.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from db import canonical, cipher, files, vault
from db.errors import KeyNeeded, NotYanshouDatabase

APPLICATION_ID = 0x59534855  # "YSHU", in the header of every Yanshou file (db.migrations)
SCHEMA_VERSION = 4  # db.migrations brings older files to it

ROLE = "role"
DEVICE = "device_id"
CAMPAIGN = "campaign_id"
INSPECTOR = "inspector"

# The statements read first, with SQLAlchemy's :name parameters (sqlite3 takes them too).
IDENTITY = "SELECT key, value FROM local_state WHERE key IN ('role', 'device_id', 'campaign_id', 'inspector')"
CAMPAIGN_KEY = "SELECT key FROM campaign WHERE id = :c"
CAMPAIGN_ROW = "SELECT id, key, name, document, sha256 FROM campaign WHERE id = :c"
HEADS = (
    "SELECT v.version_id, v.entity, v.deleted, v.payload, v.hlc, v.device_id FROM head h "
    "JOIN version v ON v.version_id = h.version_id WHERE h.record_id = :r ORDER BY v.hlc DESC, v.device_id DESC"
)
SETTINGS_ENTITY = "campaign_settings"  # the lead's settings of a campaign: one record (db.reference)


@dataclass(frozen=True)
class Identity:
    """Who writes in this file, as the file itself says (a merge trusts its own enrolment of
    other devices instead): its role, device and (for a field laptop) inspector; its campaign
    by id, and by the key its natural record ids are made from (db.versions.natural_id)."""

    role: str
    device_id: str
    campaign_id: str
    inspector: str | None
    campaign_key: str = ""

    @property
    def complete(self) -> bool:
        return bool(self.role and self.device_id and self.campaign_id)


def identity_of(rows: Iterable[Any], campaign_key: str | None, campaign: str) -> Identity:
    """The Identity from IDENTITY's rows and CAMPAIGN_KEY's answer for `campaign`."""
    values: dict[str, str | None] = {str(r[0]): r[1] for r in rows}
    return Identity(values.get(ROLE) or "", values.get(DEVICE) or "", campaign, values.get(INSPECTOR), campaign_key or campaign)


def campaign_of(rows: Iterable[Any]) -> str:
    """The campaign id among IDENTITY's rows ('' when it has none)."""
    return next((str(r[1] or "") for r in rows if r[0] == CAMPAIGN), "")


def settings_id(campaign_key: str) -> str:
    """The one settings record of a campaign, the same on every machine."""
    return canonical.natural_id(campaign_key, SETTINGS_ENTITY)


def one_head(rows: Sequence[Any]) -> tuple[dict[str, Any], bool] | None:
    """What a record with at most one head holds (payload, deleted), from HEADS's rows; None
    for a record never written. Several heads are a conflict: db.projection settles it."""
    if not rows:
        return None
    if len(rows) > 1:
        raise ValueError("several heads: settled by db.projection.current")
    return json.loads(rows[0][3]), bool(rows[0][2])


def file_key(path: Path, keys_dir: Path | None) -> cipher.Key | None:
    """The key of an encrypted file (None for a plain one), derived from this computer's
    secret and the file's salt. KeyNeeded when the secret cannot be had now (a passphrase not
    given) or its key does not open the file (encrypted elsewhere); NotYanshouDatabase for a
    file that is neither a plain SQLite file nor one SQLCipher could have written (whose size
    is a whole number of its 64 KiB pages)."""
    if not cipher.is_encrypted(path):
        return None
    if not cipher.looks_encrypted(path) or keys_dir is None:
        raise NotYanshouDatabase(path, "not a SQLite database file (nor a Yanshou database encrypted on this computer)")
    secret = vault.require(keys_dir, path)
    salt = cipher.salt_of(path)
    key = cipher.Key(vault.database_key(secret, salt), salt)
    if not cipher.opens(path, key):
        raise KeyNeeded(
            path, "key_not_here", "it is encrypted, and not with this computer's key: it was encrypted on another computer or by "
            "another user (open it there; bring its work here as an export), or it is not a database at all",
        )
    return key


@dataclass(frozen=True)
class Glance:
    """What the start shows before the full open: who writes, the campaign as stored, the
    lead's settings (None: never changed), and whether the file is encrypted."""

    path: Path
    identity: Identity
    document: dict[str, Any]
    settings: dict[str, Any] | None
    encrypted: bool


def glance(path: Path, keys_dir: Path | None) -> Glance | None:
    """The first read of a local file that opens without a change (see the module's
    docstring), or None: the full open decides, and says why where it cannot. Raises what
    `file_key` raises (KeyNeeded, NotYanshouDatabase)."""
    if not path.is_file() or files.on_network(path) or not files.writable(path):
        return None
    key = file_key(path, keys_dir)
    uri = files.file_uri(path, "mode=ro")
    with closing(sqlite3.connect(uri, uri=True) if key is None else cipher.connect(uri, key, uri=True)) as conn:
        conn.execute("BEGIN")  # one consistent view
        if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            return None
        if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            return None
        rows = conn.execute(IDENTITY).fetchall()
        campaign = campaign_of(rows)
        found = conn.execute(CAMPAIGN_KEY, {"c": campaign}).fetchone()
        identity = identity_of(rows, found[0] if found else None, campaign)
        stored = conn.execute(CAMPAIGN_ROW, {"c": campaign}).fetchone()
        if not identity.complete or stored is None:
            return None
        heads = conn.execute(HEADS, {"r": settings_id(identity.campaign_key)}).fetchall()
    if len(heads) > 1:
        return None
    settings = one_head(heads)
    return Glance(path, identity, json.loads(stored[3]), None if settings is None or settings[1] else settings[0], key is not None)
