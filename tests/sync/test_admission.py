"""The admission check against an insider: the owner of an enrolled laptop, holding its key
and using the project's own signing code (tests/forge.py), forges versions of every class
SPEC §4 names. Each refuses its file, naming the rule; the master's content is unchanged, it
stays writable, and its projection still equals a rebuild from the versions alone."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import rawdb
from forge import forge
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from syncutil import Team, county, evidence, merge, raw, rebuilt, score, state

from db import admission, canonical, local, versions
from db.merge import Enrolment
from desktop.services import decisions, records, sync
from desktop.services.workspace import Workspace

YEAR_MS = 365 * 24 * 3600 * 1000


def refused_with(master: Workspace, path: Path, rule: str, **kw: object) -> sync.FileReport:
    before = state(master)
    [report] = merge(master, [path], **kw)
    assert (report.status, report.code) == ("refused", rule), (report.code, report.reason)
    assert report.refused_version and report.refused_author, report
    assert state(master) == before
    assert rebuilt(master) == {k: v for k, v in state(master).items() if k != "blob"}
    assert decisions.adjust(master, county(master), "0.5", "复核后加分")  # the master can still be written
    return report



def two_inspectors(team: Team) -> tuple[Workspace, Workspace, Workspace]:
    """A master that has merged 李四's score, and 张三's laptop that has taken the master's export."""
    master = team.master()
    zhang, li = team.laptop("张三"), team.laptop("李四")
    assert score(li, "1.1.1", "2")
    assert score(zhang, "1.1.2", "1")
    assert [r.status for r in merge(master, [team.export(li), team.export(zhang)])] == ["merged", "merged"]
    assert [r.status for r in merge(zhang, [team.export(master, "master.db")])] == ["merged"]
    return master, zhang, li


def li_score(ws: Workspace) -> str:
    return records.score_id(ws, county(ws), "1.1.1", "李四")


def test_a_tombstone_of_another_inspectors_score_is_refused(team: Team) -> None:
    master, zhang, _ = two_inspectors(team)
    payload = {"county": county(zhang), "item": "1.1.1", "inspector": "李四", "score": "2", "comment": ""}
    forge(zhang, entity="score", record_id=li_score(zhang), payload=payload, deleted=True)
    report = refused_with(master, team.export(zhang, "zhang-2.db"), "owner")
    assert "李四" in report.reason and report.refused_author == "张三"


def test_an_overwrite_of_another_inspectors_score_is_refused(team: Team) -> None:
    master, zhang, _ = two_inspectors(team)
    # as 李四's (the owner rule) and as 张三's in 李四's record (the id fixes the owner)
    forge(zhang, entity="score", record_id=li_score(zhang),
          payload={"county": county(zhang), "item": "1.1.1", "inspector": "李四", "score": "0", "comment": ""})
    refused_with(master, team.export(zhang, "zhang-2.db"), "owner")


def test_a_record_id_that_is_not_its_keys_is_refused(team: Team) -> None:
    master, zhang, _ = two_inspectors(team)
    forge(zhang, entity="score", record_id=li_score(zhang),
          payload={"county": county(zhang), "item": "1.1.1", "inspector": "张三", "score": "0", "comment": ""})
    refused_with(master, team.export(zhang, "zhang-2.db"), "record")


@pytest.mark.parametrize("entity", ["method_score", "adjustment"])
def test_the_leads_records_from_a_laptop_are_refused(team: Team, entity: str) -> None:
    master, zhang, _ = two_inspectors(team)
    code = county(zhang)
    payload = ({"county": code, "method": "self-check", "total": "100", "items": None} if entity == "method_score"
               else {"county": code, "delta": "5", "reason": "自己加分"})
    record = versions.natural_id(zhang.campaign.id, entity, code, *(["self-check"] if entity == "method_score" else []))
    forge(zhang, entity=entity, record_id=record, payload=payload)
    refused_with(master, team.export(zhang, "zhang-2.db"), "lead_only")


