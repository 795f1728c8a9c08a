"""Who may write what: the one admission check every version passes (SPEC §4).

A signature says which device wrote a version, not that it was allowed to. So every
version — written here by `db.versions.put`, or arriving by merge (`db.merge`) — is
admitted only when it passes every rule of `RULES`, on SQLite and on PostgreSQL alike. A
refused local write is an `Inadmissible` error (the command line exits 2); a refused
version refuses its whole file, and the report names the version, its author and the rule.

The author's role and inspector are what the receiver enrolled (a field laptop cannot
promote itself by editing its file); for a local write they are this file's own identity.
What only the application knows — the score grid of an item, the statuses' vocabulary, the
campaign's inspectors — is its `Policy.values` check (built from the campaign by the
services), called from here and nowhere else. So is the state machine of a problem's status
(desktop.core.problems): `Policy.steps` sees a version of a problem with its parents'
payloads, and refuses a step the machine does not allow (rule "step").
"""

from __future__ import annotations

import functools
import json
import re
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from db import canonical

# --- the policy, as one table -----------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    code: str  # the reason code a refusal carries (the window turns it into Chinese)
    says: str  # the rule, for a reader of the code and of the README


RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        Rule("entity", "a version is of a kind of record this program writes"),
        Rule("owner", "a field device writes only its own inspector's records: a record's owner is fixed by its id "
                      "(natural-key records) or by its first version, and no edit or tombstone of another's is admitted"),
        Rule("lead_only", "method scores, adjudications, adjustments, campaign settings, conflict resolutions and the "
                          "verified step of a problem are written by a master device only"),
        Rule("record", "a natural-key record's id is the one its key gives, and every version of a record is of its entity"),
        Rule("parents", "a version's parents are versions of the same record"),
        Rule("canonical", "a payload is stored in its canonical encoding, byte for byte (no duplicate key, no other spelling)"),
        Rule("text", "text is bounded and holds no NUL or control character other than line breaks and tabs"),
        Rule("name", "an inspector's or signer's name is a name: short, one line, nothing invisible"),
        Rule("value", "values are valid: the score grid, the statuses' vocabulary, the campaign's inspectors and items"),
        Rule("step", "a problem's status moves by its state machine: found open; rectified only from open, with evidence or "
                     "a written account; verified only from rectified, by the lead; reopened only with a reason"),
        Rule("clock", "a version's clock is at most a week ahead of the receiver's own"),
    )
}

# The lead's records: a master device writes them, a field device never.
LEAD_ENTITIES = frozenset({"method_score", "adjudication", "adjustment", "campaign_settings"})
# An inspector's records: the payload names the inspector who owns them.
INSPECTOR_ENTITIES = frozenset({"score", "finding", "evidence", "problem", "signature", "visit"})
ENTITIES = LEAD_ENTITIES | INSPECTOR_ENTITIES
# Records whose every version is checked against its parents' payloads (Policy.steps).
STEPPED_ENTITIES = frozenset({"problem"})

# Records whose id is the uuid5 of their key (db.versions.natural_id): entity → key fields.
# A version naming another key than its id's is refused: the id fixes the owner.
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "score": ("county", "item", "inspector"),
    "finding": ("county", "item", "inspector", "mode"),
    "method_score": ("county", "method"),
    "adjudication": ("county", "item"),
    "adjustment": ("county",),
    "signature": ("county", "inspector", "signer_role"),
    "visit": ("county", "inspector"),
    "campaign_settings": (),
}

WEEK_MS = 7 * 24 * 3600 * 1000
CLOCK_BOUND_MS = WEEK_MS  # how far ahead of the receiver's clock a version may be stamped
CLOCK_NOTED_MS = 3600 * 1000  # a laptop whose clock is off by more is pointed out in the report
MAX_NAME = 50
MAX_TEXT = 5000  # a finding, a description, a reason (the long-text test prints 3,000 in well under a second)
MAX_LONG = {"strokes": 2_000_000, "items": 100_000, "document": 1_000_000}  # machine-written fields
MAX_DEPTH = 8  # nesting of a payload (our own are at most 3 deep)
NAME_FIELDS = ("inspector", "signer_name")
# control characters but tab and line breaks, and the bidirectional embeddings, overrides and
# isolates, which reorder what a text shows on every face ("U+202E" turns "分3" into "3分")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def hlc_ms(hlc: int) -> int:
    """The wall-clock milliseconds of a hybrid logical clock value."""
    return hlc >> 16


def now_ms() -> int:
    return time.time_ns() // 1_000_000


# --- refusals --------------------------------------------------------------------------------


