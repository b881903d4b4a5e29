"""Data builders and screen readers shared by the pilot tests (imported as a plain module).

Nothing here imports Textual at module level: conftest sets TEXTUAL_ANIMATIONS first.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmo_tui.core.board import Board
from pmo_tui.core.demo import fill_demo
from pmo_tui.core.model import CARD_FIELDS
from pmo_tui.core.storage.jsonfile.store import Store

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from pmo_tui.ui.app import PmoApp

USER = "ann"
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


class Clock:
    """A clock the tests control: fixed unless a test advances it."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


TODAY = date(2026, 11, 20)
PMO = Path(sys.executable).with_name("pmo")
COLUMNS = ["todo", "doing", "review", "done"]


# ------------------------------------------------------------------------- data files
@dataclass
class SmallBoard:
    path: Path
    keys: dict[str, list[str]]  # column id -> card keys in rank order


def build_small_board(path: Path, clock: Callable[[], datetime]) -> SmallBoard:
    """PMO-1..3 in To Do, PMO-4..5 in In Progress, PMO-6 in Review, PMO-7 in Done."""
    board = Board(Store(path), USER, clock=clock)
    board.add_card("Write the login page", tags=["ui"], assignee=USER, priority="high")
    board.add_card("Fix crash on save", tags=["bug"], assignee="bob", due=date(2026, 11, 10))
    board.add_card("Plan the release", points=3)
    board.add_card("Refactor the store", status="doing", tags=["tech"], assignee=USER)
    board.add_card("Add search", status="doing", due=date(2026, 12, 1))
    board.add_card("Review the docs", status="review", tags=["docs"])
    board.add_card("Ship version one", status="done", points=5)
    return SmallBoard(
        path,
        {
            "todo": ["PMO-1", "PMO-2", "PMO-3"],
            "doing": ["PMO-4", "PMO-5"],
            "review": ["PMO-6"],
            "done": ["PMO-7"],
        },
    )


def build_demo_board(path: Path, clock: Callable[[], datetime]) -> int:
    board = Board(Store(path), USER, clock=clock)
    return fill_demo(board, today=TODAY)


def build_big_board(path: Path, clock: Callable[[], datetime], count: int) -> None:
    """``count`` open cards, three quarters in To Do, the rest In Progress (one write)."""
    store = Store(path)
    board = Board(store, USER, clock=clock)
    project = board.project()
    now = clock().isoformat()
    with store.transaction():
        for n in range(1, count + 1):
            doc = dict.fromkeys(CARD_FIELDS)
            doc.update(
                key=f"PMO-{n}",
                project=project.key,
                title=f"Generated card number {n}",
                description="",
                status="todo" if n <= count * 3 // 4 else "doing",
                rank=float(n),
                tags=[],
                priority="none",
                created=now,
                updated=now,
                archived=False,
            )
            store.insert("cards", doc)
        pid = next(iter(store.read()["projects"]))
        store.update("projects", pid, {"next_number": count + 1})


def insert_active_sprint(path: Path, cards: tuple[str, ...] = ()) -> int:
    """An active sprint (SPEC section 2 fields) inserted straight into the file."""
    store = Store(path)
    with store.transaction():
        store.insert(
            "sprints",
            {
                "id": 1,
                "project": "PMO",
                "name": "Sprint 1",
                "goal": "Ship it",
                "start": "2026-11-16",
                "end": "2026-11-27",
                "state": "active",
                "capacity": 20,
                "commitment": [],
                "closed_at": None,
                "report": None,
            },
        )
        for key in cards:
            doc_id = store.card_doc_id(key)
            assert doc_id is not None
            store.update("cards", doc_id, {"sprint": 1})
    return 1


def tables(path: Path) -> dict[str, Any]:
    """The data file as json.load sees it (no pmo code involved)."""
    with open(path, encoding="utf-8") as fh:
        loaded: dict[str, Any] = json.load(fh)
    return loaded


def card_in_file(path: Path, key: str) -> dict[str, Any]:
    for doc in tables(path)["cards"].values():
        if doc["key"] == key:
            return dict(doc)
    raise AssertionError(f"no card {key} in {path}")


def cards_by_key(path: Path) -> dict[str, dict[str, Any]]:
    return {d["key"]: d for d in tables(path)["cards"].values()}


def column_order(path: Path, column: str) -> list[str]:
    """Open cards of a column in rank order, as a fresh Board reads them."""
    board = Board(Store(path), USER)
    return [str(d["key"]) for d in board.card_docs() if d.get("status") == column]


def events_of(path: Path, key: str, kind: str) -> list[dict[str, Any]]:
    return [
        e for e in tables(path)["events"].values() if e.get("card") == key and e["type"] == kind
    ]


