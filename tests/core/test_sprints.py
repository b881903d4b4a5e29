"""Sprint use cases and figures (issue 8, core): defaults, scope rules, start, close with
carry-over, the report and `sprint show` numbers worked out by hand, undo compare-and-set.

The calendar: Friday 2026-11-20 is "today"; the next work day is Monday 2026-11-23.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from pmo_tui.core.errors import UseCaseError
from pmo_tui.core.model import Sprint
from pmo_tui.core.reports import sprints as figures
from pmo_tui.core.storage.jsonfile.backend import JsonFileStorage
from pmo_tui.core.storage.jsonfile.store import Store
from pmo_tui.core.usecases import cards, projects, sprints
from pmo_tui.core.usecases.session import Session
from pmo_tui.core.usecases.undo import apply_change

FRIDAY = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def at(self, hour: int, minute: int = 0, day: int = 20) -> None:
        self.now = datetime(2026, 11, day, hour, minute, tzinfo=UTC)


pytestmark = pytest.mark.usefixtures("utc")  # local time is UTC (tests/core/conftest.py)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "pmo.json"


@pytest.fixture
def clock() -> Clock:
    return Clock(FRIDAY)


@pytest.fixture
def s(path: Path, clock: Clock) -> Session:
    """Six cards: PMO-1 3 pts, PMO-2 5 pts (2h), PMO-3 2 pts, PMO-4 8 pts, PMO-5 1 pt,
    PMO-6 no points."""
    session = Session(JsonFileStorage(Store(path)), "alice", clock=clock)
    for n, points in enumerate((3, 5, 2, 8, 1, None), 1):
        cards.add_card(session, f"card {n}", points=points, estimate=120 if n == 2 else None)
    return session


def teammate(path: Path, clock: Clock) -> Session:
    return Session(JsonFileStorage(Store(path)), "bob", clock=clock)


def sprint(s: Session, text: str) -> Sprint:
    return s.resolve_sprint(text)


def card(s: Session, key: str) -> dict[str, Any]:
    doc = s.storage.card(key)
    assert doc is not None
    return dict(doc)


def part(points: int, *numbers: int) -> dict[str, Any]:
    return {"points": points, "cards": [f"PMO-{n}" for n in numbers]}


# ---------------------------------------------------------------------------- new
def test_new_with_no_fields_is_a_valid_sprint(s: Session) -> None:
    assert sprints.sprint_defaults(s) == {
        "name": "Sprint 1",
        "goal": "",
        "start": "2026-11-23",  # the next work day after Friday
        "end": "2026-12-04",  # two weeks on (Sun 12-06), back to the last work day
        "capacity": None,  # no closed sprint: no velocity
    }
    sprints.new_sprint(s)
    first = sprint(s, "1")
    assert (first.name, first.state, first.start, first.end, first.capacity) == (
        "Sprint 1",
        "planned",
        date(2026, 11, 23),
        date(2026, 12, 4),
        None,
    )
    # The next one follows the open sprints: the work day after Fri 12-04 is Mon 12-07.
    sprints.new_sprint(s, goal="second")
    second = sprint(s, "2")
    assert (second.name, second.start, second.end) == (
        "Sprint 2",
        date(2026, 12, 7),
        date(2026, 12, 18),
    )


def test_new_defaults_follow_config_work_days_and_lengths(s: Session) -> None:
    mon_to_thu = (0, 1, 2, 3)
    sprints.new_sprint(s, "A", work_days=mon_to_thu)  # Mon 11-23 .. Sun 12-06 -> Thu 12-03
    assert (sprint(s, "A").start, sprint(s, "A").end) == (date(2026, 11, 23), date(2026, 12, 3))
    sprints.new_sprint(s, "B", start="2026-12-14", length_days=7)  # Sun 12-20 -> Fri 12-18
    assert sprint(s, "B").end == date(2026, 12, 18)
    sprints.new_sprint(s, "C", start="2026-12-21", end="2026-12-21", length_days=30)  # end wins
    assert sprint(s, "C").end == date(2026, 12, 21)
    with pytest.raises(UseCaseError, match="before it starts"):
        sprints.new_sprint(s, "D", end="2026-11-01")  # the default start is 11-23
    with pytest.raises(UseCaseError, match="length"):
        sprints.new_sprint(s, "E", length_days=0)


def test_default_name_skips_a_taken_one(s: Session) -> None:
    sprints.new_sprint(s, "Sprint 2")
    sprints.new_sprint(s)  # one sprint: "Sprint 2" would be next, but it is taken
    assert [sp.name for sp in s.sprints()] == ["Sprint 2", "Sprint 3"]
    with pytest.raises(UseCaseError, match="exists"):
        sprints.new_sprint(s, "sprint 3")


def test_new_is_undone_by_its_change(s: Session) -> None:
    change = sprints.new_sprint(s)
    apply_change(s, change.inverse())
    assert s.sprints() == []


# ---------------------------------------------------------------------------- edit
def test_edit_closed_sprint_keeps_its_dates_and_capacity(s: Session, clock: Clock) -> None:
    sprints.new_sprint(s, "S", start="2026-11-16", end="2026-11-27")
    sprints.start_sprint(s, "S")
    sprints.close_sprint(s, "S", carry_over="backlog")
    with pytest.raises(UseCaseError, match="closed: its start, capacity cannot change"):
        sprints.edit_sprint(s, "S", start="2026-11-17", capacity=3)
    sprints.edit_sprint(s, "S", name="Sprint one", goal="shipped")
    assert (sprint(s, "1").name, sprint(s, "1").goal) == ("Sprint one", "shipped")


# ---------------------------------------------------------------------------- scope
def test_add_and_remove_scope_rules(s: Session, clock: Clock) -> None:
    sprints.new_sprint(s, "A")
    sprints.new_sprint(s, "B")
    change = sprints.add_to_sprint(s, "A", ["1", "pmo-2", "PMO-3"])
    assert [card(s, f"PMO-{n}")["sprint"] for n in (1, 2, 3)] == [1, 1, 1]
    assert change.key == "PMO-1" and len(change.patches) == 3
    # all or nothing: an unknown card refuses the lot
    with pytest.raises(UseCaseError, match="PMO-99"):
        sprints.add_to_sprint(s, "B", ["PMO-4", "PMO-99"])
    assert card(s, "PMO-4")["sprint"] is None
    # a card in another open sprint moves, and says so
    moved = sprints.add_to_sprint(s, "B", ["PMO-3", "PMO-4"])
    assert card(s, "PMO-3")["sprint"] == 2 and "PMO-3 moved from A" in moved.notes
    assert "PMO-3 is already in B" in sprints.add_to_sprint(s, "B", ["PMO-3"]).notes
    cards.archive(s, "PMO-5")
    with pytest.raises(UseCaseError, match="archived"):
        sprints.add_to_sprint(s, "A", ["PMO-5"])
    with pytest.raises(UseCaseError, match="archived"):
        sprints.remove_from_sprint(s, ["PMO-5"])
    removed = sprints.remove_from_sprint(s, ["PMO-1", "PMO-6"])
    assert card(s, "PMO-1")["sprint"] is None
    assert removed.notes == ["PMO-6 is in no sprint"] and len(removed.patches) == 1
    # a closed sprint takes nothing and gives nothing back
    sprints.start_sprint(s, "A")
    cards.move_card(s, "PMO-2", "done")
    sprints.close_sprint(s, "A", carry_over="backlog")
    with pytest.raises(UseCaseError, match="closed"):
        sprints.add_to_sprint(s, "A", ["PMO-6"])
    with pytest.raises(UseCaseError, match="closed sprint A"):
        sprints.remove_from_sprint(s, ["PMO-2"])


def test_a_card_of_another_project_is_refused(s: Session, path: Path, clock: Clock) -> None:
    projects.create_project(s, "OPS", template="kanban")
    ops = Session(JsonFileStorage(Store(path)), "alice", "OPS", clock=clock)
    cards.add_card(ops, "ops work")
    sprints.new_sprint(s, "A")
    with pytest.raises(UseCaseError, match="OPS-1 is not in project PMO"):
        sprints.add_to_sprint(s, "A", ["OPS-1"])


# ---------------------------------------------------------------------------- start
def test_start_snapshots_the_commitment_and_allows_one_active(s: Session) -> None:
    sprints.new_sprint(s, "A", start="2026-11-16", end="2026-11-27")
    sprints.new_sprint(s, "B")
    sprints.add_to_sprint(s, "A", ["PMO-2", "PMO-1", "PMO-6"])
    change = sprints.start_sprint(s, "A")
    a = sprint(s, "A")
    assert a.state == "active" and a.start == date(2026, 11, 16)  # a past start is kept
    assert a.commitment == [
        {"key": "PMO-1", "points": 3, "estimate": None},
        {"key": "PMO-2", "points": 5, "estimate": 120},
        {"key": "PMO-6", "points": None, "estimate": None},
    ]
    assert figures.sprint_doc(s, a)["started_at"] == "2026-11-20T10:00:00Z"
    assert change.notes == []
    with pytest.raises(UseCaseError, match="sprint A is already active in PMO"):
        sprints.start_sprint(s, "B")
    with pytest.raises(UseCaseError, match="active, not planned"):
        sprints.start_sprint(s, "A")


def test_start_ahead_of_its_date_starts_today_and_an_ended_one_is_refused(s: Session) -> None:
    sprints.new_sprint(s, "Late", start="2026-11-02", end="2026-11-13")
    with pytest.raises(UseCaseError, match="ended on 2026-11-13: edit its dates first"):
        sprints.start_sprint(s, "Late")
    sprints.new_sprint(s, "Early")  # planned from Mon 11-23
    change = sprints.start_sprint(s, "Early")
    assert sprint(s, "Early").start == date(2026, 11, 20)
    assert change.notes == ["start moved from 2026-11-23 to today"]


def test_start_closed_sprint_refused(s: Session) -> None:
    sprints.new_sprint(s, "A", start="2026-11-16")
    sprints.start_sprint(s, "A")
    sprints.close_sprint(s, "A", carry_over="backlog")
    with pytest.raises(UseCaseError, match="closed, not planned"):
        sprints.start_sprint(s, "A")


def test_undo_start(s: Session) -> None:
    sprints.new_sprint(s, "A", start="2026-11-16")
    sprints.add_to_sprint(s, "A", ["PMO-1"])
    change = sprints.start_sprint(s, "A")
    apply_change(s, change.inverse())
    a = sprint(s, "A")
    assert (a.state, a.commitment, a.start) == ("planned", [], date(2026, 11, 16))
    assert figures.sprint_doc(s, a).get("started_at") is None
    sprints.start_sprint(s, "A")  # and it can start again


# ---------------------------------------------------------------------------- a sprint, by hand
def run_sprint(s: Session, clock: Clock) -> None:
    """Sprint "S", Mon 11-16 .. Fri 11-27, started Fri 11-20 10:00 with PMO-1 (3), PMO-2
    (5), PMO-3 (2), PMO-6 (-): committed 10 points.  At 11:00: PMO-4 (8) added, PMO-3
    taken out, PMO-2 re-estimated 5 -> 8, PMO-5 added and taken out again (churn: neither
    added nor removed); PMO-1 and PMO-4 done."""
    sprints.new_sprint(s, "S", start="2026-11-16", end="2026-11-27", capacity=12)
    sprints.add_to_sprint(s, "S", ["PMO-1", "PMO-2", "PMO-3", "PMO-6"])
    cards.set_points(s, "PMO-3", 2)  # before the start: not a re-estimate
    sprints.start_sprint(s, "S")
    clock.at(11)
    sprints.add_to_sprint(s, "S", ["PMO-4", "PMO-5"])
    sprints.remove_from_sprint(s, ["PMO-3", "PMO-5"])
    cards.set_points(s, "PMO-2", 8)
    cards.move_card(s, "PMO-1", "done")
    cards.move_card(s, "PMO-4", "done")
    cards.set_points(s, "PMO-3", 1)  # out of scope: not this sprint's re-estimate


def test_show_an_active_sprint(s: Session, clock: Clock) -> None:
    run_sprint(s, clock)
    shown = figures.sprint_summary(s, "S")
    assert shown["state"] == "active" and shown["capacity"] == 12
    # committed: the snapshot 3 + 5 + 2 + 0; scope now: 3 + 8 + 8 + 0 = 19;
    # completed: PMO-1 3 + PMO-4 8 = 11; remaining 19 - 11 = 8
    assert (shown["committed"], shown["scope"], shown["completed"], shown["remaining"]) == (
        10,
        19,
        11,
        8,
    )
    assert shown["cards"] == ["PMO-1", "PMO-2", "PMO-4", "PMO-6"]
    assert shown["velocity"] is None and shown["suggested_capacity"] is None
    assert shown["days_left"] == 6  # Fri 11-20 and Mon..Fri 11-23..27
    assert shown["scope_changes"] == {
        "added": part(8, 4),
        "removed": part(2, 3),  # the points it was committed with (1 now, out of scope)
        "re_estimated": {"points": 3, "estimate": 0, "cards": ["PMO-2"]},
    }
    assert shown["report"] is None


def test_close_to_the_backlog_reports_what_happened(s: Session, clock: Clock) -> None:
    run_sprint(s, clock)
    clock.at(17)
    change = sprints.close_sprint(s, "active", carry_over="backlog")
    closed = sprint(s, "S")
    assert closed.state == "closed" and closed.closed_at == datetime(2026, 11, 20, 17, tzinfo=UTC)
    assert closed.report == {
        "committed": part(10, 1, 2, 3, 6),
        "completed": part(11, 1, 4),
        "added": part(8, 4),
        "removed": part(2, 3),
        "not_completed": part(8, 2, 6),
        "carried_to": "backlog",
    }
    assert card(s, "PMO-2")["sprint"] is None and card(s, "PMO-6")["sprint"] is None
    assert card(s, "PMO-1")["sprint"] == 1  # done work stays with its sprint
    assert change.notes == ["2 open card(s) moved to the backlog"]
    # show reads the report; the carry-over at close is not scope change
    shown = figures.sprint_summary(s, "S")
    assert (shown["committed"], shown["completed"], shown["remaining"]) == (10, 11, 8)
    assert shown["days_left"] == 0 and shown["report"] == closed.report
    assert shown["scope_changes"]["removed"] == part(2, 3)
    assert shown["scope_changes"]["added"] == part(8, 4)
    assert shown["scope_changes"]["re_estimated"]["cards"] == ["PMO-2"]


def test_close_to_the_next_planned_sprint_by_start_date(s: Session, clock: Clock) -> None:
    sprints.new_sprint(s, "Later", start="2026-12-07")
    sprints.new_sprint(s, "Sooner", start="2026-11-30")
    run_sprint(s, clock)
    sprints.close_sprint(s, "S")  # next is the default
    report = sprint(s, "S").report
    assert report is not None and report["carried_to"] == sprint(s, "Sooner").id
    assert card(s, "PMO-2")["sprint"] == card(s, "PMO-6")["sprint"] == sprint(s, "Sooner").id


def test_close_to_next_without_a_planned_sprint_says_what_to_do(s: Session, clock: Clock) -> None:
    run_sprint(s, clock)
    raw = Path(s.storage.where).read_bytes()
    with pytest.raises(UseCaseError, match=r"no planned sprint .*2 open card.*backlog or new"):
        sprints.close_sprint(s, "S", carry_over="next")
    assert Path(s.storage.where).read_bytes() == raw
    with pytest.raises(UseCaseError, match="invalid carry-over"):
        sprints.close_sprint(s, "S", carry_over="trash")


def test_close_with_nothing_open_needs_no_next_sprint(s: Session) -> None:
    sprints.new_sprint(s, "A", start="2026-11-16")
    sprints.add_to_sprint(s, "A", ["PMO-1"])
    sprints.start_sprint(s, "A")
    cards.move_card(s, "PMO-1", "done")
    change = sprints.close_sprint(s, "A")
    report = sprint(s, "A").report
    assert report is not None and report["carried_to"] == "backlog" and change.notes == []


def test_close_into_a_new_sprint(s: Session, clock: Clock) -> None:
    run_sprint(s, clock)
    clock.at(17)
    change = sprints.close_sprint(s, "S", carry_over="new")
    made = sprint(s, "Sprint 2")  # one sprint before: "Sprint 2"
    # the next work day after today (the closed sprint's end no longer counts), two weeks;
    # capacity: the velocity, i.e. the 11 points the closed sprint completed
    assert (made.state, made.start, made.end, made.capacity) == (
        "planned",
        date(2026, 11, 23),
        date(2026, 12, 4),
        11,
    )
    report = sprint(s, "S").report
    assert report is not None and report["carried_to"] == made.id
    assert card(s, "PMO-2")["sprint"] == made.id
    assert change.notes == ["2 open card(s) moved to Sprint 2"]
    # undo: the sprint is active again, its cards back, the new sprint gone
    apply_change(s, change.inverse())
    assert [sp.name for sp in s.sprints()] == ["S"]
    back = sprint(s, "S")
    assert (back.state, back.report, back.closed_at) == ("active", None, None)
    assert card(s, "PMO-2")["sprint"] == card(s, "PMO-6")["sprint"] == back.id


def test_undo_close_leaves_a_teammates_later_change(s: Session, path: Path, clock: Clock) -> None:
    sprints.new_sprint(s, "Next", start="2026-11-30")
    run_sprint(s, clock)
    clock.at(17)
    change = sprints.close_sprint(s, "S", carry_over="backlog")
    clock.at(17, 5)
    sprints.add_to_sprint(teammate(path, clock), "Next", ["PMO-6"])  # bob plans it meanwhile
    undone = apply_change(s, change.inverse())
    s_id = sprint(s, "S").id
    assert sprint(s, "S").state == "active" and sprint(s, "S").report is None
    assert card(s, "PMO-2")["sprint"] == s_id  # restored
    assert card(s, "PMO-6")["sprint"] == sprint(s, "Next").id  # bob's change kept
    assert [(k.key, k.field, k.by) for k in undone.skipped] == [("PMO-6", "sprint", "bob")]
    assert any("PMO-6: sprint left as is: changed by bob since" in n for n in undone.notes)


# ---------------------------------------------------------------------------- velocity
def closed(sid: int, start: str, completed: int) -> Sprint:
    report = {"completed": {"points": completed, "cards": []}}
    return Sprint(sid, "PMO", f"S{sid}", date.fromisoformat(start), state="closed", report=report)


def test_velocity_is_the_mean_of_the_last_three_closed_sprints() -> None:
    history = [
        closed(4, "2026-10-19", 40),  # ids out of order: start dates decide
        closed(1, "2026-09-07", 10),
        closed(2, "2026-09-21", 20),
        closed(3, "2026-10-05", 30),
        Sprint(5, "PMO", "S5", date(2026, 11, 2), state="active"),
        Sprint(6, "PMO", "S6", date(2026, 11, 16)),
    ]
    assert figures.velocity(history) == 30.0  # (20 + 30 + 40) / 3
    assert figures.velocity(history, history[4]) == 30.0
    assert figures.velocity(history, history[3]) == 15.0  # before S3: (10 + 20) / 2
    assert figures.velocity(history, history[1]) is None  # nothing closed before S1
    assert figures.velocity(history[4:]) is None
    assert figures.suggested_capacity(history) == 30
    odd = [closed(1, "2026-09-07", 10), closed(2, "2026-09-21", 11)]
    assert figures.velocity(odd) == 10.5 and figures.suggested_capacity(odd) == 11


def test_show_velocity_counts_only_the_sprints_before(s: Session, clock: Clock) -> None:
    run_sprint(s, clock)
    clock.at(17)
    sprints.close_sprint(s, "S", carry_over="new")
    assert figures.sprint_summary(s, "S")["velocity"] is None
    assert figures.sprint_summary(s, "Sprint 2")["velocity"] == 11.0


# ---------------------------------------------------------------------------- ls
def test_sprint_rows(s: Session, clock: Clock) -> None:
    run_sprint(s, clock)
    clock.at(17)
    sprints.close_sprint(s, "S", carry_over="new")  # Sprint 2: PMO-2 (8) and PMO-6 (-)
    cards.move_card(s, "PMO-2", "done")
    assert figures.sprint_rows(s) == [
        {
            "id": 1,
            "name": "S",
            "state": "closed",
            "start": "2026-11-16",
            "end": "2026-11-27",
            "capacity": 12,
            "committed": 10,
            "completed": 11,
            "remaining": 8,
            "days_left": 0,
        },
        {
            "id": 2,
            "name": "Sprint 2",
            "state": "planned",
            "start": "2026-11-23",
            "end": "2026-12-04",
            "capacity": 11,
            "committed": 8,  # planned: the scope now
            "completed": 8,
            "remaining": 0,
            "days_left": 10,  # not started: all its work days
        },
    ]


# ---------------------------------------------------------------------------- init
def test_scrum_project_starts_with_a_planned_sprint(s: Session, path: Path) -> None:
    change = projects.create_project(s, "WEB")
    [first] = s.sprints("WEB")
    assert (first.name, first.state, first.start, first.end) == (
        "Sprint 1",
        "planned",
        date(2026, 11, 23),
        date(2026, 12, 4),
    )
    assert [p.table for p in change.patches] == ["projects", "sprints"]
    projects.create_project(s, "OPS", template="kanban")
    assert s.sprints("OPS") == []


def test_a_re_estimate_in_the_second_of_the_start(s: Session) -> None:
    """Times are stored to the second: a re-estimate in the same second as the start
    counts only if it changed the committed values (it came after the snapshot)."""
    sprints.new_sprint(s, "A", start="2026-11-16")
    sprints.add_to_sprint(s, "A", ["PMO-1", "PMO-2"])
    cards.set_points(s, "PMO-1", 4)  # before the start, same second: committed with 4
    sprints.start_sprint(s, "A")
    cards.set_points(s, "PMO-2", 6)  # after the start, same second: 5 -> 6
    changes = figures.scope_changes(s, sprint(s, "A"))
    assert changes["re_estimated"] == {"points": 1, "estimate": 0, "cards": ["PMO-2"]}
    assert changes["added"] == part(0) and changes["removed"] == part(0)


def test_redo_close_after_undo(s: Session, clock: Clock) -> None:
    run_sprint(s, clock)
    clock.at(17)
    change = sprints.close_sprint(s, "S", carry_over="new")
    report = sprint(s, "S").report
    undone = apply_change(s, change.inverse())
    apply_change(s, undone.inverse())  # redo
    assert sprint(s, "S").state == "closed" and sprint(s, "S").report == report
    made = sprint(s, "Sprint 2")
    assert card(s, "PMO-2")["sprint"] == card(s, "PMO-6")["sprint"] == made.id
