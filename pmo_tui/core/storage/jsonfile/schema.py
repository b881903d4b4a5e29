"""Checks on what is read from the data file, where it is read (SPEC section 2).

A hand-edited value of the wrong type is reported here, naming the table, the record and the
field (``cards row 12 (PMO-5): field 'points' must be a whole number or null, not "x"``),
instead of surfacing later as a ValueError or TypeError deep in a use case, where it would
look like a bug in pmo.  A missing field is allowed (the model has a default for it), except
the keys of cards and projects.

Integers wider than 64 bits cannot be kept exactly (orjson reads them as floats and would
write ``1e+30`` back): a float where a whole number belongs is refused, so they are too.

Tables can hold tens of thousands of rows, so each field is checked over a whole table at
once in C (``map``/``set``); only when that finds a bad value does a Python loop look for
the row to name.  Even so it costs about as much as parsing, so a table line whose bytes
match the checksum pmo recorded for them (see layout.py) is not checked again: pmo wrote
those values itself.  Files parsed whole (older, edited, from other tools) and lines that
do not match their checksum are checked row by row.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from datetime import date, datetime
from itertools import chain, repeat

from ...model import PRIORITIES, ROLES, SPRINT_STATES

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any
else:  # the runtime value of the aliases below (typing costs ~3 ms to import)
    Any = object

Doc = dict[str, Any]


class _Missing:
    pass


MISSING = _Missing()
NONE = type(None)
STR: frozenset[type] = frozenset({str})
OPT_STR: frozenset[type] = frozenset({str, NONE})
INT: frozenset[type] = frozenset({int})
OPT_INT: frozenset[type] = frozenset({int, NONE})
OPT_NUM: frozenset[type] = frozenset({int, float, NONE})
BOOL: frozenset[type] = frozenset({bool})
OPT_LIST: frozenset[type] = frozenset({list, NONE})
LIST: frozenset[type] = frozenset({list})
OPT_DICT: frozenset[type] = frozenset({dict, NONE})

_WHAT: dict[frozenset[type], str] = {
    STR: "a string",
    OPT_STR: "a string or null",
    INT: "a whole number",
    OPT_INT: "a whole number or null",
    OPT_NUM: "a number or null",
    BOOL: "true or false",
    OPT_LIST: "a list or null",
    LIST: "a list",
    OPT_DICT: "an object or null",
}


class SchemaError(Exception):
    """A value of the wrong type or form; the message names table, row and field."""


# field -> (allowed types, required, a check over the field's values of an allowed type other
# than None and "", and what that check wants).
Rule = tuple[frozenset[type], bool, Callable[[Iterable[Any]], None] | None, str]


def _one_of(values: Iterable[str]) -> tuple[Callable[[Iterable[Any]], None], str]:
    allowed = frozenset(values)

    def check(values: Iterable[Any]) -> None:
        if not set(values) <= allowed:
            raise ValueError

    return check, "one of " + ", ".join(sorted(allowed))


# Value checks run over all present values of a field at once and raise ValueError (or
# TypeError) on a bad one; they see only strings/lists (None and "" are filtered out).
def _iso_times(values: Iterable[Any]) -> None:
    deque(map(datetime.fromisoformat, values), maxlen=0)


def _iso_dates(values: Iterable[Any]) -> None:
    deque(map(date.fromisoformat, values), maxlen=0)


def _strings(values: Iterable[Any]) -> None:
    if not set(map(type, chain.from_iterable(values))) <= {str}:
        raise ValueError


def _objects(values: Iterable[Any]) -> None:
    if not set(map(type, chain.from_iterable(values))) <= {dict}:
        raise ValueError


_PRIORITY = _one_of(PRIORITIES)
_ROLE = _one_of(ROLES)
_STATE = _one_of(SPRINT_STATES)
TIME = (_iso_times, "an ISO-8601 time")
DATE = (_iso_dates, "a date YYYY-MM-DD")

RULES: dict[str, dict[str, Rule]] = {
    "projects": {
        "key": (STR, True, None, ""),
        "name": (STR, False, None, ""),
        "columns": (OPT_LIST, False, _objects, "a list of columns ({id, name, wip, role})"),
        "next_number": (INT, False, None, ""),
        "hours_budget": (OPT_NUM, False, None, ""),
    },
    "cards": {
        "key": (STR, True, None, ""),
        "project": (STR, False, None, ""),
        "title": (STR, False, None, ""),
        "description": (OPT_STR, False, None, ""),
        "status": (STR, False, None, ""),
        "rank": (OPT_NUM, False, None, ""),
        "points": (OPT_INT, False, None, ""),
        "estimate": (OPT_INT, False, None, ""),
        "tags": (OPT_LIST, False, _strings, "a list of strings"),
        "assignee": (OPT_STR, False, None, ""),
        "priority": (OPT_STR, False, *_PRIORITY),
        "sprint": (OPT_INT, False, None, ""),
        # (times and dates: the type only; the model reads an unreadable one as unset)
        "due": (OPT_STR, False, None, ""),
        "created": (OPT_STR, False, None, ""),
        "updated": (OPT_STR, False, None, ""),
        "started": (OPT_STR, False, None, ""),
        "done": (OPT_STR, False, None, ""),
        "archived": (BOOL, False, None, ""),
    },
    "sprints": {
        "id": (INT, False, None, ""),
        "project": (STR, False, None, ""),
        "name": (STR, False, None, ""),
        "goal": (OPT_STR, False, None, ""),
        "start": (OPT_STR, False, *DATE),
        "end": (OPT_STR, False, *DATE),
        "state": (OPT_STR, False, *_STATE),
        "capacity": (OPT_INT, False, None, ""),
        "commitment": (OPT_LIST, False, _objects, "a list of objects"),
        "closed_at": (OPT_STR, False, *TIME),
        "report": (OPT_DICT, False, None, ""),
    },
    "time_entries": {
        "id": (INT, False, None, ""),
        "card": (STR, False, None, ""),
        "user": (STR, False, None, ""),
        "start": (STR, False, *TIME),
        "end": (OPT_STR, False, *TIME),  # (an unreadable end would be neither open nor closed)
        # (not "note": read with str(); tens of thousands of rows make every field count)
    },
    "events": {
        # Only what reading the history relies on: it is the biggest table, and user/card
        # are read with str().  Any type name: a later version may add types.
        "ts": (STR, False, *TIME),
        "card": (OPT_STR, False, None, ""),
        "type": (STR, False, None, ""),
    },
}

COLUMN_RULES: dict[str, Rule] = {
    "id": (STR, True, None, ""),
    "name": (STR, False, None, ""),
    "wip": (OPT_INT, False, None, ""),
    "role": (STR, False, *_ROLE),
}


def check_rows(name: str, table: dict[str, Doc]) -> None:
    """Raise SchemaError for the first bad value in a parsed table of pmo's."""
    rules = RULES.get(name)
    if rules is None or not table:
        return
    docs = list(table.values())
    for field, rule in rules.items():
        types, required, check, _ = rule
        # A missing field reads as None here; fields that may be missing but not null
        # (and required ones) then go the slow way, which tells the two apart.
        values = list(map(dict.get, docs, repeat(field)))
        seen = set(map(type, values))
        ok = seen <= types
        if ok and check is not None:
            try:
                check(filter(None, values))
            except (ValueError, TypeError):
                ok = False
        if not ok or (NONE in seen and (required or NONE not in types)):
            _find_bad(name, table, field, rule)
    if name == "projects":
        for doc_id, doc in table.items():
            for column in doc.get("columns") or []:
                for field, rule in COLUMN_RULES.items():
                    _check_value(name, doc_id, doc, field, rule, column, "columns.")


