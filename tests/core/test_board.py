"""Tests for pmo_tui.core.board: every use case, its events, and its undo/redo patches."""

from __future__ import annotations

import copy
import os
import random
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from pmo_tui.core.board import Board, long_running
from pmo_tui.core.change import Change
from pmo_tui.core.errors import NothingToDo, UseCaseError
from pmo_tui.core.model import CARD_FIELDS, TimeEntry, iso
from pmo_tui.core.storage.jsonfile.store import Store

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # a Friday, safely in the past


class Clock:
    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@pytest.fixture(autouse=True)
def utc() -> Iterator[None]:
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old
        time.tzset()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "pmo.json")


@pytest.fixture
def b(store: Store, clock: Clock) -> Board:
    return Board(store, "alice", clock=clock)


@pytest.fixture
def bob(store: Store, clock: Clock) -> Board:
    return Board(store, "bob", clock=clock)


def at(hours: float = 0, minutes: float = 0) -> datetime:
    """NOW shifted by the given hours/minutes (negative: earlier)."""
    return NOW + timedelta(hours=hours, minutes=minutes)


def add_sprint(store: Store, sid: int = 1, state: str = "active") -> None:
    with store.transaction():
        store.insert(
            "sprints",
            {
                "id": sid,
                "project": "PMO",
                "name": f"Sprint {sid}",
                "goal": "",
                "start": "2026-11-16",
                "end": "2026-11-27",
                "state": state,
                "capacity": None,
                "commitment": [],
                "closed_at": None,
                "report": None,
            },
        )


def doc(b: Board, key: str) -> dict[str, Any]:
    d = b.store.card(key)
    assert d is not None
    return dict(d)


def fields(b: Board, key: str) -> dict[str, Any]:
    """A card document minus 'updated' (undo stamps 'updated' with the time of the undo)."""
    return {k: v for k, v in doc(b, key).items() if k != "updated"}


def column(b: Board, status: str) -> list[str]:
    return [d["key"] for d in b.card_docs() if d["status"] == status]


def snapshot(b: Board) -> tuple[dict[str, Any], dict[str, Any]]:
    data = b.store.read()
    cards = {
        d["key"]: {k: v for k, v in d.items() if k != "updated"} for d in data["cards"].values()
    }
    entries = {str(d["id"]): dict(d) for d in data["time_entries"].values()}
    return copy.deepcopy(cards), copy.deepcopy(entries)


def events(b: Board) -> list[dict[str, Any]]:
    rows = b.store.read()["events"]
    return [dict(rows[k]) for k in sorted(rows, key=int)]


def new_events(b: Board, action: Callable[[], Any]) -> list[dict[str, Any]]:
    n = len(events(b))
    action()
    return events(b)[n:]


def ev(e: dict[str, Any]) -> tuple[Any, ...]:
    return (e["card"], e["type"], e["from"], e["to"])


def running(b: Board, user: str) -> list[dict[str, Any]]:
    return [
        d
        for d in b.store.read()["time_entries"].values()
        if d.get("user") == user and d.get("end") is None
    ]


def roundtrip(b: Board, action: Callable[[], Change], *, creates: bool = False) -> Change:
    """Run a use case, undo it, redo it; check the data at each step."""
    before = snapshot(b)
    change = action()
    after = snapshot(b)
    assert after != before, "the use case changed nothing"
    b.apply(change.inverse())
    undone = snapshot(b)
    if creates:
        assert change.key is not None
        assert undone[0][change.key]["archived"] is True  # undo of a creation archives
        del undone[0][change.key]
    assert undone == before
    b.apply(change)
    assert snapshot(b) == after
    return change


# =================================================================== add_card
def test_add_card_defaults(b: Board) -> None:
    change = b.add_card("  First card  ")
    assert change.key == "PMO-1"
    assert "PMO-1" in change.label
    d = doc(b, "PMO-1")
    assert set(d) == set(CARD_FIELDS)
    assert d == {
        "key": "PMO-1",
        "project": "PMO",
        "title": "First card",
        "description": "",
        "status": "todo",
        "rank": 1.0,
        "points": None,
        "estimate": None,
        "tags": [],
        "assignee": None,
        "priority": "none",
        "sprint": None,
        "due": None,
        "created": iso(NOW),
        "updated": iso(NOW),
        "started": None,
        "done": None,
        "archived": False,
    }
    assert [ev(e) for e in events(b)] == [
        ("PMO-1", "created", None, {"status": "todo", "points": None, "estimate": None})
    ]
    e = events(b)[0]
    assert e["user"] == "alice" and e["ts"] == iso(NOW)
    assert b.project().next_number == 2


def test_add_card_with_all_options(b: Board, store: Store) -> None:
    add_sprint(store)
    change = b.add_card(
        "Everything",
        status="in progress",
        points=5,
        estimate="1h30m",
        tags=["#Backend", "ui", "backend"],
        assignee="bob",
        priority="HIGH",
        due="2026-12-01",
        sprint="active",
        description="line 1\nline 2\twith tab\r\n",
    )
    d = doc(b, change.key or "")
    assert d["status"] == "doing"
    assert d["started"] == iso(NOW)
    assert d["done"] is None
    assert d["points"] == 5
    assert d["estimate"] == 90
    assert d["tags"] == ["backend", "ui"]
    assert d["assignee"] == "bob"
    assert d["priority"] == "high"
    assert d["due"] == "2026-12-01"
    assert d["sprint"] == 1
    assert d["description"] == "line 1\nline 2\twith tab"
    assert [ev(e) for e in events(b)] == [
        ("PMO-1", "created", None, {"status": "doing", "points": 5, "estimate": 90}),
        ("PMO-1", "sprint_added", None, 1),
    ]


