"""Errors about input from outside the program: a sheet, an indicator set, a campaign file.

Such input is hostile until checked. A check that fails raises `InputError`, which names
the file, the place inside it (a row, a field, an indicator's code) and the rule broken.
The message is English for the command line; `code` and `params` let the GUI say the
same in Chinese without parsing English.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input, at one place."""

    code: str
    message: str
    row: int | None = None
    column: str | None = None
    node: str | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def where(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column '{self.column}'")
        if self.node is not None:
            parts.append(self.node)
        return ", ".join(parts)


class InputError(Exception):
    """Input refused, with every problem found (the first few are enough to act on)."""

    def __init__(self, source: str | Path, problems: list[Problem]) -> None:
        if not problems:
            raise ValueError("an InputError needs at least one problem")
        self.source = str(source)
        self.problems = tuple(problems)
        super().__init__(self.describe())

    def __reduce__(self) -> tuple[object, ...]:
        return type(self), (self.source, list(self.problems))  # pickled (from a worker process) whole

    @classmethod
    def single(
        cls,
        source: str | Path,
        code: str,
        message: str,
        **where: Any,
    ) -> InputError:
        params = where.pop("params", {})
        return cls(source, [Problem(code, message, params=params, **where)])

    def describe(self, limit: int = 20) -> str:
        lines = []
        for problem in self.problems[:limit]:
            where = problem.where()
            lines.append(f"{self.source}: {where + ': ' if where else ''}{problem.message}")
        if len(self.problems) > limit:
            lines.append(f"{self.source}: … and {len(self.problems) - limit} more problems")
        return "\n".join(lines)
