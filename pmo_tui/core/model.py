"""The domain records, as stored in the data file (SPEC section 2).

Records are kept as plain dicts in TinyDB; these classes are the typed view that the
use cases, the CLI and the app read.  ``from_doc`` tolerates missing fields so that a file
written by an older pmo (or edited by hand) still loads.

They behave as ``@dataclass(slots=True)`` would (keyword or positional construction, field
equality, a repr naming the fields, unhashable) but are written out by hand: every command
imports this module, and ``dataclasses`` (with ``inspect``) costs more to import than a
whole timer command's work.  ``typing`` is imported for the type checker only.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Literal

    Role = Literal["todo", "started", "done"]
    Doc = dict[str, Any]
else:
    Role = str
    Doc = dict

SCHEMA_VERSION = 1

ROLES: tuple[Role, ...] = ("todo", "started", "done")
PRIORITIES: tuple[str, ...] = ("none", "low", "medium", "high", "urgent")
SPRINT_STATES: tuple[str, ...] = ("planned", "active", "closed")


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


class DataclassFields:
    """``dataclasses.fields``, ``replace``, ``asdict`` and ``is_dataclass`` keep working on
    the records: the fields a dataclass would have (from ``__match_args__``), made on first
    use, so that ``dataclasses`` is imported only by code that asks for them."""

    def __get__(self, obj: object, cls: type) -> Any:
        import dataclasses

        names = getattr(cls, "__match_args__", ())
        shadow = dataclasses.make_dataclass(
            cls.__name__, [(name, object, dataclasses.field(default=None)) for name in names]
        )
        fields = shadow.__dataclass_fields__  # type: ignore[attr-defined]
        cls.__dataclass_fields__ = fields  # type: ignore[attr-defined]  # (asked once per class)
        return fields


class Record:
    """What ``@dataclass(slots=True)`` gives the records below: equality field by field
    (only with the same class), a repr naming the fields, no hash (defining ``__eq__``
    sets it to None), and the ``dataclasses`` functions.  A subclass lists its fields in
    ``__match_args__`` (in declaration order; in ``__slots__`` too unless its instances
    keep a ``__dict__``) and writes its ``__init__``."""

    __slots__: tuple[str, ...] = ()
    __match_args__: tuple[str, ...] = ()
    __dataclass_fields__ = DataclassFields()

    def _values(self) -> tuple[Any, ...]:
        return tuple([getattr(self, name) for name in self.__match_args__])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            assert isinstance(other, Record)
            return self._values() == other._values()
        return NotImplemented

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__match_args__)
        return f"{self.__class__.__qualname__}({fields})"


class Column(Record):
    __slots__ = __match_args__ = ("id", "name", "role", "wip")
    id: str
    name: str
    role: Role
    wip: int | None

    def __init__(self, id: str, name: str, role: Role = "todo", wip: int | None = None) -> None:
        self.id = id
        self.name = name
        self.role = role
        self.wip = wip

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


class Project(Record):
    __slots__ = __match_args__ = ("key", "name", "columns", "next_number", "hours_budget")
    key: str
    name: str
    columns: list[Column]
    next_number: int
    hours_budget: float | None

    def __init__(
        self,
        key: str,
        name: str,
        columns: list[Column],
        next_number: int = 1,
        hours_budget: float | None = None,
    ) -> None:
        self.key = key
        self.name = name
        self.columns = columns
        self.next_number = next_number
        self.hours_budget = hours_budget

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


class Card(Record):
    __slots__ = __match_args__ = (
        "key",
        "project",
        "title",
        "status",
        "rank",
        "description",
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
    key: str
    project: str
    title: str
    status: str
    rank: float
    description: str
    points: int | None
    estimate: int | None
    tags: list[str]
    assignee: str | None
    priority: str
    sprint: int | None
    due: date | None
    created: datetime | None
    updated: datetime | None
    started: datetime | None
    done: datetime | None
    archived: bool

    def __init__(
        self,
        key: str,
        project: str,
        title: str,
        status: str,
        rank: float = 0.0,
        description: str = "",
        points: int | None = None,
        estimate: int | None = None,
        tags: list[str] | None = None,
        assignee: str | None = None,
        priority: str = "none",
        sprint: int | None = None,
        due: date | None = None,
        created: datetime | None = None,
        updated: datetime | None = None,
        started: datetime | None = None,
        done: datetime | None = None,
        archived: bool = False,
    ) -> None:
        self.key = key
        self.project = project
        self.title = title
        self.status = status
        self.rank = rank
        self.description = description
        self.points = points
        self.estimate = estimate
        self.tags = [] if tags is None else tags
        self.assignee = assignee
        self.priority = priority
        self.sprint = sprint
        self.due = due
        self.created = created
        self.updated = updated
        self.started = started
        self.done = done
        self.archived = archived

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


class Sprint(Record):
    __slots__ = __match_args__ = (
        "id",
        "project",
        "name",
        "start",
        "end",
        "goal",
        "state",
        "capacity",
        "commitment",
        "closed_at",
        "report",
    )
    id: int
    project: str
    name: str
    start: date | None
    end: date | None
    goal: str
    state: str
    capacity: int | None
    commitment: list[Doc]
    closed_at: datetime | None
    report: Doc | None

    def __init__(
        self,
        id: int,
        project: str,
        name: str,
        start: date | None = None,
        end: date | None = None,
        goal: str = "",
        state: str = "planned",
        capacity: int | None = None,
        commitment: list[Doc] | None = None,
        closed_at: datetime | None = None,
        report: Doc | None = None,
    ) -> None:
        self.id = id
        self.project = project
        self.name = name
        self.start = start
        self.end = end
        self.goal = goal
        self.state = state
        self.capacity = capacity
        self.commitment = [] if commitment is None else commitment
        self.closed_at = closed_at
        self.report = report

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


class TimeEntry(Record):
    __slots__ = __match_args__ = ("id", "card", "user", "start", "end", "note")
    id: int
    card: str
    user: str
    start: datetime
    end: datetime | None
    note: str

    def __init__(
        self,
        id: int,
        card: str,
        user: str,
        start: datetime,
        end: datetime | None = None,
        note: str = "",
    ) -> None:
        self.id = id
        self.card = card
        self.user = user
        self.start = start
        self.end = end
        self.note = note

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
