"""Read-side helpers for listing and showing cards (CLI output, and the app's filters)."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Any

from .. import parse
from ..errors import UseCaseError
from ..model import PRIORITIES, Doc, card_doc_to_json, parse_iso
from ..text import display
from ..usecases.session import Session
from .history import describe

__all__ = [
    "card_detail",
    "clip",
    "format_detail",
    "format_table",
    "list_cards",
    "pad",
    "width",
]


def _session(board: Any) -> Session:
    """The session of a Board facade (or a Session itself)."""
    session: Session = getattr(board, "session", board)
    return session


def list_cards(
    board: Any,
    *,
    status: str | None = None,
    sprint: str | None = None,
    tag: str | None = None,
    assignee: str | None = None,
    include_archived: bool = False,
    search: str | None = None,
    overdue: date | None = None,
    sort: str = "rank",
) -> list[Doc]:
    """Card documents of the current project, filtered, in rank order or by ``sort``.

    ``search``: a case-insensitive substring of the key, title, description or a tag.
    ``overdue``: today's date; keeps cards due before it that are not in a done column.
    ``sort``: ``rank`` (default), ``priority`` (urgent first), ``due`` (soonest first,
    no due date last), ``updated`` (most recent first); ties keep rank order."""
    s = _session(board)
    project = s.project()
    docs = s.card_docs(archived=include_archived)
    if status is not None:
        col = project.find_column(status)
        if col is None:
            names = ", ".join(c.id for c in project.columns)
            raise UseCaseError(f"no column {status!r} in {project.key} (columns: {names})")
        docs = [d for d in docs if d.get("status") == col.id]
    if sprint is not None:
        if sprint.strip().lower() == "backlog":
            done = {c.id for c in project.columns if c.role == "done"}
            docs = [d for d in docs if d.get("sprint") is None and d.get("status") not in done]
        else:
            sid = s.resolve_sprint(sprint).id
            docs = [d for d in docs if d.get("sprint") == sid]
    if tag is not None:
        wanted = tag.strip().lstrip("#").lower()
        docs = [d for d in docs if wanted in (d.get("tags") or [])]
    if assignee is not None:
        docs = [d for d in docs if d.get("assignee") == assignee]
    if search is not None:
        docs = [d for d in docs if _matches(d, search.casefold())]
    if overdue is not None:
        done = {c.id for c in project.columns if c.role == "done"}
        limit = overdue.isoformat()
        docs = [
            d
            for d in docs
            if d.get("due") and str(d["due"]) < limit and d.get("status") not in done
        ]
    return sort_cards(docs, sort)


SORTS = ("rank", "priority", "due", "updated")


def _matches(doc: Doc, needle: str) -> bool:
    fields = [doc.get("key"), doc.get("title"), doc.get("description"), *(doc.get("tags") or [])]
    return any(needle in str(f).casefold() for f in fields if f)


def sort_cards(docs: list[Doc], sort: str = "rank") -> list[Doc]:
    """``docs`` (in rank order) sorted by ``sort`` (see :func:`list_cards`); stable."""
    if sort == "rank":
        return docs
    if sort == "priority":
        order = {p: i for i, p in enumerate(PRIORITIES)}
        return sorted(docs, key=lambda d: -order.get(str(d.get("priority") or "none"), 0))
    if sort == "due":
        return sorted(docs, key=lambda d: (not d.get("due"), str(d.get("due") or "")))
    if sort == "updated":
        return sorted(docs, key=lambda d: str(d.get("updated") or ""), reverse=True)
    raise UseCaseError(f"invalid sort {sort!r}: use {', '.join(SORTS)}")


def width(text: str) -> int:
    """Terminal cell width (East Asian wide characters take two cells)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def clip(text: str, cells: int) -> str:
    """Cut text to at most ``cells`` terminal cells, with an ellipsis when cut."""
    if width(text) <= cells:
        return text
    out, used = [], 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > cells - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def pad(text: str, cells: int) -> str:
    return text + " " * max(0, cells - width(text))


