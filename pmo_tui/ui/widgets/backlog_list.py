"""The backlog's virtual list (Line API): group headers and one line per card.

Only the lines in view are rendered, so 5,000 backlog cards cost no more to draw than
five.  Card text is user text: it is placed in segments as plain strings (through
``display``), never parsed as markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...core.model import Doc, Sprint
from ...core.text import display
from .column import PRIORITY_MARK


@dataclass
class Group:
    """A planned sprint (``sprint``) or the backlog (``sprint`` None) and its shown cards."""

    sprint: Sprint | None
    cards: list[Doc] = field(default_factory=list)
    committed: int = 0  # points of every open card in the sprint, filter or not

    @property
    def points(self) -> int:
        return sum(int(d.get("points") or 0) for d in self.cards)

    @property
    def over(self) -> bool:
        sprint = self.sprint
        capacity = sprint.capacity if sprint is not None else None
        return capacity is not None and self.committed > capacity

    def title(self) -> Text:
        """The header line: name, dates, counts, points against capacity."""
        text = Text(no_wrap=True, overflow="ellipsis")
        count = len(self.cards)
        cards = f"{count} card{'s' if count != 1 else ''}"
        sprint = self.sprint
        if sprint is None:
            text.append("Backlog", "bold")
            text.append(f"  {cards} · {self.points} pt")
            return text
        text.append(display(sprint.name), "bold")
        if sprint.state == "active":
            text.append(" (active)")
        if sprint.start and sprint.end:
            text.append(f"  {sprint.start:%b %d} – {sprint.end:%b %d}")
        text.append(f"  {cards} · {self.points} pt")
        if sprint.capacity is not None:
            text.append(f" · committed {self.committed}/{sprint.capacity} pt")
            if self.over:
                text.append(f" OVER by {self.committed - sprint.capacity}!")
        else:
            text.append(f" · committed {self.committed} pt, no capacity")
        return text


@dataclass(slots=True)
class Row:
    """One line: a group header (``card`` None) or a card of ``group``."""

    group: Group
    card: Doc | None = None


class BacklogList(ScrollView, can_focus=False):
    """Rows of the backlog; ``cursor`` is a row index (always a card row, or None)."""

    COMPONENT_CLASSES = {
        "backlog--row",
        "backlog--cursor",
        "backlog--group",
        "backlog--over",
        "backlog--key",
        "backlog--meta",
        "backlog--tag",
        "backlog--urgent",
        "backlog--timer",
        "backlog--selected",
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rows: list[Row] = []
        self.cursor: int | None = None
        self.selected: frozenset[str] = frozenset()
        self.timer_card: str | None = None
        self._cache: dict[tuple[Any, ...], Strip] = {}
        self._blank: Strip | None = None

    def set_rows(
        self,
        rows: list[Row],
        cursor: int | None,
        selected: frozenset[str],
        timer_card: str | None,
    ) -> None:
        self.rows = rows
        self.cursor = cursor
        self.selected = selected
        self.timer_card = timer_card
        if len(self._cache) > 4000:
            self._cache.clear()
        size = Size(self.size.width, len(rows))
        if size != self.virtual_size:
            self.virtual_size = size
        self.refresh()

    def set_cursor(self, cursor: int | None) -> None:
        """Move the cursor without rebuilding the rows (j/k on 5,000 cards)."""
        if cursor != self.cursor:
            self.cursor = cursor
            self.refresh()

    @property
    def page(self) -> int:
        return max(1, (self.scrollable_content_region.height or self.size.height) - 1)

    def scroll_to_cursor(self) -> None:
        if self.cursor is None:
            return
        height = self.scrollable_content_region.height or self.size.height
        if height <= 0:
            return
        top = self.cursor
        # Keep the group header above the first card of a group in view.
        if top > 0 and self.rows[top - 1].card is None:
            top -= 1
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False, immediate=True)
        elif self.cursor >= self.scroll_y + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def on_resize(self) -> None:
        self._cache.clear()
        self._blank = None
        self.virtual_size = Size(self.size.width, len(self.rows))

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width or self.size.width
        if index >= len(self.rows):
            blank = self._blank
            if blank is None or blank.cell_length != width:
                blank = self._blank = Strip.blank(width, self.rich_style)
            return blank
        row = self.rows[index]
        if row.card is None:
            group = row.group
            gkey: tuple[Any, ...] = (
                "group",
                group.title().plain,
                group.over,
                width,
            )
            strip = self._cache.get(gkey)
            if strip is None:
                strip = self._cache[gkey] = self._render_group(group, width)
            return strip
        doc = row.card
        key = doc.get("key")
        ckey = (
            key,
            doc.get("updated"),
            doc.get("title"),
            doc.get("points"),
            doc.get("assignee"),
            tuple(doc.get("tags") or ()),
            doc.get("priority"),
            width,
            index == self.cursor,
            key in self.selected,
            key == self.timer_card,
        )
        strip = self._cache.get(ckey)
        if strip is None:
            strip = self._cache[ckey] = self._render_card(doc, width, index == self.cursor)
        return strip

    def _render_group(self, group: Group, width: int) -> Strip:
        base = self.rich_style + self._style("backlog--group")
        if group.over:
            base += self._style("backlog--over")
        text = group.title()
        text.truncate(max(1, width - 1), overflow="ellipsis")
        segments = [Segment(" ", base), *text.render(self.app.console)]
        return Strip(segments).apply_style(base).adjust_cell_length(width, base)

    def _render_card(self, doc: Doc, width: int, cursor: bool) -> Strip:
        key = str(doc.get("key", ""))
        base = self.rich_style + self._style("backlog--row")
        if cursor:
            base += self._style("backlog--cursor")

        bold_on_cursor = ("backlog--key", "backlog--selected", "backlog--urgent")

        def style(name: str) -> Style:
            # On the cursor row the parts take the cursor's colours (the only pairs the
            # themes check on its background are pmo-cursor-fg and the timer); the key, the
            # selection mark and an urgent priority stay bold, the timer keeps its colour.
            if cursor and name != "backlog--timer":
                return Style(bold=True) if name in bold_on_cursor else Style()
            return self._style(name)

        selected = key in self.selected
        left = Text(no_wrap=True)
        left.append("▌" if cursor else " ", style("backlog--selected") if not cursor else Style())
        left.append("✓ " if selected else "  ", style("backlog--selected"))
        left.append(display(key).ljust(9), style("backlog--key"))
        priority = str(doc.get("priority") or "none")
        mark = PRIORITY_MARK.get(priority, "") or " "
        urgent = priority in ("urgent", "high")
        left.append(mark + " ", style("backlog--urgent" if urgent else "backlog--meta"))

        right = Text(no_wrap=True)
        if key == self.timer_card:
            right.append(" ⏱", style("backlog--timer"))
        points = doc.get("points")
        right.append(f" {points:>3}pt" if points is not None else "   -  ", style("backlog--meta"))
        if width >= 60:
            who = display(str(doc.get("assignee") or ""))
            who = ("@" + who) if who else ""
            right.append(" " + who[:10].ljust(10), style("backlog--meta"))
            tags = " ".join("#" + display(str(t)) for t in doc.get("tags") or [])
            room = 12 if width < 100 else 24
            if tags:
                tag_text = Text(tags, no_wrap=True)
                tag_text.truncate(room, overflow="ellipsis", pad=True)
                tag_text.stylize(style("backlog--tag"))
                right.append(" ")
                right.append_text(tag_text)
            else:
                right.append(" " + " " * room)

        title_room = max(4, width - left.cell_len - right.cell_len - 1)
        title = Text(display(str(doc.get("title", ""))), no_wrap=True)
        title.truncate(title_room, overflow="ellipsis", pad=True)

        line = Text(no_wrap=True)
        line.append_text(left)
        line.append_text(title)
        line.append_text(right)
        segments = list(line.render(self.app.console))
        return Strip(segments).apply_style(base).adjust_cell_length(width, base)
