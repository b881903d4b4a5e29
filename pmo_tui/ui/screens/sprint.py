"""The sprint screen (key 3): the project's sprints, and the one chosen in detail.

Left, the sprints by start date (planned, active, closed) with their dates, state and
completed/committed points (:func:`core.reports.sprints.sprint_rows`).  Right, the chosen
one (:func:`core.reports.sprints.sprint_summary`): goal, dates and work days left, capacity
against commitment with the suggested capacity, a progress bar of the done points of the
scope, the scope changes since the start with their cards, and a closed sprint's stored
report.  `n` plans a sprint, `e` edits it, `S` starts it, `C` closes it; every write goes
through the app's write queue (undoable with `u`).

The cursor is a sprint id, so it survives redraws, undo and another process's writes.
"""

from __future__ import annotations

import contextlib
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from ...core import calendar
from ...core.change import Change
from ...core.errors import UseCaseError
from ...core.model import Doc, Sprint
from ...core.reports import sprints as figures
from ...core.text import display
from ...core.usecases import sprints as sprint_cases
from ..messages import DataChanged
from ..widgets.header import PmoHeader
from ..widgets.keybar import KeyBar

if TYPE_CHECKING:
    from ...core.usecases.session import Session
    from ..app import PmoApp
    from ..modals.sprint_form import SprintFormResult
    from ..writer import Job

STATE_MARK = {"active": "▶", "planned": "○", "closed": "✓"}


class SprintList(Static):
    """The sprints, two lines each; the chosen one drawn with the cursor colours."""

    COMPONENT_CLASSES = {
        "sprint-list--cursor",
        "sprint-list--active",
        "sprint-list--planned",
        "sprint-list--closed",
        "sprint-list--meta",
    }

    def show(self, rows: list[Doc], chosen: int | None, width: int = 0) -> None:
        """``width``: the cursor's colour runs the whole width of the list."""
        text = Text(no_wrap=True, overflow="ellipsis")
        if not rows:
            text.append("No sprints yet.\nn plans the first one.", self._style("meta"))
        for i, row in enumerate(rows):
            cursor = row["id"] == chosen
            base = self._style("cursor") if cursor else None
            state = str(row["state"])
            line = Text(no_wrap=True, overflow="ellipsis", style=base or "")
            # the cursor row in the cursor's colours only (a state colour on it is hard to read)
            state_style = "bold" if cursor else self._style(state)
            line.append(f" {STATE_MARK.get(state, ' ')} ", state_style)
            line.append(display(str(row["name"])), "bold")
            line.append(f"  {state}", state_style)
            line.pad_right(width - line.cell_len)
            text.append_text(line)
            text.append("\n")
            # month and day here (the detail shows the years)
            start, end = (str(row.get(k) or "?")[5:] or "?" for k in ("start", "end"))
            meta = Text(no_wrap=True, overflow="ellipsis", style=base or "")
            meta_style = "" if cursor else self._style("meta")
            meta.append(f"   {start} → {end}", meta_style)
            meta.append(f"  {row['completed']}/{row['committed']} pt")
            left = row.get("days_left")
            if state != "closed" and left is not None:
                meta.append(f"  {left}d", meta_style)
            meta.pad_right(width - meta.cell_len)
            text.append_text(meta)
            if i < len(rows) - 1:
                text.append("\n")
        self.update(text)

    def _style(self, name: str) -> Any:
        return self.get_component_rich_style(f"sprint-list--{name}", partial=True)


class PointsBar(Static):
    """Done points of the scope as a bar, in the theme's colours."""

    COMPONENT_CLASSES = {"points-bar--done", "points-bar--todo"}

    def show(self, done: int, total: int, width: int = 24) -> None:
        filled = round(width * done / total) if total > 0 else 0
        filled = max(0, min(width, filled))
        text = Text(no_wrap=True)
        text.append("Progress  ", "bold")
        text.append("━" * filled, self.get_component_rich_style("points-bar--done", partial=True))
        text.append(
            "━" * (width - filled),
            self.get_component_rich_style("points-bar--todo", partial=True),
        )
        pct = f" {done * 100 // total}%" if total else ""
        text.append(f" {done}/{total} pt{pct}")
        self.update(text)


