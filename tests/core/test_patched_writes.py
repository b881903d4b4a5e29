"""Writes that change one document of an unparsed table by splicing its bytes (patches).

Any sequence of inserts, updates and removals on cards, sprints and time entries, committed
in any grouping of transactions (by the same store or a fresh one), must read back equal to
the same operations applied to plain dicts, leave a file that any JSON reader takes as a
TinyDB document, and record every line's true length and CRC-32 in meta.  A table whose bytes
do not match their checksum is never patched.
"""

from __future__ import annotations

import copy
import json
import tempfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tinydb import TinyDB
from tinydb.storages import JSONStorage

from pmo_tui.core.board import Board
from pmo_tui.core.reports.wip import wip_count
from pmo_tui.core.storage.jsonfile import layout, status
from pmo_tui.core.storage.jsonfile.backend import JsonFileStorage
from pmo_tui.core.storage.jsonfile.layout import CardSummary
from pmo_tui.core.storage.jsonfile.store import Store, StoreError

TABLES = ("cards", "sprints", "time_entries")
NASTY = ['},"1":{', '{"key":"K-1",', '"id":1,', "\\", '"', "}", "{", ",", "é€😀", "\n\t", ""]

texts = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=12),
    st.lists(st.sampled_from(NASTY), max_size=4).map("".join),
)
values = st.one_of(
    texts,
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.lists(texts, max_size=3),
)
card_values = {
    "project": st.sampled_from(["A", "B"]),
    "status": st.sampled_from(["todo", "doing"]),
    "rank": st.one_of(st.none(), st.integers(-3, 3), st.floats(-4, 4, width=32)),
    "archived": st.booleans(),
}
fields = st.one_of(
    st.dictionaries(st.sampled_from(["title", "note", "n", "tags", "x", "y"]), values, max_size=3),
    st.fixed_dictionaries({}, optional=card_values),
)

# An operation: (kind, table, which existing record (an index, modulo the count), fields).
ops = st.tuples(
    st.sampled_from(["insert", "insert", "update", "update", "remove", "read", "parse"]),
    st.sampled_from(TABLES),
    st.integers(0, 50),
    fields,
)
# Transactions: lists of operations, each committed by the same store or a fresh one.
programs = st.lists(st.tuples(st.booleans(), st.lists(ops, max_size=6)), max_size=6)


