"""How this computer protects Yanshou's files at rest (issue 21, points 2 and 3): the services'
face of db.vault, for the window and the command line.

A laptop's database is encrypted, and every private key file protected, with keys derived from
this computer's secret: in the system's protected store where there is one, else from a
passphrase given once per run of the program — by the window's dialog (desktop.ui.unlock), by
the command line's prompt, or by a script through YANSHOU_PASSPHRASE (as restic's
RESTIC_PASSWORD). Where neither can be had, files stay in the clear and the callers say so.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum

from db import vault
from db.errors import KeyNeeded
from desktop import paths


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


__all__ = [
    "Method", "State", "available", "must_choose_passphrase", "needs_passphrase", "passphrase_problem", "state",
    "to_ask", "unlock", "unlock_from_environment",
]
