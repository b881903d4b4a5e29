"""Where one `pmo` command spends its time, by phase, without cProfile's overhead.

    PMO_DB=copy.json PMO_USER=bench python bench/phases.py [--runs 5] -- add "bench card"

Runs the command in this process (pmo_tui.cli.main) after timing the imports, with timers
wrapped around the store's phases (read, parse, validate, serialise, write, fsync, status
file) and the GC pauses; prints the median of each phase in ms.  Timers are inclusive: a
phase's figure contains the phases listed under it.  Meant for diagnosis, not for the
published figures (those are whole processes: bench/run.py).
"""

# ruff: noqa: E402  (the start-up timestamp is taken before the other imports)
from __future__ import annotations

import time

T_START = time.perf_counter()  # CLOCK_MONOTONIC: comparable across processes on Linux

import argparse
import ast
import contextlib
import gc
import io
import os
import statistics
import subprocess
import sys
from collections import defaultdict
from typing import Any

TIMES: dict[str, float] = defaultdict(float)


def _wrap(owner: Any, name: str, label: str) -> None:
    fn = getattr(owner, name, None)
    if fn is None:
        return

    def timed(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            TIMES[label] += time.perf_counter() - t0

    setattr(owner, name, timed)


_GC_START = [0.0]


def _gc_callback(phase: str, info: dict[str, Any]) -> None:
    if phase == "start":
        _GC_START[0] = time.perf_counter()
    else:
        TIMES[f"gc pauses (gen {info.get('generation')})"] += time.perf_counter() - _GC_START[0]


def one_run(argv: list[str]) -> dict[str, float]:
    """Fresh process state is needed for import timings: run in a child."""
    TIMES.clear()
    t0 = time.perf_counter()
    import pmo_tui.cli as cli

    TIMES["import pmo_tui.cli"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    import pmo_tui.core.board
    import pmo_tui.core.reports.queries  # ls/show import it

    TIMES["import core (board, store, tinydb, orjson...)"] = time.perf_counter() - t1
    from pmo_tui.core.storage.jsonfile import store

    _wrap(store.Store, "_load", "load (read + parse + validate)")
    _wrap(store, "loads", "  orjson.loads (gc off)")
    _wrap(store.Store, "_validate", "  parse + validate")
    _wrap(store.Store, "_write_file", "write data file (dump + write + fsync)")
    _wrap(store, "dumps", "  orjson.dumps")
    _wrap(os, "fsync", "  os.fsync (file + dir; status file not synced)")
    _wrap(store, "write_status_file", "write .status file")
    _wrap(pmo_tui.core.board.Board, "card_docs", "Board.card_docs (filter + sort)")
    gc.callbacks.append(_gc_callback)
    t2 = time.perf_counter()
    gc.disable()  # as the `pmo` console script does (cli.main leaves it on when given argv)
    with contextlib.redirect_stdout(io.StringIO()):
        code = cli.main(argv)
    TIMES["cli.main total (after imports)"] = time.perf_counter() - t2
    TIMES["exit code"] = code
    TIMES["t_start"] = T_START
    return dict(TIMES)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--pair", nargs="*", default=None, help="argv run (untimed) after each run")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    argv = [a for a in args.command if a != "--"]
    if args.child:
        result = one_run(argv)
        result["t_end"] = time.perf_counter()
        print(repr(result), flush=True)
        return 0
    samples: dict[str, list[float]] = defaultdict(list)
    walls: list[float] = []
    for i in range(args.runs + 1):
        t0 = time.perf_counter()
        out = subprocess.run(
            [sys.executable, __file__, "--child", "--", *argv],
            capture_output=True,
            text=True,
            check=True,
        )
        t_exit = time.perf_counter()
        wall = t_exit - t0
        if args.pair:
            subprocess.run([sys.executable, "-m", "pmo_tui", *args.pair], capture_output=True)
        if i == 0:
            continue
        walls.append(wall)
        result = ast.literal_eval(out.stdout.strip().splitlines()[-1])
        samples["interpreter start-up (to first line of script)"].append(result.pop("t_start") - t0)
        samples["teardown (after output, until the process ended)"].append(
            t_exit - result.pop("t_end")
        )
        for k, v in result.items():
            samples[k].append(v)
    print(f"pmo {' '.join(argv)}: median of {args.runs}, ms")
    print(f"  {'whole process (wall)':<52} {statistics.median(walls) * 1000:7.1f}")
    for k, v in samples.items():
        if k == "exit code":
            continue
        print(f"  {k:<52} {statistics.median(v) * 1000:7.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
