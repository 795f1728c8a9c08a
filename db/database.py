"""A Yanshou database file: create it, open it, and read or write it in transactions.

Creating a database writes its schema, its reference data and — for a device that will
write — a device row whose public key verifies everything it signs, all in one
transaction: a file that exists is a whole one.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from db import admission, files, local, migrations, reference, search, versions
from db import engine as engines
from db.errors import (
    DeviceKeyMissing,
    KnownDatabaseError,
    NotAdmitted,
    NotInitialised,
    NotYanshouDatabase,
    OnNetworkShare,
    ServerError,
)

if TYPE_CHECKING:
    from db import keys

# db.keys (and with it cryptography) is imported where a key is made, loaded or used, not here:
# opening a database to show it needs no key, and a window's start need not load the library.

Identity = local.Identity  # who writes in this file (db.local)


def writable(path: Path) -> bool:
    """Whether SQLite can write the file: the file and its folder (the WAL's -shm lives there)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


class Database:
    """A SQLite file, or a master on a PostgreSQL server (`url`; db.postgres). `path` is
    what messages name: the file, or the server's user@host/db (never a password)."""

    def __init__(self, path: Path, engine: Engine, url: str | None = None) -> None:
        self.path = path
        self.engine = engine
        self.url = url
        # what a version must be beyond the structural rules (db.admission): the services
        # set the application's value check from the campaign when they open the database
        self.policy = admission.Policy()
        self.read_only = False  # a file on a read-only disk: opened as it is, never written

    @property
    def on_server(self) -> bool:
        return self.url is not None

    @property
    def location(self) -> Path | str:
        """What opens it again: the file's path, or the server's URL."""
        return self.url if self.url is not None else self.path

    @classmethod
    def open(cls, path: Path | str, *, check: bool = True) -> Database:
        """Open an existing database, upgrading its schema if it is older than ours.

        `check` runs SQLite's quick check (it reads every page: a fraction of a second
        for hundreds of MB of photos); the GUI runs it after the window is up instead
        (`Database.check`). A PostgreSQL URL opens the master on that server."""
        if isinstance(path, str):
            return cls._open_server(path)
        if files.on_network(path):
            raise OnNetworkShare(path)
        if not path.exists():
            raise NotYanshouDatabase(path, "no such database file")
        if path.is_dir():
            raise NotYanshouDatabase(path, "this is a folder, not a database file")
        migrations.check_file(path)
        if not writable(path):  # a read-only disk (a CD, a write-protected stick): read it as it is
            wal = path.with_name(path.name + "-wal")
            pending = wal.is_file() and wal.stat().st_size > 0  # immutable would not see commits still in it
            engine = engines.sqlite_engine(path, readonly=pending, immutable=not pending)
            database = cls(path, engine)
            database.read_only = True
            if check:
                migrations.quick_check(engine, path)
            return database
        engine = engines.sqlite_engine(path)
        migrations.upgrade(engine, path)
        if check:
            migrations.quick_check(engine, path)
        database = cls(path, engine)
        try:
            database.prepare_search()
        except BaseException:
            engine.dispose()
            raise
        return database

    @classmethod
    def _open_server(cls, url: str) -> Database:
        from db import postgres

        where = Path(postgres.label(url))
        engine = postgres.engine(url)
        try:
            migrations.upgrade(engine, where)
            database = cls(where, engine, postgres.normalise(url))
            database.prepare_search()
        except DBAPIError as exc:  # the server unreachable, the password refused…
            engine.dispose()
            engines.reraise(exc, where)
        except BaseException:
            engine.dispose()
            raise
        return database

    def prepare_search(self) -> None:
        """The search index ready (db.search.prepare): built after the schema step that made
        it, rebuilt when stale, its full-text table made where this SQLite has FTS5. A read
        first: most opens find nothing to do and write nothing."""
        with self.read() as conn:
            if not search.needs_preparing(conn):
                return
        with self.write() as conn:
            search.prepare(conn)

    def check(self) -> None:
        """SQLite's quick check and the schema's tables; raises DatabaseCorrupt."""
        migrations.quick_check(self.engine, self.path)

    @classmethod
    def create(
        cls,
        path: Path | str,
        *,
        role: str,
        keys_dir: Path,
        inspector: str | None,
        campaign_key: str,
        campaign_name: str,
        document: dict[str, Any],
        indicators: Sequence[reference.IndicatorNode],
        counties: Sequence[reference.CountyEntry],
        now: str,
    ) -> Database:
        if isinstance(path, str):
            return cls._create_server(
                path, role=role, keys_dir=keys_dir, inspector=inspector, campaign_key=campaign_key, campaign_name=campaign_name,
                document=document, indicators=indicators, counties=counties, now=now,
            )
        if files.on_network(path):
            raise OnNetworkShare(path)
        if path.exists() and path.stat().st_size > 0:
            raise KnownDatabaseError(path, "the file exists already; choose a new file name")
        from db import keys

        path.parent.mkdir(parents=True, exist_ok=True)
        engine = engines.sqlite_engine(path, new=True)
        device_id = str(uuid.uuid4())
        try:
            migrations.upgrade(engine, path)
            signer = keys.create_key(keys_dir, device_id)
            with engines.write(engine, path) as conn:
                _first_rows(
                    conn, signer, role=role, inspector=inspector, campaign_key=campaign_key, campaign_name=campaign_name,
                    document=document, indicators=indicators, counties=counties, now=now,
                )
                search.prepare(conn)
        except BaseException:
            engine.dispose()
            leftovers = (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"), keys.key_path(keys_dir, device_id))
            for leftover in leftovers:
                try:
                    leftover.unlink(missing_ok=True)
                except OSError:  # keys_dir itself may be what failed (a file, not a folder)
                    pass
            raise
        return cls(path, engine)

    @classmethod
    def _create_server(
        cls, url: str, *, role: str, keys_dir: Path, inspector: str | None, campaign_key: str, campaign_name: str,
        document: dict[str, Any], indicators: Sequence[reference.IndicatorNode], counties: Sequence[reference.CountyEntry], now: str,
    ) -> Database:
        """A master's schema and first rows in an empty PostgreSQL database, in one transaction."""
        from db import keys, postgres

        where = Path(postgres.label(url))
        if role != "master":
            raise KnownDatabaseError(where, "a PostgreSQL database can only be a master; a laptop keeps a SQLite file")
        engine = postgres.engine(url)
        device_id = str(uuid.uuid4())
        try:
            with engines.write(engine, where) as conn:
                migrations.create_server_schema(conn, str(where))
                signer = keys.create_key(keys_dir, device_id)
                _first_rows(
                    conn, signer, role=role, inspector=inspector, campaign_key=campaign_key, campaign_name=campaign_name,
                    document=document, indicators=indicators, counties=counties, now=now,
                )
                search.prepare(conn)
        except BaseException:
            engine.dispose()
            keys.key_path(keys_dir, device_id).unlink(missing_ok=True)
            raise
        return cls(where, engine, postgres.normalise(url))

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with engines.read(self.engine, self.path) as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        try:
            with engines.write(self.engine, self.path) as conn:
                conn.info[versions.POLICY] = self.policy  # what db.versions.put admits
                yield conn
        except admission.Inadmissible as exc:  # rolled back: nothing of the write stays
            raise NotAdmitted(self.path, exc.rule, f"not written: {exc}") from None

    def identity(self, conn: Connection) -> Identity:
        identity = local.identity(conn)
        if not identity.complete:
            raise NotInitialised(self.path, "the database was never initialised ('yanshou init')")
        return identity

    def signer(self, keys_dir: Path, conn: Connection) -> keys.Signer:
        from db import keys

        identity = self.identity(conn)
        try:
            signer = keys.load_key(keys_dir, identity.device_id, self.path)
        except DeviceKeyMissing:
            if not self.on_server:
                raise
            raise ServerError(
                self.path, "server_key_missing",
                f"this desk does not hold the master's key: copy {keys.key_path(keys_dir, identity.device_id).name} from the keys "
                f"folder of the desk that created the master into {keys_dir} (readable by you only)",
            ) from None
        stored = conn.execute(text("SELECT public_key FROM device WHERE id = :d"), {"d": identity.device_id}).scalar()
        if stored is None or bytes(stored) != signer.public_der:
            raise KnownDatabaseError(self.path, "the device key on this computer does not match the database")
        return signer

    def copy_to(self, folder: Path) -> Database:
        """A writable copy of this SQLite file in `folder` (backup API: its WAL comes along),
        with the same policy: what a dry run of a merge works on when the file is read-only."""
        target = folder / self.path.name
        with self.engine.connect() as conn:  # through our own connection: a read-only file opens only as we opened it
            raw: sqlite3.Connection = conn.connection.driver_connection  # type: ignore[assignment]
            made = sqlite3.connect(target)
            try:
                raw.backup(made)
            finally:
                made.close()
        copy = Database(target, engines.sqlite_engine(target))
        copy.policy = self.policy
        return copy

    def close(self) -> None:
        self.engine.dispose()


def _first_rows(
    conn: Connection, signer: keys.Signer, *, role: str, inspector: str | None, campaign_key: str, campaign_name: str,
    document: dict[str, Any], indicators: Sequence[reference.IndicatorNode], counties: Sequence[reference.CountyEntry], now: str,
) -> None:
    """What `init` writes: the campaign's reference data, this device, this file's state."""
    from db import keys

    stored = reference.store(conn, key=campaign_key, name=campaign_name, document=document, indicators=indicators, counties=counties)
    public = signer.public_der
    conn.execute(
        text(
            "INSERT INTO device(id, role, inspector, public_key, fingerprint, enrolled_at) "
            "VALUES (:id, :role, :inspector, :key, :fp, :now)"
        ),
        {"id": signer.device_id, "role": role, "inspector": inspector, "key": public, "fp": keys.fingerprint(public), "now": now},
    )
    local.put(conn, local.ROLE, role)
    local.put(conn, local.DEVICE, signer.device_id)
    local.put(conn, local.CAMPAIGN, stored.id)
    if inspector:
        local.put(conn, local.INSPECTOR, inspector)
