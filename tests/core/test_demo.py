"""Tests for pmo_tui.core.demo: the sample data of ``pmo init --demo``."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from pathlib import Path

import pytest

from pmo_tui.core.board import Board
from pmo_tui.core.calendar import work_days
from pmo_tui.core.demo import NEXT_CARDS, fill_demo
from pmo_tui.core.errors import UseCaseError
from pmo_tui.core.model import Sprint, parse_iso, utcnow
from pmo_tui.core.storage.jsonfile.store import Store

PAST_DAY = dt.date(2025, 3, 12)  # a Wednesday


def _board(path: Path, user: str = "alice") -> Board:
    return Board(Store(path / "pmo.json"), user)


def _local_day(ts: str) -> dt.date:
    return parse_iso(ts).astimezone().date()


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Board, int]:
    board = _board(tmp_path_factory.mktemp("demo"))
    return board, fill_demo(board)


def test_about_forty_cards_over_every_column(filled: tuple[Board, int]) -> None:
    board, count = filled
    cards = board.cards(archived=True)
    assert count == len(cards)
    assert 35 <= count <= 45
    open_cards = [c for c in cards if not c.archived]
    assert 1 <= len(cards) - len(open_cards) <= 3
    for column in board.project().columns:
        assert any(c.status == column.id for c in open_cards), column.id
    assert len({c.assignee for c in cards if c.assignee}) == 4
    assert any(c.points is None for c in cards)
    assert sum(c.estimate is not None for c in cards) >= 25
    assert {t for c in cards for t in c.tags} >= {"auth", "ui", "api", "infra", "docs", "bug"}


def test_due_dates_one_overdue_one_soon(filled: tuple[Board, int]) -> None:
    board, _ = filled
    today = dt.date.today()
    done = {c.id for c in board.project().columns if c.role == "done"}
    open_due = [c.due for c in board.cards() if c.due is not None and c.status not in done]
    assert any(d < today for d in open_due)
    assert any(today <= d <= today + dt.timedelta(days=7) for d in open_due)


def test_sprints_two_closed_one_active_one_planned(filled: tuple[Board, int]) -> None:
    board, _ = filled
    sprints = board.sprints()
    assert [s.id for s in sprints] == [1, 2, 3, 4]
    assert [s.name for s in sprints] == ["Sprint 1", "Sprint 2", "Sprint 3", "Sprint 4"]
    assert [s.state for s in sprints] == ["closed", "closed", "active", "planned"]
    keys = {c.key for c in board.cards(archived=True)}
    for sprint in sprints[:3]:
        assert sprint.start is not None and sprint.end is not None
        assert sprint.start.weekday() < 5 and sprint.end.weekday() < 5
        assert 11 <= (sprint.end - sprint.start).days <= 13
        assert sprint.commitment
        assert all(set(c) == {"key", "points", "estimate"} for c in sprint.commitment)
    for sprint in sprints[:2]:
        report = sprint.report
        assert report is not None and sprint.closed_at is not None
        for name in ("committed", "completed", "added", "removed", "not_completed"):
            assert set(report[name]["cards"]) <= keys
        assert report["committed"]["cards"] == [c["key"] for c in sprint.commitment]
        assert report["completed"]["cards"] and report["not_completed"]["cards"]
        assert 0 < report["completed"]["points"] <= report["committed"]["points"] + 5
        assert report["carried_to"] == sprint.id + 1  # open cards went to the next sprint
    assert sprints[1].report is not None and sprints[1].report["removed"]["cards"]
    active = sprints[2]
    assert active.report is None and active.closed_at is None
    today = dt.date.today()
    assert active.start is not None and active.end is not None
    assert active.start < today <= active.end
    assert board.active_sprint() == active


def test_next_sprint_planned_with_the_defaults(filled: tuple[Board, int]) -> None:
    """Sprint 4 was made by new_sprint with no name, dates or capacity: it follows the
    active sprint, lasts two weeks (ten work days) and its capacity is the velocity."""
    board, _ = filled
    s1, s2, s3, s4 = board.sprints()
    assert s3.end is not None and s4.start is not None and s4.end is not None
    assert s4.start > s3.end and (s4.start - s3.end).days <= 3 and s4.start.weekday() < 5
    assert (s4.end - s4.start).days == 13 or s4.end.weekday() == 4  # two weeks, a work day
    assert len(work_days(s4.start, s4.end)) == 10
    done = [sp.report["completed"]["points"] for sp in (s1, s2) if sp.report]
    assert s4.capacity == int(sum(done) / 2 + 0.5)
    assert s4.commitment == [] and s4.report is None
    titles = {c.title for c in board.cards() if c.sprint == s4.id}
    assert titles == set(NEXT_CARDS)


def test_takes_over_the_first_sprint_of_a_scrum_project(tmp_path: Path) -> None:
    """`pmo init --demo` creates a scrum project (with its planned Sprint 1) first."""
    store = Store(tmp_path / "pmo.json", seed=False)
    Board(store, "alice").create_project("DEMO")
    board = Board(store, "alice", "DEMO")
    assert [(s.id, s.state) for s in board.sprints()] == [(1, "planned")]
    fill_demo(board, today=PAST_DAY)
    assert [(s.id, s.name, s.state) for s in board.sprints()] == [
        (1, "Sprint 1", "closed"),
        (2, "Sprint 2", "closed"),
        (3, "Sprint 3", "active"),
        (4, "Sprint 4", "planned"),
    ]


def _active(board: Board) -> Sprint:
    active = board.active_sprint()
    assert active is not None and active.start is not None
    return active


def test_active_sprint_has_scope_change_and_history(filled: tuple[Board, int]) -> None:
    board, _ = filled
    active = _active(board)
    assert active.start is not None
    events = board.events()
    added_days = [
        _local_day(e["ts"]) for e in events if e["type"] == "sprint_added" and e["to"] == active.id
    ]
    assert any(d < active.start for d in added_days)
    assert any(d > active.start for d in added_days)
    in_sprint = {c.key for c in board.cards() if c.sprint == active.id}
    reestimated = [
        e
        for e in events
        if e["type"] == "estimated"
        and e["card"] in in_sprint
        and _local_day(e["ts"]) > active.start
    ]
    assert reestimated
    done = {c.id for c in board.project().columns if c.role == "done"}
    done_days = {
        _local_day(e["ts"])
        for e in events
        if e["type"] == "moved" and e["to"] in done and e["card"] in in_sprint
    }
    assert len(done_days) >= 3
    assert all(active.start <= d < dt.date.today() for d in done_days)
    committed = {c["key"] for c in active.commitment}
    assert committed < in_sprint  # scope was added after the start


def test_time_entries_several_users_no_overlap(filled: tuple[Board, int]) -> None:
    board, _ = filled
    entries = board.entries()
    assert len(entries) >= 50
    assert all(e.end is not None for e in entries)  # no running timer
    by_user = defaultdict(list)
    for entry in entries:
        by_user[entry.user].append(entry)
    assert len(by_user) >= 3
    for user_entries in by_user.values():
        user_entries.sort(key=lambda e: e.start)
        for a, b in itertools.pairwise(user_entries):
            assert a.end is not None and a.end <= b.start
    days = {e.start.astimezone().date() for e in entries}
    assert len(days) >= 10
    assert min(days) >= dt.date.today() - dt.timedelta(days=28)
    assert all(9 <= e.start.astimezone().hour < 18 for e in entries)
    assert all(e.start.astimezone().weekday() < 5 for e in entries)
    cards = {c.key: c for c in board.cards(archived=True)}
    for entry in entries:  # work is logged only while a card is in progress
        card = cards[entry.card]
        assert card.started is not None and card.started <= entry.start
        assert card.done is None or entry.end is None or entry.end <= card.done


def test_nothing_in_the_future(filled: tuple[Board, int]) -> None:
    board, _ = filled
    now = utcnow()
    stamps = [parse_iso(e["ts"]) for e in board.events()]
    for entry in board.entries():
        stamps.append(entry.start)
        assert entry.end is not None
        stamps.append(entry.end)
    for card in board.cards(archived=True):
        stamps += [t for t in (card.created, card.updated, card.started, card.done) if t]
    stamps += [s.closed_at for s in board.sprints() if s.closed_at]
    assert stamps and max(stamps) <= now


def test_events_are_ordered_per_card(filled: tuple[Board, int]) -> None:
    board, _ = filled
    per_card: dict[str, list[str]] = defaultdict(list)
    for event in board.events():
        per_card[event["card"]].append(event["ts"])
    for key, stamps in per_card.items():
        assert stamps == sorted(stamps), key
    for card in board.cards(archived=True):
        assert per_card[card.key][0] == board.store.card(card.key)["created"]  # type: ignore[index]


def test_clock_and_user_restored(tmp_path: Path) -> None:
    board = _board(tmp_path, "bob")
    clock = board.clock
    fill_demo(board, today=PAST_DAY)
    assert board.clock is clock
    assert board.user == "bob"


def test_deterministic(tmp_path: Path) -> None:
    def fill(name: str, seed: int = 7) -> list[tuple[object, ...]]:
        board = _board(tmp_path / name)
        fill_demo(board, today=PAST_DAY, seed=seed)
        cards = [
            (c.key, c.title, c.status, c.sprint, c.assignee, c.points, c.archived)
            for c in board.cards(archived=True)
        ]
        entries = [(e.card, e.user, e.start, e.end) for e in board.entries()]
        return [*cards, *entries]

    first = fill("a")
    assert fill("b") == first
    assert fill("c", seed=8) != first


def test_fixed_past_day(tmp_path: Path) -> None:
    board = _board(tmp_path)
    fill_demo(board, today=PAST_DAY)
    active = _active(board)
    assert active.start is not None
    assert active.start < PAST_DAY <= active.end  # type: ignore[operator]
    last = max(parse_iso(e["ts"]) for e in board.events())
    assert last.astimezone().date() < PAST_DAY


def test_kanban_template_fills_every_column(tmp_path: Path) -> None:
    store = Store(tmp_path / "pmo.json")
    Board(store, "dana").create_project("KB", template="kanban")
    board = Board(store, "dana", "KB")
    assert fill_demo(board, today=PAST_DAY) == 40
    statuses = {c.status for c in board.cards()}
    assert statuses == {c.id for c in board.project().columns}
    assert not Board(store, "dana", "PMO").cards(archived=True)


def test_newcomer_gets_a_seat_in_the_team(tmp_path: Path) -> None:
    board = _board(tmp_path, "zoe")
    fill_demo(board, today=PAST_DAY)
    assert any(e.user == "zoe" for e in board.entries())
    assert any(c.assignee == "zoe" for c in board.cards())


def test_refuses_a_non_empty_project(tmp_path: Path) -> None:
    board = _board(tmp_path)
    board.add_card("Existing work")
    with pytest.raises(UseCaseError):
        fill_demo(board)
    assert len(board.cards()) == 1


def test_one_write(tmp_path: Path) -> None:
    board = _board(tmp_path)
    board.store.read()
    generation = board.store.generation
    fill_demo(board, today=PAST_DAY)
    assert board.store.generation == generation + 1


def test_demo_sprint_figures(filled: tuple[Board, int]) -> None:
    """What `pmo sprint show` reads from the demo: the active sprint started in the past
    with scope added and a card re-estimated since; the closed ones with their reports."""
    from pmo_tui.core.reports import sprints as figures

    board, _ = filled
    s1, s2, s3, s4 = board.sprints()
    active = figures.sprint_summary(board.session, s3)
    titles = {c.key: c.title for c in board.cards(archived=True)}
    added = {titles[k] for k in active["scope_changes"]["added"]["cards"]}
    assert added == {"Fix off-by-one in sprint day count", "Dark theme contrast fixes"}
    assert [titles[k] for k in active["scope_changes"]["re_estimated"]["cards"]] == [
        "Sprint close report screen"
    ]
    assert active["scope_changes"]["re_estimated"]["points"] == 2  # 3 -> 5
    assert active["velocity"] == figures.velocity([s1, s2]) and active["days_left"] >= 1
    assert 0 < active["completed"] < active["scope"]
    closed = figures.sprint_summary(board.session, s2)
    assert closed["report"] == s2.report and closed["days_left"] == 0
    assert s2.report is not None
    assert [titles[k] for k in s2.report["removed"]["cards"]] == ["Dark theme contrast fixes"]
    rows = figures.sprint_rows(board.session)
    assert [r["state"] for r in rows] == ["closed", "closed", "active", "planned"]
    assert rows[3]["committed"] == sum(c.points or 0 for c in board.cards() if c.sprint == s4.id)
