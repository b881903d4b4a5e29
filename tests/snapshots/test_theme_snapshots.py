"""Issue 11: every shipped theme draws the demo board at 80x24, and a 5-column kanban board
at 80x24 (scrolls sideways, with "1 more ▶") and at 120x40 (all five fit).

Regenerate with ``pytest tests/snapshots/test_theme_snapshots.py --snapshot-update`` and look
at the SVGs before committing them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from pmo_tui.ui.app import PmoApp

SnapCompare = Callable[..., bool]
USER = "ann"  # as conftest.py
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
SHIPPED = ("pmo-dark", "pmo-light", "pmo-high-contrast", "nord", "gruvbox")


pytestmark = pytest.mark.usefixtures("no_user_themes")


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


@pytest.mark.parametrize("theme", SHIPPED)
def test_theme_board_80x24(snap_compare: SnapCompare, demo_db: Path, theme: str) -> None:
    """The demo board with a card selected, an overdue date, priorities and a timer."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("j")
        await pilot.pause()

    assert snap_compare(_app(demo_db, theme=theme), terminal_size=(80, 24), run_before=run_before)


def test_kanban_five_columns_80x24(snap_compare: SnapCompare, kanban_db: Path) -> None:
    assert snap_compare(_app(kanban_db), terminal_size=(80, 24))


def test_kanban_five_columns_scrolled_80x24(snap_compare: SnapCompare, kanban_db: Path) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("l", "l", "l", "l")
        await pilot.pause()

    assert snap_compare(_app(kanban_db), terminal_size=(80, 24), run_before=run_before)


def test_kanban_five_columns_120x40(snap_compare: SnapCompare, kanban_db: Path) -> None:
    assert snap_compare(_app(kanban_db), terminal_size=(120, 40))
