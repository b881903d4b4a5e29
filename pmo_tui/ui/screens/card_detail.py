"""One card in full: its fields, description, time entries and history.

Pushed over any screen (``PmoApp.open_card``); ``escape`` goes back to where it was opened.
Every stored string goes through ``display`` into ``rich.text.Text`` (never markup).
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from ...core import parse
from ...core.calendar import humanize
from ...core.errors import UseCaseError
from ...core.model import Doc, card_doc_to_json, opt_iso
from ...core.reports.history import describe
from ...core.reports.queries import card_detail
from ...core.text import display
from ..editing import edit_card
from ..messages import DataChanged
from ..widgets.header import PmoHeader
from ..widgets.keybar import KeyBar

if TYPE_CHECKING:
    from ..app import PmoApp

LABEL = 10  # width of the field names column


class CardDetailScreen(Screen[None]):
    """The card ``key``: fields, description, spent against estimate, entries, history."""

    HELP_TITLE = "Card"
    AUTO_FOCUS = "#detail"
    BINDINGS = [
        Binding("e", "edit", "Edit", id="card.edit", tooltip="Edit the card"),
        Binding("t", "timer", "Timer", id="card.timer", tooltip="Start/stop a timer on it"),
        Binding("escape", "close", "Back", id="card.close", tooltip="Back to where you were"),
        Binding("j,down", "scroll(1)", "Down", id="card.down", show=False, tooltip="Scroll down"),
        Binding("k,up", "scroll(-1)", "Up", id="card.up", show=False, tooltip="Scroll up"),
        Binding(
            "pagedown,ctrl+d",
            "page(1)",
            "Page down",
            id="card.page_down",
            show=False,
            tooltip="A screenful down",
        ),
        Binding(
            "pageup,ctrl+u",
            "page(-1)",
            "Page up",
            id="card.page_up",
            show=False,
            tooltip="A screenful up",
        ),
        Binding("g", "top", "Top", id="card.top", show=False, tooltip="The top"),
        Binding("G", "bottom", "Bottom", id="card.bottom", show=False, tooltip="The end"),
    ]
    DEFAULT_CSS = """
    CardDetailScreen #detail { height: 1fr; padding: 0 1; }
    CardDetailScreen #detail-body { width: 1fr; height: auto; }
    """

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        # The card with its time and history as a worker read them: (data generation,
        # card_detail's record, or None if the card is gone).  None: not read yet.
        self._found: tuple[int, Doc | None] | None = None
        self._reading = False

    @property
    def pmo(self) -> PmoApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield PmoHeader()
        with VerticalScroll(id="detail", can_focus=True):
            yield Static(id="detail-body", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.pmo.data_changed.subscribe(self, self._data_changed)
        self.refresh_detail()

    def _data_changed(self, _change: DataChanged) -> None:
        try:
            self.refresh_detail()
        except Exception as exc:  # a Signal would log and swallow it: let it surface
            self.app._handle_exception(exc)

    # -------------------------------------------------------------------- data
    def card(self) -> Doc | None:
        """The card as the app shows it: committed, with changes still being saved over.

        Its time (spent, entries) and history come from scans of every time entry and
        event of the file (~100 ms at 10k cards), so a worker reads them: until it is done
        the fields are shown from the board's view and time and history say "reading".
        """
        shown = next((d for d in self.pmo.view_cards() if d.get("key") == self.key), None)
        found = self._found
        if found is None or found[0] != self.pmo.generation:
            self._read()
        if found is None:
            return None if shown is None else card_doc_to_json(shown, 0) | {"spent": None}
        if found[1] is None:
            return None
        detail = dict(found[1])
        if shown is not None:
            detail.update({k: v for k, v in shown.items() if k in detail})
        return detail

    def _read(self) -> None:
        """Read the card's time and history on a worker; redraw when they are in."""
        if self._reading:
            return
        self._reading = True
        generation = self.pmo.generation  # first: newer data is read again
        session, key = self.pmo.board.session, self.key

        def read() -> None:
            found: Doc | Exception | None
            try:
                found = card_detail(session, key)
            except UseCaseError:
                found = None
            except Exception as exc:  # shown on the UI thread, as before
                found = exc
            with contextlib.suppress(Exception):  # the app has closed
                self.app.call_from_thread(self._done, generation, found)

        self.run_worker(read, thread=True, group="card-detail", exit_on_error=False)

    def _done(self, generation: int, found: Doc | Exception | None) -> None:
        self._reading = False
        if isinstance(found, Exception):
            self.app._handle_exception(found)
            return
        if self._found is None or generation >= self._found[0]:
            self._found = (generation, found)
        if self.is_mounted:
            self.refresh_detail()

    def refresh_detail(self) -> None:
        bodies = self.query("#detail-body")
        if not bodies:
            return
        doc = self.card()
        body = bodies.first(Static)
        if doc is None and self._found is None:
            body.update(Text(f"{display(self.key)}: reading…"))
            return
        if doc is None:
            body.update(Text(f"{display(self.key)} is gone (escape goes back)"))
            return
        body.update(self.render_card(doc))
        self.query_one(PmoHeader).update_now()

    def render_card(self, d: Doc) -> Text:
        now: datetime = self.pmo.now()
        s = self.pmo.board.session
        project = s.project(d.get("project"))
        names = {c.id: c.name for c in project.columns}
        out = Text(no_wrap=False, overflow="fold")
        # Labels and hints in the theme's muted colour ("dim" would blend the text to a
        # colour no theme checks); an overdue date in pmo-overdue, as on the board.
        theme = self.app.theme_variables
        muted = Style(color=theme.get("pmo-muted"))
        overdue_style = Style(color=theme.get("pmo-overdue"), bold=True)
        out.append(display(str(d["key"])), "bold")
        out.append("  ")
        out.append(display(str(d.get("title", ""))), "bold")
        if d.get("archived"):
            out.append("  (archived)", "italic")
        out.append("\n\n")

        def row(label: str, value: str, style: str | Style = "") -> None:
            out.append(f"{label:<{LABEL}}", muted)
            out.append(value, style)
            out.append("\n")

        row("status", display(names.get(str(d.get("status")), str(d.get("status")))))
        row("points", "-" if d.get("points") is None else str(d["points"]))
        estimate = int(d.get("estimate") or 0)  # minutes; 0: none
        reading = d.get("spent") is None  # time and history: the worker is reading them
        spent = int(d.get("spent") or 0)
        row("estimate", parse.format_duration(estimate) if estimate else "-")
        over = bool(estimate) and spent > estimate
        pct = (
            f" of {parse.format_duration(estimate)} ({spent * 100 // estimate}%)"
            if estimate
            else ""
        )
        row(
            "spent",
            "…" if reading else parse.format_duration(spent) + pct + ("  over!" if over else ""),
            "bold" if over else "",
        )
        row("assignee", display(str(d.get("assignee") or "-")))
        row("priority", display(str(d.get("priority") or "none")))
        row("tags", display(" ".join("#" + t for t in d.get("tags") or [])) or "-")
        sprint = d.get("sprint")
        sprint_name = "-"
        if sprint is not None:
            found = next((sp for sp in s.sprints(project.key) if sp.id == sprint), None)
            sprint_name = display(found.name) if found else str(sprint)
        row("sprint", sprint_name)
        due = d.get("due")
        if due:
            overdue = str(due) < now.astimezone().date().isoformat() and not d.get("done")
            row(
                "due", str(due) + ("  overdue" if overdue else ""), overdue_style if overdue else ""
            )
        for name in ("created", "updated", "started", "done"):
            moment = opt_iso(d.get(name))
            if moment is not None:
                ago = humanize(moment, now)  # "3 h ago"; older ones: "on <date>", said already
                when = parse.format_time(moment)
                row(name, when if ago.startswith("on ") else f"{when}  ({ago})")
        if d.get("description"):
            out.append("\n")
            for line in str(d["description"]).splitlines():
                out.append(display(line) + "\n")
        entries = d.get("time_entries") or []
        out.append("\n")
        if reading:
            out.append("Time\n", "bold")
            out.append("reading…\n", muted)
            out.append("\nHistory\n", "bold")
            out.append("reading…", muted)
            return out
        out.append(f"Time  {parse.format_duration(spent)}", "bold")
        if estimate:
            out.append(pct, "bold")
        out.append("\n")
        if not entries:
            out.append("no time logged (t starts a timer)\n", muted)
        for e in entries:
            out.append("  " + self._entry_line(e, now) + "\n")
        events = d.get("events") or []
        out.append("\nHistory\n", "bold")
        if not events:
            out.append("no history\n", muted)
        for ev in events:
            moment = opt_iso(ev.get("ts"))
            when = parse.format_time(moment) if moment else "-"
            out.append(f"  {when}  ", muted)
            out.append(f"{display(str(ev.get('user')))}  ")
            out.append(display(describe(ev, names)) + "\n")
        out.rstrip()
        return out

    @staticmethod
    def _entry_line(e: Doc, now: datetime) -> str:
        start = opt_iso(e.get("start"))
        end = opt_iso(e.get("end"))
        if start is None:
            return display(str(e.get("start")))
        first = parse.format_time(start)
        if end is None:
            last = "running"
        else:
            last = parse.format_time(end)
            if last[:10] == first[:10]:
                last = last[11:]  # the same local day: the time alone
        minutes = max(0, int(((end or now) - start).total_seconds() // 60))
        note = f"  {display(str(e['note']))}" if e.get("note") else ""
        who = display(str(e.get("user")))
        return f"{first} - {last}  {parse.format_duration(minutes):>6}  {who}{note}"

    # ----------------------------------------------------------------- actions
    def action_edit(self) -> None:
        edit_card(self.app, self.pmo.board.session, self.key)

    def action_timer(self) -> None:
        key = self.key
        self.pmo.submit(f"timer on {key}", lambda: self.pmo.board.toggle_timer(key))

    def action_close(self) -> None:
        self.dismiss(None)

    def _scroller(self) -> VerticalScroll:
        return self.query_one("#detail", VerticalScroll)

    def action_scroll(self, step: int) -> None:
        self._scroller().scroll_relative(y=step, animate=False)

    def action_page(self, step: int) -> None:
        view = self._scroller()
        view.scroll_relative(y=step * max(1, view.size.height - 1), animate=False)

    def action_top(self) -> None:
        self._scroller().scroll_home(animate=False)

    def action_bottom(self) -> None:
        self._scroller().scroll_end(animate=False)

    def on_unmount(self) -> None:
        self.pmo.data_changed.unsubscribe(self)
