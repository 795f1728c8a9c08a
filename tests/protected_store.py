"""The tests' protected store (issue 21): a keyring backend in a file of the test's own home,
so that no test reads or writes the real keyring, and processes a test starts (the demo's
workers, a spawned child) see the same store. Chosen by PYTHON_KEYRING_BACKEND (tests/conftest.py)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

VARIABLE = "YANSHOU_TEST_KEYRING"  # its folder: a file per item, each written whole (processes at once)


class FileStore(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    @staticmethod
    def _path(service: str, username: str) -> Path:
        folder = Path(os.environ[VARIABLE])
        folder.mkdir(parents=True, exist_ok=True)
        return folder / hashlib.sha256(f"{service}\n{username}".encode()).hexdigest()

    def get_password(self, service: str, username: str) -> str | None:
        try:
            return self._path(service, username).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def set_password(self, service: str, username: str, password: str) -> None:
        path = self._path(service, username)
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        partial.write_text(password, encoding="utf-8")
        os.replace(partial, path)

    def delete_password(self, service: str, username: str) -> None:
        try:
            self._path(service, username).unlink()
        except FileNotFoundError:
            raise PasswordDeleteError(username) from None


class NoStore(KeyringBackend):
    """A computer without a protected store (a Linux with no desktop keyring)."""

    priority = 0  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise RuntimeError("no store")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError("no store")

    def delete_password(self, service: str, username: str) -> None:
        raise RuntimeError("no store")
