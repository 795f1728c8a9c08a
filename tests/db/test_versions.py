"""Versions: ids, signatures, seq/hlc, no-op writes, parents, deletes, tampering, projection."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from dbutil import CAMPAIGN_FILE, copy_device, create_db, load_campaign, public_key, put_score, score_id, table_rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from db import canonical, local, projection, versions
from db.database import Database
from db.errors import NotAdmitted

COUNTY, ITEM = "341502", "1.1.1"


def _device(db: Database) -> str:
    with db.read() as conn:
        return db.identity(conn).device_id


def test_put_version_id_signature_seq_hlc(field_db: Database, campaign, tmp_path: Path) -> None:
    keys_dir = tmp_path / "keys"
    written = [put_score(field_db, keys_dir, campaign, COUNTY, ITEM, s) for s in ("1", "2", "3")]
    assert all(v is not None for v in written)
    pub = public_key(field_db, _device(field_db))
    for v in written:
        assert v.version_id == canonical.digest(v.encoded())
        assert v.version_id == canonical.digest(
            canonical.envelope(
                record_id=v.record_id,
                entity=v.entity,
                parents=list(v.parents),
                device_id=v.device_id,
                seq=v.seq,
                hlc=v.hlc,
                deleted=v.deleted,
                payload=v.payload,
                blob_hashes=v.blob_hashes,
            )
        )
        assert v.verify(pub)
        assert v.device_id == _device(field_db)
    assert [v.seq for v in written] == [1, 2, 3]
    assert written[0].hlc < written[1].hlc < written[2].hlc
    # what is stored is what was returned, and still verifies
    with field_db.read() as conn:
        stored = versions.load(conn)
    assert stored == written
    assert all(v.verify(pub) for v in stored)


def test_verify_fails_with_other_key(make_db, campaign, tmp_path: Path) -> None:
    a, b = make_db("a.db", "ka"), make_db("b.db", "kb")
    v = put_score(a, tmp_path / "ka", campaign, COUNTY, ITEM, "2.5")
    assert v is not None
    assert v.verify(public_key(a, _device(a)))
    assert not v.verify(public_key(b, _device(b)))
    assert not v.verify(b"not a key")


def test_same_payload_is_noop(field_db: Database, campaign, tmp_path: Path) -> None:
    keys_dir = tmp_path / "keys"
    first = put_score(field_db, keys_dir, campaign, COUNTY, ITEM, "2.5")
    assert first is not None
    assert put_score(field_db, keys_dir, campaign, COUNTY, ITEM, "2.5") is None
    with field_db.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM version")).scalar() == 1
        assert local.get(conn, local.SEQ) == "1"


def test_nfc_equivalent_payload_is_noop(field_db: Database, campaign, tmp_path: Path) -> None:
    keys_dir = tmp_path / "keys"
    rid = score_id(campaign, COUNTY, ITEM)
    with field_db.write() as conn:
        s = field_db.signer(keys_dir, conn)
        p = {"county": COUNTY, "item": ITEM, "inspector": "张三", "score": "1", "comment": "e\u0301"}
        assert versions.put(conn, s, entity="score", record_id=rid, payload=p) is not None
        p2 = dict(p, comment="\u00e9")
        assert versions.put(conn, s, entity="score", record_id=rid, payload=p2) is None


def test_changed_payload_has_parent_and_updates_current(field_db: Database, campaign, tmp_path: Path) -> None:
    keys_dir = tmp_path / "keys"
    v1 = put_score(field_db, keys_dir, campaign, COUNTY, ITEM, "2.5")
    v2 = put_score(field_db, keys_dir, campaign, COUNTY, ITEM, "3")
    assert v1 is not None and v2 is not None
    assert v1.parents == ()
    assert v2.parents == (v1.version_id,)
    rid = score_id(campaign, COUNTY, ITEM)
    with field_db.read() as conn:
        assert projection.heads(conn, rid) == [v2.version_id]
        row = conn.execute(
            text("SELECT version_id, county, item, inspector, score FROM current_score WHERE record_id=:r"), {"r": rid}
        ).one()
        assert tuple(row) == (v2.version_id, COUNTY, ITEM, "张三", "3")
        assert conn.execute(text("SELECT parent_id FROM version_parent WHERE version_id=:v"), {"v": v2.version_id}).scalars().all() == [
            v1.version_id
        ]


def test_delete_removes_current_row(field_db: Database, campaign, tmp_path: Path) -> None:
    keys_dir = tmp_path / "keys"
    v1 = put_score(field_db, keys_dir, campaign, COUNTY, ITEM, "2.5")
    other = put_score(field_db, keys_dir, campaign, COUNTY, "1.1.2", "1")
    d = put_score(field_db, keys_dir, campaign, COUNTY, ITEM, "2.5", deleted=True)
    assert d is not None and d.deleted and d.parents == (v1.version_id,)
    rid = score_id(campaign, COUNTY, ITEM)
    with field_db.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM current_score WHERE record_id=:r"), {"r": rid}).scalar() == 0
        assert conn.execute(text("SELECT version_id FROM current_score")).scalars().all() == [other.version_id]
        assert projection.heads(conn, rid) == [d.version_id]
        assert conn.execute(text("SELECT count(*) FROM version")).scalar() == 3  # nothing purged
    # deleting again is a no-op; writing again revives it
    assert put_score(field_db, keys_dir, campaign, COUNTY, ITEM, "2.5", deleted=True) is None
    v3 = put_score(field_db, keys_dir, campaign, COUNTY, ITEM, "2.5")
    assert v3 is not None and v3.parents == (d.version_id,)
    with field_db.read() as conn:
        assert conn.execute(text("SELECT score FROM current_score WHERE record_id=:r"), {"r": rid}).scalar() == "2.5"


def test_delete_of_unknown_record_is_noop(field_db: Database, campaign, tmp_path: Path) -> None:
    assert put_score(field_db, tmp_path / "keys", campaign, COUNTY, ITEM, "1", deleted=True) is None


@pytest.mark.parametrize("column", ["payload", "signature", "hlc"])
def test_tampering_is_detected(field_db: Database, campaign, tmp_path: Path, column: str) -> None:
    keys_dir = tmp_path / "keys"
    put_score(field_db, keys_dir, campaign, COUNTY, ITEM, "2.5")
    v = put_score(field_db, keys_dir, campaign, COUNTY, "1.1.2", "1")
    pub = public_key(field_db, _device(field_db))
    with field_db.write() as conn:
        if column == "payload":
            # one byte: "1" -> "9" inside the score string
            stored = conn.execute(text("SELECT payload FROM version WHERE version_id=:v"), {"v": v.version_id}).scalar()
            tampered = stored.replace('"score":"1"', '"score":"9"')
            assert tampered != stored and len(tampered.encode()) == len(stored.encode())
            conn.execute(text("UPDATE version SET payload=:p WHERE version_id=:v"), {"p": tampered, "v": v.version_id})
        elif column == "signature":
            sig = bytearray(v.signature)
            sig[-1] ^= 0x01
            conn.execute(text("UPDATE version SET signature=:s WHERE version_id=:v"), {"s": bytes(sig), "v": v.version_id})
        else:
            conn.execute(text("UPDATE version SET hlc=hlc+1 WHERE version_id=:v"), {"v": v.version_id})
    with field_db.read() as conn:
        loaded = {x.version_id: x for x in versions.load(conn)}
    assert loaded[v.version_id].verify(pub) is False
    assert sum(x.verify(pub) for x in loaded.values()) == 1


def test_natural_id_is_stable() -> None:
    a = versions.natural_id("luan-2018", "score", "341502", "1.1.1", "张三")
    assert a == versions.natural_id("luan-2018", "score", "341502", "1.1.1", "张三")
    assert a != versions.natural_id("luan-2018", "score", "341502", "1.1.1", "李四")
    assert a != versions.natural_id("luan-2018", "finding", "341502", "1.1.1", "张三")
    n = versions.new_id()
    assert n[14] == "7" and n != versions.new_id()


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(st.text(), min_size=1, max_size=4), namespace=st.uuids())
def test_natural_ids_are_the_ones_every_file_already_holds(parts: list[str], namespace) -> None:  # type: ignore[no-untyped-def]
    # db.canonical makes uuid5 by hand (no uuid import at start): the ids of records already in
    # every laptop's and master's file must come out the same, byte for byte
    import json
    import unicodedata
    import uuid

    assert str(uuid.uuid5(uuid.NAMESPACE_URL, "https://yanshou.invalid/record")) == canonical.NAMESPACE
    name = "".join(parts)
    assert canonical.uuid5(str(namespace), name) == str(uuid.uuid5(namespace, name))
    key = ["luan-2018", "score", *parts]
    stdlib = uuid.uuid5(uuid.UUID(canonical.NAMESPACE), json.dumps([unicodedata.normalize("NFC", p) for p in key],
                                                                    ensure_ascii=False, separators=(",", ":")))
    assert versions.natural_id(*key) == str(stdlib)


# ---------------------------------------------------------------- merge / projection


def _load(db: Database) -> list[versions.Version]:
    with db.read() as conn:
        return versions.load(conn)


def _insert(db: Database, vs: list[versions.Version]) -> list[bool]:
    with db.write() as conn:
        return [versions.insert(conn, v) for v in vs]


def _state(db: Database) -> dict[str, list[tuple]]:
    return {
        t: table_rows(db, t)
        for t in (
            "version",
            "version_parent",
            "head",
            "current_score",
            "current_finding",
            "current_method_score",
            "current_adjudication",
            "current_adjustment",
        )
    }


@pytest.fixture
def concurrent(make_db, campaign, tmp_path: Path):
    """Two laptops of the same inspector, each having edited the same score once."""
    a, b = make_db("a.db", "ka"), make_db("b.db", "kb")
    va = put_score(a, tmp_path / "ka", campaign, COUNTY, ITEM, "1")
    vb = put_score(b, tmp_path / "kb", campaign, COUNTY, ITEM, "2")
    assert va is not None and vb is not None and va.record_id == vb.record_id
    return a, b, va, vb


def test_concurrent_edits_make_two_heads(concurrent, campaign) -> None:
    a, b, va, vb = concurrent
    copy_device(b, a)
    assert _insert(a, [vb]) == [True]
    rid = va.record_id
    winner = max((va, vb), key=lambda v: (v.hlc, v.device_id))
    with a.read() as conn:
        assert projection.conflicted(conn) == [rid]
        heads = projection.heads(conn, rid)
        assert set(heads) == {va.version_id, vb.version_id}
        assert heads[0] == winner.version_id
        cur = conn.execute(text("SELECT version_id, score FROM current_score WHERE record_id=:r"), {"r": rid}).one()
    assert tuple(cur) == (winner.version_id, winner.payload["score"])


def test_concurrent_winner_ties_on_hlc_break_by_device(make_db, campaign, tmp_path: Path) -> None:
    """Same hlc on both laptops: the larger device id wins."""
    a, b = make_db("a.db", "ka"), make_db("b.db", "kb")
    ahead = (time.time_ns() // 1_000_000 + 3_600_000) << 16
    for db in (a, b):
        with db.write() as conn:
            local.put(conn, local.HLC, str(ahead))  # ahead of the wall clock (within the bound): both tick to ahead + 1
    va = put_score(a, tmp_path / "ka", campaign, COUNTY, ITEM, "1")
    vb = put_score(b, tmp_path / "kb", campaign, COUNTY, ITEM, "2")
    assert va.hlc == vb.hlc
    copy_device(b, a)
    _insert(a, [vb])
    winner = max((va, vb), key=lambda v: v.device_id)
    with a.read() as conn:
        assert projection.heads(conn, va.record_id)[0] == winner.version_id
        assert conn.execute(text("SELECT score FROM current_score")).scalar() == winner.payload["score"]


def test_insert_order_does_not_matter(concurrent, make_db) -> None:
    a, b, va, vb = concurrent
    c1, c2 = make_db("c1.db", "kc1"), make_db("c2.db", "kc2")
    for c in (c1, c2):
        copy_device(a, c)
        copy_device(b, c)
    _insert(c1, [va, vb])
    _insert(c2, [vb, va])
    copy_device(b, a)
    _insert(a, [vb])
    s1, s2, sa = _state(c1), _state(c2), _state(a)
    assert s1["current_score"] == s2["current_score"] == sa["current_score"]
    assert s1["head"] == s2["head"] == sa["head"]
    assert s1["version"] == s2["version"] == sa["version"]


def test_insert_twice_is_noop(concurrent) -> None:
    a, b, va, vb = concurrent
    copy_device(b, a)
    assert _insert(a, [vb]) == [True]
    before = _state(a)
    assert _insert(a, [vb, va]) == [False, False]
    assert _state(a) == before


def test_resolution_settles_conflict(concurrent, campaign, tmp_path: Path) -> None:
    a, b, va, vb = concurrent
    copy_device(b, a)
    _insert(a, [vb])
    # a field laptop does not settle a conflict (the lead does): its edit continues its own head
    own = put_score(a, tmp_path / "ka", campaign, COUNTY, ITEM, "0.5")
    assert own is not None and own.parents == (va.version_id,)
    with a.read() as conn:
        assert projection.conflicted(conn) == [own.record_id]
    with a.write() as conn:
        local.put(conn, local.ROLE, "master")  # the same edit on the lead's master settles it
    v = put_score(a, tmp_path / "ka", campaign, COUNTY, ITEM, "1.5")
    assert v is not None and set(v.parents) == {own.version_id, vb.version_id}
    with a.read() as conn:
        assert projection.conflicted(conn) == []
        assert projection.heads(conn, v.record_id) == [v.version_id]
    # editing a conflicted record to the winner's value still writes (it settles it)
    a2_state = _state(a)
    assert len(a2_state["version"]) == 4


def test_child_before_parent(make_db, campaign, tmp_path: Path) -> None:
    a = make_db("a.db", "ka")
    v1 = put_score(a, tmp_path / "ka", campaign, COUNTY, ITEM, "1")
    v2 = put_score(a, tmp_path / "ka", campaign, COUNTY, ITEM, "2")
    c = make_db("c.db", "kc")
    copy_device(a, c)
    assert _insert(c, [v2]) == [True]
    with c.read() as conn:
        assert projection.heads(conn, v2.record_id) == [v2.version_id]
    assert _insert(c, [v1]) == [True]
    with c.read() as conn:
        assert projection.heads(conn, v2.record_id) == [v2.version_id]
        assert projection.conflicted(conn) == []
        assert conn.execute(text("SELECT version_id, score FROM current_score")).one() == (v2.version_id, "2")
    assert _state(c)["head"] == _state(a)["head"]
    assert _state(c)["current_score"] == _state(a)["current_score"]


def _rebuilt_equals_incremental(db: Database) -> None:
    before = _state(db)
    with db.write() as conn:
        projection.rebuild(conn)
    assert _state(db) == before


def test_rebuild_matches_incremental_seeded(make_db, campaign, tmp_path: Path) -> None:
    """Random puts and deletes on two laptops, merged both ways in random order."""
    rnd = random.Random(20261127)
    a, b = make_db("a.db", "ka"), make_db("b.db", "kb")
    copy_device(a, b)
    copy_device(b, a)
    items = ["1.1.1", "1.1.2", "1.2.1"]
    counties = ["341502", "341503"]
    for _ in range(60):
        db, kd = rnd.choice([(a, "ka"), (b, "kb")])
        put_score(db, tmp_path / kd, campaign, rnd.choice(counties), rnd.choice(items), str(rnd.randint(0, 3)), deleted=rnd.random() < 0.2)
        if rnd.random() < 0.15:  # a partial sync in a random direction
            src, dst = rnd.choice([(a, b), (b, a)])
            vs = _load(src)
            rnd.shuffle(vs)
            _insert(dst, vs[: rnd.randint(0, len(vs))])
    _rebuilt_equals_incremental(a)
    _rebuilt_equals_incremental(b)
    # full sync both ways in shuffled order: the two files converge
    va, vb = _load(a), _load(b)
    rnd.shuffle(va)
    rnd.shuffle(vb)
    _insert(a, vb)
    _insert(b, va)
    _rebuilt_equals_incremental(a)
    _rebuilt_equals_incremental(b)
    sa, sb = _state(a), _state(b)
    for t in ("version", "version_parent", "head", "current_score"):
        assert sa[t] == sb[t], t


ops = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "sync_ab", "sync_ba"]),
        st.sampled_from(["1.1.1", "1.1.2"]),
        st.sampled_from(["0", "1", "2"]),
        st.booleans(),
        st.randoms(use_true_random=False),
    ),
    max_size=15,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=ops)
def test_rebuild_matches_incremental_hypothesis(tmp_path_factory, steps) -> None:
    c = load_campaign(CAMPAIGN_FILE)
    tmp = tmp_path_factory.mktemp("h")
    a = create_db(c, tmp / "a.db", tmp / "ka")
    b = create_db(c, tmp / "b.db", tmp / "kb")
    try:
        copy_device(a, b)
        copy_device(b, a)
        for op, item, score, deleted, rnd in steps:
            if op in ("a", "b"):
                db = a if op == "a" else b
                put_score(db, tmp / ("k" + op), c, COUNTY, item, score, deleted=deleted)
            else:
                src, dst = (a, b) if op == "sync_ab" else (b, a)
                vs = _load(src)
                rnd.shuffle(vs)
                _insert(dst, vs[: rnd.randint(0, len(vs))])
        _rebuilt_equals_incremental(a)
        _rebuilt_equals_incremental(b)
    finally:
        a.close()
        b.close()


def test_child_hlc_exceeds_merged_parent_hlc(make_db, campaign, tmp_path: Path) -> None:
    a, b = make_db("a.db", "ka"), make_db("b.db", "kb")
    with b.write() as conn:  # b's clock runs an hour ahead
        local.tick(conn, now_ms=(time.time_ns() // 1_000_000) + 3_600_000)
    vb = put_score(b, tmp_path / "kb", campaign, COUNTY, ITEM, "2")
    copy_device(b, a)
    _insert(a, [vb])
    va = put_score(a, tmp_path / "ka", campaign, COUNTY, ITEM, "3")
    assert va is not None and va.parents == (vb.version_id,)
    assert va.hlc > vb.hlc


def test_the_stored_envelope_equals_the_canonical_one(field_db, tmp_path) -> None:
    """A merge rebuilds each version's signed bytes from its stored text; for every version
    the program writes, those are the bytes `canonical.envelope` makes."""
    from db import canonical

    with field_db.write() as conn:
        signer = field_db.signer(tmp_path / "keys", conn)
        rid = versions.new_id()
        # signed and stored as they come (a kind of record the admission check would refuse)
        for payload, deleted in (
            ({"text": "e\u0301 — 检查", "n": None, "nested": {"b": [1, "2"], "a": True}}, False), ({"text": ""}, False),
            ({"text": ""}, True),
        ):
            parents = projection.heads(conn, rid)
            versions.insert(conn, versions.sign(
                conn, signer, entity="note", record_id=rid, payload=canonical.normalise(payload), deleted=deleted, parents=parents,
                blob_hashes=[] if deleted else ["ff" * 32, "aa" * 32],
            ))
    with field_db.read() as conn:
        stored = {r[0]: r for r in conn.execute(text("SELECT version_id, payload, blob_hashes FROM version"))}
        written = versions.load(conn)
    assert len(written) == 3
    for v in written:
        spliced = canonical.stored_envelope(
            record_id=v.record_id, entity=v.entity, parents=list(v.parents), device_id=v.device_id, seq=v.seq, hlc=v.hlc,
            deleted=int(v.deleted), payload_text=stored[v.version_id][1], blobs_text=stored[v.version_id][2],
        )
        assert spliced == v.encoded()
        assert canonical.digest(spliced) == v.version_id


def _score(campaign, item: str, score: str, *, inspector: str = "张三", deleted: bool = False) -> versions.Write:
    payload = {"county": COUNTY, "item": item, "inspector": inspector, "score": score}
    return versions.Write("score", score_id(campaign, COUNTY, item, inspector), payload, deleted)


def test_a_batch_of_versions_is_signed_numbered_and_projected_as_one_at_a_time(field_db: Database, campaign, tmp_path: Path) -> None:
    keys_dir = tmp_path / "keys"
    first = put_score(field_db, keys_dir, campaign, COUNTY, "1.1.1", "1")
    assert first is not None
    with field_db.write() as conn:
        written = versions.put_many(conn, field_db.signer(keys_dir, conn), [
            _score(campaign, "1.1.2", "2"),
            _score(campaign, "1.1.1", "1"),  # what the record holds already: nothing
            _score(campaign, "1.2.1", "3"),
            _score(campaign, "2.1.1", "0", deleted=True),  # a record never written, deleted: nothing
        ])
    assert written[1] is None and written[3] is None
    a, b = written[0], written[2]
    assert a is not None and b is not None
    assert (a.seq, b.seq) == (2, 3)
    assert first.hlc < a.hlc < b.hlc
    pub = public_key(field_db, _device(field_db))
    assert a.verify(pub) and b.verify(pub)
    assert a.parents == b.parents == ()
    # an edit in a batch continues the record's head, as put() does
    with field_db.write() as conn:
        edits = versions.put_many(conn, field_db.signer(keys_dir, conn), [_score(campaign, "1.1.1", "2"), _score(campaign, "1.1.2", "3")])
    assert [e.parents if e else None for e in edits] == [(first.version_id,), (a.version_id,)]
    assert [e.seq if e else None for e in edits] == [4, 5]
    with field_db.read() as conn:
        assert versions.load(conn) == [first, a, b, *edits]
        assert local.get(conn, local.SEQ) == "5"
        scores = conn.execute(text("SELECT item, score FROM current_score ORDER BY item")).all()
        assert [tuple(r) for r in scores] == [("1.1.1", "2"), ("1.1.2", "3"), ("1.2.1", "3")]
        assert conn.execute(text("SELECT count(*) FROM head")).scalar() == 3
    _rebuilt_equals_incremental(field_db)


def test_a_batch_with_one_version_refused_writes_nothing(field_db: Database, campaign, tmp_path: Path) -> None:
    keys_dir = tmp_path / "keys"
    batch = [_score(campaign, "1.1.1", "1"), _score(campaign, "1.1.2", "2", inspector="李四")]  # another's score, on a field laptop
    with pytest.raises(NotAdmitted) as refused, field_db.write() as conn:
        versions.put_many(conn, field_db.signer(keys_dir, conn), batch)
    assert refused.value.rule == "owner"
    with pytest.raises(ValueError, match="once"), field_db.write() as conn:
        versions.put_many(conn, field_db.signer(keys_dir, conn), [_score(campaign, "1.1.1", "1"), _score(campaign, "1.1.1", "2")])
    with field_db.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM version")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM current_score")).scalar() == 0
        assert local.get(conn, local.SEQ) is None
