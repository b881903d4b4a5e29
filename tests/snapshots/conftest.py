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
