"""The lead's campaign settings through the services: a save is one signed version that the
results use at once, that travels to the laptops with the master's export, that no laptop
may sign, and that conflicts like any record when two masters disagree. And a campaign of
another city, from a file, without code."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from pathlib import Path

import pytest
from forge import forge
from sqlalchemy import text

from db import reference
from db.merge import Enrolment
from desktop import paths
from desktop.cli import main
from desktop.core.campaign import Band, BandsRule, County, Grade, Inspector
from desktop.core.errors import InputError
from desktop.services import records, results, settings, sync, workspace

LEAD = "张三"
BANDS = BandsRule((Band(Grade.EXCELLENT, Decimal(90)), Band(Grade.GOOD, Decimal(70)), Band(Grade.PASS, Decimal(60))))

SECOND_LEAD = Enrolment(lead=True)  # another master is accepted only by this explicit choice


def weights(self_check: str, third_party: str, inspection: str) -> tuple[tuple[str, Decimal], ...]:
    return (("self-check", Decimal(self_check)), ("third-party", Decimal(third_party)), ("inspection", Decimal(inspection)))


@pytest.fixture
def master(tmp_path: Path, master_location: Path | str):
    ws = workspace.create(master_location, role="master")
    yield ws
    ws.close()


def versions_of_settings(ws: workspace.Workspace) -> int:
    with ws.read() as conn:
        return int(conn.execute(text("SELECT count(*) FROM version WHERE entity = 'campaign_settings'")).scalar_one())


def give(ws: workspace.Workspace, county: str, *, self_check: str, third_party: str, full_inspection: bool = True) -> None:
    """A county's two imported totals and, optionally, every item at full points."""
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        records.set_method_total(conn, signer, ws, county=county, method="self-check", total=Decimal(self_check))
        if ws.campaign.method("third-party") is not None:
            records.set_method_total(conn, signer, ws, county=county, method="third-party", total=Decimal(third_party))
        if full_inspection:
            for item in ws.campaign.indicator_set.items:
                records.set_score(conn, signer, ws, county=county, item=item.code, inspector=LEAD, score=item.points, comment="")


def grades(ws: workspace.Workspace) -> dict[str, str]:
    return {ws.campaign.county(r.county).name: r.grade.value for r in results.results(ws)}


def test_changing_the_grading_rule_changes_the_grades(master) -> None:
    # totals 0.5·t + 50: 95, 90, 80, 70, 65, 60, 55
    for county, t in zip(master.campaign.counties, (90, 80, 60, 40, 30, 20, 10), strict=True):
        give(master, county.code, self_check=str(t), third_party=str(t))
    assert list(grades(master).values()) == ["优秀", "优秀", "良好", "良好", "良好", "合格", "合格"]  # top 30 %, next 40 %

    assert settings.save(master, dataclasses.replace(settings.current(master), grading=BANDS))
    assert master.campaign.grading == BANDS  # no reopening: the workspace holds the effective campaign
    assert list(grades(master).values()) == ["优秀", "优秀", "良好", "良好", "合格", "合格", "不合格"]
    with workspace.open_workspace(master.location) as again:
        assert again.campaign.grading == BANDS and again.campaign == master.campaign


def test_changing_the_weights_changes_the_totals(master) -> None:
    jinan = master.campaign.counties[0].code
    give(master, jinan, self_check="80", third_party="60")
    total = next(r.total for r in results.results(master) if r.county == jinan)
    assert total == Decimal("0.1") * 80 + Decimal("0.4") * 60 + Decimal("0.5") * 100
    assert settings.save(master, dataclasses.replace(settings.current(master), weights=weights("0.2", "0.2", "0.6")))
    total = next(r.total for r in results.results(master) if r.county == jinan)
    assert total == Decimal("0.2") * 80 + Decimal("0.2") * 60 + Decimal("0.6") * 100
    assert not settings.save(master, settings.current(master))  # the same again writes nothing
    assert versions_of_settings(master) == 1


def test_bad_settings_are_refused_and_nothing_is_written(master) -> None:
    heavy = dataclasses.replace(settings.current(master), weights=weights("0.2", "0.4", "0.5"))
    assert [(p.node, p.code) for p in settings.validate(master, heavy)] == [("weights", "weights_sum")]
    with pytest.raises(InputError, match="add up to 110 %"):
        settings.save(master, heavy)
    assert versions_of_settings(master) == 0
    assert master.campaign.method("self-check").weight == Decimal("0.10")  # type: ignore[union-attr]


