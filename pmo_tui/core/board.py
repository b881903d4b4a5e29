"""Use cases: every change a person can make, shared by the CLI and the app.

Each write use case runs in one store transaction, appends the history events it implies,
and returns a :class:`Change`: a label for the user and the field-level patches it made.
``Change.inverse()`` is its undo, and applying the inverse of that is the redo; the app's
undo stack is nothing more than a list of Changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from itertools import compress, repeat
from operator import eq, methodcaller
from typing import Any

from . import parse
from .change import Change, Patch
from .errors import NothingToDo, UseCaseError
from .model import (
    CARD_FIELDS,
    PRIORITIES,
    TEMPLATES,
    Card,
    Doc,
    Project,
    Sprint,
    TimeEntry,
    iso,
    parse_iso,
    utcnow,
)
from .storage.jsonfile.store import Store
from .text import _short, clean_line, clean_text

LONG_TIMER = timedelta(hours=10)
# Fields whose change is an "edited" event; points/estimate are "estimated".
EDIT_FIELDS = ("title", "description", "tags", "assignee", "priority", "due")
ESTIMATE_FIELDS = ("points", "estimate")


class Board:
    """The use cases over one store, for one user and one current project."""

    def __init__(
        self,
        store: Store,
        user: str,
        project: str | None = None,
        *,
        clock: Callable[[], datetime] = utcnow,
        hours_per_day: float = 8.0,
    ) -> None:
        self.store = store
        self.user = user
        self.project_key = project.upper() if project else None
        self.clock = clock
        self.hours_per_day = hours_per_day
        self._cache: dict[str, tuple[int, Any]] = {}

    # ================================================================= reads
    def _cached(self, name: str, build: Callable[[], Any]) -> Any:
        """``build()``, remembered until the data changes (never inside a transaction,
        which sees its own working copy)."""
        self.store.read()  # refresh first: it may bump the generation
        if self.store.in_transaction():
            return build()
        hit = self._cache.get(name)
        if hit is not None and hit[0] == self.store.generation:
            return hit[1]
        value = build()
        self._cache[name] = (self.store.generation, value)
        return value

    def projects(self) -> list[Project]:
        return [Project.from_doc(d) for d in self.store.read()["projects"].values()]

    def _project_doc(self, key: str | None = None) -> tuple[str, Doc]:
        rows = self.store.read()["projects"]
        wanted = (key or self.project_key or "").upper()
        if not rows:
            raise UseCaseError("no project in this file: run `pmo init`")
        if not wanted:
            doc_id = next(iter(rows))
            return doc_id, rows[doc_id]
        for doc_id, doc in rows.items():
            if doc.get("key") == wanted:
                return doc_id, doc
        known = ", ".join(str(d.get("key")) for d in rows.values())
        raise UseCaseError(f"no project {_short(wanted)} (projects: {known})")

    def project(self, key: str | None = None) -> Project:
        return Project.from_doc(self._project_doc(key)[1])

    def card_docs(self, *, archived: bool = False, project: str | None = None) -> list[Doc]:
        """Card documents of the project, in rank order (archived ones only if asked).
        The list is shared until the data changes: do not modify it."""
        pkey = project or self.project().key

        def build() -> list[Doc]:
            docs = [
                d
                for d in self.store.read()["cards"].values()
                if d.get("project") == pkey and (archived or not d.get("archived"))
            ]
            docs.sort(key=lambda d: (float(d.get("rank") or 0.0), _number(d.get("key", ""))))
            return docs

        result: list[Doc] = self._cached(f"cards:{pkey}:{archived}", build)
        return result

    def cards(self, *, archived: bool = False) -> list[Card]:
        return [Card.from_doc(d) for d in self.card_docs(archived=archived)]

    def resolve_key(self, text: str) -> str:
        try:
            key = parse.parse_card_key(text, self.project().key)
        except parse.ParseError as exc:
            raise UseCaseError(str(exc)) from None
        if self.store.card_doc_id(key) is None:
            raise UseCaseError(f"no card {key!r}")
        return key

    def card(self, text: str) -> Card:
        key = self.resolve_key(text)
        doc = self.store.card(key)
        assert doc is not None
        return Card.from_doc(doc)

    def entries(self, card: str | None = None, user: str | None = None) -> list[TimeEntry]:
        rows = self.store.read()["time_entries"].values()
        out = [
            TimeEntry.from_doc(d)
            for d in rows
            if (card is None or d.get("card") == card) and (user is None or d.get("user") == user)
        ]
        out.sort(key=lambda e: e.start)
        return out

    def events(self, card: str | None = None) -> list[Doc]:
        rows = self.store.read()["events"].values()
        return [d for d in rows if card is None or d.get("card") == card]

    def spent(self) -> dict[str, int]:
        """Logged minutes per card key (running timers count up to now)."""

        def build() -> tuple[dict[str, int], list[tuple[str, datetime]]]:
            totals: dict[str, int] = {}
            running: list[tuple[str, datetime]] = []
            for d in self.store.read()["time_entries"].values():
                start = parse_iso(d["start"])
                if not d.get("end"):
                    running.append((d["card"], start))
                    continue
                minutes = max(0, int((parse_iso(d["end"]) - start).total_seconds() // 60))
                totals[d["card"]] = totals.get(d["card"], 0) + minutes
            return totals, running

        closed, running = self._cached("spent", build)
        if not running:
            return dict(closed)
        totals = dict(closed)
        now = self.clock()
        for card, start in running:
            totals[card] = totals.get(card, 0) + max(0, int((now - start).total_seconds() // 60))
        return totals

    def running(self, user: str | None = None) -> TimeEntry | None:
        who = user or self.user

        def build() -> dict[str, Doc]:
            return {
                str(doc.get("user")): doc
                for doc in self.store.read()["time_entries"].values()
                if doc.get("end") is None
            }

        doc = self._cached("running", build).get(who)
        return None if doc is None else TimeEntry.from_doc(doc)

    def sprints(self) -> list[Sprint]:
        pkey = self.project().key

        def build() -> list[Sprint]:
            rows = self.store.read()["sprints"].values()
            return sorted(
                (Sprint.from_doc(d) for d in rows if d.get("project") == pkey),
                key=lambda s: s.id,
            )

        result: list[Sprint] = self._cached(f"sprints:{pkey}", build)
        return list(result)

    def active_sprint(self) -> Sprint | None:
        for sprint in self.sprints():
            if sprint.state == "active":
                return sprint
        return None

    def resolve_sprint(self, text: str) -> Sprint:
        value = text.strip().lower()
        sprints = self.sprints()
        if value == "active":
            active = self.active_sprint()
            if active is None:
                raise UseCaseError("no active sprint in project " + self.project().key)
            return active
        for sprint in sprints:
            if str(sprint.id) == value or sprint.name.lower() == value:
                return sprint
        raise UseCaseError(f"no sprint {_short(text)}")

    # ================================================================ writes
    def apply(self, change: Change) -> Change:
        """Apply a Change's patches (used for undo and redo); returns it."""
        with self.store.transaction():
            for patch in change.patches:
                self._apply_patch(patch)
        return change

    def _apply_patch(self, patch: Patch) -> None:
        if patch.table == "cards":
            self._apply_card_patch(patch)
        else:
            self._apply_row_patch(patch)

    def _apply_card_patch(self, patch: Patch) -> None:
        store = self.store
        doc_id = store.card_doc_id(patch.key)
        if patch.after is None:  # undo of a creation: archive, never delete
            if doc_id is not None:
                self._set_card_fields(patch.key, {"archived": True})
            return
        if doc_id is None:
            doc = dict(patch.after)
            store.insert("cards", doc)
            self._event(doc["key"], "created", None, _created_to(doc))
            if doc.get("sprint") is not None:
                self._event(doc["key"], "sprint_added", None, doc["sprint"])
            return
        fields = dict(patch.after)
        if patch.before is None:  # redo of a creation over the archived card
            fields["archived"] = False
        self._set_card_fields(patch.key, fields)

    def _apply_row_patch(self, patch: Patch) -> None:
        table = self.store.read()[patch.table]
        doc_id = _row_id(table, patch.table, patch.key)
        if patch.after is None:
            if doc_id is not None:
                self.store.remove(patch.table, doc_id)
            return
        if doc_id is None:
            free = patch.key.isdigit() and patch.key not in table
            self.store.insert(patch.table, dict(patch.after), patch.key if free else None)
            return
        self.store.update(patch.table, doc_id, dict(patch.after))

    def _event(self, card: str, kind: str, old: Any, new: Any) -> None:
        self.store.insert(
            "events",
            {
                "ts": iso(self.clock()),
                "user": self.user,
                "card": card,
                "type": kind,
                "from": old,
                "to": new,
            },
        )

    def _set_card_fields(self, key: str, fields: Doc) -> Patch:
        """Change a card's fields with their side effects and events; returns the patch."""
        store = self.store
        doc_id = store.card_doc_id(key)
        if doc_id is None:
            raise UseCaseError(f"no card {key!r}")
        doc = store.read()["cards"][doc_id]
        now = iso(self.clock())
        fields = {k: v for k, v in fields.items() if doc.get(k) != v}
        if "status" in fields:
            role = self.project(doc.get("project")).role_of(fields["status"])
            if role == "started" and not doc.get("started") and "started" not in fields:
                fields["started"] = now
            if role == "done" and "done" not in fields:
                fields["done"] = now
            if role != "done" and doc.get("done") and "done" not in fields:
                fields["done"] = None
        if not fields:
            return Patch("cards", key, {}, {})
        before = {k: doc.get(k) for k in fields}
        before["updated"] = doc.get("updated")
        fields["updated"] = now
        self._events_for(key, before, fields)
        store.update("cards", doc_id, fields)
        return Patch("cards", key, before, dict(fields))

    def _events_for(self, key: str, before: Doc, after: Doc) -> None:
        if "status" in after:
            self._event(key, "moved", before.get("status"), after["status"])
        edited = [f for f in EDIT_FIELDS if f in after]
        if edited:
            self._event(
                key, "edited", {f: before.get(f) for f in edited}, {f: after[f] for f in edited}
            )
        if any(f in after for f in ESTIMATE_FIELDS):
            doc = self.store.card(key) or {}
            self._event(
                key,
                "estimated",
                {f: before.get(f, doc.get(f)) for f in ESTIMATE_FIELDS},
                {f: after.get(f, doc.get(f)) for f in ESTIMATE_FIELDS},
            )
        if "sprint" in after:
            old, new = before.get("sprint"), after["sprint"]
            if old is not None:
                self._event(key, "sprint_removed", old, None)
            if new is not None:
                self._event(key, "sprint_added", None, new)
        if "archived" in after:
            self._event(
                key,
                "archived" if after["archived"] else "restored",
                bool(before.get("archived")),
                bool(after["archived"]),
            )

    # ----------------------------------------------------------------- projects
    def create_project(self, key: str, name: str | None = None, template: str = "scrum") -> Change:
        try:
            pkey = parse.parse_project_key(key)
        except parse.ParseError as exc:
            raise UseCaseError(str(exc)) from None
        if template not in TEMPLATES:
            raise UseCaseError(
                f"unknown template {_short(template)} (choose: {', '.join(TEMPLATES)})"
            )
        title = clean_line(name or pkey.lower(), "project name", 200) or pkey.lower()
        with self.store.transaction():
            rows = self.store.read()["projects"]
            if any(d.get("key") == pkey for d in rows.values()):
                raise UseCaseError(f"project {pkey} already exists in {self.store.path}")
            project = Project(pkey, title, list(TEMPLATES[template]))
            self.store.insert("projects", project.to_doc())
        return Change(f"create project {pkey}", [Patch("projects", pkey, None, project.to_doc())])

    # -------------------------------------------------------------------- cards
    def add_card(
        self,
        title: str,
        *,
        status: str | None = None,
        points: int | None = None,
        estimate: int | None = None,
        tags: Iterable[str] = (),
        assignee: str | None = None,
        priority: str = "none",
        due: date | None = None,
        sprint: str | int | None = None,
        description: str = "",
        after: str | None = None,
    ) -> Change:
        """A new card, at the bottom of its column (or just below card ``after``)."""
        title = clean_line(title, "title")
        if not title:
            raise UseCaseError("title is empty")
        fields = self._card_fields(
            points=points,
            estimate=estimate,
            tags=list(tags),
            assignee=assignee,
            priority=priority,
            due=due,
            description=description,
        )
        with self.store.transaction():
            pid, pdoc = self._project_doc()
            project = Project.from_doc(pdoc)
            column = self._column(project, status) if status else project.first_column
            sprint_id = self.resolve_sprint(str(sprint)).id if sprint not in (None, "") else None
            number = int(pdoc.get("next_number", 1))
            key = f"{project.key}-{number}"
            while self.store.card_doc_id(key) is not None:  # hand-edited next_number
                number += 1
                key = f"{project.key}-{number}"
            now = iso(self.clock())
            doc: Doc = {
                "key": key,
                "project": project.key,
                "title": title,
                "description": fields.get("description", ""),
                "status": column.id,
                "rank": self._rank_after(project.key, after),
                "points": fields.get("points"),
                "estimate": fields.get("estimate"),
                "tags": fields.get("tags", []),
                "assignee": fields.get("assignee"),
                "priority": fields.get("priority", "none"),
                "sprint": sprint_id,
                "due": fields.get("due"),
                "created": now,
                "updated": now,
                "started": now if column.role == "started" else None,
                "done": now if column.role == "done" else None,
                "archived": False,
            }
            assert set(doc) == set(CARD_FIELDS)
            self.store.update("projects", pid, {"next_number": number + 1})
            self.store.insert("cards", doc)
            self._event(key, "created", None, _created_to(doc))
            if sprint_id is not None:
                self._event(key, "sprint_added", None, sprint_id)
            notes = self._wip_notes(project, column.id)
        return Change(f"add {key}", [Patch("cards", key, None, dict(doc))], notes, key)

    def _rank_after(self, project: str, after: str | None) -> float:
        if after is not None:
            docs = self.card_docs(archived=True, project=project)
            for i, d in enumerate(docs):
                if d["key"] == after:
                    nxt = docs[i + 1]["rank"] if i + 1 < len(docs) else d["rank"] + 2
                    return (float(d["rank"]) + float(nxt)) / 2
        # The bottom: one past the highest rank (no sort needed).
        ranks = [
            float(d.get("rank") or 0)
            for d in self.store.read()["cards"].values()
            if d.get("project") == project
        ]
        return max(ranks) + 1 if ranks else 1.0

    def _card_fields(self, **given: Any) -> Doc:
        """Validate the optional card fields that were given (None means not given)."""
        out: Doc = {}
        if given.get("points") is not None:
            points = given["points"]
            if isinstance(points, str):
                points = _parsed(parse.parse_points, points)
            if isinstance(points, bool) or not isinstance(points, int) or not 0 <= points <= 999:
                raise UseCaseError(f"invalid points {points!r}: use a whole number 0-999")
            out["points"] = points
        if given.get("estimate") is not None:
            estimate = given["estimate"]
            if isinstance(estimate, str):
                estimate = _parsed(parse.parse_duration, estimate, self.hours_per_day)
            if isinstance(estimate, bool) or not isinstance(estimate, int) or estimate < 0:
                raise UseCaseError(f"invalid estimate {estimate!r}: use a duration like 1h30m")
            out["estimate"] = estimate
        if given.get("tags") is not None:
            tags: list[str] = []
            for tag in given["tags"]:
                value = _parsed(parse.parse_tag, tag)
                if value not in tags:
                    tags.append(value)
            out["tags"] = tags
        if given.get("assignee") is not None:
            out["assignee"] = clean_line(given["assignee"], "assignee", 64) or None
        if given.get("priority") is not None:
            out["priority"] = _parsed(parse.parse_priority, given["priority"])
            assert out["priority"] in PRIORITIES
        if given.get("due") is not None:
            due = given["due"]
            if isinstance(due, str):
                due = _parsed(parse.parse_date, due)
            out["due"] = due.isoformat()
        if given.get("description") is not None:
            out["description"] = clean_text(given["description"], "description")
        if given.get("title") is not None:
            out["title"] = clean_line(given["title"], "title")
            if not out["title"]:
                raise UseCaseError("title is empty")
        return out

    def _column(self, project: Project, text: str) -> Any:
        col = project.find_column(text)
        if col is None:
            names = ", ".join(c.id for c in project.columns)
            raise UseCaseError(f"no column {_short(text)} in {project.key} (columns: {names})")
        return col

    def _wip_notes(self, project: Project, column_id: str) -> list[str]:
        col = project.column(column_id)
        if col is None or col.wip is None:
            return []
        count = sum(
            1
            for d in self.store.read()["cards"].values()
            if d.get("project") == project.key
            and d.get("status") == column_id
            and not d.get("archived")
        )
        if count > col.wip:
            return [f"WIP limit exceeded in {col.name}: {count} cards, limit {col.wip}"]
        return []

    def edit_card(self, text: str, **given: Any) -> Change:
        """Change any of title, description, points, estimate, tags, assignee, priority,
        due, status (column) and sprint.  ``None`` leaves a field as it is; to clear a
        field pass ``clear={"points", ...}``."""
        clear: set[str] = set(given.pop("clear", ()) or ())
        status = given.pop("status", None)
        sprint = given.pop("sprint", None)
        fields = self._card_fields(**given)
        for name in clear:
            if name not in ("points", "estimate", "assignee", "due", "sprint", "description"):
                raise UseCaseError(f"cannot clear {name!r}")
            fields[name] = "" if name == "description" else None
        with self.store.transaction():
            key = self.resolve_key(text)
            card = self.store.card(key) or {}
            project = self.project(card.get("project"))
            if status is not None:
                fields["status"] = self._column(project, status).id
            if sprint is not None and sprint != "":
                fields["sprint"] = self.resolve_sprint(str(sprint)).id
            patches = [self._set_card_fields(key, fields)]
            notes: list[str] = []
            if "status" in fields and fields["status"] != card.get("status"):
                patches += self._stop_timers_if_done(project, key, fields["status"], notes)
                notes += self._wip_notes(project, fields["status"])
        return Change(f"edit {key}", patches, notes, key)

    def move_card(self, text: str, column: str) -> Change:
        with self.store.transaction():
            key = self.resolve_key(text)
            card = self.store.card(key) or {}
            project = self.project(card.get("project"))
            col = self._column(project, column)
            if card.get("status") == col.id:
                return Change(
                    f"move {key} to {col.name}", [], [f"{key} is already in {col.name}"], key
                )
            patches = [self._set_card_fields(key, {"status": col.id})]
            notes: list[str] = []
            patches += self._stop_timers_if_done(project, key, col.id, notes)
            notes += self._wip_notes(project, col.id)
        return Change(f"move {key} to {col.name}", patches, notes, key)

    def move_card_by(self, text: str, step: int) -> Change:
        """Move a card to the next (+1) or previous (-1) column."""
        card = self.card(text)
        project = self.project(card.project)
        ids = [c.id for c in project.columns]
        index = ids.index(card.status) if card.status in ids else 0
        target = index + step
        if not 0 <= target < len(ids):
            return Change(f"move {card.key}", [], [], card.key)
        return self.move_card(card.key, ids[target])

    def _stop_timers_if_done(
        self, project: Project, key: str, column_id: str, notes: list[str]
    ) -> list[Patch]:
        if project.role_of(column_id) != "done":
            return []
        patches = []
        now = self.clock()
        for doc_id, doc in list(self.store.read()["time_entries"].items()):
            if doc.get("card") == key and doc.get("end") is None:
                patches.append(self._update_row("time_entries", doc_id, {"end": iso(now)}))
                minutes = TimeEntry.from_doc(doc).minutes(now)
                notes.append(
                    f"stopped {doc.get('user')}'s timer on {key} ({parse.format_clock(minutes)})"
                )
        return patches

    def _update_row(self, table: str, doc_id: str, fields: Doc) -> Patch:
        doc = self.store.read()[table][doc_id]
        before = {k: doc.get(k) for k in fields}
        self.store.update(table, doc_id, fields)
        return Patch(table, str(doc.get("id", doc_id)), before, dict(fields))

    def reorder(self, text: str, step: int) -> Change:
        """Move a card up (-1) or down (+1) among the open cards of its column."""
        with self.store.transaction():
            key = self.resolve_key(text)
            card = self.store.card(key) or {}
            peers = [
                d
                for d in self.card_docs(project=card.get("project"))
                if d.get("status") == card.get("status")
            ]
            return self._reorder_within(key, peers, step)

    def reorder_in(self, text: str, keys: list[str], step: int) -> Change:
        """Move a card up or down within a given ordered list (e.g. the backlog view)."""
        with self.store.transaction():
            key = self.resolve_key(text)
            docs = [self.store.card(k) for k in keys]
            return self._reorder_within(key, [d for d in docs if d is not None], step)

    def _reorder_within(self, key: str, peers: list[Doc], step: int) -> Change:
        keys = [d["key"] for d in peers]
        if key not in keys:
            return Change(f"reorder {key}", [], [], key)
        i = keys.index(key)
        j = i + step
        if not 0 <= j < len(peers):
            return Change(f"reorder {key}", [], [], key)
        # New rank: between the neighbour we jump over and the one beyond it.
        jump = float(peers[j]["rank"])
        beyond_index = j + step
        if 0 <= beyond_index < len(peers):
            beyond = float(peers[beyond_index]["rank"])
        else:
            beyond = jump + step
        rank = (jump + beyond) / 2
        if rank in (jump, beyond):  # ranks too close together: spread the column out
            return self._respread(key, peers, i, j)
        doc_id = self.store.card_doc_id(key)
        assert doc_id is not None
        patch = self._update_row("cards", doc_id, {"rank": rank})
        return Change(f"reorder {key}", [Patch("cards", key, patch.before, patch.after)], [], key)

    def _respread(self, key: str, peers: list[Doc], i: int, j: int) -> Change:
        order = [d["key"] for d in peers]
        order.insert(j, order.pop(i))
        base = min(float(d["rank"]) for d in peers)
        patches = []
        for n, k in enumerate(order):
            doc_id = self.store.card_doc_id(k)
            assert doc_id is not None
            p = self._update_row("cards", doc_id, {"rank": base + n})
            patches.append(Patch("cards", k, p.before, p.after))
        return Change(f"reorder {key}", patches, [], key)

    def archive(self, text: str) -> Change:
        with self.store.transaction():
            key = self.resolve_key(text)
            if (self.store.card(key) or {}).get("archived"):
                raise UseCaseError(f"{key} is already archived")
            patches = [self._set_card_fields(key, {"archived": True})]
            notes: list[str] = []
            for doc_id, doc in list(self.store.read()["time_entries"].items()):
                if doc.get("card") == key and doc.get("end") is None:
                    patches.append(
                        self._update_row("time_entries", doc_id, {"end": iso(self.clock())})
                    )
                    notes.append(f"stopped {doc.get('user')}'s timer on {key}")
        return Change(f"archive {key}", patches, notes, key)

    def restore(self, text: str) -> Change:
        with self.store.transaction():
            key = self.resolve_key(text)
            if not (self.store.card(key) or {}).get("archived"):
                raise UseCaseError(f"{key} is not archived")
            patch = self._set_card_fields(key, {"archived": False})
        return Change(f"restore {key}", [patch], [], key)

    def toggle_assign(self, text: str) -> Change:
        card = self.card(text)
        if card.assignee == self.user:
            change = self.edit_card(card.key, clear={"assignee"})
            change.label = f"unassign {card.key}"
        else:
            change = self.edit_card(card.key, assignee=self.user)
            change.label = f"assign {card.key} to {self.user}"
        return change

    def set_points(self, text: str, points: int | None) -> Change:
        if points is None:
            change = self.edit_card(text, clear={"points"})
        else:
            change = self.edit_card(text, points=points)
        change.label = f"set points of {change.key} to {'-' if points is None else points}"
        return change

    def toggle_sprint(self, text: str) -> Change:
        """Add a card to the active sprint, or take it out of the sprint it is in."""
        card = self.card(text)
        active = self.active_sprint()
        if card.sprint is not None and (active is None or card.sprint == active.id):
            change = self.edit_card(card.key, clear={"sprint"})
            change.label = f"remove {card.key} from sprint {card.sprint}"
            return change
        if active is None:
            raise UseCaseError("no active sprint: plan and start one first")
        change = self.edit_card(card.key, sprint=active.id)
        change.label = f"add {card.key} to {active.name}"
        return change

    # ------------------------------------------------------------------- timers
    def _user_entries(self, user: str) -> list[tuple[str, Doc]]:
        """(doc id, entry) of one user.  The filter runs in C (map/compress): at 10k cards
        there are some 30,000 entries and a timer command must stay fast."""
        table = self.store.read()["time_entries"]
        users = map(_GET_USER, table.values())
        return list(compress(table.items(), map(eq, users, repeat(user))))

    def _next_entry_id(self) -> int:
        """A time entry id never used before, even by an entry since deleted."""
        return int(self.store.reserve_id("time_entries"))

    def _check_not_future(self, at: datetime, what: str) -> None:
        if at > self.clock() + timedelta(minutes=1):
            raise UseCaseError(f"{what} {parse.format_time(at)} is in the future")

    def start_timer(
        self, text: str, *, at: datetime | None = None, note: str | None = None
    ) -> Change:
        note_text = clean_line(note, "note", 1000) if note else ""
        with self.store.transaction():
            key = self.resolve_key(text)
            card = self.store.card(key) or {}
            if card.get("archived"):
                raise UseCaseError(f"{key} is archived: restore it first")
            now = self.clock()
            start = (at or now).replace(second=0 if at else now.second, microsecond=0)
            self._check_not_future(start, "start")
            patches: list[Patch] = []
            notes: list[str] = []
            mine = self._user_entries(self.user)
            running = [(i, d) for i, d in mine if d.get("end") is None]
            for _, doc in running:
                began = parse_iso(doc["start"])
                if start < began:
                    raise UseCaseError(
                        f"start {parse.format_time(start)} is before your running timer on "
                        f"{doc['card']} began ({parse.format_time(began)})"
                    )
                if doc["card"] == key and at is None:
                    raise UseCaseError(f"a timer is already running on {key}")
            # Check before changing anything (a change copies the table).
            self._check_overlap(start, None, ignore={i for i, _ in running}, entries=mine)
            for doc_id, doc in running:
                began = parse_iso(doc["start"])
                patches.append(self._update_row("time_entries", doc_id, {"end": iso(start)}))
                spent = int((start - began).total_seconds() // 60)
                notes.append(f"stopped timer on {doc['card']} ({parse.format_clock(spent)})")
            entry = {
                "id": self._next_entry_id(),
                "card": key,
                "user": self.user,
                "start": iso(start),
                "end": None,
                "note": note_text,
            }
            self.store.insert("time_entries", entry, str(entry["id"]))
            patches.append(Patch("time_entries", str(entry["id"]), None, dict(entry)))
        return Change(f"start timer on {key}", patches, notes, key)

    def _check_overlap(
        self,
        start: datetime,
        end: datetime | None,
        ignore: frozenset[str] | set[str] = frozenset(),
        entries: list[tuple[str, Doc]] | None = None,
    ) -> None:
        """Refuse an entry [start, end) that overlaps one of the user's entries."""
        now = self.clock()
        if entries is None:
            entries = self._user_entries(self.user)
        for doc_id, doc in entries:
            if doc_id in ignore:
                continue
            s = parse_iso(doc["start"])
            e = parse_iso(doc["end"]) if doc.get("end") else max(now, s)
            if (end is None or s < end) and start < e:
                raise UseCaseError(
                    f"{parse.format_time(start)} falls inside your entry on {doc['card']} "
                    f"({parse.format_time(s)} - {parse.format_time(e)})"
                )

    def stop_timer(self, *, at: datetime | None = None, note: str | None = None) -> Change:
        note_text = clean_line(note, "note", 1000) if note else None
        with self.store.transaction():
            running = [(i, d) for i, d in self._user_entries(self.user) if d.get("end") is None]
            if not running:
                raise NothingToDo("no timer running")
            doc_id, doc = running[0]
            began = parse_iso(doc["start"])
            end = (at or self.clock()).replace(microsecond=0)
            self._check_not_future(end, "stop")
            if end < began:
                raise UseCaseError(
                    f"stop {parse.format_time(end)} is before the timer started "
                    f"({parse.format_time(began)})"
                )
            fields: Doc = {"end": iso(end)}
            if note_text:
                fields["note"] = note_text
            patch = self._update_row("time_entries", doc_id, fields)
            spent = int((end - began).total_seconds() // 60)
        return Change(
            f"stop timer on {doc['card']}",
            [patch],
            [f"stopped timer on {doc['card']} ({parse.format_clock(spent)})"],
            doc["card"],
        )

    def cancel_timer(self) -> Change:
        with self.store.transaction():
            running = [(i, d) for i, d in self._user_entries(self.user) if d.get("end") is None]
            if not running:
                raise NothingToDo("no timer running")
            doc_id, doc = running[0]
            self.store.remove("time_entries", doc_id)
        return Change(
            f"cancel timer on {doc['card']}",
            [Patch("time_entries", str(doc["id"]), dict(doc), None)],
            [f"discarded timer on {doc['card']}"],
            doc["card"],
        )

    def toggle_timer(self, text: str) -> Change:
        """The board's `t`: stop my timer if it runs on this card, else start one here."""
        key = self.resolve_key(text)
        running = self.running()
        if running is not None and running.card == key:
            return self.stop_timer()
        return self.start_timer(key)

    def log_time(
        self,
        text: str,
        minutes: int | None = None,
        *,
        on: date | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        note: str | None = None,
    ) -> Change:
        """A finished entry: a duration on a day, or an explicit start and end."""
        note_text = clean_line(note, "note", 1000) if note else ""
        with self.store.transaction():
            key = self.resolve_key(text)
            now = self.clock()
            if start is not None or end is not None:
                if start is None or end is None:
                    raise UseCaseError("give both --from and --to")
                if end <= start:
                    raise UseCaseError(
                        f"--to {parse.format_time(end)} is not after --from "
                        f"{parse.format_time(start)}"
                    )
                self._check_not_future(end, "end")
            else:
                if not minutes or minutes <= 0:
                    raise UseCaseError("the duration must be more than 0 minutes")
                start, end = self._place(minutes, on or self.clock().astimezone().date(), now)
            self._check_overlap(start, end)
            entry = {
                "id": self._next_entry_id(),
                "card": key,
                "user": self.user,
                "start": iso(start),
                "end": iso(end),
                "note": note_text,
            }
            self.store.insert("time_entries", entry, str(entry["id"]))
            spent = int((end - start).total_seconds() // 60)
        return Change(
            f"log {parse.format_duration(spent)} on {key}",
            [Patch("time_entries", str(entry["id"]), None, dict(entry))],
            [
                f"logged {parse.format_duration(spent)} on {key} "
                f"({parse.format_time(start)} - {parse.format_time(end)})"
            ],
            key,
        )

    def _place(self, minutes: int, day: date, now: datetime) -> tuple[datetime, datetime]:
        """Where a logged duration goes on a day: after the user's last entry that day, from
        09:00 local; on today, ending now if that is the only room."""
        if day > now.astimezone().date():
            raise UseCaseError(f"{day.isoformat()} is in the future")
        # Naive local times made aware by astimezone() get that day's own UTC offset (DST).
        day_start = datetime.combine(day, time(9, 0)).astimezone().astimezone(now.tzinfo)
        day_end = datetime.combine(day + timedelta(days=1), time(0, 0)).astimezone()
        day_end = day_end.astimezone(now.tzinfo)
        start = day_start
        for _, doc in self._user_entries(self.user):
            e = parse_iso(doc["end"]) if doc.get("end") else now
            s = parse_iso(doc["start"])
            if s < day_end and e > start and e <= day_end:
                start = max(start, e)
        length = timedelta(minutes=minutes)
        if start + length > now:
            start = now.replace(second=0) - length
        return start, start + length


_GET_USER = methodcaller("get", "user")


def _row_id(table: dict[str, Doc], name: str, key: str) -> str | None:
    id_field = "key" if name == "projects" else "id"
    for doc_id, doc in table.items():
        if str(doc.get(id_field)) == key:
            return doc_id
    return None


def _number(key: str) -> int:
    try:
        return int(key.rsplit("-", 1)[1])
    except (IndexError, ValueError):
        return 0


def _created_to(doc: Doc) -> Doc:
    return {
        "status": doc.get("status"),
        "points": doc.get("points"),
        "estimate": doc.get("estimate"),
    }


def _parsed(fn: Callable[..., Any], *args: Any) -> Any:
    try:
        return fn(*args)
    except parse.ParseError as exc:
        raise UseCaseError(str(exc)) from None


def long_running(entry: TimeEntry, now: datetime) -> bool:
    return entry.running and now - entry.start > LONG_TIMER