class Model:
    """The same operations on plain dicts: domain id -> record, in insertion order."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in TABLES}
        self.next_key = 1


def _apply(
    storage: JsonFileStorage, model: Model, op: tuple[str, str, int, dict[str, Any]]
) -> None:
    kind, table, which, extra = op
    rows = model.tables[table]
    ids = list(rows)
    target = ids[which % len(ids)] if ids else None
    if kind == "insert":
        if table == "cards":
            rid = f"K-{model.next_key}"
            model.next_key += 1
            doc = {"key": rid, **extra}
        else:
            n = storage.reserve_id(table)
            rid = str(n)
            doc = {"id": n, **extra}
        storage.insert(table, dict(doc))
        rows[rid] = doc
    elif kind == "update" and target is not None:
        new = storage.update(table, target, dict(extra))
        rows[target] = {**rows[target], **extra}
        assert new == rows[target]
    elif kind == "remove":
        absent = "K-999999" if table == "cards" else "999999"
        rid = target if target is not None and which % 3 else absent
        gone = storage.remove(table, rid)
        assert gone == rows.pop(rid, None)
    elif kind == "parse":
        storage.cards() if table == "cards" else storage.store.read()[table]
    # Reads inside the transaction see its own writes, patched or not.
    for rid, doc in rows.items():
        assert storage.get(table, rid) == doc
    absent = "K-999999" if table == "cards" else "999999"
    assert storage.get(table, absent) is None
    # What `pmo add` and the WIP note read, kept with the cards, is what the cards say.
    cards = list(model.tables["cards"].values())
    for project in ("A", "B"):
        ranks = [float(d.get("rank") or 0) for d in cards if d.get("project") == project]
        assert storage.top_rank(project) == (max(ranks) if ranks else None)
        for column in ("todo", "doing"):
            count = wip_count([d for d in cards if d.get("project") == project], column)
            assert storage.open_count(project, column) == count


def _check_file(path: Path, model: Model) -> None:
    raw = path.read_bytes()
    data = json.loads(raw)  # plain JSON: the stdlib reads it
    assert all(isinstance(t, dict) for t in data.values())  # a TinyDB document
    first = data["meta"]["1"]
    lines = raw.split(b"\n")
    assert lines[-1] == b""
    for line in lines[1:-1]:
        name = line[1 : line.index(b'":')].decode()
        body = line[len(name) + 3 :]
        body = body[:-1]  # the comma after the table, or the document's closing brace
        assert first["layout"][name] == len(body)
        assert first["crc"][name] == zlib.crc32(body)
    for name, (count, crc) in first.get("docs", {}).items():  # (window.py's counts)
        assert count == len(data[name]) and crc == first["crc"][name]
    for table in TABLES:
        field = "key" if table == "cards" else "id"
        got = list(data[table].values())
        assert got == list(model.tables[table].values())
        assert len({str(d[field]) for d in got}) == len(got)
        if table != "cards":
            assert all(doc_id == str(d["id"]) for doc_id, d in data[table].items())
        if table == "cards":
            summary = CardSummary.of(model.tables["cards"].values())
            # (left out only after a change that may lower a highest rank: then the next
            # command counts from the cards and writes it again)
            if "cards_summary" in first:
                assert first["cards_summary"] == summary.to_meta(first["crc"]["cards"])
        ids = [int(i) for i in data[table]]
        assert all(i < first["next_ids"][table] for i in ids)


def _fresh_store(path: Path) -> Store:
    store = Store(path)
    store.after_write.clear()  # (no status file: only the data file is under test)
    return store


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(program=programs)
def test_patched_writes_read_back_like_dicts(program: list[Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pmo.json"
        model = Model()
        store = _fresh_store(path)
        with store.transaction():
            pass  # (a new file is written)
        for fresh, tx in program:
            if fresh:
                store = _fresh_store(path)
            storage = JsonFileStorage(store)
            with storage.transaction():
                for op in tx:
                    _apply(storage, model, op)
            _check_file(path, model)
        reader = JsonFileStorage(_fresh_store(path))
        for table in TABLES:
            assert list(reader.store.read()[table].values()) == list(model.tables[table].values())


@settings(max_examples=30, deadline=None)
@given(program=programs)
def test_a_failed_transaction_leaves_the_snapshot_unpatched(program: list[Any]) -> None:
    """A transaction that raises writes nothing and leaves no patch behind in memory."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pmo.json"
        model = Model()
        store = _fresh_store(path)
        with store.transaction():
            pass
        storage = JsonFileStorage(store)
        for _, tx in program:
            before = path.read_bytes()
            scratch = copy.deepcopy(model)
            with pytest.raises(ZeroDivisionError), storage.transaction():
                for op in tx:
                    _apply(storage, scratch, op)
                1 / 0  # noqa: B018
            assert path.read_bytes() == before
            with storage.transaction():
                for op in tx:
                    _apply(storage, model, op)
            _check_file(path, model)
            store = _fresh_store(path)
            storage = JsonFileStorage(store)


# ---------------------------------------------------------------------------- the fast path
def _board_file(path: Path, n: int = 5) -> None:
    store = Store(path)
    board = Board(store, "alice")
    with store.transaction():
        for i in range(n):
            board.add_card(f"card {i}")


def test_a_move_patches_the_card_without_parsing_the_cards(tmp_path: Path) -> None:
    path = tmp_path / "pmo.json"
    _board_file(path)
    store = Store(path)
    board = Board(store, "bob")
    board.move_card("PMO-3", "review")
    board.move_card("PMO-3", "todo")  # a second patch of the same card, same process
    board.edit_card("PMO-1", title='a "quoted" },"9":{ title')  # the first document
    board.edit_card("PMO-5", title="the last")  # the last document
    data = store.read()
    assert data.is_raw("cards")
    assert store.card("PMO-1")["title"] == 'a "quoted" },"9":{ title'
    fresh = Store(path)
    assert fresh.card("PMO-3")["status"] == "todo"
    assert [d["title"] for d in fresh.read()["cards"].values()] == [
        'a "quoted" },"9":{ title',
        "card 1",
        "card 2",
        "card 3",
        "the last",
    ]


