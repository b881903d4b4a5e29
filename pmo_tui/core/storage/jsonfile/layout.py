"""The data file's byte layout, and tables that are parsed only when first used.

pmo writes the TinyDB document with one table per line::

    {"meta":{...},
    "projects":{...},
    "cards":{...},
    ...}

It is plain JSON (TinyDB and any JSON tool read it), but it lets pmo find each table's
bytes with a newline search and parse only the tables a command touches: `pmo move` at 10k
cards never parses the 50,000 history events, it appends its own to their bytes.  The meta
row records each table line's length, its CRC-32 and next document id; a file whose lines do
not match in length, or that has no checksums (edited by hand, written by another tool or an
older pmo, truncated) is parsed whole the ordinary way.  A line of the right length whose
checksum does not match (one flipped byte, or a same-length edit by hand) is never used as
bytes: not searched, appended to or carried into a new file.  It is parsed and checked like
any hand-edited table instead, and refused as damaged if it does not parse.

A one-record change does not parse its table either: `pmo move PMO-5 doing` finds the card's
bytes (``"5":{"key":"PMO-5",...}``), records the new document as a patch, and the write
splices it in (the bytes before it, the new document, the bytes after it) and sums the
line's CRC-32 over those pieces.  Lookups in the same process see the patch, and a table
parsed later applies it.  What `pmo add` and a WIP note need from all cards (the highest
rank, the open cards per column) is kept in meta beside the checksums (CardSummary).
"""

from __future__ import annotations

import _thread as threading  # RLock, get_ident: threading's own (its import ~0.5 ms)
import gc
import zlib
from collections.abc import Callable, Iterator
from json import JSONDecodeError  # orjson's JSONDecodeError is a subclass of it
from operator import methodcaller

from ...errors import StoreError
from . import schema, window

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any
else:  # the runtime value of the aliases below (typing costs ~3 ms to import)
    Any = object

Doc = dict[str, Any]
TABLES: tuple[str, ...] = ("meta", "projects", "cards", "sprints", "time_entries", "events")


class TableError(Exception):
    """A table's bytes are not what pmo wrote (the store turns it into StoreError)."""


# --------------------------------------------------------------------------- JSON
# orjson parses ~2x and writes ~10-40x faster than the standard library, but importing it
# costs ~8-10 ms (it imports dataclasses, inspect, uuid, platform and json at start-up):
# more than a whole one-card change at 1k cards.  So a payload up to the size of a 1k-card
# table goes through the standard library's C-accelerated json, and orjson is imported only
# for a bigger one (and used for everything once it is loaded).  Both ways give
# the same result: the standard library is used only where it is known to agree with
# orjson byte for byte, and anything else (odd types, big integers, floats written with an
# exponent, invalid text, errors) is handed to orjson, so every refusal is orjson's.
# Thresholds measured on the bench data (bench/generate.py): a 1k-card table (400 KB, some
# 10,000 numbers, dicts and lists) parses in ~4 ms and is written in ~6 ms with the standard
# library, against ~10 ms for importing orjson; a 10k-card table is ten times that.
LOADS_STDLIB_MAX = 1024 * 1024  # bytes
DUMPS_STDLIB_MAX = 50_000  # numbers, dicts and lists (strings are not counted)
_orjson: Any = None
_decoder: Any = None
_encoder: Any = None
# For the standard library path, bytes that might parse differently in orjson: a run of 19+
# digits (an integer beyond 64 bits is a float in orjson), a digit before e/E (an exponent:
# orjson refuses one that overflows to infinity) and \u escapes of surrogates (orjson refuses
# a lone one).  Each byte is mapped to its class by bytes.translate (digit 0, e, backslash, u,
# d, anything else a space), then the patterns are found with bytes.find: both in C.
_RISKY = bytes(
    ord("0")
    if 48 <= b <= 57
    else ord("e")
    if b in b"eE"
    else ord("d")
    if b in b"dD"
    else b
    if b in b"\\u"
    else ord(" ")
    for b in range(256)
)
_LONG_DIGITS = b"0" * 19


def _orjson_module() -> Any:
    global _orjson
    if _orjson is None:
        import orjson

        _orjson = orjson
    return _orjson


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # NaN, Infinity, -Infinity: as orjson


