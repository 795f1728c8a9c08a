"""What the merge's signature checker runs in its child process (db.merge.signatures): the
first bad signature of a file's new versions. A module of its own, outside the db.merge
package, because a spawned child imports the module of the function it runs, and with it
that module's package: db.merge's brings SQLAlchemy and the rest of the merge, some 0.3 s of
a core before the child checked anything; this one brings the cryptography library alone."""

from __future__ import annotations

import multiprocessing
import multiprocessing.process
import os
import threading
from collections.abc import Mapping, Sequence

from db import keys

# (version id, the envelope it signs, its signature, the device that signed)
Item = tuple[str, bytes, bytes, str]


def first_bad(items: Sequence[Item], public_keys: Mapping[str, bytes]) -> tuple[str, str] | None:
    """The first version whose signature its device's key does not verify, as (version id,
    device id); None when all do. Runs in the child, or where it is called."""
    verifiers = {device_id: keys.Verifier(key) for device_id, key in public_keys.items()}
    for vid, data, signature, device_id in items:
        if not verifiers[device_id](signature, data):
            return vid, device_id
    return None


def started() -> bool:
    """The child's first task: it is up, its imports done; from now on it ends with the process
    that started it, should that one be killed (a kill -9 in the middle of a merge): the pool's
    queue would otherwise keep it waiting for ever, holding the pipes a parent's parent may be
    reading to their end."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_end_with, args=(parent,), name="yanshou-parent", daemon=True).start()
    return True


def _end_with(parent: multiprocessing.process.BaseProcess) -> None:
    parent.join()  # returns when the parent process is gone
    os._exit(0)
