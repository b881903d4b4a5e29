"""Sprint use cases: plan a sprint, add or remove scope, start it, close it.

Start snapshots the commitment (the cards in scope with their points and estimates); close
snapshots a report (committed, completed, added, removed, not completed; SPEC 3) and moves
the open cards to the next planned sprint or the backlog.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from ..change import Change, Patch
from ..errors import UseCaseError
from ..model import Doc, Sprint, card_number, iso, parse_iso
from . import validate
from .cards import edit_card
from .records import update_row
from .session import Session


def new_sprint(
    s: Session,
    name: str,
    *,
    start: date | str | None = None,
    end: date | str | None = None,
    length_days: int | None = None,
    goal: str | None = None,
    capacity: int | str | None = None,
) -> Change:
    """Plan a sprint (state ``planned``)."""
    fields = validate.sprint_fields(name=name, goal=goal, start=start, end=end, capacity=capacity)
    if length_days is not None and "start" in fields and "end" not in fields:
        first = date.fromisoformat(fields["start"])
        fields["end"] = (first + timedelta(days=length_days - 1)).isoformat()
    with s.storage.transaction():
        project = s.project()
        if any(sp.name.casefold() == fields["name"].casefold() for sp in s.sprints(project.key)):
            raise UseCaseError(f"a sprint named {fields['name']!r} exists in {project.key}")
        sid = s.storage.reserve_id("sprints")
        while s.storage.sprint(sid) is not None:  # an id taken by an imported sprint
            sid = s.storage.reserve_id("sprints")
        doc: Doc = {
            "id": sid,
            "project": project.key,
            "name": fields["name"],
            "goal": fields.get("goal", ""),
            "start": fields.get("start"),
            "end": fields.get("end"),
            "state": "planned",
            "capacity": fields.get("capacity"),
            "commitment": [],
            "closed_at": None,
            "report": None,
        }
        s.storage.insert("sprints", doc)
    return Change(f"plan sprint {doc['name']}", [Patch("sprints", str(sid), None, dict(doc))])


def edit_sprint(s: Session, sprint_text: str, **given: Any) -> Change:
    """Change a sprint's name, goal, start, end or capacity (None: leave as is)."""
    fields = validate.sprint_fields(**given)
    with s.storage.transaction():
        sprint = s.resolve_sprint(sprint_text)
        start = fields.get("start", sprint.start.isoformat() if sprint.start else None)
        end = fields.get("end", sprint.end.isoformat() if sprint.end else None)
        if start and end and end < start:
            raise UseCaseError(f"sprint ends ({end}) before it starts ({start})")
        others = [sp for sp in s.sprints(sprint.project) if sp.id != sprint.id]
        if "name" in fields and any(
            sp.name.casefold() == fields["name"].casefold() for sp in others
        ):
            raise UseCaseError(f"a sprint named {fields['name']!r} exists in {sprint.project}")
        patch = update_row(s, "sprints", str(sprint.id), fields)
    return Change(f"edit sprint {sprint.name}", [patch] if fields else [])


def _scope(s: Session, sprint: Sprint) -> list[Doc]:
    return [d for d in s.card_docs(project=sprint.project) if d.get("sprint") == sprint.id]


def add_to_sprint(s: Session, sprint_text: str, keys: list[str]) -> Change:
    """Put cards into a sprint's scope (after its start this is scope added)."""
    with s.storage.transaction():
        sprint = s.resolve_sprint(sprint_text)
        if sprint.state == "closed":
            raise UseCaseError(f"sprint {sprint.name} is closed")
        patches: list[Patch] = []
        for key in keys:
            patches += edit_card(s, key, sprint=sprint.id).patches
    return Change(
        f"add {len(keys)} card(s) to {sprint.name}", patches, [], keys[0] if keys else None
    )


def remove_from_sprint(s: Session, keys: list[str]) -> Change:
    """Take cards out of their sprint (back to the backlog)."""
    with s.storage.transaction():
        patches: list[Patch] = []
        for key in keys:
            patches += edit_card(s, key, clear={"sprint"}).patches
    return Change(
        f"remove {len(keys)} card(s) from their sprint", patches, [], keys[0] if keys else None
    )


