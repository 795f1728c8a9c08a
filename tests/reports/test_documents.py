"""The printed records, read back as a user's tools read them: poppler's pdftotext for the
Chinese text, pdffonts for the embedded font, pdfsig and `yanshou verify` for the digital
signature, which must hold on the file as written and break on one changed byte."""

from __future__ import annotations

import io
import os
import random
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from commands import run

from desktop.core.errors import InputError
from desktop.core.inspection import FindingStatus, InspectionMode
from desktop.core.numbers import round_half_up
from desktop.reports.model import OVERDUE
from desktop.services import decisions, documents, inspection, results, sample, sync, workspace

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext, pdffonts, pdfsig) is not installed")

JINAN = "341502"  # 金安区
LONG = "长" * 3000 + "（完）"


@dataclass
class Campaign:
    root: Path
    master: Path
    laptops: dict[str, Path]
    home: Path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Campaign:
    """Two inspectors' laptops for 金安区 (every item, findings, problems, photos, both
    signatures each), merged into a master; one finding is very long."""
    root = tmp_path_factory.mktemp("campaign")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("YANSHOU_DATA_DIR", str(root / "data"))
        mp.setenv("YANSHOU_CONFIG_DIR", str(root / "config"))
        master = workspace.create(root / "master.db", role="master")
        laptops = {}
        for n, who in enumerate(("张三", "李四")):
            path = root / f"{who}.db"
            with workspace.create(path, role="field", inspector=who) as ws:
                sample.fill(ws, [JINAN], root / "photos", seed=n, photos_per_county=4, liaison={JINAN: "王主任"})
                if who == "张三":
                    inspection.save_item(
                        ws, JINAN, "5.3.1", score=Decimal(4), comment="",
                        findings=[inspection.Finding(InspectionMode.REPORT, LONG, FindingStatus.MET)],
                    )
                    for role, name in (("inspector", who), ("liaison", "王主任")):
                        strokes = sample.scribble(random.Random(1))
                        inspection.sign(ws, JINAN, signer_role=role, signer_name=name, strokes=strokes, png=sample.signature_png(strokes))
                sync.export(ws, root / f"usb-{who}.db")
            sync.merge(master, [root / f"usb-{who}.db"], enroll=True)
            laptops[who] = path
        master.close()
    return Campaign(root, root / "master.db", laptops, root)


@pytest.fixture
def campaign(built: Campaign, monkeypatch: pytest.MonkeyPatch) -> Campaign:
    monkeypatch.setenv("YANSHOU_DATA_DIR", str(built.root / "data"))
    monkeypatch.setenv("YANSHOU_CONFIG_DIR", str(built.root / "config"))
    return built


def text_of(pdf: Path, page: int | None = None, *, layout: bool = False) -> str:
    args = ["pdftotext", *(["-layout"] if layout else [])]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]


def fonts(pdf: Path) -> list[tuple[str, bool]]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    found = []
    for line in out:
        name = line.split()[0]
        # columns: name type encoding emb sub uni object: "emb" is the 3rd from the yes/no group
        flags = re.findall(r"\b(yes|no)\b", line)
        found.append((name, flags[0] == "yes"))
    return found


