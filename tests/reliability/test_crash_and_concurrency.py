"""Crash safety and multi-process use of one data file (SPEC 5, "Several users").

Real child processes (``worker.py`` in this folder) write to one file while the test kills
them with SIGKILL, races them against each other, or reads the file under their feet.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from pmo_tui.core.board import Board
from pmo_tui.core.model import parse_iso
from pmo_tui.core.storage.jsonfile.store import Store

WORKER = Path(__file__).resolve().parent / "worker.py"
SEED_CARDS = 2000
KILLS = 40
CHILD_TIMEOUT = 120


# ------------------------------------------------------------------------------- helpers
def child_env(user: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PMO_LOCK_TIMEOUT"] = "30"
    env["PMO_USER"] = user
    return env


def spawn(tmp: Path, name: str, mode: str, *args: object, user: str = "tester") -> Any:
    err = open(tmp / f"{name}.stderr", "w")  # noqa: SIM115 - closed by finish()
    proc = subprocess.Popen(
        [sys.executable, str(WORKER), mode, *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=err,
        text=True,
        env=child_env(user),
        cwd=tmp,
    )
    proc.err_file = err  # type: ignore[attr-defined]
    proc.err_path = tmp / f"{name}.stderr"  # type: ignore[attr-defined]
    return proc


def stderr_of(proc: Any) -> str:
    proc.err_file.close()
    return proc.err_path.read_text()


def wait_ready(proc: Any) -> None:
    line = proc.stdout.readline()
    if line != "ready\n":
        proc.kill()
        proc.wait()
        pytest.fail(f"child did not start ({line!r}): {stderr_of(proc)}")


@contextmanager
def released_together(tmp: Path, procs: list[Any]) -> Iterator[None]:
    """Wait until every child has its Store open, then let them all go at once."""
    try:
        for proc in procs:
            wait_ready(proc)
        (tmp / "go").touch()
        yield
    finally:
        for proc in procs:
            if proc.poll() is None:
                try:
                    proc.wait(timeout=CHILD_TIMEOUT)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def finish(procs: list[Any]) -> list[list[str]]:
    """Each child's output lines; fails on a non-zero exit code or anything on stderr."""
    outputs = []
    for proc in procs:
        out, _ = proc.communicate(timeout=CHILD_TIMEOUT)
        err = stderr_of(proc)
        assert proc.returncode == 0, f"child {proc.args[2:]} exited {proc.returncode}: {err}"
        assert err == "", f"child {proc.args[2:]} wrote to stderr: {err}"
        outputs.append(out.splitlines())
    return outputs


