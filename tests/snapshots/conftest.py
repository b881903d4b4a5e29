"""Fixtures for the snapshot tests: the demo board under a fixed clock and TZ=UTC.

TEXTUAL_ANIMATIONS must be set before Textual is first imported.
"""

from __future__ import annotations

import os

os.environ["TEXTUAL_ANIMATIONS"] = "none"

import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from pmo_tui.cli import main
from pmo_tui.core.board import Board
from pmo_tui.core.demo import fill_demo
from pmo_tui.core.storage.jsonfile.store import Store
from pmo_tui.ui.app import PmoApp

USER = "ann"
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
TODAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    path = tmp_path / "pmo.json"
    fill_demo(Board(Store(path), USER, clock=lambda: NOW), today=TODAY)
    return path


@pytest.fixture
def demo_app(demo_db: Path) -> Callable[[], PmoApp]:
    """A fresh app on the demo data: the fixed clock, no polling (nothing else writes)."""

    def make() -> PmoApp:
        return PmoApp(
            demo_db, user=USER, clock=lambda: NOW, poll_interval=0, tick_interval=0, paint_first=0
        )

    return make


@pytest.fixture
def no_user_themes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Only the shipped themes and no user config: not whatever this machine's user has."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("PMO_CONFIG", str(tmp_path / "config.toml"))
    yield


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
