"""Export and import: a full JSON backup, and CSV of one project's cards (SPEC section 3).

``export_json`` writes every table but ``meta`` as stored, in document-id order, so that
importing it into an empty file and exporting again gives the same bytes.  ``import_data``
validates the whole input before it touches the file, then applies it in one transaction:
into an empty file it copies everything as it is; into a file with data it refuses key
clashes unless ``merge`` is set.  CSV cells that a spreadsheet would run as a formula are
written with a leading apostrophe, which the CSV import takes off again.

CSV import matches card keys as JSON import does: a row whose key exists in the file is a
clash, refused unless ``merge`` is set, and then the card's fields named by the CSV's
columns are replaced.  A key of another project, or none, gets the next free number.  A
sprint (id or name) the file does not have is cleared on that card and the summary says so:
sprint ids are per file, so an export of one file names sprints another may not have.
Text from either format is refused if it holds control characters (the one text rule of
core.text), naming the record and the field.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import date
from typing import Any

import orjson

from . import parse
from .board import Board
from .errors import UseCaseError
from .model import (
    CARD_FIELDS,
    SCHEMA_VERSION,
    SPRINT_STATES,
    Doc,
    Project,
    iso,
    parse_iso,
    utcnow,
)
from .storage.jsonfile.store import Store, default_project
from .usecases.validate import MAX_TEXT, MAX_TITLE, clean_line, clean_text

LISTS: tuple[str, ...] = ("projects", "cards", "sprints", "time_entries", "events")
CSV_COLUMNS: tuple[str, ...] = (
    "key",
    "title",
    "status",
    "points",
    "estimate",
    "spent",
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
    "description",
)
# A cell starting with one of these is run as a formula by spreadsheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Cells neutralised on export: formula starts, and (so that the import can undo it without
# ambiguity) text that already is apostrophes followed by a formula start.
_NEUTRALISED_RE = re.compile(r"'*[=+\-@\t\r]", re.DOTALL)
_TRUE = ("true", "yes", "y", "1", "x")
_FALSE = ("false", "no", "n", "0", "")
_SHOWN = 5  # keys named in a clash message


# ===================================================================== export
def export_json(store: Store) -> bytes:
    """The whole file (all projects) as one indented JSON document."""
    data = store.read()
    document: Doc = {"schema_version": SCHEMA_VERSION}
    for name in LISTS:
        rows = data.get(name, {})
        document[name] = [rows[doc_id] for doc_id in sorted(rows, key=_doc_id_order)]
    return orjson.dumps(document, option=orjson.OPT_INDENT_2)


def export_csv(board: Board) -> str:
    """One row per card of the board's project, archived ones included."""
    spent = board.spent()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for doc in board.card_docs(archived=True):
        key = str(doc.get("key", ""))
        values: dict[str, Any] = {name: doc.get(name) for name in CSV_COLUMNS}
        values["tags"] = ";".join(str(t) for t in doc.get("tags") or [])
        values["spent"] = spent.get(key, 0)
        values["archived"] = "true" if doc.get("archived") else "false"
        writer.writerow([neutralise(_cell(values[name])) for name in CSV_COLUMNS])
    return out.getvalue()


def neutralise(cell: str) -> str:
    """A CSV cell that no spreadsheet runs as a formula (see :func:`unneutralise`)."""
    return "'" + cell if _NEUTRALISED_RE.match(cell) else cell


def unneutralise(cell: str) -> str:
    """Undo :func:`neutralise`: drop the apostrophe it added, and only that."""
    return cell[1:] if cell.startswith("'") and _NEUTRALISED_RE.match(cell, 1) else cell


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _doc_id_order(doc_id: str) -> tuple[int, str]:
    return (int(doc_id), "") if doc_id.isdigit() else (1 << 62, doc_id)


# ===================================================================== import
def import_data(
    store: Store,
    raw: bytes,
    fmt: str,
    *,
    merge: bool,
    user: str,
    project: str | None,
) -> str:
    """Import a pmo JSON export or a CSV of cards into ``store``; returns a summary line."""
    fmt = fmt.strip().lower()
    if fmt == "json":
        document = validate_document(raw)
        return _import_json(store, document, merge=merge)
    if fmt == "csv":
        rows = _read_csv(raw)
        return _import_csv(store, rows, user=user, project=project, merge=merge)
    raise UseCaseError(f"import format {fmt!r} is not supported yet (use json or csv)")


