"""A laptop's recovery file (T2-8): this computer's secret (db.vault) held for the lead.

A laptop's database and key files open only with the secret its user's protected store
keeps (or a passphrase gives). A store can lose it — on Windows an administrator's reset of
the user's password leaves DPAPI's secrets unreadable — and with it every finding not
exported yet. So once a laptop knows the lead's master's encryption key (db.receivers: from
the master's export it merged), it keeps in its keys folder, for each such key, a recovery
file: the secret sealed for that master alone (db.seal.seal_bytes: ECDH P-256 with a key
made for the file, HKDF-SHA256, AES-256-GCM, as an export is sealed). The lead reads it with
the master's private encryption key and gets a recovery code, which the inspector types on
the laptop to put the secret back (db.vault.restore).

In the clear, and bound by the seal (a changed byte anywhere is refused): that it is a
recovery file, the id of the protection it holds the secret of (protection.json's), the
laptop's device id, the master's device id and its key's fingerprint, the date it was
written. Nothing else: the secret only sealed, never in the clear, never in a database.

The code: the 32 bytes and a 3-byte checksum (SHA-256), base32 in 14 groups of 4 letters and
digits; a mistyped character is caught by the checksum before anything is tried.
"""

from __future__ import annotations

import base64
import hashlib
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from db import files, keys, seal
from db.errors import RecoveryError

MAGIC = b"YANSHOU RECOVERY KEY\n"
_WHAT = "a Yanshou recovery file: the key of one laptop's files, sealed for the lead's master alone"
_CHECKSUM = b"yanshou recovery code"
_SECRET = 32
_GROUP = 4


@dataclass(frozen=True)
class About:
    """What a recovery file says in the clear."""

    protection: str  # the id in the laptop's protection.json
    laptop: str  # the laptop's device id
    master: str  # the master's device id
    fingerprint: str  # of the master's encryption key
    written: str  # ISO date and time


def path_for(keys_dir: Path, fingerprint: str) -> Path:
    """The recovery file for the master whose encryption key has this fingerprint."""
    return keys_dir / f"recovery-{fingerprint[:16]}.bin"


# What each field in the clear may be: as Yanshou writes it, nothing else (the file is sealed
# to the master's public key, which every master's export carries: anyone can make one, and
# what it says is shown to the lead).
_FIELDS = {
    "protection": re.compile(r"[0-9a-f]{16}"),
    "laptop": re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
    "master": re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
    "fingerprint": re.compile(r"[0-9a-f]{64}"),
    "written": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\+00:00|Z)"),
}
MAX_FILE_BYTES = 64 * 1024  # a recovery file is some 600 bytes: a larger one chosen is not read whole


def _about(header: seal.Header, where: Path) -> About:
    given = header.about
    try:
        found = About(given["protection"], given["laptop"], given["master"], given["fingerprint"], given["written"])
    except KeyError:
        raise RecoveryError(where, "not_recovery", "is not a recovery file Yanshou writes") from None
    if not all(isinstance(given[k], str) and pattern.fullmatch(given[k]) for k, pattern in _FIELDS.items()):
        raise RecoveryError(where, "not_recovery", "is not a recovery file Yanshou writes (a field written otherwise)")
    if [a.fingerprint for a in header.recipients] != [found.fingerprint]:
        raise RecoveryError(where, "not_recovery", "is not a recovery file Yanshou writes (sealed for more than its master)")
    return found


def about(path: Path) -> About | None:
    """What the recovery file at `path` says in the clear; None where there is none, or it is not one."""
    try:
        with path.open("rb") as f:
            return _about(seal.read_header(f, magic=MAGIC), path)
    except (OSError, seal.SealError, RecoveryError):
        return None


def escrow(
    keys_dir: Path, secret: bytes, *, protection_id: str, laptop: str, masters: Sequence[seal.Recipient], written: str,
) -> list[Path]:
    """Write the recovery file of each master that has none for this protection yet (a new
    protection's replaces an older one's); the files written."""
    made = []
    for master in masters:
        target = path_for(keys_dir, master.fingerprint)
        held = about(target)
        if held is not None and held.protection == protection_id and held.fingerprint == master.fingerprint:
            continue
        fields = {
            "protection": protection_id, "laptop": laptop, "master": master.device_id, "fingerprint": master.fingerprint,
            "written": written,
        }
        data = seal.seal_bytes(secret, [master], magic=MAGIC, what=_WHAT, about=fields)
        keys_dir.mkdir(parents=True, exist_ok=True)
        files.write_bytes(target, data)
        keys.protect(target)
        made.append(target)
    return made


def read_file(path: Path) -> bytes:
    """The bytes of a file offered as a recovery file, once its kind and size say it is one
    (no key is needed to tell that). RecoveryError (not_recovery) otherwise."""
    if not stat.S_ISREG(path.stat().st_mode):  # a folder, a device, a pipe (which would never end)
        raise RecoveryError(path, "not_recovery", "is not a file, so not a Yanshou recovery file")
    with path.open("rb") as f:
        data = f.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES or not data.startswith(MAGIC):
        raise RecoveryError(path, "not_recovery", "is not a Yanshou recovery file (a laptop writes one as keys/recovery-….bin)")
    return data


def open_file(path: Path, opener: seal.Opener, data: bytes | None = None) -> tuple[About, bytes]:
    """What a recovery file says, and the secret inside, opened with the master's key (`data`:
    the file as read_file read it). RecoveryError when it is not a recovery file, not for this
    master, or changed."""
    if data is None:
        data = read_file(path)
    try:
        header, secret = seal.unseal_bytes(data, opener, magic=MAGIC)
    except seal.SealError as exc:
        if exc.code == "not_for_us":
            raise RecoveryError(path, "not_for_us", f"this recovery file is sealed for another master: {exc}") from None
        raise RecoveryError(path, "altered", f"this recovery file was changed or damaged ({exc})") from None
    found = _about(header, path)
    if len(secret) != _SECRET:
        raise RecoveryError(path, "altered", "this recovery file holds no key Yanshou writes")
    return found, secret


def _checksum(secret: bytes) -> bytes:
    return hashlib.sha256(_CHECKSUM + secret).digest()[:3]


def code(secret: bytes) -> str:
    """The secret as a person types it: base32 of it and its checksum, in groups of four."""
    text = base64.b32encode(secret + _checksum(secret)).decode("ascii")
    return " ".join(text[i : i + _GROUP] for i in range(0, len(text), _GROUP))


def secret_of(typed: str, where: Path | str) -> bytes:
    """The secret a recovery code stands for. Spaces, dashes and case do not matter; 0 and 1 are
    read as O and I (base32 has neither). RecoveryError (mistyped) when it is not one."""
    text = "".join(c for c in typed.upper() if not c.isspace() and c != "-").replace("0", "O").replace("1", "I")
    try:
        raw = base64.b32decode(text) if len(text) == 56 else b""
    except ValueError:
        raw = b""
    secret, check = raw[:_SECRET], raw[_SECRET:]
    if len(secret) != _SECRET or _checksum(secret) != check:
        raise RecoveryError(where, "mistyped", "that is not a recovery code, or it was mistyped: 14 groups of 4 letters and "
                            "digits, as the lead's 'yanshou recovery-code' printed them")
    return secret


__all__ = ["MAGIC", "About", "RecoveryError", "about", "code", "escrow", "open_file", "path_for", "secret_of"]
