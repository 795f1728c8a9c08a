"""A slow disk for the log's copy into a database file (db.wal): each checkpoint the copy
makes begins only after a pause, so that a test can act while it is still under way."""

from __future__ import annotations

import time
from typing import Any

import pytest

from db import wal


def slow_copies(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    copying = wal._checkpointer

    def slow(keeper: Any) -> Any:
        checkpoint = copying(keeper)

        def later(*args: Any, **kwargs: Any) -> bool:
            time.sleep(seconds)
            return checkpoint(*args, **kwargs)

        return later

    monkeypatch.setattr(wal, "_checkpointer", slow)