# ------------------------------------------------------------------ JSON validation
def validate_document(raw: bytes) -> dict[str, list[Doc]]:
    """Parse and check an export document; raise UseCaseError naming the first problem."""
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise UseCaseError(f"not a pmo export: not valid JSON ({exc})") from None
    if not isinstance(document, dict):
        raise UseCaseError(
            f"not a pmo export: the document is a JSON {_json_type(document)}, not an object"
        )
    if "schema_version" not in document:
        raise UseCaseError("not a pmo export: schema_version is missing")
    version = document["schema_version"]
    if not _is_int(version) or version < 1:
        raise UseCaseError(f"not a pmo export: schema_version {version!r} is not a whole number")
    if version > SCHEMA_VERSION:
        raise UseCaseError(
            f"the export has schema_version {version}, newer than this pmo knows "
            f"({SCHEMA_VERSION}): upgrade pmo"
        )
    out: dict[str, list[Doc]] = {}
    for name in LISTS:
        if name not in document:
            raise UseCaseError(f"not a pmo export: the {name!r} list is missing")
        rows = document[name]
        if not isinstance(rows, list):
            raise UseCaseError(f"{name!r} is a JSON {_json_type(rows)}, not a list")
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                raise UseCaseError(f"{name}[{i}] is a JSON {_json_type(row)}, not an object")
        out[name] = rows
    for i, doc in enumerate(out["projects"]):
        _check_project(doc, f"projects[{i}]")
    for i, doc in enumerate(out["cards"]):
        _check_card(doc, f"cards[{i}]")
    for i, doc in enumerate(out["sprints"]):
        _check_sprint(doc, f"sprints[{i}]")
    for i, doc in enumerate(out["time_entries"]):
        _check_entry(doc, f"time_entries[{i}]")
    for i, doc in enumerate(out["events"]):
        _check_event(doc, f"events[{i}]")
    _check_unique(out["projects"], "key", "project key")
    _check_unique(out["cards"], "key", "card key")
    _check_unique(out["sprints"], "id", "sprint id")
    _check_unique(out["time_entries"], "id", "time entry id")
    return out


def _check_project(doc: Doc, where: str) -> None:
    key = _req_str(doc, "key", where)
    try:
        parse.parse_project_key(key)
    except parse.ParseError as exc:
        raise UseCaseError(f"{where}: {exc}") from None
    where = f"{where} ({key})"
    _opt(doc, "name", where, str)
    _line(doc, "name", where)
    columns = doc.get("columns")
    if columns is not None:
        if not isinstance(columns, list):
            raise UseCaseError(f"{where}: columns is not a list")
        for j, col in enumerate(columns):
            if not isinstance(col, dict) or not isinstance(col.get("id"), str) or not col["id"]:
                raise UseCaseError(f"{where}: columns[{j}] is not an object with a string id")
            _line(col, "id", f"{where}: columns[{j}]")
            _line(col, "name", f"{where}: columns[{j}]")
    _opt_int(doc, "next_number", where)
    _opt_number(doc, "hours_budget", where)


def _check_card(doc: Doc, where: str) -> None:
    key = _req_str(doc, "key", where)
    _line(doc, "key", where)
    where = f"{where} ({key})"
    project = _req_str(doc, "project", where)
    _req_str(doc, "title", where)
    _req_str(doc, "status", where)
    for name in ("title", "status", "assignee", "priority"):
        _line(doc, name, where, MAX_TITLE if name == "title" else MAX_TEXT)
    _multiline(doc, "description", where)
    if _card_number(key, project) is None:
        raise UseCaseError(
            f"{where}: key {key!r} does not match its project {project!r} "
            f"(expected {project}-<number>)"
        )
    _opt_number(doc, "rank", where)
    _opt(doc, "description", where, str)
    _opt_int(doc, "points", where)
    _opt_int(doc, "estimate", where)
    tags = doc.get("tags")
    if tags is not None and (
        not isinstance(tags, list) or not all(isinstance(t, str) for t in tags)
    ):
        raise UseCaseError(f"{where}: tags is not a list of strings")
    for tag in tags or []:
        _check_nested(tag, f"{where}: tags")
    _opt(doc, "assignee", where, str)
    _opt(doc, "priority", where, str)
    _opt_int(doc, "sprint", where)
    _opt_date(doc, "due", where)
    for name in ("created", "updated", "started", "done"):
        _opt_time(doc, name, where)
    _opt(doc, "archived", where, bool)


