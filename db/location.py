"""Where a database is: a SQLite file's path, or a PostgreSQL master's URL (db.postgres).

Kept apart from db.postgres so that reading a command line imports no SQLAlchemy.
"""

from __future__ import annotations

from pathlib import Path

from db.errors import KnownDatabaseError

SCHEMES = ("postgresql://", "postgresql+psycopg://", "postgres://")


def is_url(target: object) -> bool:
    """True for a PostgreSQL URL (as typed on a command line or in a dialog)."""
    return isinstance(target, str) and target.strip().lower().startswith(SCHEMES)


class NotAnAddress(KnownDatabaseError):
    """Something that looks like a URL (it has '://') with a scheme we do not know: refused as
    an address, never taken for a file path (its password would become folder names)."""

    code = "bad_address"


def location(argument: str) -> Path | str:
    """A database argument: a URL stays text (a Path would fold its '//'), anything else is a
    path. An address of an unknown scheme is refused, naming the scheme only: what follows it
    may hold a password, which is never shown."""
    if is_url(argument):
        return argument.strip()
    if "://" in argument:
        scheme = argument.strip().split("://", 1)[0][:40]
        raise NotAnAddress(
            "the database address",
            f"'{scheme}://…' is not an address this program knows; a master on a server is postgresql://USER@HOST/DATABASE",
        )
    return Path(argument)
