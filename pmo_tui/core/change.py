"""A change to the data: field-level patches per record, its inverse, and the
compare-and-set rule by which an undo (the inverse) or a redo (the change again) is applied.

Undo and redo never overwrite somebody else's later work: a field is set back only where it
still holds the value the change wrote (SPEC 5: nothing written by another process is ever
lost).  What was left alone is returned as :class:`Skipped` items and as notes for people.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Doc

# Stamped by every write: never compared, never reported.
BOOKKEEPING = frozenset({"updated"})
# Card fields that follow the status: kept when the status is kept.
FOLLOW_STATUS = frozenset({"started", "done"})


@dataclass(slots=True)
class Patch:
    """One record's change: the changed fields before and after (None: absent)."""

    table: str
    key: str
    before: Doc | None
    after: Doc | None

    def inverse(self) -> Patch:
        return Patch(self.table, self.key, self.after, self.before)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A field (or a whole record, field ``"*"``) an undo/redo left as it is."""

    table: str
    key: str
    field: str
    by: str  # who changed it since, or "someone"
    reason: str = "changed"  # "changed" | "deleted" | "exists"


@dataclass
class Change:
    label: str
    patches: list[Patch] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    key: str | None = None  # the card it is about, for the cursor
    skipped: list[Skipped] = field(default_factory=list)  # set by an undo/redo

    def inverse(self) -> Change:
        return Change(self.label, [p.inverse() for p in reversed(self.patches)], [], self.key)

    def card_fields(self) -> list[tuple[str, Doc]]:
        """The card fields applying this change sets, as ``(card key, fields)``: what a
        screen draws while an undo or redo is being saved (a card the change deletes is
        drawn archived; one it creates, not archived).  Pure."""
        out: list[tuple[str, Doc]] = []
        for patch in self.patches:
            if patch.table != "cards":
                continue
            if patch.after is None:
                out.append((patch.key, {"archived": True}))
            else:
                fields = dict(patch.after)
                if patch.before is None:
                    fields["archived"] = False
                out.append((patch.key, fields))
        return out


def compare_and_set(current: Doc, expected: Doc, target: Doc) -> tuple[Doc, list[str]]:
    """The fields of ``target`` to write over ``current``: those that still hold the
    ``expected`` value.  Returns (fields to write, fields changed by someone since).  A field
    that already holds its target is neither written nor reported."""
    writes: Doc = {}
    kept: list[str] = []
    for name, value in target.items():
        if name in BOOKKEEPING:
            continue
        now = current.get(name)
        if now == value:
            continue
        if now == expected.get(name):
            writes[name] = value
        else:
            kept.append(name)
    return writes, kept


_WHAT = {"cards": "", "time_entries": "time entry ", "sprints": "sprint ", "projects": "project "}


def describe_skipped(skipped: list[Skipped], main_key: str | None = None) -> list[str]:
    """Notes for people: ``status left as is: changed by bob since``."""
    groups: dict[tuple[str, str, str, str], list[str]] = {}
    for item in skipped:
        groups.setdefault((item.table, item.key, item.by, item.reason), []).append(item.field)
    notes = []
    for (table, key, by, reason), fields in groups.items():
        record = f"{_WHAT.get(table, table + ' ')}{key}"
        if reason == "deleted":
            notes.append(f"{record} left as is: deleted by {by} since")
            continue
        if reason == "exists":
            notes.append(f"{record} left as is: made again by {by} since")
            continue
        names = ", ".join(f for f in fields if f != "*") or "it"
        prefix = "" if table == "cards" and key == main_key else f"{record}: "
        notes.append(f"{prefix}{names} left as is: changed by {by} since")
    return notes
