"""Failures of the data layer that a user can act on, apart from bugs.

A `KnownDatabaseError` carries a `code` the GUI turns into Chinese and a message in
English for the command line: locked or full disk, a file that is not ours, a file
from a newer version of the program, a device key that is not on this computer.
"""

from __future__ import annotations

from pathlib import Path


class KnownDatabaseError(Exception):
    code = "database"

    def __init__(self, path: str | Path, message: str) -> None:
        self.path = str(path)
        super().__init__(f"{path}: {message}")

    def __reduce__(self) -> tuple[object, ...]:
        # Pickled (from a worker process) as what it is, whatever its class's __init__ takes:
        # the message and every attribute (path, code…), not a call with .args.
        return _rebuild, (type(self), self.args), self.__dict__


def _rebuild(kind: type[Exception], args: tuple[object, ...]) -> Exception:
    error = kind.__new__(kind)
    Exception.__init__(error, *args)
    return error


class NotYanshouDatabase(KnownDatabaseError):
    code = "not_yanshou"


class DatabaseTooNew(KnownDatabaseError):
    code = "too_new"


class DatabaseCorrupt(KnownDatabaseError):
    code = "corrupt"


class OnNetworkShare(KnownDatabaseError):
    """A SQLite file on a network share: refused (its locking and WAL are unsafe there)."""

    code = "network_share"

    def __init__(self, path: str | Path) -> None:
        super().__init__(
            path,
            "this database is on a network share, where SQLite cannot keep it safe: keep the file on this computer's own "
            "disk; a master several leads share belongs on a PostgreSQL server (see the README)",
        )


class DatabaseBusy(KnownDatabaseError):
    code = "busy"


class DiskFull(KnownDatabaseError):
    code = "disk_full"


class DeviceKeyMissing(KnownDatabaseError):
    code = "key_missing"


class KeyNeeded(KnownDatabaseError):
    """An encrypted database or key file (issue 21) that cannot be opened here as things are;
    `code` says why: passphrase_needed (this computer protects its files with a passphrase
    not given yet), wrong_passphrase, key_not_here (encrypted on another computer or by
    another user: no key of this computer opens it), store_lost (the system's protected store
    no longer holds this computer's key), store_unavailable (the store refused or is locked)."""

    def __init__(self, path: str | Path, code: str, message: str) -> None:
        self.code = code
        super().__init__(path, message)


class RecoveryError(KnownDatabaseError):
    """A recovery file or code that will not do (db.recovery); `code` says why: not_recovery
    (not a recovery file), not_for_us (sealed for another master), altered (a byte changed, cut
    short), mistyped (a code whose checksum does not match); no_key (this desk holds no private
    encryption key of the master's to open one with). Here, beside the other errors, so that
    the window can say it without loading the cryptography db.recovery needs."""

    def __init__(self, path: str | Path, code: str, message: str) -> None:
        self.code = code
        super().__init__(path, message)


class NotInitialised(KnownDatabaseError):
    code = "not_initialised"


class ServerError(KnownDatabaseError):
    """A master on a PostgreSQL server that cannot be used as asked; `code` says why, for
    the GUI: server_unreachable, server_auth, server_no_database, server_rights,
    server_read_only, server_key_missing (another lead's desk without the master's key)."""

    def __init__(self, path: str | Path, code: str, message: str) -> None:
        self.code = code
        super().__init__(path, message)


class Refused(KnownDatabaseError):
    """A file offered to merge that is not accepted; `code` says why, for the GUI.

    Codes: unreadable, not_yanshou, too_new, too_old, corrupt, schema, campaign,
    not_export, manifest, chain, fork, contents, device_key, not_enrolled, signature,
    history, sequence, permission, blob, altered; and the admission check's rules
    (db.admission.RULES): entity, owner, lead_only, record, parents, canonical, text, name,
    value, clock.
    """

    def __init__(self, path: str | Path, code: str, message: str) -> None:
        self.code = code
        super().__init__(path, message)


class NotAdmitted(KnownDatabaseError):
    """A write the admission check (db.admission) refuses; `rule` names the rule."""

    code = "not_admitted"

    def __init__(self, path: str | Path, rule: str, message: str) -> None:
        self.rule = rule
        super().__init__(path, message)
