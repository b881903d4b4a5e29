"""Editing and deleting one time entry (the timesheet screen's `e` and `x`): the timers'
rules and messages, and undo that is compare-and-set."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pmo_tui.core.board import Board
from pmo_tui.core.errors import NothingToDo, UseCaseError
from pmo_tui.core.storage.jsonfile.store import Store
from pmo_tui.core.usecases import timers

NOW = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)


pytestmark = pytest.mark.usefixtures("utc")  # local time is UTC (tests/core/conftest.py)


def at(hour: int, minute: int = 0) -> datetime:
    return NOW.replace(hour=hour, minute=minute)


@pytest.fixture
def b(tmp_path: Path) -> Board:
    board = Board(Store(tmp_path / "pmo.json"), "alice", clock=lambda: NOW)
    board.add_card("one")
    board.add_card("two")
    timers.log_time(board.session, "1", start=at(9), end=at(10), note="first")
    timers.log_time(board.session, "2", start=at(11), end=at(12))
    return board


def entries(b: Board) -> dict[int, dict]:
    data = json.loads(Path(b.store.path).read_text())
    return {e["id"]: e for e in data["time_entries"].values()}


def first_id(b: Board) -> int:
    return min(entries(b))


def test_edit_moves_the_end_and_the_note_and_undo_puts_them_back(b: Board) -> None:
    ident = first_id(b)
    change = timers.edit_entry(b.session, ident, end=at(10, 30), note="longer")
    got = entries(b)[ident]
    assert got["end"] == "2026-11-20T10:30:00Z" and got["note"] == "longer"
    assert got["start"] == "2026-11-20T09:00:00Z"
    b.apply(change.inverse())
    got = entries(b)[ident]
    assert got["end"] == "2026-11-20T10:00:00Z" and got["note"] == "first"


def test_edit_refuses_an_overlap_with_the_logs_message(b: Board) -> None:
    with pytest.raises(UseCaseError) as exc:
        timers.edit_entry(b.session, first_id(b), end=at(11, 30))
    assert str(exc.value) == (
        "this entry would overlap your entry on PMO-2 (2026-11-20 11:00 - 2026-11-20 12:00)"
    )
    with pytest.raises(UseCaseError, match="falls inside your entry on PMO-2"):
        timers.edit_entry(b.session, first_id(b), start=at(11, 15), end=at(11, 45))


def test_edit_refuses_end_before_start_future_and_no_change(b: Board) -> None:
    ident = first_id(b)
    with pytest.raises(UseCaseError, match="is not after"):
        timers.edit_entry(b.session, ident, end=at(8))
    with pytest.raises(UseCaseError, match="in the future"):
        timers.edit_entry(b.session, ident, start=at(18), end=at(19))
    with pytest.raises(NothingToDo):
        timers.edit_entry(b.session, ident, note="first")


def test_undo_of_an_edit_keeps_a_later_change_by_someone_else(b: Board) -> None:
    ident = first_id(b)
    change = timers.edit_entry(b.session, ident, note="mine")
    with b.store.transaction():
        b.store.update("time_entries", str(ident), {"note": "theirs"})
    undone = b.apply(change.inverse())
    assert entries(b)[ident]["note"] == "theirs"
    assert undone.skipped


def test_delete_and_undo_restore_the_entry(b: Board) -> None:
    ident = first_id(b)
    before = entries(b)[ident]
    change = timers.delete_entry(b.session, ident)
    assert ident not in entries(b)
    assert change.notes == ["deleted 1h on PMO-1 (u undoes)"]
    b.apply(change.inverse())
    assert entries(b)[ident] == before


def test_another_users_entry_cannot_be_changed(b: Board, tmp_path: Path) -> None:
    bob = Board(Store(Path(b.store.path)), "bob", clock=lambda: NOW)
    with pytest.raises(UseCaseError, match="is alice's"):
        timers.delete_entry(bob.session, first_id(b))
    with pytest.raises(UseCaseError, match="is alice's"):
        timers.edit_entry(bob.session, first_id(b), note="x")