def _check_sprint(doc: Doc, where: str) -> None:
    if not _is_int(doc.get("id")):
        raise UseCaseError(f"{where}: id is missing or not a whole number")
    where = f"{where} (sprint {doc['id']})"
    _opt(doc, "project", where, str)
    _opt(doc, "name", where, str)
    _opt(doc, "goal", where, str)
    _line(doc, "project", where)
    _line(doc, "name", where)
    _multiline(doc, "goal", where)
    _check_nested(doc.get("commitment"), f"{where}: commitment")
    _check_nested(doc.get("report"), f"{where}: report")
    _opt_date(doc, "start", where)
    _opt_date(doc, "end", where)
    state = doc.get("state")
    if state is not None and state not in SPRINT_STATES:
        raise UseCaseError(f"{where}: state {state!r} is not one of {', '.join(SPRINT_STATES)}")
    _opt_int(doc, "capacity", where)
    _opt(doc, "commitment", where, list)
    _opt_time(doc, "closed_at", where)
    _opt(doc, "report", where, dict)


def _check_entry(doc: Doc, where: str) -> None:
    if not _is_int(doc.get("id")):
        raise UseCaseError(f"{where}: id is missing or not a whole number")
    where = f"{where} (entry {doc['id']})"
    _req_str(doc, "card", where)
    _req_str(doc, "user", where)
    _req_str(doc, "start", where)
    _opt_time(doc, "start", where)
    _opt_time(doc, "end", where)
    _opt(doc, "note", where, str)
    _line(doc, "card", where)
    _line(doc, "user", where)
    _multiline(doc, "note", where)


def _check_event(doc: Doc, where: str) -> None:
    _req_str(doc, "ts", where)
    _opt_time(doc, "ts", where)
    _opt(doc, "user", where, str)
    _opt(doc, "card", where, str)
    _opt(doc, "type", where, str)
    for name in ("user", "card", "type"):
        _line(doc, name, where)
    for name in ("from", "to"):
        _check_nested(doc.get(name), f"{where}: {name}")


def _line(doc: Doc, name: str, where: str, limit: int = MAX_TEXT) -> None:
    """A one-line text field: no control characters (core.text.clean_line's rule)."""
    value = doc.get(name)
    if isinstance(value, str):
        try:
            clean_line(value, name, limit)
        except UseCaseError as exc:
            raise UseCaseError(f"{where}: {exc}") from None


def _multiline(doc: Doc, name: str, where: str) -> None:
    """A multi-line text field: newlines and tabs allowed, other control characters not."""
    value = doc.get(name)
    if isinstance(value, str):
        try:
            clean_text(value, name)
        except UseCaseError as exc:
            raise UseCaseError(f"{where}: {exc}") from None


def _check_nested(value: Any, where: str) -> None:
    """Every string inside a JSON value (history, snapshots, tags) without control
    characters other than newline and tab."""
    if isinstance(value, str):
        try:
            clean_text(value, "a value")
        except UseCaseError as exc:
            raise UseCaseError(f"{where}: {exc}") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_nested(key, where)
            _check_nested(item, where)
    elif isinstance(value, list):
        for item in value:
            _check_nested(item, where)


def _check_unique(rows: list[Doc], field: str, what: str) -> None:
    seen: set[Any] = set()
    for i, doc in enumerate(rows):
        value = doc[field]
        if value in seen:
            raise UseCaseError(f"duplicate {what} {value!r} in the document (at index {i})")
        seen.add(value)


