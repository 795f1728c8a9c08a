"""Every test gets its own data and config folders: nothing touches the real home."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pgserver
import protected_store
import pytest

from db import vault


@pytest.fixture(autouse=True)
def _private_folders(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("YANSHOU_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("YANSHOU_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("HOME", str(home))
    # The system's protected store (db.vault) is a file of this test's own (tests/protected_store.py),
    # for the processes it starts too (importable from the repository's folder: pytest's
    # `pythonpath`, a child's PYTHONPATH). Set apart from the test's `monkeypatch`, whose undo()
    # in a test must not hand the rest of it the real keyring.
    store = pytest.MonkeyPatch()
    store.setenv("PYTHON_KEYRING_BACKEND", "tests.protected_store.FileStore")
    store.setenv(protected_store.VARIABLE, str(home / "keyring"))
    root = str(Path(__file__).resolve().parent.parent)  # for a child that is not Python run from here (the yanshou script)
    store.setenv("PYTHONPATH", os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p))
    store.delenv(vault.PASSPHRASE_VARIABLE, raising=False)
    vault.forget()  # what an earlier test unlocked, and its store
    yield
    vault.forget()
    store.undo()


@pytest.fixture
def shanghai() -> Iterator[None]:
    """The computer's clock in China (times printed carry +08:00; the users' time zone)."""
    import time

    if not hasattr(time, "tzset"):
        pytest.skip("POSIX: the time zone is set through TZ")
    mp = pytest.MonkeyPatch()
    mp.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    mp.undo()
    time.tzset()


@pytest.fixture(autouse=True)
def _windows_fsync_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows' `os.fsync` is FlushFileBuffers, which needs a handle open for writing: on a
    read-only one it fails with EBADF. Every test runs under that rule (a folder, which only
    POSIX can open and flush, stays allowed), so code that flushes a file it opened only for
    reading fails here as it would on the users' machines."""
    if os.name != "posix":
        return  # on Windows the rule is the system's own
    import errno
    import fcntl
    import stat

    real = os.fsync

    def fsync(fd: int) -> None:
        if hasattr(fd, "fileno"):
            fd = fd.fileno()
        is_folder = stat.S_ISDIR(os.fstat(fd).st_mode)
        if not is_folder and fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE == os.O_RDONLY:
            raise OSError(errno.EBADF, "Bad file descriptor (FlushFileBuffers on a read-only handle)")
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    return tmp_path


# --- PostgreSQL (tests/pgserver.py) ---------------------------------------------------------


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pgserver.Server]:
    server, stop = pgserver.start()
    try:
        yield server
    finally:
        if stop is not None:
            stop()


@pytest.fixture
def pg_url(pg_server: pgserver.Server) -> Iterator[str]:
    """A fresh, empty PostgreSQL database's URL (dropped afterwards)."""
    if pg_server.why_not:
        if os.environ.get("YANSHOU_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required here (YANSHOU_REQUIRE_POSTGRES=1): {pg_server.why_not}")
        pytest.skip(f"no PostgreSQL server: {pg_server.why_not}")
    name = pgserver.create_database(pg_server)
    try:
        yield pg_server.url_for(name)
    finally:
        pgserver.drop_database(pg_server, name)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """Run the test once on a SQLite master and once on a PostgreSQL one."""
    return str(request.param)


@pytest.fixture
def master_location(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """Where the test's master lives: a file, or a fresh PostgreSQL database."""
    if backend == "postgresql":
        return str(request.getfixturevalue("pg_url"))
    return tmp_path / "master.db"