def test_parents_of_another_record_are_refused(team: Team) -> None:
    """An ordinary edit of the laptop's own score naming another record's head as a parent."""
    master, zhang, _ = two_inspectors(team)
    own = records.score_id(zhang, county(zhang), "1.1.2", "张三")
    with zhang.read() as conn:
        others = [r[0] for r in conn.exec_driver_sql("SELECT version_id FROM head WHERE record_id = ?", (li_score(zhang),))]
        mine = [r[0] for r in conn.exec_driver_sql("SELECT version_id FROM head WHERE record_id = ?", (own,))]
    forge(zhang, entity="score", record_id=own, parents=mine + others,
          payload={"county": county(zhang), "item": "1.1.2", "inspector": "张三", "score": "0.5", "comment": ""})
    refused_with(master, team.export(zhang, "zhang-2.db"), "lead_only")  # two parents: a settlement, the lead's
    # and with one parent only, of the other record
    master2, zhang2, _ = two_inspectors(Team(team.root / "again"))
    own2 = records.score_id(zhang2, county(zhang2), "1.1.2", "张三")
    with zhang2.read() as conn:
        other = conn.exec_driver_sql("SELECT version_id FROM head WHERE record_id = ?", (li_score(zhang2),)).scalar()
    forge(zhang2, entity="score", record_id=own2, parents=[other],
          payload={"county": county(zhang2), "item": "1.1.2", "inspector": "张三", "score": "0.5", "comment": ""})
    refused_with(master2, Team(team.root / "again").export(zhang2, "zhang2-2.db"), "parents")


def _raw_version(ws: Workspace, record_id: str, entity: str, payload_text: str, *, hlc: int | None = None) -> None:
    """A version whose payload is spelled as given (a duplicate key), signed over those bytes."""
    from desktop import paths

    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        seq = local.next_seq(conn)
        stamp = local.tick(conn) if hlc is None else hlc
        data = canonical.stored_envelope(
            record_id=record_id, entity=entity, parents=[], device_id=signer.device_id, seq=seq, hlc=stamp, deleted=0,
            payload_text=payload_text, blobs_text="[]",
        )
        conn.exec_driver_sql(
            "INSERT INTO version(version_id, record_id, entity, device_id, seq, hlc, deleted, payload, blob_hashes, signature) "
            "VALUES (?, ?, ?, ?, ?, ?, 0, ?, '[]', ?)",
            (canonical.digest(data), record_id, entity, signer.device_id, seq, stamp, payload_text, signer.sign(data)),
        )


def test_a_payload_with_a_duplicate_key_is_refused(team: Team) -> None:
    master, zhang, _ = two_inspectors(team)
    code = county(zhang)
    record = records.score_id(zhang, code, "1.2.1", "张三")
    text = f'{{"comment":"","county":"{code}","inspector":"张三","item":"1.2.1","score":"3","score":"0"}}'
    _raw_version(zhang, record, "score", text)
    report = refused_with(master, team.export(zhang, "zhang-2.db"), "canonical")
    assert "twice" in report.reason


@pytest.mark.parametrize("stamp", ["a year ahead", "the largest clock"])
def test_a_far_future_clock_is_refused_and_never_adopted(team: Team, stamp: str) -> None:
    master, zhang, _ = two_inspectors(team)
    now = admission.now_ms()
    hlc = ((now + YEAR_MS) << 16) if stamp == "a year ahead" else 2**63 - 1
    forge(zhang, entity="score", record_id=records.score_id(zhang, county(zhang), "1.2.1", "张三"), now_ms=hlc >> 16,
          payload={"county": county(zhang), "item": "1.2.1", "inspector": "张三", "score": "1", "comment": ""})
    report = refused_with(master, team.export(zhang, "zhang-2.db"), "clock")
    assert "张三" in report.reason
    with master.read() as conn:
        assert int(local.get(conn, local.HLC) or 0) >> 16 < now + admission.CLOCK_BOUND_MS


