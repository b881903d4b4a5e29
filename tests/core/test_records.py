"""The records (model.py, change.py) are written out by hand instead of with @dataclass
(its import costs more than a timer command): they must still behave as the dataclasses
they were, for the code and tests that use them so."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from datetime import UTC, date, datetime

import pytest

from pmo_tui.core.change import Change, Patch, Skipped
from pmo_tui.core.model import Card, Column, Project, Sprint, TimeEntry

RECORDS = [
    Column("doing", "In Progress", "started", 3),
    Project("PMO", "pmo", [Column("todo", "To Do")], 4, 12.5),
    Card("PMO-1", "PMO", "a", "todo", tags=["x"], due=date(2026, 12, 1)),
    Sprint(1, "PMO", "S1", date(2026, 11, 2), commitment=[{"key": "PMO-1"}]),
    TimeEntry(7, "PMO-1", "alice", datetime(2026, 11, 30, 9, tzinfo=UTC)),
    Patch("cards", "PMO-1", {"status": "todo"}, {"status": "doing"}),
    Skipped("cards", "PMO-1", "status", "bob"),
    Change("move PMO-1", [Patch("cards", "PMO-1", None, {"a": 1})], ["note"], "PMO-1"),
]


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: type(r).__name__)
def test_records_behave_as_their_dataclasses(record: object) -> None:
    names = [f.name for f in dataclasses.fields(record)]  # type: ignore[arg-type]
    assert dataclasses.is_dataclass(record)
    assert names == list(type(record).__match_args__)  # type: ignore[attr-defined]
    values = {name: getattr(record, name) for name in names}
    assert dataclasses.asdict(record) == copy.deepcopy(  # type: ignore[call-overload]
        dataclasses.asdict(type(record)(**values))  # type: ignore[call-overload]
    )
    assert type(record)(**values) == record
    assert copy.deepcopy(record) == record and copy.copy(record) == record
    assert pickle.loads(pickle.dumps(record)) == record
    shown = ", ".join(f"{name}={value!r}" for name, value in values.items())
    assert repr(record) == f"{type(record).__name__}({shown})"
    changed = dataclasses.replace(record, **{names[0]: "other"})  # type: ignore[type-var]
    assert changed != record and getattr(changed, names[0]) == "other"
    assert record != object() and (record == object()) is False


def test_mutable_records_are_unhashable_and_skipped_is_frozen() -> None:
    for record in RECORDS:
        if isinstance(record, Skipped):
            assert hash(record) == hash(Skipped("cards", "PMO-1", "status", "bob"))
            with pytest.raises(AttributeError):
                record.by = "carol"  # type: ignore[misc]
        else:
            with pytest.raises(TypeError):
                hash(record)


def test_defaults_are_fresh_lists() -> None:
    a, b = Card("K-1", "K", "t", "todo"), Card("K-2", "K", "t", "todo")
    a.tags.append("x")
    assert b.tags == [] and Sprint(1, "K", "S").commitment == [] and Change("x").patches == []
    assert Change("x") == Change("x", [], [], None, [])


def test_equality_needs_the_same_class() -> None:
    assert Column("a", "A") != Patch("a", "A", None, None)
    assert Column("a", "A") == Column("a", "A", "todo", None)
    assert Column("a", "A") != Column("a", "A", "done")