def _pts(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and value == int(value):
        value = int(value)
    return str(value)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class SprintScreen(Screen[None]):
    """The sprints and the chosen one in detail."""

    HELP_TITLE = "Sprints"
    AUTO_FOCUS = None
    BINDINGS = [
        Binding("j,down", "choose(1)", "Next", id="sprint.down", show=False, tooltip="Next sprint"),
        Binding(
            "k,up", "choose(-1)", "Previous", id="sprint.up", show=False, tooltip="Previous sprint"
        ),
        Binding("n", "new", "New", id="sprint.new", tooltip="Plan a new sprint"),
        Binding("e", "edit", "Edit", id="sprint.edit", tooltip="Edit the sprint"),
        Binding("S", "start", "Start", id="sprint.start", tooltip="Start the sprint (u undoes)"),
        Binding(
            "C",
            "close",
            "Close",
            id="sprint.close",
            tooltip="Close the active sprint: its report, where open cards go",
        ),
        Binding(
            "pagedown",
            "scroll_detail(1)",
            "More",
            id="sprint.page_down",
            tooltip="Scroll the sprint's details down",
        ),
        Binding(
            "pageup",
            "scroll_detail(-1)",
            "Scroll up",
            id="sprint.page_up",
            show=False,
            tooltip="Scroll the sprint's details up",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.chosen: int | None = None  # sprint id
        self.row_hint = 0  # where the cursor was, for when its sprint disappears
        self.rows: list[Doc] = []
        self.summary: Doc | None = None
        self._select_after: Job | None = None  # a new sprint's job: choose it once saved
        # Summaries read by a worker, by (sprint id, data generation, today): a started
        # sprint's scope change is a pass over every history event (50,000 at 10k cards),
        # never made on the UI thread.
        self._summaries: dict[tuple[int, int, date], Doc] = {}
        self._reading: set[tuple[int, int, date]] = set()
        self._closing = False  # a worker reads the close preview (action_close)

    @property
    def pmo(self) -> PmoApp:
        return self.app  # type: ignore[return-value]

    @property
    def core(self) -> Session:
        return self.pmo.board.session

    @property
    def work_days(self) -> tuple[int, ...]:
        config = self.pmo.config
        return tuple(config.work_days) if config is not None else calendar.WORK_DAYS

    def today(self) -> date:
        return calendar.local_date(self.pmo.now())

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield PmoHeader()
        with Horizontal(id="sprint-body"):
            with Vertical(id="sprint-side"):
                yield Static("Sprints", classes="sprint-heading", markup=False)
                with VerticalScroll(id="sprint-list-scroll", can_focus=False):
                    yield SprintList(id="sprint-list")
            with VerticalScroll(id="sprint-detail", can_focus=False):
                yield Static(id="sprint-title", markup=False)
                yield Static(id="sprint-facts", markup=False)
                yield PointsBar(id="sprint-bar", markup=False)
                yield Static(id="sprint-scope", markup=False)
                yield Static(id="sprint-report", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.pmo.data_changed.subscribe(self, self._data_changed, immediate=True)
        self._size_side()
        self.refresh_view()

    def on_screen_resume(self) -> None:
        self.refresh_view()  # data may have changed while another mode was shown

    def on_resize(self) -> None:
        self._size_side()
        self.refresh_view()  # the list's cursor and the bar follow the width

    def _size_side(self) -> None:
        side = self.query_one("#sprint-side")
        side.styles.width = 32 if self.size.width < 110 else 44

    def _data_changed(self, change: DataChanged) -> None:
        try:
            if change.project_switched:
                self.chosen, self.row_hint = None, 0
            self.refresh_view()
        except Exception as exc:  # a Signal would log and swallow it: let it surface
            self.app._handle_exception(exc)

    # -------------------------------------------------------------------- data
    def _default_choice(self) -> int | None:
        """The active sprint, else the next planned one, else the last closed one."""
        rows = self.rows
        for state in ("active", "planned"):
            for row in rows:
                if row["state"] == state:
                    return int(row["id"])
        return int(rows[-1]["id"]) if rows else None

    def refresh_view(self) -> None:
        """Redraw from the data, keeping the chosen sprint."""
        if not self.is_mounted:
            return
        s = self.core
        today = self.today()
        try:
            self.rows = figures.sprint_rows(s, today=today, work_days=self.work_days)
        except UseCaseError as exc:  # no project (the file was emptied by someone)
            self.rows = []
            self.notify(str(exc), severity="error")
        job = self._select_after
        if job is not None and (job.result is not None or job.error is not None):
            self._select_after = None
            made = _made_sprint(job.result)
            if made is not None:
                self.chosen = made
        ids = [int(r["id"]) for r in self.rows]
        if self.chosen in ids:
            self.row_hint = ids.index(self.chosen)
        elif self.chosen is None:
            self.chosen = self._default_choice()
            self.row_hint = ids.index(self.chosen) if self.chosen in ids else 0
        else:  # gone (an undone new sprint): stay in place
            self.row_hint = min(self.row_hint, len(ids) - 1) if ids else 0
            self.chosen = ids[self.row_hint] if ids else None
        side = self.query_one("#sprint-side")
        width = int(side.styles.width.value) if side.styles.width else 32
        self.query_one(SprintList).show(self.rows, self.chosen, width - 1)
        self._scroll_list()
        sprint = self.chosen_sprint()
        self.summary = self._summary_of(sprint, today) if sprint is not None else None
        self._show_detail(sprint)
        self.query_one(PmoHeader).update_now()

    def _summary_of(self, sprint: Sprint, today: date) -> Doc | None:
        """The sprint's summary for the data as it is now; None while a worker reads it
        (a planned sprint has no scope change to replay: it is made here)."""
        key = (sprint.id, self.pmo.generation, today)
        found = self._summaries.get(key)
        if found is not None:
            return found
        work_days = self.work_days
        if sprint.state == "planned":
            found = figures.sprint_summary(self.core, sprint, today=today, work_days=work_days)
            self._summaries[key] = found
            return found
        if key not in self._reading:
            self._reading.add(key)
            s = self.core

            def read() -> None:
                result: Doc | Exception
                try:
                    result = figures.sprint_summary(s, sprint, today=today, work_days=work_days)
                except Exception as exc:  # shown on the UI thread
                    result = exc
                with contextlib.suppress(Exception):  # the app has closed
                    self.app.call_from_thread(self._summary_read, key, result)

            self.run_worker(read, thread=True, group="sprint-summary", exit_on_error=False)
        return None

    def _summary_read(self, key: tuple[int, int, date], result: Doc | Exception) -> None:
        self._reading.discard(key)
        if isinstance(result, Exception):
            if not isinstance(result, UseCaseError):
                self.app._handle_exception(result)
            return
        self._summaries = {k: v for k, v in self._summaries.items() if k[1] >= key[1]}
        self._summaries[key] = result
        if self.is_mounted and self.chosen == key[0]:
            self.refresh_view()

    def chosen_sprint(self) -> Sprint | None:
        for sprint in self.core.sprints():
            if sprint.id == self.chosen:
                return sprint
        return None

    def _scroll_list(self) -> None:
        from textual.geometry import Region

        scroll = self.query_one("#sprint-list-scroll", VerticalScroll)
        scroll.scroll_to_region(Region(0, self.row_hint * 2, 1, 2), animate=False, immediate=True)

    def _titles(self, keys: list[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for key in keys:
            doc = self.core.storage.card(key)
            out[key] = str(doc.get("title") or "") if doc else ""
        return out

    # ------------------------------------------------------------------ detail
    def _show_detail(self, sprint: Sprint | None) -> None:
        title = self.query_one("#sprint-title", Static)
        facts = self.query_one("#sprint-facts", Static)
        bar = self.query_one(PointsBar)
        scope = self.query_one("#sprint-scope", Static)
        report = self.query_one("#sprint-report", Static)
        doc = self.summary
        if sprint is not None and doc is None:  # a worker is reading its scope change
            head = Text(no_wrap=True, overflow="ellipsis")
            head.append(display(sprint.name), "bold")
            head.append(f"  {sprint.state}", "italic")
            title.update(head)
            facts.update(Text("reading…"))
            bar.display = scope.display = report.display = False
            return
        if sprint is None or doc is None:
            title.update(Text("No sprint chosen", "bold"))
            facts.update(
                Text(
                    "Plan one with n: the form is filled with a name, the next work day, "
                    "two weeks and the suggested capacity."
                )
            )
            bar.display = scope.display = report.display = False
            return
        bar.display = scope.display = True
        state = str(doc.get("state"))
        head = Text(no_wrap=True, overflow="ellipsis")
        head.append(display(sprint.name), "bold")
        head.append(f"  {state}", "italic")
        title.update(head)
        facts.update(self._facts(sprint, doc))
        done = int(doc.get("completed") or 0)
        total = done + int(doc.get("remaining") or 0) if state == "closed" else int(doc["scope"])
        bar.show(done, total, 16 if self.size.width < 110 else 30)
        scope.update(self._scope(doc))
        stored = doc.get("report")
        report.display = bool(stored)
        if stored:
            report.update(self._report(sprint, stored))

    def _facts(self, sprint: Sprint, doc: Doc) -> Text:
        text = Text()
        if sprint.goal:
            text.append("Goal      ", "bold")
            text.append(display(sprint.goal) + "\n")
        text.append("Dates     ", "bold")
        start, end = doc.get("start") or "?", doc.get("end") or "?"
        text.append(f"{display(str(start))} → {display(str(end))}")
        left = doc.get("days_left")
        if doc["state"] == "closed":
            closed = sprint.closed_at
            if closed is not None:
                text.append(f"\n          closed {calendar.local_date(closed).isoformat()}")
        elif left is not None:
            text.append(f"\n          {_plural(int(left), 'work day')} left")
        cap, committed = doc.get("capacity"), doc.get("committed")
        text.append("\nCapacity  ", "bold")
        text.append("none" if cap is None else f"{_pts(cap)} pt")
        text.append(f", committed {_pts(committed)} pt")
        if isinstance(cap, int) and isinstance(committed, int) and committed > cap:
            text.append("\n          ")
            text.append(
                f"over capacity by {committed - cap} pt", self._theme_style("pmo-wip-breach")
            )
        text.append(
            f"\n          suggested {_pts(doc.get('suggested_capacity'))}"
            f" (velocity {_pts(doc.get('velocity'))})"
        )
        return text

    def _scope(self, doc: Doc) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        changes = doc.get("scope_changes") or {}
        if doc["state"] == "planned":
            cards = list(doc.get("cards") or [])
            text.append(f"Scope     {_plural(len(cards), 'card')}, {doc.get('scope', 0)} pt")
            if not cards:
                text.append("\n          (fill it from the backlog: 2, s)")
            for key, title in self._titles(cards[:30]).items():
                text.append(f"\n  {display(key)} ", "bold")
                text.append(display(title))
            if len(cards) > 30:
                text.append(f"\n  … and {len(cards) - 30} more")
            return text
        parts = [
            ("added", "+ added"),
            ("removed", "- removed"),
            ("re_estimated", "~ re-estimated"),
        ]
        rows = [(name, label, changes.get(name) or {}) for name, label in parts]
        rows = [r for r in rows if r[2].get("cards")]
        if not rows:
            text.append("No scope change since the start", "bold")
        else:
            text.append("Scope changes since the start", "bold")
        for name, label, part in rows:
            keys = [str(k) for k in part["cards"]]
            points = int(part.get("points") or 0)
            shown = f"{points:+d}" if name == "re_estimated" else f"{points}"
            text.append(f"\n{label:<15}{shown:>4} pt  {_plural(len(keys), 'card')}")
            for key, title in self._titles(keys).items():
                text.append(f"\n  {display(key)} ", "bold")
                text.append(display(title))
        if doc["state"] == "active":
            self._cards_in_scope(text, [str(k) for k in doc.get("cards") or []])
        return text

    def _theme_style(self, variable: str, bold: bool = True) -> Style:
        """Text in one of the theme's pmo colours (a pair CONTRAST_PAIRS checks on the
        detail's $surface): "dim" or "reverse" would make colours no theme checks."""
        return Style(color=self.app.theme_variables.get(variable), bold=bold)

    def _cards_in_scope(self, text: Text, keys: list[str], limit: int = 40) -> None:
        """The active sprint's cards now, the done ones ticked."""
        s = self.core
        done = {c.id for c in s.project().columns if c.role == "done"}
        text.append(f"\n\nCards     {_plural(len(keys), 'card')}", "bold")
        for key in keys[:limit]:
            doc = s.storage.card(key) or {}
            finished = doc.get("status") in done
            muted = self._theme_style("pmo-muted", bold=False)
            text.append("\n  ✓ " if finished else "\n  · ", "bold" if finished else muted)
            text.append(f"{display(key)} ", "bold")
            text.append(display(str(doc.get("title") or "")), muted if finished else "")
        if len(keys) > limit:
            text.append(f"\n  … and {len(keys) - limit} more")

    def _report(self, sprint: Sprint, stored: Doc) -> Text:
        from ..modals.close_sprint import report_text

        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("Report", "bold underline")
        carried = stored.get("carried_to")
        if carried is not None:
            if carried == "backlog":
                where = "the backlog"
            else:
                names = {sp.id: sp.name for sp in self.core.sprints()}
                where = display(names.get(carried, f"sprint {carried}"))
            text.append(f"  (open cards went to {where})")
        text.append("\n")
        keys: list[str] = []
        for part in stored.values():
            if isinstance(part, dict):
                keys += [str(k) for k in part.get("cards") or []]
        text.append_text(report_text(stored, self._titles(sorted(set(keys)))))
        return text

    # ----------------------------------------------------------------- actions
    def action_choose(self, step: int) -> None:
        if not self.rows:
            return
        ids = [int(r["id"]) for r in self.rows]
        i = ids.index(self.chosen) if self.chosen in ids else self.row_hint
        i = max(0, min(len(ids) - 1, i + step))
        self.chosen, self.row_hint = ids[i], i
        self.query_one("#sprint-detail", VerticalScroll).scroll_home(animate=False)
        self.refresh_view()

    def action_scroll_detail(self, step: int) -> None:
        detail = self.query_one("#sprint-detail", VerticalScroll)
        if step > 0:
            detail.scroll_page_down(animate=False)
        else:
            detail.scroll_page_up(animate=False)

    def _need_sprint(self) -> Sprint | None:
        sprint = self.chosen_sprint()
        if sprint is None:
            self.notify("No sprint here: n plans one", severity="warning", timeout=3)
        return sprint

    def action_new(self) -> None:
        from ..modals.sprint_form import SprintForm

        s = self.core
        defaults = sprint_cases.sprint_defaults(s, work_days=self.work_days)
        initial = {
            "name": defaults["name"],
            "goal": defaults["goal"],
            "start": defaults["start"],
            "end": "",
            "length": "2w",
            "capacity": defaults["capacity"],
        }
        work_days = self.work_days

        def done(result: SprintFormResult | None) -> None:
            if result is None:
                return
            fields = dict(result.fields)
            name = fields["name"]
            self._select_after = self.pmo.submit(
                f"plan sprint {name}",
                lambda: sprint_cases.new_sprint(s, work_days=work_days, **fields),
                announce=f"Planned {display(name)} (u undoes)",
            )

        self.app.push_screen(
            SprintForm(
                initial,
                today=self.today(),
                taken_names=[sp.name for sp in s.sprints()],
                work_days=work_days,
            ),
            done,
        )

    def action_edit(self) -> None:
        from ..modals.sprint_form import SprintForm

        sprint = self._need_sprint()
        if sprint is None:
            return
        s = self.core
        sid = str(sprint.id)
        initial = {
            "name": sprint.name,
            "goal": sprint.goal,
            "start": sprint.start.isoformat() if sprint.start else "",
            "end": sprint.end.isoformat() if sprint.end else "",
            "length": "",
            "capacity": sprint.capacity,
        }

        def done(result: SprintFormResult | None) -> None:
            if result is None:
                return
            if not result.changed:
                self.notify("Nothing changed", timeout=2)
                return
            fields = dict(result.fields)
            clear = result.clear_capacity
            self.pmo.submit(
                f"edit sprint {sprint.name}",
                lambda: _edit_sprint(s, sid, fields, clear),
                announce=f"Saved {display(fields.get('name', sprint.name))} (u undoes)",
            )

        self.app.push_screen(
            SprintForm(
                initial,
                today=self.today(),
                taken_names=[sp.name for sp in s.sprints() if sp.id != sprint.id],
                sprint=sprint,
                work_days=self.work_days,
            ),
            done,
        )

    def action_start(self) -> None:
        sprint = self._need_sprint()
        if sprint is None:
            return
        s = self.core
        sid = str(sprint.id)
        self.pmo.submit(
            f"start sprint {sprint.name}",
            lambda: sprint_cases.start_sprint(s, sid),
            announce=f"Started {display(sprint.name)} (u undoes)",
        )

    def action_close(self) -> None:
        sprint = self._need_sprint()
        if sprint is None:
            return
        s = self.core
        if sprint.state != "active":
            active = s.active_sprint()
            also = f"; the active one is {active.name}" if active else ""
            self.notify(
                f"{sprint.name} is {sprint.state}: only the active sprint closes{also}",
                severity="warning",
                timeout=4,
            )
            return
        if self._closing:  # its preview is being read: one dialog per press
            return
        self._closing = True

        # The preview replays the sprint's scope change, a pass over every history event
        # (50,000 at 10k cards): read on a worker, the dialog opens when it is read.
        def read() -> None:
            result: tuple[Doc, dict[str, str]] | Exception
            try:
                preview = figures.close_report(s, sprint)
                keys = sorted({str(k) for part in preview.values() if isinstance(part, dict)
                               for k in part.get("cards") or []})  # fmt: skip
                result = (preview, self._titles(keys))
            except Exception as exc:  # shown on the UI thread
                result = exc
            with contextlib.suppress(Exception):  # the app has closed
                self.app.call_from_thread(self._close_read, sprint, result)

        self.run_worker(read, thread=True, group="close-preview", exit_on_error=False)

    def _close_read(self, sprint: Sprint, result: tuple[Doc, dict[str, str]] | Exception) -> None:
        """The preview is read: open the dialog, unless the person has left the screen
        (another mode); over whatever is on it now (the palette that asked may be closing)."""
        from ..modals.close_sprint import CloseSprintScreen

        self._closing = False
        if isinstance(result, Exception):
            if isinstance(result, UseCaseError):
                self.notify(str(result), severity="error")
            else:
                self.app._handle_exception(result)
            return
        if not self.is_mounted or self not in self.app.screen_stack:
            return
        preview, titles = result
        s = self.core
        planned = [sp for sp in s.sprints() if sp.state == "planned"]
        planned.sort(key=lambda sp: (sp.start or date.max, sp.id))
        new_name = sprint_cases.sprint_defaults(s, work_days=self.work_days)["name"]
        sid = str(sprint.id)
        work_days = self.work_days

        def done(carry_over: str | None) -> None:
            if carry_over is None:
                return
            self.chosen = sprint.id  # its stored report is shown once it is written
            self.pmo.submit(
                f"close sprint {sprint.name}",
                lambda: sprint_cases.close_sprint(
                    s, sid, carry_over=carry_over, work_days=work_days
                ),
                announce=f"Closed {display(sprint.name)} (u undoes)",
            )

        self.app.push_screen(
            CloseSprintScreen(
                sprint,
                preview,
                titles,
                next_planned=planned[0] if planned else None,
                new_name=new_name,
            ),
            done,
        )


def _made_sprint(change: Any) -> int | None:
    """The id of the sprint a change made (a new sprint), if any."""
    if not isinstance(change, Change):
        return None
    for patch in change.patches:
        if patch.table == "sprints" and patch.before is None and patch.after is not None:
            return int(patch.after["id"])
    return None


def _edit_sprint(s: Session, sid: str, fields: Doc, clear_capacity: bool) -> Change:
    """Edit, and empty the capacity if asked: the use case takes values only, so clearing
    goes through the same compare-and-set row update, refused for a closed sprint (as
    ``pmo sprint edit --capacity none``)."""
    from ...core.usecases.records import update_row

    if not clear_capacity:
        return sprint_cases.edit_sprint(s, sid, **fields)
    with s.storage.transaction():  # one write: both parts or neither (one undo)
        change = sprint_cases.edit_sprint(s, sid, **fields) if fields else Change("", [])
        sprint = s.resolve_sprint(sid)
        if sprint.state == "closed":
            raise UseCaseError(f"sprint {sprint.name} is closed: its capacity cannot change")
        patch = update_row(s, "sprints", sid, {"capacity": None})
    return Change(f"edit sprint {sprint.name}", [*change.patches, patch], change.notes)