def test_add_card_other_value_forms(b: Board, store: Store) -> None:
    add_sprint(store)
    k1 = b.add_card("a", estimate=45, due=date(2027, 1, 2), priority="med", sprint=1).key
    assert fields(b, k1 or "")["estimate"] == 45
    assert fields(b, k1 or "")["due"] == "2027-01-02"
    assert fields(b, k1 or "")["priority"] == "medium"
    assert fields(b, k1 or "")["sprint"] == 1
    k2 = b.add_card("b", estimate="2d", points="8", sprint="Sprint 1").key
    assert fields(b, k2 or "")["estimate"] == 2 * 8 * 60
    assert fields(b, k2 or "")["points"] == 8
    b6 = Board(store, "alice", clock=lambda: NOW, hours_per_day=6)
    k3 = b6.add_card("c", estimate="1d").key
    assert fields(b, k3 or "")["estimate"] == 360
    k4 = b.add_card("d", status="DONE").key
    assert fields(b, k4 or "")["done"] == iso(NOW)
    assert fields(b, k4 or "")["started"] is None


@pytest.mark.parametrize(
    "kwargs",
    [
        {"title": ""},
        {"title": "   "},
        {"title": "bad\x1b[31m"},
        {"title": "new\nline"},
        {"title": "x" * 1001},
        {"points": -1},
        {"points": 1000},
        {"points": "abc"},
        {"points": 2.5},
        {"estimate": "soon"},
        {"tags": ["two words"]},
        {"tags": [""]},
        {"tags": ["a,b"]},
        {"priority": "bogus"},
        {"due": "someday"},
        {"status": "nowhere"},
        {"sprint": "9"},
        {"sprint": "active"},
        {"description": "bell\x07"},
        {"assignee": "nul\x00"},
    ],
)
def test_add_card_refuses_bad_input(b: Board, store: Store, kwargs: dict[str, Any]) -> None:
    kwargs = {"title": "ok", **kwargs}
    title = kwargs.pop("title")
    with pytest.raises(UseCaseError):
        b.add_card(title, **kwargs)
    assert not store.path.exists()  # nothing written, not even the new file
    assert store.read()["cards"] == {}


def test_add_card_refusal_leaves_file_unchanged(b: Board, store: Store) -> None:
    b.add_card("one")
    raw = store.path.read_bytes()
    with pytest.raises(UseCaseError):
        b.add_card("two", status="nope")
    assert store.path.read_bytes() == raw
    assert b.add_card("two").key == "PMO-2"


def test_add_card_refuses_negative_estimate(b: Board) -> None:
    with pytest.raises(UseCaseError):
        b.add_card("x", estimate=-5)


def test_add_card_refuses_bool_points(b: Board) -> None:
    with pytest.raises(UseCaseError):
        b.add_card("x", points=True)


def test_card_numbers_never_reused(b: Board) -> None:
    for t in "abc":
        b.add_card(t)
    b.archive("PMO-3")
    assert b.add_card("d").key == "PMO-4"
    b.apply(b.add_card("e").inverse())  # undo: archived, number kept
    assert b.add_card("f").key == "PMO-6"


def test_add_card_skips_taken_numbers(b: Board, store: Store) -> None:
    b.add_card("a")
    b.add_card("b")
    with store.transaction():
        pid = next(iter(store.read()["projects"]))
        store.update("projects", pid, {"next_number": 1})  # hand-edited
    assert b.add_card("c").key == "PMO-3"
    assert b.project().next_number == 4


def test_add_card_ranks_and_after(b: Board) -> None:
    for t in "abc":
        b.add_card(t)
    assert [d["rank"] for d in b.card_docs()] == [1.0, 2.0, 3.0]
    b.add_card("after a", after="PMO-1")
    assert [d["title"] for d in b.card_docs()] == ["a", "after a", "b", "c"]
    b.add_card("after c", after="PMO-3")
    assert [d["title"] for d in b.card_docs()][-1] == "after c"


def test_add_card_wip_note(b: Board) -> None:
    for i in range(3):
        assert b.add_card(f"c{i}", status="doing").notes == []
    change = b.add_card("over", status="doing")
    assert any("WIP" in n and "In Progress" in n for n in change.notes)
    assert fields(b, "PMO-4")["status"] == "doing"  # warned, not refused


def test_add_card_undo_archives_and_redo_restores(b: Board, store: Store) -> None:
    add_sprint(store)
    change = roundtrip(
        b,
        lambda: b.add_card("new", status="review", points=3, tags=["x"], sprint="active"),
        creates=True,
    )
    assert fields(b, change.key or "")["archived"] is False
    b.apply(change.inverse())
    assert change.key not in [d["key"] for d in b.card_docs()]
    assert change.key in [d["key"] for d in b.card_docs(archived=True)]
    b.apply(change)
    assert change.key in [d["key"] for d in b.card_docs()]


