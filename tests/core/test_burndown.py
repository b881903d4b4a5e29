"""The burndown report on hand-built histories: every expected number is worked out by hand
in the comments next to it.

The zone is Europe/Berlin (UTC+1 in November), so a day's bounds are not UTC's: an event at
00:30 local on Tuesday is 23:30 UTC on Monday and must land on Tuesday.

The sprint (id 1) runs Thu 2026-11-19 .. Wed 2026-11-25: seven days, five work days
(Thu, Fri, Mon, Tue, Wed), a weekend in the middle.  Commitment: A 3 pts / 2 h,
B 5 pts / 4 h, C 2 pts / 1 h = 10 points, 7 hours, 3 cards.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from pmo_tui.core.model import DEFAULT_COLUMNS, Doc, Project, Sprint, iso
from pmo_tui.core.reports import burndown as bd
from pmo_tui.core.storage.jsonfile.backend import JsonFileStorage
from pmo_tui.core.storage.jsonfile.store import Store
from pmo_tui.core.usecases import cards, sprints, timers
from pmo_tui.core.usecases.session import Session

BERLIN = ZoneInfo("Europe/Berlin")
PROJECT = Project("PMO", "pmo", list(DEFAULT_COLUMNS))
A, B, C, D = "PMO-1", "PMO-2", "PMO-3", "PMO-4"


@pytest.fixture(autouse=True)
def berlin() -> Iterator[None]:
    old = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Berlin"
    time.tzset()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


def at(day: int, hh: int, mm: int = 0, month: int = 11) -> datetime:
    """A local (Berlin) time in November 2026, as an aware UTC datetime."""
    return datetime(2026, month, day, hh, mm, tzinfo=BERLIN).astimezone(UTC)


def ev(when: datetime, card: str, kind: str, old: Any = None, new: Any = None) -> Doc:
    return {"ts": iso(when), "user": "alice", "card": card, "type": kind, "from": old, "to": new}


def created(when: datetime, card: str, points: int | None, estimate: int | None) -> Doc:
    return ev(
        when, card, "created", None, {"status": "todo", "points": points, "estimate": estimate}
    )


def moved(when: datetime, card: str, old: str, new: str) -> Doc:
    return ev(when, card, "moved", old, new)


COMMITMENT = [
    {"key": A, "points": 3, "estimate": 120},
    {"key": B, "points": 5, "estimate": 240},
    {"key": C, "points": 2, "estimate": 60},
]


def sprint(state: str = "active", commitment: list[Doc] | None = None) -> Sprint:
    return Sprint(
        id=1,
        project="PMO",
        name="S1",
        start=date(2026, 11, 19),
        end=date(2026, 11, 25),
        state=state,
        commitment=COMMITMENT if commitment is None else commitment,
    )


def history() -> list[Doc]:
    """The story of sprint 1, with noise from another sprint's card (PMO-9)."""
    return [
        # Wed 18, before the start: the three committed cards, planned into the sprint.
        created(at(18, 10), A, 3, 120),
        created(at(18, 10), B, 5, 240),
        created(at(18, 10), C, 2, 60),
        created(at(18, 10), "PMO-9", 8, 480),
        ev(at(18, 11), A, "sprint_added", None, 1),
        ev(at(18, 11), B, "sprint_added", None, 1),
        ev(at(18, 11), C, "sprint_added", None, 1),
        ev(at(18, 11), "PMO-9", "sprint_added", None, 2),
        # Thu 19: A started and done.
        moved(at(19, 9), A, "todo", "doing"),
        moved(at(19, 16), A, "doing", "done"),
        moved(at(19, 16), "PMO-9", "todo", "done"),
        # Fri 20: B re-estimated 5 -> 8 points (hours unchanged); D (3 pts, 1.5 h) added.
        ev(
            at(20, 11),
            B,
            "estimated",
            {"points": 5, "estimate": 240},
            {"points": 8, "estimate": 240},
        ),
        created(at(20, 14), D, 3, 90),
        ev(at(20, 14), D, "sprint_added", None, 1),
        # Mon 23: A moved back out of done; C done; D taken out.
        moved(at(23, 10), A, "done", "review"),
        moved(at(23, 15), C, "todo", "done"),
        ev(at(23, 16), D, "sprint_removed", 1, None),
        # Tue 24 at 00:30 local (23:30 UTC on Monday): B done.
        moved(at(24, 0, 30), B, "todo", "done"),
    ]


