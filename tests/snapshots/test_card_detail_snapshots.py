"""The look of the card detail (enter on a board card): the demo's first In Progress card,
with its fields, time entries against the estimate and its history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from pmo_tui.ui.app import PmoApp

SnapCompare = Callable[..., bool]


async def _open_detail(pilot: Pilot[Any]) -> None:
    await pilot.press("l", "enter")  # In Progress: a card with time logged
    await pilot.pause()
    pilot.app.clear_notifications()
    await pilot.pause()


def test_card_detail_80x24(snap_compare: SnapCompare, demo_app: Callable[[], PmoApp]) -> None:
    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=_open_detail)


def test_card_detail_120x40(snap_compare: SnapCompare, demo_app: Callable[[], PmoApp]) -> None:
    assert snap_compare(demo_app(), terminal_size=(120, 40), run_before=_open_detail)