def _req_str(doc: Doc, name: str, where: str) -> str:
    value = doc.get(name)
    if not isinstance(value, str) or not value:
        shown = "missing" if name not in doc else f"{value!r}, not a non-empty string"
        raise UseCaseError(f"{where}: {name} is {shown}")
    return value


def _opt(doc: Doc, name: str, where: str, kind: type) -> None:
    value = doc.get(name)
    if value is not None and not isinstance(value, kind):
        raise UseCaseError(f"{where}: {name} {value!r} is not a {_TYPE_NAMES.get(kind, kind)}")


_TYPE_NAMES: dict[type, str] = {
    str: "string",
    bool: "boolean",
    list: "list",
    dict: "object",
}


def _opt_int(doc: Doc, name: str, where: str) -> None:
    value = doc.get(name)
    if value is not None and not _is_int(value):
        raise UseCaseError(f"{where}: {name} {value!r} is not a whole number")


def _opt_number(doc: Doc, name: str, where: str) -> None:
    value = doc.get(name)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise UseCaseError(f"{where}: {name} {value!r} is not a number")


def _opt_date(doc: Doc, name: str, where: str) -> None:
    value = doc.get(name)
    if value is None:
        return
    try:
        if not isinstance(value, str):
            raise ValueError
        date.fromisoformat(value)
    except ValueError:
        raise UseCaseError(f"{where}: {name} {value!r} is not a date (YYYY-MM-DD)") from None


def _opt_time(doc: Doc, name: str, where: str) -> None:
    value = doc.get(name)
    if value is None:
        return
    try:
        if not isinstance(value, str):
            raise ValueError
        parse_iso(value)
    except (ValueError, OverflowError):
        raise UseCaseError(
            f"{where}: {name} {value!r} is not a time (YYYY-MM-DDTHH:MM:SSZ)"
        ) from None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _json_type(value: Any) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if value is None:
        return "null"
    return "object"


def _card_number(key: str, project: str) -> int | None:
    """The number of a card key of ``project`` (``PMO-12`` -> 12), or None."""
    prefix, sep, number = key.rpartition("-")
    if not sep or prefix != project or not number.isascii() or not number.isdigit():
        return None
    value = int(number)
    return value if value > 0 else None


# ------------------------------------------------------------------ JSON import
def _import_json(store: Store, document: dict[str, list[Doc]], *, merge: bool) -> str:
    with store.transaction():
        tables = store.tables()
        empty = not any(tables.get(name) for name in ("cards", "time_entries", "events"))
        empty = empty and all(_placeholder(doc) for doc in tables.get("sprints", {}).values())
        if empty:
            counts = _fill_empty(store, document)
        else:
            counts = _merge_into(store, document, merge=merge)
        _check_card_projects(store, document["cards"])
        _check_running(store)
        _fix_next_numbers(store)
    return _summary(counts, store)


def _placeholder(sprint: Doc) -> bool:
    """A sprint that holds nothing yet: planned, never started, no commitment, no report
    (what ``pmo init --template scrum`` plans).  A file with only these, no cards, entries
    or events counts as empty for an import: ``pmo init`` then ``pmo import backup.json``
    restores the backup as it is (its sprint ids included) instead of clashing with the
    placeholder's id."""
    return (
        sprint.get("state", "planned") == "planned"
        and not sprint.get("commitment")
        and not sprint.get("report")
        and not sprint.get("started_at")
    )


def _fill_empty(store: Store, document: dict[str, list[Doc]]) -> dict[str, tuple[int, int]]:
    """Everything in, as it is; the document's projects replace the (empty) file's, and
    its sprints the file's placeholder sprints (see :func:`_placeholder`)."""
    if document["projects"]:
        for doc_id in list(store.tables()["projects"]):
            store.remove("projects", doc_id)
    if document["projects"] or document["sprints"]:
        for doc_id in list(store.tables()["sprints"]):
            store.remove("sprints", doc_id)
    for name in LISTS:
        for doc in document[name]:
            store.insert(name, dict(doc))
    return {name: (len(document[name]), 0) for name in LISTS}


