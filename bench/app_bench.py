"""Time the app: launch to first board (and backlog) frame, a move key redrawn, peak memory,
idle CPU.

    python bench/app_bench.py [--runs 5] [--write]
    python bench/app_bench.py --json [--runs 9] [--idle-seconds 30]

``--json`` prints one JSON object (medians; the issue-12 figures only: bare app, board first
frame and move at 1k/10k, idle CPU at 10k) and nothing else on stdout.

Each first-frame run is a fresh process (imports included) in headless mode, next to a
bare Textual app that paints one Static.  Move timings are in-process:
the time from pressing `L`/`H` to the board having redrawn (the write itself happens on the
writer thread and is not waited for, as for a person).  Figures go to bench/RESULTS.md
under "## App (bench/app_bench.py)" with --write.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _results import ensure_data, machine, replace_section  # noqa: E402

BARE = r"""
import os, resource, sys, time
os.environ["TEXTUAL_ANIMATIONS"] = "none"
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("hello")
    def on_mount(self):
        self.call_after_refresh(self.done)
    def done(self):
        use = resource.getrusage(resource.RUSAGE_SELF)
        print(time.time(), use.ru_maxrss, use.ru_utime + use.ru_stime)
        self.exit()
Bare().run(headless=True, size=(120, 40))
"""

PMO = r"""
import os, resource, sys, time
os.environ["TEXTUAL_ANIMATIONS"] = "none"
from pmo_tui.ui.app import PmoApp
class Timed(PmoApp):
    def on_mount(self):
        super().on_mount()
        self.set_timer(0.001, self.check)
    def check(self):
        screen = self.screen
        # With "complete": also my running timer, looked up on a worker after the first
        # frame (an app without that lookup has it in the first frame).
        timer_known = sys.argv[2:] != ["complete"] or getattr(self, "_timer", (0,))[0] >= 0
        if getattr(screen, "view", None) and timer_known:
            self.call_after_refresh(self.done)
        else:
            self.set_timer(0.005, self.check)
    def done(self):
        cards = sum(len(v) for v in self.screen.view.values())
        use = resource.getrusage(resource.RUSAGE_SELF)
        print(time.time(), use.ru_maxrss, cards, use.ru_utime + use.ru_stime)
        self.exit()
