"""The burndown of a sprint, velocity and cycle time: pure functions of the history events.

Every number here is replayed from the ``events`` table (SPEC 2): scope from
``sprint_added``/``sprint_removed`` (and ``archived``/``restored``: an archived card leaves
the board, so it leaves the scope), the column from ``created``/``moved``, points and
estimate from ``created``/``estimated``.  Nothing reads the cards' current fields, so a
closed sprint draws the same burndown next year.

Decisions (see also the README's design notes):

- ``remaining`` of a day is taken at the END of that local day (``TZ``), so the ideal line is
  ``committed * (1 - i / n)`` at the end of the i-th of n work days: 0 at the end of the last
  one, flat over non-work days.  The chart starts from ``committed`` before day one.
- A day has "passed" once it has ended (strictly before today).  The forecast needs two
  passed work days; elapsed share in plan-against-actual counts passed work days too, so a
  morning stand-up is not warned about a day nobody has worked yet.
- Scope added or removed on a day (SPEC 5: cards added, removed or re-estimated after the
  start) is a card entering or leaving, valued at that moment in the unit, plus the rise
  (added) or fall (removed) of an in-scope card's re-estimate.  On and after the start day,
  adding a committed card is not scope change (the commitment was snapshot when the sprint
  started) unless that card had left during the sprint.  The cards behind each number are
  in ``Day.added``/``removed``/``reestimated``; cards moved back out of done (they burn back
  up, not scope change) in ``reopened``.  So each day reconciles: remaining = yesterday's
  + scope_added - scope_removed + reopened - burnt.
- A closed sprint's burndown ends as the close found it: the close's carrying of its open
  cards to the next sprint or the backlog (sprint events at or after ``closed_at``) is
  neither scope removed nor burnt, so the undone work stays on the chart.
- Units: ``points`` (a card without points counts 0), ``hours`` (estimates in minutes / 60,
  two decimals), ``cards`` (count).  Whole numbers are ints in JSON.
- Cycle time is in days (float, one decimal) from a card's first entry into a started column
  to its last entry into a done column; cards that never passed through a started column are
  left out (their start is unknown).  p85 interpolates linearly between ranks.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from .. import calendar
from ..model import Doc, Project, Sprint, card_number, iso, opt_iso, parse_iso
from ..usecases.session import Session

Unit = Literal["points", "hours", "cards"]
UNITS: tuple[Unit, ...] = ("points", "hours", "cards")
DEFAULT_MARGIN = 0.15
NOT_ENOUGH_DAYS = "not enough days yet"
NO_BURN = "no burn so far: remaining has not gone down"
CLOSED = "the sprint is closed"
NO_DATES = "the sprint has no start date"
BAD_DATES = "the sprint ends before it starts"

__all__ = [
    "Burndown",
    "CardAmount",
    "CycleTime",
    "Day",
    "Plan",
    "Reestimate",
    "Velocity",
    "burndown",
    "burndown_of",
    "cycle_time",
    "sprint_events",
    "sprint_history",
    "sprint_keys",
    "to_json",
    "velocity",
]


# ---------------------------------------------------------------------------- records
@dataclass(frozen=True, slots=True)
class CardAmount:
    key: str
    amount: float  # in the unit


@dataclass(frozen=True, slots=True)
class Reestimate:
    key: str
    before: float  # in the unit
    after: float


@dataclass(slots=True)
class Day:
    date: date
    work_day: bool
    remaining: float | None  # at the end of the day; None after today
    ideal: float
    scope_added: float = 0
    scope_removed: float = 0
    added: list[CardAmount] = field(default_factory=list)
    removed: list[CardAmount] = field(default_factory=list)
    reestimated: list[Reestimate] = field(default_factory=list)
    reopened: list[CardAmount] = field(default_factory=list)  # moved back out of done
    today: bool = False


@dataclass(frozen=True, slots=True)
class Plan:
    """Plan against actual: shares in 0..1 (None when there is nothing to divide by)."""

    elapsed: float  # passed work days / work days of the sprint
    done: float | None  # of the scope (in the unit) at the latest day
    spent: float | None  # minutes logged on in-scope cards in the sprint / their estimates
    spent_minutes: int
    estimate_minutes: int
    warning: str | None


@dataclass(slots=True)
class Burndown:
    sprint: Sprint
    by: Unit
    committed: float
    days: list[Day]
    today: date
    forecast: date | None
    forecast_reason: str | None  # why there is no forecast
    plan: Plan
    scope: list[str]  # the cards in scope at the latest day, by number
    scope_total: float = 0.0  # their amount in the unit (done or not), at the latest day

    @property
    def remaining(self) -> float | None:
        """Remaining at the latest day drawn (today, or the last day)."""
        known = [d.remaining for d in self.days if d.remaining is not None]
        return known[-1] if known else None

    @property
    def completed(self) -> float | None:
        """Done of the scope at the latest day drawn, in the unit (None before day one)."""
        remaining = self.remaining
        return None if remaining is None else self.scope_total - remaining


@dataclass(frozen=True, slots=True)
class Velocity:
    sprints: list[tuple[int, str, int]]  # closed sprints in order: (id, name, completed points)
    mean_last_3: float | None


@dataclass(frozen=True, slots=True)
class CycleTime:
    cards: dict[str, float]  # key -> days (one decimal)
    median: float | None
    p85: float | None


# ---------------------------------------------------------------------------- helpers
def _value(by: Unit, points: Any, estimate: Any) -> float:
    if by == "points":
        return float(points) if isinstance(points, int | float) else 0.0
    if by == "hours":
        return estimate / 60 if isinstance(estimate, int | float) else 0.0
    return 1.0


def _num(x: float) -> float:
    """A number as the JSON shows it: an int when whole, else two decimals."""
    r = round(x, 2)
    return int(r) if r == int(r) else r


Timed = tuple[datetime, Doc]
_MEMBERSHIP = ("sprint_added", "sprint_removed")


def sprint_events(events: Iterable[Doc], sprint: Sprint) -> tuple[set[str], list[Timed]]:
    """The keys of every card ever in ``sprint`` (or its commitment) and their events with
    their parsed times, in time order.  One pass to find the cards, one to keep their
    events: a 200-card sprint in a 50k-event history parses only its own thousand events
    (an event with an unreadable time is skipped)."""
    events = events if isinstance(events, list) else list(events)
    sid = sprint.id
    keys = {str(c.get("key")) for c in sprint.commitment}
    for e in events:
        kind = e.get("type")
        if (kind == "sprint_added" and e.get("to") == sid) or (
            kind == "sprint_removed" and e.get("from") == sid
        ):
            keys.add(str(e.get("card")))
    mine: list[Timed] = []
    for e in events:
        if e.get("card") in keys:
            ts = opt_iso(e.get("ts"))
            if ts is not None:
                mine.append((ts, e))
    mine.sort(key=lambda pair: pair[0])  # stable: same-second events keep their order
    return keys, mine


class _Replay:
    """The state of the sprint's cards, event by event."""

    def __init__(self, sprint: Sprint, project: Project, by: Unit) -> None:
        self.sid = sprint.id
        self.by = by
        self.done_cols = {c.id for c in project.columns if c.role == "done"}
        self.started_cols = {c.id for c in project.columns if c.role == "started"}
        self.status: dict[str, str] = {}
        self.points: dict[str, Any] = {}
        self.estimate: dict[str, Any] = {}
        self.member: set[str] = set()
        self.archived: set[str] = set()

    def value(self, key: str) -> float:
        return _value(self.by, self.points.get(key), self.estimate.get(key))

    def counts(self, key: str) -> bool:
        return key in self.member and key not in self.archived

    def remaining(self) -> float:
        return sum(
            self.value(k)
            for k in self.member
            if k not in self.archived and self.status.get(k) not in self.done_cols
        )

    def scope_total(self) -> float:
        return sum(self.value(k) for k in self.member if k not in self.archived)

    def apply(self, e: Doc, day: Day | None, committed: set[str], left: set[str]) -> None:
        """Apply one event; when ``day`` is given (the event falls in the sprint), note the
        scope change, re-estimate or reopening it makes on that day."""
        key = str(e.get("card"))
        kind = e.get("type")
        new, old = e.get("to"), e.get("from")
        was_in = self.counts(key)
        if kind == "created" and isinstance(new, dict):
            self.status[key] = str(new.get("status"))
            self.points[key] = new.get("points")
            self.estimate[key] = new.get("estimate")
        elif kind == "moved":
            before = self.status.get(key)
            self.status[key] = str(new)
            reopened = before in self.done_cols and str(new) not in self.done_cols
            if day is not None and was_in and reopened:
                day.reopened.append(CardAmount(key, self.value(key)))
        elif kind == "estimated" and isinstance(new, dict):
            before_value = self.value(key)
            self.points[key] = new.get("points", self.points.get(key))
            self.estimate[key] = new.get("estimate", self.estimate.get(key))
            after_value = self.value(key)
            if day is not None and was_in and after_value != before_value:
                day.reestimated.append(Reestimate(key, before_value, after_value))
                if after_value > before_value:  # SPEC 5: a re-estimate is scope change
                    day.scope_added += after_value - before_value
                else:
                    day.scope_removed += before_value - after_value
        elif kind == "sprint_added":
            if new == self.sid:
                self.member.add(key)
            else:
                self.member.discard(key)  # (a sprint_removed from us came first anyway)
        elif kind == "sprint_removed" and old == self.sid:
            self.member.discard(key)
        elif kind == "archived":
            self.archived.add(key)
        elif kind == "restored":
            self.archived.discard(key)
        now_in = self.counts(key)
        if day is None or now_in == was_in:
            return
        amount = self.value(key)
        if now_in:
            if key in committed and key not in left:
                return  # the commitment itself, added on the start day before the start
            day.added.append(CardAmount(key, amount))
            day.scope_added += amount
        else:
            left.add(key)
            day.removed.append(CardAmount(key, amount))
            day.scope_removed += amount


