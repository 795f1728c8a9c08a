"""Indicator sets (评估指标): the three-level tree an acceptance is scored against.

A set is data — a TOML file under `resources/indicator_sets/` — so that another city's or
province's table loads without a code change. Level 1 is a first-level indicator (一级指标),
level 2 a second-level indicator (二级指标), level 3 a scoring item (三级指标) with the
points it is worth. Codes are positional (`a.b.c`) unless the file gives its own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum
from pathlib import Path
from typing import Any

from desktop.core.documents import Checker, read_toml
from desktop.core.numbers import canonical

SET_TOTAL = Decimal(100)
_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")
# The file's key for the children of a node at each level, and the keys a node may have.
_CHILDREN = {1: "group", 2: "item", 3: None}
_KEYS = {1: {"name", "points", "code", "group"}, 2: {"name", "points", "code", "item"}, 3: {"name", "points", "code"}}


class Level(IntEnum):
    FIRST = 1
    SECOND = 2
    ITEM = 3


@dataclass(frozen=True)
class Indicator:
    """One node of the tree. For an item (level 3), `name` is the item's full text."""

    code: str
    level: Level
    name: str
    points: Decimal
    parent: str | None
    children: tuple[str, ...]

    @property
    def is_item(self) -> bool:
        return self.level is Level.ITEM


@dataclass(frozen=True)
class IndicatorSet:
    id: str
    name: str
    source: str
    nodes: tuple[Indicator, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", {n.code: n for n in self.nodes})

    def node(self, code: str) -> Indicator:
        return self._by_code[code]  # type: ignore[attr-defined,no-any-return]

    def find(self, code: str) -> Indicator | None:
        return self._by_code.get(code)  # type: ignore[attr-defined,no-any-return]

    @property
    def items(self) -> tuple[Indicator, ...]:
        return tuple(n for n in self.nodes if n.is_item)

    def level(self, level: Level) -> tuple[Indicator, ...]:
        return tuple(n for n in self.nodes if n.level is level)

    @property
    def total_points(self) -> Decimal:
        return sum((n.points for n in self.items), Decimal(0))

    def items_under(self, code: str) -> tuple[Indicator, ...]:
        """The items at or below a node, in order."""
        level = self.node(code).level
        return tuple(n for n in self.items if self.ancestor(n.code, level).code == code)

    def ancestor(self, code: str, level: Level) -> Indicator:
        """The node at `level` above (or at) the node `code`."""
        node = self.node(code)
        while node.level > level:
            assert node.parent is not None
            node = self.node(node.parent)
        return node

    def to_document(self) -> dict[str, Any]:
        """The set as plain data in the file's own shape, codes and points spelled out.

        Parsing the result gives back an equal set; it is what a database stores.
        """

        def emit(node: Indicator) -> dict[str, Any]:
            out: dict[str, Any] = {"code": node.code, "name": node.name, "points": canonical(node.points)}
            key = _CHILDREN[node.level]
            if key is not None:
                out[key] = [emit(self.node(c)) for c in node.children]
            return out

        return {
            "id": self.id,
            "name": self.name,
            "source": self.source,
            "indicator": [emit(n) for n in self.level(Level.FIRST)],
        }


def load_indicator_set(path: Path) -> IndicatorSet:
    return parse_indicator_set(read_toml(path), path)


def parse_indicator_set(data: Mapping[str, Any], source: str | Path) -> IndicatorSet:
    """Check a set's document and build it; refuse it naming every node and rule broken."""
    check = Checker(source)
    check.known_keys(data, {"id", "name", "source", "indicator"}, "the set")
    set_id = check.text(data, "id", "the set")
    name = check.text(data, "name", "the set")
    origin = data.get("source", "")
    if not isinstance(origin, str):
        check.fail("the set", "bad_text", "'source' must be a text")
        origin = ""
    nodes: list[Indicator] = []
    seen: dict[str, str] = {}

    def walk(table: Mapping[str, Any], level: int, position: int, parent: Indicator | None) -> Indicator | None:
        positional = f"{parent.code}.{position}" if parent else str(position)
        code = table.get("code", positional)
        label = f"indicator {positional}"
        if not isinstance(code, str) or not _CODE.match(code):
            check.fail(label, "bad_code", f"code {code!r} must be letters, digits, '.', '_' or '-'")
            code = positional
        label = f"indicator {code}"
        if code in seen:
            check.fail(label, "duplicate_code", f"code {code} is used twice ({seen[code]} and {positional})")
        seen[code] = positional
        check.known_keys(table, _KEYS[level], label)
        node_name = check.text(table, "name", label)
        points = check.decimal(table, "points", label, required=level == Level.ITEM)
        if points is not None and points <= 0:
            check.fail(label, "points_not_positive", f"points must be positive, not {points}")
        index = len(nodes)
        nodes.append(Indicator(code, Level(level), node_name, points or Decimal(0), parent.code if parent else None, ()))
        key = _CHILDREN[level]
        if key is None:
            return nodes[index]
        kids = [
            walk(child, level + 1, i, nodes[index])
            for i, child in enumerate(check.tables(table, key, label), start=1)
        ]
        children = [k for k in kids if k is not None]
        total = sum((k.points for k in children), Decimal(0))
        if points is not None and children and points != total:
            check.fail(label, "points_not_sum", f"points {points} differ from the sum of its children, {total}")
        nodes[index] = Indicator(
            code, Level(level), node_name, points if points is not None else total,
            parent.code if parent else None, tuple(k.code for k in children),
        )
        return nodes[index]

    for position, table in enumerate(check.tables(data, "indicator", "the set"), start=1):
        walk(table, Level.FIRST, position, None)
    check.raise_if_any()
    indicator_set = IndicatorSet(set_id, name, origin, tuple(nodes))
    if indicator_set.total_points != SET_TOTAL:
        check.fail("the set", "total_not_100", f"the items add up to {indicator_set.total_points} points, not {SET_TOTAL}")
    check.raise_if_any()
    return indicator_set
