"""A database file opened raw, as a test reaches under the program (to read what it wrote, or
to tamper with it): a laptop's file is encrypted at rest (db.cipher), so it is opened through
SQLCipher with this computer's key; a plain file as before, with the standard module."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from db import cipher
from db.database import file_key
from db.engine import file_uri
from desktop import paths


def connect(path: Path, query: str = "", **options: Any) -> Any:
    """A DB-API connection to the file (`query`: a URI's, e.g. "mode=ro")."""
    key = file_key(path, paths.keys_dir()) if path.exists() else None
    uri = file_uri(path, query)
    if key is None:
        return sqlite3.connect(uri, uri=True, **options)
    return cipher.connect(uri, key, uri=True, **options)


def attach(conn: Any, path: Path, name: str) -> None:
    """ATTACH another file to a raw connection, with its own key (SQLCipher would give it the
    main file's)."""
    cipher.attach(conn, path, file_key(path, paths.keys_dir()), name)


def errors(name: str = "Error") -> tuple[type[Exception], ...]:
    """The DB-API error class of both drivers (a raw connection may be either's)."""
    return cipher.errors(name)
