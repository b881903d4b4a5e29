"""Tests for the JSON file store: the shared data file, with real files in tmp_path."""

from __future__ import annotations

import fcntl
import json
import os
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pmo_tui.core import model
from pmo_tui.core.board import Board
from pmo_tui.core.storage.jsonfile import status as status_file
from pmo_tui.core.storage.jsonfile import store as store_mod
from pmo_tui.core.storage.jsonfile.store import Store, StoreError

DEFAULT_COLUMN_IDS = ["todo", "doing", "review", "done"]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "pmo.json"


def make_file(path: Path) -> bytes:
    """A valid data file with the default project and one card; returns its bytes."""
    store = Store(path)
    Board(store, "alice").add_card("first card")
    return path.read_bytes()


def card_titles(store: Store) -> list[str]:
    return sorted(d["title"] for d in store.read()["cards"].values())


def leftovers(directory: Path, data: Path) -> list[str]:
    """Files in ``directory`` other than the data file and its lock/status sidecars."""
    expected = {data.name, data.name + ".lock", data.name + ".status"}
    return sorted(p.name for p in directory.iterdir() if p.name not in expected)


@pytest.fixture
def count_loads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts reads of the data file (Store._validate runs once per read)."""
    calls = [0]
    real = store_mod.Store._validate

    def counting(self: Any, raw: bytes) -> Any:
        calls[0] += 1
        return real(self, raw)

    monkeypatch.setattr(store_mod.Store, "_validate", counting)
    return calls


@pytest.fixture
def umask() -> Iterator[Callable[[int], None]]:
    old = os.umask(0o022)
    os.umask(old)

    def set_mask(mask: int) -> None:
        os.umask(mask)

    try:
        yield set_mask
    finally:
        os.umask(old)


# --------------------------------------------------------------------------- first use
def test_read_of_missing_file_does_not_create_it(db: Path) -> None:
    store = Store(db)
    tables = store.read()
    assert not db.exists()
    assert not store.exists()
    # the in-memory view already has the default project
    [project] = tables["projects"].values()
    assert project["key"] == "PMO"
    assert tables["cards"] == {}


def test_first_transaction_creates_file_with_meta_and_default_project(db: Path) -> None:
    store = Store(db)
    with store.transaction():
        pass  # even an empty transaction creates the file
    assert db.is_file()
    data = json.loads(db.read_bytes())
    meta = data["meta"]["1"]
    assert meta["schema_version"] == model.SCHEMA_VERSION
    assert isinstance(meta["created"], str) and meta["created"].endswith("Z")
    [project] = data["projects"].values()
    assert project["key"] == "PMO"
    assert [c["id"] for c in project["columns"]] == DEFAULT_COLUMN_IDS
    columns = {c["id"]: c for c in project["columns"]}
    assert columns["todo"] == {"id": "todo", "name": "To Do", "wip": None, "role": "todo"}
    assert columns["doing"] == {"id": "doing", "name": "In Progress", "wip": 3, "role": "started"}
    assert columns["review"] == {"id": "review", "name": "Review", "wip": 2, "role": "started"}
    assert columns["done"] == {"id": "done", "name": "Done", "wip": None, "role": "done"}
    for table in store_mod.TABLES:
        assert table in data


def test_seed_false_creates_no_project(db: Path) -> None:
    store = Store(db, seed=False)
    with store.transaction():
        pass
    data = json.loads(db.read_bytes())
    assert data["projects"] == {}
    assert data["meta"]["1"]["schema_version"] == model.SCHEMA_VERSION


def test_first_transaction_creates_missing_folder(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "pmo.json"
    with Store(path).transaction():
        pass
    assert path.is_file()


# --------------------------------------------------------------------------- caching
def test_reads_come_from_memory_while_file_unchanged(db: Path, count_loads: list[int]) -> None:
    make_file(db)
    count_loads[0] = 0
    store = Store(db)
    first = store.read()
    second = store.read()
    assert count_loads[0] == 1
    assert first is second
    store.card("PMO-1")
    _ = list(store.read()["cards"].values())
    assert count_loads[0] == 1


def test_own_write_does_not_cause_reparse(db: Path, count_loads: list[int]) -> None:
    make_file(db)
    store = Store(db)
    store.read()
    count_loads[0] = 0
    Board(store, "alice").add_card("second")
    assert card_titles(store) == ["first card", "second"]
    assert count_loads[0] == 0


def test_write_by_other_instance_causes_reparse(db: Path, count_loads: list[int]) -> None:
    make_file(db)
    mine = Store(db)
    mine.read()
    count_loads[0] = 0
    other = Store(db)
    Board(other, "bob").add_card("from bob")  # other parses once, writes
    assert count_loads[0] == 1
    assert mine.changed_on_disk()
    assert card_titles(mine) == ["first card", "from bob"]
    assert count_loads[0] == 2
    mine.read()
    assert count_loads[0] == 2
    assert not mine.changed_on_disk()


def test_generation_bumps_on_change_only(db: Path) -> None:
    make_file(db)
    store = Store(db)
    store.read()
    gen = store.generation
    store.read()
    assert store.generation == gen
    Board(Store(db), "bob").add_card("x")
    store.read()
    assert store.generation > gen


# --------------------------------------------------------------------------- transactions
def test_transaction_rereads_file_changed_by_other_instance(db: Path) -> None:
    a, b = Store(db), Store(db)
    board_a, board_b = Board(a, "alice"), Board(b, "bob")
    board_a.add_card("a0")
    b.read()
    a.read()
    for i in range(1, 6):
        board_a.add_card(f"a{i}")
        board_b.add_card(f"b{i}")
    expected = sorted(["a0"] + [f"a{i}" for i in range(1, 6)] + [f"b{i}" for i in range(1, 6)])
    for store in (a, b, Store(db)):
        assert card_titles(store) == expected
    keys = sorted(d["key"] for d in Store(db).read()["cards"].values())
    assert len(set(keys)) == 11  # numbers never reused
    data = json.loads(db.read_bytes())
    assert next(iter(data["projects"].values()))["next_number"] == 12


def test_raw_store_writes_by_two_instances_are_both_kept(db: Path) -> None:
    a, b = Store(db), Store(db)
    with a.transaction():
        a.insert("events", {"n": 1})
    b.read()
    with a.transaction():
        a.insert("events", {"n": 2})
    with b.transaction():  # b's copy is stale: must re-read before applying
        b.insert("events", {"n": 3})
    rows = Store(db).read()["events"]
    assert sorted(r["n"] for r in rows.values()) == [1, 2, 3]
    assert len(rows) == 3


def test_exception_in_transaction_writes_nothing(db: Path) -> None:
    before = make_file(db)
    store = Store(db)
    board = Board(store, "alice")
    with pytest.raises(RuntimeError, match="boom"), store.transaction():
        store.insert("cards", {"key": "PMO-99", "project": "PMO", "title": "ghost"})
        pid = next(iter(store.tables()["projects"]))
        store.update("projects", pid, {"name": "changed"})
        raise RuntimeError("boom")
    assert db.read_bytes() == before
    assert card_titles(store) == ["first card"]
    assert store.card("PMO-99") is None
    assert board.project().name == "pmo"
    assert leftovers(db.parent, db) == []
    # the store stays usable
    board.add_card("after")
    assert card_titles(Store(db)) == ["after", "first card"]


def test_exception_in_first_transaction_creates_no_file(db: Path) -> None:
    store = Store(db)
    with pytest.raises(ValueError), store.transaction():
        store.insert("events", {"n": 1})
        raise ValueError("no")
    assert not db.exists()
    assert store.read()["events"] == {}


def test_writes_outside_transaction_are_refused(db: Path) -> None:
    store = Store(db)
    with pytest.raises(RuntimeError):
        store.insert("events", {"n": 1})
    with pytest.raises(RuntimeError):
        store.tables()


def test_nested_transaction_is_part_of_outer(db: Path) -> None:
    make_file(db)
    store = Store(db)
    with pytest.raises(KeyError), store.transaction():
        with store.transaction():
            store.insert("events", {"n": 1})
        raise KeyError("abort outer")
    assert all(e.get("n") != 1 for e in Store(db).read()["events"].values())


# --------------------------------------------------------------------------- file modes
@pytest.mark.parametrize("mode", [0o664, 0o640, 0o600])
def test_permission_bits_survive_a_write(db: Path, mode: int) -> None:
    make_file(db)
    os.chmod(db, mode)
    Board(Store(db), "alice").add_card("another")
    assert stat.S_IMODE(os.stat(db).st_mode) == mode
    Board(Store(db), "alice").add_card("and another")
    assert stat.S_IMODE(os.stat(db).st_mode) == mode


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_new_file_follows_umask(
    db: Path, umask: Callable[[int], None], mask: int, expected: int
) -> None:
    umask(mask)
    with Store(db).transaction():
        pass
    assert stat.S_IMODE(os.stat(db).st_mode) == expected


def test_no_temp_files_left_behind(db: Path) -> None:
    store = Store(db)
    board = Board(store, "alice")
    for i in range(5):
        board.add_card(f"c{i}")
    Board(Store(db), "bob").add_card("other")
    assert leftovers(db.parent, db) == []
    assert sorted(p.name for p in db.parent.iterdir()) == sorted(
        [db.name, db.name + ".lock", db.name + ".status"]
    )


# --------------------------------------------------------------------------- status file
def test_status_file_written_after_each_transaction(db: Path) -> None:
    store = Store(db)
    board = Board(store, "alice")
    status_path = status_file.status_path(db)
    for i in range(3):
        board.add_card(f"c{i}")
        parsed = status_file.parse(status_path.read_bytes())
        assert parsed is not None
        st = os.stat(db)
        assert parsed[0] == (st.st_ino, st.st_size, st.st_mtime_ns)
        assert tuple(store.signature or ()) == parsed[0]
        assert status_file.read_fast(db) == {}
    board.start_timer("PMO-1")
    running = status_file.read_fast(db)
    assert running is not None
    assert running["alice"]["card"] == "PMO-1"
    assert running["alice"]["title"] == "c0"
    board.stop_timer()
    assert status_file.read_fast(db) == {}


def test_status_file_not_trusted_after_foreign_change(db: Path) -> None:
    make_file(db)
    assert status_file.read_fast(db) == {}
    # a write that bypasses pmo (no status refresh)
    raw = json.loads(db.read_bytes())
    raw["events"]["999"] = {"n": 1}
    db.write_bytes(json.dumps(raw).encode())
    assert status_file.read_fast(db) is None


# --------------------------------------------------------------------------- schema
def test_newer_schema_is_refused(db: Path) -> None:
    make_file(db)
    raw = json.loads(db.read_bytes())
    raw["meta"]["1"]["schema_version"] = 999
    data = json.dumps(raw).encode()
    db.write_bytes(data)
    with pytest.raises(StoreError) as info:
        Store(db).read()
    assert str(db) in str(info.value)
    assert "newer" in str(info.value)
    assert info.value.path == db
    with pytest.raises(StoreError, match="newer"), Store(db).transaction():
        pass
    assert db.read_bytes() == data


@pytest.fixture
def schema_v2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend the code knows schema 2, with a migration 1 -> 2 that adds a field."""

    def migrate(tables: dict[str, dict[str, Any]]) -> None:
        for card in tables["cards"].values():
            card["migrated"] = True
        tables["meta"]["1"]["note"] = "v2"

    # store.py imported the name from model: the store's own binding is what it checks.
    monkeypatch.setattr(store_mod, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(model, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(store_mod.MIGRATIONS, 1, migrate)


def test_older_schema_is_migrated_on_read_with_backup(db: Path, schema_v2: None) -> None:
    original = make_v1_file(db)
    store = Store(db)
    tables = store.read()
    assert tables["meta"]["1"]["schema_version"] == 2
    assert all(c.get("migrated") for c in tables["cards"].values())
    backup = db.with_name(db.name + ".bak-v1")
    assert backup.read_bytes() == original
    on_disk = json.loads(db.read_bytes())
    assert on_disk["meta"]["1"]["schema_version"] == 2
    assert on_disk["meta"]["1"]["note"] == "v2"
    assert on_disk["cards"]["1"]["migrated"] is True
    assert on_disk["cards"]["1"]["title"] == "first card"
    assert leftovers(db.parent, db) == [backup.name]
    # a second store sees a v2 file: no further migration, the backup is untouched
    Board(Store(db), "bob").add_card("later")
    assert backup.read_bytes() == original
    assert card_titles(Store(db)) == ["first card", "later"]


def make_v1_file(db: Path) -> bytes:
    """A schema-1 data file written before the code was 'upgraded'."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(store_mod, "SCHEMA_VERSION", 1)
        original = make_file(db)
    assert json.loads(original)["meta"]["1"]["schema_version"] == 1
    return original


def test_older_schema_is_migrated_on_first_transaction(db: Path, schema_v2: None) -> None:
    original = make_v1_file(db)
    store = Store(db, lock_timeout=0.3)
    with store.transaction():
        store.insert("events", {"n": 1})
    assert db.with_name(db.name + ".bak-v1").read_bytes() == original
    on_disk = json.loads(db.read_bytes())
    assert on_disk["meta"]["1"]["schema_version"] == 2
    assert on_disk["cards"]["1"]["migrated"] is True


# --------------------------------------------------------------------------- hostile files
META = {"1": {"schema_version": 1, "created": "2026-11-20T10:00:00Z"}}
HOSTILE: dict[str, bytes] = {
    "empty": b"",
    "whitespace": b"  \n\t \n",
    "truncated": b'{"meta": {"1": {"schema_version": 1}}, "cards": {"1": {"ke',
    "not-json": b"hello, world\n",
    "binary": bytes(range(256)),
    "json-list": b"[1, 2, 3]",
    "json-string": b'"pmo"',
    "json-null": b"null",
    "foreign-object": b'{"hello": 1}',
    "tables-without-meta": json.dumps({"projects": {}, "cards": {}}).encode(),
    "empty-meta": json.dumps({"meta": {}, "cards": {}}).encode(),
    "meta-not-a-table": json.dumps({"meta": [1], "cards": {}}).encode(),
    "schema-not-int": json.dumps({"meta": {"1": {"schema_version": "1"}}}).encode(),
    "schema-bool": json.dumps({"meta": {"1": {"schema_version": True}}}).encode(),
    "schema-zero": json.dumps({"meta": {"1": {"schema_version": 0}}}).encode(),
    "table-is-list": json.dumps({"meta": META, "cards": []}).encode(),
    "bad-rows": json.dumps({"meta": META, "cards": {"1": 5}}).encode(),
    "bad-rows-string": json.dumps({"meta": META, "events": {"1": "x"}}).encode(),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_file_refused_by_read(db: Path, name: str) -> None:
    db.write_bytes(HOSTILE[name])
    with pytest.raises(StoreError) as info:
        Store(db).read()
    assert str(db) in str(info.value)
    assert db.read_bytes() == HOSTILE[name]


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_file_refused_by_transaction(db: Path, name: str) -> None:
    db.write_bytes(HOSTILE[name])
    store = Store(db)
    with pytest.raises(StoreError) as info, store.transaction():
        store.insert("events", {"n": 1})
    assert str(db) in str(info.value)
    assert db.read_bytes() == HOSTILE[name]
    assert leftovers(db.parent, db) == []
    with pytest.raises(StoreError):
        Board(store, "alice").add_card("x")
    assert db.read_bytes() == HOSTILE[name]


def test_directory_at_path_is_refused(db: Path) -> None:
    db.mkdir()
    with pytest.raises(StoreError, match="directory"):
        Store(db).read()
    with pytest.raises(StoreError, match="directory"), Store(db).transaction():
        pass
    assert db.is_dir()
    assert list(db.iterdir()) == []


def test_unreadable_file_is_refused(db: Path) -> None:
    make_file(db)
    os.chmod(db, 0)
    try:
        if os.access(db, os.R_OK):  # running as root
            pytest.skip("root can read anything")
        with pytest.raises(StoreError, match="permission"):
            Store(db).read()
    finally:
        os.chmod(db, 0o644)


def test_hostile_file_fixed_later_is_read(db: Path) -> None:
    good = make_file(db)
    db.write_bytes(b"garbage")
    store = Store(db)
    with pytest.raises(StoreError):
        store.read()
    db.write_bytes(good)
    assert card_titles(store) == ["first card"]


def test_card_row_without_key_is_a_store_error(db: Path) -> None:
    db.write_bytes(
        json.dumps({"meta": META, "projects": {}, "cards": {"1": {"title": "no key"}}}).encode()
    )
    store = Store(db)
    with pytest.raises(StoreError):
        store.read()
        store.card("PMO-1")


# --------------------------------------------------------------------------- locking
def test_lock_timeout(db: Path) -> None:
    before = make_file(db)
    fd = os.open(db.with_name(db.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        store = Store(db, lock_timeout=0.3)
        began = time.monotonic()
        with pytest.raises(StoreError) as info, store.transaction():
            store.insert("events", {"n": 1})
        waited = time.monotonic() - began
        assert "lock" in str(info.value)
        assert str(db) in str(info.value)
        assert 0.25 <= waited < 3
        # reads do not need the lock
        assert card_titles(store) == ["first card"]
    finally:
        os.close(fd)
    assert db.read_bytes() == before
    with store.transaction():  # released: works again
        store.insert("events", {"n": 1})


def test_lock_timeout_from_environment(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMO_LOCK_TIMEOUT", "0.2")
    assert Store(db).lock_timeout == 0.2
    monkeypatch.delenv("PMO_LOCK_TIMEOUT")
    assert Store(db).lock_timeout == store_mod.LOCK_TIMEOUT == 10.0


# --------------------------------------------------------------------------- TinyDB format
def test_the_file_stays_a_tinydb_document_after_every_kind_of_write(db: Path) -> None:
    """pmo no longer queries through TinyDB, but the file is TinyDB's format: TinyDB's own
    storage reads what raw appends, rewrites and removals leave."""
    from tinydb import TinyDB
    from tinydb.storages import JSONStorage

    make_file(db)
    board = Board(Store(db), "bob")
    board.add_card("bob's")
    board.move_card("PMO-1", "doing")  # raw append to the history
    store = Store(db)
    with store.transaction():
        store.remove("cards", store.card_doc_id("PMO-2") or "")
    tiny = TinyDB(db, storage=JSONStorage, access_mode="r")
    try:
        assert [c["title"] for c in tiny.table("cards").all()] == ["first card"]
        assert tiny.table("projects").all()[0]["key"] == "PMO"
        assert len(tiny.table("events").all()) == 3
    finally:
        tiny.close()


def test_a_failing_after_write_hook_does_not_report_a_committed_write_as_failed(db: Path) -> None:
    store = Store(db)

    def broken(store: Store, data: Any) -> None:
        raise StoreError(store.path, "status file damaged")

    store.after_write.append(broken)
    with store.transaction():
        store.insert("events", {"n": 1})
    assert list(json.loads(db.read_text())["events"].values()) == [{"n": 1}]


# --------------------------------------------------------------------------- shared folders
# (issue 7: what a teammate can put at the names pmo uses; the two-account versions of these
# run with real unix accounts in tests/reliability/test_two_accounts.py)
OTHER_UID = 54321  # root may give a link to any uid, existing or not


def need_root() -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to give a file to another account (lchown)")


def run_bounded(fn: Callable[[], Any], seconds: float = 10) -> Any:
    """Run ``fn`` in a thread; fail (instead of hanging the suite) if it does not return."""
    import threading

    out: dict[str, Any] = {}

    def target() -> None:
        try:
            out["value"] = fn()
        except BaseException as exc:
            out["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "hung: the wait was not bounded"
    if "error" in out:
        raise out["error"]
    return out.get("value")


def test_symlinked_data_file_is_written_through_not_forked(tmp_path: Path) -> None:
    team = tmp_path / "srv" / "team.json"
    team.parent.mkdir()
    make_file(team)
    home = tmp_path / "home"
    home.mkdir()
    link = home / "pmo.json"
    link.symlink_to(team)
    Board(Store(link), "bob").add_card("through the link")
    assert link.is_symlink()
    assert card_titles(Store(team)) == ["first card", "through the link"]
    assert sorted(p.name for p in home.iterdir()) == ["pmo.json"]  # no lock/status/temp here
    assert (team.parent / "team.json.lock").exists()
    # The status file is found through the link too.
    Board(Store(link), "bob").start_timer("PMO-2")
    assert status_file.read_fast(link)["bob"]["card"] == "PMO-2"


def test_error_messages_name_the_path_the_user_gave(tmp_path: Path) -> None:
    team = tmp_path / "team.json"
    team.write_bytes(b"garbage")
    link = tmp_path / "mine.json"
    link.symlink_to(team)
    with pytest.raises(StoreError) as info:
        Store(link).read()
    assert info.value.path == link


def test_planted_link_owned_by_another_account_is_refused(tmp_path: Path) -> None:
    need_root()
    private = tmp_path / "home" / "pmo.json"
    private.parent.mkdir()
    before = make_file(private)
    shared = tmp_path / "srv"
    shared.mkdir()
    os.chmod(shared, 0o2775)
    planted = shared / "team.json"
    planted.symlink_to(private)
    os.lchown(planted, OTHER_UID, -1)
    for attempt in ("read", "write"):
        with pytest.raises(StoreError, match="link owned by") as info:
            if attempt == "read":
                Store(planted).read()
            else:
                Board(Store(planted), "alice").add_card("x")
        assert info.value.path == planted
    assert private.read_bytes() == before
    assert sorted(p.name for p in shared.iterdir()) == ["team.json"]
    # The same link is fine in a folder only its owner can write.
    os.chmod(shared, 0o755)
    assert card_titles(Store(planted)) == ["first card"]


@pytest.mark.parametrize("side", ["lock", "status"])
def test_planted_side_file_link_is_never_followed(tmp_path: Path, side: str) -> None:
    db = tmp_path / "pmo.json"
    before = make_file(db)
    outside = tmp_path / "outside" / "nologin"
    outside.parent.mkdir()
    side_path = tmp_path / f"pmo.json.{side}"
    side_path.unlink()
    side_path.symlink_to(outside)
    if side == "lock":
        with pytest.raises(StoreError, match="symbolic link") as info:
            Board(Store(db), "root").add_card("x")
        assert str(db) in str(info.value)
        assert db.read_bytes() == before
    else:
        assert status_file.read_fast(db) is None
        Board(Store(db), "root").add_card("x")  # replaces the link by a file, by rename
        assert not side_path.is_symlink()
    assert not outside.exists()


@pytest.mark.parametrize("side", ["lock", "data", "status"])
def test_fifo_at_a_path_is_refused_not_waited_on(tmp_path: Path, side: str) -> None:
    db = tmp_path / "pmo.json"
    make_file(db)
    target = db if side == "data" else tmp_path / f"pmo.json.{side}"
    target.unlink()
    os.mkfifo(target)
    store = Store(db, lock_timeout=1)
    if side == "status":
        assert run_bounded(lambda: status_file.read_fast(db)) is None
        run_bounded(lambda: Board(store, "a").add_card("x"))
        return
    with pytest.raises(StoreError, match="FIFO") as info:
        run_bounded(lambda: Board(store, "a").add_card("x"))
    assert str(db) in str(info.value)
    if side == "data":
        with pytest.raises(StoreError, match="FIFO"):
            run_bounded(lambda: Store(db).read())


def test_lock_file_deleted_while_held_lets_no_second_writer_in(tmp_path: Path) -> None:
    import threading

    db = tmp_path / "pmo.json"
    make_file(db)
    first, second = Store(db), Store(db, lock_timeout=5)
    done = threading.Event()

    def other_writer() -> None:
        Board(second, "bob").add_card("bob's")
        done.set()

    with first.transaction():
        before = len(first.read()["cards"])
        os.unlink(first.lock_path)  # a teammate "cleans up" the lock file
        thread = threading.Thread(target=other_writer)
        thread.start()
        thread.join(0.5)  # it must wait for us, whatever the lock file's name leads to
        first.insert("cards", {**first.read()["cards"]["1"], "key": "PMO-9", "title": "mine"})
        assert len(first.read()["cards"]) == before + 1
    thread.join(10)
    assert done.is_set()
    assert card_titles(Store(db)) == ["bob's", "first card", "mine"]


def test_lock_timeout_names_the_holder_and_never_suggests_deleting(db: Path) -> None:
    make_file(db)
    holder = Store(db)
    with (
        holder.transaction(),
        pytest.raises(StoreError) as info,
        Store(db, lock_timeout=0.2).transaction(),
    ):
        pass
    message = str(info.value)
    assert f"process {os.getpid()}" in message
    assert "delete" not in message.lower() and "remove" not in message.lower()


@pytest.mark.parametrize("mode", [0o660, 0o664, 0o644])
def test_lock_and_status_files_take_the_data_files_mode_whatever_the_umask(
    db: Path, umask: Callable[[int], None], mode: int
) -> None:
    make_file(db)
    os.chmod(db, mode)
    for side in (".lock", ".status"):
        db.with_name(db.name + side).unlink()
    umask(0o077)
    Board(Store(db), "carol").add_card("x")
    for side in (".lock", ".status"):
        st = os.stat(db.with_name(db.name + side))
        assert stat.S_IMODE(st.st_mode) == mode, side
        assert st.st_gid == os.stat(db).st_gid


def test_own_lock_file_with_a_narrow_mode_is_widened_to_the_data_files(
    db: Path, umask: Callable[[int], None]
) -> None:
    make_file(db)
    os.chmod(db, 0o664)
    os.chmod(db.with_name(db.name + ".lock"), 0o600)
    Board(Store(db), "carol").add_card("x")
    assert stat.S_IMODE(os.stat(db.with_name(db.name + ".lock")).st_mode) == 0o664


@pytest.mark.parametrize("value", ["soon", "-1", "nan", "inf"])
def test_bad_lock_timeout_setting_is_a_usage_error_naming_it(
    db: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    from pmo_tui.core.errors import UseCaseError

    monkeypatch.setenv("PMO_LOCK_TIMEOUT", value)
    with pytest.raises(UseCaseError, match="PMO_LOCK_TIMEOUT") as info:
        Store(db)
    assert str(db) not in str(info.value)


def test_refused_file_gets_no_stray_lock_file(db: Path) -> None:
    db.write_bytes(b"not pmo")
    with pytest.raises(StoreError):
        Board(Store(db), "a").add_card("x")
    assert sorted(p.name for p in db.parent.iterdir()) == ["pmo.json"]


def test_missing_folder_without_create_parent_creates_nothing(tmp_path: Path) -> None:
    db = tmp_path / "typo" / "pmo.json"
    store = Store(db, create_parent=False)
    with pytest.raises(StoreError, match="does not exist"):
        Board(store, "a").add_card("x")
    store.read()  # a read of a missing file creates nothing either
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- values read
# (issue 6 bug 3: a hand-edited bad value names the table, the record and the field)
def edit_doc(db: Path, table: str, doc_id: str, **fields: Any) -> bytes:
    data = json.loads(db.read_text())
    data[table][doc_id].update(fields)
    raw = json.dumps(data).encode()
    db.write_bytes(raw)
    return raw


@pytest.mark.parametrize(
    ("table", "fields", "message"),
    [
        (
            "cards",
            {"points": "x"},
            """cards row 1 (PMO-1): field 'points' must be a whole number or null, not "x\"""",
        ),
        ("cards", {"archived": "no"}, "cards row 1 (PMO-1): field 'archived' must be true or"),
        ("cards", {"points": 10**30}, "field 'points' must be a whole number or null that fits"),
        ("cards", {"estimate": 1.5}, "field 'estimate' must be a whole number or null, not 1.5"),
        ("cards", {"tags": ["a", 3]}, "field 'tags' must be a list of strings"),
        ("cards", {"tags": "a,b"}, "field 'tags' must be a list or null"),
        ("cards", {"priority": "asap"}, "field 'priority' must be one of high, low, medium"),
        ("cards", {"due": 20261201}, "field 'due' must be a string or null, not 20261201"),
        ("cards", {"title": None}, "field 'title' must be a string, not null"),
        ("cards", {"sprint": "1"}, "field 'sprint' must be a whole number or null"),
        ("projects", {"next_number": "7"}, "projects row 1 (PMO): field 'next_number'"),
        ("projects", {"columns": [{"id": "todo", "wip": "3"}]}, "field 'columns.wip'"),
        ("projects", {"columns": [{"id": "x", "role": "later"}]}, "field 'columns.role'"),
        (
            "projects",
            {"columns": [{"name": "no id"}]},
            "(PMO): field 'columns.id' is missing",
        ),
        ("projects", {"columns": "todo"}, "field 'columns' must be a list"),
    ],
)
def test_bad_value_read_from_the_file_names_table_row_and_field(
    db: Path, table: str, fields: dict[str, Any], message: str
) -> None:
    make_file(db)
    raw = edit_doc(db, table, "1", **fields)
    with pytest.raises(StoreError) as info:
        Board(Store(db), "alice").cards()
    assert message in str(info.value)
    assert str(db) in str(info.value)
    with pytest.raises(StoreError):
        Board(Store(db), "alice").add_card("x")
    assert db.read_bytes() == raw


