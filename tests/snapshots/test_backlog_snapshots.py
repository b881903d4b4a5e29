"""The look of the backlog screen (key 2) on the demo data, fixed clock (pytest-textual-snapshot).

Regenerate after an intended change with ``pytest tests/snapshots --snapshot-update`` and
look at the SVGs in ``__snapshots__`` before committing them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from pmo_tui.ui.app import PmoApp

SnapCompare = Callable[..., bool]


async def _backlog(pilot: Pilot[Any]) -> None:
    await pilot.press("2")
    await pilot.pause()
    await pilot.pause()


async def _backlog_selected(pilot: Pilot[Any]) -> None:
    """Two cards selected, the cursor further down the backlog."""
    await _backlog(pilot)
    await pilot.press("j", "j", "j", "space", "space", "j")
    await pilot.pause()


def test_backlog_demo_80x24(snap_compare: SnapCompare, demo_app: Callable[[], PmoApp]) -> None:
    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=_backlog)


def test_backlog_demo_120x40(snap_compare: SnapCompare, demo_app: Callable[[], PmoApp]) -> None:
    assert snap_compare(demo_app(), terminal_size=(120, 40), run_before=_backlog)


def test_backlog_selection_80x24(snap_compare: SnapCompare, demo_app: Callable[[], PmoApp]) -> None:
    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=_backlog_selected)


def test_backlog_sprint_picker_120x40(
    snap_compare: SnapCompare, demo_app: Callable[[], PmoApp]
) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await _backlog_selected(pilot)
        await pilot.press("s")
        await pilot.pause()

    assert snap_compare(demo_app(), terminal_size=(120, 40), run_before=run_before)
