"""Charting: plotext (what pmo_tui.charts draws the burndown with) against a renderer of
our own, on import time and draw time (median of 20), for README "Design notes".

    .venv/bin/python bench/charting.py

The "own" burndown here is a deliberately plain prototype (one glyph per cell: ideal
dots, the actual line, scope and today marks on pmo_tui.charts.canvas.Canvas), the cost a
hand-drawn chart would have; the velocity bars are pmo_tui.charts' own renderer.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pmo_tui.charts import render_burndown, render_velocity
from pmo_tui.charts.canvas import Canvas
from pmo_tui.core.model import DEFAULT_COLUMNS, Project, Sprint, iso
from pmo_tui.core.reports import burndown as bd


def sample() -> bd.Burndown:
    """A ten-work-day sprint with a weekend, today on day 7, +3 on day 3, -3 on day 6."""
    at = lambda d: iso(datetime(2026, 11, d, 12, tzinfo=UTC))  # noqa: E731
    keys = ["PMO-1", "PMO-2", "PMO-3", "PMO-4", "PMO-5"]
    ev = [
        {"ts": at(13), "card": k, "type": "created", "to": {"status": "todo", "points": p}}
        for k, p in zip(keys, (5, 8, 4, 3, 3), strict=True)
    ]
    ev += [{"ts": at(13), "card": k, "type": "sprint_added", "to": 7} for k in keys[:4]]
    ev += [
        {"ts": at(17), "card": "PMO-1", "type": "moved", "from": "todo", "to": "done"},
        {"ts": at(18), "card": "PMO-5", "type": "sprint_added", "to": 7},
        {"ts": at(19), "card": "PMO-2", "type": "moved", "from": "todo", "to": "done"},
        {"ts": at(23), "card": "PMO-4", "type": "sprint_removed", "from": 7},
    ]
    commitment = [{"key": k, "points": p} for k, p in zip(keys, (5, 8, 4, 3), strict=False)]
    start, end = date(2026, 11, 16), date(2026, 11, 27)
    s = Sprint(7, "PMO", "S7", start, end, state="active", commitment=commitment)
    project = Project("PMO", "pmo", list(DEFAULT_COLUMNS))
    return bd.burndown(s, project, ev, now=datetime(2026, 11, 24, 12, tzinfo=UTC), tz="UTC")


def own_burndown(b: bd.Burndown, width: int, height: int) -> str:
    """The hand-drawn prototype: cells only, no sub-cell resolution."""
    top = max(b.committed, *(d.remaining or 0 for d in b.days))
    n = len(b.days)
    rows, left = height - 3, 4
    cols = width - left - 1
    canvas = Canvas(width)
    grid = [canvas.row() for _ in range(rows)]

    def cell(x: float, y: float) -> tuple[int, int]:
        return left + round(x / n * (cols - 1)), rows - 1 - round(y / top * (rows - 1))

    def line(points: list[float], glyph: str, role: str) -> None:
        for i in range(len(points) - 1):
            (c0, r0), (c1, r1) = cell(i, points[i]), cell(i + 1, points[i + 1])
            for c in range(c0, c1 + 1):
                t = (c - c0) / max(1, c1 - c0)
                canvas.put(grid[round(r0 + (r1 - r0) * t)], c, glyph, role)

    line([b.committed] + [d.ideal for d in b.days], "·", "ideal")
    actual = [b.committed] + [d.remaining for d in b.days if d.remaining is not None]
    line(actual, "█", "actual")  # type: ignore[arg-type]
    for i, d in enumerate(b.days):
        if d.today:
            for r in grid:
                c = cell(i + 1, 0)[0]
                if r[c][0] == " ":
                    canvas.put(r, c, "│", "today")
        if d.remaining is not None and (d.scope_added or d.scope_removed):
            c, r = cell(i + 1, d.remaining)
            canvas.put(grid[r], c, "+" if d.scope_added else "-", "added")
    for r, y in ((0, top), (rows - 1, 0)):
        canvas.put(grid[r], 0, f"{y:>3.0f}┤")
    axis = canvas.row()
    canvas.put(axis, left - 1, "└" + "─" * cols)
    labels = canvas.row()
    for i, d in enumerate(b.days):
        canvas.put(labels, cell(i + 1, 0)[0], str(d.date.day))
    canvas.put(canvas.row(), 0, "points")
    return "\n".join(canvas.plain())


def median_ms(fn: Callable[[], object], n: int = 20) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def import_ms(module: str) -> float:
    """Cumulative import time of ``module`` in a fresh interpreter, median of 5."""
    values = []
    for _ in range(5):
        out = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", f"import {module}"],
            capture_output=True,
            text=True,
            check=True,
        ).stderr
        last = [line for line in out.splitlines() if line.rstrip().endswith(f"| {module}")][-1]
        values.append(int(last.split("|")[1]) / 1000)
    return statistics.median(values)


def main() -> None:
    b = sample()
    vel = bd.Velocity([(i, f"Sprint {i}", p) for i, p in enumerate([12, 17, 18, 9, 21, 15], 1)], 15)
    render_burndown(b, width=50, height=14)  # warm: plotext imported once
    print(f"machine: {time.strftime('%Y-%m-%d %H:%M')} UTC, Python {sys.version.split()[0]}")
    for module in ("plotext", "textual_plotext", "pmo_tui.charts"):
        print(f"import {module}: {import_ms(module):.1f} ms")
    for w, h in ((50, 14), (80, 20)):
        plotext_ms = median_ms(lambda w=w, h=h: render_burndown(b, width=w, height=h))
        colour_ms = median_ms(lambda w=w, h=h: render_burndown(b, width=w, height=h, color=True))
        own_ms = median_ms(lambda w=w, h=h: own_burndown(b, w, h))
        vel_ms = median_ms(lambda w=w, h=h: render_velocity(vel, width=w, height=h))
        print(
            f"{w}x{h}: burndown plotext {plotext_ms:.2f} ms plain / {colour_ms:.2f} ms colour; "
            f"own prototype {own_ms:.2f} ms; velocity (own) {vel_ms:.2f} ms"
        )
    print()
    print(own_burndown(b, 50, 14))


if __name__ == "__main__":
    main()
