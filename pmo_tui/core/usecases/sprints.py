"""Sprint use cases: plan a sprint, edit it, add or remove scope, start it, close it.

Start snapshots the commitment (the cards in scope with their points and estimates) and
the moment (``started_at``: scope change counts from it); close snapshots a report
(committed, completed, added, removed, not completed; SPEC 3, computed by
:mod:`pmo_tui.core.reports.sprints`) and moves the open cards to the next planned sprint,
the backlog, or a new sprint made on the spot.

Every use case runs in one storage transaction and returns its :class:`Change`, whose
patches undo it compare-and-set (a field somebody changed since is left alone).

Rules (decided here, so the CLI and the app agree):

- ``new``: every field has a default, so saving an untouched form makes a valid sprint
  (see :func:`sprint_defaults`).  Names are unique in a project (case-insensitive).
- ``edit``: a sprint never ends before it starts.  A closed sprint keeps its dates and
  capacity (its report and burndown are history); its name and goal may change.
- ``add``: refused for a closed sprint, an archived card, or a card of another project.
  A card in another open sprint moves (removed there, added here); a done card may be
  added (unplanned work that is finished: it shows as scope added and completed).
- ``remove``: refused for an archived card, or a card in a closed sprint (it belongs to
  that sprint's history); a card in no sprint is left alone with a note.
- ``start``: one active sprint per project; only a planned sprint starts; a sprint whose
  start date is still ahead starts today (its start date moves to today); one that has
  already ended is refused (edit its dates first).
- ``close``: only the active sprint (or a named active one) closes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from .. import calendar
from ..change import Change, Patch
from ..errors import UseCaseError
from ..model import Doc, Sprint, card_number, iso
from ..reports import sprints as figures
from . import validate
from .records import refuse_archived, set_card_fields, update_row
from .session import Session

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

WorkDays = Iterable[int]
DEFAULT_LENGTH_DAYS = 14  # two weeks
CARRY_OVER = ("next", "backlog", "new")


# ---------------------------------------------------------------------------- dates
def _today(s: Session) -> date:
    return calendar.local_date(s.clock())


def next_work_day(after: date, work_days: WorkDays = calendar.WORK_DAYS) -> date:
    """The first work day strictly after ``after`` (the next day if no day is a work day)."""
    wanted = set(work_days)
    day = after + timedelta(days=1)
    for _ in range(7):
        if day.weekday() in wanted:
            return day
        day += timedelta(days=1)
    return after + timedelta(days=1)


def end_for(start: date, length_days: int, work_days: WorkDays = calendar.WORK_DAYS) -> date:
    """The end of a sprint of ``length_days`` calendar days from ``start``: the last work
    day of that span (two weeks from a Monday end on the second Friday), never before
    ``start``."""
    if length_days < 1:
        raise UseCaseError(f"invalid sprint length {length_days} days: at least 1")
    wanted = set(work_days)
    last = start + timedelta(days=length_days - 1)
    while last > start and last.weekday() not in wanted:
        last -= timedelta(days=1)
    return last


def _default_start(s: Session, project: str, work_days: WorkDays) -> date:
    """The next work day after today, or after the last open sprint's end if later (a new
    sprint follows the ones already planned)."""
    base = _today(s)
    for sp in s.sprints(project):
        if sp.state != "closed" and sp.end is not None and sp.end > base:
            base = sp.end
    return next_work_day(base, work_days)


def _default_name(sprints: list[Sprint]) -> str:
    taken = {sp.name.casefold() for sp in sprints}
    n = len(sprints) + 1
    while f"sprint {n}" in taken:
        n += 1
    return f"Sprint {n}"


def sprint_defaults(
    s: Session, project: str | None = None, *, work_days: WorkDays = calendar.WORK_DAYS
) -> Doc:
    """What a new sprint gets for the fields not given (the form's initial values):
    ``name`` "Sprint N" (N = the project's sprints + 1), ``start`` the next work day (after
    the open sprints), ``end`` two weeks on (the last work day), ``capacity`` the suggested
    capacity (the velocity; None without closed sprints), ``goal`` empty.  Pure."""
    pkey = s.project(project).key
    existing = s.sprints(pkey)
    start = _default_start(s, pkey, work_days)
    return {
        "name": _default_name(existing),
        "goal": "",
        "start": start.isoformat(),
        "end": end_for(start, DEFAULT_LENGTH_DAYS, work_days).isoformat(),
        "capacity": figures.suggested_capacity(existing),
    }


# ---------------------------------------------------------------------------- new / edit
def new_sprint(
    s: Session,
    name: str | None = None,
    *,
    start: date | str | None = None,
    end: date | str | None = None,
    length_days: int | None = None,
    goal: str | None = None,
    capacity: int | str | None = None,
    work_days: WorkDays = calendar.WORK_DAYS,
    project: str | None = None,
) -> Change:
    """Plan a sprint (state ``planned``) in the session's project (or ``project``); fields
    not given take :func:`sprint_defaults`.  ``end`` wins over ``length_days`` (calendar
    days, ending on a work day)."""
    fields = validate.sprint_fields(name=name, goal=goal, start=start, end=end, capacity=capacity)
    work_days = tuple(work_days)
    with s.storage.transaction():
        proj = s.project(project)
        defaults = sprint_defaults(s, proj.key, work_days=work_days)
        if "start" not in fields:
            fields["start"] = defaults["start"]
        if "end" not in fields:
            first = date.fromisoformat(fields["start"])
            length = DEFAULT_LENGTH_DAYS if length_days is None else length_days
            fields["end"] = end_for(first, length, work_days).isoformat()
        if fields["end"] < fields["start"]:
            first, last = fields["start"], fields["end"]
            raise UseCaseError(f"sprint ends ({last}) before it starts ({first})")
        fields.setdefault("name", defaults["name"])
        if capacity is None:
            fields["capacity"] = defaults["capacity"]
        if any(sp.name.casefold() == fields["name"].casefold() for sp in s.sprints(proj.key)):
            raise UseCaseError(f"a sprint named {fields['name']!r} exists in {proj.key}")
        sid = s.storage.reserve_id("sprints")
        while s.storage.sprint(sid) is not None:  # an id taken by an imported sprint
            sid = s.storage.reserve_id("sprints")
        doc: Doc = {
            "id": sid,
            "project": proj.key,
            "name": fields["name"],
            "goal": fields.get("goal", ""),
            "start": fields["start"],
            "end": fields["end"],
            "state": "planned",
            "capacity": fields.get("capacity"),
            "commitment": [],
            "closed_at": None,
            "report": None,
        }
        s.storage.insert("sprints", doc)
    return Change(f"plan sprint {doc['name']}", [Patch("sprints", str(sid), None, dict(doc))])


def edit_sprint(s: Session, sprint_text: str, **given: Any) -> Change:
    """Change a sprint's name, goal, start, end or capacity (None: leave as is).  Refused:
    an end before the start, a name another sprint of the project has, and new dates or
    capacity for a closed sprint."""
    fields = validate.sprint_fields(**given)
    with s.storage.transaction():
        sprint = s.resolve_sprint(sprint_text)
        if sprint.state == "closed":
            frozen = [f for f in ("start", "end", "capacity") if f in fields]
            if frozen:
                raise UseCaseError(
                    f"sprint {sprint.name} is closed: its {', '.join(frozen)} cannot change"
                )
        start = fields.get("start", sprint.start.isoformat() if sprint.start else None)
        end = fields.get("end", sprint.end.isoformat() if sprint.end else None)
        if start and end and end < start:
            raise UseCaseError(f"sprint ends ({end}) before it starts ({start})")
        others = [sp for sp in s.sprints(sprint.project) if sp.id != sprint.id]
        if "name" in fields and any(
            sp.name.casefold() == fields["name"].casefold() for sp in others
        ):
            raise UseCaseError(f"a sprint named {fields['name']!r} exists in {sprint.project}")
        patch = update_row(s, "sprints", str(sprint.id), fields) if fields else None
    return Change(f"edit sprint {sprint.name}", [patch] if patch else [])


# ---------------------------------------------------------------------------- scope
def add_to_sprint(s: Session, sprint_text: str, keys: list[str]) -> Change:
    """Put cards into a sprint's scope (after its start this is scope added).  All or
    nothing: one refused card refuses the lot, naming it.  Refused: a closed sprint, an
    archived card, a card of another project.  A card in another open sprint moves here
    (a note says from where); a done card is accepted (finished unplanned work: scope
    added and completed); a card already here is left alone with a note."""
    with s.storage.transaction():
        sprint = s.resolve_sprint(sprint_text)
        if sprint.state == "closed":
            raise UseCaseError(f"sprint {sprint.name} is closed")
        states = {sp.id: sp for sp in s.sprints(sprint.project)}
        patches: list[Patch] = []
        notes: list[str] = []
        resolved = [s.resolve_key(text) for text in keys]
        for key in resolved:
            card = s.storage.card(key) or {}
            refuse_archived(card, key)
            if card.get("project") != sprint.project:
                raise UseCaseError(f"{key} is not in project {sprint.project}")
            current = card.get("sprint")
            if current == sprint.id:
                notes.append(f"{key} is already in {sprint.name}")
                continue
            if current in states and states[current].state == "closed":
                pass  # done history of a closed sprint stays in its report
            elif current in states:
                notes.append(f"{key} moved from {states[current].name}")
            patches.append(set_card_fields(s, key, {"sprint": sprint.id}))
    return Change(
        f"add {len(patches)} card(s) to {sprint.name}",
        patches,
        notes,
        resolved[0] if resolved else None,
    )


def remove_from_sprint(s: Session, keys: list[str]) -> Change:
    """Take cards out of their sprint (back to the backlog; after the start this is scope
    removed).  All or nothing.  Refused: an archived card, a card of a closed sprint (its
    done work belongs to that sprint's report).  A card in no sprint: a note, no change."""
    with s.storage.transaction():
        patches: list[Patch] = []
        notes: list[str] = []
        resolved = [s.resolve_key(text) for text in keys]
        for key in resolved:
            card = s.storage.card(key) or {}
            refuse_archived(card, key)
            current = card.get("sprint")
            if current is None:
                notes.append(f"{key} is in no sprint")
                continue
            doc = s.storage.sprint(int(current))
            if doc is not None and doc.get("state") == "closed":
                raise UseCaseError(f"{key} belongs to closed sprint {doc.get('name')}")
            patches.append(set_card_fields(s, key, {"sprint": None}))
    return Change(
        f"remove {len(patches)} card(s) from their sprint",
        patches,
        notes,
        resolved[0] if resolved else None,
    )


# ---------------------------------------------------------------------------- start
def commitment(s: Session, sprint: Sprint) -> list[Doc]:
    """The sprint's scope as a snapshot: keys with their points and estimates."""
    out = [
        {"key": d["key"], "points": d.get("points"), "estimate": d.get("estimate")}
        for d in s.storage.cards(sprint.project)
        if d.get("sprint") == sprint.id and not d.get("archived")
    ]
    return sorted(out, key=lambda d: card_number(d["key"]))


def start_sprint(s: Session, sprint_text: str) -> Change:
    """Start a planned sprint: snapshot the commitment and the moment (``started_at``)."""
    with s.storage.transaction():
        sprint = s.resolve_sprint(sprint_text)
        if sprint.state != "planned":
            raise UseCaseError(f"sprint {sprint.name} is {sprint.state}, not planned")
        active = s.active_sprint(sprint.project)
        if active is not None:
            raise UseCaseError(
                f"sprint {active.name} is already active in {sprint.project}: "
                "close it first (one active sprint per project)"
            )
        today = _today(s)
        if sprint.end is not None and sprint.end < today:
            raise UseCaseError(
                f"sprint {sprint.name} ended on {sprint.end.isoformat()}: edit its dates first"
            )
        fields: Doc = {
            "state": "active",
            "commitment": commitment(s, sprint),
            "started_at": iso(s.clock()),
        }
        notes: list[str] = []
        if sprint.start is None or sprint.start > today:
            fields["start"] = today.isoformat()
            if sprint.start is not None:
                notes.append(f"start moved from {sprint.start.isoformat()} to today")
        patch = update_row(s, "sprints", str(sprint.id), fields)
    return Change(f"start sprint {sprint.name}", [patch], notes)


# ---------------------------------------------------------------------------- close
def report(s: Session, sprint: Sprint) -> Doc:
    """The close-time report of a sprint (see :func:`figures.close_report`)."""
    return figures.close_report(s, sprint)


def _next_planned(s: Session, sprint: Sprint) -> Sprint | None:
    planned = [sp for sp in s.sprints(sprint.project) if sp.state == "planned"]
    planned.sort(key=lambda sp: (sp.start or date.max, sp.id))
    return planned[0] if planned else None


def close_sprint(
    s: Session,
    sprint_text: str = "active",
    *,
    carry_over: str = "next",
    work_days: WorkDays = calendar.WORK_DAYS,
) -> Change:
    """Close the active sprint: snapshot its report and move its open cards to the next
    planned sprint by start date (``next``; refused when there is none and cards are
    open), the backlog (``backlog``), or a new sprint made now with the defaults of
    :func:`new_sprint` (``new``).  ``report.carried_to`` says where they went."""
    if carry_over not in CARRY_OVER:
        raise UseCaseError(f"invalid carry-over {carry_over!r}: use next, backlog or new")
    with s.storage.transaction():
        sprint = s.resolve_sprint(sprint_text)
        if sprint.state != "active":
            raise UseCaseError(f"sprint {sprint.name} is {sprint.state}, not active")
        result = report(s, sprint)
        open_keys: list[str] = result["not_completed"]["cards"]
        target: Sprint | None = None
        if carry_over == "next":
            target = _next_planned(s, sprint)
            if target is None and open_keys:
                raise UseCaseError(
                    f"no planned sprint to carry {len(open_keys)} open card(s) to: "
                    "use --carry-over backlog or new"
                )
        closed_at = s.clock()
        if carry_over == "new":  # closed first: the new sprint's defaults count this one
            fields = {"state": "closed", "closed_at": iso(closed_at), "report": dict(result)}
            patches = [update_row(s, "sprints", str(sprint.id), fields)]
            made = new_sprint(s, work_days=work_days, project=sprint.project)
            patches += made.patches
            target = Sprint.from_doc(made.patches[0].after or {})
        else:
            patches = []
        result["carried_to"] = target.id if target is not None else "backlog"
        fields = {"state": "closed", "closed_at": iso(closed_at), "report": result}
        patches.append(update_row(s, "sprints", str(sprint.id), fields))
        for key in open_keys:
            patches.append(
                set_card_fields(s, key, {"sprint": target.id if target is not None else None})
            )
    where = "the backlog" if target is None else target.name
    notes = [f"{len(open_keys)} open card(s) moved to {where}"] if open_keys else []
    return Change(f"close sprint {sprint.name}", patches, notes)
