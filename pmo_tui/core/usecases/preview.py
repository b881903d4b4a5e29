"""What a card use case would do, decided before it is saved: the screens draw from these.

A :class:`Preview` carries the card fields the change would set (``{card key: {field:
value}}``), what to say once it is saved and the label of the change (for the undo stack).
Each ``preview_*`` is pure: it reads the card as the caller sees it (``card`` may be the
screen's own copy, with its not-yet-saved changes laid over) and the session's committed
reads, and writes nothing.  The matching use case in :mod:`.cards` decides again inside its
transaction, under the lock, from the data as it is then: where a teammate changed the card
in between, the commit wins and the screen redraws to what was saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..errors import UseCaseError
from ..model import Doc
from . import validate
from .cards import (
    _assign_decision,
    _column_by,
    _move_target,
    _rank_after,
    _sprint_decision,
    rank_plan,
    taken_note,
)
from .records import card_field_changes, column, refuse_archived
from .session import Session

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

Card = Doc | str  # a card record as the caller sees it, or its key text


@dataclass
class Preview:
    """The effect of one card change, before it is saved."""

    label: str  # "move PMO-3 to Done": the change's name in the undo stack
    key: str  # the card acted on
    fields: dict[str, Doc] = field(default_factory=dict)  # {card key: {field: value}}
    message: str = ""  # said once saved: "Assigned PMO-3 to you"
    details: list[str] = field(default_factory=list)  # "(was bob)"
    covers: list[str] = field(default_factory=list)  # notes of the commit the message says

    @property
    def empty(self) -> bool:
        return not any(self.fields.values())

    def local(self) -> list[tuple[str, Doc]]:
        """The fields as ``(card key, fields)`` pairs, for an overlay of pending changes."""
        return [(k, dict(v)) for k, v in self.fields.items() if v]

    def sentence(self, *extra: str) -> str:
        """``message (detail; extra)``: 'Assigned PMO-2 to you (was bob; u undoes)'."""
        parts = [*self.details, *extra]
        return self.message + (f" ({'; '.join(parts)})" if parts else "")


def _doc(s: Session, card: Card) -> Doc:
    return s.card_doc(card) if isinstance(card, str) else card


def _sprint_name(s: Session, doc: Doc, sprint_id: Any) -> str:
    for sprint in s.sprints(doc.get("project")):
        if sprint.id == sprint_id:
            return sprint.name
    return f"sprint {sprint_id}"


# ---------------------------------------------------------------------------- move
def preview_move(s: Session, card: Card, column_text: str) -> Preview:
    doc = _doc(s, card)
    col_id, col_name = _move_target(s, doc, column_text)
    changes = card_field_changes(s, doc, {"status": col_id})
    key = doc["key"]
    said = f"Moved {key} to {col_name}" if changes else f"{key} is already in {col_name}"
    return Preview(f"move {key} to {col_name}", key, {key: changes} if changes else {}, said)


def preview_move_by(s: Session, card: Card, step: int) -> Preview | None:
    """The move to the next (+1) or previous (-1) column; None at the board's edge."""
    doc = _doc(s, card)
    target = _column_by(s, doc, step)
    return None if target is None else preview_move(s, doc, target)


# ---------------------------------------------------------------------------- rank
def preview_reorder_in(s: Session, card: Card, peers: list[Doc], step: int) -> Preview | None:
    """Move ``card`` ``step`` places among ``peers`` (the cards shown, in rank order): past
    the visible neighbour, not a hidden one.  None where it cannot go further."""
    doc = _doc(s, card)
    key = doc["key"]
    plan = rank_plan(peers, key, step)
    if not plan:
        return None
    return Preview(f"reorder {key}", key, {k: {"rank": r} for k, r in plan.items()})


# ---------------------------------------------------------------------------- toggles
def preview_toggle_assign(s: Session, card: Card) -> Preview:
    doc = _doc(s, card)
    key = doc["key"]
    value, label = _assign_decision(s, doc)
    changes = card_field_changes(s, doc, {"assignee": value})
    if value is None:
        return Preview(label, key, {key: changes}, f"Unassigned {key}")
    was = doc.get("assignee")
    note = taken_note(s, doc)
    details = [f"was {was}"] if note else []
    covers = [note] if note else []
    return Preview(label, key, {key: changes}, f"Assigned {key} to you", details, covers)