def test_updating_a_time_entry_does_not_parse_the_entries(tmp_path: Path) -> None:
    path = tmp_path / "pmo.json"
    _board_file(path, 2)
    store = Store(path)
    storage = JsonFileStorage(store)
    with storage.transaction():
        for _ in range(3):
            entry_id = storage.reserve_id("time_entries")
            start = "2026-01-01T10:00:00Z"
            storage.insert(
                "time_entries",
                {"id": entry_id, "card": "PMO-1", "user": "a", "start": start, "end": None},
            )
    store = _fresh_store(path)  # (the status file's hook reads all running timers)
    storage = JsonFileStorage(store)
    with storage.transaction():
        storage.update("time_entries", "2", {"end": "2026-01-01T11:00:00Z"})
        assert storage.entry(2)["end"] == "2026-01-01T11:00:00Z"
        storage.insert("time_entries", {"id": storage.reserve_id("time_entries"), "card": "PMO-2"})
    assert store.read().is_raw("time_entries")
    entries = JsonFileStorage(Store(path)).entries()
    assert [(e["id"], e.get("end")) for e in entries] == [
        (1, None),
        (2, "2026-01-01T11:00:00Z"),
        (3, None),
        (4, None),
    ]


def test_a_line_that_does_not_match_its_checksum_is_never_patched(tmp_path: Path) -> None:
    path = tmp_path / "pmo.json"
    _board_file(path)
    raw = path.read_bytes()
    path.write_bytes(raw.replace(b'"card 2"', b'"card X"'))  # same length, other bytes
    store = Store(path)
    board = Board(store, "bob")
    board.move_card("PMO-1", "doing")
    assert not store.read().is_raw("cards")  # parsed (and checked) as a hand edit
    cards = json.loads(path.read_text())["cards"]
    assert cards["3"]["title"] == "card X" and cards["1"]["status"] == "doing"
    # A line that does not even parse is refused, not patched around.
    raw = path.read_bytes()
    path.write_bytes(raw.replace(b'"card X"', b'"card X}'))
    with pytest.raises(StoreError):
        Board(Store(path), "bob").move_card("PMO-1", "todo")
    assert b'"card X}' in path.read_bytes()


def test_add_does_not_parse_the_cards(tmp_path: Path) -> None:
    path = tmp_path / "pmo.json"
    _board_file(path)
    store = Store(path)
    board = Board(store, "bob")
    board.add_card("six")
    assert store.read().is_raw("cards")
    ranks = {d["key"]: d["rank"] for d in Store(path).read()["cards"].values()}
    assert ranks["PMO-6"] == max(ranks.values()) == ranks["PMO-5"] + 1


def test_the_status_file_follows_a_patched_timer(tmp_path: Path) -> None:
    """A timer stopped by a patch (the entries stay unparsed) is not carried over as
    running into the status file."""
    path = tmp_path / "pmo.json"
    _board_file(path, 1)
    store = Store(path)
    storage = JsonFileStorage(store)
    with storage.transaction():
        entry = {"id": storage.reserve_id("time_entries"), "card": "PMO-1", "user": "ann",
                 "start": "2026-01-01T10:00:00Z", "end": None, "note": ""}  # fmt: skip
        storage.insert("time_entries", entry)
    assert set(status.read_fast(path) or {}) == {"ann"}
    store = Store(path)
    storage = JsonFileStorage(store)
    with storage.transaction():
        storage.update("time_entries", str(entry["id"]), {"end": "2026-01-01T11:00:00Z"})
        assert store.read().is_raw("time_entries")  # (patched; the hook then reads them)
    assert status.read_fast(path) == {}


# ---------------------------------------------------------------------------- the card summary
def _summary(path: Path) -> Any:
    return json.loads(path.read_bytes())["meta"]["1"].get("cards_summary")


def _expected(path: Path) -> Any:
    data = json.loads(path.read_bytes())
    return CardSummary.of(data["cards"].values()).to_meta(data["meta"]["1"]["crc"]["cards"])


