"""Writing records with their side effects: a card's derived stamps and history events,
WIP notes, timers stopped by a move to done.  Shared by the use cases and undo/redo;
always called inside a storage transaction."""

from __future__ import annotations

from .. import parse
from ..change import Patch
from ..chars import quote as _short
from ..errors import UseCaseError
from ..model import Column, Doc, Project, TimeEntry
from ..reports.wip import over_wip
from .session import Session

# Fields whose change is an "edited" event; points/estimate are "estimated".
EDIT_FIELDS = ("title", "description", "tags", "assignee", "priority", "due")
ESTIMATE_FIELDS = ("points", "estimate")


def created_to(doc: Doc) -> Doc:
    return {"status": doc.get("status"), "points": doc.get("points"),
            "estimate": doc.get("estimate")}  # fmt: skip


def insert_card(s: Session, doc: Doc) -> None:
    s.storage.insert("cards", doc)
    s.event(doc["key"], "created", None, created_to(doc))
    if doc.get("sprint") is not None:
        s.event(doc["key"], "sprint_added", None, doc["sprint"])


def card_field_changes(s: Session, doc: Doc, fields: Doc) -> Doc:
    """The fields a change of ``fields`` really writes: unchanged ones dropped, the
    ``started``/``done`` stamps a move implies added.  Pure: used by previews and commits."""
    now = s.now_iso()
    fields = {k: v for k, v in fields.items() if doc.get(k) != v}
    if "status" in fields:
        role = s.project(doc.get("project")).role_of(fields["status"])
        if role == "started" and not doc.get("started") and "started" not in fields:
            fields["started"] = now
        if role == "done" and "done" not in fields:
            fields["done"] = now
        if role != "done" and doc.get("done") and "done" not in fields:
            fields["done"] = None
    return fields


def set_card_fields(s: Session, key: str, fields: Doc) -> Patch:
    """Change a card's fields with their side effects and events; returns the patch."""
    doc = s.storage.card(key)
    if doc is None:
        raise UseCaseError(f"no card {key!r}")
    fields = card_field_changes(s, doc, fields)
    if not fields:
        return Patch("cards", key, {}, {})
    before = {k: doc.get(k) for k in fields}
    before["updated"] = doc.get("updated")
    fields["updated"] = s.now_iso()
    events_for(s, key, doc, before, fields)
    s.storage.update("cards", key, fields)
    return Patch("cards", key, before, dict(fields))


def events_for(s: Session, key: str, doc: Doc, before: Doc, after: Doc) -> None:
    if "status" in after:
        s.event(key, "moved", before.get("status"), after["status"])
    edited = [f for f in EDIT_FIELDS if f in after]
    if edited:
        s.event(key, "edited", {f: before.get(f) for f in edited}, {f: after[f] for f in edited})
    if any(f in after for f in ESTIMATE_FIELDS):
        s.event(
            key,
            "estimated",
            {f: before.get(f, doc.get(f)) for f in ESTIMATE_FIELDS},
            {f: after.get(f, doc.get(f)) for f in ESTIMATE_FIELDS},
        )
    if "sprint" in after:
        old, new = before.get("sprint"), after["sprint"]
        if old is not None:
            s.event(key, "sprint_removed", old, None)
        if new is not None:
            s.event(key, "sprint_added", None, new)
    if "archived" in after:
        s.event(
            key,
            "archived" if after["archived"] else "restored",
            bool(before.get("archived")),
            bool(after["archived"]),
        )


def update_row(s: Session, table: str, record_id: str, fields: Doc) -> Patch:
    doc = s.storage.get(table, record_id)
    if doc is None:
        raise UseCaseError(f"no {table} record {record_id}")
    before = {k: doc.get(k) for k in fields}
    s.storage.update(table, record_id, fields)
    return Patch(table, record_id, before, dict(fields))


def column(project: Project, text: str) -> Column:
    col = project.find_column(text)
    if col is None:
        names = ", ".join(c.id for c in project.columns)
        raise UseCaseError(f"no column {_short(text)} in {project.key} (columns: {names})")
    return col


def wip_notes(s: Session, project: Project, column_id: str) -> list[str]:
    col = project.column(column_id)
    if col is None or col.wip is None:
        return []
    count = s.storage.open_count(project.key, column_id)  # (counted as wip_count does)
    if over_wip(count, col.wip):
        return [f"WIP limit exceeded in {col.name}: {count} cards, limit {col.wip}"]
    return []


def stop_timers_if_done(
    s: Session, project: Project, key: str, column_id: str, notes: list[str]
) -> list[Patch]:
    if project.role_of(column_id) != "done":
        return []
    return stop_timers_on(s, key, notes)


def stop_timers_on(s: Session, key: str, notes: list[str], *, spent: bool = True) -> list[Patch]:
    """Stop everyone's timers running on a card (a move to done, an archive)."""
    patches = []
    now = s.clock()
    for doc in s.storage.running():  # (from the index: a move to done reads no entry)
        if doc.get("card") != key:
            continue
        patches.append(update_row(s, "time_entries", str(doc["id"]), {"end": s.now_iso()}))
        if spent:
            minutes = TimeEntry.from_doc(doc).minutes(now)
            notes.append(
                f"stopped {doc.get('user')}'s timer on {key} ({parse.format_clock(minutes)})"
            )
        else:
            notes.append(f"stopped {doc.get('user')}'s timer on {key}")
    return patches


def refuse_archived(doc: Doc, key: str) -> None:
    if doc.get("archived"):
        raise UseCaseError(f"{key} is archived: restore it first")
