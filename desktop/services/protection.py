"""How this computer protects Yanshou's files at rest (issue 21, points 2 and 3): the services'
face of db.vault, for the window and the command line.

A laptop's database is encrypted, and every private key file protected, with keys derived from
this computer's secret: in the system's protected store where there is one, else from a
passphrase given once per run of the program — by the window's dialog (desktop.ui.unlock), by
the command line's prompt, or by a script through YANSHOU_PASSPHRASE (as restic's
RESTIC_PASSWORD). Where neither can be had, files stay in the clear and the callers say so.

When the store loses the secret (T2-8), the lead's master can give it back: a laptop that knows
the master's encryption key keeps the secret sealed for it in a recovery file (db.recovery:
`escrow`, after each merge and export), the lead reads a recovery code from that file
(`recovery_code`), the inspector types it on the laptop (`recover`).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from db import vault
from db.errors import KeyNeeded, KnownDatabaseError, RecoveryError
from desktop import paths

if TYPE_CHECKING:
    from db.database import Database
    from db.peek import Identity
    from db.recovery import About
    from desktop.services.workspace import Workspace


class Method(StrEnum):
    """How this computer's files are protected now."""

    STORE = "store"  # the system's protected store: nothing to type
    PASSPHRASE = "passphrase"  # a passphrase, given in this run
    LOCKED = "locked"  # a passphrase, not given yet in this run
    NONE = "none"  # nothing yet: no store here, no passphrase chosen (files stay in the clear)


@dataclass(frozen=True)
class State:
    method: Method
    has_store: bool


def state() -> State:
    """How files are protected here now (asks the store whether it is there, not for the key)."""
    keys_dir = paths.keys_dir()
    made = vault.protection(keys_dir)
    if made is None:
        return State(Method.NONE, vault.has_store())
    if made.method == vault.STORE:
        return State(Method.STORE, True)
    return State(Method.LOCKED if vault.needs_passphrase(keys_dir) else Method.PASSPHRASE, vault.has_store())


def must_choose_passphrase() -> bool:
    """Whether protecting a file here needs a passphrase chosen first (no store, none chosen)."""
    return vault.protection(paths.keys_dir()) is None and not vault.has_store()


def needs_passphrase() -> bool:
    """Whether an encrypted file here needs the passphrase, not given yet in this run."""
    return vault.needs_passphrase(paths.keys_dir())


def to_ask(*, new: bool = False) -> str | None:
    """What the user must be asked before a file here is opened (or, with `new`, a laptop's
    made): "choose" a passphrase (the first time on a computer without a store), "type" the
    one chosen (not given yet in this run), or None: nothing."""
    if new and must_choose_passphrase():
        return "choose"
    return "type" if needs_passphrase() else None


def unlock(passphrase: str) -> None:
    """Give the passphrase (or choose it, the first time on a computer without a store), for
    the rest of this run. KeyNeeded (code wrong_passphrase) for a wrong one; KnownDatabaseError
    for a new one that will not do (too short)."""
    vault.unlock(paths.keys_dir(), passphrase)


def passphrase_problem(passphrase: str) -> str | None:
    """Why a passphrase being chosen will not do (None: it will)."""
    return vault.passphrase_problem(passphrase)


def unlock_from_environment() -> bool:
    """The passphrase of YANSHOU_PASSPHRASE, when a script set it and it is still needed; True
    when it was given."""
    given = os.environ.get(vault.PASSPHRASE_VARIABLE)
    if not given or not (needs_passphrase() or must_choose_passphrase()):
        return False
    unlock(given)
    return True


def available(*, quiet: bool = False) -> bool:
    """Whether a file can be protected now without asking anyone (a store, or a passphrase
    given in this run; a folder with no protection yet gets the store's). A store that fails
    (locked, or its key gone) raises KeyNeeded, unless `quiet` (a conversion that can wait)."""
    try:
        return vault.secret(paths.keys_dir(), paths.keys_dir() / vault.FILE, create=True) is not None
    except KeyNeeded as exc:
        if quiet or exc.code == "passphrase_needed":
            return False
        raise


# --- recovery by the lead (T2-8) ------------------------------------------------------------


