"""The board defects found when pmo was tried as a new user would (issue 6), one test each,
plus the UI session's promises (announcements, the writer thread ends with the app)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.command import CommandList
from textual.widgets import Input
from ui_helpers import (
    USER,
    SmallBoard,
    board_screen,
    build_big_board,
    card_in_file,
    column_header,
    column_order,
    cursor,
    cursor_rendered,
    fast_keys,
    insert_active_sprint,
    notes,
    settle,
    shown,
    wait_for,
)

from pmo_tui.core.board import Board
from pmo_tui.core.change import Change, Patch
from pmo_tui.core.storage.jsonfile.store import Store
from pmo_tui.ui.app import PmoApp
from pmo_tui.ui.modals.card_form import CardForm
from pmo_tui.ui.screens.board import BoardScreen, ColumnView
from pmo_tui.ui.session import UiSession
from pmo_tui.ui.writer import Job

SIZE = (100, 30)
MakeApp = Callable[..., PmoApp]


def run(app: PmoApp, size: tuple[int, int] = SIZE) -> Any:
    return app.run_test(size=size, notifications=True)


async def palette(pilot: Any, text: str) -> None:
    """Open the palette, type ``text`` and run the first hit."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await fast_keys(pilot, *text)
    await wait_for(pilot, lambda: app.screen.query_one(CommandList).option_count > 0, what="hits")
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, BoardScreen), what="palette closed")
    await pilot.pause()


