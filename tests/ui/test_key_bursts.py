"""Random key bursts (issue 7 item 9): the app never crashes, whatever is typed how fast.

Keys that arrive while the app quits or while a modal is still mounting are dropped or
handled by whatever screen is on top; no sequence may surface an exception (NoMatches,
MountError...), and the data file stays valid.  Seeded, so a failure can be replayed."""

from __future__ import annotations

import os
import random
from collections.abc import Callable

import pytest
from ui_helpers import USER, SmallBoard, fast_keys, insert_active_sprint, tables

from pmo_tui.core.board import Board
from pmo_tui.core.storage.jsonfile.store import Store
from pmo_tui.ui.app import PmoApp

MakeApp = Callable[..., PmoApp]

# The whole key map (SPEC section 4) plus what a form or the palette takes.
BOARD_KEYS = [
    *"hjklHJKLnexta psvgGu12345q",
    "enter", "escape", "slash", "question_mark", "ctrl+p", "ctrl+r", "tab", "shift+tab",
    "pagedown", "pageup", "ctrl+d", "ctrl+u", "up", "down", "left", "right",
    "shift+up", "shift+down", "shift+left", "shift+right", "ctrl+s", "backspace", "y",
]  # fmt: skip
TEXT_KEYS = [*"abcxyz019 #@[]", "space"]
# 10 seeds keep the suite fast; PMO_FUZZ_SEEDS=200 runs a longer hunt.
SEEDS = range(int(os.environ.get("PMO_FUZZ_SEEDS", "10")))
KEYS_PER_SEED = 200


def burst(rng: random.Random, n: int) -> list[list[str]]:
    """Keys in runs: within a run no pause at all, between runs the app may catch up."""
    runs: list[list[str]] = []
    left = n
    while left > 0:
        size = min(left, rng.choice([1, 2, 4, 8, 12, 16]))
        pool = BOARD_KEYS if rng.random() < 0.8 else TEXT_KEYS
        runs.append([rng.choice(pool) for _ in range(size)])
        left -= size
    return runs


@pytest.mark.parametrize("seed", SEEDS)
async def test_random_key_bursts_never_crash(
    small: SmallBoard, make_app: MakeApp, seed: int
) -> None:
    if seed % 2:
        insert_active_sprint(small.path, ("PMO-1", "PMO-4"))
    rng = random.Random(seed)
    app = make_app(small.path)
    sent: list[str] = []
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            for run in burst(rng, KEYS_PER_SEED):
                if not app.is_running or app._exit:
                    break  # `q`: the rest is typed into a closed app
                sent.extend(run)
                await fast_keys(pilot, *run)
    except Exception as exc:  # run_test re-raises what the app raised
        raise AssertionError(f"seed {seed}: {exc!r} after keys {sent[-20:]}") from exc
    assert app._exception is None, (seed, app._exception, sent[-20:])
    assert app.return_code in (0, None), (seed, app.return_code)
    assert not app.session.writer.alive
    data = tables(small.path)  # valid JSON, and pmo still reads it
    assert data["cards"]
    Board(Store(small.path), USER).card_docs()


async def test_quit_then_keys_that_open_screens(small: SmallBoard, make_app: MakeApp) -> None:
    """The reported crash: `q` then `e`, `n` or `/` at once (NoMatches #f-title)."""
    for keys in (["q", "e"], ["q", "n"], ["q", "slash"], ["n", "q", "e", "escape"]):
        app = make_app(small.path)
        async with app.run_test() as pilot:
            await fast_keys(pilot, *keys)
        assert app._exception is None, keys
        assert app.return_code in (0, None)
