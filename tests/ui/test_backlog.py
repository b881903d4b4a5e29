"""The backlog screen (key 2): planned sprints then the backlog, driven with keys only, and
checked on the screen and in the data file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.widgets import OptionList
from ui_helpers import (
    USER,
    SmallBoard,
    build_big_board,
    card_in_file,
    cards_by_key,
    fast_keys,
    notes,
    pmo_cli_async,
    settle,
    tables,
    wait_for,
)

from pmo_tui.core.board import Board
from pmo_tui.core.model import card_number
from pmo_tui.core.storage.jsonfile.store import Store
from pmo_tui.core.usecases import sprints
from pmo_tui.ui.app import PmoApp
from pmo_tui.ui.modals.card_form import CardForm
from pmo_tui.ui.modals.prompt import PromptScreen
from pmo_tui.ui.modals.sprint_picker import SprintPicker
from pmo_tui.ui.screens.backlog import BacklogScreen
from pmo_tui.ui.screens.card_detail import CardDetailScreen
from pmo_tui.ui.widgets.backlog_list import BacklogList
from pmo_tui.ui.widgets.header import PmoHeader

MakeApp = Callable[..., PmoApp]


def run(app: PmoApp, size: tuple[int, int] = (100, 30)) -> Any:
    return app.run_test(size=size, notifications=True)


def backlog(app: PmoApp) -> BacklogScreen:
    screen = app.screen
    assert isinstance(screen, BacklogScreen), screen
    return screen


def lines(app: PmoApp) -> list[str]:
    """Every line the backlog list renders right now."""
    view = backlog(app).query_one(BacklogList)
    return [view.render_line(y).text.rstrip() for y in range(view.size.height)]


def order(app: PmoApp) -> list[str]:
    """The rows as the list holds them: '# <header>' or a card key."""
    out = []
    for row in backlog(app).rows:
        if row.card is None:
            out.append("# " + row.group.title().plain)
        else:
            out.append(str(row.card["key"]))
    return out


def cursor_key(app: PmoApp) -> str | None:
    view = backlog(app).query_one(BacklogList)
    if view.cursor is None:
        return None
    card = view.rows[view.cursor].card
    return None if card is None else str(card["key"])


def summary(app: PmoApp) -> str:
    from textual.widgets import Static

    return str(backlog(app).query_one("#backlog-summary", Static).content)


def rank_order(path: Path) -> list[str]:
    """Open cards of the file in rank order (as a fresh reader sorts them)."""
    docs = [d for d in tables(path)["cards"].values() if not d.get("archived")]
    docs.sort(key=lambda d: (float(d["rank"]), card_number(d["key"])))
    return [d["key"] for d in docs]


async def open_backlog(pilot: Any) -> None:
    await pilot.press("2")
    await pilot.pause()
    await pilot.pause()


def plan(small: SmallBoard, clock: Any) -> None:
    """Sprint 'Now' active with PMO-1; 'Next' planned (capacity 2) with PMO-3 (3 pt) and
    PMO-5: over capacity by one point."""
    board = Board(Store(small.path), USER, clock=clock)
    s = board.session
    sprints.new_sprint(s, "Now")
    sprints.add_to_sprint(s, "Now", ["PMO-1"])
    sprints.start_sprint(s, "Now")
    sprints.new_sprint(s, "Next", capacity=2)
    sprints.add_to_sprint(s, "Next", ["PMO-3", "PMO-5"])


# ------------------------------------------------------------------ groups and totals
async def test_groups_totals_and_over_capacity(
    small: SmallBoard, clock: Any, make_app: MakeApp
) -> None:
    plan(small, clock)
    app = make_app(small.path)
    async with run(app) as pilot:
        await open_backlog(pilot)
        rows = order(app)
        # The active sprint's card (PMO-1) and the done card (PMO-7) are not here.
        assert [r for r in rows if not r.startswith("#")] == [
            "PMO-3",
            "PMO-5",
            "PMO-2",
            "PMO-4",
            "PMO-6",
        ]
        assert rows[0].startswith("# Next")
        assert "2 cards · 3 pt · committed 3/2 pt OVER by 1!" in rows[0]
        assert rows[3] == "# Backlog  3 cards · 0 pt"
        shown = lines(app)
        assert "Next" in shown[0] and "OVER by 1!" in shown[0]
        assert shown[1].startswith("▌") and "PMO-3" in shown[1] and "3pt" in shown[1]
        assert "Plan the release" in shown[1]
        assert "@bob" in shown[5] or "@bob" in " ".join(shown)  # PMO-2's assignee
        assert "#bug" in " ".join(shown)
        header = backlog(app).query_one(PmoHeader)
        assert "backlog" in header.left_text.plain
        assert "5 open cards outside the active sprint" in summary(app)


async def test_board_v_without_active_sprint_says_how_to_plan(
    small: SmallBoard, make_app: MakeApp
) -> None:
    app = make_app(small.path)
    async with run(app) as pilot:
        await pilot.press("v")
        await pilot.pause()
        assert any("plan one on the Sprint screen (3)" in n for n in notes(app)), notes(app)
        assert any("pmo sprint new" in n for n in notes(app))


# ------------------------------------------------------------------------- moving
async def test_cursor_keys_and_pages(db: Path, clock: Any, make_app: MakeApp) -> None:
    build_big_board(db, clock, 200)
    app = make_app(db)
    async with run(app, (80, 24)) as pilot:
        await open_backlog(pilot)
        assert cursor_key(app) == "PMO-1"
        await pilot.press("j", "j", "down")
        assert cursor_key(app) == "PMO-4"
        await pilot.press("k", "up")
        assert cursor_key(app) == "PMO-2"
        await pilot.press("G")
        assert cursor_key(app) == "PMO-200"
        assert any("PMO-200" in line for line in lines(app))  # scrolled to it
        await pilot.press("g")
        assert cursor_key(app) == "PMO-1"
        assert "PMO-1 " in lines(app)[1]
        await pilot.press("pagedown")
        page = backlog(app).query_one(BacklogList).page
        assert page > 5
        assert cursor_key(app) == f"PMO-{1 + page}"
        assert any(f"PMO-{1 + page} " in line for line in lines(app))
        await pilot.press("pageup")
        assert cursor_key(app) == "PMO-1"
        await pilot.press("k")  # at the top: stays (the header is not a stop)
        assert cursor_key(app) == "PMO-1"


async def test_reorder_relative_to_visible_neighbours_under_filter(
    small: SmallBoard, make_app: MakeApp
) -> None:
    app = make_app(small.path)
    async with run(app) as pilot:
        await open_backlog(pilot)
        await pilot.press("slash", *"the", "enter")
        await pilot.pause()
        # "the": PMO-1 (Write the login page), 3 (Plan the release), 4 (Refactor the
        # store), 6 (Review the docs); PMO-2 and PMO-5 are hidden between them.
        assert [r for r in order(app) if not r.startswith("#")] == [
            "PMO-1",
            "PMO-3",
            "PMO-4",
            "PMO-6",
        ]
        await pilot.press("j")
        assert cursor_key(app) == "PMO-3"
        await pilot.press("J")  # past PMO-4 (shown), not past hidden PMO-5 only
        await settle(pilot)
        assert [r for r in order(app) if not r.startswith("#")] == [
            "PMO-1",
            "PMO-4",
            "PMO-3",
            "PMO-6",
        ]
        assert cursor_key(app) == "PMO-3"
        file_order = rank_order(small.path)
        assert file_order.index("PMO-4") < file_order.index("PMO-3") < file_order.index("PMO-6")
        await pilot.press("K", "K")  # back past PMO-4, then past PMO-1: first
        await settle(pilot)
        assert next(r for r in order(app) if not r.startswith("#")) == "PMO-3"
        assert rank_order(small.path)[0] == "PMO-3"
        await pilot.press("K")  # already first: said, nothing written
        await settle(pilot)
        assert any("already first" in n for n in notes(app))
        await pilot.press("escape")  # clears the filter
        await pilot.pause()
        assert len([r for r in order(app) if not r.startswith("#")]) == 6
        assert cursor_key(app) == "PMO-3"


# ---------------------------------------------------------- selection and sprints
async def test_space_selects_and_counts(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path)
    async with run(app) as pilot:
        await open_backlog(pilot)
        await pilot.press("space", "space")
        assert backlog(app).selected == {"PMO-1", "PMO-2"}
        assert cursor_key(app) == "PMO-3"  # select moves on
        assert "2 selected" in summary(app)
        assert "2 selected" in backlog(app).query_one(PmoHeader).left_text.plain
        assert sum("✓" in line for line in lines(app)) == 2
        await pilot.press("k", "space")  # unselect PMO-2
        assert backlog(app).selected == {"PMO-1"}
        assert "1 selected" in summary(app)
        await pilot.press("escape")  # no filter: escape clears the selection
        assert not backlog(app).selected
        assert "selected" not in summary(app)


async def test_send_selection_to_planned_sprint_and_undo(
    small: SmallBoard, clock: Any, make_app: MakeApp
) -> None:
    plan(small, clock)
    app = make_app(small.path)
    async with run(app) as pilot:
        await open_backlog(pilot)
        await pilot.press("G", "k", "k")  # PMO-2 (the first in the backlog group)
        assert cursor_key(app) == "PMO-2"
        await pilot.press("space", "space")  # PMO-2 and PMO-4
        await pilot.press("s")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, SprintPicker)
        labels = [str(o.prompt) for o in picker.query_one(OptionList).options]
        assert labels[0].startswith("Next") and "planned" in labels[0]
        assert labels[1].startswith("Now") and "active" in labels[1]
        assert labels[2].startswith("new sprint...")
        await pilot.press("j", "k", "enter")  # Next (j/k move in the picker)
        await settle(pilot)
        assert isinstance(app.screen, BacklogScreen)
        cards = cards_by_key(small.path)
        made = tables(small.path)["sprints"].values()
        next_id = next(d["id"] for d in made if d["name"] == "Next")
        assert cards["PMO-2"]["sprint"] == next_id
        assert cards["PMO-4"]["sprint"] == next_id
        assert any("Sent 2 cards to Next" in n for n in notes(app)), notes(app)
        assert not backlog(app).selected
        rows = order(app)
        assert rows[0].startswith("# Next") and "4 cards" in rows[0]
        await pilot.press("u")
        await settle(pilot)
        cards = cards_by_key(small.path)
        assert cards["PMO-2"]["sprint"] is None and cards["PMO-4"]["sprint"] is None
        assert any(n.startswith("Undid:") for n in notes(app))
        assert "2 cards" in order(app)[0]


async def test_send_current_card_to_a_new_sprint(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path)
    async with run(app) as pilot:
        await open_backlog(pilot)
        await pilot.press("j")  # PMO-2, nothing selected: the cursor's card goes
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SprintPicker)
        await pilot.press("enter")  # no sprint yet: the first option is "new sprint..."
        await settle(pilot)
        made = list(tables(small.path)["sprints"].values())
        assert len(made) == 1
        sprint = made[0]
        assert sprint["name"] == "Sprint 1" and sprint["state"] == "planned"
        assert sprint["start"] > "2026-11-20"  # the next work day
        assert card_in_file(small.path, "PMO-2")["sprint"] == sprint["id"]
        assert order(app)[0].startswith("# Sprint 1")
        assert any("Planned Sprint 1" in n for n in notes(app)), notes(app)
        await pilot.press("u")  # one undo: the card back, the sprint gone
        await settle(pilot)
        assert card_in_file(small.path, "PMO-2")["sprint"] is None
        assert not tables(small.path)["sprints"]


# -------------------------------------------------------------------- x p n t
async def test_archive_points_new_and_timer(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path)
    async with run(app) as pilot:
        await open_backlog(pilot)
        await pilot.press("j")  # PMO-2
        await pilot.press("x")
        await settle(pilot)
        assert card_in_file(small.path, "PMO-2")["archived"] is True
        assert "PMO-2" not in order(app)
        assert cursor_key(app) == "PMO-3"  # the card now where it was
        assert any("Archived PMO-2" in n for n in notes(app))

        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("end", "backspace", "8", "enter")  # replace the 3
        await settle(pilot)
        assert card_in_file(small.path, "PMO-3")["points"] == 8
        assert any("PMO-3: 8 pt" in n for n in notes(app))

        await pilot.press("t")
        await settle(pilot)
        running = [e for e in tables(small.path)["time_entries"].values() if not e.get("end")]
        assert [(e["card"], e["user"]) for e in running] == [("PMO-3", USER)]
        assert any("⏱" in line and "PMO-3" in line for line in lines(app))
        await pilot.press("t")
        await settle(pilot)
        assert all(e.get("end") for e in tables(small.path)["time_entries"].values())
        assert any("Stopped the timer on PMO-3" in n for n in notes(app))

        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, CardForm)
        await pilot.press(*"Backlog idea", "enter")
        await settle(pilot)
        new = card_in_file(small.path, "PMO-8")
        assert new["title"] == "Backlog idea" and new["sprint"] is None
        assert cursor_key(app) == "PMO-8"  # the new card gets the cursor
        assert order(app)[-1] == "PMO-8"


async def test_enter_opens_the_card_and_edit_saves(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path)
    async with run(app) as pilot:
        await open_backlog(pilot)
        await pilot.press("enter")  # the card's detail (issue 8: enter opens the card)
        await pilot.pause()
        assert isinstance(app.screen, CardDetailScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BacklogScreen)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, CardForm)
        await pilot.press(*" now", "enter")
        await settle(pilot)
        assert card_in_file(small.path, "PMO-1")["title"] == "Write the login page now"
        assert isinstance(app.screen, BacklogScreen)
        assert any("Write the login page now" in line for line in lines(app))


# ---------------------------------------------------------------- live and scale
async def test_cursor_stays_on_its_card_when_another_process_writes(
    small: SmallBoard, make_app: MakeApp
) -> None:
    app = make_app(small.path)
    async with run(app) as pilot:
        await open_backlog(pilot)
        await pilot.press("j", "j", "j")
        assert cursor_key(app) == "PMO-4"
        await pmo_cli_async(small.path, "rm", "PMO-2")
        await wait_for(pilot, lambda: "PMO-2" not in order(app), what="the reload")
        assert cursor_key(app) == "PMO-4"
        await pmo_cli_async(small.path, "edit", "PMO-4", "--title", "Renamed elsewhere")
        await wait_for(
            pilot, lambda: any("Renamed elsewhere" in ln for ln in lines(app)), what="reload"
        )
        assert cursor_key(app) == "PMO-4"


async def test_five_thousand_cards_open_and_move(db: Path, clock: Any, make_app: MakeApp) -> None:
    build_big_board(db, clock, 5000)
    app = make_app(db)
    async with run(app, (120, 40)) as pilot:
        await open_backlog(pilot)
        assert len(backlog(app).rows) == 5001  # one header, no widget per row
        assert "PMO-1 " in lines(app)[1]
        await pilot.press("G")
        assert cursor_key(app) == "PMO-5000"
        assert any(line.startswith("▌") and "PMO-5000" in line for line in lines(app))
        await pilot.press("pageup", "k", "J")
        await settle(pilot)
        page = backlog(app).query_one(BacklogList).page
        moved = f"PMO-{5000 - page - 1}"
        assert cursor_key(app) == moved
        keys = [r for r in order(app) if not r.startswith("#")]
        assert keys.index(moved) == 5000 - page - 1  # one place down


async def test_hostile_titles_are_shown_literally(
    small: SmallBoard, clock: Any, make_app: MakeApp
) -> None:
    board = Board(Store(small.path), USER, clock=clock)
    title = "[bold]x[/bold] [@click=app.quit]boom[/]"
    board.add_card(title, tags=["[red]"], assignee="[i]eve")
    board.add_card("幅" * 80)  # wide characters: cut by display width, not by length
    s = board.session
    sprints.new_sprint(s, "[b]Sprint[/b]")
    app = make_app(small.path)
    async with run(app, (120, 30)) as pilot:
        await open_backlog(pilot)
        text = "\n".join(lines(app))
        assert "[bold]x[/bold] [@click=app.quit]boom[/]" in text
        assert "#[red]" in text
        assert "@[i]eve" in text
        assert "[b]Sprint[/b]" in text
        wide = next(line for line in lines(app) if "幅" in line)
        view = backlog(app).query_one(BacklogList)
        assert view.render_line(lines(app).index(wide)).cell_length == view.size.width
        assert "…" in wide
        await pilot.press("G")
        assert isinstance(app.screen, BacklogScreen)  # no click action ran


async def test_palette_go_to_card_on_the_backlog(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path)
    async with run(app) as pilot:
        await open_backlog(pilot)
        app.goto_card("PMO-5")
        await pilot.pause()
        assert cursor_key(app) == "PMO-5"
        app.goto_card("PMO-7")  # done: on the board only
        await pilot.pause()
        assert cursor_key(app) == "PMO-5"
        assert any("PMO-7 is not in the backlog" in n for n in notes(app))


async def test_reorder_burst_lands_where_the_keys_say(small: SmallBoard, make_app: MakeApp) -> None:
    """Three `J` typed faster than the writer saves: three places down, on screen and file."""
    app = make_app(small.path)
    async with run(app) as pilot:
        await open_backlog(pilot)
        await fast_keys(pilot, "J", "J", "J")
        await settle(pilot)
        expected = ["PMO-2", "PMO-3", "PMO-4", "PMO-1", "PMO-5", "PMO-6"]
        assert [r for r in order(app) if not r.startswith("#")] == expected
        assert [k for k in rank_order(small.path) if k != "PMO-7"] == expected
        assert cursor_key(app) == "PMO-1"