def test_add_card_undo_redo_events(b: Board) -> None:
    change = b.add_card("a")
    assert [ev(e) for e in new_events(b, lambda: b.apply(change.inverse()))] == [
        ("PMO-1", "archived", False, True)
    ]
    assert [ev(e) for e in new_events(b, lambda: b.apply(change))] == [
        ("PMO-1", "restored", True, False)
    ]


# =================================================================== edit_card
def test_edit_card_every_field(b: Board, store: Store) -> None:
    add_sprint(store)
    b.add_card("a")
    b.edit_card(
        "1",
        title="renamed",
        description="desc",
        points=8,
        estimate="2h",
        tags=["x", "Y"],
        assignee="carol",
        priority="urgent",
        due="2026-12-24",
        status="review",
        sprint="active",
    )
    f = fields(b, "PMO-1")
    assert f["title"] == "renamed"
    assert f["description"] == "desc"
    assert f["points"] == 8
    assert f["estimate"] == 120
    assert f["tags"] == ["x", "y"]
    assert f["assignee"] == "carol"
    assert f["priority"] == "urgent"
    assert f["due"] == "2026-12-24"
    assert f["status"] == "review"
    assert f["started"] == iso(NOW)
    assert f["sprint"] == 1


def test_edit_card_events(b: Board, store: Store, clock: Clock) -> None:
    add_sprint(store)
    b.add_card("a", points=2)
    clock.advance(minutes=5)
    got = new_events(
        b,
        lambda: b.edit_card(
            "PMO-1", title="b", points=5, status="doing", sprint="active", priority="low"
        ),
    )
    types = [e["type"] for e in got]
    assert sorted(types) == ["edited", "estimated", "moved", "sprint_added"]
    by = {e["type"]: e for e in got}
    assert (by["moved"]["from"], by["moved"]["to"]) == ("todo", "doing")
    assert by["edited"]["from"] == {"title": "a", "priority": "none"}
    assert by["edited"]["to"] == {"title": "b", "priority": "low"}
    assert by["estimated"]["from"] == {"points": 2, "estimate": None}
    assert by["estimated"]["to"] == {"points": 5, "estimate": None}
    assert (by["sprint_added"]["from"], by["sprint_added"]["to"]) == (None, 1)
    assert all(e["ts"] == iso(NOW + timedelta(minutes=5)) for e in got)
    assert fields(b, "PMO-1")["created"] == iso(NOW)
    assert doc(b, "PMO-1")["updated"] == iso(NOW + timedelta(minutes=5))


def test_edit_card_clear(b: Board, store: Store) -> None:
    add_sprint(store)
    b.add_card(
        "a",
        points=3,
        estimate=60,
        assignee="bob",
        due="2026-12-01",
        sprint="active",
        description="d",
    )
    clear = {"points", "estimate", "assignee", "due", "sprint", "description"}
    got = new_events(b, lambda: roundtrip(b, lambda: b.edit_card("PMO-1", clear=clear)))
    f = fields(b, "PMO-1")
    assert (f["points"], f["estimate"], f["assignee"], f["due"], f["sprint"]) == (None,) * 5
    assert f["description"] == ""
    assert ("PMO-1", "sprint_removed", 1, None) in [ev(e) for e in got]


@pytest.mark.parametrize("name", ["title", "status", "tags", "priority", "bogus"])
def test_edit_card_cannot_clear(b: Board, name: str) -> None:
    b.add_card("a")
    with pytest.raises(UseCaseError):
        b.edit_card("PMO-1", clear={name})


def test_edit_card_refuses_bad_values(b: Board) -> None:
    b.add_card("a")
    raw = b.store.path.read_bytes()
    for kwargs in (
        {"title": ""},
        {"points": 1000},
        {"status": "nope"},
        {"sprint": "active"},
        {"due": "never"},
    ):
        with pytest.raises(UseCaseError):
            b.edit_card("PMO-1", **kwargs)
    with pytest.raises(UseCaseError):
        b.edit_card("PMO-9", title="x")
    with pytest.raises(UseCaseError):
        b.edit_card("not a key", title="x")
    assert b.store.path.read_bytes() == raw


def test_edit_card_unchanged_value_is_no_op(b: Board) -> None:
    b.add_card("a", points=3)
    got = new_events(b, lambda: b.edit_card("PMO-1", title="a", points=3))
    assert got == []


def test_edit_card_undo_redo(b: Board, store: Store) -> None:
    add_sprint(store)
    b.add_card("a")
    roundtrip(
        b,
        lambda: b.edit_card(
            "PMO-1",
            title="T",
            description="d",
            points=8,
            estimate=60,
            tags=["a"],
            assignee="bob",
            priority="high",
            due=date(2026, 12, 1),
            status="review",
            sprint="active",
        ),
    )


# =================================================================== move
@pytest.mark.parametrize("target", ["doing", "In Progress", "in progress", "DOING", " doing "])
def test_move_card_by_id_or_name(b: Board, target: str) -> None:
    b.add_card("a")
    got = new_events(b, lambda: b.move_card("pmo-1", target))
    assert [ev(e) for e in got] == [("PMO-1", "moved", "todo", "doing")]
    assert fields(b, "PMO-1")["status"] == "doing"


