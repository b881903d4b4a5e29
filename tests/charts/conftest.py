"""A fixed sprint for the chart tests, replayed by the core from a hand-built history at a
fixed clock (zone UTC, passed explicitly: no dependence on the machine's TZ).

Sprint "S7" runs Mon 2026-11-16 .. Fri 2026-11-27: twelve days, ten work days, a weekend
(21, 22) in the middle.  Commitment: A 5, B 8, C 4, D 3 points = 20.
  Tue 17  A done                  -> 15
  Wed 18  E (3 points) added      -> 18, scope +3
  Thu 19  B done                  -> 10
  Mon 23  D taken out             ->  7, scope -3
  Tue 24  (today, noon) nothing   ->  7
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from typing import Any

import pytest

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from pmo_tui.core.model import DEFAULT_COLUMNS, Doc, Project, Sprint, iso
from pmo_tui.core.reports import burndown as bd

PROJECT = Project("PMO", "pmo", list(DEFAULT_COLUMNS))
COMMITMENT = [
    {"key": "PMO-1", "points": 5, "estimate": 120},
    {"key": "PMO-2", "points": 8, "estimate": 240},
    {"key": "PMO-3", "points": 4, "estimate": 60},
    {"key": "PMO-4", "points": 3, "estimate": 60},
]


def at(day: int, hh: int = 12) -> datetime:
    return datetime(2026, 11, day, hh, tzinfo=UTC)


def ev(when: datetime, card: str, kind: str, old: Any = None, new: Any = None) -> Doc:
    return {"ts": iso(when), "user": "al", "card": card, "type": kind, "from": old, "to": new}


def created(when: datetime, card: str, points: int | None) -> Doc:
    return ev(when, card, "created", None, {"status": "todo", "points": points, "estimate": 60})


def sprint(commitment: list[Doc] = COMMITMENT, state: str = "active") -> Sprint:
    return Sprint(
        id=7,
        project="PMO",
        name="S7",
        start=date(2026, 11, 16),
        end=date(2026, 11, 27),
        state=state,
        commitment=commitment,
    )


def history(points: bool = True) -> list[Doc]:
    pts = dict(zip(("PMO-1", "PMO-2", "PMO-3", "PMO-4", "PMO-5"), (5, 8, 4, 3, 3), strict=True))
    out = [created(at(13), k, p if points else None) for k, p in pts.items()]
    out += [ev(at(13, 13), k, "sprint_added", None, 7) for k in list(pts)[:4]]
    out += [
        ev(at(17), "PMO-1", "moved", "todo", "done"),
        ev(at(18), "PMO-5", "sprint_added", None, 7),
        ev(at(19), "PMO-2", "moved", "todo", "done"),
        ev(at(23), "PMO-4", "sprint_removed", 7, None),
    ]
    return out


def make(now: datetime | None = None, **kw: Any) -> bd.Burndown:
    points = kw.pop("points", True)
    s = kw.pop("sprint", None) or sprint()
    return bd.burndown(s, PROJECT, history(points), now=now or at(24), tz="UTC", **kw)


@pytest.fixture
def b() -> bd.Burndown:
    return make()
