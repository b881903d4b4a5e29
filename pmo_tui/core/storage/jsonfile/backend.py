"""The storage protocol (:mod:`pmo_tui.core.storage.base`) on pmo's JSON data file.

A thin adapter over :class:`~.store.Store`: it translates domain ids (card keys, sprint and
entry ids, project keys) to the file's document ids and keeps the store's fast paths (a card
found in the unparsed cards table, events appended without parsing the history, a user's
entries filtered in C).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from itertools import compress, repeat
from operator import eq, methodcaller

from ..base import ID_FIELDS, Doc
from . import index as entries_index
from . import window
from .store import Store

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any
else:  # the runtime value of the aliases below (typing costs ~3 ms to import)
    Any = object

_GET_USER = methodcaller("get", "user")
_GET_CARD = methodcaller("get", "card")


class JsonFileStorage:
    """:class:`~pmo_tui.core.storage.base.Storage` for one :class:`Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def where(self) -> str:
        return self.store.shown

    @property
    def generation(self) -> int:
        return self.store.generation

    def refresh(self) -> None:
        self.store.read()

    def in_transaction(self) -> bool:
        return self.store.in_transaction()

    @contextmanager
    def transaction(self) -> Iterator[JsonFileStorage]:
        with self.store.transaction():
            yield self

    # ------------------------------------------------------------------ reads
    def _rows(self, table: str) -> dict[str, Doc]:
        rows: dict[str, Doc] = self.store.read()[table]
        return rows

    def projects(self) -> list[Doc]:
        return list(self._rows("projects").values())

    def project(self, key: str) -> Doc | None:
        found = self._find("projects", key)
        return None if found is None else found[1]

    def card(self, key: str) -> Doc | None:
        return self.store.card(key)

    def cards(self, project: str | None = None) -> list[Doc]:
        rows = self._rows("cards").values()
        if project is None:
            return list(rows)
        return [d for d in rows if d.get("project") == project]

    def top_rank(self, project: str) -> float | None:
        summary = self.store.card_summary()
        if summary is not None:
            return summary.top_rank(project)
        ranks = [float(d.get("rank") or 0) for d in self.cards(project)]
        return max(ranks) if ranks else None

    def open_count(self, project: str, column: str) -> int:
        summary = self.store.card_summary()
        if summary is not None:
            return summary.open_count(project, column)
        return sum(
            1 for d in self.cards(project) if d.get("status") == column and not d.get("archived")
        )

    def entries(self, *, user: str | None = None, card: str | None = None) -> list[Doc]:
        docs: list[Doc]
        if card is not None and self.store.read().is_raw("time_entries"):
            # One card's entries from the unparsed bytes (when window.py is sure of them).
            docs = self.entries_of((card,))
            if user is not None:
                docs = [d for d in docs if d.get("user") == user]
            return docs
        docs = list(self._rows("time_entries").values())
        # Filtered in C (map/compress): a timer command must stay fast at 30,000 entries.
        if user is not None:
            docs = list(compress(docs, map(eq, map(_GET_USER, docs), repeat(user))))
        if card is not None:
            docs = list(compress(docs, map(eq, map(_GET_CARD, docs), repeat(card))))
        return docs

    # Time entries: from their index (index.py), which needs no parse of the entries.
    def running(self, user: str | None = None) -> list[Doc]:
        return entries_index.of_tables(self.store.read()).running_docs(user)

    def closed_minutes(self) -> dict[str, int]:
        return entries_index.of_tables(self.store.read()).minutes

    def last_end(self, user: str) -> int | None:
        return entries_index.of_tables(self.store.read()).last.get(user)

    def sprints(self, project: str | None = None) -> list[Doc]:
        rows = self._rows("sprints").values()
        return [d for d in rows if project is None or d.get("project") == project]

    def sprint(self, sprint_id: int) -> Doc | None:
        return self.get("sprints", str(sprint_id))

    def entry(self, entry_id: int) -> Doc | None:
        return self.get("time_entries", str(entry_id))

    def events(self, card: str | None = None) -> list[Doc]:
        if card is not None and self.store.read().is_raw("events"):
            return self.events_of((card,))  # one card's history, from the unparsed bytes
        rows = self._rows("events").values()  # the file keeps them in the order appended
        if card is None:
            return list(rows)
        return list(compress(rows, map(eq, map(_GET_CARD, rows), repeat(card))))

    # -------------------------------------------------- reads of a few records (window.py)
    def _where(self, table: str, criteria: dict[str, Collection[Any]]) -> list[Doc]:
        """The records of ``table`` where any field of ``criteria`` is one of its values,
        in the table's order: found in the bytes of the unparsed table when that is sure
        to give the same answer (window.py), else filtered from the parsed table."""
        found = window.docs_where_any(self.store.read(), table, criteria)
        if found is None:
            found = window.keep_any(self._rows(table).values(), criteria)
        return found

    def cards_named(self, keys: Collection[str]) -> list[Doc]:
        return self._where("cards", {"key": keys})

    def entries_of(self, cards: Collection[str]) -> list[Doc]:
        return self._where("time_entries", {"card": cards})

    def events_of(self, cards: Collection[str]) -> list[Doc]:
        return self._where("events", {"card": cards})

    def sprint_events(self, sprint_id: int) -> list[Doc]:
        found = self._where("events", {"to": [sprint_id], "from": [sprint_id]})
        return [
            e
            for e in found
            if (e.get("type") == "sprint_added" and e.get("to") == sprint_id)
            or (e.get("type") == "sprint_removed" and e.get("from") == sprint_id)
        ]

    def get(self, table: str, record_id: str) -> Doc | None:
        if table == "cards":
            return self.store.card(record_id)
        found = self._find(table, record_id)
        return None if found is None else found[1]

    def _find(self, table: str, record_id: str) -> tuple[str, Doc] | None:
        """(document id, record) of a record by its domain id."""
        if table == "cards":
            return self.store.find_card(record_id)
        field = ID_FIELDS[table]
        if field == "id" and record_id.isdigit():
            # Entries and sprints are written with their id first: found in the unparsed
            # table's bytes (`pmo stop` changes one entry of thirty thousand).
            found = self.store.find_unparsed(table, field, int(record_id))
            if found is not True:
                return found or None
        rows = self._rows(table)
        doc = rows.get(record_id)  # pmo stores entries and sprints under their own id
        if doc is not None and str(doc.get(field)) == record_id:
            return record_id, doc
        for doc_id, doc in rows.items():
            if str(doc.get(field)) == record_id:
                return doc_id, doc
        return None

    # ------------------------------------------------------------------ writes
    def append_event(self, event: Doc) -> None:
        self.store.insert("events", event)

    def reserve_id(self, table: str) -> int:
        return int(self.store.reserve_id(table))

    def insert(self, table: str, record: Doc) -> None:
        doc_id: str | None = None
        if table in ("sprints", "time_entries"):
            wanted = str(record[ID_FIELDS[table]])
            if wanted.isdigit() and not self.store.has_doc_id(table, wanted):
                doc_id = wanted
        self.store.insert(table, record, doc_id)

    def update(self, table: str, record_id: str, fields: Doc) -> Doc:
        found = self._find(table, record_id)
        if found is None:
            raise KeyError(f"{table} {record_id}")
        return self.store.update(table, found[0], fields)

    def remove(self, table: str, record_id: str) -> Doc | None:
        found = self._find(table, record_id)
        return None if found is None else self.store.remove(table, found[0])
