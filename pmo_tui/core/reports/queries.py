"""Read-side helpers for listing and showing cards (CLI output, and the app's filters)."""

from __future__ import annotations

from datetime import date

from ..errors import UseCaseError
from ..model import PRIORITIES, Doc, card_doc_to_json
from ..usecases.session import Session

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["card_detail", "list_cards", "sort_cards"]


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