def test_move_card_started_and_done_times(b: Board, clock: Clock) -> None:
    b.add_card("a")
    clock.advance(hours=1)
    b.move_card("PMO-1", "doing")
    assert fields(b, "PMO-1")["started"] == iso(at(1))
    clock.advance(hours=1)
    b.move_card("PMO-1", "review")
    assert fields(b, "PMO-1")["started"] == iso(at(1))  # first entry only
    clock.advance(hours=1)
    b.move_card("PMO-1", "done")
    assert fields(b, "PMO-1")["done"] == iso(at(3))
    clock.advance(hours=1)
    b.move_card("PMO-1", "todo")
    f = fields(b, "PMO-1")
    assert f["done"] is None  # cleared when it leaves
    assert f["started"] == iso(at(1))


def test_move_card_same_column_is_no_op(b: Board) -> None:
    b.add_card("a")
    change = b.move_card("PMO-1", "To Do")
    assert change.patches == []
    assert any("already" in n for n in change.notes)
    assert [e["type"] for e in events(b)] == ["created"]


def test_move_card_unknown_column_or_card(b: Board) -> None:
    b.add_card("a")
    with pytest.raises(UseCaseError, match="nowhere"):
        b.move_card("PMO-1", "nowhere")
    with pytest.raises(UseCaseError):
        b.move_card("PMO-7", "doing")


def test_move_card_wip_warns(b: Board) -> None:
    for i in range(4):
        b.add_card(f"c{i}")
    for i in range(1, 4):
        assert b.move_card(f"PMO-{i}", "doing").notes == []
    change = b.move_card("PMO-4", "doing")
    assert any("WIP" in n for n in change.notes)
    assert fields(b, "PMO-4")["status"] == "doing"


def test_move_card_by(b: Board) -> None:
    b.add_card("a")
    assert b.move_card_by("PMO-1", -1).patches == []  # first column: nowhere to go
    for expected in ("doing", "review", "done"):
        b.move_card_by("PMO-1", 1)
        assert fields(b, "PMO-1")["status"] == expected
    assert b.move_card_by("PMO-1", 1).patches == []  # last column
    b.move_card_by("PMO-1", -1)
    assert fields(b, "PMO-1")["status"] == "review"
    assert [(e["from"], e["to"]) for e in events(b) if e["type"] == "moved"] == [
        ("todo", "doing"),
        ("doing", "review"),
        ("review", "done"),
        ("done", "review"),
    ]


@pytest.mark.parametrize(("start", "target"), [("todo", "doing"), ("review", "done")])
def test_move_undo_redo(b: Board, start: str, target: str) -> None:
    b.add_card("a", status=start)
    roundtrip(b, lambda: b.move_card("PMO-1", target))
    roundtrip(b, lambda: b.move_card_by("PMO-1", -1))


def test_move_undo_events(b: Board) -> None:
    b.add_card("a")
    change = b.move_card("PMO-1", "done")
    assert [ev(e) for e in new_events(b, lambda: b.apply(change.inverse()))] == [
        ("PMO-1", "moved", "done", "todo")
    ]
    assert [ev(e) for e in new_events(b, lambda: b.apply(change))] == [
        ("PMO-1", "moved", "todo", "done")
    ]


# =================================================================== reorder
def test_reorder_within_column(b: Board) -> None:
    for t in "abcd":
        b.add_card(t)
    b.add_card("other", status="doing")
    assert column(b, "todo") == ["PMO-1", "PMO-2", "PMO-3", "PMO-4"]
    assert b.reorder("PMO-1", -1).patches == []  # already first
    assert b.reorder("PMO-4", 1).patches == []  # already last
    b.reorder("PMO-1", 1)
    assert column(b, "todo") == ["PMO-2", "PMO-1", "PMO-3", "PMO-4"]
    b.reorder("PMO-4", -1)
    assert column(b, "todo") == ["PMO-2", "PMO-1", "PMO-4", "PMO-3"]
    b.reorder("PMO-3", 1)  # last stays last
    b.reorder("PMO-2", -1)  # first stays first
    assert column(b, "todo") == ["PMO-2", "PMO-1", "PMO-4", "PMO-3"]
    for _ in range(3):
        b.reorder("PMO-3", -1)
    assert column(b, "todo") == ["PMO-3", "PMO-2", "PMO-1", "PMO-4"]
    assert column(b, "doing") == ["PMO-5"]
    assert not [e for e in events(b) if e["type"] not in ("created",)]


def test_reorder_skips_archived_and_other_columns(b: Board) -> None:
    b.add_card("a")
    b.add_card("x", status="doing")
    b.add_card("b")
    b.add_card("c")
    b.archive("PMO-3")
    b.reorder("PMO-4", -1)
    assert column(b, "todo") == ["PMO-4", "PMO-1"]


def test_reorder_respreads_when_ranks_get_too_close(b: Board) -> None:
    for t in "abcd":
        b.add_card(t)
    b.add_card("elsewhere", status="doing")
    start = snapshot(b)
    order = column(b, "todo")
    changes = []
    spread = False
    for _ in range(60):  # always move the last card up: the gap halves each time
        key = order[3]
        changes.append(b.reorder(key, -1))
        spread = spread or len(changes[-1].patches) > 1
        order[2], order[3] = order[3], order[2]
        assert column(b, "todo") == order
        ranks = [d["rank"] for d in b.card_docs() if d["status"] == "todo"]
        assert ranks == sorted(ranks) and len(set(ranks)) == 4
    assert spread, "the ranks were never spread out"
    assert fields(b, "PMO-5")["rank"] == 5.0
    for change in reversed(changes):
        b.apply(change.inverse())
    assert snapshot(b) == start
    for change in changes:
        b.apply(change)
    assert column(b, "todo") == order