def pdfsig(pdf: Path) -> str:
    done = subprocess.run(["pdfsig", str(pdf)], check=False, capture_output=True, text=True)
    return done.stdout + done.stderr


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_record_shows_every_item_finding_problem_and_signature(campaign: Campaign, capsys, tmp_path: Path) -> None:
    out = tmp_path / "记录.pdf"
    code, said, err = run(capsys, "record", campaign.master, "--county", "金安区", "--out", out)
    assert code == 0, err
    body = flat(text_of(out))
    assert "检查记录表" in body and "金安区" in body and "张三、李四" in body
    with workspace.open_workspace(campaign.master) as ws:
        detail = results.county_detail(ws, JINAN)
        for node in ws.campaign.indicator_set.items:
            assert flat(node.name)[:12] in body, node.code  # every item's text (line breaks aside)
        some = detail["1.1.1"].by_inspector["李四"].findings
        assert flat(next(iter(some.values())))[:30] in body
        problems = [p.description for p in documents.inspection_record(ws, ws.campaign.county(JINAN)).problems]
    assert problems and all(flat(p)[:20] in body for p in problems)
    assert "王主任" in body and "签字确认" in body and "附：佐证照片" in body and "拍摄：2018-09-12" in body
    # nothing clipped: the 3000-character finding is there to its last words
    assert body.count("长") >= 3000 and "长（完）" in body
    n = pages(out)
    assert f"{n}pages" in flat(said)
    for page in (1, n):
        footer = flat(text_of(out, page))
        assert f"第{page}页共{n}页" in footer and "JL-341502-ALL" in footer
    digest = re.search(r"SHA-256 ([0-9a-f]{64})", said).group(1)  # type: ignore[union-attr]
    assert digest[:32] in flat(text_of(out, n)) and digest[32:] in flat(text_of(out, n))


