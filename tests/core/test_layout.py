"""The one-table-per-line layout: lazy tables, raw appends, and fallbacks to a full parse."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tinydb import TinyDB
from tinydb.storages import JSONStorage

from pmo_tui.core.board import Board
from pmo_tui.core.storage.jsonfile.status import parse as parse_status
from pmo_tui.core.storage.jsonfile.store import Store, StoreError


def _make(path: Path, n: int = 5) -> Store:
    store = Store(path)
    board = Board(store, "alice")
    with store.transaction():
        for i in range(n):
            board.add_card(f"card {i}")
    return store


def test_file_is_plain_json_with_one_table_per_line(tmp_path: Path) -> None:
    path = tmp_path / "pmo.json"
    _make(path)
    lines = path.read_bytes().decode().splitlines()
    assert [line.split('"')[1] for line in lines] == [
        "meta",
        "projects",
        "cards",
        "sprints",
        "time_entries",
        "events",
        "_index",  # derived from time_entries (index.py)
    ]
    data = json.loads(path.read_text())
    assert len(data["cards"]) == 5
    # TinyDB's own storage reads it too.
    db = TinyDB(path, storage=JSONStorage, access_mode="r")
    assert len(db.table("cards").all()) == 5
    db.close()


def test_a_move_does_not_parse_the_history_but_keeps_it(tmp_path: Path) -> None:
    path = tmp_path / "pmo.json"
    _make(path)
    store = Store(path)
    board = Board(store, "bob")
    board.move_card("PMO-1", "doing")
    assert store.read().is_raw("events")  # appended to, never parsed
    events = json.loads(path.read_text())["events"]
    assert len(events) == 6
    assert list(events) == [str(i) for i in range(1, 7)]
    assert events["6"]["type"] == "moved"
    # And a fresh reader sees everything.
    assert len(Store(path).read()["events"]) == 6


def test_hand_edited_file_falls_back_to_a_full_parse(tmp_path: Path) -> None:
    path = tmp_path / "pmo.json"
    _make(path)
    data = json.loads(path.read_text())
    data["cards"]["1"]["title"] = "edited by hand"
    path.write_text(json.dumps(data, indent=2))  # another layout entirely
    board = Board(Store(path), "alice")
    assert board.card("PMO-1").title == "edited by hand"
    board.add_card("after the edit")
    assert len(json.loads(path.read_text())["cards"]) == 6


def test_same_layout_but_different_length_is_not_trusted(tmp_path: Path) -> None:
    path = tmp_path / "pmo.json"
    _make(path)
    raw = path.read_bytes().replace(b'"card 1"', b'"card one, renamed"')
    path.write_bytes(raw)
    board = Board(Store(path), "alice")
    assert board.card("PMO-2").title == "card one, renamed"
    board.move_card("PMO-2", "doing")
    assert len(json.loads(path.read_text())["events"]) == 6


@pytest.mark.parametrize("cut", [1, 2, 3])
def test_cut_at_a_line_end_is_refused_and_kept(tmp_path: Path, cut: int) -> None:
    """A file truncated exactly after a table's closing braces is not taken as whole."""
    path = tmp_path / "pmo.json"
    _make(path)
    lines = path.read_bytes().split(b"\n")
    damaged = b"\n".join(lines[: -1 - cut]).rstrip(b",") + b"}"
    path.write_bytes(damaged)
    for attempt in ("read", "write"):
        store = Store(path)
        with pytest.raises(StoreError):
            if attempt == "read":
                Board(store, "a").cards()
                store.read()["events"]
            else:
                Board(store, "a").add_card("x")
        assert path.read_bytes() == damaged


def test_corrupt_table_line_is_a_store_error_and_file_kept(tmp_path: Path) -> None:
    path = tmp_path / "pmo.json"
    _make(path)
    raw = path.read_bytes()
    lines = raw.split(b"\n")
    events = lines[5]
    lines[5] = events[:20] + b"X" + events[21:]  # same length, broken JSON
    damaged = b"\n".join(lines)
    path.write_bytes(damaged)
    store = Store(path)
    Board(store, "a").cards()  # the cards table is fine
    with pytest.raises(StoreError, match="events"):
        Board(store, "a").events()
    assert path.read_bytes() == damaged


