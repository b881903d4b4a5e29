"""The Burndown screen (`5`): a sprint's burndown chart, its numbers, and velocity.

Everything shown is computed by :mod:`pmo_tui.core.reports.burndown` (replayed from the
history) in a thread worker, never on the UI thread: at 10k cards the history is tens of
thousands of events.  The screen keeps the last figures on show until new ones arrive, and
recomputes when the data changes (``app.data_changed``), when it comes back into view after
a change made elsewhere, and on `[ ]` (sprint), `m` (unit).  `b` swaps the burndown for the
velocity bars of the last six closed sprints, which are already computed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from ...charts.burndown import num, short
from ...charts.palette import merged, palette_from_theme
from ...core import calendar
from ...core.model import Sprint
from ...core.reports import sprints as sprint_figures
from ...core.reports.burndown import (
    UNITS,
    Burndown,
    CycleTime,
    Unit,
    Velocity,
    burndown_of,
    cycle_time,
    velocity,
)
from ...core.text import display
from ..messages import DataChanged
from ..widgets.chart import BurndownChart, VelocityChart
from ..widgets.header import PmoHeader
from ..widgets.keybar import KeyBar

if TYPE_CHECKING:
    from ...core.usecases.session import Session
    from ..app import PmoApp

UNIT_SHORT = {"points": "pts", "hours": "h", "cards": "cards"}
NARROW = 70  # below this width the numbers go under the chart
BAR = 10  # cells of a plan-against-actual bar
NO_SPRINT = (
    "No sprint yet, so no burndown. Plan one on the Sprints screen (3, then n) or with "
    "`pmo sprint new`, put cards in it (s on the board), start it (S on the Sprints "
    "screen), and its burndown appears here."
)


# ------------------------------------------------------------------ the figures (no UI)
@dataclass(frozen=True, slots=True)
class Figures:
    """What the screen shows, computed off the UI thread."""

    sprints: list[Sprint]  # the project's sprints, in the order `[ ]` pages through
    sprint: Sprint | None
    burndown: Burndown | None
    velocity: Velocity  # every closed sprint of the project (the bar chart)
    velocity_before: float | None  # mean of the last 3 closed before this sprint
    cycle: CycleTime | None
    days_left: int | None


def default_sprint(sprints: Sequence[Sprint]) -> Sprint | None:
    """The active sprint, else the latest closed one, else the first planned."""
    for sp in sprints:
        if sp.state == "active":
            return sp
    closed = [sp for sp in sprints if sp.state == "closed"]
    if closed:
        return max(closed, key=lambda sp: (sp.end or date.min, sp.id))
    return sprints[0] if sprints else None


def pick_sprint(sprints: Sequence[Sprint], wanted: int | None) -> Sprint | None:
    if wanted is not None:
        for sp in sprints:
            if sp.id == wanted:
                return sp
    return default_sprint(sprints)


def compute(
    s: Session, project: str, wanted: int | None, by: Unit, work_days: Sequence[int]
) -> Figures:
    """The screen's figures for sprint ``wanted`` (None: the default one) of ``project``:
    the same functions, with the same arguments, as ``pmo burndown``."""
    sprints = s.sprints(project)
    every = velocity(sprints)
    sprint = pick_sprint(sprints, wanted)
    if sprint is None:
        return Figures(sprints, None, None, every, None, None, None)
    b = burndown_of(s, sprint, by=by, work_days=work_days)
    cards = {d["key"]: d for d in s.storage.cards(sprint.project)}
    cycle = cycle_time(
        sprint, s.project(sprint.project), s.storage.events(), now=s.clock(), cards=cards
    )
    before = velocity(sprints, sprint).mean_last_3
    left = sprint_figures.days_left(sprint, calendar.local_date(s.clock()), work_days)
    return Figures(sprints, sprint, b, every, before, cycle, left)


# ------------------------------------------------------------------ the numbers panel
def _bar(share: float | None, style: Style, empty: Style) -> Text:
    text = Text()
    filled = 0 if share is None else round(max(0.0, min(share, 1.0)) * BAR)
    text.append("█" * filled, style)
    text.append("░" * (BAR - filled), empty)
    return text


def _pct(share: float | None) -> str:
    return "-" if share is None else f"{round(share * 100)}%"


def numbers_text(f: Figures, palette: dict[str, str] | None = None) -> Group:
    """The numbers beside the chart: the sprint, committed .. days left, velocity, cycle
    time, forecast and plan against actual (with its warning).  Stored text (the sprint's
    name) goes through ``display`` and is never markup."""
    pal = merged(palette)
    sp, b = f.sprint, f.burndown
    if sp is None or b is None:
        return Group()
    unit = UNIT_SHORT[b.by]

    def amount(x: float | None) -> str:
        if x is None:
            return "-"
        return f"{num(x)} {'card' if unit == 'cards' and x == 1 else unit}"

    def table() -> Table:
        grid = Table.grid(padding=(0, 1), expand=True)
        grid.add_column(no_wrap=True, min_width=14)
        grid.add_column(ratio=1)
        return grid

    parts: list[RenderableType] = []
    title = Text(display(sp.name), style="bold")
    title.append(f" · {sp.state}")
    parts.append(title)
    dates = f"{short(sp.start)} – {short(sp.end)}" if sp.start and sp.end else "no dates"
    left = f.days_left
    if left is not None and sp.state != "closed":
        dates += f"\n{left} work day{'s' * (left != 1)} left"
    parts += [Text(dates), Text("")]

    figures = table()
    added = sum(d.scope_added for d in b.days)
    removed = sum(d.scope_removed for d in b.days)
    figures.add_row("committed", amount(b.committed))
    figures.add_row("completed", amount(b.completed))
    figures.add_row("remaining", amount(b.remaining))
    plus = Text(
        ("+" if added else "") + amount(added),
        Style(color=pal["added"], bold=True) if added else "",
    )
    minus = Text(("-" if removed else "") + amount(removed), Style(color=pal["removed"], bold=True))
    figures.add_row("scope added", plus)
    figures.add_row("scope removed", minus if removed else Text(amount(removed)))
    vel = "-" if f.velocity_before is None else f"{num(f.velocity_before)} pts"
    figures.add_row("velocity", vel)
    cycle = f.cycle
    if cycle is not None and cycle.median is not None:
        figures.add_row("cycle median", f"{cycle.median} days")
        figures.add_row("cycle p85", f"{cycle.p85} days")
    else:
        figures.add_row("cycle time", "- (none done)")
    if b.forecast is not None:
        forecast = Text(short(b.forecast), Style(color=pal["forecast"], bold=True))
        if bool(b.days) and b.forecast > b.days[-1].date:
            forecast.append(" (late)")
        figures.add_row("forecast", forecast)
    else:
        figures.add_row("forecast", Text(f"none: {b.forecast_reason or 'unknown'}"))
    parts += [figures, Text(""), Text("plan against actual", style="bold")]

    plan = table()
    p = b.plan
    empty = Style(color=pal["ideal"])  # dim would blend it below the checked 3:1
    rows = (
        ("work days gone", p.elapsed, pal["ideal"]),
        ("scope done", p.done, pal["actual"]),
        ("hours spent", p.spent, pal["forecast"]),
    )
    for label, share, colour in rows:
        line = Text(f"{_pct(share):>4} ")
        line.append_text(_bar(share, Style(color=colour), empty))
        plan.add_row(label, line)
    parts.append(plan)
    if p.warning:
        parts.append(Text(f"⚠ {p.warning}", Style(color=pal["today"], bold=True)))
    return Group(*parts)


# ------------------------------------------------------------------------- the screen
class BurndownScreen(Screen[None]):
    """Burndown of one sprint at a time (the active one first), or velocity."""

    HELP_TITLE = "Burndown"
    AUTO_FOCUS = None
    DEFAULT_CSS = """
    BurndownScreen #bd-body { height: 1fr; }
    BurndownScreen #bd-charts { width: 1fr; height: 1fr; background: $surface; }
    BurndownScreen #bd-numbers-box {
        width: 34; height: 1fr; padding: 0 1; border-left: vkey $panel-lighten-2;
    }
    BurndownScreen #bd-numbers { width: 1fr; height: auto; }
    BurndownScreen #bd-message { padding: 1 2; width: 1fr; height: auto; }
    BurndownScreen VelocityChart { padding: 1 1 0 1; }
    BurndownScreen.-narrow #bd-body { layout: vertical; }
    BurndownScreen.-narrow #bd-charts { height: 1fr; }
    BurndownScreen.-narrow #bd-numbers-box {
        width: 1fr; height: auto; max-height: 50%; border-left: none;
        border-top: hkey $panel-lighten-2;
    }
    """
    BINDINGS = [
        Binding(
            "left_square_bracket",
            "sprint(-1)",
            "Prev sprint",
            id="burndown.previous",
            tooltip="The sprint before this one (closed ones too)",
        ),
        Binding(
            "right_square_bracket",
            "sprint(1)",
            "Next sprint",
            id="burndown.next",
            tooltip="The sprint after this one",
        ),
        Binding(
            "m", "unit", "Units", id="burndown.unit", tooltip="Burn down points, hours or cards"
        ),
        Binding(
            "b",
            "velocity",
            "Velocity",
            id="burndown.velocity",
            tooltip="Velocity bars of the last six closed sprints / back to the burndown",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sprint_id: int | None = None  # None: the default sprint
        self.unit: Unit = "points"
        self.show_velocity = False
        self.figures: Figures | None = None
        self._worker: Worker[Figures] | None = None
        self._stale = False  # the data changed while another screen was shown

    @property
    def pmo(self) -> PmoApp:
        return self.app  # type: ignore[return-value]

    @property
    def mode_label(self) -> str:
        return "velocity" if self.show_velocity else f"burndown by {self.unit}"

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield PmoHeader()
        with Horizontal(id="bd-body"):
            with Vertical(id="bd-charts"):
                yield Static("Computing the burndown…", id="bd-message", markup=False)
                yield BurndownChart(unit_key="m", id="bd-chart")
                yield VelocityChart(id="bd-velocity")
            with VerticalScroll(id="bd-numbers-box"):
                yield Static(id="bd-numbers")
        yield KeyBar()

    def on_mount(self) -> None:
        self.pmo.data_changed.subscribe(self, self._data_changed, immediate=True)
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._show_numbers())
        self.query_one("#bd-chart").display = False
        self.query_one("#bd-velocity").display = False
        self._layout_for(self.size.width)
        self.recompute()

    def on_resize(self, event: Any) -> None:
        self._layout_for(event.size.width)

    def _layout_for(self, width: int) -> None:
        self.set_class(0 < width < NARROW, "-narrow")

    def on_screen_resume(self) -> None:
        if self._stale:
            self._stale = False
            self.recompute()

    def _data_changed(self, change: DataChanged) -> None:
        if change.project_switched:
            self.sprint_id = None
        if self.app.screen is not self:
            self._stale = True  # recomputed when shown again
            return
        self.recompute()

    # -------------------------------------------------------------------- data
    def recompute(self) -> None:
        """Compute the figures in a thread; the newest request wins."""
        app = self.pmo
        session = app.board.session
        project = app.board.project().key
        work_days = tuple(app.config.work_days) if app.config else calendar.WORK_DAYS
        wanted, unit = self.sprint_id, self.unit

        def run() -> Figures:
            return compute(session, project, wanted, unit, work_days)

        self._worker = self.run_worker(
            run, thread=True, group="burndown", exclusive=True, exit_on_error=False
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker is not self._worker:
            return  # an older request, superseded
        if event.state == WorkerState.SUCCESS and worker.result is not None:
            self.show(worker.result)
        elif event.state == WorkerState.ERROR:
            self.notify(f"Cannot compute the burndown: {worker.error}", severity="error")

    def show(self, f: Figures) -> None:
        """Draw ``f``: the message or the chart, and the numbers."""
        self.figures = f
        if f.sprint is not None:
            self.sprint_id = f.sprint.id
        message = self.query_one("#bd-message", Static)
        chart = self.query_one("#bd-chart", BurndownChart)
        bars = self.query_one("#bd-velocity", VelocityChart)
        if f.sprint is None and not (self.show_velocity and f.velocity.sprints):
            message.update(NO_SPRINT)
            message.display, chart.display, bars.display = True, False, False
        elif self.show_velocity:
            bars.velocity = f.velocity
            message.display, chart.display, bars.display = False, False, True
        else:
            chart.burndown = f.burndown
            message.display, chart.display, bars.display = False, True, False
        self._show_numbers()
        self.query_one(PmoHeader).update_now()

    def _show_numbers(self) -> None:
        f = self.figures
        box = self.query_one("#bd-numbers-box")
        if f is None or f.sprint is None:
            box.display = False
            return
        box.display = True
        palette = palette_from_theme(self.app.theme_variables)
        self.query_one("#bd-numbers", Static).update(numbers_text(f, palette))

    # ----------------------------------------------------------------- actions
    def action_sprint(self, step: int) -> None:
        f = self.figures
        if f is None or f.sprint is None:
            self.notify("No sprint to page through yet", timeout=2)
            return
        ids = [sp.id for sp in f.sprints]
        # From the sprint last asked for, not the one drawn: `[[[` typed while the first
        # `[` is still computing goes three sprints back.
        current = self.sprint_id if self.sprint_id in ids else f.sprint.id
        i = ids.index(current) + step if current in ids else 0
        if not 0 <= i < len(ids):
            self.notify("No later sprint" if step > 0 else "This is the first sprint", timeout=2)
            return
        self.sprint_id = ids[i]
        self.recompute()

    def action_unit(self) -> None:
        self.unit = UNITS[(UNITS.index(self.unit) + 1) % len(UNITS)]
        self.query_one(PmoHeader).update_now()
        self.recompute()

    def action_velocity(self) -> None:
        self.show_velocity = not self.show_velocity
        if self.figures is not None:
            self.show(self.figures)
        else:
            self.query_one(PmoHeader).update_now()