def test_reorder_back_and_forth(b: Board) -> None:
    for t in "abcde":
        b.add_card(t)
    order = column(b, "todo")
    rng = random.Random(7)
    for _ in range(60):
        i = rng.choice([1, 2, 3])
        step = rng.choice([-1, 1])
        key = order[i]
        b.reorder(key, step)
        order[i], order[i + step] = order[i + step], order[i]
        assert column(b, "todo") == order


def test_reorder_in_list(b: Board) -> None:
    b.add_card("a")
    b.add_card("b", status="doing")
    b.add_card("c", status="review")
    keys = ["PMO-1", "PMO-2", "PMO-3"]
    b.reorder_in("PMO-3", keys, -1)
    assert [d["key"] for d in b.card_docs()] == ["PMO-1", "PMO-3", "PMO-2"]
    assert b.reorder_in("PMO-1", keys, -1).patches == []


def test_reorder_undo_redo(b: Board) -> None:
    for t in "abc":
        b.add_card(t)
    roundtrip(b, lambda: b.reorder("PMO-3", -1))
    roundtrip(b, lambda: b.reorder("PMO-1", 1))


# =================================================================== archive / restore
def test_archive_and_restore(b: Board, clock: Clock) -> None:
    b.add_card("a")
    b.add_card("b")
    got = new_events(b, lambda: b.archive("PMO-1"))
    assert [ev(e) for e in got] == [("PMO-1", "archived", False, True)]
    assert [d["key"] for d in b.card_docs()] == ["PMO-2"]
    assert fields(b, "PMO-1")["archived"] is True
    with pytest.raises(UseCaseError, match="already archived"):
        b.archive("PMO-1")
    with pytest.raises(UseCaseError, match="not archived"):
        b.restore("PMO-2")
    got = new_events(b, lambda: b.restore("PMO-1"))
    assert [ev(e) for e in got] == [("PMO-1", "restored", True, False)]
    assert [d["key"] for d in b.card_docs()] == ["PMO-1", "PMO-2"]


def test_archive_stops_timers(b: Board, bob: Board, clock: Clock) -> None:
    b.add_card("a")
    b.start_timer("PMO-1")
    bob.start_timer("PMO-1")
    clock.advance(minutes=30)
    change = b.archive("PMO-1")
    assert running(b, "alice") == [] and running(b, "bob") == []
    assert len(change.notes) == 2
    with pytest.raises(UseCaseError, match="archived"):
        b.start_timer("PMO-1")


def test_archive_restore_undo_redo(b: Board, bob: Board, clock: Clock) -> None:
    b.add_card("a")
    b.add_card("b")
    bob.start_timer("PMO-1")
    clock.advance(minutes=10)
    roundtrip(b, lambda: b.archive("PMO-1"))
    roundtrip(b, lambda: b.archive("PMO-2"))
    roundtrip(b, lambda: b.restore("PMO-2"))


# =================================================================== assign / points / sprint
def test_toggle_assign(b: Board) -> None:
    b.add_card("a", assignee="bob")
    change = b.toggle_assign("PMO-1")
    assert fields(b, "PMO-1")["assignee"] == "alice"
    assert "alice" in change.label
    change = b.toggle_assign("PMO-1")
    assert fields(b, "PMO-1")["assignee"] is None
    assert "unassign" in change.label
    assert [(e["from"], e["to"]) for e in events(b) if e["type"] == "edited"] == [
        ({"assignee": "bob"}, {"assignee": "alice"}),
        ({"assignee": "alice"}, {"assignee": None}),
    ]
    roundtrip(b, lambda: b.toggle_assign("PMO-1"))
    roundtrip(b, lambda: b.toggle_assign("PMO-1"))


def test_set_points(b: Board) -> None:
    b.add_card("a", estimate=30)
    got = new_events(b, lambda: b.set_points("PMO-1", 5))
    assert [ev(e) for e in got] == [
        ("PMO-1", "estimated", {"points": None, "estimate": 30}, {"points": 5, "estimate": 30})
    ]
    got = new_events(b, lambda: b.set_points("PMO-1", None))
    assert [ev(e) for e in got] == [
        ("PMO-1", "estimated", {"points": 5, "estimate": 30}, {"points": None, "estimate": 30})
    ]
    with pytest.raises(UseCaseError):
        b.set_points("PMO-1", 5000)
    roundtrip(b, lambda: b.set_points("PMO-1", 13))
    roundtrip(b, lambda: b.set_points("PMO-1", None))


def test_toggle_sprint(b: Board, store: Store) -> None:
    b.add_card("a")
    with pytest.raises(UseCaseError, match="no active sprint"):
        b.toggle_sprint("PMO-1")
    add_sprint(store, 1, "closed")
    add_sprint(store, 2, "active")
    got = new_events(b, lambda: b.toggle_sprint("PMO-1"))
    assert [ev(e) for e in got] == [("PMO-1", "sprint_added", None, 2)]
    assert fields(b, "PMO-1")["sprint"] == 2
    got = new_events(b, lambda: b.toggle_sprint("PMO-1"))
    assert [ev(e) for e in got] == [("PMO-1", "sprint_removed", 2, None)]
    assert fields(b, "PMO-1")["sprint"] is None
    roundtrip(b, lambda: b.toggle_sprint("PMO-1"))
    roundtrip(b, lambda: b.toggle_sprint("PMO-1"))