def escrow(database: Database, identity: Identity | None = None) -> list[Path]:
    """A laptop's recovery files: this computer's secret sealed for each master whose key the
    laptop knows, written where there is none for the present protection yet (the files
    written). Nothing for a master, a laptop whose files are in the clear, or one whose
    passphrase was not given in this run (written at a later merge or export that has it).
    `identity`: the database's, where the caller holds it (else read)."""
    from db import local, receivers, recovery

    keys_dir = paths.keys_dir()
    if database.on_server or (identity is not None and identity.role != "field"):
        return []
    with database.read() as conn:
        identity = identity or local.identity(conn)
        if identity.role != "field":
            return []
        masters = receivers.receivers(conn, device_id=identity.device_id, role=identity.role).recipients
    if (made := vault.protection(keys_dir)) is None:
        return []
    try:
        held = vault.secret(keys_dir, keys_dir / vault.FILE)
    except KeyNeeded:
        return []
    if held is None:
        return []
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return recovery.escrow(keys_dir, held, protection_id=made.id, laptop=identity.device_id, masters=masters, written=now)


def keep_recovery(database: Database, identity: Identity | None = None) -> None:
    """escrow, once the work it follows is done (an export, a merge, a file encrypted at its
    opening): where the recovery file cannot be written now (a keys folder that refuses a
    write, a full disk, a store that refuses), that work stands, the failure goes to the error
    log, and the next export or merge tries again."""
    try:
        escrow(database, identity)
    except (OSError, KnownDatabaseError) as exc:
        paths.log_error(exc)


def recovery_code(ws: Workspace, path: Path) -> tuple[About, str]:
    """The lead: what a laptop's recovery file says, and the recovery code of the secret it
    holds, opened with this master's private encryption key. RecoveryError (db.recovery) when
    it is not a recovery file, is sealed for another master, or was changed."""
    from db import recovery, seal

    if ws.identity.role != "master":
        raise KnownDatabaseError(ws.path, "a recovery file is opened on the lead's master it was sealed for, not on a laptop")
    data = recovery.read_file(path)  # a file that is no recovery file is said to be none, here or on any desk
    keys_dir = paths.keys_dir()
    key = seal.sealing_key(keys_dir, ws.identity.device_id, protect_it=not ws.database.on_server)
    if key is None:  # (a second desk on a server's master): no key here to open any recovery file with
        missing = seal.key_path(keys_dir, ws.identity.device_id).name
        raise RecoveryError(
            path, "no_key", f"this computer does not hold the master's private encryption key ({missing} in its keys folder): "
            "open the recovery file on the desk that made the master",
        )
    found, secret = recovery.open_file(path, seal.Opener((key,)), data)
    return found, recovery.code(secret)


@dataclass(frozen=True)
class RecoveryLaptop:
    """The laptop a recovery file names, as this master knows it: what the lead is told
    before giving its code (the file's own word for it is anyone's to write)."""

    device_id: str
    inspector: str | None  # its inspector, where the master enrolled it
    enrolled: bool  # the master has merged its work
    revoked: bool  # the lead revoked it (lost or stolen)


def recovery_laptop(ws: Workspace, device_id: str) -> RecoveryLaptop:
    """What this master knows of the laptop a recovery file names (About.laptop)."""
    from db import revocation, sync_queries

    with ws.read() as conn:
        row = sync_queries.device_by_id(conn, device_id)
        revoked = device_id in revocation.revocations(conn)
    return RecoveryLaptop(device_id, row.inspector if row is not None else None, row is not None, revoked)


def recover(code: str) -> bool:
    """The laptop: put this computer's secret back into the store from the lead's recovery code
    (the store lost it, or the passphrase is forgotten). RecoveryError (mistyped), KeyNeeded
    (wrong_recovery_code: another laptop's code; store_unavailable: no store here) with
    nothing changed otherwise. True when a passphrase's protection became the store's."""
    from db import recovery

    keys_dir = paths.keys_dir()
    return vault.restore(keys_dir, recovery.secret_of(code, keys_dir / vault.FILE))


__all__ = [
    "Method", "RecoveryLaptop", "State", "available", "escrow", "keep_recovery", "must_choose_passphrase", "needs_passphrase",
    "passphrase_problem", "recover", "recovery_code", "recovery_laptop", "state", "to_ask", "unlock", "unlock_from_environment",
]