def format_table(board: Any, docs: list[Doc], spent: dict[str, int]) -> str:
    if not docs:
        return "no cards"
    project = _session(board).project()
    names = {c.id: c.name for c in project.columns}
    rows = []
    for d in docs:
        tags = " ".join("#" + t for t in d.get("tags") or [])
        rows.append(
            (
                d["key"],
                names.get(d.get("status", ""), str(d.get("status"))),
                "" if d.get("points") is None else str(d["points"]),
                parse.format_duration(spent[d["key"]]) if spent.get(d["key"]) else "",
                display(d.get("assignee") or ""),
                display(d.get("title", "")) + ("  (archived)" if d.get("archived") else ""),
                display(tags),
            )
        )
    head = ("KEY", "STATUS", "PTS", "SPENT", "WHO", "TITLE", "TAGS")
    widths = [max(width(r[i]) for r in [head, *rows]) for i in range(5)]
    lines = []
    for r in [head, *rows]:
        cells = [pad(clip(r[i], 24), min(widths[i], 24)) for i in range(5)]
        title = clip(r[5], 60)
        lines.append("  ".join([*cells, title + ("  " + r[6] if r[6] else "")]).rstrip())
    return "\n".join(lines)


def card_detail(board: Any, key: str) -> Doc:
    """A card with its time entries (by start time) and its history."""
    s = _session(board)
    doc = s.storage.card(key)
    if doc is None:
        raise UseCaseError(f"no card {key!r}")
    out = card_doc_to_json(doc, s.spent().get(key, 0))
    entries = [dict(e) for e in s.storage.entries(card=key)]
    entries.sort(key=lambda e: (str(e.get("start")), int(e.get("id") or 0)))
    out["time_entries"] = entries
    out["events"] = [dict(e) for e in s.storage.events(key)]
    return out


def _when(value: Any) -> str:
    if not value:
        return "-"
    try:
        return parse.format_time(parse_iso(str(value)))
    except ValueError:
        return display(str(value))


def format_detail(board: Any, d: Doc) -> str:
    project = _session(board).project(d.get("project"))
    col = project.column(d.get("status", ""))
    lines = [f"{d['key']}  {display(d.get('title', ''))}"]
    if d.get("archived"):
        lines.append("(archived)")

    def row(label: str, value: Any) -> None:
        lines.append(f"  {label:<10} {value}")

    row("status", col.name if col else display(str(d.get("status"))))
    row("points", "-" if d.get("points") is None else d["points"])
    estimate = d.get("estimate")
    spent = int(d.get("spent") or 0)
    est = parse.format_duration(estimate) if estimate else "-"
    pct = f" ({spent * 100 // estimate}% of estimate)" if estimate else ""
    row("estimate", est)
    row("spent", parse.format_duration(spent) + pct)
    row("assignee", display(d.get("assignee") or "-"))
    row("priority", d.get("priority") or "none")
    row("tags", display(" ".join("#" + t for t in d.get("tags") or [])) or "-")
    row("sprint", d.get("sprint") if d.get("sprint") is not None else "-")
    due = d.get("due")
    if due:
        overdue = date.fromisoformat(due) < datetime.now().astimezone().date() and not d.get("done")
        row("due", due + ("  OVERDUE" if overdue else ""))
    row("created", _when(d.get("created")))
    if d.get("started"):
        row("started", _when(d.get("started")))
    if d.get("done"):
        row("done", _when(d.get("done")))
    if d.get("description"):
        lines.append("")
        lines.extend("  " + display(line) for line in str(d["description"]).splitlines())
    entries = d.get("time_entries") or []
    if entries:
        lines.append("")
        lines.append("time entries:")
        for e in entries:
            start = parse_iso(e["start"])
            end = parse_iso(e["end"]) if e.get("end") else None
            minutes = int(((end or datetime.now(start.tzinfo)) - start).total_seconds() // 60)
            # the end's date is shown when the entry crosses into another local day
            same_day = end is not None and _when(e["end"])[:10] == _when(e["start"])[:10]
            shown_end = (
                (_when(e["end"])[-5:] if same_day else _when(e["end"])) if end else "running"
            )
            span = f"{_when(e['start'])} - {shown_end}"
            note = f"  {display(e['note'])}" if e.get("note") else ""
            lines.append(
                f"  {span}  {parse.format_duration(max(0, minutes)):>7}  "
                f"{display(str(e.get('user')))}{note}"
            )
    events = d.get("events") or []
    if events:
        lines.append("")
        lines.append("history:")
        for ev in events:
            lines.append(
                f"  {_when(ev.get('ts'))}  {display(str(ev.get('user')))}  "
                f"{describe(ev, {c.id: c.name for c in project.columns})}"
            )
    return "\n".join(lines)