# (U+202E, a right-to-left override: "得分\u202e01" shows as 得分10 in the desk and the PDFs)
@pytest.mark.parametrize("text", ["a\x00b", "x" * (admission.MAX_TEXT + 1), "bell\x07", "得分\u202e01", "a\u2066b"])
def test_text_with_nul_control_characters_or_past_the_bound_is_refused(team: Team, text: str) -> None:
    master, zhang, _ = two_inspectors(team)
    forge(zhang, entity="score", record_id=records.score_id(zhang, county(zhang), "1.2.1", "张三"),
          payload={"county": county(zhang), "item": "1.2.1", "inspector": "张三", "score": "1", "comment": text})
    refused_with(master, team.export(zhang, "zhang-2.db"), "text")


def test_a_score_off_the_grid_is_refused_here_and_there(team: Team) -> None:
    from db.errors import NotAdmitted

    master, zhang, _ = two_inspectors(team)
    with pytest.raises(NotAdmitted, match=r"multiple of 0\.5"):
        score(zhang, "1.2.1", "1.3")
    forge(zhang, entity="score", record_id=records.score_id(zhang, county(zhang), "1.2.1", "张三"),
          payload={"county": county(zhang), "item": "1.2.1", "inspector": "张三", "score": "1.3", "comment": ""})
    refused_with(master, team.export(zhang, "zhang-2.db"), "value")


@pytest.mark.parametrize("written", ["-0", "01", "2.50", "+1", "１.５", "١"])
def test_a_score_spelled_as_the_program_never_writes_it_is_refused(team: Team, written: str) -> None:
    """One spelling per number: a forged "-0" showed as -0.00 and "１.５" passed as 1.5."""
    master, zhang, _ = two_inspectors(team)
    forge(zhang, entity="score", record_id=records.score_id(zhang, county(zhang), "1.2.1", "张三"),
          payload={"county": county(zhang), "item": "1.2.1", "inspector": "张三", "score": written, "comment": ""})
    refused_with(master, team.export(zhang, "zhang-2.db"), "value")


def test_an_altered_copy_of_a_merged_file_is_refused_as_altered(team: Team) -> None:
    master = team.master()
    laptop = team.laptop("张三")
    assert score(laptop, "1.1.1", "2")
    path = team.export(laptop)
    assert [r.status for r in merge(master, [path])] == ["merged"]
    copy = path.with_name("edited.db")
    copy.write_bytes(path.read_bytes())
    conn = raw(copy)
    try:
        conn.execute("UPDATE version SET payload = replace(payload, '\"score\":\"2\"', '\"score\":\"3\"')")
    finally:
        conn.close()
    before = state(master)
    [report] = merge(master, [copy])
    assert (report.status, report.code) == ("refused", "altered"), report
    assert state(master) == before


def test_a_new_device_calling_itself_a_master_needs_the_explicit_choice(team: Team) -> None:
    master = team.master()
    other = team.master("other.db")
    assert decisions.adjust(other, county(other), "1", "另一位组长")
    path = team.export(other)
    before = state(master)
    [report] = sync.merge(master, [path], enroll=True)
    assert (report.status, report.code) == ("refused", "not_enrolled") and "--enroll-lead" in report.reason
    assert state(master) == before
    [report] = sync.merge(master, [path], enroll=Enrolment(lead=True))
    assert report.status == "merged" and [d.role for d in report.enrolled] == ["master"]


def test_enroll_names_one_device_not_all(team: Team) -> None:
    master = team.master()
    a, b = team.laptop("张三"), team.laptop("李四")
    paths = [team.export(a), team.export(b)]
    reports = sync.merge(master, paths, enroll=frozenset({a.identity.device_id[:8]}))
    assert [r.status for r in reports] == ["merged", "refused"]


def test_a_laptop_a_year_ahead_is_named_and_not_stranded(team: Team) -> None:
    master = team.master()
    laptop = team.laptop("张三")
    laptop.database.policy.clock = lambda: admission.now_ms() + YEAR_MS  # its clock is a year ahead
    assert score(laptop, "1.1.1", "2")  # it works locally
    [report] = merge(master, [team.export(laptop)])
    assert (report.status, report.code) == ("refused", "clock") and "张三" in report.reason
    laptop.database.policy.clock = admission.now_ms  # the inspector corrects the clock
    assert score(laptop, "1.1.2", "1")  # its stamps start from the wall clock again
    with laptop.read() as conn:
        assert int(local.get(conn, local.HLC) or 0) >> 16 <= admission.now_ms() + 1000


