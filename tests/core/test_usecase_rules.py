"""Issue 7, core side: archived cards, overlap messages, logging rules, control characters."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from pmo_tui.core import parse
from pmo_tui.core.board import Board
from pmo_tui.core.errors import UseCaseError
from pmo_tui.core.storage.jsonfile.store import Store

NOW = datetime(2026, 11, 20, 10, 0, 30, tzinfo=UTC)  # a Friday, with seconds


pytestmark = pytest.mark.usefixtures("utc")  # local time is UTC (tests/core/conftest.py)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def b(tmp_path: Path, clock: Clock) -> Board:
    board = Board(Store(tmp_path / "pmo.json"), "alice", clock=clock)
    for title in ("one", "two", "three"):
        board.add_card(title)
    return board


# ------------------------------------------------------------------ archived cards
def test_move_and_edit_refuse_an_archived_card(b: Board) -> None:
    b.archive("PMO-1")
    raw = b.store.path.read_bytes()
    with pytest.raises(UseCaseError, match="PMO-1 is archived: restore it first"):
        b.move_card("PMO-1", "doing")
    with pytest.raises(UseCaseError, match="PMO-1 is archived: restore it first"):
        b.edit_card("PMO-1", title="x")
    with pytest.raises(UseCaseError, match="restore it first"):
        b.move_card_by("PMO-1", 1)
    assert b.store.path.read_bytes() == raw


# ------------------------------------------------------------------ overlaps
def test_overlap_with_a_later_entry_says_so(b: Board) -> None:
    b.log_time("PMO-3", start=NOW.replace(hour=8), end=NOW.replace(hour=9, second=0))
    with pytest.raises(UseCaseError, match="would overlap your entry on PMO-3") as info:
        b.log_time("PMO-1", start=NOW.replace(hour=7), end=NOW.replace(hour=8, minute=30))
    assert "falls inside" not in str(info.value)
    with pytest.raises(UseCaseError, match="falls inside your entry on PMO-3"):
        b.log_time(
            "PMO-1", start=NOW.replace(hour=8, minute=30), end=NOW.replace(hour=9, minute=30)
        )


def test_start_at_now_right_after_stop_is_accepted(b: Board, clock: Clock) -> None:
    b.start_timer("PMO-1", at=NOW - timedelta(hours=1))
    b.stop_timer()  # ends at 10:00:30
    b.start_timer("PMO-2", at=NOW)  # `start --at now`: a touch at the boundary
    running = b.running()
    assert running is not None and running.card == "PMO-2"


def test_start_at_this_minute_after_a_stop_within_it_is_a_touch(b: Board, clock: Clock) -> None:
    """The CLI's `--at now` and `--at 10:00` come to the minute; the stop kept seconds."""
    b.start_timer("PMO-1", at=NOW - timedelta(hours=1))
    b.stop_timer()  # ends at 10:00:30
    b.start_timer("PMO-2", at=NOW.replace(second=0))
    running = b.running()
    assert running is not None and running.card == "PMO-2"
    assert running.start == NOW.replace(microsecond=0)  # where the last entry ended


# ------------------------------------------------------------------ logging
@pytest.mark.parametrize("minutes", [25 * 60, 16 * 60])
def test_log_longer_than_the_rest_of_the_day_is_refused(b: Board, minutes: int) -> None:
    raw = b.store.path.read_bytes()
    with pytest.raises(UseCaseError, match=r"rest of the day|longer than"):
        b.log_time("PMO-1", minutes, on=date(2026, 11, 18))
    assert b.store.path.read_bytes() == raw


def test_log_today_longer_than_the_day_so_far_is_refused(b: Board) -> None:
    with pytest.raises(UseCaseError):
        b.log_time("PMO-1", 11 * 60, on=NOW.date())  # 10:00 now: no 11 h fit today


def test_log_on_a_day_never_crosses_midnight(b: Board) -> None:
    b.log_time("PMO-1", 14 * 60, on=date(2026, 11, 18))  # 09:00-23:00 fits
    [e] = b.entries()
    assert e.end is not None and e.end.date() == date(2026, 11, 18)


def test_weekday_names_mean_the_most_recent_for_logs() -> None:
    friday = date(2026, 11, 20)
    assert parse.parse_date("fri", friday) == date(2026, 11, 27)  # due dates: the next one
    assert parse.parse_date("fri", friday, past=True) == friday  # logs: the most recent one
    assert parse.parse_date("mon", friday, past=True) == date(2026, 11, 16)
    assert parse.parse_date("sat", friday, past=True) == date(2026, 11, 14)
    assert parse.parse_date("tomorrow", friday, past=True) == date(2026, 11, 21)


# ------------------------------------------------------------------ control characters
BAD = ["\x1b]0;pwned\x07", "\x1b[31m", "\x9b31m", "\u202eevil", "a\u2066b", "x\x00y"]


@pytest.mark.parametrize("bad", BAD)
def test_use_cases_refuse_control_characters(b: Board, bad: str) -> None:
    raw = b.store.path.read_bytes()
    attempts = [
        lambda: b.add_card("t" + bad),
        lambda: b.edit_card("PMO-1", title="t" + bad),
        lambda: b.edit_card("PMO-1", assignee="u" + bad),
        lambda: b.edit_card("PMO-1", tags=["x" + bad]),
        lambda: b.edit_card("PMO-1", description="d" + bad),
        lambda: b.start_timer("PMO-1", note="n" + bad),
        lambda: b.log_time("PMO-1", 30, on=date(2026, 11, 18), note="n" + bad),
        lambda: b.create_project("ZZ", "name" + bad),
    ]
    for attempt in attempts:
        with pytest.raises(UseCaseError):
            attempt()
    assert b.store.path.read_bytes() == raw


def test_description_keeps_newlines_and_tabs(b: Board) -> None:
    b.edit_card("PMO-1", description="line1\n\tline2")
    assert b.card("PMO-1").description == "line1\n\tline2"