def series(b: bd.Burndown) -> list[tuple[str, bool, float | None, float, float, float]]:
    return [
        (
            d.date.isoformat()[5:],
            d.work_day,
            d.remaining,
            round(d.ideal, 2),
            d.scope_added,
            d.scope_removed,
        )
        for d in b.days
    ]


# ---------------------------------------------------------------------------- points
def test_points_series_with_scope_change_reestimate_reopen_and_weekend() -> None:
    b = bd.burndown(sprint(), PROJECT, history(), now=at(24, 12), by="points")
    assert b.committed == 10  # A3 + B5 + C2
    # ideal: 10 * (1 - i/5) at the end of the i-th work day, flat on Sat/Sun: 8 6 6 6 4 2 0
    assert series(b) == [
        ("11-19", True, 7, 8, 0, 0),  # 10 - A3 done
        ("11-20", True, 13, 6, 6, 0),  # B 5->8: 7+3 = 10; D added +3 = 13; scope +3 +3
        ("11-21", False, 13, 6, 0, 0),  # weekend: nothing moves, the ideal is flat
        ("11-22", False, 13, 6, 0, 0),
        ("11-23", True, 11, 4, 0, 3),  # A back +3 = 16; C done -2 = 14; D out -3 = 11
        ("11-24", True, 3, 2, 0, 0),  # B8 done at 00:30 local: 11 - 8 = 3 (A)
        ("11-25", True, None, 0, 0, 0),  # the future is blank
    ]
    fri, mon = b.days[1], b.days[4]
    assert fri.added == [bd.CardAmount(D, 3)]
    assert fri.reestimated == [bd.Reestimate(B, 5, 8)]
    assert mon.removed == [bd.CardAmount(D, 3)] and mon.reopened == [bd.CardAmount(A, 3)]
    assert [d.today for d in b.days] == [False] * 5 + [True, False]
    assert b.today == date(2026, 11, 24)
    assert b.scope == [A, B, C]
    # Passed work days: Thu, Fri, Mon.  Burn = (10 - 11) / 3 < 0: no forecast, and why.
    assert b.forecast is None and b.forecast_reason == bd.NO_BURN


def test_hours_and_cards_units() -> None:
    hours = bd.burndown(sprint(), PROJECT, history(), now=at(24, 12), by="hours")
    assert hours.committed == 7  # 2 + 4 + 1 h
    # Thu 7-2 = 5; Fri +D 1.5 h = 6.5 (B's re-estimate moved points only: not listed);
    # Mon +A 2 = 8.5, -C 1 = 7.5, -D 1.5 = 6; Tue -B 4 = 2.
    assert [d.remaining for d in hours.days] == [5, 6.5, 6.5, 6.5, 6, 2, None]
    assert [d.scope_added for d in hours.days][1] == 1.5 and hours.days[1].reestimated == []
    assert [round(d.ideal, 2) for d in hours.days] == [5.6, 4.2, 4.2, 4.2, 2.8, 1.4, 0]
    by_cards = bd.burndown(sprint(), PROJECT, history(), now=at(24, 12), by="cards")
    assert by_cards.committed == 3
    # Thu 3-1 = 2; Fri +D = 3; Mon +A = 4, -C = 3, -D = 2; Tue -B = 1.
    assert [d.remaining for d in by_cards.days] == [2, 3, 3, 3, 2, 1, None]
    with pytest.raises(ValueError):
        bd.burndown(sprint(), PROJECT, history(), now=at(24, 12), by="days")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- forecast
def test_forecast_needs_two_passed_work_days() -> None:
    # Fri 20 noon: only Thursday has passed.
    early = bd.burndown(sprint(), PROJECT, history(), now=at(20, 12))
    assert early.forecast is None and early.forecast_reason == "not enough days yet"
    # The events after Fri noon are not known yet: Fri's remaining is taken as of now.
    assert [d.remaining for d in early.days] == [7, 10, None, None, None, None, None]


