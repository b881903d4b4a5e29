"""Issue 11 point 7: every screen at 80x24, on the demo project (four columns) and on a
5-column kanban board, under the fixed clock; and a pilot check that every screen's footer
keeps `? Help` and `q Quit` at 80x24.

Regenerate with ``pytest tests/snapshots/test_screens_80x24_snapshots.py --snapshot-update``
and look at the SVGs before committing them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from pmo_tui.cli import main
from pmo_tui.core.board import Board
from pmo_tui.core.storage.jsonfile.store import Store
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


@pytest.fixture(autouse=True)
def no_user_themes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Only the shipped themes and no user config: not whatever this machine's user has."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("PMO_CONFIG", str(tmp_path / "config.toml"))
    yield


def _app(path: Path) -> PmoApp:
    return PmoApp(
        path, user=USER, clock=lambda: NOW, poll_interval=0, tick_interval=0, paint_first=0
    )


@pytest.fixture
def kanban_db(tmp_path: Path) -> Path:
    path = tmp_path / "kanban.json"
    assert main(["--db", str(path), "init", "--template", "kanban"]) == 0
    board = Board(Store(path), USER, clock=lambda: NOW)
    cards = [
        ("Collect feedback from the beta", "backlog", 3, None),
        ("Write the onboarding guide", "backlog", 2, "bob"),
        ("Price page copy", "ready", 1, USER),
        ("Import from Trello", "ready", 5, None),
        ("Fix the login redirect loop", "doing", 3, USER),
        ("Dark mode for the charts", "doing", 2, "bob"),
        ("Audit log for admins", "review", 5, "cy"),
        ("Ship version one", "done", 8, USER),
    ]
    for title, status, points, assignee in cards:
        board.add_card(
            title, status=status, points=points, assignee=assignee, due=date(2026, 11, 18)
        )
    return path


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
