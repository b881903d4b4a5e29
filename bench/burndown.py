"""`pmo burndown` of a 200-card sprint in a 10k-card history, next to Taskwarrior's
`task burndown.daily` on as many tasks, side by side in one run.

    python bench/burndown.py [--runs 11] [--compute-runs 30] [--tw-full-runs 1] [--task T]
                             [--write]

The data set (bench/generate.py, 10k) is copied to a temp dir and its active sprint grown to
200 cards by editing the copy before anything is timed: open backlog cards (the newest ones,
so each exists before it joins) get a ``sprint_added`` event, most of them the day before the
sprint starts (committed), the rest during the sprint (scope added); about a third of those
are then moved through doing/review to done inside the sprint window (events, card fields and
the commitment snapshot agree, as the use cases would have left them).

Timed:

1. in-process: ``burndown_of(session, sprint)`` + ``to_json`` with the file already loaded
   (the first call, which also parses the events and time entries tables, is shown apart);
   median/min of --compute-runs, GC on (as in the app's worker);
2. whole processes, console script `pmo`, bytecode cached (PYTHONPYCACHEPREFIX, as
   bench/run.py): `pmo burndown active` and `pmo burndown active --json`, next to
   `task burndown.daily` over all 10k tasks and restricted to the sprint's project (200
   tasks).  Each round runs every command once, alternating, after one warm-up round, except
   the whole-store `task burndown.daily`: over 2 minutes a run here, so it runs only in the
   first --tw-full-runs rounds.

The Taskwarrior store (temp TASKDATA, empty TASKRC, `rc.confirmation=off rc.verbose=nothing
rc.hooks=off rc.color=off`) is the same copy's cards as tasks, loaded with `task import`:
entry = created, start = started (open cards in a started column), end = done (or the archive
date: an archived open card is a deleted task), project `sprint` for the 200 sprint cards and
`PMO` for the others.  Taskwarrior draws from the tasks' current dates; pmo replays the
events.  Without `task` on PATH (or --task) the Taskwarrior rows are skipped and said so.

With --write the figures replace the "## Burndown (bench/burndown.py)" section of
bench/RESULTS.md, with a verdict against issue 10's targets (< 50 ms to compute, < 150 ms for
the whole process) and, when one is missed, where the time goes (-X importtime, cProfile).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import json
import os
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import (
    PMO,
    Failed,
    ensure_data,
    import_times,
    machine,
    pmo_env,
    replace_section,
    timed,
)

HEADING = "## Burndown (bench/burndown.py)"
SPRINT_CARDS = 200
TARGET_COMPUTE_MS = 50
TARGET_PROCESS_MS = 150
TW_RC = ["rc.confirmation=off", "rc.verbose=nothing", "rc.hooks=off", "rc.color=off"]
TW_PROJECT = "sprint"
TW_PRIORITY = {"low": "L", "medium": "M", "high": "H", "urgent": "H"}


# --------------------------------------------------------------------------- the data


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def grow_sprint(source: Path, db: Path, size: int = SPRINT_CARDS, seed: int = 10) -> dict[str, Any]:
    """Copy ``source`` to ``db`` with its active sprint grown to ``size`` cards."""
    from pmo_tui.core.storage.jsonfile.layout import Tables, serialize, to_bytes

    rng = random.Random(seed)
    tables = json.loads(source.read_bytes())
    meta = tables["meta"]["1"]
    tables["meta"] = {"1": {k: meta[k] for k in ("schema_version", "created") if k in meta}}
    sprint = next(s for s in tables["sprints"].values() if s["state"] == "active")
    start = date.fromisoformat(sprint["start"])
    end = date.fromisoformat(sprint["end"])
    day_before = datetime.combine(start - timedelta(days=1), datetime.min.time(), UTC)
    window_from = datetime.combine(start, datetime.min.time(), UTC) + timedelta(hours=9)
    data_now = max(e["ts"] for e in tables["events"].values())
    window_to = min(_parse(data_now), datetime.combine(end, datetime.min.time(), UTC))
    cards = tables["cards"]
    members = [c for c in cards.values() if c["sprint"] == sprint["id"]]
    candidates = [
        c
        for c in cards.values()
        if c["sprint"] is None
        and c["status"] == "todo"
        and not c["archived"]
        and c["key"] != "PMO-5"
        and _parse(c["created"]) < day_before
    ]
    candidates.sort(key=lambda c: c["created"], reverse=True)
    need = size - len(members)
    chosen = candidates[:need]
    if len(chosen) < need:
        sys.exit(f"bench: only {len(members) + len(chosen)} cards can join the sprint")
    events = list(tables["events"].values())
    committed_keys = {c["key"] for c in members}
    added_after = 0
    for c in chosen:
        key, users = c["key"], ["alice", "bob", "carol", "dave"]
        if rng.random() < 0.8:  # planned before the start: part of the commitment
            at = day_before + timedelta(hours=9, seconds=rng.randint(0, 8 * 3600))
            sprint["commitment"].append(
                {"key": key, "points": c["points"], "estimate": c["estimate"]}
            )
            committed_keys.add(key)
        else:  # scope added during the sprint
            at = window_from + (window_to - window_from) * rng.random() * 0.6
            at = at.replace(microsecond=0)
            added_after += 1
        who = rng.choice(users)
        events.append(
            {
                "ts": _iso(at),
                "user": who,
                "card": key,
                "type": "sprint_added",
                "from": None,
                "to": sprint["id"],
            }
        )
        c["sprint"] = sprint["id"]
        c["updated"] = max(c["updated"], _iso(at))
        roll = rng.random()
        if roll < 0.6:
            continue  # stays in todo
        # worked on inside the window: doing, then review and done for most
        ts = max(at, window_from) + timedelta(hours=rng.randint(1, 30))
        path = ["todo", "doing", "review", "done"] if roll < 0.9 else ["todo", "doing"]
        for a, b in itertools.pairwise(path):
            ts = min(ts + timedelta(minutes=rng.randint(30, 24 * 60)), window_to)
            events.append(
                {
                    "ts": _iso(ts),
                    "user": c["assignee"] or who,
                    "card": key,
                    "type": "moved",
                    "from": a,
                    "to": b,
                }
            )
            if b == "doing":
                c["started"] = _iso(ts)
        c["status"] = path[-1]
        c["done"] = _iso(ts) if path[-1] == "done" else None
        c["updated"] = _iso(ts)
    events.sort(key=lambda e: e["ts"])
    tables["events"] = {str(i): e for i, e in enumerate(events, 1)}
    db.write_bytes(to_bytes(serialize(Tables(tables))))
    return {
        "sprint": sprint,
        "cards": len(members) + len(chosen),
        "committed": len(sprint["commitment"]),
        "added_after_start": added_after,
        "tables": tables,
    }


def tw_date(text: str) -> str:
    return _parse(text).strftime("%Y%m%dT%H%M%SZ")


def write_tasks(tables: dict[str, Any], sprint_id: int | None, path: Path) -> int:
    """The cards as Taskwarrior's import JSON (an array); returns how many.

    Description, dates, status, project (``sprint`` for the sprint's cards), tags, priority
    and due; the uuid is the card number's (PMO-5 -> 00000000-...-000000000005)."""
    events = tables["events"].values()
    archived_at = {e["card"]: e["ts"] for e in events if e["type"] == "archived"}
    tasks = []
    for c in tables["cards"].values():
        number = int(c["key"].rsplit("-", 1)[1])
        task: dict[str, Any] = {
            "uuid": str(uuid.UUID(int=number)),
            "description": c["title"],
            "entry": tw_date(c["created"]),
            "modified": tw_date(c["updated"]),
            "project": TW_PROJECT if c["sprint"] == sprint_id else "PMO",
        }
        if c.get("tags"):
            task["tags"] = list(c["tags"])
        if c.get("priority") in TW_PRIORITY:
            task["priority"] = TW_PRIORITY[c["priority"]]
        if c.get("due"):
            task["due"] = tw_date(f"{c['due'][:10]}T00:00:00Z")
        if c["status"] == "done" and c["done"]:
            task["status"] = "completed"
            task["end"] = tw_date(c["done"])
        elif c["archived"]:
            task["status"] = "deleted"
            task["end"] = tw_date(archived_at.get(c["key"], c["updated"]))
        else:
            task["status"] = "pending"
            if c["status"] in ("doing", "review") and c["started"]:
                task["start"] = tw_date(c["started"])
        if c["started"] and "end" in task and task["status"] == "completed":
            task["start"] = tw_date(c["started"])
        tasks.append(task)
    path.write_text(json.dumps(tasks))
    return len(tasks)


# --------------------------------------------------------------------------- timing


def compute_times(db: Path, runs: int) -> dict[str, Any]:
    """In-process burndown_of + to_json on a loaded file."""
    from pmo_tui.core.board import Board
    from pmo_tui.core.reports.burndown import burndown_of, to_json
    from pmo_tui.core.storage.jsonfile.store import Store

    session = Board(Store(db, seed=False), "bench", "PMO").session
    sprint = session.resolve_sprint("active")
    t0 = time.perf_counter()
    doc = to_json(burndown_of(session, sprint))
    first = time.perf_counter() - t0
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        to_json(burndown_of(session, sprint))
        samples.append(time.perf_counter() - t0)
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(5):
        to_json(burndown_of(session, sprint))
    prof.disable()
    return {
        "first": first,
        "samples": samples,
        "doc": doc,
        "profile": prof,
        "events": len(session.storage.events()),
        "entries": len(session.storage.entries()),
    }


def _run(cmd: list[str], env: dict[str, str]) -> float:
    try:
        return timed(cmd, env)
    except Failed as exc:
        sys.exit(f"bench: {exc}")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def import_profile(env: dict[str, str]) -> str:
    """Top-level imports of a `pmo burndown active` process (python -X importtime)."""
    best = import_times([PMO, "burndown", "active"], env)
    top = sorted(((c, k) for k, (_s, c, d) in best.items() if d == 0 and k != "(all)"))
    parts = ", ".join(f"{k} {v / 1000:.1f}" for v, k in reversed(top[-6:]))
    return f"imports {best['(all)'][1] / 1000:.0f} ms (min of 3; largest: {parts})"


def process_profile(db: Path) -> str:
    """cProfile of one in-process `pmo burndown active` (fresh store), by phase."""
    from pmo_tui.cli import main as cli_main

    os.environ.update(pmo_env(db))
    prof = cProfile.Profile()
    saved = sys.stdout
    sys.stdout = io.StringIO()
    try:
        prof.enable()
        cli_main(["burndown", "active"])
        prof.disable()
    finally:
        sys.stdout = saved
    stats = pstats.Stats(prof)
    total = stats.total_tt  # type: ignore[attr-defined]
    found: dict[str, float] = {}
    for (filename, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        label = None
        if name in ("burndown_of", "cycle_time", "velocity"):
            label = name
        elif "/charts/" in filename:
            label = "pmo's chart (charts/)"
        elif "/plotext/" in filename:
            label = "plotext"
        elif name in ("loads",) and ("orjson" in filename or "layout" in filename):
            label = "parse (layout.loads)"
        if label:
            found[label] = max(found.get(label, 0.0), ct)
    parts = ", ".join(
        f"{k} {v * 1000:.0f}" for k, v in sorted(found.items(), key=lambda kv: -kv[1])
    )
    return f"in-process CLI run under cProfile {total * 1000:.0f} ms: {parts} (cumulative ms)"


def compute_profile_lines(prof: cProfile.Profile, n: int = 5) -> str:
    stats = pstats.Stats(prof)
    rows = []
    for (filename, line, name), (_cc, nc, tt, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append((tt, f"{Path(filename).name}:{line}({name})", nc))
    rows.sort(reverse=True)
    total = sum(r[0] for r in rows)
    top = ", ".join(f"{name} {tt / 5 * 1000:.1f} ms" for tt, name, _nc in rows[:n])
    return f"per call {total / 5 * 1000:.1f} ms under cProfile; own time: {top}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=11, help="timed rounds of whole processes")
    ap.add_argument(
        "--tw-full-runs",
        type=int,
        default=1,
        help="rounds that also run `task burndown.daily` over all 10k tasks (it "
        "takes minutes here; no warm-up run for it)",
    )
    ap.add_argument("--compute-runs", type=int, default=30)
    ap.add_argument("--task", default=shutil.which("task"), help="the task executable")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args(argv)
    if args.runs < 11 or args.compute_runs < 20:
        ap.error("--runs must be at least 11 and --compute-runs at least 20")
    tw_runs = max(1, min(args.tw_full_runs, args.runs))
    source = ensure_data("10k")
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="pmo-burndown-") as tmp:
        folder = Path(tmp)
        db = folder / "pmo.json"
        grown = grow_sprint(source, db)
        sprint = grown["sprint"]
        env = pmo_env(db)
        print(f"sprint {sprint['id']}: {grown['cards']} cards", file=sys.stderr)

        comp = compute_times(db, args.compute_runs)
        days = len(comp["doc"].get("days", []))

        pmo_cmds = {
            "pmo burndown active": [PMO, "burndown", "active"],
            "pmo burndown active --json": [PMO, "burndown", "active", "--json"],
        }
        tw_cmds: dict[str, tuple[list[str], dict[str, str]]] = {}
        tw_version = ""
        n_tasks = 0
        if args.task:
            taskdata = folder / "task"
            taskdata.mkdir()
            rc = folder / "taskrc"
            rc.write_text("")
            tenv = dict(os.environ, TASKDATA=str(taskdata), TASKRC=str(rc))
            base = [args.task, *TW_RC]
            tw_version = subprocess.run(
                [args.task, "--version"], capture_output=True, text=True
            ).stdout.strip()
            n_tasks = write_tasks(grown["tables"], sprint["id"], folder / "tasks.json")
            t0 = time.perf_counter()
            subprocess.run(
                [*base, "import", str(folder / "tasks.json")],
                env=tenv,
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            imported = time.perf_counter() - t0
            count = subprocess.run(
                [*base, "rc.gc=off", "count", "status.not:purged"],
                env=tenv,
                capture_output=True,
                text=True,
            ).stdout.strip()
            proj = subprocess.run(
                [*base, f"project:{TW_PROJECT}", "count"], env=tenv, capture_output=True, text=True
            ).stdout.strip()
            notes.append(
                f"Taskwarrior store: {n_tasks} tasks imported in {imported:.1f} s "
                f"(`task count`: {count or '?'}; pending in project {TW_PROJECT}: {proj or '?'})."
            )
            tw_cmds = {
                f"task burndown.daily ({n_tasks} tasks)": ([*base, "burndown.daily"], tenv),
                f"task project:{TW_PROJECT} burndown.daily ({grown['cards']} tasks)": (
                    [*base, f"project:{TW_PROJECT}", "burndown.daily"],
                    tenv,
                ),
            }
        else:
            notes.append("Taskwarrior: `task` not found, its rows are skipped.")

        times: dict[str, list[float]] = {k: [] for k in [*pmo_cmds, *tw_cmds]}
        for i in range(args.runs + 1):
            for name, cmd in pmo_cmds.items():
                elapsed = _run(cmd, env)
                if i:
                    times[name].append(elapsed)
            for j, (name, (cmd, tenv)) in enumerate(tw_cmds.items()):
                if j == 0 and not 1 <= i <= tw_runs:
                    continue  # the full store: minutes a run, so only the first rounds
                elapsed = _run(cmd, tenv)
                if i:
                    times[name].append(elapsed)
            print(f"  round {i}/{args.runs} done {time.strftime('%H:%M:%S')}", file=sys.stderr)
        import_line = import_profile(env)
        cli_line = process_profile(db)

    first_pmo = "pmo burndown active"
    lines = [
        "| what | median ms | min ms | target (median) | verdict |",
        "|---|---|---|---|---|",
    ]
    cmed = statistics.median(comp["samples"]) * 1000
    compute_ok = cmed < TARGET_COMPUTE_MS
    lines.append(
        f"| in-process `burndown_of` + `to_json`, file loaded ({len(comp['samples'])} runs) | "
        f"{cmed:.1f} | {min(comp['samples']) * 1000:.1f} | < {TARGET_COMPUTE_MS} ms | "
        f"{'ok' if compute_ok else '**MISSED**'} |"
    )
    lines.append(
        f"| the same, first call (parses the events and time entries tables) | "
        f"{comp['first'] * 1000:.0f} | | | |"
    )
    process_ok = True
    for name, samples in times.items():
        if not samples:
            continue
        med = statistics.median(samples)
        target, verdict = "", ""
        if name.startswith("pmo"):
            ok = med * 1000 < TARGET_PROCESS_MS
            process_ok &= ok
            target, verdict = f"< {TARGET_PROCESS_MS} ms", "ok" if ok else "**MISSED**"
        lines.append(f"| `{name}` | {_ms(med)} | {_ms(min(samples))} | {target} | {verdict} |")
    ratios = ""
    for name in tw_cmds:
        pairs = [t / p for t, p in zip(times[name], times[first_pmo], strict=False)]
        if pairs:
            spread = (
                f"{min(pairs):.1f}x to {max(pairs):.1f}x (median {statistics.median(pairs):.1f}x"
                f", {len(pairs)} rounds)"
                if len(pairs) > 1
                else f"{pairs[0]:.0f}x (1 round)"
            )
            ratios += f"\n- `{name}` / `{first_pmo}`, per round: {spread}"
    verdict = [
        f"Targets (issue 10): compute < {TARGET_COMPUTE_MS} ms: "
        f"{'met' if compute_ok else 'MISSED'} ({cmed:.1f} ms); whole `pmo burndown` process "
        f"< {TARGET_PROCESS_MS} ms: {'met' if process_ok else 'MISSED'} "
        f"({_ms(statistics.median(times[first_pmo]))} ms median)."
    ]
    if not (compute_ok and process_ok):
        verdict.append(
            "The compute is not the problem; the process also pays the first call's parse of "
            f"the events and time entries tables ({comp['first'] * 1000:.0f} ms for the first "
            "call against the median above), the chart, cycle time and velocity (the text run "
            "minus `--json`), start-up and imports. Where the time goes:"
        )
        verdict.append(f"- compute: {compute_profile_lines(comp['profile'])}")
        verdict.append(f"- process: {import_line}")
        verdict.append(f"- process: {cli_line}")
    body = "\n".join(
        [
            f"Machine: {machine()}",
            "",
            f"Data: bench/generate.py's 10k set, copied, its active sprint {sprint['id']} "
            f"({sprint['start']} .. {sprint['end']}) grown to {grown['cards']} cards "
            f"({grown['committed']} committed, {grown['added_after_start']} added after the "
            f"start; see the script); {comp['events']} events, {comp['entries']} time entries; "
            f"{days} days in the series (today is after the data set's fixed `now`, so every "
            "day of the sprint has passed). Whole processes: median and min of "
            f"{args.runs} rounds after a warm-up round, each round running every command once, "
            f"alternating, except `task burndown.daily` over the whole store, run in the first "
            f"{tw_runs} round(s) only (no warm-up: minutes a run); bytecode cached. "
            + (f"{tw_version and 'Taskwarrior ' + tw_version + '. '}" if tw_cmds else "")
            + " ".join(notes),
            "",
            *lines,
            "",
            ratios.lstrip("\n"),
            "",
            *verdict,
        ]
    )
    print(body)
    if args.write:
        replace_section(HEADING, body)
        print(f"\nwrote {HEADING!r} in bench/RESULTS.md", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