def pmo_cli(path: Path, *args: str, user: str = "bob") -> subprocess.CompletedProcess[str]:
    """Run the installed console script as another person would, in another process."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("PMO_", "XDG_")) and k != "HOME"
    }
    env.update(
        PMO_DB=str(path),
        PMO_USER=user,
        PMO_CONFIG=str(path.with_name("none.toml")),
        HOME=str(path.parent),
        TZ="UTC",
    )
    result = subprocess.run(
        [str(PMO), *args], env=env, capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 0, (args, result.stdout, result.stderr)
    return result


async def pmo_cli_async(path: Path, *args: str, user: str = "bob") -> str:
    """The same, without blocking the app's event loop."""
    return (await asyncio.to_thread(pmo_cli, path, *args, user=user)).stdout


# ------------------------------------------------------------------------ the screen
async def settle(pilot: Pilot[Any], timeout: float = 10.0) -> None:
    """Wait until every queued write is saved and the screen has redrawn from it."""
    app: PmoApp = pilot.app  # type: ignore[assignment]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while app.session.busy:
        assert loop.time() < deadline, (
            f"writes still pending after {timeout}s: {app.session.pending}"
        )
        await pilot.pause(0.05)
    await pilot.pause()


async def wait_for(
    pilot: Pilot[Any], condition: Callable[[], bool], timeout: float = 3.0, what: str = ""
) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, f"timed out waiting for {what or condition}"
        await pilot.pause(0.01)


def board_screen(app: PmoApp) -> Any:
    from pmo_tui.ui.screens.board import BoardScreen

    for screen in reversed(app.screen_stack):
        if isinstance(screen, BoardScreen):
            return screen
    raise AssertionError(f"no board screen in {app.screen_stack}")


def shown(app: PmoApp) -> dict[str, list[str]]:
    """Column id -> the card keys its CardList shows, in order."""
    from pmo_tui.ui.screens.board import ColumnView

    screen = board_screen(app)
    return {
        view.column.id: [str(d["key"]) for d in view.cards.cards]
        for view in screen.query(ColumnView)
    }


def all_shown(app: PmoApp) -> set[str]:
    return {k for keys in shown(app).values() for k in keys}


def cursor(app: PmoApp) -> tuple[str | None, int]:
    screen = board_screen(app)
    return screen.cursor_key, screen.col_index


def cursor_rendered(app: PmoApp) -> str | None:
    """The key of the card drawn with the cursor bar in the active column."""
    from pmo_tui.ui.screens.board import ColumnView

    screen = board_screen(app)
    view = list(screen.query(ColumnView))[screen.col_index]
    cards = view.cards
    if cards.cursor is None:
        return None
    return str(cards.cards[cards.cursor]["key"])


def column_lines(app: PmoApp, column: str) -> list[str]:
    """The text of every line a column's CardList renders right now."""
    from pmo_tui.ui.screens.board import ColumnView

    screen = board_screen(app)
    for view in screen.query(ColumnView):
        if view.column.id == column:
            card_list = view.cards
            return [card_list.render_line(y).text for y in range(card_list.size.height)]
    raise AssertionError(f"no column {column}")


def column_header(app: PmoApp, column: str) -> str:
    from textual.widgets import Static

    from pmo_tui.ui.screens.board import ColumnView

    screen = board_screen(app)
    for view in screen.query(ColumnView):
        if view.column.id == column:
            return str(view.query_one(".column-header", Static).content)
    raise AssertionError(f"no column {column}")


def header_text(app: PmoApp) -> str:
    from pmo_tui.ui.widgets.header import PmoHeader

    header = board_screen(app).query_one(PmoHeader)
    return f"{header.left_text.plain} | {header.right_text.plain}"


def notes(app: PmoApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def screen_text(app: PmoApp) -> str:
    """Everything on the terminal as plain text, line by line (what export_screenshot
    draws, exported as text instead of SVG)."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text()


async def fast_keys(pilot: Pilot[Any], *keys: str) -> None:
    """Send keys as a fast typist would: all queued at once, then wait for the app.

    ``pilot.press`` waits for the process to go idle after every key (about 0.1 s each
    here); this queues them through the same driver path and waits once.  Use it for text
    in a field that is already focused, or for a burst of board keys; not across a key
    that opens a screen (the next keys would race the screen's mounting)."""
    import unicodedata

    from textual import events
    from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

    app = pilot.app
    driver = app._driver
    assert driver is not None
    for key in keys:
        name = _character_to_key(key) if len(key) == 1 and not key.isalnum() else key
        try:
            original = REPLACED_KEYS.get(name, name)
            char: str | None = unicodedata.lookup(_get_unicode_name_from_key(original))
        except KeyError:
            char = name if len(name) == 1 else None
        event = events.Key(name, char)
        event.set_sender(app)
        driver.send_message(event)
    await pilot.pause()
