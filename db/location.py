"""Where a database is: a SQLite file's path, or a PostgreSQL master's URL (db.postgres).

Kept apart from db.postgres so that reading a command line imports no SQLAlchemy.
"""

from __future__ import annotations

from pathlib import Path

SCHEMES = ("postgresql://", "postgresql+psycopg://", "postgres://")


def is_url(target: object) -> bool:
    """True for a PostgreSQL URL (as typed on a command line or in a dialog)."""
    return isinstance(target, str) and target.strip().lower().startswith(SCHEMES)


def location(argument: str) -> Path | str:
    """A database argument: a URL stays text (a Path would fold its '//'), anything else is a path."""
    return argument.strip() if is_url(argument) else Path(argument)