def _loads_stdlib(raw: bytes | memoryview) -> Any:
    """The document if the standard library parses it exactly as orjson would, else a
    private sentinel (the caller then asks orjson)."""
    global _decoder
    data = raw if isinstance(raw, bytes) else bytes(raw)
    shape = data.translate(_RISKY)
    if _LONG_DIGITS in shape or b"0e" in shape or b"\\ud" in shape:
        return _UNSURE
    try:
        text = data.decode("utf-8")  # strict: invalid UTF-8 is orjson's to refuse
    except UnicodeDecodeError:
        return _UNSURE
    if _decoder is None:
        import json

        _decoder = json.JSONDecoder(parse_constant=_refuse_constant)
    try:
        return _decoder.decode(text)
    except (ValueError, RecursionError):  # (a BOM, bad syntax, nesting too deep...)
        return _UNSURE


_UNSURE = object()


def loads(raw: bytes | memoryview) -> Any:
    """Parse JSON as orjson does (JSONDecodeError, a ValueError, if it is not valid)."""
    # Parsing builds hundreds of thousands of small dicts; the cyclic GC would walk them
    # again and again while they are created.  None of them can form a cycle, so keep it off.
    enabled = gc.isenabled()
    gc.disable()
    try:
        if _orjson is None and len(raw) <= LOADS_STDLIB_MAX:
            data = _loads_stdlib(raw)
            if data is not _UNSURE:
                return data
        return _orjson_module().loads(raw)
    finally:
        if enabled:
            gc.enable()


def _fits_stdlib(data: Any) -> bool:
    """True if the standard library writes ``data`` exactly as orjson does, and it is
    small: plain dicts with str keys, lists, tuples, str, bool, None, ints within 64 bits
    and floats that both write without an exponent (orjson writes 1.5e-05 as 0.000015)."""
    stack = [data]
    budget = DUMPS_STDLIB_MAX
    while stack:
        obj = stack.pop()
        kind = type(obj)
        if kind is str or obj is None or kind is bool:
            continue
        budget -= 1
        if budget < 0:
            return False
        if kind is dict:
            for key in obj:
                if type(key) is not str:
                    return False
            stack.extend(obj.values())
        elif kind is list or kind is tuple:
            stack.extend(obj)
        elif kind is int:
            if not -0x8000_0000_0000_0000 <= obj <= 0xFFFF_FFFF_FFFF_FFFF:
                return False
        elif kind is float:
            if not (1e-4 <= abs(obj) < 1e16 or obj == 0.0):  # (also False for nan)
                return False
        else:
            return False
    return True


def dumps(data: Any) -> bytes:
    """Compact JSON bytes, exactly as ``orjson.dumps(data)`` (its errors too)."""
    global _encoder
    if _orjson is None and _fits_stdlib(data):
        if _encoder is None:
            import json

            _encoder = json.JSONEncoder(
                ensure_ascii=False, separators=(",", ":"), check_circular=False
            )
        try:
            out: bytes = _encoder.encode(data).encode("utf-8")
            return out
        except UnicodeEncodeError:  # a lone surrogate: orjson refuses it
            pass
    out = _orjson_module().dumps(data)
    return out


def _shown(path: Any) -> Any:
    """The path a StoreError names: a ``Path``, made only when raising (pathlib costs
    ~3 ms to import on a write that does not fail)."""
    if isinstance(path, str):
        from pathlib import Path

        return Path(path)
    return path


def check_table(name: str, table: Any, *, validate: bool = True) -> dict[str, Doc]:
    """The table if its rows are pmo's (and, with ``validate``, their values of the right
    types: see schema.py); TableError otherwise."""
    # map/set keep these checks in C: they run over every document of a parsed table.
    if not isinstance(table, dict) or not set(map(type, table.values())) <= {dict}:
        raise TableError(f"not a pmo data file (bad rows in {name!r})")
    if name in ("cards", "projects") and not set(
        map(type, map(methodcaller("get", "key"), table.values()))
    ) <= {str}:
        raise TableError(f"damaged: a row in {name!r} has no 'key'")
    if validate:
        try:
            schema.check_rows(name, table)
        except schema.SchemaError as exc:
            raise TableError(str(exc)) from None
    return table


_PARSE_LOCK = threading.RLock()