def test_a_laptop_a_year_behind_merges_and_takes_the_masters_export(team: Team) -> None:
    master = team.master()
    laptop = team.laptop("张三")
    laptop.database.policy.clock = lambda: admission.now_ms() - YEAR_MS
    assert score(laptop, "1.1.1", "2")
    assert [r.status for r in merge(master, [team.export(laptop)])] == ["merged"]
    other = team.laptop("李四")
    assert score(other, "1.1.1", "1")
    assert [r.status for r in merge(master, [team.export(other)])] == ["merged"]
    [back] = merge(laptop, [team.export(master, "master.db")])
    assert back.status == "merged"


def test_a_field_export_cannot_be_merged_into_another_laptop(team: Team) -> None:
    a, b = team.laptop("张三"), team.laptop("李四")
    assert score(b, "1.1.1", "1")
    [report] = sync.merge(a, [team.export(b)], enroll=True)
    assert (report.status, report.code) == ("refused", "not_enrolled")


def test_sqlite_and_python_read_the_same_payload() -> None:
    with pytest.raises(ValueError, match="twice"):
        canonical.loads('{"a":1,"a":2}')
    deep = "[" * 50_000 + "]" * 50_000
    with pytest.raises(ValueError, match="deep"):
        canonical.loads(deep)
    assert sqlite3.sqlite_version  # the strict reader is what both sides use before SQLite sees the text


def test_a_device_invented_by_a_laptop_is_not_enrolled_on_its_word(team: Team) -> None:
    """张三's owner makes a second device calling itself 李四 (a key of his own), signs 李四's
    score with it and slips device and version into his own file: no master vouches for that
    device, so a plain --enroll does not accept it."""
    master = team.master()
    zhang = team.laptop("张三")
    assert score(zhang, "1.1.1", "2")
    assert [r.status for r in merge(master, [team.export(zhang)])] == ["merged"]
    invented = team.laptop("李四", "invented.db")
    assert score(invented, "1.1.1", "0")
    conn = raw(zhang.path)
    try:
        rawdb.attach(conn, invented.path, "other")
        conn.execute("INSERT INTO device SELECT * FROM other.device WHERE id = ?", (invented.identity.device_id,))
        conn.execute("INSERT INTO version SELECT * FROM other.version")
        conn.execute("INSERT INTO version_parent SELECT * FROM other.version_parent")
        conn.execute("DETACH DATABASE other")
    finally:
        conn.close()
    before = state(master)
    [report] = sync.merge(master, [team.export(zhang, "zhang-2.db")], enroll=True)
    assert (report.status, report.code) == ("refused", "not_enrolled") and "vouches" in report.reason
    assert state(master) == before


