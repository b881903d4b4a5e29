"""Close the active sprint: the report it will store, and where its open cards go.

The preview is :func:`core.reports.sprints.close_report` as it stands now (committed,
completed, added, removed, not completed, each with its cards and points).  The person
picks where the open cards go (the next planned sprint, the backlog, a new sprint); the
modal returns that choice (``next|backlog|new``) or None when cancelled.  The close itself
is the screen's job (through the write queue, so it is undoable).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...core.model import Doc, Sprint
from ...core.text import display
from .base import PmoModal

PARTS = (
    ("committed", "Committed"),
    ("completed", "Completed"),
    ("added", "Added"),
    ("removed", "Removed"),
    ("not_completed", "Not completed"),
)


TITLED = 12  # parts with up to this many cards list their titles; longer ones keys only
CARD_ORDER = ("not_completed", "completed", "added", "removed", "committed")


def report_text(report: Mapping[str, Any], titles: Mapping[str, str], width: int = 44) -> Text:
    """The report: one line per part (points, card count), then each part's cards (the
    open ones first: they are what the close decides about), with titles when few."""
    text = Text()
    labels = dict(PARTS)
    for name, label in PARTS:
        part = report.get(name) or {}
        count = len(part.get("cards") or [])
        cards = f"{count} card{'s' if count != 1 else ''}"
        text.append(f"{label:<14}", "bold")
        text.append(f"{part.get('points') or 0:>4} pt  {cards:>8}\n")
    for name in CARD_ORDER:
        keys = [str(k) for k in (report.get(name) or {}).get("cards") or []]
        if not keys:
            continue
        text.append(f"\n{labels[name]}", "bold underline")
        if name != "committed" and len(keys) <= TITLED:
            for key in keys:
                text.append(f"\n  {display(key)} ", "bold")
                text.append(display(titles.get(key, "")))
        else:
            shown = " ".join(display(k) for k in keys)
            for line in textwrap.wrap(shown, max(20, width - 2)):
                text.append(f"\n  {line}")  # not "dim": a blend no theme checks
    text.rstrip()
    return text


class CloseSprintScreen(PmoModal[str | None]):
    HELP_TITLE = "Close sprint"
    BINDINGS = [
        Binding(
            "escape", "cancel", "Cancel", id="close_sprint.cancel", tooltip="Keep the sprint open"
        ),
        # priority: the focused option list would take page up/down for itself; at 80x24
        # the report is taller than the dialog and these are the keys that scroll it.
        Binding(
            "pagedown",
            "scroll_report(1)",
            "More",
            id="close_sprint.page_down",
            priority=True,
            tooltip="Scroll the report down",
        ),
        Binding(
            "pageup",
            "scroll_report(-1)",
            "Scroll up",
            id="close_sprint.page_up",
            priority=True,
            show=False,
            tooltip="Scroll the report up",
        ),
    ]

    def __init__(
        self,
        sprint: Sprint,
        report: Doc,
        titles: Mapping[str, str],
        *,
        next_planned: Sprint | None,
        new_name: str,
    ) -> None:
        super().__init__()
        self.sprint = sprint
        self.report = report
        self.titles = titles
        self.next_planned = next_planned
        self.new_name = new_name

    @property
    def open_cards(self) -> list[str]:
        part = self.report.get("not_completed") or {}
        return [str(k) for k in part.get("cards") or []]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog close-sprint"):
            yield Static(
                f"Close {display(self.sprint.name)}: its report", classes="dialog-title",
                markup=False,
            )  # fmt: skip
            with VerticalScroll(id="close-report", can_focus=False):
                yield Static(report_text(self.report, self.titles), id="close-report-text")
            n = len(self.open_cards)
            points = (self.report.get("not_completed") or {}).get("points") or 0
            question = (
                f"Where do the {n} open card{'s' if n != 1 else ''} ({points} pt) go?"
                if n
                else "No open cards. After closing:"
            )
            yield Static(question, id="close-question", markup=False)
            yield OptionList(*self._options(), id="close-where")
            yield Static("j k / ↑ ↓: choose   enter: close the sprint   escape: cancel",
                         classes="hint")  # fmt: skip

    def _options(self) -> list[Option]:
        nxt = self.next_planned
        if nxt is not None:
            label = Text.assemble("Next planned sprint: ", (display(nxt.name), "bold"))
            next_option = Option(label, id="next")
        else:
            label = Text("Next planned sprint: none planned")
            next_option = Option(label, id="next", disabled=bool(self.open_cards))
        return [
            next_option,
            Option(Text("The backlog"), id="backlog"),
            Option(Text.assemble("A new sprint: ", (display(self.new_name), "bold")), id="new"),
        ]

    def on_mount(self) -> None:
        where = self.query_one(OptionList)
        where.highlighted = 0 if self.next_planned is not None or not self.open_cards else 1
        where.focus()

    def on_key(self, event: Any) -> None:
        # j / k as everywhere else in pmo (OptionList binds the arrows only).
        if event.key in ("j", "k"):
            event.stop()
            where = self.query_one(OptionList)
            if event.key == "j":
                where.action_cursor_down()
            else:
                where.action_cursor_up()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_scroll_report(self, step: int) -> None:
        report = self.query_one("#close-report", VerticalScroll)
        if step > 0:
            report.scroll_page_down(animate=False)
        else:
            report.scroll_page_up(animate=False)

    def action_cancel(self) -> None:
        self.dismiss(None)