class Tables(dict[str, dict[str, Doc]]):
    """Table name -> {doc id: document}; tables still in ``raw`` are parsed on first use.

    Documents appended to a raw table (history events) wait in ``appends`` and are written
    after its bytes without parsing them.
    """

    def __init__(self, parsed: dict[str, dict[str, Doc]] | None = None) -> None:
        super().__init__(parsed or {})
        self.raw: dict[str, bytes | memoryview] = {}
        self.appends: dict[str, list[tuple[str, Doc]]] = {}
        self.next_ids: dict[str, int] = {}  # next document id per table (kept in meta)
        self.floor_ids: dict[str, int] = {}  # lower bounds after bulk changes
        self.path: Any = None  # for error messages (the store gives its path as text)
        self.source = b""  # the file's bytes, and where each raw table lies in them
        self.spans: dict[str, tuple[int, int]] = {}
        # CRC-32 recorded for each raw table's bytes, and the tables already checked
        # against it (shared by copies: they share the bytes).
        self.crcs: dict[str, int] = {}
        self.verified: set[str] = set()
        # CRC-32 of each verified raw table without its closing brace: appending to the
        # table continues from it, so its bytes are summed once per command, not twice.
        self.prefix_crcs: dict[str, int] = {}
        # Changes to documents of a raw table, spliced into its bytes when written (see
        # patch_raw): doc id -> the new document, or None for a removed one.
        self.patches: dict[str, dict[str, Doc | None]] = {}
        # Where documents found in a raw table lie in ``source``: table -> doc id -> (start,
        # end) of its ``"id":{...}`` member (facts about the bytes: shared by copies).
        self.members: dict[str, dict[str, tuple[int, int]]] = {}
        # (table, field, value) -> the doc id found for it in the bytes, "" if absent: a
        # command looks one card up several times, each search would cost a scan.
        self.found: dict[tuple[str, str, str | int], str] = {}
        # What `pmo add` and a move's WIP note need from all cards, kept while the cards
        # table is unparsed (see CardSummary); None if unknown (then they parse it).
        self.summary: CardSummary | None = None
        # Raw tables appended to or patched since this copy was made (one transaction's).
        self.changed: set[str] = set()
        # How many documents each raw line holds, as its writer recorded them for these
        # bytes, and the lines found cut only between documents (window.py).
        self.doc_counts: dict[str, int] = {}
        self.flat: set[str] = set()
        # The time entries' derived index (index.py), once read or computed.
        self.entries_index: Any = None
        # Tables parsed from checksummed bytes with nothing applied on top: name -> (the
        # parsed table, its bytes, their CRC-32); see _parse and serialize.
        self.pristine: dict[str, tuple[dict[str, Doc], Chunk, int]] = {}

    # --- lazy access
    def __missing__(self, name: str) -> dict[str, Doc]:
        with _PARSE_LOCK:  # the app reads from two threads; parse each table once
            if dict.__contains__(self, name):
                return dict.__getitem__(self, name)
            return self._parse(name)

    def _parse(self, name: str) -> dict[str, Doc]:
        raw = self.raw.get(name)
        if raw is None:
            raise KeyError(name)
        # Bytes that match their checksum are exactly what pmo wrote, from values it had
        # checked: their values need no second check (it would cost more than the parse).
        # Anything else (edited, written by another tool) is checked value by value.
        trusted = name in self.crcs and self.verify(name)
        crc_note = "" if self.verify(name) else " (its checksum does not match either)"
        try:
            table = check_table(name, loads(raw), validate=not trusted)
        except JSONDecodeError:
            raise StoreError(
                _shown(self.path),
                f"not valid JSON in table {name!r}: truncated or corrupt{crc_note}",
            ) from None
        except TableError as exc:
            raise StoreError(_shown(self.path), f"{exc}{crc_note}") from None
        if name == "cards":
            self.summary = None  # (computed from the parsed table from now on)
        if trusted and not self.patches.get(name) and not self.appends.get(name):
            # Parsed only to be read: while this very table object stays in place (any
            # change copies it first: Store._table), the next write carries these bytes
            # over instead of writing the whole table again.
            self.pristine[name] = (table, raw, self.crcs[name])
        for doc_id, new in self.patches.pop(name, {}).items():
            if new is None:
                table.pop(doc_id, None)
            else:
                table[doc_id] = new
        for doc_id, doc in self.appends.pop(name, []):
            table[doc_id] = doc
        dict.__setitem__(self, name, table)
        del self.raw[name]
        return table

    def is_raw(self, name: str) -> bool:
        return name in self.raw

    def verify(self, name: str) -> bool:
        """True if a raw table's bytes match the checksum recorded for them (or none is)."""
        if name in self.verified or name not in self.crcs or name not in self.raw:
            return True
        raw = self.raw[name]
        prefix = zlib.crc32(raw[:-1])
        if zlib.crc32(raw[-1:], prefix) != self.crcs[name]:
            return False
        self.prefix_crcs[name] = prefix
        self.verified.add(name)
        return True

    def usable_raw(self, name: str) -> bool:
        """True if a raw table's bytes may be used without parsing them.  A table whose
        bytes do not match their checksum is parsed now instead: kept as a hand edit if it
        parses and checks out, refused (StoreError) as damaged if not."""
        if name not in self.raw:
            return False
        if self.verify(name):
            return True
        self[name]
        return False

    def find_raw(self, name: str, field: str, value: str | int) -> tuple[str, Doc] | None:
        """One document of a still unparsed table, by a field's value, without parsing the
        table: `pmo start PMO-5` needs one card, not ten thousand.  None when not found or
        not sure (see :meth:`lookup_raw`)."""
        found = self.lookup_raw(name, field, value)
        return found if isinstance(found, tuple) else None

    def lookup_raw(self, name: str, field: str, value: str | int) -> tuple[str, Doc] | bool:
        """(doc id, document) of the one document of a raw table whose ``field`` is
        ``value`` (plain-ASCII text, or a whole number); False if there is surely none;
        True if not sure (the caller then parses the table).

        pmo writes each document with ``field`` first (``"17":{"key":"PMO-5",...}``).  The
        search text cannot occur inside a JSON string (its quotes would be escaped), so a
        match is that document; it ends where the next ``},"<id>":{`` or the table begins.
        Documents patched or appended in memory (not yet in the bytes) are seen first.
        """
        if name not in self.raw or name not in self.spans:
            return True
        if isinstance(value, str):
            if not value.isascii() or '"' in value or "\\" in value:
                return True
            text = b'"%s"' % value.encode()
        elif type(value) is int:
            text = b"%d" % value
        else:
            return True
        for doc_id, doc in self.appends.get(name, ()):
            if doc.get(field) == value:
                return doc_id, doc
        patched = self.patches.get(name, {})
        for doc_id, new in patched.items():
            if new is not None and new.get(field) == value:
                return doc_id, new
        if not self.usable_raw(name):
            return True
        seen = self.found.get((name, field, value))
        if seen == "":
            return False
        if seen is not None:
            known = self._member_doc(name, seen)
            if known is None:
                return True
            return False if seen in patched else (seen, known)
        start, stop = self.spans[name]
        src = self.source
        # One pass over the table for every whole occurrence of `"field":value` (a number
        # followed by more digits is another value).
        key = b'"%s":%s' % (field.encode(), text)
        size = len(key)
        hits = []
        at = src.find(key, start, stop)
        while at >= 0:
            if src[at + size : at + size + 1] in (b",", b"}"):
                hits.append(at)
            at = src.find(key, at + size, stop)
        if not hits:
            # Absent anywhere in the table (in any position, as text never splits a value
            # written without spaces): surely no such document.
            self.found[name, field, value] = ""
            return False
        at = hits[0] - 1
        if len(hits) > 1 or src[at : at + 1] != b"{" or src[at + 1 + size : at + 2 + size] != b",":
            return True  # twice, or not written first: let the caller parse
        id_end = at - 2  # before ':{'
        if src[id_end:at] != b'":':
            return True
        id_start = src.rfind(b'"', start, id_end)
        raw_id = bytes(src[id_start + 1 : id_end])
        if not raw_id.isdigit() or src[id_start - 1 : id_start] not in (b",", b"{"):
            return True
        doc_id = raw_id.decode()
        found = self._member_at(name, doc_id, id_start, at)
        if found is None or found.get(field) != value:
            return True
        self.found[name, field, value] = doc_id
        if doc_id in patched:
            return False  # changed or removed in memory: no longer this value
        return doc_id, found  # (its bytes match their checksum: see _parse)

    def doc_raw(self, name: str, doc_id: str) -> Doc | bool:
        """A document of a raw table by its document id, without parsing the table; False
        if surely absent, True if not sure (see :meth:`lookup_raw`)."""
        if name not in self.raw or name not in self.spans or not doc_id.isdigit():
            return True
        for appended_id, doc in self.appends.get(name, ()):
            if appended_id == doc_id:  # (first: it may reuse the id of a removed one)
                return doc
        patched = self.patches.get(name, {})
        if doc_id in patched:
            return patched[doc_id] or False
        if not self.usable_raw(name):
            return True
        if doc_id in self.members.get(name, ()):
            return self._member_doc(name, doc_id) or True
        start, stop = self.spans[name]
        src = self.source
        head = b'"%s":{' % doc_id.encode()
        if src[start + 1 : start + 1 + len(head)] == head:
            at = start + 1
        else:
            at = src.find(b"," + head, start, stop)
            if at < 0:
                return False  # every member but the first follows a comma
            at += 1
        if src.find(b"," + head, at, stop) >= 0:
            return True
        found = self._member_at(name, doc_id, at, at + len(head) - 1)
        return True if found is None else found

    def _member_at(self, name: str, doc_id: str, member: int, body: int) -> Doc | None:
        """The document whose member ``"id":`` starts at ``member`` and body at ``body``;
        remembers where it lies (for :meth:`patch_raw`).  None if it does not parse."""
        stop = self.spans[name][1]
        src = self.source
        end = window.DOC_END.search(src, body, stop)
        doc_end = end.start() + 1 if end else stop - 1
        try:
            doc = loads(src[body:doc_end])
        except JSONDecodeError:
            return None
        if not isinstance(doc, dict):
            return None
        self.members.setdefault(name, {})[doc_id] = (member, doc_end)
        return doc

    def _member_doc(self, name: str, doc_id: str) -> Doc | None:
        """A document already located in the bytes (see _member_at), parsed again (callers
        may keep and change what they are given)."""
        member, end = self.members[name][doc_id]
        try:
            doc = loads(self.source[member + len(doc_id) + 3 : end])
        except JSONDecodeError:
            return None
        return doc if isinstance(doc, dict) else None

    def can_patch_raw(self, name: str) -> bool:
        """True if documents of this raw table can be changed without parsing it."""
        return name in self.next_ids and name in self.spans and self.usable_raw(name)

    def patch_raw(self, name: str, doc_id: str, old: Doc, doc: Doc | None) -> None:
        """Replace (``doc``) or remove (None) a document of a raw table that
        :meth:`lookup_raw` or :meth:`doc_raw` found: written by splicing its new bytes into
        the table's (see serialize), seen by every lookup and by a later parse.  ``old``
        is the document as it was."""
        self.changed.add(name)
        if name == "cards" and self.summary is not None:
            self.summary = self.summary.changed(old, doc)
        appended = self.appends.get(name, [])
        for i, (appended_id, _) in enumerate(appended):
            if appended_id == doc_id:
                if doc is None:
                    del appended[i]
                else:
                    appended[i] = (doc_id, doc)
                return
        if doc_id not in self.members.get(name, {}):
            raise KeyError(f"{name} {doc_id}: not located in the raw table")
        self.patches.setdefault(name, {})[doc_id] = doc

    def get(self, name: str, default: Any = None) -> Any:
        if name in self.raw or dict.__contains__(self, name):
            return self[name]
        return default

    def __contains__(self, name: object) -> bool:
        return name in self.raw or dict.__contains__(self, name)

    def setdefault(self, name: str, default: Any = None) -> Any:
        if name in self:
            return self[name]
        dict.__setitem__(self, name, default)
        return default

    def materialize(self) -> None:
        for name in list(self.raw):
            self[name]

    def __iter__(self) -> Iterator[str]:
        self.materialize()
        return dict.__iter__(self)

    def keys(self) -> Any:
        self.materialize()
        return dict.keys(self)

    def values(self) -> Any:
        self.materialize()
        return dict.values(self)

    def items(self) -> Any:
        self.materialize()
        return dict.items(self)

    def __len__(self) -> int:
        return dict.__len__(self) + len(self.raw)

    def copy(self) -> Tables:
        """A shallow copy: the same table objects and raw bytes (copy-on-write users)."""
        with _PARSE_LOCK:  # (another thread may be parsing a table of this one)
            return self._copy()

    def _copy(self) -> Tables:
        new = Tables(dict(dict.items(self)))
        new.raw = dict(self.raw)
        new.appends = {k: list(v) for k, v in self.appends.items()}
        new.patches = {k: dict(v) for k, v in self.patches.items()}
        new.members = self.members
        new.found = self.found
        new.summary = self.summary  # (immutable: changes make a new one)
        new.next_ids = dict(self.next_ids)
        new.floor_ids = dict(self.floor_ids)
        new.path = self.path
        new.source = self.source
        new.spans = self.spans
        new.crcs = self.crcs
        new.verified = self.verified
        new.prefix_crcs = self.prefix_crcs
        new.doc_counts = self.doc_counts
        new.flat = self.flat
        new.entries_index = _copy_index(self.entries_index)
        new.pristine = dict(self.pristine)
        return new

    def append_raw(self, name: str, doc: Doc, doc_id: str | None = None) -> str:
        """Add a document to a table that stays unparsed (see can_append_raw), under the
        next id or ``doc_id`` (which the caller made sure is free); returns its id."""
        self.changed.add(name)
        if name == "cards" and self.summary is not None:
            self.summary = self.summary.changed(None, doc)
        if doc_id is None:
            doc_id = str(self.next_ids[name])
        self.next_ids[name] = max(self.next_ids[name], int(doc_id) + 1)
        self.appends.setdefault(name, []).append((doc_id, doc))
        return doc_id

    def can_append_raw(self, name: str) -> bool:
        return name in self.next_ids and self.usable_raw(name)