Timed(sys.argv[1], user="bench", poll_interval=0).run(headless=True, size=(120, 40))
"""

BACKLOG = r"""
import os, resource, sys, time
os.environ["TEXTUAL_ANIMATIONS"] = "none"
from pmo_tui.ui.app import PmoApp
class Timed(PmoApp):
    DEFAULT_MODE = "backlog"  # the backlog (key 2) is the first screen painted
    def on_mount(self):
        super().on_mount()
        self.set_timer(0.001, self.check)
    def check(self):
        if getattr(self.screen, "rows", None):
            self.call_after_refresh(self.done)
        else:
            self.set_timer(0.005, self.check)
    def done(self):
        cards = sum(1 for row in self.screen.rows if row.card is not None)
        print(time.time(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, cards)
        self.exit()
Timed(sys.argv[1], user="bench", poll_interval=0).run(headless=True, size=(120, 40))
"""

BURNDOWN = r"""
import os, resource, sys, time
os.environ["TEXTUAL_ANIMATIONS"] = "none"
from pmo_tui.ui.app import PmoApp
class Timed(PmoApp):
    def on_mount(self):
        super().on_mount()
        self.switch_mode("burndown")  # as if `5` were the first key
        self.set_timer(0.001, self.check)
    def check(self):
        if getattr(self.screen, "figures", None) is not None:  # the worker's figures shown
            self.call_after_refresh(self.done)
        else:
            self.set_timer(0.005, self.check)
    def done(self):
        print(time.time(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
        self.exit()
Timed(sys.argv[1], user="bench", poll_interval=0).run(headless=True, size=(120, 40))
"""

TIMESHEET = r"""
import os, resource, sys, time
from datetime import UTC, datetime
os.environ["TEXTUAL_ANIMATIONS"] = "none"
from pmo_tui.ui.app import PmoApp
from pmo_tui.ui.screens.timesheet import TimesheetScreen
class Everyone(TimesheetScreen):
    def __init__(self):
        super().__init__()
        self.who = "everyone"
class Timed(PmoApp):
    # The app opens on the timesheet (key 4) for everyone, in the week of the data
    # (generate.py's --now); the frame counts once the worker's sheet is drawn.
    MODES = {**PmoApp.MODES, "timesheet": Everyone}
    DEFAULT_MODE = "timesheet"
    def on_mount(self):
        super().on_mount()
        self.set_timer(0.001, self.check)
    def check(self):
        screen = self.screen
        if getattr(screen, "computed", None) is not None and not screen._loading:
            self.call_after_refresh(self.done)
        else:
            self.set_timer(0.005, self.check)
    def done(self):
        rows = len(self.screen.rows)
        print(time.time(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, rows)
        self.exit()
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
Timed(sys.argv[1], user="bench", poll_interval=0, clock=lambda: NOW).run(
    headless=True, size=(120, 40)
)
"""

MOVE = r"""
import asyncio, os, statistics, sys, time
os.environ["TEXTUAL_ANIMATIONS"] = "none"
from textual import events
from pmo_tui.ui.app import PmoApp

class Timed(PmoApp):
    painted: list = []
    def _display(self, screen, renderable):
        super()._display(screen, renderable)
        self.painted.append(time.perf_counter())

async def timed_key(app, key, changed):
    # From the key event entering the app to the first frame painted after the board
    # redrew with the change (pilot.press would add ~40 ms of its own idle waiting).
    app.painted.clear()
    t = time.perf_counter()
    app._driver.send_message(events.Key(key, key))
    deadline = t + 5
    while time.perf_counter() < deadline:
        await asyncio.sleep(0.0005)
        if changed() and app.painted:
            return (app.painted[-1] - t) * 1000
    raise SystemExit(f"no redraw after {key!r}")

async def main():
    app = Timed(sys.argv[1], user="bench", poll_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.action_toggle_view()  # all open cards: the biggest board
        await pilot.pause()
        moves, cursor = [], []
        for i in range(int(sys.argv[2])):
            key = "L" if i % 2 == 0 else "H"
            before = screen.col_index
            moves.append(await timed_key(app, key, lambda: screen.col_index != before))
            while app.session.busy:
                await asyncio.sleep(0.005)
            await pilot.pause(0.05)
        for i in range(20):
            before = screen.cursor_key
            key = "j" if i % 2 == 0 else "k"
            cursor.append(await timed_key(app, key, lambda: screen.cursor_key != before))
            await pilot.pause(0.02)
        print(statistics.median(moves), min(moves), statistics.median(cursor))
asyncio.run(main())
"""


IDLE = r"""
import os, sys
os.environ["TEXTUAL_ANIMATIONS"] = "none"
from pmo_tui.ui.app import PmoApp
class Idle(PmoApp):
    def on_mount(self):
        super().on_mount()
        self.set_timer(0.001, self.check)
    def check(self):
        if getattr(self.screen, "view", None):
            sys.__stdout__.write("ready\n")  # (print would go to Textual's log)
            sys.__stdout__.flush()
        else:
            self.set_timer(0.005, self.check)
# As a person runs it: the header's clock ticks, another process's writes are polled for.
Idle(sys.argv[1], user="bench").run(headless=True, size=(120, 40))
"""


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def idle_cpu(size: str, seconds: float, settle: float = 3.0) -> dict[str, float]:
    """CPU used by the app left alone on the board, in % of one core, with my timer running
    (the header shows it): after the first frame and ``settle`` s, over ``seconds`` s."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "pmo.json"
        shutil.copy(ensure_data(size), copy)
        env = child_env()
        env.update(PMO_DB=str(copy), PMO_USER="bench")
        subprocess.run(
            [sys.executable, "-m", "pmo_tui", "start", "PMO-5"],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
        proc = subprocess.Popen(
            [sys.executable, "-c", IDLE, str(copy)], stdout=subprocess.PIPE, text=True, env=env
        )
        try:
            assert proc.stdout is not None
            if proc.stdout.readline().strip() != "ready":
                raise SystemExit("the app did not start")
            time.sleep(settle)
            cpu0, t0 = cpu_seconds(proc.pid), time.monotonic()
            time.sleep(seconds)
            cpu1, t1 = cpu_seconds(proc.pid), time.monotonic()
        finally:
            proc.terminate()
            proc.wait(10)
    return {"pct": (cpu1 - cpu0) / (t1 - t0) * 100, "cpu_s": cpu1 - cpu0, "wall_s": t1 - t0}


def child_env() -> dict[str, str]:
    """As an installed pmo runs: bytecode cached (pip compiles it at install time)."""
    env = dict(os.environ, TEXTUAL_ANIMATIONS="none", PMO_CONFIG="/nonexistent")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(HERE / "data" / "pycache")
    return env


def run_child(code: str, *args: str) -> tuple[float, list[str]]:
    env = child_env()
    start = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True
    ).stdout.split()
    return (float(out[0]) - start) * 1000, out[1:]


def move_times(copy: Path, moves: int) -> list[str]:
    """[median move ms, min move ms, median cursor ms] in one app process."""
    return subprocess.run(
        [sys.executable, "-c", MOVE, str(copy), str(moves)],
        capture_output=True,
        text=True,
        check=True,
        env=child_env(),
    ).stdout.split()


def json_figures(runs: int, moves: int, idle_seconds: float) -> dict[str, object]:
    """The issue-12 figures; first frames alternate bare/1k/10k so load hits all alike."""
    out: dict[str, object] = {"runs": runs, "moves": moves}
    with tempfile.TemporaryDirectory() as tmp:
        copies = {}
        for size in ("1k", "10k"):
            copies[size] = Path(tmp) / f"{size}.json"
            shutil.copy(ensure_data(size), copies[size])
        run_child(BARE)  # warm-ups: fill the bytecode cache
        run_child(PMO, str(copies["1k"]))
        times: dict[str, list[float]] = {"bare": [], "1k": [], "10k": []}
        cpu: dict[str, list[float]] = {"bare": [], "1k": [], "10k": []}  # user+sys, ms
        complete: dict[str, list[float]] = {"1k": [], "10k": []}
        mem: dict[str, float] = {}
        for _ in range(runs):
            ms, extra = run_child(BARE)
            times["bare"].append(ms)
            cpu["bare"].append(float(extra[1]) * 1000)
            for size in ("1k", "10k"):
                ms, extra = run_child(PMO, str(copies[size]))
                times[size].append(ms)
                cpu[size].append(float(extra[2]) * 1000)
                mem[size] = max(mem.get(size, 0.0), int(extra[0]) / 1024)
                complete[size].append(run_child(PMO, str(copies[size]), "complete")[0])
        bare = statistics.median(times["bare"])
        out["bare_ms"] = round(bare, 1)
        out["bare_ms_min"] = round(min(times["bare"]), 1)
        # CPU time (user+sys) to the first frame: less moved by other load than wall time.
        out["bare_cpu_ms"] = round(statistics.median(cpu["bare"]), 1)
        for size in ("1k", "10k"):
            first = statistics.median(times[size])
            out[f"first_frame_ms_{size}"] = round(first, 1)
            out[f"first_frame_ms_min_{size}"] = round(min(times[size]), 1)
            out[f"first_frame_ratio_{size}"] = round(first / bare, 2)
            out[f"first_frame_cpu_ms_{size}"] = round(statistics.median(cpu[size]), 1)
            out[f"first_frame_cpu_ratio_{size}"] = round(
                statistics.median(cpu[size]) / statistics.median(cpu["bare"]), 2
            )
            # The board with the timer lookup done (the header's ⏱ drawn, if one runs).
            out[f"board_complete_ms_{size}"] = round(statistics.median(complete[size]), 1)
            out[f"peak_rss_mb_{size}"] = round(mem[size], 1)
            move = move_times(copies[size], moves)
            out[f"move_ms_{size}"] = round(float(move[0]), 1)
            out[f"move_ms_min_{size}"] = round(float(move[1]), 1)
            out[f"cursor_ms_{size}"] = round(float(move[2]), 1)
    idle = idle_cpu("10k", idle_seconds)
    out["idle_cpu_pct_10k"] = round(idle["pct"], 2)
    out["idle_seconds"] = round(idle["wall_s"], 1)
    out["targets"] = {
        "first_frame_1k": "<= 1.5x bare",
        "first_frame_10k": "<= 2x bare",
        "move_ms_1k": "< 30",
        "move_ms_10k": "< 50",
        "idle_cpu_pct_10k": "near zero",
    }
    out["met"] = {
        "first_frame_1k": out["first_frame_ratio_1k"] <= 1.5,  # type: ignore[operator]
        "first_frame_10k": out["first_frame_ratio_10k"] <= 2.0,  # type: ignore[operator]
        "move_ms_1k": out["move_ms_1k"] < 30,  # type: ignore[operator]
        "move_ms_10k": out["move_ms_10k"] < 50,  # type: ignore[operator]
        "idle_cpu_pct_10k": out["idle_cpu_pct_10k"] < 1.0,  # type: ignore[operator]
    }
    out["load"] = [round(x, 2) for x in os.getloadavg()]
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--moves", type=int, default=20)
    parser.add_argument(
        "--timesheet-only", action="store_true", help="only the timesheet screen's first frame"
    )
    parser.add_argument("--write", action="store_true")
    parser.add_argument(
        "--json", action="store_true", help="print one JSON object with the medians, only"
    )
    parser.add_argument(
        "--idle-seconds", type=float, default=30.0, help="how long idle CPU is sampled"
    )
    args = parser.parse_args()
    if args.json:
        print(json.dumps(json_figures(args.runs, args.moves, args.idle_seconds)))
        return
    if args.timesheet_only:
        print("\n".join(timesheet_rows(args.runs)))
        return
    rows = []
    run_child(BARE)  # warm-up: fills the bytecode cache
    bare = [run_child(BARE) for _ in range(args.runs)]
    bare_ms = statistics.median(t for t, _ in bare)
    bare_mb = max(int(extra[0]) for _, extra in bare) / 1024
    rows.append(
        ("bare Textual app (one Static)", bare_ms, min(t for t, _ in bare), bare_mb, "", "")
    )
    results = {}
    backlog_rows = []
    for size in ("1k", "10k"):
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "pmo.json"
            shutil.copy(ensure_data(size), copy)
            run_child(PMO, str(copy))  # warm-up
            runs = [run_child(PMO, str(copy)) for _ in range(args.runs)]
            first = statistics.median(t for t, _ in runs)
            mem = max(int(extra[0]) for _, extra in runs) / 1024
            shown = runs[0][1][1]
            move = move_times(copy, args.moves)
            results[size] = (first, mem, move)
            run_child(BACKLOG, str(copy))  # warm-up
            backlog = [run_child(BACKLOG, str(copy)) for _ in range(args.runs)]
            backlog_rows.append(
                (
                    f"pmo backlog, {size} cards ({backlog[0][1][1]} backlog lines)",
                    statistics.median(t for t, _ in backlog),
                    min(t for t, _ in backlog),
                    max(int(extra[0]) for _, extra in backlog) / 1024,
                    "",
                    "",
                )
            )
            burn = [run_child(BURNDOWN, str(copy)) for _ in range(args.runs)]
            burn_ms = statistics.median(t for t, _ in burn)
            rows.append(
                (
                    f"pmo board, {size} cards ({shown} on the sprint board)",
                    first,
                    min(t for t, _ in runs),
                    mem,
                    f"{float(move[0]):.1f} (min {float(move[1]):.1f})",
                    f"{float(move[2]):.1f}",
                )
            )
            rows.append(
                (
                    f"pmo burndown screen, {size} cards (figures of the active sprint drawn)",
                    burn_ms,
                    min(t for t, _ in burn),
                    max(int(extra[0]) for _, extra in burn) / 1024,
                    "",
                    "",
                )
            )
    lines = [
        "Machine: " + machine(),
        "",
        f"First frame: launch of a fresh process to the first painted board (or backlog, "
        f"opened as the first screen), headless, "
        f"120x40, median and min of {args.runs}. Move: `L`/`H` with all open cards shown "
        f"(`v`), median of {args.moves}, in-process, from the key event entering the app to "
        "the first frame painted after the redraw (the write runs on the writer thread). "
        "Cursor: `j`/`k`, the same way. Peak memory: max RSS.",
        "",
        "| app | first frame median ms | min ms | peak RSS MB | move key -> redrawn ms "
        "| cursor key ms |",
        "|---|---|---|---|---|---|",
    ]
    for name, med, low, mb, move, cursor in rows + backlog_rows:
        lines.append(f"| {name} | {med:.0f} | {low:.0f} | {mb:.0f} | {move} | {cursor} |")
    ratio = results["1k"][0] / bare_ms
    lines += [
        "",
        f"Targets: first frame at 1k within 1.5x of the bare app: {ratio:.2f}x "
        f"({'ok' if ratio <= 1.5 else 'MISSED'}); a move redrawn in under 30 ms at 1k: "
        f"{float(results['1k'][2][0]):.1f} ms "
        f"({'ok' if float(results['1k'][2][0]) < 30 else 'MISSED'}). For scale (issue 3): "
        "kanban-tui needs about 8 s and 490 MB to open 1,000 tasks and about 13 s to move one.",
    ]
    lines += [
        "",
        "Timesheet screen: launch of a fresh process to the first painted week grid (opened "
        "on the timesheet, everyone, the data's week; the sheet is computed on a worker "
        f"thread), median and min of {args.runs}.",
        "",
        "| screen | first frame median ms | min ms | peak RSS MB | rows |",
        "|---|---|---|---|---|",
        *timesheet_rows(args.runs),
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        replace_section("## App (bench/app_bench.py)", text)


def timesheet_rows(runs: int) -> list[str]:
    out = []
    for size in ("1k", "10k"):
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "pmo.json"
            shutil.copy(ensure_data(size), copy)
            run_child(TIMESHEET, str(copy))  # warm-up
            timed = [run_child(TIMESHEET, str(copy)) for _ in range(runs)]
            med = statistics.median(t for t, _ in timed)
            low = min(t for t, _ in timed)
            mb = max(int(extra[0]) for _, extra in timed) / 1024
            out.append(
                f"| pmo timesheet screen, {size} cards | {med:.0f} | {low:.0f} | {mb:.0f} "
                f"| {timed[0][1][1]} |"
            )
    return out


if __name__ == "__main__":
    main()
