"""The board: one column per workflow column, keyboard first.

The screen draws from the app's view of the data (the committed snapshot with the changes
still being written laid over it), so a key press redraws at once and the write happens on
the writer thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Static

from ...core.change import Change
from ...core.errors import UseCaseError
from ...core.model import Column, Doc
from ...core.reports.wip import over_wip, wip_counts
from ...core.text import display
from ...core.usecases import preview as previews
from ...core.usecases.preview import Preview
from ...core.usecases.session import Session
from ..editing import ask_points, edit_card
from ..filtering import CardFilter, FilterBar
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
        over = over_wip(in_column, col.wip)
        count = (
            f"{in_column}/{col.wip}" + ("!" if over else "")
            if col.wip is not None
            else f"{in_column}"
        )
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


class BoardScreen(FilterBar, Screen[None]):
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
        Binding("e", "edit", "Edit", id="board.edit", tooltip="Edit the card"),
        Binding("enter", "open", "Open", id="board.open", show=False, tooltip="The card's detail"),
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

    @property
    def use_cases(self) -> Session:
        """The session the use cases and their previews run in."""
        return self.pmo.board.session

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

    _drawn_for: Size | None = None  # the screen size the board was last drawn for

    def on_resize(self) -> None:
        # Textual sends the same size more than once as the app starts: each redraw scans
        # the project's cards (~6-13 ms at 10k cards), so one per size is enough.
        if self.size == self._drawn_for:
            return
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
        self._drawn_for = self.size
        board = self.pmo.board
        docs = self.pmo.view_cards()
        sprint = board.active_sprint()
        show_all = self.showing_all
        today = self.pmo.now().astimezone().date()
        by_col: dict[str, list[Doc]] = {c.id: [] for c in self.columns}
        in_column = wip_counts(docs)  # what the WIP limit counts, whatever is shown
        matches = 0
        for doc in docs:
            if not show_all and (sprint is None or doc.get("sprint") != sprint.id):
                continue
            if not self.filter.matches(doc, self.pmo.user, today):
                continue
            matches += 1
            by_col.setdefault(str(doc.get("status")), []).append(doc)
        self.view = by_col
        self._place_cursor()
        self._show_columns(views)
        running = self.pmo.running_timer()
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

    def _preview(self, decide: Callable[[Doc], Preview | None]) -> Preview | None:
        """The cursor card's change as its use case decides it (on the card as shown, with
        the changes still being saved laid over); a refusal is said, not raised."""
        card = self._need_card()
        if card is None:
            return None
        try:
            return decide(card)
        except UseCaseError as exc:
            text = str(exc)
            self.notify(text[:1].upper() + text[1:], severity="warning", timeout=4)
            return None

    def _submit(self, preview: Preview, run: Callable[[], Change], announce: str | None) -> None:
        """Draw the preview's fields at once; the writer commits the use case, which decides
        again under the lock (where the data changed meanwhile, what it saves is shown)."""
        self.pmo.submit(
            preview.label,
            run,
            local=preview.local(),
            announce=announce,
            covered=tuple(preview.covers) if announce else (),
        )

    def action_move(self, step: int) -> None:
        s = self.use_cases
        preview = self._preview(lambda card: previews.preview_move_by(s, card, step))
        if preview is None or preview.empty:
            return
        key = preview.key
        target = preview.fields[key]["status"]
        self._submit(preview, lambda: self.pmo.board.move_card(key, target), None)

    def action_reorder(self, step: int) -> None:
        cards = self.current_cards  # past the shown neighbour, not a hidden one
        s = self.use_cases
        preview = self._preview(lambda card: previews.preview_reorder_in(s, card, cards, step))
        if preview is None:
            return
        key = preview.key
        visible = [str(d["key"]) for d in cards]
        self.row_hint = max(0, min(len(cards) - 1, (self._index_of(cards, key) or 0) + step))
        self._submit(preview, lambda: self.pmo.board.reorder_in(key, visible, step), None)

    def action_archive(self) -> None:
        preview = self._preview(lambda card: previews.preview_archive(self.use_cases, card))
        if preview is not None:
            key = preview.key
            run = lambda: self.pmo.board.archive(key)  # noqa: E731
            self._submit(preview, run, preview.sentence("u undoes"))

    def action_timer(self) -> None:
        card = self._need_card()
        if card is not None:
            key = str(card["key"])
            self.pmo.submit(f"timer on {key}", lambda: self.pmo.board.toggle_timer(key))

    def action_assign(self) -> None:
        # No question asked (one key, like archive): undo is the safety net, and taking a
        # teammate's card is said with their name.
        s = self.use_cases
        preview = self._preview(lambda card: previews.preview_toggle_assign(s, card))
        if preview is not None:
            key = preview.key
            run = lambda: self.pmo.board.toggle_assign(key)  # noqa: E731
            self._submit(preview, run, preview.sentence("u undoes"))

    def action_sprint(self) -> None:
        s = self.use_cases
        preview = self._preview(lambda card: previews.preview_toggle_sprint(s, card))
        if preview is None:
            return
        key = preview.key
        hidden = previews.leaves_sprint(preview) and not self.showing_all
        extra = ["hidden here, v shows all open cards"] if hidden else []
        run = lambda: self.pmo.board.toggle_sprint(key)  # noqa: E731
        self._submit(preview, run, preview.sentence(*extra, "u undoes"))

    def action_points(self) -> None:
        card = self._need_card()
        if card is None:
            return
        key = str(card["key"])

        def done(points: int | None) -> None:
            try:
                preview = previews.preview_set_points(self.use_cases, card, points)
            except UseCaseError as exc:
                self.notify(str(exc), severity="warning")
                return
            self._submit(preview, lambda: self.pmo.board.set_points(key, points), None)

        ask_points(self.app, key, card, done)

    def action_toggle_view(self) -> None:
        if self.showing_all and self.pmo.board.active_sprint() is None:
            # An empty sprint view would say nothing; say how to get a sprint instead.
            self.notify(
                "No active sprint: plan one on the Sprint screen (3) or `pmo sprint new`",
                timeout=5,
            )
            return
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
            # A card made on the sprint board belongs to the sprint: the use case says so.
            new = previews.preview_add_card(
                self.use_cases, status=status, sprint_view=not self.showing_all, after=after
            )
            self.pmo.submit(
                "add card",
                lambda: self.pmo.board.add_card(
                    fields.pop("title"),
                    status=new.status,
                    sprint=new.sprint,
                    after=after,
                    **fields,
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
        self.edit_card(str(doc["key"]))

    def edit_card(self, key: str) -> None:
        """Open the card form on ``key``; saving it asks first if a teammate saved the card
        since the form opened (compare-and-set on the card's version)."""
        edit_card(self.app, self.use_cases, key)

    def action_open(self) -> None:
        doc = self._need_card()
        if doc is not None:
            self.pmo.open_card(str(doc["key"]))
