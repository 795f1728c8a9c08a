"""The lead's adjudications and adjustments: checked, signed, counted in the results, withdrawable."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop import paths
from desktop.core.errors import InputError
from desktop.services import decisions, records, results, workspace

JINAN = "341502"


@pytest.fixture
def master(tmp_path: Path, master_location: Path | str):
    ws = workspace.create(master_location, role="master")
    yield ws
    ws.close()


def _score(ws, item: str, inspector: str, value: str) -> None:
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        records.set_score(conn, signer, ws, county=JINAN, item=item, inspector=inspector, score=Decimal(value), comment="")


def _result(ws):
    return next(r for r in results.results(ws) if r.county == JINAN)


def test_an_adjudication_replaces_the_inspectors_mean_and_can_be_withdrawn(master) -> None:
    _score(master, "1.1.1", "张三", "1")
    _score(master, "1.1.1", "李四", "2")
    before = _result(master).total
    assert decisions.adjudicate(master, JINAN, "1.1.1", "3", "现场复核")
    after = _result(master).total
    assert after - before == Decimal("0.5") * (Decimal(3) - Decimal("1.5"))  # inspection weighs 0.5
    assert not decisions.adjudicate(master, JINAN, "1.1.1", "3", "现场复核")  # the same again writes nothing
    assert decisions.adjudicate(master, JINAN, "1.1.1", None, "")
    assert _result(master).total == before
    with master.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM version WHERE entity = 'adjudication'")).scalar() == 2  # kept in history


def test_an_adjustment_moves_the_total_within_0_to_100(master) -> None:
    _score(master, "1.1.1", "张三", "3")
    base = _result(master).total
    assert decisions.adjust(master, JINAN, "0.5", "年度考核加分")
    assert _result(master).total == base + Decimal("0.5")
    assert decisions.adjust(master, JINAN, "-50", "年度考核扣分")
    assert _result(master).total == 0  # clamped, never negative


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda ws: decisions.adjudicate(ws, JINAN, "1.1.1", "3.5", "r"), "out_of_range"),
        (lambda ws: decisions.adjudicate(ws, JINAN, "1.1.1", "1.3", "r"), "not_half_step"),
        (lambda ws: decisions.adjudicate(ws, JINAN, "1.1.1", "x", "r"), "not_a_number"),
        (lambda ws: decisions.adjudicate(ws, JINAN, "1.1.1", "2", "  "), "no_reason"),
        (lambda ws: decisions.adjust(ws, JINAN, "101", "r"), "out_of_range"),
        (lambda ws: decisions.adjust(ws, JINAN, "1.234", "r"), "out_of_range"),
        (lambda ws: decisions.adjust(ws, JINAN, "NaN", "r"), "not_a_number"),
        (lambda ws: decisions.adjust(ws, JINAN, "1", ""), "no_reason"),
    ],
)
def test_bad_decisions_are_refused_and_write_nothing(master, call, code: str) -> None:
    with master.read() as conn:
        count = conn.execute(text("SELECT count(*) FROM version")).scalar()
    with pytest.raises(InputError) as caught:
        call(master)
    assert caught.value.problems[0].code == code
    with master.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM version")).scalar() == count


def test_only_a_master_decides(tmp_path: Path) -> None:
    with workspace.create(tmp_path / "f.db", role="field", inspector="张三") as field, pytest.raises(InputError, match="master"):
        decisions.adjust(field, JINAN, "1", "r")
