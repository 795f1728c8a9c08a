"""Sealed exports (issue 21): a file on a USB stick that only its receivers can open.

A laptop's export is sealed for the lead's master, the master's export for the enrolled
laptops. Whoever else holds the file reads only its clear header: what it is, the format's
version, and for whom (each receiver's name and key fingerprint). Everything else — the
database with its findings, photos and signed scores, the signed manifest inside it — is
encrypted.

The format (version 1), all from `cryptography`:
- a first line, ``YANSHOU SEALED EXPORT``; then one line of JSON: the header (``format``,
  ``for``: the receivers, ``ephemeral``: a P-256 public key made for this file alone,
  ``nonce``: 7 random bytes, ``keys``: the file's content key wrapped once per receiver);
- the content key (32 random bytes) is wrapped for each receiver with AES-256-GCM under a
  key derived by HKDF-SHA256 from ECDH(ephemeral private key, receiver's public key), the
  derivation bound to the ephemeral key and the receiver's fingerprint;
- then the database in chunks of 1 MiB, each AES-256-GCM under the content key, its nonce
  the file's 7 bytes, the chunk's index (4 bytes) and a final flag (1 byte), its associated
  data the SHA-256 of the header's two lines, the index and the flag. Every chunk but the
  last holds exactly 1 MiB; the last holds less (maybe nothing) and is flagged final. So a
  changed byte anywhere (the header included), chunks swapped or dropped, a file cut short
  at any point or with bytes appended are each detected before anything is used.

A short payload is sealed the same way (`seal_bytes`, `unseal_bytes`: one chunk, in memory),
under a first line of its own so that it is never taken for an export, with a few clear fields
in its header (``about``), bound by the seal as the rest of the header is: a laptop's recovery
file (db.recovery) is one.

The receiving side decrypts into the quarantine folder (db.merge.quarantine) and merges
the database it finds as it merges any export: the seal hides the file; the signatures
inside still say who wrote it.

Keys: every database that exports has an encryption key pair of its own, separate from its
signing key (db.keys); `sealing_key` is the one place its private half is loaded or saved
(a key file beside the device key, encrypted at rest as it is: db.keys). Its public half travels in the signed
manifest of each export (db.manifest.SEAL_KEY), so a receiver learns it from a file it
verified, signed by the device it enrolled: a stick cannot slip in a key of its own.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import io
import json
import secrets
import struct
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from db import canonical, files, keys

MAGIC = b"YANSHOU SEALED EXPORT\n"
FORMAT = 1
CHUNK = 1024 * 1024
_TAG = 16
_MAX_HEADER = 64 * 1024  # the header line; a receivers' list of a province's laptops fits many times over
_MAX_RECIPIENTS = 500
_MAX_NAME = 100
_MAX_ABOUT = 20  # clear fields of a short payload's header (db.recovery), each at most _MAX_NAME characters
_WHAT = "a Yanshou export, sealed: only the devices it is for can open it"
_CURVE = ec.SECP256R1()
_WRAP_INFO = b"yanshou sealed export 1: content key for "
_WRAP_AAD = b"yanshou sealed export 1"


class SealError(Exception):
    """A sealed file that cannot be opened here; `code` says why: not_for_us (sealed for
    other keys), sealed_damaged (a header no Yanshou writes), sealed_altered (a chunk or the
    header changed), sealed_truncated (its end is missing), sealed_too_new."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


@dataclass(frozen=True)
class Recipient:
    """Whom a file is sealed for: a name to show (an inspector, or the lead's master), the
    device, and its public encryption key (DER, SubjectPublicKeyInfo)."""

    name: str
    device_id: str
    public_der: bytes

    @property
    def fingerprint(self) -> str:
        return keys.fingerprint(self.public_der)


@dataclass(frozen=True)
class Addressee:
    """A receiver as the clear header names it."""

    name: str
    device: str  # the first characters of its device id
    fingerprint: str


@dataclass(frozen=True)
class Header:
    format: int
    recipients: tuple[Addressee, ...]
    ephemeral: bytes
    nonce: bytes
    wrapped: tuple[bytes, ...]
    digest: bytes  # SHA-256 of the two lines as read: every chunk's associated data starts with it
    length: int  # bytes of the file before the first chunk
    about: Mapping[str, str] = dataclasses.field(default_factory=dict)  # clear fields of a short payload (seal_bytes)

    def shown(self) -> str:
        """For whom, as a person reads it: names with their key fingerprints."""
        return ", ".join(f"{a.name} (key {keys.show_fingerprint(a.fingerprint)})" for a in self.recipients)


