"""Some documents of a big table, found in its bytes without parsing the table.

A report needs the history of 200 cards, not 50,000 events: parsing the whole events line
costs ~60 ms at 10k cards, finding and parsing the thousand events it needs a few.  This
module answers "the documents of table T whose field F is one of these values" from the
bytes of a table that is still unparsed, and says "not sure" (None) whenever it cannot
prove its answer equals the full parse's filtered result; the caller then parses.

Why the answer is exact, when it is given:

- The table's line matches its CRC-32 (layout.py), so its bytes are what pmo's serializer
  wrote: orjson, no spaces, each value in one canonical form.  A document whose ``F`` is
  ``v`` therefore holds the bytes ``"F":<orjson.dumps(v)>`` followed by ``,`` or ``}``.
  Those bytes cannot occur inside a JSON string (its quotes would be escaped), so every
  match is a real key ``F`` of some object, at the top of a document or nested in it;
  each match's document is parsed and kept only if its own ``F`` is one of the values
  (Python ``in``, as the filter over the parsed table), so nested matches are harmless.
- Documents are cut at ``},"<digits>":{``.  That sequence separates every two documents
  of a table whose document ids are all digits (each document is an object); it may also
  occur inside a document (an object value followed by a digit key holding an object).
  The writer records, bound to the line's CRC, how many documents the line holds and
  only when every id is digits (:func:`count_parsed`, :func:`count_raw`, kept in meta as
  ``"docs": {table: [count, crc]}``).  If the line holds exactly ``count - 1`` such
  sequences, none is inside a document, so every cut is a document's edge.  Checked once
  per line read (a C regex count, ~8 ms for 6 MB).
- Documents come back in the order of the file, which is the order of the parsed table.

Anything else (no count for this line, a count from another CRC, a line that does not
match its checksum, documents appended but not written yet, a value that is neither a
string nor a whole number) is "not sure".
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from json import JSONDecodeError  # (orjson's is a subclass)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .layout import Tables
else:  # the runtime value of the aliases below (typing costs ~3 ms to import)
    Any = object

Doc = dict[str, Any]

# Between two documents of a table written by pmo (and, rarely, inside one: see above).
DOC_END = re.compile(rb'\},"[0-9]+":\{')
_DIGITS = re.compile(r"[0-9]+")


# ------------------------------------------------------------------ the writer's count
def count_parsed(table: dict[str, Doc]) -> int | None:
    """How many documents a parsed table writes, or None if an id is not all digits (then
    its cuts cannot be told by the pattern: no count, no windowed reads of that line)."""
    joined = "".join(table)
    if not (joined.isascii() and (joined.isdigit() or not joined)) or not all(table):
        return None
    return len(table)


def count_raw(tables: Tables, name: str) -> int | None:
    """The count of a raw table written from its bytes (plus the documents appended to it,
    whose ids are pmo's counter, less those a patch removed), or None when its bytes had
    none."""
    known = tables.doc_counts.get(name)
    if known is None:
        return None
    # (documents removed by a patch are left out of the bytes written: layout.patch_raw)
    removed = sum(1 for doc in tables.patches.get(name, {}).values() if doc is None)
    return known - removed + len(tables.appends.get(name, ()))


def recorded_counts(value: Any, crcs: dict[str, int]) -> dict[str, int]:
    """The counts in meta's ``docs`` that belong to the lines as they are (same CRC)."""
    if not isinstance(value, dict):
        return {}
    out: dict[str, int] = {}
    for name, pair in value.items():
        if (
            isinstance(pair, list)
            and len(pair) == 2
            and all(type(x) is int for x in pair)
            and pair[0] >= 0
            and crcs.get(name) == pair[1]
        ):
            out[name] = pair[0]
    return out


# ------------------------------------------------------------------ the reader
def _dumps(value: Any) -> bytes:
    """The bytes orjson writes, from layout.dumps (which leaves orjson unimported where the
    standard library writes the same); layout imports this module, hence not at the top."""
    from .layout import dumps

    return dumps(value)


def _loads(raw: bytes) -> Any:
    from .layout import loads

    return loads(raw)


def _needles(values: Iterable[Any]) -> list[bytes] | None:
    """Every way orjson writes a value that equals (Python ``==``) one of ``values``."""
    out: set[bytes] = set()
    for v in values:
        if isinstance(v, str):
            out.add(_dumps(v))
        elif type(v) is int:
            out.add(_dumps(v))
            if abs(v) < 2**53:
                out.add(_dumps(float(v)))  # 200.0 == 200
            if v in (0, 1):
                out.add(b"true" if v else b"false")  # True == 1
        else:
            return None
    return sorted(out)


def _trie(words: list[bytes]) -> bytes:
    """A regex matching exactly ``words`` (a trie: one step per byte, whatever their
    number, where an alternation of 200 keys would try each)."""
    groups: dict[bytes, list[bytes]] = {}
    end = False
    for w in words:
        if w:
            groups.setdefault(w[:1], []).append(w[1:])
        else:
            end = True
    if not groups:
        return b""
    alts = [re.escape(k) + _trie(v) for k, v in sorted(groups.items())]
    body = alts[0] if len(alts) == 1 else b"(?:" + b"|".join(alts) + b")"
    return b"(?:" + body + b")?" if end else body


def _flat(tables: Tables, name: str, start: int, stop: int) -> bool:
    """True if every ``},"<digits>":{`` of the line is between two documents."""
    if name in tables.flat:
        return True
    count = tables.doc_counts[name]
    src = tables.source
    if count == 0:
        ok = src[start:stop] == b"{}"
    else:
        ok = len(DOC_END.findall(src, start, stop)) == count - 1
    if ok:
        tables.flat.add(name)
    return ok


def docs_where(tables: Tables, name: str, field: str, values: Collection[Any]) -> list[Doc] | None:
    """The documents of ``name`` whose ``field`` is one of ``values``, in the table's order,
    from the bytes of the still unparsed table; None when not sure (parse and filter)."""
    return docs_where_any(tables, name, {field: values})


def docs_where_any(
    tables: Tables, name: str, criteria: Mapping[str, Collection[Any]]
) -> list[Doc] | None:
    """The documents of ``name`` where any ``field`` is one of its values (see
    :func:`keep_any`), in the table's order, from the bytes of the still unparsed table;
    None when not sure (then parse and filter with :func:`keep_any`)."""
    if (
        name not in tables.raw
        or tables.appends.get(name)
        or tables.patches.get(name)  # (documents changed in memory: not in the bytes)
        or name not in tables.spans
        or name not in tables.doc_counts
    ):
        return None
    # One pattern per set of values, starting with a literal (sre finds a literal prefix
    # quickly; an alternation of fields starts with a bare quote and costs 2-3x as much):
    # `"field":<trie>`, or for fields sharing values (a sprint's "to" and "from")
    # `:<trie>`, one scan, its hits kept when one of the fields is the key before them.
    by_needles: dict[tuple[bytes, ...], list[bytes]] = {}
    for field, values in criteria.items():
        needles = _needles(values)
        if needles is None:
            return None
        if needles:
            by_needles.setdefault(tuple(needles), []).append(_dumps(field) + b":")
    patterns: list[tuple[re.Pattern[bytes], list[bytes] | None]] = []
    for needles_key, prefixes in by_needles.items():
        trie = b"(?:" + _trie(list(needles_key)) + b")(?=[,}])"
        if len(prefixes) == 1:
            patterns.append((re.compile(re.escape(prefixes[0]) + trie), None))
        else:
            patterns.append((re.compile(b":" + trie), [k[:-1] for k in prefixes]))
    if not tables.usable_raw(name):
        return None
    if not patterns:
        return []
    start, stop = tables.spans[name]
    src = tables.source
    if src[start : start + 1] != b"{" or src[stop - 1 : stop] != b"}":
        return None
    if not _flat(tables, name, start, stop):
        return None
    found: set[int] = set()
    for pattern, names in patterns:
        if names is None:
            found.update(m.start() for m in pattern.finditer(src, start, stop))
        else:
            for m in pattern.finditer(src, start, stop):
                at = m.start()
                for name_bytes in names:
                    if src[at - len(name_bytes) : at] == name_bytes:
                        found.add(at - len(name_bytes))
    hits = sorted(found)
    bodies: list[bytes | memoryview] = []
    last_end = -1
    for at in hits:
        if at < last_end:
            continue  # another match inside the document just taken
        body_start = _doc_start(src, start, at)
        if body_start is None:
            return None
        end = DOC_END.search(src, at, stop)
        body_end = end.start() + 1 if end else stop - 1
        bodies.append(src[body_start:body_end])
        last_end = body_end
    if not bodies:
        return []
    try:
        docs = _loads(b"[" + b",".join(bodies) + b"]")
    except JSONDecodeError:
        return None
    if not all(type(d) is dict for d in docs):
        return None
    return keep_any(docs, criteria)


def keep_any(docs: Iterable[Doc], criteria: Mapping[str, Collection[Any]]) -> list[Doc]:
    """The documents where any field of ``criteria`` is one of its values (Python ``in``
    a set; an unhashable value is in none)."""
    wanted = [(field, set(values)) for field, values in criteria.items()]
    out = []
    for d in docs:
        for field, values in wanted:
            try:
                if d.get(field) in values:
                    out.append(d)
                    break
            except TypeError:  # a list or an object: not one of the values
                pass
    return out


def _doc_start(src: bytes, start: int, at: int) -> int | None:
    """Where the document holding byte ``at`` begins (its ``{``)."""
    i = at
    while True:
        i = src.rfind(b'},"', start, i)
        if i < 0:
            break
        m = DOC_END.match(src, i)
        if m is not None and m.end() <= at:
            return m.end() - 1
    # the first document: {"<id>":{
    colon = src.find(b'":{', start, at + 1)
    if colon < 0 or src[start + 1 : start + 2] != b'"':
        return None
    if not _DIGITS.fullmatch(src[start + 2 : colon].decode("ascii", "replace")):
        return None
    return colon + 2