def _committed(sprint: Sprint, by: Unit, scope_total: float) -> float:
    """The snapshot taken at start; before the start, the scope as it is."""
    if sprint.state == "planned" and not sprint.commitment:
        return scope_total
    return sum(_value(by, c.get("points"), c.get("estimate")) for c in sprint.commitment)


def _forecast(
    days: list[Day], passed: list[Day], committed: float, work_days: Sequence[int]
) -> tuple[date | None, str | None]:
    if len(passed) < 2:
        return None, NOT_ENOUGH_DAYS
    last = passed[-1]
    remaining = last.remaining or 0.0
    if remaining <= 0:  # burnt down: the day it reached 0 for good (a reopen starts over)
        known = [d for d in days if d.remaining is not None and d.date <= last.date]
        zero = last
        for d in reversed(known):
            if (d.remaining or 0) > 0:
                break
            zero = d
        return zero.date, None
    burn = (committed - remaining) / len(passed)
    if burn <= 0:
        return None, NO_BURN
    need = math.ceil(round(remaining / burn, 9))  # work days after the last passed one
    day = last.date
    wanted = set(work_days)
    while need > 0:
        day += timedelta(days=1)
        if day.weekday() in wanted:
            need -= 1
    return day, None


# ---------------------------------------------------------------------------- burndown
def burndown(
    sprint: Sprint,
    project: Project,
    events: Iterable[Doc],
    *,
    now: datetime,
    by: Unit = "points",
    entries: Iterable[Doc] = (),
    tz: str | None = None,
    work_days: Sequence[int] = calendar.WORK_DAYS,
    margin: float = DEFAULT_MARGIN,
) -> Burndown:
    """The burndown of ``sprint`` in the unit ``by``, as of ``now`` (aware), in the local
    zone ``tz`` (``TZ`` if None).  ``events`` may be the whole history; ``entries`` (time
    entries, any cards) feed the hours-spent share of plan-against-actual."""
    if by not in UNITS:
        raise ValueError(f"unknown unit {by!r}: use points, hours or cards")
    keys, mine = sprint_events(events, sprint)
    mine = [pair for pair in mine if pair[0] <= now]  # as of now: a later event is not known
    closed_at = sprint.closed_at
    if closed_at is not None:  # the close carries open cards out: not a scope change
        mine = [(ts, e) for ts, e in mine if ts < closed_at or e.get("type") not in _MEMBERSHIP]
    today = calendar.local_date(now, tz)
    replay = _Replay(sprint, project, by)
    committed_keys = {str(c.get("key")) for c in sprint.commitment}

    first = sprint.start
    last = None if first is None else (sprint.end or max(today, first))
    if first is None or last is None or last < first:
        undated = NO_DATES if first is None else BAD_DATES
        for _, e in mine:
            replay.apply(e, None, committed_keys, set())
        committed = _committed(sprint, by, replay.scope_total())
        plan = Plan(0.0, None, None, 0, 0, None)
        scope = sorted((k for k in replay.member if replay.counts(k)), key=card_number)
        total = replay.scope_total()
        return Burndown(sprint, by, committed, [], today, None, undated, plan, scope, total)

    dates = calendar.days(first, last)
    bounds = [calendar.day_bounds(d, tz) for d in dates]
    begin = bounds[0][0]
    work = set(work_days)
    days = [Day(d, d.weekday() in work, None, 0.0, today=d == today) for d in dates]

    # Replay: events before the first day set the baseline; each day's events land on it.
    left: set[str] = set()
    i = 0
    for index, day in enumerate(days):
        end = bounds[index][1]
        while i < len(mine) and mine[i][0] < end:
            ts, e = mine[i]
            replay.apply(e, day if ts >= begin else None, committed_keys, left)
            i += 1
        if day.date <= today:
            day.remaining = replay.remaining()
    latest_scope = sorted((k for k in replay.member if replay.counts(k)), key=card_number)
    latest_total = replay.scope_total()
    latest_remaining = replay.remaining()

    committed = _committed(sprint, by, latest_total)

    n_work = sum(1 for d in days if d.work_day)
    done_work = 0
    for day in days:
        if day.work_day:
            done_work += 1
        day.ideal = committed * (1 - done_work / n_work) if n_work else committed

    passed = [d for d in days if d.work_day and d.date < today]
    # A closed sprint's work is over: a date it "would have" ended reads as a promise.
    forecast, reason = (
        (None, CLOSED)
        if sprint.state == "closed"
        else _forecast(days, passed, committed, work_days)
    )
    plan = _plan(
        sprint=sprint,
        replay=replay,
        scope=latest_scope,
        total=latest_total,
        remaining=latest_remaining,
        elapsed=len(passed) / n_work if n_work else 0.0,
        entries=entries,
        keys=keys,
        window=(bounds[0][0], min(bounds[-1][1], now)),
        margin=margin,
    )
    return Burndown(
        sprint, by, committed, days, today, forecast, reason, plan, latest_scope, latest_total
    )