def test_forecast_from_the_average_burn() -> None:
    b = bd.burndown(sprint(), PROJECT, history(), now=at(25, 12))
    # Passed: Thu, Fri, Mon, Tue (4); Tue ended at 3.  Burn = (10 - 3) / 4 = 1.75 a day;
    # 3 / 1.75 = 1.71 -> 2 more work days after Tue 24: Wed 25, Thu 26.
    assert b.forecast == date(2026, 11, 26) and b.forecast_reason is None
    assert b.days[-1].remaining == 3 and b.days[-1].today


def test_forecast_when_already_burnt_down() -> None:
    events = [*history(), moved(at(24, 9), A, "review", "done")]
    b = bd.burndown(sprint(), PROJECT, events, now=at(25, 12))
    assert b.days[5].remaining == 0  # Tue: A, the last one, done
    assert b.forecast == date(2026, 11, 24)  # the day it reached 0


# ---------------------------------------------------------------------------- states
def test_forecast_is_the_day_it_reached_zero_for_good() -> None:
    # A reaches done on Thu (remaining 0), is reopened on Fri (3) and done again on Mon.
    events = [
        created(at(18, 10), A, 3, None),
        ev(at(18, 11), A, "sprint_added", None, 1),
        moved(at(19, 15), A, "todo", "done"),
        moved(at(20, 9), A, "done", "doing"),
        moved(at(23, 9), A, "doing", "done"),
    ]
    only_a = sprint(commitment=[{"key": A, "points": 3, "estimate": None}])
    b = bd.burndown(only_a, PROJECT, events, now=at(25, 12))
    assert [d.remaining for d in b.days] == [0, 3, 3, 3, 0, 0, 0]
    assert b.forecast == date(2026, 11, 23)  # Mon, not Thu


def test_days_across_the_end_of_summer_time() -> None:
    # Berlin leaves summer time on Sun 2026-10-25 (a 25-hour day).  Sprint Fri 23 .. Tue 27.
    # X done at 23:30 on Sunday (22:30 UTC): still Sunday, although a 24-hour step from
    # Saturday's midnight would end Sunday at 22:00 UTC.  Y done at 00:30 on Monday (23:30
    # UTC on Sunday): Monday.
    x, y = "PMO-7", "PMO-8"
    events = [
        created(at(22, 10, month=10), x, 2, None),
        created(at(22, 10, month=10), y, 1, None),
        ev(at(22, 11, month=10), x, "sprint_added", None, 3),
        ev(at(22, 11, month=10), y, "sprint_added", None, 3),
        moved(at(25, 23, 30, month=10), x, "todo", "done"),
        moved(at(26, 0, 30, month=10), y, "todo", "done"),
    ]
    committed = [{"key": x, "points": 2}, {"key": y, "points": 1}]
    s3 = Sprint(3, "PMO", "S3", start=date(2026, 10, 23), end=date(2026, 10, 27),
                state="active", commitment=committed)  # fmt: skip
    b = bd.burndown(s3, PROJECT, events, now=at(27, 12, month=10))
    # Fri 3, Sat 3, Sun 3 - 2 = 1, Mon 1 - 1 = 0, Tue 0.
    assert [d.remaining for d in b.days] == [3, 3, 1, 0, 0]
    # 3 work days (Fri, Mon, Tue): ideal 2 on Fri, flat 2 over the weekend, 1 Mon, 0 Tue.
    assert [d.ideal for d in b.days] == [2, 2, 2, 1, 0]


def test_sprint_not_yet_started() -> None:
    # Wed 18 noon: planned, no commitment yet: the ideal starts from the scope as it is.
    b = bd.burndown(sprint("planned", []), PROJECT, history(), now=at(18, 12))
    assert b.committed == 10  # A3 + B5 + C2 in scope since 11:00
    assert [d.remaining for d in b.days] == [None] * 7
    assert [round(d.ideal, 2) for d in b.days] == [8, 6, 6, 6, 4, 2, 0]
    assert not any(d.today for d in b.days)
    assert b.forecast is None and b.forecast_reason == bd.NOT_ENOUGH_DAYS
    assert b.plan.elapsed == 0 and b.plan.done == 0 and b.plan.warning is None


