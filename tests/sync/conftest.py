"""Fixtures for the sync tests (helpers live in syncutil.py)."""

from syncutil import team  # noqa: F401
