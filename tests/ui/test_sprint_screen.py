"""The sprint screen (key 3) as a person uses it: plan a sprint with the form, start it,
work it on the board, close it with each carry-over, undo; checked on the screen and in
the data file (issue 8, points 4 and 7, the sprint side)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.widgets import Input, OptionList, Static
from ui_helpers import (
    USER,
    SmallBoard,
    cards_by_key,
    notes,
    pmo_cli_async,
    screen_text,
    settle,
    tables,
    wait_for,
)

from pmo_tui.core.board import Board
from pmo_tui.core.storage.jsonfile.store import Store
from pmo_tui.core.usecases import sprints
from pmo_tui.ui.app import PmoApp
from pmo_tui.ui.modals.close_sprint import CloseSprintScreen
from pmo_tui.ui.modals.confirm import ConfirmScreen
from pmo_tui.ui.modals.sprint_form import SprintForm
from pmo_tui.ui.screens.sprint import SprintList, SprintScreen

MakeApp = Callable[..., PmoApp]
SIZE = (120, 40)


def run(app: PmoApp, size: tuple[int, int] = SIZE) -> Any:
    return app.run_test(size=size, notifications=True)


def sprints_in_file(path: Path) -> dict[str, dict[str, Any]]:
    """Sprint name -> its record, as json.load reads the file."""
    return {d["name"]: d for d in tables(path)["sprints"].values()}


def text_of(app: PmoApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).content)


def sprint_screen(app: PmoApp) -> SprintScreen:
    for screen in reversed(app.screen_stack):
        if isinstance(screen, SprintScreen):
            return screen
    raise AssertionError(f"no sprint screen in {app.screen_stack}")


def list_text(app: PmoApp) -> str:
    return str(sprint_screen(app).query_one(SprintList).content)


def detail_now(app: PmoApp) -> str:
    screen = sprint_screen(app)
    return "\n".join(
        str(screen.query_one(f"#{name}", Static).content)
        for name in ("sprint-title", "sprint-facts", "sprint-bar", "sprint-scope", "sprint-report")
    )


async def detail_text(pilot: Any, app: PmoApp) -> str:
    """The chosen sprint's details once a worker has read its summary (a started sprint's
    scope change is read off the UI thread)."""
    screen = sprint_screen(app)
    await wait_for(
        pilot,
        lambda: not screen._reading and (screen.chosen is None or screen.summary is not None),
        what="the sprint's summary",
    )
    await pilot.pause()
    return detail_now(app)


async def open_sprints(pilot: Any) -> SprintScreen:
    await pilot.press("3")
    await pilot.pause()
    assert isinstance(pilot.app.screen, SprintScreen)
    return pilot.app.screen  # type: ignore[no-any-return]


async def type_into(pilot: Any, field: str, text: str) -> None:
    """Put ``text`` in a form field as a person does: tab to it, type over it."""
    form = pilot.app.screen
    target = form.query_one(f"#f-{field}", Input)
    for _ in range(8):
        if form.focused is target:
            break
        await pilot.press("tab")
    assert form.focused is target
    target.value = ""  # select_on_focus selected it; typing replaces the selection
    await pilot.press(*text)


# --------------------------------------------------------------------------- set-up
def plan_and_fill(path: Path, clock: Any, *, start: bool = True, second: bool = False) -> None:
    """Sprint 1 with PMO-1..4 (2+3+3+5 = 13 pt), started; after the start PMO-1 and PMO-2
    are done and PMO-5 (1 pt) is added.  ``second``: Sprint 2 planned after it."""
    board = Board(Store(path), USER, clock=clock)
    s = board.session
    for key, points in (("PMO-1", 2), ("PMO-2", 3), ("PMO-4", 5), ("PMO-5", 1)):
        board.set_points(key, points)
    sprints.new_sprint(s, "Sprint 1", start="2026-11-16", end="2026-11-27", capacity=12)
    if second:
        sprints.new_sprint(s, "Sprint 2", start="2026-11-30", end="2026-12-11")
    sprints.add_to_sprint(s, "Sprint 1", ["PMO-1", "PMO-2", "PMO-3", "PMO-4"])
    if not start:
        return
    sprints.start_sprint(s, "Sprint 1")
    clock.advance(hours=1)
    board.move_card("PMO-1", "done")
    board.move_card("PMO-2", "done")
    sprints.add_to_sprint(s, "Sprint 1", ["PMO-5"])
    clock.advance(hours=1)


REPORT = {
    "committed": {"points": 13, "cards": ["PMO-1", "PMO-2", "PMO-3", "PMO-4"]},
    "completed": {"points": 5, "cards": ["PMO-1", "PMO-2"]},
    "added": {"points": 1, "cards": ["PMO-5"]},
    "removed": {"points": 0, "cards": []},
    "not_completed": {"points": 9, "cards": ["PMO-3", "PMO-4", "PMO-5"]},
}


async def close_with(pilot: Any, where: str) -> CloseSprintScreen:
    """`C` on the active sprint, check the preview, pick ``where``, enter."""
    app = pilot.app
    await pilot.press("C")
    await pilot.pause()
    modal = app.screen
    assert isinstance(modal, CloseSprintScreen)
    preview = str(modal.query_one("#close-report-text", Static).content)
    for line in (
        "Committed       13 pt   4 cards",
        "Completed        5 pt   2 cards",
        "Added            1 pt    1 card",
        "Removed          0 pt   0 cards",
        "Not completed    9 pt   3 cards",
        "PMO-3 Plan the release",
        "PMO-5 Add search",
    ):
        assert line in preview, (line, preview)
    assert "Where do the 3 open cards (9 pt) go?" in screen_text(app)
    options = modal.query_one(OptionList)
    wanted = ["next", "backlog", "new"].index(where)
    for _ in range(4):
        if options.highlighted == wanted:
            break
        await pilot.press("j" if (options.highlighted or 0) < wanted else "k")
    assert options.highlighted == wanted
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, SprintScreen)
    return modal


async def assert_report_shown(pilot: Any, app: PmoApp, where: str) -> None:
    shown = await detail_text(pilot, app)
    assert "Sprint 1  closed" in shown
    assert f"(open cards went to {where})" in shown
    for line in (
        "Committed       13 pt   4 cards",
        "Completed        5 pt   2 cards",
        "Not completed    9 pt   3 cards",
        "PMO-4 Refactor the store",
    ):
        assert line in shown, (line, shown)
    assert "✓ Sprint 1  closed" in list_text(app)


def assert_report_stored(path: Path, carried_to: Any) -> dict[str, Any]:
    sprint = sprints_in_file(path)["Sprint 1"]
    assert sprint["state"] == "closed"
    assert sprint["closed_at"]
    assert sprint["report"] == {**REPORT, "carried_to": carried_to}
    return sprint


# ------------------------------------------------------------------------ the form
async def test_new_sprint_untouched_form_is_valid(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path)
    async with run(app) as pilot:
        screen = await open_sprints(pilot)
        assert "No sprints yet" in list_text(app)
        assert "Plan one with n" in await detail_text(pilot, app)
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, SprintForm)
        values = {f: form.query_one(f"#f-{f}", Input).value for f in ("name", "start", "length")}
        # Friday 2026-11-20: the next work day is Monday; two weeks end on the 2nd Friday
        assert values == {"name": "Sprint 1", "start": "2026-11-23", "length": "2w"}
        assert "Runs 2026-11-23 → 2026-12-04 (10 work days)" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        stored = sprints_in_file(small.path)["Sprint 1"]
        assert (stored["start"], stored["end"], stored["state"]) == (
            "2026-11-23",
            "2026-12-04",
            "planned",
        )
        assert stored["capacity"] is None  # no closed sprint: no suggestion
        assert screen.chosen == stored["id"]
        assert "○ Sprint 1  planned" in list_text(app)
        assert "Planned Sprint 1 (u undoes)" in notes(app)
        # undo takes the sprint away again
        await pilot.press("u")
        await settle(pilot)
        assert sprints_in_file(small.path) == {}
        assert "No sprints yet" in list_text(app)


async def test_invalid_values_are_shown_at_the_field_never_saved(
    small: SmallBoard, make_app: MakeApp
) -> None:
    app = make_app(small.path)
    async with run(app) as pilot:
        await open_sprints(pilot)
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, SprintForm)
        await type_into(pilot, "start", "2026-13-45")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form  # not saved
        error = form.query_one("#e-start", Static)
        assert "invalid date" in str(error.content) and error.has_class("shown")
        # the end before the start: shown at the end
        await type_into(pilot, "start", "mon")
        assert not form.query_one("#e-start", Static).has_class("shown")
        await type_into(pilot, "end", "2026-11-01")
        await type_into(pilot, "capacity", "lots")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "ends before it starts (2026-11-23)" in str(form.query_one("#e-end", Static).content)
        assert "invalid points" in str(form.query_one("#e-capacity", Static).content)
        assert tables(small.path)["sprints"] == {}
        # fixed: an end date given wins over the length; a relative date counts from the
        # app's clock (Friday 2026-11-20), not the machine's
        await type_into(pilot, "end", "+2w")
        await type_into(pilot, "capacity", "8")
        await type_into(pilot, "goal", "Login works")
        await pilot.press("enter")
        await settle(pilot)
        stored = sprints_in_file(small.path)["Sprint 1"]
        assert (stored["start"], stored["end"], stored["capacity"], stored["goal"]) == (
            "2026-11-23",
            "2026-12-04",
            8,
            "Login works",
        )


async def test_escape_asks_only_when_something_was_typed(
    small: SmallBoard, make_app: MakeApp
) -> None:
    app = make_app(small.path)
    async with run(app) as pilot:
        screen = await open_sprints(pilot)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("x")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is screen
        assert tables(small.path)["sprints"] == {}


async def test_edit_fills_the_form_and_saves_the_changed_fields(
    small: SmallBoard, make_app: MakeApp, clock: Any
) -> None:
    plan_and_fill(small.path, clock, start=False)
    app = make_app(small.path)
    async with run(app) as pilot:
        await open_sprints(pilot)
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, SprintForm)
        assert form.query_one("#f-end", Input).value == "2026-11-27"
        assert form.query_one("#f-capacity", Input).value == "12"
        await type_into(pilot, "name", "Login sprint")
        await type_into(pilot, "capacity", "")
        await pilot.press("enter")
        await settle(pilot)
        stored = sprints_in_file(small.path)
        assert list(stored) == ["Login sprint"]
        assert stored["Login sprint"]["capacity"] is None
        assert stored["Login sprint"]["end"] == "2026-11-27"
        assert "Login sprint  planned" in list_text(app)
        await pilot.press("u")
        await settle(pilot)
        assert sprints_in_file(small.path)["Sprint 1"]["capacity"] == 12


async def test_a_closed_sprint_keeps_its_dates_and_capacity_its_name_changes(
    small: SmallBoard, make_app: MakeApp, clock: Any
) -> None:
    plan_and_fill(small.path, clock)
    sprints.close_sprint(
        Board(Store(small.path), USER, clock=clock).session, "Sprint 1", carry_over="backlog"
    )
    app = make_app(small.path)
    async with run(app) as pilot:
        await open_sprints(pilot)
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, SprintForm)
        for name in ("start", "end", "length", "capacity"):
            assert form.query_one(f"#f-{name}", Input).disabled, name
        assert "closed: only its name and goal change" in screen_text(app)
        await type_into(pilot, "goal", "Login, at last")
        await pilot.press("enter")
        await settle(pilot)
        stored = sprints_in_file(small.path)["Sprint 1"]
        assert (stored["goal"], stored["capacity"], stored["end"]) == (
            "Login, at last",
            12,
            "2026-11-27",
        )
        assert stored["report"]["completed"]["points"] == 5


# ------------------------------------------------------------------------- start
async def test_start_then_a_second_start_is_refused_with_the_reason(
    small: SmallBoard, make_app: MakeApp, clock: Any
) -> None:
    plan_and_fill(small.path, clock, start=False, second=True)
    app = make_app(small.path)
    async with run(app) as pilot:
        screen = await open_sprints(pilot)
        first = sprints_in_file(small.path)["Sprint 1"]["id"]
        assert screen.chosen == first  # no active sprint: the next planned one
        await pilot.press("S")
        await settle(pilot)
        stored = sprints_in_file(small.path)["Sprint 1"]
        assert stored["state"] == "active"
        assert [c["key"] for c in stored["commitment"]] == ["PMO-1", "PMO-2", "PMO-3", "PMO-4"]
        assert "Started Sprint 1 (u undoes)" in notes(app)
        assert "▶ Sprint 1  active" in list_text(app)
        assert "Capacity  12 pt, committed 13 pt" in await detail_text(pilot, app)
        assert "over capacity by 1 pt" in await detail_text(pilot, app)
        assert "No scope change since the start" in await detail_text(pilot, app)
        await pilot.press("j")
        await pilot.press("S")
        await settle(pilot)
        assert sprints_in_file(small.path)["Sprint 2"]["state"] == "planned"
        assert (
            "sprint Sprint 1 is already active in PMO: close it first "
            "(one active sprint per project)"
        ) in notes(app)
        # undo of the start (the refused one never reached the undo stack)
        await pilot.press("u")
        await settle(pilot)
        stored = sprints_in_file(small.path)["Sprint 1"]
        assert stored["state"] == "planned" and stored["commitment"] == []
        assert "○ Sprint 1  planned" in list_text(app)


async def test_close_a_planned_sprint_says_which_one_closes(
    small: SmallBoard, make_app: MakeApp, clock: Any
) -> None:
    plan_and_fill(small.path, clock, second=True)
    app = make_app(small.path)
    async with run(app) as pilot:
        await open_sprints(pilot)
        await pilot.press("j", "C")
        await pilot.pause()
        assert isinstance(app.screen, SprintScreen)
        assert (
            "Sprint 2 is planned: only the active sprint closes; the active one is Sprint 1"
            in notes(app)
        )


# ----------------------------------------------------------------------- the story
async def test_story_start_work_on_the_board_close_to_the_backlog_and_undo(
    small: SmallBoard, make_app: MakeApp, clock: Any
) -> None:
    """Plan with the form, start with S, move two cards to done and add one with the
    board's keys, close with the open cards to the backlog; then undo the close."""
    board = Board(Store(small.path), USER, clock=clock)
    for key, points in (("PMO-1", 2), ("PMO-2", 3), ("PMO-4", 5), ("PMO-5", 1)):
        board.set_points(key, points)
    app = make_app(small.path)
    async with run(app) as pilot:
        await open_sprints(pilot)
        await pilot.press("n")
        await pilot.pause()
        await type_into(pilot, "start", "2026-11-16")
        await type_into(pilot, "end", "2026-11-27")
        await type_into(pilot, "capacity", "12")
        await pilot.press("enter")
        await settle(pilot)
        # the backlog screen is a colleague's: the cards go in through the use case
        app.submit(
            "plan",
            lambda: sprints.add_to_sprint(
                app.board.session, "Sprint 1", ["PMO-1", "PMO-2", "PMO-3", "PMO-4"]
            ),
        )
        await settle(pilot)
        assert "Scope     4 cards, 13 pt" in await detail_text(pilot, app)
        await pilot.press("S")
        await settle(pilot)
        assert sprints_in_file(small.path)["Sprint 1"]["state"] == "active"
        clock.advance(hours=1)
        # the board: sprint cards; PMO-1 and PMO-2 to done, PMO-5 added with `s`
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("L", "L", "L")
        await settle(pilot)
        await pilot.press("h", "h", "h", "L", "L", "L")
        await settle(pilot)
        await pilot.press("v", "h", "h", "g", "j")
        await pilot.pause()
        await pilot.press("s")
        await settle(pilot)
        cards = cards_by_key(small.path)
        assert [cards[k]["status"] for k in ("PMO-1", "PMO-2")] == ["done", "done"]
        assert cards["PMO-5"]["sprint"] == cards["PMO-1"]["sprint"]
        clock.advance(hours=1)
        await open_sprints(pilot)
        shown = await detail_text(pilot, app)
        assert "Progress" in shown and "5/14 pt 35%" in shown
        assert "+ added" in shown and "PMO-5 Add search" in shown
        assert "✓ PMO-1 Write the login page" in shown
        assert "· PMO-3 Plan the release" in shown
        await close_with(pilot, "backlog")
        assert_report_stored(small.path, "backlog")
        await assert_report_shown(pilot, app, "the backlog")
        cards = cards_by_key(small.path)
        assert [cards[k]["sprint"] for k in ("PMO-3", "PMO-4", "PMO-5")] == [None] * 3
        assert "3 open card(s) moved to the backlog" in notes(app)
        # undo of the close: active again, the open cards back in it, no report
        await pilot.press("u")
        await settle(pilot)
        sprint = sprints_in_file(small.path)["Sprint 1"]
        assert (sprint["state"], sprint["report"], sprint["closed_at"]) == ("active", None, None)
        cards = cards_by_key(small.path)
        assert {cards[k]["sprint"] for k in ("PMO-3", "PMO-4", "PMO-5")} == {sprint["id"]}
        assert "▶ Sprint 1  active" in list_text(app)
        assert (
            "Report" not in await detail_text(pilot, app)
            or not sprint_screen(app).query_one("#sprint-report").display
        )


