"""Wall-clock time of whole `pmo` processes on the generated 1k and 10k data sets.

    python bench/run.py [--runs 7] [--sizes 1k,10k] [--write]

Each command series runs on a fresh copy of the data set in a temp dir (PMO_DB), as user
`bench`, with PMO_CONFIG pointing at a missing file: 1 warm-up run, then --runs timed runs
(time.perf_counter around subprocess.run); the median and min are reported.  Mutating
commands keep the file the same size: `move` alternates doing/todo, `start` and `stop` are
paired, `edit` alternates the title, `add` grows the file by one card per run.  With --write
the table replaces the "## CLI (bench/run.py)" section of bench/RESULTS.md.  bench/all.py
reuses these command series for its write rows.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import PMO, PY, Failed, ensure_data, machine, pmo_env, replace_section, timed

HEADING = "## CLI (bench/run.py)"
FLOOR_IMPORTS = "floor: python -c 'import tinydb, pendulum'"
PMO_IMPORTS = "import re, pmo_tui.cli, pmo_tui.core.board"  # what a write command imports
FLOOR_PMO = "floor: pmo's imports (`python -c 'import re, pmo_tui.cli, pmo_tui.core.board'`)"
NO_PYC = "the same imports without bytecode cache (PYTHONDONTWRITEBYTECODE=1)"
# Targets (median, ms): per size, or for every size.
DATA_WEEK = "2026-11-20"  # generate.py's default --now
TIMESHEET = f"timesheet --week {DATA_WEEK} --everyone"
TARGETS: dict[str, dict[str, float]] = {
    TIMESHEET: {"10k": 150},  # issue 9 (Watson's `report` over 10k frames: ~240 ms)
    "add": {"1k": 70, "10k": 150},
    "move": {"1k": 70, "10k": 150},
    "start": {"1k": 70, "10k": 150},
    "stop": {"1k": 70, "10k": 150},
    "sprint add": {"1k": 70, "10k": 150},
    "sprint remove": {"1k": 70, "10k": 150},
    "edit": {"1k": 70, "10k": 150},
    "burndown": {"10k": 150},  # issue 10: the whole `pmo burndown` process
    "status --short (timer running)": {"1k": 50, "10k": 50},
    "status --short (no timer)": {"1k": 50, "10k": 50},
}


@dataclass
class Step:
    label: str  # the row it is timed under; "" = run but not timed
    argv: list[str]
    ok: tuple[int, ...] = (0,)


@dataclass
class Series:
    """Commands run on one fresh copy of a data set; steps(i) is iteration i (0 = warm-up)."""

    steps: Callable[[int], list[Step]]
    setup: list[Step] = field(default_factory=list)
    before_each: Callable[[Path], None] | None = None
    needs_data: bool = True


def _drop_status_file(db: Path) -> None:
    db.with_name(db.name + ".status").unlink(missing_ok=True)


SERIES: list[Series] = [
    Series(lambda i: [Step("ls", [PMO, "ls"])]),
    Series(lambda i: [Step("show PMO-5", [PMO, "show", "PMO-5"])]),
    Series(lambda i: [Step("add", [PMO, "add", "bench card"])]),
    # The data set's last week (its `now` is fixed, see generate.py), every user's entries.
    Series(lambda i: [Step(TIMESHEET, [PMO, "timesheet", "--week", DATA_WEEK, "--everyone"])]),
    Series(lambda i: [Step("move", [PMO, "move", "PMO-5", "doing" if i % 2 == 0 else "todo"])]),
    Series(lambda i: [Step("start", [PMO, "start", "PMO-5"]), Step("stop", [PMO, "stop"])]),
    # paired like start/stop, so the file keeps its size: in and out of the active sprint
    Series(
        lambda i: [
            Step("sprint add", [PMO, "sprint", "add", "active", "PMO-5"]),
            Step("sprint remove", [PMO, "sprint", "remove", "PMO-5"]),
        ]
    ),
    # the title alternates, so every run changes the card and the file keeps its size
    Series(lambda i: [Step("edit", [PMO, "edit", "PMO-5", "--title", f"bench edit {i % 2}"])]),
    Series(lambda i: [Step("sprint show", [PMO, "sprint", "show", "active"])]),
    Series(lambda i: [Step("burndown", [PMO, "burndown", "active"])]),
    Series(lambda i: [Step("burndown --json", [PMO, "burndown", "active", "--json"])]),
    Series(
        lambda i: [Step("status --short (no timer)", [PMO, "status", "--short"], (1,))],
    ),
    Series(
        lambda i: [Step("status --short (timer running)", [PMO, "status", "--short"])],
        setup=[Step("", [PMO, "start", "PMO-5"])],
    ),
    Series(
        lambda i: [Step("status --short, no .status file (fallback)", [PMO, "status", "--short"])],
        setup=[Step("", [PMO, "start", "PMO-5"])],
        before_each=_drop_status_file,
    ),
]
FLOORS: list[Series] = [
    Series(lambda i: [Step("floor: python -c pass", [PY, "-c", "pass"])], needs_data=False),
    Series(
        lambda i: [Step(FLOOR_IMPORTS, [PY, "-c", "import tinydb, pendulum"])],
        needs_data=False,
    ),
    Series(lambda i: [Step(FLOOR_PMO, [PY, "-c", PMO_IMPORTS])], needs_data=False),
    Series(lambda i: [Step(NO_PYC, [PY, "-c", PMO_IMPORTS])], needs_data=False),
]


def _run(step: Step, env: dict[str, str]) -> float:
    try:
        return timed(step.argv, env, step.ok)
    except Failed as exc:
        sys.exit(f"bench: {exc}")


def run_series(series: Series, source: Path | None, runs: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="pmo-bench-") as tmp:
        db = Path(tmp) / "pmo.json"
        if source is not None:
            shutil.copyfile(source, db)  # a fresh copy for every series
        env = pmo_env(db, bytecode=not any(s.label == NO_PYC for s in series.steps(0)))
        for step in series.setup:
            _run(step, env)
        for i in range(runs + 1):
            if series.before_each is not None:
                series.before_each(db)
            for step in series.steps(i):
                elapsed = _run(step, env)
                if i > 0 and step.label:  # iteration 0 is the warm-up
                    times.setdefault(step.label, []).append(elapsed)
    return times


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def table(results: dict[str, dict[str, list[float]]], sizes: list[str]) -> str:
    labels: list[str] = []
    for per_size in results.values():
        labels += [k for k in per_size if k not in labels]
    head = ["command"]
    for size in sizes:
        head += [f"{size} median ms", f"{size} min ms"]
    head += ["target (median)", "verdict"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for label in labels:
        row = [f"`{label}`" if not label.startswith("floor") else label]
        verdicts = []
        for size in sizes:
            samples = results.get(size, {}).get(label) or results.get("-", {}).get(label)
            if samples is None:
                row += ["", ""]
                continue
            med = statistics.median(samples)
            row += [_ms(med), _ms(min(samples))]
            target = TARGETS.get(label, {}).get(size)
            if target is not None:
                verdicts.append(f"{size} {'ok' if med * 1000 < target else '**MISSED**'}")
        targets = TARGETS.get(label)
        if targets is None:
            row += ["", ""]
        else:
            row.append(" / ".join(f"{s} < {t:g}" for s, t in targets.items() if s in sizes) + " ms")
            row.append(", ".join(verdicts))
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7, help="timed runs per command (>= 7)")
    ap.add_argument("--sizes", default="1k,10k")
    ap.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    args = ap.parse_args(argv)
    if args.runs < 7:
        ap.error("--runs must be at least 7")
    if not Path(PMO).exists():
        sys.exit(f"bench: {PMO} not found (install pmo in this Python's environment)")
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]

    results: dict[str, dict[str, list[float]]] = {"-": {}}
    for series in FLOORS:
        results["-"].update(run_series(series, None, args.runs))
    files: dict[str, int] = {}
    for size in sizes:
        source = ensure_data(size)
        files[size] = source.stat().st_size
        results[size] = {}
        for series in SERIES:
            results[size].update(run_series(series, source, args.runs))
            print(f"  {size}: {', '.join(results[size])}", file=sys.stderr)

    body = "\n".join(
        [
            f"Machine: {machine()}",
            "",
            "Data files: "
            + ", ".join(f"{s} = {files[s] / 1e6:.2f} MB ({files[s]:,} bytes)" for s in sizes)
            + " (bench/generate.py; ~3 time entries and ~5 events per card, N/50 sprints).",
            "",
            f"Whole-process wall time, median and min of {args.runs} runs after 1 warm-up, "
            "console script `pmo`, fresh copy of the data set per command series, "
            "PMO_USER=bench, no config file, bytecode cached (PYTHONPYCACHEPREFIX) except in "
            "the row that says otherwise. Floors do not read data (`re`: the console script's).",
            "",
            table(results, sizes),
        ]
    )
    print(body)
    if args.write:
        replace_section(HEADING, body)
        print(f"\nwrote {HEADING!r} in bench/RESULTS.md", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
