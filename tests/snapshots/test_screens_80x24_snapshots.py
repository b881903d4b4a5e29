"""Issue 11 point 7: every screen at 80x24, on the demo project (four columns) and on a
5-column kanban board, under the fixed clock; and a pilot check that every screen's footer
keeps `? Help` and `q Quit` at 80x24.

Regenerate with ``pytest tests/snapshots/test_screens_80x24_snapshots.py --snapshot-update``
and look at the SVGs before committing them.
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

# screen name -> the keys that open it from the board (a person's way there)
SCREENS: dict[str, tuple[str, ...]] = {
    "board": ("j",),
    "backlog": ("2", "j"),
    "sprints": ("3",),
    "timesheet": ("4",),
    "burndown": ("5",),
    "card_detail": ("j", "enter"),
    "help": ("question_mark",),
}


pytestmark = pytest.mark.usefixtures("no_user_themes")


def _app(path: Path) -> PmoApp:
    return PmoApp(
        path, user=USER, clock=lambda: NOW, poll_interval=0, tick_interval=0, paint_first=0
    )


def _open(keys: tuple[str, ...]) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()

    return run_before


@pytest.mark.parametrize("screen", SCREENS)
def test_screen_demo_80x24(snap_compare: SnapCompare, demo_db: Path, screen: str) -> None:
    assert snap_compare(_app(demo_db), terminal_size=(80, 24), run_before=_open(SCREENS[screen]))


@pytest.mark.parametrize("screen", SCREENS)
def test_screen_kanban_80x24(snap_compare: SnapCompare, kanban_db: Path, screen: str) -> None:
    assert snap_compare(_app(kanban_db), terminal_size=(80, 24), run_before=_open(SCREENS[screen]))


def _bottom_line(app: PmoApp) -> str:
    """The terminal's last line as a person reads it (what export_screenshot draws)."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), force_terminal=True, record=True
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text().rstrip("\n").splitlines()[-1]


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("board", ["demo", "kanban"])
async def test_every_screen_footer_keeps_help_and_quit_at_80x24(
    demo_db: Path, kanban_db: Path, board: str, screen: str
) -> None:
    app = _app(demo_db if board == "demo" else kanban_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(SCREENS[screen])(pilot)
        footer = _bottom_line(app)
        assert "? Help" in footer and "q Quit" in footer, footer