class Inadmissible(Exception):
    """A version the rules refuse; `rule` is a code of RULES."""

    def __init__(self, rule: str, message: str, *, version_id: str = "", author: str = "") -> None:
        assert rule in RULES, rule
        self.rule = rule
        self.version_id = version_id
        self.author = author
        super().__init__(message)

    def __reduce__(self) -> tuple[object, ...]:
        return _rebuild, (self.rule, str(self), self.version_id, self.author)


def _rebuild(rule: str, message: str, version_id: str, author: str) -> Inadmissible:
    return Inadmissible(rule, message, version_id=version_id, author=author)


# What the application checks of a payload's values: None, or (rule, why) with rule "value"
# or "name". `entity` is one of ENTITIES; the payload is canonical and not a tombstone's.
ValueCheck = Callable[[str, dict[str, Any]], "tuple[str, str] | None"]
# What the application checks of a change of a record of STEPPED_ENTITIES: None, or (rule,
# why) with rule "step" or "lead_only". Given the entity, the payload (a tombstone's too),
# its parents' payloads (none for a record's first version) and the author's role.
StepCheck = Callable[[str, dict[str, Any], "tuple[dict[str, Any], ...]", str], "tuple[str, str] | None"]


@dataclass
class Policy:
    """What a database admits beyond the structural rules: the application's value check
    (set by the services from the campaign), its check of a problem's steps, and the clock
    it compares stamps with."""

    values: ValueCheck | None = None
    steps: StepCheck | None = None
    clock: Callable[[], int] = field(default=now_ms)
    # names in which only a master writes (the lead's own evidence is the lead's name's): no
    # field laptop's records, even one whose inspector was enrolled under such a name
    reserved: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Author:
    """Who wrote a version, as the receiver knows it."""

    device_id: str
    role: str  # field | master: as enrolled, never as the file says of itself
    inspector: str | None

    def shown(self) -> str:
        who = self.inspector or ("the lead's master" if self.role == "master" else "no inspector")
        return f"{who} (device {self.device_id[:8]})"


@dataclass(frozen=True)
class Candidate:
    """A version as stored: its payload is the text its signature covers."""

    version_id: str
    record_id: str
    entity: str
    parents: tuple[str, ...]
    device_id: str
    seq: int
    hlc: int
    deleted: bool
    payload_text: str


@dataclass(frozen=True)
class Known:
    """What the receiver (and the rest of the file) holds of the records a version touches:
    each record's entity and owner (the inspector its versions name), each version's record,
    and the payloads of the versions that versions of STEPPED_ENTITIES name as parents."""

    record_entity: dict[str, str]
    record_owner: dict[str, str | None]
    version_record: dict[str, str]
    version_payload: dict[str, dict[str, Any]] = field(default_factory=dict)


# --- the checks --------------------------------------------------------------------------------


def parse_payload(payload_text: str) -> dict[str, Any]:
    """A stored payload, parsed strictly: an object, no duplicate key, bounded depth, and
    spelled exactly as the canonical encoding spells it. Raises Inadmissible("canonical")."""
    if (value := _canonical_at_once(payload_text)) is not None:
        return value
    return _parse_fully(payload_text)


def _parse_fully(payload_text: str) -> dict[str, Any]:
    """parse_payload's full reading: any payload, and why it is refused."""
    try:
        value = canonical.loads(payload_text, max_depth=MAX_DEPTH, strict_keys=False)
    except ValueError as exc:
        raise Inadmissible("canonical", f"its payload is not canonical JSON ({exc})") from None
    if not isinstance(value, dict):
        raise Inadmissible("canonical", "its payload is not an object")
    try:
        spelled = canonical.dumps(value)
    except (TypeError, ValueError) as exc:
        raise Inadmissible("canonical", f"its payload holds a value no Yanshou writes ({exc})") from None
    if spelled != payload_text:
        try:  # why: a duplicate key (the encoding above kept one of them) says so by name
            canonical.loads(payload_text, max_depth=MAX_DEPTH)
        except ValueError as exc:
            raise Inadmissible("canonical", f"its payload is not canonical JSON ({exc})") from None
        raise Inadmissible("canonical", "its payload is spelled otherwise than its canonical encoding")
    return value


class _NotQuick(ValueError):
    """A payload the quick reading leaves to the full one (_canonical_at_once)."""


def _not_quick(_text: str) -> Any:
    raise _NotQuick


# Made once: json.loads given settings builds a decoder at each call.
_DECODER = json.JSONDecoder(parse_constant=_not_quick, parse_float=_not_quick)