@pytest.mark.parametrize(
    ("table", "doc", "message"),
    [
        ("time_entries", {"id": 1, "card": "PMO-1", "user": "a", "start": "yesterday"}, "'start'"),
        ("time_entries", {"id": 1, "card": "PMO-1", "user": 5, "start": None}, "'user'"),
        (
            "sprints",
            {"id": "one", "project": "PMO"},
            "row 1 (one): field 'id' must be a whole",
        ),
        ("sprints", {"id": 1, "state": "done"}, "sprints row 1 (id 1): field 'state'"),
        ("events", {"ts": 5, "type": "moved"}, "events row 1: field 'ts' must be a string"),
        ("events", {"ts": "2026-01-01T00:00:00Z", "card": ["PMO-1"]}, "field 'card'"),
    ],
)
def test_bad_rows_in_other_tables_are_named(
    db: Path, table: str, doc: dict[str, Any], message: str
) -> None:
    make_file(db)
    data = json.loads(db.read_text())
    data[table] = {"1": doc}
    db.write_text(json.dumps(data))
    store = Store(db)
    with pytest.raises(StoreError, match=table) as info:
        store.read()[table]
    assert message in str(info.value)


def test_bad_value_in_an_edited_line_of_the_layout_is_named(db: Path) -> None:
    """A same-length edit inside pmo's layout (the line's checksum no longer matches): the
    point lookup does not use the bytes, and the parsed table's values are checked."""
    store = Store(db)
    board = Board(store, "alice")
    with store.transaction():
        board.add_card("one")
        board.add_card("two")
    raw = db.read_bytes()
    edited = raw.replace(b'"archived":false', b'"archived":"no!"', 1)
    assert len(edited) == len(raw)
    db.write_bytes(edited)
    fresh = Store(db)
    assert fresh.read().is_raw("cards")
    with pytest.raises(StoreError, match=r"cards row 1 \(PMO-1\): field 'archived'"):
        fresh.card("PMO-1")
    with pytest.raises(StoreError, match="archived"):
        Board(Store(db), "alice").start_timer("PMO-2")
    assert db.read_bytes() == edited


