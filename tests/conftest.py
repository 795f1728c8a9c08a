"""Every test gets its own data and config folders: nothing touches the real home."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _private_folders(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("YANSHOU_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("YANSHOU_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("HOME", str(home))


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    return tmp_path
