"""The look of the board, the help and the card form (pytest-textual-snapshot).

Regenerate after an intended change with ``pytest tests/snapshots --snapshot-update`` and
look at the SVGs in ``__snapshots__`` before committing them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from pmo_tui.core.board import Board
from pmo_tui.core.storage.jsonfile.store import Store
from pmo_tui.ui.app import PmoApp

SnapCompare = Callable[..., bool]
USER = "ann"  # as conftest.py
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def test_board_demo_80x24(snap_compare: SnapCompare, demo_app: Callable[[], PmoApp]) -> None:
    assert snap_compare(demo_app(), terminal_size=(80, 24))


def test_board_demo_120x40(snap_compare: SnapCompare, demo_app: Callable[[], PmoApp]) -> None:
    assert snap_compare(demo_app(), terminal_size=(120, 40))


def test_board_demo_all_cards_120x40(
    snap_compare: SnapCompare, demo_app: Callable[[], PmoApp]
) -> None:
    """`v`: every open card, not just the sprint's; the cursor moved with `l j`."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("v", "l", "j")
        pilot.app.clear_notifications()  # the "Showing all open cards" toast is transient
        await pilot.pause()

    assert snap_compare(demo_app(), terminal_size=(120, 40), run_before=run_before)


async def _open_modal(pilot: Pilot[Any], key: str) -> None:
    await pilot.press(key)
    # The app's header does not tick here (tick_interval=0) and its clock is fixed.
    await pilot.pause()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    for area in pilot.app.screen.query(TextArea):
        area.cursor_blink = False
    await pilot.pause()


def test_help_80x24(snap_compare: SnapCompare, demo_app: Callable[[], PmoApp]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await _open_modal(pilot, "question_mark")

    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=run_before)


def test_new_card_form_80x24(snap_compare: SnapCompare, demo_app: Callable[[], PmoApp]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await _open_modal(pilot, "n")

    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=run_before)


# ------------------------------------------------------- the screens issue 6 asked for
def _app(path: Path, **kwargs: Any) -> PmoApp:
    return PmoApp(
        path,
        user=USER,
        clock=lambda: NOW,
        poll_interval=0,
        tick_interval=0,
        paint_first=0,
        **kwargs,
    )


def test_edit_form_80x24(snap_compare: SnapCompare, demo_app: Callable[[], PmoApp]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await _open_modal(pilot, "e")

    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=run_before)


def test_points_prompt_80x24(snap_compare: SnapCompare, demo_app: Callable[[], PmoApp]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await _open_modal(pilot, "p")

    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=run_before)


def test_edit_conflict_dialog_80x24(snap_compare: SnapCompare, demo_db: Path) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        app: PmoApp = pilot.app  # type: ignore[assignment]
        await _open_modal(pilot, "e")
        cursor_key = app.screen_stack[0].cursor_key  # type: ignore[attr-defined]
        Board(Store(demo_db), "bob", clock=lambda: NOW).edit_card(cursor_key, title="Theirs")
        app.store.reload()  # what the poll does
        app.redraw()
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(_app(demo_db), terminal_size=(80, 24), run_before=run_before)


def test_filter_bar_open_80x24(snap_compare: SnapCompare, demo_app: Callable[[], PmoApp]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("v", "slash", *"ap")
        pilot.app.clear_notifications()
        await _open_modal(pilot, "i")  # the last letter, then the cursor stops blinking

    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=run_before)


def test_empty_board_80x24(snap_compare: SnapCompare, tmp_path: Path) -> None:
    path = tmp_path / "pmo.json"
    Board(Store(path), USER, clock=lambda: NOW).project()
    with Store(path).transaction():
        pass
    assert snap_compare(_app(path), terminal_size=(80, 24))


@pytest.fixture
def busy_db(tmp_path: Path) -> Path:
    """Four cards in In Progress (WIP 3) and a timer started 11 hours ago."""
    path = tmp_path / "pmo.json"
    board = Board(Store(path), USER, clock=lambda: NOW - timedelta(hours=11, minutes=5))
    for n in range(4):
        board.add_card(f"Work in progress number {n + 1}", status="doing", points=n + 1)
    board.add_card("Waiting in To Do")
    board.start_timer("PMO-2")
    return path


def test_over_wip_column_and_long_timer_80x24(snap_compare: SnapCompare, busy_db: Path) -> None:
    assert snap_compare(_app(busy_db), terminal_size=(80, 24))


def test_over_wip_column_and_long_timer_120x40(snap_compare: SnapCompare, busy_db: Path) -> None:
    assert snap_compare(_app(busy_db), terminal_size=(120, 40))


def test_light_theme_80x24(snap_compare: SnapCompare, demo_db: Path) -> None:
    assert snap_compare(_app(demo_db, theme="pmo-light"), terminal_size=(80, 24))


def test_light_theme_120x40(snap_compare: SnapCompare, demo_db: Path) -> None:
    assert snap_compare(_app(demo_db, theme="pmo-light"), terminal_size=(120, 40))
