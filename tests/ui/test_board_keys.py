"""Every board key of SPEC section 4, pressed the way a person does, with its effect checked
on the screen (cursor, columns, header, notifications) and in the data file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static
from ui_helpers import (
    USER,
    SmallBoard,
    all_shown,
    board_screen,
    card_in_file,
    cards_by_key,
    column_header,
    column_lines,
    column_order,
    cursor,
    cursor_rendered,
    events_of,
    fast_keys,
    header_text,
    insert_active_sprint,
    notes,
    screen_text,
    settle,
    shown,
    tables,
    wait_for,
)

from pmo_tui.core.board import Board
from pmo_tui.core.storage.jsonfile.store import Store
from pmo_tui.ui.app import PmoApp
from pmo_tui.ui.modals.card_form import CardForm
from pmo_tui.ui.modals.confirm import ConfirmScreen
from pmo_tui.ui.modals.help import HelpScreen
from pmo_tui.ui.modals.prompt import PromptScreen
from pmo_tui.ui.screens.board import BoardScreen
from pmo_tui.ui.screens.card_detail import CardDetailScreen
from pmo_tui.ui.widgets.header import PmoHeader

SIZE = (100, 30)
MakeApp = Callable[..., PmoApp]


def run(app: PmoApp, size: tuple[int, int] = SIZE) -> Any:
    return app.run_test(size=size, notifications=True)


# ----------------------------------------------------------------------------- cursor
async def test_start_cursor_and_columns(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path)
    async with run(app) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        assert shown(app) == small.keys
        assert cursor(app) == ("PMO-1", 0)
        assert cursor_rendered(app) == "PMO-1"
        assert column_header(app, "todo").startswith("To Do 3")
        assert column_header(app, "doing").startswith("In Progress 2/3")
        assert "PMO" in header_text(app)
        assert "Fri 20 Nov 15:00" in header_text(app)


async def test_cursor_keys(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path)
    before = tables(small.path)
    async with run(app) as pilot:
        await pilot.pause()
        for left, down, up, right in [("h", "j", "k", "l"), ("left", "down", "up", "right")]:
            await _cursor_tour(pilot, left, down, up, right)
    assert tables(small.path) == before  # moving the cursor writes nothing


async def _cursor_tour(pilot: Any, left: str, down: str, up: str, right: str) -> None:
    app = pilot.app
    steps = [
        (down, ("PMO-2", 0)),
        (down, ("PMO-3", 0)),
        (down, ("PMO-3", 0)),  # stops at the bottom
        (up, ("PMO-2", 0)),
        (up, ("PMO-1", 0)),
        (up, ("PMO-1", 0)),  # stops at the top
        (right, ("PMO-4", 1)),
        (down, ("PMO-5", 1)),
        (right, ("PMO-6", 2)),  # only one card there
        (right, ("PMO-7", 3)),
        (right, ("PMO-7", 3)),  # stops at the last column
        (left, ("PMO-6", 2)),
        (left, ("PMO-4", 1)),
        (left, ("PMO-1", 0)),
        (left, ("PMO-1", 0)),
    ]
    for key, expected in steps:
        await pilot.press(key)  # press waits until the app is idle again
        assert cursor(app) == expected, key
        assert cursor_rendered(app) == expected[0], key


async def test_first_and_last(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path)
    async with run(app) as pilot:
        await pilot.press("G")
        assert cursor(app) == ("PMO-3", 0)
        await pilot.press("g")
        assert cursor(app) == ("PMO-1", 0)
        await pilot.press("l", "G")
        assert cursor(app) == ("PMO-5", 1)
        await pilot.press("g")
        assert cursor(app) == ("PMO-4", 1)
        await pilot.pause()
        assert cursor_rendered(app) == "PMO-4"


# ------------------------------------------------------------------------------ moves
async def test_move_card_between_columns(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path)
    path = small.path
    async with run(app) as pilot:
        for right, left in [("L", "H"), ("shift+right", "shift+left")]:
            for key, column, index in [
                (right, "doing", 1),
                (right, "review", 2),
                (left, "doing", 1),
                (left, "todo", 0),
            ]:
                await pilot.press(key)
                await settle(pilot)
                assert card_in_file(path, "PMO-1")["status"] == column, key
                assert cursor(app) == ("PMO-1", index), key  # a moved card keeps the cursor
                assert "PMO-1" in shown(app)[column]
            await pilot.press(left)  # nothing left of the first column
            await settle(pilot)
            assert card_in_file(path, "PMO-1")["status"] == "todo"
        moves = [(e["from"], e["to"]) for e in events_of(path, "PMO-1", "moved")]
        assert moves == 2 * [
            ("todo", "doing"),
            ("doing", "review"),
            ("review", "doing"),
            ("doing", "todo"),
        ]
        assert card_in_file(path, "PMO-1")["started"] is not None


async def test_move_over_wip_limit_warns_but_moves(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path)
    async with run(app) as pilot:
        await pilot.press("L")  # doing: 3 of 3
        await settle(pilot)
        assert column_header(app, "doing").startswith("In Progress 3/3")
        await pilot.press("h", "L")  # PMO-2 makes 4 of 3
        await settle(pilot)
        assert card_in_file(small.path, "PMO-2")["status"] == "doing"
        assert "In Progress 4/3!" in column_header(app, "doing")
        assert any("WIP" in n and "In Progress" in n for n in notes(app)), notes(app)


async def test_reorder_within_column(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path)
    path = small.path
    async with run(app) as pilot:
        for down, up in [("J", "K"), ("shift+down", "shift+up")]:
            for key, order in [
                (down, ["PMO-2", "PMO-1", "PMO-3"]),
                (down, ["PMO-2", "PMO-3", "PMO-1"]),
                (down, ["PMO-2", "PMO-3", "PMO-1"]),  # already last
                (up, ["PMO-2", "PMO-1", "PMO-3"]),
                (up, ["PMO-1", "PMO-2", "PMO-3"]),
            ]:
                await pilot.press(key)
                await settle(pilot)
                assert shown(app)["todo"] == order, key
                assert column_order(path, "todo") == order, key  # a fresh Board reads ranks
                assert cursor(app) == ("PMO-1", 0), key
                assert cursor_rendered(app) == "PMO-1", key
        assert card_in_file(path, "PMO-4")["status"] == "doing"  # other columns untouched


# -------------------------------------------------------------------------- the form
async def test_new_card_in_focused_column(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path)
    async with run(app) as pilot:
        await pilot.press("l", "n")
        await pilot.pause()
        assert isinstance(app.screen, CardForm)
        await fast_keys(pilot, *"Write the tests")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        card = card_in_file(small.path, "PMO-8")
        assert card["title"] == "Write the tests"
        assert card["status"] == "doing"
        assert card["archived"] is False
        assert events_of(small.path, "PMO-8", "created")
        assert "PMO-8" in shown(app)["doing"]
        assert cursor(app) == ("PMO-8", 1)  # a new card gets the cursor
        assert cursor_rendered(app) == "PMO-8"
        assert any("Write the tests" in line for line in column_lines(app, "doing"))


async def test_new_card_saved_with_ctrl_s_and_fields(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path)
    async with run(app) as pilot:
        await pilot.press("n")
        for text in ["Tagged card", "8", "1h30m", "2026-12-24", "api"]:
            await fast_keys(pilot, *text)
            await pilot.press("tab")
        await pilot.press("ctrl+s")
        await settle(pilot)
        card = card_in_file(small.path, "PMO-8")
        assert (card["title"], card["status"]) == ("Tagged card", "todo")
        assert (card["points"], card["estimate"], card["due"]) == (8, 90, "2026-12-24")
        assert card["tags"] == ["api"]
        assert cursor(app) == ("PMO-8", 0)


async def test_new_card_escape_saves_nothing(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path)
    before = tables(small.path)
    async with run(app) as pilot:
        await pilot.press("n")
        await fast_keys(pilot, *"Never mind")
        await pilot.press("escape")  # something was typed: it asks first
        assert isinstance(app.screen, ConfirmScreen)
        assert "Discard this new card?" in screen_text(app)
        await pilot.press("n")  # no: back to the form, the text still there
        assert isinstance(app.screen, CardForm)
        assert app.screen.query_one("#f-title", Input).value == "Never mind"
        await pilot.press("escape", "y")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("n", "escape")  # nothing typed: closes at once
        assert isinstance(app.screen, BoardScreen)
    assert tables(small.path) == before


async def test_form_rejects_invalid_fields(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path)
    before = tables(small.path)
    bad = {"points": "lots", "estimate": "soon", "due": "someday"}
    async with run(app) as pilot:
        await pilot.press("n")
        await fast_keys(pilot, *"Bad fields")
        for value in bad.values():
            await pilot.press("tab")
            await fast_keys(pilot, *value)
        form = app.screen
        assert isinstance(form, CardForm)
        for field, value in bad.items():
            assert form.query_one(f"#f-{field}", Input).value == value
        for key in ("enter", "ctrl+s"):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is form  # still open
            for field, value in bad.items():
                error = form.query_one(f"#e-{field}", Static)
                assert str(error.content).strip(), f"no error shown at {field}"
                assert error.has_class("shown"), field
                assert value in screen_text(app)
            assert not str(form.query_one("#e-title", Static).content).strip()
        # Fixing one field clears its error only; the form still refuses to save.
        await pilot.press("shift+tab", "shift+tab")  # back to points
        assert app.focused is form.query_one("#f-points", Input)
        await fast_keys(pilot, *"-3")  # the value is selected on focus: replaced
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is form
        assert form.query_one("#f-points", Input).value == "-3"
        assert str(form.query_one("#e-points", Static).content).strip()
        await pilot.press("escape", "y")  # things were typed: it asks before discarding
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
    assert tables(small.path) == before  # nothing saved


async def test_edit_title(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path)
    async with run(app) as pilot:
        await pilot.press("j")
        # `e` edits from the board; `enter` opens the card's detail, where `e` edits (SPEC 4
        # had enter edit too: issue 8 gives it to the card detail, as on every screen).
        for keys, title in [(("e",), "Fix the crash on save"), (("enter", "e"), "Crash fixed")]:
            key = keys[0]
            old = card_in_file(small.path, "PMO-2")["title"]
            for k in keys:
                await pilot.press(k)
                await pilot.pause()
            form = app.screen
            assert isinstance(form, CardForm), key
            assert form.query_one("#f-title", Input).value == old
            # The cursor is at the end of the title (typing adds to it): ctrl+u clears it.
            await pilot.press("ctrl+u")
            await fast_keys(pilot, *title)
            await pilot.press("enter")
            await settle(pilot)
            if key == "enter":
                assert isinstance(app.screen, CardDetailScreen)
                assert title in screen_text(app)
                await pilot.press("escape")
                await pilot.pause()
            assert isinstance(app.screen, BoardScreen)
            card = card_in_file(small.path, "PMO-2")
            assert card["title"] == title, key
            assert card["tags"] == ["bug"] and card["assignee"] == "bob"  # the rest is kept
            assert card["due"] == "2026-11-10"
            edited = events_of(small.path, "PMO-2", "edited")
            assert edited[-1]["from"]["title"] == old and edited[-1]["to"]["title"] == title
            assert cursor(app) == ("PMO-2", 0)
            assert any(title in line for line in column_lines(app, "todo"))


# --------------------------------------------------------------------- card actions
async def test_archive(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path)
    async with run(app) as pilot:
        await pilot.press("x")
        await settle(pilot)
        assert card_in_file(small.path, "PMO-1")["archived"] is True
        assert events_of(small.path, "PMO-1", "archived")
        assert shown(app)["todo"] == ["PMO-2", "PMO-3"]
        assert "PMO-1" not in all_shown(app)
        assert cursor(app) == ("PMO-2", 0)  # the cursor stays where it was
        assert not any("PMO-1 " in line for line in column_lines(app, "todo"))
        assert isinstance(app.screen, BoardScreen)  # archive asks nothing


async def test_timer_start_and_stop(small: SmallBoard, make_app: MakeApp, clock: Any) -> None:
    app = make_app(small.path, tick_interval=0.01)  # the header ticks on its own
    async with run(app) as pilot:
        await pilot.press("t")
        await settle(pilot)
        entries = list(tables(small.path)["time_entries"].values())
        assert len(entries) == 1
        entry = entries[0]
        assert (entry["card"], entry["user"], entry["end"]) == ("PMO-1", USER, None)
        assert "⏱ PMO-1 0:00" in header_text(app)
        assert "⏱" in column_lines(app, "todo")[0]
        clock.advance(minutes=25)
        await wait_for(pilot, lambda: "⏱ PMO-1 0:25" in header_text(app), what="header tick")
        await pilot.press("t")
        await settle(pilot)
        entry = next(iter(tables(small.path)["time_entries"].values()))
        assert entry["end"] is not None
        assert entry["end"] > entry["start"]
        assert "⏱" not in header_text(app)
        assert "⏱" not in column_lines(app, "todo")[0]
        assert any("0:25" in n for n in notes(app)), notes(app)


async def test_timer_long_run_flag_and_done_column_stops_it(
    small: SmallBoard, make_app: MakeApp, clock: Any
) -> None:
    app = make_app(small.path, tick_interval=0.01)
    async with run(app) as pilot:
        await pilot.press("l", "l", "t")  # PMO-6 in Review
        await settle(pilot)
        clock.advance(hours=10, minutes=5)
        await wait_for(pilot, lambda: "10:05" in header_text(app), what="header tick")
        assert "over 10 h" in header_text(app)  # SPEC 5: a timer over 10 hours is flagged
        await pilot.press("L")  # into Done: its timer stops
        await settle(pilot)
        entry = next(iter(tables(small.path)["time_entries"].values()))
        assert entry["card"] == "PMO-6"
        assert entry["end"] is not None
        assert "⏱" not in header_text(app)
        assert any("stopped" in n and "PMO-6" in n for n in notes(app)), notes(app)


async def test_assign_to_me_and_unassign(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path)
    async with run(app) as pilot:
        await pilot.press("G", "a")  # PMO-3 has no assignee
        await settle(pilot)
        assert card_in_file(small.path, "PMO-3")["assignee"] == USER
        assert any(f"@{USER}" in line for line in column_lines(app, "todo")[10:15])
        await pilot.press("a")
        await settle(pilot)
        assert card_in_file(small.path, "PMO-3")["assignee"] is None
        assert not any(f"@{USER}" in line for line in column_lines(app, "todo")[10:15])
        await pilot.press("k", "a")  # PMO-2 is bob's: `a` makes it mine
        await settle(pilot)
        assert card_in_file(small.path, "PMO-2")["assignee"] == USER


async def test_points_prompt(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path)
    path = small.path
    async with run(app) as pilot:
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("5", "enter")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        assert card_in_file(path, "PMO-1")["points"] == 5
        assert events_of(path, "PMO-1", "estimated")
        assert "8pt" in column_header(app, "todo")  # 5 + PMO-3's 3
        assert "5pt" in column_lines(app, "todo")[0]

        await pilot.press("p")
        await fast_keys(pilot, *"lots")  # "5" is selected, so typing replaces it
        await pilot.press("enter")
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        assert str(prompt.query_one("#prompt-error", Static).content).strip()
        await pilot.press("escape")
        await settle(pilot)
        assert card_in_file(path, "PMO-1")["points"] == 5

        await pilot.press("p", "backspace", "enter")  # empty clears
        await settle(pilot)
        assert card_in_file(path, "PMO-1")["points"] is None
        assert "pt" not in column_lines(app, "todo")[0]


async def test_sprint_toggle_and_view(small: SmallBoard, make_app: MakeApp) -> None:
    path = small.path
    sprint = insert_active_sprint(path, ("PMO-1", "PMO-4"))
    app = make_app(path)
    async with run(app) as pilot:
        await pilot.pause()
        # With an active sprint the board shows the sprint's cards.
        assert all_shown(app) == {"PMO-1", "PMO-4"}
        assert "Sprint 1" in header_text(app) and "sprint cards" in header_text(app)
        await pilot.press("v")
        await pilot.pause()
        assert shown(app) == small.keys
        assert "all open cards" in header_text(app)

        await pilot.press("j", "s")  # PMO-2 joins the sprint
        await settle(pilot)
        assert card_in_file(path, "PMO-2")["sprint"] == sprint
        assert events_of(path, "PMO-2", "sprint_added")
        await pilot.press("s")  # and leaves it
        await settle(pilot)
        assert card_in_file(path, "PMO-2")["sprint"] is None
        assert events_of(path, "PMO-2", "sprint_removed")

        await pilot.press("s", "v")  # in again; back to the sprint view
        await settle(pilot)
        assert all_shown(app) == {"PMO-1", "PMO-2", "PMO-4"}
        assert "sprint cards" in header_text(app)
        assert cursor(app) == ("PMO-2", 0)
        await pilot.press("k", "s")  # PMO-1 leaves: gone from the sprint view
        await settle(pilot)
        assert card_in_file(path, "PMO-1")["sprint"] is None
        assert all_shown(app) == {"PMO-2", "PMO-4"}

        await pilot.press("n")  # a card made on the sprint board belongs to the sprint
        await fast_keys(pilot, *"Sprint work")
        await pilot.press("enter")
        await settle(pilot)
        assert card_in_file(path, "PMO-8")["sprint"] == sprint
        assert cursor(app) == ("PMO-8", 0)


async def test_sprint_key_without_active_sprint_warns(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path)
    before = tables(small.path)
    async with run(app) as pilot:
        await pilot.press("s")
        await settle(pilot)
        assert any("active sprint" in n for n in notes(app)), notes(app)
    assert tables(small.path) == before


async def test_view_toggle_without_sprint(small: SmallBoard, make_app: MakeApp) -> None:
    """No active sprint: `v` says how to plan one (issue 8) instead of an empty view."""
    app = make_app(small.path)
    async with run(app) as pilot:
        await pilot.pause()
        assert "all open cards" in header_text(app)
        await pilot.press("v")
        await pilot.pause()
        assert shown(app) == small.keys  # still every open card
        assert "all open cards" in header_text(app)
        assert any(
            "No active sprint: plan one on the Sprint screen (3) or `pmo sprint new`" in n
            for n in notes(app)
        ), notes(app)
    assert not any(d["archived"] for d in tables(small.path)["cards"].values())


# ---------------------------------------------------------------------------- filter
FILTERS: list[tuple[str, set[str]]] = [
    ("LOGIN page", {"PMO-1"}),
    ("fix", {"PMO-2"}),  # an x typed into the filter does not archive anything
    ("@bob", {"PMO-2"}),
    ("#bug", {"PMO-2"}),
    ("is:mine", {"PMO-1", "PMO-4"}),
    ("is:overdue", {"PMO-2"}),
    ("is:mine #tech pmo-4", {"PMO-4"}),
    ("nothing-like-this", set()),
]


async def test_filter_as_you_type(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path)
    before = tables(small.path)
    everything = set().union(*small.keys.values())
    async with run(app) as pilot:
        screen = board_screen(app)
        for query, expected in FILTERS:
            await pilot.press("slash")
            await pilot.pause()
            field = screen.query_one("#filter-input", Input)  # the bar is made on first use
            assert screen.query_one("#filter-bar").display
            assert app.focused is field
            await fast_keys(pilot, *query[:-1])
            await pilot.press(query[-1])  # no enter needed
            assert field.value == query
            assert all_shown(app) == expected, query
            count = len(expected)
            label = f"{count} match{'es' if count != 1 else ''}"
            assert str(screen.query_one("#filter-count", Static).content) == label
            assert label in screen_text(app)
            await pilot.press("escape")
            await pilot.pause()
            assert all_shown(app) == everything
            assert not screen.query_one("#filter-bar").display
            assert field.value == ""
            assert app.focused is None
    assert tables(small.path) == before  # letters typed in the filter are not board keys


async def test_filter_kept_after_enter_and_keys_work(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path)
    async with run(app) as pilot:
        await pilot.press("slash", *"#ui", "enter")
        await pilot.pause()
        assert all_shown(app) == {"PMO-1"}
        assert app.focused is None
        await pilot.press("L")  # board keys work on the filtered board
        await settle(pilot)
        assert card_in_file(small.path, "PMO-1")["status"] == "doing"
        assert cursor(app) == ("PMO-1", 1)
        await pilot.press("escape")
        await pilot.pause()
        assert len(all_shown(app)) == 7


# ------------------------------------------------------------------------ undo / redo
def _state(path: Path) -> dict[str, Any]:
    """Cards and time entries as the file holds them (events are append-only history).

    ``updated`` is left out: undo is itself a change, stamped with its own time."""
    data = tables(path)
    cards = {
        d["key"]: {k: v for k, v in d.items() if k != "updated"} for d in data["cards"].values()
    }
    entries = sorted(data["time_entries"].values(), key=lambda e: e["id"])
    return {"cards": cards, "time_entries": entries}


UNDO_CASES: dict[str, tuple[str, ...]] = {
    "move": ("L",),
    "reorder": ("J",),
    "archive": ("x",),
    "edit": ("e", "A", "enter"),
    "assign": ("G", "a"),
    "points": ("p", "8", "enter"),
    "timer start": ("t",),
    "new card": ("n", "N", "enter"),
}


@pytest.mark.parametrize("case", list(UNDO_CASES))
async def test_undo_redo_round_trip(
    small: SmallBoard, make_app: MakeApp, clock: Any, case: str
) -> None:
    path = small.path
    app = make_app(path)
    async with run(app) as pilot:
        await pilot.pause()
        start = _state(path)
        clock.advance(minutes=5)
        await pilot.press(*UNDO_CASES[case])
        await settle(pilot)
        done = _state(path)
        assert done != start
        for _ in range(2 if case == "move" else 1):  # move: undo, redo, undo, redo
            clock.advance(minutes=5)
            app.clear_notifications()
            await pilot.press("u")
            await settle(pilot)
            undone = _state(path)
            visible = {k for k, d in undone["cards"].items() if not d["archived"]}
            if case == "new card":  # nothing is ever hard-deleted: undo archives it
                assert undone["cards"].pop("PMO-8")["archived"] is True
            assert undone == start, f"undo of {case}"
            assert any(n.startswith("Undid: ") for n in notes(app)), notes(app)
            assert all_shown(app) == visible
            clock.advance(minutes=5)
            app.clear_notifications()
            await pilot.press("ctrl+r")
            await settle(pilot)
            assert _state(path) == done, f"redo of {case}"
            assert any(n.startswith("Redid: ") for n in notes(app)), notes(app)


async def test_undo_timer_stop(small: SmallBoard, make_app: MakeApp, clock: Any) -> None:
    path = small.path
    app = make_app(path)
    async with run(app) as pilot:
        await pilot.press("t")
        await settle(pilot)
        clock.advance(minutes=40)
        running = _state(path)
        await pilot.press("t")
        await settle(pilot)
        stopped = _state(path)
        assert stopped["time_entries"][0]["end"] is not None
        await pilot.press("u")
        await settle(pilot)
        assert _state(path) == running  # running again
        assert "⏱ PMO-1 0:40" in header_text(app)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert _state(path) == stopped
        await pilot.press("u", "u")
        await settle(pilot)
        assert _state(path)["time_entries"] == []


async def test_undo_and_redo_with_empty_stacks(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path)
    before = tables(small.path)
    async with run(app) as pilot:
        await pilot.press("u")
        await pilot.pause()
        assert "Nothing to undo" in notes(app)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert "Nothing to redo" in notes(app)
    assert tables(small.path) == before


async def test_a_new_change_clears_redo(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path)
    async with run(app) as pilot:
        await pilot.press("L")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        app.clear_notifications()
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "Nothing to redo" in notes(app)
        assert card_in_file(small.path, "PMO-1")["status"] == "todo"


async def test_undo_105_moves(small: SmallBoard, make_app: MakeApp) -> None:
    path = small.path
    app = make_app(path)
    start = _state(path)

    def moved() -> int:
        return len(events_of(path, "PMO-1", "moved"))

    async with run(app) as pilot:
        await pilot.pause()
        # 105 moves, typed faster than they are written: the queue keeps them in order.
        await fast_keys(pilot, *["L" if n % 2 == 0 else "H" for n in range(105)])
        await wait_for(pilot, lambda: moved() == 105, timeout=60, what="105 moves saved")
        await settle(pilot)
        assert card_in_file(path, "PMO-1")["status"] == "doing"
        assert cursor(app) == ("PMO-1", 1)
        assert len(app.session.undo_stack) == 105
        await fast_keys(pilot, *["u"] * 105)
        await wait_for(pilot, lambda: moved() == 210, timeout=60, what="105 undos saved")
        await settle(pilot)
        assert _state(path) == start
        assert cursor(app) == ("PMO-1", 0)
        app.clear_notifications()
        await pilot.press("u")
        await pilot.pause()
        assert "Nothing to undo" in notes(app)
        await fast_keys(pilot, *["ctrl+r"] * 5)  # the redo stack holds them all
        await wait_for(pilot, lambda: moved() == 215, timeout=10, what="5 redos saved")
        await settle(pilot)
        assert card_in_file(path, "PMO-1")["status"] == "doing"
        assert len(app.session.redo_stack) == 100


# --------------------------------------------------------------- help, palette, quit
async def test_help_lists_keys_from_bindings(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path)
    async with run(app, size=(100, 60)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        text = screen_text(app)
        for word in ("Archive", "Undo", "Redo", "Filter", "Timer", "New", "Quit"):
            assert word in text, word
        listed = {label.split(" - ")[0] for _, label in help_screen.local + help_screen.glob}
        for binding in BoardScreen.BINDINGS:
            assert binding.description in listed, binding.description  # type: ignore[union-attr]
        keys = dict((label.split(" - ")[0], keys) for keys, label in help_screen.local)
        assert keys["Archive"] == "x"
        assert "shift" in keys["Move →"]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")  # ? closes it too
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)


async def test_header_keeps_view_label_while_a_modal_is_open(
    small: SmallBoard, make_app: MakeApp
) -> None:
    app = make_app(small.path, tick_interval=0.01)
    async with run(app) as pilot:
        await pilot.pause()
        assert "all open cards" in header_text(app)
        await pilot.press("question_mark")
        await pilot.pause(0.05)  # several header ticks while the help is open
        board_screen(app).query_one(PmoHeader).update_now()
        assert "all open cards" in header_text(app)


async def test_palette_go_to_card(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path)
    async with run(app) as pilot:
        for key, index in [("PMO-3", 0), ("PMO-6", 2)]:
            await pilot.press("ctrl+p")
            await pilot.pause()
            assert app.screen.id == "--command-palette"
            await fast_keys(pilot, *f"Go to card {key}")
            await wait_for(pilot, lambda k=key: f"Go to card {k}:" in screen_text(app), what="hit")
            await pilot.press("enter")
            await wait_for(
                pilot, lambda: isinstance(app.screen, BoardScreen), what="palette closed"
            )
            await pilot.pause()
            assert cursor(app) == (key, index)
            assert cursor_rendered(app) == key


async def test_one_is_the_board(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path)
    async with run(app) as pilot:
        await pilot.press("j", "1")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        assert cursor(app) == ("PMO-2", 0)


async def test_quit_waits_for_saves(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path, paint_first=0.05)  # the writes are still queued at `q`
    async with run(app) as pilot:
        await pilot.press("L", "j", "x", "q")
    assert app.return_code == 0
    data = cards_by_key(small.path)
    assert data["PMO-1"]["status"] == "doing"
    assert sum(d["archived"] for d in data.values()) == 1


async def test_demo_board_sprint_view(demo_db: Path, make_app: MakeApp) -> None:
    board = Board(Store(demo_db), USER)
    sprint = board.active_sprint()
    assert sprint is not None
    in_sprint = {d["key"] for d in board.card_docs() if d.get("sprint") == sprint.id}
    app = make_app(demo_db)
    async with run(app, size=(120, 40)) as pilot:
        await pilot.pause()
        header = header_text(app)
        from pmo_tui.core.reports.sprints import days_left

        left = days_left(sprint, app.now().astimezone().date())
        assert left is not None and left > 1
        assert f"{sprint.name} ({left} work days left)" in header  # as the sprint screen counts
        assert "sprint cards" in header
        assert all_shown(app) == in_sprint
        await pilot.press("v")
        await pilot.pause()
        assert all_shown(app) == {d["key"] for d in board.card_docs()}
        assert len(all_shown(app)) > len(in_sprint)
