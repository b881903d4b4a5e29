"""The timesheet's forms: log an entry (card picker with search, date, duration or from/to,
note), edit an entry (start, end, note), and a pick-one list (whose time, which entry).

The forms hold no rules: ``check`` (given by the screen) turns the raw texts into what the
use case takes, asking the core's own checks, and raises :class:`FieldError` to say what
is wrong under the field concerned; nothing is saved until it passes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ...core.text import display
from .base import PmoModal

MAX_MATCHES = 50  # the card list shows the first matches; typing narrows it


class FieldError(Exception):
    """A value the form must show under ``field`` (``card``, ``when``, ``start``...)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _row(label: str, *widgets: Any) -> Horizontal:
    return Horizontal(Label(label, classes="entry-label"), *widgets, classes="entry-row")


class _Form(PmoModal[Any]):
    """Shared: enter saves from any field, escape closes, errors under their field."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="entry.save", tooltip="Save the entry"),
        Binding("escape", "cancel", "Cancel", id="entry.cancel", tooltip="Close, change nothing"),
    ]
    FIELDS: tuple[str, ...] = ()
    ERRORS: tuple[str, ...] = ()

    def __init__(self, check: Callable[[dict[str, str]], Any]) -> None:
        super().__init__()
        self.check = check

    def values(self) -> dict[str, str]:
        return {name: self.query_one(f"#f-{name}", Input).value for name in self.FIELDS}

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def show_error(self, field: str, message: str) -> None:
        for name in self.ERRORS:
            error = self.query_one(f"#e-{name}", Static)
            error.update(message if name == field else "")
            error.set_class(name == field, "shown")

    def action_save(self) -> None:
        try:
            result = self.check(self.values())
        except FieldError as exc:
            self.show_error(exc.field, exc.message)
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)


class LogEntryForm(_Form):
    """``n``: log time on a card."""

    BINDINGS = [
        *_Form.BINDINGS,
        Binding(
            "down",
            "pick(1)",
            "Next card",
            id="entry.card_down",
            show=False,
            tooltip="Next card in the list",
        ),
        Binding(
            "up",
            "pick(-1)",
            "Previous card",
            id="entry.card_up",
            show=False,
            tooltip="Previous card in the list",
        ),
    ]
    FIELDS = ("card", "date", "duration", "from", "to", "note")
    ERRORS = ("card", "when", "note")

    def __init__(
        self,
        cards: Sequence[tuple[str, str]],
        *,
        card: str | None,
        day: str,
        check: Callable[[dict[str, str]], Any],
    ) -> None:
        super().__init__(check)
        self.cards = list(cards)  # (key, title) as stored
        self.chosen = card
        self.day = day

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog entry-form"):
            yield Static("Log time", classes="dialog-title")
            yield _row("Card", Input(placeholder="search key or title", id="f-card"))
            options = OptionList(id="card-list")
            options.can_focus = False
            yield options
            yield Static("", id="e-card", classes="field-error")
            yield _row("Date", Input(self.day, id="f-date", select_on_focus=True))
            yield _row(
                "Duration",
                Input(placeholder="1h30", id="f-duration"),
                Label(" or ", classes="entry-or"),
                Input(placeholder="from 09:00", id="f-from"),
                Input(placeholder="to 10:30", id="f-to"),
            )
            yield Static("", id="e-when", classes="field-error")
            yield _row("Note", Input(id="f-note"))
            yield Static("", id="e-note", classes="field-error")
            yield Static(
                "↑↓ card · enter or ctrl+s: save · escape: cancel", classes="hint entry-hint"
            )

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#f-duration", Input).focus()

    def _fill(self, text: str) -> None:
        needle = text.strip().lower()
        shown: list[Option] = []
        highlight = 0
        for key, title in self.cards:
            if needle and needle not in key.lower() and needle not in title.lower():
                continue
            if key == self.chosen and not needle:
                highlight = len(shown)
            label = Text(no_wrap=True, overflow="ellipsis")
            label.append(display(key), "bold")
            label.append("  " + display(title))
            shown.append(Option(label, id=key))
            if len(shown) >= MAX_MATCHES:
                break
        options = self.query_one("#card-list", OptionList)
        options.clear_options()
        options.add_options(shown)
        if shown:
            options.highlighted = highlight

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "f-card":
            self._fill(event.value)

    def action_pick(self, step: int) -> None:
        options = self.query_one("#card-list", OptionList)
        if options.option_count:
            now = options.highlighted or 0
            options.highlighted = max(0, min(options.option_count - 1, now + step))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_save()

    def values(self) -> dict[str, str]:
        out = super().values()
        options = self.query_one("#card-list", OptionList)
        index = options.highlighted
        out["card"] = ""
        if index is not None and options.option_count:
            out["card"] = str(options.get_option_at_index(index).id)
        return out


class EditEntryForm(_Form):
    """``e``: change an entry's start, end and note."""

    FIELDS = ("start", "end", "note")
    ERRORS = ("start", "end", "note")

    def __init__(
        self,
        title: str,
        *,
        start: str,
        end: str,
        note: str,
        check: Callable[[dict[str, str]], Any],
    ) -> None:
        super().__init__(check)
        self.title_text = title
        self.start, self.end, self.note = start, end, note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog entry-form"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield _row("Start", Input(self.start, id="f-start"))
            yield Static("", id="e-start", classes="field-error")
            yield _row("End", Input(self.end, id="f-end", placeholder="running"))
            yield Static("", id="e-end", classes="field-error")
            yield _row("Note", Input(self.note, id="f-note"))
            yield Static("", id="e-note", classes="field-error")
            yield Static("enter or ctrl+s: save · escape: cancel", classes="hint entry-hint")

    def on_mount(self) -> None:
        self.query_one("#f-end", Input).focus()


class PickScreen(PmoModal[str | None]):
    """Choose one of a few things (a user, an entry); enter picks, escape closes."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="pick.cancel", tooltip="Close, choose nothing")
    ]

    def __init__(self, title: str, options: Sequence[tuple[str, Text]]) -> None:
        super().__init__()
        self.title_text = title
        self.options = list(options)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog entry-pick"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield OptionList(*(Option(label, id=ident) for ident, label in self.options))
            yield Static("enter: choose · escape: cancel", classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
