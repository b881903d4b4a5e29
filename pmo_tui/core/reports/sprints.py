"""Pure read-side sprint figures: velocity, suggested capacity, scope change since the
start, the close report, and what ``pmo sprint show``/``sprint ls`` and the sprint screen
print.  Nothing here writes.

Scope change comes from the history events (SPEC 5): ``sprint_added``/``sprint_removed``
of this sprint and ``archived`` of its cards after the moment the sprint was started, and
``estimated`` events of its cards after that moment (re-estimates).  The moment is the
sprint's ``started_at`` (written by the start use case); for a sprint started by an older
pmo, the beginning of its start day in the local zone.  For a closed sprint the window
ends at ``closed_at``, so the carry-over at close is not counted as removed scope.

Speed: one pass over the events, looking at the sprint ids and the card set only (a
200-card sprint in a 10k-card file with 50k events takes a few tens of ms).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from .. import calendar
from ..model import Doc, Sprint, card_number, iso
from ..usecases.session import Session

__all__ = [
    "close_report",
    "days_left",
    "scope_changes",
    "sprint_doc",
    "sprint_rows",
    "sprint_summary",
    "started_iso",
    "suggested_capacity",
    "velocity",
]

VELOCITY_SPRINTS = 3  # SPEC 5: the mean of the last three closed sprints


# ---------------------------------------------------------------------------- velocity
def _order(sprint: Sprint) -> tuple[date, int]:
    return (sprint.start or date.max, sprint.id)


def _completed_points(sprint: Sprint) -> int:
    report = sprint.report or {}
    completed = report.get("completed") or {}
    points = completed.get("points") if isinstance(completed, dict) else None
    return int(points) if isinstance(points, int) else 0


def velocity(sprints: Sequence[Sprint], before: Sprint | None = None) -> float | None:
    """Mean completed points of the last three closed sprints (by start date, then id);
    with ``before``, only those ordered before it.  None when there is no closed sprint."""
    closed = [sp for sp in sprints if sp.state == "closed"]
    if before is not None:
        closed = [sp for sp in closed if sp.id != before.id and _order(sp) < _order(before)]
    closed.sort(key=_order)
    last = closed[-VELOCITY_SPRINTS:]
    if not last:
        return None
    return round(sum(_completed_points(sp) for sp in last) / len(last), 1)


def suggested_capacity(sprints: Sequence[Sprint], before: Sprint | None = None) -> int | None:
    """The capacity to suggest for a new sprint: the velocity, rounded half up."""
    v = velocity(sprints, before)
    return None if v is None else int(v + 0.5)


# ---------------------------------------------------------------------------- scope change
def sprint_doc(s: Session, sprint: Sprint) -> Doc:
    """The sprint's stored record (section 2 fields, plus ``started_at``)."""
    return dict(s.storage.sprint(sprint.id) or {})


def started_iso(s: Session, sprint: Sprint) -> str | None:
    """The moment scope change counts from, as a stored ISO string (None: not started)."""
    if sprint.state == "planned":
        return None
    stored = sprint_doc(s, sprint).get("started_at")
    if isinstance(stored, str) and stored:
        return stored
    if sprint.start is None:
        return None
    return iso(calendar.day_bounds(sprint.start)[0])


def _part(keys: Iterable[str], points: dict[str, int]) -> Doc:
    ordered = sorted(set(keys), key=card_number)
    return {"points": sum(points.get(k, 0) for k in ordered), "cards": ordered}


def _points(doc: Doc) -> int:
    value = doc.get("points")
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