def test_the_font_is_embedded_and_no_other_font_is_needed(campaign: Campaign, capsys, tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    assert run(capsys, "record", campaign.master, "--county", "金安区", "--out", out)[0] == 0
    found = fonts(out)
    assert found and all(embedded for _name, embedded in found), found
    assert any("WenQuanYi" in name for name, _ in found)


def test_one_inspectors_record_and_its_signature_going_stale(campaign: Campaign, capsys, tmp_path: Path) -> None:
    out = tmp_path / "zhang.pdf"
    assert run(capsys, "record", campaign.master, "--county", "金安区", "--inspector", "李四", "--out", out)[0] == 0
    body = flat(text_of(out))
    assert "李四" in body and "张三" not in body.replace("张三评分", "")
    assert "需重新签名" not in body
    # the laptop edits after signing: its own record then says the signature is outdated
    with workspace.open_workspace(campaign.laptops["李四"]) as ws:
        inspection.save_problem(ws, JINAN, "2.1.1", description="签字后补记的问题", severity="minor", deadline=None)
    stale = tmp_path / "stale.pdf"
    assert run(capsys, "record", campaign.laptops["李四"], "--county", "金安区", "--out", stale)[0] == 0
    assert "签署后记录已修改，需重新签名" in flat(text_of(stale))


def test_a_signed_record_verifies_and_breaks_on_one_changed_byte(campaign: Campaign, capsys, tmp_path: Path) -> None:
    out = tmp_path / "signed.pdf"
    code, said, err = run(capsys, "record", campaign.laptops["张三"], "--county", "金安区", "--out", out, "--sign")
    assert code == 0, err
    assert "signed" in said
    code, said, _ = run(capsys, "verify", out)
    assert code == 0
    assert "signer:   张三" in said and "intact:   yes" in said and "the whole file" in said
    assert "Signature is Valid" in pdfsig(out)
    data = bytearray(out.read_bytes())
    # one byte of the page content (inside the signed range), changed
    spot = data.index(b"stream", 2000) + 40
    data[spot] ^= 0x01
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(bytes(data))
    code, said, _ = run(capsys, "verify", broken)
    assert code == 1 and "NOT INTACT" in said
    assert "Signature is Valid" not in pdfsig(broken)
    # bytes added after the signature: the signature no longer covers the file
    grown = tmp_path / "grown.pdf"
    grown.write_bytes(out.read_bytes() + b"\n% appended\n")
    code, said, _ = run(capsys, "verify", grown)
    assert code == 1 and "NOT the whole file" in said


def test_the_summary_states_every_countys_result(campaign: Campaign, capsys, tmp_path: Path) -> None:
    out = tmp_path / "汇总.pdf"
    code, _said, err = run(capsys, "report", campaign.master, "--out", out, "--sign")
    assert code == 0, err
    body = flat(text_of(out))
    lines = text_of(out, layout=True).splitlines()
    assert "验收结果汇总表" in body and "评定规则" in body
    with workspace.open_workspace(campaign.master) as ws:
        for r in results.results(ws):
            name = ws.campaign.county(r.county).name
            at = next(i for i, line in enumerate(lines) if name in line.split())
            row = lines[at].split()
            if r.rank is None:  # not started: no rank, total or grade, said so
                assert row[:2] == ["—", name] and "未开始" in row, row
                continue
            assert row[:2] == [str(r.rank), name] and str(r.shown_total) in row, row
            assert r.grade is not None and r.grade.value in " ".join(lines[at - 1 : at + 2])  # the grade cell may take two lines
        assert "暂定" in body  # incomplete counties are not presented as final
    assert run(capsys, "verify", out)[0] == 0


def test_the_summary_names_the_items_the_lead_adjudicated(capsys, tmp_path: Path) -> None:
    """The lead's score replaces the inspectors' mean in the inspection score: the summary says
    which items, what the inspectors gave and why, as the record and the desk do."""
    master = tmp_path / "master.db"
    for n, who in enumerate(("张三", "李四")):
        with workspace.create(tmp_path / f"{who}.db", role="field", inspector=who) as laptop:
            sample.fill(laptop, [JINAN], tmp_path / "photos", seed=n, photos_per_county=0)
            sync.export(laptop, tmp_path / f"usb-{who}.db")
    with workspace.create(master, role="master") as ws:
        sync.merge(ws, [tmp_path / "usb-张三.db", tmp_path / "usb-李四.db"], enroll=True)
        assert run(capsys, "report", master, "--out", tmp_path / "plain.pdf")[0] == 0
        decisions.adjudicate(ws, JINAN, "1.1.1", "1.5", "复核台账后认定")
        item = next(i for i in next(r for r in results.results(ws) if r.county == JINAN).items if i.item == "1.1.1")
        name = ws.campaign.indicator_set.node("1.1.1").name
    inspectors = [s.score for s in item.scores]
    assert item.score == Decimal("1.5") and inspectors  # both laptops scored it
    out = tmp_path / "汇总.pdf"
    assert run(capsys, "report", master, "--out", out)[0] == 0
    body = flat(text_of(out))
    mean = round_half_up(sum(inspectors, Decimal(0)) / len(inspectors))
    assert "组长裁定的指标" in body and "复核台账后认定" in body and flat(f"1.1.1 {name}")[:20] in body
    assert any(line.split()[-3:] == ["1.50", str(mean), "复核台账后认定"] for line in text_of(out, layout=True).splitlines())
    assert "组长裁定" not in flat(text_of(tmp_path / "plain.pdf"))  # the section only when there is one


def test_the_problem_list_of_a_county(campaign: Campaign, capsys, tmp_path: Path) -> None:
    out = tmp_path / "问题.pdf"
    assert run(capsys, "problems", campaign.master, "--county", "金安区", "--out", out)[0] == 0
    body = flat(text_of(out))
    with workspace.open_workspace(campaign.master) as ws:
        listed = documents.problem_list(ws, ws.campaign.county(JINAN)).problems
    assert "问题整改清单" in body and f"问题{len(listed)}项" in body
    for p in listed:
        assert flat(p.description)[:10] in body
    # deadlines default to the campaign's rectification date (2018): all overdue now, each said
    # on one line of its cell (at 17 mm it wrapped as 逾期未整 / 改)
    overdue = sum(p.status == OVERDUE for p in listed)
    assert overdue == len(listed) and text_of(out, layout=True).count(OVERDUE) == overdue


def test_bad_requests_are_refused_and_write_nothing(campaign: Campaign, capsys, tmp_path: Path) -> None:
    out = tmp_path / "x.pdf"
    code, _, err = run(capsys, "record", campaign.master, "--county", "不存在县", "--out", out)
    assert code == 2 and "不存在县" in err and "金安区" in err
    code, _, err = run(capsys, "record", campaign.master, "--county", "金安区", "--inspector", "赵六", "--out", out)
    assert code == 2 and "赵六" in err
    assert not out.exists() and not list(tmp_path.glob("*.partial"))
    unsigned = tmp_path / "u.pdf"
    assert run(capsys, "problems", campaign.master, "--county", "金安区", "--out", unsigned)[0] == 0
    code, said, _ = run(capsys, "verify", unsigned)
    assert code == 1 and "NOT SIGNED" in said
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7\n" + os.urandom(2000))
    code, _, err = run(capsys, "verify", junk)
    assert code == 2 and "junk.pdf" in err


def test_the_data_hash_follows_the_data(campaign: Campaign) -> None:
    with workspace.open_workspace(campaign.laptops["张三"]) as ws:
        county = ws.campaign.county(JINAN)
        first = documents.inspection_record(ws, county).digest()
        assert documents.inspection_record(ws, county).digest() == first  # same data, same hash
        inspection.save_item(ws, JINAN, "1.1.1", score=Decimal("2.5"), comment="复核后调整", findings=[])
        assert documents.inspection_record(ws, county).digest() != first


def test_verify_with_the_master_knows_whose_key_signed(campaign: Campaign, capsys, tmp_path: Path) -> None:
    out = tmp_path / "zhang.pdf"
    assert run(capsys, "record", campaign.laptops["张三"], "--county", "金安区", "--out", out, "--sign")[0] == 0
    code, said, _ = run(capsys, "verify", out)
    assert code == 0 and "identity: not checked" in said
    code, said, _ = run(capsys, "verify", out, "--db", campaign.master)
    assert code == 0 and "enrolled device" in said and "张三" in said
    # a key the master never enrolled, under 张三's name and device: refused
    from cryptography.hazmat.primitives.asymmetric import ec

    from desktop.reports.signing import SignerInfo, sign_pdf

    with workspace.open_workspace(campaign.laptops["张三"]) as ws:
        device = ws.identity.device_id
    plain = tmp_path / "plain.pdf"
    assert run(capsys, "record", campaign.laptops["张三"], "--county", "金安区", "--out", plain)[0] == 0
    forged = tmp_path / "forged.pdf"
    stranger = ec.generate_private_key(ec.SECP256R1())
    forged.write_bytes(sign_pdf(plain.read_bytes(), stranger, SignerInfo("张三", device, "field"), reason="x"))
    code, said, _ = run(capsys, "verify", forged, "--db", campaign.master)
    assert code == 1 and "NOT an enrolled device's key" in said


# --- what users type, and what files carry --------------------------------------------------------


@pytest.fixture
def laptop(tmp_path: Path) -> Iterator[workspace.Workspace]:
    with workspace.create(tmp_path / "l.db", role="field", inspector="张三") as ws:
        yield ws


def test_long_and_many_lined_text_and_markup_print_whole(laptop: workspace.Workspace, capsys, tmp_path: Path) -> None:
    from PIL import Image

    checklist = "\n".join(f"{n}. 已公开第{n}项" for n in range(1, 57))  # 56 short lines
    inspection.save_item(laptop, JINAN, "1.1.1", score=Decimal(3), comment="",
                         findings=[inspection.Finding(InspectionMode.MATERIALS, checklist, FindingStatus.MET)])
    inspection.save_problem(laptop, JINAN, "1.1.2", description="问" * 1200 + "<b>&</b>末尾", severity="major", deadline=None)
    photo = tmp_path / "p.jpg"
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "<font name='X'>"  # not a time, and markup
    Image.new("RGB", (640, 480), (200, 30, 30)).save(photo, "JPEG", exif=exif)
    inspection.attach(laptop, photo, county=JINAN, item="1.1.1", mode=InspectionMode.FIELD, caption="说明" * 1000 + "<i>")
    strokes = sample.scribble(random.Random(2))
    inspection.sign(laptop, JINAN, signer_role="liaison", signer_name="金安区人民政府办公室政务公开科科长兼信息公开工作负责人王某某",
                    strokes=strokes, png=sample.signature_png(strokes))
    for command in ("record", "problems"):
        out = tmp_path / f"{command}.pdf"
        code, _, err = run(capsys, command, laptop.path, "--county", "金安区", "--out", out)
        assert code == 0, err
        body = flat(text_of(out))
        assert "问问问" in body and "<b>&</b>末尾" in body
        if command == "record":
            assert "56.已公开第56项" in body and "拍摄：无记录" in body and "说明说…" in body
            assert "信息公开工作负责人王某某" in body


def test_a_pdf_is_never_written_over_a_database_or_half_written(laptop: workspace.Workspace, capsys, tmp_path: Path) -> None:
    before = laptop.path.read_bytes()[:100]
    code, _, err = run(capsys, "report", laptop.path, "--out", laptop.path)
    assert code == 2 and "database" in err
    other = tmp_path / "other.db"
    workspace.create(other, role="master").close()
    code, _, err = run(capsys, "report", laptop.path, "--out", other)
    assert code == 2 and "database" in err
    folder = tmp_path / "a-folder"
    folder.mkdir()
    code, _, err = run(capsys, "report", laptop.path, "--out", folder)
    assert code == 2 and "folder" in err
    assert laptop.path.read_bytes()[:100] == before and not list(tmp_path.glob("*.partial"))
    # the window's Save writes through the same function, with the same refusal
    with pytest.raises(InputError):
        documents.write_file(other, b"%PDF-1.4")
    with pytest.raises(InputError):
        documents.write_file(laptop.path.with_name("l.db"), b"%PDF-1.4", laptop.path)


def test_a_character_the_font_lacks_prints_as_a_box_not_as_nothing(laptop: workspace.Workspace, capsys, tmp_path: Path) -> None:
    inspection.save_problem(laptop, JINAN, "1.1.2", description="联络员吉𠮷祥反映：📷已补拍", severity="minor", deadline=None)
    out = tmp_path / "p.pdf"
    assert run(capsys, "problems", laptop.path, "--county", "金安区", "--out", out)[0] == 0
    assert "联络员吉□祥反映：□已补拍" in flat(text_of(out))


def stamp_lines(pdf: bytes) -> list[str]:
    """The lines of the signature's visible stamp, as its appearance stream marks them (each
    line's /ActualText, a PDF string in UTF-16)."""
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader

    field = PdfFileReader(io.BytesIO(pdf)).root["/AcroForm"]["/Fields"][0]
    stream = field["/AP"]["/N"].data
    unescaped = re.sub(rb"\\([0-7]{1,3}|.)", lambda m: bytes([int(m[1], 8)]) if m[1].isdigit() else m[1], stream)
    return [raw.decode("utf-16") for raw in re.findall(rb"/ActualText \((.*?)\)\n>>", unescaped, re.S)]


def test_the_visible_stamp_is_in_chinese_with_the_time_and_its_real_offset(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stamp was in English, and its time pyHanko's, named 'CST' (China's, or America's
    Central?) or, earlier, local time labelled 'UTC', eight hours off."""
    import datetime as dt
    import time

    from cryptography.hazmat.primitives.asymmetric import ec

    from desktop.reports import layout
    from desktop.reports.signing import SignerInfo, sign_pdf

    if not hasattr(time, "tzset"):
        pytest.skip("POSIX: the time zone is set through TZ (Windows takes it from the system)")
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        with layout.BUILD_LOCK:
            from reportlab.pdfgen import canvas

            out = io.BytesIO()
            page = canvas.Canvas(out)
            page.showPage()
            page.save()
        signed = sign_pdf(out.getvalue(), ec.generate_private_key(ec.SECP256R1()), SignerInfo("张三", "74abdd7a-0000", "field"),
                          reason="检查记录表", now=dt.datetime(2018, 9, 12, 8, 30, tzinfo=dt.UTC))
        assert stamp_lines(signed) == ["电子签名（PAdES）", "设备：74abdd7a", "签名时间：2018-09-12 16:30:00 UTC+08:00"]
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
