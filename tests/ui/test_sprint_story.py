"""Issue 8's story with the keyboard alone, on a file made as `pmo init --template scrum`
makes it plus ten cards: plan a sprint with the form, pull five cards from the backlog with
multi-select, start it, finish two on the board, add one and drop one after the start,
close it with the open cards carried to the backlog, the next sprint or a new one; the
close report on the screen and in the file says what happened."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ui_helpers import USER, Clock, screen_text, settle, tables

from pmo_tui.core.board import Board
from pmo_tui.core.storage.jsonfile.store import Store
from pmo_tui.core.usecases import cards, projects
from pmo_tui.ui.app import PmoApp
from pmo_tui.ui.modals.close_sprint import CloseSprintScreen
from pmo_tui.ui.modals.sprint_form import SprintForm
from pmo_tui.ui.modals.sprint_picker import SprintPicker
from pmo_tui.ui.screens.backlog import BacklogScreen
from pmo_tui.ui.screens.board import BoardScreen
from pmo_tui.ui.screens.sprint import SprintScreen

MakeApp = Callable[..., PmoApp]
POINTS = [1, 2, 3, 5, 8, 1, 2, 3, 5, 8]  # PMO-1 .. PMO-10


@pytest.fixture
def scrum_db(db: Path, clock: Clock) -> Path:
    """What `pmo init --template scrum` writes (project PMO, a planned Sprint 1 from the
    next work day), then ten cards added from the shell."""
    board = Board(Store(db, seed=False), USER, "PMO", clock=clock)
    projects.create_project(board.session, "PMO", template="scrum")
    for i, pts in enumerate(POINTS, start=1):
        cards.add_card(board.session, f"Story {i}", points=pts)
    return db


def sprints_in_file(path: Path) -> dict[str, dict[str, Any]]:
    return {str(d["name"]): d for d in tables(path)["sprints"].values()}


def sprint_of(path: Path, key: str) -> Any:
    return next(d for d in tables(path)["cards"].values() if d["key"] == key).get("sprint")


def status_of(path: Path, key: str) -> str:
    return str(next(d for d in tables(path)["cards"].values() if d["key"] == key)["status"])


async def press(pilot: Any, *keys: str) -> None:
    """Each key a minute after the last (events are stored to the second: a start, the
    changes and the close all in one second would be indistinguishable)."""
    clock: Clock = pilot.app._clock  # the fixture's clock, which make_app gave the app
    for key in keys:
        clock.advance(minutes=1)
        await pilot.press(key)
        await settle(pilot)


async def plan_and_run_sprint(pilot: Any, db: Path) -> None:
    """Everything up to the close: Sprint 1 holds PMO-1..4 and PMO-6 (PMO-5 dropped),
    PMO-1 and PMO-2 are done."""
    app: PmoApp = pilot.app
    # Plan a second sprint with the form (the scrum template made Sprint 1).
    await press(pilot, "3")
    assert isinstance(app.screen, SprintScreen)
    await press(pilot, "n")
    assert isinstance(app.screen, SprintForm)
    await press(pilot, "ctrl+s")  # the untouched form is a valid sprint
    assert isinstance(app.screen, SprintScreen)
    assert set(sprints_in_file(db)) == {"Sprint 1", "Sprint 2"}
    assert sprints_in_file(db)["Sprint 2"]["state"] == "planned"

    # Backlog: select the first five cards (space selects and moves down), send to Sprint 1.
    await press(pilot, "2")
    assert isinstance(app.screen, BacklogScreen)
    await press(pilot, *["space"] * 5)
    assert "5 selected" in screen_text(app)
    await press(pilot, "s")
    assert isinstance(app.screen, SprintPicker)
    picker_text = screen_text(app)
    assert "Sprint 1" in picker_text and "Sprint 2" in picker_text, picker_text
    await press(pilot, "enter")  # Sprint 1 is first
    sid1 = sprints_in_file(db)["Sprint 1"]["id"]
    assert all(sprint_of(db, f"PMO-{i}") == sid1 for i in range(1, 6))
    assert all(sprint_of(db, f"PMO-{i}") is None for i in range(6, 11))
    assert "Sprint 1  Nov 23 – Dec 04  5 cards · 19 pt" in screen_text(app)

    # Start it on the sprint screen: the list still shows the new Sprint 2, k goes up.
    await press(pilot, "3", "k")
    assert "Sprint 1  planned" in screen_text(app)
    await press(pilot, "S")
    s1 = sprints_in_file(db)["Sprint 1"]
    assert s1["state"] == "active"
    assert sorted(c["key"] for c in s1["commitment"]) == [f"PMO-{i}" for i in range(1, 6)]

    # The board shows the sprint's cards; L L L takes the current card to Done.
    await press(pilot, "1")
    assert isinstance(app.screen, BoardScreen)
    await press(pilot, "L", "L", "L")
    assert status_of(db, "PMO-1") == "done", screen_text(app)
    await press(pilot, "h", "h", "h", "L", "L", "L")
    assert status_of(db, "PMO-2") == "done", screen_text(app)
    # Drop PMO-5 from the sprint after the start: s on it (the last To Do card).
    await press(pilot, "h", "h", "h", "G")
    board_text = screen_text(app)
    await press(pilot, "s")
    assert sprint_of(db, "PMO-5") is None, board_text

    # Add PMO-6 after the start: the backlog's s sends the current card to the active one.
    await press(pilot, "2")
    assert isinstance(app.screen, BacklogScreen)
    await press(pilot, "g")
    # j down to PMO-6 from wherever the cursor is.
    lines = [line for line in screen_text(app).splitlines() if "PMO-" in line]
    cursor_line = next(line for line in lines if line.startswith("▌"))
    if "PMO-6 " not in cursor_line:
        order = [line.split()[1] if line.startswith("▌") else line.split()[0] for line in lines]
        current = next(line for line in lines if line.startswith("▌")).split()[1]
        for _ in range(order.index("PMO-6") - order.index(current)):
            await press(pilot, "j")
    assert "PMO-6 " in next(line for line in screen_text(app).splitlines()
                            if line.startswith("▌")), screen_text(app)  # fmt: skip
    await press(pilot, "s")
    assert isinstance(app.screen, SprintPicker)
    picker_text = screen_text(app)
    assert picker_text.index("Sprint 2  planned") < picker_text.index("Sprint 1  active")
    await press(pilot, "j", "enter")  # planned sprints first, then the active one
    assert sprint_of(db, "PMO-6") == sid1, screen_text(app)


EXPECTED = {
    "committed": (19, {"PMO-1", "PMO-2", "PMO-3", "PMO-4", "PMO-5"}),
    "completed": (3, {"PMO-1", "PMO-2"}),
    "added": (1, {"PMO-6"}),
    "removed": (8, {"PMO-5"}),
    "not_completed": (9, {"PMO-3", "PMO-4", "PMO-6"}),
}
OPEN = ("PMO-3", "PMO-4", "PMO-6")


@pytest.mark.parametrize(
    ("choice", "presses"), [("next", ()), ("backlog", ("j",)), ("new", ("j", "j"))]
)
async def test_plan_start_work_and_close_a_sprint_with_the_keys(
    scrum_db: Path, make_app: MakeApp, choice: str, presses: tuple[str, ...]
) -> None:
    app = make_app(scrum_db)
    async with app.run_test(size=(100, 40)) as pilot:
        await plan_and_run_sprint(pilot, scrum_db)
        await press(pilot, "3")
        assert "Sprint 1  active" in screen_text(app)
        await press(pilot, "C")
        assert isinstance(app.screen, CloseSprintScreen)
        shown = screen_text(app)
        # The preview: one line per part with points and card count.
        for line in ("Committed       19 pt   5 cards", "Completed        3 pt   2 cards",
                     "Added            1 pt    1 card", "Removed          8 pt    1 card",
                     "Not completed    9 pt   3 cards"):  # fmt: skip
            assert line in shown, shown
        assert "Where do the 3 open cards (9 pt) go?" in shown, shown
        await press(pilot, *presses, "enter")
        assert isinstance(app.screen, SprintScreen)

        stored = sprints_in_file(scrum_db)
        s1 = stored["Sprint 1"]
        assert s1["state"] == "closed"
        report = s1["report"]
        for part, (points, keys) in EXPECTED.items():
            assert report[part]["points"] == points, (part, report)
            assert set(report[part]["cards"]) == keys, (part, report)
        if choice == "backlog":
            assert report["carried_to"] == "backlog"
            assert all(sprint_of(scrum_db, k) is None for k in OPEN)
            assert set(stored) == {"Sprint 1", "Sprint 2"}
        else:
            target = stored["Sprint 2" if choice == "next" else "Sprint 3"]
            assert target["state"] == "planned"
            assert report["carried_to"] == target["id"]
            assert all(sprint_of(scrum_db, k) == target["id"] for k in OPEN)
        assert status_of(scrum_db, "PMO-1") == status_of(scrum_db, "PMO-2") == "done"
        # The done cards stay with the closed sprint.
        assert sprint_of(scrum_db, "PMO-1") == s1["id"]

        # The sprint screen shows the closed sprint's stored report.
        text = screen_text(app)
        assert "Sprint 1  closed" in text, text
        where = {"next": "Sprint 2", "backlog": "the backlog", "new": "Sprint 3"}[choice]
        for line in (
            f"Report  (open cards went to {where})",
            "Committed       19 pt   5 cards",
            "Not completed    9 pt   3 cards",
            "Scope changes since the start",
            "+ added           1 pt  1 card",
            "- removed         8 pt  1 card",
        ):
            assert line in text, text


async def test_the_close_report_scrolls_with_page_keys_at_80x24(
    demo_db: Path, make_app: MakeApp
) -> None:
    """The demo's close report is taller than the dialog at 80x24: pgdn/pgup scroll it
    (the option list has the focus and would take them), the choice stays where it was."""
    from textual.containers import VerticalScroll
    from textual.widgets import OptionList

    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "3", "C")
        modal = app.screen
        assert isinstance(modal, CloseSprintScreen)
        report = modal.query_one("#close-report", VerticalScroll)
        where = modal.query_one(OptionList)
        assert report.max_scroll_y > 0 and report.scroll_y == 0
        assert "PMO-36" not in screen_text(app)  # the last open card, below the fold
        chosen = where.highlighted
        await press(pilot, "pagedown")
        assert report.scroll_y > 0
        assert "PMO-36" in screen_text(app)
        assert where.highlighted == chosen
        await press(pilot, "pageup")
        assert report.scroll_y == 0
        await press(pilot, "escape")
        assert isinstance(app.screen, SprintScreen)