def burndown_of(
    s: Session,
    sprint: Sprint,
    *,
    by: Unit = "points",
    work_days: Sequence[int] = calendar.WORK_DAYS,
    margin: float = DEFAULT_MARGIN,
) -> Burndown:
    """:func:`burndown` over a session's storage, at the session's clock (what the CLI and
    the screen call; run it in a worker in the app: it reads the history)."""
    events, entries = sprint_history(s, sprint)
    return burndown(
        sprint,
        s.project(sprint.project),
        events,
        now=s.clock(),
        by=by,
        entries=entries,
        work_days=work_days,
        margin=margin,
    )


def sprint_keys(s: Session, sprint: Sprint) -> set[str]:
    """The keys :func:`sprint_events` finds for ``sprint``: its commitment and every card
    added to it or removed from it (the storage finds those events without reading the
    whole history, where it can)."""
    keys = {str(c.get("key")) for c in sprint.commitment}
    keys.update(str(e.get("card")) for e in s.storage.sprint_events(sprint.id))
    return keys


def sprint_history(s: Session, sprint: Sprint) -> tuple[list[Doc], list[Doc]]:
    """The events and time entries of the sprint's cards (:func:`sprint_keys`): all that
    :func:`burndown` and :func:`cycle_time` read of the whole history and of every entry
    (the events of other cards, and their entries, change nothing in them)."""
    keys = sprint_keys(s, sprint)
    return s.storage.events_of(keys), s.storage.entries_of(keys)


