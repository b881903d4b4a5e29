"""The board: one column per workflow column, keyboard first.

The screen draws from the app's view of the data (the committed snapshot with the changes
still being written laid over it), so a key press redraws at once and the write happens on
the writer thread.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Input, Static

from ...core import parse
from ...core.change import Change
from ...core.model import Card, Column, Doc
from ...core.text import display
from ..filtering import CardFilter
from ..messages import DataChanged
from ..widgets.column import CardList, ColumnHeader, fit_columns
from ..widgets.header import PmoHeader
from ..widgets.keybar import KeyBar

if TYPE_CHECKING:
    from ..app import PmoApp
    from ..modals.card_form import CardFormResult

# The modals (forms with TextArea and Select) are imported when first opened: they are not
# needed to paint the board, and importing them would delay its first frame.


class ColumnView(Vertical):
    """A column: header line and card list."""

    def __init__(self, column: Column, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.column = column

    def compose(self) -> ComposeResult:
        yield ColumnHeader(classes="column-header", markup=False)
        yield CardList()

    @property
    def cards(self) -> CardList:
        return self.query_one(CardList)

    def set_header(self, cards: list[Doc], in_column: int, active: bool) -> None:
        """``cards``: the ones shown; ``in_column``: every open card of the column, which is
        what the WIP limit counts (as the move's warning does), whatever the view shows."""
        col = self.column
        points = sum(int(d.get("points") or 0) for d in cards)
        over = col.wip is not None and in_column > col.wip
        count = f"{in_column}/{col.wip}" + ("!" if over else "") if col.wip else f"{in_column}"
        shown = len(cards) if len(cards) != in_column else None
        hidden = (self.hidden_left, self.hidden_right)
        state = (col.name, count, shown, points, over, active, hidden)
        if state == getattr(self, "_header_shown", None):
            return  # unchanged: no repaint
        self._header_shown: tuple[object, ...] | None = state
        header = self.query_one(ColumnHeader)
        header.show(
            display(col.name),
            count,
            shown,
            points,
            hidden_left=self.hidden_left,
            hidden_right=self.hidden_right,
        )
        header.set_class(over, "over-wip")
        self.set_class(active, "active")

    hidden_left = 0  # set by the board: columns hidden to the left of this one
    hidden_right = 0


class BoardScreen(Screen[None]):
    """Columns of cards; the cursor is a card key, so it survives redraws and reloads."""

    HELP_TITLE = "Board"
    AUTO_FOCUS = None  # keys go to the board; the filter field takes focus only on `/`
    BINDINGS = [
        Binding("j,down", "cursor(0,1)", "Down", id="board.down", show=False, tooltip="Next card"),
        Binding("k,up", "cursor(0,-1)", "Up", id="board.up", show=False, tooltip="Previous card"),
        Binding(
            "h,left", "cursor(-1,0)", "Left", id="board.left", show=False, tooltip="Column left"
        ),
        Binding(
            "l,right", "cursor(1,0)", "Right", id="board.right", show=False, tooltip="Column right"
        ),
        Binding(
            "pagedown",
            "page(1)",
            "Page down",
            id="board.page_down",
            show=False,
            tooltip="A screenful of cards down",
        ),
        Binding(
            "pageup",
            "page(-1)",
            "Page up",
            id="board.page_up",
            show=False,
            tooltip="A screenful of cards up",
        ),
        Binding(
            "ctrl+d",
            "half_page(1)",
            "Half page down",
            id="board.half_down",
            show=False,
            tooltip="Half a screenful down",
        ),
        Binding(
            "ctrl+u",
            "half_page(-1)",
            "Half page up",
            id="board.half_up",
            show=False,
            tooltip="Half a screenful up",
        ),
        Binding(
            "L,shift+right",
            "move(1)",
            "Move →",
            id="board.move_right",
            tooltip="Move the card to the next column",
        ),
        Binding(
            "H,shift+left",
            "move(-1)",
            "Move ←",
            id="board.move_left",
            tooltip="Move the card to the previous column",
        ),
        Binding(
            "J,shift+down",
            "reorder(1)",
            "Rank down",
            id="board.rank_down",
            show=False,
            tooltip="Move the card down in its column",
        ),
        Binding(
            "K,shift+up",
            "reorder(-1)",
            "Rank up",
            id="board.rank_up",
            show=False,
            tooltip="Move the card up in its column",
        ),
        Binding("n", "new", "New", id="board.new", tooltip="New card in this column"),
        Binding("e,enter", "edit", "Edit", id="board.edit", tooltip="Edit the card"),
        Binding(
            "x", "archive", "Archive", id="board.archive", tooltip="Archive the card (u undoes)"
        ),
        Binding("t", "timer", "Timer", id="board.timer", tooltip="Start/stop a timer on it"),
        Binding(
            "a",
            "assign",
            "Assign me",
            id="board.assign",
            show=False,
            tooltip="Assign the card to me / unassign",
        ),
        Binding("p", "points", "Points", id="board.points", show=False, tooltip="Set story points"),
        Binding(
            "s",
            "sprint",
            "Sprint ±",
            id="board.sprint",
            show=False,
            tooltip="Add to / remove from the active sprint",
        ),
        Binding(
            "v",
            "toggle_view",
            "Sprint/all",
            id="board.view",
            show=False,
            tooltip="Show the sprint's cards or all open cards",
        ),
        Binding(
            "g", "first", "First", id="board.first", show=False, tooltip="First card of the column"
        ),
        Binding(
            "G", "last", "Last", id="board.last", show=False, tooltip="Last card of the column"
        ),
        Binding(
            "slash",
            "filter",
            "Filter",
            id="board.filter",
            tooltip="Filter: text, @user, #tag, is:mine, is:overdue",
        ),
        Binding(
            "escape",
            "clear_filter",
            "Clear filter",
            id="board.clear_filter",
            show=False,
            tooltip="Show every card again",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.col_index = 0
        self.cursor_key: str | None = None
        self.row_hint = 0  # where the cursor was, for when its card disappears
        self.show_all: bool | None = None  # None: decide from the active sprint
        self.filter = CardFilter("")
        self.columns: list[Column] = []
        self.view: dict[str, list[Doc]] = {}

    @property
    def pmo(self) -> PmoApp:
        return self.app  # type: ignore[return-value]

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield PmoHeader()
        self.columns = list(self.pmo.board.project().columns)
        # The columns are composed with the screen (not mounted afterwards), so the first
        # frame already shows the board.
        with Horizontal(id="columns"):
            for column in self.columns:
                yield ColumnView(column, classes="column")
        yield KeyBar()

    def on_mount(self) -> None:
        self.pmo.data_changed.subscribe(self, self._data_changed, immediate=True)
        self._size_columns()
        self.call_later(self.refresh_view)
        if not self.pmo.board.card_docs():
            self.notify(
                "No cards yet: press n to add one (? lists every key). "
                "For a sample project: pmo --db OTHER.json init --demo",
                timeout=10,
            )

    async def _filter_bar(self) -> Horizontal:
        """The filter bar, made on first use (it is not needed to paint the board)."""
        bars = self.query("#filter-bar")
        if bars:
            return bars.first(Horizontal)
        bar = Horizontal(
            Static("/", id="filter-prompt"),
            Input(placeholder="text  @user  #tag  is:mine  is:overdue", id="filter-input"),
            Static("", id="filter-count", markup=False),
            id="filter-bar",
        )
        await self.mount(bar, before=self.query_one(KeyBar))
        return bar

    def _data_changed(self, change: DataChanged) -> None:
        try:
            if change.project_switched:
                self.call_next(self.rebuild_columns)
                return
            if change.focus:
                self.cursor_key = change.focus
            self.refresh_view()
        except Exception as exc:  # a Signal would log and swallow it: let it surface
            self.app._handle_exception(exc)

    async def rebuild_columns(self) -> None:
        """(Re)create the column widgets for the current project's workflow, and draw them
        (awaited: the old columns are gone before the new ones are sized and filled)."""
        project = self.pmo.board.project()
        self.columns = list(project.columns)
        self.col_index, self.row_hint, self.cursor_key = 0, 0, None
        self.show_all = None  # the new project's active sprint decides
        holder = self.query_one("#columns", Horizontal)
        await holder.remove_children()
        await holder.mount_all([ColumnView(c, classes="column") for c in self.columns])
        self._size_columns()
        self.refresh_view()

    MIN_COLUMN_WIDTH = 18

    def on_resize(self) -> None:
        self._size_columns()
        self.refresh_view()

    def _size_columns(self) -> None:
        """Share the width between the columns; below the minimum they scroll sideways."""
        views = list(self.query(ColumnView))
        if not views:
            return
        width, self.columns_in_view = fit_columns(
            self.size.width, len(views), self.MIN_COLUMN_WIDTH
        )
        for view in views:
            view.styles.width = width

    @property
    def mode_label(self) -> str:
        return "all open cards" if self.showing_all else "sprint cards"

    @property
    def showing_all(self) -> bool:
        if self.show_all is not None:
            return self.show_all
        return self.pmo.board.active_sprint() is None

    # -------------------------------------------------------------------- data
    def refresh_view(self) -> None:
        """Redraw from the app's view of the data, keeping the cursor on its card."""
        if not self.columns or not self.is_mounted:
            return
        views = list(self.query(ColumnView))
        if len(views) != len(self.columns):
            return
        board = self.pmo.board
        docs = self.pmo.view_cards()
        sprint = board.active_sprint()
        show_all = self.showing_all
        today = self.pmo.now().astimezone().date()
        by_col: dict[str, list[Doc]] = {c.id: [] for c in self.columns}
        in_column: dict[str, int] = {}
        matches = 0
        for doc in docs:
            status = str(doc.get("status"))
            in_column[status] = in_column.get(status, 0) + 1
            if not show_all and (sprint is None or doc.get("sprint") != sprint.id):
                continue
            if not self.filter.matches(doc, self.pmo.user, today):
                continue
            matches += 1
            by_col.setdefault(str(doc.get("status")), []).append(doc)
        self.view = by_col
        self._place_cursor()
        self._show_columns(views)
        running = board.running()
        timer_card = running.card if running else None
        for i, (col, view) in enumerate(zip(self.columns, views, strict=True)):
            cards = by_col.get(col.id, [])
            active = i == self.col_index
            cursor = self._index_of(cards, self.cursor_key) if active else None
            view.set_header(cards, in_column.get(col.id, 0), active)
            view.cards.set_cards(cards, cursor, active=active, timer_card=timer_card, today=today)
        if self.filter.text and self.query("#filter-count"):
            self.query_one("#filter-count", Static).update(
                f"{matches} match{'es' if matches != 1 else ''}"
            )
        self._scroll_into_view()
        header = self.query_one(PmoHeader)
        header.update_now()

    def _index_of(self, cards: list[Doc], key: str | None) -> int | None:
        if not cards:
            return None
        for i, d in enumerate(cards):
            if d.get("key") == key:
                return i
        return min(self.row_hint, len(cards) - 1)

    def _place_cursor(self) -> None:
        """Find the cursor card's column; if it is gone, stay in place."""
        if self.cursor_key is not None:
            for i, col in enumerate(self.columns):
                for j, d in enumerate(self.view.get(col.id, [])):
                    if d.get("key") == self.cursor_key:
                        self.col_index, self.row_hint = i, j
                        return
        self.col_index = max(0, min(self.col_index, len(self.columns) - 1))
        cards = self.current_cards
        if cards:
            self.row_hint = min(self.row_hint, len(cards) - 1)
            self.cursor_key = str(cards[self.row_hint]["key"])
        else:
            self.cursor_key = None

    def _scroll_into_view(self) -> None:
        views = list(self.query(ColumnView))
        if not views:
            return
        view = views[self.col_index]
        self._show_columns(views)
        view.cards.scroll_to_cursor()

    first_column = 0  # the leftmost column in view when not all of them fit
    columns_in_view = 0

    def _show_columns(self, views: list[ColumnView]) -> None:
        """Scroll sideways by whole columns so the cursor's column is in view, and tell the
        edge columns how many are hidden beyond them."""
        fit = self.columns_in_view or len(views)
        first = min(self.first_column, self.col_index)
        first = max(first, self.col_index - fit + 1, 0)
        first = min(first, max(0, len(views) - fit))
        self.first_column = first
        holder = self.query_one("#columns", Horizontal)
        step = int(views[0].styles.width.value) + 1 if views[0].styles.width else 0
        holder.scroll_to(x=first * step, animate=False, immediate=True, force=True)
        last = min(len(views), first + fit) - 1
        for i, view in enumerate(views):
            left = first if i == first else 0
            right = len(views) - 1 - last if i == last else 0
            if (view.hidden_left, view.hidden_right) != (left, right):
                view.hidden_left, view.hidden_right = left, right
                view._header_shown = None  # redraw the header with its cue

    @property
    def current_column(self) -> Column:
        return self.columns[self.col_index]

    @property
    def current_cards(self) -> list[Doc]:
        return self.view.get(self.current_column.id, []) if self.columns else []

    def current_card(self) -> Doc | None:
        for d in self.current_cards:
            if d.get("key") == self.cursor_key:
                return d
        return None

    def focus_card(self, key: str) -> None:
        self.cursor_key = key
        self.refresh_view()

    def go_to_card(self, key: str) -> None:
        """Put the cursor on a card; if the view hides it, show the view that holds it
        (all open cards, no filter) and say so; an archived card cannot be shown."""
        doc = next((d for d in self.pmo.view_cards() if d.get("key") == key), None)
        if doc is None:
            self.notify(
                f"{key} is archived or gone: it is not on the board (pmo show {key})",
                severity="warning",
                timeout=5,
            )
            return
        said = []
        if self.filter.text and not self.filter.matches(
            doc, self.pmo.user, self.pmo.now().astimezone().date()
        ):
            self._close_filter(clear=True)
            said.append("filter cleared")
        if not self.showing_all:
            sprint = self.pmo.board.active_sprint()
            if sprint is None or doc.get("sprint") != sprint.id:
                self.show_all = True
                said.append(f"{key} is not in the sprint: showing all open cards")
        if said:
            self.notify("; ".join(said).capitalize(), timeout=4)
        self.focus_card(key)

    # ----------------------------------------------------------------- actions
    def action_cursor(self, dx: int, dy: int) -> None:
        if dx:
            self.col_index = max(0, min(len(self.columns) - 1, self.col_index + dx))
            cards = self.current_cards
            if cards:
                self.row_hint = min(self.row_hint, len(cards) - 1)
                self.cursor_key = str(cards[self.row_hint]["key"])
            else:
                self.cursor_key = None
        if dy:
            cards = self.current_cards
            if cards:
                i = self._index_of(cards, self.cursor_key) or 0
                i = max(0, min(len(cards) - 1, i + dy))
                self.row_hint = i
                self.cursor_key = str(cards[i]["key"])
        self.refresh_view()

    def _page_size(self) -> int:
        views = list(self.query(ColumnView))
        if not views:
            return 1
        cards = views[self.col_index].cards
        return max(1, cards.size.height // cards.card_height)

    def action_page(self, step: int) -> None:
        self.action_cursor(0, step * self._page_size())

    def action_half_page(self, step: int) -> None:
        self.action_cursor(0, step * max(1, self._page_size() // 2))

    def action_first(self) -> None:
        cards = self.current_cards
        if cards:
            self.row_hint = 0
            self.cursor_key = str(cards[0]["key"])
            self.refresh_view()

    def action_last(self) -> None:
        cards = self.current_cards
        if cards:
            self.row_hint = len(cards) - 1
            self.cursor_key = str(cards[-1]["key"])
            self.refresh_view()

    def _need_card(self) -> Doc | None:
        card = self.current_card()
        if card is None:
            self.notify("No card here", severity="warning", timeout=2)
        return card

    def action_move(self, step: int) -> None:
        card = self._need_card()
        if card is None:
            return
        target = self.col_index + step
        if not 0 <= target < len(self.columns):
            return
        column = self.columns[target]
        key = str(card["key"])
        self.pmo.submit(
            f"move {key} to {column.name}",
            lambda: self.pmo.board.move_card(key, column.id),
            local=[(key, {"status": column.id})],
        )

    def action_reorder(self, step: int) -> None:
        card = self._need_card()
        if card is None:
            return
        cards = self.current_cards
        i = self._index_of(cards, card["key"]) or 0
        j = i + step
        if not 0 <= j < len(cards):
            return
        beyond = j + step
        jump = float(cards[j].get("rank") or 0)
        far = float(cards[beyond].get("rank") or 0) if 0 <= beyond < len(cards) else jump + step
        key = str(card["key"])
        visible = [str(d["key"]) for d in cards]  # past the shown neighbour, not a hidden one
        self.row_hint = j
        self.pmo.submit(
            f"reorder {key}",
            lambda: self.pmo.board.reorder_in(key, visible, step),
            local=[(key, {"rank": (jump + far) / 2})],
        )

    def _on_card(
        self,
        label: str,
        use_case: Callable[[str], Change],
        fields: Callable[[Doc], Doc] | None = None,
        announce: Callable[[Doc], str] | None = None,
    ) -> None:
        """Run a use case on the cursor card; ``fields`` is its expected effect, drawn at
        once while the writer saves it; ``announce`` is said once it is saved."""
        card = self._need_card()
        if card is None:
            return
        key = str(card["key"])
        local = [(key, fields(card))] if fields else None
        said = announce(card) if announce else None
        self.pmo.submit(f"{label} {key}", lambda: use_case(key), local=local, announce=said)

    def action_archive(self) -> None:
        self._on_card(
            "archive",
            self.pmo.board.archive,
            lambda _card: {"archived": True},
            lambda card: f"Archived {card['key']} (u undoes)",
        )

    def action_timer(self) -> None:
        self._on_card("timer on", self.pmo.board.toggle_timer)

    def action_assign(self) -> None:
        me = self.pmo.user

        def said(card: Doc) -> str:
            # No question asked (one key, like archive): undo is the safety net, and taking
            # a teammate's card is said with their name.
            key, was = card["key"], card.get("assignee")
            if was == me:
                return f"Unassigned {key} (u undoes)"
            if was:
                return f"Assigned {key} to you (was {display(str(was))}; u undoes)"
            return f"Assigned {key} to you (u undoes)"

        self._on_card(
            "assign",
            self.pmo.board.toggle_assign,
            lambda card: {"assignee": None if card.get("assignee") == me else me},
            said,
        )

    def action_sprint(self) -> None:
        card = self.current_card()
        active = self.pmo.board.active_sprint()
        if card is not None and card.get("sprint") is None and active is None:
            self.notify("No active sprint: plan and start one first", severity="warning")
            return

        def fields(card: Doc) -> Doc:  # as Board.toggle_sprint decides
            current = card.get("sprint")
            if current is not None and (active is None or current == active.id):
                return {"sprint": None}
            return {"sprint": active.id if active else None}

        def said(card: Doc) -> str:
            key = card["key"]
            if fields(card).get("sprint") is None:
                name = "its sprint" if active is None else display(active.name)
                hidden = "" if self.showing_all else "; hidden here, v shows all open cards"
                return f"Took {key} out of {name}{hidden} (u undoes)"
            assert active is not None
            return f"Added {key} to {display(active.name)} (u undoes)"

        self._on_card("sprint", self.pmo.board.toggle_sprint, fields, said)

    def action_points(self) -> None:
        card = self._need_card()
        if card is None:
            return
        key = str(card["key"])

        def check(text: str) -> tuple[str, int | None]:
            if not text.strip():
                return ("set", None)
            try:
                return ("set", parse.parse_points(text))
            except parse.ParseError as exc:
                raise ValueError(str(exc)) from None

        def done(result: tuple[str, int | None] | None) -> None:
            if result is None:
                return
            points = result[1]
            self.pmo.submit(
                f"points of {key}",
                lambda: self.pmo.board.set_points(key, points),
                local=[(key, {"points": points})],
            )

        current = "" if card.get("points") is None else str(card["points"])
        from ..modals.prompt import PromptScreen

        self.app.push_screen(
            PromptScreen(
                f"Points for {key}",
                current,
                check,
                "a whole number 0-999; empty clears   enter: save   escape: cancel",
            ),
            done,
        )

    def action_toggle_view(self) -> None:
        self.show_all = not self.showing_all
        self.notify(f"Showing {self.mode_label}", timeout=2)
        self.refresh_view()

    def action_new(self) -> None:
        column = self.current_column
        after = None

        def done(result: CardFormResult | None) -> None:
            if result is None:
                return
            fields = dict(result.fields)
            status = fields.pop("status", column.id)
            sprint = None
            active = self.pmo.board.active_sprint()
            if active is not None and not self.showing_all:
                sprint = active.id  # a card made on the sprint board belongs to the sprint
            self.pmo.submit(
                "add card",
                lambda: self.pmo.board.add_card(
                    fields.pop("title"), status=status, sprint=sprint, after=after, **fields
                ),
                focus=True,
            )

        from ..modals.card_form import CardForm

        self.app.push_screen(
            CardForm(self.columns, status=column.id, hours_per_day=self.pmo.hours_per_day), done
        )

    def action_edit(self) -> None:
        doc = self._need_card()
        if doc is None:
            return
        card = Card.from_doc(doc)
        key = card.key
        opened_at = doc.get("updated")

        def save(result: CardFormResult) -> None:
            fields = dict(result.fields)
            local = dict(fields)
            for name in result.clear:
                local[name] = None
            if isinstance(local.get("due"), date):
                local["due"] = local["due"].isoformat()
            self.pmo.submit(
                f"edit {key}",
                lambda: self.pmo.board.edit_card(key, clear=result.clear, **fields),
                local=[(key, local)],
            )

        def done(result: CardFormResult | None) -> None:
            if result is None:
                return
            current = self.pmo.board.store.card(key)
            if current is not None and current.get("updated") != opened_at:
                from ..modals.confirm import ConfirmScreen

                def answer(yes: bool | None) -> None:
                    if yes:
                        save(result)
                    else:
                        self.notify(f"Not saved: {key} was left as the other change made it")

                self.app.push_screen(
                    ConfirmScreen(
                        f"{key} was changed by someone else while you edited it. "
                        "Save your version over theirs?"
                    ),
                    answer,
                )
                return
            save(result)

        from ..modals.card_form import CardForm

        self.app.push_screen(
            CardForm(self.columns, card=card, hours_per_day=self.pmo.hours_per_day), done
        )

    # ------------------------------------------------------------------ filter
    async def action_filter(self) -> None:
        bar = await self._filter_bar()
        bar.display = True
        field = bar.query_one("#filter-input", Input)
        field.disabled = False
        field.value = self.filter.text
        field.focus()

    def action_clear_filter(self) -> None:
        self._close_filter(clear=True)

    def _close_filter(self, clear: bool) -> None:
        if clear:
            self.filter = CardFilter("")
        for bar in self.query("#filter-bar"):
            field = bar.query_one("#filter-input", Input)
            if clear:
                field.value = ""
            bar.display = bool(self.filter.text)
            field.disabled = True
        self.set_focus(None)
        self.refresh_view()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter-input":
            self.filter = CardFilter(event.value)
            self.refresh_view()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter-input":
            self._close_filter(clear=False)

    def on_key(self, event: Any) -> None:
        focused = self.focused
        if event.key == "escape" and focused is not None and focused.id == "filter-input":
            event.stop()
            self._close_filter(clear=True)
