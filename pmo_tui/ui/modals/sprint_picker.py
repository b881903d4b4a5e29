"""Choose the sprint to send backlog cards to: the planned and active sprints, or a new one.

Returns the sprint's id as text, ``NEW_SPRINT`` for "new sprint...", or None (cancelled).
Sprint names are user text: each option is a ``Text`` (never markup).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...core.model import Sprint
from ...core.text import display
from .base import PmoModal

NEW_SPRINT = "new"


def sprint_label(sprint: Sprint) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(display(sprint.name), "bold")
    text.append(f"  {sprint.state}")
    if sprint.start and sprint.end:
        text.append(f"  {sprint.start:%b %d} – {sprint.end:%b %d}")
    if sprint.capacity is not None:
        text.append(f"  capacity {sprint.capacity} pt")
    return text


class SprintPicker(PmoModal[str | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel", tooltip="Close, send nothing"),
        Binding("j", "move(1)", "Down", id="picker.down", show=False, tooltip="Next sprint"),
        Binding("k", "move(-1)", "Up", id="picker.up", show=False, tooltip="Previous sprint"),
    ]

    def __init__(self, title: str, sprints: list[Sprint], new_name: str) -> None:
        super().__init__()
        self.title_text = title
        self.sprints = sprints
        self.new_name = new_name

    def compose(self) -> ComposeResult:
        options = [Option(sprint_label(sp), id=str(sp.id)) for sp in self.sprints]
        options.append(
            Option(Text(f"new sprint... ({display(self.new_name)}, default dates)"), id=NEW_SPRINT)
        )
        with Vertical(classes="dialog picker"):
            yield Static(self.title_text, markup=False, classes="dialog-title")
            yield OptionList(*options, id="sprint-options")
            yield Static("j/k or arrows: choose   enter: send   escape: cancel", classes="hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        options.action_cursor_down() if step > 0 else options.action_cursor_up()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
