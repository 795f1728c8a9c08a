"""Fixtures for the data-layer tests (helpers live in dbutil.py)."""

from dbutil import campaign, field_db, make_db  # noqa: F401