async def test_close_carries_the_open_cards_to_the_next_sprint(
    small: SmallBoard, make_app: MakeApp, clock: Any
) -> None:
    plan_and_fill(small.path, clock, second=True)
    app = make_app(small.path)
    async with run(app) as pilot:
        await open_sprints(pilot)
        modal = await close_with(pilot, "next")
        assert modal.next_planned is not None and modal.next_planned.name == "Sprint 2"
        second = sprints_in_file(small.path)["Sprint 2"]["id"]
        assert_report_stored(small.path, second)
        await assert_report_shown(pilot, app, "Sprint 2")
        cards = cards_by_key(small.path)
        assert [cards[k]["sprint"] for k in ("PMO-3", "PMO-4", "PMO-5")] == [second] * 3
        assert [cards[k]["sprint"] for k in ("PMO-1", "PMO-2")] == [
            sprints_in_file(small.path)["Sprint 1"]["id"]
        ] * 2
        await pilot.press("j")
        assert "Scope     3 cards, 9 pt" in await detail_text(pilot, app)


async def test_close_carries_the_open_cards_to_a_new_sprint_and_undo_removes_it(
    small: SmallBoard, make_app: MakeApp, clock: Any
) -> None:
    plan_and_fill(small.path, clock)
    app = make_app(small.path)
    async with run(app) as pilot:
        await open_sprints(pilot)
        modal = await close_with(pilot, "new")
        assert modal.new_name == "Sprint 2"
        made = sprints_in_file(small.path)["Sprint 2"]
        assert made["state"] == "planned"
        assert made["capacity"] == 5  # the velocity: Sprint 1 completed 5 pt
        assert_report_stored(small.path, made["id"])
        await assert_report_shown(pilot, app, "Sprint 2")
        assert "○ Sprint 2  planned" in list_text(app)
        cards = cards_by_key(small.path)
        assert [cards[k]["sprint"] for k in ("PMO-3", "PMO-4", "PMO-5")] == [made["id"]] * 3
        await pilot.press("u")
        await settle(pilot)
        assert list(sprints_in_file(small.path)) == ["Sprint 1"]
        assert sprints_in_file(small.path)["Sprint 1"]["state"] == "active"
        assert "Sprint 2" not in list_text(app)


