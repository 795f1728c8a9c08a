"""The master on a PostgreSQL server: what db.postgres does apart from the shared code.

The merge, results and concurrency suites run on both backends (the `backend` fixture);
here, what only a server has: its schema table, the translated DDL, streamed evidence,
its refusals and its failures in a user's words."""

from __future__ import annotations

import hashlib
import os
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from db import blobs, migrations, postgres
from db.errors import DatabaseBusy, DiskFull, KnownDatabaseError, NotInitialised, NotYanshouDatabase, ServerError
from db.location import is_url, location
from desktop.services.workspace import create, open_workspace


def test_a_url_is_told_from_a_path_and_never_shows_its_password() -> None:
    assert location("postgresql://lead:secret@10.0.0.5/anhui") == "postgresql://lead:secret@10.0.0.5/anhui"
    assert location("master.db") == Path("master.db") and not is_url("C:/data/master.db")
    assert postgres.label("postgresql://lead:secret@10.0.0.5:5433/anhui") == "lead@10.0.0.5:5433/anhui"
    assert "secret" not in postgres.without_password("postgres://lead:secret@10.0.0.5/anhui")
    kept = postgres.without_password("postgresql://lead@10.0.0.5/anhui?password=secret&sslpassword=secret2&sslmode=require")
    assert "secret" not in kept and "sslmode=require" in kept
    assert postgres.label("postgresql://lead@10.0.0.5:port/anhui") == "PostgreSQL"  # a port that is no number
    assert postgres.normalise("postgres://h/db") == "postgresql+psycopg://h/db"


def test_the_schema_is_the_sqlite_schema_in_postgresqls_words(pg_url: str) -> None:
    create(pg_url, role="master").close()
    engine = postgres.engine(pg_url)
    try:
        with engine.connect() as conn:
            assert postgres.tables(conn) == migrations.tables(migrations.SCHEMA_VERSION) | {postgres.SCHEMA_TABLE}
            columns = conn.execute(
                text("SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema()")
            ).all()
    finally:
        engine.dispose()
    types = {(t, c): d for t, c, d in columns}
    assert types[("version", "hlc")] == "bigint"  # the clock is ms << 16: beyond 32 bits
    assert types[("blob", "data")] == "bytea" and types[("version", "deleted")] == "boolean"
    assert types[("merge_report", "dry_run")] == "boolean" and types[("merge_report", "id")] == "bigint"
    sqlite_columns = {
        (stmt.split("(")[0].split()[2].strip('"'), line.split()[0].strip('"'))
        for version in range(1, migrations.SCHEMA_VERSION + 1)
        for stmt in migrations.ddl(version) if stmt.startswith("CREATE TABLE")
        for line in stmt.split("(", 1)[1].splitlines()
        if line.strip() and not line.strip().startswith(("PRIMARY", "UNIQUE", "FOREIGN", ")"))
    }
    assert {k for k in types if k[0] != postgres.SCHEMA_TABLE} == sqlite_columns


def test_evidence_streams_to_the_server_and_back_in_pieces(pg_url: str, tmp_path: Path) -> None:
    with create(pg_url, role="master") as ws:
        big = tmp_path / "scan.pdf"
        data = os.urandom(blobs.CHUNK * 2 + 12345)
        big.write_bytes(data)
        with ws.write() as conn:
            sha = blobs.put_file(conn, big, "application/pdf")
            assert blobs.put_file(conn, big, "application/pdf") == sha  # stored once
            empty = blobs.put_bytes(conn, b"", "text/plain")
        with ws.read() as conn:
            pieces = list(blobs.read(conn, sha))
            assert len(pieces) == 3 and b"".join(pieces) == data
            assert b"".join(blobs.read(conn, empty)) == b""
            assert conn.execute(text("SELECT count(*) FROM blob")).scalar() == 2
        assert sha == hashlib.sha256(data).hexdigest()