class _Scope:
    """The cards of a sprint and its scope events since the start, read once."""

    def __init__(self, s: Session, sprint: Sprint) -> None:
        self.sprint = sprint
        project = s.project(sprint.project)
        self.done_columns = {c.id for c in project.columns if c.role == "done"}
        # the storage's own list (no rank sort: a cold sort of 10k cards costs more than
        # everything else here)
        mine = [d for d in s.storage.cards(sprint.project) if d.get("sprint") == sprint.id]
        self.docs = [d for d in mine if not d.get("archived")]
        self.keys = {d["key"] for d in self.docs}
        if sprint.state == "closed" and isinstance(sprint.report, dict):
            # the scope at close, before the carry-over moved the open cards away
            self.keys = set()
            for name in ("completed", "not_completed"):
                part = sprint.report.get(name)
                if isinstance(part, dict):
                    self.keys.update(str(k) for k in part.get("cards") or [])
        archived = {d["key"] for d in mine if d.get("archived")}
        self.committed = {str(c.get("key")): c for c in sprint.commitment}
        self.points = {k: _points(c) for k, c in self.committed.items()}
        self.points.update({d["key"]: _points(d) for d in mine})
        self._look_up(s, self.keys)
        self.added: set[str] = set()
        self.removed: set[str] = set()
        self.reestimated: dict[str, Doc] = {}
        start = started_iso(s, sprint)
        if start is None:
            return
        until = iso(sprint.closed_at) if sprint.closed_at is not None else None
        sid = sprint.id
        watched = self.keys | set(self.committed) | archived
        for event in s.storage.events():
            kind = event.get("type")
            if kind not in ("sprint_added", "sprint_removed", "estimated", "archived"):
                continue
            ts = str(event.get("ts") or "")
            if ts < start or (until is not None and ts >= until):
                continue
            key = str(event.get("card"))
            if kind == "sprint_added":
                if event.get("to") == sid:
                    self.added.add(key)
            elif kind == "sprint_removed":
                if event.get("from") == sid:
                    self.removed.add(key)
            elif key not in watched:
                continue
            elif kind == "archived":
                if key in archived:
                    self.removed.add(key)
            elif ts > start or self._after_snapshot(key, event):
                self._reestimate(key, event)
        self._look_up(s, self.removed)

    def _look_up(self, s: Session, keys: set[str]) -> None:
        """Points of cards no longer in the sprint (carried over, moved): as they are now."""
        for key in keys - set(self.points):
            card = s.storage.card(key)
            self.points[key] = _points(card) if card else 0

    def _after_snapshot(self, key: str, event: Doc) -> bool:
        """For a re-estimate in the very second of the start (times are stored to the
        second): after the commitment snapshot if it changed the committed values."""
        snap = self.committed.get(key)
        old = event.get("from")
        if snap is None or not isinstance(old, dict):
            return True
        return all(old.get(f) == snap.get(f) for f in ("points", "estimate"))

    def _reestimate(self, key: str, event: Doc) -> None:
        old = event.get("from") if isinstance(event.get("from"), dict) else {}
        new = event.get("to") if isinstance(event.get("to"), dict) else {}
        assert isinstance(old, dict) and isinstance(new, dict)
        entry = self.reestimated.setdefault(key, {"points": 0, "estimate": 0})
        entry["points"] += _points(new) - _points(old)
        entry["estimate"] += int(new.get("estimate") or 0) - int(old.get("estimate") or 0)

    def completed(self) -> set[str]:
        return {d["key"] for d in self.docs if d.get("status") in self.done_columns}

    def added_keys(self) -> set[str]:
        """Added after the start and still in scope (a card added and taken out again is
        neither added nor removed)."""
        return (self.added & self.keys) - set(self.committed)

    def removed_keys(self) -> set[str]:
        """Committed, taken out (or archived) after the start, and out of scope now."""
        return (self.removed & set(self.committed)) - self.keys

    def reestimated_part(self) -> Doc:
        keys = sorted((k for k in self.reestimated if k in self.keys), key=card_number)
        return {
            "points": sum(self.reestimated[k]["points"] for k in keys),
            "estimate": sum(self.reestimated[k]["estimate"] for k in keys),
            "cards": keys,
        }


def scope_changes(s: Session, sprint: Sprint) -> Doc:
    """Scope change since the start: ``added``, ``removed`` (each ``{points, cards}``) and
    ``re_estimated`` (``{points, estimate, cards}``: the net change in points and estimate
    minutes of the cards in scope re-estimated since the start).  Empty for a planned
    sprint."""
    scope = _Scope(s, sprint)
    return {
        "added": _part(scope.added_keys(), scope.points),
        "removed": _part(scope.removed_keys(), scope.points),
        "re_estimated": scope.reestimated_part(),
    }


def close_report(s: Session, sprint: Sprint) -> Doc:
    """The report a close snapshots (SPEC 3), ``carried_to`` left None for the caller:
    ``committed`` is the commitment taken at start (points as they were then);
    ``completed`` and ``not_completed`` split the cards in scope now (not archived) by
    whether they are in a done column; ``added``/``removed`` are the scope change since
    the start (see :func:`scope_changes`): added cards count their points now, removed
    (committed) cards the points they were committed with."""
    scope = _Scope(s, sprint)
    done = scope.completed()
    committed_points = {k: _points(c) for k, c in scope.committed.items()}
    return {
        "committed": _part(scope.committed, committed_points),
        "completed": _part(done, scope.points),
        "added": _part(scope.added_keys(), scope.points),
        "removed": _part(scope.removed_keys(), scope.points),
        "not_completed": _part(scope.keys - done, scope.points),
        "carried_to": None,
    }


