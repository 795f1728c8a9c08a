"""The frozen program's entry point: `yanshou` (and on Windows `yanshou-cli`) run desktop.cli.main.

A windowed Windows executable starts with no console: sys.stdout and sys.stderr are None,
and the first print (a usage message, an error line) would raise. Point them at os.devnull
so the GUI entry fails the way the command line does — by exit status — not with a second,
silent error; the error log in the data folder still records anything unexpected.

`yanshou demo` makes its laptops and documents in worker processes. Windows starts each as
this executable again (spawn), and multiprocessing.freeze_support() is what then runs the
worker instead of the program: it comes first.
"""

from __future__ import annotations

import multiprocessing
import os
import sys


def _console_or_null() -> None:
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 — lives as long as the process


if __name__ == "__main__":
    multiprocessing.freeze_support()
    _console_or_null()
    from desktop.cli import main

    sys.exit(main())
