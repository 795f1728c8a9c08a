"""Which devices a merge accepts: a device as a file or the receiver describes it, the lead's
decision on devices not seen before (SPEC §4), and the words that name a device in a refusal.
Verification (db.merge.verify) asks the decision first; the batch's transaction
(db.merge.apply) asks it again, as of then, for a second laptop of one inspector."""

from __future__ import annotations

from dataclasses import dataclass

from db import keys


@dataclass(frozen=True)
class Enrolment:
    """Which devices not seen before the lead accepts, by decision (SPEC §4):
    - `field`: field laptops — all (True), none (False), or those whose id starts with one of
      the given prefixes; on a laptop, its consent to take the master's export;
    - `lead`: another master (a second lead's desk), a separate, explicit choice, never implied
      by `field`;
    - `same_inspector`: a new laptop for an inspector who already has an enrolled one, which a
      blanket `field=True` does not accept: it must be named (or this be set).
    """

    field: bool | frozenset[str] = False
    lead: bool | frozenset[str] = False
    same_inspector: bool = False

    @staticmethod
    def _names(choice: bool | frozenset[str], device_id: str) -> bool:
        if isinstance(choice, bool):
            return choice
        return any(device_id.startswith(prefix) for prefix in choice if prefix)

    def accepts(self, device: DeviceInfo, *, receiver_role: str, taken: bool) -> bool:
        """Whether the decision accepts `device`; `taken`: its place is held already — at a
        master, by the inspector's enrolled laptop; at a laptop, by the lead's enrolled master
        (a second master there, as at a master, is only the explicit --enroll-lead)."""
        if receiver_role != "master":  # a laptop enrols only the master, with its consent
            if device.role != "master":
                return False
            return self._names(self.lead, device.id) or (not taken and self._names(self.field, device.id))
        if device.role == "master":
            return self._names(self.lead, device.id)
        named = not isinstance(self.field, bool) and self._names(self.field, device.id)
        if taken and not (named or self.same_inspector):
            return False
        return self._names(self.field, device.id)


# What the lead decided of new devices: an Enrolment; True and False say field laptops all or
# none, a set of ids names the field laptops accepted.
Enroll = bool | frozenset[str] | Enrolment


def enrolment(enroll: Enroll) -> Enrolment:
    return enroll if isinstance(enroll, Enrolment) else Enrolment(field=enroll)


@dataclass(frozen=True)
class DeviceInfo:
    id: str
    role: str
    inspector: str | None
    public_key: bytes
    fingerprint: str



def _who(device: DeviceInfo) -> str:
    name = device.inspector or ("the lead's master" if device.role == "master" else "no inspector")
    return f"{name}, device {device.id[:8]}, key {keys.show_fingerprint(device.fingerprint)}"


def _not_enrolled(device: DeviceInfo, receiver_role: str, taken: bool) -> str:
    who = _who(device)
    if receiver_role != "master":
        if device.role != "master":
            return f"from a device that is not the lead's master ({who}): a laptop takes only the master's exports"
        if taken:
            return (
                f"from another master ({who}): this laptop has the lead's master enrolled already, and a second lead's desk "
                "is accepted only by its own choice, --enroll-lead"
            )
        return f"from the lead's master ({who}), not yet accepted here; check its key with the lead and merge with --enroll"
    if device.role == "master":
        return (
            f"from another master ({who}): a second lead's desk gets the lead's powers, so it is accepted only "
            "by its own choice, --enroll-lead"
        )
    if taken:
        return (
            f"from a second laptop of {device.inspector} ({who}), who has one enrolled already; check with the inspector, "
            f"then accept this one by name: --enroll {device.id[:8]}"
        )
    return f"from a device not enrolled here ({who}); check the key with the inspector and merge with --enroll"