def _find_bad(name: str, table: dict[str, Doc], field: str, rule: Rule) -> None:
    for doc_id, doc in table.items():
        _check_value(name, doc_id, doc, field, rule, doc, "")


def _check_value(
    name: str, doc_id: str, doc: Doc, field: str, rule: Rule, holder: Doc, prefix: str
) -> None:
    types, required, check, wants = rule
    value = holder.get(field, MISSING)
    if value is MISSING:
        if required:
            raise SchemaError(f"{_row(name, doc_id, doc)}: field '{prefix}{field}' is missing")
        return
    if type(value) not in types:
        what = _WHAT[types]
        if int in types and type(value) is float and value.is_integer():
            what += " that fits in 64 bits"
        raise SchemaError(
            f"{_row(name, doc_id, doc)}: field '{prefix}{field}' must be {what}, not {_show(value)}"
        )
    if check is not None and value and not _passes(check, value):
        raise SchemaError(
            f"{_row(name, doc_id, doc)}: field '{prefix}{field}' must be {wants},"
            f" not {_show(value)}"
        )


def _passes(check: Callable[[Iterable[Any]], None], value: Any) -> bool:
    try:
        check([value])
    except (ValueError, TypeError):
        return False
    return True


def _row(name: str, doc_id: str, doc: Doc) -> str:
    label = doc.get("key") if name in ("cards", "projects") else doc.get("id")
    if isinstance(label, str) and label.isprintable() and len(label) <= 40:
        return f"{name} row {doc_id} ({label})"
    if type(label) is int:
        return f"{name} row {doc_id} (id {label})"
    return f"{name} row {doc_id}"


def _show(value: Any) -> str:
    import json

    try:
        text = json.dumps(value, ensure_ascii=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