def test_sprint_without_points() -> None:
    events = [
        created(at(18, 10), A, None, None),
        created(at(18, 10), B, None, None),
        ev(at(18, 11), A, "sprint_added", None, 1),
        ev(at(18, 11), B, "sprint_added", None, 1),
        moved(at(19, 15), A, "todo", "done"),
    ]
    bare = sprint(
        commitment=[
            {"key": A, "points": None, "estimate": None},
            {"key": B, "points": None, "estimate": None},
        ]
    )
    points = bd.burndown(bare, PROJECT, events, now=at(24, 12), by="points")
    assert points.committed == 0
    assert [d.remaining for d in points.days] == [0, 0, 0, 0, 0, 0, None]
    assert [d.ideal for d in points.days] == [0] * 7
    assert points.plan.done is None  # nothing to divide by
    by_cards = bd.burndown(bare, PROJECT, events, now=at(24, 12), by="cards")
    assert by_cards.committed == 2
    assert [d.remaining for d in by_cards.days] == [1, 1, 1, 1, 1, 1, None]  # 2 - A
    # Passed Thu, Fri, Mon; Mon ended at 1: burn (2 - 1) / 3 = 0.33; 1 / 0.33 = 3 work
    # days after Mon 23: Tue 24, Wed 25, Thu 26.
    assert by_cards.forecast == date(2026, 11, 26)


def test_closed_sprint() -> None:
    # Closed on Thu 26: A (open) was carried to the backlog after the end; that is not
    # drawn.  Every day is known, none is today.
    events = [*history(), ev(at(26, 9), A, "sprint_removed", 1, None)]
    b = bd.burndown(sprint("closed"), PROJECT, events, now=at(10, 12, month=12))
    assert [d.remaining for d in b.days] == [7, 13, 13, 13, 11, 3, 3]
    assert not any(d.today for d in b.days)
    assert b.days[-1].scope_removed == 0
    # A closed sprint has no forecast (its work is over), and says why.
    assert (b.forecast, b.forecast_reason) == (None, "the sprint is closed")
    assert b.plan.elapsed == 1.0


def test_a_sprint_closed_on_its_last_day_keeps_its_undone_work() -> None:
    # Closed on Wed 25 (the last day) at 17:00, A (open, 3 points) carried to the backlog
    # by the close: that is not scope removed, and A still remains at the end: 3, not 0.
    # A card taken out before the close, at 16:00, is scope removed as usual (C, done: 0).
    events = [
        *history(),
        ev(at(25, 16), C, "sprint_removed", 1, None),
        ev(at(25, 17), A, "sprint_removed", 1, None),
    ]
    closed = replace(sprint("closed"), closed_at=at(25, 17))
    b = bd.burndown(closed, PROJECT, events, now=at(10, 12, month=12))
    assert [d.remaining for d in b.days] == [7, 13, 13, 13, 11, 3, 3]
    assert b.days[-1].removed == [bd.CardAmount(C, 2)]
    # In scope at the close: A (3, open) and B (8 since its re-estimate, done); C left.
    assert (b.scope, b.scope_total, b.completed) == ([A, B], 11, 8)


def test_readding_a_committed_card_is_scope_added() -> None:
    # Committed C leaves on Fri and comes back on Mon: removed 2 on Fri, added 2 on Mon;
    # the plain commitment adds on Wed 18 were never scope change.
    events = [
        *history()[:8],
        ev(at(20, 9), C, "sprint_removed", 1, None),
        ev(at(23, 9), C, "sprint_added", None, 1),
    ]
    b = bd.burndown(sprint(), PROJECT, events, now=at(24, 12))
    assert [(d.scope_added, d.scope_removed) for d in b.days[:5]] == [
        (0, 0),
        (0, 2),
        (0, 0),
        (0, 0),
        (2, 0),
    ]
    assert [d.remaining for d in b.days[:5]] == [10, 8, 8, 8, 10]


def test_archived_cards_leave_the_scope() -> None:
    events = [*history()[:8], ev(at(19, 10), C, "archived", False, True)]
    b = bd.burndown(sprint(), PROJECT, events, now=at(24, 12))
    assert b.days[0].remaining == 8 and b.days[0].scope_removed == 2  # 10 - C2


def test_sprint_without_dates() -> None:
    undated = Sprint(id=1, project="PMO", name="S1", state="planned")
    b = bd.burndown(undated, PROJECT, history(), now=at(24, 12))
    assert b.days == [] and b.forecast_reason == bd.NO_DATES
    backwards = Sprint(1, "PMO", "S1", start=date(2026, 11, 25), end=date(2026, 11, 19))
    assert bd.burndown(backwards, PROJECT, [], now=at(24, 12)).forecast_reason == bd.BAD_DATES
    # Planned: committed is the scope as of now, A3 + B8 (re-estimated) + C2 = 13.
    assert b.committed == 13 and b.scope == [A, B, C]


