"""The timesheet screen (key 4), driven as a person does: the grid's numbers on a fixed data
set with three users, whose time (`w`), weeks (`[ ]`), the entries under a cell, the forms
(`n`, `e`) with the CLI's refusals, delete (`x`), the timer (`t`), the CSV (`E`), a running
timer ticking under an injected clock, and hostile text shown as text."""

from __future__ import annotations

import csv
import io
import os
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static
from ui_helpers import PMO, USER, settle, tables, wait_for

from pmo_tui.core.board import Board
from pmo_tui.core.storage.jsonfile.store import Store
from pmo_tui.core.usecases import timers
from pmo_tui.ui.app import PmoApp

# NOW (ui_helpers) is Friday 2026-11-20 15:00 UTC; local time is UTC in these tests.


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def log(path: Path, user: str, card: str, start: datetime, end: datetime, note: str = "") -> None:
    board = Board(Store(path), user, clock=lambda: at(20, 15))
    timers.log_time(board.session, card, start=start, end=end, note=note)


@pytest.fixture
def sheet_db(db: Path, clock: Any) -> Path:
    """PMO-1 (estimate 3h) .. PMO-4; time of ann, bob and chen in the week of Mon 16 Nov,
    and one entry of ann's the Sunday before."""
    board = Board(Store(db), USER, clock=clock)
    board.add_card("Write the login page", estimate="3h")
    board.add_card("Fix crash on save")
    board.add_card("Plan the release", estimate="4h")
    board.add_card("Refactor the store")
    log(db, USER, "1", at(16, 9), at(16, 11), "morning")
    log(db, USER, "1", at(17, 9), at(17, 10, 30))
    log(db, USER, "4", at(20, 13), at(20, 14))
    log(db, USER, "2", at(15, 10), at(15, 11), "sunday")
    log(db, "bob", "1", at(16, 10), at(16, 12))
    log(db, "bob", "3", at(18, 14), at(18, 15, 30))
    log(db, "chen", "2", at(19, 9), at(19, 9, 45))
    return db


def screen_of(app: PmoApp) -> Any:
    from pmo_tui.ui.screens.timesheet import TimesheetScreen

    for screen in reversed(app.screen_stack):
        if isinstance(screen, TimesheetScreen):
            return screen
    raise AssertionError(f"no timesheet in {app.screen_stack}")


async def ready(pilot: Pilot[Any]) -> Any:
    """Writes saved, the sheet recomputed and drawn."""
    await settle(pilot)
    screen = screen_of(pilot.app)  # type: ignore[arg-type]
    await wait_for(pilot, lambda: not screen._loading, what="the timesheet's worker")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return screen


async def open_sheet(pilot: Pilot[Any]) -> Any:
    await pilot.press("4")
    await pilot.pause()
    return await ready(pilot)


def grid_lines(screen: Any) -> list[str]:
    from pmo_tui.ui.widgets.timesheet_grid import TimesheetGrid

    grid = screen.query_one(TimesheetGrid)
    return [grid.render_line(y).text.rstrip() for y in range(grid.size.height)]


def line(screen: Any, first: str) -> str:
    for text in grid_lines(screen):
        if text.split()[:1] == [first]:
            return text
    raise AssertionError(f"no line {first!r} in {grid_lines(screen)}")


def entries_text(screen: Any) -> str:
    return str(screen.query_one("#ts-entries", Static).render())


def title_text(screen: Any) -> str:
    return str(screen.query_one("#ts-title", Static).render())


