"""This computer's secret that protects Yanshou's files at rest (issue 21, points 2 and 3).

One secret of 32 random bytes per keys folder (a user on a computer). Every key that protects
a file at rest is derived from it (HKDF-SHA256, RFC 5869): an encrypted database's SQLCipher
key, bound to the file's own salt (db.cipher), and the password of each private key file,
bound to the file's name (db.keys, db.seal). So a database or a key file copied to another
computer, or read from a stolen disk, opens with nothing found there.

Where the secret lives:
- where the system has a protected store, in it, through `keyring`: Windows' Credential
  Manager (its secrets encrypted by DPAPI under the user's logon), the Secret Service on
  Linux (GNOME Keyring, KWallet), the Keychain on a Mac. Nothing to type; the store is asked
  once per run of the program.
- where there is none (a Linux without a desktop's keyring), a passphrase, asked once per run:
  the secret is derived from it with scrypt (2^17 × 8 × 128 bytes: 128 MiB, 0.3-0.5 s), memory-hard
  where PBKDF2 is not.
- where there is neither (no store, no passphrase given: a script on a server), nothing is
  protected and the callers say so: databases stay in the clear, key files bare, as before.

`protection.json` in the keys folder says which; it holds no secret: the method, the id of
the store's item, scrypt's salt and parameters, and a check value (an HMAC under the secret)
that tells a wrong passphrase, or a store's item replaced, from the right one.

Why raw keys rather than SQLCipher's own PBKDF2 on a passphrase: the engine opens a
connection per use (db.engine: NullPool) and SQLCipher would run its KDF (256,000 rounds of
PBKDF2-SHA512, a tenth of a second or more) at each one; a raw key opens at once. And one
derivation serves the databases and the key files alike, asked once.

Only the standard library here (hmac, hashlib's scrypt): opening a database needs no
`cryptography`; `keyring` is imported when the store is first asked.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from db import files
from db.errors import KeyNeeded, KnownDatabaseError

SERVICE = "Yanshou"  # the store's item: service "Yanshou", user "files <id>"
FILE = "protection.json"
STORE = "store"
PASSPHRASE = "passphrase"
PASSPHRASE_VARIABLE = "YANSHOU_PASSPHRASE"  # for scripts, as restic's RESTIC_PASSWORD (desktop.services.protection)
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
MIN_PASSPHRASE = 8
_CHECK = b"yanshou protection check"
_FORMAT = 1

# The secret of each keys folder once had, for this run of the program: asked once.
_unlocked: dict[Path, bytes] = {}


@dataclass(frozen=True)
class Protection:
    """What protection.json says."""

    id: str
    method: str  # STORE or PASSPHRASE
    check: bytes
    salt: bytes = b""
    n: int = 0
    r: int = 0
    p: int = 0


def derive(secret: bytes, label: bytes, salt: bytes = b"") -> bytes:
    """HKDF-SHA256 (RFC 5869) of the secret: 32 bytes for one purpose (`label`), bound to `salt`."""
    prk = hmac.new(salt or bytes(32), secret, hashlib.sha256).digest()
    return hmac.new(prk, label + b"\x01", hashlib.sha256).digest()


def _check_value(secret: bytes) -> bytes:
    return hmac.new(secret, _CHECK, hashlib.sha256).digest()[:16]


def protection(keys_dir: Path) -> Protection | None:
    """The keys folder's protection, None when it has none yet."""
    path = keys_dir / FILE
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise KnownDatabaseError(path, f"cannot be read ({exc}); it says how this computer's Yanshou files are protected") from exc
    try:
        if body["format"] != _FORMAT or body["method"] not in (STORE, PASSPHRASE):
            raise ValueError("an unknown format")
        found = Protection(
            str(body["id"]), str(body["method"]), bytes.fromhex(body["check"]), bytes.fromhex(body.get("salt", "")),
            int(body.get("n", 0)), int(body.get("r", 0)), int(body.get("p", 0)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise KnownDatabaseError(path, "is not one Yanshou writes; it says how this computer's Yanshou files are protected") from exc
    if found.method == PASSPHRASE and not (len(found.salt) >= 16 and found.n >= 2**14 and found.r > 0 and found.p > 0):
        raise KnownDatabaseError(path, "holds scrypt parameters Yanshou never writes")
    return found


def _text(made: Protection) -> bytes:
    body: dict[str, Any] = {"format": _FORMAT, "id": made.id, "method": made.method, "check": made.check.hex()}
    if made.method == PASSPHRASE:
        body.update(kdf="scrypt", salt=made.salt.hex(), n=made.n, r=made.r, p=made.p)
    return (json.dumps(body, indent=1) + "\n").encode("utf-8")


def _save(keys_dir: Path, made: Protection) -> bool:
    """Write the folder's protection if it has none yet; False when another process (the
    demo's workers, a window and a command at once) wrote one first: the caller takes that one."""
    keys_dir.mkdir(parents=True, exist_ok=True)
    path = keys_dir / FILE
    mine = keys_dir / f"{FILE}.{made.id}.partial"
    try:
        with open(mine, "xb") as f:
            f.write(_text(made))
            files.flush(f)
        try:
            os.link(mine, path)  # whole, and only where there is none: the first one written stays
        except FileExistsError:
            return False
        except OSError:  # a file system without links: a rename (the last one written stays)
            os.replace(mine, path)
        files.flush_folder(keys_dir)
        return True
    finally:
        mine.unlink(missing_ok=True)


# --- the system's protected store -----------------------------------------------------------

_backend: list[Any] = []  # the store's backend once found ([None]: this computer has none)


def _store() -> Any:
    """The system's protected store (a keyring backend), or None where there is none.

    The platform's own backend is taken directly rather than through keyring's discovery,
    which reads every installed package's entry points first; PYTHON_KEYRING_BACKEND (a test's
    store, a user's choice) is honoured as keyring honours it."""
    if _backend:
        return _backend[0]
    found: Any = None
    try:
        chosen = os.environ.get("PYTHON_KEYRING_BACKEND")
        if chosen:
            from keyring.core import load_keyring

            found = load_keyring(chosen)
        elif sys.platform == "win32":  # pragma: no cover - Windows only
            from keyring.backends import Windows

            found = Windows.WinVaultKeyring()
        elif sys.platform == "darwin":  # pragma: no cover - macOS only
            from keyring.backends import macOS

            found = macOS.Keyring()
        else:
            from keyring.backends import SecretService

            found = SecretService.Keyring()  # type: ignore[no-untyped-call]
        # a backend that cannot work here says so by its priority (no D-Bus session, no
        # Secret Service on it; keyring's "fail" and "null" backends are 0 or less)
        if float(found.priority) <= 0:
            found = None
    except Exception:  # keyring missing, or its backend's probe failed: no store here
        found = None
    _backend.append(found)
    return found


def has_store() -> bool:
    """Whether this computer has a protected store Yanshou can keep its secret in."""
    return _store() is not None


def _store_user(made: Protection) -> str:
    return f"files {made.id}"


def _from_store(made: Protection, where: Path | str) -> bytes:
    store = _store()
    if store is None:
        raise KeyNeeded(
            where, "store_unavailable", "this computer's Yanshou files are protected by a key in the system's protected store "
            "(Credential Manager, the Secret Service), which cannot be reached now: log in to the desktop and try again",
        )
    try:
        value = store.get_password(SERVICE, _store_user(made))
    except Exception as exc:  # a locked store, a refused prompt: keyring's errors and the backends' own
        raise KeyNeeded(
            where, "store_unavailable", f"the system's protected store refused Yanshou's key ({exc}); unlock it and try again",
        ) from exc
    try:
        secret = bytes.fromhex(value) if value else b""
    except ValueError:
        secret = b""
    if len(secret) != 32 or not hmac.compare_digest(_check_value(secret), made.check):
        raise KeyNeeded(
            where, "store_lost", "the key that protects this computer's Yanshou files is no longer in the system's protected store "
            f"(item '{SERVICE}', '{_store_user(made)}'): the files it protects cannot be opened",
        )
    return secret


def _create_in_store(keys_dir: Path) -> bytes | None:
    store = _store()
    if store is None:
        return None
    secret = secrets.token_bytes(32)
    made = Protection(secrets.token_hex(8), STORE, _check_value(secret))
    try:
        if not _put_in_store(store, made, secret):
            return None
    except Exception:  # a store that does not keep what it is given is no store
        return None
    if _save(keys_dir, made):
        return secret
    try:
        store.delete_password(SERVICE, _store_user(made))
    except Exception:  # an item left over in the store is harmless: nothing names it
        pass
    return _had(keys_dir)


def _put_in_store(store: Any, made: Protection, secret: bytes) -> bool:
    """Give the store the protection's secret, and ask it back: whether it kept it (the
    store's and keyring's own errors are raised)."""
    store.set_password(SERVICE, _store_user(made), secret.hex())
    return bool(store.get_password(SERVICE, _store_user(made)) == secret.hex())


def _had(keys_dir: Path) -> bytes | None:
    """The secret of the protection another process made meanwhile."""
    made = protection(keys_dir)
    if made is None or made.method != STORE:
        return None  # a passphrase's: asked for as any
    return _from_store(made, keys_dir / FILE)


# --- the passphrase -------------------------------------------------------------------------


def _scrypt(passphrase: str, made: Protection) -> bytes:
    return hashlib.scrypt(
        passphrase.encode("utf-8"), salt=made.salt, n=made.n, r=made.r, p=made.p, maxmem=2 * 128 * made.n * made.r * made.p + 2**24,
        dklen=32,
    )


def passphrase_problem(passphrase: str) -> str | None:
    """Why a new passphrase will not do (None: it will)."""
    if len(passphrase) < MIN_PASSPHRASE:
        return f"a passphrase has at least {MIN_PASSPHRASE} characters"
    return None


# --- what the callers use -------------------------------------------------------------------


def _key(keys_dir: Path) -> Path:
    return keys_dir.resolve()


def secret(keys_dir: Path, where: Path | str, *, create: bool = False) -> bytes | None:
    """The secret of this keys folder if it can be had without asking anyone: once had in this
    run, or from the store. With `create`, a folder without protection gets it in the store
    where there is one. None: no protection here (and none made). Raises KeyNeeded
    (passphrase_needed) when the passphrase is needed and was not given, or when the store
    fails (store_unavailable, store_lost); `where` is what the error names."""
    held = _unlocked.get(_key(keys_dir))
    if held is not None:
        return held
    made = protection(keys_dir)
    if made is None:
        if not create:
            return None
        found = _create_in_store(keys_dir)
    elif made.method == STORE:
        found = _from_store(made, where)
    else:
        raise KeyNeeded(
            where, "passphrase_needed", "it is protected by this computer's Yanshou passphrase: type it when asked "
            f"(a script sets {PASSPHRASE_VARIABLE})",
        )
    if found is not None:
        _unlocked[_key(keys_dir)] = found
    return found


def require(keys_dir: Path, where: Path | str) -> bytes:
    """The secret, which must be had (an encrypted file is to be opened)."""
    found = secret(keys_dir, where)
    if found is None:
        raise KeyNeeded(where, "key_not_here", "it is encrypted, and this computer holds no key of Yanshou's: it was encrypted on "
                        "another computer or by another user, and opens only there")
    return found


def needs_passphrase(keys_dir: Path) -> bool:
    """Whether this keys folder's secret comes from a passphrase not given yet in this run."""
    if _key(keys_dir) in _unlocked:
        return False
    made = protection(keys_dir)
    return made is not None and made.method == PASSPHRASE


def unlock(keys_dir: Path, passphrase: str) -> bytes:
    """The secret from the passphrase, kept for this run. A folder without protection (and no
    store) gets a passphrase's: the first one given is the one chosen. Raises KeyNeeded
    (wrong_passphrase) for a wrong one, KnownDatabaseError for a new one too short."""
    made = protection(keys_dir)
    where = keys_dir / FILE
    if made is None:
        if (why := passphrase_problem(passphrase)) is not None:
            raise KnownDatabaseError(where, why)
        made = Protection(secrets.token_hex(8), PASSPHRASE, b"", secrets.token_bytes(16), SCRYPT_N, SCRYPT_R, SCRYPT_P)
        found = _scrypt(passphrase, made)
        if not _save(keys_dir, Protection(made.id, made.method, _check_value(found), made.salt, made.n, made.r, made.p)):
            return unlock(keys_dir, passphrase)  # another process chose first: its protection is the one
    elif made.method == STORE:
        return _from_store(made, where)
    else:
        found = _scrypt(passphrase, made)
        if not hmac.compare_digest(_check_value(found), made.check):
            raise KeyNeeded(where, "wrong_passphrase", "that is not this computer's Yanshou passphrase")
    _unlocked[_key(keys_dir)] = found
    return found


def restore(keys_dir: Path, secret: bytes) -> bool:
    """Put this keys folder's secret back into the system's protected store (the lead's recovery
    code, db.recovery: the store lost its item, or the passphrase is forgotten); kept for this
    run too. The secret must be this folder's (its check value): KeyNeeded (wrong_recovery_code)
    and nothing changed otherwise. A passphrase's protection becomes the store's (the same
    secret: every file opens as before), where this computer has a store; without one
    KeyNeeded (store_unavailable), nothing changed: there is nowhere to keep it. True when a passphrase's
    protection became the store's."""
    made = protection(keys_dir)
    where = keys_dir / FILE
    if made is None:
        raise KnownDatabaseError(where, "is missing: this computer's Yanshou files were never protected here, there is no key to put back")
    if len(secret) != 32 or not hmac.compare_digest(_check_value(secret), made.check):
        raise KeyNeeded(where, "wrong_recovery_code", "that recovery code does not open this computer's Yanshou files "
                        "(it was read from another laptop's recovery file, or from one older than this computer's protection)")
    store = _store()
    if store is None:
        raise KeyNeeded(where, "store_unavailable", "this computer has no protected store (Credential Manager, the Secret "
                        "Service) to keep the recovered key in: log in to the desktop and try again")
    try:
        kept = _put_in_store(store, made, secret)
    except Exception as exc:  # a locked store, a refused prompt: keyring's errors and the backends' own
        raise KeyNeeded(
            where, "store_unavailable", f"the system's protected store refused the key ({exc}); unlock it and try again",
        ) from exc
    if not kept:
        raise KeyNeeded(where, "store_unavailable", "the system's protected store did not keep the key; try again")
    if made.method == PASSPHRASE:
        files.write_bytes(where, _text(Protection(made.id, STORE, made.check)))
    _unlocked[_key(keys_dir)] = secret
    return made.method == PASSPHRASE


def forget() -> None:
    """Forget every secret had in this run (a test's next step; a user who locks the program)."""
    _unlocked.clear()
    _backend.clear()


def file_password(secret: bytes, name: str) -> bytes:
    """The password of a private key file (its name binds it: one file's is not another's)."""
    return derive(secret, b"yanshou key file " + name.encode("utf-8")).hex().encode("ascii")


def database_key(secret: bytes, salt: bytes) -> bytes:
    """The raw SQLCipher key of the database whose salt this is."""
    return derive(secret, b"yanshou database key", salt)


__all__ = [
    "FILE", "PASSPHRASE", "PASSPHRASE_VARIABLE", "SERVICE", "STORE", "Protection", "database_key", "derive", "file_password",
    "forget", "has_store", "needs_passphrase", "passphrase_problem", "protection", "require", "restore", "secret", "unlock",
]