def _canonical_at_once(payload_text: str) -> dict[str, Any] | None:
    """The payload when its text is canonical as it stands, else None (then parse_payload's
    full reading decides, and says why). A merge reads thousands: this takes a third of the
    time. Exactly what the full reading admits, no more: the text is an object without float,
    NaN or infinity (canonical.normalise refuses floats), re-encoded with the canonical
    settings to the same text (a duplicate key, another order or spelling cannot be), nested
    no deeper than MAX_DEPTH (it holds at most that many brackets), and NFC as a whole. The
    last means every string and key in it is NFC, which is what canonical.dumps's
    normalisation would otherwise change: each is spliced between quotes, which compose with
    nothing, and spelled as itself but for the escapes of quotes, backslashes and control
    characters, which are ASCII starters that compose with nothing either; so a string that
    NFC would change (a character NFC never keeps, marks out of order, a pair that composes)
    is changed the same within the whole text."""
    try:
        value = _DECODER.decode(payload_text)
    except (ValueError, TypeError, RecursionError):
        return None
    if not isinstance(value, dict) or payload_text.count("{") + payload_text.count("[") > MAX_DEPTH:
        return None
    try:
        if canonical.dumps_normalised(value) != payload_text:
            return None
    except (TypeError, ValueError, RecursionError):
        return None
    if not (payload_text.isascii() or unicodedata.is_normalized("NFC", payload_text)):
        return None
    return value


def check_text(key: str, value: str) -> str | None:
    """Why a text of a payload is not admitted, or None."""
    limit = MAX_LONG.get(key, MAX_NAME if key in NAME_FIELDS else MAX_TEXT)
    if len(value) > limit:
        return f"the field {key} holds {len(value)} characters (at most {limit})"
    if (found := _CONTROL.search(value)) is not None:
        return f"the field {key} holds the control character U+{ord(found.group()):04X}"
    return None


@functools.lru_cache(maxsize=1024)  # the same few names in every version of a merge
def check_name(value: str) -> str | None:
    """Why a person's name is not a name, or None: one line, no invisible or control
    characters, no space at either end, at most MAX_NAME characters."""
    if not value or value != value.strip():
        return "a name is empty or has spaces at its ends"
    if len(value) > MAX_NAME:
        return f"a name of {len(value)} characters (at most {MAX_NAME})"
    for ch in value:
        if unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"} or (ch.isspace() and ch != " "):
            return f"a name holds the invisible or control character U+{ord(ch):04X}"
    return None


