"""`pmo sprint new|ls|show|edit|add|remove|start|close`: the sprint use cases of
:mod:`pmo_tui.core.usecases.sprints` and the figures of :mod:`pmo_tui.core.reports.sprints`.

Every stored string printed goes through :func:`..output.shown`; every use case gets the
config's work days (``work_days`` in config), so the CLI and the app count the same days.
"""

from __future__ import annotations

import re

from .. import EXIT_OK, UsageError
from . import Command

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

    from ...core.model import Doc, Sprint
    from ...core.usecases.session import Session as CoreSession
    from ..session import Session

_LENGTH = re.compile(r"^\s*(\d+)\s*([dw]?)\s*$", re.IGNORECASE)


def parse_length(text: str) -> int:
    """A sprint length in calendar days: ``10d``, ``2w`` (14 days), a bare ``14`` (days).
    Not a work duration (``parse_duration``'s ``2d`` is 2 x hours_per_day): a sprint of
    ``2w`` runs two calendar weeks and ends on the last work day of that span."""
    m = _LENGTH.match(text)
    if m is None or int(m.group(1)) < 1:
        raise UsageError(f"invalid sprint length {text!r}: use e.g. 2w, 10d or 14 (days)")
    n = int(m.group(1))
    days = n * 7 if m.group(2).lower() == "w" else n
    if days > 366:
        raise UsageError(f"invalid sprint length {text!r}: at most a year")
    return days


def _core(env: Session) -> CoreSession:
    return env.board.session


def _work_days(env: Session) -> tuple[int, ...]:
    return tuple(env.cfg.work_days)


# ---------------------------------------------------------------------------- arguments
def sprint_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="sprint_command", metavar="ACTION", required=True)
    new = sub.add_parser("new", help="plan a sprint (defaults: Sprint N, next work day, 2w)")
    new.add_argument("name", nargs="?", default=None)
    new.add_argument("--start", metavar="DATE")
    g = new.add_mutually_exclusive_group()
    g.add_argument("--end", metavar="DATE")
    g.add_argument("--length", metavar="DUR", help="calendar length: 2w, 10d (default 2w)")
    new.add_argument("--goal", metavar="G")
    new.add_argument("--capacity", metavar="N", help="points (default: the velocity)")

    ls = sub.add_parser("ls", help="the project's sprints")
    ls.add_argument("--json", action="store_true")

    show = sub.add_parser("show", help="one sprint: figures, scope changes, report")
    show.add_argument(
        "sprint",
        nargs="?",
        default=None,
        metavar="ID|active",
        help="default: the active sprint, else the next planned one, else the last closed one",
    )
    show.add_argument("--json", action="store_true")

    edit = sub.add_parser("edit", help="change a sprint's name, goal, dates or capacity")
    edit.add_argument("sprint", metavar="ID|active")
    edit.add_argument("--name", metavar="N")
    edit.add_argument("--goal", metavar="G")
    edit.add_argument("--start", metavar="D")
    edit.add_argument("--end", metavar="D")
    edit.add_argument("--capacity", metavar="N", help="points ('none' clears it)")

    add = sub.add_parser("add", help="put cards into a sprint")
    add.add_argument("sprint", metavar="ID|active")
    add.add_argument("keys", nargs="+", metavar="KEY")

    rm = sub.add_parser("remove", help="take cards out of their sprint (to the backlog)")
    rm.add_argument("keys", nargs="+", metavar="KEY")

    start = sub.add_parser("start", help="start a sprint (default: the next planned one)")
    start.add_argument("sprint", nargs="?", default=None, metavar="ID")

    close = sub.add_parser("close", help="close the active sprint and print its report")
    close.add_argument("sprint", nargs="?", default="active", metavar="ID")
    close.add_argument(
        "--carry-over",
        choices=["next", "backlog", "new"],
        default="next",
        help="where open cards go: the next planned sprint (default), the backlog, a new sprint",
    )


