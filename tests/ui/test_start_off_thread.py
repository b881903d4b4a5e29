"""The app's start: no time entry or history event is parsed on the UI thread (the running
timer is looked up on a worker after the first frame), and pmo.tcss is parsed once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.css import stylesheet as textual_stylesheet
from ui_helpers import (
    USER,
    Clock,
    header_text,
    pmo_cli_async,
    screen_text,
    settle,
    wait_for,
)

from pmo_tui.core.board import Board
from pmo_tui.core.storage.jsonfile.backend import JsonFileStorage
from pmo_tui.core.storage.jsonfile.layout import Tables
from pmo_tui.core.storage.jsonfile.store import Store
from pmo_tui.ui.app import PmoApp

HISTORY = {"time_entries", "events"}


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, bool]]]:
    """(table, parsed on the UI thread) for every table parsed from here on."""
    seen: list[tuple[str, bool]] = []
    parse = Tables._parse

    def recording(self: Tables, name: str) -> dict[str, Any]:
        seen.append((name, threading.current_thread() is threading.main_thread()))
        return parse(self, name)

    monkeypatch.setattr(Tables, "_parse", recording)
    yield seen


@pytest.fixture
def scanned(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, bool]]]:
    """(table, on the UI thread) for every whole table read from here on, parsed or from
    the cache: a pass over all its rows (a worker may have parsed the table already)."""
    seen: list[tuple[str, bool]] = []
    rows = JsonFileStorage._rows

    def recording(self: JsonFileStorage, table: str) -> dict[str, Any]:
        seen.append((table, threading.current_thread() is threading.main_thread()))
        return rows(self, table)

    monkeypatch.setattr(JsonFileStorage, "_rows", recording)
    yield seen


async def test_start_parses_no_entries_or_events_on_the_ui_thread(
    demo_db: Path, clock: Clock, make_app: Callable[..., PmoApp], parsed: list[tuple[str, bool]]
) -> None:
    board = Board(Store(demo_db), USER, clock=clock)
    sprint = board.active_sprint()
    assert sprint is not None
    key = next(d["key"] for d in board.card_docs() if d.get("sprint") == sprint.id)
    board.start_timer(key)
    parsed.clear()
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.board.card_docs()  # the board is drawn from the cards
        # The timer shows once the worker found it (in the header and on its card).
        await wait_for(pilot, lambda: f"⏱ {key}" in header_text(app), what="my timer")
        assert "⏱" in screen_text(app).split("\n", 1)[1]  # below the header: its card
    # (With an index of running timers the entries may not be parsed at all.)
    on_ui = {name for name, ui in parsed if ui}
    assert not on_ui & HISTORY, f"parsed on the UI thread: {sorted(on_ui & HISTORY)}"


async def test_a_timer_started_elsewhere_shows_after_the_reload(
    demo_db: Path, make_app: Callable[..., PmoApp], parsed: list[tuple[str, bool]]
) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app._timer[0] >= 0, what="the first lookup")
        assert "⏱" not in header_text(app)
        key = app.board.card_docs()[1]["key"]
        await pmo_cli_async(demo_db, "start", key, user=USER)  # my timer, from the CLI
        await wait_for(pilot, lambda: f"⏱ {key}" in header_text(app), what="the reload")
    on_ui = {name for name, ui in parsed if ui}
    assert not on_ui & HISTORY, f"parsed on the UI thread: {sorted(on_ui & HISTORY)}"


async def test_pmo_tcss_is_parsed_once_before_the_first_frame(
    small: Any, make_app: Callable[..., PmoApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    parses: list[str] = []
    parse_rules = textual_stylesheet.Stylesheet._parse_rules

    def counting(self: Any, css: str, read_from: Any, *args: Any, **kwargs: Any) -> Any:
        key = (css, read_from, *args, *kwargs.values())
        if str(read_from[0]).endswith("pmo.tcss") and key not in self._parse_cache:
            parses.append(str(read_from[0]))
        return parse_rules(self, css, read_from, *args, **kwargs)

    monkeypatch.setattr(textual_stylesheet.Stylesheet, "_parse_rules", counting)
    app = make_app(small.path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert len(parses) == 1
        background = app.screen.styles.background
        # Another theme: new variables, so everything is parsed again and restyled.
        other = next(name for name in app.available_themes if name != app.theme)
        app.theme = other
        await pilot.pause()
        await pilot.pause()
        assert len(parses) == 2
        assert app.screen.styles.background != background


async def test_the_card_detail_reads_time_and_history_on_a_worker(
    demo_db: Path, make_app: Callable[..., PmoApp], parsed: list[tuple[str, bool]]
) -> None:
    from pmo_tui.ui.screens.card_detail import CardDetailScreen

    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, CardDetailScreen)
        await wait_for(pilot, lambda: screen._found is not None, what="the worker's read")
        await pilot.pause()
        text = screen_text(app)
        assert "History" in text and "reading…" not in text
        assert "created" in text.split("History", 1)[1]  # the card's first event
    on_ui = {name for name, ui in parsed if ui}
    assert not on_ui & HISTORY, f"parsed on the UI thread: {sorted(on_ui & HISTORY)}"


async def test_a_resize_still_re_lays_and_redraws_the_board(
    small: Any, make_app: Callable[..., PmoApp]
) -> None:
    from pmo_tui.ui.screens.board import ColumnView

    app = make_app(small.path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        wide = [v.styles.width for v in app.screen.query(ColumnView)]
        before = screen_text(app)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        narrow = [v.styles.width for v in app.screen.query(ColumnView)]
        assert narrow != wide
        after = screen_text(app)
        assert len(after.splitlines()[0]) < len(before.splitlines()[0])
        assert "PMO-1" in after and "PMO-7" in after  # every column's cards still drawn


async def test_the_sprint_screen_reads_scope_change_on_a_worker(
    demo_db: Path, make_app: Callable[..., PmoApp], parsed: list[tuple[str, bool]]
) -> None:
    from pmo_tui.ui.screens.sprint import SprintScreen

    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("3")
        screen = app.screen
        assert isinstance(screen, SprintScreen)
        await wait_for(pilot, lambda: screen.summary is not None, what="the active sprint's")
        await pilot.pause()
        text = screen_text(app)
        assert "Sprint 3  active" in text and "reading…" not in text
    on_ui = {name for name, ui in parsed if ui}
    assert not on_ui & HISTORY, f"parsed on the UI thread: {sorted(on_ui & HISTORY)}"


async def test_the_close_preview_reads_the_events_on_a_worker(
    demo_db: Path, make_app: Callable[..., PmoApp], scanned: list[tuple[str, bool]]
) -> None:
    """`C` on the active sprint: its report replays every scope event since the start,
    read by a worker; the dialog opens with it once read, and behaves as before."""
    from textual.widgets import OptionList, Static

    from pmo_tui.ui.modals.close_sprint import CloseSprintScreen
    from pmo_tui.ui.screens.sprint import SprintScreen

    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("3")
        sprints = app.screen
        assert isinstance(sprints, SprintScreen)
        await pilot.press("C", "C")  # a second press while it reads opens no second one
        await wait_for(pilot, lambda: isinstance(app.screen, CloseSprintScreen), what="the dialog")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, CloseSprintScreen)
        preview = str(modal.query_one("#close-report-text", Static).content)
        assert "Committed" in preview and "Not completed" in preview
        assert modal.query_one(OptionList).option_count == 3
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is sprints  # one dialog, closed: the sprint screen again
        assert "Sprint 3  active" in screen_text(app)  # still open
    on_ui = {name for name, ui in scanned if ui}
    assert not on_ui & HISTORY, f"read whole on the UI thread: {sorted(on_ui & HISTORY)}"


TOUR = (
    # the sprint screen: another sprint, the forms
    "3", "j", "k", "e", "escape", "n", "escape",
    # the timesheet: log form, whose, the week before, a cell's entries
    "4", "n", "escape", "w", "escape", "left_square_bracket", "l", "e", "escape",
    # the burndown: the sprint before, velocity, units
    "5", "left_square_bracket", "b", "m", "b",
    # the board: a card's detail, a move undone and redone, a timer started, stopped, undone
    "1", "enter", "escape", "L", "u", "ctrl+r", "t", "t", "u",
    # the palette and the help
    "ctrl+p", "escape", "question_mark", "escape",
)  # fmt: skip


async def test_a_tour_of_every_screen_reads_no_history_whole_on_the_ui_thread(
    demo_db: Path, make_app: Callable[..., PmoApp], scanned: list[tuple[str, bool]]
) -> None:
    app = make_app(demo_db)
    on_ui: list[tuple[str, str]] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for key in TOUR:
            where = type(app.screen).__name__
            await pilot.press(key)
            await settle(pilot)
            on_ui += [(f"{key} on {where}", name) for name, ui in scanned if ui]
            scanned.clear()
        assert type(app.screen).__name__ == "BoardScreen"
    history = [(step, name) for step, name in on_ui if name in HISTORY]
    assert not history, f"read whole on the UI thread: {history}"


def test_a_real_run_pauses_the_cycle_collector_until_the_first_frame(
    small: Any, make_app: Callable[..., PmoApp]
) -> None:
    """`run()` (not run_test): no cycle collection before the first frame; then the
    start-up objects are frozen and collection is back on, and on after the run."""
    import gc

    seen: dict[str, Any] = {}
    app = make_app(small.path)
    first_frame = app._first_frame_painted

    def painted() -> None:
        seen["until the first frame"] = gc.isenabled()
        first_frame()

    app._first_frame_painted = painted  # type: ignore[method-assign]

    async def auto_pilot(pilot: Any) -> None:
        await wait_for(pilot, lambda: app._painted, what="the first frame")
        seen["after the first frame"] = (gc.isenabled(), gc.get_freeze_count() > 0)
        app.exit()

    assert gc.isenabled()
    try:
        app.run(headless=True, size=(100, 30), auto_pilot=auto_pilot)
        assert gc.isenabled()
    finally:
        gc.unfreeze()  # this test process keeps collecting everything
        gc.enable()
    assert seen == {"until the first frame": False, "after the first frame": (True, True)}


async def test_close_from_the_palette_opens_the_dialog(
    demo_db: Path, make_app: Callable[..., PmoApp]
) -> None:
    from textual.command import CommandList

    from pmo_tui.ui.modals.close_sprint import CloseSprintScreen

    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("3", "ctrl+p")
        await wait_for(pilot, lambda: bool(app.screen.query(CommandList)), what="the palette")
        await pilot.press(*"Close")
        await wait_for(
            pilot,
            lambda: app.screen.query_one(CommandList).option_count > 0,
            what="the command",
        )
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CloseSprintScreen), what="the dialog")
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "SprintScreen"


def test_pmo_app_imports_without_cycle_collection_and_gives_it_back(
    small: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`pmo app` (run_app): paused while it imports and opens the file; on again for
    run() (which pauses it itself until the first frame) and after."""
    import argparse
    import gc

    from pmo_tui.ui import run as run_module

    seen: list[bool] = []
    monkeypatch.setattr(PmoApp, "run", lambda self, *a, **k: seen.append(gc.isenabled()))
    monkeypatch.setenv("PMO_CONFIG", str(tmp_path / "none.toml"))
    loads = run_module._run_app

    def opening(args: argparse.Namespace, gc_enabled: bool) -> int:
        seen.append(gc.isenabled())
        return loads(args, gc_enabled)

    monkeypatch.setattr(run_module, "_run_app", opening)
    args = argparse.Namespace(db=str(small.path), project=None, theme=None)
    assert run_module.run_app(args) == 0
    assert seen == [False, True]
    assert gc.isenabled()
