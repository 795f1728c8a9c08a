"""Device keys: an ECDSA P-256 key pair per database that writes.

The private key never enters the database file: it lives in a folder of the user's
config (owner-only), named by the device id, so a copied or stolen database cannot be
re-signed. P-256 rather than Ed25519 because the same key signs PDFs, and PDF verifiers
accept ECDSA P-256 where many reject Ed25519.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from db import files
from db.errors import DeviceKeyMissing

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


def create_key(keys_dir: Path, device_id: str) -> Signer:
    """A new key pair, its private half written owner-only under `keys_dir`."""
    keys_dir.mkdir(parents=True, exist_ok=True)
    try:
        os.chmod(keys_dir, 0o700)
    except OSError:  # pragma: no cover - a folder we cannot chmod still works (Windows ACLs)
        pass
    key = ec.generate_private_key(_CURVE)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path = key_path(keys_dir, device_id)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
        files.flush(f)
    protect(path)
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


def load_key(keys_dir: Path, device_id: str, database: Path | str) -> Signer:
    path = key_path(keys_dir, device_id)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
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