class CardSummary:
    """Per project, the highest card rank (archived cards included: a new card goes below
    all of them) and the open (not archived) cards per column (what a WIP limit counts),
    kept in meta with the CRC-32 of the cards line it describes: `pmo add` and a move
    into a column with a WIP limit then need no parse of the cards.

    Kept exact: recomputed whenever the cards table is written from parsed data (bulk
    changes, imports, hand-edited files parsed whole), changed document by document by
    raw appends and patches, and dropped (unknown: the next command parses the cards and
    writes it again) when a change may lower a project's highest rank.  A summary whose
    CRC is not the cards line's (an older pmo or a hand edit changed the cards) is not
    used.  Immutable: copies of the tables share it.
    """

    __slots__ = ("opened", "ranks")

    def __init__(self, ranks: dict[str, float], opened: dict[str, dict[str, int]]) -> None:
        self.ranks = ranks
        self.opened = opened

    @classmethod
    def of(cls, cards: Any) -> CardSummary:
        summary = cls({}, {})
        for doc in cards:
            summary._add(doc)
        return summary

    @classmethod
    def from_meta(cls, value: Any, crc: Any) -> CardSummary | None:
        if not isinstance(value, dict) or value.get("crc") != crc or type(crc) is not int:
            return None
        ranks, opened = value.get("rank"), value.get("open")
        if not isinstance(ranks, dict) or not isinstance(opened, dict):
            return None
        if not all(type(v) in (int, float) for v in ranks.values()):
            return None
        for counts in opened.values():
            if not isinstance(counts, dict) or not all(type(v) is int for v in counts.values()):
                return None
        return cls({k: float(v) for k, v in ranks.items()}, {k: dict(v) for k, v in opened.items()})

    def to_meta(self, crc: int) -> Doc:
        return {"crc": crc, "rank": self.ranks, "open": self.opened}

    def top_rank(self, project: str) -> float | None:
        return self.ranks.get(project)

    def open_count(self, project: str, column: str) -> int:
        return self.opened.get(project, {}).get(column, 0)

    def changed(self, old: Doc | None, new: Doc | None) -> CardSummary | None:
        """The summary after one card changed from ``old`` to ``new`` (None: absent);
        None if it cannot be told without all cards (the highest rank may drop)."""
        if old is not None:
            project = old.get("project")
            top = self.ranks.get(project) if isinstance(project, str) else None
            lowered = new is None or new.get("project") != project or _rank(new) < (top or 0)
            if top is not None and _rank(old) >= top and lowered:
                return None
        summary = CardSummary(dict(self.ranks), {k: dict(v) for k, v in self.opened.items()})
        if old is not None:
            summary._add(old, -1)
        if new is not None:
            summary._add(new)
        return summary

    def _add(self, doc: Doc, step: int = 1) -> None:
        project = doc.get("project")
        if not isinstance(project, str):
            return
        if step > 0:
            rank = _rank(doc)
            top = self.ranks.get(project)
            self.ranks[project] = rank if top is None else max(top, rank)
        status = doc.get("status")
        if isinstance(status, str) and not doc.get("archived"):
            counts = self.opened.setdefault(project, {})
            counts[status] = counts.get(status, 0) + step
            if not counts[status]:
                del counts[status]