async def test_my_week_totals_target_balance_and_estimate(
    sheet_db: Path, make_app: Callable[..., PmoApp]
) -> None:
    app = make_app(sheet_db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_sheet(pilot)
        assert "Week 47" in title_text(screen) and "ann (me)" in title_text(screen)
        head = line(screen, "Card").split()
        assert head[2:12] == ["Mon", "16", "Tue", "17", "Wed", "18", "Thu", "19", "Fri", "20"]
        assert "Sat" not in head  # no weekend time this week
        # PMO-1: 2:00 Mon + 1:30 Tue of mine; spent (everyone, all dates) 5:30 of 3:00.
        assert line(screen, "PMO-1").split()[-5:] == ["2:00", "1:30", "3:30", "5:30/3:00", "183%!"]
        assert line(screen, "PMO-4").split()[-2:] == ["1:00", "1:00"]
        assert "PMO-3" not in "\n".join(grid_lines(screen))  # bob's card
        assert line(screen, "Total").split() == ["Total", "2:00", "1:30", "1:00", "4:30"]
        assert line(screen, "Target").split() == ["Target", *["8:00"] * 5, "40:00"]
        assert line(screen, "Balance").split() == ["Balance", "-35:30"]


async def test_w_cycles_me_a_user_everyone(sheet_db: Path, make_app: Callable[..., PmoApp]) -> None:
    app = make_app(sheet_db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_sheet(pilot)
        await pilot.press("w")  # a picker of the users who logged time, me left out
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        assert [str(options.get_option_at_index(i).prompt) for i in range(2)] == ["bob", "chen"]
        await pilot.press("enter")  # bob
        screen = await ready(pilot)
        assert "bob" in title_text(screen) and "(me)" not in title_text(screen)
        assert line(screen, "PMO-3").split()[-4:] == ["1:30", "1:30", "1:30/4:00", "37%"]
        assert line(screen, "Total").split()[-1] == "3:30"
        assert line(screen, "Balance").split() == ["Balance", "-36:30"]

        await pilot.press("w")  # everyone: three users, three targets
        screen = await ready(pilot)
        assert "everyone (ann, bob, chen)" in title_text(screen)
        assert line(screen, "PMO-1").split()[-5:] == ["4:00", "1:30", "5:30", "5:30/3:00", "183%!"]
        assert line(screen, "Total").split() == [
            "Total", "4:00", "1:30", "1:30", "0:45", "1:00", "8:45"
        ]  # fmt: skip
        assert line(screen, "Target").split()[-1] == "120:00"
        assert line(screen, "Balance").split() == ["Balance", "-111:15"]

        await pilot.press("w")  # back to me
        screen = await ready(pilot)
        assert line(screen, "Total").split()[-1] == "4:30"


async def test_brackets_change_week_and_weekend_with_time_is_shown(
    sheet_db: Path, make_app: Callable[..., PmoApp]
) -> None:
    app = make_app(sheet_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_sheet(pilot)
        await pilot.press("left_square_bracket")
        screen = await ready(pilot)
        assert "Week 46" in title_text(screen)
        head = line(screen, "Card").split()
        assert head[2:4] == ["Mon", "09"] and head[-5:-3] == ["Sun", "15"]  # the weekend day
        assert "Sat" not in head
        assert line(screen, "PMO-2").split()[-2:] == ["1:00", "1:00"]  # Sunday's hour
        assert line(screen, "Balance").split() == ["Balance", "-39:00"]
        await pilot.press("right_square_bracket", "right_square_bracket")
        screen = await ready(pilot)
        assert "Week 48" in title_text(screen)
        assert "No time logged this week" in "\n".join(grid_lines(screen))
        assert line(screen, "Balance").split() == ["Balance", "-40:00"]


async def test_entries_under_the_selected_cell(
    sheet_db: Path, make_app: Callable[..., PmoApp]
) -> None:
    app = make_app(sheet_db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_sheet(pilot)
        # The cursor starts on today (Fri) on the first row; go to Monday of PMO-1.
        await pilot.press("h", "h", "h", "h", "h")
        assert screen.cursor_card == "PMO-1" and screen.cursor_day.isoformat() == "2026-11-16"
        text = entries_text(screen)
        assert "PMO-1 · Mon 16 Nov · 1 entry, 2:00" in text
        assert "09:00–11:00" in text and "morning" in text
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("down", "enter")  # chen
        await ready(pilot)
        screen = await ready(pilot)
        assert screen.cursor_card == "PMO-2"  # chen's only card: the cursor went there
        await pilot.press("w")  # everyone: the cursor stays on its card and day
        screen = await ready(pilot)
        assert screen.cursor_card == "PMO-2" and screen.cursor_day.isoformat() == "2026-11-16"
        await pilot.press("k")
        text = entries_text(screen)
        assert "2 entries, 4:00" in text
        assert text.index("09:00–11:00") < text.index("10:00–12:00")  # by start
        assert "bob" in text and "ann" in text
        await pilot.press("j")  # PMO-2: nothing on Monday
        assert "nothing logged" in entries_text(screen)


def cli_refusal(path: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PMO_", "XDG_"))}
    env.update(PMO_DB=str(path), PMO_USER=USER, PMO_CONFIG=str(path.with_name("none.toml")),
               TZ="UTC")  # fmt: skip
    result = subprocess.run(
        [str(PMO), *args], env=env, capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode != 0
    return result.stderr


async def fill(pilot: Pilot[Any], **values: str) -> None:
    for name, value in values.items():
        field = pilot.app.screen.query_one(f"#f-{name}", Input)
        field.value = value
    await pilot.pause()


async def test_log_form_refuses_an_overlap_with_the_clis_message(
    sheet_db: Path, make_app: Callable[..., PmoApp]
) -> None:
    before = tables(sheet_db)["time_entries"]
    app = make_app(sheet_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_sheet(pilot)
        await pilot.press("n")
        await pilot.pause()
        await fill(pilot, date="2026-11-16", **{"from": "10:00", "to": "12:00"})
        await pilot.press("ctrl+s")
        await pilot.pause()
        error = str(app.screen.query_one("#e-when", Static).render())
        assert "falls inside your entry on PMO-1" in error
        assert app.screen.query_one("#f-duration", Input)  # the form is still open
        await pilot.press("escape")
        await settle(pilot)
    assert tables(sheet_db)["time_entries"] == before
    said = cli_refusal(sheet_db, "log", "1", "--from", "2026-11-16 10:00", "--to",
                       "2026-11-16 12:00")  # fmt: skip
    assert error in said


async def test_n_logs_e_edits_x_deletes_and_u_undoes_each(
    sheet_db: Path, make_app: Callable[..., PmoApp]
) -> None:
    app = make_app(sheet_db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_sheet(pilot)
        # n: search the card by title, 1h on Thursday.
        await pilot.press("n")
        await pilot.pause()
        await fill(pilot, card="refactor", date="2026-11-19", duration="1h", note="pairing")
        await pilot.press("enter")
        screen = await ready(pilot)
        new = [e for e in tables(sheet_db)["time_entries"].values() if e["note"] == "pairing"]
        assert len(new) == 1 and new[0]["card"] == "PMO-4"
        assert new[0]["start"] == "2026-11-19T09:00:00Z" and new[0]["end"] == "2026-11-19T10:00:00Z"
        assert line(screen, "PMO-4").split()[-3:] == ["1:00", "1:00", "2:00"]
        assert screen.cursor_card == "PMO-4" and screen.cursor_day.isoformat() == "2026-11-19"
        await pilot.press("u")
        screen = await ready(pilot)
        assert not [e for e in tables(sheet_db)["time_entries"].values() if e["note"] == "pairing"]

        # e: the Tuesday entry on PMO-1 ends at 11:00 instead of 10:30.
        await pilot.press("k", "k", "h", "h")
        assert screen.cursor_card == "PMO-1" and screen.cursor_day.isoformat() == "2026-11-17"
        await pilot.press("e")
        await pilot.pause()
        await fill(pilot, end="2026-11-17 11:00", note="longer")
        await pilot.press("enter")
        screen = await ready(pilot)
        tue = [e for e in tables(sheet_db)["time_entries"].values()
               if e["start"] == "2026-11-17T09:00:00Z"]  # fmt: skip
        assert tue[0]["end"] == "2026-11-17T11:00:00Z" and tue[0]["note"] == "longer"
        assert "2:00" in line(screen, "PMO-1").split()
        await pilot.press("u")
        screen = await ready(pilot)
        tue = [e for e in tables(sheet_db)["time_entries"].values()
               if e["start"] == "2026-11-17T09:00:00Z"]  # fmt: skip
        assert tue[0]["end"] == "2026-11-17T10:30:00Z" and tue[0]["note"] == ""

        # x: delete it; undo puts it back as it was.
        before = dict(tue[0])
        await pilot.press("x")
        screen = await ready(pilot)
        assert before["id"] not in [e["id"] for e in tables(sheet_db)["time_entries"].values()]
        assert "nothing logged" in entries_text(screen)
        await pilot.press("u")
        await ready(pilot)
        assert tables(sheet_db)["time_entries"][str(before["id"])] == before


async def test_edit_form_refuses_an_overlap_at_the_field(
    sheet_db: Path, make_app: Callable[..., PmoApp]
) -> None:
    app = make_app(sheet_db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_sheet(pilot)
        await pilot.press("k", "h", "h", "h", "h")  # PMO-1, Monday: my 09:00-11:00
        assert screen.cursor_day.isoformat() == "2026-11-16"
        await pilot.press("e")
        await pilot.pause()
        await fill(pilot, start="2026-11-17 08:00", end="2026-11-17 09:30")
        await pilot.press("enter")
        await pilot.pause()
        error = str(app.screen.query_one("#e-end", Static).render())
        assert error == (
            "this entry would overlap your entry on PMO-1 (2026-11-17 09:00 - 2026-11-17 10:30)"
        )


async def test_x_on_someone_elses_cell_deletes_nothing(
    sheet_db: Path, make_app: Callable[..., PmoApp]
) -> None:
    before = tables(sheet_db)["time_entries"]
    app = make_app(sheet_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_sheet(pilot)
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("enter")  # bob
        screen = await ready(pilot)
        await pilot.press("h", "h", "h", "h")  # PMO-1 on Monday: bob's entry
        await pilot.press("x")
        await settle(pilot)
        assert tables(sheet_db)["time_entries"] == before
        assert screen.cursor_card == "PMO-1"


async def test_t_starts_and_stops_the_rows_timer_and_it_ticks(
    sheet_db: Path, make_app: Callable[..., PmoApp], clock: Any
) -> None:
    app = make_app(sheet_db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_sheet(pilot)
        await pilot.press("t")  # cursor on PMO-1 (Friday)
        screen = await ready(pilot)
        running = [e for e in tables(sheet_db)["time_entries"].values() if e["end"] is None]
        assert [(e["card"], e["user"]) for e in running] == [("PMO-1", USER)]
        assert any("Started a timer on PMO-1" in n.message for n in app._notifications)
        assert "⏱" in line(screen, "PMO-1")
        clock.advance(minutes=25)
        screen.tick()
        screen = await ready(pilot)
        fri = line(screen, "PMO-1").split()
        assert "0:25" in fri and "3:55" in fri  # Friday's cell, and the week's 3:30 + 0:25
        assert line(screen, "Total").split()[-1] == "4:55"
        assert "09:00" not in entries_text(screen) and "15:00–now" in entries_text(screen)
        clock.advance(minutes=5)
        await pilot.press("t")  # stop
        screen = await ready(pilot)
        stopped = [e for e in tables(sheet_db)["time_entries"].values() if e["card"] == "PMO-1"]
        assert all(e["end"] for e in stopped)
        assert "0:30" in line(screen, "PMO-1").split()
        assert "⏱" not in line(screen, "PMO-1")
        assert any("stopped timer on PMO-1 (0:30)" in n.message for n in app._notifications)


async def test_E_writes_a_csv_whose_numbers_are_the_grids(
    sheet_db: Path, make_app: Callable[..., PmoApp]
) -> None:
    app = make_app(sheet_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_sheet(pilot)
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("enter")
        await ready(pilot)
        await pilot.press("w")  # everyone
        screen = await ready(pilot)
        await pilot.press("E")
        path = sheet_db.parent / "pmo-timesheet-2026-11-16.csv"
        await wait_for(pilot, lambda: screen.export_path == path, what="the CSV")
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert any(str(path) in m for m in said)
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
        total = sum(int(r["minutes"]) for r in rows)
        assert total == 8 * 60 + 45
        assert line(screen, "Total").split()[-1] == "8:45"
        pmo1 = sum(int(r["minutes"]) for r in rows if r["card"] == "PMO-1")
        assert line(screen, "PMO-1").split()[-3] == f"{pmo1 // 60}:{pmo1 % 60:02d}"
        assert {r["user"] for r in rows} == {"ann", "bob", "chen"}


async def test_hostile_text_is_shown_literally(db: Path, make_app: Callable[..., PmoApp]) -> None:
    """Titles and notes as another program may have written them into the file."""
    store = Store(db)
    board = Board(store, USER, clock=lambda: at(20, 15))
    board.add_card("plain", estimate="1h")
    log(db, USER, "1", at(20, 9), at(20, 10), "plain")
    with store.transaction():
        card_id = next(k for k, d in store._table("cards").items() if d["key"] == "PMO-1")
        store.update("cards", card_id, {"title": "[bold red]x[/] \x1b[31mred\x1b[0m"})
        entry_id = next(iter(store._table("time_entries")))
        store.update("time_entries", entry_id,
                     {"note": "[link=http://x]note[/link] \x1b]0;pwn\x07"})  # fmt: skip
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_sheet(pilot)
        row = line(screen, "PMO-1")
        assert "[bold red]x[/]" in row and "\x1b" not in row and "\\x1b" in row
        text = entries_text(screen)
        assert "[link=http://x]note[/link]" in text and "\x1b" not in text and "\x07" not in text
