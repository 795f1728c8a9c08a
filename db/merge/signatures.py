"""Step 3's signature check of a batch's new versions, on the second core.

Verifying an ECDSA P-256 signature (cryptography) takes some 90 µs here and holds the GIL
while it does, so checked in threads the signatures of a batch take the one core the rest
of the merge runs on (the other checks, the batch's transaction) and a second thread adds no
core. In a batch of several files, a file with many new versions has its signatures checked
in a child process instead (spawned, as on Windows; the frozen program's launcher calls
`multiprocessing.freeze_support()`): the worker thread hands them over PIECE at a time as
it reads the file's versions (`Stream`) and goes on with the file and the next; the answer is
awaited only where it is needed (db.merge awaits it before the file's step 4, db.merge.verify
before it would report another refusal of the same file in the signature's place: the first
check a file fails says why, as before). The child is begun as the batch's first file is
copied into quarantine, when that file is large (`expect`, by its size, before it is opened:
its checks run while the child starts), and a file's last signatures wait for it a little; a
small file, a batch of one file, and a large file whose child is still not up are checked in
the thread that asks, as they always were; a child that cannot be had (it fails to start, or
dies) leaves every check to that thread, and a child whose parent is killed ends with it.
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
# A file this large (in quarantine) begins the child before it is opened (Checker.expect):
# photos, most likely, and the work that goes with them (an export of a few versions is some
# 3 MB: a page of 64 KiB for each table and index). Begun when a file's checks begin rather
# than after its schema and integrity (the first merge of a process builds the schema to
# compare with first), the child is up before the first file's signatures are ready: 10 files
# of 200 MB in all, the first file's steps 1-3 took 0.65 s, 0.19 s of them its 1,000
# signatures checked in the worker thread after waiting WAIT_FOR_CHILD_S for the child.
PROCESS_FROM_BYTES = 16 * 1024 * 1024
# Signatures handed to the child at a time, as a large file's versions are read (Stream).
PIECE = 250
# How long a file's signatures wait for the child that is starting rather than being checked
# here: 500 take 40 ms and more here, and a child begun when the file was opened is up some
# 70 ms later, a few tens of ms after its signatures are ready (the tests wait longer, to take
# the child's path whatever the machine's speed).
WAIT_FOR_CHILD_S = 0.05

__all__ = ["PIECE", "PROCESS_FROM", "PROCESS_FROM_BYTES", "WAIT_FOR_CHILD_S", "Checker", "Item", "Pending", "Stream", "first_bad"]


class Pending:
    """One file's signature check: done already, or under way in the child (a piece at a time,
    in the file's order)."""

    def __init__(
        self, items: Sequence[Item], public_keys: Mapping[str, bytes], futures: Sequence[Future[tuple[str, str] | None]] | None,
    ) -> None:
        self._items, self._keys, self._futures = items, public_keys, futures
        self._done = futures is None
        self._bad = first_bad(items, public_keys) if futures is None else None

    def result(self) -> tuple[str, str] | None:
        """The first bad signature (version id, device id), or None; waits for the child."""
        if not self._done:
            assert self._futures is not None
            try:
                self._bad = next((bad for future in self._futures if (bad := future.result()) is not None), None)
            except (BrokenProcessPool, OSError, EOFError):  # the child is gone: checked here instead
                self._bad = first_bad(self._items, self._keys)
            self._done = True
            self._items, self._keys, self._futures = (), {}, None
        return self._bad


class Stream:
    """One file's signatures as its versions are read (Checker.stream): a file of PROCESS_FROM
    versions or more hands them to the child PIECE at a time once it is up, so that the child
    checks the first while the worker thread reads the rest, and the batch waits for little
    more than the last piece; otherwise they are checked when all are in, as Checker.check
    does."""

    def __init__(self, checker: Checker, public_keys: Mapping[str, bytes], expected: int) -> None:
        self._checker, self._keys = checker, dict(public_keys)
        self.items: list[Item] = []
        self._sent = 0
        self._futures: list[Future[tuple[str, str] | None]] = []
        # the next hand-over, tried every PIECE signatures (never, for a small file)
        self._next = PIECE if expected >= PROCESS_FROM else -1

    def add(self, item: Item) -> None:
        self.items.append(item)
        if len(self.items) == self._next:
            self._next += PIECE
            self._send(wait=False)

    def _send(self, *, wait: bool) -> bool:
        future = self._checker._submit(self.items[self._sent :], self._keys, wait=wait)
        if future is None:
            return False
        self._futures.append(future)
        self._sent = len(self.items)
        return True

    def done(self) -> Pending:
        """All of the file's signatures are in: the check, under way or done."""
        if not self._futures:  # none handed over yet: all at once, as always
            return self._checker.check(self.items, self._keys)
        if self._sent < len(self.items) and not self._send(wait=True):
            return Pending(self.items, self._keys, None)  # the child is gone: all of them here
        return Pending(self.items, self._keys, self._futures)


class Checker:
    """The signature checks of one batch (a context manager): the child process, started at
    the first file with PROCESS_FROM signatures or more when `child` (a batch of several
    files), and ended with the batch."""

    def __init__(self, *, child: bool) -> None:
        self._child = child
        self._pool: ProcessPoolExecutor | None = None
        self._ready: Future[bool] | None = None
        self._lock = threading.Lock()  # files are checked ahead in more than one thread

    def expect(self, versions: int = 0, *, nbytes: int = 0) -> None:
        """A file holding this many versions, or of this many bytes, is being checked: the
        child, if it will be wanted, starts now, while the file's other checks run, rather than
        when its signatures come."""
        if versions < PROCESS_FROM and nbytes < PROCESS_FROM_BYTES:
            return
        with self._lock:
            if self._child and self._pool is None:
                self._start()

    def check(self, items: Sequence[Item], public_keys: Mapping[str, bytes]) -> Pending:
        """Check these signatures: in the child when it is up, else here and now."""
        if len(items) < PROCESS_FROM:
            return Pending(items, public_keys, None)
        future = self._submit(items, public_keys, wait=True)
        return Pending(items, public_keys, None if future is None else [future])  # without one: checked here, now

    def stream(self, public_keys: Mapping[str, bytes], *, expected: int) -> Stream:
        """A file's signatures, added as its versions are read (at most `expected`)."""
        return Stream(self, public_keys, expected)

    def _submit(
        self, items: Sequence[Item], public_keys: Mapping[str, bytes], *, wait: bool,
    ) -> Future[tuple[str, str] | None] | None:
        """The child's check of these, or None: no child for this batch, or it is not up (after
        WAIT_FOR_CHILD_S when `wait`; a child not begun yet is begun)."""
        with self._lock:
            if not self._child:
                return None
            if self._pool is None:
                if wait:
                    self._start()
                return None  # while the child starts
            try:
                if self._ready is None or self._ready.exception(timeout=WAIT_FOR_CHILD_S if wait else 0) is not None:
                    return None
            except TimeoutError:  # still starting
                return None
            try:
                return self._pool.submit(signature_check.first_bad, list(items), dict(public_keys))
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
