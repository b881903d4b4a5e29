"""Fixtures for the pilot tests: real data files in tmp_path, a fixed clock, TZ=UTC.

TEXTUAL_ANIMATIONS must be set before Textual is first imported, so it is set here at
import time, before any test module (or the app) imports textual.
"""

from __future__ import annotations

import os

os.environ["TEXTUAL_ANIMATIONS"] = "none"

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from ui_helpers import (
    USER,
    Clock,
    SmallBoard,
    build_big_board,
    build_demo_board,
    build_small_board,
)

from pmo_tui.ui.app import PmoApp

POLL = 0.02  # seconds between checks for another process's writes, in tests


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is UTC, so what the screen shows does not depend on the machine."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "pmo.json"


@pytest.fixture
def small(db: Path, clock: Clock) -> SmallBoard:
    """Seven cards over the four default columns (see ui_helpers.build_small_board)."""
    return build_small_board(db, clock)


@pytest.fixture
def demo_db(db: Path, clock: Clock) -> Path:
    """The demo data (three sprints, Sprint 3 active) placed at 2026-11-20."""
    build_demo_board(db, clock)
    return db


@pytest.fixture
def big_db(db: Path, clock: Clock) -> Path:
    build_big_board(db, clock, 2000)
    return db


@pytest.fixture
def make_app(clock: Clock) -> Callable[..., PmoApp]:
    def make(path: Path, **kwargs: Any) -> PmoApp:
        kwargs.setdefault("user", USER)
        kwargs.setdefault("clock", clock)
        # No wall time in tests: the writer does not wait to let a frame paint, the header
        # clock does not tick (tests call update_now), and another process's writes are
        # polled for often, so a test waits for them only as long as the write takes.
        kwargs.setdefault("paint_first", 0)
        kwargs.setdefault("tick_interval", 0)
        kwargs.setdefault("poll_interval", POLL)
        return PmoApp(path, **kwargs)

    return make
