"""`pmo timesheet` against Watson's `report` over the same week, side by side in one run.

    python bench/watson.py --watson /tmp/watson-venv/bin/watson [--runs 7] [--size 10k] [--write]

Watson is not a dependency: install it in a throwaway venv (`python -m venv /tmp/w &&
/tmp/w/bin/pip install td-watson`) and pass its `watson`.  The data set's closed time
entries become Watson frames (project = card key, tag = user); two frame files are written:
the last 10,000 frames (issue 9's "10k frames") and all of them (as many as pmo reads).
Each round runs every command once, alternating, so a busy machine slows them alike.  The
week is the data set's last (generate.py's fixed `now`); both tools report its total (the
script checks they agree).  With --write the table replaces the "## Timesheet vs Watson"
section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import PMO, ensure_data, machine, pmo_env, replace_section

HEADING = "## Timesheet vs Watson (bench/watson.py)"
WEEK = ("2026-11-16", "2026-11-22")  # the week of generate.py's default --now


def _ts(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


def closed_entries(data: Path) -> list[dict[str, Any]]:
    """The data file's closed time entries, oldest first (what Watson and Timewarrior get)."""
    tables = json.loads(data.read_bytes())
    entries = sorted(tables["time_entries"].values(), key=lambda e: e["start"])
    return [e for e in entries if e.get("end")]


def write_frame_dir(entries: list[dict[str, Any]], folder: Path) -> Path:
    """A WATSON_DIR in ``folder`` (created) whose frames are ``entries``: project = card key,
    tag = user."""
    frames = [
        [
            _ts(e["start"]),
            _ts(e["end"]),
            e["card"],
            uuid.UUID(int=i).hex,
            [e["user"]],
            _ts(e["end"]),
        ]
        for i, e in enumerate(entries)
    ]
    folder.mkdir(parents=True)
    (folder / "frames").write_text(json.dumps(frames))
    (folder / "config").write_text("")
    return folder


def write_frames(data: Path, folder: Path) -> dict[str, Path]:
    entries = closed_entries(data)
    out = {}
    for label, chosen in (("10k frames", entries[-10_000:]), (f"{len(entries)} frames", entries)):
        out[label] = write_frame_dir(chosen, folder / label.replace(" ", "-"))
    return out


# The week's total as each tool prints it: pmo's grid, Watson's report, `timew summary`.
TOTALS = [
    re.compile(r"^Total .* (\d+:\d\d)$", re.M),
    re.compile(r"^Total: (\d+h \d+m)", re.M),
    re.compile(r"^\s+(\d+:\d\d):\d\d\s*\Z", re.M),
]


def week_total(text: str) -> str:
    """The report's total for the week as printed ("?" if not found)."""
    for pattern in TOTALS:
        found = pattern.search(text)
        if found:
            return found.group(1)
    return "?"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--watson", required=True, help="the watson executable")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--size", default="10k")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args(argv)
    data = ensure_data(args.size)
    with tempfile.TemporaryDirectory(prefix="pmo-watson-") as tmp:
        folder = Path(tmp)
        db = folder / "pmo.json"
        db.write_bytes(Path(data).read_bytes())
        env = dict(pmo_env(db), TZ="UTC")
        pmo = [PMO, "timesheet", "--week", WEEK[0], "--everyone"]
        commands: dict[str, tuple[list[str], dict[str, str]]] = {
            f"pmo {' '.join(pmo[1:])} ({args.size} cards)": (pmo, env)
        }
        for label, d in write_frames(db, folder).items():
            argv_w = [args.watson, "report", "--from", WEEK[0], "--to", WEEK[1]]
            commands[f"watson report --from {WEEK[0]} --to {WEEK[1]} ({label})"] = (
                argv_w,
                dict(env, WATSON_DIR=str(d)),
            )
        totals: dict[str, str] = {}  # the week's total as each tool prints it (must agree)
        for name, (cmd, e) in commands.items():
            text = subprocess.run(cmd, env=e, capture_output=True, text=True, check=True).stdout
            totals[name] = week_total(text)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for i in range(args.runs + 1):
            for name, (cmd, e) in commands.items():
                t0 = time.perf_counter()
                subprocess.run(cmd, env=e, stdout=subprocess.DEVNULL, check=True)
                if i:
                    times[name].append(time.perf_counter() - t0)
    lines = ["| command | median ms | min ms | week total as printed |", "|---|---|---|---|"]
    for name, samples in times.items():
        med, low = statistics.median(samples) * 1000, min(samples) * 1000
        lines.append(f"| `{name}` | {med:.0f} | {low:.0f} | {totals[name]} |")
    pmo_median = statistics.median(next(iter(times.values()))) * 1000
    verdict = "ok" if pmo_median < 150 else "**MISSED**"
    body = (
        f"Machine: {machine()}\n\n"
        + "\n".join(lines)
        + f"\n\nTarget (issue 9): the pmo report at {args.size} under 150 ms median: {verdict}."
        " Each round runs the three commands once, alternating; the last 10k frames hold the"
        " whole week, so both Watson rows print the same total as pmo."
    )
    print(body)
    if args.write:
        replace_section(HEADING, body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