# ---------------------------------------------------------------------------- show / ls
def days_left(
    sprint: Sprint, today: date, work_days: Iterable[int] = calendar.WORK_DAYS
) -> int | None:
    """Work days left: from today (included) or the start if later, to the end.  0 once
    closed or past the end; None without an end date."""
    if sprint.end is None:
        return None
    if sprint.state == "closed":
        return 0
    first = max(today, sprint.start) if sprint.start is not None else today
    if first > sprint.end:
        return 0
    return len(calendar.work_days(first, sprint.end, work_days))


def _today(s: Session) -> date:
    return calendar.local_date(s.clock())


def _figures(sprint: Sprint, docs: list[Doc], done_columns: set[str]) -> tuple[int, int, int]:
    """(committed, completed, remaining) points.  Planned: committed is the scope now.
    Closed: from the report."""
    if sprint.state == "closed" and sprint.report:
        report = sprint.report

        def pts(name: str) -> int:
            part = report.get(name) or {}
            value = part.get("points") if isinstance(part, dict) else None
            return int(value) if isinstance(value, int) else 0

        return pts("committed"), pts("completed"), pts("not_completed")
    scope = sum(_points(d) for d in docs)
    completed = sum(_points(d) for d in docs if d.get("status") in done_columns)
    active = sprint.state == "active"
    committed = sum(_points(c) for c in sprint.commitment) if active else scope
    return committed, completed, scope - completed


def sprint_summary(
    s: Session,
    sprint: Sprint | str,
    *,
    today: date | None = None,
    work_days: Iterable[int] = calendar.WORK_DAYS,
) -> Doc:
    """What ``pmo sprint show --json`` prints: the sprint's stored fields (section 2) plus
    ``committed``, ``completed``, ``remaining`` (points), ``velocity`` (of the closed sprints
    before it) and ``suggested_capacity``, ``cards`` (keys in scope now), ``scope``
    (points in scope now), ``days_left`` (work days), ``scope_changes`` since the start
    (see :func:`scope_changes`) and, once closed, ``report`` (stored at close)."""
    if isinstance(sprint, str):
        sprint = s.resolve_sprint(sprint)
    day = today or _today(s)
    out = sprint_doc(s, sprint)
    out.setdefault("report", None)
    scope = _Scope(s, sprint)
    committed, completed, remaining = _figures(sprint, scope.docs, scope.done_columns)
    others = s.sprints(sprint.project)
    out.update(
        {
            "committed": committed,
            "completed": completed,
            "remaining": remaining,
            "scope": sum(_points(d) for d in scope.docs),
            "cards": sorted(scope.keys, key=card_number),
            "velocity": velocity(others, sprint),
            "suggested_capacity": suggested_capacity(others, sprint),
            "days_left": days_left(sprint, day, work_days),
            "scope_changes": {
                "added": _part(scope.added_keys(), scope.points),
                "removed": _part(scope.removed_keys(), scope.points),
                "re_estimated": scope.reestimated_part(),
            },
        }
    )
    return out


def sprint_rows(
    s: Session,
    project: str | None = None,
    *,
    today: date | None = None,
    work_days: Iterable[int] = calendar.WORK_DAYS,
) -> list[Doc]:
    """One row per sprint of the project for ``pmo sprint ls`` and the sprint screen, by
    start date: ``id``, ``name``, ``state``, ``start``, ``end`` (ISO dates or None),
    ``capacity``, ``committed``, ``completed``, ``remaining`` (points), ``days_left``."""
    proj = s.project(project)
    done_columns = {c.id for c in proj.columns if c.role == "done"}
    by_sprint: dict[int, list[Doc]] = {}
    for doc in s.storage.cards(proj.key):
        sid = doc.get("sprint")
        if sid is not None and not doc.get("archived"):
            by_sprint.setdefault(sid, []).append(doc)
    day = today or _today(s)
    rows = []
    for sprint in sorted(s.sprints(proj.key), key=_order):
        committed, completed, remaining = _figures(
            sprint, by_sprint.get(sprint.id, []), done_columns
        )
        rows.append(
            {
                "id": sprint.id,
                "name": sprint.name,
                "state": sprint.state,
                "start": sprint.start.isoformat() if sprint.start else None,
                "end": sprint.end.isoformat() if sprint.end else None,
                "capacity": sprint.capacity,
                "committed": committed,
                "completed": completed,
                "remaining": remaining,
                "days_left": days_left(sprint, day, work_days),
            }
        )
    return rows