def raw_load(path: Path) -> dict[str, dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        data: dict[str, dict[str, Any]] = json.load(fh)
    return data


def load_both(path: Path) -> dict[str, dict[str, Any]]:
    """Load through a fresh Store (validation included) and through plain json."""
    tables = Store(path, seed=False).read()
    raw = raw_load(path)
    assert set(raw["cards"]) == set(tables["cards"])
    return raw


def cards_by_key(data: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    docs = list(data["cards"].values())
    by_key = {d["key"]: d for d in docs}
    assert len(by_key) == len(docs), "duplicate card keys"
    return by_key


def check_integrity(data: dict[str, dict[str, Any]]) -> None:
    """Keys unique, next_number past every card, exactly one 'created' event per card."""
    by_key = cards_by_key(data)
    (project,) = data["projects"].values()
    numbers = [int(k.split("-")[1]) for k in by_key]
    assert project["next_number"] > max(numbers)
    created = Counter(e["card"] for e in data["events"].values() if e["type"] == "created")
    assert created == Counter(list(by_key)), "'created' events do not match the cards"


def build(path: Path, count: int) -> None:
    store = Store(path)
    board = Board(store, "seed")
    with store.transaction():
        for i in range(count):
            board.add_card(f"seed-{i}")


def temp_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2,000-card data file (about 1 MB), built once and copied by the tests."""
    path = tmp_path_factory.mktemp("big") / "pmo.json"
    build(path, SEED_CARDS)
    assert path.stat().st_size > 500_000
    return path


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "pmo.json"
    build(path, 10)
    return path


# --------------------------------------------------------------------------------- tests
def test_sigkill_mid_write_never_loses_a_reported_write(tmp_path: Path, big_file: Path) -> None:
    path = tmp_path / "pmo.json"
    shutil.copy2(big_file, path)
    rng = random.Random(20261126)
    start = load_both(path)
    # What each card's fields may be: the last reported value, or an in-flight one.
    model: dict[str, dict[str, set[Any]]] = {
        key: {"title": {d["title"]}, "status": {d["status"]}}
        for key, d in cards_by_key(start).items()
    }
    kills = done_total = in_flight_landed = 0
    for run in range(KILLS):
        proc = spawn(tmp_path, f"churn{run}", "churn", path, rng.randrange(1 << 30), run, 60)
        wait_ready(proc)
        time.sleep(rng.uniform(0, 0.3))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=CHILD_TIMEOUT)
        out = proc.stdout.read()
        proc.stdout.close()
        err = stderr_of(proc)
        assert proc.returncode == -signal.SIGKILL, f"child died on its own: {err}"
        kills += 1

        lines = [line.split() for line in out.splitlines(keepends=True) if line.endswith("\n")]
        pending: list[str] | None = None  # the last "try" with no "done" after it
        for word, op, *args in lines:
            if word == "try":
                pending = [op, *args]
                continue
            pending = None
            done_total += 1
            if op == "add":
                key, title = args
                assert key not in model, f"{key} reported as added twice"
                model[key] = {"title": {title}, "status": {"todo"}}
            elif op == "move":
                model[args[0]]["status"] = {args[1]}
            else:
                model[args[0]]["title"] = {args[1]}

        data = load_both(path)  # the file must load after every kill
        by_key = cards_by_key(data)
        if pending is not None:
            op, *args = pending
            if op == "add":
                landed = [k for k, d in by_key.items() if d["title"] == args[0]]
                assert len(landed) <= 1
                for key in landed:
                    model[key] = {"title": {args[0]}, "status": {"todo"}}
                    in_flight_landed += 1
            else:
                field = "status" if op == "move" else "title"
                model[args[0]][field].add(args[1])
        assert set(by_key) == set(model), (
            f"run {run}: cards lost {sorted(set(model) - set(by_key))[:5]} "
            f"or unexplained {sorted(set(by_key) - set(model))[:5]}"
        )
        for key, fields in model.items():
            for field, allowed in fields.items():
                value = by_key[key][field]
                assert value in allowed, f"run {run}: {key}.{field} is {value!r}, not {allowed}"
                fields[field] = {value}  # what the file holds is the base of the next run
        check_integrity(data)
        # A kill can leave at most one temp file behind (data or status file); tolerated.
        assert len(temp_files(tmp_path)) <= kills

    assert done_total > KILLS, "the children hardly wrote anything before being killed"
    print(
        f"\n{kills} kills, {done_total} reported writes, {in_flight_landed} unreported adds "
        f"landed, leftover temp files: {temp_files(tmp_path)}"
    )


def test_concurrent_writers_lose_nothing(tmp_path: Path, data_file: Path) -> None:
    before = cards_by_key(raw_load(data_file))
    procs = [
        spawn(tmp_path, f"w{p}", "adder", data_file, f"w{p}", 50, tmp_path / "go") for p in range(4)
    ]
    with released_together(tmp_path, procs):
        outputs = finish(procs)

    data = load_both(data_file)
    by_key = cards_by_key(data)
    new = {k: d for k, d in by_key.items() if k not in before}
    assert len(new) == 200
    titles = Counter(d["title"] for d in new.values())
    assert titles == Counter(f"w{p}-{i}" for p in range(4) for i in range(50))
    reported = {line.split()[2]: line.split()[3] for out in outputs for line in out}
    assert len(reported) == 200
    assert all(by_key[k]["title"] == t for k, t in reported.items())
    check_integrity(data)
    assert temp_files(tmp_path) == []


def test_concurrent_timers_keep_one_running_entry_per_user(tmp_path: Path, data_file: Path) -> None:
    users = [f"user{u}" for u in range(4)]
    cards = {u: f"PMO-{2 * i + 1},PMO-{2 * i + 2}" for i, u in enumerate(users)}
    stop = tmp_path / "stop-mover"
    timers = [
        spawn(tmp_path, u, "timer", data_file, u, cards[u], 20, tmp_path / "go", user=u)
        for u in users
    ]
    moved = ",".join(cards[u] for u in users)
    mover = spawn(tmp_path, "mover", "mover", data_file, moved, stop, tmp_path / "go")
    with released_together(tmp_path, [*timers, mover]):
        timer_out = finish(timers)
        stop.touch()
        (mover_out,) = finish([mover])

    data = load_both(data_file)
    check_integrity(data)
    entries = list(data["time_entries"].values())
    assert len({e["id"] for e in entries}) == len(entries), "time entry ids are not unique"
    for user, out in zip(users, timer_out, strict=True):
        mine = sorted(
            (e for e in entries if e["user"] == user), key=lambda e: (e["start"], e["id"])
        )
        starts = sum(line.startswith("done start") for line in out)
        assert starts == 20
        assert len(mine) == starts, f"{user}: {starts} timers started, {len(mine)} entries kept"
        assert sum(e["end"] is None for e in mine) <= 1, f"{user} has two running timers"
        for a, b in pairwise(mine):
            assert a["end"] is not None, f"{user}: running entry {a} is not the last one"
            assert parse_iso(a["start"]) <= parse_iso(a["end"]) <= parse_iso(b["start"]), (
                f"{user}: entries overlap: {a} and {b}"
            )
        assert {e["card"] for e in mine} <= set(cards[user].split(","))
    # The mover's moves survived the timer writes: each card is where it was last moved.
    last: dict[str, str] = {}
    for line in mover_out:
        _, _, key, col = line.split()
        last[key] = col
    by_key = cards_by_key(data)
    assert {k: by_key[k]["status"] for k in last} == last


def test_reader_never_sees_a_torn_file(tmp_path: Path, big_file: Path) -> None:
    path = tmp_path / "pmo.json"
    shutil.copy2(big_file, path)
    proc = spawn(tmp_path, "writer", "writer", path, 100, tmp_path / "go")
    reads = 0
    seen_sizes: set[int] = set()
    last_count = SEED_CARDS
    with released_together(tmp_path, [proc]):
        while proc.poll() is None or reads < 20:
            tables = Store(path, seed=False).read()  # a fresh Store: always parses the file
            raw = raw_load(path)
            count = len(raw["cards"])
            assert len(tables["cards"]) >= last_count and count >= len(tables["cards"])
            last_count = count
            seen_sizes.add(os.path.getsize(path))
            reads += 1
        (out,) = finish([proc])
    assert len(out) == 100
    data = load_both(path)
    check_integrity(data)
    assert len(data["cards"]) == SEED_CARDS + 34
    assert len(seen_sizes) > 1, "the reader never saw the file change"
    print(f"\n{reads} reads, {len(seen_sizes)} file versions seen")


def test_undo_under_concurrency_keeps_other_writers_cards(tmp_path: Path, data_file: Path) -> None:
    before = cards_by_key(raw_load(data_file))["PMO-1"]
    go = tmp_path / "go"
    undoer = spawn(tmp_path, "undoer", "undoer", data_file, "PMO-1", 30, go)
    adder = spawn(tmp_path, "adder", "adder", data_file, "b", 60, go)
    with released_together(tmp_path, [undoer, adder]):
        _, added = finish([undoer, adder])

    data = load_both(data_file)
    check_integrity(data)
    by_key = cards_by_key(data)
    for line in added:
        _, _, key, title = line.split()
        assert key in by_key, f"{key} ({title}) was lost"
        assert by_key[key]["title"] == title and not by_key[key]["archived"]
    assert sum(d["title"].startswith("b-") for d in by_key.values()) == 60
    after = by_key["PMO-1"]
    assert (after["title"], after["status"]) == (before["title"], before["status"])
    undone = [d for d in by_key.values() if d["title"].startswith("undone-")]
    assert len(undone) == 10 and all(d["archived"] for d in undone)
