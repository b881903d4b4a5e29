"""The card form: new card and edit card, validated field by field.

The form returns the fields as the use cases take them, or None when cancelled; an invalid
value is shown under its field and nothing is saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, Select, Static, TextArea

from ...core import parse
from ...core.errors import UseCaseError
from ...core.model import PRIORITIES, Card, Column
from ...core.usecases.validate import clean_line, clean_text
from .base import FormActions, PmoModal


@dataclass
class CardFormResult:
    fields: dict[str, Any]
    clear: set[str]


def _check(name: str, raw: str, hours_per_day: float) -> Any:
    """Validate one field; returns its value (None: empty) or raises ValueError."""
    text = raw.strip()
    try:
        if name == "title":
            value = clean_line(raw, "title")
            if not value:
                raise ValueError("a title is needed")
            return value
        if not text:
            return None
        if name == "points":
            return parse.parse_points(text)
        if name == "estimate":
            return parse.parse_duration(text, hours_per_day)
        if name == "due":
            return parse.parse_date(text)
        if name == "tags":
            tags: list[str] = []
            for part in text.replace(",", " ").split():
                tag = parse.parse_tag(part)
                if tag not in tags:
                    tags.append(tag)
            return tags
        if name == "assignee":
            return clean_line(text, "assignee", 64)
    except (parse.ParseError, UseCaseError) as exc:
        raise ValueError(str(exc)) from None
    return text


def _show_error(widget: Static, message: str) -> None:
    widget.update(message)
    widget.set_class(bool(message), "shown")


class CardForm(FormActions, PmoModal[CardFormResult | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form.save", tooltip="Save the card"),
        Binding("escape", "cancel", "Cancel", id="form.cancel", tooltip="Close without saving"),
    ]
    LINE_FIELDS = ("title", "points", "estimate", "tags", "assignee", "due")

    def __init__(
        self,
        columns: list[Column],
        card: Card | None = None,
        status: str | None = None,
        hours_per_day: float = 8.0,
    ) -> None:
        super().__init__()
        self.columns = columns
        self.card = card
        self.status = status or (card.status if card else columns[0].id)
        self.hours_per_day = hours_per_day

    def compose(self) -> ComposeResult:
        card = self.card
        heading = f"Edit {card.key}" if card else "New card"
        with Vertical(classes="dialog form"):
            yield Static(heading, classes="dialog-title", markup=False)
            with VerticalScroll(can_focus=False):
                yield from self._field("title", "Title", card.title if card else "")
                with Horizontal(classes="form-row"):
                    with Vertical():
                        yield from self._field(
                            "points",
                            "Points",
                            "" if card is None or card.points is None else str(card.points),
                        )
                    with Vertical():
                        yield from self._field(
                            "estimate",
                            "Estimate (e.g. 1h30m)",
                            parse.format_duration(card.estimate) if card and card.estimate else "",
                        )
                    with Vertical():
                        yield from self._field(
                            "due",
                            "Due (e.g. fri, +3d)",
                            card.due.isoformat() if card and card.due else "",
                        )
                with Horizontal(classes="form-row"):
                    with Vertical():
                        yield from self._field("tags", "Tags", " ".join(card.tags) if card else "")
                    with Vertical():
                        yield from self._field(
                            "assignee", "Assignee", (card.assignee or "") if card else ""
                        )
                with Horizontal(classes="form-row"):
                    with Vertical():
                        yield Label("Priority")
                        yield Select(
                            [(p, p) for p in PRIORITIES],
                            value=card.priority if card else "none",
                            allow_blank=False,
                            id="f-priority",
                        )
                    with Vertical():
                        yield Label("Column")
                        yield Select(
                            [(c.name, c.id) for c in self.columns],
                            value=self.status,
                            allow_blank=False,
                            id="f-status",
                        )
                yield Label("Description")
                yield TextArea(card.description if card else "", id="f-description")
                yield Static("", id="e-description", classes="field-error", markup=False)
            yield Static("tab: next field   enter / ctrl+s: save   escape: cancel", classes="hint")

    def _field(self, name: str, label: str, value: str) -> ComposeResult:
        yield Label(label)
        # The title opens with the cursor at its end: typing adds to it, never replaces it
        # by accident.  A field reached with tab selects its value, as Textual's do.
        yield Input(value, id=f"f-{name}", select_on_focus=name != "title")
        yield Static("", id=f"e-{name}", classes="field-error", markup=False)

    def on_mount(self) -> None:
        for title in self.query("#f-title").results(Input):
            title.focus()
            title.cursor_position = len(title.value)
        self._opened = self._values()

    def _values(self) -> tuple[object, ...]:
        """What the fields hold now (to tell whether anything was typed)."""
        return (
            *(field.value for field in self.query(Input)),
            *(area.text for area in self.query(TextArea)),
            *(select.value for select in self.query(Select)),
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def on_input_changed(self, event: Input.Changed) -> None:
        # Clear a field's error as soon as it is edited.
        name = (event.input.id or "f-")[2:]
        if name in self.LINE_FIELDS:
            _show_error(self.query_one(f"#e-{name}", Static), "")

    def validate(self) -> CardFormResult | None:
        fields: dict[str, Any] = {}
        clear: set[str] = set()
        ok = True
        for name in self.LINE_FIELDS:
            raw = self.query_one(f"#f-{name}", Input).value
            error = self.query_one(f"#e-{name}", Static)
            try:
                value = _check(name, raw, self.hours_per_day)
            except ValueError as exc:
                _show_error(error, str(exc))
                ok = False
                continue
            _show_error(error, "")
            if value is None:
                if name in ("points", "estimate", "due", "assignee"):
                    clear.add(name)
                elif name == "tags":
                    fields["tags"] = []
            else:
                fields[name] = value
        description = self.query_one("#f-description", TextArea).text
        try:
            fields["description"] = clean_text(description, "description")
            _show_error(self.query_one("#e-description", Static), "")
        except UseCaseError as exc:
            _show_error(self.query_one("#e-description", Static), str(exc))
            ok = False
        fields["priority"] = self.query_one("#f-priority", Select).value
        fields["status"] = self.query_one("#f-status", Select).value
        if not ok:
            return None
        return CardFormResult(fields, clear)

    def action_save(self) -> None:
        self._save_form(self.validate())

    def action_cancel(self) -> None:
        self._cancel_form("this new card" if self.card is None else "your changes")
