"""The use cases through a Session: previews, tag add/remove, sprints, history lines."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from pmo_tui.core.board import Board
from pmo_tui.core.errors import UseCaseError
from pmo_tui.core.reports import history, queries
from pmo_tui.core.storage.jsonfile.backend import JsonFileStorage
from pmo_tui.core.storage.jsonfile.store import Store
from pmo_tui.core.usecases import cards, sprints
from pmo_tui.core.usecases.session import Session

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


pytestmark = pytest.mark.usefixtures("utc")  # local time is UTC (tests/core/conftest.py)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "pmo.json"


@pytest.fixture
def s(path: Path) -> Session:
    session = Session(JsonFileStorage(Store(path)), "alice", clock=lambda: NOW)
    for title in ("one", "two", "three"):
        cards.add_card(session, title)
    return session


def other(path: Path, user: str = "bob") -> Session:
    return Session(JsonFileStorage(Store(path)), user, clock=lambda: NOW)


def card(s: Session, key: str) -> dict[str, Any]:
    doc = s.storage.card(key)
    assert doc is not None
    return dict(doc)


def written(s: Session, change: Any) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for p in change.patches:
        if p.table == "cards" and p.after:
            out.setdefault(p.key, {}).update({k: v for k, v in p.after.items() if k != "updated"})
    return out


# ------------------------------------------------------------------ previews
@pytest.mark.parametrize(
    ("preview", "commit"),
    [
        (
            lambda s: cards.preview_move(s, "PMO-1", "doing"),
            lambda s: cards.move_card(s, "PMO-1", "doing"),
        ),
        (
            lambda s: cards.preview_move_by(s, "PMO-1", 1),
            lambda s: cards.move_card_by(s, "PMO-1", 1),
        ),
        (lambda s: cards.preview_reorder(s, "PMO-3", -1), lambda s: cards.reorder(s, "PMO-3", -1)),
        (
            lambda s: cards.preview_reorder_in(s, "PMO-1", ["PMO-3", "PMO-1"], -1),
            lambda s: cards.reorder_in(s, "PMO-1", ["PMO-3", "PMO-1"], -1),
        ),
        (
            lambda s: cards.preview_toggle_assign(s, "PMO-2"),
            lambda s: cards.toggle_assign(s, "PMO-2"),
        ),
        (
            lambda s: cards.preview_set_points(s, "PMO-2", 5),
            lambda s: cards.set_points(s, "PMO-2", 5),
        ),
        (lambda s: cards.preview_archive(s, "PMO-2"), lambda s: cards.archive(s, "PMO-2")),
    ],
)
def test_a_preview_is_what_the_commit_writes(s: Session, preview: Any, commit: Any) -> None:
    raw = Path(s.storage.where).read_bytes()
    planned = preview(s)
    assert Path(s.storage.where).read_bytes() == raw  # a preview writes nothing
    assert planned
    assert written(s, commit(s)) == planned


def test_toggle_sprint_preview_and_commit(s: Session) -> None:
    sprints.new_sprint(s, "S1", start="2026-11-16", end="2026-11-27")
    sprints.start_sprint(s, "1")
    assert cards.preview_toggle_sprint(s, "PMO-1") == {"PMO-1": {"sprint": 1}}
    cards.toggle_sprint(s, "PMO-1")
    assert cards.preview_toggle_sprint(s, "PMO-1") == {"PMO-1": {"sprint": None}}


def test_commit_decides_again_under_the_lock(s: Session, path: Path) -> None:
    """The screen previewed 'assign to me' but a teammate took the card first: the commit
    acts on the data as it is then (the toggle is decided again, not replayed)."""
    assert cards.preview_toggle_assign(s, "PMO-1") == {"PMO-1": {"assignee": "alice"}}
    cards.toggle_assign(other(path, "alice"), "PMO-1")  # the same person, another window
    change = cards.toggle_assign(s, "PMO-1")
    assert card(s, "PMO-1")["assignee"] is None
    assert change.label == "unassign PMO-1"


def test_rank_plan_respreads_when_ranks_collide() -> None:
    peers = [{"key": f"P-{i}", "rank": 1.0} for i in range(3)]
    assert cards.rank_plan(peers, "P-2", -1) == {"P-0": 1.0, "P-2": 2.0, "P-1": 3.0}
    assert cards.rank_plan(peers, "P-0", -1) == {}
    assert cards.rank_plan(peers, "nope", 1) == {}


# ------------------------------------------------------------------ tags
def test_add_and_remove_tags_keep_a_teammates_concurrent_tag(s: Session, path: Path) -> None:
    cards.edit_card(s, "PMO-1", tags=["perf", "ui"])
    cards.edit_card(other(path), "PMO-1", add_tags=["backend"])  # teammate, meanwhile
    cards.edit_card(s, "PMO-1", add_tags=["urgent", "#UI"], remove_tags=["perf"])
    assert card(s, "PMO-1")["tags"] == ["ui", "backend", "urgent"]
    board = Board(Store(path), "alice", clock=lambda: NOW)
    board.edit_card("PMO-1", remove_tags=["ui", "missing"])
    assert board.card("PMO-1").tags == ["backend", "urgent"]
    with pytest.raises(UseCaseError):
        board.edit_card("PMO-1", add_tags=["has space"])


# ------------------------------------------------------------------ sprints
def test_sprint_lifecycle(s: Session) -> None:
    sprints.new_sprint(s, "Sprint 1", start="2026-11-16", length_days=14, goal="ship", capacity=20)
    sprints.new_sprint(s, "Sprint 2", start="2026-11-30", end="2026-12-11")
    [s1, _] = s.sprints()
    assert (s1.state, s1.end, s1.capacity, s1.goal) == ("planned", date(2026, 11, 27), 20, "ship")
    sprints.add_to_sprint(s, "Sprint 1", ["PMO-1", "PMO-2"])
    cards.set_points(s, "PMO-1", 3)
    sprints.start_sprint(s, "1")
    with pytest.raises(UseCaseError, match="active"):
        sprints.start_sprint(s, "2")
    active = s.active_sprint()
    assert active is not None and [c["key"] for c in active.commitment] == ["PMO-1", "PMO-2"]
    sprints.add_to_sprint(s, "active", ["PMO-3"])  # scope added
    cards.move_card(s, "PMO-1", "done")
    sprints.close_sprint(s, "active")
    [s1, _] = s.sprints()
    assert s1.state == "closed" and s1.report is not None
    assert s1.report["committed"] == {"points": 3, "cards": ["PMO-1", "PMO-2"]}
    assert s1.report["completed"] == {"points": 3, "cards": ["PMO-1"]}
    assert s1.report["added"]["cards"] == ["PMO-3"]
    assert s1.report["not_completed"]["cards"] == ["PMO-2", "PMO-3"]
    assert s1.report["carried_to"] == 2
    assert card(s, "PMO-2")["sprint"] == 2 and card(s, "PMO-1")["sprint"] == 1


@pytest.mark.parametrize(
    "kwargs",
    [
        {"name": ""},
        {"name": "a\x1b[2J"},
        {"name": "x", "goal": "\u202e"},
        {"name": "x", "start": "2026-12-01", "end": "2026-11-01"},
    ],
)
def test_sprint_fields_are_validated(s: Session, kwargs: dict[str, Any]) -> None:
    name = kwargs.pop("name")
    with pytest.raises(UseCaseError):
        sprints.new_sprint(s, name, **kwargs)


# ------------------------------------------------------------------ history
def test_history_lines_read_as_a_person_writes_them(s: Session) -> None:
    cards.edit_card(s, "PMO-1", tags=["urgent"], title="line1\nline2".replace("\n", " "))
    cards.edit_card(s, "PMO-1", tags=["perf"], estimate="8h", points=3)
    cards.edit_card(s, "PMO-1", points=5)
    cards.move_card(s, "PMO-1", "done")
    names = {c.id: c.name for c in s.project().columns}
    lines = [history.describe(e, names) for e in s.storage.events("PMO-1")]
    assert lines == [
        "created in To Do",
        "title: line1 line2, tags: +urgent",
        "tags: +perf -urgent",
        "points 3, estimate 8h",
        "points 3 -> 5",
        "moved To Do -> Done",
    ]


def test_history_shows_text_literally_never_as_a_repr() -> None:
    event = {"type": "edited", "from": {"title": "a"}, "to": {"title": "x\x1b[31m'y'"}}
    assert history.describe(event) == "title: x\\x1b[31m'y'"


def test_card_detail_lists_entries_by_time_with_dates_across_midnight(s: Session) -> None:
    from pmo_tui.core.usecases import timers

    timers.log_time(
        s, "PMO-1", start=datetime(2026, 11, 18, 9, tzinfo=UTC), end=NOW.replace(day=18, hour=10)
    )
    timers.log_time(
        s,
        "PMO-1",
        start=datetime(2026, 11, 16, 23, tzinfo=UTC),
        end=datetime(2026, 11, 17, 1, tzinfo=UTC),
    )
    detail = queries.card_detail(s, "PMO-1")
    assert [e["start"][:10] for e in detail["time_entries"]] == ["2026-11-16", "2026-11-18"]
    # (how `pmo show` prints them, end dates across midnight: tests/cli/test_cli_timers.py)


def test_edit_sprint(s: Session) -> None:
    sprints.new_sprint(s, "S1", start="2026-11-16", end="2026-11-27")
    sprints.new_sprint(s, "S2")
    sprints.edit_sprint(s, "S1", name="Sprint one", goal="ship it", capacity=12)
    [s1, _] = s.sprints()
    assert (s1.name, s1.goal, s1.capacity) == ("Sprint one", "ship it", 12)
    with pytest.raises(UseCaseError, match="before it starts"):
        sprints.edit_sprint(s, "1", end="2026-11-01")
    with pytest.raises(UseCaseError, match="exists"):
        sprints.edit_sprint(s, "1", name="s2")
    with pytest.raises(UseCaseError):
        sprints.edit_sprint(s, "1", goal="\x1b]52;c;x\x07")