def test_point_lookup_in_an_unparsed_table(tmp_path: Path) -> None:
    path = tmp_path / "pmo.json"
    store = Store(path)
    board = Board(store, "alice")
    tricky = [
        'mentions {"key":"PMO-2",} in its title',
        'ends with a brace } and "quotes", plus },"9":{ inside',
        "wide 漢字 and emoji 👩\u200d💻",
    ]
    with store.transaction():
        for title in tricky:
            board.add_card(title, tags=["x"])
    fresh = Store(path)
    data = fresh.read()
    assert data.is_raw("cards")
    for n, title in enumerate(tricky, start=1):
        found = data.find_raw("cards", "key", f"PMO-{n}")
        assert found is not None
        assert found[0] == str(n)
        assert found[1]["title"] == title
    assert data.find_raw("cards", "key", "PMO-99") is None
    assert data.is_raw("cards")  # none of this parsed the table
    # The store uses it for card lookups, and a timer command never parses the cards.
    assert fresh.card("PMO-3")["title"] == tricky[2]
    Board(fresh, "alice").start_timer("PMO-2")
    assert fresh.read().is_raw("cards")  # the timer command never parsed the cards
    assert json.loads(path.read_text())["cards"]["2"]["title"] == tricky[1]
    status = parse_status((tmp_path / "pmo.json.status").read_bytes())
    assert status is not None and status[1]["alice"]["title"] == tricky[1]


def _damage_events_keeping_length(path: Path) -> bytes:
    """Flip one structural byte inside the events line; every line keeps its length."""
    lines = path.read_bytes().split(b"\n")
    events = lines[5]
    at = events.index(b":{", 12)  # inside the first event, not the table's own brace
    lines[5] = events[:at] + b";" + events[at + 1 :]
    damaged = b"\n".join(lines)
    path.write_bytes(damaged)
    return damaged


@pytest.mark.parametrize("command", ["move", "add", "start"])
def test_damaged_line_of_same_length_is_refused_before_any_write(
    tmp_path: Path, command: str
) -> None:
    path = tmp_path / "pmo.json"
    _make(path)
    damaged = _damage_events_keeping_length(path)
    store = Store(path)
    board = Board(store, "alice")
    with pytest.raises(StoreError, match="events") as info:
        if command == "move":
            board.move_card("PMO-1", "doing")
        elif command == "add":
            board.add_card("new")
        else:
            board.start_timer("PMO-1")
    assert str(path) in str(info.value)
    assert path.read_bytes() == damaged


def test_same_length_hand_edit_is_parsed_not_used_as_bytes(tmp_path: Path) -> None:
    """A line whose checksum does not match is parsed like any hand edit (and kept if it
    is valid), never searched or carried as bytes."""
    path = tmp_path / "pmo.json"
    _make(path)
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b'"card 1"', b'"card X"')  # same length, wrong checksum
    path.write_bytes(b"\n".join(lines))
    store = Store(path)
    assert store.card("PMO-2")["title"] == "card X"
    assert not store.read().is_raw("cards")
    Board(store, "alice").move_card("PMO-2", "doing")
    assert Store(path).card("PMO-2")["title"] == "card X"


def test_file_without_checksums_is_parsed_whole_and_gains_them(tmp_path: Path) -> None:
    path = tmp_path / "pmo.json"
    _make(path)
    lines = path.read_bytes().split(b"\n")
    meta = json.loads(lines[0][len(b'{"meta":') : -1])
    del meta["1"]["crc"]
    lines[0] = b'{"meta":' + json.dumps(meta, separators=(",", ":")).encode() + b","
    path.write_bytes(b"\n".join(lines))
    store = Store(path)
    assert not store.read().is_raw("events")  # no checksums: parsed whole, as before
    Board(store, "alice").move_card("PMO-1", "doing")
    assert "crc" in json.loads(path.read_text())["meta"]["1"]
    assert Store(path).read().is_raw("events")
