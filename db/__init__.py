"""Yanshou's data layer: one SQLite file per laptop, an append-only set of signed versions.

No Qt and nothing from `desktop` is imported here. See `db/versions.py` for the record
model (SYNC.md) and `db/migrations.py` for how the schema is versioned.
"""
