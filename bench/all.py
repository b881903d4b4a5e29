"""Every figure of issue 12 side by side with its peer or floor, in one run.

    python bench/all.py [--runs N] [--only 1,2,3,4,5 | fixed,writes,prompt,reading,app]
                        [--task T] [--timew T] [--watson W] [--helper-timeout S] [--write]

Method: for each figure, one warm-up round, then --runs rounds; a round runs the pmo command
and right after it each of its peers (floor or other tool), so a busy machine slows both
sides of a pair alike.  Each round gives a pair and its ratio pmo / peer; the report has both
medians and the median of the per-pair ratios with their range (min-max below 10 pairs,
p10-p90 from 10 on).  Relative targets are judged on the median per-pair ratio, absolute
ones on pmo's median.  Rows:

1. fixed: `add`, `move`, `start`, `stop`, `sprint add`, `sprint remove`, `edit` at 1k cards
   vs `python -c pass` (<= 3x); `python -X importtime` top 15 of `pmo move` at 1k.
2. writes: the same at 10k vs `python -c "import tinydb"` (<= 3x) and vs Taskwarrior
   (`task add`, `task modify`, `task start`, `task stop`) on a store of the same 10k cards
   imported as tasks (<= 1x).
3. prompt: `bench/prompt.py --json` (render < 1 ms, vs `timew`; `status --short` <= 2x pass).
4. reading at 10k: `pmo ls` vs `task list` (<= 1x); `pmo timesheet --week 2026-11-20
   --everyone` (< 150 ms) vs Watson's `report` and `timew summary` over the same closed time
   entries; `pmo burndown active` (< 150 ms) of bench/burndown.py's 200-card sprint vs
   `task project:sprint burndown.daily` over the same cards.
5. app: `bench/app_bench.py --json` (move < 30 ms at 1k / < 50 ms at 10k, first frame
   <= 1.5x bare at 1k / <= 2x at 10k, idle CPU near zero).

Commands that write run on a fresh copy of the store per series and keep its size (run.py's
series: `move` alternates doing/todo, `start`/`stop` and `sprint add`/`remove` are paired,
`edit` alternates the title; Taskwarrior's counterparts do the same to the same card).
Peers run with fixed configs: Taskwarrior `TASKRC` (empty) and `TASKDATA` in a temp dir,
`rc.confirmation=off rc.verbose=nothing rc.hooks=off`; Timewarrior `TIMEWARRIORDB`; Watson
`WATSON_DIR`; everything in TZ=UTC.  A peer or a helper script that is missing, or a command
that fails, skips its rows with a note; nothing here stops the run.  With --write the report
goes to the top of bench/RESULTS.md under "## Summary (YYYY-MM-DD HH:MM UTC, bench/all.py)",
older sections kept below.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import burndown
import run
import watson
from _results import (
    BENCH,
    PMO,
    PY,
    Failed,
    ensure_data,
    import_times,
    insert_section,
    load_average,
    machine,
    pmo_env,
    timed,
)

ROWS = {"1": "fixed", "2": "writes", "3": "prompt", "4": "reading", "5": "app"}
WRITES = ("add", "move", "start", "stop", "sprint add", "sprint remove", "edit")
DEFAULT_RUNS = 31  # ~4 s a round on a quiet 2-core machine: ~2-3 min of pairs
PEERS = BENCH / ".peers"
TW_RC = ["rc.confirmation=off", "rc.verbose=nothing", "rc.hooks=off"]
CARD = "PMO-5"  # generate.py: open, in todo, no time entries
CARD_UUID = str(uuid.UUID(int=5))  # burndown.write_tasks: the card number's uuid
WEEK = watson.WEEK  # the week of run.DATA_WEEK
TIMEOUT = 300  # seconds for one timed process


# --------------------------------------------------------------------------- what is run


@dataclass
class Cmd:
    label: str  # as shown in the report, e.g. "pmo add", "task add"
    argv: list[str]
    env: dict[str, str]
    ok: tuple[int, ...] = (0,)


@dataclass
class Pair:
    """One figure's share of a round: the pmo command, then each peer right after it."""

    key: str
    pmo: Cmd
    peers: list[Cmd]


@dataclass
class Timings:
    """Per figure key, one dict per timed round: label -> seconds (a side that failed is
    absent); errors: label -> the first failure (that command is not run again)."""

    rounds: dict[str, list[dict[str, float]]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, str] = field(default_factory=dict)

    def side(self, key: str, label: str) -> list[float]:
        return [r[label] for r in self.rounds.get(key, []) if label in r]

    def ratios(self, key: str, pmo: str, peer: str) -> list[float]:
        return [r[pmo] / r[peer] for r in self.rounds.get(key, []) if pmo in r and peer in r]