def test_a_file_that_changes_while_it_streams_writes_nothing(pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with create(pg_url, role="master") as ws:
        photo = tmp_path / "photo.jpg"
        photo.write_bytes(os.urandom(300_000))
        real = blobs.sha256_file
        monkeypatch.setattr(blobs, "sha256_file", lambda p: (real(p)[0], real(p)[1] + 1))  # a byte more than it streams
        with pytest.raises(OSError, match="shrank"), ws.write() as conn:
            blobs.put_file(conn, photo, "image/jpeg")
        with ws.read() as conn:
            assert conn.execute(text("SELECT count(*) FROM blob")).scalar() == 0


def test_a_server_database_is_made_once_and_only_as_a_master(pg_url: str) -> None:
    with pytest.raises(NotInitialised):
        open_workspace(pg_url)
    with pytest.raises(KnownDatabaseError, match="only be a master"):
        create(pg_url, role="field", inspector="张三")
    create(pg_url, role="master").close()
    with pytest.raises(KnownDatabaseError, match="holds a Yanshou master already"):
        create(pg_url, role="master")
    with open_workspace(pg_url) as ws:
        assert ws.identity.role == "master" and ws.database.on_server
        assert "@" in str(ws.path) and "://" not in str(ws.path)


def test_a_database_holding_other_tables_is_refused(pg_url: str) -> None:
    engine = postgres.engine(pg_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE invoices (id integer)"))
    finally:
        engine.dispose()
    with pytest.raises(NotYanshouDatabase):
        open_workspace(pg_url)
    with pytest.raises(NotYanshouDatabase):
        create(pg_url, role="master")


def test_a_server_that_cannot_be_reached_is_said_so() -> None:
    with pytest.raises(KnownDatabaseError, match="cannot be reached"):
        open_workspace("postgresql://nobody@127.0.0.1:1/none")


def test_a_missing_database_or_user_is_said_so(pg_url: str) -> None:
    base = pg_url.rsplit("/", 1)[0]
    with pytest.raises(KnownDatabaseError, match="no such database"):
        open_workspace(base + "/no_such_database")
    with pytest.raises(KnownDatabaseError, match="user name or password"):
        open_workspace(pg_url.replace("//postgres@", "//nobody@"))


def test_the_servers_failures_in_a_users_words() -> None:
    def failure(sqlstate: str) -> OperationalError:
        return OperationalError("statement", {}, SimpleNamespace(sqlstate=sqlstate))

    assert isinstance(postgres.translate(failure("53100"), "m"), DiskFull)
    assert "password" in str(postgres.translate(failure("28P01"), "m"))
    assert "no such database" in str(postgres.translate(failure("3D000"), "m"))
    bug = failure("42601")  # a syntax error is ours: left as it is
    assert postgres.translate(bug, "m") is bug


def test_a_second_leads_desk_merges_and_signs_once_it_holds_the_masters_key(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Leads share one master on the server. A desk that did not create it reads and merges
    at once; what the master signs (a decision, a sheet, an export) needs the master's key
    on that desk: until it is copied there, the desk says so instead of failing."""
    from desktop import paths
    from desktop.services import decisions

    create(pg_url, role="master").close()
    first_keys = paths.keys_dir()
    monkeypatch.setenv("YANSHOU_CONFIG_DIR", str(tmp_path / "second-desk"))
    with open_workspace(pg_url) as ws:
        county = ws.campaign.counties[0].code
        with pytest.raises(ServerError) as missing:
            decisions.adjust(ws, county, "1", "年度考评加分")
        assert missing.value.code == "server_key_missing" and "copy" in str(missing.value)
        paths.keys_dir().mkdir(parents=True)
        for key in first_keys.glob("*.pem"):
            (paths.keys_dir() / key.name).write_bytes(key.read_bytes())
        decisions.adjust(ws, county, "1", "年度考评加分")


def test_a_nul_is_refused_by_the_admission_check_on_both_backends(pg_url: str, tmp_path: Path) -> None:
    """SQLite keeps a NUL inside a text; PostgreSQL refuses it. A comment holding one, forged
    by an insider, is refused by the admission check alike on a server and on a SQLite master
    (before the server could fail on it), and the batch's other files go in."""
    from forge import forge

    from desktop import paths
    from desktop.services import records, sync

    odd = create(tmp_path / "odd.db", role="field", inspector="张三")
    fine = create(tmp_path / "fine.db", role="field", inspector="李四")
    county = odd.campaign.counties[0].code
    forge(odd, entity="score", record_id=records.score_id(odd, county, "1.1.1", "张三"),
          payload={"county": county, "item": "1.1.1", "inspector": "张三", "score": "2", "comment": "看到\x00了"})
    with fine.write() as conn:
        signer = fine.database.signer(paths.keys_dir(), conn)
        assert records.set_score(conn, signer, fine, county=county, item="1.1.1", inspector="李四", score=Decimal("2"), comment="看到了")
    files = []
    for ws in (odd, fine):
        files.append(tmp_path / f"{ws.path.stem}-export.db")
        sync.export(ws, files[-1])
        ws.close()
    with create(pg_url, role="master") as master, create(tmp_path / "master.db", role="master") as sqlite_master:
        for target in (master, sqlite_master):
            reports = sync.merge(target, files, enroll=True)
            assert [r.status for r in reports] == ["refused", "merged"]
            assert reports[0].code == "text" and "U+0000" in reports[0].reason
            with target.read() as conn:
                assert conn.execute(text("SELECT inspector FROM current_score")).scalars().all() == ["李四"]


def test_an_edit_waits_for_another_leads_write_then_says_busy(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """One writer at a time: an edit waits for the writer lock a while (here 1 s), then says
    the database is busy, writing nothing; once the other write commits, it goes through."""
    from db import engine as engines
    from desktop.services import decisions

    monkeypatch.setattr(postgres, "WRITER_WAIT_S", 1)
    with create(pg_url, role="master") as ws:
        county = ws.campaign.counties[0].code
        other = postgres.engine(pg_url)  # another lead's desk, in the middle of a write
        try:
            with engines.write(other, "other desk"), pytest.raises(DatabaseBusy):
                decisions.adjust(ws, county, "1", "年度考评加分")
            assert decisions.adjust(ws, county, "1", "年度考评加分")
        finally:
            other.dispose()


def test_a_write_sees_what_the_write_before_it_committed_whatever_the_servers_default(pg_url: str) -> None:
    """Writers queue on the lock; the one that waited must see the rows the one before it
    committed, even on a server whose default isolation is REPEATABLE READ (whose snapshot
    would be taken before the wait)."""
    import threading
    import time

    from db import engine as engines
    from db import local

    create(pg_url, role="master").close()
    admin = postgres.engine(pg_url)
    try:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'ALTER DATABASE "{pg_url.rsplit("/", 1)[1]}" SET default_transaction_isolation = \'repeatable read\'')
    finally:
        admin.dispose()
    first, second = postgres.engine(pg_url), postgres.engine(pg_url)
    inside = threading.Event()

    def write_first() -> None:
        with engines.write(first, "first desk") as conn:
            inside.set()
            time.sleep(1)
            local.put(conn, "probe", "written by the first desk")

    thread = threading.Thread(target=write_first)
    try:
        thread.start()
        assert inside.wait(10)
        with engines.write(second, "second desk") as conn:
            assert conn.exec_driver_sql("SHOW transaction_isolation").scalar() == "read committed"
            assert local.get(conn, "probe") == "written by the first desk"
    finally:
        thread.join(10)
        first.dispose()
        second.dispose()


@pytest.mark.parametrize("where", ["sqlite", "postgresql"])
def test_the_projection_check_finds_a_hand_edited_row(where: str, pg_url: str, tmp_path: Path) -> None:
    from db import integrity
    from desktop.services import decisions

    with create(pg_url if where == "postgresql" else tmp_path / "m.db", role="master") as master:
        county = master.campaign.counties[0].code
        assert decisions.adjust(master, county, "1.5", "年度考核")
        assert integrity.check_projection(master.database).equal
        with master.write() as conn:
            conn.execute(text("UPDATE current_adjustment SET delta = '50'"))
        report = integrity.check_projection(master.database)
        assert [(t, side) for t, side, _ in report.differences] == [("current_adjustment", "stored"), ("current_adjustment", "rebuilt")]
        assert "50" in report.differences[0][2] and "1.5" in report.differences[1][2]
        assert not integrity.check_projection(master.database).equal  # the check itself changed nothing


def test_verify_finds_a_trigger_rule_view_or_policy_planted_on_the_server(pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Whoever holds the server's credentials can plant what rewrites the next write (a
    trigger, a rule: the program signs before the server rewrites) or hides rows from the desk
    and verify alike (a row-security policy: both would agree on a smaller state)."""
    from commands import run

    create(pg_url, role="master").close()
    code, out, err = run(capsys, "verify", pg_url)
    assert code == 0, out + err
    plants = {
        "trigger quiet on current_score": (
            "CREATE FUNCTION quiet() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.score := '3'; RETURN NEW; END $$; "
            "CREATE TRIGGER quiet BEFORE INSERT ON current_score FOR EACH ROW EXECUTE FUNCTION quiet()",
            "DROP TRIGGER quiet ON current_score; DROP FUNCTION quiet()",
        ),
        "rule keep on version": ("CREATE RULE keep AS ON DELETE TO version DO INSTEAD NOTHING", "DROP RULE keep ON version"),
        "view v": ("CREATE VIEW v AS SELECT 1 AS one", "DROP VIEW v"),
        "policy hide on current_score": (
            "ALTER TABLE current_score ENABLE ROW LEVEL SECURITY; CREATE POLICY hide ON current_score USING (county <> '341502')",
            "DROP POLICY hide ON current_score; ALTER TABLE current_score DISABLE ROW LEVEL SECURITY",
        ),
        "table spare": ("CREATE TABLE spare (x int)", "DROP TABLE spare"),
    }
    engine = postgres.engine(pg_url)
    try:
        for said, (plant, remove) in plants.items():
            with engine.begin() as conn:
                conn.exec_driver_sql(plant)
            code, out, _ = run(capsys, "verify", pg_url)
            assert code == 1 and "SCHEMA ALTERED" in out and said in out, (said, out)
            with engine.begin() as conn:
                conn.exec_driver_sql(remove)
        assert run(capsys, "verify", pg_url)[0] == 0
    finally:
        engine.dispose()