def _merge_into(
    store: Store, document: dict[str, list[Doc]], *, merge: bool
) -> dict[str, tuple[int, int]]:
    tables = store.tables()
    existing = {
        "cards": _index(tables["cards"], "key"),
        "sprints": _index(tables["sprints"], "id"),
        "time_entries": _index(tables["time_entries"], "id"),
    }
    if not merge:
        _refuse_clashes(document, existing, store)
    counts: dict[str, tuple[int, int]] = {}
    counts["projects"] = _merge_projects(store, document["projects"])
    for name, field in (("cards", "key"), ("sprints", "id"), ("time_entries", "id")):
        added = replaced = 0
        for doc in document[name]:
            doc_id = existing[name].get(doc[field])
            if doc_id is None:
                store.insert(name, dict(doc))
                added += 1
            else:
                _replace(store, name, doc_id, doc)
                replaced += 1
        counts[name] = (added, replaced)
    seen = {_fingerprint(doc) for doc in tables["events"].values()}
    added = 0
    for doc in document["events"]:
        if _fingerprint(doc) not in seen:
            store.insert("events", dict(doc))
            added += 1
    counts["events"] = (added, 0)
    return counts


def _refuse_clashes(
    document: dict[str, list[Doc]], existing: dict[str, dict[Any, str]], store: Store
) -> None:
    parts: list[str] = []
    for name, field, one, many in (
        ("cards", "key", "card", "cards"),
        ("sprints", "id", "sprint", "sprints"),
        ("time_entries", "id", "time entry", "time entries"),
    ):
        clashes = [doc[field] for doc in document[name] if doc[field] in existing[name]]
        if not clashes:
            continue
        shown = ", ".join(str(c) for c in clashes[:_SHOWN])
        if len(clashes) > _SHOWN:
            shown += ", ..."
        verb = "already exists" if len(clashes) == 1 else "already exist"
        parts.append(f"{len(clashes)} {one if len(clashes) == 1 else many} {verb} ({shown})")
    if parts:
        raise UseCaseError(f"{', '.join(parts)} in {store.path}: use --merge to overwrite them")


def _merge_projects(store: Store, projects: list[Doc]) -> tuple[int, int]:
    """New projects are added; one with a known key keeps its settings and gains the
    imported columns it does not have, and the larger next_number."""
    rows = store.tables()["projects"]
    by_key = _index(rows, "key")
    added = merged = 0
    for doc in projects:
        doc_id = by_key.get(doc["key"])
        if doc_id is None:
            store.insert("projects", dict(doc))
            added += 1
            continue
        current = rows[doc_id]
        columns = list(current.get("columns") or [])
        known = {c.get("id") for c in columns if isinstance(c, dict)}
        for col in doc.get("columns") or []:
            if col["id"] not in known:
                columns.append(dict(col))
                known.add(col["id"])
        next_number = max(
            _as_int(current.get("next_number"), 1), _as_int(doc.get("next_number"), 1)
        )
        store.update("projects", doc_id, {"columns": columns, "next_number": next_number})
        merged += 1
    return added, merged


def _replace(store: Store, table: str, doc_id: str, doc: Doc) -> None:
    """Replace a stored document's fields by ``doc``'s (same TinyDB id)."""
    current = store.update(table, doc_id, dict(doc))
    for name in [k for k in current if k not in doc]:
        del current[name]


def _check_card_projects(store: Store, cards: Iterable[Doc]) -> None:
    known = {d.get("key") for d in store.tables()["projects"].values()}
    for doc in cards:
        if doc["project"] not in known:
            raise UseCaseError(
                f"card {doc['key']} belongs to project {doc['project']!r}, which is neither "
                "in the document nor in the file"
            )


def _check_running(store: Store) -> None:
    """A user has at most one running timer, after the import too."""
    running: dict[str, list[str]] = {}
    for doc in store.tables()["time_entries"].values():
        if doc.get("end") is None:
            running.setdefault(str(doc.get("user")), []).append(str(doc.get("id")))
    for user, ids in running.items():
        if len(ids) > 1:
            raise UseCaseError(
                f"the import would leave {user!r} with {len(ids)} running timers "
                f"(time entries {', '.join(ids)}): stop all but one first"
            )


