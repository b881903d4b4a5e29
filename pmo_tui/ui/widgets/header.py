"""The app header: project, active sprint with days left, my running timer, the clock."""

from __future__ import annotations

from datetime import datetime

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from ...core.model import long_running
from ...core.parse import format_clock
from ...core.text import display


class PmoHeader(Static):
    """One line: project and sprint on the left, my timer and the clock on the right."""

    DEFAULT_CSS = """
    PmoHeader { dock: top; height: 1; }
    """

    def on_mount(self) -> None:
        self.update_now()
        tick: float = getattr(self.app, "tick_interval", 1.0)  # tests pass 0: no ticking
        if tick > 0:
            self.set_interval(tick, self.update_now)

    def update_now(self) -> None:
        app = self.app
        board = app.board  # type: ignore[attr-defined]
        now: datetime = app.now()  # type: ignore[attr-defined]
        left = Text()
        left.append(" pmo ", "bold reverse")
        try:
            project = board.project()
            left.append(f" {display(project.key)} ", "bold")
            left.append(display(project.name))
            sprint = board.active_sprint()
            mode = getattr(self.screen, "mode_label", "")  # my screen, not a modal on top
            if sprint is not None:
                left.append("  ·  ")
                left.append(display(sprint.name), "bold")
                days = sprint.days_left(now.astimezone().date())
                if days is not None:
                    left.append(
                        f" ({days} day{'s' if days != 1 else ''} left)"
                        if days >= 0
                        else f" (ended {-days} days ago)"
                    )
            if mode:
                left.append(f"  ·  {mode}", "dim")
        except Exception as exc:  # a broken file must not kill the header
            left.append(display(f" {exc}"))
        right = Text()
        running = board.running()
        if running is not None:
            spent = running.minutes(now)
            long = long_running(running, now)
            flag = " (over 10 h!)" if long else ""
            right.append(
                f"⏱ {display(running.card)} {format_clock(spent)}{flag}",
                "bold reverse" if long else "bold",
            )
            right.append("  ")
        right.append(now.astimezone().strftime("%a %d %b %H:%M "))
        shown = (left.plain, right.plain)
        if shown == getattr(self, "_shown", None):
            return  # unchanged: no repaint
        self._shown = shown
        self.left_text, self.right_text = left, right
        grid = Table.grid(expand=True)
        grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        grid.add_column(no_wrap=True, justify="right")
        grid.add_row(left, right)
        self.update(grid)