async def test_next_is_not_offered_without_a_planned_sprint(
    small: SmallBoard, make_app: MakeApp, clock: Any
) -> None:
    plan_and_fill(small.path, clock)
    app = make_app(small.path)
    async with run(app) as pilot:
        await open_sprints(pilot)
        await pilot.press("C")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        assert options.highlighted == 1  # the backlog
        assert options.get_option_at_index(0).disabled
        await pilot.press("k")  # past the disabled option (the list wraps round)
        assert options.highlighted == 2
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SprintScreen)
        assert sprints_in_file(small.path)["Sprint 1"]["state"] == "active"


# ------------------------------------------------------------------ text and live data
async def test_hostile_sprint_names_and_goals_are_shown_literally(
    small: SmallBoard, make_app: MakeApp
) -> None:
    store = Store(small.path)
    with store.transaction():
        store.insert(
            "sprints",
            {
                "id": 1,
                "project": "PMO",
                "name": "[bold red]Sprint[/] \x1b[31mred",
                "goal": "[link=http://x]click[/link] \u202eevil",
                "start": "2026-11-16",
                "end": "2026-11-27",
                "state": "planned",
                "capacity": None,
                "commitment": [],
                "closed_at": None,
                "report": None,
            },
        )
    app = make_app(small.path)
    async with run(app) as pilot:
        await open_sprints(pilot)
        assert "[bold red]Sprint[/] \\x1b[31mred" in list_text(app)
        shown = await detail_text(pilot, app)
        assert "[bold red]Sprint[/] \\x1b[31mred  planned" in shown
        assert "[link=http://x]click[/link] \\u202eevil" in shown
        text = screen_text(app)
        assert "\x1b[31mred" not in text and "\u202e" not in text
        await pilot.press("S")
        await settle(pilot)
        assert "Started [bold red]Sprint[/] \\x1b[31mred (u undoes)" in notes(app)