# --- keys ------------------------------------------------------------------------------------


def key_path(keys_dir: Path, device_id: str) -> Path:
    return keys_dir / f"{device_id}.seal.pem"


def sealing_key(
    keys_dir: Path, device_id: str, *, create: bool = False, protect_it: bool = True,
) -> ec.EllipticCurvePrivateKey | None:
    """This device's private encryption key: the one place it is loaded or saved. A key file
    beside the device key, protected as the device key is (db.keys.write_private and
    read_private: encrypted under this computer's secret, owner-only); None when there is none
    and `create` is false. A P-256 key of its own: never the signing key."""
    path = key_path(keys_dir, device_id)
    try:
        loaded = keys.read_private(path, keys_dir=keys_dir, protect_it=protect_it)
    except FileNotFoundError:
        loaded = None
    if loaded is not None:
        if not isinstance(loaded, ec.EllipticCurvePrivateKey) or not isinstance(loaded.curve, ec.SECP256R1):
            raise ValueError(f"{path} is not a P-256 key")
        return loaded
    if not create:
        return None
    key = ec.generate_private_key(_CURVE)
    keys.write_private(path, key, keys_dir=keys_dir, protect_it=protect_it)
    return key


def public_der(key: ec.EllipticCurvePrivateKey) -> bytes:
    return keys.public_der(key.public_key())


def _public_key(der: bytes) -> ec.EllipticCurvePublicKey | None:
    try:
        key = serialization.load_der_public_key(der)
    except ValueError:
        return None
    return key if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1) else None


def usable_public_key(der: bytes) -> bool:
    """Whether these bytes are a P-256 public key a file can be sealed for."""
    return _public_key(der) is not None


@dataclass(frozen=True)
class Opener:
    """The private encryption keys this database holds (today: its own one), and the keys
    folder whose secret (db.vault) opens this computer's own encrypted database files."""

    private_keys: tuple[ec.EllipticCurvePrivateKey, ...]
    keys_dir: Path | None = None

    def fingerprints(self) -> list[str]:
        return [keys.fingerprint(public_der(k)) for k in self.private_keys]


# --- sealing ---------------------------------------------------------------------------------


def _kek(shared: bytes, ephemeral: bytes, fingerprint: str) -> bytes:
    return HKDF(hashes.SHA256(), 32, salt=None, info=_WRAP_INFO + ephemeral + fingerprint.encode("ascii")).derive(shared)


def _nonce(prefix: bytes, index: int, final: bool) -> bytes:
    return prefix + struct.pack(">IB", index, final)


def _aad(digest: bytes, index: int, final: bool) -> bytes:
    return digest + struct.pack(">QB", index, final)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _clean_name(name: str) -> str:
    shown = "".join(c for c in name if c.isprintable())[:_MAX_NAME].strip()
    return shown or "?"


def _header_lines(
    recipients: Sequence[Recipient], ephemeral: bytes, nonce: bytes, wrapped: Sequence[bytes], *, magic: bytes, what: str,
    about: Mapping[str, str],
) -> bytes:
    body: dict[str, object] = {
        "format": FORMAT,
        "what": what,
        **({"about": dict(about)} if about else {}),
        "for": [{"name": _clean_name(r.name), "device": r.device_id[:8], "key": r.fingerprint} for r in recipients],
        "cipher": "ECDH P-256, HKDF-SHA256, AES-256-GCM in chunks of 1 MiB",
        "ephemeral": _b64(ephemeral),
        "nonce": _b64(nonce),
        "keys": [_b64(w) for w in wrapped],
    }
    return magic + json.dumps(body, ensure_ascii=False, separators=(", ", ": ")).encode("utf-8") + b"\n"


def seal(source: Path, target: Path, recipients: Sequence[Recipient]) -> None:
    """Write `source` sealed for `recipients` to `target` (a new file), flushed."""
    with source.open("rb") as src, target.open("xb") as dst:
        _seal(src, dst, recipients, magic=MAGIC, what=_WHAT, about={})
        files.flush(dst)


def seal_bytes(data: bytes, recipients: Sequence[Recipient], *, magic: bytes, what: str, about: Mapping[str, str]) -> bytes:
    """A short payload (a key: db.recovery) sealed as a file is, its first line `magic` (not an
    export's), its header saying `what` and the clear fields `about`, all bound by the seal."""
    if magic == MAGIC or not (magic.endswith(b"\n") and magic.startswith(b"YANSHOU ")):
        raise ValueError("a sealed payload has a first line of its own")
    if len(about) > _MAX_ABOUT or any(len(k) > _MAX_NAME or len(v) > _MAX_NAME for k, v in about.items()):
        raise ValueError("too much said in the clear")
    out = io.BytesIO()
    _seal(io.BytesIO(data), out, recipients, magic=magic, what=what, about=about)
    return out.getvalue()