# ---------------------------------------------------------------------------- helpers
def _pts(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and value == int(value):
        value = int(value)
    return str(value)


def _cards(keys: list[Any]) -> str:
    from ..output import clip, shown

    return clip(" ".join(shown(k) for k in keys), 200) if keys else ""


def _dates(start: Any, end: Any) -> str:
    from ..output import shown

    return f"{shown(start) if start else '?'} .. {shown(end) if end else '?'}"


def _today_and_figures(env: Session) -> Any:
    # the local day (TZ) with the standard library: pendulum costs tens of ms to import
    return _core(env).clock().astimezone().date()


# ---------------------------------------------------------------------------- commands
def cmd_sprint(env: Session) -> int:
    action = env.args.sprint_command
    return int(ACTIONS[action](env))


def _new(env: Session) -> int:
    from ...core.usecases import sprints
    from ..output import report, shown

    a = env.args
    length = parse_length(a.length) if a.length is not None else None
    change = sprints.new_sprint(
        _core(env),
        a.name,
        start=a.start,
        end=a.end,
        length_days=length,
        goal=a.goal,
        capacity=a.capacity,
        work_days=_work_days(env),
    )
    doc = change.patches[0].after or {}
    cap = doc.get("capacity")
    report(
        change.notes,
        f"planned sprint {shown(doc.get('id'))} {shown(doc.get('name'))} "
        f"({_dates(doc.get('start'), doc.get('end'))}"
        f"{'' if cap is None else f', capacity {shown(cap)}'})",
    )
    return EXIT_OK


def _ls(env: Session) -> int:
    from ...core.reports import sprints as figures
    from ..output import clip, json_out, out, pad, shown, width

    rows = figures.sprint_rows(_core(env), today=_today_and_figures(env), work_days=_work_days(env))
    if env.args.json:
        json_out(rows)
        return EXIT_OK
    if not rows:
        out("no sprints (plan one: pmo sprint new)")
        return EXIT_OK
    head = ("", "ID", "NAME", "STATE", "DATES", "CAP", "COMMIT", "DONE", "LEFT")
    table = [head]
    for r in rows:
        left = r["days_left"]
        table.append(
            (
                "*" if r["state"] == "active" else "",
                shown(r["id"]),
                clip(shown(r["name"]), 24),
                shown(r["state"]),
                _dates(r["start"], r["end"]),
                _pts(r["capacity"]),
                _pts(r["committed"]),
                _pts(r["completed"]),
                "" if left is None or r["state"] == "closed" else f"{left}d",
            )
        )
    widths = [max(width(row[i]) for row in table) for i in range(len(head))]
    for row in table:
        out("  ".join(pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
    return EXIT_OK


def _cycle(env: Session, sprint: Sprint) -> Doc:
    from ...core.reports.burndown import cycle_time

    s = _core(env)
    cards = {d["key"]: d for d in s.storage.cards(sprint.project)}
    ct = cycle_time(
        sprint, s.project(sprint.project), s.storage.events(), now=s.clock(), cards=cards
    )
    return {"median": ct.median, "p85": ct.p85}


def _summary(env: Session, text: str) -> tuple[Sprint, Doc]:
    from ...core.reports import sprints as figures

    s = _core(env)
    sprint = s.resolve_sprint(text)
    doc = figures.sprint_summary(
        s, sprint, today=_today_and_figures(env), work_days=_work_days(env)
    )
    doc["cycle_time"] = _cycle(env, sprint)
    return sprint, doc


def _show(env: Session) -> int:
    from ..output import json_out, out

    _, doc = _summary(env, env.args.sprint or _default_to_show(_core(env)))
    if env.args.json:
        json_out(doc)
    else:
        out(format_sprint(doc))
    return EXIT_OK


def format_report(report: Doc) -> list[str]:
    """The close report as lines: each part with its points and cards."""
    from ..output import shown

    lines = []
    for name, label in (
        ("committed", "committed"),
        ("completed", "completed"),
        ("added", "added"),
        ("removed", "removed"),
        ("not_completed", "not completed"),
    ):
        part = report.get(name) or {}
        keys = part.get("cards") or []
        lines.append(
            f"  {label:<14} {_pts(part.get('points')):>4} pts  {len(keys):>3} card(s)  "
            f"{_cards(keys)}".rstrip()
        )
    carried = report.get("carried_to")
    if carried is not None:
        where = "the backlog" if carried == "backlog" else f"sprint {shown(carried)}"
        lines.append(f"  open cards went to {where}")
    return lines


def format_sprint(doc: Doc) -> str:
    """`pmo sprint show`: goal, dates, days left, capacity against commitment, progress,
    scope changes with their cards, cycle time, and the report once closed."""
    from ..output import shown

    lines = [f"sprint {shown(doc.get('id'))}  {shown(doc.get('name'))}  [{shown(doc['state'])}]"]
    if doc.get("goal"):
        lines.append(f"  goal        {shown(doc['goal'])}")
    left = doc.get("days_left")
    days = "" if left is None or doc["state"] == "closed" else f"  ({left} work day(s) left)"
    lines.append(f"  dates       {_dates(doc.get('start'), doc.get('end'))}{days}")
    cap, committed = doc.get("capacity"), doc.get("committed")
    over = (
        "  OVER CAPACITY"
        if isinstance(cap, int) and isinstance(committed, int) and committed > cap
        else ""
    )
    lines.append(
        f"  capacity    {_pts(cap)} pts, committed {_pts(committed)} pts"
        f" (suggested {_pts(doc.get('suggested_capacity'))}){over}"
    )
    done, scope = doc.get("completed") or 0, doc.get("scope") or 0
    total = (done + (doc.get("remaining") or 0)) if doc["state"] == "closed" else scope
    pct = f" ({done * 100 // total}%)" if total else ""
    bar = ""
    if total:
        filled = round(20 * done / total)
        bar = "  [" + "#" * filled + "." * (20 - filled) + "]"
    lines.append(f"  progress    {_pts(done)} of {_pts(total)} pts done{pct}{bar}")
    lines.append(
        f"  remaining   {_pts(doc.get('remaining'))} pts   velocity {_pts(doc.get('velocity'))}"
    )
    ct = doc.get("cycle_time") or {}
    if ct.get("median") is not None:
        lines.append(f"  cycle time  median {ct['median']}d, 85% within {ct['p85']}d")
    changes = doc.get("scope_changes") or {}
    rows = []
    for name in ("added", "removed"):
        part = changes.get(name) or {}
        if part.get("cards"):
            rows.append(
                f"    {name:<12} {_pts(part.get('points')):>4} pts  {_cards(part['cards'])}"
            )
    re_est = changes.get("re_estimated") or {}
    if re_est.get("cards"):
        rows.append(
            f"    re-estimated {int(re_est.get('points') or 0):+d} pts  {_cards(re_est['cards'])}"
        )
    if doc["state"] != "planned":
        lines.append("  scope changes since start:" if rows else "  no scope change since start")
        lines.extend(rows)
    cards = doc.get("cards") or []
    if cards and doc["state"] != "closed":
        lines.append(f"  cards       {_cards(cards)}")
    if doc.get("report"):
        lines.append("report:")
        lines.extend(format_report(doc["report"]))
    return "\n".join(lines)


def _edit(env: Session) -> int:
    from ...core.usecases import sprints
    from ..output import report, shown

    a = env.args
    given = {k: getattr(a, k) for k in ("name", "goal", "start", "end", "capacity")}
    given = {k: v for k, v in given.items() if v is not None}
    if not given:
        raise UsageError("nothing to change: give --name, --goal, --start, --end or --capacity")
    clear_capacity = str(given.get("capacity", "")).strip().lower() in ("none", "-")
    if clear_capacity:
        given.pop("capacity")
    s = _core(env)
    sid = str(s.resolve_sprint(a.sprint).id)  # by id from here: --name may rename it
    change = sprints.edit_sprint(s, sid, **given)
    if clear_capacity:
        change = _clear_capacity(s, sid, change)
    sprint = s.resolve_sprint(sid)
    state = "updated" if change.patches else "unchanged"
    report(change.notes, f"sprint {shown(sprint.id)} {shown(sprint.name)} {state}")
    return EXIT_OK


def _clear_capacity(s: CoreSession, text: str, change: Any) -> Any:
    """`--capacity none`: the use case takes values only; clearing goes through the same
    compare-and-set row update, refused for a closed sprint like any capacity change."""
    from ...core.change import Change
    from ...core.errors import UseCaseError
    from ...core.usecases.records import update_row

    with s.storage.transaction():
        sprint = s.resolve_sprint(text)
        if sprint.state == "closed":
            raise UseCaseError(f"sprint {sprint.name} is closed: its capacity cannot change")
        patch = update_row(s, "sprints", str(sprint.id), {"capacity": None})
    patches = [*change.patches, patch] if patch else list(change.patches)
    return Change(change.label, patches, change.notes)


def _add(env: Session) -> int:
    from ...core.usecases import sprints
    from ..output import report, shown

    s = _core(env)
    change = sprints.add_to_sprint(s, env.args.sprint, env.args.keys)
    name = s.resolve_sprint(env.args.sprint).name
    added = [p.key for p in change.patches]
    first = f"added {len(added)} card(s) to {shown(name)}" + (f": {_cards(added)}" if added else "")
    report(change.notes, first)
    return EXIT_OK


def _remove(env: Session) -> int:
    from ...core.usecases import sprints
    from ..output import report

    change = sprints.remove_from_sprint(_core(env), env.args.keys)
    removed = [p.key for p in change.patches]
    first = f"removed {len(removed)} card(s) from their sprint" + (
        f": {_cards(removed)}" if removed else ""
    )
    report(change.notes, first)
    return EXIT_OK


def _default_to_show(s: CoreSession) -> str:
    """`sprint show` without an ID: the active sprint, else the next planned one (what a
    team plans right after `pmo init`), else the last closed one."""
    from datetime import date

    from ...core.errors import UseCaseError

    if s.active_sprint() is not None:
        return "active"
    if any(sp.state == "planned" for sp in s.sprints()):
        return str(_next_planned(s).id)
    closed = [sp for sp in s.sprints() if sp.state == "closed"]
    if closed:
        return str(max(closed, key=lambda sp: (sp.end or sp.start or date.min, sp.id)).id)
    raise UseCaseError("no sprint in this project: plan one with `pmo sprint new`")


def _next_planned(s: CoreSession) -> Sprint:
    from datetime import date

    from ...core.errors import UseCaseError

    planned = [sp for sp in s.sprints() if sp.state == "planned"]
    if not planned:
        raise UseCaseError("no planned sprint to start: plan one with `pmo sprint new`")
    return min(planned, key=lambda sp: (sp.start or date.max, sp.id))


def _start(env: Session) -> int:
    from ...core.usecases import sprints
    from ..output import report, shown

    s = _core(env)
    text = env.args.sprint
    if text is None:
        text = str(_next_planned(s).id)
    change = sprints.start_sprint(s, text)
    sprint = s.resolve_sprint(text)
    points = sum(int(c.get("points") or 0) for c in sprint.commitment)
    report(
        change.notes,
        f"started sprint {shown(sprint.id)} {shown(sprint.name)} "
        f"({_dates(sprint.start, sprint.end)}): {len(sprint.commitment)} card(s), "
        f"{points} pts committed",
    )
    return EXIT_OK


def _close(env: Session) -> int:
    from ...core.usecases import sprints
    from ..output import out, report, shown

    s = _core(env)
    sprint = s.resolve_sprint(env.args.sprint)
    change = sprints.close_sprint(
        s, str(sprint.id), carry_over=env.args.carry_over, work_days=_work_days(env)
    )
    closed = s.resolve_sprint(str(sprint.id))
    report(change.notes, f"closed sprint {shown(closed.id)} {shown(closed.name)}")
    made = [p.after for p in change.patches if p.table == "sprints" and p.before is None]
    for doc in made:
        if doc:
            out(f"planned sprint {shown(doc.get('id'))} {shown(doc.get('name'))} for them")
    out("report:")
    for line in format_report(closed.report or {}):
        out(line)
    return EXIT_OK


ACTIONS = {
    "new": _new,
    "ls": _ls,
    "show": _show,
    "edit": _edit,
    "add": _add,
    "remove": _remove,
    "start": _start,
    "close": _close,
}


def cmd_sprint_entry(env: Session) -> int:
    if env.args.sprint_command in ("ls", "show"):
        env.require_file()
    return cmd_sprint(env)


COMMANDS = [
    Command(
        "sprint",
        "plan and run sprints: new, ls, show, edit, add, remove, start, close",
        sprint_arguments,
        cmd_sprint_entry,
    ),
]