async def test_another_process_writes_redraw_keeping_the_chosen_sprint(
    small: SmallBoard, make_app: MakeApp, clock: Any
) -> None:
    plan_and_fill(small.path, clock, start=False, second=True)
    app = make_app(small.path)
    async with run(app) as pilot:
        screen = await open_sprints(pilot)
        await pilot.press("j")
        chosen = screen.chosen
        assert "Sprint 2" in text_of(app, "#sprint-title")
        await pmo_cli_async(small.path, "sprint", "new", "Sprint 0", "--start", "2026-11-02",
                            "--end", "2026-11-13")  # fmt: skip
        await wait_for(pilot, lambda: "Sprint 0" in list_text(app), what="the shell's sprint")
        assert screen.chosen == chosen
        assert "Sprint 2" in text_of(app, "#sprint-title")
        await pmo_cli_async(small.path, "sprint", "edit", str(chosen), "--goal", "From the shell")
        await wait_for(pilot, lambda: "From the shell" in detail_now(app), what="the goal")


async def test_keys_are_in_the_footer_and_the_help(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path)
    async with run(app, (100, 30)) as pilot:
        await open_sprints(pilot)
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        for label in ("n New", "e Edit", "S Start", "C Close"):
            assert label in footer, footer
        await pilot.press("question_mark")
        await pilot.pause()
        text = screen_text(app)
        assert "Keys: Sprints" in text
        assert "Start - Start the sprint (u undoes)" in text