def preview_toggle_sprint(s: Session, card: Card) -> Preview:
    """In or out of the active sprint; refuses (UseCaseError) when there is none to go
    into."""
    doc = _doc(s, card)
    key = doc["key"]
    value, label = _sprint_decision(s, doc)
    changes = card_field_changes(s, doc, {"sprint": value})
    if value is None:
        name = _sprint_name(s, doc, doc.get("sprint"))
        return Preview(label, key, {key: changes}, f"Took {key} out of {name}")
    return Preview(label, key, {key: changes}, f"Added {key} to {_sprint_name(s, doc, value)}")


def leaves_sprint(preview: Preview) -> bool:
    """Whether the change takes its card out of a sprint (it leaves a sprint view)."""
    return "sprint" in preview.fields.get(preview.key, {}) and (
        preview.fields[preview.key]["sprint"] is None
    )


def preview_archive(s: Session, card: Card) -> Preview:
    doc = _doc(s, card)
    key = doc["key"]
    if doc.get("archived"):
        raise UseCaseError(f"{key} is already archived")
    changes = card_field_changes(s, doc, {"archived": True})
    return Preview(f"archive {key}", key, {key: changes}, f"Archived {key}")


def preview_set_points(s: Session, card: Card, points: int | None) -> Preview:
    doc = _doc(s, card)
    key = doc["key"]
    refuse_archived(doc, key)
    value = None if points is None else validate.points(points)
    changes = card_field_changes(s, doc, {"points": value})
    shown = "-" if value is None else str(value)
    return Preview(f"set points of {key} to {shown}", key, {key: changes})


# ---------------------------------------------------------------------------- edit
def preview_edit_card(s: Session, card: Card, *, clear: Any = (), **given: Any) -> Preview:
    """The fields an edit would write, validated as :func:`.cards.edit_card` does
    (UseCaseError for a bad value), with status and sprint resolved to their ids."""
    doc = _doc(s, card)
    key = doc["key"]
    refuse_archived(doc, key)
    given = dict(given)
    status = given.pop("status", None)
    sprint = given.pop("sprint", None)
    fields = validate.card_fields(s.hours_per_day, **given)
    add_tags = fields.pop("add_tags", [])
    remove_tags = fields.pop("remove_tags", [])
    for name in set(clear or ()):
        if name not in validate.CLEARABLE:
            raise UseCaseError(f"cannot clear {name!r}")
        fields[name] = "" if name == "description" else None
    project = s.project(doc.get("project"))
    if status is not None:
        fields["status"] = column(project, status).id
    if sprint not in (None, ""):
        fields["sprint"] = s.resolve_sprint(str(sprint), project.key).id
    if add_tags or remove_tags:
        current = list(fields.get("tags") or doc.get("tags") or [])
        current += [t for t in add_tags if t not in current]
        fields["tags"] = [t for t in current if t not in remove_tags]
    if isinstance(fields.get("due"), date):
        fields["due"] = fields["due"].isoformat()
    changes = card_field_changes(s, doc, fields)
    return Preview(f"edit {key}", key, {key: changes} if changes else {})


# ---------------------------------------------------------------------------- add
@dataclass
class NewCard:
    """Where a new card would go: its column, sprint and rank."""

    status: str
    sprint: int | None
    rank: float


def preview_add_card(
    s: Session, *, status: str | None = None, sprint_view: bool = False, after: str | None = None
) -> NewCard:
    """A card made from a screen showing the active sprint's cards (``sprint_view``)
    joins that sprint; otherwise it goes to no sprint.  At the bottom of its column unless
    ``after`` names the card it follows."""
    project = s.project()
    col = column(project, status) if status else project.first_column
    active = s.active_sprint(project.key) if sprint_view else None
    rank = _rank_after(s, project.key, after)
    return NewCard(col.id, active.id if active is not None else None, rank)
