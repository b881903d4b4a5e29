"""`pmo burndown [ID|active] [--by points|hours|cards] [--json]`: the summary numbers and
the chart of :mod:`pmo_tui.charts` (colour on a terminal, plain when piped or NO_COLOR).

``--json`` prints :func:`pmo_tui.core.reports.burndown.to_json` as it is and never imports
the charts (nor plotext).
"""

from __future__ import annotations

import sys

from .. import EXIT_OK
from . import Command

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

    from ...core.usecases.session import Session as CoreSession
    from ..session import Session

CHART_MAX_WIDTH = 100
CHART_HEIGHT = 18


def burndown_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("sprint", nargs="?", default=None, metavar="ID|active")
    p.add_argument("--by", choices=["points", "hours", "cards"], default="points")
    p.add_argument("--json", action="store_true")


def _core_session(env: Session) -> CoreSession:
    """A use-case session over the data file, without the Board facade (which imports
    every use case)."""
    from ...core.storage.jsonfile.backend import JsonFileStorage
    from ...core.usecases.session import Session as CoreSession

    return CoreSession(
        JsonFileStorage(env.store()), env.user, env.project, hours_per_day=env.cfg.hours_per_day
    )


def _default_sprint(s: CoreSession) -> str:
    """No ID: the active sprint, else the last closed one, else the next planned one."""
    from ...core.errors import UseCaseError

    sprints = s.sprints()
    if s.active_sprint() is not None:
        return "active"
    closed = [sp for sp in sprints if sp.state == "closed"]
    if closed:
        return str(closed[-1].id)
    if sprints:
        return str(sprints[0].id)
    raise UseCaseError("no sprint in this project: plan one with `pmo sprint new`")


def _num(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    r = round(value, 1)
    text = str(int(r)) if r == int(r) else str(r)
    return f"{text} {'card' if unit == 'cards' and r == 1 else unit}"


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{round(x * 100)}%"


def summary_lines(
    b: Any, cycle: Any, days_left: int | None, completed: float | None = None
) -> list[str]:
    """The numbers beside the chart, as plain lines (stored text through shown)."""
    from ..output import shown

    sp = b.sprint
    unit = {"points": "pts", "hours": "h", "cards": "cards"}[b.by]
    added = sum(d.scope_added for d in b.days)
    removed = sum(d.scope_removed for d in b.days)
    remaining = b.remaining
    dates = (
        f"{sp.start.isoformat() if sp.start else '?'} .. {sp.end.isoformat() if sp.end else '?'}"
    )
    lines = [f"burndown of sprint {shown(sp.id)} {shown(sp.name)} [{shown(sp.state)}]  {dates}"]
    lines.append(
        f"  committed {_num(b.committed, unit)}   completed {_num(completed, unit)}   "
        f"remaining {_num(remaining, unit)}"
    )
    lines.append(
        f"  scope added {_num(added, unit)}   removed {_num(removed, unit)}   days left "
        f"{'-' if days_left is None else days_left}"
    )
    p = b.plan
    lines.append(
        f"  plan: {_pct(p.elapsed)} of work days gone, {_pct(p.done)} of scope done, "
        f"{_pct(p.spent)} of estimated hours spent"
    )
    if p.warning:
        lines.append(f"  WARNING: {shown(p.warning)}")
    if b.forecast is not None:
        lines.append(f"  forecast: done by {b.forecast.isoformat()}")
    else:
        lines.append(f"  forecast: none ({shown(b.forecast_reason or 'unknown')})")
    if cycle is not None and cycle.median is not None:
        lines.append(f"  cycle time: median {cycle.median}d, 85% within {cycle.p85}d")
    return lines


def cmd_burndown(env: Session) -> int:
    from ...core import calendar
    from ...core.reports import sprints as figures
    from ...core.reports.burndown import burndown, cycle_time, sprint_history, to_json, velocity
    from ..output import json_out, out

    s = _core_session(env)
    work_days = tuple(env.cfg.work_days)
    sprint = s.resolve_sprint(env.args.sprint or _default_sprint(s))
    events, entries = sprint_history(s, sprint)  # its cards' history, not all of it
    b = burndown(
        sprint,
        s.project(sprint.project),
        events,
        now=s.clock(),
        by=env.args.by,
        entries=entries,
        work_days=work_days,
    )
    if env.args.json:
        json_out(to_json(b))
        return EXIT_OK
    # cycle time reads the `started` field of the sprint's cards (of its project) only
    keys = {str(e.get("card")) for e in events} | {str(c.get("key")) for c in sprint.commitment}
    cards = {d["key"]: d for d in s.storage.cards_named(keys) if d.get("project") == sprint.project}
    cycle = cycle_time(sprint, s.project(sprint.project), events, now=s.clock(), cards=cards)
    today = calendar.local_date(s.clock())
    # From the history, as the Burndown screen shows it: a closed sprint's as it closed.
    lines = summary_lines(b, cycle, figures.days_left(sprint, today, work_days), b.completed)
    v = velocity(s.sprints(sprint.project), sprint)
    n = min(3, len(v.sprints))  # say how many it is the mean of (was always "3")
    over = (
        "no closed sprint before it"
        if n == 0
        else ("the closed sprint before it" if n == 1 else f"last {n} closed sprints")
    )
    vel = v.mean_last_3
    lines.insert(3, f"  velocity {'-' if vel is None else vel} pts ({over})")
    for line in lines:
        out(line)
    out()
    chart, color = _chart(b)
    if color:  # ANSI colour codes of the chart itself: written as they are
        sys.stdout.write(chart + "\n")
    else:
        out(chart)
    return EXIT_OK


def _chart(b: Any) -> tuple[str, bool]:
    from ...charts import empty_reason, render_burndown, use_color
    from ..parser import terminal_width

    reason = empty_reason(b)  # holds the sprint's name: printed through display
    if reason is not None:
        return reason, False
    columns = terminal_width()
    color = use_color(sys.stdout)
    chart = render_burndown(
        b, width=min(columns, CHART_MAX_WIDTH), height=CHART_HEIGHT, color=color
    )
    return chart, color


COMMANDS = [
    Command(
        "burndown",
        "sprint burndown chart with its numbers (--json: the series)",
        burndown_arguments,
        cmd_burndown,
        reads_only=True,
    ),
]