def test_a_county_with_work_cannot_be_removed_but_one_without_can(master) -> None:
    jinan, yuan = master.campaign.counties[0], master.campaign.counties[1]
    give(master, jinan.code, self_check="80", third_party="60", full_inspection=False)
    current = settings.current(master)
    with pytest.raises(InputError) as exc:
        settings.save(master, dataclasses.replace(current, counties=current.counties[1:]))
    assert [(p.code, p.params) for p in exc.value.problems] == [("has_work", {"county": jinan.code, "count": 2})]
    assert versions_of_settings(master) == 0
    zone = County("341598", "六安经开区", ("就业",))
    kept = (*(c for c in current.counties if c != yuan), zone)
    assert settings.save(master, dataclasses.replace(current, counties=kept))
    assert [r.county for r in results.results(master)].count(yuan.code) == 0
    assert master.campaign.county_named("六安经开区") == zone


def test_work_on_a_county_removed_meanwhile_waits_until_it_is_added_back(master, tmp_path: Path) -> None:
    laptop = workspace.create(tmp_path / "laptop.db", role="field", inspector="李四")
    try:
        current = settings.current(master)
        yuan = current.counties[1]
        assert settings.save(master, dataclasses.replace(current, counties=tuple(c for c in current.counties if c != yuan)))
        with laptop.write() as conn:  # the laptop has not heard of the removal yet
            signer = laptop.database.signer(paths.keys_dir(), conn)
            records.set_score(conn, signer, laptop, county=yuan.code, item="1.1.1", inspector="李四", score=Decimal(3), comment="")
        sync.export(laptop, tmp_path / "usb" / "laptop.db")
        [report] = sync.merge(master, [tmp_path / "usb" / "laptop.db"], enroll=True)
        assert report.status == "merged", report.reason
        assert yuan.code not in [r.county for r in results.results(master)]  # kept, not counted
        # the orphaned work does not block the lead's other edits …
        assert settings.save(master, dataclasses.replace(settings.current(master), weights=weights("0.2", "0.3", "0.5")))
        # … and adding the county back with its code brings its work back
        assert settings.save(master, dataclasses.replace(settings.current(master), counties=current.counties))
        back = next(r for r in results.results(master) if r.county == yuan.code)
        assert back.items[0].score == 3
        with pytest.raises(InputError, match=r"holds work \(1 records\)"):
            settings.save(master, dataclasses.replace(settings.current(master), counties=current.counties[:1] + current.counties[2:]))
    finally:
        laptop.close()


def test_settings_travel_to_a_laptop_with_the_masters_export(master, tmp_path: Path) -> None:
    laptop = workspace.create(tmp_path / "laptop.db", role="field", inspector="李四")
    try:
        current = settings.current(master)
        edited = dataclasses.replace(
            current, weights=weights("0", "0.4", "0.6"), grading=BANDS, inspectors=(Inspector("李四", "市政务公开办"),),
            counties=(*current.counties, County("341598", "六安经开区")),
        )
        assert settings.save(master, edited)
        export = tmp_path / "usb" / "master.db"
        sync.export(master, export)
        [report] = sync.merge(laptop, [export], enroll=True)
        assert report.status == "merged", report.reason
        results.results(laptop)  # the results re-read the settings a merge brought
        assert laptop.campaign == master.campaign
        assert settings.current(laptop) == edited
        with workspace.open_workspace(laptop.path) as again:
            assert again.campaign == master.campaign
        with workspace.open_workspace(laptop.path, later=True) as first_read:  # the window's start: the settings read first
            assert not first_read.opened
            assert first_read.campaign == master.campaign
            assert first_read.settings_payload is not None
        # the laptop inspects the county the lead added
        with laptop.write() as conn:
            signer = laptop.database.signer(paths.keys_dir(), conn)
            assert records.set_score(conn, signer, laptop, county="341598", item="1.1.1", inspector="李四", score=Decimal(3), comment="")
        with pytest.raises(InputError, match="only the lead's master"):
            settings.save(laptop, current)
    finally:
        laptop.close()


