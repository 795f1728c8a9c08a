"""验收成绩单 read back as a user's tools read it (pdftotext, pdfinfo, pdffonts, pdfsig and
`yanshou verify`), from a master that merged two laptops' work: one page per county with its
rank, total and grade (暂定 when provisional; none for a county not started), the methods'
scores, the first-level profile, the flagged disagreement and the problems still open."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from commands import run

from desktop.core import words
from desktop.core.numbers import show
from desktop.reports import model
from desktop.reports import scorecard as drawing
from desktop.services import decisions, documents, imports, inspection, rectification, results, scorecard, workspace
from tests import teamwork

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext, pdfinfo, pdfsig) is not installed")

JINAN, YUAN, HUOSHAN = "341502", "341503", "341525"  # 金安区, 裕安区, 霍山县
OPEN_PROBLEM = "政务公开栏内容未及时更新"
SETTLED_PROBLEM = "领导小组会议记录不全"


@dataclass
class Team:
    root: Path
    master: Path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Team:
    """张三 scored every item of 金安区 (1.1.1 at 0.5 of 3) and two of 裕安区; 李四 scored 金安区's
    1.1.1 at 3 (a spread of 2.5: flagged at a third of 3) and 1.2.1 at 1.5 beside 张三's 2 (0.5:
    under a third of 2). 李四 found a problem left open; 张三 one rectified, which the lead
    verified. The lead imported 金安区's self-check (90) and third-party (85.5) scores and 裕安区's
    self-check (80), and took 0.5 off 金安区's total. 霍山县 has nothing."""
    root = tmp_path_factory.mktemp("scorecard")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("YANSHOU_DATA_DIR", str(root / "data"))
        mp.setenv("YANSHOU_CONFIG_DIR", str(root / "config"))
        zhang, li = teamwork.laptop(root, "张三"), teamwork.laptop(root, "李四")
        for node in zhang.campaign.indicator_set.items:
            teamwork.score(zhang, "金安区", node.code, "0.5" if node.code == "1.1.1" else str(node.points))
        teamwork.score(zhang, "裕安区", "1.1.1", "2")
        teamwork.score(zhang, "裕安区", "1.2.1", "1")
        teamwork.score(li, "金安区", "1.1.1", "3")
        teamwork.score(li, "金安区", "1.2.1", "1.5")
        inspection.save_problem(li, JINAN, "2.1.1", description=OPEN_PROBLEM, severity="major", deadline=dt.date(2018, 9, 25))
        settled = inspection.save_problem(zhang, JINAN, "1.1.2", description=SETTLED_PROBLEM, severity="minor", deadline=None)
        rectification.set_status(zhang, settled, "rectified", account="已补齐会议记录")
        exports = [teamwork.export(zhang, root), teamwork.export(li, root)]
        zhang.close()
        li.close()
        with workspace.create(root / "master.db", role="master") as master:
            teamwork.merge(master, exports)
            rectification.set_status(master, settled, "verified")
            imports.import_sheet(master, _sheet(root / "self.csv", ["金安区,90", "裕安区,80"]), "self-check")
            imports.import_sheet(master, _sheet(root / "third.csv", ["金安区,85.5"]), "third-party")
            decisions.adjust(master, JINAN, "-0.5", "年度考评扣分")
    return Team(root, root / "master.db")


