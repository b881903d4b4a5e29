"""The time entries' index kept in the data file (core/storage/jsonfile/index.py).

Whatever sequence of entry writes is committed, in whatever groupings, a fresh reader finds
an index equal to the one recomputed from the entries; a missing or stale index (a file
written by hand, by TinyDB, by an older pmo) is never trusted; and the commands that read it
(`ls`, `status`, `start`, `stop`) leave the 30,000 entries of a big file unparsed.
"""

from __future__ import annotations

import json
import tempfile
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tinydb import TinyDB
from tinydb.storages import JSONStorage

from pmo_tui.core.board import Board
from pmo_tui.core.exchange import export_json, import_data
from pmo_tui.core.model import iso
from pmo_tui.core.storage.jsonfile import index as entries_index
from pmo_tui.core.storage.jsonfile import layout
from pmo_tui.core.storage.jsonfile.backend import JsonFileStorage
from pmo_tui.core.storage.jsonfile.index import EntriesIndex
from pmo_tui.core.storage.jsonfile.store import Store

Doc = dict[str, Any]
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
LATER = T0 + timedelta(days=10)
USERS = ["alice", "bob", "carol"]
CARDS = ["PMO-1", "PMO-2", "PMO-3", "PMO-4"]


# ---------------------------------------------------------------------------- helpers
def stored_index(path: Path) -> tuple[Doc, EntriesIndex]:
    """The index line as written (parsed), and the index recomputed from the entries."""
    data = json.loads(path.read_bytes())
    stored = data["_index"]["1"]
    assert set(data["_index"]) == {"1"}
    recomputed = EntriesIndex.from_entries(data["time_entries"])
    return stored, recomputed


def assert_index_matches(path: Path) -> None:
    """The stored index equals the recomputed one (``last`` may be a later upper bound:
    removing an entry does not lower it) and is trusted by a fresh reader."""
    stored, fresh = stored_index(path)
    raw_lines = path.read_bytes().split(b"\n")
    entries_line = next(line for line in raw_lines if line.startswith(b'"time_entries":'))
    body = entries_line[len(b'"time_entries":') : -1]
    assert stored["of"] == zlib.crc32(body)
    assert stored["running"] == fresh.running
    assert stored["minutes"] == fresh.minutes
    for user, bound in fresh.last.items():
        assert stored["last"].get(user, -1) >= bound, user
    tables = Store(path).read()
    assert entries_index._stored(tables) is not None  # trusted, not recomputed
    assert tables.is_raw("time_entries")


