"""The field inspector's work on one county through the services: scores, findings,
problems and evidence as the item editor writes them and the tree reads them back."""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal
from pathlib import Path

import pytest
from forge import forge
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from db import versions
from desktop.core import scoring
from desktop.core.errors import InputError
from desktop.core.inspection import FindingStatus, InspectionMode
from desktop.services import inspection, records, workspace
from desktop.services.changes import Changes
from desktop.services.inspection import Finding

COUNTY = "341502"  # 金安区
OTHER_COUNTY = "341503"  # 裕安区
ME = "张三"


def count(ws: workspace.Workspace, sql: str) -> int:
    with ws.read() as conn:
        return int(conn.exec_driver_sql(sql).scalar_one())


def version_count(ws: workspace.Workspace) -> int:
    return count(ws, "SELECT count(*) FROM version")


def items(ws: workspace.Workspace, *, at_least: Decimal = Decimal(0)) -> list[str]:
    return [i.code for i in ws.campaign.indicator_set.items if i.points >= at_least]


def make_photo(
    path: Path, *, size: tuple[int, int] = (320, 200), orientation: int = 6, south_west: bool = False, zero_gps: bool = False
) -> Path:
    """A real photo (JPEG, or HEIC by its suffix) with EXIF: capture time, GPS position
    (degrees, minutes, seconds as rationals) and orientation."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif.get_ifd(0x8769)[0x9003] = "2018:09:12 10:30:00"
    gps = exif.get_ifd(0x8825)
    gps[1] = "S" if south_west else "N"
    gps[2] = (IFDRational(31), IFDRational(45), IFDRational(3600, 100))  # 31°45'36" = 31.76
    gps[3] = "W" if south_west else "E"
    gps[4] = (IFDRational(116), IFDRational(30), IFDRational(0))  # 116.5
    if zero_gps:  # what a camera without a fix may write: 0/0
        gps[2] = gps[4] = (IFDRational(0, 0), IFDRational(0, 0), IFDRational(0, 0))
    if path.suffix.lower() == ".heic":
        image.save(path, exif=exif.tobytes())
    else:
        image.save(path, "JPEG", exif=exif)
    return path


# --- scores and findings ----------------------------------------------------------------------


def test_save_item_reads_back_and_idle_autosave_writes_nothing(field) -> None:
    item = items(field, at_least=Decimal("2.5"))[0]
    findings = [
        Finding(InspectionMode.REPORT, "听取了汇报，情况清楚", FindingStatus.MET),
        Finding(InspectionMode.FIELD, "现场查看两处窗口", FindingStatus.PARTLY_MET, area="政务服务中心"),
    ]
    changed = inspection.save_item(field, COUNTY, item, score=Decimal("2.5"), comment="基本到位", findings=findings)
    assert changed == 3  # the score and two findings

    record = inspection.item_record(field, COUNTY, item)
    assert record.score == Decimal("2.5")
    assert record.comment == "基本到位"
    assert record.findings[InspectionMode.REPORT] == findings[0]
    assert record.findings[InspectionMode.FIELD] == findings[1]
    assert record.findings[InspectionMode.MATERIALS].empty
    assert record.findings[InspectionMode.ONLINE].empty

    status = inspection.county_status(field, COUNTY).item(item)
    assert status.scored
    assert status.score == Decimal("2.5")
    assert status.modes == {InspectionMode.REPORT, InspectionMode.FIELD}
    # nothing leaks into another county or another item
    assert not inspection.county_status(field, OTHER_COUNTY).items
    assert inspection.county_status(field, COUNTY).items.keys() == {item}

    before = version_count(field)
    # the editor re-sends everything it holds, including the modes never touched
    everything = [*findings, Finding(InspectionMode.MATERIALS), Finding(InspectionMode.ONLINE)]
    assert inspection.save_item(field, COUNTY, item, score=Decimal("2.50"), comment="基本到位", findings=everything) == 0
    assert version_count(field) == before

    # a changed comment alone is one change
    assert inspection.save_item(field, COUNTY, item, score=Decimal("2.5"), comment="到位", findings=everything) == 1
    assert inspection.item_record(field, COUNTY, item).comment == "到位"


def test_clearing_the_score_and_a_finding(field) -> None:
    item = items(field)[0]
    findings = [
        Finding(InspectionMode.REPORT, "汇报", FindingStatus.MET),
        Finding(InspectionMode.ONLINE, "网站栏目齐全", FindingStatus.NOT_MET),
    ]
    inspection.save_item(field, COUNTY, item, score=Decimal(2), comment="理由", findings=findings)

    cleared = [findings[0], Finding(InspectionMode.ONLINE)]  # text and status cleared
    assert inspection.save_item(field, COUNTY, item, score=None, comment="", findings=cleared) == 2
    record = inspection.item_record(field, COUNTY, item)
    assert record.score is None
    assert record.comment == ""
    assert record.findings[InspectionMode.ONLINE].empty
    assert record.findings[InspectionMode.REPORT] == findings[0]
    status = inspection.county_status(field, COUNTY).item(item)
    assert not status.scored
    assert status.modes == {InspectionMode.REPORT}
    with field.read() as conn:  # tombstones: the history keeps the cleared values
        assert conn.exec_driver_sql("SELECT count(*) FROM version WHERE entity = 'score' AND deleted").scalar_one() == 1
        assert conn.exec_driver_sql("SELECT count(*) FROM current_score").scalar_one() == 0

    # clearing again is an idle autosave
    before = version_count(field)
    assert inspection.save_item(field, COUNTY, item, score=None, comment="", findings=cleared) == 0
    assert version_count(field) == before

    # the last mode cleared: the item shows nothing at all
    inspection.save_item(field, COUNTY, item, score=None, comment="", findings=[Finding(InspectionMode.REPORT)])
    assert inspection.county_status(field, COUNTY).item(item) == inspection.ItemStatus()

    # and a score can come back after its tombstone
    assert inspection.save_item(field, COUNTY, item, score=Decimal(1), comment="复核", findings=[]) == 1
    assert inspection.item_record(field, COUNTY, item).score == Decimal(1)


def test_a_status_alone_or_an_area_alone_marks_the_mode(field) -> None:
    item = items(field)[0]
    inspection.save_item(
        field, COUNTY, item, score=None, comment="",
        findings=[Finding(InspectionMode.MATERIALS, status=FindingStatus.MET), Finding(InspectionMode.FIELD, area="某乡镇")],
    )
    record = inspection.item_record(field, COUNTY, item)
    assert record.findings[InspectionMode.MATERIALS].status is FindingStatus.MET
    assert record.findings[InspectionMode.FIELD].area == "某乡镇"
    # the tree marks a mode by its text or status
    assert InspectionMode.MATERIALS in inspection.county_status(field, COUNTY).item(item).modes


def test_node_score_sums_the_scored_items(field) -> None:
    indicators = field.campaign.indicator_set
    under = [n.code for n in indicators.items_under("1.2")]
    inspection.save_item(field, COUNTY, under[0], score=Decimal("0.5"), comment="", findings=[])
    inspection.save_item(field, COUNTY, under[1], score=Decimal(1), comment="", findings=[])
    status = inspection.county_status(field, COUNTY)
    assert status.node_score(indicators, "1.2") == scoring.Subtotal(Decimal("1.5"), 2, len(under))
    assert status.node_score(indicators, "1") == scoring.Subtotal(Decimal("1.5"), 2, len(indicators.items_under("1")))
    assert status.node_score(indicators, "2").score is None  # nothing under it scored: no subtotal, not 0


# --- check_score ------------------------------------------------------------------------------


def test_check_score_accepts(field) -> None:
    item = items(field, at_least=Decimal("2.5"))[0]
    points = field.campaign.indicator_set.node(item).points
    assert inspection.check_score(field, item, "") is None
    assert inspection.check_score(field, item, "   ") is None
    assert inspection.check_score(field, item, "2.5") == Decimal("2.5")
    assert inspection.check_score(field, item, " 0 ") == 0
    assert inspection.check_score(field, item, str(points)) == points


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("2.3", "not_half_step"), ("0.25", "not_half_step"), ("-1", "out_of_range"), ("-0.5", "out_of_range"),
        ("above", "out_of_range"), ("NaN", "out_of_range"), ("Infinity", "out_of_range"), ("abc", "not_a_number"),
        ("1,5", "not_a_number"),
    ],
)
def test_check_score_refuses(field, typed: str, code: str) -> None:
    item = items(field, at_least=Decimal("2.5"))[0]
    if typed == "above":  # half a point over the item's points
        typed = str(field.campaign.indicator_set.node(item).points + Decimal("0.5"))
    with pytest.raises(InputError) as caught:
        inspection.check_score(field, item, typed)
    assert caught.value.problems[0].code == code


def test_check_score_uses_each_items_points(field) -> None:
    small = min(field.campaign.indicator_set.items, key=lambda i: i.points)
    with pytest.raises(InputError, match="outside"):
        inspection.check_score(field, small.code, str(small.points + 1))
    assert inspection.check_score(field, small.code, str(small.points)) == small.points


# --- problems ---------------------------------------------------------------------------------


def test_default_deadline_is_the_rectification_milestone(field) -> None:
    assert inspection.default_deadline(field) == dt.date(2018, 9, 25)


def test_problem_create_edit_and_remove(field) -> None:
    item = items(field)[0]
    deadline = inspection.default_deadline(field)
    first = inspection.save_problem(field, COUNTY, item, description="  台账不全  ", severity="major", deadline=deadline)
    second = inspection.save_problem(field, COUNTY, item, description="公示超期", severity="minor", deadline=None)
    record = inspection.item_record(field, COUNTY, item)
    assert [p.record_id for p in record.problems] == [first, second]
    problem = record.problems[0]
    assert (problem.description, problem.severity, problem.deadline) == ("台账不全", "major", dt.date(2018, 9, 25))
    assert record.problems[1].deadline is None
    assert problem.created_at
    assert inspection.county_status(field, COUNTY).item(item).problems == 2

    edited = inspection.save_problem(
        field, COUNTY, item, description="台账不全，缺2018年", severity="serious", deadline=dt.date(2018, 10, 1), record_id=first
    )
    assert edited == first
    again = next(p for p in inspection.item_record(field, COUNTY, item).problems if p.record_id == first)
    assert (again.description, again.severity, again.deadline) == ("台账不全，缺2018年", "serious", dt.date(2018, 10, 1))
    assert again.created_at == problem.created_at
    assert inspection.county_status(field, COUNTY).item(item).problems == 2

    assert inspection.remove(field, "problem", first) == Changes.of("problem", [(COUNTY, item)])  # what it changed
    assert [p.record_id for p in inspection.item_record(field, COUNTY, item).problems] == [second]
    assert inspection.county_status(field, COUNTY).item(item).problems == 1
    before = version_count(field)
    assert not inspection.remove(field, "problem", first)  # already gone: nothing changed
    assert not inspection.remove(field, "problem", versions.new_id())  # never there
    assert version_count(field) == before

    inspection.remove(field, "problem", second)
    assert inspection.county_status(field, COUNTY).item(item).problems == 0


@pytest.mark.parametrize(("description", "severity"), [("", "minor"), ("   ", "major"), ("缺材料", "critical"), ("缺材料", "")])
def test_problem_refusals_write_nothing(field, description: str, severity: str) -> None:
    item = items(field)[0]
    with pytest.raises(InputError):
        inspection.save_problem(field, COUNTY, item, description=description, severity=severity, deadline=None)
    assert version_count(field) == 0
    assert inspection.item_record(field, COUNTY, item).problems == ()


# --- evidence ---------------------------------------------------------------------------------


def test_attach_photo_reads_exif(field, tmp_path: Path) -> None:
    item = items(field)[0]
    photo = make_photo(tmp_path / "现场.jpg")
    evidence, unreadable = inspection.attach(field, photo, county=COUNTY, item=item, mode=InspectionMode.FIELD)
    assert unreadable is False
    assert evidence.is_image and not evidence.is_pdf
    assert evidence.mode is InspectionMode.FIELD

    (listed,) = inspection.item_record(field, COUNTY, item).evidence
    assert listed == evidence
    assert listed.name == "现场.jpg"
    assert listed.mime == "image/jpeg"
    assert listed.size == photo.stat().st_size
    assert listed.taken_at == "2018-09-12T10:30:00"
    assert listed.caption == ""
    lat, lon = (float(v) for v in listed.gps.split(","))
    assert lat == pytest.approx(31.76, abs=1e-5)
    assert lon == pytest.approx(116.5, abs=1e-5)
    assert inspection.blob_bytes(field, listed.sha256) == photo.read_bytes()
    assert inspection.county_status(field, COUNTY).item(item).evidence == 1


def test_south_and_west_are_negative(tmp_path: Path) -> None:
    facts = inspection.photo_facts(make_photo(tmp_path / "s.jpg", south_west=True))
    lat, lon = (float(v) for v in facts.gps.split(","))
    assert lat == pytest.approx(-31.76, abs=1e-5)
    assert lon == pytest.approx(-116.5, abs=1e-5)


def test_a_photo_without_exif_has_no_time_or_place(field, tmp_path: Path) -> None:
    plain = tmp_path / "plain.png"
    Image.new("RGB", (40, 30)).save(plain)
    evidence, unreadable = inspection.attach(field, plain, county=COUNTY, item=items(field)[0], mode=InspectionMode.MATERIALS)
    assert not unreadable
    assert (evidence.mime, evidence.taken_at, evidence.gps) == ("image/png", None, None)


def test_a_phone_heic_photo(field, tmp_path: Path) -> None:
    # tests/data/phone.heic: what make_photo writes, saved as HEIC once (pi-heif only decodes)
    heic = tmp_path / "IMG_0001.HEIC"
    heic.write_bytes((Path(__file__).parents[1] / "data" / "phone.heic").read_bytes())
    evidence, unreadable = inspection.attach(field, heic, county=COUNTY, item=items(field)[0], mode=InspectionMode.FIELD)
    assert not unreadable
    assert evidence.is_image
    assert evidence.mime in {"image/heif", "image/heic"}
    assert evidence.taken_at == "2018-09-12T10:30:00"
    lat, lon = (float(v) for v in evidence.gps.split(","))
    assert (lat, lon) == (pytest.approx(31.76, abs=1e-5), pytest.approx(116.5, abs=1e-5))
    thumb = inspection.thumbnail(field, evidence.sha256)
    assert thumb is not None
    with Image.open(io.BytesIO(thumb)) as image:
        assert image.format == "JPEG"
        assert max(image.size) <= 160


def test_a_gps_without_a_fix_is_no_position(tmp_path: Path) -> None:
    facts = inspection.photo_facts(make_photo(tmp_path / "nofix.jpg", zero_gps=True))
    assert facts.taken_at == "2018-09-12T10:30:00"
    assert facts.gps is None


def test_a_very_large_photo_attaches(field, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = make_photo(tmp_path / "200mp.jpg")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 320 * 200 // 4)  # this photo now counts as a 200 MP one
    evidence, _ = inspection.attach(field, big, county=COUNTY, item=items(field)[0], mode=InspectionMode.FIELD)
    assert [e.record_id for e in inspection.item_record(field, COUNTY, items(field)[0]).evidence] == [evidence.record_id]


def test_a_very_large_photo_has_a_thumbnail_or_none(field, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = make_photo(tmp_path / "200mp.jpg")
    evidence, _ = inspection.attach(field, big, county=COUNTY, item=items(field)[0], mode=InspectionMode.FIELD)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 320 * 200 // 4)
    thumb = inspection.thumbnail(field, evidence.sha256)
    if thumb is not None:
        with Image.open(io.BytesIO(thumb)) as image:
            assert max(image.size) <= 160


def test_same_file_twice_is_one_evidence_and_one_blob(field, tmp_path: Path) -> None:
    first_item, second_item = items(field)[:2]
    photo = make_photo(tmp_path / "p.jpg")
    one, _ = inspection.attach(field, photo, county=COUNTY, item=first_item, mode=InspectionMode.FIELD)
    before = version_count(field)
    again, _ = inspection.attach(field, photo, county=COUNTY, item=first_item, mode=InspectionMode.FIELD)
    assert again == one
    assert version_count(field) == before
    assert len(inspection.item_record(field, COUNTY, first_item).evidence) == 1
    assert count(field, "SELECT count(*) FROM blob") == 1

    # a copy under another name is the same bytes in the same place: still one
    copy = tmp_path / "copy.jpg"
    copy.write_bytes(photo.read_bytes())
    assert inspection.attach(field, copy, county=COUNTY, item=first_item, mode=InspectionMode.FIELD)[0].record_id == one.record_id

    other, _ = inspection.attach(field, photo, county=COUNTY, item=second_item, mode=InspectionMode.FIELD)
    assert other.record_id != one.record_id
    assert other.sha256 == one.sha256
    assert len(inspection.item_record(field, COUNTY, second_item).evidence) == 1
    other_mode, _ = inspection.attach(field, photo, county=COUNTY, item=first_item, mode=InspectionMode.REPORT)
    assert other_mode.record_id != one.record_id
    assert count(field, "SELECT count(*) FROM current_evidence") == 3
    assert count(field, "SELECT count(*) FROM blob") == 1


def test_a_corrupt_photo_is_kept_as_a_document(field, tmp_path: Path) -> None:
    item = items(field)[0]
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(random.Random(1).randbytes(4096))  # seeded: never a valid image by chance
    evidence, unreadable = inspection.attach(field, broken, county=COUNTY, item=item, mode=InspectionMode.FIELD)
    assert unreadable is True
    assert evidence.mime == "application/octet-stream"
    assert not evidence.is_image
    (listed,) = inspection.item_record(field, COUNTY, item).evidence
    assert (listed.mime, listed.taken_at, listed.gps) == ("application/octet-stream", None, None)
    assert inspection.blob_bytes(field, listed.sha256) == broken.read_bytes()
    assert inspection.thumbnail(field, listed.sha256) is None


def test_documents(field, tmp_path: Path) -> None:
    item = items(field)[0]
    pdf = tmp_path / "整改报告.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n")
    docx = tmp_path / "汇报材料.docx"
    docx.write_bytes(b"PK\x03\x04 not really a zip but a document by name")
    as_pdf, unreadable = inspection.attach(field, pdf, county=COUNTY, item=item, mode=InspectionMode.MATERIALS)
    assert not unreadable
    assert as_pdf.is_pdf and not as_pdf.is_image
    assert as_pdf.mime == "application/pdf"
    as_docx, unreadable = inspection.attach(field, docx, county=COUNTY, item=item, mode=InspectionMode.MATERIALS)
    assert not unreadable
    assert as_docx.mime == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert as_docx.size == docx.stat().st_size
    assert {e.name for e in inspection.item_record(field, COUNTY, item).evidence} == {"整改报告.pdf", "汇报材料.docx"}
    assert inspection.thumbnail(field, as_pdf.sha256) is None
    assert count(field, "SELECT count(*) FROM thumbnail") == 0


def test_refused_files_write_nothing(field, tmp_path: Path) -> None:
    item = items(field)[0]
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-1.4 " + b"x" * 2000)
    with pytest.raises(InputError, match="limit"):
        inspection.attach(field, big, county=COUNTY, item=item, mode=InspectionMode.MATERIALS, max_bytes=1000)
    with pytest.raises(InputError, match="not there"):
        inspection.attach(field, tmp_path / "gone.jpg", county=COUNTY, item=item, mode=InspectionMode.FIELD)
    folder = tmp_path / "folder.jpg"
    folder.mkdir()
    with pytest.raises(InputError, match="folder"):
        inspection.attach(field, folder, county=COUNTY, item=item, mode=InspectionMode.FIELD)
    assert version_count(field) == 0
    assert count(field, "SELECT count(*) FROM blob") == 0
    # exactly at the limit is allowed
    exact = tmp_path / "exact.pdf"
    exact.write_bytes(b"%PDF-1.4 " + b"x" * 991)
    inspection.attach(field, exact, county=COUNTY, item=item, mode=InspectionMode.MATERIALS, max_bytes=1000)
    assert count(field, "SELECT count(*) FROM blob") == 1


def test_inbox_evidence_is_under_no_item(field, tmp_path: Path) -> None:
    photo = make_photo(tmp_path / "inbox.jpg")
    evidence, _ = inspection.attach(field, photo, county=None, item=None, mode=None)
    assert evidence.mode is None
    with field.read() as conn:
        rows = conn.exec_driver_sql("SELECT record_id, county, item, mode, inspector FROM current_evidence").all()
    assert [tuple(r) for r in rows] == [(evidence.record_id, None, None, None, ME)]
    assert not inspection.county_status(field, COUNTY).items
    assert all(not inspection.item_record(field, COUNTY, code).evidence for code in items(field))

    # filed later under an item, it is a second record of the same blob
    filed, _ = inspection.attach(field, photo, county=COUNTY, item=items(field)[0], mode=InspectionMode.FIELD)
    assert filed.record_id != evidence.record_id
    assert count(field, "SELECT count(*) FROM blob") == 1


def test_thumbnail_is_small_upright_and_cached(field, tmp_path: Path) -> None:
    photo = make_photo(tmp_path / "big.jpg", size=(1200, 800), orientation=6)  # 6: the camera was turned: show it portrait
    evidence, _ = inspection.attach(field, photo, county=COUNTY, item=items(field)[0], mode=InspectionMode.FIELD)
    thumb = inspection.thumbnail(field, evidence.sha256)
    assert thumb is not None
    with Image.open(io.BytesIO(thumb)) as image:
        assert image.format == "JPEG"
        assert max(image.size) <= 160
        width, height = image.size
    assert height > width
    assert height == 160
    with field.read() as conn:
        stored = conn.exec_driver_sql(
            "SELECT data FROM thumbnail WHERE sha256 = ? AND size = 160", (evidence.sha256,)
        ).scalar_one()
    assert bytes(stored) == thumb

    # the second call reads the cache, not the photo
    with field.write() as conn:
        conn.exec_driver_sql("UPDATE thumbnail SET data = ? WHERE sha256 = ?", (b"cached", evidence.sha256))
    assert inspection.thumbnail(field, evidence.sha256) == b"cached"
    assert count(field, "SELECT count(*) FROM thumbnail") == 1


def test_caption_and_removal(field, tmp_path: Path) -> None:
    item = items(field)[0]
    photo = make_photo(tmp_path / "p.jpg")
    evidence, _ = inspection.attach(field, photo, county=COUNTY, item=item, mode=InspectionMode.FIELD)

    assert inspection.set_caption(field, evidence.record_id, "  便民服务窗口  ").touches("evidence", county=COUNTY)
    (listed,) = inspection.item_record(field, COUNTY, item).evidence
    assert listed.caption == "便民服务窗口"
    assert (listed.sha256, listed.taken_at, listed.gps) == (evidence.sha256, evidence.taken_at, evidence.gps)
    before = version_count(field)
    assert not inspection.set_caption(field, evidence.record_id, "便民服务窗口")
    assert version_count(field) == before

    assert inspection.remove(field, "evidence", evidence.record_id)
    assert inspection.item_record(field, COUNTY, item).evidence == ()
    assert inspection.county_status(field, COUNTY).item(item).evidence == 0
    assert count(field, "SELECT count(*) FROM blob") == 1  # the history still names it
    assert inspection.blob_bytes(field, evidence.sha256) == photo.read_bytes()
    assert not inspection.set_caption(field, evidence.record_id, "改")  # removed: nothing to caption

    # attached again after removal, it comes back
    back, _ = inspection.attach(field, photo, county=COUNTY, item=item, mode=InspectionMode.FIELD)
    assert back.record_id == evidence.record_id
    assert len(inspection.item_record(field, COUNTY, item).evidence) == 1


# --- whose records --------------------------------------------------------------------------


def test_another_inspectors_records_never_show(field) -> None:
    item = items(field)[0]
    # as the master's export brings them (stored here as they come: another inspector's records)
    payload = {"county": COUNTY, "item": item, "inspector": "李四", "score": "3", "comment": "李四的理由"}
    forge(field, entity="score", record_id=records.score_id(field, COUNTY, item, "李四"), payload=payload)
    forge(
        field, entity="finding", record_id=records.finding_id(field, COUNTY, item, "李四", InspectionMode.REPORT),
        payload={
            "county": COUNTY, "item": item, "inspector": "李四", "mode": "report", "text": "李四看过", "status": "met", "area": "",
        },
    )
    forge(
        field, entity="problem", record_id=versions.new_id(),
        payload={"county": COUNTY, "item": item, "inspector": "李四", "description": "李四的问题", "severity": "minor",
                 "deadline": None, "created_at": "2018-09-12T00:00:00+00:00"},
    )
    forge(
        field, entity="evidence", record_id=versions.new_id(),
        payload={"county": COUNTY, "item": item, "mode": "field", "inspector": "李四", "sha256": "0" * 64, "name": "李四.jpg",
                 "mime": "image/jpeg", "size": 1, "attached_at": "2018-09-12T00:00:00+00:00"},
    )
    assert count(field, "SELECT count(*) FROM current_score") == 1

    record = inspection.item_record(field, COUNTY, item)
    assert record.score is None
    assert record.comment == ""
    assert all(f.empty for f in record.findings.values())
    assert record.problems == ()
    assert record.evidence == ()
    assert not inspection.county_status(field, COUNTY).items

    # 张三's own score of the same item is his alone
    inspection.save_item(field, COUNTY, item, score=Decimal(1), comment="我的", findings=[])
    assert inspection.item_record(field, COUNTY, item).score == Decimal(1)
    assert inspection.county_status(field, COUNTY).item(item) == inspection.ItemStatus(score=Decimal(1))
    assert count(field, "SELECT count(*) FROM current_score") == 2


def test_a_master_has_no_field_workspace(tmp_path: Path) -> None:
    with workspace.create(tmp_path / "master.db", role="master") as master:
        item = items(master)[0]
        with pytest.raises(InputError, match="inspector"):
            inspection.county_status(master, COUNTY)
        with pytest.raises(InputError, match="inspector"):
            inspection.item_record(master, COUNTY, item)
        with pytest.raises(InputError, match="inspector"):
            inspection.save_item(master, COUNTY, item, score=Decimal(1), comment="", findings=[])
        with pytest.raises(InputError, match="inspector"):
            inspection.save_problem(master, COUNTY, item, description="x", severity="minor", deadline=None)
        assert version_count(master) == 0


def test_removing_with_the_wrong_kind_deletes_nothing(tmp_path: Path) -> None:
    """An id passed as the wrong kind of record (a problem's as evidence) leaves it alone."""
    with workspace.create(tmp_path / "w.db", role="field", inspector="张三") as ws:
        rid = inspection.save_problem(ws, "341502", "1.1.1", description="缺会议纪要", severity="minor", deadline=None)
        assert not inspection.remove(ws, "evidence", rid)
        assert [p.record_id for p in inspection.item_record(ws, "341502", "1.1.1").problems] == [rid]
        assert inspection.remove(ws, "problem", rid)
        assert inspection.item_record(ws, "341502", "1.1.1").problems == ()