def _seal(
    src: BinaryIO, dst: BinaryIO, recipients: Sequence[Recipient], *, magic: bytes, what: str, about: Mapping[str, str],
) -> None:
    if not recipients:
        raise ValueError("a file is sealed for someone")
    if len(recipients) > _MAX_RECIPIENTS:
        raise ValueError(f"a file is sealed for at most {_MAX_RECIPIENTS} devices")
    content_key = AESGCM.generate_key(256)
    ephemeral_key = ec.generate_private_key(_CURVE)
    ephemeral = keys.public_der(ephemeral_key.public_key())
    wrapped = []
    for r in recipients:
        receiver = _public_key(r.public_der)
        if receiver is None:
            raise ValueError(f"the key of {r.name} is not a P-256 public key")
        kek = _kek(ephemeral_key.exchange(ec.ECDH(), receiver), ephemeral, r.fingerprint)
        wrapped.append(AESGCM(kek).encrypt(bytes(12), content_key, _WRAP_AAD))  # a key used once: a fixed nonce is safe
    prefix = secrets.token_bytes(7)
    lines = _header_lines(recipients, ephemeral, prefix, wrapped, magic=magic, what=what, about=about)
    digest = hashlib.sha256(lines).digest()
    aead = AESGCM(content_key)
    dst.write(lines)
    index = 0
    while True:
        block = _read_full(src, CHUNK)
        final = len(block) < CHUNK
        dst.write(aead.encrypt(_nonce(prefix, index, final), block, _aad(digest, index, final)))
        if final:
            break
        index += 1
        if index >= 2**32:  # pragma: no cover - 4 PiB
            raise ValueError("the file is too large to seal")


def _read_full(f: BinaryIO, size: int) -> bytes:
    """Up to `size` bytes: less only at the end of the file."""
    parts = []
    left = size
    while left:
        part = f.read(left)
        if not part:
            break
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


# --- opening ---------------------------------------------------------------------------------


def is_sealed(path: Path) -> bool:
    """Whether the file begins as a sealed export does (it may still be damaged)."""
    try:
        with path.open("rb") as f:
            return f.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def read_header(f: BinaryIO, on_bytes: Callable[[bytes], None] = lambda _b: None, *, magic: bytes = MAGIC) -> Header:
    """The clear header of a sealed file, read strictly from its start (`f` is left at the
    first chunk; `on_bytes` sees every byte read); `magic`: the first line it must have (an
    export's, or a sealed payload's). SealError for anything no Yanshou writes."""
    start = f.read(len(magic))
    on_bytes(start)
    if start != magic:
        raise SealError("sealed_damaged", "not a sealed export")
    line = f.readline(_MAX_HEADER + 1)
    on_bytes(line)
    if len(line) > _MAX_HEADER or not line.endswith(b"\n"):
        raise SealError("sealed_damaged", "the sealed file's header is cut short or too long: it was damaged")
    try:
        body = canonical.loads(line.decode("utf-8"), max_depth=4)
        header = _parse(body, hashlib.sha256(start + line).digest(), len(start) + len(line))
    except SealError:
        raise
    except (ValueError, TypeError, KeyError, UnicodeDecodeError) as exc:
        raise SealError("sealed_damaged", "the sealed file's header is not one Yanshou writes: it was damaged or altered") from exc
    return header