def _fix_next_numbers(store: Store) -> None:
    """Every project's next_number above its highest card number (numbers are not reused)."""
    highest: dict[str, int] = {}
    for doc in store.tables()["cards"].values():
        pkey = str(doc.get("project", ""))
        number = _card_number(str(doc.get("key", "")), pkey)
        if number is not None and number > highest.get(pkey, 0):
            highest[pkey] = number
    for doc_id, doc in list(store.tables()["projects"].items()):
        top = highest.get(str(doc.get("key")))
        if top is not None and _as_int(doc.get("next_number"), 1) <= top:
            store.update("projects", doc_id, {"next_number": top + 1})


def _index(rows: dict[str, Doc], field: str) -> dict[Any, str]:
    out: dict[Any, str] = {}
    for doc_id, doc in rows.items():
        value = doc.get(field)
        if value is not None:
            out.setdefault(value, doc_id)
    return out


def _fingerprint(doc: Doc) -> bytes:
    return orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)


def _as_int(value: Any, default: int) -> int:
    return value if _is_int(value) else default


def _summary(counts: dict[str, tuple[int, int]], store: Store) -> str:
    parts = []
    for name, one, many in (
        ("cards", "card", "cards"),
        ("sprints", "sprint", "sprints"),
        ("time_entries", "time entry", "time entries"),
        ("events", "event", "events"),
    ):
        added, replaced = counts[name]
        text = _plural(added + replaced, one, many)
        if replaced:
            text += f" ({replaced} replaced)"
        parts.append(text)
    added, merged = counts["projects"]
    if added:
        parts.insert(0, _plural(added, "project", "projects"))
    line = f"imported {', '.join(parts)} into {store.path}"
    if merged:
        line += f" (merged {_plural(merged, 'project', 'projects')})"
    return line


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


