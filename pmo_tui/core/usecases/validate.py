"""The one validator for what people type into pmo: card, sprint, entry and project fields.

The use cases, the app's forms and the importers all call these, so a value is accepted or
refused the same way everywhere.  Every one-line field refuses control characters (C0, C1,
ESC, DEL) and bidi overrides, which could rewrite a teammate's terminal or reorder what it
shows; a multi-line description keeps newlines and tabs only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from .. import parse
from ..chars import is_control as _bad
from ..chars import quote as _short
from ..errors import UseCaseError
from ..model import PRIORITIES, Doc

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_TITLE = 1000
MAX_TEXT = 100_000
CLEARABLE = ("points", "estimate", "assignee", "due", "sprint", "description")


def clean_line(text: str, what: str, limit: int = MAX_TITLE) -> str:
    """A one-line text field: trimmed, no control characters or bidi overrides, bounded."""
    value = text.strip()
    for ch in value:
        if _bad(ch):
            raise UseCaseError(f"{what} contains a control character ({ch!r}): {_short(value)}")
    if len(value) > limit:
        raise UseCaseError(f"{what} is too long ({len(value)} characters; at most {limit})")
    return value


def clean_text(text: str, what: str) -> str:
    """A multi-line text field: newlines and tabs allowed, other control characters not."""
    value = text.replace("\r\n", "\n").rstrip()
    for ch in value:
        if ch not in "\n\t" and _bad(ch):
            raise UseCaseError(f"{what} contains a control character ({ch!r})")
    if len(value) > MAX_TEXT:
        raise UseCaseError(f"{what} is too long ({len(value)} characters; at most {MAX_TEXT})")
    return value


def parsed(fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)`` with a parse error turned into a use-case error (exit 2)."""
    try:
        return fn(*args)
    except parse.ParseError as exc:
        raise UseCaseError(str(exc)) from None


def tag(text: str) -> str:
    value: str = parsed(parse.parse_tag, text)
    clean_line(value, "tag", 40)
    return value


def tags(values: Iterable[str]) -> list[str]:
    out: list[str] = []
    for raw in values:
        value = tag(raw)
        if value not in out:
            out.append(value)
    return out


def points(value: int | str) -> int:
    if isinstance(value, str):
        value = parsed(parse.parse_points, value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 999:
        raise UseCaseError(f"invalid points {value!r}: use a whole number 0-999")
    return value


def estimate(value: int | str, hours_per_day: float = 8.0) -> int:
    if isinstance(value, str):
        value = parsed(parse.parse_duration, value, hours_per_day)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise UseCaseError(f"invalid estimate {value!r}: use a duration like 1h30m")
    return value


def day(value: date | str, *, past: bool = False) -> date:
    if isinstance(value, str):
        result: date = parsed(lambda t: parse.parse_date(t, past=past), value)
        return result
    return value


def card_fields(hours_per_day: float = 8.0, **given: Any) -> Doc:
    """Validate the optional card fields that were given (None means not given)."""
    out: Doc = {}
    if given.get("points") is not None:
        out["points"] = points(given["points"])
    if given.get("estimate") is not None:
        out["estimate"] = estimate(given["estimate"], hours_per_day)
    for name in ("tags", "add_tags", "remove_tags"):
        if given.get(name) is not None:
            out[name] = tags(given[name])
    if given.get("assignee") is not None:
        out["assignee"] = clean_line(given["assignee"], "assignee", 64) or None
    if given.get("priority") is not None:
        out["priority"] = parsed(parse.parse_priority, given["priority"])
        assert out["priority"] in PRIORITIES
    if given.get("due") is not None:
        out["due"] = day(given["due"]).isoformat()
    if given.get("description") is not None:
        out["description"] = clean_text(given["description"], "description")
    if given.get("title") is not None:
        out["title"] = clean_line(given["title"], "title")
        if not out["title"]:
            raise UseCaseError("title is empty")
    return out


def note(text: str | None) -> str:
    return clean_line(text, "note", 1000) if text else ""


def name(text: str, what: str, limit: int = 200) -> str:
    """A name (project, sprint, column): one line, not empty."""
    value = clean_line(text, what, limit)
    if not value:
        raise UseCaseError(f"{what} is empty")
    return value


def capacity(value: int | str | None) -> int | None:
    if value is None or value == "":
        return None
    return points(value) if isinstance(value, str) else _whole(value, "capacity")


def _whole(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100_000:
        raise UseCaseError(f"invalid {what} {value!r}: use a whole number")
    return value


def sprint_fields(**given: Any) -> Doc:
    """Validate the sprint fields that were given (None means not given)."""
    out: Doc = {}
    if given.get("name") is not None:
        out["name"] = name(given["name"], "sprint name")
    if given.get("goal") is not None:
        out["goal"] = clean_line(given["goal"], "sprint goal")
    for field in ("start", "end"):
        if given.get(field) is not None:
            out[field] = day(given[field]).isoformat()
    if given.get("capacity") is not None:
        out["capacity"] = capacity(given["capacity"])
    if "start" in out and "end" in out and out["end"] < out["start"]:
        raise UseCaseError(f"sprint ends ({out['end']}) before it starts ({out['start']})")
    return out


__all__ = [
    "CLEARABLE",
    "MAX_TEXT",
    "MAX_TITLE",
    "capacity",
    "card_fields",
    "clean_line",
    "clean_text",
    "day",
    "estimate",
    "name",
    "note",
    "parsed",
    "points",
    "sprint_fields",
    "tag",
    "tags",
]
