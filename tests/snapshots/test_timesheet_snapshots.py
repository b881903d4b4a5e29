"""The look of the timesheet screen (key 4) on the demo data, under the fixed clock (Fri 20
Nov 2026 15:00 UTC): my week, everyone's week, and the log form.

Regenerate with ``pytest tests/snapshots/test_timesheet_snapshots.py --snapshot-update`` and
look at the SVGs before committing them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from pmo_tui.ui.app import PmoApp

SnapCompare = Callable[..., bool]


async def _sheet(pilot: Pilot[Any], *keys: str) -> None:
    from pmo_tui.ui.screens.timesheet import TimesheetScreen

    await pilot.press("4")
    for key in keys:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.press(key)
    await pilot.pause()
    screen = next(s for s in pilot.app.screen_stack if isinstance(s, TimesheetScreen))
    while screen._loading:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def test_timesheet_80x24(snap_compare: SnapCompare, demo_app: Callable[[], PmoApp]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await _sheet(pilot)

    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=run_before)


def test_timesheet_120x40(snap_compare: SnapCompare, demo_app: Callable[[], PmoApp]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await _sheet(pilot, "k", "h")

    assert snap_compare(demo_app(), terminal_size=(120, 40), run_before=run_before)


def test_timesheet_everyone_120x40(
    snap_compare: SnapCompare, demo_app: Callable[[], PmoApp]
) -> None:
    """`w` (the picker of users), enter (the first one), `w` again: everyone."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await _sheet(pilot, "w", "enter", "w")

    assert snap_compare(demo_app(), terminal_size=(120, 40), run_before=run_before)


def test_timesheet_log_form_80x24(
    snap_compare: SnapCompare, demo_app: Callable[[], PmoApp]
) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await _sheet(pilot, "n")

    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=run_before)
