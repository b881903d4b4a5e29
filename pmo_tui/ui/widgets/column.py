"""A board column: a header and a virtualised list of cards (Line API).

Only the cards in view are rendered, so a column of thousands of cards costs no more to
draw than a column of five.  Card text is user text: it is placed in segments as plain
strings, never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from rich.containers import Lines
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

from ...core.model import Doc
from ...core.text import display

CARD_HEIGHT = 5  # four lines of card and one blank line
COMPACT_HEIGHT = 3  # key and points, the title, a blank line
COMPACT_BELOW = 22  # a column narrower than this (or a short terminal) shows compact cards
SHORT_SCREEN = 30  # rows: below this, compact cards too
PRIORITY_MARK = {"urgent": "‼", "high": "▲", "medium": "●", "low": "▽", "none": ""}


class CardList(ScrollView, can_focus=False):
    """The cards of one column."""

    COMPONENT_CLASSES = {
        "card",
        "card--cursor",
        "card--key",
        "card--key-cursor",
        "card--meta",
        "card--points",
        "card--assignee",
        "card--tag",
        "card--overdue",
        "card--timer",
        "card--urgent",
        "card--high",
        "card--medium",
        "card--low",
        "card--more",
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
        self.card_height = CARD_HEIGHT

    @property
    def compact(self) -> bool:
        return self.card_height == COMPACT_HEIGHT

    def _choose_layout(self) -> None:
        """Compact cards (key and points, then the title) when the column is narrow or the
        terminal short: then four columns and several cards fit in 80x24."""
        width = self.size.width
        short = self.app.size.height < SHORT_SCREEN
        height = COMPACT_HEIGHT if (0 < width < COMPACT_BELOW or short) else CARD_HEIGHT
        if height != self.card_height:
            self.card_height = height
            self._cache.clear()

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
        size = Size(self.size.width, len(cards) * self.card_height)
        if size != self.virtual_size:
            self.virtual_size = size
        self.refresh()

    def scroll_to_cursor(self) -> None:
        """Scroll by whole cards so the cursor's card is in view and never cut.  Scrolled
        down, the first line shown is the blank line above a card: "▲ 2 more" takes it;
        the last line is kept for "▼ 3 more"."""
        if self.cursor is None:
            return
        card = self.card_height
        height = self.scrollable_content_region.height or self.size.height
        y = int(self.scroll_y)
        first = (y + 1) // card if y > 0 else 0
        if self.cursor < first:
            first = self.cursor
        elif self.cursor * card + card - 1 - (first * card - 1 if first else 0) > height - 1:
            first = max(1, -(-(self.cursor * card + card - height + 1) // card))
            first = min(first, self.cursor)
        else:
            return
        self.scroll_to(y=first * card - 1 if first else 0, animate=False, immediate=True)

    def on_resize(self) -> None:
        self._cache.clear()
        self._blank = None
        self._choose_layout()
        self.virtual_size = Size(self.size.width, len(self.cards) * self.card_height)

    def render_line(self, y: int) -> Strip:
        scroll_y = int(self.scroll_offset.y)
        line = scroll_y + y
        card = self.card_height
        index, row = divmod(line, card)
        width = self.scrollable_content_region.width or self.size.width
        height = self.size.height
        if y == height - 1 and len(self.cards) * card - 1 > scroll_y + height:
            return self._more_line(len(self.cards) - (scroll_y + height) // card, width)
        if y == 0 and scroll_y > 0:
            return self._more_line(-((scroll_y + 1) // card), width)
        if index >= len(self.cards) or row == card - 1:
            blank = self._blank
            if blank is None or blank.cell_length != width:
                blank = self._blank = Strip.blank(width, self.rich_style)
            return blank
        return self._card_strips(index, width)[row]

    def _more_line(self, count: int, width: int) -> Strip:
        """ "▼ 3 more" below the last card in view ("▲ 2 more" above the first)."""
        text = f" ▼ {count} more" if count > 0 else f" ▲ {-count} more"
        style = self.rich_style + self._style("card--more")
        return Strip([Segment(text, style)]).adjust_cell_length(width, self.rich_style)

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
            self.card_height,
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
            # background); only what must stand out keeps its own (CONTRAST_PAIRS lists
            # pmo-overdue and pmo-timer on pmo-cursor-bg).
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
        base = self.rich_style + self._style("card--cursor" if selected else "card")
        inner = max(4, width - 2)
        priority = str(doc.get("priority") or "none")

        # line 1: key, priority, timer, points (right)
        line1 = Text(no_wrap=True, overflow="ellipsis")
        line1.append(
            display(str(doc.get("key", ""))), style("card--key-cursor" if selected else "card--key")
        )
        mark = PRIORITY_MARK.get(priority, "")
        if mark:
            label = mark if self.compact else f"{mark}{priority}"
            line1.append(f" {label}", style(f"card--{priority}"))
        if doc.get("key") == self.timer_card:
            line1.append(" ⏱", style("card--timer"))
        due = doc.get("due")
        overdue = bool(due) and str(due) < self.today.isoformat() and not doc.get("done")
        if overdue and self.compact:  # the due line is not shown: say it here
            line1.append(" late", style("card--overdue"))
        right = "" if doc.get("points") is None else display(f"{doc['points']}pt")

        # the title: one line on a compact card, else two
        title_lines = 1 if self.compact else 2
        title = Text(display(str(doc.get("title", ""))))
        if self.compact:
            title.truncate(inner, overflow="ellipsis")
            wrapped = Lines([title])
        else:
            wrapped = title.wrap(self.app.console, inner, overflow="fold")  # long words break
        lines = list(wrapped)[:title_lines]
        if len(wrapped) > title_lines:
            last = lines[-1]
            last.truncate(inner - 1)
            last.append("…")
        while len(lines) < title_lines:
            lines.append(Text(""))

        # line 4: due date first (it matters most), then assignee and tags
        line4 = Text(no_wrap=True, overflow="ellipsis")
        if due:
            line4.append(
                ("overdue " if overdue else "due ") + display(str(due)[5:]) + " ",
                style("card--overdue" if overdue else "card--meta"),
            )
        if doc.get("assignee"):
            line4.append("@" + display(str(doc["assignee"])) + " ", style("card--assignee"))
        for tag in doc.get("tags") or []:
            line4.append("#" + display(str(tag)) + " ", style("card--tag"))

        strips = []
        rows = [line1, *lines] if self.compact else [line1, *lines, line4]
        for i, text in enumerate(rows):
            if i == 0 and right:
                room = inner - len(right) - 1
                text.truncate(max(1, room), overflow="ellipsis", pad=True)
                text.append(" " + right, style("card--points"))
            # The selected card is marked by its background and a bar in its own colour.
            segments = [Segment("▌ " if selected else "  ", base)]
            segments += list(text.render(self.app.console))
            strip = Strip(segments).apply_style(base)
            strips.append(strip.adjust_cell_length(width, base))
        return strips


class ColumnHeader(Static):
    """A column's header line: name, count (over the WIP limit in the breach colour), how
    many are shown, points; and, at the edge of the board's view, how many columns are
    hidden that way ("◀ 1 more" / "2 more ▶")."""

    COMPONENT_CLASSES = {"column-header--points", "column-header--muted", "column-header--cue"}
    _args: tuple[str, str, int | None, int, int, int] | None = None

    _room: int | None = None  # the width the shown line was fitted to

    def on_resize(self) -> None:
        if self._args is not None and self._width() != self._room:
            name, count, shown, points, left, right = self._args
            self.show(name, count, shown, points, hidden_left=left, hidden_right=right)

    def _width(self) -> int:
        """The width of the line: once laid out, the content region's; before the first
        layout, the column's width (set in cells by the board) less this line's padding,
        so that the first frame is fitted right and the first resize changes nothing."""
        if self.content_region.width:
            return self.content_region.width
        parent = self.parent
        width = getattr(getattr(parent, "styles", None), "width", None)
        if width is not None and width.is_cells and parent is not None:
            return int(width.value) - parent.styles.gutter.width - self.styles.gutter.width
        return self.size.width or 80

    def show(
        self,
        name: str,
        count: str,
        shown: int | None,
        points: int,
        *,
        hidden_left: int = 0,
        hidden_right: int = 0,
    ) -> None:
        self._args = (name, count, shown, points, hidden_left, hidden_right)
        muted = self.get_component_rich_style("column-header--muted", partial=True)
        cue = self.get_component_rich_style("column-header--cue", partial=True)
        points_style = self.get_component_rich_style("column-header--points", partial=True)
        self._room = self._width()
        room = self._room - (len(f" {hidden_right} more ▶") if hidden_right else 0)
        # When the line is short the points go first; then the column's name is shortened
        # ("In Progre… 3/3 · 1 shown"): the counts are what the header is for.
        lead = [(f"◀ {hidden_left} more ", cue)] if hidden_left else []
        rest: list[tuple[str, Style]] = [(f" {count}", Style())]
        if shown is not None:
            rest.append((f" · {shown} shown", muted))
        if points:
            with_points = [*rest, (" · ", muted), (f"{points}pt", points_style)]
            if sum(len(t) for t, _ in [*lead, (name, muted), *with_points]) <= room:
                rest = with_points
        left = room - sum(len(t) for t, _ in [*lead, *rest])
        if len(name) > left:
            name = name[: max(1, left - 1)] + "…"
        text = Text(no_wrap=True, overflow="ellipsis")
        for chunk, chunk_style in [*lead, (name, Style()), *rest]:
            text.append(chunk, chunk_style)
        if not hidden_right:
            self.update(text)
            return
        grid = Table.grid(expand=True)
        grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        grid.add_column(no_wrap=True, justify="right")
        grid.add_row(text, Text(f" {hidden_right} more ▶", cue))
        self.update(grid)


def fit_columns(total: int, count: int, minimum: int = 18) -> tuple[int, int]:
    """(column width, how many columns are in view) for ``count`` columns in ``total``
    cells, each followed by a one-cell gap: all of them if each gets ``minimum``, else as
    many as fit, the rest reached by scrolling sideways."""
    if count <= 0:
        return minimum, 0
    width = (total - count) // count
    if width >= minimum:
        return width, count
    fit = max(1, min(count, (total + 1) // (minimum + 1)))
    return max(minimum, (total - fit) // fit), fit