def _rank(doc: Doc) -> float:
    try:
        return float(doc.get("rank") or 0)
    except (TypeError, ValueError):
        return 0.0


def _copy_index(index: Any) -> Any:
    """A working copy's own index (it is changed in place by the writes)."""
    copy = getattr(index, "copy", None)
    return index if copy is None else copy()


def next_id(table: dict[str, Doc]) -> int:
    return max((int(k) for k in table if k.isdigit()), default=0) + 1


Chunk = bytes | memoryview


def serialize(tables: Tables) -> list[Chunk]:
    """The file's bytes, as chunks to write in order (unparsed tables are written from the
    bytes they were read from, never copied): one table per line, meta recording each
    line's length, its CRC-32 and the next document id of each table.  Raw tables are
    checked against their recorded checksum first: bytes that do not match are parsed
    (refused if damaged), never carried over as they are."""
    from .index import NAME as INDEX
    from .index import index_line

    names = [n for n in TABLES if n in tables] + [
        n for n in list(dict.keys(tables)) + list(tables.raw) if n not in TABLES and n != INDEX
    ]
    lines: dict[str, list[Chunk]] = {}
    layout: dict[str, int] = {}
    crcs: dict[str, int] = {}
    next_ids: dict[str, int] = {}
    docs: dict[str, list[int]] = {}  # documents per line, for window.py
    for name in names:
        if name == "meta":
            continue
        chunks: list[Chunk]
        crc: int | None = None
        if tables.usable_raw(name):
            raw = tables.raw[name]
            extra = tables.appends.get(name, [])
            if tables.patches.get(name):
                chunks = _spliced(tables, name, raw, extra)
            elif extra:
                body = b",".join(b'"%s":%s' % (i.encode(), dumps(d)) for i, d in extra)
                chunks = [raw[:-1], b"," if len(raw) > 2 else b"", body, b"}"]
                crc = tables.prefix_crcs.get(name)
                if crc is not None:
                    for chunk in chunks[1:]:
                        crc = zlib.crc32(chunk, crc)
            else:
                chunks = [raw]
                crc = tables.crcs.get(name)  # (verified by usable_raw)
            next_ids[name] = tables.next_ids[name]
            count = window.count_raw(tables, name)
        else:
            table = dict.__getitem__(tables, name)
            pristine = tables.pristine.get(name)
            if pristine is not None and pristine[0] is table:  # read, never changed
                chunks, crc = [pristine[1]], pristine[2]
            else:
                chunks = [dumps(table)]
            count = window.count_parsed(table)
            known = tables.next_ids.get(name)
            if known is None:
                known = max(next_id(table), tables.floor_ids.get(name, 0))
            next_ids[name] = known
        lines[name] = chunks
        layout[name] = sum(len(c) for c in chunks)
        if crc is None:
            crc = 0
            for chunk in chunks:
                crc = zlib.crc32(chunk, crc)
        crcs[name] = crc
        if count is not None:
            docs[name] = [count, crc]
    # The time entries' index, last: it records the checksum of their line (index.py).
    index = index_line(tables, crcs)
    if index is not None:
        names.append(INDEX)
        # (a counter for it too: a pmo from before the index carries a line it does not
        # know over only if meta has one; the next pmo with the index then sees the line
        # no longer matches the entries and recomputes it)
        next_ids[INDEX] = 2
        lines[INDEX] = [index]
        layout[INDEX] = len(index)
        crcs[INDEX] = zlib.crc32(index)
    meta = dict.get(tables, "meta") or {}
    meta = {k: dict(v) for k, v in meta.items()}
    first = meta.setdefault("1", {})
    first["layout"] = layout
    first["crc"] = crcs
    first["next_ids"] = next_ids
    first["docs"] = docs
    summary = tables.summary if tables.is_raw("cards") else None
    if summary is None and dict.__contains__(tables, "cards"):
        summary = CardSummary.of(dict.__getitem__(tables, "cards").values())
    if summary is not None and "cards" in crcs:
        first["cards_summary"] = summary.to_meta(crcs["cards"])
    else:
        first.pop("cards_summary", None)
    out: list[Chunk] = [b'{"meta":', dumps(meta)]
    for name in names:
        if name != "meta":
            out.append(b",\n" + dumps(name) + b":")
            out.extend(lines[name])
    out.append(b"}\n")
    return out


