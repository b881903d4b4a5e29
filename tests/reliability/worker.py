"""Child processes for the crash and concurrency tests (run as a script, never imported).

    python worker.py MODE PATH [ARGS...]

Every mode prints ``ready`` once its Store is open, then (for the modes that take GO, a file
path) waits until that file exists, so that the parent can release all children at once.
Each completed use case is reported as one line, ``done <what> <args>``, flushed at once; the
``churn`` mode also prints ``try <what> <args>`` just before it starts a use case, so the
parent knows which write may have been in flight when it killed the child.
Errors are not caught (except the ones named): a traceback and a non-zero exit code are what
the parent checks for.
"""

from __future__ import annotations

import os
import random
import sys
import time

from pmo_tui.core.board import Board
from pmo_tui.core.errors import NothingToDo
from pmo_tui.core.storage.jsonfile.store import Store

COLUMNS = ("todo", "doing", "review", "done")


def say(*parts: object) -> None:
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
    sys.stdout.flush()


def open_board(path: str, user: str) -> Board:
    store = Store(path)
    store.read()
    say("ready")
    return Board(store, user)


def wait_for(go: str) -> None:
    deadline = time.monotonic() + 60
    while not os.path.exists(go):
        if time.monotonic() > deadline:
            raise SystemExit("start file never appeared")
        time.sleep(0.001)


def churn(path: str, seed: str, run: str, nkeys: str) -> None:
    """Write forever (until killed): add, move, edit, add, move, edit, ..."""
    board = open_board(path, "churn")
    rng = random.Random(int(seed))
    keys = [f"PMO-{n}" for n in range(1, int(nkeys) + 1)]
    i = 0
    while True:
        op = i % 3
        if op == 0:
            title = f"r{run}-{i}"
            say("try add", title)
            change = board.add_card(title)
            say("done add", change.key, title)
        elif op == 1:
            key, col = rng.choice(keys), rng.choice(COLUMNS)
            say("try move", key, col)
            board.move_card(key, col)
            say("done move", key, col)
        else:
            key, title = rng.choice(keys), f"e{run}-{i}"
            say("try edit", key, title)
            board.edit_card(key, title=title)
            say("done edit", key, title)
        i += 1


def adder(path: str, prefix: str, count: str, go: str) -> None:
    board = open_board(path, prefix)
    wait_for(go)
    for i in range(int(count)):
        title = f"{prefix}-{i}"
        change = board.add_card(title)
        say("done add", change.key, title)


def timer(path: str, user: str, cards: str, cycles: str, go: str) -> None:
    """Start/stop cycles on the user's own cards; a mover may stop a timer first."""
    board = open_board(path, user)
    keys = cards.split(",")
    wait_for(go)
    for i in range(int(cycles)):
        key = keys[i % len(keys)]
        board.start_timer(key)
        say("done start", key)
        time.sleep(0.01)
        try:
            board.stop_timer()
            say("done stop", key)
        except NothingToDo:  # the mover put the card in a done column, which stopped it
            say("stopped-by-move", key)


def mover(path: str, cards: str, stop: str, go: str) -> None:
    """Move the given cards round the columns until the STOP file exists."""
    board = open_board(path, "mover")
    keys = cards.split(",")
    rng = random.Random(7)
    wait_for(go)
    i = 0
    while not os.path.exists(stop) or i < 20:
        key, col = keys[i % len(keys)], rng.choice(COLUMNS)
        board.move_card(key, col)
        say("done move", key, col)
        time.sleep(0.002)  # a busy teammate, not a tight loop that starves the others
        i += 1


def writer(path: str, count: str, go: str) -> None:
    """COUNT changes: add, move, edit, ... on the first 50 cards."""
    board = open_board(path, "writer")
    rng = random.Random(11)
    wait_for(go)
    for i in range(int(count)):
        if i % 3 == 0:
            title = f"w-{i}"
            change = board.add_card(title)
            say("done add", change.key, title)
        elif i % 3 == 1:
            key, col = f"PMO-{rng.randint(1, 50)}", rng.choice(COLUMNS)
            board.move_card(key, col)
            say("done move", key, col)
        else:
            key, title = f"PMO-{rng.randint(1, 50)}", f"we-{i}"
            board.edit_card(key, title=title)
            say("done edit", key, title)


def undoer(path: str, key: str, rounds: str, go: str) -> None:
    """Make a change and undo it at once (edit, move, add), ROUNDS times."""
    board = open_board(path, "undoer")
    wait_for(go)
    for i in range(int(rounds)):
        kind = i % 3
        if kind == 0:
            change = board.edit_card(key, title=f"undo-me-{i}")
        elif kind == 1:
            change = board.move_card(key, COLUMNS[1 + i % 3])
        else:
            change = board.add_card(f"undone-{i}")
        board.apply(change.inverse())
        say("done undo", change.label.replace(" ", "_"), change.key)


MODES = {
    "churn": churn,
    "adder": adder,
    "timer": timer,
    "mover": mover,
    "writer": writer,
    "undoer": undoer,
}

if __name__ == "__main__":
    MODES[sys.argv[1]](*sys.argv[2:])
