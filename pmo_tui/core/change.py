"""A change to the data: field-level patches per record, and its inverse (undo / redo)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Doc


@dataclass(slots=True)
class Patch:
    """One record's change: the changed fields before and after (None: absent)."""

    table: str
    key: str
    before: Doc | None
    after: Doc | None

    def inverse(self) -> Patch:
        return Patch(self.table, self.key, self.after, self.before)


@dataclass
class Change:
    label: str
    patches: list[Patch] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    key: str | None = None  # the card it is about, for the cursor

    def inverse(self) -> Change:
        return Change(self.label, [p.inverse() for p in reversed(self.patches)], [], self.key)
