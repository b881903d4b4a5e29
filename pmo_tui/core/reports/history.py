"""History events described as a person writes them: ``moved To Do -> Done``,
``tags: +urgent -perf``, ``estimate 8h``, ``points 3 -> 5``.  Stored text is shown
literally (through :func:`~pmo_tui.core.text.display`), never as a Python repr."""

from __future__ import annotations

from typing import Any

from .. import parse
from ..model import Doc
from ..text import display


def _text(value: Any) -> str:
    return display(str(value))


def _duration(value: Any) -> str:
    return parse.format_duration(value) if isinstance(value, int) and value > 0 else "-"


def _field(name: str, old: Any, new: Any) -> str:
    if name == "tags":
        old_tags = list(old or [])
        new_tags = list(new or [])
        added = [f"+{_text(t)}" for t in new_tags if t not in old_tags]
        removed = [f"-{_text(t)}" for t in old_tags if t not in new_tags]
        return "tags: " + (" ".join(added + removed) or "reordered")
    if name == "title":
        return f"title: {_text(new)}"
    if name == "description":
        return "description cleared" if not new else "description changed"
    if name == "assignee":
        return f"assigned to {_text(new)}" if new else "unassigned"
    if name == "due":
        return f"due {_text(new)}" if new else "due date cleared"
    if name == "priority":
        return f"priority {_text(new)}"
    if name == "estimate":
        if old in (None, 0):
            return f"estimate {_duration(new)}"
        return f"estimate {_duration(old)} -> {_duration(new)}"
    if name == "points":
        shown_old = "-" if old is None else _text(old)
        shown_new = "-" if new is None else _text(new)
        return f"points {shown_new}" if old is None else f"points {shown_old} -> {shown_new}"
    return f"{_text(name)}: {_text(new)}"


def describe(event: Doc, column_names: dict[str, str] | None = None) -> str:
    """One history event as a person writes it (``column_names``: column id -> name)."""
    names = column_names or {}
    kind = event.get("type")
    old, new = event.get("from"), event.get("to")

    def col(value: Any) -> str:
        return _text(names.get(str(value), value))

    if kind == "moved":
        return f"moved {col(old)} -> {col(new)}"
    if kind == "created":
        status = new.get("status") if isinstance(new, dict) else None
        return f"created in {col(status)}"
    if kind in ("edited", "estimated") and isinstance(new, dict):
        before = old if isinstance(old, dict) else {}
        parts = [
            _field(str(name), before.get(name), value)
            for name, value in new.items()
            if before.get(name) != value or kind == "edited"
        ]
        return ", ".join(parts) or str(kind)
    if kind == "sprint_added":
        return f"added to sprint {_text(new)}"
    if kind == "sprint_removed":
        return f"removed from sprint {_text(old)}"
    if kind in ("archived", "restored"):
        return str(kind)
    return _text(kind)
