"""The look of the Burndown screen (`5`) on the demo data, under the fixed clock.

Regenerate after an intended change with ``pytest tests/snapshots/test_burndown_snapshots.py
--snapshot-update`` and look at the SVGs before committing them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from pmo_tui.ui.app import PmoApp

SnapCompare = Callable[..., bool]


def press(*keys: str) -> Callable[[Pilot[Any]], Any]:
    """Open the burndown, press ``keys``, and wait for the figures the worker computes."""

    async def run_before(pilot: Pilot[Any]) -> None:
        for key in ("5", *keys):
            await pilot.press(key)
            await pilot.pause()
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()

    return run_before


def test_burndown_80x24(snap_compare: SnapCompare, demo_app: Callable[[], PmoApp]) -> None:
    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=press())


def test_burndown_120x40(snap_compare: SnapCompare, demo_app: Callable[[], PmoApp]) -> None:
    assert snap_compare(demo_app(), terminal_size=(120, 40), run_before=press())


def test_burndown_closed_sprint_by_hours_80x24(
    snap_compare: SnapCompare, demo_app: Callable[[], PmoApp]
) -> None:
    """`[` to Sprint 2 (closed), `m` to hours."""
    run_before = press("left_square_bracket", "m")
    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=run_before)


def test_velocity_80x24(snap_compare: SnapCompare, demo_app: Callable[[], PmoApp]) -> None:
    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=press("b"))