def _spliced(tables: Tables, name: str, raw: Chunk, extra: list[tuple[str, Doc]]) -> list[Chunk]:
    """A raw table's bytes with its patched documents spliced in: the runs of unchanged
    members between them are slices of the bytes read (never copied), each changed member
    is written anew, a removed one is left out with its comma."""
    base = tables.spans[name][0]
    members = tables.members[name]
    units: list[Chunk] = []
    pos = 1  # after the table's opening brace
    after_member = False
    for doc_id, new in sorted(tables.patches[name].items(), key=lambda item: members[item[0]][0]):
        start, end = members[doc_id]
        start -= base
        # The run before this member: from after the previous member's comma (or the
        # brace) to before this one's comma (none before the first member).
        run_start = pos + 1 if after_member else pos
        run_end = start - 1 if start > 1 else start
        if run_end > run_start:
            units.append(raw[run_start:run_end])
        if new is not None:
            units.append(b'"%s":%s' % (doc_id.encode(), dumps(new)))
        pos = end - base
        after_member = True
    run_start = pos + 1 if after_member else pos
    run_end = len(raw) - 1  # before the closing brace
    if run_end > run_start:
        units.append(raw[run_start:run_end])
    units.extend(b'"%s":%s' % (i.encode(), dumps(d)) for i, d in extra)
    chunks: list[Chunk] = [b"{"]
    for i, unit in enumerate(units):
        if i:
            chunks.append(b",")
        chunks.append(unit)
    chunks.append(b"}")
    return chunks


