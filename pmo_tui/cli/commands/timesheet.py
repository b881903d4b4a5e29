"""Report commands: timesheet (SPEC sections 3 and 5).

The numbers come from :mod:`pmo_tui.core.reports.timesheet` (one :class:`Timesheet` for the
grid and the JSON, its CSV rows for ``--csv``), so the three outputs show the same minutes.
This module only lays the grid out; see :func:`format_timesheet` for the layout rules.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .. import EXIT_OK, UsageError
from ..parser import terminal_width
from . import Command

if TYPE_CHECKING:
    import argparse
    from datetime import date

    from ...core.reports.timesheet import Day, Row, Timesheet
    from ...core.usecases.session import Session as CoreSession
    from ..session import Session


def timesheet_arguments(s: argparse.ArgumentParser) -> None:
    # `--week` / `--month` alone mean this week / month: const "today".
    s.add_argument("--week", nargs="?", const="today", metavar="DATE", help="the week of DATE")
    s.add_argument("--month", nargs="?", const="today", metavar="DATE", help="the month of DATE")
    s.add_argument("--from", dest="from_", metavar="DATE", help="first day (to --to, or to today)")
    s.add_argument("--to", metavar="DATE", help="last day")
    who = s.add_mutually_exclusive_group()
    who.add_argument("--user", metavar="U", help="another user's time (default: yours)")
    who.add_argument("--everyone", action="store_true", help="every user's time")
    fmt = s.add_mutually_exclusive_group()
    fmt.add_argument("--csv", action="store_true", help="one row per entry")
    fmt.add_argument("--json", action="store_true")


def cmd_timesheet(env: Session) -> int:
    from ...core import calendar
    from ...core.parse import ParseError
    from ...core.reports import timesheet as ts
    from ..output import json_out, out

    a = env.args
    session = _core_session(env)
    today = calendar.local_date(session.clock())
    try:
        period = ts.parse_period(week=a.week, month=a.month, start=a.from_, end=a.to, today=today)
        users = ts.select_users(env.user, a.user, a.everyone)
    except ParseError as exc:
        raise UsageError(str(exc)) from None
    if a.csv:
        _write_csv(ts.csv_for(session, period, users))
        return EXIT_OK
    sheet = ts.timesheet_for(
        session,
        period,
        users,
        target_hours_per_day=env.cfg.target_hours_per_day,
        work_days=env.cfg.work_days,
    )
    if a.json:
        json_out(ts.to_json(sheet))
        return EXIT_OK
    out(format_timesheet(sheet, everyone=users is None, width=terminal_width()))
    return EXIT_OK


def _core_session(env: Session) -> CoreSession:
    """A use-case session over the data file, without the Board facade (which imports
    every use case: ~18 ms of a report's start-up)."""
    from ...core.storage.jsonfile.backend import JsonFileStorage
    from ...core.usecases.session import Session as CoreSession

    return CoreSession(
        JsonFileStorage(env.store()), env.user, env.project, hours_per_day=env.cfg.hours_per_day
    )


# Control characters other than the ones CSV quotes (tab, CR, LF), and bidi overrides.
_UNSAFE_RUN = re.compile(r"[^\t\r\n]+")


def _write_csv(text: str) -> None:
    """The CSV as it is, except that a control character (ESC...) or bidi override in a
    stored string is written as an escape, as everywhere else: never executed by the
    terminal the CSV may be printed to.  Tab, CR and LF stay (CSV quotes them)."""
    from ...core.text import display

    if not text.isprintable():
        text = _UNSAFE_RUN.sub(lambda m: display(m.group()), text)
    sys.stdout.write(text)


# ===================================================================== the grid
CELL = 6  # "Mon 30", "10:05", "120:30" fit
KEY_MAX = 10
TITLE_MIN = 8  # below this the title column is dropped
TITLE_MAX = 40


def _clock(minutes: int) -> str:
    from ...core.parse import format_clock

    return format_clock(minutes) if minutes else ""


def _signed(minutes: int) -> str:
    from ...core.parse import format_clock

    sign = "+" if minutes > 0 else "-" if minutes < 0 else ""
    return sign + format_clock(abs(minutes))


def _percent(row: Row) -> str:
    if row.percent_of_estimate is None:
        return ""
    return f"{row.percent_of_estimate}%" + ("!" if row.over_estimate else "")


def _shown_days(days: Sequence[Day]) -> list[Day]:
    """Work days always; other days (weekends) only when they hold time."""
    return [d for d in days if d.work_day or d.minutes]


def _header_day(day: date) -> str:
    return f"{day.strftime('%a')} {day.day:02d}"


def _period_title(sheet: Timesheet, everyone: bool) -> str:
    from ..output import shown

    first, last = sheet.period.first, sheet.period.last
    names = ", ".join(shown(u) for u in sheet.users)
    who = f"everyone ({names})" if everyone else names
    if everyone and not sheet.users:
        who = "everyone (nobody has logged time)"
    span = f"{first:%a %d %b %Y} - {last:%a %d %b %Y}"
    return f"Timesheet {span}: {who}"  # the period first: a long list of users is cut


# One grid line: key, title, day cells, total, spent/estimate, percent of estimate.
_Line = tuple[str, str, list[str], str, str, str]


class _Layout:
    """Column widths of one grid, from its content: key, title (0: dropped), the day
    cells, the row total, spent/estimate (0: dropped) and the percent of estimate (0: not
    in this grid)."""

    def __init__(self, width: int, body: Sequence[_Line], with_estimate: bool) -> None:
        from ..output import width as cells

        self.key = min(KEY_MAX, max(cells(b[0]) for b in body))
        n_days = len(body[0][2])
        self.total = max(CELL + 1, *(len(b[3]) for b in body))  # "Total", "-165:55"
        # "%Est", "375%!" (at least 6, as "Total" has 7: a gap between the columns)
        self.pct = max(6, *(len(b[5]) for b in body)) if with_estimate else 0
        fixed = self.key + 1 + n_days * (CELL + 1) + self.total
        fixed += (self.pct + 1) if self.pct else 0
        room = width - fixed - 1  # 1: the space after the title
        spent = max(11, *(len(b[4]) for b in body)) if with_estimate else 0  # "12:30/10:00"
        self.spent = 0
        if spent and room - spent - 1 >= 20:  # spent/estimate only when the title keeps 20
            self.spent = spent
            room -= spent + 1
        longest = max(cells(b[1]) for b in body)
        self.title = min(TITLE_MAX, longest, room) if room >= TITLE_MIN else 0

    def line(
        self, key: str, title: str, days: Sequence[str], total: str, spent: str, pct: str
    ) -> str:
        from ..output import clip, pad

        parts = [pad(clip(key, self.key), self.key)]
        if self.title:
            parts.append(pad(clip(title, self.title), self.title))
        parts.extend(f"{d:>{CELL}}" for d in days)
        parts.append(f"{total:>{self.total}}")
        if self.spent:
            parts.append(f"{spent:>{self.spent}}")
        if self.pct:
            parts.append(f"{pct:>{self.pct}}")
        return " ".join(parts).rstrip()


def _grid(
    sheet: Timesheet, days: Sequence[Day], rows: Sequence[Row], width: int, summary: bool
) -> list[str]:
    """One grid over ``days``: a line per card, then the day totals; with ``summary``
    (a whole period shown at once) the target and balance lines and the estimates too."""
    from ...core.parse import format_clock
    from ..output import shown

    body: list[_Line] = [
        ("Card", "Title", [_header_day(d.date) for d in days], "Total", "Spent/Est", "%Est")
    ]
    for r in rows:
        spent = f"{format_clock(r.spent)}/{format_clock(r.estimate)}" if r.estimate else ""
        total = r.total if summary else sum(r.minutes[d.date] for d in days)
        body.append(
            (
                shown(r.card),
                shown(r.title),
                [_clock(r.minutes[d.date]) for d in days],
                format_clock(total) if summary else _clock(total),
                spent,
                _percent(r),
            )
        )
    period_total = sheet.total if summary else sum(d.minutes for d in days)
    body.append(
        ("Total", "", [_clock(d.minutes) for d in days], format_clock(period_total), "", "")
    )
    if summary:
        target = [_clock(d.target) for d in days]
        body.append(("Target", "", target, format_clock(sheet.target), "", ""))
        body.append(("Balance", "", ["" for _ in days], _signed(sheet.balance), "", ""))
    lay = _Layout(width, body, with_estimate=summary)
    return [lay.line(*b) for b in body]


def _weeks(days: Sequence[Day]) -> list[list[Day]]:
    """The days cut at each Monday."""
    out: list[list[Day]] = []
    for d in days:
        if not out or d.date.weekday() == 0:
            out.append([])
        out[-1].append(d)
    return out


def format_timesheet(sheet: Timesheet, *, everyone: bool = False, width: int = 80) -> str:
    """The terminal grid (SPEC 5).

    Cards are rows (key and title, cut to the display width), days are columns headed
    ``Mon 30``: every work day of the config, other days (weekends) only when they hold
    time.  Cells are ``h:mm``, blank for nothing.  Each row ends with its total, spent
    against estimate (``12:30/10:00``, when there is room) and the percent of the estimate,
    marked ``!`` when over.  Then the day totals, the target of each work day and the
    balance (``+1:30`` / ``-2:30``).  The title narrows first, then the spent/estimate
    column goes, then the title, so that a week fits 80 columns.

    A period longer than a week (``--month``, ``--from/--to``) is shown one week at a time
    (rows and day totals of that week), then a summary of the period: each card's total
    and estimate, the total, the target and the balance.
    """
    from ..output import clip

    lines = [clip(_period_title(sheet, everyone), width), ""]
    if len(sheet.days) <= 7:
        lines += _grid(sheet, _shown_days(sheet.days), sheet.rows, width, summary=True)
    else:
        for week in _weeks(sheet.days):
            rows = [r for r in sheet.rows if any(r.minutes[d.date] for d in week)]
            shown_days = _shown_days(week)
            label = f"Week of {week[0].date:%a %d %b}"
            if not rows:
                lines += [f"{label}: no time", ""]
                continue
            lines += [label, *_grid(sheet, shown_days, rows, width, summary=False), ""]
        lines.append("Period")
        lines += _grid(sheet, [], sheet.rows, width, summary=True)
    if not sheet.rows:
        lines.append("")
        lines.append("no time logged in this period")
    return "\n".join(lines)


COMMANDS = [
    Command(
        "timesheet",
        "time by card and day: this week, --week/--month [DATE], --from/--to; --csv, --json",
        timesheet_arguments,
        cmd_timesheet,
        True,
    ),
]
