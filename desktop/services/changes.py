"""What a write changed, so that each view reads again only what concerns it (the model:
Anki's `OpChanges`). A service that writes returns one; the window's operations hand it to
every view after the write, and a view asks whether it concerns it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Changes:
    """The kinds of records written (db entity names: score, finding, evidence, problem,
    method_score, adjudication, adjustment, settings, …), the counties and items they
    concern, and whether a merge or a resolve changed the conflicts. Empty: nothing changed
    (a save of what was there)."""

    entities: frozenset[str] = frozenset()
    counties: frozenset[str] = frozenset()
    items: frozenset[tuple[str, str]] = frozenset()  # (county, item)
    conflicts: bool = False
    everything: bool = False  # a merge, a restore, the campaign's settings: every view reads again

    def __bool__(self) -> bool:
        return bool(self.entities or self.counties or self.items or self.conflicts or self.everything)

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            self.entities | other.entities, self.counties | other.counties, self.items | other.items,
            self.conflicts or other.conflicts, self.everything or other.everything,
        )

    def touches(self, *entities: str, county: str | None = None) -> bool:
        """Whether a view that shows these kinds of records (of this county, if given) must
        read again."""
        if self.everything:
            return True
        if entities and not self.entities.intersection(entities):
            return False
        return county is None or not self.counties or county in self.counties

    @staticmethod
    def at(entity: str, payload: Mapping[str, object]) -> Changes:
        """One record of this kind written, at the county and item its payload names (none:
        the photo inbox, or a county-wide record)."""
        return Changes.of(entity, [(str(payload.get("county") or ""), str(payload.get("item") or ""))])

    @staticmethod
    def of(entity: str, records: Iterable[tuple[str, str]] = ()) -> Changes:
        """One kind of record written for these (county, item) pairs ("" for a county-wide record)."""
        pairs = frozenset(records)
        return Changes(frozenset({entity}), frozenset(c for c, _ in pairs), frozenset(p for p in pairs if p[1]))


NOTHING = Changes()
EVERYTHING = Changes(everything=True)