def test_a_masters_registry_forged_under_a_key_of_the_laptops_own_vouches_for_nothing(team: Team) -> None:
    """张三's owner gives the master's id, in his own file's device table, a key of his own,
    signs a registry with it in the master's name listing a new "master" device, and has that
    device rewrite 李四's score and add an adjustment; he signs his file's manifest again. The
    master checks a registry with the key it enrolled, so nothing is vouched for: refused even
    with --enroll, and the master is as it was."""
    import time

    from cryptography.hazmat.primitives.asymmetric import ec
    from forge import resign_export, signed_manifest, signed_row

    from db import keys

    master, zhang, _ = two_inspectors(team)
    out = team.export(zhang, "zhang-2.db", sealed=False)
    mid = master.identity.device_id
    fake, invented = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    fake_der, invented_der = keys.public_der(fake.public_key()), keys.public_der(invented.public_key())
    xid = "0badc0de-0000-4000-8000-000000000001"
    db = raw(out)
    try:
        db.execute("BEGIN")
        db.execute("UPDATE device SET public_key = ?, fingerprint = ? WHERE id = ?", (fake_der, keys.fingerprint(fake_der), mid))
        db.execute("INSERT INTO device(id, role, inspector, public_key, fingerprint, enrolled_at) VALUES (?, 'master', NULL, ?, ?, ?)",
                   (xid, invented_der, keys.fingerprint(invented_der), "2026-01-01T00:00:00+00:00"))
        db.execute("DELETE FROM manifest WHERE device_id = ?", (mid,))
        registry = [list(r) for r in db.execute("SELECT id, fingerprint, role, inspector FROM device ORDER BY id")]
        body = {"format": 1, "device": mid, "role": "master", "inspector": None, "number": 1, "previous": None,
                "created": "2026-01-01T00:00:00+00:00", "schema_version": db.execute("PRAGMA user_version").fetchone()[0],
                "registry": registry}
        digest, data, signature = signed_manifest(fake, body)
        db.execute("INSERT INTO manifest(hash, device_id, number, body, signature) VALUES (?, ?, 1, ?, ?)",
                   (digest, mid, data.decode(), signature))
        head, payload = db.execute("SELECT version_id, payload FROM version WHERE record_id = ?", (li_score(zhang),)).fetchone()
        hlc = int(time.time() * 1000) << 16
        rows = [
            signed_row(invented, xid, entity="score", record_id=li_score(zhang), payload={**json.loads(payload), "score": "0"},
                       parents=[head], seq=1, hlc=hlc + 1),
            signed_row(invented, xid, entity="adjustment", record_id=versions.natural_id(master.campaign.id, "adjustment", county(master)),
                       payload={"county": county(master), "delta": "-50", "reason": "x"}, seq=2, hlc=hlc + 2),
        ]
        for row, parents in rows:
            db.execute("INSERT INTO version(version_id, record_id, entity, device_id, seq, hlc, deleted, payload, blob_hashes, signature) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
            db.executemany("INSERT INTO version_parent(version_id, parent_id) VALUES (?, ?)", [(row[0], p) for p in parents])
        db.execute("COMMIT")
    finally:
        db.close()
    resign_export(out, zhang)
    before = state(master)
    for enroll in (False, True):
        [report] = sync.merge(master, [out], enroll=enroll)
        assert (report.status, report.code) == ("refused", "not_enrolled") and "vouches" in report.reason, report
    assert state(master) == before
    with master.read() as conn:
        assert xid not in set(conn.execute(text("SELECT id FROM device")).scalars())


def test_a_laptop_takes_a_second_master_only_by_the_explicit_choice(team: Team) -> None:
    """张三 makes a master of his own from the campaign, feeds it the lead's export, has it
    rewrite 李四's score, and gives its export to 李四, who merges it as he merges the lead's
    (--enroll): a laptop with the lead's master enrolled takes another only by --enroll-lead."""
    master, _zhang, li = two_inspectors(team)
    merged_first = merge(li, [team.export(master, "master-1.db")], enroll=True)
    assert [r.status for r in merged_first] == ["merged"]
    own = team.master("own.db")
    lead_export = team.export(master, "master-2.db", sealed=False)
    assert [r.status for r in merge(own, [lead_export], enroll=Enrolment(field=True, lead=True))] == ["merged"]
    forge(own, entity="score", record_id=li_score(own),  # a master of his own signs what it likes
          payload={"county": county(own), "item": "1.1.1", "inspector": "李四", "score": "0", "comment": ""})
    before = state(li)
    [report] = sync.merge(li, [team.export(own, "own-1.db", sealed=False)], enroll=True)
    assert (report.status, report.code) == ("refused", "not_enrolled") and "--enroll-lead" in report.reason, report
    assert state(li) == before


def test_a_laptop_takes_no_other_laptops_export(team: Team) -> None:
    """Only the master checks a laptop's work (its clock, its steps) before laptops take it:
    李四's laptop, which knows 张三's device from the lead's export, merged 张三's file directly,
    and a score stamped 60 days ahead in it then had 李四's next export refused at the master."""
    master, zhang, li = two_inspectors(team)
    assert [r.status for r in merge(li, [team.export(master, "master-1.db")], enroll=True)] == ["merged"]
    assert score(zhang, "1.2.1", "1")
    before = state(li)
    for enroll in (False, True):
        [report] = sync.merge(li, [team.export(zhang, "zhang-2.db", sealed=False)], enroll=enroll)
        assert (report.status, report.code) == ("refused", "not_enrolled") and "only the master's exports" in report.reason, report
    assert state(li) == before


# --- random forgeries in random merge orders ------------------------------------------------------

_SCORE_VALUES = ("1", "1.3", "7", "-1", "2")
_FORGED_ENTITIES = ("score", "finding", "problem", "method_score", "adjustment", "adjudication", "campaign_settings", "note")


@st.composite
def forgeries(draw: st.DrawFn) -> dict[str, object]:
    return {
        "entity": draw(st.sampled_from(_FORGED_ENTITIES)),
        "inspector": draw(st.sampled_from(("张三", "李四", "张\x00三", "张三\u200b"))),
        "record": draw(st.sampled_from(("natural", "random", "李四's"))),
        "parents": draw(st.sampled_from(("heads", "none", "other record", "two"))),
        "score": draw(st.sampled_from(_SCORE_VALUES)),
        "deleted": draw(st.booleans()),
        "ahead_days": draw(st.sampled_from((0, 0, 3, 30, 400))),
        "text": draw(st.sampled_from(("", "看到了", "x" * (admission.MAX_TEXT + 1), "a\x07b"))),
        "order": draw(st.permutations((0, 1, 2))),
        "batches": draw(st.booleans()),
    }


def _payload(ws: Workspace, f: dict[str, object]) -> tuple[str, dict[str, object]]:
    code, who, entity = county(ws), str(f["inspector"]), str(f["entity"])
    payload: dict[str, object] = {
        "score": {"county": code, "item": "1.2.1", "inspector": who, "score": f["score"], "comment": f["text"]},
        "finding": {"county": code, "item": "1.2.1", "inspector": who, "mode": "report", "text": f["text"] or "见", "status": "met",
                    "area": ""},
        "problem": {"county": code, "item": "1.2.1", "inspector": who, "description": f["text"] or "问题", "severity": "minor",
                    "deadline": None, "created_at": "2018-09-12T00:00:00+00:00", "status": "verified"},
        "method_score": {"county": code, "method": "self-check", "total": "100", "items": None},
        "adjustment": {"county": code, "delta": "5", "reason": "自己加分"},
        "adjudication": {"county": code, "item": "1.2.1", "score": "3", "reason": "自定"},
        "campaign_settings": {"weights": {"self-check": "0", "third-party": "0", "inspection": "1"}},
        "note": {"text": "?"},
    }[entity]
    keys = {"score": ("county", "item", "inspector"), "finding": ("county", "item", "inspector", "mode"),
            "method_score": ("county", "method"), "adjustment": ("county",), "adjudication": ("county", "item")}
    if f["record"] == "random" or entity in {"problem", "note"}:
        record = versions.new_id()
    elif f["record"] == "李四's":
        record = records.score_id(ws, code, "1.1.1", "李四")
    elif entity == "campaign_settings":
        record = versions.natural_id(ws.campaign.id, entity)
    else:
        record = versions.natural_id(ws.campaign.id, entity, *(str(payload[k]) for k in keys[entity]))
    return record, payload


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(f=forgeries())
def test_random_forgeries_never_admit_what_the_rules_refuse(team: Team, f: dict[str, object]) -> None:
    """Whatever an enrolled laptop's owner forges, in whatever order and batches it is merged
    among honest files: the honest files merge; what the master holds obeys every rule (no
    field device's version of the lead's kinds, none of another inspector's records, none
    stamped beyond the bound); its projection equals a rebuild; the forged file is refused
    unless the version it carries happens to be one the rules admit."""
    run = next(_RUNS)
    sub = Team(team.root / f"run-{run}", team.place)
    try:
        master = sub.master(f"master-{run}.db")
        zhang, li = sub.laptop("张三", f"zhang-{run}.db"), sub.laptop("李四", f"li-{run}.db")
        assert score(li, "1.1.1", "2")
        assert score(zhang, "1.1.2", "1")
        honest = [sub.export(li), sub.export(zhang, f"zhang-{run}-1.db")]
        assert [r.status for r in merge(master, honest)] == ["merged", "merged"]
        assert [r.status for r in merge(zhang, [sub.export(master, f"master-{run}.db")])] == ["merged"]
        assert score(li, "1.2.2", "1")
        honest_again = sub.export(li, f"li-{run}-2.db")
        record, payload = _payload(zhang, f)
        with zhang.read() as conn:
            heads = [r[0] for r in conn.exec_driver_sql("SELECT version_id FROM head WHERE record_id = ?", (record,))]
            other = [r[0] for r in conn.exec_driver_sql("SELECT version_id FROM head WHERE record_id <> ? LIMIT 1", (record,))]
        parents = {"heads": heads, "none": [], "other record": other, "two": heads + other}[str(f["parents"])]
        forge(zhang, entity=str(f["entity"]), record_id=record, payload=payload, deleted=bool(f["deleted"]) and bool(heads),
              parents=parents, now_ms=admission.now_ms() + int(f["ahead_days"]) * 24 * 3600 * 1000)  # type: ignore[call-overload]
        forged = sub.export(zhang, f"zhang-{run}-2.db")
        files = [[honest_again, forged, honest[0]][i] for i in f["order"]]  # type: ignore[union-attr]
        batches = [files[:1], files[1:]] if f["batches"] else [files]
        reports = [r for batch in batches for r in merge(master, batch)]
        by_file = {r.file: r for r in reports}
        assert by_file[honest_again].status == "merged", by_file[honest_again].reason
        assert by_file[honest[0]].status == "nothing-new"
        _obeys_the_rules(master)
        assert rebuilt(master) == {k: v for k, v in state(master).items() if k != "blob"}
    finally:
        sub.close()


_RUNS = iter(range(10**6))


def _obeys_the_rules(master: Workspace) -> None:
    with master.read() as conn:
        devices = {r[0]: (r[1], r[2]) for r in conn.exec_driver_sql("SELECT id, role, inspector FROM device")}
        rows = conn.exec_driver_sql("SELECT version_id, record_id, entity, device_id, hlc, payload FROM version").all()
        parents = conn.exec_driver_sql("SELECT version_id, parent_id FROM version_parent").all()
    record_of = {r[0]: r[1] for r in rows}
    owners: dict[str, set[str]] = {}
    for vid, record, entity, device, hlc, payload_text in rows:
        role, inspector = devices[device]
        body = json.loads(payload_text)
        assert entity in admission.ENTITIES, entity
        assert admission.hlc_ms(int(hlc)) <= admission.now_ms() + admission.CLOCK_BOUND_MS
        if role == "field":
            assert entity not in admission.LEAD_ENTITIES, (vid, entity)
            assert body.get("inspector") == inspector, (vid, body)
            assert not (entity == "problem" and body.get("status") == "verified")
        if entity in admission.INSPECTOR_ENTITIES:
            owners.setdefault(record, set()).add(body["inspector"])
        for key, value in body.items():
            assert not (isinstance(value, str) and admission.check_text(key, value)), (vid, key)
    assert all(len(who) == 1 for who in owners.values()), owners
    for vid, parent in parents:
        assert record_of.get(parent, record_of[vid]) == record_of[vid]
    # every problem's version is a step its state machine allows (or none), from its parents
    from desktop.core import problems

    bodies = {r[0]: json.loads(r[5]) for r in rows}
    for vid, _record, entity, device, _hlc, _payload in rows:
        if entity == "problem":
            before = tuple(bodies[p] for v, p in parents if v == vid)
            assert problems.check_version(bodies[vid], before, role=devices[device][0]) is None, (vid, bodies[vid], before)


def test_a_laptop_cannot_delete_a_problem_the_lead_verified(team: Team) -> None:
    """A tombstone carries the record's last payload: of a verified problem, it is the lead's."""
    from desktop.services import inspection

    master, zhang, _ = two_inspectors(team)
    inspection.save_problem(zhang, county(zhang), "1.1.2", description="公开栏未更新", severity="minor", deadline=None)
    assert [r.status for r in merge(master, [team.export(zhang, "zhang-2.db")])] == ["merged"]
    with master.read() as conn:
        record, payload = conn.exec_driver_sql("SELECT record_id, description FROM current_problem").one()
    from desktop.services import rectification

    # the lead verifies it, as the rectification board does: rectified first (on an account), then verified
    rectification.set_status(master, record, "rectified", account="已更新公开栏")
    rectification.set_status(master, record, "verified")
    assert [r.status for r in merge(zhang, [team.export(master, "master-2.db")])] == ["merged"]
    with zhang.read() as conn:
        current = versions.current_payload(conn, record)
    assert current is not None and current[0]["status"] == "verified" and payload
    forge(zhang, entity="problem", record_id=record, payload=current[0], deleted=True)
    refused_with(master, team.export(zhang, "zhang-3.db"), "lead_only")


def test_a_clock_a_few_days_ahead_is_admitted_and_pointed_out(team: Team, capsys: pytest.CaptureFixture[str]) -> None:
    from desktop.cli import main

    master = team.master()
    laptop = team.laptop("张三")
    laptop.database.policy.clock = lambda: admission.now_ms() + 2 * 24 * 3600 * 1000
    assert score(laptop, "1.1.1", "2")
    path = team.export(laptop)
    if master.database.on_server:
        [report] = merge(master, [path])
    else:
        master.close()
        assert main(["merge", str(master.path), str(path), "--enroll"]) == 0
        assert "hours ahead of this computer's" in capsys.readouterr().out
        from desktop.services.workspace import open_workspace

        with open_workspace(master.path) as again:  # the kept report says it too
            [report] = sync.merge_reports(again)[0].files
    assert report.status == "merged" and report.clock_ahead_ms > 47 * 3600 * 1000


def test_a_laptop_whose_clock_was_a_year_ahead_is_renewed_and_its_work_merges(team: Team) -> None:
    """Its versions stamped a year ahead stay refused (every export carries them); once its
    clock is right, `renew` writes its inspector's current work anew from a new device, and
    that reaches the master: the inspector is not stranded."""
    from desktop.services.sync import renew

    master = team.master()
    laptop = team.laptop("张三")
    laptop.database.policy.clock = lambda: admission.now_ms() + YEAR_MS
    assert score(laptop, "1.1.1", "2")
    assert score(laptop, "1.1.2", "1.5", comment="材料齐全")
    sha = evidence(laptop, b"\xff\xd8 a photo of the notice board " * 40)
    [report] = merge(master, [team.export(laptop)])
    assert (report.status, report.code) == ("refused", "clock")
    laptop.database.policy.clock = admission.now_ms  # corrected
    with renew(laptop, team.root / "张三-renewed.db") as renewed:
        [report] = merge(master, [team.export(renewed)])
        assert report.status == "merged", report.reason
    with master.read() as conn:
        scores = dict(conn.exec_driver_sql("SELECT item, score FROM current_score WHERE inspector = '张三'").all())
        photos = conn.execute(text("SELECT count(*) FROM blob WHERE sha256 = :h"), {"h": sha}).scalar()
    assert scores == {"1.1.1": "2", "1.1.2": "1.5"} and photos == 1


def test_a_visit_written_for_another_inspector_or_with_bad_dates_is_refused(team: Team) -> None:
    """检查地点 and 检查日期 are the inspector's own record, and their values are checked on merge
    as on the form (desktop.core.visits)."""
    from desktop.services import visits

    master, zhang, _ = two_inspectors(team)
    code = county(zhang)
    theirs = {"county": code, "inspector": "李四", "place": "别处", "first_day": "2026-09-12", "last_day": "2026-09-12"}
    forge(zhang, entity="visit", record_id=visits.visit_id(zhang, code, "李四"), payload=theirs)
    refused_with(master, team.export(zhang, "zhang-2.db"), "owner")


def test_a_visit_with_its_days_reversed_is_refused_on_merge(team: Team) -> None:
    from desktop.services import visits

    master, zhang, _ = two_inspectors(team)
    code = county(zhang)
    bad = {"county": code, "inspector": "张三", "place": "金安区", "first_day": "2026-09-13", "last_day": "2026-09-12"}
    forge(zhang, entity="visit", record_id=visits.visit_id(zhang, code, "张三"), payload=bad)
    report = refused_with(master, team.export(zhang, "zhang-2.db"), "value")
    assert "before" in report.reason