# -------------------------------------------------------------- switch project
async def test_switch_project_draws_the_new_board_at_once(
    small: SmallBoard, make_app: MakeApp
) -> None:
    board = Board(Store(small.path), USER)
    board.create_project("OPS", "Operations", template="kanban")
    Board(Store(small.path), USER, "OPS").add_card("Rotate the keys")
    app = make_app(small.path)
    async with run(app, size=(120, 30)) as pilot:
        await pilot.pause()
        await palette(pilot, "Switch project: OPS")
        screen = board_screen(app)
        ops = Board(Store(small.path), USER, "OPS").project()
        views = list(screen.query(ColumnView))
        assert [v.column.id for v in views] == [c.id for c in ops.columns]
        assert "OPS-1" in {k for keys in shown(app).values() for k in keys}  # no key pressed
        assert cursor(app) == ("OPS-1", 0)
        width = max(BoardScreen.MIN_COLUMN_WIDTH, (120 - len(views)) // len(views))
        assert {v.styles.width.value for v in views if v.styles.width} == {width}
        assert {v.size.width for v in views} == {width}  # laid out, not the old widths


# ------------------------------------------------------------------ J/K shown
async def test_reorder_under_a_filter_passes_the_visible_neighbour(
    small: SmallBoard, make_app: MakeApp
) -> None:
    Board(Store(small.path), USER).edit_card("PMO-3", tags=["ui"])  # PMO-2 stays hidden
    app = make_app(small.path)
    async with run(app) as pilot:
        await pilot.press("slash")
        await fast_keys(pilot, *"#ui")
        await pilot.press("enter")
        assert shown(app)["todo"] == ["PMO-1", "PMO-3"]
        await pilot.press("J")  # first press: it moves on screen
        assert shown(app)["todo"] == ["PMO-3", "PMO-1"]
        await settle(pilot)
        assert column_order(small.path, "todo") == ["PMO-2", "PMO-3", "PMO-1"]
        assert cursor(app) == ("PMO-1", 0)
        await pilot.press("K")
        await settle(pilot)
        assert shown(app)["todo"] == ["PMO-1", "PMO-3"]


async def test_reorder_in_the_sprint_view_passes_the_visible_neighbour(
    small: SmallBoard, make_app: MakeApp
) -> None:
    insert_active_sprint(small.path, ("PMO-1", "PMO-3"))
    app = make_app(small.path)
    async with run(app) as pilot:
        await pilot.pause()
        assert shown(app)["todo"] == ["PMO-1", "PMO-3"]
        await pilot.press("J")
        await settle(pilot)
        assert shown(app)["todo"] == ["PMO-3", "PMO-1"]


# ---------------------------------------------------------------- go to card
async def test_go_to_a_card_outside_the_sprint_view(small: SmallBoard, make_app: MakeApp) -> None:
    insert_active_sprint(small.path, ("PMO-1",))
    app = make_app(small.path)
    async with run(app) as pilot:
        await pilot.pause()
        assert shown(app)["review"] == []
        await palette(pilot, "Go to card PMO-6")
        assert cursor(app) == ("PMO-6", 2)
        assert cursor_rendered(app) == "PMO-6"
        assert board_screen(app).showing_all
        assert any("not in the sprint" in n for n in notes(app)), notes(app)


async def test_go_to_a_card_hidden_by_the_filter_or_archived(
    small: SmallBoard, make_app: MakeApp
) -> None:
    app = make_app(small.path)
    async with run(app) as pilot:
        await pilot.press("slash")
        await fast_keys(pilot, *"login")
        await pilot.press("enter")
        await palette(pilot, "Go to card PMO-5")
        assert cursor(app) == ("PMO-5", 1)
        assert board_screen(app).filter.text == ""
        assert any("filter cleared" in n.lower() for n in notes(app)), notes(app)
        Board(Store(small.path), "bob").archive("PMO-2")
        await wait_for(pilot, lambda: "PMO-2" not in shown(app)["todo"], what="archive seen")
        app.goto_card("PMO-2")  # e.g. a palette opened before bob archived it
        await pilot.pause()
        assert any("PMO-2 is archived" in n for n in notes(app)), notes(app)
        assert cursor(app) == ("PMO-5", 1)


# -------------------------------------------------------------- WIP header
async def test_wip_counts_the_column_not_the_filter(small: SmallBoard, make_app: MakeApp) -> None:
    Board(Store(small.path), USER).add_card("Third in progress", status="doing")
    app = make_app(small.path)
    async with run(app) as pilot:
        await pilot.pause()
        assert column_header(app, "doing").startswith("In Progress 3/3")
        await pilot.press("slash")
        await fast_keys(pilot, *"Refactor")
        await pilot.pause()
        # At 100 columns the name gives way to the counts: "In Progr… 3/3 · 1 shown".
        assert column_header(app, "doing").startswith("In Progr")
        assert "3/3 · 1 shown" in column_header(app, "doing")
        assert column_header(app, "review").startswith("Review 1/2 · 0 shown")


# -------------------------------------------------------------------- paging
async def test_page_keys_in_a_7000_card_column(db: Path, clock: Any, make_app: MakeApp) -> None:
    build_big_board(db, clock, 9400)  # 7050 in To Do
    app = make_app(db)
    async with run(app) as pilot:
        await pilot.pause()
        page = board_screen(app)._page_size()
        assert page >= 2
        await pilot.press("pagedown")
        assert cursor(app) == (f"PMO-{1 + page}", 0)
        await pilot.press("pagedown", "pageup", "pageup")
        assert cursor(app) == ("PMO-1", 0)
        await pilot.press("ctrl+d")
        assert cursor(app) == (f"PMO-{1 + page // 2}", 0)
        await pilot.press("ctrl+u")
        assert cursor(app) == ("PMO-1", 0)
        await pilot.press("G", "pageup")
        assert cursor(app) == (f"PMO-{7050 - page}", 0)
        await pilot.pause()
        assert cursor_rendered(app) == f"PMO-{7050 - page}"


# ----------------------------------------------------------------- feedback
async def test_archive_assign_sprint_say_what_they_did(
    small: SmallBoard, make_app: MakeApp
) -> None:
    insert_active_sprint(small.path, ("PMO-1", "PMO-2"))
    app = make_app(small.path)
    async with run(app) as pilot:
        await pilot.press("j", "a")  # PMO-2 is bob's
        await settle(pilot)
        assert "Assigned PMO-2 to you (was bob; u undoes)" in notes(app)
        assert card_in_file(small.path, "PMO-2")["assignee"] == USER
        await pilot.press("u")
        await settle(pilot)
        assert card_in_file(small.path, "PMO-2")["assignee"] == "bob"
        await pilot.press("s")  # out of the sprint: it leaves the sprint view, with a word
        await settle(pilot)
        said = [n for n in notes(app) if n.startswith("Took PMO-2 out of Sprint 1")]
        assert said and "v shows all" in said[0], notes(app)
        assert "PMO-2" not in shown(app)["todo"]
        await pilot.press("u")
        await settle(pilot)
        assert "PMO-2" in shown(app)["todo"]
        await pilot.press("k", "x")
        await settle(pilot)
        assert "Archived PMO-1 (u undoes)" in notes(app)
        assert any(n.startswith("Undid: ") for n in notes(app))


# ------------------------------------------------------------------ the form
async def test_edit_form_puts_the_cursor_at_the_end_of_the_title(
    small: SmallBoard, make_app: MakeApp
) -> None:
    app = make_app(small.path)
    async with run(app) as pilot:
        await pilot.press("e")
        assert isinstance(app.screen, CardForm)
        title = app.screen.query_one("#f-title", Input)
        assert title.selection.is_empty
        await fast_keys(pilot, *" today")
        await pilot.press("enter")
        await settle(pilot)
        assert card_in_file(small.path, "PMO-1")["title"] == "Write the login page today"


# ------------------------------------------------------------------- palette
async def test_palette_lists_pmo_commands_before_textual_ones(
    small: SmallBoard, make_app: MakeApp
) -> None:
    app = make_app(small.path)
    async with run(app, size=(100, 60)) as pilot:
        await pilot.press("ctrl+p")
        await wait_for(
            pilot, lambda: app.screen.query_one(CommandList).option_count > 10, what="list"
        )
        await pilot.pause()
        options = app.screen.query_one(CommandList)
        prompts = [
            str(options.get_option_at_index(i).prompt).split("\n")[0]
            for i in range(options.option_count)
        ]
        textual = [i for i, p in enumerate(prompts) if p.startswith(("Keys", "Screenshot"))]
        ours = [i for i, p in enumerate(prompts) if p.startswith(("Archive", "Switch project"))]
        assert textual and ours, prompts
        assert max(ours) < min(textual), prompts


# -------------------------------------------------------------- keys 2 to 5
async def test_keys_two_to_five_open_their_screens_and_one_comes_back(
    small: SmallBoard, make_app: MakeApp
) -> None:
    app = make_app(small.path)
    async with run(app) as pilot:
        for key, screen in [
            ("2", "BacklogScreen"),
            ("3", "SprintScreen"),
            ("4", "TimesheetScreen"),
            ("5", "BurndownScreen"),
        ]:
            await pilot.press(key)
            await pilot.pause()
            assert type(app.screen).__name__ == screen
            await pilot.press("1")
            await pilot.pause()
            assert isinstance(app.screen, BoardScreen)
            assert cursor(app) == ("PMO-1", 0)


# ------------------------------------------------------------ bindings as data
def test_every_binding_has_an_id_and_a_tooltip() -> None:
    """Every screen and modal of the app, found by walking the packages (a new one is
    checked without being listed here)."""
    import importlib
    import inspect
    import pkgutil

    from textual.screen import Screen

    import pmo_tui.ui.modals
    import pmo_tui.ui.screens

    owners: set[type] = {PmoApp}
    for package in (pmo_tui.ui.screens, pmo_tui.ui.modals):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, Screen) and cls.__module__ == module.__name__:
                    owners.add(cls)
    assert {"BoardScreen", "BacklogScreen", "SprintScreen", "CardForm"} <= {
        o.__name__ for o in owners
    }
    for owner in owners:
        for binding in vars(owner).get("BINDINGS", []):  # pmo's own, not Textual's
            assert not isinstance(binding, tuple), (owner, binding)
            assert binding.id and binding.tooltip, (owner.__name__, binding)


# ---------------------------------------------------------------- the session
def test_undo_announcement_carries_the_change_notes(small: SmallBoard) -> None:
    """Core puts 'status left as is: changed by USER since' in an undo's notes."""
    session = UiSession(Board(Store(small.path), USER), lambda job: None, paint_first=0)
    try:
        job = Job("move PMO-12", lambda: None, kind="undo")
        session.pending.append(job)
        job.result = Change(
            "move PMO-12",
            [Patch("cards", "PMO-12", {"status": "doing"}, {"status": "todo"})],
            ["status left as is: changed by bob since"],
            "PMO-12",
        )
        outcome = session.finish(job)
        assert outcome.notices == [
            ("Undid: move PMO-12 — status left as is: changed by bob since", "information")
        ]
        assert session.pending == []
    finally:
        session.stop()


async def test_the_writer_thread_ends_with_the_app(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path)
    async with run(app) as pilot:
        await pilot.press("L")
        assert app.session.writer.alive
    assert not app.session.writer.alive
    assert card_in_file(small.path, "PMO-1")["status"] == "doing"