def test_the_master_refuses_settings_signed_by_a_laptop(master, tmp_path: Path) -> None:
    laptop = workspace.create(tmp_path / "laptop.db", role="field", inspector="李四")
    try:
        # what a tampered program on the laptop could write (this program's own refuses it)
        forge(laptop, entity=reference.SETTINGS_ENTITY, record_id=reference.settings_id(laptop.campaign.id),
              payload={"weights": {"self-check": "0", "third-party": "0", "inspection": "1"}})
        export = tmp_path / "usb" / "laptop.db"
        sync.export(laptop, export)
        [report] = sync.merge(master, [export], enroll=True)
        assert (report.status, report.code) == ("refused", "lead_only")
        assert "campaign_settings" in report.reason and "李四" in report.reason
        assert versions_of_settings(master) == 0
        results.results(master)
        assert master.campaign.method("inspection").weight == Decimal("0.50")  # type: ignore[union-attr]
    finally:
        laptop.close()


def test_two_masters_disjoint_edits_merge_and_the_same_edit_two_ways_conflicts(master, tmp_path: Path) -> None:
    other = workspace.create(tmp_path / "other.db", role="master")
    try:
        assert settings.save(master, dataclasses.replace(settings.current(master), weights=weights("0.2", "0.3", "0.5")))
        assert settings.save(other, dataclasses.replace(settings.current(other), grading=BANDS))
        sync.export(other, tmp_path / "usb" / "other-1.db")
        [report] = sync.merge(master, [tmp_path / "usb" / "other-1.db"], enroll=SECOND_LEAD)
        assert report.status == "merged", report.reason
        results.results(master)
        assert master.campaign.grading == BANDS  # the other's grading …
        assert master.campaign.method("self-check").weight == Decimal("0.2")  # type: ignore[union-attr]  # … and our weights
        [soft] = sync.conflicts(master)
        assert (soft.entity, soft.kind, soft.fields) == ("campaign_settings", "soft", ("grading", "weights"))

        # now both change the weights, each its own way
        assert settings.save(master, dataclasses.replace(settings.current(master), weights=weights("0.15", "0.35", "0.5")))
        assert settings.save(other, dataclasses.replace(settings.current(other), weights=weights("0", "0.5", "0.5")))
        sync.export(other, tmp_path / "usb" / "other-2.db")
        [report] = sync.merge(master, [tmp_path / "usb" / "other-2.db"], enroll=SECOND_LEAD)
        assert report.status == "merged", report.reason
        [hard] = sync.conflicts(master)
        assert (hard.entity, hard.kind, hard.fields) == ("campaign_settings", "hard", ("weights",))
        mine = next(v for v in hard.versions if v.payload["weights"]["self-check"] == "0.15")
        sync.resolve(master, hard.id, mine.version_id)
        assert sync.conflicts(master) == []
        results.results(master)
        assert master.campaign.method("self-check").weight == Decimal("0.15")  # type: ignore[union-attr]
        assert master.campaign.grading == BANDS
    finally:
        other.close()


# --- another city's campaign, from a file --------------------------------------------------------

INDICATOR_SET = """
id = "hefei-2019"
name = "合肥市试点验收指标（精简）"
source = "示例"

[[indicator]]
name = "组织领导"
  [[indicator.group]]
  name = "组织保障"
    [[indicator.group.item]]
    name = "成立试点领导小组。"
    points = "40"

[[indicator]]
name = "公开内容"
  [[indicator.group]]
  name = "公开事项"
    [[indicator.group.item]]
    name = "编制公开事项标准目录。"
    points = "35"
    [[indicator.group.item]]
    name = "目录内事项全部公开。"
    points = "25"
"""

CAMPAIGN = """
id = "hefei-2019"
name = "合肥市基层政务公开标准化规范化试点验收"
indicator_set = "hefei-2019"
pilot_areas = ["城乡规划", "就业"]

[[method]]
key = "self-check"
name = "自查自评"
weight = "0.2"
source = "import"

[[method]]
key = "inspection"
name = "全面检查"
weight = "0.8"
source = "inspection"

[grading]
rule = "bands"
bands = [{ grade = "优秀", min = "90" }, { grade = "良好", min = "75" }, { grade = "合格", min = "60" }]

[[milestone]]
key = "inspection"
name = "全面检查"
due = 2019-10-15

[[county]]
code = "340102"
name = "瑶海区"
pilot_areas = ["就业"]

[[county]]
code = "340103"
name = "庐阳区"
"""


