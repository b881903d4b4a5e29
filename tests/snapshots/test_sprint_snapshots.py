"""The look of the sprint screen (key 3), the sprint form and the close-report modal, on the
demo data under a fixed clock (pytest-textual-snapshot).

Regenerate after an intended change with
``pytest tests/snapshots/test_sprint_snapshots.py --snapshot-update`` and look at the SVGs in
``__snapshots__`` before committing them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from pmo_tui.ui.app import PmoApp

SnapCompare = Callable[..., bool]
SIZES = [(80, 24), (120, 40)]


async def _keys(pilot: Pilot[Any], *keys: str) -> None:
    """Open the sprint screen, press ``keys``; no blinking cursor, no toast."""
    await pilot.press("3")
    await pilot.pause()
    for key in keys:
        await pilot.press(key)
        await pilot.pause()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    pilot.app.clear_notifications()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_sprint_screen_active(
    snap_compare: SnapCompare, demo_app: Callable[[], PmoApp], size: tuple[int, int]
) -> None:
    """The demo's active sprint: capacity, progress, scope changes."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await _keys(pilot)

    assert snap_compare(demo_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_sprint_screen_closed_report(
    snap_compare: SnapCompare, demo_app: Callable[[], PmoApp], size: tuple[int, int]
) -> None:
    """A closed sprint (Sprint 2) with its stored report."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await _keys(pilot, "k")

    assert snap_compare(demo_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_sprint_form_new(
    snap_compare: SnapCompare, demo_app: Callable[[], PmoApp], size: tuple[int, int]
) -> None:
    """`n`: the form filled with the defaults (Sprint 5, after Sprint 4, 2w, capacity 18)."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await _keys(pilot, "n")

    assert snap_compare(demo_app(), terminal_size=size, run_before=run_before)


def test_sprint_form_errors_80x24(
    snap_compare: SnapCompare, demo_app: Callable[[], PmoApp]
) -> None:
    """Invalid values shown at their fields."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await _keys(pilot, "n")
        form = pilot.app.screen
        form.query_one("#f-start", Input).value = "2026-13-45"
        form.query_one("#f-capacity", Input).value = "lots"
        await pilot.press("ctrl+s")
        await pilot.pause()
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_close_report_modal(
    snap_compare: SnapCompare, demo_app: Callable[[], PmoApp], size: tuple[int, int]
) -> None:
    """`C` on the active sprint: the report preview and where open cards go."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await _keys(pilot, "C")

    assert snap_compare(demo_app(), terminal_size=size, run_before=run_before)
