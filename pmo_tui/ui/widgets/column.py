"""A board column: a header and a virtualised list of cards (Line API).

Only the cards in view are rendered, so a column of thousands of cards costs no more to
draw than a column of five.  Card text is user text: it is placed in segments as plain
strings, never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...core.model import Doc
from ...core.text import display

CARD_HEIGHT = 5  # four lines of card and one blank line
PRIORITY_MARK = {"urgent": "‼", "high": "▲", "medium": "●", "low": "▽", "none": ""}


class CardList(ScrollView, can_focus=False):
    """The cards of one column."""

    COMPONENT_CLASSES = {
        "card",
        "card--cursor",
        "card--cursor-dim",
        "card--key",
        "card--key-cursor",
        "card--meta",
        "card--tag",
        "card--overdue",
        "card--timer",
        "card--urgent",
        "card--high",
        "card--bar",
        "card--bar-cursor",
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cards: list[Doc] = []
        self.cursor: int | None = None
        self.active = False
        self.timer_card: str | None = None
        self.today = date.today()
        self._cache: dict[tuple[Any, ...], list[Strip]] = {}
        self._shown: tuple[Any, ...] = ()
        self._blank: Strip | None = None

    def set_cards(
        self,
        cards: list[Doc],
        cursor: int | None,
        *,
        active: bool,
        timer_card: str | None,
        today: date,
    ) -> None:
        # Repaint only when something this column shows has changed: a cursor move then
        # repaints one column, not the whole board.  Unchanged documents are the very same
        # objects (the store's snapshot is never mutated), so identity is a safe test.
        shown = (tuple(map(id, cards)), cursor, active, timer_card, today)
        self.cards = cards
        if shown == self._shown:
            return
        self._shown = shown
        self.cursor = cursor
        self.active = active
        self.timer_card = timer_card
        self.today = today
        if len(self._cache) > 2000:
            self._cache.clear()
        size = Size(self.size.width, len(cards) * CARD_HEIGHT)
        if size != self.virtual_size:
            self.virtual_size = size
        self.refresh()

    def scroll_to_cursor(self) -> None:
        if self.cursor is None:
            return
        top = self.cursor * CARD_HEIGHT
        height = self.scrollable_content_region.height or self.size.height
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False, immediate=True)
        elif top + CARD_HEIGHT - 1 > self.scroll_y + height:
            # Scroll by whole cards so the top card is never cut in half.
            first = self.cursor - max(1, height // CARD_HEIGHT) + 1
            self.scroll_to(y=max(0, first) * CARD_HEIGHT, animate=False, immediate=True)

    def on_resize(self) -> None:
        self._cache.clear()
        self._blank = None
        self.virtual_size = Size(self.size.width, len(self.cards) * CARD_HEIGHT)

    def render_line(self, y: int) -> Strip:
        scroll_y = int(self.scroll_offset.y)
        line = scroll_y + y
        index, row = divmod(line, CARD_HEIGHT)
        width = self.scrollable_content_region.width or self.size.width
        if index >= len(self.cards) or row == CARD_HEIGHT - 1:
            blank = self._blank
            if blank is None or blank.cell_length != width:
                blank = self._blank = Strip.blank(width, self.rich_style)
            return blank
        return self._card_strips(index, width)[row]

    def _card_strips(self, index: int, width: int) -> list[Strip]:
        doc = self.cards[index]
        selected = index == self.cursor
        key = (
            doc.get("key"),
            doc.get("updated"),
            doc.get("title"),
            doc.get("status"),
            doc.get("points"),
            doc.get("assignee"),
            tuple(doc.get("tags") or ()),
            doc.get("priority"),
            doc.get("due"),
            doc.get("sprint"),
            width,
            selected,
            self.active,
            doc.get("key") == self.timer_card,
            self.today,
        )
        cached = self._cache.get(key)
        if cached is None:
            cached = self._render_card(doc, width, selected)
            self._cache[key] = cached
        return cached

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def _render_card(self, doc: Doc, width: int, selected: bool) -> list[Strip]:
        if selected:
            # On the cursor card every part takes the cursor's colours (readable on its
            # background); only what must stand out keeps its own.
            plain = Style()
            keep = ("card--key-cursor", "card--overdue", "card--timer")

            def style(name: str) -> Style:
                return self._style(name) if name in keep else plain
        else:
            style = self._style
        return self._render_lines(doc, width, selected, style)

    def _render_lines(
        self, doc: Doc, width: int, selected: bool, style: Callable[[str], Style]
    ) -> list[Strip]:
        if selected:
            base = self._style("card--cursor" if self.active else "card--cursor-dim")
        else:
            base = self._style("card")
        base = self.rich_style + base
        bar_style = base + self._style("card--bar-cursor" if selected else "card--bar")
        inner = max(4, width - 2)
        priority = str(doc.get("priority") or "none")

        # line 1: key, priority, timer, points
        line1 = Text(no_wrap=True, overflow="ellipsis")
        line1.append(
            display(str(doc.get("key", ""))), style("card--key-cursor" if selected else "card--key")
        )
        mark = PRIORITY_MARK.get(priority, "")
        if mark:
            pstyle = style("card--urgent" if priority in ("urgent", "high") else "card--meta")
            line1.append(f" {mark}{priority}", pstyle)
        if doc.get("key") == self.timer_card:
            line1.append(" ⏱", style("card--timer"))
        right = "" if doc.get("points") is None else display(f"{doc['points']}pt")

        # lines 2-3: the title, wrapped to two lines
        title = Text(display(str(doc.get("title", ""))))
        wrapped = title.wrap(self.app.console, inner, overflow="fold")  # long words break
        lines = list(wrapped)[:2]
        if len(wrapped) > 2:
            last = lines[1]
            last.truncate(inner - 1)
            last.append("…")
        while len(lines) < 2:
            lines.append(Text(""))

        # line 4: due date first (it matters most), then assignee and tags
        line4 = Text(no_wrap=True, overflow="ellipsis")
        due = doc.get("due")
        if due:
            overdue = str(due) < self.today.isoformat() and not doc.get("done")
            line4.append(
                ("overdue " if overdue else "due ") + display(str(due)[5:]) + " ",
                style("card--overdue" if overdue else "card--meta"),
            )
        if doc.get("assignee"):
            line4.append("@" + display(str(doc["assignee"])) + " ", style("card--meta"))
        for tag in doc.get("tags") or []:
            line4.append("#" + display(str(tag)) + " ", style("card--tag"))

        strips = []
        for i, text in enumerate([line1, *lines, line4]):
            if i == 0 and right:
                room = inner - len(right) - 1
                text.truncate(max(1, room), overflow="ellipsis", pad=True)
                text.append(" " + right, style("card--meta"))
            segments = [Segment("▌" if selected else "▏", bar_style), Segment(" ", base)]
            segments += list(text.render(self.app.console))
            strip = Strip(segments).apply_style(base)
            strips.append(strip.adjust_cell_length(width, base))
        return strips