def _texts(value: Any, key: str = "") -> Iterable[tuple[str, str]]:
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _texts(k, key)
            yield from _texts(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _texts(v, key)


def _natural_id(campaign_key: str, entity: str, payload: dict[str, Any]) -> str | None:
    key = []
    for name in NATURAL_KEYS[entity]:
        part = payload.get(name)
        if not isinstance(part, str):
            return None
        key.append(part)
    return _natural_id_of(campaign_key, entity, tuple(key))


@functools.lru_cache(maxsize=16384)  # a record's versions, and its heads merged again, share its id
def _natural_id_of(campaign_key: str, entity: str, key: tuple[str, ...]) -> str:
    from db import versions  # versions imports this module

    return versions.natural_id(campaign_key, entity, *key)


def _texts_admitted(payload: dict[str, Any]) -> bool:
    """True when no text of the payload can be refused by check_text: the quick look at a flat
    payload (every value a text, a number, a boolean or null) whose texts are all short, with
    no control character (one search over them all). False leaves it to the full look, which
    names the first text refused in _texts's order."""
    found = []
    for key, value in payload.items():
        if not _key_admitted(key):
            return False
        if isinstance(value, str):
            if len(value) > (MAX_NAME if key in NAME_FIELDS else MAX_TEXT):
                return False
            found.append(value)
        elif isinstance(value, dict | list):
            return False
    return _CONTROL.search("\t".join(found)) is None


@functools.lru_cache(maxsize=1024)  # a payload's keys are the same few names in every version
def _key_admitted(key: str) -> bool:
    """check_text passes a payload's key (checked as the text of a field named '')."""
    return len(key) <= MAX_TEXT and _CONTROL.search(key) is None


def check(
    v: Candidate, author: Author, payload: dict[str, Any], *, campaign_key: str, known: Known, policy: Policy, now: int | None,
    steps: bool = True,
) -> None:
    """Every rule of RULES for one version, whose payload `parse_payload` has read. Raises
    Inadmissible naming the rule; the caller adds the version and its author. `now` None: no
    clock rule (a laptop taking the master's export, below). `steps` False: no step rule
    (a laptop taking the master's export: the master admitted every version it holds, and
    those its lead wrote before the rule existed must still reach the laptops)."""
    # Long (and branchy) on purpose: one decision per rule of SPEC §4, in the table's order, each
    # refusing with its own rule name; split, the order in which a version is judged would no longer
    # be visible in one place.
    entity = v.entity
    if entity not in ENTITIES:
        raise Inadmissible("entity", f"a record of a kind this program does not write ({entity[:32]!r})")
    master = author.role == "master"
    # the lead's records, conflict resolutions and the verified step: a master's
    if entity in LEAD_ENTITIES and not master:
        raise Inadmissible("lead_only", f"a field laptop wrote a {entity}, which only the lead's master writes: do it on the master")
    if len(v.parents) > 1 and not master:
        raise Inadmissible("lead_only", "a field laptop settled a conflict, which only the lead's master does")
    if entity == "problem" and payload.get("status") == "verified" and not master:  # its tombstone too: verified is the lead's
        raise Inadmissible(
            "lead_only", "a field laptop marked a problem verified (or changed or deleted a verified one), which only the lead does",
        )
    # the record: its id, its entity, its parents
    if entity in NATURAL_KEYS and v.record_id != _natural_id(campaign_key, entity, payload):
        raise Inadmissible("record", f"its record id is not the one its {entity}'s key gives")
    held = known.record_entity.get(v.record_id)
    if held is not None and held != entity:
        raise Inadmissible("record", f"it writes a {entity} into a record that is a {held}")
    for parent in v.parents:
        if known.version_record.get(parent, v.record_id) != v.record_id:
            raise Inadmissible("parents", f"it names version {parent[:12]} of another record as its parent")
    # ownership
    if entity in INSPECTOR_ENTITIES:
        inspector = payload.get("inspector")
        if not isinstance(inspector, str):
            raise Inadmissible("owner", f"a {entity} that names no inspector")
        if v.record_id in known.record_owner and known.record_owner[v.record_id] != inspector:
            raise Inadmissible("owner", f"it rewrites a {entity} of {known.record_owner[v.record_id]} as {inspector}'s")
        if not master and inspector != author.inspector:
            raise Inadmissible("owner", f"a field laptop of {author.inspector} wrote {inspector}'s {entity}")
        if not master and inspector in policy.reserved:
            raise Inadmissible("owner", f"a field laptop wrote a {entity} in the name {inspector}, in which only the lead's master writes")
    # text, names, values
    if not _texts_admitted(payload):
        for key, value in _texts(payload):
            if (why := check_text(key, value)) is not None:
                raise Inadmissible("text", why)
    for key in NAME_FIELDS:
        if isinstance(payload.get(key), str) and (why := check_name(payload[key])) is not None:
            raise Inadmissible("name", f"{key}: {why}")
    if policy.values is not None and not v.deleted and (found := policy.values(entity, payload)) is not None:
        raise Inadmissible(found[0] if found[0] in RULES else "value", found[1])
    # the step a problem takes, against the versions it continues
    if steps and entity in STEPPED_ENTITIES and not master and not v.parents and held is not None:
        # a problem's id is drawn at random when it is found: a version of one held here that
        # continues none of its versions starts it again beside them (a second head, which may
        # win the conflict's order), its step from what it replaces never checked
        raise Inadmissible("step", "it begins again a problem that exists already, continuing none of its versions")
    if steps and entity in STEPPED_ENTITIES and policy.steps is not None:
        missing = [p for p in v.parents if p not in known.version_payload]
        if missing:
            raise Inadmissible("step", f"the version {missing[0][:12]} it continues is not known here, so its step cannot be checked")
        parents = tuple(known.version_payload[p] for p in v.parents)
        if (found := policy.steps(entity, payload, parents, author.role)) is not None:
            raise Inadmissible(found[0] if found[0] in RULES else "step", found[1])
    # the clock
    if v.hlc >= 2**63 - 2**32:
        raise Inadmissible("clock", "it is stamped with a clock no computer shows (at the end of what can be stored)")
    if now is None:
        return
    ahead = hlc_ms(v.hlc) - now
    if ahead > CLOCK_BOUND_MS:
        days = ahead / (24 * 3600 * 1000)
        raise Inadmissible(
            "clock",
            f"it is stamped {days:.0f} days ahead of this computer's clock: the clock of {author.shown()} is wrong "
            "(or this computer's is); correct it, then on that laptop 'yanshou renew' its database and export the new one",
        )


__all__ = [
    "CLOCK_BOUND_MS", "CLOCK_NOTED_MS", "INSPECTOR_ENTITIES", "LEAD_ENTITIES", "RULES", "STEPPED_ENTITIES", "Author", "Candidate",
    "Inadmissible", "Known", "Policy", "StepCheck", "ValueCheck", "check", "check_name", "check_text", "hlc_ms", "parse_payload",
]
