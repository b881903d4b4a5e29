"""A derived index of the time entries, kept in the data file beside them.

`pmo start`, `stop`, `status` and `ls` need a few facts about 30,000 time entries: who has
a timer running (and the whole entry, for undo), how late each user's last finished entry
ends (so a timer started now is known to overlap nothing), and the minutes logged per card.
Parsing the entries for them costs tens of milliseconds at 10k cards, so every write keeps
them in one more line of the file, the table ``"_index"`` holding one document::

    "_index":{"1":{"of":<CRC-32 of the time_entries line>,"running":{...},"last":{...},
                   "minutes":{...}}}

It stays plain JSON (TinyDB and other tools see one more table).  It is derived, never a
source: it is trusted only when its own line matches its checksum and ``of`` is the
checksum of the time_entries line it sits beside (which matches its own).  A file written
by an older pmo, by TinyDB or by hand has no index or a stale one: it is recomputed from the
parsed entries, and written with the next commit.  Exports never include it.

- ``running``: doc id -> the whole running entry (no end);
- ``last``: user -> epoch seconds no earlier than the end of any of the user's finished
  entries (2**53 if one has an end that is not a time).  Exact when recomputed; removing an
  entry leaves it as an upper bound, which is all the overlap shortcut needs: a start at or
  after it overlaps no finished entry;
- ``minutes``: card key -> minutes of its finished entries (each entry's whole minutes,
  as ``Session.spent`` counts them; cards with none are left out).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from json import JSONDecodeError  # (orjson's is a subclass)

from .layout import Chunk, Tables, dumps, loads

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any
else:  # the runtime value of the aliases below (typing costs ~3 ms to import)
    Any = object

Doc = dict[str, Any]
NAME = "_index"  # the table's name in the file
ENTRIES = "time_entries"
# The index document is written with "of" first, so a writer that carries the line over
# unchanged reads its source checksum without parsing the rest.
_OF = re.compile(rb'\{"1":\{"of":(\d+),')


class _Bulk:
    """Marks a working copy whose entries are changed in bulk (Store.tables()): the index
    is recomputed from them when read and at commit, never kept up incrementally."""


BULK = _Bulk()
_NEVER = 2**53  # epoch seconds later than any time (see EntriesIndex._add)


def _time(text: Any) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt


class EntriesIndex:
    """What the timer commands and ``ls`` need from the time entries (see the module)."""

    __slots__ = ("last", "minutes", "running")

    def __init__(
        self,
        running: dict[str, Doc] | None = None,
        last: dict[str, int] | None = None,
        minutes: dict[str, int] | None = None,
    ) -> None:
        self.running: dict[str, Doc] = running if running is not None else {}
        self.last: dict[str, int] = last if last is not None else {}
        self.minutes: dict[str, int] = minutes if minutes is not None else {}

    @classmethod
    def from_entries(cls, rows: dict[str, Doc]) -> EntriesIndex:
        """Computed from the whole (parsed) table."""
        index = cls()
        for doc_id, doc in rows.items():
            index._add(doc_id, doc)
        return index

    def copy(self) -> EntriesIndex:
        return EntriesIndex(dict(self.running), dict(self.last), dict(self.minutes))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, EntriesIndex):
            return NotImplemented
        return (self.running, self.last, self.minutes) == (
            other.running,
            other.last,
            other.minutes,
        )

    def __repr__(self) -> str:
        return f"EntriesIndex({self.running!r}, {self.last!r}, {self.minutes!r})"

    # ------------------------------------------------------------------ changes
    def apply(self, doc_id: str, old: Doc | None, new: Doc | None) -> None:
        """One entry changed from ``old`` to ``new`` (None: absent)."""
        if old is not None:
            self._drop(doc_id, old)
        if new is not None:
            self._add(doc_id, new)

    def _add(self, doc_id: str, doc: Doc) -> None:
        end = doc.get("end")
        if end is None:
            self.running[doc_id] = doc
            return
        card = doc.get("card")
        user = doc.get("user")
        finish = _time(end)
        if isinstance(user, str):
            # An end that is not a time (a hand edit) reads as open-ended to the overlap
            # rule: no start is known to be clear of it.
            bound = _NEVER if finish is None else -int(-finish.timestamp() // 1)  # (ceil)
            if bound > self.last.get(user, bound - 1):
                self.last[user] = bound
        minutes = _minutes(doc.get("start"), finish)
        if minutes and isinstance(card, str):
            self.minutes[card] = self.minutes.get(card, 0) + minutes

    def _drop(self, doc_id: str, doc: Doc) -> None:
        if doc.get("end") is None:
            self.running.pop(doc_id, None)
            return
        card = doc.get("card")
        minutes = _minutes(doc.get("start"), _time(doc.get("end")))
        if minutes and isinstance(card, str):
            left = self.minutes.get(card, 0) - minutes
            if left:
                self.minutes[card] = left
            else:
                self.minutes.pop(card, None)
        # ``last`` stays: an upper bound is enough (see the module docstring).

    # ------------------------------------------------------------------ reads
    def running_docs(self, user: str | None = None) -> list[Doc]:
        """Running entries (of ``user``), in document-id order (the table's order)."""
        ids = sorted(self.running, key=_id_order)
        docs = [self.running[i] for i in ids]
        if user is not None:
            docs = [d for d in docs if d.get("user") == user]
        return docs

    # ------------------------------------------------------------------ file form
    def to_doc(self, of: int) -> Doc:
        return {"of": of, "running": self.running, "last": self.last, "minutes": self.minutes}

    @classmethod
    def from_doc(cls, doc: Any) -> EntriesIndex | None:
        """From the stored document; None if it is not in the expected shape."""
        if not isinstance(doc, dict):
            return None
        running, last, minutes = doc.get("running"), doc.get("last"), doc.get("minutes")
        if not (isinstance(running, dict) and isinstance(last, dict) and isinstance(minutes, dict)):
            return None
        # (map/set: checked in C, the minutes of 10,000 cards on every read)
        if not set(map(type, running.values())) <= {dict}:
            return None
        if any(doc.get("end") is not None for doc in running.values()):
            return None
        if not set(map(type, last.values())) <= {int}:
            return None
        if not set(map(type, minutes.values())) <= {int}:
            return None
        return cls(running, last, minutes)


def _minutes(start: Any, end: datetime | None) -> int:
    """An entry's whole minutes (``Session.spent``'s rule); 0 if unreadable."""
    began = _time(start)
    if began is None or end is None:
        return 0
    return max(0, int((end - began).total_seconds() // 60))


def _id_order(doc_id: str) -> tuple[int, str]:
    return (int(doc_id), "") if doc_id.isdigit() else (0, doc_id)


# ====================================================================== the tables' index
def of_tables(tables: Tables) -> EntriesIndex:
    """The index of these tables: kept on them once read or computed.  Do not change it
    (see :func:`changing`)."""
    index = tables.entries_index
    if isinstance(index, EntriesIndex):
        return index
    if index is BULK:
        return EntriesIndex.from_entries(tables[ENTRIES])
    index = _stored(tables)
    if index is None:
        index = EntriesIndex.from_entries(tables[ENTRIES])
    tables.entries_index = index
    return index


def _stored(tables: Tables) -> EntriesIndex | None:
    """The index stored in the file, if it can be trusted for these entries (see module)."""
    raw = tables.raw.get(NAME)
    if raw is None or not tables.is_raw(ENTRIES) or tables.appends.get(ENTRIES):
        return None
    if NAME not in tables.crcs or ENTRIES not in tables.crcs:
        return None
    found = _OF.match(raw)
    if found is None or int(found.group(1)) != tables.crcs[ENTRIES]:
        return None
    if not (tables.verify(NAME) and tables.verify(ENTRIES)):
        return None
    try:
        doc = loads(raw)
    except JSONDecodeError:
        return None
    if not isinstance(doc, dict) or set(doc) != {"1"}:
        return None
    return EntriesIndex.from_doc(doc["1"])


def changing(tables: Tables, doc_id: str, old: Doc | None, new: Doc | None) -> None:
    """A transaction's working copy is about to change one time entry: keep its index.
    Called before the table changes (a missing index is computed from the entries as they
    were, then the change applied)."""
    if tables.entries_index is BULK:
        return
    of_tables(tables).apply(doc_id, old, new)


def bulk(tables: Tables) -> None:
    """The caller changes the tables directly (imports): recompute at commit.  The stored
    line is dropped now, so it is never parsed or checked as a table."""
    tables.entries_index = BULK
    tables.raw.pop(NAME, None)
    if dict.__contains__(tables, NAME):
        dict.__delitem__(tables, NAME)


def forget_parsed(tables: Tables) -> None:
    """A whole-parsed file (written by hand, TinyDB or an older pmo): its index, if any,
    is never trusted nor checked as a table; it is recomputed."""
    if dict.__contains__(tables, NAME):
        dict.__delitem__(tables, NAME)


def index_line(tables: Tables, crcs: dict[str, int]) -> Chunk | None:
    """The index line to write, once the other lines' checksums are known (``crcs``):
    the live index, or the stored line carried over if it still describes the entries,
    or one recomputed.  None: no entries table."""
    if ENTRIES not in crcs:
        return None
    of = crcs[ENTRIES]
    index = tables.entries_index
    if index is BULK:
        index = EntriesIndex.from_entries(tables[ENTRIES])
    if not isinstance(index, EntriesIndex):
        raw = tables.raw.get(NAME)
        if raw is not None:
            found = _OF.match(raw)
            if found is not None and int(found.group(1)) == of and tables.verify(NAME):
                return raw
        index = EntriesIndex.from_entries(tables[ENTRIES])
        tables.entries_index = index
    return dumps({"1": index.to_doc(of)})


def running_by_user(index: EntriesIndex) -> dict[str, Doc]:
    """Each user's running entry (the last in table order if several), for the status
    file: {user: {card, start, id}} (the caller adds the titles)."""
    out: dict[str, Doc] = {}
    for doc in index.running_docs():
        if doc.get("user") is not None:
            out[str(doc["user"])] = {
                "card": doc.get("card"),
                "title": "",
                "start": doc.get("start"),
                "id": doc.get("id"),
            }
    return out
