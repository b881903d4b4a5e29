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
"""

from __future__ import annotations

import _thread as threading  # RLock, get_ident: threading's own (its import ~0.5 ms)
import gc
import re
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
# Where one document ends and the next begins in a table written by pmo: `},"123":{`.
_DOC_END = re.compile(rb'\},"\d+":\{')


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
        self.path: Any = None  # for error messages
        self.source = b""  # the file's bytes, and where each raw table lies in them
        self.spans: dict[str, tuple[int, int]] = {}
        # CRC-32 recorded for each raw table's bytes, and the tables already checked
        # against it (shared by copies: they share the bytes).
        self.crcs: dict[str, int] = {}
        self.verified: set[str] = set()
        # CRC-32 of each verified raw table without its closing brace: appending to the
        # table continues from it, so its bytes are summed once per command, not twice.
        self.prefix_crcs: dict[str, int] = {}
        # How many documents each raw line holds, as its writer recorded them for these
        # bytes, and the lines found cut only between documents (window.py).
        self.doc_counts: dict[str, int] = {}
        self.flat: set[str] = set()
        # The time entries' derived index (index.py), once read or computed.
        self.entries_index: Any = None

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
                self.path, f"not valid JSON in table {name!r}: truncated or corrupt{crc_note}"
            ) from None
        except TableError as exc:
            raise StoreError(self.path, f"{exc}{crc_note}") from None
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

    def find_raw(self, name: str, field: str, value: str) -> tuple[str, Doc] | None:
        """One document of a still unparsed table, by a plain-ASCII field value, without
        parsing the table: `pmo start PMO-5` needs one card, not ten thousand.

        pmo writes each document with ``field`` first (``"17":{"key":"PMO-5",...}``).  The
        search text cannot occur inside a JSON string (its quotes would be escaped), so a
        match is that document; it ends where the next ``},"<id>":{`` or the table begins.
        Returns None when not found or not sure: the caller then parses the table.
        """
        if name not in self.raw or self.appends.get(name) or name not in self.spans:
            return None
        if not value.isascii() or '"' in value or "\\" in value:
            return None
        if not self.usable_raw(name):
            return None
        start, stop = self.spans[name]
        src = self.source
        needle = b'{"%s":"%s",' % (field.encode(), value.encode())
        at = src.find(needle, start, stop)
        if at < 0 or src.find(needle, at + 1, stop) >= 0:
            return None  # absent, or (never written by pmo) twice: let the caller parse
        id_end = at - 2  # before ':{'
        if src[id_end:at] != b'":':
            return None
        id_start = src.rfind(b'"', start, id_end)
        doc_id = src[id_start + 1 : id_end]
        if not doc_id.isdigit():
            return None
        end = _DOC_END.search(src, at, stop)
        body = src[at : end.start() + 1] if end else src[at : stop - 1]
        try:
            doc = loads(body)
        except JSONDecodeError:
            return None
        if not isinstance(doc, dict) or doc.get(field) != value:
            return None
        return doc_id.decode(), doc  # (its bytes match their checksum: see _parse)

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
        new = Tables(dict(dict.items(self)))
        new.raw = dict(self.raw)
        new.appends = {k: list(v) for k, v in self.appends.items()}
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
        return new

    def append_raw(self, name: str, doc: Doc) -> str:
        """Add a document to a table that stays unparsed (see can_append_raw); returns its id."""
        doc_id = str(self.next_ids[name])
        self.next_ids[name] += 1
        self.appends.setdefault(name, []).append((doc_id, doc))
        return doc_id

    def can_append_raw(self, name: str) -> bool:
        return name in self.next_ids and self.usable_raw(name)


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
            if extra:
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
    out: list[Chunk] = [b'{"meta":', dumps(meta)]
    for name in names:
        if name != "meta":
            out.append(b",\n" + dumps(name) + b":")
            out.extend(lines[name])
    out.append(b"}\n")
    return out


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
    try:
        tables["projects"]  # small, and every command needs it
    except (TableError, StoreError) as exc:
        raise on_error(str(getattr(exc, "reason", exc))) from None
    return tables