# ---------------------------------------------------------------------------- plan
def test_plan_against_actual() -> None:
    entries = [
        # A: Thu 10:00-12:00, in the sprint: 120 min.
        {"id": 1, "card": A, "user": "alice", "start": iso(at(19, 10)), "end": iso(at(19, 12))},
        # B: Wed 18, before the sprint: not counted.
        {"id": 2, "card": B, "user": "bob", "start": iso(at(18, 14)), "end": iso(at(18, 15))},
        # D: out of scope by now: not counted.
        {"id": 3, "card": D, "user": "bob", "start": iso(at(20, 15)), "end": iso(at(20, 16))},
        # C: running since Tue 11:00, now 12:00: 60 min.
        {"id": 4, "card": C, "user": "carol", "start": iso(at(24, 11)), "end": None},
    ]
    b = bd.burndown(sprint(), PROJECT, history(), now=at(24, 12), entries=entries)
    p = b.plan
    assert p.elapsed == 3 / 5  # Thu, Fri, Mon of 5 work days
    # Scope now A3 + B8 + C2 = 13 points; 3 remain: done 10 / 13.
    assert p.done == pytest.approx(10 / 13)
    # 120 + 60 = 180 min logged of 120 + 240 + 60 = 420 estimated.
    assert (p.spent_minutes, p.estimate_minutes) == (180, 420)
    assert p.spent == pytest.approx(180 / 420)
    assert p.warning is None  # done (77%) is ahead of elapsed (60%)


def test_plan_warns_when_done_lags_elapsed() -> None:
    # Mon 23 at noon: Thu and Fri passed (2 / 5 = 40%); A is back out of done, so the
    # scope A3 + B8 + C2 + D3 = 16 has 0 done: 40% - 0% > 15%.
    b = bd.burndown(sprint(), PROJECT, history(), now=at(23, 12))
    assert b.plan.elapsed == 0.4 and b.plan.done == 0
    assert b.plan.warning == "behind plan: 0% of scope done with 40% of work days gone"
    lenient = bd.burndown(sprint(), PROJECT, history(), now=at(23, 12), margin=0.5)
    assert lenient.plan.warning is None


# ---------------------------------------------------------------------------- JSON
def test_to_json_has_spec_shape() -> None:
    doc = bd.to_json(bd.burndown(sprint(), PROJECT, history(), now=at(24, 12), by="hours"))
    assert list(doc)[:5] == ["sprint", "by", "committed", "days", "forecast"]
    # Passed Thu, Fri, Mon; Mon ended at 6 h: burn (7 - 6) / 3 = 0.33 h a day; 6 / 0.33 = 18
    # work days after Mon 23: Nov 24-27 (4), Nov 30-Dec 4 (9), Dec 7-11 (14), Dec 14-17 (18).
    assert doc["by"] == "hours" and doc["committed"] == 7 and doc["forecast"] == "2026-12-17"
    assert doc["sprint"]["id"] == 1 and doc["sprint"]["start"] == "2026-11-19"
    assert doc["days"][1] == {
        "date": "2026-11-20",
        "work_day": True,
        "remaining": 6.5,
        "ideal": 4.2,
        "scope_added": 1.5,
        "scope_removed": 0,
    }
    assert doc["days"][-1]["remaining"] is None
    assert isinstance(doc["days"][0]["scope_added"], int)
    assert doc["today"] == "2026-11-24" and doc["forecast_reason"] is None
    assert doc["changes"][0] == {
        "date": "2026-11-20",
        "added": [{"key": D, "amount": 1.5}],
        "removed": [],
        "reestimated": [],
        "reopened": [],
    }
    assert set(doc["plan"]) == {
        "elapsed",
        "done",
        "spent",
        "spent_minutes",
        "estimate_minutes",
        "warning",
    }


# ---------------------------------------------------------------------------- velocity
def closed(sid: int, end: date, points: int | None) -> Sprint:
    report = None if points is None else {"completed": {"points": points, "cards": []}}
    return Sprint(sid, "PMO", f"S{sid}", end=end, state="closed", report=report)


