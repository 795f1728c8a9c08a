"""The Chinese words the documents and exports print for the core's answers: a county's
standing and what its result lacks. The window says the same through its translations
(desktop/ui/labels.py); a test holds the two to the same words."""

from __future__ import annotations

from desktop.core.campaign import Campaign
from desktop.core.scoring import CountyResult, Missing, Standing

STANDING = {Standing.COMPLETE: "完整", Standing.PROVISIONAL: "暂定", Standing.NOT_STARTED: "未开始"}


def missing(campaign: Campaign, lacks: Missing) -> str:
    """"自查自评、3 项未评分": the methods by their campaign names, then the unscored items."""
    names = {m.key: m.name for m in campaign.methods}
    parts = [names.get(key, key) for key in lacks.methods]
    if lacks.items:
        parts.append(f"{lacks.items} 项未评分")
    return "、".join(parts)


def data(campaign: Campaign, result: CountyResult) -> str:
    """The 数据 cell of a results table: 完整, 缺：… (暂定), or 未开始."""
    if result.standing is Standing.PROVISIONAL:
        return f"缺：{missing(campaign, result.missing)}"
    return STANDING[result.standing]


def grade(result: CountyResult) -> str:
    """The grade as printed: 暂定 beside a provisional one, nothing for a county not started."""
    if result.grade is None:
        return ""
    return f"{result.grade.value}（暂定）" if result.provisional else result.grade.value
