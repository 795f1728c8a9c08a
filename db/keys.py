"""Device keys: an ECDSA P-256 key pair per database that writes.

The private key never enters the database file: it lives in a folder of the user's
config (owner-only), named by the device id, so a copied or stolen database cannot be
re-signed. P-256 rather than Ed25519 because the same key signs PDFs, and PDF verifiers
accept ECDSA P-256 where many reject Ed25519.

Protected at rest (issue 21, point 3): a private key file is PKCS #8, encrypted (PBES2,
AES-256-CBC) under a password derived from this computer's secret and the file's name
(db.vault: the system's protected store, or a passphrase), so the keys folder read from a
stolen disk or copied elsewhere signs nothing. A bare PEM file of an older version is
rewritten so once the secret is at hand; where there is no secret to be had (no store, no
passphrase given) a new key is written bare, owner-only as before; so are a PostgreSQL
master's keys, which every lead's desk on it holds (copied there from the desk that made it). `write_private` and
`read_private` are the one place a private key file is written or read (the sealing key of
db.seal goes through them too).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from db import files, vault
from db.errors import DeviceKeyMissing, KeyNeeded, KnownDatabaseError

_CURVE = ec.SECP256R1()
_SIGNATURE = ec.ECDSA(hashes.SHA256())


@dataclass(frozen=True)
class Signer:
    device_id: str
    private_key: ec.EllipticCurvePrivateKey

    def sign(self, data: bytes) -> bytes:
        return self.private_key.sign(data, _SIGNATURE)

    @property
    def public_der(self) -> bytes:
        return public_der(self.private_key.public_key())


def public_der(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def fingerprint(public_key_der: bytes) -> str:
    """SHA-256 of the public key, hex: what the lead compares when enrolling a device."""
    return hashlib.sha256(public_key_der).hexdigest()


def show_fingerprint(value: str) -> str:
    """A fingerprint for reading aloud: the first 16 hex digits in groups of four."""
    return " ".join(value[i : i + 4].upper() for i in range(0, 16, 4))


def key_path(keys_dir: Path, device_id: str) -> Path:
    return keys_dir / f"{device_id}.pem"


ENCRYPTED_PEM = b"-----BEGIN ENCRYPTED PRIVATE KEY-----"


def _pem(key: ec.EllipticCurvePrivateKey, secret: bytes | None, path: Path) -> bytes:
    encryption: serialization.KeySerializationEncryption = (
        serialization.NoEncryption() if secret is None else serialization.BestAvailableEncryption(vault.file_password(secret, path.name))
    )
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def write_private(path: Path, key: ec.EllipticCurvePrivateKey, *, keys_dir: Path, protect_it: bool = True) -> bool:
    """Write a new private key file, owner-only, encrypted under this computer's secret where
    there is one to be had (made in the store if there is one and none yet); True when it is
    encrypted. KeyNeeded when the secret needs the passphrase, not given yet. `protect_it`
    false: bare, owner-only (a PostgreSQL master's keys, copied to every lead's desk)."""
    keys_dir.mkdir(parents=True, exist_ok=True)
    try:
        os.chmod(keys_dir, 0o700)
    except OSError:  # pragma: no cover - a folder we cannot chmod still works (Windows ACLs)
        pass
    secret = vault.secret(keys_dir, path, create=True) if protect_it else None
    pem = _pem(key, secret, path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
        files.flush(f)
    protect(path)
    return secret is not None


def read_private(path: Path, *, keys_dir: Path, protect_it: bool = True) -> PrivateKeyTypes:
    """A private key file's key (FileNotFoundError when there is none). An encrypted one needs
    this computer's secret (KeyNeeded when it cannot be had now; KnownDatabaseError when it does
    not open it: protected on another computer). A bare one is rewritten encrypted, once, when
    the secret is at hand without asking (and `protect_it`); it is used as it is meanwhile."""
    data = path.read_bytes()
    if data.lstrip().startswith(ENCRYPTED_PEM):
        held = vault.require(keys_dir, path)
        try:
            return serialization.load_pem_private_key(data, password=vault.file_password(held, path.name))
        except ValueError:
            raise KnownDatabaseError(
                path, "this key file was protected on another computer or by another user: it opens only there",
            ) from None
    loaded = serialization.load_pem_private_key(data, password=None)
    try:
        secret = vault.secret(keys_dir, path, create=True) if protect_it else None
    except KeyNeeded:  # a passphrase not given yet: protected at an open that has it
        secret = None
    if secret is not None and isinstance(loaded, ec.EllipticCurvePrivateKey):
        files.write_bytes(path, _pem(loaded, secret, path))
        protect(path)
    return loaded


def is_protected(path: Path) -> bool:
    """Whether a private key file is encrypted (not a bare PEM)."""
    try:
        with path.open("rb") as f:
            return f.read(len(ENCRYPTED_PEM) + 8).lstrip().startswith(ENCRYPTED_PEM)
    except OSError:
        return False


def create_key(keys_dir: Path, device_id: str, *, protect_it: bool = True) -> Signer:
    """A new key pair, its private half written owner-only under `keys_dir` (write_private)."""
    key = ec.generate_private_key(_CURVE)
    write_private(key_path(keys_dir, device_id), key, keys_dir=keys_dir, protect_it=protect_it)
    return Signer(device_id, key)


def protect(path: Path) -> None:
    """Owner-only: the file's mode on POSIX (set as it is made); on Windows, where a mode does
    nothing, an ACL granting the current user alone (inheritance from the folder removed)."""
    if os.name != "nt":
        os.chmod(path, 0o600)
        return
    user = os.environ.get("USERNAME")  # pragma: no cover - Windows only
    if not user:  # pragma: no cover
        return
    import subprocess  # pragma: no cover

    subprocess.run(  # pragma: no cover
        ["icacls", str(path), "/inheritance:r", "/grant:r", f"{user}:F"], capture_output=True, check=False,
        creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
    )


def load_key(keys_dir: Path, device_id: str, database: Path | str, *, protect_it: bool = True) -> Signer:
    path = key_path(keys_dir, device_id)
    try:
        key = read_private(path, keys_dir=keys_dir, protect_it=protect_it)
    except FileNotFoundError:
        raise DeviceKeyMissing(
            database,
            f"this database's device key ({path}) is not on this computer; a copied database "
            "cannot be written — create a new one with 'yanshou init'",
        ) from None
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise DeviceKeyMissing(database, f"{path} is not an ECDSA key")
    return Signer(device_id, key)


def verify(public_key_der: bytes, signature: bytes, data: bytes) -> bool:
    try:
        key = serialization.load_der_public_key(public_key_der)
    except ValueError:
        return False
    if not isinstance(key, ec.EllipticCurvePublicKey):
        return False
    try:
        key.verify(signature, data, _SIGNATURE)
    except InvalidSignature:
        return False
    return True


class Verifier:
    """One device's public key, parsed once: a merge checks thousands of its signatures."""

    def __init__(self, public_key_der: bytes) -> None:
        try:
            key = serialization.load_der_public_key(public_key_der)
        except ValueError:
            key = None
        self._key = key if isinstance(key, ec.EllipticCurvePublicKey) else None

    def __call__(self, signature: bytes, data: bytes) -> bool:
        if self._key is None:
            return False
        try:
            self._key.verify(signature, data, _SIGNATURE)
        except InvalidSignature:
            return False
        return True