def test_the_card_summary_stays_right_after_every_kind_of_write(tmp_path: Path) -> None:
    path = tmp_path / "pmo.json"
    _board_file(path)
    assert _summary(path) == _expected(path)
    # Bulk changes (import and the like) through tables(): recomputed from the cards.
    store = Store(path)
    with store.transaction():
        tables = store.tables()
        tables["cards"]["1"]["rank"] = 99.5
        tables["cards"]["2"]["archived"] = True
    assert _summary(path) == _expected(path)
    assert _summary(path)["rank"]["PMO"] == 99.5
    # A change that may lower the highest rank: dropped, then written again by the next
    # command (which counts from the cards).
    storage = JsonFileStorage(Store(path))
    with storage.transaction():
        storage.update("cards", "PMO-1", {"rank": 0.5})
    assert _summary(path) is None
    board = Board(Store(path), "bob")
    board.add_card("after the drop")
    assert _summary(path) == _expected(path)
    ranks = {d["key"]: d["rank"] for d in json.loads(path.read_bytes())["cards"].values()}
    assert ranks["PMO-6"] == max(r for k, r in ranks.items() if k != "PMO-6") + 1
    # A hand edit of the cards (the summary's CRC no longer matches): not used.
    raw = path.read_bytes()
    path.write_bytes(raw.replace(b'"rank":5.0', b'"rank":7.0'))
    store = Store(path)
    assert store.card_summary() is None
    storage = JsonFileStorage(store)
    assert storage.top_rank("PMO") == 7.0  # counted from the (checked) cards
    Board(store, "bob").add_card("after the edit")
    assert _summary(path) == _expected(path)


def test_the_file_stays_readable_by_tinydb(tmp_path: Path) -> None:
    path = tmp_path / "pmo.json"
    _board_file(path, 3)
    storage = JsonFileStorage(Store(path))
    with storage.transaction():
        storage.update("cards", "PMO-2", {"title": '}\\","1":{'})
        storage.remove("cards", "PMO-1")
        storage.remove("cards", "PMO-3")
    db = TinyDB(path, storage=JSONStorage, access_mode="r")
    assert [d["title"] for d in db.table("cards").all()] == ['}\\","1":{']
    db.close()
    with storage.transaction():
        storage.remove("cards", "PMO-2")
    assert json.loads(path.read_bytes())["cards"] == {}
    assert Store(path).read()["cards"] == {}


# ---------------------------------------------------------------------------- raw lookups
def _entries_file(path: Path, ids: list[int], extra: dict[str, Any] | None = None) -> Store:
    store = _fresh_store(path)
    storage = JsonFileStorage(store)
    with storage.transaction():
        for n in ids:
            storage.insert("time_entries", {"id": n, "card": "PMO-1", **(extra or {})})
    return _fresh_store(path)


def test_raw_lookups_tell_ids_apart_and_never_match_inside_text(tmp_path: Path) -> None:
    path = tmp_path / "pmo.json"
    store = _entries_file(path, [1, 10, 12, 100], {"note": '"id":5,{"id":5,}'})
    data = store.read()
    assert data.lookup_raw("time_entries", "id", 1)[0] == "1"  # not 10, 12 or 100
    assert data.lookup_raw("time_entries", "id", 12)[0] == "12"
    assert data.lookup_raw("time_entries", "id", 5) is False  # only inside a string
    assert data.lookup_raw("time_entries", "id", 2) is False
    assert data.doc_raw("time_entries", "10")["id"] == 10
    assert data.doc_raw("time_entries", "5") is False
    assert data.is_raw("time_entries")


def test_a_removed_id_used_again_in_the_same_transaction(tmp_path: Path) -> None:
    path = tmp_path / "pmo.json"
    store = _entries_file(path, [1, 2, 3])
    storage = JsonFileStorage(store)
    with storage.transaction():
        storage.remove("time_entries", "2")
        assert storage.entry(2) is None
        storage.insert("time_entries", {"id": 2, "card": "PMO-9"})
        assert storage.entry(2) == {"id": 2, "card": "PMO-9"}
        storage.update("time_entries", "2", {"note": "x"})
    assert store.read().is_raw("time_entries")
    rows = json.loads(path.read_bytes())["time_entries"]
    assert list(rows) == ["1", "3", "2"]
    assert rows["2"] == {"id": 2, "card": "PMO-9", "note": "x"}


def test_a_value_found_twice_or_not_first_is_left_to_a_parse(tmp_path: Path) -> None:
    """A lookup names a document only for a value found once, as the first field: anything
    else is "not sure" and the caller parses the table."""
    path = tmp_path / "pmo.json"
    store = _entries_file(path, [1, 2])
    storage = JsonFileStorage(store)
    with storage.transaction():
        storage.insert("time_entries", {"id": 3, "card": "PMO-7"})
    data = _fresh_store(path).read()
    assert data.lookup_raw("time_entries", "card", "PMO-1") is True  # two of them
    assert data.lookup_raw("time_entries", "card", "PMO-7") is True  # not written first
    assert data.lookup_raw("time_entries", "card", "PMO-2") is False  # nowhere
    assert data.is_raw("time_entries")


