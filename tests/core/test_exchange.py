"""Tests for pmo_tui.core.exchange: JSON backup round trip, clashes and --merge, validation,
CSV export with formula neutralisation, and CSV import."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from pmo_tui.core.board import Board
from pmo_tui.core.errors import UseCaseError
from pmo_tui.core.exchange import (
    CSV_COLUMNS,
    export_csv,
    export_json,
    import_data,
    neutralise,
    unneutralise,
)
from pmo_tui.core.model import SCHEMA_VERSION
from pmo_tui.core.storage.jsonfile.store import Store

UTC = dt.UTC
T0 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self, start: dt.datetime = T0) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, minutes: int) -> None:
        self.now += dt.timedelta(minutes=minutes)


def sprint_doc(sid: int, name: str, state: str = "planned", project: str = "PMO") -> dict[str, Any]:
    return {
        "id": sid,
        "project": project,
        "name": name,
        "goal": "",
        "start": "2026-11-23",
        "end": "2026-12-04",
        "state": state,
        "capacity": None,
        "commitment": [],
        "closed_at": None,
        "report": None,
    }


def filled(path: Path, user: str = "ann", project: str | None = None) -> Store:
    """A store with a few cards, two sprints, time entries and events."""
    store = Store(path)
    clock = Clock()
    board = Board(store, user, clock=clock)
    if project is not None:  # kanban: no first sprint (the fixture makes its own sprints)
        board.create_project(project, template="kanban")
        board = Board(store, user, project, clock=clock)
    with store.transaction():
        pkey = board.project().key
        store.insert("sprints", sprint_doc(1, "Sprint 1", "active", pkey))
        store.insert("sprints", sprint_doc(2, "Sprint 2", "planned", pkey))
    board.add_card("First card", points=3, tags=["ui", "bug"], sprint=1)
    clock.advance(5)
    board.add_card('Second, with "quotes"', estimate=90, priority="high", due=dt.date(2026, 12, 1))
    clock.advance(5)
    board.add_card("Ünïcødé ✓ 日本", assignee="bob", description="line 1\nline 2")
    clock.advance(5)
    key1 = f"{pkey}-1"
    board.start_timer(key1)
    clock.advance(42)
    board.move_card(key1, "doing")
    clock.advance(10)
    board.stop_timer(note="first go")
    board.log_time(
        f"{pkey}-2", start=T0 - dt.timedelta(hours=2), end=T0 - dt.timedelta(hours=1, minutes=30)
    )
    board.move_card(f"{pkey}-2", "done")
    board.archive(f"{pkey}-3")
    return store


def raw_file(path: Path) -> bytes:
    return path.read_bytes()


def doc_of(store: Store) -> dict[str, Any]:
    result: dict[str, Any] = orjson.loads(export_json(store))
    return result


def imp(store: Store, payload: bytes | dict[str, Any], fmt: str = "json", **kw: Any) -> str:
    raw = payload if isinstance(payload, bytes) else orjson.dumps(payload)
    kw.setdefault("merge", False)
    kw.setdefault("user", "zed")
    kw.setdefault("project", None)
    return import_data(store, raw, fmt, **kw)


# ======================================================================= JSON export
def test_export_json_shape(tmp_path: Path) -> None:
    store = filled(tmp_path / "a.json")
    raw = export_json(store)
    assert raw.startswith(b'{\n  "schema_version"')
    doc = orjson.loads(raw)
    assert list(doc) == ["schema_version", "projects", "cards", "sprints", "time_entries", "events"]
    assert doc["schema_version"] == SCHEMA_VERSION
    assert [c["key"] for c in doc["cards"]] == ["PMO-1", "PMO-2", "PMO-3"]
    assert [s["id"] for s in doc["sprints"]] == [1, 2]
    assert len(doc["time_entries"]) == 2
    assert doc["events"] and all("ts" in e for e in doc["events"])
    assert doc["cards"][2]["archived"] is True
    assert "meta" not in doc


def test_export_json_includes_all_projects(tmp_path: Path) -> None:
    store = filled(tmp_path / "a.json")
    Board(store, "ann").create_project("OPS")
    Board(store, "ann", "OPS").add_card("ops card")
    doc = doc_of(store)
    assert [p["key"] for p in doc["projects"]] == ["PMO", "OPS"]
    assert doc["cards"][-1]["key"] == "OPS-1"


# ======================================================================= round trip
def test_round_trip_into_missing_file_is_byte_identical(tmp_path: Path) -> None:
    store = filled(tmp_path / "a.json")
    first = export_json(store)
    target = Store(tmp_path / "b.json", seed=False)
    summary = imp(target, first)
    assert summary == (
        f"imported 1 project, 3 cards, 2 sprints, 2 time entries, "
        f"{len(orjson.loads(first)['events'])} events into {tmp_path / 'b.json'}"
    )
    assert export_json(Store(tmp_path / "b.json")) == first


def test_round_trip_into_seeded_empty_file_replaces_default_project(tmp_path: Path) -> None:
    store = filled(tmp_path / "a.json", project="ABC")
    first = export_json(store)
    target_path = tmp_path / "b.json"
    # kanban: a project with no data at all (scrum would plan its Sprint 1)
    Board(Store(target_path), "ann").create_project("XYZ", template="kanban")  # + seeded PMO
    target = Store(target_path, seed=False)
    assert [p["key"] for p in doc_of(target)["projects"]] == ["PMO", "XYZ"]
    imp(target, first)
    assert export_json(Store(target_path)) == first
    # and the imported data is usable
    board = Board(Store(target_path), "ann", "ABC")
    assert board.card("ABC-1").title == "First card"
    assert board.add_card("after import").key == "ABC-4"


def test_round_trip_keeps_unknown_fields_and_order(tmp_path: Path) -> None:
    store = filled(tmp_path / "a.json")
    doc = doc_of(store)
    doc["cards"][0]["x_custom"] = {"nested": [1, 2]}
    doc["cards"].reverse()
    doc["events"][0]["extra"] = "kept"
    raw = orjson.dumps(doc, option=orjson.OPT_INDENT_2)
    target = Store(tmp_path / "b.json", seed=False)
    imp(target, raw)
    assert export_json(target) == raw


# ======================================================================= clashes / merge
def test_clash_refused_and_file_unchanged(tmp_path: Path) -> None:
    src = filled(tmp_path / "a.json")
    payload = export_json(src)
    dst_path = tmp_path / "b.json"
    filled(dst_path, user="bob")
    before = raw_file(dst_path)
    with pytest.raises(UseCaseError) as info:
        imp(Store(dst_path), payload)
    msg = str(info.value)
    assert msg.startswith("3 cards already exist (PMO-1, PMO-2, PMO-3), 2 sprints already exist")
    assert "2 time entries already exist (1, 2)" in msg
    assert msg.endswith("use --merge to overwrite them")
    assert "\n" not in msg
    assert raw_file(dst_path) == before


def test_clash_message_lists_at_most_five_keys(tmp_path: Path) -> None:
    src = Store(tmp_path / "a.json")
    board = Board(src, "ann")
    for i in range(7):
        board.add_card(f"card {i}")
    payload = export_json(src)
    dst_path = tmp_path / "b.json"
    dst_board = Board(Store(dst_path), "bob")
    for i in range(7):
        dst_board.add_card(f"theirs {i}")
    with pytest.raises(
        UseCaseError,
        match=r"^7 cards already exist \(PMO-1, PMO-2, PMO-3, "
        r"PMO-4, PMO-5, \.\.\.\) in .*: use --merge to overwrite them$",
    ):
        imp(Store(dst_path), payload)


def test_non_clashing_import_into_non_empty_file(tmp_path: Path) -> None:
    src = filled(tmp_path / "a.json", project="ABC")
    payload = doc_of(src)
    # time entry and sprint ids clash with the target's: move them out of the way
    for sprint in payload["sprints"]:
        sprint["id"] += 100
    for card in payload["cards"]:
        if card["sprint"] is not None:
            card["sprint"] += 100
    for entry in payload["time_entries"]:
        entry["id"] += 100
    dst_path = tmp_path / "b.json"
    filled(dst_path, user="bob")
    summary = imp(Store(dst_path), payload)
    assert summary.startswith("imported 1 project, 3 cards, 2 sprints, 2 time entries, ")
    doc = doc_of(Store(dst_path))
    assert [p["key"] for p in doc["projects"]] == ["PMO", "ABC"]
    assert len(doc["cards"]) == 6
    assert {s["id"] for s in doc["sprints"]} == {1, 2, 101, 102}


def test_merge_replaces_adds_and_merges_projects(tmp_path: Path) -> None:
    src_path = tmp_path / "a.json"
    filled(src_path)
    src = Store(src_path)
    Board(src, "ann").add_card("Fourth only in source")
    payload = doc_of(src)
    payload["cards"][0]["title"] = "First card, imported"
    payload["cards"][0].pop("due")  # replaced documents lose fields the import lacks
    payload["projects"][0]["columns"].append(
        {"id": "qa", "name": "QA", "wip": None, "role": "started"}
    )
    payload["projects"][0]["columns"][0]["name"] = "Renamed in source"
    payload["projects"][0]["next_number"] = 3  # stale: lower than the highest card

    dst_path = tmp_path / "b.json"
    dst_store = filled(dst_path, user="bob")
    dst_board = Board(dst_store, "bob")
    dst_board.add_card("dst 4")
    dst_board.add_card("dst 5")
    dst_board.add_card("dst 6")  # PMO-6: next_number is 7 in the target
    existing_events = doc_of(Store(dst_path))["events"]

    summary = imp(Store(dst_path), payload, merge=True)
    assert "4 cards (4 replaced)" in summary
    assert "2 sprints (2 replaced)" in summary
    assert "2 time entries (2 replaced)" in summary
    assert "merged 1 project" in summary

    doc = doc_of(Store(dst_path))
    cards = {c["key"]: c for c in doc["cards"]}
    assert cards["PMO-1"]["title"] == "First card, imported"
    assert "due" not in cards["PMO-1"]
    # PMO-4 of the target is replaced by the source's PMO-4; 5 and 6 stay
    assert cards["PMO-4"]["title"] == "Fourth only in source"
    assert cards["PMO-6"]["title"] == "dst 6"
    assert len(doc["cards"]) == 6
    project = doc["projects"][0]
    assert [c["id"] for c in project["columns"]] == ["todo", "doing", "review", "done", "qa"]
    assert project["columns"][0]["name"] == "To Do"  # the existing column is kept
    assert project["next_number"] == 7
    assert [e["user"] for e in doc["time_entries"]] == ["ann", "ann"]
    # events: the target's all kept, the source's appended unless exact duplicates
    assert doc["events"][: len(existing_events)] == existing_events
    appended = doc["events"][len(existing_events) :]
    assert appended and all(e["user"] == "ann" for e in appended)
    assert all(e not in existing_events for e in appended)


def test_merge_twice_adds_no_duplicate_events(tmp_path: Path) -> None:
    payload = export_json(filled(tmp_path / "a.json"))
    dst_path = tmp_path / "b.json"
    filled(dst_path, user="bob")
    imp(Store(dst_path), payload, merge=True)
    once = doc_of(Store(dst_path))
    summary = imp(Store(dst_path), payload, merge=True)
    assert "0 events" in summary
    assert doc_of(Store(dst_path)) == once


def test_next_number_raised_above_highest_card(tmp_path: Path) -> None:
    payload = doc_of(filled(tmp_path / "a.json"))
    payload["projects"][0]["next_number"] = 1
    dst_path = tmp_path / "b.json"
    imp(Store(dst_path, seed=False), payload)
    assert doc_of(Store(dst_path))["projects"][0]["next_number"] == 4
    assert Board(Store(dst_path), "ann").add_card("new").key == "PMO-4"


def test_card_of_unknown_project_refused(tmp_path: Path) -> None:
    payload = doc_of(filled(tmp_path / "a.json"))
    payload["projects"] = []
    dst_path = tmp_path / "b.json"
    Board(Store(dst_path, seed=False), "ann").create_project("XYZ", template="kanban")
    before = raw_file(dst_path)
    with pytest.raises(UseCaseError, match="card PMO-1 belongs to project 'PMO'"):
        imp(Store(dst_path, seed=False), payload)
    assert raw_file(dst_path) == before


# ======================================================================= validation
def base_doc() -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "projects": [{"key": "PMO", "name": "pmo", "columns": [], "next_number": 2}],
        "cards": [{"key": "PMO-1", "project": "PMO", "title": "t", "status": "todo"}],
        "sprints": [{"id": 1, "project": "PMO", "name": "S1"}],
        "time_entries": [
            {"id": 1, "card": "PMO-1", "user": "ann", "start": "2026-11-23T09:00:00Z", "end": None}
        ],
        "events": [
            {
                "ts": "2026-11-23T09:00:00Z",
                "user": "ann",
                "card": "PMO-1",
                "type": "created",
                "from": None,
                "to": None,
            }
        ],
    }


def test_base_doc_is_valid(tmp_path: Path) -> None:
    store = Store(tmp_path / "b.json", seed=False)
    assert "1 card, 1 sprint, 1 time entry, 1 event" in imp(store, base_doc())


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        target: Any = doc
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return change


def _drop(path: tuple[Any, ...]) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        target: Any = doc
        for part in path[:-1]:
            target = target[part]
        del target[path[-1]]

    return change


def _dup_card(doc: dict[str, Any]) -> None:
    doc["cards"].append(dict(doc["cards"][0], title="again"))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_drop(("schema_version",)), "schema_version is missing"),
        (_set(("schema_version",), "1"), "schema_version '1' is not a whole number"),
        (_set(("schema_version",), True), "schema_version True is not a whole number"),
        (_set(("schema_version",), SCHEMA_VERSION + 1), "newer than this pmo knows"),
        (_drop(("cards",)), "the 'cards' list is missing"),
        (_drop(("events",)), "the 'events' list is missing"),
        (_set(("sprints",), {"1": {}}), "'sprints' is a JSON object, not a list"),
        (_set(("time_entries",), [1, 2]), "time_entries[0] is a JSON number, not an object"),
        (_set(("projects",), ["PMO"]), "projects[0] is a JSON string, not an object"),
        (_drop(("cards", 0, "key")), "cards[0]: key is missing"),
        (_set(("cards", 0, "key"), 12), "cards[0]: key is 12, not a non-empty string"),
        (_drop(("cards", 0, "project")), "cards[0] (PMO-1): project is missing"),
        (_drop(("cards", 0, "title")), "cards[0] (PMO-1): title is missing"),
        (_set(("cards", 0, "title"), None), "cards[0] (PMO-1): title is None"),
        (_drop(("cards", 0, "status")), "cards[0] (PMO-1): status is missing"),
        (_set(("cards", 0, "key"), "XYZ-1"), "key 'XYZ-1' does not match its project 'PMO'"),
        (_set(("cards", 0, "points"), "3"), "cards[0] (PMO-1): points '3' is not a whole"),
        (_set(("cards", 0, "tags"), "a;b"), "cards[0] (PMO-1): tags is not a list of strings"),
        (_set(("cards", 0, "due"), "soon"), "cards[0] (PMO-1): due 'soon' is not a date"),
        (_set(("cards", 0, "created"), "x"), "cards[0] (PMO-1): created 'x' is not a time"),
        (_dup_card, "duplicate card key 'PMO-1'"),
        (_drop(("time_entries", 0, "id")), "time_entries[0]: id is missing"),
        (_drop(("time_entries", 0, "card")), "time_entries[0] (entry 1): card is missing"),
        (_drop(("time_entries", 0, "user")), "time_entries[0] (entry 1): user is missing"),
        (_drop(("time_entries", 0, "start")), "time_entries[0] (entry 1): start is missing"),
        (_set(("time_entries", 0, "start"), "9am"), "start '9am' is not a time"),
        (_drop(("sprints", 0, "id")), "sprints[0]: id is missing or not a whole number"),
        (_set(("sprints", 0, "id"), "1"), "sprints[0]: id is missing or not a whole number"),
        (_set(("sprints", 0, "state"), "done"), "state 'done' is not one of"),
        (_set(("projects", 0, "key"), "p m o"), "projects[0]: invalid project key"),
        (_drop(("events", 0, "ts")), "events[0]: ts is missing"),
        # issue 7: control characters are refused in every text field, naming it
        (_set(("cards", 0, "title"), "t\x1b]0;x\x07"), "cards[0] (PMO-1): title contains"),
        (_set(("cards", 0, "title"), "two\nlines"), "cards[0] (PMO-1): title contains"),
        (_set(("cards", 0, "description"), "\x1b[2J"), "(PMO-1): description contains"),
        (_set(("cards", 0, "assignee"), "bob\x9b"), "(PMO-1): assignee contains"),
        (_set(("cards", 0, "priority"), "high\x00"), "(PMO-1): priority contains"),
        (_set(("cards", 0, "status"), "todo\u202e"[:-1] + "\x1b"), "(PMO-1): status contains"),
        (_set(("cards", 0, "tags"), ["ok", "a\x1b"]), "cards[0] (PMO-1): tags: a value"),
        (_set(("projects", 0, "name"), "n\x07"), "projects[0] (PMO): name contains"),
        (_set(("sprints", 0, "name"), "s\x1b"), "sprints[0] (sprint 1): name contains"),
        (_set(("time_entries", 0, "note"), "\x9b"), "(entry 1): note contains"),
        (_set(("time_entries", 0, "user"), "u\x1b"), "(entry 1): user contains"),
        (_set(("events", 0, "user"), "u\x1b"), "events[0]: user contains"),
        (_set(("events", 0, "to"), {"status": "\x1b"}), "events[0]: to: a value contains"),
    ],
)
def test_validation_errors(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], expected: str
) -> None:
    doc = base_doc()
    change(doc)
    path = tmp_path / "b.json"
    Board(Store(path), "ann").add_card("existing")
    before = raw_file(path)
    with pytest.raises(UseCaseError) as info:
        imp(Store(path), doc)
    assert expected in str(info.value)
    assert "\n" not in str(info.value)
    assert raw_file(path) == before


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"", "not valid JSON"),
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe", "not valid JSON"),
        (b"[1, 2]", "the document is a JSON array, not an object"),
        (b'"text"', "the document is a JSON string, not an object"),
        (b"null", "the document is a JSON null, not an object"),
    ],
)
def test_not_a_document(tmp_path: Path, raw: bytes, expected: str) -> None:
    with pytest.raises(UseCaseError, match=expected):
        imp(Store(tmp_path / "b.json", seed=False), raw)
    assert not (tmp_path / "b.json").exists()


def test_unsupported_format(tmp_path: Path) -> None:
    with pytest.raises(
        UseCaseError, match=r"import format 'trello' is not supported yet \(use json or csv\)"
    ):
        imp(Store(tmp_path / "b.json"), b"{}", "trello")


# ======================================================================= CSV export
def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_export_csv_columns_and_values(tmp_path: Path) -> None:
    store = filled(tmp_path / "a.json")
    text = export_csv(Board(store, "ann"))
    rows = read_csv(text)
    assert tuple(rows[0]) == CSV_COLUMNS
    by_key = {r["key"]: r for r in rows}
    assert list(by_key) == ["PMO-1", "PMO-2", "PMO-3"]
    one = by_key["PMO-1"]
    assert one["status"] == "doing"
    assert one["points"] == "3"
    assert one["tags"] == "ui;bug"
    assert one["sprint"] == "1"
    assert one["spent"] == "52"
    assert one["archived"] == "false"
    assert one["created"] == "2026-11-23T09:00:00Z"
    two = by_key["PMO-2"]
    assert two["estimate"] == "90"
    assert two["spent"] == "30"
    assert two["priority"] == "high"
    assert two["due"] == "2026-12-01"
    assert two["done"] != ""
    three = by_key["PMO-3"]
    assert three["archived"] == "true"
    assert three["assignee"] == "bob"
    assert three["description"] == "line 1\nline 2"
    assert three["points"] == ""


def test_export_csv_only_current_project(tmp_path: Path) -> None:
    store = filled(tmp_path / "a.json")
    Board(store, "ann").create_project("OPS")
    Board(store, "ann", "OPS").add_card("ops card")
    assert [r["key"] for r in read_csv(export_csv(Board(store, "ann", "OPS")))] == ["OPS-1"]


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=x", "''=x"),  # so that the import can strip exactly one
        ("'quoted'", "'quoted'"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_neutralise(cell: str, written: str) -> None:
    assert neutralise(cell) == written
    assert unneutralise(written) == cell


def test_csv_formula_neutralised_and_restored(tmp_path: Path) -> None:
    src = Store(tmp_path / "a.json")
    board = Board(src, "ann")
    board.add_card("=1+1", tags=["@home"], description="-minus\n=2")
    board.add_card("+cmd|' /C calc'!A0", assignee="=evil")
    text = export_csv(board)
    rows = read_csv(text)
    assert rows[0]["title"] == "'=1+1"
    assert rows[0]["tags"] == "'@home"
    assert rows[0]["description"] == "'-minus\n=2"
    assert rows[1]["title"] == "'+cmd|' /C calc'!A0"
    assert rows[1]["assignee"] == "'=evil"
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))

    dst = Store(tmp_path / "b.json", seed=False)
    assert imp(dst, text.encode(), "csv") == f"imported 2 cards into {dst.path} (project PMO)"
    dst_board = Board(Store(dst.path), "zed")
    one, two = dst_board.cards()
    assert one.title == "=1+1"
    assert one.tags == ["@home"]
    assert one.description == "-minus\n=2"
    assert two.title == "+cmd|' /C calc'!A0"
    assert two.assignee == "=evil"


TRICKY_TITLES = [
    "plain",
    "with, comma",
    'with "double" quotes',
    "it's 'single'",
    "unicode ✓ Ünïcødé 日本語 🎉",
    "trailing comma,",
    '"',
    "semi;colon",
]


def test_csv_round_trip_of_tricky_titles(tmp_path: Path) -> None:
    src = Store(tmp_path / "a.json", seed=False)
    json_doc = base_doc()
    json_doc["cards"] = [
        {
            "key": f"PMO-{i + 1}",
            "project": "PMO",
            "title": t,
            "status": "todo",
            "rank": float(i + 1),
            "tags": [],
            "archived": False,
        }
        for i, t in enumerate(TRICKY_TITLES)
    ]
    json_doc["sprints"] = []
    json_doc["time_entries"] = []
    json_doc["events"] = []
    imp(src, json_doc)
    text = export_csv(Board(src, "ann"))
    assert [r["title"] for r in read_csv(text)] == TRICKY_TITLES

    dst = Store(tmp_path / "b.json", seed=False)
    imp(dst, text.encode("utf-8"), "csv")
    dst_board = Board(Store(dst.path), "ann")
    assert [c.title for c in dst_board.cards()] == TRICKY_TITLES
    assert [c.key for c in dst_board.cards()] == [f"PMO-{i + 1}" for i in range(len(TRICKY_TITLES))]
    again = read_csv(export_csv(dst_board))
    assert [(r["key"], r["title"]) for r in again] == [
        (r["key"], r["title"]) for r in read_csv(text)
    ]


def test_two_running_timers_refused(tmp_path: Path) -> None:
    src = Store(tmp_path / "a.json")
    Board(src, "ann").add_card("a")
    Board(src, "ann").start_timer("PMO-1")
    payload = doc_of(src)
    payload["time_entries"][0]["id"] = 50
    dst_path = tmp_path / "b.json"
    dst = Board(Store(dst_path), "ann")
    dst.add_card("b")
    dst.start_timer("PMO-1")
    before = raw_file(dst_path)
    with pytest.raises(
        UseCaseError, match=r"leave 'ann' with 2 running timers \(time entries 1, 50\)"
    ):
        imp(Store(dst_path), payload, merge=True)
    assert raw_file(dst_path) == before


# ======================================================================= CSV import
def test_csv_round_trip_of_fields(tmp_path: Path) -> None:
    src = filled(tmp_path / "a.json")
    text = export_csv(Board(src, "ann"))
    dst = Store(tmp_path / "b.json", seed=False)
    with dst.transaction():
        dst.tables()  # a new file with meta only
    with Store(dst.path).transaction() as s:
        s.insert(
            "projects",
            {
                "key": "PMO",
                "name": "pmo",
                "columns": doc_of(src)["projects"][0]["columns"],
                "next_number": 1,
                "hours_budget": None,
            },
        )
        s.insert("sprints", sprint_doc(1, "Sprint 1", "active"))
    imp(Store(dst.path), text.encode(), "csv")
    src_cards = {c["key"]: c for c in doc_of(src)["cards"]}
    dst_doc = doc_of(Store(dst.path))
    for card in dst_doc["cards"]:
        original = src_cards[card["key"]]
        for name in (
            "title",
            "description",
            "status",
            "points",
            "estimate",
            "tags",
            "assignee",
            "priority",
            "sprint",
            "due",
            "created",
            "updated",
            "started",
            "done",
            "archived",
        ):
            assert card[name] == original[name], name
    assert dst_doc["projects"][0]["next_number"] == 4
    created = [e for e in dst_doc["events"] if e["type"] == "created"]
    assert [e["card"] for e in created] == ["PMO-1", "PMO-2", "PMO-3"]
    assert all(e["user"] == "zed" for e in created)


def test_csv_import_allocates_new_keys_when_foreign_or_missing(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    board = Board(Store(path), "ann")
    board.add_card("existing one")
    text = "key,title\nXYZ-9,other project\nPMO-7,free key\n,no key\n"
    summary = imp(Store(path), text.encode(), "csv")
    assert summary.startswith("imported 3 cards into")
    cards = Board(Store(path), "ann").cards()
    assert [(c.key, c.title) for c in cards] == [
        ("PMO-1", "existing one"),
        ("PMO-2", "other project"),
        ("PMO-7", "free key"),
        ("PMO-3", "no key"),
    ]
    assert Board(Store(path), "ann").add_card("next").key == "PMO-8"


def test_csv_key_clash_refused_without_merge(tmp_path: Path) -> None:
    """Issue 7: importing an exported CSV used to duplicate every card."""
    path = tmp_path / "b.json"
    board = Board(Store(path), "ann")
    board.add_card("existing one")
    board.add_card("existing two")
    before = raw_file(path)
    text = "key,title\nPMO-1,clashes\nPMO-2,clashes too\nPMO-7,free key\n"
    with pytest.raises(UseCaseError) as info:
        imp(Store(path), text.encode(), "csv")
    assert "2 cards already exist (PMO-1, PMO-2)" in str(info.value)
    assert "--merge" in str(info.value)
    assert raw_file(path) == before


def test_csv_merge_replaces_the_named_columns_of_existing_cards(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    board = Board(Store(path), "ann")
    board.add_card("old title", points=3, tags=["ui"])
    board.add_card("untouched")
    text = "key,title,status\npmo-1,new title,In Progress\nPMO-5,brand new,todo\n"
    summary = imp(Store(path), text.encode(), "csv", merge=True)
    assert summary.startswith("imported 2 cards (1 replaced) into")
    cards = {c.key: c for c in Board(Store(path), "ann").cards()}
    assert sorted(cards) == ["PMO-1", "PMO-2", "PMO-5"]
    one = cards["PMO-1"]
    assert (one.title, one.status, one.points, one.tags) == ("new title", "doing", 3, ["ui"])
    assert one.started is not None
    assert cards["PMO-2"].title == "untouched"


def test_csv_export_imports_into_a_new_file_and_again_with_merge(tmp_path: Path) -> None:
    """Issue 7: a CSV export could not be imported into a new file (`invalid sprint '1'`)."""
    src = filled(tmp_path / "a.json")
    text = export_csv(Board(src, "ann"))
    dst = Store(tmp_path / "new.json", seed=False)
    summary = imp(dst, text.encode(), "csv")
    assert "sprint '1' not in this file: cleared on 1 card" in summary
    keys = [r["key"] for r in read_csv(text)]
    dst_board = Board(Store(dst.path), "ann")
    assert [c.key for c in dst_board.cards(archived=True)] == keys
    assert all(c.sprint is None for c in dst_board.cards(archived=True))
    again = read_csv(export_csv(dst_board))
    for a, b in zip(read_csv(text), again, strict=True):
        for name in ("key", "title", "status", "points", "tags", "due", "archived"):
            assert a[name] == b[name], name
    before = raw_file(dst.path)
    with pytest.raises(UseCaseError, match="3 cards already exist"):
        imp(Store(dst.path), text.encode(), "csv")
    assert raw_file(dst.path) == before
    imp(Store(dst.path), text.encode(), "csv", merge=True)
    assert len(Board(Store(dst.path), "ann").cards(archived=True)) == 3


def test_csv_of_another_project_into_a_new_file_creates_that_project(tmp_path: Path) -> None:
    dst = Store(tmp_path / "new.json", seed=False)
    imp(dst, b"key,title\nOPS-4,a\nOPS-9,b\n", "csv")
    board = Board(Store(dst.path), "ann")
    assert board.project().key == "OPS"
    assert [c.key for c in board.cards()] == ["OPS-4", "OPS-9"]


def test_csv_same_key_twice_refused(tmp_path: Path) -> None:
    with pytest.raises(UseCaseError, match="CSV rows 2 and 3 have the same key PMO-1"):
        imp(Store(tmp_path / "b.json"), b"key,title\nPMO-1,a\npmo-1,b\n", "csv")


def test_csv_sprint_by_name_kept_unknown_cleared(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    filled(path)
    text = "title,sprint\na,Sprint 2\nb,9\nc,Nope\n"
    summary = imp(Store(path), text.encode(), "csv")
    assert "sprint '9', 'Nope' not in this file: cleared on 2 cards" in summary
    cards = {c.title: c for c in Board(Store(path), "ann").cards()}
    assert (cards["a"].sprint, cards["b"].sprint, cards["c"].sprint) == (2, None, None)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("title", "multi\nline"),
        ("title", "osc \x1b]0;pwned\x07"),
        ("description", "csi \x1b[2J"),
        ("assignee", "bob\x9b"),
        ("tags", "a\x1b"),
    ],
)
def test_csv_control_characters_refused_naming_row_and_field(
    tmp_path: Path, column: str, value: str
) -> None:
    path = tmp_path / "b.json"
    Board(Store(path), "ann").add_card("existing")
    before = raw_file(path)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["title", column] if column != "title" else ["title"])
    writer.writerow(["ok", value] if column != "title" else [value])
    with pytest.raises(UseCaseError) as info:
        imp(Store(path), buf.getvalue().encode(), "csv")
    message = str(info.value)
    assert message.startswith("CSV row 2: ")
    assert ("tag" if column == "tags" else column) in message
    assert "\x1b" not in message and "\x9b" not in message and "\n" not in message
    assert raw_file(path) == before


def test_csv_import_minimal_columns_and_defaults(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    imp(Store(path, seed=False), "\ufeffTitle\nOnly a title\n\n".encode(), "csv")
    (card,) = Board(Store(path), "ann").cards()
    assert card.key == "PMO-1"
    assert card.status == "todo"
    assert card.priority == "none"
    assert card.points is None
    assert card.archived is False
    assert card.created is not None


def test_csv_import_into_named_project(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    board = Board(Store(path), "ann")
    board.create_project("OPS", template="kanban")
    imp(Store(path), b"title,status\nx,ready\n", "csv", project="ops")
    assert [(c.key, c.status) for c in Board(Store(path), "ann", "OPS").cards()] == [
        ("OPS-1", "ready")
    ]
    with pytest.raises(UseCaseError, match="no project NOPE"):
        imp(Store(path), b"title\nx\n", "csv", project="NOPE")


def test_csv_status_by_name_and_started_done_filled(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    imp(Store(path, seed=False), b"title,status\na,In Progress\nb,DONE\n", "csv")
    a, b = Board(Store(path), "ann").cards()
    assert a.status == "doing" and a.started is not None and a.done is None
    assert b.status == "done" and b.done is not None


@pytest.mark.parametrize(
    ("csv_text", "expected"),
    [
        ("title,points\nok,3\nbad,lots\n", "CSV row 3: invalid points 'lots'"),
        ("title,status\nx,nowhere\n", "CSV row 2: invalid status 'nowhere': no such column"),
        ("title,estimate\nx,soon\n", "CSV row 2: invalid estimate 'soon'"),
        ("title,priority\nx,meh\n", "CSV row 2: invalid priority 'meh'"),
        ("title,due\nx,31/12/2026\n", "CSV row 2: invalid date '31/12/2026'"),
        ("title,archived\nx,maybe\n", "CSV row 2: invalid archived 'maybe'"),
        ("title,created\nx,yesterday\n", "CSV row 2: invalid created 'yesterday'"),
        ("title,tags\nx,has space\n", "CSV row 2: invalid tag 'has space'"),
        ("title,points\n,3\n", "CSV row 2: the title is empty"),
        ("title\nbell\x07\n", "CSV row 2: title contains a control character"),
        ("key,status\nPMO-1,todo\n", "the CSV has no title column"),
        ("", "the CSV is empty"),
        ("title\nx,extra\n", "CSV row 2: 2 cells but the header has 1"),
    ],
)
def test_csv_bad_values(tmp_path: Path, csv_text: str, expected: str) -> None:
    path = tmp_path / "b.json"
    Board(Store(path), "ann").add_card("existing")
    before = raw_file(path)
    with pytest.raises(UseCaseError) as info:
        imp(Store(path), csv_text.encode(), "csv")
    assert expected in str(info.value)
    assert raw_file(path) == before


def test_csv_not_utf8(tmp_path: Path) -> None:
    with pytest.raises(UseCaseError, match="not UTF-8"):
        imp(Store(tmp_path / "b.json"), b"title\n\xff\xfe\n", "csv")