# ------------------------------------------------------------------ CSV import
def _read_csv(raw: bytes) -> list[tuple[int, dict[str, str]]]:
    """(spreadsheet row number, cells by lower-case column name) for each data row."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UseCaseError(f"the CSV is not UTF-8 text (byte {exc.start})") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            raise UseCaseError("the CSV is empty: it needs a header row with a title column")
        names = [unneutralise(h).strip().lower() for h in header]
        if "title" not in names:
            raise UseCaseError(
                f"the CSV has no title column (columns: {', '.join(names) or 'none'})"
            )
        rows: list[tuple[int, dict[str, str]]] = []
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(names):
                raise UseCaseError(
                    f"CSV row {number}: {len(cells)} cells but the header has {len(names)}"
                )
            row = {name: unneutralise(cell) for name, cell in zip(names, cells, strict=False)}
            rows.append((number, row))
    except csv.Error as exc:
        raise UseCaseError(f"the CSV cannot be read: {exc}") from None
    return rows


def _import_csv(
    store: Store,
    rows: list[tuple[int, dict[str, str]]],
    *,
    user: str,
    project: str | None,
    merge: bool = False,
) -> str:
    with store.transaction():
        tables = store.tables()
        pdoc = _csv_project(store, project, rows)
        proj = Project.from_doc(pdoc)
        board = Board(store, user, proj.key)
        now = iso(utcnow())
        sprints = {
            int(d["id"]): d
            for d in tables["sprints"].values()
            if d.get("project") == proj.key and _is_int(d.get("id"))
        }
        ranks = [
            float(d.get("rank") or 0.0)
            for d in tables["cards"].values()
            if d.get("project") == proj.key
        ]
        rank = max(ranks, default=0.0)
        next_number = _as_int(pdoc.get("next_number"), 1)
        existing = _index(tables["cards"], "key")
        header = set(rows[0][1]) if rows else set()
        wanted_rows = _csv_keys(rows, proj.key)
        clashes = [key for key in wanted_rows.values() if key in existing]
        if clashes and not merge:
            _refuse_clashes(
                {"cards": [{"key": k} for k in clashes], "sprints": [], "time_entries": []},
                {"cards": existing, "sprints": {}, "time_entries": {}},
                store,
            )
        taken = set(existing) | set(wanted_rows.values())
        new_cards: list[Doc] = []
        replaced: list[tuple[str, Doc]] = []
        missing_sprints: dict[str, int] = {}
        for number, row in rows:
            card = _csv_card(board, proj, sprints, number, row, now, missing_sprints)
            wanted = wanted_rows.get(number)
            if wanted is not None and wanted in existing:
                replaced.append((existing[wanted], _csv_replacement(card, header)))
                continue
            if wanted is not None:
                card["key"] = wanted
            else:
                while f"{proj.key}-{next_number}" in taken:
                    next_number += 1
                card["key"] = f"{proj.key}-{next_number}"
                taken.add(card["key"])
            rank += 1.0
            card["rank"] = rank
            new_cards.append(_ordered_card(card))
        for card in new_cards:
            store.insert("cards", card)
            _csv_events(store, card, user, now)
        for doc_id, fields in replaced:
            store.update("cards", doc_id, fields)
        _fix_next_numbers(store)
    line = (
        f"imported {_plural(len(new_cards) + len(replaced), 'card', 'cards')}"
        f"{f' ({len(replaced)} replaced)' if replaced else ''} into {store.path}"
        f" (project {proj.key})"
    )
    if missing_sprints:
        names = ", ".join(repr(name) for name in list(missing_sprints)[:_SHOWN])
        count = sum(missing_sprints.values())
        line += (
            f"; sprint {names} not in this file: cleared on "
            f"{_plural(count, 'card', 'cards')} (they are in the backlog)"
        )
    return line


def _csv_keys(rows: list[tuple[int, dict[str, str]]], project: str) -> dict[int, str]:
    """Row number -> the row's card key, for rows whose key belongs to ``project`` (other
    rows get the next free number).  The same key on two rows is refused."""
    out: dict[int, str] = {}
    seen: dict[str, int] = {}
    for number, row in rows:
        key = row.get("key", "").strip().upper()
        if _card_number(key, project) is None:
            continue
        if key in seen:
            raise UseCaseError(f"CSV rows {seen[key]} and {number} have the same key {key}")
        seen[key] = number
        out[number] = key
    return out


# Card fields a CSV column sets on a card that already exists (`--merge`): only those
# the CSV has, so a CSV of keys and titles renames cards and changes nothing else.
_CSV_STATUS_FIELDS = ("status", "started", "done")


def _csv_replacement(card: Doc, header: set[str]) -> Doc:
    fields = {
        name: card[name]
        for name in CSV_COLUMNS
        if name in header and name in card and name not in ("key", "spent")
    }
    if "status" in header:
        fields.update({name: card[name] for name in _CSV_STATUS_FIELDS})
    fields["updated"] = card["updated"] if "updated" in header else iso(utcnow())
    return fields


def _csv_project(
    store: Store, project: str | None, csv_rows: list[tuple[int, dict[str, str]]]
) -> Doc:
    rows = store.tables()["projects"]
    if project:
        try:
            wanted = parse.parse_project_key(project)
        except parse.ParseError as exc:
            raise UseCaseError(str(exc)) from None
    else:
        wanted = ""
    if not rows and not wanted:  # a new file: the project the CSV's keys name, if one
        wanted = _key_project(csv_rows)
    if not rows:
        created = default_project()
        if wanted:
            created.key = wanted
            created.name = wanted.lower()
        doc = created.to_doc()
        store.insert("projects", doc)
        return doc
    if not wanted:
        return rows[next(iter(rows))]
    for doc in rows.values():
        if doc.get("key") == wanted:
            return doc
    known = ", ".join(str(d.get("key")) for d in rows.values())
    raise UseCaseError(f"no project {wanted} in {store.path} (projects: {known})")


def _key_project(csv_rows: list[tuple[int, dict[str, str]]]) -> str:
    """The one project key the CSV's card keys share (``OPS`` for OPS-1, OPS-7), or ""."""
    prefixes = set()
    for _, row in csv_rows:
        prefix, sep, number = row.get("key", "").strip().upper().rpartition("-")
        if sep and number.isascii() and number.isdigit():
            prefixes.add(prefix)
    if len(prefixes) != 1:
        return ""
    try:
        return parse.parse_project_key(prefixes.pop())
    except parse.ParseError:
        return ""


