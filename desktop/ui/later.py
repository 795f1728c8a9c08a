"""Modules the window loads when it first uses them rather than at its start (issue 19).

The services and, under them, SQLAlchemy and the data layer take most of a cold start's
imports; the window's first frame needs none of them (its first read is a query, answered
off the GUI thread). A module named here is imported on the first use of one of its names,
by whichever thread uses it first: the import system's own per-module lock makes that safe
from several threads at once.

For type checkers, import the module itself under `if TYPE_CHECKING:` and bind the names
from `modules()` only in the `else:` branch.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class Later:
    """A module by name, imported when one of its attributes is first asked for."""

    __slots__ = ("_module", "_name")

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attribute: str) -> Any:
        module = self._module
        if module is None:  # (two threads may both get here: import_module gives both the one module)
            module = self._module = importlib.import_module(self._name)
        return getattr(module, attribute)

    def __repr__(self) -> str:
        return f"<{self._name}, imported when first used>"


def modules(*names: str) -> tuple[Later, ...]:
    return tuple(Later(name) for name in names)
