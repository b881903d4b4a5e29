"""Undo and redo: apply a Change's inverse (undo) or the Change again (redo), field by
field, compare-and-set (see :mod:`pmo_tui.core.change`).

The returned Change holds what was really written (so undoing it again is exact), the
fields left alone in ``skipped`` and, for people, in ``notes``: "status left as is: changed
by bob since".  The person is the last one other than us whose history event touched that
field of that card; "someone" where the history does not say (time entries, ranks).
"""

from __future__ import annotations

from ..change import FOLLOW_STATUS, Change, Patch, Skipped, compare_and_set, describe_skipped
from ..model import Doc
from .records import EDIT_FIELDS, ESTIMATE_FIELDS, insert_card, set_card_fields
from .session import Session


def apply_change(s: Session, change: Change) -> Change:
    applied: list[Patch] = []
    skipped: list[Skipped] = []
    with s.storage.transaction():
        for patch in change.patches:
            if patch.table == "cards":
                done = _apply_card(s, patch, skipped)
            else:
                done = _apply_row(s, patch, skipped)
            if done is not None and (done.before or done.after):
                applied.append(done)
    return Change(change.label, applied, describe_skipped(skipped, change.key), change.key, skipped)


def _apply_card(s: Session, patch: Patch, skipped: list[Skipped]) -> Patch | None:
    current = s.storage.card(patch.key)
    if patch.after is None:  # undo of a creation: archive, never delete
        if current is None or current.get("archived"):
            return None
        return set_card_fields(s, patch.key, {"archived": True})
    if current is None:  # the card is gone (edited out of the file): make it again
        doc = dict(patch.after)
        insert_card(s, doc)
        return Patch("cards", patch.key, None, doc)
    if patch.before is None:  # redo of a creation over the card its undo archived
        if not current.get("archived"):
            return None
        return set_card_fields(s, patch.key, {"archived": False})
    writes, kept = compare_and_set(current, patch.before, patch.after)
    if "status" in kept:  # the stamps follow the status that was kept
        for name in FOLLOW_STATUS:
            writes.pop(name, None)
        kept = [k for k in kept if k not in FOLLOW_STATUS]
    for name in kept:
        skipped.append(Skipped("cards", patch.key, name, _changed_by(s, patch.key, name)))
    if not writes:
        return None
    if "rank" in writes and len(writes) == 1:  # a rank is not history: no event, no stamp
        s.storage.update("cards", patch.key, writes)
        return Patch("cards", patch.key, {"rank": current.get("rank")}, writes)
    return set_card_fields(s, patch.key, writes)


def _apply_row(s: Session, patch: Patch, skipped: list[Skipped]) -> Patch | None:
    storage = s.storage
    current = storage.get(patch.table, patch.key)
    if patch.after is None:  # remove the record this change made
        if current is None:
            skipped.append(Skipped(patch.table, patch.key, "*", "someone", "deleted"))
            return None
        if patch.before is not None and any(current.get(k) != v for k, v in patch.before.items()):
            skipped.append(Skipped(patch.table, patch.key, "*", "someone"))
            return None
        storage.remove(patch.table, patch.key)
        return Patch(patch.table, patch.key, dict(current), None)
    if patch.before is None:  # (re)make a record
        if current is not None:
            if any(current.get(k) != v for k, v in patch.after.items()):
                skipped.append(Skipped(patch.table, patch.key, "*", "someone", "exists"))
            return None
        storage.insert(patch.table, dict(patch.after))
        return Patch(patch.table, patch.key, None, dict(patch.after))
    if current is None:
        skipped.append(Skipped(patch.table, patch.key, "*", "someone", "deleted"))
        return None
    writes, kept = compare_and_set(current, patch.before, patch.after)
    skipped += [Skipped(patch.table, patch.key, name, "someone") for name in kept]
    if not writes:
        return None
    before = {k: current.get(k) for k in writes}
    storage.update(patch.table, patch.key, writes)
    return Patch(patch.table, patch.key, before, writes)


def _touches(event: Doc, field: str) -> bool:
    kind = event.get("type")
    if field in ("status", "started", "done"):
        return kind == "moved"
    if field == "archived":
        return kind in ("archived", "restored")
    if field == "sprint":
        return kind in ("sprint_added", "sprint_removed")
    if field in EDIT_FIELDS or field in ESTIMATE_FIELDS:
        to = event.get("to")
        wanted = "edited" if field in EDIT_FIELDS else "estimated"
        return kind == wanted and isinstance(to, dict) and field in to
    return False


def _changed_by(s: Session, key: str, field: str) -> str:
    for event in reversed(s.storage.events(key)):
        if event.get("user") != s.user and _touches(event, field):
            return str(event.get("user"))
    return "someone"