def _csv_card(
    board: Board,
    proj: Project,
    sprints: dict[int, Doc],
    number: int,
    row: dict[str, str],
    now: str,
    missing_sprints: dict[str, int],
) -> Doc:
    where = f"CSV row {number}"

    def cell(name: str) -> str:
        return row.get(name, "").strip()

    def fail(name: str, reason: str) -> UseCaseError:
        return UseCaseError(f"{where}: invalid {name} {_show(row.get(name, ''))}: {reason}")

    try:
        title = clean_line(row.get("title", ""), "title")
        description = clean_text(row.get("description", ""), "description")
    except UseCaseError as exc:
        raise UseCaseError(f"{where}: {exc}") from None
    if not title:
        raise UseCaseError(f"{where}: the title is empty")

    status = cell("status")
    column = proj.find_column(status) if status else proj.first_column
    if column is None:
        names = ", ".join(c.id for c in proj.columns)
        raise fail("status", f"no such column in {proj.key} (columns: {names})")

    fields: Doc = {}
    try:
        fields = board._card_fields(
            points=cell("points") or None,
            tags=[t for t in re.split(r"[;,]", cell("tags")) if t.strip()],
            assignee=cell("assignee") or None,
            priority=cell("priority") or None,
            due=cell("due") or None,
        )
    except UseCaseError as exc:
        raise UseCaseError(f"{where}: {exc}") from None

    estimate: int | None = None
    if cell("estimate"):
        text = cell("estimate")
        try:
            estimate = (
                int(text)
                if text.isascii() and text.isdigit()
                else parse.parse_duration(text, board.hours_per_day)
            )
        except parse.ParseError:
            raise fail("estimate", "use minutes, e.g. 90, or a duration like 1h30m") from None

    sprint: int | None = None
    if cell("sprint"):
        text = cell("sprint")
        for sid, sdoc in sprints.items():
            if text == str(sid) or text.casefold() == str(sdoc.get("name", "")).casefold():
                sprint = sid
                break
        else:  # an id or name of another file's sprint: the card goes to the backlog
            missing_sprints[text] = missing_sprints.get(text, 0) + 1

    archived_text = cell("archived").lower()
    if archived_text in _TRUE:
        archived = True
    elif archived_text in _FALSE:
        archived = False
    else:
        raise fail("archived", "use true or false")

    times: dict[str, str | None] = {}
    for name in ("created", "updated", "started", "done"):
        text = cell(name)
        if not text:
            times[name] = None
            continue
        try:
            times[name] = iso(parse.from_iso(text))
        except parse.ParseError:
            raise fail(name, "use a time like 2026-11-26T09:30:00Z") from None
    created = times["created"] or now
    started = times["started"]
    done = times["done"]
    if column.role == "started" and started is None:
        started = now
    if column.role == "done" and done is None:
        done = now
    if column.role != "done":
        done = None

    return {
        "project": proj.key,
        "title": title,
        "description": description,
        "status": column.id,
        "points": fields.get("points"),
        "estimate": estimate,
        "tags": fields.get("tags", []),
        "assignee": fields.get("assignee"),
        "priority": fields.get("priority", "none"),
        "sprint": sprint,
        "due": fields.get("due"),
        "created": created,
        "updated": times["updated"] or created,
        "started": started,
        "done": done,
        "archived": archived,
    }


def _ordered_card(card: Doc) -> Doc:
    return {name: card.get(name) for name in CARD_FIELDS}


def _csv_events(store: Store, card: Doc, user: str, now: str) -> None:
    key = card["key"]

    def event(ts: str, kind: str, old: Any, new: Any) -> None:
        store.insert(
            "events",
            {"ts": ts, "user": user, "card": key, "type": kind, "from": old, "to": new},
        )

    event(
        card["created"],
        "created",
        None,
        {"status": card["status"], "points": card["points"], "estimate": card["estimate"]},
    )
    if card["sprint"] is not None:
        event(now, "sprint_added", None, card["sprint"])
    if card["archived"]:
        event(now, "archived", False, True)


def _show(text: str) -> str:
    shown = text if len(text) <= 40 else text[:39] + "…"
    return repr(shown)