def test_velocity_of_the_last_three_closed_sprints() -> None:
    sprints = [
        closed(4, date(2026, 10, 30), 10),  # ids out of order: sorted by end date
        closed(1, date(2026, 9, 18), 8),
        closed(2, date(2026, 10, 2), 13),
        closed(3, date(2026, 10, 16), 5),
        Sprint(5, "PMO", "S5", start=date(2026, 11, 2), state="active"),
        Sprint(6, "PMO", "S6", state="planned"),
    ]
    v = bd.velocity(sprints)
    assert [r[2] for r in v.sprints] == [8, 13, 5, 10]
    assert v.mean_last_3 == 9.3  # (13 + 5 + 10) / 3 = 9.33
    before = bd.velocity(sprints, before=Sprint(3, "PMO", "S3", start=date(2026, 10, 5)))
    assert [r[0] for r in before.sprints] == [1, 2] and before.mean_last_3 == 10.5  # 21 / 2
    assert bd.velocity([]).mean_last_3 is None
    assert bd.velocity([closed(7, date(2026, 9, 1), None)]).sprints == [(7, "S7", 0)]
    bare = Sprint(8, "PMO", "S8", state="closed", report={"completed": 12})  # an older shape
    assert bd.velocity([bare]).sprints == [(8, "S8", 12)]


# ---------------------------------------------------------------------------- cycle time
def test_cycle_time_knows_a_move_made_this_second() -> None:
    # Times are to the second: a card done at 09:00 and moved back out at 10:00:00, asked
    # at 10:00:00 (the app recomputes right after a write or an undo), is not done, as
    # the burndown of the same moment says.
    active = Sprint(3, "PMO", "S3", start=date(2026, 11, 2), end=date(2026, 11, 20))
    events = [
        created(at(2, 8), A, 1, None),
        ev(at(2, 8), A, "sprint_added", None, 3),
        moved(at(3, 9), A, "todo", "doing"),
        moved(at(4, 9), A, "doing", "done"),
        moved(at(4, 10), A, "done", "doing"),
    ]
    assert bd.cycle_time(active, PROJECT, events, now=at(4, 9, 30)).cards == {A: 1.0}
    assert bd.cycle_time(active, PROJECT, events, now=at(4, 10)).cards == {}
    b = bd.burndown(active, PROJECT, events, now=at(4, 10), by="cards")
    assert b.remaining == 1


def test_cycle_time_median_and_p85() -> None:
    long = Sprint(2, "PMO", "S2", start=date(2026, 11, 2), end=date(2026, 11, 20), state="closed")
    t0 = at(3, 9)
    events: list[Doc] = []
    for n, days in enumerate([1, 2, 3, 4, 10], start=1):
        key = f"PMO-{n}"
        events += [created(at(2, 8), key, 1, None), ev(at(2, 8), key, "sprint_added", None, 2)]
        events.append(moved(t0, key, "todo", "doing"))
        if n == 3:  # done on day 2, reopened, done again on day 3: first start to last done
            events += [
                moved(at(5, 9), key, "doing", "done"),
                moved(at(5, 12), key, "done", "review"),
            ]
        events.append(moved(at(3 + days, 9), key, "review" if n == 3 else "doing", "done"))
    events += [
        # PMO-6 went straight from To Do to Done: its start is unknown, left out.
        created(at(2, 8), "PMO-6", 1, None),
        ev(at(2, 8), "PMO-6", "sprint_added", None, 2),
        moved(at(4, 9), "PMO-6", "todo", "done"),
        # PMO-7 started, never done; PMO-8 done in sprint 2 but then taken out.
        created(at(2, 8), "PMO-7", 1, None),
        ev(at(2, 8), "PMO-7", "sprint_added", None, 2),
        moved(at(4, 9), "PMO-7", "todo", "doing"),
        created(at(2, 8), "PMO-8", 1, None),
        ev(at(2, 8), "PMO-8", "sprint_added", None, 2),
        moved(at(4, 9), "PMO-8", "todo", "doing"),
        moved(at(5, 9), "PMO-8", "doing", "done"),
        ev(at(6, 9), "PMO-8", "sprint_removed", 2, None),
    ]
    ct = bd.cycle_time(long, PROJECT, events, now=at(10, 12, month=12))
    assert ct.cards == {"PMO-1": 1.0, "PMO-2": 2.0, "PMO-3": 3.0, "PMO-4": 4.0, "PMO-5": 10.0}
    # median of 1 2 3 4 10 = 3; p85 at rank (5 - 1) * 0.85 = 3.4: 4 + 0.4 * (10 - 4) = 6.4
    assert (ct.median, ct.p85) == (3.0, 6.4)
    # The card's `started` field, when earlier than the first event, wins (half a day).
    earlier = {"PMO-1": {"started": iso(at(2, 21))}}
    assert (
        bd.cycle_time(long, PROJECT, events, now=at(10, 12, month=12), cards=earlier).cards["PMO-1"]
        == 1.5
    )
    assert bd.cycle_time(long, PROJECT, [], now=at(10, 12, month=12)) == bd.CycleTime(
        {}, None, None
    )


