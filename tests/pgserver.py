"""A throwaway PostgreSQL server for the tests that run on both backends.

Where the server comes from, in order:
1. `YANSHOU_TEST_PG_URL`: a server someone runs already (a URL whose user may create
   databases, e.g. postgresql://postgres@127.0.0.1:5432/postgres);
2. else Debian's `postgresql` installed here: a cluster made by `initdb` in a temporary
   folder, on a loopback port, trust authentication, no fsync (its data is thrown away),
   stopped at the end of the session. As root (CI), it runs as the `postgres` user.
3. else none: the PostgreSQL half is skipped with the reason shown, or fails when
   `YANSHOU_REQUIRE_POSTGRES=1` (CI sets it: there the half must run, not be skipped).

Each test gets a database of its own, dropped afterwards.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Server:
    admin_url: str  # a URL whose user may create databases
    why_not: str = ""  # set: no server, and why

    def url_for(self, database: str) -> str:
        base = self.admin_url.rsplit("/", 1)[0]
        return f"{base}/{database}"


def _bin_dir() -> Path | None:
    found = shutil.which("pg_ctl")
    candidates = [Path(found).parent] if found else []
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file() and (folder / "postgres").is_file():
            return folder
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_user() -> list[str]:
    """Run as `postgres` when we are root (initdb refuses root)."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        runuser = shutil.which("runuser")
        if runuser is None:
            raise OSError("running as root, and runuser (util-linux) is not there to start PostgreSQL as 'postgres'")
        return [runuser, "-u", "postgres", "--"]
    return []


def start() -> tuple[Server, Callable[[], None] | None]:
    """A server, and what stops it and removes its folder (None when it is not ours)."""
    given = os.environ.get("YANSHOU_TEST_PG_URL")
    if given:
        return Server(given), None
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return Server("", "psycopg is not installed (pip install 'psycopg[binary]')"), None
    bin_dir = _bin_dir()
    if bin_dir is None:
        return Server("", "PostgreSQL is not installed here (Debian: apt-get install postgresql) and YANSHOU_TEST_PG_URL is not set"), None
    try:
        prefix = _as_user()
    except OSError as exc:
        return Server("", str(exc)), None
    root = Path(tempfile.mkdtemp(prefix="yanshou-pg-"))
    if prefix:
        shutil.chown(root, "postgres")
    data, log = root / "data", root / "server.log"
    port = _free_port()
    try:
        subprocess.run(
            [*prefix, str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"],
            check=True, capture_output=True, timeout=120,
        )
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        subprocess.run(
            [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "-t", "60", "start"],
            check=True, capture_output=True, timeout=120,
        )
    except (subprocess.SubprocessError, OSError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        # pg_ctl may have timed out with the server still starting: stop it before its folder goes
        subprocess.run([*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       check=False, capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)
        return Server("", f"starting a throwaway PostgreSQL failed: {exc} {detail.decode(errors='replace')[-300:]}"), None

    def stop() -> None:
        atexit.unregister(stop)
        subprocess.run(
            [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], check=False, capture_output=True, timeout=60
        )
        shutil.rmtree(root, ignore_errors=True)

    atexit.register(stop)  # a test run stopped by an exception or Ctrl-C does not leave it running
    return Server(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"), stop


def create_database(server: Server) -> str:
    import psycopg

    name = f"yanshou_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server.admin_url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def drop_database(server: Server, name: str) -> None:
    import psycopg

    with psycopg.connect(server.admin_url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
