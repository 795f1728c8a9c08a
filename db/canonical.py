"""The canonical encoding that a version's id hashes and its signature covers.

JSON with sorted keys, no spaces, UTF-8, strings in NFC, booleans and integers as such,
decimals as strings (the caller converts them), floats refused: two machines that encode
the same version get the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from typing import Any

FORMAT = 1


def normalise(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"a canonical key must be a string, not {key!r}")
            out[unicodedata.normalize("NFC", key)] = normalise(item)
        return out
    if isinstance(value, list | tuple):
        return [normalise(v) for v in value]
    raise TypeError(f"{type(value).__name__} has no canonical encoding (decimals go as strings)")


# The encoding's settings, made once: json.dumps given settings builds an encoder at each call,
# as long as the encoding of a short payload itself (a merge encodes thousands).
_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
_STRING = json.JSONEncoder(ensure_ascii=False).encode  # a text as JSON spells it


def dumps(value: Any) -> str:
    return _ENCODER.encode(normalise(value))


def dumps_normalised(value: Any) -> str:
    """dumps() of a value that is normalised already (every text and key NFC, lists rather
    than tuples), without walking it first: the caller knows it is (db.admission reads a
    payload whose whole text is NFC). A float is encoded here, not refused."""
    return _ENCODER.encode(value)


def envelope(
    *,
    record_id: str,
    entity: str,
    parents: list[str] | tuple[str, ...],
    device_id: str,
    seq: int,
    hlc: int,
    deleted: bool,
    payload: dict[str, Any],
    blob_hashes: list[str] | tuple[str, ...],
) -> bytes:
    """The bytes of one version: what its id is the hash of, what its signature signs."""
    return dumps(
        {
            "format": FORMAT,
            "record": record_id,
            "entity": entity,
            "parents": sorted(parents),
            "device": device_id,
            "seq": seq,
            "hlc": hlc,
            "deleted": deleted,
            "payload": payload,
            "blobs": sorted(blob_hashes),
        }
    ).encode("utf-8")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stored_envelope(
    *,
    record_id: str,
    entity: str,
    parents: list[str],
    device_id: str,
    seq: int,
    hlc: int,
    deleted: object,
    payload_text: str,
    blobs_text: str,
) -> bytes:
    """`envelope` built from a version as stored: its payload and blob list are already
    canonical JSON text, so they are spliced in rather than parsed and re-encoded (a merge
    checks thousands). Text that is not canonical yields bytes whose hash is not the
    version's id, so the version is refused, never misread."""

    def string(value: object) -> str:
        if not isinstance(value, str):
            raise TypeError(f"expected text, found {type(value).__name__}")
        return _STRING(value)

    if not isinstance(payload_text, str) or not isinstance(blobs_text, str) or not isinstance(seq, int) or not isinstance(hlc, int):
        raise TypeError("a version's fields have the wrong types")
    return (
        f'{{"blobs":{blobs_text},"deleted":{"true" if deleted else "false"},"device":{string(device_id)},'
        f'"entity":{string(entity)},"format":{FORMAT},"hlc":{hlc},"parents":{dumps(sorted(parents)) if parents else "[]"},'
        f'"payload":{payload_text},"record":{string(record_id)},"seq":{seq}}}'
    ).encode()


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"the key {key[:40]!r} appears twice")
        out[key] = value
    return out


def _depth(value: Any, limit: int) -> bool:
    """Whether `value` nests at most `limit` deep."""
    if limit < 0:
        return False
    if isinstance(value, dict):
        return all(_depth(v, limit - 1) for v in value.values())
    if isinstance(value, list):
        return all(_depth(v, limit - 1) for v in value)
    return True


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value this program writes")


def loads(data: str | bytes, *, max_depth: int = 32, strict_keys: bool = True) -> Any:
    """JSON from outside, read strictly: no duplicate key (two readers could each take a
    different one), no NaN or Infinity, nesting at most `max_depth` deep. Raises ValueError
    for all of these, and for nesting so deep that the parser itself gives up. With
    `strict_keys` False a duplicate key is left to the caller, who compares the text with its
    canonical encoding (which a duplicate cannot match): the quicker path for many."""
    try:
        if strict_keys:
            value = json.loads(data, object_pairs_hook=_no_duplicates, parse_constant=_constant)
        else:
            value = json.loads(data, parse_constant=_constant)
    except RecursionError:
        raise ValueError("nested too deep") from None
    try:
        shallow = _depth(value, max_depth)
    except RecursionError:
        shallow = False
    if not shallow:
        raise ValueError(f"nested more than {max_depth} deep")
    return value


NAMESPACE = "db792966-f6e7-5a66-9919-6ce8580fbb9c"  # uuid5(NAMESPACE_URL, "https://yanshou.invalid/record"): records


def uuid5(namespace: str, name: str) -> str:
    """uuid.uuid5(UUID(namespace), name) as text (RFC 4122, 4.3: SHA-1 of the namespace's bytes
    and the name's UTF-8, version 5, variant 10), without importing uuid, which a cold start's
    first read (db.peek's settings id) would otherwise wait for (5-14 ms)."""
    digest = bytearray(hashlib.sha1(bytes.fromhex(namespace.replace("-", "")) + name.encode("utf-8")).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def natural_id(campaign_key: str, entity: str, *key: str) -> str:
    """The id of a record with a natural key; the same on every machine."""
    parts = [campaign_key, entity, *key]
    if all(isinstance(p, str) and unicodedata.is_normalized("NFC", p) for p in parts):  # canonical already (the common case)
        encoded = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
    else:
        encoded = dumps(parts)
    return uuid5(NAMESPACE, encoded)
