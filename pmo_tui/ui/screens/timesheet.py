"""The timesheet (key ``4``): a week of time by card and day, for me, one user or everyone.

The numbers are :mod:`pmo_tui.core.reports.timesheet`'s (the very ones ``pmo timesheet``
and its CSV give).  They are computed on a worker thread (a week over 30k entries takes a
noticeable part of a second), so a key never waits for them: the grid shows the last
result until the new one is in, and a result that a later request has overtaken is
dropped.  Writes (log, edit, delete, timer) go through the app's write queue, so they are
undoable and announced; the grid redraws on ``data_changed`` with the cursor kept on its
card and day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from ...core import calendar, parse
from ...core.errors import UseCaseError
from ...core.model import Doc
from ...core.reports import timesheet as ts
from ...core.text import display
from ...core.usecases import timers, validate
from ..messages import DataChanged
from ..widgets.header import PmoHeader
from ..widgets.keybar import KeyBar
from ..widgets.timesheet_grid import GridLine, GridModel, TimesheetGrid

if TYPE_CHECKING:
    from ..app import PmoApp

ENTRY_LINES = 5  # lines under the grid for the selected cell's entries
_CLOCK = re.compile(r"\d{1,2}:\d{2}(:\d{2})?", re.ASCII)


def clock(minutes: int) -> str:
    """``h:mm``, blank for nothing (a cell)."""
    return parse.format_clock(minutes) if minutes else ""


def signed(minutes: int) -> str:
    sign = "+" if minutes > 0 else "-" if minutes < 0 else ""
    return sign + parse.format_clock(abs(minutes))


def shown_days(days: list[ts.Day]) -> list[ts.Day]:
    """Work days always; other days (weekends) only when they hold time (as the CLI)."""
    return [d for d in days if d.work_day or d.minutes]


@dataclass
class Computed:
    """One worker result: the sheet and what the screen needs around it."""

    gen: int
    period: ts.Period
    users: frozenset[str] | None
    now: datetime
    sheet: ts.Timesheet | None = None
    entries: dict[str, list[Doc]] = field(default_factory=dict)  # row card -> its entries
    loggers: list[str] = field(default_factory=list)  # every user who logged time
    running: dict[str, str] = field(default_factory=dict)  # user -> card of a running entry
    error: str | None = None


@dataclass
class LogRequest:
    card: str
    minutes: int | None
    day: date | None
    start: datetime | None
    end: datetime | None
    note: str


@dataclass
class EditRequest:
    entry: int
    card: str
    start: datetime
    end: Any  # a datetime, None, or timers.KEEP
    note: str


class TimesheetScreen(Screen[None]):
    """The week grid; the cursor is a (card, day) pair, kept across redraws."""

    HELP_TITLE = "Timesheet"
    AUTO_FOCUS = None
    BINDINGS = [
        Binding("left_square_bracket", "week(-1)", "Prev week", id="timesheet.prev_week",
                tooltip="The week before"),
        Binding("right_square_bracket", "week(1)", "Next week", id="timesheet.next_week",
                tooltip="The week after"),
        Binding("j,down", "cursor(1,0)", "Down", id="timesheet.down", show=False,
                tooltip="Next card row"),
        Binding("k,up", "cursor(-1,0)", "Up", id="timesheet.up", show=False,
                tooltip="Previous card row"),
        Binding("h,left", "cursor(0,-1)", "Left", id="timesheet.left", show=False,
                tooltip="Previous day"),
        Binding("l,right", "cursor(0,1)", "Right", id="timesheet.right", show=False,
                tooltip="Next day"),
        Binding("w", "who", "Whose", id="timesheet.who",
                tooltip="Whose time: me, a user (pick one), everyone"),
        Binding("n", "log", "Log", id="timesheet.log",
                tooltip="Log time on a card (duration or from/to)"),
        Binding("e", "edit", "Edit", id="timesheet.edit",
                tooltip="Edit an entry of the selected cell"),
        Binding("x", "delete", "Delete", id="timesheet.delete",
                tooltip="Delete an entry of the selected cell (u undoes)"),
        Binding("t", "timer", "Timer", id="timesheet.timer",
                tooltip="Start/stop my timer on the row's card"),
        Binding("E", "export", "CSV", id="timesheet.export",
                tooltip="Write this grid's entries as CSV and say where"),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.period: ts.Period | None = None
        self.who = "me"  # me | user | everyone
        self.other: str | None = None  # the user of "user"
        self.cursor_card: str | None = None
        self.cursor_day: date | None = None
        self.row_hint = 0
        self.col_hint = 0
        self.computed: Computed | None = None
        self.rows: list[ts.Row] = []
        self.days: list[ts.Day] = []
        self._gen = 0
        self._loading = False
        self.export_path: Path | None = None

    @property
    def pmo(self) -> PmoApp:
        return self.app  # type: ignore[return-value]

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield PmoHeader()
        yield Static("", id="ts-title", markup=False)
        yield TimesheetGrid(id="ts-grid")
        yield Static("", id="ts-entries", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.pmo.data_changed.subscribe(self, self._data_changed, immediate=True)
        config = self.pmo.config
        if config is not None:
            self.grid.work_days = frozenset(config.work_days)
        self.period = ts.week_period(self.today())
        self.cursor_day = self.today()
        self.recompute()
        tick = self.pmo.tick_interval
        if tick > 0:
            self.set_interval(tick, self.tick)

    @property
    def grid(self) -> TimesheetGrid:
        return self.query_one(TimesheetGrid)

    @property
    def mode_label(self) -> str:
        return f"timesheet · {self.who_text()}"

    def today(self) -> date:
        return calendar.local_date(self.pmo.now())

    def users(self) -> frozenset[str] | None:
        if self.who == "everyone":
            return None
        if self.who == "user" and self.other:
            return frozenset({self.other})
        return frozenset({self.pmo.user})

    def who_text(self) -> str:
        if self.who == "everyone":
            return "everyone"
        if self.who == "user" and self.other:
            return display(self.other)
        return f"{display(self.pmo.user)} (me)"

    # -------------------------------------------------------------- computing
    def _data_changed(self, change: DataChanged) -> None:
        try:
            if change.focus:
                self.cursor_card = change.focus
            self.recompute()
        except Exception as exc:  # a Signal would log and swallow it: let it surface
            self.app._handle_exception(exc)

    def recompute(self) -> None:
        """Ask a worker thread for the sheet; the newest request wins."""
        if self.period is None:
            return
        self._gen += 1
        gen, period, users, now = self._gen, self.period, self.users(), self.pmo.now()
        self._loading = True
        self.run_worker(
            lambda: self._compute(gen, period, users, now),
            thread=True,
            group="timesheet",
            exit_on_error=False,
        )

    def _compute(
        self, gen: int, period: ts.Period, users: frozenset[str] | None, now: datetime
    ) -> Computed:
        """On a worker thread: only reads."""
        out = Computed(gen, period, users, now)
        try:
            storage = self.pmo.board.session.storage
            config = self.pmo.config
            target = config.target_hours_per_day if config else 8.0
            work_days = config.work_days if config else calendar.WORK_DAYS
            cards = {str(d.get("key")): d for d in storage.cards()}
            entries = storage.entries()
            sheet = ts.timesheet(
                entries, cards, period, users, now=now,
                target_hours_per_day=target, work_days=work_days,
            )  # fmt: skip
            keys = {r.card for r in sheet.rows}
            seen: set[str] = set()
            by_card: dict[str, list[Doc]] = {}
            running: dict[str, str] = {}
            for e in entries:
                user = str(e.get("user"))
                seen.add(user)
                if users is not None and user not in users:
                    continue
                card = str(e.get("card"))
                if not e.get("end"):
                    running[user] = card
                if card in keys:
                    by_card.setdefault(card, []).append(e)
            out.sheet, out.entries, out.running = sheet, by_card, running
            out.loggers = sorted(seen)
        except Exception as exc:  # a broken file: say so, keep the screen
            out.error = f"{type(exc).__name__}: {exc}"
        return out

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state != WorkerState.SUCCESS:
            if event.state == WorkerState.ERROR and worker.group == "export":
                self.notify(f"CSV not written: {worker.error}", severity="error", timeout=8)
            return
        result = worker.result
        if isinstance(result, Computed):
            self._show(result)
        elif isinstance(result, Path):
            self.export_path = result
            self.notify(f"Wrote the timesheet CSV to {result}", timeout=8)

    def _show(self, result: Computed) -> None:
        if result.gen != self._gen:
            return  # overtaken by a newer request
        self._loading = False
        self.computed = result
        if result.sheet is None:
            self.query_one("#ts-title", Static).update(f"Cannot read the data: {result.error}")
            return
        self.rows = result.sheet.rows
        self.days = shown_days(result.sheet.days)
        self._place_cursor()
        self.redraw()

    def tick(self) -> None:
        """The app's tick: a shown running entry changes the grid once a minute."""
        result = self.computed
        if result is None or not result.running or self._loading:
            return
        shown = {r.card for r in self.rows}
        if not any(card in shown for card in result.running.values()):
            return  # the running entry is in another week
        now = self.pmo.now()
        if int(now.timestamp()) // 60 != int(result.now.timestamp()) // 60:
            self.recompute()

    # ---------------------------------------------------------------- the cursor
    def _place_cursor(self) -> None:
        keys = [r.card for r in self.rows]
        if self.cursor_card in keys:
            self.row_hint = keys.index(self.cursor_card)
        elif keys:
            self.row_hint = max(0, min(self.row_hint, len(keys) - 1))
            self.cursor_card = keys[self.row_hint]
        else:
            self.row_hint, self.cursor_card = 0, None
        dates = [d.date for d in self.days]
        if self.cursor_day in dates:
            self.col_hint = dates.index(self.cursor_day)
        elif dates:
            if self.cursor_day is not None:  # the same weekday in another week, or nearest
                same = [i for i, d in enumerate(dates) if d.weekday() == self.cursor_day.weekday()]
                self.col_hint = same[0] if same else min(self.col_hint, len(dates) - 1)
            self.col_hint = max(0, min(self.col_hint, len(dates) - 1))
            self.cursor_day = dates[self.col_hint]

    def current_row(self) -> ts.Row | None:
        return self.rows[self.row_hint] if self.rows else None

    def action_cursor(self, rows: int, cols: int) -> None:
        if rows and self.rows:
            self.row_hint = max(0, min(len(self.rows) - 1, self.row_hint + rows))
            self.cursor_card = self.rows[self.row_hint].card
        if cols and self.days:
            self.col_hint = max(0, min(len(self.days) - 1, self.col_hint + cols))
            self.cursor_day = self.days[self.col_hint].date
        self.grid.set_cursor(self.row_hint, self.col_hint)
        self._show_entries()

    # ------------------------------------------------------------------ drawing
    def redraw(self) -> None:
        result = self.computed
        if result is None or result.sheet is None:
            return
        sheet = result.sheet
        mine = result.running.get(self.pmo.user)
        timing = set(result.running.values())
        model = GridModel(
            days=[d.date for d in self.days],
            heads=[f"{d.date.strftime('%a')} {d.date.day:02d}" for d in self.days],
            totals=[clock(d.minutes) for d in self.days],
            total=parse.format_clock(sheet.total),
            targets=[clock(d.target) for d in self.days],
            target=parse.format_clock(sheet.target),
            balance=signed(sheet.balance),
            balance_sign=(sheet.balance > 0) - (sheet.balance < 0),
            with_estimate=True,
            empty_text="No time logged this week: n logs some, t starts a timer on a card.",
        )
        for r in self.rows:
            est = r.estimate
            model.rows.append(
                GridLine(
                    key=display(r.card),
                    title=("⏱ " if r.card == mine else "") + display(r.title),
                    cells=[clock(r.minutes[d.date]) for d in self.days],
                    total=parse.format_clock(r.total),
                    spent=f"{parse.format_clock(r.spent)}/{parse.format_clock(est)}" if est else "",
                    pct=""
                    if r.percent_of_estimate is None
                    else f"{r.percent_of_estimate}%" + ("!" if r.over_estimate else ""),
                    over=r.over_estimate,
                    timer=r.card in timing,
                )
            )
        self.grid.show(model, self.row_hint, self.col_hint)
        first, last = sheet.period.first, sheet.period.last
        week = first.isocalendar()[1]
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append(f" Week {week}", "bold")
        title.append(f"  {first:%a %d %b} – {last:%a %d %b %Y}  ·  ")
        who = self.who_text()
        if self.who == "everyone":
            names = ", ".join(display(u) for u in sheet.users) or "nobody has logged time"
            who = f"everyone ({names})"
        title.append(who, "bold")
        self.query_one("#ts-title", Static).update(title)
        self._show_entries()
        self.query_one(PmoHeader).update_now()

    def cell_entries(self) -> list[tuple[Doc, int]]:
        result = self.computed
        row = self.current_row()
        if result is None or row is None or self.cursor_day is None:
            return []
        found = ts.cell_entries(
            result.entries.get(row.card, []),
            result.period,
            result.users,
            row.card,
            self.cursor_day,
            now=result.now,
        )
        return [(e, m) for e, m in found if isinstance(e, dict)]

    def _show_entries(self) -> None:
        out = Text(no_wrap=True, overflow="ellipsis")
        row = self.current_row()
        day = self.cursor_day
        if row is None or day is None:
            self.query_one("#ts-entries", Static).update(out)
            return
        found = self.cell_entries()
        total = sum(m for _, m in found)
        out.append(f" {display(row.card)}", "bold")
        out.append(f" · {day:%a %d %b}")
        if not found:
            out.append(" · nothing logged (n logs time here)")
        else:
            plural = "y" if len(found) == 1 else "ies"
            out.append(f" · {len(found)} entr{plural}, {parse.format_clock(total)}")
        shown = found[: ENTRY_LINES - 1]
        for doc, minutes in shown:
            out.append("\n")
            out.append(f"   {self._span_text(doc, day):<11}  {parse.format_clock(minutes):>6}  ")
            out.append(display(str(doc.get("user") or "")), "bold")
            note = str(doc.get("note") or "")
            if note:
                out.append("  " + display(note))
        if len(found) > len(shown):
            out.append(f"\n   … {len(found) - len(shown)} more")
        self.query_one("#ts-entries", Static).update(out)

    @staticmethod
    def _span_text(doc: Doc, day: date) -> str:
        start = parse.from_iso(str(doc["start"])).astimezone()
        end_text = doc.get("end")
        end = parse.from_iso(str(end_text)).astimezone() if end_text else None

        def at(moment: datetime) -> str:
            same = moment.date() == day
            return moment.strftime("%H:%M") if same else moment.strftime("%a %H:%M")

        return f"{at(start)}–{at(end) if end else 'now'}"

    # -------------------------------------------------------------------- keys
    def action_week(self, step: int) -> None:
        if self.period is None:
            return
        self.period = ts.shift_week(self.period, step)
        if self.cursor_day is not None:  # the same weekday in that week
            self.cursor_day = self.period.first + timedelta(days=self.cursor_day.weekday())
        self.recompute()

    def action_who(self) -> None:
        if self.who == "me":
            self._pick_user()
            return
        self.who = "everyone" if self.who == "user" else "me"
        self.recompute()

    def _pick_user(self) -> None:
        from ..modals.entry_form import PickScreen

        result = self.computed
        others = [u for u in (result.loggers if result else []) if u != self.pmo.user]
        if not others:  # nobody else logged time: a user would be me again
            self.who = "everyone"
            self.recompute()
            return
        options = [(u, Text(display(u))) for u in others]

        def chosen(user: str | None) -> None:
            if user is None:
                return
            self.who, self.other = "user", user
            self.recompute()

        self.app.push_screen(PickScreen("Whose time?", options), chosen)

    def _session(self) -> Any:
        return self.pmo.board.session

    def action_timer(self) -> None:
        row = self.current_row()
        if row is None:
            self.notify("No card row here: n logs time on a card", timeout=3)
            return
        key = row.card
        mine = self.pmo.running_timer()
        stopping = mine is not None and mine.card == key
        # Stopping is announced by the use case ("stopped timer on PMO-12 (0:25)").
        said = None if stopping else f"Started a timer on {key} (u undoes)"
        self.pmo.submit(
            f"timer on {key}", lambda: timers.toggle_timer(self._session(), key), announce=said
        )

    def action_log(self) -> None:
        from ..modals.entry_form import LogEntryForm

        docs = self.pmo.view_cards()
        cards = [(str(d.get("key")), str(d.get("title") or "")) for d in docs]
        row = self.current_row()
        if row is not None and row.card not in {k for k, _ in cards}:
            cards.insert(0, (row.card, row.title))
        day = self.cursor_day or self.today()
        form = LogEntryForm(
            cards, card=row.card if row else None, day=day.isoformat(), check=self.check_log
        )
        self.app.push_screen(form, self._logged)

    def check_log(self, values: dict[str, str]) -> LogRequest:
        """The form's values as log_time takes them, or the FieldError to show; the rules
        are the core's (``timers.plan_log``, the CLI's ``pmo log``), asked without writing."""
        from ..modals.entry_form import FieldError

        session = self._session()
        now = self.pmo.now()
        key = values.get("card", "")
        if not key:
            raise FieldError("card", "choose a card (type to search, ↑↓ to pick)")
        try:
            day = parse.parse_date(values["date"].strip() or "today", self.today(), past=True)
        except parse.ParseError as exc:
            raise FieldError("when", str(exc)) from None
        duration = values["duration"].strip()
        start_text, end_text = values["from"].strip(), values["to"].strip()
        start = end = None
        minutes: int | None = None
        try:
            if duration and (start_text or end_text):
                raise FieldError("when", "give a duration or from/to, not both")
            if start_text or end_text:
                start = _moment(start_text, day, now) if start_text else None
                end = _moment(end_text, day, now) if end_text else None
            elif duration:
                minutes = parse.parse_duration(duration, self.pmo.hours_per_day)
            else:
                raise FieldError("when", "give a duration (1h30) or from and to (09:00, 10:30)")
        except parse.ParseError as exc:
            raise FieldError("when", str(exc)) from None
        try:
            note = validate.note(values["note"])
        except UseCaseError as exc:
            raise FieldError("note", str(exc)) from None
        try:
            timers.plan_log(session, key, minutes, on=day, start=start, end=end)
        except UseCaseError as exc:
            where = "card" if str(exc).startswith("no card") else "when"
            raise FieldError(where, str(exc)) from None
        return LogRequest(key, minutes, day if minutes else None, start, end, note)

    def _logged(self, request: LogRequest | None) -> None:
        if request is None:
            return
        session = self._session()
        self.cursor_card = request.card
        if request.day is not None:
            self.cursor_day = request.day
        elif request.start is not None:
            self.cursor_day = calendar.local_date(request.start)
        self.pmo.submit(
            f"log time on {request.card}",
            lambda: timers.log_time(
                session,
                request.card,
                request.minutes,
                on=request.day,
                start=request.start,
                end=request.end,
                note=request.note,
            ),
        )

    def _my_entries(self, verb: str) -> list[tuple[Doc, int]] | None:
        found = self.cell_entries()
        mine = [(e, m) for e, m in found if e.get("user") == self.pmo.user]
        if not mine:
            said = "nothing logged here" if not found else "no entry of yours here"
            self.notify(f"Nothing to {verb}: {said}", timeout=3)
            return None
        return mine

    def _choose_entry(self, verb: str, then: Any) -> None:
        """``then(entry)`` with the cell's one entry of mine, or the one picked."""
        from ..modals.entry_form import PickScreen

        mine = self._my_entries(verb)
        if mine is None:
            return
        if len(mine) == 1:
            then(mine[0][0])
            return
        day = self.cursor_day or self.today()
        by_id = {str(e["id"]): e for e, _ in mine}
        options = []
        for e, m in mine:
            label = Text(f"{self._span_text(e, day):<11}  {parse.format_clock(m):>6}  ")
            label.append(display(str(e.get("note") or "")))
            options.append((str(e["id"]), label))

        def chosen(ident: str | None) -> None:
            if ident is not None:
                then(by_id[ident])

        self.app.push_screen(PickScreen(f"Which entry to {verb}?", options), chosen)

    def action_edit(self) -> None:
        self._choose_entry("edit", self._edit)

    def _edit(self, entry: Doc) -> None:
        from ..modals.entry_form import EditEntryForm

        start = parse.from_iso(str(entry["start"])).astimezone()
        end_text = entry.get("end")
        end = parse.from_iso(str(end_text)).astimezone() if end_text else None
        running = end is None

        def check(values: dict[str, str]) -> EditRequest:
            return self.check_edit(entry, running, values)

        form = EditEntryForm(
            f"Edit the entry on {display(str(entry['card']))}",
            start=start.strftime("%Y-%m-%d %H:%M"),
            end=end.strftime("%Y-%m-%d %H:%M") if end else "",
            note=str(entry.get("note") or ""),
            check=check,
        )
        self.app.push_screen(form, self._edited)

    def check_edit(self, entry: Doc, running: bool, values: dict[str, str]) -> EditRequest:
        from ..modals.entry_form import FieldError

        now = self.pmo.now()
        try:
            start = parse.parse_time(values["start"], now)
        except parse.ParseError as exc:
            raise FieldError("start", str(exc)) from None
        end_text = values["end"].strip()
        no_end: Any = timers.KEEP if running else None  # running: it keeps running
        end: Any
        try:
            end = parse.parse_time(end_text, now) if end_text else no_end
        except parse.ParseError as exc:
            raise FieldError("end", str(exc)) from None
        note = values["note"]
        try:
            validate.note(note)
        except UseCaseError as exc:
            raise FieldError("note", str(exc)) from None
        try:
            timers.plan_edit(self._session(), entry["id"], start=start, end=end, note=note)
        except UseCaseError as exc:  # NothingToDo included: "unchanged" is said at the form
            text = str(exc)
            where = "start" if text.startswith("start") or "falls inside" in text else "end"
            raise FieldError(where, text) from None
        return EditRequest(int(entry["id"]), str(entry["card"]), start, end, note)

    def _edited(self, request: EditRequest | None) -> None:
        if request is None:
            return
        session = self._session()
        self.pmo.submit(
            f"edit time entry on {request.card}",
            lambda: timers.edit_entry(
                session, request.entry, start=request.start, end=request.end, note=request.note
            ),
            announce=f"Changed the entry on {request.card} (u undoes)",
        )

    def action_delete(self) -> None:
        self._choose_entry("delete", self._delete)

    def _delete(self, entry: Doc) -> None:
        session = self._session()
        ident = entry["id"]
        self.pmo.submit(
            f"delete time entry on {entry['card']}",
            lambda: timers.delete_entry(session, ident),
        )

    def action_export(self) -> None:
        """``E``: the CSV of what the grid shows, next to the data file."""
        if self.period is None:
            return
        period, users = self.period, self.users()
        path = self.pmo.db_path.resolve().parent / f"pmo-timesheet-{period.first.isoformat()}.csv"
        session = self._session()

        def write() -> Path:
            text = ts.csv_for(session, period, users)
            path.write_text(text, encoding="utf-8", newline="")
            return path

        self.run_worker(write, thread=True, group="export", exit_on_error=False)


def _moment(text: str, day: date, now: datetime) -> datetime:
    """A from/to time of the form: a bare clock is on the form's date; anything else is
    read as ``pmo log --from`` reads it."""
    if _CLOCK.fullmatch(text):
        return parse.parse_time(f"{day.isoformat()} {text}", now)
    return parse.parse_time(text, now)
