"""The domain records, as stored in the data file (SPEC section 2).

Records are kept as plain dicts in TinyDB; these dataclasses are the typed view that the
use cases, the CLI and the app read.  ``from_doc`` tolerates missing fields so that a file
written by an older pmo (or edited by hand) still loads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

SCHEMA_VERSION = 1

Role = Literal["todo", "started", "done"]
ROLES: tuple[Role, ...] = ("todo", "started", "done")
PRIORITIES: tuple[str, ...] = ("none", "low", "medium", "high", "urgent")
SPRINT_STATES: tuple[str, ...] = ("planned", "active", "closed")
Doc = dict[str, Any]


def utcnow() -> datetime:
    """Now, aware, in UTC, to the second (storage precision)."""
    return datetime.now(UTC).replace(microsecond=0)


def iso(dt: datetime) -> str:
    """Storage form of a time: ISO-8601 UTC with a Z."""
    u = dt.astimezone(UTC)
    # (not strftime: %Y drops the leading zeros of years before 1000 on glibc)
    return f"{u.year:04d}-{u.month:02d}-{u.day:02d}T{u.hour:02d}:{u.minute:02d}:{u.second:02d}Z"


def parse_iso(text: str) -> datetime:
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def card_number(key: str) -> int:
    """The number of a card key (``PMO-12`` -> 12); 0 for anything else."""
    try:
        return int(key.rsplit("-", 1)[1])
    except (IndexError, ValueError):
        return 0


# A timer running longer than this is flagged (SPEC 5) in `status` and the app.
LONG_TIMER = timedelta(hours=10)


def long_running(entry: TimeEntry, now: datetime) -> bool:
    return entry.running and now - entry.start > LONG_TIMER


def opt_iso(text: Any) -> datetime | None:
    """A stored time, or None if absent or unreadable (a file edited by hand)."""
    try:
        return parse_iso(text) if isinstance(text, str) and text else None
    except ValueError:
        return None


def opt_date(text: Any) -> date | None:
    """A stored date, or None if absent or unreadable (a file edited by hand)."""
    try:
        return date.fromisoformat(text) if isinstance(text, str) and text else None
    except ValueError:
        return None


@dataclass(slots=True)
class Column:
    id: str
    name: str
    role: Role = "todo"
    wip: int | None = None

    @classmethod
    def from_doc(cls, doc: Doc) -> Column:
        role = doc.get("role", "todo")
        return cls(
            id=str(doc["id"]),
            name=str(doc.get("name", doc["id"])),
            role=role if role in ROLES else "todo",
            wip=doc.get("wip"),
        )

    def to_doc(self) -> Doc:
        return {"id": self.id, "name": self.name, "wip": self.wip, "role": self.role}


DEFAULT_COLUMNS: tuple[Column, ...] = (
    Column("todo", "To Do", "todo", None),
    Column("doing", "In Progress", "started", 3),
    Column("review", "Review", "started", 2),
    Column("done", "Done", "done", None),
)

TEMPLATES: dict[str, tuple[Column, ...]] = {
    "scrum": DEFAULT_COLUMNS,
    "kanban": (
        Column("backlog", "Backlog", "todo", None),
        Column("ready", "Ready", "todo", 5),
        Column("doing", "In Progress", "started", 3),
        Column("review", "Review", "started", 2),
        Column("done", "Done", "done", None),
    ),
}


@dataclass(slots=True)
class Project:
    key: str
    name: str
    columns: list[Column]
    next_number: int = 1
    hours_budget: float | None = None

    @classmethod
    def from_doc(cls, doc: Doc) -> Project:
        return cls(
            key=str(doc["key"]),
            name=str(doc.get("name", doc["key"])),
            columns=[Column.from_doc(c) for c in doc.get("columns", [])] or list(DEFAULT_COLUMNS),
            next_number=int(doc.get("next_number", 1)),
            hours_budget=doc.get("hours_budget"),
        )

    def to_doc(self) -> Doc:
        return {
            "key": self.key,
            "name": self.name,
            "columns": [c.to_doc() for c in self.columns],
            "next_number": self.next_number,
            "hours_budget": self.hours_budget,
        }

    def column(self, column_id: str) -> Column | None:
        for col in self.columns:
            if col.id == column_id:
                return col
        return None

    def find_column(self, text: str) -> Column | None:
        """A column by id or name, case-insensitive."""
        wanted = text.strip().casefold()
        for col in self.columns:
            if col.id.casefold() == wanted or col.name.casefold() == wanted:
                return col
        return None

    def role_of(self, column_id: str) -> Role:
        col = self.column(column_id)
        return col.role if col else "todo"

    @property
    def first_column(self) -> Column:
        return self.columns[0]


@dataclass(slots=True)
class Card:
    key: str
    project: str
    title: str
    status: str
    rank: float = 0.0
    description: str = ""
    points: int | None = None
    estimate: int | None = None
    tags: list[str] = field(default_factory=list)
    assignee: str | None = None
    priority: str = "none"
    sprint: int | None = None
    due: date | None = None
    created: datetime | None = None
    updated: datetime | None = None
    started: datetime | None = None
    done: datetime | None = None
    archived: bool = False

    @classmethod
    def from_doc(cls, doc: Doc) -> Card:
        return cls(
            key=str(doc["key"]),
            project=str(doc.get("project", "")),
            title=str(doc.get("title", "")),
            status=str(doc.get("status", "")),
            rank=float(doc.get("rank") or 0.0),
            description=str(doc.get("description") or ""),
            points=doc.get("points"),
            estimate=doc.get("estimate"),
            tags=list(doc.get("tags") or []),
            assignee=doc.get("assignee"),
            priority=str(doc.get("priority") or "none"),
            sprint=doc.get("sprint"),
            due=opt_date(doc.get("due")),
            created=opt_iso(doc.get("created")),
            updated=opt_iso(doc.get("updated")),
            started=opt_iso(doc.get("started")),
            done=opt_iso(doc.get("done")),
            archived=bool(doc.get("archived", False)),
        )


def card_doc_to_json(doc: Doc, spent: int) -> Doc:
    """A card as the CLI prints it with --json: the stored fields plus `spent`."""
    out = {k: doc.get(k) for k in CARD_FIELDS}
    out["tags"] = list(doc.get("tags") or [])
    out["spent"] = spent
    return out


CARD_FIELDS: tuple[str, ...] = (
    "key",
    "project",
    "title",
    "description",
    "status",
    "rank",
    "points",
    "estimate",
    "tags",
    "assignee",
    "priority",
    "sprint",
    "due",
    "created",
    "updated",
    "started",
    "done",
    "archived",
)


@dataclass(slots=True)
class Sprint:
    id: int
    project: str
    name: str
    start: date | None = None
    end: date | None = None
    goal: str = ""
    state: str = "planned"
    capacity: int | None = None
    commitment: list[Doc] = field(default_factory=list)
    closed_at: datetime | None = None
    report: Doc | None = None

    @classmethod
    def from_doc(cls, doc: Doc) -> Sprint:
        return cls(
            id=int(doc["id"]),
            project=str(doc.get("project", "")),
            name=str(doc.get("name", "")),
            start=opt_date(doc.get("start")),
            end=opt_date(doc.get("end")),
            goal=str(doc.get("goal") or ""),
            state=str(doc.get("state") or "planned"),
            capacity=doc.get("capacity"),
            commitment=list(doc.get("commitment") or []),
            closed_at=opt_iso(doc.get("closed_at")),
            report=doc.get("report"),
        )


@dataclass(slots=True)
class TimeEntry:
    id: int
    card: str
    user: str
    start: datetime
    end: datetime | None = None
    note: str = ""

    @classmethod
    def from_doc(cls, doc: Doc) -> TimeEntry:
        return cls(
            id=int(doc["id"]),
            card=str(doc["card"]),
            user=str(doc["user"]),
            start=parse_iso(doc["start"]),
            end=opt_iso(doc.get("end")),
            note=str(doc.get("note") or ""),
        )

    def minutes(self, now: datetime | None = None) -> int:
        end = self.end or now or utcnow()
        return max(0, int((end - self.start).total_seconds() // 60))

    @property
    def running(self) -> bool:
        return self.end is None
