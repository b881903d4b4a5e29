"""A one-line prompt with validation (e.g. story points)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from .base import PmoModal


class PromptScreen(PmoModal[Any]):
    """Asks for one value; ``check`` turns the text into a value or raises ValueError."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel", tooltip="Close, change nothing")
    ]

    def __init__(self, title: str, value: str, check: Callable[[str], Any], hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.check = check
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, markup=False, classes="dialog-title")
            yield Input(self.value, id="prompt-input", select_on_focus=True)
            yield Static("", id="prompt-error", classes="field-error", markup=False)
            yield Static(self.hint or "enter: save    escape: cancel", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            value = self.check(event.value)
        except ValueError as exc:
            error = self.query_one("#prompt-error", Static)
            error.update(str(exc))
            error.add_class("shown")
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
