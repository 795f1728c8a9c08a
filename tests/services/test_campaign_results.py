"""A whole campaign through the services: 7 counties × 34 items × 3 inspectors, imported
from sheets, then self-check and third-party totals, checked against a hand computation."""

from __future__ import annotations

import csv
import math
import random
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from desktop.core.errors import InputError
from desktop.services import imports, results, workspace

INSPECTORS = ("张三", "李四", "王五")
HEADER = ["county", "item", "score", "report", "materials", "online", "field", "comment"]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def field(tmp_path: Path):
    ws = workspace.create(tmp_path / "field.db", role="field", inspector=INSPECTORS[0])
    yield ws
    ws.close()


@pytest.fixture
def master(tmp_path: Path, master_location: Path | str):
    # the lead types in the paper sheets of three inspectors: only a master records others' work
    ws = workspace.create(master_location, role="master")
    yield ws
    ws.close()


def test_a_laptop_records_only_its_own_inspector(field, tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "other.csv", HEADER, [["金安区", "1.1.1", "1", "", "", "", "", ""]])
    with pytest.raises(InputError, match="belongs to 张三"):
        imports.import_sheet(field, sheet, "inspection", "李四")
    assert results.results(field)[0].unscored_items


def test_hand_computed_campaign(master, tmp_path: Path) -> None:
    field = master
    campaign = field.campaign
    rnd = random.Random(7)
    given: dict[tuple[str, str], list[Decimal]] = {}
    for who in INSPECTORS:
        rows = []
        for county in campaign.counties:
            for item in campaign.indicator_set.items:
                score = Decimal(rnd.randint(0, int(item.points * 2))) / 2
                given.setdefault((county.name, item.code), []).append(score)
                rows.append([county.name, item.code, str(score), "听取了汇报", "", "栏目齐全", "", ""])
        sheet = write_csv(tmp_path / f"{who}.csv", HEADER, rows)
        summary = imports.import_sheet(field, sheet, "inspection", who)
        assert summary.rows == 7 * 34
    self_check = {c.name: Decimal(70 + 3 * i) for i, c in enumerate(campaign.counties)}
    third = {c.name: Decimal("60.5") + 4 * i for i, c in enumerate(campaign.counties)}
    for kind, values in (("self-check", self_check), ("third-party", third)):
        sheet = write_csv(tmp_path / f"{kind}.csv", ["county", "score"], [[k, str(v)] for k, v in values.items()])
        imports.import_sheet(field, sheet, kind)

    got = {campaign.county(r.county).name: r for r in results.results(field)}
    totals = {}
    for county in campaign.counties:
        # by hand, in fractions (a mean of three is a third, which a Decimal holds to 28 digits
        # only): the mean of the three inspectors per item, summed over the 34 items
        inspection = sum((Fraction(sum(v)) / 3 for (c, _), v in given.items() if c == county.name), Fraction(0))
        total = Fraction(1, 10) * Fraction(self_check[county.name]) + Fraction(4, 10) * Fraction(third[county.name]) \
            + Fraction(1, 2) * inspection
        r = got[county.name]
        assert r.method_scores["inspection"] == Decimal(inspection.numerator) / inspection.denominator
        assert r.method_scores["self-check"] == self_check[county.name]
        assert r.total == Decimal(total.numerator) / total.denominator
        assert r.complete
        totals[county.name] = Decimal(math.floor(total * 100 + Fraction(1, 2))) / 100  # half up
        assert r.shown_total == totals[county.name]
    ordered = sorted(totals.values(), reverse=True)
    for name, shown in totals.items():
        assert got[name].rank == 1 + sum(1 for t in ordered if t > shown)
    # 7 counties: round(2.1) = 2 优秀, up to round(4.9) = 5 良好, the rest 合格
    grades = [got[n].grade.value for n in sorted(totals, key=lambda n: got[n].rank)]
    if len(set(totals.values())) == 7:
        assert grades == ["优秀"] * 2 + ["良好"] * 3 + ["合格"] * 2