def commitment(s: Session, sprint: Sprint) -> list[Doc]:
    """The sprint's scope as a snapshot: keys with their points and estimates."""
    out = [
        {"key": d["key"], "points": d.get("points"), "estimate": d.get("estimate")}
        for d in _scope(s, sprint)
    ]
    return sorted(out, key=lambda d: card_number(d["key"]))


def start_sprint(s: Session, sprint_text: str) -> Change:
    with s.storage.transaction():
        sprint = s.resolve_sprint(sprint_text)
        if sprint.state != "planned":
            raise UseCaseError(f"sprint {sprint.name} is {sprint.state}, not planned")
        active = s.active_sprint(sprint.project)
        if active is not None:
            raise UseCaseError(f"sprint {active.name} is active: close it first")
        fields: Doc = {"state": "active", "commitment": commitment(s, sprint)}
        if sprint.start is None:
            fields["start"] = s.clock().astimezone().date().isoformat()
        patch = update_row(s, "sprints", str(sprint.id), fields)
    return Change(f"start sprint {sprint.name}", [patch])


def report(s: Session, sprint: Sprint, started: datetime | None = None) -> Doc:
    """The close-time report of a sprint, from its commitment, cards and events."""
    committed = {c["key"]: c for c in sprint.commitment}
    done_columns = {c.id for c in s.project(sprint.project).columns if c.role == "done"}
    scope = _scope(s, sprint)
    completed = [d for d in scope if d.get("status") in done_columns]
    done_keys = {d["key"] for d in completed}
    in_scope = {d["key"] for d in scope}
    added: list[str] = []
    removed: list[str] = []
    for event in s.storage.events():
        if started is not None and parse_iso(event["ts"]) < started:
            continue
        if event["type"] == "sprint_added" and event["to"] == sprint.id:
            added.append(event["card"])
        if event["type"] == "sprint_removed" and event["from"] == sprint.id:
            removed.append(event["card"])
    points = {c["key"]: int(c.get("points") or 0) for c in sprint.commitment}
    points.update({d["key"]: int(d.get("points") or 0) for d in scope})

    def part(keys: list[str]) -> Doc:
        ordered = sorted(set(keys), key=card_number)
        return {"points": sum(points.get(k, 0) for k in ordered), "cards": ordered}

    return {
        "committed": part(list(committed)),
        "completed": part(list(done_keys)),
        "added": part([k for k in added if k not in committed and k in in_scope]),
        "removed": part([k for k in removed if k not in in_scope]),
        "not_completed": part([k for k in in_scope if k not in done_keys]),
        "carried_to": None,
    }


def close_sprint(s: Session, sprint_text: str = "active", *, carry_over: str = "next") -> Change:
    """Close a sprint: snapshot its report, move its open cards to the next planned sprint
    (``next``) or the backlog (``backlog``)."""
    if carry_over not in ("next", "backlog"):
        raise UseCaseError(f"invalid --carry-over {carry_over!r}: use next or backlog")
    with s.storage.transaction():
        sprint = s.resolve_sprint(sprint_text)
        if sprint.state != "active":
            raise UseCaseError(f"sprint {sprint.name} is {sprint.state}, not active")
        started = None
        if sprint.start is not None:  # scope changes count from the start day's beginning
            started = datetime.combine(sprint.start, time(0, 0)).astimezone()
        result = report(s, sprint, started)
        target: Sprint | None = None
        if carry_over == "next":
            later = [sp for sp in s.sprints(sprint.project) if sp.state == "planned"]
            target = later[0] if later else None
        result["carried_to"] = target.id if target is not None else "backlog"
        fields = {"state": "closed", "closed_at": iso(s.clock()), "report": result}
        patches = [update_row(s, "sprints", str(sprint.id), fields)]
        for key in result["not_completed"]["cards"]:
            if target is not None:
                patches += edit_card(s, key, sprint=target.id).patches
            else:
                patches += edit_card(s, key, clear={"sprint"}).patches
    where = "backlog" if target is None else target.name
    return Change(
        f"close sprint {sprint.name}",
        patches,
        [f"{len(result['not_completed']['cards'])} open card(s) moved to {where}"],
    )
