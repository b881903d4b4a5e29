"""Undo and redo are compare-and-set: they never overwrite a teammate's later change
(issue 6, data-safety bug 1).  Two Boards on one file are two people."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pmo_tui.core.board import Board
from pmo_tui.core.storage.jsonfile.store import Store

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


pytestmark = pytest.mark.usefixtures("utc")  # local time is UTC (tests/core/conftest.py)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "pmo.json"


@pytest.fixture
def me(path: Path) -> Board:
    return Board(Store(path), "alice", clock=lambda: NOW)


@pytest.fixture
def mate(path: Path) -> Board:
    return Board(Store(path), "bob", clock=lambda: NOW + timedelta(minutes=5))


def test_undo_my_edit_keeps_teammates_later_title(me: Board, mate: Board) -> None:
    me.add_card("first")
    mine = me.edit_card("PMO-1", title="mine", points=3)
    mate.edit_card("PMO-1", title="theirs")
    undone = me.apply(mine.inverse())
    card = me.card("PMO-1")
    assert card.title == "theirs"  # their later change is kept
    assert card.points is None  # mine is undone where nobody touched it since
    assert [(s.key, s.field, s.by) for s in undone.skipped] == [("PMO-1", "title", "bob")]
    assert any("title left as is: changed by bob since" in n for n in undone.notes)


def test_undo_my_move_keeps_teammates_move_to_done(me: Board, mate: Board) -> None:
    me.add_card("a")
    move = me.move_card("PMO-1", "doing")
    mate.move_card("PMO-1", "done")
    undone = me.apply(move.inverse())
    card = me.card("PMO-1")
    assert card.status == "done"
    assert card.done is not None  # the done stamp follows the status that was kept
    assert [(s.field, s.by) for s in undone.skipped] == [("status", "bob")]
    assert "status left as is: changed by bob since" in undone.notes[0]


def test_redo_keeps_teammates_change_made_after_the_undo(me: Board, mate: Board) -> None:
    me.add_card("a")
    move = me.move_card("PMO-1", "doing")
    me.apply(move.inverse())
    mate.move_card("PMO-1", "review")
    redone = me.apply(move)
    assert me.card("PMO-1").status == "review"
    assert [(s.field, s.by) for s in redone.skipped] == [("status", "bob")]


def test_redo_of_edit_keeps_teammates_title(me: Board, mate: Board) -> None:
    me.add_card("first")
    mine = me.edit_card("PMO-1", title="mine")
    me.apply(mine.inverse())
    mate.edit_card("PMO-1", title="theirs")
    redone = me.apply(mine)
    assert me.card("PMO-1").title == "theirs"
    assert redone.skipped and redone.skipped[0].field == "title"


def test_undo_without_interference_still_undoes_everything(me: Board) -> None:
    me.add_card("a")
    move = me.move_card("PMO-1", "doing")
    undone = me.apply(move.inverse())
    assert me.card("PMO-1").status == "todo"
    assert undone.skipped == [] and undone.notes == []


def test_undo_of_an_entry_stop_edited_since_is_left_alone(me: Board, path: Path) -> None:
    me.add_card("a")
    me.start_timer("PMO-1", at=NOW - timedelta(hours=2))
    stop = me.stop_timer(at=NOW - timedelta(hours=1))
    # someone (another tool) edits the entry's end afterwards
    store = Store(path)
    with store.transaction():
        [(doc_id, _)] = list(store.read()["time_entries"].items())
        store.update("time_entries", doc_id, {"end": "2026-11-20T09:30:00Z"})
    undone = me.apply(stop.inverse())
    [entry] = me.entries()
    assert entry.end == datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    assert undone.skipped and undone.skipped[0].field == "end"
    assert "someone" in undone.notes[0]


def test_undo_of_a_log_whose_entry_was_deleted_since(me: Board, path: Path) -> None:
    me.add_card("a")
    log = me.log_time("PMO-1", start=NOW - timedelta(hours=2), end=NOW - timedelta(hours=1))
    me.apply(log.inverse())
    assert me.entries() == []
    # redo, then a teammate deletes it, then undo: nothing to do, said so
    me.apply(log)
    store = Store(path)
    with store.transaction():
        [(doc_id, _)] = list(store.read()["time_entries"].items())
        store.remove("time_entries", doc_id)
    undone = me.apply(log.inverse())
    assert me.entries() == []
    assert undone.skipped and "deleted" in undone.notes[0]