def test_sheet_sets_what_it_names(master, tmp_path: Path) -> None:
    both = write_csv(tmp_path / "a.csv", ["county", "score"], [["金安区", "80"], ["霍山县", "90"]])
    imports.import_sheet(master, both, "self-check")
    one = write_csv(tmp_path / "b.csv", ["county", "score"], [["金安区", "85.5"]])
    imports.import_sheet(master, one, "self-check")
    scores = {master.campaign.county(r.county).name: r.method_scores["self-check"] for r in results.results(master)}
    assert scores["金安区"] == Decimal("85.5")
    assert scores["霍山县"] == Decimal("90")

    # per-item scores replace a total; a total replaces per-item scores
    items = write_csv(tmp_path / "c.csv", ["county", "item", "score"], [["金安区", "1.1.1", "3"], ["金安区", "1.1.2", "2.5"]])
    imports.import_sheet(master, items, "self-check")
    by_name = {master.campaign.county(r.county).name: r for r in results.results(master)}
    assert by_name["金安区"].method_scores["self-check"] == Decimal("5.5")
    more = write_csv(tmp_path / "d.csv", ["county", "item", "score"], [["金安区", "1.1.2", "1"]])
    imports.import_sheet(master, more, "self-check")
    by_name = {master.campaign.county(r.county).name: r for r in results.results(master)}
    assert by_name["金安区"].method_scores["self-check"] == Decimal("4")
    imports.import_sheet(master, one, "self-check")
    by_name = {master.campaign.county(r.county).name: r for r in results.results(master)}
    assert by_name["金安区"].method_scores["self-check"] == Decimal("85.5")


def test_a_field_laptop_cannot_import_the_leads_scores(field, tmp_path: Path) -> None:
    """Self-check and third-party scores are the lead's records: a laptop's import is refused
    by the admission check, says where to do it, and writes nothing."""
    from db.errors import NotAdmitted

    sheet = write_csv(tmp_path / "a.csv", ["county", "score"], [["金安区", "100"]])
    with field.read() as conn:
        before = conn.exec_driver_sql("SELECT count(*) FROM version").scalar()
    with pytest.raises(NotAdmitted, match="only the lead's master writes") as caught:
        imports.import_sheet(field, sheet, "self-check")
    assert caught.value.rule == "lead_only" and "on the master" in str(caught.value)
    with field.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM version").scalar() == before


def test_reimport_adds_no_versions(field, tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "i.csv", HEADER, [["金安区", "1.1.1", "2.5", "汇报清楚", "", "", "", "有文件"]])
    first = imports.import_sheet(field, sheet, "inspection")
    again = imports.import_sheet(field, sheet, "inspection")
    assert first.changed == 2  # the score and the report finding
    assert again.changed == 0
    with field.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM version").scalar() == 2


def test_bad_sheet_writes_nothing(field, tmp_path: Path) -> None:
    good = write_csv(tmp_path / "g.csv", HEADER, [["金安区", "1.1.1", "2", "", "", "", "", ""]])
    imports.import_sheet(field, good, "inspection")
    with field.read() as conn:
        before = conn.exec_driver_sql("SELECT version_id FROM version ORDER BY 1").all()
    bad = write_csv(
        tmp_path / "b.csv", HEADER,
        [["金安区", "1.1.2", "3", "", "", "", "", ""], ["金安区", "1.1.1", "9", "", "", "", "", ""]],
    )
    with pytest.raises(InputError) as caught:
        imports.import_sheet(field, bad, "inspection")
    assert caught.value.problems[0].row == 3
    with field.read() as conn:
        assert conn.exec_driver_sql("SELECT version_id FROM version ORDER BY 1").all() == before


def test_inspection_needs_an_inspector(tmp_path: Path) -> None:
    master = workspace.create(tmp_path / "m.db", role="master")
    try:
        sheet = write_csv(tmp_path / "i.csv", HEADER, [["金安区", "1.1.1", "2", "", "", "", "", ""]])
        with pytest.raises(InputError, match="inspector"):
            imports.import_sheet(master, sheet, "inspection")
        imports.import_sheet(master, sheet, "inspection", "赵六")
        assert results.results(master)[0].method_scores["inspection"] == 2
    finally:
        master.close()


def test_adjudication_and_unscored_items_through_the_database(field, tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "i.csv", HEADER, [["金安区", "1.1.1", "2", "", "", "", "", ""]])
    imports.import_sheet(field, sheet, "inspection")
    r = next(r for r in results.results(field) if r.county == "341502")
    assert not r.complete
    assert len(r.unscored_items) == 33
    assert r.missing_methods == ("self-check", "third-party")
