"""Issue 9's "done when" as a test: a timer started from the shell ticks in the app's
header, `t` on the board switches it to another card, `t` stops it, yesterday's forgotten
hour is logged from the shell, and the timesheet screen (4), `pmo timesheet --json` and
`pmo timesheet --csv` show the same minutes per card and day and the same totals.

The CLI runs in another process on the wall clock, so the app's clock is set to the wall
clock's minute (then advanced by hand: no waiting); times are local = UTC here."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from test_timesheet_screen import grid_lines, open_sheet, ready, title_text
from ui_helpers import USER, Clock, header_text, pmo_cli, settle, tables

from pmo_tui.ui.app import PmoApp
from pmo_tui.ui.widgets.header import PmoHeader

MakeApp = Callable[..., PmoApp]
Sheet = dict[str, dict[date, int]]  # card -> day -> minutes


def shell(db: Path, *args: str) -> str:
    """The user's own shell: same file, same user, TZ=UTC."""
    return pmo_cli(db, *args, user=USER).stdout


def week_of(day: date) -> list[date]:
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=i) for i in range(7)]


def minutes(text: str) -> int:
    hours, _, mins = text.strip().partition(":")
    return int(hours) * 60 + int(mins)


def read_grid(screen: Any, week: list[date]) -> tuple[Sheet, int]:
    """The grid as shown: each card's minutes per day column (read at the column's place
    under its header label), and the Total row's total."""
    lines = grid_lines(screen)
    header = next(line for line in lines if line.split()[:1] == ["Card"])
    labels = {f"{d:%a} {d:%d}": d for d in week}
    spans: list[tuple[Any, int, int]] = []  # (day or "total", start, end) of each column
    previous = -1
    for label, day in labels.items():
        if label in header:
            end = header.index(label) + len(label)
            # cells are right-aligned under their label; the first starts at its label
            spans.append((day, end - len(label) if previous < 0 else previous, end))
            previous = end
    end = header.index("Total", previous) + len("Total")
    spans.append(("total", previous, end))
    sheet: Sheet = {}
    total = -1
    for line in lines:
        first = line.split()[:1]
        if not first or not (first[0].startswith("PMO-") or first[0] == "Total"):
            continue
        cells = {what: line[a:b].strip() for what, a, b in spans}
        if first[0] == "Total":
            total = minutes(cells["total"]) if cells["total"] else 0
            continue
        row = {d: minutes(v) for d, v in cells.items() if d != "total" and v}
        assert sum(row.values()) == minutes(cells["total"]), line
        sheet[first[0]] = row
    return sheet, total


def read_json(text: str) -> tuple[Sheet, int]:
    data = json.loads(text)
    sheet: Sheet = {}
    for row in data["rows"]:
        cells = {date.fromisoformat(d): m for d, m in row["minutes"].items() if m}
        assert sum(cells.values()) == row["total"]
        sheet[row["card"]] = cells
    return sheet, int(data["total"])


def read_csv(text: str) -> tuple[Sheet, int]:
    sheet: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for entry in csv.DictReader(io.StringIO(text)):
        assert entry["user"] == USER
        sheet[entry["card"]][date.fromisoformat(entry["date"])] += int(entry["minutes"])
    plain = {card: dict(days) for card, days in sheet.items()}
    return plain, sum(sum(days.values()) for days in plain.values())


async def test_timer_from_the_shell_ticks_switches_stops_and_three_views_agree(
    db: Path, make_app: MakeApp
) -> None:
    t0 = datetime.now(UTC).replace(second=0, microsecond=0)
    if t0.hour == 0 or t0.hour == 23:  # the story runs 40 minutes past t0 on one day
        pytest.skip("near midnight: today's entries would cross into another day")
    shell(db, "init", "--template", "scrum")
    for n in range(1, 13):
        assert shell(db, "add", f"Card {n}").strip() == f"PMO-{n}"
    assert "started timer on PMO-1" in shell(db, "start", "1", "--at", f"{t0:%H:%M}")

    clock = Clock(t0 + timedelta(minutes=25))
    app = make_app(db, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "⏱ PMO-1 0:25" in header_text(app)
        clock.advance(minutes=1)
        app.screen.query_one(PmoHeader).update_now()  # the header's tick
        await pilot.pause()
        assert "⏱ PMO-1 0:26" in header_text(app)

        await pilot.press("j", "t")  # PMO-2: the timer switches to it
        await settle(pilot)
        assert "⏱ PMO-2 0:00" in header_text(app)
        clock.advance(minutes=14)
        await pilot.press("t")  # and stops
        await settle(pilot)
        assert "⏱" not in header_text(app)
        entries = sorted(
            (e["card"], e["start"], e["end"]) for e in tables(db)["time_entries"].values()
        )
        assert [e[0] for e in entries] == ["PMO-1", "PMO-2"] and all(e[2] for e in entries)

        assert "logged 1h on PMO-12" in shell(db, "log", "12", "1h", "--date", "yesterday")
        today = t0.date()
        yesterday = today - timedelta(days=1)
        expected: Sheet = {"PMO-1": {today: 26}, "PMO-2": {today: 14}, "PMO-12": {yesterday: 60}}

        # The timesheet screen: this week, then (when yesterday was in it) the week before.
        weeks = [week_of(today)]
        if yesterday not in weeks[0]:  # a Monday: yesterday is last week's Sunday
            weeks.append(week_of(yesterday))
        screen = await open_sheet(pilot)
        on_screen: Sheet = {}
        screen_total = 0
        for i, week in enumerate(weeks):
            if i:
                await pilot.press("left_square_bracket")
                screen = await ready(pilot)
            assert f"{week[0]:%a %d %b}" in title_text(screen), title_text(screen)
            sheet, total = read_grid(screen, week)
            on_screen.update(sheet)
            screen_total += total
        assert on_screen == expected

        # The CLI: the same weeks, as JSON and as CSV.
        as_json: Sheet = {}
        json_total = 0
        as_csv: Sheet = {}
        csv_total = 0
        for week in weeks:
            sheet, total = read_json(shell(db, "timesheet", "--week", f"{week[0]}", "--json"))
            as_json.update(sheet)
            json_total += total
            sheet, total = read_csv(shell(db, "timesheet", "--week", f"{week[0]}", "--csv"))
            as_csv.update(sheet)
            csv_total += total
        assert as_json == as_csv == on_screen == expected
        assert json_total == csv_total == screen_total == 100
