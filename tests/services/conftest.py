"""The services' tests: an inspector's field database, as `init` makes it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.services import workspace

ME = "张三"


@pytest.fixture
def field(tmp_path: Path) -> Iterator[workspace.Workspace]:
    ws = workspace.create(tmp_path / "field.db", role="field", inspector=ME)
    yield ws
    ws.close()