# ---------------------------------------------------------------------------- use cases
def test_through_the_use_cases(tmp_path: Path) -> None:
    """The same story told through the use cases on a real file: the events they write
    replay to the numbers worked out above."""
    clock = [at(18, 10)]
    s = Session(JsonFileStorage(Store(tmp_path / "pmo.json")), "alice", clock=lambda: clock[0])
    cards.add_card(s, "A", points=3, estimate=120)
    cards.add_card(s, "B", points=5, estimate=240)
    cards.add_card(s, "C", points=2, estimate=60)
    sprints.new_sprint(s, "S1", start="2026-11-19", end="2026-11-25")
    sprints.add_to_sprint(s, "S1", [A, B, C])
    clock[0] = at(19, 8)
    sprints.start_sprint(s, "S1")
    clock[0] = at(19, 16)
    cards.move_card(s, A, "done")
    clock[0] = at(20, 11)
    cards.set_points(s, B, 8)
    clock[0] = at(20, 14)
    cards.add_card(s, "D", points=3, estimate=90, sprint="active")
    clock[0] = at(23, 10)
    cards.move_card(s, A, "review")
    clock[0] = at(23, 15)
    cards.move_card(s, C, "done")
    clock[0] = at(23, 16)
    sprints.remove_from_sprint(s, [D])
    clock[0] = at(24, 0, 30)
    cards.move_card(s, B, "done")
    clock[0] = at(24, 12)
    timers.log_time(s, C, start=at(24, 10), end=at(24, 11))
    active = s.active_sprint()
    assert active is not None and active.commitment == COMMITMENT
    b = bd.burndown_of(s, active)
    assert [d.remaining for d in b.days] == [7, 13, 13, 13, 11, 3, None]
    assert [(d.scope_added, d.scope_removed) for d in b.days][1::3] == [(6, 0), (0, 3)]
    assert b.days[1].reestimated == [bd.Reestimate(B, 5, 8)]
    assert b.days[4].reopened == [bd.CardAmount(A, 3)]
    assert (b.plan.spent_minutes, b.plan.estimate_minutes) == (60, 420)
    # Closed on Thu 26, A carried to the backlog: the sprint's days do not change.
    clock[0] = at(26, 9)
    sprints.close_sprint(s, "S1", carry_over="backlog")
    [done] = s.sprints()
    closed_b = bd.burndown_of(s, done, by="cards")
    assert [d.remaining for d in closed_b.days] == [2, 3, 3, 3, 2, 1, 1]
    assert bd.velocity(s.sprints()).mean_last_3 == 10  # completed B8 + C2


def test_a_lower_estimate_is_scope_removed() -> None:
    # B re-estimated 5 -> 2 on Mon: remaining 10 - 3 = 7, scope removed 3; by cards nothing.
    events = [
        *history()[:8],
        ev(at(23, 9), B, "estimated", {"points": 5, "estimate": 240}, {"points": 2}),
    ]
    b = bd.burndown(sprint(), PROJECT, events, now=at(24, 12))
    assert [d.remaining for d in b.days[3:6]] == [10, 7, 7]
    assert (b.days[4].scope_added, b.days[4].scope_removed) == (0, 3)
    assert b.days[4].reestimated == [bd.Reestimate(B, 5, 2)]
    hours = bd.burndown(sprint(), PROJECT, events, now=at(24, 12), by="hours")
    assert hours.days[4].reestimated == [] and hours.days[4].remaining == 7  # 240 min kept