def test_sprint_move_between_sprints_events(b: Board, store: Store) -> None:
    add_sprint(store, 1, "active")
    add_sprint(store, 2, "planned")
    b.add_card("a", sprint="1")
    got = new_events(b, lambda: b.edit_card("PMO-1", sprint="2"))
    assert [ev(e) for e in got] == [
        ("PMO-1", "sprint_removed", 1, None),
        ("PMO-1", "sprint_added", None, 2),
    ]


# =================================================================== timers
@pytest.fixture
def cards(b: Board) -> Board:
    for t in ("one", "two", "three"):
        b.add_card(t)
    return b


def test_start_and_stop_timer(cards: Board, clock: Clock) -> None:
    b = cards
    change = b.start_timer("PMO-1", note="first")
    [entry] = running(b, "alice")
    assert entry["card"] == "PMO-1"
    assert entry["start"] == iso(NOW)
    assert entry["note"] == "first"
    assert entry["end"] is None
    assert change.key == "PMO-1"
    assert b.running() is not None and b.running().card == "PMO-1"  # type: ignore[union-attr]
    clock.advance(minutes=42)
    change = b.stop_timer(note="done")
    assert running(b, "alice") == []
    [e] = b.entries()
    assert e.minutes() == 42 and e.note == "done"
    assert any("0:42" in n for n in change.notes)
    assert b.spent() == {"PMO-1": 42}


def test_one_running_entry_per_user(cards: Board, bob: Board, clock: Clock) -> None:
    b = cards
    b.start_timer("PMO-1", at=at(-2))
    bob.start_timer("PMO-1")
    change = b.start_timer("PMO-2")
    [mine] = running(b, "alice")
    assert mine["card"] == "PMO-2"
    assert len(running(b, "bob")) == 1  # other users are not touched
    assert any("stopped" in n and "PMO-1" in n and "2:00" in n for n in change.notes)
    first = next(e for e in b.entries(user="alice") if e.card == "PMO-1")
    assert first.end == NOW
    with pytest.raises(UseCaseError, match="already running"):
        b.start_timer("PMO-2")


def test_start_at_refusals(cards: Board) -> None:
    b = cards
    with pytest.raises(UseCaseError, match="future"):
        b.start_timer("PMO-1", at=at(minutes=5))
    b.log_time("PMO-1", start=at(-3), end=at(-1))
    raw = b.store.path.read_bytes()
    with pytest.raises(UseCaseError, match="inside"):
        b.start_timer("PMO-2", at=at(-2))
    with pytest.raises(UseCaseError, match="would overlap your entry on PMO-1"):
        b.start_timer("PMO-2", at=at(-4))  # would run across the earlier entry
    assert b.store.path.read_bytes() == raw
    b.start_timer("PMO-2", at=at(-1))  # right at the end of the earlier one is fine
    with pytest.raises(UseCaseError, match="before"):
        b.start_timer("PMO-3", at=at(-1.5))  # before the running one began
    assert [e["card"] for e in running(b, "alice")] == ["PMO-2"]


def test_other_users_entries_do_not_block(cards: Board, bob: Board) -> None:
    bob.log_time("PMO-1", start=at(-3), end=at(-1))
    cards.start_timer("PMO-1", at=at(-2))
    assert len(running(cards, "alice")) == 1


def test_start_timer_unknown_or_archived_card(cards: Board) -> None:
    with pytest.raises(UseCaseError):
        cards.start_timer("PMO-99")
    cards.archive("PMO-3")
    with pytest.raises(UseCaseError):
        cards.start_timer("PMO-3")


def test_stop_rules(cards: Board, clock: Clock) -> None:
    b = cards
    with pytest.raises(NothingToDo):
        b.stop_timer()
    with pytest.raises(NothingToDo):
        b.cancel_timer()
    b.start_timer("PMO-1", at=at(-1))
    with pytest.raises(UseCaseError, match="future"):
        b.stop_timer(at=at(minutes=10))
    with pytest.raises(UseCaseError, match="before"):
        b.stop_timer(at=at(-2))
    b.stop_timer(at=at(minutes=-15))
    [e] = b.entries()
    assert e.minutes() == 45
    with pytest.raises(NothingToDo):
        b.stop_timer()


def test_stop_only_my_timer(cards: Board, bob: Board) -> None:
    bob.start_timer("PMO-1")
    with pytest.raises(NothingToDo):
        cards.stop_timer()
    assert len(running(cards, "bob")) == 1


def test_cancel_timer(cards: Board) -> None:
    b = cards
    b.start_timer("PMO-2")
    change = b.cancel_timer()
    assert b.entries() == []
    assert change.key == "PMO-2"


def test_toggle_timer(cards: Board, clock: Clock) -> None:
    b = cards
    b.toggle_timer("PMO-1")
    assert [e["card"] for e in running(b, "alice")] == ["PMO-1"]
    clock.advance(minutes=5)
    b.toggle_timer("PMO-2")  # another card: switch
    assert [e["card"] for e in running(b, "alice")] == ["PMO-2"]
    clock.advance(minutes=5)
    b.toggle_timer("2")  # same card: stop
    assert running(b, "alice") == []
    assert [(e.card, e.minutes()) for e in b.entries()] == [("PMO-1", 5), ("PMO-2", 5)]


