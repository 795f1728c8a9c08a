"""Step 3's signature check of a batch's new versions, on the second core.

Verifying an ECDSA P-256 signature (cryptography) takes some 90 µs here and holds the GIL
while it does, so checked in threads the signatures of a batch take the one core the rest
of the merge runs on (the other checks, the batch's transaction) and a second thread adds no
core. In a batch of several files, a file with many new versions has its signatures checked
in a child process instead (spawned, as on Windows; the frozen program's launcher calls
`multiprocessing.freeze_support()`): the worker thread hands them over once its own checks
of the file's versions are done and goes on with the file and the next; the answer is
awaited only where it is needed (db.merge awaits it before the file's step 4, db.merge.verify
before it would report another refusal of the same file in the signature's place: the first
check a file fails says why, as before). The child is begun when the first large file is
opened (`expect`: its other checks run while the child starts) and its signatures wait for it
a little; a small file, a batch of one file, and a large file whose child is still not up are
checked in the thread that asks, as they always were; a child that cannot be had (it fails to
start, or dies) leaves every check to that thread.
What the child runs is db.signature_check, outside this package: the child imports that and
the cryptography library, not the merge and SQLAlchemy (it is up in 70 ms and 0.08 s of a
core, against 275 ms and 0.33 s).
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType

from db import signature_check
from db.signature_check import Item, first_bad

# Signatures in one file from which the child is worth its start (some 0.08 s of a core, once
# per batch, begun when such a file is opened: Checker.expect).
PROCESS_FROM = 500
# How long a file's signatures wait for the child that is starting rather than being checked
# here: 500 take 40 ms and more here, and a child begun when the file was opened is up some
# 70 ms later, a few tens of ms after its signatures are ready (the tests wait longer, to take
# the child's path whatever the machine's speed).
WAIT_FOR_CHILD_S = 0.05

__all__ = ["PROCESS_FROM", "WAIT_FOR_CHILD_S", "Checker", "Item", "Pending", "first_bad"]


class Pending:
    """One file's signature check: done already, or under way in the child."""

    def __init__(self, items: Sequence[Item], public_keys: Mapping[str, bytes], future: Future[tuple[str, str] | None] | None) -> None:
        self._items, self._keys, self._future = items, public_keys, future
        self._done = future is None
        self._bad = first_bad(items, public_keys) if future is None else None

    def result(self) -> tuple[str, str] | None:
        """The first bad signature (version id, device id), or None; waits for the child."""
        if not self._done:
            assert self._future is not None
            try:
                self._bad = self._future.result()
            except (BrokenProcessPool, OSError, EOFError):  # the child is gone: checked here instead
                self._bad = first_bad(self._items, self._keys)
            self._done = True
            self._items, self._keys, self._future = (), {}, None
        return self._bad


class Checker:
    """The signature checks of one batch (a context manager): the child process, started at
    the first file with PROCESS_FROM signatures or more when `child` (a batch of several
    files), and ended with the batch."""

    def __init__(self, *, child: bool) -> None:
        self._child = child
        self._pool: ProcessPoolExecutor | None = None
        self._ready: Future[bool] | None = None
        self._lock = threading.Lock()  # files are checked ahead in more than one thread

    def expect(self, versions: int) -> None:
        """A file holding this many versions is being checked: the child, if it will be wanted,
        starts now, while the file's other checks run, rather than when its signatures come."""
        if versions < PROCESS_FROM:
            return
        with self._lock:
            if self._child and self._pool is None:
                self._start()

    def check(self, items: Sequence[Item], public_keys: Mapping[str, bytes]) -> Pending:
        """Check these signatures: in the child when it is up, else here and now."""
        if len(items) < PROCESS_FROM:
            return Pending(items, public_keys, None)
        with self._lock:
            future = self._submit(items, public_keys)
        return Pending(items, public_keys, future)  # without a future: checked here, now

    def _submit(self, items: Sequence[Item], public_keys: Mapping[str, bytes]) -> Future[tuple[str, str] | None] | None:
        if not self._child:
            return None
        if self._pool is None:
            self._start()
            return None  # while the child starts
        try:
            if self._ready is None or self._ready.exception(timeout=WAIT_FOR_CHILD_S) is not None:
                return None
        except TimeoutError:  # still starting
            return None
        try:
            return self._pool.submit(signature_check.first_bad, items, dict(public_keys))
        except (BrokenProcessPool, RuntimeError, OSError):  # gone, or shut down with the batch
            self._child = False
            return None

    def _start(self) -> None:
        try:
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
            self._ready = self._pool.submit(signature_check.started)
        except (OSError, RuntimeError, ValueError):  # no child to be had: every check stays here
            self._child = False

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:  # the batch's end waits for the child to go: nothing of it outlives the merge
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None
            self._child = False

    def __enter__(self) -> Checker:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()