def test_lines_that_match_their_checksum_are_not_checked_again(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmo_tui.core.storage.jsonfile import schema

    make_file(db)
    checked: list[str] = []
    real = schema.check_rows
    monkeypatch.setattr(schema, "check_rows", lambda n, t: (checked.append(n), real(n, t)))
    Store(db).read()["cards"]
    assert checked == []


def test_whole_numbers_up_to_64_bits_are_kept_exactly(db: Path) -> None:
    make_file(db)
    edit_doc(db, "cards", "1", points=2**63, estimate=2**64 - 1)
    Board(Store(db), "alice").add_card("another")
    text = db.read_text()
    assert str(2**63) in text and str(2**64 - 1) in text and "e+" not in text
    card = Store(db).card("PMO-1")
    assert (card["points"], card["estimate"]) == (2**63, 2**64 - 1)


def test_migration_backup_is_never_written_through_a_planted_link(
    db: Path, schema_v2: None
) -> None:
    original = make_v1_file(db)
    outside = db.parent / "outside.txt"
    outside.write_text("keep me")
    db.with_name(db.name + ".bak-v1").symlink_to(outside)
    with pytest.raises(StoreError, match="backup"):
        Store(db).read()
    assert outside.read_text() == "keep me"
    assert db.read_bytes() == original
