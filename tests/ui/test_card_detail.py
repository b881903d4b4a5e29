"""The card detail (issue 8 point 5, issue 9 point 4): `enter` on a board card opens it;
fields, time entries against the estimate and the history as a person writes them; `e`
edits and comes back, `t` starts and stops the card's timer, escape goes back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.widgets import Input
from ui_helpers import (
    USER,
    SmallBoard,
    card_in_file,
    fast_keys,
    notes,
    pmo_cli_async,
    screen_text,
    settle,
    tables,
    wait_for,
)

from pmo_tui.core.board import Board
from pmo_tui.core.storage.jsonfile.store import Store
from pmo_tui.ui.app import PmoApp
from pmo_tui.ui.modals.card_form import CardForm
from pmo_tui.ui.screens.board import BoardScreen
from pmo_tui.ui.screens.card_detail import CardDetailScreen

MakeApp = Callable[..., PmoApp]


async def detail_text(pilot: Any, app: PmoApp) -> str:
    """The detail as drawn once the worker has read the card's time and history (for the
    data as it is now)."""
    screen = app.screen
    assert isinstance(screen, CardDetailScreen), screen

    def read() -> bool:
        screen.card()  # asks for a read if the data changed since
        found = screen._found
        return found is not None and found[0] == app.generation and not screen._reading

    await wait_for(pilot, read, what="the card's time and history")
    await pilot.pause()  # and drawn
    doc = screen.card()
    assert doc is not None
    return screen.render_card(doc).plain


def worked_card(path: Path, clock: Any) -> None:
    """PMO-1 with an estimate, a tag added, bob's edit, and two entries (one across
    midnight)."""
    board = Board(Store(path), USER, clock=clock)
    board.edit_card("PMO-1", estimate="4h", add_tags=["urgent"], description="line1\nline2")
    Board(Store(path), "bob", clock=clock).edit_card("PMO-1", points=3)
    board.log_time(
        "PMO-1",
        start=datetime(2026, 11, 18, 23, 30, tzinfo=UTC),
        end=datetime(2026, 11, 19, 0, 45, tzinfo=UTC),
        note="late fix",
    )
    board.log_time(
        "PMO-1",
        start=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
        end=datetime(2026, 11, 20, 10, 15, tzinfo=UTC),
    )


async def test_enter_opens_the_card_as_a_person_reads_it(
    small: SmallBoard, make_app: MakeApp, clock: Any
) -> None:
    worked_card(small.path, clock)
    app = make_app(small.path)
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CardDetailScreen)
        text = await detail_text(pilot, app)
        lines = text.splitlines()
        assert lines[0] == "PMO-1  Write the login page"
        for line in (
            "status    To Do",
            "points    3",
            "estimate  4h",
            "spent     2h30m of 4h (62%)",
            "assignee  ann",
            "priority  high",
            "tags      #ui #urgent",
            "sprint    -",
            "line1",
            "line2",
            "Time  2h30m of 4h (62%)",
            "  2026-11-18 23:30 - 2026-11-19 00:45   1h15m  ann  late fix",
            "  2026-11-20 09:00 - 10:15   1h15m  ann",
        ):
            assert line in lines, (line, lines)
        assert any(x.startswith("updated   2026-11-20 15:00  (just now)") for x in lines)
        history = [x for x in lines if x.startswith("  2026-")]
        assert any(x.endswith("tags: +urgent") for x in history), history
        assert any(x.endswith("estimate 4h") for x in history), history
        assert any("bob  points 3" in x for x in history), history
        assert "['" not in text and "\\n" not in text and "estimate=" not in text
        assert "spent     2h30m of 4h (62%)" in screen_text(app)  # drawn, not just built
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)


async def test_e_edits_from_the_detail_and_comes_back(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("j", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CardDetailScreen) and app.screen.key == "PMO-2"
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, CardForm)
        assert form.query_one("#f-title", Input).value == "Fix crash on save"
        await pilot.press("ctrl+u")
        await fast_keys(pilot, *"Crash fixed")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CardDetailScreen)
        assert card_in_file(small.path, "PMO-2")["title"] == "Crash fixed"
        text = await detail_text(pilot, app)
        assert text.startswith("PMO-2  Crash fixed")
        assert "title: Crash fixed" in text  # the history line, as a person writes it
        assert "Crash fixed" in screen_text(app)


async def test_t_starts_and_stops_the_cards_timer(
    small: SmallBoard, make_app: MakeApp, clock: Any
) -> None:
    app = make_app(small.path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("enter", "t")
        await settle(pilot)
        running = [e for e in tables(small.path)["time_entries"].values() if not e.get("end")]
        assert [(e["card"], e["user"]) for e in running] == [("PMO-1", USER)]
        assert "running" in await detail_text(pilot, app)
        clock.advance(minutes=25)
        await pilot.press("t")
        await settle(pilot)
        entries = list(tables(small.path)["time_entries"].values())
        assert len(entries) == 1 and entries[0]["end"]
        text = await detail_text(pilot, app)
        assert "running" not in text and "spent     25m" in text
        assert isinstance(app.screen, CardDetailScreen)
        assert notes(app)


async def test_hostile_text_is_shown_literally(
    small: SmallBoard, make_app: MakeApp, clock: Any
) -> None:
    hostile = "[bold red]x[/] \x1b[31mred\u202e"
    Board(Store(small.path), "[b]eve[/b]", clock=clock).edit_card(
        "PMO-1", title=hostile.replace("\x1b", "").replace("\u202e", ""), tags=["[b]"]
    )
    store = Store(small.path)  # a hand-edited description: control characters stored
    with store.transaction():
        doc_id = store.card_doc_id("PMO-1")
        assert doc_id is not None
        store.update("cards", doc_id, {"description": hostile})
    app = make_app(small.path)
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        text = await detail_text(pilot, app)
        assert "[bold red]x[/] [31mred" in text.splitlines()[0]
        assert "[bold red]x[/] \\x1b[31mred\\u202e" in text
        assert "\x1b" not in text and "\u202e" not in text
        assert "#[b]" in text and "[b]eve[/b]" in text
        shown = screen_text(app)
        assert "[bold red]x[/]" in shown and "\\x1b[31mred" in shown


async def test_the_detail_redraws_when_a_teammate_changes_the_card(
    small: SmallBoard, make_app: MakeApp
) -> None:
    app = make_app(small.path)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.press("enter", "G")
        await pilot.pause()
        await pmo_cli_async(small.path, "edit", "PMO-1", "--title", "Renamed by bob")
        await wait_for(pilot, lambda: "Renamed by bob" in screen_text(app), what="bob's title")
        assert isinstance(app.screen, CardDetailScreen)
        # The history line follows once the worker has read the history again.
        await wait_for(
            pilot, lambda: "bob  title: Renamed by bob" in screen_text(app), what="history"
        )