def write_campaign(folder: Path) -> Path:
    """Another city's campaign file with its indicator set beside it, as a lead would hand them out."""
    folder.mkdir(parents=True, exist_ok=True)
    campaign = folder / "campaign.toml"
    campaign.write_text(CAMPAIGN, encoding="utf-8")
    (folder / "hefei-2019.toml").write_text(INDICATOR_SET, encoding="utf-8")  # the set it names, beside it
    return campaign


def test_init_creates_a_master_for_another_citys_campaign(tmp_path: Path, capsys) -> None:
    campaign = write_campaign(tmp_path / "from-the-lead")
    db = tmp_path / "hefei.db"
    assert main(["init", str(db), "--role", "master", "--campaign", str(campaign)]) == 0
    assert main(["indicators", str(db), "--format", "json"]) == 0
    capsys.readouterr()
    with workspace.open_workspace(db) as ws:
        assert ws.campaign.id == "hefei-2019"
        assert [c.name for c in ws.campaign.counties] == ["瑶海区", "庐阳区"]
        assert [n.code for n in ws.campaign.indicator_set.items] == ["1.1.1", "2.1.1", "2.1.2"]
        give(ws, "340102", self_check="100", third_party="0", full_inspection=True)  # this campaign has no third party
        assert settings.save(ws, dataclasses.replace(settings.current(ws), weights=(("self-check", Decimal("0.5")),
                                                                                    ("inspection", Decimal("0.5")))))
    assert main(["results", str(db), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    # nothing for 庐阳区: not started, no grade
    assert [(r["county"], r["total"], r["grade"]) for r in rows] == [("瑶海区", "100.00", "优秀"), ("庐阳区", "0.00", None)]


def test_a_campaign_holding_its_indicator_set_inside_it(tmp_path: Path) -> None:
    inline = CAMPAIGN.replace('indicator_set = "hefei-2019"\n', "") + "\n[indicator_set]\n" + INDICATOR_SET.replace(
        "[[indicator", "[[indicator_set.indicator"
    )
    path = tmp_path / "hefei.toml"
    path.write_text(inline, encoding="utf-8")
    with workspace.create(tmp_path / "laptop.db", role="field", campaign_file=path, inspector="王五") as ws:
        assert ws.campaign.indicator_set.total_points == 100 and len(ws.campaign.indicator_set.items) == 3


def test_a_campaign_naming_a_set_that_is_nowhere_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "lost.toml"
    path.write_text(CAMPAIGN.replace('indicator_set = "hefei-2019"', 'indicator_set = "nowhere-2020"'), encoding="utf-8")
    with pytest.raises(InputError, match="indicator set 'nowhere-2020' not found"):
        workspace.create(tmp_path / "x.db", role="master", campaign_file=path)
    assert not (tmp_path / "x.db").exists()


def test_settings_valid_as_typed_but_not_as_stored_are_refused(master) -> None:
    current = settings.current(master)
    blank = tuple(dataclasses.replace(m, name=" ") if i == 0 else m for i, m in enumerate(current.milestones))
    with pytest.raises(InputError):
        settings.save(master, dataclasses.replace(current, milestones=blank))
    with workspace.open_workspace(master.location) as again:  # still opens
        assert again.campaign == master.campaign


def test_the_master_refuses_settings_that_break_the_campaigns_rules(master, tmp_path: Path) -> None:
    other = workspace.create(tmp_path / "other-master.db", role="master")
    try:
        # another master's program that skipped the checks
        forge(other, entity=reference.SETTINGS_ENTITY, record_id=reference.settings_id(other.campaign.id),
              payload={"weights": {"self-check": "0.5", "third-party": "0.5", "inspection": "0.5"}})
        export = tmp_path / "usb" / "other.db"
        sync.export(other, export)
        [report] = sync.merge(master, [export], enroll=SECOND_LEAD)
        assert (report.status, report.code) == ("refused", "value")
        assert "100" in report.reason
        assert versions_of_settings(master) == 0
        with workspace.open_workspace(master.location) as again:  # and the master still opens
            assert again.campaign.method("inspection").weight == Decimal("0.50")  # type: ignore[union-attr]
    finally:
        other.close()
