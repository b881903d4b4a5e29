"""The sprint form: plan a new sprint or edit one, validated field by field.

Fields: name, goal, start, end or length, capacity.  A new sprint's form opens filled with
:func:`core.usecases.sprints.sprint_defaults` ("Sprint N", the next work day, two weeks, the
suggested capacity), so saving it untouched makes a valid sprint.  An invalid value is
shown under its field and nothing is saved.  The form returns the values as the use cases
take them (:class:`SprintFormResult`), or None when cancelled.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from ...core import calendar, parse
from ...core.errors import UseCaseError
from ...core.model import Sprint
from ...core.usecases import sprints as sprint_cases
from ...core.usecases import validate
from .base import FormActions, PmoModal

_LENGTH = re.compile(r"^\s*(\d+)\s*([dw]?)\s*$", re.IGNORECASE)
FIELDS = ("name", "goal", "start", "end", "length", "capacity")


def parse_length(text: str) -> int:
    """A sprint length in calendar days: ``2w`` (14), ``10d``, a bare ``14`` (as the CLI's
    ``sprint new --length``)."""
    m = _LENGTH.match(text)
    if m is None or int(m.group(1)) < 1:
        raise ValueError("use e.g. 2w, 10d or 14 (days)")
    days = int(m.group(1)) * (7 if m.group(2).lower() == "w" else 1)
    if days > 366:
        raise ValueError("at most a year")
    return days


@dataclass
class SprintFormResult:
    """``fields``: name, goal, start, end (ISO dates), capacity, as ``new_sprint`` and
    ``edit_sprint`` take them; for an edit only the fields that changed.  ``clear_capacity``:
    the capacity was emptied (an edit only)."""

    fields: dict[str, Any]
    clear_capacity: bool = False
    changed: set[str] = field(default_factory=set)


class SprintForm(FormActions, PmoModal[SprintFormResult | None]):
    HELP_TITLE = "Sprint form"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="sprint_form.save", tooltip="Save the sprint"),
        Binding(
            "escape", "cancel", "Cancel", id="sprint_form.cancel", tooltip="Close without saving"
        ),
    ]

    def __init__(
        self,
        initial: dict[str, Any],
        *,
        today: date,
        taken_names: Iterable[str] = (),
        sprint: Sprint | None = None,
        work_days: Iterable[int] = calendar.WORK_DAYS,
    ) -> None:
        """``initial``: name, goal, start, end (ISO), capacity (int or None), and for a new
        sprint ``length`` (e.g. "2w"); ``sprint``: the one edited (None: a new one)."""
        super().__init__()
        self.initial = initial
        self.today = today
        self.taken = {n.casefold() for n in taken_names}
        self.sprint = sprint
        self.work_days = tuple(work_days)

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        sprint = self.sprint
        heading = f"Edit sprint {sprint.name}" if sprint else "New sprint"
        frozen = sprint is not None and sprint.state == "closed"
        init = self.initial
        with Vertical(classes="dialog sprint-form"):
            yield Static(heading, classes="dialog-title", markup=False)
            yield from self._field("name", "Name", str(init.get("name") or ""))
            yield from self._field("goal", "Goal", str(init.get("goal") or ""))
            with Horizontal(classes="form-row"):
                with Vertical():
                    yield from self._field(
                        "start", "Start (e.g. mon, +3d)", str(init.get("start") or ""), frozen
                    )
                with Vertical():
                    yield from self._field(
                        "end", "End (or a length)", str(init.get("end") or ""), frozen
                    )
                with Vertical():
                    yield from self._field(
                        "length", "Length (2w, 10d)", str(init.get("length") or ""), frozen
                    )
            cap = init.get("capacity")
            yield from self._field(
                "capacity", "Capacity (points)", "" if cap is None else str(cap), frozen
            )
            yield Static("", id="sprint-form-span", classes="form-preview", markup=False)
            hint = "tab: next field   enter / ctrl+s: save   escape: cancel"
            if frozen:
                hint = "closed: only its name and goal change   " + hint
            yield Static(hint, classes="hint")

    def _field(self, name: str, label: str, value: str, frozen: bool = False) -> ComposeResult:
        yield Label(label)
        placeholder = {"end": "from the length", "length": "or an end date"}.get(name, "")
        yield Input(
            value,
            id=f"f-{name}",
            placeholder=placeholder,
            select_on_focus=name != "name",
            disabled=frozen,
        )
        yield Static("", id=f"e-{name}", classes="field-error", markup=False)

    def on_mount(self) -> None:
        name = self.query_one("#f-name", Input)
        name.focus()
        name.cursor_position = len(name.value)
        self._opened = self._values()
        self._show_span()

    def _values(self) -> dict[str, str]:
        return {name: self.query_one(f"#f-{name}", Input).value for name in FIELDS}

    # -------------------------------------------------------------- validation
    def _check(self) -> tuple[dict[str, Any], dict[str, str]]:
        """(values, errors by field): every field checked, the dates against each other."""
        raw = self._values()
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}

        def attempt(name: str, fn: Any) -> None:
            try:
                values[name] = fn(raw[name])
            except (ValueError, UseCaseError, parse.ParseError) as exc:
                errors[name] = str(exc)

        attempt("name", lambda t: validate.name(t, "sprint name"))
        if "name" in values and values["name"].casefold() in self.taken:
            errors["name"] = f"a sprint named {values['name']!r} exists already"
        attempt("goal", lambda t: validate.clean_line(t, "sprint goal"))
        attempt("start", lambda t: parse.parse_date(t, self.today) if t.strip() else None)
        if values.get("start") is None and "start" not in errors:
            errors["start"] = "a start date is needed (e.g. 2026-12-01, mon, +3d)"
        attempt("end", lambda t: parse.parse_date(t, self.today) if t.strip() else None)
        attempt("length", lambda t: parse_length(t) if t.strip() else None)
        attempt("capacity", lambda t: validate.capacity(t.strip() or None))
        start = values.get("start")
        if not errors.keys() & {"start", "end", "length"} and start is not None:
            if values.get("end") is None:
                if values.get("length") is None:
                    errors["end"] = "give an end date or a length"
                else:
                    values["end"] = sprint_cases.end_for(start, values["length"], self.work_days)
            elif values["end"] < start:
                errors["end"] = f"ends before it starts ({start.isoformat()})"
        return values, errors

    def _show_errors(self, errors: dict[str, str]) -> None:
        for name in FIELDS:
            error = self.query_one(f"#e-{name}", Static)
            message = errors.get(name, "")
            error.update(message)
            error.set_class(bool(message), "shown")

    def _show_span(self) -> None:
        """The dates the sprint will run, as they stand (the length made into an end)."""
        values, errors = self._check()
        span = self.query_one("#sprint-form-span", Static)
        start, end = values.get("start"), values.get("end")
        if (
            isinstance(start, date)
            and isinstance(end, date)
            and not errors.keys()
            & {
                "start",
                "end",
                "length",
            }
        ):
            n = len(calendar.work_days(start, end, self.work_days))
            span.update(
                f"Runs {start.isoformat()} → {end.isoformat()}"
                f" ({n} work day{'s' if n != 1 else ''})"
            )
        else:
            span.update("")

    def on_input_changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "f-")[2:]
        if name in FIELDS:
            error = self.query_one(f"#e-{name}", Static)
            error.update("")
            error.remove_class("shown")
        if self.is_mounted:
            self._show_span()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def result(self) -> SprintFormResult | None:
        values, errors = self._check()
        self._show_errors(errors)
        if errors:
            return None
        fields: dict[str, Any] = {
            "name": values["name"],
            "goal": values["goal"],
            "start": values["start"].isoformat(),
            "end": values["end"].isoformat(),
            "capacity": values["capacity"],
        }
        if self.sprint is None:
            return SprintFormResult(fields, changed=set(fields))
        sprint = self.sprint
        was = {
            "name": sprint.name,
            "goal": sprint.goal,
            "start": sprint.start.isoformat() if sprint.start else None,
            "end": sprint.end.isoformat() if sprint.end else None,
            "capacity": sprint.capacity,
        }
        changed = {k for k, v in fields.items() if was[k] != v}
        clear = "capacity" in changed and fields["capacity"] is None
        out = {k: fields[k] for k in changed if not (k == "capacity" and clear)}
        return SprintFormResult(out, clear_capacity=clear, changed=changed)

    # ----------------------------------------------------------------- actions
    def action_save(self) -> None:
        self._save_form(self.result())

    def action_cancel(self) -> None:
        self._cancel_form("this new sprint" if self.sprint is None else "your changes")
