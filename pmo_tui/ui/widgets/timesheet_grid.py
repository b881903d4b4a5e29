"""The timesheet's week grid (Line API): cards by days, totals, target and balance.

Only the lines in view are built, so a week with thousands of card rows draws as fast as
one with five (a DataTable would make and measure a cell object for each of them).  The
header line and the three summary lines (day totals, target, balance) stay in place; the
card rows scroll under the cursor.  Keys and titles are user text: they go through
``display`` and into segments as plain strings, never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

CELL = 6  # "Mon 30", "10:05", "120:30"
KEY_MAX = 10
TITLE_MIN = 8  # below this the title column is dropped
TITLE_MAX = 40
SPENT = 11  # "12:30/10:00"
SUMMARY = 3  # Total, Target, Balance


def fit(text: str, width: int) -> str:
    """``text`` cut (with an ellipsis) or padded to exactly ``width`` cells."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


@dataclass
class GridLine:
    """One card row as drawn (every string already made safe with ``display``)."""

    key: str
    title: str
    cells: list[str]
    total: str
    spent: str = ""
    pct: str = ""
    over: bool = False
    timer: bool = False


@dataclass
class GridModel:
    days: list[date] = field(default_factory=list)
    heads: list[str] = field(default_factory=list)
    rows: list[GridLine] = field(default_factory=list)
    totals: list[str] = field(default_factory=list)
    total: str = ""
    targets: list[str] = field(default_factory=list)
    target: str = ""
    balance: str = ""
    balance_sign: int = 0
    with_estimate: bool = False
    empty_text: str = ""


class Layout:
    """Column widths from the content and the width: the title narrows first, then the
    spent/estimate column goes, then the title (as the CLI's grid does)."""

    def __init__(self, width: int, model: GridModel) -> None:
        keys = [cell_len(r.key) for r in model.rows] or [4]
        self.key = max(7, min(KEY_MAX, max(keys)))  # "Balance"
        n = len(model.days)
        self.total = max([CELL + 1, len(model.total), *(len(r.total) for r in model.rows)])
        self.pct = max([6, *(len(r.pct) for r in model.rows)]) if model.with_estimate else 0
        fixed = 1 + self.key + 1 + n * (CELL + 1) + self.total + (self.pct + 1 if self.pct else 0)
        room = width - fixed - 1
        spent = max([SPENT, *(len(r.spent) for r in model.rows)]) if model.with_estimate else 0
        self.spent = 0
        if spent and room - spent - 1 >= 20:
            self.spent = spent
            room -= spent + 1
        longest = max((cell_len(r.title) for r in model.rows), default=5)
        self.title = min(TITLE_MAX, max(longest, 5), room) if room >= TITLE_MIN else 0

    def day_x(self, i: int) -> int:
        """The first cell of day ``i``'s column."""
        x = 1 + self.key + 1 + (self.title + 1 if self.title else 0)
        return x + i * (CELL + 1)