def test_move_to_done_stops_everyones_timers(cards: Board, bob: Board, clock: Clock) -> None:
    b = cards
    b.start_timer("PMO-1")
    bob.start_timer("PMO-1")
    bob_other = Board(b.store, "carol", clock=clock)
    bob_other.start_timer("PMO-2")
    clock.advance(minutes=20)
    change = b.move_card("PMO-1", "doing")
    assert len(running(b, "alice")) == 1  # not a done column
    change = b.move_card("PMO-1", "done")
    assert running(b, "alice") == [] and running(b, "bob") == []
    assert len(running(b, "carol")) == 1
    assert len([n for n in change.notes if "stopped" in n]) == 2
    assert all(e.end == at(minutes=20) for e in b.entries(card="PMO-1"))
    # undo: both timers run again, card back in progress
    b.apply(change.inverse())
    assert len(running(b, "alice")) == 1 and len(running(b, "bob")) == 1
    assert fields(b, "PMO-1")["status"] == "doing"


@pytest.mark.parametrize("how", ["edit", "move_by"])
def test_other_moves_to_done_stop_timers(cards: Board, bob: Board, how: str) -> None:
    cards.move_card("PMO-1", "review")
    bob.start_timer("PMO-1")
    if how == "edit":
        cards.edit_card("PMO-1", status="done")
    else:
        cards.move_card_by("PMO-1", 1)
    assert running(cards, "bob") == []


def test_log_time_placement(cards: Board) -> None:
    b = cards
    yesterday = date(2026, 11, 19)
    b.log_time("PMO-1", 30, on=yesterday)
    b.log_time("PMO-2", 90, on=yesterday, note="second")
    entries = b.entries()
    assert [(e.start, e.end) for e in entries] == [
        (datetime(2026, 11, 19, 9, 0, tzinfo=UTC), datetime(2026, 11, 19, 9, 30, tzinfo=UTC)),
        (datetime(2026, 11, 19, 9, 30, tzinfo=UTC), datetime(2026, 11, 19, 11, 0, tzinfo=UTC)),
    ]
    assert entries[1].note == "second"
    # today (NOW is 10:00): 45 minutes fit from 09:00
    b.log_time("PMO-1", 45, on=NOW.date())
    assert b.entries()[-1].start == at(-1) and b.entries()[-1].end == at(minutes=-15)
    # no room left before now: refused as an overlap
    with pytest.raises(UseCaseError, match="inside"):
        b.log_time("PMO-1", 60, on=NOW.date())


def test_log_time_ends_now_when_only_room(cards: Board) -> None:
    b = cards
    b.log_time("PMO-1", 120, on=NOW.date())  # 09:00 + 2h > now: placed to end now
    [e] = b.entries()
    assert (e.start, e.end) == (at(-2), NOW)


def test_log_time_from_to(cards: Board) -> None:
    b = cards
    change = b.log_time("PMO-3", start=at(-5), end=at(-4), note="meeting")
    [e] = b.entries()
    assert (e.card, e.start, e.end, e.note, e.user) == ("PMO-3", at(-5), at(-4), "meeting", "alice")
    assert change.key == "PMO-3"
    with pytest.raises(UseCaseError, match="inside"):
        b.log_time("PMO-1", start=at(-4.5), end=at(-3))
    with pytest.raises(UseCaseError, match="would overlap"):
        b.log_time("PMO-1", start=at(-6), end=at(-3))  # swallows it
    b.log_time("PMO-1", start=at(-4), end=at(-3))  # adjacent is fine
    assert len(b.entries()) == 2


@pytest.mark.parametrize(
    "kwargs",
    [
        {"minutes": 0},
        {"minutes": -5},
        {"minutes": None},
        {"minutes": 30, "on": date(2026, 11, 21)},  # tomorrow of the clock
        {"start": at(-1)},
        {"end": at(-1)},
        {"start": at(-1), "end": at(-1)},
        {"start": at(-1), "end": at(-2)},
        {"start": at(-1), "end": at(1)},  # ends in the future
    ],
)
def test_log_time_refusals(cards: Board, kwargs: dict[str, Any]) -> None:
    raw = cards.store.path.read_bytes()
    minutes = kwargs.pop("minutes", None)
    with pytest.raises(UseCaseError):
        cards.log_time("PMO-1", minutes, **kwargs)
    assert cards.store.path.read_bytes() == raw


def test_log_time_overlaps_running_timer(cards: Board) -> None:
    cards.start_timer("PMO-1", at=at(-1))
    with pytest.raises(UseCaseError):
        cards.log_time("PMO-2", start=at(-0.5), end=at(-0.25))


def test_long_running_flag(cards: Board, clock: Clock) -> None:
    cards.start_timer("PMO-1", at=at(-10))
    entry = cards.running()
    assert entry is not None
    assert not long_running(entry, NOW)
    assert long_running(entry, at(minutes=1))
    assert not long_running(entry, at(minutes=-1))
    clock.advance(minutes=2)
    cards.stop_timer()
    [stopped] = cards.entries()
    assert not long_running(stopped, at(20))
    fake = TimeEntry(99, "PMO-1", "x", at(-11), None)
    assert long_running(fake, NOW)


