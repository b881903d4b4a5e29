"""The app header: project, active sprint with days left, my running timer, the clock."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from ...core.calendar import WORK_DAYS
from ...core.model import long_running
from ...core.parse import format_clock
from ...core.reports.sprints import days_left as sprint_days_left
from ...core.text import display


class PmoHeader(Static):
    """One line: project and sprint on the left, my timer and the clock on the right.

    When the line is too short, parts are dropped whole, least useful first (the project's
    name, the day names of the clock, the time, the screen's label, the sprint's days
    left, the timer's card key...), never cut mid-word.
    """

    DEFAULT_CSS = """
    PmoHeader { dock: top; height: 1; }
    """
    COMPONENT_CLASSES = {"header--brand", "header--muted", "header--timer", "header--alert"}

    def on_mount(self) -> None:
        self.update_now()
        tick: float = getattr(self.app, "tick_interval", 1.0)  # tests pass 0: no ticking
        if tick > 0:
            self.set_interval(tick, self.update_now)

    _shown: tuple[str, str, int] | None = None

    def on_resize(self) -> None:
        self.update_now()  # redrawn only if the width changed what fits (``_shown``)

    def _parts(self) -> list[tuple[int, Text, bool]]:
        """(drop order: lower goes first, the text, on the right) for each part."""
        app = self.app
        board = app.board  # type: ignore[attr-defined]
        now: datetime = app.now()  # type: ignore[attr-defined]
        style = partial(self.get_component_rich_style, partial=True)
        parts: list[tuple[int, Text, bool]] = [(99, Text(" pmo ", style("header--brand")), False)]
        try:
            project = board.project()
            parts.append((90, Text(f"{display(project.key)} ", "bold"), False))
            parts.append((20, Text(f"{display(project.name)} "), False))
            sprint = board.active_sprint()
            mode = getattr(self.screen, "mode_label", "")  # my screen, not a modal on top
            if sprint is not None:
                parts.append((80, Text(f"· {display(sprint.name)} ", "bold"), False))
                today = now.astimezone().date()
                work_days = getattr(app.config, "work_days", None) or WORK_DAYS  # type: ignore[attr-defined]
                # Work days, as the sprint screen, the burndown and `pmo sprint ls` count.
                days = sprint_days_left(sprint, today, work_days)
                if days is not None:
                    ended = sprint.end is not None and sprint.end < today
                    left = (
                        f"(ended {(today - sprint.end).days} days ago) "
                        if ended and sprint.end is not None
                        else f"({days} work day{'s' if days != 1 else ''} left) "
                    )
                    parts.append((50, Text(left), False))
            if mode:
                parts.append((45, Text(f"· {mode} ", style("header--muted")), False))
        except Exception as exc:  # a broken file must not kill the header
            parts.append((95, Text(display(f" {exc}")), False))
        running = app.running_timer()  # type: ignore[attr-defined]
        if running is not None:
            spent = running.minutes(now)
            long = long_running(running, now)
            timer = style("header--alert" if long else "header--timer")
            parts.append((60, Text(f"⏱ {display(running.card)} ", timer), True))
            parts.append((85, Text(f"{format_clock(spent)} ", timer), True))
            if long:
                parts.append((70, Text("(over 10 h!) ", timer), True))
        local = now.astimezone()
        parts.append((30, Text(local.strftime("%a %d %b ")), True))
        parts.append((40, Text(local.strftime("%H:%M ")), True))
        return parts

    def update_now(self) -> None:
        parts = self._parts()
        width = self.size.width or self.app.size.width
        kept = list(parts)
        while kept and sum(t.cell_len for _, t, _ in kept) > width:
            kept.remove(min(kept, key=lambda p: p[0]))
        left, right = Text(), Text()
        for _, text, on_right in kept:
            (right if on_right else left).append_text(text)
        shown = (left.plain, right.plain, width)
        if shown == getattr(self, "_shown", None):
            return  # unchanged: no repaint
        self._shown = shown
        self.left_text, self.right_text = left, right
        grid = Table.grid(expand=True)
        grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        grid.add_column(no_wrap=True, justify="right")
        grid.add_row(left, right)
        self.update(grid)
