"""The backlog (key 2): the open cards outside the active sprint, planned sprint by planned
sprint, then the backlog proper, each in rank order with its points.

One virtual list (``BacklogList``) holds the group headers and a line per card, so 5,000
cards draw as fast as five.  The cursor is a card key: it stays on its card when the data
is redrawn (a write saved, another process's change read back).  Every change goes through
the app's session (``app.submit``): drawn at once, saved on the writer thread, undoable.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from ...core.change import Change
from ...core.errors import UseCaseError
from ...core.model import Card, Doc, Sprint
from ...core.text import display
from ...core.usecases import cards as card_cases
from ...core.usecases import sprints as sprint_cases
from ...core.usecases import timers as timer_cases
from ..editing import ask_points
from ..filtering import CardFilter, FilterBar
from ..messages import DataChanged
from ..widgets.backlog_list import BacklogList, Group, Row
from ..widgets.header import PmoHeader
from ..widgets.keybar import KeyBar

if TYPE_CHECKING:
    from ..app import PmoApp
    from ..modals.card_form import CardFormResult


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


class BacklogScreen(FilterBar, Screen[None]):
    """Planned sprints and the backlog, one line per card."""

    HELP_TITLE = "Backlog"
    AUTO_FOCUS = None  # keys go to the screen; the filter field takes focus only on `/`
    STOP_FILTER_SUBMIT = True  # enter in the filter field goes no further than this screen
    BINDINGS = [
        Binding("j,down", "cursor(1)", "Down", id="backlog.down", show=False, tooltip="Next card"),
        Binding("k,up", "cursor(-1)", "Up", id="backlog.up", show=False, tooltip="Previous card"),
        Binding("g,home", "first", "First", id="backlog.first", show=False, tooltip="First card"),
        Binding("G,end", "last", "Last", id="backlog.last", show=False, tooltip="Last card"),
        Binding(
            "pagedown",
            "page(1)",
            "Page down",
            id="backlog.page_down",
            show=False,
            tooltip="A screenful of cards down",
        ),
        Binding(
            "pageup",
            "page(-1)",
            "Page up",
            id="backlog.page_up",
            show=False,
            tooltip="A screenful of cards up",
        ),
        Binding(
            "J,shift+down",
            "reorder(1)",
            "Rank down",
            id="backlog.rank_down",
            show=False,
            tooltip="Move the card down in its group (past the next card shown)",
        ),
        Binding(
            "K,shift+up",
            "reorder(-1)",
            "Rank up",
            id="backlog.rank_up",
            show=False,
            tooltip="Move the card up in its group (past the previous card shown)",
        ),
        Binding(
            "space", "select", "Select", id="backlog.select", tooltip="Select / unselect the card"
        ),
        Binding(
            "s",
            "send",
            "To sprint",
            id="backlog.send",
            tooltip="Send the selected cards (or this one) to a sprint",
        ),
        Binding("n", "new", "New", id="backlog.new", tooltip="New card in the backlog"),
        Binding("e", "edit", "Edit", id="backlog.edit", tooltip="Edit the card"),
        Binding("enter", "open", "Open", id="backlog.open", show=False, tooltip="Open the card"),
        Binding(
            "x", "archive", "Archive", id="backlog.archive", tooltip="Archive the card (u undoes)"
        ),
        Binding("p", "points", "Points", id="backlog.points", show=False, tooltip="Set points"),
        Binding("t", "timer", "Timer", id="backlog.timer", show=False, tooltip="Start/stop timer"),
        Binding(
            "slash",
            "filter",
            "Filter",
            id="backlog.filter",
            tooltip="Filter: text, @user, #tag, is:mine, is:overdue",
        ),
        Binding(
            "escape",
            "clear_filter",
            "Clear",
            id="backlog.clear_filter",
            show=False,
            tooltip="Clear the filter, then the selection",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.cursor_key: str | None = None
        self.row_hint = 0  # where the cursor was, for when its card disappears
        self.selected: set[str] = set()
        self.filter = CardFilter("")
        self.groups: list[Group] = []
        self.rows: list[Row] = []
        self.index: dict[str, int] = {}  # card key -> row
        self.total = 0  # open cards outside the active sprint, filter or not

    @property
    def pmo(self) -> PmoApp:
        return self.app  # type: ignore[return-value]

    @property
    def mode_label(self) -> str:
        """Shown in the header (PmoHeader reads it)."""
        label = "backlog"
        if self.selected:
            label += f" · {len(self.selected)} selected"
        return label

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield PmoHeader()
        yield Static("", id="backlog-summary", markup=False)
        yield BacklogList(id="backlog-list")
        yield KeyBar()

    def on_mount(self) -> None:
        self.pmo.data_changed.subscribe(self, self._data_changed, immediate=True)
        self.call_later(self.refresh_view)

    def on_screen_resume(self) -> None:
        # Back from another mode or a modal: the data may have changed meanwhile.
        self.refresh_view()

    @property
    def backlog_list(self) -> BacklogList:
        return self.query_one(BacklogList)

    def _data_changed(self, change: DataChanged) -> None:
        try:
            if change.project_switched:
                self.cursor_key, self.row_hint = None, 0
                self.selected.clear()
            if change.focus:
                self.cursor_key = change.focus
            self.refresh_view()
        except Exception as exc:  # a Signal would log and swallow it: let it surface
            self.app._handle_exception(exc)

    # -------------------------------------------------------------------- data
    def _groups(self) -> tuple[list[Group], int]:
        """Planned sprints by start date, then the backlog; open cards in rank order."""
        board = self.pmo.board
        project = board.project()
        done = {c.id for c in project.columns if c.role == "done"}
        sprints = board.sprints()
        planned = sorted(
            (sp for sp in sprints if sp.state == "planned"),
            key=lambda sp: (sp.start or date.max, sp.id),
        )
        by_id: dict[int, Group] = {sp.id: Group(sp) for sp in planned}
        backlog = Group(None)
        active = {sp.id for sp in sprints if sp.state == "active"}
        today = self.pmo.now().astimezone().date()
        total = 0
        for doc in self.pmo.view_cards():
            if doc.get("status") in done:
                continue
            sid = doc.get("sprint")
            if sid in active:
                continue
            # A card of a closed or unknown sprint is not planned anywhere: the backlog.
            group = by_id.get(sid, backlog) if isinstance(sid, int) else backlog
            total += 1
            group.committed += int(doc.get("points") or 0)
            if self.filter.matches(doc, self.pmo.user, today):
                group.cards.append(doc)
        return [*by_id.values(), backlog], total

    def refresh_view(self) -> None:
        """Rebuild the rows from the app's view of the data, keeping the cursor's card."""
        if not self.is_mounted:
            return
        self.groups, self.total = self._groups()
        rows: list[Row] = []
        index: dict[str, int] = {}
        for group in self.groups:
            rows.append(Row(group))
            for doc in group.cards:
                index[str(doc["key"])] = len(rows)
                rows.append(Row(group, doc))
        self.rows, self.index = rows, index
        # Selected cards that left the view for good (archived, sent to the active sprint,
        # done) are no longer selected; a card only hidden by the filter stays selected.
        if self.selected:
            open_keys = {str(d["key"]) for g in self._all_open() for d in g}
            self.selected &= open_keys
        self._place_cursor()
        running = self.pmo.running_timer()
        self.backlog_list.set_rows(
            rows,
            self.index.get(self.cursor_key or ""),
            frozenset(self.selected),
            running.card if running else None,
        )
        self._after_cursor()
        self._summary()

    def _all_open(self) -> list[list[Doc]]:
        if not self.filter.text:
            return [g.cards for g in self.groups]
        saved, self.filter = self.filter, CardFilter("")
        try:
            return [g.cards for g in self._groups()[0]]
        finally:
            self.filter = saved

    def _place_cursor(self) -> None:
        if self.cursor_key in self.index:
            self.row_hint = self.index[self.cursor_key or ""]
            return
        card_rows = [i for i, r in enumerate(self.rows) if r.card is not None]
        if not card_rows:
            self.cursor_key = None
            return
        # The card is gone: the card row now nearest to where it was.
        near = min(card_rows, key=lambda i: (abs(i - self.row_hint), i))
        self.cursor_key = str(self.rows[near].card["key"])  # type: ignore[index]
        self.row_hint = near

    def _summary(self) -> None:
        shown = sum(len(g.cards) for g in self.groups)
        parts = [f"{_plural(self.total, 'open card')} outside the active sprint"]
        if self.filter.text:
            parts.append(f"{shown} match{'es' if shown != 1 else ''} /{self.filter.text}")
        if self.selected:
            parts.append(f"{len(self.selected)} selected: s sends, escape clears")
        elif not self.total:
            parts.append("nothing planned: n adds a card")
        self.query_one("#backlog-summary", Static).update(display(" · ".join(parts)))
        if self.query("#filter-count"):
            self.query_one("#filter-count", Static).update(
                f"{shown} match{'es' if shown != 1 else ''}"
            )
        self.query_one(PmoHeader).update_now()

    def _after_cursor(self) -> None:
        self.backlog_list.scroll_to_cursor()

    # ------------------------------------------------------------------ cursor
    def current_card(self) -> Doc | None:
        row = self.index.get(self.cursor_key or "")
        return None if row is None else self.rows[row].card

    def _card_rows(self) -> list[int]:
        return [i for i, r in enumerate(self.rows) if r.card is not None]

    def _go_row(self, row: int) -> None:
        doc = self.rows[row].card
        if doc is None:
            return
        self.cursor_key = str(doc["key"])
        self.row_hint = row
        self.backlog_list.set_cursor(row)
        self._after_cursor()

    def _step(self, step: int) -> None:
        """``step`` cards down (up if negative), skipping group headers."""
        if not self.index:
            return
        row = self.index.get(self.cursor_key or "", self.row_hint)
        direction = 1 if step > 0 else -1
        remaining = abs(step)
        target = row
        i = row
        while remaining and 0 <= i + direction < len(self.rows):
            i += direction
            if self.rows[i].card is not None:
                target = i
                remaining -= 1
        self._go_row(target)

    def action_cursor(self, step: int) -> None:
        self._step(step)

    def action_page(self, step: int) -> None:
        self._step(step * self.backlog_list.page)

    def action_first(self) -> None:
        rows = self._card_rows()
        if rows:
            self._go_row(rows[0])

    def action_last(self) -> None:
        rows = self._card_rows()
        if rows:
            self._go_row(rows[-1])

    def go_to_card(self, key: str) -> None:
        """The palette's "Go to card": the cursor to it, clearing a filter that hides it;
        a card that is not in the backlog (active sprint, done, archived) is said so."""
        if key not in self.index and self.filter.text:
            self._close_filter(clear=True)
        row = self.index.get(key)
        if row is None:
            self.notify(
                f"{key} is not in the backlog (active sprint, done or archived): 1 shows the board",
                severity="warning",
                timeout=5,
            )
            return
        self._go_row(row)

    def _need_card(self) -> Doc | None:
        card = self.current_card()
        if card is None:
            self.notify("No card here: n adds one", severity="warning", timeout=2)
        return card

    # ----------------------------------------------------------------- actions
    def action_select(self) -> None:
        card = self._need_card()
        if card is None:
            return
        key = str(card["key"])
        if key in self.selected:
            self.selected.discard(key)
        else:
            self.selected.add(key)
        shown = self.backlog_list
        shown.set_rows(self.rows, shown.cursor, frozenset(self.selected), shown.timer_card)
        self._summary()
        self._step(1)  # like a file manager: select, move on

    def action_reorder(self, step: int) -> None:
        card = self._need_card()
        if card is None:
            return
        key = str(card["key"])
        row = self.index[key]
        group = self.rows[row].group
        visible = [str(d["key"]) for d in group.cards]  # the neighbours shown, not hidden ones
        i = visible.index(key)
        if not 0 <= i + step < len(visible):
            where = "first" if step < 0 else "last"
            self.notify(f"{key} is already {where} in its group", timeout=2)
            return
        session = self.pmo.board.session
        try:
            preview = card_cases.preview_reorder_in(session, key, visible, step)
        except UseCaseError as exc:
            self.notify(str(exc), severity="warning")
            return
        self.pmo.submit(
            f"reorder {key}",
            lambda: card_cases.reorder_in(session, key, visible, step),
            local=list(preview.items()),
        )

    def _targets(self) -> list[str]:
        """The selected cards in list order (hidden-by-filter ones last), or the cursor's."""
        if self.selected:
            order = {k: i for i, k in enumerate(self.index)}
            return sorted(self.selected, key=lambda k: (order.get(k, len(order)), k))
        card = self.current_card()
        return [] if card is None else [str(card["key"])]

    def action_send(self) -> None:
        keys = self._targets()
        if not keys:
            self.notify("No card here: n adds one", severity="warning", timeout=2)
            return
        board = self.pmo.board
        session = board.session
        # Planned sprints first (planning is what the backlog is for: the next one is
        # highlighted), then the active one (scope added after its start).
        sprints = sorted(
            (sp for sp in board.sprints() if sp.state == "planned"),
            key=lambda sp: (sp.start or date.max, sp.id),
        )
        sprints += [sp for sp in board.sprints() if sp.state == "active"]
        defaults = sprint_cases.sprint_defaults(session, work_days=self._work_days())
        what = keys[0] if len(keys) == 1 else _plural(len(keys), "card")
        from ..modals.sprint_picker import NEW_SPRINT, SprintPicker

        def chosen(choice: str | None) -> None:
            if choice is None:
                return
            self.selected.clear()
            if choice == NEW_SPRINT:
                self._send_to_new(keys, what)
                return
            sprint = next(sp for sp in sprints if str(sp.id) == choice)
            self._send_to(sprint, keys, what)

        self.app.push_screen(
            SprintPicker(f"Send {what} to", sprints, str(defaults["name"])), chosen
        )

    def _work_days(self) -> tuple[int, ...]:
        config = self.pmo.config
        return tuple(config.work_days) if config else (0, 1, 2, 3, 4)

    def _send_to(self, sprint: Sprint, keys: list[str], what: str) -> None:
        session = self.pmo.board.session
        name = display(sprint.name)
        hidden = "; it leaves the backlog for the board" if sprint.state == "active" else ""
        self.pmo.submit(
            f"send {what} to {name}",
            lambda: sprint_cases.add_to_sprint(session, str(sprint.id), keys),
            local=[(k, {"sprint": sprint.id}) for k in keys],
            announce=f"Sent {what} to {name}{hidden} (u undoes)",
        )

    def _send_to_new(self, keys: list[str], what: str) -> None:
        session = self.pmo.board.session
        work_days = self._work_days()

        def run() -> Change:
            # One change (one undo): plan the sprint with its defaults, then fill it.
            with session.storage.transaction():
                made = sprint_cases.new_sprint(session, work_days=work_days)
                after = made.patches[0].after or {}
                added = sprint_cases.add_to_sprint(session, str(after["id"]), keys)
            return Change(
                f"plan {after['name']} with {what}",
                made.patches + added.patches,
                [f"Planned {after['name']} ({after['start']} – {after['end']}) and sent "
                 f"{what} to it (u undoes)", *added.notes],
                added.key,
            )  # fmt: skip

        self.pmo.submit(f"plan a new sprint with {what}", run)

    def action_new(self) -> None:
        columns = list(self.pmo.board.project().columns)
        open_columns = [c for c in columns if c.role != "done"] or columns

        def done(result: CardFormResult | None) -> None:
            if result is None:
                return
            fields = dict(result.fields)
            status = fields.pop("status", open_columns[0].id)
            title = fields.pop("title")
            self.pmo.submit(
                "add card",
                lambda: self.pmo.board.add_card(title, status=status, sprint=None, **fields),
                focus=True,
                announce=f"Added {display(title)} to the backlog (u undoes)",
            )

        from ..modals.card_form import CardForm

        self.app.push_screen(
            CardForm(open_columns, status=open_columns[0].id, hours_per_day=self.pmo.hours_per_day),
            done,
        )

    def action_edit(self) -> None:
        card = self._need_card()
        if card is None:
            return
        key = str(card["key"])
        opened_at = card.get("updated")
        columns = list(self.pmo.board.project().columns)

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
                announce=f"Saved {key} (u undoes)",
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
            CardForm(columns, card=Card.from_doc(card), hours_per_day=self.pmo.hours_per_day),
            done,
        )

    def action_open(self) -> None:
        card = self._need_card()
        if card is not None:
            self.pmo.open_card(str(card["key"]))

    def _on_card(
        self,
        label: str,
        run: Callable[[str], Change],
        fields: Doc | None,
        announce: str | None,
    ) -> None:
        card = self._need_card()
        if card is None:
            return
        key = str(card["key"])
        self.pmo.submit(
            f"{label} {key}",
            lambda: run(key),
            local=[(key, fields)] if fields else None,
            announce=announce,
        )

    def action_archive(self) -> None:
        card = self.current_card()
        key = card["key"] if card else ""
        self.selected.discard(str(key))
        self._on_card(
            "archive",
            lambda k: card_cases.archive(self.pmo.board.session, k),
            {"archived": True},
            f"Archived {key} (u undoes)",
        )

    def action_timer(self) -> None:
        card = self.current_card()
        if card is None:
            self._need_card()
            return
        key = str(card["key"])
        running = self.pmo.running_timer()
        said = (
            f"Stopped the timer on {key}"
            if running is not None and running.card == key
            else f"Timer running on {key}"
            + (f" (stopped the one on {running.card})" if running is not None else "")
        )
        self._on_card(
            "timer on",
            lambda k: timer_cases.toggle_timer(self.pmo.board.session, k),
            None,
            said + " (u undoes)",
        )

    def action_points(self) -> None:
        card = self._need_card()
        if card is None:
            return
        key = str(card["key"])

        def done(points: int | None) -> None:
            said = f"{key}: {points} pt" if points is not None else f"{key}: points cleared"
            self.pmo.submit(
                f"points of {key}",
                lambda: card_cases.set_points(self.pmo.board.session, key, points),
                local=[(key, {"points": points})],
                announce=said + " (u undoes)",
            )

        ask_points(self.app, key, card, done)

    # ------------------------------------------------------------------ filter
    def action_clear_filter(self) -> None:
        if not self.filter.text and self.selected:
            count = len(self.selected)
            self.selected.clear()
            self.notify(f"Unselected {_plural(count, 'card')}", timeout=2)
            self.refresh_view()
            return
        super().action_clear_filter()