def _time(cmd: Cmd, timings: Timings) -> float | None:
    if cmd.label in timings.errors:
        return None
    try:
        return timed(cmd.argv, cmd.env, cmd.ok, timeout=TIMEOUT)
    except Failed as exc:
        timings.errors[cmd.label] = str(exc)
        print(f"  failed: {exc}", file=sys.stderr)
        return None


def ab(rounds: Callable[[int], list[Pair]], runs: int, timings: Timings, what: str) -> None:
    """Round 0 is the warm-up; rounds 1..runs are kept.  A pair whose pmo side failed runs
    no peer (there is nothing to compare)."""
    for i in range(runs + 1):
        for pair in rounds(i):
            kept: dict[str, float] = {}
            pmo = _time(pair.pmo, timings)
            if pmo is None:
                continue
            kept[pair.pmo.label] = pmo
            for peer in pair.peers:
                took = _time(peer, timings)
                if took is not None:
                    kept[peer.label] = took
            if i:
                timings.rounds[pair.key].append(kept)
        if i in (0, runs) or i % 10 == 0:
            print(f"  {what}: round {i}/{runs} {time.strftime('%H:%M:%S')}", file=sys.stderr)


# --------------------------------------------------------------------------- the report


@dataclass
class Row:
    n: str  # issue 12's point
    what: str
    pmo: float | None  # median, in `unit`
    peer: str = ""
    peer_value: float | None = None
    ratios: list[float] = field(default_factory=list)  # per pair
    target: str = ""
    met: bool | None = None  # None: no target, or not measured
    reason: str = ""
    unit: str = "ms"


def _fmt(value: float | None, unit: str = "ms") -> str:
    if value is None:
        return "-"
    digits = 2 if value < 10 else (1 if value < 100 else 0)
    return f"{value:.{digits}f} {unit}"


def _spread(ratios: list[float]) -> str:
    if not ratios:
        return ""
    med = statistics.median(ratios)
    if len(ratios) >= 10:
        deciles = statistics.quantiles(ratios, n=10)
        low, high, name = deciles[0], deciles[-1], "p10-p90"
    else:
        low, high, name = min(ratios), max(ratios), "min-max"
    pairs = f"{len(ratios)} pair{'s' if len(ratios) > 1 else ''}"
    return f"{med:.2f}x [{name} {low:.2f}-{high:.2f}, {pairs}]"


def ratio_row(
    n: str, what: str, key: str, pmo: Cmd, peer: Cmd, timings: Timings, limit: float | None
) -> Row:
    """A row of two timed commands; ``limit``: the most pmo / peer may be (None: no target)."""
    ours, theirs = timings.side(key, pmo.label), timings.side(key, peer.label)
    ratios = timings.ratios(key, pmo.label, peer.label)
    row = Row(
        n,
        what,
        statistics.median(ours) * 1000 if ours else None,
        peer=f"`{peer.label}`",
        peer_value=statistics.median(theirs) * 1000 if theirs else None,
        ratios=ratios,
        target=f"<= {limit:g}x" if limit is not None else "",
    )
    if not ratios and pmo.label in timings.errors:
        row.reason = f"not measured: {timings.errors[pmo.label][:160]}"
    elif not ratios and peer.label in timings.errors:
        row.reason = f"peer failed: {timings.errors[peer.label][:160]}"
    elif limit is not None and ratios:
        within = sum(r <= limit for r in ratios)
        row.met = statistics.median(ratios) <= limit
        row.reason = "" if row.met else f"{within}/{len(ratios)} pairs within; _to explain_"
    return row


def absolute_row(row: Row, limit: float) -> Row:
    """Judge ``row`` on pmo's median against ``limit`` (same unit), keeping its peer figures."""
    row.target = f"< {limit:g} {row.unit}"
    if row.pmo is not None:
        row.met = row.pmo < limit
        if not row.met:
            row.reason = "; ".join(filter(None, ["_to explain_", row.reason]))
    return row


def alone(n: str, what: str, key: str, pmo: Cmd, timings: Timings, missing: str) -> Row:
    """A row of pmo's figure whose peer (``missing``) is not installed."""
    row = ratio_row(n, what, key, pmo, Cmd("-", [], {}), timings, None)
    row.peer, row.reason = missing, f"{missing} missing: peer skipped"
    return row


def add_fact(row: Row, fact: str) -> None:
    """Add a computed fact to a row's reason, before what is left for the lead."""
    todo = "_to explain_"
    head = row.reason.replace(todo, "").strip("; ")
    row.reason = "; ".join(filter(None, [head, fact, todo if todo in row.reason else ""]))


def skipped(n: str, what: str, why: str, target: str = "") -> Row:
    return Row(n, what, None, target=target, reason=f"skipped: {why}")


def _cell(text: str) -> str:
    """One table cell: a failure message may hold pipes or line breaks."""
    return " ".join(text.split()).replace("|", "\\|")


