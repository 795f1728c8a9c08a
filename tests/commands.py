"""The command line as the tests run it: in this process, its output captured."""

from __future__ import annotations

import pytest

from desktop.cli import main

# an inspection sheet's header row (SPEC §6)
HEADER = "county,item,score,report,materials,online,field,comment"


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    """`yanshou ARGS…`: its exit status, what it printed and what it said on stderr."""
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def ok(capsys: pytest.CaptureFixture[str], *args: object) -> str:
    """`yanshou ARGS…`, which must succeed: what it printed."""
    code, out, err = run(capsys, *args)
    assert code == 0, (args, out, err)
    return out
