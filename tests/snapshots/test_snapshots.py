"""The look of the board, the help and the card form (pytest-textual-snapshot).

Regenerate after an intended change with ``pytest tests/snapshots --snapshot-update`` and
look at the SVGs in ``__snapshots__`` before committing them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from pmo_tui.ui.app import PmoApp

SnapCompare = Callable[..., bool]


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
