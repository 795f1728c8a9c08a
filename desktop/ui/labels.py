"""The window's words for the core's answers — a county's standing, what its result lacks,
a provisional grade — in the user's language. In Chinese they are the documents' words
(desktop.core.words); a test holds them equal."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from desktop.core.campaign import Campaign
from desktop.core.scoring import CountyResult, Missing, Standing


def standing(value: Standing) -> str:
    return {
        Standing.COMPLETE: QCoreApplication.translate("Labels", "complete"),
        Standing.PROVISIONAL: QCoreApplication.translate("Labels", "provisional"),
        Standing.NOT_STARTED: QCoreApplication.translate("Labels", "not started"),
    }[value]


def missing(campaign: Campaign, lacks: Missing) -> str:
    names = {m.key: m.name for m in campaign.methods}
    parts = [names.get(key, key) for key in lacks.methods]
    if lacks.items:
        parts.append(QCoreApplication.translate("Labels", "{0} items unscored").format(lacks.items))
    return QCoreApplication.translate("Labels", ", ").join(parts)


def data(campaign: Campaign, result: CountyResult) -> str:
    """The results table's data cell: complete, what is missing, or not started."""
    if result.standing is Standing.PROVISIONAL:
        return QCoreApplication.translate("Labels", "missing: {0}").format(missing(campaign, result.missing))
    return standing(result.standing)


def grade(result: CountyResult) -> str:
    if result.grade is None:
        return ""
    if result.provisional:
        return QCoreApplication.translate("Labels", "{0} (provisional)").format(result.grade.value)
    return result.grade.value


def pinyin_order(names: list[str]) -> dict[str, int]:
    """Each name's place in pinyin order (QCollator for zh_CN: 霍邱县 before 金安区 before 裕安区),
    what a column of county names sorts by."""
    from functools import cmp_to_key

    from PySide6.QtCore import QCollator, QLocale

    collator = QCollator(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    return {name: n for n, name in enumerate(sorted(set(names), key=cmp_to_key(collator.compare)))}