def spent_by_hand(entries: dict[str, Doc], now: datetime) -> dict[str, int]:
    """SPEC's spent: whole minutes per entry, running ones up to now."""
    out: dict[str, int] = {}
    for doc in entries.values():
        start = datetime.fromisoformat(doc["start"])
        end = datetime.fromisoformat(doc["end"]) if doc["end"] else now
        minutes = max(0, int((end - start).total_seconds() // 60))
        if minutes:
            out[doc["card"]] = out.get(doc["card"], 0) + minutes
    return out


def entry(i: int, user: str, card: str, start: int, length: int | None, note: str = "") -> Doc:
    """Entry ``i``: starts ``start`` minutes (plus some seconds) after T0, runs ``length``
    minutes (None: running)."""
    began = T0 + timedelta(minutes=start, seconds=i % 7 * 9)
    end = None if length is None else iso(began + timedelta(minutes=length, seconds=i % 5 * 13))
    return {"id": i, "card": card, "user": user, "start": iso(began), "end": end, "note": note}


@pytest.fixture
def path(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "pmo.json"


def _seed(path: Path) -> Board:
    store = Store(path)
    board = Board(store, "alice", clock=lambda: T0 + timedelta(days=30))
    with store.transaction():
        for i in range(4):
            board.add_card(f"card {i}")
    return board


# ------------------------------------------------------------------ property: any writes
# An operation: (kind, entry number, user, card, start minute, length or None, new fields).
op_strategy = st.tuples(
    st.sampled_from(["insert", "insert", "update", "remove", "stop", "restart"]),
    st.integers(1, 12),
    st.sampled_from(USERS),
    st.sampled_from(CARDS),
    st.integers(0, 3 * 24 * 60),  # overlapping days
    st.one_of(st.none(), st.integers(0, 600)),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    ops=st.lists(op_strategy, min_size=1, max_size=25),
    cuts=st.lists(st.booleans(), min_size=25, max_size=25),
    peeks=st.lists(st.booleans(), min_size=25, max_size=25),
    bulk_at=st.one_of(st.none(), st.integers(0, 24)),
)
def test_any_entry_writes_leave_the_stored_index_equal_to_the_recomputed_one(
    ops: list[tuple[str, int, str, str, int, int | None]],
    cuts: list[bool],
    peeks: list[bool],
    bulk_at: int | None,
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pmo.json"
        _seed(path)
        store = Store(path)
        storage = JsonFileStorage(store)
        model: dict[str, Doc] = {}  # what the entries should be
        groups: list[list[int]] = [[]]
        for n in range(len(ops)):
            groups[-1].append(n)
            if cuts[n]:
                groups.append([])
        for group in groups:
            if not group:
                continue
            with storage.transaction():
                for n in group:
                    _apply(storage, store, model, ops[n], bulk=n == bulk_at)
                    if peeks[n]:  # reads inside the transaction see its own writes
                        assert {str(d["id"]) for d in storage.running()} == {
                            k for k, d in model.items() if d["end"] is None
                        }
            if peeks[group[0]]:  # the committed snapshot's index, reused by the next tx
                storage.running()
            assert_index_matches(path)
            fresh = JsonFileStorage(Store(path))
            assert {str(d["id"]): d for d in fresh.running()} == {
                k: d for k, d in model.items() if d["end"] is None
            }
            board = Board(Store(path), "alice", clock=lambda: LATER)
            assert board.spent() == spent_by_hand(model, LATER)


def _apply(
    storage: JsonFileStorage,
    store: Store,
    model: dict[str, Doc],
    op: tuple[str, int, str, str, int, int | None],
    *,
    bulk: bool,
) -> None:
    kind, i, user, card, start, length = op
    key = str(i)
    if bulk:  # an import: the tables changed directly
        tables = store.tables()
        doc = entry(i, user, card, start, length, "bulk")
        tables["time_entries"][key] = doc
        model[key] = doc
        return
    if kind == "insert" and key not in model:
        doc = entry(i, user, card, start, length)
        storage.insert("time_entries", doc)
        model[key] = doc
    elif kind == "update" and key in model:
        new = entry(i, user, card, start, length, "edited")
        storage.update("time_entries", key, new)
        model[key] = new
    elif kind == "remove" and key in model:
        storage.remove("time_entries", key)
        del model[key]
    elif kind == "stop" and key in model and model[key]["end"] is None:
        end = iso(datetime.fromisoformat(model[key]["start"]) + timedelta(minutes=length or 1))
        storage.update("time_entries", key, {"end": end})
        model[key] = dict(model[key], end=end)
    elif kind == "restart" and key in model and model[key]["end"] is not None:
        storage.update("time_entries", key, {"end": None})  # an undone stop
        model[key] = dict(model[key], end=None)


# ---------------------------------------------------------- missing or stale: recomputed
def _timers(path: Path) -> Board:
    board = _seed(path)
    board.clock = lambda: T0
    board.start_timer("PMO-1")
    board.clock = lambda: T0 + timedelta(minutes=50)
    board.stop_timer()
    board.log_time("PMO-2", start=T0 - timedelta(minutes=60), end=T0 - timedelta(minutes=30))
    board.start_timer("PMO-3")
    return board


def _later(path: Path) -> Board:
    return Board(Store(path), "alice", clock=lambda: T0 + timedelta(minutes=70))


def test_commands_keep_the_index_and_read_it(path: Path) -> None:
    _timers(path)
    assert_index_matches(path)
    board = _later(path)
    assert board.spent() == {"PMO-1": 50, "PMO-2": 30, "PMO-3": 20}
    running = board.running()
    assert running is not None and running.card == "PMO-3"
    assert board.store.read().is_raw("time_entries")  # all of it from the index


def test_a_file_without_an_index_is_recomputed_and_then_written_with_one(path: Path) -> None:
    _timers(path)
    data = json.loads(path.read_bytes())
    del data["_index"]  # as an older pmo wrote it
    for recorded in ("layout", "crc"):
        del data["meta"]["1"][recorded]["_index"]
    path.write_text(json.dumps(data))  # on one line: parsed whole
    board = _later(path)
    assert board.spent() == {"PMO-1": 50, "PMO-2": 30, "PMO-3": 20}
    board.move_card("PMO-4", "doing")  # any write brings the index back
    assert_index_matches(path)


def test_tinydb_writes_leave_a_stale_index_that_is_not_trusted(path: Path) -> None:
    _timers(path)
    db = TinyDB(path, storage=JSONStorage)
    db.table("time_entries").insert(
        {"id": 99, "card": "PMO-4", "user": "bob", "start": iso(T0),
         "end": iso(T0 + timedelta(minutes=15)), "note": ""}
    )  # fmt: skip
    db.table("time_entries").update({"end": iso(T0 + timedelta(minutes=60))}, doc_ids=[3])
    db.close()
    assert "_index" in json.loads(path.read_bytes())  # TinyDB kept the stale table
    board = _later(path)
    assert board.spent() == {"PMO-1": 50, "PMO-2": 30, "PMO-3": 10, "PMO-4": 15}
    assert board.running() is None
    board.start_timer("PMO-4")
    assert_index_matches(path)


def test_an_index_of_other_entries_is_not_trusted(path: Path) -> None:
    """An older pmo rewrites the entries line and its checksum, but carries the index line
    over as it is: the index names another checksum, so it is recomputed."""
    _timers(path)
    lines = path.read_bytes().split(b"\n")
    at = next(i for i, line in enumerate(lines) if line.startswith(b'"time_entries":'))
    entries = orjson.loads(lines[at][len(b'"time_entries":') : -1])
    entries["5"] = {"id": 5, "card": "PMO-4", "user": "bob", "start": iso(T0),
                    "end": None, "note": ""}  # fmt: skip
    body = orjson.dumps(entries)
    lines[at] = b'"time_entries":' + body + b","
    meta = orjson.loads(lines[0][len(b'{"meta":') : -1])
    meta["1"]["layout"]["time_entries"] = len(body)
    meta["1"]["crc"]["time_entries"] = zlib.crc32(body)
    lines[0] = b'{"meta":' + orjson.dumps(meta) + b","
    path.write_bytes(b"\n".join(lines))
    tables = Store(path).read()
    assert tables.is_raw("time_entries")  # the layout is intact: only the index is stale
    assert entries_index._stored(tables) is None
    board = _later(path)
    assert [e.card for e in [board.running("bob")] if e] == ["PMO-4"]
    assert board.spent()["PMO-4"] == 70
    board.stop_timer()  # alice's
    assert_index_matches(path)


def test_a_hand_edited_entries_line_of_the_same_length_is_not_trusted(path: Path) -> None:
    _timers(path)
    raw = path.read_bytes()
    stop = b'"end":"%s"' % iso(T0 + timedelta(minutes=50)).encode()
    later = b'"end":"%s"' % iso(T0 + timedelta(minutes=59)).encode()  # same length
    assert raw.count(stop) == 1
    path.write_bytes(raw.replace(stop, later))
    board = _later(path)
    assert board.spent()["PMO-1"] == 59


def test_a_damaged_index_line_is_recomputed_not_refused(path: Path) -> None:
    _timers(path)
    lines = path.read_bytes().split(b"\n")
    at = next(i for i, line in enumerate(lines) if line.startswith(b'"_index":'))
    # Same length, still JSON (the file is not damaged), not an index: its checksum fails.
    lines[at] = b'"_index":{"1":"' + b"x" * (len(lines[at]) - 18) + b'"}}'
    assert lines[-1] == b""
    path.write_bytes(b"\n".join(lines))
    board = _later(path)
    assert board.spent()["PMO-1"] == 50
    board.add_card("more")
    assert_index_matches(path)


# ----------------------------------------------------------------- every kind of write
def test_undo_redo_edit_delete_and_import_keep_it(path: Path) -> None:
    from pmo_tui.core.usecases import timers, undo

    board = _timers(path)
    s = board.session
    change = board.stop_timer()
    assert_index_matches(path)
    undo.apply_change(s, change.inverse())  # the timer runs again
    assert_index_matches(path)
    assert board.running() is not None
    undo.apply_change(s, change)
    assert_index_matches(path)
    first = board.entries("PMO-1")[0]
    timers.edit_entry(s, first.id, start=T0 - timedelta(minutes=10))
    assert_index_matches(path)
    timers.delete_entry(s, first.id)
    assert_index_matches(path)
    exported = export_json(board.store)
    assert b"_index" not in exported
    other = path.with_name("other.json")
    import_data(Store(other, seed=False), exported, "json", merge=False, user="alice", project=None)
    assert_index_matches(other)
    assert Board(Store(other), "alice").spent() == board.spent()


# --------------------------------------------------------- the big file stays unparsed
def _big(path: Path, cards: int = 300) -> None:
    """A file of ``cards`` cards with three finished entries each, and one running timer."""
    store = Store(path)
    with store.transaction():
        tables = store.tables()
        tables["cards"].update(
            {str(n): {"key": f"PMO-{n}", "project": "PMO", "title": f"card {n}",
                      "status": "todo", "rank": float(n)} for n in range(1, cards + 1)}
        )  # fmt: skip
        tables["projects"]["1"]["next_number"] = cards + 1
        for n in range(1, 3 * cards + 1):
            doc = entry(n, USERS[n % 3], f"PMO-{(n - 1) // 3 + 1}", n * 30, 20)
            tables["time_entries"][str(n)] = doc
        tables["time_entries"]["9999"] = dict(entry(9999, "bob", "PMO-7", 99999, None))


@pytest.fixture
def big(path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    _big(path)
    monkeypatch.setenv("PMO_DB", str(path))
    monkeypatch.setenv("PMO_USER", "bob")
    monkeypatch.setenv("PMO_CONFIG", str(path.with_name("none.toml")))
    return path


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The tables parsed from then on (in this process)."""
    names: list[str] = []
    original = layout.Tables._parse

    def spy(self: layout.Tables, name: str) -> dict[str, Doc]:
        names.append(name)
        return original(self, name)

    monkeypatch.setattr(layout.Tables, "_parse", spy)
    return names


def _pmo(*argv: str) -> int:
    from pmo_tui.cli import _main

    return _main(list(argv))


def test_ls_and_status_do_not_parse_the_entries(
    big: Path, parsed: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _pmo("ls") == 0
    assert "time_entries" not in parsed
    assert "PMO-300" in capsys.readouterr().out
    assert _pmo("status", "--short") == 0
    big.with_name(big.name + ".status").unlink()
    assert _pmo("status") == 0  # the full path (no status file), which writes it again
    assert "PMO-7" in capsys.readouterr().out
    assert big.with_name(big.name + ".status").exists()
    assert "time_entries" not in parsed
    assert _pmo("ls", "--json") == 0
    spent = {d["key"]: d["spent"] for d in json.loads(capsys.readouterr().out)}
    assert spent["PMO-1"] == 60


def test_start_and_stop_read_no_entry_before_writing(
    big: Path, parsed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rules of start/stop (running timer, overlap) are decided from the index; only
    writing the entry (the store's business: byte patches) may still parse them."""
    checked: list[str] = []
    for name in ("reserve_id", "update", "insert", "remove"):
        original = getattr(JsonFileStorage, name)

        def guard(self: JsonFileStorage, *args: Any, _o: Any = original, _n: str = name) -> Any:
            if args and args[0] == "time_entries":
                if not checked:  # the command's first write of an entry
                    assert "time_entries" not in parsed, f"entries parsed before {_n}"
                checked.append(_n)
            return _o(self, *args)

        monkeypatch.setattr(JsonFileStorage, name, guard)
    assert _pmo("start", "PMO-5") == 0  # stops bob's running timer on PMO-7 first
    assert checked == ["update", "reserve_id", "insert"]
    checked.clear()
    parsed.clear()
    assert _pmo("stop") == 0
    assert checked == ["update"]
    assert_index_matches(big)


def test_start_and_stop_leave_the_entries_unparsed(big: Path, parsed: list[str]) -> None:
    assert _pmo("start", "PMO-5") == 0
    assert _pmo("stop") == 0
    assert "time_entries" not in parsed


def test_a_start_before_the_last_end_still_checks_the_entries(path: Path) -> None:
    """The shortcut holds only after the user's last end: an entry that ends later (the
    clock went back) is found in the entries, as before."""
    from pmo_tui.core.errors import UseCaseError

    board = _timers(path)  # alice: PMO-1 until T0+50, PMO-3 running
    board.stop_timer()
    board.clock = lambda: T0 + timedelta(minutes=40)
    with pytest.raises(UseCaseError, match="falls inside your entry on PMO-1"):
        board.start_timer("PMO-4")
    board.clock = lambda: T0 + timedelta(minutes=200)
    board.start_timer("PMO-4")
    assert_index_matches(path)


def test_a_move_to_done_finds_the_running_timers_in_the_index(
    big: Path, parsed: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _pmo("move", "PMO-9", "done") == 0  # no timer on it: no entry read
    assert "time_entries" not in parsed
    assert _pmo("move", "PMO-7", "done") == 0  # bob's timer runs there: stopped
    assert "stopped bob's timer on PMO-7" in capsys.readouterr().out
    assert Board(Store(big), "bob").running() is None
    assert_index_matches(big)


def test_latest_end_is_rounded_up_and_an_unreadable_end_blocks_the_shortcut() -> None:
    rows = {
        "1": {"id": 1, "card": "PMO-1", "user": "a", "start": "2026-03-02T08:00:00Z",
              "end": "2026-03-02T08:30:00.250000+00:00"},
        "2": {"id": 2, "card": "PMO-1", "user": "b", "start": "2026-03-02T08:00:00Z",
              "end": ""},
        "3": {"id": 3, "card": "PMO-2", "user": "a", "start": "2026-03-02T09:00:00Z",
              "end": None},
    }  # fmt: skip
    index = EntriesIndex.from_entries(rows)
    half_past = datetime(2026, 3, 2, 8, 30, tzinfo=UTC).timestamp()
    assert index.last["a"] == half_past + 1
    assert index.last["b"] > 2**52  # "" is no time: never known to be clear of it
    assert index.minutes == {"PMO-1": 30}
    assert [d["id"] for d in index.running_docs("a")] == [3]
    index.apply("3", rows["3"], dict(rows["3"], end="2026-03-02T09:10:00Z"))
    assert index.minutes == {"PMO-1": 30, "PMO-2": 10} and not index.running
    assert index == EntriesIndex.from_entries(
        {**rows, "3": dict(rows["3"], end="2026-03-02T09:10:00Z")}
    )


def test_show_reads_one_cards_entries_and_history_without_parsing_them(
    big: Path,
    parsed: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`pmo show` lists one card's time and history: found in the unparsed bytes, the same
    records a full parse gives."""
    assert _pmo("show", "PMO-5", "--json") == 0
    fast = capsys.readouterr().out
    assert "time_entries" not in parsed and "events" not in parsed
    assert '"time_entries": [\n    {' in fast  # (this card has entries)
    # The same command with every table parsed first (the slow, obviously right way).
    monkeypatch.setattr(layout.Tables, "is_raw", lambda self, name: False)
    assert _pmo("show", "PMO-5", "--json") == 0
    assert "events" in parsed
    assert capsys.readouterr().out == fast


def test_the_index_line_has_a_counter_so_a_pmo_without_the_index_carries_it_over(
    path: Path,
) -> None:
    """A pmo from before the index copies a line it does not know only if meta has a
    counter for it (it failed its writes otherwise); the line it carries over is then stale,
    and this pmo recomputes it."""
    _seed(path)
    first = json.loads(path.read_bytes().split(b"\n", 1)[0][len(b'{"meta":') : -1])
    assert first["1"]["next_ids"][entries_index.NAME] == 2
    assert set(first["1"]["next_ids"]) == set(first["1"]["layout"])