def _parse(body: object, digest: bytes, length: int) -> Header:
    if not isinstance(body, dict):
        raise ValueError("not an object")
    version = body["format"]
    if not isinstance(version, int) or isinstance(version, bool):
        raise ValueError("no format")
    if version > FORMAT:
        raise SealError("sealed_too_new", f"sealed by a newer Yanshou (format {version}); update this program")
    if version != FORMAT:
        raise ValueError("an unknown format")
    listed, wrapped = body["for"], body["keys"]
    if not (isinstance(listed, list) and isinstance(wrapped, list) and 0 < len(listed) == len(wrapped) <= _MAX_RECIPIENTS):
        raise ValueError("receivers and keys do not match")
    recipients = []
    for entry in listed:
        if not isinstance(entry, dict):
            raise ValueError("a receiver that is not an object")
        name, device, fingerprint = entry["name"], entry["device"], entry["key"]
        if not (isinstance(name, str) and len(name) <= _MAX_NAME and isinstance(device, str) and len(device) <= 64):
            raise ValueError("a receiver's name")
        if not (isinstance(fingerprint, str) and len(fingerprint) == 64 and all(c in "0123456789abcdef" for c in fingerprint)):
            raise ValueError("a receiver's key")
        recipients.append(Addressee(_clean_name(name), device, fingerprint))
    ephemeral = _unb64(body["ephemeral"], 200)
    nonce = _unb64(body["nonce"], 7)
    keys_wrapped = tuple(_unb64(w, 48) for w in wrapped)
    if len(nonce) != 7 or any(len(w) != 48 for w in keys_wrapped) or _public_key(ephemeral) is None:
        raise ValueError("a key or nonce of the wrong size")
    about = body.get("about", {})
    if not (isinstance(about, dict) and len(about) <= _MAX_ABOUT and all(
        isinstance(k, str) and isinstance(v, str) and len(k) <= _MAX_NAME and len(v) <= _MAX_NAME for k, v in about.items()
    )):
        raise ValueError("clear fields no Yanshou writes")
    return Header(version, tuple(recipients), ephemeral, nonce, keys_wrapped, digest, length, dict(about))


def _unb64(value: object, limit: int) -> bytes:
    if not isinstance(value, str) or len(value) > 2 * limit:
        raise ValueError("not base64")
    return base64.b64decode(value, validate=True)


def describe(path: Path) -> Header:
    """The clear header of a sealed file: whom it is for (all anyone else can read)."""
    with path.open("rb") as f:
        return read_header(f)


def _content_key(header: Header, opener: Opener | None) -> bytes:
    """The file's content key, unwrapped with the first of our keys it is sealed for."""
    ours = {keys.fingerprint(public_der(k)): k for k in (opener.private_keys if opener else ())}
    ephemeral = _public_key(header.ephemeral)
    assert ephemeral is not None  # _parse checked it
    for addressee, wrapped in zip(header.recipients, header.wrapped, strict=True):
        key = ours.get(addressee.fingerprint)
        if key is None:
            continue
        kek = _kek(key.exchange(ec.ECDH(), ephemeral), header.ephemeral, addressee.fingerprint)
        try:
            return AESGCM(kek).decrypt(bytes(12), wrapped, _WRAP_AAD)
        except InvalidTag:
            raise SealError(
                "sealed_altered", "the sealed file's key for this database does not open: the file was altered or damaged",
            ) from None
    mine = ", ".join(keys.show_fingerprint(f) for f in ours) or "none on this computer"
    raise SealError("not_for_us", f"it is sealed for {header.shown()}, not for this database (its key: {mine})")


def unseal(
    src: BinaryIO, write: Callable[[bytes], object], opener: Opener | None, *, on_bytes: Callable[[bytes], None] = lambda _b: None,
    magic: bytes = MAGIC,
) -> Header:
    """Open a sealed file read from `src`, handing each authenticated chunk's bytes to `write`
    in order; `on_bytes` sees every byte read (the caller hashes the file as offered). Raises
    SealError as soon as anything does not check: a caller that wrote chunks discards them."""
    header = read_header(src, on_bytes, magic=magic)
    aead = AESGCM(_content_key(header, opener))
    index = 0
    while True:
        block = _read_full(src, CHUNK + _TAG)
        on_bytes(block)
        if not block:
            raise SealError("sealed_truncated", f"the sealed file ends after part {index}: it was cut short (copy it again)")
        final = len(block) < CHUNK + _TAG
        try:
            plain = aead.decrypt(_nonce(header.nonce, index, final), block, _aad(header.digest, index, final))
        except InvalidTag:
            raise SealError(
                "sealed_altered",
                f"part {index + 1} of the sealed file does not match its seal: the file was changed, cut short or damaged",
            ) from None
        write(plain)
        if final:
            return header
        index += 1


def unseal_bytes(data: bytes, opener: Opener | None, *, magic: bytes) -> tuple[Header, bytes]:
    """A payload sealed by seal_bytes, and its header; SealError as unseal."""
    parts: list[bytes] = []
    header = unseal(io.BytesIO(data), parts.append, opener, magic=magic)
    return header, b"".join(parts)


__all__ = [
    "CHUNK", "FORMAT", "MAGIC", "Addressee", "Header", "Opener", "Recipient", "SealError", "describe", "is_sealed", "key_path",
    "public_der", "read_header", "seal", "seal_bytes", "sealing_key", "unseal", "unseal_bytes", "usable_public_key",
]