def to_bytes(chunks: list[Chunk]) -> bytes:
    return b"".join(chunks)


def split(raw: bytes, on_error: Callable[[str], Exception]) -> Tables | None:
    """Tables from bytes in pmo's layout, parsing only meta and projects; None if the bytes
    are not in that layout (then the caller parses them whole).  The tables' bytes are
    views into ``raw``: a 15 MB file is never copied."""
    if not raw.startswith(b'{"meta":'):
        return None
    end = len(raw)
    while end and raw[end - 1] in b" \t\r\n":
        end -= 1
    view = memoryview(raw)
    pieces: dict[str, memoryview] = {}
    spans: dict[str, tuple[int, int]] = {}
    start = 1  # after the opening brace
    while start < end:
        stop = raw.find(b"\n", start, end)
        last = stop < 0
        if last:
            stop = end
        if raw[start : start + 1] != b'"' or raw[stop - 1 : stop] != (b"}" if last else b","):
            return None
        name_end = raw.find(b'":', start + 1, stop)
        if name_end < 0:
            return None
        try:
            name = raw[start + 1 : name_end].decode("ascii")
        except UnicodeDecodeError:
            return None
        if not name.isidentifier() or name in pieces:
            return None
        pieces[name] = view[name_end + 2 : stop - 1]
        spans[name] = (name_end + 2, stop - 1)
        start = stop + 1
    try:
        meta = loads(pieces.pop("meta"))
        first = meta["1"]
        layout = first["layout"]
        counters = first["next_ids"]
        crcs = first["crc"]
    except (KeyError, TypeError, JSONDecodeError):
        return None
    if not isinstance(layout, dict) or set(layout) != set(pieces):
        return None
    if not isinstance(crcs, dict) or set(crcs) != set(pieces):
        return None  # no checksums (an older pmo, or edited): parse it whole
    if not all(type(v) is int for v in crcs.values()):
        return None
    if any(layout[name] != len(body) for name, body in pieces.items()):
        return None
    tables = Tables({"meta": meta})
    tables.raw = dict(pieces)
    tables.source = raw
    tables.spans = spans
    tables.crcs = dict(crcs)
    tables.doc_counts = window.recorded_counts(first.get("docs"), tables.crcs)
    if isinstance(counters, dict):
        tables.next_ids = {k: v for k, v in counters.items() if isinstance(v, int) and k in pieces}
    tables.summary = CardSummary.from_meta(first.get("cards_summary"), crcs.get("cards"))
    try:
        tables["projects"]  # small, and every command needs it
    except (TableError, StoreError) as exc:
        raise on_error(str(getattr(exc, "reason", exc))) from None
    return tables
