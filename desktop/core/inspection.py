"""The comprehensive inspection's vocabulary: its four modes and a finding's status."""

from __future__ import annotations

from enum import StrEnum


class InspectionMode(StrEnum):
    """How an item was checked (组织实施 3); each mode has its own findings per item."""

    REPORT = "report"  # 听取汇报
    MATERIALS = "materials"  # 检验/查看材料
    ONLINE = "online"  # 网上检查
    FIELD = "field"  # 实地核查

    @property
    def label(self) -> str:
        """The mode's Chinese name, as printed on the record (data, not a UI string)."""
        return _LABELS[self]


_LABELS = {
    InspectionMode.REPORT: "听取汇报",
    InspectionMode.MATERIALS: "查看材料",
    InspectionMode.ONLINE: "网上检查",
    InspectionMode.FIELD: "实地核查",
}


class FindingStatus(StrEnum):
    UNCHECKED = "unchecked"  # 未检查
    MET = "met"  # 符合
    PARTLY_MET = "partly-met"  # 基本符合
    NOT_MET = "not-met"  # 不符合

    @property
    def label(self) -> str:
        """The result's Chinese word, as printed on the record and written in a sheet."""
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    FindingStatus.UNCHECKED: "未检查",
    FindingStatus.MET: "符合",
    FindingStatus.PARTLY_MET: "基本符合",
    FindingStatus.NOT_MET: "不符合",
}