def _sheet(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join(["county,score", *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def team(built: Team, monkeypatch: pytest.MonkeyPatch) -> Team:
    monkeypatch.setenv("YANSHOU_DATA_DIR", str(built.root / "data"))
    monkeypatch.setenv("YANSHOU_CONFIG_DIR", str(built.root / "config"))
    return built


def text_of(pdf: Path, *, layout: bool = False) -> str:
    args = ["pdftotext", *(["-layout"] if layout else []), str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]


def printed(capsys: pytest.CaptureFixture[str], team: Team, county: str, out: Path, *extra: str) -> list[list[str]]:
    """The page's lines as pdftotext -layout sets them, each as its words."""
    code, said, err = run(capsys, "scorecard", team.master, "--county", county, "--out", out, *extra)
    assert code == 0, err
    assert "1 pages" in said and pages(out) == 1
    return [line.split() for line in text_of(out, layout=True).splitlines() if line.strip()]


def line(lines: list[list[str]], first: str) -> list[str]:
    """The words of the first line that has the word `first`."""
    return next(words for words in lines if first in words)


def body_of(lines: list[list[str]]) -> str:
    return "".join("".join(words) for words in lines)


def test_a_countys_scorecard(team: Team, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    lines = printed(capsys, team, "金安区", tmp_path / "金安区.pdf")
    body = body_of(lines)
    assert "验收成绩单" in body and "被检查单位：金安区" in body and "评分人员（2人）：张三、李四" in body
    with workspace.open_workspace(team.master) as ws:
        result = next(r for r in results.results(ws) if r.county == JINAN)
    assert result.grade is not None and not result.provisional
    # by hand: inspection 100 − 3 − 2 + (0.5 + 3)/2 + (2 + 1.5)/2 = 98.5; 0.1 × 90 + 0.4 × 85.5 + 0.5 × 98.5 − 0.5 = 91.95
    assert line(lines, "91.95") == ["91.95", "第1名", result.grade.value, "完整"]
    assert "含调整-0.50" in body and "共2个参评县（市、区）" in body and "暂定" not in body
    assert line(lines, "自查自评")[:3] == ["自查自评", "专业机构测评", "全面检查"] and "权重10%" in body
    assert line(lines, "90.00") == ["90.00", "85.50", "98.50", "-0.50", "91.95"]
    assert "总分调整-0.50：年度考评扣分" in body
    # the first level against its points: 组织领导 16 − 5 + 1.75 + 1.75 = 14.5 of 16, 91%
    assert line(lines, "组织领导") == ["1", "组织领导", "16", "14.50", "91%", "7/7"]
    assert line(lines, "创新措施") == ["5", "创新措施", "11", "11.00", "100%", "3/3"]
    # 1.1.1 is flagged; 1.2.1 (a spread of 0.5, under 2/3 of a point) is not
    assert "两名及以上检查人员评分的指标2项，其中1项差距达到标记线（各项分值的三分之一）" in body
    flagged = line(lines, "1.1.1")
    assert flagged[-7:] == ["3", "张三", "0.5、李四", "3", "2.5", "1.00", "未裁定"], flagged
    assert not any("1.2.1" in words for words in lines)
    # the problem still open is listed, overdue; the verified one is only counted
    assert "共记录问题2项，其中1项尚未核实办结" in body
    assert line(lines, OPEN_PROBLEM) == ["1", "2.1.1", OPEN_PROBLEM, "较重", "2018-09-25", "逾期未整改", "李四"]
    assert SETTLED_PROBLEM not in body
    assert "第1页共1页" in body and "CJ-341502" in body
    # the one CJK font, embedded: nothing for a printer or viewer to substitute
    fonts = subprocess.run(["pdffonts", str(tmp_path / "金安区.pdf")], capture_output=True, text=True, check=True).stdout
    assert all("WenQuanYi" in row and " yes " in row for row in fonts.splitlines()[2:]), fonts


def test_a_provisional_county_says_so_in_the_results_words(team: Team, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    lines = printed(capsys, team, "裕安区", tmp_path / "裕安区.pdf")
    body = body_of(lines)
    with workspace.open_workspace(team.master) as ws:
        result = next(r for r in results.results(ws) if r.county == YUAN)
        data = words.data(ws.campaign, result)
    assert result.provisional and result.grade is not None
    # 0.1 × 80 + 0.5 × (2 + 1) = 9.5, second of two; the grade 暂定, what is missing in the results' words
    assert line(lines, "9.50")[:3] == ["9.50", "第2名", result.grade.value]
    assert data == "缺：专业机构测评、32 项未评分" and flat(data) in body
    assert "暂定" in line(lines, "共") and "加权总分、名次和等次为暂定结果" in body
    assert line(lines, "80.00") == ["80.00", "缺", "3.00", "—", "9.50"]
    assert line(lines, "组织领导") == ["1", "组织领导", "16", "3.00", "19%", "2/7"]  # 2 + 1 of 16, two of its seven items
    assert "本县（市、区）没有由两名及以上检查人员评分的指标。" in body and "本县（市、区）未记录问题。" in body


def test_a_county_not_started_has_no_rank_and_no_grade(team: Team, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    lines = printed(capsys, team, "霍山县", tmp_path / "霍山县.pdf")
    body = body_of(lines)
    assert line(lines, "不排名次") == ["—", "不排名次", "不评等次", "未开始"]
    assert "尚无任何得分（未开始）：不排名次、不评等次，也不计入参评县（市、区）数" in body
    assert "名共" not in body and "暂定" not in body
    assert line(lines, "组织领导") == ["1", "组织领导", "16", "未评分", "—", "0/7"]


def test_a_signed_scorecard_verifies(team: Team, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "signed.pdf"
    printed(capsys, team, "金安区", out, "--sign")
    code, said, _ = run(capsys, "verify", out, "--db", team.master)
    assert code == 0, said
    assert "intact:   yes" in said and "the whole file" in said and "enrolled device" in said
    checked = subprocess.run(["pdfsig", str(out)], check=False, capture_output=True, text=True)
    assert "Signature is Valid" in checked.stdout + checked.stderr


def test_an_unknown_county_or_database_exits_2_and_writes_nothing(team: Team, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "x.pdf"
    code, _, err = run(capsys, "scorecard", team.master, "--county", "不存在县", "--out", out)
    assert code == 2 and "不存在县" in err and "金安区" in err
    code, _, err = run(capsys, "scorecard", tmp_path / "无此库.db", "--county", "金安区", "--out", out)
    assert code == 2 and "无此库.db" in err
    assert not out.exists() and not list(tmp_path.glob("*.partial"))


def test_the_scorecard_says_what_the_results_say_of_every_county(team: Team) -> None:
    """No second rule: each county's rank, total, grade, standing and data are results'."""
    with workspace.open_workspace(team.master) as ws:
        rows = results.results(ws)
        for r in rows:
            card = documents.build(ws, documents.SCORECARD, ws.campaign.county(r.county))
            assert isinstance(card, model.Scorecard)
            said = (r.rank, words.grade(r), r.standing.value, words.data(ws.campaign, r))
            assert (card.rank, card.grade, card.standing, card.data) == said
            assert card.total == (show(r.total) if r.started else "")
            assert card.ranked == sum(x.started for x in rows) == 2
            assert documents.file_name(card) == f"验收成绩单-{ws.campaign.county(r.county).name}.pdf"
        first = scorecard.scorecard(ws, ws.campaign.county(JINAN)).digest()
        assert scorecard.scorecard(ws, ws.campaign.county(JINAN)).digest() == first
        strict = scorecard.scorecard(ws, ws.campaign.county(JINAN), minimum=Decimal("0.5"))
        assert (strict.flagged, strict.rule) == (2, "0.5 分") and strict.digest() != first


def fullest(started: bool) -> model.Scorecard:
    """A county with more of everything than a page lists, and text longer than any column."""
    long = "长" * 200
    return model.Scorecard(
        campaign="六安市基层政务公开标准化规范化试点验收", document_number="六政办秘〔2018〕177号", county="某某某某某自治县",
        standing="provisional" if started else "not-started", total="99.99" if started else "", rank=112 if started else None,
        ranked=112, grade="不合格（暂定）" if started else "",
        data="缺：自查自评、专业机构测评、政务公开年度考评、34 项未评分" if started else "未开始",
        methods=tuple(model.MethodCell(f"政务公开年度考评{i}", "12.5", "100.00") for i in range(4)),
        adjustment="-10.00", adjustments=tuple(("-3.50", long) for _ in range(scorecard.MAX_ADJUSTMENTS)), adjustments_left_out=5,
        profile=tuple(model.ProfileRow(str(i), long, "34", "32.25", "95", 13, 14) for i in range(1, 6)),
        inspectors=tuple(f"检查员{i}号某某" for i in range(12)), compared=34, flagged=34,
        disagreements=tuple(
            model.DisagreementRow("5.3.10", long, "10", tuple((f"欧阳某某{i}", "10") for i in range(10)), "10", "3.33", "9.5")
            for _ in range(scorecard.MAX_DISAGREEMENTS)
        ),
        rule="各项分值的三分之一",
        problems=tuple(
            model.ProblemRow("5.3.10", long, long + "http://www.example.gov.cn/" * 5, "较重", "2018-09-25", model.OVERDUE, "欧阳某某某某")
            for _ in range(scorecard.MAX_PROBLEMS)
        ),
        open_problems=99, verified_problems=3, generated_on="2018-09-30", record_id="CJ-341502",
        notes=("数据尚不完整，加权总分、名次和等次为暂定结果；缺项补齐后以最终结果为准。",),
    )


@pytest.mark.parametrize("started", [True, False])
def test_the_fullest_scorecard_still_fits_one_page(started: bool, tmp_path: Path) -> None:
    out = tmp_path / "full.pdf"
    out.write_bytes(drawing.render(fullest(started)))
    assert pages(out) == 1
    body = flat(text_of(out))
    assert "另有28项差距达到标记线" in body and "另有93项未列出" in body and "另有调整5项未列出" in body
    assert "长…" in body and "评分人员（12人）" in body  # cut where a column ends, never wrapped over the page's end
