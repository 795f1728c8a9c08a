"""Opening and creating databases: the campaign a database holds and who writes in it.

The campaign a workspace works with is the effective one: the reference campaign stored
at `init`, with the lead's current settings (a signed record, db.reference) laid over it.
After anything that may bring new settings (a save, a merge) `reload_campaign` re-reads
them; it costs one indexed read and re-parses nothing when they did not change.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from db import peek
from db.errors import KnownDatabaseError
from db.peek import Identity
from desktop import paths
from desktop.core.campaign import Campaign, load_campaign, parse_campaign
from desktop.core.errors import InputError
from desktop.core.indicators import IndicatorSet, load_indicator_set
from desktop.services import protection

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from db.database import Database

# The data layer (db.database and, under it, SQLAlchemy) is imported where a database is opened
# or made, not here: the window's start builds its first frame from a workspace opened later
# (open_workspace(later=True)) before that layer has loaded (issue 19).


ROLES = ("field", "master")


class Workspace:
    """An open database with its effective campaign (the reference data it holds, parsed
    once, with the lead's settings laid over it).

    `database` may be given as a function that opens it: the workspace is then usable at
    once by what needs only its campaign, identity and path (the window's first frame), and
    the database is opened on first use, by whichever thread asks first (the others wait)."""

    def __init__(
        self, database: Database | Callable[[], Database], campaign: Campaign, identity: Identity,
        reference_campaign: Campaign | None = None, settings_payload: dict[str, Any] | None = None, *, path: Path | None = None,
    ) -> None:
        self.campaign = campaign
        self.identity = identity
        self.reference_campaign = reference_campaign if reference_campaign is not None else campaign  # as stored at init
        self.settings_payload = settings_payload
        self._lock = threading.Lock()
        self._database: Database | None = None
        self._opening: Callable[[], Database] | None = None
        self._failure: BaseException | None = None  # why the open at first use failed
        if callable(database):
            assert path is not None, "a workspace opened later names its file"
            self._opening, self._path = database, path
        else:
            self._attach(database)
            self._path = database.path

    def _attach(self, database: Database) -> Database:
        # the application's half of the admission check, for local writes and merges alike:
        # always against the campaign as it is now (the lead's settings may change it)
        from desktop.core import validity  # (with the rules of every entity: at the open, not at the first frame)

        database.policy.values = self._values
        database.policy.steps = validity.check_step  # a problem's state machine (desktop.core.problems)
        database.policy.reserved = frozenset({validity.LEAD_AUTHOR})  # the lead's name: a master's alone
        self._database = database
        return database

    @property
    def database(self) -> Database:
        database = self._database
        if database is None:
            with self._lock:
                database = self._database
                if database is None:
                    if self._failure is not None:  # said once: every read asked meanwhile fails with it, none opens again
                        raise self._failure
                    assert self._opening is not None
                    try:
                        database = self._attach(self._opening())
                    except BaseException as exc:
                        self._failure = exc
                        raise
        return database

    @property
    def opened(self) -> bool:
        """Whether the database is open (a workspace opened later: once first used)."""
        return self._database is not None

    def __repr__(self) -> str:
        return f"Workspace({self._path}, {self.identity.role}, {'open' if self.opened else 'opened when first used'})"

    def _values(self, entity: str, payload: dict[str, Any]) -> tuple[str, str] | None:
        assert self.reference_campaign is not None
        from desktop.core import validity

        return validity.check(self.campaign, self.reference_campaign, entity, payload)

    def reload_campaign(self, conn: Connection | None = None) -> bool:
        """Re-read the lead's settings; True when the effective campaign changed."""
        if conn is None:
            with self.read() as own:
                return self.reload_campaign(own)
        from db import reference

        payload = reference.load_settings(conn, self.reference_campaign.id)
        if payload == self.settings_payload:
            return False
        self.campaign = effective_campaign(self.reference_campaign, payload, self.path)
        self.settings_payload = payload
        return True

    @property
    def path(self) -> Path:
        """The file, or for a master on a server its user@host/db: what messages name."""
        return self._path

    @property
    def location(self) -> Path | str:
        """What opens the database again: the file's path, or the server's URL."""
        return self.database.location if self._database is not None else self._path

    def write(self) -> AbstractContextManager[Connection]:
        return self.database.write()

    def read(self) -> AbstractContextManager[Connection]:
        return self.database.read()

    def close(self) -> None:
        with self._lock:  # (an open under way on another thread finishes first)
            if self._database is not None:
                self._database.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def load_campaign_file(path: Path | None) -> Campaign:
    """A campaign file. Its indicator set is held inside it (an [indicator_set] table) or
    named; a named set is looked up beside the file (`NAME.toml`), in an `indicator_sets`
    folder beside it or beside its folder (the layout of `resources/`), then among the
    built-in sets."""
    if path is None:
        path = paths.builtin_campaign()

    def resolve(name: str) -> IndicatorSet:
        file_name = f"{name}.toml"
        candidates = [
            path.parent / file_name,
            path.parent / "indicator_sets" / file_name,
            path.parent.parent / "indicator_sets" / file_name,
            paths.indicator_set_file(name),
        ]
        found = next((c for c in candidates if c.is_file() and c.resolve() != path.resolve()), None)
        if found is None:
            raise InputError.single(
                path, "set_not_found",
                f"indicator set {name!r} not found: put {file_name} beside the campaign file, or the set inside it",
                node="the campaign", params={"name": name},
            )
        return load_indicator_set(found)

    return load_campaign(path, resolve)


def inspector_name(name: str) -> str:
    """An inspector's name as typed (init --inspector, import-sheet --inspector, the set-up
    dialog): the admission check's rule for names (db.admission.check_name), said at once."""
    name = name.strip()
    from db import admission

    if (why := admission.check_name(name)) is not None:
        raise InputError.single("inspector", "bad_name", f"the inspector's name is not usable: {why}")
    from desktop.core import validity

    if name == validity.LEAD_AUTHOR:
        raise InputError.single("inspector", "reserved_name", f"the lead's master writes in the name '{name}'; give the inspector's own")
    return name


def create(
    path: Path | str, *, role: str, campaign_file: Path | None = None, inspector: str | None = None, encrypt: bool | None = None,
) -> Workspace:
    return create_for(path, load_campaign_file(campaign_file), role=role, inspector=inspector, encrypt=encrypt)


def encrypts(path: Path | str, role: str, encrypt: bool | None) -> bool:
    """Whether a new database is encrypted at rest (issue 21): a laptop's whenever this computer
    can protect it without asking (its store, or a passphrase given in this run: otherwise it
    is made in the clear, and `Workspace.database.encrypted` says so); a master's when asked
    (`encrypt`: True; a server's never: PostgreSQL's storage is its administrator's)."""
    if isinstance(path, str) or encrypt is False:
        return False
    if encrypt:
        return True
    protection.unlock_from_environment()
    return role == "field" and protection.available()


def create_for(
    path: Path | str, campaign: Campaign, *, role: str, inspector: str | None = None, document: dict[str, Any] | None = None,
    encrypt: bool | None = None,
) -> Workspace:
    """A new database of a campaign; `document`, the campaign as another database stores it
    (so that both hold the very same reference data). `encrypt`: see `encrypts`."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    if isinstance(path, str) and encrypt:
        raise KnownDatabaseError(path, "a master on a server is not encrypted by Yanshou: its storage is the server's business")
    from db import reference
    from db.database import Database

    protection.unlock_from_environment()
    database = Database.create(
        path,
        role=role,
        keys_dir=paths.keys_dir(),
        inspector=inspector_name(inspector) if inspector is not None else None,
        campaign_key=campaign.id,
        campaign_name=campaign.name,
        document=document if document is not None else campaign.to_document(),
        indicators=[
            reference.IndicatorNode(n.code, int(n.level), n.parent, n.name, str(n.points)) for n in campaign.indicator_set.nodes
        ],
        counties=[reference.CountyEntry(c.code, c.name, c.pilot_areas) for c in campaign.counties],
        now=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        encrypt=encrypts(path, role, encrypt),
    )
    with database.read() as conn:
        identity = database.identity(conn)
    return Workspace(database, campaign, identity)


def effective_campaign(stored: Campaign, payload: dict[str, Any] | None, path: Path) -> Campaign:
    """The stored campaign with a settings payload laid over it. Settings that break a
    rule (they cannot come from this program: it validates before it signs) make the
    database unusable rather than the results wrong."""
    if payload is None:
        return stored
    from desktop.core import campaign_settings

    try:
        settings = campaign_settings.read_payload(stored, payload, f"{path} (campaign settings)")
    except InputError as exc:
        raise KnownDatabaseError(path, f"the campaign settings it holds are not valid: {exc.problems[0].message}") from exc
    return campaign_settings.apply(stored, settings)


def open_workspace(path: Path | str, *, check: bool = True, later: bool = False) -> Workspace:
    """Open a database. An encrypted file opens with this computer's key: KeyNeeded (code
    passphrase_needed) when that needs the passphrase not given yet — give it
    (protection.unlock) and open again. A laptop's database still in the clear is encrypted in
    its place once (`encrypt_workspace`) when this computer can protect it without asking.

    `later` (the window's start): a laptop's file that opens without a change is read at once
    with db.peek's few statements, and opened in full at its first use (`Workspace.database`);
    any other (a master, an older schema, a file to encrypt, a server) is opened now."""
    protection.unlock_from_environment()
    keys_dir = paths.keys_dir()
    if later and isinstance(path, Path):
        glanced = _glanced(path, keys_dir)
        if glanced is not None:
            return glanced
    return _workspace(_open(path, check, keys_dir))


def _open(path: Path | str, check: bool, keys_dir: Path) -> Database:
    from db.database import Database

    database = Database.open(path, check=check, keys_dir=keys_dir)
    if _to_encrypt(database):
        database.close()
        try:
            _encrypt_file(database.path, keys_dir)
        except KnownDatabaseError:  # in use elsewhere, a full disk…: left in the clear, tried at the next open
            pass
        database = Database.open(path, check=check, keys_dir=keys_dir)
        if database.encrypted:  # its protection may be new: a laptop that knows the master's key keeps its recovery file now
            protection.keep_recovery(database)
    return database


def _glanced(path: Path, keys_dir: Path) -> Workspace | None:
    """A laptop's workspace from the file's first read (db.peek), its database opened in full
    at first use (a file in the clear encrypted then, as by open_workspace: asking this
    computer's store whether it can, some 150 ms where it has none, waits until after the first
    frame); None where the full open must come first."""
    try:
        glance = peek.glance(path, keys_dir)
    except KnownDatabaseError:  # the full open says it in its own words
        return None
    if glance is None or glance.identity.role != "field":
        return None
    try:
        campaign = parse_campaign(glance.document, f"{path} (campaign)")
        effective = effective_campaign(campaign, glance.settings, path)
    except (InputError, KnownDatabaseError):
        return None

    def opening() -> Database:
        from db import reference

        database = _open(path, False, keys_dir)
        try:
            with database.read() as conn:
                identity = database.identity(conn)
                stored = reference.load(conn, identity.campaign_id)
                settings = reference.load_settings(conn, campaign.id)
            if identity != glance.identity or stored is None or stored.document != glance.document or settings != glance.settings:
                raise KnownDatabaseError(path, "the database was changed by another program while it was being opened: open it again")
        except BaseException:
            database.close()
            raise
        return database

    return Workspace(opening, effective, glance.identity, campaign, glance.settings, path=path)


def _to_encrypt(database: Database) -> bool:
    """A laptop's file in the clear that this computer can protect now: converted once. Not an
    export (a copy for the USB stick, opened to be read: `yanshou verify` of a file to merge),
    which, encrypted with this computer's key, no master elsewhere could merge any more."""
    from db import local, manifest

    if database.on_server or database.encrypted or database.read_only:
        return False
    try:
        with database.read() as conn:
            role = local.identity(conn).role
            export = local.get(conn, manifest.EXPORT_KEY) is not None
    except BaseException:
        database.close()
        raise
    return role == "field" and not export and protection.available(quiet=True)


def _encrypt_file(path: Path, keys_dir: Path) -> None:
    from db.database import encrypt_file

    encrypt_file(path, keys_dir)


def encrypt_workspace(path: Path) -> None:
    """Encrypt a database file in its place (`yanshou encrypt`: a master by choice; a laptop's is
    converted when opened). Nothing is lost (db.cipher.encrypt); the file must not be open."""
    from db.database import Database

    protection.unlock_from_environment()
    database = Database.open(path, keys_dir=paths.keys_dir())
    encrypted = database.encrypted
    database.close()
    if not encrypted:
        _encrypt_file(path, paths.keys_dir())


def _workspace(database: Database) -> Workspace:
    from db import reference

    where = database.path  # for a server, its user@host/db: a URL's password is never shown
    try:
        with database.read() as conn:
            identity = database.identity(conn)
            stored = reference.load(conn, identity.campaign_id)
            if stored is None:
                raise KnownDatabaseError(where, "the database holds no campaign")
            campaign = parse_campaign(stored.document, f"{where} (campaign)")
            settings = reference.load_settings(conn, campaign.id)
            effective = effective_campaign(campaign, settings, where)
    except BaseException:
        database.close()
        raise
    return Workspace(database, effective, identity, campaign, settings)
