"""Issue 11: every shipped theme draws the demo board at 80x24, and a 5-column kanban board
at 80x24 (scrolls sideways, with "1 more ▶") and at 120x40 (all five fit).

Regenerate with ``pytest tests/snapshots/test_theme_snapshots.py --snapshot-update`` and look
at the SVGs before committing them.
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
SHIPPED = ("pmo-dark", "pmo-light", "pmo-high-contrast", "nord", "gruvbox")


@pytest.fixture(autouse=True)
def no_user_themes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Only the shipped themes: not whatever this machine's user has."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("PMO_CONFIG", str(tmp_path / "config.toml"))
    yield


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


def test_kanban_five_columns_80x24(snap_compare: SnapCompare, kanban_db: Path) -> None:
    assert snap_compare(_app(kanban_db), terminal_size=(80, 24))


def test_kanban_five_columns_scrolled_80x24(snap_compare: SnapCompare, kanban_db: Path) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("l", "l", "l", "l")
        await pilot.pause()

    assert snap_compare(_app(kanban_db), terminal_size=(80, 24), run_before=run_before)


def test_kanban_five_columns_120x40(snap_compare: SnapCompare, kanban_db: Path) -> None:
    assert snap_compare(_app(kanban_db), terminal_size=(120, 40))