def table(rows: list[Row]) -> str:
    head = "| # | figure | pmo median | vs (peer or floor) | its median | pmo / peer per pair, "
    head += "median [range] | target | verdict | reason |"
    lines = [head, "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        ratio = _spread(r.ratios)
        if not ratio and r.pmo is not None and r.peer_value:
            ratio = f"{r.pmo / r.peer_value:.2f}x (of medians)"
        verdict = {True: "met", False: "**missed**", None: ""}[r.met]
        reason = r.reason
        if r.pmo is None and reason.startswith(("skipped: ", "not measured: ")):
            verdict, reason = reason.split(": ", 1)
        cells = [r.n, r.what, _fmt(r.pmo, r.unit), r.peer, _fmt(r.peer_value, r.unit)]
        cells += [ratio, r.target, verdict, reason]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines)


# --------------------------------------------------------------------------- stores and peers


def _env(db: Path) -> dict[str, str]:
    return dict(pmo_env(db), TZ="UTC")


@contextmanager
def pmo_copy(source: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    """A fresh copy of ``source`` in a temp dir, and the environment of pmo on it."""
    with tempfile.TemporaryDirectory(prefix="pmo-all-") as tmp:
        db = Path(tmp) / "pmo.json"
        shutil.copyfile(source, db)
        yield db, _env(db)


@dataclass
class Peers:
    task: str | None = None
    timew: str | None = None
    watson: str | None = None
    versions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _version(argv: list[str]) -> str:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return out.strip().splitlines()[0] if out.strip() else "?"


def ensure_watson(explicit: str | None, notes: list[str]) -> str | None:
    """--watson, else bench/.peers/watson (made with venv + pip on first use)."""
    if explicit:
        if shutil.which(explicit):
            return shutil.which(explicit)
        notes.append(f"Watson: {explicit} does not exist, its rows are skipped.")
        return None
    venv = PEERS / "watson"
    exe = venv / "bin" / "watson"
    if exe.exists():
        return str(exe)
    print("  installing Watson into bench/.peers/watson (pip install td-watson)", file=sys.stderr)
    try:
        subprocess.run([PY, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", "td-watson"],
            check=True,
            capture_output=True,
            timeout=600,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        notes.append(f"Watson could not be installed in bench/.peers/watson ({exc}); skipped.")
        return None
    return str(exe) if exe.exists() else None


def _apt_peer(given: str | None, name: str, package: str, peers: Peers) -> str | None:
    """The executable of an apt-installed peer (with its version), or None and a note."""
    found = shutil.which(given) if given else None
    if found:
        peers.versions.append(f"{name} {_version([found, '--version'])}")
    else:
        peers.notes.append(
            f"{name}: {given or package} not found (apt-get install -y {package}); "
            "its rows are skipped."
        )
    return found


def find_peers(args: argparse.Namespace, rows: set[str]) -> Peers:
    peers = Peers()
    if rows & {"2", "4"}:
        peers.task = _apt_peer(args.task, "Taskwarrior", "taskwarrior", peers)
    if "4" in rows:
        peers.timew = _apt_peer(args.timew, "Timewarrior", "timewarrior", peers)
        peers.watson = ensure_watson(args.watson, peers.notes)
        if peers.watson:
            peers.versions.append(_version([peers.watson, "--version"]))
    return peers


def task_store(
    tables: dict[str, Any], folder: Path, task: str, what: str, notes: list[str]
) -> Path | None:
    """Import the cards of ``tables`` into a Taskwarrior store under ``folder`` (None, and a
    note, if Taskwarrior refuses)."""
    sprint = next((s["id"] for s in tables["sprints"].values() if s["state"] == "active"), None)
    folder.mkdir(parents=True)
    (folder / "taskrc").write_text("")
    data = folder / "data"
    data.mkdir()
    n = burndown.write_tasks(tables, sprint, folder / "tasks.json")
    env = _task_env(folder)
    try:
        subprocess.run(
            [task, *TW_RC, "import", str(folder / "tasks.json")],
            env=env,
            check=True,
            capture_output=True,
            timeout=TIMEOUT,
        )
        # settles the store (gc, working set) before it is copied
        subprocess.run([task, *TW_RC, "count"], env=env, capture_output=True, timeout=TIMEOUT)
    except (OSError, subprocess.SubprocessError) as exc:
        notes.append(f"Taskwarrior store ({what}) could not be made: {exc}; its rows are skipped.")
        return None
    (folder / "tasks.json").unlink()
    files = {p.name: p.stat().st_size for p in data.iterdir() if p.is_file()}
    live = files.get("pending.data", 0) + files.get("completed.data", 0)
    notes.append(
        f"Taskwarrior store ({what}): {n} tasks by `task import`; pending.data + "
        f"completed.data {live / 1e6:.1f} MB, with undo.data and backlog.data "
        f"{sum(files.values()) / 1e6:.1f} MB."
    )
    return folder


def _task_env(folder: Path) -> dict[str, str]:
    return dict(os.environ, TASKRC=str(folder / "taskrc"), TASKDATA=str(folder / "data"), TZ="UTC")


@contextmanager
def task_copy(store: Path) -> Iterator[dict[str, str]]:
    """A fresh copy of a Taskwarrior store; yields its environment."""
    with tempfile.TemporaryDirectory(prefix="pmo-all-task-") as tmp:
        copy = Path(tmp) / "tw"
        shutil.copytree(store, copy)
        yield _task_env(copy)


def write_timew(entries: list[dict[str, Any]], folder: Path) -> Path:
    """A TIMEWARRIORDB whose intervals are ``entries`` (tags: card key and user), one
    ``data/YYYY-MM.data`` file per month of the start."""
    months: dict[str, list[str]] = defaultdict(list)
    for e in entries:
        start, end = burndown.tw_date(e["start"]), burndown.tw_date(e["end"])
        months[start[:4] + "-" + start[4:6]].append(
            f"inc {start} - {end} # {e['card']} {e['user']}\n"
        )
    (folder / "data").mkdir(parents=True)
    (folder / "timewarrior.cfg").write_text("")
    for month, lines in months.items():
        (folder / "data" / f"{month}.data").write_text("".join(lines))
    return folder


# --------------------------------------------------------------------------- the rows


def write_series() -> list[run.Series]:
    """run.py's series of the write commands (the same argv as its table)."""
    return [s for s in run.SERIES if {st.label for st in s.steps(0)} <= set(WRITES)]


def task_peer(label: str, i: int, env: dict[str, str], task: str) -> Cmd:
    """Taskwarrior's counterpart of pmo's write ``label`` in round ``i``, on the same card."""
    argv = {
        "add": ["add", "bench card"],
        "move": [CARD_UUID, "modify", "+doing" if i % 2 == 0 else "-doing"],
        "start": [CARD_UUID, "start"],
        "stop": [CARD_UUID, "stop"],
        "sprint add": [CARD_UUID, "modify", "project:sprint"],
        "sprint remove": [CARD_UUID, "modify", "project:PMO"],
        "edit": [CARD_UUID, "modify", f"bench edit {i % 2}"],
    }[label]
    shown = {
        "move": "task modify +tag/-tag",
        "sprint add": "task modify project:sprint",
        "sprint remove": "task modify project:PMO",
        "edit": "task modify (description)",
    }.get(label, f"task {label}")
    return Cmd(shown, [task, *TW_RC, *argv], env)


def row_writes(
    n: str, size: str, floor: Cmd, runs: int, task_store_dir: Path | None, task: str | None
) -> tuple[list[Row], Timings]:
    """Every write command at ``size`` against ``floor`` and, given a store, Taskwarrior."""
    timings = Timings()
    source = ensure_data(size)
    for series in write_series():
        with pmo_copy(source) as (_db, env), _maybe_task_copy(task_store_dir) as tenv:

            def rounds(
                i: int, series: run.Series = series, env: dict[str, str] = env
            ) -> list[Pair]:
                pairs = []
                for st in series.steps(i):
                    peers = [floor]
                    if tenv is not None and task:
                        peers.append(task_peer(st.label, i, tenv, task))
                    pairs.append(Pair(st.label, Cmd(f"pmo {st.label}", st.argv, env, st.ok), peers))
                return pairs

            ab(rounds, runs, timings, f"{size} {'/'.join(s.label for s in series.steps(0))}")
    rows = []
    for label in WRITES:
        pmo = Cmd(f"pmo {label}", [], {})
        rows.append(ratio_row(n, f"`pmo {label}` ({size})", label, pmo, floor, timings, limit=3))
    if task_store_dir is not None and task:
        for label in WRITES:
            pmo = Cmd(f"pmo {label}", [], {})
            peer = task_peer(label, 0, {}, task)
            rows.append(ratio_row(n, f"`pmo {label}` ({size})", label, pmo, peer, timings, limit=1))
    return rows, timings


@contextmanager
def _maybe_task_copy(store: Path | None) -> Iterator[dict[str, str] | None]:
    if store is None:
        yield None
        return
    with task_copy(store) as env:
        yield env


def importtime_table(runs: int = 5, top: int = 15) -> tuple[str, float | None]:
    """`python -X importtime pmo move` at 1k: the top modules by cumulative and by self time,
    and all imports in ms (None if pmo did not run).  Every run moves the card (run.py's move
    series: doing, todo, doing), as a user would."""
    move = next(s for s in write_series() if s.steps(0)[0].label == "move")
    with pmo_copy(ensure_data("1k")) as (_db, env):
        best = import_times(lambda i: move.steps(i)[0].argv, env, runs)
    total = best.pop("(all)")[1]
    if not any(name.startswith("pmo_tui") for name in best):
        return f"`pmo move` imported no pmo_tui module (it did not run: {PMO}).", None
    by_cum = sorted(best.items(), key=lambda kv: -kv[1][1])[:top]
    by_self = sorted(best.items(), key=lambda kv: -kv[1][0])[:top]
    lines = [
        f"`python -X importtime pmo move {CARD} doing|todo` at 1k, least of {runs} runs per "
        "module: "
        f"all imports {total / 1000:.1f} ms (sum of the top-level cumulative times).",
        "",
        "| # | by cumulative | cumulative ms | self ms | by self | self ms | cumulative ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for i, ((cname, c), (sname, s)) in enumerate(zip(by_cum, by_self, strict=True), 1):
        lines.append(
            f"| {i} | `{cname}` | {c[1] / 1000:.1f} | {c[0] / 1000:.1f} "
            f"| `{sname}` | {s[0] / 1000:.1f} | {s[1] / 1000:.1f} |"
        )
    return "\n".join(lines), total / 1000


def run_helper(script: str, keys: tuple[str, ...], timeout: float) -> tuple[dict[str, Any], str]:
    """``python bench/<script> --json``: its JSON document, or {} and why not."""
    path = BENCH / script
    if not path.exists():
        return {}, f"bench/{script} is absent"
    try:
        usage = subprocess.run(
            [PY, str(path), "--help"], capture_output=True, text=True, timeout=120
        ).stdout
        if "--json" not in usage:
            return {}, f"bench/{script} has no --json option"
        proc = subprocess.run(
            [PY, str(path), "--json"], capture_output=True, text=True, timeout=timeout
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return {}, f"bench/{script} --json: {exc}"
    if proc.returncode != 0:
        err = proc.stderr.strip().splitlines()[-1:] or [""]
        return {}, f"bench/{script} --json exited {proc.returncode}: {err[0][:200]}"
    doc = _json_document(proc.stdout)
    if doc is None:
        return {}, f"bench/{script} --json printed no JSON object"
    missing = [k for k in keys if not isinstance(doc.get(k), int | float)]
    return doc, (f"bench/{script} --json lacks {', '.join(missing)}" if missing else "")


def _json_document(text: str) -> dict[str, Any] | None:
    """The JSON object the output ends with: all of it, or from the last line that opens one
    (so progress lines before an indented or one-line document are passed over)."""
    lines = text.splitlines(keepends=True)
    offsets = list(itertools.accumulate(map(len, lines), initial=0))
    starts = [0] + [offsets[i] for i, line in enumerate(lines) if line.startswith("{")]
    for at in reversed(starts):
        try:
            doc = json.loads(text[at:])
        except ValueError:
            continue
        if isinstance(doc, dict):
            return doc
    return None


@dataclass
class Spec:
    """A figure read from a helper script's JSON: ``key``'s value against ``limit``, or with
    ``relative``, ``key`` / ``peer_key`` against ``limit``."""

    what: str
    key: str
    limit: float
    peer: str = ""
    peer_key: str = ""
    relative: bool = False
    unit: str = "ms"


PROMPT = [
    Spec("prompt render, bash (per render)", "render_ms_bash", 1, "`timew` (per call)", "timew_ms"),
    Spec("prompt render, zsh (per render)", "render_ms_zsh", 1, "`timew` (per call)", "timew_ms"),
    Spec("`pmo status --short`", "status_short_ms", 2, "`python -c pass`", "python_pass_ms", True),
]
APP = [
    Spec("app: move key -> board redrawn (1k)", "move_ms_1k", 30),
    Spec("app: move key -> board redrawn (10k)", "move_ms_10k", 50),
    Spec("app: first frame (1k)", "first_frame_ms_1k", 1.5, "bare Textual app", "bare_ms", True),
    Spec("app: first frame (10k)", "first_frame_ms_10k", 2, "bare Textual app", "bare_ms", True),
    Spec("app: idle CPU (10k), near zero", "idle_cpu_pct_10k", 1, unit="%"),
]


def helper_rows(
    n: str, script: str, specs: list[Spec], timeout: float, notes: list[str]
) -> list[Row]:
    """Row ``n`` from ``python bench/<script> --json`` (medians as that script measured them:
    no pairs here, the ratio is of its medians)."""
    keys = tuple(dict.fromkeys(k for s in specs for k in (s.key, s.peer_key) if k))
    doc, why = run_helper(script, keys, timeout)
    if why:
        notes.append(f"Row {n}: {why}.")
    theirs = doc.get("notes")
    for note in [theirs] if isinstance(theirs, str) else theirs or []:
        if isinstance(note, str) and note.strip():
            notes.append(f"bench/{script}: {note.strip()}")

    def num(key: str) -> float | None:
        value = doc.get(key)
        return float(value) if isinstance(value, int | float) else None

    rows = []
    for s in specs:
        value, peer = num(s.key), num(s.peer_key) if s.peer_key else None
        target = f"<= {s.limit:g}x" if s.relative else f"< {s.limit:g} {s.unit}"
        if value is None or (s.relative and not peer):
            rows.append(skipped(n, s.what, why or f"no {s.key}", target))
            continue
        row = Row(n, s.what, value, s.peer, peer, unit=s.unit)
        if s.relative and peer:
            row.target, row.met = target, value / peer <= s.limit
            row.reason = "" if row.met else "_to explain_"
            rows.append(row)
        else:
            rows.append(absolute_row(row, s.limit))
    return rows


@dataclass
class Context:
    """What the rows share within one run of this script."""

    runs: int
    peers: Peers
    folder: Path  # temp dir for the peers' stores
    helper_timeout: float
    tw_plain: Path | None = None  # Taskwarrior store of the 10k set
    notes: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)  # sections after the table


def reading_ls(ctx: Context) -> list[Row]:
    """`pmo ls` vs `task list` at 10k."""
    timings = Timings()
    with pmo_copy(ensure_data("10k")) as (_db, env), _maybe_task_copy(ctx.tw_plain) as tenv:
        ls = Cmd("pmo ls", [PMO, "ls"], env)
        # Like for like: `task list` shows pending tasks only (~2,000 of 10k), `pmo ls` every
        # open and done card (~9,500); the To Do column holds about as many as `task list`.
        todo = Cmd("pmo ls --status todo", [PMO, "ls", "--status", "todo"], env)
        task_ls = Cmd("task list", [ctx.peers.task or "task", *TW_RC, "list"], tenv or {})
        shown = (_lines(ls.argv, env) - 1, _lines(task_ls.argv, tenv) if tenv else 0)
        todo_shown = _lines(todo.argv, env) - 1
        peers = [task_ls] if tenv else []
        ab(
            lambda i: [Pair("ls", ls, peers), Pair("ls todo", todo, peers)],
            ctx.runs,
            timings,
            "10k ls",
        )
    _note_errors(timings, ctx.notes)
    if tenv is None:
        return [alone("4", "`pmo ls` (10k)", "ls", ls, timings, "Taskwarrior")]
    if shown[0] > 0:
        ctx.notes.append(
            f"`pmo ls` printed {shown[0]} cards (open and done, not archived), `task list` "
            f"{shown[1]} lines (pending tasks; a long description wraps), both at the default "
            "width of a non-terminal."
        )
        ctx.notes.append(
            f"`pmo ls --status todo` printed {todo_shown} cards: about as many rows as"
            " `task list` (the like-for-like pair; the target is on plain `pmo ls`)."
        )
    return [
        ratio_row("4", "`pmo ls` (10k)", "ls", ls, task_ls, timings, limit=1),
        ratio_row("4", "`pmo ls --status todo` (10k)", "ls todo", todo, task_ls, timings, limit=1),
    ]


def reading_timesheet(ctx: Context) -> list[Row]:
    """`pmo timesheet` vs Watson and Timewarrior over the same closed entries, at 10k."""
    timings = Timings()
    source = ensure_data("10k")
    entries = watson.closed_entries(source)
    week = [PMO, "timesheet", "--week", run.DATA_WEEK, "--everyone"]
    with pmo_copy(source) as (_db, env):
        sheet = Cmd(f"pmo {run.TIMESHEET}", week, env)
        others: list[Cmd] = []
        if ctx.peers.watson:
            wdir = watson.write_frame_dir(entries, ctx.folder / "watson")
            others.append(
                Cmd(
                    "watson report",
                    [ctx.peers.watson, "report", "--from", WEEK[0], "--to", WEEK[1]],
                    dict(env, WATSON_DIR=str(wdir)),
                )
            )
        if ctx.peers.timew:
            tdir = write_timew(entries, ctx.folder / "timew")
            end = datetime.fromisoformat(WEEK[1]).date().toordinal() + 1
            others.append(
                Cmd(
                    "timew summary",
                    [
                        ctx.peers.timew,
                        "summary",
                        WEEK[0],
                        "-",
                        str(datetime.fromordinal(end).date()),
                    ],
                    dict(env, TIMEWARRIORDB=str(tdir)),
                )
            )
        totals = {c.label: watson.week_total(_output(c.argv, c.env)) for c in [sheet, *others]}
        ab(lambda i: [Pair("timesheet", sheet, others)], ctx.runs, timings, "10k timesheet")
    _note_errors(timings, ctx.notes)
    ctx.notes.append(
        f"Timesheet peers read the {len(entries)} closed time entries of the 10k set (Watson "
        "frames: project = card, tag = user; Timewarrior intervals tagged card and user); "
        "the week's total as printed: " + ", ".join(f"`{k}` {v}" for k, v in totals.items()) + "."
    )
    rows = []
    what = f"`pmo {run.TIMESHEET}` (10k)"
    for peer_label, missing in (("watson report", "Watson"), ("timew summary", "Timewarrior")):
        peer = next((c for c in others if c.label == peer_label), None)
        if peer is None:
            row = alone("4", what, "timesheet", sheet, timings, missing)
        else:
            row = ratio_row("4", what, "timesheet", sheet, peer, timings, None)
        rows.append(absolute_row(row, 150))
    return rows


def reading_burndown(ctx: Context) -> list[Row]:
    """`pmo burndown` of a 200-card sprint vs `task burndown.daily` of its project.

    The sprint is bench/burndown.py's (grow_sprint), the tasks the same cards."""
    timings = Timings()
    with tempfile.TemporaryDirectory(prefix="pmo-all-bd-") as tmp:
        db = Path(tmp) / "pmo.json"
        grown = burndown.grow_sprint(ensure_data("10k"), db)
        bd = Cmd("pmo burndown active", [PMO, "burndown", "active"], _env(db))
        bd_peers: list[Cmd] = []
        task = ctx.peers.task
        store = None
        if task:
            what = "the grown sprint's set"
            store = task_store(grown["tables"], Path(tmp) / "tw", task, what, ctx.notes)
        if store is not None and task:
            bd_peers.append(
                Cmd(
                    f"task project:{burndown.TW_PROJECT} burndown.daily",
                    [task, *TW_RC, f"project:{burndown.TW_PROJECT}", "burndown.daily"],
                    _task_env(store),
                )
            )
        ab(lambda i: [Pair("burndown", bd, bd_peers)], ctx.runs, timings, "10k burndown")
    _note_errors(timings, ctx.notes)
    what = f"`pmo burndown active` (10k, {grown['cards']}-card sprint)"
    if bd_peers:
        row = ratio_row("4", what, "burndown", bd, bd_peers[0], timings, None)
    else:
        row = alone("4", what, "burndown", bd, timings, "Taskwarrior")
    return [absolute_row(row, 150)]


def fixed_cost(ctx: Context) -> list[Row]:
    """Row 1: the write commands at 1k vs `python -c pass`, and the import-time table."""
    floor = Cmd("python -c pass", [PY, "-c", "pass"], _floor_env())
    rows, timings = row_writes("1", "1k", floor, ctx.runs, None, None)
    _note_errors(timings, ctx.notes)
    ctx.extra += ["### Import time of `pmo move` at 1k (issue 12 point 1)", ""]
    text, imports_ms = importtime_table()
    ctx.extra += [text, ""]
    move = next((r for r in rows if r.what.startswith("`pmo move`")), None)
    if move is not None and move.met is False and imports_ms is not None:
        add_fact(move, f"imports alone {imports_ms:.0f} ms (table below)")
    return rows


def writes_10k(ctx: Context) -> list[Row]:
    """Row 2: the write commands at 10k vs `import tinydb` and vs Taskwarrior."""
    floor = Cmd('python -c "import tinydb"', [PY, "-c", "import tinydb"], _floor_env())
    rows, timings = row_writes("2", "10k", floor, ctx.runs, ctx.tw_plain, ctx.peers.task)
    _note_errors(timings, ctx.notes)
    if ctx.tw_plain is None:
        why = "no Taskwarrior store (see the notes)"
        rows.append(skipped("2", "writes vs Taskwarrior (10k)", why, "<= 1x"))
    return rows


def explain_growth(rows: list[Row]) -> None:
    """A write missed at 10k against its floor: say how much of it the same command already
    takes at 1k (row 1), and so how much grows with the store."""
    at_1k = {r.what.split(" (")[0]: r.pmo for r in rows if r.n == "1" and r.pmo is not None}
    for r in rows:
        small = at_1k.get(r.what.split(" (")[0])
        if r.n == "2" and r.met is False and r.pmo is not None and small is not None:
            add_fact(r, f"{small:.0f} ms at 1k, so ~{r.pmo - small:.0f} ms grows with the store")


def _floor_env() -> dict[str, str]:
    """A floor reads no data: pmo's environment with a data file that does not exist."""
    return _env(Path(tempfile.gettempdir()) / "pmo-all-none.json")


PARTS: dict[str, list[Callable[[Context], list[Row]]]] = {
    "1": [fixed_cost],
    "2": [writes_10k],
    "3": [lambda ctx: helper_rows("3", "prompt.py", PROMPT, ctx.helper_timeout, ctx.notes)],
    "4": [reading_ls, reading_timesheet, reading_burndown],
    "5": [lambda ctx: helper_rows("5", "app_bench.py", APP, ctx.helper_timeout, ctx.notes)],
}


def _output(argv: list[str], env: dict[str, str]) -> str:
    try:
        return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=TIMEOUT).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""


def _lines(argv: list[str], env: dict[str, str]) -> int:
    return len(_output(argv, env).splitlines())


def _note_errors(timings: Timings, notes: list[str]) -> None:
    for label, message in timings.errors.items():
        notes.append(f"`{label}` failed, its rows are not measured: {message[:300]}")


# --------------------------------------------------------------------------- main


def parse_only(text: str | None) -> set[str]:
    if not text:
        return set(ROWS)
    names = {v: k for k, v in ROWS.items()}
    chosen = set()
    for part in (p.strip() for p in text.split(",") if p.strip()):
        if part in ROWS:
            chosen.add(part)
        elif part in names:
            chosen.add(names[part])
        else:
            raise ValueError(part)
    return chosen


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--runs",
        type=int,
        default=DEFAULT_RUNS,
        help=f"timed pairs per figure after one warm-up round (default {DEFAULT_RUNS})",
    )
    ap.add_argument("--only", help="rows to run: numbers or names, e.g. 1,4 or fixed,reading")
    ap.add_argument("--write", action="store_true", help="put the report on top of RESULTS.md")
    ap.add_argument("--task", default=shutil.which("task"), help="the task executable")
    ap.add_argument("--timew", default=shutil.which("timew"), help="the timew executable")
    ap.add_argument("--watson", help="the watson executable (default: bench/.peers/watson)")
    ap.add_argument(
        "--helper-timeout",
        type=float,
        default=300,
        help="seconds allowed to bench/prompt.py and bench/app_bench.py each",
    )
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    try:
        rows_wanted = parse_only(args.only)
    except ValueError as exc:
        ap.error(
            f"--only: unknown row {exc} (use {', '.join(f'{k}/{v}' for k, v in ROWS.items())})"
        )
    started = time.monotonic()
    stamp = datetime.now(UTC)
    load_before = load_average()
    rows: list[Row] = []
    peers = find_peers(args, rows_wanted)
    with tempfile.TemporaryDirectory(prefix="pmo-all-peers-") as tmp:
        ctx = Context(args.runs, peers, Path(tmp), args.helper_timeout, notes=list(peers.notes))
        if peers.task and rows_wanted & {"2", "4"}:
            tables = json.loads(ensure_data("10k").read_bytes())
            ctx.tw_plain = task_store(
                tables, ctx.folder / "tw-10k", peers.task, "the 10k set", ctx.notes
            )
            del tables
        for n, parts in PARTS.items():
            if n not in rows_wanted:
                continue
            for part in parts:
                try:
                    rows += part(ctx)
                except Exception as exc:  # one figure's breakage must not lose the others
                    traceback.print_exc()
                    name = (part.__doc__ or ROWS[n]).splitlines()[0].rstrip(".")
                    rows.append(skipped(n, name, f"it broke: {exc!r}"[:300]))
    explain_growth(rows)
    notes, extra = ctx.notes, ctx.extra
    load_after = load_average()
    cores = len(os.sched_getaffinity(0))
    if max(float(load_before.split("/")[0]), float(load_after.split("/")[0])) > cores:
        notes.insert(
            0,
            f"**The machine was busy** (1-minute load above its {cores} cores): pairs "
            "share the load, but ratios spread and absolute figures are inflated.",
        )
    took = time.monotonic() - started
    used = ["1k"] * ("1" in rows_wanted) + ["10k"] * bool(rows_wanted & {"2", "4"})
    sizes = ", ".join(f"{s} = {ensure_data(s).stat().st_size / 1e6:.1f} MB" for s in used)
    heading = f"## Summary ({stamp:%Y-%m-%d %H:%M} UTC, bench/all.py)"
    body = "\n".join(
        [
            f"Machine: {machine(load=f'{load_before} before, {load_after} after (1/5/15 min)')}",
            "",
            f"`python bench/all.py --runs {args.runs}"
            + (f" --only {args.only}" if args.only else "")
            + f"`: {args.runs} timed pairs per figure after one warm-up round, each round "
            "running pmo then its peer(s), alternating; the ratio is taken per pair. Took "
            f"{took / 60:.1f} min. pmo data files: {sizes or '-'} (bench/generate.py); "
            "fresh copies per series, bytecode cached, TZ=UTC. Peers: "
            + (", ".join(peers.versions) or "none needed")
            + ". Verdicts: relative targets on the median per-pair ratio, absolute ones on "
            "pmo's median; a miss this script cannot explain is marked _to explain_, for a "
            "person to fill in from the profiles.",
            "",
            table(rows),
            "",
            *(f"- {n}" for n in notes),
            "",
            *extra,
        ]
    )
    print(body)
    if args.write:
        insert_section(heading, body)
        print(f"\nwrote {heading!r} at the top of bench/RESULTS.md", file=sys.stderr)
    print(f"took {took:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