_TEMPLATE: dict[str, bytes] = {}


def _template() -> bytes:
    """A small pmo file (5 cards), built once."""
    if not _TEMPLATE:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "pmo.json"
            _board_file(path)
            _TEMPLATE["raw"] = path.read_bytes()
    return _TEMPLATE["raw"]


@settings(max_examples=80, deadline=None)
@given(where=st.integers(0, 10**6), byte=st.integers(0, 255))
def test_a_cards_line_with_any_byte_changed_is_never_patched(where: int, byte: int) -> None:
    """One byte of the cards line changed (so its CRC-32 cannot match): a one-card write
    parses the table (keeping it as a hand edit if it checks out) or refuses the file;
    it never splices into those bytes."""
    raw = _template()
    start = raw.index(b'\n"cards":') + len(b'\n"cards":')
    stop = raw.index(b"\n", start) - 1
    at = start + where % (stop - start)
    if raw[at] == byte:
        return
    corrupt = raw[:at] + bytes([byte]) + raw[at + 1 :]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pmo.json"
        path.write_bytes(corrupt)
        store = _fresh_store(path)
        try:
            with JsonFileStorage(store).transaction() as storage:
                storage.update("cards", "PMO-2", {"title": "changed"})
        except (StoreError, KeyError):
            assert path.read_bytes() == corrupt  # refused: nothing written
            return
        assert not store.read().is_raw("cards")  # parsed and checked, not patched
        assert json.loads(path.read_bytes())["cards"]  # (and the result is plain JSON)


def test_windowed_reads_never_see_the_bytes_under_a_patch(tmp_path: Path) -> None:
    """window.py reads documents from a table's bytes: not while a patch changed some."""
    from pmo_tui.core.storage.jsonfile import window

    path = tmp_path / "pmo.json"
    _board_file(path, 3)
    store = Store(path)
    assert window.docs_where(store.read(), "cards", "key", {"PMO-2"}) is not None
    Board(store, "bob").edit_card("PMO-2", title="patched")
    data = store.read()
    assert data.is_raw("cards")
    assert window.docs_where(data, "cards", "key", {"PMO-2"}) is None  # not sure: parse
    assert [d["title"] for d in data["cards"].values() if d["key"] == "PMO-2"] == ["patched"]
    fresh = Store(path).read()
    assert [d["title"] for d in window.docs_where(fresh, "cards", "key", {"PMO-2"}) or []] == [
        "patched"
    ]


def _line(path: Path, name: str) -> bytes:
    return next(x for x in path.read_bytes().split(b"\n") if x.startswith(b'"%s":' % name.encode()))


def test_a_table_only_read_is_written_from_its_bytes_and_a_changed_one_anew(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading a table (parsing it) must not make the next write re-encode it: its bytes
    are carried over while the parsed table is untouched; once changed, it is written anew
    (and later writes carry the new bytes)."""
    path = tmp_path / "pmo.json"
    _board_file(path)
    store = Store(path)
    before = _line(path, "projects")
    dumped: list[Any] = []
    real_dumps = layout.dumps
    monkeypatch.setattr(layout, "dumps", lambda data: (dumped.append(data), real_dumps(data))[1])
    with store.transaction():
        projects = store.read()["projects"]  # parsed, only read
        assert projects and not store.read().is_raw("projects")
        store.update("cards", "1", {"title": "changed"})
    assert _line(path, "projects") == before
    assert not any(d is projects for d in dumped)  # carried over, not written again
    doc_id = next(iter(store.read()["projects"]))
    with store.transaction():
        store.update("projects", doc_id, {"name": "renamed"})
    renamed = _line(path, "projects")
    assert b'"renamed"' in renamed
    with store.transaction():
        store.update("cards", "2", {"title": "again"})
    assert _line(path, "projects") == renamed
    fresh = Store(path)
    assert fresh.read()["projects"][doc_id]["name"] == "renamed"
    assert fresh.card("PMO-1")["title"] == "changed"
    _check_crcs(path)


def _check_crcs(path: Path) -> None:
    lines = path.read_bytes().rstrip(b"\n").split(b"\n")
    meta = json.loads(lines[0][len(b'{"meta":') : -1])["1"]
    for raw in lines[1:]:
        name = raw[1 : raw.index(b'":')].decode()
        body = raw[raw.index(b'":') + 2 : -1]
        assert len(body) == meta["layout"][name] and zlib.crc32(body) == meta["crc"][name]