class TimesheetGrid(Widget, can_focus=False):
    """Draws a :class:`GridModel` with a cursor cell (row, day)."""

    COMPONENT_CLASSES = {
        "timesheet--head",
        "timesheet--row",
        "timesheet--cursor-row",
        "timesheet--cursor",
        "timesheet--key",
        "timesheet--weekend",
        "timesheet--over",
        "timesheet--timer",
        "timesheet--sum",
        "timesheet--plus",
        "timesheet--minus",
        "timesheet--muted",
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.model = GridModel()
        self.row = 0
        self.col = 0
        self.top = 0
        self.work_days: frozenset[int] = frozenset(range(5))

    # ------------------------------------------------------------------ state
    @property
    def body_height(self) -> int:
        return max(1, self.size.height - 1 - SUMMARY)

    def show(self, model: GridModel, row: int, col: int) -> None:
        self.model = model
        self.set_cursor(row, col)

    def set_cursor(self, row: int, col: int) -> None:
        self.row, self.col = row, col
        height = self.body_height
        if row < self.top:
            self.top = row
        elif row >= self.top + height:
            self.top = row - height + 1
        self.top = max(0, min(self.top, max(0, len(self.model.rows) - height)))
        self.refresh()

    def on_resize(self) -> None:
        self.set_cursor(self.row, self.col)

    # ---------------------------------------------------------------- drawing
    def _style(self, name: str) -> Style:
        """A part's own colours, laid over the line's."""
        return self.get_component_rich_style(name, partial=True)

    def _solid(self, name: str) -> Style:
        """A part with a translucent background (the cursor): Textual blends it over the
        widget's background only in the full style (a partial one would lose the alpha)."""
        return self.get_component_rich_style(name, partial=False)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        model = self.model
        if not model.days:
            return Strip.blank(width, base)
        lay = Layout(width, model)
        height = self.size.height
        if y == 0:
            return self._line(lay, width, "Card", "Title", model.heads, "Total", "Spent/Est",
                              "%Est", head=True)  # fmt: skip
        summary_at = height - SUMMARY
        if y >= summary_at and height > SUMMARY + 1:
            which = y - summary_at
            if which == 0:
                return self._line(lay, width, "Total", "", model.totals, model.total, "", "",
                                  sums=True)  # fmt: skip
            if which == 1:
                return self._line(lay, width, "Target", "", model.targets, model.target, "", "",
                                  muted=True)  # fmt: skip
            return self._line(lay, width, "Balance", "", ["" for _ in model.days],
                              model.balance, "", "", sign=model.balance_sign)  # fmt: skip
        index = self.top + y - 1
        if not model.rows:
            if y == 1:
                return Strip([Segment(fit(" " + model.empty_text, width), base)])
            return Strip.blank(width, base)
        if index >= len(model.rows):
            return Strip.blank(width, base)
        r = model.rows[index]
        return self._line(lay, width, r.key, r.title, r.cells, r.total, r.spent, r.pct,
                          row=r, cursor=index == self.row)  # fmt: skip

    def _line(
        self,
        lay: Layout,
        width: int,
        key: str,
        title: str,
        cells: Sequence[str],
        total: str,
        spent: str,
        pct: str,
        *,
        head: bool = False,
        sums: bool = False,
        muted: bool = False,
        sign: int = 0,
        row: GridLine | None = None,
        cursor: bool = False,
    ) -> Strip:
        base = self.rich_style
        if head:
            base += self._style("timesheet--head")
        elif sums:
            base += self._style("timesheet--sum")
        elif muted:
            base += self._style("timesheet--muted")
        if cursor:
            base += self._solid("timesheet--cursor-row")
        segs: list[Segment] = [Segment(" ", base)]
        key_style = base
        if row is not None:
            key_style = base + self._style("timesheet--key")
            if row.timer:
                key_style += self._style("timesheet--timer")
        segs.append(Segment(fit(key, lay.key), key_style))
        segs.append(Segment(" ", base))
        if lay.title:
            segs.append(Segment(fit(title, lay.title), base))
            segs.append(Segment(" ", base))
        model = self.model
        for i, text in enumerate(cells):
            style = base
            if head and model.days and model.days[i].weekday() not in self.work_days:
                style += self._style("timesheet--weekend")
            if cursor and i == self.col:
                style += self._solid("timesheet--cursor")
            segs.append(Segment(f"{text:>{CELL}}", style))
            segs.append(Segment(" ", base))
        total_style = base
        if sign > 0:
            total_style += self._style("timesheet--plus")
        elif sign < 0:
            total_style += self._style("timesheet--minus")
        if row is not None and row.timer:
            total_style += self._style("timesheet--timer")
        segs.append(Segment(f"{total:>{lay.total}}", total_style))
        if lay.spent:
            segs.append(Segment(" ", base))
            segs.append(Segment(f"{spent:>{lay.spent}}", base))
        if lay.pct:
            segs.append(Segment(" ", base))
            over = row is not None and row.over
            style = base + self._style("timesheet--over") if over else base
            segs.append(Segment(f"{pct:>{lay.pct}}", style))
        strip = Strip(segs)
        used = strip.cell_length
        if used < width:
            strip = Strip([*segs, Segment(" " * (width - used), base)])
        return strip.crop(0, width)
