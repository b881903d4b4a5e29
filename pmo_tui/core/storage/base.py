"""The storage seam: what the use cases need from a place that keeps pmo's data.

Records are addressed by their domain ids (a project's key, a card's key, a sprint's or a
time entry's id), never by a backend's own row ids.  Reads outside a transaction see the
last committed data (refreshed if another process changed it); inside
:meth:`Storage.transaction` they see the transaction's own working copy, and every write
belongs to it: it is committed whole when the block ends, or not at all if it raises.

Today's implementation is :class:`~pmo_tui.core.storage.jsonfile.backend.JsonFileStorage`
(one JSON file shared by the people of one host); a database server would implement the
same protocol for teams across hosts.
"""

from __future__ import annotations

from collections.abc import Collection
from contextlib import AbstractContextManager

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Protocol
else:  # the runtime value of the aliases below (typing costs ~3 ms to import)
    Any = object
    Protocol = object

Doc = dict[str, Any]

# The tables and the field that is each record's domain id.
ID_FIELDS: dict[str, str] = {
    "projects": "key",
    "cards": "key",
    "sprints": "id",
    "time_entries": "id",
}


class Storage(Protocol):
    """Domain-level reads and a unit of work (see the module docstring)."""

    @property
    def where(self) -> str:
        """Where the data lives, for messages (a path, a server)."""

    @property
    def generation(self) -> int:
        """A number that changes whenever the committed data changes (for caches)."""

    def refresh(self) -> None:
        """Pick up another process's committed changes (cheap when there are none)."""

    def in_transaction(self) -> bool:
        """True on the thread that is inside :meth:`transaction`."""

    def transaction(self) -> AbstractContextManager[Any]:
        """A unit of work: reads see its changes; commit at the end, all or nothing."""

    # ------------------------------------------------------------------ reads
    def projects(self) -> list[Doc]: ...

    def project(self, key: str) -> Doc | None: ...

    def card(self, key: str) -> Doc | None: ...

    def cards(self, project: str | None = None) -> list[Doc]:
        """Every card of ``project`` (all projects if None), archived ones included."""

    def top_rank(self, project: str) -> float | None:
        """The highest rank of ``project``'s cards, archived ones included (a missing rank
        counts as 0); None without cards.  Where a new card goes."""

    def open_count(self, project: str, column: str) -> int:
        """How many of ``project``'s cards are in ``column`` and not archived (what its
        WIP limit counts)."""

    def entries(self, *, user: str | None = None, card: str | None = None) -> list[Doc]:
        """Time entries, optionally of one user and/or one card, in no particular order."""

    def running(self, user: str | None = None) -> list[Doc]:
        """The time entries still running (no end), of ``user`` if given, in the order
        they were added.  Cheap: from an index kept with the entries, not a scan."""

    def closed_minutes(self) -> dict[str, int]:
        """Minutes logged per card key by its finished entries (each entry's whole minutes;
        cards with none left out), from the index.  Running entries are not in it: they
        count up to the time of display.  Do not change the dict."""

    def last_end(self, user: str) -> int | None:
        """Epoch seconds at or after the end of every finished entry of ``user`` (None: no
        finished entry).  A timer starting at or after it overlaps none of them; an
        earlier start must be checked against the entries."""

    def sprints(self, project: str | None = None) -> list[Doc]: ...

    def sprint(self, sprint_id: int) -> Doc | None: ...

    def entry(self, entry_id: int) -> Doc | None: ...

    def events(self, card: str | None = None) -> list[Doc]:
        """History events in the order they were appended."""

    def get(self, table: str, record_id: str) -> Doc | None:
        """Any record by table name and domain id (as text)."""

    # Reads of a few records out of big tables (a report of one sprint or one week needs
    # hundreds of 50,000 events, not all of them): each is the same as filtering the whole
    # table, in the same order, and a backend may answer it without reading the rest.
    def cards_named(self, keys: Collection[str]) -> list[Doc]:
        """The cards with these keys (any project), in the order of :meth:`cards`."""

    def entries_of(self, cards: Collection[str]) -> list[Doc]:
        """The time entries of these cards, in the order of :meth:`entries`."""

    def events_of(self, cards: Collection[str]) -> list[Doc]:
        """The history events of these cards, in the order they were appended."""

    def sprint_events(self, sprint_id: int) -> list[Doc]:
        """The events that put a card in this sprint (``sprint_added`` to it) or took one
        out (``sprint_removed`` from it), in the order they were appended."""

    # ------------------------------------------------------------------ writes (in a transaction)
    def append_event(self, event: Doc) -> None: ...

    def reserve_id(self, table: str) -> int:
        """An id never used in ``table``, even by a record since removed."""

    def insert(self, table: str, record: Doc) -> None:
        """Add a record; its domain id is in the record itself."""

    def update(self, table: str, record_id: str, fields: Doc) -> Doc:
        """Change some fields of a record; returns the record as it is now."""

    def remove(self, table: str, record_id: str) -> Doc | None:
        """Remove a record (None if it was not there)."""
