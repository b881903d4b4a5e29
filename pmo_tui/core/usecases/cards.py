"""Card use cases: add, edit, move, reorder, archive/restore, assign, points, sprint toggle.

Each write runs in one storage transaction and returns its :class:`Change` (the undo).  The
decisions the board draws before saving (rank midpoint, the toggles, a move, points,
archive) are pure ``preview_*`` functions returning ``{card key: {field: value}}``; the
commit computes the same decision again inside the transaction, under the lock, so it acts
on the data as it is then, not as the screen last saw it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from ..change import Change, Patch
from ..errors import UseCaseError
from ..model import CARD_FIELDS, Doc
from . import validate
from .records import (
    card_field_changes,
    column,
    insert_card,
    refuse_archived,
    set_card_fields,
    stop_timers_if_done,
    stop_timers_on,
    update_row,
    wip_notes,
)
from .session import Session

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any
else:  # the runtime value of the aliases below (typing costs ~3 ms to import)
    Any = object

Preview = dict[str, Doc]


# ---------------------------------------------------------------------------- add
def add_card(
    s: Session,
    title: str,
    *,
    status: str | None = None,
    points: int | str | None = None,
    estimate: int | str | None = None,
    tags: Iterable[str] = (),
    assignee: str | None = None,
    priority: str = "none",
    due: date | str | None = None,
    sprint: str | int | None = None,
    description: str = "",
    after: str | None = None,
) -> Change:
    fields = validate.card_fields(
        s.hours_per_day,
        title=title,
        points=points,
        estimate=estimate,
        tags=list(tags),
        assignee=assignee,
        priority=priority,
        due=due,
        description=description,
    )
    with s.storage.transaction():
        pdoc = s.project_doc()
        project = s.project(pdoc["key"])
        col = column(project, status) if status else project.first_column
        sprint_id = (
            s.resolve_sprint(str(sprint), project.key).id if sprint not in (None, "") else None
        )
        number = int(pdoc.get("next_number", 1))
        key = f"{project.key}-{number}"
        while s.storage.card(key) is not None:  # hand-edited next_number
            number += 1
            key = f"{project.key}-{number}"
        now = s.now_iso()
        doc: Doc = {
            "key": key,
            "project": project.key,
            "title": fields["title"],
            "description": fields.get("description", ""),
            "status": col.id,
            "rank": _rank_after(s, project.key, after),
            "points": fields.get("points"),
            "estimate": fields.get("estimate"),
            "tags": fields.get("tags", []),
            "assignee": fields.get("assignee"),
            "priority": fields.get("priority", "none"),
            "sprint": sprint_id,
            "due": fields.get("due"),
            "created": now,
            "updated": now,
            "started": now if col.role == "started" else None,
            "done": now if col.role == "done" else None,
            "archived": False,
        }
        assert set(doc) == set(CARD_FIELDS)
        s.storage.update("projects", project.key, {"next_number": number + 1})
        insert_card(s, doc)
        notes = wip_notes(s, project, col.id)
    return Change(f"add {key}", [Patch("cards", key, None, dict(doc))], notes, key)


def _rank_after(s: Session, project: str, after: str | None) -> float:
    if after is not None:
        docs = s.card_docs(archived=True, project=project)
        for i, d in enumerate(docs):
            if d["key"] == after:
                nxt = docs[i + 1]["rank"] if i + 1 < len(docs) else d["rank"] + 2
                return (float(d["rank"]) + float(nxt)) / 2
    # The bottom: one past the highest rank (kept by the storage: no card is read).
    top = s.storage.top_rank(project)
    return top + 1 if top is not None else 1.0


# ---------------------------------------------------------------------------- edit
def edit_card(s: Session, text: str, **given: Any) -> Change:
    """Change any of title, description, points, estimate, tags, assignee, priority, due,
    status (column) and sprint.  ``None`` leaves a field as it is; to clear a field pass
    ``clear={"points", ...}``.  ``add_tags``/``remove_tags`` add or remove single tags
    against the list as it is when the change is saved (a teammate's tag change is kept)."""
    clear: set[str] = set(given.pop("clear", ()) or ())
    status = given.pop("status", None)
    sprint = given.pop("sprint", None)
    fields = validate.card_fields(s.hours_per_day, **given)
    add_tags = fields.pop("add_tags", [])
    remove_tags = fields.pop("remove_tags", [])
    for name in clear:
        if name not in validate.CLEARABLE:
            raise UseCaseError(f"cannot clear {name!r}")
        fields[name] = "" if name == "description" else None
    with s.storage.transaction():
        key = s.resolve_key(text)
        card = s.storage.card(key) or {}
        refuse_archived(card, key)
        project = s.project(card.get("project"))
        if status is not None:
            fields["status"] = column(project, status).id
        if sprint is not None and sprint != "":
            fields["sprint"] = s.resolve_sprint(str(sprint), project.key).id
        if add_tags or remove_tags:
            current = list(fields.get("tags") or card.get("tags") or [])
            current += [t for t in add_tags if t not in current]
            fields["tags"] = [t for t in current if t not in remove_tags]
        patches = [set_card_fields(s, key, fields)]
        notes: list[str] = []
        if "status" in fields and fields["status"] != card.get("status"):
            patches += stop_timers_if_done(s, project, key, fields["status"], notes)
            notes += wip_notes(s, project, fields["status"])
    return Change(f"edit {key}", patches, notes, key)


# ---------------------------------------------------------------------------- move
def _move_target(s: Session, doc: Doc, column_text: str) -> tuple[str, str]:
    """(column id, column name) a move goes to."""
    refuse_archived(doc, doc["key"])
    col = column(s.project(doc.get("project")), column_text)
    return col.id, col.name


def preview_move(s: Session, text: str, column_text: str) -> Preview:
    doc = s.card_doc(text)
    col_id, _ = _move_target(s, doc, column_text)
    changes = card_field_changes(s, doc, {"status": col_id})
    return {doc["key"]: changes} if changes else {}


def move_card(s: Session, text: str, column_text: str) -> Change:
    with s.storage.transaction():
        key = s.resolve_key(text)
        card = s.storage.card(key) or {}
        col_id, col_name = _move_target(s, card, column_text)
        project = s.project(card.get("project"))
        if card.get("status") == col_id:
            return Change(f"move {key} to {col_name}", [], [f"{key} is already in {col_name}"], key)
        patches = [set_card_fields(s, key, {"status": col_id})]
        notes: list[str] = []
        patches += stop_timers_if_done(s, project, key, col_id, notes)
        notes += wip_notes(s, project, col_id)
    return Change(f"move {key} to {col_name}", patches, notes, key)


def _column_by(s: Session, doc: Doc, step: int) -> str | None:
    """The id of the column ``step`` places right (+) or left (-) of the card's, if any."""
    refuse_archived(doc, doc["key"])
    ids = [c.id for c in s.project(doc.get("project")).columns]
    index = ids.index(doc.get("status", "")) if doc.get("status") in ids else 0
    target = index + step
    return ids[target] if 0 <= target < len(ids) else None


def preview_move_by(s: Session, text: str, step: int) -> Preview:
    doc = s.card_doc(text)
    target = _column_by(s, doc, step)
    return {} if target is None else preview_move(s, doc["key"], target)


def move_card_by(s: Session, text: str, step: int) -> Change:
    """Move a card to the next (+1) or previous (-1) column."""
    with s.storage.transaction():
        doc = s.card_doc(text)
        target = _column_by(s, doc, step)
        if target is None:
            return Change(f"move {doc['key']}", [], [], doc["key"])
        return move_card(s, doc["key"], target)


# ---------------------------------------------------------------------------- rank
def _column_peers(s: Session, key: str) -> list[Doc]:
    card = s.storage.card(key) or {}
    return [
        d for d in s.card_docs(project=card.get("project")) if d.get("status") == card.get("status")
    ]


def rank_plan(peers: list[Doc], key: str, step: int) -> dict[str, float]:
    """New ranks that move ``key`` ``step`` places among ``peers`` (in rank order): its
    rank between the neighbour it jumps over and the one beyond, or, where the ranks are
    too close together, every peer's rank spread out again.  Pure."""
    keys = [d["key"] for d in peers]
    if key not in keys:
        return {}
    i = keys.index(key)
    j = i + step
    if not 0 <= j < len(peers):
        return {}
    jump = float(peers[j]["rank"])
    beyond_index = j + step
    beyond = float(peers[beyond_index]["rank"]) if 0 <= beyond_index < len(peers) else jump + step
    rank = (jump + beyond) / 2
    if rank not in (jump, beyond):
        return {key: rank}
    order = list(keys)
    order.insert(j, order.pop(i))
    base = min(float(d["rank"]) for d in peers)
    return {k: base + n for n, k in enumerate(order)}


def _peers_in(s: Session, keys: list[str]) -> list[Doc]:
    docs = (s.storage.card(k) for k in keys)
    return [d for d in docs if d is not None]


def preview_reorder(s: Session, text: str, step: int) -> Preview:
    key = s.resolve_key(text)
    return {k: {"rank": r} for k, r in rank_plan(_column_peers(s, key), key, step).items()}


def preview_reorder_in(s: Session, text: str, keys: list[str], step: int) -> Preview:
    key = s.resolve_key(text)
    return {k: {"rank": r} for k, r in rank_plan(_peers_in(s, keys), key, step).items()}


def reorder(s: Session, text: str, step: int) -> Change:
    """Move a card up (-1) or down (+1) among the open cards of its column."""
    with s.storage.transaction():
        key = s.resolve_key(text)
        return _rerank(s, key, rank_plan(_column_peers(s, key), key, step))


def reorder_in(s: Session, text: str, keys: list[str], step: int) -> Change:
    """Move a card up or down within a given ordered list (e.g. the backlog view)."""
    with s.storage.transaction():
        key = s.resolve_key(text)
        return _rerank(s, key, rank_plan(_peers_in(s, keys), key, step))


def _rerank(s: Session, key: str, plan: dict[str, float]) -> Change:
    patches = [update_row(s, "cards", k, {"rank": r}) for k, r in plan.items()]
    return Change(f"reorder {key}", patches, [], key)


# ---------------------------------------------------------------------------- archive
def preview_archive(s: Session, text: str) -> Preview:
    doc = s.card_doc(text)
    if doc.get("archived"):
        raise UseCaseError(f"{doc['key']} is already archived")
    return {doc["key"]: card_field_changes(s, doc, {"archived": True})}


def archive(s: Session, text: str) -> Change:
    with s.storage.transaction():
        key = s.resolve_key(text)
        preview_archive(s, key)  # the same decision, under the lock
        patches = [set_card_fields(s, key, {"archived": True})]
        notes: list[str] = []
        patches += stop_timers_on(s, key, notes, spent=False)
    return Change(f"archive {key}", patches, notes, key)


def restore(s: Session, text: str) -> Change:
    with s.storage.transaction():
        key = s.resolve_key(text)
        if not (s.storage.card(key) or {}).get("archived"):
            raise UseCaseError(f"{key} is not archived")
        patch = set_card_fields(s, key, {"archived": False})
    return Change(f"restore {key}", [patch], [], key)


# ---------------------------------------------------------------------------- toggles
Decision = Callable[[Session, Doc], tuple[Any, str]]


def _set_or_clear(s: Session, key: str, field: str, value: Any) -> Change:
    if value is None:
        return edit_card(s, key, clear={field})
    return edit_card(s, key, **{field: value})


def _preview_toggle(s: Session, text: str, field: str, decide: Decision) -> Preview:
    doc = s.card_doc(text)
    value, _ = decide(s, doc)
    return {doc["key"]: card_field_changes(s, doc, {field: value})}


def _toggle(s: Session, text: str, field: str, decide: Decision) -> tuple[Change, Doc]:
    """Decide under the lock (on the card as it is now), then set or clear the field."""
    with s.storage.transaction():
        doc = s.card_doc(text)
        value, label = decide(s, doc)
        change = _set_or_clear(s, doc["key"], field, value)
    change.label = label
    return change, doc


def _assign_decision(s: Session, doc: Doc) -> tuple[str | None, str]:
    refuse_archived(doc, doc["key"])
    if doc.get("assignee") == s.user:
        return None, f"unassign {doc['key']}"
    return s.user, f"assign {doc['key']} to {s.user}"


def preview_toggle_assign(s: Session, text: str) -> Preview:
    return _preview_toggle(s, text, "assignee", _assign_decision)


def toggle_assign(s: Session, text: str) -> Change:
    """Assign the card to me, or unassign it if it is mine."""
    change, doc = _toggle(s, text, "assignee", _assign_decision)
    note = taken_note(s, doc)
    if note:
        change.notes.append(note)
    return change


def taken_note(s: Session, doc: Doc) -> str | None:
    """The note a card taken from a teammate gets: 'PMO-3 was assigned to bob'."""
    previous = doc.get("assignee")
    if previous in (None, s.user):
        return None
    return f"{doc['key']} was assigned to {previous}"


def preview_set_points(s: Session, text: str, points: int | None) -> Preview:
    doc = s.card_doc(text)
    refuse_archived(doc, doc["key"])
    value = None if points is None else validate.points(points)
    return {doc["key"]: card_field_changes(s, doc, {"points": value})}


def set_points(s: Session, text: str, points: int | None) -> Change:
    change = _set_or_clear(s, text, "points", points)
    change.label = f"set points of {change.key} to {'-' if points is None else points}"
    return change


def _sprint_decision(s: Session, doc: Doc) -> tuple[int | None, str]:
    refuse_archived(doc, doc["key"])
    active = s.active_sprint(doc.get("project"))
    current = doc.get("sprint")
    if current is not None and (active is None or current == active.id):
        return None, f"remove {doc['key']} from sprint {current}"
    if active is None:
        raise UseCaseError("no active sprint: plan and start one first")
    return active.id, f"add {doc['key']} to {active.name}"


def preview_toggle_sprint(s: Session, text: str) -> Preview:
    return _preview_toggle(s, text, "sprint", _sprint_decision)


def toggle_sprint(s: Session, text: str) -> Change:
    """Add a card to the active sprint, or take it out of the sprint it is in."""
    return _toggle(s, text, "sprint", _sprint_decision)[0]
