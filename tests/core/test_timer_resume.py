"""`pmo start` without a card resumes the card of the user's last entry (Watson's restart)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pmo_tui.core.board import Board
from pmo_tui.core.errors import UseCaseError
from pmo_tui.core.storage.jsonfile.store import Store
from pmo_tui.core.usecases import timers

NOW = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)


pytestmark = pytest.mark.usefixtures("utc")  # local time is UTC (tests/core/conftest.py)


@pytest.fixture
def b(tmp_path: Path) -> Board:
    board = Board(Store(tmp_path / "pmo.json"), "alice", clock=lambda: NOW)
    for title in ("one", "two", "three"):
        board.add_card(title)
    return board


def at(hour: int, minute: int = 0) -> datetime:
    return NOW.replace(hour=hour, minute=minute)


def test_no_entry_no_card(b: Board) -> None:
    assert timers.last_card(b.session) is None
    with pytest.raises(UseCaseError, match="no previous entry to resume; give a card"):
        timers.resume_timer(b.session)


def test_latest_start_wins_not_the_latest_logged(b: Board) -> None:
    b.log_time("PMO-2", start=at(13), end=at(14))
    b.log_time("PMO-1", start=at(9), end=at(10))  # logged after, but earlier in the day
    assert timers.last_card(b.session) == "PMO-2"
    change = timers.resume_timer(b.session)
    assert change.key == "PMO-2"
    running = b.running()
    assert running is not None and running.card == "PMO-2"


def test_only_my_entries_count(b: Board) -> None:
    b.log_time("PMO-1", start=at(9), end=at(10))
    b.user = "bob"
    b.log_time("PMO-3", start=at(11), end=at(12))
    b.user = "alice"
    assert timers.last_card(b.session) == "PMO-1"


def test_a_running_timer_is_the_last_entry(b: Board) -> None:
    b.log_time("PMO-1", start=at(9), end=at(10))
    b.start_timer("PMO-2", at=at(16))
    assert timers.last_card(b.session) == "PMO-2"
    with pytest.raises(UseCaseError, match="already running on PMO-2"):
        timers.resume_timer(b.session)


def test_archived_card_is_refused_as_by_start(b: Board) -> None:
    b.log_time("PMO-3", start=at(9), end=at(10))
    b.archive("PMO-3")
    with pytest.raises(UseCaseError, match="PMO-3 is archived: restore it first"):
        timers.resume_timer(b.session)
    assert b.running() is None


def test_resume_at_a_time_and_with_a_note(b: Board) -> None:
    b.log_time("PMO-1", start=at(9), end=at(10))
    timers.resume_timer(b.session, at=NOW - timedelta(minutes=30), note="again")
    running = b.running()
    assert running is not None
    assert (running.card, running.start, running.note) == ("PMO-1", at(16, 30), "again")