# =================================================================== timer undo/redo
@pytest.mark.parametrize(
    "case",
    [
        "start",
        "start_switch",
        "start_at",
        "stop",
        "stop_at_note",
        "cancel",
        "toggle_on",
        "toggle_off",
        "log",
        "log_from_to",
        "move_done",
    ],
)
def test_timer_undo_redo(cards: Board, bob: Board, clock: Clock, case: str) -> None:
    b = cards
    bob.start_timer("PMO-3", at=at(-3))
    if case in ("start_switch", "stop", "stop_at_note", "cancel", "toggle_off", "move_done"):
        b.start_timer("PMO-1", at=at(-2), note="n")
    clock.advance(minutes=1)
    actions: dict[str, Callable[[], Change]] = {
        "start": lambda: b.start_timer("PMO-1"),
        "start_switch": lambda: b.start_timer("PMO-2"),
        "start_at": lambda: b.start_timer("PMO-2", at=at(-1), note="late"),
        "stop": lambda: b.stop_timer(),
        "stop_at_note": lambda: b.stop_timer(at=at(-1), note="stopped early"),
        "cancel": lambda: b.cancel_timer(),
        "toggle_on": lambda: b.toggle_timer("PMO-2"),
        "toggle_off": lambda: b.toggle_timer("PMO-1"),
        "log": lambda: b.log_time("PMO-2", 30, on=date(2026, 11, 18)),
        "log_from_to": lambda: b.log_time("PMO-2", start=at(-8), end=at(-7)),
        "move_done": lambda: b.move_card("PMO-3", "done"),  # stops bob's timer
    }
    roundtrip(b, actions[case])


def test_undo_cancel_does_not_overwrite_anothers_entry(cards: Board, bob: Board) -> None:
    change = cards.start_timer("PMO-1", at=at(-2))
    cancel = cards.cancel_timer()
    bob.log_time("PMO-2", start=at(-5), end=at(-4), note="bob's work")
    cards.apply(cancel.inverse())
    assert change.patches
    notes = sorted((e.user, e.card, e.note) for e in cards.entries())
    assert notes == [("alice", "PMO-1", ""), ("bob", "PMO-2", "bob's work")]


# =================================================================== long undo chain
def test_120_changes_undone_in_reverse(b: Board, bob: Board, store: Store, clock: Clock) -> None:
    add_sprint(store)
    for i in range(6):
        b.add_card(f"card {i}", points=i or None, status=["todo", "doing"][i % 2])
    bob.start_timer("PMO-2", at=at(-5))
    b.log_time("PMO-1", start=at(-9), end=at(-8))
    start = snapshot(b)
    start_keys = set(start[0])
    rng = random.Random(1234)
    changes: list[Change] = []

    def key() -> str:
        keys = [d["key"] for d in b.card_docs(archived=True)]
        return rng.choice(keys)

    ops: list[Callable[[], Change]] = [
        lambda: b.add_card(f"new {len(changes)}", status=rng.choice(["todo", "review"])),
        lambda: b.edit_card(key(), title=f"title {len(changes)}", tags=[f"t{len(changes)}"]),
        lambda: b.edit_card(key(), priority=rng.choice(["low", "high"]), due="2026-12-0" + "1"),
        lambda: b.set_points(key(), rng.choice([None, 1, 2, 3, 5, 8])),
        lambda: b.toggle_assign(key()),
        lambda: b.toggle_sprint(key()),
        lambda: b.move_card(key(), rng.choice(["todo", "doing", "review", "done"])),
        lambda: b.move_card_by(key(), rng.choice([-1, 1])),
        lambda: b.reorder(key(), rng.choice([-1, 1])),
        lambda: b.archive(key()),
        lambda: b.restore(key()),
        lambda: b.toggle_timer(key()),
        lambda: b.stop_timer(),
        lambda: b.cancel_timer(),
        lambda: b.log_time(key(), rng.choice([15, 30, 45]), on=date(2026, 11, 17)),
    ]
    while len(changes) < 120:
        clock.advance(minutes=1)
        try:
            change = rng.choice(ops)()
        except (UseCaseError, NothingToDo):
            continue
        if change.patches:
            changes.append(change)
    end = snapshot(b)
    for change in reversed(changes):
        b.apply(change.inverse())
    cards_now, entries_now = snapshot(b)
    for k in set(cards_now) - start_keys:
        assert cards_now[k]["archived"] is True
        del cards_now[k]
    assert cards_now == start[0]
    assert entries_now == start[1]
    for change in changes:
        b.apply(change)
    assert snapshot(b) == end


# =================================================================== clock consistency
def test_spent_of_running_timer_follows_the_clock(cards: Board, clock: Clock) -> None:
    cards.start_timer("PMO-1")
    assert cards.spent() == {"PMO-1": 0}
    clock.advance(minutes=30)
    assert cards.spent() == {"PMO-1": 30}


def test_log_time_default_day_uses_board_clock(cards: Board) -> None:
    cards.log_time("PMO-1", 30)
    [e] = cards.entries()
    assert e.start.date() == NOW.date()


def test_toggle_sprint_on_card_of_planned_sprint(b: Board, store: Store) -> None:
    add_sprint(store, 1, "active")
    add_sprint(store, 2, "planned")
    b.add_card("a", sprint="2")
    b.toggle_sprint("PMO-1")
    assert fields(b, "PMO-1")["sprint"] == 1
