"""A Yanshou database file: create it, open it, and read or write it in transactions.

Creating a database writes its schema, its reference data and — for a device that will
write — a device row whose public key verifies everything it signs, all in one
transaction: a file that exists is a whole one.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from db import admission, cipher, files, local, migrations, peek, reference, search, vault, versions
from db import engine as engines
from db.errors import (
    DatabaseBusy,
    DeviceKeyMissing,
    KeyNeeded,
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
file_key = peek.file_key  # an encrypted file's key (db.peek: the start reads it first)
writable = files.writable  # whether SQLite can write the file (a read-only disk is read as it is)


class Database:
    """A SQLite file, or a master on a PostgreSQL server (`url`; db.postgres). `path` is
    what messages name: the file, or the server's user@host/db (never a password)."""

    def __init__(self, path: Path, engine: Engine, url: str | None = None, *, key: cipher.Key | None = None) -> None:
        self.path = path
        self.engine = engine
        self.url = url
        self.key = key  # an encrypted file's (db.cipher); None: a plain file, or a server
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

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    @classmethod
    def open(cls, path: Path | str, *, check: bool = True, keys_dir: Path | None = None) -> Database:
        """Open an existing database, upgrading its schema if it is older than ours.

        `check` runs SQLite's quick check (it reads every page: a fraction of a second
        for hundreds of MB of photos); the GUI runs it after the window is up instead
        (`Database.check`). A PostgreSQL URL opens the master on that server. An encrypted
        file opens with the key this computer derives for it (db.vault, from `keys_dir`'s
        secret): KeyNeeded when that cannot be had now or does not open it."""
        if isinstance(path, str):
            return cls._open_server(path)
        if files.on_network(path):
            raise OnNetworkShare(path)
        if not path.exists():
            raise NotYanshouDatabase(path, "no such database file")
        if path.is_dir():
            raise NotYanshouDatabase(path, "this is a folder, not a database file")
        key = file_key(path, keys_dir)
        migrations.check_file(path, key)
        if not writable(path):  # a read-only disk (a CD, a write-protected stick): read it as it is
            wal = path.with_name(path.name + "-wal")
            pending = wal.is_file() and wal.stat().st_size > 0  # immutable would not see commits still in it
            engine = engines.sqlite_engine(path, readonly=pending, immutable=not pending, key=key)
            database = cls(path, engine, key=key)
            database.read_only = True
            if check:
                migrations.quick_check(engine, path)
            return database
        engine = engines.sqlite_engine(path, key=key)
        try:
            migrations.upgrade(engine, path, key=key)
            if check:
                migrations.quick_check(engine, path)
        except DBAPIError as exc:  # a file cut short or damaged, a failing disk: said as such (engine.translate)
            engine.dispose()
            engines.reraise(exc, path)
        except BaseException:
            engine.dispose()
            raise
        database = cls(path, engine, key=key)
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
        encrypt: bool = False,
    ) -> Database:
        """A new database; `encrypt`: an encrypted file (db.cipher), with a key derived from
        `keys_dir`'s secret (KeyNeeded when there is none to be had: no store, no passphrase)."""
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

        key = new_key(keys_dir, path) if encrypt else None
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = engines.sqlite_engine(path, new=True, key=key)
        device_id = str(uuid.uuid4())
        try:
            migrations.upgrade(engine, path, key=key)
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
        return cls(path, engine, key=key)

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
                signer = keys.create_key(keys_dir, device_id, protect_it=False)  # every lead's desk holds it
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
            signer = keys.load_key(keys_dir, identity.device_id, self.path, protect_it=not self.on_server)
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
            # an encrypted file's copy is encrypted with its key (and salt): the same driver
            made = sqlite3.connect(target) if self.key is None else cipher.connect(str(target), self.key)
            try:
                raw.backup(made)
            finally:
                made.close()
        copy = Database(target, engines.sqlite_engine(target, key=self.key), key=self.key)
        copy.policy = self.policy
        return copy

    def close(self) -> None:
        self.engine.dispose()


def new_key(keys_dir: Path, where: Path) -> cipher.Key:
    """A key for a file to be encrypted, with a fresh salt. KeyNeeded when this computer has no
    secret to derive it from (no protected store, no passphrase given)."""
    import secrets

    secret = vault.secret(keys_dir, where, create=True)
    if secret is None:
        raise KeyNeeded(
            where, "passphrase_needed", "this computer has no protected store for Yanshou's key: choose a passphrase "
            f"(asked in a terminal or by the window; a script sets {vault.PASSPHRASE_VARIABLE})",
        )
    salt = secrets.token_bytes(cipher.SALT_BYTES)
    return cipher.Key(vault.database_key(secret, salt), salt)


def encrypt_file(path: Path, keys_dir: Path) -> cipher.Key:
    """Convert a plain database file into an encrypted one in its place (db.cipher.encrypt:
    nothing lost, the plain file kept until its copy is verified), and the schema upgrades'
    backups beside it the same way. Its key; the file must not be open. KnownDatabaseError
    when it cannot be done now (the file untouched)."""
    key = new_key(keys_dir, path)
    for each in [path, *migrations.backups_beside(path)]:
        if cipher.is_encrypted(each):
            continue
        own = key if each == path else new_key(keys_dir, each)
        try:
            cipher.encrypt(each, own)
        except cipher.InUse as exc:
            raise DatabaseBusy(each, f"not encrypted now: {exc}; close it there and open it again") from exc
        except cipher.NotConverted as exc:
            raise KnownDatabaseError(each, f"not encrypted: {exc}; the file was left as it was") from exc
        except cipher.errors("Error") as exc:
            raise KnownDatabaseError(each, f"not encrypted ({exc}); the file was left as it was") from exc
        except OSError as exc:
            raise KnownDatabaseError(each, f"not encrypted ({exc.strerror or exc}); the file was left as it was") from exc
    return key


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
