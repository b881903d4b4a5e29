"""The board filter: free text over key, title and tags, plus @user, #tag, is:mine,
is:overdue.  Every term must match.

`FilterBar` is the `/` filter bar the board and the backlog share: made on first use,
hidden when empty, escape in the field clears it, enter keeps it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from textual.containers import Horizontal
from textual.widgets import Input, Static

from .widgets.keybar import KeyBar

if TYPE_CHECKING:
    from textual.screen import Screen

    _ScreenBase = Screen[None]
else:
    _ScreenBase = object


class CardFilter:
    def __init__(self, text: str) -> None:
        self.text = text.strip()
        self.words: list[str] = []
        self.users: list[str] = []
        self.tags: list[str] = []
        self.mine = False
        self.overdue = False
        for term in self.text.casefold().split():
            if term.startswith("@") and len(term) > 1:
                self.users.append(term[1:])
            elif term.startswith("#") and len(term) > 1:
                self.tags.append(term[1:])
            elif term == "is:mine":
                self.mine = True
            elif term == "is:overdue":
                self.overdue = True
            else:
                self.words.append(term)

    def matches(self, doc: dict[str, Any], me: str, today: date) -> bool:
        if not self.text:
            return True
        tags = [str(t).casefold() for t in doc.get("tags") or []]
        assignee = str(doc.get("assignee") or "").casefold()
        if self.mine and assignee != me.casefold():
            return False
        if any(u != assignee for u in self.users):
            return False
        if any(t not in tags for t in self.tags):
            return False
        if self.overdue:
            due = doc.get("due")
            if not due or str(due) >= today.isoformat() or doc.get("done"):
                return False
        if self.words:
            hay = " ".join(
                [str(doc.get("key", "")), str(doc.get("title", "")), *("#" + t for t in tags)]
            ).casefold()
            return all(w in hay for w in self.words)
        return True


class FilterBar(_ScreenBase):
    """Mixin for a screen with a `/` filter bar over `self.filter`; the screen supplies
    `refresh_view()` and a `KeyBar` to mount the bar above.  Hooks: override
    `action_clear_filter` to do something first; set `STOP_FILTER_SUBMIT` to keep the
    field's enter from bubbling."""

    filter: CardFilter
    STOP_FILTER_SUBMIT = False

    if TYPE_CHECKING:

        def refresh_view(self) -> None: ...

    async def _filter_bar(self) -> Horizontal:
        """The filter bar, made on first use (it is not needed to paint the screen)."""
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
            if self.STOP_FILTER_SUBMIT:
                event.stop()
            self._close_filter(clear=False)

    def on_key(self, event: Any) -> None:
        focused = self.focused
        if event.key == "escape" and focused is not None and focused.id == "filter-input":
            event.stop()
            self._close_filter(clear=True)
