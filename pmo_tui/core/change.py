"""A change to the data: field-level patches per record, its inverse, and the
compare-and-set rule by which an undo (the inverse) or a redo (the change again) is applied.

Undo and redo never overwrite somebody else's later work: a field is set back only where it
still holds the value the change wrote (SPEC 5: nothing written by another process is ever
lost).  What was left alone is returned as :class:`Skipped` items and as notes for people.
"""

from __future__ import annotations

from .model import Doc, Record

# The classes below are written out as ``@dataclass`` would make them (see model.Record):
# every write imports this module, and ``dataclasses`` costs more than the write itself.

# Stamped by every write: never compared, never reported.
BOOKKEEPING = frozenset({"updated"})
# Card fields that follow the status: kept when the status is kept.
FOLLOW_STATUS = frozenset({"started", "done"})


class Patch(Record):
    """One record's change: the changed fields before and after (None: absent)."""

    __slots__ = __match_args__ = ("table", "key", "before", "after")
    table: str
    key: str
    before: Doc | None
    after: Doc | None

    def __init__(self, table: str, key: str, before: Doc | None, after: Doc | None) -> None:
        self.table = table
        self.key = key
        self.before = before
        self.after = after

    def inverse(self) -> Patch:
        return Patch(self.table, self.key, self.after, self.before)


class Skipped(Record):
    """A field (or a whole record, field ``"*"``) an undo/redo left as it is (frozen)."""

    __slots__ = __match_args__ = ("table", "key", "field", "by", "reason")
    table: str
    key: str
    field: str
    by: str  # who changed it since, or "someone"
    reason: str  # "changed" | "deleted" | "exists"

    def __init__(self, table: str, key: str, field: str, by: str, reason: str = "changed") -> None:
        for name, value in zip(self.__slots__, (table, key, field, by, reason), strict=True):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}")

    def __hash__(self) -> int:
        return hash(self._values())

    # copy and pickle (frozen: they cannot set the fields one by one)
    def __getstate__(self) -> list[object]:
        return list(self._values())

    def __setstate__(self, state: list[object]) -> None:
        for name, value in zip(self.__slots__, state, strict=True):
            object.__setattr__(self, name, value)


class Change(Record):  # (no __slots__: as the dataclass it replaces, it keeps a __dict__)
    label: str
    patches: list[Patch]
    notes: list[str]
    key: str | None  # the card it is about, for the cursor
    skipped: list[Skipped]  # set by an undo/redo
    __match_args__ = ("label", "patches", "notes", "key", "skipped")

    def __init__(
        self,
        label: str,
        patches: list[Patch] | None = None,
        notes: list[str] | None = None,
        key: str | None = None,
        skipped: list[Skipped] | None = None,
    ) -> None:
        self.label = label
        self.patches = [] if patches is None else patches
        self.notes = [] if notes is None else notes
        self.key = key
        self.skipped = [] if skipped is None else skipped

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