def _plan(
    *,
    sprint: Sprint,
    replay: _Replay,
    scope: list[str],
    total: float,
    remaining: float,
    elapsed: float,
    entries: Iterable[Doc],
    keys: set[str],
    window: tuple[datetime, datetime],
    margin: float,
) -> Plan:
    done = (total - remaining) / total if total > 0 else None
    in_scope = set(scope)
    estimate = sum(int(replay.estimate.get(k) or 0) for k in in_scope)
    start, end = window
    spent = 0
    for doc in entries:
        if doc.get("card") not in in_scope:
            continue
        a = max(parse_iso(doc["start"]), start)
        b = min(parse_iso(doc["end"]) if doc.get("end") else end, end)
        if b > a:
            spent += int((b - a).total_seconds() // 60)
    warning = None
    if done is not None and elapsed - done > margin:
        warning = (
            f"behind plan: {round(done * 100)}% of scope done "
            f"with {round(elapsed * 100)}% of work days gone"
        )
    return Plan(
        elapsed=elapsed,
        done=done,
        spent=spent / estimate if estimate else None,
        spent_minutes=spent,
        estimate_minutes=estimate,
        warning=warning,
    )


# ---------------------------------------------------------------------------- velocity
def velocity(sprints: Iterable[Sprint], before: Sprint | None = None) -> Velocity:
    """Completed points of the closed sprints (from their close report), oldest first, and
    the mean of the last three (SPEC 5).  With ``before``, only the sprints closed before
    it started (``sprint show``'s "velocity of the sprints before it")."""
    closed = [s for s in sprints if s.state == "closed"]
    closed.sort(key=lambda s: (s.end or date.min, s.id))
    if before is not None:
        closed = [
            s
            for s in closed
            if s.id != before.id
            and (before.start is None or s.end is None or s.end < before.start or s.id < before.id)
        ]
    rows = []
    for s in closed:
        completed = (s.report or {}).get("completed")
        if isinstance(completed, dict):  # SPEC 3: {"points": N, "cards": [...]}
            completed = completed.get("points")
        rows.append((s.id, s.name, int(completed) if isinstance(completed, int | float) else 0))
    last = [r[2] for r in rows[-3:]]
    return Velocity(rows, round(sum(last) / len(last), 1) if last else None)


# ---------------------------------------------------------------------------- cycle time
def _median(values: Sequence[float]) -> float:
    """statistics.median's value (the middle one, or the mean of the two middle ones),
    without importing statistics and random (~3 ms of a `pmo burndown`)."""
    ordered = sorted(values)
    n = len(ordered)
    i = n // 2
    return ordered[i] if n % 2 else (ordered[i - 1] + ordered[i]) / 2


def _p85(values: Sequence[float]) -> float:
    ordered = sorted(values)
    pos = (len(ordered) - 1) * 0.85
    lo = math.floor(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def cycle_time(
    sprint: Sprint,
    project: Project,
    events: Iterable[Doc],
    *,
    now: datetime,
    tz: str | None = None,
    cards: Mapping[str, Doc] | None = None,
) -> CycleTime:
    """Cycle time of the cards done in ``sprint``: in scope at its end (or now) in a done
    column, last entered there within the sprint; from the first entry into a started
    column (the event, or the card's ``started`` field if that is earlier) to that entry."""
    keys, mine = sprint_events(events, sprint)
    replay = _Replay(sprint, project, "cards")
    first_start: dict[str, datetime] = {}
    done_at: dict[str, datetime] = {}
    if sprint.start is None:
        return CycleTime({}, None, None)
    begin = calendar.day_bounds(sprint.start, tz)[0]
    # Up to the end of the last day (exclusive) and now (inclusive, as in the burndown:
    # times are to the second, so a move made this second is already known).
    end = calendar.day_bounds(sprint.end, tz)[1] if sprint.end else None
    for ts, e in mine:
        if ts > now or (end is not None and ts >= end):
            break
        key = str(e.get("card"))
        replay.apply(e, None, set(), set())
        kind, new = e.get("type"), e.get("to")
        column = new.get("status") if kind == "created" and isinstance(new, dict) else new
        if kind in ("created", "moved"):
            if column in replay.started_cols and key not in first_start:
                first_start[key] = ts
            if column in replay.done_cols:
                done_at[key] = ts
            else:
                done_at.pop(key, None)
    out: dict[str, float] = {}
    for key in sorted(keys, key=card_number):
        finished = done_at.get(key)
        if not replay.counts(key) or finished is None or finished < begin:
            continue
        started = first_start.get(key)
        stamp = (cards or {}).get(key, {}).get("started")
        if isinstance(stamp, str) and stamp:
            field_start = parse_iso(stamp)
            started = field_start if started is None else min(started, field_start)
        if started is None or started > finished:
            continue
        out[key] = round((finished - started).total_seconds() / 86400, 1)
    values = list(out.values())
    if not values:
        return CycleTime(out, None, None)
    return CycleTime(out, round(_median(values), 1), round(_p85(values), 1))


# ---------------------------------------------------------------------------- JSON
def _sprint_doc(s: Sprint) -> Doc:
    return {
        "id": s.id,
        "project": s.project,
        "name": s.name,
        "goal": s.goal,
        "start": s.start.isoformat() if s.start else None,
        "end": s.end.isoformat() if s.end else None,
        "state": s.state,
        "capacity": s.capacity,
        "commitment": s.commitment,
        "closed_at": iso(s.closed_at) if s.closed_at else None,
        "report": s.report,
    }


def _share(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def to_json(b: Burndown) -> Doc:
    """SPEC 3's ``pmo burndown --json`` document; the keys after ``forecast`` are extras
    (today, why there is no forecast, the per-day card lists, plan against actual)."""
    days = [
        {
            "date": d.date.isoformat(),
            "work_day": d.work_day,
            "remaining": None if d.remaining is None else _num(d.remaining),
            "ideal": _num(d.ideal),
            "scope_added": _num(d.scope_added),
            "scope_removed": _num(d.scope_removed),
        }
        for d in b.days
    ]
    changes = [
        {
            "date": d.date.isoformat(),
            "added": [{"key": c.key, "amount": _num(c.amount)} for c in d.added],
            "removed": [{"key": c.key, "amount": _num(c.amount)} for c in d.removed],
            "reestimated": [
                {"key": r.key, "from": _num(r.before), "to": _num(r.after)} for r in d.reestimated
            ],
            "reopened": [{"key": c.key, "amount": _num(c.amount)} for c in d.reopened],
        }
        for d in b.days
        if d.added or d.removed or d.reestimated or d.reopened
    ]
    p = b.plan
    return {
        "sprint": _sprint_doc(b.sprint),
        "by": b.by,
        "committed": _num(b.committed),
        "days": days,
        "forecast": b.forecast.isoformat() if b.forecast else None,
        "today": b.today.isoformat(),
        "forecast_reason": b.forecast_reason,
        "changes": changes,
        "plan": {
            "elapsed": _share(p.elapsed),
            "done": _share(p.done),
            "spent": _share(p.spent),
            "spent_minutes": p.spent_minutes,
            "estimate_minutes": p.estimate_minutes,
            "warning": p.warning,
        },
    }
