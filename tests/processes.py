"""Killing a process as a power cut would, on POSIX and on Windows alike.

POSIX kills with SIGKILL (the exit code is -9); Windows has no signals: `Popen.kill()` is
TerminateProcess (exit code 1), and a process ends itself with TerminateProcess through
`os.kill(os.getpid(), …)`, whose exit code is the number given. Either way nothing of the
process's own clean-up runs, which is what these tests need."""

from __future__ import annotations

import os
import signal
import subprocess

# The exit code of a process killed by `kill` below, or by `KILL_ITSELF` in its own code.
KILLED = -signal.SIGKILL if os.name == "posix" else 1  # type: ignore[attr-defined,unused-ignore]
_KILL_NUMBER = int(getattr(signal, "SIGKILL", 1))

# A line of Python that kills the process running it, without any clean-up.
KILL_ITSELF = f"os.kill(os.getpid(), {_KILL_NUMBER})"


def kill(proc: subprocess.Popen) -> None:  # type: ignore[type-arg]
    """Kill a child at once (SIGKILL; TerminateProcess on Windows)."""
    proc.kill()


def kill_itself() -> None:
    """End this process at once, as a power cut would."""
    os.kill(os.getpid(), _KILL_NUMBER)


def was_killed(returncode: int | None) -> bool:
    return returncode == KILLED
